//! Every public HPy API function (and inline helper) exists at the crate root
//! with the same signature, in whichever ABI this test is built with. The
//! list is generated from the universal headers; the check is at compile time.

#![allow(unused_imports)]

use core::ffi::{c_char, c_int, c_long, c_longlong, c_ulong, c_ulonglong, c_void};
use hpy_sys::*;

mod generated {
    use super::*;
    include!("generated/api_signatures.rs");
}

#[test]
fn all_api_functions_have_the_universal_signature() {
    // Compiling this file is the test; the count documents its scope.
    assert_eq!(generated::N_API_FUNCTIONS, 204);
}
