//! The functions hpy_rs_universal's plain context offers beyond HPy 0.9
//! (hpy-sys's [`PlainContextExt`], published through the context's
//! `_private`), found at load and used only with that context.

use core::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Once;

use hpy_sys::{HPyContext, PlainContextExt, PLAIN_CONTEXT_EXT_MAGIC};

/// The plain context that published an extension table of version 1 or
/// later, and that table; both null until a module is loaded through such
/// a context. Written once ([`RECORDED`]) and never again: the host keeps
/// that context and its table for the rest of the process (one plain
/// context per process, shared by its interpreters), and every use first
/// checks that the call's context is that one, so a module of the same
/// library loaded through another context (debug, trace, another host)
/// never reaches the table.
///
/// A load can run in one interpreter while another interpreter, under its
/// own GIL, runs the module and reads these words: they are written once
/// (a rewrite cleared `fast_ctx` for a moment, in which a deallocator of
/// another interpreter found no table) and every access is atomic (a
/// module loaded through the debug context reads them too, and may run
/// while the first plain load writes them).
struct PlainExt {
    /// Its table is its `_private`, read from the context where used.
    ctx: AtomicPtr<HPyContext>,
    /// The same context, if its table is of version 4 or later and
    /// publishes the layout in [`layout`] (else null): what [`fast`]
    /// compares with.
    fast_ctx: AtomicPtr<HPyContext>,
    /// The same context, if [`fast`] serves it and its table is of
    /// version 10 or later, lets reference counts change in place (3.12
    /// and later, with the immortal bit) and publishes the `str` layout in
    /// [`layout`] (else null): what [`fast10`] compares with.
    fast10_ctx: AtomicPtr<HPyContext>,
}

static PLAIN_EXT: PlainExt = PlainExt {
    ctx: AtomicPtr::new(core::ptr::null_mut()),
    fast_ctx: AtomicPtr::new(core::ptr::null_mut()),
    fast10_ctx: AtomicPtr::new(core::ptr::null_mut()),
};

/// Done once [`PLAIN_EXT`] is written: the first load through a plain
/// context with a usable table writes it; a later load, in any
/// interpreter, writes nothing and returns from [`Once::call_once`] only
/// after that write (waiting if it is under way on another thread), so
/// every module loaded through the plain context finds it complete.
static RECORDED: Once = Once::new();

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
    /// [`PlainContextExt::var_size_offset`](hpy_sys::PlainContextExt::var_size_offset),
    /// also where a `str`'s length is (version 10).
    pub(crate) const VAR_SIZE: usize = 16;
    /// [`PlainContextExt::str_state_offset`](hpy_sys::PlainContextExt::str_state_offset).
    pub(crate) const STR_STATE: usize = 32;
    /// [`PlainContextExt::str_compact_ascii_bits`](hpy_sys::PlainContextExt::str_compact_ascii_bits).
    pub(crate) const STR_COMPACT_ASCII: u32 = 0x60;
}

/// Records the extension table of `ctx`, if it has a usable one.
///
/// # Safety
/// `ctx` is hpy_rs_universal's plain context (told by its name), given to
/// `HPyInitGlobalContext_<name>`: its `_private` is NULL (a host from
/// before the table) or points to a [`PlainContextExt`] valid for the rest
/// of the process.
pub(crate) unsafe fn record(ctx: *mut HPyContext) {
    // SAFETY: the contract.
    let Some(fast) = (unsafe { usable(ctx) }) else {
        return;
    };
    // SAFETY: the contract; a table `usable` took as fast has version 4's
    // entries, and those of version 10 where it says so.
    let fast10 = fast && unsafe { usable10(ctx) };
    RECORDED.call_once(|| {
        // Release: a reader that sees the context (Acquire) sees its table
        // as checked by `usable`.
        if fast10 {
            PLAIN_EXT.fast10_ctx.store(ctx, Ordering::Release);
        }
        if fast {
            PLAIN_EXT.fast_ctx.store(ctx, Ordering::Release);
        }
        PLAIN_EXT.ctx.store(ctx, Ordering::Release);
    });
}

/// Whether `ctx` publishes a usable table: `None` if not, else whether
/// [`fast`] may serve it (version 4 or later, with [`layout`]'s layout).
///
/// # Safety
/// As [`record`].
unsafe fn usable(ctx: *mut HPyContext) -> Option<bool> {
    // SAFETY: the contract: a live context, whose `_private` is NULL or the
    // host's static table.
    let table = unsafe { (*ctx)._private }.cast::<PlainContextExt>();
    if table.is_null() {
        return None;
    }
    // SAFETY: as above; the magic and the version come first in every
    // version of the table.
    let usable = unsafe { (*table).magic == PLAIN_CONTEXT_EXT_MAGIC && (*table).version >= 1 };
    if !usable {
        return None;
    }
    // SAFETY: as above; the entries read are those of version 4, which
    // the table has.
    Some(unsafe {
        let t = &*table;
        t.version >= 4
            && t.ob_type_offset == layout::OB_TYPE
            && t.object_payload_offset == layout::OBJECT_PAYLOAD
            && t.tp_flags_offset == layout::TP_FLAGS
            && t.float_value_offset == layout::FLOAT_VALUE
    })
}

/// Whether the table of `ctx` (usable and fast) is of version 10 or later,
/// lets reference counts change in place and has [`layout`]'s `str`
/// layout.
///
/// # Safety
/// As [`record`], and [`usable`] answered `Some(true)` for `ctx`.
unsafe fn usable10(ctx: *mut HPyContext) -> bool {
    // SAFETY: the contract: the host's static table, of version 4 or
    // later; the entries of version 10 are read only when it has them.
    unsafe {
        let t = &*(*ctx)._private.cast::<PlainContextExt>();
        t.version >= 10
            && t.refcount_in_place == 2
            && t.var_size_offset == layout::VAR_SIZE
            && t.str_state_offset == layout::STR_STATE
            && t.str_compact_ascii_bits == layout::STR_COMPACT_ASCII as usize
    }
}

/// The extension table of `ctx` if `ctx` is the plain context that
/// published one of version 10 or later that [`usable10`] took: then,
/// besides [`fast`]'s layout, reference counts change in place (see
/// [`PlainContextExt::refcount_in_place`]) and a compact ASCII `str` is
/// read where it lies.
#[inline(always)]
pub(crate) fn fast10(ctx: *mut HPyContext) -> Option<&'static PlainContextExt> {
    // Acquire: pairs with the Release store of `fast10_ctx` (see `fast`).
    if ctx != PLAIN_EXT.fast10_ctx.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: as in `fast`; the table is of version 10 or later.
    Some(unsafe { &*(*ctx)._private.cast::<PlainContextExt>() })
}

/// The extension table of `ctx` if `ctx` is the plain context that
/// published one of version 4 or later with the object layout of
/// [`layout`]: one load and compare, then that layout's offsets are
/// constants and every entry up to version 4 is there.
#[inline(always)]
pub(crate) fn fast(ctx: *mut HPyContext) -> Option<&'static PlainContextExt> {
    // Acquire: pairs with the Release store of `fast_ctx`, made after
    // the table was read and checked (see `of`).
    if ctx != PLAIN_EXT.fast_ctx.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: `ctx` is the recorded context (never null), and its
    // `_private` is the table recorded with it (`record`), the host's
    // static, never written. Read from the context, a plain read of
    // memory no one writes, which the compiler leaves out where the
    // caller uses no entry (an atomic load of `table` it would keep).
    Some(unsafe { &*(*ctx)._private.cast::<PlainContextExt>() })
}

/// The extension table of `ctx` if `ctx` is the plain context that
/// published a usable one (one load and compare otherwise).
#[inline(always)]
pub(crate) fn of(ctx: *mut HPyContext) -> Option<&'static PlainContextExt> {
    // An atomic load: a module loaded through another context (debug, in
    // another interpreter) may read this while the first plain load
    // writes it. Acquire pairs with that Release store.
    if ctx != PLAIN_EXT.ctx.load(Ordering::Acquire) {
        return None;
    }
    // SAFETY: `ctx` is the plain context recorded with its table (the
    // call's context is never null, so an unset record never matches): its
    // `_private`, the host's static, never written, of version 1 or later
    // (checked in `record`).
    Some(unsafe { &*(*ctx)._private.cast::<PlainContextExt>() })
}

/// The recorded extension table if [`fast`] serves its context, whatever
/// the calling context: for code CPython runs outside any HPy call (a
/// simple class's deallocator), which exists only once a type was marked
/// through that table.
#[inline(always)]
pub(crate) fn recorded_fast() -> Option<&'static PlainContextExt> {
    // Acquire, as in `fast`.
    let ctx = PLAIN_EXT.fast_ctx.load(Ordering::Acquire);
    if ctx.is_null() {
        return None;
    }
    // SAFETY: the recorded context's table: the host's static of version
    // 4 or later (checked in `record`, before `fast_ctx` was stored),
    // never written.
    unsafe { (*ctx)._private.cast::<PlainContextExt>().as_ref() }
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

    unsafe extern "C" fn no_dict_next(
        _: HPy,
        _: *mut HPy_ssize_t,
        _: HPy_ssize_t,
        _: *mut HPy,
        _: *mut HPy,
    ) -> core::ffi::c_int {
        -2
    }

    unsafe extern "C" fn no_sort(_: HPy) -> core::ffi::c_int {
        -1
    }

    /// A context whose only initialised field is `_private`, the one
    /// `record` reads.
    fn context_with(private: *mut core::ffi::c_void) -> Box<MaybeUninit<HPyContext>> {
        let mut ctx = Box::new(MaybeUninit::<HPyContext>::uninit());
        // SAFETY: writes one field of the allocation, by its address.
        unsafe { core::ptr::addr_of_mut!((*ctx.as_mut_ptr())._private).write(private) };
        ctx
    }

    /// A context whose `_private` is `table`.
    fn context_of(table: &'static PlainContextExt) -> Box<MaybeUninit<HPyContext>> {
        context_with(core::ptr::from_ref(table).cast_mut().cast())
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
        // Version 4 with another object layout: no fast paths.
        static OTHER_LAYOUT: PlainContextExt = PlainContextExt {
            version: 4,
            ob_type_offset: 16,
            ..TABLE_V4
        };
        let mut none = context_with(core::ptr::null_mut());
        let mut wrong = context_of(&WRONG_MAGIC);
        let mut v1 = context_of(&TABLE);
        let mut other = context_of(&OTHER_LAYOUT);
        let mut v4 = context_of(&TABLE_V4);
        // SAFETY: `_private` is NULL or a static table (the contract of
        // `usable`, and of `record` below).
        unsafe {
            assert_eq!(super::usable(none.as_mut_ptr()), None);
            assert_eq!(super::usable(wrong.as_mut_ptr()), None);
            assert_eq!(super::usable(v1.as_mut_ptr()), Some(false));
            assert_eq!(super::usable(other.as_mut_ptr()), Some(false));
            assert_eq!(super::usable(v4.as_mut_ptr()), Some(true));
        }
        // Nothing recorded yet (the unusable ones are not recorded).
        for ctx in [&mut none, &mut wrong] {
            // SAFETY: as above.
            unsafe { super::record(ctx.as_mut_ptr()) };
        }
        assert!(super::of(v4.as_mut_ptr()).is_none());
        assert!(super::recorded_fast().is_none());
        // SAFETY: as above.
        unsafe { super::record(v4.as_mut_ptr()) };
        let found = super::of(v4.as_mut_ptr()).expect("the recorded context");
        assert_eq!(found.tuple_items_offset, 32);
        assert_eq!(super::fast(v4.as_mut_ptr()).expect("version 4").version, 4);
        assert!(super::fast10(v4.as_mut_ptr()).is_none());
        assert!(super::recorded_fast().is_some());
        // Written once: a later load through another plain context changes
        // nothing (the process has one; its modules are served by the API).
        for ctx in [&mut v1, &mut other] {
            // SAFETY: as above.
            unsafe { super::record(ctx.as_mut_ptr()) };
            assert!(super::of(ctx.as_mut_ptr()).is_none());
            assert!(super::fast(ctx.as_mut_ptr()).is_none());
        }
        assert!(super::fast(v4.as_mut_ptr()).is_some());
        assert!(super::of(none.as_mut_ptr()).is_none());
        assert!(super::of(wrong.as_mut_ptr()).is_none());
    }

    #[test]
    fn version_10_is_used_only_with_counts_in_place_and_the_str_layout() {
        static V10: PlainContextExt = PlainContextExt {
            version: 10,
            ..TABLE_V4
        };
        static DEBUG_BUILD: PlainContextExt = PlainContextExt {
            refcount_in_place: 0,
            ..V10
        };
        // 3.11: counts without an immortal bit.
        static NO_IMMORTALS: PlainContextExt = PlainContextExt {
            refcount_in_place: 1,
            ..V10
        };
        static OTHER_STR: PlainContextExt = PlainContextExt {
            str_state_offset: 40,
            ..V10
        };
        let mut v4 = context_of(&TABLE_V4);
        let mut v10 = context_of(&V10);
        let mut debug = context_of(&DEBUG_BUILD);
        let mut other = context_of(&OTHER_STR);
        let mut old = context_of(&NO_IMMORTALS);
        // SAFETY: `_private` is a static table of version 4 or later with
        // `layout`'s object layout (`usable` takes each as fast).
        unsafe {
            assert!(!super::usable10(v4.as_mut_ptr()));
            assert!(super::usable10(v10.as_mut_ptr()));
            assert!(!super::usable10(debug.as_mut_ptr()));
            assert!(!super::usable10(other.as_mut_ptr()));
            assert!(!super::usable10(old.as_mut_ptr()));
        }
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
        dict_next: no_dict_next,
        list_sort: no_sort,
        refcount_in_place: 2,
        str_state_offset: super::layout::STR_STATE,
        str_compact_ascii_bits: super::layout::STR_COMPACT_ASCII as usize,
        str_ascii_data_offset: 40,
    };
}
