//! rnsenter against the real kernel and util-linux nsenter.
//!
//! Scenarios run as `sh` scripts in a throwaway world (`/usr/bin/unshare -m --propagation
//! private -p -f --mount-proc --kill-child`, a tmpfs on /tmp): targets are made there with
//! `/usr/bin/unshare`, and everything, mounts included, dies with the world. The script finds
//! the tool under test as `nsenter` on its PATH (a symlink on that tmpfs), so argv[0] is
//! "nsenter" for both. The same script is run once with /usr/bin/nsenter (2.38.1) and once with
//! ours where the two versions agree; where 2.42 differs, ours is checked against what 2.42.2
//! does (seen by hand with the 2.42.2 build; the expected text says so).

use crate::common::*;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const THEIRS: &str = "/usr/bin/nsenter";

/// A spawned world: killed (its `--kill-child` unshare takes every process of the world with
/// it) and reaped when dropped, also when the test fails.
struct Reaped(Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What every world script starts with: a private tmpfs on /tmp holding `bin/nsenter`.
/// (The tmpfs itself comes first: `tmpfs_on_tmp`; `common::AWAIT`'s functions before it.)
const PROLOGUE: &str = r#"mkdir /tmp/bin && ln -s "$NSENTER_BIN" /tmp/bin/nsenter || exit 99
PATH=/tmp/bin:$PATH
cd /tmp
# wait_for FILE: until a target has written its ready file.
wait_for() { await "$1 to be written" test -s "$1"; }
"#;

/// Runs `script` in a fresh world with `tool` as `nsenter`. Gives up (and kills the world)
/// after 60 seconds.
fn world(tool: &str, script: &str) -> Outcome {
    let mut cmd = Command::new("/usr/bin/unshare");
    neutral_env(&mut cmd)
        .args(["-m", "--propagation", "private", "-p", "-f", "--mount-proc", "--kill-child", "sh", "-c"])
        .arg(format!("set -u\n{AWAIT}{}{PROLOGUE}{script}", tmpfs_on_tmp("scratch")))
        .env("NSENTER_BIN", tool)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = Reaped(cmd.spawn().expect("spawn /usr/bin/unshare"));
    let mut stdout = child.0.stdout.take().expect("piped");
    let mut stderr = child.0.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            panic!("world script timed out:\n{script}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    use std::os::unix::process::ExitStatusExt;
    Outcome {
        command: format!("world with {tool}: {script}"),
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned(),
        status: status.code().unwrap_or_else(|| 128 + status.signal().unwrap_or(0)),
    }
}

fn ours_world(script: &str) -> Option<Outcome> {
    privileged("nsenter world").then(|| world(ours("nsenter"), script))
}

/// Runs the script with util-linux's nsenter and with ours and asserts the same result.
#[track_caller]
fn compare_world(script: &str) -> Option<Outcome> {
    if !privileged("nsenter world") || !oracle("nsenter", "nsenter world") {
        return None;
    }
    let theirs = world(THEIRS, script);
    let ours = world(ours("nsenter"), script);
    assert_same(&theirs, &ours);
    Some(ours)
}

/// Asserts ours alone (a 2.42 behaviour 2.38.1 lacks or words differently).
#[track_caller]
fn expect_world(script: &str, stdout: &str, stderr: &str, status: i32) {
    if let Some(o) = ours_world(script) {
        assert_text(&format!("stdout of {script}"), stdout, &o.stdout);
        assert_text(&format!("stderr of {script}"), stderr, &o.stderr);
        assert_eq!(o.status, status, "status of {script}\nstdout: {}\nstderr: {}", o.stdout, o.stderr);
    }
}

/// Asserts our tool alone, run outside any world (parse-time answers only).
#[track_caller]
fn expect(args: &[&str], stdout: &str, stderr: &str, status: i32) {
    let o = run_ours("nsenter", args);
    assert_text(&format!("stdout of {}", o.command), stdout, &o.stdout);
    assert_text(&format!("stderr of {}", o.command), stderr, &o.stderr);
    assert_eq!(o.status, status, "status of {}", o.command);
}

/// A uts+ipc+net target with its own hostname and a message queue.
const UTS_TARGET: &str = r#"
/usr/bin/unshare -u -i -n sh -c 'hostname box; ipcmk -Q >/dev/null; echo $$ > /tmp/t.pid; exec sleep 1000' &
wait_for /tmp/t.pid; T=$(cat /tmp/t.pid)
"#;

/// A pid namespace (with its /proc) whose init is `sleep`: `$P` is that init.
const PID_TARGET: &str = r#"
/usr/bin/unshare -p -f --mount-proc sh -c 'echo $$ > /tmp/p.ready; exec sleep 1000' & PU=$!
wait_for /tmp/p.ready
P=$(cat /proc/$PU/task/$PU/children)
"#;

/// A user namespace mapping root to root, with its own uts namespace.
const USER_TARGET: &str = r#"
/usr/bin/unshare -U --map-root-user -u sh -c 'hostname userbox; echo $$ > /tmp/u.pid; exec sleep 1000' &
wait_for /tmp/u.pid; U=$(cat /tmp/u.pid)
"#;

// ----- parsing, help, version ----------------------------------------------------------------

#[test]
fn getopt_errors_match_util_linux() {
    for args in [&["--bogus"][..], &["-x"], &["-t"], &["--target"], &["--all=1"], &["--w"], &["--preserve=1"], &["-S"]]
    {
        compare("nsenter", args);
    }
}

#[test]
fn numeric_parse_errors_match_util_linux() {
    for args in [&["-S", "x"][..], &["-G", ""], &["-G", "99999999999999999999"]] {
        compare("nsenter", args);
    }
    // 2.42 rejects negative ids (2.38.1 took -1 as 4294967295).
    expect(&["-S", "-1"], "", "nsenter: failed to parse uid: '-1': Numerical result out of range\n", 1);
    // 2.42 strips the `=` of an attached short-option argument (2.38.1 opened "=/nonexistent").
    expect(&["-n=/nonexistent", "true"], "", "nsenter: cannot open /nonexistent: No such file or directory\n", 1);
    expect(&["-w=/nonexistent", "true"], "", "nsenter: cannot open /nonexistent: No such file or directory\n", 1);
}

/// `nsenter --help` of 2.42.2, recorded with
/// `LD_LIBRARY_PATH=/work/oracle/.libs /work/oracle/bin/nsenter --help` (2.38.1 has fewer options).
const HELP_2_42_2: &str = r#"
Usage:
 nsenter [options] [<program> [<argument>...]]

Run a program with namespaces of other processes.

Options:
 -a, --all                     enter all namespaces
 -t, --target <PID>            target process to get namespaces from
 -m, --mount[=<file>|=:<nsid>] enter mount namespace
 -u, --uts[=<file>|=:<nsid>]   enter UTS namespace (hostname etc)
 -i, --ipc[=<file>|=:<nsid>]   enter System V IPC namespace
 -n, --net[=<file>|=:<nsid>]   enter network namespace
 -N, --net-socket <fd>         enter socket's network namespace (needs --target)
 -p, --pid[=<file>|=:<nsid>]   enter pid namespace
 -C, --cgroup[=<file>|=:<nsid>]  enter cgroup namespace
 -U, --user[=<file>|=:<nsid>]  enter user namespace
     --user-parent             enter parent user namespace
 -T, --time[=<file>|=:<nsid>]  enter time namespace
 -S, --setuid[=<uid>]          set uid in entered namespace
 -G, --setgid[=<gid>]          set gid in entered namespace
     --preserve-credentials    do not touch uids or gids
     --keep-caps               retain capabilities granted in user namespaces
 -r, --root[=<dir>]            set the root directory
 -w, --wd[=<dir>]              set the working directory
 -W, --wdns <dir>              set the working directory in namespace
 -e, --env                     inherit environment variables from target process
 -F, --no-fork                 do not fork before exec'ing <program>
 -c, --join-cgroup             join the cgroup of the target process

 -h, --help                    display this help
 -V, --version                 display version

For more details see nsenter(1).
"#;

#[test]
fn help_is_the_2_42_text() {
    expect(&["--help"], HELP_2_42_2, "", 0);
    expect(&["-h"], HELP_2_42_2, "", 0);
    // -h acts when getopt reaches it: an earlier bad file wins, a later one is never opened.
    expect(&["-h", "-n/nonexistent"], HELP_2_42_2, "", 0);
    expect(&["-n/nonexistent", "-h"], "", "nsenter: cannot open /nonexistent: No such file or directory\n", 1);
    // The usage line names the program as invoked; a name not rns's own (rnsenter's help has
    // more: tests/own_name.rs) is util-linux's text.
    let o = run_as(ours("nsenter"), "/some/where/nsenter2", &["--help"]);
    assert_text("usage", &HELP_2_42_2.replace(" nsenter [", " nsenter2 ["), &o.stdout);
}

#[test]
fn help_write_error() {
    let to_full = |cmd: &mut Command| {
        cmd.stdout(std::fs::File::create("/dev/full").expect("/dev/full"));
    };
    let ours = run_with(ours("nsenter"), "nsenter", &["--help"], to_full);
    assert_eq!(ours.stderr, "nsenter: write error: No space left on device\n");
    assert_eq!(ours.status, 1);
    if oracle("nsenter", "help_write_error") {
        assert_same(&run_with(THEIRS, "nsenter", &["--help"], to_full), &ours);
    }
}

#[test]
fn version_names_rns() {
    expect(&["-V"], &format!("nsenter from util-linux 2.42.3\nrns {}\n", env!("CARGO_PKG_VERSION")), "", 0);
}

/// 2.42.2 without SELinux: `-Z` is in getopt's string but no case handles it.
#[test]
fn follow_context_is_not_built() {
    expect(&["-Z", "true"], "", "Try 'nsenter --help' for more information.\n", 1);
    expect(
        &["--follow-context", "true"],
        "",
        "nsenter: unrecognized option '--follow-context'\nTry 'nsenter --help' for more information.\n",
        1,
    );
}

/// 2.42 words: `invalid PID argument` for every malformed `-t` (2.38.1: `failed to parse pid`).
#[test]
fn bad_target_is_an_invalid_pid_argument() {
    for arg in ["abc", "0", "-1", "12x", "1:abc", "1:0", "1:", "2147483648"] {
        expect(&["-t", arg, "-u", "true"], "", "nsenter: invalid PID argument\n", 1);
    }
}

#[test]
fn wd_and_wdns_exclude_each_other() {
    expect(&["-w", "-W/x"], "", "nsenter: options --wd and --wdns cannot be combined\n", 1);
    expect(&["-W/x", "-w"], "", "nsenter: options --wdns and --wd cannot be combined\n", 1);
}

#[test]
fn net_socket_parse_errors() {
    expect(&["-N", "x"], "", "nsenter: failed to parse file descriptor: 'x'\n", 1);
    expect(
        &["-N", "2147483648"],
        "",
        "nsenter: failed to parse file descriptor: '2147483648': Numerical result out of range\n",
        1,
    );
}

#[test]
fn namespace_file_that_cannot_be_opened() {
    compare("nsenter", &["-n/nonexistent", "true"]);
    compare("nsenter", &["--net=/nonexistent", "true"]);
    compare("nsenter", &["-m/nonexistent", "-u/nonexistent", "true"]);
    // -r keeps the `=`: `-r=/` is the directory "=/".
    compare("nsenter", &["-r=/", "true"]);
}

/// `--<kind>=:ID` that is no ID: util-linux 2.42's `failed to parse nsid: <text>` (also for
/// `:` alone), before anything is opened; a file whose name starts with `:` is `./:name`.
#[test]
fn namespace_ids_that_do_not_parse() {
    expect(&["--net=:abc", "true"], "", "nsenter: failed to parse nsid: abc\n", 1);
    expect(&["-n:", "true"], "", "nsenter: failed to parse nsid: \n", 1);
    expect(&["--uts==:-1", "true"], "", "nsenter: failed to parse nsid: -1\n", 1);
    expect(&["-U:12x", "-n/nonexistent", "true"], "", "nsenter: failed to parse nsid: 12x\n", 1);
    expect(&["-m=:18446744073709551616", "true"], "", "nsenter: failed to parse nsid: 18446744073709551616\n", 1);
    expect(&["--net=./:123", "true"], "", "nsenter: cannot open ./:123: No such file or directory\n", 1);
}

/// 2.42 messages where 2.38.1 words them otherwise or runs the program.
#[test]
fn nothing_to_enter() {
    expect(&[], "", "nsenter: no namespace specified\n", 1);
    expect(&["-u", "true"], "", "nsenter: no target PID specified\n", 1);
    expect(&["-a", "-U", "true"], "", "nsenter: no target PID specified\n", 1);
    expect(&["-a", "true"], "", "nsenter: stat of /proc/0/ns/user failed: No such file or directory\n", 1);
    expect(&["-r/", "true"], "", "nsenter: no namespace specified\n", 1);
    expect(&["-N", "-5", "-r/", "true"], "", "nsenter: no namespace specified\n", 1);
    let pid = std::process::id().to_string();
    expect(&["-t", &pid, "true"], "", "nsenter: no namespace specified\n", 1);
    expect(&["-t", &pid, "-w", "true"], "", "nsenter: no namespace specified\n", 1);
    expect(&["-N", "3", "true"], "", "nsenter: no target PID specified\n", 1);
    expect(&["--user-parent", "true"], "", "nsenter: no target PID specified\n", 1);
}

#[test]
fn files_of_the_target_need_a_target() {
    let f = "-n/proc/self/ns/net";
    expect(&[f, "-r", "true"], "", "nsenter: neither filename nor target pid supplied for root\n", 1);
    expect(&[f, "-w", "true"], "", "nsenter: neither filename nor target pid supplied for cwd\n", 1);
    expect(&[f, "-e", "true"], "", "nsenter: neither filename nor target pid supplied for environ\n", 1);
    expect(&[f, "-S", "follow", "true"], "", "nsenter: neither filename nor target pid supplied for \n", 1);
}

// ----- entering, against the kernel --------------------------------------------------------

#[test]
fn uts_ipc_net_of_a_target() {
    compare_world(&format!(
        "{UTS_TARGET}
nsenter -t $T -u hostname; echo $?
nsenter -t $T --uts hostname
nsenter -t $T -a hostname
nsenter -t $T -i ipcs -q | grep -c 0x
nsenter -t $T -n ip -o link | cut -d: -f2
nsenter -t $T -u -i -n sh -c 'hostname; exit 5'; echo $?
nsenter --target=$T -u hostname
nsenter -t$T -u hostname
"
    ));
}

#[test]
fn exit_status_and_exec_failures() {
    compare_world(&format!(
        "{UTS_TARGET}
nsenter -t $T -u sh -c 'exit 7'; echo $?
nsenter -t $T -u /nonexistent/prog; echo $?
nsenter -t $T -u /etc/hostname; echo $?
SHELL=/bin/echo nsenter -t $T -u; echo $?
SHELL=/bin/nonexistent nsenter -t $T -u; echo $?
SHELL=sh nsenter -t $T -u; echo $?
nsenter -t $T -u -- sh -c 'echo \"$0 $1\"' a b
nsenter -t $T -u ls -l /dev/null | cut -c1
"
    ));
}

#[test]
fn missing_and_exited_targets() {
    compare_world(
        r#"
nsenter -t 999999 -u true; echo $?
nsenter -t 999999 -a true; echo $?
nsenter -t 999999 -r -n/proc/self/ns/net true; echo $?
"#,
    );
    if !crate::common::python3(module_path!()) {
        return;
    }
    // A zombie: it exited and nobody reaps it; /proc/PID is there, its namespaces are not. The
    // pidfd still opens, so 2.42 fails in setns(2) (2.38.1: `cannot open /proc/PID/ns/uts`).
    expect_world(
        r#"
/usr/bin/python3 -c 'import os, time
pid = os.fork()
if pid == 0:
    os._exit(0)
open("/tmp/z.pid", "w").write(str(pid))
time.sleep(1000)' &
wait_for /tmp/z.pid; Z=$(cat /tmp/z.pid)
while ! grep -q zombie /proc/$Z/status; do sleep 0.05; done
nsenter -t $Z -u true; echo $?
nsenter -t $Z -a true; echo $?
nsenter -t $Z -n -r true 2>&1 | sed "s/$Z/Z/"
"#,
        "1\n1\nnsenter: cannot open /proc/Z/root: No such file or directory\n",
        "nsenter: reassociate to namespaces failed: No such process\n\
         nsenter: reassociate to namespaces failed: No such process\n",
        0,
    );
}

#[test]
fn pid_namespace_forks_and_mirrors_the_child() {
    compare_world(&format!(
        "{PID_TARGET}
nsenter -t $P -p -m sh -c 'echo $$; cat /proc/1/comm'
nsenter -t $P -p sh -c 'exit 3'; echo $?
nsenter -t $P -p sh -c 'kill -TERM $$'; echo $?
nsenter -t $P -p sh -c 'kill -SEGV $$'; echo $?
nsenter -t $P -p sh -c 'kill -KILL $$'; echo $?
nsenter -t $P -p -F sh -c 'echo $$ > /tmp/f; sh -c \"echo \\$\\$\"'
nsenter -t $P -a sh -c 'echo $$'
# The child stops: nsenter stops too, and wakes the child when it is continued.
nsenter -t $P -p sh -c 'kill -STOP $$; echo resumed' & N=$!
await 'nsenter to stop' grep -q 'T (stopped)' /proc/$N/status
grep State /proc/$N/status
kill -CONT $N; wait $N; echo $?
"
    ));
}

#[test]
fn user_namespace_credentials() {
    compare_world(&format!(
        "{USER_TARGET}
nsenter -t $U -U id
nsenter -t $U -U --preserve-credentials id -u
nsenter -t $U -U -u hostname
nsenter -t $U -a id
nsenter -t $U -a hostname
nsenter -U/proc/self/ns/user true; echo $?
nsenter -t $U -U grep -E 'Cap(Inh|Amb)' /proc/self/status
nsenter -t $U -U -r/ -w/tmp pwd
nsenter -t $U -U -W/tmp pwd
"
    ));
}

/// 2.42 words (`setgid() failed`) and pidfd entering (one setns for all: `namespaces`).
#[test]
fn credential_and_reassociation_errors() {
    expect_world(
        &format!(
            "{USER_TARGET}
nsenter -t $U -n -G 4294967295 true; echo $?
nsenter -t $$ -U true; echo $?
nsenter -t $U -U -G 70000 id; echo $?
nsenter -t $U -U -S 70000 id; echo $?
nsenter -t $U -U -S 5 -G 6 id; echo $?
"
        ),
        "1\n1\n1\n1\n1\n",
        "nsenter: setgid() failed: Invalid argument\n\
         nsenter: reassociate to namespaces failed: Invalid argument\n\
         nsenter: setgid() failed: Invalid argument\n\
         nsenter: setuid() failed: Invalid argument\n\
         nsenter: setgid() failed: Invalid argument\n",
        0,
    );
}

/// --keep-caps (2.40): ambient capabilities when a user namespace is left for the second pass;
/// entering a user namespace alone happens in the first pass, and then 2.42.2 raises nothing.
#[test]
fn keep_caps() {
    expect_world(
        &format!(
            "{USER_TARGET}
nsenter -t $U -U -u --keep-caps grep CapAmb /proc/self/status
nsenter -t $U -U --keep-caps grep CapAmb /proc/self/status
nsenter -t $U -u --keep-caps grep CapAmb /proc/self/status
"
        ),
        "CapAmb:\t000001ffffffffff\nCapAmb:\t0000000000000000\nCapAmb:\t0000000000000000\n",
        "",
        0,
    );
}

#[test]
fn time_cgroup_and_mount_namespaces() {
    compare_world(
        r#"
/usr/bin/unshare -T --boottime 86400000 sh -c 'echo $$ > /tmp/t.pid; exec sleep 1000' &
wait_for /tmp/t.pid; TI=$(cat /tmp/t.pid)
nsenter -t $TI -T awk '{print int($1/86400)}' /proc/uptime
/usr/bin/unshare -C sh -c 'echo $$ > /tmp/c.pid; exec sleep 1000' &
wait_for /tmp/c.pid; C=$(cat /tmp/c.pid)
nsenter -t $C -C grep -c ':/$' /proc/self/cgroup
/usr/bin/unshare -m --propagation private sh -c 'mount -t tmpfs inner /mnt; echo inside > /mnt/f; mkdir /mnt/d; cd /mnt/d; echo $$ > /tmp/m.pid; exec sleep 1000' &
wait_for /tmp/m.pid; M=$(cat /tmp/m.pid)
nsenter -t $M -m cat /mnt/f
cat /mnt/f 2>&1
nsenter -t $M -m -w pwd
nsenter -t $M -m -W/mnt pwd
nsenter -t $M -m --wdns=/mnt/d pwd
nsenter -t $M -m -W/nonexistent pwd; echo $?
nsenter -t $M -m -r -w cat f
nsenter -t $M -m -r cat /mnt/f
nsenter -t $M -m -r/ -w/tmp pwd
nsenter -t $M -m -r/etc/hostname true; echo $?
nsenter -t $M -m -w/etc/hostname true; echo $?
nsenter -t $M -m -W/etc/hostname true; echo $?
nsenter -t $M -m -r/nonexistent true; echo $?
nsenter -t $M -m --wd=/nonexistent true; echo $?
"#,
    );
}

/// Namespaces kept by bind mounts (made by `unshare --net=FILE`), entered by file name only.
#[test]
fn persistent_namespace_files() {
    compare_world(
        r#"
touch /tmp/net /tmp/uts
/usr/bin/unshare --net=/tmp/net true
/usr/bin/unshare --uts=/tmp/uts hostname kept
nsenter --net=/tmp/net ip -o link | cut -d: -f2
nsenter -n/tmp/net ip -o link | cut -d: -f2
nsenter --net=/tmp/net --uts=/tmp/uts hostname
nsenter -u/tmp/uts -u/tmp/uts hostname
nsenter --uts=/tmp/net true; echo $?
nsenter -n/tmp/uts true; echo $?
"#,
    );
}

/// `--<kind>=:ID` with the IDs rlsns shows (`-o ID`). Linux 6.18 refuses util-linux's handle
/// of the ID alone (ESTALE); rnsenter then finds the namespace where rlsns finds namespaces
/// and opens it: one with processes, one a bind mount keeps, one only an open descriptor
/// keeps (each told apart by the MTU of its loopback), at the descriptor number util-linux's
/// open takes. An ID of another kind is opened and refused by setns(2), as Linux 6.19 does it;
/// an ID nothing has is util-linux's message.
/// (What 6.19 does with the ID alone is `enter::nsid`'s unit tests.)
#[test]
fn namespaces_by_id() {
    let script = format!(
        r#"LSNS='{lsns}'
mtu() {{ ip -o link show lo | grep -o 'mtu [0-9]*'; }}
mkfifo /tmp/ready
/usr/bin/unshare -n -u sh -c 'ip link set lo mtu 1501; hostname live; echo > /tmp/ready; exec sleep 1000' & N=$!
read _ < /tmp/ready
NET=$("$LSNS" -n -o ID -t net -p $N); UTS=$("$LSNS" -n -o ID -t uts -p $N)
nsenter --net=:$NET ip -o link show lo | grep -o 'mtu [0-9]*'
nsenter -n:$NET -u=:$UTS hostname
nsenter -u:$UTS --net==:$NET sh -c "hostname; ip -o link show lo | grep -o 'mtu [0-9]*'"
touch /tmp/keep; /usr/bin/unshare --net=/tmp/keep ip link set lo mtu 1502
KEPT=$("$LSNS" -P -n -r -o NSFS,ID | awk '$1 == "/tmp/keep" {{ print $2 }}')
nsenter --net=:$KEPT ip -o link show lo | grep -o 'mtu [0-9]*'
/usr/bin/unshare -n sh -c 'ip link set lo mtu 1503; echo > /tmp/ready; exec sleep 1000' & M=$!
read _ < /tmp/ready
HELD=$("$LSNS" -n -o ID -t net -p $M)
# the shell opens the descriptor before forking the holder: a child opening it could lose the race with kill
exec 3</proc/$M/ns/net; sleep 1000 & H=$!; exec 3<&-; kill $M; wait $M 2>/dev/null
nsenter --net=:$HELD ip -o link show lo | grep -o 'mtu [0-9]*'
[ "$(nsenter --net=:$NET ls /proc/self/fd)" = "$(nsenter --net=/proc/$N/ns/net ls /proc/self/fd)" ] && echo same-descriptors
# util-linux's numbers: its pidfd of itself (3) closed, its nsfs descriptor 4, the namespace 3, the target's pidfd 5
nsenter -u:$UTS -t $N -N 99 true 2>&1
nsenter --uts=:$NET true; echo "rc=$?"
nsenter --net=:18446744073709551615 true; echo "rc=$?"
nsenter --net=:0 true; echo "rc=$?"
kill $N $H
"#,
        lsns = ours("lsns")
    );
    expect_world(
        &script,
        "mtu 1501\nlive\nlive\nmtu 1501\nmtu 1502\nmtu 1503\nsame-descriptors\n\
         nsenter: pidfd_getfd(5, 99): Bad file descriptor\nrc=1\nrc=1\nrc=1\n",
        "nsenter: reassociate to namespace 'ns/uts' failed: Invalid argument\n\
         nsenter: cannot open namespace of id 18446744073709551615: Stale file handle\n\
         nsenter: cannot open namespace of id 0: Stale file handle\n",
        0,
    );
}

/// As an ordinary user: a namespace a bind mount keeps is found (its file is there for all to
/// open) and setns(2) refuses it; one whose files only root may follow is not seen, and the
/// answer is util-linux's on 6.18.
#[test]
fn namespaces_by_id_unprivileged() {
    if !privileged("namespaces_by_id_unprivileged") {
        return;
    }
    let setpriv = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    let probe = run_as("/usr/bin/setpriv", "setpriv", &[&setpriv[..], &[ours("nsenter"), "-V"]].concat());
    if probe.status != 0 {
        eprintln!("skip: {} is not executable for uid 65534", ours("nsenter"));
        return;
    }
    let script = format!(
        r#"LSNS='{lsns}'
mkfifo /tmp/ready
touch /tmp/keep; /usr/bin/unshare --net=/tmp/keep true
KEPT=$("$LSNS" -P -n -r -o NSFS,ID | awk '$1 == "/tmp/keep" {{ print $2 }}')
/usr/bin/unshare -n sh -c 'echo > /tmp/ready; exec sleep 1000' & N=$!
read _ < /tmp/ready
NET=$("$LSNS" -n -o ID -t net -p $N)
setpriv {s} nsenter --net=:$KEPT true; echo "rc=$?"
setpriv {s} nsenter --net=:$NET true 2>&1 | sed "s/ $NET:/ NET:/"
kill $N
"#,
        lsns = ours("lsns"),
        s = setpriv.join(" "),
    );
    expect_world(
        &script,
        "rc=1\nnsenter: cannot open namespace of id NET: Stale file handle\n",
        "nsenter: reassociate to namespace 'ns/net' failed: Operation not permitted\n",
        0,
    );
}

/// The executed program gets the caller's descriptors and nothing of nsenter's.
#[test]
fn program_sees_only_the_callers_descriptors() {
    compare_world(&format!(
        "{PID_TARGET}
{UTS_TARGET}
nsenter -t $P -p ls /proc/self/fd
nsenter -t $P -p -F ls /proc/self/fd
nsenter -t $T -a ls /proc/self/fd
nsenter -t $T -u -r ls /proc/self/fd
nsenter -t $T -u -w ls /proc/self/fd
nsenter -t $T -u -r/ -w/tmp ls /proc/self/fd
nsenter -t $T -u ls /proc/self/fd 3</dev/null
"
    ));
}

/// --env (2.39): the target's environment, in the reverse order util-linux's backwards list
/// gives (`env` output seen with 2.42.2; GNU env has already folded `A=1 ... A=3` into one).
#[test]
fn env_of_the_target() {
    if !crate::common::python3(module_path!()) {
        return;
    }
    expect_world(
        r#"
env -i A=1 B=2 A=3 C= /bin/sleep 1000 & E=$!
env -i /bin/sleep 1000 & E2=$!
while [ "$(readlink /proc/$E/exe)" != /usr/bin/sleep ] || [ "$(readlink /proc/$E2/exe)" != /usr/bin/sleep ]; do sleep 0.05; done
nsenter -t $E -e -u /usr/bin/env
nsenter -t $E2 -e -u /usr/bin/env | wc -l
# An environ with a duplicate name and an entry without `=`, made by a raw execve(2).
cat > /tmp/dup.py <<'PY'
import ctypes, sys
libc = ctypes.CDLL(None)
libc.execve.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_char_p)]
entries = [e.encode() for e in sys.argv[1:]]
argv = (ctypes.c_char_p * 3)(b"/bin/sleep", b"1000", None)
envp = (ctypes.c_char_p * (len(entries) + 1))(*entries, None)
libc.execve(b"/bin/sleep", argv, envp)
PY
/usr/bin/python3 /tmp/dup.py A=1 B=2 A=3 noequals & D=$!
/usr/bin/python3 /tmp/dup.py A=1 ==x & D2=$!
while [ "$(readlink /proc/$D/exe)" != /usr/bin/sleep ] || [ "$(readlink /proc/$D2/exe)" != /usr/bin/sleep ]; do sleep 0.05; done
nsenter -t $D -e -u /usr/bin/env
nsenter -t $D2 -e -u /usr/bin/env; echo $?
"#,
        "C=\nB=2\nA=3\n0\nA=3\nB=2\n1\n",
        "nsenter: failed to set environment variables: Invalid argument\n",
        0,
    );
}

/// -S follow / -G follow (2.39): the owner of /proc/PID.
#[test]
fn follow_the_targets_owner() {
    expect_world(
        &format!(
            "{UTS_TARGET}
setpriv --reuid 1000 --regid 1001 --clear-groups sh -c 'echo $$ > /tmp/o.pid; exec sleep 1000' &
wait_for /tmp/o.pid; O=$(cat /tmp/o.pid)
nsenter -t $O -n -S follow -G follow sh -c 'echo $(id -u) $(id -g) $(id -G)'
nsenter -t $O -n -S follow id -u
nsenter -t $O -n -G follow -S 7 sh -c 'echo $(id -u) $(id -g) $(id -G)'
"
        ),
        "1000 1001 1001\n1000\n7 1001 1001\n",
        "",
        0,
    );
}

/// --user-parent (2.40): the parent of the target's user namespace (or of the one given).
#[test]
fn user_parent() {
    expect_world(
        r#"
/usr/bin/unshare -U -r sh -c '/usr/bin/unshare -U -r sh -c "echo \$\$ > /tmp/n.pid; exec sleep 1000"' &
wait_for /tmp/n.pid; N=$(cat /tmp/n.pid); OUTER=$(cat /proc/$N/status | awk '/^PPid/{print $2}')
[ "$(nsenter -t $N --user-parent readlink /proc/self/ns/user)" = "$(readlink /proc/$OUTER/ns/user)" ] && echo parent
[ "$(nsenter -t $N -U readlink /proc/self/ns/user)" = "$(readlink /proc/$N/ns/user)" ] && echo own
[ "$(nsenter -t $OUTER -U/proc/$N/ns/user --user-parent readlink /proc/self/ns/user)" = "$(readlink /proc/$OUTER/ns/user)" ] && echo file
nsenter -U/proc/$N/ns/user --user-parent true; echo $?
nsenter -t $OUTER --user-parent true; echo $?
nsenter -t $$ --user-parent true; echo $?
"#,
        "parent\nown\nfile\n1\n1\n1\n",
        "nsenter: no target PID specified\n\
         nsenter: reassociate to namespace 'ns/user' failed: Invalid argument\n\
         nsenter: failed to open parent namespace: Operation not permitted\n",
        0,
    );
}

/// --net-socket (2.41): the network namespace of a socket the target holds.
#[test]
fn net_socket() {
    if !crate::common::python3(module_path!()) {
        return;
    }
    expect_world(
        r#"
/usr/bin/unshare -n /usr/bin/python3 -c 'import os, socket, time
s = socket.socket()
open("/tmp/s.pid", "w").write(str(os.getpid()))
open("/tmp/s.fd", "w").write(str(s.fileno()))
time.sleep(1000)' &
wait_for /tmp/s.fd; FD=$(cat /tmp/s.fd); S=$(cat /tmp/s.pid)
[ "$(nsenter -t $S -N $FD readlink /proc/self/ns/net)" = "$(readlink /proc/$S/ns/net)" ] && echo socket
nsenter -t $S -N 0 true; echo $?
nsenter -t $S -N 99 true; echo $?
nsenter -t 999999 -N 3 true; echo $?
"#,
        "socket\n1\n1\n1\n",
        "nsenter: ioctl(4, SIOCGSKNS): Inappropriate ioctl for device\n\
         nsenter: pidfd_getfd(3, 99): Bad file descriptor\n\
         nsenter: failed to pidfd_open() for 999999: No such process\n",
        0,
    );
}

/// -t PID:INODE (2.42): the pidfd's inode must match.
#[test]
fn target_with_pidfd_inode() {
    if !crate::common::python3(module_path!()) {
        return;
    }
    expect_world(
        &format!(
            "{UTS_TARGET}
INO=$(/usr/bin/python3 -c 'import os,sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)' $T)
nsenter -t $T:$INO -u hostname
nsenter -t $T:$((INO + 1)) -u hostname 2>&1 | sed \"s/PID $T:/PID T:/\"
nsenter -t 999999:$INO -u hostname; echo $?
"
        ),
        "box\nnsenter: failed to obtain a valid file descriptor for PID T: No such process\n1\n",
        "nsenter: failed to obtain a valid file descriptor for PID 999999: No such process\n",
        0,
    );
}

/// --join-cgroup (2.40) is cgroup v2 only: on a cgroup v1 host it refuses. Such a host has
/// a tmpfs on /sys/fs/cgroup (with the v1 hierarchies under it); on a v2-only host the world
/// mounts one there.
#[test]
fn join_cgroup_refuses_cgroup_v1() {
    expect_world(
        &format!(
            "{UTS_TARGET}
if [ \"$(stat -f -c %T /sys/fs/cgroup)\" = cgroup2fs ]; then
    mount -t tmpfs cgroup-v1 /sys/fs/cgroup || {{ echo cannot mount a tmpfs >&2; exit 1; }}
fi
nsenter -t $T -u -c true; echo $?
nsenter -n/proc/self/ns/net -c true; echo $?
"
        ),
        "1\n1\n",
        "nsenter: --join-cgroup is only supported in cgroup v2\n\
         nsenter: --join-cgroup is only supported in cgroup v2\n",
        0,
    );
}

/// --join-cgroup with cgroup v2 (mounted in the world when the host has v1): the program runs
/// in the cgroup of the first line of /proc/PID/cgroup, and that file, read to its end, is its
/// standard input. One cgroup2 hierarchy is shared by every mount of it, so nothing is created
/// in it.
#[test]
fn join_cgroup_v2() {
    expect_world(
        &format!(
            "{UTS_TARGET}
if [ \"$(stat -f -c %T /sys/fs/cgroup)\" != cgroup2fs ]; then
    mount -t cgroup2 none /sys/fs/cgroup || {{ echo cannot mount cgroup2 >&2; exit 1; }}
fi
nsenter -t $T -u -c sh -c 'cat; readlink /proc/self/fd/0; grep ^0:: /proc/self/cgroup' < /etc/hostname > /tmp/out
sed \"s/$T/T/\" /tmp/out | head -1
[ \"$(sed -n 2p /tmp/out)\" = \"$(grep ^0:: /proc/$T/cgroup)\" ] && echo same-cgroup
"
        ),
        "/proc/T/cgroup\nsame-cgroup\n",
        "",
        0,
    );
}

/// Arguments that are not UTF-8 are quoted byte for byte in messages (they came out as
/// U+FFFD). Compared with 2.38.1 through `od`, which shows the bytes.
#[test]
fn audit_non_utf8_arguments_in_messages() {
    compare_world(
        "for a in -n/$(printf '\\377') -r/$(printf '\\377') -w/$(printf '\\377') -S$(printf '\\377'); do \
         nsenter \"$a\" true 2>&1 | od -An -c; done; nsenter -t 1 -u /$(printf '\\377') 2>&1 | od -An -c; \
         nsenter -t 1 -u -W/$(printf '\\377') true 2>&1 | od -An -c",
    );
}
