//! The buffer protocol (`bf_getbuffer`/`bf_releasebuffer`) for classes with
//! a `__buffer__(&self) -> &[T]` method: Python sees the slice read-only
//! (`memoryview(obj)`, `bytes(obj)`, NumPy …).
//!
//! While a buffer is exported the object stays borrowed (shared), so a
//! `&mut self` method — which could reallocate the data — raises
//! `RuntimeError` until the last view is released.

use core::ffi::{c_int, c_void, CStr};
use core::ptr;

use hpy_sys::{
    cpy_PyObject, cpy_Py_buffer, HPy, HPyCFunction, HPyContext, HPyDef, HPy_buffer, HPy_ssize_t,
};

use super::def::slot;
use super::trampoline::trampoline;
use crate::class::{HPyClass, Ref};
use crate::{Borrowed, HPyErr, HPyResult};

mod sealed {
    /// Only this module's element types: their format codes are right.
    pub trait Sealed {}
}

/// Element types a buffer can expose, with their `struct` format code.
///
/// Sealed: the interpreter trusts `FORMAT` to describe the element's size
/// (a 1-byte type declaring `"d"` would make `memoryview(obj).tolist()`
/// read past the data), so only the primitive numbers listed here
/// implement it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be exposed as a buffer element",
    label = "a buffer holds `u8`, `i8`, `u16`, `i16`, `u32`, `i32`, `u64`, `i64`, `f32` or `f64`",
    note = "`BufferElement` is sealed: return a slice of one of those types from `__buffer__`"
)]
pub trait BufferElement: sealed::Sealed + Copy + 'static {
    /// The format string (`"d"` for `f64`, …).
    const FORMAT: &'static CStr;
}

macro_rules! buffer_elements {
    ($($t:ty => $f:literal,)*) => {$(
        impl sealed::Sealed for $t {}
        impl BufferElement for $t {
            const FORMAT: &'static CStr = $f;
        }
    )*};
}

buffer_elements! {
    u8 => c"B",
    i8 => c"b",
    u16 => c"H",
    i16 => c"h",
    u32 => c"I",
    i32 => c"i",
    u64 => c"Q",
    i64 => c"q",
    f32 => c"f",
    f64 => c"d",
}

/// A class exporting its data as a buffer (written by `#[hpy_methods]`).
pub trait BufferExport: HPyClass {
    /// The element type.
    type Item: BufferElement;
    /// The data to expose.
    fn buffer_data(&self) -> &[Self::Item];
}

/// `PyBUF_WRITABLE`: the consumer wants to write.
const PYBUF_WRITABLE: c_int = 0x0001;

/// Shape and strides of a one-dimensional view (kept alive by the view).
struct ViewInternal {
    shape: [HPy_ssize_t; 1],
    strides: [HPy_ssize_t; 1],
}

fn get_buffer<T: BufferExport>(
    obj: Borrowed<'_, '_>,
    view: *mut HPy_buffer,
    flags: c_int,
) -> HPyResult<c_int> {
    if view.is_null() {
        return Err(HPyErr::new(
            hpy_sys::HPyConstant::BufferError,
            "no view to fill",
        ));
    }
    if flags & PYBUF_WRITABLE != 0 {
        return Err(HPyErr::new(
            hpy_sys::HPyConstant::BufferError,
            format!("{} objects export read-only buffers", T::INFO.python_name()),
        ));
    }
    if crate::abi::host_has(crate::abi::Quirk::SharedBuffers) {
        return Err(HPyErr::new(
            hpy_sys::HPyConstant::BufferError,
            "this interpreter's HPy does not release buffers reliably; buffer export is disabled",
        ));
    }
    // SAFETY: `obj` is the object whose `bf_getbuffer` slot of `T`'s type is
    // running, so the interpreter made sure it is an instance of `T`.
    let guard = unsafe { crate::class::self_ref::<T>(obj) }?;
    let data = guard.buffer_data();
    let itemsize = core::mem::size_of::<T::Item>() as HPy_ssize_t;
    let internal = Box::into_raw(Box::new(ViewInternal {
        shape: [data.len() as HPy_ssize_t],
        strides: [itemsize],
    }));
    // SAFETY: `view` is the non-null view the interpreter asks us to fill;
    // `internal` lives until `release_buffer` frees it.
    unsafe {
        view.write(HPy_buffer {
            buf: data.as_ptr().cast_mut().cast::<c_void>(),
            obj: obj.dup().into_raw(),
            len: data.len() as HPy_ssize_t * itemsize,
            itemsize,
            readonly: 1,
            ndim: 1,
            format: T::Item::FORMAT.as_ptr().cast_mut(),
            shape: (*internal).shape.as_mut_ptr(),
            strides: (*internal).strides.as_mut_ptr(),
            suboffsets: ptr::null_mut(),
            internal: internal.cast(),
        });
    }
    // The shared borrow stays registered until the view is released.
    core::mem::forget(guard);
    Ok(0)
}

fn release_buffer<T: BufferExport>(obj: Borrowed<'_, '_>, view: *mut HPy_buffer) {
    // SAFETY: `view` is a view `get_buffer` filled; its `internal` is ours.
    unsafe {
        if !view.is_null() && !(*view).internal.is_null() {
            drop(Box::from_raw((*view).internal.cast::<ViewInternal>()));
            (*view).internal = ptr::null_mut();
        }
    }
    release_shared_borrow::<T>(obj);
}

/// Ends the shared borrow `get_buffer` left registered.
fn release_shared_borrow<T: HPyClass>(obj: Borrowed<'_, '_>) {
    if core::mem::size_of::<T>() == 0 {
        return;
    }
    // Re-borrowing and dropping twice undoes exactly one registered borrow:
    // the new guard adds one, and `end_leaked` removes it and the leaked one.
    // SAFETY: as in `get_buffer`: the `bf_releasebuffer` slot of `T`'s type
    // is running for `obj`.
    if let Ok(guard) = unsafe { crate::class::self_ref::<T>(obj) } {
        Ref::end_leaked(guard);
    }
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, as `bf_getbuffer`.
    pub unsafe extern "C" fn impl_getbuffer<T: BufferExport>(
        ctx: *mut HPyContext,
        obj: HPy,
        view: *mut HPy_buffer,
        flags: c_int,
    ) -> c_int {
        // SAFETY: HPy passes the live context and a valid object.
        unsafe {
            trampoline(ctx, "__buffer__", -1, |ctx| {
                get_buffer::<T>(Borrowed::from_raw(ctx, obj), view, flags)
            })
        }
    }
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, as `bf_releasebuffer`.
    pub unsafe extern "C" fn impl_releasebuffer<T: BufferExport>(
        ctx: *mut HPyContext,
        obj: HPy,
        view: *mut HPy_buffer,
    ) {
        // SAFETY: HPy passes the live context and a valid object.
        unsafe {
            trampoline(ctx, "__buffer__", (), |ctx| {
                release_buffer::<T>(Borrowed::from_raw(ctx, obj), view);
                Ok(())
            })
        }
    }
}

/// One body for both ABIs: the difference is the seam's (`abi`).
mod cpy {
    use super::*;
    use crate::abi;

    /// # Safety
    /// Called by CPython as `bf_getbuffer`.
    pub unsafe extern "C" fn get<T: BufferExport>(
        obj: *mut cpy_PyObject,
        view: *mut cpy_Py_buffer,
        flags: c_int,
    ) -> c_int {
        // SAFETY: CPython's `bf_getbuffer` arguments, for `impl_getbuffer`.
        unsafe { abi::getbufferproc(impl_getbuffer::<T>, impl_getbuffer::<T>, obj, view, flags) }
    }

    /// # Safety
    /// Called by CPython as `bf_releasebuffer`.
    pub unsafe extern "C" fn release<T: BufferExport>(
        obj: *mut cpy_PyObject,
        view: *mut cpy_Py_buffer,
    ) {
        // SAFETY: CPython's `bf_releasebuffer` arguments, for
        // `impl_releasebuffer`.
        unsafe {
            abi::releasebufferproc(impl_releasebuffer::<T>, impl_releasebuffer::<T>, obj, view)
        }
    }
}

/// The `bf_getbuffer` definition of `T`.
pub const fn slot_getbuffer<T: BufferExport>() -> HPyDef {
    type Get = unsafe extern "C" fn(*mut cpy_PyObject, *mut cpy_Py_buffer, c_int) -> c_int;
    let f: unsafe extern "C" fn(*mut HPyContext, HPy, *mut HPy_buffer, c_int) -> c_int =
        impl_getbuffer::<T>;
    let cpy: Get = cpy::get::<T>;
    // SAFETY: function pointers have one size; CPython calls it as bf_getbuffer.
    let cpy = unsafe { core::mem::transmute::<Get, hpy_sys::cpy_PyCFunction>(cpy) };
    slot(hpy_sys::HPy_bf_getbuffer, f as HPyCFunction, Some(cpy))
}

/// The `bf_releasebuffer` definition of `T`.
pub const fn slot_releasebuffer<T: BufferExport>() -> HPyDef {
    type Release = unsafe extern "C" fn(*mut cpy_PyObject, *mut cpy_Py_buffer);
    let f: unsafe extern "C" fn(*mut HPyContext, HPy, *mut HPy_buffer) = impl_releasebuffer::<T>;
    let cpy: Release = cpy::release::<T>;
    // SAFETY: function pointers have one size; CPython calls it as
    // bf_releasebuffer.
    let cpy = unsafe { core::mem::transmute::<Release, hpy_sys::cpy_PyCFunction>(cpy) };
    slot(hpy_sys::HPy_bf_releasebuffer, f as HPyCFunction, Some(cpy))
}
