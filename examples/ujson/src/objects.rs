//! The Python objects and helpers the decoder, the encoder and the module
//! functions share: the module's `JSONDecodeError`, `decimal.Decimal`,
//! the bytes of a `bytes` object, and `str`s from text with lone
//! surrogates.

use hpy::{Bytes, Context, Global, HPyErr, HPyResult, Handle, IntoHPy};

hpy::create_exception!(ujson, JSONDecodeError, ValueError);

/// `decimal.Decimal`, imported when first needed.
pub(crate) static DECIMAL: Global = Global::new();

/// Whether `obj` is a `decimal.Decimal` (which ujson writes as a float).
pub(crate) fn is_decimal<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<bool> {
    let decimal = DECIMAL.import(ctx, "decimal", "Decimal")?;
    let ty = decimal.downcast::<hpy::Type>().map_err(HPyErr::from)?;
    Ok(obj.type_check(&ty))
}

/// A str from UTF-8 that may hold lone surrogates (Python's
/// `bytes.decode("utf-8", "surrogatepass")`, whose errors are raised).
pub(crate) fn decode_surrogatepass<'ctx>(
    ctx: Context<'ctx>,
    text: &[u8],
) -> HPyResult<Handle<'ctx>> {
    let bytes = text.into_hpy(ctx)?;
    let encoding = "utf-8".into_hpy(ctx)?;
    let errors = "surrogatepass".into_hpy(ctx)?;
    bytes.get_attr_s("decode")?.call(&[&encoding, &errors])
}

/// The contents of a `bytes` object.
pub(crate) fn bytes_of<'h>(obj: &'h Handle<'_>) -> HPyResult<&'h [u8]> {
    match obj.downcast_ref::<Bytes>() {
        Some(b) => b.as_bytes(),
        None => Err(HPyErr::type_error("expected bytes")),
    }
}
