//! Hostile environments (docs/parity.md): the environment as the kernel gives it,
//! degenerate option values, and targets that are zombies.
//!
//! An environment whose entries are not `NAME=VALUE` (`=x=y`, `NOEQ`, an empty entry,
//! duplicates) cannot be made with `std::process::Command`, so these tests exec with a raw
//! `envp` through Python's ctypes. Expected texts are what util-linux 2.42.2 printed for
//! the same commands (run by hand against the 2.42.2 build), or the 2.38.1 oracle where it
//! agrees.

use crate::common::*;
use std::process::{Child, Command, Stdio};

/// Execs argv (after `--`; the first is the path, the second argv[0]) with exactly the entries
/// before `--` as its environment, through execve(2) by ctypes: Python's own os.execve and
/// Rust's Command refuse such entries.
const RAW_EXEC: &str = r#"import ctypes, sys
i = sys.argv.index("--")
env = [a.encode() for a in sys.argv[1:i]]
path, argv = sys.argv[i + 1].encode(), [a.encode() for a in sys.argv[i + 2:]]
vec = lambda l: (ctypes.c_char_p * (len(l) + 1))(*l, None)
ctypes.CDLL(None).execve(path, vec(argv), vec(env))
sys.exit(125)"#;

/// The command that runs `path` as `argv` with exactly `envp`, in `cwd`.
fn raw_command(path: &str, argv: &[&str], envp: &[&str], cwd: &str) -> Command {
    let mut cmd = Command::new("/usr/bin/python3");
    neutral_env(&mut cmd)
        .args(["-c", RAW_EXEC])
        .args(envp)
        .arg("--")
        .arg(path)
        .args(argv)
        .current_dir(cwd)
        .stdin(Stdio::null());
    cmd
}

/// Runs `path` as `argv` with exactly `envp`, in `cwd`, and collects what it left.
fn run_raw(path: &str, argv: &[&str], envp: &[&str], cwd: &str) -> Outcome {
    let out = raw_command(path, argv, envp, cwd).output().expect("run python3");
    use std::os::unix::process::ExitStatusExt;
    Outcome {
        command: format!("{} (environment {envp:?})", argv.join(" ")),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0)),
    }
}

/// A process killed and reaped when dropped, also when the test fails.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[track_caller]
fn expect(out: &Outcome, stdout: &str, stderr: &str, status: i32) {
    assert!(!out.stderr.contains("panicked"), "`{}` panicked: {}", out.command, out.stderr);
    assert_text(&format!("stdout of `{}` (stderr: {})", out.command, out.stderr), stdout, &out.stdout);
    assert_text(&format!("stderr of `{}`", out.command), stderr, &out.stderr);
    assert_eq!(out.status, status, "exit status of `{}`", out.command);
}

/// A sleeper with exactly `envp`, for `rnsenter -e` to read through /proc/PID/environ.
fn target_with(envp: &[&str]) -> Reaped {
    let mut cmd = raw_command("/bin/sleep", &["sleep", "1000"], envp, "/");
    let t = Reaped(cmd.stdout(Stdio::null()).spawn().expect("spawn python3"));
    // /proc/PID/environ is the sleeper's once python has exec'd it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !std::fs::read_to_string(format!("/proc/{}/comm", t.0.id())).is_ok_and(|c| c == "sleep\n") {
        assert!(std::time::Instant::now() < deadline, "python did not exec sleep within 60 s");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    t
}

/// Our odd environment while running rnsenter: `clearenv` must drop all of it.
const OWN_ODD: [&str; 4] = ["=foo=bar", "OWN", "Q=1", "Q=2"];

fn enter_env(target: &Reaped) -> Outcome {
    let pid = target.0.id().to_string();
    run_raw(ours("nsenter"), &["nsenter", "-t", &pid, "-u", "-e", "/usr/bin/env"], &OWN_ODD, "/")
}

// ---------------------------------------------------------------- the environment

/// `nsenter -e` takes the target's environ as util-linux 2.42.2 does: entries without `=` and
/// empty ones skipped, the last of duplicate names kept, the variables in reverse order, and
/// none of our own environment (not even entries unsetenv cannot name) left over.
#[test]
fn enter_env_takes_an_odd_target_environment() {
    if !privileged("enter_env_takes_an_odd_target_environment") || !python3("enter_env_takes_an_odd_target_environment")
    {
        return;
    }
    let t = target_with(&["A=1", "NOEQ", "", "A=2", "B=", "A=3"]);
    expect(&enter_env(&t), "A=3\nB=\n", "", 0);
    // an empty environ is no error: the program gets an empty environment
    let t = target_with(&[]);
    expect(&enter_env(&t), "", "", 0);
    // a name setenv(3) refuses (an entry starting with `=`) fails, after clearenv
    let t = target_with(&["A=1", "=z=q", "B=2"]);
    expect(&enter_env(&t), "", "nsenter: failed to set environment variables: Invalid argument\n", 1);
}

/// A large environ with many duplicate names (3000 entries, 700 names) gives what 2.42.2 gave
/// for it (checked byte for byte by hand): each name once, with its last value, last first.
#[test]
fn enter_env_takes_a_large_environment_with_duplicates() {
    if !privileged("enter_env_takes_a_large_environment_with_duplicates")
        || !python3("enter_env_takes_a_large_environment_with_duplicates")
    {
        return;
    }
    let entries: Vec<String> = (0..3000).map(|i| format!("V{}={i}", i % 700)).collect();
    let mut envp: Vec<&str> = entries.iter().map(String::as_str).collect();
    envp.push("NOEQ");
    let t = target_with(&envp);
    let mut seen = std::collections::HashSet::new();
    let expected: String = entries
        .iter()
        .rev()
        .filter(|e| seen.insert(e.split('=').next().unwrap().to_string()))
        .map(|e| format!("{e}\n"))
        .collect();
    assert_eq!(expected.lines().count(), 700);
    expect(&enter_env(&t), &expected, "", 0);
}

/// Without `-e` and without `--clear-env`, an odd environment reaches the program untouched,
/// entry for entry, as util-linux passes it (it never reads or rewrites it).
#[test]
fn odd_environment_reaches_the_program_untouched() {
    if !python3("odd_environment_reaches_the_program_untouched") {
        return;
    }
    let envp = ["=foo=bar", "FOO", "", "A=1", "A=2", "PATH=/usr/bin:/bin"];
    let expected = "=foo=bar\nFOO\n\nA=1\nA=2\nPATH=/usr/bin:/bin\n";
    expect(&run_raw(ours("unshare"), &["unshare", "/usr/bin/env"], &envp, "/"), expected, "", 0);
    if oracle("unshare", "odd_environment_reaches_the_program_untouched") {
        expect(&run_raw("/usr/bin/unshare", &["unshare", "/usr/bin/env"], &envp, "/"), expected, "", 0);
    }
    if privileged("odd_environment_reaches_the_program_untouched") {
        let me = std::process::id().to_string();
        let o = run_raw(ours("nsenter"), &["nsenter", "-t", &me, "-u", "/usr/bin/env"], &envp, "/");
        expect(&o, expected, "", 0);
    }
}

/// `--clear-env` is clearenv(3): odd entries go too. `--whitelist-env` keeps what getenv(3)
/// finds (the first of duplicates; an entry without `=` is no variable), in list order.
#[test]
fn clear_env_and_whitelist_drop_odd_entries() {
    if !python3("clear_env_and_whitelist_drop_odd_entries") {
        return;
    }
    let envp = ["=foo=bar", "FOO", "A=1", "A=2", "B=x", ""];
    let run = |args: &[&str]| {
        let argv: Vec<&str> = std::iter::once("unshare").chain(args.iter().copied()).collect();
        run_raw(ours("unshare"), &argv, &envp, "/")
    };
    expect(&run(&["--clear-env", "/usr/bin/env"]), "", "", 0);
    expect(&run(&["--whitelist-env=B,A,FOO,", "/usr/bin/env"]), "B=x\nA=1\n", "", 0);
    expect(&run(&["--whitelist-env=", "/usr/bin/env"]), "", "", 0);
    // `=foo` finds `=foo=bar` as getenv does, and setenv refuses that name
    expect(
        &run(&["--whitelist-env==foo", "/usr/bin/env"]),
        "",
        "unshare: failed to set whitelisted environment variables: Invalid argument\n",
        1,
    );
}

/// The login shell and the PATH search with odd SHELL and PATH values: the same as util-linux
/// (2.38.1 and 2.42.2 answered alike for each of these).
#[test]
fn odd_shell_and_path_values_match_util_linux() {
    if !python3("odd_shell_and_path_values_match_util_linux") {
        return;
    }
    if !oracle("unshare", "odd_shell_and_path_values_match_util_linux") {
        return;
    }
    let shells: [&[&str]; 8] = [
        &["SHELL=/nonexistent"],
        &["SHELL=sh"],
        &["SHELL=/"],
        &["SHELL=/bin/"],
        &["SHELL=/bin/true", "SHELL=/bin/false"],
        &["SHELL=/bin/false", "=SHELL=/bin/true"],
        &["SHELL", "SHELL=/bin/false"],
        &["SHELL=/etc/passwd"],
    ];
    for envp in shells {
        let theirs = run_raw("/usr/bin/unshare", &["unshare"], envp, "/");
        assert_same(&theirs, &run_raw(ours("unshare"), &["unshare"], envp, "/"));
    }
    // PATH unset means glibc's default path; empty entries mean the working directory (/bin).
    let paths: [&[&str]; 8] = [
        &[],
        &["PATH="],
        &["PATH=:"],
        &["PATH=/nonexistent"],
        &["PATH=/nonexistent:"],
        &["PATH"],
        &["PATH=/etc"],
        &["PATH=/nonexistent", "PATH=/usr/bin"],
    ];
    for envp in paths {
        for program in ["true", "nonexistent-program"] {
            let theirs = run_raw("/usr/bin/unshare", &["unshare", program], envp, "/bin");
            assert_same(&theirs, &run_raw(ours("unshare"), &["unshare", program], envp, "/bin"));
        }
    }
}

// ---------------------------------------------------------------- degenerate values, zombie targets

/// Every option with an empty, blank or zero value, and nsenter against a zombie with every
/// option combination, in a throwaway world: the script and util-linux 2.42.2's answers (run
/// by hand with the same script) are fixtures.
#[test]
fn degenerate_values_and_zombie_targets_match_util_linux() {
    if !privileged("degenerate_values_and_zombie_targets_match_util_linux") {
        return;
    }
    let script = format!(
        "mkdir /tmp/rnsbin && ln -s {} /tmp/rnsbin/unshare && ln -s {} /tmp/rnsbin/nsenter && ln -s {} /tmp/rnsbin/lsns || exit 99\n\
         BIN=/tmp/rnsbin\n{}",
        ours("unshare"),
        ours("nsenter"),
        ours("lsns"),
        include_str!("fixtures/hostile_env/degenerate.sh")
    );
    let out = throwaway_world("hostile_env", "", &script, &[]);
    assert_text(
        &format!("degenerate values and zombies (stderr: {})", out.stderr),
        include_str!("fixtures/hostile_env/degenerate.out"),
        &out.stdout,
    );
    assert_eq!(out.status, 0, "the world script failed: {}", out.stderr);
}
