//! Python classes implemented by Rust structs: [`HPyClass`], the borrow
//! guards [`Ref`]/[`RefMut`], and [`Field`] for object references stored in
//! instance data.
//!
//! ## Data access model
//!
//! The Rust value lives inside the Python object, next to a borrow flag, like
//! a `RefCell`. Methods taking `&self` borrow it shared for the duration of
//! the call, `&mut self` exclusively; a conflicting borrow — for example a
//! `&mut self` method that calls back into Python code which calls another
//! method of the same object — raises `RuntimeError` instead of creating two
//! live `&mut`. The value is written once when the object is created and
//! dropped once when it is destroyed; an object whose constructor never ran
//! (`__new__` bypassed) has no value and every borrow raises `TypeError`.

use core::cell::{Cell, UnsafeCell};
use core::ffi::c_int;
use core::mem::MaybeUninit;
use core::ops::{Deref, DerefMut};

use hpy_sys::{HPyField, HPyFunc_visitproc};

use crate::impl_::class::ClassInfo;
use crate::{Borrowed, FromHPy, HPyErr, HPyResult, Handle};

/// A Rust type exposed as a Python class. Implemented by
/// [`hpy_class`](crate::hpy_class); not meant to be implemented by hand.
pub trait HPyClass: Sized + 'static {
    /// Static facts about the class (name, flags, shape, …).
    #[doc(hidden)]
    const INFO: ClassInfo;

    /// Where the type object of the running module is kept.
    #[doc(hidden)]
    fn type_slot() -> &'static crate::impl_::class::TypeSlot;

    /// Visits every [`Field`] of the value (generated `tp_traverse`).
    #[doc(hidden)]
    fn visit_fields(&self, visit: &mut dyn FnMut(&Field) -> c_int) -> c_int;

    /// Definitions made by `#[hpy_class]`: members, `tp_destroy`,
    /// `tp_traverse`.
    #[doc(hidden)]
    fn class_defs() -> &'static [crate::impl_::StaticDef];

    /// For classes extending a builtin type, whose instances are made by the
    /// builtin's constructor: the value their data starts with
    /// (`Default::default()`), set on first access. `None` for other classes.
    #[doc(hidden)]
    fn default_value() -> Option<Self>;

    /// Whether an instance needs `tp_destroy`: this class's value or an
    /// ancestor's (`extends`) has drop glue.
    #[doc(hidden)]
    const NEEDS_DESTROY: bool = core::mem::needs_drop::<Self>();

    /// Writes the data blocks of the Rust ancestors (`extends`) of a new
    /// instance whose data starts at `start`; nothing for other classes.
    ///
    /// # Safety
    /// `start` is the zeroed data of a new instance of this class.
    #[doc(hidden)]
    unsafe fn init_ancestors(_start: *mut u8) {}

    /// Drops the values of the Rust ancestors; nothing for other classes.
    ///
    /// # Safety
    /// `start` is the data of a dying instance of this class.
    #[doc(hidden)]
    unsafe fn destroy_ancestors(_start: *mut u8) {}

    /// Visits the `Field`s of the Rust ancestors; nothing for other classes.
    ///
    /// # Safety
    /// `start` is the data of a live instance of this class.
    #[doc(hidden)]
    unsafe fn visit_ancestors(_start: *mut u8, _visit: &mut dyn FnMut(&Field) -> c_int) -> c_int {
        0
    }
}

/// The memory block HPy allocates for an instance: a borrow flag, an
/// "initialised" flag and the Rust value. HPy zeroes it, and all-zero means
/// "not borrowed, not initialised".
#[repr(C)]
pub struct ClassData<T> {
    /// `CANARY` while the value is alive (see `locate`).
    canary: Cell<usize>,
    /// 0: free; n > 0: n shared borrows; -1: borrowed mutably.
    borrow: Cell<isize>,
    initialized: Cell<bool>,
    value: UnsafeCell<MaybeUninit<T>>,
}

const MUT: isize = -1;

/// Finds the start of an instance's data from the pointer HPy's runtime
/// passes to `tp_destroy`/`tp_traverse`.
///
/// HPy 0.9's CPython runtime treats a *Python* subclass of a pure HPy type
/// as a legacy type and passes the object's start instead of its data. The
/// data is then found by its canary a header further on (CPython object
/// headers are padded to 16 bytes). The first data block, whatever its
/// class, is at the start and carries the canary (blocks of zero size take
/// no room, and every block of an instance is written when it is created).
/// `None` if no live block is found (then nothing is touched).
///
/// # Safety
/// `raw` must be what HPy passed for an instance of an hpy-rs class with
/// data.
pub(crate) unsafe fn locate_start(raw: *mut core::ffi::c_void) -> Option<*mut u8> {
    const HEADER_STEP: usize = 16;
    const MAX_HEADER: usize = 64;
    let mut offset = 0;
    while offset <= MAX_HEADER {
        // SAFETY: the object is at least a header plus one data block long,
        // and every candidate lies within its first MAX_HEADER bytes plus
        // one word.
        let candidate = unsafe { raw.cast::<u8>().add(offset) };
        // SAFETY: reading one aligned word of the object's memory.
        if unsafe { core::ptr::read(candidate.cast::<usize>()) } == CANARY {
            return Some(candidate);
        }
        offset += HEADER_STEP;
    }
    None
}

/// Marks a live `ClassData` ("hpy-rs d").
const CANARY: usize = 0x6870_792d_7273_2064;

impl<T> ClassData<T> {
    /// Where the Rust value starts inside the block (for member offsets).
    pub const VALUE_OFFSET: usize = core::mem::offset_of!(ClassData<T>, value);
}

impl<T: HPyClass> ClassData<T> {
    /// Writes the value into freshly allocated (zeroed) object memory.
    ///
    /// # Safety
    /// `data` must be the data block of a new instance of `T`'s type (or of
    /// a subclass), not yet initialised.
    /// Where the value sits in a block.
    ///
    /// # Safety
    /// `data` must point to a block (initialised or not).
    pub(crate) unsafe fn value_ptr(data: *mut ClassData<T>) -> *mut T {
        // SAFETY: forwarded; a field projection, nothing is read.
        unsafe { UnsafeCell::raw_get(&raw const (*data).value).cast() }
    }

    pub(crate) unsafe fn init(data: *mut ClassData<T>, value: T) {
        // SAFETY: per the contract the block is valid, exclusively ours and
        // not yet initialised.
        unsafe {
            data.write(ClassData {
                canary: Cell::new(CANARY),
                borrow: Cell::new(0),
                initialized: Cell::new(true),
                value: UnsafeCell::new(MaybeUninit::new(value)),
            });
        }
    }

    /// Drops the value, if it was ever written (`tp_destroy`).
    ///
    /// # Safety
    /// `data` must be the data block of a dying instance, never used again.
    pub(crate) unsafe fn destroy(data: *mut ClassData<T>) {
        // SAFETY: per the contract nothing else can reach the block anymore.
        unsafe {
            if (*data).initialized.replace(false) {
                (*data).canary.set(0);
                (*(*data).value.get()).assume_init_drop();
            }
        }
    }

    /// The value for `tp_traverse`, or `None` before initialisation.
    pub(crate) fn peek(&self) -> Option<&T> {
        if self.initialized.get() {
            // SAFETY: initialised; traverse only reads `Field`s, which are
            // interior-mutable, so this shared view is fine even while the
            // value is borrowed elsewhere.
            Some(unsafe { (*self.value.get()).assume_init_ref() })
        } else {
            None
        }
    }

    fn check_initialized(&self) -> HPyResult<()> {
        if self.initialized.get() {
            Ok(())
        } else if let Some(value) = T::default_value() {
            // Never initialised means never borrowed: nothing observes the
            // value while it is written.
            self.canary.set(CANARY);
            self.borrow.set(0);
            // SAFETY: see above; the block belongs to a live instance.
            unsafe { (*self.value.get()).write(value) };
            self.initialized.set(true);
            Ok(())
        } else {
            Err(HPyErr::type_error(format!(
                "{} object is not initialized (its constructor did not run)",
                T::INFO.python_name()
            )))
        }
    }

    fn try_borrow(&self) -> HPyResult<()> {
        self.check_initialized()?;
        let b = self.borrow.get();
        if b == MUT {
            return Err(HPyErr::runtime_error(format!(
                "{} object is already mutably borrowed",
                T::INFO.python_name()
            )));
        }
        self.borrow.set(b + 1);
        Ok(())
    }

    fn try_borrow_mut(&self) -> HPyResult<()> {
        self.check_initialized()?;
        if self.borrow.get() != 0 {
            return Err(HPyErr::runtime_error(format!(
                "{} object is already borrowed",
                T::INFO.python_name()
            )));
        }
        self.borrow.set(MUT);
        Ok(())
    }
}

/// A shared borrow of the Rust value of an instance of `T`, together with
/// the instance's handle. Dereferences to `T`.
pub struct Ref<'a, 'ctx, T: HPyClass> {
    owner: Borrowed<'a, 'ctx>,
    /// `None` for zero-sized `T`: no memory, nothing to guard or to read.
    data: Option<&'a ClassData<T>>,
}

/// An exclusive borrow of the Rust value of an instance of `T`.
pub struct RefMut<'a, 'ctx, T: HPyClass> {
    owner: Borrowed<'a, 'ctx>,
    /// `None` for zero-sized `T`, as for [`Ref`].
    data: Option<&'a ClassData<T>>,
}

/// The data block of `obj`, which must be an instance of `T`'s type.
///
/// # Safety
/// `obj` must be an instance of `T`'s Python type (or of a subclass).
unsafe fn data_of<'a, T: HPyClass>(obj: &Borrowed<'a, '_>) -> HPyResult<&'a ClassData<T>> {
    let ctx = obj.context();
    let plain = T::INFO.shape == hpy_sys::HPyType_BuiltinShape_Object;
    // SAFETY: the live context of the call.
    if !plain && !unsafe { hpy_sys::hpy_rs_supports_builtin_shapes(ctx.as_raw()) } {
        return Err(HPyErr::type_error(format!(
            "{}: this interpreter's HPy cannot reach the Rust data of classes that extend builtin types",
            T::INFO.python_name()
        )));
    }
    // SAFETY: forwarded: an instance of T's type carries a ClassData<T> block
    // that lives as long as the object, which `obj` keeps alive for 'a.
    Ok(unsafe { &*crate::impl_::class::as_struct::<T>(ctx, obj.as_raw()) })
}

/// The methods both borrow guards share; `$acquire` registers the borrow.
macro_rules! guard_methods {
    ($guard:ident, $acquire:ident, $what:literal) => {
        impl<'a, 'ctx, T: HPyClass> $guard<'a, 'ctx, T> {
            #[doc = concat!("Borrows the value of `obj` ", $what, " without checking its type.")]
            ///
            /// # Safety
            /// `obj` must be an instance of `T`'s type (e.g. the `self` of a
            /// method).
            #[doc(hidden)]
            pub unsafe fn borrow_unchecked(obj: Borrowed<'a, 'ctx>) -> HPyResult<Self> {
                if zero_sized::<T>() {
                    // A zero-sized value occupies no memory: no aliasing to
                    // prevent, nothing to read, so the block is not looked up.
                    return Ok($guard {
                        owner: obj,
                        data: None,
                    });
                }
                // SAFETY: forwarded.
                let data = unsafe { data_of::<T>(&obj)? };
                data.$acquire()?;
                Ok($guard {
                    owner: obj,
                    data: Some(data),
                })
            }

            #[doc = concat!("Borrows the value of `obj` ", $what, " if it is an instance of `T`.")]
            pub fn borrow(obj: Borrowed<'a, 'ctx>) -> HPyResult<Self> {
                crate::impl_::class::check_instance::<T>(&obj)?;
                // SAFETY: checked just above.
                unsafe { Self::borrow_unchecked(obj) }
            }

            /// The Python object.
            pub fn handle(&self) -> &Handle<'ctx> {
                &self.owner
            }

            /// Loads a [`Field`] of this object (`HPyField_Load`).
            pub fn load(&self, field: &Field) -> Option<Handle<'ctx>> {
                field.load_from(&self.owner, self.block())
            }

            /// Stores into a [`Field`] of this object (`HPyField_Store`);
            /// `None` clears it.
            pub fn store(&self, field: &Field, value: Option<&Handle<'ctx>>) {
                field.store_into(&self.owner, self.block(), value)
            }

            fn block(&self) -> &ClassData<T> {
                // A `Field` is not zero-sized, so a type holding one has a block.
                self.data.expect("a type with a Field is not zero-sized")
            }
        }
    };
}

guard_methods!(Ref, try_borrow, "(shared)");

impl<T: HPyClass> Ref<'_, '_, T> {
    /// Ends this borrow together with one borrow that was leaked earlier
    /// (`mem::forget` of a guard, as an exported buffer does).
    pub(crate) fn end_leaked(self) {
        if let Some(data) = self.data {
            data.borrow.set(data.borrow.get() - 2);
        }
        core::mem::forget(self);
    }
}
guard_methods!(RefMut, try_borrow_mut, "exclusively");

#[inline(always)]
const fn zero_sized<T>() -> bool {
    core::mem::size_of::<T>() == 0
}

/// A reference to a zero-sized value (valid anywhere, aliasing nothing).
#[inline(always)]
fn zst_ref<'a, T>() -> &'a mut T {
    debug_assert!(zero_sized::<T>());
    // SAFETY: `T` is zero-sized, so a dangling, aligned pointer is a valid
    // reference to it, and distinct `&mut` to it access no memory.
    unsafe { core::ptr::NonNull::<T>::dangling().as_mut() }
}

impl<T: HPyClass> Deref for Ref<'_, '_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        shared_value(self.data)
    }
}

impl<T: HPyClass> Deref for RefMut<'_, '_, T> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        shared_value(self.data)
    }
}

/// The value behind a live guard's block (or the zero-sized value).
#[inline(always)]
fn shared_value<T>(data: Option<&ClassData<T>>) -> &T {
    match data {
        // SAFETY: only called by a guard, which registered its borrow in the
        // flag (so no other `&mut` exists) after checking that the value is
        // initialised.
        Some(data) => unsafe { (*data.value.get()).assume_init_ref() },
        None => zst_ref(),
    }
}

impl<T: HPyClass> DerefMut for RefMut<'_, '_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        match self.data {
            // SAFETY: the exclusive borrow is registered in the flag, and this
            // guard is its only holder.
            Some(data) => unsafe { (*data.value.get()).assume_init_mut() },
            None => zst_ref(),
        }
    }
}

impl<T: HPyClass> Drop for Ref<'_, '_, T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(data) = self.data {
            data.borrow.set(data.borrow.get() - 1);
        }
    }
}

impl<T: HPyClass> Drop for RefMut<'_, '_, T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(data) = self.data {
            data.borrow.set(0);
        }
    }
}

impl<'a, 'ctx, T: HPyClass> FromHPy<'a, 'ctx> for Ref<'a, 'ctx, T> {
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        Ref::borrow(obj.borrow())
    }
}

impl<'a, 'ctx, T: HPyClass> FromHPy<'a, 'ctx> for RefMut<'a, 'ctx, T> {
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        RefMut::borrow(obj.borrow())
    }
}

/// A reference to a Python object stored inside the data of a class
/// instance (`HPyField`). The garbage collector sees it (the class's
/// `tp_traverse` visits every `Field`), so reference cycles through Rust
/// objects are collected.
///
/// A `Field` is read and written through the borrow guard of the object
/// that contains it ([`Ref::load`], [`Ref::store`]), which knows that
/// object's handle as HPy requires.
#[repr(transparent)]
pub struct Field(UnsafeCell<HPyField>);

impl Field {
    /// An empty field.
    pub const fn new() -> Self {
        Field(UnsafeCell::new(HPyField { _i: 0 }))
    }

    /// Whether the field holds no object.
    pub fn is_empty(&self) -> bool {
        // SAFETY: a plain read of the field's word.
        unsafe { (*self.0.get())._i == 0 }
    }

    fn check_inside<T>(&self, data: &ClassData<T>) {
        let start = data as *const ClassData<T> as usize;
        let end = start + core::mem::size_of::<ClassData<T>>();
        let me = self as *const Field as usize;
        assert!(
            (start..end).contains(&me),
            "hpy::Field used with an object that does not contain it"
        );
    }

    fn load_from<'ctx, T>(
        &self,
        owner: &Handle<'ctx>,
        data: &ClassData<T>,
    ) -> Option<Handle<'ctx>> {
        self.check_inside(data);
        if self.is_empty() {
            return None;
        }
        let ctx = owner.context();
        // SAFETY: the field belongs to `owner` (checked) and is non-empty;
        // the result is a new owned handle.
        unsafe {
            let h = hpy_sys::HPyField_Load(ctx.as_raw(), owner.as_raw(), *self.0.get());
            Some(Handle::from_raw(ctx, h))
        }
    }

    fn store_into<'ctx, T>(
        &self,
        owner: &Handle<'ctx>,
        data: &ClassData<T>,
        value: Option<&Handle<'ctx>>,
    ) {
        self.check_inside(data);
        let ctx = owner.context();
        let raw = value.map_or(hpy_sys::HPy_NULL, Handle::as_raw);
        // SAFETY: the field belongs to `owner` (checked); HPy takes its own
        // reference to `value` and releases the previous one.
        unsafe { hpy_sys::HPyField_Store(ctx.as_raw(), owner.as_raw(), self.0.get(), raw) }
    }

    /// The `HPyField` word.
    pub(crate) fn raw(&self) -> *mut HPyField {
        self.0.get()
    }

    /// Reports this field to a `tp_traverse` visitor.
    ///
    /// # Safety
    /// `visit` and `arg` must be the visitor and argument HPy passed to the
    /// running `tp_traverse`.
    pub(crate) unsafe fn visit_with(
        &self,
        visit: HPyFunc_visitproc,
        arg: *mut core::ffi::c_void,
    ) -> c_int {
        if self.is_empty() {
            return 0;
        }
        // SAFETY: per the contract; the visitor accepts a pointer to a live
        // HPyField.
        unsafe { visit(self.0.get(), arg) }
    }
}

impl Default for Field {
    fn default() -> Self {
        Field::new()
    }
}

/// A value for a new instance of `T` together with objects for its
/// [`Field`]s, which are stored once the instance exists (a `Field` can
/// only be written through its object, which a constructor does not have
/// yet). Return it from a `#[new]` constructor, or from any function or
/// method, in place of the bare value.
///
/// ```
/// use hpy::{hpy_class, hpy_methods, Field, Handle, WithFields};
///
/// #[hpy_class(module = "shapes")]
/// struct Labelled {
///     label: Field,
/// }
///
/// #[hpy_methods]
/// impl Labelled {
///     #[new]
///     fn new<'ctx>(label: &Handle<'ctx>) -> WithFields<'ctx, Labelled> {
///         WithFields::new(Labelled { label: Field::new() }).set(|l| &l.label, label.dup())
///     }
/// }
/// ```
pub struct WithFields<'ctx, T> {
    value: T,
    fields: Vec<(usize, Handle<'ctx>)>,
}

impl<'ctx, T: HPyClass> WithFields<'ctx, T> {
    /// The value, with no field set yet.
    pub fn new(value: T) -> Self {
        WithFields {
            value,
            fields: Vec::new(),
        }
    }

    /// Stores `obj` in the field `field` picks out of the value.
    ///
    /// # Panics
    /// If `field` returns a `Field` that is not part of the value.
    pub fn set(mut self, field: impl FnOnce(&T) -> &Field, obj: Handle<'ctx>) -> Self {
        let start = &self.value as *const T as usize;
        let at = field(&self.value) as *const Field as usize;
        assert!(
            at >= start && at + core::mem::size_of::<Field>() <= start + core::mem::size_of::<T>(),
            "WithFields::set: the Field is not part of the value"
        );
        self.fields.push((at - start, obj));
        self
    }

    /// The value, for reading while the fields are being chosen.
    pub fn value(&self) -> &T {
        &self.value
    }

    pub(crate) fn into_parts(self) -> (T, Vec<(usize, Handle<'ctx>)>) {
        (self.value, self.fields)
    }
}

impl<'ctx, T: HPyClass> crate::IntoHPy<'ctx> for WithFields<'ctx, T> {
    fn into_hpy(self, ctx: crate::Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        crate::impl_::class::new_instance_with_fields(ctx, self)
    }
}

/// The Python type object of class `T` in the running module (the one
/// `hpy_module!` created from its `types:` list).
pub fn type_object<'ctx, T: HPyClass>(ctx: crate::Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    T::type_slot().load(ctx, const { T::INFO.python_name() })
}
