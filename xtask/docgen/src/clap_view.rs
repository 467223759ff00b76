//! The clap view of the tools' option tables: clap_mangen renders man pages from it and the
//! completion generators read each argument's completion from it. The tools parse with their
//! own getopt (`nscore::cli`); this view is documentation only.

use nscore::cli::getopt::HasArg;
use nscore::cli::{Interface, ValueHint};

/// The clap commands of all three tools.
pub fn commands() -> Vec<clap::Command> {
    crate::interfaces().iter().map(command).collect()
}

/// The clap `Command` of a tool's interface, for clap_mangen and the completion generators
/// (never used to parse).
pub fn command(interface: &Interface) -> clap::Command {
    let Interface { name, about, options: defs, operands } = interface;
    use clap::{Arg, ArgAction};
    let mut cmd = clap::Command::new(*name)
        .about(*about)
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_flag(true)
        .disable_version_flag(true);
    for d in defs {
        let id: &'static str = match (d.long, d.short) {
            (Some(long), _) => long,
            (None, Some(short)) => short_name(short),
            (None, None) => "?",
        };
        let mut arg = Arg::new(id).help(nscore::cli::description(d.help));
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
                let values = words.iter().map(|&(name, help)| clap::builder::PossibleValue::new(name).help(help));
                arg.value_parser(clap::builder::PossibleValuesParser::new(values)).value_delimiter(',')
            }
            ValueHint::Pid => arg.value_hint(clap::ValueHint::Other).value_parser(pid_marker()),
            ValueHint::Target => arg.value_hint(clap::ValueHint::Other).value_parser(target_marker()),
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

/// clap has no value hint for a process id or a group: these value types mark such an
/// argument in the clap `Command` so [`completion_of`] can find the hint again (the
/// `Command` is never used to parse, so the parser only carries the type).
#[derive(Debug, Clone, Copy)]
pub struct PidValue;
/// See [`PidValue`].
#[derive(Debug, Clone, Copy)]
pub struct GroupValue;
/// See [`PidValue`]: a pid or a container's `RUNTIME:ID`.
#[derive(Debug, Clone, Copy)]
pub struct TargetValue;

fn pid_marker() -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(|_: &str| Ok::<PidValue, std::convert::Infallible>(PidValue))
}

fn target_marker() -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(|_: &str| Ok::<TargetValue, std::convert::Infallible>(TargetValue))
}

fn group_marker() -> clap::builder::ValueParser {
    clap::builder::ValueParser::new(|_: &str| Ok::<GroupValue, std::convert::Infallible>(GroupValue))
}

/// What a completion script offers for an argument of a [`command`]: the
/// [`ValueHint`] of its `OptDef`, decoded from how [`command`] encoded it in clap
/// (possible values, a `,` delimiter, marker value types, clap's own hints).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    None,
    Words(Vec<String>),
    WordList(Vec<Word>),
    Pid,
    /// A pid, a container runtime's `RUNTIME:` or a running container's `RUNTIME:ID`.
    Target,
    File,
    Dir,
    Command,
    User,
    Group,
}

/// A word of a [`Completion::WordList`] and its description (a column's help).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub name: String,
    pub help: String,
}

/// The [`Completion`] of `arg`.
pub fn completion_of(arg: &clap::Arg) -> Completion {
    if !arg.get_num_args().is_some_and(|n| n.takes_values()) {
        return Completion::None;
    }
    let values = arg.get_possible_values();
    if !values.is_empty() {
        return match arg.get_value_delimiter() {
            Some(',') => Completion::WordList(
                values
                    .iter()
                    .map(|v| Word {
                        name: v.get_name().to_string(),
                        help: v.get_help().map(ToString::to_string).unwrap_or_default(),
                    })
                    .collect(),
            ),
            _ => Completion::Words(values.iter().map(|v| v.get_name().to_string()).collect()),
        };
    }
    let parser = arg.get_value_parser().type_id();
    if parser == pid_marker().type_id() {
        return Completion::Pid;
    }
    if parser == target_marker().type_id() {
        return Completion::Target;
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

#[cfg(test)]
mod tests {
    #[test]
    fn clap_commands_are_consistent() {
        for cmd in super::commands() {
            cmd.debug_assert();
        }
    }
}
