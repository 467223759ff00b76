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
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
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

/// `NSFS_MAGIC` (linux/magic.h): the filesystem of namespace files.
const NSFS_MAGIC: i64 = 0x6e73_6673;

/// The namespace file with inode `ino` that a path someone else controls names, opened
/// without trusting the path: whatever is there is first opened with `O_PATH` (no open(2) of
/// the file itself, so a FIFO cannot block and a device node's driver is never asked), then
/// kept only if it lies on nsfs and has the inode expected (mountinfo's `net:[INODE]`), and
/// only then opened for reading, through our own descriptor table (`/proc/self/fd`), which
/// reaches that same inode whatever the path now names. ENXIO when it is not that file.
fn reopen_verified_nsfs(opath: OwnedFd, ino: u64) -> Result<File, i32> {
    let on_nsfs = fs_type(opath.as_fd())? == NSFS_MAGIC;
    if !on_nsfs || stat_fd(opath.as_fd())?.st_ino != ino {
        return Err(libc::ENXIO);
    }
    let own = format!("/proc/self/fd/{}", opath.as_raw_fd());
    let fd = nix::fcntl::open(own.as_str(), OFlag::O_RDONLY | OFlag::O_CLOEXEC, Mode::empty()).map_err(errno)?;
    // SAFETY: open returned a fresh descriptor that nobody else owns.
    let file = unsafe { File::from_raw_fd(fd) };
    // The magic link leads to the file the descriptor holds; checked again all the same.
    if stat_fd(file.as_fd())?.st_ino != ino {
        return Err(libc::ENXIO);
    }
    Ok(file)
}

/// The namespace file with inode `ino` at `path` below our procfs `dir` (`PID/ns/net`,
/// `PID/fd/3`): procfs's magic links are the kernel's and are followed, but what a process's
/// descriptor now holds is its own choice (a FIFO dup'ed onto the number since the scan), so
/// the file is checked as [`reopen_verified_nsfs`] checks it.
pub(crate) fn open_nsfs_in_proc(dir: BorrowedFd<'_>, path: &Path, ino: u64) -> Result<File, i32> {
    let fd = open_raw(dir, path, OFlag::O_PATH | OFlag::O_CLOEXEC)?;
    // SAFETY: openat returned a fresh descriptor that nobody else owns.
    reopen_verified_nsfs(unsafe { OwnedFd::from_raw_fd(fd) }, ino)
}

/// The namespace file with inode `ino` bind-mounted at `path` inside the filesystem tree
/// whose root is `root` (a container's, as `/proc/PID/root` opens it, or our own `/`):
/// resolved as that tree sees it (openat2(2) `RESOLVE_IN_ROOT`: `..` and absolute symlinks
/// stay inside it), no magic link followed and no final symlink, then checked as
/// [`reopen_verified_nsfs`] checks it. Kernels before 5.6 have no openat2(2): there the path
/// resolves from `root` as openat(2) does, and the checks still keep anything but that
/// namespace file out.
pub(crate) fn open_nsfs_beneath(root: BorrowedFd<'_>, path: &Path, ino: u64) -> Result<File, i32> {
    reopen_verified_nsfs(open_in_root(root, path, OFlag::O_PATH | OFlag::O_NOFOLLOW)?, ino)
}

/// openat2(2) of `path` (absolute or not) in the tree whose root is `root`, with `flags`
/// (and close-on-exec): `RESOLVE_IN_ROOT` and `RESOLVE_NO_MAGICLINKS`; openat(2) from `root`
/// on a kernel without openat2(2).
fn open_in_root(root: BorrowedFd<'_>, path: &Path, flags: OFlag) -> Result<OwnedFd, i32> {
    let relative = path.strip_prefix("/").unwrap_or(path);
    let relative = if relative.as_os_str().is_empty() { Path::new(".") } else { relative };
    let flags = flags | OFlag::O_CLOEXEC;
    let how = nix::fcntl::OpenHow::new()
        .flags(flags)
        .resolve(nix::fcntl::ResolveFlag::RESOLVE_IN_ROOT | nix::fcntl::ResolveFlag::RESOLVE_NO_MAGICLINKS);
    let fd = match nix::fcntl::openat2(root.as_raw_fd(), relative, how) {
        Err(nix::errno::Errno::ENOSYS) => open_raw(root, relative, flags)?,
        other => other.map_err(errno)?,
    };
    // SAFETY: openat2/openat returned a fresh descriptor that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// The directory at `path` inside the tree whose root is `root` (a container's), opened for
/// reading its entries: resolved as [`open_nsfs_beneath`] resolves, never through a final
/// symlink, and non-blocking.
pub(crate) fn open_dir_beneath(root: BorrowedFd<'_>, path: &Path) -> Result<OwnedFd, i32> {
    open_in_root(root, path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_NONBLOCK)
}

/// The filesystem type (statfs(2) `f_type`, linux/magic.h) of an open descriptor.
pub(crate) fn fs_type(fd: BorrowedFd<'_>) -> Result<i64, i32> {
    Ok(nix::sys::statfs::fstatfs(fd).map_err(errno)?.filesystem_type().0 as i64)
}

/// The root directory `/` (`O_PATH`), for [`open_nsfs_beneath`] in our own tree.
pub(crate) fn own_root() -> Result<OwnedFd, i32> {
    let fd =
        nix::fcntl::open("/", OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC, Mode::empty()).map_err(errno)?;
    // SAFETY: open returned a fresh descriptor that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
