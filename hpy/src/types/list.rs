//! Lists, tuples, dicts and slices.

use hpy_sys::{HPyConstant, HPy_ssize_t};

use crate::{Context, HPyErr, HPyResult, Handle};

impl<'ctx> Context<'ctx> {
    /// A new empty list (`HPyList_New(0)`).
    ///
    /// HPy's `HPyList_New(n)` with `n > 0` makes a list of `n` *unset*
    /// items that HPy 0.9 has no safe way to fill, so only the empty list
    /// is offered: use [`Handle::append`], or a list builder.
    #[inline]
    pub fn new_list(self) -> HPyResult<Handle<'ctx>> {
        // SAFETY: valid context; a list of length 0 has no unset items; the
        // result is owned or HPy_NULL.
        unsafe { self.wrap_result(hpy_sys::HPyList_New(self.as_raw(), 0)) }
    }

    /// A new tuple of the given items (`HPyTuple_FromArray`).
    pub fn new_tuple(self, items: &[&Handle<'ctx>]) -> HPyResult<Handle<'ctx>> {
        const STACK: usize = 8;
        let build = |raw: &mut [hpy_sys::HPy]| {
            // SAFETY: `raw` holds valid handles kept open by `items`; the
            // tuple takes its own references; owned or HPy_NULL.
            unsafe {
                self.wrap_result(hpy_sys::HPyTuple_FromArray(
                    self.as_raw(),
                    raw.as_mut_ptr(),
                    raw.len() as HPy_ssize_t,
                ))
            }
        };
        if items.len() <= STACK {
            let mut raw = [hpy_sys::HPy_NULL; STACK];
            for (slot, item) in raw.iter_mut().zip(items) {
                *slot = item.as_raw();
            }
            build(&mut raw[..items.len()])
        } else {
            build(&mut items.iter().map(|h| h.as_raw()).collect::<Vec<_>>())
        }
    }

    /// A new empty dict (`HPyDict_New`).
    #[inline]
    pub fn new_dict(self) -> HPyResult<Handle<'ctx>> {
        // SAFETY: valid context; the result is owned or HPy_NULL.
        unsafe { self.wrap_result(hpy_sys::HPyDict_New(self.as_raw())) }
    }
}

impl<'ctx> Handle<'ctx> {
    /// `self.append(item)` for a list (`HPyList_Append`). Raises
    /// `TypeError` if `self` is not a list.
    #[inline]
    pub fn append(&self, item: &Handle<'ctx>) -> HPyResult<()> {
        if !self.is_list() {
            return Err(HPyErr::wrong_type("list", self.type_name()));
        }
        let ctx = self.context();
        // SAFETY: `self` is a list and `item` a valid handle; -1 with an
        // exception set on failure.
        ctx.wrap_status(unsafe {
            hpy_sys::HPyList_Append(ctx.as_raw(), self.as_raw(), item.as_raw())
        })
    }

    /// The keys of a dict, as a new list (`HPyDict_Keys`). Raises
    /// `TypeError` if `self` is not a dict.
    #[inline]
    pub fn dict_keys(&self) -> HPyResult<Handle<'ctx>> {
        if !self.is_dict() {
            return Err(HPyErr::wrong_type("dict", self.type_name()));
        }
        let ctx = self.context();
        // SAFETY: `self` is a dict; the result is owned or HPy_NULL.
        unsafe { ctx.wrap_result(hpy_sys::HPyDict_Keys(ctx.as_raw(), self.as_raw())) }
    }

    /// A shallow copy of a dict (`HPyDict_Copy`). Raises `TypeError` if
    /// `self` is not a dict.
    #[inline]
    pub fn dict_copy(&self) -> HPyResult<Handle<'ctx>> {
        if !self.is_dict() {
            return Err(HPyErr::wrong_type("dict", self.type_name()));
        }
        let ctx = self.context();
        // SAFETY: `self` is a dict; the result is owned or HPy_NULL.
        unsafe { ctx.wrap_result(hpy_sys::HPyDict_Copy(ctx.as_raw(), self.as_raw())) }
    }

    /// The `(start, stop, step)` of a slice object, with missing values
    /// filled in (`HPySlice_Unpack`): `start`/`stop` default to the extreme
    /// `isize` values for the step's direction and are *not* clamped to a
    /// length (see [`slice_indices`](Handle::slice_indices)). Raises
    /// `TypeError` if `self` is not a slice and `ValueError` for a zero step.
    pub fn slice_unpack(&self) -> HPyResult<(isize, isize, isize)> {
        let ctx = self.context();
        // SAFETY: valid handle; `h_SliceType` is a type object for the call.
        let is_slice = unsafe {
            let slice_type = hpy_sys::HPy_GetConstant(ctx.as_raw(), HPyConstant::SliceType);
            hpy_sys::HPy_TypeCheck(ctx.as_raw(), self.as_raw(), slice_type) != 0
        };
        if !is_slice {
            return Err(HPyErr::wrong_type("slice", self.type_name()));
        }
        let (mut start, mut stop, mut step): (HPy_ssize_t, HPy_ssize_t, HPy_ssize_t) = (0, 0, 0);
        // SAFETY: `self` is a slice and the out-pointers are valid locals.
        let status = unsafe {
            hpy_sys::HPySlice_Unpack(
                ctx.as_raw(),
                self.as_raw(),
                &mut start,
                &mut stop,
                &mut step,
            )
        };
        ctx.wrap_status(status)?;
        Ok((start, stop, step))
    }

    /// `self.indices(length)` plus the slice length: the slice's
    /// `(start, stop, step, count)` clamped to a sequence of `length` items
    /// (`HPySlice_Unpack`, then `HPySlice_AdjustIndices`).
    pub fn slice_indices(&self, length: usize) -> HPyResult<(isize, isize, isize, usize)> {
        let (mut start, mut stop, step) = self.slice_unpack()?;
        let length = isize::try_from(length)
            .map_err(|_| HPyErr::overflow_error("length does not fit in isize"))?;
        // SAFETY: `step` is not zero (`HPySlice_Unpack` refuses it) and the
        // out-pointers are valid locals; the helper reads no context.
        let count = unsafe {
            hpy_sys::HPySlice_AdjustIndices(
                self.context().as_raw(),
                length,
                &mut start,
                &mut stop,
                step,
            )
        };
        Ok((start, stop, step, count as usize))
    }
}

/// Builds a `dict` from `key => value` pairs of any [`IntoHPy`](crate::IntoHPy)
/// types — no `.into_hpy(ctx)?` on every value. Evaluates to
/// `HPyResult<Handle<'ctx>>`.
///
/// ```
/// use hpy::{hpy_method, Context, HPyResult, Handle};
///
/// #[hpy_method]
/// fn describe<'ctx>(ctx: Context<'ctx>, xs: Vec<f64>) -> HPyResult<Handle<'ctx>> {
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
    dict: &Handle<'ctx>,
    key: K,
    value: V,
) -> HPyResult<()>
where
    K: crate::IntoHPy<'ctx>,
    V: crate::IntoHPy<'ctx>,
{
    dict.set_item(&key.into_hpy(ctx)?, &value.into_hpy(ctx)?)
}
