// The context the universal trampolines call through is the host's to set:
// a null one aborts every call, so saving it from safe code does not compile.
fn main() {
    hpy::impl_::set_trampoline_context(core::ptr::null_mut());
}
