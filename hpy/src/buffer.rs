//! [`Buffer`]: the bytes of any object that exports the buffer protocol
//! (`bytes`, `bytearray`, `memoryview`, `array.array`, `mmap`, …), borrowed
//! for the call.
//!
//! HPy 0.9 lets a type *export* a buffer (`bf_getbuffer`, see
//! `runtime/buffer.rs`) but has no `PyObject_GetBuffer` to *consume* one.
//! hpy-rs reads one anyway, without a copy wherever the host allows:
//!
//! | object | CPython ABI | universal, hpy_rs_universal | universal, other hosts |
//! |---|---|---|---|
//! | `bytes` | borrowed | borrowed | borrowed |
//! | anything else with a C-contiguous buffer | borrowed (`PyObject_GetBuffer`) | borrowed (the host's `get_buffer`) | copied (`memoryview(obj).tobytes()`) |
//!
//! ("hpy_rs_universal" is its plain mode; its debug and trace modes copy,
//! as the other hosts do.) A buffer that is not C-contiguous (a strided
//! `memoryview`, …) is refused with `BufferError`, on every host, as
//! CPython refuses it to a C extension asking for plain bytes
//! (`PyBUF_SIMPLE`).

use core::cell::Cell;
use core::ffi::c_int;
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ops::Deref;
use core::ptr::NonNull;

use hpy_sys::{HPyContext, HPy_buffer};

use crate::{Bytes, FromHPy, HPyErr, HPyResult, Handle};

/// The contents of a bytes-like object (anything that exports the buffer
/// protocol as C-contiguous memory), borrowed for as long as the argument
/// it came from: a parameter type of [`hpy_method`](crate::hpy_method)
/// functions, or made with [`Buffer::get`].
///
/// It dereferences to `[u8]`: the raw bytes of the export, whatever its item
/// type (an `array.array('i', …)` gives 4 bytes per item). While it lives
/// the exporter keeps the memory in place (a `bytearray` refuses to resize
/// with `BufferError`); dropping it releases the export. It cannot outlive
/// the call, nor cross threads: it holds the call's context.
///
/// ```
/// use hpy::{hpy_method, Buffer};
///
/// /// The sum of the bytes of any bytes-like object.
/// #[hpy_method]
/// fn byte_sum(data: Buffer<'_>) -> u64 {
///     data.iter().map(|&b| u64::from(b)).sum()
/// }
/// ```
///
/// Reading with the GIL released: the memory of a *writable* export (a
/// `bytearray`, a writable `mmap`) may be written by another thread as soon
/// as the GIL is free, so [`frozen`](Buffer::frozen) gives the bytes for
/// [`Context::allow_threads`](crate::Context::allow_threads) only when no
/// one can write them meanwhile (a read-only export, or a copy). The slice
/// that [`Deref`] gives is for use with the GIL held.
pub struct Buffer<'a> {
    data: NonNull<u8>,
    len: usize,
    /// `None`: the argument's object itself holds the bytes (an exact
    /// `bytes`, immutable). Boxed, so that the common case is three words
    /// that move in registers: a `Py_buffer` is 80 bytes, and a `Buffer`
    /// holding one inline was copied whole each time an argument parser
    /// moved it (CPython 3.14, `xxh64_intdigest` at 16 B: 105 instructions
    /// in the entry, 64 with the export boxed).
    export: Option<Box<Export>>,
    _borrow: PhantomData<&'a [u8]>,
}

/// What keeps the bytes of a [`Buffer`] alive when the argument's object
/// itself does not.
enum Export {
    /// An export of the host's `PyObject_GetBuffer`, released on drop
    /// through the context that made it. Moved after the call filled it: no
    /// exporter keeps the view's address (CPython's `PyBuffer_Release`
    /// reads the fields and hands the exporter the address it is given
    /// then).
    View(HPy_buffer, *mut HPyContext),
    /// A copy (hosts that cannot lend the memory).
    Copy(#[allow(dead_code)] Vec<u8>), // read through `data`
}

impl<'a> Buffer<'a> {
    /// The buffer of `obj` (the `bytes(memoryview(obj))` bytes, without
    /// the copy where the host allows): `TypeError` for an object without
    /// the buffer protocol, `BufferError` for one that is not C-contiguous.
    #[inline]
    pub fn get<'ctx>(obj: &'a Handle<'ctx>) -> HPyResult<Buffer<'a>> {
        let ctx = obj.context();
        // SAFETY: a live handle of this call's context.
        let exact = unsafe { crate::abi::exact_bytes(ctx.as_raw(), obj.as_raw()) };
        if let Some((data, len)) = exact {
            // SAFETY: the contents of the `bytes` `obj` refers to, which
            // stay in place and unchanged while `obj` (borrowed for `'a`)
            // holds it.
            return Ok(Buffer::borrowed(unsafe {
                core::slice::from_raw_parts(data, len)
            }));
        }
        Buffer::not_exact_bytes(obj)
    }

    /// [`get`](Buffer::get) of anything but an exact `bytes` (or of one,
    /// where the host gives no way to read it in place), out of line.
    #[inline(never)]
    fn not_exact_bytes<'ctx>(obj: &'a Handle<'ctx>) -> HPyResult<Buffer<'a>> {
        if let Some(data) = crate::types::bytes::exact_contents(obj) {
            return data.map(Buffer::borrowed);
        }
        if let Some(bytes) = obj.downcast_ref::<Bytes<'ctx>>() {
            if let Ok(data) = bytes.as_bytes() {
                return Ok(Buffer::borrowed(data));
            }
        }
        Buffer::exported(obj)
    }

    #[inline(always)]
    fn borrowed(data: &'a [u8]) -> Buffer<'a> {
        Buffer {
            data: NonNull::from(data).cast::<u8>(),
            len: data.len(),
            export: None,
            _borrow: PhantomData,
        }
    }

    #[inline(never)]
    fn exported(obj: &'a Handle<'_>) -> HPyResult<Buffer<'a>> {
        let ctx = obj.context();
        let mut view = MaybeUninit::<HPy_buffer>::uninit();
        // SAFETY: a live handle of this call's context; `view` is writable
        // memory for one `HPy_buffer`.
        let got = unsafe { crate::abi::get_buffer(ctx.as_raw(), obj.as_raw(), view.as_mut_ptr()) };
        match got {
            Some(0) => {
                // SAFETY: filled by a successful `PyObject_GetBuffer`.
                let view: HPy_buffer = unsafe { view.assume_init() };
                let len = usize::try_from(view.len).unwrap_or(0);
                let data = match NonNull::new(view.buf.cast::<u8>()) {
                    Some(data) if len != 0 => data,
                    _ => NonNull::dangling(),
                };
                Ok(Buffer {
                    data,
                    len,
                    export: Some(boxed(Export::View(view, ctx.as_raw()))),
                    _borrow: PhantomData,
                })
            }
            Some(_) => Err(HPyErr::raised(ctx)),
            None => Buffer::copied(obj),
        }
    }

    /// `memoryview(obj)`, refused unless C-contiguous, copied and released:
    /// the way on hosts without `PyObject_GetBuffer`.
    #[cold]
    fn copied(obj: &'a Handle<'_>) -> HPyResult<Buffer<'a>> {
        let ctx = obj.context();
        let view = ctx.builtin("memoryview")?.call(&[obj])?;
        let copy = (|| {
            if !view.get_attr_s("c_contiguous")?.is_true()? {
                return Err(crate::exceptions::BufferError::new_err(
                    "memoryview: underlying buffer is not C-contiguous",
                ));
            }
            view.call_method0("tobytes")?
                .downcast::<Bytes<'_>>()
                .map_err(|_| HPyErr::type_error("memoryview.tobytes() did not return bytes"))?
                .to_vec()
        })();
        // Unlocks the exporter now (a bytearray can resize again), not
        // whenever the view is collected.
        let released = view.call_method0("release");
        let copy = copy?;
        released?;
        // The `Vec`'s heap block does not move with the `Vec`.
        let data = NonNull::from(copy.as_slice()).cast::<u8>();
        Ok(Buffer {
            data,
            len: copy.len(),
            export: Some(boxed(Export::Copy(copy))),
            _borrow: PhantomData,
        })
    }

    /// The bytes.
    #[inline(always)]
    pub fn as_bytes(&self) -> &[u8] {
        // SAFETY: `data` points to `len` bytes kept alive and in place by
        // the argument's object or by `export` (the view or the copy) for
        // as long as `self`; `data` is non-null and aligned for `u8` even
        // when empty.
        unsafe { core::slice::from_raw_parts(self.data.as_ptr(), self.len) }
    }

    /// Whether no one can write the bytes while this buffer lives: the
    /// exporter said the export is read-only (`bytes`, a read-only
    /// `memoryview` or `mmap`), or they are a copy.
    #[inline(always)]
    pub fn is_readonly(&self) -> bool {
        match self.export.as_deref() {
            None | Some(Export::Copy(_)) => true,
            Some(Export::View(view, _)) => view.readonly != 0,
        }
    }

    /// The bytes, if no one can write them while this buffer lives
    /// ([`is_readonly`](Buffer::is_readonly)): the slice to read with the
    /// GIL released (in [`Context::allow_threads`](crate::Context::allow_threads)).
    #[inline(always)]
    pub fn frozen(&self) -> Option<&[u8]> {
        self.is_readonly().then(|| self.as_bytes())
    }
}

impl Deref for Buffer<'_> {
    type Target = [u8];

    #[inline(always)]
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl Drop for Buffer<'_> {
    #[inline]
    fn drop(&mut self) {
        if let Some(export) = self.export.take() {
            release(export);
        }
    }
}

std::thread_local! {
    /// The box of this thread's last released export, for its next one:
    /// the buffer of a `bytearray` or `memoryview` argument then costs no
    /// allocation (a `malloc` and `free` were 76 instructions a call,
    /// CPython 3.14).
    static SPARE: Cell<Option<Box<Export>>> = const { Cell::new(None) };
}

/// `export` in a box: this thread's spare one, else a new one.
#[inline]
fn boxed(export: Export) -> Box<Export> {
    match SPARE.try_with(Cell::take) {
        Ok(Some(mut spare)) => {
            // What the spare held was released (a view) or emptied (a
            // copy) when it was put back: nothing to drop but an empty
            // `Vec`.
            *spare = export;
            spare
        }
        _ => Box::new(export),
    }
}

/// Releases a [`Buffer`]'s export, when it drops (out of line: a `bytes`
/// has none), and keeps the box as this thread's spare.
#[inline(never)]
fn release(mut export: Box<Export>) {
    match &mut *export {
        Export::View(view, ctx) => {
            // SAFETY: `view` was filled by `get_buffer` on `ctx`, the
            // context of the call the buffer cannot outlive, and is
            // released once, here (the buffer is dropping; the box is
            // reused only after being written whole by `boxed`).
            unsafe { crate::abi::release_buffer(*ctx, view) };
        }
        Export::Copy(copy) => *copy = Vec::new(),
    }
    // A thread past its thread-locals' destruction frees the box instead.
    let _ = SPARE.try_with(|spare| spare.set(Some(export)));
}

impl core::fmt::Debug for Buffer<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Buffer")
            .field("len", &self.len)
            .field("readonly", &self.is_readonly())
            .finish()
    }
}

impl<'a, 'ctx> FromHPy<'a, 'ctx> for Buffer<'a> {
    /// [`Buffer::get`].
    #[inline(always)]
    fn extract(obj: &'a Handle<'ctx>) -> HPyResult<Self> {
        Buffer::get(obj)
    }
}

/// `PyBUF_SIMPLE`: plain contiguous bytes, no format, no shape.
pub(crate) const PYBUF_SIMPLE: c_int = 0;
