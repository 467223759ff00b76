//! pipe(2) pairs, close-on-exec, that runshare uses to hold its helper children back until
//! the moment util-linux releases them (an end of file also tells a helper that the program
//! was executed, or its parent is gone), and what the bind helper needs to share one with us
//! at a single descriptor of ours: a pipe made where stdin and stdout were, our write end
//! taken from there, and the wait for its readers to leave. The id-map helper waits on an
//! eventfd(2) instead ([`Gate`]), as util-linux's does.

use nix::errno::Errno;
use nix::fcntl::OFlag;
use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use std::fs::File;
use std::os::fd::{AsFd, RawFd};

/// A new pipe as (read end, write end), both `O_CLOEXEC`.
pub(crate) fn pipe() -> Result<(File, File), i32> {
    let (read, write) = nix::unistd::pipe2(OFlag::O_CLOEXEC).map_err(super::errno)?;
    Ok((File::from(read), File::from(write)))
}

/// In a helper child that needs neither stdin nor stdout: closes both and makes a pipe on
/// them, read end 0, write end 1 (so it fits under `ulimit -n 4`, at numbers its parent knows).
pub(crate) fn pipe_on_stdin_stdout() -> Result<(File, File), i32> {
    // Descriptors 0 and 1 are this process's, wrapped by no File; closed or not, they are
    // free afterwards.
    let _ = nix::unistd::close(0);
    let _ = nix::unistd::close(1);
    pipe()
}

/// Our write end (one descriptor, close-on-exec) of the pipe whose write end `pid` has at
/// `fd`: opened through /proc, or without a usable /proc taken with pidfd_getfd(2).
pub(crate) fn open_writer(pid: libc::pid_t, fd: RawFd) -> Result<File, i32> {
    let proc_err = match std::fs::OpenOptions::new().write(true).open(format!("/proc/{pid}/fd/{fd}")) {
        Ok(file) => return Ok(file),
        Err(e) => e.raw_os_error().unwrap_or(libc::EIO),
    };
    let Ok(pidfd) = super::ns::pidfd_open(pid) else { return Err(proc_err) };
    let got = super::ns::pidfd_getfd(pidfd.as_fd(), fd);
    drop(pidfd);
    got.map(File::from).map_err(|_| proc_err)
}

/// Blocks until nobody reads the pipe `writer` writes to any more (poll(2) reports POLLERR).
pub(crate) fn wait_readers_gone(writer: &File) {
    poll_until_not_interrupted(PollFd::new(writer.as_fd(), PollFlags::empty()));
}

/// poll(2) of one descriptor without a timeout, retried on EINTR only.
fn poll_until_not_interrupted(pfd: PollFd<'_>) {
    while poll(&mut [pfd], PollTimeout::NONE) == Err(Errno::EINTR) {}
}

/// An eventfd(2), close-on-exec: one descriptor that a forked child blocks on until its
/// parent writes the value that lets it go (or gives up: the child then sees no such value).
#[derive(Debug)]
pub(crate) struct Gate(nix::sys::eventfd::EventFd);

impl Gate {
    /// A new gate; the errno of eventfd(2).
    pub(crate) fn new() -> Result<Gate, i32> {
        let fd = nix::sys::eventfd::EventFd::from_flags(nix::sys::eventfd::EfdFlags::EFD_CLOEXEC);
        fd.map(Gate).map_err(super::errno)
    }

    /// Blocks until something is written (read(2), retried on EINTR only); whether it was
    /// `value`.
    pub(crate) fn wait_for(&self, value: u64) -> bool {
        loop {
            match self.0.read() {
                Err(Errno::EINTR) => continue,
                other => break other == Ok(value),
            }
        }
    }

    /// Writes `value` (write(2); a failure is the waiter's to see).
    pub(crate) fn open(&self, value: u64) {
        let _ = self.0.write(value);
    }
}
