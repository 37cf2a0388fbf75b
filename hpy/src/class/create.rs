//! Creating instances from Rust: [`WithFields`] (a value with objects for
//! its `Field`s) and [`type_object`].

use super::chain::{AfterNew, Ancestors, FieldRefs, FieldValues};
use super::new::{new_instance_with, with_type, NewValue};
use super::pending::{PendingList, BORROWED_ENTRY, TYPED_ENTRY};
use super::ClassData;
use super::{Field, HPyClass, Ref, TypedField};
use crate::{Abc, Context, HPyResult, Handle};

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
pub struct WithFields<'ctx, T: HPyClass> {
    value: T,
    /// The objects, and the cache entries of those set through
    /// `TypedField`s: room for as many as the class has `Field` slots, so
    /// that a builder is as small (and as cheap to move) as its class
    /// allows.
    fields: T::Pending<'ctx>,
}

impl<'ctx, T: HPyClass> WithFields<'ctx, T> {
    /// The value, with no field set yet.
    #[inline(always)]
    pub fn new(value: T) -> Self {
        WithFields {
            value,
            fields: PendingList::new(),
        }
    }

    /// Stores `obj` in the field `field` picks out of the value.
    ///
    /// # Panics
    /// If `field` returns a `Field` that is not part of the value.
    // Inline: a builder taken and given back by value is moved whole
    // (value and pending objects) on every call otherwise.
    #[inline(always)]
    pub fn set(mut self, field: impl FnOnce(&T) -> &Field, obj: Handle<'ctx>) -> Self {
        self.add(field, obj, UNTYPED, "WithFields::set");
        self
    }

    /// [`set`](Self::set) in place, for fields filled in a loop or a
    /// branch: `builder = builder.set(..)` in a loop moves the whole
    /// builder (value and pending objects, a `memcpy` of a few hundred
    /// bytes) on every turn, `builder.put(..)` writes one entry.
    ///
    /// ```
    /// use hpy::{hpy_class, Field, Handle, WithFields};
    ///
    /// #[hpy_class(module = "shapes", frozen)]
    /// struct Polygon {
    ///     corners: [Field; 4],
    /// }
    ///
    /// fn polygon<'ctx>(corners: Vec<Handle<'ctx>>) -> WithFields<'ctx, Polygon> {
    ///     let mut polygon = WithFields::new(Polygon { corners: Default::default() });
    ///     for (i, corner) in corners.into_iter().take(4).enumerate() {
    ///         polygon.put(|p| &p.corners[i], corner);
    ///     }
    ///     polygon
    /// }
    /// ```
    ///
    /// # Panics
    /// If `field` returns a `Field` that is not part of the value.
    #[inline(always)]
    pub fn put(&mut self, field: impl FnOnce(&T) -> &Field, obj: Handle<'ctx>) -> &mut Self {
        self.add(field, obj, UNTYPED, "WithFields::put");
        self
    }

    /// Stores the object `obj` borrows in the [`TypedField`] `field` picks
    /// out of the value: [`Ref::get_typed`] then reads it with no HPy call.
    ///
    /// ```
    /// use hpy::{hpy_class, Ref, TypedField, WithFields};
    ///
    /// #[hpy_class(module = "tree", frozen)]
    /// struct Leaf {
    ///     weight: f64,
    /// }
    ///
    /// #[hpy_class(module = "tree", frozen)]
    /// struct Branch {
    ///     left: TypedField<Leaf>,
    ///     right: Option<TypedField<Leaf>>,
    /// }
    ///
    /// fn branch<'ctx>(left: &Ref<'_, 'ctx, Leaf>) -> WithFields<'ctx, Branch> {
    ///     let value = Branch { left: TypedField::new(), right: None };
    ///     WithFields::new(value).set_typed(|b| &b.left, left)
    /// }
    /// ```
    ///
    /// # Panics
    /// If `field` returns a `TypedField` that is not part of the value.
    #[inline(always)]
    pub fn set_typed<U: HPyClass>(
        mut self,
        field: impl FnOnce(&T) -> &TypedField<U>,
        obj: &Ref<'_, 'ctx, U>,
    ) -> Self {
        self.add_typed(field, obj, false, "WithFields::set_typed");
        self
    }

    /// [`set_typed`](Self::set_typed) without a handle of the builder's
    /// own: the builder borrows `obj`'s handle, and the result carries that
    /// borrow's lifetime `'a` ([`WithBorrowedFields`]), so it cannot outlive
    /// the handle. For an object the function was given as an argument
    /// (`Ref<'a, 'ctx, U>`), which stays open until its call returns: the
    /// instance is made before that, with no duplicate of the handle and no
    /// close (on PyPy two HPy calls fewer per instance; on CPython the same
    /// work as `set_typed`).
    ///
    /// ```
    /// use hpy::{hpy_class, hpy_method, Ref, TypedField, WithBorrowedFields, WithFields};
    ///
    /// #[hpy_class(module = "tree", frozen)]
    /// struct Leaf {
    ///     weight: f64,
    /// }
    ///
    /// #[hpy_class(module = "tree", frozen)]
    /// struct Stem {
    ///     leaf: TypedField<Leaf>,
    ///     length: f64,
    /// }
    ///
    /// /// A `Stem` of `leaf` (the argument's handle borrowed until the
    /// /// instance is made).
    /// #[hpy_method]
    /// fn stem<'a, 'ctx>(leaf: Ref<'a, 'ctx, Leaf>, length: f64) -> WithBorrowedFields<'a, 'ctx, Stem> {
    ///     let value = Stem { leaf: TypedField::new(), length };
    ///     WithFields::new(value).set_typed_borrowed(|s| &s.leaf, &leaf)
    /// }
    /// ```
    ///
    /// # Panics
    /// If `field` returns a `TypedField` that is not part of the value.
    #[inline(always)]
    pub fn set_typed_borrowed<'a, U: HPyClass>(
        self,
        field: impl FnOnce(&T) -> &TypedField<U>,
        obj: &Ref<'a, 'ctx, U>,
    ) -> WithBorrowedFields<'a, 'ctx, T> {
        WithBorrowedFields {
            inner: self,
            _borrow: core::marker::PhantomData,
        }
        .set_typed_borrowed(field, obj)
    }

    /// [`set_typed`](Self::set_typed) in place, as [`put`](Self::put) is
    /// [`set`](Self::set).
    ///
    /// # Panics
    /// If `field` returns a `TypedField` that is not part of the value.
    #[inline(always)]
    pub fn put_typed<U: HPyClass>(
        &mut self,
        field: impl FnOnce(&T) -> &TypedField<U>,
        obj: &Ref<'_, 'ctx, U>,
    ) -> &mut Self {
        self.add_typed(field, obj, false, "WithFields::put_typed");
        self
    }

    /// Stores in the [`TypedField`] `field` picks the object that the
    /// `TypedField` `from` of the instance `source` holds, with no class
    /// test and no handle made twice: for a new instance sharing a
    /// reference with an existing one (a `Term` times a number, a new
    /// `Term` of the same `Variable`). Leaves `field` empty if `from` is.
    ///
    /// ```
    /// use hpy::{hpy_class, hpy_methods, Ref, TypedField, WithFields};
    ///
    /// #[hpy_class(module = "algebra", frozen)]
    /// struct Variable {
    ///     value: f64,
    /// }
    ///
    /// #[hpy_class(module = "algebra", frozen)]
    /// struct Term {
    ///     variable: TypedField<Variable>,
    ///     coefficient: f64,
    /// }
    ///
    /// #[hpy_methods]
    /// impl Term {
    ///     /// The same `Variable`, the coefficient times `k`.
    ///     fn __mul__<'ctx>(slf: Ref<'_, 'ctx, Self>, k: f64) -> WithFields<'ctx, Term> {
    ///         let term = Term { variable: TypedField::new(), coefficient: slf.coefficient * k };
    ///         WithFields::new(term).set_typed_from(|t| &t.variable, &slf, &slf.variable)
    ///     }
    /// }
    /// ```
    ///
    /// # Panics
    /// If `field` is not part of the value, or `from` not part of
    /// `source`'s.
    #[inline(always)]
    pub fn set_typed_from<S: HPyClass, U: HPyClass>(
        mut self,
        field: impl FnOnce(&T) -> &TypedField<U>,
        source: &Ref<'_, 'ctx, S>,
        from: &TypedField<U>,
    ) -> Self {
        self.add_typed_from(field, source, from, "WithFields::set_typed_from");
        self
    }

    /// [`set_typed_from`](Self::set_typed_from) in place, as
    /// [`put`](Self::put) is [`set`](Self::set).
    ///
    /// # Panics
    /// As [`set_typed_from`](Self::set_typed_from).
    #[inline(always)]
    pub fn put_typed_from<S: HPyClass, U: HPyClass>(
        &mut self,
        field: impl FnOnce(&T) -> &TypedField<U>,
        source: &Ref<'_, 'ctx, S>,
        from: &TypedField<U>,
    ) -> &mut Self {
        self.add_typed_from(field, source, from, "WithFields::put_typed_from");
        self
    }

    #[inline(always)]
    fn add_typed_from<S: HPyClass, U: HPyClass>(
        &mut self,
        field: impl FnOnce(&T) -> &TypedField<U>,
        source: &Ref<'_, 'ctx, S>,
        from: &TypedField<U>,
        what: &str,
    ) {
        Self::assert_typed(what);
        if let Some((obj, entry)) = source.typed_parts(from) {
            self.add(|v| field(v).field(), obj, (TYPED_ENTRY, entry), what);
        }
    }

    #[inline(always)]
    fn assert_typed(what: &str) {
        assert!(
            T::TYPED_FIELDS,
            "{what}: {} has no cache for TypedFields: a FieldSlots type holding one must say \
             `const TYPED: bool = true`",
            T::INFO.python_name()
        );
    }

    /// Stores `obj`'s object in the `TypedField` `field` picks: a
    /// duplicate of its handle, or with `borrowed` the handle itself,
    /// never closed by the builder (only [`WithBorrowedFields`], whose
    /// lifetime keeps the handle open until the builder is used up, passes
    /// `true`).
    #[inline(always)]
    fn add_typed<U: HPyClass>(
        &mut self,
        field: impl FnOnce(&T) -> &TypedField<U>,
        obj: &Ref<'_, 'ctx, U>,
        borrowed: bool,
        what: &str,
    ) {
        Self::assert_typed(what);
        let entry = obj.cache_entry();
        // Before the handle below exists: a panic in `field` (user code) or
        // the check drops nothing.
        let at = self.offset_of(|v| field(v).field(), what);
        let (h, tag) = if borrowed {
            // SAFETY: the same handle, not owned: the entry is marked
            // borrowed, so the list never closes it (`pending::release`,
            // also where `push` panics) and the store takes a reference of
            // its own; the caller (`WithBorrowedFields`) keeps it open
            // until the builder is used up.
            let h = unsafe { Handle::from_raw(obj.handle().context(), obj.handle().as_raw()) };
            (h, TYPED_ENTRY | BORROWED_ENTRY)
        } else {
            (obj.handle().dup(), TYPED_ENTRY)
        };
        self.push_at(at, tag, h, entry);
    }

    #[inline(always)]
    fn add(
        &mut self,
        field: impl FnOnce(&T) -> &Field,
        obj: Handle<'ctx>,
        (tag, entry): (usize, crate::class::CacheEntry),
        what: &str,
    ) {
        let at = self.offset_of(field, what);
        self.push_at(at, tag, obj, entry);
    }

    /// Adds `h` for the `Field` at offset `at` in the value and names that
    /// `Field` the slot its entry gives (a `Field` set before keeps its
    /// slot: see `PendingList::push`).
    #[inline(always)]
    fn push_at(&mut self, at: usize, tag: usize, h: Handle<'ctx>, entry: crate::class::CacheEntry) {
        // SAFETY: `at` is the offset of a `Field` inside the value, checked
        // by `offset_of` and aligned (it was picked through a reference);
        // only `self.value` is borrowed through it, `push` takes
        // `self.fields`.
        let picked = unsafe {
            &*(&self.value as *const T)
                .cast::<u8>()
                .add(at)
                .cast::<Field>()
        };
        let k = self.fields.push(picked.slot_number(), at | tag, h, entry);
        picked.name_slot(k);
    }

    /// The offset in the value of the `Field` that `field` picks.
    ///
    /// # Panics
    /// If it is not part of the value.
    #[inline(always)]
    fn offset_of(&self, field: impl FnOnce(&T) -> &Field, what: &str) -> usize {
        let start = &self.value as *const T as usize;
        let at = field(&self.value) as *const Field as usize;
        assert!(
            at >= start && at + core::mem::size_of::<Field>() <= start + core::mem::size_of::<T>(),
            "{what}: the Field is not part of the value"
        );
        at - start
    }

    /// The value, for reading while the fields are being chosen.
    pub fn value(&self) -> &T {
        &self.value
    }

    #[inline(always)]
    pub(crate) fn into_parts(self) -> (T, T::Pending<'ctx>) {
        (self.value, self.fields)
    }
}

/// A [`WithFields`] that borrows some of the objects it will store
/// (set through [`set_typed_borrowed`](WithFields::set_typed_borrowed)) for
/// the lifetime `'a`: returned from a function in place of the
/// `WithFields`, it makes the instance the same way, and cannot outlive
/// the handles it borrows: returning it past a handle the function owns,
/// or closing that handle before the builder is used, does not compile
/// (`tests/ui/with_borrowed_fields_*`). It takes more borrowed objects
/// only: set the owned ones on the `WithFields` first.
pub struct WithBorrowedFields<'a, 'ctx, T: HPyClass> {
    inner: WithFields<'ctx, T>,
    /// The handles borrowed for `'a` (covariant: a shorter borrow is fine).
    _borrow: core::marker::PhantomData<&'a Handle<'ctx>>,
}

impl<'a, 'ctx, T: HPyClass> WithBorrowedFields<'a, 'ctx, T> {
    /// [`WithFields::set_typed_borrowed`] on this builder.
    ///
    /// # Panics
    /// If `field` returns a `TypedField` that is not part of the value.
    #[inline(always)]
    pub fn set_typed_borrowed<U: HPyClass>(
        mut self,
        field: impl FnOnce(&T) -> &TypedField<U>,
        obj: &Ref<'a, 'ctx, U>,
    ) -> Self {
        self.inner
            .add_typed(field, obj, true, "WithFields::set_typed_borrowed");
        self
    }

    /// The value, for reading while the fields are being chosen.
    pub fn value(&self) -> &T {
        &self.inner.value
    }
}

impl<'ctx, T: HPyClass> crate::IntoHPy<'ctx> for WithBorrowedFields<'_, 'ctx, T> {
    #[inline(always)]
    fn into_hpy(self, ctx: crate::Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        // Within `'a`: the borrowed handles are open while it runs.
        new_instance_with_fields(ctx, self.inner)
    }
}

impl<'a, 'ctx, T: HPyClass> NewValue<T> for WithBorrowedFields<'a, 'ctx, T> {
    type Ancestors = BorrowedFieldValues<'a, 'ctx, T>;
    #[inline(always)]
    fn split(self) -> (T, BorrowedFieldValues<'a, 'ctx, T>) {
        let (value, fields) = self.inner.into_parts();
        (
            value,
            BorrowedFieldValues(FieldValues(fields), core::marker::PhantomData),
        )
    }
}

/// The [`FieldValues`] of a [`WithBorrowedFields`], keeping its borrow's
/// lifetime until the instance is made.
pub struct BorrowedFieldValues<'a, 'ctx, T: HPyClass>(
    FieldValues<'ctx, T>,
    core::marker::PhantomData<&'a Handle<'ctx>>,
);

impl<T: HPyClass> Ancestors<T> for BorrowedFieldValues<'_, '_, T> {
    type After = Self;
    #[inline(always)]
    unsafe fn write(self, start: *mut u8) -> Self {
        // SAFETY: forwarded.
        BorrowedFieldValues(unsafe { self.0.write(start) }, self.1)
    }
}

impl<T: HPyClass> AfterNew<T> for BorrowedFieldValues<'_, '_, T> {
    #[inline(always)]
    unsafe fn finish(self, obj: &Handle<'_>, data: *mut ClassData<T>) {
        // SAFETY: forwarded.
        unsafe { self.0.finish(obj, data) }
    }
}

/// The tag and cache entry of an object set through a plain `Field`.
const UNTYPED: (usize, crate::class::CacheEntry) = (0, crate::class::CacheEntry::EMPTY);

impl<'ctx, T: HPyClass> crate::IntoHPy<'ctx> for WithFields<'ctx, T> {
    #[inline(always)]
    fn into_hpy(self, ctx: crate::Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        new_instance_with_fields(ctx, self)
    }
}

/// The Python type object of class `T` in the running module (the one
/// `hpy_module!` created from its `types:` list).
pub fn type_object<'ctx, T: HPyClass>(ctx: crate::Context<'ctx>) -> HPyResult<Handle<'ctx>> {
    T::type_slot().load(ctx, const { T::INFO.python_name() })
}

impl<'ctx> Handle<'ctx> {
    /// Whether this object is an instance of class `T` (or of a subclass),
    /// without building an error when it is not: the cheap test for code
    /// that dispatches on several classes (an operator accepting a
    /// `Variable`, a `Term` or a number). On CPython it is a pointer
    /// compare once the module has created the class.
    ///
    /// ```
    /// use hpy::{hpy_class, hpy_methods, HPyResult, Handle};
    ///
    /// #[hpy_class(module = "shapes", frozen)]
    /// struct Square {
    ///     side: f64,
    /// }
    ///
    /// #[hpy_methods]
    /// impl Square {
    ///     /// Whether `obj` is a `Square`.
    ///     fn is_square(&self, obj: &Handle<'_>) -> HPyResult<bool> {
    ///         obj.is_instance_of::<Square>()
    ///     }
    /// }
    /// ```
    ///
    /// To read the instance's value after the test, use
    /// [`as_class`](Self::as_class), which tests once: `is_instance_of`
    /// followed by `extract::<Ref<T>>()` tests the class twice.
    ///
    /// Fails only if the class cannot be looked up (used before the module
    /// that lists it in `types` was executed).
    #[inline]
    pub fn is_instance_of<T: HPyClass>(&self) -> HPyResult<bool> {
        crate::class::is_instance::<T>(self)
    }

    /// The value of this object borrowed as class `T` ([`Ref`]) if it is an
    /// instance of `T` (or of a subclass), `None` if it is not: one class
    /// test (as [`is_instance_of`](Self::is_instance_of)) and no error
    /// built for an object of another class, where
    /// `extract::<Ref<T>>()` builds a `TypeError`. For code that dispatches
    /// on several classes and then reads the one it found.
    ///
    /// ```
    /// use hpy::{hpy_class, hpy_methods, HPyResult, Handle};
    ///
    /// #[hpy_class(module = "shapes", frozen)]
    /// struct Square {
    ///     side: f64,
    /// }
    ///
    /// #[hpy_class(module = "shapes", frozen)]
    /// struct Circle {
    ///     radius: f64,
    /// }
    ///
    /// /// The area of a `Square` or a `Circle`, `None` for anything else.
    /// fn area_of(obj: &Handle<'_>) -> HPyResult<Option<f64>> {
    ///     if let Some(square) = obj.as_class::<Square>()? {
    ///         return Ok(Some(square.side * square.side));
    ///     }
    ///     if let Some(circle) = obj.as_class::<Circle>()? {
    ///         return Ok(Some(std::f64::consts::PI * circle.radius * circle.radius));
    ///     }
    ///     Ok(None)
    /// }
    /// ```
    ///
    /// Fails if the class cannot be looked up (as `is_instance_of`), or if
    /// the value cannot be borrowed (already borrowed mutably, or never
    /// initialised), as `extract::<Ref<T>>()` does.
    #[inline]
    pub fn as_class<T: HPyClass>(&self) -> HPyResult<Option<Ref<'_, 'ctx, T>>> {
        if !crate::class::is_instance::<T>(self)? {
            return Ok(None);
        }
        // SAFETY: `self` is an instance of `T`'s type, tested just above.
        unsafe { Ref::borrow_unchecked(self.borrow()) }.map(Some)
    }
}

/// `WithFields` as a return value: the new instance of `T`.
#[inline(always)]
pub fn new_instance_with_fields<'ctx, T: HPyClass>(
    ctx: Context<'ctx>,
    mut builder: WithFields<'ctx, T>,
) -> HPyResult<Handle<'ctx>> {
    // The pending objects stay in this frame and are read in place
    // (`FieldRefs`); what is not stored (no instance was made) is closed
    // when `fields` drops here.
    // Read through the builder's own place (its fields borrowed, its value
    // moved out), not destructured into two new locals: a copy of the
    // whole builder on the way in, where the pending list's address is
    // taken (the universal ABI's `make_term`, CPython 3.14: some 30
    // instructions).
    let slot = T::value_type_slot(&builder.value);
    let fields = &mut builder.fields;
    let made = with_type::<T, _>(
        ctx,
        slot,
        #[inline(always)]
        |ty| new_instance_with(ty, builder.value, FieldRefs(fields)),
    );
    if made.is_ok() {
        // The instance took every object (`FieldRefs::finish` drained the
        // list, and a class with objects to store has a block, so it ran):
        // nothing is left to close or free, and the drop is skipped.
        debug_assert_eq!(builder.fields.len(), 0);
        core::mem::forget(builder.fields);
    }
    made
}

impl<'ctx, T: HPyClass> NewValue<T> for WithFields<'ctx, T> {
    type Ancestors = FieldValues<'ctx, T>;
    fn split(self) -> (T, FieldValues<'ctx, T>) {
        let (value, fields) = self.into_parts();
        (value, FieldValues(fields))
    }
}

/// Registering an hpy-rs class with an abstract base class (the method
/// lives with the class runtime, which knows the class's type object).
impl Abc {
    /// Registers the class `T` as a virtual subclass
    /// (`collections.abc.<name>.register(T)`).
    pub fn register<T: HPyClass>(self, ctx: Context<'_>) -> HPyResult<()> {
        self.register_type(&type_object::<T>(ctx)?)
    }
}
