//! The cgroup filesystem: whether a path is a cgroup v2 mount (statfs(2)), which
//! `nsenter --join-cgroup` requires of `/sys/fs/cgroup`.

use std::path::Path;

/// `CGROUP2_SUPER_MAGIC` (linux/magic.h).
const CGROUP2_SUPER_MAGIC: libc::c_long = 0x6367_7270;

/// True when `path` is the root or inside of a cgroup2 mount.
pub(crate) fn is_cgroup2(path: &Path) -> Result<bool, i32> {
    let fs = nix::sys::statfs::statfs(path).map_err(super::errno)?;
    Ok(fs.filesystem_type().0 as libc::c_long == CGROUP2_SUPER_MAGIC)
}
