//! [`Buffer`]: the bytes of any object that exports the buffer protocol
//! (`bytes`, `bytearray`, `memoryview`, `array.array`, `mmap`, …), borrowed
//! for the call; and [`ReadOnlyCell`], what lent memory is read through.
//!
//! HPy 0.9 lets a type *export* a buffer (`bf_getbuffer`, see
//! `runtime/buffer.rs`) but has no `PyObject_GetBuffer` to *consume* one.
//! hpy-rs reads one anyway, without a copy wherever the host allows:
//!
//! | object | CPython ABI | universal, hpy_rs_universal | universal, other hosts |
//! |---|---|---|---|
//! | `bytes` | borrowed | borrowed | borrowed |
//! | anything else with a C-contiguous buffer | lent (`PyObject_GetBuffer`) | lent (the host's `get_buffer`) | copied (`memoryview(obj).tobytes()`) |
//!
//! ("hpy_rs_universal" is its plain mode; its debug and trace modes copy,
//! as the other hosts do.) A buffer that is not C-contiguous (a strided
//! `memoryview`, …) is refused with `BufferError`, on every host, as
//! CPython refuses it to a C extension asking for plain bytes
//! (`PyBUF_SIMPLE`).
//!
//! # Who can write lent memory
//!
//! A `&[u8]` promises that nobody writes the bytes while it lives, and the
//! compiler relies on it (a byte read before a call is reused after it).
//! Only two kinds of bytes keep that promise whatever Python code does: a
//! `bytes` object's (immutable) and a copy the buffer owns. Lent memory
//! does not: Python code the function calls can write a `bytearray`
//! (`ba[0] = 99`) while its export is held; a read-only *view*
//! (`memoryview(ba).toreadonly()`) says nothing about who else can write
//! the memory behind it; and some writers take no lock this thread holds:
//! another interpreter with its own GIL that was handed a `memoryview` of
//! it (seen on CPython 3.14), another process sharing an `mmap` or a
//! `multiprocessing.shared_memory` block. So [`Buffer::frozen`] gives a
//! `&[u8]` only for a `bytes` or a copy; lent memory is read as
//! [`ReadOnlyCell`]s ([`Buffer::as_cells`], each read done once, when
//! asked) or copied out ([`Buffer::with_bytes`], [`Buffer::to_vec`],
//! [`Buffer::copy_to_slice`]). docs/soundness.md has the reasoning.

use core::cell::{Cell, UnsafeCell};
use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ptr::NonNull;

use hpy_sys::{HPyContext, HPy_buffer};

use crate::{Bytes, FromHPy, HPyErr, HPyResult, Handle};

/// The contents of a bytes-like object (anything that exports the buffer
/// protocol as C-contiguous memory), borrowed for as long as the argument
/// it came from: a parameter type of [`hpy_method`](crate::hpy_method)
/// functions, or made with [`Buffer::get`].
///
/// The contents are the raw bytes of the export, whatever its item type
/// (an `array.array('i', …)` gives 4 bytes per item). While the buffer
/// lives the exporter keeps the memory in place (a `bytearray` refuses to
/// resize with `BufferError`), but unless it is a `bytes` others may still
/// *write* it (see the module docs); dropping the buffer releases the
/// export. It cannot outlive the call, nor cross threads: it holds the
/// call's context.
///
/// Reading it:
/// - [`with_bytes`](Buffer::with_bytes): a `&[u8]` for a closure, the
///   bytes in place where nobody can change them (a `bytes`, a copy the
///   host made), else a copy made for the call. The common case, and free
///   for a `bytes`.
/// - [`frozen`](Buffer::frozen): the `&[u8]` in place, only where nobody
///   can change it.
/// - [`as_cells`](Buffer::as_cells): any buffer in place, as cells that
///   each read the memory as it is at that moment.
/// - [`to_vec`](Buffer::to_vec), [`copy_to_slice`](Buffer::copy_to_slice):
///   a copy.
///
/// ```
/// use hpy::{hpy_method, Buffer};
///
/// /// The sum of the bytes of any bytes-like object.
/// #[hpy_method]
/// fn byte_sum(data: Buffer<'_>) -> u64 {
///     data.with_bytes(|bytes| bytes.iter().map(|&b| u64::from(b)).sum())
/// }
/// ```
pub struct Buffer<'a> {
    data: NonNull<u8>,
    len: usize,
    /// `None`: the argument's object itself holds the bytes (a `bytes`,
    /// immutable). Boxed, so that the common case is three words that move
    /// in registers: a `Py_buffer` is 80 bytes, and a `Buffer` holding one
    /// inline was copied whole each time an argument parser moved it
    /// (CPython 3.14, `xxh64_intdigest` at 16 B: 105 instructions in the
    /// entry, 64 with the export boxed).
    export: Option<Box<Export>>,
    _borrow: PhantomData<&'a [u8]>,
}

/// What keeps the bytes of a [`Buffer`] alive when the argument's object
/// itself does not.
enum Export {
    /// An export of the host's `PyObject_GetBuffer`, released on drop
    /// through the context that made it: memory the exporter lends, which
    /// others may write meanwhile. Moved after the call filled it: no
    /// exporter keeps the view's address (CPython's `PyBuffer_Release`
    /// reads the fields and hands the exporter the address it is given
    /// then).
    View(HPy_buffer, *mut HPyContext),
    /// A copy (hosts that cannot lend the memory): bytes nobody else sees.
    Copy(#[allow(dead_code)] Vec<u8>), // read through `data`
}

/// One element of memory that others may write while it is read: what
/// [`Buffer::as_cells`] is made of.
///
/// Where a `&u8` promises that the byte does not change while it lives, a
/// `&ReadOnlyCell<u8>` promises only that it is there to read: each
/// [`get`](ReadOnlyCell::get) reads the memory once, at that moment (a
/// volatile read), so a byte that Python code wrote in between is seen,
/// and the compiler neither reuses an earlier read nor reads twice for one
/// `get`. Nothing writes through it, and it is not `Sync`: a slice of cells
/// cannot go to another thread or into
/// [`Context::allow_threads`](crate::Context::allow_threads). Code that
/// wants a `&[u8]` gets a copy ([`Buffer::with_bytes`]).
///
/// ```
/// use hpy::{hpy_method, Buffer, HPyResult, Handle};
///
/// /// The first byte, before and after calling `f` (which may change it).
/// #[hpy_method]
/// fn first_around(data: Buffer<'_>, f: &Handle<'_>) -> HPyResult<(u8, u8)> {
///     let cells = data.as_cells();
///     let before = cells.first().map_or(0, |c| c.get());
///     f.call0()?;
///     Ok((before, cells.first().map_or(0, |c| c.get())))
/// }
/// ```
#[repr(transparent)]
pub struct ReadOnlyCell<T>(UnsafeCell<T>);

impl<T: Copy> ReadOnlyCell<T> {
    /// The value now: one volatile read of the memory.
    #[inline(always)]
    pub fn get(&self) -> T {
        // SAFETY: the cell is memory that its buffer keeps alive and in
        // place while this reference lives; the `UnsafeCell` tells the
        // compiler that it may change behind a shared reference, and the
        // volatile read happens once, here.
        unsafe { self.0.get().read_volatile() }
    }
}

impl<T: Copy + core::fmt::Debug> core::fmt::Debug for ReadOnlyCell<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("ReadOnlyCell").field(&self.get()).finish()
    }
}

/// Up to this many bytes, [`Buffer::with_bytes`] copies lent memory to the
/// stack rather than to the heap.
const STACK_COPY: usize = 512;

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
        // Asked first: nothing may run while `memoryview()`'s error is set.
        let own_buffer = obj.get_type().has_attr_s("__buffer__")?;
        let view = match ctx.builtin("memoryview")?.call(&[obj]) {
            Ok(view) => view,
            // An object without the buffer protocol: `PyObject_GetBuffer`'s
            // error, not `memoryview()`'s (which starts with "memoryview: "),
            // so that the message is the same on every host. A type with
            // its own `__buffer__` keeps the error that method raised.
            Err(err) if !own_buffer && ctx.err_matches(crate::Constant::TypeError) => {
                drop(err);
                return Err(HPyErr::type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    obj.type_name()
                )));
            }
            Err(err) => return Err(err),
        };
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

    /// The number of bytes.
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no bytes.
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The bytes in place, if nobody can change them while this buffer
    /// lives: a `bytes` object's (immutable), or a copy the host made (see
    /// the module docs). `None` for memory the exporter lends (a
    /// `bytearray`, a `memoryview`, an `mmap`, … on hosts that lend it),
    /// *whatever the export's read-only flag says*: a read-only view of a
    /// `bytearray` changes with the `bytearray`.
    ///
    /// The slice may be read with the GIL released
    /// ([`Context::allow_threads`](crate::Context::allow_threads)).
    #[inline(always)]
    pub fn frozen(&self) -> Option<&[u8]> {
        match self.export.as_deref() {
            None | Some(Export::Copy(_)) => Some(self.in_place()),
            Some(Export::View(..)) => None,
        }
    }

    /// The bytes in place as cells, for any buffer (see [`ReadOnlyCell`]):
    /// each read gives what the memory holds at that moment.
    #[inline(always)]
    pub fn as_cells(&self) -> &[ReadOnlyCell<u8>] {
        // SAFETY: `data` points to `len` bytes kept alive and in place by
        // the argument's object or by `export` for as long as `self`,
        // non-null and aligned even when empty. `ReadOnlyCell<u8>` is a
        // `u8` in an `UnsafeCell` (`repr(transparent)`), so the slice
        // promises nothing about the bytes staying unchanged, and nothing
        // writes through it.
        unsafe { core::slice::from_raw_parts(self.data.as_ptr().cast(), self.len) }
    }

    /// Calls `f` with the bytes as a `&[u8]` that holds still whatever
    /// Python code runs meanwhile: in place where nobody can change them
    /// ([`frozen`](Buffer::frozen): a `bytes`, a copy the host made), else
    /// a copy of the memory as it is now (on the stack up to 512 bytes,
    /// else on the heap).
    ///
    /// The fast path for code that consumes a whole input (hashes,
    /// parsers, codecs): a `bytes` argument costs no copy, another export
    /// one `memcpy` (and a `malloc` above 512 bytes). `f` may run Python
    /// code, and may read the slice with the GIL released:
    ///
    /// ```
    /// use hpy::{hpy_method, Buffer, Context};
    ///
    /// /// The sum of the bytes, with the GIL released for long inputs.
    /// #[hpy_method]
    /// fn byte_sum(ctx: Context<'_>, data: Buffer<'_>) -> u64 {
    ///     data.with_bytes(|bytes| {
    ///         let sum = || bytes.iter().map(|&b| u64::from(b)).sum();
    ///         if bytes.len() > 1 << 16 { ctx.allow_threads(sum) } else { sum() }
    ///     })
    /// }
    /// ```
    #[inline(always)]
    pub fn with_bytes<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        if self.export.is_none() {
            // A `bytes`: one test on the inlined path.
            return f(self.in_place());
        }
        self.with_export(f)
    }

    /// [`with_bytes`](Buffer::with_bytes) of a copy the host made, or of
    /// lent memory (then `f` gets a copy), out of line.
    #[inline(never)]
    fn with_export<R>(&self, f: impl FnOnce(&[u8]) -> R) -> R {
        if let Some(bytes) = self.frozen() {
            return f(bytes);
        }
        if self.len > STACK_COPY {
            return f(&self.to_vec());
        }
        let mut stack = MaybeUninit::<[u8; STACK_COPY]>::uninit();
        let to = stack.as_mut_ptr().cast::<u8>();
        // SAFETY: `len` bytes fit in `stack` (checked above), which is
        // ours and apart from the buffer's memory; the copy initialises
        // the `len` bytes the slice covers, and `stack` outlives the slice.
        let copy = unsafe {
            self.copy_from(to);
            core::slice::from_raw_parts(to, self.len)
        };
        f(copy)
    }

    /// A copy of the bytes, as they are now.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut copy = Vec::<u8>::with_capacity(self.len);
        // SAFETY: `copy` has room for `len` bytes, apart from the buffer's
        // memory; `copy_from` initialises them before the length is set.
        unsafe {
            self.copy_from(copy.as_mut_ptr());
            copy.set_len(self.len);
        }
        copy
    }

    /// Copies the bytes, as they are now, into `dest`.
    ///
    /// # Panics
    /// If `dest` is not [`len`](Buffer::len) bytes long (as
    /// `<[u8]>::copy_from_slice` panics).
    pub fn copy_to_slice(&self, dest: &mut [u8]) {
        assert!(
            dest.len() == self.len,
            "Buffer::copy_to_slice: the destination holds {} bytes, the buffer {}",
            dest.len(),
            self.len
        );
        // SAFETY: `dest` is `len` writable bytes, apart from the buffer's
        // memory (a `&mut` excludes every other reference to it, and the
        // buffer hands out no `&mut`).
        unsafe { self.copy_from(dest.as_mut_ptr()) }
    }

    /// Copies the `len` bytes at `data` to `to` (a `memcpy`).
    ///
    /// # Safety
    /// `to` is valid for writing `len` bytes and does not overlap the
    /// buffer's memory.
    #[inline(always)]
    unsafe fn copy_from(&self, to: *mut u8) {
        // SAFETY: `data` is readable for `len` bytes while `self` lives
        // (see `as_cells`); `to` is writable for as many and apart (the
        // caller's promise). Lent memory that another interpreter or
        // process writes at this moment is copied as a C extension copies
        // it: each byte is read once, and the copy holds still afterwards.
        unsafe { core::ptr::copy_nonoverlapping(self.data.as_ptr(), to, self.len) }
    }

    /// The bytes as a slice: handed out only where nobody can write them
    /// ([`frozen`](Buffer::frozen)).
    #[inline(always)]
    fn in_place(&self) -> &[u8] {
        // SAFETY: `data` points to `len` bytes kept alive and in place by
        // the argument's object or by `export` for as long as `self`,
        // non-null and aligned even when empty; `frozen` and `with_bytes`
        // call this only for a `bytes` (immutable, `export` is `None`) or
        // the buffer's own copy, which nothing writes while `self` lives.
        unsafe { core::slice::from_raw_parts(self.data.as_ptr(), self.len) }
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
            .field("frozen", &self.frozen().is_some())
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
