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

    def __init__(self, name, setup, stmt, needs, overhead=True, group="overhead", divisor=1):
        self.name = name
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

# The conversion rows run with the call-overhead rows: the same modules.
SUITES = {"simple": SIMPLE + CONVERT, "rk4": RK4}
