//! Iteration of Python iterables from Rust, sets, paths, byte buffers and
//! `dict!` (tests/python/test_conv_collections.py).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use hpy::{hpy_method, Context, Dict, FrozenSet, HPyResult, Handle, List};

macro_rules! pub_echo_functions {
    ($($name:ident: $t:ty;)*) => {$(
        #[doc = concat!("Converts the argument to `", stringify!($t), "` and back.")]
        #[hpy_method]
        pub fn $name(x: $t) -> $t {
            x
        }
    )*};
}

pub_echo_functions! {
    echo_hashset: HashSet<i64>;
    echo_btreeset: BTreeSet<String>;
    echo_frozenset: FrozenSet<BTreeSet<i64>>;
    echo_pathbuf: PathBuf;
    echo_osstring: OsString;
    echo_vec_pairs: Vec<(String, i64)>;
    echo_btreemap_si: BTreeMap<String, i64>;
}

/// `Handle::iter`: the items of any iterable, as a list, stopping at
/// `limit` items (`None`: all).
#[hpy_method]
pub fn iter_collect<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    limit: Option<usize>,
) -> HPyResult<List<'ctx>> {
    let list = ctx.new_list()?;
    for item in obj.iter()?.take(limit.unwrap_or(usize::MAX)) {
        list.append(&item?)?;
    }
    Ok(list)
}

/// `Handle::iter`, calling `f(item)` after taking each item (`f` may
/// change the iterable): the items taken, as a list.
#[hpy_method]
pub fn iter_calling<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    f: &Handle<'ctx>,
) -> HPyResult<List<'ctx>> {
    let list = ctx.new_list()?;
    for item in obj.iter()? {
        let item = item?;
        list.append(&item)?;
        f.call(&[&item])?;
    }
    Ok(list)
}

/// `Iterator::size_hint` of `Handle::iter` before each item and after the
/// last: `[(lower, upper or None), ...]`.
#[hpy_method]
pub fn iter_size_hints(obj: &Handle<'_>) -> HPyResult<Vec<(usize, Option<usize>)>> {
    let mut it = obj.iter()?;
    let mut hints = vec![it.size_hint()];
    while let Some(item) = it.next() {
        item?;
        hints.push(it.size_hint());
    }
    Ok(hints)
}

/// The sum of the floats of any iterable (`Handle::iter` + `extract`).
#[hpy_method]
pub fn iter_sum(obj: &Handle<'_>) -> HPyResult<f64> {
    let mut sum = 0.0;
    for item in obj.iter()? {
        sum += item?.extract::<f64>()?;
    }
    Ok(sum)
}

/// After an error, the iterator yields nothing more: `(items before the
/// error, message of the error, items after)`.
#[hpy_method]
pub fn iter_after_error<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
) -> HPyResult<(usize, String, usize)> {
    let mut it = obj.iter()?;
    let mut before = 0;
    let message = loop {
        match it.next() {
            Some(Ok(_)) => before += 1,
            Some(Err(err)) => break err.catch(ctx)?.message()?,
            None => return Ok((before, String::new(), 0)),
        }
    };
    Ok((before, message, it.count()))
}

/// `Vec<f64>` from any iterable, summed.
#[hpy_method]
pub fn vec_sum(xs: Vec<f64>) -> f64 {
    xs.iter().sum()
}

/// `HashMap<String, i64>` from a dict, a mapping or pairs, sorted as a list
/// of pairs.
#[hpy_method]
pub fn map_items(m: HashMap<String, i64>) -> Vec<(String, i64)> {
    let mut items: Vec<_> = m.into_iter().collect();
    items.sort();
    items
}

/// `Vec<u8>` from bytes, bytearray, memoryview or an iterable of ints.
#[hpy_method]
pub fn byte_vec(data: Vec<u8>) -> Vec<u8> {
    data
}

/// A path joined in Rust: `base / name`, back as str.
#[hpy_method]
pub fn path_join(base: PathBuf, name: &str) -> PathBuf {
    base.join(name)
}

/// `&Path` and `&OsStr` to str.
#[hpy_method]
pub fn path_refs<'ctx>(ctx: Context<'ctx>) -> HPyResult<(Handle<'ctx>, Handle<'ctx>)> {
    use hpy::IntoHPy;
    let p = Path::new("/tmp/x.txt");
    Ok((p.into_hpy(ctx)?, p.as_os_str().into_hpy(ctx)?))
}

/// The bytes of a path as Rust sees them (`os.fsencode`).
#[hpy_method]
pub fn path_bytes(p: PathBuf) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    p.as_os_str().as_bytes().to_vec()
}

/// A path made of raw bytes, to str (`os.fsdecode`).
#[hpy_method]
pub fn path_from_bytes(raw: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(OsString::from_vec(raw))
}

/// A dict of mixed values built with `hpy::dict!`.
#[hpy_method]
pub fn dict_mixed<'ctx>(ctx: Context<'ctx>, n: i64) -> HPyResult<Dict<'ctx>> {
    hpy::dict!(ctx, {
        "n" => n,
        "half" => n as f64 / 2.0,
        "name" => format!("n{n}"),
        "items" => vec![n; 2],
        "none" => (),
        "pair" => (n, "x"),
        "set" => FrozenSet(BTreeSet::from([1, 2])),
        n => "int key",
    })
}

/// An empty `dict!`.
#[hpy_method]
pub fn dict_empty<'ctx>(ctx: Context<'ctx>) -> HPyResult<Dict<'ctx>> {
    hpy::dict!(ctx, {})
}

/// Twelve different types in one tuple.
type Mixed<'ctx> = (
    i64,
    f64,
    &'static str,
    bool,
    Option<i64>,
    Vec<u8>,
    (),
    HashSet<i64>,
    PathBuf,
    char,
    u8,
    Handle<'ctx>,
);

/// `(obj, obj)`, built from two owned handles: the tuple takes over their
/// references (on the CPython ABI, and through hpy_rs_universal's plain
/// context), or takes its own and the handles are closed (elsewhere).
#[hpy_method]
pub fn pair_of<'ctx>(obj: &Handle<'ctx>) -> (Handle<'ctx>, Handle<'ctx>) {
    (obj.dup(), obj.dup())
}

/// A heterogeneous tuple from Rust.
#[hpy_method]
pub fn mixed_tuple<'ctx>(ctx: Context<'ctx>) -> Mixed<'ctx> {
    (
        1,
        2.5,
        "three",
        true,
        None,
        vec![5],
        (),
        HashSet::from([7]),
        PathBuf::from("/8"),
        '9',
        10,
        ctx.none(),
    )
}

/// `Context::builtins()` and `Context::builtin`.
#[hpy_method]
pub fn builtins_probe<'ctx>(ctx: Context<'ctx>) -> HPyResult<(Handle<'ctx>, Handle<'ctx>)> {
    Ok((ctx.builtins(), ctx.builtin("len")?))
}
