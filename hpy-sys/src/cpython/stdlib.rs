//! CPython-ABI declarations that `hpy`'s conversions use as fast paths
//! around the HPy API: the `datetime` C API (the `datetime.datetime_CAPI`
//! capsule and the object structs its field macros read, from
//! `datetime.h`) and the conversion of `int`s to and from byte arrays
//! (`PyLong_AsNativeBytes`/`PyLong_FromNativeBytes` on 3.13+, the
//! `_PyLong_AsByteArray`/`_PyLong_FromByteArray` pair before, whose
//! signatures are stable on 3.11 and 3.12). The layouts are checked against
//! the headers by `tests/layout.rs`.

use core::ffi::{c_char, c_int, c_uchar, c_void};

use super::ffi::{PyObject, PyTypeObject};
use crate::HPy_ssize_t;

/// `Py_hash_t`.
type PyHash = HPy_ssize_t;

/// `PyDateTime_Date` (`datetime.h`): the head every date/time object
/// shares, then the date's four data bytes.
#[repr(C)]
pub struct PyDateTime_Date {
    /// `PyObject_HEAD`.
    pub ob_base: PyObject,
    /// `hashcode`.
    pub hashcode: PyHash,
    /// `hastzinfo` (always 0 for a date).
    pub hastzinfo: c_char,
    /// Year (big-endian, two bytes), month, day.
    pub data: [c_uchar; 4],
}

/// `PyDateTime_DateTime` (`datetime.h`); `fold` and `tzinfo` exist only
/// when `hastzinfo` is set (a naive one is the shorter
/// `_PyDateTime_BaseDateTime`: read them only then).
#[repr(C)]
pub struct PyDateTime_DateTime {
    /// `PyObject_HEAD`.
    pub ob_base: PyObject,
    /// `hashcode`.
    pub hashcode: PyHash,
    /// `hastzinfo`.
    pub hastzinfo: c_char,
    /// Year (two bytes), month, day, hour, minute, second, microsecond
    /// (three bytes), all big-endian.
    pub data: [c_uchar; 10],
    /// `fold`.
    pub fold: c_uchar,
    /// `tzinfo` (when `hastzinfo`).
    pub tzinfo: *mut PyObject,
}

/// `PyDateTime_Time` (`datetime.h`); `fold` and `tzinfo` as for
/// [`PyDateTime_DateTime`].
#[repr(C)]
pub struct PyDateTime_Time {
    /// `PyObject_HEAD`.
    pub ob_base: PyObject,
    /// `hashcode`.
    pub hashcode: PyHash,
    /// `hastzinfo`.
    pub hastzinfo: c_char,
    /// Hour, minute, second, microsecond (three bytes, big-endian).
    pub data: [c_uchar; 6],
    /// `fold`.
    pub fold: c_uchar,
    /// `tzinfo` (when `hastzinfo`).
    pub tzinfo: *mut PyObject,
}

/// `PyDateTime_Delta` (`datetime.h`), normalised by CPython:
/// `0 <= seconds < 86400`, `0 <= microseconds < 10**6`.
#[repr(C)]
pub struct PyDateTime_Delta {
    /// `PyObject_HEAD`.
    pub ob_base: PyObject,
    /// `hashcode`.
    pub hashcode: PyHash,
    /// `days`.
    pub days: c_int,
    /// `seconds`.
    pub seconds: c_int,
    /// `microseconds`.
    pub microseconds: c_int,
}

/// `PyDateTime_CAPI` (`datetime.h`, the same from 3.11 to 3.15): what the
/// capsule `datetime.datetime_CAPI` points to.
#[repr(C)]
pub struct PyDateTime_CAPI {
    /// `datetime.date`.
    pub DateType: *mut PyTypeObject,
    /// `datetime.datetime`.
    pub DateTimeType: *mut PyTypeObject,
    /// `datetime.time`.
    pub TimeType: *mut PyTypeObject,
    /// `datetime.timedelta`.
    pub DeltaType: *mut PyTypeObject,
    /// `datetime.tzinfo`.
    pub TZInfoType: *mut PyTypeObject,
    /// `datetime.timezone.utc`.
    pub TimeZone_UTC: *mut PyObject,
    /// `Date_FromDate(year, month, day, type)`.
    pub Date_FromDate:
        unsafe extern "C" fn(c_int, c_int, c_int, *mut PyTypeObject) -> *mut PyObject,
    /// `DateTime_FromDateAndTime(year, month, day, hour, minute, second,
    /// usecond, tzinfo, type)`.
    pub DateTime_FromDateAndTime: unsafe extern "C" fn(
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        *mut PyObject,
        *mut PyTypeObject,
    ) -> *mut PyObject,
    /// `Time_FromTime(hour, minute, second, usecond, tzinfo, type)`.
    pub Time_FromTime: unsafe extern "C" fn(
        c_int,
        c_int,
        c_int,
        c_int,
        *mut PyObject,
        *mut PyTypeObject,
    ) -> *mut PyObject,
    /// `Delta_FromDelta(days, seconds, microseconds, normalize, type)`.
    pub Delta_FromDelta:
        unsafe extern "C" fn(c_int, c_int, c_int, c_int, *mut PyTypeObject) -> *mut PyObject,
    /// `TimeZone_FromTimeZone(offset, name)` (`name` may be NULL).
    pub TimeZone_FromTimeZone: unsafe extern "C" fn(*mut PyObject, *mut PyObject) -> *mut PyObject,
    /// `DateTime_FromTimestamp` (not used by hpy-rs).
    pub DateTime_FromTimestamp: *mut c_void,
    /// `Date_FromTimestamp` (not used by hpy-rs).
    pub Date_FromTimestamp: *mut c_void,
    /// `DateTime_FromDateAndTimeAndFold` (not used by hpy-rs).
    pub DateTime_FromDateAndTimeAndFold: *mut c_void,
    /// `Time_FromTimeAndFold` (not used by hpy-rs).
    pub Time_FromTimeAndFold: *mut c_void,
}

/// The capsule's name, for `PyCapsule_Import`.
pub const PyDateTime_CAPSULE_NAME: &core::ffi::CStr = c"datetime.datetime_CAPI";

extern "C" {
    /// `PyCapsule_Import(name, no_block)`.
    pub fn PyCapsule_Import(name: *const c_char, no_block: c_int) -> *mut c_void;
    /// `PyObject_GenericSetAttr` (`object.__setattr__`).
    pub fn PyObject_GenericSetAttr(
        obj: *mut PyObject,
        name: *mut PyObject,
        value: *mut PyObject,
    ) -> c_int;
}

#[cfg(Py_3_13)]
extern "C" {
    fn PyLong_AsNativeBytes(
        v: *mut PyObject,
        buffer: *mut c_void,
        n_bytes: HPy_ssize_t,
        flags: c_int,
    ) -> HPy_ssize_t;
    fn PyLong_FromNativeBytes(buffer: *const c_void, n_bytes: usize, flags: c_int)
        -> *mut PyObject;
    fn PyLong_FromUnsignedNativeBytes(
        buffer: *const c_void,
        n_bytes: usize,
        flags: c_int,
    ) -> *mut PyObject;
}

#[cfg(not(Py_3_13))]
extern "C" {
    fn _PyLong_NumBits(v: *mut PyObject) -> usize;
    fn _PyLong_AsByteArray(
        v: *mut PyObject,
        bytes: *mut c_uchar,
        n: usize,
        little_endian: c_int,
        is_signed: c_int,
    ) -> c_int;
    fn _PyLong_FromByteArray(
        bytes: *const c_uchar,
        n: usize,
        little_endian: c_int,
        is_signed: c_int,
    ) -> *mut PyObject;
}

/// `Py_ASNATIVEBYTES_LITTLE_ENDIAN`.
#[cfg(Py_3_13)]
const LITTLE_ENDIAN: c_int = 1;

/// The bytes needed for `v`'s little-endian two's complement (sign bit
/// included), or -1 with an exception set.
///
/// # Safety
/// `v` is a live exact or sub-classed `int`; the GIL is held.
pub unsafe fn long_signed_size(v: *mut PyObject) -> HPy_ssize_t {
    // SAFETY: per the contract; a null buffer of size 0 asks for the size.
    #[cfg(Py_3_13)]
    unsafe {
        PyLong_AsNativeBytes(v, core::ptr::null_mut(), 0, LITTLE_ENDIAN)
    }
    // SAFETY: per the contract (a normalised int: any `int` object).
    #[cfg(not(Py_3_13))]
    unsafe {
        let bits = _PyLong_NumBits(v);
        if bits == usize::MAX {
            return -1;
        }
        (bits / 8 + 1) as HPy_ssize_t
    }
}

/// Writes `v` into `buf` as little-endian two's complement: 0, or -1 with
/// an exception set (`OverflowError` when it does not fit).
///
/// # Safety
/// `v` is a live `int`; `buf` is valid for `len` bytes; the GIL is held.
pub unsafe fn long_to_le_bytes(v: *mut PyObject, buf: *mut u8, len: usize) -> c_int {
    #[cfg(Py_3_13)]
    {
        // SAFETY: per the contract.
        let needed =
            unsafe { PyLong_AsNativeBytes(v, buf.cast(), len as HPy_ssize_t, LITTLE_ENDIAN) };
        if needed < 0 {
            return -1;
        }
        if needed as usize > len {
            // SAFETY: the GIL is held (contract); a static message.
            unsafe {
                super::ffi::PyErr_SetString(
                    super::ffi::PyExc_OverflowError,
                    c"int too big to convert".as_ptr(),
                )
            };
            return -1;
        }
        0
    }
    // SAFETY: per the contract.
    #[cfg(not(Py_3_13))]
    unsafe {
        _PyLong_AsByteArray(v, buf, len, 1, 1)
    }
}

/// A new `int` from little-endian two's complement (`signed`) or unsigned
/// bytes; NULL with an exception set on failure.
///
/// # Safety
/// `buf` is valid for `len` bytes; the GIL is held.
pub unsafe fn long_from_le_bytes(buf: *const u8, len: usize, signed: bool) -> *mut PyObject {
    // SAFETY: per the contract.
    #[cfg(Py_3_13)]
    unsafe {
        if signed {
            PyLong_FromNativeBytes(buf.cast(), len, LITTLE_ENDIAN)
        } else {
            PyLong_FromUnsignedNativeBytes(buf.cast(), len, LITTLE_ENDIAN)
        }
    }
    // SAFETY: per the contract.
    #[cfg(not(Py_3_13))]
    unsafe {
        _PyLong_FromByteArray(buf, len, 1, c_int::from(signed))
    }
}

/// `PyLongLayout` (3.14+): how CPython stores an `int`'s digits.
#[cfg(Py_3_14)]
#[repr(C)]
pub struct PyLongLayout {
    /// `bits_per_digit`.
    pub bits_per_digit: u8,
    /// `digit_size` (bytes).
    pub digit_size: u8,
    /// `digits_order` (-1: least significant first).
    pub digits_order: i8,
    /// `digit_endianness` (-1: little-endian).
    pub digit_endianness: i8,
}

/// `PyLongExport` (3.14+).
#[cfg(Py_3_14)]
#[repr(C)]
pub struct PyLongExport {
    /// `value` (when `digits` is NULL).
    pub value: i64,
    /// `negative`.
    pub negative: u8,
    /// `ndigits`.
    pub ndigits: HPy_ssize_t,
    /// `digits` (NULL when `value` holds the int).
    pub digits: *const c_void,
    /// `_reserved`.
    pub _reserved: usize,
}

#[cfg(Py_3_14)]
extern "C" {
    fn PyLong_GetNativeLayout() -> *const PyLongLayout;
    fn PyLong_Export(obj: *mut PyObject, export_long: *mut PyLongExport) -> c_int;
    fn PyLong_FreeExport(export_long: *mut PyLongExport);
    fn PyLongWriter_Create(
        negative: c_int,
        ndigits: HPy_ssize_t,
        digits: *mut *mut c_void,
    ) -> *mut c_void;
    fn PyLongWriter_Finish(writer: *mut c_void) -> *mut PyObject;
}

/// The native layout if hpy-sys can read and write its digits directly
/// (least significant first, 2- or 4-byte digits of at most 30 bits).
#[cfg(Py_3_14)]
fn digit_layout() -> Option<(u32, u8)> {
    // SAFETY: a pointer to a static struct of the interpreter.
    let layout = unsafe { &*PyLong_GetNativeLayout() };
    let native_endian = if cfg!(target_endian = "little") {
        -1
    } else {
        1
    };
    (layout.digits_order == -1
        && layout.digit_endianness == native_endian
        && matches!(
            (layout.digit_size, layout.bits_per_digit),
            (4, 1..=30) | (2, 1..=15)
        ))
    .then_some((u32::from(layout.bits_per_digit), layout.digit_size))
}

/// Reads an `int`: 2 if it fits an `i64`, then stored in `small`;
/// otherwise appends its magnitude to `out` as little-endian 32-bit words
/// (no leading zero word) and gives its sign: 1 if negative, 0 if not; -1
/// with an exception set on failure. 3.14+ copies CPython's digits
/// (`PyLong_Export`), earlier versions go through its bytes.
///
/// # Safety
/// `v` is a live `int` (exact or subclass); the GIL is held.
pub unsafe fn long_to_magnitude(v: *mut PyObject, small: &mut i64, out: &mut Vec<u32>) -> c_int {
    #[cfg(Py_3_14)]
    if let Some((bits, size)) = digit_layout() {
        let mut export = core::mem::MaybeUninit::<PyLongExport>::uninit();
        // SAFETY: a live int; `export` is written by the call when it succeeds.
        if unsafe { PyLong_Export(v, export.as_mut_ptr()) } < 0 {
            return -1;
        }
        // SAFETY: initialised by the successful call.
        let mut export = unsafe { export.assume_init() };
        if export.digits.is_null() {
            *small = export.value;
            return 2;
        }
        let negative = export.negative != 0;
        {
            let n = export.ndigits as usize;
            let start = out.len();
            out.resize(start + (n * bits as usize).div_ceil(32) + 1, 0);
            let dst = &mut out[start..];
            if size == 4 {
                // SAFETY: `ndigits` digits of 4 bytes (the layout).
                let digits = unsafe { core::slice::from_raw_parts(export.digits.cast::<u32>(), n) };
                pack_digits(digits.iter().map(|&d| u64::from(d)), bits, dst);
            } else {
                // SAFETY: `ndigits` digits of 2 bytes (the layout).
                let digits = unsafe { core::slice::from_raw_parts(export.digits.cast::<u16>(), n) };
                pack_digits(digits.iter().map(|&d| u64::from(d)), bits, dst);
            }
            // SAFETY: the export made above, released once.
            unsafe { PyLong_FreeExport(&mut export) };
        }
        while out.last() == Some(&0) {
            out.pop();
        }
        return c_int::from(negative);
    }
    // SAFETY: per the contract.
    let len = unsafe { long_signed_size(v) };
    if len < 0 {
        return -1;
    }
    if len <= 8 {
        let mut buf = [0u8; 8];
        // SAFETY: a live int and a buffer of 8 bytes (sign-extended).
        if unsafe { long_to_le_bytes(v, buf.as_mut_ptr(), 8) } < 0 {
            return -1;
        }
        *small = i64::from_le_bytes(buf);
        return 2;
    }
    let len = (len as usize).div_ceil(4) * 4;
    let mut bytes = std::vec![0u8; len];
    // SAFETY: a live int and a buffer of `len` bytes.
    if unsafe { long_to_le_bytes(v, bytes.as_mut_ptr(), len) } < 0 {
        return -1;
    }
    let start = out.len();
    out.extend(
        bytes
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
    );
    let negative = bytes.last().is_some_and(|b| b & 0x80 != 0);
    if negative {
        negate_words(&mut out[start..]);
    }
    while out.len() > start && out.last() == Some(&0) {
        out.pop();
    }
    c_int::from(negative)
}

/// Packs `bits`-bit digits (least significant first) into 32-bit words;
/// `dst` has room for all of them.
#[cfg(Py_3_14)]
#[inline(always)]
fn pack_digits(digits: impl Iterator<Item = u64>, bits: u32, dst: &mut [u32]) {
    let (mut acc, mut held, mut j) = (0u64, 0u32, 0usize);
    for d in digits {
        acc |= d << held;
        held += bits;
        if held >= 32 {
            dst[j] = acc as u32;
            j += 1;
            acc >>= 32;
            held -= 32;
        }
    }
    dst[j] = acc as u32;
}

/// Unpacks 32-bit words into `bits`-bit digits (least significant first),
/// filling `dst` (missing words are zeros).
#[cfg(Py_3_14)]
#[inline(always)]
fn unpack_words<T>(
    mut words: impl Iterator<Item = u32>,
    bits: u32,
    dst: &mut [T],
    cast: impl Fn(u64) -> T,
) {
    let mask = (1u64 << bits) - 1;
    let (mut acc, mut held) = (0u64, 0u32);
    for d in dst {
        if held < bits {
            acc |= u64::from(words.next().unwrap_or(0)) << held;
            held += 32;
        }
        *d = cast(acc & mask);
        acc >>= bits;
        held -= bits;
    }
}

/// Two's complement of little-endian words, in place.
fn negate_words(words: &mut [u32]) {
    let mut carry = true;
    for w in words {
        let (v, c) = (!*w).overflowing_add(u32::from(carry));
        *w = v;
        carry = c;
    }
}

/// A new `int` of the given sign and magnitude (little-endian 32-bit
/// words, `bits` the magnitude's bit length); NULL with an exception set
/// on failure. 3.14+ writes CPython's
/// digits (`PyLongWriter`), earlier versions go through bytes.
///
/// # Safety
/// The GIL is held.
pub unsafe fn long_from_magnitude(
    negative: bool,
    words: impl Iterator<Item = u32>,
    total: u64,
) -> *mut PyObject {
    #[cfg(Py_3_14)]
    if let Some((bits, size)) = digit_layout() {
        let ndigits = total.div_ceil(u64::from(bits)).max(1) as usize;
        let mut digits = core::ptr::null_mut::<c_void>();
        // SAFETY: GIL held; on success `digits` has `ndigits` digits.
        let writer = unsafe {
            PyLongWriter_Create(c_int::from(negative), ndigits as HPy_ssize_t, &mut digits)
        };
        if writer.is_null() {
            return core::ptr::null_mut();
        }
        if size == 4 {
            // SAFETY: the writer's `ndigits` digits of 4 bytes.
            let dst = unsafe { core::slice::from_raw_parts_mut(digits.cast::<u32>(), ndigits) };
            unpack_words(words, bits, dst, |d| d as u32);
        } else {
            // SAFETY: the writer's `ndigits` digits of 2 bytes.
            let dst = unsafe { core::slice::from_raw_parts_mut(digits.cast::<u16>(), ndigits) };
            unpack_words(words, bits, dst, |d| d as u16);
        }
        // SAFETY: every digit written.
        return unsafe { PyLongWriter_Finish(writer) };
    }
    let _ = total; // the bytes carry their length
    let mut twos: Vec<u32> = words.collect();
    twos.push(0);
    if negative {
        negate_words(&mut twos);
    }
    let bytes: std::vec::Vec<u8> = twos.iter().flat_map(|w| w.to_le_bytes()).collect();
    // SAFETY: a buffer of `bytes.len()` bytes, the GIL held.
    unsafe { long_from_le_bytes(bytes.as_ptr(), bytes.len(), true) }
}
