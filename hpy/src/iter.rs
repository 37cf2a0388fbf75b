//! Iterating over any Python iterable from Rust: [`Handle::iter`] and
//! [`Iter`].
//!
//! HPy 0.9 has no iterator API, so this calls the builtins `iter` and
//! `next` (looked up once per [`Handle::iter`]); the CPython ABI takes
//! each item with `PyIter_Next` instead of calling `next`. Both ABIs read
//! an exact `list` or `tuple` by index (`by_index`), the CPython ABI from
//! its item array; the universal ABI computes the items of an exact
//! `range` (`range_of`). Where the number of items is known (those three
//! shapes), [`Iter`]'s `size_hint` says so, so that `collect` allocates
//! once.

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
        if by_index(self) {
            return Ok(Iter {
                iterator: self.dup(),
                next: None,
                done: false,
                mode: Mode::Index(0),
            });
        }
        // SAFETY: a live handle; no exception is set (we are not in an
        // error path).
        let hint = unsafe { crate::abi::exact_range_len(self.as_raw()) }.unwrap_or(0);
        let iterator = match crate::abi::get_iter(self) {
            Some(iterator) => iterator?,
            None => {
                if let Some(range) = range_of(self)? {
                    return Ok(Iter {
                        iterator: self.dup(),
                        next: None,
                        done: false,
                        mode: range,
                    });
                }
                ctx.builtin("iter")?.call(&[self])?
            }
        };
        Ok(Iter {
            iterator,
            next: None,
            done: false,
            mode: Mode::Iterator { hint },
        })
    }
}

/// How an [`Iter`] takes its items.
enum Mode {
    /// From the iterator, with `PyIter_Next` or the builtin `next`;
    /// `hint` items at least are left (the rest of an exact `range`'s
    /// length in the CPython ABI, else 0).
    Iterator { hint: usize },
    /// A list or tuple read by index (see `by_index`): the next index.
    Index(isize),
    /// The items of a `range` not yet made (see `range_of`).
    Range {
        next: isize,
        step: isize,
        left: usize,
    },
}

/// The items of `obj` as numbers, if it is exactly a `range` whose start,
/// step and length fit an `isize` and the ABI reads ranges so (see
/// `abi::range_parts`); `None`: it is read through its iterator.
#[inline(always)]
fn range_of(obj: &Handle<'_>) -> HPyResult<Option<Mode>> {
    let range_type = |ctx| crate::convert::imported::StdClass::Range.get(ctx);
    Ok(
        crate::abi::range_parts(obj, range_type)?.map(|(next, step, left)| Mode::Range {
            next,
            step,
            left,
        }),
    )
}

/// Whether `obj` is read by index instead of through its iterator (an
/// exact `list` or `tuple`, see `abi::reads_by_index`).
#[inline(always)]
fn by_index(obj: &Handle<'_>) -> bool {
    crate::abi::reads_by_index(obj)
}

/// The items of a Python iterable ([`Handle::iter`]).
pub struct Iter<'ctx> {
    /// What `iter()` returned, or the list or tuple read by index.
    iterator: Handle<'ctx>,
    /// The builtin `next`, looked up at the first item that needs it.
    next: Option<Handle<'ctx>>,
    done: bool,
    mode: Mode,
}

impl<'ctx> Iter<'ctx> {
    /// The Python iterator object (what `iter()` returned). For an exact
    /// `list`, `tuple` or `range` in the universal ABI, which is read
    /// without one, the list, tuple or range itself.
    pub fn as_handle(&self) -> &Handle<'ctx> {
        &self.iterator
    }

    /// The next item of a range (see `range_of`).
    fn next_of_range(
        &mut self,
        next: isize,
        step: isize,
        left: usize,
    ) -> Option<HPyResult<Handle<'ctx>>> {
        if left == 0 {
            self.done = true;
            return None;
        }
        // The last item is inside the range, so `next + step` only
        // overflows after it, where it is never read.
        self.mode = Mode::Range {
            next: next.wrapping_add(step),
            step,
            left: left - 1,
        };
        let item = crate::IntoHPy::into_hpy(next, self.iterator.context());
        if item.is_err() {
            self.done = true;
        }
        Some(item)
    }

    /// The next item of a list or tuple read by index
    /// (`abi::indexed_item`); its end or an error ends the iteration.
    #[inline(always)]
    fn next_by_index(&mut self, i: isize) -> Option<HPyResult<Handle<'ctx>>> {
        match crate::abi::indexed_item(&self.iterator, i) {
            Some(Ok(item)) => {
                self.mode = Mode::Index(i + 1);
                Some(Ok(item))
            }
            other => {
                self.done = true;
                other
            }
        }
    }
}

impl<'ctx> Iterator for Iter<'ctx> {
    type Item = HPyResult<Handle<'ctx>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.mode {
            Mode::Index(i) => return self.next_by_index(i),
            Mode::Range { next, step, left } => return self.next_of_range(next, step, left),
            Mode::Iterator { hint } => {
                self.mode = Mode::Iterator {
                    hint: hint.saturating_sub(1),
                }
            }
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

    /// At least the items known to be left: the rest of an exact `list`,
    /// `tuple` or `range` (a list's current length: Rust code run between
    /// two items may still shrink it), else 0; no upper bound is promised.
    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done {
            return (0, Some(0));
        }
        match self.mode {
            Mode::Index(i) => (self.indexed_len().saturating_sub(i as usize), None),
            Mode::Range { left, .. } => (left, Some(left)),
            Mode::Iterator { hint } => (hint, None),
        }
    }
}

impl Iter<'_> {
    /// The current length of the list or tuple read by index
    /// (`abi::indexed_len`).
    #[inline(always)]
    fn indexed_len(&self) -> usize {
        crate::abi::indexed_len(&self.iterator)
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

/// What `__iter__` can return when every item is known as the iterator is
/// made (a persistent collection, a snapshot): a Python iterator over a
/// new `tuple` of the converted items (made with one `HPyTuple_FromArray`),
/// so that Python's `for` reads them without calling into the extension
/// once per item.
///
/// On PyPy 7.3.19 that call is the cost of an extension's own iterator:
/// its HPy 0.9 has no `tp_iternext` slot, so `__next__` is an ordinary
/// method that `for` looks up and calls for every item (about 15 ns each
/// before it does any work, then each HPy call its body makes: see
/// `bench/pypy-costs`), while a tuple's iterator runs inside PyPy's JIT.
/// On the CPython ABI it saves the call of `tp_iternext` per item too.
///
/// The price: the items are converted at once (all of them, even if the
/// caller stops early), and the tuple holds them for as long as the
/// iterator lives. An iterator whose items are computed lazily, or which
/// can be very long, keeps a class with `__next__`.
///
/// ```
/// use hpy::{hpy_class, hpy_methods, HPyResult, Ref, SnapshotIter};
///
/// #[hpy_class(module = "demo", frozen)]
/// struct Digits {
///     digits: Vec<u8>,
/// }
///
/// #[hpy_methods]
/// impl Digits {
///     fn __iter__(&self) -> SnapshotIter<u8> {
///         SnapshotIter(self.digits.clone())
///     }
/// }
/// # let _ = |d: Ref<'_, '_, Digits>| d.__iter__();
/// ```
pub struct SnapshotIter<T>(pub Vec<T>);

impl<'ctx, T: crate::IntoHPy<'ctx>> crate::IntoHPy<'ctx> for SnapshotIter<T> {
    /// `iter(tuple)` of the converted items.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        let items = self
            .0
            .into_iter()
            .map(|item| item.into_hpy(ctx))
            .collect::<HPyResult<Vec<Handle<'ctx>>>>()?;
        let refs: Vec<&Handle<'ctx>> = items.iter().collect();
        let tuple = ctx.new_tuple(&refs)?;
        ctx.builtin("iter")?.call(&[&tuple])
    }
}
