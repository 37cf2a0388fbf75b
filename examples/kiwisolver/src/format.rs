//! Numbers as kiwisolver prints them: C++'s default stream format, which
//! is C's `%g` (six significant digits, trailing zeros dropped, an
//! exponent of at least two digits).

use std::fmt::Write;

/// Appends `x` to `out` formatted as `%g`.
pub fn push_g(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str(if x.is_nan() {
            "nan"
        } else if x > 0.0 {
            "inf"
        } else {
            "-inf"
        });
        return;
    }
    if x == 0.0 {
        out.push_str(if x.is_sign_negative() { "-0" } else { "0" });
        return;
    }
    // Rounded to six significant digits first: the exponent of the
    // rounded value decides between the two notations, as in C.
    let sci = format!("{x:.5e}");
    let (mantissa, exp) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exp: i32 = exp.parse().expect("`{:e}` has a decimal exponent");
    if !(-4..6).contains(&exp) {
        out.push_str(trim_zeros(mantissa));
        let sign = if exp < 0 { '-' } else { '+' };
        let _ = write!(out, "e{sign}{:02}", exp.abs());
    } else {
        let decimals = (5 - exp) as usize;
        out.push_str(trim_zeros(&format!("{x:.decimals$}")));
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::push_g;

    fn g(x: f64) -> String {
        let mut s = String::new();
        push_g(&mut s, x);
        s
    }

    #[test]
    fn like_printf_g() {
        assert_eq!(g(1.0), "1");
        assert_eq!(g(-10.0), "-10");
        assert_eq!(g(0.5), "0.5");
        assert_eq!(g(1_001_001_000.0), "1.001e+09");
        assert_eq!(g(123456.0), "123456");
        assert_eq!(g(1234567.0), "1.23457e+06");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(999999.5), "1e+06");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(1.0 / 3.0), "0.333333");
    }
}
