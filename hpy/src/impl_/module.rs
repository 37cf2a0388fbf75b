//! Module initialisation: the exported symbols (each ABI's
//! `__hpy_export_module_for_abi` is in its file of `abi/`).

use hpy_sys::HPyContext;

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
    super::abi::save_trampoline_context(ctx);
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

/// Sets the module attribute `name` to `value` converted with `IntoHPy`
/// (a `constants:` entry of `hpy_module!`).
pub fn add_constant<'ctx, T: crate::IntoHPy<'ctx>>(
    ctx: crate::Context<'ctx>,
    module: &crate::Handle<'ctx>,
    name: &str,
    value: T,
) -> crate::HPyResult<()> {
    module.set_attr_s(name, &value.into_hpy(ctx)?)
}
