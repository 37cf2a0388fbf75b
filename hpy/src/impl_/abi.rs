//! The one place in `hpy` where the two HPy ABIs differ in representation.
//!
//! In the CPython ABI every HPy function ignores its context argument, so the
//! safe [`Context`](crate::Context) stores nothing and passes a null pointer:
//! it is zero-sized and a [`Handle`](crate::Handle) is exactly one `PyObject*`.
//! In the Universal ABI the context is the function table that every call goes
//! through, so it is carried along as a non-null pointer.

use hpy_sys::HPyContext;

/// The raw context as stored inside [`Context`](crate::Context).
#[cfg(feature = "universal")]
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct RawContext(core::ptr::NonNull<HPyContext>);

/// The raw context as stored inside [`Context`](crate::Context).
#[cfg(not(feature = "universal"))]
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct RawContext(());

impl RawContext {
    /// Wraps the context pointer an HPy entry point received.
    ///
    /// # Safety
    /// In the Universal ABI `ctx` must be the non-null context passed to the
    /// current call. In the CPython ABI it is ignored.
    #[inline(always)]
    pub unsafe fn new(ctx: *mut HPyContext) -> Self {
        #[cfg(feature = "universal")]
        {
            debug_assert!(!ctx.is_null());
            // SAFETY: the caller guarantees `ctx` is the non-null context of the call.
            RawContext(unsafe { core::ptr::NonNull::new_unchecked(ctx) })
        }
        #[cfg(not(feature = "universal"))]
        {
            let _ = ctx;
            RawContext(())
        }
    }

    /// The pointer to pass as the `ctx` argument of `hpy_sys` functions.
    #[inline(always)]
    pub fn as_ptr(self) -> *mut HPyContext {
        #[cfg(feature = "universal")]
        {
            self.0.as_ptr()
        }
        #[cfg(not(feature = "universal"))]
        {
            core::ptr::null_mut()
        }
    }
}

/// `true` when this build targets the HPy Universal ABI.
pub const UNIVERSAL: bool = cfg!(feature = "universal");

// SAFETY: `RawContext` is only ever stored inside `Context`, whose marker
// makes it `!Send`/`!Sync`; being `Send` on its own keeps compiler errors
// about `Send` identical in both ABIs (they name the marker).
#[cfg(feature = "universal")]
unsafe impl Send for RawContext {}
// SAFETY: as above.
#[cfg(feature = "universal")]
unsafe impl Sync for RawContext {}
