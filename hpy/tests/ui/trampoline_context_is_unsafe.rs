// Setting the context the trampolines use is the host's job: from safe
// code (e.g. with a null pointer) it does not compile.
fn main() {
    hpy::impl_::set_trampoline_context(core::ptr::null_mut());
}
