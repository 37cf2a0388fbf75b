//! Rust panics as hpy-rs reports them: the text a panic carries, and the
//! process's panic hook. A leaf (it names nothing else of the crate), so
//! that the ABI layer (`abi/`), which reports panics and installs the hook
//! at module init, can use it without reaching back into `err`'s main
//! module or the runtime; the rest of the crate reaches `panic_text`
//! through `err`'s re-export.

use std::any::Any;
use std::panic::PanicHookInfo;

/// The message carried by a panic payload (`panic!("...")` gives `&str` or
/// `String`).
pub(crate) fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        String::from("(panic payload is not a string)")
    }
}

/// What the installed hook hands a panic to: the ABI's `report_panic`,
/// given the panic and the hook that was installed before.
pub(crate) type ReportPanic = fn(&PanicHookInfo<'_>, &(dyn Fn(&PanicHookInfo<'_>) + Send + Sync));

/// Installs, once per extension, a panic hook that keeps quiet about the
/// panics hpy-rs catches and reports as `PanicException` (Rust's default
/// hook prints each one, with a backtrace under `RUST_BACKTRACE=1`, which
/// made 20 caught panics take seconds). Other panics go to the hook that
/// was installed before. `HPY_RS_PANIC_TRACE=1` (any value but empty or
/// `0`) leaves the hook alone, for Rust's full report of every panic.
///
/// Which panics are caught is the ABI's to say, so the hook hands each one
/// to `report`, the ABI's `report_panic`: in the CPython ABI, it stays
/// quiet about those on a thread holding the GIL (`PyGILState_Check`),
/// since Rust code there runs inside a call from Python, whose entry point
/// catches it. The universal ABI cannot ask the interpreter, so there every
/// panic gets one line (location and message, no backtrace) instead of the
/// default report. Called from each ABI's module init (the CPython ABI's
/// `PyInit_<name>`, the universal ABI's `HPyInitGlobalContext_<name>`).
pub(crate) fn install_panic_hook(report: ReportPanic) {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let traced =
            std::env::var_os("HPY_RS_PANIC_TRACE").is_some_and(|v| !v.is_empty() && v != "0");
        if traced {
            return;
        }
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            report(info, &*previous);
        }));
    });
}
