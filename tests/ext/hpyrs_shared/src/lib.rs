//! `hpyrs_shared`: a persistent (immutable, structurally shared) stack of
//! Python objects, the smallest shape of an `rpds` collection, to test
//! [`hpy::ObjectStore`] and [`hpy::Stored`]: many instances share the
//! nodes that hold the objects, and every one of them reaches the store.

#![forbid(unsafe_code)]

use std::sync::Arc;

use hpy::{
    hpy_class, hpy_methods, hpy_module, Field, HPyErr, HPyResult, Handle, ObjectStore, Ref, Stored,
    WithFields,
};

/// One item of a chain and the rest of it, shared by every chain that
/// extends it.
struct Node {
    item: Stored,
    rest: Option<Arc<Node>>,
}

/// An immutable stack: `push` returns a new chain that shares slf one's
/// nodes (and its store).
#[hpy_class(module = "hpyrs_shared", frozen)]
struct Chain {
    store: Field,
    top: Option<Arc<Node>>,
    len: usize,
}

impl Chain {
    /// The store of slf chain, borrowed.
    fn store_handle<'ctx>(slf: &Ref<'_, 'ctx, Self>) -> HPyResult<Handle<'ctx>> {
        slf.load(&slf.store)
            .ok_or_else(|| HPyErr::runtime_error("chain without a store"))
    }

    fn with_top<'ctx>(
        store: Handle<'ctx>,
        top: Option<Arc<Node>>,
        len: usize,
    ) -> WithFields<'ctx, Chain> {
        WithFields::new(Chain {
            store: Field::new(),
            top,
            len,
        })
        .set(|c| &c.store, store)
    }

    fn nodes(&self) -> impl Iterator<Item = &Node> {
        std::iter::successors(self.top.as_deref(), |n| n.rest.as_deref())
    }
}

#[hpy_methods]
impl Chain {
    /// An empty chain with a store of its own.
    #[new]
    fn new(ctx: hpy::Context<'_>) -> HPyResult<WithFields<'_, Chain>> {
        let store = hpy::IntoHPy::into_hpy(ObjectStore::new(), ctx)?;
        Ok(Chain::with_top(store, None, 0))
    }

    /// A new chain: `item` on top of slf one (whose nodes it shares).
    fn push<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        item: &Handle<'ctx>,
    ) -> HPyResult<WithFields<'ctx, Chain>> {
        let store = Chain::store_handle(&slf)?;
        let stored = Ref::<ObjectStore>::borrow(store.borrow())?.stash(item);
        let top = Arc::new(Node {
            item: stored,
            rest: slf.top.clone(),
        });
        Ok(Chain::with_top(store, Some(top), slf.len + 1))
    }

    /// The chain without its top item (sharing the rest).
    fn pop<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<WithFields<'ctx, Chain>> {
        let store = Chain::store_handle(&slf)?;
        let top = slf
            .top
            .as_ref()
            .ok_or_else(|| HPyErr::index_error("pop from an empty chain"))?;
        Ok(Chain::with_top(store, top.rest.clone(), slf.len - 1))
    }

    /// The items, top first.
    fn items<'ctx>(slf: Ref<'_, 'ctx, Self>) -> HPyResult<Vec<Handle<'ctx>>> {
        let store = Chain::store_handle(&slf)?;
        let store = Ref::<ObjectStore>::borrow(store.borrow())?;
        slf.nodes().map(|n| store.get(&n.item)).collect()
    }

    /// The top item, read through `other`'s store (a misuse when the two
    /// chains do not share one: `ValueError`).
    fn top_through<'ctx>(
        slf: Ref<'_, 'ctx, Self>,
        other: Ref<'_, 'ctx, Chain>,
    ) -> HPyResult<Handle<'ctx>> {
        let store = Chain::store_handle(&other)?;
        let store = Ref::<ObjectStore>::borrow(store.borrow())?;
        let top = slf
            .top
            .as_ref()
            .ok_or_else(|| HPyErr::index_error("empty chain"))?;
        store.get(&top.item)
    }

    /// Whether the top items of the two chains are the same stored
    /// reference.
    fn shares_top(&self, other: Ref<'_, '_, Chain>) -> bool {
        match (&self.top, &other.top) {
            (Some(a), Some(b)) => a.item.same_reference(&b.item),
            _ => false,
        }
    }

    /// How many references the store keeps (dead ones not swept yet
    /// included).
    fn store_len(slf: Ref<'_, '_, Self>) -> HPyResult<usize> {
        let store = Chain::store_handle(&slf)?;
        let store = Ref::<ObjectStore>::borrow(store.borrow())?;
        Ok(store.len())
    }

    /// Releases the references no chain names any more.
    fn sweep(slf: Ref<'_, '_, Self>) -> HPyResult<()> {
        let store = Chain::store_handle(&slf)?;
        Ref::<ObjectStore>::borrow(store.borrow())?.sweep();
        Ok(())
    }

    fn __len__(&self) -> usize {
        self.len
    }
}

hpy_module! {
    /// Tests of hpy::ObjectStore and hpy::Stored.
    name: hpyrs_shared,
    types: [Chain, hpy::ObjectStore],
}
