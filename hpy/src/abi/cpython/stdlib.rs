//! CPython-ABI fast paths of the conversions to and from standard-library
//! objects (`convert/chrono/`, `num_bigint.rs`, `uuid.rs` …): the
//! `datetime` C API, `int` ↔ bytes without `int.to_bytes`, and building
//! an object without running its `__init__`. The universal ABI has the
//! same names (`universal/stdlib.rs`), each reporting "not available" so
//! that the conversion takes its HPy path.
//!
//! Each fast path is taken for the exact classes only (a subclass may
//! override the attributes or the methods the HPy path reads), so that
//! both paths give the same results.

// Which of these a build uses depends on hpy's conversion features.
#![allow(dead_code)]

use core::ffi::c_int;
use core::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};

use hpy_sys::cpython::_h2py;
use hpy_sys::cpython::_py2h;
use hpy_sys::cpython::ffi::{PyObject, PyTypeObject};
use hpy_sys::cpython::stdlib as sys;
use hpy_sys::cpython::stdlib::PyDateTime_CAPI;

use crate::{Context, HPyErr, HPyResult, Handle};

/// Whether the fast paths of this file exist in this ABI: a constant, so
/// that a conversion skips preparing them in the universal ABI.
pub(crate) const STDLIB_FAST_PATHS: bool = true;

/// The type of `obj`.
#[inline(always)]
fn type_of(obj: &Handle<'_>) -> *mut PyTypeObject {
    // SAFETY: a live object.
    unsafe { hpy_sys::cpython::Py_TYPE(_h2py(obj.as_raw())) }
}

/// A new reference (or NULL with an exception set) as a handle.
#[inline(always)]
fn owned<'ctx>(ctx: Context<'ctx>, obj: *mut PyObject) -> HPyResult<Handle<'ctx>> {
    // SAFETY: a new reference or NULL with an exception set.
    unsafe { ctx.wrap_result(_py2h(obj)) }
}

/// A borrowed reference as a new handle.
#[inline(always)]
fn borrowed<'ctx>(ctx: Context<'ctx>, obj: *mut PyObject) -> Handle<'ctx> {
    // SAFETY: a live object; the new reference is the handle's.
    unsafe {
        hpy_sys::cpython::Py_INCREF(obj);
        Handle::from_raw(ctx, _py2h(obj))
    }
}

/// The capsule import failed (pure-Python `datetime`): don't try again.
const UNAVAILABLE: *mut PyDateTime_CAPI = ptr::dangling_mut();

/// The `datetime` C API of the interpreter, imported at first use from
/// the capsule `datetime.datetime_CAPI` and kept until the next module
/// exec (as [`ObjectCache`](super::ObjectCache) keeps objects).
pub(crate) struct DateTimeApiCache(AtomicPtr<PyDateTime_CAPI>);

impl DateTimeApiCache {
    /// An empty cache, for a `static`.
    pub(crate) const fn new() -> Self {
        DateTimeApiCache(AtomicPtr::new(ptr::null_mut()))
    }

    /// The API; `None` if `datetime` has no C implementation here.
    #[inline]
    pub(crate) fn get(&self, ctx: Context<'_>) -> Option<DateTimeApi> {
        if !super::in_main() {
            // Another interpreter's `datetime`: its own capsule, each time.
            // SAFETY: the GIL is held (a context); a NUL-terminated name.
            let api: *mut PyDateTime_CAPI =
                unsafe { sys::PyCapsule_Import(sys::PyDateTime_CAPSULE_NAME.as_ptr(), 0) }.cast();
            if api.is_null() {
                ctx.err_clear();
                return None;
            }
            // SAFETY: the capsule's struct lives as long as `_datetime` in
            // this interpreter, longer than the call.
            return Some(DateTimeApi(unsafe { &*api }));
        }
        let mut api = self.0.load(Ordering::Acquire);
        if api.is_null() {
            // SAFETY: the GIL is held (a context); a NUL-terminated name.
            api = unsafe { sys::PyCapsule_Import(sys::PyDateTime_CAPSULE_NAME.as_ptr(), 0) }.cast();
            if api.is_null() {
                ctx.err_clear();
                api = UNAVAILABLE;
            }
            self.0.store(api, Ordering::Release);
        }
        // SAFETY: the capsule's struct lives as long as `_datetime` (which
        // is never unloaded) in this interpreter; the cache is emptied at
        // each module exec.
        (api != UNAVAILABLE).then(|| DateTimeApi(unsafe { &*api }))
    }

    /// Empties the cache (at module exec, in the main interpreter).
    pub(crate) fn forget(&self) {
        if super::in_main() {
            self.0.store(ptr::null_mut(), Ordering::Release);
        }
    }
}

/// The `datetime` C API (`PyDateTime_CAPI`).
#[derive(Clone, Copy)]
pub(crate) struct DateTimeApi(&'static PyDateTime_CAPI);

/// An `int` argument of the C API's constructors (all values checked by
/// the constructor: a value that does not fit becomes one that fails).
#[inline(always)]
fn c_int_of(v: i64) -> Option<c_int> {
    c_int::try_from(v).ok()
}

impl DateTimeApi {
    /// `(year, month, day)` of an exact `date` or `datetime`.
    #[inline]
    pub(crate) fn date_fields(self, obj: &Handle<'_>) -> Option<(i32, u32, u32)> {
        let ty = type_of(obj);
        if ty != self.0.DateType && ty != self.0.DateTimeType {
            return None;
        }
        // SAFETY: a date or datetime object, whose struct starts as
        // `PyDateTime_Date`.
        let d = unsafe { &(*_h2py(obj.as_raw()).cast::<sys::PyDateTime_Date>()).data };
        Some((
            i32::from(d[0]) << 8 | i32::from(d[1]),
            u32::from(d[2]),
            u32::from(d[3]),
        ))
    }

    /// `(hour, minute, second, microsecond)` of an exact `time`.
    #[inline]
    pub(crate) fn time_fields(self, obj: &Handle<'_>) -> Option<(u32, u32, u32, u32)> {
        if type_of(obj) != self.0.TimeType {
            return None;
        }
        // SAFETY: a time object (`data` precedes the optional fields).
        let d = unsafe { &(*_h2py(obj.as_raw()).cast::<sys::PyDateTime_Time>()).data };
        let us = u32::from(d[3]) << 16 | u32::from(d[4]) << 8 | u32::from(d[5]);
        Some((u32::from(d[0]), u32::from(d[1]), u32::from(d[2]), us))
    }

    /// The fields of an exact `datetime`: `(year, month, day)`, `(hour,
    /// minute, second, microsecond)` and its `tzinfo` (`None` for a naive
    /// one).
    #[inline]
    #[allow(clippy::type_complexity)]
    pub(crate) fn datetime_fields<'ctx>(
        self,
        obj: &Handle<'ctx>,
    ) -> Option<((i32, u32, u32), (u32, u32, u32, u32), Option<Handle<'ctx>>)> {
        if type_of(obj) != self.0.DateTimeType {
            return None;
        }
        let raw = _h2py(obj.as_raw()).cast::<sys::PyDateTime_DateTime>();
        // SAFETY: a datetime object; `data` precedes the optional fields.
        let (d, aware) = unsafe { (&(*raw).data, (*raw).hastzinfo != 0) };
        let date = (
            i32::from(d[0]) << 8 | i32::from(d[1]),
            u32::from(d[2]),
            u32::from(d[3]),
        );
        let us = u32::from(d[7]) << 16 | u32::from(d[8]) << 8 | u32::from(d[9]);
        let time = (u32::from(d[4]), u32::from(d[5]), u32::from(d[6]), us);
        // SAFETY: an aware datetime has the `tzinfo` field (not None).
        let tz = aware.then(|| borrowed(obj.context(), unsafe { (*raw).tzinfo }));
        Some((date, time, tz))
    }

    /// `(days, seconds, microseconds)` of an exact `timedelta`.
    #[inline]
    pub(crate) fn delta_fields(self, obj: &Handle<'_>) -> Option<(i64, i64, i64)> {
        if type_of(obj) != self.0.DeltaType {
            return None;
        }
        // SAFETY: a timedelta object.
        let d = unsafe { &*_h2py(obj.as_raw()).cast::<sys::PyDateTime_Delta>() };
        Some((d.days.into(), d.seconds.into(), d.microseconds.into()))
    }

    /// Whether `tz` is `timezone.utc` itself.
    #[inline(always)]
    pub(crate) fn is_utc(self, tz: &Handle<'_>) -> bool {
        _h2py(tz.as_raw()) == self.0.TimeZone_UTC
    }

    /// `timezone.utc`.
    #[inline]
    pub(crate) fn utc(self, ctx: Context<'_>) -> Handle<'_> {
        borrowed(ctx, self.0.TimeZone_UTC)
    }

    /// `date(year, month, day)` (its checks and errors).
    #[inline]
    pub(crate) fn new_date(
        self,
        ctx: Context<'_>,
        y: i32,
        m: u32,
        d: u32,
    ) -> HPyResult<Handle<'_>> {
        // SAFETY: the C API's constructor with the GIL held.
        owned(ctx, unsafe {
            (self.0.Date_FromDate)(y, m as c_int, d as c_int, self.0.DateType)
        })
    }

    /// `time(hour, minute, second, microsecond)` (its checks and errors;
    /// the arguments come from a chrono time, all in range).
    #[inline]
    pub(crate) fn new_time(
        self,
        ctx: Context<'_>,
        (h, m, s, us): (u32, u32, u32, u32),
    ) -> HPyResult<Handle<'_>> {
        let none = ctx.none();
        // SAFETY: the C API's constructor with the GIL held.
        owned(ctx, unsafe {
            (self.0.Time_FromTime)(
                h as c_int,
                m as c_int,
                s as c_int,
                us as c_int,
                _h2py(none.as_raw()),
                self.0.TimeType,
            )
        })
    }

    /// `datetime(year, month, day, hour, minute, second, microsecond,
    /// tzinfo)` (its checks and errors; the time fields come from a chrono
    /// time, all in range).
    #[inline]
    pub(crate) fn new_datetime<'ctx>(
        self,
        ctx: Context<'ctx>,
        (y, mo, d): (i32, u32, u32),
        (h, mi, s, us): (u32, u32, u32, u32),
        tz: Option<&Handle<'ctx>>,
    ) -> HPyResult<Handle<'ctx>> {
        let none = ctx.none();
        let tz = _h2py(tz.unwrap_or(&none).as_raw());
        // SAFETY: the C API's constructor with the GIL held; `tz` is live.
        owned(ctx, unsafe {
            (self.0.DateTime_FromDateAndTime)(
                y,
                mo as c_int,
                d as c_int,
                h as c_int,
                mi as c_int,
                s as c_int,
                us as c_int,
                tz,
                self.0.DateTimeType,
            )
        })
    }

    /// `timedelta(days, seconds, microseconds)` (normalised as the
    /// constructor does, with its `OverflowError`); `None` if a value does
    /// not fit a C `int` (let the constructor report it).
    #[inline]
    pub(crate) fn new_delta(
        self,
        ctx: Context<'_>,
        days: i64,
        seconds: i64,
        micros: i64,
    ) -> Option<HPyResult<Handle<'_>>> {
        let (d, s, us) = (c_int_of(days)?, c_int_of(seconds)?, c_int_of(micros)?);
        // SAFETY: the C API's constructor with the GIL held.
        Some(owned(ctx, unsafe {
            (self.0.Delta_FromDelta)(d, s, us, 1, self.0.DeltaType)
        }))
    }

    /// `timezone(offset)` for a `timedelta` (its range check).
    #[inline]
    pub(crate) fn new_timezone<'ctx>(
        self,
        ctx: Context<'ctx>,
        offset: &Handle<'ctx>,
    ) -> HPyResult<Handle<'ctx>> {
        // SAFETY: the C API's constructor with the GIL held; no name.
        owned(ctx, unsafe {
            (self.0.TimeZone_FromTimeZone)(_h2py(offset.as_raw()), ptr::null_mut())
        })
    }
}

/// The value of the `int` `int`: `Ok(i64)` if it fits, else `Err` of its
/// sign (`true`: negative) and magnitude (little-endian 32-bit words, no
/// leading zero word).
#[allow(clippy::type_complexity)]
pub(crate) fn int_to_magnitude(
    int: &Handle<'_>,
) -> Option<HPyResult<Result<i64, (bool, Vec<u32>)>>> {
    let (mut small, mut words) = (0, Vec::new());
    // SAFETY: a live int, the GIL held.
    let sign = unsafe { sys::long_to_magnitude(_h2py(int.as_raw()), &mut small, &mut words) };
    Some(match sign {
        2 => Ok(Ok(small)),
        0 | 1 => Ok(Err((sign == 1, words))),
        _ => Err(HPyErr::raised(int.context())),
    })
}

/// A new `int` from its sign (`true`: negative) and magnitude
/// (little-endian 32-bit words, `bits` its bit length).
pub(crate) fn int_from_magnitude<'ctx>(
    ctx: Context<'ctx>,
    negative: bool,
    words: impl Iterator<Item = u32>,
    bits: u64,
) -> Option<HPyResult<Handle<'ctx>>> {
    // SAFETY: the GIL is held.
    Some(owned(ctx, unsafe {
        sys::long_from_magnitude(negative, words, bits)
    }))
}

/// The `int` `int` as `N` little-endian two's-complement bytes
/// (`OverflowError` if it does not fit).
pub(crate) fn int_to_le_array<const N: usize>(int: &Handle<'_>) -> Option<HPyResult<[u8; N]>> {
    let mut buf = [0u8; N];
    // SAFETY: a live int and a buffer of `N` bytes.
    if unsafe { sys::long_to_le_bytes(_h2py(int.as_raw()), buf.as_mut_ptr(), N) } < 0 {
        return Some(Err(HPyErr::raised(int.context())));
    }
    Some(Ok(buf))
}

/// A new `int` from little-endian bytes, two's complement if `signed`.
pub(crate) fn int_from_le_bytes<'ctx>(
    ctx: Context<'ctx>,
    bytes: &[u8],
    signed: bool,
) -> Option<HPyResult<Handle<'ctx>>> {
    // SAFETY: a valid buffer of `bytes.len()` bytes, the GIL held.
    Some(owned(ctx, unsafe {
        sys::long_from_le_bytes(bytes.as_ptr(), bytes.len(), signed)
    }))
}

/// `descr.__get__(obj)` for a data descriptor of `obj`'s class (a slot's
/// member descriptor), without the attribute lookup.
pub(crate) fn descriptor_get<'ctx>(
    descr: &Handle<'_>,
    obj: &Handle<'ctx>,
) -> Option<HPyResult<Handle<'ctx>>> {
    let d = _h2py(descr.as_raw());
    // SAFETY: a live object; its type's slot is a `descrgetfunc` or NULL.
    let get = unsafe { (*hpy_sys::cpython::Py_TYPE(d)).tp_descr_get };
    if get.is_null() {
        return None;
    }
    type DescrGet =
        unsafe extern "C" fn(*mut PyObject, *mut PyObject, *mut PyObject) -> *mut PyObject;
    // SAFETY: `tp_descr_get` has this signature.
    let get: DescrGet = unsafe { core::mem::transmute(get) };
    let o = _h2py(obj.as_raw());
    // SAFETY: live objects, the GIL held.
    Some(owned(obj.context(), unsafe {
        get(d, o, hpy_sys::cpython::Py_TYPE(o).cast())
    }))
}

/// `cls.__new__(cls)` and then, for each `(descriptor, value)`,
/// `descriptor.__set__(obj, value)` (as `object.__setattr__` does for a
/// slot): an instance built without its `__init__`, as `copy`/`pickle`
/// rebuild one. `None` if a descriptor has no `__set__`.
pub(crate) fn new_with_slots<'ctx>(
    cls: &Handle<'ctx>,
    slots: &[(&Handle<'_>, &Handle<'_>)],
) -> Option<HPyResult<Handle<'ctx>>> {
    type DescrSet = unsafe extern "C" fn(*mut PyObject, *mut PyObject, *mut PyObject) -> c_int;
    let ctx = cls.context();
    let ty: *mut PyTypeObject = _h2py(cls.as_raw()).cast();
    let mut setters = [None::<DescrSet>; 4];
    if slots.len() > setters.len() {
        return None;
    }
    for (setter, (descr, _)) in setters.iter_mut().zip(slots) {
        // SAFETY: a live object; its type's slot is a `descrsetfunc` or NULL.
        let set = unsafe { (*hpy_sys::cpython::Py_TYPE(_h2py(descr.as_raw()))).tp_descr_set };
        if set.is_null() {
            return None;
        }
        // SAFETY: `tp_descr_set` has this signature.
        *setter = Some(unsafe { core::mem::transmute::<*mut core::ffi::c_void, DescrSet>(set) });
    }
    // SAFETY: a class object (the caller's), its `tp_new`, the GIL held.
    let new = unsafe { (*ty).tp_new }?;
    // SAFETY: the empty tuple (a new reference), the GIL held.
    let args = unsafe { hpy_sys::cpython::ffi::PyTuple_New(0) };
    if args.is_null() {
        return Some(Err(HPyErr::raised(ctx)));
    }
    // SAFETY: `tp_new(cls, (), NULL)` with the GIL held; then the empty
    // tuple's reference is dropped.
    let obj = unsafe {
        let obj = new(ty, args, ptr::null_mut());
        hpy_sys::cpython::Py_DECREF(args);
        obj
    };
    let obj = match owned(ctx, obj) {
        Ok(obj) => obj,
        Err(e) => return Some(Err(e)),
    };
    for (set, (descr, value)) in setters.iter().zip(slots) {
        let set = set.expect("a setter per slot");
        // SAFETY: live objects, the GIL held; -1 comes with an exception.
        let r = unsafe {
            set(
                _h2py(descr.as_raw()),
                _h2py(obj.as_raw()),
                _h2py(value.as_raw()),
            )
        };
        if r < 0 {
            return Some(Err(HPyErr::raised(ctx)));
        }
    }
    Some(Ok(obj))
}
