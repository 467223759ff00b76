//! unshare(1): run a program in new namespaces (unshare(2)), in util-linux 2.42's order of
//! operations: helpers forked first, `--owner`, unshare(2), range id maps, time offsets, the
//! fork, persistent bind mounts, then in the exec'ing process maps, setgroups, propagation,
//! root, directory, proc and binfmt mounts, ids, capabilities and execve(2).

pub mod args;
pub mod doc;
pub(crate) mod helper;
pub mod id_source;
pub mod idmap;
pub mod signal_name;
pub mod steps;
pub(crate) mod subid;

use crate::cli::invocation::Invocation;
use crate::error::{Error, Result};
use crate::exec;
use crate::sys::process::{self, ChildState, Forked};
use crate::sys::{caps, ns, signal, LiveKernel};
use args::{parse, UnshareArgs, USAGE};
use helper::{BindHelper, IdmapHelper};
use id_source::LiveIds;
use std::io::Write;
use std::os::fd::{AsFd, OwnedFd};
use steps::SingleId;

/// runshare's main: parse, then unshare and run the program.
pub fn main(inv: &Invocation, out: &mut dyn Write) -> Result<i32> {
    let Some(args) = crate::cli::invocation::arguments(inv, out, parse(&inv.argv, &LiveIds)?, USAGE, &args::OWN_HELP)?
    else {
        return Ok(0);
    };
    out.flush().map_err(|e| Error::tr_io("write error", vec![], &e))?;
    run(&args, &inv.prog)
}

/// How the ids get mapped: single ids written by the exec'ing process, or range lists
/// written by the id-map helper (a single id then joins its list).
struct IdPlan {
    user: SingleId,
    group: SingleId,
    user_ranges: Vec<idmap::MapRange>,
    group_ranges: Vec<idmap::MapRange>,
}

fn id_plan(a: &UnshareArgs, euid: u32, egid: u32) -> IdPlan {
    let mut plan = IdPlan {
        user: a.map_user.map(|inner| (inner, euid)),
        group: a.map_group.map(|inner| (inner, egid)),
        user_ranges: Vec::new(),
        group_ranges: Vec::new(),
    };
    if !a.user_ranges.is_empty() || (a.map_user.is_some() && a.owner_uid.is_some()) {
        plan.user_ranges = idmap::with_single_id(&a.user_ranges, euid, a.map_user);
        plan.user = None;
    }
    if !a.group_ranges.is_empty() || (a.map_group.is_some() && a.owner_gid.is_some()) {
        plan.group_ranges = idmap::with_single_id(&a.group_ranges, egid, a.map_group);
        plan.group = None;
    }
    plan
}

/// Unshares as `a` asks, then runs the program: in place, or with `--fork` in a child.
fn run(a: &UnshareArgs, prog: &str) -> Result<i32> {
    let (euid, egid, _, _) = process::ids();
    process::set_signal_default(libc::SIGCHLD, false);

    // Forked before unshare(2), so it mounts in the original namespaces with the original
    // privileges (`--user=FILE` works as root); with a plain in-place bind util-linux does
    // the same from the parent, which the helper's namespaces are in any case.
    let mut bind = match a.persists() {
        true => Some(BindHelper::spawn(steps::bind_list(a, process::getpid()), prog)?),
        false => None,
    };
    let plan = id_plan(a, euid, egid);
    let idmap_helper = if plan.user_ranges.is_empty() && plan.group_ranges.is_empty() {
        None
    } else {
        Some(IdmapHelper::spawn(plan.user_ranges.clone(), plan.group_ranges.clone(), &mut bind, prog)?)
    };

    steps::owner_and_unshare(&mut LiveKernel, a)?;
    if let Some(h) = idmap_helper {
        h.finish()?;
    }
    steps::time_offsets(&mut LiveKernel, a)?;

    if !a.fork {
        if let Some(b) = bind.as_mut() {
            b.bind()?;
        }
        return exec_side(a, &plan, bind, None);
    }
    fork_and_run(a, &plan, bind)
}

/// A signal mask as [`process::sigmask`] hands back the one it replaced.
type SavedMask = libc::sigset_t;

/// `--fork`: the program runs in a child while we wait for it and make its end ours.
fn fork_and_run(a: &UnshareArgs, plan: &IdPlan, mut bind: Option<BindHelper>) -> Result<i32> {
    let saved_mask = guard_signals(a)?;
    let parent_pidfd = match a.kill_child {
        Some(_) => Some(ns::pidfd_open(process::getpid()).map_err(|e| Error::tr_os("pidfd_open failed", vec![], e))?),
        None => None,
    };
    // The program waits (for SIGUSR1, blocked until then) until its namespaces are bound, so
    // a failed bind never runs it; no descriptor needed, and it dies with us meanwhile.
    let release_mask = match bind {
        Some(_) => Some(
            process::sigmask(true, &[libc::SIGUSR1])
                .map_err(|e| Error::tr_os("sigprocmask block failed", vec![], e))?,
        ),
        None => None,
    };
    match process::fork().map_err(|e| Error::tr_os("fork failed", vec![], e))? {
        Forked::Child => {
            if let (Some(b), Some(mask)) = (bind.as_mut(), &release_mask) {
                b.bound_by_parent();
                wait_until_bound(mask)?;
            }
            if let Some(mask) = &saved_mask {
                process::set_sigmask(mask).map_err(|e| Error::tr_os("sigprocmask restore failed", vec![], e))?;
            }
            exec_side(a, plan, bind, parent_pidfd)
        }
        Forked::Parent { child } => {
            drop(parent_pidfd);
            wait_for_program(a, child, bind, release_mask.as_ref())
        }
    }
}

/// With `--forward-signals`, SIGTERM and SIGINT go on to the program. Otherwise we are the
/// "impatient parent": a SIGINT or SIGTERM meant for the program must not end us before it,
/// so both are blocked, and the mask they were blocked from is returned for the program.
fn guard_signals(a: &UnshareArgs) -> Result<Option<SavedMask>> {
    if !a.forward_signals {
        let saved = process::sigmask(true, &[libc::SIGINT, libc::SIGTERM])
            .map_err(|e| Error::tr_os("sigprocmask block failed", vec![], e))?;
        return Ok(Some(saved));
    }
    for sig in [libc::SIGTERM, libc::SIGINT] {
        signal::install_forwarder(sig).map_err(|e| {
            Error::tr_os(
                if sig == libc::SIGTERM { "sigaction SIGTERM failed" } else { "sigaction SIGINT failed" },
                vec![],
                e,
            )
        })?;
    }
    Ok(None)
}

/// In the forked program: waits for the parent's SIGUSR1 (the namespaces are bound), dying
/// with the parent meanwhile, then restores the mask SIGUSR1 was blocked from.
fn wait_until_bound(mask: &SavedMask) -> Result<()> {
    // In a new pid namespace getppid() is 0: compare with what it was.
    let ppid = process::getppid();
    if signal::set_parent_death_signal(libc::SIGKILL).is_err() || process::getppid() != ppid {
        process::exit_now(1);
    }
    signal::wait_for(libc::SIGUSR1);
    let _ = signal::set_parent_death_signal(0);
    process::set_sigmask(mask).map_err(|e| Error::tr_os("sigprocmask restore failed", vec![], e))
}

/// In the parent: has the namespaces bound, then lets the program go on (or kills it when the
/// binds failed), reaps the bind helper once the program has exec'd or failed, and waits for
/// the program's end.
fn wait_for_program(
    a: &UnshareArgs,
    child: libc::pid_t,
    bind: Option<BindHelper>,
    release_mask: Option<&SavedMask>,
) -> Result<i32> {
    if a.forward_signals {
        signal::forward_to(child);
    }
    if let Some(mask) = release_mask {
        let _ = process::set_sigmask(mask);
    }
    if let Some(mut b) = bind {
        if let Err(e) = b.bind() {
            // The program leaves without running.
            let _ = process::kill(child, libc::SIGKILL);
            let _ = process::wait_child(child, false);
            return Err(e);
        }
        let _ = process::kill(child, libc::SIGUSR1);
        b.reap_after_program();
    }
    child_outcome(process::wait_child(child, false))
}

/// The forked program's end becomes ours: its exit status, or its signal raised on us.
fn child_outcome(state: std::result::Result<ChildState, i32>) -> Result<i32> {
    let state = state.map_err(|e| Error::tr_os("waitpid failed", vec![], e))?;
    if let ChildState::Exited(code) = state {
        return Ok(code);
    }
    exec::leave_like(state, true);
    Err(Error::tr("child exit failed", vec![]))
}

/// The process that execs: `--kill-child`, then the ordered setup, capabilities and exec.
/// On any failure the persistent binds are taken back (the helper's Drop); in place, the bind
/// helper is reaped right before execve(2), its keeper left to read our end of file.
fn exec_side(a: &UnshareArgs, plan: &IdPlan, mut bind: Option<BindHelper>, parent: Option<OwnedFd>) -> Result<i32> {
    if let Some(sig) = a.kill_child {
        signal::set_parent_death_signal(sig).map_err(|e| Error::os("prctl failed", e))?;
        if let Some(pidfd) = parent {
            // Our parent died before prctl(2): whoever adopted us does not want the program.
            if signal::pidfd_exited(pidfd.as_fd()).map_err(|e| Error::os("poll parent pidfd failed", e))? {
                return Err(Error::Silent(1));
            }
        }
    }
    steps::prepare_exec(&mut LiveKernel, a, plan.user, plan.group)?;
    if a.keep_caps && a.has(libc::CLONE_NEWUSER) {
        caps::keep_caps_as_ambient().map_err(|e| {
            let (msgid, errno) = e.describe();
            Error::tr_os(msgid, vec![], errno)
        })?;
    }
    if let Some(environment) = &a.environment {
        replace_environment(environment)?;
    }
    let execution = exec::Execution::of(&a.program);
    if let Some(b) = bind.as_mut() {
        b.detach()?;
    }
    let err = execution.run();
    drop(bind);
    Err(err)
}

/// `--clear-env`/`--whitelist-env`, last before exec as in util-linux master: the environment
/// becomes exactly `vars`. The login shell is then chosen without our `$SHELL` (unless kept).
fn replace_environment(vars: &[(std::ffi::OsString, std::ffi::OsString)]) -> Result<()> {
    // This process is single-threaded here (it forked or is about to exec), which is what
    // makes changing the environment sound.
    crate::sys::environ::clear();
    for (name, value) in vars {
        // setenv(3) refuses such a name; set_var would panic.
        if name.is_empty() || name.as_encoded_bytes().contains(&b'=') || value.as_encoded_bytes().contains(&0) {
            return Err(Error::os("failed to set whitelisted environment variables", libc::EINVAL));
        }
        std::env::set_var(name, value);
    }
    Ok(())
}
