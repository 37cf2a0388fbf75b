//! Storing into and loading from a [`Global`]: above the handle, the
//! error and the ABI layer's per-interpreter cells.

use core::sync::atomic::Ordering;

use hpy_sys::HPyGlobal;

use crate::abi::Quirk;
use crate::{Context, Global, HPyErr, HPyResult, Handle};

impl Global {
    /// The cell that holds this global's object in the running
    /// interpreter: the static's own in the main interpreter (and in the
    /// universal ABI, whose host keeps globals per interpreter), else the
    /// interpreter's block's (see `abi/cpython/interp.rs`).
    #[inline(always)]
    fn cell(&self) -> HPyResult<*mut HPyGlobal> {
        match crate::abi::global_cell(self.raw.get()) {
            Some(cell) => Ok(cell),
            None => Err(no_cell()),
        }
    }

    #[inline]
    fn check_registered(&self) -> HPyResult<()> {
        if self.registered.load(Ordering::Acquire) {
            Ok(())
        } else {
            Err(HPyErr::system_error(
                "Global not listed in hpy_module!'s globals",
            ))
        }
    }

    /// Stores a new reference to `value`'s object, replacing (and
    /// releasing) the previous one (`HPyGlobal_Store`).
    ///
    /// Fails with `SystemError` if the module does not list this global.
    #[inline]
    pub fn store(&self, value: &Handle<'_>) -> HPyResult<()> {
        self.check_registered()?;
        let ctx = value.context();
        if crate::abi::host_has(Quirk::GlobalStoreLeaks) {
            return self.store_in_box(value);
        }
        let cell = self.cell()?;
        // SAFETY: the global is registered with the module, `value` is a
        // valid handle of the live context, and the GIL serialises access
        // to the cell (see the `Sync` impl).
        unsafe { hpy_sys::HPyGlobal_Store(ctx.as_raw(), cell, value.as_raw()) };
        Ok(())
    }

    /// Stores `value` in a global that holds one object for the module's
    /// whole life (a class's type object, stored when the module's exec
    /// creates it): `HPyGlobal_Store` itself on every host, without the
    /// box of `Quirk::GlobalStoreLeaks`, so that [`load_unboxed`] is one
    /// HPy call. Where that quirk holds, a second store (the module loaded
    /// again) keeps the object it replaces alive, as a type lives anyway.
    /// Only [`load_unboxed`] may read such a global.
    ///
    /// [`load_unboxed`]: Global::load_unboxed
    pub(crate) fn store_unboxed(&self, value: &Handle<'_>) -> HPyResult<()> {
        self.check_registered()?;
        let cell = self.cell()?;
        // SAFETY: as in `store`.
        unsafe { hpy_sys::HPyGlobal_Store(value.context().as_raw(), cell, value.as_raw()) };
        Ok(())
    }

    /// Whether anything was stored since the global was made or last
    /// [forgotten](Global::forget).
    #[inline]
    #[allow(dead_code)] // used by the universal ABI's `ObjectCache`
    pub(crate) fn is_stored(&self) -> bool {
        // SAFETY: reading the cell under the GIL (see the `Sync` impl, and
        // `forget`).
        unsafe { (*self.raw.get())._i > 0 }
    }

    /// Empties the global without releasing what it holds (at module
    /// exec, for a cache: the interpreter that owned the object may be
    /// gone). The next store starts afresh, as on a global never stored.
    #[allow(dead_code)] // used by the universal ABI's `ObjectCache`
    pub(crate) fn forget(&self) {
        // SAFETY: reading and writing the cell under the GIL (see the
        // `Sync` impl); a zero global is one never stored, which `load_raw`
        // never hands to HPy. A negative value is a key of hpy_rs_universal's
        // per-interpreter tables (other interpreters read the cell at any
        // time): it stays, and the running interpreter's table has nothing
        // for it until a store (a new interpreter's) or holds an object of
        // this very interpreter (the module imported again).
        unsafe {
            if (*self.raw.get())._i >= 0 {
                *self.raw.get() = HPyGlobal { _i: 0 };
            }
        }
    }

    /// A new handle to what [`store_unboxed`](Global::store_unboxed)
    /// stored (one `HPyGlobal_Load`), or `None` before it did.
    #[inline]
    pub(crate) fn load_unboxed<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
        self.check_registered()?;
        self.load_raw(ctx)
    }

    /// Where `HPyGlobal_Store` keeps every object it replaces alive (PyPy
    /// 7.3.19, `Quirk::GlobalStoreLeaks`), the global is stored
    /// once, with a one-item list (the box), and later stores replace the
    /// list's item: the object replaced is released like any list item.
    #[cold]
    fn store_in_box(&self, value: &Handle<'_>) -> HPyResult<()> {
        let ctx = value.context();
        match self.load_raw(ctx)? {
            Some(the_box) => the_box.set_item_i(0, value),
            None => {
                let the_box = ctx.new_list()?;
                the_box.append(value)?;
                let cell = self.cell()?;
                // SAFETY: as in `store`; stored once per module load.
                unsafe { hpy_sys::HPyGlobal_Store(ctx.as_raw(), cell, the_box.as_raw()) };
                Ok(())
            }
        }
    }

    /// The object `HPyGlobal_Load` gives for this global (the box, where
    /// stores keep one), or `None` if nothing was stored yet.
    #[inline]
    fn load_raw<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
        let cell = self.cell()?;
        // SAFETY: reading the cell under the GIL (see the `Sync` impl).
        let raw = unsafe { *cell };
        if raw._i == 0 {
            // Never stored: loading a NULL global is undefined in C.
            return Ok(None);
        }
        // SAFETY: a registered global that was stored to holds a live
        // reference; the result is a new owned handle.
        let h = unsafe { hpy_sys::HPyGlobal_Load(ctx.as_raw(), raw) };
        if h._i == 0 {
            return if ctx.err_occurred() {
                Err(HPyErr::raised(ctx))
            } else {
                Ok(None)
            };
        }
        // SAFETY: non-null and owned by us.
        Ok(Some(unsafe { Handle::from_raw(ctx, h) }))
    }

    /// A new handle to the stored object, or `None` if nothing was stored
    /// yet (`HPyGlobal_Load`).
    ///
    /// Fails with `SystemError` if the module does not list this global.
    #[inline]
    pub fn load<'ctx>(&self, ctx: Context<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
        self.check_registered()?;
        if crate::abi::host_has(Quirk::GlobalStoreLeaks) {
            return match self.load_raw(ctx)? {
                Some(the_box) => the_box.get_item_i(0).map(Some),
                None => Ok(None),
            };
        }
        self.load_raw(ctx)
    }

    /// Like [`load`](Global::load), but an empty global is an error:
    /// `SystemError` naming `what` (e.g. `"mymod.MyError"`).
    #[inline]
    pub fn get<'ctx>(&self, ctx: Context<'ctx>, what: &str) -> HPyResult<Handle<'ctx>> {
        self.load(ctx)?.ok_or_else(|| {
            HPyErr::system_error(format!("{what} is not initialised (its Global is empty)"))
        })
    }
}

impl Global {
    /// The stored object, or the one `init` makes — stored first, so that
    /// later calls get it without running `init` again (a lazily
    /// initialised module cell, like PyO3's `PyOnceLock`). An error from
    /// `init` is returned and nothing is stored: the next call tries again.
    ///
    /// `init` may run more than once if it lets other Python code run
    /// (which may call this again before it returns); the last value
    /// stored wins, as with PyO3's `PyOnceLock` under the GIL.
    ///
    /// Fails with `SystemError` if the module does not list this global.
    #[inline]
    pub fn get_or_try_init<'ctx>(
        &self,
        ctx: Context<'ctx>,
        init: impl FnOnce() -> HPyResult<Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        if let Some(value) = self.load(ctx)? {
            return Ok(value);
        }
        let value = init()?;
        self.store(&value)?;
        Ok(value)
    }

    /// `module.attr`, imported at the first call and cached in this global
    /// afterwards: the usual way to use a Python class or function from
    /// Rust code without importing it on every call.
    ///
    /// ```no_run
    /// use hpy::{hpy_method, hpy_module, Context, Global, HPyResult, Handle};
    ///
    /// static FRACTION: Global = Global::new();
    ///
    /// /// `fractions.Fraction(1, 2)`.
    /// #[hpy_method]
    /// fn half(ctx: Context<'_>) -> HPyResult<Handle<'_>> {
    ///     FRACTION.import(ctx, "fractions", "Fraction")?.call1((1, 2))
    /// }
    ///
    /// hpy_module! {
    ///     methods: [half],
    ///     globals: [FRACTION],
    /// }
    /// ```
    pub fn import<'ctx>(
        &self,
        ctx: Context<'ctx>,
        module: &str,
        attr: &str,
    ) -> HPyResult<Handle<'ctx>> {
        self.get_or_try_init(ctx, || ctx.import_module(module)?.get_attr_s(attr))
    }
}

/// The error of a global used in an interpreter whose module state is gone
/// (or was never made: the module was not executed there).
#[cold]
#[inline(never)]
fn no_cell() -> HPyErr {
    HPyErr::system_error(
        "this module has no state in the running interpreter (its module object is gone)",
    )
}
