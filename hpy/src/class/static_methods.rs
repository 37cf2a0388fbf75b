//! Static and class methods (`#[staticmethod]`, `#[classmethod]`).
//!
//! HPy 0.9 has no `METH_STATIC`/`METH_CLASS`. A class's static and class
//! methods are the methods of a *companion* type (same name, no data),
//! created next to the class: the module binds them to the companion's one
//! instance and sets each on the class wrapped in the builtin
//! `staticmethod` or `classmethod`. The bound methods keep their own names
//! (`__qualname__` is `Class.name`), their text signatures (`$self` stands
//! for the companion and is dropped by `inspect`), and Python does the rest:
//! calls on the class or on an instance, inheritance, a subclass passed as
//! the class. A class method receives the class as its first positional
//! argument; the generated body takes it off ([`split_class`]) before
//! parsing the others.

use core::ffi::CStr;
use core::marker::PhantomData;
use core::ptr;

use hpy_sys::{HPyDef, HPyType_Spec};

use super::info::DefineLists;
use crate::runtime::{Args, StaticDef};
use crate::{Borrowed, HPyErr, HPyResult, Handle, IntoHPy};

/// Whether a companion method is set on the class as a `staticmethod` or a
/// `classmethod`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// `#[staticmethod]`.
    Static,
    /// `#[classmethod]`.
    Class,
    /// hpy-rs's own `__new__` ([`ClassLevel::constructor`]): set as
    /// `__new__`, a `staticmethod` (as Python makes a class's `__new__`).
    /// Its definition has another name: a companion method named
    /// `__new__` would be the companion's own constructor.
    Constructor,
}

/// A class's static and class methods: their definitions (methods of the
/// companion type) and how each is wrapped.
pub struct ClassLevel {
    defs: &'static [StaticDef],
    names: &'static [(&'static str, Kind)],
    /// The companion's define lists: as written, and with the methods' docs
    /// stripped of their `name(signature)\n--\n\n` headers.
    lists: DefineLists,
}

impl ClassLevel {
    /// The methods `defs` (in the order of `names`, which says how each is
    /// wrapped).
    pub const fn new(defs: &'static [StaticDef], names: &'static [(&'static str, Kind)]) -> Self {
        assert!(
            defs.len() == names.len(),
            "one name per class-level definition"
        );
        ClassLevel {
            defs,
            names,
            lists: DefineLists::new(),
        }
    }

    /// hpy-rs's own `__new__` (`defs` holds the one definition
    /// [`new_method`](super::new_method) makes), set on the type as a
    /// static method, as Python sets a class's `__new__`.
    pub const fn constructor(defs: &'static [StaticDef; 1]) -> Self {
        ClassLevel::new(defs, &[(super::new::NEW_METHOD_NAME, Kind::Constructor)])
    }

    fn defines(&self, strip_headers: bool) -> *mut *mut hpy_sys::HPyDef {
        self.lists.get(strip_headers, || {
            self.defs
                .iter()
                .map(|d| {
                    if strip_headers {
                        without_signature_header(d.as_ptr())
                    } else {
                        d.as_ptr()
                    }
                })
                .collect()
        })
    }
}

/// Sets the static and class methods of the class `info` describes on its
/// new type object `ty` (while the module creates it). `methods` comes from
/// one of the class's [`ClassItems`](super::ClassItems) tables, which only
/// the macros write.
pub(super) fn install(
    ty: &Handle<'_>,
    methods: &ClassLevel,
    info: &super::ClassInfo,
) -> HPyResult<()> {
    let ctx = ty.context();
    // Where method descriptors show a docstring's signature header as it
    // is (PyPy), the companion's docs go without it, as the class's do.
    let strip = crate::abi::host_has(crate::abi::Quirk::DocSignaturesUnread);
    let mut spec = HPyType_Spec {
        name: info.qualname.as_ptr(),
        basicsize: 0,
        itemsize: 0,
        flags: hpy_sys::HPy_TPFLAGS_DEFAULT,
        builtin_shape: hpy_sys::HPyType_BuiltinShape_Object,
        legacy_slots: ptr::null_mut(),
        defines: methods.defines(strip),
        doc: ptr::null(),
    };
    // On CPython the companion is a module type: `pydoc` and `inspect`
    // then treat the bound methods as plain functions (as they do a
    // module's), not as methods of some instance.
    let module_type = if pydoc_reads_self() {
        Some(
            ctx.builtin("__import__")?
                .call(&[&"types".into_hpy(ctx)?])?
                .get_attr_s("ModuleType")?,
        )
    } else {
        None
    };
    let mut params = module_type.as_ref().map(|base| {
        [
            hpy_sys::HPyType_SpecParam {
                kind: hpy_sys::HPyType_SpecParam_Base,
                object: base.as_raw(),
            },
            hpy_sys::HPyType_SpecParam {
                kind: 0,
                object: hpy_sys::HPy_NULL,
            },
        ]
    });
    let params_ptr = params.as_mut().map_or(ptr::null_mut(), |p| p.as_mut_ptr());
    // SAFETY: the spec and params are valid for the call (`module_type`
    // outlives it) and the definitions are statics (or leaked copies); the
    // result is an owned handle or NULL.
    let companion = unsafe {
        ctx.wrap_result(hpy_sys::HPyType_FromSpec(
            ctx.as_raw(),
            &mut spec,
            params_ptr,
        ))?
    };
    let instance = if module_type.is_some() {
        companion.call(&[&info.python_name().into_hpy(ctx)?])?
    } else {
        companion.call(&[])?
    };
    let wrappers = [ctx.builtin("staticmethod")?, ctx.builtin("classmethod")?];
    for &(name, kind) in methods.names {
        let bound = instance.get_attr_s(name)?;
        let wrapper = &wrappers[usize::from(kind == Kind::Class)];
        let attribute = if kind == Kind::Constructor {
            "__new__"
        } else {
            name
        };
        ty.set_attr_s(attribute, &wrapper.call(&[&bound])?)?;
    }
    Ok(())
}

/// Whether the interpreter shows text signatures (CPython), where `help()`
/// describes a builtin bound to an object other than a module as a method
/// of that object.
fn pydoc_reads_self() -> bool {
    !crate::abi::host_has(crate::abi::Quirk::DocSignaturesUnread)
}

/// Takes the class off the arguments of a class method (the first
/// positional one, which `classmethod` passes).
#[inline(always)]
pub fn split_class<'a, 'ctx>(
    args: Args<'a, 'ctx>,
    name: &str,
) -> HPyResult<(Borrowed<'a, 'ctx>, Args<'a, 'ctx>)> {
    if args.nargs == 0 {
        return Err(missing_class(name));
    }
    // SAFETY: `Args` holds the argument array HPy passed, valid for 'a:
    // `nargs > 0` positional handles, then the keyword values; dropping the
    // first positional one keeps that layout.
    unsafe {
        let cls = Borrowed::from_raw(args.ctx, *args.args);
        let rest = Args {
            ctx: args.ctx,
            args: args.args.add(1),
            nargs: args.nargs - 1,
            kwnames: args.kwnames,
            _borrow: PhantomData,
        };
        Ok((cls, rest))
    }
}

/// The class method called without a class (only possible by calling the
/// function behind the `classmethod` directly).
#[cold]
pub fn missing_class(name: &str) -> HPyErr {
    HPyErr::type_error(format!(
        "{name}() is a class method: it takes the class as its first argument"
    ))
}

/// `def`, or for a method whose doc starts with a `name(...)\n--\n\n`
/// signature header, a copy (leaked: it lives as long as the type may) whose
/// doc starts after it.
pub(crate) fn without_signature_header(def: *mut HPyDef) -> *mut HPyDef {
    // SAFETY: a valid static definition; the union member read is the one
    // `kind` selects, and a method's doc is NULL or a C string.
    unsafe {
        if (*def).kind != hpy_sys::HPyDef_Kind_Meth || (*def).u.meth.doc.is_null() {
            return def;
        }
        let doc = CStr::from_ptr((*def).u.meth.doc).to_bytes();
        let name = CStr::from_ptr((*def).u.meth.name).to_bytes();
        const END: &[u8] = b"\n--\n\n";
        if !doc.starts_with(name) || doc.get(name.len()) != Some(&b'(') {
            return def;
        }
        let Some(at) = doc.windows(END.len()).position(|w| w == END) else {
            return def;
        };
        let mut copy = *def;
        copy.u.meth.doc = (*def).u.meth.doc.add(at + END.len());
        Box::into_raw(Box::new(copy))
    }
}
