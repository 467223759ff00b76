//! Process file descriptors beyond pidfd_open(2): the pidfs inode check behind
//! `nsenter -t PID:INODE`, the `PIDFD_GET_USER_NAMESPACE` and `PIDFD_GET_MNT_NAMESPACE`
//! ioctls, whether the process was reaped (pidfd_send_signal(2) with signal 0), and whether
//! setns(2) accepts a pidfd at all (Linux 5.8). Raw calls: nix has no pidfd_send_signal(2),
//! and the `PIDFD_GET_*_NAMESPACE` requests must pass a zero argument (pidfs answers EINVAL to
//! any other), which nix's no-argument ioctl wrappers leave undefined.

use super::check;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

/// `PIDFS_IOCTL_MAGIC` 0xFF, `_IO(0xFF, 3)` (linux/pidfd.h, Linux 6.11).
const PIDFD_GET_MNT_NAMESPACE: libc::c_ulong = (0xFF << 8) | 3;
/// `_IO(0xFF, 9)`, as `PIDFD_GET_MNT_NAMESPACE`.
const PIDFD_GET_USER_NAMESPACE: libc::c_ulong = (0xFF << 8) | 9;
/// `PID_FS_MAGIC` (linux/magic.h): pidfds on kernels whose inode numbers identify a process.
const PIDFS_MAGIC: libc::c_long = 0x5049_4446;

/// Opens a pidfd for `pid` and checks that it lives on pidfs with inode `inode`: ENOTSUP when
/// it does not live on pidfs, ESRCH when the inode differs (the pid was reused), else the
/// pidfd_open(2) errno.
pub(crate) fn check_pidfd_inode(pid: libc::pid_t, inode: u64) -> Result<(), i32> {
    let pidfd = super::ns::pidfd_open(pid)?;
    let on_pidfs =
        nix::sys::statfs::fstatfs(&pidfd).is_ok_and(|fs| fs.filesystem_type().0 as libc::c_long == PIDFS_MAGIC);
    if !on_pidfs {
        return Err(libc::ENOTSUP);
    }
    let st = super::at::stat_fd(pidfd.as_fd())?;
    if st.st_ino != inode {
        return Err(libc::ESRCH);
    }
    Ok(())
}

/// Whether the process behind `pidfd` is gone for good: reaped, so its pid may already name
/// another process. A zombie is not reaped (its pid stays taken): signal 0 still reaches it.
pub(crate) fn reaped(pidfd: BorrowedFd<'_>) -> bool {
    // SAFETY: pidfd_send_signal with signal 0, no siginfo and no flags only checks the target.
    let rc = unsafe { libc::syscall(libc::SYS_pidfd_send_signal, pidfd.as_raw_fd(), 0, std::ptr::null::<u8>(), 0) };
    rc == -1 && super::last_errno() == libc::ESRCH
}

/// `PIDFD_GET_USER_NAMESPACE`: an nsfs fd on the user namespace of the process.
pub(crate) fn user_namespace(pidfd: BorrowedFd<'_>) -> Result<OwnedFd, i32> {
    namespace_of(pidfd, PIDFD_GET_USER_NAMESPACE)
}

/// `PIDFD_GET_MNT_NAMESPACE`: an nsfs fd on the mount namespace of the process (every kernel
/// has mount namespaces, whatever its configuration).
pub(crate) fn mnt_namespace(pidfd: BorrowedFd<'_>) -> Result<OwnedFd, i32> {
    namespace_of(pidfd, PIDFD_GET_MNT_NAMESPACE)
}

/// One of the `PIDFD_GET_*_NAMESPACE` requests.
fn namespace_of(pidfd: BorrowedFd<'_>, request: libc::c_ulong) -> Result<OwnedFd, i32> {
    // SAFETY: the request takes no argument and returns a new fd or -1.
    let fd = check(unsafe { libc::ioctl(pidfd.as_raw_fd(), request as _, 0) } as libc::c_long)?;
    // SAFETY: fresh fd owned by nobody else (nsfs fds from ioctls are close-on-exec).
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// The running kernel's `major.minor.patch` from uname(2).
pub(crate) fn kernel_version() -> (u32, u32, u32) {
    let Ok(uts) = nix::sys::utsname::uname() else { return (0, 0, 0) };
    let release = uts.release().to_string_lossy();
    let mut parts = release.split(|c: char| !c.is_ascii_digit()).map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// setns(2) takes a pidfd and a mask of namespaces since Linux 5.8 (util-linux asks for a
/// version above 5.7.0).
pub(crate) fn setns_takes_pidfd() -> bool {
    kernel_version() > (5, 7, 0)
}
