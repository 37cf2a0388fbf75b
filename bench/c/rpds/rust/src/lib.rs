//! The `rpds` crate (1.2.1, archery 1.2.3: the versions of rpds-py 2026.9.1
//! and of examples/rpds) behind a small `extern "C"` API, linked into the C
//! HPy twin `bench/c/rpds/rpds_twin.c`. A measurement tool, not part of
//! hpy-rs: its own workspace, never linked into the SDK.
//!
//! Python objects are kept the way the port keeps them
//! (docs/shared-objects.md), in C-sized pieces:
//!
//! - a **store** (the payload of the twin's `Store` class) owns blocks of
//!   **slots** (8 slots for the first block, doubling up to 256; a block
//!   never moves, so PyPy can rewrite a slot's `HPyField` in place). The C
//!   side writes a slot's field with `HPyField_Store(ctx, store_object, ..)`
//!   and the store's `tp_traverse` reports every live slot
//!   (`twin_store_traverse`);
//! - an **item** of a collection is one pointer to its slot with an atomic
//!   count (as the port's `Stored`); when the last item naming a slot is
//!   dropped the slot is zeroed and goes back to the store's free list. On
//!   PyPy a field holds no reference (the collector only rewrites it), so
//!   zeroing it is its release; a CPython build would need a deferred
//!   `HPyField_Store(NULL)` there (the port's sweep). The twin runs on PyPy.
//! - a **key** is the object's hash and an item; equality asks the C side
//!   (`twin_key_eq`, Python `==`).
//!
//! Everything but the slots' counts is touched with the GIL held (the C
//! side calls in from HPy methods and `tp_destroy`), so the store's
//! bookkeeping is plain `Cell`s.

// `Store` and `Slot` reach C only behind pointers (opaque there, but for
// a slot's leading `HPyField`).
#![allow(improper_ctypes)]

use std::cell::Cell;
use std::ffi::c_void;
use std::hash::{Hash, Hasher};
use std::ptr;
use std::sync::atomic::{fence, AtomicUsize, Ordering};

use rpds::{HashTrieMapSync, HashTrieSetSync, ListSync, QueueSync, StackSync};

/// One reference: `field` first, so that a `*mut Slot` is an `HPyField *`.
#[repr(C)]
pub struct Slot {
    field: Cell<isize>,
    count: AtomicUsize,
    store: Cell<*const Store>,
    next_free: Cell<*mut Slot>,
}

pub struct Store {
    blocks: Cell<Vec<Box<[Slot]>>>,
    /// Unused slots of the last block: the next one's index.
    next: Cell<usize>,
    free: Cell<*mut Slot>,
    /// Live slots, plus one while the Python store lives.
    refs: Cell<usize>,
}

const FIRST_BLOCK: usize = 8;
const LAST_BLOCK: usize = 256;

fn block(n: usize) -> Box<[Slot]> {
    (0..n)
        .map(|_| Slot {
            field: Cell::new(0),
            count: AtomicUsize::new(0),
            store: Cell::new(ptr::null()),
            next_free: Cell::new(ptr::null_mut()),
        })
        .collect()
}

impl Store {
    fn take(&self) -> *mut Slot {
        let free = self.free.get();
        let slot = if !free.is_null() {
            // SAFETY: a slot on the free list lives in one of our blocks.
            self.free.set(unsafe { (*free).next_free.get() });
            free
        } else {
            let mut blocks = self.blocks.take();
            let len = blocks.last().map_or(0, |b| b.len());
            if self.next.get() == len {
                blocks.push(block((len * 2).clamp(FIRST_BLOCK, LAST_BLOCK)));
                self.next.set(0);
            }
            let last = blocks.last().expect("a block");
            let slot = &last[self.next.get()] as *const Slot as *mut Slot;
            self.next.set(self.next.get() + 1);
            self.blocks.set(blocks);
            slot
        };
        // SAFETY: the slot is ours and unused.
        unsafe {
            (*slot).count.store(1, Ordering::Relaxed);
            (*slot).store.set(self);
        }
        self.refs.set(self.refs.get() + 1);
        slot
    }

    fn unref(this: *const Store) {
        // SAFETY: `this` is alive while refs > 0.
        let s = unsafe { &*this };
        let r = s.refs.get() - 1;
        s.refs.set(r);
        if r == 0 {
            // SAFETY: the last reference: made by Box::into_raw.
            drop(unsafe { Box::from_raw(this as *mut Store) });
        }
    }
}

/// An item: one pointer to a slot.
pub struct Item(*mut Slot);

// SAFETY: the count is atomic; the rest is touched with the GIL held.
unsafe impl Send for Item {}
unsafe impl Sync for Item {}

impl Clone for Item {
    fn clone(&self) -> Self {
        // SAFETY: a live item names a live slot.
        unsafe { (*self.0).count.fetch_add(1, Ordering::Relaxed) };
        Item(self.0)
    }
}

impl Drop for Item {
    fn drop(&mut self) {
        // SAFETY: a live item names a live slot.
        let slot = unsafe { &*self.0 };
        if slot.count.fetch_sub(1, Ordering::Release) != 1 {
            return;
        }
        fence(Ordering::Acquire);
        slot.field.set(0);
        let store = slot.store.get();
        // SAFETY: the store lives while one of its slots does.
        let s = unsafe { &*store };
        slot.next_free.set(s.free.get());
        s.free.set(self.0);
        Store::unref(store);
    }
}

#[derive(Clone)]
pub struct Key {
    hash: isize,
    item: Item,
}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_isize(self.hash);
    }
}

extern "C" {
    /// Python `==` of the objects in two slots (C side): 1, 0, or -1 with
    /// an exception set (then taken as unequal; the C side reports it).
    fn twin_key_eq(a: *mut Slot, b: *mut Slot) -> i32;
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        // SAFETY: both name live slots; the C side runs with the GIL.
        self.item.0 == other.item.0 || unsafe { twin_key_eq(self.item.0, other.item.0) } == 1
    }
}

impl Eq for Key {}

pub type Visit = unsafe extern "C" fn(*mut Slot, *mut c_void) -> i32;

// ------------------------------------------------------------------ store

#[no_mangle]
pub extern "C" fn twin_store_new() -> *mut Store {
    Box::into_raw(Box::new(Store {
        blocks: Cell::new(Vec::new()),
        next: Cell::new(0),
        free: Cell::new(ptr::null_mut()),
        refs: Cell::new(1),
    }))
}

/// A slot with count 1 (its item is the caller's), its field empty.
///
/// # Safety
/// `s` from `twin_store_new`, not released.
#[no_mangle]
pub unsafe extern "C" fn twin_store_take(s: *mut Store) -> *mut Slot {
    (*s).take()
}

/// Drops an item the caller no longer needs (an error path).
///
/// # Safety
/// `slot` from `twin_store_take`, not passed on.
#[no_mangle]
pub unsafe extern "C" fn twin_item_drop(slot: *mut Slot) {
    drop(Item(slot));
}

/// The Python store died: its slots' memory lives on while items name them.
///
/// # Safety
/// `s` from `twin_store_new`, released once.
#[no_mangle]
pub unsafe extern "C" fn twin_store_release(s: *mut Store) {
    Store::unref(s);
}

/// Reports every live slot.
///
/// # Safety
/// `s` alive; `visit` the traverse function's.
#[no_mangle]
pub unsafe extern "C" fn twin_store_traverse(s: *mut Store, visit: Visit, arg: *mut c_void) -> i32 {
    let s = &*s;
    let blocks = s.blocks.take();
    let mut r = 0;
    'all: for b in &blocks {
        for slot in b.iter() {
            if slot.count.load(Ordering::Relaxed) != 0 && slot.field.get() != 0 {
                r = visit(slot as *const Slot as *mut Slot, arg);
                if r != 0 {
                    break 'all;
                }
            }
        }
    }
    s.blocks.set(blocks);
    r
}

// ------------------------------------------------------------------ collections

macro_rules! boxed {
    ($new:ident, $free:ident, $t:ty, $make:expr) => {
        #[no_mangle]
        pub extern "C" fn $new() -> *mut $t {
            Box::into_raw(Box::new($make))
        }

        /// # Safety
        /// From the matching `_new` (or an operation), freed once.
        #[no_mangle]
        pub unsafe extern "C" fn $free(p: *mut $t) {
            drop(Box::from_raw(p));
        }
    };
}

type Map = HashTrieMapSync<Key, Item>;
type Set = HashTrieSetSync<Key>;
type List = ListSync<Item>;
type Queue = QueueSync<Item>;
type Stack = StackSync<Item>;

boxed!(twin_map_new, twin_map_free, Map, HashTrieMapSync::new_sync());
boxed!(twin_set_new, twin_set_free, Set, HashTrieSetSync::new_sync());
boxed!(twin_list_new, twin_list_free, List, ListSync::new_sync());
boxed!(twin_queue_new, twin_queue_free, Queue, QueueSync::new_sync());
boxed!(twin_stack_new, twin_stack_free, Stack, StackSync::new_sync());

fn boxed<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

/// # Safety
/// `m` alive; the items are the caller's and move in.
#[no_mangle]
pub unsafe extern "C" fn twin_map_insert_mut(m: *mut Map, hash: isize, k: *mut Slot, v: *mut Slot) {
    (*m).insert_mut(Key { hash, item: Item(k) }, Item(v));
}

/// # Safety
/// As `twin_map_insert_mut`; returns a new map.
#[no_mangle]
pub unsafe extern "C" fn twin_map_insert(
    m: *const Map,
    hash: isize,
    k: *mut Slot,
    v: *mut Slot,
) -> *mut Map {
    boxed((*m).insert(Key { hash, item: Item(k) }, Item(v)))
}

/// The value's slot for a key (borrowed), or null.
///
/// # Safety
/// `m` alive; `k` a slot the caller owns (dropped here).
#[no_mangle]
pub unsafe extern "C" fn twin_map_get(m: *const Map, hash: isize, k: *mut Slot) -> *mut Slot {
    let key = Key { hash, item: Item(k) };
    (*m).get(&key).map_or(ptr::null_mut(), |v| v.0)
}

/// # Safety
/// `s` alive; the item moves in.
#[no_mangle]
pub unsafe extern "C" fn twin_set_insert_mut(s: *mut Set, hash: isize, k: *mut Slot) {
    (*s).insert_mut(Key { hash, item: Item(k) });
}

/// # Safety
/// `l` alive; the item moves in.
#[no_mangle]
pub unsafe extern "C" fn twin_list_push_front_mut(l: *mut List, v: *mut Slot) {
    (*l).push_front_mut(Item(v));
}

/// # Safety
/// As `twin_list_push_front_mut`; returns a new list.
#[no_mangle]
pub unsafe extern "C" fn twin_list_push_front(l: *const List, v: *mut Slot) -> *mut List {
    boxed((*l).push_front(Item(v)))
}

/// # Safety
/// `q` alive; the item moves in.
#[no_mangle]
pub unsafe extern "C" fn twin_queue_enqueue_mut(q: *mut Queue, v: *mut Slot) {
    (*q).enqueue_mut(Item(v));
}

/// # Safety
/// As `twin_queue_enqueue_mut`; returns a new queue.
#[no_mangle]
pub unsafe extern "C" fn twin_queue_enqueue(q: *const Queue, v: *mut Slot) -> *mut Queue {
    boxed((*q).enqueue(Item(v)))
}

/// A new queue without the first item, or null if empty.
///
/// # Safety
/// `q` alive.
#[no_mangle]
pub unsafe extern "C" fn twin_queue_dequeue(q: *const Queue) -> *mut Queue {
    (*q).dequeue().map_or(ptr::null_mut(), boxed)
}

/// # Safety
/// `s` alive; the item moves in.
#[no_mangle]
pub unsafe extern "C" fn twin_stack_push_mut(s: *mut Stack, v: *mut Slot) {
    (*s).push_mut(Item(v));
}

/// # Safety
/// As `twin_stack_push_mut`; returns a new stack.
#[no_mangle]
pub unsafe extern "C" fn twin_stack_push(s: *const Stack, v: *mut Slot) -> *mut Stack {
    boxed((*s).push(Item(v)))
}

/// `hash(map)` as rpds-py (and the port) compute it: per entry a
/// `DefaultHasher` over the key's hash and the value's (`value_hash`, the C
/// side's Python `hash`: -1 with an exception set stops and returns -1),
/// the entries xor-ed after a bit shuffle, then the size mixed in.
///
/// # Safety
/// `m` alive; the C side runs `value_hash` with the GIL.
#[no_mangle]
pub unsafe extern "C" fn twin_map_hash(
    m: *const Map,
    value_hash: unsafe extern "C" fn(*mut Slot) -> isize,
) -> isize {
    use std::collections::hash_map::DefaultHasher;
    fn shuffle(h: usize) -> usize {
        ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
    }
    let mut acc = 0usize;
    for (k, v) in (*m).iter() {
        let vh = value_hash(v.0);
        if vh == -1 {
            return -1;
        }
        let mut hasher = DefaultHasher::new();
        hasher.write_isize(k.hash);
        hasher.write_isize(vh);
        acc ^= shuffle(hasher.finish() as usize);
    }
    acc ^= (*m).size().wrapping_add(1).wrapping_mul(1927868237);
    acc ^= (acc >> 11) ^ (acc >> 25);
    acc = acc.wrapping_mul(69069).wrapping_add(907133923);
    let h = acc as isize;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// Sizes, for the C side's checks.
///
/// # Safety
/// Each pointer alive.
#[no_mangle]
pub unsafe extern "C" fn twin_map_len(m: *const Map) -> usize {
    (*m).size()
}

/// # Safety
/// Alive.
#[no_mangle]
pub unsafe extern "C" fn twin_set_len(s: *const Set) -> usize {
    (*s).size()
}

/// # Safety
/// Alive.
#[no_mangle]
pub unsafe extern "C" fn twin_list_len(l: *const List) -> usize {
    (*l).len()
}

/// # Safety
/// Alive.
#[no_mangle]
pub unsafe extern "C" fn twin_queue_len(q: *const Queue) -> usize {
    (*q).len()
}

/// # Safety
/// Alive.
#[no_mangle]
pub unsafe extern "C" fn twin_stack_len(s: *const Stack) -> usize {
    (*s).size()
}

/// The slot of the first item of a list, or null (borrowed).
///
/// # Safety
/// Alive.
#[no_mangle]
pub unsafe extern "C" fn twin_list_first(l: *const List) -> *mut Slot {
    (*l).first().map_or(ptr::null_mut(), |v| v.0)
}

/// # Safety
/// Alive.
#[no_mangle]
pub unsafe extern "C" fn twin_queue_peek(q: *const Queue) -> *mut Slot {
    (*q).peek().map_or(ptr::null_mut(), |v| v.0)
}

/// # Safety
/// Alive.
#[no_mangle]
pub unsafe extern "C" fn twin_stack_peek(s: *const Stack) -> *mut Slot {
    (*s).peek().map_or(ptr::null_mut(), |v| v.0)
}
