//! Reading a NumPy array's header in place in the universal ABI.

use super::*;

/// The address of the object `obj` refers to, for code that reads a
/// C-level struct of a type it checked first (a NumPy array's header):
/// `Some` on hpy_rs_universal's plain context, whose handles are the
/// objects; `None` elsewhere (debug and trace contexts, PyPy, other
/// hosts), where the caller asks Python instead.
///
/// # Safety
/// `obj` is a live handle of `ctx`, the call's context.
#[inline(always)]
pub unsafe fn object_address(ctx: *mut HPyContext, obj: HPy) -> Option<*const u8> {
    plain_ext::of(ctx).map(|_| obj._i as *const u8)
}
