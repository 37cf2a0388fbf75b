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

use hpy::{hpy_method, hpy_module, Buffer, Bytes, Constant, Context, FromHPy, FromKeywords};
use hpy::{HPyErr, HPyResult, Handle, IntoHPy, Str, Tuple};

mod decoder;
mod encoder;
mod float;
mod lemire;
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
///
/// With `ensure_ascii` the text is ASCII but for such copied bytes, so it
/// is handed to `new_str_from_ascii` unread: a host that checks the bytes
/// as it makes the str (PyPy) then reads 214 KB of escaped text once, not
/// twice; only a refusal looks at the text here.
fn into_str<'ctx>(ctx: Context<'ctx>, out: &[u8], ensure_ascii: bool) -> HPyResult<Handle<'ctx>> {
    if ensure_ascii {
        match ctx.new_str_from_ascii(out) {
            Ok(s) => return Ok(s.into_handle()),
            Err(e) if out.is_ascii() => return Err(e),
            Err(not_ascii) => drop(not_ascii),
        }
    } else if out.is_ascii() {
        return Ok(ctx.new_str_from_ascii(out)?.into_handle());
    }
    match core::str::from_utf8(out) {
        Ok(s) => s.into_hpy(ctx),
        Err(_) => decode_surrogatepass(ctx, out),
    }
}

/// The ten keywords of ujson's `dumps`, `encode` and `dump`, declared once
/// with their defaults (as ujson 6.1.0's type stub shows them).
#[derive(FromKeywords)]
struct DumpsOptions<'ctx> {
    #[hpy(default = Truth(true), py_default = "True")]
    ensure_ascii: Truth,
    #[hpy(default = Truth(false), py_default = "False")]
    encode_html_chars: Truth,
    #[hpy(default = Truth(true), py_default = "True")]
    escape_forward_slashes: Truth,
    #[hpy(default = Truth(false), py_default = "False")]
    sort_keys: Truth,
    #[hpy(default = CInt(0), py_default = "0")]
    indent: CInt,
    #[hpy(default = Truth(true), py_default = "True")]
    allow_nan: Truth,
    #[hpy(default = Truth(true), py_default = "True")]
    reject_bytes: Truth,
    default: Option<Handle<'ctx>>,
    separators: Option<Handle<'ctx>>,
}

fn dumps_impl<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    kw: DumpsOptions<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let indent = match kw.indent.0 {
        i if i < -1 => -1,
        i if i > 1000 => return Err(HPyErr::value_error("Maximum allowed indentation is 1000")),
        i => i,
    };
    let (item_sep, key_sep) = separators(kw.separators.as_ref(), indent)?;
    let opts = Options {
        ensure_ascii: kw.ensure_ascii.0,
        html: kw.encode_html_chars.0,
        slashes: kw.escape_forward_slashes.0,
        sort_keys: kw.sort_keys.0,
        indent,
        allow_nan: kw.allow_nan.0,
        reject_bytes: kw.reject_bytes.0,
        default: kw.default.filter(|d| !d.is_none()),
        item_sep,
        key_sep,
    };
    let mut enc = Encoder::new(ctx, &opts);
    enc.document(obj)?;
    into_str(ctx, enc.text(), opts.ensure_ascii)
}

/// Converts `obj` to a JSON string (ujson's `dumps`, also registered as
/// `encode`).
#[hpy_method(alias = "encode")]
fn dumps<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    #[hpy(keywords)] kw: DumpsOptions<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    dumps_impl(ctx, obj, kw)
}

/// Converts `obj` to JSON and writes it to the file-like `fp`
/// (`fp.write(text)`; ujson's `dump`).
#[hpy_method(signature = (obj, fp, /, *, kw))]
fn dump<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    fp: &Handle<'ctx>,
    #[hpy(keywords)] kw: DumpsOptions<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    if !fp.has_attr_s("write")? {
        return Err(HPyErr::type_error("expected file"));
    }
    let write = fp.get_attr_s("write")?;
    if !write.is_callable() {
        return Err(HPyErr::type_error("expected file"));
    }
    let text = dumps_impl(ctx, obj, kw)?;
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
    // The keys and repeated values the decoder keeps and lends, made at
    // the first; they are closed after the document is made (see
    // `decoder::KeyCache` and `decoder::Shared`).
    let kept = core::cell::OnceCell::new();
    with_document(obj, |text| {
        decoder::Decoder::new(ctx, text, &kept)
            .document()
            .map_err(decoder::Error::into_hpy_err)
    })
}

/// Converts a JSON document (str, bytes or bytearray) to Python objects
/// (ujson's `loads`, also registered as `decode`).
#[hpy_method(alias = "decode")]
fn loads<'ctx>(ctx: Context<'ctx>, obj: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
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
    // `encode` and `decode`: the aliases of `dumps` and `loads`.
    methods: [dumps, encode, dump, loads, decode, load],
    exceptions: [JSONDecodeError],
    globals: [DECIMAL],
    exec: init,
    // What `init` adds (for the type stub).
    attributes: [__version__: &str],
}
