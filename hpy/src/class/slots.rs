//! Helpers for the bodies of the slots `#[hpy_methods]` generates: return
//! values of `nb_bool`/`__len__`/`__hash__`, number operands, comparison
//! operators, `__del__`, and the slot numbers.

use core::ffi::c_int;

use hpy_sys::{HPy, HPyConstant, HPy_ssize_t};

use crate::runtime::IntoResult;
use crate::{Borrowed, Context, HPyErr, HPyResult};

/// `nb_bool` / `sq_contains`: a `bool` (or `HPyResult<bool>`) as 1/0.
pub fn return_bool<R: IntoResult<Value = bool>>(value: R) -> HPyResult<c_int> {
    value.into_result().map(c_int::from)
}

/// `mp_length` / `sq_length`: a `usize` (or `HPyResult<usize>`).
pub fn return_len<R: IntoResult<Value = usize>>(value: R) -> HPyResult<HPy_ssize_t> {
    let n = value.into_result()?;
    HPy_ssize_t::try_from(n)
        .map_err(|_| HPyErr::overflow_error("length does not fit in Py_ssize_t"))
}

/// `tp_hash`: a [`HashValue`] (or an `HPyResult` of one); `-1` is reserved
/// for errors and becomes `-2`, as in CPython.
pub fn return_hash<R>(value: R) -> HPyResult<hpy_sys::HPy_hash_t>
where
    R: IntoResult,
    R::Value: HashValue,
{
    let h = value.into_result()?.to_hash();
    Ok(if h == -1 { -2 } else { h })
}

/// The integer types a `__hash__` may return.
#[diagnostic::on_unimplemented(
    message = "`__hash__` must return an integer (`isize`, `i64`, `u64`, ...) or an `HPyResult` of one, not `{Self}`",
    label = "expected an integer hash"
)]
pub trait HashValue {
    /// The hash, as the interpreter's hash type (wrapping, as `as` does).
    fn to_hash(self) -> hpy_sys::HPy_hash_t;
}

macro_rules! hash_value {
    ($($t:ty),*) => {$(
        impl HashValue for $t {
            #[inline(always)]
            fn to_hash(self) -> hpy_sys::HPy_hash_t {
                self as hpy_sys::HPy_hash_t
            }
        }
    )*};
}

hash_value!(isize, i64, u64, usize, i32, u32);

/// Converts a number slot's operand, or `None` if it has the wrong type (the
/// slot then returns `NotImplemented`, so Python tries the other operand).
#[inline]
pub fn try_extract<'a, 'ctx, X: crate::FromHPy<'a, 'ctx>>(
    obj: &'a Borrowed<'_, 'ctx>,
) -> HPyResult<Option<X>> {
    match X::extract(obj) {
        Ok(v) => Ok(Some(v)),
        Err(e) => not_extracted(obj.context(), e).map(|()| None),
    }
}

/// The error of an operand [`try_extract`] could not convert: `Ok` (the
/// slot's `NotImplemented`) for a `TypeError`, cleared if it was raised;
/// the error itself otherwise.
#[cold]
fn not_extracted(ctx: crate::Context<'_>, e: HPyErr) -> HPyResult<()> {
    match e.describe() {
        Some((HPyConstant::TypeError, _)) => Ok(()),
        None if ctx.err_matches(HPyConstant::TypeError) => {
            ctx.err_clear();
            Ok(())
        }
        _ => Err(e),
    }
}

/// The comparison operator of a `tp_richcompare` call.
pub fn compare_op(op: hpy_sys::HPy_RichCmpOp) -> HPyResult<crate::RichCompareOp> {
    use crate::RichCompareOp as Op;
    Ok(match op {
        hpy_sys::HPy_LT => Op::Lt,
        hpy_sys::HPy_LE => Op::Le,
        hpy_sys::HPy_EQ => Op::Eq,
        hpy_sys::HPy_NE => Op::Ne,
        hpy_sys::HPy_GT => Op::Gt,
        hpy_sys::HPy_GE => Op::Ge,
        other => {
            return Err(HPyErr::system_error(format!(
                "invalid rich comparison operator {other}"
            )))
        }
    })
}

/// Runs a `__del__` body (`tp_finalize`), which cannot raise: an error, or a
/// panic (as `PanicException`), is reported as unraisable, never
/// propagated to the code that happened to drop the object.
pub fn finalize_guarded<F>(obj: &Borrowed<'_, '_>, name: &'static str, body: F)
where
    F: FnOnce() -> HPyResult<()>,
{
    use std::panic::{catch_unwind, AssertUnwindSafe};
    let result = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => {
            crate::runtime::trampoline::raise_panic(obj.context(), name, payload);
            Err(HPyErr::pending())
        }
    };
    finalize_result(obj, result);
}

/// `tp_finalize` cannot raise: an error is reported as unraisable.
pub fn finalize_result(obj: &Borrowed<'_, '_>, result: HPyResult<()>) {
    if let Err(e) = result {
        let ctx = obj.context();
        e.restore(ctx);
        // SAFETY: an exception is set and `obj` is valid.
        unsafe { hpy_sys::HPyErr_WriteUnraisable(ctx.as_raw(), obj.as_raw()) };
    }
}

/// The `NotImplemented` singleton, as a number slot's "try the other operand".
#[inline]
pub fn not_implemented(ctx: Context<'_>) -> HPyResult<HPy> {
    Ok(ctx.constant(HPyConstant::NotImplemented).into_raw())
}

pub use hpy_sys::{
    HPyType_BuiltinShape_Float, HPyType_BuiltinShape_List, HPyType_BuiltinShape_Long,
    HPyType_BuiltinShape_Object, HPyType_BuiltinShape_Tuple, HPyType_BuiltinShape_Type,
    HPyType_BuiltinShape_Unicode, HPy_mp_ass_subscript, HPy_mp_length, HPy_mp_subscript,
    HPy_nb_absolute, HPy_nb_add, HPy_nb_and, HPy_nb_bool, HPy_nb_divmod, HPy_nb_float,
    HPy_nb_floor_divide, HPy_nb_index, HPy_nb_inplace_add, HPy_nb_inplace_and,
    HPy_nb_inplace_floor_divide, HPy_nb_inplace_lshift, HPy_nb_inplace_matrix_multiply,
    HPy_nb_inplace_multiply, HPy_nb_inplace_or, HPy_nb_inplace_power, HPy_nb_inplace_remainder,
    HPy_nb_inplace_rshift, HPy_nb_inplace_subtract, HPy_nb_inplace_true_divide, HPy_nb_inplace_xor,
    HPy_nb_int, HPy_nb_invert, HPy_nb_lshift, HPy_nb_matrix_multiply, HPy_nb_multiply,
    HPy_nb_negative, HPy_nb_or, HPy_nb_positive, HPy_nb_power, HPy_nb_remainder, HPy_nb_rshift,
    HPy_nb_subtract, HPy_nb_true_divide, HPy_nb_xor, HPy_sq_ass_item, HPy_sq_concat,
    HPy_sq_contains, HPy_sq_inplace_concat, HPy_sq_inplace_repeat, HPy_sq_item, HPy_sq_length,
    HPy_sq_repeat, HPy_tp_call, HPy_tp_finalize, HPy_tp_hash, HPy_tp_repr, HPy_tp_richcompare,
    HPy_tp_str,
};
