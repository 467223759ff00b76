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

extern "C" {
    fn iswprint(wc: libc::c_uint) -> libc::c_int;
    fn wcwidth(wc: libc::wchar_t) -> libc::c_int;
}

/// glibc's view of `c` in a UTF-8 locale, which libsmartcols measures and escapes by: its
/// width in cells (`wcwidth(3)`), or `None` when `iswprint(3)` says it is not printable
/// (unassigned code points, controls, separators). Asked of the C.UTF-8 locale so the answer
/// does not depend on this process's locale; where that locale is missing, of the process's
/// own (UTF-8 whenever lsns shows multibyte text).
pub fn utf8_char_cells(c: char) -> Option<usize> {
    // The locale_t as an address: a raw pointer is not Sync, and glibc never frees it.
    static C_UTF8: OnceLock<usize> = OnceLock::new();
    let locale = *C_UTF8.get_or_init(|| {
        // SAFETY: the name is NUL-terminated; a NULL base asks for a new locale object.
        unsafe { libc::newlocale(libc::LC_CTYPE_MASK, c"C.UTF-8".as_ptr(), std::ptr::null_mut()) as usize }
    });
    let wc = c as u32;
    // SAFETY: uselocale switches this thread's locale to a valid locale object (or keeps it,
    // for 0) and the previous one is restored before returning; iswprint and wcwidth only
    // read the thread's locale tables.
    let (printable, width) = unsafe {
        let previous = (locale != 0).then(|| libc::uselocale(locale as libc::locale_t));
        let answer = (iswprint(wc) != 0, wcwidth(wc as libc::wchar_t));
        if let Some(previous) = previous {
            libc::uselocale(previous);
        }
        answer
    };
    (printable && width >= 0).then_some(width as usize)
}
