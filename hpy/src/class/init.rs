//! `tp_init`: the `#[init]` entry point ([`InitFunc`]).

use core::ffi::c_int;

use hpy_sys::{cpy_PyObject, HPy, HPyCFunction, HPyContext, HPyDef, HPy_ssize_t};

use super::new::NewArgs;
use crate::runtime::def::slot;
use crate::runtime::trampoline::entry;
use crate::runtime::IntoResult;
use crate::{Borrowed, Context, HPyResult};

/// An instance initialiser (`HPy_tp_init`, `HPyFunc_INITPROC`): `__init__`.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait InitFunc {
    /// A name for error messages.
    const NAME: &'static str;
    /// The body: initialises `slf` from the call's arguments.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        slf: Borrowed<'_, 'ctx>,
        args: NewArgs<'_, 'ctx>,
    ) -> HPyResult<()>;
}

/// What follows the class's name in an `#[init]`'s name:
/// `"Name.__init__()"` is how CPython names a Python class's initialiser in
/// argument errors.
pub const INIT_SUFFIX: &str = ".__init__";

/// `"{class}.__init__"` as bytes, made at compile time (the macros know
/// the Rust type, not the Python name): `N` is the length of both.
pub const fn init_name<const N: usize>(class: &str) -> [u8; N] {
    let (class, suffix) = (class.as_bytes(), INIT_SUFFIX.as_bytes());
    assert!(class.len() + suffix.len() == N, "N is the name's length");
    let mut out = [0; N];
    let mut i = 0;
    while i < class.len() {
        out[i] = class[i];
        i += 1;
    }
    let mut j = 0;
    while j < suffix.len() {
        out[i + j] = suffix[j];
        j += 1;
    }
    out
}

/// The name [`init_name`] made, as text.
pub const fn name_str(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(name) => name,
        Err(_) => panic!("a class name and `.__init__` are UTF-8"),
    }
}

crate::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_INITPROC`.
    pub unsafe extern "C" fn impl_init<M: InitFunc, const DIRECT: bool>(
        ctx: *mut HPyContext,
        slf: HPy,
        args: *const HPy,
        nargs: HPy_ssize_t,
        kw: HPy,
    ) -> c_int {
        // SAFETY: HPy passes the live context, the instance, `nargs` argument
        // handles and a dict or NULL, all valid for the call.
        unsafe {
            entry::<DIRECT, _, _>(ctx, M::NAME, -1, move |ctx| {
                let args = NewArgs::from_raw(ctx, args, nargs, kw, false);
                M::call(ctx, Borrowed::from_raw(ctx, slf), args).map(|()| 0)
            })
        }
    }
}

/// The CPython-convention trampoline of `tp_init`: one body for
/// both ABIs, the seam (`abi`) converts the arguments.
///
/// # Safety
/// Called by CPython as `tp_init`.
unsafe extern "C" fn cpy_init<M: InitFunc>(
    slf: *mut cpy_PyObject,
    args: *mut cpy_PyObject,
    kw: *mut cpy_PyObject,
) -> c_int {
    // SAFETY: CPython's `tp_init` arguments, for `impl_init`.
    unsafe { crate::abi::initproc(impl_init::<M, false>, impl_init::<M, true>, slf, args, kw) }
}

/// `tp_init` definition.
pub const fn slot_init<M: InitFunc>() -> HPyDef {
    let f: unsafe extern "C" fn(*mut HPyContext, HPy, *const HPy, HPy_ssize_t, HPy) -> c_int =
        impl_init::<M, false>;
    type Init =
        unsafe extern "C" fn(*mut cpy_PyObject, *mut cpy_PyObject, *mut cpy_PyObject) -> c_int;
    let cpy: Init = cpy_init::<M>;
    // SAFETY: function pointers have one size; CPython calls it as tp_init.
    let cpy = unsafe { core::mem::transmute::<Init, hpy_sys::cpy_PyCFunction>(cpy) };
    slot(hpy_sys::HPy_tp_init, f as HPyCFunction, Some(cpy))
}

/// What an `#[init]` method may return: `()` or `HPyResult<()>`, that is
/// an `IntoResult` of `()` (a name the macros use; they may as well call
/// `IntoResult::into_result`).
#[diagnostic::on_unimplemented(
    message = "an `#[init]` must return `()` or `HPyResult<()>`, not `{Self}`",
    label = "expected `()` or `HPyResult<()>`"
)]
pub trait IntoInit {
    /// The outcome.
    fn into_init(self) -> HPyResult<()>;
}

impl<R: IntoResult<Value = ()>> IntoInit for R {
    #[inline(always)]
    fn into_init(self) -> HPyResult<()> {
        self.into_result()
    }
}
