//! The module's type-stub description, kept in the binary for `cargo hpy`
//! to read without loading it.
//!
//! Each macro describes its item as JSON lines (`PyMethod::STUB`,
//! `HPyClass::STUB`, `MethodItems::STUB`, an exception's parts);
//! `hpy_module!` lists the parts of the module's own items, and
//! [`export_stubs!`](crate::impl_::export_stubs) joins them at compile time
//! into one byte array in the section `hpy_rs_stubs` (Mach-O:
//! `__DATA,__hpy_rs_stubs`), kept by `#[used]`. Reading a section needs no
//! interpreter: a universal binary is built without one, and a CPython-ABI
//! binary cannot be loaded without libpython. The data is never read at
//! run time.

/// One piece of the description.
#[derive(Clone, Copy)]
pub enum StubPart {
    /// Text as it is.
    Raw(&'static str),
    /// A JSON string of the text.
    Str(&'static str),
    /// A JSON string, or `null`.
    OptStr(Option<&'static str>),
    /// A JSON list of strings.
    StrList(&'static [&'static str]),
}

/// How many bytes a JSON string of `s` takes.
const fn json_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut n = 2;
    let mut i = 0;
    while i < bytes.len() {
        n += match bytes[i] {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' => 2,
            0..=0x1f => 6,
            _ => 1,
        };
        i += 1;
    }
    n
}

/// The length of the description `parts` make.
pub const fn stub_len(parts: &[StubPart]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        n += match parts[i] {
            StubPart::Raw(s) => s.len(),
            StubPart::Str(s) | StubPart::OptStr(Some(s)) => json_len(s),
            StubPart::OptStr(None) => 4,
            StubPart::StrList(list) => {
                let mut m = 2;
                let mut j = 0;
                while j < list.len() {
                    m += json_len(list[j]) + if j > 0 { 1 } else { 0 };
                    j += 1;
                }
                m
            }
        };
        i += 1;
    }
    n
}

/// Writes the description into `out`. Its methods take `&mut self`: one
/// that took the writer by value and returned it copied the whole array for
/// each byte in the compiler's constant evaluation, time quadratic in the
/// description's size (9 of a 36-class module's 17 s of compilation).
struct Writer<const N: usize> {
    out: [u8; N],
    at: usize,
}

impl<const N: usize> Writer<N> {
    const fn byte(&mut self, b: u8) {
        self.out[self.at] = b;
        self.at += 1;
    }

    const fn raw(&mut self, s: &str) {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            self.byte(bytes[i]);
            i += 1;
        }
    }

    const fn json(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let bytes = s.as_bytes();
        self.byte(b'"');
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'"' => self.raw("\\\""),
                b'\\' => self.raw("\\\\"),
                b'\n' => self.raw("\\n"),
                b'\r' => self.raw("\\r"),
                b'\t' => self.raw("\\t"),
                0..=0x1f => {
                    self.raw("\\u00");
                    self.byte(HEX[(b >> 4) as usize]);
                    self.byte(HEX[(b & 15) as usize]);
                }
                _ => self.byte(b),
            }
            i += 1;
        }
        self.byte(b'"');
    }
}

/// The description `parts` make, `N` ([`stub_len`]) bytes.
pub const fn stub_bytes<const N: usize>(parts: &[StubPart]) -> [u8; N] {
    let mut w = Writer::<N> { out: [0; N], at: 0 };
    let mut i = 0;
    while i < parts.len() {
        match parts[i] {
            StubPart::Raw(s) => w.raw(s),
            StubPart::Str(s) | StubPart::OptStr(Some(s)) => w.json(s),
            StubPart::OptStr(None) => w.raw("null"),
            StubPart::StrList(list) => {
                w.byte(b'[');
                let mut j = 0;
                while j < list.len() {
                    if j > 0 {
                        w.byte(b',');
                    }
                    w.json(list[j]);
                    j += 1;
                }
                w.byte(b']');
            }
        }
        i += 1;
    }
    assert!(w.at == N, "stub_len and stub_bytes disagree");
    w.out
}

/// Puts the module's stub description (a `&[StubPart]` constant) into the
/// binary's `hpy_rs_stubs` section (used by `hpy_module!`).
#[doc(hidden)]
#[macro_export]
macro_rules! __hpy_export_stubs {
    ($parts:expr) => {
        const _: () = {
            const __HPY_STUB_LEN: usize = $crate::impl_::stubs::stub_len($parts);
            #[used]
            #[cfg_attr(
                any(target_os = "macos", target_os = "ios"),
                unsafe(link_section = "__DATA,__hpy_rs_stubs")
            )]
            #[cfg_attr(
                not(any(target_os = "macos", target_os = "ios", windows)),
                unsafe(link_section = "hpy_rs_stubs")
            )]
            static __HPY_STUBS: [u8; __HPY_STUB_LEN] =
                $crate::impl_::stubs::stub_bytes::<__HPY_STUB_LEN>($parts);
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_escapes_parts() {
        const PARTS: &[StubPart] = &[
            StubPart::Raw("{\"name\":"),
            StubPart::Str("a \"b\"\n\u{1}"),
            StubPart::Raw(",\"doc\":"),
            StubPart::OptStr(None),
            StubPart::Raw(",\"attrs\":"),
            StubPart::StrList(&["x", "y"]),
            StubPart::Raw("}\n"),
        ];
        const N: usize = stub_len(PARTS);
        const BYTES: [u8; N] = stub_bytes::<N>(PARTS);
        assert_eq!(
            core::str::from_utf8(&BYTES).unwrap(),
            "{\"name\":\"a \\\"b\\\"\\n\\u0001\",\"doc\":null,\"attrs\":[\"x\",\"y\"]}\n"
        );
    }
}
