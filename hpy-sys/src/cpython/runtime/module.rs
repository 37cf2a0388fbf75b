//! Module creation: `PyInit_<name>` of a CPython-ABI extension returns
//! [`_HPyModuleDef_AsPyInit`] of its `HPyModuleDef` (multi-phase init).

use core::ffi::{c_char, c_void};
use core::ptr::{self, null_mut};

use super::super::ffi::*;
use super::super::{Py_DECREF, Py_TYPE};
use super::types::{defines, method_defs};
use super::{set_error, set_error_fmt};
use crate::*;

/// Builds the `PyModuleDef` of `def`, named `name` (NULL: CPython takes the
/// name from the spec), kept for the life of the process: CPython keeps
/// pointers to it in every module made from it. `None` with an exception set
/// if `def` is invalid.
#[cfg_attr(hpy_no_python, allow(dead_code))]
unsafe fn module_def(def: &HPyModuleDef, name: *const c_char) -> Option<*mut PyModuleDef> {
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
        // hpy-rs keeps module-level state in process-wide HPyGlobals, so a
        // module must not be loaded into several interpreters.
        #[cfg(Py_3_12)]
        slots.push(PyModuleDef_Slot {
            slot: Py_mod_multiple_interpreters,
            value: null_mut(),
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
            m_free: null_mut(),
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
    #[cfg(hpy_no_python)]
    {
        let _ = hpydef;
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
    // SAFETY: valid definition (caller); `module_def` leaves an exception on
    // failure, and `PyModuleDef_Init` takes a definition that outlives it.
    unsafe {
        match module_def(&*hpydef, ptr::null()) {
            Some(def) => PyModuleDef_Init(def),
            None => null_mut(),
        }
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
///
/// # Safety
/// `hpydef` must point to a valid `HPyModuleDef` that lives for the rest of
/// the process; `spec` is a live module spec, `name` a NUL-terminated module
/// name that lives as long; the GIL must be held.
pub unsafe fn module_from_spec(
    hpydef: *mut HPyModuleDef,
    spec: *mut PyObject,
    name: *const c_char,
) -> *mut PyObject {
    /// `PYTHON_API_VERSION`, unchanged since 3.2.
    const PYTHON_API_VERSION: core::ffi::c_int = 1013;
    // SAFETY: valid definition and spec (caller); the PyModuleDef is leaked,
    // so it outlives every module made from it; a failed exec drops the one
    // reference to the new module.
    unsafe {
        let Some(def) = module_def(&*hpydef, name) else {
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
