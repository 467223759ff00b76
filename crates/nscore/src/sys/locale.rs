//! The character set of the user's locale (setlocale(3), nl_langinfo(3)), which decides how
//! util-linux's tables look: UTF-8 tree glyphs and multibyte text, or ASCII with `\x??`.

use std::ffi::CStr;
use std::sync::OnceLock;

/// Whether `setlocale(LC_CTYPE, "")` selects a UTF-8 locale. Like util-linux, this switches
/// the process's character-type locale to the user's (which also makes POSIX regular
/// expressions multibyte-aware); done once.
pub fn ctype_is_utf8() -> bool {
    static UTF8: OnceLock<bool> = OnceLock::new();
    *UTF8.get_or_init(|| {
        // SAFETY: the argument is a NUL-terminated string; this runs once, before the
        // program inspects the locale from any other thread.
        let selected = unsafe { libc::setlocale(libc::LC_CTYPE, c"".as_ptr()) };
        if selected.is_null() {
            return false;
        }
        // SAFETY: nl_langinfo returns a pointer to a NUL-terminated string owned by libc.
        let codeset = unsafe { libc::nl_langinfo(libc::CODESET) };
        // SAFETY: checked for NULL; valid until the next setlocale, and copied at once.
        !codeset.is_null() && unsafe { CStr::from_ptr(codeset) }.to_bytes() == b"UTF-8"
    })
}
