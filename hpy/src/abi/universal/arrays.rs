//! Reading a NumPy array's header in place in the universal ABI.

use super::*;

/// The address of the object `obj` refers to, for code that reads a
/// C-level struct of a type it checked first (a NumPy array's header),
/// valid while `obj` is open:
/// - on hpy_rs_universal's plain context, the handle itself (its handles
///   are the objects);
/// - on other contexts (debug, trace, PyPy's), `HPy_AsPyObject`'s
///   pointer, whose new reference is given back at once through the
///   interpreter's own `Py_DecRef` (`PyPy_DecRef` on PyPy), found with
///   `dlsym`: the object stays alive through `obj`, and so does its
///   `PyObject` (on PyPy, a C-allocated object such as an array is that
///   `PyObject`, kept while the object lives);
/// - `None` where neither works (no such symbol, `HPy_AsPyObject`
///   failed): the caller asks Python instead.
///
/// With it, the size of the interpreter's object header (`PyObject_HEAD`):
/// 16 bytes on CPython, 24 on PyPy, whose `PyObject` has a link to its
/// interpreter-level object after the reference count.
///
/// # Safety
/// `obj` is a live handle of `ctx`, the call's context, and refers to an
/// object of a type implemented in C (allocated as a `PyObject` by its
/// type), checked by the caller.
#[inline(always)]
pub unsafe fn object_address(ctx: *mut HPyContext, obj: HPy) -> Option<(*const u8, usize)> {
    if plain_ext::of(ctx).is_some() {
        return Some((obj._i as *const u8, plain_ext::layout::OBJECT_PAYLOAD));
    }
    // SAFETY: the contract.
    unsafe { object_address_through_pyobject(ctx, obj) }
}

/// [`object_address`] on a context whose handles are not the objects.
///
/// # Safety
/// As [`object_address`].
#[cold]
unsafe fn object_address_through_pyobject(
    ctx: *mut HPyContext,
    obj: HPy,
) -> Option<(*const u8, usize)> {
    let (decref, head) = py_decref()?;
    // SAFETY: a live handle of the call's context.
    let p = unsafe { hpy_sys::HPy_AsPyObject(ctx, obj) };
    if p.is_null() {
        // SAFETY: the call's context; the error `HPy_AsPyObject` set, if
        // any, is not the caller's business (it falls back).
        unsafe { hpy_sys::HPyErr_Clear(ctx) };
        return None;
    }
    // SAFETY: `p` is the new reference `HPy_AsPyObject` returned, given
    // back once, with the GIL held (an HPy call's); `obj` keeps the object
    // and its `PyObject` alive after that.
    unsafe { decref(p) };
    Some((p.cast::<u8>().cast_const(), head))
}

/// The interpreter's `Py_DecRef`.
type DecRef = unsafe extern "C" fn(*mut cpy_PyObject);

/// The running interpreter's `Py_DecRef` (`PyPy_DecRef` on PyPy), looked
/// up once in the process's global symbols, and the size of its object
/// header (24 bytes on PyPy, 16 on CPython); `None` where there is none,
/// or off Linux and macOS.
fn py_decref() -> Option<(DecRef, usize)> {
    static FOUND: std::sync::OnceLock<Option<(DecRef, usize)>> = std::sync::OnceLock::new();
    *FOUND.get_or_init(|| {
        // PyPy's first: only PyPy exports it, while a CPython's
        // `Py_DecRef` could in principle be loaded into a PyPy process.
        [(c"PyPy_DecRef", 24), (c"Py_DecRef", 16)]
            .iter()
            .find_map(|&(name, head)| {
                // SAFETY: `dlsym` with the default handle and a NUL-terminated
                // name; a function of that name in CPython and PyPy has this
                // signature (`void Py_DecRef(PyObject *)`).
                unsafe {
                    let f = dl::dlsym(dl::RTLD_DEFAULT, name.as_ptr());
                    (!f.is_null()).then(|| (core::mem::transmute::<*mut c_void, DecRef>(f), head))
                }
            })
    })
}

/// `dlsym`, where hpy-rs knows its default handle.
#[cfg(any(target_os = "linux", target_os = "macos"))]
mod dl {
    use core::ffi::{c_char, c_void};

    /// `RTLD_DEFAULT`: glibc's and musl's 0, macOS's -2.
    pub(super) const RTLD_DEFAULT: *mut c_void = if cfg!(target_os = "macos") {
        -2isize as *mut c_void
    } else {
        core::ptr::null_mut()
    };

    extern "C" {
        pub(super) fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    }
}

/// No `dlsym` here: [`py_decref`] finds nothing.
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
mod dl {
    use core::ffi::{c_char, c_void};

    pub(super) const RTLD_DEFAULT: *mut c_void = core::ptr::null_mut();

    /// Finds nothing.
    pub(super) unsafe fn dlsym(_: *mut c_void, _: *const c_char) -> *mut c_void {
        core::ptr::null_mut()
    }
}

/// The handle of the object at `addr`, taking over the reference the
/// caller owns: on hpy_rs_universal's plain context the address itself
/// (its handles are the objects and own a reference each); elsewhere
/// `HPy_FromPyObject`'s handle, the caller's reference given back through
/// the interpreter's `Py_DecRef`. `None` where neither works: the
/// reference is then given back (or, with no `Py_DecRef` to give it back
/// with, kept: the object leaks rather than being freed too early).
///
/// # Safety
/// `addr` is a live object the caller owns one reference to, given up.
#[inline(always)]
pub unsafe fn owned_object_handle(ctx: *mut HPyContext, addr: *mut u8) -> Option<HPy> {
    if plain_ext::of(ctx).is_some() {
        return Some(HPy { _i: addr as isize });
    }
    let (decref, _) = py_decref()?;
    // SAFETY: a live object; `HPy_FromPyObject` makes a handle with its
    // own reference (or fails with an exception and HPy_NULL).
    let h = unsafe { hpy_sys::HPy_FromPyObject(ctx, addr.cast()) };
    // SAFETY: the caller's reference, given back once with the GIL held.
    unsafe { decref(addr.cast()) };
    (h._i != 0).then_some(h)
}

/// The object of the handle `obj` as an address owning one reference,
/// taking over the handle: on the plain context the handle itself;
/// elsewhere `HPy_AsPyObject`'s new reference, the handle closed. `None`
/// (the handle closed) where that fails.
///
/// # Safety
/// `obj` is a live handle of `ctx`, not used afterwards.
#[inline(always)]
pub unsafe fn into_owned_object(ctx: *mut HPyContext, obj: HPy) -> Option<*mut u8> {
    if plain_ext::of(ctx).is_some() {
        return Some(obj._i as *mut u8);
    }
    // SAFETY: a live handle of the call's context, closed once after.
    let p = unsafe { hpy_sys::HPy_AsPyObject(ctx, obj) };
    // SAFETY: as above.
    unsafe { hpy_sys::HPy_Close(ctx, obj) };
    (!p.is_null()).then_some(p.cast())
}

/// Whether objects can be passed to and from C code that takes
/// `PyObject*` ([`owned_object_handle`], [`into_owned_object`]): on the
/// plain context, and where the interpreter's `Py_DecRef` is found (debug
/// and trace contexts, PyPy).
#[inline(always)]
pub fn objects_reachable(ctx: *mut HPyContext) -> bool {
    plain_ext::of(ctx).is_some() || py_decref().is_some()
}
