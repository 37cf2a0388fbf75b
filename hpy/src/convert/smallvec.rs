//! Feature `smallvec`: `SmallVec<[T; N]>` ↔ `list`.
//!
//! Exactly as `Vec<T>`: from Python any iterable except `str` and `dict`
//! (`SmallVec<[u8; N]>` also copies `bytes`, `bytearray`, `memoryview`);
//! to Python a `list` (`bytes` for `u8` items). Up to `N` items stay
//! inline.

use smallvec::{Array, SmallVec};

use crate::{Context, FromHPy, HPyResult, Handle, IntoHPy};

impl<'ctx, A> FromHPy<'_, 'ctx> for SmallVec<A>
where
    A: Array,
    A::Item: for<'b> FromHPy<'b, 'ctx>,
{
    /// What `Vec<T>` accepts.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        Vec::<A::Item>::extract(obj).map(SmallVec::from_vec)
    }
}

impl<'ctx, A> IntoHPy<'ctx> for SmallVec<A>
where
    A: Array,
    A::Item: IntoHPy<'ctx>,
{
    /// A `list` (`bytes` for `u8` items).
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        A::Item::__items_into_hpy(self.into_iter(), ctx)
    }
}
