//! [`Tracker`]: many handles closed together (`HPyTracker`).

use hpy_sys::{HPy, HPy_ssize_t};

use crate::{Borrowed, Context, HPyErr, HPyResult, Handle};

/// A set of handles that are closed together (`HPyTracker`), typically
/// the intermediate objects of a function with many early exits.
///
/// [`add`](Tracker::add) moves a handle in and lends it back as a
/// [`Borrowed`] that lives only as long as the borrow of the tracker, so a
/// tracked handle can neither be closed twice nor outlive the tracker.
/// Dropping the tracker closes every handle it holds (`HPyTracker_Close`);
/// [`forget_all`](Tracker::forget_all) instead hands them back as owned
/// handles (`HPyTracker_ForgetAll`).
///
/// ```
/// use hpy::{Context, HPyResult, Handle, IntoHPy, Tracker};
///
/// fn sum_of_three<'ctx>(ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
///     let tracker = Tracker::new(ctx, 3)?;
///     let a = tracker.add(1.into_hpy(ctx)?)?;
///     let b = tracker.add(2.into_hpy(ctx)?)?;
///     let ab = tracker.add(a.add(&b)?)?;
///     ab.add(&a) // `tracker` closes a, b and ab when it goes out of scope
/// }
/// # let _ = sum_of_three;
/// ```
pub struct Tracker<'ctx> {
    ctx: Context<'ctx>,
    raw: hpy_sys::HPyTracker,
    /// The handles given to HPy, in order: HPy has no way to list them, and
    /// `forget_all` must hand them back.
    handles: core::cell::RefCell<Vec<HPy>>,
    /// HPy forbids further adds once one has failed.
    failed: core::cell::Cell<bool>,
}

impl<'ctx> Tracker<'ctx> {
    /// A new tracker with room for `capacity` handles before it grows
    /// (`HPyTracker_New`; `0` picks HPy's default).
    pub fn new(ctx: Context<'ctx>, capacity: usize) -> HPyResult<Self> {
        let size = HPy_ssize_t::try_from(capacity)
            .map_err(|_| HPyErr::new(hpy_sys::HPyConstant::MemoryError, "tracker capacity"))?;
        // Some interpreters (PyPy) accept any capacity: reserve ours
        // fallibly first, so that a huge one is a MemoryError, not an abort
        // (PyPy also aborts closing such a tracker, so it is not made).
        let mut handles = Vec::new();
        if handles.try_reserve_exact(capacity).is_err() {
            return Err(HPyErr::new(
                hpy_sys::HPyConstant::MemoryError,
                format!("cannot allocate a tracker for {capacity} handles"),
            ));
        }
        // SAFETY: valid context; the result is a tracker, or 0 with an
        // exception set.
        let raw = unsafe { hpy_sys::HPyTracker_New(ctx.as_raw(), size) };
        if raw._i == 0 {
            return Err(HPyErr::raised(ctx));
        }
        Ok(Tracker {
            ctx,
            raw,
            handles: core::cell::RefCell::new(handles),
            failed: core::cell::Cell::new(false),
        })
    }

    /// Moves `handle` into the tracker (`HPyTracker_Add`) and lends it back
    /// for as long as the tracker is borrowed.
    ///
    /// The tracker owns the handle even when this fails (HPy records it
    /// before growing its storage; a failure to grow is a `MemoryError`),
    /// so it is closed exactly once either way. After a failure, HPy allows
    /// no further adds: later calls close `handle` at once and fail with
    /// `MemoryError`.
    pub fn add(&self, handle: Handle<'ctx>) -> HPyResult<Borrowed<'_, 'ctx>> {
        if self.failed.get() {
            drop(handle);
            return Err(HPyErr::new(
                hpy_sys::HPyConstant::MemoryError,
                "HPyTracker could not grow",
            ));
        }
        let raw = handle.into_raw();
        self.handles.borrow_mut().push(raw);
        // SAFETY: the tracker is live and `raw` is a handle of this context
        // whose ownership moves into the tracker (recorded above).
        let status = unsafe { hpy_sys::HPyTracker_Add(self.ctx.as_raw(), self.raw, raw) };
        if status < 0 {
            self.failed.set(true);
            return Err(HPyErr::raised(self.ctx));
        }
        // SAFETY: the tracker keeps `raw` open until it is dropped or
        // consumed, and the returned view borrows the tracker.
        Ok(unsafe { Borrowed::from_raw(self.ctx, raw) })
    }

    /// The number of handles the tracker holds.
    pub fn len(&self) -> usize {
        self.handles.borrow().len()
    }

    /// Whether the tracker holds no handle.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Releases the tracker without closing its handles
    /// (`HPyTracker_ForgetAll` + `HPyTracker_Close`), and returns them as
    /// owned handles, in the order they were added.
    pub fn forget_all(self) -> Vec<Handle<'ctx>> {
        let this = core::mem::ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again after the fields
        // are moved out.
        let handles = unsafe { core::ptr::read(&this.handles) }.into_inner();
        // SAFETY: the tracker is live; after ForgetAll, Close only frees it.
        unsafe {
            hpy_sys::HPyTracker_ForgetAll(this.ctx.as_raw(), this.raw);
            hpy_sys::HPyTracker_Close(this.ctx.as_raw(), this.raw);
        }
        handles
            .into_iter()
            // SAFETY: the tracker owned each handle and gave them up above;
            // each is now owned by exactly one `Handle`.
            .map(|raw| unsafe { Handle::from_raw(this.ctx, raw) })
            .collect()
    }
}

impl Drop for Tracker<'_> {
    fn drop(&mut self) {
        // SAFETY: the tracker is live; it closes each of its handles once.
        // Every `Borrowed` it lent borrows `self`, so none is still alive.
        unsafe { hpy_sys::HPyTracker_Close(self.ctx.as_raw(), self.raw) }
    }
}

impl core::fmt::Debug for Tracker<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Tracker").field("len", &self.len()).finish()
    }
}
