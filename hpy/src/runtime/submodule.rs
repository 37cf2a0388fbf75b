//! Submodules: `hpy_submodule!` declares one, a module's (or another
//! submodule's) `submodules:` lists it, and the parent's exec creates it.
//!
//! HPy 0.9 makes function objects only from a module's definition (once,
//! for the one module a binary exports) or from a type's methods, so a
//! submodule is the one instance of a *companion* type: a subclass of
//! `module` whose methods are the submodule's functions. The instance is a
//! real module object (`__name__` is the parent's `__name__` and the
//! submodule's name, dotted); each function is bound to it and stored in
//! its `__dict__`, so that it is found, listed by `dir()` and star-imported
//! as a module's own function is, with the module as `__self__` and a
//! plain `__qualname__`. Then come the submodule's classes, exceptions,
//! constants, nested submodules and its `exec` hook, all as a module's.
//!
//! Unless declared with `register: false`, the submodule is also put in
//! `sys.modules` under its dotted name, so that `import pkg.sub` and
//! `from pkg.sub import f` find it (and `pickle` finds its functions).

use core::ffi::CStr;
use core::ptr;
use std::ffi::CString;
use std::sync::OnceLock;

use hpy_sys::{HPyGlobal, HPyType_Spec};

use crate::class::{without_signature_header, DefineLists};
use crate::runtime::StaticDef;
use crate::{Context, HPyResult, Handle, IntoHPy};

/// What `hpy_submodule!` declares: the submodule's name, docstring,
/// functions and whether it goes into `sys.modules`.
pub struct SubmoduleDef {
    name: &'static CStr,
    doc: Option<&'static str>,
    functions: &'static [StaticDef],
    register: bool,
    /// The companion type's define lists: as written, and with the
    /// functions' docs stripped of their signature headers.
    lists: DefineLists,
    /// The companion type's name, the submodule's dotted name as it was
    /// first made (a type keeps its spec's name on CPython 3.11).
    type_name: OnceLock<CString>,
}

impl SubmoduleDef {
    /// The submodule `name` (its last dotted part) with its functions'
    /// definitions (each a `PyMethod::DEF`).
    pub const fn new(
        name: &'static CStr,
        doc: Option<&'static str>,
        functions: &'static [StaticDef],
        register: bool,
    ) -> Self {
        SubmoduleDef {
            name,
            doc,
            functions,
            register,
            lists: DefineLists::new(),
            type_name: OnceLock::new(),
        }
    }

    fn name(&self) -> &'static str {
        // Written by the macro from an identifier: UTF-8.
        self.name.to_str().unwrap_or("submodule")
    }

    /// `full_name` as a C string that lives as long as the types named
    /// by it: kept for the first name, leaked for another (a binary
    /// imported under a second name).
    fn type_name(&self, full_name: &str) -> HPyResult<&CStr> {
        let to_c = || {
            CString::new(full_name)
                .map_err(|_| crate::HPyErr::value_error("a module name holds a NUL"))
        };
        if let Some(name) = self.type_name.get() {
            if name.to_bytes() == full_name.as_bytes() {
                return Ok(name);
            }
            return Ok(Box::leak(to_c()?.into_boxed_c_str()));
        }
        let name = to_c()?;
        Ok(self.type_name.get_or_init(|| name))
    }

    /// The module object `full_name`, its functions bound to it.
    fn create<'ctx>(&self, ctx: Context<'ctx>, full_name: &str) -> HPyResult<Handle<'ctx>> {
        // Where a builtin's docstring keeps its signature header as it is
        // (PyPy), the functions get their doc comment alone, as a
        // module's functions do there.
        let strip = crate::abi::host_has(crate::abi::Quirk::DocSignaturesUnread);
        let defines = self.lists.get(strip, || {
            self.functions
                .iter()
                .map(|d| {
                    if strip {
                        without_signature_header(d.as_ptr())
                    } else {
                        d.as_ptr()
                    }
                })
                .collect()
        });
        let module_type = ctx.import_module("types")?.get_attr_s("ModuleType")?;
        let type_name = self.type_name(full_name)?;
        let mut spec = HPyType_Spec {
            name: type_name.as_ptr(),
            basicsize: 0,
            itemsize: 0,
            flags: hpy_sys::HPy_TPFLAGS_DEFAULT,
            builtin_shape: hpy_sys::HPyType_BuiltinShape_Object,
            legacy_slots: ptr::null_mut(),
            defines,
            doc: ptr::null(),
        };
        let mut params = [
            hpy_sys::HPyType_SpecParam {
                kind: hpy_sys::HPyType_SpecParam_Base,
                object: module_type.as_raw(),
            },
            hpy_sys::HPyType_SpecParam {
                kind: 0,
                object: hpy_sys::HPy_NULL,
            },
        ];
        // SAFETY: the spec and params are valid for the call (`module_type`
        // outlives it); the definitions are statics (or leaked copies) that
        // live as long as the type may; the result is an owned handle or
        // NULL with an exception set.
        let companion = unsafe {
            ctx.wrap_result(hpy_sys::HPyType_FromSpec(
                ctx.as_raw(),
                &mut spec,
                params.as_mut_ptr(),
            ))?
        };
        let doc = match self.doc {
            Some(doc) => doc.into_hpy(ctx)?,
            None => ctx.none(),
        };
        let module = companion.call(&[&full_name.into_hpy(ctx)?, &doc])?;
        let module_name = full_name.into_hpy(ctx)?;
        for def in self.functions {
            // SAFETY: a static method definition (`PyMethod::DEF`, which the
            // macro names); its name is a C string.
            let name = unsafe { CStr::from_ptr((*def.as_ptr()).u.meth.name) };
            let name = name.to_str().unwrap_or_default();
            let function = module.get_attr_s(name)?;
            // A module's function names its module (`pickle` looks it up
            // there); a bound method names none. Where a bound method
            // keeps no `__module__` (PyPy binds a Python method object
            // over a method descriptor, neither of which takes one), the
            // function reads its `__self__`'s instead: no error.
            let _ = function.set_attr_s("__module__", &module_name);
            module.set_attr_s(name, &function)?;
        }
        Ok(module)
    }
}

/// A submodule declared by `hpy_submodule!`, which is the only safe way to
/// implement it: listed in a parent's `submodules:`.
///
/// # Safety
/// [`GLOBALS`](Self::GLOBALS) lists every `HPyGlobal` that
/// [`fill`](Self::fill) registers (its classes' and exceptions' slots,
/// and those of its own submodules): the top module's definition lists
/// them, which is what makes their use sound.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a submodule",
    label = "not declared with `hpy_submodule!`",
    note = "a `submodules:` entry is the name of an `hpy_submodule! {{ name: ..., }}`"
)]
pub unsafe trait HPySubmodule {
    /// The `HPyGlobal`s the submodule's items use.
    const GLOBALS: &'static [*mut HPyGlobal];
    /// The submodule's definition.
    fn def() -> &'static SubmoduleDef;
    /// Adds the submodule's classes, exceptions, constants and submodules
    /// to `module`, then runs its `exec` hook.
    fn fill<'ctx>(ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()>;
}

/// One entry of `submodules: [...]`.
pub struct SubmoduleEntry {
    add: for<'ctx> fn(Context<'ctx>, &Handle<'ctx>) -> HPyResult<()>,
}

impl SubmoduleEntry {
    /// The entry of submodule `S`.
    pub const fn of<S: HPySubmodule>() -> Self {
        SubmoduleEntry {
            add: add_submodule::<S>,
        }
    }
}

/// Creates each submodule of `entries` below `parent` (called from the
/// parent's exec).
pub fn add_submodules<'ctx>(
    ctx: Context<'ctx>,
    parent: &Handle<'ctx>,
    entries: &[SubmoduleEntry],
) -> HPyResult<()> {
    entries
        .iter()
        .try_for_each(|entry| (entry.add)(ctx, parent))
}

fn add_submodule<'ctx, S: HPySubmodule>(
    ctx: Context<'ctx>,
    parent: &Handle<'ctx>,
) -> HPyResult<()> {
    let def = S::def();
    let parent_name: String = parent.get_attr_s("__name__")?.extract()?;
    let name = def.name();
    let full_name = format!("{parent_name}.{name}");
    let module = def.create(ctx, &full_name)?;
    S::fill(ctx, &module)?;
    parent.set_attr_s(name, &module)?;
    if def.register {
        ctx.import_module("sys")?
            .get_attr_s("modules")?
            .set_item_s(&full_name, &module)?;
    }
    Ok(())
}

/// The `HPyGlobal`s of a submodule: `fixed` (its exceptions' and classes'),
/// then each slice of `more` (its classes' variant classes', its
/// submodules'); `N` is their total count.
pub const fn concat_globals<const N: usize, const F: usize>(
    fixed: [*mut HPyGlobal; F],
    more: &[&[*mut HPyGlobal]],
) -> [*mut HPyGlobal; N] {
    let (globals, n) = super::def::globals_in_order::<N, F>(fixed, more);
    assert!(n == N, "a submodule's global list has room for its globals");
    globals
}
