//! The Python objects a handle can refer to, one file per type: [`Handle`]
//! itself (any object: the object, number and call protocols) in `any.rs`,
//! and the typed handles of the builtin types beside it.
//!
//! [`Handle`]: crate::Handle

pub(crate) mod any;
pub(crate) mod bytes;
pub(crate) mod capsule;
pub(crate) mod list;
pub(crate) mod str;
