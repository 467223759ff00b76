//! pipe(2) pairs, close-on-exec, that runshare uses to hold its helper children back until
//! the moment util-linux releases them (an end of file also tells a helper its parent is gone).

use super::check;
use std::fs::File;
use std::os::fd::{FromRawFd, RawFd};

/// A new pipe as (read end, write end), both `O_CLOEXEC`.
pub fn pipe() -> Result<(File, File), i32> {
    let mut fds: [RawFd; 2] = [-1, -1];
    // SAFETY: fds is a valid array of two ints for pipe2(2) to fill.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } as libc::c_long)?;
    // SAFETY: pipe2 succeeded, so both fds are fresh and owned by nobody else.
    Ok(unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) })
}
