//! The kernel's answers about namespaces that lsns asks for (ioctl_ns(2): NS_GET_USERNS,
//! NS_GET_PARENT, NS_GET_NSTYPE, NS_GET_OWNER_UID, NS_GET_ID; rtnetlink's RTM_GETNSID), and
//! the calls that ask a namespace from inside it (setns(2) of one thread, uname(2), route
//! dumps, the mqueue filesystem and mq_open(3); a forked child held in a mount namespace for
//! `--all-mounts`), behind one trait: the owner and parent trees, PNS, ONS, NETNSID and ID
//! are worked out from a fixture, and the inside columns' order of calls and failures from a
//! recording fake.

use crate::sys::mqueue::MqueueDir;
use crate::sys::netlink::{RouteSocket, RTM_GETADDR, RTM_GETLINK};
use crate::sys::ns::{self as nsio, NsIoctl};
use crate::sys::resident::Resident;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::path::Path;

/// What the kernel says about the namespace behind an nsfs descriptor, and what a thread (or
/// a child) inside a namespace is told. Errors are errnos, as the calls give them (ENOTTY: a
/// request the kernel does not know).
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

    /// setns(2) of the calling thread alone (uts, net and ipc namespaces are joined per
    /// thread) into the namespace of `ns`, whose `CLONE_NEW*` flag is `nstype`.
    fn enter_thread(&self, ns: BorrowedFd<'_>, nstype: libc::c_int) -> Result<(), i32>;
    /// uname(2) in the calling thread's uts namespace: the node name and the NIS domain name
    /// (`(none)` when none is set), as bytes.
    fn uname(&self) -> Result<(Vec<u8>, Vec<u8>), i32>;
    /// The calling thread's net namespace's interfaces: an RTM_GETLINK and an RTM_GETADDR
    /// dump, in that order, over one rtnetlink socket.
    fn route_dumps(&self) -> Result<(Vec<u8>, Vec<u8>), i32>;
    /// The mqueue filesystem at `point` below the tree whose root is `root`; `Ok(None)` when
    /// what is there is not mqueue.
    fn mqueue_dir(&self, root: BorrowedFd<'_>, point: &Path) -> Result<Option<MqueueDir>, i32>;
    /// The device of the mqueue instance that holds the existing queue `name` for the calling
    /// thread (mq_open(3) resolves in its ipc namespace's own instance).
    fn queue_device(&self, name: &[u8]) -> Result<u64, i32>;
    /// A child that joins the namespace of `ns` (`nstype`) and stays there until the
    /// answer is dropped.
    fn resident(&self, ns: BorrowedFd<'_>, nstype: libc::c_int) -> Result<Box<dyn InNamespace>, i32>;
}

/// A process kept inside a namespace until dropped.
pub trait InNamespace {
    /// Its pid (in the `/proc` the scan reads).
    fn pid(&self) -> libc::pid_t;
}

impl InNamespace for Resident {
    fn pid(&self) -> libc::pid_t {
        Resident::pid(self)
    }
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

    fn enter_thread(&self, ns: BorrowedFd<'_>, nstype: libc::c_int) -> Result<(), i32> {
        nsio::setns(ns, nstype)
    }

    fn uname(&self) -> Result<(Vec<u8>, Vec<u8>), i32> {
        crate::sys::uts::node_and_domain()
    }

    fn route_dumps(&self) -> Result<(Vec<u8>, Vec<u8>), i32> {
        let socket = RouteSocket::open()?;
        Ok((socket.dump(RTM_GETLINK, 16)?, socket.dump(RTM_GETADDR, 8)?))
    }

    fn mqueue_dir(&self, root: BorrowedFd<'_>, point: &Path) -> Result<Option<MqueueDir>, i32> {
        crate::sys::mqueue::mqueue_dir(root, point)
    }

    fn queue_device(&self, name: &[u8]) -> Result<u64, i32> {
        crate::sys::mqueue::device_of_queue(name)
    }

    fn resident(&self, ns: BorrowedFd<'_>, nstype: libc::c_int) -> Result<Box<dyn InNamespace>, i32> {
        Ok(Box::new(crate::sys::resident::fork_into(ns, nstype)?))
    }
}

impl NsidSource for RouteSocket {
    fn nsid(&self, ns: BorrowedFd<'_>) -> Result<Option<i32>, i32> {
        RouteSocket::nsid(self, ns)
    }
}
