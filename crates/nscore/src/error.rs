//! util-linux's error shapes (`err(3)`, `errx(3)`, getopt's diagnostics, numeric parse errors)
//! and the exit status each carries.

use std::fmt;

/// A failure a tool reports before exiting. The binary prefixes it with the basename of `argv[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `err(3)`/`errx(3)`: `<prog>: <text>[: <strerror(errno)>]`.
    Msg { text: String, errno: Option<i32>, status: i32 },
    /// A getopt diagnostic (already carrying `argv[0]` as invoked), then
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
    pub fn msg(text: impl Into<String>) -> Error {
        Error::Msg { text: text.into(), errno: None, status: 1 }
    }

    /// `err(1, ...)`: a message followed by the errno's text.
    pub fn os(text: impl Into<String>, errno: i32) -> Error {
        Error::Msg { text: text.into(), errno: Some(errno), status: 1 }
    }

    /// `err(1, ...)` with the errno of an `std::io::Error` (EIO when it has none).
    pub fn io(text: impl Into<String>, e: &std::io::Error) -> Error {
        Error::os(text, e.raw_os_error().unwrap_or(libc::EIO))
    }

    /// The same error with another exit status.
    pub fn with_status(self, status: i32) -> Error {
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

    pub fn status(&self) -> i32 {
        match self {
            Error::Msg { status, .. } => *status,
            Error::Usage(_) => 1,
            Error::Silent(status) => *status,
            Error::Chain(errors) => errors.last().map_or(1, Error::status),
        }
    }

    /// Writes what util-linux would print on stderr for this error, given the short program name.
    pub fn render(&self, prog: &str) -> String {
        match self {
            Error::Msg { text, errno: None, .. } => format!("{prog}: {text}\n"),
            Error::Msg { text, errno: Some(e), .. } => format!("{prog}: {text}: {}\n", strerror(*e)),
            // nsenter's `-Z` without SELinux: getopt accepted it, so only the hint is printed.
            Error::Usage(text) if text.is_empty() => format!("Try '{prog} --help' for more information.\n"),
            Error::Usage(text) => format!("{text}\nTry '{prog} --help' for more information.\n"),
            Error::Silent(_) => String::new(),
            Error::Chain(errors) => errors.iter().map(|e| e.render(prog)).collect(),
        }
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
        Error::Msg { text: String::new(), errno: Some(e as i32), status: 1 }
    }
}

/// glibc's text for an errno, as `err(3)` prints it (`Operation not permitted`), without the
/// ` (os error N)` that Rust's `io::Error` adds.
pub fn strerror(errno: i32) -> String {
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
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
    }
}
