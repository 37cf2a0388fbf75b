//! Feature `hashbrown`: `hashbrown::HashMap<K, V, S>` ↔ `dict`,
//! `hashbrown::HashSet<T, S>` ↔ `set` (a `frozenset` through
//! [`FrozenSet`](crate::FrozenSet)).
//!
//! Exactly as std's `HashMap` and `HashSet`: from Python what `dict()`
//! accepts, and for a set any iterable except `str` and `dict` (a
//! `frozenset`, a list …); to Python a new `dict` or `set`.

use std::hash::{BuildHasher, Hash};

use hashbrown::{HashMap, HashSet};

use super::no_room_for;
use super::std::map::{dict_from_iter, for_each_item};
use super::std::seq::length_hint;
use super::std::set::{build, extract_into};
use crate::{Context, FromHPy, HPyResult, Handle, IntoHPy};

impl<'ctx, K, V, S> FromHPy<'_, 'ctx> for HashMap<K, V, S>
where
    K: for<'b> FromHPy<'b, 'ctx> + Eq + Hash,
    V: for<'b> FromHPy<'b, 'ctx>,
    S: BuildHasher + Default,
{
    /// Accepts what `dict()` does, as std's `HashMap`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let mut map = HashMap::with_hasher(S::default());
        for_each_item(obj, |k, v| {
            map.insert(K::extract(k)?, V::extract(v).map_err(|e| e.in_value_of(k))?);
            Ok(())
        })?;
        Ok(map)
    }
}

impl<'ctx, K: IntoHPy<'ctx>, V: IntoHPy<'ctx>, S> IntoHPy<'ctx> for HashMap<K, V, S> {
    /// A new `dict`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        dict_from_iter(ctx, self)
    }
}

impl<'ctx, T, S> FromHPy<'_, 'ctx> for HashSet<T, S>
where
    T: for<'b> FromHPy<'b, 'ctx> + Eq + Hash,
    S: BuildHasher + Default,
{
    /// Accepts a `set`, a `frozenset` or any other iterable except `str`
    /// and `dict`, as std's `HashSet`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let mut set = HashSet::with_hasher(S::default());
        // A huge announced size is a MemoryError now, not an abort later.
        if let Some(n) = length_hint(obj)? {
            set.try_reserve(n).map_err(|_| no_room_for::<T>(n))?;
        }
        extract_into(obj, |item| {
            set.insert(item);
        })?;
        Ok(set)
    }
}

impl<'ctx, T: IntoHPy<'ctx>, S> IntoHPy<'ctx> for HashSet<T, S> {
    /// A new `set`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        build(ctx, "set", self.into_iter())
    }
}
