//! `--help` as util-linux's `usage()` prints it: a sequence of `fputs`/`fprintf` calls, each
//! of one catalog entry, so a translation replaces exactly the text util-linux's does. A
//! tool's usage is a list of [`Chunk`]s; each holds util-linux 2.42's msgid verbatim (the
//! English text, newlines included), cut where util-linux cuts it.

use crate::catalog::{tr, trf, Arg};

/// One `fputs`/`fprintf` of a `usage()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Chunk {
    /// `fputs(USAGE_HEADER)`: `_("\nUsage:\n")`.
    Header,
    /// `fprintf(out, _(" %s [options] ..."), program_invocation_short_name)`.
    Synopsis(&'static str),
    /// `fputs(_("..."))`: a description or an option's lines.
    Text(&'static str),
    /// `fputs(USAGE_SEPARATOR)`: a bare newline, never translated.
    Separator,
    /// `fputs(USAGE_OPTIONS)`: `_("\nOptions:\n")`.
    Options,
    /// `fprintf(out, USAGE_LIST_COLUMNS_OPTION(width))`: ` -H, --list-columns` padded to
    /// `width` bytes, then `_("list the available columns")`.
    ListColumns(usize),
    /// `fprintf(out, USAGE_HELP_OPTIONS(width))`: the `-h` and `-V` lines, padded as above,
    /// with `_("display this help")` and `_("display version")`.
    HelpOptions(usize),
    /// `fprintf(out, USAGE_MAN_TAIL("lsns(8)"))`: `_("\nFor more details see %s.\n")`.
    ManTail(&'static str),
}

/// The usage text `chunks` make for program name `prog` (bytes, as `argv[0]` gave them), in
/// the user's language.
pub(crate) fn render(chunks: &[Chunk], prog: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    for chunk in chunks {
        match *chunk {
            Chunk::Header => out.extend(tr("\nUsage:\n")),
            Chunk::Synopsis(msgid) => out.extend(trf(msgid, &[Arg::Str(prog)])),
            Chunk::Text(msgid) => out.extend(tr(msgid)),
            Chunk::Separator => out.push(b'\n'),
            Chunk::Options => out.extend(tr("\nOptions:\n")),
            Chunk::ListColumns(width) => {
                option_line(&mut out, width, " -H, --list-columns", "list the available columns")
            }
            Chunk::HelpOptions(width) => {
                option_line(&mut out, width, " -h, --help", "display this help");
                option_line(&mut out, width, " -V, --version", "display version");
            }
            Chunk::ManTail(page) => out.extend(trf("\nFor more details see %s.\n", &[Arg::Str(page.as_bytes())])),
        }
    }
    out
}

/// `"%-<width>s%s\n"` of an option (never translated) and its translated help: the format
/// is util-linux's own, not a catalog's, so it pads by bytes here as printf does there.
fn option_line(out: &mut Vec<u8>, width: usize, option: &str, help: &str) {
    out.extend_from_slice(option.as_bytes());
    out.resize(out.len() + width.saturating_sub(option.len()), b' ');
    out.extend(tr(help));
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unit tests run in an English locale, as the rest of them assume (and no catalog has
    /// the made-up entries): the text is the msgids, laid out.
    #[test]
    fn chunks_lay_out_as_util_linux_prints_them() {
        let chunks = [
            Chunk::Header,
            Chunk::Synopsis(" %s [made-up options]\n"),
            Chunk::Separator,
            Chunk::Text("A made-up tool.\n"),
            Chunk::Options,
            Chunk::Text(" -x, --made-up          a made-up option\n"),
            Chunk::Separator,
            Chunk::ListColumns(24),
            Chunk::HelpOptions(24),
            Chunk::ManTail("made-up(8)"),
        ];
        let text = render(&chunks, b"t\xff");
        let expected: &[u8] = b"\nUsage:\n t\xff [made-up options]\n\nA made-up tool.\n\nOptions:\n -x, --made-up          a made-up option\n\n";
        assert!(text.starts_with(expected), "{}", String::from_utf8_lossy(&text));
        assert!(text.ends_with(b" -V, --version          display version\n\nFor more details see made-up(8).\n"));
        assert!(String::from_utf8_lossy(&text).contains("\n -H, --list-columns     list the available columns\n"));
    }
}
