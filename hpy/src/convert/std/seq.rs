//! Sequences: `Vec<T>`, slices, arrays and tuples.

use crate::convert::no_room_for;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy, Tuple};

// ---- reading sequences ----

/// How `Vec<T>` reads an object.
enum Shape {
    /// A list or tuple, or an object whose type has `__getitem__` (what
    /// `PySequence_Check` tests for Python classes): by index, `0..len`.
    Sequence,
    /// Any other iterable (a generator, a set, a dict view …): with
    /// `iter`/`next`.
    Iterable,
}

/// How `Vec<T>` reads `obj`: lists and tuples are checked first and cost
/// nothing more; `str` and `dict` are refused (a `str` is a sequence of
/// characters in Python but almost never meant as one, and a dict's
/// iteration gives only its keys).
fn shape_of(obj: &Handle<'_>) -> HPyResult<Shape> {
    if obj.is_list() || obj.is_tuple() {
        return Ok(Shape::Sequence);
    }
    refuse_str_and_dict(obj)?;
    let ty = obj.get_type();
    // SAFETY: valid type handle and a static NUL-terminated name.
    if unsafe {
        hpy_sys::HPy_HasAttr_s(ty.context().as_raw(), ty.as_raw(), c"__getitem__".as_ptr())
    } != 0
    {
        return Ok(Shape::Sequence);
    }
    if is_iterable_type(&ty) {
        return Ok(Shape::Iterable);
    }
    Err(HPyErr::wrong_type("iterable", obj.type_name()))
}

/// `TypeError` for a `str` or a `dict` where a collection of items is
/// extracted.
pub(in crate::convert) fn refuse_str_and_dict(obj: &Handle<'_>) -> HPyResult<()> {
    if obj.is_str() || obj.is_dict() {
        return Err(HPyErr::wrong_type("sequence", obj.type_name()));
    }
    Ok(())
}

/// Whether instances of `ty` can be iterated (`__iter__`, or the old
/// `__getitem__` protocol).
pub(in crate::convert) fn is_iterable_type(ty: &Handle<'_>) -> bool {
    let ctx = ty.context();
    // SAFETY: valid type handle and static NUL-terminated names.
    unsafe {
        hpy_sys::HPy_HasAttr_s(ctx.as_raw(), ty.as_raw(), c"__iter__".as_ptr()) != 0
            || hpy_sys::HPy_HasAttr_s(ctx.as_raw(), ty.as_raw(), c"__getitem__".as_ptr()) != 0
    }
}

/// Whether `obj` counts as a sequence for `[T; N]` (read by index).
fn check_sequence(obj: &Handle<'_>) -> HPyResult<()> {
    match shape_of(obj) {
        Ok(Shape::Sequence) => Ok(()),
        Ok(Shape::Iterable) | Err(_) => Err(HPyErr::wrong_type("sequence", obj.type_name())),
    }
}

/// `Vec<f64>` from an exact list or tuple of exact floats, read in one
/// pass without touching reference counts (CPython ABI); `None` for
/// anything else (read item by item then, from the start).
#[inline]
pub(in crate::convert) fn floats_fast(obj: &Handle<'_>) -> Option<HPyResult<Vec<f64>>> {
    let ctx = obj.context();
    // SAFETY: valid handle.
    let (items, n) = unsafe { crate::abi::list_or_tuple_items(obj.as_raw()) }?;
    let mut out = Vec::new();
    if out.try_reserve_exact(n).is_err() {
        return Some(Err(no_room_for::<f64>(n)));
    }
    for i in 0..n {
        // SAFETY: `i < n`, and no Python code runs in this loop (reading an
        // exact float runs none), so the array is as it was.
        let item = unsafe { *items.add(i) };
        // SAFETY: a valid handle, borrowed from the sequence.
        if !unsafe { crate::abi::is_exact_float(item) } {
            return None;
        }
        // SAFETY: an exact float: no Python code runs and no error is
        // possible.
        out.push(unsafe { hpy_sys::HPyFloat_AsDouble(ctx.as_raw(), item) });
    }
    Some(Ok(out))
}

/// Reads every item of a sequence or other iterable (the default `Vec<T>`
/// extraction).
pub(in crate::convert) fn extract_sequence<'ctx, T>(obj: &Handle<'ctx>) -> HPyResult<Vec<T>>
where
    T: for<'b> FromHPy<'b, 'ctx>,
{
    match shape_of(obj)? {
        Shape::Sequence => extract_items(obj, obj.len()?),
        Shape::Iterable => extract_iterable(obj),
    }
}

/// Reads the items of any iterable, `iter`/`next` (a generator, a set …).
#[cold]
fn extract_iterable<'ctx, T>(obj: &Handle<'ctx>) -> HPyResult<Vec<T>>
where
    T: for<'b> FromHPy<'b, 'ctx>,
{
    let mut out = Vec::new();
    // A huge announced size (`{*range(2**40)}`, a lying `__len__`) is a
    // MemoryError now, as in `list()`, not an abort later.
    if let Some(n) = length_hint(obj)? {
        out.try_reserve(n).map_err(|_| no_room_for::<T>(n))?;
    }
    crate::iter::for_each_item(obj, |item| {
        out.push(T::extract(item)?);
        Ok(())
    })?;
    Ok(out)
}

/// Reads items `0..n` of an object already known to be a sequence.
fn extract_items<'ctx, T>(obj: &Handle<'ctx>, n: usize) -> HPyResult<Vec<T>>
where
    T: for<'b> FromHPy<'b, 'ctx>,
{
    // `n` comes from Python (`len(range(2**40))`, or a `__len__` that
    // lies): an allocation that cannot be made is a MemoryError, as in
    // `list(range(2**40))`, not an abort or a capacity-overflow panic.
    let mut out = Vec::new();
    out.try_reserve_exact(n).map_err(|_| no_room_for::<T>(n))?;
    for i in 0..n {
        out.push(T::extract(&obj.get_item_i(i as isize)?).map_err(|e| e.in_item(i))?);
    }
    Ok(out)
}

/// `len(obj)` if its type has `__len__` (the size an iteration announces;
/// `list()` preallocates it too), else `None`. A raising `__len__`
/// propagates.
pub(in crate::convert) fn length_hint(obj: &Handle<'_>) -> HPyResult<Option<usize>> {
    let ty = obj.get_type();
    // SAFETY: valid type handle and a static NUL-terminated name.
    let has_len =
        unsafe { hpy_sys::HPy_HasAttr_s(ty.context().as_raw(), ty.as_raw(), c"__len__".as_ptr()) };
    if has_len == 0 {
        return Ok(None);
    }
    obj.len().map(Some)
}

/// The `ValueError` of Python's unpacking, for a sequence of `got` items
/// where exactly `expected` are needed, in the running Python's words
/// (3.14 added the count to "too many values").
pub(in crate::convert) fn wrong_length(ctx: Context<'_>, expected: usize, got: usize) -> HPyErr {
    if got > expected {
        match ctx.python_version() {
            Ok(v) if v >= (3, 14) => HPyErr::value_error(format!(
                "too many values to unpack (expected {expected}, got {got})"
            )),
            Ok(_) => {
                HPyErr::value_error(format!("too many values to unpack (expected {expected})"))
            }
            Err(e) => e,
        }
    } else {
        not_enough_values(expected, got)
    }
}

fn not_enough_values(expected: usize, got: usize) -> HPyErr {
    HPyErr::value_error(format!(
        "not enough values to unpack (expected {expected}, got {got})"
    ))
}

impl<'ctx, T> FromHPy<'_, 'ctx> for Vec<T>
where
    T: for<'b> FromHPy<'b, 'ctx>,
{
    /// Accepts any iterable except `str` and `dict`: lists and tuples (the
    /// fast path), other sequences by index (range, bytes …), anything else
    /// through `iter`/`next` (generators, sets, dict views …). A `str` is a
    /// sequence of characters in Python but almost never meant as one (as
    /// in PyO3), and a dict would give only its keys. `Vec<u8>` copies
    /// `bytes`, `bytearray` and `memoryview` directly.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        match T::__extract_vec_fast(obj) {
            Some(items) => items,
            None => extract_sequence(obj),
        }
    }
}

impl<'ctx, T, const N: usize> FromHPy<'_, 'ctx> for [T; N]
where
    T: for<'b> FromHPy<'b, 'ctx>,
{
    /// Accepts a sequence (as `Vec<T>` does) of exactly `N` items; another
    /// length raises `ValueError` worded like Python's unpacking.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        check_sequence(obj)?;
        let n = obj.len()?;
        if n != N {
            return Err(wrong_length(obj.context(), N, n));
        }
        let items = match T::__extract_vec_fast(obj) {
            Some(items) => items?,
            None => extract_items(obj, n)?,
        };
        let got = items.len();
        // The sequence may change length while it is read.
        items
            .try_into()
            .map_err(|_| wrong_length(obj.context(), N, got))
    }
}

// ---- building lists ----

impl<'ctx, T: IntoHPy<'ctx>> IntoHPy<'ctx> for Vec<T> {
    /// A `list` (`bytes` for `Vec<u8>`).
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        T::__items_into_hpy(self.into_iter(), ctx)
    }
}

impl<'ctx, T: IntoHPy<'ctx> + Clone> IntoHPy<'ctx> for &[T] {
    /// A `list` of clones of the items (`bytes` for `&[u8]`).
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        T::__slice_into_hpy(self, ctx)
    }
}

impl<'ctx, T: IntoHPy<'ctx>, const N: usize> IntoHPy<'ctx> for [T; N] {
    /// A `list` (`bytes` for `[u8; N]`).
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        T::__items_into_hpy(self.into_iter(), ctx)
    }
}

// ---- tuples ----

macro_rules! tuple_into_hpy {
    ($($len:literal => ($($name:ident),+);)*) => {$(
        impl<'ctx, $($name: IntoHPy<'ctx>),+> IntoHPy<'ctx> for ($($name,)+) {
            /// Builds a Python tuple (`HPyTuple_FromArray`; on the CPython
            /// ABI the converted items move into it).
            #[allow(non_snake_case)]
            #[inline]
            fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
                let ($($name,)+) = self;
                let items: [Handle<'ctx>; $len] = [$($name.into_hpy(ctx)?),+];
                crate::abi::tuple_from_owned(ctx, items)
            }
        }
    )*};
}

tuple_into_hpy! {
    1 => (A);
    2 => (A, B);
    3 => (A, B, C);
    4 => (A, B, C, D);
    5 => (A, B, C, D, E);
    6 => (A, B, C, D, E, F);
    7 => (A, B, C, D, E, F, G);
    8 => (A, B, C, D, E, F, G, H);
    9 => (A, B, C, D, E, F, G, H, I);
    10 => (A, B, C, D, E, F, G, H, I, J);
    11 => (A, B, C, D, E, F, G, H, I, J, K);
    12 => (A, B, C, D, E, F, G, H, I, J, K, L);
}

macro_rules! tuple_from_hpy {
    ($($len:literal => ($($idx:tt $name:ident),+);)*) => {$(
        impl<'ctx, $($name),+> FromHPy<'_, 'ctx> for ($($name,)+)
        where
            $($name: for<'b> FromHPy<'b, 'ctx>,)+
        {
            /// Accepts a `tuple` of exactly this length; other types raise
            /// `TypeError`, other lengths `ValueError` (worded like Python's
            /// unpacking).
            fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
                let tuple = obj.downcast_checked::<Tuple>()?;
                let ctx = obj.context();
                // SAFETY: `tuple` is a tuple.
                if let Some((items, n)) = unsafe { crate::abi::tuple_items_borrowed(tuple.as_raw()) } {
                    if n != $len {
                        return Err(wrong_length(ctx, $len, n));
                    }
                    // SAFETY: one of the tuple's `n` items: a valid handle
                    // that the tuple, immutable and kept open by `obj`,
                    // holds during this call.
                    let item = |i: usize| unsafe { crate::Borrowed::from_raw(ctx, *items.add(i)) };
                    return Ok(($($name::extract(&item($idx)).map_err(|e| e.in_item($idx))?,)+));
                }
                let n = tuple.len()?;
                if n != $len {
                    return Err(wrong_length(obj.context(), $len, n));
                }
                Ok(($($name::extract(&tuple.get($idx)?).map_err(|e| e.in_item($idx))?,)+))
            }
        }
    )*};
}

tuple_from_hpy! {
    1 => (0 A);
    2 => (0 A, 1 B);
    3 => (0 A, 1 B, 2 C);
    4 => (0 A, 1 B, 2 C, 3 D);
    5 => (0 A, 1 B, 2 C, 3 D, 4 E);
    6 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F);
    7 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G);
    8 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H);
    9 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I);
    10 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J);
    11 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K);
    12 => (0 A, 1 B, 2 C, 3 D, 4 E, 5 F, 6 G, 7 H, 8 I, 9 J, 10 K, 11 L);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacking_messages() {
        // "too many" depends on the interpreter's version and is tested
        // from Python (test_conv_values.py).
        assert_eq!(
            not_enough_values(3, 1).describe().unwrap().1,
            "not enough values to unpack (expected 3, got 1)"
        );
    }
}
