//! `serde_ten` of tests/ext/hpyrs_features with PyO3 and pythonize: a
//! struct of ten fields converted from a Python dict and back.

use pyo3::prelude::*;
use serde::{Deserialize, Serialize};

/// A struct of ten fields (the benchmark's row; the same as
/// tests/ext/hpyrs_features's `Ten`).
#[derive(Serialize, Deserialize)]
struct Ten {
    a: i64,
    b: i64,
    c: f64,
    d: f64,
    e: String,
    f: String,
    g: bool,
    h: Option<i64>,
    i: Vec<i64>,
    j: u32,
}

/// Ten fields through serde both ways (pythonize's `depythonize` and
/// `pythonize`).
#[pyfunction]
fn serde_ten<'py>(py: Python<'py>, t: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let value: Ten = pythonize::depythonize(t)?;
    Ok(pythonize::pythonize(py, &value)?)
}

#[pymodule]
fn serde_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(serde_ten, m)?)
}
