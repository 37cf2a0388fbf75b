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

// ---- HPy_Call / HPy_CallMethod ----
//
// The 0.9.0 header puts `ctx_Call` before `ctx_CallMethod`, and CPython's
// `hpy.universal` fills them that way. PyPy 7.3.19 (whose HPy is a 0.9.1
// development snapshot) fills the two slots the other way round: calling
// `ctx_Call` there runs the method-call implementation and crashes. The
// order is a property of the interpreter, not of the context (the debug
// context forwards to the same underlying slots), so it is probed once per
// process, with a call that is harmless under either order.

use core::sync::atomic::{AtomicU8, Ordering};

const ORDER_UNKNOWN: u8 = 0;
const ORDER_HEADER: u8 = 1;
const ORDER_SWAPPED: u8 = 2;

static CALL_SLOT_ORDER: AtomicU8 = AtomicU8::new(ORDER_UNKNOWN);

/// Whether this interpreter's `ctx_Call`/`ctx_CallMethod` slots are swapped
/// relative to the header.
#[inline]
unsafe fn call_slots_swapped(ctx: *mut HPyContext) -> bool {
    match CALL_SLOT_ORDER.load(Ordering::Relaxed) {
        ORDER_HEADER => false,
        ORDER_SWAPPED => true,
        // SAFETY: forwarded from the caller's contract.
        _ => unsafe { probe_call_slot_order(ctx) },
    }
}

/// Calls the `ctx_CallMethod` slot as a method call `"ab".__len__()`. With
/// the header's order that returns 2; with the swapped order the slot
/// performs a plain call of the str `"__len__"`, which raises `TypeError`
/// ("'str' object is not callable"). Neither can crash.
#[cold]
#[inline(never)]
unsafe fn probe_call_slot_order(ctx: *mut HPyContext) -> bool {
    // SAFETY: `ctx` is the live context; every handle made here is closed
    // here, and an exception the probe raises is cleared.
    unsafe {
        let name = ((*ctx).ctx_Unicode_FromString)(ctx, c"__len__".as_ptr());
        let receiver = ((*ctx).ctx_Unicode_FromString)(ctx, c"ab".as_ptr());
        if name._i == 0 || receiver._i == 0 {
            // Out of memory: decide nothing now (the exception stays set for
            // the caller's own call to report), probe again next time.
            for h in [name, receiver] {
                if h._i != 0 {
                    ((*ctx).ctx_Close)(ctx, h);
                }
            }
            return false;
        }
        let args = [receiver];
        let result = ((*ctx).ctx_CallMethod)(ctx, name, args.as_ptr(), 1, HPy_NULL);
        let swapped = if result._i == 0 {
            ((*ctx).ctx_Err_Clear)(ctx);
            true
        } else {
            ((*ctx).ctx_Close)(ctx, result);
            false
        };
        ((*ctx).ctx_Close)(ctx, name);
        ((*ctx).ctx_Close)(ctx, receiver);
        let order = if swapped { ORDER_SWAPPED } else { ORDER_HEADER };
        CALL_SLOT_ORDER.store(order, Ordering::Relaxed);
        swapped
    }
}

/// Calls whichever of the two call slots holds the plain-call
/// (`method == false`) or method-call implementation.
#[inline(always)]
unsafe fn call_slot(
    ctx: *mut HPyContext,
    method: bool,
    f: HPy,
    args: *const HPy,
    nargs: usize,
    kw: HPy,
) -> HPy {
    // SAFETY: the caller passes the live context and valid arguments.
    unsafe {
        if method != call_slots_swapped(ctx) {
            ((*ctx).ctx_CallMethod)(ctx, f, args, nargs, kw)
        } else {
            ((*ctx).ctx_Call)(ctx, f, args, nargs, kw)
        }
    }
}

/// HPy API function `HPy_Call`: `callable(*args[..nargs], **kw)` where the
/// keyword values follow the positional ones and `kwnames` (a tuple, or
/// `HPy_NULL`) names them. Calls `ctx_Call` — or, on interpreters that fill
/// the two call slots the other way round (PyPy 7.3.19), the slot that holds
/// its implementation.
#[inline]
pub unsafe fn HPy_Call(
    ctx: *mut HPyContext,
    callable: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: forwarded from the caller's contract.
    unsafe { call_slot(ctx, false, callable, args, nargs, kwnames) }
}

/// HPy API function `HPy_CallMethod`: calls method `name` of `args[0]` with
/// the remaining arguments (`nargs` counts the receiver). Slot order as for
/// [`HPy_Call`].
#[inline]
pub unsafe fn HPy_CallMethod(
    ctx: *mut HPyContext,
    name: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: forwarded from the caller's contract.
    unsafe { call_slot(ctx, true, name, args, nargs, kwnames) }
}
