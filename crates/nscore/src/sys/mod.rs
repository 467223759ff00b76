//! The one door to the kernel: every `unsafe` block and raw system call of rns lives below
//! this module (setns(2), unshare(2), ioctl_ns(2), pidfd_open(2), open_by_handle_at(2),
//! mount(2), prctl(2), ...).
//! Everything else in nscore calls these safe wrappers, so it can be read, and for the
//! decisions it makes, tested without root through [`Kernel`]'s recording fake.

pub(crate) mod alloc;
pub mod at;
pub(crate) mod caps;
pub(crate) mod cgroup;
pub mod dir;
pub(crate) mod environ;
pub(crate) mod fd;
pub(crate) mod gettext;
pub(crate) mod handle;
pub(crate) mod kernel;
pub(crate) mod locale;
pub(crate) mod mount;
pub(crate) mod mqueue;
pub(crate) mod netlink;
pub(crate) mod ns;
pub(crate) mod passwd;
pub(crate) mod pidfd;
pub(crate) mod pipe;
pub(crate) mod process;
pub(crate) mod regex;
pub(crate) mod resident;
pub(crate) mod signal;
pub(crate) mod startup;
pub(crate) mod tty;
pub(crate) mod uts;

#[cfg(feature = "testing")]
pub use handle::NoHandles;
pub use handle::{LiveHandles, NsHandle, NsfsHandles};
pub use kernel::{Call, RecordingKernel};
pub(crate) use kernel::{Kernel, LiveKernel};

use std::ffi::CStr;

/// glibc's `strerror` text for an errno (what `err(3)` prints), in the language of the
/// user's LC_MESSAGES and the codeset of their LC_CTYPE: bytes, as glibc gives them (Latin-1
/// in a `de_DE` ISO-8859-1 locale). A raw call: nix's `Errno::desc` is a table of its own,
/// not glibc's (locale-dependent) wording.
pub(crate) fn strerror(errno: i32) -> Vec<u8> {
    let mut buf = [0 as libc::c_char; 1024];
    // SAFETY: buf is valid for its length; the GNU strerror_r variant is not exposed by the
    // libc crate, the XSI one (`__xpg_strerror_r`) fills buf with a NUL-terminated string.
    let rc = unsafe { libc::strerror_r(errno, buf.as_mut_ptr(), buf.len()) };
    if rc != 0 {
        // An errno glibc has no text for: strerror's own `_("Unknown error ")` and the number.
        let mut text = gettext::translate(gettext::Domain::Libc, "Unknown error ");
        text.extend_from_slice(errno.to_string().as_bytes());
        return text;
    }
    // SAFETY: strerror_r succeeded, so buf holds a NUL-terminated string.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_bytes().to_vec()
}

/// The errno of the last failed libc call.
pub(crate) fn last_errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

/// The errno behind a failed nix wrapper, as the rest of rns passes errors around.
pub(crate) fn errno(e: nix::errno::Errno) -> i32 {
    e as i32
}

/// Maps a `-1` return to `Err(errno)`.
pub(crate) fn check(rc: libc::c_long) -> Result<libc::c_long, i32> {
    if rc == -1 {
        Err(last_errno())
    } else {
        Ok(rc)
    }
}
