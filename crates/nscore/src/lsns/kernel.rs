//! The kernel's answers about namespaces that lsns asks for (ioctl_ns(2): NS_GET_USERNS,
//! NS_GET_PARENT, NS_GET_NSTYPE, NS_GET_OWNER_UID, NS_GET_ID; rtnetlink's RTM_GETNSID), behind
//! a trait so the owner and parent trees, PNS, ONS, NETNSID and ID can be worked out from a
//! fixture.

use crate::sys::netlink::RouteSocket;
use crate::sys::ns::{self as nsio, NsIoctl};
use std::os::fd::{BorrowedFd, OwnedFd};

/// What the kernel says about the namespace behind an nsfs descriptor. Errors are errnos,
/// as the ioctls give them (ENOTTY: a request the kernel does not know).
pub trait NsQueries: Sync + std::fmt::Debug {
    /// The namespace's inode (the nsfs file's, as fstat(2) gives it).
    fn inode(&self, ns: BorrowedFd<'_>) -> Result<u64, i32>;
    /// NS_GET_USERNS or NS_GET_PARENT: a descriptor of the owning or parent namespace.
    fn related(&self, ns: BorrowedFd<'_>, which: NsIoctl) -> Result<OwnedFd, i32>;
    /// NS_GET_NSTYPE: the namespace's `CLONE_NEW*` flag.
    fn nstype(&self, ns: BorrowedFd<'_>) -> Result<libc::c_int, i32>;
    /// NS_GET_OWNER_UID: the uid that created a user namespace.
    fn owner_uid(&self, ns: BorrowedFd<'_>) -> Result<libc::uid_t, i32>;
    /// NS_GET_ID: the namespace's 64-bit ID (ENOTTY before Linux 6.18).
    fn ns_id(&self, ns: BorrowedFd<'_>) -> Result<u64, i32>;
    /// Somewhere to ask RTM_GETNSID (a netlink socket: one per thread, as answers on a
    /// shared one could cross).
    fn nsid_source(&self) -> Result<Box<dyn NsidSource>, i32>;
}

/// Asks for the id a network namespace has in the asker's (RTM_GETNSID).
pub trait NsidSource: Send + Sync {
    /// The id; `Ok(None)` when the kernel gives none, `Some(-1)` when unassigned.
    fn nsid(&self, ns: BorrowedFd<'_>) -> Result<Option<i32>, i32>;
}

/// The running kernel.
#[derive(Debug, Clone, Copy)]
pub struct LiveKernel;

/// The running kernel, for a scan to hold.
pub static LIVE: LiveKernel = LiveKernel;

impl NsQueries for LiveKernel {
    fn inode(&self, ns: BorrowedFd<'_>) -> Result<u64, i32> {
        crate::sys::at::stat_fd(ns).map(|st| st.st_ino)
    }

    fn related(&self, ns: BorrowedFd<'_>, which: NsIoctl) -> Result<OwnedFd, i32> {
        nsio::ns_get_related(ns, which)
    }

    fn nstype(&self, ns: BorrowedFd<'_>) -> Result<libc::c_int, i32> {
        nsio::ns_get_nstype(ns)
    }

    fn owner_uid(&self, ns: BorrowedFd<'_>) -> Result<libc::uid_t, i32> {
        nsio::ns_get_owner_uid(ns)
    }

    fn ns_id(&self, ns: BorrowedFd<'_>) -> Result<u64, i32> {
        nsio::ns_get_id(ns)
    }

    fn nsid_source(&self) -> Result<Box<dyn NsidSource>, i32> {
        Ok(Box::new(RouteSocket::open()?))
    }
}

impl NsidSource for RouteSocket {
    fn nsid(&self, ns: BorrowedFd<'_>) -> Result<Option<i32>, i32> {
        RouteSocket::nsid(self, ns)
    }
}
