//! util-linux's languages (docs/parity.md, Translations): `--help`, `--version`, getopt's diagnostics, the
//! `Try ... --help` hint, strerror texts and the `-H` column descriptions in the user's
//! language, as util-linux prints them from the system's catalogs.
//!
//! Compared with util-linux 2.38.1 (`/usr/bin`) in locales generated for the test (LOCPATH,
//! [`crate::common::locales`]), for the strings 2.38.1 and 2.42 share; what only 2.42 has
//! comes from a catalog this test writes and compiles with msgfmt(1), bound over the
//! system's in a throwaway mount namespace.

use crate::common::locales::{assert_bytes, locpath, run_in, Bytes, LOCALES};
use crate::common::{ours, privileged, throwaway_world};
use std::path::Path;

const TOOLS: [&str; 3] = ["unshare", "nsenter", "lsns"];

/// util-linux 2.38.1's binary for `util`, if installed.
fn theirs(util: &str) -> Option<String> {
    let path = format!("/usr/bin/{util}");
    Path::new(&path).exists().then_some(path)
}

/// The generated locales whose language util-linux 2.38.1 has a catalog for (Korean it has
/// not: ko_KR serves glibc's messages only).
fn languages() -> impl Iterator<Item = &'static str> {
    LOCALES.iter().map(|l| l.0).filter(|l| !l.starts_with("ko_"))
}

fn lines(text: &[u8]) -> Vec<&[u8]> {
    text.split(|&b| b == b'\n').collect()
}

fn show(line: &[u8]) -> String {
    String::from_utf8_lossy(line).into_owned()
}

/// Both tools' `args` in `env`, util-linux's then ours, both called `util`.
fn both(loc: &Path, util: &str, args: &[&str], env: &[(&str, &str)]) -> Option<(Bytes, Bytes)> {
    let theirs = theirs(util)?;
    let mut oracle = run_in(loc, &theirs, util, args, env);
    // util-linux's lsns exits 1 without a word when a process vanishes while it reads it (its
    // -ESRCH bug, in 2.38.1 and 2.42 alike), and other tests' processes come and go meanwhile:
    // such a run says nothing of its messages, so the oracle is asked again (a few times at
    // most). rlsns does not copy that silence.
    let silent = |b: &Bytes| util == "lsns" && b.status == 1 && b.stdout.is_empty() && b.stderr.is_empty();
    for _ in 0..20 {
        if !silent(&oracle) {
            break;
        }
        oracle = run_in(loc, &theirs, util, args, env);
    }
    Some((oracle, run_in(loc, ours(util), util, args, env)))
}

/// `--help` in each language: util-linux 2.42's text cut into its msgids and each looked up,
/// as util-linux 2.38.1 looks up the same msgids in the same catalog. The two releases' help
/// texts differ (2.42 has new options and, for nsenter, new widths), so the comparison is by
/// line: each line rns prints is one util-linux 2.38.1 prints in that language, or a line of
/// a msgid only 2.42 has (2.38.1's catalog has no translation for it, so it is English, as
/// util-linux 2.42 would print it with that catalog), or a `-h`/`-V`/`-H` line whose
/// translated help util-linux pads to another width. And no line 2.38.1 translates is left
/// in English.
#[test]
fn help_in_every_language_is_util_linux_translation() {
    let Some(loc) = locpath("help_in_every_language_is_util_linux_translation") else { return };
    for util in TOOLS {
        let Some((theirs_c, ours_c)) = both(loc, util, &["--help"], &[("LC_ALL", "C")]) else {
            eprintln!("skip: /usr/bin/{util} is not installed");
            continue;
        };
        let (theirs_c, ours_c) = (lines(&theirs_c.stdout), lines(&ours_c.stdout));
        for lang in languages() {
            let Some((theirs_l, ours_l)) = both(loc, util, &["--help"], &[("LANG", lang)]) else { continue };
            assert_eq!((theirs_l.status, ours_l.status), (0, 0), "{util} --help in {lang}");
            assert!(ours_l.stderr.is_empty(), "{util} --help in {lang}: {}", show(&ours_l.stderr));
            let (theirs_l, ours_l) = (lines(&theirs_l.stdout), lines(&ours_l.stdout));
            // English lines of msgids only 2.42 has: a line 2.38.1 does not print, and the
            // continuation lines of such an option (2.38.1 may share a continuation with
            // an option of another synopsis: `--map-users`).
            let mut only_2_42 = vec![false; ours_l.len()];
            for (i, line) in ours_l.iter().enumerate() {
                let continued = i > 0 && only_2_42[i - 1] && line.starts_with(&[b' '; 20]);
                only_2_42[i] = ours_c.contains(line) && (continued || !theirs_c.contains(line));
            }
            let mut translated = 0;
            for (i, line) in ours_l.iter().enumerate() {
                if theirs_l.contains(line) {
                    translated += usize::from(!theirs_c.contains(line));
                    continue;
                }
                let repadded = [" -h, --help", " -V, --version", " -H, --list-columns"].iter().any(|option| {
                    let help = |l: &&[u8]| l.strip_prefix(option.as_bytes()).map(|h| h.trim_ascii_start().to_vec());
                    help(line).is_some_and(|h| theirs_l.iter().filter_map(help).any(|t| t == h))
                });
                assert!(
                    only_2_42[i] || repadded,
                    "{util} --help in {lang}: util-linux 2.38.1 prints no line {:?}\n(theirs:\n{})",
                    show(line),
                    show(&theirs_l.join(&b'\n'))
                );
            }
            // Every line both releases print in English and 2.38.1 translates is translated.
            for (i, english) in ours_l.iter().enumerate() {
                if !english.is_empty() && !only_2_42[i] && theirs_c.contains(english) && !theirs_l.contains(english) {
                    panic!("{util} --help in {lang}: {:?} left in English", show(english));
                }
            }
            assert!(translated >= 3, "{util} --help in {lang}: only {translated} translated lines");
        }
    }
}

/// `bytes` with the first `from` replaced by `to`.
fn replace_first(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    match bytes.windows(from.len()).position(|w| w == from) {
        Some(at) => [&bytes[..at], to, &bytes[at + from.len()..]].concat(),
        None => bytes.to_vec(),
    }
}

/// Under its own name a tool's `--help` is util-linux's text as it is translated under
/// util-linux's name, then rns's extras (English: they have no msgid), then util-linux's
/// translated pointer, to the own page; `rlsns -H` lists util-linux's columns translated as
/// under the name `lsns`.
#[test]
fn own_name_help_keeps_util_linux_translation() {
    let Some(loc) = locpath("own_name_help_keeps_util_linux_translation") else { return };
    let tools = [
        ("lsns", "rlsns", "lsns(8)", "rlsns(8)"),
        ("nsenter", "rnsenter", "nsenter(1)", "rnsenter(1)"),
        ("unshare", "runshare", "unshare(1)", "runshare(1)"),
    ];
    for (util, own, page, own_page) in tools {
        // util-linux's text up to the blank line before `For more details see ...`, and that tail.
        let parts = |env: &[(&str, &str)]| {
            let help = run_in(loc, ours(util), util, &["--help"], env).stdout;
            let cut = help[..help.len() - 1].iter().rposition(|&b| b == b'\n').expect("lines");
            let synopsis = |name: &str| format!("\n {name} ").into_bytes();
            (replace_first(&help[..cut], &synopsis(util), &synopsis(own)), help[cut..].to_vec())
        };
        let (english, _) = parts(&[("LC_ALL", "C")]);
        for lang in languages() {
            let (body, tail) = parts(&[("LANG", lang)]);
            assert_ne!(body, english, "{util} --help in {lang} is not translated");
            let mine = run_in(loc, ours(util), own, &["--help"], &[("LANG", lang)]);
            assert_eq!((mine.status, show(&mine.stderr).as_str()), (0, ""), "{own} --help in {lang}");
            assert!(mine.stdout.starts_with(&body), "{own} --help in {lang}:\n{}", show(&mine.stdout));
            let tail = replace_first(&tail, page.as_bytes(), own_page.as_bytes());
            assert!(mine.stdout.ends_with(&tail), "{own} --help in {lang} ends with {:?}", show(&tail));
            let extras = &mine.stdout[body.len()..mine.stdout.len() - tail.len()];
            assert!(extras.starts_with(b"\nrns extras (not in util-linux):\n"), "{own} in {lang}: {}", show(extras));
            if util == "lsns" {
                let theirs = run_in(loc, ours(util), util, &["-H"], &[("LANG", lang)]).stdout;
                let listed = run_in(loc, ours(util), own, &["-H"], &[("LANG", lang)]).stdout;
                let trimmed =
                    |text: &[u8]| lines(text).iter().map(|l| l.trim_ascii_start().to_vec()).collect::<Vec<_>>();
                let (theirs, listed) = (trimmed(&theirs), trimmed(&listed));
                assert_eq!(&listed[..13], &theirs[..13], "rlsns -H in {lang}");
                assert!(listed[13..].iter().filter(|l| !l.is_empty()).all(|l| l.ends_with(b" (rns extra)")));
            }
        }
    }
}

/// Every kind of glibc getopt diagnostic, in each tool's own option set (argument
/// vectors whose answer 2.38.1 and 2.42 share; an ambiguity whose possibilities are the
/// same in both), and the hint after it.
const USAGE_ERRORS: &[(&str, &[&str])] = &[
    ("unshare", &["--bogus"]),
    ("unshare", &["--bogus=\u{e9}"]),
    ("unshare", &["-x"]),
    ("unshare", &["-S"]),
    ("unshare", &["--setuid"]),
    ("unshare", &["--fork=1"]),
    ("unshare", &["--k"]),
    ("nsenter", &["--bogus"]),
    ("nsenter", &["-\u{e9}"]),
    ("nsenter", &["-t"]),
    ("nsenter", &["--target"]),
    ("nsenter", &["--all=1"]),
    ("nsenter", &["--p"]),
    ("lsns", &["--bogus"]),
    ("lsns", &["-x"]),
    ("lsns", &["-o"]),
    ("lsns", &["--output"]),
    ("lsns", &["--json=1"]),
    ("lsns", &["--no"]),
];

/// The environments glibc resolves: each language as LANG, and the rules between the
/// variables (LC_ALL over LC_MESSAGES over LANG; LANGUAGE first unless the locale is C;
/// LC_MESSAGES alone; a category naming a missing locale, which leaves all of them C; a
/// codeset that cannot hold the language, which glibc transliterates).
fn environments() -> Vec<Vec<(&'static str, &'static str)>> {
    let mut envs: Vec<Vec<(&str, &str)>> = LOCALES.iter().map(|l| vec![("LANG", l.0)]).collect();
    envs.extend([
        vec![("LC_MESSAGES", "de_DE.UTF-8")],
        vec![("LC_ALL", "uk_UA.UTF-8"), ("LC_MESSAGES", "de_DE.UTF-8"), ("LANG", "fr_FR.UTF-8")],
        vec![("LANG", "de_DE.UTF-8"), ("LC_MESSAGES", "ja_JP.UTF-8")],
        vec![("LANG", "de_DE.UTF-8"), ("LANGUAGE", "fr:ru")],
        vec![("LANG", "ru_RU.UTF-8"), ("LANGUAGE", "xx:zh_CN")],
        vec![("LC_ALL", "C"), ("LANGUAGE", "fr")],
        vec![("LANG", "de_DE.UTF-8"), ("LC_TIME", "xx_YY.UTF-8")],
        vec![("LC_CTYPE", "C"), ("LC_MESSAGES", "ru_RU.UTF-8")],
        vec![("LC_CTYPE", "C"), ("LC_MESSAGES", "ko_KR.UTF-8")],
        vec![("LC_CTYPE", "de_DE"), ("LC_MESSAGES", "uk_UA.UTF-8")],
        vec![("LANG", "de_DE"), ("LC_MESSAGES", "fr_FR.UTF-8")],
    ]);
    envs
}

#[test]
fn usage_errors_in_every_language_are_glibc_and_util_linux_translations() {
    let Some(loc) = locpath("usage_errors_in_every_language_are_glibc_and_util_linux_translations") else { return };
    for env in environments() {
        for (util, args) in USAGE_ERRORS {
            let Some((theirs, ours)) = both(loc, util, args, &env) else { continue };
            let what = format!("{util} {args:?} in {env:?}");
            assert_bytes(&format!("stderr of {what}"), &theirs.stderr, &ours.stderr);
            assert_bytes(&format!("stdout of {what}"), &theirs.stdout, &ours.stdout);
            assert_eq!(theirs.status, ours.status, "{what}");
        }
    }
}

/// The tools' own err()/errx() messages whose msgid util-linux 2.38.1 shares with 2.42: each
/// is util-linux's format looked up and filled with its arguments (bytes as given), then
/// glibc's strerror text, as 2.38.1 prints them. `SELF` stands for the test's own pid, a
/// process whose namespaces can be entered.
const ERR_MESSAGES: &[(&str, &[&str])] = &[
    ("nsenter", &["-t", "999999", "-n", "true"]),
    ("nsenter", &["--net=/etc/passwd", "true"]),
    ("nsenter", &["-t", "SELF", "-u", "-S", "abc", "true"]),
    ("nsenter", &["-t", "SELF", "-u", "-G", "99999999999999999999", "true"]),
    ("nsenter", &["-t", "SELF", "-u", "/nonexistent/program"]),
    ("nsenter", &["-t", "SELF", "--root=/nonexistent", "true"]),
    ("nsenter", &["--uts=/nonexistent", "true"]),
    ("unshare", &["-S", "abc", "true"]),
    ("unshare", &["-G", "99999999999999999999", "true"]),
    ("unshare", &["-T", "--boottime", "x", "true"]),
    ("unshare", &["--propagation=xx", "true"]),
    ("unshare", &["--setgroups=x", "true"]),
    ("unshare", &["--kill-child=FOO", "true"]),
    ("unshare", &["-R", "/nonexistent", "true"]),
    ("unshare", &["-U", "--setgroups=allow", "--map-group=0", "true"]),
    ("unshare", &["/nonexistent/program"]),
    ("unshare", &["--mount-proc=/nonexistent", "-p", "-f", "true"]),
    ("unshare", &["--uts=/nonexistent/file", "true"]),
    ("lsns", &["-o", "FOO"]),
    ("lsns", &["-o", "NS,FO\u{e9}"]),
    ("lsns", &["-p", "abc"]),
    ("lsns", &["-p", "99999999999999"]),
    ("lsns", &["-t", "xx"]),
    ("lsns", &["-T", "xx"]),
    ("lsns", &["123x"]),
    ("lsns", &["99999999"]),
    ("lsns", &["-p", "1", "99999999"]),
];

#[test]
fn err_messages_in_every_language_are_util_linux_translations() {
    if !privileged("err_messages_in_every_language_are_util_linux_translations") {
        return;
    }
    let Some(loc) = locpath("err_messages_in_every_language_are_util_linux_translations") else { return };
    let pid = std::process::id().to_string();
    let mut translated = [false; ERR_MESSAGES.len()];
    for env in environments() {
        for (i, (util, args)) in ERR_MESSAGES.iter().enumerate() {
            let args: Vec<&str> = args.iter().map(|&a| if a == "SELF" { pid.as_str() } else { a }).collect();
            let Some((theirs, ours)) = both(loc, util, &args, &env) else { continue };
            let what = format!("{util} {args:?} in {env:?}");
            // unshare names the namespace files of its own pid, which differs between the two.
            let own_pid =
                |b: &[u8]| if args.contains(&"--uts=/nonexistent/file") { without_pids(b) } else { b.to_vec() };
            assert_bytes(&format!("stderr of {what}"), &own_pid(&theirs.stderr), &own_pid(&ours.stderr));
            assert_bytes(&format!("stdout of {what}"), &theirs.stdout, &ours.stdout);
            assert_eq!(theirs.status, ours.status, "{what}");
            translated[i] |= !ours.stderr.is_ascii();
        }
    }
    // Each message is translated in some language (not all catalogs have all of them).
    for ((util, args), translated) in ERR_MESSAGES.iter().zip(translated) {
        assert!(translated, "{util} {args:?} is English in every language");
    }
}

/// `text` with each `/proc/<digits>/` as `/proc/PID/`.
fn without_pids(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.windows(6).position(|w| w == b"/proc/") {
        out.extend_from_slice(&rest[..at + 6]);
        rest = &rest[at + 6..];
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits > 0 && rest.get(digits) == Some(&b'/') {
            out.extend_from_slice(b"PID");
            rest = &rest[digits..];
        }
    }
    out.extend_from_slice(rest);
    out
}

/// `--version`'s first line is util-linux's `_("%s from %s\n")` with the release rns matches.
#[test]
fn version_line_in_every_language_is_util_linux_translation() {
    let Some(loc) = locpath("version_line_in_every_language_is_util_linux_translation") else { return };
    for env in environments() {
        for util in TOOLS {
            let Some((theirs, ours)) = both(loc, util, &["-V"], &env) else { continue };
            let expected = String::from_utf8_lossy(&theirs.stdout).replace("util-linux 2.38.1", "util-linux 2.42.3");
            let ours_text = String::from_utf8_lossy(&ours.stdout);
            let mut ours_lines = ours_text.split_inclusive('\n');
            assert_eq!(ours_lines.next(), Some(expected.as_str()), "{util} -V in {env:?}");
            assert!(ours_lines.next().is_some_and(|l| l.starts_with("rns ")), "{util} -V in {env:?}: {ours_text}");
            assert!(theirs.stdout.is_ascii() || !ours.stdout.is_ascii(), "{util} -V in {env:?}");
        }
    }
}

/// glibc's strerror text in the user's language and codeset, passed through as bytes: in
/// `de_DE` (ISO-8859-1) `Das Argument ist ung\xfcltig`, not UTF-8 and not U+FFFD. Only the
/// errno text is compared here; the whole message, in
/// [`err_messages_in_every_language_are_util_linux_translations`].
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

/// Text in `lang`'s charset, for comparing: UTF-8 as such, any other charset byte for byte
/// (each byte one character, so equal texts are equal bytes).
fn in_charset(bytes: Vec<u8>, lang: &str) -> String {
    if lang.ends_with("UTF-8") || lang == "C" {
        String::from_utf8(bytes).unwrap_or_else(|e| panic!("output in {lang}: {e}"))
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// `-H`'s descriptions are util-linux's column descriptions in the user's language and
/// charset (in ISO-8859-1 or KOI8-R its letters are that charset's bytes, printed as they
/// are): 2.38.1 has no `-H` but lists the same msgids under "Available output columns" in
/// `--help` (` %11s  %s` of name and translated description).
#[test]
fn list_columns_descriptions_in_every_language_are_util_linux_translations() {
    let Some(loc) = locpath("list_columns_descriptions_in_every_language_are_util_linux_translations") else { return };
    let Some(lsns) = theirs("lsns") else { return };
    for lang in languages().chain(["C"]) {
        let env = [("LANG", lang)];
        let help = run_in(loc, &lsns, "lsns", &["--help"], &env).stdout;
        let listed = run_in(loc, ours("lsns"), "lsns", &["-H"], &env);
        assert_eq!(listed.status, 0, "in {lang}");
        let ours: Vec<(String, String)> = in_charset(listed.stdout, lang)
            .lines()
            .map(|line| {
                let (name, rest) = line.trim_start().split_once(' ').unwrap_or_default();
                let (_type, description) = rest.trim_start().split_once(' ').unwrap_or_default();
                (name.to_string(), description.trim_start().to_string())
            })
            .collect();
        let help = in_charset(help, lang);
        let mut compared = 0;
        for line in help.lines().filter(|l| l.len() > 14 && l.is_char_boundary(12) && l.is_char_boundary(14)) {
            let (name, description) = (line[..12].trim_start(), &line[14..]);
            if let Some((_, ours)) = ours.iter().find(|(n, _)| n == name && !name.is_empty()) {
                assert_eq!(ours, description, "-H description of {name} in {lang}");
                compared += 1;
            }
        }
        assert_eq!(compared, 13, "-H in {lang}: {ours:?}");
    }
}

/// A catalog of msgids only util-linux 2.42 has (and a few it shares), as a translator would
/// write it: a Japanese `--version` and `cannot be combined` that reorder their arguments, a
/// multi-line option whose translation is one entry, err() messages 2.42 words otherwise,
/// formats that do not fit (an English fallback rather than a crash: msgfmt without `-c`
/// compiles them).
const PO: &str = r#"msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#, c-format
msgid "%s from %s\n"
msgstr "%2$s の %1$s\n"

msgid "\nUsage:\n"
msgstr "\n使い方:\n"

msgid "\nOptions:\n"
msgstr "\nオプション:\n"

#, c-format
msgid " %s [options] [<namespace ID>]\n"
msgstr " %s [オプション] [<名前空間ID>]\n"

msgid " -Q, --filter <expr>    apply display filter\n"
msgstr " -Q, --filter <式>      表示フィルターを適用します\n"

msgid "list the available columns"
msgstr "利用可能な列を一覧表示します"

msgid "display this help"
msgstr "このヘルプを表示します"

#, c-format
msgid "\nFor more details see %s.\n"
msgstr "\n詳しくは %s を参照してください。\n"

msgid "namespace identifier (inode number)"
msgstr "名前空間識別子 (inode 番号)"

msgid " -N, --net-socket <fd>         enter socket's network namespace (needs --target)\n"
msgstr " -N, --net-socket <fd>         ソケットのネットワーク名前空間に入ります (--target が必要)\n"

msgid "     --user-parent             enter parent user namespace\n"
msgstr "     --user-parent             親ユーザー名前空間に入ります\n"

msgid " --owner <uid>:<gid>       set the user namespace owner (implies --user)\n"
msgstr " --owner <uid>:<gid>       ユーザー名前空間の所有者を設定します (--user を含む)\n"

msgid ""
" --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)\n"
"                             defaults to SIGKILL\n"
msgstr ""
" --kill-child[=<signame>]  終了時に fork した子プロセスを kill します\n"
"                           (--fork を含む)\n"
"                           デフォルトは SIGKILL\n"

msgid "Try '%s --help' for more information.\n"
msgstr "%s %s %n\n"

#, c-format
msgid "options %s%s and %s%s cannot be combined"
msgstr "%3$s%4$s と %1$s%2$s は同時に指定できません"

#, c-format
msgid "failed to parse uid '%s'"
msgstr "uid '%s' を解析できませんでした"

msgid "no target PID specified"
msgstr "対象の PID が指定されていません"

#, c-format
msgid "cannot change directory to %s"
msgstr "%d"
"#;

/// The translations of [`PO`] as they must appear: (msgid as printed in English, expected).
const EXPECTED: &[(&str, &str)] = &[
    ("\nUsage:\n", "\n使い方:\n"),
    ("\nOptions:\n", "\nオプション:\n"),
    (" lsns [options] [<namespace ID>]\n", " lsns [オプション] [<名前空間ID>]\n"),
    (" -Q, --filter <expr>    apply display filter\n", " -Q, --filter <式>      表示フィルターを適用します\n"),
    (" -H, --list-columns     list the available columns\n", " -H, --list-columns     利用可能な列を一覧表示します\n"),
    (" -h, --help             display this help\n", " -h, --help             このヘルプを表示します\n"),
    (" -h, --help                    display this help\n", " -h, --help                    このヘルプを表示します\n"),
    (" -h, --help                display this help\n", " -h, --help                このヘルプを表示します\n"),
    ("\nFor more details see lsns(8).\n", "\n詳しくは lsns(8) を参照してください。\n"),
    ("\nFor more details see nsenter(1).\n", "\n詳しくは nsenter(1) を参照してください。\n"),
    ("\nFor more details see unshare(1).\n", "\n詳しくは unshare(1) を参照してください。\n"),
    ("<integer> namespace identifier (inode number)\n", "<integer> 名前空間識別子 (inode 番号)\n"),
    (
        " -N, --net-socket <fd>         enter socket's network namespace (needs --target)\n",
        " -N, --net-socket <fd>         ソケットのネットワーク名前空間に入ります (--target が必要)\n",
    ),
    (
        "     --user-parent             enter parent user namespace\n",
        "     --user-parent             親ユーザー名前空間に入ります\n",
    ),
    (
        " --owner <uid>:<gid>       set the user namespace owner (implies --user)\n",
        " --owner <uid>:<gid>       ユーザー名前空間の所有者を設定します (--user を含む)\n",
    ),
    (
        " --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)\n                             defaults to SIGKILL\n",
        " --kill-child[=<signame>]  終了時に fork した子プロセスを kill します\n                           (--fork を含む)\n                           デフォルトは SIGKILL\n",
    ),
    ("options --wd and --wdns cannot be combined", "--wdns と --wd は同時に指定できません"),
    ("options --raw and --json cannot be combined", "--json と --raw は同時に指定できません"),
    ("failed to parse uid 'abc'", "uid 'abc' を解析できませんでした"),
    ("no target PID specified", "対象の PID が指定されていません"),
];

/// Strings util-linux 2.38.1 lacks, from a catalog the test compiles and binds over
/// `/usr/share/locale/ja/LC_MESSAGES` in a throwaway mount namespace (hiding the system's):
/// each is found, chunk for chunk, where util-linux 2.42 prints it; everything else stays
/// English, and a translation whose format does not fit its arguments is not used.
#[test]
fn catalog_entries_only_util_linux_2_42_has_are_found() {
    if !privileged("catalog_entries_only_util_linux_2_42_has_are_found") {
        return;
    }
    let Some(loc) = locpath("catalog_entries_only_util_linux_2_42_has_are_found") else { return };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("l10n-catalog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("util-linux.po"), PO).unwrap();
    let msgfmt = std::process::Command::new("msgfmt")
        .arg("-o")
        .arg(dir.join("util-linux.mo"))
        .arg(dir.join("util-linux.po"))
        .status();
    match msgfmt {
        Ok(s) if s.success() => {}
        other => {
            if std::env::var_os("CI").is_some_and(|v| v == "true") {
                panic!("msgfmt failed: {other:?} (ci-test.sh installs gettext)");
            }
            eprintln!("skip: msgfmt failed: {other:?}");
            return;
        }
    }
    // Each tool's C output, then the same in Japanese with the bound catalog; RS-separated.
    let runs: &[(&str, &[&str])] = &[
        ("lsns", &["--help"]),
        ("lsns", &["-H"]),
        ("lsns", &["-V"]),
        ("lsns", &["--bogus"]),
        ("nsenter", &["--help"]),
        ("unshare", &["--help"]),
        ("nsenter", &["-w", "-W", "true"]),
        ("lsns", &["-r", "-J"]),
        ("unshare", &["--map-user=abc", "true"]),
        ("nsenter", &["-n", "true"]),
        ("unshare", &["-w", "/nonexistent", "true"]),
    ];
    let mut script = String::from(
        "unset LC_ALL\n\
         mount --bind \"$CATALOG\" /usr/share/locale/ja/LC_MESSAGES || exit 99\n\
         run() { local bin=$1 name=$2; shift 2; (exec -a \"$name\" \"$bin\" \"$@\") 2>&1; }\n",
    );
    for (util, args) in runs {
        let args = args.join(" ");
        let bin = ours(util);
        script.push_str(&format!(
            "printf '\\036\\n'; LC_ALL=C run {bin} {util} {args}\nprintf '\\036\\n'; LANG=ja_JP.UTF-8 run {bin} {util} {args}\n"
        ));
    }
    // The last runs fail, as they must.
    script.push_str("exit 0\n");
    let catalog = dir.to_string_lossy().into_owned();
    let out =
        throwaway_world("rns-l10n", "", &script, &[("CATALOG", catalog.as_str()), ("LOCPATH", &loc.to_string_lossy())]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status, 0, "{out:?}");
    let parts: Vec<&str> = out.stdout.split("\u{1e}\n").skip(1).collect();
    assert_eq!(parts.len(), 2 * runs.len(), "{out:?}");
    for (i, (util, args)) in runs.iter().enumerate() {
        let (c, ja) = (parts[2 * i], parts[2 * i + 1]);
        let what = format!("{util} {args:?} with the test's Japanese catalog");
        let expected = match args[0] {
            "-V" => c.replacen("lsns from util-linux 2.42.3\n", "util-linux 2.42.3 の lsns\n", 1),
            _ => EXPECTED.iter().fold(c.to_string(), |text, (english, translated)| text.replace(english, translated)),
        };
        // `--bogus` has nothing to translate; `-w /nonexistent`'s translation does not fit.
        assert!(expected != c || ["--bogus", "-w"].contains(&args[0]), "{what}: nothing to translate in {c}");
        crate::common::assert_text(&what, &expected, ja);
    }
}

/// Cells in the charset of the user's locale, as libsmartcols decides in each (mbrtowc,
/// iswprint, wcwidth; isprint, isblank, iscntrl for single bytes): a parent and its child,
/// whose command lines hold UTF-8 `é`, ISO-8859-1 letters and bytes 0xa0..=0xff, control
/// bytes, 0x80..=0x9f, a `\x`, EUC-JP double-width characters and a byte that starts no
/// EUC-JP character, listed by rlsns and util-linux 2.38.1 in ISO-8859-1, KOI8-R and EUC-JP
/// (and UTF-8 and C beside them): tree, table, list, raw and JSON output, the command last and
/// first (where its width pads the columns after it), and truncated on a terminal; and a
/// namespace's NSFS mount points at odd paths, a multi-line cell.
#[test]
fn cells_in_non_utf8_locales_are_escaped_like_lsns() {
    let test = "cells_in_non_utf8_locales_are_escaped_like_lsns";
    if !privileged(test) || !crate::common::python3(test) {
        return;
    }
    let Some(loc) = locpath(test) else { return };
    if theirs("lsns").is_none() {
        return;
    }
    let script = r#"
/usr/bin/unshare -u /usr/bin/python3 -c '
import os, sys
odd = [b"py\xc3\xa9", b"-c", b"import time; time.sleep(1000)", b"a\xa0b\xe4\xfc\xff\xd7 \xc4\xd6",
       b"c\x01\x1b\x7f\t", b"\x80\x85\x9f", b"\\x41 \\ q", b"\xa4\xa2\xb0\xa1 \x8e\xb1 \xa1 \xb0"]
if os.fork() == 0:
    os.execv(sys.executable, [b"child \xe9\xe8 \xc3\xa9 \x9b \xa4\xa2\xb0\xa1\xa4\xa2\xb0\xa1\xa4\xa2 \xc4\xd6\xc4\xd6\xc4\xd6"] + odd[1:])
os.execv(sys.executable, odd)
' &
# Both exec'd: their command lines hold the sleep, no longer the script (nor does the grep).
until [ "$(grep -l 'sleep(1[0]00)' /proc/[0-9]*/cmdline 2>/dev/null | xargs grep -L 'import os' | wc -l)" -ge 2 ]; do
  sleep 0.05
done
# A net namespace bound at two odd paths: NSFS, a cell of one line per mount point.
a="$(printf 'n\344\303\251\001x')" b="$(printf 'm\244\242\240 y')"
touch "$a" "$b"
/usr/bin/unshare --net="$a" sleep 1000 &
until grep -qs "$(printf 'n\344')" /proc/self/mountinfo; do sleep 0.05; done
mount --bind "$a" "$b"
for lang in de_DE ru_RU.KOI8-R ja_JP.EUC-JP de_DE.UTF-8 C; do
  # NSFS last: 2.38.1 sizes a multi-line cell unlike 2.42, and shows it otherwise in JSON.
  for m in "" -r -l; do
    env -i LOCPATH="$LOCPATH" LANG=$lang "$RLSNS" -t net -o NS,TYPE,NSFS $m >ours 2>&1; r=$?
    env -i LOCPATH="$LOCPATH" LANG=$lang /usr/bin/lsns -t net -o NS,TYPE,NSFS $m >theirs 2>&1; t=$?
    cmp -s ours theirs && [ $r = $t ] || { echo "[$lang NSFS $m] $r $t"; diff theirs ours | od -c | head -20; }
  done
  for columns in NS,TYPE,COMMAND COMMAND,NS,TYPE; do
    for m in "" -r -l -J; do
      env -i LOCPATH="$LOCPATH" LANG=$lang "$RLSNS" -t uts -o $columns $m >ours 2>&1; r=$?
      env -i LOCPATH="$LOCPATH" LANG=$lang /usr/bin/lsns -t uts -o $columns $m >theirs 2>&1; t=$?
      cmp -s ours theirs && [ $r = $t ] || { echo "[$lang -o $columns $m] $r $t"; diff theirs ours | od -c | head -20; }
    done
  done
  # On a terminal: the command truncated to what is left of its width, by wcwidth (in
  # EUC-JP a double-width character that does not fit is dropped whole).
  for cols in 38 41 44 58; do
    for bin in "$RLSNS" /usr/bin/lsns; do
      script -qec "stty cols $cols; env -i LOCPATH='$LOCPATH' LANG=$lang $bin -t uts -o NS,TYPE,COMMAND" /dev/null \
        </dev/null | tr -d '\r' >"out-${bin##*/}"
    done
    cmp -s out-rlsns out-lsns || { echo "[$lang, $cols columns]"; diff out-lsns out-rlsns | od -c | head -20; }
  done
done
echo done
"#;
    let locpath = loc.to_string_lossy();
    let out = throwaway_world("rns-l10n", "", script, &[("RLSNS", ours("lsns")), ("LOCPATH", &locpath)]);
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.status), ("done\n", "", 0), "{test}");
}
