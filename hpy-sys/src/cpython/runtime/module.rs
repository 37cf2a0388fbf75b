//! Module creation: `PyInit_<name>` of a CPython-ABI extension returns
//! [`_HPyModuleDef_AsPyInit`] of its `HPyModuleDef` (multi-phase init).

use core::ffi::{c_char, c_void};
use core::ptr::{self, null_mut};

use super::super::ffi::*;
use super::super::{Py_DECREF, Py_TYPE};
use super::types::{defines, method_defs};
use super::{set_error, set_error_fmt};
use crate::*;

/// What a CPython-ABI module says about interpreters, beyond its
/// `HPyModuleDef` (which HPy 0.9 gives no way to say it): whether it may be
/// loaded into several interpreters, each with its own GIL (PEP 684), and
/// the function CPython calls when one of its module objects is freed
/// (`m_free`), where per-interpreter state is released.
#[derive(Clone, Copy, Debug)]
pub struct ModuleInterpreters {
    /// `Py_mod_multiple_interpreters` = `Py_MOD_PER_INTERPRETER_GIL_SUPPORTED`
    /// (3.12+) if set, else `Py_MOD_MULTIPLE_INTERPRETERS_NOT_SUPPORTED`.
    pub per_interpreter_gil: bool,
    /// The `PyModuleDef`'s `m_free`, or `None`.
    pub free: Option<unsafe extern "C" fn(*mut c_void)>,
}

impl ModuleInterpreters {
    /// The main interpreter only (HPy's own runtime says nothing either,
    /// which CPython 3.12+ reads as "supported": hpy-rs says "not").
    pub const MAIN_ONLY: Self = ModuleInterpreters {
        per_interpreter_gil: false,
        free: None,
    };
}

/// Builds the `PyModuleDef` of `def`, named `name` (NULL: CPython takes the
/// name from the spec), kept for the life of the process: CPython keeps
/// pointers to it in every module made from it. `None` with an exception set
/// if `def` is invalid.
#[cfg_attr(hpy_no_python, allow(dead_code))]
unsafe fn module_def(
    def: &HPyModuleDef,
    name: *const c_char,
    interpreters: ModuleInterpreters,
) -> Option<*mut PyModuleDef> {
    // SAFETY: (whole function) `def` is a valid module definition (caller);
    // C-API calls with the GIL held.
    unsafe {
        if def.size < 0 {
            set_error(
                PyExc_SystemError,
                c"HPy does not permit HPyModuleDef.size < 0",
            );
            return None;
        }
        if def.size > 0 {
            set_error(
                PyExc_SystemError,
                c"HPy has no module state: set HPyModuleDef.size to 0 (use HPyGlobal instead)",
            );
            return None;
        }
        let defs = defines(def.defines);
        let mut slots = Vec::new();
        let mut has_create = false;
        let mut has_other = false;
        for d in defs {
            if d.kind != HPyDef_Kind_Slot {
                has_other = true;
                continue;
            }
            let s = &d.u.slot;
            let value = s.cpy_trampoline.map_or(null_mut(), |f| f as *mut c_void);
            match s.slot {
                HPy_mod_create if has_create => {
                    set_error(
                        PyExc_SystemError,
                        c"HPyModuleDef defines HPy_mod_create more than once",
                    );
                    return None;
                }
                HPy_mod_create => {
                    has_create = true;
                    slots.push(PyModuleDef_Slot {
                        slot: Py_mod_create,
                        value,
                    });
                }
                HPy_mod_exec => {
                    has_other = true;
                    slots.push(PyModuleDef_Slot {
                        slot: Py_mod_exec,
                        value,
                    });
                }
                other => {
                    set_error_fmt(
                        PyExc_SystemError,
                        format_args!("unsupported slot {other} in HPyModuleDef.defines"),
                    );
                    return None;
                }
            }
        }
        if has_create
            && (has_other
                || !def.legacy_methods.is_null()
                || !def.doc.is_null()
                || !def.globals.is_null())
        {
            set_error(
                PyExc_SystemError,
                c"HPyModuleDef defines a HPy_mod_create slot and some other slots, methods or \
                  non-default fields (doc, globals, legacy methods): the object HPy_mod_create \
                  makes cannot carry them",
            );
            return None;
        }
        // A module says whether its state is per interpreter (hpy-rs's
        // `Global`s are, through `hpy`'s CPython-ABI layer); a module that
        // does not say must not be loaded into a second interpreter.
        // `Py_MOD_PER_INTERPRETER_GIL_SUPPORTED` is 2, `..._NOT_SUPPORTED` 0.
        #[cfg(Py_3_12)]
        slots.push(PyModuleDef_Slot {
            slot: Py_mod_multiple_interpreters,
            value: if interpreters.per_interpreter_gil {
                2 as *mut c_void
            } else {
                null_mut()
            },
        });
        slots.push(PyModuleDef_Slot {
            slot: 0,
            value: null_mut(),
        });
        let methods = method_defs(defs, def.legacy_methods.cast_const()).ok()?;
        let out = Box::new(PyModuleDef {
            m_base: PyModuleDef_Base {
                ob_base: PyObject {
                    ob_refcnt: 1,
                    ob_type: ptr::null_mut(),
                },
                m_init: null_mut(),
                m_index: 0,
                m_copy: null_mut(),
            },
            m_name: name,
            m_doc: def.doc,
            m_size: 0,
            m_methods: methods,
            m_slots: Box::leak(slots.into_boxed_slice()).as_mut_ptr(),
            m_traverse: null_mut(),
            m_clear: null_mut(),
            m_free: interpreters.free.map_or(null_mut(), |f| f as *mut c_void),
        });
        Some(Box::into_raw(out))
    }
}

/// What `PyInit_<name>` returns for an HPy module: its `PyModuleDef`,
/// initialised for multi-phase init, or NULL with an exception set.
///
/// # Safety
/// `hpydef` must point to a valid `HPyModuleDef` that lives for the rest of
/// the process (a `static`); the GIL must be held.
pub unsafe fn _HPyModuleDef_AsPyInit(hpydef: *mut HPyModuleDef) -> *mut PyObject {
    // SAFETY: forwarded from this function's contract.
    unsafe { hpy_rs_module_def_init(hpydef, ModuleInterpreters::MAIN_ONLY) }
}

/// [`_HPyModuleDef_AsPyInit`], saying what the module supports of
/// interpreters. The `PyModuleDef` is built at the first call for `hpydef`
/// and returned again by later ones (`PyInit_<name>` runs once per
/// interpreter that imports the module): one definition per module for the
/// life of the process, as a C extension's static `PyModuleDef`. A later
/// call's `interpreters` must be the first one's.
///
/// # Safety
/// As [`_HPyModuleDef_AsPyInit`].
pub unsafe fn hpy_rs_module_def_init(
    hpydef: *mut HPyModuleDef,
    interpreters: ModuleInterpreters,
) -> *mut PyObject {
    #[cfg(hpy_no_python)]
    {
        let _ = (hpydef, interpreters);
        // SAFETY: plain C-API call with the GIL held.
        unsafe {
            set_error(
                PyExc_ImportError,
                c"this extension was built without a Python (hpy-sys found none, or HPY_NO_PYTHON \
                  was set): rebuild it with HPY_PYTHON=/path/to/python3",
            )
        };
        null_mut()
    }
    #[cfg(not(hpy_no_python))]
    {
        use std::sync::Mutex;
        /// The `PyModuleDef` built for each `HPyModuleDef` (by address).
        static BUILT: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        let def = match built.iter().find(|(h, _)| *h == hpydef as usize) {
            Some(&(_, def)) => def as *mut PyModuleDef,
            // SAFETY: valid definition (caller); `module_def` leaves an
            // exception on failure.
            None => match unsafe { module_def(&*hpydef, ptr::null(), interpreters) } {
                Some(def) => {
                    built.push((hpydef as usize, def as usize));
                    def
                }
                None => return null_mut(),
            },
        };
        drop(built);
        // SAFETY: `PyModuleDef_Init` takes a definition that outlives every
        // module made from it (kept in `BUILT` for the process), and
        // returns the same definition each time it is given it.
        unsafe { PyModuleDef_Init(def) }
    }
}

/// The check a CPython-ABI `HPy_mod_create` trampoline makes on the object
/// the user's function returned: HPy forbids returning a module object
/// (CPython would then add nothing of the definition to it), so that
/// becomes `SystemError` and `*result` NULL.
///
/// # Safety
/// `*result` must be NULL or an owned reference; the GIL must be held.
pub unsafe fn _HPyModule_CheckCreateSlotResult(result: *mut *mut PyObject) {
    // SAFETY: as documented.
    unsafe {
        let obj = *result;
        if obj.is_null() {
            return;
        }
        if is_module(obj) {
            Py_DECREF(obj);
            // HPy's own wording (code written for hpy.universal matches it).
            set_error(
                PyExc_SystemError,
                c"HPy_mod_create slot returned a builtin module object. This is currently \
                  not supported.",
            );
            *result = null_mut();
        }
    }
}

/// Whether `obj` is a module object (`PyModule_Check`).
///
/// # Safety
/// `obj` is a live object; the GIL is held.
unsafe fn is_module(obj: *mut PyObject) -> bool {
    // SAFETY: as documented; PyModule_Type is a static type object.
    unsafe {
        let module_type = ptr::addr_of_mut!(PyModule_Type);
        Py_TYPE(obj) == module_type || PyType_IsSubtype(Py_TYPE(obj), module_type) != 0
    }
}

extern "C" {
    fn PyModule_FromDefAndSpec2(
        def: *mut PyModuleDef,
        spec: *mut PyObject,
        api_version: core::ffi::c_int,
    ) -> *mut PyObject;
    fn PyModule_ExecDef(module: *mut PyObject, def: *mut PyModuleDef) -> core::ffi::c_int;
}

/// The module object of `hpydef` for `spec`, created and executed (what
/// multi-phase init does for `PyInit_<name>`, for a host that loads
/// universal binaries): NULL with an exception set if the definition is
/// invalid or creation or an exec slot fails, in which case no module is left
/// behind. The `PyModuleDef` built for it lives for the rest of the process.
/// `interpreters` is what the module declares about subinterpreters (the
/// host knows it from the binary).
///
/// # Safety
/// `hpydef` must point to a valid `HPyModuleDef` that lives for the rest of
/// the process; `spec` is a live module spec, `name` a NUL-terminated module
/// name that lives as long; the GIL must be held.
pub unsafe fn module_from_spec(
    hpydef: *mut HPyModuleDef,
    spec: *mut PyObject,
    name: *const c_char,
    interpreters: ModuleInterpreters,
) -> *mut PyObject {
    /// `PYTHON_API_VERSION`, unchanged since 3.2.
    const PYTHON_API_VERSION: core::ffi::c_int = 1013;
    // SAFETY: valid definition and spec (caller); the PyModuleDef is leaked,
    // so it outlives every module made from it; a failed exec drops the one
    // reference to the new module.
    unsafe {
        let Some(def) = module_def(&*hpydef, name, interpreters) else {
            return null_mut();
        };
        let module = PyModule_FromDefAndSpec2(def, spec, PYTHON_API_VERSION);
        if module.is_null() {
            return null_mut();
        }
        // A create slot may return any object but a module (HPy's way of
        // making a module-like object); there is nothing to execute then.
        if is_module(module) && PyModule_ExecDef(module, def) != 0 {
            Py_DECREF(module);
            return null_mut();
        }
        module
    }
}
