//! Argument checks HPy's debug mode makes before some calls (the generator
//! inserts them, listed in its `CHECKS`): functions that want a type, or a
//! str, and `_HPy_AsStruct_<Shape>`, whose shape must be the type's. A
//! failed check is a fatal error, as in HPy: such a call would read or
//! write the object's memory wrongly.

#![allow(non_upper_case_globals)] // HPy's constant names in match patterns

use std::ffi::CString;

use hpy_sys::*;

use super::info::DebugInfo;

/// Stops the process with `message`.
fn fatal(d: &DebugInfo, message: &str) -> ! {
    let u = d.universal();
    let message = CString::new(format!("HPy debug mode: {message}")).unwrap_or_default();
    // SAFETY: the universal context is live; the message is a C string.
    unsafe { ((*u).ctx_FatalError)(u, message.as_ptr()) };
    std::process::abort()
}

/// Whether universal handle `uh` is an instance of constant type `of`.
fn instance_of(d: &DebugInfo, uh: HPy, of: HPy) -> bool {
    let u = d.universal();
    // SAFETY: the universal context is live; `uh` is a live object (it was
    // unwrapped from an open handle) and `of` one of its constants.
    uh._i != 0 && unsafe { ((*u).ctx_TypeCheck)(u, uh, of) } != 0
}

/// Requires the universal handle `uh` to be a type.
pub(super) fn require_type(d: &DebugInfo, uh: HPy, message: &str) {
    // SAFETY: the universal context is live.
    let type_type = unsafe { (*d.universal()).h_TypeType };
    if !instance_of(d, uh, type_type) {
        fatal(d, message);
    }
}

/// Requires the universal handle `uh` to be a str.
pub(super) fn require_str(d: &DebugInfo, uh: HPy, message: &str) {
    // SAFETY: the universal context is live.
    let unicode_type = unsafe { (*d.universal()).h_UnicodeType };
    if !instance_of(d, uh, unicode_type) {
        fatal(d, message);
    }
}

fn shape_name(shape: HPyType_BuiltinShape) -> &'static str {
    match shape {
        HPyType_BuiltinShape_Legacy => "HPyType_BuiltinShape_Legacy",
        HPyType_BuiltinShape_Object => "HPyType_BuiltinShape_Object",
        HPyType_BuiltinShape_Type => "HPyType_BuiltinShape_Type",
        HPyType_BuiltinShape_Long => "HPyType_BuiltinShape_Long",
        HPyType_BuiltinShape_Float => "HPyType_BuiltinShape_Float",
        HPyType_BuiltinShape_Unicode => "HPyType_BuiltinShape_Unicode",
        HPyType_BuiltinShape_Tuple => "HPyType_BuiltinShape_Tuple",
        HPyType_BuiltinShape_List => "HPyType_BuiltinShape_List",
        _ => "an unknown shape",
    }
}

/// Requires the type of universal handle `uh` to have shape `expected`
/// (before `_HPy_AsStruct_<function>`).
pub(super) fn require_shape(
    d: &DebugInfo,
    uh: HPy,
    expected: HPyType_BuiltinShape,
    function: &str,
) {
    let u = d.universal();
    // SAFETY: the universal context is live and `uh` a live object; the
    // type handle made here is closed here.
    let actual = unsafe {
        let ty = ((*u).ctx_Type)(u, uh);
        let shape = ((*u).ctx_Type_GetBuiltinShape)(u, ty);
        ((*u).ctx_Close)(u, ty);
        shape
    };
    if actual != expected {
        fatal(
            d,
            &format!(
                "Invalid usage of {function}: expected shape {} but got {}",
                shape_name(expected),
                shape_name(actual)
            ),
        );
    }
}
