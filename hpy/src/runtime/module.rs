//! Module initialisation: the exported symbols (each ABI's
//! `__hpy_export_module_for_abi` is in its file of `abi/`).

use hpy_sys::{HPyContext, HPyGlobal};

use crate::Global;

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
    crate::err::panic::install_panic_hook(super::abi::report_panic);
    // SAFETY: forwarded from this function's contract.
    unsafe { super::abi::save_trampoline_context(ctx) };
}

/// The pointer `hpy_module!` lists in `HPyModuleDef.globals` for an entry
/// of its `globals:`. Takes a `&'static Global` so that anything else there
/// is a type error at the entry.
#[inline(always)]
pub const fn global_ptr(global: &'static Global) -> *mut HPyGlobal {
    global.as_raw_ptr()
}

/// Marks an entry of `globals:` as known to HPy (from the module's exec).
///
/// # Safety
/// The module definition being executed must list `global` (through
/// [`global_ptr`]); `store`/`load` then hand it to HPy.
#[inline(always)]
pub unsafe fn register_global(global: &'static Global) {
    // SAFETY: forwarded from this function's contract.
    unsafe { global.mark_registered() }
}

/// Emits the module's exported init symbols for the ABI `hpy` was built
/// with (used by `hpy_module!`, which names every symbol of both ABIs).
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_export_module {
    (
        name: $name:literal,
        def: $def:ident,
        per_interpreter_gil: $per_interpreter_gil:literal,
        cpython_init: $py_init:ident,
        universal_init: $hpy_init:ident,
        universal_context: $global_ctx:ident,
        universal_major: $major:ident,
        universal_minor: $minor:ident,
        universal_subinterpreters: $subinterpreters:ident,
    ) => {
        $crate::__hpy_export_module_for_abi!(
            $def,
            $per_interpreter_gil,
            $py_init,
            $hpy_init,
            $global_ctx,
            $major,
            $minor,
            $subinterpreters
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
