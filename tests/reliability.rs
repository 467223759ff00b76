//! Reliability and security of all three tools, as processes: random argument vectors never
//! crash them and every failure says why; output errors end quietly (SIGPIPE) or loudly
//! (`write error`) as util-linux does; the program run sees only the caller's descriptors;
//! a failed step leaves nothing behind; privileges drop in the order that works; and `unsafe`
//! stays in `crates/nscore/src/sys/`, each block with its `// SAFETY:` reason.
//! docs/security.md maps the threat model onto these tests.

use crate::common::*;
use nscore_fuzz::Rng;
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const UNSHARE: &str = "/usr/bin/unshare";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------- unsafe code

/// Every Rust file of the repository, but not build output.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if name != "target" && name != ".git" && name != "corpus" && name != "artifacts" {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code part of a line: no `//` comment, no string or char literal contents (good
/// enough for this code base: no raw strings hold the keyword).
fn code_of(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    let mut in_str = false;
    while let Some(c) = chars.next() {
        match (in_str, c) {
            (true, '\\') => {
                chars.next();
            }
            (true, '"') => in_str = false,
            (true, _) => {}
            (false, '"') => in_str = true,
            (false, '/') if chars.peek() == Some(&'/') => break,
            (false, c) => out.push(c),
        }
    }
    out
}

/// `unsafe` as a keyword (a block, fn, impl, trait or extern), not as part of a name.
fn uses_unsafe(code: &str) -> bool {
    let keyword = ["un", "safe"].concat();
    code.match_indices(&keyword).any(|(i, _)| {
        let before = code[..i].chars().next_back();
        let after = code[i + keyword.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

#[test]
fn unsafe_only_in_sys_and_each_block_says_why() {
    let root = repo();
    let sys = root.join("crates/nscore/src/sys");
    let mut files = Vec::new();
    for dir in ["src", "crates", "xtask", "tests", "fuzz"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 30, "found only {} Rust files under {}", files.len(), root.display());
    let mut problems = Vec::new();
    let mut blocks = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !uses_unsafe(&code_of(line)) {
                continue;
            }
            let at = format!("{}:{}", file.strip_prefix(&root).unwrap().display(), i + 1);
            if !file.starts_with(&sys) {
                problems.push(format!("{at}: unsafe outside crates/nscore/src/sys/"));
                continue;
            }
            blocks += 1;
            // The reason is on this line or in the comment lines right above the statement.
            let mut reason = line.contains("SAFETY:");
            let mut j = i;
            while !reason && j > 0 {
                j -= 1;
                let above = lines[j].trim_start();
                if above.starts_with("//") {
                    reason = above.contains("SAFETY:");
                } else if !(above.ends_with('(')
                    || above.ends_with(',')
                    || above.ends_with('{')
                    || above.ends_with('='))
                {
                    break;
                }
            }
            if !reason {
                problems.push(format!("{at}: unsafe without a `// SAFETY:` comment"));
            }
        }
    }
    assert!(blocks > 20, "only {blocks} unsafe sites found in sys/: is the scan broken?");
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The compiler enforces the same: denied in the workspace, allowed for `sys` only,
    // forbidden outright in the binaries and xtask.
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("[workspace.lints.rust]\nunsafe_code = \"deny\""), "workspace lint missing");
    for member in ["Cargo.toml", "crates/nscore/Cargo.toml", "xtask/Cargo.toml", "xtask/docgen/Cargo.toml"] {
        let text = std::fs::read_to_string(root.join(member)).unwrap();
        assert!(text.contains("[lints]\nworkspace = true"), "{member} does not inherit the workspace lints");
    }
    let lib = std::fs::read_to_string(root.join("crates/nscore/src/lib.rs")).unwrap();
    let allows: Vec<&str> = lib.lines().filter(|l| l.contains("allow(unsafe_code)")).collect();
    assert_eq!(allows, ["#[allow(unsafe_code)]"], "nscore allows unsafe for more than `sys`");
    assert!(lib.contains("#[allow(unsafe_code)]\npub mod sys;"));
    for file in [
        "src/bin/runshare.rs",
        "src/bin/rnsenter.rs",
        "src/bin/rlsns.rs",
        "xtask/src/main.rs",
        "xtask/docgen/src/lib.rs",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(text.contains("#![forbid(unsafe_code)]"), "{file} does not forbid unsafe code");
    }
}

// ---------------------------------------------------------------- random argument vectors

/// Option spellings of a tool: `-x`, `--long`, `--long=`, and a short prefix of the long name.
fn spellings<Id: Copy>(defs: &[nscore::cli::OptDef<Id>]) -> Vec<String> {
    let mut out = Vec::new();
    for d in defs {
        if let Some(c) = d.short {
            out.push(format!("-{c}"));
        }
        if let Some(l) = d.long {
            out.push(format!("--{l}"));
            out.push(format!("--{l}="));
            out.push(format!("--{}", &l[..l.len().div_ceil(2)]));
        }
    }
    out
}

/// Values that stay inside the sandbox: paths under its /tmp (or its own /proc), ids,
/// numbers, words of every option. Nothing names a real program but `true`.
const VALUES: &[&str] = &[
    "0",
    "1",
    "2",
    "65534",
    "-1",
    "4294967295",
    "99999999999999999999",
    "1:2",
    "0:100000:65536",
    "1,2,3",
    "auto",
    "all",
    "subids",
    "deny",
    "allow",
    "slave",
    "shared",
    "private",
    "unchanged",
    "term",
    "SIGKILL",
    "rtmin+1",
    "9",
    "net",
    "user",
    "pid",
    "parent",
    "owner",
    "process",
    "follow",
    "NS,TYPE",
    "+PNS",
    "NS,,TYPE",
    "ns,type,path",
    "TYPE == \"net\"",
    "NS ==",
    "(",
    "/tmp",
    "/tmp/x",
    "/tmp/f",
    "/",
    "/proc/self/ns/net",
    "/proc/1/ns/uts",
    "=/tmp",
    "",
    " ",
    "-",
    "--",
    "=",
    "true",
];

/// One random argument vector for a tool (no argv[0]).
fn random_argv(rng: &mut Rng, options: &[String]) -> Vec<OsString> {
    let mut args: Vec<Vec<u8>> = Vec::new();
    for _ in 0..rng.below(7) {
        let arg: Vec<u8> = match rng.below(12) {
            0..=4 => options[rng.below(options.len())].clone().into_bytes(),
            5 | 6 => rng.pick(VALUES).as_bytes().to_vec(),
            7 => {
                // An option with its value glued on.
                let o = &options[rng.below(options.len())];
                [o.as_bytes(), rng.pick(VALUES).as_bytes()].concat()
            }
            8 => rng.pick(&["é", "日本", "\u{1f600}", "\u{202e}", "a\u{301}"]).as_bytes().to_vec(),
            9 => vec![b'-', 0x80 | (rng.next_u64() as u8 & 0x7f), 0xff],
            10 => (0..rng.below(6)).map(|_| 1 + rng.below(255) as u8).collect(),
            _ => rng.pick(&["--", "=", "-", "-=", "--=x"]).as_bytes().to_vec(),
        };
        args.push(arg);
    }
    // Mostly a harmless program at the end (for runshare and rnsenter).
    if rng.below(4) != 0 {
        args.push(b"true".to_vec());
    }
    args.into_iter().map(OsString::from_vec).collect()
}

/// rlsns exits 1 without a word exactly where util-linux lsns does (kept for byte-for-byte
/// parity; listed in docs/security.md): an empty name in an `-o` list, or more columns than
/// its table holds.
fn lsns_parity_silence(args: &[OsString]) -> bool {
    let mut lists = Vec::new();
    let mut it = args.iter().map(|a| a.as_bytes());
    while let Some(a) = it.next() {
        if a == b"--" {
            break;
        }
        for long in [&b"--output="[..], b"--outpu=", b"--outp=", b"--out=", b"--ou=", b"--o="] {
            if let Some(v) = a.strip_prefix(long) {
                lists.push(v.to_vec());
            }
        }
        if a.starts_with(b"--o") && b"--output".starts_with(a) && a.len() > 3 {
            lists.extend(it.next().map(<[u8]>::to_vec));
        } else if a.starts_with(b"-") && !a.starts_with(b"--") {
            // -o in a cluster takes the rest, or the next argument.
            if let Some(p) = a.iter().position(|&b| b == b'o') {
                let rest = &a[p + 1..];
                lists.push(if rest.is_empty() { it.next().unwrap_or_default().to_vec() } else { rest.to_vec() });
            }
        }
    }
    lists.iter().any(|l| {
        let l = l.strip_prefix(b"+").unwrap_or(l);
        l.split(|&b| b == b',').any(<[u8]>::is_empty) || l.split(|&b| b == b',').count() > 26
    })
}

/// Runs `bin` as `argv0` with `args` in a throwaway world: new mount, UTS, IPC, network and
/// pid namespaces, /proc of that pid namespace, a tmpfs on /tmp as the working directory, a
/// 20 s limit. Whatever the options do (mount, bind, chroot, setuid, hostname) dies with it.
fn in_sandbox(bin: &str, argv0: &str, args: &[OsString]) -> std::process::Output {
    let script = format!("{}cd /tmp && touch f && exec -a \"$0\" \"$BIN\" \"$@\"", tmpfs_on_tmp("rns-argv"));
    let mut cmd = Command::new("/usr/bin/timeout");
    neutral_env(&mut cmd)
        .args(["-s", "KILL", "20", UNSHARE, "--mount", "--propagation", "private", "--uts", "--ipc", "--net"])
        .args(["--pid", "--fork", "--mount-proc", "/bin/bash", "-c", &script, argv0])
        .args(args)
        .env("BIN", bin)
        .env("LC_ALL", "C")
        .env("SHELL", "/bin/true")
        .stdin(Stdio::null());
    cmd.output().expect("running the sandbox")
}

fn random_argv_for(util: &str, options: Vec<String>, seed: u64, runs: usize) {
    if !privileged(&format!("random_argv_{util}")) {
        return;
    }
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    for run in 0..runs {
        let args = random_argv(&mut rng, &options);
        let out = in_sandbox(ours(util), util, &args);
        let shown: Vec<String> = args.iter().map(|a| format!("{:?}", a)).collect();
        let what = format!("run {run} (seed {seed}): {util} {}", shown.join(" "));
        let stderr = String::from_utf8_lossy(&out.stderr);
        match (out.status.code(), out.status.signal()) {
            (_, Some(sig)) => failures.push(format!("{what}: killed by signal {sig}")),
            (Some(101), _) => failures.push(format!("{what}: panicked: {stderr}")),
            (Some(137), _) => failures.push(format!("{what}: did not finish in 20 s")),
            (Some(c), _) if c > 128 => failures.push(format!("{what}: exit {c} (a signal re-raised?): {stderr}")),
            (Some(0), _) | (None, None) => {}
            (Some(c), _) => {
                let silent_ok = util == "lsns" && c == 1 && lsns_parity_silence(&args);
                if stderr.trim().is_empty() && !silent_ok {
                    failures.push(format!("{what}: exit {c} with nothing on stderr"));
                }
                if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
                    failures.push(format!("{what}: {stderr}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} of {runs} runs failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn random_argv_runshare() {
    random_argv_for("unshare", spellings(nscore::unshare::args::OPTIONS), 0x0123_4567_89ab_cdef, 160);
}

#[test]
fn random_argv_rnsenter() {
    random_argv_for("nsenter", spellings(nscore::enter::args::OPTIONS), 0xfeed_f00d_dead_beef, 160);
}

#[test]
fn random_argv_rlsns() {
    random_argv_for("lsns", spellings(nscore::lsns::args::OPTIONS), 0x5eed_1234_5678_9abc, 160);
}

#[test]
fn parity_silences_are_recognised() {
    let v = |args: &[&str]| args.iter().map(OsString::from).collect::<Vec<_>>();
    assert!(lsns_parity_silence(&v(&["-o", "NS,,TYPE"])));
    assert!(lsns_parity_silence(&v(&["-lo", "+NS,"])));
    assert!(lsns_parity_silence(&v(&["--output=,NS"])));
    assert!(!lsns_parity_silence(&v(&["-o", "NS,TYPE"])));
    assert!(!lsns_parity_silence(&v(&["--", "-o", ""])));
}

// ---------------------------------------------------------------- output errors

/// `--help` and `--version` into a full disk: `<prog>: write error: No space left on device`,
/// exit 1, as util-linux's close_stdout does (compared with /usr/bin where installed).
#[test]
fn help_and_version_to_a_full_disk() {
    for util in ["unshare", "nsenter", "lsns"] {
        for opt in ["--help", "--version", "-h"] {
            let script = format!("exec -a {util} \"$BIN\" {opt} >/dev/full");
            let ours = run_with("/bin/bash", "bash", &["-c", &script], |c| {
                c.env("BIN", crate::common::ours(util));
            });
            assert_text(
                &format!("stderr of {util} {opt} >/dev/full"),
                &format!("{util}: write error: No space left on device\n"),
                &ours.stderr,
            );
            assert_eq!(ours.status, 1, "{util} {opt} >/dev/full");
            let theirs = format!("/usr/bin/{util}");
            if oracle(util, "help_and_version_to_a_full_disk") {
                let theirs = run_with("/bin/bash", "bash", &["-c", &script], |c| {
                    c.env("BIN", &theirs);
                });
                assert_eq!(
                    (theirs.stderr.as_str(), theirs.status),
                    (ours.stderr.as_str(), ours.status),
                    "{util} {opt}"
                );
            }
        }
    }
}

/// A closed pipe ends the tools quietly: SIGPIPE's default action, nothing on stderr.
#[test]
fn help_into_a_closed_pipe_ends_quietly() {
    for util in ["unshare", "nsenter", "lsns"] {
        let script = format!("exec -a {util} \"$BIN\" --help | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}");
        let out = run_with("/bin/bash", "bash", &["-c", &script], |c| {
            c.env("BIN", crate::common::ours(util));
        });
        // A help text fits in the pipe before head leaves, so status 0 or SIGPIPE (141).
        assert!(out.stdout == "0\n" || out.stdout == "141\n", "{util}: {out:?}");
        assert_eq!(out.stderr, "", "{util} --help | head");
    }
}

/// rlsns's listing into a pipe nobody reads dies of SIGPIPE without a word (141 in the shell),
/// into a full disk says `write error`, exit 1; as util-linux lsns does, in every output mode.
/// (In a world whose pid 1 is this script: its command line, shown for each namespace, makes
/// every listing longer than stdio's buffer, hence the bare `write error`; see the next test.)
#[test]
fn rlsns_output_errors_like_lsns() {
    // python makes the pipe whose reader is gone
    if !privileged("rlsns_output_errors_like_lsns") || !python3("rlsns_output_errors_like_lsns") {
        return;
    }
    let script = r#"
for bin in "$RLSNS" /usr/bin/lsns; do
  [ -x "$bin" ] || continue
  for mode in "" "-l" "-J" "-r" "--output-all" "-T"; do
    # A pipe whose reader is already gone (python restores SIGPIPE's default in the child).
    closed=$(/usr/bin/python3 -c 'import os, subprocess, sys
r, w = os.pipe(); os.close(r)
print(128 - subprocess.run(sys.argv[1:], stdout=w).returncode)' "$bin" $mode)
    echo "[$mode] closed pipe: $closed"
    echo "[$mode] full disk: $( (exec -a lsns "$bin" $mode >/dev/full) 2>&1 ) $?"
    (exec -a lsns "$bin" $mode | head -1 >/dev/null)
    echo "[$mode] head -1: ${PIPESTATUS[0]}"
  done
done
"#;
    let out = world(script);
    let modes = ["", "-l", "-J", "-r", "--output-all", "-T"];
    let one: String = modes
        .iter()
        .map(|m| {
            format!(
                "[{m}] closed pipe: 141\n[{m}] full disk: lsns: write error 1\n\
                 [{m}] head -1: 0\n"
            )
        })
        .collect();
    let expected = if oracle("lsns", "rlsns_output_errors_like_lsns") { one.repeat(2) } else { one };
    expect_out(&out, &expected, "", 0);
}

/// How a full disk is reported depends on how much was to be written, as with glibc's stdio
/// under util-linux's close_stdout: output that fits stdio's buffer (/dev/full: 4096 bytes)
/// fails at close with `write error: No space left on device`; longer output failed in the
/// middle and leaves only `write error`. Same in a world of many namespaces as util-linux lsns.
#[test]
fn rlsns_write_error_wording_follows_the_output_size() {
    if !privileged("rlsns_write_error_wording_follows_the_output_size") {
        return;
    }
    let script = r#"
for i in $(seq 1 40); do /usr/bin/unshare -u -i sleep 1000 & done
await_count sleep 40
for bin in "$RLSNS" /usr/bin/lsns; do
  [ -x "$bin" ] || continue
  for mode in "-t time" "" "-J" "--output-all -J"; do
    echo "[$mode] $( (exec -a lsns "$bin" $mode | wc -c) ) bytes: $( (exec -a lsns "$bin" $mode >/dev/full) 2>&1 ) $?"
  done
done
"#;
    let out = world(script);
    let lines: Vec<&str> = out.stdout.lines().collect();
    let (ours, theirs) = lines.split_at(4.min(lines.len()));
    let small = "lsns: write error: No space left on device 1";
    let large = "lsns: write error 1";
    for line in ours {
        let bytes: usize =
            line.split("] ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).unwrap();
        let expected = if bytes > 4096 { large } else { small };
        assert!(line.ends_with(expected), "{line} (expected `{expected}`)\n{}", out.stdout);
    }
    assert!(ours.iter().any(|l| l.ends_with(large)) && ours.iter().any(|l| l.ends_with(small)), "{}", out.stdout);
    if !theirs.is_empty() {
        // util-linux's own listing differs in width (2.38.1), not in how it reports.
        let wording = |l: &&str| l.ends_with(large);
        assert_eq!(ours.iter().map(wording).collect::<Vec<_>>(), theirs.iter().map(wording).collect::<Vec<_>>());
    }

    // At the byte: a one-line listing whose command line (pid 1's, padded) makes the output
    // exactly 4096, then 4097 bytes. Seen the same with util-linux 2.38.1 and 2.42.2.
    let script = r#"
ln -s "$RLSNS" /tmp/rl; ln -s /usr/bin/lsns /tmp/ul
probe() {
  /usr/bin/unshare -p -f --mount-proc bash -c "n=\$($1 -t uts -n -o COMMAND | wc -c); m=\$( ($1 -t uts -n -o COMMAND >/dev/full) 2>&1); echo \"\$n \$m\"; : $(printf 'x%.0s' $(seq $2))"
}
for bin in /tmp/rl /tmp/ul; do
  [ -x /usr/bin/lsns ] || [ $bin = /tmp/rl ] || continue
  n0=$(probe $bin 100 | cut -d' ' -f1)
  for want in 4096 4097; do probe $bin $((100 + want - n0)); done
done
"#;
    let out = world(script);
    let edge = "4096 rl: write error: No space left on device\n4097 rl: write error\n";
    let expected = if oracle("lsns", "rlsns_write_error_wording_follows_the_output_size") {
        format!("{edge}{}", edge.replace("rl:", "ul:"))
    } else {
        edge.to_string()
    };
    expect_out(&out, &expected, "", 0);
}

/// Processes a container could make, listed by rlsns exactly as util-linux lsns lists them: a
/// command line with bytes that are not UTF-8, escape sequences, a tab and DEL; one of 9000
/// bytes; a uid without a passwd entry (the first from 54321 this machine has none for); 3000
/// open descriptors on nsfs files. And, from inside
/// a user namespace, namespaces whose parent and owner ioctls answer EPERM (shown as 0).
#[test]
fn hostile_processes_are_listed_like_lsns() {
    if !privileged("hostile_processes_are_listed_like_lsns")
        || !oracle("lsns", "hostile_processes_are_listed_like_lsns")
    {
        return;
    }
    let script = r#"
u=54321; while getent passwd $u >/dev/null || getent group $u >/dev/null; do u=$((u + 1)); done
/usr/bin/unshare -u bash -c 'exec -a "$(printf "\377\376\033[31mred\tx\177 \303\251")" sleep 1000' &
/usr/bin/unshare -u /usr/bin/setpriv --reuid $u --regid $u --clear-groups sleep 1000 &
/usr/bin/unshare -u bash -c 'exec -a "$(head -c 9000 /dev/zero | tr "\0" y)" sleep 1000' &
/usr/bin/unshare -u bash -c 'ulimit -n 5000; for i in $(seq 3 3002); do eval "exec $i</proc/self/ns/net"; done; exec -a manyfds sleep 1000' &
# each execs sleep last: the descriptors are open, the command lines final
await_count sleep 4
for m in "-r" "-J" "" "-l -u"; do
  "$RLSNS" -t uts -o NS,TYPE,NPROCS,PID,UID,USER,COMMAND $m >ours 2>&1; r=$?
  /usr/bin/lsns -t uts -o NS,TYPE,NPROCS,PID,UID,USER,COMMAND $m >theirs 2>&1; t=$?
  echo "[$m] $r $t $(cmp -s ours theirs && echo same || echo differ)"
  cmp -s ours theirs || diff theirs ours | head -6
done
# (the sleeper's row: this script, pid 1's command line, is listed too)
grep -qE " $u +$u +sleep 1000$" ours && echo "uid without a passwd entry shown as a number"
/usr/bin/unshare -U -r -p -f --mount-proc bash -c '
  "$RLSNS" -r -o NS,TYPE,NPROCS,PNS,ONS,UID,USER >ours 2>&1; r=$?
  /usr/bin/lsns -r -o NS,TYPE,NPROCS,PNS,ONS,UID,USER >theirs 2>&1; t=$?
  echo "[userns] $r $t $(cmp -s ours theirs && echo same || echo differ)"; diff theirs ours | head -6'
"#;
    let out = world(script);
    expect_out(
        &out,
        "[-r] 0 0 same\n[-J] 0 0 same\n[] 0 0 same\n[-l -u] 0 0 same\nuid without a passwd entry shown as a number\n[userns] 0 0 same\n",
        "",
        0,
    );
}

// ---------------------------------------------------------------- descriptors, damage, privileges

/// Runs a bash script as root inside a throwaway mount and pid namespace with a tmpfs on
/// /tmp; `runshare` and `rnsenter` call our binaries with util-linux's names.
fn world(script: &str) -> Outcome {
    let prelude = "runshare() { (exec -a unshare \"$RUNSHARE\" \"$@\"); }\nrnsenter() { (exec -a nsenter \"$RNSENTER\" \"$@\"); }\n";
    let env = [("RUNSHARE", ours("unshare")), ("RNSENTER", ours("nsenter")), ("RLSNS", ours("lsns"))];
    throwaway_world("rns-rel", prelude, script, &env)
}

/// The program sees exactly the descriptors its caller gave (here 0, 1, 2 and 5), in every
/// mode of runshare that opens something of its own on the way (helpers, pipes, pidfds,
/// directories, proc mounts, id changes).
#[test]
fn runshare_program_sees_only_the_callers_descriptors() {
    if !privileged("runshare_program_sees_only_the_callers_descriptors") {
        return;
    }
    // The descriptors of the program by number (ls's own directory is the lowest free one).
    // A shell listing itself would race with its own pipelines.
    let list = "ls /proc/self/fd";
    let modes = [
        "",
        "-f",
        "-m -w /tmp",
        "-m -R / -w /tmp",
        "-p -f --mount-proc",
        "-S 0 -G 0",
        "-U --setgroups deny",
        "--net=/tmp/n -f",
        "--net=/tmp/n",
        "--user=/tmp/u -r --map-users=1:100000:10",
        "--kill-child -p --mount-proc",
        "--forward-signals -f",
        "-T --monotonic 5 -f",
        "-U --keep-caps",
    ];
    // The caller's own descriptors (the harness may pass some on), as the baseline.
    let mut script = format!("touch n u\necho \"base: $({list} 5</dev/null 2>&1 | tr '\\n' ' ')\"\n");
    for mode in modes {
        script.push_str(&format!("echo \"{mode}: $(\"$RUNSHARE\" {mode} {list} 5</dev/null 2>&1 | tr '\\n' ' ')\"\n"));
    }
    let out = world(&script);
    let base = out.stdout.lines().next().and_then(|l| l.strip_prefix("base: ")).unwrap_or_default().to_string();
    let fds: Vec<&str> = base.split_whitespace().collect();
    assert!(["0", "1", "2", "5"].iter().all(|fd| fds.contains(fd)), "{base}");
    let expected: String =
        std::iter::once(format!("base: {base}\n")).chain(modes.iter().map(|m| format!("{m}: {base}\n"))).collect();
    expect_out(&out, &expected, "", 0);
}

/// A run that fails part-way leaves no process behind (no helper, no forked child waiting)
/// and no mount, in runshare and rnsenter alike; each failure says why.
#[test]
fn failed_steps_leave_no_process_and_no_mount() {
    if !privileged("failed_steps_leave_no_process_and_no_mount") {
        return;
    }
    let script = r#"
touch n
sleep 1000 & T=$!
# Processes of ours that outlived their run (a helper, a forked child), by command name, not
# counting zombies; a helper that is just leaving gets ten seconds to go.
count() { cat /proc/[0-9]*/stat 2>/dev/null | grep -c -E '^[0-9]+ \((runshare|rnsenter|true)\) [^Z]'; }
leftover() { for i in $(seq 200); do n=$(count); [ $n = 0 ] && break; sleep 0.05; done; echo $n; }
mounts=$(wc -l </proc/self/mountinfo)
check() {
  rc=$?
  echo "$rc $(leftover) $(( $(wc -l </proc/self/mountinfo) - mounts ))"
}
runshare --net=/tmp/n -f -w /nonexistent true 2>>/tmp/err; check
runshare --net=/tmp/n --map-users=0:100000:10 -f -R /nonexistent true 2>>/tmp/err; check
runshare -p -f --mount-proc=/nonexistent true 2>>/tmp/err; check
runshare --user=/tmp/n -r -f no-such-program-rns 2>>/tmp/err; check
rnsenter -t $T -p no-such-program-rns 2>>/tmp/err; check
rnsenter -t $T -p -r/nonexistent true 2>>/tmp/err; check
rnsenter -t $T -m -W/nonexistent true 2>>/tmp/err; check
rnsenter -t $T -n/tmp/n true 2>>/tmp/err; check
kill $T
wc -l </tmp/err
"#;
    let out = world(script);
    // Each run: its status, no process of ours left, no new mount; then one message per
    // failure.
    let expected = "1 0 0\n1 0 0\n1 0 0\n127 0 0\n127 0 0\n1 0 0\n1 0 0\n1 0 0\n8\n";
    assert_text(
        &format!("status, new processes and new mounts after each failure ({})", out.stderr),
        expected,
        &out.stdout,
    );
}

/// Privileges are dropped groups first, then gid, then uid (any other order fails with EPERM
/// half-way): the program ends with no supplementary groups, the ids asked for, and no
/// capabilities, the same as with util-linux.
#[test]
fn privilege_drop_is_complete() {
    if !privileged("privilege_drop_is_complete") {
        return;
    }
    let show = "grep -E '^(Uid|Gid|Groups|CapPrm|CapEff|CapAmb)' /proc/self/status";
    let script = format!(
        "sleep 1000 & T=$!\n\
         /usr/bin/setpriv --groups 4,24,27 -- \"$RUNSHARE\" -S 1000 -G 1000 sh -c \"{show}\"\n\
         /usr/bin/setpriv --groups 4,24,27 -- \"$RNSENTER\" -t $T -u -S 1000 -G 1000 sh -c \"{show}\"\n\
         kill $T"
    );
    let out = world(&script);
    let one = "Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t \n\
               CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapAmb:\t0000000000000000\n";
    expect_out(&out, &format!("{one}{one}"), "", 0);
    if oracle("unshare", "privilege_drop_is_complete") && oracle("setpriv", "privilege_drop_is_complete") {
        let theirs = run_with(
            "/usr/bin/setpriv",
            "setpriv",
            &["--groups", "4,24,27", "--", UNSHARE, "-S", "1000", "-G", "1000", "sh", "-c", show],
            |_| {},
        );
        assert_text("util-linux unshare -S 1000 -G 1000", one, &theirs.stdout);
    }
}

#[track_caller]
fn expect_out(out: &Outcome, stdout: &str, stderr: &str, status: i32) {
    assert_text(&format!("stdout of `{}`", out.command), stdout, &out.stdout);
    assert_text(&format!("stderr of `{}`", out.command), stderr, &out.stderr);
    assert_eq!(out.status, status, "exit status of `{}`", out.command);
}
