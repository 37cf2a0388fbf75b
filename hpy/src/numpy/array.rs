//! [`PyArray`]: a handle to a `numpy.ndarray` known to hold `T`s in `D`
//! dimensions, and making new arrays from Rust data.

use core::marker::PhantomData;

use ndarray::{ArrayBase, ArrayViewMut, Data, Dimension, IntoDimension, ShapeBuilder};

use super::element::Element;
use super::header::Header;
use crate::convert::imported::StdClass;
use crate::{Context, HPyErr, HPyResult, Handle, IntoHPy};

/// A `numpy.ndarray` of `T` items in `D` dimensions (rust-numpy's
/// `PyArray<T, D>`, as a handle of the call): what functions return, made
/// with [`PyArray::from_vec`], [`PyArray::zeros`], [`IntoPyArray`] or
/// [`ToPyArray`], and a parameter type (checked as
/// [`PyReadonlyArray`](super::PyReadonlyArray) checks, without borrowing
/// the items until [`readonly`](PyArray::readonly) or
/// [`readwrite`](PyArray::readwrite)).
///
/// ```
/// use hpy::numpy::{IntoPyArray, PyArray1};
/// use hpy::{hpy_method, Context, HPyResult};
///
/// /// `[0, 1, ..., n-1]` as float64.
/// #[hpy_method]
/// fn ramp(ctx: Context<'_>, n: usize) -> HPyResult<PyArray1<'_, f64>> {
///     (0..n).map(|i| i as f64).collect::<Vec<_>>().into_pyarray(ctx)
/// }
/// ```
pub struct PyArray<'ctx, T: Element, D: Dimension> {
    handle: Handle<'ctx>,
    _items: PhantomData<(T, D)>,
}

/// A one-dimensional [`PyArray`].
pub type PyArray1<'ctx, T> = PyArray<'ctx, T, ndarray::Ix1>;
/// A two-dimensional [`PyArray`].
pub type PyArray2<'ctx, T> = PyArray<'ctx, T, ndarray::Ix2>;
/// A [`PyArray`] of any number of dimensions.
pub type PyArrayDyn<'ctx, T> = PyArray<'ctx, T, ndarray::IxDyn>;

impl<'ctx, T: Element, D: Dimension> PyArray<'ctx, T, D> {
    /// The array `handle` refers to, which the caller checked to be a
    /// `numpy.ndarray` of `T` in `D` dimensions.
    pub(super) fn from_checked(handle: Handle<'ctx>) -> Self {
        PyArray {
            handle,
            _items: PhantomData,
        }
    }

    /// The array's handle.
    #[inline]
    pub fn as_handle(&self) -> &Handle<'ctx> {
        &self.handle
    }

    /// The array's handle, owned.
    #[inline]
    pub fn into_handle(self) -> Handle<'ctx> {
        self.handle
    }

    /// A new array of `shape` whose items the caller writes whole before
    /// Python sees it: made through NumPy's C API where objects can be
    /// passed to it, else by `numpy.empty`.
    fn empty_with(ctx: Context<'ctx>, shape: &[usize], fortran: bool) -> HPyResult<Self> {
        if let Some(handle) = super::capi::new_array::<T>(ctx, shape, fortran)? {
            return Ok(PyArray {
                handle,
                _items: PhantomData,
            });
        }
        let shape = shape.to_vec().into_hpy(ctx)?;
        let dtype = T::NAME.into_hpy(ctx)?;
        let fortran = ctx.bool(fortran);
        let handle = StdClass::NumpyEmpty
            .get(ctx)?
            .call(&[&shape, &dtype, &fortran])?;
        Ok(PyArray {
            handle,
            _items: PhantomData,
        })
    }

    /// The items of an array this crate just made, to fill it: a mutable
    /// view that no one else can see yet.
    fn fresh_view(&mut self) -> HPyResult<ArrayViewMut<'_, T, D>> {
        let Some(header) = Header::read(&self.handle)? else {
            return Err(HPyErr::system_error("numpy.empty made no ndarray"));
        };
        let nd = header.shape.len();
        let mut dim = D::zeros(nd);
        let mut strides = D::zeros(nd);
        let mut any_empty = false;
        for axis in 0..nd {
            let len = header.shape[axis];
            any_empty |= len == 0;
            dim.slice_mut()[axis] = len as usize;
            strides.slice_mut()[axis] = header.strides[axis] as usize / T::SIZE;
        }
        let ptr = if any_empty || nd == 0 && header.data.is_null() {
            core::ptr::NonNull::<T>::dangling().as_ptr()
        } else {
            header.data.cast::<T>()
        };
        if !any_empty {
            let items: usize = dim.slice().iter().product();
            // SAFETY: NumPy's new allocation for these `items` items of
            // `T::SIZE` bytes, contiguous (made in C or Fortran order by
            // `empty_with`), which nothing else can see yet. Written with
            // zero bytes, a valid value of every `Element` (`false`, `0`,
            // `0.0`), so that the view below never refers to
            // uninitialized memory.
            unsafe { core::ptr::write_bytes(ptr.cast::<u8>(), 0, items * T::SIZE) };
        }
        // SAFETY: a new array of `T`s (made by `empty_with` with `T`'s
        // dtype, aligned, non-negative strides of whole items), every item
        // written above, that only this value refers to: nothing else
        // reads or writes it while the view borrows `self`.
        Ok(unsafe { ArrayViewMut::from_shape_ptr(dim.strides(strides), ptr) })
    }

    /// A new array of `shape` filled with zeros (rust-numpy's `zeros`; in
    /// Fortran order if `is_fortran`).
    pub fn zeros<Sh: IntoDimension<Dim = D>>(
        ctx: Context<'ctx>,
        shape: Sh,
        is_fortran: bool,
    ) -> HPyResult<Self> {
        let dim = shape.into_dimension();
        let mut array = PyArray::empty_with(ctx, dim.slice(), is_fortran)?;
        // `fresh_view` zeroes the items.
        drop(array.fresh_view()?);
        Ok(array)
    }

    /// A new array holding a copy of `array`'s items, in C order.
    pub fn from_array<S: Data<Elem = T>>(
        ctx: Context<'ctx>,
        array: &ArrayBase<S, D>,
    ) -> HPyResult<Self> {
        let mut out = PyArray::empty_with(ctx, array.shape(), false)?;
        {
            let mut view = out.fresh_view()?;
            match (array.as_slice_memory_order(), view.as_slice_mut()) {
                (Some(from), Some(to)) if array.is_standard_layout() => to.copy_from_slice(from),
                _ => view.assign(array),
            }
        }
        Ok(out)
    }

    /// The shape.
    pub fn shape(&self) -> HPyResult<Vec<usize>> {
        let Some(header) = Header::read(&self.handle)? else {
            return Err(HPyErr::type_error("not a numpy.ndarray"));
        };
        Ok(header.shape.iter().map(|&n| n as usize).collect())
    }
}

impl<'ctx, T: Element> PyArray<'ctx, T, ndarray::Ix1> {
    /// A new one-dimensional array holding `vec`'s items (rust-numpy's
    /// `from_vec`).
    ///
    /// Without a copy where NumPy's C API can be reached (every context on
    /// Linux and macOS): NumPy's array uses the `Vec`'s allocation, kept
    /// alive by a capsule set as its base. Elsewhere, and for an empty
    /// `Vec`, one copy.
    pub fn from_vec(ctx: Context<'ctx>, vec: Vec<T>) -> HPyResult<Self> {
        match super::capi::array_owning_vec(ctx, vec)? {
            Ok(handle) => Ok(PyArray {
                handle,
                _items: PhantomData,
            }),
            Err(vec) => PyArray::from_slice(ctx, &vec),
        }
    }

    /// A new one-dimensional array holding a copy of `slice` (rust-numpy's
    /// `from_slice`): one `memcpy`.
    pub fn from_slice(ctx: Context<'ctx>, slice: &[T]) -> HPyResult<Self> {
        let mut out = PyArray::empty_with(ctx, &[slice.len()], false)?;
        if let Some(to) = out.fresh_view()?.as_slice_mut() {
            to.copy_from_slice(slice);
        }
        Ok(out)
    }
}

impl<'ctx, T: Element, D: Dimension> IntoHPy<'ctx> for PyArray<'ctx, T, D> {
    fn into_hpy(self, _ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        Ok(self.handle)
    }
}

/// Rust data that becomes a new NumPy array (rust-numpy's
/// `IntoPyArray`): `Vec<T>` and `ndarray::Array<T, D>`.
pub trait IntoPyArray {
    /// The element type.
    type Item: Element;
    /// The dimensionality.
    type Dim: Dimension;

    /// The new array.
    fn into_pyarray<'ctx>(
        self,
        ctx: Context<'ctx>,
    ) -> HPyResult<PyArray<'ctx, Self::Item, Self::Dim>>;
}

impl<T: Element> IntoPyArray for Vec<T> {
    type Item = T;
    type Dim = ndarray::Ix1;

    fn into_pyarray<'ctx>(self, ctx: Context<'ctx>) -> HPyResult<PyArray1<'ctx, T>> {
        PyArray::from_vec(ctx, self)
    }
}

impl<T: Element, D: Dimension> IntoPyArray for ndarray::Array<T, D> {
    type Item = T;
    type Dim = D;

    fn into_pyarray<'ctx>(self, ctx: Context<'ctx>) -> HPyResult<PyArray<'ctx, T, D>> {
        PyArray::from_array(ctx, &self)
    }
}

/// Rust data copied into a new NumPy array (rust-numpy's `ToPyArray`):
/// slices and any `ndarray` array or view.
pub trait ToPyArray {
    /// The element type.
    type Item: Element;
    /// The dimensionality.
    type Dim: Dimension;

    /// The new array.
    fn to_pyarray<'ctx>(
        &self,
        ctx: Context<'ctx>,
    ) -> HPyResult<PyArray<'ctx, Self::Item, Self::Dim>>;
}

impl<T: Element> ToPyArray for [T] {
    type Item = T;
    type Dim = ndarray::Ix1;

    fn to_pyarray<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<PyArray1<'ctx, T>> {
        PyArray::from_slice(ctx, self)
    }
}

impl<T: Element, S: Data<Elem = T>, D: Dimension> ToPyArray for ArrayBase<S, D> {
    type Item = T;
    type Dim = D;

    fn to_pyarray<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<PyArray<'ctx, T, D>> {
        PyArray::from_array(ctx, self)
    }
}
