//! `ctx_CallRealFunctionFromTrampoline`: the one entry through which every
//! universal trampoline (methods, slots, getters and setters, module create
//! and exec, capsule destructors) reaches the extension's function.
//!
//! The trampoline hands over the objects CPython gave it in an argument block
//! (`_HPyFunc_args_*`, one layout per signature); [`call_real`] turns them
//! into handles, calls the function with the context, and writes the result
//! back as an object. How an object becomes a handle is the [`Handles`]
//! implementation: the plain universal context passes the `PyObject*` itself
//! (no work at all), the debug context opens a tracked handle for each
//! argument and checks the result.

#![allow(non_upper_case_globals)] // HPy's constant names in match patterns

use core::ffi::{c_char, c_int, c_void};
use core::ptr::null_mut;

use hpy_sys::cpython::PyObject;
use hpy_sys::host::UniversalContext as Ctx;
use hpy_sys::*;

/// How a context's handles relate to CPython's objects, for the duration of
/// one call of an extension function.
///
/// # Safety
/// An implementation must give the extension handles that are valid in the
/// context `call_real` is called with, and turn the handles the extension
/// returns back into objects with the ownership HPy specifies.
pub unsafe trait Handles {
    /// A handle the function receives for the borrowed object `o` (NULL
    /// gives `HPy_NULL`); it stays valid until [`Handles::finish`].
    ///
    /// # Safety
    /// `o` is NULL or a live object; the GIL is held.
    unsafe fn arg(&mut self, o: *mut PyObject) -> HPy;

    /// Handles for the `n` borrowed objects at `items`, as an array.
    ///
    /// # Safety
    /// `items` points to `n` live objects; the GIL is held.
    unsafe fn args(&mut self, items: *const *mut PyObject, n: usize) -> *const HPy;

    /// The object an owned result handle stands for, with its reference
    /// (`HPy_NULL` gives NULL).
    ///
    /// # Safety
    /// `h` is `HPy_NULL` or a handle the function returned; the GIL is held.
    unsafe fn result(&mut self, h: HPy) -> *mut PyObject;

    /// Ends the call: argument handles stop being valid.
    ///
    /// # Safety
    /// Called once, after the function returned; the GIL is held.
    unsafe fn finish(&mut self);
}

/// The plain universal context on CPython: a handle is its `PyObject*`.
pub struct Plain;

// SAFETY: in the plain universal context a handle is the object pointer
// itself, and ownership passes unchanged.
unsafe impl Handles for Plain {
    #[inline(always)]
    unsafe fn arg(&mut self, o: *mut PyObject) -> HPy {
        HPy { _i: o as isize }
    }
    #[inline(always)]
    unsafe fn args(&mut self, items: *const *mut PyObject, _n: usize) -> *const HPy {
        items.cast()
    }
    #[inline(always)]
    unsafe fn result(&mut self, h: HPy) -> *mut PyObject {
        h._i as *mut PyObject
    }
    #[inline(always)]
    unsafe fn finish(&mut self) {}
}

/// `ctx_CallRealFunctionFromTrampoline` of the plain universal context.
///
/// # Safety
/// Called by a universal trampoline: `args` is the argument block of `sig`
/// and `func` a function of that signature; the GIL is held.
pub unsafe extern "C" fn plain_call_real(
    ctx: *mut Ctx,
    sig: HPyFunc_Signature,
    func: HPyCFunction,
    args: *mut c_void,
) {
    // SAFETY: forwarded.
    unsafe { call_real(ctx, &mut Plain, sig, func, args) }
}

macro_rules! fn_type {
    ($($arg:ty),* $(,)?) => { unsafe extern "C" fn(*mut Ctx $(, $arg)*) };
    ($($arg:ty),* => $ret:ty) => { unsafe extern "C" fn(*mut Ctx $(, $arg)*) -> $ret };
}

/// Reads `sig`'s argument block, calls `func` with handles made by `h`, and
/// stores the result in the block.
///
/// # Safety
/// As [`plain_call_real`]; `ctx` is the context whose handles `h` makes.
#[inline(always)]
pub unsafe fn call_real<H: Handles>(
    ctx: *mut Ctx,
    h: &mut H,
    sig: HPyFunc_Signature,
    func: HPyCFunction,
    args: *mut c_void,
) {
    /// Casts the block and the function pointer to their types for `sig`
    /// (used inside the `unsafe` block below).
    macro_rules! block {
        ($args_ty:ty, $fn_ty:ty) => {{
            let f: $fn_ty = core::mem::transmute::<HPyCFunction, $fn_ty>(func);
            (&mut *args.cast::<$args_ty>(), f)
        }};
    }
    // SAFETY: (whole match) the trampoline passed the block and a function
    // of the types HPy defines for `sig` (its trampoline contract); each arm
    // reads that block and passes the function handles from `h`, which stay
    // valid until `finish`; results are converted back as `h` says.
    unsafe {
        match sig {
            HPyFunc_NOARGS => {
                let (a, f) = block!(_HPyFunc_args_NOARGS, fn_type!(HPy => HPy));
                let s = h.arg(a.self_);
                let r = f(ctx, s);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_O => {
                let (a, f) = block!(_HPyFunc_args_O, fn_type!(HPy, HPy => HPy));
                let (s, o) = (h.arg(a.self_), h.arg(a.arg));
                let r = f(ctx, s, o);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_VARARGS => {
                let (a, f) = block!(
                    _HPyFunc_args_VARARGS,
                    fn_type!(HPy, *const HPy, usize => HPy)
                );
                let n = a.nargs as usize;
                let (s, items) = (h.arg(a.self_), h.args(a.args, n));
                let r = f(ctx, s, items, n);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_KEYWORDS => {
                let (a, f) = block!(
                    _HPyFunc_args_KEYWORDS,
                    fn_type!(HPy, *const HPy, usize, HPy => HPy)
                );
                // tp_call through vectorcall may set PY_VECTORCALL_ARGUMENTS_OFFSET.
                let nargs = a.nargsf & !(1usize << (usize::BITS - 1));
                let nkw = if a.kwnames.is_null() {
                    0
                } else {
                    hpy_sys::cpython::PyTuple_GET_SIZE(a.kwnames) as usize
                };
                let s = h.arg(a.self_);
                let items = h.args(a.args, nargs + nkw);
                let kw = h.arg(a.kwnames);
                let r = f(ctx, s, items, nargs, kw);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_INITPROC => {
                let (a, f) = block!(
                    _HPyFunc_args_INITPROC,
                    fn_type!(HPy, *const HPy, HPy_ssize_t, HPy => c_int)
                );
                let n = hpy_sys::cpython::PyTuple_GET_SIZE(a.args);
                let s = h.arg(a.self_);
                let items = h.args(hpy_sys::cpython::_PyTuple_ITEMS(a.args), n as usize);
                let kw = h.arg(a.kw);
                a.result = f(ctx, s, items, n, kw);
                h.finish();
            }
            HPyFunc_NEWFUNC => {
                let (a, f) = block!(
                    _HPyFunc_args_NEWFUNC,
                    fn_type!(HPy, *const HPy, HPy_ssize_t, HPy => HPy)
                );
                let n = hpy_sys::cpython::PyTuple_GET_SIZE(a.args);
                let s = h.arg(a.self_);
                let items = h.args(hpy_sys::cpython::_PyTuple_ITEMS(a.args), n as usize);
                let kw = h.arg(a.kw);
                let r = f(ctx, s, items, n, kw);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_UNARYFUNC | HPyFunc_REPRFUNC | HPyFunc_GETITERFUNC | HPyFunc_ITERNEXTFUNC => {
                let (a, f) = block!(_HPyFunc_args_UNARYFUNC, fn_type!(HPy => HPy));
                let x = h.arg(a.arg0);
                let r = f(ctx, x);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_MOD_CREATE => {
                let (a, f) = block!(_HPyFunc_args_UNARYFUNC, fn_type!(HPy => HPy));
                let x = h.arg(a.arg0);
                let r = f(ctx, x);
                h.finish();
                a.result = h.result(r);
                // HPy forbids returning a module object (SystemError).
                hpy_sys::cpython::runtime::_HPyModule_CheckCreateSlotResult(&mut a.result);
            }
            HPyFunc_BINARYFUNC | HPyFunc_GETATTROFUNC => {
                let (a, f) = block!(_HPyFunc_args_BINARYFUNC, fn_type!(HPy, HPy => HPy));
                let (x, y) = (h.arg(a.arg0), h.arg(a.arg1));
                let r = f(ctx, x, y);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_TERNARYFUNC | HPyFunc_DESCRGETFUNC => {
                let (a, f) = block!(_HPyFunc_args_TERNARYFUNC, fn_type!(HPy, HPy, HPy => HPy));
                let (x, y, z) = (h.arg(a.arg0), h.arg(a.arg1), h.arg(a.arg2));
                let r = f(ctx, x, y, z);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_INQUIRY => {
                let (a, f) = block!(_HPyFunc_args_INQUIRY, fn_type!(HPy => c_int));
                let x = h.arg(a.arg0);
                a.result = f(ctx, x);
                h.finish();
            }
            HPyFunc_LENFUNC => {
                let (a, f) = block!(_HPyFunc_args_LENFUNC, fn_type!(HPy => HPy_ssize_t));
                let x = h.arg(a.arg0);
                a.result = f(ctx, x);
                h.finish();
            }
            HPyFunc_HASHFUNC => {
                let (a, f) = block!(_HPyFunc_args_HASHFUNC, fn_type!(HPy => HPy_hash_t));
                let x = h.arg(a.arg0);
                a.result = f(ctx, x);
                h.finish();
            }
            HPyFunc_SSIZEARGFUNC => {
                let (a, f) = block!(
                    _HPyFunc_args_SSIZEARGFUNC,
                    fn_type!(HPy, HPy_ssize_t => HPy)
                );
                let x = h.arg(a.arg0);
                let r = f(ctx, x, a.arg1);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_SSIZESSIZEARGFUNC => {
                let (a, f) = block!(
                    _HPyFunc_args_SSIZESSIZEARGFUNC,
                    fn_type!(HPy, HPy_ssize_t, HPy_ssize_t => HPy)
                );
                let x = h.arg(a.arg0);
                let r = f(ctx, x, a.arg1, a.arg2);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_SSIZEOBJARGPROC => {
                let (a, f) = block!(
                    _HPyFunc_args_SSIZEOBJARGPROC,
                    fn_type!(HPy, HPy_ssize_t, HPy => c_int)
                );
                let (x, v) = (h.arg(a.arg0), h.arg(a.arg2));
                a.result = f(ctx, x, a.arg1, v);
                h.finish();
            }
            HPyFunc_SSIZESSIZEOBJARGPROC => {
                let (a, f) = block!(
                    _HPyFunc_args_SSIZESSIZEOBJARGPROC,
                    fn_type!(HPy, HPy_ssize_t, HPy_ssize_t, HPy => c_int)
                );
                let (x, v) = (h.arg(a.arg0), h.arg(a.arg3));
                a.result = f(ctx, x, a.arg1, a.arg2, v);
                h.finish();
            }
            HPyFunc_OBJOBJARGPROC | HPyFunc_SETATTROFUNC | HPyFunc_DESCRSETFUNC => {
                let (a, f) = block!(
                    _HPyFunc_args_OBJOBJARGPROC,
                    fn_type!(HPy, HPy, HPy => c_int)
                );
                let (x, y, z) = (h.arg(a.arg0), h.arg(a.arg1), h.arg(a.arg2));
                a.result = f(ctx, x, y, z);
                h.finish();
            }
            HPyFunc_OBJOBJPROC => {
                let (a, f) = block!(_HPyFunc_args_OBJOBJPROC, fn_type!(HPy, HPy => c_int));
                let (x, y) = (h.arg(a.arg0), h.arg(a.arg1));
                a.result = f(ctx, x, y);
                h.finish();
            }
            HPyFunc_FREEFUNC => {
                let (a, f) = block!(_HPyFunc_args_FREEFUNC, fn_type!(*mut c_void));
                f(ctx, a.arg0);
            }
            HPyFunc_GETATTRFUNC => {
                let (a, f) = block!(_HPyFunc_args_GETATTRFUNC, fn_type!(HPy, *mut c_char => HPy));
                let x = h.arg(a.arg0);
                let r = f(ctx, x, a.arg1);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_SETATTRFUNC => {
                let (a, f) = block!(
                    _HPyFunc_args_SETATTRFUNC,
                    fn_type!(HPy, *mut c_char, HPy => c_int)
                );
                let (x, v) = (h.arg(a.arg0), h.arg(a.arg2));
                a.result = f(ctx, x, a.arg1, v);
                h.finish();
            }
            HPyFunc_RICHCMPFUNC => {
                let (a, f) = block!(
                    _HPyFunc_args_RICHCMPFUNC,
                    fn_type!(HPy, HPy, HPy_RichCmpOp => HPy)
                );
                let (x, y) = (h.arg(a.arg0), h.arg(a.arg1));
                let r = f(ctx, x, y, a.arg2);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_GETTER => {
                let (a, f) = block!(_HPyFunc_args_GETTER, fn_type!(HPy, *mut c_void => HPy));
                let x = h.arg(a.arg0);
                let r = f(ctx, x, a.arg1);
                h.finish();
                a.result = h.result(r);
            }
            HPyFunc_SETTER => {
                let (a, f) = block!(
                    _HPyFunc_args_SETTER,
                    fn_type!(HPy, HPy, *mut c_void => c_int)
                );
                let (x, v) = (h.arg(a.arg0), h.arg(a.arg1));
                a.result = f(ctx, x, v, a.arg2);
                h.finish();
            }
            HPyFunc_DESTRUCTOR => {
                let (a, f) = block!(_HPyFunc_args_DESTRUCTOR, fn_type!(HPy));
                let x = h.arg(a.arg0);
                f(ctx, x);
                h.finish();
            }
            _ => call_real_cold(ctx, h, sig, func, args),
        }
    }
}

/// The arms of [`call_real`] that need a stack frame (a buffer copy, a
/// formatted message, several calls), kept out of it so that the common
/// signatures dispatch without saving registers or reserving stack.
///
/// # Safety
/// As [`call_real`].
#[cold]
#[inline(never)]
unsafe fn call_real_cold<H: Handles>(
    ctx: *mut Ctx,
    h: &mut H,
    sig: HPyFunc_Signature,
    func: HPyCFunction,
    args: *mut c_void,
) {
    /// As in [`call_real`].
    macro_rules! block {
        ($args_ty:ty, $fn_ty:ty) => {{
            let f: $fn_ty = core::mem::transmute::<HPyCFunction, $fn_ty>(func);
            (&mut *args.cast::<$args_ty>(), f)
        }};
    }
    // SAFETY: as in `call_real`.
    unsafe {
        match sig {
            HPyFunc_GETBUFFERPROC => {
                let (a, f) = block!(
                    _HPyFunc_args_GETBUFFERPROC,
                    fn_type!(HPy, *mut HPy_buffer, c_int => c_int)
                );
                let s = h.arg(a.self_);
                let mut buffer: HPy_buffer = core::mem::zeroed();
                let rc = f(ctx, s, &mut buffer, a.flags);
                h.finish();
                let view = a.view.cast::<HPy_buffer>();
                if rc < 0 {
                    (*view).obj = HPy_NULL;
                } else {
                    let obj = h.result(buffer.obj);
                    *view = buffer;
                    (*view).obj = HPy { _i: obj as isize };
                }
                a.result = rc;
            }
            HPyFunc_RELEASEBUFFERPROC => {
                let (a, f) = block!(
                    _HPyFunc_args_RELEASEBUFFERPROC,
                    fn_type!(HPy, *mut HPy_buffer)
                );
                let view = a.view.cast::<HPy_buffer>();
                let mut buffer = core::ptr::read(view);
                let s = h.arg(a.self_);
                buffer.obj = h.arg((*view).obj._i as *mut PyObject);
                f(ctx, s, &mut buffer);
                h.finish();
            }
            HPyFunc_TRAVERSEPROC => {
                let a = &mut *args.cast::<_HPyFunc_args_TRAVERSEPROC>();
                let f: HPyFunc_traverseproc =
                    core::mem::transmute::<HPyCFunction, HPyFunc_traverseproc>(func);
                a.result = match a.visit {
                    Some(visit) => call_traverseproc_from_trampoline(f, a.self_, visit, a.arg),
                    None => 0,
                };
            }
            HPyFunc_CAPSULE_DESTRUCTOR => {
                // The block is the capsule object itself.
                let f: unsafe extern "C" fn(*const c_char, *mut c_void, *mut c_void) =
                    core::mem::transmute::<HPyCFunction, _>(func);
                let capsule = HPy { _i: args as isize };
                let null = null_mut();
                let name = HPyCapsule_GetName(null, capsule);
                let pointer = HPyCapsule_GetPointer(null, capsule, name);
                let context = HPyCapsule_GetContext(null, capsule);
                f(name, pointer, context);
            }
            _ => {
                let message = format!(
                    "hpy_rs_universal: ctx_CallRealFunctionFromTrampoline got signature {sig}, \
                     which no trampoline of HPy 0.9 passes (HPyFunc_DESTROYFUNC is called \
                     directly)\0"
                );
                HPy_FatalError(null_mut(), message.as_ptr().cast());
            }
        }
    }
}
