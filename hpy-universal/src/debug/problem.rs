//! What the debug context's checks find: the kind of thing a debug handle's
//! record stands for, and the misuses ([`Problem`]) a check detects.
//!
//! A leaf of the debug module: the records' bookkeeping (`handles`) finds
//! problems and `report` reports them, so the vocabulary both speak lives
//! apart from either, and neither has to import the other.

/// What a record stands for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// Not in use (never handed out, or evicted from the closed queue).
    Free,
    /// A handle the extension owns and must close.
    Owned,
    /// A handle for an argument of a running call: borrowed, closed by the
    /// trampoline when the call returns.
    Argument,
    /// A handle constant of the context (`ctx->h_None`, ...): never closed.
    Constant,
    /// An `HPyListBuilder`.
    ListBuilder,
    /// An `HPyTupleBuilder`.
    TupleBuilder,
    /// An `HPyTracker`.
    Tracker,
}

impl Kind {
    /// Whether records of this kind are handles (`HPy`), not helpers.
    pub(crate) fn is_handle(self) -> bool {
        matches!(self, Kind::Owned | Kind::Argument | Kind::Constant)
    }

    /// How messages name a record of this kind.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::Free => "released record",
            Kind::Owned => "handle",
            Kind::Argument => "argument handle",
            Kind::Constant => "context constant",
            Kind::ListBuilder => "HPyListBuilder",
            Kind::TupleBuilder => "HPyTupleBuilder",
            Kind::Tracker => "HPyTracker",
        }
    }
}

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
