//! Namespace system calls: ioctl_ns(2) queries on nsfs files, setns(2), unshare(2), pidfds
//! (pidfd_open(2), pidfd_getfd(2)) and the socket ioctl SIOCGSKNS.

use super::check;
use nix::sched::CloneFlags;
use std::fs::File;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

const NSIO: libc::c_ulong = 0xb7;
/// `_IO(NSIO, n)`: no size, no direction bits.
const fn nsio(n: libc::c_ulong) -> libc::c_ulong {
    (NSIO << 8) | n
}
pub const NS_GET_USERNS: libc::c_ulong = nsio(0x1);
pub const NS_GET_PARENT: libc::c_ulong = nsio(0x2);
pub const NS_GET_NSTYPE: libc::c_ulong = nsio(0x3);
/// `_IO(NSIO, 0x4)` as the kernel defines it, although it writes a `uid_t` through its argument.
pub const NS_GET_OWNER_UID: libc::c_ulong = nsio(0x4);
/// Returns a net namespace fd for a socket fd (linux/sockios.h).
const SIOCGSKNS: libc::c_ulong = 0x894C;

/// The namespace ioctls, named as util-linux names them in its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NsIoctl {
    GetUserns,
    GetParent,
}

impl NsIoctl {
    pub fn name(self) -> &'static str {
        match self {
            NsIoctl::GetUserns => "NS_GET_USERNS",
            NsIoctl::GetParent => "NS_GET_PARENT",
        }
    }

    fn request(self) -> libc::c_ulong {
        match self {
            NsIoctl::GetUserns => NS_GET_USERNS,
            NsIoctl::GetParent => NS_GET_PARENT,
        }
    }
}

/// `NS_GET_USERNS` / `NS_GET_PARENT`: a new fd on the owning or parent namespace.
pub fn ns_get_related(ns: BorrowedFd<'_>, which: NsIoctl) -> Result<OwnedFd, i32> {
    // SAFETY: the request takes no argument and returns a new fd or -1.
    let fd = check(unsafe { libc::ioctl(ns.as_raw_fd(), which.request() as _) } as libc::c_long)?;
    // SAFETY: the kernel handed us a fresh fd that nobody else owns (opened O_CLOEXEC).
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// `NS_GET_NSTYPE`: the `CLONE_NEW*` value of the namespace.
pub fn ns_get_nstype(ns: BorrowedFd<'_>) -> Result<libc::c_int, i32> {
    // SAFETY: the request takes no argument and returns an int or -1.
    check(unsafe { libc::ioctl(ns.as_raw_fd(), NS_GET_NSTYPE as _) } as libc::c_long).map(|v| v as libc::c_int)
}

/// `NS_GET_OWNER_UID`: the uid of the creator of a user namespace (EINVAL for other kinds).
pub fn ns_get_owner_uid(ns: BorrowedFd<'_>) -> Result<libc::uid_t, i32> {
    let mut uid: libc::uid_t = 0;
    // SAFETY: the kernel writes one uid_t through the pointer, which is valid for that.
    check(unsafe { libc::ioctl(ns.as_raw_fd(), NS_GET_OWNER_UID as _, &mut uid as *mut libc::uid_t) } as libc::c_long)?;
    Ok(uid)
}

/// setns(2): join the namespace(s) behind `fd` (an nsfs file or, with a mask, a pidfd).
pub fn setns(fd: BorrowedFd<'_>, nstype: libc::c_int) -> Result<(), i32> {
    // Bits nix does not name (or 0: any type) go to the kernel as given.
    nix::sched::setns(fd, CloneFlags::from_bits_retain(nstype)).map_err(super::errno)
}

/// unshare(2).
pub fn unshare(flags: libc::c_int) -> Result<(), i32> {
    nix::sched::unshare(CloneFlags::from_bits_retain(flags)).map_err(super::errno)
}

/// pidfd_open(2) (close-on-exec, as every pidfd is).
pub fn pidfd_open(pid: libc::pid_t) -> Result<OwnedFd, i32> {
    // SAFETY: raw system call with integer arguments; returns a new fd or -1.
    let fd = check(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })?;
    // SAFETY: fresh fd owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// pidfd_getfd(2): a duplicate (close-on-exec) of `target_fd` of the process behind `pidfd`.
pub fn pidfd_getfd(pidfd: BorrowedFd<'_>, target_fd: RawFd) -> Result<OwnedFd, i32> {
    // SAFETY: raw system call with integer arguments; returns a new fd or -1.
    let fd = check(unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), target_fd, 0) })?;
    // SAFETY: fresh fd owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// `SIOCGSKNS`: the network namespace of a socket, as a new nsfs fd.
pub fn socket_netns(socket: BorrowedFd<'_>) -> Result<File, i32> {
    // SAFETY: the request takes no argument and returns a new fd or -1.
    let fd = check(unsafe { libc::ioctl(socket.as_raw_fd(), SIOCGSKNS as _) } as libc::c_long)?;
    // SAFETY: fresh fd owned by nobody else (the kernel opens it O_CLOEXEC).
    Ok(unsafe { File::from_raw_fd(fd as RawFd) })
}
