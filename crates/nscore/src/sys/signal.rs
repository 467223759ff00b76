//! Signals around runshare's forked child: the SIGTERM/SIGINT forwarder of
//! `--forward-signals` (sigaction(2)), the parent-death signal of `--kill-child`
//! (prctl(2) `PR_SET_PDEATHSIG`), and the pidfd poll(2) that tells whether the parent already died.

use super::check;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::atomic::{AtomicI32, Ordering};

/// The child the forwarder sends to; 0 until the parent knows it.
static FORWARD_TO: AtomicI32 = AtomicI32::new(0);

extern "C" fn forward(sig: libc::c_int) {
    // Only async-signal-safe work: an atomic load and kill(2).
    let pid = FORWARD_TO.load(Ordering::Relaxed);
    if pid > 0 {
        // SAFETY: kill(2) is async-signal-safe and takes integers only.
        unsafe { libc::kill(pid, sig) };
    }
}

/// Installs the forwarder for `sig` (`SA_RESTART`, empty mask), as util-linux does.
pub fn install_forwarder(sig: libc::c_int) -> Result<(), i32> {
    // SAFETY: sigaction is plain data; the handler only does async-signal-safe work.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = forward as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut sa.sa_mask);
        sa.sa_flags = libc::SA_RESTART;
        check(libc::sigaction(sig, &sa, std::ptr::null_mut()) as libc::c_long).map(drop)
    }
}

/// Where forwarded signals go from now on.
pub fn forward_to(pid: libc::pid_t) {
    FORWARD_TO.store(pid, Ordering::Relaxed);
}

/// `prctl(PR_SET_PDEATHSIG, sig)`.
pub fn set_parent_death_signal(sig: libc::c_int) -> Result<(), i32> {
    // SAFETY: prctl with integer arguments only.
    check(unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, sig as libc::c_ulong, 0, 0, 0) } as libc::c_long).map(drop)
}

/// Whether the process behind a pidfd has exited (poll(2) with timeout 0 sees it readable).
pub fn pidfd_exited(pidfd: BorrowedFd<'_>) -> Result<bool, i32> {
    let mut pfd = libc::pollfd { fd: pidfd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd, timeout 0.
    let n = check(unsafe { libc::poll(&mut pfd, 1, 0) } as libc::c_long)?;
    Ok(n > 0)
}

/// Waits for `sig`, which the caller has blocked (a blocked signal is never ignored, even by
/// a pid namespace's init, which SIGSTOP would not stop).
pub fn wait_for(sig: libc::c_int) {
    // SAFETY: sigset_t is plain data initialised by sigemptyset/sigaddset; no siginfo wanted.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, sig);
        while libc::sigwaitinfo(&set, std::ptr::null_mut()) == -1 && super::last_errno() == libc::EINTR {}
    }
}
