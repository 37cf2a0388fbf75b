//! The helpers of `hpy/inline_helpers.h`, written on top of the API functions
//! (so they are the same code in both ABIs). The variadic `HPyTuple_Pack` is
//! not provided: use `HPyTuple_FromArray`.

use core::ffi::{c_char, c_int, c_long, c_longlong, c_ulong, c_ulonglong};

use crate::*;

const LONG_IS_32_BITS: bool = core::mem::size_of::<c_long>() == 4;

/// HPy inline helper `HPyErr_SetFromErrno`: raises `h_type` from `errno`; returns `HPy_NULL`.
#[inline]
pub unsafe fn HPyErr_SetFromErrno(ctx: *mut HPyContext, h_type: HPy) -> HPy {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPyErr_SetFromErrnoWithFilenameObjects(ctx, h_type, HPy_NULL, HPy_NULL) }
}

/// HPy inline helper `HPyErr_SetFromErrnoWithFilenameObject`; returns `HPy_NULL`.
#[inline]
pub unsafe fn HPyErr_SetFromErrnoWithFilenameObject(
    ctx: *mut HPyContext,
    h_type: HPy,
    filename: HPy,
) -> HPy {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPyErr_SetFromErrnoWithFilenameObjects(ctx, h_type, filename, HPy_NULL) }
}

/// HPy inline helper `HPy_DelAttr`.
#[inline]
pub unsafe fn HPy_DelAttr(ctx: *mut HPyContext, obj: HPy, name: HPy) -> c_int {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPy_SetAttr(ctx, obj, name, HPy_NULL) }
}

/// HPy inline helper `HPy_DelAttr_s`.
#[inline]
pub unsafe fn HPy_DelAttr_s(ctx: *mut HPyContext, obj: HPy, utf8_name: *const c_char) -> c_int {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPy_SetAttr_s(ctx, obj, utf8_name, HPy_NULL) }
}

/// HPy inline helper `HPyLong_FromLong`.
#[inline]
#[allow(clippy::useless_conversion)] // `c_long` is `i32` on Windows
pub unsafe fn HPyLong_FromLong(ctx: *mut HPyContext, l: c_long) -> HPy {
    // SAFETY: forwarded under the caller's contract.
    unsafe {
        if LONG_IS_32_BITS {
            HPyLong_FromInt32_t(ctx, l as i32)
        } else {
            HPyLong_FromInt64_t(ctx, i64::from(l))
        }
    }
}

/// HPy inline helper `HPyLong_FromUnsignedLong`.
#[inline]
#[allow(clippy::useless_conversion)] // `c_ulong` is `u32` on Windows
pub unsafe fn HPyLong_FromUnsignedLong(ctx: *mut HPyContext, l: c_ulong) -> HPy {
    // SAFETY: forwarded under the caller's contract.
    unsafe {
        if LONG_IS_32_BITS {
            HPyLong_FromUInt32_t(ctx, l as u32)
        } else {
            HPyLong_FromUInt64_t(ctx, u64::from(l))
        }
    }
}

/// HPy inline helper `HPyLong_FromLongLong`.
#[inline]
pub unsafe fn HPyLong_FromLongLong(ctx: *mut HPyContext, l: c_longlong) -> HPy {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPyLong_FromInt64_t(ctx, l) }
}

/// HPy inline helper `HPyLong_FromUnsignedLongLong`.
#[inline]
pub unsafe fn HPyLong_FromUnsignedLongLong(ctx: *mut HPyContext, l: c_ulonglong) -> HPy {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPyLong_FromUInt64_t(ctx, l) }
}

/// HPy inline helper `HPyLong_AsLong` (-1 with an exception set on error).
#[inline]
pub unsafe fn HPyLong_AsLong(ctx: *mut HPyContext, h: HPy) -> c_long {
    // SAFETY: forwarded under the caller's contract.
    unsafe {
        if LONG_IS_32_BITS {
            HPyLong_AsInt32_t(ctx, h) as c_long
        } else {
            HPyLong_AsInt64_t(ctx, h) as c_long
        }
    }
}

/// HPy inline helper `HPyLong_AsUnsignedLong`.
#[inline]
pub unsafe fn HPyLong_AsUnsignedLong(ctx: *mut HPyContext, h: HPy) -> c_ulong {
    // SAFETY: forwarded under the caller's contract.
    unsafe {
        if LONG_IS_32_BITS {
            HPyLong_AsUInt32_t(ctx, h) as c_ulong
        } else {
            HPyLong_AsUInt64_t(ctx, h) as c_ulong
        }
    }
}

/// HPy inline helper `HPyLong_AsUnsignedLongMask`.
#[inline]
pub unsafe fn HPyLong_AsUnsignedLongMask(ctx: *mut HPyContext, h: HPy) -> c_ulong {
    // SAFETY: forwarded under the caller's contract.
    unsafe {
        if LONG_IS_32_BITS {
            HPyLong_AsUInt32_tMask(ctx, h) as c_ulong
        } else {
            HPyLong_AsUInt64_tMask(ctx, h) as c_ulong
        }
    }
}

/// HPy inline helper `HPyLong_AsLongLong`.
#[inline]
pub unsafe fn HPyLong_AsLongLong(ctx: *mut HPyContext, h: HPy) -> c_longlong {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPyLong_AsInt64_t(ctx, h) as c_longlong }
}

/// HPy inline helper `HPyLong_AsUnsignedLongLong`.
#[inline]
pub unsafe fn HPyLong_AsUnsignedLongLong(ctx: *mut HPyContext, h: HPy) -> c_ulonglong {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPyLong_AsUInt64_t(ctx, h) as c_ulonglong }
}

/// HPy inline helper `HPyLong_AsUnsignedLongLongMask`.
#[inline]
pub unsafe fn HPyLong_AsUnsignedLongLongMask(ctx: *mut HPyContext, h: HPy) -> c_ulonglong {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPyLong_AsUInt64_tMask(ctx, h) as c_ulonglong }
}

/// HPy inline helper `HPyBool_FromLong`: `True` for any non-zero `v`.
#[inline]
pub unsafe fn HPyBool_FromLong(ctx: *mut HPyContext, v: c_long) -> HPy {
    // SAFETY: forwarded under the caller's contract.
    unsafe { HPyBool_FromBool(ctx, v != 0) }
}

/// HPy inline helper `HPySlice_AdjustIndices`: clamps `*start`/`*stop` (as
/// produced by `HPySlice_Unpack`) to a sequence of `length` items and returns
/// the slice length. `step` must not be 0; `ctx` is not used.
#[inline]
pub unsafe fn HPySlice_AdjustIndices(
    _ctx: *mut HPyContext,
    length: HPy_ssize_t,
    start: *mut HPy_ssize_t,
    stop: *mut HPy_ssize_t,
    step: HPy_ssize_t,
) -> HPy_ssize_t {
    debug_assert!(step != 0);
    let clamp = |i: HPy_ssize_t| -> HPy_ssize_t {
        if i < 0 {
            let j = i + length;
            if j < 0 {
                if step < 0 {
                    -1
                } else {
                    0
                }
            } else {
                j
            }
        } else if i >= length {
            if step < 0 {
                length - 1
            } else {
                length
            }
        } else {
            i
        }
    };
    // SAFETY: `start` and `stop` point to valid, writable integers (contract).
    let (b, e) = unsafe {
        *start = clamp(*start);
        *stop = clamp(*stop);
        (*start, *stop)
    };
    if step < 0 {
        if e < b {
            return (b - e - 1) / (-step) + 1;
        }
    } else if b < e {
        return (e - b - 1) / step + 1;
    }
    0
}

/// HPy inline helper `HPy_CallMethodTupleDict_s`: `receiver.<utf8_name>(*args, **kw)`.
#[inline]
pub unsafe fn HPy_CallMethodTupleDict_s(
    ctx: *mut HPyContext,
    utf8_name: *const c_char,
    receiver: HPy,
    args: HPy,
    kw: HPy,
) -> HPy {
    // SAFETY: forwarded under the caller's contract; `method` is owned here.
    unsafe {
        let method = HPy_GetAttr_s(ctx, receiver, utf8_name);
        if HPy_IsNull(method) {
            return HPy_NULL;
        }
        let result = HPy_CallTupleDict(ctx, method, args, kw);
        HPy_Close(ctx, method);
        result
    }
}

/// HPy inline helper `HPy_CallMethodTupleDict`: `getattr(receiver, name)(*args, **kw)`.
#[inline]
pub unsafe fn HPy_CallMethodTupleDict(
    ctx: *mut HPyContext,
    name: HPy,
    receiver: HPy,
    args: HPy,
    kw: HPy,
) -> HPy {
    // SAFETY: forwarded under the caller's contract; `method` is owned here.
    unsafe {
        let method = HPy_GetAttr(ctx, receiver, name);
        if HPy_IsNull(method) {
            return HPy_NULL;
        }
        let result = HPy_CallTupleDict(ctx, method, args, kw);
        HPy_Close(ctx, method);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adjust(
        length: isize,
        mut start: isize,
        mut stop: isize,
        step: isize,
    ) -> (isize, isize, isize) {
        // SAFETY: local integers; `ctx` is unused by this helper.
        let n = unsafe {
            HPySlice_AdjustIndices(core::ptr::null_mut(), length, &mut start, &mut stop, step)
        };
        (n, start, stop)
    }

    #[test]
    fn slice_adjust_indices() {
        assert_eq!(adjust(10, 0, 10, 1), (10, 0, 10));
        assert_eq!(adjust(10, -3, isize::MAX, 1), (3, 7, 10));
        assert_eq!(adjust(10, 9, -11, -1), (10, 9, -1));
        assert_eq!(adjust(10, 0, 10, 3), (4, 0, 10));
        assert_eq!(adjust(5, 7, 9, 1), (0, 5, 5));
    }
}
