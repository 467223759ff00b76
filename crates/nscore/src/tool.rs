//! What every rns binary does around its tool: the short program name for messages, SIGPIPE
//! back to its default (so `rlsns | head -1` ends quietly, and programs we exec do not inherit
//! Rust's ignored SIGPIPE), buffered stdout checked at exit as util-linux's
//! `close_stdout_atexit` does (`write error: No space left on device`, exit 1).

use crate::error::{Error, Result};
use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

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
    crate::sys::process::set_signal_default(libc::SIGPIPE, false);
    let inv = Invocation::new(argv, default_name);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let result = tool(&inv, &mut out);
    // util-linux prints its error at once and flushes stdout at exit: stderr comes first.
    let status = match result {
        Ok(status) => status,
        Err(e) => {
            eprint!("{}", e.render(&inv.prog));
            e.status()
        }
    };
    let flushed = out.flush();
    drop(out);
    match flushed {
        Err(e) if e.raw_os_error() != Some(libc::EPIPE) => {
            eprint!("{}", Error::io("write error", &e).render(&inv.prog));
            1
        }
        _ => status,
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
