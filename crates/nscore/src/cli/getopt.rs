//! glibc `getopt_long(3)` semantics, so that argument vectors util-linux accepts are accepted
//! the same way and rejected with the same words: short-option clusters, optional arguments
//! only when attached, unambiguous abbreviations of long options, `--`, and permuting (lsns)
//! or stopping at the first non-option (`+`, unshare and nsenter).
//!
//! The parser is an iterator: util-linux tools act on each option as getopt returns it
//! (`-h` prints help even when a later option is bad), and callers keep that order.

use crate::byte_text::carry_bytes;
use crate::catalog::{libc_trf, Arg};
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};

/// Whether `POSIXLY_CORRECT` was set when the tool started ([`read_posixly_correct`]).
static POSIXLY_CORRECT: AtomicBool = AtomicBool::new(false);

/// Reads `POSIXLY_CORRECT` from the environment, which turns glibc's permuting off for every
/// getopt caller. Only `tool::run` calls it: the environment is read at the edge, and a parser
/// run by a unit test permutes whatever the environment of whoever runs the tests says.
pub(crate) fn read_posixly_correct() {
    POSIXLY_CORRECT.store(std::env::var_os("POSIXLY_CORRECT").is_some(), AtomicOrdering::Relaxed);
}

/// Whether an option takes an argument (`no_argument`, `required_argument`, `optional_argument`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasArg {
    No,
    Required,
    /// Only an attached argument counts: `-Tparent`, `--tree=parent`.
    Optional,
}

/// One option a tool accepts. `id` is the caller's own name for it.
#[derive(Debug, Clone, Copy)]
pub struct OptSpec<Id: Copy> {
    pub id: Id,
    pub short: Option<char>,
    pub long: Option<&'static str>,
    pub has_arg: HasArg,
}

/// How non-options are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ordering {
    /// glibc's default: options may follow operands.
    Permute,
    /// A leading `+` in the option string: the first non-option ends option parsing.
    RequireOrder,
}

/// What the parser yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<Id> {
    Opt(Id, Option<OsString>),
    /// A getopt diagnostic, already formatted as glibc prints it, in the user's language
    /// (without the newline; bytes that are not UTF-8 carried, [`carry_bytes`]). The tool
    /// prints it and then its "Try '... --help'" line, exit 1.
    Error(String),
}

/// A getopt_long run over one argument vector.
pub struct Getopt<'a, Id: Copy> {
    /// `argv[0]` as invoked, which starts every message.
    argv0: Vec<u8>,
    args: Vec<OsString>,
    specs: &'a [OptSpec<Id>],
    ordering: Ordering,
    /// Index of the next argument to look at.
    next: usize,
    /// Position inside a short-option cluster (`-abc`), 0 when not in one.
    cluster_pos: usize,
    operands: Vec<OsString>,
    done: bool,
    /// `specs[..core]` are util-linux's options, the rest rns's own (see [`Getopt::with_extensions_from`]).
    core: usize,
}

impl<'a, Id: Copy> Getopt<'a, Id> {
    /// `args` is the whole argv, `argv[0]` included (it prefixes getopt's messages as invoked).
    pub fn new(args: Vec<OsString>, specs: &'a [OptSpec<Id>], ordering: Ordering) -> Self {
        let argv0 = args.first().map(|a| a.as_bytes().to_vec()).unwrap_or_default();
        // POSIXLY_CORRECT turns glibc's permuting off, as it does for every getopt caller.
        let ordering = if POSIXLY_CORRECT.load(AtomicOrdering::Relaxed) { Ordering::RequireOrder } else { ordering };
        let core = specs.len();
        Getopt { argv0, args, specs, ordering, next: 1, cluster_pos: 0, operands: Vec::new(), done: false, core }
    }

    /// Marks `specs[index..]` as options util-linux does not have. An abbreviated long option
    /// is looked up among util-linux's options first and only then among these, so every
    /// abbreviation util-linux resolves (or reports ambiguous) still does the same: an extra
    /// option is reachable by abbreviation only where util-linux would say "unrecognized".
    pub(crate) fn with_extensions_from(mut self, index: usize) -> Self {
        self.core = index.min(self.specs.len());
        self
    }

    /// The operands (non-options), in order. Call after the iterator is exhausted.
    #[cfg(any(test, feature = "testing"))]
    pub fn operands(&self) -> &[OsString] {
        &self.operands
    }

    pub(crate) fn into_operands(self) -> Vec<OsString> {
        self.operands
    }

    fn finish_rest(&mut self) {
        while self.next < self.args.len() {
            self.operands.push(self.args[self.next].clone());
            self.next += 1;
        }
        self.done = true;
    }

    fn short(&mut self) -> Item<Id> {
        let arg = self.args[self.next].as_bytes().to_vec();
        let pos = self.cluster_pos;
        let c = arg[pos] as char;
        self.cluster_pos += 1;
        let at_end = self.cluster_pos >= arg.len();
        let spec = self.specs.iter().find(|s| s.short == Some(c) && c != '-');
        let Some(spec) = spec else {
            if at_end {
                self.end_cluster();
            }
            return self.error("%s: invalid option -- '%c'\n", &[Arg::Char(arg[pos])]);
        };
        match spec.has_arg {
            HasArg::No => {
                if at_end {
                    self.end_cluster();
                }
                Item::Opt(spec.id, None)
            }
            HasArg::Optional => {
                let value = (!at_end).then(|| OsString::from_vec(arg[self.cluster_pos..].to_vec()));
                self.end_cluster();
                Item::Opt(spec.id, value)
            }
            HasArg::Required => {
                if !at_end {
                    let value = OsString::from_vec(arg[self.cluster_pos..].to_vec());
                    self.end_cluster();
                    return Item::Opt(spec.id, Some(value));
                }
                self.end_cluster();
                if self.next < self.args.len() {
                    let value = self.args[self.next].clone();
                    self.next += 1;
                    Item::Opt(spec.id, Some(value))
                } else {
                    self.error("%s: option requires an argument -- '%c'\n", &[Arg::Char(arg[pos])])
                }
            }
        }
    }

    /// glibc's diagnostic `msgid` (from its `libc` domain, as glibc's getopt looks it up),
    /// `argv[0]` as its first argument and `args` after it; an option character is its one
    /// byte (of a UTF-8 sequence, the first).
    fn error(&self, msgid: &str, args: &[Arg<'_>]) -> Item<Id> {
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(Arg::Str(&self.argv0));
        all.extend_from_slice(args);
        let mut text = libc_trf(msgid, &all);
        // The tool adds the newline, with the "Try ... --help" line after it.
        if text.last() == Some(&b'\n') {
            text.pop();
        }
        Item::Error(carry_bytes(&text))
    }

    fn end_cluster(&mut self) {
        self.cluster_pos = 0;
        self.next += 1;
    }

    fn long(&mut self) -> Item<Id> {
        let arg = self.args[self.next].as_bytes().to_vec();
        self.next += 1;
        let body = &arg[2..];
        let (name, value) = match body.iter().position(|&b| b == b'=') {
            Some(eq) => (&body[..eq], Some(OsString::from_vec(body[eq + 1..].to_vec()))),
            None => (body, None),
        };
        let exact = self.specs.iter().find(|s| s.long.map(str::as_bytes) == Some(name));
        let spec = match exact {
            Some(spec) => spec,
            None => {
                let (core, extra): (&'a [OptSpec<Id>], &'a [OptSpec<Id>]) = self.specs.split_at(self.core);
                let prefixed = |specs: &'a [OptSpec<Id>]| -> Vec<&'a OptSpec<Id>> {
                    specs.iter().filter(|s| s.long.is_some_and(|l| l.as_bytes().starts_with(name))).collect()
                };
                let mut candidates = prefixed(core);
                if candidates.is_empty() {
                    candidates = prefixed(extra);
                }
                match candidates.as_slice() {
                    [] => return self.error("%s: unrecognized option '%s%s'\n", &[Arg::Str(b"--"), Arg::Str(body)]),
                    [one] => *one,
                    many => {
                        // glibc prints the translated start, then each possibility and the
                        // newline with formats of its own, untranslated.
                        let mut text = libc_trf(
                            "%s: option '%s%s' is ambiguous; possibilities:",
                            &[Arg::Str(&self.argv0), Arg::Str(b"--"), Arg::Str(body)],
                        );
                        for s in many {
                            text.extend_from_slice(format!(" '--{}'", s.long.unwrap_or_default()).as_bytes());
                        }
                        return Item::Error(carry_bytes(&text));
                    }
                }
            }
        };
        let full = spec.long.unwrap_or_default();
        match (spec.has_arg, value) {
            (HasArg::No, Some(_)) => self
                .error("%s: option '%s%s' doesn't allow an argument\n", &[Arg::Str(b"--"), Arg::Str(full.as_bytes())]),
            (HasArg::No, None) => Item::Opt(spec.id, None),
            (HasArg::Optional, value) => Item::Opt(spec.id, value),
            (HasArg::Required, Some(value)) => Item::Opt(spec.id, Some(value)),
            (HasArg::Required, None) => {
                if self.next < self.args.len() {
                    let value = self.args[self.next].clone();
                    self.next += 1;
                    Item::Opt(spec.id, Some(value))
                } else {
                    self.error(
                        "%s: option '%s%s' requires an argument\n",
                        &[Arg::Str(b"--"), Arg::Str(full.as_bytes())],
                    )
                }
            }
        }
    }
}

impl<Id: Copy> Iterator for Getopt<'_, Id> {
    type Item = Item<Id>;

    fn next(&mut self) -> Option<Item<Id>> {
        if self.done {
            return None;
        }
        if self.cluster_pos > 0 {
            return Some(self.short());
        }
        loop {
            let Some(arg) = self.args.get(self.next) else {
                self.done = true;
                return None;
            };
            let bytes = arg.as_bytes();
            if bytes == b"--" {
                self.next += 1;
                self.finish_rest();
                return None;
            }
            if bytes.len() < 2 || bytes[0] != b'-' {
                match self.ordering {
                    Ordering::RequireOrder => {
                        self.finish_rest();
                        return None;
                    }
                    Ordering::Permute => {
                        self.operands.push(arg.clone());
                        self.next += 1;
                        continue;
                    }
                }
            }
            if bytes.starts_with(b"--") {
                return Some(self.long());
            }
            self.cluster_pos = 1;
            return Some(self.short());
        }
    }
}

/// Strips one leading `=` from an attached optional argument, as util-linux does for
/// `-T=parent` and nsenter's `-n=/path`.
pub(crate) fn strip_leading_eq(value: &OsStr) -> &OsStr {
    match value.as_bytes() {
        [b'=', rest @ ..] => OsStr::from_bytes(rest),
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum O {
        A,
        B,
        Tree,
        Task,
        Output,
        OutputAll,
    }

    const SPECS: &[OptSpec<O>] = &[
        OptSpec { id: O::A, short: Some('a'), long: Some("all"), has_arg: HasArg::No },
        OptSpec { id: O::B, short: Some('b'), long: None, has_arg: HasArg::No },
        OptSpec { id: O::Tree, short: Some('T'), long: Some("tree"), has_arg: HasArg::Optional },
        OptSpec { id: O::Task, short: Some('p'), long: Some("task"), has_arg: HasArg::Required },
        OptSpec { id: O::Output, short: Some('o'), long: Some("output"), has_arg: HasArg::Required },
        OptSpec { id: O::OutputAll, short: None, long: Some("output-all"), has_arg: HasArg::No },
    ];

    fn run(args: &[&str], ordering: Ordering) -> (Vec<Item<O>>, Vec<String>) {
        let argv: Vec<OsString> = std::iter::once("prog").chain(args.iter().copied()).map(OsString::from).collect();
        let mut g = Getopt::new(argv, SPECS, ordering);
        let mut items = Vec::new();
        for item in g.by_ref() {
            let stop = matches!(item, Item::Error(_));
            items.push(item);
            if stop {
                break;
            }
        }
        let ops = g.operands().iter().map(|o| o.to_string_lossy().into_owned()).collect();
        (items, ops)
    }

    fn opt(id: O, v: Option<&str>) -> Item<O> {
        Item::Opt(id, v.map(OsString::from))
    }

    #[test]
    fn clusters_and_attached_values() {
        let (items, ops) = run(&["-abTparent", "-pfoo", "-p", "12", "x"], Ordering::Permute);
        assert_eq!(
            items,
            vec![
                opt(O::A, None),
                opt(O::B, None),
                opt(O::Tree, Some("parent")),
                opt(O::Task, Some("foo")),
                opt(O::Task, Some("12"))
            ]
        );
        assert_eq!(ops, vec!["x"]);
    }

    #[test]
    fn optional_argument_must_be_attached() {
        let (items, ops) = run(&["-T", "parent", "--tree", "x", "--tree=owner"], Ordering::Permute);
        assert_eq!(items, vec![opt(O::Tree, None), opt(O::Tree, None), opt(O::Tree, Some("owner"))]);
        assert_eq!(ops, vec!["parent", "x"]);
    }

    #[test]
    fn require_order_stops_at_first_operand() {
        let (items, ops) = run(&["-a", "ls", "-l", "--", "-b"], Ordering::RequireOrder);
        assert_eq!(items, vec![opt(O::A, None)]);
        assert_eq!(ops, vec!["ls", "-l", "--", "-b"]);
    }

    #[test]
    fn double_dash_ends_options() {
        let (items, ops) = run(&["--", "-a"], Ordering::Permute);
        assert!(items.is_empty());
        assert_eq!(ops, vec!["-a"]);
    }

    #[test]
    fn abbreviations_exact_match_and_ambiguity() {
        let (items, _) = run(&["--ta", "1", "--output", "NS", "--outp=X"], Ordering::Permute);
        assert_eq!(items[..2], [opt(O::Task, Some("1")), opt(O::Output, Some("NS"))]);
        assert_eq!(
            items[2],
            Item::Error("prog: option '--outp=X' is ambiguous; possibilities: '--output' '--output-all'".into())
        );
    }

    #[test]
    fn extensions_only_take_abbreviations_util_linux_rejects() {
        const WITH_EXTRA: &[OptSpec<O>] = &[
            OptSpec { id: O::Tree, short: None, long: Some("tree"), has_arg: HasArg::Optional },
            OptSpec { id: O::Task, short: None, long: Some("type"), has_arg: HasArg::Required },
            OptSpec { id: O::A, short: None, long: Some("threads"), has_arg: HasArg::No },
            OptSpec { id: O::B, short: None, long: Some("trace"), has_arg: HasArg::No },
        ];
        let items = |args: &[&str]| {
            let argv: Vec<OsString> = std::iter::once("prog").chain(args.iter().copied()).map(OsString::from).collect();
            Getopt::new(argv, WITH_EXTRA, Ordering::Permute).with_extensions_from(2).collect::<Vec<_>>()
        };
        // util-linux's own answer: --tr is --tree, --t is ambiguous between its two options only
        assert_eq!(items(&["--tr"]), [opt(O::Tree, None)]);
        assert_eq!(
            items(&["--t"]),
            [Item::Error("prog: option '--t' is ambiguous; possibilities: '--tree' '--type'".into())]
        );
        assert_eq!(items(&["--th", "--threads", "--trace"]), [opt(O::A, None), opt(O::A, None), opt(O::B, None)]);
        assert_eq!(items(&["--tra"]), [opt(O::B, None)]);
    }

    #[test]
    fn glibc_messages() {
        let cases: &[(&[&str], &str)] = &[
            (&["--bogus=1"], "prog: unrecognized option '--bogus=1'"),
            (&["-x"], "prog: invalid option -- 'x'"),
            (&["-p"], "prog: option requires an argument -- 'p'"),
            (&["--task"], "prog: option '--task' requires an argument"),
            (&["--al=1"], "prog: option '--all' doesn't allow an argument"),
        ];
        for (args, msg) in cases {
            let (items, _) = run(args, Ordering::Permute);
            assert_eq!(items.last(), Some(&Item::Error(msg.to_string())), "{args:?}");
        }
    }

    #[test]
    fn lone_dash_is_an_operand() {
        let (items, ops) = run(&["-", "-a"], Ordering::Permute);
        assert_eq!(items, vec![opt(O::A, None)]);
        assert_eq!(ops, vec!["-"]);
    }
}
