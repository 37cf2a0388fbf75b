//! `hpyrs_reexport`: the macros with `crate = "..."`. This crate has no
//! dependency called `hpy` (it reaches hpy as `hpy_reexport`, as a crate
//! using an SDK that re-exports hpy would), so an expansion that named
//! `::hpy` would not compile. Both kinds of path are used: the extern crate
//! name (`hpy_reexport`) and a path through a module of this crate
//! (`crate::sdk::hpy`). See `tests/python/test_crate_path.py`.

use hpy_reexport::{hpy_class, hpy_method, hpy_methods, hpy_module, Context, HPyResult, Str};

/// What an SDK re-exporting hpy looks like from the inside.
mod sdk {
    pub use hpy_reexport as hpy;
}

/// `2 * x`.
#[hpy_method(crate = "hpy_reexport")]
fn double(x: i64) -> i64 {
    2 * x
}

/// A name and the number of times it was greeted.
#[hpy_class(crate = "crate::sdk::hpy", module = "hpyrs_reexport")]
struct Greeter {
    name: String,
    #[member]
    count: i64,
}

#[hpy_methods(crate = "crate::sdk::hpy")]
impl Greeter {
    #[new]
    fn new(name: String) -> Self {
        Greeter { name, count: 0 }
    }

    /// Greets and counts.
    fn greet(&mut self, punctuation: Option<String>) -> String {
        self.count += 1;
        format!(
            "Hello, {}{}",
            self.name,
            punctuation.as_deref().unwrap_or("!")
        )
    }

    /// The length of the name (a slot).
    fn __len__(&self) -> usize {
        self.name.len()
    }

    #[getter]
    fn name(&self) -> String {
        self.name.clone()
    }

    #[getter]
    fn shout(&self) -> String {
        self.name.to_uppercase()
    }

    #[staticmethod]
    fn default_name(ctx: Context<'_>) -> HPyResult<Str<'_>> {
        ctx.unicode_from_fmt(format_args!("world"))
    }
}

hpy_module! {
    /// Reaches hpy through the `crate` option only.
    crate: hpy_reexport,
    // The other module option a user sets rarely: this module refuses
    // isolated subinterpreters (tests/python/test_subinterpreters.py).
    subinterpreters: false,
    methods: [double],
    types: [Greeter],
}
