//! Hostile environments (docs/parity.md): output that cannot be written, an
//! `argv[0]` that is empty, ends in `/` or is not UTF-8, and `--version` as scripts parse it.
//! Each case is compared with util-linux 2.38.1 in /usr/bin where installed (it behaves as
//! 2.42 in all of them), and with the expected text, seen the same with util-linux 2.42.2.

use crate::common::*;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
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
    let out = neutral_env(&mut Command::new(program))
        .arg0(std::ffi::OsStr::from_bytes(argv0))
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    let status = out.status.code().unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Raw { stdout: out.stdout, stderr: out.stderr, status }
}

/// util-linux's `util`, where it is installed (see [`oracle`]).
#[track_caller]
fn theirs(util: &str) -> Option<String> {
    oracle(util, "a comparison of hostile_stdio").then(|| format!("/usr/bin/{util}"))
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

#[track_caller]
fn assert_bytes(what: &str, expected: &[u8], actual: &[u8]) {
    assert_text(what, &String::from_utf8_lossy(expected), &String::from_utf8_lossy(actual));
    assert_eq!(expected, actual, "{what}: bytes");
}

// ---------------------------------------------------------------- argv[0] as given

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
    // perl execs with an empty argv
    if !installed("/usr/bin/perl", "missing_argv0_is_an_empty_name") {
        return;
    }
    let out = run_raw("/usr/bin/perl", b"perl", &["-e", "exec { $ARGV[0] } () or die", ours("nsenter")]);
    assert_eq!(
        (String::from_utf8_lossy(&out.stderr).as_ref(), out.stdout.as_slice(), out.status),
        (": no namespace specified\n", &b""[..], 1)
    );
}

// ---------------------------------------------------------------- --version

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

// ---------------------------------------------------------------- unwritable stdout

/// `states NAME BINARY ARGS...` runs BINARY as NAME with its stdout in each unwritable state;
/// one line per state, `<state>: <stderr> <status>`: read-only (EBADF), closed (EBADF),
/// /dev/full (ENOSPC), a pipe whose reader is gone with SIGPIPE ignored (EPIPE) and with
/// SIGPIPE's default action (killed).
const STATES: &str = r#"
pipe_pl='pipe(R, W) or die; close R; $SIG{PIPE} = $ENV{SIGPIPE}; open(STDOUT, ">&", \*W) or die; close W;
  my $bin = shift; exec { $bin } @ARGV or die'
states() {
  local name=$1 bin=$2; shift 2
  echo "ro: $( (exec -a "$name" "$bin" "$@" 1</dev/null) 2>&1) $?"
  echo "closed: $( (exec -a "$name" "$bin" "$@" >&-) 2>&1) $?"
  echo "full: $( (exec -a "$name" "$bin" "$@" >/dev/full) 2>&1) $?"
  echo "epipe: $( (SIGPIPE=IGNORE perl -e "$pipe_pl" "$bin" "$name" "$@") 2>&1) $?"
  echo "sigpipe: $( (SIGPIPE=DEFAULT perl -e "$pipe_pl" "$bin" "$name" "$@") 2>&1) $?"
}
"#;

/// What util-linux prints in each state for output that fits stdio's buffer: only a full disk
/// is an error (the final flush's EBADF and EPIPE are not, `close_stdout`); SIGPIPE kills.
fn small_output_states(prog: &str) -> String {
    format!("ro:  0\nclosed:  0\nfull: {prog}: write error: No space left on device 1\nepipe:  0\nsigpipe:  141\n")
}

/// `--help` and `--version` of the three tools (all smaller than any buffer) into stdout that
/// cannot be written: as util-linux, in every state.
#[test]
fn help_and_version_into_unwritable_stdout_like_util_linux() {
    // perl makes a pipe without reader
    if !installed("/usr/bin/perl", "help_and_version_into_unwritable_stdout_like_util_linux") {
        return;
    }
    for util in UTILS {
        for opt in ["--help", "--version"] {
            let script = format!("{STATES}states {util} \"$BIN\" {opt}");
            let ours = run_with("/bin/bash", "bash", &["-c", &script], |c| {
                c.env("BIN", crate::common::ours(util));
            });
            assert_text(&format!("{util} {opt}"), &small_output_states(util), &ours.stdout);
            if let Some(theirs) = theirs(util) {
                let theirs = run_with("/bin/bash", "bash", &["-c", &script], |c| {
                    c.env("BIN", &theirs);
                });
                assert_text(&format!("/usr/bin/{util} {opt}"), &theirs.stdout, &ours.stdout);
            }
        }
    }
}

/// Runs a bash script as root in a throwaway world (see `common::world_args`).
fn world(script: &str) -> Outcome {
    throwaway_world("rns-stdio", "", script, &[("RLSNS", ours("lsns"))])
}

/// rlsns at the edges of stdio's buffer (4096 bytes for a pipe or /dev/null, 8192 when stdout
/// is closed and has no block size): output that fits is flushed at exit, where EBADF and
/// EPIPE are no error; one byte more was written on the way and failed, so `write error`,
/// exit 1. Seen the same with util-linux 2.38.1 and 2.42.2.
#[test]
fn rlsns_unwritable_stdout_at_the_buffer_edges() {
    let test = "rlsns_unwritable_stdout_at_the_buffer_edges";
    if !privileged(test) || !installed("/usr/bin/perl", test) {
        return;
    }
    // One line: pid 1's command line (a new pid namespace's), padded to the size wanted.
    let script = r#"
export PIPE_PL='pipe(R, W) or die; close R; $SIG{PIPE} = "IGNORE"; open(STDOUT, ">&", \*W) or die; close W; exec @ARGV or die'
ln -s "$RLSNS" /tmp/lsns
probe() { # binary, padding, state
  /usr/bin/unshare -p -f --mount-proc bash -c "
    n=\$($1 -t uts -n -o COMMAND | wc -c)
    case $3 in
      ro) m=\$( ($1 -t uts -n -o COMMAND 1</dev/null) 2>&1);;
      closed) m=\$( ($1 -t uts -n -o COMMAND >&-) 2>&1);;
      epipe) m=\$( (perl -e \"\$PIPE_PL\" $1 -t uts -n -o COMMAND) 2>&1);;
    esac
    echo \"\$n \$m \$?\"; : $(printf 'x%.0s' $(seq $2))"
}
for bin in /tmp/lsns /usr/bin/lsns; do
  [ -x $bin ] || continue
  for state in ro epipe closed; do
    n0=$(probe $bin 100 $state | cut -d' ' -f1)
    edge=4096; [ $state = closed ] && edge=8192
    for want in $edge $((edge + 1)); do echo "$state $(probe $bin $((100 + want - n0)) $state)"; done
  done
done
"#;
    let out = world(script);
    let one = "ro 4096  0\nro 4097 lsns: write error 1\nepipe 4096  0\nepipe 4097 lsns: write error 1\n\
               closed 8192  0\nclosed 8193 lsns: write error 1\n";
    let expected = if oracle("lsns", test) { one.repeat(2) } else { one.to_string() };
    assert_eq!((out.stderr.as_str(), out.status), ("", 0), "{}", out.stdout);
    assert_text("rlsns at the buffer edges", &expected, &out.stdout);
}

/// Every output mode of rlsns into stdout that cannot be written, small (within the buffer)
/// and large (more than 8192 bytes: the command line of the world's pid 1 is padded to 4000): as
/// util-linux lsns, which 2.38.1 shows live for the modes it has.
#[test]
fn rlsns_every_mode_into_unwritable_stdout() {
    let test = "rlsns_every_mode_into_unwritable_stdout";
    if !privileged(test) || !installed("/usr/bin/perl", test) {
        return;
    }
    let inner = format!(
        r#"{STATES}
nsid=$(readlink /proc/self/ns/uts | tr -dc 0-9)
for mode in "" "-T" "-r" "-J" "-l" "--output-all" "-p 1" "$nsid" "-H" "--compare 1 1"; do
  for bin in "$RLSNS" /usr/bin/lsns; do
    [ -x "$bin" ] || continue
    case $bin$mode in /usr/bin/lsns-H|/usr/bin/lsns--compare*) continue;; esac
    echo "[${{mode/$nsid/NSID}}] $(states lsns "$bin" $mode | tr '\n' ';')"
  done
done
"#
    );
    let script = format!(
        "cat >/tmp/inner.sh <<'EOF'\n{inner}EOF\n\
         /usr/bin/unshare -p -f --mount-proc bash /tmp/inner.sh\n\
         /usr/bin/unshare -p -f --mount-proc bash /tmp/inner.sh $(printf 'x%.0s' $(seq 4000))\n"
    );
    let out = world(&script);
    assert_eq!((out.stderr.as_str(), out.status), ("", 0), "{}", out.stdout);
    let modes = ["", "-T", "-r", "-J", "-l", "--output-all", "-p 1", "NSID", "-H", "--compare 1 1"];
    let have_theirs = oracle("lsns", test);
    let small = small_output_states("lsns").replace('\n', ";");
    let large = "ro: lsns: write error 1;closed: lsns: write error 1;full: lsns: write error 1;\
                 epipe: lsns: write error 1;sigpipe:  141;";
    let mut expected = String::new();
    for size in ["small", "large"] {
        for mode in modes {
            // The column list and the comparison do not show command lines: small in both.
            let states = if size == "large" && !["-H", "--compare 1 1"].contains(&mode) { large } else { &small };
            expected.push_str(&format!("[{mode}] {states}\n"));
            if have_theirs && !["-H", "--compare 1 1"].contains(&mode) {
                // util-linux's accident, deliberately not copied: with stdout closed, the netlink
                // socket it opens for NETNSID becomes descriptor 1 and takes the listing, so it
                // reports nothing and exits 0 (2.38.1 and 2.42.2 alike); rlsns says `write error`.
                let theirs = match (size, mode) {
                    ("large", "--output-all") => states.replace("closed: lsns: write error 1", "closed:  0"),
                    _ => states.to_string(),
                };
                expected.push_str(&format!("[{mode}] {theirs}\n"));
            }
        }
    }
    assert_text("rlsns modes into unwritable stdout", &expected, &out.stdout);
}
