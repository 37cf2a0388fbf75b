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
//! The pieces, by concern. What a user names:
//! - `data`: [`HPyClass`], whose items fix the memory of an instance,
//!   and `ClassData`, the block the value lives in;
//! - `guard`: the borrow guards [`Ref`] and [`RefMut`];
//! - `field`: [`Field`] and [`FieldSlots`];
//! - `typed`: [`TypedField`], read as `&U` through a cache in the owner's
//!   block;
//! - `create`: [`WithFields`] and [`type_object`];
//! - `store`: [`ObjectStore`] and [`Stored`], object references inside
//!   Rust values that many instances share.
//!
//! What `#[hpy_class]` / `#[hpy_methods]` expansions call
//! (`::hpy::impl_::class::X`, kept stable by the re-exports below whatever
//! file an item lives in):
//! - `items`: what a class is made of, one [`ClassItems`] table per macro,
//!   collected by [`ClassMethods`];
//! - `spec`: the type object (static facts, the one spec builder
//!   [`add_type`], what is kept per class in its [`TypeSlot`], the module's
//!   classes in any order);
//! - `layout`: where an instance's data and each block in it are;
//! - `check`: instance and subclass checks, the `self` of methods;
//! - `new`: `tp_new` and creating instances;
//! - `init`: `tp_init`;
//! - `chain`: the Rust ancestors' blocks (`extends`): written on creation,
//!   dropped by `tp_destroy`, visited by `tp_traverse`;
//! - `getset`: properties;
//! - `member`: members (properties through the borrow flag);
//! - `enums`: enums of unit variants;
//! - `data_enum`: enums with data, a subclass per variant;
//! - `derived`: `#[hpy_class(eq, ord, hash, str)]`;
//! - `static_methods`: `#[staticmethod]`/`#[classmethod]`, through a
//!   companion type;
//! - `object_slots`: `__dict__` and weak references (`dict`, `weakref`);
//! - `slots`: helpers for the generated slot bodies.

mod create;
pub(crate) use create::PendingFields;
mod field;
mod guard;
mod data;
mod store;
mod typed;

pub use create::{type_object, WithFields};
pub use field::{Field, FieldSlots};
pub use guard::{Ref, RefMut};
pub(crate) use data::CANARY;
pub use data::{ClassData, FrozenClass, HPyClass};
pub use store::{ObjectStore, Stored};
pub use typed::TypedField;
pub(crate) use typed::{CacheEntry, TYPED_ENTRY};
pub use typed::{
    NoTypedPending, PendingTypedStore, PickTyped, PickTypedPending, TypedPendingEntries,
};

// What expansions call (`::hpy::impl_::class::X`).

mod chain;
mod check;
mod data_enum;
mod derived;
mod enums;
mod getset;
mod init;
mod items;
mod layout;
mod member;
mod new;
mod object_slots;
mod slots;
mod spec;
mod static_methods;

pub use chain::{
    clear_fields, destroy_chain, impl_destroy, impl_traverse, init_ancestor, slot_destroy,
    slot_traverse, visit_chain, AfterNew, Ancestors, DefaultAncestors, Extends, FieldValues,
    ParentValue,
};
pub use check::{
    check_instance, is_instance, is_subclass, self_mut, self_mut_as, self_ref, self_ref_as,
};
pub use data_enum::{
    no_such_field, variant_field_check, variant_type_slot, DataEnum, DataEnumRepr, NoVariantField,
    Variant, VariantField, VariantFieldProbe, VariantFieldType, VariantNew,
};
pub use derived::{DerivedEq, DerivedHash, DerivedOrd, DerivedStr};
pub use enums::{add_variants, EnumHash, EnumInt, EnumRepr, EnumRichCmp, UnitEnum};
pub use getset::{check_receiver, getset, impl_get, impl_set, Getter, NoSetter, Setter};
pub use init::{impl_init, init_name, name_str, slot_init, InitFunc, IntoInit, INIT_SUFFIX};
pub use items::{
    class_impls, ClassItems, ClassMethods, ClassOptions, MethodItems, MethodsProbe, NoMethodItems,
};
pub use layout::{
    as_struct, assert_class_value, data_size, extends_offset, extends_size, ClassValue,
    FieldCollectionProbe, FieldProbe, FieldSlotsCannotGrow, NoFieldSlots, NoValueVisit,
    NotAFieldCollection, ValueFields, ValueProbe, VisitValue, VisitValueFn,
};
pub(crate) use layout::{checked_block, locate_start, object_slots as object_slot_count};
pub use member::{readonly_member, MemberField, MemberGet, MemberRead, MemberSet, MemberWrite};
pub use new::{
    check_class_of, construct, impl_new, new_instance, new_instance_of, new_instance_with_fields,
    new_method, slot_new, IntoNew, NewArgs, NewAsMethod, NewFunc, NewValue, NoConstructor,
};
pub use object_slots::{dict_getset_def, dict_offset_def, weaklist_offset_def};
pub use slots::*;
pub use spec::{
    add_type, add_types, Base, ClassInfo, TypeEntry, TypeSlot, TPFLAGS_BASETYPE, TPFLAGS_HAVE_GC,
    TPFLAGS_IMMUTABLETYPE,
};
pub use static_methods::{missing_class, split_class, ClassLevel, Kind};

pub use crate::abi::properties::PropertyMethods;
