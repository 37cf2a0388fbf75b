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
    unsafe {
        (late_fn(ctx, core::ptr::addr_of!((*ctx).ctx_Capsule_Get)))(
            ctx,
            capsule,
            HPyCapsule_key_Pointer,
            name,
        )
    }
}

/// HPy API function `HPyCapsule_GetName`.
#[inline]
pub unsafe fn HPyCapsule_GetName(ctx: *mut HPyContext, capsule: HPy) -> *const c_char {
    // SAFETY: `ctx` is the live context (contract).
    unsafe {
        (late_fn(ctx, core::ptr::addr_of!((*ctx).ctx_Capsule_Get)))(
            ctx,
            capsule,
            HPyCapsule_key_Name,
            core::ptr::null(),
        )
    }
    .cast_const()
    .cast()
}

/// HPy API function `HPyCapsule_GetContext`.
#[inline]
pub unsafe fn HPyCapsule_GetContext(ctx: *mut HPyContext, capsule: HPy) -> *mut c_void {
    // SAFETY: `ctx` is the live context (contract).
    unsafe {
        (late_fn(ctx, core::ptr::addr_of!((*ctx).ctx_Capsule_Get)))(
            ctx,
            capsule,
            HPyCapsule_key_Context,
            core::ptr::null(),
        )
    }
}

/// HPy API function `HPyCapsule_SetPointer`.
#[inline]
pub unsafe fn HPyCapsule_SetPointer(
    ctx: *mut HPyContext,
    capsule: HPy,
    pointer: *mut c_void,
) -> c_int {
    // SAFETY: `ctx` is the live context (contract).
    unsafe {
        (late_fn(ctx, core::ptr::addr_of!((*ctx).ctx_Capsule_Set)))(
            ctx,
            capsule,
            HPyCapsule_key_Pointer,
            pointer,
        )
    }
}

/// HPy API function `HPyCapsule_SetName`.
#[inline]
pub unsafe fn HPyCapsule_SetName(ctx: *mut HPyContext, capsule: HPy, name: *const c_char) -> c_int {
    // SAFETY: `ctx` is the live context (contract).
    unsafe {
        (late_fn(ctx, core::ptr::addr_of!((*ctx).ctx_Capsule_Set)))(
            ctx,
            capsule,
            HPyCapsule_key_Name,
            name.cast_mut().cast(),
        )
    }
}

/// HPy API function `HPyCapsule_SetContext`.
#[inline]
pub unsafe fn HPyCapsule_SetContext(
    ctx: *mut HPyContext,
    capsule: HPy,
    context: *mut c_void,
) -> c_int {
    // SAFETY: `ctx` is the live context (contract).
    unsafe {
        (late_fn(ctx, core::ptr::addr_of!((*ctx).ctx_Capsule_Set)))(
            ctx,
            capsule,
            HPyCapsule_key_Context,
            context,
        )
    }
}

/// HPy API function `HPyCapsule_SetDestructor`.
#[inline]
pub unsafe fn HPyCapsule_SetDestructor(
    ctx: *mut HPyContext,
    capsule: HPy,
    destructor: *mut HPyCapsule_Destructor,
) -> c_int {
    // SAFETY: `ctx` is the live context (contract).
    unsafe {
        (late_fn(ctx, core::ptr::addr_of!((*ctx).ctx_Capsule_Set)))(
            ctx,
            capsule,
            HPyCapsule_key_Destructor,
            destructor.cast(),
        )
    }
}

// ---- the two context layouts ----
//
// HPy 0.9.0's universal context ends with the handles h_ComplexType ..
// h_Builtins followed by 19 functions (ctx_Capsule_New .. ctx_CallMethod).
// PyPy 7.3.19 vendors a later HPy development snapshot (0.9.1.dev61) whose
// context has one more handle, h_DictType, right after h_Builtins: every one
// of those 19 functions sits one slot later there. Calling them at the 0.9.0
// offsets runs the neighbouring function (seen: ctx_Dict_Keys running
// Unicode_Substring, ctx_Call running SetCallFunction). Everything before
// h_Builtins is identical, and the debug context keeps the layout of the
// interpreter that made it, so one answer per process is right.
//
// The layout is identified once, with calls that only use the common prefix
// of the table: `hpy.universal.get_version()` names the HPy version the
// interpreter implements; 0.9.0 has the header's layout, the development
// versions after it (all that PyPy and GraalPy ship as "0.9") add h_DictType.

use core::sync::atomic::{AtomicU8, Ordering};

/// How the contexts of hpy-rs's own host (`hpy_rs_universal`) end their
/// `name`.
const HPY_RS_HOST_SUFFIX: &[u8] = b"(hpy-rs host on CPython)";

const LAYOUT_UNKNOWN: u8 = 0;
const LAYOUT_090: u8 = 1;
const LAYOUT_DICT_TYPE: u8 = 2;

static LAYOUT: AtomicU8 = AtomicU8::new(LAYOUT_UNKNOWN);

/// Reads a function field that follows `h_Builtins`, from the slot this
/// interpreter's context actually has it in.
///
/// # Safety
/// `ctx` is the live context and `field` points to one of its function
/// fields after `h_Builtins`.
#[inline(always)]
pub(crate) unsafe fn late_fn<F: Copy>(ctx: *mut HPyContext, field: *const F) -> F {
    // SAFETY: forwarded; in the longer layout the field is one pointer-sized
    // slot later, still inside that interpreter's (larger) context.
    unsafe {
        if has_dict_type_handle(ctx) {
            *field
                .cast::<u8>()
                .add(core::mem::size_of::<HPy>())
                .cast::<F>()
        } else {
            *field
        }
    }
}

#[inline(always)]
unsafe fn has_dict_type_handle(ctx: *mut HPyContext) -> bool {
    match LAYOUT.load(Ordering::Relaxed) {
        LAYOUT_090 => false,
        LAYOUT_DICT_TYPE => true,
        // SAFETY: forwarded.
        _ => unsafe { detect_layout(ctx) },
    }
}

/// Asks the interpreter which HPy version it implements, using only
/// functions of the common prefix of both layouts.
#[cold]
#[inline(never)]
unsafe fn detect_layout(ctx: *mut HPyContext) -> bool {
    // SAFETY: `ctx` is live; every handle made here is closed here, and an
    // exception raised while asking is cleared (the answer then defaults to
    // the header's layout and is not cached).
    unsafe {
        let c = &*ctx;
        // hpy-rs's own host (hpy_rs_universal, plain or debug context) has
        // exactly the 0.9.0 layout and says so in its name.
        if !c.name.is_null()
            && core::ffi::CStr::from_ptr(c.name)
                .to_bytes()
                .ends_with(HPY_RS_HOST_SUFFIX)
        {
            LAYOUT.store(LAYOUT_090, Ordering::Relaxed);
            return false;
        }
        let mut owned: [HPy; 4] = [HPy_NULL; 4];
        let version = (|| {
            let mut module = (c.ctx_Import_ImportModule)(ctx, c"hpy.universal".as_ptr());
            if module._i == 0 {
                // A CPython with hpy_rs_universal and no hpy package.
                (c.ctx_Err_Clear)(ctx);
                module = (c.ctx_Import_ImportModule)(ctx, c"hpy_rs_universal".as_ptr());
            }
            owned[0] = module;
            if module._i == 0 {
                return None;
            }
            let get_version = (c.ctx_GetAttr_s)(ctx, module, c"get_version".as_ptr());
            owned[1] = get_version;
            if get_version._i == 0 {
                return None;
            }
            let no_args = (c.ctx_Tuple_FromArray)(ctx, core::ptr::null_mut(), 0);
            owned[2] = no_args;
            if no_args._i == 0 {
                return None;
            }
            let result = (c.ctx_CallTupleDict)(ctx, get_version, no_args, HPy_NULL);
            owned[3] = result;
            if result._i == 0 {
                return None;
            }
            // get_version() returns (version, git revision); a plain str is
            // accepted too.
            let text = if (c.ctx_Unicode_Check)(ctx, result) != 0 {
                result
            } else {
                let first = (c.ctx_GetItem_i)(ctx, result, 0);
                if first._i == 0 {
                    return None;
                }
                owned[2] = {
                    (c.ctx_Close)(ctx, no_args);
                    first
                };
                first
            };
            let mut len: HPy_ssize_t = 0;
            let data = (c.ctx_Unicode_AsUTF8AndSize)(ctx, text, &mut len);
            if data.is_null() {
                return None;
            }
            let bytes = core::slice::from_raw_parts(data.cast::<u8>(), len as usize);
            Some(bytes == b"0.9.0" || bytes.starts_with(b"0.9.0+") || bytes.starts_with(b"0.9.0rc"))
        })();
        for h in owned {
            if h._i != 0 {
                (c.ctx_Close)(ctx, h);
            }
        }
        match version {
            Some(is_090) => {
                let layout = if is_090 { LAYOUT_090 } else { LAYOUT_DICT_TYPE };
                LAYOUT.store(layout, Ordering::Relaxed);
                !is_090
            }
            None => {
                (c.ctx_Err_Clear)(ctx);
                false
            }
        }
    }
}

/// Identifies the context layout now (see above), so that it is never
/// first needed while an exception is pending. Called by hpy-rs's module
/// init; idempotent.
///
/// # Safety
/// `ctx` is the live context of the current call.
pub unsafe fn hpy_rs_prepare_context(ctx: *mut HPyContext) {
    // SAFETY: forwarded.
    unsafe {
        has_dict_type_handle(ctx);
    }
}

/// A new handle to a context constant: `HPy_Dup(HPy_GetConstant(ctx, c))`.
///
/// # Safety
/// As `HPy_GetConstant` and `HPy_Dup`.
#[inline(always)]
pub unsafe fn hpy_rs_dup_constant(ctx: *mut HPyContext, c: HPyConstant) -> HPy {
    // SAFETY: forwarded contract.
    unsafe { HPy_Dup(ctx, HPy_GetConstant(ctx, c)) }
}
