//! `std::net`: `Ipv4Addr`, `Ipv6Addr`, `IpAddr` ↔ `ipaddress.IPv4Address`
//! / `IPv6Address`.
//!
//! From Python, as PyO3 does: an object with a `packed` attribute of 4 or
//! 16 bytes (the `ipaddress` classes), else its `str()` parsed as an
//! address (`ValueError` if it is none).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::convert::imported::StdClass;
use crate::{Context, FromHPy, HPyErr, HPyResult, Handle, IntoHPy};

/// The address `obj` stands for.
fn extract_ip(obj: &Handle<'_>) -> HPyResult<IpAddr> {
    if obj.has_attr_s("packed")? {
        let packed = obj.get_attr_s("packed")?;
        if let Some(b) = packed.downcast_ref::<crate::Bytes>() {
            let bytes = b.as_bytes()?;
            if let Ok(v4) = <[u8; 4]>::try_from(bytes) {
                return Ok(IpAddr::V4(Ipv4Addr::from(v4)));
            }
            if let Ok(v6) = <[u8; 16]>::try_from(bytes) {
                return Ok(IpAddr::V6(Ipv6Addr::from(v6)));
            }
        }
    }
    let text: String = obj.str()?;
    text.parse::<IpAddr>()
        .map_err(|_| HPyErr::value_error(format!("invalid IP address: {text:?}")))
}

impl<'ctx> FromHPy<'_, 'ctx> for IpAddr {
    /// Accepts an `ipaddress.IPv4Address`/`IPv6Address` or a string such
    /// as `"127.0.0.1"` or `"::1"`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        extract_ip(obj)
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Ipv4Addr {
    /// As `IpAddr`; an IPv6 address is a `ValueError`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        match extract_ip(obj)? {
            IpAddr::V4(a) => Ok(a),
            IpAddr::V6(a) => Err(HPyErr::value_error(format!(
                "expected an IPv4 address, got IPv6 address {a}"
            ))),
        }
    }
}

impl<'ctx> FromHPy<'_, 'ctx> for Ipv6Addr {
    /// As `IpAddr`; an IPv4 address is a `ValueError`.
    fn extract(obj: &Handle<'ctx>) -> HPyResult<Self> {
        match extract_ip(obj)? {
            IpAddr::V6(a) => Ok(a),
            IpAddr::V4(a) => Err(HPyErr::value_error(format!(
                "expected an IPv6 address, got IPv4 address {a}"
            ))),
        }
    }
}

impl<'ctx> IntoHPy<'ctx> for Ipv4Addr {
    /// `ipaddress.IPv4Address(int)`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        StdClass::Ipv4Address.get(ctx)?.call1((u32::from(self),))
    }
}

impl<'ctx> IntoHPy<'ctx> for Ipv6Addr {
    /// `ipaddress.IPv6Address(int)`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        StdClass::Ipv6Address.get(ctx)?.call1((u128::from(self),))
    }
}

impl<'ctx> IntoHPy<'ctx> for IpAddr {
    /// An `IPv4Address` or an `IPv6Address`.
    fn into_hpy(self, ctx: Context<'ctx>) -> HPyResult<Handle<'ctx>> {
        match self {
            IpAddr::V4(a) => a.into_hpy(ctx),
            IpAddr::V6(a) => a.into_hpy(ctx),
        }
    }
}
