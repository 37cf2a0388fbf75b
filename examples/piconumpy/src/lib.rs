//! `piconumpy`: a tiny float array type, the classic HPy example, in Rust.
//! The elements live in a Rust `Vec<f64>` owned by the Python object and
//! freed with it.

use hpy::{hpy_class, hpy_method, hpy_methods, hpy_module, HPyErr, HPyResult, Ref};

/// A one-dimensional array of floats.
#[hpy_class(name = "array", module = "piconumpy")]
struct Array {
    /// Number of elements.
    #[member(readonly)]
    size: isize,
    data: Vec<f64>,
}

impl Array {
    fn from_vec(data: Vec<f64>) -> Self {
        Array {
            size: data.len() as isize,
            data,
        }
    }

    fn map(&self, f: impl Fn(f64) -> f64) -> Self {
        Array::from_vec(self.data.iter().map(|&v| f(v)).collect())
    }

    fn index(&self, i: isize) -> HPyResult<usize> {
        let n = self.data.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if (0..n).contains(&j) {
            Ok(j as usize)
        } else {
            Err(HPyErr::index_error("index out of range"))
        }
    }
}

#[hpy_methods]
impl Array {
    #[new]
    fn new(data: Vec<f64>) -> Self {
        Array::from_vec(data)
    }

    /// The elements, read-only, for `memoryview(a)` (format `"d"`).
    fn __buffer__(&self) -> &[f64] {
        &self.data
    }

    /// The elements as a list of floats.
    fn tolist(&self) -> Vec<f64> {
        self.data.clone()
    }

    fn __len__(&self) -> usize {
        self.data.len()
    }

    fn __getitem__(&self, i: isize) -> HPyResult<f64> {
        Ok(self.data[self.index(i)?])
    }

    fn __setitem__(&mut self, i: isize, value: f64) -> HPyResult<()> {
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

    fn __add__(&self, other: Ref<'_, '_, Array>) -> HPyResult<Array> {
        if other.data.len() != self.data.len() {
            return Err(HPyErr::value_error(format!(
                "operands could not be added: sizes {} and {}",
                self.data.len(),
                other.data.len()
            )));
        }
        Ok(Array::from_vec(
            self.data
                .iter()
                .zip(&other.data)
                .map(|(a, b)| a + b)
                .collect(),
        ))
    }
}

/// A new array of `n` elements (zero-initialised, like `zeros`: Rust has no
/// uninitialised floats to offer).
#[hpy_method]
fn empty(n: usize) -> Array {
    Array::from_vec(vec![0.0; n])
}

/// A new array of `n` zeros.
#[hpy_method]
fn zeros(n: usize) -> Array {
    Array::from_vec(vec![0.0; n])
}

hpy_module! {
    /// A minimal float array, written in Rust with hpy-rs.
    methods: [empty, zeros],
    types: [Array],
}
