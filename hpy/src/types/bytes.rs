//! `bytes`: the typed handle [`Bytes`].

use core::ffi::CStr;

use hpy_sys::{HPyConstant, HPy_ssize_t};

use crate::abi::Quirk;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle};

super::typed_handle! {
    /// A handle to a `bytes` object (or an instance of a subclass).
    ///
    /// ```
    /// use hpy::{hpy_method, Bytes};
    ///
    /// /// The number of zero bytes.
    /// #[hpy_method]
    /// fn zeros(data: &Bytes<'_>) -> usize {
    ///     data.as_bytes().map_or(0, |b| b.iter().filter(|&&b| b == 0).count())
    /// }
    /// # fn main() {}
    /// ```
    Bytes, "bytes", |obj| {
        crate::abi::has_type_flag(obj, super::any::type_flag::BYTES, hpy_sys::HPyBytes_Check)
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

/// The `len` bytes of the `bytes` object `obj` (`HPyBytes_AS_STRING`),
/// borrowed for as long as the handle.
///
/// # Safety
/// `obj` is a `bytes` object holding `len` bytes (its own size, not what a
/// subclass's `__len__` says).
#[inline]
unsafe fn contents<'a>(obj: &'a Handle<'_>, len: usize) -> HPyResult<&'a [u8]> {
    let ctx = obj.context();
    // SAFETY: the buffer of a bytes object holds its `len` bytes plus a
    // NUL, and stays valid and unchanged while the handle is open, which
    // the borrow of `obj` guarantees for the returned slice.
    unsafe {
        let data = hpy_sys::HPyBytes_AS_STRING(ctx.as_raw(), obj.as_raw());
        if data.is_null() {
            return Err(HPyErr::raised(ctx));
        }
        Ok(core::slice::from_raw_parts(data.cast::<u8>(), len))
    }
}

/// The contents of `obj` if it is exactly a `bytes` (one exactness check,
/// `HPyBytes_GET_SIZE`, `HPyBytes_AS_STRING`: no `HPyBytes_Check` first,
/// and no `__len__` to fear), else `None`.
#[inline]
pub(crate) fn exact_contents<'a>(obj: &'a Handle<'_>) -> Option<HPyResult<&'a [u8]>> {
    if !obj.get_type().is_constant(HPyConstant::BytesType) {
        return None;
    }
    let ctx = obj.context();
    // SAFETY: `obj` is a bytes object; -1 with an exception set on failure.
    let n = unsafe { hpy_sys::HPyBytes_GET_SIZE(ctx.as_raw(), obj.as_raw()) };
    Some(match usize::try_from(n) {
        // SAFETY: an exact bytes object of `len` bytes.
        Ok(len) => unsafe { contents(obj, len) },
        Err(_) => Err(HPyErr::raised(ctx)),
    })
}

impl Bytes<'_> {
    /// The contents, borrowed without copying for as long as the handle is
    /// (`HPyBytes_AS_STRING`, with the length of [`len`](Bytes::len)).
    ///
    /// In the universal ABI, an instance of a subclass that defines its own
    /// `__len__` is refused with `TypeError`: PyPy's debug mode sizes the
    /// buffer it hands out by calling `len()`, so no borrow of it is safe.
    /// [`to_vec`](Bytes::to_vec) copies any `bytes`.
    #[inline]
    pub fn as_bytes(&self) -> HPyResult<&[u8]> {
        // Whether the object is exactly a `bytes`, asked once (three HPy
        // calls off hpy_rs_universal) for both the refusal and the size.
        let exact = !crate::abi::host_has(Quirk::BytesSizeCallsLen) || self.is_exact();
        if !exact && self.overrides_len()? {
            return Err(HPyErr::type_error(
                "a bytes subclass with its own __len__ cannot be borrowed in the universal ABI \
                 (PyPy sizes its buffer with len()); pass bytes(obj)",
            ));
        }
        let len = self.len_known(exact)?;
        // SAFETY: `self` is a bytes object of `len` bytes (the object's own
        // size, see `len`; no `__len__` of a subclass sizes it, checked
        // above).
        unsafe { contents(self, len) }
    }

    /// A copy of the contents: [`as_bytes`](Bytes::as_bytes) copied, or,
    /// where that refuses, the bytes of `bytes(self)`.
    pub fn to_vec(&self) -> HPyResult<Vec<u8>> {
        match self.as_bytes() {
            Ok(data) => Ok(data.to_vec()),
            Err(_) if !self.is_exact() => Ok(self.bytes()?.as_bytes()?.to_vec()),
            Err(e) => Err(e),
        }
    }

    /// The number of bytes the object holds (`HPyBytes_GET_SIZE`).
    ///
    /// Not `len(self)` where that differs: PyPy's `HPyBytes_GET_SIZE` calls
    /// `len()`, so a subclass's `__len__` could answer (raise, or lie and
    /// make [`as_bytes`](Bytes::as_bytes) read past the buffer). In the
    /// universal ABI a subclass's size is therefore asked of
    /// `bytes.__len__` itself.
    #[inline]
    pub fn len(&self) -> HPyResult<usize> {
        self.len_known(!crate::abi::host_has(Quirk::BytesSizeCallsLen) || self.is_exact())
    }

    /// [`len`](Bytes::len), told whether the object is exactly a `bytes`
    /// (or the host's `HPyBytes_GET_SIZE` calls no `__len__`).
    #[inline]
    fn len_known(&self, exact: bool) -> HPyResult<usize> {
        let ctx = self.context();
        if !exact {
            return self.stored_len();
        }
        // SAFETY: `self` is a bytes object; -1 with an exception set on
        // failure.
        let n = unsafe { hpy_sys::HPyBytes_GET_SIZE(ctx.as_raw(), self.as_raw()) };
        usize::try_from(n).map_err(|_| HPyErr::raised(ctx))
    }

    /// Whether the object holds no bytes.
    #[inline]
    pub fn is_empty(&self) -> HPyResult<bool> {
        Ok(self.len()? == 0)
    }

    /// Whether the object is a `bytes` and not an instance of a subclass.
    #[inline]
    fn is_exact(&self) -> bool {
        let ctx = self.context();
        // SAFETY: a live handle of this call's context.
        let fast = unsafe {
            crate::abi::is_exact_type(ctx.as_raw(), self.as_raw(), HPyConstant::BytesType)
        };
        fast.unwrap_or_else(|| self.get_type().is_constant(HPyConstant::BytesType))
    }

    /// Whether the object's type defines a `__len__` other than `bytes`'s,
    /// found as `len()` finds it: in the `__dict__` of each class of the
    /// type's MRO, in order, up to `bytes`.
    ///
    /// Not `type(obj).__len__`: that goes through the metaclass, whose
    /// `__getattribute__` may answer `bytes.__len__` while `len()` still
    /// calls the class's own. The MRO and each class's namespace are read
    /// with `type`'s own descriptors (`type.__dict__["__mro__"]` and
    /// `["__dict__"]`), which no metaclass can replace.
    #[cold]
    fn overrides_len(&self) -> HPyResult<bool> {
        let ctx = self.context();
        let type_dict = ctx.constant(HPyConstant::TypeType).get_attr_s("__dict__")?;
        let mro_of = type_dict.get_item_s("__mro__")?;
        let dict_of = type_dict.get_item_s("__dict__")?;
        let bytes = ctx.constant(HPyConstant::BytesType);
        let name = crate::IntoHPy::into_hpy("__len__", ctx)?;
        let mro = mro_of.call_method_s("__get__", &[&self.get_type().into_handle()])?;
        for class in mro.iter()? {
            let class = class?;
            if class.is(&bytes) {
                return Ok(false);
            }
            if dict_of
                .call_method_s("__get__", &[&class])?
                .contains(&name)?
            {
                return Ok(true);
            }
        }
        // No `bytes` in the MRO of a bytes object's type: not one to borrow.
        Ok(true)
    }

    /// `bytes.__len__(self)`: the size the object stores, whatever a
    /// subclass's `__len__` says.
    #[cold]
    fn stored_len(&self) -> HPyResult<usize> {
        let ctx = self.context();
        let len = ctx.constant(HPyConstant::BytesType).get_attr_s("__len__")?;
        usize::extract(&len.call(&[self])?)
    }
}
