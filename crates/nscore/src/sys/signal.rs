//! Signals around runshare's forked child: the SIGTERM/SIGINT forwarder of
//! `--forward-signals` (sigaction(2)), the parent-death signal of `--kill-child`
//! (prctl(2) `PR_SET_PDEATHSIG`), and the pidfd poll(2) that tells whether the parent already died.
//!
//! The parent-death signal and the wait take any signal number (`--kill-child=RTMIN+n`), so
//! they stay raw: nix's `Signal` names only the standard signals.

use super::check;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sys::signal::{self, SaFlags, SigAction, SigHandler, SigSet, Signal};
use nix::unistd::Pid;
use std::os::fd::BorrowedFd;
use std::sync::atomic::{AtomicI32, Ordering};

/// The child the forwarder sends to; 0 until the parent knows it.
static FORWARD_TO: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(sig: libc::c_int) {
    // Only async-signal-safe work: an atomic load and kill(2) (the forwarder is installed for
    // standard signals only, which nix's `Signal` names).
    let pid = FORWARD_TO.load(Ordering::Relaxed);
    if let (true, Ok(sig)) = (pid > 0, Signal::try_from(sig)) {
        let _ = signal::kill(Pid::from_raw(pid), sig);
    }
}

/// Installs the forwarder for `sig` (`SA_RESTART`, empty mask), as util-linux does, for the
/// standard signals runshare forwards (SIGTERM, SIGINT); EINVAL for a number nix cannot name.
pub(crate) fn install_forwarder(sig: libc::c_int) -> Result<(), i32> {
    let sig = Signal::try_from(sig).map_err(super::errno)?;
    let action = SigAction::new(SigHandler::Handler(forward), SaFlags::SA_RESTART, SigSet::empty());
    // SAFETY: the handler only does async-signal-safe work (an atomic load and kill(2)).
    unsafe { signal::sigaction(sig, &action) }.map(drop).map_err(super::errno)
}

/// Where forwarded signals go from now on.
pub(crate) fn forward_to(pid: libc::pid_t) {
    FORWARD_TO.store(pid, Ordering::Relaxed);
}

/// `prctl(PR_SET_PDEATHSIG, sig)`.
pub(crate) fn set_parent_death_signal(sig: libc::c_int) -> Result<(), i32> {
    // SAFETY: prctl with integer arguments only.
    check(unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, sig as libc::c_ulong, 0, 0, 0) } as libc::c_long).map(drop)
}

/// Whether the process behind a pidfd has exited (poll(2) with timeout 0 sees it readable).
pub(crate) fn pidfd_exited(pidfd: BorrowedFd<'_>) -> Result<bool, i32> {
    let n = poll(&mut [PollFd::new(pidfd, PollFlags::POLLIN)], PollTimeout::ZERO).map_err(super::errno)?;
    Ok(n > 0)
}

/// Waits for `sig`, which the caller has blocked (a blocked signal is never ignored, even by
/// a pid namespace's init, which SIGSTOP would not stop).
pub(crate) fn wait_for(sig: libc::c_int) {
    // SAFETY: sigset_t is plain data initialised by sigemptyset/sigaddset; no siginfo wanted.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        while libc::sigwaitinfo(&set, std::ptr::null_mut()) == -1 && super::last_errno() == libc::EINTR {}
    }
}
