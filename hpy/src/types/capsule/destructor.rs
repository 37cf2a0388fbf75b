//! The capsule destructor shared by every capsule made with
//! [`Context::new_capsule`](crate::Context::new_capsule), and its CPython-convention
//! trampoline.
//!
//! A capsule's value lives in a `Box` whose first field is a
//! [`CapsuleHeader`]; the header's `drop` knows the concrete type, so one
//! non-generic destructor serves every type (Rust has no generic statics,
//! and HPy wants a pointer to a static `HPyCapsule_Destructor`). The
//! capsule's *context* pointer is set to [`capsule_marker`], the address of
//! a static of this binary: that is how a capsule made here is told apart
//! from one made by foreign code under the same name.

use core::cell::UnsafeCell;
use core::ffi::{c_char, c_void};
use std::any::TypeId;
use std::io::Write;
use std::panic::{catch_unwind, AssertUnwindSafe};

use hpy_sys::{cpy_PyObject, HPyCapsule_Destructor};

/// The start of every capsule payload (`#[repr(C)]`, first field).
#[repr(C)]
pub struct CapsuleHeader {
    /// The type of the value that follows.
    pub type_id: TypeId,
    /// Frees the whole payload (header and value) given a pointer to it.
    pub drop: unsafe fn(*mut CapsuleHeader),
}

static MARKER: u8 = 0;

/// The context pointer that marks capsules made by this binary.
pub fn capsule_marker() -> *mut c_void {
    (&MARKER as *const u8).cast_mut().cast()
}

/// `HPyCapsule_Destructor` in a static, writable as HPy's API wants it.
struct StaticDestructor(UnsafeCell<HPyCapsule_Destructor>);

// SAFETY: written only at compile time; HPy only reads it.
unsafe impl Sync for StaticDestructor {}

static DESTRUCTOR: StaticDestructor = StaticDestructor(UnsafeCell::new(HPyCapsule_Destructor {
    cpy_trampoline: Some(cpy_destroy),
    r#impl: Some(destroy),
}));

/// The destructor to pass to `HPyCapsule_New`.
pub fn capsule_destructor() -> *mut HPyCapsule_Destructor {
    DESTRUCTOR.0.get()
}

/// The HPy-convention destructor: frees the payload. Never unwinds: a
/// panic in the value's `Drop` is reported on stderr (there is no context
/// to raise it in) and its payload leaked.
///
/// # Safety
/// Called by HPy only, for a capsule whose destructor is ours.
unsafe extern "C" fn destroy(_name: *const c_char, pointer: *mut c_void, context: *mut c_void) {
    if pointer.is_null() || context != capsule_marker() {
        // Not a payload of ours (its pointer or context were replaced
        // through the unsafe setters): leak rather than guess.
        return;
    }
    let header = pointer.cast::<CapsuleHeader>();
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: a marked capsule's pointer is a payload made by
        // `Context::new_capsule`, starting with its header, and the destructor runs
        // once, when the capsule dies.
        unsafe { ((*header).drop)(header) }
    }));
    if let Err(payload) = result {
        let text = crate::err::panic_text(&*payload);
        core::mem::forget(payload);
        let _ = writeln!(
            std::io::stderr(),
            "hpy: panic while dropping a capsule's value (ignored): {text}"
        );
    }
}

/// CPython's `PyCapsule_Destructor`: reaches `destroy` through the seam
/// (CPython ABI: reads the capsule's parts and calls it directly;
/// universal: hands over to the interpreter's HPy, as C HPy's
/// `HPyCapsule_DESTRUCTOR`).
///
/// # Safety
/// Called by CPython as a `PyCapsule_Destructor`.
unsafe extern "C" fn cpy_destroy(capsule: *mut cpy_PyObject) {
    // SAFETY: `capsule` is a live capsule being destroyed (contract).
    unsafe { crate::abi::capsule_destructor(destroy, capsule) }
}
