//! [`PyReadonlyArray`] and [`PyReadwriteArray`]: an array's items borrowed
//! as `ndarray` views for a call, and the run-time borrow checking that
//! keeps a mutable view from aliasing any other view.
//!
//! # What is checked
//!
//! Every view of a non-empty array registers the range of memory its items
//! span (from the lowest to the highest byte any index reaches) for as
//! long as it lives: a read-only view fails to register over a range that
//! overlaps a read-write view's, a read-write view over a range that
//! overlaps any other view's. So two views of the same array, of
//! overlapping slices of it (`a[1:]`, `a[:-1]`), or of two arrays sharing
//! memory through any base, cannot be a `&mut` and another reference at
//! once, in one call (two parameters) or across calls (a view held while
//! Python code runs another call of the same extension). The check is by
//! span, not by the exact items: `a[::2]` and `a[1::2]`, which share no
//! item, still conflict when one is read-write. Empty arrays hold no
//! memory and register nothing.
//!
//! The registry is shared by every hpy-rs extension in the process (a
//! capsule on the `numpy` module, [`SharedRegistry`]), on every thread;
//! views held by rust-numpy extensions or C code are not seen, and neither
//! are writes from Python code (`a[0] = 1` while Rust holds a view): the
//! limits rust-numpy documents for its own checking, which its extensions
//! share among themselves the same way.

use core::ffi::{c_int, CStr};
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Mutex;

use ndarray::{ArrayView, ArrayViewMut, Dimension, ShapeBuilder};

use super::element::{Element, ElementKind};
use super::header::{dtype_name_of, Header};
use super::PyArray;
use crate::{Capsule, Context, FromHPy, HPyErr, HPyResult, Handle};

/// One registered view: the byte range it spans and whether it writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    mutable: bool,
}

impl Span {
    fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// The views alive in the process (few at a time: a linear search), in
/// the registry of the first hpy-rs extension that needed one; see
/// [`SharedRegistry`].
static BORROWS: Mutex<Vec<Span>> = Mutex::new(Vec::new());

/// The borrow registry every hpy-rs extension in the process shares: the
/// first one to borrow an array publishes its own registry's entry points
/// as a capsule on the `numpy` module (attribute [`REGISTRY_ATTR`]); every
/// later one, whatever hpy-rs version built it, finds and uses that one.
/// A C struct of C functions, so that extensions built by different
/// compilers agree on it; versioned, for a later layout to be told apart.
#[repr(C)]
struct SharedRegistry {
    /// [`REGISTRY_VERSION`].
    version: usize,
    /// Registers the span `[start, end)` (read-write if `mutable` is not
    /// 0): 0 if done, 1 if it conflicts with a registered span.
    acquire: unsafe extern "C" fn(start: usize, end: usize, mutable: c_int) -> c_int,
    /// Unregisters a span `acquire` registered.
    release: unsafe extern "C" fn(start: usize, end: usize, mutable: c_int),
}

/// The layout of [`SharedRegistry`] this build reads and publishes.
const REGISTRY_VERSION: usize = 1;

/// The `numpy` module attribute holding the capsule.
const REGISTRY_ATTR: &str = "_hpy_rs_borrow_registry";

/// The capsule's name.
const REGISTRY_CAPSULE: &CStr = c"hpy_rs.numpy.borrow_registry.v1";

/// This extension's registry, as published when it is the first.
static OWN_REGISTRY: SharedRegistry = SharedRegistry {
    version: REGISTRY_VERSION,
    acquire: own_acquire,
    release: own_release,
};

/// The registry in use, found once ([`registry`]).
static REGISTRY: AtomicPtr<SharedRegistry> = AtomicPtr::new(core::ptr::null_mut());

unsafe extern "C" fn own_acquire(start: usize, end: usize, mutable: c_int) -> c_int {
    let span = Span {
        start,
        end,
        mutable: mutable != 0,
    };
    let mut borrows = BORROWS.lock().unwrap_or_else(|e| e.into_inner());
    let conflict = borrows
        .iter()
        .any(|held| held.overlaps(&span) && (held.mutable || span.mutable));
    if conflict {
        return 1;
    }
    borrows.push(span);
    0
}

unsafe extern "C" fn own_release(start: usize, end: usize, mutable: c_int) {
    let span = Span {
        start,
        end,
        mutable: mutable != 0,
    };
    let mut borrows = BORROWS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(i) = borrows.iter().position(|held| *held == span) {
        borrows.swap_remove(i);
    }
}

/// The process's shared registry: the one a capsule on `numpy` publishes
/// (if of this layout version), else this extension's, published there.
fn registry(ctx: Context<'_>) -> HPyResult<&'static SharedRegistry> {
    let found = REGISTRY.load(Ordering::Acquire);
    if !found.is_null() {
        // SAFETY: a registry stored below: a static of an extension that
        // stays loaded for the rest of the process.
        return Ok(unsafe { &*found });
    }
    let numpy = ctx.import_module("numpy")?;
    let mut chosen: *const SharedRegistry = &OWN_REGISTRY;
    if numpy.has_attr_s(REGISTRY_ATTR)? {
        let published = numpy.get_attr_s(REGISTRY_ATTR)?;
        if Capsule::is_valid(&published, REGISTRY_CAPSULE) {
            if let Some(capsule) = published.downcast_ref::<Capsule>() {
                let p = capsule.pointer(REGISTRY_CAPSULE)?.cast::<SharedRegistry>();
                // SAFETY: a capsule of this name is only made below, around
                // a `SharedRegistry` static of a loaded extension; its
                // version comes first in every layout.
                if unsafe { (*p).version } == REGISTRY_VERSION {
                    chosen = p;
                }
            }
        }
    } else {
        // SAFETY: a static, valid for the rest of the process (extension
        // modules are never unloaded), never written; the name is static.
        let capsule = unsafe {
            Capsule::new_raw(
                ctx,
                (&OWN_REGISTRY as *const SharedRegistry).cast_mut().cast(),
                Some(REGISTRY_CAPSULE),
            )?
        };
        numpy.set_attr_s(REGISTRY_ATTR, &capsule)?;
    }
    REGISTRY.store(chosen.cast_mut(), Ordering::Release);
    // SAFETY: as above.
    Ok(unsafe { &*chosen })
}

/// A registered span, released on drop; `None` for an empty array.
struct BorrowToken(Option<(Span, &'static SharedRegistry)>);

impl BorrowToken {
    fn acquire(ctx: Context<'_>, span: Option<Span>) -> HPyResult<BorrowToken> {
        let Some(span) = span else {
            return Ok(BorrowToken(None));
        };
        let registry = registry(ctx)?;
        // SAFETY: the registry's own entry point, valid for the process.
        let conflict =
            unsafe { (registry.acquire)(span.start, span.end, c_int::from(span.mutable)) } != 0;
        if conflict {
            return Err(HPyErr::type_error(if span.mutable {
                "the array is already borrowed: a read-write view needs the only \
                 view of its memory"
            } else {
                "the array is already borrowed read-write: no other view of its \
                 memory can be made while that one lives"
            }));
        }
        Ok(BorrowToken(Some((span, registry))))
    }
}

impl Drop for BorrowToken {
    fn drop(&mut self) {
        if let Some((span, registry)) = self.0 {
            // SAFETY: releases the span this token registered there.
            unsafe { (registry.release)(span.start, span.end, c_int::from(span.mutable)) }
        }
    }
}

/// What a view is made of: the pointer to its first item in memory order
/// (the lowest address), its shape and (non-negative) strides in items,
/// which axes to flip back, and its borrow.
struct Parts<T, D> {
    ptr: *mut T,
    dim: D,
    strides: D,
    flipped: Vec<usize>,
    token: BorrowToken,
}

/// Checks `obj` as an array of `T` with dimensionality `D` and registers
/// the view.
fn parts<T: Element, D: Dimension>(obj: &Handle<'_>, mutable: bool) -> HPyResult<Parts<T, D>> {
    let Some(header) = Header::read(obj)? else {
        return Err(HPyErr::type_error(format!(
            "'{}' object cannot be converted to '{}': it is not a numpy.ndarray",
            obj.type_name(),
            type_label::<T, D>(),
        )));
    };
    let nd = header.shape.len();
    if let Some(want) = D::NDIM {
        if want != nd {
            return Err(HPyErr::type_error(format!(
                "dimensionality mismatch: the array has {nd} dimension{}, {} expects {want}",
                if nd == 1 { "" } else { "s" },
                type_label::<T, D>(),
            )));
        }
    }
    if header.dtype.element != Some((T::KIND, T::SIZE)) {
        return Err(HPyErr::type_error(format!(
            "type mismatch: the array's dtype is {}, {} expects {}",
            dtype_name_of(obj),
            type_label::<T, D>(),
            T::NAME,
        )));
    }
    if !header.dtype.native && T::SIZE > 1 {
        return Err(HPyErr::type_error(format!(
            "byte order mismatch: the array's dtype {} is not in this machine's byte \
             order; convert it first (`a.astype(a.dtype.newbyteorder('='))`)",
            dtype_name_of(obj),
        )));
    }
    if mutable && !header.writeable {
        return Err(HPyErr::type_error(
            "the array is read-only: a read-write view needs a writeable array",
        ));
    }
    let mut dim = D::zeros(nd);
    let mut strides = D::zeros(nd);
    let mut flipped = Vec::new();
    let empty = header.shape.contains(&0);
    let mut ptr = header.data;
    // The byte offsets of the lowest and highest item, from `data`.
    let (mut low, mut high) = (0isize, 0isize);
    for axis in 0..nd {
        let len = header.shape[axis];
        let stride = header.strides[axis];
        dim.slice_mut()[axis] = len as usize;
        if len <= 1 || empty {
            continue; // the stride is never used
        }
        if stride % T::SIZE as isize != 0 {
            return Err(HPyErr::type_error(format!(
                "the array's strides ({:?} bytes) are not multiples of its item size ({})",
                &header.strides[..],
                T::SIZE,
            )));
        }
        let reach = (len - 1) * stride;
        if stride < 0 {
            low += reach;
            flipped.push(axis);
        } else {
            high += reach;
        }
        strides.slice_mut()[axis] = (stride.unsigned_abs()) / T::SIZE;
    }
    if empty {
        return Ok(Parts {
            ptr: core::ptr::NonNull::<T>::dangling().as_ptr(),
            dim,
            strides,
            flipped: Vec::new(),
            token: BorrowToken(None),
        });
    }
    // SAFETY: `low` is the (non-positive) offset of the array's lowest
    // item, within the memory NumPy allocated for it.
    ptr = unsafe { ptr.offset(low) };
    if ptr.is_null() || ptr as usize % core::mem::align_of::<T>() != 0 {
        return Err(HPyErr::type_error(format!(
            "the array's data is not aligned for {} (an unaligned view of other memory)",
            T::NAME
        )));
    }
    let start = ptr as usize;
    let span = Span {
        start,
        end: start + (high - low) as usize + T::SIZE,
        mutable,
    };
    if T::KIND == ElementKind::Bool {
        // SAFETY: the array's items (as above), read as bytes: any byte
        // is a valid `u8`.
        let bytes = unsafe {
            ArrayView::<u8, D>::from_shape_ptr(dim.clone().strides(strides.clone()), ptr)
        };
        // A `bool` is 0 or 1: NumPy writes only those, but a bool view of
        // other bytes (`np.uint8([2]).view(bool)`) holds others, which a
        // Rust `bool` must never be.
        if bytes.iter().any(|&b| b > 1) {
            return Err(HPyErr::value_error(
                "the bool array holds bytes other than 0 and 1 (a bool view of other data)",
            ));
        }
    }
    Ok(Parts {
        ptr: ptr.cast(),
        dim,
        strides,
        flipped,
        token: BorrowToken::acquire(obj.context(), Some(span))?,
    })
}

/// `PyArray<float64, 1>`-like, for messages.
fn type_label<T: Element, D: Dimension>() -> String {
    match D::NDIM {
        Some(n) => format!("PyArray<{}, {n}>", T::NAME),
        None => format!("PyArray<{}, dyn>", T::NAME),
    }
}

/// The accessors [`PyReadonlyArray`] and [`PyReadwriteArray`] share,
/// over their `view` field (an `ndarray` view of the call's array).
macro_rules! shared_accessors {
    () => {
        /// The items as an `ndarray` view, in NumPy's layout (strides
        /// included).
        #[inline]
        pub fn as_array(&self) -> ArrayView<'_, T, D> {
            self.view.view()
        }

        /// The items as a slice, if the array is contiguous in C order (or
        /// empty); else `TypeError`, as rust-numpy's `NotContiguousError`.
        pub fn as_slice(&self) -> HPyResult<&[T]> {
            self.view
                .as_slice()
                .ok_or_else(|| HPyErr::type_error("the given array is not contiguous"))
        }

        /// The array's shape.
        #[inline]
        pub fn shape(&self) -> &[usize] {
            self.view.shape()
        }

        /// The number of dimensions.
        #[inline]
        pub fn ndim(&self) -> usize {
            self.view.ndim()
        }

        /// The number of items.
        #[inline]
        pub fn len(&self) -> usize {
            self.view.len()
        }

        /// Whether the array has no items.
        #[inline]
        pub fn is_empty(&self) -> bool {
            self.view.is_empty()
        }

        /// The address of the item with the lowest address (for checking
        /// that nothing was copied).
        #[inline]
        pub fn data_ptr(&self) -> *const T {
            lowest_item(&self.view.view())
        }
    };
}

/// An array's items borrowed read-only for as long as the argument
/// (rust-numpy's `PyReadonlyArray`): a parameter type of
/// [`hpy_method`](crate::hpy_method) functions, or made with
/// [`PyArray::readonly`].
///
/// It accepts a `numpy.ndarray` (or a subclass) whose dtype is `T`'s in
/// native byte order and whose number of dimensions is `D`'s, with any
/// strides (negative, non-contiguous, Fortran order), empty or 0-d; other
/// objects are a `TypeError` naming what was expected and what came. The
/// items are NumPy's own memory, never copied. While the view lives no
/// read-write view of overlapping memory can be made (see the module
/// docs); it cannot outlive the call (a compile error).
///
/// ```
/// use hpy::hpy_method;
/// use hpy::numpy::PyReadonlyArray1;
///
/// /// The sum of a float64 vector.
/// #[hpy_method]
/// fn total(x: PyReadonlyArray1<'_, f64>) -> f64 {
///     x.as_array().sum()
/// }
/// ```
pub struct PyReadonlyArray<'a, T: Element, D: Dimension> {
    view: ArrayView<'a, T, D>,
    _token: BorrowToken,
    /// Holds the call's context: not `Send`, like the argument.
    _call: PhantomData<*const ()>,
}

/// A one-dimensional [`PyReadonlyArray`].
pub type PyReadonlyArray1<'a, T> = PyReadonlyArray<'a, T, ndarray::Ix1>;
/// A two-dimensional [`PyReadonlyArray`].
pub type PyReadonlyArray2<'a, T> = PyReadonlyArray<'a, T, ndarray::Ix2>;
/// A [`PyReadonlyArray`] of any number of dimensions.
pub type PyReadonlyArrayDyn<'a, T> = PyReadonlyArray<'a, T, ndarray::IxDyn>;

impl<'a, T: Element, D: Dimension> PyReadonlyArray<'a, T, D> {
    /// Borrows `obj`'s items read-only: [`PyReadonlyArray`]'s checks.
    pub fn get(obj: &'a Handle<'_>) -> HPyResult<Self> {
        let parts = parts::<T, D>(obj, false)?;
        // SAFETY: `ptr` is the lowest item of the array `obj` (kept alive
        // for `'a` by the borrowed argument), aligned; `dim` and the
        // non-negative `strides` (in items) reach only its items; no
        // read-write view of that memory lives (the token).
        let mut view = unsafe {
            ArrayView::from_shape_ptr(parts.dim.strides(parts.strides), parts.ptr.cast_const())
        };
        for axis in parts.flipped {
            view.invert_axis(ndarray::Axis(axis));
        }
        Ok(PyReadonlyArray {
            view,
            _token: parts.token,
            _call: PhantomData,
        })
    }

    shared_accessors!();
}

/// The lowest address a view's items have.
fn lowest_item<T, D: Dimension>(view: &ArrayView<'_, T, D>) -> *const T {
    let mut ptr = view.as_ptr();
    for (axis, &stride) in view.strides().iter().enumerate() {
        let len = view.shape()[axis];
        if stride < 0 && len > 1 {
            ptr = ptr.wrapping_offset(stride * (len as isize - 1));
        }
    }
    ptr
}

impl<'a, 'ctx, T: Element, D: Dimension> FromHPy<'a, 'ctx> for PyReadonlyArray<'a, T, D> {
    /// [`PyReadonlyArray::get`].
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        PyReadonlyArray::get(obj)
    }
}

/// An array's items borrowed read-write for as long as the argument
/// (rust-numpy's `PyReadwriteArray`): a parameter type of
/// [`hpy_method`](crate::hpy_method) functions, or made with
/// [`PyArray::readwrite`].
///
/// It accepts what [`PyReadonlyArray`] accepts if the array is writeable
/// (else `TypeError`); while it lives no other view of overlapping memory
/// can be made. Writes go to NumPy's memory: Python sees them.
///
/// ```
/// use hpy::hpy_method;
/// use hpy::numpy::PyReadwriteArray1;
///
/// /// Doubles every item in place.
/// #[hpy_method]
/// fn double(mut x: PyReadwriteArray1<'_, f64>) {
///     x.as_array_mut().mapv_inplace(|v| v * 2.0);
/// }
/// ```
pub struct PyReadwriteArray<'a, T: Element, D: Dimension> {
    view: ArrayViewMut<'a, T, D>,
    _token: BorrowToken,
    _call: PhantomData<*const ()>,
}

/// A one-dimensional [`PyReadwriteArray`].
pub type PyReadwriteArray1<'a, T> = PyReadwriteArray<'a, T, ndarray::Ix1>;
/// A two-dimensional [`PyReadwriteArray`].
pub type PyReadwriteArray2<'a, T> = PyReadwriteArray<'a, T, ndarray::Ix2>;
/// A [`PyReadwriteArray`] of any number of dimensions.
pub type PyReadwriteArrayDyn<'a, T> = PyReadwriteArray<'a, T, ndarray::IxDyn>;

impl<'a, T: Element, D: Dimension> PyReadwriteArray<'a, T, D> {
    /// Borrows `obj`'s items read-write: [`PyReadwriteArray`]'s checks.
    pub fn get(obj: &'a Handle<'_>) -> HPyResult<Self> {
        let parts = parts::<T, D>(obj, true)?;
        // SAFETY: as in `PyReadonlyArray::get`; the array is writeable
        // and no other view of that memory lives (the token).
        let mut view =
            unsafe { ArrayViewMut::from_shape_ptr(parts.dim.strides(parts.strides), parts.ptr) };
        for axis in parts.flipped {
            view.invert_axis(ndarray::Axis(axis));
        }
        Ok(PyReadwriteArray {
            view,
            _token: parts.token,
            _call: PhantomData,
        })
    }

    shared_accessors!();

    /// The items as a mutable `ndarray` view.
    #[inline]
    pub fn as_array_mut(&mut self) -> ArrayViewMut<'_, T, D> {
        self.view.view_mut()
    }

    /// The items as a mutable slice, if the array is contiguous in C
    /// order (or empty); else `TypeError`.
    pub fn as_slice_mut(&mut self) -> HPyResult<&mut [T]> {
        self.view
            .as_slice_mut()
            .ok_or_else(|| HPyErr::type_error("the given array is not contiguous"))
    }
}

impl<'a, 'ctx, T: Element, D: Dimension> FromHPy<'a, 'ctx> for PyReadwriteArray<'a, T, D> {
    /// [`PyReadwriteArray::get`].
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        PyReadwriteArray::get(obj)
    }
}

impl<'ctx, T: Element, D: Dimension> PyArray<'ctx, T, D> {
    /// Borrows the items read-only (rust-numpy's `readonly`): panics
    /// (a Python exception once it leaves the call) where
    /// [`try_readonly`](PyArray::try_readonly) fails.
    pub fn readonly(&self) -> PyReadonlyArray<'_, T, D> {
        self.try_readonly().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Borrows the items read-only, or fails if a read-write view of the
    /// memory lives.
    pub fn try_readonly(&self) -> HPyResult<PyReadonlyArray<'_, T, D>> {
        PyReadonlyArray::get(self.as_handle())
    }

    /// Borrows the items read-write (rust-numpy's `readwrite`): panics
    /// where [`try_readwrite`](PyArray::try_readwrite) fails.
    pub fn readwrite(&self) -> PyReadwriteArray<'_, T, D> {
        self.try_readwrite().unwrap_or_else(|e| panic!("{e}"))
    }

    /// Borrows the items read-write, or fails if the array is read-only
    /// or another view of the memory lives.
    pub fn try_readwrite(&self) -> HPyResult<PyReadwriteArray<'_, T, D>> {
        PyReadwriteArray::get(self.as_handle())
    }
}

impl<'a, 'ctx, T: Element, D: Dimension> FromHPy<'a, 'ctx> for PyArray<'ctx, T, D> {
    /// A `numpy.ndarray` of `T` in `D` dimensions (checked as
    /// [`PyReadonlyArray`] checks it, without a
    /// borrow).
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        // The checks of a read-only view, dropped at once.
        drop(PyReadonlyArray::<T, D>::get(obj)?);
        Ok(PyArray::from_checked(obj.dup()))
    }
}
