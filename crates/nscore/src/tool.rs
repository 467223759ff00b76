//! What every rns binary does around its tool: the short program name for messages, the
//! process put back as its caller made it (SIGPIPE default unless inherited ignored, so
//! `rlsns | head -1` ends quietly; closed standard descriptors closed again; see
//! [`crate::sys::startup`]), buffered stdout checked at exit as util-linux's
//! `close_stdout_atexit` does (`write error: No space left on device`, exit 1), messages on
//! stderr that cannot fail the tool (a full or closed stderr only loses them, as with err(3)).

use crate::error::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
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
pub fn run(argv: Vec<OsString>, default_name: &str, tool: fn(&Invocation, &mut dyn Write) -> Result<i32>) -> i32 {
    crate::sys::startup::restore_inherited_state();
    let inv = Invocation::new(argv, default_name);
    let stdout = std::io::stdout();
    let block = stdio_block_size(&stdout);
    let mut out = Attempted { inner: std::io::BufWriter::with_capacity(64 * 1024, stdout.lock()), bytes: 0 };
    let result = tool(&inv, &mut out);
    // util-linux learns of a failed write only in close_stdout(). When the output outgrew
    // stdio's buffer, the failure happened in the middle, stdio dropped the data, fclose()
    // succeeds and errno is cleared: `write error` alone. Otherwise fclose() fails:
    // `write error: <strerror>`.
    let write_error = |attempted: u64, e: Option<i32>| match (attempted > block, e) {
        (false, Some(errno)) => Error::os("write error", errno),
        _ => Error::msg("write error"),
    };
    // util-linux prints its error at once and flushes stdout at exit: stderr comes first.
    let status = match result {
        Ok(status) => status,
        Err(Error::Msg { ref text, errno, .. }) if text == "write error" => {
            report(&write_error(out.bytes, errno).render_bytes(&inv.prog));
            return 1;
        }
        Err(e) => {
            report(&e.render_bytes(&inv.prog));
            e.status()
        }
    };
    let flushed = out.flush();
    let attempted = out.bytes;
    drop(out);
    match flushed {
        Err(e) if e.raw_os_error() != Some(libc::EPIPE) => {
            report(&write_error(attempted, e.raw_os_error()).render_bytes(&inv.prog));
            1
        }
        _ if STDERR_FAILED.load(Ordering::Relaxed) => 1,
        _ => status,
    }
}

/// stdout's writer, counting the bytes the tool asked to write (whether or not they got out).
struct Attempted<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Attempted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len() as u64;
        let n = self.inner.write(buf)?;
        // What was not taken is offered again, and must not count twice.
        self.bytes -= (buf.len() - n) as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The buffer glibc gives a non-terminal stdout: the file's block size, at most BUFSIZ.
fn stdio_block_size(stdout: &std::io::Stdout) -> u64 {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    const BUFSIZ: u64 = 8192;
    let size = stdout.as_fd().try_clone_to_owned().ok().and_then(|fd| std::fs::File::from(fd).metadata().ok());
    size.map(|m| m.blksize()).filter(|&b| b > 0 && b < BUFSIZ).unwrap_or(BUFSIZ)
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

/// The `--version` line: `rlsns from rns 0.1.0`.
pub fn version_line(prog: &str) -> String {
    format!("{prog} from rns {}\n", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_name_is_the_basename() {
        assert_eq!(program_name(OsStr::new("/usr/bin/unshare")), "unshare");
        assert_eq!(program_name(OsStr::new("rlsns")), "rlsns");
    }
}
