//! The seam between the two HPy ABIs: the one place in `hpy` that says
//! which ABI this build is for (`cpython.rs` or `universal.rs`, chosen
//! here), and the one table of the HPy function signatures that both
//! files turn into entry points.
//!
//! Everything that differs between the ABIs is a function (or constant) of
//! the chosen file with the same name and signature in both, so that the
//! rest of the crate has no `cfg`:
//! - how the context and a handle are represented ([`RawContext`]);
//! - the **CPython-convention trampolines** of every `HPyFunc` signature in
//!   [`hpyfunc_signatures!`]: given the HPy-convention function `f` and the
//!   arguments CPython passed, call `f` and return its result as CPython
//!   expects. CPython ABI: an `HPy` is the `PyObject*`, so `f` is called
//!   directly with a null context (and inlined); universal ABI: the
//!   arguments are written into the signature's `_HPyFunc_args_*` block and
//!   handed to `ctx_CallRealFunctionFromTrampoline` with the context saved
//!   at module init, as C HPy's trampolines do;
//! - module init, error and signal handling, and a few CPython-ABI fast
//!   paths (each documented where it is defined).

/// The HPy function signatures with a CPython-convention trampoline, one
/// row each: the seam function's name (the signature's in lower case), the
/// `HPyFunc_Signature` value, the HPy-convention function type and the
/// universal ABI's argument block, then the parameters as CPython passes
/// them (named as the block's fields, each with its kind, see
/// [`cpy_ty!`]) and the result's kind ([`cpy_ret!`]).
///
/// `$row!` is invoked twice: with the rows both ABIs derive mechanically
/// (`plain`), and with those whose CPython-ABI form reads the arguments
/// differently (`custom`: `cpython.rs` writes them out). Of HPy 0.9's 40
/// signatures, the three left out have no trampoline of this shape:
/// `DESTROYFUNC` (called by HPy's `tp_dealloc`, never by CPython),
/// `VECTORCALLFUNC` (no argument block in 0.9) and `CAPSULE_DESTRUCTOR`
/// (its block is the capsule itself: `capsule_destructor` in each file).
///
/// The compiler checks each row against hpy-sys (which the generator makes
/// from the headers): the function type and the block's fields must exist
/// with these names and types.
macro_rules! hpyfunc_signatures {
    ($row:ident) => {
        $row! { plain:
            noargs = HPyFunc_NOARGS, HPyFunc_noargs, _HPyFunc_args_NOARGS, (self_: obj) -> obj;
            o = HPyFunc_O, HPyFunc_o, _HPyFunc_args_O, (self_: obj, arg: obj) -> obj;
            varargs = HPyFunc_VARARGS, HPyFunc_varargs, _HPyFunc_args_VARARGS,
                (self_: obj, args: vec, nargs: nargs) -> obj;
            keywords = HPyFunc_KEYWORDS, HPyFunc_keywords, _HPyFunc_args_KEYWORDS,
                (self_: obj, args: vec, nargsf: nargsf, kwnames: obj) -> obj;
            unaryfunc = HPyFunc_UNARYFUNC, HPyFunc_unaryfunc, _HPyFunc_args_UNARYFUNC, (arg0: obj) -> obj;
            binaryfunc = HPyFunc_BINARYFUNC, HPyFunc_binaryfunc, _HPyFunc_args_BINARYFUNC,
                (arg0: obj, arg1: obj) -> obj;
            ternaryfunc = HPyFunc_TERNARYFUNC, HPyFunc_ternaryfunc, _HPyFunc_args_TERNARYFUNC,
                (arg0: obj, arg1: obj, arg2: obj) -> obj;
            inquiry = HPyFunc_INQUIRY, HPyFunc_inquiry, _HPyFunc_args_INQUIRY, (arg0: obj) -> int;
            lenfunc = HPyFunc_LENFUNC, HPyFunc_lenfunc, _HPyFunc_args_LENFUNC, (arg0: obj) -> ssize;
            ssizeargfunc = HPyFunc_SSIZEARGFUNC, HPyFunc_ssizeargfunc, _HPyFunc_args_SSIZEARGFUNC,
                (arg0: obj, arg1: ssize) -> obj;
            ssizessizeargfunc = HPyFunc_SSIZESSIZEARGFUNC, HPyFunc_ssizessizeargfunc,
                _HPyFunc_args_SSIZESSIZEARGFUNC, (arg0: obj, arg1: ssize, arg2: ssize) -> obj;
            ssizeobjargproc = HPyFunc_SSIZEOBJARGPROC, HPyFunc_ssizeobjargproc, _HPyFunc_args_SSIZEOBJARGPROC,
                (arg0: obj, arg1: ssize, arg2: obj) -> int;
            ssizessizeobjargproc = HPyFunc_SSIZESSIZEOBJARGPROC, HPyFunc_ssizessizeobjargproc,
                _HPyFunc_args_SSIZESSIZEOBJARGPROC,
                (arg0: obj, arg1: ssize, arg2: ssize, arg3: obj) -> int;
            objobjargproc = HPyFunc_OBJOBJARGPROC, HPyFunc_objobjargproc, _HPyFunc_args_OBJOBJARGPROC,
                (arg0: obj, arg1: obj, arg2: obj) -> int;
            freefunc = HPyFunc_FREEFUNC, HPyFunc_freefunc, _HPyFunc_args_FREEFUNC, (arg0: ptr) -> void;
            getattrfunc = HPyFunc_GETATTRFUNC, HPyFunc_getattrfunc, _HPyFunc_args_GETATTRFUNC,
                (arg0: obj, arg1: cstr) -> obj;
            getattrofunc = HPyFunc_GETATTROFUNC, HPyFunc_getattrofunc, _HPyFunc_args_GETATTROFUNC,
                (arg0: obj, arg1: obj) -> obj;
            setattrfunc = HPyFunc_SETATTRFUNC, HPyFunc_setattrfunc, _HPyFunc_args_SETATTRFUNC,
                (arg0: obj, arg1: cstr, arg2: obj) -> int;
            setattrofunc = HPyFunc_SETATTROFUNC, HPyFunc_setattrofunc, _HPyFunc_args_SETATTROFUNC,
                (arg0: obj, arg1: obj, arg2: obj) -> int;
            reprfunc = HPyFunc_REPRFUNC, HPyFunc_reprfunc, _HPyFunc_args_REPRFUNC, (arg0: obj) -> obj;
            hashfunc = HPyFunc_HASHFUNC, HPyFunc_hashfunc, _HPyFunc_args_HASHFUNC, (arg0: obj) -> hash;
            richcmpfunc = HPyFunc_RICHCMPFUNC, HPyFunc_richcmpfunc, _HPyFunc_args_RICHCMPFUNC,
                (arg0: obj, arg1: obj, arg2: cmpop) -> obj;
            getiterfunc = HPyFunc_GETITERFUNC, HPyFunc_getiterfunc, _HPyFunc_args_GETITERFUNC,
                (arg0: obj) -> obj;
            iternextfunc = HPyFunc_ITERNEXTFUNC, HPyFunc_iternextfunc, _HPyFunc_args_ITERNEXTFUNC,
                (arg0: obj) -> obj;
            descrgetfunc = HPyFunc_DESCRGETFUNC, HPyFunc_descrgetfunc, _HPyFunc_args_DESCRGETFUNC,
                (arg0: obj, arg1: obj, arg2: obj) -> obj;
            descrsetfunc = HPyFunc_DESCRSETFUNC, HPyFunc_descrsetfunc, _HPyFunc_args_DESCRSETFUNC,
                (arg0: obj, arg1: obj, arg2: obj) -> int;
            getter = HPyFunc_GETTER, HPyFunc_getter, _HPyFunc_args_GETTER, (arg0: obj, arg1: ptr) -> obj;
            setter = HPyFunc_SETTER, HPyFunc_setter, _HPyFunc_args_SETTER,
                (arg0: obj, arg1: obj, arg2: ptr) -> int;
            objobjproc = HPyFunc_OBJOBJPROC, HPyFunc_objobjproc, _HPyFunc_args_OBJOBJPROC,
                (arg0: obj, arg1: obj) -> int;
            getbufferproc = HPyFunc_GETBUFFERPROC, HPyFunc_getbufferproc, _HPyFunc_args_GETBUFFERPROC,
                (self_: obj, view: view, flags: int) -> int;
            releasebufferproc = HPyFunc_RELEASEBUFFERPROC, HPyFunc_releasebufferproc,
                _HPyFunc_args_RELEASEBUFFERPROC, (self_: obj, view: view) -> void;
            destructor = HPyFunc_DESTRUCTOR, HPyFunc_destructor, _HPyFunc_args_DESTRUCTOR, (arg0: obj) -> void;
            mod_create = HPyFunc_MOD_CREATE, HPyFunc_mod_create, _HPyFunc_args_MOD_CREATE, (spec: obj) -> obj;
        }
        $row! { custom:
            newfunc = HPyFunc_NEWFUNC, HPyFunc_newfunc, _HPyFunc_args_NEWFUNC,
                (self_: obj, args: tuple, kw: obj) -> obj;
            initproc = HPyFunc_INITPROC, HPyFunc_initproc, _HPyFunc_args_INITPROC,
                (self_: obj, args: tuple, kw: obj) -> int;
            traverseproc = HPyFunc_TRAVERSEPROC, HPyFunc_traverseproc, _HPyFunc_args_TRAVERSEPROC,
                (self_: obj, visit: visit, arg: ptr) -> int;
        }
    };
}

/// The type CPython passes for a parameter of each kind.
macro_rules! cpy_ty {
    (obj) => { *mut hpy_sys::cpy_PyObject };
    (ssize) => { hpy_sys::HPy_ssize_t };
    (int) => { core::ffi::c_int };
    (cmpop) => { hpy_sys::HPy_RichCmpOp };
    (ptr) => { *mut core::ffi::c_void };
    (cstr) => { *mut core::ffi::c_char };
    (view) => { *mut hpy_sys::cpy_Py_buffer };
    // METH_FASTCALL's argument array and count, and vectorcall's count
    // (whose high bit is PY_VECTORCALL_ARGUMENTS_OFFSET).
    (vec) => { *const *mut hpy_sys::cpy_PyObject };
    (nargs) => { hpy_sys::HPy_ssize_t };
    (nargsf) => { usize };
    // `tp_new`/`tp_init`'s argument tuple.
    (tuple) => { *mut hpy_sys::cpy_PyObject };
    (visit) => { hpy_sys::cpy_visitproc };
}

/// The type CPython expects back for a result of each kind.
macro_rules! cpy_ret {
    (obj) => { *mut hpy_sys::cpy_PyObject };
    (int) => { core::ffi::c_int };
    (ssize) => { hpy_sys::HPy_ssize_t };
    (hash) => { hpy_sys::HPy_hash_t };
    (void) => { () };
}

#[cfg(not(feature = "universal"))]
mod cpython;
#[cfg(not(feature = "universal"))]
pub use cpython::*;

#[cfg(feature = "universal")]
mod universal;
#[cfg(feature = "universal")]
pub use universal::*;
