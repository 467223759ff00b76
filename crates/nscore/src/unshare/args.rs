//! runshare's options (unshare(1) of util-linux 2.42): the table, the util-linux help text, and
//! the parse loop that acts on each option in getopt order as unshare does (a later option
//! can override an earlier one; `-h` wins over a bad option after it).

use super::id_source::{carried_value, user_or_group, whitelisted, IdSource};
use super::signal_name::signal_by_name;
use super::subid::{ranges_of, subid};
use crate::cli::getopt::{Getopt, HasArg, Item, Ordering};
use crate::cli::usage::{self, Chunk};
use crate::cli::{OptDef, ValueHint};
use crate::error::{Error, MsgArg, Result};
use crate::nstype::NsKind;
use crate::number::{parse_signed, parse_unsigned, scan_u32};
use crate::unshare::idmap::MapRange;
use std::ffi::OsString;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Opt {
    Help,
    Version,
    Ns(NsKind),
    Fork,
    KillChild,
    ForwardSignals,
    MountProc,
    MountBinfmt,
    MapUser,
    MapUsers,
    MapGroup,
    MapGroups,
    MapRootUser,
    MapCurrentUser,
    MapAuto,
    MapSubids,
    Owner,
    Propagation,
    Setgroups,
    KeepCaps,
    Setuid,
    Setgid,
    Root,
    Wd,
    Monotonic,
    Boottime,
    LoadInterp,
    ClearEnv,
    WhitelistEnv,
}

const PROPAGATION_WORDS: &[&str] = &["slave", "shared", "private", "unchanged"];
const SETGROUPS_WORDS: &[&str] = &["allow", "deny"];

/// A namespace option: a flag as `-n`, `--net[=<file>]` in its long form; the letter and the
/// long name are the kind table's.
const fn ns(kind: NsKind, help: &'static str) -> OptDef<Opt> {
    OptDef { short_has_arg: Some(HasArg::No), ..OptDef::namespace(Opt::Ns(kind), kind, help) }
}

/// In util-linux's `longopts` order, which getopt's "ambiguous" message follows.
pub const OPTIONS: &[OptDef<Opt>] = &[
    OptDef::flag(Opt::Help, Some('h'), "help", usage::HELP),
    OptDef::flag(Opt::Version, Some('V'), "version", usage::VERSION),
    ns(NsKind::Mnt, " -m, --mount[=<file>]      unshare mounts namespace\n"),
    ns(NsKind::Uts, " -u, --uts[=<file>]        unshare UTS namespace (hostname etc)\n"),
    ns(NsKind::Ipc, " -i, --ipc[=<file>]        unshare System V IPC namespace\n"),
    ns(NsKind::Net, " -n, --net[=<file>]        unshare network namespace\n"),
    ns(NsKind::Pid, " -p, --pid[=<file>]        unshare pid namespace\n"),
    ns(NsKind::User, " -U, --user[=<file>]       unshare user namespace\n"),
    ns(NsKind::Cgroup, " -C, --cgroup[=<file>]     unshare cgroup namespace\n"),
    ns(NsKind::Time, " -T, --time[=<file>]       unshare time namespace\n"),
    OptDef::flag(Opt::Fork, Some('f'), "fork", " -f, --fork                fork before launching <program>\n"),
    OptDef::arg(
        Opt::KillChild,
        None,
        "kill-child",
        HasArg::Optional,
        "signame",
        " --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)\n                             defaults to SIGKILL\n",
        ValueHint::None,
    ),
    OptDef::flag(Opt::ForwardSignals, None, "forward-signals", " --forward-signals         forward SIGTERM and SIGINT to child (implies --fork)\n"),
    OptDef::arg(
        Opt::MountProc,
        None,
        "mount-proc",
        HasArg::Optional,
        "dir",
        " --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)\n",
        ValueHint::Dir,
    ),
    OptDef::arg(
        Opt::MountBinfmt,
        None,
        "mount-binfmt",
        HasArg::Optional,
        "dir",
        " --mount-binfmt[=<dir>]    mount binfmt filesystem first (implies --user and --mount)\n",
        ValueHint::Dir,
    ),
    OptDef::arg(
        Opt::MapUser,
        None,
        "map-user",
        HasArg::Required,
        "uid|name",
        " --map-user <uid>|<name>   map current user to uid (implies --user)\n",
        ValueHint::User,
    ),
    OptDef::arg(
        Opt::MapUsers,
        None,
        "map-users",
        HasArg::Required,
        "inneruid:outeruid:count",
        " --map-users <inneruid>:<outeruid>:<count>\n                           map count users from outeruid to inneruid (implies --user)\n",
        ValueHint::None,
    ),
    OptDef::arg(
        Opt::MapGroup,
        None,
        "map-group",
        HasArg::Required,
        "gid|name",
        " --map-group <gid>|<name>  map current group to gid (implies --user)\n",
        ValueHint::Group,
    ),
    OptDef::arg(
        Opt::MapGroups,
        None,
        "map-groups",
        HasArg::Required,
        "innergid:outergid:count",
        " --map-groups <innergid>:<outergid>:<count>\n                           map count groups from outergid to innergid (implies --user)\n",
        ValueHint::None,
    ),
    OptDef::flag(Opt::MapRootUser, Some('r'), "map-root-user", " -r, --map-root-user       map current user to root (implies --user)\n"),
    OptDef::flag(Opt::MapCurrentUser, Some('c'), "map-current-user", " -c, --map-current-user    map current user to itself (implies --user)\n"),
    OptDef::flag(Opt::MapAuto, None, "map-auto", " --map-auto                map users and groups automatically (implies --user)\n"),
    OptDef::flag(Opt::MapSubids, None, "map-subids", " --map-subids              map the first block of user IDs owned by euid (implies --user)\n"),
    OptDef::arg(
        Opt::Owner,
        None,
        "owner",
        HasArg::Required,
        "uid:gid",
        " --owner <uid>:<gid>       set the user namespace owner (implies --user)\n",
        ValueHint::None,
    ),
    OptDef::arg(
        Opt::Propagation,
        None,
        "propagation",
        HasArg::Required,
        "slave|shared|private|unchanged",
        " --propagation slave|shared|private|unchanged\n                           modify mount propagation in mount namespace\n",
        ValueHint::Words(PROPAGATION_WORDS),
    ),
    OptDef::arg(
        Opt::Setgroups,
        None,
        "setgroups",
        HasArg::Required,
        "allow|deny",
        " --setgroups allow|deny    control the setgroups syscall in user namespaces\n",
        ValueHint::Words(SETGROUPS_WORDS),
    ),
    OptDef::flag(Opt::KeepCaps, None, "keep-caps", " --keep-caps               retain capabilities granted in user namespaces\n"),
    OptDef::arg(
        Opt::Setuid,
        Some('S'),
        "setuid",
        HasArg::Required,
        "uid",
        " -S, --setuid <uid>        set uid in entered namespace\n",
        ValueHint::None,
    ),
    OptDef::arg(
        Opt::Setgid,
        Some('G'),
        "setgid",
        HasArg::Required,
        "gid",
        " -G, --setgid <gid>        set gid in entered namespace\n",
        ValueHint::None,
    ),
    OptDef::arg(
        Opt::Root,
        Some('R'),
        "root",
        HasArg::Required,
        "dir",
        " -R, --root <dir>          run the command with root directory set to <dir>\n",
        ValueHint::Dir,
    ),
    OptDef::arg(Opt::Wd, Some('w'), "wd", HasArg::Required, "dir", " -w, --wd <dir>            change working directory to <dir>\n", ValueHint::Dir),
    OptDef::arg(
        Opt::Monotonic,
        None,
        "monotonic",
        HasArg::Required,
        "offset",
        " --monotonic <offset>      set clock monotonic offset (seconds) in time namespaces\n",
        ValueHint::None,
    ),
    OptDef::arg(
        Opt::Boottime,
        None,
        "boottime",
        HasArg::Required,
        "offset",
        " --boottime <offset>       set clock boottime offset (seconds) in time namespaces\n",
        ValueHint::None,
    ),
    OptDef::arg(
        Opt::LoadInterp,
        Some('l'),
        "load-interp",
        HasArg::Required,
        "file",
        " -l, --load-interp <file>  load binfmt definition in the namespace (implies --mount-binfmt)\n",
        ValueHint::None,
    ),
];

/// Options util-linux 2.42 does not have (util-linux master added these two): parsed after
/// [`OPTIONS`], so an abbreviation 2.42 resolves keeps its meaning, and left out of [`USAGE`],
/// which stays 2.42's text; `--help` under the own name lists them after it ([`OWN_HELP`]).
pub(crate) const EXTENSIONS: &[OptDef<Opt>] = &[
    OptDef::flag(Opt::ClearEnv, None, "clear-env", "do not inherit environment variables from the calling process"),
    OptDef::arg(
        Opt::WhitelistEnv,
        None,
        "whitelist-env",
        HasArg::Required,
        "list",
        "clear environment except for specified variables",
        ValueHint::None,
    ),
];

/// What `runshare --help` adds to util-linux's text (under util-linux's name, nothing).
pub(crate) const OWN_HELP: usage::OwnHelp<Opt> = usage::OwnHelp { extras: EXTENSIONS, note: "", page: "runshare(1)" };

/// `unshare --help` of util-linux 2.42.2, with `%s` for the program name; the option lines
/// are [`OPTIONS`]' help.
pub(crate) const USAGE: &[Chunk] = &[
    Chunk::Header,
    Chunk::Synopsis(" %s [options] [<program> [<argument>...]]\n"),
    Chunk::Separator,
    Chunk::Text("Run a program with some namespaces unshared from the parent.\n"),
    Chunk::Options,
    Chunk::option(OPTIONS, "mount"),
    Chunk::option(OPTIONS, "uts"),
    Chunk::option(OPTIONS, "ipc"),
    Chunk::option(OPTIONS, "net"),
    Chunk::option(OPTIONS, "pid"),
    Chunk::option(OPTIONS, "user"),
    Chunk::option(OPTIONS, "cgroup"),
    Chunk::option(OPTIONS, "time"),
    Chunk::Separator,
    Chunk::option(OPTIONS, "mount-proc"),
    Chunk::option(OPTIONS, "mount-binfmt"),
    Chunk::option(OPTIONS, "load-interp"),
    Chunk::option(OPTIONS, "propagation"),
    Chunk::option(OPTIONS, "root"),
    Chunk::option(OPTIONS, "wd"),
    Chunk::Separator,
    Chunk::option(OPTIONS, "setuid"),
    Chunk::option(OPTIONS, "setgid"),
    Chunk::option(OPTIONS, "map-user"),
    Chunk::option(OPTIONS, "map-group"),
    Chunk::option(OPTIONS, "map-root-user"),
    Chunk::option(OPTIONS, "map-current-user"),
    Chunk::option(OPTIONS, "map-auto"),
    Chunk::option(OPTIONS, "map-subids"),
    Chunk::option(OPTIONS, "map-users"),
    Chunk::option(OPTIONS, "map-groups"),
    Chunk::option(OPTIONS, "owner"),
    Chunk::Separator,
    Chunk::option(OPTIONS, "fork"),
    Chunk::option(OPTIONS, "kill-child"),
    Chunk::option(OPTIONS, "forward-signals"),
    Chunk::Separator,
    Chunk::option(OPTIONS, "setgroups"),
    Chunk::option(OPTIONS, "keep-caps"),
    Chunk::Separator,
    Chunk::option(OPTIONS, "monotonic"),
    Chunk::option(OPTIONS, "boottime"),
    Chunk::Separator,
    Chunk::HelpOptions(27),
    Chunk::ManTail("unshare(1)"),
];

/// Where binfmt_misc lives when `--mount-binfmt`/`--load-interp` name no directory.
pub(crate) const BINFMT_MISC: &str = "/proc/sys/fs/binfmt_misc";

/// `--setgroups` words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetgroupsWord {
    Allow,
    Deny,
}

impl SetgroupsWord {
    pub(crate) fn word(self) -> &'static str {
        match self {
            SetgroupsWord::Allow => "allow",
            SetgroupsWord::Deny => "deny",
        }
    }
}

/// The options as unshare's main loop leaves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnshareArgs {
    /// `CLONE_NEW*` flags to unshare.
    pub flags: libc::c_int,
    /// `--<ns>=<file>` targets, indexed by [`NsKind::index`].
    pub persist: [Option<PathBuf>; NsKind::COUNT],
    pub fork: bool,
    pub forward_signals: bool,
    /// `--kill-child` signal.
    pub kill_child: Option<libc::c_int>,
    pub mount_proc: Option<PathBuf>,
    pub mount_binfmt: Option<PathBuf>,
    pub load_interp: Option<OsString>,
    /// `MS_REC | MS_PRIVATE` unless `--propagation` says otherwise (0 = unchanged).
    pub propagation: libc::c_ulong,
    pub root: Option<PathBuf>,
    pub wd: Option<PathBuf>,
    pub setuid: Option<libc::uid_t>,
    pub setgid: Option<libc::gid_t>,
    /// The single inner uid our euid becomes (`--map-user`, `-r`, `-c`).
    pub map_user: Option<u32>,
    pub map_group: Option<u32>,
    /// `--map-users` ranges in command-line order.
    pub user_ranges: Vec<MapRange>,
    pub group_ranges: Vec<MapRange>,
    /// `--owner`: each id is taken only if it is not 4294967295, util-linux's "unset"
    /// (`--owner -1:5` changes the gid alone).
    pub owner_uid: Option<libc::uid_t>,
    pub owner_gid: Option<libc::gid_t>,
    pub setgroups: Option<SetgroupsWord>,
    pub keep_caps: bool,
    pub monotonic: Option<i64>,
    pub boottime: Option<i64>,
    /// `--clear-env`/`--whitelist-env`: the whole environment the program gets (each listed
    /// variable that was set, with its value when the option was read), or `None` to inherit ours.
    pub environment: Option<Vec<(OsString, OsString)>>,
    /// The program and its arguments (empty: the login shell).
    pub program: Vec<OsString>,
}

impl Default for UnshareArgs {
    fn default() -> Self {
        UnshareArgs {
            flags: 0,
            persist: Default::default(),
            fork: false,
            forward_signals: false,
            kill_child: None,
            mount_proc: None,
            mount_binfmt: None,
            load_interp: None,
            propagation: libc::MS_REC | libc::MS_PRIVATE,
            root: None,
            wd: None,
            setuid: None,
            setgid: None,
            map_user: None,
            map_group: None,
            user_ranges: Vec::new(),
            group_ranges: Vec::new(),
            owner_uid: None,
            owner_gid: None,
            setgroups: None,
            keep_caps: false,
            monotonic: None,
            boottime: None,
            environment: None,
            program: Vec::new(),
        }
    }
}

impl UnshareArgs {
    pub fn has(&self, flag: libc::c_int) -> bool {
        self.flags & flag != 0
    }

    /// Whether any `--<ns>=<file>` was given.
    pub(crate) fn persists(&self) -> bool {
        self.persist.iter().any(Option::is_some)
    }
}

/// What the command line asks for.
pub type Parsed = crate::cli::Parsed<Box<UnshareArgs>>;

/// `--owner <uid>:<gid>`: `sscanf("%u:%u%n")` with nothing after.
fn parse_owner(s: &str) -> Option<(u32, u32)> {
    let (uid, gid) = s.split_once(':')?;
    let num = |t: &str| scan_u32(t).and_then(|(id, rest)| rest.is_empty().then_some(id));
    Some((num(uid)?, num(gid)?))
}

/// Runs unshare's getopt loop over `argv` (`argv[0]` included).
pub fn parse(argv: &[OsString], ids: &dyn IdSource) -> Result<Parsed> {
    let mut values = Vec::new();
    parse_options(argv, ids, &mut values).map_err(|e| e.with_raw_args(&values))
}

/// The loop of [`parse`], keeping the option values it has seen for its messages.
fn parse_options(argv: &[OsString], ids: &dyn IdSource, values: &mut Vec<OsString>) -> Result<Parsed> {
    let mut specs = crate::cli::getopt_specs(OPTIONS);
    let core = specs.len();
    specs.extend(crate::cli::getopt_specs(EXTENSIONS));
    let mut getopt = Getopt::new(argv.to_vec(), &specs, Ordering::RequireOrder).with_extensions_from(core);
    let mut a = UnshareArgs::default();
    for item in getopt.by_ref() {
        let (opt, value) = match item {
            Item::Opt(opt, value) => (opt, value),
            Item::Error(msg) => return Err(Error::Usage(msg)),
        };
        values.extend(value.clone());
        let text = value.as_ref().map(|v| v.to_string_lossy().into_owned()).unwrap_or_default();
        let path = || value.as_ref().map(PathBuf::from);
        match opt {
            Opt::Help => return Ok(Parsed::Help),
            Opt::Version => return Ok(Parsed::Version),
            Opt::Ns(kind) => {
                a.flags |= kind.clone_flag();
                if let Some(target) = path() {
                    a.persist[kind.index()] = Some(target);
                }
            }
            Opt::Fork => a.fork = true,
            Opt::KillChild => {
                a.fork = true;
                a.kill_child = Some(kill_child_signal(&value, &text)?);
            }
            Opt::ForwardSignals => {
                a.fork = true;
                a.forward_signals = true;
            }
            Opt::MountProc | Opt::MountBinfmt | Opt::LoadInterp => a.mount_filesystem(opt, &value),
            Opt::MapUser
            | Opt::MapGroup
            | Opt::MapRootUser
            | Opt::MapCurrentUser
            | Opt::MapUsers
            | Opt::MapGroups
            | Opt::MapAuto
            | Opt::MapSubids
            | Opt::Owner => a.map_ids(opt, &value, &text, ids)?,
            Opt::Setgroups => a.setgroups = Some(setgroups_word(&text)?),
            Opt::Propagation => a.propagation = propagation_flags(&text)?,
            Opt::KeepCaps => a.keep_caps = true,
            Opt::Setuid => a.setuid = Some(parse_unsigned(&text, "failed to parse uid")? as libc::uid_t),
            Opt::Setgid => a.setgid = Some(parse_unsigned(&text, "failed to parse gid")? as libc::gid_t),
            Opt::Root => a.root = path(),
            Opt::Wd => a.wd = path(),
            Opt::Monotonic => a.monotonic = Some(parse_signed(&text, "failed to parse monotonic offset")?),
            Opt::Boottime => a.boottime = Some(parse_signed(&text, "failed to parse boottime offset")?),
            Opt::ClearEnv => {
                a.environment.get_or_insert_with(Vec::new);
            }
            Opt::WhitelistEnv => {
                let list = value.clone().unwrap_or_default();
                a.environment.get_or_insert_with(Vec::new).extend(whitelisted(ids, &list));
            }
        }
    }
    if (a.monotonic.is_some() || a.boottime.is_some()) && !a.has(libc::CLONE_NEWTIME) {
        return Err(Error::tr("options --monotonic and --boottime require unsharing of a time namespace (-T)", vec![]));
    }
    a.program = getopt.into_operands();
    Ok(Parsed::Run(Box::new(a)))
}

/// `--kill-child[=<signame>]`: SIGKILL unless a signal is named.
fn kill_child_signal(value: &Option<OsString>, text: &str) -> Result<libc::c_int> {
    match value {
        Some(_) => signal_by_name(text).ok_or_else(|| Error::tr("unknown signal: %s", vec![MsgArg::str(text)])),
        None => Ok(libc::SIGKILL),
    }
}

impl UnshareArgs {
    /// `--mount-proc`, `--mount-binfmt` and `--load-interp`: filesystems mounted in the new
    /// mount namespace. binfmt_misc without a directory goes to its usual place, which needs
    /// /proc mounted.
    fn mount_filesystem(&mut self, opt: Opt, value: &Option<OsString>) {
        let path = value.as_ref().map(PathBuf::from);
        match opt {
            Opt::MountProc => {
                self.flags |= libc::CLONE_NEWNS;
                self.mount_proc = Some(path.unwrap_or_else(|| PathBuf::from("/proc")));
                return;
            }
            Opt::MountBinfmt => self.mount_binfmt = path,
            Opt::LoadInterp => self.load_interp = value.clone(),
            _ => return,
        }
        self.flags |= libc::CLONE_NEWNS | libc::CLONE_NEWUSER;
        if self.mount_binfmt.is_none() {
            self.mount_proc.get_or_insert_with(|| PathBuf::from("/proc"));
            self.mount_binfmt = Some(PathBuf::from(BINFMT_MISC));
        }
    }

    /// The options that map ids or set the owner of the new user namespace, which each imply
    /// `--user`; names and sub-id files are looked up as the option is read.
    fn map_ids(&mut self, opt: Opt, value: &Option<OsString>, text: &str, ids: &dyn IdSource) -> Result<()> {
        self.flags |= libc::CLONE_NEWUSER;
        match opt {
            Opt::MapUser => {
                self.map_user =
                    Some(user_or_group(text, || ids.uid_of(&carried_value(value)), "failed to parse uid '%s'")?)
            }
            Opt::MapGroup => {
                self.map_group =
                    Some(user_or_group(text, || ids.gid_of(&carried_value(value)), "failed to parse gid '%s'")?)
            }
            Opt::MapRootUser => {
                self.map_user = Some(0);
                self.map_group = Some(0);
            }
            Opt::MapCurrentUser => {
                self.map_user = Some(ids.euid());
                self.map_group = Some(ids.egid());
            }
            Opt::MapUsers => self.user_ranges.extend(ranges_of(ids, text, "/etc/subuid", "/proc/self/uid_map")?),
            Opt::MapGroups => self.group_ranges.extend(ranges_of(ids, text, "/etc/subgid", "/proc/self/gid_map")?),
            Opt::MapAuto | Opt::MapSubids => {
                let identity = opt == Opt::MapSubids;
                self.user_ranges.push(subid(ids, "/etc/subuid", identity)?);
                self.group_ranges.push(subid(ids, "/etc/subgid", identity)?);
            }
            Opt::Owner => {
                let (uid, gid) = parse_owner(text).ok_or_else(|| Error::tr("failed to parse owner", vec![]))?;
                self.owner_uid = (uid != u32::MAX).then_some(uid);
                self.owner_gid = (gid != u32::MAX).then_some(gid);
            }
            _ => {}
        }
        Ok(())
    }
}

/// `--setgroups allow|deny`.
fn setgroups_word(text: &str) -> Result<SetgroupsWord> {
    match text {
        "allow" => Ok(SetgroupsWord::Allow),
        "deny" => Ok(SetgroupsWord::Deny),
        _ => Err(Error::tr("unsupported --setgroups argument '%s'", vec![MsgArg::str(text)])),
    }
}

/// `--propagation`: the mount(2) flags for `/`, 0 for `unchanged`.
fn propagation_flags(text: &str) -> Result<libc::c_ulong> {
    match text {
        "slave" => Ok(libc::MS_REC | libc::MS_SLAVE),
        "private" => Ok(libc::MS_REC | libc::MS_PRIVATE),
        "shared" => Ok(libc::MS_REC | libc::MS_SHARED),
        "unchanged" => Ok(0),
        _ => Err(Error::tr("unsupported propagation mode: %s", vec![MsgArg::str(text)])),
    }
}

/// The interface of runshare, for man pages and completions.
pub fn interface() -> crate::cli::Interface {
    crate::cli::interface(
        "runshare",
        "Run a program with some namespaces unshared from the parent.",
        &[OPTIONS, EXTENSIONS].concat(),
        &[("program", "program to run, with its arguments (default: the login shell)", true)],
    )
    .in_help_order(USAGE)
}

#[cfg(test)]
mod tests {
    use super::super::id_source::FakeIds;
    use super::super::steps::interp_is_fixed;
    use super::*;

    #[test]
    fn help_lines_live_in_the_option_table() {
        crate::cli::usage::assert_one_place(OPTIONS, EXTENSIONS, USAGE);
    }

    fn p(args: &[&str]) -> Result<Parsed> {
        let argv: Vec<OsString> = std::iter::once("unshare").chain(args.iter().copied()).map(OsString::from).collect();
        parse(&argv, &FakeIds)
    }

    fn run(args: &[&str]) -> UnshareArgs {
        match p(args) {
            Ok(Parsed::Run(a)) => *a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn namespace_letters_take_no_argument() {
        assert_eq!(p(&["-m/x"]), Err(Error::Usage("unshare: invalid option -- '/'".into())));
        let a = run(&["--net=/run/x", "-U", "ls", "-l"]);
        assert_eq!(a.flags, libc::CLONE_NEWNET | libc::CLONE_NEWUSER);
        assert_eq!(a.persist[NsKind::Net.index()], Some(PathBuf::from("/run/x")));
        assert_eq!(a.program, ["ls", "-l"]);
    }

    #[test]
    fn map_user_names_and_numbers() {
        assert_eq!(run(&["--map-user=alice"]).map_user, Some(1000));
        assert_eq!(run(&["--map-user=4242"]).map_user, Some(4242));
        assert_eq!(run(&["--map-group=users"]).map_group, Some(100));
        assert_eq!(p(&["--map-user=x"]), Err(Error::msg("failed to parse uid 'x'")));
        assert_eq!(p(&["--map-group=x"]), Err(Error::msg("failed to parse gid 'x'")));
        assert_eq!(p(&["--map-user=4294967295"]), Err(Error::msg("failed to parse uid '4294967295'")));
        assert_eq!(run(&["-c"]).map_group, Some(100));
    }

    #[test]
    fn numbers() {
        assert_eq!(p(&["-S", "abc"]), Err(Error::msg("failed to parse uid: 'abc'")));
        assert_eq!(p(&["-G", "-1"]), Err(Error::os("failed to parse gid: '-1'", libc::ERANGE)));
        assert_eq!(run(&["-T", "--monotonic=-5"]).monotonic, Some(-5));
        assert_eq!(
            p(&["--boottime", "5"]),
            Err(Error::msg("options --monotonic and --boottime require unsharing of a time namespace (-T)"))
        );
        assert_eq!(p(&["-T", "--monotonic", "x"]), Err(Error::msg("failed to parse monotonic offset: 'x'")));
        assert_eq!(p(&["--owner", "1:"]), Err(Error::tr("failed to parse owner", vec![])));
        let a = run(&["--owner", "1:2"]);
        assert_eq!((a.owner_uid, a.owner_gid), (Some(1), Some(2)));
        let a = run(&["--owner", "1:2", "--owner", "-1:4294967295"]);
        assert_eq!((a.owner_uid, a.owner_gid, a.has(libc::CLONE_NEWUSER)), (None, None, true));
    }

    #[test]
    fn signals_by_name_only() {
        assert_eq!(signal_by_name("term"), Some(libc::SIGTERM));
        assert_eq!(signal_by_name("SIGkill"), Some(libc::SIGKILL));
        assert_eq!(signal_by_name("rtmin+1"), Some(libc::SIGRTMIN() + 1));
        assert_eq!(signal_by_name("SIGRTMAX-0"), Some(libc::SIGRTMAX()));
        assert_eq!(p(&["--kill-child=9"]), Err(Error::msg("unknown signal: 9")));
        assert_eq!(run(&["--kill-child"]).kill_child, Some(libc::SIGKILL));
    }

    #[test]
    fn binfmt_implies_proc_and_user() {
        let a = run(&["--mount-binfmt"]);
        assert_eq!(a.mount_proc, Some(PathBuf::from("/proc")));
        assert_eq!(a.mount_binfmt, Some(PathBuf::from(BINFMT_MISC)));
        assert_eq!(a.flags, libc::CLONE_NEWNS | libc::CLONE_NEWUSER);
        let a = run(&["--mount-binfmt=/b", "-l", ":x:M::ab::/i:F"]);
        assert_eq!((a.mount_proc, a.mount_binfmt), (None, Some(PathBuf::from("/b"))));
        assert!(interp_is_fixed(a.load_interp.as_ref().unwrap()));
    }

    fn env(pairs: &[(&str, &str)]) -> Option<Vec<(OsString, OsString)>> {
        Some(pairs.iter().map(|(k, v)| (OsString::from(k), OsString::from(v))).collect())
    }

    #[test]
    fn clear_and_whitelist_env() {
        assert_eq!(run(&["-U"]).environment, None);
        assert_eq!(run(&["--clear-env"]).environment, env(&[]));
        // unset names are skipped, empty items too; values are taken when the option is read
        assert_eq!(
            run(&["--whitelist-env", ",TERM,,NOPE,HOME,EMPTY"]).environment,
            env(&[("TERM", "xterm"), ("HOME", "/home/alice"), ("EMPTY", "")])
        );
        assert_eq!(run(&["--whitelist-env=NOPE"]).environment, env(&[]));
        // --clear-env never drops what a --whitelist-env kept, before or after it
        assert_eq!(run(&["--whitelist-env=TERM", "--clear-env", "--whitelist-env=HOME"]).environment, {
            env(&[("TERM", "xterm"), ("HOME", "/home/alice")])
        });
        // glibc's getenv finds `A=B=x` for the name `A`, and for `A=B` (setenv refuses that one later)
        assert_eq!(run(&["--whitelist-env=A"]).environment, env(&[("A", "B=x")]));
        assert_eq!(run(&["--whitelist-env=A=B"]).environment, env(&[("A=B", "x")]));
        // 2.42's abbreviations keep their meaning: --c is still --cgroup, --w still --wd
        assert_eq!(run(&["--c"]).flags, libc::CLONE_NEWCGROUP);
        assert_eq!(run(&["--w", "/"]).wd, Some(PathBuf::from("/")));
        assert_eq!(run(&["--cl", "--wh=TERM"]).environment, env(&[("TERM", "xterm")]));
    }

    #[test]
    fn ranges_and_words() {
        let a = run(&["--map-users=0:100000:10", "--map-users=auto"]);
        assert_eq!(
            a.user_ranges,
            [MapRange::new(0, 100000, 10), MapRange { inner: None, outer: 100000, count: 65536 }]
        );
        assert_eq!(run(&["--map-groups=auto"]).group_ranges, [MapRange { inner: None, outer: 100000, count: 65536 }]);
        assert_eq!(p(&["--propagation", "x"]), Err(Error::msg("unsupported propagation mode: x")));
        assert_eq!(p(&["--setgroups", "x"]), Err(Error::msg("unsupported --setgroups argument 'x'")));
        assert_eq!(p(&["-h", "--bogus"]), Ok(Parsed::Help));
    }
}
