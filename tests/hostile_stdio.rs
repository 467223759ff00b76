//! Hostile environments (issue #12), classes 3, 5 and 8: output that cannot be written, an
//! `argv[0]` that is empty, ends in `/` or is not UTF-8, and `--version` as scripts parse it.
//! Each case is compared with util-linux 2.38.1 in /usr/bin where installed (it behaves as
//! 2.42 in all of them), and with the expected text, seen the same with util-linux 2.42.2.

use crate::common::*;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};

const UTILS: [&str; 3] = ["unshare", "nsenter", "lsns"];

/// `argv[0]`s a caller may give: empty (also what Linux gives for an empty argv), a directory
/// (no basename), bytes that are not UTF-8, a space, a dash.
const ODD_NAMES: [&[u8]; 5] = [b"", b"/usr/bin/", b"/d/\xff\xfeq", b"x y", b"-"];

/// util-linux's `program_invocation_short_name`: what follows the last `/`.
fn short(argv0: &[u8]) -> &[u8] {
    argv0.rsplit(|&b| b == b'/').next().unwrap_or(argv0)
}

/// What a run left, as bytes.
#[derive(Debug, PartialEq, Eq)]
struct Raw {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: i32,
}

fn run_raw(program: &str, argv0: &[u8], args: &[&str]) -> Raw {
    let out = Command::new(program)
        .arg0(std::ffi::OsStr::from_bytes(argv0))
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let status = out.status.code().unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Raw { stdout: out.stdout, stderr: out.stderr, status }
}

fn theirs(util: &str) -> Option<String> {
    let path = format!("/usr/bin/{util}");
    Path::new(&path).exists().then_some(path)
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[track_caller]
fn assert_bytes(what: &str, expected: &[u8], actual: &[u8]) {
    assert_text(what, &String::from_utf8_lossy(expected), &String::from_utf8_lossy(actual));
    assert_eq!(expected, actual, "{what}: bytes");
}

// ---------------------------------------------------------------- class 5: argv[0] as given

/// getopt's messages start with `argv[0]` exactly as given, the hint names its basename, both
/// byte for byte: `: unrecognized option '--bogus'` / `Try ' --help' ...` for an empty one.
#[test]
fn odd_argv0_in_getopt_messages_like_util_linux() {
    for util in UTILS {
        for argv0 in ODD_NAMES {
            let hint = cat(&[b"Try '", short(argv0), b" --help' for more information.\n"]);
            for (args, text) in [
                (&["--bogus"][..], &b"unrecognized option '--bogus'"[..]),
                (&["-x"][..], &b"invalid option -- 'x'"[..]),
                (&["--bogus=1", "--help"][..], &b"unrecognized option '--bogus=1'"[..]),
            ] {
                let what = format!("{util} {args:?} as {:?}", String::from_utf8_lossy(argv0));
                let ours = run_raw(ours(util), argv0, args);
                assert_bytes(&what, &cat(&[argv0, b": ", text, b"\n", &hint]), &ours.stderr);
                assert_eq!((ours.stdout.as_slice(), ours.status), (&b""[..], 1), "{what}");
                if let Some(theirs) = theirs(util) {
                    assert_eq!(run_raw(&theirs, argv0, args), ours, "{what}: /usr/bin differs");
                }
            }
        }
    }
}

/// Messages of the programs themselves (`err`, `errx`, numeric parse errors) start with the
/// basename: empty for an empty `argv[0]` or one ending in `/`, raw bytes as they came.
#[test]
fn odd_argv0_in_error_messages_like_util_linux() {
    let cases: [(&str, &[&str], &[u8], i32); 6] = [
        ("lsns", &["-t", "bogus"], b"unknown namespace type: bogus", 1),
        ("lsns", &["-o", "FOO"], b"unknown column: FOO", 1),
        ("unshare", &["--setuid", "abc", "true"], b"failed to parse uid: 'abc'", 1),
        ("unshare", &["/nonexistent/x"], b"failed to execute /nonexistent/x: No such file or directory", 127),
        (
            "nsenter",
            &["--wd=/nonexistent/x", "-t", "1", "-m", "true"],
            b"cannot open /nonexistent/x: No such file or directory",
            1,
        ),
        ("nsenter", &["--setuid", "abc"], b"failed to parse uid: 'abc'", 1),
    ];
    for (util, args, text, status) in cases {
        for argv0 in ODD_NAMES {
            let what = format!("{util} {args:?} as {:?}", String::from_utf8_lossy(argv0));
            let ours = run_raw(ours(util), argv0, args);
            assert_bytes(&what, &cat(&[short(argv0), b": ", text, b"\n"]), &ours.stderr);
            assert_eq!(ours.status, status, "{what}");
            if let Some(theirs) = theirs(util) {
                let theirs = run_raw(&theirs, argv0, args);
                assert_eq!((theirs.stderr, theirs.status), (ours.stderr, ours.status), "{what}: /usr/bin differs");
            }
        }
    }
}

/// `--help` names the basename in its usage line and `--version` starts with it, whatever it is.
#[test]
fn odd_argv0_in_help_and_version() {
    let v = env!("CARGO_PKG_VERSION");
    for util in UTILS {
        for argv0 in ODD_NAMES {
            let what = format!("{util} as {:?}", String::from_utf8_lossy(argv0));
            let help = run_raw(ours(util), argv0, &["--help"]);
            let usage = cat(&[b"\nUsage:\n ", short(argv0), b" [options] "]);
            assert!(help.stdout.starts_with(&usage), "{what}: {:?}", String::from_utf8_lossy(&help.stdout));
            if let Some(theirs) = theirs(util) {
                // 2.38.1's texts differ from 2.42's after the usage line.
                assert!(run_raw(&theirs, argv0, &["--help"]).stdout.starts_with(&usage), "{what}: /usr/bin");
            }
            let version = run_raw(ours(util), argv0, &["--version"]);
            let expected = cat(&[short(argv0), b" from util-linux 2.42.3\nrns ", v.as_bytes(), b"\n"]);
            assert_bytes(&what, &expected, &version.stdout);
            assert_eq!((version.stderr.as_slice(), version.status), (&b""[..], 0), "{what}");
        }
    }
}

/// An execve(2) with an empty argv: Linux gives the program `argv[0] = ""` (since 5.18), so
/// the name is empty, as util-linux 2.42.2's `nsenter` prints `: no namespace specified`.
/// (2.38.1's nsenter runs a shell then, so it is no oracle here.)
#[test]
fn missing_argv0_is_an_empty_name() {
    if !Path::new("/usr/bin/perl").exists() {
        eprintln!("skip: no perl to exec with an empty argv");
        return;
    }
    let out = run_raw("/usr/bin/perl", b"perl", &["-e", "exec { $ARGV[0] } () or die", ours("nsenter")]);
    assert_eq!(
        (String::from_utf8_lossy(&out.stderr).as_ref(), out.stdout.as_slice(), out.status),
        (": no namespace specified\n", &b""[..], 1)
    );
}

// ---------------------------------------------------------------- class 8: --version

/// Scripts read the version the way they read util-linux's: the fourth word, a regex for
/// `util-linux 2.NN`, the first line. Ours answers 2.42.3 to each, under either name, and
/// util-linux's own answer has the same shape; rns and its version follow on a second line.
#[test]
fn version_reads_as_util_linux_to_scripts() {
    let script = r#"
tool() { (exec -a "$NAME" "$BIN" "$@"); }
v=$(tool --version | awk '{print $4}')
r=$(tool --version | grep -oE 'util-linux 2\.[0-9]+')
h=$(tool -V | head -1)
s=$(tool -V | sed -n 2p)
printf '%s|%s|%s|%s\n' "$v" "$r" "$h" "$s""#;
    let v = env!("CARGO_PKG_VERSION");
    for util in UTILS {
        for name in [util.to_string(), format!("r{util}")] {
            let out = run_with("/bin/bash", "bash", &["-c", script], |c| {
                c.env("BIN", ours(util)).env("NAME", &name);
            });
            expect_line(&out, &format!("2.42.3|util-linux 2.42|{name} from util-linux 2.42.3|rns {v}\n"));
        }
        if let Some(theirs) = theirs(util) {
            let out = run_with("/bin/bash", "bash", &["-c", script], |c| {
                c.env("BIN", &theirs).env("NAME", util);
            });
            let fields: Vec<&str> = out.stdout.trim_end().split('|').collect();
            assert_eq!(fields.len(), 4, "{out:?}");
            let version = fields[0];
            assert!(version.starts_with("2.") && fields[1].starts_with("util-linux 2."), "{out:?}");
            assert_eq!(fields[2], format!("{util} from util-linux {version}"), "{out:?}");
        }
    }
}

#[track_caller]
fn expect_line(out: &Outcome, expected: &str) {
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.status), (expected, "", 0), "{}", out.command);
}
