//! Loading a universal binary: `dlopen`, the init symbols, the version
//! check, the global context, and the module made from its `HPyModuleDef`.

use core::ffi::{c_char, c_int, c_void, CStr};
use std::ffi::CString;

use hpy::{Context, Global, HPyErr, HPyResult, Handle};
use hpy_sys::host::UniversalContext;
use hpy_sys::{HPyModuleDef, HPY_ABI_VERSION, HPY_ABI_VERSION_MINOR};

extern "C" {
    fn dlopen(filename: *const c_char, flags: c_int) -> *mut c_void;
    fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    fn dlerror() -> *mut c_char;
}

/// `hpy_rs_universal.HPyLoadError`: what `load` raises when a binary cannot
/// be loaded; a subclass of `RuntimeError` (as `hpy.universal`'s errors)
/// and of `ImportError`.
pub(crate) static LOAD_ERROR: Global = Global::new();

/// `RTLD_NOW | RTLD_LOCAL` (Linux values): resolve everything at load, and
/// keep the binary's symbols to itself.
const DLOPEN_FLAGS: c_int = 2;

/// A loader error: `hpy_rs_universal.HPyLoadError`, a `RuntimeError` (what
/// `hpy.universal.load` raises, so code written for it keeps working) that
/// is an `ImportError` too (what an import that cannot load should raise).
fn import_error(message: String) -> HPyErr {
    HPyErr::new_in(&LOAD_ERROR, message)
}

/// HPy's check of the file name: a universal binary's name carries its ABI
/// tag, `.hpy<major>` (`pof.hpy0.so`), which must be the major version the
/// binary asks for.
fn check_abi_tag(name: &str, path: &str, major: u32, minor: u32) -> HPyResult<()> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let tag = file.split(".hpy").skip(1).find_map(|rest| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u32>().ok()
    });
    match tag {
        Some(tag) if tag == major => Ok(()),
        // HPy's wording (code written for hpy.universal may match it).
        Some(tag) => Err(import_error(format!(
            "HPy extension module '{name}' at path '{path}': mismatch between the HPy ABI tag \
             encoded in the filename and the major version requested by the HPy extension \
             itself. Major version tag parsed from filename: {tag}. Requested version: \
             {major}.{minor}."
        ))),
        None => Err(import_error(format!(
            "HPy extension module '{name}' at path '{path}': could not find HPy ABI tag encoded \
             in the filename. The extension claims to be compiled with HPy ABI version: \
             {major}.{minor}."
        ))),
    }
}

/// The last `dlerror()` text.
fn last_dl_error() -> String {
    // SAFETY: dlerror returns NULL or a NUL-terminated string that stays
    // valid until the next dl* call on this thread (the GIL is held).
    unsafe {
        let e = dlerror();
        if e.is_null() {
            "unknown error".into()
        } else {
            CStr::from_ptr(e).to_string_lossy().into_owned()
        }
    }
}

/// A binary opened with `dlopen` (never closed: its code and definitions
/// stay referenced by the module for the rest of the process).
struct Library {
    handle: *mut c_void,
    path: String,
}

impl Library {
    fn open(path: &str) -> HPyResult<Library> {
        let c_path = CString::new(path)
            .map_err(|_| HPyErr::value_error("the path of an HPy module must not contain NUL"))?;
        // SAFETY: a NUL-terminated path; dlopen has no other precondition.
        let handle = unsafe { dlopen(c_path.as_ptr(), DLOPEN_FLAGS) };
        if handle.is_null() {
            return Err(import_error(format!(
                "cannot load the HPy universal module {path}: {}",
                last_dl_error()
            )));
        }
        Ok(Library {
            handle,
            path: path.to_owned(),
        })
    }

    /// The address of `symbol`, if the library has it (and its name has
    /// no NUL).
    fn find(&self, symbol: &str) -> Option<*mut c_void> {
        let c_symbol = CString::new(symbol).ok()?;
        // SAFETY: a live handle from dlopen and a NUL-terminated name.
        let address = unsafe { dlsym(self.handle, c_symbol.as_ptr()) };
        (!address.is_null()).then_some(address)
    }

    /// The address of `symbol`, or an ImportError naming it and the fix.
    fn symbol(&self, symbol: &str, what: &str) -> HPyResult<*mut c_void> {
        if symbol.contains('\0') {
            return Err(HPyErr::value_error(
                "an HPy module name must not contain NUL",
            ));
        }
        self.find(symbol).ok_or_else(|| {
            import_error(format!(
                "{} is not an HPy universal module named as imported: it has no {what} \
                 `{symbol}`. Import it under the name it was built with (its file name \
                 before `.hpy0.so`, renamed back), or rebuild it with `cargo hpy build \
                 --universal` (or hpy.devel's --hpy-abi=universal)",
                self.path
            ))
        })
    }
}

/// Whether the binary declares that it works in subinterpreters with their
/// own GIL through this host: hpy-rs's `hpy_module!` exports
/// `HPyRsSubinterpreters_<name>`, which returns 1 where the module does
/// (its globals read in place only as table version 7 allows, its
/// builtins asked of the table), 0 where it says `subinterpreters: false`.
/// `None` if it does not say.
fn declares_subinterpreters(library: &Library, name: &str) -> Option<bool> {
    let symbol = library.find(&format!("HPyRsSubinterpreters_{name}"))?;
    // SAFETY: hpy-rs exports it as `uint32_t (*)(void)`.
    let declared = unsafe {
        let declared: unsafe extern "C" fn() -> u32 = core::mem::transmute(symbol);
        declared()
    };
    Some(declared == 1)
}

/// Whether the module definition has an `HPy_mod_create` slot.
///
/// # Safety
/// `def` is a valid module definition: its `defines` is NULL or a
/// NULL-terminated array of valid definitions.
unsafe fn has_create_slot(def: *const HPyModuleDef) -> bool {
    // SAFETY: within the array, up to and including its NULL entry (the
    // contract); a slot definition's `u.slot` is its valid member.
    unsafe {
        let mut at = (*def).defines;
        if at.is_null() {
            return false;
        }
        while !(*at).is_null() {
            let d = &**at;
            if d.kind == hpy_sys::HPyDef_Kind_Slot && d.u.slot.slot == hpy_sys::HPy_mod_create {
                return true;
            }
            at = at.add(1);
        }
    }
    false
}

/// Loads the universal binary at `path` whose init symbols carry `name`,
/// with `ctx` as its global context, and returns the module made for `spec`.
///
/// # Safety
/// `uctx` is a context that lives for the rest of the process.
pub unsafe fn load<'ctx>(
    ctx: Context<'ctx>,
    name: &str,
    path: &str,
    spec: &Handle<'ctx>,
    uctx: *mut UniversalContext,
) -> HPyResult<Handle<'ctx>> {
    let library = Library::open(path)?;
    let major_symbol = format!("get_required_hpy_major_version_{name}");
    if library.find(&major_symbol).is_none() && library.find(&format!("HPyInit_{name}")).is_some() {
        // HPy before 0.9 (0.0.x) exported the init function but no ABI
        // version.
        return Err(import_error(format!(
            "{path} is an HPy universal module `{name}` from an HPy older than 0.9 (it has \
             `HPyInit_{name}` but no ABI version function `{major_symbol}`), which \
             hpy_rs_universal (HPy 0.9.0) cannot load: rebuild it for HPy 0.9 \
             (`cargo hpy build --universal`, or hpy 0.9's hpy.devel)"
        )));
    }
    let major = library.symbol(&major_symbol, "ABI version function")?;
    let minor = library.symbol(
        &format!("get_required_hpy_minor_version_{name}"),
        "ABI version function",
    )?;
    // SAFETY: HPy's version getters are `uint32_t (*)(void)`.
    let (major, minor) = unsafe {
        let major: unsafe extern "C" fn() -> u32 = core::mem::transmute(major);
        let minor: unsafe extern "C" fn() -> u32 = core::mem::transmute(minor);
        (major(), minor())
    };
    if major != HPY_ABI_VERSION || minor > HPY_ABI_VERSION_MINOR {
        // HPy's wording as the message (HPy's own suite compares it), then
        // what the numbers are and what to do as a note under it.
        let err = import_error(format!(
            "HPy extension module '{name}' requires unsupported version of the HPy runtime. \
             Requested version: {major}.{minor}. Current HPy version: \
             {HPY_ABI_VERSION}.{HPY_ABI_VERSION_MINOR}."
        ));
        let caught = err.catch(ctx)?;
        caught.add_note(&format!(
            "These are HPy ABI versions, not hpy releases: {path} needs ABI {major}.{minor}, \
             and hpy_rs_universal, which implements HPy 0.9.0, provides ABI \
             {HPY_ABI_VERSION}.{HPY_ABI_VERSION_MINOR}. Rebuild the module for HPy 0.9 \
             (`cargo hpy build --universal`, or hpy 0.9's hpy.devel), or load it with a \
             runtime for ABI {major}.{minor}."
        ))?;
        return Err(caught.raise());
    }
    check_abi_tag(name, path, major, minor)?;
    let declared = declares_subinterpreters(&library, name);
    let per_interpreter_gil = declared == Some(true);
    if !per_interpreter_gil && !crate::interp::in_main() {
        // CPython's wording for a module that refuses subinterpreters,
        // then why.
        let why = match declared {
            Some(_) => "it says so (`hpy_module! { subinterpreters: false, .. }`)".to_owned(),
            None => format!(
                "{path} does not declare that it reads its HPy globals only as this host \
                 keeps them per interpreter: only hpy-rs binaries built with `hpy_module!` \
                 since extension table version 7 do"
            ),
        };
        return Err(import_error(format!(
            "module {name} does not support loading in subinterpreters: {why}"
        )));
    }
    let init_ctx = library.symbol(&format!("HPyInitGlobalContext_{name}"), "init function")?;
    let init = library.symbol(&format!("HPyInit_{name}"), "init function")?;
    // SAFETY: the init symbols have HPy's types; `uctx` lives forever
    // (caller), which the module's trampolines rely on.
    let def = unsafe {
        let init_ctx: unsafe extern "C" fn(*mut UniversalContext) = core::mem::transmute(init_ctx);
        let init: unsafe extern "C" fn() -> *mut HPyModuleDef = core::mem::transmute(init);
        init_ctx(uctx);
        init()
    };
    if def.is_null() {
        if ctx.err_occurred() {
            return Err(HPyErr::pending());
        }
        return Err(import_error(format!(
            "HPyInit_{name} of {path} returned no module definition"
        )));
    }
    let c_name = CString::new(name)
        .map_err(|_| HPyErr::value_error("an HPy module name must not contain NUL"))?;
    // SAFETY: `def` comes from the binary, which stays loaded; `spec` is a
    // live object; the name is leaked, so it lives as long as the def; the
    // module comes back as a new reference, which the handle owns.
    unsafe {
        // In the CPython ABI a handle is its object, borrowed here.
        let spec = spec.as_raw()._i as *mut hpy_sys::cpython::PyObject;
        if crate::interp::adopt_module(def).is_err() {
            return Err(HPyErr::pending());
        }
        // `m_free` releases a subinterpreter's objects with its modules;
        // CPython refuses it where a create slot may return another object
        // than a module (HPy allows that), and a binary that never runs in
        // a subinterpreter does not need it. Without it, the interpreter's
        // dict being cleared releases them (`interp`).
        let free = (per_interpreter_gil && !has_create_slot(def))
            .then_some(crate::interp::module_freed as unsafe extern "C" fn(*mut c_void));
        let interpreters = hpy_sys::cpython::runtime::ModuleInterpreters {
            per_interpreter_gil,
            free,
        };
        let module =
            hpy_sys::cpython::runtime::module_from_spec(def, spec, c_name.into_raw(), interpreters);
        if module.is_null() {
            return Err(HPyErr::pending());
        }
        crate::interp::module_loaded(module);
        Ok(Handle::from_raw(
            ctx,
            hpy_sys::HPy {
                _i: module as isize,
            },
        ))
    }
}
