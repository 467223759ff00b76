//! umount2(2): taking back runshare's persistent-namespace bind mounts when a later step fails
//! (mounting itself goes through [`super::Kernel::mount`], where its order is recorded).

use nix::mount::MntFlags;
use std::path::Path;

/// `umount2(path, MNT_DETACH)`.
pub(crate) fn umount_detach(path: &Path) -> Result<(), i32> {
    nix::mount::umount2(path, MntFlags::MNT_DETACH).map_err(super::errno)
}
