//! System calls relative to a directory descriptor (openat(2), fstatat(2), readlinkat(2)), so a scan of
//! `/proc` resolves `PID/ns/net` from an open `/proc` instead of walking from `/` each time.
//!
//! Paths reach the kernel through nix's [`NixPath`], which NUL-terminates a path shorter than
//! 1,024 bytes on the stack (EINVAL when it holds a NUL): the walk's threads do not allocate.

use super::errno;
use nix::fcntl::{AtFlags, OFlag};
use nix::sys::stat::Mode;
use nix::NixPath;
use std::fs::File;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;

/// openat(2) of `path` below `dir` with `flags`; mode 0, which the kernel ignores without O_CREAT.
pub(super) fn open_raw(dir: BorrowedFd<'_>, path: &Path, flags: OFlag) -> Result<RawFd, i32> {
    nix::fcntl::openat(Some(dir.as_raw_fd()), path, flags, Mode::empty()).map_err(errno)
}

/// openat(2) read-only and close-on-exec; follows symlinks (so `PID/ns/net` opens the namespace).
pub(crate) fn open_at(dir: BorrowedFd<'_>, path: &Path) -> Result<File, i32> {
    let fd = open_raw(dir, path, OFlag::O_RDONLY | OFlag::O_CLOEXEC)?;
    // SAFETY: openat returned a fresh descriptor that nobody else owns.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// openat(2) with `O_PATH`: a directory descriptor only to resolve names below it (no read
/// access is checked and nothing is opened for reading), close-on-exec.
pub fn open_dir_path(dir: BorrowedFd<'_>, path: &Path) -> Result<OwnedFd, i32> {
    let fd = open_raw(dir, path, OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC)?;
    // SAFETY: openat returned a fresh descriptor that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// fstatat(2), following a final symlink as stat(2) does.
pub fn stat_at(dir: BorrowedFd<'_>, path: &Path) -> Result<libc::stat, i32> {
    nix::sys::stat::fstatat(Some(dir.as_raw_fd()), path, AtFlags::empty()).map_err(errno)
}

/// fstat(2) of an open descriptor.
pub(crate) fn stat_fd(fd: BorrowedFd<'_>) -> Result<libc::stat, i32> {
    nix::sys::stat::fstat(fd.as_raw_fd()).map_err(errno)
}

/// readlinkat(2) into `buf`: the length of the link's text (cut at `buf`'s length). A raw
/// call: nix's `readlinkat` returns a new `OsString`, an allocation per link that the walk
/// (eight links per process) does not make.
pub fn read_link_at(dir: BorrowedFd<'_>, path: &Path, buf: &mut [u8]) -> Result<usize, i32> {
    let len = path
        .with_nix_path(|path| {
            // SAFETY: path is NUL-terminated; buf is writable for its length, which the kernel honours.
            unsafe { libc::readlinkat(dir.as_raw_fd(), path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) }
        })
        .map_err(errno)?;
    super::check(len as libc::c_long).map(|n| n as usize)
}
