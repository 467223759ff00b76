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
    /// through a symlink of that name; empty for an empty `argv[0]` or one ending in `/`, as
    /// util-linux's. Bytes that are not UTF-8 are carried ([`crate::byte_text::carry_bytes`]):
    /// print it through [`crate::byte_text::carried_bytes`] or [`Error::render_bytes`].
    pub prog: String,
}

impl Invocation {
    /// `default_name` serves only when there is no `argv[0]` at all, which Linux (5.18 and
    /// later) never gives: an `execve` with an empty argv gets `argv[0] = ""`.
    pub fn new(argv: Vec<OsString>, default_name: &str) -> Invocation {
        let prog = argv.first().map_or_else(|| default_name.to_string(), |a| program_name(a));
        Invocation { prog, argv }
    }
}

/// The basename of `argv[0]`: what follows its last `/`, byte for byte (non-UTF-8 bytes carried).
pub fn program_name(argv0: &OsStr) -> String {
    let bytes = argv0.as_bytes();
    let base = bytes.rsplit(|&b| b == b'/').next().unwrap_or(bytes);
    crate::byte_text::carry_bytes(base)
}

/// Runs a tool and returns the process exit status. `tool` writes its normal output into the
/// buffered stdout it is given and must flush it itself before it forks or execs.
pub fn run(
    argv: Vec<OsString>,
    default_name: &'static str,
    tool: fn(&Invocation, &mut dyn Write) -> Result<i32>,
) -> i32 {
    crate::sys::startup::restore_inherited_state();
    // util-linux's tools start with setlocale(LC_ALL, ""): the locale decides the charset of
    // the output, the regular expressions and strerror's language.
    crate::sys::locale::ctype_is_utf8();
    crate::sys::alloc::set_fallback_name(default_name);
    let inv = Invocation::new(argv, default_name);
    let mut out = StdioStream::new(RawStdout, stdio_buffer_size(&io::stdout()));
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
        // As `close_stdout`: a pipe without reader (SIGPIPE ignored) or a descriptor that
        // cannot be written (closed, read-only: EBADF) is no error when only the final flush
        // met it.
        Err(e) if !matches!(e.raw_os_error(), Some(libc::EPIPE | libc::EBADF)) => {
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

/// Descriptor 1 written with plain write(2), as C stdio writes it (std's stdout would take a
/// closed or read-only descriptor's EBADF for success).
struct RawStdout;

impl Write for RawStdout {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        crate::sys::fd::write_stdout(data).map_err(io::Error::from_raw_os_error)?;
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A stream buffered as glibc buffers a fully buffered `FILE`, write(2) for write(2): data
/// fills a buffer of `size` bytes; when more arrives than fits, the full buffer is written,
/// then as many whole buffers' worth of the rest as there are, straight, and what remains is
/// kept. So a reader sees the same chunks (and a pipe closed early or a full disk stops the
/// same write) as with util-linux. A write that fails on the way only sets the error flag and
/// drops the rest of that piece (util-linux ignores what its printing returns), so
/// `close_stdout` then finds `ferror` with no errno and says `write error` alone; a failure
/// of the final flush keeps its errno (`write error: No space left on device`).
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
        let fits = data.len().min(self.size - self.buf.len());
        self.buf.extend_from_slice(&data[..fits]);
        let rest = &data[fits..];
        if rest.is_empty() {
            return Ok(data.len());
        }
        let full = self.inner.write_all(&self.buf);
        self.buf.clear();
        // glibc writes whole blocks of the rest straight (for buffers of 128 bytes and more).
        let straight = if self.size >= 128 { rest.len() - rest.len() % self.size } else { rest.len() };
        let result = full.and_then(|()| self.inner.write_all(&rest[..straight]));
        match result {
            Ok(()) => self.buf.extend_from_slice(&rest[straight..]),
            Err(_) => self.failed = true,
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
        crate::cli::Parsed::Version => version_text(&inv.prog),
    };
    out.write_all(&crate::byte_text::carried_bytes(&text)).map_err(|e| Error::io("write error", &e))?;
    Ok(None)
}

/// The util-linux release rns matches, as its `--version` names it.
pub const UTIL_LINUX_VERSION: &str = "2.42.3";

/// `--version`: util-linux's line first, as scripts parse it (`lsns from util-linux 2.42.3`,
/// with the name called by), then what rns is on a line of its own (`rns 0.1.0`).
pub fn version_text(prog: &str) -> String {
    format!("{prog} from util-linux {UTIL_LINUX_VERSION}\nrns {}\n", env!("CARGO_PKG_VERSION"))
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

    /// Records each write(2) the stream makes.
    #[derive(Default)]
    struct Chunks(Vec<usize>);

    impl Write for Chunks {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.push(data.len());
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn stdio_stream_writes_in_glibc_chunks() {
        // One piece of 9825 bytes into a 4096-byte buffer: as glibc's fwrite, 4096 (the full
        // buffer), 4096 (a whole block, straight), 1633 kept until the end.
        let mut s = StdioStream::new(Chunks::default(), 4096);
        s.write_all(&[b'x'; 9825]).unwrap();
        assert_eq!(s.inner.0, [4096, 4096]);
        s.flush().unwrap();
        assert_eq!(s.inner.0, [4096, 4096, 1633]);
        // Small pieces: a write each time the buffer is full and more comes; exactly full waits.
        let mut s = StdioStream::new(Chunks::default(), 4096);
        for _ in 0..4096 {
            s.write_all(b"ab").unwrap();
        }
        assert_eq!(s.inner.0, [4096]);
        s.flush().unwrap();
        assert_eq!(s.inner.0, [4096, 4096]);
    }

    #[test]
    fn program_name_is_the_basename() {
        assert_eq!(program_name(OsStr::new("/usr/bin/unshare")), "unshare");
        assert_eq!(program_name(OsStr::new("rlsns")), "rlsns");
        // util-linux's short name: empty for `/usr/bin/` and for an empty argv[0].
        assert_eq!(program_name(OsStr::new("/usr/bin/")), "");
        assert_eq!(program_name(OsStr::new("")), "");
        // Bytes that are not UTF-8 go out as they came.
        let odd = OsStr::from_bytes(b"/x/a\xffb");
        assert_eq!(crate::byte_text::carried_bytes(&program_name(odd)), b"a\xffb");
        assert_eq!(Invocation::new(vec![OsString::new()], "rlsns").prog, "");
        assert_eq!(Invocation::new(Vec::new(), "rlsns").prog, "rlsns");
    }

    #[test]
    fn version_starts_with_util_linux_line() {
        let v = version_text("lsns");
        let first = v.lines().next().unwrap();
        assert_eq!(first, "lsns from util-linux 2.42.3");
        assert_eq!(first.split(' ').nth(3), Some("2.42.3"));
        assert_eq!(v.lines().nth(1), Some(format!("rns {}", env!("CARGO_PKG_VERSION")).as_str()));
        assert_eq!(v.lines().count(), 2);
    }
}
