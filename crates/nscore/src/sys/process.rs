//! Process system calls: fork(2), execvp(3), waitpid(2), kill(2), signal dispositions and
//! masks (sigaction(2), sigprocmask(2)).
//!
//! Calls that take a signal number from a child's death or from `--kill-child=RTMIN+n` stay
//! raw: nix's `Signal` (and so its `kill`, `WaitStatus`, `SigSet` and `signal`) names only the
//! standard signals, not SIGRTMIN..SIGRTMAX. Raw too: fork (nix's `fork` is an `unsafe fn` as
//! well), sigaction(2) queries (nix's `sigaction` always installs an action) and _exit(2)
//! (nix 0.29 has none).

use super::check;
use nix::unistd;
use std::ffi::{CString, OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

/// Outcome of [`fork`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Forked {
    Parent { child: libc::pid_t },
    Child,
}

/// fork(2). Callers are single-threaded command-line tools, so the child may do anything.
pub(crate) fn fork() -> Result<Forked, i32> {
    // SAFETY: rns binaries are single-threaded when they fork (rlsns's scan threads are scoped
    // and joined before its --all-mounts helper is forked), so the child's copy of the address
    // space is consistent.
    let pid = check(unsafe { libc::fork() } as libc::c_long)?;
    Ok(if pid == 0 { Forked::Child } else { Forked::Parent { child: pid as libc::pid_t } })
}

fn cstring(s: &OsStr) -> CString {
    // An argument with an interior NUL cannot come from argv; cut it there as C would.
    let bytes = s.as_bytes();
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    // The bytes before the first NUL hold none, so the default (empty) is never taken.
    CString::new(&bytes[..end]).unwrap_or_default()
}

/// execvp(3) `file` with `argv` (`argv[0]` included). Returns only on failure, with the errno.
pub(crate) fn execvp(file: &OsStr, argv: &[OsString]) -> i32 {
    let file = cstring(file);
    let args: Vec<CString> = argv.iter().map(|a| cstring(a)).collect();
    match nix::unistd::execvp(&file, &args) {
        Err(e) => e as i32,
        Ok(never) => match never {},
    }
}

/// How a waited-for child changed state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ChildState {
    Exited(i32),
    Signaled(i32),
    Stopped(i32),
}

/// waitpid(2) for one child, retrying on EINTR. `untraced` adds WUNTRACED.
pub(crate) fn wait_child(pid: libc::pid_t, untraced: bool) -> Result<ChildState, i32> {
    let mut status: libc::c_int = 0;
    let options = if untraced { libc::WUNTRACED } else { 0 };
    loop {
        // SAFETY: status is a valid out-pointer.
        let rc = unsafe { libc::waitpid(pid, &mut status, options) };
        if rc == -1 {
            let e = super::last_errno();
            if e == libc::EINTR {
                continue;
            }
            return Err(e);
        }
        break;
    }
    Ok(if libc::WIFEXITED(status) {
        ChildState::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        ChildState::Signaled(libc::WTERMSIG(status))
    } else {
        ChildState::Stopped(libc::WSTOPSIG(status))
    })
}

/// kill(2).
pub(crate) fn kill(pid: libc::pid_t, sig: libc::c_int) -> Result<(), i32> {
    // SAFETY: plain system call with integer arguments.
    check(unsafe { libc::kill(pid, sig) } as libc::c_long).map(drop)
}

/// getpid(2).
pub(crate) fn getpid() -> libc::pid_t {
    unistd::getpid().as_raw()
}

/// getppid(2).
pub(crate) fn getppid() -> libc::pid_t {
    unistd::getppid().as_raw()
}

/// geteuid(2), getegid(2), getuid(2), getgid(2).
pub(crate) fn ids() -> (libc::uid_t, libc::gid_t, libc::uid_t, libc::gid_t) {
    (unistd::geteuid().as_raw(), unistd::getegid().as_raw(), unistd::getuid().as_raw(), unistd::getgid().as_raw())
}

/// Sets a signal's disposition to SIG_DFL or SIG_IGN.
pub(crate) fn set_signal_default(sig: libc::c_int, ignore: bool) {
    let handler = if ignore { libc::SIG_IGN } else { libc::SIG_DFL };
    // SAFETY: installing SIG_DFL/SIG_IGN runs no code of ours in signal context.
    unsafe { libc::signal(sig, handler) };
}

/// Blocks (`block = true`) or unblocks a set of signals; returns the previous mask.
pub(crate) fn sigmask(how_block: bool, signals: &[libc::c_int]) -> Result<libc::sigset_t, i32> {
    // SAFETY: sigset_t is plain data; sigemptyset/sigaddset initialise it; the old set is an
    // out-pointer valid for the call.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for &s in signals {
            libc::sigaddset(&mut set, s);
        }
        let mut old: libc::sigset_t = std::mem::zeroed();
        let how = if how_block { libc::SIG_BLOCK } else { libc::SIG_UNBLOCK };
        check(libc::sigprocmask(how, &set, &mut old) as libc::c_long)?;
        Ok(old)
    }
}

/// Restores a mask saved by [`sigmask`].
pub(crate) fn set_sigmask(mask: &libc::sigset_t) -> Result<(), i32> {
    // SAFETY: mask is an initialised sigset_t.
    check(unsafe { libc::sigprocmask(libc::SIG_SETMASK, mask, std::ptr::null_mut()) } as libc::c_long).map(drop)
}

/// Dies the way a child died: resets `sig` to its default action (unless SIGKILL, which cannot
/// be caught), unblocks it and sends it to ourselves, so our parent sees the same signal
/// (a shell's `$?` of 128+sig). Returns only if we survived it.
pub(crate) fn reraise(sig: libc::c_int, reset_handler: bool) {
    if reset_handler && sig != libc::SIGKILL {
        set_signal_default(sig, false);
    }
    let _ = sigmask(false, &[sig]);
    let _ = kill(getpid(), sig);
}

/// `_exit(2)`: leave without running atexit handlers or flushing stdio buffers (for forked
/// helpers that must not flush the parent's buffered output twice).
pub(crate) fn exit_now(status: i32) -> ! {
    // SAFETY: _exit never returns and touches no Rust state (nix 0.29 has no wrapper).
    unsafe { libc::_exit(status) }
}

/// Puts SIGSEGV and SIGBUS back to their default action when a handler is installed. Only our
/// start-up ([`super::startup`]) or the Rust runtime can have installed one (execve(2) resets
/// caught signals); without this, re-raising a child's SIGSEGV on ourselves would run that
/// handler and we would live on instead of dying the same death.
pub(crate) fn drop_runtime_fault_handlers() {
    for sig in [libc::SIGSEGV, libc::SIGBUS] {
        // SAFETY: sigaction is plain data; querying with a NULL new action changes nothing.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: valid out-pointer, NULL new action.
        let queried = unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) } == 0;
        if queried && old.sa_sigaction != libc::SIG_DFL && old.sa_sigaction != libc::SIG_IGN {
            set_signal_default(sig, false);
        }
    }
}
