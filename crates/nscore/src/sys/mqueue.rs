//! mq_open(3) of an existing POSIX message queue, read-only: it resolves in the calling
//! thread's ipc namespace's own mqueue instance, which tells that instance's device.

use nix::mqueue::{mq_close, mq_open, MQ_OFlag};
use nix::sys::stat::Mode;
use std::ffi::CString;
use std::os::fd::AsRawFd;

/// The device (`st_dev`) of the mqueue instance that holds the existing queue `name` (no
/// leading `/`) for the calling thread: the queue is opened read-only and non-blocking, which
/// creates nothing, and closed again.
pub(crate) fn device_of_queue(name: &[u8]) -> Result<u64, i32> {
    let mut path = b"/".to_vec();
    path.extend_from_slice(name);
    let path = CString::new(path).map_err(|_| libc::EINVAL)?;
    let queue = mq_open(path.as_c_str(), MQ_OFlag::O_RDONLY | MQ_OFlag::O_NONBLOCK, Mode::empty(), None)
        .map_err(super::errno)?;
    let stat = nix::sys::stat::fstat(queue.as_raw_fd()).map_err(super::errno);
    let _ = mq_close(queue);
    Ok(stat?.st_dev)
}

/// `MQUEUE_MAGIC` (linux/magic.h).
const MQUEUE_MAGIC: i64 = 0x1980_0202;

/// Whether the open directory `dir` is (the root of) an mqueue filesystem.
pub(crate) fn is_mqueue(dir: std::os::fd::BorrowedFd<'_>) -> bool {
    super::at::fs_type(dir) == Ok(MQUEUE_MAGIC)
}
