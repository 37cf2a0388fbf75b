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

/// The most containers a conversion may be inside at once.
///
/// CPython's own default recursion limit is 1000 Python frames; the C code
/// of its `json`, `pickle` and `repr` bounds nesting the same way, and a
/// Python program that nests data 1000 deep fails there. A level of a
/// conversion costs more stack than a Python frame (measured per level of a
/// `serde_json::Value` read from nested lists: about 1 KiB in release
/// builds, 3.5 KiB in debug builds), so 1000 levels take at most 3.5 MiB
/// of the 8 MiB a Linux thread gets; serde_json's parser stops at 128 for
/// stacks as small as those of macOS's secondary threads (512 KiB). Both
/// bounds are far from what real data nests, so hpy-rs takes CPython's
/// number: whatever Python code itself can build and print converts.
pub const MAX_DEPTH: u32 = 1000;

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
/// than Python code itself could print).
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
