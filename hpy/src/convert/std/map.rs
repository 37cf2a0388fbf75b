//! `dict` (and other mappings, iterables of pairs) ↔ `HashMap<K, V>` /
//! `BTreeMap<K, V>`.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};

use crate::{Context, Dict, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// Calls `f(key, value)` for every item of `obj`, read the way `dict(obj)`
/// reads it: a dict directly (keys from `HPyDict_Keys`, values from
/// `HPy_GetItem`), another mapping (an object with `keys`) through
/// `keys()` and `obj[key]`, anything else as an iterable of pairs.
pub(in crate::convert) fn for_each_item<'ctx>(
    obj: &Handle<'ctx>,
    mut f: impl FnMut(&Handle<'ctx>, &Handle<'ctx>) -> HPyResult<()>,
) -> HPyResult<()> {
    let Some(dict) = obj.downcast_ref::<Dict>() else {
        return for_each_item_slow(obj, &mut f);
    };
    let keys = dict.keys()?;
    for i in 0..keys.len()? {
        let key = keys.get(i as isize)?;
        let value = dict.get_item(&key)?;
        f(&key, &value)?;
    }
    Ok(())
}

/// [`for_each_item`] for what is not a dict.
#[cold]
fn for_each_item_slow<'ctx>(
    obj: &Handle<'ctx>,
    f: &mut dyn FnMut(&Handle<'ctx>, &Handle<'ctx>) -> HPyResult<()>,
) -> HPyResult<()> {
    let ty = obj.get_type();
    if ty.has_attr_s("keys")? {
        for key in obj.call_method_s("keys", &[])?.iter()? {
            let key = key?;
            let value = obj.get_item(&key)?;
            f(&key, &value)?;
        }
        return Ok(());
    }
    if obj.is_str() || !super::seq::is_iterable_type(&ty) {
        return Err(HPyErr::wrong_type("dict", obj.type_name()));
    }
    for (i, pair) in obj.iter()?.enumerate() {
        let pair = pair?;
        let (key, value) = pair_of(&pair).map_err(|e| e.in_item(i))?;
        f(&key, &value)?;
    }
    Ok(())
}

/// The key and value of one item of an iterable of pairs, as `dict()`
/// requires: an iterable of exactly two items.
fn pair_of<'ctx>(pair: &Handle<'ctx>) -> HPyResult<(Handle<'ctx>, Handle<'ctx>)> {
    if pair.is_str() || !super::seq::is_iterable_type(&pair.get_type()) {
        return Err(HPyErr::wrong_type("a (key, value) pair", pair.type_name()));
    }
    let mut items = pair.iter()?;
    let mut next = || items.next().transpose();
    match (next()?, next()?) {
        (Some(key), Some(value)) => match next()? {
            None => Ok((key, value)),
            Some(_) => {
                let mut len = 3;
                for item in items {
                    item?;
                    len += 1;
                }
                Err(HPyErr::value_error(format!(
                    "dictionary update sequence element has length {len}; 2 is required"
                )))
            }
        },
        (first, _) => Err(HPyErr::value_error(format!(
            "dictionary update sequence element has length {}; 2 is required",
            usize::from(first.is_some())
        ))),
    }
}

/// A new dict filled from `(key, value)` pairs (`HPyDict_New` + `HPy_SetItem`).
pub(in crate::convert) fn dict_from_iter<'ctx, K, V>(
    ctx: Context<'ctx>,
    items: impl IntoIterator<Item = (K, V)>,
) -> HPyResult<Handle<'ctx>>
where
    K: IntoHPy<'ctx>,
    V: IntoHPy<'ctx>,
{
    let dict = ctx.new_dict()?;
    for (k, v) in items {
        dict.set_item(&k.into_hpy(ctx)?, &v.into_hpy(ctx)?)?;
    }
    Ok(dict.into_handle())
}

impl<'ctx, K, V, S> FromHPy<'_, 'ctx> for HashMap<K, V, S>
where
    K: for<'b> FromHPy<'b, 'ctx> + Eq + Hash,
    V: for<'b> FromHPy<'b, 'ctx>,
    S: BuildHasher + Default,
{
    /// Accepts what `dict()` does: a `dict` (the fast path), another
    /// mapping (an object with `keys()`), or an iterable of `(key, value)`
    /// pairs.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let mut map = HashMap::with_hasher(S::default());
        for_each_item(obj, |k, v| {
            map.insert(K::extract(k)?, V::extract(v).map_err(|e| e.in_value_of(k))?);
            Ok(())
        })?;
        Ok(map)
    }
}

impl<'ctx, K, V> FromHPy<'_, 'ctx> for BTreeMap<K, V>
where
    K: for<'b> FromHPy<'b, 'ctx> + Ord,
    V: for<'b> FromHPy<'b, 'ctx>,
{
    /// Accepts what `dict()` does, as for `HashMap`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        let mut map = BTreeMap::new();
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

impl<'ctx, K: IntoHPy<'ctx>, V: IntoHPy<'ctx>> IntoHPy<'ctx> for BTreeMap<K, V> {
    /// A new `dict`, in key order.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        dict_from_iter(ctx, self)
    }
}
