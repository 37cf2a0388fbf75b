//! `hpyrs_test`: an extension module that exercises the hpy-rs SDK from
//! Python (see `tests/python/test_hpyrs_test.py`). Every function is a thin
//! probe of one SDK feature: conversions, optional and keyword parameters,
//! errors, panics, handles and the module exec hook.

use std::sync::atomic::{AtomicUsize, Ordering};

use hpy::{
    hpy_method, hpy_module, Borrowed, Constant, Context, HPyErr, HPyResult, Handle, IntoHPy,
    VarArgs,
};

include!("../../shared/echo.rs");

mod keywords;

/// A keyword set defined in another module, named by its path.
#[hpy_method]
fn kw_span(#[hpy(keywords)] w: keywords::Window) -> i64 {
    w.length()
}

use keywords::{cost_plain, cost_set, kw_paint, kw_render, kw_rest, kw_save, kw_window};

echo_functions! {
    echo_i8: i8;
    echo_i16: i16;
    echo_i32: i32;
    echo_i64: i64;
    echo_i128: i128;
    echo_isize: isize;
    echo_u8: u8;
    echo_u16: u16;
    echo_u32: u32;
    echo_u64: u64;
    echo_u128: u128;
    echo_usize: usize;
    echo_f64: f64;
    echo_f32: f32;
    echo_bool: bool;
    echo_string: String;
    echo_optional_i64: Option<i64>;
}

/// Borrows the str without copying and returns its UTF-8 length in bytes.
#[hpy_method]
fn utf8_len(s: &str) -> usize {
    s.len()
}

/// Returns `"x" * n`, built in Rust (exercises long-string conversion).
#[hpy_method]
fn repeat_x(n: usize) -> HPyResult<String> {
    if n > 1 << 24 {
        return Err(HPyErr::value_error(format!("n is too large: {n}")));
    }
    Ok("x".repeat(n))
}

/// Returns a str with an embedded NUL character.
#[hpy_method]
fn with_nul() -> &'static str {
    "a\0b"
}

/// `a + b + c`, where `b` and `c` are optional (default 10 and 100) and
/// everything may be given by keyword.
#[hpy_method(keywords)]
fn sum_defaults(a: i64, b: Option<i64>, c: Option<i64>) -> i64 {
    a + b.unwrap_or(10) + c.unwrap_or(100)
}

/// Positional-only variant of `sum_defaults`.
#[hpy_method]
fn sum_positional(a: i64, b: Option<i64>) -> i64 {
    a + b.unwrap_or(10)
}

/// Returns None if `flag` is false, else 7.
#[hpy_method]
fn maybe(flag: bool) -> Option<i64> {
    flag.then_some(7)
}

/// Returns the unit value (None).
#[hpy_method]
fn unit() {}

/// Raises ValueError with the given message.
#[hpy_method]
fn raise_value_error(msg: String) -> HPyResult<()> {
    Err(HPyErr::value_error(msg))
}

/// Returns an error claiming an exception is set, without setting one.
#[hpy_method]
fn error_without_exception() -> HPyResult<()> {
    Err(HPyErr::pending())
}

/// Panics with the given message.
#[hpy_method]
fn panic_with(msg: &str) {
    panic!("{msg}");
}

/// Panics with a payload that is not a string.
#[hpy_method]
fn panic_with_number() {
    std::panic::panic_any(42_u32);
}

/// `x.dup().is(x)` and `x.is(None)`.
#[hpy_method]
fn identity_checks<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) -> HPyResult<(bool, bool)> {
    let copy = x.dup();
    Ok((copy.is(x), x.is(&ctx.none())))
}

/// The name of the argument's type, as error messages show it.
#[hpy_method]
fn type_name_of(x: Borrowed<'_, '_>) -> String {
    x.type_name()
}

/// Returns the context constant named `name` (e.g. "None", "TypeError", "LongType").
#[hpy_method]
fn constant<'ctx>(ctx: Context<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
    let index = hpy::constant_by_name(name)
        .ok_or_else(|| HPyErr::key_error(format!("no HPy context constant named {name:?}")))?;
    Ok(ctx.constant(index))
}

/// Returns the argument itself (a new handle to the same object).
#[hpy_method]
fn same<'ctx>(x: Handle<'ctx>) -> Handle<'ctx> {
    x
}

/// `repr(x)` and `str(x)`, computed through HPy.
#[hpy_method]
fn repr_and_str(x: &Handle<'_>) -> HPyResult<(String, String)> {
    Ok((x.repr()?, x.str()?))
}

/// True when `TypeError` matches after trying to convert `x` to int and
/// clearing nothing: exercises error inspection, then clears it.
#[hpy_method]
fn int_or_minus_one(x: &Handle<'_>) -> i64 {
    x.extract::<i64>().unwrap_or(-1)
}

/// Converts `x` to an int and drops the error if that fails, then says
/// whether an exception is still set in this call (a dropped error clears
/// its exception: issue 14's D4, on PyPy issue 25's D4b).
#[hpy_method]
fn exception_left_after_handling(ctx: Context<'_>, x: &Handle<'_>) -> bool {
    drop(x.extract::<i64>());
    ctx.err_occurred()
}

/// Spins for up to `seconds`, checking for signals every millisecond;
/// returns how many checks it made (a signal handler's exception ends it).
#[hpy_method]
fn spin_checking_signals(ctx: Context<'_>, seconds: f64) -> HPyResult<u64> {
    let start = std::time::Instant::now();
    let mut checks = 0u64;
    while start.elapsed().as_secs_f64() < seconds {
        std::thread::sleep(std::time::Duration::from_millis(1));
        ctx.check_signals()?;
        checks += 1;
    }
    Ok(checks)
}

static EXEC_CALLS: AtomicUsize = AtomicUsize::new(0);

/// How many times the module exec hook ran in this process.
#[hpy_method]
fn exec_calls() -> usize {
    EXEC_CALLS.load(Ordering::Relaxed)
}

fn init<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    EXEC_CALLS.fetch_add(1, Ordering::Relaxed);
    // The module object is what exec receives.
    if module.is(&ctx.none()) || !ctx.constant(Constant::None).is_none() {
        return Err(HPyErr::system_error("exec got a wrong module object"));
    }
    Ok(())
}

hpy_module! {
    /// hpy-rs SDK test module.
    methods: [
        echo_i8, echo_i16, echo_i32, echo_i64, echo_i128, echo_isize,
        echo_u8, echo_u16, echo_u32, echo_u64, echo_u128, echo_usize,
        echo_f64, echo_f32, echo_bool, echo_string, echo_optional_i64,
        utf8_len, repeat_x, with_nul, sum_defaults, sum_positional, maybe, unit,
        raise_value_error, error_without_exception, panic_with, panic_with_number,
        identity_checks, type_name_of, constant, same, repr_and_str, int_or_minus_one,
        exception_left_after_handling,
        exec_calls, call1, spin_checking_signals, sig_all, sig_positional_only, sig_keyword_only,
        sig_default_str, sig_kwargs_dict, sig_star_args, sig_rest,
        kw_render, kw_paint, kw_save, kw_window, kw_rest, kw_span, cost_plain, cost_set,
    ],
    types: [keywords::Canvas],
    exec: init,
}

/// `f(x)` through `HPy_Call`.
#[hpy_method]
fn call1<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>, x: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    let _ = ctx;
    f.call(&[x])
}

/// Every kind of parameter: `(a, b, args, c, d, kwargs)` as received.
#[hpy_method(signature = (a, b = 2, *args, c, d = None, **kwargs))]
#[allow(clippy::too_many_arguments)]
fn sig_all<'ctx>(
    ctx: Context<'ctx>,
    a: i64,
    b: i64,
    args: VarArgs<'_, 'ctx>,
    c: i64,
    d: Option<i64>,
    kwargs: Option<Handle<'ctx>>,
) -> HPyResult<Handle<'ctx>> {
    let rest: Vec<Handle<'ctx>> = args.iter().map(|h| h.dup()).collect();
    let kwargs = kwargs.unwrap_or_else(|| ctx.none());
    (a, b, rest.into_hpy(ctx)?, c, d, kwargs).into_hpy(ctx)
}

/// Positional-only parameters, then one that may be given by keyword.
#[hpy_method(signature = (x, y, /, z = 3.5))]
fn sig_positional_only(x: i64, y: i64, z: f64) -> (i64, i64, f64) {
    (x, y, z)
}

/// Keyword-only parameters only.
#[hpy_method(signature = (*, key, flag = false))]
fn sig_keyword_only(key: &str, flag: bool) -> (String, bool) {
    (key.to_owned(), flag)
}

/// A default string.
#[hpy_method(signature = (name = "world"))]
fn sig_default_str(name: String) -> String {
    format!("hello {name}")
}

/// `**kw` as a dict (empty when no keyword is passed).
#[hpy_method(signature = (**kw))]
fn sig_kwargs_dict<'ctx>(kw: Handle<'ctx>) -> Handle<'ctx> {
    kw
}

/// `*args` only, with a default computed by Rust code.
#[hpy_method(signature = (*args, scale = i64::from(u8::MAX)))]
fn sig_star_args(args: VarArgs<'_, '_>, scale: i64) -> HPyResult<i64> {
    let mut total = 0;
    for a in args.iter() {
        total += a.extract::<i64>()?;
    }
    Ok(total * scale)
}

/// Without a signature: a `VarArgs` after named parameters takes the rest.
#[hpy_method]
fn sig_rest(first: i64, rest: VarArgs<'_, '_>) -> (i64, usize) {
    (first, rest.len())
}
