//! Descriptor plumbing that std does not offer: opening a file onto standard input
//! (close(2) + open(2) without `O_CLOEXEC`), which `nsenter --join-cgroup` does by accident
//! and we do on purpose, to behave the same; writing stderr as C does.

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
