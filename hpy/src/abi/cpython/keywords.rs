//! Keyword names in the CPython ABI: the names of a vectorcall's keyword
//! arguments, and matching them against a signature's.

use super::*;

/// One parameter name of a function with a `signature`, as the `str`
/// object CPython's interning gives for it, made at the first call that
/// passes keywords (null before). CPython passes interned names for the
/// keywords written in a call (`f(b=2)`), so most keywords are found by
/// comparing pointers with these, as Argument Clinic's parsers do; any
/// other name is compared by value afterwards.
///
/// The reference is never released: the name lives as long as the
/// interpreter (interned strings are immortal from 3.12 anyway), so a
/// pointer equal to it is that very `str`. The main interpreter's name
/// only: other interpreters never fill it, and get a new `str` from
/// [`get`](Self::get) (their keywords are then compared by value, unless
/// CPython shares the interned `str` itself).
pub struct InternedName(AtomicPtr<cpy_PyObject>);

impl InternedName {
    /// A name not interned yet.
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        InternedName(AtomicPtr::new(ptr::null_mut()))
    }

    /// Whether `name` is this interned name itself (never for a name not
    /// interned yet: a handle is never null).
    #[inline(always)]
    pub fn is(&self, name: HPy) -> bool {
        // Relaxed: written once under the GIL, by the thread that holds it.
        self.0.load(Ordering::Relaxed) == _h2py(name)
    }
}

impl InternedName {
    /// A new handle to the interned `str` `text` (made at the first call,
    /// then kept): what `hpy::intern!` expands to.
    #[inline]
    pub fn get<'ctx>(&self, ctx: Context<'ctx>, text: &str) -> HPyResult<crate::Handle<'ctx>> {
        let mut ptr = self.0.load(Ordering::Relaxed);
        if !in_main() {
            return crate::IntoHPy::into_hpy(text, ctx);
        }
        if ptr.is_null() {
            intern_names_now(core::slice::from_ref(self), &[text]);
            ptr = self.0.load(Ordering::Relaxed);
            if ptr.is_null() {
                // Interning failed (and was cleared): a plain `str` then.
                return crate::IntoHPy::into_hpy(text, ctx);
            }
        }
        // SAFETY: the slot keeps its own reference to a live `str` forever,
        // so a new reference to it is a valid owned handle; GIL held (call).
        unsafe {
            hpy_sys::cpython::Py_INCREF(ptr);
            Ok(crate::Handle::from_raw(ctx, _py2h(ptr)))
        }
    }
}

/// Makes the interned names of `params` (one `InternedName` each) unless
/// that was done already.
#[inline(always)]
pub fn intern_names(names: &[InternedName], params: &[&str]) {
    // Filled in order, so the last one is set once all are.
    if let Some(last) = names.last() {
        if last.0.load(Ordering::Relaxed).is_null() {
            intern_names_now(names, params);
        }
    }
}

/// [`intern_names`]'s first call. A failure (no memory) is cleared and
/// leaves the rest null: those names are then compared by value, and the
/// next call tries again.
#[cold]
#[inline(never)]
pub(super) fn intern_names_now(names: &[InternedName], params: &[&str]) {
    use hpy_sys::cpython::ffi::{
        PyErr_Clear, PyUnicode_FromStringAndSize, PyUnicode_InternInPlace,
    };
    if !in_main() {
        return;
    }
    for (slot, param) in names.iter().zip(params) {
        if !slot.0.load(Ordering::Relaxed).is_null() {
            continue;
        }
        // SAFETY: a UTF-8 buffer of that length; the GIL is held (this runs
        // inside a call). `PyUnicode_InternInPlace` replaces the new
        // reference by one to the interned `str`, which the slot keeps.
        unsafe {
            let mut s = PyUnicode_FromStringAndSize(param.as_ptr().cast(), param.len() as isize);
            if s.is_null() {
                PyErr_Clear();
                return;
            }
            PyUnicode_InternInPlace(&mut s);
            slot.0.store(s, Ordering::Relaxed);
        }
    }
}

/// The keyword names of a `HPyFunc_KEYWORDS` call as an array of handles
/// (borrowed from the tuple, valid for the call) and their count; `None`
/// in the universal ABI, which asks the HPy API.
///
/// # Safety
/// `kwnames` is the tuple of keyword names HPy passed (non-null).
#[inline(always)]
pub unsafe fn keyword_names(kwnames: HPy) -> Option<(*const HPy, usize)> {
    // SAFETY: a tuple (contract); a handle is the `PyObject*` in this ABI.
    unsafe {
        let (items, len) = tuple_items(_h2py(kwnames));
        Some((items, len as usize))
    }
}
