//! mq_open(3) of an existing POSIX message queue, read-only: it resolves in the calling
//! thread's ipc namespace's own mqueue instance, which tells that instance's device.

use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd};

/// Opens the existing queue `name` (no leading `/`) read-only and non-blocking, creating
/// nothing. On Linux a queue descriptor is a file descriptor: dropping it closes the queue.
pub(crate) fn open_existing(name: &[u8]) -> Result<OwnedFd, i32> {
    let mut path = b"/".to_vec();
    path.extend_from_slice(name);
    let path = CString::new(path).map_err(|_| libc::EINVAL)?;
    // SAFETY: path is a NUL-terminated string that outlives the call; without O_CREAT
    // mq_open reads no further arguments.
    let mqd = unsafe { libc::mq_open(path.as_ptr(), libc::O_RDONLY | libc::O_NONBLOCK) };
    if mqd < 0 {
        return Err(super::last_errno());
    }
    // SAFETY: mq_open returned a fresh descriptor that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(mqd) })
}
