//! Type checks: whether an object is an instance of a class, a type a
//! subclass of it; and the borrowed `self` of generated methods.

use crate::class::HPyClass;
use crate::{Borrowed, HPyErr, HPyResult, Handle};

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
    // SAFETY: the slot's global holds the type once it is registered, never
    // cleared while the module lives; `obj` is valid.
    let fast = unsafe {
        crate::impl_::abi::is_instance_fast(
            slot.global.registered_flag(),
            slot.global.as_raw_ptr(),
            obj.as_raw(),
        )
    };
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
    let fast = unsafe {
        crate::impl_::abi::is_type_fast(
            slot.global.registered_flag(),
            slot.global.as_raw_ptr(),
            cls.as_raw(),
        )
    };
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
