//! Runtime support for `#[hpy_class]` / `#[hpy_methods]`: type creation,
//! the type object's storage, instance creation and the class-specific
//! entry points (`tp_new`, `tp_destroy`, `tp_traverse`, getters/setters).

use core::cell::UnsafeCell;
use core::ffi::{c_int, c_ulong, c_void, CStr};
use core::ptr;
use core::sync::atomic::{AtomicBool, Ordering};

use hpy_sys::{
    cpy_PyObject, HPy, HPyCFunction, HPyConstant, HPyContext, HPyDef, HPyDef_Kind_GetSet,
    HPyDef_Kind_Member, HPyDef_u, HPyGetSet, HPyGlobal, HPyMember, HPyMember_FieldType,
    HPyType_BuiltinShape, HPyType_Spec, HPyType_SpecParam, HPy_NULL, HPy_ssize_t,
};

use super::def::slot;
use super::trampoline::trampoline;
pub use crate::class::ClassData;
use crate::class::HPyClass;
use crate::{Borrowed, Context, Field, HPyErr, HPyResult, Handle};

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
    global: UnsafeCell<HPyGlobal>,
    ready: AtomicBool,
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
pub unsafe trait ClassMethods: HPyClass {
    /// The NULL-terminated definitions (methods, slots, getsets, members);
    /// `with_property_methods` adds the hidden methods of
    /// [`properties`](Self::properties) (for interpreters whose getset
    /// descriptors are broken, see `hpy_rs_supports_getsets`).
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

/// The instance data of `h`.
///
/// # Safety
/// `h` must be an instance of `T`'s type.
#[inline]
pub unsafe fn as_struct<T: HPyClass>(ctx: Context<'_>, h: HPy) -> *mut ClassData<T> {
    // SAFETY: forwarded; the class's block is `data_offset` into the data.
    unsafe { data_start::<T>(ctx, h).add(T::INFO.data_offset).cast() }
}

/// The start of the instance data of `h` (the first ancestor's block).
///
/// # Safety
/// `h` must be an instance of `T`'s type.
#[inline]
unsafe fn data_start<T: HPyClass>(ctx: Context<'_>, h: HPy) -> *mut u8 {
    let raw = ctx.as_raw();
    if T::INFO.flags & TPFLAGS_BASETYPE != 0 {
        // SAFETY: forwarded.
        if let Some(p) = unsafe { python_subclass_data(ctx, h) } {
            return p;
        }
    }
    // SAFETY: forwarded; the shape picks the matching accessor.
    unsafe {
        (match T::INFO.shape {
            hpy_sys::HPyType_BuiltinShape_Type => hpy_sys::_HPy_AsStruct_Type(raw, h),
            hpy_sys::HPyType_BuiltinShape_Long => hpy_sys::_HPy_AsStruct_Long(raw, h),
            hpy_sys::HPyType_BuiltinShape_Float => hpy_sys::_HPy_AsStruct_Float(raw, h),
            hpy_sys::HPyType_BuiltinShape_Unicode => hpy_sys::_HPy_AsStruct_Unicode(raw, h),
            hpy_sys::HPyType_BuiltinShape_Tuple => hpy_sys::_HPy_AsStruct_Tuple(raw, h),
            hpy_sys::HPyType_BuiltinShape_List => hpy_sys::_HPy_AsStruct_List(raw, h),
            _ => hpy_sys::_HPy_AsStruct_Object(raw, h),
        })
        .cast()
    }
}

/// CPython's size of `PyObject_HEAD`, padded like HPy's runtime pads it.
const OBJECT_HEADER: usize = 16;

/// The data start of an instance of a *Python* subclass of an hpy-rs class.
///
/// HPy 0.9's CPython runtime reports such subclasses as legacy types (its
/// own `HPy_New` then hands out the object's start, and debug mode refuses
/// `_HPy_AsStruct_Object` on them). Their layout is still the pure one: the
/// data follows the object header. `None` for instances of HPy types.
///
/// # Safety
/// `h` must be an instance of an hpy-rs class or of a subclass.
#[cold]
unsafe fn python_subclass_data(ctx: Context<'_>, h: HPy) -> Option<*mut u8> {
    let raw = ctx.as_raw();
    // SAFETY: valid handles; the type handle is closed before returning.
    unsafe {
        let ty = hpy_sys::HPy_Type(raw, h);
        let shape = hpy_sys::_HPyType_GetBuiltinShape(raw, ty);
        hpy_sys::HPy_Close(raw, ty);
        if shape != hpy_sys::HPyType_BuiltinShape_Legacy {
            return None;
        }
        let start = hpy_sys::_HPy_AsStruct_Legacy(raw, h);
        Some(start.cast::<u8>().add(OBJECT_HEADER))
    }
}

/// Fails with `TypeError` unless `obj` is an instance of `T`.
pub fn check_instance<T: HPyClass>(obj: &Borrowed<'_, '_>) -> HPyResult<()> {
    if is_instance::<T>(obj)? {
        Ok(())
    } else {
        Err(HPyErr::wrong_type(T::INFO.python_name(), obj.type_name()))
    }
}

/// Whether `obj` is an instance of `T` (or of a subclass).
pub fn is_instance<T: HPyClass>(obj: &Handle<'_>) -> HPyResult<bool> {
    let ctx = obj.context();
    let slot = T::type_slot();
    // SAFETY: the slot's global holds the type once `ready` is set, never
    // cleared while the module lives; `obj` is valid.
    let fast =
        unsafe { super::abi::is_instance_fast(&slot.ready, slot.global.get(), obj.as_raw()) };
    if let Some(is) = fast {
        return Ok(is);
    }
    let ty = T::type_slot().load(ctx, const { T::INFO.python_name() })?;
    // SAFETY: both handles are valid.
    Ok(unsafe { hpy_sys::HPy_TypeCheck(ctx.as_raw(), obj.as_raw(), ty.as_raw()) } != 0)
}

/// Whether `cls` is `T`'s type or a subclass of it (so that its instances
/// have `T`'s layout).
pub fn is_subclass<T: HPyClass>(cls: &Handle<'_>) -> HPyResult<bool> {
    let ctx = cls.context();
    let slot = T::type_slot();
    // SAFETY: as in `is_instance`.
    let fast = unsafe { super::abi::is_type_fast(&slot.ready, slot.global.get(), cls.as_raw()) };
    if let Some(is) = fast {
        return Ok(is);
    }
    if !cls.is_type() {
        return Ok(false);
    }
    let ty = T::type_slot().load(ctx, const { T::INFO.python_name() })?;
    // SAFETY: both handles are valid type objects.
    Ok(unsafe { hpy_sys::HPyType_IsSubtype(ctx.as_raw(), cls.as_raw(), ty.as_raw()) } != 0)
}

/// The `TypeError` for `T.__new__(cls)` with a `cls` that is not `T` or a
/// subclass, worded as CPython's.
#[cold]
fn not_a_subclass<T: HPyClass>(cls: &Handle<'_>) -> HPyErr {
    let name = T::INFO.python_name();
    let given = if cls.is_type() {
        cls.get_attr_s("__name__")
            .and_then(|n| n.extract::<String>())
            .unwrap_or_else(|_| "?".into())
    } else {
        cls.type_name()
    };
    if cls.is_type() {
        HPyErr::type_error(format!(
            "{name}.__new__({given}): {given} is not a subtype of {name}"
        ))
    } else {
        HPyErr::type_error(format!(
            "{name}.__new__(X): X is not a type object ({given})"
        ))
    }
}

/// Checks the receiver of a property of `T` (`name`): CPython's getset
/// descriptors check it, PyPy's do not (`T.prop.__get__(other_object)`), and
/// `T`'s code may only ever see instances of `T`. (Where properties are
/// published over methods, the method descriptors check it instead.)
#[inline]
pub fn check_receiver<T: HPyClass>(obj: &Borrowed<'_, '_>, name: &str) -> HPyResult<()> {
    if is_instance::<T>(obj)? {
        return Ok(());
    }
    Err(HPyErr::type_error(format!(
        "descriptor '{name}' for '{}' objects doesn't apply to a '{}' object",
        T::INFO.python_name(),
        obj.type_name()
    )))
}

/// Creates an instance of `cls` (the class `T` or a subclass) holding
/// `value`; any other `cls` is a `TypeError`, as in CPython (PyPy does not
/// check the class given to `__new__`).
pub fn new_instance_of<'ctx, T: HPyClass>(cls: &Handle<'ctx>, value: T) -> HPyResult<Handle<'ctx>> {
    if !is_subclass::<T>(cls)? {
        return Err(not_a_subclass::<T>(cls));
    }
    new_instance_with(cls, value, DefaultAncestors)
}

/// `T.__new__(cls)` on an interpreter that does not check `cls` itself:
/// out of line, so that the common path keeps its code as it was.
#[cold]
#[inline(never)]
fn check_new_class<T: HPyClass>(cls: &Handle<'_>) -> HPyResult<()> {
    if is_subclass::<T>(cls)? {
        Ok(())
    } else {
        Err(not_a_subclass::<T>(cls))
    }
}

/// Whether the interpreter itself checks that `T.__new__(cls)` gets `T` or
/// a subclass: CPython does (`tp_new_wrapper`), in either ABI; PyPy 7.3.19
/// does not, so there `construct` checks (`hpy_rs_checks_new_class`).
#[inline(always)]
fn interpreter_checks_new_class(ctx: Context<'_>) -> bool {
    // SAFETY: the live context of the running call.
    unsafe { hpy_sys::hpy_rs_checks_new_class(ctx.as_raw()) }
}

/// Creates an instance of `cls` holding `value`, with the Rust ancestors'
/// parts (`extends`) written by `ancestors`.
fn new_instance_with<'ctx, T: HPyClass, A: Ancestors<T>>(
    cls: &Handle<'ctx>,
    value: T,
    ancestors: A,
) -> HPyResult<Handle<'ctx>> {
    let ctx = cls.context();
    let mut data: *mut c_void = ptr::null_mut();
    // SAFETY: `cls` is a type; `raw_new` returns an owned handle (or NULL)
    // and points `data` at the instance data, which is written whole below.
    let obj = unsafe { ctx.wrap_result(raw_new(ctx.as_raw(), cls.as_raw(), &mut data))? };
    // HPy_New's `data` is wrong for Python subclasses on CPython (see
    // `locate_start`); only classes marked `subclass` can have those.
    let start = if T::INFO.flags & TPFLAGS_BASETYPE != 0 {
        // SAFETY: `obj` is a fresh instance of T's type or a subclass.
        unsafe { data_start::<T>(ctx, obj.as_raw()) }
    } else {
        data.cast()
    };
    // SAFETY: `start` is the data of the new instance (zeroed, except for
    // plain classes, which have no ancestors' blocks): the ancestors' blocks,
    // then T's at `data_offset`.
    unsafe {
        let after = ancestors.write(start);
        init_block::<T>(start, value);
        if data_size::<T>() != 0 {
            after.finish(&obj, start.add(T::INFO.data_offset).cast());
        }
    }
    Ok(obj)
}

/// `HPy_New`; in the CPython ABI hpy-sys's version, which allocates
/// instances of plain classes (see `add_type`) without HPy's runtime and
/// leaves their data for the caller to write.
///
/// # Safety
/// As `HPy_New`; the caller writes the whole instance data (the ancestors'
/// blocks and `T`'s) before anything reads it.
#[inline(always)]
unsafe fn raw_new(ctx: *mut HPyContext, ty: HPy, data: *mut *mut c_void) -> HPy {
    // SAFETY: forwarded.
    unsafe { super::abi::new_instance_raw(ctx, ty, data) }
}

/// The instance data size of `T`: none at all for a zero-sized `T` without
/// drop glue or `Field` slots (it is never read, see `Ref`), else its
/// `ClassData<T>` followed by its `Field` slots.
pub const fn data_size<T: HPyClass>() -> usize {
    if core::mem::size_of::<T>() == 0 && !core::mem::needs_drop::<T>() && T::FIELD_SLOTS == 0 {
        0
    } else {
        core::mem::size_of::<ClassData<T>>()
            + T::FIELD_SLOTS * core::mem::size_of::<hpy_sys::HPyField>()
    }
}

/// Creates an instance of `T` holding `value`.
pub fn new_instance<'ctx, T: HPyClass>(ctx: Context<'ctx>, value: T) -> HPyResult<Handle<'ctx>> {
    let ty = T::type_slot().load(ctx, const { T::INFO.python_name() })?;
    new_instance_of::<T>(&ty, value)
}

/// [`ClassMethods::doc`] of a class with a constructor: `Name(signature)`,
/// the `--` line, then the doc comment; made once into `cache`. Just the
/// doc comment where the interpreter would show the header as it is.
pub fn class_doc<T: HPyClass>(
    ctx: Context<'_>,
    cache: &'static std::sync::OnceLock<std::ffi::CString>,
    signature: &str,
) -> Option<&'static CStr> {
    // SAFETY: the live context of the module's exec.
    if !unsafe { hpy_sys::hpy_rs_type_doc_has_signatures(ctx.as_raw()) } {
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
    // SAFETY: the live context of this call.
    let getsets_work = unsafe { hpy_sys::hpy_rs_supports_getsets(ctx.as_raw()) };
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
        properties::publish(&ty, T::properties())?;
    }
    // SAFETY: `ty` was just created and has no instances yet; the defines
    // are the class's static, null-terminated array.
    unsafe { super::abi::type_created(ctx.as_raw(), ty.as_raw(), T::defines(false)) };
    T::type_slot().store(&ty);
    // After `store`, so that a class attribute can be an instance.
    T::class_attributes(&ty)?;
    let name = std::ffi::CString::new(info.python_name())
        .map_err(|_| HPyErr::value_error("class name with NUL"))?;
    // SAFETY: valid handles and a NUL-terminated name.
    ctx.wrap_status(unsafe {
        hpy_sys::HPy_SetAttr_s(ctx.as_raw(), module.as_raw(), name.as_ptr(), ty.as_raw())
    })
}

// ---- tp_destroy and tp_traverse (no context) ----

/// `tp_destroy`: drops the Rust value.
///
/// # Safety
/// Called by HPy only, with the data of a dying instance of `T`.
pub unsafe extern "C" fn impl_destroy<T: HPyClass>(data: *mut c_void) {
    // A panic in Drop must not unwind into the interpreter; it is reported
    // and the value is leaked.
    let result = std::panic::catch_unwind(|| {
        // SAFETY: forwarded from the contract; `locate_start` only returns
        // the data of this instance, whose blocks are all live.
        if let Some(start) = unsafe { crate::class::locate_start(data) } {
            // SAFETY: as above; each block is dropped once (`destroy` clears
            // its "initialised" flag).
            unsafe { destroy_chain::<T>(start) }
        }
    });
    if let Err(payload) = result {
        eprintln!(
            "hpy: panic while dropping a {} object: {}",
            T::INFO.python_name(),
            super::trampoline::panic_text(&*payload)
        );
    }
}

super::abi::entry_point! {
    /// `tp_traverse`: reports every object the instance keeps in its `Field`
    /// slots to the garbage collector. Only the slots are read, never the Rust
    /// value (which a method may be borrowing mutably right now).
    ///
    /// # Safety
    /// Called by HPy only, with the data of an instance of `T`.
    pub unsafe extern "C" fn impl_traverse<T: HPyClass>(
        data: *mut c_void,
        visit: hpy_sys::HPyFunc_visitproc,
        arg: *mut c_void,
    ) -> c_int {
        // SAFETY: what HPy passes for a live instance of T; `locate_start`
        // finds the data (or gives up).
        let Some(start) = (unsafe { crate::class::locate_start(data) }) else {
            return 0;
        };
        // SAFETY: `visit`/`arg` are the ones HPy passed to this traverse call;
        // the slot is a live HPyField of the instance.
        let mut visit = |slot: *mut hpy_sys::HPyField| unsafe { visit(slot, arg) };
        // SAFETY: the live data of an instance of T.
        unsafe { visit_chain::<T>(start, &mut visit) }
    }
}

/// Visits the non-empty `Field` slots of `T`'s block and of its ancestors'
/// in the instance data at `start` (also `visit_ancestors` of a class that
/// `extends` `T`).
///
/// # Safety
/// `start` is the data of a live instance of `T` (or of a subclass).
pub unsafe fn visit_chain<T: HPyClass>(
    start: *mut u8,
    visit: &mut dyn FnMut(*mut hpy_sys::HPyField) -> c_int,
) -> c_int {
    if T::FIELD_SLOTS != 0 {
        // SAFETY: forwarded: T's block, with its slots, is at `data_offset`.
        let slots = unsafe { ClassData::<T>::slots(start.add(T::INFO.data_offset).cast()) };
        for k in 0..T::FIELD_SLOTS {
            // SAFETY: k < FIELD_SLOTS: a slot of the block, zero or stored
            // by HPy.
            let slot = unsafe { slots.add(k) };
            // SAFETY: as above.
            if unsafe { (*slot)._i } != 0 {
                let r = visit(slot);
                if r != 0 {
                    return r;
                }
            }
        }
    }
    // SAFETY: forwarded.
    unsafe { T::visit_ancestors(start, visit) }
}

/// Where the block of a class that `extends` `B` starts: after `B`'s data,
/// aligned for its own block.
pub const fn extends_offset<B: HPyClass, T: HPyClass>() -> usize {
    B::INFO
        .basicsize
        .next_multiple_of(core::mem::align_of::<ClassData<T>>())
}

/// The instance data size of `T` when it `extends` `B` (its block starts
/// at or after the end of `B`'s data).
pub const fn extends_size<B: HPyClass, T: HPyClass>() -> usize {
    extends_offset::<B, T>() + data_size::<T>()
}

/// Writes `value` as `T`'s block (nothing for a zero-sized one).
///
/// # Safety
/// `start` is the zeroed data of a new instance of `T` (or of a subclass).
unsafe fn init_block<T: HPyClass>(start: *mut u8, value: T) {
    if data_size::<T>() != 0 {
        // SAFETY: forwarded; T's block is at its `data_offset`.
        unsafe { ClassData::<T>::init(start.add(T::INFO.data_offset).cast(), value) };
    }
}

/// `init_ancestors` of a class that `extends` `B`: `B`'s block (and its
/// ancestors') start as `Default::default()`.
///
/// # Safety
/// `start` is the zeroed data of a new instance of a subclass of `B`.
pub unsafe fn init_ancestor<B: HPyClass + Default>(start: *mut u8) {
    // SAFETY: forwarded.
    unsafe {
        B::init_ancestors(start);
        init_block::<B>(start, B::default());
    }
}

/// Drops `T`'s value and its ancestors' in the instance data at `start`
/// (also `destroy_ancestors` of a class that `extends` `T`).
///
/// # Safety
/// `start` is the data of a dying instance of `T` (or of a subclass).
pub unsafe fn destroy_chain<T: HPyClass>(start: *mut u8) {
    // SAFETY: forwarded; T's block is at its `data_offset`.
    unsafe {
        if data_size::<T>() != 0 {
            ClassData::<T>::destroy(start.add(T::INFO.data_offset).cast());
        }
        T::destroy_ancestors(start);
    }
}

/// The CPython-convention trampolines: one body for both ABIs, the
/// difference is the seam's (`abi`).
mod cpy {
    use super::*;
    use crate::impl_::abi;

    /// # Safety
    /// Called by CPython as `tp_traverse`.
    pub unsafe extern "C" fn traverse<T: HPyClass>(
        obj: *mut cpy_PyObject,
        visit: hpy_sys::cpy_visitproc,
        arg: *mut c_void,
    ) -> c_int {
        // SAFETY: CPython's `tp_traverse` arguments, for `impl_traverse`.
        unsafe { abi::traverseproc(impl_traverse::<T>, obj, visit, arg) }
    }

    /// # Safety
    /// Called by CPython as `tp_new`.
    pub unsafe extern "C" fn new<M: NewFunc>(
        cls: *mut cpy_PyObject,
        args: *mut cpy_PyObject,
        kw: *mut cpy_PyObject,
    ) -> *mut cpy_PyObject {
        // SAFETY: CPython's `tp_new` arguments, for `impl_new`.
        unsafe { abi::newfunc(impl_new::<M>, cls, args, kw) }
    }

    /// # Safety
    /// Called by CPython as `tp_init`.
    pub unsafe extern "C" fn init<M: InitFunc>(
        slf: *mut cpy_PyObject,
        args: *mut cpy_PyObject,
        kw: *mut cpy_PyObject,
    ) -> c_int {
        // SAFETY: CPython's `tp_init` arguments, for `impl_init`.
        unsafe { abi::initproc(impl_init::<M>, slf, args, kw) }
    }

    /// # Safety
    /// Called by CPython as a getter.
    pub unsafe extern "C" fn get<M: Getter>(
        obj: *mut cpy_PyObject,
        closure: *mut c_void,
    ) -> *mut cpy_PyObject {
        // SAFETY: a getter's arguments, for `impl_get`.
        unsafe { abi::getter(impl_get::<M>, obj, closure) }
    }

    /// # Safety
    /// Called by CPython as a setter.
    pub unsafe extern "C" fn set<M: Setter>(
        obj: *mut cpy_PyObject,
        value: *mut cpy_PyObject,
        closure: *mut c_void,
    ) -> c_int {
        // SAFETY: a setter's arguments (the value or NULL), for `impl_set`.
        unsafe { abi::setter(impl_set::<M>, obj, value, closure) }
    }
}

/// `tp_destroy` definition for `T`.
pub const fn slot_destroy<T: HPyClass>() -> HPyDef {
    let f: unsafe extern "C" fn(*mut c_void) = impl_destroy::<T>;
    slot(hpy_sys::HPy_tp_destroy, f as HPyCFunction, None)
}

/// `tp_traverse` definition for `T`.
pub const fn slot_traverse<T: HPyClass>() -> HPyDef {
    let f: hpy_sys::HPyFunc_traverseproc = impl_traverse::<T>;
    type Traverse =
        unsafe extern "C" fn(*mut cpy_PyObject, hpy_sys::cpy_visitproc, *mut c_void) -> c_int;
    let cpy: Traverse = cpy::traverse::<T>;
    // SAFETY: function pointers have one size; CPython calls it as tp_traverse.
    let cpy = unsafe { core::mem::transmute::<Traverse, hpy_sys::cpy_PyCFunction>(cpy) };
    slot(hpy_sys::HPy_tp_traverse, f as HPyCFunction, Some(cpy))
}

// ---- tp_new ----

/// The arguments of a `tp_new` call: positional handles and a keyword dict.
pub struct NewArgs<'a, 'ctx> {
    pub(crate) ctx: Context<'ctx>,
    pub(crate) args: *const HPy,
    pub(crate) nargs: usize,
    /// `HPy_NULL` or a dict.
    pub(crate) kw: HPy,
    pub(crate) _borrow: core::marker::PhantomData<&'a HPy>,
}

impl<'ctx> NewArgs<'_, 'ctx> {
    /// The arguments HPy passed to a `tp_new`/`tp_init` entry.
    ///
    /// # Safety
    /// `args` holds `nargs` handles and `kw` is a dict or `HPy_NULL`, all
    /// valid for the call this value is used in.
    #[inline(always)]
    unsafe fn from_raw(ctx: Context<'ctx>, args: *const HPy, nargs: HPy_ssize_t, kw: HPy) -> Self {
        NewArgs {
            ctx,
            args,
            nargs: nargs.max(0) as usize,
            kw,
            _borrow: core::marker::PhantomData,
        }
    }

    /// Whether the call passed no argument at all.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.nargs == 0 && self.kw._i == 0
    }
}

/// A class constructor (`HPy_tp_new`, `HPyFunc_NEWFUNC`).
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait NewFunc {
    /// A name for error messages.
    const NAME: &'static str;
    /// The body: creates the instance of `cls`.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        cls: Borrowed<'_, 'ctx>,
        args: NewArgs<'_, 'ctx>,
    ) -> HPyResult<HPy>;
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_NEWFUNC`.
    pub unsafe extern "C" fn impl_new<M: NewFunc>(
        ctx: *mut HPyContext,
        cls: HPy,
        args: *const HPy,
        nargs: HPy_ssize_t,
        kw: HPy,
    ) -> HPy {
        // SAFETY: HPy passes the live context, the type, `nargs` argument handles
        // and a dict or NULL, all valid for the call.
        unsafe {
            trampoline(ctx, M::NAME, HPy_NULL, |ctx| {
                let args = NewArgs::from_raw(ctx, args, nargs, kw);
                M::call(ctx, Borrowed::from_raw(ctx, cls), args)
            })
        }
    }
}

/// `tp_new` definition.
pub const fn slot_new<M: NewFunc>() -> HPyDef {
    let f: unsafe extern "C" fn(*mut HPyContext, HPy, *const HPy, HPy_ssize_t, HPy) -> HPy =
        impl_new::<M>;
    type New = unsafe extern "C" fn(
        *mut cpy_PyObject,
        *mut cpy_PyObject,
        *mut cpy_PyObject,
    ) -> *mut cpy_PyObject;
    let cpy: New = cpy::new::<M>;
    // SAFETY: function pointers have one size; CPython calls it as tp_new.
    let cpy = unsafe { core::mem::transmute::<New, hpy_sys::cpy_PyCFunction>(cpy) };
    slot(hpy_sys::HPy_tp_new, f as HPyCFunction, Some(cpy))
}

// ---- tp_init ----

/// An instance initialiser (`HPy_tp_init`, `HPyFunc_INITPROC`): `__init__`.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait InitFunc {
    /// A name for error messages.
    const NAME: &'static str;
    /// The body: initialises `slf` from the call's arguments.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        slf: Borrowed<'_, 'ctx>,
        args: NewArgs<'_, 'ctx>,
    ) -> HPyResult<()>;
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_INITPROC`.
    pub unsafe extern "C" fn impl_init<M: InitFunc>(
        ctx: *mut HPyContext,
        slf: HPy,
        args: *const HPy,
        nargs: HPy_ssize_t,
        kw: HPy,
    ) -> c_int {
        // SAFETY: HPy passes the live context, the instance, `nargs` argument
        // handles and a dict or NULL, all valid for the call.
        unsafe {
            trampoline(ctx, M::NAME, -1, |ctx| {
                let args = NewArgs::from_raw(ctx, args, nargs, kw);
                M::call(ctx, Borrowed::from_raw(ctx, slf), args).map(|()| 0)
            })
        }
    }
}

/// `tp_init` definition.
pub const fn slot_init<M: InitFunc>() -> HPyDef {
    let f: unsafe extern "C" fn(*mut HPyContext, HPy, *const HPy, HPy_ssize_t, HPy) -> c_int =
        impl_init::<M>;
    type Init =
        unsafe extern "C" fn(*mut cpy_PyObject, *mut cpy_PyObject, *mut cpy_PyObject) -> c_int;
    let cpy: Init = cpy::init::<M>;
    // SAFETY: function pointers have one size; CPython calls it as tp_init.
    let cpy = unsafe { core::mem::transmute::<Init, hpy_sys::cpy_PyCFunction>(cpy) };
    slot(hpy_sys::HPy_tp_init, f as HPyCFunction, Some(cpy))
}

/// What an `#[init]` method may return: `()` or `HPyResult<()>`.
pub trait IntoInit {
    /// The outcome.
    fn into_init(self) -> HPyResult<()>;
}

impl IntoInit for () {
    #[inline(always)]
    fn into_init(self) -> HPyResult<()> {
        Ok(())
    }
}

impl IntoInit for HPyResult<()> {
    #[inline(always)]
    fn into_init(self) -> HPyResult<()> {
        self
    }
}

// ---- getters and setters ----

/// A property getter (`HPyFunc_GETTER`).
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait Getter {
    /// The class whose property it is.
    type Class: HPyClass;
    /// A name for error messages.
    const NAME: &'static str;
    /// The body, for an `obj` its caller has checked to be an instance of
    /// `Class` (`impl_get` does, or the interpreter's method descriptor).
    fn call<'ctx>(ctx: Context<'ctx>, obj: Borrowed<'_, 'ctx>) -> HPyResult<HPy>;
}

/// A property setter (`HPyFunc_SETTER`); `value` is `None` for `del`.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait Setter {
    /// The class whose property it is.
    type Class: HPyClass;
    /// A name for error messages.
    const NAME: &'static str;
    /// The body, for an `obj` checked as for [`Getter::call`].
    fn call<'ctx>(
        ctx: Context<'ctx>,
        obj: Borrowed<'_, 'ctx>,
        value: Option<Borrowed<'_, 'ctx>>,
    ) -> HPyResult<()>;
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, as a getter.
    pub unsafe extern "C" fn impl_get<M: Getter>(
        ctx: *mut HPyContext,
        obj: HPy,
        _closure: *mut c_void,
    ) -> HPy {
        // SAFETY: HPy passes the live context and a valid object.
        unsafe {
            trampoline(ctx, M::NAME, HPy_NULL, |ctx| {
                let obj = Borrowed::from_raw(ctx, obj);
                check_receiver::<M::Class>(&obj, M::NAME)?;
                M::call(ctx, obj)
            })
        }
    }
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, as a setter.
    pub unsafe extern "C" fn impl_set<M: Setter>(
        ctx: *mut HPyContext,
        obj: HPy,
        value: HPy,
        _closure: *mut c_void,
    ) -> c_int {
        // SAFETY: HPy passes the live context, a valid object and a value or NULL.
        unsafe {
            trampoline(ctx, M::NAME, -1, |ctx| {
                let obj = Borrowed::from_raw(ctx, obj);
                check_receiver::<M::Class>(&obj, M::NAME)?;
                let value = if value._i == 0 {
                    None
                } else {
                    Some(Borrowed::from_raw(ctx, value))
                };
                M::call(ctx, obj, value).map(|()| 0)
            })
        }
    }
}

/// A property with a getter and optionally a setter.
pub const fn getset<G: Getter, S: Setter>(
    name: &'static CStr,
    doc: Option<&'static CStr>,
    has_setter: bool,
) -> HPyDef {
    let g: unsafe extern "C" fn(*mut HPyContext, HPy, *mut c_void) -> HPy = impl_get::<G>;
    let s: unsafe extern "C" fn(*mut HPyContext, HPy, HPy, *mut c_void) -> c_int = impl_set::<S>;
    let gc: hpy_sys::cpy_getter = cpy::get::<G>;
    let sc: hpy_sys::cpy_setter = cpy::set::<S>;
    HPyDef {
        kind: HPyDef_Kind_GetSet,
        u: HPyDef_u {
            getset: HPyGetSet {
                name: name.as_ptr(),
                getter_impl: g as HPyCFunction,
                setter_impl: if has_setter {
                    s as HPyCFunction
                } else {
                    ptr::null()
                },
                getter_cpy_trampoline: Some(gc),
                setter_cpy_trampoline: if has_setter { Some(sc) } else { None },
                doc: match doc {
                    Some(d) => d.as_ptr(),
                    None => ptr::null(),
                },
                closure: ptr::null_mut(),
            },
        },
    }
}

/// The setter of a read-only property: refuses with `AttributeError`.
/// (Registered rather than left NULL: PyPy 7.3.19 aborts when assigning to a
/// getset without a setter.)
pub struct NoSetter<G>(core::marker::PhantomData<G>);

// SAFETY: the body only raises; it returns no handle.
unsafe impl<G: Getter> Setter for NoSetter<G> {
    type Class = G::Class;
    const NAME: &'static str = G::NAME;
    fn call<'ctx>(
        _: Context<'ctx>,
        obj: Borrowed<'_, 'ctx>,
        value: Option<Borrowed<'_, 'ctx>>,
    ) -> HPyResult<()> {
        let action = if value.is_some() { "set" } else { "delete" };
        Err(HPyErr::attribute_error(format!(
            "cannot {action} read-only attribute '{}' of '{}' objects",
            G::NAME,
            obj.type_name()
        )))
    }
}

use super::abi::properties;
pub use super::abi::properties::PropertyMethods;

/// A member definition (`HPyMember`): the interpreter reads and writes the
/// field at `offset` in the instance data directly.
pub const fn member(
    name: &'static CStr,
    ty: HPyMember_FieldType,
    offset: usize,
    readonly: bool,
    doc: Option<&'static CStr>,
) -> HPyDef {
    HPyDef {
        kind: HPyDef_Kind_Member,
        u: HPyDef_u {
            member: HPyMember {
                name: name.as_ptr(),
                r#type: ty,
                offset: offset as HPy_ssize_t,
                readonly: readonly as c_int,
                doc: match doc {
                    Some(d) => d.as_ptr(),
                    None => ptr::null(),
                },
            },
        },
    }
}

/// The offset of the Rust value inside the instance data.
pub const fn value_offset<T>() -> usize {
    ClassData::<T>::VALUE_OFFSET
}

/// Member type codes for Rust field types.
pub trait MemberType {
    /// The `HPyMember_FieldType`.
    const CODE: HPyMember_FieldType;
}

macro_rules! member_types {
    ($($t:ty => $code:ident,)*) => {$(
        impl MemberType for $t {
            const CODE: HPyMember_FieldType = hpy_sys::$code;
        }
    )*};
}

member_types! {
    i8 => HPyMember_BYTE,
    u8 => HPyMember_UBYTE,
    i16 => HPyMember_SHORT,
    u16 => HPyMember_USHORT,
    i32 => HPyMember_INT,
    u32 => HPyMember_UINT,
    i64 => HPyMember_LONGLONG,
    u64 => HPyMember_ULONGLONG,
    isize => HPyMember_HPYSSIZET,
    f32 => HPyMember_FLOAT,
    f64 => HPyMember_DOUBLE,
    bool => HPyMember_BOOL,
}

// ---- receivers of generated methods ----

/// Borrows the value of a method's `self` (shared).
///
/// # Safety
/// `slf` must be the `self` HPy passes to a method or slot of `T`'s type,
/// which the interpreter guarantees is an instance of `T`.
#[inline(always)]
pub unsafe fn self_ref<'a, 'ctx, T: HPyClass>(
    slf: Borrowed<'a, 'ctx>,
) -> HPyResult<crate::Ref<'a, 'ctx, T>> {
    // SAFETY: forwarded.
    unsafe { crate::Ref::borrow_unchecked(slf) }
}

/// Borrows the value of a method's `self` exclusively; as [`self_ref`].
///
/// # Safety
/// As for [`self_ref`].
#[inline(always)]
pub unsafe fn self_mut<'a, 'ctx, T: HPyClass>(
    slf: Borrowed<'a, 'ctx>,
) -> HPyResult<crate::RefMut<'a, 'ctx, T>> {
    // SAFETY: forwarded.
    unsafe { crate::RefMut::borrow_unchecked(slf) }
}

/// How many `Field` slots a field of type `T` needs: `T::COUNT` for
/// [`FieldSlots`](crate::FieldSlots) types (`Field`, `Option<Field>`,
/// arrays, users' own), 0 for every other type. `#[hpy_class]` sums
/// `FieldProbe::<Ty>::SLOTS` over the struct's fields: the inherent constant
/// exists only where the bound holds, and otherwise the trait's applies.
pub struct FieldProbe<T>(core::marker::PhantomData<T>);

/// The fallback of [`FieldProbe`]: no slots.
pub trait NoFieldSlots {
    /// No `Field`s in this type.
    const SLOTS: usize = 0;
}

impl<T> NoFieldSlots for FieldProbe<T> {}

impl<T: crate::FieldSlots> FieldProbe<T> {
    /// The type's `Field` count.
    pub const SLOTS: usize = T::COUNT;
}

/// The `NotImplemented` singleton, as a number slot's "try the other operand".
#[inline]
pub fn not_implemented(ctx: Context<'_>) -> HPyResult<HPy> {
    Ok(ctx.constant(HPyConstant::NotImplemented).into_raw())
}

// ---- helpers for generated slot bodies ----

pub use hpy_sys::{
    HPyType_BuiltinShape_Float, HPyType_BuiltinShape_List, HPyType_BuiltinShape_Long,
    HPyType_BuiltinShape_Object, HPyType_BuiltinShape_Tuple, HPyType_BuiltinShape_Type,
    HPyType_BuiltinShape_Unicode, HPy_mp_ass_subscript, HPy_mp_length, HPy_mp_subscript,
    HPy_nb_absolute, HPy_nb_add, HPy_nb_and, HPy_nb_bool, HPy_nb_divmod, HPy_nb_float,
    HPy_nb_floor_divide, HPy_nb_index, HPy_nb_inplace_add, HPy_nb_inplace_and,
    HPy_nb_inplace_floor_divide, HPy_nb_inplace_lshift, HPy_nb_inplace_matrix_multiply,
    HPy_nb_inplace_multiply, HPy_nb_inplace_or, HPy_nb_inplace_power, HPy_nb_inplace_remainder,
    HPy_nb_inplace_rshift, HPy_nb_inplace_subtract, HPy_nb_inplace_true_divide, HPy_nb_inplace_xor,
    HPy_nb_int, HPy_nb_invert, HPy_nb_lshift, HPy_nb_matrix_multiply, HPy_nb_multiply,
    HPy_nb_negative, HPy_nb_or, HPy_nb_positive, HPy_nb_power, HPy_nb_remainder, HPy_nb_rshift,
    HPy_nb_subtract, HPy_nb_true_divide, HPy_nb_xor, HPy_sq_ass_item, HPy_sq_concat,
    HPy_sq_contains, HPy_sq_inplace_concat, HPy_sq_inplace_repeat, HPy_sq_item, HPy_sq_length,
    HPy_sq_repeat, HPy_tp_call, HPy_tp_finalize, HPy_tp_hash, HPy_tp_repr, HPy_tp_richcompare,
    HPy_tp_str,
};

/// `HPy_TPFLAGS_BASETYPE`: Python code may subclass the class.
pub const TPFLAGS_BASETYPE: c_ulong = hpy_sys::HPy_TPFLAGS_BASETYPE;
/// `HPy_TPFLAGS_HAVE_GC`: instances hold `Field`s the GC must see.
pub const TPFLAGS_HAVE_GC: c_ulong = hpy_sys::HPy_TPFLAGS_HAVE_GC;

/// What a `#[new]` constructor may return: the value, or for a class that
/// `extends` another the pair `(value, parent value)`, or an `HPyResult`
/// of either.
pub trait IntoNew<T: HPyClass> {
    /// What writes the Rust ancestors' parts of the new instance.
    type Ancestors: Ancestors<T>;
    /// The value to store in the new instance, and its ancestors'.
    fn into_new(self) -> HPyResult<(T, Self::Ancestors)>;
}

impl<T: HPyClass> IntoNew<T> for T {
    type Ancestors = DefaultAncestors;
    #[inline(always)]
    fn into_new(self) -> HPyResult<(T, DefaultAncestors)> {
        Ok((self, DefaultAncestors))
    }
}

impl<T: HPyClass> IntoNew<T> for HPyResult<T> {
    type Ancestors = DefaultAncestors;
    #[inline(always)]
    fn into_new(self) -> HPyResult<(T, DefaultAncestors)> {
        self.map(|value| (value, DefaultAncestors))
    }
}

impl<T: Extends> IntoNew<T> for (T, T::Parent) {
    type Ancestors = ParentValue<T::Parent>;
    #[inline(always)]
    fn into_new(self) -> HPyResult<(T, ParentValue<T::Parent>)> {
        Ok((self.0, ParentValue(self.1)))
    }
}

impl<T: Extends> IntoNew<T> for HPyResult<(T, T::Parent)> {
    type Ancestors = ParentValue<T::Parent>;
    #[inline(always)]
    fn into_new(self) -> HPyResult<(T, ParentValue<T::Parent>)> {
        self.map(|(value, parent)| (value, ParentValue(parent)))
    }
}

impl<'ctx, T: HPyClass> IntoNew<T> for crate::WithFields<'ctx, T> {
    type Ancestors = FieldValues<'ctx>;
    fn into_new(self) -> HPyResult<(T, FieldValues<'ctx>)> {
        let (value, fields) = self.into_parts();
        Ok((value, FieldValues(fields)))
    }
}

impl<'ctx, T: HPyClass> IntoNew<T> for HPyResult<crate::WithFields<'ctx, T>> {
    type Ancestors = FieldValues<'ctx>;
    fn into_new(self) -> HPyResult<(T, FieldValues<'ctx>)> {
        self?.into_new()
    }
}

/// `WithFields` as a return value: the new instance of `T`.
pub fn new_instance_with_fields<'ctx, T: HPyClass>(
    ctx: Context<'ctx>,
    value: crate::WithFields<'ctx, T>,
) -> HPyResult<Handle<'ctx>> {
    let ty = T::type_slot().load(ctx, const { T::INFO.python_name() })?;
    let (value, fields) = value.into_parts();
    new_instance_with(&ty, value, FieldValues(fields))
}

/// A class declared with `extends = Parent` (written by `#[hpy_class]`).
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait Extends: HPyClass {
    /// The Rust class it extends.
    type Parent: HPyClass;
}

/// Writes the parts of a new instance that belong to its Rust ancestors.
pub trait Ancestors<T: HPyClass> {
    /// What is left to do once the instance exists and holds its value.
    type After: AfterNew<T>;

    /// Writes them into the instance data at `start`.
    ///
    /// # Safety
    /// `start` is the zeroed data of a new instance of `T`.
    unsafe fn write(self, start: *mut u8) -> Self::After;
}

/// The last step of creating an instance, with its handle.
pub trait AfterNew<T: HPyClass> {
    /// Runs it.
    ///
    /// # Safety
    /// `obj` is the new instance of `T` (or of a subclass) and `data` its
    /// whole block, written and not yet seen by anybody else.
    unsafe fn finish(self, obj: &Handle<'_>, data: *mut ClassData<T>);
}

impl<T: HPyClass> AfterNew<T> for () {
    #[inline(always)]
    unsafe fn finish(self, _: &Handle<'_>, _: *mut ClassData<T>) {}
}

/// Ancestors' parts as `Default::default()` (nothing for a class that
/// extends no Rust class).
pub struct DefaultAncestors;

impl<T: HPyClass> Ancestors<T> for DefaultAncestors {
    type After = ();
    #[inline(always)]
    unsafe fn write(self, start: *mut u8) {
        // SAFETY: forwarded.
        unsafe { T::init_ancestors(start) }
    }
}

/// The objects a [`WithFields`](crate::WithFields) puts in the new
/// instance's `Field`s: (offset of the `Field` in the value, object).
pub struct FieldValues<'ctx>(Vec<(usize, Handle<'ctx>)>);

impl<T: HPyClass> Ancestors<T> for FieldValues<'_> {
    type After = Self;
    unsafe fn write(self, start: *mut u8) -> Self {
        // SAFETY: forwarded; a class with fields to fill has only default
        // ancestors' parts.
        unsafe { <DefaultAncestors as Ancestors<T>>::write(DefaultAncestors, start) };
        self
    }
}

impl<T: HPyClass> AfterNew<T> for FieldValues<'_> {
    unsafe fn finish(self, obj: &Handle<'_>, data: *mut ClassData<T>) {
        let data = ptr::NonNull::new(data).expect("a class with Fields has a block");
        for (offset, h) in self.0 {
            // SAFETY: `offset` was checked to be that of a `Field` inside a
            // `T` (`WithFields::set`), so this is a field of `obj`'s value;
            // `data` is `obj`'s whole block.
            unsafe {
                let field = &*ClassData::value_ptr(data.as_ptr())
                    .cast::<u8>()
                    .add(offset)
                    .cast::<Field>();
                field.store_raw(obj, data, h.as_raw());
            }
        }
    }
}

/// The parent's value given by the constructor; the grandparents' parts
/// start as `Default::default()`.
pub struct ParentValue<P>(P);

impl<T: Extends> Ancestors<T> for ParentValue<T::Parent> {
    type After = ();
    unsafe fn write(self, start: *mut u8) {
        // SAFETY: forwarded: the parent's block comes after its own
        // ancestors'.
        unsafe {
            <T::Parent as HPyClass>::init_ancestors(start);
            init_block::<T::Parent>(start, self.0);
        }
    }
}

/// `nb_bool` / `sq_contains`: a `bool` (or `HPyResult<bool>`) as 1/0.
pub fn return_bool<B: IntoBool>(value: B) -> HPyResult<c_int> {
    value.into_bool().map(c_int::from)
}

/// A `bool` or an `HPyResult<bool>`.
pub trait IntoBool {
    /// The answer.
    fn into_bool(self) -> HPyResult<bool>;
}

impl IntoBool for bool {
    fn into_bool(self) -> HPyResult<bool> {
        Ok(self)
    }
}

impl IntoBool for HPyResult<bool> {
    fn into_bool(self) -> HPyResult<bool> {
        self
    }
}

/// `mp_length` / `sq_length`: a `usize` (or `HPyResult<usize>`).
pub fn return_len<L: IntoLen>(value: L) -> HPyResult<HPy_ssize_t> {
    let n = value.into_len()?;
    HPy_ssize_t::try_from(n)
        .map_err(|_| HPyErr::overflow_error("length does not fit in Py_ssize_t"))
}

/// A `usize` or an `HPyResult<usize>`.
pub trait IntoLen {
    /// The length.
    fn into_len(self) -> HPyResult<usize>;
}

impl IntoLen for usize {
    fn into_len(self) -> HPyResult<usize> {
        Ok(self)
    }
}

impl IntoLen for HPyResult<usize> {
    fn into_len(self) -> HPyResult<usize> {
        self
    }
}

/// `tp_hash`: an `isize`/`i64`/`u64` (or `HPyResult` of one); `-1` is
/// reserved for errors and becomes `-2`, as in CPython.
pub fn return_hash<H: IntoHash>(value: H) -> HPyResult<hpy_sys::HPy_hash_t> {
    let h = value.into_hash()?;
    Ok(if h == -1 { -2 } else { h })
}

/// A hash value.
pub trait IntoHash {
    /// The hash.
    fn into_hash(self) -> HPyResult<hpy_sys::HPy_hash_t>;
}

macro_rules! into_hash {
    ($($t:ty),*) => {$(
        impl IntoHash for $t {
            fn into_hash(self) -> HPyResult<hpy_sys::HPy_hash_t> {
                Ok(self as hpy_sys::HPy_hash_t)
            }
        }
        impl IntoHash for HPyResult<$t> {
            fn into_hash(self) -> HPyResult<hpy_sys::HPy_hash_t> {
                self.map(|h| h as hpy_sys::HPy_hash_t)
            }
        }
    )*};
}

into_hash!(isize, i64, u64, usize, i32, u32);

/// Converts a number slot's operand, or `None` if it has the wrong type (the
/// slot then returns `NotImplemented`, so Python tries the other operand).
pub fn try_extract<'a, 'ctx, X: crate::FromHPy<'a, 'ctx>>(
    obj: &'a Borrowed<'_, 'ctx>,
) -> HPyResult<Option<X>> {
    match X::extract(obj) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            let ctx = obj.context();
            match e.describe() {
                Some((HPyConstant::TypeError, _)) => Ok(None),
                None if ctx.err_matches(HPyConstant::TypeError) => {
                    ctx.err_clear();
                    Ok(None)
                }
                _ => Err(e),
            }
        }
    }
}

/// The comparison operator of a `tp_richcompare` call.
pub fn compare_op(op: hpy_sys::HPy_RichCmpOp) -> HPyResult<crate::RichCompareOp> {
    use crate::RichCompareOp as Op;
    Ok(match op {
        hpy_sys::HPy_LT => Op::Lt,
        hpy_sys::HPy_LE => Op::Le,
        hpy_sys::HPy_EQ => Op::Eq,
        hpy_sys::HPy_NE => Op::Ne,
        hpy_sys::HPy_GT => Op::Gt,
        hpy_sys::HPy_GE => Op::Ge,
        other => {
            return Err(HPyErr::system_error(format!(
                "invalid rich comparison operator {other}"
            )))
        }
    })
}

/// Runs a `__del__` body (`tp_finalize`), which cannot raise: an error, or a
/// panic (as `PanicException`), is reported as unraisable, never
/// propagated to the code that happened to drop the object.
pub fn finalize_guarded<F>(obj: &Borrowed<'_, '_>, name: &'static str, body: F)
where
    F: FnOnce() -> HPyResult<()>,
{
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let result = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => {
            super::trampoline::raise_panic(obj.context(), name, payload);
            Err(HPyErr::pending())
        }
    };
    finalize_result(obj, result);
}

/// `tp_finalize` cannot raise: an error is reported as unraisable.
pub fn finalize_result(obj: &Borrowed<'_, '_>, result: HPyResult<()>) {
    if let Err(e) = result {
        let ctx = obj.context();
        e.restore(ctx);
        // SAFETY: an exception is set and `obj` is valid.
        unsafe { hpy_sys::HPyErr_WriteUnraisable(ctx.as_raw(), obj.as_raw()) };
    }
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
        methods: &'static [super::StaticDef],
        extra: Option<&'static super::StaticDef>,
        properties: &'static [PropertyMethods],
        with_property_methods: bool,
    ) -> *mut *mut HPyDef {
        let class = T::class_defs();
        let (needs_drop, has_fields) = (T::NEEDS_DESTROY, T::HAS_FIELDS);
        // Without drop glue, `tp_destroy` would have nothing to do: leave
        // it out and save the call on every deallocation. Without `Field`
        // slots, `tp_traverse` would have nothing to visit.
        let wanted = move |def: &&super::StaticDef| {
            (needs_drop || !is_slot(def, hpy_sys::HPy_tp_destroy))
                && (has_fields || !is_slot(def, hpy_sys::HPy_tp_traverse))
        };
        let defs = methods.iter().chain(class).chain(extra).filter(wanted);
        let list = if with_property_methods {
            self.with_property_methods.get_or_init(|| {
                let mut list: Vec<*mut HPyDef> = properties
                    .iter()
                    .flat_map(PropertyMethods::hidden_defs)
                    .map(super::StaticDef::as_ptr)
                    .collect();
                list.extend(defs.map(|d| without_signature_header(d.as_ptr())));
                list.push(ptr::null_mut());
                DefinePtrs(list.into_boxed_slice())
            })
        } else {
            self.plain.get_or_init(|| {
                let mut list: Vec<*mut HPyDef> = defs.map(super::StaticDef::as_ptr).collect();
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

/// `tp_new` of a class: allocates an instance of `cls` holding `value`. For
/// a class extending a builtin type (`shape = "float"` …), the builtin's own
/// `__new__` runs first with the call's positional arguments, so the
/// instance is a real float/int/str/tuple/list (a list is filled afterwards
/// by its inherited `__init__`).
pub fn construct<'ctx, T: HPyClass, A: Ancestors<T>>(
    cls: &Handle<'ctx>,
    args: &NewArgs<'_, 'ctx>,
    (value, ancestors): (T, A),
) -> HPyResult<Handle<'ctx>> {
    if !interpreter_checks_new_class(cls.context()) {
        check_new_class::<T>(cls)?;
    }
    let base = match T::INFO.base {
        Base::Builtin(c) if T::INFO.shape != hpy_sys::HPyType_BuiltinShape_Object => c,
        _ => return new_instance_with::<T, A>(cls, value, ancestors),
    };
    let ctx = cls.context();
    let base_new = ctx.constant(base).get_attr_s("__new__")?;
    let mut raw: Vec<HPy> = Vec::with_capacity(args.nargs + 1);
    raw.push(cls.as_raw());
    // SAFETY: `args` holds `nargs` handles valid for the call.
    raw.extend((0..args.nargs).map(|i| unsafe { *args.args.add(i) }));
    // SAFETY: valid callable and argument handles; owned result or NULL.
    let obj = unsafe {
        ctx.wrap_result(hpy_sys::HPy_Call(
            ctx.as_raw(),
            base_new.as_raw(),
            raw.as_ptr(),
            raw.len(),
            HPy_NULL,
        ))?
    };
    if data_size::<T>() != 0 {
        // SAFETY: `obj` was made by the builtin's __new__ for `cls`, a subclass
        // of T's type, so it carries T's data block after the builtin part.
        unsafe { ClassData::<T>::init(as_struct::<T>(ctx, obj.as_raw()), value) };
    }
    Ok(obj)
}

/// `tp_new` of a class without `#[new]`: instances can only be made from
/// Rust (any `IntoHPy` return of the value).
pub struct NoConstructor<T>(core::marker::PhantomData<T>);

// SAFETY: the body only raises; it returns no handle.
unsafe impl<T: HPyClass> NewFunc for NoConstructor<T> {
    const NAME: &'static str = "<no constructor>";
    fn call<'ctx>(_: Context<'ctx>, _: Borrowed<'_, 'ctx>, _: NewArgs<'_, 'ctx>) -> HPyResult<HPy> {
        Err(HPyErr::type_error(format!(
            "cannot create '{}' instances",
            T::INFO.qualname.to_string_lossy()
        )))
    }
}

/// The refusing `tp_new` of a class without `#[new]`, for classes of the
/// plain object shape.
pub fn no_constructor_def<T: HPyClass>(
    def: &'static super::StaticDef,
) -> Option<&'static super::StaticDef> {
    // Builtin shapes inherit the builtin's constructor; metaclasses may not
    // have their own tp_new.
    (T::INFO.shape == hpy_sys::HPyType_BuiltinShape_Object).then_some(def)
}

fn is_slot(def: &super::StaticDef, slot: hpy_sys::HPySlot_Slot) -> bool {
    // SAFETY: the definitions are statics, only read here (before HPy sees
    // them); the union member read is the one `kind` selects.
    unsafe {
        let def = &*def.as_ptr();
        def.kind == hpy_sys::HPyDef_Kind_Slot && def.u.slot.slot == slot
    }
}
