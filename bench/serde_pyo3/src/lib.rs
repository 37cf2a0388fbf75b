//! The serde functions of tests/ext/hpyrs_features written with PyO3 and
//! pythonize: `serde_ten` for bench/conv-counts's serde row, and
//! `serde_config` and `serde_json_value` for the differential check of
//! hpy-rs's serde conversion (tests/test_differential.py). The Rust types
//! are those of tests/ext/hpyrs_features, so both modules convert the same
//! shapes.

use pyo3::prelude::*;

// Settings, Shape and Ten: the types of tests/ext/hpyrs_features.
include!("../../../tests/ext/shared/serde_types.rs");

/// Ten fields through serde both ways (pythonize's `depythonize` and
/// `pythonize`).
#[pyfunction]
fn serde_ten<'py>(py: Python<'py>, t: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let value: Ten = pythonize::depythonize(t)?;
    Ok(pythonize::pythonize(py, &value)?)
}

/// A `Settings` through serde both ways.
#[pyfunction]
fn serde_config<'py>(py: Python<'py>, c: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let value: Settings = pythonize::depythonize(c)?;
    Ok(pythonize::pythonize(py, &value)?)
}

/// Any JSON-like value through `serde_json::Value` both ways.
#[pyfunction]
fn serde_json_value<'py>(py: Python<'py>, v: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let value: serde_json::Value = pythonize::depythonize(v)?;
    Ok(pythonize::pythonize(py, &value)?)
}

#[pymodule]
fn serde_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(serde_ten, m)?)?;
    m.add_function(wrap_pyfunction!(serde_config, m)?)?;
    m.add_function(wrap_pyfunction!(serde_json_value, m)?)
}
