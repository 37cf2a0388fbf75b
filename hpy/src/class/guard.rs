//! The borrow guards [`Ref`] and [`RefMut`]: a `RefCell`-like flag in the
//! instance's block, checked on every borrow.

use core::ops::{Deref, DerefMut};
use core::ptr::NonNull;

use super::cache::CacheEntry;
use super::typed::cached_value;
use super::{ClassData, Field, FrozenClass, HPyClass, TypedField};
use crate::{Borrowed, FromHPy, HPyErr, HPyResult, Handle};

#[cfg(doc)]
use super::FieldSlots;

/// The borrow flag's value while the value is borrowed mutably.
const MUT: isize = -1;

impl<T: HPyClass> ClassData<T> {
    /// Registers a shared borrow, unless the value is borrowed mutably.
    /// Inlined: for a `frozen` class it is one compare (the value was
    /// written); out of line, the call around it cost 9 instructions per
    /// method call (xxhash's `update` and `intdigest`, CPython 3.14).
    #[inline]
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

    /// Registers the exclusive borrow, unless the value is borrowed at all.
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
    data: Option<Block<T>>,
}

/// An exclusive borrow of the Rust value of an instance of `T`.
pub struct RefMut<'a, 'ctx, T: HPyClass> {
    owner: Borrowed<'a, 'ctx>,
    /// As for [`Ref`].
    data: Option<Block<T>>,
}

/// A guard's pointer to its instance's block. It is `Send` and `Sync` so
/// that the compiler's error about sending a guard to another thread names
/// the guard's handle (`OnlyGlobalAndPlainDataCrossThreads`), the reason it
/// cannot go, and not this pointer.
struct Block<T: HPyClass>(NonNull<ClassData<T>>);

// SAFETY: a `Block` is only ever a private field of `Ref`/`RefMut`, which
// are neither `Send` nor `Sync` (their `Borrowed` handle is not), so no
// block pointer reaches another thread through them.
unsafe impl<T: HPyClass> Send for Block<T> {}
// SAFETY: as for `Send`.
unsafe impl<T: HPyClass> Sync for Block<T> {}

impl<T: HPyClass> Clone for Block<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: HPyClass> Copy for Block<T> {}

impl<T: HPyClass> Deref for Block<T> {
    type Target = NonNull<ClassData<T>>;

    fn deref(&self) -> &NonNull<ClassData<T>> {
        &self.0
    }
}

/// The data block of `obj`, which must be an instance of `T`'s type.
///
/// # Safety
/// `obj` must be an instance of `T`'s Python type (or of a subclass).
unsafe fn data_of<T: HPyClass>(obj: &Borrowed<'_, '_>) -> HPyResult<NonNull<ClassData<T>>> {
    let plain = T::INFO.shape == hpy_sys::HPyType_BuiltinShape_Object;
    if !plain && crate::abi::host_has(crate::abi::Quirk::NoBuiltinShapes) {
        return Err(HPyErr::type_error(format!(
            "{}: this interpreter's HPy cannot reach the Rust data of classes that extend builtin types",
            T::INFO.python_name()
        )));
    }
    // SAFETY: forwarded: an instance of T's type carries a ClassData<T> block
    // (and its slots) that lives as long as the object; where the
    // interpreter lets its class change or destroys it early (PyPy),
    // `checked_block` verifies that first.
    let data = unsafe { crate::class::checked_block::<T>(obj)? };
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
            #[inline]
            pub unsafe fn borrow_unchecked(obj: Borrowed<'a, 'ctx>) -> HPyResult<Self> {
                if crate::class::data_size::<T>() == 0 {
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
                    data: Some(Block(data)),
                })
            }

            #[doc = concat!("Borrows the value of `obj` ", $what, " if it is an instance of `T`.")]
            pub fn borrow(obj: Borrowed<'a, 'ctx>) -> HPyResult<Self> {
                crate::class::check_instance::<T>(&obj)?;
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

            /// Reads a [`TypedField`] of this object: its object's value,
            /// with no HPy call on CPython (a few loads and compares; on
            /// PyPy, which can destroy an object that is still referenced,
            /// it first asks HPy where the object's data is); `None` if the
            /// field holds no object, or one whose value the interpreter
            /// destroyed although it is still referenced (PyPy).
            ///
            /// The result lives as long as this borrow of the field, so no
            /// store through an exclusive borrow of this object
            /// ([`RefMut::set_typed`]) can drop the object meanwhile.
            ///
            /// ```
            /// use hpy::{hpy_class, hpy_methods, Ref, TypedField};
            ///
            /// #[hpy_class(module = "algebra", frozen)]
            /// struct Variable {
            ///     value: f64,
            /// }
            ///
            /// #[hpy_class(module = "algebra")]
            /// struct Term {
            ///     variable: TypedField<Variable>,
            ///     coefficient: f64,
            /// }
            ///
            /// #[hpy_methods]
            /// impl Term {
            ///     fn value(slf: Ref<'_, '_, Self>) -> Option<f64> {
            ///         let variable = slf.get_typed(&slf.variable)?;
            ///         Some(variable.value * slf.coefficient)
            ///     }
            /// }
            /// ```
            ///
            /// # Panics
            /// If `field` is not part of this object's value.
            #[inline]
            pub fn get_typed<'s, U: FrozenClass>(&self, field: &'s TypedField<U>) -> Option<&'s U> {
                let data = self.block();
                field.field().check_inside_of(data);
                // SAFETY: the block of this live, borrowed instance.
                let entry = unsafe { field.field().entry_in(data) }?;
                if !entry.names::<U>() {
                    return None;
                }
                if crate::abi::quirk_possible(crate::abi::Quirk::DestroysReferenced)
                    && crate::abi::host_has(crate::abi::Quirk::DestroysReferenced)
                    && !self.typed_target_alive::<U>(field, entry)
                {
                    return None;
                }
                // SAFETY: the entry of a non-empty slot of this instance,
                // kept by the cache invariant; `U` is frozen; `'s` is a
                // borrow of this object's value, so a guard of it lives as
                // long: no `RefMut` (the only typed store after creation)
                // until then, and an untyped store never replaces a typed
                // slot's object.
                unsafe { cached_value(entry) }
            }

            /// Loads the object of a [`TypedField`] as a handle
            /// (`HPyField_Load`), for code that needs the object itself
            /// (to return it, or store it in another instance); `None` if
            /// it holds none.
            ///
            /// # Panics
            /// If `field` is not part of this object's value.
            pub fn load_typed<U: HPyClass>(&self, field: &TypedField<U>) -> Option<Handle<'ctx>> {
                self.load(field.field())
            }

            /// Whether the object in `field`'s slot still has the data
            /// block `entry` names, asked of HPy: where an object can be
            /// destroyed while referenced (`Quirk::DestroysReferenced`),
            /// its storage may have been freed, and the cached block must
            /// not be read before this says it is still the object's.
            #[cold]
            #[inline(never)]
            fn typed_target_alive<U: HPyClass>(
                &self,
                field: &TypedField<U>,
                entry: CacheEntry,
            ) -> bool {
                let Some(target) = self.load(field.field()) else {
                    return false;
                };
                if crate::class::data_size::<U>() == 0 {
                    // No block to read, none to lose.
                    return true;
                }
                // SAFETY: by the cache invariant the slot holds an instance
                // of `U` (or of a subclass); `checked_block` verifies the
                // rest (a destroyed object, an assigned `__class__`).
                let block = unsafe { crate::class::checked_block::<U>(&target.borrow()) };
                matches!(block, Ok(b) if b.cast_const().cast::<u8>() == entry.block)
            }

            fn block(&self) -> NonNull<ClassData<T>> {
                // A `Field` is not zero-sized, so a type holding one has a block.
                self.data.expect("a type with a Field is not zero-sized").0
            }
        }
    };
}

guard_methods!(Ref, try_borrow, "(shared)");

impl<T: HPyClass> Ref<'_, '_, T> {
    /// The cache entry naming this object's block, for a `TypedField`
    /// that stores it.
    pub(super) fn cache_entry(&self) -> CacheEntry {
        CacheEntry::of::<T>(self.data.map(|d| d.as_ptr().cast_const()))
    }
}

impl<'ctx, T: HPyClass> Ref<'_, 'ctx, T> {
    /// The object of a [`TypedField`] of this instance and its cache
    /// entry, for storing it in a new instance's `TypedField` with no class
    /// test (`WithFields::set_typed_from`): `None` if it holds none.
    ///
    /// # Panics
    /// If `field` is not part of this object's value.
    #[inline(always)]
    pub(super) fn typed_parts<U: HPyClass>(
        &self,
        field: &TypedField<U>,
    ) -> Option<(Handle<'ctx>, CacheEntry)> {
        let data = self.block();
        field.field().check_inside_of(data);
        // The slot and its entry, found once and read in place.
        // SAFETY: the block of this live, borrowed instance.
        let (raw, entry) = unsafe { field.field().held_in(data) }?;
        let ctx = self.owner.context();
        // SAFETY: a non-empty slot of this live instance (the owner HPy
        // needs); the result is a new owned handle.
        let obj = unsafe {
            Handle::from_raw(
                ctx,
                hpy_sys::HPyField_Load(ctx.as_raw(), self.owner.as_raw(), raw),
            )
        };
        if entry.names::<U>() {
            // The slot's entry names the object's block (the cache
            // invariant; where an object can be destroyed while referenced,
            // readers of the new instance check it again, as of this one).
            Some((obj, entry))
        } else {
            typed_parts_slow::<U>(obj)
        }
    }
}

/// [`Ref::typed_parts`] for a slot without a usable entry (not expected:
/// a `TypedField<U>` stores instances of `U` only): the entry is made
/// from the object's class, and an object that is not a `U` is not
/// copied.
#[cold]
#[inline(never)]
fn typed_parts_slow<U: HPyClass>(obj: Handle<'_>) -> Option<(Handle<'_>, CacheEntry)> {
    let entry = obj.as_class::<U>().ok()??.cache_entry();
    Some((obj, entry))
}

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

impl<'ctx, T: HPyClass> RefMut<'_, 'ctx, T> {
    /// Stores the object `value` borrows in the [`TypedField`] `pick`
    /// chooses (`HPyField_Store`), or clears it (`None`). Takes this guard
    /// exclusively: no `&U` read from this object ([`Ref::get_typed`]) is alive,
    /// so dropping the previous object is safe.
    ///
    /// ```
    /// use hpy::{hpy_class, hpy_methods, Ref, RefMut, TypedField};
    ///
    /// #[hpy_class(module = "algebra", frozen)]
    /// struct Variable {
    ///     value: f64,
    /// }
    ///
    /// #[hpy_class(module = "algebra")]
    /// struct Term {
    ///     variable: TypedField<Variable>,
    /// }
    ///
    /// #[hpy_methods]
    /// impl Term {
    ///     fn rebind<'ctx>(mut slf: RefMut<'_, 'ctx, Self>, to: Option<Ref<'_, 'ctx, Variable>>) {
    ///         slf.set_typed(|t| &mut t.variable, to.as_ref());
    ///     }
    /// }
    /// ```
    ///
    /// # Panics
    /// If the field is not part of this object's value, if the object has
    /// no free `Field` slot (see [`FieldSlots`]), or if the class does not
    /// know it holds `TypedField`s (a [`FieldSlots`] type of its own
    /// holding one without `const TYPED: bool = true`).
    pub fn set_typed<U: HPyClass>(
        &mut self,
        pick: impl FnOnce(&mut T) -> &mut TypedField<U>,
        value: Option<&Ref<'_, 'ctx, U>>,
    ) {
        let field: *const TypedField<U> = pick(&mut **self);
        // SAFETY: a field of this guard's value, which nothing else borrows
        // (the `&mut` above has ended; this guard is exclusive).
        let field = unsafe { &*field }.field();
        let data = self.block();
        field.check_inside_of(data);
        let (raw, entry) = match value {
            Some(v) => (v.handle().as_raw(), v.cache_entry()),
            None => (hpy_sys::HPy_NULL, CacheEntry::cleared::<U>()),
        };
        // SAFETY: the block of this live instance, borrowed exclusively
        // (no `&U` read through it is alive); `raw` is NULL or a live
        // handle of this context; `entry` names its block.
        unsafe { field.store_typed(&self.owner, data, raw, entry) }
    }
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
fn shared_value<'a, T: HPyClass>(data: Option<Block<T>>) -> &'a T {
    match data {
        // SAFETY: only called by a guard, which registered its borrow in the
        // flag (so no other `&mut` exists) after checking that the value is
        // initialised; the guard's lifetime bounds the result's.
        Some(data) => unsafe { &*ClassData::value_ptr(data.as_ptr()) },
        None => super::layout::zst_ref(),
    }
}

impl<T: HPyClass> DerefMut for RefMut<'_, '_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        match self.data {
            // SAFETY: the exclusive borrow is registered in the flag, and this
            // guard is its only holder.
            Some(data) => unsafe { &mut *ClassData::value_ptr(data.as_ptr()) },
            None => super::layout::zst_ref(),
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

/// Borrows the value of a method's `self` (shared).
///
/// # Safety
/// `slf` must be the `self` HPy passes to a method or slot of `T`'s type,
/// which the interpreter guarantees is an instance of `T`.
#[inline(always)]
pub unsafe fn self_ref<'a, 'ctx, T: HPyClass>(
    slf: Borrowed<'a, 'ctx>,
) -> HPyResult<Ref<'a, 'ctx, T>> {
    // SAFETY: forwarded.
    unsafe { Ref::borrow_unchecked(slf) }
}

/// Borrows a method's `self` as class `T` (a `slf: Ref<.., T>` receiver
/// naming a class): without a type check when `T` is the method's class
/// `S` (as [`self_ref`]; the compare folds away), with one otherwise.
///
/// # Safety
/// As for [`self_ref`], with `S` the class whose definitions list the
/// entry.
#[inline(always)]
pub unsafe fn self_ref_as<'a, 'ctx, S: HPyClass, T: HPyClass>(
    slf: Borrowed<'a, 'ctx>,
) -> HPyResult<Ref<'a, 'ctx, T>> {
    if core::any::TypeId::of::<S>() == core::any::TypeId::of::<T>() {
        // SAFETY: forwarded: `self` is an instance of `S`, which is `T`.
        unsafe { Ref::borrow_unchecked(slf) }
    } else {
        Ref::borrow(slf)
    }
}

/// [`self_ref_as`] for an exclusive borrow.
///
/// # Safety
/// As for [`self_ref_as`].
#[inline(always)]
pub unsafe fn self_mut_as<'a, 'ctx, S: HPyClass, T: HPyClass>(
    slf: Borrowed<'a, 'ctx>,
) -> HPyResult<RefMut<'a, 'ctx, T>> {
    if core::any::TypeId::of::<S>() == core::any::TypeId::of::<T>() {
        // SAFETY: forwarded: `self` is an instance of `S`, which is `T`.
        unsafe { RefMut::borrow_unchecked(slf) }
    } else {
        RefMut::borrow(slf)
    }
}

/// Borrows the value of a method's `self` exclusively; as [`self_ref`].
///
/// # Safety
/// As for [`self_ref`].
#[inline(always)]
pub unsafe fn self_mut<'a, 'ctx, T: HPyClass>(
    slf: Borrowed<'a, 'ctx>,
) -> HPyResult<RefMut<'a, 'ctx, T>> {
    // SAFETY: forwarded.
    unsafe { RefMut::borrow_unchecked(slf) }
}
