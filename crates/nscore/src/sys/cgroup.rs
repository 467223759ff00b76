//! The cgroup filesystem: whether a path is a cgroup v2 mount (statfs(2)), which
//! `nsenter --join-cgroup` requires of `/sys/fs/cgroup`.

use super::check;
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// `CGROUP2_SUPER_MAGIC` (linux/magic.h).
const CGROUP2_SUPER_MAGIC: libc::c_long = 0x6367_7270;

/// True when `path` is the root or inside of a cgroup2 mount.
pub fn is_cgroup2(path: &Path) -> Result<bool, i32> {
    let c = CString::new(path.as_os_str().as_bytes()).map_err(|_| libc::EINVAL)?;
    // SAFETY: statfs is plain data, filled by the kernel.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: c is NUL-terminated and fs a valid out-pointer for the call.
    check(unsafe { libc::statfs(c.as_ptr(), &mut fs) } as libc::c_long)?;
    Ok(fs.f_type as libc::c_long == CGROUP2_SUPER_MAGIC)
}
