//! System calls relative to a directory descriptor (openat(2), fstatat(2), readlinkat(2)), so a scan of
//! `/proc` resolves `PID/ns/net` from an open `/proc` instead of walking from `/` each time.

use std::ffi::{CStr, CString};
use std::fs::File;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// A path as the kernel takes it; a short one (every `PID/ns/net` of a scan) stays on the
/// stack, so the walk's threads do not allocate.
pub(super) enum CPath {
    Short([u8; 64]),
    Long(CString),
}

impl CPath {
    pub(super) fn as_ptr(&self) -> *const libc::c_char {
        match self {
            CPath::Short(buf) => buf.as_ptr().cast(),
            CPath::Long(c) => c.as_ptr(),
        }
    }
}

/// `path` NUL-terminated; EINVAL when it holds a NUL.
pub(super) fn c_path(path: &Path) -> Result<CPath, i32> {
    let bytes = path.as_os_str().as_bytes();
    let mut buf = [0u8; 64];
    if bytes.len() < buf.len() {
        buf[..bytes.len()].copy_from_slice(bytes);
        CStr::from_bytes_with_nul(&buf[..=bytes.len()]).map_err(|_| libc::EINVAL)?;
        return Ok(CPath::Short(buf));
    }
    CString::new(bytes).map(CPath::Long).map_err(|_| libc::EINVAL)
}

/// openat(2) read-only and close-on-exec; follows symlinks (so `PID/ns/net` opens the namespace).
pub fn open_at(dir: BorrowedFd<'_>, path: &Path) -> Result<File, i32> {
    let path = c_path(path)?;
    // SAFETY: path is NUL-terminated and outlives the call; dir is a valid descriptor.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), path.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) };
    let fd = super::check(fd as libc::c_long)? as RawFd;
    // SAFETY: openat returned a fresh descriptor that nobody else owns.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// openat(2) with `O_PATH`: a directory descriptor only to resolve names below it (no read
/// access is checked and nothing is opened for reading), close-on-exec.
pub fn open_dir_path(dir: BorrowedFd<'_>, path: &Path) -> Result<OwnedFd, i32> {
    let path = c_path(path)?;
    let flags = libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC;
    // SAFETY: path is NUL-terminated and outlives the call; dir is a valid descriptor.
    let fd = unsafe { libc::openat(dir.as_raw_fd(), path.as_ptr(), flags) };
    let fd = super::check(fd as libc::c_long)? as RawFd;
    // SAFETY: openat returned a fresh descriptor that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// fstatat(2), following a final symlink as stat(2) does.
pub fn stat_at(dir: BorrowedFd<'_>, path: &Path) -> Result<libc::stat, i32> {
    let path = c_path(path)?;
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: path is NUL-terminated; st is valid for one `struct stat`, which the kernel fills.
    let rc = unsafe { libc::fstatat(dir.as_raw_fd(), path.as_ptr(), st.as_mut_ptr(), 0) };
    super::check(rc as libc::c_long)?;
    // SAFETY: fstatat succeeded, so st is initialised.
    Ok(unsafe { st.assume_init() })
}

/// fstat(2) of an open descriptor.
pub fn stat_fd(fd: BorrowedFd<'_>) -> Result<libc::stat, i32> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: st is valid for one `struct stat`, which the kernel fills.
    let rc = unsafe { libc::fstat(fd.as_raw_fd(), st.as_mut_ptr()) };
    super::check(rc as libc::c_long)?;
    // SAFETY: fstat succeeded, so st is initialised.
    Ok(unsafe { st.assume_init() })
}

/// readlinkat(2) into `buf`: the length of the link's text (cut at `buf`'s length).
pub fn read_link_at(dir: BorrowedFd<'_>, path: &Path, buf: &mut [u8]) -> Result<usize, i32> {
    let path = c_path(path)?;
    // SAFETY: path is NUL-terminated; buf is writable for its length, which the kernel honours.
    let len = unsafe { libc::readlinkat(dir.as_raw_fd(), path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    super::check(len as libc::c_long).map(|n| n as usize)
}
