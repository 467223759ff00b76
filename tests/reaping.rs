//! Every process a tool forks is reaped, or gone, before the tool exits.
//! Under an init that never reaps, whatever outlives its tool stays in `/proc`: as a zombie
//! (state Z) once it has exited, as a live process before. The init here is python, pid 1 of
//! its own pid namespace; it runs each failure path of the three tools, waits for each tool
//! only, and then lists every process other than itself.

use crate::common::*;

/// pid 1: runs each command of argv (a bash command line, which execs the tool) and prints
/// its status; then kills and reaps its own target process, and prints every process left
/// in the namespace with its state.
const INIT: &str = r#"import os, subprocess, sys
target = subprocess.Popen(["/bin/sleep", "1000"])
os.environ["T"] = str(target.pid)
for command in sys.argv[1:]:
    status = subprocess.run(["/bin/bash", "-c", command], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL).returncode
    print(status, command, flush=True)
target.kill()
target.wait()
for pid in sorted((int(p) for p in os.listdir("/proc") if p.isdigit()), key=int):
    if pid == os.getpid():
        continue
    try:
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue
    name, state = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2]
    print(f"left: {pid} ({name}) {state}", flush=True)
"#;

/// Each command with the status it ends with.
const COMMANDS: &[(i32, &str)] = &[
    // The bind fails: on a missing target, on a directory, on the second of two.
    (1, "runshare --net=/nonexistent/x true"),
    (1, "runshare -f --net=/nonexistent/x true"),
    (1, "runshare --uts=/tmp/dir true"),
    (1, "runshare --net=/tmp/n --pid=/tmp/p true"),
    // A step after the bind fails: it is taken back.
    (1, "runshare --net=/tmp/n -w /nonexistent true"),
    (1, "runshare -f --net=/tmp/n -w /nonexistent true"),
    (1, "runshare -p -f --mount-proc=/nonexistent true"),
    (1, "runshare --net=/tmp/n -p -f --mount-proc=/nonexistent true"),
    (1, "runshare --net=/tmp/n --map-users=0:100000:10 -f -R /nonexistent true"),
    (1, "runshare --net=/tmp/n --kill-child -R /nonexistent true"),
    (127, "runshare --user=/tmp/n -r -f no-such-program-rns"),
    (127, "runshare -f --net=/tmp/n no-such-program-rns"),
    // With --fork the helper is reaped on success too.
    (0, "runshare -f --net=/tmp/n true && umount /tmp/n"),
    (0, "runshare -f --uts=/tmp/n --map-users=0:100000:10 --map-groups=0:100000:10 -U true && umount /tmp/n"),
    // rnsenter's fork for -p, and its failures before it.
    (127, "rnsenter -t $T -p no-such-program-rns"),
    (1, "rnsenter -t $T -p -r/nonexistent true"),
    (1, "rnsenter -t 999999 -a true"),
    (0, "rnsenter -t $T -p true"),
    // rlsns --all-mounts enters the mount namespace only /tmp/m holds through a child.
    (1, "rlsns --all-mounts -o NS,NSFS >/dev/full"),
    (0, "rlsns --all-mounts -n -o NSFS | grep -q /tmp/m"),
];

/// The failure paths of runshare, rnsenter and rlsns --all-mounts under a pid 1 that does not
/// reap: each ends as expected and nothing is left (the bind helper's keeper used to be
/// orphaned on every run with `--<ns>=FILE`).
#[test]
fn no_helper_outlives_its_tool() {
    if !privileged("no_helper_outlives_its_tool") || !python3("no_helper_outlives_its_tool") {
        return;
    }
    let prelude = "runshare() { (exec -a unshare \"$RUNSHARE\" \"$@\"); }\n\
                   rnsenter() { (exec -a nsenter \"$RNSENTER\" \"$@\"); }\n\
                   rlsns() { (exec -a lsns \"$RLSNS\" \"$@\"); }\n\
                   export -f runshare rnsenter rlsns\n";
    let commands: Vec<String> = COMMANDS.iter().map(|(_, c)| format!("'{c}'")).collect();
    // A mount namespace that only a bind mount holds, made inside the init's own mount
    // namespace (a new one does not copy such a bind), on one CPU (the kernel binds a mount
    // namespace only into an older one, and namespace ids from different CPUs are unordered).
    let script = format!(
        "touch n p m; mkdir dir\n\
         /usr/bin/unshare -p -f --mount-proc /usr/bin/python3 -c \"$INIT\" \
         '/usr/bin/unshare --mount=/tmp/m true' {}\n",
        commands.join(" ")
    );
    let env = [("RUNSHARE", ours("unshare")), ("RNSENTER", ours("nsenter")), ("RLSNS", ours("lsns")), ("INIT", INIT)];
    let out = throwaway_world_on_one_cpu("rns-reaping", prelude, &script, &env);
    let expected: String = std::iter::once("0 /usr/bin/unshare --mount=/tmp/m true\n".to_string())
        .chain(COMMANDS.iter().map(|(status, c)| format!("{status} {c}\n")))
        .collect();
    assert_text(&format!("statuses, then what is left (stderr: {})", out.stderr), &expected, &out.stdout);
}
