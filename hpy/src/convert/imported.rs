//! The Python classes the conversions of `std` and optional-crate types
//! build and check (`datetime.datetime`, `decimal.Decimal`, `uuid.UUID` …),
//! imported at first use.
//!
//! The CPython ABI keeps each class once imported (in an
//! `abi::ObjectCache`, emptied at each module exec like the `collections.abc`
//! classes); HPy's universal ABI can keep an object between calls only in a
//! [`Global`](crate::Global) the module lists, which a library conversion
//! cannot add, so there the class is looked up in `sys.modules` (through
//! the import machinery) on each call.
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
    TzInfo,
    ZoneInfo,
    Decimal,
    Uuid,
    Ipv4Address,
    Ipv6Address,
    Fraction,
    /// `uuid.UUID.int`, the slot's descriptor (not a class).
    UuidIntSlot,
    /// `uuid.UUID.is_safe`, the slot's descriptor (not a class).
    UuidIsSafeSlot,
    /// `uuid.SafeUUID.unknown` (not a class).
    SafeUuidUnknown,
}

impl StdClass {
    const COUNT: usize = 15;

    /// `(module, attribute)`.
    const fn path(self) -> (&'static str, &'static str) {
        match self {
            StdClass::Date => ("datetime", "date"),
            StdClass::Time => ("datetime", "time"),
            StdClass::DateTime => ("datetime", "datetime"),
            StdClass::TimeDelta => ("datetime", "timedelta"),
            StdClass::TimeZone => ("datetime", "timezone"),
            StdClass::TzInfo => ("datetime", "tzinfo"),
            StdClass::ZoneInfo => ("zoneinfo", "ZoneInfo"),
            StdClass::Decimal => ("decimal", "Decimal"),
            StdClass::Uuid => ("uuid", "UUID"),
            StdClass::Ipv4Address => ("ipaddress", "IPv4Address"),
            StdClass::Ipv6Address => ("ipaddress", "IPv6Address"),
            StdClass::Fraction => ("fractions", "Fraction"),
            StdClass::UuidIntSlot => ("uuid", "UUID.int"),
            StdClass::UuidIsSafeSlot => ("uuid", "UUID.is_safe"),
            StdClass::SafeUuidUnknown => ("uuid", "SafeUUID.unknown"),
        }
    }

    /// The class object (the object, for the variants that are not
    /// classes).
    pub(crate) fn get(self, ctx: Context<'_>) -> HPyResult<Handle<'_>> {
        let cache = &CLASSES[self as usize];
        if let Some(class) = cache.get(ctx) {
            return Ok(class);
        }
        let (module, attr) = self.path();
        let mut class = ctx.import_module(module)?;
        for name in attr.split('.') {
            class = class.get_attr_s(name)?;
        }
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
            StdClass::TzInfo => "datetime.tzinfo",
            StdClass::ZoneInfo => "zoneinfo.ZoneInfo",
            StdClass::Decimal => "decimal.Decimal",
            StdClass::Uuid => "uuid.UUID",
            StdClass::Ipv4Address => "ipaddress.IPv4Address",
            StdClass::Ipv6Address => "ipaddress.IPv6Address",
            StdClass::Fraction => "fractions.Fraction",
            StdClass::UuidIntSlot => "uuid.UUID.int",
            StdClass::UuidIsSafeSlot => "uuid.UUID.is_safe",
            StdClass::SafeUuidUnknown => "uuid.SafeUUID.unknown",
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

static DATETIME_API: crate::abi::DateTimeApiCache = crate::abi::DateTimeApiCache::new();

/// The `datetime` C API (CPython ABI, C `datetime` only; else `None`).
#[allow(dead_code)] // used by the features with dates
#[inline]
pub(crate) fn datetime_api(ctx: Context<'_>) -> Option<crate::abi::DateTimeApi> {
    DATETIME_API.get(ctx)
}

/// Empties the caches (at module exec: see `abi::ObjectCache`).
pub(crate) fn forget_cached_classes() {
    for class in &CLASSES {
        class.forget();
    }
    DATETIME_API.forget();
}
