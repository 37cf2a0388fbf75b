//! A keyword set used by two functions (positional-or-keyword, and
//! keyword-only after positional-only parameters), one of them also under
//! an alias.
use hpy::{hpy_method, Context, FromKeywords, HPyResult, Handle};

#[derive(FromKeywords)]
struct Format<'ctx> {
    #[hpy(default = 0)]
    indent: i64,
    #[hpy(default = Truth(false), py_default = "False")]
    sort_keys: Truth,
    default: Option<Handle<'ctx>>,
}

struct Truth(bool);

impl<'a, 'ctx> hpy::FromHPy<'a, 'ctx> for Truth {
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        obj.is_true().map(Truth)
    }
}

/// Renders `obj`.
#[hpy_method(alias = "encode")]
fn render<'ctx>(obj: &Handle<'ctx>, #[hpy(keywords)] fmt: Format<'ctx>) -> i64 {
    let _ = (obj, fmt.sort_keys.0, fmt.default);
    fmt.indent
}

/// Writes `obj` to `fp`.
#[hpy_method(signature = (obj, fp, /, *, fmt))]
fn save<'ctx>(
    ctx: Context<'ctx>,
    obj: &Handle<'ctx>,
    fp: &Handle<'ctx>,
    #[hpy(keywords)] fmt: Format<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let _ = (obj, fp, fmt.indent);
    Ok(ctx.none())
}

/// Three keywords written out, and the same three as a set (the
/// expansions differ only in how the argument is built).
#[hpy_method]
fn plain(a: Option<i64>, b: Option<i64>, c: Option<i64>) -> i64 {
    a.unwrap_or(1) + b.unwrap_or(2) + c.unwrap_or(3)
}

#[derive(FromKeywords)]
struct Three {
    a: Option<i64>,
    b: Option<i64>,
    c: Option<i64>,
}

#[hpy_method]
fn as_set(#[hpy(keywords)] k: Three) -> i64 {
    k.a.unwrap_or(1) + k.b.unwrap_or(2) + k.c.unwrap_or(3)
}

fn main() {}
