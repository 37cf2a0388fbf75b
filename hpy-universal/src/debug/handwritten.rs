//! The debug context functions that are more than "check the handles, call
//! the universal function, open the result" (the generator lists them in
//! `HANDWRITTEN`, with why): closing, arrays of handles, type specs with
//! handle parameters, data tied to a handle's lifetime, out-parameters,
//! builders and trackers.

#![allow(non_snake_case)] // named after the context fields

use core::ffi::{c_char, c_int, CStr};

use hpy_sys::host::UniversalContext as Ctx;
use hpy_sys::*;

use super::info::{info, DebugInfo};
use super::problem::Kind;
use super::protect::ProtectedCopy;

/// `HPy_Close`: closes the debug handle, then releases the object.
pub(super) unsafe extern "C" fn ctx_Close(dctx: *mut Ctx, h: HPy) {
    // SAFETY: `dctx` is the debug context (every extension call passes the
    // context it was given).
    let d = unsafe { info(dctx) };
    if let Some(object) = d.with(|s| s.close_owned_fast(h)) {
        let u = d.universal();
        // SAFETY: the record owned this reference; dropping it may run
        // Python code, which is fine now that the state is not borrowed.
        unsafe { ((*u).ctx_Close)(u, object) };
        return;
    }
    close_slow(d, h);
}

/// [`ctx_Close`] for what `State::close_owned_fast` leaves (out of line).
#[cold]
#[inline(never)]
fn close_slow(d: &DebugInfo, h: HPy) {
    match d.with(|s| s.close(h)) {
        Ok(Some(object)) => {
            let u = d.universal();
            // SAFETY: the record owned this reference; dropping it may run
            // Python code, which is fine now that the state is not borrowed.
            unsafe { ((*u).ctx_Close)(u, object) }
        }
        Ok(None) => {}
        Err(problem) => d.report(problem),
    }
}

/// The universal handles for `n` debug handles at `items`.
///
/// # Safety
/// `items` points to `n` handles (or `n` is 0).
unsafe fn unwrap_array(d: &DebugInfo, items: *const HPy, n: usize) -> Vec<HPy> {
    if n == 0 {
        return Vec::new();
    }
    // SAFETY: `n` readable handles (caller).
    let items = unsafe { core::slice::from_raw_parts(items, n) };
    items.iter().map(|&h| d.unwrap(h)).collect()
}

/// `HPyTuple_FromArray`.
pub(super) unsafe extern "C" fn ctx_Tuple_FromArray(
    dctx: *mut Ctx,
    items: *mut HPy,
    n: HPy_ssize_t,
) -> HPy {
    // SAFETY: the debug context; `items` holds `n` handles (HPy contract).
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let mut items = unwrap_array(d, items, n.max(0) as usize);
        let r = ((*u).ctx_Tuple_FromArray)(u, items.as_mut_ptr(), n);
        d.open(r)
    }
}

/// `HPyType_GenericNew`.
pub(super) unsafe extern "C" fn ctx_Type_GenericNew(
    dctx: *mut Ctx,
    r#type: HPy,
    args: *const HPy,
    nargs: HPy_ssize_t,
    kw: HPy,
) -> HPy {
    // SAFETY: the debug context; `args` holds `nargs` handles (contract).
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let r#type = d.unwrap(r#type);
        let kw = d.unwrap(kw);
        let args = unwrap_array(d, args, nargs.max(0) as usize);
        let r = ((*u).ctx_Type_GenericNew)(u, r#type, args.as_ptr(), nargs, kw);
        d.open(r)
    }
}

/// The number of keyword arguments `kwnames` (a universal handle) names;
/// anything but a tuple or NULL is a fatal error, as in HPy.
///
/// # Safety
/// The universal context is live; `kwnames` is NULL or a live object.
unsafe fn keyword_count(u: *mut Ctx, kwnames: HPy, function: &CStr) -> Result<usize, ()> {
    if kwnames._i == 0 {
        return Ok(0);
    }
    // SAFETY: forwarded.
    unsafe {
        if ((*u).ctx_Tuple_Check)(u, kwnames) == 0 {
            ((*u).ctx_FatalError)(u, function.as_ptr());
            std::process::abort();
        }
        let n = ((*u).ctx_Length)(u, kwnames);
        if n < 0 {
            Err(())
        } else {
            Ok(n as usize)
        }
    }
}

/// `HPy_Call`: the positional and keyword values are `nargs` + the length
/// of `kwnames` handles.
pub(super) unsafe extern "C" fn ctx_Call(
    dctx: *mut Ctx,
    callable: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: the debug context; `args` holds the values (contract).
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let callable = d.unwrap(callable);
        let kwnames = d.unwrap(kwnames);
        let Ok(nkw) = keyword_count(
            u,
            kwnames,
            c"HPy_Call arg 'kwnames' must be a tuple object or HPy_NULL",
        ) else {
            return HPy_NULL;
        };
        let args = unwrap_array(d, args, nargs + nkw);
        let r = ((*u).ctx_Call)(u, callable, args.as_ptr(), nargs, kwnames);
        d.open(r)
    }
}

/// `HPy_CallMethod` (`args[0]` is the receiver).
pub(super) unsafe extern "C" fn ctx_CallMethod(
    dctx: *mut Ctx,
    name: HPy,
    args: *const HPy,
    nargs: usize,
    kwnames: HPy,
) -> HPy {
    // SAFETY: the debug context; `args` holds the values (contract).
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let name = d.unwrap(name);
        let kwnames = d.unwrap(kwnames);
        let Ok(nkw) = keyword_count(
            u,
            kwnames,
            c"HPy_CallMethod arg 'kwnames' must be a tuple object or HPy_NULL",
        ) else {
            return HPy_NULL;
        };
        let args = unwrap_array(d, args, nargs + nkw);
        let r = ((*u).ctx_CallMethod)(u, name, args.as_ptr(), nargs, kwnames);
        d.open(r)
    }
}

/// `HPyType_FromSpec`: the parameters carry handles (bases, metaclass).
pub(super) unsafe extern "C" fn ctx_Type_FromSpec(
    dctx: *mut Ctx,
    spec: *mut HPyType_Spec,
    params: *mut HPyType_SpecParam,
) -> HPy {
    // SAFETY: the debug context; `params` is NULL or an array ended by a
    // zero kind (HPy contract).
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        if params.is_null() {
            return d.open(((*u).ctx_Type_FromSpec)(u, spec, params));
        }
        let mut uparams = Vec::new();
        let mut p = params;
        loop {
            let kind = (*p).kind;
            uparams.push(HPyType_SpecParam {
                kind,
                object: d.unwrap((*p).object),
            });
            if kind == 0 {
                break;
            }
            p = p.add(1);
        }
        d.open(((*u).ctx_Type_FromSpec)(u, spec, uparams.as_mut_ptr()))
    }
}

/// Hands out `len` bytes at `data` (read through debug handle `h`) as a
/// read-only copy that becomes unreadable when `h` is closed. Constants
/// and failed copies get the original pointer.
///
/// # Safety
/// `data` is NULL or readable for `len` bytes.
unsafe fn protect(d: &DebugInfo, h: HPy, data: *const c_char, len: usize) -> *const c_char {
    if data.is_null() || !d.with(|s| s.protects(h)) {
        return data;
    }
    // SAFETY: readable for `len` bytes (caller).
    match unsafe { ProtectedCopy::new(data.cast(), len) } {
        Some(copy) => {
            let ptr = copy.as_ptr().cast();
            d.with(|s| s.attach(h, copy));
            ptr
        }
        None => data,
    }
}

/// `HPyUnicode_AsUTF8AndSize`: the text, with its NUL, as a protected copy.
pub(super) unsafe extern "C" fn ctx_Unicode_AsUTF8AndSize(
    dctx: *mut Ctx,
    h: HPy,
    size: *mut HPy_ssize_t,
) -> *const c_char {
    // SAFETY: the debug context; the universal function returns NULL or a
    // NUL-terminated buffer of `*size` bytes plus the NUL.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let data = ((*u).ctx_Unicode_AsUTF8AndSize)(u, d.unwrap(h), size);
        if data.is_null() {
            return data;
        }
        let len = if size.is_null() {
            CStr::from_ptr(data).to_bytes().len()
        } else {
            *size as usize
        };
        protect(d, h, data, len + 1)
    }
}

/// `HPyBytes_AsString`: the bytes, with their NUL, as a protected copy.
pub(super) unsafe extern "C" fn ctx_Bytes_AsString(dctx: *mut Ctx, h: HPy) -> *const c_char {
    // SAFETY: the debug context; a bytes buffer has its size plus a NUL.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let uh = d.unwrap(h);
        let data = ((*u).ctx_Bytes_AsString)(u, uh);
        if data.is_null() {
            return data;
        }
        let len = ((*u).ctx_Bytes_Size)(u, uh).max(0) as usize;
        protect(d, h, data, len + 1)
    }
}

/// `HPyBytes_AS_STRING`: as [`ctx_Bytes_AsString`].
pub(super) unsafe extern "C" fn ctx_Bytes_AS_STRING(dctx: *mut Ctx, h: HPy) -> *const c_char {
    // SAFETY: the debug context; a bytes buffer has its size plus a NUL.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let uh = d.unwrap(h);
        let data = ((*u).ctx_Bytes_AS_STRING)(u, uh);
        if data.is_null() {
            return data;
        }
        let len = ((*u).ctx_Bytes_GET_SIZE)(u, uh).max(0) as usize;
        protect(d, h, data, len + 1)
    }
}

/// `HPyType_GetName`: the name as a protected copy (of a type only).
pub(super) unsafe extern "C" fn ctx_Type_GetName(dctx: *mut Ctx, r#type: HPy) -> *const c_char {
    // SAFETY: the debug context; the name is NULL or NUL-terminated.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let uh = d.unwrap(r#type);
        super::checks::require_type(d, uh, "HPyType_GetName arg must be a type");
        let name = ((*u).ctx_Type_GetName)(u, uh);
        if name.is_null() {
            return name;
        }
        let len = CStr::from_ptr(name).to_bytes().len();
        protect(d, r#type, name, len + 1)
    }
}

/// `HPyContextVar_Get`: the value comes back through `result`.
pub(super) unsafe extern "C" fn ctx_ContextVar_Get(
    dctx: *mut Ctx,
    context_var: HPy,
    default_value: HPy,
    result: *mut HPy,
) -> i32 {
    // SAFETY: the debug context; `result` is writable (contract).
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let mut value = HPy_NULL;
        let rc = ((*u).ctx_ContextVar_Get)(
            u,
            d.unwrap(context_var),
            d.unwrap(default_value),
            &mut value,
        );
        *result = if rc < 0 { HPy_NULL } else { d.open(value) };
        rc
    }
}

// ---- builders: a record per builder, closed by Build/Cancel ----

/// Opens a builder record for the universal builder `value` (0, the
/// universal context's failure, stays 0).
fn open_builder(d: &DebugInfo, value: isize, kind: Kind) -> isize {
    if value == 0 {
        return 0;
    }
    d.with(|s| s.open(value, kind, None))._i
}

/// The universal builder for `raw`; a bad one is reported and then treated
/// as a builder whose allocation failed (0), as HPy's debug mode does:
/// `Set` and `Cancel` do nothing with it and `Build` raises `MemoryError`,
/// so the extension's failure path runs with an exception set.
#[inline]
fn builder(d: &DebugInfo, raw: isize, kind: Kind) -> isize {
    let fast = d.with(|s| s.open_helper(raw, kind));
    match fast {
        Some(value) => value,
        None => builder_slow(d, raw, kind),
    }
}

/// [`builder`] of a builder that is not open (0, or a problem to
/// report): out of line, so the common path saves no registers.
#[cold]
#[inline(never)]
fn builder_slow(d: &DebugInfo, raw: isize, kind: Kind) -> isize {
    if raw == 0 {
        return 0;
    }
    match d.with(|s| s.check_helper(raw, kind)) {
        Ok(value) => value,
        Err(problem) => {
            d.report(problem);
            0
        }
    }
}

/// `HPyListBuilder_New`.
pub(super) unsafe extern "C" fn ctx_ListBuilder_New(
    dctx: *mut Ctx,
    size: HPy_ssize_t,
) -> HPyListBuilder {
    // SAFETY: the debug context.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let b = ((*u).ctx_ListBuilder_New)(u, size);
        HPyListBuilder {
            _lst: open_builder(d, b._lst, Kind::ListBuilder),
        }
    }
}

/// `HPyListBuilder_Set`.
pub(super) unsafe extern "C" fn ctx_ListBuilder_Set(
    dctx: *mut Ctx,
    builder_: HPyListBuilder,
    index: HPy_ssize_t,
    h_item: HPy,
) {
    // SAFETY: the debug context.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let b = builder(d, builder_._lst, Kind::ListBuilder);
        let item = d.unwrap(h_item);
        ((*u).ctx_ListBuilder_Set)(u, HPyListBuilder { _lst: b }, index, item);
    }
}

/// `HPyListBuilder_Build`.
pub(super) unsafe extern "C" fn ctx_ListBuilder_Build(
    dctx: *mut Ctx,
    builder_: HPyListBuilder,
) -> HPy {
    // SAFETY: the debug context.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let b = builder(d, builder_._lst, Kind::ListBuilder);
        let r = ((*u).ctx_ListBuilder_Build)(u, HPyListBuilder { _lst: b });
        if b != 0 {
            d.with(|s| s.close_helper(builder_._lst));
        }
        d.open(r)
    }
}

/// `HPyListBuilder_Cancel`.
pub(super) unsafe extern "C" fn ctx_ListBuilder_Cancel(dctx: *mut Ctx, builder_: HPyListBuilder) {
    // SAFETY: the debug context.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let b = builder(d, builder_._lst, Kind::ListBuilder);
        ((*u).ctx_ListBuilder_Cancel)(u, HPyListBuilder { _lst: b });
        if b != 0 {
            d.with(|s| s.close_helper(builder_._lst));
        }
    }
}

/// `HPyTupleBuilder_New`.
pub(super) unsafe extern "C" fn ctx_TupleBuilder_New(
    dctx: *mut Ctx,
    size: HPy_ssize_t,
) -> HPyTupleBuilder {
    // SAFETY: the debug context.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let b = ((*u).ctx_TupleBuilder_New)(u, size);
        HPyTupleBuilder {
            _tup: open_builder(d, b._tup, Kind::TupleBuilder),
        }
    }
}

/// `HPyTupleBuilder_Set`.
pub(super) unsafe extern "C" fn ctx_TupleBuilder_Set(
    dctx: *mut Ctx,
    builder_: HPyTupleBuilder,
    index: HPy_ssize_t,
    h_item: HPy,
) {
    // SAFETY: the debug context.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let b = builder(d, builder_._tup, Kind::TupleBuilder);
        let item = d.unwrap(h_item);
        ((*u).ctx_TupleBuilder_Set)(u, HPyTupleBuilder { _tup: b }, index, item);
    }
}

/// `HPyTupleBuilder_Build`.
pub(super) unsafe extern "C" fn ctx_TupleBuilder_Build(
    dctx: *mut Ctx,
    builder_: HPyTupleBuilder,
) -> HPy {
    // SAFETY: the debug context.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let b = builder(d, builder_._tup, Kind::TupleBuilder);
        let r = ((*u).ctx_TupleBuilder_Build)(u, HPyTupleBuilder { _tup: b });
        if b != 0 {
            d.with(|s| s.close_helper(builder_._tup));
        }
        d.open(r)
    }
}

/// `HPyTupleBuilder_Cancel`.
pub(super) unsafe extern "C" fn ctx_TupleBuilder_Cancel(dctx: *mut Ctx, builder_: HPyTupleBuilder) {
    // SAFETY: the debug context.
    unsafe {
        let d = info(dctx);
        let u = d.universal();
        let b = builder(d, builder_._tup, Kind::TupleBuilder);
        ((*u).ctx_TupleBuilder_Cancel)(u, HPyTupleBuilder { _tup: b });
        if b != 0 {
            d.with(|s| s.close_helper(builder_._tup));
        }
    }
}

// ---- trackers: the debug context's own (the handles are debug handles,
// closed through the debug HPy_Close) ----

/// `HPyTracker_New`.
pub(super) unsafe extern "C" fn ctx_Tracker_New(dctx: *mut Ctx, size: HPy_ssize_t) -> HPyTracker {
    // SAFETY: the debug context.
    let d = unsafe { info(dctx) };
    let t = d.with(|s| s.open(0, Kind::Tracker, None));
    d.with(|s| s.reserve_tracked(t._i, size.max(0) as usize));
    HPyTracker { _i: t._i }
}

/// `HPyTracker_Add`.
pub(super) unsafe extern "C" fn ctx_Tracker_Add(dctx: *mut Ctx, ht: HPyTracker, h: HPy) -> c_int {
    // SAFETY: the debug context.
    let d = unsafe { info(dctx) };
    if let Err(problem) = d.with(|s| s.check_helper(ht._i, Kind::Tracker)) {
        d.report(problem);
        return -1;
    }
    // A handle that is not open is reported now (and not tracked, so that
    // the tracker's close does not report it again).
    match d.with(|s| s.check(h)) {
        Ok(_) => d.with(|s| s.track(ht._i, h)),
        Err((problem, _)) => d.report(problem),
    }
    0
}

/// `HPyTracker_ForgetAll`.
pub(super) unsafe extern "C" fn ctx_Tracker_ForgetAll(dctx: *mut Ctx, ht: HPyTracker) {
    // SAFETY: the debug context.
    let d = unsafe { info(dctx) };
    match d.with(|s| s.check_helper(ht._i, Kind::Tracker)) {
        Ok(_) => {
            d.with(|s| s.take_tracked(ht._i));
        }
        Err(problem) => d.report(problem),
    }
}

/// `HPyTracker_Close`: closes every tracked handle (through the debug
/// `HPy_Close`, so each close is checked and recorded), then the tracker.
pub(super) unsafe extern "C" fn ctx_Tracker_Close(dctx: *mut Ctx, ht: HPyTracker) {
    // SAFETY: the debug context.
    let d = unsafe { info(dctx) };
    if let Err(problem) = d.with(|s| s.check_helper(ht._i, Kind::Tracker)) {
        d.report(problem);
        return;
    }
    let tracked = d.with(|s| {
        let tracked = s.take_tracked(ht._i);
        s.close_helper(ht._i);
        tracked
    });
    for h in tracked {
        // SAFETY: the debug context.
        unsafe { ctx_Close(dctx, h) };
    }
}
