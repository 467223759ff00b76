//! runshare against the real kernel and util-linux unshare: every test runs the binary. Where
//! the installed 2.38.1 and the 2.42.2 reference agree, outputs are compared byte for byte
//! with /usr/bin/unshare (both called as `unshare`); where they differ (docs/parity.md), the
//! 2.42.2/2.42.3 behaviour is asserted. Anything that changes state happens inside namespaces
//! the test creates, mostly in a throwaway `unshare -m --propagation private -p -f --mount-proc`
//! with a tmpfs on /tmp, so nothing reaches the host and nothing outlives the test.

use crate::common::*;

/// Every script gets `unshare` as a function running $BIN with argv[0] "unshare".
/// `unshare` runs it in a subshell; `unshare_exec` replaces the shell running it, so that
/// `unshare_exec ... & p=$!` gives the pid of unshare itself.
const PRELUDE: &str =
    "unshare() { (exec -a unshare \"$BIN\" \"$@\"); }\nunshare_exec() { exec -a unshare \"$BIN\" \"$@\"; }\n";

const THEIRS: &str = "/usr/bin/unshare";

fn ours_bin() -> &'static str {
    ours("unshare")
}

/// Runs a bash script with `unshare` meaning `bin`.
fn script_with(bin: &str, script: &str) -> Outcome {
    let body = format!("{PRELUDE}{script}");
    run_with("/bin/bash", "bash", &["-c", &body], |c| {
        c.env("BIN", bin);
    })
}

/// Runs a bash script with `unshare` meaning `bin`, inside a throwaway mount and pid namespace
/// with a private tmpfs on /tmp.
fn sandbox_with(bin: &str, script: &str) -> Outcome {
    throwaway_world("rns-test", PRELUDE, script, &[("BIN", bin)])
}

fn sandbox(script: &str) -> Outcome {
    sandbox_with(ours_bin(), script)
}

/// A sandbox whose processes all run on one CPU, where namespaces it binds are sure to be
/// newer than the binder's (see [`throwaway_world_on_one_cpu`]).
fn sandbox_on_one_cpu(script: &str) -> Outcome {
    throwaway_world_on_one_cpu("rns-test", PRELUDE, script, &[("BIN", ours_bin())])
}

/// Stdout and status only, where bash itself reports on stderr how its jobs ended.
#[track_caller]
fn expect_stdout(out: &Outcome, stdout: &str, status: i32) {
    assert_text(&format!("stdout of `{}` (stderr: {})", out.command, out.stderr), stdout, &out.stdout);
    assert_eq!(out.status, status, "exit status of `{}`", out.command);
}

/// The same script with our unshare and util-linux's; asserts equal stdout, stderr, status.
#[track_caller]
fn compare_script(script: &str) {
    if !has_oracle() {
        return;
    }
    let theirs = script_with(THEIRS, script);
    let ours = script_with(ours_bin(), script);
    assert_same(&theirs, &ours);
}

#[track_caller]
fn compare_sandbox(script: &str) {
    if !has_oracle() {
        return;
    }
    let theirs = sandbox_with(THEIRS, script);
    let ours = sandbox_with(ours_bin(), script);
    assert_same(&theirs, &ours);
}

#[track_caller]
fn expect(out: &Outcome, stdout: &str, stderr: &str, status: i32) {
    if (out.stdout.as_str(), out.stderr.as_str(), out.status) != (stdout, stderr, status) {
        eprintln!("stderr was:\n{}\nstatus was: {}", out.stderr, out.status);
    }
    assert_text(&format!("stdout of `{}`", out.command), stdout, &out.stdout);
    assert_text(&format!("stderr of `{}`", out.command), stderr, &out.stderr);
    assert_eq!(out.status, status, "exit status of `{}`", out.command);
}

#[track_caller]
fn has_oracle() -> bool {
    oracle("unshare", &format!("a comparison with {THEIRS}"))
}

// ---------------------------------------------------------------- options and messages

/// `unshare --help` as util-linux 2.42.2 prints it (recorded with
/// `LD_LIBRARY_PATH=/work/oracle/.libs /work/oracle/bin/unshare --help`); 2.38.1 lacks
/// several lines, so it is no oracle here.
const HELP_2_42_2: &str = "
Usage:
 unshare [options] [<program> [<argument>...]]

Run a program with some namespaces unshared from the parent.

Options:
 -m, --mount[=<file>]      unshare mounts namespace
 -u, --uts[=<file>]        unshare UTS namespace (hostname etc)
 -i, --ipc[=<file>]        unshare System V IPC namespace
 -n, --net[=<file>]        unshare network namespace
 -p, --pid[=<file>]        unshare pid namespace
 -U, --user[=<file>]       unshare user namespace
 -C, --cgroup[=<file>]     unshare cgroup namespace
 -T, --time[=<file>]       unshare time namespace

 --mount-proc[=<dir>]      mount proc filesystem first (implies --mount)
 --mount-binfmt[=<dir>]    mount binfmt filesystem first (implies --user and --mount)
 -l, --load-interp <file>  load binfmt definition in the namespace (implies --mount-binfmt)
 --propagation slave|shared|private|unchanged
                           modify mount propagation in mount namespace
 -R, --root <dir>          run the command with root directory set to <dir>
 -w, --wd <dir>            change working directory to <dir>

 -S, --setuid <uid>        set uid in entered namespace
 -G, --setgid <gid>        set gid in entered namespace
 --map-user <uid>|<name>   map current user to uid (implies --user)
 --map-group <gid>|<name>  map current group to gid (implies --user)
 -r, --map-root-user       map current user to root (implies --user)
 -c, --map-current-user    map current user to itself (implies --user)
 --map-auto                map users and groups automatically (implies --user)
 --map-subids              map the first block of user IDs owned by euid (implies --user)
 --map-users <inneruid>:<outeruid>:<count>
                           map count users from outeruid to inneruid (implies --user)
 --map-groups <innergid>:<outergid>:<count>
                           map count groups from outergid to innergid (implies --user)
 --owner <uid>:<gid>       set the user namespace owner (implies --user)

 -f, --fork                fork before launching <program>
 --kill-child[=<signame>]  when dying, kill the forked child (implies --fork)
                             defaults to SIGKILL
 --forward-signals         forward SIGTERM and SIGINT to child (implies --fork)

 --setgroups allow|deny    control the setgroups syscall in user namespaces
 --keep-caps               retain capabilities granted in user namespaces

 --monotonic <offset>      set clock monotonic offset (seconds) in time namespaces
 --boottime <offset>       set clock boottime offset (seconds) in time namespaces

 -h, --help                display this help
 -V, --version             display version

For more details see unshare(1).
";

#[test]
fn help_is_the_2_42_2_text() {
    expect(&run_ours("unshare", &["--help"]), HELP_2_42_2, "", 0);
    expect(&run_ours("unshare", &["-h", "--bogus"]), HELP_2_42_2, "", 0);
    // The usage line names the program as invoked; a name not rns's own (runshare's help has
    // more: tests/own_name.rs) is util-linux's text.
    let named = run_as(ours_bin(), "/some/where/unshare2", &["--help"]);
    expect(&named, &HELP_2_42_2.replace(" unshare [options]", " unshare2 [options]"), "", 0);
}

#[test]
fn help_to_a_full_disk_is_a_write_error() {
    let out = script_with(ours_bin(), "unshare --help >/dev/full");
    expect(&out, "", "unshare: write error: No space left on device\n", 1);
    compare_script("unshare --help >/dev/full");
}

#[test]
fn version_names_the_invoked_program() {
    let v = env!("CARGO_PKG_VERSION");
    expect(&run_ours("unshare", &["-V"]), &format!("unshare from util-linux 2.42.3\nrns {v}\n"), "", 0);
    expect(
        &run_as(ours_bin(), "runshare", &["--version"]),
        &format!("runshare from util-linux 2.42.3\nrns {v}\n"),
        "",
        0,
    );
    if privileged("version_names_the_invoked_program") {
        let out = sandbox("ln -s \"$BIN\" /tmp/unshare && /tmp/unshare -V && /tmp/unshare --help | head -2");
        expect(&out, &format!("unshare from util-linux 2.42.3\nrns {v}\n\nUsage:\n"), "", 0);
    }
}

#[test]
fn getopt_errors_match_util_linux() {
    for args in [
        &["-m/x"][..],
        &["--bogus"],
        &["-x"],
        &["-R"],
        &["--wd"],
        &["--setuid"],
        &["--fork=1"],
        &["--map-u=1"],
        &["--map-gr", "1"],
        &["-fZ"],
    ] {
        compare("unshare", args);
    }
    // 2.38.1 has no --mount-binfmt, so its list of possibilities is shorter.
    let out = run_ours("unshare", &["--mou"]);
    expect(
        &out,
        "",
        "unshare: option '--mou' is ambiguous; possibilities: '--mount' '--mount-proc' '--mount-binfmt'\n\
         Try 'unshare --help' for more information.\n",
        1,
    );
    let out = run_as(ours_bin(), "/x/unshare", &["--pid=a", "-Q"]);
    expect(&out, "", "/x/unshare: invalid option -- 'Q'\nTry 'unshare --help' for more information.\n", 1);
}

#[test]
fn argument_errors_match_util_linux() {
    for args in [
        &["-S", "x"][..],
        &["-G", "x"],
        &["-S", "99999999999999999999"],
        &["--kill-child=9"],
        &["--kill-child=foo"],
        &["--kill-child=rtmin+99"],
        &["--kill-child="],
        &["--propagation", "x"],
        &["--setgroups", "x"],
        &["-T", "--monotonic", "x"],
        &["-T", "--boottime", "1x"],
        &["-T", "--monotonic", "99999999999999999999"],
    ] {
        compare("unshare", args);
    }
}

#[test]
fn argument_errors_of_2_42() {
    // Messages 2.42.2 words differently from 2.38.1 or options 2.38.1 lacks.
    let cases: &[(&[&str], &str)] = &[
        (&["--map-user=x"], "unshare: failed to parse uid 'x'\n"),
        (&["--map-group=x"], "unshare: failed to parse gid 'x'\n"),
        (&["--map-user=4294967295"], "unshare: failed to parse uid '4294967295'\n"),
        (&["--map-user=-1"], "unshare: failed to parse uid '-1'\n"),
        (&["--map-users=1,2"], "unshare: invalid mapping '1,2'\n"),
        (&["--map-groups=1:2:3x"], "unshare: invalid mapping '1:2:3x'\n"),
        (&["--map-users=0:1:2:3"], "unshare: invalid mapping '0:1:2:3'\n"),
        (&["--map-users=a"], "unshare: invalid mapping 'a'\n"),
        (&["--owner", "1:"], "unshare: failed to parse owner\n"),
        (&["--owner", "a:b"], "unshare: failed to parse owner\n"),
        (&["-S", "-1"], "unshare: failed to parse uid: '-1': Numerical result out of range\n"),
        (&["-G", "abc"], "unshare: failed to parse gid: 'abc'\n"),
        (
            &["--monotonic", "1"],
            "unshare: options --monotonic and --boottime require unsharing of a time namespace (-T)\n",
        ),
        (
            &["--boottime=1", "-U"],
            "unshare: options --monotonic and --boottime require unsharing of a time namespace (-T)\n",
        ),
    ];
    for (args, stderr) in cases {
        expect(&run_ours("unshare", args), "", stderr, 1);
    }
}

#[test]
fn map_user_takes_names_and_numbers() {
    if !privileged("map_user_takes_names_and_numbers") {
        return;
    }
    compare("unshare", &["--map-user=root", "--map-group=root", "cat", "/proc/self/uid_map", "/proc/self/gid_map"]);
    // A number needs no passwd entry.
    let out =
        run_ours("unshare", &["--map-user=4242", "--map-group=+77", "cat", "/proc/self/uid_map", "/proc/self/gid_map"]);
    expect(&out, "      4242          0          1\n        77          0          1\n", "", 0);
}

// ---------------------------------------------------------------- namespaces

#[test]
fn uts_namespace_hostname() {
    if !privileged("uts_namespace_hostname") {
        return;
    }
    compare("unshare", &["-u", "sh", "-c", "hostname rns-test; hostname"]);
    let out = run_ours("unshare", &["--uts", "sh", "-c", "hostname rns-test; hostname"]);
    expect(&out, "rns-test\n", "", 0);
    let host = run_as("/bin/hostname", "hostname", &[]);
    assert_ne!(host.stdout, "rns-test\n", "the host name must not change");
}

#[test]
fn each_namespace_is_new() {
    if !privileged("each_namespace_is_new") {
        return;
    }
    for (opt, ns) in [
        ("-m", "mnt"),
        ("-u", "uts"),
        ("-i", "ipc"),
        ("-n", "net"),
        ("-U", "user"),
        ("-C", "cgroup"),
        ("--mount", "mnt"),
        ("--ipc", "ipc"),
        ("--net", "net"),
        ("--user", "user"),
        ("--cgroup", "cgroup"),
    ] {
        let script = format!(
            "a=$(readlink /proc/self/ns/{ns}); b=$(unshare {opt} readlink /proc/self/ns/{ns}); \
             [ \"$a\" != \"$b\" ] && [ -n \"$b\" ] && echo new"
        );
        expect(&script_with(ours_bin(), &script), "new\n", "", 0);
    }
    for (opt, ns) in [("-p", "pid"), ("-T", "time"), ("--pid", "pid"), ("--time", "time")] {
        let script = format!(
            "a=$(readlink /proc/self/ns/{ns}); b=$(unshare {opt} -f readlink /proc/self/ns/{ns}); \
             [ \"$a\" != \"$b\" ] && [ -n \"$b\" ] && echo new"
        );
        expect(&script_with(ours_bin(), &script), "new\n", "", 0);
    }
}

#[test]
fn ipc_and_net_namespaces_are_empty() {
    if !privileged("ipc_and_net_namespaces_are_empty") {
        return;
    }
    compare("unshare", &["-n", "cat", "/proc/self/net/dev"]);
    compare("unshare", &["-i", "cat", "/proc/sysvipc/msg"]);
    compare("unshare", &["-C", "cat", "/proc/self/cgroup"]);
}

#[test]
fn no_namespace_just_runs() {
    compare("unshare", &["echo", "hi"]);
    compare("unshare", &["true"]);
    compare("unshare", &["--", "echo", "-n", "x"]);
    // The first non-option ends the options: -l belongs to echo.
    compare("unshare", &["echo", "-l", "-f"]);
}

#[test]
fn pid_namespace_with_mount_proc() {
    if !privileged("pid_namespace_with_mount_proc") {
        return;
    }
    // The shell counts /proc's pids itself: a pipeline's processes would start in a racy order.
    let script = "unshare -p -f --mount-proc sh -c 'echo $$; cat /proc/1/comm; set -- /proc/[0-9]*; echo $#'";
    compare_script(script);
    // Only sh is left in the new pid namespace once cat has ended.
    expect(&script_with(ours_bin(), script), "1\nsh\n1\n", "", 0);
}

#[test]
fn user_namespace_root_mapping() {
    if !privileged("user_namespace_root_mapping") {
        return;
    }
    compare("unshare", &["-r", "id"]);
    compare("unshare", &["-r", "cat", "/proc/self/uid_map", "/proc/self/gid_map", "/proc/self/setgroups"]);
    let out = run_ours("unshare", &["-r", "cat", "/proc/self/uid_map", "/proc/self/gid_map", "/proc/self/setgroups"]);
    expect(&out, "         0          0          1\n         0          0          1\ndeny\n", "", 0);
    compare("unshare", &["-c", "id", "-u"]);
    compare("unshare", &["--map-current-user", "cat", "/proc/self/uid_map"]);
    // --map-user alone leaves setgroups alone.
    compare("unshare", &["--map-user=5", "cat", "/proc/self/uid_map", "/proc/self/gid_map", "/proc/self/setgroups"]);
    compare("unshare", &["--map-group=5", "cat", "/proc/self/gid_map", "/proc/self/setgroups"]);
    compare("unshare", &["-U", "--setgroups", "deny", "cat", "/proc/self/setgroups"]);
}

#[test]
fn setgroups_comes_after_gid_map() {
    if !privileged("setgroups_comes_after_gid_map") {
        return;
    }
    // The written order makes these fail even as root (util-linux's order of steps).
    compare("unshare", &["-r", "--setgroups=deny", "true"]);
    compare("unshare", &["--setgroups", "deny", "true"]);
    compare("unshare", &["-r", "-G", "0", "true"]);
    compare("unshare", &["-r", "--setgroups=allow", "true"]);
    let out = run_ours("unshare", &["-r", "--setgroups=allow", "true"]);
    expect(&out, "", "unshare: options --setgroups=allow and --map-group are mutually exclusive\n", 1);
    let out = run_ours("unshare", &["-r", "-G", "0", "true"]);
    expect(&out, "", "unshare: setgroups failed: Operation not permitted\n", 1);
}

#[test]
fn setuid_and_setgid() {
    if !privileged("setuid_and_setgid") {
        return;
    }
    compare("unshare", &["-r", "-S", "0", "id"]);
    compare("unshare", &["-S", "1", "-G", "2", "id"]);
    compare("unshare", &["--setuid", "1", "--setgid=2", "sh", "-c", "grep -E '^(Uid|Gid|Groups)' /proc/self/status"]);
}

#[test]
fn time_namespace_offsets() {
    if !privileged("time_namespace_offsets") {
        return;
    }
    compare("unshare", &["-T", "--monotonic", "100", "--boottime", "5", "cat", "/proc/self/timens_offsets"]);
    compare("unshare", &["-T", "--monotonic=100", "-f", "cat", "/proc/self/timens_offsets"]);
    let uptime = "read u _ < /proc/uptime; [ ${u%.*} -ge 86400 ] && echo shifted";
    compare("unshare", &["-T", "--boottime=86400", "sh", "-c", uptime]);
    expect(&run_ours("unshare", &["-T", "--boottime=86400", "sh", "-c", uptime]), "shifted\n", "", 0);
    // Negative offsets (2.40).
    let out = run_ours("unshare", &["-T", "--monotonic=-5", "--boottime=-7", "cat", "/proc/self/timens_offsets"]);
    expect(&out, "monotonic          -5         0\nboottime           -7         0\n", "", 0);
}

#[test]
fn mount_propagation() {
    if !privileged("mount_propagation") {
        return;
    }
    // The optional fields of the root mount in mountinfo, under a parent whose root is shared.
    let fields = "sed -n 's/^[0-9]* [0-9]* [^ ]* [^ ]* \\/ [^ ]* \\(.*\\)-.*/[\\1]/p' /proc/self/mountinfo";
    // One line per propagation mode, digits of peer group ids removed.
    let f = fields.replace('\'', "'\\''");
    let inner = format!(
        "{p}unshare -m {f}; unshare -m --propagation private {f}; unshare -m --propagation slave {f}; \
         unshare -m --propagation shared {f}; unshare -m --propagation unchanged {f}; \
         unshare --propagation slave -u {f}",
        p = PRELUDE.replace('\'', "'\\''"),
    );
    let script = format!("/usr/bin/unshare -m --propagation shared bash -c '{inner}' | sed 's/[0-9]//g'");
    let out = script_with(ours_bin(), &script);
    expect(&out, "[]\n[]\n[master: ]\n[shared: ]\n[shared: ]\n[shared: ]\n", "", 0);
    compare_script(&script);
}

// ---------------------------------------------------------------- fork, status, signals

#[test]
fn exit_status_passes_through() {
    compare("unshare", &["sh", "-c", "exit 7"]);
    if !privileged("exit_status_passes_through") {
        return;
    }
    compare("unshare", &["-f", "sh", "-c", "exit 7"]);
    compare("unshare", &["-p", "-f", "sh", "-c", "exit 3"]);
    expect(&run_ours("unshare", &["--fork", "sh", "-c", "exit 42"]), "", "", 42);
}

#[test]
fn child_signal_is_reraised() {
    if !privileged("child_signal_is_reraised") {
        return;
    }
    // Only stdout and status: bash itself reports the killed job on stderr.
    let status_of = |script: &str| {
        let out = script_with(ours_bin(), script);
        (out.stdout, out.status)
    };
    assert_eq!(status_of("unshare -f sh -c 'kill -TERM $$'; echo $?"), ("143\n".to_string(), 0));
    compare_script("unshare -f sh -c 'kill -TERM $$' 2>/dev/null; echo $?");
    compare_script("unshare -f sh -c 'kill -SEGV $$' 2>/dev/null; echo $?");
    // 2.38.1 printed "sigprocmask unblock failed" and exited 1 here; 2.42.2 dies of SIGKILL too.
    assert_eq!(status_of("unshare -f sh -c 'kill -KILL $$'; echo $?"), ("137\n".to_string(), 0));
    // PID 1 of a new pid namespace, killed from outside.
    let out =
        sandbox("unshare_exec -p -f sleep 1000 & p=$!; await_child sleep $p; kill -KILL $child; wait $p; echo $?");
    expect_stdout(&out, "137\n", 0);
}

#[test]
fn waiting_parent_blocks_int_and_term() {
    if !privileged("waiting_parent_blocks_int_and_term") {
        return;
    }
    // The parent blocks both before it forks: once the child runs the program, they are
    // blocked. Signals sent then stay pending (ShdPnd), not delivered: the parent lives on.
    let script = "unshare_exec -f sleep 1000 & p=$!; await_child sleep $p; c=$child; grep SigBlk /proc/$p/status; \
                  grep SigBlk /proc/$c/status; kill -TERM $p; kill -INT $p; grep ShdPnd /proc/$p/status; \
                  kill -0 $p && echo alive; kill $c; wait $p; echo $?";
    let out = sandbox(script);
    let want = "SigBlk:\t0000000000004002\nSigBlk:\t0000000000000000\nShdPnd:\t0000000000004002\nalive\n143\n";
    expect(&out, want, "", 0);
}

#[test]
fn forward_signals_reach_the_child() {
    if !privileged("forward_signals_reach_the_child") {
        return;
    }
    // Job control, so that the background jobs do not start with SIGINT ignored. `forwarding`
    // waits until the program has set its trap (it has started its sleep) and the parent
    // forwards: it sleeps (S) in waitpid(2), which it enters once it knows the child's pid.
    let script = "set -m; forwarding() { await_child sh $1; await_child sleep $child; await 'the parent to wait' parked $1; }; \
                  parked() { local s; read -r _ _ s _ </proc/$1/stat && [ $s = S ]; }; \
                  unshare_exec --forward-signals sh -c 'trap \"echo got TERM; exit 3\" TERM; sleep 1000 & wait' & p=$!; \
                  forwarding $p; grep SigBlk /proc/$p/status; kill -TERM $p; wait $p; echo $?; \
                  unshare_exec --forward-signals sh -c 'trap \"echo got INT; exit 4\" INT; sleep 1000 & wait' & p=$!; \
                  forwarding $p; kill -INT $p; wait $p; echo $?";
    let out = sandbox(script);
    expect_stdout(&out, "SigBlk:\t0000000000000000\ngot TERM\n3\ngot INT\n4\n", 0);
}

#[test]
fn kill_child_follows_the_parent() {
    if !privileged("kill_child_follows_the_parent") {
        return;
    }
    // Job control keeps SIGINT from being ignored in the background job; only SIGKILL ends
    // the init of a pid namespace, so the other signals are tried on a plain child.
    // The child runs its program once it has asked for the signal (PR_SET_PDEATHSIG).
    for opt in ["--kill-child -p", "--kill-child=SIGTERM", "--kill-child=int", "--kill-child=RTMIN+1"] {
        let script = format!(
            "set -m; unshare_exec {opt} sleep 1000 & p=$!; await_child sleep $p && echo running; c=$child; \
             kill -KILL $p; wait $p; await_end $c && echo gone"
        );
        expect_stdout(&sandbox(&script), "running\ngone\n", 0);
    }
    // Without it the child outlives a killed parent (given time to die, which it does not use).
    let script = "unshare_exec -f sleep 1000 & p=$!; await_child sleep $p; c=$child; kill -KILL $p; wait $p; \
                  sleep 0.3; ended $c || echo orphan; kill $c";
    expect_stdout(&sandbox(script), "orphan\n", 0);
    compare("unshare", &["--kill-child=term", "sh", "-c", "grep -c . /proc/self/status >/dev/null; echo ok"]);
}

#[test]
fn exec_failures() {
    compare("unshare", &["/nonexistent/program"]);
    compare("unshare", &["nonexistent-program-rns"]);
    compare("unshare", &["/etc/passwd"]);
    expect(
        &run_ours("unshare", &["nonexistent-program-rns"]),
        "",
        "unshare: failed to execute nonexistent-program-rns: No such file or directory\n",
        127,
    );
    expect(
        &run_ours("unshare", &["/etc/passwd"]),
        "",
        "unshare: failed to execute /etc/passwd: Permission denied\n",
        126,
    );
    if privileged("exec_failures") {
        compare("unshare", &["-f", "nonexistent-program-rns"]);
    }
}

#[test]
fn no_program_runs_a_login_shell() {
    let script = "SHELL=/bin/sh unshare <<< 'echo \"$0\"'";
    expect(&script_with(ours_bin(), script), "-sh\n", "", 0);
    compare_script(script);
    compare_script("SHELL=/nonexistent/shell unshare");
    // $SHELL empty: the passwd shell of the real uid (2.38.1 tried to execute "").
    let script = "SHELL= unshare <<< 'echo \"$0\"'";
    let pw = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let uid = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("Uid:")).and_then(|l| l.split_whitespace().nth(1).map(String::from))
        })
        .unwrap_or_default();
    let shell = pw.lines().map(|l| l.split(':').collect::<Vec<_>>()).find(|f| f.len() >= 7 && f[2] == uid);
    if let Some(f) = shell.filter(|f| f[6].ends_with("sh")) {
        let base = f[6].rsplit('/').next().unwrap_or_default();
        expect(&script_with(ours_bin(), script), &format!("-{base}\n"), "", 0);
    }
}

// ---------------------------------------------------------------- root, directory, mounts

#[test]
fn root_and_working_directory() {
    if !privileged("root_and_working_directory") {
        return;
    }
    compare("unshare", &["-R", "/", "-w", "/tmp", "pwd"]);
    compare("unshare", &["--root=/usr", "/bin/sh", "-c", "pwd; ls -d /lib"]);
    compare("unshare", &["-R", "/nonexistent-rns", "true"]);
    compare("unshare", &["--wd", "/etc", "pwd"]);
    // 2.38.1 said "cannot chdir to '/x'".
    let out = run_ours("unshare", &["-w", "/nonexistent-rns", "true"]);
    expect(&out, "", "unshare: cannot change directory to /nonexistent-rns: No such file or directory\n", 1);
}

#[test]
fn mount_proc_elsewhere() {
    if !privileged("mount_proc_elsewhere") {
        return;
    }
    compare_sandbox("mkdir p; unshare -p -f --mount-proc=/tmp/p sh -c 'cat /tmp/p/1/comm; cat /tmp/p/self/stat | cut -d\" \" -f1'; ls p | wc -l");
    compare("unshare", &["--mount-proc=/nonexistent-rns", "true"]);
    // With a propagation other than private, the proc directory is made private first;
    // a directory that is no mount point answers EINVAL, which is ignored.
    compare_sandbox("mkdir p; unshare -p -f --propagation slave --mount-proc=/tmp/p cat /tmp/p/1/comm");
}

#[test]
fn binfmt_misc() {
    if !privileged("binfmt_misc") {
        return;
    }
    // --mount-binfmt without a directory also mounts /proc, which needs a pid namespace.
    let out = run_ours("unshare", &["--mount-binfmt", "true"]);
    expect(&out, "", "unshare: mount /proc failed: Operation not permitted\n", 1);
    let out = run_ours("unshare", &["--mount-binfmt", "-p", "-f", "sh", "-c", "ls /proc/sys/fs/binfmt_misc"]);
    expect(&out, "register\nstatus\n", "", 0);
    let out = run_ours("unshare", &["--mount-binfmt=/nonexistent-rns", "true"]);
    expect(&out, "", "unshare: mount /nonexistent-rns failed: No such file or directory\n", 1);
    // Registering needs CAP_SYS_ADMIN in the initial user namespace: the same refusal as
    // util-linux 2.42.2 gives (-l implies --user).
    let out = run_ours("unshare", &["-p", "-f", "-l", ":rnstest:E::rnst::/bin/true:", "true"]);
    expect(&out, "", "unshare: cannot open /proc/sys/fs/binfmt_misc/register: Permission denied\n", 1);
    // As root of the new user namespace it registers in that namespace's own binfmt_misc;
    // with the F flag and --root, before the chroot.
    let cat = ["cat", "/proc/sys/fs/binfmt_misc/rnstest"];
    let mut args = vec!["-r", "-p", "-f", "-l", ":rnstest:E::rnst::/bin/true:"];
    args.extend(cat);
    expect(&run_ours("unshare", &args), "enabled\ninterpreter /bin/true\nflags: \nextension .rnst\n", "", 0);
    let mut args = vec!["-r", "-p", "-f", "--load-interp=:rnstest:E::rnst::/bin/true:F", "-R", "/"];
    args.extend(cat);
    expect(&run_ours("unshare", &args), "enabled\ninterpreter /bin/true\nflags: F\nextension .rnst\n", "", 0);
}

#[test]
fn keep_caps() {
    if !privileged("keep_caps") {
        return;
    }
    compare("unshare", &["--keep-caps", "-U", "grep", "^Cap", "/proc/self/status"]);
    compare("unshare", &["-U", "grep", "^Cap", "/proc/self/status"]);
    // Without a user namespace there is nothing to keep.
    compare("unshare", &["--keep-caps", "grep", "^CapAmb", "/proc/self/status"]);
}

// ---------------------------------------------------------------- id ranges (2.38+, 2.42 forms)

#[test]
fn range_maps_written_by_root() {
    if !privileged("range_maps_written_by_root") {
        return;
    }
    let maps = ["cat", "/proc/self/uid_map", "/proc/self/gid_map", "/proc/self/setgroups"];
    let with = |pre: &[&'static str]| -> Vec<&'static str> { pre.iter().chain(maps.iter()).copied().collect() };
    let cases: &[(&[&str], &str)] = &[
        (
            &["--map-users=0:100000:65536", "--map-user=0"],
            "         0          0          1\n         1     100000      65535\nallow\n",
        ),
        (
            &["-r", "--map-users=1:100000:100"],
            "         0          0          1\n         1     100000        100\n         0          0          1\ndeny\n",
        ),
        (
            &["--map-users=0:100000:10", "--map-users=10:200000:10"],
            "         0     100000         10\n        10     200000         10\nallow\n",
        ),
        (
            &["--map-user=5", "--map-users=0:100000:10"],
            "         5          0          1\n         0     100000          5\n         6     100005          4\nallow\n",
        ),
        (&["--map-users=100000,0,10"], "         0     100000         10\nallow\n"),
        (
            &["--map-users=all", "--map-groups=all"],
            "         0          0 4294967295\n         0          0 4294967295\nallow\n",
        ),
        (
            &["--map-groups=0:100000:5", "--map-group=7"],
            "         7          0          1\n         0     100000          5\nallow\n",
        ),
    ];
    for (opts, expected) in cases {
        expect(&run_ours("unshare", &with(opts)), expected, "", 0);
    }
    let out = run_ours("unshare", &["--map-users=all", "--map-groups=all", "-S", "0", "-G", "0", "id"]);
    expect(&out, "uid=0(root) gid=0(root) groups=0(root)\n", "", 0);
}

#[test]
fn map_auto_and_subids_from_subuid_files() {
    if !privileged("map_auto_and_subids_from_subuid_files") {
        return;
    }
    // A private copy of /etc with sub-id files, visible only in this throwaway namespace.
    let setup = "mkdir etc; cp -a /etc/. etc/; echo root:200000:65536 > etc/subuid; \
                 echo root:300000:65536 > etc/subgid; mount --bind /tmp/etc /etc\n";
    let show = "cat /proc/self/uid_map /proc/self/gid_map";
    let script = format!(
        "{setup}unshare --map-auto {show}; echo; unshare -r --map-auto {show}; echo; \
         unshare --map-user=0 --map-auto cat /proc/self/uid_map; echo; unshare --map-subids {show}; echo; \
         unshare --map-users=auto --map-groups=subids {show}; echo; unshare --map-user=5 --map-auto cat /proc/self/uid_map"
    );
    // 2.42.3: the auto range keeps all 65536 ids next to a single id (2.42.2 printed 65535).
    let expected = "         0     200000      65536\n         0     300000      65536\n\n\
                    \x20        0          0          1\n         1     200000      65536\n\
                    \x20        0          0          1\n         1     300000      65536\n\n\
                    \x20        0          0          1\n         1     200000      65536\n\n\
                    \x20   200000     200000      65536\n    300000     300000      65536\n\n\
                    \x20        0     200000      65536\n    300000     300000      65536\n\n\
                    \x20        5          0          1\n         0     200000          5\n         6     200005      65531\n";
    expect(&sandbox(&script), expected, "", 0);
    let script = "mkdir etc; cp -a /etc/. etc/; rm -f etc/subuid etc/subgid; echo 1000:1:2 > etc/subuid; \
                  mount --bind /tmp/etc /etc; unshare --map-auto true; unshare --map-groups=subids true; \
                  echo 'root:x:5' > /etc/subgid; unshare --map-groups=auto true";
    let expected = "unshare: no line matching user \"root\" in /etc/subuid\n\
                    unshare: could not open '/etc/subgid': No such file or directory\n\
                    unshare: failed to parse subid map: 'x'\n";
    expect(&sandbox(script), "", expected, 1);
}

#[test]
fn unprivileged_ranges_run_newuidmap() {
    if !privileged("unprivileged_ranges_run_newuidmap") {
        return;
    }
    // A stand-in newuidmap/newgidmap shows the argument vector util-linux builds.
    let script = "mkdir bin; for t in newuidmap newgidmap; do printf '#!/bin/sh\\necho \"$(basename $0) $*\" | \
                  sed \"s/ [0-9]* / PID /\" >&2\\nexit 3\\n' > bin/$t; chmod 755 bin/$t; done; chmod 755 /tmp; \
                  PATH=/tmp/bin:$PATH setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \
                  'exec -a unshare \"$BIN\" --map-users=0:100000:65536 -r true'; echo $?; \
                  PATH=/tmp/bin:$PATH setpriv --reuid=65534 --regid=65534 --clear-groups bash -c \
                  'exec -a unshare \"$BIN\" --map-users=5:100000:10 --map-user=0 --map-groups=0:1:2 true'; echo $?";
    let expected_err = "newuidmap PID 0 65534 1 1 100000 65535\nnewuidmap PID 0 65534 1 5 100000 10\n";
    expect(&sandbox(script), "3\n3\n", expected_err, 0);
    // Without the tools: exec failure in the helper, its status becomes ours.
    let script = "setpriv --reuid=65534 --regid=65534 --clear-groups env PATH=/nonexistent /bin/bash -c \
                  'exec -a unshare \"$BIN\" --map-groups=0:100000:10 true'; echo $?";
    expect(&sandbox(script), "127\n", "unshare: failed to execute newgidmap: No such file or directory\n", 0);
    // And an unprivileged unshare(2) fails as util-linux's does.
    let script =
        "setpriv --reuid=65534 --regid=65534 --clear-groups bash -c 'exec -a unshare \"$BIN\" -n true'; echo $?";
    compare_sandbox(script);
}

#[test]
fn owner_of_the_user_namespace() {
    if !privileged("owner_of_the_user_namespace") {
        return;
    }
    let out = run_ours(
        "unshare",
        &[
            "--owner",
            "1000:1000",
            "--map-user=0",
            "--map-group=0",
            "cat",
            "/proc/self/uid_map",
            "/proc/self/gid_map",
            "/proc/self/setgroups",
        ],
    );
    expect(&out, "         0          0          1\n         0          0          1\nallow\n", "", 0);
    // The process outside is the owner now: its uid and gid in the parent namespace.
    let script =
        "unshare_exec --owner 1000:1001 -r sleep 1000 & await_comm sleep $!; grep -E '^(Uid|Gid)' /proc/$!/status";
    expect(&sandbox(script), "Uid:\t1000\t1000\t1000\t1000\nGid:\t1001\t1001\t1001\t1001\n", "", 0);
}

// ---------------------------------------------------------------- persistent namespaces

#[test]
fn persistent_namespaces_can_be_entered_again() {
    if !privileged("persistent_namespaces_can_be_entered_again") {
        return;
    }
    let script = "touch uts net ipc; unshare --uts=/tmp/uts --net=/tmp/net --ipc=/tmp/ipc hostname pinned; echo $?; \
                  grep -c ' /tmp/[a-z]* .* nsfs ' /proc/self/mountinfo; \
                  /usr/bin/nsenter --uts=/tmp/uts hostname; \
                  /usr/bin/nsenter --net=/tmp/net cat /proc/self/net/dev | wc -l; \
                  umount /tmp/uts /tmp/net /tmp/ipc && echo released";
    expect(&sandbox(script), "0\n3\npinned\n3\nreleased\n", "", 0);
    compare_sandbox(
        "touch uts; unshare --uts=/tmp/uts -f hostname x; /usr/bin/nsenter --uts=/tmp/uts hostname; umount /tmp/uts",
    );
}

#[test]
fn persistent_pid_and_time_need_children() {
    if !privileged("persistent_pid_and_time_need_children") {
        return;
    }
    let script = "touch pid time mnt; unshare --pid=/tmp/pid --time=/tmp/time --mount=/tmp/mnt -f true; echo $?; \
                  for n in pid time mnt; do [ \"$(stat -f -c %T /tmp/$n)\" = nsfs ] && \
                  [ \"$(stat -L -c %i /tmp/$n)\" != \"$(stat -L -c %i /proc/self/ns/$n)\" ] && echo new $n; done; \
                  umount /tmp/pid /tmp/time /tmp/mnt";
    expect(&sandbox_on_one_cpu(script), "0\nnew pid\nnew time\nnew mnt\n", "", 0);
    // Without --fork, pid_for_children does not exist yet (util-linux's message) and, unlike
    // util-linux, the net namespace bound before it is taken back.
    let script = "touch pid net; unshare --net=/tmp/net --pid=/tmp/pid true 2>&1 | sed 's/[0-9][0-9]*/N/'; \
                  echo ${PIPESTATUS[0]}; grep -c nsfs /proc/self/mountinfo";
    expect(
        &sandbox(script),
        "unshare: mount /proc/N/ns/pid_for_children on /tmp/pid failed: No such file or directory\n1\n0\n",
        "",
        1,
    );
}

#[test]
fn persistent_user_namespace_as_root() {
    if !privileged("persistent_user_namespace_as_root") {
        return;
    }
    // 2.42: bound by the helper forked before unshare(2) (2.38.1 fails with EPERM).
    let script = "touch user; unshare --user=/tmp/user -r true; echo $?; \
                  /usr/bin/nsenter --user=/tmp/user cat /proc/self/uid_map; umount /tmp/user";
    expect(&sandbox(script), "0\n         0          0          1\n", "", 0);
    let script = "touch user mnt; unshare --user=/tmp/user --mount=/tmp/mnt -r -f true; echo $?; \
                  grep -c nsfs /proc/self/mountinfo";
    expect(&sandbox_on_one_cpu(script), "0\n2\n", "", 0);
}

#[test]
fn failures_leave_nothing_behind() {
    if !privileged("failures_leave_nothing_behind") {
        return;
    }
    // After each failure: its status, the number of nsfs mounts, and the processes other
    // than the shell's own (a helper would be a `runshare`).
    let check = "echo \"$? $(grep -c nsfs /proc/self/mountinfo) $(cat /proc/[0-9]*/comm 2>/dev/null | grep -vc -e '^bash$' -e '^cat$' -e '^grep$')\"";
    let script = [
        "touch net",
        "unshare --net=/tmp/missing true",
        "unshare --net=/tmp/net -w /nonexistent true",
        "unshare --net=/tmp/net -f -w /nonexistent true",
        "unshare --net=/tmp/net -m -w /nonexistent true",
        "unshare --net=/tmp/net -U -r nonexistent-rns",
        "unshare --net=/tmp/net -f -m nonexistent-rns",
        "unshare --net=/tmp/net --map-users=0:100000:10 -S 99 -G 0 true",
        "unshare --net=/tmp/net --map-user=bogus-user-rns true",
        "unshare --net=/tmp/net --pid=/tmp/net -f --kill-child -R /nonexistent true",
    ]
    .iter()
    .map(|cmd| format!("{cmd} 2>/dev/null; {check}"))
    .collect::<Vec<_>>()
    .join("\n");
    let out = sandbox(&script);
    let expected: String =
        ["0", "1", "1", "1", "1", "127", "127", "1", "1", "1"].iter().map(|s| format!("{s} 0 0\n")).collect();
    expect(&out, &expected, "", 0);
}

#[test]
fn no_descriptor_leaks_into_the_program() {
    if !privileged("no_descriptor_leaks_into_the_program") {
        return;
    }
    let count = "ls /proc/self/fd | wc -l";
    let script = format!(
        "touch net user; sh -c '{count}'; unshare sh -c '{count}'; unshare -f sh -c '{count}'; \
         unshare --net=/tmp/net -f sh -c '{count}'; unshare --user=/tmp/user -r --map-users=1:100000:10 sh -c '{count}'; \
         unshare --kill-child --forward-signals -p --mount-proc sh -c '{count}'"
    );
    let out = sandbox(&script);
    let counts: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(counts.len(), 6, "{out:?}");
    assert!(counts.iter().all(|c| *c == counts[0]), "descriptor counts differ: {counts:?}");
}

#[test]
fn kernel_refusals_are_reported() {
    if !privileged("kernel_refusals_are_reported") {
        return;
    }
    compare("unshare", &["-T", "--monotonic", "9223372036854775807", "true"]);
    compare("unshare", &["-T", "--boottime", "-999999999999", "true"]);
    // The id-map helper's messages (2.40+: root writes the maps itself).
    let out = script_with(ours_bin(), "unshare --map-users=0:0:1 --map-users=0:0:1 true 2>&1 | sed 's/[0-9][0-9]*/N/'");
    expect(&out, "unshare: failed to write /proc/N/uid_map: Invalid argument\n", "", 0);
    let out = script_with(ours_bin(), "unshare --map-users=0:0:1 --map-users=0:0:1 true; echo $?");
    assert_eq!(out.stdout, "1\n");
    let many = (1..=400).map(|i| format!("--map-users={i}:{}:1", 100000 + i)).collect::<Vec<_>>().join(" ");
    let out =
        script_with(ours_bin(), &format!("unshare {many} true 2>&1 | sed 's/[0-9][0-9]*/N/'; exit ${{PIPESTATUS[0]}}"));
    expect(&out, "unshare: /proc/N/uid_map too large for kernel 4k limit\n", "", 1);
}

// ---------------------------------------------------------------- differential audit (2.42.2/2.42.3)

/// `--owner` takes 4294967295 (`-1`) as "unset" for either half: that id is not changed and no
/// setgroups(2)/setgid(2) happens for an unset gid (2.42.2, `unshare --owner -1:-1 id` and the
/// others below; 2.38.1 has no --owner).
#[test]
fn audit_owner_halves_may_stay_unset() {
    if !privileged("audit_owner_halves_may_stay_unset") {
        return;
    }
    // Unmapped ids read as the kernel's overflow ids (65534 unless a machine changed them),
    // named as this machine names them (nobody and nogroup on Debian; nobody twice elsewhere).
    let overflow = |f: &str| std::fs::read_to_string(format!("/proc/sys/kernel/{f}")).expect(f).trim().to_string();
    let (uid, gid) = (overflow("overflowuid"), overflow("overflowgid"));
    let (u, g, groups) = (format!("--reuid={uid}"), format!("--regid={gid}"), format!("--groups={gid}"));
    let want = run_as("/usr/bin/setpriv", "setpriv", &[&u, &g, &groups, "id"]);
    assert!(want.status == 0 && want.stdout.starts_with(&format!("uid={uid}")), "{want:?}");
    let out = run_ours("unshare", &["--owner", "-1:-1", "id"]);
    expect(&out, &want.stdout, "", 0);
    let script = "unshare_exec --owner 1000:-1 sleep 1000 & await_comm sleep $!; grep -E '^(Uid|Gid)' /proc/$!/status";
    expect(&sandbox(script), "Uid:\t1000\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\n", "", 0);
    let script = "unshare_exec --owner -1:1001 sleep 1000 & await_comm sleep $!; grep -E '^(Uid|Gid)' /proc/$!/status";
    expect(&sandbox(script), "Uid:\t0\t0\t0\t0\nGid:\t1001\t1001\t1001\t1001\n", "", 0);
    // An unset owner uid does not pull --map-user into a range list (single maps, setgroups allow).
    let maps = ["cat", "/proc/self/uid_map", "/proc/self/gid_map", "/proc/self/setgroups"];
    let args: Vec<&str> = ["--owner", "-1:5", "--map-user=0", "--map-group=0"].iter().chain(&maps).copied().collect();
    expect(
        &run_ours("unshare", &args),
        "         0          0          1\n         0          0          1\nallow\n",
        "",
        0,
    );
}

/// 2.42.3 (util-linux stable/v2.42, commit 294f483 "unshare: Fix --map-auto regression") never
/// takes an id from an auto range, even when it holds the outer id of the single map too. Seen
/// with that build and /etc/subuid `root:0:65536`: `unshare -r --map-auto cat /proc/self/uid_map`
/// and `unshare --map-user=5 --map-auto cat /proc/self/uid_map` (2.42.2 printed 65535 and 65530).
#[test]
fn audit_auto_range_holding_the_outer_id_keeps_its_count() {
    if !privileged("audit_auto_range_holding_the_outer_id_keeps_its_count") {
        return;
    }
    let script = "mkdir etc; cp -a /etc/. etc/; echo root:0:65536 > etc/subuid; echo root:0:65536 > etc/subgid; \
                  mount --bind /tmp/etc /etc; unshare -r --map-auto cat /proc/self/uid_map; \
                  unshare --map-user=5 --map-auto cat /proc/self/uid_map";
    let expected = "         0          0          1\n         1          1      65536\n\
                    \x20        5          0          1\n         0          1          5\n         6          6      65531\n";
    expect(&sandbox(script), expected, "", 0);
}

/// Names go through NSS as getpwnam(3)/getgrnam(3)/getpwuid(3) answer them, not through a
/// reading of /etc/passwd: where nss-systemd is configured, `nobody` and `root` exist without a
/// line there. Compared with 2.38.1 (same lookups), whatever this machine's nsswitch.conf says.
#[test]
fn audit_user_and_group_names_through_nss() {
    if !privileged("audit_user_and_group_names_through_nss") {
        return;
    }
    let etc = "mkdir etc; cp -a /etc/. etc/; grep -v -e ^root: -e ^nobody: /etc/passwd > etc/passwd; \
               grep -v -e ^nogroup: /etc/group > etc/group; mount --bind /tmp/etc /etc";
    compare_sandbox(&format!(
        "{etc}; unshare --map-user=nobody --map-group=nogroup cat /proc/self/uid_map /proc/self/gid_map; echo $?; \
         unshare --map-user=root true; echo $?; echo 'echo $0' | env -u SHELL unshare -u; echo $?"
    ));
}

/// The program inherits what unshare inherited, not what Rust's start-up made of it: an
/// ignored SIGPIPE stays ignored, closed standard descriptors stay closed; and the waiting
/// parent catches no SIGSEGV/SIGBUS. A message that cannot be written to stderr makes the exit
/// status 1, as util-linux's close_stdout does. All as 2.38.1.
#[test]
fn audit_inherited_process_state_and_failing_stderr() {
    compare_script("trap '' PIPE; unshare sh -c 'grep SigIgn /proc/self/status'; echo $?");
    compare_script("unshare sh -c 'grep SigIgn /proc/self/status'; echo $?");
    compare_script("unshare -f sh -c 'grep -E \"^Sig(Ign|Cgt)\" /proc/$PPID/status'");
    compare_script("unshare ls /proc/self/fd 0<&- 2>&-; echo $?");
    compare_script("unshare sh -c 'ls /proc/$$/fd >&2' >&-; echo $?");
    compare_script("unshare /nonexistent 2>/dev/full; echo $?; unshare /nonexistent 2>&-; echo $?");
    compare_script("unshare --bogus 2>/dev/full; echo $?; unshare -S x 2>&-; echo $?");
    compare_script("unshare -f sh -c 'exit 5' 2>/dev/full; echo $?");
}

/// Arguments that are not UTF-8 are quoted byte for byte in messages, as util-linux's `%s`
/// does (they came out as U+FFFD). Compared with 2.38.1 through `od`, which shows the bytes.
#[test]
fn audit_non_utf8_arguments_in_messages() {
    for args in [
        "-S $'\\xff' true",
        "-R $'/\\xff' true",
        "--mount-proc=$'/\\xff' true",
        "--kill-child=$'x\\xff' true",
        "--propagation=$'\\xff' true",
        "--setgroups=$'\\xff' true",
        "-T --monotonic=$'\\xff' true",
        "$'/\\xff'",
        "--net=$'/\\xff' true",
    ] {
        compare_script(&format!("unshare {args} 2>&1 | sed 's/[0-9][0-9]*/N/g' | od -An -c; echo ${{PIPESTATUS[0]}}"));
    }
    // 2.42 wording (2.38.1: `cannot chdir to`, `failed to parse uid: '...'`), as 2.42.2 prints it.
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    for (args, message) in [
        ("-w $'/\\xff' true", &b"unshare: cannot change directory to /\xff: No such file or directory\n"[..]),
        ("--map-user=$'\\xff' true", &b"unshare: failed to parse uid '\xff'\n"[..]),
    ] {
        let out = script_with(ours_bin(), &format!("unshare {args} 2>&1 | od -An -tx1 | tr -d ' \\n'"));
        expect(&out, &hex(message), "", 0);
    }
}
