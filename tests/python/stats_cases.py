"""The tests of the `stats` module, shared by its two implementations.

examples/stats (hpy-rs) runs them through test_stats.py in every mode of
this directory's harness; bench/pyo3/stats_pyo3 (PyO3) runs them through
bench/pyo3/stats_pyo3/tests (see bench/pyo3/stats_pyo3/run-tests). Each test
takes the module as the fixture `stats`; nothing here knows which
implementation it tests.
"""

import array
import collections
import doctest
import inspect
import math
import statistics
import sys
import zlib

from pathlib import Path

import pytest
from hpyrs_helpers import assert_releases_the_gil, raises_exactly

try:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    # Few examples (the debug modes are slow), no deadline (a slow machine
    # must not fail a test).
    few = settings(max_examples=40, deadline=None)
except ImportError:  # .venv-3.12 ... .venv-3.15 have pytest only
    class _NoStrategies:
        """Stands for hypothesis.strategies: any use gives itself."""

        def __getattr__(self, name):
            return self

        def __call__(self, *args, **kwargs):
            return self

        __or__ = __call__

    st = _NoStrategies()

    def given(*strategies):
        return pytest.mark.skip(reason="property test: Hypothesis is not installed here "
                                "(`python -m pip install hypothesis`)")

    def few(test):
        return test

IS_CPYTHON = sys.implementation.name == "cpython"
FUNCTIONS = ["mean", "describe", "histogram", "tokenize", "count_words", "checksum",
             "heavy_sum", "echo"]
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


def check_signature(obj, expected):
    """inspect.signature works and says `expected` (CPython only: PyPy has
    no text signatures for extension functions)."""
    if IS_CPYTHON:
        assert str(inspect.signature(obj)) == expected


# ------------------------------------------------------------------ module


def test_module(stats):
    assert isinstance(stats.__doc__, str) and stats.__doc__.strip()
    assert stats.__version__ == "0.1.0"
    for name in FUNCTIONS + ["Running", "StatsError"]:
        doc = getattr(stats, name).__doc__
        assert isinstance(doc, str) and doc.strip(), f"{name} has no docstring"


@pytest.mark.parametrize("name, signature", [
    ("mean", "(xs)"),
    ("describe", "(xs, *, ddof=1)"),
    ("histogram", "(xs, bins=10, range=None)"),
    ("tokenize", "(text)"),
    ("count_words", "(text)"),
    ("checksum", "(data)"),
    ("heavy_sum", "(n)"),
    ("echo", "(*args, **kwargs)"),
    ("Running", "(values=None)"),
    ("Running.push", "(self, /, x)"),
    ("Running.extend", "(self, /, xs)"),
])
def test_signatures(stats, name, signature):
    obj = stats
    for part in name.split("."):
        obj = getattr(obj, part)
    check_signature(obj, signature)


def test_readme_example(stats):
    """The Python session in examples/stats/README.md."""
    readme = Path(__file__).resolve().parents[2] / "examples" / "stats" / "README.md"
    session = readme.read_text().split("```python\n")[1].split("```")[0]
    test = doctest.DocTestParser().get_doctest(session, {"stats": stats}, "README", str(readme), 0)
    test.examples = [e for e in test.examples if e.source != "import stats\n"]  # the fixture's
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL)
    runner.run(test)
    assert runner.summarize(verbose=False) == (0, 9)


def test_stats_error(stats):
    assert issubclass(stats.StatsError, ValueError)
    assert stats.StatsError.__name__ == "StatsError"
    assert stats.StatsError.__module__ == stats.__name__
    with pytest.raises(ValueError):
        stats.mean([])


# -------------------------------------------------------------------- mean


def test_mean(stats):
    assert stats.mean([1, 2, 3, 4]) == 2.5
    assert stats.mean((0.5,)) == 0.5
    assert stats.mean(x / 2 for x in range(5)) == 1.0
    assert stats.mean(xs=range(3)) == 1.0


def test_mean_errors(stats):
    with raises_exactly(stats.StatsError, "mean of an empty sequence"):
        stats.mean([])
    with raises_exactly(stats.StatsError, "mean of an empty sequence"):
        stats.mean(iter(()))
    for bad in (5, "123", [1, "2"]):
        with pytest.raises(TypeError):
            stats.mean(bad)


@few
@given(st.lists(finite, min_size=1))
def test_mean_like_statistics(stats, xs):
    assert stats.mean(xs) == pytest.approx(statistics.fmean(xs), rel=1e-9, abs=1e-6)


# ---------------------------------------------------------------- describe


def test_describe(stats):
    d = stats.describe([2, 4, 4, 4, 5, 5, 7, 9])
    assert d == {"n": 8, "mean": 5.0, "std": pytest.approx(statistics.stdev([2, 4, 4, 4, 5, 5, 7, 9])),
                 "min": 2.0, "max": 9.0}
    assert list(d) == ["n", "mean", "std", "min", "max"]
    assert type(d["n"]) is int and type(d["std"]) is float
    assert stats.describe([2, 4, 4, 4, 5, 5, 7, 9], ddof=0)["std"] == pytest.approx(2.0)
    assert stats.describe([3.5], ddof=0) == {"n": 1, "mean": 3.5, "std": 0.0, "min": 3.5, "max": 3.5}


def test_describe_errors(stats):
    with raises_exactly(stats.StatsError, "describe needs more than ddof=1 values, got 1"):
        stats.describe([1.0])
    with raises_exactly(stats.StatsError, "describe needs more than ddof=0 values, got 0"):
        stats.describe([], ddof=0)
    with pytest.raises(TypeError):
        stats.describe([1.0, 2.0], 0)  # ddof is keyword-only
    with pytest.raises(OverflowError):
        stats.describe([1.0, 2.0], ddof=-1)
    with pytest.raises(TypeError):
        stats.describe([1.0, 2.0], dof=1)


@few
@given(st.lists(finite, min_size=2), st.sampled_from([0, 1]))
def test_describe_like_statistics(stats, xs, ddof):
    d = stats.describe(xs, ddof=ddof)
    std = statistics.stdev(xs) if ddof else statistics.pstdev(xs)
    assert d["n"] == len(xs)
    assert d["mean"] == pytest.approx(statistics.fmean(xs), rel=1e-9, abs=1e-6)
    assert d["std"] == pytest.approx(std, rel=1e-6, abs=1e-6)
    assert (d["min"], d["max"]) == (min(xs), max(xs))


# --------------------------------------------------------------- histogram


def reference_histogram(xs, bins=10, range=None):
    """The rule the module documents, in Python (same float operations)."""
    lo, hi = range if range is not None else ((min(xs), max(xs)) if xs else (0.0, 1.0))
    lo, hi = float(lo), float(hi)
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts = [0] * bins
    for x in xs:
        if lo <= x <= hi:
            counts[min(int((x - lo) / (hi - lo) * bins), bins - 1)] += 1
    return counts


def test_histogram(stats):
    # numpy.histogram's own examples and rules
    assert stats.histogram([1, 2, 1], bins=3, range=(0, 3)) == [0, 2, 1]
    assert stats.histogram([0, 1, 2, 3], bins=3) == [1, 1, 2]  # 3 is in the last bin
    assert stats.histogram([-1, 0, 0.5, 1, 2], 2, (0, 1)) == [1, 2]  # outside: not counted
    assert stats.histogram(range(100)) == [10] * 10
    assert stats.histogram([5, 5, 5], bins=2) == [0, 3]  # (5, 5) becomes (4.5, 5.5)
    assert stats.histogram([5], bins=3, range=(5, 5)) == [0, 1, 0]
    assert stats.histogram([], bins=4) == [0, 0, 0, 0]
    assert stats.histogram([0.5, float("nan")], 1, (0, 1)) == [1]
    assert stats.histogram(x for x in [1.0, 2.0]) == [1] + [0] * 8 + [1]


def test_histogram_errors(stats):
    for bins in (0, -3):
        with raises_exactly(stats.StatsError, f"bins must be at least 1, got {bins}"):
            stats.histogram([1.0], bins)
    with raises_exactly(stats.StatsError, "range must be finite with lo <= hi, got (2, 1)"):
        stats.histogram([1.0], range=(2, 1))
    with raises_exactly(stats.StatsError, "range must be finite with lo <= hi, got (0, inf)"):
        stats.histogram([1.0], range=(0, math.inf))
    with raises_exactly(stats.StatsError, "range must be finite with lo <= hi, got (NaN, 1)"):
        stats.histogram([1.0], range=(math.nan, 1))
    with raises_exactly(stats.StatsError, "range must be finite with lo <= hi, got (1, inf)"):
        stats.histogram([1.0, math.inf])
    with pytest.raises(MemoryError):
        stats.histogram([1.0], bins=2**62)
    with pytest.raises((TypeError, ValueError)):
        stats.histogram([1.0], range=(1, 2, 3))
    with pytest.raises(TypeError):
        stats.histogram([1.0], bins=2.5)


@few
@given(st.lists(finite, max_size=50), st.integers(1, 20),
       st.none() | st.tuples(finite, finite).map(sorted).map(tuple))
def test_histogram_like_reference(stats, xs, bins, range_):
    expected = reference_histogram(xs, bins, range_)
    assert stats.histogram(xs, bins, range_) == expected
    if range_ is None:
        assert sum(expected) == len(xs)


# ------------------------------------------------------------ text and bytes


def test_tokenize(stats):
    assert stats.tokenize("  the cat\tsat\n\non  the mat ") == ["the", "cat", "sat", "on", "the", "mat"]
    assert stats.tokenize("") == []
    assert stats.tokenize("a\u3000b\u00a0c\u2028d") == ["a", "b", "c", "d"]
    # Rust's whitespace is Unicode's White_Space: unlike str.split, the
    # ASCII separators \x1c-\x1f do not split.
    assert stats.tokenize("a\x1cb") == ["a\x1cb"]
    with pytest.raises(TypeError):
        stats.tokenize(b"a b")
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate is not UTF-8
        stats.tokenize("a \ud800")


@few
@given(st.text(st.characters(blacklist_categories=["Cs"],
                                  blacklist_characters="\x1c\x1d\x1e\x1f")))
def test_tokenize_like_str_split(stats, text):
    assert stats.tokenize(text) == text.split()


def test_count_words(stats):
    counts = stats.count_words("to be or not to be")
    assert counts == {"to": 2, "be": 2, "or": 1, "not": 1}
    assert list(counts) == ["be", "not", "or", "to"]  # sorted by word
    assert type(counts) is dict
    assert stats.count_words(" \n") == {}


@few
@given(st.lists(st.sampled_from(["a", "b", "ccc", "\u00e9t\u00e9"]), max_size=30),
       st.sampled_from([" ", "\n", "  \t"]))
def test_count_words_like_counter(stats, words, sep):
    assert stats.count_words(sep.join(words)) == collections.Counter(words)


def test_checksum(stats):
    data = b"Wikipedia"
    assert stats.checksum(data) == zlib.adler32(data) == 0x11E60398
    assert stats.checksum(b"") == 1
    assert stats.checksum(bytearray(data)) == zlib.adler32(data)
    assert stats.checksum(memoryview(data)) == zlib.adler32(data)
    assert stats.checksum(memoryview(b"xx" + data)[2:]) == zlib.adler32(data)
    assert stats.checksum(array.array("B", data)) == zlib.adler32(data)
    big = bytes(range(256)) * 100  # long enough for the sums to wrap
    assert stats.checksum(big) == zlib.adler32(big)
    for bad in ("text", 5, None):
        with pytest.raises(TypeError):
            stats.checksum(bad)


@few
@given(st.binary(max_size=5000))
def test_checksum_like_zlib(stats, data):
    assert stats.checksum(data) == zlib.adler32(data)


# --------------------------------------------------------------- heavy_sum


def test_heavy_sum(stats):
    for n in (0, 1, 7, 1000):
        assert stats.heavy_sum(n) == sum(i % 7 for i in range(n))
    assert stats.heavy_sum(n=10) == 24
    with pytest.raises(OverflowError):
        stats.heavy_sum(-1)
    with pytest.raises(TypeError):
        stats.heavy_sum(1.0)


def test_heavy_sum_releases_the_gil(stats):
    # heavy_sum(2**64 - 1) would run for centuries: another thread must get
    # the GIL back repeatedly while it runs (no clock involved; see the helper).
    assert_releases_the_gil(stats, "heavy_sum(2**64 - 1)")


# -------------------------------------------------------------------- echo


def test_echo(stats):
    assert stats.echo() == ((), {})
    assert stats.echo(1, "two", None) == ((1, "two", None), {})
    args, kwargs = stats.echo(1, a=2, b=[3])
    assert (args, kwargs) == ((1,), {"a": 2, "b": [3]})
    assert type(args) is tuple and type(kwargs) is dict
    assert stats.echo(*range(20), **{str(i): i for i in range(20)}) == (
        tuple(range(20)), {str(i): i for i in range(20)})
    assert stats.echo(args=1, kwargs=2) == ((), {"args": 1, "kwargs": 2})


# ----------------------------------------------------------------- Running


def test_running_basics(stats):
    r = stats.Running()
    assert (r.n, len(r), list(r)) == (0, 0, [])
    assert math.isnan(r.mean) and math.isnan(r.variance)
    r.push(2.0)
    assert (r.n, r.mean) == (1, 2.0) and math.isnan(r.variance)
    r.push(x=4)
    r.extend([4, 4, 5])
    r.extend(x for x in (5.0, 7.0, 9.0))
    data = [2, 4, 4, 4, 5, 5, 7, 9]
    assert (r.n, len(r), list(r)) == (8, 8, data)
    assert r.mean == pytest.approx(5.0)
    assert r.variance == pytest.approx(statistics.variance(data))
    assert type(r).__name__ == "Running" and type(r).__module__ == stats.__name__


def test_running_constructor(stats):
    assert list(stats.Running([1, 2])) == [1.0, 2.0]
    assert list(stats.Running(values=(x for x in [3]))) == [3.0]
    assert list(stats.Running(None)) == []
    with pytest.raises(TypeError):
        stats.Running(1)
    with pytest.raises(TypeError):
        stats.Running([1], [2])
    with pytest.raises(TypeError):
        stats.Running(valuez=[1])


def test_running_errors(stats):
    r = stats.Running([1.0])
    with pytest.raises(TypeError):
        r.push("1")
    with pytest.raises(TypeError):
        r.extend([1.0, "x"])
    with pytest.raises(TypeError):
        r.extend(5)
    with pytest.raises(ZeroDivisionError):
        r.extend(1 / x for x in (1, 0))
    assert list(r) == [1.0]  # a failed extend adds nothing


def test_running_properties_are_read_only(stats):
    r = stats.Running([1, 2])
    for name in ("n", "mean", "variance"):
        with pytest.raises(AttributeError):
            setattr(r, name, 1)
        doc = getattr(type(r), name).__doc__
        assert isinstance(doc, str) and doc.strip()


def test_running_repr(stats):
    assert repr(stats.Running()) == "Running([])"
    r = stats.Running([1, 2.5, -3])
    assert repr(r) == "Running([1.0, 2.5, -3.0])"
    assert eval(repr(r), {"Running": stats.Running}) == r


def test_running_eq_and_hash(stats):
    a, b = stats.Running([1, 2]), stats.Running([1.0, 2.0])
    assert a == b and not (a != b)
    b.push(3)
    assert a != b and not (a == b)
    assert stats.Running([2, 1]) != stats.Running([1, 2])  # order counts
    assert a != [1.0, 2.0] and not (a == [1.0, 2.0])
    with pytest.raises(TypeError):
        a < b
    with pytest.raises(TypeError):
        hash(a)
    assert type(a).__hash__ is None


def test_running_iter(stats):
    r = stats.Running([3, 1, 2])
    it = iter(r)
    assert next(it) == 3.0
    r.push(4)  # the iterator goes over the values pushed when it was made
    assert list(it) == [1.0, 2.0]
    assert sorted(r) == [1.0, 2.0, 3.0, 4.0]
    assert [x for x in r] == [3.0, 1.0, 2.0, 4.0]


def test_running_add(stats):
    a, b = stats.Running([1, 2, 3]), stats.Running([10, 20])
    c = a + b
    assert list(c) == [1, 2, 3, 10, 20] and c.n == 5
    assert c.mean == pytest.approx(statistics.fmean([1, 2, 3, 10, 20]))
    assert c.variance == pytest.approx(statistics.variance([1, 2, 3, 10, 20]))
    assert list(a) == [1, 2, 3] and list(b) == [10, 20]  # unchanged
    assert list(a + a) == [1, 2, 3, 1, 2, 3]
    empty = stats.Running()
    assert (empty + empty).n == 0 and math.isnan((empty + empty).mean)
    assert (empty + a) == a and (a + empty).mean == 2.0
    with pytest.raises(TypeError):
        a + 1
    with pytest.raises(TypeError):
        1 + a


@few
@given(st.lists(finite, max_size=20), st.lists(finite, max_size=20))
def test_running_add_like_pushing(stats, xs, ys):
    merged = stats.Running(xs) + stats.Running(ys)
    pushed = stats.Running(xs + ys)
    assert merged == pushed and merged.n == len(xs) + len(ys)
    if xs or ys:
        assert merged.mean == pytest.approx(pushed.mean, rel=1e-9, abs=1e-6)
    if len(xs) + len(ys) >= 2:
        assert merged.variance == pytest.approx(pushed.variance, rel=1e-6, abs=1e-6)


def test_from_list(stats):
    r = stats.Running.from_list([1, 2, 3])
    assert type(r) is stats.Running and list(r) == [1.0, 2.0, 3.0]
    assert r.variance == pytest.approx(1.0)
    check_signature(stats.Running.from_list, "(xs)")


def test_version(stats):
    assert stats.Running.version() == stats.__version__
    assert stats.Running([1]).version() == stats.__version__
    check_signature(stats.Running.version, "()")
