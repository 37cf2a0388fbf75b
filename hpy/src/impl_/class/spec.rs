//! The type object of a class: the static facts `#[hpy_class]` writes
//! ([`ClassInfo`]), the definitions list ([`ClassMethods`],
//! [`DefineCache`]), creating the type from its spec ([`add_type`]) and
//! keeping it for the running module ([`TypeSlot`]).

use core::cell::UnsafeCell;
use core::ffi::{c_int, c_ulong, CStr};
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

use hpy_sys::{
    HPyConstant, HPyDef, HPyGlobal, HPyType_BuiltinShape, HPyType_Spec, HPyType_SpecParam, HPy_NULL,
};

use crate::abi::properties;
use crate::abi::properties::PropertyMethods;
use crate::class::{ClassData, HPyClass};
use crate::impl_::StaticDef;
use crate::{Context, HPyErr, HPyResult, Handle};

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

/// The type object of a class for the running module (an `HPyGlobal` listed
/// in the module definition, set when the module's exec creates the type).
pub struct TypeSlot {
    pub(super) global: UnsafeCell<HPyGlobal>,
    pub(super) ready: AtomicBool,
    /// The class's instance data size (`ClassInfo::basicsize`), once its
    /// type exists.
    data_size: AtomicUsize,
    /// `destroy_chain` of the class, once its type exists (null: the class
    /// has nothing to drop).
    destroy: AtomicPtr<()>,
}

// SAFETY: the global is written by HPy during module exec and read under
// the interpreter lock; `ready` orders the two.
unsafe impl Sync for TypeSlot {}

impl TypeSlot {
    /// An empty slot (for a `static`).
    pub const fn new() -> Self {
        TypeSlot {
            global: UnsafeCell::new(HPyGlobal { _i: 0 }),
            ready: AtomicBool::new(false),
            data_size: AtomicUsize::new(0),
            destroy: AtomicPtr::new(ptr::null_mut()),
        }
    }

    /// The pointer listed in `HPyModuleDef.globals`.
    pub const fn as_ptr(&self) -> *mut HPyGlobal {
        self.global.get()
    }

    /// The type object, or a `SystemError` if the module that defines the
    /// class was not initialised (the class is not listed in `types:`).
    pub fn load<'ctx>(&self, ctx: Context<'ctx>, name: &str) -> HPyResult<Handle<'ctx>> {
        if !self.ready.load(Ordering::Acquire) {
            return Err(HPyErr::system_error(format!(
                "class {name} is used before its module created it (is it listed in hpy_module!'s `types`?)"
            )));
        }
        // SAFETY: the global was stored by `store` below; the result is a new
        // owned handle.
        unsafe { ctx.wrap_result(hpy_sys::HPyGlobal_Load(ctx.as_raw(), *self.global.get())) }
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

    fn store(&self, ty: &Handle<'_>) {
        // SAFETY: the global is registered in the module definition (hpy_module!
        // lists every class's slot) and written under the interpreter lock.
        unsafe { hpy_sys::HPyGlobal_Store(ty.context().as_raw(), self.global.get(), ty.as_raw()) };
        self.ready.store(true, Ordering::Release);
    }
}

impl Default for TypeSlot {
    fn default() -> Self {
        TypeSlot::new()
    }
}

/// The `HPyDef` list of a class, written by `#[hpy_methods]`.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an hpy class",
    label = "not an `#[hpy_class]` struct",
    note = "declare the struct with `#[hpy::hpy_class]` (an `#[hpy::hpy_methods] impl` block, \
            optional, adds its methods)"
)]
pub unsafe trait ClassMethods: HPyClass {
    /// The NULL-terminated definitions (methods, slots, getsets, members);
    /// `with_property_methods` adds the hidden methods of
    /// [`properties`](Self::properties) (for interpreters whose getset
    /// descriptors are broken, `Quirk::BrokenGetsets`).
    fn defines(with_property_methods: bool) -> *mut *mut HPyDef;

    /// The class's `#[getter]` properties as hidden methods.
    fn properties() -> &'static [PropertyMethods] {
        &[]
    }

    /// Sets the `#[classattr]` attributes on the new type object.
    fn class_attributes<'ctx>(_ty: &Handle<'ctx>) -> HPyResult<()> {
        Ok(())
    }

    /// The type's docstring: the class's doc comment behind a
    /// `Name(signature)\n--\n\n` header made from the constructor's
    /// parameters (CPython's `__text_signature__`).
    fn doc(_ctx: Context<'_>) -> Option<&'static CStr> {
        Self::INFO.doc
    }
}

/// `HPy_TPFLAGS_BASETYPE`: Python code may subclass the class.
pub const TPFLAGS_BASETYPE: c_ulong = hpy_sys::HPy_TPFLAGS_BASETYPE;

/// `HPy_TPFLAGS_HAVE_GC`: instances hold `Field`s the GC must see.
pub const TPFLAGS_HAVE_GC: c_ulong = hpy_sys::HPy_TPFLAGS_HAVE_GC;

/// [`ClassMethods::doc`] of a class with a constructor: `Name(signature)`,
/// the `--` line, then the doc comment; made once into `cache`. Just the
/// doc comment where the interpreter would show the header as it is
/// (`Quirk::DocSignaturesUnread`). `_ctx`: the module exec's context.
pub fn class_doc<T: HPyClass>(
    _ctx: Context<'_>,
    cache: &'static std::sync::OnceLock<std::ffi::CString>,
    signature: &str,
) -> Option<&'static CStr> {
    if crate::abi::host_has(crate::abi::Quirk::DocSignaturesUnread) {
        return T::INFO.doc;
    }
    let doc = cache.get_or_init(|| {
        let name = T::INFO.python_name();
        let body = T::INFO
            .doc
            .map_or(std::borrow::Cow::Borrowed(""), CStr::to_string_lossy);
        let text = format!("{name}{signature}\n--\n\n{body}");
        // Neither part holds a NUL: the doc was a C string, the rest is
        // made of identifiers and literals.
        std::ffi::CString::new(text).unwrap_or_default()
    });
    Some(doc.as_c_str())
}

/// Creates the type object of `T`, keeps it in `T`'s type slot and adds it
/// to `module` under its name (called from the module's exec).
pub fn add_type<T: ClassMethods>(ctx: Context<'_>, module: &Handle<'_>) -> HPyResult<()> {
    const {
        assert!(
            core::mem::align_of::<ClassData<T>>() <= 8,
            "hpy classes support data aligned to at most 8 bytes"
        )
    };
    let info = &T::INFO;
    let getsets_work = !crate::abi::host_has(crate::abi::Quirk::BrokenGetsets);
    let basicsize = c_int::try_from(info.basicsize).map_err(|_| {
        HPyErr::overflow_error(format!("class {} is too large", info.python_name()))
    })?;
    let mut spec = HPyType_Spec {
        name: info.qualname.as_ptr(),
        basicsize,
        itemsize: 0,
        flags: hpy_sys::HPy_TPFLAGS_DEFAULT | info.flags,
        builtin_shape: info.shape,
        legacy_slots: ptr::null_mut(),
        defines: T::defines(!getsets_work),
        doc: T::doc(ctx).map_or(ptr::null(), CStr::as_ptr),
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
        properties::publish(&ty, T::member_properties())?;
        properties::publish(&ty, T::properties())?;
    }
    // SAFETY: `ty` was just created and has no instances yet; the defines
    // are the class's static, null-terminated array.
    unsafe { crate::abi::type_created(ctx.as_raw(), ty.as_raw(), T::defines(false)) };
    T::type_slot().remember_layout::<T>();
    T::type_slot().store(&ty);
    // After `store`, so that a class attribute can be an instance.
    T::class_values(&ty)?;
    T::class_attributes(&ty)?;
    let name = std::ffi::CString::new(info.python_name())
        .map_err(|_| HPyErr::value_error("class name with NUL"))?;
    // SAFETY: valid handles and a NUL-terminated name.
    ctx.wrap_status(unsafe {
        hpy_sys::HPy_SetAttr_s(ctx.as_raw(), module.as_raw(), name.as_ptr(), ty.as_raw())
    })
}

/// The NULL-terminated definition list of a class: its methods and slots
/// (from `#[hpy_methods]`) and its members, `tp_destroy` and `tp_traverse`
/// (from `#[hpy_class]`), built once per kind of interpreter.
///
/// Where getset descriptors are broken (PyPy 7.3.19's layout) the list
/// starts with the hidden methods of the class's properties, and methods
/// get their docstrings without the `name(signature)\n--\n\n` header,
/// which PyPy's method descriptors would show as it is.
pub struct DefineCache {
    plain: std::sync::OnceLock<DefinePtrs>,
    with_property_methods: std::sync::OnceLock<DefinePtrs>,
}

struct DefinePtrs(Box<[*mut HPyDef]>);

// SAFETY: the pointers refer to statics, or to copies leaked for the life
// of the process, that are only read (by HPy, under the interpreter lock);
// the list itself is immutable once built.
unsafe impl Send for DefinePtrs {}

// SAFETY: as above.
unsafe impl Sync for DefinePtrs {}

impl DefineCache {
    /// An empty cache (for a `static`).
    pub const fn new() -> Self {
        DefineCache {
            plain: std::sync::OnceLock::new(),
            with_property_methods: std::sync::OnceLock::new(),
        }
    }

    /// The list, built on first use; with `with_property_methods`, also the
    /// hidden methods of `properties`, and method docs without a signature
    /// header.
    pub fn get<T: HPyClass>(
        &self,
        methods: &'static [StaticDef],
        extra: Option<&'static StaticDef>,
        properties: &'static [PropertyMethods],
        with_property_methods: bool,
    ) -> *mut *mut HPyDef {
        let class = T::class_defs();
        let (needs_drop, has_fields) = (T::NEEDS_DESTROY, T::HAS_FIELDS);
        // Without drop glue, `tp_destroy` would have nothing to do: leave
        // it out and save the call on every deallocation. Without `Field`
        // slots, `tp_traverse` would have nothing to visit.
        let wanted = move |def: &&StaticDef| {
            (needs_drop || !is_slot(def, hpy_sys::HPy_tp_destroy))
                && (has_fields || !is_slot(def, hpy_sys::HPy_tp_traverse))
                && super::object_slots::wanted(def)
        };
        let defs = methods.iter().chain(class).chain(extra).filter(wanted);
        let list = if with_property_methods {
            self.with_property_methods.get_or_init(|| {
                let mut list: Vec<*mut HPyDef> = properties
                    .iter()
                    .chain(T::member_properties())
                    .flat_map(PropertyMethods::hidden_defs)
                    .map(StaticDef::as_ptr)
                    .collect();
                list.extend(defs.map(|d| without_signature_header(d.as_ptr())));
                list.push(ptr::null_mut());
                DefinePtrs(list.into_boxed_slice())
            })
        } else {
            self.plain.get_or_init(|| {
                let mut list: Vec<*mut HPyDef> = defs.map(StaticDef::as_ptr).collect();
                list.push(ptr::null_mut());
                DefinePtrs(list.into_boxed_slice())
            })
        };
        list.0.as_ptr().cast_mut()
    }
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

impl Default for DefineCache {
    fn default() -> Self {
        DefineCache::new()
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
