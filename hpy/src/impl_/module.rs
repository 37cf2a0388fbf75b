//! Module initialisation: the exported symbols of each ABI.

use hpy_sys::HPyContext;

#[cfg(feature = "universal")]
static TRAMPOLINE_CONTEXT: core::sync::atomic::AtomicPtr<HPyContext> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// Saves the context that CPython-convention trampolines hand to
/// `ctx_CallRealFunctionFromTrampoline` (`HPyInitGlobalContext_<name>`).
///
/// One extension binary holds one module, so one slot is enough; a debug-mode
/// load passes the debug context here.
///
/// # Safety
/// `ctx` must be the context the host passed to
/// `HPyInitGlobalContext_<name>`, valid as long as the module is loaded.
pub unsafe fn set_trampoline_context(ctx: *mut HPyContext) {
    super::trampoline::install_panic_hook();
    #[cfg(feature = "universal")]
    TRAMPOLINE_CONTEXT.store(ctx, core::sync::atomic::Ordering::Release);
    #[cfg(not(feature = "universal"))]
    let _ = ctx;
}

/// The context saved by [`set_trampoline_context`].
#[cfg(feature = "universal")]
#[inline(always)]
pub(crate) fn trampoline_context() -> *mut HPyContext {
    // Relaxed is enough: the store happens before the module exists, and the
    // module is published to other threads through the interpreter's locks.
    TRAMPOLINE_CONTEXT.load(core::sync::atomic::Ordering::Relaxed)
}

/// Universal-ABI CPython trampolines: HPy's `_HPy_CallRealFunctionFromTrampoline`
/// with the saved context, for `func` of signature `sig` and its argument
/// block `args`.
///
/// # Safety
/// `args` must be the argument block of `sig`, and `func` a function of
/// that signature.
#[cfg(feature = "universal")]
#[inline(always)]
pub(crate) unsafe fn call_real<A>(
    sig: hpy_sys::HPyFunc_Signature,
    func: hpy_sys::HPyCFunction,
    args: &mut A,
) {
    // SAFETY: the saved context is set by HPyInitGlobalContext_<name> before
    // any function of the module can be called; the block matches (contract).
    unsafe {
        hpy_sys::_HPy_CallRealFunctionFromTrampoline(
            trampoline_context(),
            sig,
            func,
            (args as *mut A).cast(),
        )
    }
}

/// `PyInit_<name>` for the CPython ABI: HPy's runtime turns the
/// `HPyModuleDef` into a multi-phase `PyModuleDef`.
///
/// # Safety
/// `def` must point to a valid, static `HPyModuleDef`.
#[cfg(not(feature = "universal"))]
pub unsafe fn cpython_module_init(def: *mut hpy_sys::HPyModuleDef) -> *mut hpy_sys::cpy_PyObject {
    crate::threads::install_error_discarding();
    super::trampoline::install_panic_hook();
    // SAFETY: forwarded from this function's contract; called by CPython
    // with the GIL held during import.
    unsafe { hpy_sys::cpython::runtime::_HPyModuleDef_AsPyInit(def) }
}

/// Emits the module's exported init symbols for the ABI `hpy` was built
/// with (used by `hpy_module!`, which names every symbol of both ABIs).
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_export_module {
    (
        name: $name:literal,
        def: $def:ident,
        cpython_init: $py_init:ident,
        universal_init: $hpy_init:ident,
        universal_context: $global_ctx:ident,
        universal_major: $major:ident,
        universal_minor: $minor:ident,
    ) => {
        $crate::__hpy_export_module_for_abi!(
            $def,
            $py_init,
            $hpy_init,
            $global_ctx,
            $major,
            $minor
        );
    };
}

/// CPython ABI: `PyInit_<name>` only.
#[cfg(not(feature = "universal"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_export_module_for_abi {
    ($def:ident, $py_init:ident, $hpy_init:ident, $global_ctx:ident, $major:ident, $minor:ident) => {
        /// CPython ABI entry point of the module.
        ///
        /// # Safety
        /// Called by CPython's import machinery only.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $py_init() -> *mut ::hpy::impl_::cpy_PyObject {
            // SAFETY: the definition is a static built by hpy_module!.
            unsafe { ::hpy::impl_::cpython_module_init($def.as_ptr()) }
        }
    };
}

/// Universal ABI: `HPyInit_<name>` and its companions.
#[cfg(feature = "universal")]
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_export_module_for_abi {
    ($def:ident, $py_init:ident, $hpy_init:ident, $global_ctx:ident, $major:ident, $minor:ident) => {
        /// The HPy ABI major version the module needs.
        #[unsafe(no_mangle)]
        pub extern "C" fn $major() -> u32 {
            ::hpy::impl_::HPY_ABI_VERSION as u32
        }

        /// The HPy ABI minor version the module needs.
        #[unsafe(no_mangle)]
        pub extern "C" fn $minor() -> u32 {
            ::hpy::impl_::HPY_ABI_VERSION_MINOR as u32
        }

        /// Receives the context CPython-convention trampolines use.
        ///
        /// # Safety
        /// Called by the HPy host only, with its global context.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $global_ctx(ctx: *mut ::hpy::impl_::HPyContext) {
            // SAFETY: forwarded.
            unsafe { ::hpy::impl_::set_trampoline_context(ctx) }
        }

        /// Universal ABI entry point: the module definition.
        #[unsafe(no_mangle)]
        pub extern "C" fn $hpy_init() -> *mut ::hpy::impl_::HPyModuleDef {
            $def.as_ptr()
        }
    };
}
