//! `bytes`: the typed handle [`Bytes`].

use core::ffi::CStr;

use hpy_sys::HPy_ssize_t;

use crate::{Context, HPyResult};

super::typed_handle! {
    /// A handle to a `bytes` object (or an instance of a subclass).
    ///
    /// ```
    /// use hpy::{hpy_method, Bytes};
    ///
    /// /// The number of zero bytes.
    /// #[hpy_method]
    /// fn zeros(data: &Bytes<'_>) -> usize {
    ///     data.as_bytes().iter().filter(|&&b| b == 0).count()
    /// }
    /// # fn main() {}
    /// ```
    Bytes, "bytes", |obj| {
        let ctx = obj.context();
        // SAFETY: valid handle; the check cannot fail.
        unsafe { hpy_sys::HPyBytes_Check(ctx.as_raw(), obj.as_raw()) != 0 }
    }
}

impl<'ctx> Context<'ctx> {
    /// A new `bytes` object holding a copy of `data`
    /// (`HPyBytes_FromStringAndSize`).
    #[inline]
    pub fn new_bytes(self, data: &[u8]) -> HPyResult<Bytes<'ctx>> {
        // A slice never holds more than `isize::MAX` bytes.
        let len = data.len() as HPy_ssize_t;
        // SAFETY: pointer and length describe `data` (never a null pointer,
        // which would ask for uninitialised bytes); owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyBytes_FromStringAndSize(
                self.as_raw(),
                data.as_ptr().cast(),
                len,
            ))
            .map(Bytes)
        }
    }

    /// A new `bytes` object with the bytes of a C string, without its NUL
    /// (`HPyBytes_FromString`).
    #[inline]
    pub fn bytes_from_cstr(self, data: &CStr) -> HPyResult<Bytes<'ctx>> {
        // SAFETY: `data` is NUL-terminated; the result is owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyBytes_FromString(self.as_raw(), data.as_ptr()))
                .map(Bytes)
        }
    }
}

impl Bytes<'_> {
    /// The contents, borrowed without copying for as long as the handle is
    /// (`HPyBytes_AS_STRING` and `HPyBytes_GET_SIZE`).
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        let ctx = self.context();
        // SAFETY: `self` is a bytes object: its buffer holds `len` bytes (plus
        // a NUL) and stays valid and unchanged while the handle is open, which
        // the borrow of `self` guarantees for the returned slice.
        unsafe {
            let data = hpy_sys::HPyBytes_AS_STRING(ctx.as_raw(), self.as_raw());
            let len = hpy_sys::HPyBytes_GET_SIZE(ctx.as_raw(), self.as_raw());
            core::slice::from_raw_parts(data.cast::<u8>(), len as usize)
        }
    }

    /// `len(self)` (`HPyBytes_Size`).
    #[inline]
    pub fn len(&self) -> usize {
        let ctx = self.context();
        // SAFETY: `self` is a bytes object, whose size is never negative.
        unsafe { hpy_sys::HPyBytes_Size(ctx.as_raw(), self.as_raw()) as usize }
    }

    /// `len(self) == 0`.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
