//! The process as its parent made it, before Rust's runtime start-up changed it: std opens
//! /dev/null on a closed standard descriptor, ignores SIGPIPE and catches SIGSEGV/SIGBUS for
//! its stack overflow message. util-linux's tools start with none of that, and a program they
//! exec inherits the caller's closed descriptors and ignored signals; so must ours.

use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// Bit n set: descriptor n (0, 1 or 2) was closed when the process started.
static CLOSED_AT_START: AtomicU8 = AtomicU8::new(0);
static SIGPIPE_IGNORED_AT_START: AtomicBool = AtomicBool::new(false);

/// Runs from `.init_array`, which the dynamic loader calls before `main` and so before std's
/// start-up code; glibc passes it `argc`, `argv` and `envp`, as it passes `main`.
extern "C" fn record_inherited_state(
    argc: libc::c_int,
    argv: *const *mut libc::c_char,
    _envp: *const *const libc::c_char,
) {
    if argc > 0 && !argv.is_null() {
        // SAFETY: glibc's argv holds argc pointers (then a NULL); the first is argv[0].
        super::alloc::record_argv0(unsafe { *argv });
    }
    keep_std_from_making_an_alternate_stack();
    let mut closed = 0u8;
    for fd in 0..3 {
        if nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFD).is_err() {
            closed |= 1 << fd;
        }
    }
    CLOSED_AT_START.store(closed, Ordering::Relaxed);
    // SAFETY: sigaction is plain data; a NULL new action only queries.
    let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
    // SAFETY: valid out-pointer, NULL new action.
    if unsafe { libc::sigaction(libc::SIGPIPE, std::ptr::null(), &mut old) } == 0 {
        SIGPIPE_IGNORED_AT_START.store(old.sa_sigaction == libc::SIG_IGN, Ordering::Relaxed);
    }
}

#[used]
#[link_section = ".init_array"]
static RECORD_INHERITED_STATE: extern "C" fn(libc::c_int, *const *mut libc::c_char, *const *const libc::c_char) =
    record_inherited_state;

/// std's start-up maps an alternate signal stack for its stack overflow message when SIGSEGV
/// or SIGBUS has the default action, and panics (an abort before `main`) when that mmap fails,
/// as under a small `ulimit -v`. A handler of ours makes std leave both signals alone; it acts
/// as the default action would: SA_RESETHAND puts the default back as it is delivered, and
/// the faulting instruction, run again, faults into it. [`restore_inherited_state`] removes it.
fn keep_std_from_making_an_alternate_stack() {
    extern "C" fn as_default(_sig: libc::c_int) {}
    for sig in [libc::SIGSEGV, libc::SIGBUS] {
        // SAFETY: sigaction is plain data; a NULL new action only queries.
        let mut old: libc::sigaction = unsafe { std::mem::zeroed() };
        // SAFETY: valid out-pointer, NULL new action.
        if unsafe { libc::sigaction(sig, std::ptr::null(), &mut old) } != 0 || old.sa_sigaction != libc::SIG_DFL {
            continue;
        }
        // SAFETY: sigaction is plain data; zeroed is an empty mask and no flags.
        let mut action: libc::sigaction = unsafe { std::mem::zeroed() };
        action.sa_sigaction = as_default as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_RESETHAND | libc::SA_NODEFER;
        // SAFETY: the handler does nothing (async-signal-safe); the action is initialised.
        unsafe { libc::sigaction(sig, &action, std::ptr::null_mut()) };
    }
}

/// Undoes std's start-up: closes the /dev/null it put on descriptors that were closed, puts
/// SIGPIPE back as inherited (ignored, or the default action) and drops the fault handlers
/// (std's, or ours that kept std from installing its own).
/// To be called first thing in `main`, while no other thread exists.
pub(crate) fn restore_inherited_state() {
    let closed = CLOSED_AT_START.load(Ordering::Relaxed);
    for fd in 0..3 {
        if closed & (1 << fd) != 0 {
            // std's placeholder /dev/null; std's stdio handles only borrow the number and
            // treat EBADF on it as a closed stream, as C stdio does.
            let _ = nix::unistd::close(fd);
        }
    }
    super::process::set_signal_default(libc::SIGPIPE, SIGPIPE_IGNORED_AT_START.load(Ordering::Relaxed));
    super::process::drop_runtime_fault_handlers();
}
