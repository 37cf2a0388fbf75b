//! What the debug context reports, and how: a callback set with
//! `_debug.set_on_invalid_handle(cb)` (or `set_on_invalid_builder_handle`
//! for builders and trackers) is called with no arguments and execution
//! goes on, as in HPy; without one, the process stops with a fatal error
//! naming the problem.

use core::ffi::c_char;
use std::ffi::CString;

use hpy_sys::cpython::PyObject;

use super::handles::Kind;
use super::DebugInfo;

/// A misuse the debug context detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// A value that is no handle of the debug context at all.
    Unknown {
        /// The value.
        raw: isize,
    },
    /// A handle whose record was released (closed long ago).
    Released {
        /// The value.
        raw: isize,
    },
    /// A builder or tracker passed where a handle is expected.
    NotAHandle {
        /// What it is.
        kind: Kind,
    },
    /// Use of a closed handle.
    UseAfterClose {
        /// The handle's id.
        id: u64,
        /// Its kind.
        kind: Kind,
    },
    /// `HPy_Close` of a closed handle.
    ClosedTwice {
        /// The handle's id.
        id: u64,
        /// Its kind.
        kind: Kind,
    },
    /// `HPy_Close` of a handle the function received as an argument.
    CloseArgument {
        /// The handle's id.
        id: u64,
    },
    /// `HPy_Close` of a context constant.
    CloseConstant,
    /// A function returned the handle of one of its arguments (which it
    /// does not own) instead of a new one.
    ReturnedArgument {
        /// The handle's id.
        id: u64,
    },
    /// A function returned a context constant instead of a new handle.
    ReturnedConstant,
    /// A value that is no builder/tracker of the expected kind.
    UnknownHelper {
        /// The expected kind.
        kind: Kind,
        /// The value.
        raw: isize,
    },
    /// A builder used after `Build`/`Cancel`, or a tracker after `Close`.
    HelperClosed {
        /// Its kind.
        kind: Kind,
    },
}

impl Problem {
    /// Whether this is about a builder or tracker (reported to the builder
    /// callback).
    pub(crate) fn is_about_helper(self) -> bool {
        matches!(
            self,
            Problem::UnknownHelper { .. } | Problem::HelperClosed { .. }
        )
    }

    /// HPy's own one-line summary of this kind of problem, which the fatal
    /// error starts with (tools and tests written for HPy's debug mode look
    /// for it).
    pub(crate) fn headline(self) -> &'static str {
        if self.is_about_helper() {
            "Invalid usage of already closed builder"
        } else {
            "Invalid usage of already closed handle"
        }
    }

    /// The message of the report.
    pub(crate) fn message(self) -> String {
        let text = match self {
            Problem::Unknown { raw } => format!(
                "invalid handle {raw:#x}: not a handle of the debug context (a handle from \
                 another context, a stale copy, or garbage)"
            ),
            Problem::Released { raw } => format!(
                "invalid use of already closed handle {raw:#x} (closed so long ago that its \
                 record was released)"
            ),
            Problem::NotAHandle { kind } => {
                format!(
                    "invalid handle: an {} was passed where an HPy handle is expected",
                    kind.describe()
                )
            }
            Problem::UseAfterClose { id, kind } => {
                format!(
                    "invalid use of already closed {} (id {id})",
                    kind.describe()
                )
            }
            Problem::ClosedTwice { id, kind } => {
                format!("{} (id {id}) closed twice", kind.describe())
            }
            Problem::CloseArgument { id } => format!(
                "closing an argument handle (id {id}): a function must not close the handles \
                 it receives as arguments (they are borrowed from its caller)"
            ),
            Problem::CloseConstant => {
                "closing a context constant (ctx->h_None and the like are never closed)".into()
            }
            Problem::ReturnedArgument { id } => format!(
                "a function returned its argument handle (id {id}) instead of a new handle \
                 (return HPy_Dup of it)"
            ),
            Problem::ReturnedConstant => "a function returned a context constant instead of a \
                 new handle (return HPy_Dup of it)"
                .into(),
            Problem::UnknownHelper { kind, raw } => {
                format!(
                    "invalid {} {raw:#x}: not one of the debug context",
                    kind.describe()
                )
            }
            Problem::HelperClosed { kind } => {
                let after = match kind {
                    Kind::Tracker => "HPyTracker_Close",
                    Kind::ListBuilder => "HPyListBuilder_Build or HPyListBuilder_Cancel",
                    _ => "HPyTupleBuilder_Build or HPyTupleBuilder_Cancel",
                };
                format!(
                    "invalid use of already closed {} (used after {after})",
                    kind.describe()
                )
            }
        };
        format!("HPy debug mode: {text}")
    }
}

/// Reports `problem`: calls the callback set for it, or stops the process.
pub(crate) fn report(info: &DebugInfo, problem: Problem) {
    let u = info.universal();
    let callback = info.with(|s| s.callback(problem.is_about_helper()));
    if callback._i == 0 {
        let message = format!("{}: {}", problem.headline(), problem.message());
        let message = CString::new(message).unwrap_or_default();
        fatal(u, message.as_ptr());
    }
    // SAFETY: the GIL is held (we are inside an HPy call); the callback is a
    // live object (the state owns a reference, and a new one is taken for
    // the call, so the callback may replace itself).
    unsafe {
        let cb = ((*u).ctx_Dup)(u, callback);
        crate::pycall::call_aside(
            cb._i as *mut PyObject,
            core::ptr::null_mut(),
            "HPy debug mode: error when executing the on_invalid_handle callback",
        );
        ((*u).ctx_Close)(u, cb);
    }
}

/// A context function was called with a debug context other than the
/// current call's: a fatal error (HPy's wording first), since nothing can
/// be said about the handles it was given.
#[cold]
pub(crate) fn wrong_context(info: &DebugInfo) -> ! {
    fatal(
        info.universal(),
        c"Error: Wrong HPy Context! (HPy debug mode: a context function was called with the \
          context of another call, e.g. one kept in a global variable; use the context each \
          function receives)"
            .as_ptr(),
    )
}

/// Stops the process with `message` (`Py_FatalError`: message, Python
/// traceback, abort).
fn fatal(u: *mut hpy_sys::host::UniversalContext, message: *const c_char) -> ! {
    // SAFETY: the universal context is live; the message is a C string.
    unsafe { ((*u).ctx_FatalError)(u, message) };
    std::process::abort()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_problem() {
        let close_arg = Problem::CloseArgument { id: 7 }.message();
        assert!(close_arg.starts_with("HPy debug mode: closing an argument handle (id 7)"));
        let twice = Problem::ClosedTwice {
            id: 3,
            kind: Kind::Owned,
        }
        .message();
        assert!(twice.contains("handle (id 3) closed twice"), "{twice}");
        let builder = Problem::HelperClosed {
            kind: Kind::TupleBuilder,
        }
        .message();
        assert!(builder.contains("HPyTupleBuilder_Build"), "{builder}");
        assert!(Problem::HelperClosed {
            kind: Kind::Tracker
        }
        .is_about_helper());
        assert!(!Problem::CloseConstant.is_about_helper());
    }
}
