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
//! A `frozen` class has no `RefMut` at all (using one does not compile), so
//! its shared borrows are not counted.

use core::cell::{Cell, UnsafeCell};
use core::ffi::c_int;
use core::mem::MaybeUninit;
use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use hpy_sys::{HPy, HPyField};

use crate::impl_::class::ClassInfo;
use crate::{Borrowed, FromHPy, HPyErr, HPyResult, Handle};

/// A Rust type exposed as a Python class. Implemented by
/// [`hpy_class`](crate::hpy_class) only.
///
/// # Safety
/// The items of this trait decide the memory layout of the class's
/// instances (sizes, offsets, the slots of its `Field`s) and which type
/// object they belong to; the runtime reads and writes instance memory on
/// the strength of them. Only the code `#[hpy_class]` generates upholds
/// that: never implement this trait by hand.
///
/// Class values must be `Send`: the interpreter may drop an object on any
/// thread that holds the interpreter lock.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an hpy class",
    label = "not declared with `#[hpy_class]`",
    note = "declare the struct with `#[hpy::hpy_class]` (and list it in `hpy_module!`'s `types:`)"
)]
pub unsafe trait HPyClass: Sized + Send + 'static {
    /// Static facts about the class (name, flags, shape, …).
    #[doc(hidden)]
    const INFO: ClassInfo;

    /// How many [`Field`] slots an instance's block has after the value:
    /// the `Field`s its type can hold (see [`FieldSlots`]).
    #[doc(hidden)]
    const FIELD_SLOTS: usize;

    /// Whether an instance has `Field` slots to traverse: this class's or a
    /// Rust ancestor's (`extends`).
    #[doc(hidden)]
    const HAS_FIELDS: bool = Self::FIELD_SLOTS > 0;

    /// Where the type object of the running module is kept.
    #[doc(hidden)]
    fn type_slot() -> &'static crate::impl_::class::TypeSlot;

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

    /// `#[hpy_class(frozen)]`: no [`RefMut`] of the class compiles, so
    /// shared borrows need not be counted.
    #[doc(hidden)]
    const FROZEN: bool = false;

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

    /// Visits the non-empty `Field` slots of the Rust ancestors; nothing
    /// for other classes.
    ///
    /// # Safety
    /// `start` is the data of a live instance of this class.
    #[doc(hidden)]
    unsafe fn visit_ancestors(
        _start: *mut u8,
        _visit: &mut dyn FnMut(*mut HPyField) -> c_int,
    ) -> c_int {
        0
    }
}

/// The memory block HPy allocates for an instance: a canary, a borrow
/// flag, an "initialised" flag and the Rust value, followed by
/// `T::FIELD_SLOTS` `HPyField` slots (the storage of the value's
/// [`Field`]s, out of reach of `&mut T`). HPy zeroes it, and all-zero means
/// "not borrowed, not initialised, every slot empty".
#[repr(C)]
pub struct ClassData<T> {
    /// `CANARY` while the value is alive (see `locate_start`).
    canary: Cell<usize>,
    /// 0: free; n > 0: n shared borrows; -1: borrowed mutably.
    borrow: Cell<isize>,
    /// 1 while the value is alive. A whole word, so that the header has no
    /// padding (`locate_start` reads its words).
    initialized: Cell<usize>,
    value: UnsafeCell<MaybeUninit<T>>,
}

const MUT: isize = -1;

/// Finds the start of an instance's data from the pointer HPy's runtime
/// passes to `tp_destroy`/`tp_traverse`.
///
/// HPy 0.9's CPython runtime (stock `hpy.universal`) treats a *Python*
/// subclass of a pure HPy type as a legacy type and passes the object's
/// start instead of its data; the data then follows the 16-byte object
/// header. The first data block, whatever its class, starts the data and
/// carries the canary while its value is alive (blocks of zero size take no
/// room, and every block of an instance is written when it is created).
/// Only the first two words at offsets 0 and 16 are read: both lie within
/// the header of a `ClassData` (data start) or within the object header and
/// that header (object start), so nothing past the object and none of the
/// value's bytes are ever read. `None` if no live block is found (then
/// nothing is touched).
///
/// # Safety
/// `raw` must be what HPy passed for an instance of an hpy-rs class with
/// data.
pub(crate) unsafe fn locate_start(raw: *mut core::ffi::c_void) -> Option<*mut u8> {
    const OBJECT_HEADER: usize = 16;
    for offset in [0, OBJECT_HEADER] {
        // SAFETY: the data holds at least one `ClassData` header (24 bytes),
        // the object a 16-byte header before it: either way the word at
        // `offset` is inside the object and initialised (a header field, or
        // the object header).
        let word = unsafe { core::ptr::read(raw.cast::<u8>().add(offset).cast::<usize>()) };
        if word == CANARY {
            // SAFETY: within the object, as above.
            return Some(unsafe { raw.cast::<u8>().add(offset) });
        }
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
    /// Where the value sits in a block.
    ///
    /// # Safety
    /// `data` must point to a block (initialised or not).
    pub(crate) unsafe fn value_ptr(data: *mut ClassData<T>) -> *mut T {
        // SAFETY: forwarded; a field projection, nothing is read.
        unsafe { UnsafeCell::raw_get(&raw const (*data).value).cast() }
    }

    /// The block's `Field` slots (`T::FIELD_SLOTS` of them), after the
    /// value.
    ///
    /// # Safety
    /// `data` must point to a whole block of an instance.
    pub(crate) unsafe fn slots(data: *mut ClassData<T>) -> *mut HPyField {
        // SAFETY: forwarded; the slots follow the block, and `ClassData`'s
        // size is a multiple of its alignment, which is at least a word's.
        unsafe {
            data.cast::<u8>()
                .add(core::mem::size_of::<ClassData<T>>())
                .cast()
        }
    }

    /// Writes the value into freshly allocated (zeroed) object memory.
    ///
    /// # Safety
    /// `data` must be the data block of a new instance of `T`'s type (or of
    /// a subclass), not yet initialised.
    pub(crate) unsafe fn init(data: *mut ClassData<T>, value: T) {
        // SAFETY: per the contract the block is valid, exclusively ours and
        // not yet initialised; the slots after it stay as allocated (empty).
        unsafe {
            data.write(ClassData {
                canary: Cell::new(CANARY),
                borrow: Cell::new(0),
                initialized: Cell::new(1),
                value: UnsafeCell::new(MaybeUninit::new(value)),
            });
        }
    }

    /// Drops the value, if it was ever written (`tp_destroy`). The `Field`
    /// slots are the runtime's: it clears them through `tp_traverse`.
    ///
    /// # Safety
    /// `data` must be the data block of a dying instance, never used again.
    pub(crate) unsafe fn destroy(data: *mut ClassData<T>) {
        // SAFETY: per the contract nothing else can reach the block anymore.
        unsafe {
            if (*data).initialized.replace(0) != 0 {
                (*data).canary.set(0);
                (*(*data).value.get()).assume_init_drop();
            }
        }
    }

    fn check_initialized(&self) -> HPyResult<()> {
        if self.initialized.get() != 0 {
            Ok(())
        } else if let Some(value) = T::default_value() {
            // Never initialised means never borrowed: nothing observes the
            // value while it is written.
            self.canary.set(CANARY);
            self.borrow.set(0);
            // SAFETY: see above; the block belongs to a live instance.
            unsafe { (*self.value.get()).write(value) };
            self.initialized.set(1);
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
        if T::FROZEN {
            // Only shared borrows of a frozen class exist (see
            // `try_borrow_mut`): nothing to count.
            return Ok(());
        }
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
        const {
            assert!(
                !T::FROZEN,
                "a `frozen` class cannot be borrowed as `RefMut`: use `Ref`, or remove `frozen` \
                 from #[hpy_class]"
            )
        };
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
    /// The instance's block; `None` for a zero-sized `T` without `Field`
    /// slots: no memory, nothing to guard or to read.
    data: Option<NonNull<ClassData<T>>>,
}

/// An exclusive borrow of the Rust value of an instance of `T`.
pub struct RefMut<'a, 'ctx, T: HPyClass> {
    owner: Borrowed<'a, 'ctx>,
    /// As for [`Ref`].
    data: Option<NonNull<ClassData<T>>>,
}

/// The data block of `obj`, which must be an instance of `T`'s type.
///
/// # Safety
/// `obj` must be an instance of `T`'s Python type (or of a subclass).
unsafe fn data_of<T: HPyClass>(obj: &Borrowed<'_, '_>) -> HPyResult<NonNull<ClassData<T>>> {
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
    // (and its slots) that lives as long as the object.
    let data = unsafe { crate::impl_::class::as_struct::<T>(ctx, obj.as_raw()) };
    Ok(NonNull::new(data).expect("HPy returned no instance data"))
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
                if crate::impl_::class::data_size::<T>() == 0 {
                    // A zero-sized value occupies no memory: no aliasing to
                    // prevent, nothing to read, so the block is not looked up.
                    return Ok($guard {
                        owner: obj,
                        data: None,
                    });
                }
                // SAFETY: forwarded.
                let data = unsafe { data_of::<T>(&obj)? };
                // SAFETY: the block of a live instance, which `obj` keeps
                // alive for 'a.
                unsafe { data.as_ref() }.$acquire()?;
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

            /// Loads a [`Field`] of this object (`HPyField_Load`); `None`
            /// if it holds no object.
            pub fn load(&self, field: &Field) -> Option<Handle<'ctx>> {
                // SAFETY: the block of this live, borrowed instance.
                unsafe { field.load_from(&self.owner, self.block()) }
            }

            /// Stores into a [`Field`] of this object (`HPyField_Store`);
            /// `None` clears it.
            ///
            /// # Panics
            /// If `field` is not part of this object's value, or if the
            /// object has no free `Field` slot (see [`FieldSlots`]).
            pub fn store(&self, field: &Field, value: Option<&Handle<'ctx>>) {
                // SAFETY: the block of this live, borrowed instance.
                unsafe { field.store_into(&self.owner, self.block(), value) }
            }

            fn block(&self) -> NonNull<ClassData<T>> {
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
        if let (Some(data), false) = (self.data, T::FROZEN) {
            // SAFETY: the block of the live instance this guard borrows.
            let data = unsafe { data.as_ref() };
            data.borrow.set(data.borrow.get() - 2);
        }
        core::mem::forget(self);
    }
}
guard_methods!(RefMut, try_borrow_mut, "exclusively");

/// A reference to a zero-sized value (valid anywhere, aliasing nothing).
#[inline(always)]
fn zst_ref<'a, T>() -> &'a mut T {
    debug_assert!(core::mem::size_of::<T>() == 0);
    // SAFETY: `T` is zero-sized, so a dangling, aligned pointer is a valid
    // reference to it, and distinct `&mut` to it access no memory.
    unsafe { NonNull::<T>::dangling().as_mut() }
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
fn shared_value<'a, T: HPyClass>(data: Option<NonNull<ClassData<T>>>) -> &'a T {
    match data {
        // SAFETY: only called by a guard, which registered its borrow in the
        // flag (so no other `&mut` exists) after checking that the value is
        // initialised; the guard's lifetime bounds the result's.
        Some(data) => unsafe { &*ClassData::value_ptr(data.as_ptr()) },
        None => zst_ref(),
    }
}

impl<T: HPyClass> DerefMut for RefMut<'_, '_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        match self.data {
            // SAFETY: the exclusive borrow is registered in the flag, and this
            // guard is its only holder.
            Some(data) => unsafe { &mut *ClassData::value_ptr(data.as_ptr()) },
            None => zst_ref(),
        }
    }
}

impl<T: HPyClass> Drop for Ref<'_, '_, T> {
    #[inline]
    fn drop(&mut self) {
        if let (Some(data), false) = (self.data, T::FROZEN) {
            // SAFETY: the block of the live instance this guard borrows.
            let data = unsafe { data.as_ref() };
            data.borrow.set(data.borrow.get() - 1);
        }
    }
}

impl<T: HPyClass> Drop for RefMut<'_, '_, T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(data) = self.data {
            // SAFETY: as for `Ref`.
            unsafe { data.as_ref() }.borrow.set(0);
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

/// A reference to a Python object kept by an instance of a class
/// (`HPyField`). The garbage collector sees it (the class's `tp_traverse`
/// visits every object its instances keep), so reference cycles through
/// Rust objects are collected.
///
/// A `Field` is read and written through the borrow guard of the object
/// that contains it ([`Ref::load`], [`Ref::store`]), which knows that
/// object's handle as HPy requires.
///
/// The object reference itself lives in a slot of the instance, outside the
/// Rust value; a `Field` names its slot. Moving a `Field` (`mem::take`,
/// `mem::swap`, assigning a new one) moves only that name, so no object
/// reference can leave its instance, and the collector always finds every
/// one. A `Field` whose object is replaced by `Field::new()` keeps its slot
/// (and the object) until the instance dies; store `None` first to let go
/// of the object sooner.
///
/// A class has one slot per `Field` its type can hold: a `Field` field, an
/// `Option<Field>`, an array of them, or a type implementing
/// [`FieldSlots`].
pub struct Field {
    /// 0: no slot (empty); k: the instance's slot k - 1.
    slot: Cell<u32>,
}

impl Field {
    /// An empty field.
    pub const fn new() -> Self {
        Field { slot: Cell::new(0) }
    }

    /// Whether the field holds no object.
    pub fn is_empty(&self) -> bool {
        self.slot.get() == 0
    }

    fn check_inside<T: HPyClass>(&self, data: NonNull<ClassData<T>>) {
        // SAFETY: a field projection of a live block, nothing is read.
        let start = unsafe { ClassData::value_ptr(data.as_ptr()) } as usize;
        let end = start + core::mem::size_of::<T>();
        let me = self as *const Field as usize;
        assert!(
            (start..end).contains(&me),
            "hpy::Field used with an object that does not contain it"
        );
    }

    /// The slot this field names in `data`'s instance, if it names one.
    ///
    /// # Safety
    /// `data` is the whole block of a live instance of `T`.
    unsafe fn slot_in<T: HPyClass>(&self, data: NonNull<ClassData<T>>) -> Option<*mut HPyField> {
        let k = self.slot.get() as usize;
        // A field moved in from another instance may name any number: only
        // this instance's own slots are ever touched.
        // SAFETY: forwarded; slot k - 1 < FIELD_SLOTS is within the block.
        (k != 0 && k <= T::FIELD_SLOTS)
            .then(|| unsafe { ClassData::slots(data.as_ptr()).add(k - 1) })
    }

    /// # Safety
    /// `data` is the whole block of `owner`, a live instance of `T`.
    unsafe fn load_from<'ctx, T: HPyClass>(
        &self,
        owner: &Handle<'ctx>,
        data: NonNull<ClassData<T>>,
    ) -> Option<Handle<'ctx>> {
        self.check_inside(data);
        // SAFETY: forwarded.
        let slot = unsafe { self.slot_in(data) }?;
        // SAFETY: a slot of `owner`'s block: zero (empty) or stored by HPy.
        let raw = unsafe { *slot };
        if raw._i == 0 {
            return None;
        }
        let ctx = owner.context();
        // SAFETY: a non-empty field of `owner`; the result is a new owned
        // handle.
        unsafe {
            let h = hpy_sys::HPyField_Load(ctx.as_raw(), owner.as_raw(), raw);
            Some(Handle::from_raw(ctx, h))
        }
    }

    /// # Safety
    /// `data` is the whole block of `owner`, a live instance of `T`.
    unsafe fn store_into<'ctx, T: HPyClass>(
        &self,
        owner: &Handle<'ctx>,
        data: NonNull<ClassData<T>>,
        value: Option<&Handle<'ctx>>,
    ) {
        let raw = value.map_or(hpy_sys::HPy_NULL, Handle::as_raw);
        // SAFETY: forwarded; `raw` is NULL or a live handle.
        unsafe { self.store_raw(owner, data, raw) }
    }

    /// `store_into` with the value as a raw handle (NULL: clear).
    ///
    /// # Safety
    /// `data` is the whole block of `owner`, a live instance of `T`;
    /// `value` is NULL or a handle valid in `owner`'s context.
    pub(crate) unsafe fn store_raw<T: HPyClass>(
        &self,
        owner: &Handle<'_>,
        data: NonNull<ClassData<T>>,
        value: HPy,
    ) {
        self.check_inside(data);
        let clear = value._i == 0;
        // SAFETY: forwarded.
        let slot = match unsafe { self.slot_in(data) } {
            Some(slot) => slot,
            None if clear => {
                self.slot.set(0);
                return;
            }
            // SAFETY: forwarded.
            None => unsafe { self.claim_slot(data) },
        };
        let ctx = owner.context();
        // SAFETY: a slot of `owner`'s block; HPy takes its own reference to
        // `value` and releases the previous one.
        unsafe { hpy_sys::HPyField_Store(ctx.as_raw(), owner.as_raw(), slot, value) }
        if clear {
            // An empty slot is a free slot.
            self.slot.set(0);
        }
    }

    /// Gives this field a free (empty) slot of `data`'s instance.
    ///
    /// # Safety
    /// `data` is the whole block of a live instance of `T`.
    unsafe fn claim_slot<T: HPyClass>(&self, data: NonNull<ClassData<T>>) -> *mut HPyField {
        for k in 0..T::FIELD_SLOTS {
            // SAFETY: forwarded; k < FIELD_SLOTS.
            let slot = unsafe { ClassData::slots(data.as_ptr()).add(k) };
            // SAFETY: a slot of the block, zero or stored by HPy.
            if unsafe { (*slot)._i } == 0 {
                self.slot.set(k as u32 + 1);
                return slot;
            }
        }
        panic!(
            "hpy::Field: every Field slot of this {} object is in use ({}): a class has one \
             slot per Field its type declares (a Field, an Option<Field> or an array of them, \
             or a type that implements hpy::FieldSlots)",
            T::INFO.python_name(),
            T::FIELD_SLOTS
        )
    }
}

impl Default for Field {
    fn default() -> Self {
        Field::new()
    }
}

/// Types that hold [`Field`]s, and how many: a class gets one slot per
/// `Field` its fields' types can hold. Implemented for `Field`,
/// `Option<T>` and `[T; N]`; implement it for a struct of your own that
/// holds `Field`s and is used inside a class.
///
/// Safe to implement: a count that is too small only makes
/// [`Ref::store`] panic when the slots run out.
///
/// ```
/// use hpy::{hpy_class, Field, FieldSlots};
///
/// struct Edge {
///     from: Field,
///     to: Field,
/// }
///
/// impl FieldSlots for Edge {
///     const COUNT: usize = 2;
/// }
///
/// #[hpy_class(module = "graph")]
/// struct Graph {
///     edges: [Edge; 4],
/// }
/// ```
pub trait FieldSlots {
    /// How many `Field`s a value of this type holds at most.
    const COUNT: usize;
}

impl FieldSlots for Field {
    const COUNT: usize = 1;
}

impl<T: FieldSlots> FieldSlots for Option<T> {
    const COUNT: usize = T::COUNT;
}

impl<T: FieldSlots, const N: usize> FieldSlots for [T; N] {
    const COUNT: usize = T::COUNT * N;
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
