//! uname(2): the node and NIS domain names of the calling thread's uts namespace.

use std::os::unix::ffi::OsStrExt;

/// The node name and the NIS domain name (`(none)` when none is set), as bytes.
pub(crate) fn node_and_domain() -> Result<(Vec<u8>, Vec<u8>), i32> {
    let names = nix::sys::utsname::uname().map_err(super::errno)?;
    Ok((names.nodename().as_bytes().to_vec(), names.domainname().as_bytes().to_vec()))
}
