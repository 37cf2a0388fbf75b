//! `simple_pyo3`: the call-overhead and conversion workloads of
//! `examples/simple`, written with PyO3 the way a performance-conscious
//! PyO3 user would: borrowed `&Bound` arguments, typed tuples, a frozen
//! class with no data, PyO3's own conversions.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyNone, PyTuple};

/// Takes nothing, returns None.
#[pyfunction]
fn noargs() {}

/// Takes one argument, returns None.
#[pyfunction]
fn onearg(_x: &Bound<'_, PyAny>) {}

/// Takes any positional arguments, returns None.
#[pyfunction]
#[pyo3(signature = (*_args))]
fn varargs(_args: &Bound<'_, PyTuple>) {}

/// `f(*t)`.
#[pyfunction]
fn call_with_tuple<'py>(
    f: &Bound<'py, PyAny>,
    t: &Bound<'py, PyTuple>,
) -> PyResult<Bound<'py, PyAny>> {
    f.call(t, None)
}

/// `f(*t, **d)`.
#[pyfunction]
fn call_with_tuple_and_dict<'py>(
    f: &Bound<'py, PyAny>,
    t: &Bound<'py, PyTuple>,
    d: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    f.call(t, Some(d))
}

/// Returns a new int, 2048.
#[pyfunction]
fn allocate_int() -> i64 {
    2048
}

/// Returns a new tuple, (2048, 2049).
#[pyfunction]
fn allocate_tuple() -> (i64, i64) {
    (2048, 2049)
}

// ---- conversions ----

/// The sum of a sequence of floats (read into a `Vec<f64>` first).
#[pyfunction]
fn sum_floats(xs: Vec<f64>) -> f64 {
    xs.iter().sum()
}

/// A list of 1000 floats, `[0.0, 0.5, 1.0, ...]`, made from a `Vec<f64>`.
#[pyfunction]
fn float_list() -> Vec<f64> {
    (0..1000).map(|i| f64::from(i) * 0.5).collect()
}

/// The text with `!` appended.
#[pyfunction]
fn exclaim(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    out.push_str(text);
    out.push('!');
    out
}

/// The keys of [`make_dict`], `"k00"` to `"k99"`, three bytes each.
const KEYS: &str = concat!(
    "k00k01k02k03k04k05k06k07k08k09",
    "k10k11k12k13k14k15k16k17k18k19",
    "k20k21k22k23k24k25k26k27k28k29",
    "k30k31k32k33k34k35k36k37k38k39",
    "k40k41k42k43k44k45k46k47k48k49",
    "k50k51k52k53k54k55k56k57k58k59",
    "k60k61k62k63k64k65k66k67k68k69",
    "k70k71k72k73k74k75k76k77k78k79",
    "k80k81k82k83k84k85k86k87k88k89",
    "k90k91k92k93k94k95k96k97k98k99",
);

/// `{'k00': 0, 'k01': 1, ..., 'k99': 99}`, built item by item.
#[pyfunction]
fn make_dict(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let dict = PyDict::new(py);
    for i in 0..100 {
        let key = &KEYS[3 * i..3 * i + 3];
        dict.set_item(key, i as i64)?;
    }
    Ok(dict)
}

/// Raises `ValueError`.
#[pyfunction]
fn raise_value_error() -> PyResult<()> {
    Err(PyValueError::new_err("raised by the benchmark"))
}

/// `a + b + c + d`: one positional argument, two required keyword-only
/// ones and one with a default.
#[pyfunction]
#[pyo3(signature = (a, *, b, c, d = 3))]
fn keywords(a: i32, b: i32, c: i32, d: i32) -> i64 {
    i64::from(a) + i64::from(b) + i64::from(c) + i64::from(d)
}

/// A class whose methods do nothing.
#[pyclass(frozen, module = "simple_pyo3")]
struct Foo {}

#[pymethods]
impl Foo {
    #[new]
    fn new() -> Self {
        Foo {}
    }

    /// Takes nothing, returns None.
    fn noargs(&self) {}

    /// Takes one argument, returns None.
    fn onearg(&self, _x: &Bound<'_, PyAny>) {}

    /// Takes any positional arguments, returns None.
    #[pyo3(signature = (*_args))]
    fn varargs(&self, _args: &Bound<'_, PyTuple>) {}

    fn __len__(&self) -> usize {
        42
    }

    // A slot returning `()` would give Python an empty tuple, so None is
    // spelled out.
    fn __getitem__<'py>(&self, py: Python<'py>, _index: &Bound<'py, PyAny>) -> Bound<'py, PyNone> {
        PyNone::get(py).to_owned()
    }
}

/// Functions and a class that do nothing, to measure call overhead, and
/// functions that convert values, to measure conversions.
#[pymodule]
fn simple_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(noargs, m)?)?;
    m.add_function(wrap_pyfunction!(onearg, m)?)?;
    m.add_function(wrap_pyfunction!(varargs, m)?)?;
    m.add_function(wrap_pyfunction!(call_with_tuple, m)?)?;
    m.add_function(wrap_pyfunction!(call_with_tuple_and_dict, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_int, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_tuple, m)?)?;
    m.add_function(wrap_pyfunction!(sum_floats, m)?)?;
    m.add_function(wrap_pyfunction!(float_list, m)?)?;
    m.add_function(wrap_pyfunction!(exclaim, m)?)?;
    m.add_function(wrap_pyfunction!(make_dict, m)?)?;
    m.add_function(wrap_pyfunction!(raise_value_error, m)?)?;
    m.add_function(wrap_pyfunction!(keywords, m)?)?;
    m.add_class::<Foo>()?;
    m.add("HTFoo", m.py().get_type::<Foo>())?;
    Ok(())
}
