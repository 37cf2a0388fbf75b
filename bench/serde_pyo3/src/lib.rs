//! The serde functions of tests/ext/hpyrs_features written with PyO3 and
//! pythonize: `serde_ten` for bench/conv-counts's serde row, and
//! `serde_config` and `serde_json_value` for the differential check of
//! hpy-rs's serde conversion (tests/test_differential.py). The Rust types
//! are those of tests/ext/hpyrs_features, so both modules convert the same
//! shapes.

use std::collections::BTreeMap;

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

/// Every shape serde has: struct, sequences, options, tuples, maps, enums
/// (tests/ext/hpyrs_features's `Settings`).
#[derive(Serialize, Deserialize)]
struct Settings {
    name: String,
    sizes: Vec<u32>,
    ratio: f64,
    tags: Option<Vec<String>>,
    shape: Shape,
    pair: (i64, String),
    nested: BTreeMap<String, Vec<Option<i64>>>,
    #[serde(default)]
    flag: bool,
}

/// An enum with a variant of each kind (tests/ext/hpyrs_features's
/// `Shape`).
#[derive(Serialize, Deserialize)]
enum Shape {
    Unit,
    Circle { r: f64 },
    Pair(i64, i64),
    Named(String),
}

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
