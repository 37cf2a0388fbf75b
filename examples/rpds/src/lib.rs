//! `rpds`: rpds-py 2026.9.1 (Python bindings of the `rpds` crate's
//! persistent collections) ported from PyO3 to hpy-rs. The collections keep
//! their Python objects as [`hpy::Stored`] references of one
//! [`hpy::ObjectStore`] per family of collections (a collection and those
//! made from it share nodes, and so a store): `docs/shared-objects.md`.
//! What changed from the PyO3 source: `docs/porting-rpds.md`.

#![forbid(unsafe_code)]

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use hpy::{
    hpy_class, hpy_methods, hpy_module, Abc, Constant, Context, Dict, Field, HPyClass, HPyErr,
    HPyResult, Handle, IntoHPy, List, ObjectStore, Ref, RichCompareOp, SnapshotIter, Stored,
    VarArgs, WithFields,
};
use rpds::{HashTrieMapSync, HashTrieSetSync, ListSync, QueueSync, StackSync};

fn hash_shuffle_bits(h: usize) -> usize {
    ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
}

/// A key of a map or set: the object's hash, computed once, and the
/// object. Equality calls Python `==` through the current store scope.
#[derive(Clone)]
struct Key {
    hash: isize,
    inner: Stored,
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_isize(self.hash);
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.inner.eq_in_scope(&other.inner)
    }
}

impl Eq for Key {}

/// The classes of this module: each keeps its store in a `Field`.
trait Collection: HPyClass {
    fn store_field(&self) -> &Field;
}

/// The store of a collection.
fn store_of<'ctx, T: Collection>(slf: &Ref<'_, 'ctx, T>) -> HPyResult<Handle<'ctx>> {
    slf.load(slf.store_field())
        .ok_or_else(|| HPyErr::runtime_error("rpds object without its store"))
}

/// A fresh store.
fn new_store(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
    ObjectStore::new().into_hpy(ctx)
}

/// Borrows a store handle.
fn borrow_store<'a, 'ctx>(h: &'a Handle<'ctx>) -> HPyResult<Ref<'a, 'ctx, ObjectStore>> {
    Ref::<ObjectStore>::borrow(h.borrow())
}

/// A key made from `obj`, kept by `store`.
fn key<'ctx>(store: &Ref<'_, 'ctx, ObjectStore>, obj: &Handle<'ctx>) -> HPyResult<Key> {
    Ok(Key {
        hash: obj.hash()?,
        inner: store.stash(obj),
    })
}

/// A key made from `obj`, whose reference moves into `store`.
fn key_owned<'ctx>(store: &Ref<'_, 'ctx, ObjectStore>, obj: Handle<'ctx>) -> HPyResult<Key> {
    Ok(Key {
        hash: obj.hash()?,
        inner: store.stash_owned(obj),
    })
}

/// `repr(obj)`, or the original's placeholder when it fails.
fn repr_or(obj: HPyResult<Handle<'_>>, fallback: &str) -> String {
    obj.and_then(|o| o.repr())
        .unwrap_or_else(|_| fallback.to_owned())
}

macro_rules! collection {
    ($name:ident) => {
        impl Collection for $name {
            fn store_field(&self) -> &Field {
                &self.store
            }
        }

        impl $name {
            /// A new instance holding `inner`, whose references `store` keeps.
            fn with<'ctx>(
                store: &Handle<'ctx>,
                inner: <$name as Inner>::T,
            ) -> WithFields<'ctx, $name> {
                WithFields::new($name {
                    store: Field::new(),
                    inner,
                })
                .set(|c| &c.store, store.dup())
            }
        }
    };
}

/// The Rust collection a class wraps.
trait Inner {
    type T;
}

/// What `__reduce__` returns: the class and the arguments that rebuild
/// the collection (one list of items).
type Pickled<'ctx> = (Handle<'ctx>, (List<'ctx>,));

// ------------------------------------------------------------------ HashTrieMap

/// A persistent hash map (`rpds::HashTrieMap`).
#[hpy_class(name = "HashTrieMap", module = "rpds", frozen)]
struct HashTrieMapPy {
    store: Field,
    inner: HashTrieMapSync<Key, Stored>,
}

impl Inner for HashTrieMapPy {
    type T = HashTrieMapSync<Key, Stored>;
}

collection!(HashTrieMapPy);

/// Inserts every `(key, value)` of a mapping (its `items()`) or of an
/// iterable of pairs into `map`.
fn extend_map<'ctx>(
    store: &Ref<'_, 'ctx, ObjectStore>,
    map: &mut HashTrieMapSync<Key, Stored>,
    value: &Handle<'ctx>,
) -> HPyResult<()> {
    let ctx = value.context();
    if value.get_type().is(&ctx.builtin("dict")?) {
        // An exact dict as a C HPy binding reads one: its keys as one list
        // (`HPyDict_Keys`), then each value looked up. A key's `__hash__`
        // and `__eq__` (Python code only for keys of a class of one's own)
        // run once more than in rpds-py, which copies the items out first.
        let dict: Dict<'ctx> = value.extract()?;
        for k in dict.keys()?.iter()? {
            let k = k?;
            let v = value.get_item(&k)?;
            let k = key_owned(store, k)?;
            let v = store.stash_owned(v);
            store.scope(|| map.insert_mut(k, v))?;
        }
        return Ok(());
    }
    let pairs = if Abc::Mapping.is_instance(value)? {
        // A mapping's items as one list, as rpds-py reads them (PyO3's
        // `PyMapping::items` is `PyMapping_Items`, a list): `Handle::iter`
        // then reads it by index, where an `items()` view would go through
        // the builtin `next`, one call per item in the universal ABI.
        let items = value.call_method_s("items", &[])?;
        ctx.constant(Constant::ListType).call(&[&items])?
    } else {
        value.dup()
    };
    for pair in pairs.iter()? {
        let pair = pair?;
        let (k, v): (Handle<'ctx>, Handle<'ctx>) = pair.extract()?;
        let k = key_owned(store, k)?;
        let v = store.stash_owned(v);
        store.scope(|| map.insert_mut(k, v))?;
    }
    Ok(())
}

#[hpy_methods]
impl HashTrieMapPy {
    #[new(signature = (value = None, **kwds))]
    fn init<'ctx>(
        ctx: Context<'ctx>,
        value: Option<Handle<'ctx>>,
        kwds: Option<Handle<'ctx>>,
    ) -> HPyResult<WithFields<'ctx, HashTrieMapPy>> {
        let sh = new_store(ctx)?;
        let store = borrow_store(&sh)?;
        let mut map = HashTrieMapSync::new_sync();
        if let Some(value) = value {
            extend_map(&store, &mut map, &value)?;
        }
        if let Some(kwds) = kwds {
            extend_map(&store, &mut map, &kwds)?;
        }
        drop(store);
        Ok(HashTrieMapPy::with(&sh, map))
    }

    fn __contains__<'ctx>(slf: Ref<'_, 'ctx, Self>, key_obj: &Handle<'ctx>) -> HPyResult<bool> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = key(&store, key_obj)?;
        store.scope(|| slf.inner.contains_key(&k))
    }

    fn __getitem__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        key_obj: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = key(&store, key_obj)?;
        match store.scope(|| slf.inner.get(&k).cloned())? {
            Some(v) => store.get(&v),
            None => Err(HPyErr::from_type_value(
                &key_obj.context().constant(hpy::Constant::KeyError),
                key_obj,
            )),
        }
    }

    #[method(signature = (key, default = None))]
    fn get<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        key: &Handle<'ctx>,
        default: Option<Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = self::key(&store, key)?;
        match store.scope(|| slf.inner.get(&k).cloned())? {
            Some(v) => store.get(&v),
            None => Ok(default.unwrap_or_else(|| key.context().none())),
        }
    }

    fn __len__(&self) -> usize {
        self.inner.size()
    }

    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, KeysIterator>> {
        let sh = store_of(&slf)?;
        let keys: Vec<Stored> = slf.inner.keys().map(|k| k.inner.clone()).collect();
        Ok(KeysIterator::with(&sh, keys.into_iter()))
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let contents: Vec<String> = slf
            .inner
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}: {}",
                    repr_or(store.get(&k.inner), "<repr error>"),
                    repr_or(store.get(v), "<repr error>")
                )
            })
            .collect();
        Ok(format!("HashTrieMap({{{}}})", contents.join(", ")))
    }

    fn __richcmp__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = other.context();
        let Ok(other) = other.extract::<Ref<'_, 'ctx, HashTrieMapPy>>() else {
            return Ok(ctx.constant(hpy::Constant::NotImplemented));
        };
        let eq = match op {
            RichCompareOp::Eq => true,
            RichCompareOp::Ne => false,
            _ => return Ok(ctx.constant(hpy::Constant::NotImplemented)),
        };
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let osh = store_of(&other)?;
        let ostore = borrow_store(&osh)?;
        let same = maps_equal(&store, &slf.inner, &ostore, &other.inner)?;
        Ok(ctx.bool(same == eq))
    }

    fn __hash__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<isize> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let mut hash_val = slf
            .inner
            .iter()
            .map(|(key, val)| {
                let mut hasher = DefaultHasher::new();
                let val = store.get(val)?;
                let val_hash = val.hash().map_err(|err| {
                    // The hash's exception is cleared before repr runs
                    // Python code (a `|_|` argument would live until the
                    // closure returns, and repr would run with it set).
                    drop(err);
                    HPyErr::type_error(format!(
                        "Unhashable type in HashTrieMap of key {}: {}",
                        repr_or(store.get(&key.inner), "<repr> error"),
                        val.repr().unwrap_or_else(|_| "<repr> error".to_owned())
                    ))
                })?;
                hasher.write_isize(key.hash);
                hasher.write_isize(val_hash);
                Ok(hasher.finish() as usize)
            })
            .try_fold(0, |acc: usize, x: HPyResult<usize>| {
                HPyResult::Ok(acc ^ hash_shuffle_bits(x?))
            })?;
        hash_val ^= slf.inner.size().wrapping_add(1).wrapping_mul(1927868237);
        hash_val ^= (hash_val >> 11) ^ (hash_val >> 25);
        hash_val = hash_val.wrapping_mul(69069).wrapping_add(907133923);
        Ok(hash_val as isize)
    }

    fn __reduce__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Pickled<'ctx>> {
        let ctx = slf.handle().context();
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        // Collected first: the map's size is not the number of entries its
        // iterator yields once keys whose `__eq__` changes its answer went
        // in (rpds counts by the answers), and a list built for `size()`
        // items would be a SystemError (issue 36).
        let items = slf
            .inner
            .iter()
            .map(|(k, v)| Ok((store.get(&k.inner)?, store.get(v)?)))
            .collect::<HPyResult<Vec<_>>>()?;
        let items = ctx.list_from_iter(items)?;
        Ok((hpy::type_object::<HashTrieMapPy>(ctx)?, (items,)))
    }

    #[classmethod]
    fn convert<'ctx>(cls: &Handle<'ctx>, value: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
        if value.extract::<Ref<'_, 'ctx, HashTrieMapPy>>().is_ok() {
            return Ok(value.dup());
        }
        cls.call(&[value])
    }

    #[classmethod(signature = (keys, val = None))]
    fn fromkeys<'ctx>(
        cls: &Handle<'ctx>,
        keys: &Handle<'ctx>,
        val: Option<Handle<'ctx>>,
    ) -> HPyResult<WithFields<'ctx, HashTrieMapPy>> {
        let _ = cls;
        let ctx = keys.context();
        let sh = new_store(ctx)?;
        let store = borrow_store(&sh)?;
        let value = val.unwrap_or_else(|| ctx.none());
        let mut map = HashTrieMapSync::new_sync();
        for each in keys.iter()? {
            let k = key_owned(&store, each?)?;
            let v = store.stash(&value);
            store.scope(|| map.insert_mut(k, v))?;
        }
        drop(store);
        Ok(HashTrieMapPy::with(&sh, map))
    }

    fn keys<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, KeysView>> {
        let sh = store_of(&slf)?;
        Ok(KeysView::with(&sh, slf.inner.clone()))
    }

    fn values<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, ValuesView>> {
        let sh = store_of(&slf)?;
        Ok(ValuesView::with(&sh, slf.inner.clone()))
    }

    fn items<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, ItemsView>> {
        let sh = store_of(&slf)?;
        Ok(ItemsView::with(&sh, slf.inner.clone()))
    }

    fn discard<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        key: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = self::key(&store, key)?;
        let inner = store.scope(|| slf.inner.remove(&k))?;
        drop(store);
        Ok(HashTrieMapPy::with(&sh, inner))
    }

    fn insert<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        key: &Handle<'ctx>,
        value: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = self::key(&store, key)?;
        let v = store.stash(value);
        let inner = store.scope(|| slf.inner.insert(k, v))?;
        drop(store);
        Ok(HashTrieMapPy::with(&sh, inner))
    }

    fn remove<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        key: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = self::key(&store, key)?;
        let removed = store.scope(|| slf.inner.contains_key(&k).then(|| slf.inner.remove(&k)))?;
        drop(store);
        match removed {
            Some(inner) => Ok(HashTrieMapPy::with(&sh, inner)),
            None => Err(HPyErr::from_type_value(
                &key.context().constant(hpy::Constant::KeyError),
                key,
            )),
        }
    }

    #[method(signature = (*maps, **kwds))]
    fn update<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        maps: VarArgs<'_, 'ctx>,
        kwds: Option<Handle<'ctx>>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let mut inner = slf.inner.clone();
        for value in maps.iter() {
            extend_map(&store, &mut inner, &value)?;
        }
        if let Some(kwds) = kwds {
            extend_map(&store, &mut inner, &kwds)?;
        }
        drop(store);
        Ok(HashTrieMapPy::with(&sh, inner))
    }
}

/// Whether two maps (of any stores) have equal sizes, keys and values.
fn maps_equal<'ctx>(
    store: &Ref<'_, 'ctx, ObjectStore>,
    a: &HashTrieMapSync<Key, Stored>,
    ostore: &Ref<'_, 'ctx, ObjectStore>,
    b: &HashTrieMapSync<Key, Stored>,
) -> HPyResult<bool> {
    if a.size() != b.size() {
        return Ok(false);
    }
    for (k, v1) in a.iter() {
        let Some(v2) = ObjectStore::scope(&[store, ostore], || b.get(k).cloned())? else {
            return Ok(false);
        };
        let v1 = store.get(v1)?;
        let v2 = ostore.get(&v2)?;
        if !v1
            .rich_compare_bool(&v2, RichCompareOp::Eq)
            .unwrap_or(false)
        {
            return Ok(false);
        }
    }
    Ok(true)
}

// ------------------------------------------------------------------ views

/// `HashTrieMap.keys()`.
#[hpy_class(module = "rpds", frozen)]
struct KeysView {
    store: Field,
    inner: HashTrieMapSync<Key, Stored>,
}

impl Inner for KeysView {
    type T = HashTrieMapSync<Key, Stored>;
}

collection!(KeysView);

#[hpy_methods]
impl KeysView {
    fn __contains__<'ctx>(slf: Ref<'_, 'ctx, Self>, key_obj: &Handle<'ctx>) -> HPyResult<bool> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = key(&store, key_obj)?;
        store.scope(|| slf.inner.contains_key(&k))
    }

    fn __richcmp__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = other.context();
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let (size, direction, negate) = compare_rule(op);
        let contains = |k: &Key| slf.inner.contains_key(k);
        let answer = set_compare(
            &store,
            slf.inner.keys(),
            slf.inner.size(),
            &contains,
            other,
            size,
            direction,
        )?;
        Ok(ctx.bool(answer != negate))
    }

    #[method(alias = "__and__")]
    fn intersection<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, HashTrieSetPy>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let mut inner = HashTrieSetSync::new_sync();
        for each in other.iter()? {
            let k = key_owned(&store, each?)?;
            store.scope(|| {
                if slf.inner.contains_key(&k) {
                    inner.insert_mut(k);
                }
            })?;
        }
        drop(store);
        Ok(HashTrieSetPy::with(&sh, inner))
    }

    #[method(alias = "__or__")]
    fn union<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, KeysView>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let mut inner = slf.inner.clone();
        let none = store.stash(&other.context().none());
        for each in other.iter()? {
            let k = key_owned(&store, each?)?;
            store.scope(|| inner.insert_mut(k, none.clone()))?;
        }
        drop(store);
        Ok(KeysView::with(&sh, inner))
    }

    fn __len__(&self) -> usize {
        self.inner.size()
    }

    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, KeysIterator>> {
        let sh = store_of(&slf)?;
        let keys: Vec<Stored> = slf.inner.keys().map(|k| k.inner.clone()).collect();
        Ok(KeysIterator::with(&sh, keys.into_iter()))
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let contents: Vec<String> = slf
            .inner
            .keys()
            .map(|k| repr_or(store.get(&k.inner), "<repr failed>"))
            .collect();
        Ok(format!("keys_view({{{}}})", contents.join(", ")))
    }
}

/// `HashTrieMap.values()`.
#[hpy_class(module = "rpds", frozen)]
struct ValuesView {
    store: Field,
    inner: HashTrieMapSync<Key, Stored>,
}

impl Inner for ValuesView {
    type T = HashTrieMapSync<Key, Stored>;
}

collection!(ValuesView);

#[hpy_methods]
impl ValuesView {
    fn __len__(&self) -> usize {
        self.inner.size()
    }

    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, KeysIterator>> {
        let sh = store_of(&slf)?;
        let values: Vec<Stored> = slf.inner.values().cloned().collect();
        Ok(KeysIterator::with(&sh, values.into_iter()))
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let contents: Vec<String> = slf
            .inner
            .values()
            .map(|v| repr_or(store.get(v), "<repr failed>"))
            .collect();
        Ok(format!("values_view([{}])", contents.join(", ")))
    }
}

/// `HashTrieMap.items()`.
#[hpy_class(module = "rpds", frozen)]
struct ItemsView {
    store: Field,
    inner: HashTrieMapSync<Key, Stored>,
}

impl Inner for ItemsView {
    type T = HashTrieMapSync<Key, Stored>;
}

collection!(ItemsView);

/// The value of `key_obj` in `map`, if any.
fn lookup<'ctx>(
    store: &Ref<'_, 'ctx, ObjectStore>,
    map: &HashTrieMapSync<Key, Stored>,
    key_obj: &Handle<'ctx>,
) -> HPyResult<Option<Handle<'ctx>>> {
    let k = key(store, key_obj)?;
    match store.scope(|| map.get(&k).cloned())? {
        Some(v) => Ok(Some(store.get(&v)?)),
        None => Ok(None),
    }
}

/// Whether the pair `kv` (any object) is an item of `map`: its `kv[0]`
/// is a key whose `(key, value)` tuple equals `kv`.
fn has_item<'ctx>(
    store: &Ref<'_, 'ctx, ObjectStore>,
    map: &HashTrieMapSync<Key, Stored>,
    kv: &Handle<'ctx>,
) -> HPyResult<Option<Handle<'ctx>>> {
    let k = kv.get_item_i(0)?;
    let Some(value) = lookup(store, map, &k)? else {
        return Ok(None);
    };
    let pair = (k, value).into_hpy(kv.context())?;
    Ok(pair
        .rich_compare_bool(kv, RichCompareOp::Eq)?
        .then_some(pair))
}

#[hpy_methods]
impl ItemsView {
    fn __contains__<'ctx>(slf: Ref<'_, 'ctx, Self>, item: &Handle<'ctx>) -> HPyResult<bool> {
        let (k, v): (Handle<'ctx>, Handle<'ctx>) = item.extract()?;
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        match lookup(&store, &slf.inner, &k)? {
            Some(value) => v.rich_compare_bool(&value, RichCompareOp::Eq),
            None => Ok(false),
        }
    }

    fn __richcmp__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = other.context();
        let (size, direction, negate) = compare_rule(op);
        if !Abc::Set.is_instance(other)? {
            return Ok(ctx.bool(negate));
        }
        let (ours, theirs) = (slf.inner.size(), other.len()?);
        let fits = match size {
            Size::Equal => theirs == ours,
            Size::Smaller => theirs > ours,
            Size::SmallerOrEqual => theirs >= ours,
            Size::Larger => theirs < ours,
            Size::LargerOrEqual => theirs <= ours,
        };
        if !fits {
            return Ok(ctx.bool(negate));
        }
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let self_in_other =
            matches!(direction, Direction::SelfInOther) || matches!(size, Size::Equal);
        let mut answer = true;
        if self_in_other {
            for (k, v) in slf.inner.iter() {
                let pair = (store.get(&k.inner)?, store.get(v)?).into_hpy(ctx)?;
                if !other.contains(&pair)? {
                    answer = false;
                    break;
                }
            }
        } else {
            for kv in other.iter()? {
                if has_item(&store, &slf.inner, &kv?)?.is_none() {
                    answer = false;
                    break;
                }
            }
        }
        Ok(ctx.bool(answer != negate))
    }

    #[method(alias = "__and__")]
    fn intersection<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, HashTrieSetPy>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let mut inner = HashTrieSetSync::new_sync();
        for kv in other.iter()? {
            if let Some(pair) = has_item(&store, &slf.inner, &kv?)? {
                let k = key(&store, &pair)?;
                store.scope(|| inner.insert_mut(k))?;
            }
        }
        drop(store);
        Ok(HashTrieSetPy::with(&sh, inner))
    }

    #[method(alias = "__or__")]
    fn union<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, HashTrieSetPy>> {
        let ctx = other.context();
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let mut inner = HashTrieSetSync::new_sync();
        for (k, v) in slf.inner.iter() {
            let pair = (store.get(&k.inner)?, store.get(v)?).into_hpy(ctx)?;
            let k = key(&store, &pair)?;
            store.scope(|| inner.insert_mut(k))?;
        }
        extend_set(&store, &mut inner, other)?;
        drop(store);
        Ok(HashTrieSetPy::with(&sh, inner))
    }

    fn __len__(&self) -> usize {
        self.inner.size()
    }

    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, ItemsIterator>> {
        let sh = store_of(&slf)?;
        let items: Vec<(Stored, Stored)> = slf
            .inner
            .iter()
            .map(|(k, v)| (k.inner.clone(), v.clone()))
            .collect();
        Ok(ItemsIterator::with(&sh, items.into_iter()))
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let contents: Vec<String> = slf
            .inner
            .iter()
            .map(|(k, v)| {
                format!(
                    "({}, {})",
                    repr_or(store.get(&k.inner), "<repr failed>"),
                    repr_or(store.get(v), "<repr failed>")
                )
            })
            .collect();
        Ok(format!("items_view([{}])", contents.join(", ")))
    }
}

// ------------------------------------------------------------------ iterators

/// An iterator over stored objects (keys, values, set members, list items).
#[hpy_class(module = "rpds")]
struct KeysIterator {
    store: Field,
    inner: std::vec::IntoIter<Stored>,
}

impl Inner for KeysIterator {
    type T = std::vec::IntoIter<Stored>;
}

collection!(KeysIterator);

#[hpy_methods]
impl KeysIterator {
    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Handle<'ctx> {
        slf.handle().dup()
    }

    fn __next__<'ctx>(slf: hpy::RefMut<'_, 'ctx, Self>) -> HPyResult<Option<Handle<'ctx>>> {
        let sh = slf
            .load(&slf.store)
            .ok_or_else(|| HPyErr::runtime_error("rpds object without its store"))?;
        let mut slf = slf;
        match slf.inner.next() {
            Some(item) => Ok(Some(borrow_store(&sh)?.get(&item)?)),
            None => Ok(None),
        }
    }
}

/// An iterator over `(key, value)` pairs.
#[hpy_class(module = "rpds")]
struct ItemsIterator {
    store: Field,
    inner: std::vec::IntoIter<(Stored, Stored)>,
}

impl Inner for ItemsIterator {
    type T = std::vec::IntoIter<(Stored, Stored)>;
}

collection!(ItemsIterator);

#[hpy_methods]
impl ItemsIterator {
    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> Handle<'ctx> {
        slf.handle().dup()
    }

    fn __next__<'ctx>(
        slf: hpy::RefMut<'_, 'ctx, Self>,
    ) -> HPyResult<Option<(Handle<'ctx>, Handle<'ctx>)>> {
        let sh = slf
            .load(&slf.store)
            .ok_or_else(|| HPyErr::runtime_error("rpds object without its store"))?;
        let mut slf = slf;
        match slf.inner.next() {
            Some((k, v)) => {
                let store = borrow_store(&sh)?;
                Ok(Some((store.get(&k)?, store.get(&v)?)))
            }
            None => Ok(None),
        }
    }
}

// ------------------------------------------------------------------ List

/// A persistent singly linked list (`rpds::List`).
#[hpy_class(name = "List", module = "rpds", frozen)]
struct ListPy {
    store: Field,
    inner: ListSync<Stored>,
}

impl Inner for ListPy {
    type T = ListSync<Stored>;
}

collection!(ListPy);

#[hpy_methods]
impl ListPy {
    #[new(signature = (*elements))]
    fn init<'ctx>(
        ctx: Context<'ctx>,
        elements: VarArgs<'_, 'ctx>,
    ) -> HPyResult<WithFields<'ctx, ListPy>> {
        let sh = new_store(ctx)?;
        let store = borrow_store(&sh)?;
        let mut inner = ListSync::new_sync();
        if elements.len() == 1 {
            let one = elements.iter().next().expect("one element");
            let ty = one.get_type();
            if ty.is_constant(Constant::ListType)
                || ty.is_constant(Constant::TupleType)
                || ty.is(&ctx.builtin("range")?)
            {
                // What `reversed` would give, read forwards: no Python code
                // runs between the reads of these three, and the SDK reads
                // them without calling `next` per item.
                let items = one.iter()?;
                let mut all = Vec::with_capacity(items.size_hint().0);
                for each in items {
                    all.push(each?);
                }
                for each in all.into_iter().rev() {
                    inner.push_front_mut(store.stash_owned(each));
                }
            } else {
                let reversed = ctx.builtin("reversed")?.call(&[&one])?;
                for each in reversed.iter()? {
                    inner.push_front_mut(store.stash_owned(each?));
                }
            }
        } else {
            let all: Vec<hpy::Borrowed<'_, 'ctx>> = elements.iter().collect();
            for each in all.iter().rev() {
                inner.push_front_mut(store.stash(each));
            }
        }
        drop(store);
        Ok(ListPy::with(&sh, inner))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let contents: Vec<String> = slf
            .inner
            .iter()
            .map(|k| repr_or(store.get(k), "<repr failed>"))
            .collect();
        Ok(format!("List([{}])", contents.join(", ")))
    }

    fn __richcmp__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = other.context();
        let Ok(other) = other.extract::<Ref<'_, 'ctx, ListPy>>() else {
            return Ok(ctx.constant(hpy::Constant::NotImplemented));
        };
        let eq = match op {
            RichCompareOp::Eq => true,
            RichCompareOp::Ne => false,
            _ => return Ok(ctx.constant(hpy::Constant::NotImplemented)),
        };
        let same = sequences_equal(
            &slf,
            slf.inner.iter(),
            &other,
            other.inner.iter(),
            slf.inner.len() == other.inner.len(),
        )?;
        Ok(ctx.bool(same == eq))
    }

    fn __hash__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<u64> {
        sequence_hash(&slf, slf.inner.iter(), "List")
    }

    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<SnapshotIter<Handle<'ctx>>> {
        Ok(SnapshotIter(items_of(&slf, slf.inner.iter())?))
    }

    fn __reversed__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, ListPy>> {
        let sh = store_of(&slf)?;
        Ok(ListPy::with(&sh, slf.inner.reverse()))
    }

    fn __reduce__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Pickled<'ctx>> {
        let ctx = slf.handle().context();
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let items = ctx.try_list_from_iter(slf.inner.iter().map(|e| store.get(e)))?;
        Ok((hpy::type_object::<ListPy>(ctx)?, (items,)))
    }

    #[getter]
    fn first<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        let sh = store_of(&slf)?;
        let first = slf
            .inner
            .first()
            .ok_or_else(|| HPyErr::index_error("empty list has no first element"))?;
        let store = borrow_store(&sh)?;
        store.get(first)
    }

    #[getter]
    fn rest<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, ListPy>> {
        let sh = store_of(&slf)?;
        let mut inner = slf.inner.clone();
        inner.drop_first_mut();
        Ok(ListPy::with(&sh, inner))
    }

    fn push_front<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, ListPy>> {
        let sh = store_of(&slf)?;
        let stored = borrow_store(&sh)?.stash(other);
        Ok(ListPy::with(&sh, slf.inner.push_front(stored)))
    }

    fn drop_first<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, ListPy>> {
        let sh = store_of(&slf)?;
        let inner = slf
            .inner
            .drop_first()
            .ok_or_else(|| HPyErr::index_error("empty list has no first element"))?;
        Ok(ListPy::with(&sh, inner))
    }
}

/// The original's hash of a sequence: its items' hashes through
/// `DefaultHasher`; `what` names the class in the error.
fn sequence_hash<'a, 'ctx, C: Collection>(
    slf: &Ref<'_, 'ctx, C>,
    items: impl Iterator<Item = &'a Stored>,
    what: &str,
) -> HPyResult<u64> {
    let sh = store_of(slf)?;
    let store = borrow_store(&sh)?;
    let mut hasher = DefaultHasher::new();
    for (index, each) in items.enumerate() {
        let each = store.get(each)?;
        let h = each.hash().map_err(|err| {
            drop(err); // cleared before repr runs Python code, as above
            HPyErr::type_error(format!(
                "Unhashable type at {} element in {}: {}",
                index,
                what,
                each.repr().unwrap_or_else(|_| "<repr> error".to_owned())
            ))
        })?;
        hasher.write_isize(h);
    }
    Ok(hasher.finish())
}

/// Every item, in order, as handles (for `__iter__`: the collection is
/// persistent, so its items are known when the iterator is made).
fn items_of<'a, 'ctx, C: Collection>(
    slf: &Ref<'_, 'ctx, C>,
    items: impl Iterator<Item = &'a Stored>,
) -> HPyResult<Vec<Handle<'ctx>>> {
    let sh = store_of(slf)?;
    let store = borrow_store(&sh)?;
    items.map(|k| store.get(k)).collect()
}

/// `repr` of every item, in order.
fn item_reprs<'a, 'ctx, C: Collection>(
    slf: &Ref<'_, 'ctx, C>,
    items: impl Iterator<Item = &'a Stored>,
) -> HPyResult<Vec<String>> {
    let sh = store_of(slf)?;
    let store = borrow_store(&sh)?;
    Ok(items
        .map(|k| repr_or(store.get(k), "<repr failed>"))
        .collect())
}

/// `==`/`!=` of two sequences of the same class (`NotImplemented` for
/// other classes and operators).
fn sequence_richcmp<'ctx, C: Collection, I: Fn(&C) -> Vec<&Stored>>(
    slf: &Ref<'_, 'ctx, C>,
    other: &Handle<'ctx>,
    op: RichCompareOp,
    items: I,
) -> HPyResult<Handle<'ctx>> {
    let ctx = other.context();
    let Ok(other) = other.extract::<Ref<'_, 'ctx, C>>() else {
        return Ok(ctx.constant(hpy::Constant::NotImplemented));
    };
    let eq = match op {
        RichCompareOp::Eq => true,
        RichCompareOp::Ne => false,
        _ => return Ok(ctx.constant(hpy::Constant::NotImplemented)),
    };
    let (a, b) = (items(slf), items(&other));
    let same = sequences_equal(
        slf,
        a.iter().copied(),
        &other,
        b.iter().copied(),
        a.len() == b.len(),
    )?;
    Ok(ctx.bool(same == eq))
}

/// Whether two sequences of stored objects (of any stores) are equal
/// item by item; `same_len` is their lengths' equality.
fn sequences_equal<'a, 'ctx, A: Collection, B: Collection>(
    a: &Ref<'_, 'ctx, A>,
    a_items: impl Iterator<Item = &'a Stored>,
    b: &Ref<'_, 'ctx, B>,
    b_items: impl Iterator<Item = &'a Stored>,
    same_len: bool,
) -> HPyResult<bool> {
    if !same_len {
        return Ok(false);
    }
    let ash = store_of(a)?;
    let astore = borrow_store(&ash)?;
    let bsh = store_of(b)?;
    let bstore = borrow_store(&bsh)?;
    for (x, y) in a_items.zip(b_items) {
        let x = astore.get(x)?;
        let y = bstore.get(y)?;
        if !x.rich_compare_bool(&y, RichCompareOp::Eq).unwrap_or(false) {
            return Ok(false);
        }
    }
    Ok(true)
}

// ------------------------------------------------------------------ Stack

/// A persistent stack (`rpds::Stack`).
#[hpy_class(name = "Stack", module = "rpds", frozen)]
struct StackPy {
    store: Field,
    inner: StackSync<Stored>,
}

impl Inner for StackPy {
    type T = StackSync<Stored>;
}

collection!(StackPy);

#[hpy_methods]
impl StackPy {
    #[new(signature = (*args))]
    fn init<'ctx>(
        ctx: Context<'ctx>,
        args: VarArgs<'_, 'ctx>,
    ) -> HPyResult<WithFields<'ctx, StackPy>> {
        let sh = new_store(ctx)?;
        let store = borrow_store(&sh)?;
        let mut inner = StackSync::new_sync();
        if args.len() == 1 {
            let one = args.iter().next().expect("one argument");
            for each in one.iter()? {
                inner.push_mut(store.stash_owned(each?));
            }
        } else {
            for each in args.iter() {
                inner.push_mut(store.stash(&each));
            }
        }
        drop(store);
        Ok(StackPy::with(&sh, inner))
    }

    fn __hash__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<u64> {
        sequence_hash(&slf, slf.inner.iter(), "Stack")
    }

    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<SnapshotIter<Handle<'ctx>>> {
        Ok(SnapshotIter(items_of(&slf, slf.inner.iter())?))
    }

    fn __len__(&self) -> usize {
        self.inner.size()
    }

    fn __richcmp__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        sequence_richcmp(&slf, other, op, |s: &StackPy| s.inner.iter().collect())
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let mut contents = item_reprs(&slf, slf.inner.iter())?;
        contents.reverse();
        Ok(format!("Stack([{}])", contents.join(", ")))
    }

    fn peek<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        let sh = store_of(&slf)?;
        let top = slf
            .inner
            .peek()
            .ok_or_else(|| HPyErr::index_error("peeked an empty stack"))?;
        let store = borrow_store(&sh)?;
        store.get(top)
    }

    fn pop<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, StackPy>> {
        let sh = store_of(&slf)?;
        let inner = slf
            .inner
            .pop()
            .ok_or_else(|| HPyErr::index_error("popped an empty stack"))?;
        Ok(StackPy::with(&sh, inner))
    }

    fn push<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, StackPy>> {
        let sh = store_of(&slf)?;
        let stored = borrow_store(&sh)?.stash(other);
        Ok(StackPy::with(&sh, slf.inner.push(stored)))
    }
}

// ------------------------------------------------------------------ Queue

/// A persistent queue (`rpds::Queue`).
#[hpy_class(name = "Queue", module = "rpds", frozen)]
struct QueuePy {
    store: Field,
    inner: QueueSync<Stored>,
}

impl Inner for QueuePy {
    type T = QueueSync<Stored>;
}

collection!(QueuePy);

#[hpy_methods]
impl QueuePy {
    #[new(signature = (*elements))]
    fn init<'ctx>(
        ctx: Context<'ctx>,
        elements: VarArgs<'_, 'ctx>,
    ) -> HPyResult<WithFields<'ctx, QueuePy>> {
        let sh = new_store(ctx)?;
        let store = borrow_store(&sh)?;
        let mut inner = QueueSync::new_sync();
        if elements.len() == 1 {
            let one = elements.iter().next().expect("one element");
            for each in one.iter()? {
                inner.enqueue_mut(store.stash_owned(each?));
            }
        } else {
            for each in elements.iter() {
                inner.enqueue_mut(store.stash(&each));
            }
        }
        drop(store);
        Ok(QueuePy::with(&sh, inner))
    }

    fn __richcmp__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        sequence_richcmp(&slf, other, op, |q: &QueuePy| q.inner.iter().collect())
    }

    fn __hash__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<u64> {
        sequence_hash(&slf, slf.inner.iter(), "Queue")
    }

    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<SnapshotIter<Handle<'ctx>>> {
        Ok(SnapshotIter(items_of(&slf, slf.inner.iter())?))
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let contents = item_reprs(&slf, slf.inner.iter())?;
        Ok(format!("Queue([{}])", contents.join(", ")))
    }

    fn peek<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        let sh = store_of(&slf)?;
        let first = slf
            .inner
            .peek()
            .ok_or_else(|| HPyErr::index_error("peeked an empty queue"))?;
        let store = borrow_store(&sh)?;
        store.get(first)
    }

    fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    fn enqueue<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        value: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, QueuePy>> {
        let sh = store_of(&slf)?;
        let stored = borrow_store(&sh)?.stash(value);
        Ok(QueuePy::with(&sh, slf.inner.enqueue(stored)))
    }

    fn dequeue<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, QueuePy>> {
        let sh = store_of(&slf)?;
        let inner = slf
            .inner
            .dequeue()
            .ok_or_else(|| HPyErr::index_error("dequeued an empty queue"))?;
        Ok(QueuePy::with(&sh, inner))
    }
}

// ------------------------------------------------------------------ HashTrieSet

/// A persistent hash set (`rpds::HashTrieSet`).
#[hpy_class(name = "HashTrieSet", module = "rpds", frozen)]
struct HashTrieSetPy {
    store: Field,
    inner: HashTrieSetSync<Key>,
}

impl Inner for HashTrieSetPy {
    type T = HashTrieSetSync<Key>;
}

collection!(HashTrieSetPy);

/// `key` as a key of `to` (the same reference if `from` is `to`, else
/// the object stashed again in `to`).
fn restash<'ctx>(
    from: &Ref<'_, 'ctx, ObjectStore>,
    to: &Ref<'_, 'ctx, ObjectStore>,
    key: &Key,
) -> HPyResult<Key> {
    if from.handle().is(to.handle()) {
        return Ok(key.clone());
    }
    Ok(Key {
        hash: key.hash,
        inner: to.stash(&from.get(&key.inner)?),
    })
}

/// Inserts every item of the iterable `value` into `set`.
fn extend_set<'ctx>(
    store: &Ref<'_, 'ctx, ObjectStore>,
    set: &mut HashTrieSetSync<Key>,
    value: &Handle<'ctx>,
) -> HPyResult<()> {
    for each in value.iter()? {
        let k = key_owned(store, each?)?;
        store.scope(|| set.insert_mut(k))?;
    }
    Ok(())
}

/// The two sets' stores, borrowed together.
struct Pair2<'h, 'ctx> {
    a: Ref<'h, 'ctx, ObjectStore>,
    b: Ref<'h, 'ctx, ObjectStore>,
}

/// Which set operation `set_op` makes.
#[derive(Clone, Copy)]
enum SetOp {
    Union,
    Intersection,
    Difference,
    SymmetricDifference,
}

/// `a op b` for two sets of any stores: the result shares the nodes of
/// the operand it starts from (and its store).
fn set_op<'ctx>(
    a: &Ref<'_, 'ctx, HashTrieSetPy>,
    b: &Ref<'_, 'ctx, HashTrieSetPy>,
    op: SetOp,
) -> HPyResult<WithFields<'ctx, HashTrieSetPy>> {
    let ash = store_of(a)?;
    let bsh = store_of(b)?;
    let stores = Pair2 {
        a: borrow_store(&ash)?,
        b: borrow_store(&bsh)?,
    };
    let both = [&stores.a, &stores.b];
    // (base set, its store handle, its store, the other set, its store)
    let a_larger = a.inner.size() > b.inner.size();
    let (big, big_sh, big_store, small, small_store) = if a_larger {
        (&a.inner, &ash, &stores.a, &b.inner, &stores.b)
    } else {
        (&b.inner, &bsh, &stores.b, &a.inner, &stores.a)
    };
    let result = match op {
        SetOp::Union => {
            let mut inner = big.clone();
            for value in small.iter() {
                let k = restash(small_store, big_store, value)?;
                ObjectStore::scope(&both, || inner.insert_mut(k))?;
            }
            (big_sh, inner)
        }
        SetOp::Intersection => {
            let mut inner = HashTrieSetSync::new_sync();
            for value in small.iter() {
                if ObjectStore::scope(&both, || big.contains(value))? {
                    let k = restash(small_store, big_store, value)?;
                    ObjectStore::scope(&both, || inner.insert_mut(k))?;
                }
            }
            (big_sh, inner)
        }
        SetOp::SymmetricDifference => {
            let mut inner = big.clone();
            for value in small.iter() {
                if ObjectStore::scope(&both, || inner.contains(value))? {
                    ObjectStore::scope(&both, || inner.remove_mut(value))?;
                } else {
                    let k = restash(small_store, big_store, value)?;
                    ObjectStore::scope(&both, || inner.insert_mut(k))?;
                }
            }
            (big_sh, inner)
        }
        SetOp::Difference => {
            let mut inner = a.inner.clone();
            for value in b.inner.iter() {
                ObjectStore::scope(&both, || inner.remove_mut(value))?;
            }
            (&ash, inner)
        }
    };
    let (sh, inner) = result;
    let sh = sh.dup();
    drop(stores);
    Ok(HashTrieSetPy::with(&sh, inner))
}

#[hpy_methods]
impl HashTrieSetPy {
    #[new(signature = (value = None))]
    fn init<'ctx>(
        ctx: Context<'ctx>,
        value: Option<Handle<'ctx>>,
    ) -> HPyResult<WithFields<'ctx, HashTrieSetPy>> {
        let sh = new_store(ctx)?;
        let store = borrow_store(&sh)?;
        let mut inner = HashTrieSetSync::new_sync();
        if let Some(value) = value {
            extend_set(&store, &mut inner, &value)?;
        }
        drop(store);
        Ok(HashTrieSetPy::with(&sh, inner))
    }

    fn __contains__<'ctx>(slf: Ref<'_, 'ctx, Self>, key_obj: &Handle<'ctx>) -> HPyResult<bool> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = key(&store, key_obj)?;
        store.scope(|| slf.inner.contains(&k))
    }

    #[method(alias = "__and__")]
    fn intersection<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: Ref<'_, 'ctx, Self>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        set_op(&slf, &other, SetOp::Intersection)
    }

    #[method(alias = "__or__")]
    fn union<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: Ref<'_, 'ctx, Self>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        set_op(&slf, &other, SetOp::Union)
    }

    #[method(alias = "__sub__")]
    fn difference<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: Ref<'_, 'ctx, Self>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        set_op(&slf, &other, SetOp::Difference)
    }

    #[method(alias = "__xor__")]
    fn symmetric_difference<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: Ref<'_, 'ctx, Self>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        set_op(&slf, &other, SetOp::SymmetricDifference)
    }

    fn __iter__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, KeysIterator>> {
        let sh = store_of(&slf)?;
        let keys: Vec<Stored> = slf.inner.iter().map(|k| k.inner.clone()).collect();
        Ok(KeysIterator::with(&sh, keys.into_iter()))
    }

    fn __len__(&self) -> usize {
        self.inner.size()
    }

    fn __repr__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<String> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let contents: Vec<String> = slf
            .inner
            .iter()
            .map(|k| repr_or(store.get(&k.inner), "<repr failed>"))
            .collect();
        Ok(format!("HashTrieSet({{{}}})", contents.join(", ")))
    }

    fn __richcmp__<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: &Handle<'ctx>,
        op: RichCompareOp,
    ) -> HPyResult<Handle<'ctx>> {
        let ctx = other.context();
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let (size, direction, negate) = compare_rule(op);
        let contains = |k: &Key| slf.inner.contains(k);
        let answer = set_compare(
            &store,
            slf.inner.iter(),
            slf.inner.size(),
            &contains,
            other,
            size,
            direction,
        )?;
        Ok(ctx.bool(answer != negate))
    }

    fn __hash__(&self) -> isize {
        let mut hash_val = self
            .inner
            .iter()
            .map(|k| k.hash as usize)
            .fold(0, |acc: usize, x: usize| acc ^ hash_shuffle_bits(x));
        hash_val ^= self.inner.size().wrapping_add(1).wrapping_mul(1927868237);
        hash_val ^= (hash_val >> 11) ^ (hash_val >> 25);
        hash_val = hash_val.wrapping_mul(69069).wrapping_add(907133923);
        hash_val as isize
    }

    fn __reduce__<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Pickled<'ctx>> {
        let ctx = slf.handle().context();
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        // Collected first, as in `HashTrieMap.__reduce__`: the set's size
        // may differ from what its iterator yields.
        let items = slf
            .inner
            .iter()
            .map(|k| store.get(&k.inner))
            .collect::<HPyResult<Vec<_>>>()?;
        let items = ctx.list_from_iter(items)?;
        Ok((hpy::type_object::<HashTrieSetPy>(ctx)?, (items,)))
    }

    fn insert<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        value: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = key(&store, value)?;
        let inner = store.scope(|| slf.inner.insert(k))?;
        drop(store);
        Ok(HashTrieSetPy::with(&sh, inner))
    }

    fn discard<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        value: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = key(&store, value)?;
        let inner = store.scope(|| slf.inner.remove(&k))?;
        drop(store);
        Ok(HashTrieSetPy::with(&sh, inner))
    }

    fn remove<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        value: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let k = key(&store, value)?;
        let removed = store.scope(|| slf.inner.contains(&k).then(|| slf.inner.remove(&k)))?;
        drop(store);
        match removed {
            Some(inner) => Ok(HashTrieSetPy::with(&sh, inner)),
            None => Err(HPyErr::from_type_value(
                &value.context().constant(hpy::Constant::KeyError),
                value,
            )),
        }
    }

    #[method(signature = (*iterables))]
    fn update<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        iterables: VarArgs<'_, 'ctx>,
    ) -> HPyResult<WithFields<'ctx, Self>> {
        let sh = store_of(&slf)?;
        let store = borrow_store(&sh)?;
        let mut inner = slf.inner.clone();
        for each in iterables.iter() {
            extend_set(&store, &mut inner, &each)?;
        }
        drop(store);
        Ok(HashTrieSetPy::with(&sh, inner))
    }
}

/// How the sizes of the two sets must compare.
#[derive(Clone, Copy)]
enum Size {
    Equal,
    Smaller,
    SmallerOrEqual,
    Larger,
    LargerOrEqual,
}

/// Which set's members must all be in the other one.
#[derive(Clone, Copy)]
enum Direction {
    SelfInOther,
    OtherInSelf,
}

/// The original's set comparisons: `other` must be a
/// `collections.abc.Set` of a fitting size whose members (or ours) are all
/// in the other. `ours` are our keys, `contains` looks a key up in ours.
fn set_compare<'a, 'ctx>(
    store: &Ref<'_, 'ctx, ObjectStore>,
    ours: impl Iterator<Item = &'a Key>,
    our_size: usize,
    contains: &dyn Fn(&Key) -> bool,
    other: &Handle<'ctx>,
    size: Size,
    direction: Direction,
) -> HPyResult<bool> {
    if !Abc::Set.is_instance(other)? {
        return Ok(false);
    }
    let theirs = other.len()?;
    let fits = match size {
        Size::Equal => theirs == our_size,
        Size::Smaller => theirs > our_size,
        Size::SmallerOrEqual => theirs >= our_size,
        Size::Larger => theirs < our_size,
        Size::LargerOrEqual => theirs <= our_size,
    };
    if !fits {
        return Ok(false);
    }
    match direction {
        Direction::SelfInOther => {
            for each in ours {
                if !other.contains(&store.get(&each.inner)?)? {
                    return Ok(false);
                }
            }
        }
        Direction::OtherInSelf => {
            for each in other.iter()? {
                let k = key_owned(store, each?)?;
                if !store.scope(|| contains(&k))? {
                    return Ok(false);
                }
            }
        }
    }
    Ok(true)
}

/// `op` as the size rule and direction of [`set_compare`] (`!=` is the
/// negation of `==`).
fn compare_rule(op: RichCompareOp) -> (Size, Direction, bool) {
    match op {
        RichCompareOp::Eq => (Size::Equal, Direction::OtherInSelf, false),
        RichCompareOp::Ne => (Size::Equal, Direction::OtherInSelf, true),
        RichCompareOp::Lt => (Size::Smaller, Direction::SelfInOther, false),
        RichCompareOp::Le => (Size::SmallerOrEqual, Direction::SelfInOther, false),
        RichCompareOp::Gt => (Size::Larger, Direction::OtherInSelf, false),
        RichCompareOp::Ge => (Size::LargerOrEqual, Direction::OtherInSelf, false),
    }
}

/// Registers the classes with the `collections.abc` interfaces they
/// implement (as the original does).
fn init<'ctx>(ctx: Context<'ctx>, _module: &Handle<'ctx>) -> HPyResult<()> {
    Abc::Mapping.register::<HashTrieMapPy>(ctx)?;
    Abc::Set.register::<HashTrieSetPy>(ctx)?;
    Abc::MappingView.register::<KeysView>(ctx)?;
    Abc::MappingView.register::<ValuesView>(ctx)?;
    Abc::MappingView.register::<ItemsView>(ctx)?;
    Abc::KeysView.register::<KeysView>(ctx)?;
    Abc::ValuesView.register::<ValuesView>(ctx)?;
    Abc::ItemsView.register::<ItemsView>(ctx)
}

hpy_module! {
    /// Python bindings to Rust's persistent data structures (rpds), on hpy-rs.
    name: rpds,
    types: [
        HashTrieMapPy,
        HashTrieSetPy,
        // Made by the collections' methods; rpds-py's module does not
        // have them either.
        #[unexported] KeysView,
        #[unexported] ValuesView,
        #[unexported] ItemsView,
        #[unexported] KeysIterator,
        #[unexported] ItemsIterator,
        ListPy,
        StackPy,
        QueuePy,
        #[unexported] hpy::ObjectStore,
    ],
    exec: init,
}
