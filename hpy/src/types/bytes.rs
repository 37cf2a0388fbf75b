//! `bytes` objects.

use core::ffi::CStr;

use hpy_sys::HPy_ssize_t;

use crate::{Context, HPyErr, HPyResult, Handle};

impl<'ctx> Context<'ctx> {
    /// A new `bytes` object holding a copy of `data`
    /// (`HPyBytes_FromStringAndSize`).
    #[inline]
    pub fn new_bytes(self, data: &[u8]) -> HPyResult<Handle<'ctx>> {
        let len = HPy_ssize_t::try_from(data.len())
            .map_err(|_| HPyErr::overflow_error("byte string is too long"))?;
        // SAFETY: pointer and length describe `data` (never a null pointer,
        // which would ask for uninitialised bytes); owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyBytes_FromStringAndSize(
                self.as_raw(),
                data.as_ptr().cast(),
                len,
            ))
        }
    }

    /// A new `bytes` object with the bytes of a C string, without its NUL
    /// (`HPyBytes_FromString`).
    #[inline]
    pub fn bytes_from_cstr(self, data: &CStr) -> HPyResult<Handle<'ctx>> {
        // SAFETY: `data` is NUL-terminated; the result is owned or HPy_NULL.
        unsafe { self.wrap_result(hpy_sys::HPyBytes_FromString(self.as_raw(), data.as_ptr())) }
    }
}

impl<'ctx> Handle<'ctx> {
    /// The contents of a `bytes` object, borrowed without copying for as long
    /// as the handle is (`HPyBytes_AS_STRING` and `HPyBytes_GET_SIZE`, after
    /// `HPyBytes_Check`; this is what `HPyBytes_AsString` does). Raises
    /// `TypeError` if `self` is not `bytes`.
    #[inline]
    pub fn as_bytes(&self) -> HPyResult<&[u8]> {
        if !self.is_bytes() {
            return Err(HPyErr::wrong_type("bytes", self.type_name()));
        }
        let ctx = self.context();
        // SAFETY: `self` is a bytes object: its buffer holds `len` bytes (plus
        // a NUL) and stays valid and unchanged while the handle is open, which
        // the borrow of `self` guarantees for the returned slice.
        unsafe {
            let data = hpy_sys::HPyBytes_AS_STRING(ctx.as_raw(), self.as_raw());
            let len = hpy_sys::HPyBytes_GET_SIZE(ctx.as_raw(), self.as_raw());
            Ok(core::slice::from_raw_parts(data.cast::<u8>(), len as usize))
        }
    }

    /// `len(self)` for a `bytes` object (`HPyBytes_Size`). Raises
    /// `TypeError` if `self` is not `bytes`.
    #[inline]
    pub fn bytes_size(&self) -> HPyResult<usize> {
        if !self.is_bytes() {
            return Err(HPyErr::wrong_type("bytes", self.type_name()));
        }
        let ctx = self.context();
        // SAFETY: valid handle; -1 with an exception set on failure.
        let n = unsafe { hpy_sys::HPyBytes_Size(ctx.as_raw(), self.as_raw()) };
        if n < 0 {
            return Err(HPyErr::raised(ctx));
        }
        Ok(n as usize)
    }
}
