//! `hpyrs_conv`: probes of hpy-rs's conversions, exceptions, list/tuple
//! builders, trackers, globals, capsules and `allow_threads`, driven from
//! Python by `tests/python/test_conv_*.py`.

use std::collections::{BTreeMap, HashMap};
use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};

mod caught;
mod collections;

use hpy::{
    hpy_method, hpy_module, Borrowed, Capsule, Constant, Context, Global, HPyErr, HPyResult,
    Handle, IntoHPy, List, ListBuilder, ResultExt, Tracker, Tuple, TupleBuilder,
};

// ---- conversions ----

include!("../../shared/echo.rs");

type Twelve = (i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64);

echo_functions! {
    echo_char: char;
    echo_vec_i64: Vec<i64>;
    echo_vec_string: Vec<String>;
    echo_vec_f64: Vec<f64>;
    echo_vec_u8: Vec<u8>;
    echo_array3: [i64; 3];
    echo_array_u8: [u8; 4];
    echo_tuple1: (i64,);
    echo_tuple2: (i64, String);
    echo_tuple12: Twelve;
    echo_nested: Vec<(String, Vec<i64>)>;
    echo_hashmap: HashMap<String, i64>;
    echo_btreemap: BTreeMap<i64, Vec<String>>;
    echo_optional_vec: Option<Vec<i64>>;
    echo_vec_optional: Vec<Option<i64>>;
}

/// The length of a `bytes`, borrowed without copying.
#[hpy_method]
fn bytes_len(b: &[u8]) -> usize {
    b.len()
}

/// A copy of a `bytes` (borrowed, then returned as `Vec<u8>`).
#[hpy_method]
fn bytes_copy(b: &[u8]) -> Vec<u8> {
    b.to_vec()
}

/// A static `&[i32]` (a list) and a static `&[u8]` (bytes).
#[hpy_method]
fn static_slices() -> (&'static [i32], &'static [u8]) {
    (&[1, 2, 3], b"abc")
}

/// A list of tuples of chars built from a str, returned as a `Vec`.
#[hpy_method]
fn chars_of(s: &str) -> Vec<(usize, char)> {
    s.chars().enumerate().collect()
}

/// A list of `n` empty dicts (exercises `HashMap` into Python).
#[hpy_method]
fn empty_dicts(n: usize) -> HPyResult<Vec<HashMap<String, i64>>> {
    let mut dicts = Vec::new();
    dicts
        .try_reserve_exact(n)
        .map_err(|_| HPyErr::new(Constant::MemoryError, format!("{n} dicts")))?;
    dicts.resize(n, HashMap::new());
    Ok(dicts)
}

// ---- builders ----

/// `list(range(n))`, built with a `ListBuilder` back to front.
#[hpy_method]
fn build_range_list<'ctx>(ctx: Context<'ctx>, n: usize) -> HPyResult<List<'ctx>> {
    let mut list = ListBuilder::new(ctx, n)?;
    for i in (0..n).rev() {
        list.set(i, &i.into_hpy(ctx)?)?;
    }
    list.build()
}

/// `tuple(reversed(items))`, built with a `TupleBuilder`.
#[hpy_method]
fn build_reversed_tuple<'ctx>(
    ctx: Context<'ctx>,
    items: Vec<Handle<'ctx>>,
) -> HPyResult<Tuple<'ctx>> {
    let mut tuple = TupleBuilder::new(ctx, items.len())?;
    for (i, item) in items.iter().rev().enumerate() {
        tuple.set(i, item)?;
    }
    tuple.build()
}

/// Misuses a builder of length 2 in the way `how` names: "index" (set
/// item 5), "twice" (set item 0 twice), "unset" (build with item 1 unset),
/// "drop" (set one item, then drop the builder). `kind` is "list" or
/// "tuple".
#[hpy_method]
fn misuse_builder<'ctx>(ctx: Context<'ctx>, kind: &str, how: &str) -> HPyResult<Handle<'ctx>> {
    let item = "item".into_hpy(ctx)?;
    macro_rules! misuse {
        ($builder:ident) => {{
            let mut b = $builder::new(ctx, 2)?;
            match how {
                "index" => b.set(5, &item)?,
                "twice" => {
                    b.set(0, &item)?;
                    b.set(0, &item)?;
                }
                "unset" => {
                    b.set(0, &item)?;
                    return b.build().map(Into::into);
                }
                "drop" => {
                    b.set(0, &item)?;
                    drop(b);
                    return Ok(ctx.none());
                }
                _ => return Err(HPyErr::value_error(format!("unknown misuse {how:?}"))),
            }
            b.build().map(Into::into)
        }};
    }
    match kind {
        "list" => misuse!(ListBuilder),
        "tuple" => misuse!(TupleBuilder),
        _ => Err(HPyErr::value_error(format!("unknown builder {kind:?}"))),
    }
}

// ---- trackers ----

/// `sum(range(n))` computed with Python ints whose handles a `Tracker`
/// owns; fails with ValueError after adding `fail_after` handles, if given
/// (the tracker must still close them all).
#[hpy_method]
fn tracker_sum<'ctx>(
    ctx: Context<'ctx>,
    n: usize,
    fail_after: Option<usize>,
) -> HPyResult<Handle<'ctx>> {
    let tracker = Tracker::new(ctx, 0)?;
    let mut total = tracker.add(0.into_hpy(ctx)?)?;
    for i in 0..n {
        if fail_after == Some(tracker.len()) {
            return Err(HPyErr::value_error(format!(
                "failing with {} tracked handles",
                tracker.len()
            )));
        }
        let item = tracker.add(i.into_hpy(ctx)?)?;
        total = tracker.add(total.add(&item)?)?;
    }
    Ok(total.dup())
}

/// `list(range(n))`, from handles a tracker held and then gave back
/// (`forget_all`).
#[hpy_method]
fn tracker_forget<'ctx>(ctx: Context<'ctx>, n: usize) -> HPyResult<Vec<Handle<'ctx>>> {
    let tracker = Tracker::new(ctx, n)?;
    for i in 0..n {
        tracker.add(i.into_hpy(ctx)?)?;
    }
    Ok(tracker.forget_all())
}

// ---- globals ----

static CACHE: Global = Global::new();
static CONV_ERROR: Global = Global::new();
/// Deliberately missing from `hpy_module!`'s globals.
static UNLISTED: Global = Global::new();

/// Stores `x` in a module-level global.
#[hpy_method]
fn cache_store(x: &Handle<'_>) -> HPyResult<()> {
    CACHE.store(x)
}

/// The object last stored with `cache_store`, or None.
#[hpy_method]
fn cache_load<'ctx>(ctx: Context<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
    CACHE.load(ctx)
}

/// Stores `x` in a global the module does not list: SystemError.
#[hpy_method]
fn unlisted_store(x: &Handle<'_>) -> HPyResult<()> {
    UNLISTED.store(x)
}

/// Loads a global the module does not list: SystemError.
#[hpy_method]
fn unlisted_load<'ctx>(ctx: Context<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
    UNLISTED.load(ctx)
}

// ---- exceptions ----

/// The module's own exception class, `hpyrs_conv.ConvError` (a
/// `ValueError`), kept in a global.
#[hpy_method]
fn conv_error_type<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    CONV_ERROR.get(ctx, "hpyrs_conv.ConvError")
}

/// Raises `ConvError(msg)` lazily, from the global.
#[hpy_method]
fn raise_conv_error(msg: String) -> HPyResult<()> {
    Err(HPyErr::new_in(&CONV_ERROR, msg))
}

/// Raises an exception of a global the module does not list: SystemError.
#[hpy_method]
fn raise_unlisted(msg: String) -> HPyResult<()> {
    Err(HPyErr::new_in(&UNLISTED, msg))
}

/// Raises `ty(msg)` (`HPyErr::from_type`).
#[hpy_method]
fn raise_type_msg(ty: &Handle<'_>, msg: &str) -> HPyResult<()> {
    Err(HPyErr::from_type(ty, msg))
}

/// Raises `ty` with `value` as its argument(s) (`HPyErr::from_type_value`).
#[hpy_method]
fn raise_type_value(ty: &Handle<'_>, value: &Handle<'_>) -> HPyResult<()> {
    Err(HPyErr::from_type_value(ty, value))
}

/// `int(s)` with Rust's parser: `?` on `ParseIntError` (ValueError).
#[hpy_method]
fn parse_int(s: &str) -> HPyResult<i64> {
    Ok(s.trim().parse::<i64>()?)
}

/// `float(s)` with Rust's parser: `?` on `ParseFloatError` (ValueError).
#[hpy_method]
fn parse_float(s: &str) -> HPyResult<f64> {
    Ok(s.parse::<f64>()?)
}

/// `u8::try_from(x)`: `?` on `TryFromIntError` (OverflowError).
#[hpy_method]
fn to_u8(x: i64) -> HPyResult<u8> {
    Ok(u8::try_from(x)?)
}

/// The size of the file at `path`: `?` on `std::io::Error` (OSError and
/// its errno subclasses).
#[hpy_method]
fn file_size(path: &str) -> HPyResult<u64> {
    Ok(std::fs::metadata(path)?.len())
}

/// An `std::io::Error` that carries no errno, of the kind named.
#[hpy_method]
fn io_error_kind(kind: &str) -> HPyResult<()> {
    use std::io::ErrorKind;
    let kind = match kind {
        "NotFound" => ErrorKind::NotFound,
        "PermissionDenied" => ErrorKind::PermissionDenied,
        "TimedOut" => ErrorKind::TimedOut,
        _ => ErrorKind::Other,
    };
    Err(std::io::Error::new(kind, "synthetic io error").into())
}

/// A custom Rust error type: RuntimeError.
#[hpy_method]
fn custom_error(msg: String) -> HPyResult<()> {
    #[derive(Debug)]
    struct Custom(String);
    impl std::fmt::Display for Custom {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "custom: {}", self.0)
        }
    }
    impl std::error::Error for Custom {}
    Err(Custom(msg))?
}

/// `s.parse::<i64>()` with the class chosen by `or_raise`: KeyError, or
/// the module's ConvError when `own` is true.
#[hpy_method]
fn parse_or_raise(s: &str, own: bool) -> HPyResult<i64> {
    if own {
        s.parse::<i64>().or_raise(&CONV_ERROR)
    } else {
        s.parse::<i64>().or_raise(Constant::KeyError)
    }
}

// ---- allow_threads ----

/// The sum of the bytes, computed without holding the interpreter.
#[hpy_method]
fn sum_bytes_released(ctx: Context<'_>, data: &[u8]) -> u64 {
    ctx.allow_threads(|| data.iter().map(|&b| u64::from(b)).sum())
}

/// Sleeps `ms` milliseconds without holding the interpreter.
#[hpy_method]
fn sleep_released(ctx: Context<'_>, ms: u64) {
    ctx.allow_threads(move || std::thread::sleep(std::time::Duration::from_millis(ms)));
}

/// Panics inside `allow_threads`: SystemError, and the interpreter is
/// re-entered before the panic travels on.
#[hpy_method]
fn panic_released(ctx: Context<'_>, msg: String) {
    ctx.allow_threads(move || {
        if !msg.is_empty() {
            panic!("{msg}");
        }
    });
}

// ---- capsules ----

const TRACKED: &std::ffi::CStr = c"hpyrs_conv.tracked";
static CAPSULE_DROPS: AtomicUsize = AtomicUsize::new(0);

/// A capsule value that counts its drops.
struct Tracked(i64);

impl Drop for Tracked {
    fn drop(&mut self) {
        CAPSULE_DROPS.fetch_add(1, Ordering::SeqCst);
    }
}

/// A capsule value whose drop panics.
struct PanicsOnDrop;

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        CAPSULE_DROPS.fetch_add(1, Ordering::SeqCst);
        panic!("PanicsOnDrop dropped");
    }
}

/// A new capsule named "hpyrs_conv.tracked" holding `value`.
#[hpy_method]
fn capsule_new<'ctx>(ctx: Context<'ctx>, value: i64) -> HPyResult<Capsule<'ctx>> {
    ctx.new_capsule(Tracked(value), TRACKED)
}

/// A capsule "hpyrs_conv.tracked" whose value panics when dropped.
#[hpy_method]
fn capsule_new_panicky<'ctx>(ctx: Context<'ctx>) -> HPyResult<Capsule<'ctx>> {
    ctx.new_capsule(PanicsOnDrop, TRACKED)
}

/// A capsule "hpyrs_conv.tracked" whose pointer is not a Rust payload
/// (as foreign code could make).
#[hpy_method]
fn capsule_new_foreign<'ctx>(ctx: Context<'ctx>) -> HPyResult<Capsule<'ctx>> {
    static FOREIGN: u64 = 7;
    // SAFETY: the pointer is to a static that outlives every capsule, and
    // nothing writes through it (`Capsule::get` refuses this capsule).
    unsafe {
        Capsule::new_raw(
            ctx,
            (&FOREIGN as *const u64).cast_mut().cast(),
            Some(TRACKED),
        )
    }
}

/// The `i64` in a capsule made by `capsule_new`, looked up under `name`.
#[hpy_method]
fn capsule_value(capsule: &Capsule<'_>, name: Option<&str>) -> HPyResult<i64> {
    let name = CString::new(name.unwrap_or("hpyrs_conv.tracked")).or_raise(Constant::ValueError)?;
    Ok(capsule.get::<Tracked>(&name)?.0)
}

/// Reads a capsule made by `capsule_new` as the wrong Rust type.
#[hpy_method]
fn capsule_value_as_string(capsule: &Capsule<'_>) -> HPyResult<String> {
    Ok(capsule.get::<String>(TRACKED)?.clone())
}

/// `(name, is_valid(name))` of a capsule.
#[hpy_method]
fn capsule_info(capsule: &Capsule<'_>, name: &str) -> HPyResult<(Option<String>, bool)> {
    let cname = CString::new(name).or_raise(Constant::ValueError)?;
    let valid = Capsule::is_valid(capsule, &cname);
    let actual = capsule.name()?.map(|n| n.to_string_lossy().into_owned());
    Ok((actual, valid))
}

/// Renames a capsule to "hpyrs_conv.renamed".
#[hpy_method]
fn capsule_rename(capsule: &Capsule<'_>) -> HPyResult<()> {
    capsule.set_name(c"hpyrs_conv.renamed")
}

/// How many capsule values have been dropped so far.
#[hpy_method]
fn capsule_drops() -> usize {
    CAPSULE_DROPS.load(Ordering::SeqCst)
}

/// Handles in, handles out: `[type_name(x) for x in items]` through
/// `Borrowed`.
#[hpy_method]
fn type_names(items: Vec<Handle<'_>>) -> Vec<String> {
    items
        .iter()
        .map(|h| h.borrow())
        .map(|b: Borrowed<'_, '_>| b.type_name())
        .collect()
}

/// Creates `hpyrs_conv.ConvError(ValueError)` as Python's
/// `type(name, bases, namespace)` would, and keeps it in a global.
/// Makes `ConvError` and keeps it in a global. With
/// `HPYRS_CONV_FAIL_EXEC=1` it then sets an attribute and raises, so that a
/// test can see what a failed module exec leaves behind (the type in the
/// global, the module with an attribute, both in the host's hands).
fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    let namespace: HashMap<&str, &str> = [
        ("__module__", "hpyrs_conv"),
        ("__doc__", "Raised by hpyrs_conv."),
    ]
    .into_iter()
    .collect();
    let name = "ConvError".into_hpy(ctx)?;
    let bases = (ctx.constant(Constant::ValueError),).into_hpy(ctx)?;
    let namespace = namespace.into_hpy(ctx)?;
    let ty = ctx
        .constant(Constant::TypeType)
        .call(&[&name, &bases, &namespace])?;
    CONV_ERROR.store(&ty)?;
    if std::env::var_os("HPYRS_CONV_FAIL_EXEC").is_some_and(|v| v == "1") {
        module.set_attr_s("ConvError", &ty)?;
        return Err(HPyErr::runtime_error(
            "hpyrs_conv: exec failed on purpose (HPYRS_CONV_FAIL_EXEC=1)",
        ));
    }
    Ok(())
}

hpy_module! {
    /// hpy-rs conversions, exceptions, builders, trackers, globals, capsules.
    methods: [
        echo_char, echo_vec_i64, echo_vec_string, echo_vec_f64, echo_vec_u8, echo_array3,
        echo_array_u8, echo_tuple1, echo_tuple2, echo_tuple12, echo_nested, echo_hashmap,
        echo_btreemap, echo_optional_vec, echo_vec_optional, bytes_len, bytes_copy,
        static_slices, chars_of, empty_dicts,
        build_range_list, build_reversed_tuple, misuse_builder,
        tracker_sum, tracker_forget,
        cache_store, cache_load, unlisted_store, unlisted_load,
        conv_error_type, raise_conv_error, raise_unlisted, raise_type_msg, raise_type_value,
        parse_int, parse_float, to_u8, file_size, io_error_kind, custom_error, parse_or_raise,
        sum_bytes_released, sleep_released, panic_released,
        capsule_new, capsule_new_panicky, capsule_new_foreign, capsule_value,
        capsule_value_as_string, capsule_info, capsule_rename, capsule_drops,
        type_names,
        caught::stats_mean, caught::raise_empty, caught::catch_info, caught::catch_and_reraise,
        caught::chain_stats_error, caught::classify, caught::lazy_matches, caught::catch_lazy,
        collections::echo_hashset, collections::echo_btreeset, collections::echo_frozenset,
        collections::echo_pathbuf, collections::echo_osstring, collections::echo_vec_pairs,
        collections::echo_btreemap_si, collections::iter_collect, collections::iter_sum,
        collections::iter_calling, collections::iter_size_hints,
        collections::iter_after_error, collections::vec_sum, collections::map_items,
        collections::byte_vec, collections::path_join, collections::path_refs,
        collections::path_bytes, collections::path_from_bytes, collections::dict_mixed,
        collections::dict_empty, collections::mixed_tuple, collections::pair_of, collections::builtins_probe,
    ],
    globals: [CACHE, CONV_ERROR],
    exceptions: [caught::StatsError, caught::TooEmptyError, caught::EmptyError],
    exec: init,
}
