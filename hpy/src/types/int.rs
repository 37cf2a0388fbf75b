//! `int`: the typed handle [`Int`].

use crate::{HPyErr, HPyResult};

super::typed_handle! {
    /// A handle to an `int` (or an instance of a subclass, `bool` among
    /// them).
    ///
    /// Its value is read without asking the type again: where
    /// [`Handle::as_i64`](crate::Handle::as_i64) must first ask whether a
    /// host would call the object's `__int__` (PyPy's `HPyLong_AsInt64_t`
    /// does), an `Int` is known to be an int already.
    ///
    /// ```
    /// use hpy::{hpy_method, HPyResult, Int};
    ///
    /// /// The int doubled, within 64 bits.
    /// #[hpy_method]
    /// fn doubled(n: &Int<'_>) -> HPyResult<i64> {
    ///     Ok(n.to_i64()?.saturating_mul(2))
    /// }
    /// # fn main() {}
    /// ```
    Int, "int", |obj| obj.is_int()
}

impl Int<'_> {
    /// The int's value as `i64` (`HPyLong_AsInt64_t`): `OverflowError`
    /// when it does not fit.
    #[inline]
    pub fn to_i64(&self) -> HPyResult<i64> {
        let ctx = self.context();
        // SAFETY: valid handle to an int; -1 plus a set exception signals
        // failure.
        let v = unsafe { hpy_sys::HPyLong_AsInt64_t(ctx.as_raw(), self.as_raw()) };
        if v == -1 && ctx.err_occurred() {
            return Err(HPyErr::raised(ctx));
        }
        Ok(v)
    }
}
