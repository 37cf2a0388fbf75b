//! `str`: the typed handle [`Str`] (encoding, characters, substrings), the
//! constructors that decode, and [`Context::unicode_from_fmt`] in place of
//! C's `HPyUnicode_FromFormat`.

use core::ffi::{c_char, CStr};
use core::fmt;

use hpy_sys::{wchar_t, HPyConstant, HPy_ssize_t};

use crate::cstr::with_cstr;
use crate::{Bytes, Context, HPyErr, HPyResult, Handle, IntoHPy};

super::typed_handle! {
    /// A handle to a `str` (or an instance of a subclass).
    ///
    /// ```
    /// use hpy::{hpy_method, HPyResult, Str};
    ///
    /// /// The first character, if any.
    /// #[hpy_method]
    /// fn initial(s: &Str<'_>) -> HPyResult<Option<char>> {
    ///     Ok(s.to_str()?.chars().next())
    /// }
    /// # fn main() {}
    /// ```
    Str, "str", |obj| {
        crate::abi::has_type_flag(obj, super::any::type_flag::UNICODE, hpy_sys::HPyUnicode_Check)
    }
}

/// Calls `f` with an optional string as a C string (null for `None`, which
/// HPy reads as the default: `"strict"` errors, UTF-8 encoding).
fn with_opt_cstr<R>(
    errors: Option<&str>,
    f: impl FnOnce(*const c_char) -> HPyResult<R>,
) -> HPyResult<R> {
    match errors {
        Some(errors) => with_cstr(errors, f),
        None => f(core::ptr::null()),
    }
}

/// The error of [`Context::new_ascii_str`] for a byte above 127.
#[cold]
fn not_ascii() -> HPyErr {
    HPyErr::value_error("new_ascii_str: the characters written are not all ASCII")
}

/// The error of [`Context::new_str_from_ascii`] for a byte above 127.
#[cold]
fn not_ascii_text() -> HPyErr {
    HPyErr::value_error("new_str_from_ascii: the text is not all ASCII")
}

/// What [`copy_ascii`] found in the text it copied.
enum Copied {
    /// Every byte ASCII, none of them NUL.
    Plain,
    /// Every byte ASCII, one or more NUL.
    Nul,
    /// A byte above 127.
    NotAscii,
}

/// The longest text [`short_ascii_into_str`] takes, plus one.
pub(crate) const SHORT_ASCII: usize = 129;

/// A `str` of `text` (shorter than [`SHORT_ASCII`]) from a NUL-terminated
/// copy on the stack (`HPyUnicode_FromString`), for the hosts where that
/// is the cheaper way in; `None` if `text` is not ASCII. Text holding a
/// NUL is decoded by its length instead.
#[inline]
pub(crate) fn short_ascii_into_str<'ctx>(
    ctx: Context<'ctx>,
    text: &[u8],
) -> Option<HPyResult<Handle<'ctx>>> {
    let mut buf = [0u8; SHORT_ASCII];
    match copy_ascii(text, &mut buf[..SHORT_ASCII - 1]) {
        Copied::NotAscii => None,
        // SAFETY: `buf` starts with the ASCII text (so UTF-8), with no NUL
        // in it (both found by `copy_ascii`), and a NUL after it: the
        // copy leaves at least the last of its zeroed bytes alone; the
        // result is owned or HPy_NULL.
        Copied::Plain => Some(unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_FromString(
                ctx.as_raw(),
                buf.as_ptr().cast(),
            ))
        }),
        // A NUL is ASCII, but would end the text early.
        Copied::Nul => Some(ctx.decode_ascii(text, None).map(|s| s.0)),
    }
}

/// Copies `text` to the start of `buf` (at least as long) eight bytes at
/// a time, and tells whether it is ASCII and holds a NUL, in the same pass:
/// on hosts where a `str` is made from NUL-terminated text, the checks and
/// the copy were three passes (`is_ascii`, the copy, a `memchr` for NUL),
/// a third of making a short `str` on PyPy. It stops at the first word
/// with a byte above 127 (the text is not copied whole to be refused).
#[inline(always)]
fn copy_ascii(text: &[u8], buf: &mut [u8]) -> Copied {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut seen = 0u64;
    // A zero byte's top bit (the zero-byte test), or one set wrongly
    // above a zero byte: set only where the text holds a NUL.
    let mut zeros = 0u64;
    let mut words = text.chunks_exact(8);
    for (word, to) in (&mut words).zip(buf.chunks_exact_mut(8)) {
        let v = u64::from_ne_bytes(word.try_into().expect("eight bytes"));
        if v & HIGHS != 0 {
            return Copied::NotAscii;
        }
        to.copy_from_slice(word);
        zeros |= v.wrapping_sub(ONES) & !v;
    }
    let rest = words.remainder();
    let done = text.len() - rest.len();
    buf[done..text.len()].copy_from_slice(rest);
    for &b in rest {
        seen |= u64::from(b);
        zeros |= u64::from(b == 0) << 7;
    }
    if seen & HIGHS != 0 {
        Copied::NotAscii
    } else if zeros & HIGHS != 0 {
        Copied::Nul
    } else {
        Copied::Plain
    }
}

/// The length of a Rust buffer as `HPy_ssize_t`.
fn ssize(len: usize) -> HPyResult<HPy_ssize_t> {
    HPy_ssize_t::try_from(len).map_err(|_| HPyErr::overflow_error("buffer is too long"))
}

/// Text built a character at a time (a parser's escapes read), kept in
/// the form the host makes a `str` of most cheaply: code points where
/// the host is CPython (the CPython ABI, and hpy_rs_universal's plain
/// context: one copy into the narrowest storage), UTF-8 elsewhere (PyPy,
/// whose strs are UTF-8, and debug contexts). Made into a `str` by
/// [`Context::new_str_from_buf`]; reusable after [`clear`](StrBuf::clear).
///
/// It holds `char`s only, so the text is valid Unicode by construction
/// (no lone surrogates) and no host checks it again where it can be told
/// so.
///
/// ```
/// use hpy::{Context, HPyResult, Str, StrBuf};
///
/// /// `text` with every `+` read as a space.
/// fn unplussed<'ctx>(ctx: Context<'ctx>, text: &str) -> HPyResult<Str<'ctx>> {
///     let mut buf = StrBuf::new(ctx);
///     for c in text.chars() {
///         buf.push(if c == '+' { ' ' } else { c });
///     }
///     ctx.new_str_from_buf(&buf)
/// }
/// ```
#[derive(Debug, Clone)]
pub struct StrBuf(StrUnits);

#[derive(Debug, Clone)]
enum StrUnits {
    CodePoints(Vec<u32>),
    Utf8(String),
}

impl StrBuf {
    /// An empty buffer in the form `ctx`'s host prefers.
    pub fn new(ctx: Context<'_>) -> Self {
        if crate::abi::nul_terminated_text_is_cheaper(ctx) {
            StrBuf(StrUnits::Utf8(String::new()))
        } else {
            StrBuf(StrUnits::CodePoints(Vec::new()))
        }
    }

    /// Appends one character.
    #[inline(always)]
    pub fn push(&mut self, c: char) {
        match &mut self.0 {
            StrUnits::CodePoints(v) => v.push(u32::from(c)),
            StrUnits::Utf8(s) => s.push(c),
        }
    }

    /// Appends text.
    pub fn push_str(&mut self, text: &str) {
        match &mut self.0 {
            StrUnits::CodePoints(v) => v.extend(text.chars().map(u32::from)),
            StrUnits::Utf8(s) => s.push_str(text),
        }
    }

    /// Appends Latin-1 text, each byte the character of its value (see
    /// [`TextSink::push_latin1`]).
    pub fn push_latin1(&mut self, text: &[u8]) {
        match &mut self.0 {
            StrUnits::CodePoints(v) => v.push_latin1(text),
            StrUnits::Utf8(s) => s.push_latin1(text),
        }
    }

    /// Appends the characters of `units`, UTF-16 code units of the Basic
    /// Multilingual Plane, up to the first surrogate (`0xD800..=0xDFFF`,
    /// half of a pair, not a character by itself); returns how many were
    /// appended (`units.len()` when none is a surrogate). See
    /// [`TextSink::push_bmp_units`].
    pub fn push_bmp_units(&mut self, units: &[u16]) -> usize {
        match &mut self.0 {
            StrUnits::CodePoints(v) => v.push_bmp_units(units),
            StrUnits::Utf8(s) => s.push_bmp_units(units),
        }
    }

    /// Appends the code units `next` gives, at most `max` of them, as
    /// [`TextSink::push_bmp_from`] does; returns how many were appended.
    pub fn push_bmp_from(&mut self, max: usize, next: impl FnMut() -> Option<u16>) -> usize {
        match &mut self.0 {
            StrUnits::CodePoints(v) => v.push_bmp_from(max, next),
            StrUnits::Utf8(s) => s.push_bmp_from(max, next),
        }
    }

    /// Empties the buffer, keeping its memory for the next text.
    pub fn clear(&mut self) {
        match &mut self.0 {
            StrUnits::CodePoints(v) => v.clear(),
            StrUnits::Utf8(s) => s.clear(),
        }
    }

    /// Runs `writer` on the buffer's own storage, typed: a loop that
    /// pushes many characters (a parser's) then does not ask which form
    /// the buffer has at every character, as [`push`](StrBuf::push) does.
    ///
    /// ```
    /// use hpy::{Context, HPyResult, Str, StrBuf, TextSink, WriteText};
    ///
    /// /// The letters of `text`, doubled.
    /// struct Doubled<'t>(&'t str);
    ///
    /// impl WriteText for Doubled<'_> {
    ///     type Output = ();
    ///     fn write<S: TextSink>(self, out: &mut S) {
    ///         for c in self.0.chars() {
    ///             out.push(c);
    ///             out.push(c);
    ///         }
    ///     }
    /// }
    ///
    /// fn doubled<'ctx>(ctx: Context<'ctx>, text: &str) -> HPyResult<Str<'ctx>> {
    ///     let mut buf = StrBuf::new(ctx);
    ///     buf.write(Doubled(text));
    ///     ctx.new_str_from_buf(&buf)
    /// }
    /// ```
    #[inline]
    pub fn write<W: WriteText>(&mut self, writer: W) -> W::Output {
        match &mut self.0 {
            StrUnits::CodePoints(v) => writer.write(v),
            StrUnits::Utf8(s) => writer.write(s),
        }
    }

    /// Whether no character has been pushed since it was made or cleared.
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            StrUnits::CodePoints(v) => v.is_empty(),
            StrUnits::Utf8(s) => s.is_empty(),
        }
    }
}

/// A [`StrBuf`]'s storage, as [`StrBuf::write`] hands it to a
/// [`WriteText`]: a `String` (UTF-8) or a `Vec<u32>` (code points).
pub trait TextSink {
    /// Appends one character.
    fn push(&mut self, c: char);
    /// Appends text.
    fn push_str(&mut self, text: &str);

    /// Appends Latin-1 text: each byte of `text` is the character of its
    /// value (U+0000 to U+00FF), so ASCII bytes are themselves. A
    /// parser's plain ASCII between escapes goes in at once: into a
    /// `String`, ASCII is copied as it is (checked eight bytes at a time),
    /// not encoded a character at a time.
    ///
    /// ```
    /// use hpy::TextSink;
    ///
    /// let mut text = String::from("<");
    /// text.push_latin1(b"caf\xe9 ok");
    /// assert_eq!(text, "<caf\u{e9} ok");
    /// let mut points: Vec<u32> = Vec::new();
    /// points.push_latin1(b"A\xff");
    /// assert_eq!(points, [0x41, 0xff]);
    /// ```
    fn push_latin1(&mut self, text: &[u8]) {
        for &b in text {
            self.push(char::from(b));
        }
    }
    /// Appends the characters of `units`, UTF-16 code units of the Basic
    /// Multilingual Plane (a parser's `\uXXXX` escapes, say), up to the
    /// first surrogate (`0xD800..=0xDFFF`: half of a pair, which is not a
    /// character by itself, so it is left to the caller); returns how many
    /// were appended, `units.len()` when none is a surrogate.
    ///
    /// Where [`push`](TextSink::push) checks the room left at every
    /// character, this makes room for the whole slice once and writes it
    /// in one loop. A parser that reads the units one by one goes through
    /// [`push_bmp_from`](TextSink::push_bmp_from) instead, with no copy
    /// into a slice first.
    ///
    /// ```
    /// use hpy::TextSink;
    ///
    /// let mut text = String::from("<");
    /// assert_eq!(text.push_bmp_units(&[0x41, 0xe9, 0x20ac, 0xd83d, 0x42]), 3);
    /// assert_eq!(text, "<A\u{e9}\u{20ac}");
    /// let mut points: Vec<u32> = Vec::new();
    /// assert_eq!(points.push_bmp_units(&[0x41, 0x645]), 2);
    /// assert_eq!(points, [0x41, 0x645]);
    /// ```
    fn push_bmp_units(&mut self, units: &[u16]) -> usize {
        let mut units = units.iter();
        self.push_bmp_from(units.len(), || units.next().copied())
    }

    /// Appends the code units that `next` gives, as
    /// [`push_bmp_units`](TextSink::push_bmp_units) appends a slice's: up
    /// to `max` of them, until `next` gives `None` or a surrogate (which
    /// is not appended); returns how many were appended.
    ///
    /// Room for `max` units (4096 at most at a time) is made before the
    /// first call of `next`, and each unit is written as it comes: a parser reading a
    /// run of escapes (its position in the text kept by the closure) puts
    /// its characters into the buffer with no copy in between and no
    /// growth check per character.
    ///
    /// ```
    /// use hpy::TextSink;
    ///
    /// // `\uXXXX` escapes read until anything else.
    /// let escapes = b"\\u0645\\u0631!";
    /// let mut at = 0;
    /// let mut text = String::new();
    /// let read = text.push_bmp_from(8, || {
    ///     let digits = escapes.get(at..at + 6)?.strip_prefix(b"\\u")?;
    ///     let unit = u16::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
    ///     at += 6;
    ///     Some(unit)
    /// });
    /// assert_eq!((read, text.as_str(), at), (2, "\u{645}\u{631}", 12));
    ///
    /// // A sink of one's own gets the default implementation.
    /// struct Chars(Vec<char>);
    /// impl TextSink for Chars {
    ///     fn push(&mut self, c: char) {
    ///         self.0.push(c);
    ///     }
    ///     fn push_str(&mut self, text: &str) {
    ///         self.0.extend(text.chars());
    ///     }
    /// }
    /// let mut chars = Chars(Vec::new());
    /// assert_eq!(chars.push_bmp_units(&[0x41, 0xdc00, 0x42]), 1);
    /// assert_eq!(chars.0, ['A']);
    /// ```
    ///
    /// `max` is the most units appended; room is made for at most 4096
    /// of them at a time, so a large bound costs no large allocation. The
    /// storages of [`StrBuf`] write into that room; the default
    /// implementation, for other sinks, pushes each unit as a `char`.
    fn push_bmp_from(&mut self, max: usize, mut next: impl FnMut() -> Option<u16>) -> usize {
        let mut done = 0;
        while done < max {
            // `char::from_u32` refuses exactly the surrogates here.
            match next().and_then(|unit| char::from_u32(u32::from(unit))) {
                Some(c) => self.push(c),
                None => break,
            }
            done += 1;
        }
        done
    }
}

/// Whether a UTF-16 code unit is half of a surrogate pair.
#[inline(always)]
fn is_surrogate(unit: u16) -> bool {
    unit & 0xf800 == 0xd800
}

impl TextSink for String {
    #[inline(always)]
    fn push(&mut self, c: char) {
        String::push(self, c);
    }
    #[inline]
    fn push_str(&mut self, text: &str) {
        String::push_str(self, text);
    }
    #[inline]
    fn push_latin1(&mut self, text: &[u8]) {
        if text.is_ascii() {
            // SAFETY: ASCII bytes are UTF-8 as they are, each a whole
            // character.
            unsafe { self.as_mut_vec() }.extend_from_slice(text);
        } else {
            self.extend(text.iter().map(|&b| char::from(b)));
        }
    }
    #[inline]
    fn push_bmp_from(&mut self, max: usize, mut next: impl FnMut() -> Option<u16>) -> usize {
        in_rooms(max, |left| utf8_run(self, left, &mut next))
    }
}

/// [`TextSink::push_bmp_from`] into a `String`: units from `next`, at
/// most `max`, written until `next` ends the run or the room made (for
/// [`BMP_ROOM`] units at most) is full; the units written, and whether the
/// room filled up before the run ended (the caller then makes more).
#[inline(always)]
fn utf8_run(
    text: &mut String,
    max: usize,
    next: &mut impl FnMut() -> Option<u16>,
) -> (usize, bool) {
    let room = max.min(BMP_ROOM);
    // A code unit below U+10000 is at most three bytes of UTF-8.
    text.reserve(room * 3);
    // SAFETY: the bytes below are written past the length only, into
    // the room reserved; the length then grows over whole characters
    // (each unit written is a scalar value, not a surrogate, encoded
    // as UTF-8 in full), so the `String` holds valid UTF-8 whenever
    // it is seen again, also if `next` or a bounds check panics.
    let bytes = unsafe { text.as_mut_vec() };
    let spare = bytes.spare_capacity_mut();
    let mut at = 0;
    let mut done = 0;
    let mut ended = false;
    while done < room {
        let Some(unit) = next() else {
            ended = true;
            break;
        };
        // Three bytes of room, so one bounds check a unit.
        let [first, second, third] = &mut spare[at..at + 3] else {
            unreachable!("three bytes were asked for")
        };
        if unit < 0x80 {
            first.write(unit as u8);
            at += 1;
        } else if unit < 0x800 {
            first.write(0xc0 | (unit >> 6) as u8);
            second.write(0x80 | (unit & 0x3f) as u8);
            at += 2;
        } else {
            if is_surrogate(unit) {
                ended = true;
                break;
            }
            first.write(0xe0 | (unit >> 12) as u8);
            second.write(0x80 | ((unit >> 6) & 0x3f) as u8);
            third.write(0x80 | (unit & 0x3f) as u8);
            at += 3;
        }
        done += 1;
    }
    let len = bytes.len() + at;
    // SAFETY: the `at` bytes after the old length were written above
    // (within the reserved capacity: at most three a unit), and they
    // are the UTF-8 of `done` whole characters.
    unsafe { bytes.set_len(len) };
    (done, !ended && done < max)
}

impl TextSink for Vec<u32> {
    #[inline(always)]
    fn push(&mut self, c: char) {
        Vec::push(self, u32::from(c));
    }
    #[inline]
    fn push_str(&mut self, text: &str) {
        self.extend(text.chars().map(u32::from));
    }
    #[inline]
    fn push_latin1(&mut self, text: &[u8]) {
        self.extend(text.iter().map(|&b| u32::from(b)));
    }
    #[inline]
    fn push_bmp_from(&mut self, max: usize, mut next: impl FnMut() -> Option<u16>) -> usize {
        in_rooms(max, |left| points_run(self, left, &mut next))
    }
}

/// [`TextSink::push_bmp_from`] into code points, as [`utf8_run`] writes
/// UTF-8: the units written, and whether the room filled up before the
/// run ended.
#[inline(always)]
fn points_run(
    points: &mut Vec<u32>,
    max: usize,
    next: &mut impl FnMut() -> Option<u16>,
) -> (usize, bool) {
    let room = max.min(BMP_ROOM);
    points.reserve(room);
    let spare = points.spare_capacity_mut();
    let mut done = 0;
    let mut ended = false;
    while done < room {
        match next() {
            Some(unit) if !is_surrogate(unit) => spare[done].write(u32::from(unit)),
            _ => {
                ended = true;
                break;
            }
        };
        done += 1;
    }
    let len = points.len() + done;
    // SAFETY: the `done` elements after the old length were written
    // above, within the room reserved (`done <= room`); a panic before
    // this leaves the length as it was.
    unsafe { points.set_len(len) };
    (done, !ended && done < max)
}

/// The most code units [`TextSink::push_bmp_from`] makes room for at
/// once: a caller's `max` is a bound, not a size to allocate (a bound of
/// 2^40 must not ask for terabytes).
const BMP_ROOM: usize = 4096;

/// `run` called with the units still allowed until it reports that the
/// run ended (or `max` units are written); the units written.
#[inline(always)]
fn in_rooms(max: usize, mut run: impl FnMut(usize) -> (usize, bool)) -> usize {
    let mut done = 0;
    loop {
        let (written, more) = run(max - done);
        done += written;
        if !more {
            return done;
        }
    }
}

/// Code that writes text into a [`StrBuf`], compiled once for each of its
/// forms ([`StrBuf::write`]).
pub trait WriteText {
    /// What the writing returns.
    type Output;
    /// Writes into `out`, the buffer's storage.
    fn write<S: TextSink>(self, out: &mut S) -> Self::Output;
}

impl<'ctx> Context<'ctx> {
    /// A new `str` of the text in `buf` (see [`StrBuf`] for the way each
    /// host gets it): the code points through `PyUnicode_FromKindAndData`
    /// (CPython ABI) or `HPyUnicode_FromWideChar` (universal), the UTF-8
    /// as [`new_str`](Context::new_str) makes it. A buffer made for
    /// another host's context works too, only not as cheaply.
    pub fn new_str_from_buf(self, buf: &StrBuf) -> HPyResult<Str<'ctx>> {
        match &buf.0 {
            StrUnits::Utf8(s) => self.new_str(s),
            StrUnits::CodePoints(v) => {
                // `char`s: below U+110000 and no surrogates, so the
                // range check of `new_str_from_code_points` is not needed.
                if let Some(made) = crate::abi::str_from_ucs4(self, v) {
                    return made.map(Str);
                }
                if core::mem::size_of::<wchar_t>() == 4 {
                    // SAFETY: `wchar_t` is a 4-byte integer here, of
                    // `u32`'s size and alignment, and every value of a
                    // `char` fits its positive range: the same memory
                    // read as `wchar_t`s, borrowed for the call only.
                    let wide = unsafe {
                        core::slice::from_raw_parts(v.as_ptr().cast::<wchar_t>(), v.len())
                    };
                    return self.unicode_from_wide_char(wide);
                }
                self.new_str_from_code_points(v)
            }
        }
    }
}

impl<'ctx> Context<'ctx> {
    /// A new `str` from formatted Rust text: the safe stand-in for C's
    /// variadic `HPyUnicode_FromFormat`, using Rust's formatting instead of
    /// printf-style directives.
    ///
    /// ```
    /// # use hpy::{Context, HPyResult, Str};
    /// fn describe<'ctx>(ctx: Context<'ctx>, n: i64) -> HPyResult<Str<'ctx>> {
    ///     ctx.unicode_from_fmt(format_args!("{n} items ({:.1}%)", n as f64 / 3.0))
    /// }
    /// ```
    ///
    /// A constant format string is converted without an intermediate
    /// `String`.
    pub fn unicode_from_fmt(self, args: fmt::Arguments<'_>) -> HPyResult<Str<'ctx>> {
        let s = match args.as_str() {
            Some(s) => s.into_hpy(self)?,
            None => std::fmt::format(args).into_hpy(self)?,
        };
        Ok(Str(s))
    }

    /// A new `str` of the text `text`, made the cheapest way the host
    /// offers for UTF-8 (the same as `text.into_hpy(ctx)`, typed): the
    /// way to hand over text a parser has decoded into a `String`.
    ///
    /// ASCII text is decoded from its length (`HPyUnicode_DecodeASCII`), or
    /// short text from a NUL-terminated stack copy
    /// (`HPyUnicode_FromString`) where that is cheaper. Other text: in the
    /// CPython ABI `PyUnicode_FromStringAndSize`; on PyPy, from 256 bytes
    /// on, a `bytes` object decoded as UTF-8 (PyPy's
    /// `HPyUnicode_FromString` checks the text a byte at a time, which
    /// costs more there); else `HPyUnicode_FromString` from a
    /// NUL-terminated copy, or `HPyUnicode_FromWideChar` for text holding
    /// NUL. The host does not check the text again where it can be told
    /// it is valid; nowhere can invalid UTF-8 reach it (a `&str` is valid).
    ///
    /// ```
    /// use hpy::{Context, HPyResult, Str};
    ///
    /// fn reversed<'ctx>(ctx: Context<'ctx>, text: &str) -> HPyResult<Str<'ctx>> {
    ///     let back: String = text.chars().rev().collect();
    ///     ctx.new_str(&back)
    /// }
    /// ```
    #[inline]
    pub fn new_str(self, text: &str) -> HPyResult<Str<'ctx>> {
        text.into_hpy(self).map(Str)
    }

    /// A new `str` from wide characters (`HPyUnicode_FromWideChar`; UTF-32
    /// on Linux and macOS, UTF-16 on Windows). Unlike
    /// `HPyUnicode_FromString` it takes a length, so it accepts NUL.
    pub fn unicode_from_wide_char(self, chars: &[wchar_t]) -> HPyResult<Str<'ctx>> {
        let len = ssize(chars.len())?;
        // SAFETY: pointer and length describe `chars` (a non-null pointer
        // even when empty); the result is owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyUnicode_FromWideChar(
                self.as_raw(),
                chars.as_ptr(),
                len,
            ))
            .map(Str)
        }
    }

    /// A new `str` of the code points `chars`: the way to build text that
    /// was decoded character by character (a parser's escapes), without
    /// encoding it to UTF-8 first.
    ///
    /// In the CPython ABI it is `PyUnicode_FromKindAndData` (one copy into
    /// the narrowest storage); elsewhere `HPyUnicode_FromWideChar`, after
    /// a conversion to the platform's `wchar_t` (UTF-16 on Windows). A
    /// value above U+10FFFF raises `ValueError`. Lone surrogates are kept
    /// by CPython; other hosts may refuse them (PyPy's is untested here).
    ///
    /// ```
    /// use hpy::{Context, HPyResult, Str};
    ///
    /// fn shout<'ctx>(ctx: Context<'ctx>, text: &str) -> HPyResult<Str<'ctx>> {
    ///     let upper: Vec<u32> = text.chars().flat_map(char::to_uppercase).map(u32::from).collect();
    ///     ctx.new_str_from_code_points(&upper)
    /// }
    /// ```
    pub fn new_str_from_code_points(self, chars: &[u32]) -> HPyResult<Str<'ctx>> {
        // Checked here for every host: CPython's own check of the CPython
        // ABI's call raises `SystemError`, not `ValueError`.
        // The largest of them, without a branch per character (the
        // compiler vectorises it; `any` would stop early, one compare and
        // branch at a time).
        if chars.iter().fold(0, |max, &c| max.max(c)) > 0x10ffff {
            return Err(HPyErr::value_error("character is not in range(0x110000)"));
        }
        if let Some(made) = crate::abi::str_from_ucs4(self, chars) {
            return made.map(Str);
        }
        let wide: Vec<wchar_t> = if core::mem::size_of::<wchar_t>() == 4 {
            chars.iter().map(|&c| c as wchar_t).collect()
        } else {
            let mut units = Vec::with_capacity(chars.len());
            for &c in chars {
                if c >= 0x10000 {
                    let v = c - 0x10000;
                    units.push((0xd800 + (v >> 10)) as wchar_t);
                    units.push((0xdc00 + (v & 0x3ff)) as wchar_t);
                } else {
                    units.push(c as wchar_t);
                }
            }
            units
        };
        self.unicode_from_wide_char(&wide)
    }

    /// A new `str` of `len` ASCII characters, which `fill` writes: the
    /// way to build text that is ASCII by construction (hex digits, a
    /// number, an identifier) without UTF-8 validation or decoding.
    ///
    /// `fill` gets `len` zero bytes to overwrite. In the CPython ABI they
    /// are the new `str`'s own characters (C's `PyUnicode_New(len, 127)`
    /// and writing its data, one copy less than decoding a buffer);
    /// elsewhere a scratch buffer that is then decoded
    /// (`HPyUnicode_DecodeASCII`). A byte above 127 left in them is a
    /// `ValueError`, on every host, and the `str` is discarded.
    ///
    /// ```
    /// use hpy::{Context, HPyResult, Str};
    ///
    /// /// `n` in binary, as `format(n, "b")` writes it.
    /// fn binary<'ctx>(ctx: Context<'ctx>, n: u32) -> HPyResult<Str<'ctx>> {
    ///     let digits = (u32::BITS - n.leading_zeros()).max(1) as usize;
    ///     ctx.new_ascii_str(digits, |out| {
    ///         for (i, c) in out.iter_mut().rev().enumerate() {
    ///             *c = b'0' + ((n >> i) & 1) as u8;
    ///         }
    ///     })
    /// }
    /// ```
    #[inline]
    pub fn new_ascii_str(self, len: usize, fill: impl FnOnce(&mut [u8])) -> HPyResult<Str<'ctx>> {
        if let Some(made) = crate::abi::ascii_str_uninit(self, len) {
            let (handle, data) = made?;
            // SAFETY: `data` is the new str's `len` bytes of character data
            // (`ascii_str_uninit`), which nothing else reads or writes until
            // it is returned: zeroed first, so that `fill` sees initialised
            // bytes.
            let chars = unsafe {
                core::ptr::write_bytes(data, 0, len);
                core::slice::from_raw_parts_mut(data, len)
            };
            fill(chars);
            if !chars.is_ascii() {
                return Err(not_ascii());
            }
            return Ok(Str(handle));
        }
        self.decode_written_ascii(len, fill)
    }

    /// A new `str` of the ASCII bytes `text`: the way to hand over text a
    /// Rust buffer already holds (an encoder's output) in the fewest
    /// passes over it. A byte above 127 is a `ValueError`, on every host.
    ///
    /// In the CPython ABI and on hpy_rs_universal's plain context the
    /// bytes are checked, then copied straight into the new `str`'s
    /// characters (C's `PyUnicode_New(len, 127)` and a `memcpy`).
    /// Elsewhere text of up to 128 bytes is checked as it is copied to the
    /// stack (one pass) and made by `HPyUnicode_FromString` on the hosts
    /// where that is cheaper; longer text is decoded in place by the host
    /// (`HPyUnicode_DecodeASCII`), which checks every byte itself, so it
    /// is not checked here first: the host's refusal is replaced by the
    /// same `ValueError`. On PyPy that check, a byte at a time, is most of
    /// what making a long `str` costs (docs/perf/ujson.md).
    ///
    /// ```
    /// use hpy::{Context, HPyResult, Str};
    ///
    /// fn joined<'ctx>(ctx: Context<'ctx>, words: &[&str]) -> HPyResult<Str<'ctx>> {
    ///     let text = words.join(",");
    ///     ctx.new_str_from_ascii(text.as_bytes())
    /// }
    /// ```
    pub fn new_str_from_ascii(self, text: &[u8]) -> HPyResult<Str<'ctx>> {
        let len = text.len();
        let nul_terminated = crate::abi::nul_terminated_text_is_cheaper(self);
        if len < SHORT_ASCII && nul_terminated {
            return match short_ascii_into_str(self, text) {
                Some(made) => made.map(Str),
                None => Err(not_ascii_text()),
            };
        }
        let host_checks = len >= SHORT_ASCII && nul_terminated;
        if !host_checks && !text.is_ascii() {
            return Err(not_ascii_text());
        }
        if let Some(made) = crate::abi::ascii_str_uninit(self, len) {
            let (handle, data) = made?;
            if host_checks && !text.is_ascii() {
                // Not written: dropping it reads none of its characters.
                drop(handle);
                return Err(not_ascii_text());
            }
            // SAFETY: `data` is the new str's `len` bytes of character data
            // (`ascii_str_uninit`), which nothing else reads or writes until
            // it is returned; `text` is `len` ASCII bytes elsewhere
            // (checked above on either branch).
            unsafe { core::ptr::copy_nonoverlapping(text.as_ptr(), data, len) };
            return Ok(Str(handle));
        }
        self.decode_ascii(text, None).map_err(|e| {
            if text.is_ascii() {
                e
            } else {
                // The host's UnicodeDecodeError, cleared by the drop.
                drop(e);
                not_ascii_text()
            }
        })
    }

    /// [`new_ascii_str`](Context::new_ascii_str) where no host call makes an
    /// unwritten `str`: written to a scratch buffer, then made into a `str`
    /// as [`new_str_from_ascii`](Context::new_str_from_ascii) makes one (a
    /// short one from a NUL-terminated copy where that is cheaper).
    fn decode_written_ascii(
        self,
        len: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> HPyResult<Str<'ctx>> {
        let mut stack = [0u8; SHORT_ASCII - 1];
        let mut heap = Vec::new();
        let chars = if len < SHORT_ASCII {
            &mut stack[..len]
        } else {
            heap.resize(len, 0);
            &mut heap[..]
        };
        fill(chars);
        if len < SHORT_ASCII && crate::abi::nul_terminated_text_is_cheaper(self) {
            return match short_ascii_into_str(self, chars) {
                Some(made) => made.map(Str),
                None => Err(not_ascii()),
            };
        }
        if !chars.is_ascii() {
            return Err(not_ascii());
        }
        self.decode_ascii(chars, None)
    }

    /// Decodes ASCII bytes into a `str` (`HPyUnicode_DecodeASCII`), with an
    /// error handler name (`None` means `"strict"`: `UnicodeDecodeError` for
    /// bytes above 127), like `data.decode("ascii", errors)`.
    pub fn decode_ascii(self, data: &[u8], errors: Option<&str>) -> HPyResult<Str<'ctx>> {
        let len = ssize(data.len())?;
        with_opt_cstr(errors, |errors| {
            // SAFETY: pointer and length describe `data`; `errors` is null
            // or NUL-terminated; the result is owned or HPy_NULL.
            unsafe {
                self.wrap_result(hpy_sys::HPyUnicode_DecodeASCII(
                    self.as_raw(),
                    data.as_ptr().cast(),
                    len,
                    errors,
                ))
                .map(Str)
            }
        })
    }

    /// Decodes Latin-1 bytes into a `str` (`HPyUnicode_DecodeLatin1`), like
    /// `data.decode("latin-1", errors)` (which cannot fail).
    pub fn decode_latin1(self, data: &[u8], errors: Option<&str>) -> HPyResult<Str<'ctx>> {
        let len = ssize(data.len())?;
        with_opt_cstr(errors, |errors| {
            // SAFETY: as in `decode_ascii`.
            unsafe {
                self.wrap_result(hpy_sys::HPyUnicode_DecodeLatin1(
                    self.as_raw(),
                    data.as_ptr().cast(),
                    len,
                    errors,
                ))
                .map(Str)
            }
        })
    }

    /// Decodes a C string in the file-system encoding (with the
    /// `surrogateescape` handler on POSIX), like `os.fsdecode`
    /// (`HPyUnicode_DecodeFSDefault`).
    pub fn decode_fs_default(self, path: &CStr) -> HPyResult<Str<'ctx>> {
        // SAFETY: `path` is NUL-terminated; the result is owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyUnicode_DecodeFSDefault(
                self.as_raw(),
                path.as_ptr(),
            ))
            .map(Str)
        }
    }

    /// Decodes bytes in the file-system encoding, like `os.fsdecode`
    /// (`HPyUnicode_DecodeFSDefaultAndSize`). Unlike
    /// [`decode_fs_default`](Context::decode_fs_default) it takes a length.
    pub fn decode_fs_default_and_size(self, path: &[u8]) -> HPyResult<Str<'ctx>> {
        let len = ssize(path.len())?;
        // SAFETY: pointer and length describe `path`; owned or HPy_NULL.
        unsafe {
            self.wrap_result(hpy_sys::HPyUnicode_DecodeFSDefaultAndSize(
                self.as_raw(),
                path.as_ptr().cast(),
                len,
            ))
            .map(Str)
        }
    }

    /// `str(obj, encoding, errors)` for a bytes-like `obj`
    /// (`HPyUnicode_FromEncodedObject`; `None` means `"utf-8"` and
    /// `"strict"`). A `str` raises `TypeError`, as in CPython.
    ///
    /// PyPy 7.3.19 accepts only `bytes` and buffer objects such as
    /// `memoryview` here, not `bytearray` (`TypeError: decoding bytearray is
    /// not supported`).
    pub fn unicode_from_encoded_object(
        self,
        obj: &Handle<'ctx>,
        encoding: Option<&str>,
        errors: Option<&str>,
    ) -> HPyResult<Str<'ctx>> {
        with_opt_cstr(encoding, |encoding| {
            with_opt_cstr(errors, |errors| {
                // SAFETY: valid handle; `encoding` and `errors` are null or
                // NUL-terminated; the result is owned or HPy_NULL.
                unsafe {
                    self.wrap_result(hpy_sys::HPyUnicode_FromEncodedObject(
                        self.as_raw(),
                        obj.as_raw(),
                        encoding,
                        errors,
                    ))
                    .map(Str)
                }
            })
        })
    }
}

impl<'ctx> Str<'ctx> {
    /// The string as UTF-8, borrowed without copying for as long as the
    /// handle is (`HPyUnicode_AsUTF8AndSize`). Fails with
    /// `UnicodeEncodeError` for strings that are not valid Unicode (lone
    /// surrogates).
    #[inline]
    pub fn to_str(&self) -> HPyResult<&str> {
        let (obj, ctx) = (&self.0, self.context());
        // SAFETY: a live str of this context.
        if let Some(ascii) = unsafe { crate::abi::ascii_str_bytes(ctx.as_raw(), obj.as_raw()) } {
            // SAFETY: ASCII text, which is UTF-8, living as long as the
            // object, which `self` keeps alive for the borrow.
            return Ok(unsafe { core::str::from_utf8_unchecked(ascii) });
        }
        let mut len: hpy_sys::HPy_ssize_t = 0;
        // SAFETY: `obj` is a str; on success the buffer holds `len` bytes and
        // lives as long as the object, which `self` keeps alive for the borrow.
        // They are the UTF-8 HPy's contract for the call promises (trusted as
        // the buffer's length is), lone surrogates excepted where a host's
        // quirk lets them through: those are looked for below.
        unsafe {
            let data = hpy_sys::HPyUnicode_AsUTF8AndSize(ctx.as_raw(), obj.as_raw(), &mut len);
            if data.is_null() {
                return Err(HPyErr::raised(ctx));
            }
            let bytes = core::slice::from_raw_parts(data.cast::<u8>(), len as usize);
            if crate::abi::host_has(crate::abi::Quirk::Utf8MayHoldSurrogates)
                && !crate::abi::utf8_is_valid(ctx.as_raw())
                && holds_surrogate(bytes)
            {
                return Err(raise_surrogate_error(obj));
            }
            // CPython's UTF-8 cache (the CPython ABI, hpy_rs_universal's
            // plain context: `utf8_is_valid`) is valid UTF-8: it refuses
            // surrogates. Other hosts hand out UTF-8 too, except that a
            // lone surrogate may be there in its 3-byte form (PyPy's str
            // is WTF-8: `Quirk::Utf8MayHoldSurrogates`), which
            // `holds_surrogate` found none of.
            Ok(core::str::from_utf8_unchecked(bytes))
        }
    }

    /// `self.encode("utf-8")` (`HPyUnicode_AsUTF8String`).
    #[inline]
    pub fn as_utf8_string(&self) -> HPyResult<Bytes<'ctx>> {
        let ctx = self.context();
        // SAFETY: `self` is a str; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_AsUTF8String(
                ctx.as_raw(),
                self.as_raw(),
            ))
            .map(Bytes)
        }
    }

    /// `self.encode("ascii")` (`HPyUnicode_AsASCIIString`).
    #[inline]
    pub fn as_ascii_string(&self) -> HPyResult<Bytes<'ctx>> {
        let ctx = self.context();
        // SAFETY: `self` is a str; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_AsASCIIString(
                ctx.as_raw(),
                self.as_raw(),
            ))
            .map(Bytes)
        }
    }

    /// `self.encode("latin-1")` (`HPyUnicode_AsLatin1String`).
    #[inline]
    pub fn as_latin1_string(&self) -> HPyResult<Bytes<'ctx>> {
        let ctx = self.context();
        // SAFETY: `self` is a str; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_AsLatin1String(
                ctx.as_raw(),
                self.as_raw(),
            ))
            .map(Bytes)
        }
    }

    /// `os.fsencode(self)` for a `str` (`HPyUnicode_EncodeFSDefault`).
    #[inline]
    pub fn encode_fs_default(&self) -> HPyResult<Bytes<'ctx>> {
        let ctx = self.context();
        // SAFETY: `self` is a str; the result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_EncodeFSDefault(
                ctx.as_raw(),
                self.as_raw(),
            ))
            .map(Bytes)
        }
    }

    /// `ord(self[index])` (`HPyUnicode_ReadChar`): like
    /// [`read_char`](Str::read_char), but a lone surrogate is a code point
    /// like any other.
    #[inline]
    pub fn read_code_point(&self, index: usize) -> HPyResult<u32> {
        let index = HPy_ssize_t::try_from(index)
            .map_err(|_| HPyErr::index_error("string index out of range"))?;
        let ctx = self.context();
        // SAFETY: `self` is a str; (HPy_UCS4)-1 with an exception set on
        // failure (an index out of range).
        let c = unsafe { hpy_sys::HPyUnicode_ReadChar(ctx.as_raw(), self.as_raw(), index) };
        if c == u32::MAX && ctx.err_occurred() {
            return Err(HPyErr::raised(ctx));
        }
        Ok(c)
    }

    /// `self[index]` as a Rust `char` (`HPyUnicode_ReadChar`). `index`
    /// counts code points from 0 (no negative indexing); out of range is an
    /// `IndexError` and a lone surrogate (which no `char` can hold) a
    /// `ValueError`.
    pub fn read_char(&self, index: usize) -> HPyResult<char> {
        let c = self.read_code_point(index)?;
        char::from_u32(c).ok_or_else(|| {
            HPyErr::value_error(format!(
                "character U+{c:04X} at index {index} is a lone surrogate"
            ))
        })
    }

    /// `self[start:end]` for a `str`, in code points
    /// (`HPyUnicode_Substring`): `end` past the length is clamped, `end <=
    /// start` gives `""`.
    pub fn substring(&self, start: usize, end: usize) -> HPyResult<Str<'ctx>> {
        let ctx = self.context();
        let clamp = |i: usize| HPy_ssize_t::try_from(i).unwrap_or(HPy_ssize_t::MAX);
        // SAFETY: `self` is a str and both indices are non-negative; the
        // result is owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_Substring(
                ctx.as_raw(),
                self.as_raw(),
                clamp(start),
                clamp(end),
            ))
            .map(Str)
        }
    }
}

/// Whether `text`, the UTF-8 of a `str` as a host hands it out (valid
/// UTF-8 but for lone surrogates in their 3-byte form, `ED A0..BF xx`),
/// holds a surrogate.
///
/// In such text `0xED` is only ever a lead byte, and it starts a surrogate
/// exactly when the byte after it is `0xA0` or more. The scan for `0xED`
/// goes 32 bytes at a time without a branch per byte (the compiler
/// vectorises it): on PyPy this replaced a whole UTF-8 validation of every
/// borrowed `str`, 9% of the time of encoding 256 non-ASCII strings to
/// JSON (docs/perf/ujson.md).
#[inline]
fn holds_surrogate(text: &[u8]) -> bool {
    const LEAD: u8 = 0xed;
    let starts_one = |i: usize| text.get(i + 1).is_some_and(|&next| next >= 0xa0);
    let mut chunks = text.chunks_exact(32);
    let mut base = 0;
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |seen, &b| seen | (b == LEAD)) {
            let hit = chunk
                .iter()
                .enumerate()
                .any(|(i, &b)| b == LEAD && starts_one(base + i));
            if hit {
                return true;
            }
        }
        base += 32;
    }
    chunks
        .remainder()
        .iter()
        .enumerate()
        .any(|(i, &b)| b == LEAD && starts_one(base + i))
}

/// Non-ASCII text of this many bytes or more becomes a `str` through a
/// `bytes` object where NUL-terminated text is otherwise the cheaper way
/// in (PyPy): `HPyUnicode_FromString` there checks the text a byte at a
/// time, where decoding a `bytes` object as UTF-8 does not. Per `str`
/// (bench/c/ujson_floor's `strs`, PyPy 7.3.19): 109 bytes, 65 ns against
/// 79; 298 bytes, 186 against 131 (`HPyUnicode_FromWideChar`: 270).
const LONG_TEXT: usize = 256;

/// A `str` of the UTF-8 text `s` made from a `bytes` object of it
/// (`HPyBytes_FromStringAndSize`, then `HPyUnicode_FromEncodedObject`,
/// strict UTF-8), where that is the cheaper way (see [`LONG_TEXT`]);
/// `None` elsewhere.
#[inline]
pub(crate) fn long_utf8_into_str<'ctx>(
    ctx: Context<'ctx>,
    s: &str,
) -> Option<HPyResult<Handle<'ctx>>> {
    if s.len() < LONG_TEXT || !crate::abi::nul_terminated_text_is_cheaper(ctx) {
        return None;
    }
    let made = ctx.new_bytes(s.as_bytes()).and_then(|bytes| {
        // SAFETY: a valid `bytes` handle and a static NUL-terminated
        // encoding (no errors argument: strict); the result is owned or
        // HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPyUnicode_FromEncodedObject(
                ctx.as_raw(),
                bytes.as_raw(),
                c"utf-8".as_ptr(),
                core::ptr::null(),
            ))
        }
    });
    Some(made)
}

/// Raises the `UnicodeEncodeError` CPython raises for a str with a lone
/// surrogate, by letting the interpreter try `obj.encode("utf-8")`.
#[cold]
pub(crate) fn raise_surrogate_error(obj: &Handle<'_>) -> HPyErr {
    let ctx = obj.context();
    let attempt = || -> HPyResult<Handle<'_>> {
        // SAFETY: valid handle and a static NUL-terminated name; the result
        // is owned or HPy_NULL.
        let encode = unsafe {
            ctx.wrap_result(hpy_sys::HPy_GetAttr_s(
                ctx.as_raw(),
                obj.as_raw(),
                c"encode".as_ptr(),
            ))?
        };
        let encoding = "utf-8".into_hpy(ctx)?;
        let args = [encoding.as_raw()];
        // SAFETY: a valid callable and one valid argument; the result is
        // owned or HPy_NULL.
        unsafe {
            ctx.wrap_result(hpy_sys::HPy_Call(
                ctx.as_raw(),
                encode.as_raw(),
                args.as_ptr(),
                1,
                hpy_sys::HPy_NULL,
            ))
        }
    };
    match attempt() {
        Err(e) => e,
        Ok(_) => HPyErr::new(
            HPyConstant::UnicodeError,
            "str is not valid UTF-8 (lone surrogate)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::holds_surrogate;

    /// `text` as PyPy stores it: UTF-8, lone surrogates in their 3-byte form.
    fn wtf8(units: &[u32]) -> Vec<u8> {
        let mut out = Vec::new();
        for &u in units {
            match char::from_u32(u) {
                Some(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
                None => out.extend_from_slice(&[
                    0xe0 | (u >> 12) as u8,
                    0x80 | ((u >> 6) & 0x3f) as u8,
                    0x80 | (u & 0x3f) as u8,
                ]),
            }
        }
        out
    }

    #[test]
    fn surrogates_are_found_at_every_offset() {
        for len in [0usize, 1, 31, 32, 33, 64, 100] {
            let plain: Vec<u32> = (0..len as u32)
                .map(|i| [0x41, 0x645, 0xd7ff, 0xe000, 0x1f642][i as usize % 5])
                .collect();
            assert!(
                !holds_surrogate(&wtf8(&plain)),
                "no surrogate in {len} characters"
            );
            for at in 0..=len {
                for lone in [0xd800, 0xdbff, 0xdc00, 0xdfff] {
                    let mut units = plain.clone();
                    units.insert(at, lone);
                    assert!(
                        holds_surrogate(&wtf8(&units)),
                        "U+{lone:X} at {at} of {len}"
                    );
                }
            }
        }
    }
}
