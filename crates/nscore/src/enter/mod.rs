//! nsenter(1): join the namespaces of another process (setns(2) with a pidfd or with nsfs
//! files), then its root, working directory, environment, cgroup and credentials, and run a
//! program there. The steps and their order are util-linux 2.42's; each one that changes the
//! process goes through [`Kernel`], so the order is tested without root.

pub mod args;
pub mod doc;
pub(crate) mod nsid;
mod steps;
mod target_files;
pub(crate) mod targets;

use crate::cli::invocation::Invocation;
use crate::error::{Error, Result};
use crate::exec;
use crate::proc::ProcFs;
use crate::sys::process::{self, ChildState, Forked};
use crate::sys::{self, Kernel, LiveKernel};
use args::{parse_in, NsenterArgs, USAGE};
use std::ffi::OsStr;
use std::fs::File;
use std::io::Write;
use std::os::fd::AsFd;
use std::path::PathBuf;
use steps::{enter_all, set_credentials, settle_inside};
use target_files::{
    enable_all_usable, open_parent_user_ns, open_socket_netns, open_target_files, open_way_in, ProcessDir,
};

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

/// Forks, as entering a PID namespace asks (only children land in it): the parent waits and
/// returns the status to leave with; the child returns `None` and goes on.
fn fork_and_wait() -> Result<Option<i32>> {
    process::set_signal_default(libc::SIGCHLD, false);
    match process::fork().map_err(|e| Error::tr_os("fork failed", vec![], e))? {
        Forked::Parent { child } => Ok(Some(continue_as_parent(child))),
        Forked::Child => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::steps::tests::table;
    use super::*;
    use crate::error::MsgArg;
    use crate::nstype::NsKind;
    use crate::sys::{Call, RecordingKernel};
    use std::os::fd::AsRawFd;

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
}
