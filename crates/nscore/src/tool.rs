//! What every rns binary does around its tool: the short program name for messages, the
//! process put back as its caller made it (SIGPIPE default unless inherited ignored, so
//! `rlsns | head -1` ends quietly; closed standard descriptors closed again; see
//! [`crate::sys::startup`]), stdout buffered as C stdio buffers it and checked at exit as
//! util-linux's `close_stdout_atexit` does (`write error: No space left on device`, exit 1),
//! messages on stderr that cannot fail the tool (a full or closed stderr only loses them).

use crate::error::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::sync::atomic::{AtomicBool, Ordering};

/// One run of a tool: its argument vector and the name its messages start with.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The whole argv, `argv[0]` included.
    pub argv: Vec<OsString>,
    /// Basename of `argv[0]` (`program_invocation_short_name`): `runshare`, or `unshare`
    /// through a symlink of that name.
    pub prog: String,
}

impl Invocation {
    pub fn new(argv: Vec<OsString>, default_name: &str) -> Invocation {
        let prog = argv.first().map(|a| program_name(a)).filter(|p| !p.is_empty());
        Invocation { prog: prog.unwrap_or_else(|| default_name.to_string()), argv }
    }
}

/// The basename of `argv[0]`.
pub fn program_name(argv0: &OsStr) -> String {
    let bytes = argv0.as_bytes();
    let base = bytes.rsplit(|&b| b == b'/').next().unwrap_or(bytes);
    String::from_utf8_lossy(base).into_owned()
}

/// Runs a tool and returns the process exit status. `tool` writes its normal output into the
/// buffered stdout it is given and must flush it itself before it forks or execs.
pub fn run(
    argv: Vec<OsString>,
    default_name: &'static str,
    tool: fn(&Invocation, &mut dyn Write) -> Result<i32>,
) -> i32 {
    crate::sys::startup::restore_inherited_state();
    crate::sys::alloc::set_fallback_name(default_name);
    let inv = Invocation::new(argv, default_name);
    let stdout = io::stdout();
    let mut out = StdioStream::new(stdout.lock(), stdio_buffer_size(&io::stdout()));
    let result = tool(&inv, &mut out);
    // util-linux prints its error at once and flushes stdout at exit: stderr comes first.
    let status = match result {
        Ok(status) => status,
        Err(e) => {
            report(&e.render_bytes(&inv.prog));
            e.status()
        }
    };
    // A write that failed while printing left only the stream's error flag, no errno.
    let failed_earlier = out.failed;
    let flushed = out.flush();
    drop(out);
    match flushed {
        _ if failed_earlier => {
            report(&Error::msg("write error").render_bytes(&inv.prog));
            1
        }
        Err(e) if e.raw_os_error() != Some(libc::EPIPE) => {
            report(&Error::io("write error", &e).render_bytes(&inv.prog));
            1
        }
        _ if STDERR_FAILED.load(Ordering::Relaxed) => 1,
        _ => status,
    }
}

/// Set when a message could not be written to stderr.
static STDERR_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes a message to stderr. A failure does not stop the tool (eprint! would panic), but it
/// makes the exit status 1, as util-linux's `close_stdout` at exit finds the error flag of its
/// unbuffered stderr set (`unshare /nonexistent 2>/dev/full` exits 1, not 127).
pub fn report(text: &[u8]) {
    if crate::sys::fd::write_stderr(text).is_err() {
        STDERR_FAILED.store(true, Ordering::Relaxed);
    }
}

/// glibc's buffer for a stream on `fd`: the file's block size, at most `BUFSIZ` (8192).
fn stdio_buffer_size(fd: &impl AsFd) -> usize {
    const BUFSIZ: usize = 8192;
    let blksize =
        fd.as_fd().try_clone_to_owned().and_then(|fd| std::fs::File::from(fd).metadata()).map(|m| m.blksize());
    match blksize {
        Ok(b) if b > 0 && (b as usize) < BUFSIZ => b as usize,
        _ => BUFSIZ,
    }
}

/// A stream buffered as C stdio buffers a fully buffered `FILE`: data stays in a buffer of
/// `size` bytes until more than fits arrives. A write that fails on the way only sets the
/// error flag (util-linux ignores what its printing returns), so `close_stdout` then finds
/// `ferror` with no errno and says `write error` alone; a failure of the final flush keeps
/// its errno (`write error: No space left on device`).
struct StdioStream<W: Write> {
    inner: W,
    buf: Vec<u8>,
    size: usize,
    /// `ferror`: a write out of a full buffer failed.
    failed: bool,
}

impl<W: Write> StdioStream<W> {
    fn new(inner: W, size: usize) -> StdioStream<W> {
        StdioStream { inner, buf: Vec::with_capacity(size), size, failed: false }
    }
}

impl<W: Write> Write for StdioStream<W> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() > self.size {
            if self.inner.write_all(&self.buf).is_err() {
                self.failed = true;
            }
            self.buf.clear();
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.buf);
        let result = self.inner.write_all(&pending).and_then(|()| self.inner.flush());
        if result.is_err() {
            self.failed = true;
        }
        result
    }
}

/// Answers `--help` (util-linux's text, `%s` standing for the program name) and `--version`
/// on stdout; `None` then, else the arguments to run with.
pub fn arguments<T>(
    inv: &Invocation,
    out: &mut dyn Write,
    parsed: crate::cli::Parsed<T>,
    usage: &str,
) -> Result<Option<T>> {
    let text = match parsed {
        crate::cli::Parsed::Run(args) => return Ok(Some(args)),
        crate::cli::Parsed::Help => usage.replace("%s", &inv.prog),
        crate::cli::Parsed::Version => version_line(&inv.prog),
    };
    out.write_all(text.as_bytes()).map_err(|e| Error::io("write error", &e))?;
    Ok(None)
}

/// The `--version` line: `rlsns from rns 0.1.0`.
pub fn version_line(prog: &str) -> String {
    format!("{prog} from rns {}\n", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every write, as stdout on /dev/full does.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from_raw_os_error(libc::ENOSPC))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn stdio_stream_fails_like_a_full_buffer_then_at_the_final_flush() {
        // What fits the buffer fails only when flushed, with its errno.
        let mut s = StdioStream::new(Full, 8);
        s.write_all(b"12345678").unwrap();
        assert!(!s.failed);
        assert_eq!(s.flush().unwrap_err().raw_os_error(), Some(libc::ENOSPC));
        // One byte more is written (and fails) while printing: only the flag is left.
        let mut s = StdioStream::new(Full, 8);
        s.write_all(b"1234").unwrap();
        s.write_all(b"56789").unwrap();
        assert!(s.failed);
        // Data reaches the writer in order.
        let mut s = StdioStream::new(Vec::new(), 4);
        s.write_all(b"ab").unwrap();
        s.write_all(b"cdef").unwrap();
        s.write_all(b"g").unwrap();
        s.flush().unwrap();
        assert_eq!(s.inner, b"abcdefg");
    }

    #[test]
    fn program_name_is_the_basename() {
        assert_eq!(program_name(OsStr::new("/usr/bin/unshare")), "unshare");
        assert_eq!(program_name(OsStr::new("rlsns")), "rlsns");
    }
}
