//! Type checks: whether an object is an instance of a class, a type a
//! subclass of it; and the borrowed `self` of generated methods.

use crate::class::HPyClass;
use crate::{Borrowed, HPyErr, HPyResult, Handle};

/// Fails with `TypeError` unless `obj` is an instance of `T`. Inline: on
/// the CPython ABI the common case is one pointer compare, which a call
/// (saving registers for the slow path) would cost several times over; it
/// runs for every method's `self` and every `Ref::borrow`.
#[inline(always)]
pub fn check_instance<T: HPyClass>(obj: &Borrowed<'_, '_>) -> HPyResult<()> {
    match is_instance::<T>(obj) {
        Ok(true) => Ok(()),
        Ok(false) => Err(not_an_instance::<T>(obj)),
        Err(e) => Err(e),
    }
}

/// The `TypeError` of [`check_instance`].
#[cold]
#[inline(never)]
fn not_an_instance<T: HPyClass>(obj: &Handle<'_>) -> HPyErr {
    HPyErr::wrong_type(T::INFO.python_name(), obj.type_name())
}

/// Whether `obj` is an instance of `T` (or of a subclass).
#[inline(always)]
pub fn is_instance<T: HPyClass>(obj: &Handle<'_>) -> HPyResult<bool> {
    let slot = T::type_slot();
    // A class without `TPFLAGS_BASETYPE` has no subclass (Python's or
    // Rust's: `extends` needs a parent declared `subclass`), so an
    // instance is an object of exactly that type.
    let final_ = T::INFO.flags & super::info::TPFLAGS_BASETYPE == 0;
    // SAFETY: the slot's global holds the type once it is registered, never
    // cleared while the module lives; `obj` is valid; `final_` only
    // without `TPFLAGS_BASETYPE`.
    let fast = unsafe {
        crate::abi::is_instance_fast(
            obj.context().as_raw(),
            slot.global.registered_flag(),
            slot.global.as_raw_ptr(),
            obj.as_raw(),
            final_,
        )
    };
    match fast {
        Some(is) => Ok(is),
        None => is_instance_slow::<T>(obj),
    }
}

/// [`is_instance`] through the HPy API (the universal ABI, or a class
/// whose module has not run yet).
#[inline(never)]
fn is_instance_slow<T: HPyClass>(obj: &Handle<'_>) -> HPyResult<bool> {
    let ctx = obj.context();
    let global = &T::type_slot().global;
    if global.registered() {
        // SAFETY: reading the running interpreter's cell of the global
        // under the GIL; a registered type global is stored once, when the
        // module makes the type (none: the checked load below says why).
        let raw = crate::abi::global_cell(global.as_raw_ptr())
            .map_or(hpy_sys::HPyGlobal { _i: 0 }, |cell| unsafe { *cell });
        if raw._i != 0 {
            // The common case in three HPy calls and no `Result` to unwrap
            // (on PyPy a type check runs for every operand of an operator).
            // SAFETY: a stored global holds the live type; the loaded
            // handle is owned here and closed after the check.
            unsafe {
                let ty = hpy_sys::HPyGlobal_Load(ctx.as_raw(), raw);
                if ty._i != 0 {
                    let is = hpy_sys::HPy_TypeCheck(ctx.as_raw(), obj.as_raw(), ty) != 0;
                    hpy_sys::HPy_Close(ctx.as_raw(), ty);
                    return Ok(is);
                }
            }
        }
    }
    let ty = T::type_slot().load(ctx, const { T::INFO.python_name() })?;
    // SAFETY: both handles are valid.
    Ok(unsafe { hpy_sys::HPy_TypeCheck(ctx.as_raw(), obj.as_raw(), ty.as_raw()) } != 0)
}

/// Whether `cls` is `T`'s type or a subclass of it (so that its instances
/// have `T`'s layout).
pub fn is_subclass<T: HPyClass>(cls: &Handle<'_>) -> HPyResult<bool> {
    if T::INFO.flags & super::info::TPFLAGS_BASETYPE == 0 {
        // No subclass can exist: `cls` must be the type itself, one `HPy_Is`
        // where a subclass test first checks that `cls` is a type.
        let slot = T::type_slot();
        return match is_type_fast(cls, slot) {
            Some(is) => Ok(is),
            None => Ok(cls.is(&slot.load(cls.context(), const { T::INFO.python_name() })?)),
        };
    }
    is_subclass_of(cls, T::type_slot(), const { T::INFO.python_name() })
}

/// Whether `cls` is the type kept in `slot` (the class `name`) or a
/// subclass of it.
pub(super) fn is_subclass_of(
    cls: &Handle<'_>,
    slot: &'static super::TypeSlot,
    name: &str,
) -> HPyResult<bool> {
    if let Some(is) = is_type_fast(cls, slot) {
        return Ok(is);
    }
    if !cls.is_type() {
        return Ok(false);
    }
    let ctx = cls.context();
    let ty = slot.load(ctx, name)?;
    // SAFETY: both handles are valid type objects.
    Ok(unsafe { hpy_sys::HPyType_IsSubtype(ctx.as_raw(), cls.as_raw(), ty.as_raw()) } != 0)
}

/// Whether `cls` is the type kept in `slot` or a subclass, where the ABI
/// answers without HPy calls; `None` where it cannot.
#[inline(always)]
fn is_type_fast(cls: &Handle<'_>, slot: &'static super::TypeSlot) -> Option<bool> {
    // SAFETY: the slot's global holds the type once it is registered, never
    // cleared while the module lives; `cls` is valid.
    unsafe {
        crate::abi::is_type_fast(
            cls.context().as_raw(),
            slot.global.registered_flag(),
            slot.global.as_raw_ptr(),
            cls.as_raw(),
        )
    }
}
