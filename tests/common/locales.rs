//! The locales and catalogs the translation tests run with. The locales are generated with
//! localedef(1) into a directory of this build, passed as `LOCPATH` to both util-linux and
//! rns, so no test depends on which locales the host has; the catalogs are the system's
//! (`util-linux-locales`, `libc-l10n`; ci-test.sh installs them), as a user has them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// (locale name, localedef input, charmap): the languages the issue names, two of them in
/// a single-byte charset (`de_DE`, ISO-8859-1, and `ru_RU.KOI8-R`, as glibc's SUPPORTED list
/// names them) and one in a multibyte charset that is not UTF-8 (`ja_JP.EUC-JP`).
pub const LOCALES: &[(&str, &str, &str)] = &[
    ("zh_CN.UTF-8", "zh_CN", "UTF-8"),
    ("de_DE.UTF-8", "de_DE", "UTF-8"),
    ("de_DE", "de_DE", "ISO-8859-1"),
    ("uk_UA.UTF-8", "uk_UA", "UTF-8"),
    ("ja_JP.UTF-8", "ja_JP", "UTF-8"),
    ("ru_RU.UTF-8", "ru_RU", "UTF-8"),
    ("fr_FR.UTF-8", "fr_FR", "UTF-8"),
    ("ko_KR.UTF-8", "ko_KR", "UTF-8"),
    ("ru_RU.KOI8-R", "ru_RU", "KOI8-R"),
    ("ja_JP.EUC-JP", "ja_JP", "EUC-JP"),
];

/// Catalogs the comparisons need: util-linux's and glibc's for each language above (ko has
/// no util-linux catalog in 2.38.1; glibc's is enough for getopt's messages).
const CATALOGS: &[&str] = &[
    "zh_CN/LC_MESSAGES/util-linux.mo",
    "de/LC_MESSAGES/util-linux.mo",
    "uk/LC_MESSAGES/util-linux.mo",
    "ja/LC_MESSAGES/util-linux.mo",
    "ru/LC_MESSAGES/util-linux.mo",
    "fr/LC_MESSAGES/util-linux.mo",
    "de/LC_MESSAGES/libc.mo",
    "ko/LC_MESSAGES/libc.mo",
];

/// The `LOCPATH` directory holding every locale of [`LOCALES`], generated on first use (a
/// few seconds, once per build directory), or `None` after a note when localedef, its
/// sources or the catalogs are missing; under `CI=true` that is a failure.
#[track_caller]
pub fn locpath(test: &str) -> Option<&'static Path> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match DIR.get_or_init(generate) {
        Ok(dir) => Some(dir),
        Err(why) => {
            if std::env::var_os("CI").is_some_and(|v| v == "true") {
                panic!("{test}: {why} (ci-test.sh installs locales, libc-l10n and util-linux-locales)");
            }
            eprintln!("skip: {test}: {why}");
            None
        }
    }
}

fn generate() -> Result<PathBuf, String> {
    let catalogs = Path::new("/usr/share/locale");
    if let Some(missing) = CATALOGS.iter().find(|c| !catalogs.join(c).exists()) {
        return Err(format!("no catalog /usr/share/locale/{missing}"));
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("locales");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    for (name, input, charmap) in LOCALES {
        let target = dir.join(name);
        if target.join("LC_CTYPE").exists() {
            continue;
        }
        // Built aside and renamed into place, so a concurrent test run sees a whole locale.
        let partial = dir.join(format!(".{name}.{}", std::process::id()));
        let status = Command::new("localedef")
            .args(["-i", input, "-f", charmap])
            .arg(&partial)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run localedef: {e}"))?;
        // localedef exits 1 for mere warnings; the locale is there all the same.
        if !partial.join("LC_CTYPE").exists() {
            return Err(format!("localedef -i {input} -f {charmap} failed ({status})"));
        }
        if std::fs::rename(&partial, &target).is_err() {
            // Another run put it there first.
            let _ = std::fs::remove_dir_all(&partial);
        }
    }
    Ok(dir)
}

/// What a run printed, as bytes (a translation in a single-byte locale is not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bytes {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub status: i32,
}

/// Runs `program` as `argv0` with an environment of only `PATH`, `LOCPATH` (the generated
/// locales) and `env` (`LANG=...`, `LC_MESSAGES=...`, `LANGUAGE=...`), stdin closed.
pub fn run_in(locpath: &Path, program: &str, argv0: &str, args: &[&str], env: &[(&str, &str)]) -> Bytes {
    use std::os::unix::process::{CommandExt, ExitStatusExt};
    let out = Command::new(program)
        .arg0(argv0)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("LOCPATH", locpath)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let status = out.status.code().unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Bytes { stdout: out.stdout, stderr: out.stderr, status }
}

/// Asserts two byte strings are equal, with a line diff of their lossy text first.
#[track_caller]
pub fn assert_bytes(what: &str, expected: &[u8], actual: &[u8]) {
    super::assert_text(what, &String::from_utf8_lossy(expected), &String::from_utf8_lossy(actual));
    assert_eq!(expected, actual, "{what}: the bytes differ where the text does not");
}
