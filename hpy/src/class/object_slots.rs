//! `#[hpy_class(dict, weakref)]`: the interpreter's own slots after an
//! instance's `Field` slots, announced to the interpreter with the
//! `__dictoffset__`/`__weaklistoffset__` members (which CPython's
//! `PyType_FromSpec` reads; HPy 0.9 has no other way), and the `__dict__`
//! property.
//!
//! The `__dict__` slot is an `HPyField` to the runtime (visited by
//! `tp_traverse`, cleared by `tp_clear` and on deallocation) and a
//! `PyObject*` to CPython, which are the same thing on every CPython host;
//! so a cycle through the `__dict__` is collected.

use core::ffi::c_void;

use hpy_sys::{HPy, HPyDef, HPyField};

use super::getset::getset;
use super::layout::{dict_offset, weaklist_offset};
use crate::class::HPyClass;
use crate::runtime::StaticDef;
use crate::runtime::{Getter, Setter};
use crate::{Borrowed, Context, HPyErr, HPyResult};

/// The member that tells the interpreter where the `__dict__` slot is.
pub const fn dict_offset_def<T: HPyClass>() -> HPyDef {
    offset_member(c"__dictoffset__", dict_offset::<T>())
}

/// The member that tells the interpreter where the weak reference list is.
pub const fn weaklist_offset_def<T: HPyClass>() -> HPyDef {
    offset_member(c"__weaklistoffset__", weaklist_offset::<T>())
}

const fn offset_member(name: &'static core::ffi::CStr, offset: usize) -> HPyDef {
    HPyDef {
        kind: hpy_sys::HPyDef_Kind_Member,
        u: hpy_sys::HPyDef_u {
            member: hpy_sys::HPyMember {
                name: name.as_ptr(),
                r#type: hpy_sys::HPyMember_HPYSSIZET,
                offset: offset as hpy_sys::HPy_ssize_t,
                readonly: 1,
                doc: core::ptr::null(),
            },
        },
    }
}

/// The `__dict__` property of `T`.
pub const fn dict_getset_def<T: HPyClass>() -> HPyDef {
    getset::<DictGet<T>, DictSet<T>>(c"__dict__", None, true)
}

/// Whether a class definition goes into the type: the definitions of
/// `dict`/`weakref` only where the host supports them
/// (`Quirk::NoObjectSlots`). Elsewhere (HPy's
/// own `hpy.universal`, whose deallocator would leave weak references to a
/// dead object; PyPy 7.3.19, which ignores the offset members) the class
/// is made without them: `weakref.ref(obj)` and new attributes raise
/// `TypeError`/`AttributeError` as for any class without them.
pub(super) fn wanted(def: &StaticDef) -> bool {
    if !crate::abi::host_has(crate::abi::Quirk::NoObjectSlots) {
        return true;
    }
    // SAFETY: the definitions are statics, only read here; the union
    // member read is the one `kind` selects, and names are C strings.
    unsafe {
        let def = &*def.as_ptr();
        let name = match def.kind {
            hpy_sys::HPyDef_Kind_Member => def.u.member.name,
            hpy_sys::HPyDef_Kind_GetSet => def.u.getset.name,
            _ => return true,
        };
        let name = core::ffi::CStr::from_ptr(name);
        name != c"__dictoffset__" && name != c"__weaklistoffset__" && name != c"__dict__"
    }
}

/// The `__dict__` slot of `obj`, an instance of `T`.
///
/// # Safety
/// `obj` must be an instance of `T` (or of a subclass).
unsafe fn dict_slot<T: HPyClass>(ctx: Context<'_>, obj: &Borrowed<'_, '_>) -> *mut HPyField {
    // SAFETY: forwarded; the slot is `dict_offset` into the data, inside
    // the object (`data_size` counts it).
    unsafe {
        super::layout::data_start::<T>(ctx, obj.as_raw())
            .add(dict_offset::<T>())
            .cast::<c_void>()
            .cast()
    }
}

struct DictGet<T>(core::marker::PhantomData<T>);

// SAFETY: returns a new owned handle to the dict.
unsafe impl<T: HPyClass> Getter for DictGet<T> {
    type Class = T;
    const NAME: &'static str = "__dict__";
    fn call<'ctx>(ctx: Context<'ctx>, obj: Borrowed<'_, 'ctx>) -> HPyResult<HPy> {
        // SAFETY: a getter's receiver is an instance of `T`; the slot holds
        // an empty field or the dict, as the interpreter or `store` left it.
        unsafe {
            let slot = dict_slot::<T>(ctx, &obj);
            if (*slot)._i != 0 {
                return Ok(hpy_sys::HPyField_Load(ctx.as_raw(), obj.as_raw(), *slot));
            }
            let dict = ctx.wrap_result(hpy_sys::HPyDict_New(ctx.as_raw()))?;
            hpy_sys::HPyField_Store(ctx.as_raw(), obj.as_raw(), slot, dict.as_raw());
            Ok(dict.into_raw())
        }
    }
}

struct DictSet<T>(core::marker::PhantomData<T>);

// SAFETY: returns no handle.
unsafe impl<T: HPyClass> Setter for DictSet<T> {
    type Class = T;
    const NAME: &'static str = "__dict__";
    fn call<'ctx>(
        ctx: Context<'ctx>,
        obj: Borrowed<'_, 'ctx>,
        value: Option<Borrowed<'_, 'ctx>>,
    ) -> HPyResult<()> {
        let Some(value) = value else {
            return Err(HPyErr::type_error("cannot delete __dict__"));
        };
        if !value.is_dict() {
            return Err(HPyErr::type_error(format!(
                "__dict__ must be set to a dictionary, not a '{}'",
                value.type_name()
            )));
        }
        // SAFETY: as in `DictGet`; `HPyField_Store` releases the old dict.
        unsafe {
            let slot = dict_slot::<T>(ctx, &obj);
            hpy_sys::HPyField_Store(ctx.as_raw(), obj.as_raw(), slot, value.as_raw());
        }
        Ok(())
    }
}
