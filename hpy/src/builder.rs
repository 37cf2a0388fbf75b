//! [`ListBuilder`] and [`TupleBuilder`]: build a list or tuple of known
//! length item by item, without an intermediate Python object.
//!
//! HPy's builders write into a new list/tuple whose slots start out empty
//! (NULL). In C, writing past the end, writing a slot twice or forgetting one
//! are silent memory errors or crashes later. Here every slot is checked: an
//! index out of range raises `IndexError`, a slot written twice raises
//! `ValueError`, and [`build`](ListBuilder::build) refuses (with
//! `SystemError`) while any slot is still empty. `build` consumes the
//! builder; dropping an unfinished builder cancels it (`*_Cancel`), releasing
//! the items already set.
//!
//! Where HPy's builders leak (PyPy 7.3.19: each list builder keeps about
//! 750 bytes, each tuple builder about 140; issue 14's D8), the builders
//! keep their items themselves and make the result at `build` from them
//! (`HPyList_Append`, `HPyTuple_FromArray`).

use hpy_sys::{HPy, HPyConstant, HPyContext, HPyListBuilder, HPyTupleBuilder, HPy_ssize_t};

use crate::{Context, HPyErr, HPyResult, Handle, IntoHPy, List, Tuple};

/// Which slots of a builder have been written.
struct Slots {
    len: usize,
    filled: usize,
    bits: Vec<u64>,
}

/// `MemoryError` unless Python can make a list or tuple of `len` items
/// (it caps their sizes at `PY_SSIZE_T_MAX / sizeof(void*)`).
fn check_len(len: usize, what: &str) -> HPyResult<()> {
    let max = (isize::MAX as usize) / core::mem::size_of::<usize>();
    if len > max {
        return Err(too_big(len, what));
    }
    Ok(())
}

#[cold]
fn too_big(len: usize, what: &str) -> HPyErr {
    HPyErr::new(HPyConstant::MemoryError, format!("{what} of {len} items"))
}

impl Slots {
    fn new(len: usize, what: &str) -> HPyResult<Slots> {
        check_len(len, what)?;
        let too_big = || too_big(len, what);
        let mut bits = Vec::new();
        bits.try_reserve_exact(len.div_ceil(64))
            .map_err(|_| too_big())?;
        bits.resize(len.div_ceil(64), 0);
        Ok(Slots {
            len,
            filled: 0,
            bits,
        })
    }

    /// Marks `index` as written, or says why it cannot be.
    fn claim(&mut self, index: usize, what: &str) -> HPyResult<()> {
        if index >= self.len {
            return Err(HPyErr::index_error(format!(
                "{what} index {index} out of range for length {}",
                self.len
            )));
        }
        let (word, bit) = (index / 64, 1u64 << (index % 64));
        if self.bits[word] & bit != 0 {
            return Err(HPyErr::value_error(format!(
                "{what} item {index} is already set"
            )));
        }
        self.bits[word] |= bit;
        self.filled += 1;
        Ok(())
    }

    /// Fails unless every slot has been written.
    fn check_complete(&self, what: &str) -> HPyResult<()> {
        if self.filled == self.len {
            return Ok(());
        }
        let first = (0..self.len)
            .find(|i| self.bits[i / 64] & (1u64 << (i % 64)) == 0)
            .unwrap_or(0);
        Err(HPyErr::system_error(format!(
            "{what}: item {first} of {} was never set ({} of {} set)",
            self.len, self.filled, self.len
        )))
    }
}

/// Where a builder's items go.
enum Storage<R> {
    /// HPy's builder.
    Raw(R),
    /// The builder's own: a new handle per slot set (NULL: not yet set).
    Items(Vec<HPy>),
}

/// Items kept by a builder of its own, as a new `list`.
///
/// # Safety
/// `items` are live handles of `ctx`, all set.
unsafe fn list_from_items(ctx: *mut HPyContext, items: &[HPy]) -> HPy {
    // SAFETY: per the contract; the list takes its own references.
    unsafe {
        let list = hpy_sys::HPyList_New(ctx, 0);
        if list._i == 0 {
            return list;
        }
        for &item in items {
            if hpy_sys::HPyList_Append(ctx, list, item) < 0 {
                hpy_sys::HPy_Close(ctx, list);
                return hpy_sys::HPy_NULL;
            }
        }
        list
    }
}

/// Items kept by a builder of its own, as a new `tuple`.
///
/// # Safety
/// As for [`list_from_items`].
unsafe fn tuple_from_items(ctx: *mut HPyContext, items: &[HPy]) -> HPy {
    // SAFETY: per the contract; the tuple takes its own references.
    unsafe {
        hpy_sys::HPyTuple_FromArray(ctx, items.as_ptr().cast_mut(), items.len() as HPy_ssize_t)
    }
}

macro_rules! builder {
    (
        $(#[$doc:meta])*
        $name:ident, $raw:ty, $what:literal, $typed:ident,
        new: $new:ident, set: $set:ident, put: $put:ident, build: $build:ident, cancel: $cancel:ident,
        from_items: $from_items:ident,
    ) => {
        $(#[$doc])*
        pub struct $name<'ctx> {
            ctx: Context<'ctx>,
            storage: Storage<$raw>,
            slots: Slots,
            /// Set once `build` has handed the raw builder to HPy.
            finished: bool,
        }

        impl<'ctx> $name<'ctx> {
            #[doc = concat!("A builder for a ", $what, " of `len` items (`", stringify!($new), "`).")]
            ///
            /// Fails with `MemoryError` for a length Python cannot allocate.
            pub fn new(ctx: Context<'ctx>, len: usize) -> HPyResult<Self> {
                Self::with_slots(ctx, Slots::new(len, $what)?)
            }

            #[doc = concat!("A ", $what, " of the converted `items`, in order: what `Vec<T>` and")]
            /// friends convert to. The slots are filled one after the other, so
            /// only their number is kept (no per-slot bookkeeping, which costs
            /// more than the store itself); an iterator that yields fewer items
            /// than it announced is a `SystemError`, extra ones are not read.
            #[inline]
            // Only lists are made this way so far.
            #[allow(dead_code)]
            pub(crate) fn build_from<T, I>(ctx: Context<'ctx>, items: I) -> HPyResult<$typed<'ctx>>
            where
                T: crate::IntoHPy<'ctx>,
                I: ExactSizeIterator<Item = T>,
            {
                let len = items.len();
                check_len(len, $what)?;
                // No bitmap: `filled` counts the slots written, all below it.
                let slots = Slots { len, filled: 0, bits: Vec::new() };
                let mut builder = Self::with_slots(ctx, slots)?;
                // `filled` is only read after the loop (Drop does not need it).
                let mut index = 0;
                match &mut builder.storage {
                    Storage::Raw(raw) => {
                        let raw = *raw;
                        for item in items {
                            if index == len {
                                break;
                            }
                            let item = item.into_hpy(ctx)?;
                            // SAFETY: the builder is live, `index < len` and
                            // not yet written; the item's reference goes to it.
                            unsafe {
                                crate::abi::$put(ctx.as_raw(), raw, index, item.into_raw())
                            };
                            index += 1;
                        }
                    }
                    Storage::Items(slots) => {
                        for (slot, item) in slots.iter_mut().zip(items) {
                            *slot = item.into_hpy(ctx)?.into_raw();
                            index += 1;
                        }
                    }
                }
                builder.slots.filled = index;
                if builder.slots.filled != len {
                    return Err(HPyErr::system_error(format!(
                        "{} of {len} items: the iterator yielded only {}",
                        $what, builder.slots.filled
                    )));
                }
                builder.finish()
            }

            fn with_slots(ctx: Context<'ctx>, slots: Slots) -> HPyResult<Self> {
                let len = slots.len;
                let storage = if !crate::abi::host_has(crate::abi::Quirk::LeakyBuilders) {
                    // SAFETY: valid context and a length that fits
                    // HPy_ssize_t. An allocation failure is reported by the
                    // build call.
                    Storage::Raw(unsafe { hpy_sys::$new(ctx.as_raw(), len as HPy_ssize_t) })
                } else {
                    let mut items = Vec::new();
                    items.try_reserve_exact(len).map_err(|_| {
                        HPyErr::new(HPyConstant::MemoryError, format!("{} of {len} items", $what))
                    })?;
                    items.resize(len, hpy_sys::HPy_NULL);
                    Storage::Items(items)
                };
                Ok($name {
                    ctx,
                    storage,
                    slots,
                    finished: false,
                })
            }

            /// The number of items the result will have.
            pub fn len(&self) -> usize {
                self.slots.len
            }

            /// Whether the result will be empty.
            pub fn is_empty(&self) -> bool {
                self.slots.len == 0
            }

            #[doc = concat!("Stores `item` at `index` (`", stringify!($set), "`); the builder takes its own reference.")]
            ///
            /// Fails with `IndexError` if `index >= len()` and with
            /// `ValueError` if that item is already set.
            pub fn set(&mut self, index: usize, item: &Handle<'ctx>) -> HPyResult<()> {
                self.slots.claim(index, $what)?;
                match &mut self.storage {
                    // SAFETY: the builder is live (not built or cancelled),
                    // `index` is in range and not yet written, and `item` is
                    // a valid handle; HPy takes a new reference to it.
                    Storage::Raw(raw) => unsafe {
                        hpy_sys::$set(self.ctx.as_raw(), *raw, index as HPy_ssize_t, item.as_raw())
                    },
                    Storage::Items(items) => items[index] = item.dup().into_raw(),
                }
                Ok(())
            }

            #[doc = concat!("Finishes the ", $what, " (`", stringify!($build), "`).")]
            ///
            /// Fails with `SystemError` (and cancels the builder) if an item
            /// was never set, and with `MemoryError` if HPy could not
            /// allocate the result.
            pub fn build(self) -> HPyResult<$typed<'ctx>> {
                self.slots.check_complete(concat!(stringify!($name), "::build()"))?;
                self.finish()
            }

            /// [`build`](Self::build) once every slot is known to be set.
            fn finish(mut self) -> HPyResult<$typed<'ctx>> {
                let ctx = self.ctx;
                let raw = match &self.storage {
                    Storage::Raw(raw) => {
                        self.finished = true;
                        // SAFETY: the builder is live and every slot holds
                        // an item; afterwards it is consumed (`finished`
                        // stops Drop from cancelling it).
                        unsafe { hpy_sys::$build(ctx.as_raw(), *raw) }
                    }
                    // SAFETY: every slot holds a live handle; Drop closes
                    // them afterwards.
                    Storage::Items(items) => unsafe { $from_items(ctx.as_raw(), items) },
                };
                // SAFETY: a new owned handle, or HPy_NULL with an exception.
                unsafe { ctx.wrap_result(raw).map($typed) }
            }
        }

        impl Drop for $name<'_> {
            fn drop(&mut self) {
                match &self.storage {
                    Storage::Raw(raw) if !self.finished => {
                        // SAFETY: the builder is live; cancelling releases
                        // it and the items already set.
                        unsafe { hpy_sys::$cancel(self.ctx.as_raw(), *raw) }
                    }
                    Storage::Raw(_) => {}
                    Storage::Items(items) => {
                        for &item in items.iter().filter(|h| h._i != 0) {
                            // SAFETY: a handle this builder owns (a `dup`).
                            unsafe { hpy_sys::HPy_Close(self.ctx.as_raw(), item) }
                        }
                    }
                }
            }
        }

        impl core::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("len", &self.slots.len)
                    .field("set", &self.slots.filled)
                    .finish()
            }
        }
    };
}

builder! {
    /// Builds a Python `list` of known length (`HPyListBuilder`).
    ///
    /// ```
    /// use hpy::{Context, HPyResult, IntoHPy, List, ListBuilder};
    ///
    /// fn squares<'ctx>(ctx: Context<'ctx>, n: usize) -> HPyResult<List<'ctx>> {
    ///     let mut list = ListBuilder::new(ctx, n)?;
    ///     for i in 0..n {
    ///         list.set(i, &(i * i).into_hpy(ctx)?)?;
    ///     }
    ///     list.build()
    /// }
    /// # let _ = squares;
    /// ```
    ListBuilder, HPyListBuilder, "list", List,
    new: HPyListBuilder_New, set: HPyListBuilder_Set, put: list_builder_put,
    build: HPyListBuilder_Build,
    cancel: HPyListBuilder_Cancel, from_items: list_from_items,
}

builder! {
    /// Builds a Python `tuple` of known length (`HPyTupleBuilder`).
    ///
    /// ```
    /// use hpy::{Context, HPyResult, IntoHPy, Tuple, TupleBuilder};
    ///
    /// fn pair<'ctx>(ctx: Context<'ctx>) -> HPyResult<Tuple<'ctx>> {
    ///     let mut t = TupleBuilder::new(ctx, 2)?;
    ///     t.set(1, &"second".into_hpy(ctx)?)?;
    ///     t.set(0, &1.into_hpy(ctx)?)?;
    ///     t.build()
    /// }
    /// # let _ = pair;
    /// ```
    TupleBuilder, HPyTupleBuilder, "tuple", Tuple,
    new: HPyTupleBuilder_New, set: HPyTupleBuilder_Set, put: tuple_builder_put,
    build: HPyTupleBuilder_Build,
    cancel: HPyTupleBuilder_Cancel, from_items: tuple_from_items,
}

// ---- lists from iterators ----

/// Builds a list from the converted items (`HPyListBuilder`): what
/// [`IntoHPy`]'s sequence hooks make by default, and what
/// `Context::list_from_iter` makes.
pub(crate) fn list_from_iter<'ctx, T, I>(ctx: Context<'ctx>, items: I) -> HPyResult<Handle<'ctx>>
where
    T: IntoHPy<'ctx>,
    I: ExactSizeIterator<Item = T>,
{
    if crate::abi::host_has(crate::abi::Quirk::LeakyBuilders) {
        return list_by_appending(ctx, items);
    }
    // An iterator that yields more than it announced cannot write out of
    // bounds: `build_from` reads only as many items as announced.
    Ok(ListBuilder::build_from(ctx, items)?.into_handle())
}

/// Builds a list by appending to an empty one: where the list builder
/// leaks (PyPy 7.3.19, D8 of issue 14).
#[cold]
fn list_by_appending<'ctx, T, I>(ctx: Context<'ctx>, items: I) -> HPyResult<Handle<'ctx>>
where
    T: IntoHPy<'ctx>,
    I: Iterator<Item = T>,
{
    let list = ctx.new_list()?;
    for item in items {
        list.append(&item.into_hpy(ctx)?)?;
    }
    Ok(list.into_handle())
}

impl<'ctx> Context<'ctx> {
    /// A list of the converted items of an iterator that knows its length
    /// (`ExactSizeIterator`), built in place as PyO3's `PyList::new`: no
    /// `Vec` in between. An iterator that yields fewer items than it
    /// announced is a `SystemError`; extra ones are not read.
    ///
    /// ```
    /// use hpy::{hpy_method, Context, HPyResult, List};
    ///
    /// #[hpy_method]
    /// fn squares<'ctx>(ctx: Context<'ctx>, n: u32) -> HPyResult<List<'ctx>> {
    ///     ctx.list_from_iter((0..n).map(|i| i * i))
    /// }
    /// # fn main() {}
    /// ```
    pub fn list_from_iter<T, I>(self, items: I) -> HPyResult<List<'ctx>>
    where
        T: IntoHPy<'ctx>,
        I: IntoIterator<Item = T>,
        I::IntoIter: ExactSizeIterator,
    {
        let list = list_from_iter(self, items.into_iter())?;
        // A list, just made: no type check needed.
        Ok(List(list))
    }

    /// [`list_from_iter`](Self::list_from_iter) of items that may fail to
    /// be made: the first error is returned, and the items made before it
    /// are released.
    ///
    /// ```
    /// use hpy::{hpy_method, Context, HPyResult, Handle, List};
    ///
    /// /// `[str(x) for x in xs]` of a tuple.
    /// #[hpy_method]
    /// fn strs<'ctx>(ctx: Context<'ctx>, xs: Vec<Handle<'ctx>>) -> HPyResult<List<'ctx>> {
    ///     ctx.try_list_from_iter(xs.iter().map(|x| x.str()))
    /// }
    /// # fn main() {}
    /// ```
    pub fn try_list_from_iter<T, I>(self, items: I) -> HPyResult<List<'ctx>>
    where
        T: IntoHPy<'ctx>,
        I: IntoIterator<Item = HPyResult<T>>,
        I::IntoIter: ExactSizeIterator,
    {
        self.list_from_iter(items.into_iter().map(Fallible))
    }
}

/// An item of [`Context::try_list_from_iter`]: its error is the
/// conversion's.
struct Fallible<T>(HPyResult<T>);

impl<'ctx, T: IntoHPy<'ctx>> IntoHPy<'ctx> for Fallible<T> {
    #[inline]
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        self.0?.into_hpy(ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_checked() {
        let mut s = Slots::new(70, "list").unwrap();
        assert!(s.claim(70, "list").is_err());
        s.claim(69, "list").unwrap();
        let e = s.claim(69, "list").unwrap_err();
        assert_eq!(e.describe().unwrap().0, HPyConstant::ValueError);
        assert!(s.check_complete("b").is_err());
        for i in 0..69 {
            s.claim(i, "list").unwrap();
        }
        s.check_complete("b").unwrap();
    }

    #[test]
    fn first_unset_is_named() {
        let mut s = Slots::new(3, "tuple").unwrap();
        s.claim(0, "tuple").unwrap();
        s.claim(2, "tuple").unwrap();
        let e = s.check_complete("TupleBuilder::build()").unwrap_err();
        assert_eq!(
            e.describe().unwrap().1,
            "TupleBuilder::build(): item 1 of 3 was never set (2 of 3 set)"
        );
    }

    #[test]
    fn huge_is_memory_error() {
        let e = Slots::new(usize::MAX, "list").err().unwrap();
        assert_eq!(e.describe().unwrap().0, HPyConstant::MemoryError);
    }
}
