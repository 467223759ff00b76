//! uname(2): the node and NIS domain names of the calling thread's uts namespace.

use super::check;
use std::ffi::CStr;

/// The node name and the NIS domain name (`(none)` when none is set), as bytes.
pub(crate) fn node_and_domain() -> Result<(Vec<u8>, Vec<u8>), i32> {
    // SAFETY: utsname is plain data (arrays of c_char) for which all zeros is valid.
    let mut names: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: uname writes into the struct, which is valid for writes of its size.
    check(unsafe { libc::uname(&mut names) } as libc::c_long)?;
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f.iter().map(|&c| c as u8).collect();
        CStr::from_bytes_until_nul(&bytes).map(|s| s.to_bytes().to_vec()).unwrap_or(bytes)
    };
    Ok((field(&names.nodename), field(&names.domainname)))
}
