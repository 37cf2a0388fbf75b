//! Soundness probes written as a hostile user would, in safe code only
//! (`#![forbid(unsafe_code)]`): each function tries to observe what the
//! SDK's safe API promises cannot happen. For
//! tests/python/test_soundness_buffers.py.
#![forbid(unsafe_code)]

use hpy::{hpy_method, hpy_module, Buffer, Context, HPyResult, Handle, ReadOnlyCell};

/// Reads `s[0]`, runs `between`, reads `s[0]` again. Out of line, with the
/// slice as a parameter: the shape in which the compiler, trusting that a
/// `&[u8]` does not change while it lives, reuses the first read.
#[inline(never)]
fn slice_around(s: &[u8], between: impl FnOnce() -> HPyResult<()>) -> HPyResult<(u8, u8)> {
    let first = s[0];
    between()?;
    Ok((first, s[0]))
}

/// [`slice_around`] for cells: each `get` reads the memory.
#[inline(never)]
fn cells_around(
    s: &[ReadOnlyCell<u8>],
    between: impl FnOnce() -> HPyResult<()>,
) -> HPyResult<(u8, u8)> {
    let first = s[0].get();
    between()?;
    Ok((first, s[0].get()))
}

/// The first byte of `data` before and after `callback()` (which may write
/// it), through the way the buffer allows: `("frozen", …)` where it gives a
/// `&[u8]` (which must then not change), else `("cells", …)`.
#[hpy_method]
fn read_around(data: Buffer<'_>, callback: &Handle<'_>) -> HPyResult<(&'static str, u8, u8)> {
    let call = || callback.call0().map(drop);
    let (kind, (first, second)) = match data.frozen() {
        Some(bytes) => ("frozen", slice_around(bytes, call)?),
        None => ("cells", cells_around(data.as_cells(), call)?),
    };
    Ok((kind, first, second))
}

/// The first byte of the slice `with_bytes` hands out, before and after
/// `callback()`: it must hold still.
#[hpy_method]
fn with_bytes_around(data: Buffer<'_>, callback: &Handle<'_>) -> HPyResult<(u8, u8)> {
    data.with_bytes(|bytes| slice_around(bytes, || callback.call0().map(drop)))
}

/// The sum of the bytes with the GIL released, from `with_bytes`'s slice
/// (a `bytes` in place, anything else copied), and the number of bytes.
#[hpy_method]
fn sum_without_gil(ctx: Context<'_>, data: Buffer<'_>) -> (u64, usize) {
    data.with_bytes(|bytes| {
        ctx.allow_threads(|| (bytes.iter().map(|&b| u64::from(b)).sum(), bytes.len()))
    })
}

/// The buffer's three copies (`to_vec`, `copy_to_slice`, `with_bytes`)
/// and its cells read one by one, as `bytes`.
#[hpy_method]
fn copies(data: Buffer<'_>) -> (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut slice = vec![0; data.len()];
    data.copy_to_slice(&mut slice);
    (
        data.to_vec(),
        slice,
        data.with_bytes(<[u8]>::to_vec),
        data.as_cells().iter().map(ReadOnlyCell::get).collect(),
    )
}

/// `copy_to_slice` into a destination one byte too long (a panic, raised
/// as an exception).
#[hpy_method]
fn copy_to_wrong_length(data: Buffer<'_>) {
    let mut dest = vec![0; data.len() + 1];
    data.copy_to_slice(&mut dest);
}

hpy_module! {
    /// Soundness probes in safe code.
    name: hpyrs_soundness,
    methods: [read_around, with_bytes_around, sum_without_gil, copies, copy_to_wrong_length],
}
