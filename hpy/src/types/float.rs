//! `float`: the typed handle [`Float`].

use hpy_sys::HPyConstant;

use crate::{HPyErr, HPyResult};

super::typed_handle! {
    /// A handle to a `float` (or an instance of a subclass).
    ///
    /// Its value is read without the questions
    /// [`Handle::as_f64`](crate::Handle::as_f64) asks of any object on
    /// hosts that skip `__float__` and `__index__` (whether a whole number
    /// came from an `int` subclass): a `float` is its own value.
    ///
    /// ```
    /// use hpy::{hpy_method, Float, HPyResult};
    ///
    /// /// The float's square.
    /// #[hpy_method]
    /// fn square(x: &Float<'_>) -> HPyResult<f64> {
    ///     let v = x.to_f64()?;
    ///     Ok(v * v)
    /// }
    /// # fn main() {}
    /// ```
    Float, "float", |obj| {
        let ctx = obj.context();
        // SAFETY: valid handle and a type constant of its context; the
        // check cannot fail.
        unsafe {
            let float = hpy_sys::HPy_GetConstant(ctx.as_raw(), HPyConstant::FloatType);
            hpy_sys::HPy_TypeCheck(ctx.as_raw(), obj.as_raw(), float) != 0
        }
    }
}

impl Float<'_> {
    /// The float's value (`HPyFloat_AsDouble`).
    #[inline]
    pub fn to_f64(&self) -> HPyResult<f64> {
        let ctx = self.context();
        // SAFETY: valid handle to a float; -1.0 plus a set exception
        // signals failure.
        let v = unsafe { hpy_sys::HPyFloat_AsDouble(ctx.as_raw(), self.as_raw()) };
        if v == -1.0 && ctx.err_occurred() {
            return Err(HPyErr::raised(ctx));
        }
        Ok(v)
    }
}
