//! nsfs file handles (Linux 6.18): name_to_handle_at(2) with `AT_HANDLE_FID` names a
//! namespace file by the namespace's ID, kind and inode number, and open_by_handle_at(2)
//! opens the namespace a handle names, whatever path (if any) leads to it. Raw system calls:
//! neither libc nor nix wraps them. [`NsfsHandles`] puts them behind a trait, so what
//! rnsenter's `--net=:ID` does on a kernel of another version can be tested on this one.

use super::{check, errno};
use nix::NixPath;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

/// `AT_HANDLE_FID` (Linux 6.5): a handle to tell files apart, which every filesystem gives
/// (not only those that can be exported). The value of `AT_REMOVEDIR`, which
/// name_to_handle_at(2) has no use for.
const AT_HANDLE_FID: libc::c_int = 0x200;

/// `sizeof(struct nsfs_file_handle)`.
const NSFS_HANDLE_BYTES: u32 = 16;

/// A file handle as nsfs makes them: `struct file_handle` whose `f_handle` is a
/// `struct nsfs_file_handle` (linux/nsfs.h). Another filesystem's handle of at most 16 bytes
/// reads into the same fields, with its own `handle_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NsHandle {
    /// `FILEID_NSFS` for a namespace file.
    pub handle_type: i32,
    pub ns_id: u64,
    /// The namespace's `CLONE_NEW*` flag; 0 in a handle to open leaves the kind open.
    pub ns_type: u32,
    /// The namespace's inode number; 0 in a handle to open leaves it open.
    pub ns_inum: u32,
}

impl NsHandle {
    /// A handle that holds the ID alone, as util-linux's nsenter fills one: Linux 6.19 opens
    /// it; 6.18 answers ESTALE (it finds a namespace by ID, kind and inode number together).
    pub(crate) fn id_only(handle_type: i32, ns_id: u64) -> NsHandle {
        NsHandle { handle_type, ns_id, ns_type: 0, ns_inum: 0 }
    }
}

/// `struct file_handle` with room for an nsfs handle, as the kernel reads and writes it.
#[repr(C)]
struct RawHandle {
    handle_bytes: u32,
    handle_type: libc::c_int,
    ns_id: u64,
    ns_type: u32,
    ns_inum: u32,
}

/// name_to_handle_at(2) with `AT_HANDLE_FID` of the file `path` names below `dir` (of `dir`
/// itself when `path` is empty), following symlinks, so procfs's magic links (`PID/ns/net`,
/// `PID/fd/3`) lead to the namespace. Nothing is opened: a FIFO or a device node there is
/// never asked anything. EOVERFLOW for a file whose handle is longer than an nsfs one.
pub(crate) fn handle_at(dir: BorrowedFd<'_>, path: &Path) -> Result<NsHandle, i32> {
    let mut raw = RawHandle { handle_bytes: NSFS_HANDLE_BYTES, handle_type: 0, ns_id: 0, ns_type: 0, ns_inum: 0 };
    let mut mount_id: libc::c_int = 0;
    let follow = if path.as_os_str().is_empty() { libc::AT_EMPTY_PATH } else { libc::AT_SYMLINK_FOLLOW };
    let rc = path
        .with_nix_path(|path| {
            // SAFETY: path is NUL-terminated; raw is a struct file_handle whose handle_bytes is
            // the room it has for f_handle, and mount_id an int, both valid for the call.
            unsafe {
                libc::syscall(
                    libc::SYS_name_to_handle_at,
                    dir.as_raw_fd(),
                    path.as_ptr(),
                    &mut raw as *mut RawHandle,
                    &mut mount_id as *mut libc::c_int,
                    AT_HANDLE_FID | follow,
                )
            }
        })
        .map_err(errno)?;
    check(rc)?;
    Ok(NsHandle { handle_type: raw.handle_type, ns_id: raw.ns_id, ns_type: raw.ns_type, ns_inum: raw.ns_inum })
}

/// open_by_handle_at(2) of an nsfs handle, decoded by the filesystem of `mount` (any nsfs
/// descriptor), read-only and close-on-exec: a descriptor of the namespace.
pub(crate) fn open_by_handle(mount: BorrowedFd<'_>, handle: &NsHandle) -> Result<OwnedFd, i32> {
    let mut raw = RawHandle {
        handle_bytes: NSFS_HANDLE_BYTES,
        handle_type: handle.handle_type,
        ns_id: handle.ns_id,
        ns_type: handle.ns_type,
        ns_inum: handle.ns_inum,
    };
    let flags = libc::O_RDONLY | libc::O_CLOEXEC;
    // SAFETY: raw is a struct file_handle with handle_bytes bytes of f_handle, valid for the
    // call, which returns a new descriptor or -1.
    let fd = check(unsafe {
        libc::syscall(libc::SYS_open_by_handle_at, mount.as_raw_fd(), &mut raw as *mut RawHandle, flags)
    })?;
    // SAFETY: a fresh descriptor that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// The calls behind rnsenter's `--<kind>=:ID`. Errors are errnos.
pub trait NsfsHandles {
    /// An nsfs descriptor to decode handles against, as util-linux finds one: the mount
    /// namespace of our own process, through a pidfd of it (pidfd_open(2),
    /// `PIDFD_GET_MNT_NAMESPACE`), which is closed again.
    fn own_mnt_namespace(&mut self) -> Result<OwnedFd, i32>;
    /// [`handle_at`].
    fn handle_at(&mut self, dir: BorrowedFd<'_>, path: &Path) -> Result<NsHandle, i32>;
    /// [`open_by_handle`].
    fn open_by_handle(&mut self, mount: BorrowedFd<'_>, handle: &NsHandle) -> Result<OwnedFd, i32>;
}

/// A kernel without nsfs file handles (every call ENOSYS): `--<kind>=:ID` is parsed and
/// fails where util-linux fills its handle template, never opening anything. For tests and
/// fuzz targets that parse rnsenter's arguments without touching the kernel.
#[cfg(any(test, feature = "testing"))]
pub struct NoHandles;

#[cfg(any(test, feature = "testing"))]
impl NsfsHandles for NoHandles {
    fn own_mnt_namespace(&mut self) -> Result<OwnedFd, i32> {
        Err(libc::ENOSYS)
    }

    fn handle_at(&mut self, _: BorrowedFd<'_>, _: &Path) -> Result<NsHandle, i32> {
        Err(libc::ENOSYS)
    }

    fn open_by_handle(&mut self, _: BorrowedFd<'_>, _: &NsHandle) -> Result<OwnedFd, i32> {
        Err(libc::ENOSYS)
    }
}

/// The running kernel.
#[derive(Debug, Default)]
pub struct LiveHandles;

impl NsfsHandles for LiveHandles {
    fn own_mnt_namespace(&mut self) -> Result<OwnedFd, i32> {
        let pidfd = super::ns::pidfd_open(super::process::getpid())?;
        super::pidfd::mnt_namespace(pidfd.as_fd())
    }

    fn handle_at(&mut self, dir: BorrowedFd<'_>, path: &Path) -> Result<NsHandle, i32> {
        handle_at(dir, path)
    }

    fn open_by_handle(&mut self, mount: BorrowedFd<'_>, handle: &NsHandle) -> Result<OwnedFd, i32> {
        open_by_handle(mount, handle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;

    /// A namespace file's handle names the namespace NS_GET_ID and fstat(2) describe, and opens it
    /// again; a handle without its kind and inode number opens it only on a kernel that finds
    /// namespaces by ID alone.
    #[test]
    fn a_namespace_file_handle_names_and_opens_its_namespace() {
        let ns = File::open("/proc/self/ns/net").unwrap();
        let Ok(handle) = handle_at(ns.as_fd(), Path::new("")) else {
            eprintln!("skip: this kernel gives namespace files no handles (before Linux 6.18)");
            return;
        };
        let st = super::super::at::stat_fd(ns.as_fd()).unwrap();
        assert_eq!(u64::from(handle.ns_inum), st.st_ino);
        assert_eq!(handle.ns_type, libc::CLONE_NEWNET as u32);
        assert_eq!(Ok(handle.ns_id), super::super::ns::ns_get_id(ns.as_fd()));
        // Through the magic link, without opening it.
        let proc = File::open("/proc").unwrap();
        assert_eq!(handle_at(proc.as_fd(), Path::new("self/ns/net")), Ok(handle));
        let again = open_by_handle(ns.as_fd(), &handle).unwrap();
        assert_eq!(super::super::at::stat_fd(again.as_fd()).unwrap().st_ino, st.st_ino);
        match open_by_handle(ns.as_fd(), &NsHandle::id_only(handle.handle_type, handle.ns_id)) {
            Ok(fd) => assert_eq!(super::super::at::stat_fd(fd.as_fd()).unwrap().st_ino, st.st_ino),
            Err(e) => assert_eq!(e, libc::ESTALE),
        }
        // Another filesystem's file has a handle of another type.
        let other = handle_at(proc.as_fd(), Path::new("self/stat"));
        assert!(other.map_or(true, |h| h.handle_type != handle.handle_type), "{other:?}");
    }
}
