//! What rnsenter opens of the target process before it enters anything: the namespace files
//! by pid (or a pidfd), the parent user namespace, a socket's network namespace, and the
//! root, working directory, environment, owner and cgroup it takes once inside.

use super::args::{self, NsenterArgs};
use super::targets::NsTable;
use crate::error::{Error, MsgArg, Result};
use crate::nstype::NsKind;
use crate::proc::ProcFs;
use crate::sys::ns::{self, NsIoctl};
use crate::sys::{self, process};
use std::ffi::OsStr;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

/// A process as a procfs shows it: `<root>/<pid>/`. For the target, pid 0 stands for "no `-t`".
#[derive(Debug, Clone, Copy)]
pub(super) struct ProcessDir<'a> {
    pub(super) proc: &'a ProcFs,
    pub(super) pid: libc::pid_t,
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

/// `--user-parent`: the user namespace that owns the chosen one, found through (in this order)
/// the `-U` file, the target's pidfd, the first file of any chosen kind, `/proc/PID/ns/user`.
/// NS_GET_USERNS answers the owner, which for a user namespace is its parent.
pub(super) fn open_parent_user_ns(
    table: &mut NsTable,
    pidfd: Option<BorrowedFd<'_>>,
    target: ProcessDir<'_>,
) -> Result<()> {
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
pub(super) fn open_socket_netns(
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

/// `-a`: every kind not asked for yet that is usable (see [`usable_for_all`]).
pub(super) fn enable_all_usable(table: &mut NsTable, target: ProcessDir<'_>) -> Result<()> {
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
pub(super) fn open_way_in(args: &mut NsenterArgs, target: ProcessDir<'_>) -> Result<Option<OwnedFd>> {
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
pub(super) struct TargetFiles {
    /// `-e`: `/proc/PID/environ`.
    pub(super) environ: Option<File>,
    /// `-S follow`/`-G follow`: `/proc/PID/`, whose owner gives the ids.
    pub(super) process_dir: Option<File>,
    /// `-c`: the target cgroup's `cgroup.procs`.
    pub(super) cgroup_procs: Option<File>,
}

/// Opens the target's root, cwd, environ, owner and cgroup, as asked, by pid.
///
/// They belong to the process behind the pidfd only if it is still alive once they are open (a
/// pid is reused only after its process is gone), so hold a pidfd from before and check after:
/// a target that exited (and whose pid may already name another process) is an error, never a
/// mix of two processes' namespaces and files. A zombie keeps its pid: util-linux goes on with
/// it (and fails as the kernel says when entering, or runs with `-S follow`).
pub(super) fn open_target_files(
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

/// A bare `-r`/`-w`: the target's root or cwd, replacing a directory given before.
fn reopen_target(slot: &mut Option<File>, target: ProcessDir<'_>, what: &str) -> Result<File> {
    *slot = None;
    target.open(what)
}
