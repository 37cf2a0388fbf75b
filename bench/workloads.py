"""The benchmark rows: each is one statement run in a loop.

A row is compiled into its own function for every implementation (see
``Row.compile``), so that no two implementations share a code object that
CPython specialises or PyPy's JIT traces.
"""

import board


def callee(a, b):
    """What ``call_with_tuple*`` call back: a plain Python function."""
    return None


class Row:
    """``setup`` runs once per loop (names: ``m`` the module, ``callee``),
    ``stmt`` once per iteration (it may span lines); ``needs`` is an
    attribute the module must have for the row to apply. ``group`` says
    which tables of BENCHMARKS.md the row goes to (``"overhead"`` or
    ``"convert"``); callgrind runs a row ``N // divisor`` times (and twice
    that), so that rows costing tens of thousands of instructions do not
    dominate the run."""

    def __init__(self, name, setup, stmt, needs, overhead=True, group="overhead", divisor=1,
                 prepare=""):
        self.name = name
        # Runs once per compiled loop, not per call of it: for objects that
        # cost more to build than a sample of the row (its names are the
        # loop's globals; `setup` copies them into locals).
        self.prepare = prepare
        self.setup = setup
        self.stmt = stmt
        self.needs = needs
        # Call-overhead rows are also counted with callgrind.
        self.overhead = overhead
        self.group = group
        self.divisor = divisor

    def applies(self, module):
        return hasattr(module, self.needs)

    def compile(self, module):
        source = (
            "def run(n):\n"
            "    %s\n"
            "    for _ in range(n):\n"
            "        %s\n" % (self.setup, self.stmt.replace("\n", "\n        "))
        )
        namespace = {"m": module, "callee": callee, "board": board}
        exec(self.prepare, namespace)
        exec(compile(source, "<row %s>" % self.name, "exec"), namespace)
        return namespace["run"]


SIMPLE = [
    Row("loop only", "f = m.noargs", "pass", "noargs"),
    Row("noargs()", "f = m.noargs", "f()", "noargs"),
    Row("onearg(None)", "f = m.onearg", "f(None)", "onearg"),
    Row("varargs(None, None)", "f = m.varargs", "f(None, None)", "varargs"),
    Row(
        "call_with_tuple(callee, (1, 2))",
        "f = m.call_with_tuple; t = (1, 2)",
        "f(callee, t)",
        "call_with_tuple",
    ),
    Row(
        "call_with_tuple_and_dict(callee, (1,), {'b': 2})",
        "f = m.call_with_tuple_and_dict; t = (1,); d = {'b': 2}",
        "f(callee, t, d)",
        "call_with_tuple_and_dict",
    ),
    Row("allocate_int()", "f = m.allocate_int", "f()", "allocate_int"),
    Row("allocate_tuple()", "f = m.allocate_tuple", "f()", "allocate_tuple"),
    Row("Foo()", "cls = m.Foo", "cls()", "Foo"),
    Row("foo.noargs()", "o = m.Foo()", "o.noargs()", "Foo"),
    Row("foo.onearg(None)", "o = m.Foo()", "o.onearg(None)", "Foo"),
    Row("foo.varargs(None, None)", "o = m.Foo()", "o.varargs(None, None)", "Foo"),
    Row("len(foo)", "o = m.Foo()", "len(o)", "Foo"),
    Row("foo[0]", "o = m.Foo()", "o[0]", "Foo"),
]

# The conversion rows (issue 13, item 9): what PyO3 users find slow.
CONVERT = [
    Row(
        "sum_floats(xs), list of 1000 floats",
        "f = m.sum_floats; xs = [i * 0.5 for i in range(1000)]",
        "f(xs)",
        "sum_floats",
        group="convert",
        divisor=20,
    ),
    Row("float_list(), 1000 floats", "f = m.float_list", "f()", "float_list",
        group="convert", divisor=20),
    Row("exclaim(s)", "f = m.exclaim; s = 'conversion benchmark'", "f(s)", "exclaim",
        group="convert"),
    Row("make_dict(), 100 items", "f = m.make_dict", "f()", "make_dict",
        group="convert", divisor=5),
    Row(
        "raise_value_error(), caught",
        "f = m.raise_value_error",
        "try:\n    f()\nexcept ValueError:\n    pass",
        "raise_value_error",
        group="convert",
    ),
    Row("keywords(1, b=2, c=3)", "f = m.keywords", "f(1, b=2, c=3)", "keywords",
        group="convert"),
]

RK4 = [
    Row(
        "RK4 step",
        "step = board.make_step(m); x = board.initial_state(m)",
        "x = step(x)",
        "array",
        overhead=False,
    ),
]

# rpds-py against its hpy-rs port (bench/rpds-run): the module is `rpds`,
# either build. Maps and sets hold 100 ints unless the row says otherwise;
# the lookup's map holds 1000. Callgrind's divisors keep every row near the
# same total instruction count.
_MAP100 = "H = m.HashTrieMap((i, i) for i in range(100))"
_MAP1000 = "H = m.HashTrieMap((i, i) for i in range(1000))"
RPDS = [
    Row(
        "HashTrieMap: insert 100 keys one by one",
        "M = m.HashTrieMap; ks = list(range(100))",
        "h = M()\nfor k in ks:\n    h = h.insert(k, k)",
        "HashTrieMap",
        divisor=100,
    ),
    Row("HashTrieMap: h[k], 1000 keys", "h = H; k = 567", "h[k]", "HashTrieMap",
        prepare=_MAP1000),
    Row("HashTrieMap: k in h, 1000 keys", "h = H; k = 567", "k in h", "HashTrieMap",
        prepare=_MAP1000),
    Row("HashTrieMap: iterate keys", "h = H", "for _ in h:\n    pass", "HashTrieMap",
        divisor=20, prepare=_MAP100),
    Row("HashTrieMap: iterate items()", "h = H", "for _ in h.items():\n    pass",
        "HashTrieMap", divisor=20, prepare=_MAP100),
    Row("HashTrieMap: h == h2", "h = H; h2 = H2", "h == h2", "HashTrieMap", divisor=20,
        prepare=_MAP100 + "; H2 = m.HashTrieMap((i, i) for i in range(100))"),
    Row("HashTrieMap: hash(h)", "h = H", "hash(h)", "HashTrieMap", divisor=20,
        prepare=_MAP100),
    Row("HashTrieMap: pickle round trip",
        "h = H; import pickle; dumps, loads = pickle.dumps, pickle.loads",
        "loads(dumps(h))", "HashTrieMap", divisor=50, prepare=_MAP100),
    Row("HashTrieMap.convert(dict)", "conv = m.HashTrieMap.convert; d = D", "conv(d)",
        "HashTrieMap", divisor=50, prepare="D = {i: i for i in range(100)}"),
    Row("HashTrieMap.convert(dict), str keys", "conv = m.HashTrieMap.convert; d = D",
        "conv(d)", "HashTrieMap", divisor=50, prepare="D = {str(i): i for i in range(100)}"),
    Row("HashTrieSet(range(100))", "S = m.HashTrieSet; r = range(100)", "S(r)",
        "HashTrieSet", divisor=50),
    Row("HashTrieSet: k in s", "s = S; k = 57", "k in s", "HashTrieSet",
        prepare="S = m.HashTrieSet(range(100))"),
    Row("List(range(100))", "L = m.List; r = range(100)", "L(r)", "List", divisor=20),
    Row("List: push_front", "xs = XS", "xs.push_front(1)", "List",
        prepare="XS = m.List(range(100))"),
    Row("List: iterate", "xs = XS", "for _ in xs:\n    pass", "List", divisor=20,
        prepare="XS = m.List(range(100))"),
    Row("Queue: enqueue", "q = Q", "q.enqueue(1)", "Queue", prepare="Q = m.Queue(range(100))"),
    Row("Queue: dequeue", "q = Q", "q.dequeue()", "Queue", prepare="Q = m.Queue(range(100))"),
    Row("Stack: push", "s = S", "s.push(1)", "Stack", prepare="S = m.Stack(range(100))"),
]

# Where an object's time goes (bench/object-costs, issue 40): kiwisolver's
# symbolic operations, on the original (kiwisolver 1.5.1), the hpy-rs port
# and the C HPy twin (bench/c/kiwi) alike; `m` is the module.
_KIWI = 'a = m.Variable("a"); b = m.Variable("b")'
KIWI_OBJECTS = [
    Row("Variable()", "V = m.Variable", "V()", "Variable"),
    Row("x * 2.0", 'x = m.Variable("x")', "x * 2.0", "Variable"),
    Row("a + b", _KIWI, "a + b", "Variable"),
    Row("expr >= c", _KIWI + '; e = a * 2.0 + b; c = m.Variable("c")', "e >= c", "Variable"),
    Row("constraint | 'strong'", _KIWI + "; cn = a + 1 == b", 'cn | "strong"', "Variable"),
    Row("a * 2.0 + b - 3 >= b / 2.0 + 1", _KIWI, "a * 2.0 + b - 3 >= b / 2.0 + 1", "Variable"),
    Row("(a + b * 0.5 == 10) | 'strong'", _KIWI, '(a + b * 0.5 == 10) | "strong"', "Variable"),
]
# The object-making rows of bench/rpds-run that issue 40 names.
RPDS_OBJECTS = [row for row in RPDS if row.name in (
    "HashTrieMap: insert 100 keys one by one", "List: push_front", "HashTrieSet(range(100))")]

# Making small objects, the same module in three SDKs (bench/object-twins:
# bench/objects_hpyrs, bench/c/objects): a float holder `Var`, a `Term`
# holding a float and a `Var`, and the baselines that take the same
# arguments and make nothing (`nothing`, `nothing_term`, `Op() * k`).
_VAR = "v = m.Var(1.0)"
OBJECT_TWINS = [
    Row("loop only", "f = m.nothing", "pass", "nothing"),
    Row("nothing(1.5)", "f = m.nothing", "f(1.5)", "nothing"),
    Row("make_var(1.5)", "f = m.make_var", "f(1.5)", "make_var"),
    Row("Var(1.5)", "V = m.Var", "V(1.5)", "Var"),
    Row("Op() * 2.0", "o = m.Op()", "o * 2.0", "Op"),
    Row("v * 2.0", _VAR, "v * 2.0", "Var"),
    Row("t * 2.0", "t = m.Term(m.Var(1.0), 1.5)", "t * 2.0", "Term"),
    Row("nothing_term(v, 1.5)", "f = m.nothing_term; " + _VAR, "f(v, 1.5)", "nothing_term"),
    Row("make_term(v, 1.5)", "f = m.make_term; " + _VAR, "f(v, 1.5)", "make_term"),
    Row("Term(v, 1.5)", "T = m.Term; " + _VAR, "T(v, 1.5)", "Term"),
]

# bench/numpy-twins: tests/ext/hpyrs_numpy against its rust-numpy twin
# (bench/pyo3/numpy_pyo3), the same functions on small arrays (16 and 64
# items, and an 8 x 8 matrix). The arrays are made once per loop; the
# functions that write keep the values bounded (scale by 1.0, and an int32
# counter that a run's few hundred thousand increments cannot overflow).
_ARRAYS = ("import numpy as np\n"
           "A16 = np.arange(16.0)\n"
           "A64 = np.arange(64.0)\n"
           "M8 = np.arange(64.0).reshape(8, 8)\n"
           "I64 = np.zeros(64, dtype=np.int32)\n")
NUMPY_TWINS = [
    Row("loop only", "f = m.len1; a = A16", "pass", "len1", prepare=_ARRAYS),
    Row("len1(a16)", "f = m.len1; a = A16", "f(a)", "len1", prepare=_ARRAYS),
    Row("shape2(m8x8)", "f = m.shape2; a = M8", "f(a)", "shape2", prepare=_ARRAYS),
    Row("slice_sum_f64(a16)", "f = m.slice_sum_f64; a = A16", "f(a)", "slice_sum_f64",
        prepare=_ARRAYS),
    Row("sum_nogil(a64)", "f = m.sum_nogil; a = A64", "f(a)", "sum_nogil", prepare=_ARRAYS),
    Row("scale_f64(a16, 1.0)", "f = m.scale_f64; a = A16", "f(a, 1.0)", "scale_f64",
        prepare=_ARRAYS),
    Row("increment_slice_i32(i64)", "f = m.increment_slice_i32; a = I64", "f(a)",
        "increment_slice_i32", prepare=_ARRAYS),
    Row("ramp(16)", "f = m.ramp", "f(16)", "ramp", prepare=_ARRAYS),
    Row("reversed(a16)", "f = m.reversed; a = A16", "f(a)", "reversed", prepare=_ARRAYS),
]

# bench/tsdownsample-run --callgrind: tsdownsample's downsamplers (the port
# or the original, one per process: both are the package `tsdownsample`)
# on the upstream benchmark's sizes, sequential (under valgrind, rayon's
# threads run one at a time: the parallel cases are timed only), and on
# small arrays. The names are bench/tsdownsample-run's case names.
_TSD_ALGOS = ("MinMax", "M4", "LTTB", "MinMaxLTTB")
_TSD_ARRAYS = ("import numpy as np\n"
               "_rng = np.random.default_rng(0)\n"
               "Y = {(n, d): (_rng.standard_normal(n) * 1000).astype(d)\n"
               "     for n in (64, 1000, 100000, 1000000) for d in ('float64', 'int64')}\n"
               "X = {n: np.arange(n) for n in (64, 1000, 100000, 1000000)}\n")


def tsdownsample_case(algo, n, n_out, dtype, with_x, parallel):
    """bench/tsdownsample-run's name of a case."""
    return (f"{algo:<10} n={n:<8} out={n_out:<5} {dtype:<8} {'x' if with_x else '-'} "
            f"{'par' if parallel else 'seq'}")


def _tsdownsample_rows():
    # First, a row that makes every downsampler's one-off work happen
    # (lazy imports and type objects, argminmax's CPU feature detection)
    # before the measured rows: in a row's short segment it would make
    # (I(2N) - I(N)) / N too small.
    warm = "; ".join(f"m.{a}Downsampler().downsample(Y[1000, {d!r}], n_out=20, parallel=False)"
                     for a in _TSD_ALGOS for d in ("float64", "int64"))
    rows = [Row("warm-up (not a case)", "pass", warm, "MinMaxDownsampler", prepare=_TSD_ARRAYS)]
    sizes = [(n, n_out, d, x) for n in (100_000, 1_000_000) for n_out in (100, 1_000, 5_000)
             for d in ("float64", "int64") for x in (False, True)]
    sizes += [(n, 20, "float64", False) for n in (64, 1_000)]
    for algo in _TSD_ALGOS:
        for n, n_out, dtype, with_x in sizes:
            args = f"X[{n}], Y[{n}, {dtype!r}]" if with_x else f"Y[{n}, {dtype!r}]"
            rows.append(Row(tsdownsample_case(algo, n, n_out, dtype, with_x, False),
                            f"ds = m.{algo}Downsampler()",
                            f"ds.downsample({args}, n_out={n_out}, parallel=False)",
                            f"{algo}Downsampler", prepare=_TSD_ARRAYS,
                            divisor=1 if n <= 1_000 else 100))
    return rows


TSDOWNSAMPLE = _tsdownsample_rows()

# The conversion rows run with the call-overhead rows: the same modules.
SUITES = {"simple": SIMPLE + CONVERT, "rk4": RK4, "rpds": RPDS, "kiwi-objects": KIWI_OBJECTS,
          "rpds-objects": RPDS_OBJECTS, "object-twins": OBJECT_TWINS,
          "numpy-twins": NUMPY_TWINS, "tsdownsample": TSDOWNSAMPLE}
