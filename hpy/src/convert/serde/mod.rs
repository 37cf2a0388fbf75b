//! Feature `serde`: any `Serialize` value to Python objects and any
//! `Deserialize` value from them, with the representation `pythonize`
//! uses: a struct or map is a `dict`, a sequence a `list`, a tuple (and a
//! tuple struct) a `tuple`, `None`/`()`/a unit struct `None`, bytes
//! `bytes`; an enum's unit variant is its name (`"Red"`), any other
//! variant a one-item dict `{"Circle": {"r": 1.0}}`.
//!
//! Reading is as lenient as `pythonize` where Python code would expect it:
//! a sequence may be any `collections.abc.Sequence` but a `str` (a `set` or
//! `frozenset` too, where the length is not fixed), a map, struct or enum
//! any `collections.abc.Mapping` or a dataclass instance (its fields), an
//! integer anything with `__index__`, a float anything with `__float__`.
//! It is stricter where `pythonize` surprises: a `bool` is only `True` or
//! `False` and never a number, and `{"Unit": value}` needs `value` None.
//!
//! [`Serde<T>`] is the wrapper for parameters and return values;
//! [`to_object`] and [`from_object`] are the functions. A value that does
//! not fit raises `TypeError` (a wrong type) or `ValueError` / `OverflowError`
//! whose message names the path to it: `sizes[1]: expected u32, got str`.
//! Nesting is bounded both ways: a container that contains itself, or
//! values nested more than 128 containers deep (serde_json's bound), raise
//! `RecursionError` as CPython's own recursion limit would, never overflow
//! the stack.
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use hpy::hpy_method;
//! use hpy::serde::Serde;
//!
//! // With `#[derive(Serialize, Deserialize)]` structs it works the same way.
//! type Sizes = BTreeMap<String, Vec<u32>>;
//!
//! /// `grow({"a": [1, 2]}) == {"a": [2, 3]}`
//! #[hpy_method]
//! fn grow(sizes: Serde<Sizes>) -> Serde<Sizes> {
//!     let mut sizes = sizes.0;
//!     sizes.values_mut().flatten().for_each(|s| *s += 1);
//!     Serde(sizes)
//! }
//! # fn main() {}
//! ```

use crate::{Context, FromHPy, HPyResult, Handle, IntoHPy};
use ::serde::ser::Serialize;
use ::serde::Deserialize;

// The serializer (Rust to Python) and the deserializer (Python to Rust)
// apart; here the wrapper, the two functions and the error they share.
mod deserializer;
mod error;
mod serializer;

use deserializer::De;
pub use error::Error;
use serializer::Ser;

/// A value converted with serde: from Python when `T: Deserialize`, to
/// Python when `T: Serialize` (see the [module](self) for the shapes).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Serde<T>(pub T);

impl<'ctx, T: for<'de> Deserialize<'de>> FromHPy<'_, 'ctx> for Serde<T> {
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        from_object(obj).map(Serde)
    }
}

impl<'ctx, T: Serialize> IntoHPy<'ctx> for Serde<T> {
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        to_object(ctx, &self.0)
    }
}

/// `value` as a Python object.
pub fn to_object<'ctx, T: Serialize + ?Sized>(
    ctx: Context<'ctx>,
    value: &T,
) -> HPyResult<Handle<'ctx>> {
    value.serialize(Ser { ctx }).map_err(Error::into_hpy_err)
}

/// A `T` read from the Python object `obj`.
pub fn from_object<'ctx, T: for<'de> Deserialize<'de>>(obj: &Handle<'ctx>) -> HPyResult<T> {
    T::deserialize(De { obj }).map_err(Error::into_hpy_err)
}
