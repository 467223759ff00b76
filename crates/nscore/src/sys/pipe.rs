//! pipe(2) pairs, close-on-exec, that runshare uses to hold its helper children back until
//! the moment util-linux releases them (an end of file also tells a helper its parent is gone),
//! and what the bind helper needs to share one with us at a single descriptor of ours: a pipe
//! made where stdin and stdout were, our write end taken from there, and the waits around it.

use super::check;
use std::fs::File;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, RawFd};

/// A new pipe as (read end, write end), both `O_CLOEXEC`.
pub fn pipe() -> Result<(File, File), i32> {
    let mut fds: [RawFd; 2] = [-1, -1];
    // SAFETY: fds is a valid array of two ints for pipe2(2) to fill.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } as libc::c_long)?;
    // SAFETY: pipe2 succeeded, so both fds are fresh and owned by nobody else.
    Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
}

/// In a helper child that needs neither stdin nor stdout: closes both and makes a pipe on
/// them, read end 0, write end 1 (so it fits under `ulimit -n 4`, at numbers its parent knows).
pub fn pipe_on_stdin_stdout() -> Result<(File, File), i32> {
    // SAFETY: close(2) of descriptors 0 and 1, which this process owns and no File wraps.
    unsafe {
        libc::close(0);
        libc::close(1);
    }
    pipe()
}

/// Our write end (one descriptor, close-on-exec) of the pipe whose write end `pid` has at
/// `fd`: opened through /proc, or without a usable /proc taken with pidfd_getfd(2).
pub fn open_writer(pid: libc::pid_t, fd: RawFd) -> Result<File, i32> {
    let proc_err = match std::fs::OpenOptions::new().write(true).open(format!("/proc/{pid}/fd/{fd}")) {
        Ok(file) => return Ok(file),
        Err(e) => e.raw_os_error().unwrap_or(libc::EIO),
    };
    let Ok(pidfd) = super::ns::pidfd_open(pid) else { return Err(proc_err) };
    let got = super::ns::pidfd_getfd(pidfd.as_fd(), fd);
    drop(pidfd);
    got.map(File::from).map_err(|_| proc_err)
}

/// Blocks until process `pid` (our parent, not reaped before we look) has exited.
pub fn wait_exit(pid: libc::pid_t) {
    let Ok(pidfd) = super::ns::pidfd_open(pid) else { return };
    let mut pfd = libc::pollfd { fd: pidfd.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    // SAFETY: one valid pollfd, no timeout; retried on EINTR only.
    while unsafe { libc::poll(&mut pfd, 1, -1) } == -1 && super::last_errno() == libc::EINTR {}
}

/// Blocks until nobody reads the pipe `writer` writes to any more (poll(2) reports POLLERR).
pub fn wait_readers_gone(writer: &File) {
    let mut pfd = libc::pollfd { fd: writer.as_raw_fd(), events: 0, revents: 0 };
    // SAFETY: one valid pollfd, no timeout; retried on EINTR only.
    while unsafe { libc::poll(&mut pfd, 1, -1) } == -1 && super::last_errno() == libc::EINTR {}
}
