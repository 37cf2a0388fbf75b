//! ujson 6.1.0's Python module `ujson` on hpy-rs.
//!
//! The original is about 3,000 lines of C around Google's
//! double-conversion library; this port keeps its Python API (`dumps` /
//! `encode`, `dump`, `loads` / `decode`, `load`, `JSONDecodeError`,
//! `__version__`, every keyword of `dumps`) and its output byte for byte,
//! and does the JSON work in Rust: [`decoder`] builds the Python objects
//! while it reads (no tree in between), [`encoder`] writes into one buffer
//! that becomes the result `str`, and [`float`] writes floats in
//! double-conversion's shortest form. One source builds to the CPython ABI
//! and to HPy's universal ABI. See this directory's README.

use hpy::{hpy_method, hpy_module, Buffer, Bytes, Constant, Context, FromHPy};
use hpy::{HPyErr, HPyResult, Handle, IntoHPy, Str, Tuple};

mod decoder;
mod encoder;
mod float;
mod objects;

use encoder::{Encoder, Options};
use objects::{decode_surrogatepass, JSONDecodeError, DECIMAL};

/// The version of ujson whose API this port has.
const VERSION: &str = "6.1.0";

/// A `p` argument of the C original: any object, read by its truth.
struct Truth(bool);

impl<'a, 'ctx> FromHPy<'a, 'ctx> for Truth {
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        obj.is_true().map(Truth)
    }
}

/// An `i` argument of the C original: an int that fits a C `int`.
struct CInt(i32);

impl<'a, 'ctx> FromHPy<'a, 'ctx> for CInt {
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        if obj.type_check_constant(Constant::FloatType)? {
            return Err(HPyErr::type_error(
                "'float' object cannot be interpreted as an integer",
            ));
        }
        let v = obj.as_i64().map_err(|e| {
            let ctx = obj.context();
            if e.matches(ctx, &ctx.constant(Constant::OverflowError)) {
                drop(e.catch(ctx));
                HPyErr::overflow_error("signed integer is greater than maximum")
            } else {
                e
            }
        })?;
        if v > i64::from(i32::MAX) {
            return Err(HPyErr::overflow_error(
                "signed integer is greater than maximum",
            ));
        }
        if v < i64::from(i32::MIN) {
            return Err(HPyErr::overflow_error(
                "signed integer is less than minimum",
            ));
        }
        Ok(CInt(v as i32))
    }
}

/// A str's UTF-8 with lone surrogates kept (`surrogatepass`).
fn utf8_surrogatepass(obj: &Handle<'_>) -> HPyResult<Vec<u8>> {
    let ctx = obj.context();
    let s = obj
        .downcast_ref::<Str>()
        .ok_or_else(|| HPyErr::type_error("expected str"))?;
    match s.to_str() {
        Ok(t) => Ok(t.as_bytes().to_vec()),
        Err(e) => {
            drop(e.catch(ctx)?);
            let encoding = "utf-8".into_hpy(ctx)?;
            let errors = "surrogatepass".into_hpy(ctx)?;
            let b = obj.get_attr_s("encode")?.call(&[&encoding, &errors])?;
            let b = b.downcast::<Bytes>().map_err(HPyErr::from)?;
            Ok(b.as_bytes()?.to_vec())
        }
    }
}

/// `separators`: `None`, or a tuple of two strs (item, key).
fn separators(obj: Option<&Handle<'_>>, indent: i32) -> HPyResult<(Vec<u8>, Vec<u8>)> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        let key: &[u8] = if indent != 0 { b": " } else { b":" };
        return Ok((b",".to_vec(), key.to_vec()));
    };
    let Some(tuple) = obj.downcast_ref::<Tuple>() else {
        return Err(HPyErr::type_error("expected tuple or None as separator"));
    };
    if tuple.len()? != 2 {
        return Err(HPyErr::value_error("expected tuple of size 2 as separator"));
    }
    let item = tuple.get_item_i(0)?;
    if !item.is_str() {
        return Err(HPyErr::type_error("expected str as item separator"));
    }
    let key = tuple.get_item_i(1)?;
    if !key.is_str() {
        return Err(HPyErr::type_error("expected str as key separator"));
    }
    Ok((utf8_surrogatepass(&item)?, utf8_surrogatepass(&key)?))
}

/// The text in `out` as a str: without a UTF-8 check when it is ASCII,
/// through Python's `surrogatepass` decoding when it is not valid UTF-8
/// (lone surrogates; or bytes ujson copies unchecked, which that decoding
/// then refuses with `UnicodeDecodeError`, as the original does).
fn into_str<'ctx>(ctx: Context<'ctx>, out: &[u8]) -> HPyResult<Handle<'ctx>> {
    if out.is_ascii() {
        return Ok(ctx.new_str_from_ascii(out)?.into_handle());
    }
    match core::str::from_utf8(out) {
        Ok(s) => s.into_hpy(ctx),
        Err(_) => decode_surrogatepass(ctx, out),
    }
}

#[allow(clippy::too_many_arguments)]
fn dumps_impl<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    ensure_ascii: Truth,
    encode_html_chars: Truth,
    escape_forward_slashes: Truth,
    sort_keys: Truth,
    indent: CInt,
    allow_nan: Truth,
    reject_bytes: Truth,
    default: Option<Handle<'ctx>>,
    separators_arg: Option<Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    let indent = match indent.0 {
        i if i < -1 => -1,
        i if i > 1000 => return Err(HPyErr::value_error("Maximum allowed indentation is 1000")),
        i => i,
    };
    let (item_sep, key_sep) = separators(separators_arg.as_ref(), indent)?;
    let opts = Options {
        ensure_ascii: ensure_ascii.0,
        html: encode_html_chars.0,
        slashes: escape_forward_slashes.0,
        sort_keys: sort_keys.0,
        indent,
        allow_nan: allow_nan.0,
        reject_bytes: reject_bytes.0,
        default: default.filter(|d| !d.is_none()),
        item_sep,
        key_sep,
    };
    let mut enc = Encoder::new(ctx, &opts);
    enc.document(obj)?;
    into_str(ctx, &enc.out)
}

/// Defines a module function converting `obj` to a JSON string with
/// every keyword of ujson's `dumps`: ujson has it twice, as `dumps` and
/// `encode` (two functions of one signature, each with its own name).
macro_rules! dumps_function {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[allow(clippy::too_many_arguments)]
        #[hpy_method(signature = (obj, ensure_ascii = Truth(true), encode_html_chars = Truth(false),
            escape_forward_slashes = Truth(true), sort_keys = Truth(false), indent = CInt(0),
            allow_nan = Truth(true), reject_bytes = Truth(true), default = None, separators = None),
            text_signature = "(obj, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)")]
        fn $name<'ctx>(
            ctx: Context<'ctx>,
            obj: &Handle<'ctx>,
            ensure_ascii: Truth,
            encode_html_chars: Truth,
            escape_forward_slashes: Truth,
            sort_keys: Truth,
            indent: CInt,
            allow_nan: Truth,
            reject_bytes: Truth,
            default: Option<Handle<'ctx>>,
            separators: Option<Handle<'ctx>>,
        ) -> HPyResult<Handle<'ctx>> {
            dumps_impl(
                ctx,
                obj,
                ensure_ascii,
                encode_html_chars,
                escape_forward_slashes,
                sort_keys,
                indent,
                allow_nan,
                reject_bytes,
                default,
                separators,
            )
        }
    };
}

dumps_function!(
    /// Converts `obj` to a JSON string (ujson's `dumps`).
    dumps
);

dumps_function!(
    /// Converts `obj` to a JSON string (ujson's `encode`, the same as `dumps`).
    encode
);

/// Converts `obj` to JSON and writes it to the file-like `fp`
/// (`fp.write(text)`; ujson's `dump`).
#[allow(clippy::too_many_arguments)]
#[hpy_method(signature = (obj, fp, /, *, ensure_ascii = Truth(true), encode_html_chars = Truth(false),
    escape_forward_slashes = Truth(true), sort_keys = Truth(false), indent = CInt(0),
    allow_nan = Truth(true), reject_bytes = Truth(true), default = None, separators = None),
    text_signature = "(obj, fp, /, *, ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, allow_nan=True, reject_bytes=True, default=None, separators=None)")]
fn dump<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    fp: &Handle<'ctx>,
    ensure_ascii: Truth,
    encode_html_chars: Truth,
    escape_forward_slashes: Truth,
    sort_keys: Truth,
    indent: CInt,
    allow_nan: Truth,
    reject_bytes: Truth,
    default: Option<Handle<'ctx>>,
    separators: Option<Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    if !fp.has_attr_s("write")? {
        return Err(HPyErr::type_error("expected file"));
    }
    let write = fp.get_attr_s("write")?;
    if !write.is_callable() {
        return Err(HPyErr::type_error("expected file"));
    }
    let text = dumps_impl(
        ctx,
        obj,
        ensure_ascii,
        encode_html_chars,
        escape_forward_slashes,
        sort_keys,
        indent,
        allow_nan,
        reject_bytes,
        default,
        separators,
    )?;
    write.call(&[&text])?;
    Ok(ctx.none())
}

/// The bytes of a document: a str's UTF-8 (lone surrogates kept), a
/// `bytes`' or `bytearray`'s contents, with ujson's errors for the rest.
fn with_document<'ctx, R>(
    obj: &Handle<'ctx>,
    read: impl FnOnce(&[u8]) -> HPyResult<R>,
) -> HPyResult<R> {
    if let Some(s) = obj.downcast_ref::<Str>() {
        return match s.to_str() {
            Ok(text) => read(text.as_bytes()),
            Err(e) => {
                drop(e.catch(obj.context())?);
                let bytes = utf8_surrogatepass(obj)?;
                read(&bytes)
            }
        };
    }
    if let Some(b) = obj.downcast_ref::<Bytes>() {
        return read(b.as_bytes()?);
    }
    let ctx = obj.context();
    let bytearray = ctx
        .builtin("bytearray")?
        .downcast::<hpy::Type>()
        .map_err(HPyErr::from)?;
    match Buffer::get(obj) {
        Ok(buffer) => {
            if !obj.type_check(&bytearray) {
                return Err(HPyErr::type_error(
                    "Arbitrary bytes-like objects are no longer supported. Use either string, bytes, or bytearray.",
                ));
            }
            // A bytearray's contents can change while Python code runs
            // (none runs while decoding, but the copy keeps that out of
            // the question).
            let data = buffer.to_vec();
            read(&data)
        }
        Err(e) => {
            drop(e.catch(ctx)?);
            Err(HPyErr::type_error("Expected string, bytes, or bytearray"))
        }
    }
}

fn loads_impl<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    with_document(obj, |text| {
        decoder::Decoder::new(ctx, text)
            .document()
            .map_err(decoder::Error::into_hpy_err)
    })
}

/// Converts a JSON document (str, bytes or bytearray) to Python objects
/// (ujson's `loads`).
#[hpy_method]
fn loads<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    loads_impl(ctx, obj)
}

/// Converts a JSON document to Python objects (ujson's `decode`, the same
/// as `loads`).
#[hpy_method]
fn decode<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    loads_impl(ctx, obj)
}

/// Reads a JSON document from the file-like `fp` (`fp.read()`) and
/// converts it (ujson's `load`).
#[hpy_method(signature = (fp, /))]
fn load<'ctx>(ctx: Context<'ctx>, fp: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    if !fp.has_attr_s("read")? {
        return Err(HPyErr::type_error("expected file"));
    }
    let read = fp.get_attr_s("read")?;
    if !read.is_callable() {
        return Err(HPyErr::type_error("expected file"));
    }
    let text = read.call(&[])?;
    loads_impl(ctx, &text)
}

fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    module.set_attr_s("__version__", &VERSION.into_hpy(ctx)?)
}

hpy_module! {
    /// Ultra fast JSON encoder and decoder for Python: ujson 6.1.0's API on
    /// hpy-rs.
    name: ujson,
    methods: [dumps, encode, dump, loads, decode, load],
    exceptions: [JSONDecodeError],
    globals: [DECIMAL],
    exec: init,
    // What `init` adds (for the type stub).
    attributes: [__version__: &str],
}
