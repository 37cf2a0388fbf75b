//! Support code for the macros. **Not public API**: everything here may
//! change in any release. Macro expansions call into this module so they stay
//! small; their few `unsafe` blocks only call helpers here on facts the macro
//! established, each with its `/// SAFETY:` text.

pub mod buffer;
pub mod class;
mod def;
pub mod derive;
pub mod dunders;
mod extract;
mod module;
mod result;
pub mod slots;
pub(crate) mod trampoline;

use crate::abi;
#[allow(unused_imports)] // nothing in the universal ABI
pub use abi::expansion::*;
pub use abi::InternedName;
pub use def::{
    meth_keywords, meth_noargs, meth_o, meth_varargs, slot_call, slot_mod_exec, Args, DefineList,
    GlobalList, MethArgs, MethNoArgs, MethO, ModExec, PyMethod, StaticDef, StaticModuleDef,
};
pub use extract::{
    cold, extract_optional, extract_or_default, extract_required, extract_self, present,
    FromKwargs, FunctionDescription, Parsed, Slots,
};
pub use module::{add_constant, global_ptr, register_global, set_trampoline_context};
pub use result::{return_object, return_status, IntoResult, IntoReturn};
pub use trampoline::{
    catch_state_global, init_panic_exception, panics_as, signal_check_global, trampoline,
    PANIC_EXCEPTION,
};

pub use crate::__hpy_export_module as export_module;
pub use crate::err::exception::{
    add_exceptions, exception_type, exception_with_attributes, ExceptionDef, ExceptionEntry,
    ListedInModule,
};
pub use crate::types::dict::dict_set_item;
pub use hpy_sys::{
    cpy_PyObject, HPy, HPyContext, HPyDef, HPyField, HPyGlobal, HPyModuleDef, HPy_RichCmpOp,
    HPy_hash_t, HPy_ssize_t, HPY_ABI_VERSION, HPY_ABI_VERSION_MINOR,
};
