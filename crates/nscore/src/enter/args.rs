//! rnsenter's options (nsenter(1) of util-linux 2.42): the table, the util-linux help text, and
//! the parse loop. nsenter acts on each option as getopt returns it: a namespace file, `-r<dir>`
//! and `-w<dir>` are opened right away, `-t PID:INODE` is checked right away, so a bad option
//! after a missing file is never reached, and the loop here keeps that order.

use super::nsid;
use super::targets::{reopen, NsTable, Opener};
use crate::cli::getopt::{strip_leading_eq, Getopt, HasArg, Item, OptSpec, Ordering};
use crate::cli::usage::{self, Chunk};
use crate::cli::{OptDef, ValueHint};
use crate::error::{Error, MsgArg, Result};
use crate::nstype::NsKind;
use crate::number;
use crate::output::safe_encode;
use crate::proc::container::{Container, ContainerSpec, Unresolved};
use crate::proc::ProcFs;
use crate::sys::NsfsHandles;
use std::ffi::OsString;
use std::fs::File;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    All,
    Help,
    Version,
    Target,
    Ns(NsKind),
    NetSocket,
    Setuid,
    Setgid,
    Root,
    Wd,
    Wdns,
    Env,
    NoFork,
    JoinCgroup,
    PreserveCredentials,
    KeepCaps,
    UserParent,
    /// `-Z`: in the short-option string but, without SELinux, handled by no case of the
    /// switch: getopt accepts it and nsenter answers with only "Try ... --help", exit 1.
    FollowContext,
}

/// A namespace option (`-n`, `--net[=<file>|=:<nsid>]`), from the kind table: a file, or
/// (nsenter 2.42) `:` and a namespace ID.
const fn ns(kind: NsKind, help: &'static str) -> OptDef<Opt> {
    OptDef { value_name: "file|:nsid", ..OptDef::namespace(Opt::Ns(kind), kind, help) }
}

/// The options in util-linux's `longopts` order, which is the order glibc lists the
/// possibilities of an ambiguous abbreviation in (`--u`: `--uts` `--user` `--user-parent`).
pub const OPTIONS: &[OptDef<Opt>] = &[
    OptDef::flag(Opt::All, Some('a'), "all", " -a, --all                     enter all namespaces\n"),
    OptDef::flag(Opt::Help, Some('h'), "help", usage::HELP),
    OptDef::flag(Opt::Version, Some('V'), "version", usage::VERSION),
    OptDef::arg(
        Opt::Target,
        Some('t'),
        "target",
        HasArg::Required,
        "PID",
        " -t, --target <PID>            target process to get namespaces from\n",
        ValueHint::Target,
    ),
    ns(NsKind::Mnt, " -m, --mount[=<file>|=:<nsid>] enter mount namespace\n"),
    ns(NsKind::Uts, " -u, --uts[=<file>|=:<nsid>]   enter UTS namespace (hostname etc)\n"),
    ns(NsKind::Ipc, " -i, --ipc[=<file>|=:<nsid>]   enter System V IPC namespace\n"),
    ns(NsKind::Net, " -n, --net[=<file>|=:<nsid>]   enter network namespace\n"),
    OptDef::arg(
        Opt::NetSocket,
        Some('N'),
        "net-socket",
        HasArg::Required,
        "fd",
        " -N, --net-socket <fd>         enter socket's network namespace (needs --target)\n",
        ValueHint::None,
    ),
    ns(NsKind::Pid, " -p, --pid[=<file>|=:<nsid>]   enter pid namespace\n"),
    ns(NsKind::User, " -U, --user[=<file>|=:<nsid>]  enter user namespace\n"),
    ns(NsKind::Cgroup, " -C, --cgroup[=<file>|=:<nsid>]  enter cgroup namespace\n"),
    ns(NsKind::Time, " -T, --time[=<file>|=:<nsid>]  enter time namespace\n"),
    OptDef::arg(
        Opt::Setuid,
        Some('S'),
        "setuid",
        HasArg::Required,
        "uid",
        " -S, --setuid[=<uid>]          set uid in entered namespace\n",
        ValueHint::User,
    ),
    OptDef::arg(
        Opt::Setgid,
        Some('G'),
        "setgid",
        HasArg::Required,
        "gid",
        " -G, --setgid[=<gid>]          set gid in entered namespace\n",
        ValueHint::Group,
    ),
    OptDef::arg(
        Opt::Root,
        Some('r'),
        "root",
        HasArg::Optional,
        "dir",
        " -r, --root[=<dir>]            set the root directory\n",
        ValueHint::Dir,
    ),
    OptDef::arg(
        Opt::Wd,
        Some('w'),
        "wd",
        HasArg::Optional,
        "dir",
        " -w, --wd[=<dir>]              set the working directory\n",
        ValueHint::Dir,
    ),
    OptDef::arg(
        Opt::Wdns,
        Some('W'),
        "wdns",
        HasArg::Optional,
        "dir",
        " -W, --wdns <dir>              set the working directory in namespace\n",
        ValueHint::Dir,
    ),
    OptDef::flag(
        Opt::Env,
        Some('e'),
        "env",
        " -e, --env                     inherit environment variables from target process\n",
    ),
    OptDef::flag(
        Opt::NoFork,
        Some('F'),
        "no-fork",
        " -F, --no-fork                 do not fork before exec'ing <program>\n",
    ),
    OptDef::flag(
        Opt::JoinCgroup,
        Some('c'),
        "join-cgroup",
        " -c, --join-cgroup             join the cgroup of the target process\n",
    ),
    OptDef::flag(
        Opt::PreserveCredentials,
        None,
        "preserve-credentials",
        "     --preserve-credentials    do not touch uids or gids\n",
    ),
    OptDef::flag(
        Opt::KeepCaps,
        None,
        "keep-caps",
        "     --keep-caps               retain capabilities granted in user namespaces\n",
    ),
    OptDef::flag(Opt::UserParent, None, "user-parent", "     --user-parent             enter parent user namespace\n"),
];

/// util-linux's options with an argument that is rns's own, one entry per form: not for the
/// parser (the option is in [`OPTIONS`]), only for `--help` under the own name
/// ([`OWN_HELP`]), which lists them after util-linux's text.
pub(crate) const EXTRA_FORMS: &[OptDef<Opt>] = &[OptDef::arg(
    Opt::Target,
    Some('t'),
    "target",
    HasArg::Required,
    "runtime:id",
    "a container's process (docker, podman, lxc, ...)",
    ValueHint::None,
)];

/// What `rnsenter --help` adds to util-linux's text (under util-linux's name, nothing).
pub(crate) const OWN_HELP: usage::OwnHelp<Opt> = usage::OwnHelp { extras: EXTRA_FORMS, note: "", page: "rnsenter(1)" };

/// `nsenter --help` of 2.42.2, with `%s` for the program name; the option lines are
/// [`OPTIONS`]' help.
pub(crate) const USAGE: &[Chunk] = &[
    Chunk::Header,
    Chunk::Synopsis(" %s [options] [<program> [<argument>...]]\n"),
    Chunk::Separator,
    Chunk::Text("Run a program with namespaces of other processes.\n"),
    Chunk::Options,
    Chunk::option(OPTIONS, "all"),
    Chunk::option(OPTIONS, "target"),
    Chunk::option(OPTIONS, "mount"),
    Chunk::option(OPTIONS, "uts"),
    Chunk::option(OPTIONS, "ipc"),
    Chunk::option(OPTIONS, "net"),
    Chunk::option(OPTIONS, "net-socket"),
    Chunk::option(OPTIONS, "pid"),
    Chunk::option(OPTIONS, "cgroup"),
    Chunk::option(OPTIONS, "user"),
    Chunk::option(OPTIONS, "user-parent"),
    Chunk::option(OPTIONS, "time"),
    Chunk::option(OPTIONS, "setuid"),
    Chunk::option(OPTIONS, "setgid"),
    Chunk::option(OPTIONS, "preserve-credentials"),
    Chunk::option(OPTIONS, "keep-caps"),
    Chunk::option(OPTIONS, "root"),
    Chunk::option(OPTIONS, "wd"),
    Chunk::option(OPTIONS, "wdns"),
    Chunk::option(OPTIONS, "env"),
    Chunk::option(OPTIONS, "no-fork"),
    Chunk::option(OPTIONS, "join-cgroup"),
    Chunk::Separator,
    Chunk::HelpOptions(31),
    Chunk::ManTail("nsenter(1)"),
];

/// `-S`/`-G`: a number, or `follow` (the owner of `/proc/<pid>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IdChoice {
    /// Set by `-S`/`-G` (any form): the id is set in the end.
    pub force: bool,
    /// Some `-S follow` was seen (it sticks even if a number comes later, as in util-linux).
    pub follow: bool,
    pub value: u32,
}

/// The command line as nsenter's getopt loop leaves it: namespace files and `-r<dir>`/`-w<dir>`
/// already open.
#[derive(Debug, Default)]
pub struct NsenterArgs {
    pub all: bool,
    /// `-t`; util-linux keeps 0 for "none", which shows in `/proc/0/ns/user`.
    pub target: libc::pid_t,
    pub namespaces: NsTable,
    /// `-N`: negative values pass the parser (its lower bound is 0, meaning "none") and
    /// disable the option.
    pub socket_fd: i64,
    pub uid: IdChoice,
    pub gid: IdChoice,
    pub preserve_credentials: bool,
    pub keep_caps: bool,
    pub user_parent: bool,
    /// `-r<dir>` opened, and whether a bare `-r` asks for the target's root (which replaces it).
    pub root: Option<File>,
    pub target_root: bool,
    pub wd: Option<File>,
    pub target_wd: bool,
    /// `-W<dir>`, resolved after entering; a bare `-W` clears it.
    pub wdns: Option<OsString>,
    pub env: bool,
    pub no_fork: bool,
    pub join_cgroup: bool,
    /// `<program> [<argument>...]`.
    pub program: Vec<OsString>,
}

/// What the command line asks for.
pub type Parsed = crate::cli::Parsed<Box<NsenterArgs>>;

/// [`parse_in`] with the live `/proc` (for the fuzz target and tests).
pub fn parse(argv: &[OsString], open: Opener<'_>, handles: &mut dyn NsfsHandles) -> Result<Parsed> {
    parse_in(argv, &ProcFs::live(), open, handles)
}

/// Runs nsenter's getopt loop over `argv` (`argv[0]` included), acting on each option in order;
/// `-t RUNTIME:ID` looks for the container in `proc`; files are opened with `open`,
/// namespaces named by ID (`--net=:ID`) through `handles`.
pub(crate) fn parse_in(
    argv: &[OsString],
    proc: &ProcFs,
    open: Opener<'_>,
    handles: &mut dyn NsfsHandles,
) -> Result<Parsed> {
    let mut values = Vec::new();
    parse_options(argv, proc, open, handles, &mut values).map_err(|e| e.with_raw_args(&values))
}

/// The loop of [`parse_in`], keeping the option values it has seen for its messages.
fn parse_options(
    argv: &[OsString],
    proc: &ProcFs,
    open: Opener<'_>,
    handles: &mut dyn NsfsHandles,
    values: &mut Vec<OsString>,
) -> Result<Parsed> {
    let mut specs = crate::cli::getopt_specs(OPTIONS);
    specs.push(OptSpec { id: Opt::FollowContext, short: Some('Z'), long: None, has_arg: HasArg::No });
    let mut getopt = Getopt::new(argv.to_vec(), &specs, Ordering::RequireOrder);
    let mut args = NsenterArgs { socket_fd: -1, ..NsenterArgs::default() };
    let mut seen_wd: Option<Opt> = None;
    for item in getopt.by_ref() {
        let (opt, value) = match item {
            Item::Opt(opt, value) => (opt, value),
            Item::Error(msg) => return Err(Error::Usage(msg)),
        };
        values.extend(value.clone());
        wd_exclusive(&mut seen_wd, opt)?;
        let text = || value.as_ref().map(|v| v.to_string_lossy().into_owned()).unwrap_or_default();
        match opt {
            Opt::All => args.all = true,
            Opt::Target => {
                args.target = match ContainerSpec::parse(&text()) {
                    Some(spec) => container_init(proc, &spec)?,
                    None => parse_target(&text())?,
                }
            }
            Opt::Ns(kind) => {
                let path = value.as_deref().map(strip_leading_eq);
                match path.and_then(nsid::id_text) {
                    Some(id) => nsid::enable_by_id(&mut args.namespaces, kind, id, handles, proc)?,
                    None => args.namespaces.enable(kind, path, open)?,
                }
            }
            Opt::NetSocket => args.socket_fd = parse_fd(&text())?,
            Opt::Setuid => set_id(&mut args.uid, &text(), "failed to parse uid")?,
            Opt::Setgid => set_id(&mut args.gid, &text(), "failed to parse gid")?,
            Opt::NoFork => args.no_fork = true,
            Opt::JoinCgroup => args.join_cgroup = true,
            // `-r` alone is the only one whose attached `=` is kept: `-r=/x` is the dir `=/x`.
            Opt::Root => match value.as_deref() {
                Some(dir) => args.root = Some(reopen(&mut args.root, dir, open)?),
                None => args.target_root = true,
            },
            Opt::Wd => match value.as_deref() {
                Some(dir) => args.wd = Some(reopen(&mut args.wd, strip_leading_eq(dir), open)?),
                None => args.target_wd = true,
            },
            Opt::Wdns => args.wdns = value.as_deref().map(|v| strip_leading_eq(v).to_os_string()),
            Opt::Env => args.env = true,
            Opt::PreserveCredentials => args.preserve_credentials = true,
            Opt::KeepCaps => args.keep_caps = true,
            Opt::UserParent => args.user_parent = true,
            Opt::Help => return Ok(Parsed::Help),
            Opt::Version => return Ok(Parsed::Version),
            Opt::FollowContext => return Err(Error::Usage(String::new())),
        }
    }
    args.program = getopt.into_operands();
    Ok(Parsed::Run(Box::new(args)))
}

/// `-w` and `-W` exclude each other (`err_exclusive_options`: the one seen first is named first).
fn wd_exclusive(seen: &mut Option<Opt>, opt: Opt) -> Result<()> {
    let name = |o: Opt| if o == Opt::Wd { "--wd" } else { "--wdns" };
    if !matches!(opt, Opt::Wd | Opt::Wdns) {
        return Ok(());
    }
    match *seen {
        Some(first) if first != opt => Err(Error::exclusive_options(name(first), name(opt))),
        _ => {
            *seen = Some(opt);
            Ok(())
        }
    }
}

/// `ul_get_valid_pidfd_or_err`'s message.
pub(crate) fn no_valid_pidfd(pid: libc::pid_t, errno: i32) -> Error {
    Error::tr_os("failed to obtain a valid file descriptor for PID %d", vec![MsgArg::Int(pid.into())], errno)
}

/// `-t PID[:INODE]`. Any syntax error is `invalid PID argument`; an inode that was read (even
/// from a string that is then rejected, e.g. `1:12x`) is checked against a pidfd of PID first.
pub(crate) fn parse_target(arg: &str) -> Result<libc::pid_t> {
    let invalid = || Error::tr("invalid PID argument", vec![]);
    let (pid, inode, ok) = split_target(arg.as_bytes());
    if let (Some(pid), Some(inode)) = (pid, inode) {
        crate::sys::pidfd::check_pidfd_inode(pid, inode).map_err(|e| no_valid_pidfd(pid, e))?;
    }
    match (pid, ok) {
        (Some(pid), true) => Ok(pid),
        _ => Err(invalid()),
    }
}

/// `-t RUNTIME:ID-PREFIX` (an rns extra): the init of the one container whose cgroups name
/// it, found in `proc` (see [`crate::proc::container`]).
fn container_init(proc: &ProcFs, spec: &ContainerSpec) -> Result<libc::pid_t> {
    crate::proc::container::find_init(proc, spec).map_err(|why| Error::msg(unresolved_message(&why, spec)))
}

/// rnsenter's words when `spec` names no single container. The argument is quoted as given,
/// as util-linux quotes what the user typed; the names come from cgroups, which a container
/// may create and name as it likes (`lxc.payload.x\e]0;title\a`), so they are shown as rlsns's
/// CONTAINER cells show them (`lxc:x\x1b]0;title\x07`), never raw on the user's terminal.
pub fn unresolved_message(why: &Unresolved, spec: &ContainerSpec) -> String {
    match why {
        Unresolved::None => format!("no container matches '{}'", spec.text),
        Unresolved::Several(list) => {
            let shorts: Vec<String> = list.iter().map(Container::short).collect();
            let unique = shorts.iter().collect::<std::collections::BTreeSet<_>>().len() == shorts.len();
            let names: Vec<String> = if unique { shorts } else { list.iter().map(|c| c.to_string()).collect() };
            let names: Vec<String> = names.iter().map(|n| safe_encode(n)).collect();
            format!("'{}' matches several containers: {}", spec.text, names.join(", "))
        }
        Unresolved::Nested(container, places) => {
            let places: Vec<String> = places
                .iter()
                .map(|outer| match outer.last() {
                    None => "on the host".to_string(),
                    Some(c) => format!("inside {}", safe_encode(&c.short())),
                })
                .collect();
            let name = safe_encode(&container.short());
            format!("{name} is the name of containers in different places: {}", places.join(", "))
        }
    }
}

/// The pieces of `PID[:INODE]`: the pid when it is valid, the inode when one was read (0 counts
/// as none), and whether the whole string is valid.
fn split_target(s: &[u8]) -> (Option<libc::pid_t>, Option<u64>, bool) {
    let Some((num, overflow, rest)) = number::strtoimax(s) else { return (None, None, false) };
    if overflow || num <= 0 || num > i64::from(libc::pid_t::MAX) {
        return (None, None, false);
    }
    let pid = num as libc::pid_t;
    match rest {
        [] => (Some(pid), None, true),
        [b':', inode @ ..] => {
            let (parsed, value) = number::strtou64(inode);
            let inode = (value != 0).then_some(value);
            (Some(pid), inode, parsed.is_ok_and(|v| v != 0))
        }
        _ => (Some(pid), None, false),
    }
}

/// `-N <fd>`: `str2num_or_err(..., 0, INT_MAX)`, whose lower bound 0 means "no bound".
fn parse_fd(arg: &str) -> Result<i64> {
    let what = "failed to parse file descriptor";
    match number::parse_signed(arg, what)? {
        v if v > i64::from(i32::MAX) => Err(Error::os(number::parse_error(what, arg), libc::ERANGE)),
        v => Ok(v),
    }
}

/// `-S`/`-G`: `follow`, or `strtoul_or_err` truncated to 32 bits as the C assignment does.
fn set_id(choice: &mut IdChoice, arg: &str, what: &'static str) -> Result<()> {
    if arg == "follow" {
        choice.follow = true;
    } else {
        choice.value = match number::strtou64(arg.as_bytes()).0 {
            Ok(v) => v as u32,
            Err(libc::ERANGE) => return Err(Error::os(number::parse_error(what, arg), libc::ERANGE)),
            Err(_) => return Err(Error::msg(number::parse_error(what, arg))),
        };
    }
    choice.force = true;
    Ok(())
}

/// The interface of rnsenter, for man pages and completions.
pub fn interface() -> crate::cli::Interface {
    crate::cli::interface(
        "rnsenter",
        "Run a program with namespaces of other processes.",
        OPTIONS,
        &[("program", "program to run, with its arguments (default: login shell)", true)],
    )
    .in_help_order(USAGE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    #[test]
    fn help_lines_live_in_the_option_table() {
        crate::cli::usage::assert_one_place(OPTIONS, &[], USAGE);
    }

    fn argv(args: &[&str]) -> Vec<OsString> {
        std::iter::once("nsenter").chain(args.iter().copied()).map(OsString::from).collect()
    }

    /// Parses with an opener that records paths and opens /dev/null for them (or fails with
    /// ENOENT for paths starting with `/missing`).
    fn p(args: &[&str]) -> (Result<Parsed>, Vec<String>) {
        let opened = RefCell::new(Vec::new());
        let mut open = |path: &OsStr| {
            opened.borrow_mut().push(path.to_string_lossy().into_owned());
            if path.as_bytes().starts_with(b"/missing") {
                Err(std::io::Error::from_raw_os_error(libc::ENOENT))
            } else {
                File::open("/dev/null")
            }
        };
        let parsed = parse(&argv(args), &mut open, &mut crate::sys::handle::NoHandles);
        (parsed, opened.into_inner())
    }

    fn run(args: &[&str]) -> Box<NsenterArgs> {
        match p(args).0 {
            Ok(Parsed::Run(a)) => a,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn err(args: &[&str]) -> Error {
        match p(args).0 {
            Err(e) => e,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn attached_arguments_and_equals() {
        let (_, opened) = p(&["-n/a", "-n=/b", "--net=/c", "--net==/d", "-r/e", "-r=/f", "-w=/g", "--wd=/h"]);
        assert_eq!(opened, ["/a", "/b", "/c", "/d", "/e", "=/f", "/g", "/h"]);
        let a = run(&["-n", "/x"]);
        assert_eq!(a.program, ["/x"]);
        assert!(a.namespaces.is_enabled(NsKind::Net));
        assert_eq!(run(&["-W=/x"]).wdns, Some(OsString::from("/x")));
        assert_eq!(run(&["-W/x", "-W"]).wdns, None);
    }

    #[test]
    fn nsid_form_names_a_namespace_by_id() {
        // Every namespace option, long and short, attached with or without `=`: the ID is
        // parsed first, then the handle template is filled (here it cannot be).
        let fill = Error::os("failed to fill namespace file handle", libc::ENOSYS);
        for arg in
            ["--net=:123", "--net==:123", "-n:123", "-n=:123", "-m:1", "-u:1", "-i:1", "-p:1", "-C:1", "-U:1", "-T:1"]
        {
            let (r, opened) = p(&[arg]);
            assert_eq!(r.unwrap_err(), fill, "{arg}");
            assert!(opened.is_empty(), "{arg}: {opened:?}");
        }
        assert_eq!(err(&["-n:abc", "-u/missing"]), Error::msg("failed to parse nsid: abc"));
        assert_eq!(err(&["--uts=:"]), Error::msg("failed to parse nsid: "));
        assert_eq!(err(&["-n/missing", "-n:abc"]), Error::os("cannot open /missing", libc::ENOENT));
        // A file whose name starts with a colon is given with a directory.
        let (r, opened) = p(&["--net=./:123"]);
        assert!(r.is_ok());
        assert_eq!(opened, ["./:123"]);
    }

    #[test]
    fn options_act_in_order() {
        assert_eq!(err(&["-n/missing", "--bogus"]), Error::os("cannot open /missing", libc::ENOENT));
        assert!(matches!(p(&["-h", "-n/missing"]).0, Ok(Parsed::Help)));
        assert_eq!(err(&["--bogus", "-n/missing"]), Error::Usage("nsenter: unrecognized option '--bogus'".into()));
        assert_eq!(run(&["-u", "ls", "-l"]).program, ["ls", "-l"]);
    }

    #[test]
    fn wd_and_wdns_exclude_each_other() {
        assert_eq!(err(&["-w", "-W/x"]), Error::msg("options --wd and --wdns cannot be combined"));
        assert_eq!(err(&["-W", "-w"]), Error::msg("options --wdns and --wd cannot be combined"));
        assert!(p(&["-w", "-w"]).0.is_ok());
    }

    #[test]
    fn follow_context_is_only_try_help() {
        assert_eq!(err(&["-Z"]), Error::Usage(String::new()));
        assert_eq!(err(&["--follow-context"]), Error::Usage("nsenter: unrecognized option '--follow-context'".into()));
    }

    #[test]
    fn target_syntax() {
        assert_eq!(split_target(b"12"), (Some(12), None, true));
        assert_eq!(split_target(b" +12"), (Some(12), None, true));
        assert_eq!(split_target(b"12:34"), (Some(12), Some(34), true));
        assert_eq!(split_target(b"12:34x"), (Some(12), Some(34), false));
        assert_eq!(split_target(b"12:x"), (Some(12), None, false));
        assert_eq!(split_target(b"12:0"), (Some(12), None, false));
        assert_eq!(split_target(b"12:"), (Some(12), None, false));
        assert_eq!(split_target(b"12:-1"), (Some(12), None, false));
        assert_eq!(split_target(b"12:99999999999999999999"), (Some(12), Some(u64::MAX), false));
        for bad in ["0", "-1", "abc", "", "12x", "2147483648", "0:5"] {
            assert!(!split_target(bad.as_bytes()).2, "{bad}");
        }
        assert_eq!(parse_target("abc"), Err(Error::msg("invalid PID argument")));
    }

    /// The words for a container spec that names none, or several (fixture /proc trees).
    #[test]
    fn unresolved_container_messages() {
        let fixture = ProcFs::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/proc-containers"));
        let message = |arg: &str| {
            let spec = ContainerSpec::parse(arg).unwrap();
            crate::proc::container::find_init(&fixture, &spec).map_err(|why| unresolved_message(&why, &spec))
        };
        assert_eq!(message("lxc:we"), Err("'lxc:we' matches several containers: lxc:web, lxc:web2".into()));
        assert_eq!(
            message("docker:3f"),
            Err("'docker:3f' matches several containers: docker:3f2a9c4b5d6e, docker:3f9900001111".into())
        );
        assert_eq!(message("docker:ab"), Err("no container matches 'docker:ab'".into()));
    }

    /// Names a container gave its cgroups reach the terminal escaped, as rlsns's cells show them;
    /// the argument is quoted as typed.
    #[test]
    fn container_names_in_messages_are_escaped() {
        let lxc = |id: &str| Container { runtime: crate::proc::container::Runtime::Lxc, id: id.into(), pod: None };
        let spec = ContainerSpec::parse("lxc:evil\u{1b}").unwrap();
        let several = Unresolved::Several(vec![lxc("evil\u{1b}]0;CG1\u{7}"), lxc("evil\u{1b}]0;CG2\u{7}")]);
        assert_eq!(
            unresolved_message(&several, &spec),
            "'lxc:evil\u{1b}' matches several containers: lxc:evil\\x1b]0;CG1\\x07, lxc:evil\\x1b]0;CG2\\x07"
        );
        let nested = Unresolved::Nested(lxc("evil\n"), vec![vec![], vec![lxc("outer\u{9b}")]]);
        assert_eq!(
            unresolved_message(&nested, &spec),
            "lxc:evil\\x0a is the name of containers in different places: on the host, inside lxc:outer\\xc2\\x9b"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(run(&["-N", "-5"]).socket_fd, -5);
        assert_eq!(err(&["-N", "x"]), Error::msg("failed to parse file descriptor: 'x'"));
        assert_eq!(
            err(&["-N", "2147483648"]),
            Error::os("failed to parse file descriptor: '2147483648'", libc::ERANGE)
        );
        assert_eq!(err(&["-S", "-1"]), Error::os("failed to parse uid: '-1'", libc::ERANGE));
        assert_eq!(err(&["-G", ""]), Error::msg("failed to parse gid: ''"));
        assert_eq!(run(&["-S", "4294967297"]).uid, IdChoice { force: true, follow: false, value: 1 });
        assert_eq!(run(&["-S", "follow", "-S", "5"]).uid, IdChoice { force: true, follow: true, value: 5 });
    }
}
