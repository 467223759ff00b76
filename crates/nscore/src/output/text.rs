//! How libsmartcols turns cell text into terminal text: the `\x??` encoding of unsafe bytes,
//! display widths, truncation to a number of cells, raw-mode escaping and JSON strings.
//!
//! The result depends on the character set of the locale (`LC_ALL`/`LC_CTYPE`/`LANG`), as
//! util-linux calls `setlocale(LC_ALL, "")`: in a UTF-8 locale printable multibyte characters
//! pass through, in the C locale every byte above 0x7f is shown as `\x??`, in any other
//! (ISO-8859-1, KOI8-R, EUC-JP, ...) what the locale decodes as a printable character passes
//! through as its bytes. Which characters are printable and how wide they are is glibc's
//! answer (`mbrtowc`, `iswprint`, `wcwidth`, `isprint`, `iscntrl`), as for libsmartcols.
//!
//! In that last case encoded text may hold bytes that are not UTF-8: every byte above 0x7f of
//! it travels carried (`byte_text`), one character per byte, and [`put_encoded`] writes the
//! bytes.

use crate::byte_text::{carried_byte, carried_bytes, carrier};
use crate::sys::locale::{self, Codeset, MbChar, MbDecoder};

/// The locale's character set, as far as output is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// The C/POSIX locale (or any non-UTF-8 one): ASCII only, tree glyphs `|-`, `` `- ``.
    Ascii,
    /// A UTF-8 locale: multibyte text, tree glyphs `├─`, `└─`, `│`.
    Utf8,
    /// Any other charset (ISO-8859-1, KOI8-R, EUC-JP, ...): text as the process's locale
    /// decodes it, tree glyphs as in [`Charset::Ascii`].
    Locale,
}

impl Charset {
    /// The character set of the user's locale, as `setlocale(LC_ALL, "")` +
    /// `nl_langinfo(CODESET)` report it (`LC_ALL`, `LC_CTYPE`, `LANG`; a locale that is not
    /// installed leaves the C locale).
    pub(crate) fn from_env() -> Charset {
        match locale::codeset() {
            Codeset::Utf8 => Charset::Utf8,
            Codeset::Ascii => Charset::Ascii,
            Codeset::Other => Charset::Locale,
        }
    }
}

/// `iscntrl(3)` in every locale util-linux runs in: C0 controls and DEL.
fn is_ascii_control(b: u8) -> bool {
    b < 0x20 || b == 0x7f
}

/// Display width of a printable character in a UTF-8 locale, `None` when glibc's `iswprint`
/// says it is not printable (then libsmartcols shows its bytes as `\x??`).
fn char_cells(c: char) -> Option<usize> {
    crate::sys::locale::utf8_char_cells(c)
}

/// Text made safe for a terminal (libsmartcols's "safe encoding"): control bytes, a `\`
/// that starts `\x`, and bytes that are not printable characters in `charset` become `\x??`.
/// `keep_newlines` leaves `\n` alone (the "safe chars" of a multi-line column).
/// Returns the text and its width in terminal cells.
pub(crate) fn encode(s: &str, charset: Charset, keep_newlines: bool) -> (String, usize) {
    if charset == Charset::Locale && !s.is_ascii() {
        return encode_in_locale(s, keep_newlines);
    }
    let mut out = String::with_capacity(s.len());
    let mut width = 0;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        if keep_newlines && c == '\n' {
            out.push('\n');
            continue;
        }
        if let Some(b) = carried_byte(c) {
            // Not UTF-8: not a printable character in any locale.
            push_hex(&mut out, b);
            width += 4;
            continue;
        }
        let b = bytes[i];
        let escape_one = (b == b'\\' && bytes.get(i + 1) == Some(&b'x')) || (c.is_ascii() && is_ascii_control(b));
        if escape_one {
            push_hex(&mut out, b);
            width += 4;
        } else if c.is_ascii() {
            out.push(c);
            width += 1;
        } else {
            match (charset, char_cells(c)) {
                (Charset::Utf8, Some(cells)) => {
                    out.push(c);
                    width += cells;
                }
                _ => {
                    for &byte in &bytes[i..i + c.len_utf8()] {
                        push_hex(&mut out, byte);
                        width += 4;
                    }
                }
            }
        }
    }
    (out, width)
}

/// [`encode`] in a charset other than UTF-8 and ASCII, as libsmartcols encodes there: a
/// control byte (`iscntrl`) or a `\` that starts `\x` is escaped; otherwise mbrtowc(3)
/// decodes a character, which passes through `wcwidth` cells wide when iswprint(3) accepts
/// it and is escaped byte by byte when not; a byte that starts no character passes through,
/// one cell wide, when `isprint` accepts it.
fn encode_in_locale(s: &str, keep_newlines: bool) -> (String, usize) {
    if keep_newlines && s.contains('\n') {
        // Only the cell's own newlines: a carried one is a byte of a value, escaped.
        let (mut out, mut width) = (String::with_capacity(s.len()), 0);
        for (k, piece) in s.split('\n').enumerate() {
            if k > 0 {
                out.push('\n');
            }
            let (encoded, cells) = encode_in_locale(piece, false);
            out.push_str(&encoded);
            width += cells;
        }
        return (out, width);
    }
    let bytes = carried_bytes(s);
    let mut out = String::with_capacity(bytes.len());
    let mut width = 0;
    let mut decoder = MbDecoder::new();
    let mut i = 0;
    let hex = |out: &mut String, bytes: &[u8]| {
        bytes.iter().for_each(|&b| push_hex(out, b));
        4 * bytes.len()
    };
    while i < bytes.len() {
        let b = bytes[i];
        if (b == b'\\' && bytes.get(i + 1) == Some(&b'x')) || locale::byte_class(b).cntrl {
            width += hex(&mut out, &bytes[i..=i]);
            i += 1;
            continue;
        }
        let len = match decoder.next(&bytes[i..]) {
            MbChar::Printable { len, cells } => {
                push_locale_bytes(&mut out, &bytes[i..i + len]);
                width += cells;
                len
            }
            MbChar::Unprintable { len } => {
                width += hex(&mut out, &bytes[i..i + len]);
                len
            }
            MbChar::Invalid if locale::byte_class(b).print => {
                push_locale_bytes(&mut out, &bytes[i..=i]);
                width += 1;
                1
            }
            MbChar::Invalid => {
                width += hex(&mut out, &bytes[i..=i]);
                1
            }
        };
        i += len;
    }
    (out, width)
}

/// Bytes of the locale's charset into encoded text: ASCII as is, every other byte carried.
fn push_locale_bytes(out: &mut String, bytes: &[u8]) {
    out.extend(bytes.iter().map(|&b| if b.is_ascii() { b as char } else { carrier(b) }));
}

/// Writes text [`encode`]d in `charset`: its bytes, carried ones as themselves.
pub(crate) fn put_encoded(out: &mut Vec<u8>, s: &str, charset: Charset) {
    if charset == Charset::Locale && !s.is_ascii() {
        out.extend_from_slice(&carried_bytes(s));
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// A value from `/proc` or a container quoted in a message (a container's name, a shell a
/// target's environment names): [`encode`]d in the user's locale, as a table cell shows it,
/// so a message shows what rlsns's cells show and no control byte reaches the terminal. An
/// argument the user typed is quoted as given instead, as util-linux quotes it.
///
/// In a charset other than UTF-8 and ASCII it is escaped as in the C locale, so a message
/// stays a `String` of UTF-8.
pub(crate) fn safe_encode(s: &str) -> String {
    let charset = match Charset::from_env() {
        Charset::Locale => Charset::Ascii,
        charset => charset,
    };
    encode(s, charset, false).0
}

/// Width in cells of `s` once safe-encoded.
pub(crate) fn width(s: &str, charset: Charset) -> usize {
    encode(s, charset, false).1
}

/// Cuts already encoded text to at most `cells` cells; returns the kept text and its width.
/// A character that is not printable counts one cell (libsmartcols replaces it with U+FFFD).
pub(crate) fn truncate(s: &str, cells: usize, charset: Charset) -> (&str, usize) {
    if charset == Charset::Locale && !s.is_ascii() {
        return truncate_in_locale(s, cells);
    }
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = if c.is_ascii() { 1 } else { char_cells(c).unwrap_or(1) };
        if used + w > cells {
            return (&s[..i], used);
        }
        used += w;
    }
    (s, used)
}

/// [`truncate`] of text encoded in [`Charset::Locale`], one character per byte: decoded
/// with mbrtowc(3) in the process's locale (text that does not decode is kept whole, as
/// libsmartcols keeps it when mbstowcs(3) fails).
fn truncate_in_locale(s: &str, cells: usize) -> (&str, usize) {
    let bytes = carried_bytes(s);
    let mut decoder = MbDecoder::new();
    let (mut i, mut used) = (0, 0);
    while i < bytes.len() {
        let (len, w) = match decoder.next(&bytes[i..]) {
            MbChar::Printable { len, cells } => (len, cells),
            MbChar::Unprintable { len } => (len, 1),
            MbChar::Invalid => return (s, cells),
        };
        if used + w > cells {
            // One character of `s` per byte (ASCII or carried).
            let end = s.char_indices().nth(i).map_or(s.len(), |(at, _)| at);
            return (&s[..end], used);
        }
        used += w;
        i += len;
    }
    (s, used)
}

fn push_hex(out: &mut String, b: u8) {
    use std::fmt::Write;
    let _ = write!(out, "\\x{b:02x}");
}

/// Raw-mode escaping: blanks, `\`, controls and every byte the C library's `isprint` rejects
/// become `\x??`, byte by byte (it knows no multibyte characters: every byte above 0x7f in
/// the C and UTF-8 locales; in a single-byte charset the locale decides). The text is
/// written with [`put_encoded`].
pub(crate) fn raw_escape(s: &str, charset: Charset) -> String {
    let mut out = String::with_capacity(s.len());
    for b in carried_bytes(s) {
        let escaped = if b.is_ascii() || charset != Charset::Locale {
            b == b' ' || b == b'\t' || b == b'\\' || !(0x20..0x7f).contains(&b)
        } else {
            let class = locale::byte_class(b);
            class.blank || !class.print || class.cntrl
        };
        if escaped {
            push_hex(&mut out, b);
        } else {
            push_locale_bytes(&mut out, &[b]);
        }
    }
    out
}

/// A JSON string literal as util-linux writes it: `"` and `\` escaped, `\b \t \n \f \r`
/// short forms, other control bytes as `\u00??`, everything else (DEL, UTF-8, bytes that
/// are not UTF-8) as is.
pub(crate) fn json_quote(s: &str, lowercase: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    out.push(b'"');
    for b in carried_bytes(s) {
        match b {
            b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b if b < 0x20 => out.extend_from_slice(format!("\\u00{b:02x}").as_bytes()),
            b if lowercase => out.push(b.to_ascii_lowercase()),
            b => out.push(b),
        }
    }
    out.push(b'"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::byte_text::carry_bytes;

    // Recorded with util-linux 2.42.2 libsmartcols (sample-scols-fromfile, LC_ALL=C and
    // LC_ALL=C.UTF-8): `x\ty`, `héllo`, `\x41 \ q`, DEL+`z` in one column.
    #[test]
    fn safe_encoding_depends_on_charset() {
        assert_eq!(encode("x\ty", Charset::Ascii, false), ("x\\x09y".into(), 6));
        assert_eq!(encode("héllo", Charset::Ascii, false), ("h\\xc3\\xa9llo".into(), 12));
        assert_eq!(encode("héllo", Charset::Utf8, false), ("héllo".into(), 5));
        assert_eq!(encode("\\x41 \\ q", Charset::Ascii, false), ("\\x5cx41 \\ q".into(), 11));
        assert_eq!(encode("\u{7f}z", Charset::Utf8, false), ("\\x7fz".into(), 5));
        assert_eq!(encode("a\nb", Charset::Ascii, true), ("a\nb".into(), 2));
    }

    #[test]
    fn raw_escapes_blanks_backslash_and_high_bytes() {
        assert_eq!(raw_escape("\\x41 \\ q", Charset::Ascii), "\\x5cx41\\x20\\x5c\\x20q");
        assert_eq!(raw_escape("héllo", Charset::Ascii), "h\\xc3\\xa9llo");
        assert_eq!(raw_escape("x\ty\u{7f}", Charset::Ascii), "x\\x09y\\x7f");
    }

    #[test]
    fn json_strings() {
        assert_eq!(json_quote("\\x41 \\ q", false), b"\"\\\\x41 \\\\ q\"");
        assert_eq!(json_quote("a\"\u{1}\u{7f}é", false), "\"a\\\"\\u0001\u{7f}é\"".as_bytes());
        assert_eq!(json_quote("NS-X%", true), b"\"ns-x%\"");
    }

    // Recorded with util-linux 2.42.2: `lsns` (table, C and C.UTF-8), `lsns -r`, `lsns -J` of
    // a process run as `python3 -c ... $'inv\xff\xfealid' $'\xc3'`.
    #[test]
    fn bytes_that_are_not_utf8() {
        let raw = b"inv\xff\xfealid \xc3 \xf4\x8f\xbf\xbf \xc3\xa9";
        let s = carry_bytes(raw);
        assert_eq!(carried_bytes(&s), raw);
        assert_eq!(s.chars().filter(|&c| carried_byte(c).is_some()).count(), 7);
        let table = "inv\\xff\\xfealid \\xc3 \\xf4\\x8f\\xbf\\xbf";
        assert_eq!(encode(&s, Charset::Utf8, false), (format!("{table} é"), 39));
        assert_eq!(encode(&s, Charset::Ascii, false).0, format!("{table} \\xc3\\xa9"));
        assert_eq!(
            raw_escape(&s, Charset::Ascii),
            "inv\\xff\\xfealid\\x20\\xc3\\x20\\xf4\\x8f\\xbf\\xbf\\x20\\xc3\\xa9"
        );
        let mut json = b"\"".to_vec();
        json.extend_from_slice(raw);
        json.push(b'"');
        assert_eq!(json_quote(&s, false), json);
    }

    // A value of a multi-line cell (`byte_text::carry_controls`): its own newline prints as
    // in a one-line cell, and only the cell's separators break lines.
    #[test]
    fn carried_control_bytes_print_as_the_bytes() {
        let value = crate::byte_text::carry_controls("a\nb\u{1b}é");
        assert_eq!(carried_bytes(&value), "a\nb\u{1b}é".as_bytes());
        assert_eq!(encode(&format!("{value}\nc"), Charset::Utf8, true), ("a\\x0ab\\x1bé\nc".into(), 12));
        assert_eq!(raw_escape(&value, Charset::Ascii), "a\\x0ab\\x1b\\xc3\\xa9");
        assert_eq!(json_quote(&value, false), "\"a\\nb\\u001bé\"".as_bytes());
    }

    // As 2.42.2 aligned `LC_ALL=C.UTF-8 lsns -t uts -o COMMAND,NS` over command lines with
    // `🚀 rocket`, `✅ ❌ ⭐ ⚡` and `misc ⺀ 〿 \u{3040} \u{a4cf}` (the last two unassigned).
    #[test]
    fn widths_and_printability_are_glibcs() {
        assert_eq!(width("🚀 rocket", Charset::Utf8), 9);
        assert_eq!(width("✅ ❌ ⭐ ⚡", Charset::Utf8), 11);
        assert_eq!(
            encode("⺀ 〿 \u{3040} \u{a4cf}", Charset::Utf8, false),
            ("⺀ 〿 \\xe3\\x81\\x80 \\xea\\x93\\x8f".into(), 30)
        );
        assert_eq!(width("e\u{301}\u{200b}", Charset::Utf8), 1);
    }

    /// libsmartcols's rule for any charset (mbrtowc, iswprint, wcwidth, isprint, iscntrl in
    /// the process's locale), run in a UTF-8 locale, is the UTF-8 path's answer: bytes that are
    /// not UTF-8, controls, `\x`, unassigned and wide characters, a carried newline.
    #[test]
    fn the_locales_rule_in_utf8_is_the_utf8_path() {
        let cells = [
            carry_bytes(b"inv\xff\xfealid \xc3 \xf4\x8f\xbf\xbf \xc3\xa9 \xc2\x85"),
            "x\ty\u{7f} \\x41 \\ q".to_string(),
            "⺀ 〿 \u{3040} \u{a4cf} 日本語 e\u{301}\u{200b} 🚀".to_string(),
            format!("{}\nb", crate::byte_text::carry_controls("a\nb\u{1b}é")),
        ];
        let compared = crate::sys::locale::in_thread_locale(c"C.UTF-8", || {
            for cell in &cells {
                for keep_newlines in [false, true] {
                    let (ours, width) = encode_in_locale(cell, keep_newlines);
                    let mut bytes = Vec::new();
                    put_encoded(&mut bytes, &ours, Charset::Locale);
                    let (utf8, utf8_width) = encode(cell, Charset::Utf8, keep_newlines);
                    assert_eq!(
                        (String::from_utf8_lossy(&bytes), width),
                        (utf8.as_str().into(), utf8_width),
                        "{cell:?}"
                    );
                    assert_eq!(truncate_in_locale(&ours, 9).1, truncate(&utf8, 9, Charset::Utf8).1, "{cell:?}");
                }
                let raw = raw_escape(cell, Charset::Locale);
                assert_eq!(raw, raw_escape(cell, Charset::Ascii), "{cell:?}");
            }
        });
        if compared.is_none() {
            eprintln!("skip: no C.UTF-8 locale");
        }
    }

    #[test]
    fn truncation_counts_cells() {
        assert_eq!(truncate("sleep 1000", 5, Charset::Utf8), ("sleep", 5));
        assert_eq!(truncate("日本語", 3, Charset::Utf8), ("日", 2));
        assert_eq!(truncate("ab", 5, Charset::Utf8), ("ab", 2));
    }
}
