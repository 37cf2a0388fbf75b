//! The type object of a class: the static facts `#[hpy_class]` writes
//! ([`ClassInfo`]), creating the type from its spec and the class's
//! [`ClassItems`] tables ([`add_type`], the one spec builder), keeping it
//! and what was built for it for the running module ([`TypeSlot`]), and
//! creating a module's classes in any order ([`add_types`]).

use core::ffi::{c_int, c_ulong, CStr};
use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::ffi::CString;
use std::sync::OnceLock;

use hpy_sys::{
    HPyConstant, HPyDef, HPyGlobal, HPyType_BuiltinShape, HPyType_Spec, HPyType_SpecParam, HPy_NULL,
};

use super::items::{ClassItems, ClassMethods};
use crate::abi::properties;
use crate::abi::properties::PropertyMethods;
use crate::class::{ClassData, HPyClass};
use crate::runtime::StaticDef;
use crate::{Context, Global, HPyErr, HPyResult, Handle, IntoHPy};

/// The base class of a Rust class.
#[derive(Clone, Copy)]
pub enum Base {
    /// `object` (or the shape's builtin type).
    Default,
    /// A builtin type or other context constant (e.g. `FloatType`).
    Builtin(HPyConstant),
    /// Another Rust class (its type slot).
    Class(fn() -> &'static TypeSlot),
}

/// Static facts about a class, written by `#[hpy_class]`.
pub struct ClassInfo {
    /// `tp_name`: `"module.Name"` (or just `"Name"`).
    pub qualname: &'static CStr,
    /// The docstring.
    pub doc: Option<&'static CStr>,
    /// `HPy_TPFLAGS_*` (DEFAULT is always added).
    pub flags: c_ulong,
    /// The builtin shape (`Object`, `Float`, `List`, …).
    pub shape: HPyType_BuiltinShape,
    /// Base class.
    pub base: Base,
    /// Metaclass, if any.
    pub metaclass: Option<Base>,
    /// Size of the instance data: this class's `ClassData<T>` and, before
    /// it, its Rust ancestors' (`extends`).
    pub basicsize: usize,
    /// Where this class's `ClassData<T>` starts in the instance data: 0,
    /// or after the ancestors' blocks for a class that `extends` another.
    pub data_offset: usize,
}

impl ClassInfo {
    /// The class's own name: the last component of the qualified name.
    pub const fn python_name(&self) -> &'static str {
        let bytes = self.qualname.to_bytes();
        let mut start = bytes.len();
        while start > 0 && bytes[start - 1] != b'.' {
            start -= 1;
        }
        let (_, tail) = bytes.split_at(start);
        match core::str::from_utf8(tail) {
            Ok(s) => s,
            Err(_) => "?",
        }
    }
}

/// What the runtime keeps of a class for the running module: its type
/// object (a [`Global`] listed in the module definition, stored when the
/// module's exec creates the type), what the receiver checks need of its
/// layout, and its definition list and docstring, built once.
pub struct TypeSlot {
    pub(super) global: Global,
    /// The class's instance data size (`ClassInfo::basicsize`), once its
    /// type exists.
    data_size: AtomicUsize,
    /// `destroy_chain` of the class, once its type exists (null: the class
    /// has nothing to drop).
    destroy: AtomicPtr<()>,
    /// The definition list of the class (see [`TypeSlot::defines`]).
    defines: DefineLists,
    /// The docstring with its signature header (see `class_doc`).
    doc: OnceLock<CString>,
}

impl TypeSlot {
    /// An empty slot (for a `static`).
    pub const fn new() -> Self {
        TypeSlot {
            global: Global::new(),
            data_size: AtomicUsize::new(0),
            destroy: AtomicPtr::new(ptr::null_mut()),
            defines: DefineLists::new(),
            doc: OnceLock::new(),
        }
    }

    /// The pointer listed in `HPyModuleDef.globals`.
    pub const fn as_ptr(&self) -> *mut HPyGlobal {
        self.global.as_raw_ptr()
    }

    /// The type object, or a `SystemError` if the module that defines the
    /// class was not initialised (the class is not listed in `types:`).
    pub fn load<'ctx>(&self, ctx: Context<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
        match self.global.registered().then(|| self.global.load_unboxed(ctx)) {
            Some(Ok(Some(ty))) => Ok(ty),
            Some(Err(e)) => Err(e),
            _ => Err(HPyErr::system_error(format!(
                "class {name} is used before its module created it (is it listed in hpy_module!'s `types`?)"
            ))),
        }
    }

    /// Records what the receiver checks need to know of `T`, the class of
    /// this slot (see `abi`'s `class_tag`).
    fn remember_layout<T: HPyClass>(&self) {
        self.data_size.store(T::INFO.basicsize, Ordering::Relaxed);
        if T::NEEDS_DESTROY {
            let destroy: unsafe fn(*mut u8) = super::destroy_chain::<T>;
            self.destroy.store(destroy as *mut (), Ordering::Release);
        }
    }

    /// The instance data size of the class (0 before its type exists).
    #[cfg_attr(not(feature = "universal"), allow(dead_code))]
    pub(crate) fn data_size(&self) -> usize {
        self.data_size.load(Ordering::Relaxed)
    }

    /// How to drop an instance's values as this class's, if it has any.
    #[cfg_attr(not(feature = "universal"), allow(dead_code))]
    pub(crate) fn destroy(&self) -> Option<unsafe fn(*mut u8)> {
        let f = self.destroy.load(Ordering::Acquire);
        // SAFETY: only `remember_layout` stores here, a `destroy_chain`
        // instance cast to a data pointer (same size).
        (!f.is_null()).then(|| unsafe { core::mem::transmute::<*mut (), unsafe fn(*mut u8)>(f) })
    }

    fn store(&self, ty: &Handle<'_>) -> HPyResult<()> {
        // SAFETY: hpy_module! lists every class's slot in the module
        // definition (`HPyClass::TYPE_GLOBAL`).
        unsafe { self.global.mark_registered() };
        // Stored once per module load: a type check or a new instance then
        // loads the type with one HPy call on every host.
        self.global.store_unboxed(ty)
    }
}

impl Default for TypeSlot {
    fn default() -> Self {
        TypeSlot::new()
    }
}

/// `HPy_TPFLAGS_BASETYPE`: Python code may subclass the class.
pub const TPFLAGS_BASETYPE: c_ulong = hpy_sys::HPy_TPFLAGS_BASETYPE;

/// `HPy_TPFLAGS_HAVE_GC`: instances hold `Field`s the GC must see.
pub const TPFLAGS_HAVE_GC: c_ulong = hpy_sys::HPy_TPFLAGS_HAVE_GC;

/// `immutable_type`: hpy-rs's own flag (CPython's bit for the same,
/// `Py_TPFLAGS_IMMUTABLETYPE`), never given to HPy, which has no such
/// flag: the type is made immutable once complete (`create_type`).
pub const TPFLAGS_IMMUTABLETYPE: c_ulong = 1 << 8;

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
    let ty = create_type::<T>(ctx, info, T::type_slot(), T::items())?;
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

/// Creates a type object whose instances hold a `T` from `info` and the
/// tables `items`, and keeps it in `slot`: `T`'s own (`add_type`), or one
/// of its variant classes (an enum with data: `info` and `slot` are the
/// variant's, `items` its table), which `items`' `variants` list.
pub(super) fn create_type<'ctx, T: ClassMethods>(
    ctx: Context<'ctx>,
    info: &ClassInfo,
    slot: &'static TypeSlot,
    items: [&'static ClassItems; 2],
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
        defines: slot.defines::<T>(&items, !getsets_work),
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
        crate::abi::type_created::<T>(ctx.as_raw(), ty.as_raw(), slot.defines::<T>(&items, false))
    };
    slot.remember_layout::<T>();
    slot.store(&ty)?;
    // After `store`, so that a class attribute can be an instance.
    add_class_attributes::<T>(&ty, &items)?;
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
fn add_class_attributes<T: ClassMethods>(ty: &Handle<'_>, items: &[&ClassItems]) -> HPyResult<()> {
    for table in items {
        if !table.variants.is_empty() {
            super::data_enum::add_variant_types::<T>(ty, table.variants)?;
        }
        if let Some(methods) = table.class_level {
            super::static_methods::install::<T>(ty, methods)?;
        }
        if let Some(new) = table.new_method {
            if !super::new::interpreter_checks_new_class(ty.context()) {
                super::static_methods::install::<T>(ty, new)?;
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
        refuse_unknown_pickling(ty, T::INFO.qualname.to_str().unwrap_or("?"))?;
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

/// A definition list built once per kind of interpreter (`plain` or not,
/// see [`TypeSlot::defines`]): the null-terminated array HPy reads.
pub(crate) struct DefineLists([OnceLock<DefinePtrs>; 2]);

struct DefinePtrs(Box<[*mut HPyDef]>);

// SAFETY: the pointers refer to statics, or to copies leaked for the life
// of the process, that are only read (by HPy, under the interpreter lock);
// the list itself is immutable once built.
unsafe impl Send for DefinePtrs {}

// SAFETY: as above.
unsafe impl Sync for DefinePtrs {}

impl DefineLists {
    /// No list built yet (for a `static`).
    pub(crate) const fn new() -> Self {
        DefineLists([OnceLock::new(), OnceLock::new()])
    }

    /// The list of kind `variant`, built by `build` (without the final
    /// null) on first use.
    pub(crate) fn get(
        &self,
        variant: bool,
        build: impl FnOnce() -> Vec<*mut HPyDef>,
    ) -> *mut *mut HPyDef {
        let list = self.0[usize::from(variant)].get_or_init(|| {
            let mut list = build();
            list.push(ptr::null_mut());
            DefinePtrs(list.into_boxed_slice())
        });
        list.0.as_ptr().cast_mut()
    }
}

impl TypeSlot {
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
    fn defines<T: HPyClass>(
        &'static self,
        items: &[&'static ClassItems; 2],
        with_property_methods: bool,
    ) -> *mut *mut HPyDef {
        let [class, methods] = *items;
        self.defines.get(with_property_methods, || {
            let (needs_drop, has_fields) = (T::NEEDS_DESTROY, T::HAS_FIELDS);
            // Without drop glue, `tp_destroy` would have nothing to do:
            // leave it out and save the call on every deallocation. Without
            // `Field` slots, `tp_traverse` would have nothing to visit.
            let wanted = move |def: &&StaticDef| {
                (needs_drop || !is_slot(def, hpy_sys::HPy_tp_destroy))
                    && (has_fields || !is_slot(def, hpy_sys::HPy_tp_traverse))
                    && super::object_slots::wanted(def)
            };
            let no_new = no_constructor::<T>(items);
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
fn no_constructor<T: HPyClass>(items: &[&ClassItems]) -> Option<&'static StaticDef> {
    if items.iter().any(|t| t.defines_new) || T::INFO.shape != hpy_sys::HPyType_BuiltinShape_Object
    {
        return None;
    }
    let def = super::slot_new::<super::NoConstructor<T>>();
    Some(Box::leak(Box::new(StaticDef::new(def))))
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
