//! `simple_pyo3`: the call-overhead workload of `examples/simple`, written
//! with PyO3 the way a performance-conscious PyO3 user would: borrowed
//! `&Bound` arguments, typed tuples, a frozen class with no data.

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

/// Functions and a class that do nothing, to measure call overhead.
#[pymodule]
fn simple_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(noargs, m)?)?;
    m.add_function(wrap_pyfunction!(onearg, m)?)?;
    m.add_function(wrap_pyfunction!(varargs, m)?)?;
    m.add_function(wrap_pyfunction!(call_with_tuple, m)?)?;
    m.add_function(wrap_pyfunction!(call_with_tuple_and_dict, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_int, m)?)?;
    m.add_function(wrap_pyfunction!(allocate_tuple, m)?)?;
    m.add_class::<Foo>()?;
    m.add("HTFoo", m.py().get_type::<Foo>())?;
    Ok(())
}
