//! Command-line definitions of the three tools. Each tool declares its options once, in a
//! table of [`OptDef`]; that table drives the getopt-compatible parser (exact util-linux
//! syntax and diagnostics) and, as an [`Interface`], the man pages and shell completions that
//! `cargo xtask gen` writes.

pub mod getopt;
pub mod invocation;
pub(crate) mod usage;

use crate::nstype::{NsKind, KINDS};
use getopt::{HasArg, OptSpec};

/// What a command line asks for: a run with these arguments, or help, or the version
/// (util-linux acts on `-h`/`-V` when getopt reaches them, so later options are not read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed<T> {
    Run(T),
    Help,
    Version,
}

/// What completion scripts offer for an option's argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueHint {
    None,
    /// One of a fixed list of words (`--tree=owner`).
    Words(&'static [&'static str]),
    /// A comma-separated list of words, optionally starting with `+` (`-o +NETNSID,NSFS`), each
    /// word with its description (a column's help), which zsh and fish show beside it.
    WordList(&'static [(&'static str, &'static str)]),
    Pid,
    /// A process: a pid, or a running container as `RUNTIME:ID` (the runtimes of
    /// [`crate::proc::container::RUNTIME_NAMES`], the containers that `rlsns -o CONTAINER` finds).
    Target,
    File,
    Dir,
    Command,
    User,
    Group,
}

/// The prose of a tool's manual page, kept beside its option table; `cargo xtask gen` puts it
/// around the options that clap_mangen renders from the table. Paragraphs are plain text (the
/// generator escapes them for roff) with two marks: `*bold*` for names to type and `_italic_`
/// for placeholders (an `_` inside a word, as in `pid_for_children`, is just an underscore).
#[derive(Debug, Clone, Copy)]
pub struct ToolDoc {
    /// The command documented (`rlsns`), as its [`Interface`] names it.
    pub name: &'static str,
    /// The util-linux tool it replaces (`lsns`).
    pub replaces: &'static str,
    /// Manual section: "1" or "8" (as util-linux files the tool).
    pub section: &'static str,
    /// DESCRIPTION, one paragraph per entry.
    pub description: &'static [&'static str],
    /// More about an option than its one-line help, by long name (without `--`).
    pub option_details: &'static [(&'static str, &'static str)],
    /// The output columns (name, description), for a tool that prints a table.
    pub columns: &'static [(&'static str, &'static str)],
    /// EXIT STATUS paragraphs.
    pub exit_status: &'static [&'static str],
    /// NOTES: (title, paragraph) pairs.
    pub notes: &'static [(&'static str, &'static str)],
    /// EXAMPLES: (command line, what it does); an example of several commands has one per
    /// line, as they are typed.
    pub examples: &'static [(&'static str, &'static str)],
    /// Where the tool knowingly differs from util-linux, one paragraph per entry.
    pub differences: &'static [&'static str],
    /// SEE ALSO: `name(section)` references.
    pub see_also: &'static [&'static str],
}

// The prose of each tool lives beside its option table: runshare's is unshare::doc::DOC,
// rnsenter's enter::doc::DOC, rlsns's lsns::args::DOC.

/// One option: its names, argument, help line and completion hint.
#[derive(Debug, Clone, Copy)]
pub struct OptDef<Id: Copy + 'static> {
    pub id: Id,
    pub short: Option<char>,
    pub long: Option<&'static str>,
    pub has_arg: HasArg,
    /// unshare's namespace options take an argument only in their long form (`--net=FILE`),
    /// never as `-n`: this overrides `has_arg` for the short letter.
    pub short_has_arg: Option<HasArg>,
    pub value_name: &'static str,
    /// The option's line of util-linux's `--help`, as its msgid: the whole `usage()` chunk,
    /// option column and newlines included (`" -J, --json             use JSON output format\n"`,
    /// continuation lines and all). `-h`, `-V` and `-H`, whose option column util-linux prints
    /// outside the catalog, hold their description's msgid alone (`usage::HELP`); so do
    /// rns's own options, which `--help` leaves out. The man page and the completions show
    /// [`description`] of it.
    pub help: &'static str,
    pub hint: ValueHint,
}

impl<Id: Copy + 'static> OptDef<Id> {
    /// An option without argument.
    pub const fn flag(id: Id, short: Option<char>, long: &'static str, help: &'static str) -> Self {
        OptDef {
            id,
            short,
            long: Some(long),
            has_arg: HasArg::No,
            short_has_arg: None,
            value_name: "",
            help,
            hint: ValueHint::None,
        }
    }

    /// An option with an argument.
    pub const fn arg(
        id: Id,
        short: Option<char>,
        long: &'static str,
        has_arg: HasArg,
        value_name: &'static str,
        help: &'static str,
        hint: ValueHint,
    ) -> Self {
        OptDef { id, short, long: Some(long), has_arg, short_has_arg: None, value_name, help, hint }
    }

    /// The option of a namespace kind, as unshare(1) and nsenter(1) both spell it: the kind
    /// table's letter and long name, an optional `<file>` argument (`--net[=<file>]`).
    pub const fn namespace(id: Id, kind: NsKind, help: &'static str) -> Self {
        let row = &KINDS[kind as usize];
        OptDef::arg(id, Some(row.letter), row.long, HasArg::Optional, "file", help, ValueHint::File)
    }
}

/// The description in an option's help (see [`OptDef::help`]): a usage chunk without its
/// option column and leading blanks, its lines joined with `; ` (util-linux breaks a
/// description only where a clause ends: `(implies --fork)` / `defaults to SIGKILL`); a bare
/// description as it is. The option column is the words before the description: the option names (`-m,`,
/// `--mount[=<file>|=:<nsid>]`) and their argument (`<uid>|<name>`, `allow|deny`); it may
/// fill its line (`--propagation slave|shared|...`) or run up to the description with a
/// single blank (nsenter's `--mount`).
pub fn description(help: &str) -> String {
    if !help.starts_with(' ') {
        return help.to_string();
    }
    let mut lines = help.lines();
    let mut first = lines.next().unwrap_or("").trim_start();
    while let Some(word) = first.split(' ').next().filter(|w| is_option_word(w)) {
        first = first[word.len()..].trim_start();
    }
    std::iter::once(first).chain(lines).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ")
}

/// A word of a usage line's option column: a name (`-J,`, `--json`) or an argument
/// (`<list>`, `<uid>|<name>`, `slave|shared|private|unchanged`).
fn is_option_word(word: &str) -> bool {
    !word.is_empty() && (word.starts_with('-') || word.starts_with('<') || word.contains('|'))
}

/// The getopt table of a definition table (a short letter whose arity differs from its long
/// form gets a spec of its own).
pub fn getopt_specs<Id: Copy + 'static>(defs: &[OptDef<Id>]) -> Vec<OptSpec<Id>> {
    let mut specs = Vec::with_capacity(defs.len() + 8);
    for d in defs {
        match d.short_has_arg {
            Some(short_arg) => {
                specs.push(OptSpec { id: d.id, short: d.short, long: None, has_arg: short_arg });
                specs.push(OptSpec { id: d.id, short: None, long: d.long, has_arg: d.has_arg });
            }
            None => specs.push(OptSpec { id: d.id, short: d.short, long: d.long, has_arg: d.has_arg }),
        }
    }
    specs
}

/// A tool's command line as its documentation shows it: the name, what it does, the option
/// table (without the parser's ids) and the operands.
#[derive(Debug, Clone)]
pub struct Interface {
    pub name: &'static str,
    pub about: &'static str,
    pub options: Vec<OptDef<()>>,
    /// (name, help, whether it takes the rest of the command line).
    pub operands: Vec<(&'static str, &'static str, bool)>,
}

/// The [`Interface`] of a tool with option table `defs`, its options in the table's order.
pub fn interface<Id: Copy + 'static>(
    name: &'static str,
    about: &'static str,
    defs: &[OptDef<Id>],
    operands: &[(&'static str, &'static str, bool)],
) -> Interface {
    let options = defs
        .iter()
        .map(|d| OptDef {
            id: (),
            short: d.short,
            long: d.long,
            has_arg: d.has_arg,
            short_has_arg: d.short_has_arg,
            value_name: d.value_name,
            help: d.help,
            hint: d.hint,
        })
        .collect();
    Interface { name, about, options, operands: operands.to_vec() }
}

impl Interface {
    /// The options in the order the tool's `--help` (`usage`) lists them, so that the man
    /// page and the completions read as `--help` does; the options `--help` leaves out (rns's
    /// own) follow, in table order. The parser keeps the table's order (util-linux's).
    pub(crate) fn in_help_order(mut self, usage: &[usage::Chunk]) -> Interface {
        self.options.sort_by_key(|d| (help_position(d.help, usage), d.help == usage::VERSION));
        self
    }
}

/// Where the option with help `help` is in `usage`: the index of its chunk (`-h` and `-V`
/// share one), or after every chunk for an option `--help` leaves out.
fn help_position(help: &str, usage: &[usage::Chunk]) -> usize {
    use usage::Chunk;
    let of = |chunk: &Chunk| match *chunk {
        Chunk::Text(text) => text == help,
        Chunk::ListColumns(_) => help == usage::LIST_COLUMNS,
        Chunk::HelpOptions(_) => help == usage::HELP || help == usage::VERSION,
        _ => false,
    };
    usage.iter().position(of).unwrap_or(usage.len())
}

#[cfg(test)]
mod tests {
    use super::description;

    #[test]
    fn description_drops_the_option_column() {
        assert_eq!(description(" -J, --json             use JSON output format\n"), "use JSON output format");
        // the column runs into the description with one blank (nsenter's --mount)
        assert_eq!(description(" -m, --mount[=<file>|=:<nsid>] enter mount namespace\n"), "enter mount namespace");
        assert_eq!(
            description(" --map-user <uid>|<name>   map current user to uid (implies --user)\n"),
            "map current user to uid (implies --user)"
        );
        // the description on lines of its own, or continued
        assert_eq!(
            description(" --propagation slave|shared|private|unchanged\n                           modify mount propagation in mount namespace\n"),
            "modify mount propagation in mount namespace"
        );
        assert_eq!(
            description(" --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)\n                             defaults to SIGKILL\n"),
            "when dying, kill the forked child (implies --fork); defaults to SIGKILL"
        );
        // -h's msgid, or an option --help leaves out: the description alone
        assert_eq!(description("display this help"), "display this help");
    }
}
