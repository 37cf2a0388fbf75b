//! Threads started by the extension in the universal ABI: attaching them
//! to the interpreter and detaching them again.

use super::*;

/// How a thread the extension started attaches to the interpreter: HPy 0.9
/// has no way, so only a host that offers one (`hpy_rs_universal`'s
/// [`hpy_sys::HostThreadApi`]) can.
#[derive(Clone, Copy)]
pub struct ThreadAttach(&'static hpy_sys::HostThreadApi);

/// The host's way to attach a thread, or `NotImplementedError` naming why
/// there is none.
pub fn thread_attach(ctx: Context<'_>) -> HPyResult<ThreadAttach> {
    if host_profile().has(Quirk::NoThreadAttach) {
        // SAFETY: a live context's `name` is a NUL-terminated static string.
        let name = unsafe { core::ffi::CStr::from_ptr((*ctx.as_raw()).name) };
        let name = name.to_string_lossy();
        return Err(crate::HPyErr::new(
            hpy_sys::HPyConstant::NotImplementedError,
            format!(
                "calling Python from a thread the extension started needs a way to attach that \
             thread to the interpreter, which HPy 0.9 does not have; the CPython ABI and \
             hpy-rs's host hpy_rs_universal provide one, this module runs on \"{name}\""
            ),
        ));
    }
    let capsule = ctx
        .import_module("hpy_rs_universal")?
        .get_attr_s("_thread_api")?
        .downcast::<crate::Capsule<'_>>()
        .map_err(|_| {
            crate::HPyErr::system_error("hpy_rs_universal._thread_api is not a capsule")
        })?;
    let ptr = capsule.pointer(hpy_sys::HOST_THREAD_API_NAME)?;
    // SAFETY: a capsule of that name holds a pointer to the host's static
    // `HostThreadApi`, valid for the whole process.
    let api: &'static hpy_sys::HostThreadApi = unsafe { &*ptr.cast_const().cast() };
    if api.version != hpy_sys::HOST_THREAD_API_VERSION {
        return Err(crate::HPyErr::system_error(
            "hpy_rs_universal's thread API has another version than this extension expects",
        ));
    }
    Ok(ThreadAttach(api))
}

impl ThreadAttach {
    /// The context a thread started during the call with context `caller`
    /// uses: the module's global context (the one its load passed to
    /// `HPyInitGlobalContext_<name>`), valid in every call on every thread;
    /// a debug host rejects another call's context.
    pub fn thread_context(self, caller: *mut HPyContext) -> *mut HPyContext {
        let global = saved_context();
        if global.is_null() {
            caller
        } else {
            global
        }
    }

    /// Attaches the calling thread and takes the GIL.
    ///
    /// # Safety
    /// The interpreter is initialised; undone by one [`Self::release`] on
    /// the same thread.
    pub unsafe fn ensure(self) -> core::ffi::c_int {
        // SAFETY: per the contract.
        unsafe { (self.0.ensure)() }
    }

    /// Undoes one [`Self::ensure`].
    ///
    /// # Safety
    /// `state` came from `ensure` on this thread.
    pub unsafe fn release(self, state: core::ffi::c_int) {
        // SAFETY: per the contract.
        unsafe { (self.0.release)(state) }
    }
}
