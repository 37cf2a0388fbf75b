//! What a class's Rust value may hold, checked and counted at compile
//! time: how many `Field` slots each field type needs ([`FieldSlots`],
//! [`FieldProbe`]), collections that cannot be counted (a diagnostic),
//! `Field`s kept inside the value's own types ([`VisitValue`]), and the
//! `Send` bound on every class value ([`ClassValue`]).

/// Types that hold [`Field`](super::Field)s, and how many: a class gets one slot per
/// `Field` its fields' types can hold. Implemented for `Field`,
/// `Option<T>` and `[T; N]`; implement it for a struct of your own that
/// holds `Field`s and is used inside a class.
///
/// Safe to implement: a count that is too small only makes
/// [`Ref::store`](super::Ref::store) panic when the slots run out.
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

    /// Whether any of them is a [`TypedField`](super::TypedField): the
    /// class then keeps a cache of their targets beside the slots. A type
    /// holding `TypedField`s that leaves it `false` makes storing into them
    /// panic.
    const TYPED: bool = false;
}

impl<T: FieldSlots> FieldSlots for Option<T> {
    const COUNT: usize = T::COUNT;
    const TYPED: bool = T::TYPED;
}

impl<T: FieldSlots, const N: usize> FieldSlots for [T; N] {
    const COUNT: usize = T::COUNT * N;
    const TYPED: bool = T::TYPED;
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
    /// No `TypedField`s either.
    const TYPED: bool = false;
}

impl<T> NoFieldSlots for FieldProbe<T> {}

impl<T: crate::FieldSlots> FieldProbe<T> {
    /// The type's `Field` count.
    pub const SLOTS: usize = T::COUNT;
    /// Whether the type holds `TypedField`s.
    pub const TYPED: bool = T::TYPED;
}

/// Rejects a class field that keeps [`Field`](crate::Field)s (or other
/// [`FieldSlots`](crate::FieldSlots) values) in a collection that grows: a
/// class has a fixed number of slots, counted from its fields' types, so
/// such a field would get none and fail only when a `Field` is stored.
/// `#[hpy_class]` calls `FieldCollectionProbe::<Ty>::check()` for every
/// field: the inherent `check` exists for the collections below of
/// `FieldSlots` types, whose bound fails with the advice; every other type
/// gets the trait's, which does nothing.
pub struct FieldCollectionProbe<T>(core::marker::PhantomData<T>);

/// The fallback of [`FieldCollectionProbe`]: not a collection of `Field`s.
pub trait NotAFieldCollection {
    /// Nothing to reject.
    fn check() {}
}

impl<T> NotAFieldCollection for FieldCollectionProbe<T> {}

/// The bound no `FieldSlots` type meets: its message is the error for a
/// `Vec<Field>` (or similar) in a class.
#[diagnostic::on_unimplemented(
    message = "a class cannot keep `{Self}` in a `Vec` (or another collection that grows): it has a fixed number of `Field` slots",
    label = "the slots are counted from the field types: a `Vec` would get none",
    note = "use an array (`[Option<Field>; N]`), a type of your own that implements `hpy::FieldSlots` with the most it can hold, or one `Field` holding a Python list",
    note = "see the docs of `hpy::FieldSlots`"
)]
pub trait FieldSlotsCannotGrow {}

impl<T: crate::FieldSlots> FieldCollectionProbe<std::vec::Vec<T>> {
    /// Fails to compile: see [`FieldSlotsCannotGrow`].
    pub fn check()
    where
        T: FieldSlotsCannotGrow,
    {
    }
}

impl<T: crate::FieldSlots> FieldCollectionProbe<std::collections::VecDeque<T>> {
    /// Fails to compile: see [`FieldSlotsCannotGrow`].
    pub fn check()
    where
        T: FieldSlotsCannotGrow,
    {
    }
}

impl<T: crate::FieldSlots> FieldCollectionProbe<Box<[T]>> {
    /// Fails to compile: see [`FieldSlotsCannotGrow`].
    pub fn check()
    where
        T: FieldSlotsCannotGrow,
    {
    }
}

impl<K, T: crate::FieldSlots> FieldCollectionProbe<std::collections::HashMap<K, T>> {
    /// Fails to compile: see [`FieldSlotsCannotGrow`].
    pub fn check()
    where
        T: FieldSlotsCannotGrow,
    {
    }
}

impl<K, T: crate::FieldSlots> FieldCollectionProbe<std::collections::BTreeMap<K, T>> {
    /// Fails to compile: see [`FieldSlotsCannotGrow`].
    pub fn check()
    where
        T: FieldSlotsCannotGrow,
    {
    }
}

/// What [`VisitValueFn`] does with the fields a class value keeps.
pub enum ValueFields<'a> {
    /// Reports each non-empty field to the visitor (`tp_traverse`).
    Visit(&'a mut dyn FnMut(*mut hpy_sys::HPyField) -> core::ffi::c_int),
    /// Empties each non-empty field, giving up the reference it owns: the
    /// CPython ABI's deallocator of a dying instance, which this way pays no
    /// virtual call per field (a store keeps one per object).
    Clear,
}

/// How `tp_traverse` (and the CPython ABI's deallocator) reaches object
/// references that a class value keeps outside its `Field` slots (the
/// registry of an [`ObjectStore`](crate::ObjectStore)): the value's
/// pointer and what to do with each field.
pub type VisitValueFn = unsafe fn(*const u8, ValueFields<'_>) -> core::ffi::c_int;

/// A class value that holds `HPyField`s of its own, which `tp_traverse`
/// must report besides the instance's `Field` slots.
///
/// # Safety
/// `visit_value` is called by the garbage collector at any allocation,
/// also while a method borrows the value: it may only read memory that no
/// `&mut` reaches at such a point, and must report only fields stored with
/// this instance as their owner, each of them once, at an address that does
/// not change while the field holds an object.
pub unsafe trait VisitValue {
    /// Reports every non-empty field the value at `value` holds; stops at
    /// (and returns) the first result of `visit` that is not 0.
    ///
    /// # Safety
    /// `value` is the initialised value of a live instance.
    unsafe fn visit_value(
        value: *const Self,
        visit: impl FnMut(*mut hpy_sys::HPyField) -> core::ffi::c_int,
    ) -> core::ffi::c_int;
}

/// `VisitValueFn` of `T`: each kind of visit monomorphic, so that clearing
/// a value's fields calls no closure through a pointer per field.
///
/// # Safety
/// As for [`VisitValue::visit_value`]; with [`ValueFields::Clear`], only
/// on the CPython ABI, for a dying instance whose fields own their
/// references (nothing reads them afterwards but its value's `Drop`).
unsafe fn visit_value_erased<T: VisitValue>(
    value: *const u8,
    fields: ValueFields<'_>,
) -> core::ffi::c_int {
    match fields {
        // SAFETY: forwarded.
        ValueFields::Visit(visit) => unsafe { T::visit_value(value.cast(), visit) },
        // SAFETY: forwarded; each field visited is one of the dying
        // instance's, owning its reference (contract).
        ValueFields::Clear => unsafe {
            T::visit_value(value.cast(), |field| {
                crate::abi::clear_owned_field(field);
                0
            })
        },
    }
}

/// `ValueProbe::<T>::VISIT`: `Some` for a [`VisitValue`] class, `None`
/// (the trait's fallback) for every other one; `#[hpy_class]` reads it
/// into `HPyClass::VISIT_VALUE`.
pub struct ValueProbe<T>(core::marker::PhantomData<T>);

/// The fallback of [`ValueProbe`]: nothing to visit in the value.
pub trait NoValueVisit {
    /// No fields in the value.
    const VISIT: Option<VisitValueFn> = None;
}

impl<T> NoValueVisit for ValueProbe<T> {}

impl<T: VisitValue> ValueProbe<T> {
    /// The value's visitor.
    pub const VISIT: Option<VisitValueFn> = Some(visit_value_erased::<T>);
}

/// Holds for a type that may be a class's value: one that can be sent
/// between threads (the interpreter may free an object on any thread that
/// holds it). `#[hpy_class]` checks it on the struct's name. (The compiler
/// reports the missing `Send` itself, so no `on_unimplemented` here.)
pub trait ClassValue: Send {}

impl<T: Send> ClassValue for T {}

/// Names `T`, so that `T: ClassValue` is checked where it is written.
pub const fn assert_class_value<T: ClassValue>() {}
