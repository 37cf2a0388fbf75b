//! NumPy arrays as `ndarray` views and new arrays from Rust data, with
//! rust-numpy's names (feature `numpy`; docs/numpy.md teaches it beside
//! rust-numpy).
//!
//! - Parameters: [`PyReadonlyArray`] / [`PyReadwriteArray`] (and their
//!   `1`, `2`, `Dyn` aliases) borrow an argument's items for the call,
//!   in place, with any strides; [`PyArray`] takes the array itself.
//! - Views: [`as_array`](PyReadonlyArray::as_array),
//!   [`as_array_mut`](PyReadwriteArray::as_array_mut) (`ndarray` views),
//!   [`as_slice`](PyReadonlyArray::as_slice),
//!   [`as_slice_mut`](PyReadwriteArray::as_slice_mut) (contiguous arrays).
//! - Results: [`PyArray::from_vec`], [`PyArray::zeros`], [`IntoPyArray`],
//!   [`ToPyArray`].
//! - Element types ([`Element`]): `bool`, `i8`-`i64`, `u8`-`u64`, `f32`,
//!   `f64`, `num_complex::Complex<f32>`/`Complex<f64>`, and `half::f16`
//!   with the feature `half`.
//!
//! Views are NumPy's memory, never a copy, on every host: read in place
//! from the array's C struct in the CPython ABI and on
//! hpy_rs_universal's plain context, through `HPy_AsPyObject` on the
//! others (one Python helper call where that is not available). A `Vec`
//! becomes an array without a copy (NumPy's C API, the `Vec` kept by a
//! capsule set as the array's base); other new arrays are made empty by
//! NumPy's C API and filled with one copy (`numpy.empty` where the C API
//! cannot be reached: no `dlsym`).
//!
//! hpy-rs trusts the `numpy` module it imports, as rust-numpy trusts
//! NumPy's C API: an object is an array if it is an instance of
//! `numpy.ndarray`, whose C layout is then read.

mod array;
mod borrow;
mod capi;
mod element;
mod header;

pub use array::{IntoPyArray, PyArray, PyArray1, PyArray2, PyArrayDyn, ToPyArray};
pub use borrow::{
    PyReadonlyArray, PyReadonlyArray1, PyReadonlyArray2, PyReadonlyArrayDyn, PyReadwriteArray,
    PyReadwriteArray1, PyReadwriteArray2, PyReadwriteArrayDyn,
};
pub use element::{Element, ElementKind};
pub use ndarray;
