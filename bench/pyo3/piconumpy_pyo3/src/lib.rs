//! `piconumpy_pyo3`: the float array of `examples/piconumpy`, written with
//! PyO3. The elements live in a `Vec<f64>` inside the Python object.

use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;

/// A one-dimensional array of floats.
#[pyclass(name = "array", module = "piconumpy_pyo3")]
struct Array {
    data: Vec<f64>,
}

impl Array {
    fn map(&self, f: impl Fn(f64) -> f64) -> Self {
        Array {
            data: self.data.iter().map(|&v| f(v)).collect(),
        }
    }

    fn index(&self, i: isize) -> PyResult<usize> {
        let n = self.data.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if (0..n).contains(&j) {
            Ok(j as usize)
        } else {
            Err(PyIndexError::new_err("index out of range"))
        }
    }
}

#[pymethods]
impl Array {
    #[new]
    fn new(data: Vec<f64>) -> Self {
        Array { data }
    }

    /// Number of elements.
    #[getter]
    fn size(&self) -> usize {
        self.data.len()
    }

    /// The elements as a list of floats.
    fn tolist(&self) -> Vec<f64> {
        self.data.clone()
    }

    fn __len__(&self) -> usize {
        self.data.len()
    }

    fn __getitem__(&self, i: isize) -> PyResult<f64> {
        Ok(self.data[self.index(i)?])
    }

    fn __setitem__(&mut self, i: isize, value: f64) -> PyResult<()> {
        let j = self.index(i)?;
        self.data[j] = value;
        Ok(())
    }

    fn __mul__(&self, x: f64) -> Array {
        self.map(|v| v * x)
    }

    fn __rmul__(&self, x: f64) -> Array {
        self.map(|v| x * v)
    }

    fn __truediv__(&self, x: f64) -> Array {
        self.map(|v| v / x)
    }

    fn __add__(&self, other: PyRef<'_, Array>) -> PyResult<Array> {
        if other.data.len() != self.data.len() {
            return Err(PyValueError::new_err(format!(
                "operands could not be added: sizes {} and {}",
                self.data.len(),
                other.data.len()
            )));
        }
        Ok(Array {
            data: self
                .data
                .iter()
                .zip(&other.data)
                .map(|(a, b)| a + b)
                .collect(),
        })
    }
}

/// A new array of `n` elements (zero-initialised).
#[pyfunction]
fn empty(n: usize) -> Array {
    Array { data: vec![0.0; n] }
}

/// A new array of `n` zeros.
#[pyfunction]
fn zeros(n: usize) -> Array {
    Array { data: vec![0.0; n] }
}

/// A minimal float array, written in Rust with PyO3.
#[pymodule]
fn piconumpy_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Array>()?;
    m.add_function(wrap_pyfunction!(empty, m)?)?;
    m.add_function(wrap_pyfunction!(zeros, m)?)?;
    Ok(())
}
