//! Conversions of the standard library's types: integers and floats,
//! strings and bytes, sequences, maps and sets, paths, addresses, durations
//! and times, `NonZero*`, 128-bit integers, `Cow`.

pub(crate) mod bytes;
mod cow;
pub(crate) mod map;
mod net;
mod nonzero;
mod num;
mod path;
pub(crate) mod seq;
pub(crate) mod set;
pub(crate) mod str;
pub(crate) mod time;
mod wide;
