//! util-linux's error shapes (`err(3)`, `errx(3)`, getopt's diagnostics, numeric parse errors)
//! and the exit status each carries.

use crate::catalog::{trf, Arg};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// A failure a tool reports before exiting. The binary prefixes it with the basename of `argv[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `err(3)`/`errx(3)`: `<prog>: <text>[: <strerror(errno)>]`. The text is bytes, not
    /// UTF-8: a path or argument in it is printed as given, like util-linux's `%s`.
    Msg { text: OsString, errno: Option<i32>, status: i32 },
    /// A getopt diagnostic (already carrying `argv[0]` as invoked, in the user's language,
    /// its bytes carried: [`crate::byte_text::carry_bytes`]), then
    /// `Try '<prog> --help' for more information.`; exit 1.
    Usage(String),
    /// Exit with this status and print nothing (util-linux does this in a few places, e.g.
    /// `lsns -o NS,,TYPE`; a helper that already printed its own message).
    Silent(i32),
    /// Several messages, one per line, e.g. lsns's `unknown column: FOO` followed by
    /// `failed to initialize filter`; the status is the last one's.
    Chain(Vec<Error>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// `errx(1, ...)`: a message without errno.
    pub(crate) fn msg(text: impl Into<OsString>) -> Error {
        Error::Msg { text: text.into(), errno: None, status: 1 }
    }

    /// `err(1, ...)`: a message followed by the errno's text.
    pub(crate) fn os(text: impl Into<OsString>, errno: i32) -> Error {
        Error::Msg { text: text.into(), errno: Some(errno), status: 1 }
    }

    /// `err(1, ...)` with the errno of an `std::io::Error` (EIO when it has none).
    pub(crate) fn io(text: impl Into<OsString>, e: &std::io::Error) -> Error {
        Error::os(text, e.raw_os_error().unwrap_or(libc::EIO))
    }

    /// The same error with another exit status.
    pub(crate) fn with_status(self, status: i32) -> Error {
        match self {
            Error::Msg { text, errno, .. } => Error::Msg { text, errno, status },
            Error::Usage(text) => Error::Usage(text),
            Error::Silent(_) => Error::Silent(status),
            Error::Chain(mut errors) => {
                if let Some(last) = errors.pop() {
                    errors.push(last.with_status(status));
                }
                Error::Chain(errors)
            }
        }
    }

    /// The same error with each of `args` that is not UTF-8 put back byte for byte where the
    /// text quotes it: option parsers work on an argument's lossy `String`, util-linux prints
    /// the bytes (`failed to parse uid: '\xff'`).
    pub(crate) fn with_raw_args(self, args: &[OsString]) -> Error {
        let Error::Msg { text, errno, status } = self else { return self };
        let mut bytes = text.into_vec();
        for arg in args.iter().filter(|a| a.to_str().is_none()) {
            let lossy = arg.to_string_lossy();
            let lossy = lossy.as_bytes();
            if let Some(at) = bytes.windows(lossy.len()).position(|w| w == lossy) {
                bytes.splice(at..at + lossy.len(), arg.as_bytes().iter().copied());
            }
        }
        Error::Msg { text: OsString::from_vec(bytes), errno, status }
    }

    pub fn status(&self) -> i32 {
        match self {
            Error::Msg { status, .. } => *status,
            Error::Usage(_) => 1,
            Error::Silent(status) => *status,
            Error::Chain(errors) => errors.last().map_or(1, Error::status),
        }
    }

    /// What util-linux would print on stderr for this error, given the short program name.
    pub(crate) fn render_bytes(&self, prog: &str) -> Vec<u8> {
        match self {
            Error::Msg { text, errno, .. } => {
                let mut out = crate::byte_text::carried_bytes(prog);
                out.extend_from_slice(b": ");
                // Text made from arguments carries their non-UTF-8 bytes either as they are
                // or as `byte_text::carry_bytes` marks them: both go out as the bytes given.
                match text.to_str() {
                    Some(s) => out.extend_from_slice(&crate::byte_text::carried_bytes(s)),
                    None => out.extend_from_slice(text.as_bytes()),
                }
                if let Some(e) = errno {
                    out.extend_from_slice(b": ");
                    out.extend_from_slice(&strerror(*e));
                }
                out.push(b'\n');
                out
            }
            // Without text only the hint (nsenter's `-Z` without SELinux: getopt accepted it).
            Error::Usage(text) => {
                let mut out = crate::byte_text::carried_bytes(text);
                if !out.is_empty() {
                    out.push(b'\n');
                }
                let prog = crate::byte_text::carried_bytes(prog);
                out.extend(trf("Try '%s --help' for more information.\n", &[Arg::Str(&prog)]));
                out
            }
            Error::Silent(_) => Vec::new(),
            Error::Chain(errors) => errors.iter().flat_map(|e| e.render_bytes(prog)).collect(),
        }
    }

    /// [`Error::render_bytes`] as text (bytes that are not UTF-8 become U+FFFD).
    pub fn render(&self, prog: &str) -> String {
        String::from_utf8_lossy(&self.render_bytes(prog)).into_owned()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.render("").trim_start_matches(": ").trim_end())
    }
}

impl std::error::Error for Error {}

impl From<nix::errno::Errno> for Error {
    fn from(e: nix::errno::Errno) -> Self {
        Error::Msg { text: OsString::new(), errno: Some(e as i32), status: 1 }
    }
}

/// Message text with paths or arguments in it, byte for byte: each `{}` of `template` is
/// replaced by the next of `args` (util-linux prints them with `%s`, whatever the bytes).
pub(crate) fn text_with(template: &str, args: &[&OsStr]) -> OsString {
    let mut out = Vec::with_capacity(template.len());
    let mut args = args.iter();
    let mut pieces = template.split("{}").peekable();
    while let Some(piece) = pieces.next() {
        out.extend_from_slice(piece.as_bytes());
        if pieces.peek().is_some() {
            out.extend_from_slice(args.next().map_or(&[][..], |a| a.as_bytes()));
        }
    }
    OsString::from_vec(out)
}

/// glibc's text for an errno, as `err(3)` prints it (`Operation not permitted`), without the
/// ` (os error N)` that Rust's `io::Error` adds: bytes in the user's language and codeset.
pub(crate) fn strerror(errno: i32) -> Vec<u8> {
    crate::sys::strerror(errno)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_util_linux_shapes() {
        assert_eq!(
            Error::os("unshare failed", libc::EPERM).render("unshare"),
            "unshare: unshare failed: Operation not permitted\n"
        );
        assert_eq!(Error::msg("unknown column: FOO").render("lsns"), "lsns: unknown column: FOO\n");
        assert_eq!(
            Error::Usage("/bin/lsns: invalid option -- 'x'".into()).render("lsns"),
            "/bin/lsns: invalid option -- 'x'\nTry 'lsns --help' for more information.\n"
        );
        assert_eq!(strerror(libc::ENOENT), b"No such file or directory");
        let path = OsStr::from_bytes(b"/\xff");
        assert_eq!(
            Error::os(text_with("mount {} on {} failed", &[path, OsStr::new("/x")]), libc::ENOENT).render_bytes("u"),
            b"u: mount /\xff on /x failed: No such file or directory\n"
        );
    }
}
