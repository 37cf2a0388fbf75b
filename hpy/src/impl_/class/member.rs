//! Members (`#[member]` fields): the interpreter reads and writes the field
//! in the instance data directly.

use core::ffi::{c_int, CStr};
use core::ptr;

use hpy_sys::{HPyDef, HPyDef_Kind_Member, HPyDef_u, HPyMember, HPyMember_FieldType, HPy_ssize_t};

use crate::class::ClassData;

/// A member definition (`HPyMember`): the interpreter reads and writes the
/// field at `offset` in the instance data directly.
pub const fn member(
    name: &'static CStr,
    ty: HPyMember_FieldType,
    offset: usize,
    readonly: bool,
    doc: Option<&'static CStr>,
) -> HPyDef {
    HPyDef {
        kind: HPyDef_Kind_Member,
        u: HPyDef_u {
            member: HPyMember {
                name: name.as_ptr(),
                r#type: ty,
                offset: offset as HPy_ssize_t,
                readonly: readonly as c_int,
                doc: match doc {
                    Some(d) => d.as_ptr(),
                    None => ptr::null(),
                },
            },
        },
    }
}

/// The offset of the Rust value inside the instance data.
pub const fn value_offset<T>() -> usize {
    ClassData::<T>::VALUE_OFFSET
}

/// Member type codes for Rust field types.
#[diagnostic::on_unimplemented(
    message = "a `#[member]` field must be a number or `bool`, not `{Self}`",
    label = "not a member type",
    note = "members are `i8`..`i64`, `u8`..`u64`, `isize`, `f32`, `f64` and `bool`; expose other \
            types with a `#[getter]` (and `#[setter]`) in the `#[hpy_methods]` block"
)]
pub trait MemberType {
    /// The `HPyMember_FieldType`.
    const CODE: HPyMember_FieldType;
}

macro_rules! member_types {
    ($($t:ty => $code:ident,)*) => {$(
        impl MemberType for $t {
            const CODE: HPyMember_FieldType = hpy_sys::$code;
        }
    )*};
}

member_types! {
    i8 => HPyMember_BYTE,
    u8 => HPyMember_UBYTE,
    i16 => HPyMember_SHORT,
    u16 => HPyMember_USHORT,
    i32 => HPyMember_INT,
    u32 => HPyMember_UINT,
    i64 => HPyMember_LONGLONG,
    u64 => HPyMember_ULONGLONG,
    isize => HPyMember_HPYSSIZET,
    f32 => HPyMember_FLOAT,
    f64 => HPyMember_DOUBLE,
    bool => HPyMember_BOOL,
}
