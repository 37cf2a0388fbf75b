//! [`RawContext`] in the CPython ABI: nothing, since no HPy function of
//! this ABI reads its context. A leaf: [`Context`](crate::Context) holds
//! one, so it imports nothing of the crate.

use core::ptr;

use hpy_sys::HPyContext;

/// The raw context as stored inside [`Context`](crate::Context): nothing,
/// since no HPy function of this ABI reads its context (a `Context` is
/// zero-sized and a [`Handle`](crate::Handle) is exactly one `PyObject*`).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct RawContext(());

impl RawContext {
    /// Wraps the context pointer an HPy entry point received.
    ///
    /// # Safety
    /// None in this ABI (`ctx` is ignored); `unsafe` for the universal
    /// ABI's contract: the non-null context passed to the current call.
    #[inline(always)]
    pub unsafe fn new(ctx: *mut HPyContext) -> Self {
        let _ = ctx;
        RawContext(())
    }

    /// The pointer to pass as the `ctx` argument of `hpy_sys` functions.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut HPyContext {
        ptr::null_mut()
    }
}
