//! Floats as text, in the form ujson writes them, and floats read from text.
//!
//! ujson formats a double with the shortest digits that read back to the
//! same value (double-conversion's `ToShortest`), then lays them out as:
//! - plain decimals when the decimal exponent `e` (of `d.ddd × 10^e`) is in
//!   `-4 ..= 15`, always with a point and at least one digit after it
//!   (`1.0`, `0.0001`, `1000000000000000.0`);
//! - otherwise `d[.ddd]e±x`, the exponent with its sign and no padding
//!   (`1e+16`, `1.5e-7`);
//! - `-0.0` for negative zero; `NaN`, `Infinity`, `-Infinity` for the
//!   non-finite values when they are allowed.
//!
//! The `ryu` crate gives the same shortest, closest digits (Ryū), so they
//! are taken from it and laid out here.

/// Appends `value` as ujson writes it; `false` for a non-finite value
/// when `allow_nan` is off (ujson's "Invalid value when encoding double").
///
/// Ryū's own text (`ryu::Buffer::format_finite`) already has ujson's
/// layout for most values, and is copied as it is:
/// - plain decimals: Ryū writes them for decimal exponents `-5 ..= 15`,
///   with the same point, the same `.0` after a whole number and no
///   trailing zeros; ujson for `-4 ..= 15`;
/// - `-0.0` for negative zero, as ujson.
///
/// Two forms differ: Ryū's `d[.ddd]eX` has no `+` before a positive
/// exponent (ujson's `e+X`), and a value of exponent `-5` is Ryū's
/// `0.0000ddd` where ujson writes `d[.ddd]e-5`.
pub(crate) fn write_f64(out: &mut Vec<u8>, value: f64, allow_nan: bool) -> bool {
    if !value.is_finite() {
        if !allow_nan {
            return false;
        }
        out.extend_from_slice(if value.is_nan() {
            b"NaN"
        } else if value > 0.0 {
            b"Infinity"
        } else {
            b"-Infinity"
        });
        return true;
    }
    let mut ryu_buf = ryu::Buffer::new();
    let text = ryu_buf.format_finite(value).as_bytes();
    let n = text.len();
    // Ryū's exponent is at the end: `e`, an optional `-` and one to three
    // digits; a plain decimal ends in a digit after its point, never in
    // an `e` within its last five bytes.
    let tail = n.saturating_sub(5);
    if let Some(e) = text[tail..].iter().rposition(|&c| c == b'e') {
        let e = tail + e;
        let (mantissa, exponent) = text.split_at(e + 1);
        out.extend_from_slice(mantissa);
        if exponent[0] != b'-' {
            out.push(b'+');
        }
        out.extend_from_slice(exponent);
        return true;
    }
    let unsigned = text.strip_prefix(b"-").unwrap_or(text);
    match unsigned.strip_prefix(b"0.0000") {
        Some(digits) if digits.first().is_some_and(|&d| d != b'0') => {
            // `0.0000ddd` (exponent -5): `d[.ddd]e-5`.
            out.extend_from_slice(&text[..n - unsigned.len()]);
            out.push(digits[0]);
            if digits.len() > 1 {
                out.push(b'.');
                out.extend_from_slice(&digits[1..]);
            }
            out.extend_from_slice(b"e-5");
        }
        _ => out.extend_from_slice(text),
    }
    true
}

/// The decimal digits of `value`, written at the end of `buf`.
pub(crate) fn write_u64(buf: &mut [u8], mut value: u64) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    &buf[at..]
}

/// 10^0 ..= 10^22, each exactly a double.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Reads the digits of `text` from `i` on: the first 19 digits of the
/// number (`digits` counts those before) into `mantissa`, every digit into
/// `digits`; returns where the digits end. A word of eight bytes at a
/// time while the digits fit the 19: its leading digits found by a test
/// of every byte at once and converted in three multiplications.
#[inline(always)]
pub(crate) fn take_digits(
    text: &[u8],
    mut i: usize,
    mantissa: &mut u64,
    digits: &mut u32,
) -> usize {
    const ZEROS: u64 = u64::from_le_bytes([b'0'; 8]);
    const HIGH: u64 = u64::from_le_bytes([0xf0; 8]);
    while let Some(chunk) = text.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_le_bytes(word);
        // A byte is a digit when its high half is 3, and still 3 with 6
        // added. A carry out of a byte comes from one that is not a digit
        // and only reaches the bytes after it: the first byte that is not
        // a digit is found right.
        let plus6 = v.wrapping_add(u64::from_le_bytes([6; 8]));
        let not_digit = ((v & HIGH) ^ ZEROS) | ((plus6 & HIGH) ^ ZEROS);
        // How many digits lead the word (the text's first byte is the
        // word's lowest).
        let n = if not_digit == 0 {
            8
        } else {
            not_digit.trailing_zeros() / 8
        };
        if n == 0 {
            return i;
        }
        if *digits + n > 19 {
            break;
        }
        // The `n` digits moved to the top of the word, the bytes below
        // them zero: leading zeros of the same number.
        let mask = u64::MAX >> (8 * (8 - n));
        let d = ((v & mask) - (ZEROS & mask)) << (8 * (8 - n));
        // Pairs first (byte 2k holds 10·d(2k) + d(2k+1), at most 99:
        // no carry), then the four pairs weighted 10^6, 10^4, 10^2, 1 by
        // two multiplications whose high halves add them up.
        let pairs = d.wrapping_mul(10).wrapping_add(d >> 8);
        const LOW_PAIRS: u64 = 0x0000_00ff_0000_00ff;
        let even = (pairs & LOW_PAIRS).wrapping_mul(100 + (1_000_000 << 32));
        let odd = ((pairs >> 16) & LOW_PAIRS).wrapping_mul(1 + (10_000 << 32));
        let value = even.wrapping_add(odd) >> 32;
        *mantissa = *mantissa * POW10_INT[n as usize] + value;
        *digits += n;
        i += n as usize;
        if n < 8 {
            return i;
        }
    }
    while let Some(&c) = text.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        *digits += 1;
        if *digits <= 19 {
            *mantissa = *mantissa * 10 + u64::from(c - b'0');
        }
        i += 1;
    }
    i
}

/// 10^0 ..= 10^8.
const POW10_INT: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

/// The longest prefix of `text` that reads as a number the way
/// double-conversion's `StringToDouble` reads it with trailing junk
/// allowed: `[-+]digits[.digits][(e|E)[-+]digits]`, where either the
/// integer or the fraction digits may be empty and an exponent without
/// digits is not part of the number. Returns the value and the length
/// read; `(0.0, 0)` if no digits start the text.
pub(crate) fn parse_f64_prefix(text: &[u8]) -> (f64, usize) {
    let at = |i: usize| text.get(i).copied().unwrap_or(0);
    // The digits as an integer while they fit (`digits` counts them, the
    // leading zeros too), for the exact path below.
    let mut mantissa = 0u64;
    let mut digits = 0u32;
    let mut i = 0;
    let negative = at(i) == b'-';
    if at(i) == b'-' || at(i) == b'+' {
        i += 1;
    }
    let int_start = i;
    i = take_digits(text, i, &mut mantissa, &mut digits);
    let mut seen_digits = i > int_start;
    let mut frac_digits = 0i32;
    if at(i) == b'.' {
        let frac_start = i + 1;
        let j = take_digits(text, frac_start, &mut mantissa, &mut digits);
        frac_digits = (j - frac_start).min(400) as i32;
        if j > frac_start {
            seen_digits = true;
        }
        if !seen_digits {
            return (0.0, 0);
        }
        i = j;
    }
    if !seen_digits {
        return (0.0, 0);
    }
    let mut exp = 0i32;
    if at(i) == b'e' || at(i) == b'E' {
        let mut j = i + 1;
        let exp_negative = at(j) == b'-';
        if at(j) == b'-' || at(j) == b'+' {
            j += 1;
        }
        let exp_digits = j;
        while at(j).is_ascii_digit() {
            exp = (exp * 10 + i32::from(at(j) - b'0')).min(10_000);
            j += 1;
        }
        if j > exp_digits {
            i = j;
            if exp_negative {
                exp = -exp;
            }
        } else {
            exp = 0;
        }
    }
    // Clinger's exact case: an integer of at most 53 bits times or divided
    // by a power of ten up to 10^22 (both exact doubles) is one correctly
    // rounded operation. Most numbers in documents (coordinates, prices)
    // are that; the rest go through the standard library's parser.
    let e10 = exp - frac_digits;
    if digits <= 19 && mantissa <= 1 << 53 && (-22..=22).contains(&e10) {
        let m = mantissa as f64;
        let v = if e10 >= 0 {
            m * POW10[e10 as usize]
        } else {
            m / POW10[(-e10) as usize]
        };
        return (if negative { -v } else { v }, i);
    }
    // Then the Eisel-Lemire step on the same digits (17-digit mantissas,
    // beyond 53 bits, are the common case there); what it leaves
    // undecided goes through the standard library's parser.
    if digits <= 19 {
        if let Some(v) = crate::lemire::to_f64(mantissa, e10) {
            return (if negative { -v } else { v }, i);
        }
    }
    let number = &text[..i];
    // Rust's parser wants digits on one side of the point at least (which
    // holds) and no `+` sign before the exponent digits only; both forms
    // are accepted by `f64::from_str`.
    let value = core::str::from_utf8(number)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
        .or_else(|| {
            // "1." and "-.5": the forms `from_str` refuses, read without
            // their dangling point.
            let trimmed: Vec<u8> = number.iter().copied().filter(|&c| c != b'.').collect();
            core::str::from_utf8(&trimmed).ok()?.parse::<f64>().ok()
        })
        .unwrap_or(0.0);
    (value, i)
}
