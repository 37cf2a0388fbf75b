//! The encoder: walks Python objects and writes JSON text into one byte
//! buffer, which becomes the result `str` at the end.
//!
//! The objects are tried in ujson 6.1.0's order (bool, int, bytes when
//! allowed, str, None, float or `decimal.Decimal`, dict, list, tuple, an
//! object with `toDict()`, one with `__json__()`, the `default` callable,
//! else a `TypeError`), and written as ujson writes them. Nesting deeper
//! than 1024 levels is an `OverflowError`, so the recursion is bounded.

use hpy::{
    Builtin, BuiltinKind, Constant, Context, Dict, DictItems, DictType, HPyErr, HPyResult, Handle,
    Int, IntoHPy, List, Str,
};

use crate::float::{write_f64, write_u64};
use crate::objects::{bytes_of, is_decimal};

/// ujson's `JSON_MAX_RECURSION_DEPTH`.
const MAX_LEVEL: u32 = 1024;
/// How many times `default` may be applied to one value before ujson
/// gives up (`DEFAULT_FN_MAX_DEPTH`).
const DEFAULT_MAX: u32 = 3;

/// The options of one `dumps` call.
pub(crate) struct Options<'ctx> {
    pub ensure_ascii: bool,
    pub html: bool,
    pub slashes: bool,
    pub sort_keys: bool,
    /// ujson's indent: negative (only `-1`) means "no newlines, but `": "`".
    pub indent: i32,
    pub allow_nan: bool,
    pub reject_bytes: bool,
    pub default: Option<Handle<'ctx>>,
    pub item_sep: Vec<u8>,
    pub key_sep: Vec<u8>,
}

/// ujson's error for an invalid value, raised as `OverflowError`.
fn overflow(msg: &'static str) -> HPyErr {
    HPyErr::overflow_error(msg)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `\uXXXX` of every code point below U+0800 (what a 1- or 2-byte UTF-8
/// sequence encodes), made at compile time: the escape of a 2-byte
/// character is one lookup.
static UNIT_ESCAPES: [[u8; 6]; 0x800] = {
    let mut table = [[0u8; 6]; 0x800];
    let mut u = 0;
    while u < 0x800 {
        table[u] = [
            b'\\',
            b'u',
            b'0',
            HEX[(u >> 8) & 15],
            HEX[(u >> 4) & 15],
            HEX[u & 15],
        ];
        u += 1;
    }
    table
};

/// The eight bytes at `text[at..]` as a little-endian word when they are
/// four well-formed 2-byte characters (lead bytes `0xc2..=0xdf`, each
/// followed by a continuation byte).
#[inline(always)]
fn four_two_byte_chars(text: &[u8], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = text.get(at..at + 8)?.try_into().ok()?;
    let word = u64::from_le_bytes(bytes);
    // Each 16-bit lane: a lead `110xxxxx` (low byte), then `10xxxxxx`.
    const PATTERN_MASK: u64 = 0xc0e0_c0e0_c0e0_c0e0;
    const PATTERN: u64 = 0x80c0_80c0_80c0_80c0;
    // A lead of `0xc0` or `0xc1` (overlong) has bits 1-4 clear: each
    // lane's `lead & 0x1e` must be nonzero, which adding `0x7fff` carries
    // into the lane's top bit (no lane overflows into the next).
    const LEAD_BITS: u64 = 0x001e_001e_001e_001e;
    const CARRY: u64 = 0x7fff_7fff_7fff_7fff;
    const TOPS: u64 = 0x8000_8000_8000_8000;
    let well_formed = word & PATTERN_MASK == PATTERN && ((word & LEAD_BITS) + CARRY) & TOPS == TOPS;
    well_formed.then_some(word)
}

thread_local! {
    /// The output buffer of the thread's last `dumps`, emptied, kept for
    /// the next one. A buffer made anew each call is hundreds of kilobytes
    /// for a large document, which the allocator maps and unmaps each
    /// time: 256 non-ASCII strings (a 214 KB result) took 73 page faults
    /// a call, some 40 µs of the 190 on CPython 3.14. A `dumps` called
    /// while another runs (from a `default` callable) finds no buffer
    /// here and makes its own.
    static OUTPUT: core::cell::Cell<Vec<u8>> = const { core::cell::Cell::new(Vec::new()) };
}

/// The largest buffer kept between calls: a rare huge document's is freed.
const KEPT_OUTPUT: usize = 4 << 20;

/// The text of one `dumps` call.
pub(crate) struct Encoder<'o, 'ctx> {
    ctx: Context<'ctx>,
    opts: &'o Options<'ctx>,
    out: Vec<u8>,
    /// Whether a byte of a string is written as it is (no escape, not the
    /// start of a character above 127 that `ensure_ascii` escapes), for
    /// these options.
    plain: [bool; 256],
    /// `dict`, found at the first object written (see `open_dict`).
    dict_type: core::cell::OnceCell<DictType<'ctx>>,
}

impl Drop for Encoder<'_, '_> {
    /// Hands the buffer back for the thread's next `dumps` (see `OUTPUT`).
    fn drop(&mut self) {
        if self.out.capacity() <= KEPT_OUTPUT {
            let mut out = core::mem::take(&mut self.out);
            out.clear();
            OUTPUT.with(|spare| spare.set(out));
        }
    }
}

/// An array or object being written: the next item to write.
enum Open<'ctx> {
    Seq {
        obj: Handle<'ctx>,
        len: usize,
        next: usize,
        /// The kind of the first item: a list is mostly of one kind, so
        /// each item is asked that kind first.
        likely: BuiltinKind,
    },
    /// A dict written in its own order, from its items.
    Map {
        items: DictItems<'ctx>,
        written: usize,
    },
    /// A dict written with `sort_keys`: its sorted keys, each looked up.
    Sorted {
        dict: Dict<'ctx>,
        keys: List<'ctx>,
        len: usize,
        next: usize,
    },
}

/// A key's text: borrowed from a `str` or `bytes`, or owned.
enum KeyText<'h> {
    Borrowed(&'h [u8]),
    Owned(Vec<u8>),
    Literal(&'static [u8]),
}

impl<'o, 'ctx> Encoder<'o, 'ctx> {
    pub(crate) fn new(ctx: Context<'ctx>, opts: &'o Options<'ctx>) -> Self {
        let mut plain = [false; 256];
        for (c, p) in plain.iter_mut().enumerate() {
            let c = c as u8;
            let escaped = c < 0x20
                || c == b'"'
                || c == b'\\'
                || (c == b'/' && opts.slashes)
                || (opts.html && (c == b'&' || c == b'<' || c == b'>'));
            // With ensure_ascii, a lead byte starts a character to escape
            // (or an error); continuation bytes and 0xfe/0xff are copied
            // as they are, as ujson's table does.
            let lead = opts.ensure_ascii && (0xc0..=0xfd).contains(&c);
            *p = !escaped && !lead;
        }
        Encoder {
            ctx,
            opts,
            out: OUTPUT.with(|spare| spare.take()),
            plain,
            dict_type: core::cell::OnceCell::new(),
        }
    }

    /// The text written so far.
    pub(crate) fn text(&self) -> &[u8] {
        &self.out
    }

    fn newline_indent(&mut self, level: u32) {
        if self.opts.indent > 0 {
            self.out.push(b'\n');
            let n = self.opts.indent as usize * level as usize;
            self.out.resize(self.out.len() + n, b' ');
        }
    }

    /// Writes `obj`, the whole document, into `out`.
    ///
    /// Arrays and objects being written are kept on `stack`, not on the
    /// machine's stack: nesting costs no recursion (PyPy bounds the C
    /// stack at well under a megabyte and aborts when an HPy call finds it
    /// exhausted, which `toDict` or `default` cycles would reach), and the
    /// depth limit is ujson's 1024.
    pub(crate) fn document(&mut self, obj: &Handle<'ctx>) -> HPyResult<()> {
        let mut stack: Vec<Open<'ctx>> = Vec::new();
        let mut current = obj.dup();
        let mut likely = BuiltinKind::Other;
        loop {
            if stack.len() as u32 > MAX_LEVEL {
                return Err(overflow("Maximum recursion level reached"));
            }
            self.one(current, likely, &mut stack)?;
            // The next item of the innermost open container, closing the
            // ones that are done.
            loop {
                let level = stack.len() as u32;
                let Some(open) = stack.last_mut() else {
                    return Ok(());
                };
                match open {
                    Open::Seq {
                        obj,
                        len,
                        next,
                        likely: first,
                    } if *next < *len => {
                        let item = obj.get_item_i(*next as isize)?;
                        if *next == 0 {
                            *first = item.builtin_kind();
                        }
                        likely = *first;
                        if *next > 0 {
                            self.out.extend_from_slice(&self.opts.item_sep);
                        }
                        *next += 1;
                        self.newline_indent(level);
                        current = item;
                        break;
                    }
                    Open::Map { items, written } => {
                        let Some(item) = items.next() else {
                            let written = *written;
                            self.close(&mut stack, level, b'}', written);
                            continue;
                        };
                        let (key, value) = item?;
                        *written += 1;
                        likely = BuiltinKind::Other;
                        self.item(&key, *written, level)?;
                        current = value;
                        break;
                    }
                    Open::Sorted {
                        dict,
                        keys,
                        len,
                        next,
                    } if *next < *len => {
                        let key = keys.get_item_i(*next as isize)?;
                        let Some(value) = dict.get(&key)? else {
                            return Err(HPyErr::runtime_error(
                                "dictionary changed size during iteration",
                            ));
                        };
                        *next += 1;
                        let written = *next;
                        likely = BuiltinKind::Other;
                        self.item(&key, written, level)?;
                        current = value;
                        break;
                    }
                    _ => {
                        let (close, len) = match open {
                            Open::Seq { len, .. } => (b']', *len),
                            Open::Map { written, .. } => (b'}', *written),
                            Open::Sorted { len, .. } => (b'}', *len),
                        };
                        if len > 0 {
                            self.newline_indent(level - 1);
                        }
                        self.out.push(close);
                        stack.pop();
                    }
                }
            }
        }
    }

    /// Closes the innermost open container, which wrote `written` items.
    fn close(&mut self, stack: &mut Vec<Open<'ctx>>, level: u32, close: u8, written: usize) {
        if written > 0 {
            self.newline_indent(level - 1);
        }
        self.out.push(close);
        stack.pop();
    }

    /// Writes the separator before the `written`-th item of an object
    /// (counted from 1), and its key.
    fn item(&mut self, key: &Handle<'ctx>, written: usize, level: u32) -> HPyResult<()> {
        let name = self.key_text(key)?;
        if written > 1 {
            self.out.extend_from_slice(&self.opts.item_sep);
        }
        self.newline_indent(level);
        let bytes: &[u8] = match &name {
            KeyText::Borrowed(b) => b,
            KeyText::Owned(v) => v,
            KeyText::Literal(l) => l,
        };
        self.string(bytes)?;
        self.out.extend_from_slice(&self.opts.key_sep);
        Ok(())
    }

    /// Writes `obj` if it is a scalar; opens it on `stack` if it is
    /// written as an array or object (taking the handle: no second one to
    /// close). Its kind is asked `likely` first (see
    /// `Handle::builtin_kind_likely`).
    ///
    /// An opened container goes onto the stack here rather than back to
    /// the caller: returned as `HPyResult<Option<Open>>` it was copied
    /// through two results on the machine's stack, whose odd offsets
    /// (after a one-byte tag) cost partial-store forwarding stalls on
    /// every dict and list (the universal ABI's handles, two words each,
    /// made it larger).
    fn one(
        &mut self,
        obj: Handle<'ctx>,
        likely: BuiltinKind,
        stack: &mut Vec<Open<'ctx>>,
    ) -> HPyResult<()> {
        let mut obj = obj;
        let mut defaults = 0;
        let mut likely = likely;
        loop {
            // ujson tries bool, int, bytes, str, None, float or Decimal,
            // dict, list and tuple in turn; no object is two of them, so
            // the order of the questions does not change the answer. The
            // kind is asked once, and the typed handle it gives is read
            // without a second check.
            let (rest, other) = match obj.into_builtin_likely(likely) {
                Builtin::True => {
                    self.out.extend_from_slice(b"true");
                    return Ok(());
                }
                Builtin::False => {
                    self.out.extend_from_slice(b"false");
                    return Ok(());
                }
                Builtin::Int(int) => return self.int(&int),
                Builtin::Bytes(bytes) if !self.opts.reject_bytes => {
                    return self.string(bytes.as_bytes()?);
                }
                Builtin::Str(s) => {
                    match s.to_str() {
                        Ok(text) => self.string(text.as_bytes())?,
                        Err(e) => {
                            let bytes = self.surrogatepass_bytes(&s, e)?;
                            self.string(bytes_of(&bytes)?)?
                        }
                    }
                    return Ok(());
                }
                Builtin::None => {
                    self.out.extend_from_slice(b"null");
                    return Ok(());
                }
                Builtin::Float(f) => return self.float_value(f.to_f64()?),
                Builtin::Dict(dict) => return self.open_dict(dict, stack),
                Builtin::List(list) => {
                    let len = list.len()?;
                    self.open_seq(list.into_handle(), len, stack);
                    return Ok(());
                }
                Builtin::Tuple(tuple) => {
                    let len = tuple.len()?;
                    self.open_seq(tuple.into_handle(), len, stack);
                    return Ok(());
                }
                Builtin::Bytes(bytes) => (bytes.into_handle(), false),
                Builtin::Other(other) => (other, true),
            };
            obj = rest;
            if other && is_decimal(self.ctx, &obj)? {
                return self.float(&obj);
            }
            if obj.has_attr_s("toDict")? {
                let dict = obj.call_method0("toDict")?;
                if !dict.is_dict() {
                    return Err(HPyErr::type_error(format!(
                        "toDict() should return a dict, got {}",
                        type_name(&dict)?
                    )));
                }
                return self.open_map(dict, stack);
            }
            if obj.has_attr_s("__json__")? {
                let raw = obj.call_method0("__json__")?;
                if raw.is_bytes() {
                    self.out.extend_from_slice(bytes_of(&raw)?);
                } else if let Some(s) = raw.downcast_ref::<Str>() {
                    match s.to_str() {
                        Ok(text) => self.out.extend_from_slice(text.as_bytes()),
                        Err(e) => {
                            let bytes = self.surrogatepass_bytes(&raw, e)?;
                            self.out.extend_from_slice(bytes_of(&bytes)?);
                        }
                    }
                } else {
                    return Err(HPyErr::type_error(format!(
                        "__json__() should return str or bytes, got {}",
                        type_name(&raw)?
                    )));
                }
                return Ok(());
            }
            if let Some(default) = &self.opts.default {
                if defaults >= DEFAULT_MAX {
                    return Err(HPyErr::type_error("maximum recursion depth exceeded"));
                }
                obj = default.call(&[&obj])?;
                likely = BuiltinKind::Other;
                defaults += 1;
                continue;
            }
            let repr = obj.repr()?;
            return Err(HPyErr::type_error(format!(
                "{repr} is not JSON serializable"
            )));
        }
    }

    /// A `float` or `decimal.Decimal`, written as ujson writes a double.
    fn float(&mut self, obj: &Handle<'ctx>) -> HPyResult<()> {
        self.float_value(obj.as_f64()?)
    }

    /// A double, as ujson writes it.
    fn float_value(&mut self, v: f64) -> HPyResult<()> {
        if !write_f64(&mut self.out, v, self.opts.allow_nan) {
            return Err(overflow("Invalid value when encoding double"));
        }
        Ok(())
    }

    /// `text` encoded with `surrogatepass`, after `to_str` failed with
    /// `err` (a str with lone surrogates).
    #[cold]
    fn surrogatepass_bytes(&self, obj: &Handle<'ctx>, err: HPyErr) -> HPyResult<Handle<'ctx>> {
        drop(err.catch(self.ctx)?);
        let ctx = self.ctx;
        let encoding = "utf-8".into_hpy(ctx)?;
        let errors = "surrogatepass".into_hpy(ctx)?;
        obj.get_attr_s("encode")?.call(&[&encoding, &errors])
    }

    fn int(&mut self, obj: &Int<'ctx>) -> HPyResult<()> {
        let mut buf = [0u8; 24];
        match obj.to_i64() {
            Ok(v) => {
                if v < 0 {
                    self.out.push(b'-');
                }
                self.out
                    .extend_from_slice(write_u64(&mut buf, v.unsigned_abs()));
                return Ok(());
            }
            Err(e) => self.catch_overflow(e)?,
        }
        match obj.as_u64() {
            Ok(v) => {
                self.out.extend_from_slice(write_u64(&mut buf, v));
                return Ok(());
            }
            Err(e) => self.catch_overflow(e)?,
        }
        // Beyond 64 bits: Python's decimal digits of the int's value (as
        // ujson's `PyNumber_ToBase(obj, 10)`, bound by Python's limit on
        // the digits of an int written as text).
        let exact = self.ctx.builtin("int")?.call(&[obj])?;
        let text = exact.repr()?;
        self.out.extend_from_slice(text.as_bytes());
        Ok(())
    }

    /// Clears an `OverflowError`; any other error is returned.
    fn catch_overflow(&self, e: HPyErr) -> HPyResult<()> {
        let ctx = self.ctx;
        if e.matches(ctx, &ctx.constant(Constant::OverflowError)) {
            drop(e.catch(ctx)?);
            Ok(())
        } else {
            Err(e)
        }
    }

    /// A string's UTF-8 (or bytes) as a JSON string.
    fn string(&mut self, text: &[u8]) -> HPyResult<()> {
        // The longest escape is 6 bytes a byte (`\u00XX`); reserving it
        // up front keeps the writes below from growing the buffer.
        self.out.reserve(text.len() * 6 + 2);
        self.out.push(b'"');
        if self.opts.ensure_ascii {
            self.escape_ascii(text)?;
        } else {
            self.escape_raw(text);
        }
        self.out.push(b'"');
        Ok(())
    }

    fn escape_byte(&mut self, c: u8) {
        self.out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[(c >> 4) as usize],
            HEX[(c & 15) as usize],
        ]);
    }

    /// The escape of an ASCII byte, `None` when it is written as it is.
    #[inline(always)]
    fn ascii_escape(&self, c: u8) -> Option<&'static [u8]> {
        match c {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            8 => Some(b"\\b"),
            12 => Some(b"\\f"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            b'/' if self.opts.slashes => Some(b"\\/"),
            _ => None,
        }
    }

    /// Where the first byte of `text` that may need an escape is, looked
    /// for eight bytes at a time (the zero-byte tests of a word against
    /// the control characters, `"`, the backslash, `/` when it is escaped and,
    /// with `ensure_ascii`, any byte above 127); the length when there is
    /// none. Conservative: the byte loops after it decide.
    #[inline]
    fn plain_prefix(&self, text: &[u8]) -> usize {
        if self.opts.html {
            return 0;
        }
        const ONES: u64 = u64::from_ne_bytes([1; 8]);
        const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
        // Some byte of `v` is below `n` (n <= 128), exactly when nonzero.
        let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGHS;
        let equal = |v: u64, b: u8| below(v ^ (ONES * u64::from(b)), 1);
        let high = if self.opts.ensure_ascii { HIGHS } else { 0 };
        let slash = if self.opts.slashes { b'/' } else { b'"' };
        let mut i = 0;
        while let Some(chunk) = text.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let v = u64::from_ne_bytes(word);
            if below(v, 0x20) | (v & high) | equal(v, b'"') | equal(v, b'\\') | equal(v, slash) != 0
            {
                break;
            }
            i += 8;
        }
        i
    }

    /// ensure_ascii=False: bytes above 127 are copied as they are.
    fn escape_raw(&mut self, text: &[u8]) {
        let start = self.plain_prefix(text);
        let (head, text) = text.split_at(start);
        self.out.extend_from_slice(head);
        let mut run = 0;
        for (i, &c) in text.iter().enumerate() {
            if self.plain[c as usize] {
                continue;
            }
            self.out.extend_from_slice(&text[run..i]);
            run = i + 1;
            match self.ascii_escape(c) {
                Some(esc) => self.out.extend_from_slice(esc),
                None => self.escape_byte(c),
            }
        }
        self.out.extend_from_slice(&text[run..]);
    }

    /// ensure_ascii=True: every character above 127 as `\uXXXX` (a pair
    /// of them above U+FFFF), with ujson's checks of the UTF-8.
    fn escape_ascii(&mut self, text: &[u8]) -> HPyResult<()> {
        // A string's plain start (often all of it) a word at a time.
        let mut i = self.plain_prefix(text);
        self.out.extend_from_slice(&text[..i]);
        let n = text.len();
        while i < n {
            // A run that needs nothing.
            let run = i;
            while i < n && self.plain[text[i] as usize] {
                i += 1;
            }
            // Between two escaped characters the run is empty: no copy
            // (a call to `memcpy` of an unknown length otherwise, one per
            // character of non-ASCII text).
            if i > run {
                self.out.extend_from_slice(&text[run..i]);
            }
            if i >= n {
                break;
            }
            let c = text[i];
            if c < 0x80 {
                match self.ascii_escape(c) {
                    Some(esc) => self.out.extend_from_slice(esc),
                    None => self.escape_byte(c),
                }
                i += 1;
                continue;
            }
            // Non-ASCII text is mostly runs of 2-byte characters (Latin,
            // Greek, Cyrillic, Arabic, Hebrew ...): a run escaped at once.
            let after = self.two_byte_run(text, i);
            if after > i {
                i = after;
                continue;
            }
            let rest = &text[i..];
            let ch = match c {
                0xc0..=0xdf => {
                    if rest.len() < 2 {
                        return Err(overflow("Unterminated UTF-8 sequence when encoding string"));
                    }
                    if rest[1] & 0xc0 != 0x80 {
                        return Err(overflow(
                            "Invalid continuation byte in 2-byte UTF-8 sequence detected when encoding string",
                        ));
                    }
                    let ch = (u32::from(c & 0x1f) << 6) | u32::from(rest[1] & 0x3f);
                    if ch < 0x80 {
                        return Err(overflow(
                            "Overlong 2-byte UTF-8 sequence detected when encoding string",
                        ));
                    }
                    i += 2;
                    self.out.extend_from_slice(&UNIT_ESCAPES[ch as usize]);
                    continue;
                }
                0xe0..=0xef => {
                    if rest.len() < 3 {
                        return Err(overflow("Unterminated UTF-8 sequence when encoding string"));
                    }
                    if rest[1] & 0xc0 != 0x80 || rest[2] & 0xc0 != 0x80 {
                        return Err(overflow(
                            "Invalid continuation byte in 3-byte UTF-8 sequence detected when encoding string",
                        ));
                    }
                    let ch = (u32::from(c & 0x0f) << 12)
                        | (u32::from(rest[1] & 0x3f) << 6)
                        | u32::from(rest[2] & 0x3f);
                    if ch < 0x800 {
                        return Err(overflow(
                            "Overlong 3-byte UTF-8 sequence detected when encoding string",
                        ));
                    }
                    i += 3;
                    ch
                }
                0xf0..=0xf7 => {
                    if rest.len() < 4 {
                        return Err(overflow("Unterminated UTF-8 sequence when encoding string"));
                    }
                    if rest[1] & 0xc0 != 0x80 || rest[2] & 0xc0 != 0x80 || rest[3] & 0xc0 != 0x80 {
                        return Err(overflow(
                            "Invalid continuation byte in 4-byte UTF-8 sequence detected when encoding string",
                        ));
                    }
                    if (c >= 0xf4 && rest[1] >= 0x90) || c >= 0xf5 {
                        return Err(overflow(
                            ">U+10FFFF in 4-byte UTF-8 sequence detected when encoding string",
                        ));
                    }
                    let ch = (u32::from(c & 0x07) << 18)
                        | (u32::from(rest[1] & 0x3f) << 12)
                        | (u32::from(rest[2] & 0x3f) << 6)
                        | u32::from(rest[3] & 0x3f);
                    if ch < 0x10000 {
                        return Err(overflow(
                            "Overlong 4-byte UTF-8 sequence detected when encoding string",
                        ));
                    }
                    i += 4;
                    ch
                }
                0xf8..=0xfd => {
                    return Err(overflow(
                        "Unsupported UTF-8 sequence length when encoding string",
                    ))
                }
                // 0x80..=0xbf, 0xfe, 0xff: copied as they are (ujson's
                // table), which the final UTF-8 decoding then refuses.
                _ => {
                    self.out.push(c);
                    i += 1;
                    continue;
                }
            };
            if ch >= 0x10000 {
                let v = ch - 0x10000;
                self.unit(0xd800 + (v >> 10));
                self.unit(0xdc00 + (v & 0x3ff));
            } else {
                self.unit(ch);
            }
        }
        Ok(())
    }

    /// Escapes the run of well-formed 2-byte characters (lead byte
    /// `0xc2..=0xdf`, so never overlong) and of bytes written as they are
    /// (the space between two words) that starts at `text[i]`; returns
    /// where the run ends (`i`: none there, the checks of `escape_ascii`
    /// decide).
    ///
    /// Four characters at a time where eight bytes hold four, and into a
    /// buffer on the stack that goes to the output a few hundred bytes at
    /// a time: pushed one by one, each escape reloaded the output's length
    /// and capacity after the previous one's bytes, and each space between
    /// two words was a copy of its own.
    #[inline]
    fn two_byte_run(&mut self, text: &[u8], i: usize) -> usize {
        const STAGE: usize = 256;
        let mut stage = [0u8; STAGE];
        let mut n = 0;
        let mut at = i;
        loop {
            if n > STAGE - 24 {
                self.out.extend_from_slice(&stage[..n]);
                n = 0;
            }
            if let Some(word) = four_two_byte_chars(text, at) {
                for k in 0..4 {
                    let pair = (word >> (16 * k)) as usize;
                    let ch = ((pair & 0x1f) << 6) | ((pair >> 8) & 0x3f);
                    stage[n..n + 6].copy_from_slice(&UNIT_ESCAPES[ch]);
                    n += 6;
                }
                at += 8;
                continue;
            }
            match text[at..] {
                [lead @ 0xc2..=0xdf, cont, ..] if cont & 0xc0 == 0x80 => {
                    let ch = (usize::from(lead & 0x1f) << 6) | usize::from(cont & 0x3f);
                    stage[n..n + 6].copy_from_slice(&UNIT_ESCAPES[ch]);
                    n += 6;
                    at += 2;
                }
                // With `ensure_ascii` a lead byte is never plain: this arm
                // takes single bytes only.
                [c, ..] if self.plain[c as usize] => {
                    stage[n] = c;
                    n += 1;
                    at += 1;
                }
                _ => break,
            }
        }
        self.out.extend_from_slice(&stage[..n]);
        at
    }

    fn unit(&mut self, u: u32) {
        self.out.extend_from_slice(&[
            b'\\',
            b'u',
            HEX[((u >> 12) & 15) as usize],
            HEX[((u >> 8) & 15) as usize],
            HEX[((u >> 4) & 15) as usize],
            HEX[(u & 15) as usize],
        ]);
    }

    /// A dict opened for writing on `stack`: its items in its order, or
    /// its keys sorted, as asked.
    fn open_map(&mut self, obj: Handle<'ctx>, stack: &mut Vec<Open<'ctx>>) -> HPyResult<()> {
        self.open_dict(obj.downcast::<Dict>().map_err(HPyErr::from)?, stack)
    }

    /// A list or tuple of `len` items opened for writing on `stack`.
    #[inline(always)]
    fn open_seq(&mut self, obj: Handle<'ctx>, len: usize, stack: &mut Vec<Open<'ctx>>) {
        self.out.push(b'[');
        stack.push(Open::Seq {
            obj,
            len,
            next: 0,
            likely: BuiltinKind::Other,
        });
    }

    /// `dict`, found once, at the first dict written.
    #[cold]
    fn first_dict_type(&self) -> HPyResult<&DictType<'ctx>> {
        let found = self.ctx.dict_type()?;
        Ok(self.dict_type.get_or_init(|| found))
    }

    /// [`open_map`](Self::open_map) of a handle known to be a dict.
    ///
    /// Inline, as `Dict::into_items_with`: the universal ABI's handle is two
    /// words, which a call passes through memory, stored as two words and
    /// loaded back as one 16-byte move, a store-forwarding stall of some
    /// dozen cycles each time.
    #[inline(always)]
    fn open_dict(&mut self, dict: Dict<'ctx>, stack: &mut Vec<Open<'ctx>>) -> HPyResult<()> {
        if self.opts.sort_keys {
            return self.open_sorted(dict, stack);
        }
        let dict_type = match self.dict_type.get() {
            Some(t) => t,
            None => self.first_dict_type()?,
        };
        let items = dict.into_items_with(dict_type)?;
        self.out.push(b'{');
        stack.push(Open::Map { items, written: 0 });
        Ok(())
    }

    /// [`open_dict`](Self::open_dict) with `sort_keys`.
    fn open_sorted(&mut self, dict: Dict<'ctx>, stack: &mut Vec<Open<'ctx>>) -> HPyResult<()> {
        let keys: List<'ctx> = dict.keys()?;
        let len = keys.len()?;
        if len > 1 {
            keys.sort()?;
        }
        self.out.push(b'{');
        stack.push(Open::Sorted {
            dict,
            keys,
            len,
            next: 0,
        });
        Ok(())
    }

    /// A key's text, as ujson makes it: a str's UTF-8 (lone surrogates
    /// kept), bytes as they are, `true`/`false`/`null`, else `str(key)`.
    fn key_text<'h>(&self, key: &'h Handle<'ctx>) -> HPyResult<KeyText<'h>> {
        if let Some(s) = key.downcast_ref::<Str>() {
            return Ok(match s.to_str() {
                Ok(text) => KeyText::Borrowed(text.as_bytes()),
                Err(e) => {
                    let bytes = self.surrogatepass_bytes(key, e)?;
                    KeyText::Owned(bytes_of(&bytes)?.to_vec())
                }
            });
        }
        if key.is_bytes() {
            return Ok(KeyText::Borrowed(bytes_of(key)?));
        }
        if key.is_constant(Constant::True) {
            return Ok(KeyText::Literal(b"true"));
        }
        if key.is_constant(Constant::False) {
            return Ok(KeyText::Literal(b"false"));
        }
        if key.is_none() {
            return Ok(KeyText::Literal(b"null"));
        }
        let text = self.ctx.builtin("str")?.call(&[key])?;
        match text.downcast_ref::<Str>().map(|s| s.to_str()) {
            Some(Ok(t)) => Ok(KeyText::Owned(t.as_bytes().to_vec())),
            Some(Err(e)) => {
                let bytes = self.surrogatepass_bytes(&text, e)?;
                Ok(KeyText::Owned(bytes_of(&bytes)?.to_vec()))
            }
            None => Err(HPyErr::type_error("__str__ returned non-string")),
        }
    }
}

/// The name of `obj`'s type (`type(obj).__name__`).
fn type_name(obj: &Handle<'_>) -> HPyResult<String> {
    obj.get_type().get_attr_s("__name__")?.str()
}
