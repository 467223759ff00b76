//! Namespace system calls: ioctl_ns(2) queries on nsfs files (NS_GET_ID included), setns(2),
//! unshare(2), pidfds (pidfd_open(2), pidfd_getfd(2)) and the socket ioctl SIOCGSKNS.

use super::{check, errno};
use nix::sched::CloneFlags;
use std::fs::File;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

const NSIO: u8 = 0xb7;
/// `_IO(NSIO, n)`: no size, no direction bits.
pub(crate) const NS_GET_USERNS: libc::c_ulong = nix::request_code_none!(NSIO, 0x1);
pub(crate) const NS_GET_PARENT: libc::c_ulong = nix::request_code_none!(NSIO, 0x2);
pub(crate) const NS_GET_NSTYPE: libc::c_ulong = nix::request_code_none!(NSIO, 0x3);
/// `_IO(NSIO, 0x4)` as the kernel defines it, although it writes a `uid_t` through its argument.
pub(crate) const NS_GET_OWNER_UID: libc::c_ulong = nix::request_code_none!(NSIO, 0x4);
/// `_IOR(NSIO, 13, __u64)` (Linux 6.18): the namespace's 64-bit ID.
pub(crate) const NS_GET_ID: libc::c_ulong = nix::request_code_read!(NSIO, 13, std::mem::size_of::<u64>());
/// Returns a net namespace fd for a socket fd (linux/sockios.h).
const SIOCGSKNS: libc::c_ulong = 0x894C;

/// The ioctls as nix's macros generate them: each an `unsafe fn` of a raw descriptor that
/// returns the kernel's answer or its errno. The requests are passed as the kernel defines
/// them (NS_GET_OWNER_UID and SIOCGSKNS do not follow the `_IO*` encoding of their data).
mod request {
    nix::ioctl_none_bad!(ns_get_userns, super::NS_GET_USERNS);
    nix::ioctl_none_bad!(ns_get_parent, super::NS_GET_PARENT);
    nix::ioctl_none_bad!(ns_get_nstype, super::NS_GET_NSTYPE);
    nix::ioctl_read_bad!(ns_get_owner_uid, super::NS_GET_OWNER_UID, libc::uid_t);
    nix::ioctl_none_bad!(siocgskns, super::SIOCGSKNS);
    nix::ioctl_read_bad!(ns_get_id, super::NS_GET_ID, u64);
}

/// The namespace ioctls, named as util-linux names them in its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NsIoctl {
    GetUserns,
    GetParent,
}

impl NsIoctl {
    pub(crate) fn name(self) -> &'static str {
        match self {
            NsIoctl::GetUserns => "NS_GET_USERNS",
            NsIoctl::GetParent => "NS_GET_PARENT",
        }
    }
}

/// `NS_GET_USERNS` / `NS_GET_PARENT`: a new fd on the owning or parent namespace.
pub(crate) fn ns_get_related(ns: BorrowedFd<'_>, which: NsIoctl) -> Result<OwnedFd, i32> {
    let fd = match which {
        // SAFETY: the request takes no argument and returns a new fd or -1.
        NsIoctl::GetUserns => unsafe { request::ns_get_userns(ns.as_raw_fd()) },
        // SAFETY: as NS_GET_USERNS.
        NsIoctl::GetParent => unsafe { request::ns_get_parent(ns.as_raw_fd()) },
    }
    .map_err(errno)?;
    // SAFETY: the kernel handed us a fresh fd that nobody else owns (opened O_CLOEXEC).
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `NS_GET_NSTYPE`: the `CLONE_NEW*` value of the namespace.
pub(crate) fn ns_get_nstype(ns: BorrowedFd<'_>) -> Result<libc::c_int, i32> {
    // SAFETY: the request takes no argument and returns an int or -1.
    unsafe { request::ns_get_nstype(ns.as_raw_fd()) }.map_err(errno)
}

/// `NS_GET_OWNER_UID`: the uid of the creator of a user namespace (EINVAL for other kinds).
pub(crate) fn ns_get_owner_uid(ns: BorrowedFd<'_>) -> Result<libc::uid_t, i32> {
    let mut uid: libc::uid_t = 0;
    // SAFETY: the kernel writes one uid_t through the pointer, which is valid for that.
    unsafe { request::ns_get_owner_uid(ns.as_raw_fd(), &mut uid) }.map_err(errno)?;
    Ok(uid)
}

/// `NS_GET_ID`: the namespace's ID, which (unlike its inode number) the kernel never gives to
/// another namespace while it runs. ENOTTY before Linux 6.18.
pub(crate) fn ns_get_id(ns: BorrowedFd<'_>) -> Result<u64, i32> {
    let mut id: u64 = 0;
    // SAFETY: the kernel writes one __u64 through the pointer, which is valid for that.
    unsafe { request::ns_get_id(ns.as_raw_fd(), &mut id) }.map_err(errno)?;
    Ok(id)
}

/// setns(2): join the namespace(s) behind `fd` (an nsfs file or, with a mask, a pidfd).
pub(crate) fn setns(fd: BorrowedFd<'_>, nstype: libc::c_int) -> Result<(), i32> {
    // Bits nix does not name (or 0: any type) go to the kernel as given.
    nix::sched::setns(fd, CloneFlags::from_bits_retain(nstype)).map_err(errno)
}

/// unshare(2).
pub(crate) fn unshare(flags: libc::c_int) -> Result<(), i32> {
    nix::sched::unshare(CloneFlags::from_bits_retain(flags)).map_err(errno)
}

/// pidfd_open(2) (close-on-exec, as every pidfd is); a raw system call, as nix has none (nor
/// pidfd_getfd(2)).
pub(crate) fn pidfd_open(pid: libc::pid_t) -> Result<OwnedFd, i32> {
    // SAFETY: raw system call with integer arguments; returns a new fd or -1.
    let fd = check(unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) })?;
    // SAFETY: fresh fd owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// pidfd_getfd(2): a duplicate (close-on-exec) of `target_fd` of the process behind `pidfd`.
pub(crate) fn pidfd_getfd(pidfd: BorrowedFd<'_>, target_fd: RawFd) -> Result<OwnedFd, i32> {
    // SAFETY: raw system call with integer arguments; returns a new fd or -1.
    let fd = check(unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), target_fd, 0) })?;
    // SAFETY: fresh fd owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// `SIOCGSKNS`: the network namespace of a socket, as a new nsfs fd.
pub(crate) fn socket_netns(socket: BorrowedFd<'_>) -> Result<File, i32> {
    // SAFETY: the request takes no argument and returns a new fd or -1.
    let fd = unsafe { request::siocgskns(socket.as_raw_fd()) }.map_err(errno)?;
    // SAFETY: fresh fd owned by nobody else (the kernel opens it O_CLOEXEC).
    Ok(unsafe { File::from_raw_fd(fd) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_those_of_linux_nsfs_h() {
        assert_eq!([NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE, NS_GET_OWNER_UID], [0xb701, 0xb702, 0xb703, 0xb704]);
        assert_eq!(NS_GET_ID, 0x8008_b70d);
    }
}
