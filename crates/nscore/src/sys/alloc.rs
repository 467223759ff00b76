//! The global allocator: the system's malloc(3), except that running out of memory (a small
//! `ulimit -v`, a cgroup's memory limit) ends the process as util-linux's `xmalloc` does,
//! `lsns: cannot allocate 24 bytes: Cannot allocate memory` and exit status 1, instead of
//! Rust's `memory allocation of 24 bytes failed` and an abort (SIGABRT, a core dump).
//!
//! The message is written with write(2) from a buffer on the stack: nothing here may allocate.
//! The process leaves with `_exit(2)`, so output still buffered in the tool is lost; util-linux
//! would flush its stdio buffer, but no caller can rely on the output of a run that failed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ffi::CStr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::OnceLock;

/// [`System`], ending the process with a message where it would return null.
pub(crate) struct ExitOnExhaustion;

#[global_allocator]
static ALLOCATOR: ExitOnExhaustion = ExitOnExhaustion;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so `System`'s
// guarantees hold; a null result never reaches the caller (the process ends first).
unsafe impl GlobalAlloc for ExitOnExhaustion {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantee (a layout of non-zero size).
        let ptr = unsafe { System.alloc(layout) };
        if ptr.is_null() {
            exhausted(layout.size());
        }
        ptr
    }

    // SAFETY: an `unsafe fn` of the trait; the callers' obligations are `System`'s.
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as in `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if ptr.is_null() {
            exhausted(layout.size());
        }
        ptr
    }

    // SAFETY: an `unsafe fn` of the trait; the callers' obligations are `System`'s.
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    // SAFETY: an `unsafe fn` of the trait; the callers' obligations are `System`'s.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from `System` with `layout`; the caller guarantees `new_size`.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            exhausted(new_size);
        }
        new
    }
}

/// `argv[0]` as the C runtime handed it to the program (set before `main` by
/// [`super::startup`]); it lives as long as the process.
static ARGV0: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());

/// The name for an empty `argv[0]`, as the tool's own messages use it.
static FALLBACK_NAME: OnceLock<&'static str> = OnceLock::new();

pub(super) fn record_argv0(argv0: *mut libc::c_char) {
    ARGV0.store(argv0, Ordering::Relaxed);
}

/// The program's name when `argv[0]` is empty (`rlsns`, `runshare`, ...).
pub(crate) fn set_fallback_name(name: &'static str) {
    let _ = FALLBACK_NAME.set(name);
}

/// The short program name, without allocating: the basename of `argv[0]` as given (empty for
/// an empty one, as util-linux's messages), the fallback only when there is no `argv[0]`.
fn program_name() -> &'static [u8] {
    let argv0 = ARGV0.load(Ordering::Relaxed);
    if argv0.is_null() {
        return FALLBACK_NAME.get().map_or(b"rns".as_slice(), |n| n.as_bytes());
    }
    // SAFETY: the pointer is argv[0] from the C runtime, a NUL-terminated string that lives
    // (unchanged: nothing in rns writes to argv) as long as the process.
    let name = unsafe { CStr::from_ptr(argv0) }.to_bytes();
    name.rsplit(|&b| b == b'/').next().unwrap_or(name)
}

/// util-linux's `err(EXIT_FAILURE, "cannot allocate %zu bytes")`, with `_exit`.
fn exhausted(size: usize) -> ! {
    let mut buf = [0u8; 512];
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        let n = bytes.len().min(buf.len() - len);
        buf[len..len + n].copy_from_slice(&bytes[..n]);
        len += n;
    };
    put(program_name());
    put(b": cannot allocate ");
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = size;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    put(&digits[at..]);
    put(b" bytes: Cannot allocate memory\n");
    let _ = super::fd::write_stderr(&buf[..len]);
    super::process::exit_now(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_is_the_basename_of_argv0() {
        // The test binary's own argv[0], recorded before main.
        let name = std::str::from_utf8(program_name()).unwrap();
        assert!(!name.is_empty() && !name.contains('/'), "{name:?}");
        let exe = std::env::args().next().unwrap();
        assert!(exe.ends_with(name), "{exe} / {name}");
    }
}
