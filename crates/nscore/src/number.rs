//! util-linux's number parsers (`strtoul_or_err`, `strtos64_or_err`, `strtopid_or_err`): C's
//! `strtol` syntax (its blanks, a sign, decimal digits, nothing after) and the messages
//! `<what>: '<arg>'`, with the ERANGE text for numbers out of range; and the raw `strtoimax`
//! and `ul_strtou64` for callers that read on after the number (nsenter's `-t PID:INODE`);
//! `strtold` and printf's `%g` as the `-Q` filter converts between strings and floats.

use crate::error::{Error, Message, Result};

/// Characters C's `isspace` skips in front of a number (a Unicode blank is garbage).
pub const C_SPACE: [char; 6] = [' ', '\t', '\n', '\x0b', '\x0c', '\r'];

/// Whether `s` after C's blanks starts with a minus sign, and what follows the blanks and sign.
fn sign_and_rest(s: &str) -> (bool, &str) {
    let t = s.trim_start_matches(C_SPACE);
    match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    }
}

/// The sign and the digits of `s` after C's blanks; `None` when no digits follow, or more.
fn sign_and_digits(s: &str) -> Option<(bool, &str)> {
    let (negative, digits) = sign_and_rest(s);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((negative, digits))
}

/// `sscanf("%u")`: C's blanks, an optional sign and the decimal digits that follow, converted
/// as C converts them (strtoul saturates at ULONG_MAX, a minus sign negates modulo 2^64, `%u`
/// keeps the low 32 bits, so `-1` is 4294967295); the value and the rest of `s`, or `None`
/// when no digit follows. Unlike [`parse_unsigned`] it never fails on what follows the digits.
pub(crate) fn scan_u32(s: &str) -> Option<(u32, &str)> {
    let (negative, t) = sign_and_rest(s);
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let value = t[..digits].parse::<u64>().unwrap_or(u64::MAX);
    let value = if negative { value.wrapping_neg() } else { value };
    Some((value as u32, &t[digits..]))
}

/// `strtoul_or_err`/`strtou64_or_err`: an unsigned decimal number; negative numbers (but
/// `-0`) and overflow are out of range.
pub fn parse_unsigned(s: &str, what: &'static str) -> Result<u64> {
    let Some((negative, digits)) = sign_and_digits(s) else { return Err(Error::msg(parse_error(what, s))) };
    match digits.parse::<u64>() {
        Ok(v) if negative && v != 0 => Err(Error::os(parse_error(what, s), libc::ERANGE)),
        Ok(v) => Ok(v),
        Err(_) => Err(Error::os(parse_error(what, s), libc::ERANGE)),
    }
}

/// `"%s: '%s'", errmesg, str`: `what` is the caller's msgid (`_("failed to parse uid")`).
pub(crate) fn parse_error(what: &'static str, s: &str) -> Message {
    Message::Parse { what, value: s.into() }
}

/// `strtos64_or_err`: a signed decimal number.
pub fn parse_signed(s: &str, what: &'static str) -> Result<i64> {
    let Some((negative, digits)) = sign_and_digits(s) else { return Err(Error::msg(parse_error(what, s))) };
    let signed = if negative { format!("-{digits}") } else { digits.to_string() };
    signed.parse::<i64>().map_err(|_| Error::os(parse_error(what, s), libc::ERANGE))
}

/// `strtopid_or_err`: a positive pid; 0, negative numbers and overflow are out of range.
pub fn parse_pid(s: &str, what: &'static str) -> Result<libc::pid_t> {
    match parse_signed(s, what)? {
        n if n > 0 && n <= i64::from(libc::pid_t::MAX) => Ok(n as libc::pid_t),
        _ => Err(Error::os(parse_error(what, s), libc::ERANGE)),
    }
}

/// The string after leading blanks, as `strto*(3)` skip them.
fn skip_blanks(s: &[u8]) -> &[u8] {
    &s[s.iter().position(|&b| !C_SPACE.contains(&char::from(b))).unwrap_or(s.len())..]
}

/// `strtoimax(3)` in base 10: leading blanks, a sign, digits; returns the value (saturated, with
/// an overflow flag) and the unparsed rest, or None when no digit was found.
pub(crate) fn strtoimax(s: &[u8]) -> Option<(i64, bool, &[u8])> {
    let mut rest = skip_blanks(s);
    let negative = rest.first() == Some(&b'-');
    if matches!(rest.first(), Some(b'-' | b'+')) {
        rest = &rest[1..];
    }
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    let mut value: i128 = 0;
    for &d in &rest[..digits] {
        value = (value * 10 + i128::from(d - b'0')).min(i128::from(u64::MAX) + 1);
    }
    let value = if negative { -value } else { value };
    let overflow = value > i128::from(i64::MAX) || value < i128::from(i64::MIN);
    Some((value.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64, overflow, &rest[digits..]))
}

/// util-linux's `ul_strtou64`: digits only (after blanks and `+`), no negative numbers. On
/// failure the value `strtoumax` left behind is returned too, because nsenter's `-t PID:INODE`
/// uses it even then.
pub(crate) fn strtou64(s: &[u8]) -> (std::result::Result<u64, i32>, u64) {
    if s.is_empty() {
        return (Err(libc::EINVAL), 0);
    }
    match strtoimax(s) {
        None => (Err(libc::EINVAL), 0),
        Some((v, _, _)) if v < 0 => (Err(libc::ERANGE), 0),
        Some((_, _, rest)) => {
            // Only "-0" gets here with a minus sign: strtoumax negates 0 to 0.
            let unsigned = skip_blanks(s);
            let digits = unsigned.strip_prefix(b"+").or_else(|| unsigned.strip_prefix(b"-")).unwrap_or(unsigned);
            let n = digits.iter().take_while(|b| b.is_ascii_digit()).count();
            let parsed = std::str::from_utf8(&digits[..n]).ok().and_then(|d| d.parse::<u64>().ok());
            match parsed {
                None => (Err(libc::ERANGE), u64::MAX),
                Some(v) if !rest.is_empty() => (Err(libc::EINVAL), v),
                Some(v) => (Ok(v), v),
            }
        }
    }
}

/// `strtold` over the whole string, in f64. The range is long double's: a number beyond
/// f64's but within long double's (`1e309`, `1e-400`) is no error, and becomes an infinity
/// or zero here; one beyond long double's is ERANGE. Hexadecimal (`0x1.8p3`) is read too.
pub(crate) fn parse_float(s: &str) -> std::result::Result<f64, i32> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = match body.get(..2) {
        Some("0x" | "0X") => parse_hex_float(&body[2..])?,
        _ => {
            let v: f64 = body.parse().map_err(|_| libc::EINVAL)?;
            if !v.is_finite() || v == 0.0 {
                if body.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) {
                    v // inf, infinity, nan
                } else if let Some((e, lead)) = decimal_exponent(body) {
                    // Long double's largest is 1.18973e4932, its smallest normal 3.3621e-4932.
                    if e > 4932 || (e == 4932 && lead > 1.189_731_495_357_231_8) {
                        return Err(libc::ERANGE);
                    }
                    if e < -4932 || (e == -4932 && lead < 3.362_103_143_112_093_5) {
                        return Err(libc::ERANGE);
                    }
                    v
                } else {
                    v
                }
            } else {
                v
            }
        }
    };
    Ok(if negative { -magnitude } else { magnitude })
}

/// A decimal number as `lead * 10^e` with `lead` in [1, 10): (e, lead), None for zero.
fn decimal_exponent(s: &str) -> Option<(i64, f64)> {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let int = int.trim_start_matches('0');
    let digits: String = int.chars().chain(frac.chars()).skip_while(|&c| c == '0').take(17).collect();
    let first = digits.chars().next().filter(|c| c.is_ascii_digit())?;
    let lead: f64 = format!("{first}.{}", &digits[1..]).parse().unwrap_or(1.0);
    let e = if int.is_empty() {
        exp.saturating_sub(frac.bytes().take_while(|&b| b == b'0').count() as i64 + 1)
    } else {
        exp.saturating_add(int.len() as i64 - 1)
    };
    Some((e, lead))
}

/// The digits of a hexadecimal float after `0x`: hex digits, a point, `p` and a power of two.
fn parse_hex_float(s: &str) -> std::result::Result<f64, i32> {
    let (mantissa, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().map_err(|_| libc::EINVAL)?),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(libc::EINVAL);
    }
    let mut value = 0f64;
    for c in int.chars().chain(frac.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16).ok_or(libc::EINVAL)?);
    }
    let exp = exp.saturating_sub(4 * frac.len() as i32);
    Ok(value * 2f64.powi(exp))
}

/// printf's `%g`: six significant digits, trailing zeros dropped.
pub(crate) fn format_g(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let exp = v.abs().log10().floor() as i32;
    let sci = format!("{v:.5e}");
    let (mantissa, e) = sci.split_once('e').unwrap_or((&sci, "0"));
    let e: i32 = e.parse().unwrap_or(exp);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if !(-4..6).contains(&e) {
        format!("{}e{}{:02}", trim(mantissa), if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (5 - e).max(0) as usize;
        trim(&format!("{v:.decimals$}"))
    }
}
