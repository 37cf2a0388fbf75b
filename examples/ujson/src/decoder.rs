//! The decoder: reads JSON text and builds the Python objects as it goes,
//! with no tree in between.
//!
//! It accepts what ujson 6.1.0 accepts and fails where it fails, with its
//! messages: a NUL byte ends the text (the C original reads a
//! NUL-terminated buffer), numbers may have leading zeros and a dangling
//! point (`01`, `1.`), `NaN`, `Infinity` and `-Infinity` are values,
//! strings are UTF-8 checked by ujson's rules (lone surrogates, written
//! or escaped, are kept), and nesting deeper than 1024 arrays or objects
//! is an error, so the recursion is bounded.

use core::cell::OnceCell;

use hpy::{
    Borrowed, Context, HPyErr, HPyResult, Handle, IntoHPy, StrBuf, TextSink, Tracker, WriteText,
};

use crate::float::{parse_f64_prefix, take_digits};
use crate::objects::{decode_surrogatepass, JSONDecodeError};

/// ujson's `JSON_MAX_OBJECT_DEPTH`.
const MAX_DEPTH: u32 = 1024;

/// Why decoding stopped: a malformed document (raised as
/// `JSONDecodeError` with ujson's message), or a Python error.
pub(crate) enum Error {
    Json(&'static str),
    Python(HPyErr),
}

impl From<HPyErr> for Error {
    fn from(e: HPyErr) -> Self {
        Error::Python(e)
    }
}

impl Error {
    pub(crate) fn into_hpy_err(self) -> HPyErr {
        match self {
            Error::Json(msg) => JSONDecodeError::new_err(msg),
            Error::Python(e) => e,
        }
    }
}

type Result<T> = core::result::Result<T, Error>;

/// ujson's message for a bad character after an object's value.
const OBJECT_VALUE: &str = "Unexpected character in found when decoding object value";

/// A value just read: a new object, or one lent: `true`, `false` or
/// `null` as the context's constant, or a key the call's key table keeps
/// (nothing to duplicate for a list or dict to take, nothing to close
/// after).
enum Value<'p, 'ctx> {
    New(Handle<'ctx>),
    Lent(Borrowed<'p, 'ctx>),
}

impl<'ctx> Value<'_, 'ctx> {
    #[inline(always)]
    fn get(&self) -> &Handle<'ctx> {
        match self {
            Value::New(h) => h,
            Value::Lent(b) => b,
        }
    }

    fn into_owned(self) -> Handle<'ctx> {
        match self {
            Value::New(h) => h,
            Value::Lent(b) => b.dup(),
        }
    }
}

/// An array or object being read, innermost last; an object with the key
/// whose value comes next.
enum Open<'p, 'ctx> {
    Array(hpy::List<'ctx>),
    Object(hpy::Dict<'ctx>, Option<Value<'p, 'ctx>>),
}

/// One document being read.
pub(crate) struct Decoder<'a, 'p, 'ctx> {
    ctx: Context<'ctx>,
    input: &'a [u8],
    pos: usize,
    depth: u32,
    /// A string's code points (ujson's own buffer is UCS-4 too), reused
    /// from string to string: the path for strings with lone surrogates
    /// or errors.
    scratch: Vec<u32>,
    /// A string's text with its escapes read, in the form the host makes
    /// a str of most cheaply, reused from string to string: the path for
    /// every other string with escapes.
    text: StrBuf,
    /// The keys and values this call keeps and lends (see [`keep`]), made
    /// at the first.
    kept: &'p OnceCell<Tracker<'ctx>>,
    /// The object keys made so far in this call, by a hash of their text
    /// (see [`Decoder::key`]).
    keys: KeyCache<'p, 'ctx>,
    /// The numbers read so far in this call, by value and kind (see
    /// [`Decoder::share_number`]).
    numbers: Shared<'p, 'ctx, (u64, NumberKind)>,
    /// The strings read so far in this call as values, by where their
    /// text is in the input and its length (see [`Decoder::share_text`]).
    texts: Shared<'p, 'ctx, (usize, usize)>,
}

/// Values of one `loads` call that a document repeats, shared: numbers
/// (counts, flags, prices, the same record many times) by value, and
/// strings (codes, enums, dates, languages, a user's name and description
/// in each of their posts) by their text in the input. A value found
/// again is lent once more instead of made anew: through HPy on PyPy, a
/// call to make it and one to close it after its list or dict took it.
/// Python's ints, floats and strs are immutable, so a shared one reads as
/// a new one would, but for its identity (`is`, `id`), which a document's
/// values do not promise (CPython's own `json` shares a call's keys the
/// same way).
///
/// A direct-mapped table (of [`SHARED_SLOTS_MIN`] slots, or more for
/// the strings of a long document: [`shared_text_slots`]): a value is kept (in
/// the call's tracker, at most [`SHARED_KEPT_MAX`] of each kind) the
/// second time its slot sees it, so that a value read once costs its
/// slot's store and no more; the table turns itself off for the rest of
/// the call when fewer than one value in eight of its last
/// [`SHARED_TRIAL`] was found again.
struct Shared<'p, 'ctx, K> {
    /// What tells a value (`K`), and the value once it was found a
    /// second time.
    slots: Vec<Option<(K, Option<Borrowed<'p, 'ctx>>)>>,
    /// The table has `1 << bits` slots.
    bits: u32,
    /// How many values the tracker holds.
    count: usize,
    /// Values looked for and found since the last judgement.
    looked: u32,
    found: u32,
    off: bool,
}

impl<K> Shared<'_, '_, K> {
    /// A table of `slots` slots, a power of two.
    fn new(slots: usize) -> Self {
        debug_assert!(slots.is_power_of_two());
        Shared {
            slots: Vec::new(),
            bits: slots.trailing_zeros(),
            count: 0,
            looked: 0,
            found: 0,
            off: false,
        }
    }

    /// The table's slots, made at the first value.
    #[cold]
    fn start(&mut self) {
        self.slots.resize_with(1 << self.bits, || None);
    }

    /// A value not found: after [`SHARED_TRIAL`] values, the table stays
    /// on if at least one in eight was found.
    #[inline(always)]
    fn missed(&mut self) {
        self.looked += 1;
        if self.looked >= SHARED_TRIAL {
            self.judge();
        }
    }

    #[cold]
    fn judge(&mut self) {
        self.off = self.found < SHARED_TRIAL / 8;
        self.looked = 0;
        self.found = 0;
    }
}

/// What a [`Shared`] table holds of a value looked up.
enum Found<'p, 'ctx> {
    /// Kept: lent once more.
    Lent(Borrowed<'p, 'ctx>),
    /// Seen once before in this slot: to be made and then kept
    /// ([`Shared::keep_found`]).
    Again(usize),
    /// Not found (now in its slot, or the table is off): to be made.
    No,
}

impl<'p, 'ctx, K: Copy> Shared<'p, 'ctx, K> {
    /// The value told by `what`, of hash `hash`, in its slot (`same`
    /// compares what the slot holds with it); if it is not there, `what`
    /// takes the slot.
    #[inline(always)]
    fn look(&mut self, hash: u64, what: K, same: impl FnOnce(K) -> bool) -> Found<'p, 'ctx> {
        if self.off {
            return Found::No;
        }
        if self.slots.is_empty() {
            self.start();
        }
        let slot = (hash >> (64 - self.bits)) as usize;
        match self.slots[slot] {
            Some((held, lent)) if same(held) => {
                self.found += 1;
                self.looked += 1;
                match lent {
                    Some(value) => Found::Lent(value),
                    None => Found::Again(slot),
                }
            }
            _ => {
                self.slots[slot] = Some((what, None));
                self.missed();
                Found::No
            }
        }
    }

    /// `made`, the value [`look`](Shared::look) found again in `slot`,
    /// kept in `kept` and lent from now on (while the table keeps fewer
    /// than [`SHARED_KEPT_MAX`]).
    #[inline(never)]
    fn keep_found(
        &mut self,
        ctx: Context<'ctx>,
        kept: &'p OnceCell<Tracker<'ctx>>,
        slot: usize,
        made: Handle<'ctx>,
    ) -> Result<Value<'p, 'ctx>> {
        let made = keep(ctx, kept, made, &mut self.count, SHARED_KEPT_MAX)?;
        if let (Value::Lent(value), Some((what, _))) = (&made, self.slots[slot]) {
            self.slots[slot] = Some((what, Some(*value)));
        }
        Ok(made)
    }
}

/// `made` kept in the call's tracker `kept` (made at the first) until the
/// call ends, and lent, while `count` is below `limit` (then counted);
/// else as it is.
#[inline(always)]
fn keep<'p, 'ctx>(
    ctx: Context<'ctx>,
    kept: &'p OnceCell<Tracker<'ctx>>,
    made: Handle<'ctx>,
    count: &mut usize,
    limit: usize,
) -> Result<Value<'p, 'ctx>> {
    if *count >= limit {
        return Ok(Value::New(made));
    }
    *count += 1;
    let tracker = match kept.get() {
        Some(tracker) => tracker,
        None => first_tracker(ctx, kept)?,
    };
    Ok(Value::Lent(tracker.add(made)?))
}

/// The call's tracker, made at the first value kept.
#[cold]
fn first_tracker<'p, 'ctx>(
    ctx: Context<'ctx>,
    kept: &'p OnceCell<Tracker<'ctx>>,
) -> Result<&'p Tracker<'ctx>> {
    let tracker = Tracker::new(ctx, 0)?;
    Ok(kept.get_or_init(|| tracker))
}

/// Whether text starting with `c` starts like a number: such keys and
/// string values are most likely data (ids, timestamps), each one new, and
/// are not looked for among the earlier ones.
#[inline(always)]
fn starts_like_number(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'-')
}

/// The int or float of `kind` and `value` (see [`NumberKind`]).
#[inline(always)]
fn make_number<'ctx>(ctx: Context<'ctx>, kind: NumberKind, value: u64) -> HPyResult<Handle<'ctx>> {
    match kind {
        // `value` is at most 2**63 here.
        NumberKind::NegativeInt => (0i64.wrapping_sub_unsigned(value)).into_hpy(ctx),
        NumberKind::Int if value > i64::MAX as u64 => value.into_hpy(ctx),
        NumberKind::Int => (value as i64).into_hpy(ctx),
        NumberKind::Float => f64::from_bits(value).into_hpy(ctx),
    }
}

/// How many values of each kind [`Shared`] finds: one per slot of a
/// direct-mapped table, a later value taking the slot of an earlier one.
const SHARED_SLOTS_MIN: usize = 256;

/// The slots of the table of string values for a document of `len`
/// bytes: one for every 256 bytes, at least [`SHARED_SLOTS_MIN`] and at
/// most 4,096, a power of two. A string the document repeats is found
/// again when fewer strings than the slots came between: a timeline
/// repeats its users' names, descriptions and addresses a few hundred
/// strings apart, which 256 slots lost (the numbers' table keeps 256
/// slots: with more, the ids that a catalogue has twice, far apart, were
/// kept instead of the prices it repeats throughout).
fn shared_text_slots(len: usize) -> usize {
    (len / 256)
        .clamp(SHARED_SLOTS_MIN, 4096)
        .next_power_of_two()
}

/// How many values [`Shared`] looks for before it judges whether the
/// document repeats them, and again after each as many.
const SHARED_TRIAL: u32 = 256;
/// How many values of each kind [`Shared`] keeps in a call at most
/// (apart from the keys, which they cannot crowd out).
const SHARED_KEPT_MAX: usize = 1024;

/// The longest float text [`Decoder::share_number`] looks up. A float written with
/// more characters is most likely a computed value (a shortest form of
/// 16 or 17 significant digits: a coordinate, a measurement), which a
/// document hardly repeats, and looking each one up cost decoding 256
/// such doubles a quarter more time on PyPy (8.5 -> 10.6 µs); the values
/// documents repeat are the short ones people type or round.
const SHARED_FLOAT_TEXT: usize = 15;

/// How [`Decoder::text_str`] makes a string's str from its text in the
/// input.
#[derive(Clone, Copy)]
enum TextKind<'a> {
    /// Plain ASCII: as it is.
    Ascii,
    /// Plain UTF-8, checked.
    Utf8(&'a str),
    /// With escapes, read by [`Decoder::escaped`].
    Escaped,
}

/// The longest string value (its text as the input has it, escapes
/// included) [`Decoder::share_text`] looks up. A text with escapes is
/// scanned to its end first to be looked up (`text_end`), a pass more
/// over text that is then read again when it is new; the bound keeps
/// that pass short.
const SHARED_TEXT: usize = 1024;

/// What a number in a [`Shared`] table is: its value is the `u64` of an
/// int's magnitude or of a float's bits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NumberKind {
    Int,
    NegativeInt,
    Float,
}

/// How many keys [`KeyCache`] finds: one per slot of a direct-mapped
/// table, a later key taking the slot of an earlier one.
const KEY_SLOTS: usize = 256;
/// The depths [`KeyCache`] predicts keys at apart (deeper ones share).
const KEY_DEPTHS: usize = 8;
/// How many keys [`KeyCache`] keeps in a call at most; later new keys are
/// made and set as any other string (the memory of a document of very
/// many different keys stays ujson's).
const KEPT_MAX: usize = 4096;
/// The longest key text [`KeyCache`] keeps.
const KEY_MAX: usize = 32;

/// The plain ASCII object keys of one `loads` call, each kept with where
/// its text is in the input: a document repeats its keys (a timeline's
/// 400 tweets have the same twenty), and a key found again is one more
/// reference to the same str, with its hash already computed, instead of
/// a new str whose hash the dict computes again. CPython's own `json`
/// shares its keys within a call the same way.
///
/// Every key the table makes is kept until the call ends, in a
/// [`Tracker`] the caller owns, and lent to the dicts: the table neither
/// duplicates a key found again nor closes it after the dict took it.
/// Through HPy's universal ABI on PyPy those were two calls into the
/// interpreter for each key read, the most frequent calls of a decoding.
///
/// The table also predicts: a document's keys come in the same order
/// object after object, so the key read after a key last time, at the
/// same depth, is most likely the one read after it now. That key's text
/// is compared with the input first, and when it is there (its closing
/// quote included), the key is found without looking for its end or
/// hashing it. The depth tells apart the objects of a document that
/// share a key's name: a timeline's `id` is followed by `id_str` in a
/// tweet and in its user, one level deeper, and by `indices` in a
/// mention; `indices` is last in a hashtag and in a mention, and the key
/// after it, one or two levels up, is another.
struct KeyCache<'p, 'ctx> {
    /// Where a key's text was in the input, its length and the key.
    slots: Vec<Option<(usize, usize, Borrowed<'p, 'ctx>)>>,
    /// For each slot and depth (modulo [`KEY_DEPTHS`]), the slot of the
    /// key read after its key last time at that depth
    /// ([`after`](KeyCache::after)).
    next: Vec<u8>,
    /// The slot of the key read last.
    last: u8,
    /// How many keys the call's tracker holds (at most [`KEPT_MAX`]).
    count: usize,
}

impl KeyCache<'_, '_> {
    /// Where [`next`](KeyCache::next) holds the slot of the key that came
    /// after the last key read the last time a key was read at `depth`.
    #[inline(always)]
    fn after(&self, depth: u32) -> usize {
        usize::from(self.last) | ((depth as usize % KEY_DEPTHS) * KEY_SLOTS)
    }
}

/// A hash of a key's or string's text (`n` bytes from `start`), for its
/// slot (the top bits): its length and its first and last eight bytes
/// (overlapping, or the text alone when shorter), in one multiplication.
///
/// A short key's bytes are read as one word from the input and masked
/// (the input goes on past a key: its closing quote at least), not
/// copied into a zeroed word: a copy of a variable length is a call to
/// `memcpy` with narrow stores, and the word loaded right after them
/// waits a dozen cycles for them (a store-forwarding stall).
#[inline(always)]
fn text_hash(input: &[u8], start: usize, n: usize) -> u64 {
    let (first, last) = if n >= 8 {
        let (Some(first), Some(last)) = (word_at(input, start), word_at(input, start + n - 8))
        else {
            unreachable!("the key is in the input")
        };
        (first, last)
    } else {
        let first = match word_at(input, start) {
            Some(w) => w & low_bytes(n),
            None => {
                let mut w = [0u8; 8];
                w[..n].copy_from_slice(&input[start..start + n]);
                u64::from_le_bytes(w)
            }
        };
        (first, 0)
    };
    (first ^ last.rotate_left(29) ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Whether `input` holds the same `n` bytes at `a` and at `b`: their
/// first and last eight bytes compared as words (or the whole of a
/// shorter text, masked), the bytes between as slices only for text
/// longer than 16. A slice comparison alone is a call to `bcmp`
/// for every key found again.
#[inline(always)]
fn same_text(input: &[u8], a: usize, b: usize, n: usize) -> bool {
    let (Some(a0), Some(b0)) = (word_at(input, a), word_at(input, b)) else {
        return input[a..a + n] == input[b..b + n];
    };
    if n < 8 {
        return (a0 ^ b0) & low_bytes(n) == 0;
    }
    let (Some(a1), Some(b1)) = (word_at(input, a + n - 8), word_at(input, b + n - 8)) else {
        unreachable!("both texts are in the input")
    };
    a0 == b0 && a1 == b1 && (n <= 16 || input[a + 8..a + n - 8] == input[b + 8..b + n - 8])
}

#[inline]
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'a, 'p, 'ctx> Decoder<'a, 'p, 'ctx> {
    /// A decoder of `input`, keeping the keys it shares in `kept` (empty:
    /// filled at the first such key, and to be dropped after the decoder).
    pub(crate) fn new(
        ctx: Context<'ctx>,
        input: &'a [u8],
        kept: &'p OnceCell<Tracker<'ctx>>,
    ) -> Self {
        Decoder {
            ctx,
            input,
            pos: 0,
            depth: 0,
            scratch: Vec::new(),
            text: StrBuf::new(ctx),
            kept,
            keys: KeyCache {
                slots: Vec::new(),
                next: Vec::new(),
                last: 0,
                count: 0,
            },
            numbers: Shared::new(SHARED_SLOTS_MIN),
            texts: Shared::new(shared_text_slots(input.len())),
        }
    }

    /// The byte at `i`, or NUL past the end (the C original's terminator).
    #[inline(always)]
    fn at(&self, i: usize) -> u8 {
        self.input.get(i).copied().unwrap_or(0)
    }

    #[inline(always)]
    fn skip_space(&mut self) {
        self.skip_space_peek();
    }

    /// Skips whitespace; the byte after it (NUL at the end).
    #[inline(always)]
    fn skip_space_peek(&mut self) -> u8 {
        loop {
            let c = self.at(self.pos);
            if !is_space(c) {
                return c;
            }
            self.pos += 1;
        }
    }

    /// The whole document: one value and nothing but whitespace after it.
    ///
    /// Arrays and objects being read are kept on `stack`, not on the
    /// machine's stack: nesting costs no recursion (PyPy bounds the C
    /// stack at well under a megabyte and aborts when an HPy call finds it
    /// exhausted), and the depth limit is ujson's 1024.
    pub(crate) fn document(mut self) -> Result<Handle<'ctx>> {
        let mut stack: Vec<Open<'p, 'ctx>> = Vec::new();
        'value: loop {
            // At a value: a scalar is read whole; an array or object is
            // opened, and its first item (or key) read next.
            let (mut value, mut is_str) = loop {
                let c = self.at(self.pos);
                break match c {
                    // A key that starts like a number is most likely
                    // data (an id, a timestamp), each one new: read as
                    // any string, not looked for among the earlier keys.
                    b'"' => {
                        let at_key = matches!(stack.last(), Some(Open::Object(_, None)));
                        let kept = match at_key {
                            // A predicted key is one of the table's, which
                            // holds none that starts like a number.
                            true => match self.predicted_key() {
                                Some(key) => Some(Value::Lent(key)),
                                None if !starts_like_number(self.at(self.pos + 1)) => self.key()?,
                                None => None,
                            },
                            false => None,
                        };
                        let s = match kept {
                            Some(key) => key,
                            None => self.string()?,
                        };
                        (s, true)
                    }
                    b'0'..=b'9' | b'-' | b'I' | b'N' => (self.number()?, false),
                    b'[' => {
                        self.enter()?;
                        let list = self.ctx.new_list()?;
                        self.pos += 1;
                        self.skip_space();
                        if self.at(self.pos) == b']' {
                            self.pos += 1;
                            self.depth -= 1;
                            (Value::New(list.into_handle()), false)
                        } else {
                            stack.push(Open::Array(list));
                            continue 'value;
                        }
                    }
                    b'{' => {
                        self.enter()?;
                        let dict = self.ctx.new_dict()?;
                        self.pos += 1;
                        self.skip_space();
                        if self.at(self.pos) == b'}' {
                            self.pos += 1;
                            self.depth -= 1;
                            (Value::New(dict.into_handle()), false)
                        } else {
                            stack.push(Open::Object(dict, None));
                            continue 'value;
                        }
                    }
                    b't' => {
                        self.expect(b"true", "Unexpected character found when decoding 'true'")?;
                        (Value::Lent(self.ctx.singleton(Some(true))), false)
                    }
                    b'f' => {
                        self.expect(b"false", "Unexpected character found when decoding 'false'")?;
                        (Value::Lent(self.ctx.singleton(Some(false))), false)
                    }
                    b'n' => {
                        self.expect(b"null", "Unexpected character found when decoding 'null'")?;
                        (Value::Lent(self.ctx.singleton(None)), false)
                    }
                    b' ' | b'\t' | b'\r' | b'\n' => {
                        self.pos += 1;
                        continue;
                    }
                    _ => return Err(Error::Json("Expected object or value")),
                };
            };
            // A value is complete: it goes into the innermost open
            // container, and containers it completes go into theirs.
            loop {
                let Some(open) = stack.last_mut() else {
                    self.skip_space();
                    if self.pos != self.input.len() {
                        return Err(Error::Json("Trailing data"));
                    }
                    return Ok(value.into_owned());
                };
                match open {
                    Open::Array(list) => {
                        list.append(value.get())?;
                        let c = self.skip_space_peek();
                        self.pos += 1;
                        match c {
                            b',' => {
                                if self.skip_space_peek() == b']' {
                                    return Err(Error::Json(
                                        "Unexpected character found when decoding array value (1)",
                                    ));
                                }
                                continue 'value;
                            }
                            b']' => {}
                            _ => {
                                return Err(Error::Json(
                                    "Unexpected character found when decoding array value (2)",
                                ))
                            }
                        }
                    }
                    Open::Object(dict, key) => {
                        let Some(k) = key.take() else {
                            if !is_str {
                                return Err(Error::Json(
                                    "Key name of object must be 'string' when decoding 'object'",
                                ));
                            }
                            *key = Some(value);
                            let c = self.skip_space_peek();
                            self.pos += 1;
                            if c != b':' {
                                return Err(Error::Json("No ':' found when decoding object value"));
                            }
                            self.skip_space();
                            continue 'value;
                        };
                        dict.set_item(k.get(), value.get())?;
                        let c = self.skip_space_peek();
                        self.pos += 1;
                        match c {
                            b',' => {
                                if self.skip_space_peek() == b'}' {
                                    return Err(Error::Json(OBJECT_VALUE));
                                }
                                continue 'value;
                            }
                            b'}' => {}
                            _ => return Err(Error::Json(OBJECT_VALUE)),
                        }
                    }
                }
                // The innermost container is complete.
                self.depth -= 1;
                value = match stack.pop() {
                    Some(Open::Array(list)) => Value::New(list.into_handle()),
                    Some(Open::Object(dict, _)) => Value::New(dict.into_handle()),
                    None => unreachable!("a container was open"),
                };
                is_str = false;
            }
        }
    }

    /// Reads `word` at the current position (a NUL ends the text, so a
    /// word cut short by the end is as wrong as a misspelt one).
    #[inline(always)]
    fn expect<const N: usize>(&mut self, word: &[u8; N], msg: &'static str) -> Result<()> {
        match self.input.get(self.pos..self.pos + N) {
            Some(got) if got == word => {
                self.pos += N;
                Ok(())
            }
            _ => Err(Error::Json(msg)),
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::Json("Reached object decoding depth limit"));
        }
        Ok(())
    }

    fn number(&mut self) -> Result<Value<'p, 'ctx>> {
        let start = self.pos;
        let mut i = start;
        let mut negative = false;
        match self.at(i) {
            b'I' => return Ok(Value::New(self.infinity(i, false)?)),
            b'N' => {
                self.expect(b"NaN", "Unexpected character found when decoding 'NaN'")?;
                return Ok(Value::New(f64::NAN.into_hpy(self.ctx)?));
            }
            b'-' => {
                i += 1;
                negative = true;
                if self.at(i) == b'I' {
                    return Ok(Value::New(self.infinity(i, true)?));
                }
            }
            _ => {}
        }
        // Eight digits at a time (the float reader's), up to 19: any
        // such number fits 64 bits.
        let mut value = 0u64;
        let mut digits = 0u32;
        let end = take_digits(self.input, i, &mut value, &mut digits);
        if matches!(self.at(end), b'.' | b'e' | b'E') {
            return self.float(start);
        }
        self.pos = end;
        let max: u64 = if negative { 1 << 63 } else { u64::MAX };
        if digits > 19 {
            match long_digits(&self.input[i..end], max) {
                Some(v) => value = v,
                None => return Ok(Value::New(self.big_int(start, end)?)),
            }
        } else if value > max {
            return Ok(Value::New(self.big_int(start, end)?));
        }
        let kind = if negative {
            NumberKind::NegativeInt
        } else {
            NumberKind::Int
        };
        self.share_number(kind, value)
    }

    /// The number of `kind` and `value`: the one this call made before if
    /// it is still in its slot (see [`Shared`]), else a new one (kept if
    /// it is the second time the slot saw it).
    #[inline(always)]
    fn share_number(&mut self, kind: NumberKind, value: u64) -> Result<Value<'p, 'ctx>> {
        let h = (value ^ kind as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let found = self
            .numbers
            .look(h, (value, kind), |held| held == (value, kind));
        match found {
            Found::Lent(value) => Ok(Value::Lent(value)),
            Found::Again(slot) => {
                let made = make_number(self.ctx, kind, value)?;
                self.numbers.keep_found(self.ctx, self.kept, slot, made)
            }
            Found::No => Ok(Value::New(make_number(self.ctx, kind, value)?)),
        }
    }

    /// The str of the string value whose text (as the input has it, of
    /// `len` bytes, at most [`SHARED_TEXT`]) is at `start`, of `kind`,
    /// the position already after its closing quote: the one this call
    /// made of the same text before if it is still in its slot (see
    /// [`Shared`]), else a new one (kept if it is the second time the
    /// slot saw it).
    ///
    /// The same text read from its start to the same closing quote is the
    /// same string, escapes and all (reading a string looks at nothing
    /// after its closing quote), so a text is found again by its bytes
    /// alone.
    #[inline(never)]
    fn share_text(
        &mut self,
        start: usize,
        len: usize,
        kind: TextKind<'a>,
    ) -> Result<Value<'p, 'ctx>> {
        let input = self.input;
        let h = text_hash(input, start, len);
        let found = self.texts.look(h, (start, len), |(at, n)| {
            n == len && same_text(input, at, start, len)
        });
        match found {
            Found::Lent(value) => Ok(Value::Lent(value)),
            Found::Again(slot) => {
                let made = self.text_str(start, len, kind)?;
                self.texts.keep_found(self.ctx, self.kept, slot, made)
            }
            Found::No => Ok(Value::New(self.text_str(start, len, kind)?)),
        }
    }

    /// The str of the string whose text of `len` bytes of `kind` is at
    /// `start`.
    #[inline(always)]
    fn text_str(&mut self, start: usize, len: usize, kind: TextKind<'a>) -> Result<Handle<'ctx>> {
        Ok(match kind {
            TextKind::Ascii => {
                let text = &self.input[start..start + len];
                self.ctx.new_str_from_ascii(text)?.into_handle()
            }
            TextKind::Utf8(text) => text.into_hpy(self.ctx)?,
            TextKind::Escaped => self.escaped(start)?,
        })
    }

    /// `-?Infinity` from `i`, its `I`.
    fn infinity(&mut self, i: usize, negative: bool) -> Result<Handle<'ctx>> {
        let msg = if negative {
            "Unexpected character found when decoding '-Infinity'"
        } else {
            "Unexpected character found when decoding 'Infinity'"
        };
        self.pos = i;
        self.expect(b"Infinity", msg)?;
        let v = if negative {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
        Ok(v.into_hpy(self.ctx)?)
    }

    fn float(&mut self, start: usize) -> Result<Value<'p, 'ctx>> {
        let (value, len) = parse_f64_prefix(&self.input[start..]);
        self.pos = start + len;
        if !value.is_finite() || len > SHARED_FLOAT_TEXT {
            return Ok(Value::New(value.into_hpy(self.ctx)?));
        }
        self.share_number(NumberKind::Float, value.to_bits())
    }

    /// An integer beyond 64 bits, made by Python's `int` from its digits
    /// (so Python's limit on the digits of an int read from text holds).
    #[cold]
    fn big_int(&mut self, start: usize, end: usize) -> Result<Handle<'ctx>> {
        let digits = core::str::from_utf8(&self.input[start..end]).unwrap_or("0");
        let text = digits.into_hpy(self.ctx)?;
        Ok(self.ctx.builtin("int")?.call(&[&text])?)
    }

    /// The key the table predicts (see [`KeyCache`]) if it is the one at
    /// the current position: its text and the quote after it (which its
    /// own text in the input has too) are the input's here. Inlined, with
    /// the key returned in registers; [`key`](Self::key) reads any other.
    #[inline(always)]
    fn predicted_key(&mut self) -> Option<Borrowed<'p, 'ctx>> {
        let keys = &mut self.keys;
        let predicted = *keys.next.get(keys.after(self.depth))?;
        let (at, n, key) = keys.slots[usize::from(predicted)]?;
        let start = self.pos + 1;
        if start + n < self.input.len() && same_text(self.input, at, start, n + 1) {
            self.pos = start + n + 1;
            keys.last = predicted;
            return Some(key);
        }
        None
    }

    /// An object's key if it is a plain ASCII key of at most [`KEY_MAX`]
    /// bytes (no escape): the str this call made of the same text before,
    /// if it is still in its slot, else a new one, kept (see
    /// [`KeyCache`]); `None` for any other key, which
    /// [`string`](Self::string) reads.
    #[inline(never)]
    fn key(&mut self) -> Result<Option<Value<'p, 'ctx>>> {
        let start = self.pos + 1;
        let input = self.input;
        if self.keys.slots.is_empty() {
            self.keys.slots.resize_with(KEY_SLOTS, || None);
            self.keys.next.resize(KEY_SLOTS * KEY_DEPTHS, 0);
        }
        let end = plain_ascii_end(input, start);
        let len = end - start;
        if len > KEY_MAX || input.get(end) != Some(&b'"') {
            return Ok(None);
        }
        let text = &input[start..end];
        let slot = (text_hash(input, start, len) >> 56) as usize;
        self.pos = end + 1;
        let after = self.keys.after(self.depth);
        self.keys.next[after] = slot as u8;
        self.keys.last = slot as u8;
        if let Some((at, n, key)) = self.keys.slots[slot] {
            if n == len && same_text(input, at, start, len) {
                return Ok(Some(Value::Lent(key)));
            }
        }
        let key = self.ctx.new_str_from_ascii(text)?.into_handle();
        let kept = keep(self.ctx, self.kept, key, &mut self.keys.count, KEPT_MAX)?;
        if let Value::Lent(key) = kept {
            self.keys.slots[slot] = Some((start, len, key));
        }
        Ok(Some(kept))
    }

    fn string(&mut self) -> Result<Value<'p, 'ctx>> {
        let start = self.pos + 1;
        let input = self.input;
        // The common case first: no escape up to the quote, valid UTF-8
        // (which ujson's rules accept as they are): the str is made
        // straight from the input, ASCII without any check. A multi-byte
        // UTF-8 sequence holds no `"`, `\` or NUL, so the first of those
        // ends the plain part.
        let mut i = start;
        let mut high = 0u8;
        // Eight bytes at a time while none of them ends the plain part
        // (the zero-byte test of each word against `"`, `\` and NUL).
        // The word that holds the end adds its bytes before the end, and
        // the byte loop below then stops at once.
        let mut seen = 0u64;
        while let Some(v) = word_at(input, i) {
            let ends = plain_ends(v);
            if ends != 0 {
                let before = ends.trailing_zeros() / 8;
                seen |= v & low_bytes(before as usize);
                i += before as usize;
                break;
            }
            seen |= v;
            i += 8;
        }
        if seen & HIGHS != 0 {
            high = 0x80;
        }
        while let Some(&c) = input.get(i) {
            if c == b'"' || c == b'\\' || c == 0 {
                break;
            }
            high |= c;
            i += 1;
        }
        // Text that starts like a number is not looked up (see
        // `starts_like_number`).
        let shared = |len: usize| len <= SHARED_TEXT && !starts_like_number(input[start]);
        match input.get(i) {
            Some(b'"') => {
                let len = i - start;
                let kind = if high < 0x80 {
                    TextKind::Ascii
                } else if let Ok(text) = core::str::from_utf8(&input[start..i]) {
                    TextKind::Utf8(text)
                } else {
                    return self.escaped_value(start);
                };
                self.pos = i + 1;
                if shared(len) {
                    return self.share_text(start, len, kind);
                }
                Ok(Value::New(self.text_str(start, len, kind)?))
            }
            Some(b'\\') => match text_end(input, i, start + SHARED_TEXT) {
                Some(end) if shared(end - start) => {
                    self.pos = end + 1;
                    self.share_text(start, end - start, TextKind::Escaped)
                }
                _ => self.escaped_value(start),
            },
            _ => self.escaped_value(start),
        }
    }

    /// [`escaped`](Self::escaped), as a new value.
    fn escaped_value(&mut self, start: usize) -> Result<Value<'p, 'ctx>> {
        Ok(Value::New(self.escaped(start)?))
    }

    /// The str of the string whose text starts at `start`, its escapes
    /// read; the position after its closing quote.
    fn escaped(&mut self, start: usize) -> Result<Handle<'ctx>> {
        let input = self.input;
        // Read into UTF-8, and made into a str the host's cheapest way
        // for UTF-8. A lone surrogate or anything ujson refuses sends
        // the string to the path below.
        self.text.clear();
        let read = self.text.write(Escaped { input, start });
        if let Some(end) = read {
            self.pos = end;
            return Ok(self.ctx.new_str_from_buf(&self.text)?.into_handle());
        }
        // Lone surrogates or bytes ujson refuses: read again from the
        // start, character by character, with ujson's checks and
        // messages.
        let mut out = core::mem::take(&mut self.scratch);
        out.clear();
        let result = self.string_slow(start, &mut out);
        let made = result.and_then(|lone_surrogates| self.make_str(&out, lone_surrogates));
        self.scratch = out;
        made
    }

    /// The rest of the string in `input` from `i`, its escapes read,
    /// appended to `out`; where the string ends (after its closing quote),
    /// or `None` where it has a lone surrogate,
    /// written or escaped, or anything ujson refuses: those go through
    /// [`string_slow`](Self::string_slow), which keeps ujson's semantics
    /// and messages.
    fn string_escaped<S: TextSink>(input: &[u8], mut i: usize, out: &mut S) -> Option<usize> {
        // The first four bytes of the last `\uXXXX` escape read below the
        // surrogates, and its value's high byte (none yet: no escape
        // begins with four zero bytes).
        let mut block = 0u32;
        let mut block_high = 0u16;
        loop {
            // A run of `\uXXXX` escapes below the surrogates and of plain
            // ASCII (the words and the spaces between them of text that an
            // encoder with `ensure_ascii` wrote) goes into the buffer in
            // one loop, room made for it once; whatever ends the run is
            // read by the steps below.
            // Plain ASCII first, eight bytes at a time (text with few
            // escapes spends its time here), handed over at once.
            let plain = plain_ascii_end(input, i);
            if plain > i {
                out.push_latin1(&input[i..plain]);
                i = plain;
            }
            let next = || {
                let six = input
                    .get(i..i + 6)
                    .and_then(|six| six.split_first_chunk::<4>());
                if let Some((head, &[c, d])) = six {
                    if u32::from_le_bytes(*head) == block {
                        // `\uXY` as the last escape began: only the last
                        // two digits are new (text in one script keeps to
                        // one block of 256 characters).
                        let (c, d) = (HEX[usize::from(c)], HEX[usize::from(d)]);
                        if (c | d) & 0x10 != 0 {
                            return None;
                        }
                        i += 6;
                        return Some(block_high | u16::from(c) << 4 | u16::from(d));
                    }
                }
                let c = *input.get(i)?;
                if c != b'\\' {
                    // One byte of plain ASCII between escapes (the space
                    // between escaped words) is taken here; a longer run
                    // goes in at once above, and a quote, NUL or a
                    // multi-byte character ends the run.
                    if c == 0 || c == b'"' || c >= 0x80 || input.get(i + 1) != Some(&b'\\') {
                        return None;
                    }
                    i += 1;
                    return Some(u16::from(c));
                }
                let (head, &[c, d]) = six? else {
                    return None;
                };
                let [b'\\', b'u', a, b] = *head else {
                    return None;
                };
                let unit = hex4(&[a, b, c, d])?;
                if unit & 0xf800 == 0xd800 {
                    return None;
                }
                // Not a surrogate: neither is any escape that begins as
                // this one did.
                block = u32::from_le_bytes(*head);
                block_high = unit as u16 & 0xff00;
                i += 6;
                Some(unit as u16)
            };
            if out.push_bmp_from(RUN, next) == RUN {
                continue;
            }
            // `\uXXXX` first: the escape of every character a JSON
            // encoder with `ensure_ascii` writes beyond ASCII.
            if let Some([b'\\', b'u', digits @ ..]) = input.get(i..i + 6) {
                let unit = hex4(digits)?;
                i += 6;
                let ch = match unit & 0xfc00 {
                    0xd800 => {
                        // Only a pair makes a character here.
                        let low = match input.get(i..i + 6)? {
                            [b'\\', b'u', digits @ ..] => hex4(digits)?,
                            _ => return None,
                        };
                        if low & 0xfc00 != 0xdc00 {
                            return None;
                        }
                        i += 6;
                        0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                    }
                    0xdc00 => return None,
                    _ => unit,
                };
                out.push(char::from_u32(ch)?);
                continue;
            }
            let c = *input.get(i)?;
            match c {
                b'"' => return Some(i + 1),
                b'\\' => {
                    let e = *input.get(i + 1)?;
                    out.push(match e {
                        b'\\' => '\\',
                        b'"' => '"',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        _ => return None,
                    });
                    i += 2;
                }
                0 => return None,
                // Plain ASCII that the run left: read at the top.
                0x01..=0x7f => {}
                _ => {
                    // A multi-byte character as the input has it, checked
                    // by Rust's UTF-8 rules (which, as ujson's, refuse
                    // overlong forms and values above U+10FFFF, and refuse
                    // the surrogates ujson keeps: those go the other way).
                    let len = match c {
                        0xc0..=0xdf => 2,
                        0xe0..=0xef => 3,
                        0xf0..=0xf4 => 4,
                        _ => return None,
                    };
                    let ch = core::str::from_utf8(input.get(i..i + len)?).ok()?;
                    out.push_str(ch);
                    i += len;
                }
            }
        }
    }

    /// The rest of a string from `i`, into `out`; the number of lone
    /// surrogates written (which then need Python's `surrogatepass`).
    fn string_slow(&mut self, mut i: usize, out: &mut Vec<u32>) -> Result<usize> {
        const CONT: &str = "Invalid UTF-8 continuation byte when decoding 'string'";
        let mut lone = 0usize;
        // Where the last `\uD8xx`-`\uDBxx` escape ended, and its index in
        // `out`: a `\uDCxx`-`\uDFxx` escape right after it makes one
        // character with it.
        let mut last_high: Option<(usize, usize)> = None;
        loop {
            let c = self.at(i);
            match c {
                0 => return Err(Error::Json("Unmatched '\"' when decoding 'string'")),
                b'"' => {
                    self.pos = i + 1;
                    return Ok(lone);
                }
                b'\\' => {
                    let e = self.at(i + 1);
                    let simple = match e {
                        b'\\' => Some(b'\\'),
                        b'"' => Some(b'"'),
                        b'/' => Some(b'/'),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        _ => None,
                    };
                    if let Some(byte) = simple {
                        out.push(u32::from(byte));
                        i += 2;
                        continue;
                    }
                    match e {
                        b'u' => {}
                        0 => {
                            return Err(Error::Json(
                                "Unterminated escape sequence when decoding 'string'",
                            ))
                        }
                        _ => {
                            return Err(Error::Json(
                                "Unrecognized escape sequence when decoding 'string'",
                            ))
                        }
                    }
                    let escape_start = i;
                    let mut unit: u32 = 0;
                    for k in 0..4 {
                        let h = self.at(i + 2 + k);
                        let v = match h {
                            b'0'..=b'9' => h - b'0',
                            b'a'..=b'f' => h - b'a' + 10,
                            b'A'..=b'F' => h - b'A' + 10,
                            0 => {
                                return Err(Error::Json(
                                "Unterminated unicode escape sequence when decoding 'string'",
                            ))
                            }
                            _ => {
                                return Err(Error::Json(
                                "Unexpected character in unicode escape sequence when decoding 'string'",
                            ))
                            }
                        };
                        unit = (unit << 4) | u32::from(v);
                    }
                    i += 6;
                    match (unit & 0xfc00, last_high) {
                        (0xdc00, Some((end, at))) if end == escape_start => {
                            // The high surrogate becomes the pair's character.
                            let high = out[at];
                            lone -= 1;
                            out[at] = 0x10000 + ((high - 0xd800) << 10) + (unit - 0xdc00);
                        }
                        _ => {
                            if unit & 0xf800 == 0xd800 {
                                lone += 1;
                            }
                            if unit & 0xfc00 == 0xd800 {
                                last_high = Some((i, out.len()));
                            }
                            out.push(unit);
                        }
                    }
                }
                0x01..=0x7f => {
                    out.push(u32::from(c));
                    i += 1;
                }
                0x80..=0xbf => {
                    return Err(Error::Json(
                        "Found UTF-8 continuation byte without corresponding start byte when decoding 'string'",
                    ))
                }
                0xc0..=0xdf => {
                    let c1 = self.at(i + 1);
                    if c1 & 0xc0 != 0x80 {
                        return Err(Error::Json(CONT));
                    }
                    let ch = (u32::from(c & 0x1f) << 6) | u32::from(c1 & 0x3f);
                    if ch < 0x80 {
                        return Err(Error::Json(
                            "Overlong 2-byte UTF-8 sequence detected when decoding 'string'",
                        ));
                    }
                    out.push(ch);
                    i += 2;
                }
                0xe0..=0xef => {
                    let (c1, c2) = (self.at(i + 1), self.at(i + 2));
                    if c1 & 0xc0 != 0x80 || c2 & 0xc0 != 0x80 {
                        return Err(Error::Json(CONT));
                    }
                    let ch = (u32::from(c & 0x0f) << 12)
                        | (u32::from(c1 & 0x3f) << 6)
                        | u32::from(c2 & 0x3f);
                    if ch < 0x800 {
                        // ujson's message says "encoding" here.
                        return Err(Error::Json(
                            "Overlong 3-byte UTF-8 sequence detected when encoding string",
                        ));
                    }
                    if (0xd800..0xe000).contains(&ch) {
                        lone += 1;
                    }
                    out.push(ch);
                    i += 3;
                }
                0xf0..=0xf4 => {
                    let (c1, c2, c3) = (self.at(i + 1), self.at(i + 2), self.at(i + 3));
                    if c1 & 0xc0 != 0x80 || c2 & 0xc0 != 0x80 || c3 & 0xc0 != 0x80 {
                        return Err(Error::Json(CONT));
                    }
                    let ch = (u32::from(c & 0x07) << 18)
                        | (u32::from(c1 & 0x3f) << 12)
                        | (u32::from(c2 & 0x3f) << 6)
                        | u32::from(c3 & 0x3f);
                    if ch < 0x10000 {
                        return Err(Error::Json(
                            "Overlong 4-byte UTF-8 sequence detected when decoding 'string'",
                        ));
                    }
                    if ch > 0x10ffff {
                        return Err(Error::Json(
                            "Code point > U+10FFFF encountered whilst decoding 'string'",
                        ));
                    }
                    out.push(ch);
                    i += 4;
                }
                0xf5..=0xf7 => {
                    return Err(Error::Json(
                        "Code point > U+10FFFF encountered whilst decoding 'string'",
                    ))
                }
                0xf8..=0xff => {
                    return Err(Error::Json(
                        "Invalid UTF-8 sequence length when decoding 'string'",
                    ))
                }
            }
        }
    }

    /// A str of the code points `chars`: made from them directly when no
    /// lone surrogate is among them; else from their UTF-8 with the
    /// surrogates encoded (Python's `surrogatepass`, on every host).
    fn make_str(&self, chars: &[u32], lone_surrogates: usize) -> Result<Handle<'ctx>> {
        let ctx = self.ctx;
        if lone_surrogates == 0 {
            return Ok(ctx.new_str_from_code_points(chars)?.into_handle());
        }
        let mut text = Vec::with_capacity(chars.len() * 3);
        for &ch in chars {
            push_code_point(&mut text, ch);
        }
        Ok(decode_surrogatepass(ctx, &text)?)
    }
}

/// [`Decoder::string_escaped`] from `start`, compiled for each form of
/// the decoder's [`StrBuf`].
struct Escaped<'a> {
    input: &'a [u8],
    start: usize,
}

impl WriteText for Escaped<'_> {
    type Output = Option<usize>;

    #[inline]
    fn write<S: TextSink>(self, out: &mut S) -> Option<usize> {
        Decoder::string_escaped(self.input, self.start, out)
    }
}

/// A byte of 0x01 in every lane of a word.
const ONES: u64 = u64::from_ne_bytes([1; 8]);
/// The top bit of every byte of a word.
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The bytes of `v` (eight bytes of a string's text, little-endian) that
/// end its plain part: a quote, a backslash or NUL, each marked by its top
/// bit (the zero-byte test of the word, and of the word xor each of the
/// other two). The test can mark a 0x01 byte wrongly, but only above a
/// byte it marks rightly, so the lowest mark is always the first such
/// byte.
#[inline(always)]
fn plain_ends(v: u64) -> u64 {
    let zeros = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    zeros(v) | zeros(v ^ (ONES * u64::from(b'"'))) | zeros(v ^ (ONES * u64::from(b'\\')))
}

/// A mask of the first `n` (below 8) bytes of a little-endian word.
#[inline(always)]
fn low_bytes(n: usize) -> u64 {
    (1u64 << (8 * n)) - 1
}

/// The eight bytes of `input` from `i` as a little-endian word, if there
/// are eight.
#[inline(always)]
fn word_at(input: &[u8], i: usize) -> Option<u64> {
    let chunk = input.get(i..i + 8)?;
    Some(u64::from_le_bytes(chunk.try_into().expect("eight bytes")))
}

/// Where the plain ASCII in `input` from `i` ends: at a quote, a
/// backslash, NUL, a byte above 127 or the end. Eight bytes at a time,
/// the end found in its word by the lowest mark (no byte loop after it).
#[inline(always)]
fn plain_ascii_end(input: &[u8], mut i: usize) -> usize {
    while let Some(v) = word_at(input, i) {
        let ends = (v & HIGHS) | plain_ends(v);
        if ends != 0 {
            return i + (ends.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = input.get(i) {
        if c == 0 || c == b'"' || c == b'\\' || c >= 0x80 {
            break;
        }
        i += 1;
    }
    i
}

/// Where the string whose text has a backslash at `i` ends: the index
/// of its closing quote, the first quote no backslash escapes, if it is
/// before `limit`; `None` past it, and at NUL or the input's end (which
/// the reading of its escapes then reports).
#[inline]
fn text_end(input: &[u8], mut i: usize, limit: usize) -> Option<usize> {
    loop {
        match *input.get(i)? {
            b'"' => return Some(i),
            // A backslash and the byte it escapes, or a `\uXXXX` escape
            // whole (its digits hold no quote, backslash or NUL in text
            // read without an error; in any other, reading its escapes
            // reports the error). Text escaped by an encoder with
            // `ensure_ascii` has them one after another.
            b'\\' if i < limit => {
                i += if input.get(i + 1) == Some(&b'u') {
                    6
                } else {
                    2
                };
                if input.get(i) == Some(&b'\\') {
                    continue;
                }
            }
            _ => return None,
        }
        while let Some(v) = word_at(input, i) {
            let ends = plain_ends(v);
            if ends != 0 {
                i += (ends.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        while let Some(&c) = input.get(i) {
            if c == b'"' || c == b'\\' || c == 0 {
                break;
            }
            i += 1;
        }
    }
}

/// The value of more than 19 decimal `digits` (leading zeros, or a
/// number of 20 digits) if it is at most `max`; `None` beyond.
#[cold]
fn long_digits(digits: &[u8], max: u64) -> Option<u64> {
    digits.iter().try_fold(0u64, |value, &c| {
        value
            .checked_mul(10)?
            .checked_add(u64::from(c - b'0'))
            .filter(|&v| v <= max)
    })
}

/// The most characters [`Decoder::string_escaped`] reads in one run (the
/// buffer makes room for them at once).
const RUN: usize = 128;

/// The values of the hex digits, 0x10 for every other byte.
const HEX: [u8; 256] = {
    let mut table = [0x10; 256];
    let mut c = 0;
    while c < 256 {
        table[c] = match c as u8 {
            d @ b'0'..=b'9' => d - b'0',
            d @ b'a'..=b'f' => d - b'a' + 10,
            d @ b'A'..=b'F' => d - b'A' + 10,
            _ => 0x10,
        };
        c += 1;
    }
    table
};

/// The 16-bit value of four hex digits (a `\uXXXX` escape's), `None` if
/// any of them is not one: four table reads and one test for all of them.
#[inline(always)]
fn hex4(digits: &[u8]) -> Option<u32> {
    let [a, b, c, d] = *digits else { return None };
    let (a, b, c, d) = (
        HEX[usize::from(a)],
        HEX[usize::from(b)],
        HEX[usize::from(c)],
        HEX[usize::from(d)],
    );
    if (a | b | c | d) & 0x10 != 0 {
        return None;
    }
    Some(u32::from(a) << 12 | u32::from(b) << 8 | u32::from(c) << 4 | u32::from(d))
}

/// `ch` as UTF-8 (a surrogate as the 3 bytes UTF-8 would give it).
fn push_code_point(out: &mut Vec<u8>, ch: u32) {
    if ch < 0x80 {
        out.push(ch as u8);
    } else if ch < 0x800 {
        out.extend_from_slice(&[0xc0 | (ch >> 6) as u8, 0x80 | (ch & 0x3f) as u8]);
    } else if ch < 0x10000 {
        out.extend_from_slice(&[
            0xe0 | (ch >> 12) as u8,
            0x80 | ((ch >> 6) & 0x3f) as u8,
            0x80 | (ch & 0x3f) as u8,
        ]);
    } else {
        out.extend_from_slice(&[
            0xf0 | (ch >> 18) as u8,
            0x80 | ((ch >> 12) & 0x3f) as u8,
            0x80 | ((ch >> 6) & 0x3f) as u8,
            0x80 | (ch & 0x3f) as u8,
        ]);
    }
}
