//! [`ObjectStore`] and [`Stored`]: Python objects kept anywhere inside Rust
//! values that many instances share (the persistent maps of a port of
//! `rpds`), reported to the garbage collector exactly once.
//!
//! The design and why it is this one: `docs/shared-objects.md`.

use core::cell::Cell;
use core::cell::UnsafeCell;
use core::ffi::c_int;
use core::ptr::NonNull;
use core::sync::atomic::{fence, AtomicU64, AtomicUsize, Ordering};

use hpy_sys::HPyField;

use super::Ref;
use crate::{HPyErr, HPyResult, Handle};

/// A Python object with a home for object references that Rust values
/// share: every [`Stored`] made by [`Ref::stash`] is kept (and reported to
/// the garbage collector) by exactly one store, whichever Rust values,
/// `Arc`s or persistent maps hold it and however many instances share
/// them.
///
/// A class whose value holds `Stored`s keeps its store in a
/// [`Field`](crate::Field), so that each instance reports the store once
/// and the store reports each object once: the counts the collector
/// compares stay exact, and a cycle through shared structures is
/// collected when nothing outside it reaches the store.
///
/// List it in `hpy_module!`'s `types` (as `#[unexported] hpy::ObjectStore`:
/// the module needs the class, its users do not) in every module that
/// uses it.
///
/// ```
/// use hpy::{hpy_class, hpy_methods, hpy_module, Field, HPyResult, Handle, ObjectStore, Ref, Stored};
///
/// #[hpy_class(module = "bag")]
/// struct Bag {
///     store: Field,
///     items: std::sync::Arc<Vec<Stored>>,
/// }
///
/// #[hpy_methods]
/// impl Bag {
///     /// The item at `i`.
///     fn get<'ctx>(slf: Ref<'_, 'ctx, Self>, i: usize) -> HPyResult<Handle<'ctx>> {
///         let store = slf.load(&slf.store).expect("set by the constructor");
///         let store = Ref::<ObjectStore>::borrow(store.borrow())?;
///         let item = slf.items.get(i).ok_or_else(|| hpy::HPyErr::index_error("no such item"))?;
///         store.get(item)
///     }
/// }
///
/// hpy_module! {
///     name: bag,
///     types: [Bag, #[unexported] hpy::ObjectStore],
/// }
/// ```
#[crate::hpy_class(crate = "crate", module = "hpy", frozen)]
pub struct ObjectStore {
    registry: Registry,
}

/// The references a store keeps, in blocks of slots: a slot is the home of
/// one reference, shared with the `Stored`s that name it (its count), and
/// goes back to the free list at the sweep after the last of them drops.
struct Registry {
    /// Tells this store's slots from other stores'.
    id: u64,
    /// Touched only by this module's methods, which never call into the
    /// interpreter while they hold a reference to it, and read by
    /// `tp_traverse` (`VisitValue`), which the interpreter calls only at an
    /// allocation: never while a reference from here is alive.
    slots: UnsafeCell<Slots>,
}

/// The bookkeeping of a registry (see `Registry::slots`).
struct Slots {
    /// Never shrinks while the store lives; each holds one count of its
    /// block's `live` (given back when the store's value is dropped).
    blocks: Vec<NonNull<Block>>,
    /// Released slots, taken before new ones.
    free: Vec<SlotRef>,
    /// The first slot of the last block not used yet.
    next: usize,
    /// How many slots the last block has (0 before the first block).
    room: usize,
    /// The last block (dangling before the first one, when `room` is 0).
    last: NonNull<Block>,
    /// Slots that hold a reference or wait for a sweep.
    used: usize,
    /// `used` after the last sweep: the next one runs when the registry
    /// has doubled since, so that a dead reference costs amortised O(1).
    kept: usize,
}

// SAFETY: the registry is reached only through its store's methods and the
// store's `tp_traverse`, all of which run while the thread holds the
// interpreter (they need a context, or are called by the collector); the
// interpreter drops the value on one thread that holds it.
unsafe impl Send for Registry {}

/// A slot and the block that holds it (a taken slot waiting for its
/// first `Stored`, a dead one, a free one).
#[derive(Clone, Copy)]
struct SlotRef {
    block: NonNull<Block>,
    slot: NonNull<Slot>,
}

/// Slots of one allocation: heap memory that never moves while the store
/// or a `Stored` names it (PyPy's collector rewrites a field in place when
/// the object moves). One allocation serves many references, which is
/// what makes a stash cheap: the block's `len` slots follow it in its
/// allocation ([`block_layout`]), each written when the store first takes
/// it (a block is one `malloc` and no loop over its slots).
struct Block {
    /// The store that keeps these references.
    store: u64,
    /// How many slots follow the block.
    len: usize,
    /// Who still needs the memory: 1 while the store's registry holds the
    /// block, plus 1 for each slot that a `Stored` names. The last to
    /// give its count back frees the block ([`release_block`]), so that a
    /// `Stored` clone or drop touches one count, its slot's, except when
    /// it is a slot's last.
    live: AtomicUsize,
}

/// The allocation of a block of `len` slots, and where its slots start.
fn block_layout(len: usize) -> (std::alloc::Layout, usize) {
    let (layout, offset) = std::alloc::Layout::new::<Block>()
        .extend(std::alloc::Layout::array::<Slot>(len).expect("a block of slots fits in memory"))
        .expect("a block of slots fits in memory");
    (layout.pad_to_align(), offset)
}

/// Slot `i` of `block`.
///
/// # Safety
/// `block` is allocated (by `Slots::new_block`) and `i < len`.
#[inline(always)]
unsafe fn slot_ptr(block: NonNull<Block>, i: usize) -> NonNull<Slot> {
    // `Block` and `Slot` have the same alignment, so the slots start right
    // after the block (`block_layout`'s offset, known at compile time).
    const {
        assert!(core::mem::align_of::<Slot>() == core::mem::align_of::<Block>());
        assert!(core::mem::size_of::<Block>() % core::mem::align_of::<Slot>() == 0);
    }
    // SAFETY: within the block's allocation (contract), derived from the
    // allocation's own pointer.
    unsafe { block.add(1).cast::<Slot>().add(i) }
}

/// The home of one object reference.
struct Slot {
    /// Written by `HPyField_Store` with the store as owner, cleared by the
    /// runtime when the store is cleared or dies, updated in place by a
    /// moving collector; always with the interpreter held.
    field: UnsafeCell<HPyField>,
    /// How many `Stored`s name the slot. Only a stash moves it up from 0
    /// (with the interpreter held); a `Stored` adds or takes away its own
    /// 1 on any thread. At 0 a taken slot is dead: the next sweep
    /// releases it.
    refs: AtomicUsize,
    /// Whether the store gave the slot out and has not released it yet:
    /// read and written by the store only, with the interpreter held.
    taken: Cell<bool>,
    /// The block that holds the slot (set when the block is made, never
    /// changed): what lets a `Stored` be one pointer, the size of the
    /// `Py<PyAny>` it replaces, so that the values holding it keep their
    /// sizes.
    block: NonNull<Block>,
}

// SAFETY: `field` and `taken` are read and written only while the
// interpreter is held (see their comments), `refs` and `live` are atomic,
// a slot's `block` is written once, before the block is shared; from other
// threads a block is only counted down and freed, which reads neither
// `field` nor `taken` (an `HPyField` has no drop glue).
unsafe impl Sync for Block {}
// SAFETY: as for `Sync`.
unsafe impl Send for Block {}

/// Gives back one count of `block`'s `live`, freeing it if that was the
/// last.
///
/// # Safety
/// `block` was made by `Slots::take` and the caller holds one count.
unsafe fn release_block(block: NonNull<Block>) {
    // SAFETY: the caller's count keeps the block alive until here.
    if unsafe { block.as_ref() }
        .live
        .fetch_sub(1, Ordering::Release)
        == 1
    {
        // As `Arc`'s drop: every use by the other owners happened before.
        fence(Ordering::Acquire);
        // SAFETY: allocated by `Slots::new_block` with this layout (its
        // slots have no drop glue); nobody holds a count any more, so
        // nobody reaches it.
        unsafe {
            let (layout, _) = block_layout(block.as_ref().len);
            std::alloc::dealloc(block.as_ptr().cast(), layout);
        }
    }
}

impl Drop for Slots {
    fn drop(&mut self) {
        for &block in &self.blocks {
            // SAFETY: the registry's own count of each of its blocks.
            unsafe { release_block(block) };
        }
    }
}

/// The fewest slots a block holds (a store's first block: many stores keep
/// a few objects); each new block doubles up to [`MAX_BLOCK`].
const FIRST_BLOCK: usize = 8;
/// The most slots a block holds.
const MAX_BLOCK: usize = 256;

/// An owned reference to a Python object that can live anywhere inside a
/// Rust value: in a `Vec`, an `Arc`, a persistent map shared by many
/// instances. Cloning it and dropping it are plain Rust (no interpreter
/// needed, on any thread); the object is kept by the [`ObjectStore`] that
/// made it and released at that store's next sweep after the last clone
/// is dropped, or when the store dies.
///
/// Reading the object back needs the store ([`Ref::get`] on a
/// `Ref<ObjectStore>`): only a live store that holds the reference can
/// vouch for it, which is what keeps a `Stored` from dangling on a moving
/// collector.
pub struct Stored {
    /// Alive while this `Stored` lives: its slot's count is at least 1,
    /// and a named slot holds one count of its block's `live`, which keeps
    /// the block (and so the slot) allocated.
    slot: NonNull<Slot>,
}

// SAFETY: from any thread a `Stored` only changes the atomic counts of its
// slot and block (and frees the block as the last owner, as `Arc` does),
// reading the slot's `block`, which never changes;
// the field is read only through the store, with the interpreter held.
unsafe impl Send for Stored {}
// SAFETY: `&Stored` gives no access but to the atomic counts (`clone`).
unsafe impl Sync for Stored {}

impl Stored {
    /// Whether `self` and `other` are the same reference (made by the same
    /// `stash`, or clones of it). Two stashes of one object are different
    /// references: compare the objects with [`Handle::is`].
    #[inline]
    pub fn same_reference(&self, other: &Stored) -> bool {
        self.slot == other.slot
    }

    #[inline(always)]
    fn slot(&self) -> &Slot {
        // SAFETY: alive while `self` is (see the field).
        unsafe { self.slot.as_ref() }
    }

    #[inline(always)]
    fn block(&self) -> &Block {
        // SAFETY: as in `slot`: the slot names its block, which its count
        // keeps alive.
        unsafe { self.slot().block.as_ref() }
    }
}

impl Clone for Stored {
    fn clone(&self) -> Self {
        // Relaxed as `Arc::clone`: a new count is made from one this thread
        // holds. Overflowing it would let a sweep reuse a named slot.
        if self.slot().refs.fetch_add(1, Ordering::Relaxed) > isize::MAX as usize {
            std::process::abort();
        }
        Stored { slot: self.slot }
    }
}

impl Drop for Stored {
    fn drop(&mut self) {
        // Read first: once the count is 0 a sweep may reuse the slot (its
        // block stays the same, and allocated while the count below is
        // held).
        let block = self.slot().block;
        // Release: the sweep that sees the count at 0 (Acquire) comes after
        // every use of this `Stored`.
        if self.slot().refs.fetch_sub(1, Ordering::Release) == 1 {
            // The slot's last `Stored`: its count of the block goes too.
            // SAFETY: the slot held one count of its block for it.
            unsafe { release_block(block) };
        }
    }
}

impl core::fmt::Debug for Stored {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Stored")
            .field("store", &self.block().store)
            .finish()
    }
}

impl ObjectStore {
    /// An empty store (make it a Python object with `into_hpy`, and keep it
    /// in a `Field` of the instances whose values hold its references).
    pub fn new() -> Self {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        ObjectStore {
            registry: Registry {
                id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
                slots: UnsafeCell::new(Slots {
                    blocks: Vec::new(),
                    free: Vec::new(),
                    next: 0,
                    room: 0,
                    last: NonNull::dangling(),
                    used: 0,
                    kept: 0,
                }),
            },
        }
    }

    /// How many references the store keeps, dead ones not yet swept
    /// included.
    pub fn len(&self) -> usize {
        // SAFETY: see `Registry::slots`: nothing else borrows it now.
        unsafe { (*self.registry.slots.get()).used }
    }

    /// Whether the store keeps no reference.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for ObjectStore {
    fn default() -> Self {
        ObjectStore::new()
    }
}

/// The fewest used slots a sweep is worth.
const MIN_SWEEP: usize = 32;

impl Slots {
    /// A slot for a new reference, as its first `Stored`; `None` when a
    /// new block is due and the registry has doubled since its last sweep
    /// (sweep first, then ask again).
    #[inline(always)]
    fn take(&mut self, id: u64, may_sweep: bool) -> Option<Stored> {
        let at = match self.free.pop() {
            Some(free) => {
                // SAFETY: the registry holds a count of each of its blocks.
                let slot = unsafe { free.slot.as_ref() };
                slot.taken.set(true);
                // Free: no `Stored` names it, so its count is 0 and nobody
                // else changes it now.
                slot.refs.store(1, Ordering::Relaxed);
                free
            }
            // `room` is 0 until the first block: `last` is one then.
            None if self.next < self.room => self.first_use(self.last),
            None => self.take_in_new_block(id, may_sweep)?,
        };
        self.used += 1;
        // SAFETY: the registry holds a count of each of its blocks.
        // Relaxed as `Arc::clone`: the registry's count is held.
        unsafe { at.block.as_ref() }
            .live
            .fetch_add(1, Ordering::Relaxed);
        Some(Stored { slot: at.slot })
    }

    /// [`take`](Self::take)'s slot when the last block is full.
    #[cold]
    #[inline(never)]
    fn take_in_new_block(&mut self, id: u64, may_sweep: bool) -> Option<SlotRef> {
        let block = self.new_block(id, may_sweep)?;
        Some(self.first_use(block))
    }

    /// The last block's next unused slot, written now as taken (empty,
    /// named by the `Stored` about to be made).
    #[inline(always)]
    fn first_use(&mut self, block: NonNull<Block>) -> SlotRef {
        // SAFETY: `block` is the last block, `next < room` its length; the
        // slot was never written, so nothing else reaches it.
        let slot = unsafe {
            let slot = slot_ptr(block, self.next);
            slot.as_ptr().write(Slot {
                field: UnsafeCell::new(hpy_sys::HPyField_NULL),
                refs: AtomicUsize::new(1),
                taken: Cell::new(true),
                block,
            });
            slot
        };
        self.next += 1;
        SlotRef { block, slot }
    }

    /// The slots of block `i` written so far: all of them but in the last
    /// block, whose first `next` only.
    #[inline(always)]
    fn written(&self, i: usize) -> &[Slot] {
        let block = self.blocks[i];
        let len = if i + 1 == self.blocks.len() {
            self.next
        } else {
            // SAFETY: the registry holds a count of each of its blocks.
            unsafe { block.as_ref().len }
        };
        // SAFETY: the first `len` slots of an allocated block are written
        // (a block before the last was filled before the next was made),
        // and live as long as the registry's count of the block.
        unsafe { core::slice::from_raw_parts(slot_ptr(block, 0).as_ptr(), len) }
    }

    /// Whether some taken slot may be dead (no `Stored` names it any
    /// more), read from the blocks' counts without looking at the slots:
    /// a block's `live` is 1 (the registry's) plus its slots that a
    /// `Stored` names, so the taken slots beyond those are dead. A count
    /// given back on another thread meanwhile is seen at a later call.
    fn any_dead(&self) -> bool {
        let named: usize = self
            .blocks
            .iter()
            // SAFETY: the registry holds a count of each of its blocks.
            // Acquire: pairs with the Release of `release_block`.
            .map(|b| unsafe { b.as_ref() }.live.load(Ordering::Acquire) - 1)
            .sum();
        named < self.used
    }

    /// A new last block (twice the last one's size, within bounds), its
    /// slots not written yet; `None` when the registry has doubled since
    /// its last sweep and `may_sweep`.
    #[inline(never)]
    fn new_block(&mut self, id: u64, may_sweep: bool) -> Option<NonNull<Block>> {
        if may_sweep && self.used >= MIN_SWEEP.max(2 * self.kept) {
            if self.any_dead() {
                return None;
            }
            // Nothing to release: a sweep would only read every slot.
            self.kept = self.used;
        }
        let size = (2 * self.room).clamp(FIRST_BLOCK, MAX_BLOCK);
        let (layout, _) = block_layout(size);
        // SAFETY: the layout has a non-zero size (a block and its slots).
        let memory = unsafe { std::alloc::alloc(layout) };
        let Some(block) = NonNull::new(memory.cast::<Block>()) else {
            std::alloc::handle_alloc_error(layout)
        };
        // SAFETY: just allocated for a block: nothing else reaches it; its
        // slots are written when first taken (`first_use`).
        unsafe {
            block.as_ptr().write(Block {
                store: id,
                len: size,
                live: AtomicUsize::new(1),
            })
        };
        self.blocks.push(block);
        self.last = block;
        self.room = size;
        self.next = 0;
        Some(block)
    }
}

impl<'ctx> Ref<'_, 'ctx, ObjectStore> {
    /// A new [`Stored`] reference to `obj`, kept by this store
    /// (`HPyField_Store` with the store as owner). Sweeps first when a new
    /// block of slots is due and the store has doubled since its last
    /// sweep, so dead references cost amortised constant time.
    #[inline(always)]
    pub fn stash(&self, obj: &Handle<'ctx>) -> Stored {
        let stored = self.take_slot();
        let ctx = self.handle().context();
        // SAFETY: the slot's field is empty and belongs to this live store,
        // which `tp_traverse` reports it from; `obj` is a live handle.
        unsafe {
            hpy_sys::HPyField_Store(
                ctx.as_raw(),
                self.handle().as_raw(),
                stored.slot().field.get(),
                obj.as_raw(),
            )
        };
        stored
    }

    /// [`stash`](Self::stash) of a handle the caller is done with: its
    /// reference moves into the store (on the CPython ABI no new reference
    /// and then a close; the universal ABI stores and closes), as PyO3's
    /// `Bound::unbind` makes a `Py<T>` of a `Bound<T>`.
    #[inline(always)]
    pub fn stash_owned(&self, obj: Handle<'ctx>) -> Stored {
        let stored = self.take_slot();
        let ctx = self.handle().context();
        // SAFETY: the slot's field is empty and belongs to this live store,
        // which `tp_traverse` reports it from; `obj` is an owned handle of
        // this context, consumed here.
        unsafe {
            crate::abi::field_store_owned(
                ctx.as_raw(),
                self.handle().as_raw(),
                stored.slot().field.get(),
                obj.into_raw(),
            )
        };
        stored
    }

    /// A slot for a new reference, registered (and so visited) before it
    /// holds anything: the store reports it from the moment it does.
    #[inline(always)]
    fn take_slot(&self) -> Stored {
        let registry = &self.registry;
        // SAFETY: see `Registry::slots`: no other reference to it exists
        // now, and nothing in `take` calls into the interpreter.
        match unsafe { (*registry.slots.get()).take(registry.id, true) } {
            Some(stored) => stored,
            None => self.sweep_and_take(),
        }
    }

    /// [`take_slot`](Self::take_slot) when a sweep is due first.
    #[cold]
    #[inline(never)]
    fn sweep_and_take(&self) -> Stored {
        self.sweep();
        let registry = &self.registry;
        // SAFETY: as in `take_slot`.
        unsafe { (*registry.slots.get()).take(registry.id, false) }
            .expect("a new block is made when sweeping is not allowed")
    }

    /// The object `stored` refers to, as a new handle (`HPyField_Load`).
    ///
    /// # Errors
    /// `ValueError` if `stored` was made by another store; `RuntimeError`
    /// if the store was cleared by the garbage collector (its cycle is
    /// being destroyed, and a finalizer runs late).
    #[inline]
    pub fn get(&self, stored: &Stored) -> HPyResult<Handle<'ctx>> {
        if stored.block().store != self.registry.id {
            return Err(not_this_store());
        }
        // SAFETY: the slot is in a block of this live store (its registry
        // keeps every block it made), named by `stored` and so not released,
        // and reported to the collector: its field is empty or current.
        let raw = unsafe { *stored.slot().field.get() };
        if raw._i == 0 {
            return Err(store_cleared());
        }
        let ctx = self.handle().context();
        // SAFETY: a non-empty field of this store; a new owned handle.
        unsafe {
            let h = hpy_sys::HPyField_Load(ctx.as_raw(), self.handle().as_raw(), raw);
            Ok(Handle::from_raw(ctx, h))
        }
    }

    /// Releases every reference no [`Stored`] names any more.
    pub fn sweep(&self) {
        let ctx = self.handle().context();
        let owner = self.handle().as_raw();
        let registry = &self.registry;
        // SAFETY: see `Registry::slots`: the only reference to it while
        // this runs, and nothing here calls into the interpreter.
        let dead: Vec<SlotRef> = unsafe {
            let slots = &mut *registry.slots.get();
            let mut dead = Vec::new();
            for (i, &block) in slots.blocks.iter().enumerate() {
                for slot in slots.written(i) {
                    // Acquire: pairs with the Release of `Stored::drop`.
                    if slot.taken.get() && slot.refs.load(Ordering::Acquire) == 0 {
                        // Not taken any more, so that a sweep run by a
                        // finalizer below does not release it again; free
                        // once released.
                        slot.taken.set(false);
                        dead.push(SlotRef {
                            block,
                            slot: NonNull::from(slot),
                        });
                    }
                }
            }
            slots.kept = slots.used - dead.len();
            dead
        };
        for at in &dead {
            // SAFETY: a field of this store that nothing else names, in a
            // block the registry keeps (its memory stays where it is when a
            // finalizer below adds blocks); the release may run a
            // finalizer, which may use this store again: the registry is
            // not borrowed now.
            unsafe {
                hpy_sys::HPyField_Store(
                    ctx.as_raw(),
                    owner,
                    at.slot.as_ref().field.get(),
                    hpy_sys::HPy_NULL,
                )
            };
        }
        // SAFETY: as above (the releases are over). The released slots are
        // free from now on (a sweep run by a finalizer above did not see
        // them: they were no longer taken).
        let slots = unsafe { &mut *registry.slots.get() };
        slots.used -= dead.len();
        slots.free.extend_from_slice(&dead);
    }
}

/// The error of [`Ref::get`] for a `Stored` of another store.
#[cold]
#[inline(never)]
fn not_this_store() -> HPyErr {
    HPyErr::value_error("hpy::Stored loaded through an ObjectStore that does not keep it")
}

/// The error of [`Ref::get`] for a slot the collector cleared.
#[cold]
#[inline(never)]
fn store_cleared() -> HPyErr {
    HPyErr::runtime_error("hpy::Stored: its ObjectStore was cleared by the garbage collector")
}

impl<'a, 'ctx> Ref<'a, 'ctx, ObjectStore> {
    /// Runs `f` with this store as the thread's current one, so that code
    /// that gets no context — `PartialEq` impls called by a collection,
    /// like the keys of an `rpds` map — can compare stored objects with
    /// [`Stored::eq_in_scope`]. The first Python exception raised by such a
    /// comparison is kept, later comparisons of the scope answer `false`
    /// without calling Python, and `scope` returns the exception once `f`
    /// is done.
    pub fn scope<R>(&self, f: impl FnOnce() -> R) -> HPyResult<R> {
        ObjectStore::scope(&[self], f)
    }
}

impl ObjectStore {
    /// [`Ref::scope`] for values that hold references of several stores
    /// (comparing two maps made separately): each `Stored` is read through
    /// the store of `stores` that keeps it.
    ///
    /// # Panics
    /// If `stores` is empty.
    #[inline]
    pub fn scope<'ctx, R>(
        stores: &[&Ref<'_, 'ctx, ObjectStore>],
        f: impl FnOnce() -> R,
    ) -> HPyResult<R> {
        assert!(
            !stores.is_empty(),
            "ObjectStore::scope needs at least one store"
        );
        let scope = Scope {
            stores,
            error: core::cell::RefCell::new(None),
        };
        // Only the lifetimes are erased (a thin pointer): the pointer is
        // taken out of the thread-local again by `Restore` before `scope`
        // ends (also on a panic), so it is never used after `scope` is gone.
        let erased: ScopePtr = (&scope as *const Scope<'_, '_, 'ctx>).cast();
        // One look-up of the thread-local for both the set and the restore,
        // and `f` runs outside it (so that nothing of `f` is moved into a
        // closure of `LocalKey::with`).
        let current = CURRENT_SCOPE.with(|current| current as *const Cell<Option<ScopePtr>>);
        // SAFETY: a thread-local of this thread (a `const` one without drop
        // glue: it lives as long as the thread), used on this thread only.
        let current = unsafe { &*current };
        let restore = Restore {
            current,
            previous: current.replace(Some(erased)),
        };
        let result = f();
        drop(restore);
        match scope.error.into_inner() {
            Some(caught) => Err(caught.raise()),
            None => Ok(result),
        }
    }
}

/// A scope with its lifetimes erased, as the thread-local keeps it.
type ScopePtr = *const Scope<'static, 'static, 'static>;

std::thread_local! {
    /// The innermost `Ref<ObjectStore>::scope` of this thread, if any.
    static CURRENT_SCOPE: Cell<Option<ScopePtr>> = const { Cell::new(None) };
}

/// Puts back the scope that was current before (on every exit).
struct Restore<'a> {
    current: &'a Cell<Option<ScopePtr>>,
    previous: Option<ScopePtr>,
}

impl Drop for Restore<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.current.set(self.previous);
    }
}

/// A scope's stores and the first exception raised in it.
struct Scope<'s, 'a, 'ctx> {
    stores: &'s [&'s Ref<'a, 'ctx, ObjectStore>],
    error: core::cell::RefCell<Option<crate::Caught<'ctx>>>,
}

impl Scope<'_, '_, '_> {
    /// `a == b` through the scope's stores (see `Stored::eq_in_scope`).
    fn eq(&self, a: &Stored, b: &Stored) -> bool {
        if self.error.borrow().is_some() {
            return false;
        }
        let load = |s: &Stored| {
            let store = self
                .stores
                .iter()
                .find(|store| store.registry.id == s.block().store);
            store.map_or_else(
                || {
                    Err(HPyErr::value_error(
                        "hpy::Stored compared in a scope without the ObjectStore that keeps it",
                    ))
                },
                |store| store.get(s),
            )
        };
        let compared =
            load(a).and_then(|a| a.rich_compare_bool(&load(b)?, crate::RichCompareOp::Eq));
        compared.unwrap_or_else(|err| {
            let ctx = self.stores[0].handle().context();
            *self.error.borrow_mut() = err.catch(ctx).ok();
            false
        })
    }
}

impl Stored {
    /// Python `a == b` of the two objects (the same reference is equal
    /// without a call), read through the store of the current
    /// [`Ref<ObjectStore>::scope`]. For `PartialEq` impls of keys that a
    /// Rust collection compares without a context.
    ///
    /// # Panics
    /// Outside a `scope`: a comparison of Python objects needs the
    /// interpreter, which only a scope lends here.
    pub fn eq_in_scope(&self, other: &Stored) -> bool {
        if self.same_reference(other) {
            return true;
        }
        let current = CURRENT_SCOPE.with(|current| current.get());
        let scope = current.expect(
            "hpy::Stored::eq_in_scope outside Ref<ObjectStore>::scope: run the collection \
             operation inside store.scope(|| ...)",
        );
        // SAFETY: a current scope is alive (its `Restore` takes it out of
        // the thread-local before it ends), and it is used on its own
        // thread only.
        unsafe { (*scope).eq(self, other) }
    }
}

// SAFETY: the registry's slots are read through `UnsafeCell` pointers only
// (never through a reference another method holds across an allocation,
// see `Registry::slots`); each slot is in a block of one store, which
// stored it with itself as owner; blocks are heap-allocated, kept by the
// registry while the store lives, and never move.
unsafe impl crate::class::VisitValue for ObjectStore {
    unsafe fn visit_value(
        value: *const Self,
        mut visit: impl FnMut(*mut HPyField) -> c_int,
    ) -> c_int {
        // SAFETY: the live value (contract); the registry is read, not
        // borrowed past this loop.
        let slots = unsafe { &*(*value).registry.slots.get() };
        for i in 0..slots.blocks.len() {
            for slot in slots.written(i) {
                let field = slot.field.get();
                // SAFETY: a slot of this store, read with the interpreter
                // held.
                if unsafe { (*field)._i } != 0 {
                    let r = visit(field);
                    if r != 0 {
                        return r;
                    }
                }
            }
        }
        0
    }
}
