//! Feature `indexmap`: `IndexMap<K, V, S>` ↔ `dict`, in order both ways.
//!
//! From Python, what `HashMap` accepts (what `dict()` does: a `dict`,
//! another mapping, an iterable of pairs), the items kept in the object's
//! iteration order (a dict's insertion order); a key seen twice keeps its
//! first place and its last value, as in a dict. To Python: a `dict` in
//! the map's order.

use std::hash::{BuildHasher, Hash};

use indexmap::IndexMap;

use super::std::map::{dict_from_iter, for_each_item};
use crate::{Context, FromHPy, HPyResult, Handle, IntoHPy};

impl<'ctx, K, V, S> FromHPy<'_, 'ctx> for IndexMap<K, V, S>
where
    K: for<'b> FromHPy<'b, 'ctx> + Eq + Hash,
    V: for<'b> FromHPy<'b, 'ctx>,
    S: BuildHasher + Default,
{
    /// Accepts what `dict()` does, in its order.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let mut map = IndexMap::with_hasher(S::default());
        for_each_item(obj, |k, v| {
            map.insert(K::extract(k)?, V::extract(v).map_err(|e| e.in_value_of(k))?);
            Ok(())
        })?;
        Ok(map)
    }
}

impl<'ctx, K: IntoHPy<'ctx>, V: IntoHPy<'ctx>, S> IntoHPy<'ctx> for IndexMap<K, V, S> {
    /// A new `dict`, in the map's order.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        dict_from_iter(ctx, self)
    }
}
