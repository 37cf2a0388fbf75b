//! Iterating over any Python iterable from Rust: [`Handle::iter`] and
//! [`Iter`].
//!
//! HPy 0.9 has no iterator API, so this calls the builtins `iter` and
//! `next` (looked up once per [`Handle::iter`]); the CPython ABI takes
//! each item with `PyIter_Next` instead of calling `next`.

use core::iter::FusedIterator;

use hpy_sys::HPyConstant;

use crate::{Context, HPyErr, HPyResult, Handle};

impl<'ctx> Context<'ctx> {
    /// The builtin called `name` (`iter`, `set`, `frozenset` …), looked up
    /// in [`builtins`](Context::builtins). Raises `KeyError` if there is
    /// none.
    pub fn builtin(self, name: &str) -> HPyResult<Handle<'ctx>> {
        self.builtins().get_item_s(name)
    }
}

impl<'ctx> Handle<'ctx> {
    /// `iter(self)`, as a Rust iterator of the items (each an
    /// [`HPyResult`]: `__next__` may raise). Works for every iterable —
    /// lists, dicts (their keys), generators, files, classes with
    /// `__iter__` or `__getitem__`. A non-iterable object raises
    /// `TypeError` here, as `iter()` does.
    ///
    /// ```
    /// use hpy::{HPyResult, Handle};
    ///
    /// /// The sum of the floats produced by any iterable (a generator …).
    /// fn total(xs: &Handle<'_>) -> HPyResult<f64> {
    ///     let mut sum = 0.0;
    ///     for item in xs.iter()? {
    ///         sum += item?.extract::<f64>()?;
    ///     }
    ///     Ok(sum)
    /// }
    /// # let _ = total;
    /// ```
    ///
    /// The iterator stops after the first error (a `StopIteration` ends it
    /// normally and is cleared).
    pub fn iter(&self) -> HPyResult<Iter<'ctx>> {
        let ctx = self.context();
        let iterator = match crate::abi::get_iter(self) {
            Some(iterator) => iterator?,
            None => ctx.builtin("iter")?.call(&[self])?,
        };
        Ok(Iter {
            iterator,
            next: None,
            done: false,
        })
    }
}

/// The items of a Python iterable ([`Handle::iter`]).
pub struct Iter<'ctx> {
    iterator: Handle<'ctx>,
    /// The builtin `next`, looked up at the first item that needs it.
    next: Option<Handle<'ctx>>,
    done: bool,
}

impl<'ctx> Iter<'ctx> {
    /// The Python iterator object (what `iter()` returned).
    pub fn as_handle(&self) -> &Handle<'ctx> {
        &self.iterator
    }
}

impl<'ctx> Iterator for Iter<'ctx> {
    type Item = HPyResult<Handle<'ctx>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let ctx = self.iterator.context();
        // SAFETY: `iterator` is a live handle of this context, returned by
        // `iter()`.
        if let Some(raw) = unsafe { crate::abi::iter_next(self.iterator.as_raw()) } {
            if raw._i != 0 {
                // SAFETY: an owned handle of this context.
                return Some(Ok(unsafe { Handle::from_raw(ctx, raw) }));
            }
            self.done = true;
            return ctx.err_occurred().then(|| Err(HPyErr::pending()));
        }
        let next = match &self.next {
            Some(next) => next,
            None => match ctx.builtin("next") {
                Ok(next) => self.next.insert(next),
                Err(err) => {
                    self.done = true;
                    return Some(Err(err));
                }
            },
        };
        match next.call(&[&self.iterator]) {
            Ok(item) => Some(Ok(item)),
            Err(err) => {
                self.done = true;
                if err.is_pending() && ctx.err_matches(HPyConstant::StopIteration) {
                    ctx.err_clear();
                    err.keep_exception();
                    None
                } else {
                    Some(Err(err))
                }
            }
        }
    }
}

impl FusedIterator for Iter<'_> {}

/// Calls `f(index, item)` for every item of the iterable `obj`; conversion
/// errors are placed at the item (`x[3]`).
pub(crate) fn for_each_item<'ctx>(
    obj: &Handle<'ctx>,
    mut f: impl FnMut(&Handle<'ctx>) -> HPyResult<()>,
) -> HPyResult<()> {
    for (i, item) in obj.iter()?.enumerate() {
        f(&item?).map_err(|e: HPyErr| e.in_item(i))?;
    }
    Ok(())
}
