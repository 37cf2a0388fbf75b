// Macro expansions must not depend on the user's prelude or imports, and
// must not need `unsafe` in the user's crate beyond the module's exported
// init symbols (which hpy_module! allows for itself).
#![no_implicit_prelude]
#![deny(unsafe_code)]

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

fn init<'ctx>(_ctx: ::hpy::Context<'ctx>, _m: &::hpy::Handle<'ctx>) -> ::hpy::HPyResult<()> {
    ::std::result::Result::Ok(())
}

::hpy::hpy_module! {
    /// Hygiene check.
    name: hygiene,
    methods: [f, g, h],
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
