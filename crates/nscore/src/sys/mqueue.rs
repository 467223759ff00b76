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
fn is_mqueue(dir: std::os::fd::BorrowedFd<'_>) -> bool {
    super::at::fs_type(dir) == Ok(MQUEUE_MAGIC)
}

/// An mqueue filesystem's directory: its device and the names of the queues in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MqueueDir {
    pub dev: u64,
    pub names: Vec<Vec<u8>>,
}

/// The mqueue filesystem mounted at `point` below `root` (resolved inside that tree,
/// [`super::at::open_dir_beneath`]), checked with statfs(2) to be mqueue before its entries
/// are listed; `Ok(None)` when it is not (or cannot be told to be) mqueue. The errno of the
/// open or the listing.
pub(crate) fn mqueue_dir(root: std::os::fd::BorrowedFd<'_>, point: &std::path::Path) -> Result<Option<MqueueDir>, i32> {
    use std::os::fd::AsFd;
    let dir = super::at::open_dir_beneath(root, point)?;
    if !is_mqueue(dir.as_fd()) {
        return Ok(None);
    }
    let Ok(stat) = super::at::stat_fd(dir.as_fd()) else { return Ok(None) };
    let mut names = Vec::new();
    super::dir::Dir::from_fd(dir).for_each_name(|name| names.push(name.to_vec()))?;
    Ok(Some(MqueueDir { dev: stat.st_dev, names }))
}
