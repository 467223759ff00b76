//! One run of a tool as its command line gives it: the argument vector, the program name its
//! messages start with, and the answers to `--help` and `--version` that end a run early.

use crate::catalog::{trf, Arg};
use crate::cli::usage::{Chunk, OwnHelp};
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
    /// through a symlink of that name; empty for an empty `argv[0]` or one ending in `/`, as
    /// util-linux's. Bytes that are not UTF-8 are carried ([`crate::byte_text::carry_bytes`]):
    /// print it through [`crate::byte_text::carried_bytes`] or [`Error::render_bytes`].
    pub prog: String,
    /// Whether the tool runs under its own name (`prog` is `rlsns`, not `lsns` or any other
    /// name): `--help` and `-H` then show rns's extras too. Under every other name they print
    /// util-linux's bytes.
    pub own_name: bool,
}

impl Invocation {
    /// `default_name` is the tool's own name; it also serves when there is no `argv[0]` at
    /// all, which Linux (5.18 and later) never gives: an `execve` with an empty argv gets
    /// `argv[0] = ""`.
    pub(crate) fn new(argv: Vec<OsString>, default_name: &str) -> Invocation {
        let prog = argv.first().map_or_else(|| default_name.to_string(), |a| program_name(a));
        Invocation { own_name: prog == default_name, prog, argv }
    }
}

/// The basename of `argv[0]`: what follows its last `/`, byte for byte (non-UTF-8 bytes carried).
pub fn program_name(argv0: &OsStr) -> String {
    let bytes = argv0.as_bytes();
    let base = bytes.rsplit(|&b| b == b'/').next().unwrap_or(bytes);
    crate::byte_text::carry_bytes(base)
}

/// Answers `--help` (util-linux's usage text, in the user's language; under the tool's own
/// name followed by `own`'s extras) and `--version` on stdout; `None` then, else the
/// arguments to run with.
pub(crate) fn arguments<T, Id: Copy + 'static>(
    inv: &Invocation,
    out: &mut dyn Write,
    parsed: crate::cli::Parsed<T>,
    usage: &[Chunk],
    own: &OwnHelp<Id>,
) -> Result<Option<T>> {
    let prog = crate::byte_text::carried_bytes(&inv.prog);
    let text = match parsed {
        crate::cli::Parsed::Run(args) => return Ok(Some(args)),
        crate::cli::Parsed::Help if inv.own_name => crate::cli::usage::render_own(usage, own, &prog),
        crate::cli::Parsed::Help => crate::cli::usage::render(usage, &prog),
        crate::cli::Parsed::Version => version_text(&prog),
    };
    out.write_all(&text).map_err(|e| Error::tr_io("write error", vec![], &e))?;
    Ok(None)
}

/// The util-linux release rns matches, as its `--version` names it.
pub(crate) const UTIL_LINUX_VERSION: &str = "2.42.3";

/// `--version`: util-linux's line first, as scripts parse it (`lsns from util-linux 2.42.3`,
/// with the name called by; `_("%s from %s\n")`, translated as util-linux's is), then what
/// rns is on a line of its own (`rns 0.1.0`).
pub(crate) fn version_text(prog: &[u8]) -> Vec<u8> {
    let package = format!("util-linux {UTIL_LINUX_VERSION}");
    let mut text = trf("%s from %s\n", &[Arg::Str(prog), Arg::Str(package.as_bytes())]);
    text.extend_from_slice(format!("rns {}\n", env!("CARGO_PKG_VERSION")).as_bytes());
    text
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // The own name is the basename alone; any other name is util-linux's.
        let own = |argv0: &str| Invocation::new(vec![OsString::from(argv0)], "rlsns").own_name;
        assert!(own("/usr/local/bin/rlsns") && own("rlsns") && !own("lsns") && !own("rlsns2") && !own(""));
    }

    #[test]
    fn version_starts_with_util_linux_line() {
        let v = String::from_utf8(version_text(b"lsns")).unwrap();
        let first = v.lines().next().unwrap();
        assert_eq!(first, "lsns from util-linux 2.42.3");
        assert_eq!(first.split(' ').nth(3), Some("2.42.3"));
        assert_eq!(v.lines().nth(1), Some(format!("rns {}", env!("CARGO_PKG_VERSION")).as_str()));
        assert_eq!(v.lines().count(), 2);
    }
}
