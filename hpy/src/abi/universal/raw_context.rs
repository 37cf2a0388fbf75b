//! [`RawContext`] in the universal ABI: the context's function table. A
//! leaf: [`Context`](crate::Context) holds one, so it imports nothing of
//! the crate.

use core::ptr::NonNull;

use hpy_sys::HPyContext;

/// The raw context as stored inside [`Context`](crate::Context): the
/// function table every call goes through, carried along as a non-null
/// pointer.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct RawContext(NonNull<HPyContext>);

impl RawContext {
    /// Wraps the context pointer an HPy entry point received.
    ///
    /// # Safety
    /// `ctx` must be the non-null context passed to the current call.
    #[inline(always)]
    pub unsafe fn new(ctx: *mut HPyContext) -> Self {
        debug_assert!(!ctx.is_null());
        // SAFETY: the caller guarantees `ctx` is the non-null context of the call.
        RawContext(unsafe { NonNull::new_unchecked(ctx) })
    }

    /// The pointer to pass as the `ctx` argument of `hpy_sys` functions.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut HPyContext {
        self.0.as_ptr()
    }
}

// SAFETY: `RawContext` is only ever stored inside `Context`, whose marker
// makes it `!Send`/`!Sync`; being `Send` on its own keeps compiler errors
// about `Send` identical in both ABIs (they name the marker).
unsafe impl Send for RawContext {}
// SAFETY: as above.
unsafe impl Sync for RawContext {}
