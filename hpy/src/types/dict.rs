//! `dict`: the typed handle [`Dict`], and the [`dict!`](crate::dict) macro.

use hpy_sys::HPyConstant;

use crate::{Context, HPyResult, Handle, List};

super::typed_handle! {
    /// A handle to a `dict` (or an instance of a subclass).
    ///
    /// Items are read and written with the generic [`Handle::get_item`],
    /// [`Handle::set_item`] (and their `_s` forms for `str` keys), which a
    /// `Dict` has through `Deref`; [`get`](Dict::get) is the `dict.get`
    /// that answers `None` for a missing key.
    Dict, "dict", |obj| {
        let ctx = obj.context();
        // SAFETY: valid handle; the check cannot fail.
        unsafe { hpy_sys::HPyDict_Check(ctx.as_raw(), obj.as_raw()) != 0 }
    }
}

impl<'ctx> Context<'ctx> {
    /// A new empty dict (`HPyDict_New`).
    #[inline]
    pub fn new_dict(self) -> HPyResult<Dict<'ctx>> {
        // SAFETY: valid context; the result is owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyDict_New(self.as_raw()))
                .map(Dict)
        }
    }
}

impl<'ctx> Dict<'ctx> {
    /// The keys, as a new list (`HPyDict_Keys`).
    #[inline]
    pub fn keys(&self) -> HPyResult<List<'ctx>> {
        let ctx = self.context();
        // SAFETY: `self` is a dict; the result is a new list or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyDict_Keys(ctx.as_raw(), self.as_raw()))
                .map(List)
        }
    }

    /// A shallow copy (`HPyDict_Copy`).
    #[inline]
    pub fn copy(&self) -> HPyResult<Dict<'ctx>> {
        let ctx = self.context();
        // SAFETY: `self` is a dict; the result is a new dict or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyDict_Copy(ctx.as_raw(), self.as_raw()))
                .map(Dict)
        }
    }

    /// `self.get(key)`: the value, or `None` for a missing key (other
    /// errors, such as an unhashable key, are raised).
    pub fn get(&self, key: &Handle<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
        match self.get_item(key) {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.is_pending() && self.context().err_matches(HPyConstant::KeyError) => {
                self.context().err_clear();
                e.keep_exception();
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

/// Builds a `dict` from `key => value` pairs of any [`IntoHPy`](crate::IntoHPy)
/// types — no `.into_hpy(ctx)?` on every value. Evaluates to
/// `HPyResult<Dict<'ctx>>`.
///
/// ```
/// use hpy::{hpy_method, Context, Dict, HPyResult};
///
/// #[hpy_method]
/// fn describe<'ctx>(ctx: Context<'ctx>, xs: Vec<f64>) -> HPyResult<Dict<'ctx>> {
///     let n = xs.len();
///     let mean = xs.iter().sum::<f64>() / n as f64;
///     hpy::dict!(ctx, {
///         "n" => n,
///         "mean" => mean,
///         "values" => xs,
///         "label" => "sample",
///         "missing" => None::<i64>,
///     })
/// }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! dict {
    ($ctx:expr, { $($key:expr => $value:expr),* $(,)? }) => {
        (|| {
            let ctx: $crate::Context<'_> = $ctx;
            let dict = ctx.new_dict()?;
            $( $crate::impl_::dict_set_item(ctx, &dict, $key, $value)?; )*
            ::core::result::Result::<_, $crate::HPyErr>::Ok(dict)
        })()
    };
}

/// `dict[key] = value` with both converted. Not public API: used by
/// [`dict!`](crate::dict).
#[doc(hidden)]
#[inline]
pub fn dict_set_item<'ctx, K, V>(
    ctx: Context<'ctx>,
    dict: &Dict<'ctx>,
    key: K,
    value: V,
) -> HPyResult<()>
where
    K: crate::IntoHPy<'ctx>,
    V: crate::IntoHPy<'ctx>,
{
    dict.set_item(&key.into_hpy(ctx)?, &value.into_hpy(ctx)?)
}
