//! Universal ABI: the API functions of `hpy/universal/misc_trampolines.h`,
//! which are not plain table calls.

use core::ffi::{c_char, c_int, c_void};

use crate::*;

/// HPy API function `_HPy_New`: allocates an instance of `h_type` and stores a
/// pointer to its data in `*data` (through a local, as the C version does, so
/// that `data` does not escape into the call).
#[inline]
pub unsafe fn _HPy_New(ctx: *mut HPyContext, h_type: HPy, data: *mut *mut c_void) -> HPy {
    let mut result: *mut c_void = core::ptr::null_mut();
    // SAFETY: `ctx` is the live context and `data` is writable (contract).
    unsafe {
        let h = ((*ctx).ctx_New)(ctx, h_type, &mut result);
        *data = result;
        h
    }
}

/// HPy API function `HPy_FatalError`: reports `message` through the context
/// and aborts the process; never returns.
#[inline]
pub unsafe fn HPy_FatalError(ctx: *mut HPyContext, message: *const c_char) -> ! {
    // SAFETY: `ctx` is the live context, `message` a C string (contract).
    unsafe { ((*ctx).ctx_FatalError)(ctx, message) };
    std::process::abort()
}

/// HPy API function `HPyCapsule_GetPointer` (`ctx_Capsule_Get` with
/// `HPyCapsule_key_Pointer`).
#[inline]
pub unsafe fn HPyCapsule_GetPointer(
    ctx: *mut HPyContext,
    capsule: HPy,
    name: *const c_char,
) -> *mut c_void {
    // SAFETY: `ctx` is the live context (contract).
    unsafe { ((*ctx).ctx_Capsule_Get)(ctx, capsule, HPyCapsule_key_Pointer, name) }
}

/// HPy API function `HPyCapsule_GetName`.
#[inline]
pub unsafe fn HPyCapsule_GetName(ctx: *mut HPyContext, capsule: HPy) -> *const c_char {
    // SAFETY: `ctx` is the live context (contract).
    unsafe { ((*ctx).ctx_Capsule_Get)(ctx, capsule, HPyCapsule_key_Name, core::ptr::null()) }
        .cast_const()
        .cast()
}

/// HPy API function `HPyCapsule_GetContext`.
#[inline]
pub unsafe fn HPyCapsule_GetContext(ctx: *mut HPyContext, capsule: HPy) -> *mut c_void {
    // SAFETY: `ctx` is the live context (contract).
    unsafe { ((*ctx).ctx_Capsule_Get)(ctx, capsule, HPyCapsule_key_Context, core::ptr::null()) }
}

/// HPy API function `HPyCapsule_SetPointer`.
#[inline]
pub unsafe fn HPyCapsule_SetPointer(
    ctx: *mut HPyContext,
    capsule: HPy,
    pointer: *mut c_void,
) -> c_int {
    // SAFETY: `ctx` is the live context (contract).
    unsafe { ((*ctx).ctx_Capsule_Set)(ctx, capsule, HPyCapsule_key_Pointer, pointer) }
}

/// HPy API function `HPyCapsule_SetName`.
#[inline]
pub unsafe fn HPyCapsule_SetName(ctx: *mut HPyContext, capsule: HPy, name: *const c_char) -> c_int {
    // SAFETY: `ctx` is the live context (contract).
    unsafe { ((*ctx).ctx_Capsule_Set)(ctx, capsule, HPyCapsule_key_Name, name.cast_mut().cast()) }
}

/// HPy API function `HPyCapsule_SetContext`.
#[inline]
pub unsafe fn HPyCapsule_SetContext(
    ctx: *mut HPyContext,
    capsule: HPy,
    context: *mut c_void,
) -> c_int {
    // SAFETY: `ctx` is the live context (contract).
    unsafe { ((*ctx).ctx_Capsule_Set)(ctx, capsule, HPyCapsule_key_Context, context) }
}

/// HPy API function `HPyCapsule_SetDestructor`.
#[inline]
pub unsafe fn HPyCapsule_SetDestructor(
    ctx: *mut HPyContext,
    capsule: HPy,
    destructor: *mut HPyCapsule_Destructor,
) -> c_int {
    // SAFETY: `ctx` is the live context (contract).
    unsafe { ((*ctx).ctx_Capsule_Set)(ctx, capsule, HPyCapsule_key_Destructor, destructor.cast()) }
}
