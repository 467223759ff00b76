//! util-linux's number parsers (`strtoul_or_err`, `strtos64_or_err`, `strtopid_or_err`): C's
//! `strtol` syntax (its blanks, a sign, decimal digits, nothing after) and the messages
//! `<what>: '<arg>'`, with the ERANGE text for numbers out of range.

use crate::error::{Error, Result};

/// Characters C's `isspace` skips in front of a number (a Unicode blank is garbage).
pub const C_SPACE: [char; 6] = [' ', '\t', '\n', '\x0b', '\x0c', '\r'];

/// The sign and the digits of `s` after C's blanks; `None` when no digits follow, or more.
fn sign_and_digits(s: &str) -> Option<(bool, &str)> {
    let t = s.trim_start_matches(C_SPACE);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some((negative, digits))
}

/// `strtoul_or_err`/`strtou64_or_err`: an unsigned decimal number; negative numbers (but
/// `-0`) and overflow are out of range.
pub fn parse_unsigned(s: &str, what: &str) -> Result<u64> {
    let Some((negative, digits)) = sign_and_digits(s) else { return Err(Error::msg(format!("{what}: '{s}'"))) };
    match digits.parse::<u64>() {
        Ok(v) if negative && v != 0 => Err(Error::os(format!("{what}: '{s}'"), libc::ERANGE)),
        Ok(v) => Ok(v),
        Err(_) => Err(Error::os(format!("{what}: '{s}'"), libc::ERANGE)),
    }
}

/// `strtos64_or_err`: a signed decimal number.
pub fn parse_signed(s: &str, what: &str) -> Result<i64> {
    let Some((negative, digits)) = sign_and_digits(s) else { return Err(Error::msg(format!("{what}: '{s}'"))) };
    let signed = if negative { format!("-{digits}") } else { digits.to_string() };
    signed.parse::<i64>().map_err(|_| Error::os(format!("{what}: '{s}'"), libc::ERANGE))
}

/// `strtopid_or_err`: a positive pid; 0, negative numbers and overflow are out of range.
pub fn parse_pid(s: &str, what: &str) -> Result<libc::pid_t> {
    match parse_signed(s, what)? {
        n if n > 0 && n <= i64::from(libc::pid_t::MAX) => Ok(n as libc::pid_t),
        _ => Err(Error::os(format!("{what}: '{s}'"), libc::ERANGE)),
    }
}
