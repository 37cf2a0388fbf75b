//! `HPyDef`s for generated functions, and the C entry points behind them.
//!
//! Every definition has two entry points, as in C HPy:
//! - `impl`, with HPy's calling convention (`HPyContext*`, `HPy`…): the one
//!   PyPy calls, and the one `hpy.universal` reaches on CPython;
//! - `cpy_trampoline`, with CPython's calling convention (`PyObject*`…),
//!   which CPython itself calls. It hands `impl` to the ABI seam (`abi`):
//!   in the CPython ABI that calls `impl` directly (inlined: each `impl` is
//!   wrapped in `abi::entry_point!`); in the Universal ABI it goes through
//!   `ctx_CallRealFunctionFromTrampoline` with the context saved at module
//!   init, exactly like the trampolines of C HPy's `HPyDef_METH`.
//!
//! The user's code is a safe trait method (`MethO::call` …); the unsafe glue
//! is written once here, generically, so macro expansions contain none.
//! The shapes of a property's accessors (`Getter`, `Setter`) are here too,
//! beside the method shapes: the class runtime (`class/getset.rs`) makes
//! getsets of them, and the ABI layer's `properties.rs` the hidden methods
//! that stand in for getsets on hosts whose getsets are broken.

use core::cell::UnsafeCell;
use core::ffi::{c_int, CStr};
use core::ptr;

use hpy_sys::{
    cpy_PyObject, HPy, HPyCFunction, HPyContext, HPyDef, HPyDef_Kind_Meth, HPyDef_Kind_Slot,
    HPyDef_u, HPyFunc_Signature, HPyMeth, HPyModuleDef, HPySlot, HPySlot_Slot, HPy_NULL,
    HPy_ssize_t,
};

use super::trampoline::{entry, trampoline};
use crate::abi::ObjectResult;
use crate::{Borrowed, Context, HPyResult};

/// The positional (and keyword) arguments of a `VARARGS`/`KEYWORDS` call.
///
/// Only `hpy` creates it, from the pointers HPy passed to the entry point.
pub struct Args<'a, 'ctx> {
    pub(crate) ctx: Context<'ctx>,
    pub(crate) args: *const HPy,
    pub(crate) nargs: usize,
    /// `HPy_NULL`, or a tuple of keyword names whose values follow the
    /// positional arguments.
    pub(crate) kwnames: HPy,
    pub(crate) _borrow: core::marker::PhantomData<&'a HPy>,
}

/// A function made by `#[hpy_method]`: its `HPyDef`, which `hpy_module!`
/// puts in a static and lists in the module definition.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait PyMethod {
    /// The definition (a plain value: statics are made by `hpy_module!`).
    const DEF: HPyDef;
    /// The function's type-stub description (one JSON line, see
    /// [`stubs`](crate::impl_::stubs)).
    const STUB: &'static str = "";
}

impl<'a, 'ctx: 'a> Args<'a, 'ctx> {
    /// The arguments of a call without keywords: `nargs` handles at `args`.
    ///
    /// # Safety
    /// `args` must point to `nargs` handles valid for `'a`.
    #[inline(always)]
    pub(crate) unsafe fn positional_only(
        ctx: Context<'ctx>,
        args: *const HPy,
        nargs: usize,
    ) -> Self {
        Args {
            ctx,
            args,
            nargs,
            kwnames: HPy_NULL,
            _borrow: core::marker::PhantomData,
        }
    }
}

/// A module-level function with `HPyFunc_NOARGS`.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait MethNoArgs {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// The function body.
    fn call<'ctx>(ctx: Context<'ctx>, module: Borrowed<'_, 'ctx>) -> HPyResult<HPy>;
}

/// A module-level function with `HPyFunc_O`.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait MethO {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// The function body.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        module: Borrowed<'_, 'ctx>,
        arg: Borrowed<'_, 'ctx>,
    ) -> HPyResult<HPy>;
}

/// A property getter (`HPyFunc_GETTER`).
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait Getter {
    /// The class whose property it is (an hpy-rs class: the runtime
    /// asks for `HPyClass` where it reads one).
    type Class;
    /// A name for error messages.
    const NAME: &'static str;
    /// The body, for an `obj` its caller has checked to be an instance of
    /// `Class` (`impl_get` does, or the interpreter's method descriptor).
    fn call<'ctx>(ctx: Context<'ctx>, obj: Borrowed<'_, 'ctx>) -> HPyResult<HPy>;
}

/// A property setter (`HPyFunc_SETTER`); `value` is `None` for `del`.
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait Setter {
    /// The class whose property it is (an hpy-rs class: the runtime
    /// asks for `HPyClass` where it reads one).
    type Class;
    /// A name for error messages.
    const NAME: &'static str;
    /// The body, for an `obj` checked as for [`Getter::call`].
    fn call<'ctx>(
        ctx: Context<'ctx>,
        obj: Borrowed<'_, 'ctx>,
        value: Option<Borrowed<'_, 'ctx>>,
    ) -> HPyResult<()>;
}

/// A module-level function with `HPyFunc_VARARGS` or `HPyFunc_KEYWORDS`
/// (its definition, `meth_varargs` or `meth_keywords`, decides which).
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait MethArgs {
    /// The Python name, for error messages.
    const NAME: &'static str;
    /// The function body.
    fn call<'ctx>(
        ctx: Context<'ctx>,
        module: Borrowed<'_, 'ctx>,
        args: Args<'_, 'ctx>,
    ) -> HPyResult<HPy>;
}

/// The module's `HPy_mod_exec` slot (`HPyFunc_INQUIRY`).
///
/// # Safety
/// Implemented by hpy-rs's macros only: the runtime trusts what the
/// implementation returns (raw handles, definitions) without checking it.
pub unsafe trait ModExec {
    /// A name for error messages.
    const NAME: &'static str;
    /// The slot body: `0` on success.
    fn call<'ctx>(ctx: Context<'ctx>, module: Borrowed<'_, 'ctx>) -> HPyResult<c_int>;
}

// ---- the HPy-convention entry points (`impl`) ----

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_NOARGS`.
    pub unsafe extern "C" fn impl_noargs<M: MethNoArgs, const DIRECT: bool>(ctx: *mut HPyContext, module: HPy) -> HPy {
        // SAFETY: HPy passes the live context and a module handle valid for the call.
        unsafe {
            entry::<DIRECT, _, _>(ctx, M::NAME, HPy_NULL, move |ctx| {
                M::call(ctx, Borrowed::from_raw(ctx, module))
            })
        }
    }
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_O`.
    pub unsafe extern "C" fn impl_o<M: MethO, const DIRECT: bool>(ctx: *mut HPyContext, module: HPy, arg: HPy) -> HPy {
        // SAFETY: HPy passes the live context and handles valid for the call.
        unsafe {
            entry::<DIRECT, _, _>(ctx, M::NAME, HPy_NULL, move |ctx| {
                M::call(
                    ctx,
                    Borrowed::from_raw(ctx, module),
                    Borrowed::from_raw(ctx, arg),
                )
            })
        }
    }
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_VARARGS`.
    pub unsafe extern "C" fn impl_varargs<M: MethArgs, const DIRECT: bool>(
        ctx: *mut HPyContext,
        module: HPy,
        args: *const HPy,
        nargs: usize,
    ) -> HPy {
        // SAFETY: HPy passes the live context, a module handle and `nargs`
        // argument handles, all valid for the call.
        unsafe {
            entry::<DIRECT, _, _>(ctx, M::NAME, HPy_NULL, move |ctx| {
                let args = Args::positional_only(ctx, args, nargs);
                M::call(ctx, Borrowed::from_raw(ctx, module), args)
            })
        }
    }
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_KEYWORDS`.
    pub unsafe extern "C" fn impl_keywords<M: MethArgs, const DIRECT: bool>(
        ctx: *mut HPyContext,
        module: HPy,
        args: *const HPy,
        nargs: usize,
        kwnames: HPy,
    ) -> HPy {
        // SAFETY: HPy passes the live context, a module handle, the argument
        // array and the keyword names tuple (or HPy_NULL), all valid for the call.
        unsafe {
            entry::<DIRECT, _, _>(ctx, M::NAME, HPy_NULL, move |ctx| {
                let args = Args {
                    ctx,
                    args,
                    nargs,
                    kwnames,
                    _borrow: core::marker::PhantomData,
                };
                M::call(ctx, Borrowed::from_raw(ctx, module), args)
            })
        }
    }
}

super::abi::entry_point! {
    /// # Safety
    /// Called by HPy only, with the arguments of `HPyFunc_INQUIRY`.
    pub unsafe extern "C" fn impl_mod_exec<M: ModExec>(ctx: *mut HPyContext, module: HPy) -> c_int {
        // SAFETY: HPy passes the live context and the new module's handle; module
        // exec is the first call with a context, and no exception is pending.
        unsafe {
            hpy_sys::hpy_rs_prepare_context(ctx);
            crate::abi::module_exec_begins(module);
            trampoline(ctx, M::NAME, -1, move |ctx| {
                M::call(ctx, Borrowed::from_raw(ctx, module))
            })
        }
    }
}

// ---- the CPython-convention entry points (`cpy_trampoline`) ----

/// One body for both ABIs: the difference is the seam's (`abi`).
mod cpy {
    use super::*;
    use crate::abi;

    /// # Safety
    /// Called by CPython as a `METH_NOARGS` function.
    pub unsafe extern "C" fn noargs<M: MethNoArgs>(
        module: *mut cpy_PyObject,
        _: *mut cpy_PyObject,
    ) -> abi::ObjectResult {
        // SAFETY: CPython's `METH_NOARGS` arguments, for `impl_noargs`.
        unsafe { abi::noargs(impl_noargs::<M, false>, impl_noargs::<M, true>, module) }
    }

    /// # Safety
    /// Called by CPython as a `METH_O` function.
    pub unsafe extern "C" fn o_<M: MethO>(
        module: *mut cpy_PyObject,
        arg: *mut cpy_PyObject,
    ) -> abi::ObjectResult {
        // SAFETY: CPython's `METH_O` arguments, for `impl_o`.
        unsafe { abi::o(impl_o::<M, false>, impl_o::<M, true>, module, arg) }
    }

    /// # Safety
    /// Called by CPython as a `METH_FASTCALL` function.
    pub unsafe extern "C" fn varargs<M: MethArgs>(
        module: *mut cpy_PyObject,
        args: *const *mut cpy_PyObject,
        nargs: HPy_ssize_t,
    ) -> abi::ObjectResult {
        // SAFETY: CPython's `METH_FASTCALL` arguments, for `impl_varargs`.
        unsafe {
            abi::varargs(
                impl_varargs::<M, false>,
                impl_varargs::<M, true>,
                module,
                args,
                nargs,
            )
        }
    }

    /// # Safety
    /// Called by CPython as a `METH_FASTCALL | METH_KEYWORDS` function.
    pub unsafe extern "C" fn keywords<M: MethArgs>(
        module: *mut cpy_PyObject,
        args: *const *mut cpy_PyObject,
        nargsf: usize,
        kwnames: *mut cpy_PyObject,
    ) -> abi::ObjectResult {
        // SAFETY: CPython's vectorcall arguments, for `impl_keywords`.
        unsafe {
            abi::keywords(
                impl_keywords::<M, false>,
                impl_keywords::<M, true>,
                module,
                args,
                nargsf,
                kwnames,
            )
        }
    }

    /// # Safety
    /// Called by CPython as a `Py_mod_exec` slot.
    pub unsafe extern "C" fn mod_exec<M: ModExec>(module: *mut cpy_PyObject) -> c_int {
        // SAFETY: the new module, for `impl_mod_exec`.
        unsafe { abi::inquiry(impl_mod_exec::<M>, impl_mod_exec::<M>, module) }
    }
}

// ---- erasing entry points to the C pointer types HPy stores ----

macro_rules! erase {
    ($($name:ident<$bound:ident> = $func:ident$(<$direct:literal>)? : $fty:ty;)*) => {$(
        #[inline(always)]
        const fn $name<M: $bound>() -> HPyCFunction {
            // The host variant (`DIRECT = false`) is the one HPy calls.
            let f: $fty = $func::<M $(, $direct)?>;
            // HPy casts this back to the signature named by the definition's
            // `signature`/slot, which is the one of `f`.
            f as HPyCFunction
        }
    )*};
}

erase! {
    cfunc_noargs<MethNoArgs> = impl_noargs<false>: unsafe extern "C" fn(*mut HPyContext, HPy) -> HPy;
    cfunc_o<MethO> = impl_o<false>: unsafe extern "C" fn(*mut HPyContext, HPy, HPy) -> HPy;
    cfunc_varargs<MethArgs> = impl_varargs<false>: unsafe extern "C" fn(*mut HPyContext, HPy, *const HPy, usize) -> HPy;
    cfunc_keywords<MethArgs> =
        impl_keywords<false>: unsafe extern "C" fn(*mut HPyContext, HPy, *const HPy, usize, HPy) -> HPy;
    cfunc_mod_exec<ModExec> = impl_mod_exec: unsafe extern "C" fn(*mut HPyContext, HPy) -> c_int;
}

/// Erases a CPython-convention trampoline to the `cpy_PyCFunction` type the
/// `HPyMeth`/`HPySlot` field has (CPython casts it back by `ml_flags`/slot).
macro_rules! erase_cpy {
    ($f:expr, $fty:ty) => {{
        let f: $fty = $f;
        // SAFETY: function pointers of any signature have the same size and
        // CPython calls this one through the signature its flags/slot imply
        // (whose `PyObject*` result is what `ObjectResult` stands for).
        Some(unsafe { core::mem::transmute::<$fty, hpy_sys::cpy_PyCFunction>(f) })
    }};
}

const fn c_ptr(s: Option<&'static CStr>) -> *const core::ffi::c_char {
    match s {
        Some(s) => s.as_ptr(),
        None => ptr::null(),
    }
}

const fn meth(
    name: &'static CStr,
    doc: Option<&'static CStr>,
    sig: HPyFunc_Signature,
    f: HPyCFunction,
    cpy: Option<hpy_sys::cpy_PyCFunction>,
) -> HPyDef {
    HPyDef {
        kind: HPyDef_Kind_Meth,
        u: HPyDef_u {
            meth: HPyMeth {
                name: name.as_ptr(),
                r#impl: f,
                cpy_trampoline: cpy,
                signature: sig,
                doc: c_ptr(doc),
            },
        },
    }
}

pub(crate) const fn slot(
    which: HPySlot_Slot,
    f: HPyCFunction,
    cpy: Option<hpy_sys::cpy_PyCFunction>,
) -> HPyDef {
    HPyDef {
        kind: HPyDef_Kind_Slot,
        u: HPyDef_u {
            slot: HPySlot {
                slot: which,
                r#impl: f,
                cpy_trampoline: cpy,
            },
        },
    }
}

/// The `HPyDef` of a `NOARGS` module function.
pub const fn meth_noargs<M: MethNoArgs>(name: &'static CStr, doc: Option<&'static CStr>) -> HPyDef {
    let cpy = erase_cpy!(
        cpy::noargs::<M>,
        unsafe extern "C" fn(*mut cpy_PyObject, *mut cpy_PyObject) -> ObjectResult
    );
    meth(name, doc, hpy_sys::HPyFunc_NOARGS, cfunc_noargs::<M>(), cpy)
}

/// The `HPyDef` of an `O` module function.
pub const fn meth_o<M: MethO>(name: &'static CStr, doc: Option<&'static CStr>) -> HPyDef {
    let cpy = erase_cpy!(
        cpy::o_::<M>,
        unsafe extern "C" fn(*mut cpy_PyObject, *mut cpy_PyObject) -> ObjectResult
    );
    meth(name, doc, hpy_sys::HPyFunc_O, cfunc_o::<M>(), cpy)
}

/// The `HPyDef` of a `VARARGS` module function.
pub const fn meth_varargs<M: MethArgs>(name: &'static CStr, doc: Option<&'static CStr>) -> HPyDef {
    // METH_FASTCALL is the `cpy_PyCFunction` signature (up to the result's
    // type, see `ObjectResult`).
    #[allow(clippy::useless_transmute)] // The same type where the result is a pointer.
    let cpy = erase_cpy!(
        cpy::varargs::<M>,
        unsafe extern "C" fn(
            *mut cpy_PyObject,
            *const *mut cpy_PyObject,
            HPy_ssize_t,
        ) -> ObjectResult
    );
    meth(
        name,
        doc,
        hpy_sys::HPyFunc_VARARGS,
        cfunc_varargs::<M>(),
        cpy,
    )
}

/// The `HPyDef` of a `KEYWORDS` module function.
pub const fn meth_keywords<M: MethArgs>(name: &'static CStr, doc: Option<&'static CStr>) -> HPyDef {
    let cpy = erase_cpy!(
        cpy::keywords::<M>,
        unsafe extern "C" fn(
            *mut cpy_PyObject,
            *const *mut cpy_PyObject,
            usize,
            *mut cpy_PyObject,
        ) -> ObjectResult
    );
    meth(
        name,
        doc,
        hpy_sys::HPyFunc_KEYWORDS,
        cfunc_keywords::<M>(),
        cpy,
    )
}

/// The `HPy_mod_exec` slot definition.
pub const fn slot_mod_exec<M: ModExec>() -> HPyDef {
    let cpy = erase_cpy!(
        cpy::mod_exec::<M>,
        unsafe extern "C" fn(*mut cpy_PyObject) -> c_int
    );
    slot(hpy_sys::HPy_mod_exec, cfunc_mod_exec::<M>(), cpy)
}

// ---- statics ----

/// An `HPyDef` in a static. HPy receives it as a mutable pointer, so it
/// lives in writable memory (`UnsafeCell`); Rust never touches it again.
#[repr(transparent)]
pub struct StaticDef(UnsafeCell<HPyDef>);

// SAFETY: the definition is written once at compile time and afterwards only
// read (by HPy, under the interpreter's lock).
unsafe impl Sync for StaticDef {}

impl StaticDef {
    /// Wraps a definition.
    pub const fn new(def: HPyDef) -> Self {
        StaticDef(UnsafeCell::new(def))
    }

    /// The pointer HPy's `defines` arrays hold.
    pub const fn as_ptr(&self) -> *mut HPyDef {
        self.0.get()
    }
}

/// A NULL-terminated array of definitions (`HPyModuleDef.defines`).
#[repr(transparent)]
pub struct DefineList<const N: usize>(UnsafeCell<[*mut HPyDef; N]>);

// SAFETY: as for `StaticDef`: built at compile time, then only read.
unsafe impl<const N: usize> Sync for DefineList<N> {}

impl<const N: usize> DefineList<N> {
    /// Wraps the array; its last entry must be null.
    pub const fn new(defs: [*mut HPyDef; N]) -> Self {
        assert!(
            N > 0 && defs[N - 1].is_null(),
            "a define list ends with a null pointer"
        );
        DefineList(UnsafeCell::new(defs))
    }

    /// The pointer to the first entry.
    pub const fn as_ptr(&self) -> *mut *mut HPyDef {
        self.0.get().cast()
    }
}

/// A NULL-terminated array of `HPyGlobal` pointers (`HPyModuleDef.globals`).
#[repr(transparent)]
pub struct GlobalList<const N: usize>(UnsafeCell<[*mut hpy_sys::HPyGlobal; N]>);

// SAFETY: built at compile time, then only read by HPy.
unsafe impl<const N: usize> Sync for GlobalList<N> {}

/// `fixed`, then each slice of `more`, at the start of an array of `N`
/// entries (the rest null), with the number of entries written: the
/// global lists of a module ([`GlobalList::concat`]) and of a submodule
/// (`concat_globals`).
pub(crate) const fn globals_in_order<const N: usize, const F: usize>(
    fixed: [*mut hpy_sys::HPyGlobal; F],
    more: &[&[*mut hpy_sys::HPyGlobal]],
) -> ([*mut hpy_sys::HPyGlobal; N], usize) {
    let mut globals = [core::ptr::null_mut(); N];
    let mut n = 0;
    while n < F {
        globals[n] = fixed[n];
        n += 1;
    }
    let mut i = 0;
    while i < more.len() {
        let mut j = 0;
        while j < more[i].len() {
            globals[n] = more[i][j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    (globals, n)
}

impl<const N: usize> GlobalList<N> {
    /// Wraps the array; its last entry must be null.
    pub const fn new(globals: [*mut hpy_sys::HPyGlobal; N]) -> Self {
        assert!(
            N > 0 && globals[N - 1].is_null(),
            "a global list ends with a null pointer"
        );
        GlobalList(UnsafeCell::new(globals))
    }

    /// The array of `fixed` (the module's own globals, one per exception,
    /// one per class) followed by each class's `VARIANT_GLOBALS` (`more`),
    /// then the null entry; `N` must be their total count plus one.
    pub const fn concat<const F: usize>(
        fixed: [*mut hpy_sys::HPyGlobal; F],
        more: &[&[*mut hpy_sys::HPyGlobal]],
    ) -> Self {
        let (globals, n) = globals_in_order::<N, F>(fixed, more);
        assert!(
            n + 1 == N,
            "a global list has room for its globals and a null entry"
        );
        Self::new(globals)
    }

    /// The pointer to the first entry.
    pub const fn as_ptr(&self) -> *mut *mut hpy_sys::HPyGlobal {
        self.0.get().cast()
    }
}

/// An `HPyModuleDef` in a static (writable, like [`StaticDef`]).
#[repr(transparent)]
pub struct StaticModuleDef(UnsafeCell<HPyModuleDef>);

// SAFETY: as for `StaticDef`.
unsafe impl Sync for StaticModuleDef {}

impl StaticModuleDef {
    /// A module definition with a docstring, definitions and globals, no
    /// module state (HPy 0.9 rejects `size > 0`) and no legacy methods.
    ///
    /// # Safety
    /// HPy calls what the definitions name with the arguments their kind
    /// says: each must come from the macros' `unsafe` traits (`PyMethod`,
    /// `ModExec`); each global must be a `static` `HPyGlobal` (the module's
    /// exported init hands this definition to the interpreter).
    pub const unsafe fn new<const N: usize, const G: usize>(
        doc: Option<&'static CStr>,
        defines: &'static DefineList<N>,
        globals: &'static GlobalList<G>,
    ) -> Self {
        StaticModuleDef(UnsafeCell::new(HPyModuleDef {
            doc: c_ptr(doc),
            size: 0,
            legacy_methods: ptr::null_mut(),
            defines: defines.as_ptr(),
            globals: globals.as_ptr(),
        }))
    }

    /// The pointer `HPyInit_<name>` returns.
    pub const fn as_ptr(&self) -> *mut HPyModuleDef {
        self.0.get()
    }
}

/// The `tp_call` slot: called like a `KEYWORDS` function with the instance
/// as `self` (HPy's `HPy_tp_call` uses `HPyFunc_KEYWORDS`, called by
/// vectorcall).
pub const fn slot_call<M: MethArgs>() -> HPyDef {
    let cpy = erase_cpy!(
        cpy::keywords::<M>,
        unsafe extern "C" fn(
            *mut cpy_PyObject,
            *const *mut cpy_PyObject,
            usize,
            *mut cpy_PyObject,
        ) -> ObjectResult
    );
    slot(hpy_sys::HPy_tp_call, cfunc_keywords::<M>(), cpy)
}
