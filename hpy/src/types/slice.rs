//! `slice`: the typed handle [`Slice`].

use hpy_sys::{HPyConstant, HPy_ssize_t};

use crate::{HPyErr, HPyResult};

super::typed_handle! {
    /// A handle to a `slice` object, as `__getitem__` receives for
    /// `x[a:b:c]`.
    Slice, "slice", |obj| {
        let ctx = obj.context();
        // SAFETY: valid handle; `h_SliceType` is a type object for the call.
        unsafe {
            let slice_type = hpy_sys::HPy_GetConstant(ctx.as_raw(), HPyConstant::SliceType);
            hpy_sys::HPy_TypeCheck(ctx.as_raw(), obj.as_raw(), slice_type) != 0
        }
    }
}

impl Slice<'_> {
    /// The `(start, stop, step)` of the slice, with missing values filled
    /// in (`HPySlice_Unpack`): `start`/`stop` default to the extreme
    /// `isize` values for the step's direction and are *not* clamped to a
    /// length (see [`indices`](Slice::indices)). Raises `ValueError` for a
    /// zero step.
    pub fn unpack(&self) -> HPyResult<(isize, isize, isize)> {
        let ctx = self.context();
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
    pub fn indices(&self, length: usize) -> HPyResult<(isize, isize, isize, usize)> {
        let (mut start, mut stop, step) = self.unpack()?;
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
