//! printf(3) of the formats a catalog hands back, done here rather than by libc: a
//! translation is data from a file, and a format that does not fit its arguments must not
//! reach C's varargs. Only what util-linux's and glibc's messages use: `%s`, `%c`, `%d`/`%i`,
//! `%u`, `%x`, `%o` (with any length modifier, `%lu` of `PRIu64` included), flags, width,
//! precision, `%%`, and the positions translators reorder arguments with (`%2$s ... %1$s`).
//! As glibc's narrow printf, widths and precisions count bytes.

/// One argument of a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg<'a> {
    /// `%s`: bytes, printed as given.
    Str(&'a [u8]),
    /// `%c`: one byte.
    Char(u8),
    /// `%d`, `%i`.
    Int(i64),
    /// `%u`, `%x`, `%o` (and `%d` of an unsigned value).
    Uint(u64),
}

/// One conversion of a format, parsed.
#[derive(Debug, Default)]
struct Spec {
    left: bool,
    zero: bool,
    plus: bool,
    space: bool,
    alt: bool,
    width: usize,
    precision: Option<usize>,
    conv: u8,
}

/// `format` with `args` put in, as printf(3) would print them; `None` when the format does
/// not fit the arguments (a conversion this does not know, a missing argument, an argument
/// of the wrong kind, positional and plain conversions mixed).
pub(crate) fn format(format: &[u8], args: &[Arg<'_>]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(format.len() + 32);
    let mut next_arg = 0;
    let mut positional: Option<bool> = None;
    let mut i = 0;
    while i < format.len() {
        let b = format[i];
        i += 1;
        if b != b'%' {
            out.push(b);
            continue;
        }
        if format.get(i) == Some(&b'%') {
            out.push(b'%');
            i += 1;
            continue;
        }
        // An argument position `N$` is digits followed by `$`; otherwise those digits are
        // the width.
        let digits = format[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        let position = if digits > 0 && format.get(i + digits) == Some(&b'$') {
            let n = number(&format[i..i + digits])?;
            i += digits + 1;
            Some(n.checked_sub(1)?)
        } else {
            None
        };
        if *positional.get_or_insert(position.is_some()) != position.is_some() {
            return None;
        }
        let mut spec = Spec::default();
        while let Some(&flag) = format.get(i) {
            match flag {
                b'-' => spec.left = true,
                b'0' => spec.zero = true,
                b'+' => spec.plus = true,
                b' ' => spec.space = true,
                b'#' => spec.alt = true,
                // Thousands grouping: none in the messages of these tools; the C locale's
                // grouping is none at all.
                b'\'' => {}
                _ => break,
            }
            i += 1;
        }
        let digits = format[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 {
            spec.width = number(&format[i..i + digits])?;
            i += digits;
        }
        if format.get(i) == Some(&b'.') {
            i += 1;
            let digits = format[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            spec.precision = Some(if digits > 0 { number(&format[i..i + digits])? } else { 0 });
            i += digits;
        }
        // Length modifiers say how wide the C argument was; an `Arg` knows its own width.
        while let Some(b'h' | b'l' | b'q' | b'j' | b'z' | b'Z' | b't' | b'L') = format.get(i) {
            i += 1;
        }
        spec.conv = *format.get(i)?;
        i += 1;
        let index = position.unwrap_or_else(|| {
            next_arg += 1;
            next_arg - 1
        });
        convert(&mut out, &spec, args.get(index)?)?;
    }
    Some(out)
}

/// A width, precision or position: at most a few digits in any real format.
fn number(digits: &[u8]) -> Option<usize> {
    std::str::from_utf8(digits).ok()?.parse::<usize>().ok().filter(|&n| n <= 4096)
}

fn convert(out: &mut Vec<u8>, spec: &Spec, arg: &Arg<'_>) -> Option<()> {
    match (spec.conv, *arg) {
        (b's', Arg::Str(s)) => {
            let s = spec.precision.map_or(s, |p| &s[..p.min(s.len())]);
            pad(out, spec, b"", s, false);
        }
        (b'c', Arg::Char(c)) => pad(out, spec, b"", &[c], false),
        (b'd' | b'i', Arg::Int(n)) => {
            let sign: &[u8] = if n < 0 {
                b"-"
            } else if spec.plus {
                b"+"
            } else if spec.space {
                b" "
            } else {
                b""
            };
            integer(out, spec, sign, n.unsigned_abs(), 10);
        }
        (b'd' | b'i', Arg::Uint(n)) => {
            let sign: &[u8] = if spec.plus {
                b"+"
            } else if spec.space {
                b" "
            } else {
                b""
            };
            integer(out, spec, sign, n, 10);
        }
        // A translation may say `%u` where the msgid says `%d` (gettext counts both as an
        // integer); a negative value is printed by `%d` only.
        (b'u' | b'x' | b'X' | b'o', Arg::Uint(_) | Arg::Int(0..)) => {
            let n = match *arg {
                Arg::Int(n) => n.unsigned_abs(),
                Arg::Uint(n) => n,
                _ => return None,
            };
            let base = match spec.conv {
                b'x' | b'X' => 16,
                b'o' => 8,
                _ => 10,
            };
            let prefix: &[u8] = match (spec.alt && n != 0, spec.conv) {
                (true, b'x') => b"0x",
                (true, b'X') => b"0X",
                _ => b"",
            };
            integer(out, spec, prefix, n, base);
        }
        _ => return None,
    }
    Some(())
}

/// An integer's digits with its precision (minimum digits), then padded to the width.
fn integer(out: &mut Vec<u8>, spec: &Spec, prefix: &[u8], n: u64, base: u64) {
    let mut digits = Vec::with_capacity(24);
    let mut rest = n;
    loop {
        let d = (rest % base) as u8;
        digits.push(if d < 10 {
            b'0' + d
        } else if spec.conv == b'X' {
            b'A' + d - 10
        } else {
            b'a' + d - 10
        });
        rest /= base;
        if rest == 0 {
            break;
        }
    }
    // `%.0d` of zero prints no digit at all.
    if spec.precision == Some(0) && n == 0 {
        digits.clear();
    }
    let min = spec.precision.unwrap_or(0);
    while digits.len() < min {
        digits.push(b'0');
    }
    if spec.alt && spec.conv == b'o' && digits.last() != Some(&b'0') {
        digits.push(b'0');
    }
    digits.reverse();
    // The 0 flag pads with zeros after the sign, unless a precision is given or `-` wins.
    let zeros = spec.zero && !spec.left && spec.precision.is_none();
    pad(out, spec, prefix, &digits, zeros);
}

/// `prefix` and `body` padded to the width with blanks (left or right), or with zeros
/// between them.
fn pad(out: &mut Vec<u8>, spec: &Spec, prefix: &[u8], body: &[u8], zeros: bool) {
    let fill = spec.width.saturating_sub(prefix.len() + body.len());
    if spec.left {
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        out.resize(out.len() + fill, b' ');
    } else if zeros {
        out.extend_from_slice(prefix);
        out.resize(out.len() + fill, b'0');
        out.extend_from_slice(body);
    } else {
        out.resize(out.len() + fill, b' ');
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(fmt: &str, args: &[Arg<'_>]) -> Option<String> {
        format(fmt.as_bytes(), args).map(|v| String::from_utf8(v).unwrap())
    }

    #[test]
    fn plain_conversions_as_printf() {
        let s = |s: &'static str| Arg::Str(s.as_bytes());
        assert_eq!(
            f("%s: invalid option -- '%c'\n", &[s("lsns"), Arg::Char(b'x')]).unwrap(),
            "lsns: invalid option -- 'x'\n"
        );
        assert_eq!(
            f("%-27s%s\n", &[s(" -h, --help"), s("display this help")]).unwrap(),
            " -h, --help                display this help\n"
        );
        assert_eq!(f("[%5s|%-5s|%.2s]", &[s("ab"), s("ab"), s("abc")]).unwrap(), "[   ab|ab   |ab]");
        assert_eq!(
            f(
                "%d %i %5d %-5d| %05d %+d % d",
                &[Arg::Int(-3), Arg::Int(7), Arg::Int(-42), Arg::Int(42), Arg::Int(-42), Arg::Int(5), Arg::Int(5),]
            )
            .unwrap(),
            "-3 7   -42 42   | -0042 +5  5"
        );
        assert_eq!(
            f(
                "%lu %llu %zu %ju %x %#X %o %#o %.3u %.0d",
                &[
                    Arg::Uint(u64::MAX),
                    Arg::Uint(1),
                    Arg::Uint(2),
                    Arg::Uint(3),
                    Arg::Uint(255),
                    Arg::Uint(255),
                    Arg::Uint(8),
                    Arg::Uint(8),
                    Arg::Uint(7),
                    Arg::Int(0),
                ]
            )
            .unwrap(),
            "18446744073709551615 1 2 3 ff 0XFF 10 010 007 "
        );
        assert_eq!(f("100%% %d", &[Arg::Uint(4)]).unwrap(), "100% 4");
    }

    #[test]
    fn translations_reorder_their_arguments() {
        let args = [Arg::Str(b"lsns"), Arg::Str(b"util-linux 2.42.3")];
        assert_eq!(f("%2$s \u{306e} %1$s\n", &args).unwrap(), "util-linux 2.42.3 \u{306e} lsns\n");
        assert_eq!(f("%1$s %1$s", &args).unwrap(), "lsns lsns");
        assert_eq!(f("%2$-20s|", &args).unwrap(), "util-linux 2.42.3   |");
    }

    #[test]
    fn bytes_pass_through() {
        assert_eq!(format(b"\xfc%s\xe4", &[Arg::Str(b"\xff")]).unwrap(), b"\xfc\xff\xe4");
        assert_eq!(format(b"%c", &[Arg::Char(0xc3)]).unwrap(), b"\xc3");
    }

    #[test]
    fn a_format_that_does_not_fit_is_refused() {
        let s = Arg::Str(b"x");
        for bad in ["%s %s", "%d", "%n", "%*s", "%1$s %s", "%s %2$s", "%0$s", "%3$s", "%", "%l", "%99999s", "%p"] {
            assert_eq!(format(bad.as_bytes(), &[s]), None, "{bad}");
        }
        assert_eq!(format(b"%s", &[Arg::Int(1)]), None);
        assert_eq!(format(b"%u", &[Arg::Int(-1)]), None);
        assert_eq!(format(b"%u", &[Arg::Int(1)]).unwrap(), b"1");
        assert_eq!(format(b"%c", &[s]), None);
    }
}
