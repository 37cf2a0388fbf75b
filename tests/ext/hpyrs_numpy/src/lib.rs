//! Functions over NumPy arrays through `hpy::numpy`, for
//! tests/python/test_numpy.py: every element type, views with any
//! strides, writes Python sees, borrow conflicts, new arrays.

use hpy::numpy::{
    IntoPyArray, PyArray, PyArray1, PyArray2, PyArrayDyn, PyReadonlyArray1, PyReadonlyArray2,
    PyReadonlyArrayDyn, PyReadwriteArray1, PyReadwriteArrayDyn, ToPyArray,
};
use hpy::{hpy_method, hpy_module, Context, HPyResult, Handle};
use ndarray::{s, Array2};
use num_complex::{Complex32, Complex64};

/// `items_<type>(a)`: the items of an array of that dtype (any number of
/// dimensions) in C order, as Python values.
macro_rules! items {
    ($($name:ident: $ty:ty;)*) => {$(
        #[hpy_method]
        fn $name(a: PyReadonlyArrayDyn<'_, $ty>) -> Vec<$ty> {
            a.as_array().iter().copied().collect()
        }
    )*};
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
#[hpy_method]
fn items_f16(a: PyReadonlyArrayDyn<'_, half::f16>) -> Vec<f32> {
    a.as_array().iter().map(|v| v.to_f32()).collect()
}

/// The shape as the view sees it.
#[hpy_method]
fn shape_f64(a: PyReadonlyArrayDyn<'_, f64>) -> Vec<usize> {
    a.shape().to_vec()
}

/// The address of the lowest item of the view (NumPy's own memory).
#[hpy_method]
fn address_f64(a: PyReadonlyArrayDyn<'_, f64>) -> usize {
    a.data_ptr() as usize
}

/// The address of the lowest item of a read-write view.
#[hpy_method]
fn address_mut_f64(a: PyReadwriteArrayDyn<'_, f64>) -> usize {
    a.data_ptr() as usize
}

/// Multiplies every item by `factor`, in place.
#[hpy_method]
fn scale_f64(mut a: PyReadwriteArrayDyn<'_, f64>, factor: f64) {
    a.as_array_mut().mapv_inplace(|v| v * factor);
}

/// Adds one to every item of an int32 vector, in place, as a slice
/// (contiguous only).
#[hpy_method]
fn increment_slice_i32(mut a: PyReadwriteArray1<'_, i32>) -> HPyResult<()> {
    for v in a.as_slice_mut()? {
        *v += 1;
    }
    Ok(())
}

/// The sum of a contiguous vector, read as a slice.
#[hpy_method]
fn slice_sum_f64(a: PyReadonlyArray1<'_, f64>) -> HPyResult<f64> {
    Ok(a.as_slice()?.iter().sum())
}

/// The length of a float64 vector (one dimension only).
#[hpy_method]
fn len1(a: PyReadonlyArray1<'_, f64>) -> usize {
    a.len()
}

/// The shape of a float64 matrix (two dimensions only).
#[hpy_method]
fn shape2(a: PyReadonlyArray2<'_, f64>) -> (usize, usize) {
    a.as_array().dim()
}

/// Copies `src` into `dst` (same shape): refused where they overlap.
#[hpy_method]
fn copy_into(
    mut dst: PyReadwriteArrayDyn<'_, f64>,
    src: PyReadonlyArrayDyn<'_, f64>,
) -> HPyResult<()> {
    if dst.shape() != src.shape() {
        return Err(hpy::HPyErr::value_error("shapes differ"));
    }
    dst.as_array_mut().assign(&src.as_array());
    Ok(())
}

/// Holds a read-write view of `a` while calling `f()`: any view `f` asks
/// for over the same memory is refused meanwhile.
#[hpy_method]
fn hold_mut_while<'ctx>(
    mut a: PyReadwriteArrayDyn<'_, f64>,
    f: &Handle<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let result = f.call(&[])?;
    a.as_array_mut().fill(7.0);
    Ok(result)
}

/// Holds a read-only view of `a` while calling `f()`.
#[hpy_method]
fn hold_while<'ctx>(
    a: PyReadonlyArrayDyn<'_, f64>,
    f: &Handle<'ctx>,
) -> HPyResult<(f64, Handle<'ctx>)> {
    let result = f.call(&[])?;
    Ok((a.as_array().sum(), result))
}

/// The sum of the items, computed with the interpreter released.
#[hpy_method]
fn sum_nogil(ctx: Context<'_>, a: PyReadonlyArrayDyn<'_, f64>) -> f64 {
    let view = a.as_array();
    ctx.allow_threads(|| view.sum())
}

/// Squares every item with the interpreter released.
#[hpy_method]
fn square_nogil(ctx: Context<'_>, mut a: PyReadwriteArrayDyn<'_, f64>) {
    let mut view = a.as_array_mut();
    ctx.allow_threads(|| view.mapv_inplace(|v| v * v));
}

/// `[0.0, 1.0, ..., n-1]` from a `Vec`.
#[hpy_method]
fn ramp(ctx: Context<'_>, n: usize) -> HPyResult<PyArray1<'_, f64>> {
    (0..n)
        .map(|i| i as f64)
        .collect::<Vec<_>>()
        .into_pyarray(ctx)
}

/// A zero matrix of int64, in Fortran order if asked.
#[hpy_method]
fn zeros_i64(
    ctx: Context<'_>,
    rows: usize,
    cols: usize,
    fortran: bool,
) -> HPyResult<PyArray2<'_, i64>> {
    PyArray::zeros(ctx, (rows, cols), fortran)
}

/// The outer product of two vectors, as a new matrix from an
/// `ndarray::Array2`.
#[hpy_method]
fn outer<'ctx>(
    ctx: Context<'ctx>,
    a: PyReadonlyArray1<'_, f64>,
    b: PyReadonlyArray1<'_, f64>,
) -> HPyResult<PyArray2<'ctx, f64>> {
    let (a, b) = (a.as_array(), b.as_array());
    Array2::from_shape_fn((a.len(), b.len()), |(i, j)| a[i] * b[j]).into_pyarray(ctx)
}

/// A reversed copy of a vector (a view with a negative stride copied).
#[hpy_method]
fn reversed<'ctx>(
    ctx: Context<'ctx>,
    a: PyReadonlyArray1<'_, f64>,
) -> HPyResult<PyArray1<'ctx, f64>> {
    a.as_array().slice(s![..;-1]).to_pyarray(ctx)
}

/// The transpose of a matrix, copied to a new C-ordered array.
#[hpy_method]
fn transposed<'ctx>(
    ctx: Context<'ctx>,
    a: PyReadonlyArray2<'_, f64>,
) -> HPyResult<PyArray2<'ctx, f64>> {
    a.as_array().t().to_pyarray(ctx)
}

/// A copy of any array of complex128 (any dimensions).
#[hpy_method]
fn copy_c128<'ctx>(
    ctx: Context<'ctx>,
    a: PyReadonlyArrayDyn<'_, Complex64>,
) -> HPyResult<PyArrayDyn<'ctx, Complex64>> {
    a.as_array().to_pyarray(ctx)
}

/// A bool vector from a slice.
#[hpy_method]
fn bools(ctx: Context<'_>, n: usize) -> HPyResult<PyArray1<'_, bool>> {
    let v: Vec<bool> = (0..n).map(|i| i % 2 == 0).collect();
    v[..].to_pyarray(ctx)
}

/// Takes the array itself (a `PyArray` parameter) and sums it through a
/// read-only borrow.
#[hpy_method]
fn pyarray_sum(a: PyArray1<'_, f64>) -> f64 {
    a.readonly().as_array().sum()
}

/// Takes the array itself and negates it through `try_readwrite`, then
/// returns the same array.
#[hpy_method]
fn pyarray_negate(a: PyArray1<'_, f64>) -> HPyResult<PyArray1<'_, f64>> {
    a.try_readwrite()?.as_array_mut().mapv_inplace(|v| -v);
    Ok(a)
}

hpy_module! {
    /// Functions over NumPy arrays through hpy::numpy.
    name: hpyrs_numpy,
    methods: [
        items_bool, items_i8, items_i16, items_i32, items_i64, items_u8, items_u16, items_u32,
        items_u64, items_f32, items_f64, items_c64, items_c128, items_f16, shape_f64, address_f64,
        address_mut_f64, scale_f64, increment_slice_i32, slice_sum_f64, len1, shape2, copy_into,
        hold_mut_while, hold_while, sum_nogil, square_nogil, ramp, zeros_i64, outer, reversed,
        transposed, copy_c128, bools, pyarray_sum, pyarray_negate,
    ],
}
