//! Interpreters in the universal ABI: which one is running, and the
//! module's state in each.

use super::*;

// The host decides whether a universal module may be loaded into several
// interpreters, and keeps a module's globals for it (`HPyGlobal`s are the
// host's): the extension's statics are its cells, in every interpreter.

/// The cell that stands for `home` in the running interpreter: `home`.
#[inline(always)]
pub(crate) fn global_cell(home: *mut HPyGlobal) -> Option<*mut HPyGlobal> {
    Some(home)
}

/// A new handle to the running interpreter's builtins dict on
/// hpy_rs_universal's plain context with an extension table of version 7
/// (whose `h_Builtins` is the main interpreter's); `None` elsewhere (the
/// context's `h_Builtins` is right: other hosts have one interpreter, and
/// this host's debug context gives each interpreter its own constant).
#[inline]
pub(crate) fn running_builtins(ctx: *mut HPyContext) -> Option<HPy> {
    let ext = plain_ext::of(ctx).filter(|ext| ext.version >= 7)?;
    // SAFETY: a call on the plain context whose table this is (version 7,
    // checked), with the GIL held (every call holds it).
    Some(unsafe { (ext.builtins)() })
}

/// Nothing to prepare at a module's exec in this ABI.
#[inline(always)]
pub(crate) fn module_exec_begins(_module: HPy) {}
