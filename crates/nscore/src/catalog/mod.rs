//! Messages as catalog entries, as util-linux prints them: the English text is the msgid,
//! looked up when it is printed (util-linux's `_()`) in the user's language through glibc's
//! gettext ([`crate::sys::gettext`]), in util-linux's domain or, for getopt's diagnostics,
//! glibc's. A translation is bytes in the locale's codeset and goes out unchanged.
//!
//! Only messages, `--help`, `--version` and `-H` come here: the listing itself is never
//! translated (column headers, JSON keys and values are util-linux's English).

pub(crate) mod printf;

use crate::sys::gettext::{translate, Domain};
pub(crate) use printf::Arg;

/// `_(msgid)`: util-linux's translation of `msgid`, or `msgid`.
pub(crate) fn tr(msgid: &str) -> Vec<u8> {
    translate(Domain::UtilLinux, msgid)
}

/// `printf(_(msgid), args...)` in util-linux's domain.
pub(crate) fn trf(msgid: &str, args: &[Arg<'_>]) -> Vec<u8> {
    formatted(Domain::UtilLinux, msgid, args)
}

/// `fprintf(stderr, _(msgid), args...)` inside glibc (getopt's diagnostics): glibc's `libc`
/// domain.
pub(crate) fn libc_trf(msgid: &str, args: &[Arg<'_>]) -> Vec<u8> {
    formatted(Domain::Libc, msgid, args)
}

/// The translation of format `msgid` with `args` put in. A translation whose conversions do
/// not fit the arguments (a broken catalog; msgfmt refuses to build one) is not used: the
/// English format is, as if the catalog had no entry.
fn formatted(domain: Domain, msgid: &str, args: &[Arg<'_>]) -> Vec<u8> {
    printf::format(&translate(domain, msgid), args)
        .or_else(|| printf::format(msgid.as_bytes(), args))
        .unwrap_or_else(|| msgid.as_bytes().to_vec())
}
