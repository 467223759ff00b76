//! POSIX extended regular expressions through glibc's regcomp(3)/regexec(3): the `=~` and
//! `!~` operators of the `-Q` filter must match (and fail to compile, with glibc's regerror
//! text) exactly as util-linux's do.

use std::ffi::{CStr, CString};
use std::mem::MaybeUninit;

/// A compiled `REG_EXTENDED | REG_NOSUB` pattern.
pub(crate) struct PosixRegex {
    re: Box<libc::regex_t>,
}

impl std::fmt::Debug for PosixRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PosixRegex")
    }
}

/// Bytes up to their first NUL, as C sees a string.
fn c_string(bytes: &[u8]) -> CString {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    CString::new(&bytes[..end]).unwrap_or_default()
}

impl PosixRegex {
    /// Compiles `pattern` (bytes: a pattern need not be UTF-8, as a command line need not);
    /// the error is regerror(3)'s message (`Unmatched ( or \(`).
    pub(crate) fn new(pattern: &[u8]) -> Result<PosixRegex, String> {
        // util-linux compiles in the user's locale (multibyte-aware in UTF-8), which
        // `tool::run` selected.
        let pattern = c_string(pattern);
        let mut re: Box<MaybeUninit<libc::regex_t>> = Box::new(MaybeUninit::uninit());
        // SAFETY: re points to writable storage for a regex_t; pattern is NUL-terminated.
        let rc = unsafe { libc::regcomp(re.as_mut_ptr(), pattern.as_ptr(), libc::REG_EXTENDED | libc::REG_NOSUB) };
        if rc != 0 {
            let mut buf = [0 as libc::c_char; 256];
            // SAFETY: regerror writes at most buf.len() bytes including the NUL; regcomp
            // failed, so re needs no regfree (glibc frees its partial state itself).
            unsafe { libc::regerror(rc, re.as_ptr(), buf.as_mut_ptr(), buf.len()) };
            // SAFETY: regerror NUL-terminated buf.
            return Err(unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned());
        }
        // SAFETY: regcomp succeeded and initialised the regex_t.
        let re = unsafe { Box::from_raw(Box::into_raw(re).cast::<libc::regex_t>()) };
        Ok(PosixRegex { re })
    }

    /// Whether the pattern matches somewhere in `text` (bytes, as C strings are: up to a NUL).
    pub(crate) fn is_match(&self, text: &[u8]) -> bool {
        let text = c_string(text);
        // SAFETY: self.re was compiled by regcomp; text is NUL-terminated; REG_NOSUB needs
        // no match array.
        unsafe { libc::regexec(&*self.re, text.as_ptr(), 0, std::ptr::null_mut(), 0) == 0 }
    }
}

impl Drop for PosixRegex {
    fn drop(&mut self) {
        // SAFETY: self.re was compiled by regcomp and is freed once.
        unsafe { libc::regfree(&mut *self.re) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extended_syntax_and_glibc_errors() {
        let re = PosixRegex::new(b"sle+p (10|20)+$").unwrap();
        assert!(re.is_match(b"sleep 1010"));
        assert!(!re.is_match(b"sleep 1030"));
        assert_eq!(PosixRegex::new(b"(").unwrap_err(), "Unmatched ( or \\(");
        assert!(PosixRegex::new(b"[[:digit:]]").unwrap().is_match(b"a1"));
    }
}
