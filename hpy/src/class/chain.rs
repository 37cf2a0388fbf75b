//! The blocks of an instance, one per Rust class along its `extends`
//! chain: writing them when it is created ([`Ancestors`]), dropping them
//! (`tp_destroy`) and visiting their `Field` slots (`tp_traverse`).

use core::ffi::{c_int, c_void};
use core::ptr;

use hpy_sys::{cpy_PyObject, HPyCFunction, HPyDef};

use super::data::class_id;
use super::info::TypeSlot;
use super::layout::data_size;
use crate::abi::BLOCKS_RECORD_CLASSES;
use crate::class::{ClassData, HPyClass};
use crate::runtime::def::slot;
use crate::Handle;

/// A class declared with `extends = Parent` (written by `#[hpy_class]`).
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait Extends: HPyClass {
    /// The Rust class it extends.
    type Parent: HPyClass;
}

/// Writes the parts of a new instance that belong to its Rust ancestors.
pub trait Ancestors<T: HPyClass> {
    /// What is left to do once the instance exists and holds its value.
    type After: AfterNew<T>;

    /// Writes them into the instance data at `start`.
    ///
    /// # Safety
    /// `start` is the zeroed data of a new instance of `T`.
    unsafe fn write(self, start: *mut u8) -> Self::After;
}

/// The last step of creating an instance, with its handle.
pub trait AfterNew<T: HPyClass> {
    /// Runs it.
    ///
    /// # Safety
    /// `obj` is the new instance of `T` (or of a subclass) and `data` its
    /// whole block, written and not yet seen by anybody else.
    unsafe fn finish(self, obj: &Handle<'_>, data: *mut ClassData<T>);
}

impl<T: HPyClass> AfterNew<T> for () {
    #[inline(always)]
    unsafe fn finish(self, _: &Handle<'_>, _: *mut ClassData<T>) {}
}

/// Ancestors' parts as `Default::default()` (nothing for a class that
/// extends no Rust class).
pub struct DefaultAncestors;

impl<T: HPyClass> Ancestors<T> for DefaultAncestors {
    type After = ();
    #[inline(always)]
    unsafe fn write(self, start: *mut u8) {
        // SAFETY: forwarded.
        unsafe { T::init_ancestors(start) }
    }
}

/// The objects a [`WithFields`](crate::WithFields) puts in the new
/// instance's `Field`s: (offset of the `Field` in the value, object), and
/// the cache entries of those set through `TypedField`s.
pub struct FieldValues<'ctx, T: HPyClass>(pub(super) T::Pending<'ctx>);

impl<T: HPyClass> Ancestors<T> for FieldValues<'_, T> {
    type After = Self;
    #[inline(always)]
    unsafe fn write(self, start: *mut u8) -> Self {
        // SAFETY: forwarded; a class with fields to fill has only default
        // ancestors' parts.
        unsafe { <DefaultAncestors as Ancestors<T>>::write(DefaultAncestors, start) };
        self
    }
}

impl<T: HPyClass> AfterNew<T> for FieldValues<'_, T> {
    #[inline(always)]
    unsafe fn finish(self, obj: &Handle<'_>, data: *mut ClassData<T>) {
        // Drained below, so nothing is left to drop (and no drop glue to
        // run).
        let mut fields = core::mem::ManuallyDrop::new(self.0);
        // SAFETY: forwarded.
        unsafe { store_pending::<T>(&mut fields, obj, data) }
    }
}

/// [`FieldValues`] borrowed from a [`WithFields`](crate::WithFields) that
/// stays where it is while its instance is made
/// (`new_instance_with_fields`): the pending objects are read in place, not
/// moved (a `memcpy` of the builder's inline arrays) into each closure on
/// the way.
pub struct FieldRefs<'a, 'ctx, T: HPyClass>(pub(super) &'a mut T::Pending<'ctx>);

impl<T: HPyClass> Ancestors<T> for FieldRefs<'_, '_, T> {
    type After = Self;
    #[inline(always)]
    unsafe fn write(self, start: *mut u8) -> Self {
        // SAFETY: forwarded; a class with fields to fill has only default
        // ancestors' parts.
        unsafe { <DefaultAncestors as Ancestors<T>>::write(DefaultAncestors, start) };
        self
    }
}

impl<T: HPyClass> AfterNew<T> for FieldRefs<'_, '_, T> {
    #[inline(always)]
    unsafe fn finish(self, obj: &Handle<'_>, data: *mut ClassData<T>) {
        // SAFETY: forwarded.
        unsafe { store_pending::<T>(self.0, obj, data) }
    }
}

/// Stores the pending objects of a `WithFields` in the new instance `obj`
/// (whose whole block is `data`), each `TypedField`'s with its cache entry,
/// leaving `fields` empty. Each object goes to the slot its list entry
/// stands for, which its `Field` already names (`PendingList::push`): the
/// instance is filled slot by slot, as C fills a struct, with no search
/// for a free slot.
///
/// # Safety
/// As for [`AfterNew::finish`]; `fields` comes from one `WithFields<T>`
/// (so its list has room for `T::FIELD_SLOTS` objects at most), and the
/// block's slots are all empty (a new instance).
#[inline(always)]
unsafe fn store_pending<'ctx, T: HPyClass>(
    fields: &mut T::Pending<'ctx>,
    obj: &Handle<'_>,
    data: *mut ClassData<T>,
) {
    use crate::class::PendingList as _;
    let data = ptr::NonNull::new(data).expect("a class with Fields has a block");
    fields.drain(
        #[inline(always)]
        |index, h, owned, entry| {
            // SAFETY: forwarded: the indices `drain` gives are distinct and
            // below `T::FIELD_SLOTS`, so each names an empty slot of the
            // new instance; a typed entry is `h`'s (`WithFields::set_typed`);
            // a borrowed `h` is open for the whole store (its builder's
            // lifetime).
            unsafe { crate::class::field::store_new_slot(obj, data, index, h, owned, entry) }
        },
    );
}

/// The parent's value given by the constructor; the grandparents' parts
/// start as `Default::default()`.
pub struct ParentValue<P>(pub(super) P);

impl<T: Extends> Ancestors<T> for ParentValue<T::Parent> {
    type After = ();
    unsafe fn write(self, start: *mut u8) {
        // SAFETY: forwarded: the parent's block comes after its own
        // ancestors'.
        unsafe {
            <T::Parent as HPyClass>::init_ancestors(start);
            init_block::<T::Parent>(start, self.0);
        }
    }
}

/// Writes `value` as `T`'s block (nothing for a zero-sized one).
///
/// # Safety
/// `start` is the zeroed data of a new instance of `T` (or of a subclass).
pub(super) unsafe fn init_block<T: HPyClass>(start: *mut u8, value: T) {
    if data_size::<T>() != 0 {
        // SAFETY: forwarded; T's block is at its `data_offset`.
        unsafe { ClassData::<T>::init(start.add(T::INFO.data_offset).cast(), value) };
    }
}

/// `init_ancestors` of a class that `extends` `B`: `B`'s block (and its
/// ancestors') start as `Default::default()`.
///
/// # Safety
/// `start` is the zeroed data of a new instance of a subclass of `B`.
pub unsafe fn init_ancestor<B: HPyClass + Default>(start: *mut u8) {
    // SAFETY: forwarded.
    unsafe {
        B::init_ancestors(start);
        init_block::<B>(start, B::default());
    }
}

/// Drops `T`'s value and its ancestors' in the instance data at `start`
/// (also `destroy_ancestors` of a class that `extends` `T`).
///
/// # Safety
/// `start` is the data of a dying instance of `T` (or of a subclass).
pub unsafe fn destroy_chain<T: HPyClass>(start: *mut u8) {
    // SAFETY: forwarded; T's block is at its `data_offset`.
    unsafe {
        if data_size::<T>() != 0 {
            ClassData::<T>::destroy(start.add(T::INFO.data_offset).cast());
        }
        T::destroy_ancestors(start);
    }
}

/// Drops the values of the instance whose data starts at `start` as the
/// class that made it (`tp_destroy` of `T`, the class the object has now).
///
/// # Safety
/// `start` is the data of a dying instance of `T`'s type (or a subclass),
/// found by `locate_start`. Where blocks record no class
/// (`abi::BLOCKS_RECORD_CLASSES`), simply the chain's destroy.
pub(super) unsafe fn destroy_instance<T: HPyClass>(start: *mut u8) {
    let creator = if BLOCKS_RECORD_CLASSES && T::INFO.shape == hpy_sys::HPyType_BuiltinShape_Object
    {
        // SAFETY: `locate_start` found a live block header here.
        unsafe { (*start.cast::<ClassData<()>>()).tag.creator.get() }
    } else {
        0
    };
    if creator == 0 || creator == class_id::<T>() {
        // SAFETY: forwarded.
        unsafe { destroy_chain::<T>(start) };
        return;
    }
    // SAFETY: as in `check_block_slow` (`locate_start` saw the canary).
    let made_by = unsafe { &*(creator as *const TypeSlot) };
    if let Some(destroy) = made_by.destroy() {
        // SAFETY: the data of a dying instance of the class that made it.
        unsafe { destroy(start) };
    }
}

/// Visits the non-empty `Field` slots of `T`'s block and of its ancestors'
/// in the instance data at `start` (also `visit_ancestors` of a class that
/// `extends` `T`).
///
/// # Safety
/// `start` is the data of a live instance of `T` (or of a subclass).
pub unsafe fn visit_chain<T: HPyClass>(
    start: *mut u8,
    visit: &mut dyn FnMut(*mut hpy_sys::HPyField) -> c_int,
) -> c_int {
    // The `__dict__` slot (`dict`) follows the `Field` slots and holds a
    // strong reference as they do: it is visited (and cleared) with them.
    let visited = T::FIELD_SLOTS + T::DICT as usize;
    if visited != 0 {
        // SAFETY: forwarded: T's block, with its slots, is at `data_offset`.
        let slots = unsafe { ClassData::<T>::slots(start.add(T::INFO.data_offset).cast()) };
        for k in 0..visited {
            // SAFETY: k < visited: a slot of the block, zero or stored by
            // HPy (or by the interpreter, for the `__dict__`).
            let slot = unsafe { slots.add(k) };
            // SAFETY: as above.
            if unsafe { (*slot)._i } != 0 {
                let r = visit(slot);
                if r != 0 {
                    return r;
                }
            }
        }
    }
    if let Some(visit_value) = T::VISIT_VALUE {
        // SAFETY: forwarded: T's block is at `data_offset`.
        let block = unsafe { start.add(T::INFO.data_offset).cast::<ClassData<T>>() };
        // SAFETY: the block of a live instance; its value is read only once
        // written, as `VisitValue` allows.
        if unsafe { ClassData::is_initialized(block) } {
            // SAFETY: as above.
            let r = unsafe {
                visit_value(
                    ClassData::value_ptr(block).cast(),
                    super::ValueFields::Visit(visit),
                )
            };
            if r != 0 {
                return r;
            }
        }
    }
    // SAFETY: forwarded.
    unsafe { T::visit_ancestors(start, visit) }
}

/// Empties every field of a dying instance of `T` (the `Field` slots, the
/// `__dict__` slot and the fields of its value, as [`visit_chain`] finds
/// them), the value's without a virtual call per field: for a deallocator
/// that frees the instance right after.
///
/// # Safety
/// Only on the CPython ABI: `start` is the data of an instance of `T`
/// whose reference count reached 0, zeroed at allocation (fields and value
/// are read only once written); its fields own their references.
pub unsafe fn clear_fields<T: HPyClass>(start: *mut u8) {
    let mut clear = |field: *mut hpy_sys::HPyField| {
        // SAFETY: a field of the dying instance, owning its reference.
        unsafe { crate::abi::clear_owned_field(field) };
        0
    };
    let cleared = T::FIELD_SLOTS + T::DICT as usize;
    if cleared != 0 {
        // SAFETY: forwarded: T's block, with its slots, is at `data_offset`.
        let slots = unsafe { ClassData::<T>::slots(start.add(T::INFO.data_offset).cast()) };
        for k in 0..cleared {
            // SAFETY: k < cleared: a slot of the block, zero or owning.
            let slot = unsafe { slots.add(k) };
            // SAFETY: as above.
            if unsafe { (*slot)._i } != 0 {
                clear(slot);
            }
        }
        // The `TypedField` cache is left as it is: the instance is freed
        // once this returns, and nothing reads its block meanwhile (its
        // reference count is 0, so no `Ref` to it and no `TypedField`
        // naming its block from another instance is left).
    }
    if let Some(visit_value) = T::VISIT_VALUE {
        // SAFETY: forwarded: T's block is at `data_offset`.
        let block = unsafe { start.add(T::INFO.data_offset).cast::<ClassData<T>>() };
        // SAFETY: the block of a dying instance, its value read only once
        // written; `Clear` on the CPython ABI (contract).
        unsafe {
            if ClassData::is_initialized(block) {
                visit_value(
                    ClassData::value_ptr(block).cast(),
                    super::ValueFields::Clear,
                );
            }
        }
    }
    // SAFETY: forwarded.
    unsafe { T::visit_ancestors(start, &mut clear) };
}

/// `tp_destroy`: drops the Rust value.
///
/// # Safety
/// Called by HPy only, with the data of a dying instance of `T`.
pub unsafe extern "C" fn impl_destroy<T: HPyClass>(data: *mut c_void) {
    // SAFETY: forwarded from the contract; `locate_start` only returns the
    // data of this instance, whose blocks are all live.
    if let Some(start) = unsafe { super::locate_start(data) } {
        // SAFETY: as above.
        unsafe { destroy_reporting_panics::<T>(start) }
    }
}

/// Drops the values of the dying instance whose data starts at `start`
/// (`destroy_instance`), as `tp_destroy` and a simple class's deallocator
/// do: a panic in `Drop` must not unwind into the interpreter, so it is
/// reported and the value leaked.
///
/// # Safety
/// As for `destroy_instance`.
#[inline(always)]
pub(super) unsafe fn destroy_reporting_panics<T: HPyClass>(start: *mut u8) {
    let result = std::panic::catch_unwind(|| {
        // SAFETY: forwarded; each block is dropped once (`destroy` clears
        // its "initialised" flag), as the class that made the object
        // (which PyPy lets Python change).
        unsafe { destroy_instance::<T>(start) }
    });
    if let Err(payload) = result {
        eprintln!(
            "hpy: panic while dropping a {} object: {}",
            T::INFO.python_name(),
            crate::err::panic_text(&*payload)
        );
    }
}

crate::abi::entry_point! {
    /// `tp_traverse`: reports every object the instance keeps in its `Field`
    /// slots to the garbage collector. Only the slots are read, never the Rust
    /// value (which a method may be borrowing mutably right now).
    ///
    /// # Safety
    /// Called by HPy only, with the data of an instance of `T`.
    pub unsafe extern "C" fn impl_traverse<T: HPyClass>(
        data: *mut c_void,
        visit: hpy_sys::HPyFunc_visitproc,
        arg: *mut c_void,
    ) -> c_int {
        // SAFETY: what HPy passes for a live instance of T; `locate_start`
        // finds the data (or gives up).
        let Some(start) = (unsafe { super::locate_start(data) }) else {
            return 0;
        };
        // SAFETY: `visit`/`arg` are the ones HPy passed to this traverse call;
        // the slot is a live HPyField of the instance.
        let mut visit = |slot: *mut hpy_sys::HPyField| unsafe { visit(slot, arg) };
        // SAFETY: the live data of an instance of T.
        unsafe { visit_chain::<T>(start, &mut visit) }
    }
}

/// The CPython-convention trampoline of `tp_traverse`: one body for
/// both ABIs, the seam (`abi`) converts the arguments.
///
/// # Safety
/// Called by CPython as `tp_traverse`.
unsafe extern "C" fn cpy_traverse<T: HPyClass>(
    obj: *mut cpy_PyObject,
    visit: hpy_sys::cpy_visitproc,
    arg: *mut c_void,
) -> c_int {
    // SAFETY: CPython's `tp_traverse` arguments, for `impl_traverse`.
    unsafe { crate::abi::traverseproc(impl_traverse::<T>, impl_traverse::<T>, obj, visit, arg) }
}

/// `tp_destroy` definition for `T`.
pub const fn slot_destroy<T: HPyClass>() -> HPyDef {
    let f: unsafe extern "C" fn(*mut c_void) = impl_destroy::<T>;
    slot(hpy_sys::HPy_tp_destroy, f as HPyCFunction, None)
}

/// `tp_traverse` definition for `T`.
pub const fn slot_traverse<T: HPyClass>() -> HPyDef {
    let f: hpy_sys::HPyFunc_traverseproc = impl_traverse::<T>;
    type Traverse =
        unsafe extern "C" fn(*mut cpy_PyObject, hpy_sys::cpy_visitproc, *mut c_void) -> c_int;
    let cpy: Traverse = cpy_traverse::<T>;
    // SAFETY: function pointers have one size; CPython calls it as tp_traverse.
    let cpy = unsafe { core::mem::transmute::<Traverse, hpy_sys::cpy_PyCFunction>(cpy) };
    slot(hpy_sys::HPy_tp_traverse, f as HPyCFunction, Some(cpy))
}
