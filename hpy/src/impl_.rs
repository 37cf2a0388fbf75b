//! Support code for the macros. **Not public API**: everything here may
//! change in any release. This is the one path macro expansions name
//! (`$crate::impl_::…`, `::hpy::impl_::…`), and it holds exactly what they
//! name: re-exports of the crate's runtime (`src/runtime/`), of the ABI
//! layer's expansion items, and of the HPy types expansions spell out.
//! Nothing in the crate imports it (`tests/impl_audit.rs` checks both).
//! Expansions keep their few `unsafe` blocks to calls of helpers here on
//! facts the macro established, each with its `// SAFETY:` text.

#[allow(unused_imports)] // nothing in the universal ABI
pub use crate::abi::expansion::*;
pub use crate::abi::InternedName;
pub use crate::runtime::{
    add_constant, cold, extract_optional, extract_or_default, extract_required, extract_self,
    global_ptr, init_panic_exception, meth_keywords, meth_noargs, meth_o, meth_varargs, panics_as,
    present, register_global, return_object, return_status, set_trampoline_context, slot_call,
    slot_mod_exec, Args, DefineList, FromKwargs, FunctionDescription, GlobalList, IntoReturn,
    MethArgs, MethNoArgs, MethO, ModExec, Parsed, PyMethod, StaticDef, StaticModuleDef,
    SDK_GLOBALS,
};
pub use crate::runtime::{
    add_submodules, concat_globals, HPySubmodule, SubmoduleDef, SubmoduleEntry,
};
/// What `#[hpy_class]` and `#[hpy_methods]` expansions call, with the public
/// class items they also name.
pub mod class {
    pub use crate::class::*;
}
pub use crate::runtime::{buffer, derive, dunders, slots, stubs};

pub use crate::__hpy_export_module as export_module;
pub use crate::__hpy_export_stubs as export_stubs;
pub use crate::err::exception::{
    add_exceptions, exception_type, exception_with_attributes, ExceptionDef, ExceptionEntry,
    ListedInModule,
};
pub use crate::types::dict::dict_set_item;
pub use hpy_sys::{
    cpy_PyObject, HPy, HPyContext, HPyDef, HPyField, HPyGlobal, HPyModuleDef, HPy_RichCmpOp,
    HPy_hash_t, HPy_ssize_t, HPY_ABI_VERSION, HPY_ABI_VERSION_MINOR,
};
