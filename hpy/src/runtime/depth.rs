//! How deep conversions may nest: the bound that turns a cycle or a very
//! deep structure into `RecursionError` instead of a stack overflow.
//!
//! A conversion that recurses into a value's parts (`Serde<T>` both ways,
//! `#[derive(FromHPy)]` and `#[derive(IntoHPy)]` types) takes one
//! [`Level`] per container it enters. The count is per thread (the stack
//! it protects is the thread's), so nested calls through Python code (a
//! `keys()` that calls back into the extension, which converts again) add
//! to the same count.

use std::cell::Cell;

use crate::{HPyErr, HPyResult};

/// The most containers a conversion may be inside at once: serde_json's
/// bound, the same for both ABIs and every host.
///
/// The stack is what runs out, not a count: a level of a conversion costs
/// far more than a Python frame (measured in debug builds on CPython 3.11,
/// from the depth at which an unbounded conversion overflowed an 8 MiB
/// stack: 2.9 KiB a level reading nested lists into a `serde_json::Value`,
/// 2.1 KiB writing one, 1.7 KiB reading a derived tree, 3.2 KiB writing
/// one). CPython's default recursion limit (1000) would fit a Linux
/// thread's 8 MiB, but PyPy bounds the C stack itself, at about 768 KiB:
/// under pytest, lists nested 250 deep converted there and 300 raised
/// PyPy's own `RecursionError`, which aborts the process where it fires
/// inside `HPy_Length` ("Fatal RPython error: AssertionError", PyPy
/// 7.3.19). 128 levels take at most about 400 KiB of that, leaving the
/// rest to the Python code around the call and to release builds' margins,
/// and fit macOS's 512 KiB secondary threads too; real data nests far
/// less.
pub const MAX_DEPTH: u32 = 128;

std::thread_local! {
    /// How many [`Level`]s are alive on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// One level of nesting, taken by [`enter`] and given back when dropped
/// (also when a panic unwinds through it).
#[must_use = "the level is given back when this is dropped"]
pub struct Level(());

impl Drop for Level {
    #[inline]
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - 1));
    }
}

/// Enters one more level of nesting, or raises `RecursionError` where
/// [`MAX_DEPTH`] levels are taken already (a cycle, or data nested deeper
/// than that).
#[inline]
pub fn enter() -> HPyResult<Level> {
    DEPTH.with(|d| {
        let depth = d.get();
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        d.set(depth + 1);
        Ok(Level(()))
    })
}

/// The error for one level too many.
#[cold]
#[inline(never)]
fn too_deep() -> HPyErr {
    HPyErr::new(
        hpy_sys::HPyConstant::RecursionError,
        format!(
            "maximum recursion depth exceeded while converting \
             (more than {MAX_DEPTH} nested containers, or a container that contains itself)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_counted_and_given_back() {
        let levels: Vec<Level> = (0..MAX_DEPTH).map(|_| enter().ok().unwrap()).collect();
        assert!(enter().is_err());
        drop(levels);
        let again: Vec<Level> = (0..MAX_DEPTH).map(|_| enter().ok().unwrap()).collect();
        assert!(enter().is_err());
        drop(again);
        assert_eq!(DEPTH.with(Cell::get), 0);
    }
}
