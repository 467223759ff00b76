//! glibc's message catalogs (dcgettext(3)): util-linux's `util-linux` domain and glibc's own
//! `libc` domain, looked up in the locale [`super::locale::select_user_locale`] chose. A raw call: neither
//! nix nor the libc crate wraps gettext.
//!
//! glibc does everything util-linux's `_()` gets from it: `LANGUAGE` (ignored in the C
//! locale), `LC_ALL`/`LC_MESSAGES`/`LANG`, the fallbacks of a locale name (`zh_CN.UTF-8`,
//! then `zh_CN`, then `zh`), the catalogs under `/usr/share/locale/<lang>/LC_MESSAGES` (the
//! directory util-linux binds its domain to on every distribution, and glibc's default), and
//! the conversion of a translation to the locale's codeset (Latin-1 bytes in `de_DE`,
//! transliteration with `?` when `LC_CTYPE` is C). So the answer is bytes in that codeset.

use std::ffi::{CStr, CString};

/// A text domain: the name of a catalog file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Domain {
    /// util-linux's messages (`util-linux.mo`, Debian's util-linux-locales).
    UtilLinux,
    /// glibc's own messages (`libc.mo`, Debian's libc-l10n): getopt's diagnostics.
    Libc,
}

impl Domain {
    fn name(self) -> &'static CStr {
        match self {
            Domain::UtilLinux => c"util-linux",
            Domain::Libc => c"libc",
        }
    }
}

extern "C" {
    fn dcgettext(domain: *const libc::c_char, msgid: *const libc::c_char, category: libc::c_int) -> *mut libc::c_char;
}

/// The translation of `msgid` in `domain` for the user's LC_MESSAGES, as bytes in the
/// locale's codeset; `msgid` itself when there is none (no catalog, no entry, the C locale).
pub(crate) fn translate(domain: Domain, msgid: &str) -> Vec<u8> {
    // A msgid is one of our own strings; none holds a NUL, and one that did would have no
    // translation anyway.
    let Ok(id) = CString::new(msgid) else { return msgid.as_bytes().to_vec() };
    // SAFETY: both strings are NUL-terminated and live across the call. dcgettext returns
    // either `id`'s own pointer or a NUL-terminated string glibc keeps (the mapped catalog or
    // its cache of converted translations) until the locale or the domain's binding change,
    // neither of which rns does after startup; it is copied at once.
    let found = unsafe { dcgettext(domain.name().as_ptr(), id.as_ptr(), libc::LC_MESSAGES) };
    if found.is_null() {
        return msgid.as_bytes().to_vec();
    }
    // SAFETY: checked for NULL; a NUL-terminated string as said above.
    unsafe { CStr::from_ptr(found) }.to_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Unit tests run in whatever locale the test process has; a msgid no catalog holds comes
    /// back as it went in, in every one of them.
    #[test]
    fn unknown_msgid_is_its_own_answer() {
        for domain in [Domain::UtilLinux, Domain::Libc] {
            assert_eq!(translate(domain, "no catalog has this rns msgid\n"), b"no catalog has this rns msgid\n");
            assert_eq!(translate(domain, "nul\0inside"), b"nul\0inside");
        }
    }
}
