//! The runtime behind the macros: entry-point definitions and the wrapper
//! every entry runs in (`def`, `trampoline`), the class runtime (`class`),
//! argument parsing (`extract`), slots, dunders, buffers, derives, results
//! and module-init helpers. Crate-private: the rest of the crate uses it
//! directly, and macro expansions reach exactly what they name through the
//! hidden facade `hpy::impl_` (`src/impl_.rs`), which re-exports it.

pub mod buffer;

pub(crate) mod def;
pub mod depth;
pub mod derive;
pub mod dunders;
mod extract;
mod module;
pub(crate) mod result;
pub mod slots;
pub mod stubs;
mod submodule;
pub(crate) mod trampoline;

// What the files here name as `super::abi`.
use crate::abi;

pub use def::{
    meth_keywords, meth_noargs, meth_o, meth_varargs, slot_call, slot_mod_exec, Args, DefineList,
    Getter, GlobalList, MethArgs, MethNoArgs, MethO, ModExec, PyMethod, Setter, StaticDef,
    StaticModuleDef,
};
pub use extract::{
    cold, extract_optional, extract_or_default, extract_required, extract_self, present,
    FromKwargs, FunctionDescription, Parsed,
};
pub use module::{add_constant, global_ptr, register_global, set_trampoline_context};
pub use result::{return_object, return_status, IntoResult, IntoReturn};
pub use submodule::{add_submodules, concat_globals, HPySubmodule, SubmoduleDef, SubmoduleEntry};
pub use trampoline::{init_panic_exception, panics_as, SDK_GLOBALS};
