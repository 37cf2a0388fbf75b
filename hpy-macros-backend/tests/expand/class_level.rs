//! Static and class methods, and `#[hpy_class(eq, ord, hash, frozen,
//! str)]`: derived special methods, a frozen class with read-only members,
//! a class without `#[hpy_methods]`.
use std::fmt;

use hpy::{hpy_class, hpy_methods, HPyResult, Handle};

/// A version number, compared, hashed and printed through its traits.
#[derive(PartialEq, PartialOrd, Hash)]
#[hpy_class(module = "snapshot", eq, ord, hash, frozen, str)]
struct Version {
    #[member(readonly)]
    major: i64,
    #[member(readonly)]
    minor: i64,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[hpy_methods]
impl Version {
    #[new]
    fn new(major: i64, minor: i64) -> Version {
        Version { major, minor }
    }

    /// The newest format.
    #[staticmethod]
    fn latest() -> Version {
        Version { major: 2, minor: 0 }
    }

    /// Adds two numbers.
    #[staticmethod(signature = (a, b = 1))]
    fn add(a: i64, b: i64) -> i64 {
        a + b
    }

    /// The name of the class it is called on.
    #[classmethod]
    fn kind(cls: &Handle<'_>) -> HPyResult<String> {
        cls.get_attr_s("__name__")?.extract()
    }

    /// Parses `MAJOR.MINOR`.
    #[classmethod]
    fn parse(cls: &Handle<'_>, text: &str) -> HPyResult<Self> {
        let _ = (cls, text);
        Ok(Version { major: 1, minor: 0 })
    }
}

/// Equal by value, and no `#[hpy_methods]` block.
#[derive(PartialEq)]
#[hpy_class(module = "snapshot", eq)]
struct Point {
    #[member]
    x: i64,
}

fn main() {}
