//! Functions: keyword arguments by default, derived conversions, module
//! constants, calls with Rust tuples, a cached import and interned names,
//! a hand-written text signature, and Python called from a Rust thread.

use hpy::{hpy_method, intern, Context, FromHPy, Global, HPyResult, Handle, IntoHPy};

/// `parity.ANSWER`, a module constant.
pub const ANSWER: i64 = 42;

/// `scale(value, factor=None)`: named parameters may be passed by keyword
/// without any option (`factor` defaults to 2).
#[hpy_method]
pub fn scale(value: f64, factor: Option<f64>) -> f64 {
    value * factor.unwrap_or(2.0)
}

/// A point read from attributes (`p.x`, `p.y`), as PyO3's derive does.
#[derive(FromHPy)]
pub struct Point {
    x: f64,
    y: f64,
}

/// A point read from items (`p["x"]`, `p["y"]`).
#[derive(FromHPy)]
#[hpy(from_item_all)]
pub struct PointItems {
    x: f64,
    y: f64,
}

/// A point returned as `{"x": ..., "y": ...}`.
#[derive(IntoHPy)]
pub struct PointDict {
    x: f64,
    y: f64,
}

/// The first variant that converts wins.
#[derive(FromHPy)]
pub enum Number {
    /// An `int`.
    Int(i64),
    /// A `float`.
    Float(f64),
    /// An object with `real` and `imag` attributes (a `complex`).
    Complex { real: f64, imag: f64 },
    /// A `str`.
    Text(String),
}

/// `hypot(p.x, p.y)`.
#[hpy_method]
pub fn norm_attrs(p: Point) -> f64 {
    p.x.hypot(p.y)
}

/// `hypot(p["x"], p["y"])`.
#[hpy_method]
pub fn norm_items(p: PointItems) -> f64 {
    p.x.hypot(p.y)
}

/// `{"x": x, "y": y}`.
#[hpy_method]
pub fn make_point(x: f64, y: f64) -> PointDict {
    PointDict { x, y }
}

/// Which variant of `Number` the argument is.
#[hpy_method]
pub fn describe(n: Number) -> String {
    match n {
        Number::Int(i) => format!("int {i}"),
        Number::Float(f) => format!("float {f}"),
        Number::Complex { real, imag } => format!("complex {real}+{imag}j"),
        Number::Text(s) => format!("text {s}"),
    }
}

/// `f(a, b)`.
#[hpy_method]
pub fn apply<'ctx>(
    f: &Handle<'ctx>,
    a: &Handle<'ctx>,
    b: &Handle<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    f.call1((a, b))
}

/// `text.upper()`, the method name interned.
#[hpy_method]
pub fn upper<'ctx>(ctx: Context<'ctx>, text: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    text.call_method0(intern!(ctx, "upper")?)
}

/// `sorted(items, key=key, reverse=True)`: a keyword call with Rust values.
#[hpy_method]
pub fn sort_desc<'ctx>(
    ctx: Context<'ctx>,
    items: &Handle<'ctx>,
    key: &Handle<'ctx>,
) -> HPyResult<Handle<'ctx>> {
    let sorted = ctx.builtins().get_item(&intern!(ctx, "sorted")?)?;
    sorted.call_with((items,), (("key", key), ("reverse", true)))
}

/// `fractions.Fraction`, imported at the first call and cached.
pub static FRACTION: Global = Global::new();

/// `fractions.Fraction(1, 2)`.
#[hpy_method]
pub fn half(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
    FRACTION.import(ctx, "fractions", "Fraction")?.call1((1, 2))
}

/// A signature written by hand.
#[hpy_method(text_signature = "(x, y=None)")]
pub fn custom_sig(x: i64, y: Option<i64>) -> i64 {
    x + y.unwrap_or(0)
}

/// `f()` called from a thread that Rust spawns, its result returned.
#[hpy_method]
pub fn call_from_thread<'ctx>(ctx: Context<'ctx>, f: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    ctx.call_in_thread(&[f], |_ctx, objects| objects[0].call0())
}
