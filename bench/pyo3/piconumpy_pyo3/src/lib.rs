//! `piconumpy_pyo3`: the float array of `examples/piconumpy`, written with
//! PyO3, with the same storage: up to 8 elements inside the Python object,
//! more in a `Vec<f64>` it owns (PyO3 frees that in its deallocator, so it
//! needs no companion object).

use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;

/// A one-dimensional array of floats.
#[pyclass(name = "array", module = "piconumpy_pyo3")]
struct Array {
    len: usize,
    /// The elements of a short array.
    inline: [f64; INLINE],
    /// The elements of a long array (empty, unallocated, for a short one).
    heap: Vec<f64>,
}

/// The most elements an array keeps inside itself.
const INLINE: usize = 8;

impl Array {
    /// A new array of `n` elements, written by `fill` (which gets them all
    /// zeroed).
    fn build(n: usize, fill: impl FnOnce(&mut [f64])) -> Self {
        let mut inline = [0.0; INLINE];
        let mut heap = Vec::new();
        if n <= INLINE {
            fill(&mut inline[..n]);
        } else {
            heap = vec![0.0; n];
            fill(&mut heap);
        }
        Array {
            len: n,
            inline,
            heap,
        }
    }

    fn data(&self) -> &[f64] {
        if self.len <= INLINE {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }

    fn data_mut(&mut self) -> &mut [f64] {
        if self.len <= INLINE {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap
        }
    }

    fn map(&self, f: impl Fn(f64) -> f64) -> Self {
        let src = self.data();
        Array::build(src.len(), |out| {
            for (o, &v) in out.iter_mut().zip(src) {
                *o = f(v);
            }
        })
    }

    fn index(&self, i: isize) -> PyResult<usize> {
        let n = self.len as isize;
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
        Array::build(data.len(), |out| out.copy_from_slice(&data))
    }

    /// Number of elements.
    #[getter]
    fn size(&self) -> usize {
        self.len
    }

    /// The elements as a list of floats.
    fn tolist(&self) -> Vec<f64> {
        self.data().to_vec()
    }

    fn __len__(&self) -> usize {
        self.len
    }

    fn __getitem__(&self, i: isize) -> PyResult<f64> {
        Ok(self.data()[self.index(i)?])
    }

    fn __setitem__(&mut self, i: isize, value: f64) -> PyResult<()> {
        let j = self.index(i)?;
        self.data_mut()[j] = value;
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
        let (a, b) = (self.data(), other.data());
        if a.len() != b.len() {
            return Err(PyValueError::new_err(format!(
                "operands could not be added: sizes {} and {}",
                a.len(),
                b.len()
            )));
        }
        Ok(Array::build(a.len(), |out| {
            for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
                *o = x + y;
            }
        }))
    }
}

/// A new array of `n` elements (zero-initialised).
#[pyfunction]
fn empty(n: usize) -> Array {
    Array::build(n, |_| {})
}

/// A new array of `n` zeros.
#[pyfunction]
fn zeros(n: usize) -> Array {
    Array::build(n, |_| {})
}

/// A minimal float array, written in Rust with PyO3.
#[pymodule]
fn piconumpy_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Array>()?;
    m.add_function(wrap_pyfunction!(empty, m)?)?;
    m.add_function(wrap_pyfunction!(zeros, m)?)?;
    Ok(())
}
