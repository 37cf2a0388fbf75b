//! [`TypedField`]: a reference to an instance of a `frozen` hpy-rs class,
//! read as `&U` with no HPy call, and the cache in the owner's block that
//! makes it possible.
//!
//! ## The cache
//!
//! A class whose value can hold `TypedField`s (`HPyClass::TYPED_FIELDS`)
//! has, after its `Field` slots and object slots, one [`CacheEntry`] per
//! `Field` slot. The invariant, kept by every write to a slot (see
//! `Field::store_inside`, `field::store_new_slot`, `store_typed` and
//! `class::chain::clear_fields`):
//!
//! > entry k has a block ⇒ slot k is empty or holds the object whose
//! > `ClassData` block (of the class `entry.class`) that is.
//!
//! The cache sits beside the slots and not in the `TypedField` because a
//! field's *name* (its slot number) can move between instances (`mem::swap`
//! through two `RefMut`s); a pointer moved with it would name an object
//! another instance keeps. Beside the slot, the entry changes with the
//! slot, in the same instance.
//!
//! An untyped store through a name whose slot holds a typed object (a
//! `Field` moved in from another instance) takes a free slot instead: a
//! shared guard can store, and it must not drop an object a `&U` read from
//! this instance may still point to. A typed store only happens with the
//! owner borrowed exclusively (`RefMut::set_typed`) or before anybody sees
//! it (`WithFields::set_typed`), so no `&U` read from it is alive then.
//!
//! Where the interpreter may destroy an object another still references
//! (`Quirk::DestroysReferenced`: PyPy runs `tp_destroy` after `__del__`
//! even when `__del__` brought the object, or one referring to it, back,
//! and then lets the GC free its storage), a read first asks HPy where the
//! object's data is and follows the entry only if that is still its block
//! (`Ref::get_typed`). Elsewhere the slot's reference keeps the block
//! alive, and the read makes no HPy call.
//!
//! At construction, the entries wait in the builder's
//! [`PendingFields`](super::PendingFields) (its
//! [`PendingTypedStore`](super::PendingTypedStore) is zero-sized for a class
//! without `TypedField`s).

use core::marker::PhantomData;

use super::cache::CacheEntry;
use super::data::class_id;
use super::{ClassData, Field, FieldSlots, HPyClass};

#[cfg(doc)]
use super::{FrozenClass, Ref, RefMut, WithFields};

/// A reference kept by an instance to an instance of the hpy-rs class `U`,
/// read as a plain `&U` with no HPy call when `U` is `frozen`
/// ([`Ref::get_typed`]): the counterpart of PyO3's `Py<T>::get()`.
///
/// Like a [`Field`], it keeps its object in a slot of the instance that the
/// garbage collector sees (so cycles are collected); it also remembers
/// where that object's Rust value is, in the instance beside the slot. A
/// `Field` read costs a new handle (`HPyField_Load`), a type check and a
/// close; a `TypedField` read is a few loads and compares on CPython (on
/// PyPy it still asks HPy where the object's data is, see
/// [`Ref::get_typed`]).
///
/// Written at construction ([`WithFields::set_typed`]) or through an
/// exclusive borrow of the owner ([`RefMut::set_typed`]); read through any
/// borrow ([`Ref::get_typed`], [`Ref::load_typed`] for a handle).
///
/// ```
/// use hpy::{hpy_class, hpy_methods, Ref, TypedField, WithFields};
///
/// #[hpy_class(module = "algebra", frozen)]
/// struct Variable {
///     value: f64,
/// }
///
/// #[hpy_class(module = "algebra", frozen)]
/// struct Term {
///     variable: TypedField<Variable>,
///     coefficient: f64,
/// }
///
/// #[hpy_methods]
/// impl Term {
///     #[new]
///     fn new<'ctx>(variable: Ref<'_, 'ctx, Variable>, coefficient: f64) -> WithFields<'ctx, Term> {
///         let term = Term { variable: TypedField::new(), coefficient };
///         WithFields::new(term).set_typed(|t| &t.variable, &variable)
///     }
///
///     fn value(slf: Ref<'_, '_, Self>) -> f64 {
///         slf.get_typed(&slf.variable).map_or(0.0, |v| v.value * slf.coefficient)
///     }
/// }
/// ```
pub struct TypedField<U: HPyClass> {
    field: Field,
    _class: PhantomData<fn() -> U>,
}

impl<U: HPyClass> TypedField<U> {
    /// An empty field.
    pub const fn new() -> Self {
        TypedField {
            field: Field::new(),
            _class: PhantomData,
        }
    }

    /// Whether the field names no slot (never stored, or cleared).
    pub fn is_empty(&self) -> bool {
        self.field.is_empty()
    }

    /// The untyped field: its name, for the owner's slot and cache.
    pub(crate) fn field(&self) -> &Field {
        &self.field
    }
}

impl<U: HPyClass> Default for TypedField<U> {
    fn default() -> Self {
        TypedField::new()
    }
}

impl<U: HPyClass> FieldSlots for TypedField<U> {
    const COUNT: usize = 1;
    const TYPED: bool = true;
}

/// A non-null `block` for a class whose instances have no block (a
/// zero-sized value without fields): nothing is read through it.
const NO_BLOCK: *const u8 = core::ptr::NonNull::<u8>::dangling().as_ptr();

impl CacheEntry {
    /// The entry for an instance of `U` (or a subclass) whose block is
    /// `block` (`None`: it has none).
    pub(crate) fn of<U: HPyClass>(block: Option<*const ClassData<U>>) -> CacheEntry {
        CacheEntry {
            block: block.map_or(NO_BLOCK, |b| b.cast()),
            class: class_id::<U>(),
        }
    }

    /// The entry that clears a `TypedField<U>`: no block, `U`'s class
    /// (which the slot must hold for the field to clear it).
    pub(crate) fn cleared<U: HPyClass>() -> CacheEntry {
        CacheEntry {
            block: core::ptr::null(),
            class: class_id::<U>(),
        }
    }

    /// Whether the slot was stored through a `TypedField<U>`.
    #[inline(always)]
    pub(crate) fn names<U: HPyClass>(&self) -> bool {
        !self.block.is_null() && self.class == class_id::<U>()
    }
}

/// The value of `U` that `entry` names, if it names one of `U`'s blocks
/// and its value is alive.
///
/// # Safety
/// `entry` is the entry of a non-empty slot of a live instance, kept by
/// the cache invariant (the slot holds the object whose block it names),
/// and `U` is frozen; the result is used only while the slot keeps that
/// object (the caller's borrow of the owner ensures it).
#[inline(always)]
pub(crate) unsafe fn cached_value<'s, U: HPyClass>(entry: CacheEntry) -> Option<&'s U> {
    if !entry.names::<U>() {
        return None;
    }
    if crate::class::data_size::<U>() == 0 {
        // No block: a zero-sized value, valid anywhere.
        return Some(super::layout::zst_ref());
    }
    let block = entry.block.cast::<ClassData<U>>().cast_mut();
    // SAFETY: by the invariant, the block of the object the slot holds
    // (alive, its memory kept by the reference the slot owns); only its
    // header flag is read.
    if !unsafe { ClassData::is_initialized(block) } {
        // Destroyed while referenced (PyPy): no value to read.
        return None;
    }
    // SAFETY: the value is written and alive; `U` is frozen, so no `&mut U`
    // exists anywhere.
    Some(unsafe { &*ClassData::value_ptr(block) })
}
