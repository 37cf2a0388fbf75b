//! Python classes implemented by Rust structs: [`HPyClass`], the borrow
//! guards [`Ref`]/[`RefMut`], and [`Field`] for object references stored in
//! instance data.
//!
//! ## Data access model
//!
//! The Rust value lives inside the Python object, next to a borrow flag, like
//! a `RefCell`. Methods taking `&self` borrow it shared for the duration of
//! the call, `&mut self` exclusively; a conflicting borrow — for example a
//! `&mut self` method that calls back into Python code which calls another
//! method of the same object — raises `RuntimeError` instead of creating two
//! live `&mut`. The value is written once when the object is created and
//! dropped once when it is destroyed; an object whose constructor never ran
//! (`__new__` bypassed) has no value and every borrow raises `TypeError`.
//! A `frozen` class has no `RefMut` at all (using one does not compile), so
//! its shared borrows are not counted.
//!
//! ## The files, bottom to top
//!
//! Each file uses only files listed above it (no import cycle in the
//! folder; `hpy-macros-backend/tests/module_graph.rs` fails the build on
//! one), so the folder reads top to bottom:
//!
//! 1. The facts, as data: `info` (what `#[hpy_class]` writes,
//!    [`ClassInfo`], and the per-class static [`TypeSlot`]), `value` (what
//!    a value may hold: [`FieldSlots`], the probes, [`VisitValue`]), `cache`
//!    (the `TypedField` cache entry), `tag` (what a block records of its
//!    classes, in words the ABI sizes) and `slots` (helpers for the
//!    generated slot bodies).
//! 2. `pending`: what a [`WithFields`] keeps until its instance exists.
//! 3. `data`: [`HPyClass`], whose items fix an instance's memory, and
//!    `ClassData`, the block the value lives in.
//! 4. `check` (instance and subclass checks) and `creator` (which class
//!    made an instance: recorded, checked on each borrow, obeyed when it
//!    is destroyed, where the host lets an object change class).
//! 5. `layout` (where each block, slot and cache is), `getset`
//!    (properties), `derived` (`#[hpy_class(eq, ord, hash, str)]`).
//! 6. `chain` (the blocks of an instance along its `extends` chain:
//!    written on creation, dropped by `tp_destroy`, visited by
//!    `tp_traverse`; the pending objects stored), `field` ([`Field`]),
//!    `typed` ([`TypedField`]), `object_slots` (`__dict__`, weak
//!    references).
//! 7. `guard` (the borrow guards [`Ref`] and [`RefMut`], and the `self`
//!    of generated methods), `new` (`tp_new` and making an instance:
//!    allocation, value, fields, tag), `simple` (what the ABI layer's
//!    fast paths need to know of a class).
//! 8. `create` ([`WithFields`], [`type_object`]), `init` (`tp_init`),
//!    `enums` (enums of unit variants), `member`, `static_methods`
//!    (through a companion type), `store` ([`ObjectStore`], [`Stored`]).
//! 9. `items`: what a class is made of, one [`ClassItems`] table per macro
//!    (a data enum's variants among them), collected by [`ClassMethods`].
//! 10. `spec` (the one spec builder, [`add_type`]: the type, its variant
//!     subclasses and companion, from the tables) and `data_enum` (enums
//!     with data: each variant's constructor and fields).
//!
//! Expansions name everything as `::hpy::impl_::class::X`, which the
//! re-exports below keep stable whatever file an item lives in.

mod cache;
mod create;
mod creator;
mod data;
mod field;
mod guard;
mod store;
mod tag;
mod typed;
mod value;

pub(crate) use cache::CacheEntry;
pub use create::{new_instance_with_fields, type_object, WithBorrowedFields, WithFields};
pub(crate) use data::CANARY;
pub use data::{ClassData, FrozenClass, HPyClass};
pub use field::Field;
pub use guard::{Ref, RefMut};
pub(crate) use info::DefineLists;
pub use pending::{
    NoTypedPending, PendingFields, PendingList, PendingTypedStore, PickPending, PickPendingList,
};
pub(crate) use static_methods::without_signature_header;
pub use store::{ObjectStore, Stored};
pub use typed::TypedField;
pub use value::FieldSlots;

// What expansions call (`::hpy::impl_::class::X`).

mod chain;
mod check;
mod data_enum;
mod derived;
mod enums;
mod getset;
mod info;
mod init;
mod items;
mod layout;
mod member;
mod new;
mod object_slots;
mod pending;
mod simple;
mod slots;
mod spec;
mod static_methods;

pub use crate::runtime::{Getter, Setter};
pub use chain::{
    clear_fields, destroy_chain, impl_destroy, impl_traverse, init_ancestor, slot_destroy,
    slot_traverse, visit_chain, AfterNew, Ancestors, DefaultAncestors, Extends, FieldValues,
    ParentValue,
};
pub use check::{check_instance, is_instance, is_subclass};
pub use data_enum::{
    no_such_field, variant_field_check, variant_type_slot, DataEnum, DataEnumRepr, NoVariantField,
    VariantField, VariantFieldProbe, VariantFieldType, VariantNew,
};
pub use derived::{DerivedEq, DerivedHash, DerivedOrd, DerivedStr};
pub use enums::{add_variants, EnumHash, EnumInt, EnumRepr, EnumRichCmp, UnitEnum};
pub use getset::{check_receiver, getset, impl_get, impl_set, NoSetter};
pub use guard::{self_mut, self_mut_as, self_ref, self_ref_as};
pub use info::{
    Base, ClassInfo, TypeSlot, TPFLAGS_BASETYPE, TPFLAGS_HAVE_GC, TPFLAGS_IMMUTABLETYPE,
};
pub use init::{impl_init, init_name, name_str, slot_init, InitFunc, IntoInit, INIT_SUFFIX};
pub use items::{
    class_impls, ClassItems, ClassMethods, ClassOptions, MethodItems, MethodsProbe, NoMethodItems,
    Variant,
};
pub use layout::{as_struct, data_size, extends_offset, extends_size};
pub(crate) use layout::{checked_block, locate_start};
pub use member::{readonly_member, MemberField, MemberGet, MemberRead, MemberSet, MemberWrite};
pub use new::{
    check_class_of, construct, impl_new, new_instance, new_instance_of, new_method, slot_new,
    IntoNew, NewArgs, NewAsMethod, NewFunc, NewValue, NoConstructor,
};
pub use object_slots::{dict_getset_def, dict_offset_def, weaklist_offset_def};
pub use slots::*;
pub use spec::{add_type, add_types, TypeEntry};
pub use static_methods::{missing_class, split_class, ClassLevel, Kind};
pub use value::{
    assert_class_value, ClassValue, FieldCollectionProbe, FieldProbe, FieldSlotsCannotGrow,
    NoFieldSlots, NoValueVisit, NotAFieldCollection, ValueFields, ValueProbe, VisitValue,
    VisitValueFn,
};

pub use crate::abi::properties::PropertyMethods;
