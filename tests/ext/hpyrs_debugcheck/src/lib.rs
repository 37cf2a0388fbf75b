//! `hpyrs_debugcheck`: functions that misuse handles on purpose, one
//! mistake each, through raw HPy calls (the safe API cannot make these
//! mistakes), so that `tests/python/test_debug_host.py` can show that HPy's
//! debug mode reports every one. Each keeps the objects it touches alive
//! through its arguments, so that in the plain modes (where nothing is
//! checked) the calls stay harmless -- except `tracker_after_close` and
//! `type_check_with_non_type`, which only debug mode survives (a closed
//! tracker is freed memory otherwise, and a list is read as a type).
//!
//! With `HPYRS_DEBUGCHECK_LEAK_IN_EXEC=1` in the environment, the module's
//! exec leaks one handle (to show that imports are checked too).

use hpy::{hpy_method, hpy_module, Context, HPyResult, Handle};
use hpy_sys as sys;

/// A correct function using the same calls as the faulty ones: a new
/// tuple `(x, len(text))`, built with a tuple builder, a tracker and the
/// UTF-8 text of `text` (read while its handle is open).
#[hpy_method]
fn correct<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>, text: &Handle<'ctx>) -> Handle<'ctx> {
    let c = ctx.as_raw();
    // SAFETY: live handles of this call; every handle made here is closed
    // (the tracker closes `h` and `n`) except the result, which is returned.
    unsafe {
        let tracker = sys::HPyTracker_New(c, 2);
        let h = sys::HPy_Dup(c, text.as_raw());
        sys::HPyTracker_Add(c, tracker, h);
        let mut size: sys::HPy_ssize_t = 0;
        let utf8 = sys::HPyUnicode_AsUTF8AndSize(c, h, &mut size);
        let mut len = 0;
        while len < size as usize && *utf8.add(len) != 0 {
            len += 1;
        }
        let n = sys::HPyLong_FromSize_t(c, len);
        sys::HPyTracker_Add(c, tracker, n);
        let builder = sys::HPyTupleBuilder_New(c, 2);
        sys::HPyTupleBuilder_Set(c, builder, 0, x.as_raw());
        sys::HPyTupleBuilder_Set(c, builder, 1, n);
        let result = sys::HPyTupleBuilder_Build(c, builder);
        sys::HPyTracker_Close(c, tracker);
        Handle::from_raw(ctx, result)
    }
}

/// Leaks a handle to `x` (a new reference that is never released).
#[hpy_method]
fn leak<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) {
    // SAFETY: a live handle; the duplicate is deliberately never closed.
    unsafe {
        sys::HPy_Dup(ctx.as_raw(), x.as_raw());
    }
}

/// Uses a handle after closing it: `len(x)` through a closed duplicate.
#[hpy_method]
fn use_after_close<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) -> isize {
    let c = ctx.as_raw();
    // SAFETY: the duplicate's object stays alive through `x`.
    unsafe {
        let h = sys::HPy_Dup(c, x.as_raw());
        sys::HPy_Close(c, h);
        sys::HPy_Length(c, h)
    }
}

/// Closes a handle twice.
#[hpy_method]
fn close_twice<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) {
    let c = ctx.as_raw();
    // SAFETY: the second close is the mistake; in the plain modes the extra
    // release is made up for by a duplicate first (leaked on purpose).
    unsafe {
        let _balance = sys::HPy_Dup(c, x.as_raw());
        let h = sys::HPy_Dup(c, x.as_raw());
        sys::HPy_Close(c, h);
        sys::HPy_Close(c, h);
    }
}

/// Closes the handle of its argument, which it does not own.
#[hpy_method]
fn close_argument<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) {
    // SAFETY: deliberately wrong (the argument is borrowed); in the plain
    // modes the extra release is made up for by a duplicate first (leaked
    // on purpose).
    unsafe {
        let c = ctx.as_raw();
        let _balance = sys::HPy_Dup(c, x.as_raw());
        sys::HPy_Close(c, x.as_raw());
    }
}

/// Returns its argument's handle instead of a new one.
#[hpy_method]
fn return_argument<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) -> Handle<'ctx> {
    // SAFETY: deliberately wrong: the result takes over a reference the
    // function does not own; in the plain modes a duplicate makes up for it.
    unsafe {
        let c = ctx.as_raw();
        let _balance = sys::HPy_Dup(c, x.as_raw());
        Handle::from_raw(ctx, x.as_raw())
    }
}

/// Uses a tuple builder after building the tuple: sets its item again.
#[hpy_method]
fn builder_after_build<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
    let c = ctx.as_raw();
    // SAFETY: live handles; the late Set is the mistake. In the plain modes
    // the builder is the finished tuple, which is returned (so alive), and
    // the late Set stores `x` over `x` (leaking one reference to it).
    unsafe {
        let builder = sys::HPyTupleBuilder_New(c, 1);
        sys::HPyTupleBuilder_Set(c, builder, 0, x.as_raw());
        let tuple = sys::HPyTupleBuilder_Build(c, builder);
        sys::HPyTupleBuilder_Set(c, builder, 0, x.as_raw());
        ctx.wrap_result(tuple)
    }
}

/// Adds to a tracker after closing it. Call it only in debug mode.
#[hpy_method]
fn tracker_after_close<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) {
    let c = ctx.as_raw();
    // SAFETY: the late Add is the mistake; the handle added is closed right
    // after, so nothing leaks in any mode.
    unsafe {
        let tracker = sys::HPyTracker_New(c, 1);
        sys::HPyTracker_Close(c, tracker);
        let h = sys::HPy_Dup(c, x.as_raw());
        sys::HPyTracker_Add(c, tracker, h);
        sys::HPy_Close(c, h);
    }
}

/// `HPy_TypeCheck(x, x)`: the second argument must be a type. Call it only
/// in debug mode (elsewhere `x` is read as a type object).
#[hpy_method]
fn type_check_with_non_type<'ctx>(ctx: Context<'ctx>, x: &Handle<'ctx>) -> bool {
    // SAFETY: deliberately wrong (checked by debug mode before the call).
    unsafe { sys::HPy_TypeCheck(ctx.as_raw(), x.as_raw(), x.as_raw()) != 0 }
}

/// Reads the UTF-8 text of `text` after closing the handle it came from
/// (returns the first byte). In debug mode the text is gone by then: the
/// read faults.
#[hpy_method]
fn read_released_utf8<'ctx>(ctx: Context<'ctx>, text: &Handle<'ctx>) -> u8 {
    let c = ctx.as_raw();
    // SAFETY: deliberately wrong: the pointer is valid only while `h` is
    // open. In the plain modes the text stays alive through `text`.
    unsafe {
        let h = sys::HPy_Dup(c, text.as_raw());
        let utf8 = sys::HPyUnicode_AsUTF8AndSize(c, h, core::ptr::null_mut());
        sys::HPy_Close(c, h);
        core::ptr::read_volatile(utf8.cast::<u8>())
    }
}

fn exec<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
    if std::env::var_os("HPYRS_DEBUGCHECK_LEAK_IN_EXEC").is_some_and(|v| v == "1") {
        // SAFETY: a live handle; leaked on purpose.
        unsafe {
            sys::HPy_Dup(ctx.as_raw(), module.as_raw());
        }
    }
    Ok(())
}

hpy_module! {
    /// Deliberate handle misuse, to test HPy's debug mode.
    methods: [
        correct, leak, use_after_close, close_twice, close_argument, return_argument,
        builder_after_build, tracker_after_close, type_check_with_non_type, read_released_utf8,
    ],
    exec: exec,
}
