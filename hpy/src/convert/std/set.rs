//! `set` / `frozenset` ↔ `HashSet<T>` / `BTreeSet<T>`.
//!
//! HPy 0.9 has no set API: sets are read with `iter`/`next` and built by
//! calling the builtin `set` (or `frozenset`) on a list of the items.

use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasher, Hash};

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// Adds every item of the iterable `obj` (not a `str` or `dict`), converted,
/// to `out`.
pub(in crate::convert) fn extract_into<'ctx, T>(
    obj: &Handle<'ctx>,
    mut insert: impl FnMut(T),
) -> HPyResult<()>
where
    T: for<'b> FromHPy<'b, 'ctx>,
{
    super::seq::refuse_str_and_dict(obj)
        .map_err(|_| HPyErr::wrong_type("set or iterable", obj.type_name()))?;
    if !super::seq::is_iterable_type(&obj.get_type()) {
        return Err(HPyErr::wrong_type("set or iterable", obj.type_name()));
    }
    crate::iter::for_each_item(obj, |item| {
        insert(T::extract(item)?);
        Ok(())
    })
}

/// `builtin(list_of_items)`: a new `set` or `frozenset`.
pub(in crate::convert) fn build<'ctx, T: IntoHPy<'ctx>>(
    ctx: Context<'ctx>,
    builtin: &str,
    items: impl ExactSizeIterator<Item = T>,
) -> HPyResult<Handle<'ctx>> {
    let list = crate::builder::list_from_iter(ctx, items)?;
    ctx.builtin(builtin)?.call(&[&list])
}

impl<'ctx, T, S> FromHPy<'_, 'ctx> for HashSet<T, S>
where
    T: for<'b> FromHPy<'b, 'ctx> + Eq + Hash,
    S: BuildHasher + Default,
{
    /// Accepts a `set`, a `frozenset` or any other iterable except `str`
    /// and `dict` (as `Vec<T>` does).
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let mut set = HashSet::with_hasher(S::default());
        // A huge announced size is a MemoryError now, not an abort later.
        if let Some(n) = super::seq::length_hint(obj)? {
            set.try_reserve(n)
                .map_err(|_| crate::convert::no_room_for::<T>(n))?;
        }
        extract_into(obj, |item| {
            set.insert(item);
        })?;
        Ok(set)
    }
}

impl<'ctx, T> FromHPy<'_, 'ctx> for BTreeSet<T>
where
    T: for<'b> FromHPy<'b, 'ctx> + Ord,
{
    /// Accepts what `HashSet<T>` does.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        // Through a Vec reserved for the announced size: a huge size
        // (`range(2**40)`) is a MemoryError at once instead of hours of
        // inserting, and the set is then built from sorted items in bulk.
        let mut items = Vec::new();
        if let Some(n) = super::seq::length_hint(obj)? {
            items
                .try_reserve(n)
                .map_err(|_| crate::convert::no_room_for::<T>(n))?;
        }
        extract_into(obj, |item| items.push(item))?;
        Ok(items.into_iter().collect())
    }
}

impl<'ctx, T: IntoHPy<'ctx>, S> IntoHPy<'ctx> for HashSet<T, S> {
    /// A new `set`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        build(ctx, "set", self.into_iter())
    }
}

impl<'ctx, T: IntoHPy<'ctx>> IntoHPy<'ctx> for BTreeSet<T> {
    /// A new `set`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        build(ctx, "set", self.into_iter())
    }
}

/// A Rust collection that converts to a Python `frozenset` (instead of the
/// `set` a `HashSet` or `BTreeSet` gives).
///
/// ```
/// use std::collections::BTreeSet;
/// use hpy::{hpy_method, FrozenSet};
///
/// #[hpy_method]
/// fn vowels() -> FrozenSet<BTreeSet<char>> {
///     FrozenSet("aeiou".chars().collect())
/// }
/// # fn main() {}
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrozenSet<C>(pub C);

impl<'ctx, C> IntoHPy<'ctx> for FrozenSet<C>
where
    C: IntoIterator,
    C::IntoIter: ExactSizeIterator,
    C::Item: IntoHPy<'ctx>,
{
    /// A new `frozenset`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        build(ctx, "frozenset", self.0.into_iter())
    }
}

impl<'ctx, C> FromHPy<'_, 'ctx> for FrozenSet<C>
where
    C: for<'b> FromHPy<'b, 'ctx>,
{
    /// Whatever `C` accepts.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        C::extract(obj).map(FrozenSet)
    }
}
