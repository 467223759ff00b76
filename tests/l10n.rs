//! util-linux's languages (#20): strerror texts in the user's language, as util-linux prints
//! them from the system's catalogs.
//!
//! Compared with util-linux 2.38.1 (`/usr/bin`) in locales generated for the test (LOCPATH,
//! [`crate::common::locales`]).

use crate::common::locales::{assert_bytes, locpath, run_in, Bytes};
use crate::common::ours;
use std::path::Path;

/// util-linux 2.38.1's binary for `util`, if installed.
fn theirs(util: &str) -> Option<String> {
    let path = format!("/usr/bin/{util}");
    Path::new(&path).exists().then_some(path)
}

fn show(line: &[u8]) -> String {
    String::from_utf8_lossy(line).into_owned()
}

/// Both tools' `args` in `env`, util-linux's then ours, both called `util`.
fn both(loc: &Path, util: &str, args: &[&str], env: &[(&str, &str)]) -> Option<(Bytes, Bytes)> {
    let theirs = theirs(util)?;
    Some((run_in(loc, &theirs, util, args, env), run_in(loc, ours(util), util, args, env)))
}

/// glibc's strerror text in the user's language and codeset, passed through as bytes: in
/// `de_DE` (ISO-8859-1) `Das Argument ist ung\xfcltig`, not UTF-8 and not U+FFFD. The message
/// before it is util-linux's err() format (translated by util-linux, not yet by rns): only
/// the errno text is compared.
#[test]
fn strerror_is_glibcs_bytes_in_the_locales_codeset() {
    let Some(loc) = locpath("strerror_is_glibcs_bytes_in_the_locales_codeset") else { return };
    for lang in ["de_DE", "de_DE.UTF-8", "zh_CN.UTF-8", "ru_RU.UTF-8", "C"] {
        let env = [("LANG", lang)];
        let Some((theirs, ours)) = both(loc, "nsenter", &["--net=/etc/passwd", "true"], &env) else { return };
        let errno_text = |stderr: &[u8]| {
            let at = stderr.windows(2).rposition(|w| w == b": ").map_or(0, |i| i + 2);
            stderr[at..].to_vec()
        };
        assert_eq!(theirs.status, ours.status, "in {lang}");
        assert_bytes(&format!("strerror in {lang}"), &errno_text(&theirs.stderr), &errno_text(&ours.stderr));
        if lang == "de_DE" {
            assert!(ours.stderr.ends_with(b"ung\xfcltig\n"), "{}", show(&ours.stderr));
        }
    }
}
