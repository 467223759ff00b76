//! What every rns binary does around its tool: the short program name for messages, the
//! process put back as its caller made it (SIGPIPE default unless inherited ignored, so
//! `rlsns | head -1` ends quietly; closed standard descriptors closed again; see
//! [`crate::sys::startup`]), stdout buffered as C stdio buffers it and checked at exit as
//! util-linux's `close_stdout_atexit` does (`write error: No space left on device`, exit 1),
//! messages on stderr through [`crate::stderr`].

use crate::cli::invocation::Invocation;
use crate::error::{Error, Result};
use std::ffi::OsString;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::os::unix::fs::MetadataExt;

/// Runs a tool and returns the process exit status. `tool` writes its normal output into the
/// buffered stdout it is given and must flush it itself before it forks or execs.
pub fn run(
    argv: Vec<OsString>,
    default_name: &'static str,
    tool: fn(&Invocation, &mut dyn Write) -> Result<i32>,
) -> i32 {
    crate::sys::startup::restore_inherited_state();
    // util-linux's tools start with setlocale(LC_ALL, ""): the locale decides the charset of
    // the output, the regular expressions, and the language of strerror and of every message.
    crate::sys::locale::select_user_locale();
    crate::cli::getopt::read_posixly_correct();
    crate::sys::alloc::set_fallback_name(default_name);
    let inv = Invocation::new(argv, default_name);
    let mut out = StdioStream::new(RawStdout, stdio_buffer_size(&io::stdout()));
    let result = tool(&inv, &mut out);
    // util-linux prints its error at once and flushes stdout at exit: stderr comes first.
    let status = match result {
        Ok(status) => status,
        Err(e) => {
            crate::stderr::report(&e.render_bytes(&inv.prog));
            e.status()
        }
    };
    // A write that failed while printing left only the stream's error flag, no errno.
    let failed_earlier = out.failed;
    let flushed = out.flush();
    drop(out);
    match flushed {
        _ if failed_earlier => {
            crate::stderr::report(&Error::tr("write error", vec![]).render_bytes(&inv.prog));
            1
        }
        // As `close_stdout`: a pipe without reader (SIGPIPE ignored) or a descriptor that
        // cannot be written (closed, read-only: EBADF) is no error when only the final flush
        // met it.
        Err(e) if !matches!(e.raw_os_error(), Some(libc::EPIPE | libc::EBADF)) => {
            crate::stderr::report(&Error::tr_io("write error", vec![], &e).render_bytes(&inv.prog));
            1
        }
        _ if crate::stderr::failed() => 1,
        _ => status,
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
}
