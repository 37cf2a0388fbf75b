//! The type object of a class: the static facts `#[hpy_class]` writes
//! ([`ClassInfo`]), creating the type from its spec and the class's
//! [`ClassItems`] tables ([`add_type`], the one spec builder), keeping it
//! and what was built for it for the running module ([`TypeSlot`]), and
//! creating a module's classes in any order ([`add_types`]).

use core::ffi::{c_int, CStr};
use core::ptr;
use core::sync::atomic::Ordering;
use std::ffi::CString;

use hpy_sys::{HPyDef, HPyType_Spec, HPyType_SpecParam, HPy_NULL};

use super::info::{Base, ClassInfo, TypeSlot, TPFLAGS_BASETYPE, TPFLAGS_IMMUTABLETYPE};
use super::items::{ClassItems, ClassMethods, Variant};
use super::static_methods::without_signature_header;
use crate::abi::properties;
use crate::abi::properties::PropertyMethods;
use crate::class::{ClassData, HPyClass};
use crate::runtime::StaticDef;
use crate::{Context, HPyErr, HPyResult, Handle, IntoHPy};

/// The type's docstring: with a constructor, `Name(signature)`, the `--`
/// line, then the doc comment (CPython's `__text_signature__`), made once
/// into `slot`; just the doc comment without one, or where the interpreter
/// would show the header as it is.
fn class_doc(
    info: &ClassInfo,
    slot: &'static TypeSlot,
    items: &[&ClassItems],
) -> Option<&'static CStr> {
    let Some(signature) = items.iter().find_map(|it| it.new_signature) else {
        return info.doc;
    };
    if crate::abi::host_has(crate::abi::Quirk::DocSignaturesUnread) {
        return info.doc;
    }
    let doc = slot.doc.get_or_init(|| {
        let name = info.python_name();
        let body = info
            .doc
            .map_or(std::borrow::Cow::Borrowed(""), CStr::to_string_lossy);
        let text = format!("{name}{signature}\n--\n\n{body}");
        // Neither part holds a NUL: the doc was a C string, the rest is
        // made of identifiers and literals.
        CString::new(text).unwrap_or_default()
    });
    Some(doc.as_c_str())
}

/// Creates the type object of `T` from its spec and its [`ClassItems`]
/// tables, keeps it in `T`'s type slot and, if `exported`, adds it to
/// `module` under its name (called from the module's exec).
pub fn add_type<T: ClassMethods>(
    ctx: Context<'_>,
    module: &Handle<'_>,
    exported: bool,
) -> HPyResult<()> {
    const {
        assert!(
            core::mem::align_of::<ClassData<T>>() <= 8,
            "hpy classes support data aligned to at most 8 bytes"
        )
    };
    let info = &T::INFO;
    let parts = ClassParts::of::<T>();
    let ty = create_type(ctx, info, T::type_slot(), T::items(), &parts)?;
    if !exported {
        // Kept alive by its type slot; its instances are made by Rust code.
        return Ok(());
    }
    let name = std::ffi::CString::new(info.python_name())
        .map_err(|_| HPyErr::value_error("class name with NUL"))?;
    // SAFETY: valid handles and a NUL-terminated name.
    ctx.wrap_status(unsafe {
        hpy_sys::HPy_SetAttr_s(ctx.as_raw(), module.as_raw(), name.as_ptr(), ty.as_raw())
    })
}

/// What creating the type objects of a class `T` needs of `T` beyond the
/// `ClassInfo` and the tables: values and function pointers, so that
/// [`create_type`] and what it calls are compiled once for every class,
/// not once per class (they run once per class and module, at import).
pub(super) struct ClassParts<'a> {
    /// `T::INFO` (the enum's, when a variant class is made).
    class: &'a ClassInfo,
    /// `T::type_slot`: the base of `T`'s variant classes.
    type_slot: fn() -> &'static TypeSlot,
    /// `T` has drop glue, or fields of its own (`HPyClass`).
    needs_destroy: bool,
    has_fields: bool,
    /// The refusing `tp_new` of `T`, for a class without a constructor.
    no_constructor: fn() -> HPyDef,
    /// `destroy_chain::<T>`.
    destroy: unsafe fn(*mut u8),
    /// `abi::type_created::<T>`, whose contract is its own.
    type_created: unsafe fn(*mut hpy_sys::HPyContext, hpy_sys::HPy, *mut *mut HPyDef),
}

impl ClassParts<'static> {
    fn of<T: ClassMethods>() -> ClassParts<'static> {
        ClassParts {
            class: &T::INFO,
            type_slot: T::type_slot,
            needs_destroy: T::NEEDS_DESTROY,
            has_fields: T::HAS_FIELDS,
            no_constructor: super::slot_new::<super::NoConstructor<T>>,
            destroy: super::destroy_chain::<T>,
            type_created: crate::abi::type_created::<T>,
        }
    }
}

/// Creates a type object whose instances hold the class's data (the class
/// `parts` describes) from `info` and the tables `items`, and keeps it in
/// `slot`: the class's own (`add_type`), or one of its variant classes (an
/// enum with data: `info` and `slot` are the variant's, `items` its table),
/// which `items`' `variants` list.
pub(super) fn create_type<'ctx>(
    ctx: Context<'ctx>,
    info: &ClassInfo,
    slot: &'static TypeSlot,
    items: [&'static ClassItems; 2],
    parts: &ClassParts<'_>,
) -> HPyResult<Handle<'ctx>> {
    let getsets_work = !crate::abi::host_has(crate::abi::Quirk::BrokenGetsets);
    let basicsize = c_int::try_from(info.basicsize).map_err(|_| {
        HPyErr::overflow_error(format!("class {} is too large", info.python_name()))
    })?;
    let mut spec = HPyType_Spec {
        name: info.qualname.as_ptr(),
        basicsize,
        itemsize: 0,
        flags: hpy_sys::HPy_TPFLAGS_DEFAULT | (info.flags & !TPFLAGS_IMMUTABLETYPE),
        builtin_shape: info.shape,
        legacy_slots: ptr::null_mut(),
        defines: slot.defines(&items, !getsets_work, parts),
        doc: class_doc(info, slot, &items).map_or(ptr::null(), CStr::as_ptr),
    };
    let mut keep = Vec::new();
    let mut params = Vec::new();
    let mut add_param = |kind, base: Base| -> HPyResult<()> {
        let h = match base {
            Base::Default => return Ok(()),
            Base::Builtin(c) => ctx.constant(c),
            Base::Class(slot) => slot().load(ctx, "base class")?,
        };
        params.push(HPyType_SpecParam {
            kind,
            object: h.as_raw(),
        });
        keep.push(h);
        Ok(())
    };
    add_param(hpy_sys::HPyType_SpecParam_Base, info.base)?;
    if let Some(meta) = info.metaclass {
        add_param(hpy_sys::HPyType_SpecParam_Metaclass, meta)?;
    }
    let params_ptr = if params.is_empty() {
        ptr::null_mut()
    } else {
        params.push(HPyType_SpecParam {
            kind: 0,
            object: HPy_NULL,
        });
        params.as_mut_ptr()
    };
    // SAFETY: the spec and params are valid for the call and the definitions
    // are statics; the result is an owned handle or NULL.
    let ty = unsafe {
        ctx.wrap_result(hpy_sys::HPyType_FromSpec(
            ctx.as_raw(),
            &mut spec,
            params_ptr,
        ))?
    };
    drop(keep);
    if !getsets_work {
        for table in items {
            properties::publish(&ty, table.properties)?;
        }
    }
    // SAFETY: `ty` was just created and has no instances yet; the defines
    // are the class's null-terminated list, kept for the process.
    unsafe {
        (parts.type_created)(
            ctx.as_raw(),
            ty.as_raw(),
            slot.defines(&items, false, parts),
        )
    };
    slot.remember_layout(parts);
    slot.store(&ty)?;
    // After `store`, so that a class attribute can be an instance.
    add_class_attributes(&ty, &items, parts)?;
    if info.flags & TPFLAGS_IMMUTABLETYPE != 0 {
        // Last: nothing can be set on the type after this.
        crate::abi::freeze_type(&ty)?;
    }
    Ok(ty)
}

/// Sets what the tables put on the new type object `ty`: each table's
/// static and class methods, hpy-rs's own `__new__` where the
/// interpreter's checks nothing, and class attributes, then `__hash__ = None`
/// where `__richcmp__` is defined without `__hash__` (as Python does for a
/// class defining `__eq__` only).
fn add_class_attributes(
    ty: &Handle<'_>,
    items: &[&ClassItems],
    parts: &ClassParts<'_>,
) -> HPyResult<()> {
    let info = parts.class;
    for table in items {
        if !table.variants.is_empty() {
            add_variant_types(ty, table.variants, parts)?;
        }
    }
    for table in items {
        if let Some(methods) = table.class_level {
            super::static_methods::install(ty, methods, info)?;
        }
        if let Some(new) = table.new_method {
            if !super::new::interpreter_checks_new_class(ty.context()) {
                super::static_methods::install(ty, new, info)?;
            }
        }
        if let Some(set) = table.class_attributes {
            set(ty)?;
        }
    }
    let richcmp = items.iter().any(|t| t.defines_richcmp);
    if richcmp && !items.iter().any(|t| t.defines_hash) {
        crate::runtime::dunders::unhashable(ty)?;
    }
    if crate::abi::host_has(crate::abi::Quirk::PicklesUnknownState) {
        refuse_unknown_pickling(ty, info.qualname.to_str().unwrap_or("?"))?;
    }
    Ok(())
}

/// Where the interpreter would pickle an instance of `ty` as an empty
/// object (`Quirk::PicklesUnknownState`) and `ty` has no pickling hook of
/// its own or inherited (`__reduce__`, `__reduce_ex__`, `__getstate__`,
/// `__getnewargs__`, `__getnewargs_ex__` from a class other than
/// `object`): gives it a `__getstate__` that refuses as CPython's default
/// does for an object larger than `object`, `TypeError("cannot pickle
/// 'module.Name' object")`, and that returns the instance `__dict__` (or
/// `None`) where the instance's class defines `__getnewargs__` or
/// `__getnewargs_ex__`, CPython's exception to the refusal.
fn refuse_unknown_pickling(ty: &Handle<'_>, tp_name: &str) -> HPyResult<()> {
    const SOURCE: &str = "\
def install(cls, tp_name):
    for hook in ('__reduce__', '__reduce_ex__', '__getstate__', '__getnewargs__',
                 '__getnewargs_ex__'):
        for k in cls.__mro__:
            if hook in k.__dict__:
                if k is not object:
                    return
                break

    def __getstate__(self):
        kind = type(self)
        if hasattr(kind, '__getnewargs_ex__') or hasattr(kind, '__getnewargs__'):
            return getattr(self, '__dict__', None) or None
        name = tp_name if kind is cls else kind.__name__
        raise TypeError(f'cannot pickle {name!r} object')

    cls.__getstate__ = __getstate__
";
    let ctx = ty.context();
    let globals = ctx.new_dict()?;
    globals.set_item_s("__builtins__", &ctx.builtins())?;
    ctx.compile(SOURCE, "<hpy-rs pickling refusal>", crate::SourceKind::File)?
        .eval(&globals, None)?;
    let name = tp_name.into_hpy(ctx)?;
    globals.get_item_s("install")?.call(&[ty, &name])?;
    Ok(())
}

impl TypeSlot {
    /// Records what the receiver checks need to know of `T`, the class of
    /// this slot (see `abi`'s `class_tag`).
    fn remember_layout(&self, parts: &ClassParts<'_>) {
        self.data_size
            .store(parts.class.basicsize, Ordering::Relaxed);
        if parts.needs_destroy {
            self.destroy
                .store(parts.destroy as *mut (), Ordering::Release);
        }
    }

    /// The null-terminated definition list of the class: its tables'
    /// definitions (the `#[hpy_methods]` block's first), a `tp_new`
    /// refusing to make instances where no table has one, built once per
    /// kind of interpreter.
    ///
    /// Where getset descriptors are broken (PyPy 7.3.19's layout,
    /// `with_property_methods`) the list starts with the hidden methods of
    /// the tables' properties, and methods get their docstrings without
    /// the `name(signature)\n--\n\n` header, which PyPy's method
    /// descriptors would show as it is.
    fn defines(
        &'static self,
        items: &[&'static ClassItems; 2],
        with_property_methods: bool,
        parts: &ClassParts<'_>,
    ) -> *mut *mut HPyDef {
        let [class, methods] = *items;
        self.defines.get(with_property_methods, || {
            let (needs_drop, has_fields) = (parts.needs_destroy, parts.has_fields);
            // Without drop glue, `tp_destroy` would have nothing to do:
            // leave it out and save the call on every deallocation. Without
            // `Field` slots, `tp_traverse` would have nothing to visit.
            let wanted = move |def: &&StaticDef| {
                (needs_drop || !is_slot(def, hpy_sys::HPy_tp_destroy))
                    && (has_fields || !is_slot(def, hpy_sys::HPy_tp_traverse))
                    && super::object_slots::wanted(def)
            };
            let no_new = no_constructor(items, parts);
            let defs = methods
                .defs
                .iter()
                .chain(class.defs)
                .chain(no_new)
                .filter(wanted);
            if !with_property_methods {
                return defs.map(StaticDef::as_ptr).collect();
            }
            let mut list: Vec<*mut HPyDef> = methods
                .properties
                .iter()
                .chain(class.properties)
                .flat_map(PropertyMethods::hidden_defs)
                .map(StaticDef::as_ptr)
                .collect();
            list.extend(defs.map(|d| without_signature_header(d.as_ptr())));
            list
        })
    }
}

/// The refusing `tp_new` (`NoConstructor`) of a class of the plain object
/// shape that no table gives a constructor, made once per list (leaked:
/// the type may live as long as the process). Builtin shapes inherit the
/// builtin's constructor; metaclasses may not have their own `tp_new`.
fn no_constructor(items: &[&ClassItems], parts: &ClassParts<'_>) -> Option<&'static StaticDef> {
    if items.iter().any(|t| t.defines_new)
        || parts.class.shape != hpy_sys::HPyType_BuiltinShape_Object
    {
        return None;
    }
    let def = (parts.no_constructor)();
    Some(Box::leak(Box::new(StaticDef::new(def))))
}

fn is_slot(def: &StaticDef, slot: hpy_sys::HPySlot_Slot) -> bool {
    // SAFETY: the definitions are statics, only read here (before HPy sees
    // them); the union member read is the one `kind` selects.
    unsafe {
        let def = &*def.as_ptr();
        def.kind == hpy_sys::HPyDef_Kind_Slot && def.u.slot.slot == slot
    }
}

/// One class of `hpy_module!`'s `types`.
pub struct TypeEntry {
    add: for<'ctx> fn(Context<'ctx>, &Handle<'ctx>, bool) -> HPyResult<()>,
    /// Whether the class becomes a module attribute (`#[unexported]`: no).
    exported: bool,
    /// Whether the Rust classes it derives from (`extends`, a Rust
    /// metaclass) exist yet.
    bases_ready: for<'ctx> fn(Context<'ctx>) -> bool,
}

impl TypeEntry {
    /// The entry of class `T`, a module attribute.
    pub const fn of<T: ClassMethods>() -> Self {
        TypeEntry {
            add: add_type::<T>,
            exported: true,
            bases_ready: bases_ready::<T>,
        }
    }

    /// The entry of class `T`, created but not a module attribute
    /// (`types: [#[unexported] T]`).
    pub const fn unexported<T: ClassMethods>() -> Self {
        TypeEntry {
            exported: false,
            ..TypeEntry::of::<T>()
        }
    }

    fn add<'ctx>(&self, ctx: Context<'ctx>, module: &Handle<'ctx>) -> HPyResult<()> {
        (self.add)(ctx, module, self.exported)
    }
}

fn bases_ready<T: HPyClass>(ctx: Context<'_>) -> bool {
    let info = &T::INFO;
    [Some(info.base), info.metaclass]
        .into_iter()
        .flatten()
        .all(|base| match base {
            Base::Class(slot) => is_ready(ctx, slot()),
            _ => true,
        })
}

fn is_ready(ctx: Context<'_>, slot: &TypeSlot) -> bool {
    slot.load(ctx, "").is_ok()
}

/// Creates the module's classes: each once the Rust classes it derives
/// from exist, so `types` may list them in any order. A base that is never
/// created (not listed) gets `add_type`'s error.
pub fn add_types<'ctx>(
    ctx: Context<'ctx>,
    module: &Handle<'ctx>,
    types: &[TypeEntry],
) -> HPyResult<()> {
    let mut pending: Vec<&TypeEntry> = types.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut i = 0;
        while i < pending.len() {
            if (pending[i].bases_ready)(ctx) {
                pending.remove(i).add(ctx, module)?;
            } else {
                i += 1;
            }
        }
        if pending.len() == before {
            // No progress: the first one reports its missing base.
            pending[0].add(ctx, module)?;
            pending.remove(0);
        }
    }
    Ok(())
}

/// Creates the variant classes of `T` below `ty`, its new type object:
/// each from its table by the spec builder, kept in its slot, given
/// `__qualname__` (`Shape.Circle`) and `__match_args__`, and set on `ty`
/// under the variant's name.
fn add_variant_types(
    ty: &Handle<'_>,
    variants: &'static [Variant],
    parts: &ClassParts<'_>,
) -> HPyResult<()> {
    let ctx = ty.context();
    let enum_info = parts.class;
    let enum_name = enum_info.python_name();
    for v in variants {
        let info = ClassInfo {
            qualname: v.qualname,
            doc: None,
            flags: enum_info.flags & !TPFLAGS_BASETYPE,
            shape: hpy_sys::HPyType_BuiltinShape_Object,
            base: Base::Class(parts.type_slot),
            metaclass: None,
            basicsize: enum_info.basicsize,
            data_offset: enum_info.data_offset,
        };
        let variant_ty = create_type(ctx, &info, v.slot, [v.items, &ClassItems::EMPTY], parts)?;
        variant_ty.set_attr_s(
            "__qualname__",
            &format!("{enum_name}.{}", v.name).into_hpy(ctx)?,
        )?;
        let names = v
            .fields
            .iter()
            .map(|f| f.into_hpy(ctx))
            .collect::<HPyResult<Vec<_>>>()?;
        let names: Vec<&Handle<'_>> = names.iter().collect();
        variant_ty.set_attr_s("__match_args__", &ctx.new_tuple(&names)?.into())?;
        ty.set_attr_s(v.name, &variant_ty)?;
    }
    Ok(())
}
