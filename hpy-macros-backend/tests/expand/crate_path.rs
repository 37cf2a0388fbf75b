//! `crate = "..."` (and `crate:` in `hpy_module!`): every path the
//! expansion emits starts with the given path instead of `::hpy`, here a
//! re-export inside this crate. Paths the user writes stay as written.
#![forbid(unsafe_code)]

mod sdk {
    pub use ::hpy;
}

use sdk::hpy::{hpy_class, hpy_method, hpy_methods, hpy_module};

#[hpy_method(crate = "crate::sdk::hpy")]
fn double(x: i64) -> i64 {
    2 * x
}

/// A counter.
#[hpy_class(crate = "crate::sdk::hpy")]
struct Counter {
    #[member]
    count: i64,
}

#[hpy_methods(crate = "crate::sdk::hpy")]
impl Counter {
    #[new]
    fn new() -> Self {
        Counter { count: 0 }
    }

    fn bump(&mut self) -> i64 {
        self.count += 1;
        self.count
    }

    fn __len__(&self) -> usize {
        self.count as usize
    }

    fn same(&self, other: &::hpy::Handle<'_>) -> bool {
        other.is_none()
    }
}

hpy_module! {
    crate: crate::sdk::hpy,
    name: crate_path,
    methods: [double],
    types: [Counter],
}

fn main() {}
