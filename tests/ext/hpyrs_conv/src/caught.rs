//! Exceptions declared with `create_exception!`, and exceptions caught from
//! Python calls (tests/python/test_conv_exceptions.py).

use hpy::exceptions::{KeyError, ValueError};
use hpy::{hpy_method, Context, HPyErr, HPyResult, Handle, Type};

hpy::create_exception!(
    hpyrs_conv,
    StatsError,
    ValueError,
    "Raised by the stats probes."
);
hpy::create_exception!(hpyrs_conv, EmptyError, StatsError);
// Listed before its base in `hpy_module!`: the base is created first anyway.
hpy::create_exception!(hpyrs_conv, TooEmptyError, EmptyError, "An EmptyError.");

/// `mean(xs)`: StatsError on an empty list, EmptyError if `empty` is true.
#[hpy_method]
pub fn stats_mean(xs: Vec<f64>) -> HPyResult<f64> {
    if xs.is_empty() {
        return Err(StatsError::new_err("mean of an empty sequence"));
    }
    Ok(xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Raises `EmptyError(msg)` or `TooEmptyError(msg)`.
#[hpy_method]
pub fn raise_empty(msg: String, too: bool) -> HPyResult<()> {
    Err(if too {
        TooEmptyError::new_err(msg)
    } else {
        EmptyError::new_err(msg)
    })
}

/// Calls `f()` and returns `(type, value, traceback, message, cause)` of
/// the exception it raised, or `None` if it returned.
#[hpy_method]
pub fn catch_info<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    let err = match f.call(&[]) {
        Ok(_) => return Ok(ctx.none()),
        Err(err) => err,
    };
    let caught = err.catch(ctx)?;
    let tb = caught.traceback()?;
    let cause = caught.cause()?;
    let message = caught.message()?;
    hpy::IntoHPy::into_hpy((caught.get_type(), caught.value(), tb, message, cause), ctx)
}

/// Calls `f()`; an exception is caught, then raised again unchanged.
#[hpy_method]
pub fn catch_and_reraise<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    match f.call(&[]) {
        Ok(v) => Ok(v),
        Err(err) => Err(err.catch(ctx)?.into()),
    }
}

/// Calls `f()`; its exception becomes the `__cause__` of
/// `StatsError(msg)`.
#[hpy_method]
pub fn chain_stats_error<'ctx>(
    ctx: Context<'ctx>,
    f: &Handle<'ctx>,
    msg: String,
) -> HPyResult<Handle<'ctx>> {
    f.call(&[])
        .map_err(|e| StatsError::new_err(msg).with_cause(ctx, e))
}

/// Whether an exception matched (`cls`, StatsError, KeyError).
type Matched = (bool, bool, bool);

/// Calls `f()`; returns which of (`cls`, StatsError, KeyError) its
/// exception matches, checked on the pending error without catching it,
/// then on the caught one; the exception is then dropped. `None` if `f`
/// returned.
#[hpy_method]
pub fn classify<'ctx>(
    ctx: Context<'ctx>,
    f: &Handle<'ctx>,
    cls: &Handle<'ctx>,
) -> HPyResult<Option<(Matched, Matched)>> {
    let err = match f.call(&[]) {
        Ok(_) => return Ok(None),
        Err(err) => err,
    };
    let pending = (
        err.matches(ctx, cls),
        err.is_instance_of::<StatsError>(ctx),
        err.is_instance_of::<KeyError>(ctx),
    );
    let caught = err.catch(ctx)?;
    let fetched = (
        caught.matches(cls),
        caught.is_instance_of::<StatsError>(),
        caught.is_instance_of::<KeyError>(),
    );
    Ok(Some((pending, fetched)))
}

/// A lazy (not yet raised) error matched against `cls` without raising
/// it; then caught, to check that it still raises what it matched.
#[hpy_method]
pub fn lazy_matches<'ctx>(ctx: Context<'ctx>, which: &str, cls: &Handle<'ctx>) -> HPyResult<bool> {
    let err = match which {
        "stats" => StatsError::new_err("lazy"),
        "key" => HPyErr::new(hpy::Constant::KeyError, "lazy"),
        "os" => HPyErr::from_errno(2),
        _ => HPyErr::value_error("lazy"),
    };
    let answer = err.matches(ctx, cls);
    if ctx.err_occurred() {
        return Err(HPyErr::runtime_error("matches() raised the lazy error"));
    }
    let caught = err.catch(ctx)?;
    if caught.matches(cls) != answer {
        return Err(HPyErr::runtime_error("the caught error answers otherwise"));
    }
    Ok(answer)
}

/// A lazy error, caught: `(type, str(value))`.
#[hpy_method]
pub fn catch_lazy<'ctx>(ctx: Context<'ctx>, which: &str) -> HPyResult<(Type<'ctx>, String)> {
    let err = match which {
        "stats" => StatsError::new_err("from rust"),
        "os" => HPyErr::from_errno(2),
        _ => ValueError::new_err("plain"),
    };
    let caught = err.catch(ctx)?;
    Ok((caught.get_type(), caught.message()?))
}
