//! `hpyrs_api`: one thin function per safe API method of `hpy`, so that
//! `tests/python/test_api_*.py` can compare each with plain Python, family
//! by family (object protocol, numbers, calls, str, bytes, containers,
//! evaluation, errors).

use std::ffi::CString;

use hpy::{
    hpy_method, hpy_module, Builtin, BuiltinKind, Bytes, Capsule, Context, Dict, Float, HPyErr,
    HPyResult, Handle, Int, IntoHPy, List, PyTypeCheck, RichCompareOp, Slice, SourceKind, Str,
    Tuple, Type,
};

/// The items of a tuple or list, as owned handles.
fn items<'ctx>(seq: &Handle<'ctx>) -> HPyResult<Vec<Handle<'ctx>>> {
    (0..seq.len()?)
        .map(|i| seq.get_item_i(i as isize))
        .collect()
}

/// The `(key, value)` items of a dict.
fn dict_items<'ctx>(d: &Dict<'ctx>) -> HPyResult<Vec<(String, Handle<'ctx>)>> {
    let keys = d.keys()?;
    items(&keys)?
        .into_iter()
        .map(|k| Ok((k.extract::<String>()?, d.get_item(&k)?)))
        .collect()
}

fn refs<'a, 'ctx>(v: &'a [Handle<'ctx>]) -> Vec<&'a Handle<'ctx>> {
    v.iter().collect()
}

// ------------------------------------------------------------ object protocol

/// `getattr(o, name)` (`HPy_GetAttr`).
#[hpy_method]
fn get_attr<'ctx>(o: &Handle<'ctx>, name: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    o.get_attr(name)
}

/// `getattr(o, name)` (`HPy_GetAttr_s`).
#[hpy_method]
fn get_attr_s<'ctx>(o: &Handle<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
    o.get_attr_s(name)
}

/// `hasattr(o, name)` (`HPy_HasAttr`).
#[hpy_method]
fn has_attr<'ctx>(o: &Handle<'ctx>, name: &Handle<'ctx>) -> bool {
    o.has_attr(name)
}

/// `hasattr(o, name)` (`HPy_HasAttr_s`).
#[hpy_method]
fn has_attr_s(o: &Handle<'_>, name: &str) -> HPyResult<bool> {
    o.has_attr_s(name)
}

/// `setattr(o, name, v)` (`HPy_SetAttr`).
#[hpy_method]
fn set_attr<'ctx>(o: &Handle<'ctx>, name: &Handle<'ctx>, v: &Handle<'ctx>) -> HPyResult<()> {
    o.set_attr(name, v)
}

/// `setattr(o, name, v)` (`HPy_SetAttr_s`).
#[hpy_method]
fn set_attr_s<'ctx>(o: &Handle<'ctx>, name: &str, v: &Handle<'ctx>) -> HPyResult<()> {
    o.set_attr_s(name, v)
}

/// `delattr(o, name)` (`HPy_DelAttr`).
#[hpy_method]
fn del_attr<'ctx>(o: &Handle<'ctx>, name: &Handle<'ctx>) -> HPyResult<()> {
    o.del_attr(name)
}

/// `delattr(o, name)` (`HPy_DelAttr_s`).
#[hpy_method]
fn del_attr_s(o: &Handle<'_>, name: &str) -> HPyResult<()> {
    o.del_attr_s(name)
}

/// `o[k]` (`HPy_GetItem`).
#[hpy_method]
fn get_item<'ctx>(o: &Handle<'ctx>, k: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    o.get_item(k)
}

/// `o[i]` (`HPy_GetItem_i`).
#[hpy_method]
fn get_item_i<'ctx>(o: &Handle<'ctx>, i: isize) -> HPyResult<Handle<'ctx>> {
    o.get_item_i(i)
}

/// `o[k]` (`HPy_GetItem_s`).
#[hpy_method]
fn get_item_s<'ctx>(o: &Handle<'ctx>, k: &str) -> HPyResult<Handle<'ctx>> {
    o.get_item_s(k)
}

/// `o[k] = v` (`HPy_SetItem`).
#[hpy_method]
fn set_item<'ctx>(o: &Handle<'ctx>, k: &Handle<'ctx>, v: &Handle<'ctx>) -> HPyResult<()> {
    o.set_item(k, v)
}

/// `o[i] = v` (`HPy_SetItem_i`).
#[hpy_method]
fn set_item_i<'ctx>(o: &Handle<'ctx>, i: isize, v: &Handle<'ctx>) -> HPyResult<()> {
    o.set_item_i(i, v)
}

/// `o[k] = v` (`HPy_SetItem_s`).
#[hpy_method]
fn set_item_s<'ctx>(o: &Handle<'ctx>, k: &str, v: &Handle<'ctx>) -> HPyResult<()> {
    o.set_item_s(k, v)
}

/// `del o[k]` (`HPy_DelItem`).
#[hpy_method]
fn del_item<'ctx>(o: &Handle<'ctx>, k: &Handle<'ctx>) -> HPyResult<()> {
    o.del_item(k)
}

/// `del o[i]` (`HPy_DelItem_i`).
#[hpy_method]
fn del_item_i(o: &Handle<'_>, i: isize) -> HPyResult<()> {
    o.del_item_i(i)
}

/// `del o[k]` (`HPy_DelItem_s`).
#[hpy_method]
fn del_item_s(o: &Handle<'_>, k: &str) -> HPyResult<()> {
    o.del_item_s(k)
}

/// `k in o` (`HPy_Contains`).
#[hpy_method]
fn contains<'ctx>(o: &Handle<'ctx>, k: &Handle<'ctx>) -> HPyResult<bool> {
    o.contains(k)
}

/// `len(o)` (`HPy_Length`).
#[hpy_method]
fn length(o: &Handle<'_>) -> HPyResult<usize> {
    o.len()
}

/// `(repr(o), str(o), ascii(o))`.
#[hpy_method]
fn string_forms(o: &Handle<'_>) -> HPyResult<(String, String, String)> {
    Ok((o.repr()?, o.str()?, o.ascii()?))
}

/// `bytes(o)` (`HPy_Bytes`).
#[hpy_method]
fn to_bytes<'ctx>(o: &Handle<'ctx>) -> HPyResult<Bytes<'ctx>> {
    o.bytes()
}

/// `hash(o)` (`HPy_Hash`).
#[hpy_method]
fn hash(o: &Handle<'_>) -> HPyResult<isize> {
    o.hash()
}

/// `bool(o)` (`HPy_IsTrue`).
#[hpy_method]
fn is_true(o: &Handle<'_>) -> HPyResult<bool> {
    o.is_true()
}

fn compare_op(op: &str) -> HPyResult<RichCompareOp> {
    Ok(match op {
        "<" => RichCompareOp::Lt,
        "<=" => RichCompareOp::Le,
        "==" => RichCompareOp::Eq,
        "!=" => RichCompareOp::Ne,
        ">" => RichCompareOp::Gt,
        ">=" => RichCompareOp::Ge,
        _ => return Err(HPyErr::value_error(format!("unknown operator {op:?}"))),
    })
}

/// `a <op> b` (`HPy_RichCompare`), `op` one of `< <= == != > >=`.
#[hpy_method]
fn rich_compare<'ctx>(a: &Handle<'ctx>, b: &Handle<'ctx>, op: &str) -> HPyResult<Handle<'ctx>> {
    a.rich_compare(b, compare_op(op)?)
}

/// `bool(a <op> b)` (`HPy_RichCompareBool`).
#[hpy_method]
fn rich_compare_bool<'ctx>(a: &Handle<'ctx>, b: &Handle<'ctx>, op: &str) -> HPyResult<bool> {
    a.rich_compare_bool(b, compare_op(op)?)
}

/// `isinstance(o, t)` (`HPy_TypeCheck`).
#[hpy_method]
fn type_check<'ctx>(o: &Handle<'ctx>, t: &Type<'ctx>) -> bool {
    o.type_check(t)
}

/// `issubclass(a, b)` (`HPyType_IsSubtype`).
#[hpy_method]
fn is_subtype<'ctx>(a: &Type<'ctx>, b: &Type<'ctx>) -> bool {
    a.is_subtype(b)
}

/// `type(o)` (`HPy_Type`).
#[hpy_method]
fn type_of<'ctx>(o: &Handle<'ctx>) -> Type<'ctx> {
    o.get_type()
}

/// `a is b` (`HPy_Is`).
#[hpy_method]
fn is_<'ctx>(a: &Handle<'ctx>, b: &Handle<'ctx>) -> bool {
    a.is(b)
}

/// The `*_Check` predicates, as a dict name -> bool.
#[hpy_method]
fn checks<'ctx>(ctx: Context<'ctx>, o: &Handle<'ctx>) -> HPyResult<Dict<'ctx>> {
    let d = ctx.new_dict()?;
    for (name, value) in [
        ("number", o.is_number()),
        ("callable", o.is_callable()),
        ("bytes", o.is_bytes()),
        ("str", o.is_str()),
        ("list", o.is_list()),
        ("dict", o.is_dict()),
        ("tuple", o.is_tuple()),
        ("type", o.is_type()),
    ] {
        d.set_item_s(name, &ctx.bool(value))?;
    }
    Ok(d)
}

/// `_HPy_Dump(o)`: prints debug information to stderr.
#[hpy_method]
fn dump(o: &Handle<'_>) {
    o.dump();
}

// ------------------------------------------------------------------- numbers

/// `a <op> b` for every binary operator, by `operator` module name
/// (`add`, `sub`, …, `iadd`, …).
#[hpy_method]
fn binary<'ctx>(op: &str, a: &Handle<'ctx>, b: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    match op {
        "add" => a.add(b),
        "sub" => a.subtract(b),
        "mul" => a.multiply(b),
        "matmul" => a.matrix_multiply(b),
        "floordiv" => a.floor_divide(b),
        "truediv" => a.true_divide(b),
        "mod" => a.remainder(b),
        "divmod" => a.divmod(b),
        "lshift" => a.lshift(b),
        "rshift" => a.rshift(b),
        "and_" => a.and(b),
        "xor" => a.xor(b),
        "or_" => a.or(b),
        "pow" => a.power(b, None),
        "iadd" => a.inplace_add(b),
        "isub" => a.inplace_subtract(b),
        "imul" => a.inplace_multiply(b),
        "imatmul" => a.inplace_matrix_multiply(b),
        "ifloordiv" => a.inplace_floor_divide(b),
        "itruediv" => a.inplace_true_divide(b),
        "imod" => a.inplace_remainder(b),
        "ilshift" => a.inplace_lshift(b),
        "irshift" => a.inplace_rshift(b),
        "iand" => a.inplace_and(b),
        "ixor" => a.inplace_xor(b),
        "ior" => a.inplace_or(b),
        "ipow" => a.inplace_power(b, None),
        _ => Err(HPyErr::value_error(format!("unknown operator {op:?}"))),
    }
}

/// `<op> a` for every unary operation (`neg`, `pos`, `abs`, `invert`,
/// `index`, `int`, `float`).
#[hpy_method]
fn unary<'ctx>(op: &str, a: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    match op {
        "neg" => a.negative(),
        "pos" => a.positive(),
        "abs" => a.absolute(),
        "invert" => a.invert(),
        "index" => a.index(),
        "int" => a.long(),
        "float" => a.float(),
        _ => Err(HPyErr::value_error(format!("unknown operator {op:?}"))),
    }
}

/// `pow(a, b, m)` (`HPy_Power`); `m` may be omitted.
#[hpy_method]
fn power<'ctx>(
    a: &Handle<'ctx>,
    b: &Handle<'ctx>,
    m: Option<&Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    a.power(b, m)
}

/// `pow(a, b, m)` in place (`HPy_InPlacePower`).
#[hpy_method]
fn inplace_power<'ctx>(
    a: &Handle<'ctx>,
    b: &Handle<'ctx>,
    m: Option<&Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    a.inplace_power(b, m)
}

/// The raw `HPyLong_As*` / `HPyFloat_AsDouble` accessors, by name; the
/// result converted back to a Python number (a pointer as an int).
#[hpy_method]
fn long_as<'ctx>(ctx: Context<'ctx>, which: &str, x: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    match which {
        "i32" => x.as_i32()?.into_hpy(ctx),
        "u32" => x.as_u32()?.into_hpy(ctx),
        "u32_mask" => x.as_u32_mask()?.into_hpy(ctx),
        "i64" => x.as_i64()?.into_hpy(ctx),
        "u64" => x.as_u64()?.into_hpy(ctx),
        "u64_mask" => x.as_u64_mask()?.into_hpy(ctx),
        "usize" => x.as_usize()?.into_hpy(ctx),
        "isize" => x.as_isize()?.into_hpy(ctx),
        "long_f64" => x.long_as_f64()?.into_hpy(ctx),
        "f64" => x.as_f64()?.into_hpy(ctx),
        "void_ptr" => (x.as_void_ptr()? as usize).into_hpy(ctx),
        _ => Err(HPyErr::value_error(format!("unknown accessor {which:?}"))),
    }
}

// --------------------------------------------------------------------- calls

/// `f(*args, **dict(zip(kwnames, kwvalues)))` through `HPy_Call` with a
/// kwnames tuple: `args` holds the positional and keyword values.
#[hpy_method]
fn call_kwnames<'ctx>(
    f: &Handle<'ctx>,
    args: &Handle<'ctx>,
    kwnames: Option<&Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    let args = items(args)?;
    f.call_kwnames(&refs(&args), kwnames)
}

/// `f(*args, **kwargs)` through `Handle::call_kw` (name/value pairs).
#[hpy_method]
fn call_kw<'ctx>(
    f: &Handle<'ctx>,
    args: &Handle<'ctx>,
    kwargs: &Dict<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let args = items(args)?;
    let kwargs = dict_items(kwargs)?;
    let pairs: Vec<(&str, &Handle<'ctx>)> = kwargs.iter().map(|(k, v)| (k.as_str(), v)).collect();
    f.call_kw(&refs(&args), &pairs)
}

/// `f(*args, **kw)` through `HPy_CallTupleDict`; either may be None.
#[hpy_method]
fn call_tuple_dict<'ctx>(
    f: &Handle<'ctx>,
    args: Option<&Handle<'ctx>>,
    kw: Option<&Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    f.call_tuple_dict(args, kw)
}

/// `getattr(o, name)(*args)` through `HPy_CallMethod` (name an object).
#[hpy_method]
fn call_method<'ctx>(
    o: &Handle<'ctx>,
    name: &Handle<'ctx>,
    args: &Handle<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let args = items(args)?;
    o.call_method(name, &refs(&args))
}

/// `getattr(o, name)(*args)` through `HPy_CallMethod` (name a Rust str).
#[hpy_method]
fn call_method_s<'ctx>(
    o: &Handle<'ctx>,
    name: &str,
    args: &Handle<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let args = items(args)?;
    o.call_method_s(name, &refs(&args))
}

/// `getattr(o, name)(*args, **kwargs)` through `HPy_CallMethod` with kwnames.
#[hpy_method]
fn call_method_kw<'ctx>(
    o: &Handle<'ctx>,
    name: &str,
    args: &Handle<'ctx>,
    kwargs: &Dict<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let args = items(args)?;
    let kwargs = dict_items(kwargs)?;
    let pairs: Vec<(&str, &Handle<'ctx>)> = kwargs.iter().map(|(k, v)| (k.as_str(), v)).collect();
    o.call_method_kw(name, &refs(&args), &pairs)
}

// ----------------------------------------------------------------------- str

/// A str built with Rust formatting (`Context::unicode_from_fmt`).
#[hpy_method]
fn from_fmt<'ctx>(ctx: Context<'ctx>, n: i64, s: &str, x: f64) -> HPyResult<Str<'ctx>> {
    ctx.unicode_from_fmt(format_args!("n={n} s={s} x={x:.2}"))
}

/// A constant str through `unicode_from_fmt`.
#[hpy_method]
fn from_fmt_constant<'ctx>(ctx: Context<'ctx>) -> HPyResult<Str<'ctx>> {
    ctx.unicode_from_fmt(format_args!("constant text"))
}

/// `s.encode(...)` through `HPyUnicode_As*String` / `EncodeFSDefault`.
#[hpy_method]
fn encode<'ctx>(s: &Str<'ctx>, which: &str) -> HPyResult<Bytes<'ctx>> {
    match which {
        "utf-8" => s.as_utf8_string(),
        "ascii" => s.as_ascii_string(),
        "latin-1" => s.as_latin1_string(),
        "fs" => s.encode_fs_default(),
        _ => Err(HPyErr::value_error(format!("unknown encoding {which:?}"))),
    }
}

/// `b.decode(which, errors)` through `HPyUnicode_Decode*`.
#[hpy_method]
fn decode<'ctx>(
    ctx: Context<'ctx>,
    b: &Bytes<'ctx>,
    which: &str,
    errors: Option<&str>,
) -> HPyResult<Str<'ctx>> {
    let data = b.as_bytes()?;
    match which {
        "ascii" => ctx.decode_ascii(data, errors),
        "latin-1" => ctx.decode_latin1(data, errors),
        "fs" => ctx.decode_fs_default_and_size(data),
        "fs-cstr" => {
            let c = CString::new(data).map_err(|_| HPyErr::value_error("embedded null byte"))?;
            ctx.decode_fs_default(&c)
        }
        _ => Err(HPyErr::value_error(format!("unknown encoding {which:?}"))),
    }
}

/// `b.decode("ascii")` written by `Context::new_ascii_str` (its closure
/// copies `b`).
#[hpy_method]
fn new_ascii_str<'ctx>(ctx: Context<'ctx>, b: &Bytes<'ctx>) -> HPyResult<Str<'ctx>> {
    let data = b.as_bytes()?;
    ctx.new_ascii_str(data.len(), |out| out.copy_from_slice(data))
}

/// `b.decode("ascii")` made by `Context::new_str_from_ascii`.
#[hpy_method]
fn new_str_from_ascii<'ctx>(ctx: Context<'ctx>, b: &Bytes<'ctx>) -> HPyResult<Str<'ctx>> {
    ctx.new_str_from_ascii(b.as_bytes()?)
}

/// `s[i]` through `HPyUnicode_ReadChar`, as a one-character str.
#[hpy_method]
fn read_char(s: &Str<'_>, i: usize) -> HPyResult<String> {
    s.read_char(i).map(String::from)
}

/// `s[start:end]` through `HPyUnicode_Substring`.
#[hpy_method]
fn substring<'ctx>(s: &Str<'ctx>, start: usize, end: usize) -> HPyResult<Str<'ctx>> {
    s.substring(start, end)
}

/// The str rebuilt from its code points through `HPyUnicode_FromWideChar`.
#[hpy_method]
fn from_wide_char<'ctx>(ctx: Context<'ctx>, s: &str) -> HPyResult<Str<'ctx>> {
    let wide: Vec<hpy_wchar> = s.chars().map(|c| c as u32 as hpy_wchar).collect();
    ctx.unicode_from_wide_char(&wide)
}

/// The str of the code points `chars` (`Context::new_str_from_code_points`).
#[hpy_method]
fn from_code_points<'ctx>(ctx: Context<'ctx>, chars: Vec<u32>) -> HPyResult<Str<'ctx>> {
    ctx.new_str_from_code_points(&chars)
}

/// The str of `s`'s code points, rebuilt in Rust as a `String` and made
/// by `Context::new_str` (a fresh str, not the argument).
#[hpy_method]
fn new_str<'ctx>(ctx: Context<'ctx>, chars: Vec<u32>) -> HPyResult<Str<'ctx>> {
    let text: String = chars
        .iter()
        .map(|&c| char::from_u32(c).ok_or_else(|| HPyErr::value_error("not a char")))
        .collect::<HPyResult<_>>()?;
    ctx.new_str(&text)
}

/// Every character of `chars` pushed into a `StrBuf` (each through
/// `StrBuf::push`, or, with `typed`, through `StrBuf::write`, a run of
/// them with `push_str`), twice with a `clear` between, then made by
/// `Context::new_str_from_buf`.
#[hpy_method]
fn str_buf<'ctx>(ctx: Context<'ctx>, chars: Vec<u32>, typed: bool) -> HPyResult<Str<'ctx>> {
    struct Fill<'c>(&'c [char]);
    impl hpy::WriteText for Fill<'_> {
        type Output = ();
        fn write<S: hpy::TextSink>(self, out: &mut S) {
            let (head, tail) = self.0.split_at(self.0.len() / 2);
            head.iter().for_each(|&c| out.push(c));
            out.push_str(&tail.iter().collect::<String>());
        }
    }
    let chars: Vec<char> = chars
        .iter()
        .map(|&c| char::from_u32(c).ok_or_else(|| HPyErr::value_error("not a char")))
        .collect::<HPyResult<_>>()?;
    let mut buf = hpy::StrBuf::new(ctx);
    for _ in 0..2 {
        buf.clear();
        assert!(buf.is_empty());
        if typed {
            buf.write(Fill(&chars));
        } else {
            chars.iter().for_each(|&c| buf.push(c));
        }
    }
    ctx.new_str_from_buf(&buf)
}

/// `units` (each below 0x10000) appended after `"<"` by
/// `StrBuf::push_bmp_units`, or, with `typed`, through `StrBuf::write` by
/// `TextSink::push_bmp_from` in runs of at most `run` units (a closure
/// handing them out one by one); then `">"`. Returns the str made by
/// `Context::new_str_from_buf` and how many units each call appended.
#[hpy_method]
fn str_buf_bmp<'ctx>(
    ctx: Context<'ctx>,
    units: Vec<u32>,
    typed: bool,
    run: usize,
) -> HPyResult<(Str<'ctx>, Vec<usize>)> {
    struct Runs<'u>(&'u [u16], usize);
    impl hpy::WriteText for Runs<'_> {
        type Output = Vec<usize>;
        fn write<S: hpy::TextSink>(self, out: &mut S) -> Vec<usize> {
            let mut units = self.0.iter();
            let mut counts = Vec::new();
            loop {
                let appended = out.push_bmp_from(self.1, || units.next().copied());
                counts.push(appended);
                // A run cut short: the end, or a surrogate.
                if appended < self.1 {
                    return counts;
                }
            }
        }
    }
    if typed && run == 0 {
        // Runs of none would never end.
        return Err(HPyErr::value_error("a run of no units"));
    }
    let units: Vec<u16> = units
        .iter()
        .map(|&u| u16::try_from(u).map_err(|_| HPyErr::value_error("not a code unit")))
        .collect::<HPyResult<_>>()?;
    let mut buf = hpy::StrBuf::new(ctx);
    buf.push('<');
    let counts = if typed {
        buf.write(Runs(&units, run))
    } else {
        vec![buf.push_bmp_units(&units)]
    };
    buf.push('>');
    Ok((ctx.new_str_from_buf(&buf)?, counts))
}

/// C `wchar_t` on the platforms tested here (32 bits).
#[allow(non_camel_case_types)]
type hpy_wchar = i32;

/// `str(obj, encoding, errors)` (`HPyUnicode_FromEncodedObject` or its
/// universal-ABI stand-in).
#[hpy_method]
fn from_encoded_object<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    encoding: Option<&str>,
    errors: Option<&str>,
) -> HPyResult<Str<'ctx>> {
    ctx.unicode_from_encoded_object(obj, encoding, errors)
}

// --------------------------------------------------------------------- bytes

/// `(len(b), bytes(b))` through `HPyBytes_Size` and `as_bytes` +
/// `HPyBytes_FromStringAndSize` (a copy made in Rust).
#[hpy_method]
fn bytes_roundtrip<'ctx>(ctx: Context<'ctx>, b: &Bytes<'ctx>) -> HPyResult<(usize, Bytes<'ctx>)> {
    let n = b.len()?;
    let copy = ctx.new_bytes(b.as_bytes()?)?;
    Ok((n, copy))
}

/// The bytes up to the first NUL, through `HPyBytes_FromString`.
#[hpy_method]
fn bytes_from_cstr<'ctx>(ctx: Context<'ctx>, b: &Bytes<'ctx>) -> HPyResult<Bytes<'ctx>> {
    let data = b.as_bytes()?;
    let end = data.iter().position(|&c| c == 0).unwrap_or(data.len());
    let c = CString::new(&data[..end]).map_err(|_| HPyErr::value_error("unreachable"))?;
    ctx.bytes_from_cstr(&c)
}

// ---------------------------------------------------------------- containers

/// A list built with `HPyList_New(0)` and `HPyList_Append`.
#[hpy_method]
fn list_of<'ctx>(ctx: Context<'ctx>, t: &Handle<'ctx>) -> HPyResult<List<'ctx>> {
    let list = ctx.new_list()?;
    for item in items(t)? {
        list.append(&item)?;
    }
    Ok(list)
}

/// `l.append(x)` through `HPyList_Append`.
#[hpy_method]
fn list_append<'ctx>(l: &List<'ctx>, x: &Handle<'ctx>) -> HPyResult<()> {
    l.append(x)
}

/// `tuple(seq)` through `HPyTuple_FromArray`.
#[hpy_method]
fn tuple_of<'ctx>(ctx: Context<'ctx>, seq: &Handle<'ctx>) -> HPyResult<Tuple<'ctx>> {
    let items = items(seq)?;
    ctx.new_tuple(&refs(&items))
}

/// A new dict (`HPyDict_New`) filled from `(key, value)` pairs.
#[hpy_method]
fn dict_of<'ctx>(ctx: Context<'ctx>, pairs: &Handle<'ctx>) -> HPyResult<Dict<'ctx>> {
    let d = ctx.new_dict()?;
    for pair in items(pairs)? {
        d.set_item(&pair.get_item_i(0)?, &pair.get_item_i(1)?)?;
    }
    Ok(d)
}

/// `list(d.keys())` (`HPyDict_Keys`).
#[hpy_method]
fn dict_keys<'ctx>(d: &Dict<'ctx>) -> HPyResult<List<'ctx>> {
    d.keys()
}

/// `list(d.items())` read by `Dict::items_iter` (with `typed`, by
/// `Dict::into_items_with` and `Context::dict_type`), calling `each(key,
/// value)` (when given) before each next item is read.
#[hpy_method]
fn dict_items_iter<'ctx>(
    ctx: Context<'ctx>,
    d: &Dict<'ctx>,
    each: Option<&Handle<'ctx>>,
    typed: Option<bool>,
) -> HPyResult<List<'ctx>> {
    let out = ctx.new_list()?;
    let items = if typed == Some(true) {
        d.dup().into_items_with(&ctx.dict_type()?)?
    } else {
        d.items_iter()?
    };
    for item in items {
        let (key, value) = item?;
        if let Some(each) = each {
            each.call(&[&key, &value])?;
        }
        out.append(&(key, value).into_hpy(ctx)?)?;
    }
    Ok(out)
}

/// `[None, True, False, {"t": True, "f": False, "n": None}, True]` made of
/// `Context::singleton`s: borrowed into the list and the dict, the last one
/// duplicated into a handle of its own.
#[hpy_method]
fn singletons<'ctx>(ctx: Context<'ctx>) -> HPyResult<List<'ctx>> {
    let out = ctx.new_list()?;
    for which in [None, Some(true), Some(false)] {
        out.append(&ctx.singleton(which))?;
    }
    let d = ctx.new_dict()?;
    for (key, which) in [("t", Some(true)), ("f", Some(false)), ("n", None)] {
        d.set_item(&key.into_hpy(ctx)?, &ctx.singleton(which))?;
    }
    out.append(&d)?;
    let owned: Handle<'ctx> = ctx.singleton(Some(true)).dup();
    out.append(&owned)?;
    Ok(out)
}

/// `list.sort(l)` (`List::sort`).
#[hpy_method]
fn list_sort(l: &List<'_>) -> HPyResult<()> {
    l.sort()
}

/// `Str::to_str`, copied out.
#[hpy_method]
fn str_utf8(s: &Str<'_>) -> HPyResult<String> {
    s.to_str().map(str::to_owned)
}

/// The name of `o`'s `Handle::builtin_kind`.
#[hpy_method]
fn builtin_kind(o: &Handle<'_>) -> String {
    format!("{:?}", o.builtin_kind())
}

/// `Handle::builtin_kind_likely` under every guess, and the kind of
/// `into_builtin_likely`'s `Builtin` (`Builtin::kind`) under every guess:
/// the names of the answers, in `BuiltinKind`'s order of guesses.
#[hpy_method]
fn builtin_kind_guessed(o: &Handle<'_>) -> (Vec<String>, Vec<String>) {
    const GUESSES: [BuiltinKind; 11] = [
        BuiltinKind::None,
        BuiltinKind::True,
        BuiltinKind::False,
        BuiltinKind::Int,
        BuiltinKind::Float,
        BuiltinKind::Str,
        BuiltinKind::Bytes,
        BuiltinKind::List,
        BuiltinKind::Tuple,
        BuiltinKind::Dict,
        BuiltinKind::Other,
    ];
    let kinds = GUESSES
        .iter()
        .map(|&g| format!("{:?}", o.builtin_kind_likely(g)))
        .collect();
    let sorted = GUESSES
        .iter()
        .map(|&g| format!("{:?}", o.dup().into_builtin_likely(g).kind()))
        .collect();
    (kinds, sorted)
}

/// `Handle::into_builtin`: the variant's name and what its typed handle
/// reads without a second check (an int's value or `None` past 64 bits, a
/// str's text, a container's length, a float or other object itself).
#[hpy_method]
fn into_builtin<'ctx>(ctx: Context<'ctx>, o: &Handle<'ctx>) -> HPyResult<(String, Handle<'ctx>)> {
    let named = |name: &str, value: HPyResult<Handle<'ctx>>| Ok((name.to_owned(), value?));
    match o.dup().into_builtin() {
        Builtin::None => named("None", Ok(ctx.none())),
        Builtin::True => named("True", Ok(ctx.none())),
        Builtin::False => named("False", Ok(ctx.none())),
        Builtin::Int(i) => match i.to_i64() {
            Ok(v) => named("Int", v.into_hpy(ctx)),
            Err(e) => {
                // Past 64 bits: the OverflowError, taken.
                drop(e.catch(ctx)?);
                named("Int", Ok(ctx.none()))
            }
        },
        Builtin::Float(f) => named("Float", f.to_f64()?.into_hpy(ctx)),
        Builtin::Str(s) => named("Str", s.to_str()?.into_hpy(ctx)),
        Builtin::Bytes(b) => named("Bytes", b.as_bytes()?.into_hpy(ctx)),
        Builtin::List(l) => named("List", l.len()?.into_hpy(ctx)),
        Builtin::Tuple(t) => named("Tuple", t.len()?.into_hpy(ctx)),
        Builtin::Dict(d) => named("Dict", d.len()?.into_hpy(ctx)),
        Builtin::Other(h) => named("Other", Ok(h)),
    }
}

/// `Float::to_f64` through a typed parameter.
#[hpy_method]
fn float_to_f64(x: &Float<'_>) -> HPyResult<f64> {
    x.to_f64()
}

/// `Int::to_i64` through a typed parameter.
#[hpy_method]
fn int_to_i64(i: &Int<'_>) -> HPyResult<i64> {
    i.to_i64()
}

/// `d.copy()` (`HPyDict_Copy`).
#[hpy_method]
fn dict_copy<'ctx>(d: &Dict<'ctx>) -> HPyResult<Dict<'ctx>> {
    d.copy()
}

/// `(start, stop, step)` of a slice (`HPySlice_Unpack`).
#[hpy_method]
fn slice_unpack(s: &Slice<'_>) -> HPyResult<(isize, isize, isize)> {
    s.unpack()
}

/// `(*s.indices(n), len(range(*s.indices(n))))`.
#[hpy_method]
fn slice_indices(s: &Slice<'_>, n: usize) -> HPyResult<(isize, isize, isize, usize)> {
    s.indices(n)
}

// ------------------------------------------------------------ typed handles

/// The typed handles `o` is an instance of, by `downcast_ref`; fails if the
/// owned `downcast` disagrees or does not give the same object back.
#[hpy_method]
fn downcasts(o: &Handle<'_>) -> HPyResult<Vec<&'static str>> {
    let mut kinds = Vec::new();
    macro_rules! probe {
        ($($t:ident),*) => {$(
            let by_ref = o.downcast_ref::<$t>().is_some();
            let owned = match o.dup().downcast::<$t>() {
                Ok(typed) => typed.is(o),
                Err(e) => {
                    if e.expected() != <$t<'_> as PyTypeCheck<'_>>::NAME || !e.into_handle().is(o) {
                        return Err(HPyErr::system_error("a failed downcast lost its handle"));
                    }
                    false
                }
            };
            if by_ref != owned {
                return Err(HPyErr::system_error("downcast and downcast_ref disagree"));
            }
            if by_ref {
                kinds.push(stringify!($t));
            }
        )*};
    }
    probe!(List, Tuple, Dict, Str, Bytes, Type, Slice, Capsule);
    Ok(kinds)
}

/// `len(xs)` through an owned `List` parameter.
#[hpy_method]
fn list_len_owned(xs: List<'_>) -> HPyResult<usize> {
    xs.len()
}

/// `t[0]` after `downcast::<Tuple>()?`: a `TypeError` outside any argument.
#[hpy_method]
fn first_of_tuple(t: Handle<'_>) -> HPyResult<Handle<'_>> {
    t.downcast::<Tuple>()?.get(0)
}

/// `tuple(l)` through `List::to_tuple`, and `l[i] = x` through `List::set`.
#[hpy_method]
fn list_ops<'ctx>(l: &List<'ctx>, i: isize, x: &Handle<'ctx>) -> HPyResult<Tuple<'ctx>> {
    let before = l.to_tuple()?;
    l.set(i, x)?;
    Ok(before)
}

/// `d.get(k)`, `None` for a missing key (`Dict::get`).
#[hpy_method]
fn dict_get<'ctx>(d: &Dict<'ctx>, k: &Handle<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
    d.get(k)
}

// ---------------------------------------------------------------------- eval

/// `importlib.import_module(name)` (`HPyImport_ImportModule`).
#[hpy_method]
fn import_module<'ctx>(ctx: Context<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
    ctx.import_module(name)
}

/// `eval(compile(source, "<hpyrs>", mode), globals, locals)` through
/// `HPy_Compile_s` and `HPy_EvalCode`.
#[hpy_method]
fn compile_eval<'ctx>(
    ctx: Context<'ctx>,
    source: &str,
    mode: &str,
    globals: &Dict<'ctx>,
    locals: Option<&Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    let kind = match mode {
        "eval" => SourceKind::Expr,
        "exec" => SourceKind::File,
        "single" => SourceKind::Single,
        _ => return Err(HPyErr::value_error(format!("unknown mode {mode:?}"))),
    };
    let code = ctx.compile(source, "<hpyrs>", kind)?;
    code.eval(globals, locals)
}

/// The code object of `compile(source, filename, "exec")` (`HPy_Compile_s`).
#[hpy_method]
fn compile_only<'ctx>(ctx: Context<'ctx>, source: &str, filename: &str) -> HPyResult<Handle<'ctx>> {
    Ok(ctx
        .compile(source, filename, SourceKind::File)?
        .into_handle())
}

/// The builtins module (`h_Builtins`).
#[hpy_method]
fn builtins<'ctx>(ctx: Context<'ctx>) -> Handle<'ctx> {
    ctx.builtins()
}

/// `ContextVar(name[, default])` (`HPyContextVar_New`).
#[hpy_method]
fn context_var_new<'ctx>(
    ctx: Context<'ctx>,
    name: &str,
    default: Option<&Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    ctx.context_var_new(name, default)
}

/// `(found, value)` of `var.get([default])` (`HPyContextVar_Get`); `found`
/// is False when there is no value at all.
#[hpy_method]
fn context_var_get<'ctx>(
    ctx: Context<'ctx>,
    var: &Handle<'ctx>,
    default: Option<&Handle<'ctx>>,
) -> HPyResult<(bool, Handle<'ctx>)> {
    Ok(match var.context_var_get(default)? {
        Some(v) => (true, v),
        None => (false, ctx.none()),
    })
}

/// `var.set(value)` (`HPyContextVar_Set`): the token.
#[hpy_method]
fn context_var_set<'ctx>(var: &Handle<'ctx>, value: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    var.context_var_set(value)
}

// -------------------------------------------------------------------- errors

/// `raise exc_type(msg)` through `HPyErr_SetString`.
#[hpy_method]
fn raise_string<'ctx>(ctx: Context<'ctx>, exc_type: &Handle<'ctx>, msg: &str) -> HPyResult<()> {
    Err(ctx.raise(exc_type, msg))
}

/// `raise exc_type(value)` through `HPyErr_SetObject`.
#[hpy_method]
fn raise_object<'ctx>(
    ctx: Context<'ctx>,
    exc_type: &Handle<'ctx>,
    value: &Handle<'ctx>,
) -> HPyResult<()> {
    Err(ctx.err_set_object(exc_type, value))
}

/// Calls `f()`; if it raises, whether the exception matches `match_type`
/// (`HPyErr_ExceptionMatches`), then clears it. None if `f` returned.
#[hpy_method]
fn raised_matches<'ctx>(
    ctx: Context<'ctx>,
    f: &Handle<'ctx>,
    match_type: &Handle<'ctx>,
) -> Option<bool> {
    match f.call(&[]) {
        Ok(_) => None,
        Err(_) => {
            let matches = ctx.err_matches_type(match_type);
            ctx.err_clear();
            Some(matches)
        }
    }
}

/// `raise MemoryError` through `HPyErr_NoMemory`.
#[hpy_method]
fn no_memory(ctx: Context<'_>) -> HPyResult<()> {
    Err(ctx.err_no_memory())
}

/// Opens `path` (which must not exist) and raises `exc_type` from `errno`
/// (`HPyErr_SetFromErrno*`): `how` is "plain", "filename" or "objects".
#[hpy_method]
fn raise_from_errno<'ctx>(
    ctx: Context<'ctx>,
    exc_type: &Handle<'ctx>,
    path: &str,
    how: &str,
    other: Option<&Handle<'ctx>>,
) -> HPyResult<()> {
    let c_path = CString::new(path).map_err(|_| HPyErr::value_error("embedded null byte"))?;
    let path_obj = path.into_hpy(ctx)?;
    if std::fs::File::open(path).is_ok() {
        return Err(HPyErr::value_error("the file exists"));
    }
    Err(match how {
        "plain" => ctx.err_set_from_errno(exc_type),
        "filename" => ctx.err_set_from_errno_with_filename(exc_type, Some(&c_path)),
        "objects" => ctx.err_set_from_errno_with_filename_objects(exc_type, Some(&path_obj), other),
        _ => HPyErr::value_error(format!("unknown form {how:?}")),
    })
}

/// `warnings.warn(msg, category, stacklevel)` (`HPyErr_WarnEx`).
#[hpy_method]
fn warn<'ctx>(
    ctx: Context<'ctx>,
    category: &Handle<'ctx>,
    msg: &str,
    stack_level: isize,
) -> HPyResult<()> {
    ctx.warn(category, msg, stack_level)
}

/// Reports `ValueError(msg)` as unraisable in `obj` (`HPyErr_WriteUnraisable`).
#[hpy_method]
fn write_unraisable<'ctx>(ctx: Context<'ctx>, msg: String, obj: Option<&Handle<'ctx>>) {
    ctx.write_unraisable(HPyErr::value_error(msg), obj);
}

/// Aborts the process with `msg` (`HPy_FatalError`).
#[hpy_method]
fn fatal_error(ctx: Context<'_>, msg: &str) {
    ctx.fatal_error(msg)
}

/// A new exception class (`HPyErr_NewException[WithDoc]`).
#[hpy_method]
fn new_exception_type<'ctx>(
    ctx: Context<'ctx>,
    name: &str,
    doc: Option<&str>,
    base: Option<&Handle<'ctx>>,
    dict: Option<&Dict<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    ctx.new_exception_type(name, doc, base, dict)
}

/// `n` as a count of duplicates to hold: at most 4096 (`ValueError`
/// above, rather than a vector of `n` handles the allocator may refuse).
fn dup_count(n: usize) -> HPyResult<usize> {
    if n > 4096 {
        return Err(HPyErr::value_error("at most 4096 duplicates"));
    }
    Ok(n)
}

/// Holds `n` duplicates of `obj` while calling `probe()`, then closes
/// them; returns what `probe` returned (the test reads `obj`'s reference
/// count there, and again after).
#[hpy_method]
fn dup_while<'ctx>(obj: &Handle<'ctx>, n: usize, probe: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    let dups: Vec<Handle<'ctx>> = (0..dup_count(n)?).map(|_| obj.dup()).collect();
    let seen = probe.call0()?;
    drop(dups);
    Ok(seen)
}

/// Makes `factory()`, the only reference to its result held by this
/// call's handle, duplicates it `n` times and closes every handle, the
/// first one last (so the last close frees the object).
#[hpy_method]
fn close_last(factory: &Handle<'_>, n: usize) -> HPyResult<()> {
    let n = dup_count(n)?;
    let obj = factory.call0()?;
    let dups: Vec<Handle<'_>> = (0..n).map(|_| obj.dup()).collect();
    drop(dups);
    drop(obj);
    Ok(())
}

hpy_module! {
    /// Thin wrappers of the safe HPy API, one per method, for the
    /// family-by-family tests.
    methods: [
        get_attr, get_attr_s, has_attr, has_attr_s, set_attr, set_attr_s, del_attr, del_attr_s,
        get_item, get_item_i, get_item_s, set_item, set_item_i, set_item_s,
        del_item, del_item_i, del_item_s, contains, length, string_forms, to_bytes, hash,
        is_true, rich_compare, rich_compare_bool, type_check, is_subtype, type_of, is_, checks,
        dump,
        binary, unary, power, inplace_power, long_as,
        call_kwnames, call_kw, call_tuple_dict, call_method, call_method_s, call_method_kw,
        from_fmt, from_fmt_constant, encode, decode, new_ascii_str, new_str_from_ascii, read_char, substring, from_wide_char,
        from_code_points, new_str, str_buf, str_buf_bmp,
        from_encoded_object,
        bytes_roundtrip, bytes_from_cstr,
        list_of, list_append, tuple_of, dict_of, dict_keys, dict_copy, dict_items_iter, singletons, list_sort, builtin_kind, builtin_kind_guessed, into_builtin, int_to_i64, float_to_f64, str_utf8, slice_unpack,
        slice_indices, downcasts, list_len_owned, first_of_tuple, list_ops, dict_get,
        import_module, compile_eval, compile_only, builtins, context_var_new, context_var_get,
        context_var_set,
        raise_string, raise_object, raised_matches, no_memory, raise_from_errno, warn,
        write_unraisable, fatal_error, new_exception_type, dup_while, close_last,
    ],
}
