//! `pof`: the classic HPy example module, written with hpy-rs.

use hpy::{hpy_method, hpy_module, HPyErr, HPyResult, Handle};

/// Does nothing and returns None.
#[hpy_method]
fn do_nothing() {}

/// Returns `x + x` for any object `x`.
#[hpy_method]
fn double<'ctx>(x: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    x.add(x)
}

/// Adds two C longs given by position.
#[hpy_method]
fn add_ints(a: i64, b: i64) -> HPyResult<i64> {
    checked_sum(a, b)
}

/// Adds two C longs given by position or by keyword.
#[hpy_method(keywords)]
fn add_ints_kw(a: i64, b: i64) -> HPyResult<i64> {
    checked_sum(a, b)
}

fn checked_sum(a: i64, b: i64) -> HPyResult<i64> {
    a.checked_add(b).ok_or_else(|| {
        HPyErr::overflow_error(format!(
            "integer overflow: {a} + {b} does not fit in a C long"
        ))
    })
}

hpy_module! {
    /// HPy example module `pof`, written in Rust with hpy-rs.
    name: pof,
    methods: [do_nothing, double, add_ints, add_ints_kw],
}
