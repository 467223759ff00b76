//! Text that may carry raw bytes: command lines, paths and names from `/proc` and the kernel
//! are bytes, cells and messages are `String`s; a byte that is not UTF-8 travels inside them as
//! a private-use character and comes out again as the same byte.

/// Makes cell text of arbitrary bytes (a command line, a mount point). Cells are `String`s, so
/// a byte that is not part of valid UTF-8 travels as the character U+10FF00 + byte (bytes
/// 0x80..=0xff become U+10FF80..=U+10FFFF, the end of a private use plane; [`carry_controls`]
/// uses U+10FF00..=U+10FF7F); a real character of that range travels as its bytes, so nothing
/// is lost. The renderers print carried bytes as libsmartcols prints such bytes: `\x??` in
/// tables and raw output, as is in JSON (a control byte as JSON escapes it).
pub fn carry_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if carried_byte(c).is_some() {
                out.extend(c.encode_utf8(&mut [0; 4]).bytes().map(carrier));
            } else {
                out.push(c);
            }
        }
        out.extend(chunk.invalid().iter().map(|&b| carrier(b)));
    }
    out
}

/// The character that carries byte `b`: U+10FF00 + `b`.
pub(crate) fn carrier(b: u8) -> char {
    char::from_u32(0x10ff00 + u32::from(b)).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// The byte a character of [`carry_bytes`] or [`carry_controls`] carries.
pub(crate) fn carried_byte(c: char) -> Option<u8> {
    let u = c as u32;
    (0x10ff00..=0x10ffff).contains(&u).then(|| (u - 0x10ff00) as u8)
}

/// One value among several in a cell that lists them a line each (a mount point in NSFS and
/// HOLDERS, an interface name in IFACES): its control bytes travel carried too, as bytes
/// that are not UTF-8 do. A renderer splits such a cell on its newlines (table rows, JSON
/// array items), and a value's own newline must not count as one: carried, it prints as
/// the byte prints in a one-line cell (`\x0a` in tables and raw output, `\n` in JSON), so
/// the only newlines are the separators the cell put between its values.
pub(crate) fn carry_controls(value: &str) -> String {
    value.chars().map(|c| if c.is_ascii_control() { carrier(c as u8) } else { c }).collect()
}

/// The bytes [`carry_bytes`] (or [`carry_controls`]) was given.
pub fn carried_bytes(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        match carried_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    out
}
