//! Command-line definitions of the three tools. Each tool declares its options once, in a
//! table of [`OptDef`]; that table drives the getopt-compatible parser (exact util-linux
//! syntax and diagnostics) and the clap `Command` that `cargo xtask gen` turns into man pages
//! and shell completions.

pub mod getopt;
pub mod lsns;
pub mod nsenter;

use getopt::{HasArg, OptSpec};

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
            ValueHint::Pid => arg.value_hint(clap::ValueHint::Other),
            ValueHint::File => arg.value_hint(clap::ValueHint::FilePath),
            ValueHint::Dir => arg.value_hint(clap::ValueHint::DirPath),
            ValueHint::Command => arg.value_hint(clap::ValueHint::CommandName),
            ValueHint::User => arg.value_hint(clap::ValueHint::Username),
            ValueHint::Group => arg.value_hint(clap::ValueHint::Other),
            ValueHint::WordList(_) | ValueHint::None => arg,
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
    vec![lsns::command(), nsenter::command()]
}
