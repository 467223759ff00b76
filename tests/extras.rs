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

// ---------------------------------------------------------------- simulated containers

/// One test at a time makes cgroups: two tests sharing a parent (`pids/docker`) could
/// otherwise each think the other one will remove it.
static CGROUP_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Where a cgroup hierarchy is mounted: `unified` is cgroup v2 (/sys/fs/cgroup/unified on a
/// hybrid host, /sys/fs/cgroup on a v2-only one), other names are v1 hierarchies (`pids`,
/// `systemd`).
fn mounted(name: &str) -> Option<std::path::PathBuf> {
    let base = std::path::Path::new("/sys/fs/cgroup");
    let v2 = name == "unified";
    let candidates = if v2 { vec![base.join("unified"), base.to_path_buf()] } else { vec![base.join(name)] };
    // only cgroup v2 directories have cgroup.controllers
    candidates.into_iter().find(|d| d.join("cgroup.procs").exists() && d.join("cgroup.controllers").exists() == v2)
}

/// The hierarchy a container's cgroup is made in: `name` where this host has it, else another
/// one it has (a v2-only host has no v1 `pids` or `systemd`, a v1-only host no v2). The path
/// names the same container in any hierarchy: rnsenter and rlsns read the path of every line
/// of /proc/PID/cgroup alike, v1 or v2, so each case runs on every host (a host with both
/// kinds has each line form met for real).
fn hierarchy(name: &str) -> std::path::PathBuf {
    mounted(name)
        .or_else(|| ["unified", "pids", "systemd"].into_iter().find_map(mounted))
        .unwrap_or_else(|| panic!("no cgroup hierarchy is mounted under /sys/fs/cgroup to make containers in"))
}

/// A fresh 64-hex-digit id (two kernel uuids without their dashes).
pub(crate) fn random_id() -> String {
    let uuid = || std::fs::read_to_string("/proc/sys/kernel/random/uuid").expect("a uuid").trim().replace('-', "");
    format!("{}{}", uuid(), uuid())
}

/// Processes put in cgroups shaped like container runtimes' and the cgroups themselves.
/// Dropping it (also when a test fails) kills every process in those cgroups, waits until
/// they are empty, and removes the directories it created, deepest first: nothing is left
/// on the host.
pub(crate) struct ContainerWorld {
    _lock: std::sync::MutexGuard<'static, ()>,
    made: Vec<std::path::PathBuf>,
    leaves: Vec<std::path::PathBuf>,
    children: Vec<std::process::Child>,
}

impl ContainerWorld {
    pub(crate) fn new() -> ContainerWorld {
        let lock = CGROUP_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        ContainerWorld { _lock: lock, made: Vec::new(), leaves: Vec::new(), children: Vec::new() }
    }

    /// Makes `HIERARCHY/path` (see [`hierarchy`]; each missing directory is remembered).
    fn cgroup(&mut self, path: &str) -> std::path::PathBuf {
        let (name, path) = path.split_once('/').expect("HIERARCHY/path");
        let mut dir = hierarchy(name);
        for part in path.split('/').filter(|p| !p.is_empty()) {
            dir.push(part);
            if !dir.exists() {
                std::fs::create_dir(&dir).unwrap_or_else(|e| panic!("mkdir {}: {e}", dir.display()));
                self.made.push(dir.clone());
            }
        }
        self.leaves.push(dir.clone());
        dir
    }

    /// Starts a container "init" in new pid and UTS namespaces (`sh`, pid 1 there, with
    /// CTR_ROLE=init and host name `name`): it moves itself into `cgroups` (made here), then
    /// forks a child (`sleep`, CTR_ROLE=child) that is in them too. Returns when both run.
    pub(crate) fn start(&mut self, name: &str, cgroups: &[&str]) {
        self.start_with(name, cgroups, &[], "echo ready")
    }

    /// [`start`](Self::start) with more of unshare(1)'s options (`-m --mount-proc`, `-n`) and
    /// the shell line that prints `ready` once the container is as a test needs it (a
    /// listener up, say), before its init waits.
    pub(crate) fn start_with(&mut self, name: &str, cgroups: &[&str], options: &[&str], ready: &str) {
        let dirs: Vec<String> = cgroups.iter().map(|c| self.cgroup(c).display().to_string()).collect();
        let script = format!(
            "for d in {}; do echo 0 > \"$d/cgroup.procs\" || exit 1; done\n\
             hostname {name}\nCTR_ROLE=child sleep 1000 &\n{ready}\nwait\n",
            dirs.iter().map(|d| format!("'{d}'")).collect::<Vec<_>>().join(" ")
        );
        let args = ["-p", "-f", "--kill-child", "-u"].into_iter().chain(options.iter().copied());
        let mut child = neutral_env(&mut Command::new("/usr/bin/unshare"))
            .args(args.chain(["/bin/sh", "-c", &script]))
            .env("CTR_ROLE", "init")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("unshare");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped");
        self.children.push(child);
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
        assert_eq!(line, "ready\n", "the container init did not start");
    }
}

impl Drop for ContainerWorld {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        // --kill-child ends each init, and with it its pid namespace; anything still listed
        // is killed here, and the cgroups are removed once empty. A busy machine may take
        // seconds to run the dying processes: each wait lasts up to a minute.
        for leaf in &self.leaves {
            for _ in 0..2400 {
                let procs = std::fs::read_to_string(leaf.join("cgroup.procs")).unwrap_or_default();
                if procs.trim().is_empty() {
                    break;
                }
                // A process may end between the read and the kill: that is no failure, and a
                // passing run prints nothing of it.
                for pid in procs.split_whitespace() {
                    let _ = Command::new("/bin/kill").args(["-KILL", pid]).stderr(std::process::Stdio::null()).status();
                }
                std::thread::sleep(std::time::Duration::from_millis(25));
            }
        }
        for dir in self.made.iter().rev() {
            for attempt in 0..2400 {
                match std::fs::remove_dir(dir) {
                    Err(e) if e.raw_os_error() == Some(libc::EBUSY) && attempt < 2399 => {
                        std::thread::sleep(std::time::Duration::from_millis(25))
                    }
                    Err(e) => eprintln!("cannot remove cgroup {}: {e}", dir.display()),
                    Ok(()) => break,
                }
            }
        }
    }
}

/// `rnsenter -t SPEC ARGS...` called as nsenter.
fn nsenter_target(spec: &str, args: &[&str]) -> Outcome {
    let mut all = vec!["-t", spec];
    all.extend_from_slice(args);
    run_ours("nsenter", &all)
}

/// Each runtime's cgroup shape, v1 and v2, made for real: `rnsenter -t RUNTIME:PREFIX` finds
/// the container's init by its cgroups and enters its UTS namespace.
#[test]
fn target_a_container_by_runtime_and_id() {
    if !privileged("target_a_container_by_runtime_and_id") {
        return;
    }
    let (docker_v1, docker_v2, podman, k8s) = (random_id(), random_id(), random_id(), random_id());
    let lxc = format!("rns-{}", &random_id()[..8]);
    let nspawn = format!("rns-{}", &random_id()[..8]);
    let escaped = nspawn.replace('-', "\\x2d");
    let pod = "1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e";
    let mut world = ContainerWorld::new();
    world.start("ctr-docker-v1", &[&format!("pids/docker/{docker_v1}")]);
    world.start("ctr-docker-v2", &[&format!("unified/system.slice/docker-{docker_v2}.scope")]);
    world.start("ctr-podman", &[&format!("unified/machine.slice/libpod-{podman}.scope/container")]);
    world.start("ctr-k8s", &[&format!("pids/kubepods/besteffort/pod{pod}/{k8s}")]);
    world.start("ctr-lxc", &[&format!("unified/lxc.payload.{lxc}")]);
    world.start("ctr-nspawn", &[&format!("systemd/machine.slice/machine-{escaped}.scope")]);
    let cases = [
        (format!("docker:{}", &docker_v1[..12]), "ctr-docker-v1"),
        (format!("docker:{docker_v2}"), "ctr-docker-v2"),
        (format!("podman:{}", &podman[..6]), "ctr-podman"),
        (format!("libpod:{}", &podman[..6]), "ctr-podman"),
        (format!("k8s:{}", &k8s[..12]), "ctr-k8s"),
        (format!("lxc:{lxc}"), "ctr-lxc"),
        (format!("nspawn:{nspawn}"), "ctr-nspawn"),
    ];
    for (spec, hostname) in cases {
        let out = nsenter_target(&spec, &["-u", "hostname"]);
        expect(&out, &format!("{hostname}\n"), "", 0);
    }
    // the init (whose parent is outside the container), not its child
    let out = nsenter_target(&format!("docker:{}", &docker_v1[..8]), &["-u", "-e", "printenv", "CTR_ROLE"]);
    expect(&out, "init\n", "", 0);
    // the whole set of namespaces, as for a pid: -a enters its pid namespace (forking)
    let out = nsenter_target(&format!("lxc:{lxc}"), &["-a", "sh", "-c", "echo $$; hostname"]);
    assert!(out.stdout.ends_with("\nctr-lxc\n"), "{out:?}");
}

#[test]
fn no_container_or_several() {
    if !privileged("no_container_or_several") {
        return;
    }
    let prefix = &random_id()[..10];
    let (a, b) = (format!("{prefix}0{}", &random_id()[11..]), format!("{prefix}1{}", &random_id()[11..]));
    let mut world = ContainerWorld::new();
    world.start("ctr-a", &[&format!("pids/docker/{a}")]);
    world.start("ctr-b", &[&format!("unified/system.slice/docker-{b}.scope")]);
    let mut sorted = [&a[..12], &b[..12]];
    sorted.sort_unstable();
    let out = nsenter_target(&format!("docker:{prefix}"), &["-u", "hostname"]);
    let want =
        format!("nsenter: 'docker:{prefix}' matches several containers: docker:{}, docker:{}\n", sorted[0], sorted[1]);
    expect(&out, "", &want, 1);
    let out = nsenter_target(&format!("docker:{}", &a[..11]), &["-u", "hostname"]);
    expect(&out, "ctr-a\n", "", 0);
    let out = nsenter_target(&format!("podman:{prefix}"), &["-u", "hostname"]);
    expect(&out, "", &format!("nsenter: no container matches 'podman:{prefix}'\n"), 1);
}

/// A word that is no runtime, or a runtime without `:ID`, keeps util-linux 2.42's answer to
/// --target (2.38.1 words it differently from 2.42); a pid still works as a pid.
#[test]
fn target_forms_of_util_linux_are_unchanged() {
    for target in ["abc", "foo:bar", "0", "docker", "1:docker"] {
        let out = nsenter_target(target, &["-u", "true"]);
        expect(&out, "", "nsenter: invalid PID argument\n", 1);
    }
    if privileged("target_forms_of_util_linux_are_unchanged") {
        compare("nsenter", &["-t", &std::process::id().to_string(), "-u", "hostname"]);
    }
}

// ---------------------------------------------------------------- rlsns extras

/// Runs a bash script in a throwaway world (new mount and pid namespaces, /proc of the new pid
/// namespace, a private tmpfs on /tmp) with `$LSNS` our rlsns.
fn world(script: &str) -> Outcome {
    throwaway_world("rns-test", "", script, &[("LSNS", ours("lsns"))])
}

/// The extras are opt-in: `--output-all` still shows util-linux's 13 columns, and under
/// util-linux's name `-H` lists those 13 and the help text is util-linux's (the own name's
/// additions: tests/own_name.rs).
#[test]
fn rlsns_extras_stay_out_of_util_linux_views() {
    let out = run_ours("lsns", &["--output-all", "-n", "-r", "-p", &std::process::id().to_string()]);
    assert_eq!(out.status, 0, "{out:?}");
    let header = run_ours("lsns", &["--output-all", "-p", &std::process::id().to_string()]);
    let first = header.stdout.lines().next().unwrap_or_default();
    assert_eq!(
        first.split_whitespace().collect::<Vec<_>>().join(" "),
        "NS TYPE PATH NPROCS PID PPID COMMAND UID USER NETNSID NSFS PNS ONS"
    );
    let listed = run_ours("lsns", &["-H", "-r"]);
    assert_eq!(listed.stdout.lines().count(), 13, "{}", listed.stdout);
    assert!(!listed.stdout.contains("HOLDERS") && !listed.stdout.contains("CONTAINER"));
    let help = run_ours("lsns", &["--help"]);
    assert!(!help.stdout.contains("threads") && !help.stdout.contains("compare"));
    // util-linux's own abbreviations: --t is still ambiguous, between its options only
    compare("lsns", &["--t"]);
}

/// CONTAINER: the container of each namespace's representative process, from its cgroups.
#[test]
fn rlsns_container_column() {
    if !privileged("rlsns_container_column") {
        return;
    }
    let (docker, lxc) = (random_id(), format!("rns-{}", &random_id()[..8]));
    let mut w = ContainerWorld::new();
    w.start("ctr-docker", &[&format!("pids/docker/{docker}")]);
    w.start("ctr-lxc", &[&format!("unified/lxc.payload.{lxc}")]);
    // a new pid namespace holds only the container's processes, so its representative (the
    // lowest pid) is the container's init
    let out = run_ours("lsns", &["-t", "pid", "-n", "-r", "-o", "CONTAINER,NPROCS"]);
    assert_eq!(out.status, 0, "{out:?}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.contains(&format!("docker:{} 2", &docker[..12]).as_str()), "{}", out.stdout);
    assert!(lines.contains(&format!("lxc:{lxc} 2").as_str()), "{}", out.stdout);
    // -o +CONTAINER adds it to the defaults; in JSON it is the key "container"
    let out = run_ours("lsns", &["-t", "pid", "-l", "-o", "+CONTAINER", "-J"]);
    assert!(out.stdout.contains(&format!("\"container\": \"lxc:{lxc}\"")), "{out:?}");
    // the filter knows the column, shown or not
    let filter = format!("CONTAINER == \"lxc:{lxc}\"");
    let out = run_ours("lsns", &["-t", "pid", "-n", "-r", "-o", "NPROCS", "-Q", &filter]);
    assert_eq!((out.stdout.as_str(), out.status), ("2\n", 0), "{out:?}");
    let out = run_ours("lsns", &["-t", "pid", "-l", "-o", "+CONTAINER"]);
    let header: Vec<&str> = out.stdout.lines().next().unwrap_or_default().split_whitespace().collect();
    assert_eq!(header, ["NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND", "CONTAINER"]);
}

/// HOLDERS: each kind of holder, made for real in a throwaway world.
#[test]
fn rlsns_holders_column() {
    if !privileged("rlsns_holders_column") || !crate::common::python3(module_path!()) {
        return;
    }
    let script = r#"
holders() { "$LSNS" -n -r -o NS,HOLDERS | awk -v ns="$1" '$1 == ns { print $2 }'; }
ino() { stat -L -c %i "$1"; }
touch /tmp/keep; unshare --net=/tmp/keep true
echo "mount: $(holders $(ino /tmp/keep))"
unshare -i sleep 1000 & I=$!; await_comm sleep $I
# the shell opens the descriptor before forking the holder: a child opening it could lose the race with kill
exec 3</proc/$I/ns/ipc; sleep 1000 & H=$!; exec 3<&-; IPC=$(ino /proc/$I/ns/ipc); kill $I; wait $I 2>/dev/null
[ "$(holders $IPC)" = "fd:$H:3" ] && echo fd-ok || echo "fd: $(holders $IPC) (want fd:$H:3)"
unshare -n /usr/bin/python3 -c 'import socket, os
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
os.dup2(s.fileno(), 5)
os.execv("/usr/bin/nsenter", ["nsenter", "--net=/proc/1/ns/net", "sleep", "1000"])' & S=$!; await_comm sleep $S
SOCKNS=$("$LSNS" -n -r -o NS,HOLDERS -t net | awk -v want="socket:$S:5" '$2 == want { print $1 }')
[ -n "$SOCKNS" ] && echo socket-ok || { echo "socket: none"; "$LSNS" -r -o NS,HOLDERS -t net; }
unshare -U -r -n sleep 1000 & U=$!; await_comm sleep $U
[ "$(holders $(ino /proc/$U/ns/user))" = "pid:$U,owned:$(ino /proc/$U/ns/net)" ] && echo owned-ok || echo "owned: $(holders $(ino /proc/$U/ns/user))"
unshare -p -f sleep 1000 & P=$!; await_child sleep $P; C=$child
holders $(ino /proc/1/ns/pid) | tr , '\n' | grep -qx "child:$(ino /proc/$C/ns/pid)" && echo child-ok || echo "child: $(holders $(ino /proc/1/ns/pid))"
# -J: an array of strings
"$LSNS" -J -o NS,HOLDERS | /usr/bin/python3 -c 'import json, sys
for n in json.load(sys.stdin)["namespaces"]:
    if n["ns"] == int(sys.argv[1]): print(n["holders"] == ["fd:%s:3" % sys.argv[2]] and "json-ok" or n)' $IPC $H
kill $H $S $U $P
"#;
    let out = world(script);
    let want = "mount: /tmp/keep\nfd-ok\nsocket-ok\nowned-ok\nchild-ok\njson-ok\n";
    assert_text(&format!("HOLDERS (stderr: {})", out.stderr), want, &out.stdout);
}

/// ID: each namespace's NS_GET_ID, as python asks the kernel for it, a JSON number, usable in
/// `-Q`; also for a namespace a bind mount keeps; never the same for two namespaces.
#[test]
fn rlsns_id_column() {
    if !privileged("rlsns_id_column") || !crate::common::python3(module_path!()) {
        return;
    }
    let script = r#"
nsid() { /usr/bin/python3 -c 'import fcntl, os, struct, sys
print(struct.unpack("Q", fcntl.ioctl(os.open(sys.argv[1], os.O_RDONLY), 0x8008b70d, bytes(8)))[0])' "$1"; }
mkfifo /tmp/ready
unshare -n sh -c 'echo > /tmp/ready; exec sleep 1000' & N=$!
read _ < /tmp/ready
ID=$(nsid /proc/$N/ns/net)
[ "$("$LSNS" -n -o ID -t net -p $N)" = "$ID" ] && echo column-ok || echo "column: $("$LSNS" -o NS,ID -t net -p $N) (want $ID)"
[ "$("$LSNS" -n -r -o NS -Q "ID == $ID")" = "$(stat -L -c %i /proc/$N/ns/net)" ] && echo filter-ok || echo "filter: $("$LSNS" -n -r -o NS,ID -Q "ID == $ID")"
"$LSNS" -J -t net -p $N -o NS,ID | /usr/bin/python3 -c 'import json, sys
n = json.load(sys.stdin)["namespaces"][0]
print(n["id"] == int(sys.argv[1]) and "json-ok" or n)' $ID
touch /tmp/keep; unshare --net=/tmp/keep true
[ "$("$LSNS" -P -n -r -o NSFS,ID)" = "/tmp/keep $(nsid /tmp/keep)" ] && echo persistent-ok || echo "persistent: $("$LSNS" -P -r -o NSFS,ID)"
"$LSNS" -n -r -o ID | awk 'NF != 1 { bad = 1 } END { print bad ? "an empty ID" : "every-row-ok" }'
[ -z "$("$LSNS" -n -r -o ID | sort | uniq -d)" ] && echo unique-ok || echo "repeated: $("$LSNS" -n -r -o ID | sort | uniq -d)"
kill $N
"#;
    let out = world(script);
    let want = "column-ok\nfilter-ok\njson-ok\npersistent-ok\nevery-row-ok\nunique-ok\n";
    assert_text(&format!("ID (stderr: {})", out.stderr), want, &out.stdout);
    assert_eq!((out.stderr.as_str(), out.status), ("", 0), "{out:?}");
}

/// `--threads`: a thread that called unshare(2) shows its namespace (util-linux scans only
/// thread-group leaders, and so do we without the option).
#[test]
fn rlsns_threads() {
    if !privileged("rlsns_threads") || !crate::common::python3(module_path!()) {
        return;
    }
    let script = r#"
/usr/bin/python3 -c 'import ctypes, threading, time
libc = ctypes.CDLL(None, use_errno=True)
def worker():
    assert libc.unshare(0x04000000) == 0    # CLONE_NEWUTS, in this thread only
    libc.sethostname(b"thread-uts", 10)
    print(threading.get_native_id(), flush=True)
    time.sleep(1000)
threading.Thread(target=worker, daemon=True).start()
time.sleep(1000)' > /tmp/tid & P=$!
await "the thread's id" test -s /tmp/tid
T=$(cat /tmp/tid)
NS=$(stat -L -c %i /proc/$P/task/$T/ns/uts)
"$LSNS" -n -r -t uts -o NS | grep -qx "$NS" && echo "seen without --threads" || echo hidden
"$LSNS" -n -r -t uts --threads -o NS,NPROCS,PID,PPID | grep "^$NS " | sed "s/ $T / TID /; s/ $P\$/ PID/"
"$LSNS" -n -r --threads -o NS,PID | awk -v ns=$NS '$1 == ns { print $2 }' | sed "s/^$T\$/TID/"
kill $P
"#;
    let out = world(script);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "stdout: {}\nstderr: {}", out.stdout, out.stderr);
    assert_eq!(lines[0], "hidden");
    assert!(lines[1].ends_with(" 1 TID PID"), "{}", lines[1]);
    assert_eq!(lines[2], "TID");
}

/// `--compare`: one line per kind, exit 0 only when all are shared; -t, -J, -r apply; each
/// namespace's ID (NS_GET_ID) beside its DEV:INODE.
#[test]
fn rlsns_compare() {
    if !privileged("rlsns_compare") || !crate::common::python3(module_path!()) {
        return;
    }
    let script = r#"
nsid() { /usr/bin/python3 -c 'import fcntl, os, struct, sys
print(struct.unpack("Q", fcntl.ioctl(os.open(sys.argv[1], os.O_RDONLY), 0x8008b70d, bytes(8)))[0])' "$1"; }
mkfifo /tmp/ready
unshare -u -n sh -c 'echo > /tmp/ready; exec sleep 1000' & X=$!
read _ < /tmp/ready
"$LSNS" --compare $$ $X -n -r | awk '{ print $1, $6 }'; echo "rc=$?${PIPESTATUS[0]}"
"$LSNS" --compare $$ $X -t uts -t mnt | sed -E 's/[0-9]+:[0-9]+/D:I/g; s/ [0-9]+ / N /g' | tr -s ' '; echo "rc=${PIPESTATUS[0]}"
[ "$("$LSNS" --compare $$ $X -t uts -n -r | awk '{ print $3, $5 }')" = "$(nsid /proc/$$/ns/uts) $(nsid /proc/$X/ns/uts)" ] && echo ids-ok
"$LSNS" --compare $$ $$ -t net -J | grep -c '"result": "same"'; echo "rc=${PIPESTATUS[0]}"
"$LSNS" --compare $$ $$ -t net -J | grep -c "\"id2\": $(nsid /proc/$$/ns/net),"
"$LSNS" --compare $$ 99999999; echo "rc=$?"
"$LSNS" --compare $$; echo "rc=$?"
kill $X
"#;
    let out = world(script);
    let stdout = &out.stdout;
    let want = "mnt same\nnet differs\npid same\nuts differs\nipc same\nuser same\ncgroup same\ntime same\nrc=01\n\
                TYPE NS1 ID1 NS2 ID2 RESULT\nmnt D:I N D:I N same\nuts D:I N D:I N differs\nrc=1\n\
                ids-ok\n\
                1\nrc=0\n\
                1\n\
                rc=2\n\
                rc=1\n";
    assert_text("rlsns --compare", want, stdout);
    assert_eq!(
        out.stderr,
        "rlsns: cannot read the namespaces of PID 99999999: No such file or directory\nrlsns: --compare needs two PIDs\n"
    );
}

/// `--compare` never fails silently: a process whose links cannot be followed (PID 1 seen
/// from a user namespace: EACCES) or are missing (a zombie keeps only its pid and user links)
/// gets the message a PID that does not exist gets, and exit status 2, whatever the errno;
/// `-t` of a link the zombie keeps still compares.
#[test]
fn rlsns_compare_never_fails_silently() {
    if !privileged("rlsns_compare_never_fails_silently") {
        return;
    }
    let script = r#"
/usr/bin/unshare -U -r sh -c '"$LSNS" --compare $$ 1 -n; echo "rc=$?"; "$LSNS" --compare 1 $$ -t net -n; echo "rc=$?"'
# a zombie: the child of a process that execs sleep, which never reaps it
sh -c 'sh -c "exit 0" & exec sleep 1000' & P=$!
Z=
while [ -z "$Z" ] || ! grep -q '^State:.*Z' /proc/$Z/status; do Z=$(tr -d ' ' < /proc/$P/task/$P/children); done
"$LSNS" --compare $$ $Z -n; echo "rc=$?"
"$LSNS" --compare $Z $$ -t user -n -o RESULT 2>&1 | awk '{ print $NF }'; echo "rc=${PIPESTATUS[0]}"
kill $P
"#;
    let out = world(script);
    let zombie = out.stderr.lines().nth(2).and_then(|l| l.split("PID ").nth(1)).and_then(|l| l.split(':').next());
    let zombie = zombie.unwrap_or("?");
    assert_text("rlsns --compare exit statuses", "rc=2\nrc=2\nrc=2\nsame\nrc=0\n", &out.stdout);
    assert_text(
        "rlsns --compare messages",
        &format!(
            "rlsns: cannot read the namespaces of PID 1: Permission denied\n\
             rlsns: cannot read the namespaces of PID 1: Permission denied\n\
             rlsns: cannot read the namespaces of PID {zombie}: No such file or directory\n"
        ),
        &out.stderr,
    );
}
