//! The extras beyond util-linux (README "Beyond util-linux"): runshare's `--clear-env` and
//! `--whitelist-env`, rnsenter's `-t RUNTIME:ID`, and rlsns's extra columns and options, each
//! run as a binary against the real kernel. Containers are simulated by cgroups shaped like
//! each runtime's, created for the test and removed after it (a Drop guard, also on failure).

use crate::common::*;
use std::process::Command;

/// Runs a bash script with `$BIN` set to our binary for `util`, in the C locale, with a
/// controlled environment (`env_clear` + the given pairs + PATH).
fn script_env(util: &str, script: &str, vars: &[(&str, &str)]) -> Outcome {
    run_with("/bin/bash", "bash", &["-c", script], |c: &mut Command| {
        c.env_clear().env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").env("LC_ALL", "C").env("BIN", ours(util));
        for (k, v) in vars {
            c.env(k, v);
        }
    })
}

#[track_caller]
fn expect(out: &Outcome, stdout: &str, stderr: &str, status: i32) {
    assert_text(&format!("stdout of `{}` (stderr: {})", out.command, out.stderr), stdout, &out.stdout);
    assert_text(&format!("stderr of `{}`", out.command), stderr, &out.stderr);
    assert_eq!(out.status, status, "exit status of `{}`", out.command);
}

// ---------------------------------------------------------------- runshare --clear-env, --whitelist-env

#[test]
fn clear_env_starts_the_program_with_no_environment() {
    let out = script_env("unshare", "exec -a unshare \"$BIN\" --clear-env /usr/bin/env", &[("FOO", "bar")]);
    expect(&out, "", "", 0);
    // with --fork the child gets the empty environment; runshare keeps its own
    let out = script_env("unshare", "exec -a unshare \"$BIN\" -f --clear-env /usr/bin/env; echo $?", &[]);
    expect(&out, "", "", 0);
}

#[test]
fn whitelist_env_keeps_only_the_listed_variables() {
    let script = "exec -a unshare \"$BIN\" --whitelist-env=FOO,,NOT_SET,EMPTY --whitelist-env HOME /usr/bin/env";
    let out = script_env("unshare", script, &[("FOO", "a b=c"), ("BAR", "dropped"), ("EMPTY", ""), ("HOME", "/h")]);
    let mut lines: Vec<&str> = out.stdout.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, ["EMPTY=", "FOO=a b=c", "HOME=/h"], "stderr: {}", out.stderr);
    assert_eq!(out.status, 0);
    // every listed name unset: the environment is empty (util-linux master would keep all of it)
    let out = script_env("unshare", "exec -a unshare \"$BIN\" --whitelist-env=NOT_SET /usr/bin/env", &[("A", "1")]);
    expect(&out, "", "", 0);
    // `--clear-env` after a whitelist keeps the whitelist
    let out =
        script_env("unshare", "exec -a unshare \"$BIN\" --whitelist-env=A --clear-env /usr/bin/env", &[("A", "1")]);
    expect(&out, "A=1\n", "", 0);
}

#[test]
fn cleared_environment_applies_inside_new_namespaces() {
    if !privileged("cleared_environment_applies_inside_new_namespaces") {
        return;
    }
    let script = "exec -a unshare \"$BIN\" -r -u -p -f --mount-proc --whitelist-env=KEEP \
                  /bin/sh -c 'echo \"$$ $(id -u) ${KEEP-unset} ${DROP-unset}\"'";
    let out = script_env("unshare", script, &[("KEEP", "k"), ("DROP", "d")]);
    expect(&out, "1 0 k unset\n", "", 0);
}

/// Without a program the login shell comes from the environment the program gets: a
/// whitelisted $SHELL is used; a cleared one is not.
#[test]
fn login_shell_is_chosen_from_the_new_environment() {
    let out = script_env("unshare", "exec -a unshare \"$BIN\" --whitelist-env=SHELL", &[("SHELL", "/usr/bin/env")]);
    expect(&out, "SHELL=/usr/bin/env\n", "", 0);
    let out = script_env(
        "unshare",
        "exec -a unshare \"$BIN\" --clear-env < /dev/null; echo rc=$?",
        &[("SHELL", "/nonexistent/shell")],
    );
    assert!(!out.stderr.contains("/nonexistent/shell"), "a cleared $SHELL was used: {}", out.stderr);
}

#[test]
fn a_name_with_equals_cannot_be_set() {
    let out = script_env("unshare", "exec -a unshare \"$BIN\" --whitelist-env=A=B /usr/bin/env", &[("A", "B=x")]);
    expect(&out, "", "unshare: failed to set whitelisted environment variables: Invalid argument\n", 1);
}

/// The two options are unknown to util-linux 2.42: the abbreviations 2.42 resolves (`--c` is
/// `--cgroup`, `--w` is `--wd`) keep their meaning, compared with util-linux; only what 2.42
/// calls unrecognized (`--cl`) may name them.
#[test]
fn abbreviations_keep_util_linux_meaning() {
    compare("unshare", &["--w", "/", "pwd"]);
    compare("unshare", &["--wd"]);
    if privileged("abbreviations_keep_util_linux_meaning") {
        compare("unshare", &["--c", "true"]);
    }
    let out = script_env("unshare", "exec -a unshare \"$BIN\" --cl --wh=X /usr/bin/env", &[("X", "1")]);
    expect(&out, "X=1\n", "", 0);
}
