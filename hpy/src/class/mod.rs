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
//! The pieces, by concern:
//! - `layout`: [`HPyClass`], whose items fix the memory of an instance,
//!   and `ClassData`, the block the value lives in;
//! - `guard`: the borrow guards [`Ref`] and [`RefMut`];
//! - `field`: [`Field`] and [`FieldSlots`];
//! - `typed`: [`TypedField`], read as `&U` through a cache in the owner's
//!   block;
//! - `create`: [`WithFields`] and [`type_object`];
//! - `store`: [`ObjectStore`] and [`Stored`], object references inside
//!   Rust values that many instances share.

mod create;
pub(crate) use create::PendingFields;
mod field;
mod guard;
mod layout;
mod store;
mod typed;

pub use create::{type_object, WithFields};
pub use field::{Field, FieldSlots};
pub use guard::{Ref, RefMut};
pub(crate) use layout::CANARY;
pub use layout::{ClassData, FrozenClass, HPyClass};
pub use store::{ObjectStore, Stored};
pub use typed::TypedField;
pub(crate) use typed::{CacheEntry, TYPED_ENTRY};
pub use typed::{
    NoTypedPending, PendingTypedStore, PickTyped, PickTypedPending, TypedPendingEntries,
};
