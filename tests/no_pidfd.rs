//! The three tools on a system without pidfds. A seccomp filter makes
//! pidfd_open(2), pidfd_getfd(2) and pidfd_send_signal(2) fail with ENOSYS (a kernel before
//! 5.3) or EPERM (a container's seccomp profile); under it every invocation that would use
//! them runs many times, each bounded by a timeout so that a hang fails the test instead of
//! hanging the suite, and must give the same answer every time: no hang, no stray mount, and
//! util-linux's answer where util-linux itself has one.

use crate::common::*;

/// `python3 -c SECCOMP ERRNO PROGRAM ARGS...`: PROGRAM under a filter that fails the three
/// pidfd calls with ERRNO (x86_64 only: any other architecture, or the x32 ABI, is killed, so
/// a test on the wrong machine fails loudly rather than passing without a filter).
const SECCOMP: &str = r#"import ctypes, os, struct, sys
errno = int(sys.argv[1])
LD_ABS, JEQ, JGE, RET = 0x20, 0x15, 0x35, 0x06
ALLOW, ERRNO, KILL = 0x7FFF0000, 0x00050000, 0x80000000
AUDIT_ARCH_X86_64, X32_SYSCALL_BIT = 0xC000003E, 0x40000000
PIDFD_OPEN, PIDFD_GETFD, PIDFD_SEND_SIGNAL = 434, 438, 424
def op(code, k, jt=0, jf=0): return struct.pack("HBBI", code, jt, jf, k)
prog = [
    op(LD_ABS, 4), op(JEQ, AUDIT_ARCH_X86_64, 1, 0), op(RET, KILL),
    op(LD_ABS, 0), op(JGE, X32_SYSCALL_BIT, 4, 0),
    op(JEQ, PIDFD_OPEN, 4, 0), op(JEQ, PIDFD_GETFD, 3, 0), op(JEQ, PIDFD_SEND_SIGNAL, 2, 0),
    op(RET, ALLOW), op(RET, KILL), op(RET, ERRNO | errno),
]
code = ctypes.create_string_buffer(b"".join(prog))
class Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]
fprog = Fprog(len(prog), ctypes.addressof(code))
libc = ctypes.CDLL(None, use_errno=True)
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) or libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0):
    sys.exit("seccomp: " + os.strerror(ctypes.get_errno()))
os.execvp(sys.argv[2], sys.argv[2:])
"#;

/// Holds a socket of a new network namespace from a process in the world's own one, so that
/// only pidfd_getfd(2) finds that namespace; prints its inode and the holder's pid once the
/// holder has left it.
const SOCKET_HOLDER: &str = r#"import ctypes, os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
os.set_inheritable(s.fileno(), True)
ino = os.stat("/proc/self/ns/net").st_ino
with open("/proc/1/ns/net") as world:
    if ctypes.CDLL(None, use_errno=True).setns(world.fileno(), 0x40000000):
        raise OSError(ctypes.get_errno(), "setns")
print(ino, os.getpid(), flush=True)
os.execv("/bin/sleep", ["sleep", "1000"])
"#;

/// The cases, run under the filter by `bash -c CASES N ERRTEXT`: each case runs N times and
/// stops at its first run that differs from what it expects (printing that run); then it
/// prints how many runs passed. A run is killed after 10 s (SIGKILL, to the run's whole
/// process group: a waiting runshare blocks SIGTERM).
const CASES: &str = r#"
n=$0 errtext=$1
nsfs() { grep -c ' nsfs ' /proc/self/mountinfo; }
clean() { for f in /tmp/n /tmp/u /tmp/p; do while umount $f 2>/dev/null; do :; done; done; }
runshare() { (exec -a unshare "$RUNSHARE" "$@"); }
rnsenter() { (exec -a nsenter "$RNSENTER" "$@"); }
lowfd() { (ulimit -n 4; exec -a unshare "$RUNSHARE" "$@"); }
masked() { "$@" 2>&1 | sed -E 's#/proc/[0-9]+/#/proc/N/#'; return ${PIPESTATUS[0]}; }
export -f runshare rnsenter lowfd masked
# check NAME EXPECTED COMMAND: EXPECTED is the run's output (stdout and stderr), its status
# and the number of nsfs mounts it left, on one line.
check() {
  local name=$1 want=$2 cmd=$3 i got
  for ((i = 1; i <= n; i++)); do
    got="$(timeout -s KILL 10 bash -c "$cmd" 2>&1; echo "rc=$? mounts=$(nsfs)")"
    got=${got//$'\n'/ }
    clean
    [ "$got" = "$want" ] || { echo "$name: run $i: $got"; break; }
  done
  echo "$name: $((i - 1))/$n"
}
check net "rc=0 mounts=1" 'runshare --net=/tmp/n true'
check uts "rc=0 mounts=1" 'runshare --uts=/tmp/u true'
check fork-net "rc=0 mounts=1" 'runshare -f --net=/tmp/n true'
check fork-uts-net "rc=0 mounts=2" 'runshare -f --uts=/tmp/u --net=/tmp/n true'
check user "rc=0 mounts=1" 'runshare -r --user=/tmp/u true'
check user-net "rc=0 mounts=2" 'runshare -r --user=/tmp/u --net=/tmp/n true'
check fork-user-net "rc=0 mounts=2" 'runshare -r -f --user=/tmp/u --net=/tmp/n true'
check fd-limit "rc=0 mounts=1" 'lowfd --net=/tmp/n true'
check fd-limit-fork "rc=0 mounts=1" 'lowfd -f --net=/tmp/n true'
exec_failed="unshare: failed to execute /nonexistent: No such file or directory rc=127 mounts=0"
check exec-fails "$exec_failed" 'runshare --net=/tmp/n /nonexistent'
check fork-exec-fails "$exec_failed" 'runshare -f --net=/tmp/n /nonexistent'
check user-exec-fails "$exec_failed" 'runshare -r --user=/tmp/u --net=/tmp/n /nonexistent'
check wd-fails "unshare: cannot change directory to /nonexistent: No such file or directory rc=1 mounts=0" \
  'runshare --net=/tmp/n -w /nonexistent true'
check bind-fails "unshare: mount /proc/N/ns/pid_for_children on /tmp/p failed: No such file or directory rc=1 mounts=0" \
  'masked runshare --net=/tmp/n --pid=/tmp/p true'
# Without /proc as well (util-linux's message, see tests/fixtures/hostile/proc-worlds.golden).
check no-proc "unshare: mount /proc/N/ns/net on /tmp/n failed: No such file or directory rc=1 mounts=0" \
  '/usr/bin/unshare -m bash -c "mount -t tmpfs none /proc && masked runshare --net=/tmp/n true"'
# util-linux 2.42 asks for a pidfd of itself for --kill-child, and fails without one.
check kill-child "unshare: pidfd_open failed: $errtext rc=1 mounts=0" 'runshare --kill-child true'
check nsenter "$entered rc=0 mounts=0" 'rnsenter -t $T -u -n sh -c "hostname; readlink /proc/self/ns/net"'
check nsenter-all "$entered rc=0 mounts=0" 'rnsenter -t $T -a sh -c "hostname; readlink /proc/self/ns/net"'
check lsns "$listed rc=0 mounts=0" '"$RLSNS" -r -n -o NS -t net'
check lsns-default "rc=0 mounts=0" '"$RLSNS" >/dev/null'
"#;

/// The world around the cases: a target for rnsenter (its own hostname and network), a
/// namespace only a socket holds, and what util-linux's nsenter and an unfiltered rlsns
/// answer (the namespace of the socket is found only through pidfd_getfd(2), so without it
/// it is missing and nothing else changes); then the cases under each filter.
fn script(runs: usize) -> String {
    format!(
        r#"touch n u p
exec 5< <(/usr/bin/unshare -u -n sh -c 'hostname pinned; echo $$; exec sleep 1000')
read -r T <&5
exec 6< <(/usr/bin/unshare -n /usr/bin/python3 -c '{SOCKET_HOLDER}')
read -r SOCKNS HOLDER <&6
entered="pinned $(readlink /proc/$T/ns/net)"
if [ -x /usr/bin/nsenter ]; then
  theirs=$(/usr/bin/nsenter -t $T -u -n sh -c 'hostname; readlink /proc/self/ns/net' | tr '\n' ' ')
  [ "$theirs" = "$entered " ] || echo "util-linux nsenter: $theirs"
fi
all=$("$RLSNS" -r -n -o NS -t net)
echo "$all" | grep -qx "$SOCKNS" || echo "unfiltered rlsns misses the socket's namespace $SOCKNS"
listed=$(echo "$all" | grep -vx "$SOCKNS" | tr '\n' ' ')
listed=${{listed% }}
export T entered listed
for errno in 38:'Function not implemented' 1:'Operation not permitted'; do
  echo "== errno ${{errno%%:*}}"
  /usr/bin/python3 -c "$SECCOMP" ${{errno%%:*}} bash -c "$CASES" {runs} "${{errno#*:}}"
done
kill $T $HOLDER; exec 5<&- 6<&-
"#
    )
}

/// ENOSYS and EPERM from every pidfd call: 40 runs of each case pass (before the bind helper
/// stopped forking its keeper up front, `--net=FILE` hung in about half of them).
#[test]
fn tools_work_without_pidfds() {
    if !privileged("tools_work_without_pidfds") || !python3("tools_work_without_pidfds") {
        return;
    }
    if std::env::consts::ARCH != "x86_64" {
        eprintln!("skip: tools_work_without_pidfds: the seccomp filter is written for x86_64");
        return;
    }
    let runs = 40;
    let env = [
        ("RUNSHARE", ours("unshare")),
        ("RNSENTER", ours("nsenter")),
        ("RLSNS", ours("lsns")),
        ("SECCOMP", SECCOMP),
        ("CASES", CASES),
    ];
    let out = throwaway_world("rns-nopidfd", "", &script(runs), &env);
    let names: Vec<&str> = CASES.lines().filter_map(|l| l.strip_prefix("check ")?.split(' ').next()).collect();
    let mut expected = String::new();
    for errno in [38, 1] {
        expected.push_str(&format!("== errno {errno}\n"));
        for name in &names {
            expected.push_str(&format!("{name}: {runs}/{runs}\n"));
        }
    }
    assert_text(&format!("runs passed under the filters (stderr: {})", out.stderr), &expected, &out.stdout);
}
