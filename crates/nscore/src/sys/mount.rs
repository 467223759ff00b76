//! umount2(2): taking back runshare's persistent-namespace bind mounts when a later step fails
//! (mounting itself goes through [`super::Kernel::mount`], where its order is recorded).

use super::check;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// `umount2(path, MNT_DETACH)`.
pub fn umount_detach(path: &Path) -> Result<(), i32> {
    let p = CString::new(path.as_os_str().as_bytes()).map_err(|_| libc::EINVAL)?;
    // SAFETY: p is NUL-terminated and alive for the call.
    check(unsafe { libc::umount2(p.as_ptr(), libc::MNT_DETACH) } as libc::c_long).map(drop)
}
