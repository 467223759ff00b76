//! util-linux's error shapes (`err(3)`, `errx(3)`, getopt's diagnostics, numeric parse errors)
//! and the exit status each carries. A message is util-linux's msgid and its arguments,
//! looked up in the user's language ([`crate::catalog`]) only when it is printed.

use crate::catalog::{tr, trf, Arg};
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// The text of an `err(3)`/`errx(3)` message, kept as util-linux's `_()` call until it is
/// printed: the msgid and its arguments, looked up in the user's language then.
#[derive(Debug, Clone)]
pub enum Message {
    /// `_(msgid)` with its printf arguments (`_("cannot open %s"), path`).
    Catalog { msgid: &'static str, args: Vec<MsgArg> },
    /// `strto*_or_err`'s `"%s: '%s'"`: the format is not translated, the `errmesg` the
    /// caller gave as `_("failed to parse uid")` is.
    Parse { what: &'static str, value: OsString },
    /// rns's own text, which util-linux has no msgid for: English in every locale.
    Own(OsString),
}

/// One argument of a [`Message::Catalog`], owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MsgArg {
    /// `%s`: bytes, printed as given (a path, an argument).
    Str(Vec<u8>),
    /// `%d`.
    Int(i64),
    /// `%u`, `%lu`, `PRIu64`.
    Uint(u64),
}

impl MsgArg {
    /// A `%s` argument from a path or argument, its bytes as given.
    pub(crate) fn str(s: impl AsRef<OsStr>) -> MsgArg {
        MsgArg::Str(s.as_ref().as_bytes().to_vec())
    }

    fn as_arg(&self) -> Arg<'_> {
        match self {
            MsgArg::Str(s) => Arg::Str(s),
            MsgArg::Int(n) => Arg::Int(*n),
            MsgArg::Uint(n) => Arg::Uint(*n),
        }
    }
}

impl Message {
    /// `_(msgid)` with `args`.
    pub(crate) fn tr(msgid: &'static str, args: Vec<MsgArg>) -> Message {
        Message::Catalog { msgid, args }
    }

    /// The message in the user's language (bytes in the locale's codeset), or util-linux's
    /// English without `translate`; arguments that carry bytes
    /// ([`crate::byte_text::carry_bytes`]) go out as the bytes given.
    fn bytes(&self, translate: bool) -> Vec<u8> {
        match self {
            Message::Catalog { msgid, args } => {
                let args: Vec<MsgArg> = args
                    .iter()
                    .map(|a| match a {
                        MsgArg::Str(s) => MsgArg::Str(carried(s)),
                        other => other.clone(),
                    })
                    .collect();
                let args: Vec<Arg<'_>> = args.iter().map(MsgArg::as_arg).collect();
                if translate {
                    trf(msgid, &args)
                } else {
                    crate::catalog::printf::format(msgid.as_bytes(), &args).unwrap_or_else(|| msgid.as_bytes().to_vec())
                }
            }
            Message::Parse { what, value } => {
                let mut out = if translate { tr(what) } else { what.as_bytes().to_vec() };
                out.extend_from_slice(b": '");
                out.extend_from_slice(&carried(value.as_bytes()));
                out.push(b'\'');
                out
            }
            Message::Own(text) => carried(text.as_bytes()),
        }
    }

    /// The message as util-linux prints it in the C locale.
    pub fn english(&self) -> Vec<u8> {
        self.bytes(false)
    }

    /// Each `%s` argument that is the lossy text of one of `raw` put back as `raw`'s bytes.
    fn with_raw_args(self, raw: &[OsString]) -> Message {
        let restore = |bytes: Vec<u8>| {
            let mut bytes = bytes;
            for arg in raw.iter().filter(|a| a.to_str().is_none()) {
                let lossy = arg.to_string_lossy();
                let lossy = lossy.as_bytes();
                if let Some(at) = bytes.windows(lossy.len()).position(|w| w == lossy) {
                    bytes.splice(at..at + lossy.len(), arg.as_bytes().iter().copied());
                }
            }
            bytes
        };
        match self {
            Message::Catalog { msgid, args } => Message::Catalog {
                msgid,
                args: args
                    .into_iter()
                    .map(|a| match a {
                        MsgArg::Str(s) => MsgArg::Str(restore(s)),
                        other => other,
                    })
                    .collect(),
            },
            Message::Parse { what, value } => {
                Message::Parse { what, value: OsString::from_vec(restore(value.into_vec())) }
            }
            Message::Own(text) => Message::Own(OsString::from_vec(restore(text.into_vec()))),
        }
    }
}

/// Text made from arguments carries their non-UTF-8 bytes either as they are or as
/// `byte_text::carry_bytes` marks them: both go out as the bytes given.
fn carried(bytes: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(bytes) {
        Ok(s) => crate::byte_text::carried_bytes(s),
        Err(_) => bytes.to_vec(),
    }
}

/// Two messages are the same when util-linux would print the same English text: how a test
/// writes an expected message (a msgid with arguments or the text) does not matter.
impl PartialEq for Message {
    fn eq(&self, other: &Message) -> bool {
        self.english() == other.english()
    }
}

impl Eq for Message {}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message::Own(text.into())
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::Own(text.into())
    }
}

impl From<OsString> for Message {
    fn from(text: OsString) -> Message {
        Message::Own(text)
    }
}

/// A failure a tool reports before exiting. The binary prefixes it with the basename of `argv[0]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// `err(3)`/`errx(3)`: `<prog>: <text>[: <strerror(errno)>]`, the text util-linux's msgid
    /// in the user's language ([`Message`]). Its arguments are bytes, not UTF-8: a path or
    /// argument is printed as given, like util-linux's `%s`.
    Msg { text: Message, errno: Option<i32>, status: i32 },
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
    /// `errx(1, ...)`: a message without errno. Text (a `&str`, `String`, `OsString`) is
    /// rns's own and stays English; util-linux's messages come as [`Message::tr`] or
    /// through [`Error::tr`].
    pub fn msg(text: impl Into<Message>) -> Error {
        Error::Msg { text: text.into(), errno: None, status: 1 }
    }

    /// `err(1, ...)`: a message followed by the errno's text.
    pub(crate) fn os(text: impl Into<Message>, errno: i32) -> Error {
        Error::Msg { text: text.into(), errno: Some(errno), status: 1 }
    }

    /// `errx(1, _(msgid), args...)`.
    pub(crate) fn tr(msgid: &'static str, args: Vec<MsgArg>) -> Error {
        Error::msg(Message::tr(msgid, args))
    }

    /// `err(1, _(msgid), args...)`.
    pub(crate) fn tr_os(msgid: &'static str, args: Vec<MsgArg>, errno: i32) -> Error {
        Error::os(Message::tr(msgid, args), errno)
    }

    /// `err(1, _(msgid), args...)` with the errno of an `std::io::Error`.
    pub(crate) fn tr_io(msgid: &'static str, args: Vec<MsgArg>, e: &std::io::Error) -> Error {
        Error::io(Message::tr(msgid, args), e)
    }

    /// `err_exclusive_options`'s message for two long options (`--wd`, `--wdns`).
    pub(crate) fn exclusive_options(first: &str, second: &str) -> Error {
        let (first, second) = (first.trim_start_matches('-'), second.trim_start_matches('-'));
        let args = vec![MsgArg::str("--"), MsgArg::str(first), MsgArg::str("--"), MsgArg::str(second)];
        Error::tr("options %s%s and %s%s cannot be combined", args)
    }

    /// `err(1, ...)` with the errno of an `std::io::Error` (EIO when it has none).
    pub(crate) fn io(text: impl Into<Message>, e: &std::io::Error) -> Error {
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
        Error::Msg { text: text.with_raw_args(args), errno, status }
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
                out.extend_from_slice(&text.bytes(true));
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
        Error::Msg { text: Message::Own(OsString::new()), errno: Some(e as i32), status: 1 }
    }
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
            Error::tr_os("mount %s on %s failed", vec![MsgArg::str(path), MsgArg::str("/x")], libc::ENOENT)
                .render_bytes("u"),
            b"u: mount /\xff on /x failed: No such file or directory\n"
        );
        assert_eq!(
            Error::os(crate::number::parse_error("failed to parse uid", "x"), libc::ERANGE).render("u"),
            "u: failed to parse uid: 'x': Numerical result out of range\n"
        );
        assert_eq!(
            Error::tr("you (user %d) don't exist.", vec![MsgArg::Int(-1)]).render("unshare"),
            "unshare: you (user -1) don't exist.\n"
        );
        // Equal when they print the same English text, however written.
        assert_eq!(Error::tr("cannot open %s", vec![MsgArg::str("/x")]), Error::msg("cannot open /x"));
    }
}
