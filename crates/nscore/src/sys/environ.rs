//! The process environment as a whole: clearenv(3), which also drops entries that
//! `std::env::remove_var` cannot name (an entry starting with `=`).

/// Empties the environment. Call only while this process has a single thread (after fork,
/// before exec), as every change of the environment requires.
pub(crate) fn clear() {
    // nix's `clearenv` is an `unsafe fn` for the same reason; nothing is gained through it.
    // SAFETY: clearenv only resets glibc's `environ`; no other thread reads it concurrently
    // because the callers (runshare's and rnsenter's exec'ing process) are single-threaded.
    unsafe {
        libc::clearenv();
    }
}
