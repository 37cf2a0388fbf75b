//! The plain universal context: hpy-sys's CPython ABI as a function table
//! ([`hpy_sys::host::new_context`]), with the host's trampoline entry
//! ([`crate::call_real`]) and plain classes ([`crate::plain`]). Made once;
//! `load` hands it to modules loaded in the universal mode, and the debug
//! and trace contexts wrap it.

use std::sync::atomic::AtomicPtr;

use hpy_sys::host::UniversalContext;

/// The plain universal context, made once and never freed (every loaded
/// module keeps a pointer to it).
static UNIVERSAL: AtomicPtr<UniversalContext> = AtomicPtr::new(core::ptr::null_mut());

/// The plain universal context (made on first use, with the GIL held).
pub(crate) fn context() -> *mut UniversalContext {
    crate::interp::context_once(&UNIVERSAL, || {
        // SAFETY: called from Python with the GIL held, so the CPython-ABI
        // context (the source of the handle constants) can be built.
        let mut ctx = unsafe {
            // The name is a contract: hpy-rs's universal binaries call their
            // functions directly on the context of this name, whose handles
            // are the objects and whose `plain_call_real` converts nothing
            // (hpy's `abi/host.rs`): rename it if either changes. On this name
            // they also read `_private` as hpy-sys's `PlainContextExt`
            // (`plain::install` sets it).
            hpy_sys::host::new_context(
                c"HPy Universal ABI (hpy-rs host on CPython)".as_ptr(),
                crate::call_real::plain_call_real,
            )
        };
        crate::plain::install(&mut ctx);
        Box::into_raw(Box::new(ctx))
    })
}
