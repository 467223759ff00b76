//! Command-line definitions of the three tools. Each tool declares its options once, in a
//! table of [`OptDef`]; that table drives the getopt-compatible parser (exact util-linux
//! syntax and diagnostics) and the clap `Command` that `cargo xtask gen` turns into man pages
//! and shell completions.

pub mod getopt;
pub mod nsenter;
pub mod unshare;

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
    /// A comma-separated list of words, optionally starting with `+` (`-o +NETNSID,NSFS`).
    WordList(&'static [&'static str]),
    Pid,
    File,
    Dir,
    Command,
    User,
    Group,
}

/// clap has no value hint for a process id or a group: these value types mark such an
/// argument in the clap `Command` so [`completion_of`] can find the hint again (the
/// `Command` is never used to parse, so the parser only carries the type).
#[derive(Debug, Clone, Copy)]
pub struct PidValue;
/// See [`PidValue`].
#[derive(Debug, Clone, Copy)]
pub struct GroupValue;

fn pid_marker() -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(|_: &str| Ok::<PidValue, std::convert::Infallible>(PidValue))
}

fn group_marker() -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(|_: &str| Ok::<GroupValue, std::convert::Infallible>(GroupValue))
}

/// What a completion script offers for an argument of a [`clap_command`]: the
/// [`ValueHint`] of its [`OptDef`], decoded from how `clap_command` encoded it in clap
/// (possible values, a `,` delimiter, marker value types, clap's own hints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    None,
    Words(Vec<String>),
    WordList(Vec<String>),
    Pid,
    File,
    Dir,
    Command,
    User,
    Group,
}

/// The [`Completion`] of `arg`.
pub fn completion_of(arg: &clap::Arg) -> Completion {
    if !arg.get_num_args().is_some_and(|n| n.takes_values()) {
        return Completion::None;
    }
    let words: Vec<String> = arg.get_possible_values().iter().map(|v| v.get_name().to_string()).collect();
    if !words.is_empty() {
        return match arg.get_value_delimiter() {
            Some(',') => Completion::WordList(words),
            _ => Completion::Words(words),
        };
    }
    let parser = arg.get_value_parser().type_id();
    if parser == pid_marker().type_id() {
        return Completion::Pid;
    }
    if parser == group_marker().type_id() {
        return Completion::Group;
    }
    match arg.get_value_hint() {
        clap::ValueHint::FilePath | clap::ValueHint::AnyPath => Completion::File,
        clap::ValueHint::DirPath => Completion::Dir,
        clap::ValueHint::CommandName | clap::ValueHint::CommandWithArguments => Completion::Command,
        clap::ValueHint::Username => Completion::User,
        _ => Completion::None,
    }
}

/// The prose of a tool's manual page, kept beside its option table; `cargo xtask gen` puts it
/// around the options that clap_mangen renders from the table. Paragraphs are plain text (the
/// generator escapes them for roff) with two marks: `*bold*` for names to type and `_italic_`
/// for placeholders (an `_` inside a word, as in `pid_for_children`, is just an underscore).
#[derive(Debug, Clone, Copy)]
pub struct ToolDoc {
    /// The command documented (`rlsns`), as [`commands`] names it.
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
    /// EXAMPLES: (command line, what it does).
    pub examples: &'static [(&'static str, &'static str)],
    /// Where the tool knowingly differs from util-linux, one paragraph per entry.
    pub differences: &'static [&'static str],
    /// SEE ALSO: `name(section)` references.
    pub see_also: &'static [&'static str],
}

// The prose of the tools whose option tables live in their own modules (cli/unshare.rs,
// cli/nsenter.rs); rlsns's is lsns::args::DOC.
pub mod nsenter_doc;
pub mod unshare_doc;

/// The manual prose of every tool, whether or not its command is built yet.
pub fn tool_docs() -> [&'static ToolDoc; 3] {
    [&unshare_doc::DOC, &nsenter_doc::DOC, &crate::lsns::args::DOC]
}

/// The manual prose of the command called `name`.
pub fn tool_doc(name: &str) -> Option<&'static ToolDoc> {
    tool_docs().into_iter().find(|d| d.name == name)
}

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

/// A clap `Command` describing a tool for man pages and completions (never used to parse).
pub fn clap_command<Id: Copy + 'static>(
    name: &'static str,
    about: &'static str,
    defs: &[OptDef<Id>],
    operands: &[(&'static str, &'static str, bool)],
) -> clap::Command {
    use clap::{Arg, ArgAction};
    let mut cmd = clap::Command::new(name)
        .about(about)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_flag(true)
        .disable_version_flag(true);
    for d in defs {
        let id: &'static str = match (d.long, d.short) {
            (Some(long), _) => long,
            (None, Some(short)) => short_name(short),
            (None, None) => "?",
        };
        let mut arg = Arg::new(id).help(d.help);
        if let Some(s) = d.short {
            arg = arg.short(s);
        }
        if let Some(l) = d.long {
            arg = arg.long(l);
        }
        arg = match d.has_arg {
            HasArg::No => arg.action(ArgAction::SetTrue),
            HasArg::Required => arg.action(ArgAction::Append).value_name(d.value_name).num_args(1),
            HasArg::Optional => {
                arg.action(ArgAction::Append).value_name(d.value_name).num_args(0..=1).require_equals(true)
            }
        };
        arg = match d.hint {
            ValueHint::Words(words) => {
                arg.value_parser(clap::builder::PossibleValuesParser::new(words.iter().copied()))
            }
            ValueHint::WordList(words) => {
                arg.value_parser(clap::builder::PossibleValuesParser::new(words.iter().copied())).value_delimiter(',')
            }
            ValueHint::Pid => arg.value_hint(clap::ValueHint::Other).value_parser(pid_marker()),
            ValueHint::File => arg.value_hint(clap::ValueHint::FilePath),
            ValueHint::Dir => arg.value_hint(clap::ValueHint::DirPath),
            ValueHint::Command => arg.value_hint(clap::ValueHint::CommandName),
            ValueHint::User => arg.value_hint(clap::ValueHint::Username),
            ValueHint::Group => arg.value_hint(clap::ValueHint::Other).value_parser(group_marker()),
            ValueHint::None => arg,
        };
        cmd = cmd.arg(arg);
    }
    for (name, help, trailing) in operands {
        let mut arg = Arg::new(*name).help(*help).value_name(*name);
        if *trailing {
            arg = arg
                .num_args(0..)
                .trailing_var_arg(true)
                .allow_hyphen_values(true)
                .value_hint(clap::ValueHint::CommandWithArguments);
        }
        cmd = cmd.arg(arg);
    }
    cmd
}

/// A `'static` id for a short-only option (clap ids must outlive the command).
fn short_name(c: char) -> &'static str {
    Box::leak(c.to_string().into_boxed_str())
}

/// All three commands, for `cargo xtask gen`.
pub fn commands() -> Vec<clap::Command> {
    vec![crate::lsns::args::command(), unshare::command(), nsenter::command()]
}
