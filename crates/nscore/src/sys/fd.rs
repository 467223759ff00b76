//! Descriptor plumbing that std does not offer: opening a file onto standard input
//! (close(2) + open(2) without `O_CLOEXEC`), which `nsenter --join-cgroup` does by accident
//! and we do on purpose, to behave the same; writing stderr as C does; how many descriptors
//! this process may still open.

use super::check;
use std::ffi::CString;
use std::fs::File;
use std::os::fd::FromRawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Closes fd 0 and opens `path` read-only in its place (the lowest free descriptor), inherited
/// across execve(2) like any standard input.
pub fn open_as_stdin(path: &Path) -> Result<File, i32> {
    let c = CString::new(path.as_os_str().as_bytes()).map_err(|_| libc::EINVAL)?;
    // SAFETY: closing fd 0, which no Rust object of ours owns (std's stdin only borrows it).
    unsafe { libc::close(0) };
    // SAFETY: c is NUL-terminated; the result is a new fd or -1.
    let fd = check(unsafe { libc::open(c.as_ptr(), libc::O_RDONLY) } as libc::c_long)?;
    // SAFETY: fresh fd owned by nobody else.
    Ok(unsafe { File::from_raw_fd(fd as libc::c_int) })
}

/// Writes all of `bytes` to descriptor 2, as C's unbuffered stderr does; unlike std's stderr,
/// a closed descriptor (EBADF) is an error too, which util-linux's exit status reflects.
pub fn write_stderr(bytes: &[u8]) -> Result<(), i32> {
    write_all(2, bytes)
}

/// Writes all of `bytes` to descriptor 1 as C stdio's `write(2)` calls do: unlike std's stdout,
/// a closed descriptor or one open read-only (EBADF) is an error, not a silent success.
pub fn write_stdout(bytes: &[u8]) -> Result<(), i32> {
    write_all(1, bytes)
}

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
pub fn is_exhaustion(errno: i32) -> bool {
    matches!(errno, libc::EMFILE | libc::ENFILE | libc::ENOMEM)
}

/// How many more descriptors this process may open: the soft `RLIMIT_NOFILE` less those
/// open now (counted in `/proc/self/fd`, or the lowest free number when that cannot be read).
/// Unlimited or unknown: `usize::MAX`.
pub fn free_descriptors() -> usize {
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit writes one struct rlimit through the pointer, valid for that.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 || lim.rlim_cur == libc::RLIM_INFINITY {
        return usize::MAX;
    }
    let limit = usize::try_from(lim.rlim_cur).unwrap_or(usize::MAX);
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

/// A descriptor standing for the working directory (`AT_FDCWD`).
fn cwd() -> std::os::fd::BorrowedFd<'static> {
    // SAFETY: AT_FDCWD is a valid directory argument to every *at(2) call, never closed.
    unsafe { std::os::fd::BorrowedFd::borrow_raw(libc::AT_FDCWD) }
}

/// The lowest descriptor number not open (what the next open(2) would get): a lower bound
/// of the open count when `/proc/self/fd` cannot be listed.
fn lowest_free() -> usize {
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) on fd 0 returns a new fd or -1; if it is new we own it.
    let fd = unsafe { libc::fcntl(0, libc::F_DUPFD_CLOEXEC, 0) };
    if fd < 0 {
        return 0;
    }
    // SAFETY: fd was just made by the fcntl above and nobody else owns it.
    unsafe { libc::close(fd) };
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
}
