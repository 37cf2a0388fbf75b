//! The memory of an instance: [`HPyClass`], whose items fix it, and
//! [`ClassData`], the block that holds the Rust value.

use core::cell::{Cell, UnsafeCell};
use core::ffi::c_int;
use core::mem::MaybeUninit;

use hpy_sys::HPyField;

use crate::class::ClassInfo;
use crate::{HPyErr, HPyResult};

#[cfg(doc)]
use super::{Field, FieldSlots, TypedField};

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
/// thread that holds the interpreter lock. `#[hpy_class]` checks it once,
/// on the struct's name (a supertrait bound would report it again on every
/// impl the macros write).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an hpy class",
    label = "not declared with `#[hpy_class]`",
    note = "declare the struct with `#[hpy::hpy_class]` (and list it in `hpy_module!`'s `types:`)"
)]
pub unsafe trait HPyClass: Sized + 'static {
    /// Static facts about the class (name, flags, shape, …).
    #[doc(hidden)]
    const INFO: ClassInfo;

    /// How many [`Field`] slots an instance's block has after the value:
    /// the `Field`s its type can hold (see [`FieldSlots`]).
    #[doc(hidden)]
    const FIELD_SLOTS: usize;

    /// Whether the value can hold [`TypedField`]s: the block then ends with
    /// a cache entry per `Field` slot (see `typed`), after the object
    /// slots (`__dict__`, weak references).
    #[doc(hidden)]
    const TYPED_FIELDS: bool = false;

    /// Where a `WithFields` of the class keeps its objects (and their
    /// cache entries, if `TYPED_FIELDS`) until the instance exists: room
    /// for `FIELD_SLOTS` of them.
    #[doc(hidden)]
    type Pending<'ctx>: super::PendingList<'ctx>;

    /// How `tp_traverse` reaches fields the value holds outside the slots
    /// (see `impl_::class::VisitValue`); `None` for most classes.
    #[doc(hidden)]
    const VISIT_VALUE: Option<crate::class::VisitValueFn> = None;

    /// Whether an instance has `Field` slots (or value fields, or a
    /// `__dict__`) to traverse: this class's or a Rust ancestor's (`extends`).
    #[doc(hidden)]
    const HAS_FIELDS: bool = Self::FIELD_SLOTS > 0 || Self::DICT || Self::VISIT_VALUE.is_some();

    /// `#[hpy_class(dict)]`: instances have a `__dict__`, kept in a slot
    /// after the `Field` slots (an `HPyField` to the traverse function).
    #[doc(hidden)]
    const DICT: bool = false;

    /// `#[hpy_class(weakref)]`: instances can be weakly referenced; the
    /// list of weak references is kept in the last slot.
    #[doc(hidden)]
    const WEAKREF: bool = false;

    /// Where the type object of the running module is kept.
    #[doc(hidden)]
    fn type_slot() -> &'static crate::class::TypeSlot;

    /// The `HPyGlobal` of [`type_slot`](Self::type_slot), for the module
    /// definition's `globals` array (reached through the trait, so that
    /// listing a type that is not a class in `hpy_module!` says so).
    #[doc(hidden)]
    const TYPE_GLOBAL: *mut hpy_sys::HPyGlobal;

    /// The `HPyGlobal`s of the variant classes of an enum with data (each
    /// holds one variant's type object), listed in the module definition
    /// after [`TYPE_GLOBAL`](Self::TYPE_GLOBAL); none for other classes.
    #[doc(hidden)]
    const VARIANT_GLOBALS: &'static [*mut hpy_sys::HPyGlobal] = &[];

    /// The class's type-stub description (a JSON line; see
    /// `impl_::stubs`), which `hpy_module!` puts into the binary.
    #[doc(hidden)]
    const STUB: &'static str = "";

    /// Where the type object of an instance holding `value` is kept: the
    /// class's own ([`type_slot`](Self::type_slot)), or for an enum with
    /// data, its variant class's.
    #[doc(hidden)]
    fn value_type_slot(value: &Self) -> &'static crate::class::TypeSlot {
        let _ = value;
        Self::type_slot()
    }

    /// For classes extending a builtin type, whose instances are made by the
    /// builtin's constructor: the value their data starts with
    /// (`Default::default()`), set on first access. `None` for other classes.
    #[doc(hidden)]
    fn default_value() -> Option<Self>;

    /// Whether an instance needs `tp_destroy`: this class's value or an
    /// ancestor's (`extends`) has drop glue.
    #[doc(hidden)]
    const NEEDS_DESTROY: bool = core::mem::needs_drop::<Self>();

    /// `#[hpy_class(frozen)]`: no [`RefMut`](crate::RefMut) of the class
    /// compiles, so shared borrows need not be counted.
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

/// A class whose instances are never borrowed mutably
/// (`#[hpy_class(frozen)]`): what [`Ref::get_typed`](super::Ref::get_typed) needs to
/// hand out a `&U` read through a [`TypedField`] without counting the
/// borrow. Implemented by [`hpy_class`](crate::hpy_class) only.
///
/// # Safety
/// No [`RefMut`](crate::RefMut) of the class can exist: its `FROZEN` is
/// `true`. Only `#[hpy_class(frozen)]` implements it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `frozen` class: a `TypedField` can only be read without a borrow from a frozen class",
    label = "not declared with `#[hpy_class(frozen)]`",
    note = "declare it with `#[hpy_class(frozen)]` (its value can then never be borrowed mutably), or keep it in a `Field` and read it with `load` and `extract::<Ref<_>>()`"
)]
pub unsafe trait FrozenClass: HPyClass {}

/// The memory block HPy allocates for an instance: a canary, a borrow
/// flag, an "initialised" flag and the Rust value, followed by
/// `T::FIELD_SLOTS` `HPyField` slots (the storage of the value's
/// [`Field`]s, out of reach of `&mut T`). HPy zeroes it, and all-zero means
/// "not borrowed, not initialised, every slot empty".
#[repr(C)]
pub struct ClassData<T> {
    /// `CANARY` while the value is alive (see `locate_start`).
    canary: Cell<usize>,
    /// 0: free; n > 0: n shared borrows; -1: borrowed mutably (the guards'
    /// flag, see `guard`).
    pub(super) borrow: Cell<isize>,
    /// 1 while the value is alive, [`DESTROYED`] once it was dropped (0:
    /// never written). A whole word, so that the header has no padding
    /// (`locate_start` reads its words).
    initialized: Cell<usize>,
    /// Which class wrote the block and, in the first block, which class
    /// made the instance: where the interpreter lets an object change its
    /// class (PyPy), receivers are checked against it (`creator.rs`;
    /// zero-sized where the ABI needs no check).
    pub(crate) tag: super::tag::BlockTag,
    value: UnsafeCell<MaybeUninit<T>>,
}

/// A class's identity: the address of its type slot, a `static` of its
/// own (what a block's tag and a `TypedField`'s cache entry record).
#[inline(always)]
pub(crate) fn class_id<T: HPyClass>() -> usize {
    core::ptr::from_ref::<super::info::TypeSlot>(T::type_slot()) as usize
}

/// `initialized` of a block whose value was dropped (`tp_destroy`): an
/// object PyPy destroyed although its `__del__` kept it (issue 25, N2).
const DESTROYED: usize = 2;

/// Marks a live `ClassData` ("hpy-rs d").
pub(crate) const CANARY: usize = 0x6870_792d_7273_2064;

impl<T> ClassData<T> {
    /// Where the Rust value starts inside the block (for member offsets).
    pub const VALUE_OFFSET: usize = core::mem::offset_of!(ClassData<T>, value);

    /// Whether hpy-rs wrote this header: the value is alive (canary) or
    /// was dropped by `destroy`.
    #[cfg_attr(not(feature = "universal"), allow(dead_code))]
    pub(crate) fn written_by_hpy_rs(&self) -> bool {
        self.canary.get() == CANARY || self.initialized.get() == DESTROYED
    }
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
                tag: super::tag::BlockTag::new(class_id::<T>()),
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
            if (*data).initialized.get() == 1 {
                (*data).initialized.set(DESTROYED);
                (*data).canary.set(0);
                (*(*data).value.get()).assume_init_drop();
            }
        }
    }

    /// Whether the value was written and not yet dropped (neither 0, never
    /// written, nor [`DESTROYED`]).
    ///
    /// # Safety
    /// `data` must point to a block of a live instance.
    pub(crate) unsafe fn is_initialized(data: *const ClassData<T>) -> bool {
        // SAFETY: forwarded; only the header flag is read.
        unsafe { (*data).initialized.get() == 1 }
    }

    /// Using an object whose value was dropped (see [`DESTROYED`]).
    #[cold]
    pub(crate) fn destroyed_error() -> HPyErr {
        HPyErr::runtime_error(format!(
            "{} object was destroyed (the interpreter finalised it although its __del__ kept it)",
            T::INFO.python_name()
        ))
    }

    /// Checks that the value was written; for a class extending a builtin
    /// type, writes the default value on first access.
    #[inline(always)]
    pub(super) fn check_initialized(&self) -> HPyResult<()> {
        if self.initialized.get() == 1 {
            Ok(())
        } else {
            self.not_initialized()
        }
    }

    /// [`check_initialized`](Self::check_initialized) of a value not
    /// written (yet, or any more), out of line.
    #[cold]
    #[inline(never)]
    fn not_initialized(&self) -> HPyResult<()> {
        let state = self.initialized.get();
        if state == DESTROYED {
            Err(Self::destroyed_error())
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
}
