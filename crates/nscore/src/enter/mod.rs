//! nsenter(1): join the namespaces of another process (setns(2) with a pidfd or with nsfs
//! files), then its root, working directory, environment, cgroup and credentials, and run a
//! program there. The steps and their order are util-linux 2.42's; each one that changes the
//! process goes through [`Kernel`], so the order is tested without root.

pub mod args;
pub mod doc;
pub(crate) mod nsid;
pub(crate) mod targets;

use crate::cli::invocation::Invocation;
use crate::error::{Error, MsgArg, Result};
use crate::exec;
use crate::nstype::NsKind;
use crate::proc::ProcFs;
use crate::sys::ns::{self, NsIoctl};
use crate::sys::process::{self, ChildState, Forked};
use crate::sys::{self, Kernel, LiveKernel};
use args::{parse_in, NsenterArgs, USAGE};
use std::ffi::OsStr;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use targets::NsTable;

/// Where rnsenter reads the system: the procfs root (the target's files, `-t RUNTIME:ID`) and
/// the cgroup v2 root (`--join-cgroup`). [`main`] takes the live ones; tests may point elsewhere.
#[derive(Debug, Clone)]
pub struct Roots {
    pub proc: ProcFs,
    pub cgroup: PathBuf,
}

impl Roots {
    /// `/proc` and `/sys/fs/cgroup`.
    pub fn live() -> Roots {
        Roots { proc: ProcFs::live(), cgroup: PathBuf::from("/sys/fs/cgroup") }
    }
}

/// rnsenter's main: parse (opening files as options come), then enter and run.
pub fn main(inv: &Invocation, out: &mut dyn Write) -> Result<i32> {
    let roots = Roots::live();
    let mut open = |path: &OsStr| File::open(path);
    let parsed = parse_in(&inv.argv, &roots.proc, &mut open, &mut sys::LiveHandles)?;
    let Some(args) = crate::cli::invocation::arguments(inv, out, parsed, USAGE, &args::OWN_HELP)? else { return Ok(0) };
    out.flush().map_err(|e| Error::tr_io("write error", vec![], &e))?;
    run(*args, &roots, &mut LiveKernel)
}

/// A process as a procfs shows it: `<root>/<pid>/`. For the target, pid 0 stands for "no `-t`".
#[derive(Debug, Clone, Copy)]
struct ProcessDir<'a> {
    proc: &'a ProcFs,
    pid: libc::pid_t,
}

impl ProcessDir<'_> {
    /// `/proc/<pid>/<what>`, as util-linux spells it (`/proc/<pid>/` for the process itself).
    fn path(&self, what: &str) -> PathBuf {
        let mut path = self.proc.root().as_os_str().to_owned();
        path.push(format!("/{}/{what}", self.pid));
        PathBuf::from(path)
    }

    /// util-linux's `open_target_fd` without a file: `/proc/<target>/<what>`, which needs `-t`.
    fn open(&self, what: &str) -> Result<File> {
        if self.pid == 0 {
            return Err(Error::tr("neither filename nor target pid supplied for %s", vec![MsgArg::str(what)]));
        }
        let path = self.path(what);
        File::open(&path).map_err(|e| Error::tr_io("cannot open %s", vec![MsgArg::str(&path)], &e))
    }
}

/// `-a`: a kind is usable when this kernel has it, and for user namespaces when the target's is
/// not our own (setns(2) refuses to re-enter one's own user namespace).
fn usable_for_all(kind: NsKind, target: ProcessDir<'_>) -> Result<bool> {
    let own = ProcessDir { pid: process::getpid(), ..target }.path(&format!("ns/{}", kind.name()));
    let own_ino = match std::fs::metadata(&own) {
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => return Ok(false),
        Err(_) => 0,
        Ok(m) => m.ino(),
    };
    if kind == NsKind::User {
        let theirs = target.path("ns/user");
        let target_ino = std::fs::metadata(&theirs)
            .map_err(|e| Error::tr_io("stat of %s failed", vec![MsgArg::str(&theirs)], &e))?
            .ino();
        if own_ino == target_ino {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Enters the kinds of `mask` still pending: first every one without a file in a single
/// setns(2) on the pidfd, then each file in entering order. Entered kinds are dropped from the
/// table. With `ignore_errors` (the first pass) failures leave the kind pending. As in
/// util-linux, an empty `mask` selects every pending kind: a first pass meant to leave out the
/// user namespace enters it when it is the only one asked for.
pub(crate) fn enter_namespaces(
    kernel: &mut dyn Kernel,
    table: &mut NsTable,
    pidfd: Option<BorrowedFd<'_>>,
    mask: libc::c_int,
    ignore_errors: bool,
) -> Result<()> {
    let mask = if mask == 0 { !0 } else { mask };
    if let Some(pidfd) = pidfd {
        let wanted = table.mask_without_fd() & mask;
        if wanted != 0 {
            match kernel.setns(pidfd, wanted) {
                Ok(()) => {
                    for slot in table.slots.iter_mut().filter(|s| s.kind.clone_flag() & wanted != 0) {
                        slot.enabled = false;
                        slot.fd = None;
                    }
                }
                Err(e) if !ignore_errors => return Err(Error::tr_os("reassociate to namespaces failed", vec![], e)),
                Err(_) => {}
            }
        }
    }
    for slot in table.slots.iter_mut().filter(|s| s.enabled && s.kind.clone_flag() & mask != 0) {
        let Some(fd) = slot.fd.as_ref() else { continue };
        match kernel.setns(fd.as_fd(), slot.kind.clone_flag()) {
            Ok(()) => {
                slot.enabled = false;
                slot.fd = None;
            }
            Err(e) if !ignore_errors => {
                return Err(Error::tr_os(
                    "reassociate to namespace '%s' failed",
                    vec![MsgArg::str(format!("ns/{}", slot.kind.name()))],
                    e,
                ))
            }
            Err(_) => {}
        }
    }
    Ok(())
}

/// Both passes: everything but the user namespace first, ignoring failures (entering it last
/// works when the user namespace lowers our privileges), then whatever is left, user namespace
/// included, reporting failures (entering it first works when it grants them). Returns what
/// was left for the second pass: util-linux raises `--keep-caps` only when that includes the
/// user namespace.
pub(crate) fn enter_all(
    kernel: &mut dyn Kernel,
    table: &mut NsTable,
    pidfd: Option<BorrowedFd<'_>>,
) -> Result<libc::c_int> {
    let mask = table.mask();
    enter_namespaces(kernel, table, pidfd, mask & !libc::CLONE_NEWUSER, true)?;
    let left = table.mask();
    if left != 0 {
        enter_namespaces(kernel, table, pidfd, left, false)?;
    }
    Ok(left)
}

/// `-r`, `-w`, `-W` once inside: chroot to the root opened earlier (keeping the working
/// directory unless another is asked for), then the working directory, `-W`'s resolved in the
/// new root and mount namespace.
pub(crate) fn change_root_and_wd(
    kernel: &mut dyn Kernel,
    root: Option<File>,
    mut wd: Option<File>,
    wdns: Option<&OsStr>,
) -> Result<()> {
    let cwd_error = |e: std::io::Error| Error::tr_io("cannot open current working directory", vec![], &e);
    if root.is_some() && wd.is_none() && wdns.is_none() {
        wd = Some(File::open(".").map_err(cwd_error)?);
    }
    if let Some(root) = root {
        kernel
            .fchdir(root.as_fd())
            .map_err(|e| Error::tr_os("change directory by root file descriptor failed", vec![], e))?;
        kernel.chroot(Path::new(".")).map_err(|e| Error::tr_os("chroot failed", vec![], e))?;
        kernel
            .chdir(Path::new("/"))
            .map_err(|e| Error::tr_os("cannot change directory to %s", vec![MsgArg::str("/")], e))?;
    }
    if let Some(dir) = wdns {
        wd = Some(File::open(dir).map_err(cwd_error)?);
    }
    if let Some(wd) = wd {
        kernel
            .fchdir(wd.as_fd())
            .map_err(|e| Error::tr_os("change directory by working directory file descriptor failed", vec![], e))?;
    }
    Ok(())
}

/// The last step before exec: supplementary groups dropped and the gid set (when a gid is
/// forced), then the uid. A setgroups(2) failure counts only if the early attempt (made before
/// entering a user namespace) failed too.
pub(crate) fn set_credentials(
    kernel: &mut dyn Kernel,
    uid: Option<libc::uid_t>,
    gid: Option<libc::gid_t>,
    setgroups_failed_before: bool,
) -> Result<()> {
    if let Some(gid) = gid {
        if let Err(e) = kernel.setgroups_empty() {
            if setgroups_failed_before {
                return Err(Error::tr_os("setgroups failed", vec![], e));
            }
        }
        kernel.setgid(gid).map_err(|e| Error::tr_os("setgid() failed", vec![], e))?;
    }
    if let Some(uid) = uid {
        kernel.setuid(uid).map_err(|e| Error::tr_os("setuid() failed", vec![], e))?;
    }
    Ok(())
}

/// `--user-parent`: the user namespace that owns the chosen one, found through (in this order)
/// the `-U` file, the target's pidfd, the first file of any chosen kind, `/proc/PID/ns/user`.
/// NS_GET_USERNS answers the owner, which for a user namespace is its parent.
fn open_parent_user_ns(table: &mut NsTable, pidfd: Option<BorrowedFd<'_>>, target: ProcessDir<'_>) -> Result<()> {
    let mut local: Option<OwnedFd> = None;
    let user = table.slot(NsKind::User);
    let mut source: Option<BorrowedFd<'_>> = if user.enabled { user.fd.as_ref().map(|f| f.as_fd()) } else { None };
    if source.is_none() {
        if let Some(pidfd) = pidfd {
            local = sys::pidfd::user_namespace(pidfd).ok();
        }
    }
    if source.is_none() && local.is_none() {
        source = table.slots.iter().find(|s| s.enabled).and_then(|s| s.fd.as_ref()).map(|f| f.as_fd());
    }
    let owned: OwnedFd;
    let from = match (source, local) {
        (Some(fd), _) => fd,
        (None, Some(fd)) => {
            owned = fd;
            owned.as_fd()
        }
        (None, None) => {
            owned = target.open("ns/user")?.into();
            owned.as_fd()
        }
    };
    let parent = ns::ns_get_related(from, NsIoctl::GetUserns)
        .map_err(|e| Error::tr_os("failed to open parent namespace", vec![], e))?;
    table.set_fd(NsKind::User, parent);
    Ok(())
}

/// `-N <fd>`: the network namespace of socket `<fd>` of the target (a duplicate of it taken
/// with pidfd_getfd(2), asked with SIOCGSKNS).
fn open_socket_netns(
    table: &mut NsTable,
    pidfd: Option<BorrowedFd<'_>>,
    target: libc::pid_t,
    socket_fd: i32,
) -> Result<()> {
    let local;
    let pidfd = match pidfd {
        Some(fd) => fd,
        None => {
            local = ns::pidfd_open(target)
                .map_err(|e| Error::tr_os("failed to pidfd_open() for %d", vec![MsgArg::Int(target.into())], e))?;
            local.as_fd()
        }
    };
    let socket = ns::pidfd_getfd(pidfd, socket_fd).map_err(|e| {
        Error::tr_os(
            "pidfd_getfd(%d, %u)",
            vec![MsgArg::Int(pidfd.as_raw_fd().into()), MsgArg::Uint(u64::from(socket_fd as u32))],
            e,
        )
    })?;
    let socket = File::from(socket);
    socket.metadata().map_err(|e| Error::tr_io("fstat(%d)", vec![MsgArg::Int(socket.as_raw_fd().into())], &e))?;
    let netns = ns::socket_netns(socket.as_fd())
        .map_err(|e| Error::tr_os("ioctl(%d, SIOCGSKNS)", vec![MsgArg::Int(socket.as_raw_fd().into())], e))?;
    table.set_fd(NsKind::Net, netns.into());
    Ok(())
}

/// `-c`, before entering: the target's cgroup (the path after the last `:` of the first line of
/// `/proc/PID/cgroup`) and its `cgroup.procs`, opened for appending our pid later. util-linux
/// reads that file through a descriptor variable that starts at 0 and is "closed" before the
/// open, so the file replaces standard input for good; so it does here.
fn open_cgroup_procs(target: ProcessDir<'_>, cgroup_root: &Path) -> Result<File> {
    let v2 = sys::cgroup::is_cgroup2(cgroup_root)
        .map_err(|e| Error::tr_os("statfs %s failed", vec![MsgArg::str(cgroup_root)], e))?;
    if !v2 {
        return Err(Error::tr("--join-cgroup is only supported in cgroup v2", vec![]));
    }
    if target.pid == 0 {
        return Err(Error::tr("neither filename nor target pid supplied for %s", vec![MsgArg::str("cgroup")]));
    }
    let path = target.path("cgroup");
    let mut file =
        sys::fd::open_as_stdin(&path).map_err(|e| Error::tr_os("cannot open %s", vec![MsgArg::str(&path)], e))?;
    let mut text = Vec::new();
    let no_path = |errno: i32| Error::tr_os("failed to get cgroup path", vec![], errno);
    match file.read_to_end(&mut text) {
        Err(e) => return Err(no_path(e.raw_os_error().unwrap_or(libc::EIO))),
        Ok(0) => return Err(no_path(0)),
        Ok(_) => {}
    }
    // The descriptor stays open as standard input of the program.
    std::mem::forget(file);
    let first_line = text.split(|&b| b == b'\n').find(|l| !l.is_empty()).unwrap_or_default();
    let colon = first_line.iter().rposition(|&b| b == b':').ok_or_else(|| no_path(0))?;
    let mut procs = cgroup_root.as_os_str().as_bytes().to_vec();
    procs.push(b'/');
    procs.extend_from_slice(&first_line[colon + 1..]);
    procs.extend_from_slice(b"/cgroup.procs");
    std::fs::OpenOptions::new()
        .append(true)
        .open(OsStr::from_bytes(&procs))
        .map_err(|e| Error::tr_io("failed to open cgroup.procs", vec![], &e))
}

/// `-e`: the environment becomes the target's. util-linux collects `/proc/PID/environ` into a
/// list built backwards and sets each entry without overwriting, so the last of duplicate
/// names wins and the program sees the variables in reverse order.
fn take_target_environ(mut environ: File) -> Result<()> {
    let mut data = Vec::new();
    environ.read_to_end(&mut data).map_err(|e| Error::tr_io("failed to get environment variables", vec![], &e))?;
    // clearenv(3), as util-linux: it also drops what remove_var cannot name (`=x=y`, `NOEQ`).
    crate::sys::environ::clear();
    let mut set: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    for entry in data.split(|&b| b == 0).rev() {
        let Some(eq) = entry.iter().position(|&b| b == b'=') else { continue };
        let (name, value) = (&entry[..eq], &entry[eq + 1..]);
        if name.is_empty() {
            return Err(Error::tr_os("failed to set environment variables", vec![], libc::EINVAL));
        }
        if set.insert(name) {
            std::env::set_var(OsStr::from_bytes(name), OsStr::from_bytes(value));
        }
    }
    Ok(())
}

/// The parent of a forked nsenter: wait for the child, stopping along with it (and waking it
/// when we are continued), then leave as it left.
fn continue_as_parent(child: libc::pid_t) -> i32 {
    let state = loop {
        match process::wait_child(child, true) {
            Ok(ChildState::Stopped(_)) => {
                let _ = process::kill(process::getpid(), libc::SIGSTOP);
                let _ = process::kill(child, libc::SIGCONT);
            }
            Ok(state) => break state,
            Err(_) => return 1,
        }
    };
    process::drop_runtime_fault_handlers();
    exec::leave_like(state, false)
}

/// Everything after parsing, in util-linux's order.
pub fn run(mut args: NsenterArgs, roots: &Roots, kernel: &mut dyn Kernel) -> Result<i32> {
    let target = ProcessDir { proc: &roots.proc, pid: args.target };
    if args.all {
        enable_all_usable(&mut args.namespaces, target)?;
    }
    let pidfd = open_way_in(&mut args, target)?;
    let files = open_target_files(&mut args, pidfd.as_ref(), target, &roots.cgroup)?;
    let table = &mut args.namespaces;
    if args.user_parent {
        open_parent_user_ns(table, pidfd.as_ref().map(|f| f.as_fd()), target)?;
    }
    if args.socket_fd >= 0 {
        open_socket_netns(table, pidfd.as_ref().map(|f| f.as_fd()), target.pid, args.socket_fd as i32)?;
    }

    let requested = table.mask();
    if requested == 0 {
        return Err(Error::tr("no namespace specified", vec![]));
    }
    let fork = requested & libc::CLONE_NEWPID != 0 && !args.no_fork;
    let entering_user = requested & libc::CLONE_NEWUSER != 0;
    let mut setgroups_failed = false;
    if entering_user && !args.preserve_credentials {
        args.uid.force = true;
        args.gid.force = true;
        setgroups_failed = kernel.setgroups_empty().is_err();
    }

    let second_pass = enter_all(kernel, table, pidfd.as_ref().map(|f| f.as_fd()))?;
    drop(pidfd);
    table.door = None;
    settle_inside(kernel, &mut args, files)?;
    if fork {
        if let Some(status) = fork_and_wait()? {
            return Ok(status);
        }
    }

    let uid = args.uid.force.then_some(args.uid.value);
    let gid = args.gid.force.then_some(args.gid.value);
    set_credentials(kernel, uid, gid, setgroups_failed)?;
    if args.keep_caps && second_pass & libc::CLONE_NEWUSER != 0 {
        sys::caps::keep_caps_as_ambient().map_err(|e| {
            let (msgid, errno) = e.describe();
            Error::tr_os(msgid, vec![], errno)
        })?;
    }
    Err(exec::exec_program_or_shell(&args.program))
}

/// `-a`: every kind not asked for yet that is usable (see [`usable_for_all`]).
fn enable_all_usable(table: &mut NsTable, target: ProcessDir<'_>) -> Result<()> {
    for kind in NsKind::ENTER_ORDER {
        if !table.is_enabled(kind) && usable_for_all(kind, target)? {
            table.slot_mut(kind).enabled = true;
        }
    }
    Ok(())
}

/// How the kinds without a file are entered: through a pidfd of the target when setns(2) takes
/// one, else through its `/proc/PID/ns/*` files, opened now. `-t` is needed for them, and for
/// `-N` and `--user-parent`, which reach the target through the same pidfd.
fn open_way_in(args: &mut NsenterArgs, target: ProcessDir<'_>) -> Result<Option<OwnedFd>> {
    let table = &mut args.namespaces;
    if table.mask_without_fd() == 0 && args.socket_fd < 0 && !args.user_parent {
        return Ok(None);
    }
    if target.pid == 0 {
        return Err(Error::tr("no target PID specified", vec![]));
    }
    let pidfd = if sys::pidfd::setns_takes_pidfd() { ns::pidfd_open(target.pid).ok() } else { None };
    if pidfd.is_none() {
        for slot in table.slots.iter_mut().filter(|s| s.enabled && s.fd.is_none()) {
            slot.fd = Some(target.open(&format!("ns/{}", slot.kind.name()))?.into());
        }
    }
    Ok(pidfd)
}

/// What is opened of the target by pid before entering and used once inside (`-r` and `-w`
/// land in the arguments' own slots).
struct TargetFiles {
    /// `-e`: `/proc/PID/environ`.
    environ: Option<File>,
    /// `-S follow`/`-G follow`: `/proc/PID/`, whose owner gives the ids.
    process_dir: Option<File>,
    /// `-c`: the target cgroup's `cgroup.procs`.
    cgroup_procs: Option<File>,
}

/// Opens the target's root, cwd, environ, owner and cgroup, as asked, by pid.
///
/// They belong to the process behind the pidfd only if it is still alive once they are open (a
/// pid is reused only after its process is gone), so hold a pidfd from before and check after:
/// a target that exited (and whose pid may already name another process) is an error, never a
/// mix of two processes' namespaces and files. A zombie keeps its pid: util-linux goes on with
/// it (and fails as the kernel says when entering, or runs with `-S follow`).
fn open_target_files(
    args: &mut NsenterArgs,
    pidfd: Option<&OwnedFd>,
    target: ProcessDir<'_>,
    cgroup_root: &Path,
) -> Result<TargetFiles> {
    let reads_target_files =
        args.target_root || args.target_wd || args.env || args.uid.follow || args.gid.follow || args.join_cgroup;
    let watch = match (pidfd, reads_target_files && target.pid > 0) {
        (None, true) => ns::pidfd_open(target.pid).ok(),
        _ => None,
    };

    if args.target_root {
        args.root = Some(reopen_target(&mut args.root, target, "root")?);
    }
    if args.target_wd {
        args.wd = Some(reopen_target(&mut args.wd, target, "cwd")?);
    }
    let files = TargetFiles {
        environ: if args.env { Some(target.open("environ")?) } else { None },
        process_dir: if args.uid.follow || args.gid.follow { Some(target.open("")?) } else { None },
        cgroup_procs: if args.join_cgroup { Some(open_cgroup_procs(target, cgroup_root)?) } else { None },
    };
    if let Some(fd) = pidfd.or(watch.as_ref()).filter(|_| reads_target_files) {
        if sys::pidfd::reaped(fd.as_fd()) {
            let pid = target.pid;
            return Err(args::no_valid_pidfd(pid, libc::ESRCH));
        }
    }
    Ok(files)
}

/// Once inside: root and working directory, the target's environment and cgroup, and the ids
/// that `-S follow`/`-G follow` take from the owner of the target's `/proc/PID`.
fn settle_inside(kernel: &mut dyn Kernel, args: &mut NsenterArgs, files: TargetFiles) -> Result<()> {
    change_root_and_wd(kernel, args.root.take(), args.wd.take(), args.wdns.as_deref())?;
    if let Some(environ) = files.environ {
        take_target_environ(environ)?;
    }
    if let Some(mut procs) = files.cgroup_procs {
        procs
            .write_all(process::getpid().to_string().as_bytes())
            .map_err(|e| Error::tr_io("write cgroup.procs failed", vec![], &e))?;
    }
    if let Some(dir) = files.process_dir {
        let meta = dir.metadata().map_err(|e| Error::tr_io("can not get process stat", vec![], &e))?;
        if args.uid.follow {
            args.uid.value = meta.uid();
        }
        if args.gid.follow {
            args.gid.value = meta.gid();
        }
    }
    Ok(())
}

/// Forks, as entering a PID namespace asks (only children land in it): the parent waits and
/// returns the status to leave with; the child returns `None` and goes on.
fn fork_and_wait() -> Result<Option<i32>> {
    process::set_signal_default(libc::SIGCHLD, false);
    match process::fork().map_err(|e| Error::tr_os("fork failed", vec![], e))? {
        Forked::Parent { child } => Ok(Some(continue_as_parent(child))),
        Forked::Child => Ok(None),
    }
}

/// A bare `-r`/`-w`: the target's root or cwd, replacing a directory given before.
fn reopen_target(slot: &mut Option<File>, target: ProcessDir<'_>, what: &str) -> Result<File> {
    *slot = None;
    target.open(what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{Call, RecordingKernel};

    fn devnull() -> OwnedFd {
        File::open("/dev/null").expect("/dev/null").into()
    }

    fn table(kinds: &[(NsKind, bool)]) -> NsTable {
        let mut t = NsTable::default();
        for &(kind, with_file) in kinds {
            let slot = t.slot_mut(kind);
            slot.enabled = true;
            if with_file {
                slot.fd = Some(devnull());
            }
        }
        t
    }

    fn setns_kinds(calls: &[Call]) -> Vec<libc::c_int> {
        calls.iter().filter_map(|c| if let Call::Setns { nstype, .. } = c { Some(*nstype) } else { None }).collect()
    }

    #[test]
    fn files_are_entered_in_util_linux_order_user_last_when_it_is_not_needed_first() {
        let mut k = RecordingKernel::default();
        let all = NsKind::ALL.map(|k| (k, true));
        let mut t = table(&all);
        enter_all(&mut k, &mut t, None).unwrap();
        use libc::*;
        assert_eq!(
            setns_kinds(&k.calls),
            [
                CLONE_NEWCGROUP,
                CLONE_NEWIPC,
                CLONE_NEWUTS,
                CLONE_NEWNET,
                CLONE_NEWPID,
                CLONE_NEWNS,
                CLONE_NEWTIME,
                CLONE_NEWUSER
            ]
        );
        assert_eq!(t.mask(), 0);
    }

    #[test]
    fn user_first_in_pass_two_when_pass_one_was_refused() {
        let mut t = table(&[(NsKind::User, true), (NsKind::Net, true), (NsKind::Uts, true)]);
        let net_fd = t.slot(NsKind::Net).fd.as_ref().unwrap().as_raw_fd();
        let mut k = RecordingKernel {
            failures: vec![(Call::Setns { fd: net_fd, nstype: libc::CLONE_NEWNET }, libc::EPERM)],
            ..Default::default()
        };
        // The failure list is fixed, so the retry fails too: it is reported with its file's name.
        let e = enter_all(&mut k, &mut t, None).unwrap_err();
        assert_eq!(e, Error::os("reassociate to namespace 'ns/net' failed", libc::EPERM));
        use libc::*;
        assert_eq!(setns_kinds(&k.calls), [CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWUSER, CLONE_NEWNET]);
    }

    #[test]
    fn pidfd_takes_one_mask_and_files_follow() {
        let pidfd = devnull();
        let mut t = table(&[(NsKind::Uts, false), (NsKind::Net, true), (NsKind::Mnt, false), (NsKind::User, false)]);
        let mut k = RecordingKernel::default();
        enter_all(&mut k, &mut t, Some(pidfd.as_fd())).unwrap();
        use libc::*;
        assert_eq!(setns_kinds(&k.calls), [CLONE_NEWUTS | CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER]);
        assert!(matches!(k.calls[0], Call::Setns { fd, .. } if fd == pidfd.as_raw_fd()));
    }

    #[test]
    fn a_user_namespace_alone_is_entered_in_the_first_pass() {
        let pidfd = devnull();
        let mut t = table(&[(NsKind::User, false)]);
        let mut k = RecordingKernel::default();
        assert_eq!(enter_all(&mut k, &mut t, Some(pidfd.as_fd())), Ok(0));
        assert_eq!(setns_kinds(&k.calls), [libc::CLONE_NEWUSER]);
        let mut t = table(&[(NsKind::User, false), (NsKind::Net, false)]);
        let mut k = RecordingKernel::default();
        assert_eq!(enter_all(&mut k, &mut t, Some(pidfd.as_fd())), Ok(libc::CLONE_NEWUSER));
        assert_eq!(setns_kinds(&k.calls), [libc::CLONE_NEWNET, libc::CLONE_NEWUSER]);
    }

    #[test]
    fn pidfd_mask_retried_with_user_and_reported() {
        let pidfd = devnull();
        let mut t = table(&[(NsKind::Uts, false), (NsKind::User, false)]);
        let fd = pidfd.as_raw_fd();
        let mut k = RecordingKernel {
            failures: vec![
                (Call::Setns { fd, nstype: libc::CLONE_NEWUTS }, libc::EPERM),
                (Call::Setns { fd, nstype: libc::CLONE_NEWUTS | libc::CLONE_NEWUSER }, libc::EINVAL),
            ],
            ..Default::default()
        };
        let e = enter_all(&mut k, &mut t, Some(pidfd.as_fd())).unwrap_err();
        assert_eq!(e, Error::os("reassociate to namespaces failed", libc::EINVAL));
        assert_eq!(setns_kinds(&k.calls), [libc::CLONE_NEWUTS, libc::CLONE_NEWUTS | libc::CLONE_NEWUSER]);
    }

    #[test]
    fn setgroups_before_setgid_before_setuid() {
        let mut k = RecordingKernel::default();
        set_credentials(&mut k, Some(5), Some(7), false).unwrap();
        assert_eq!(k.calls, [Call::SetgroupsEmpty, Call::Setgid(7), Call::Setuid(5)]);
        let mut k = RecordingKernel::default();
        set_credentials(&mut k, Some(5), None, false).unwrap();
        assert_eq!(k.calls, [Call::Setuid(5)]);
    }

    #[test]
    fn setgroups_failure_counts_only_when_it_failed_before() {
        let failing = || RecordingKernel { failures: vec![(Call::SetgroupsEmpty, libc::EPERM)], ..Default::default() };
        let mut k = failing();
        set_credentials(&mut k, None, Some(0), false).unwrap();
        let mut k = failing();
        assert_eq!(set_credentials(&mut k, None, Some(0), true), Err(Error::os("setgroups failed", libc::EPERM)));
        let mut k = RecordingKernel { failures: vec![(Call::Setgid(3), libc::EINVAL)], ..Default::default() };
        assert_eq!(set_credentials(&mut k, Some(1), Some(3), false), Err(Error::os("setgid() failed", libc::EINVAL)));
        assert_eq!(k.calls, [Call::SetgroupsEmpty, Call::Setgid(3)]);
    }

    /// The whole sequence for `-U<file> -n<file> -r/ -w/tmp /nonexistent`: early setgroups,
    /// net then user, root then working directory, then the credentials; the exec fails.
    #[test]
    fn whole_sequence_through_the_kernel_door() {
        let args = NsenterArgs {
            namespaces: table(&[(NsKind::User, true), (NsKind::Net, true)]),
            socket_fd: -1,
            root: Some(File::open("/").unwrap()),
            wd: Some(File::open("/tmp").unwrap()),
            program: vec!["/nonexistent/program".into()],
            ..NsenterArgs::default()
        };
        let user_fd = args.namespaces.slot(NsKind::User).fd.as_ref().unwrap().as_raw_fd();
        let net_fd = args.namespaces.slot(NsKind::Net).fd.as_ref().unwrap().as_raw_fd();
        let (root_fd, wd_fd) = (args.root.as_ref().unwrap().as_raw_fd(), args.wd.as_ref().unwrap().as_raw_fd());
        let mut k = RecordingKernel::default();
        let e = run(args, &Roots::live(), &mut k).unwrap_err();
        assert_eq!(e, Error::os("failed to execute /nonexistent/program", libc::ENOENT).with_status(127));
        assert_eq!(
            k.calls,
            [
                Call::SetgroupsEmpty,
                Call::Setns { fd: net_fd, nstype: libc::CLONE_NEWNET },
                Call::Setns { fd: user_fd, nstype: libc::CLONE_NEWUSER },
                Call::Fchdir(root_fd),
                Call::Chroot(".".into()),
                Call::Chdir("/".into()),
                Call::Fchdir(wd_fd),
                Call::SetgroupsEmpty,
                Call::Setgid(0),
                Call::Setuid(0),
            ]
        );
    }

    #[test]
    fn target_files_and_cgroups_are_read_below_the_roots_given() {
        let missing = std::env::temp_dir().join(format!("rns-enter-roots-{}", process::getpid()));
        let roots = Roots { proc: ProcFs::new(&missing), cgroup: missing.clone() };
        let args = NsenterArgs { target: 1, target_root: true, socket_fd: -1, ..NsenterArgs::default() };
        let e = run(args, &roots, &mut RecordingKernel::default()).unwrap_err();
        assert_eq!(e, Error::tr_os("cannot open %s", vec![MsgArg::str(missing.join("1/root"))], libc::ENOENT));

        let args = NsenterArgs { target: 1, join_cgroup: true, socket_fd: -1, ..NsenterArgs::default() };
        let e = run(args, &roots, &mut RecordingKernel::default()).unwrap_err();
        assert_eq!(e, Error::tr_os("statfs %s failed", vec![MsgArg::str(&missing)], libc::ENOENT));
        let roots = Roots { cgroup: std::env::temp_dir(), ..roots };
        let args = NsenterArgs { target: 1, join_cgroup: true, socket_fd: -1, ..NsenterArgs::default() };
        let e = run(args, &roots, &mut RecordingKernel::default()).unwrap_err();
        assert_eq!(e, Error::msg("--join-cgroup is only supported in cgroup v2"));
    }

    #[test]
    fn root_then_working_directory() {
        let root = File::open("/").unwrap();
        let root_fd = root.as_raw_fd();
        let mut k = RecordingKernel::default();
        change_root_and_wd(&mut k, Some(root), None, None).unwrap();
        assert!(matches!(k.calls[0], Call::Fchdir(fd) if fd == root_fd));
        assert_eq!(k.calls[1..3], [Call::Chroot(".".into()), Call::Chdir("/".into())]);
        // The remembered working directory comes back last.
        assert!(matches!(k.calls[3], Call::Fchdir(fd) if fd != root_fd));
        assert_eq!(k.calls.len(), 4);

        let (root, wd) = (File::open("/").unwrap(), File::open("/tmp").unwrap());
        let wd_fd = wd.as_raw_fd();
        let mut k = RecordingKernel::default();
        change_root_and_wd(&mut k, Some(root), Some(wd), None).unwrap();
        assert_eq!(k.calls.last(), Some(&Call::Fchdir(wd_fd)));

        let mut k = RecordingKernel::default();
        let e = change_root_and_wd(&mut k, None, None, Some(OsStr::new("/nonexistent/dir"))).unwrap_err();
        assert_eq!(e, Error::os("cannot open current working directory", libc::ENOENT));
    }
}
