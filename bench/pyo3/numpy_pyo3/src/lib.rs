//! The functions of tests/ext/hpyrs_numpy that both SDKs can write the
//! same way, with PyO3 0.30 and rust-numpy 0.30: the other side of the
//! differential check (tests/python/test_numpy_twin.py) and of the
//! per-call benchmark (bench/numpy-twins). Each body is the hpy-rs one with
//! rust-numpy's names; only the context parameter differs.

use ndarray::s;
use num_complex::{Complex32, Complex64};
use numpy::{
    IntoPyArray, PyArray1, PyArrayDyn, PyArrayMethods, PyReadonlyArray1, PyReadonlyArray2,
    PyReadonlyArrayDyn, PyReadwriteArray1, PyReadwriteArrayDyn, PyUntypedArrayMethods, ToPyArray,
};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

macro_rules! items {
    ($($name:ident: $ty:ty;)*) => {
        $(
            /// The items of an array of this dtype, in C order.
            #[pyfunction]
            fn $name(a: PyReadonlyArrayDyn<'_, $ty>) -> Vec<$ty> {
                a.as_array().iter().copied().collect()
            }
        )*
        fn add_items(m: &Bound<'_, PyModule>) -> PyResult<()> {
            $(m.add_function(wrap_pyfunction!($name, m)?)?;)*
            Ok(())
        }
    };
}

items! {
    items_bool: bool;
    items_i8: i8;
    items_i16: i16;
    items_i32: i32;
    items_i64: i64;
    items_u8: u8;
    items_u16: u16;
    items_u32: u32;
    items_u64: u64;
    items_f32: f32;
    items_f64: f64;
    items_c64: Complex32;
    items_c128: Complex64;
}

/// The items of a float16 array, as floats.
#[pyfunction]
fn items_f16(a: PyReadonlyArrayDyn<'_, half::f16>) -> Vec<f32> {
    a.as_array().iter().map(|v| v.to_f32()).collect()
}

/// The shape as the view sees it.
#[pyfunction]
fn shape_f64(a: PyReadonlyArrayDyn<'_, f64>) -> Vec<usize> {
    a.shape().to_vec()
}

/// Multiplies every item by `factor`, in place.
#[pyfunction]
fn scale_f64(mut a: PyReadwriteArrayDyn<'_, f64>, factor: f64) {
    a.as_array_mut().mapv_inplace(|v| v * factor);
}

/// Adds one to every item of a contiguous int32 vector, in place.
#[pyfunction]
fn increment_slice_i32(mut a: PyReadwriteArray1<'_, i32>) -> PyResult<()> {
    for v in a.as_slice_mut()? {
        *v += 1;
    }
    Ok(())
}

/// The sum of a contiguous vector, read as a slice.
#[pyfunction]
fn slice_sum_f64(a: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
    Ok(a.as_slice()?.iter().sum())
}

/// The length of a float64 vector.
#[pyfunction]
fn len1(a: PyReadonlyArray1<'_, f64>) -> usize {
    // The array's length, as hpy-rs's `len()` (PyAnyMethods::len would call
    // `len()` through Python).
    PyUntypedArrayMethods::len(&*a)
}

/// The shape of a float64 matrix.
#[pyfunction]
fn shape2(a: PyReadonlyArray2<'_, f64>) -> (usize, usize) {
    a.as_array().dim()
}

/// Copies `src` into `dst` (same shape): refused where they overlap.
#[pyfunction]
fn copy_into(
    mut dst: PyReadwriteArrayDyn<'_, f64>,
    src: PyReadonlyArrayDyn<'_, f64>,
) -> PyResult<()> {
    if dst.shape() != src.shape() {
        return Err(PyValueError::new_err("shapes differ"));
    }
    dst.as_array_mut().assign(&src.as_array());
    Ok(())
}

/// The sum of the items, computed with the interpreter released.
#[pyfunction]
fn sum_nogil(py: Python<'_>, a: PyReadonlyArrayDyn<'_, f64>) -> f64 {
    let view = a.as_array();
    py.detach(|| view.sum())
}

/// `[0.0, 1.0, ..., n-1]` from a `Vec`.
#[pyfunction]
fn ramp(py: Python<'_>, n: usize) -> Bound<'_, PyArray1<f64>> {
    (0..n)
        .map(|i| i as f64)
        .collect::<Vec<_>>()
        .into_pyarray(py)
}

/// A reversed copy of a vector.
#[pyfunction]
fn reversed<'py>(py: Python<'py>, a: PyReadonlyArray1<'py, f64>) -> Bound<'py, PyArray1<f64>> {
    a.as_array().slice(s![..;-1]).to_pyarray(py)
}

/// A copy of any array of complex128.
#[pyfunction]
fn copy_c128<'py>(
    py: Python<'py>,
    a: PyReadonlyArrayDyn<'py, Complex64>,
) -> Bound<'py, PyArrayDyn<Complex64>> {
    a.as_array().to_pyarray(py)
}

/// Takes the array itself and sums it through a read-only borrow.
#[pyfunction]
fn pyarray_sum(a: &Bound<'_, PyArray1<f64>>) -> f64 {
    a.readonly().as_array().sum()
}

#[pymodule]
fn numpy_pyo3(m: &Bound<'_, PyModule>) -> PyResult<()> {
    add_items(m)?;
    m.add_function(wrap_pyfunction!(items_f16, m)?)?;
    m.add_function(wrap_pyfunction!(shape_f64, m)?)?;
    m.add_function(wrap_pyfunction!(scale_f64, m)?)?;
    m.add_function(wrap_pyfunction!(increment_slice_i32, m)?)?;
    m.add_function(wrap_pyfunction!(slice_sum_f64, m)?)?;
    m.add_function(wrap_pyfunction!(len1, m)?)?;
    m.add_function(wrap_pyfunction!(shape2, m)?)?;
    m.add_function(wrap_pyfunction!(copy_into, m)?)?;
    m.add_function(wrap_pyfunction!(sum_nogil, m)?)?;
    m.add_function(wrap_pyfunction!(ramp, m)?)?;
    m.add_function(wrap_pyfunction!(reversed, m)?)?;
    m.add_function(wrap_pyfunction!(copy_c128, m)?)?;
    m.add_function(wrap_pyfunction!(pyarray_sum, m)?)?;
    Ok(())
}
