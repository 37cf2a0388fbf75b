//! `#[hpy_method]` parameters: keywords, optional parameters, `VarArgs` and
//! the `Context`, and explicit conventions.
use hpy::{hpy_method, Context, HPyResult, Handle, VarArgs};

/// `f(a, b=None)`, keywords allowed.
#[hpy_method(keywords)]
fn with_keywords<'ctx>(
    ctx: Context<'ctx>,
    a: i64,
    b: Option<&str>,
) -> HPyResult<Handle<'ctx>> {
    let _ = (a, b);
    Ok(ctx.none())
}

#[hpy_method]
fn optional_only(x: Option<i64>) -> i64 {
    x.unwrap_or(0)
}

#[hpy_method]
fn count_args(args: VarArgs<'_, '_>) -> usize {
    args.len()
}

#[hpy_method(noargs)]
fn context_only(ctx: Context<'_>) -> Handle<'_> {
    ctx.none()
}

#[hpy_method(o)]
fn explicit_o(x: &Handle<'_>) -> bool {
    x.is_none()
}

#[hpy_method(varargs)]
fn explicit_varargs(x: i64) -> i64 {
    x
}

fn main() {}
