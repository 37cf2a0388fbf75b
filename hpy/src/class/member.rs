//! Members (`#[member]` fields): properties whose getter and setter borrow
//! the instance through its borrow flag, as a method does.
//!
//! Not `HPyMember`: the interpreter would read and write the field in the
//! instance directly, bypassing the flag, so a Python write during a
//! method's `&self` borrow (from a callback) would change memory that Rust
//! holds a shared reference to. Through the flag, the write raises
//! `RuntimeError` instead, and a member can be of any type that converts
//! both ways.

use core::marker::PhantomData;

use hpy_sys::HPy;

use super::guard::{self_mut, self_ref};
use crate::class::HPyClass;
use crate::runtime::{Getter, Setter};
use crate::{Borrowed, Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// One `#[member]` field of a class: which class, which field, its Python
/// name, and its conversions. Written by `#[hpy_class]`, which spans the
/// conversions on the field's type (so that a type without them is
/// reported there, once); a hand-written impl can only hand out references
/// into the value it is given, so the trait is safe.
pub trait MemberField: 'static {
    /// The class the field belongs to.
    type Class: HPyClass;
    /// The field's type.
    type Value;
    /// The attribute's name, for error messages.
    const NAME: &'static str;
    /// The field in `value`.
    fn field(value: &Self::Class) -> &Self::Value;
    /// The field in `value`, for writing.
    fn field_mut(value: &mut Self::Class) -> &mut Self::Value;
    /// The Python object for the field's value ([`MemberRead`]).
    fn to_python<'ctx>(value: &Self::Value, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>;
    /// A new value for the field from a Python object ([`MemberWrite`]);
    /// an `AttributeError` for a read-only member.
    fn from_python(obj: &Handle<'_>) -> HPyResult<Self::Value>;
}

/// A type a `#[member]` can read: `Clone` (the getter hands Python a new
/// object made from a copy) and [`IntoHPy`].
#[diagnostic::on_unimplemented(
    message = "a `#[member]` field of type `{Self}` cannot be read from Python",
    label = "needs `Clone` and a conversion to Python (`IntoHPy`)",
    note = "members take any type that is `Clone + IntoHPy` (and `FromHPy` unless \
            `#[member(readonly)]`): numbers, `bool`, `String`, `Vec<T>`, `Option<T>`, maps, \
            tuples, ...; for other types write a `#[getter]` in the `#[hpy_methods]` block"
)]
pub trait MemberRead {
    /// The Python object for a copy of `self`.
    fn member_get<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>>;
}

impl<T: Clone + for<'ctx> IntoHPy<'ctx>> MemberRead for T {
    #[inline]
    fn member_get<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.clone().into_hpy(ctx)
    }
}

/// A type a writable `#[member]` can be assigned from Python: an owned
/// [`FromHPy`] value.
#[diagnostic::on_unimplemented(
    message = "a writable `#[member]` field of type `{Self}` cannot be assigned from Python",
    label = "needs an owned conversion from Python (`FromHPy`)",
    note = "write `#[member(readonly)]`, or give the type an owned `FromHPy` conversion \
            (`String`, not `&str`), or write a `#[setter]` in the `#[hpy_methods]` block"
)]
pub trait MemberWrite: Sized {
    /// The value of `obj`.
    fn member_extract(obj: &Handle<'_>) -> HPyResult<Self>;
}

impl<T: for<'a, 'ctx> FromHPy<'a, 'ctx>> MemberWrite for T {
    #[inline]
    fn member_extract(obj: &Handle<'_>) -> HPyResult<Self> {
        T::extract(obj)
    }
}

/// The `from_python` of a read-only member (never called: its setter
/// refuses first).
#[cold]
pub fn readonly_member(name: &str) -> HPyErr {
    HPyErr::attribute_error(format!("cannot set read-only attribute '{name}'"))
}

/// The getter of a member.
pub struct MemberGet<M>(PhantomData<M>);

// SAFETY: returns a new handle made by `IntoHPy`, or an error.
unsafe impl<M: MemberField> Getter for MemberGet<M> {
    type Class = M::Class;
    const NAME: &'static str = M::NAME;
    #[inline]
    fn call<'ctx>(ctx: Context<'ctx>, obj: Borrowed<'_, 'ctx>) -> HPyResult<HPy> {
        // SAFETY: a getter's `obj` has been checked to be an instance of
        // the class (`Getter::call`).
        let this = unsafe { self_ref::<M::Class>(obj)? };
        M::to_python(M::field(&this), ctx).map(Handle::into_raw)
    }
}

/// The setter of a writable member: borrows the instance exclusively (a
/// `RuntimeError` while a method holds it) for the write.
pub struct MemberSet<M>(PhantomData<M>);

// SAFETY: returns no handle.
unsafe impl<M: MemberField> Setter for MemberSet<M> {
    type Class = M::Class;
    const NAME: &'static str = M::NAME;
    #[inline]
    fn call<'ctx>(
        _: Context<'ctx>,
        obj: Borrowed<'_, 'ctx>,
        value: Option<Borrowed<'_, 'ctx>>,
    ) -> HPyResult<()> {
        let Some(value) = value else {
            return Err(HPyErr::attribute_error(format!(
                "cannot delete attribute '{}' of '{}' objects",
                M::NAME,
                obj.type_name()
            )));
        };
        // Converted before the borrow: the conversion may run Python code
        // (`__index__`, iteration), which may read this member.
        let new = M::from_python(&value)?;
        // SAFETY: as in `MemberGet`.
        let mut this = unsafe { self_mut::<M::Class>(obj)? };
        // The old value is dropped after the borrow ends: its `Drop` may
        // release Python objects.
        let old = core::mem::replace(M::field_mut(&mut this), new);
        drop(this);
        drop(old);
        Ok(())
    }
}
