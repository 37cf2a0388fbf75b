// Macro expansions must not depend on the user's prelude or imports, and
// must not need `unsafe` in the user's crate: `forbid(unsafe_code)` holds
// (the module's exported `#[no_mangle]` init symbols come from a macro of
// the hpy crate, where the lint does not look).
#![no_implicit_prelude]
#![forbid(unsafe_code)]

/// A method with typed, optional and context parameters.
#[::hpy::hpy_method(keywords)]
fn f<'ctx>(
    ctx: ::hpy::Context<'ctx>,
    a: i64,
    b: ::std::option::Option<&str>,
) -> ::hpy::HPyResult<::hpy::Handle<'ctx>> {
    let _ = (a, b);
    ::std::result::Result::Ok(ctx.none())
}

#[::hpy::hpy_method]
fn g(x: &::hpy::Handle<'_>) -> bool {
    x.is_none()
}

#[::hpy::hpy_method]
fn h() {}

/// A keyword set, taken by a function and (under `alias`) its copy.
#[derive(::hpy::FromKeywords)]
struct Style<'ctx> {
    #[hpy(default = 2, py_default = "2")]
    width: i64,
    fill: ::std::option::Option<::hpy::Handle<'ctx>>,
}

#[::hpy::hpy_method(signature = (x, /, *, style), alias = "k2")]
fn k<'ctx>(x: i64, #[hpy(keywords)] style: Style<'ctx>) -> i64 {
    let _ = style.fill;
    x + style.width
}

::hpy::create_exception!(hygiene, HygieneError, ValueError, "A declared exception.");
::hpy::create_exception!(hygiene, SubError, HygieneError);
::hpy::create_exception!(hygiene, Carrying, Exception, attributes = [item, count]);

/// An exception with attributes.
#[::hpy::hpy_method]
fn c<'ctx>(item: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<()> {
    ::std::result::Result::Err(Carrying::new_err(item.context(), item, 2))
}

/// `dict!` and a declared exception.
#[::hpy::hpy_method]
fn d<'ctx>(ctx: ::hpy::Context<'ctx>, fail: bool) -> ::hpy::HPyResult<::hpy::Dict<'ctx>> {
    if fail {
        return ::std::result::Result::Err(SubError::new_err("failed"));
    }
    ::hpy::dict!(ctx, { "a" => 1, "b" => (2.0, "x") })
}

/// A class with a constructor, a member, methods and operators.
#[::hpy::hpy_class(module = "hygiene")]
struct Point {
    #[member]
    x: f64,
    y: f64,
}

#[::hpy::hpy_methods]
impl Point {
    #[new]
    fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }

    fn norm2(&self) -> f64 {
        self.x * self.x + self.y * self.y
    }

    fn __add__(&self, other: ::hpy::Ref<'_, '_, Point>) -> Point {
        Point { x: self.x + other.x, y: self.y + other.y }
    }

    fn __rmul__(&self, k: f64) -> Point {
        Point { x: k * self.x, y: k * self.y }
    }

    fn __len__(&self) -> usize {
        2
    }

    #[staticmethod]
    fn origin() -> Point {
        Point { x: 0.0, y: 0.0 }
    }

    #[classmethod(signature = (x, *, y = 0.0))]
    fn on_axis(cls: &::hpy::Handle<'_>, x: f64, y: f64) -> Point {
        let _ = cls;
        Point { x, y }
    }
}

/// Derived special methods, and no `#[hpy_methods]` block.
#[derive(PartialEq, PartialOrd, Hash)]
#[::hpy::hpy_class(module = "hygiene", eq, ord, hash, frozen, str)]
struct Version {
    #[member(readonly)]
    major: i64,
}

impl ::std::fmt::Display for Version {
    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
        ::std::write!(f, "{}", self.major)
    }
}

fn init<'ctx>(_ctx: ::hpy::Context<'ctx>, _m: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<()> {
    ::std::result::Result::Ok(())
}

/// An enum class.
#[::hpy::hpy_class(module = "hygiene")]
enum Mode {
    Fast,
    Slow = 5,
}

/// Members of any convertible type; `__dict__` and weak references.
#[::hpy::hpy_class(module = "hygiene", weakref, dict)]
struct Tagged {
    #[member]
    name: ::std::string::String,
    #[member(get, set)]
    tags: ::std::vec::Vec<::std::string::String>,
    #[member(get)]
    mode: i32,
}

::hpy::create_exception!(hygiene.sub, InSub, ValueError);

/// A submodule's function.
#[::hpy::hpy_method]
fn in_sub(x: i64) -> i64 {
    x
}

/// A submodule's hook.
fn sub_init<'ctx>(ctx: ::hpy::Context<'ctx>, module: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<()> {
    let _ = (ctx, module);
    ::std::result::Result::Ok(())
}

mod nested {
    ::hpy::hpy_submodule! {
        name: nested,
        register: false,
    }
}

::hpy::hpy_submodule! {
    /// A submodule.
    name: sub,
    methods: [in_sub],
    exceptions: [InSub],
    constants: [ANSWER = 42],
    submodules: [nested::nested],
    exec: sub_init,
}

::hpy::hpy_module! {
    /// Hygiene check.
    name: hygiene,
    methods: [f, g, h, d, c, k, k2],
    types: [Point, Version, Mode, Tagged],
    exceptions: [SubError, HygieneError, Carrying],
    submodules: [sub],
    exec: init,
}

fn main() {
    // Methods defined inside a function body work too.
    #[::hpy::hpy_method]
    fn local(x: i64) -> i64 {
        x
    }
    let _ = local;
}
