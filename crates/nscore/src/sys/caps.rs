//! Capabilities (capget(2), capset(2), prctl(2) `PR_CAP_AMBIENT`): `--keep-caps` makes the
//! permitted set inheritable and raises each capability as ambient, so the program keeps it
//! across execve(2) even as non-root. Raw calls: nix has neither capget/capset nor the
//! `PR_CAP_AMBIENT` prctl.

use super::check;

#[repr(C)]
struct CapHeader {
    version: u32,
    pid: libc::c_int,
}

#[repr(C)]
#[derive(Clone, Copy, Default)]
struct CapData {
    effective: u32,
    permitted: u32,
    inheritable: u32,
}

const LINUX_CAPABILITY_VERSION_3: u32 = 0x2008_0522;

/// Which step failed, in util-linux's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CapsError {
    Capget(i32),
    Capset(i32),
    Ambient(i32),
}

impl CapsError {
    /// The util-linux message and errno.
    pub(crate) fn describe(self) -> (&'static str, i32) {
        match self {
            CapsError::Capget(e) => ("capget failed", e),
            CapsError::Capset(e) => ("capset failed", e),
            CapsError::Ambient(e) => ("prctl(PR_CAP_AMBIENT) failed", e),
        }
    }
}

/// The highest capability number the kernel knows (`/proc/sys/kernel/cap_last_cap`).
fn cap_last_cap() -> u32 {
    std::fs::read_to_string("/proc/sys/kernel/cap_last_cap").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(40)
}

/// Copies the permitted set into the inheritable set and raises every permitted capability
/// as ambient.
pub(crate) fn keep_caps_as_ambient() -> Result<(), CapsError> {
    let mut header = CapHeader { version: LINUX_CAPABILITY_VERSION_3, pid: 0 };
    let mut data = [CapData::default(); 2];
    // SAFETY: header and a two-element data array are what capget(2) version 3 expects.
    check(unsafe { libc::syscall(libc::SYS_capget, &mut header as *mut CapHeader, data.as_mut_ptr()) })
        .map_err(CapsError::Capget)?;
    for d in &mut data {
        d.inheritable = d.permitted;
    }
    // SAFETY: as above; the kernel only reads the structures.
    check(unsafe { libc::syscall(libc::SYS_capset, &mut header as *mut CapHeader, data.as_ptr()) })
        .map_err(CapsError::Capset)?;
    for cap in 0..=cap_last_cap() {
        let word = data[(cap / 32) as usize].permitted;
        if word & (1 << (cap % 32)) == 0 {
            continue;
        }
        // SAFETY: prctl with integer arguments only.
        let rc = unsafe {
            libc::prctl(libc::PR_CAP_AMBIENT, libc::PR_CAP_AMBIENT_RAISE as libc::c_ulong, cap as libc::c_ulong, 0, 0)
        };
        check(rc as libc::c_long).map_err(CapsError::Ambient)?;
    }
    Ok(())
}
