//! `--help` as util-linux's `usage()` prints it: a sequence of `fputs`/`fprintf` calls, each
//! of one catalog entry, so a translation replaces exactly the text util-linux's does. A
//! tool's usage is a list of [`Chunk`]s; each holds util-linux 2.42's msgid verbatim (the
//! English text, newlines included), cut where util-linux cuts it. An option's chunk is its
//! [`OptDef::help`] ([`Chunk::option`]), so the option table holds it once for `--help`, the
//! man page and the completions.
//!
//! Under the tool's own name (`rlsns`, not `lsns`) `--help` goes on where util-linux's text
//! ends: [`OwnHelp`] adds rns's extras, in English (they have no msgid), and the tool's own
//! manual page.

use super::OptDef;
use crate::catalog::{tr, trf, Arg};

/// `USAGE_OPTSTR_HELP`: the help of `-h`, a msgid of its own.
pub(crate) const HELP: &str = "display this help";
/// `USAGE_OPTSTR_VERSION`: the help of `-V`.
pub(crate) const VERSION: &str = "display version";
/// `USAGE_LIST_COLUMNS_OPTION`'s text: the help of `-H`.
pub(crate) const LIST_COLUMNS: &str = "list the available columns";

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

impl Chunk {
    /// The chunk of the option called `--long` in `defs`: its help, which is its usage line
    /// (a table without that option fails the build).
    pub(crate) const fn option<Id: Copy + 'static>(defs: &[OptDef<Id>], long: &str) -> Chunk {
        let mut i = 0;
        while i < defs.len() {
            if let Some(name) = defs[i].long {
                if same(name, long) {
                    return Chunk::Text(defs[i].help);
                }
            }
            i += 1;
        }
        // Only ever evaluated by the compiler (the tools' USAGE are consts): a missing option
        // fails the build, never a run.
        #[allow(clippy::panic)]
        {
            panic!("no such option in the table")
        }
    }
}

/// `a == b`, in a const fn.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
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
            Chunk::ListColumns(width) => option_line(&mut out, width, " -H, --list-columns", LIST_COLUMNS),
            Chunk::HelpOptions(width) => {
                option_line(&mut out, width, " -h, --help", HELP);
                option_line(&mut out, width, " -V, --version", VERSION);
            }
            Chunk::ManTail(page) => out.extend(trf("\nFor more details see %s.\n", &[Arg::Str(page.as_bytes())])),
        }
    }
    out
}

/// What `--help` prints under the tool's own name besides util-linux's text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnHelp<Id: Copy + 'static> {
    /// rns's options, or util-linux's options with a form of argument that is rns's own: each
    /// laid out as util-linux lays out an option line, its [`OptDef::help`] the description.
    pub extras: &'static [OptDef<Id>],
    /// A paragraph after the extras (rlsns's pointer to `-H`), or "".
    pub note: &'static str,
    /// The tool's own manual page (`rlsns(8)`), named where util-linux names its own.
    pub page: &'static str,
}

/// The heading of the extras in `--help` under the tool's own name.
const EXTRAS_HEADING: &str = "\nrns extras (not in util-linux):\n";

/// `--help` under the tool's own name: util-linux's text up to its manual page, then `own`'s
/// extras in the option column's width of util-linux's `-h` line, its note, and its page.
pub(crate) fn render_own<Id: Copy + 'static>(chunks: &[Chunk], own: &OwnHelp<Id>, prog: &[u8]) -> Vec<u8> {
    let util_linux: Vec<Chunk> = chunks.iter().copied().filter(|c| !matches!(c, Chunk::ManTail(_))).collect();
    let mut out = render(&util_linux, prog);
    let width = chunks.iter().find_map(|c| if let Chunk::HelpOptions(w) = c { Some(*w) } else { None }).unwrap_or(0);
    out.extend_from_slice(EXTRAS_HEADING.as_bytes());
    for d in own.extras {
        let column = option_column(d, long_indent(chunks));
        out.extend_from_slice(column.as_bytes());
        if column.len() < width {
            out.resize(out.len() + width - column.len(), b' ');
        } else {
            // util-linux's way with a long option column: the description on a line of its own.
            out.push(b'\n');
            out.resize(out.len() + width, b' ');
        }
        out.extend_from_slice(d.help.as_bytes());
        out.push(b'\n');
    }
    if !own.note.is_empty() {
        out.push(b'\n');
        out.extend_from_slice(own.note.as_bytes());
    }
    out.extend(render(&[Chunk::ManTail(own.page)], prog));
    out
}

/// Where util-linux's lines of the tool start an option without a short name (after five
/// blanks in lsns and nsenter, one in unshare): an extra without one starts there too.
fn long_indent(chunks: &[Chunk]) -> usize {
    let lines = chunks.iter().filter_map(|c| if let Chunk::Text(t) = c { Some(t.lines()) } else { None }).flatten();
    lines
        .map(|line| (line.len() - line.trim_start_matches(' ').len(), line.trim_start_matches(' ')))
        .find_map(|(blanks, rest)| rest.starts_with("--").then_some(blanks))
        .unwrap_or(1)
}

/// An option's names and argument as util-linux's usage lines show them: ` -t, --target <pid>`,
/// `     --threads`, ` --whitelist-env <list>`, `--tree[=<rel>]`.
fn option_column<Id: Copy + 'static>(d: &OptDef<Id>, long_indent: usize) -> String {
    let mut column = match d.short {
        Some(letter) => format!(" -{letter}, "),
        None => " ".repeat(long_indent),
    };
    if let Some(long) = d.long {
        column.push_str("--");
        column.push_str(long);
    }
    match d.has_arg {
        super::getopt::HasArg::No => {}
        super::getopt::HasArg::Required => column.push_str(&format!(" <{}>", d.value_name)),
        super::getopt::HasArg::Optional => column.push_str(&format!("[=<{}>]", d.value_name)),
    }
    column
}

/// `"%-<width>s%s\n"` of an option (never translated) and its translated help: the format
/// is util-linux's own, not a catalog's, so it pads by bytes here as printf does there.
fn option_line(out: &mut Vec<u8>, width: usize, option: &str, help: &str) {
    out.extend_from_slice(option.as_bytes());
    out.resize(out.len() + width.saturating_sub(option.len()), b' ');
    out.extend(tr(help));
    out.push(b'\n');
}

/// Checks that each option's help lives in one place: an option of `defs` is in `usage` by
/// its usage line (or, for `-h`, `-V` and `-H`, by util-linux's chunk of them), every option
/// line of `usage` is some option's help, and `extensions` stay out.
#[cfg(test)]
pub(crate) fn assert_one_place<Id: Copy + 'static>(defs: &[OptDef<Id>], extensions: &[OptDef<Id>], usage: &[Chunk]) {
    let texts: Vec<&str> = usage.iter().filter_map(|c| if let Chunk::Text(t) = c { Some(*t) } else { None }).collect();
    for d in defs {
        match d.help {
            HELP | VERSION => assert!(usage.iter().any(|c| matches!(c, Chunk::HelpOptions(_))), "{:?}", d.long),
            LIST_COLUMNS => assert!(usage.iter().any(|c| matches!(c, Chunk::ListColumns(_))), "{:?}", d.long),
            line => {
                assert!(line.starts_with(' ') && line.ends_with('\n'), "not a usage line: {line:?}");
                assert_eq!(texts.iter().filter(|t| **t == line).count(), 1, "{line:?} in the usage once");
            }
        }
    }
    for text in texts.iter().filter(|t| t.starts_with(' ') && t.contains(" -")) {
        assert!(defs.iter().any(|d| d.help == *text), "{text:?} is no option's help");
    }
    for d in extensions {
        assert!(!d.help.starts_with(' ') && !texts.iter().any(|t| t.contains(d.help)), "{:?}", d.long);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::getopt::HasArg;
    use crate::cli::ValueHint;

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

    #[test]
    fn own_help_goes_on_after_util_linux_text() {
        let chunks = [
            Chunk::Header,
            Chunk::Synopsis(" %s [made-up options]\n"),
            Chunk::Options,
            Chunk::Text(" -x, --made-up          a made-up option\n"),
            Chunk::Text("     --long-only        where an option without a short name starts\n"),
            Chunk::Separator,
            Chunk::HelpOptions(24),
            Chunk::ManTail("made-up(8)"),
        ];
        const EXTRAS: &[OptDef<()>] = &[
            OptDef::flag((), None, "extra", "an extra flag"),
            OptDef::arg((), Some('e'), "extra-arg", HasArg::Required, "n", "takes n", ValueHint::None),
            OptDef::arg((), None, "very-long-extra-option", HasArg::Optional, "x", "on its own line", ValueHint::None),
        ];
        let own = OwnHelp { extras: EXTRAS, note: "A note.\n", page: "mine(8)" };
        let util_linux = render(&chunks, b"t");
        let text = String::from_utf8(render_own(&chunks, &own, b"t")).unwrap();
        let before = String::from_utf8(util_linux).unwrap();
        let before = before.strip_suffix("\nFor more details see made-up(8).\n").unwrap();
        assert_eq!(
            text.strip_prefix(before).unwrap(),
            "\nrns extras (not in util-linux):\n     --extra            an extra flag\n -e, --extra-arg <n>    takes n\n     \
             --very-long-extra-option[=<x>]\n                        on its own line\n\nA note.\n\nFor more details see mine(8).\n"
        );
    }
}
