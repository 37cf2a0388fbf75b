//! A decimal `w × 10^q` (`w` below 2^64) rounded to the nearest double
//! by the Eisel-Lemire method: `w` times a 128-bit approximation of
//! `5^q`, the top bits of the product giving the double's 53 bits. When
//! the approximation cannot decide the rounding (the product is too close
//! to a point where it would change, or the result is subnormal, infinite
//! or out of the table's range), the answer is `None` and the caller uses
//! an exact parser.
//!
//! Why it holds: the table's value `t` of `5^q` (scaled into
//! `[2^127, 2^128)`) differs from the true scaled value by less than 1,
//! so `w·t` differs from the true product by less than `w < 2^64`: the
//! product's top 128 bits are right to within one unit of their low
//! 64-bit word. The 54 bits kept (53 and the rounding bit) can only be
//! wrong if every bit below them in those 128 bits is 0 (a unit less
//! borrows) or 1 (a unit more carries): both cases go to the fallback.
//! Anywhere else the bits below the rounding bit are not all zero in the
//! true product, so it is not a tie, and a set rounding bit rounds up;
//! the one case left where it could be a tie (all bits below zero but the
//! lowest unit) goes to the fallback too.

/// The smallest and largest decimal exponents the table covers. Beyond
/// them any `w` below 2^64 is zero or infinite after rounding; those are
/// left to the fallback.
const Q_MIN: i32 = -342;
const Q_MAX: i32 = 308;
const ENTRIES: usize = (Q_MAX - Q_MIN + 1) as usize;

/// Limbs (64-bit, least significant first) of the integers the table is
/// computed from: `2^B` with `B` = 1718 below, and `5^342`.
const LIMBS: usize = 28;
type Big = [u64; LIMBS];

/// The bit length of `x` (0 for zero).
const fn bit_len(x: &Big) -> usize {
    let mut i = LIMBS;
    while i > 0 {
        i -= 1;
        if x[i] != 0 {
            return i * 64 + 64 - x[i].leading_zeros() as usize;
        }
    }
    0
}

/// `x * 5`.
const fn times5(x: &Big) -> Big {
    let mut out = [0u64; LIMBS];
    let mut carry = 0u128;
    let mut i = 0;
    while i < LIMBS {
        let v = x[i] as u128 * 5 + carry;
        out[i] = v as u64;
        carry = v >> 64;
        i += 1;
    }
    out
}

/// `floor(x / 5)`.
const fn div5(x: &Big) -> Big {
    let mut out = [0u64; LIMBS];
    let mut rem = 0u128;
    let mut i = LIMBS;
    while i > 0 {
        i -= 1;
        let v = (rem << 64) | x[i] as u128;
        out[i] = (v / 5) as u64;
        rem = v % 5;
    }
    out
}

/// `floor(x / 2^shift)`.
const fn shr(x: &Big, shift: usize) -> Big {
    let mut out = [0u64; LIMBS];
    let (words, bits) = (shift / 64, shift % 64);
    let mut i = 0;
    while i + words < LIMBS {
        let lo = x[i + words] >> bits;
        let hi = if bits > 0 && i + words + 1 < LIMBS {
            x[i + words + 1] << (64 - bits)
        } else {
            0
        };
        out[i] = lo | hi;
        i += 1;
    }
    out
}

/// `x + 1`.
const fn plus1(x: &Big) -> Big {
    let mut out = *x;
    let mut i = 0;
    while i < LIMBS {
        out[i] = out[i].wrapping_add(1);
        if out[i] != 0 {
            break;
        }
        i += 1;
    }
    out
}

/// The top 128 bits of `x` (at least 128 bits long), truncated.
const fn top128(x: &Big) -> u128 {
    let low = shr(x, bit_len(x) - 128);
    (low[1] as u128) << 64 | low[0] as u128
}

/// `x` (below 2^128, not zero) shifted left until its top bit is bit 127.
const fn normalized(x: &Big) -> u128 {
    let v = (x[1] as u128) << 64 | x[0] as u128;
    v << v.leading_zeros()
}

/// For each `q` in `Q_MIN..=Q_MAX`: `5^q` scaled by a power of two into
/// `[2^127, 2^128)` (truncated for `q >= 0`; for `q < 0` the quotient
/// `2^b / 5^-q` plus one, truncated to 128 bits, which keeps it within 1
/// of the true value), and `floor(log2(5^q))`.
static TABLE: ([u128; ENTRIES], [i16; ENTRIES]) = {
    let mut pow = [0u128; ENTRIES];
    let mut log2 = [0i16; ENTRIES];
    // q >= 0: 5^q itself.
    let mut five = [0u64; LIMBS];
    five[0] = 1;
    let mut q = 0;
    while q <= Q_MAX as usize {
        let len = bit_len(&five);
        let i = q + (-Q_MIN) as usize;
        pow[i] = if len <= 128 {
            normalized(&five)
        } else {
            top128(&five)
        };
        log2[i] = (len - 1) as i16;
        five = times5(&five);
        q += 1;
    }
    // q < 0: floor(2^B / 5^n) for n = 1, 2, …, each from the one before
    // (dividing the floor by 5 again gives the floor of the quotient by
    // 5^n), then scaled down to 2^b / 5^n with b chosen as below.
    const B: usize = 2 * 795 + 128;
    let mut quotient = [0u64; LIMBS];
    quotient[B / 64] = 1 << (B % 64);
    let mut five_n = [0u64; LIMBS];
    five_n[0] = 1;
    let mut n = 1;
    while n <= (-Q_MIN) as usize {
        quotient = div5(&quotient);
        five_n = times5(&five_n);
        // 5^n lies in (2^(z-1), 2^z).
        let z = bit_len(&five_n);
        let b = if n <= 27 { z + 127 } else { 2 * z + 128 };
        let floor = shr(&quotient, B - b);
        let scaled = plus1(&floor);
        // The scale the exponent below assumes: 128 bits from 2^(z+127)
        // for small n, z + 129 from 2^(2z+128), the one added carrying
        // into no new bit.
        assert!(z <= 795 && bit_len(&scaled) == bit_len(&floor));
        assert!(bit_len(&floor) == if n <= 27 { 128 } else { z + 129 });
        let i = (-Q_MIN) as usize - n;
        pow[i] = top128(&scaled);
        log2[i] = -(z as i16);
        n += 1;
    }
    (pow, log2)
};

/// `w × 10^q` as the nearest double (ties to even), or `None` where this
/// method cannot decide it (see the module's notes) or `w` is zero.
#[inline]
pub(crate) fn to_f64(w: u64, q: i32) -> Option<f64> {
    if w == 0 || !(Q_MIN..=Q_MAX).contains(&q) {
        return None;
    }
    let i = (q - Q_MIN) as usize;
    let t = TABLE.0[i];
    let zeros = w.leading_zeros();
    let w = w << zeros;
    // The top 128 bits of the 192-bit product w × t.
    let high = u128::from(w) * (t >> 64);
    let low = u128::from(w) * (t as u64 as u128);
    let top = high + (low >> 64);
    let (hi, lo) = ((top >> 64) as u64, top as u64);
    // `hi` has 63 or 64 bits: keep 54 of them.
    let upper = (hi >> 63) as u32;
    let cut = upper + 9;
    let mask = (1u64 << cut) - 1;
    let below = hi & mask;
    if (below == 0 && lo <= 1) || (below == mask && lo == u64::MAX) {
        return None;
    }
    let mut mantissa = hi >> cut;
    // Not a tie: round half up.
    mantissa = (mantissa + (mantissa & 1)) >> 1;
    // w × 10^q = (w·t / 2^128) × 2^(q + log2(5^q) + 1 - zeros), and the
    // mantissa is those top bits over 2^(cut + 1).
    let mut exp = cut as i32 + 1 + q + i32::from(TABLE.1[i]) + 1 - zeros as i32;
    if mantissa == 1 << 53 {
        mantissa >>= 1;
        exp += 1;
    }
    // The double is mantissa × 2^exp with mantissa in [2^52, 2^53).
    let biased = exp + 52 + 1023;
    if !(1..=2046).contains(&biased) {
        return None;
    }
    let bits = (biased as u64) << 52 | (mantissa & ((1 << 52) - 1));
    Some(f64::from_bits(bits))
}
