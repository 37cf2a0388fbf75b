//! [`Global`]: a module-level reference to a Python object that outlives
//! calls (`HPyGlobal`).
//!
//! This file is a leaf of the API core (an [`HPyErr`](crate::HPyErr) may
//! name a `Global` class): the struct and its registration. Storing and
//! loading, which speak handles, errors and the ABI layer, are in
//! `ops.rs`.

use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};

use hpy_sys::HPyGlobal;

mod ops;

/// A Python object kept at module level, between calls (`HPyGlobal`) — the
/// one safe place for an object that must outlive the call that made it: a
/// cache, an imported helper, an exception type the module defines.
///
/// A `Global` lives in a `static` and must be listed in the module's
/// `globals` (HPy's universal ABI requires every `HPyGlobal` to be known
/// from the module definition). Storing needs a [`Handle`](crate::Handle)
/// — which carries its context — and loading needs a
/// [`Context`](crate::Context), so neither can happen outside a call.
/// Using a `Global` that the module does not list raises `SystemError`
/// instead of corrupting memory.
///
/// ```no_run
/// use hpy::{hpy_method, hpy_module, Context, Global, HPyResult, Handle};
///
/// static CACHE: Global = Global::new();
///
/// #[hpy_method]
/// fn remember<'ctx>(x: &Handle<'ctx>) -> HPyResult<()> {
///     CACHE.store(x)
/// }
///
/// #[hpy_method]
/// fn recall<'ctx>(ctx: Context<'ctx>) -> HPyResult<Option<Handle<'ctx>>> {
///     CACHE.load(ctx)
/// }
///
/// hpy_module! {
///     methods: [remember, recall],
///     globals: [CACHE],
/// }
/// ```
pub struct Global {
    raw: UnsafeCell<HPyGlobal>,
    registered: AtomicBool,
}

// SAFETY: the `HPyGlobal` cell is only read and written by HPy functions
// (`HPyGlobal_Store`/`_Load`, and the interpreter when it sets up the
// module), and every such access happens inside an HPy call — `load` needs
// a `Context`, `store` a `Handle` — that is, on a thread that holds the GIL
// (or PyPy's equivalent), which serialises them. `registered` is atomic.
unsafe impl Sync for Global {}

impl Global {
    /// An empty global, for a `static`.
    pub const fn new() -> Self {
        Global {
            raw: UnsafeCell::new(HPyGlobal { _i: 0 }),
            registered: AtomicBool::new(false),
        }
    }

    /// The pointer listed in `HPyModuleDef.globals`. Not public API: used
    /// by `hpy_module!`.
    #[doc(hidden)]
    pub const fn as_raw_ptr(&self) -> *mut HPyGlobal {
        self.raw.get()
    }

    /// Records that the module definition lists this global (through
    /// `impl_::register_global`, called by `hpy_module!`'s exec).
    ///
    /// # Safety
    /// The module definition being executed must list this global, so that
    /// HPy knows it before `store`/`load` hand it to HPy.
    pub(crate) unsafe fn mark_registered(&self) {
        self.registered.store(true, Ordering::Release);
    }

    /// Whether the module definition lists this global (a class's type
    /// slot: whether its type exists; see `impl_::class::TypeSlot`).
    #[inline]
    pub(crate) fn registered(&self) -> bool {
        self.registered.load(Ordering::Acquire)
    }

    /// The flag behind [`registered`](Global::registered), for the
    /// CPython ABI's inline type checks.
    #[inline(always)]
    pub(crate) fn registered_flag(&self) -> &AtomicBool {
        &self.registered
    }
}

impl Default for Global {
    fn default() -> Self {
        Global::new()
    }
}

impl core::fmt::Debug for Global {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Global")
            .field("registered", &self.registered.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// A Python `str` for a Rust string literal, made once and reused: for
/// attribute and method names used on every call.
///
/// `intern!(ctx, "name")` is an `HPyResult<Handle>` (an error only when
/// out of memory): a new [`Handle`](crate::Handle) to the same interned `str`
/// on every call in the CPython ABI (CPython's own interning, as PyO3's
/// `intern!`), so lookups compare it by pointer. HPy 0.9's universal ABI
/// has no interning and keeps nothing between calls without a listed
/// [`Global`], so there it is a new `str` on each call.
///
/// ```
/// use hpy::{hpy_method, intern, Context, HPyResult, Handle};
///
/// #[hpy_method]
/// fn upper<'ctx>(ctx: Context<'ctx>, text: &Handle<'ctx>) -> HPyResult<Handle<'ctx>> {
///     text.call_method0(intern!(ctx, "upper")?)
/// }
/// # fn main() {}
/// ```
#[macro_export]
macro_rules! intern {
    ($ctx:expr, $text:literal) => {{
        static INTERNED: $crate::impl_::InternedName = $crate::impl_::InternedName::new();
        INTERNED.get($ctx, $text)
    }};
    ($ctx:expr, $text:expr) => {
        ::core::compile_error!(
            "intern! takes a string literal (`intern!(ctx, \"name\")`): a name made at run time cannot be interned once; convert it with `IntoHPy` instead"
        )
    };
}
