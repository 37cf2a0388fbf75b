// The interpreter trusts a buffer element's format code to give its size:
// a 1-byte element declaring "d" (an 8-byte double) would let
// `memoryview(obj).tolist()` read past the data. `BufferElement` is sealed,
// so a hand-written impl does not compile, even an `unsafe`-free one.
#![forbid(unsafe_code)]

#[derive(Clone, Copy)]
struct Byte(u8);

impl hpy::impl_::buffer::BufferElement for Byte {
    const FORMAT: &'static core::ffi::CStr = c"d";
}

fn main() {}
