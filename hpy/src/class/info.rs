//! What `#[hpy_class]` writes about a class and what is kept for it at run
//! time, as data: its static facts ([`ClassInfo`], [`Base`], the
//! `TPFLAGS_*`) and its per-class static ([`TypeSlot`]: the type object,
//! and what was built for it). Everything else in the folder reads these;
//! building the type from them is `spec.rs`.

use core::ffi::{c_ulong, CStr};
use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::ffi::CString;
use std::sync::OnceLock;

use hpy_sys::{HPyConstant, HPyDef, HPyGlobal, HPyType_BuiltinShape};

use crate::{Context, Global, HPyErr, HPyResult, Handle};

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
    pub(super) data_size: AtomicUsize,
    /// `destroy_chain` of the class, once its type exists (null: the class
    /// has nothing to drop).
    pub(super) destroy: AtomicPtr<()>,
    /// The definition list of the class (see [`TypeSlot::defines`]).
    pub(super) defines: DefineLists,
    /// The docstring with its signature header (see `class_doc`).
    pub(super) doc: OnceLock<CString>,
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

    pub(super) fn store(&self, ty: &Handle<'_>) -> HPyResult<()> {
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
