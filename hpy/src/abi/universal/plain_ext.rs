//! The functions hpy_rs_universal's plain context offers beyond HPy 0.9
//! (hpy-sys's [`PlainContextExt`], published through the context's
//! `_private`), found at load and used only with that context.

use core::sync::atomic::{AtomicPtr, Ordering};

use hpy_sys::{HPyContext, PlainContextExt, PLAIN_CONTEXT_EXT_MAGIC};

/// The plain context that published an extension table of version 1 or
/// later, and that table; both null until a module is loaded through such
/// a context. Set once and never cleared: the host keeps that context and
/// its table for the rest of the process, and every use first checks that
/// the call's context is that one, so a module of the same library loaded
/// through another context (debug, trace, another host) never reaches the
/// table.
struct PlainExt {
    ctx: AtomicPtr<HPyContext>,
    table: AtomicPtr<PlainContextExt>,
}

static PLAIN_EXT: PlainExt = PlainExt {
    ctx: AtomicPtr::new(core::ptr::null_mut()),
    table: AtomicPtr::new(core::ptr::null_mut()),
};

/// Records the extension table of `ctx`, if it has a usable one.
///
/// # Safety
/// `ctx` is hpy_rs_universal's plain context (told by its name), given to
/// `HPyInitGlobalContext_<name>`: its `_private` is NULL (a host from
/// before the table) or points to a [`PlainContextExt`] valid for the rest
/// of the process.
pub(crate) unsafe fn record(ctx: *mut HPyContext) {
    // SAFETY: the contract: a live context, whose `_private` is NULL or the
    // host's static table.
    let table = unsafe { (*ctx)._private }.cast::<PlainContextExt>();
    if table.is_null() {
        return;
    }
    // SAFETY: as above; the magic and the version come first in every
    // version of the table.
    let usable = unsafe { (*table).magic == PLAIN_CONTEXT_EXT_MAGIC && (*table).version >= 1 };
    if !usable {
        return;
    }
    PLAIN_EXT.table.store(table, Ordering::Relaxed);
    PLAIN_EXT.ctx.store(ctx, Ordering::Release);
}

/// The extension table of `ctx` if `ctx` is the plain context that
/// published a usable one (one load and compare otherwise).
#[inline(always)]
pub(crate) fn of(ctx: *mut HPyContext) -> Option<&'static PlainContextExt> {
    // One plain read, which the compiler folds into the comparison (an
    // atomic load it keeps apart: one instruction more on every other
    // host's path).
    // SAFETY: written only at a module's load and read only in its calls,
    // both with the GIL held (every host of a universal binary has one;
    // hpy_rs_universal refuses free-threaded builds), so no read races a
    // write.
    if ctx != unsafe { *PLAIN_EXT.ctx.as_ptr() } {
        return None;
    }
    // SAFETY: `ctx` is the plain context recorded with `table` (the call's
    // context is never null, so an unset record never matches); the table
    // is the host's static, never written, of version 1 or later (checked
    // in `record`).
    Some(unsafe { &*PLAIN_EXT.table.load(Ordering::Relaxed) })
}

#[cfg(test)]
mod tests {
    use core::mem::MaybeUninit;

    use hpy_sys::{HPy, HPyContext, HPy_ssize_t, PlainContextExt, PLAIN_CONTEXT_EXT_MAGIC};

    unsafe extern "C" fn no_tuple(_: HPy_ssize_t) -> HPy {
        hpy_sys::HPy_NULL
    }

    unsafe extern "C" fn no_buffer(
        _: HPy,
        _: *mut hpy_sys::HPy_buffer,
        _: core::ffi::c_int,
    ) -> core::ffi::c_int {
        -1
    }

    unsafe extern "C" fn no_release(_: *mut hpy_sys::HPy_buffer) {}

    unsafe extern "C" fn no_str(_: HPy_ssize_t, _: *mut *mut u8) -> HPy {
        hpy_sys::HPy_NULL
    }

    /// A context whose only initialised field is `_private`, the one
    /// `record` reads.
    fn context_with(private: *mut core::ffi::c_void) -> Box<MaybeUninit<HPyContext>> {
        let mut ctx = Box::new(MaybeUninit::<HPyContext>::uninit());
        // SAFETY: writes one field of the allocation, by its address.
        unsafe { core::ptr::addr_of_mut!((*ctx.as_mut_ptr())._private).write(private) };
        ctx
    }

    #[test]
    fn a_table_is_used_only_with_its_context_and_only_if_it_is_one() {
        static WRONG_MAGIC: PlainContextExt = PlainContextExt {
            magic: PLAIN_CONTEXT_EXT_MAGIC ^ 1,
            version: 1,
            tuple_new: no_tuple,
            tuple_items_offset: 24,
            get_buffer: no_buffer,
            release_buffer: no_release,
            ob_type_offset: 8,
            object_payload_offset: 16,
            ascii_str_new: no_str,
            bytes_data_offset: 32,
            var_size_offset: 16,
        };
        static TABLE: PlainContextExt = PlainContextExt {
            magic: PLAIN_CONTEXT_EXT_MAGIC,
            version: 1,
            tuple_new: no_tuple,
            tuple_items_offset: 32,
            get_buffer: no_buffer,
            release_buffer: no_release,
            ob_type_offset: 8,
            object_payload_offset: 16,
            ascii_str_new: no_str,
            bytes_data_offset: 32,
            var_size_offset: 16,
        };
        let mut none = context_with(core::ptr::null_mut());
        let mut wrong = context_with(core::ptr::from_ref(&WRONG_MAGIC).cast_mut().cast());
        let mut good = context_with(core::ptr::from_ref(&TABLE).cast_mut().cast());
        for ctx in [&mut none, &mut wrong] {
            // SAFETY: `_private` is NULL or a static table (the contract).
            unsafe { super::record(ctx.as_mut_ptr()) };
            assert!(super::of(ctx.as_mut_ptr()).is_none());
        }
        // SAFETY: as above.
        unsafe { super::record(good.as_mut_ptr()) };
        let found = super::of(good.as_mut_ptr()).expect("the recorded context");
        assert_eq!(found.tuple_items_offset, 32);
        assert!(super::of(none.as_mut_ptr()).is_none());
        assert!(super::of(wrong.as_mut_ptr()).is_none());
    }
}
