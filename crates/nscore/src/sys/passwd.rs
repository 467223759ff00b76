//! The user and group databases through NSS (getpwuid_r(3), getpwnam_r(3), getgrnam_r(3)),
//! with names as the bytes they hold: a passwd or group name need not be UTF-8. Raw calls:
//! nix's `User` and `Group` hold names as `String` (lossy: a byte that is not UTF-8 becomes
//! U+FFFD) and size their buffer by sysconf(3) instead of growing this one as util-linux does.

use std::ffi::{CStr, CString};

/// Calls a reentrant NSS lookup with a buffer grown until it fits; `found` is the entry's
/// pointer that `lookup` sets, non-NULL when the entry exists. Returns what `read` takes from
/// the entry.
fn lookup<E, T>(
    call: impl FnMut(*mut E, *mut libc::c_char, usize, *mut *mut E) -> libc::c_int,
    read: impl FnOnce(&E) -> T,
) -> Option<T> {
    lookup_or_errno(call, read).ok().flatten()
}

/// [`lookup`], telling a failed lookup (its errno: ENOMEM, EMFILE, ...) from a missing entry.
fn lookup_or_errno<E, T>(
    mut call: impl FnMut(*mut E, *mut libc::c_char, usize, *mut *mut E) -> libc::c_int,
    read: impl FnOnce(&E) -> T,
) -> Result<Option<T>, i32> {
    let mut buf: Vec<libc::c_char> = vec![0; 1024];
    loop {
        // SAFETY: passwd and group are plain data that the lookup fills in.
        let mut entry: E = unsafe { std::mem::zeroed() };
        let mut found: *mut E = std::ptr::null_mut();
        let rc = call(&mut entry, buf.as_mut_ptr(), buf.len(), &mut found);
        if rc == libc::ERANGE && buf.len() < 1 << 24 {
            buf.resize(buf.len() * 4, 0);
            continue;
        }
        return match rc {
            0 => Ok((!found.is_null()).then(|| read(&entry))),
            // getpwuid_r's "no such entry" answers (see its manual's NOTES)
            libc::ENOENT | libc::ESRCH | libc::EBADF | libc::EPERM => Ok(None),
            errno => Err(errno),
        };
    }
}

/// getpwuid_r(3) of `uid`, reading the entry with `read`; `None` when it has no entry, the
/// errno when the lookup itself failed (out of descriptors or memory).
fn by_uid<T>(uid: u32, read: impl FnOnce(&libc::passwd) -> T) -> Result<Option<T>, i32> {
    lookup_or_errno(
        // SAFETY: every pointer is valid for the call; the buffer is writable for its length.
        |entry, buf, len, found| unsafe { libc::getpwuid_r(uid, entry, buf, len, found) },
        read,
    )
}

/// The name of `uid` as getpwuid(3) answers, byte for byte; `None` when it has no entry,
/// the errno when the lookup itself failed (out of descriptors or memory).
pub(crate) fn user_name(uid: u32) -> Result<Option<Vec<u8>>, i32> {
    // SAFETY: on success pw_name points to a NUL-terminated string inside the buffer.
    by_uid(uid, |entry| unsafe { CStr::from_ptr(entry.pw_name) }.to_bytes().to_vec())
}

/// The login shell of `uid` as getpwuid(3) answers, byte for byte (empty when the entry has
/// none); `None` and errors as for [`user_name`].
pub(crate) fn user_shell(uid: u32) -> Result<Option<Vec<u8>>, i32> {
    by_uid(uid, |entry| {
        if entry.pw_shell.is_null() {
            return Vec::new();
        }
        // SAFETY: on success a non-NULL pw_shell points to a NUL-terminated string inside the buffer.
        unsafe { CStr::from_ptr(entry.pw_shell) }.to_bytes().to_vec()
    })
}

/// The uid of the user `name` (bytes) as getpwnam(3) answers.
pub(crate) fn uid_of(name: &[u8]) -> Option<u32> {
    let name = CString::new(name).ok()?;
    lookup(
        // SAFETY: name is NUL-terminated; every pointer is valid for the call.
        |entry, buf, len, found| unsafe { libc::getpwnam_r(name.as_ptr(), entry, buf, len, found) },
        |entry: &libc::passwd| entry.pw_uid,
    )
}

/// The gid of the group `name` (bytes) as getgrnam(3) answers.
pub(crate) fn gid_of(name: &[u8]) -> Option<u32> {
    let name = CString::new(name).ok()?;
    lookup(
        // SAFETY: name is NUL-terminated; every pointer is valid for the call.
        |entry, buf, len, found| unsafe { libc::getgrnam_r(name.as_ptr(), entry, buf, len, found) },
        |entry: &libc::group| entry.gr_gid,
    )
}
