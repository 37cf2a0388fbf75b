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
    /// The same context, if its table is of version 4 or later and
    /// publishes the layout in [`layout`] (else null): what [`fast`]
    /// compares with.
    fast_ctx: AtomicPtr<HPyContext>,
}

static PLAIN_EXT: PlainExt = PlainExt {
    ctx: AtomicPtr::new(core::ptr::null_mut()),
    table: AtomicPtr::new(core::ptr::null_mut()),
    fast_ctx: AtomicPtr::new(core::ptr::null_mut()),
};

/// The object layout this crate's fast paths take as constants behind
/// [`fast`]: that of every CPython hpy_rs_universal hosts (3.11-3.15,
/// x86_64 and AArch64, with the GIL). [`record`] compares each with the
/// offset the host's table publishes and leaves the fast paths off if one
/// differs, so a host for another layout is still served, through the
/// table's own offsets or the HPy API. As constants they cost no load and
/// no check of the table's version on each use (a type check, a borrow's
/// data, a field store).
pub(crate) mod layout {
    /// [`PlainContextExt::ob_type_offset`](hpy_sys::PlainContextExt::ob_type_offset).
    pub(crate) const OB_TYPE: usize = 8;
    /// [`PlainContextExt::object_payload_offset`](hpy_sys::PlainContextExt::object_payload_offset).
    pub(crate) const OBJECT_PAYLOAD: usize = 16;
    /// [`PlainContextExt::tp_flags_offset`](hpy_sys::PlainContextExt::tp_flags_offset).
    pub(crate) const TP_FLAGS: usize = 168;
    /// [`PlainContextExt::float_value_offset`](hpy_sys::PlainContextExt::float_value_offset).
    pub(crate) const FLOAT_VALUE: usize = 16;
}

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
    PLAIN_EXT
        .fast_ctx
        .store(core::ptr::null_mut(), Ordering::Relaxed);
    PLAIN_EXT.table.store(table, Ordering::Relaxed);
    PLAIN_EXT.ctx.store(ctx, Ordering::Release);
    // SAFETY: as above; the entries read are those of version 4, which
    // the table has.
    let fast = unsafe {
        let t = &*table;
        t.version >= 4
            && t.ob_type_offset == layout::OB_TYPE
            && t.object_payload_offset == layout::OBJECT_PAYLOAD
            && t.tp_flags_offset == layout::TP_FLAGS
            && t.float_value_offset == layout::FLOAT_VALUE
    };
    if fast {
        PLAIN_EXT.fast_ctx.store(ctx, Ordering::Release);
    }
}

/// The extension table of `ctx` if `ctx` is the plain context that
/// published one of version 4 or later with the object layout of
/// [`layout`]: one load and compare, then that layout's offsets are
/// constants and every entry up to version 4 is there.
#[inline(always)]
pub(crate) fn fast(ctx: *mut HPyContext) -> Option<&'static PlainContextExt> {
    // SAFETY: as in `of`: written only at a module's load, read in its
    // calls, both with the GIL held.
    if ctx != unsafe { *PLAIN_EXT.fast_ctx.as_ptr() } {
        return None;
    }
    // SAFETY: `ctx` is the recorded context (never null), so `table` is
    // its static table, recorded before it. A plain read, as above, which
    // the compiler leaves out where the caller uses no entry (an atomic
    // load it would keep: one instruction for nothing).
    Some(unsafe { &**PLAIN_EXT.table.as_ptr() })
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

/// The recorded extension table if [`fast`] serves its context, whatever
/// the calling context: for code CPython runs outside any HPy call (a
/// simple class's deallocator), which exists only once a type was marked
/// through that table.
#[inline(always)]
pub(crate) fn recorded_fast() -> Option<&'static PlainContextExt> {
    // SAFETY: plain reads, as in `fast` (CPython calls a deallocator with
    // the GIL held).
    unsafe {
        if (*PLAIN_EXT.fast_ctx.as_ptr()).is_null() {
            return None;
        }
        // The host's static table of version 4 or later (checked in
        // `record`, before `fast_ctx` was set), never written.
        (*PLAIN_EXT.table.as_ptr()).as_ref()
    }
}

#[cfg(test)]
mod tests {
    use core::mem::MaybeUninit;

    use hpy_sys::{
        HPy, HPyContext, HPyField, HPy_ssize_t, PlainContextExt, PLAIN_CONTEXT_EXT_MAGIC,
    };

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

    unsafe extern "C" fn no_mark(
        _: HPy,
        _: usize,
        _: usize,
        _: Option<hpy_sys::SimpleFinish>,
    ) -> core::ffi::c_int {
        0
    }

    unsafe extern "C" fn no_alloc(_: HPy, size: *mut usize) -> HPy {
        // SAFETY: the caller's out parameter.
        unsafe { *size = usize::MAX };
        hpy_sys::HPy_NULL
    }

    unsafe extern "C" fn no_track(_: HPy) {}

    unsafe extern "C" fn no_clear(_: *mut HPyField) {}

    unsafe extern "C" fn no_str(_: HPy_ssize_t, _: *mut *mut u8) -> HPy {
        hpy_sys::HPy_NULL
    }

    unsafe extern "C" fn no_builtins() -> HPy {
        hpy_sys::HPy_NULL
    }

    unsafe extern "C" fn no_type_call(
        _: *mut HPyContext,
        _: HPy,
        _: hpy_sys::HPyFunc_newfunc,
    ) -> core::ffi::c_int {
        0
    }

    unsafe extern "C" fn no_freeze(_: HPy) -> core::ffi::c_int {
        0
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
            tuple_items_offset: 24,
            ..TABLE
        };
        static TABLE: PlainContextExt = PlainContextExt {
            version: 1,
            ..TABLE_V4
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
        // Version 1: no fast paths.
        assert!(super::fast(good.as_mut_ptr()).is_none());
        assert!(super::recorded_fast().is_none());
        assert!(super::of(none.as_mut_ptr()).is_none());
        assert!(super::of(wrong.as_mut_ptr()).is_none());

        // Version 4 with the layout the fast paths assume: served; the
        // same table with another object layout: not.
        static OTHER_LAYOUT: PlainContextExt = PlainContextExt {
            version: 4,
            ob_type_offset: 16,
            ..TABLE_V4
        };
        let mut other = context_with(core::ptr::from_ref(&OTHER_LAYOUT).cast_mut().cast());
        // SAFETY: as above.
        unsafe { super::record(other.as_mut_ptr()) };
        assert!(super::fast(other.as_mut_ptr()).is_none());
        let mut v4 = context_with(core::ptr::from_ref(&TABLE_V4).cast_mut().cast());
        // SAFETY: as above.
        unsafe { super::record(v4.as_mut_ptr()) };
        let fast = super::fast(v4.as_mut_ptr()).expect("a table of version 4");
        assert_eq!(fast.version, 4);
        assert!(super::fast(good.as_mut_ptr()).is_none());
        assert!(super::recorded_fast().is_some());
    }

    static TABLE_V4: PlainContextExt = PlainContextExt {
        magic: PLAIN_CONTEXT_EXT_MAGIC,
        version: 4,
        tuple_new: no_tuple,
        tuple_items_offset: 32,
        get_buffer: no_buffer,
        release_buffer: no_release,
        ob_type_offset: super::layout::OB_TYPE,
        object_payload_offset: super::layout::OBJECT_PAYLOAD,
        tp_flags_offset: super::layout::TP_FLAGS,
        float_value_offset: super::layout::FLOAT_VALUE,
        mark_simple: no_mark,
        alloc_simple: no_alloc,
        track_simple: no_track,
        clear_field: no_clear,
        ascii_str_new: no_str,
        bytes_data_offset: 32,
        var_size_offset: 16,
        set_type_call: no_type_call,
        builtins: no_builtins,
        freeze_type: no_freeze,
    };
}
