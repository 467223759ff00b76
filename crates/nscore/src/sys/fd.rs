//! Descriptor plumbing that std does not offer: opening a file onto standard input
//! (close(2) + open(2) without `O_CLOEXEC`), which `nsenter --join-cgroup` does by accident
//! and we do on purpose, to behave the same; writing stderr as C does; how many descriptors
//! this process may still open; moving a descriptor to the lowest free number.

use super::{check, errno};
use nix::fcntl::{fcntl, FcntlArg, OFlag};
use nix::sys::resource::{getrlimit, Resource};
use nix::sys::stat::Mode;
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::Path;

/// Closes fd 0 and opens `path` read-only in its place (the lowest free descriptor), inherited
/// across execve(2) like any standard input.
pub(crate) fn open_as_stdin(path: &Path) -> Result<File, i32> {
    // Descriptor 0 is owned by no Rust object of ours (std's stdin only borrows it); closed
    // or not, it is free afterwards.
    let _ = nix::unistd::close(0);
    let fd = nix::fcntl::open(path, OFlag::O_RDONLY, Mode::empty()).map_err(errno)?;
    // SAFETY: fresh fd owned by nobody else.
    Ok(unsafe { File::from_raw_fd(fd) })
}

/// Writes all of `bytes` to descriptor 2, as C's unbuffered stderr does; unlike std's stderr,
/// a closed descriptor (EBADF) is an error too, which util-linux's exit status reflects.
pub(crate) fn write_stderr(bytes: &[u8]) -> Result<(), i32> {
    write_all(2, bytes)
}

/// Writes all of `bytes` to descriptor 1 as C stdio's `write(2)` calls do: unlike std's stdout,
/// a closed descriptor or one open read-only (EBADF) is an error, not a silent success.
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), i32> {
    write_all(1, bytes)
}

/// A raw write(2): nix's `write` takes a `BorrowedFd`, and borrowing descriptor 1 or 2 is
/// unsafe too (std's `Stdout`, the safe way, allocates its buffer on first use, which the
/// allocator's out-of-memory message must not).
fn write_all(fd: libc::c_int, mut bytes: &[u8]) -> Result<(), i32> {
    while !bytes.is_empty() {
        // SAFETY: bytes is valid for its length; a standard descriptor needs no ownership to be
        // written to (a closed one answers EBADF).
        match check(unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) } as libc::c_long) {
            Ok(n) => bytes = &bytes[n as usize..],
            Err(libc::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Is `errno` a failure for want of descriptors or memory (EMFILE, ENFILE, ENOMEM)? Such a
/// failure says nothing about the file asked for: it must not be read as "absent".
pub(crate) fn is_exhaustion(errno: i32) -> bool {
    matches!(errno, libc::EMFILE | libc::ENFILE | libc::ENOMEM)
}

/// How many more descriptors this process may open: the soft `RLIMIT_NOFILE` less those
/// open now (counted in `/proc/self/fd`, or the lowest free number when that cannot be read).
/// Unlimited or unknown: `usize::MAX`.
pub(crate) fn free_descriptors() -> usize {
    let Ok((soft, _)) = getrlimit(Resource::RLIMIT_NOFILE) else { return usize::MAX };
    if soft == libc::RLIM_INFINITY {
        return usize::MAX;
    }
    let limit = usize::try_from(soft).unwrap_or(usize::MAX);
    let open = match super::dir::Dir::open_at(cwd(), Path::new("/proc/self/fd")) {
        // The listing's own descriptor is among the entries.
        Ok(dir) => {
            let mut n = 0usize;
            match dir.for_each_name(|_| n += 1) {
                Ok(()) => n.saturating_sub(1),
                Err(_) => lowest_free(),
            }
        }
        Err(_) => lowest_free(),
    };
    limit.saturating_sub(open)
}

/// `fd` moved to the lowest free number (close-on-exec), the number an open(2) made now would
/// get: where util-linux opens one file, rns may have opened others meanwhile and closed them
/// again, and messages print descriptor numbers.
pub(crate) fn to_lowest(fd: OwnedFd) -> Result<OwnedFd, i32> {
    let lowest = fcntl(fd.as_raw_fd(), FcntlArg::F_DUPFD_CLOEXEC(0)).map_err(errno)?;
    // SAFETY: the fcntl above made this descriptor and nobody else owns it.
    let lowest = unsafe { OwnedFd::from_raw_fd(lowest) };
    // The one not kept is closed when dropped.
    Ok(if lowest.as_raw_fd() < fd.as_raw_fd() { lowest } else { fd })
}

/// A descriptor standing for the working directory (`AT_FDCWD`).
fn cwd() -> std::os::fd::BorrowedFd<'static> {
    // SAFETY: AT_FDCWD is a valid directory argument to every *at(2) call, never closed.
    unsafe { std::os::fd::BorrowedFd::borrow_raw(libc::AT_FDCWD) }
}

/// The lowest descriptor number not open (what the next open(2) would get): a lower bound
/// of the open count when `/proc/self/fd` cannot be listed.
fn lowest_free() -> usize {
    let Ok(fd) = fcntl(0, FcntlArg::F_DUPFD_CLOEXEC(0)) else { return 0 };
    // fd was just made by the fcntl above and nobody else owns it.
    let _ = nix::unistd::close(fd);
    fd as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_descriptors_counts_what_is_opened() {
        // Other tests open and close descriptors meanwhile: compare loosely.
        let before = free_descriptors();
        let held: Vec<File> = (0..50).map(|_| File::open("/proc/self/stat").unwrap()).collect();
        let after = free_descriptors();
        drop(held);
        assert!(before != usize::MAX && after + 40 <= before, "before {before}, after {after}");
        assert!(is_exhaustion(libc::EMFILE) && is_exhaustion(libc::ENFILE) && is_exhaustion(libc::ENOMEM));
        assert!(!is_exhaustion(libc::ENOENT));
    }

    #[test]
    fn a_descriptor_moves_down_to_a_free_number() {
        let (first, second) = (File::open("/proc/self/stat").unwrap(), File::open("/").unwrap());
        let (freed, was) = (first.as_raw_fd(), second.as_raw_fd());
        drop(first);
        let moved = to_lowest(second.into()).unwrap();
        // Other tests open descriptors meanwhile: the number freed may be taken again, but a
        // higher one never comes back, and it is still the same file.
        assert!(moved.as_raw_fd() <= was, "{} from {was}, {freed} freed", moved.as_raw_fd());
        let root = nix::sys::stat::stat("/").unwrap();
        let st = nix::sys::stat::fstat(moved.as_raw_fd()).unwrap();
        assert_eq!((st.st_dev, st.st_ino), (root.st_dev, root.st_ino));
    }
}
