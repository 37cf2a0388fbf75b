//! `std::num::NonZero*` ↔ `int`: zero is refused with `ValueError` (as
//! PyO3), out of range with `OverflowError` (as the plain integer).

use std::num::{
    NonZeroI128, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI8, NonZeroIsize, NonZeroU128,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU8, NonZeroUsize,
};

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

macro_rules! nonzero {
    ($($nz:ty => $int:ty),* $(,)?) => {$(
        impl<'ctx> FromHPy<'_, 'ctx> for $nz {
            /// An `int` (or `__index__`) that is not zero.
            fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
                let v = <$int>::extract(obj)?;
                <$nz>::new(v).ok_or_else(|| HPyErr::value_error("invalid zero value"))
            }
        }

        impl<'ctx> IntoHPy<'ctx> for $nz {
            #[inline]
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                self.get().into_hpy(ctx)
            }
        }
    )*};
}

nonzero! {
    NonZeroI8 => i8, NonZeroI16 => i16, NonZeroI32 => i32, NonZeroI64 => i64,
    NonZeroI128 => i128, NonZeroIsize => isize,
    NonZeroU8 => u8, NonZeroU16 => u16, NonZeroU32 => u32, NonZeroU64 => u64,
    NonZeroU128 => u128, NonZeroUsize => usize,
}
