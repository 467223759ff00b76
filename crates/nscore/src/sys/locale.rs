//! The user's locale (setlocale(3), nl_langinfo(3)), which decides how util-linux's tables
//! look (UTF-8 tree glyphs and multibyte text, or ASCII with `\x??`), which user names its id
//! cache keeps (mbstowcs(3), wcswidth(3)) and how regular expressions and strerror(3) behave.
//! All raw calls: nix wraps none of the locale functions.

use std::ffi::CStr;
use std::sync::OnceLock;

/// The character set of the user's locale, as `nl_langinfo(CODESET)` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Codeset {
    /// The C/POSIX locale (`ANSI_X3.4-1968`), or none could be selected.
    Ascii,
    /// `UTF-8`.
    Utf8,
    /// Any other: ISO-8859-1, KOI8-R, EUC-JP, GB18030, ... decoded with [`MbDecoder`].
    Other,
}

/// The character set of the locale [`select_user_locale`] selected.
static CODESET: OnceLock<Codeset> = OnceLock::new();

/// Selects the user's locale once, as util-linux's tools select it first thing:
/// `setlocale(LC_ALL, "")`, glibc's own resolution of `LC_ALL`, each `LC_*` and `LANG` (and
/// `LOCPATH`), for every category: LC_CTYPE (the charset), LC_MESSAGES (the language of
/// strerror(3) and of the catalogs [`super::gettext`] reads), LC_COLLATE (regular
/// expressions). When any category names a locale that cannot be loaded, that call fails as
/// a whole and the process stays in the C locale: ASCII and English, even when `LC_CTYPE`
/// or `LANG` alone names an installed locale. Only `tool::run` calls it: the environment is
/// read at the edge.
pub(crate) fn select_user_locale() {
    CODESET.get_or_init(|| {
        // SAFETY: the argument is a NUL-terminated string; this runs once, first thing in
        // `tool::run` while no other thread exists.
        let selected = unsafe { libc::setlocale(libc::LC_ALL, c"".as_ptr()) };
        if selected.is_null() {
            return Codeset::Ascii;
        }
        // SAFETY: nl_langinfo returns a pointer to a NUL-terminated string owned by libc.
        let codeset = unsafe { libc::nl_langinfo(libc::CODESET) };
        if codeset.is_null() {
            return Codeset::Ascii;
        }
        // SAFETY: checked for NULL; valid until the next setlocale, and copied at once.
        match unsafe { CStr::from_ptr(codeset) }.to_bytes() {
            b"UTF-8" => Codeset::Utf8,
            b"ANSI_X3.4-1968" => Codeset::Ascii,
            _ => Codeset::Other,
        }
    });
}

/// The character set of the locale: the one [`select_user_locale`] selected, else that of the
/// C locale a process is in until it calls setlocale(3). Unit tests stay there, whatever the
/// environment of whoever runs them says (a `LANG` or `LANGUAGE` of theirs would translate
/// strerror(3) and regerror(3), whose English the tests expect).
pub(crate) fn codeset() -> Codeset {
    CODESET.get().copied().unwrap_or(Codeset::Ascii)
}

/// A single byte as the locale's `<ctype.h>` classes it (`isblank`, `isprint`, `iscntrl`),
/// which is how util-linux judges a byte outside a character: in raw output, and where
/// mbrtowc(3) finds no character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ByteClass {
    pub(crate) blank: bool,
    pub(crate) print: bool,
    pub(crate) cntrl: bool,
}

/// [`ByteClass`] of `b` in the process's locale.
pub(crate) fn byte_class(b: u8) -> ByteClass {
    let c = libc::c_int::from(b);
    // SAFETY: the argument is an unsigned char value, as <ctype.h> requires; these only read
    // the locale's tables.
    unsafe { ByteClass { blank: libc::isblank(c) != 0, print: libc::isprint(c) != 0, cntrl: libc::iscntrl(c) != 0 } }
}

/// One step of [`MbDecoder::next`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MbChar {
    /// A character of `len` bytes that iswprint(3) accepts, `cells` wide (wcwidth(3); 0
    /// when it says -1).
    Printable { len: usize, cells: usize },
    /// A character of `len` bytes that iswprint(3) rejects.
    Unprintable { len: usize },
    /// The first byte starts no character (mbrtowc's -1, or -2 at the end of the text).
    Invalid,
}

/// Text decoded as libsmartcols decodes a cell: mbrtowc(3) in the process's locale, one
/// character after the other with one conversion state.
pub(crate) struct MbDecoder {
    state: libc::mbstate_t,
}

impl MbDecoder {
    pub(crate) fn new() -> MbDecoder {
        // SAFETY: an all-zero mbstate_t is the initial conversion state.
        MbDecoder { state: unsafe { std::mem::zeroed() } }
    }

    /// The character `bytes` starts with (not empty).
    pub(crate) fn next(&mut self, bytes: &[u8]) -> MbChar {
        let mut wc: libc::wchar_t = 0;
        // SAFETY: mbrtowc reads at most `bytes.len()` bytes of the slice and writes one
        // wchar_t and the state, both owned here.
        let len = unsafe { mbrtowc(&mut wc, bytes.as_ptr().cast(), bytes.len(), &mut self.state) };
        if len == usize::MAX || len == usize::MAX - 1 {
            // The state is undefined after an error: start again at the next byte.
            // SAFETY: as in `new`.
            self.state = unsafe { std::mem::zeroed() };
            return MbChar::Invalid;
        }
        // 0: a NUL character, one byte long.
        let len = len.max(1);
        // SAFETY: iswprint and wcwidth only read the locale's tables.
        let (printable, cells) = unsafe { (iswprint(wc as libc::c_uint) != 0, wcwidth(wc)) };
        if printable {
            MbChar::Printable { len, cells: cells.max(0) as usize }
        } else {
            MbChar::Unprintable { len }
        }
    }
}

/// The longest login name util-linux's id cache measures, in characters (`LOGIN_NAME_MAX`).
const LOGIN_NAME_MAX: usize = 256;

/// Whether util-linux's id cache shows `name` (a passwd or group name) rather than the number:
/// when its width in the user's locale is positive. The width is wcswidth(3) of its first
/// `LOGIN_NAME_MAX` characters as mbstowcs(3) decodes them: -1 when one is not printable (a
/// tab, a control character), 0 for an empty name or one of zero-width characters only.
///
/// A name that is not a valid multibyte string (bytes that are not UTF-8; any non-ASCII byte
/// in the C locale) is measured as util-linux measures it on glibc: it takes mbstowcs's
/// `(size_t)-1` for a success and measures its buffer, which holds the characters decoded
/// before the bad byte; what follows them there is undefined (its stack), and in practice
/// zeros, so the width is that of the part before the bad byte. `josé` in the C locale is
/// shown (`jos\xc3\xa9` in a table, as util-linux escapes it), `日本語` there is not.
pub(crate) fn id_name_is_shown(name: &[u8]) -> bool {
    let Ok(name) = std::ffi::CString::new(name) else {
        return false;
    };
    let mut wide: Vec<libc::wchar_t> = vec![0; LOGIN_NAME_MAX + 1];
    // SAFETY: name is NUL-terminated; mbstowcs writes at most LOGIN_NAME_MAX wide characters
    // into a buffer of LOGIN_NAME_MAX + 1, whose last element stays 0. On a bad byte it has
    // written the characters before it and returns (size_t)-1; the rest stays 0.
    let decoded = unsafe { mbstowcs(wide.as_mut_ptr(), name.as_ptr(), LOGIN_NAME_MAX) };
    // SAFETY: wide holds what mbstowcs decoded followed by zeros (the last element is one);
    // wcswidth reads at most LOGIN_NAME_MAX of them.
    decoded != 0 && unsafe { wcswidth(wide.as_ptr(), LOGIN_NAME_MAX) > 0 }
}

extern "C" {
    fn mbstowcs(dest: *mut libc::wchar_t, src: *const libc::c_char, n: libc::size_t) -> libc::size_t;
    fn wcswidth(s: *const libc::wchar_t, n: libc::size_t) -> libc::c_int;
    fn iswprint(wc: libc::c_uint) -> libc::c_int;
    fn wcwidth(wc: libc::wchar_t) -> libc::c_int;
    fn mbrtowc(
        wc: *mut libc::wchar_t,
        s: *const libc::c_char,
        n: libc::size_t,
        state: *mut libc::mbstate_t,
    ) -> libc::size_t;
}

/// glibc's view of `c` in a UTF-8 locale, which libsmartcols measures and escapes by: its
/// width in cells (`wcwidth(3)`), or `None` when `iswprint(3)` says it is not printable
/// (unassigned code points, controls, separators). Asked of the C.UTF-8 locale so the answer
/// does not depend on this process's locale; where that locale is missing, of the process's
/// own (UTF-8 whenever lsns shows multibyte text).
pub(crate) fn utf8_char_cells(c: char) -> Option<usize> {
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

/// Runs `f` with this thread in the locale `name` (all categories; uselocale(3)), or `None`
/// when the system lacks it: a test's view of another charset.
#[cfg(test)]
pub(crate) fn in_thread_locale<T>(name: &CStr, f: impl FnOnce() -> T) -> Option<T> {
    // SAFETY: the name is NUL-terminated; a NULL base asks for a new locale object.
    let locale = unsafe { libc::newlocale(libc::LC_ALL_MASK, name.as_ptr(), std::ptr::null_mut()) };
    if locale.is_null() {
        return None;
    }
    // SAFETY: a valid locale object for this thread only, the previous one restored and the
    // object freed once it is no longer in use.
    unsafe {
        let previous = libc::uselocale(locale);
        let answer = f();
        libc::uselocale(previous);
        libc::freelocale(locale);
        Some(answer)
    }
}

#[cfg(test)]
mod tests {
    use super::id_name_is_shown;

    /// Cases whose answer is the same in the C and in a UTF-8 locale.
    #[test]
    fn id_cache_keeps_names_with_a_printable_width() {
        assert!(id_name_is_shown(b"root"));
        assert!(id_name_is_shown(b" sp ace"));
        assert!(!id_name_is_shown(b""));
        assert!(!id_name_is_shown(b"tab\there"));
        assert!(!id_name_is_shown(b"del\x7f"));
        // Measured up to the byte no locale decodes (util-linux's buffer on glibc).
        assert!(id_name_is_shown(b"bad\xffname"));
        assert!(!id_name_is_shown(b"\xffname"));
        // Only the first 256 characters are measured.
        assert!(!id_name_is_shown(&[b"a".repeat(255), b"\t".to_vec()].concat()));
        assert!(id_name_is_shown(&[b"a".repeat(256), b"\t".to_vec()].concat()));
    }
}
