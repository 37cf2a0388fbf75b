//! `#[hpy_class]` on an enum of unit variants: one instance per variant as
//! a class attribute (`Color.Red`), `__repr__` (`Color.Red`), `__int__`
//! (the discriminant), `__eq__` with the class's instances and with ints,
//! and a `__hash__` consistent with that `__eq__` (an int's hash).

use hpy_sys::{HPy, HPy_RichCmpOp, HPy_hash_t};

use super::check::is_instance;
use super::guard::self_ref;
use super::slots::{compare_op, not_implemented};
use crate::class::HPyClass;
use crate::runtime::slots::{HashFunc, RichCmpFunc, UnaryFunc};
use crate::{Borrowed, Context, HPyResult, Handle, IntoHPy, RichCompareOp};

/// An enum of unit variants exposed as a class. Written by `#[hpy_class]`;
/// safe: the runtime only reads names and numbers from it.
pub trait UnitEnum: HPyClass {
    /// The Python names of the variants, in declaration order.
    const VARIANTS: &'static [&'static str];
    /// The variant at `index` in [`VARIANTS`](Self::VARIANTS).
    fn variant(index: usize) -> Self;
    /// The index of `self` in [`VARIANTS`](Self::VARIANTS).
    fn index(&self) -> usize;
    /// The discriminant (`Self::Variant as isize`): `int(Color.Blue)`.
    fn discriminant(&self) -> isize;
}

/// Sets one instance per variant on the new type object `ty`.
pub fn add_variants<T: UnitEnum>(ty: &Handle<'_>) -> HPyResult<()> {
    let ctx = ty.context();
    for (index, name) in T::VARIANTS.iter().enumerate() {
        let value = super::new::new_instance(ctx, T::variant(index))?;
        ty.set_attr_s(name, &value)?;
    }
    Ok(())
}

/// The discriminant of `obj`, an instance of `T` (the `self` of a slot).
fn discriminant_of<T: UnitEnum>(obj: Borrowed<'_, '_>) -> HPyResult<isize> {
    // SAFETY: only called on the `self` of `T`'s slots, which the
    // interpreter passes as an instance of `T`.
    Ok(unsafe { self_ref::<T>(obj)? }.discriminant())
}

/// `__repr__`: `Class.Variant`.
pub struct EnumRepr<T>(core::marker::PhantomData<T>);

// SAFETY: returns a new owned handle.
unsafe impl<T: UnitEnum> UnaryFunc for EnumRepr<T> {
    const NAME: &'static str = "__repr__";
    fn call<'a, 'ctx>(ctx: Context<'ctx>, me: Borrowed<'a, 'ctx>) -> HPyResult<HPy> {
        // SAFETY: as in `discriminant_of`.
        let index = unsafe { self_ref::<T>(me)? }.index();
        let variant = T::VARIANTS.get(index).copied().unwrap_or("?");
        format!("{}.{variant}", T::INFO.python_name())
            .into_hpy(ctx)
            .map(Handle::into_raw)
    }
}

/// `__int__`: the discriminant.
pub struct EnumInt<T>(core::marker::PhantomData<T>);

// SAFETY: returns a new owned handle.
unsafe impl<T: UnitEnum> UnaryFunc for EnumInt<T> {
    const NAME: &'static str = "__int__";
    fn call<'a, 'ctx>(ctx: Context<'ctx>, me: Borrowed<'a, 'ctx>) -> HPyResult<HPy> {
        discriminant_of::<T>(me)?
            .into_hpy(ctx)
            .map(Handle::into_raw)
    }
}

/// `__eq__`/`__ne__`: by discriminant, with instances of the class and with
/// `int`s (as PyO3's `eq, eq_int`); anything else is `NotImplemented`.
pub struct EnumRichCmp<T>(core::marker::PhantomData<T>);

// SAFETY: returns a new owned handle (a bool or NotImplemented).
unsafe impl<T: UnitEnum> RichCmpFunc for EnumRichCmp<T> {
    const NAME: &'static str = "__richcmp__";
    fn call<'a, 'ctx>(
        ctx: Context<'ctx>,
        me: Borrowed<'a, 'ctx>,
        other: Borrowed<'a, 'ctx>,
        op: HPy_RichCmpOp,
    ) -> HPyResult<HPy> {
        let eq = match compare_op(op)? {
            RichCompareOp::Eq => true,
            RichCompareOp::Ne => false,
            _ => return not_implemented(ctx),
        };
        let other_value = if is_instance::<T>(&other)? {
            crate::Ref::<T>::borrow(other)?.discriminant()
        } else if other.type_check_constant(hpy_sys::HPyConstant::LongType)? {
            match other.extract::<isize>() {
                Ok(v) => v,
                // Too large for any discriminant: unequal.
                Err(_) => return Ok(ctx.bool(!eq).into_raw()),
            }
        } else {
            return not_implemented(ctx);
        };
        let same = discriminant_of::<T>(me)? == other_value;
        Ok(ctx.bool(same == eq).into_raw())
    }
}

/// `__hash__`: the hash of the discriminant as a Python `int`, so that a
/// variant and the int it equals hash alike.
pub struct EnumHash<T>(core::marker::PhantomData<T>);

// SAFETY: returns a plain number.
unsafe impl<T: UnitEnum> HashFunc for EnumHash<T> {
    const NAME: &'static str = "__hash__";
    fn call<'a, 'ctx>(_: Context<'ctx>, me: Borrowed<'a, 'ctx>) -> HPyResult<HPy_hash_t> {
        Ok(int_hash(discriminant_of::<T>(me)?))
    }
}

/// Python's hash of the int `n` (64-bit: reduced modulo 2**61 - 1, the
/// sign kept, -1 reserved for errors).
fn int_hash(n: isize) -> HPy_hash_t {
    const MODULUS: u64 = (1 << 61) - 1;
    let magnitude = (n.unsigned_abs() as u64 % MODULUS) as HPy_hash_t;
    match if n < 0 { -magnitude } else { magnitude } {
        -1 => -2,
        h => h,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn int_hash_matches_python() {
        use super::int_hash;
        assert_eq!(int_hash(0), 0);
        assert_eq!(int_hash(2), 2);
        assert_eq!(int_hash(-1), -2);
        assert_eq!(int_hash(-5), -5);
        assert_eq!(int_hash((1 << 61) - 1), 0);
        assert_eq!(int_hash(isize::MAX), 3);
        assert_eq!(int_hash(isize::MIN), -4);
    }
}
