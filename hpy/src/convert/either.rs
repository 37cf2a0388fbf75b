//! Feature `either`: `Either<L, R>` ↔ whatever `L` or `R` converts.
//!
//! From Python, as PyO3: `L` is tried first, then `R`; when neither
//! accepts the object, a `TypeError` names both types and what each said
//! (`expected i64 or String, got list (i64: expected int, got list;
//! String: expected str, got list)`). The first failure is cleared before
//! `R` is tried. To Python: the value of the side that is set.

use either::Either;

use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// `core::any::type_name::<T>()` without module paths
/// (`alloc::vec::Vec<alloc::string::String>` → `Vec<String>`).
fn short_type_name<T: ?Sized>() -> String {
    let full = core::any::type_name::<T>();
    let mut out = String::with_capacity(full.len());
    let mut word_start = 0;
    let mut chars = full.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            out.truncate(word_start);
            continue;
        }
        out.push(c);
        if !(c.is_alphanumeric() || c == '_') {
            word_start = out.len();
        }
    }
    out
}

/// What a failed conversion said, for the combined message: its text if
/// it is still to be raised, else only that Python raised something.
fn reason(err: &HPyErr) -> String {
    match err.describe() {
        Some((_, msg)) => msg.into_owned(),
        None => String::from("raised an exception"),
    }
}

impl<'a, 'ctx, L, R> FromHPy<'a, 'ctx> for Either<L, R>
where
    L: FromHPy<'a, 'ctx>,
    R: FromHPy<'a, 'ctx>,
{
    /// `Left` if `L` accepts the object, else `Right` if `R` does, else a
    /// `TypeError` naming both.
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        let ctx = obj.context();
        let left_err = match L::extract(obj) {
            Ok(left) => return Ok(Either::Left(left)),
            Err(e) => e,
        };
        let left_reason = reason(&left_err);
        drop(left_err);
        // Dropping clears an exception set in the interpreter, except under
        // the universal debug mode's per-call contexts: clear it there too.
        ctx.err_clear();
        let right_err = match R::extract(obj) {
            Ok(right) => return Ok(Either::Right(right)),
            Err(e) => e,
        };
        let right_reason = reason(&right_err);
        drop(right_err);
        ctx.err_clear();
        let (l, r) = (short_type_name::<L>(), short_type_name::<R>());
        Err(HPyErr::type_error(format!(
            "expected {l} or {r}, got {} ({l}: {left_reason}; {r}: {right_reason})",
            obj.type_name()
        )))
    }
}

impl<'ctx, L: IntoHPy<'ctx>, R: IntoHPy<'ctx>> IntoHPy<'ctx> for Either<L, R> {
    /// The object of the side that is set.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        match self {
            Either::Left(left) => left.into_hpy(ctx),
            Either::Right(right) => right.into_hpy(ctx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn type_names_lose_their_paths() {
        assert_eq!(short_type_name::<Vec<String>>(), "Vec<String>");
        assert_eq!(
            short_type_name::<(i64, Option<String>)>(),
            "(i64, Option<String>)"
        );
        assert_eq!(short_type_name::<&str>(), "&str");
        assert_eq!(
            short_type_name::<std::collections::HashMap<String, Vec<u8>>>(),
            "HashMap<String, Vec<u8>>"
        );
    }
}
