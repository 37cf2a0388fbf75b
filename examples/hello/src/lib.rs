//! The smallest useful hpy-rs extension.

#![forbid(unsafe_code)]

use hpy::{hpy_method, hpy_module, Context, HPyResult, IntoHPy, List, Str};

/// Returns a greeting for `name`.
#[hpy_method]
fn greet(name: &str) -> String {
    format!("Hello, {name}!")
}

/// Returns a list of greetings, one per name of the list `names` (typed
/// handles: a `list` argument, `str` items, a new `list`).
#[hpy_method]
fn greet_all<'ctx>(ctx: Context<'ctx>, names: &List<'ctx>) -> HPyResult<List<'ctx>> {
    let greetings = ctx.new_list()?;
    for i in 0..names.len()? {
        let name = names.get(i as isize)?.downcast::<Str>()?;
        greetings.append(&format!("Hello, {}!", name.to_str()?).into_hpy(ctx)?)?;
    }
    Ok(greetings)
}

hpy_module! {
    /// Greetings from Rust.
    methods: [greet, greet_all],
}
