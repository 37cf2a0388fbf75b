//! `Cow<str>` ↔ `str` and `Cow<[u8]>` ↔ `bytes`: borrowed from the Python
//! object where it can be (a `str`'s UTF-8, a `bytes`'s contents), owned
//! where it must be copied (a `bytearray` or `memoryview`, whose contents
//! may change under a borrow).

use std::borrow::Cow;

use crate::{Bytes, Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

impl<'a, 'ctx> FromHPy<'a, 'ctx> for Cow<'a, str> {
    /// A `str`, borrowed.
    #[inline]
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        <&'a str>::extract(obj).map(Cow::Borrowed)
    }
}

impl<'ctx> IntoHPy<'ctx> for Cow<'_, str> {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&*self).into_hpy(ctx)
    }
}

impl<'ctx> IntoHPy<'ctx> for &Cow<'_, str> {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        (&**self).into_hpy(ctx)
    }
}

impl<'a, 'ctx> FromHPy<'a, 'ctx> for Cow<'a, [u8]> {
    /// `bytes` borrowed; `bytearray` and `memoryview` copied; anything
    /// else is a `TypeError`.
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        if let Some(b) = obj.downcast_ref::<Bytes>() {
            return b.as_bytes().map(Cow::Borrowed);
        }
        match super::bytes::extract_byte_vec(obj) {
            Some(v) => v.map(Cow::Owned),
            None => Err(HPyErr::wrong_type(
                "bytes, bytearray or memoryview",
                obj.type_name(),
            )),
        }
    }
}

impl<'ctx> IntoHPy<'ctx> for Cow<'_, [u8]> {
    /// `bytes`.
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        super::bytes::bytes_from_slice(ctx, &self)
    }
}
