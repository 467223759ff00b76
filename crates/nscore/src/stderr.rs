//! Messages on stderr (descriptor 2, written with write(2)): they cannot fail the tool, but a
//! message that could not be written makes its exit status 1, as util-linux's.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set when a message could not be written to stderr.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes a message to stderr. A failure does not stop the tool (eprint! would panic), but it
/// makes the exit status 1, as util-linux's `close_stdout` at exit finds the error flag of its
/// unbuffered stderr set (`unshare /nonexistent 2>/dev/full` exits 1, not 127).
pub(crate) fn report(text: &[u8]) {
    if crate::sys::fd::write_stderr(text).is_err() {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// Whether a message could not be written ([`report`]).
pub(crate) fn failed() -> bool {
    STDERR_FAILED.load(Ordering::Relaxed)
}
