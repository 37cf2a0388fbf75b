//! The Python classes the conversions of `std` and optional-crate types
//! build and check (`datetime.datetime`, `decimal.Decimal`, `uuid.UUID` …),
//! imported at first use and kept: in an `abi::ObjectCache` each, emptied
//! at each module exec like the `collections.abc` classes. The CPython ABI
//! keeps the object in a static; HPy's universal ABI can keep one between
//! calls only in an `HPyGlobal` the module definition lists, so every
//! module `hpy_module!` makes lists one per class (`impl_::SDK_GLOBALS`,
//! through [`CLASS_GLOBALS`]), and a class is one `HPyGlobal_Load` after
//! its first import.
//!
//! The CPython ABI also keeps the `datetime` C API here
//! ([`datetime_api`]), for the conversions' fast paths.

use crate::abi::ObjectCache;
use crate::{Context, HPyResult, Handle};

/// A class from the standard library that a conversion uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(dead_code)] // which ones are used depends on the features
pub(crate) enum StdClass {
    Date,
    Time,
    DateTime,
    TimeDelta,
    TimeZone,
    /// `datetime.timezone.utc` (not a class).
    Utc,
    TzInfo,
    ZoneInfo,
    Decimal,
    Uuid,
    Ipv4Address,
    Ipv6Address,
    Fraction,
    /// The builtin `range` (`Handle::iter` reads an exact range by its
    /// numbers in the universal ABI).
    Range,
    /// `uuid.UUID.int`, the slot's descriptor (not a class).
    UuidIntSlot,
    /// `uuid.UUID.is_safe`, the slot's descriptor (not a class).
    UuidIsSafeSlot,
    /// `uuid.SafeUUID.unknown` (not a class).
    SafeUuidUnknown,
    /// A helper function ([`helper_source`](StdClass::helper_source)).
    DateTimeFields,
    /// A helper function ([`helper_source`](StdClass::helper_source)).
    TimeDeltaFields,
    /// A helper function ([`helper_source`](StdClass::helper_source)).
    UuidFromHalves,
    /// A helper function ([`helper_source`](StdClass::helper_source)).
    IntToBytes,
    /// A helper function ([`helper_source`](StdClass::helper_source)).
    IntFromBytes,
    /// `datetime.timedelta.resolution`, `timedelta(microseconds=1)` (not a
    /// class).
    MicroSecond,
    /// A helper function ([`helper_source`](StdClass::helper_source)).
    NewTimeDelta,
    /// A helper function ([`helper_source`](StdClass::helper_source)).
    DateTimeFromState,
    /// `numpy.ndarray` (feature `numpy`).
    NumpyNdarray,
    /// A helper function ([`helper_source`](StdClass::helper_source)):
    /// `numpy.empty` for `hpy::numpy`'s new arrays.
    NumpyEmpty,
    /// A helper function ([`helper_source`](StdClass::helper_source)):
    /// what `hpy::numpy` reads of an array where a handle is not the
    /// object.
    NumpyArrayFields,
}

impl StdClass {
    pub(crate) const COUNT: usize = StdClass::NumpyArrayFields as usize + 1;

    /// `(module, attribute)`.
    const fn path(self) -> (&'static str, &'static str) {
        match self {
            StdClass::Date => ("datetime", "date"),
            StdClass::Time => ("datetime", "time"),
            StdClass::DateTime => ("datetime", "datetime"),
            StdClass::TimeDelta => ("datetime", "timedelta"),
            StdClass::TimeZone => ("datetime", "timezone"),
            StdClass::Utc => ("datetime", "timezone.utc"),
            StdClass::TzInfo => ("datetime", "tzinfo"),
            StdClass::ZoneInfo => ("zoneinfo", "ZoneInfo"),
            StdClass::Decimal => ("decimal", "Decimal"),
            StdClass::Uuid => ("uuid", "UUID"),
            StdClass::Ipv4Address => ("ipaddress", "IPv4Address"),
            StdClass::Ipv6Address => ("ipaddress", "IPv6Address"),
            StdClass::Fraction => ("fractions", "Fraction"),
            StdClass::Range => ("builtins", "range"),
            StdClass::UuidIntSlot => ("uuid", "UUID.int"),
            StdClass::UuidIsSafeSlot => ("uuid", "UUID.is_safe"),
            StdClass::SafeUuidUnknown => ("uuid", "SafeUUID.unknown"),
            StdClass::MicroSecond => ("datetime", "timedelta.resolution"),
            StdClass::NumpyNdarray => ("numpy", "ndarray"),
            StdClass::DateTimeFields
            | StdClass::TimeDeltaFields
            | StdClass::UuidFromHalves
            | StdClass::IntToBytes
            | StdClass::IntFromBytes
            | StdClass::NewTimeDelta
            | StdClass::DateTimeFromState
            | StdClass::NumpyEmpty
            | StdClass::NumpyArrayFields => ("", ""),
        }
    }

    /// The source of a helper function: Python code run once (with the
    /// builtins) that defines `helper`, kept like a class. The universal
    /// ABI has no C API for these types, and on PyPy, whose `datetime` and
    /// `uuid` are written in Python, each attribute read or constructor
    /// call from an extension enters the interpreter again (the bulk of a
    /// conversion's time); a helper checks, reads or builds the whole value
    /// in one call, its attribute reads inside Python (compiled together by
    /// PyPy's JIT). Ints are packed into one `int` where they fit 64 bits.
    const fn helper_source(self) -> Option<&'static str> {
        Some(match self {
            // `None` for another object; else the fields packed, 14 + 4 +
            // 5 + 5 + 6 + 6 + 20 + 1 bits (year ... fold), with bit 62 set
            // for `timezone.utc` and bit 63 for another `tzinfo` (an `int`
            // in every case: no tuple to make and take apart).
            StdClass::DateTimeFields => {
                "from datetime import datetime as D, timezone\n\
                 UTC = timezone.utc\n\
                 def helper(d):\n\
                 \x20   if not isinstance(d, D):\n\
                 \x20       return None\n\
                 \x20   p = (((((((d.year << 4 | d.month) << 5 | d.day) << 5 | d.hour) << 6\n\
                 \x20        | d.minute) << 6 | d.second) << 20 | d.microsecond) << 1 | d.fold)\n\
                 \x20   tz = d.tzinfo\n\
                 \x20   if tz is None:\n\
                 \x20       return p\n\
                 \x20   if tz is UTC:\n\
                 \x20       return p | 1 << 62\n\
                 \x20   return p | 1 << 63\n"
            }
            // `None` for another object; else days (signed), seconds (17
            // bits), microseconds (20 bits): 64 bits while |days| < 2**26,
            // else an OverflowError when read.
            StdClass::TimeDeltaFields => {
                "from datetime import timedelta as T\n\
                 def helper(d):\n\
                 \x20   if not isinstance(d, T):\n\
                 \x20       return None\n\
                 \x20   return d.days << 37 | d.seconds << 20 | d.microseconds\n"
            }
            StdClass::UuidFromHalves => {
                "from uuid import UUID\n\
                 def helper(hi, lo):\n\
                 \x20   return UUID(int=hi << 64 | lo)\n"
            }
            StdClass::IntToBytes => {
                "def helper(x):\n\
                 \x20   return x.to_bytes((x.bit_length() + 8) >> 3, 'little', signed=True)\n"
            }
            StdClass::IntFromBytes => {
                "def helper(b):\n\
                 \x20   return int.from_bytes(b, 'little', signed=True)\n"
            }
            // `timedelta(0, 0, us)`, the whole in microseconds: on PyPy a
            // class called from an extension costs far more than a helper
            // that calls it, and this one-argument helper less than one
            // passing days, seconds and microseconds (bench/conv-counts
            // --pypy, conv_designs.c: about 700 ns for the echo against 930
            // with three arguments and 1020 with the class called).
            StdClass::NewTimeDelta => {
                "from datetime import timedelta as T\n\
                 def helper(us):\n\
                 \x20   return T(0, 0, us)\n"
            }
            // `datetime(state, tzinfo)`: the constructor's pickle path (see
            // `std::time::new_datetime_from_state`).
            StdClass::DateTimeFromState => {
                "from datetime import datetime as D\n\
                 def helper(state, tz):\n\
                 \x20   return D(state, tz)\n"
            }
            // `numpy.empty(shape, dtype, order)`, called from Python: on
            // PyPy, NumPy's C function called from an extension converts
            // each argument to a C-API object (the shape list, the dtype's
            // name), several microseconds a call; called from a Python
            // function, the JIT does that once.
            StdClass::NumpyEmpty => {
                "from numpy import empty\n\
                 def helper(shape, dtype, fortran):\n\
                 \x20   return empty(shape, dtype, 'F' if fortran else 'C')\n"
            }
            // `None` for an object that is not an ndarray; else its data
            // pointer, whether it is read-only, its dtype's number and
            // byte order, its shape and strides (`numpy::header`).
            StdClass::NumpyArrayFields => {
                "from numpy import ndarray as A\n\
                 def helper(a):\n\
                 \x20   if not isinstance(a, A):\n\
                 \x20       return None\n\
                 \x20   d = a.dtype\n\
                 \x20   p = a.__array_interface__['data']\n\
                 \x20   return (p[0], p[1], d.num, d.isnative, a.shape, a.strides)\n"
            }
            _ => return None,
        })
    }

    /// The class object (the object, for the variants that are not
    /// classes).
    pub(crate) fn get(self, ctx: Context<'_>) -> HPyResult<Handle<'_>> {
        let cache = &CLASSES[self as usize];
        if let Some(class) = cache.get(ctx) {
            return Ok(class);
        }
        let class = match self.helper_source() {
            Some(source) => {
                let globals = ctx.new_dict()?;
                globals.set_item_s("__builtins__", &ctx.builtins())?;
                ctx.compile(
                    source,
                    "<hpy-rs conversion helper>",
                    crate::SourceKind::File,
                )?
                .eval(&globals, None)?;
                globals.get_item_s("helper")?
            }
            None => {
                let (module, attr) = self.path();
                let mut class = ctx.import_module(module)?;
                for name in attr.split('.') {
                    class = class.get_attr_s(name)?;
                }
                class
            }
        };
        cache.set(&class);
        Ok(class)
    }

    /// `isinstance(obj, <class>)`.
    pub(crate) fn is_instance(self, obj: &Handle<'_>) -> HPyResult<bool> {
        let ctx = obj.context();
        let class = self.get(ctx)?;
        if let Some(answer) = crate::abi::is_instance(obj, &class) {
            return answer;
        }
        // These classes have no `__instancecheck__` (their metaclass is
        // `type`): `HPy_TypeCheck` answers as `isinstance` does, without
        // looking the builtin up and calling it.
        if let Some(class) = class.downcast_ref::<crate::types::Type>() {
            return Ok(obj.type_check(class));
        }
        ctx.builtin("isinstance")?.call(&[obj, &class])?.is_true()
    }

    /// The qualified name, for error messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            StdClass::Date => "datetime.date",
            StdClass::Time => "datetime.time",
            StdClass::DateTime => "datetime.datetime",
            StdClass::TimeDelta => "datetime.timedelta",
            StdClass::TimeZone => "datetime.timezone",
            StdClass::Utc => "datetime.timezone.utc",
            StdClass::TzInfo => "datetime.tzinfo",
            StdClass::ZoneInfo => "zoneinfo.ZoneInfo",
            StdClass::Decimal => "decimal.Decimal",
            StdClass::Uuid => "uuid.UUID",
            StdClass::Ipv4Address => "ipaddress.IPv4Address",
            StdClass::Ipv6Address => "ipaddress.IPv6Address",
            StdClass::Fraction => "fractions.Fraction",
            StdClass::Range => "range",
            StdClass::UuidIntSlot => "uuid.UUID.int",
            StdClass::UuidIsSafeSlot => "uuid.UUID.is_safe",
            StdClass::SafeUuidUnknown => "uuid.SafeUUID.unknown",
            StdClass::DateTimeFields => "<datetime fields helper>",
            StdClass::TimeDeltaFields => "<timedelta fields helper>",
            StdClass::UuidFromHalves => "<UUID helper>",
            StdClass::IntToBytes => "<int.to_bytes helper>",
            StdClass::IntFromBytes => "<int.from_bytes helper>",
            StdClass::MicroSecond => "datetime.timedelta.resolution",
            StdClass::NewTimeDelta => "<timedelta helper>",
            StdClass::DateTimeFromState => "<datetime helper>",
            StdClass::NumpyNdarray => "numpy.ndarray",
            StdClass::NumpyEmpty => "<numpy.empty helper>",
            StdClass::NumpyArrayFields => "<numpy array helper>",
        }
    }

    /// Fails with `TypeError` (`expected <class>, got <type>`) unless `obj`
    /// is an instance.
    pub(crate) fn check(self, obj: &Handle<'_>) -> HPyResult<()> {
        if self.is_instance(obj)? {
            Ok(())
        } else {
            Err(crate::HPyErr::wrong_type(self.name(), obj.type_name()))
        }
    }
}

static CLASSES: [ObjectCache; StdClass::COUNT] = [const { ObjectCache::new() }; StdClass::COUNT];

/// The `HPyGlobal`s of the class caches, which every module definition
/// lists (in both ABIs, so that the list does not depend on the ABI).
pub(crate) const CLASS_GLOBALS: [*mut hpy_sys::HPyGlobal; StdClass::COUNT] = {
    let mut globals = [core::ptr::null_mut(); StdClass::COUNT];
    let mut i = 0;
    while i < StdClass::COUNT {
        globals[i] = CLASSES[i].global_ptr();
        i += 1;
    }
    globals
};

static DATETIME_API: crate::abi::DateTimeApiCache = crate::abi::DateTimeApiCache::new();

/// The `datetime` C API (CPython ABI, C `datetime` only; else `None`).
#[allow(dead_code)] // used by the features with dates
#[inline]
pub(crate) fn datetime_api(ctx: Context<'_>) -> Option<crate::abi::DateTimeApi> {
    DATETIME_API.get(ctx)
}

/// Empties the caches (at module exec: see `abi::ObjectCache`) and marks
/// their globals as listed.
///
/// # Safety
/// Only from the exec of a module whose definition lists
/// [`CLASS_GLOBALS`] (every module `hpy_module!` makes).
pub(crate) unsafe fn forget_cached_classes() {
    for class in &CLASSES {
        class.forget();
        // SAFETY: the module being executed lists `CLASS_GLOBALS`
        // (contract).
        unsafe { class.mark_listed() };
    }
    DATETIME_API.forget();
}
