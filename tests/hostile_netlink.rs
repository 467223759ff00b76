//! A hostile container's root against rlsns's netlink sockets. rlsns asks a network namespace
//! for its interfaces (IFACES) from a worker thread that joins it and dumps RTM_GETLINK and
//! RTM_GETADDR there. Root in that namespace sees the worker's socket in /proc/net/netlink
//! and can unicast datagrams to its port: a flood that keeps the receive queue full (the
//! kernel's dump then stalls and its end never comes, while the reader keeps what arrives),
//! or two messages that add an interface and end the dump. Here a python3 sender plays that
//! root inside a network namespace of 1,000 veth interfaces (so a dump takes a while) and
//! sends to every port of the namespace that is neither the kernel's nor its own, over and
//! over, while rlsns runs five times under a time limit and a memory limit. Before rlsns's
//! sockets were connected to the kernel, the first or second run already listed the sender's
//! interfaces, ended its namespace's list at the spoofed end, or died for want of memory.

use crate::common::*;
use std::collections::BTreeSet;

/// The sender: `python3 -c "$SENDER" MODE PROCESSES READY`. It makes one socket a process
/// and forks the processes, says `ready` into the fifo READY, then each sends to every
/// target it finds until SIGTERM, when the first process prints, for each, how many datagrams
/// were taken (`sent`) and how many refused (`refused`, ECONNREFUSED: the port takes nothing
/// from it, or is gone). MODE `flood`: 28 fake RTM_NEWLINK messages of about 1 KB a datagram
/// (FLOOD0 to FLOOD27), up to 1000 datagrams a target at a time; `spoof`: RTM_NEWLINK of an
/// interface SPOOFED0 that is up, then NLMSG_DONE, once a target at a time. The messages
/// carry what a reader expecting them would check: the target's port as nlmsg_pid, and 1 (the
/// first request's sequence number) as nlmsg_seq.
const SENDER: &str = r#"
import os, signal, socket, struct, sys

mode, processes, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def attr(kind, data):
    a = struct.pack("=HH", 4 + len(data), kind) + data
    return a + b"\0" * (-len(a) % 4)

def message(kind, body, port):
    m = struct.pack("=IHHII", 16 + len(body), kind, 2, 1, port) + body  # NLM_F_MULTI, seq 1
    return m + b"\0" * (-len(m) % 4)

def link(index, name, port, pad=0):
    body = struct.pack("=BxHiII", 0, 1, index, 1, 0xffffffff)  # ifinfomsg, IFF_UP
    body += attr(3, name.encode() + b"\0")  # IFLA_IFNAME
    if pad:
        body += attr(20, b"x" * pad)  # IFLA_IFALIAS
    return message(16, body, port)  # RTM_NEWLINK

def payload(port):
    if mode == "spoof":
        return link(4242, "SPOOFED0", port) + message(3, struct.pack("=i", 0), port)  # NLMSG_DONE
    return b"".join(link(5000 + i, "FLOOD%d" % i, port, 900) for i in range(28))

burst = 1000 if mode == "flood" else 1
socks = [socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0) for _ in range(processes)]
for s in socks:
    s.bind((0, 0))
own = {s.getsockname()[0] for s in socks}

def targets():
    with open("/proc/net/netlink") as f:
        rows = [line.split() for line in f.readlines()[1:]]
    # Eth 0 is NETLINK_ROUTE, port 0 the kernel.
    return [int(r[2]) for r in rows if r[1] == "0" and int(r[2]) != 0 and int(r[2]) not in own]

def send(s, report):
    counts = {"sent": 0, "refused": 0}
    payloads = {}
    def done(*_):
        os.write(report, ("sent %(sent)d refused %(refused)d\n" % counts).encode())
        os._exit(0)
    signal.signal(signal.SIGTERM, done)
    while True:
        for port in targets():
            data = payloads.setdefault(port, payload(port))
            for _ in range(burst):
                try:
                    s.sendto(data, (port, 0))
                    counts["sent"] += 1
                except ConnectionRefusedError:
                    counts["refused"] += 1
                    break
                except OSError:
                    break

r, w = os.pipe()
kids = []
for s in socks:
    pid = os.fork()
    if pid == 0:
        send(s, w)
    kids.append(pid)

def stop(*_):
    for k in kids:
        os.kill(k, signal.SIGTERM)
    for k in kids:
        os.waitpid(k, 0)
    os.close(w)
    sys.stdout.write(os.read(r, 65536).decode())
    sys.stdout.flush()
    os._exit(0)

signal.signal(signal.SIGTERM, stop)
with open(ready, "w") as f:
    f.write("ready\n")
while True:
    signal.pause()
"#;

/// The world: network namespace `$N` (held by a sleeper) with 500 veth pairs, the sender in
/// it (`$MODE`, `$PROCESSES`), then five runs of `rlsns -t net -n -r -o NS,IFACES`, each under
/// `timeout` (15 s, then SIGKILL) and `ulimit -d` (256 MiB of data). Prints `N <inode>`, for
/// each run `run <status>`, `row ` and the row of `$N` (its first 100,000 bytes), `stderr ` and
/// stderr's first line, then the sender's counts.
/// Every wait is bounded; what the script leaves dies with the world's pid namespace.
const SCRIPT: &str = r#"
mkfifo /tmp/up /tmp/ready || exit 99
"$RUNSHARE" -n sh -c 'for i in $(seq 0 499); do echo "link add a$i type veth peer name b$i"; done | ip -batch - \
    && echo up >/tmp/up || echo failed >/tmp/up; exec sleep 1000' & N=$!
# Opened read-write, a fifo does not wait for a writer; read -t bounds the wait.
read -t 60 -r state <>/tmp/up; [ "$state" = up ] || { echo "setup: $state"; exit 99; }
ino=$(stat -L -c %i /proc/$N/ns/net); echo "N $ino"
"$RNSENTER" -t $N -n /usr/bin/python3 -c "$SENDER" $MODE $PROCESSES /tmp/ready >/tmp/sender & S=$!
read -t 60 -r state <>/tmp/ready; [ "$state" = ready ] || { echo "sender: $state"; exit 99; }
for r in 1 2 3 4 5; do
    ( ulimit -d 262144; exec timeout -s KILL 15 "$LSNS" -t net -n -r -o NS,IFACES ) >/tmp/out 2>/tmp/err
    echo "run $?"
    echo "row $(grep "^$ino " /tmp/out | head -c 100000)"
    echo "stderr $(head -n 1 /tmp/err)"
done
kill $S; wait $S
cat /tmp/sender
kill $N; wait $N
exit 0
"#;

/// What the runs showed.
struct Runs {
    /// Per run: exit status, the interface names of `$N`'s row, stderr's first line.
    runs: Vec<(i32, BTreeSet<String>, String)>,
    /// Datagrams the sender got into a socket, and sends refused, over all its processes.
    sent: u64,
    refused: u64,
    text: String,
}

fn world(mode: &str, processes: usize) -> Runs {
    let processes = processes.to_string();
    let env = [
        ("LSNS", ours("lsns")),
        ("RUNSHARE", ours("unshare")),
        ("RNSENTER", ours("nsenter")),
        ("SENDER", SENDER),
        ("MODE", mode),
        ("PROCESSES", &processes),
    ];
    let out = throwaway_world("rns-netlink", "", SCRIPT, &env);
    // A flooded row can be megabytes: the lines are cut for the messages.
    let text = out.stdout.lines().map(|l| l.chars().take(300).collect::<String>()).collect::<Vec<_>>().join("\n");
    assert_eq!(out.status, 0, "world failed: {text}\n{}", out.stderr);
    let mut lines = out.stdout.lines();
    let ino = lines.next().and_then(|l| l.strip_prefix("N ")).expect("the namespace's inode").to_string();
    let mut runs = Vec::new();
    let (mut sent, mut refused) = (0, 0);
    while let Some(line) = lines.next() {
        if let Some(status) = line.strip_prefix("run ") {
            let row = lines.next().and_then(|l| l.strip_prefix("row ")).expect("row");
            let err = lines.next().and_then(|l| l.strip_prefix("stderr ")).expect("stderr").to_string();
            // Raw output: `INODE lo\x20DOWN,a0\x20DOWN,...`.
            let cell = row.strip_prefix(&format!("{ino} ")).unwrap_or_default();
            let names = cell
                .split(',')
                .filter(|c| !c.is_empty())
                .map(|c| c.split("\\x20").next().unwrap_or_default().to_string());
            runs.push((status.parse().expect("status"), names.collect(), err));
        } else if let Some(counts) = line.strip_prefix("sent ") {
            let (s, r) = counts.split_once(" refused ").expect("sender counts");
            sent += s.parse::<u64>().expect("sent");
            refused += r.parse::<u64>().expect("refused");
        }
    }
    Runs { runs, sent, refused, text }
}

/// Each run ends in time with status 0 and nothing on stderr, and lists exactly the
/// namespace's own interfaces; the sender did reach rlsns's sockets.
#[track_caller]
fn assert_only_the_kernel_answered(what: &str, got: &Runs) {
    let want: BTreeSet<String> =
        std::iter::once("lo".to_string()).chain((0..500).flat_map(|i| [format!("a{i}"), format!("b{i}")])).collect();
    assert_eq!(got.runs.len(), 5, "{what}: not every run reported:\n{}", got.text);
    for (run, (status, names, err)) in got.runs.iter().enumerate() {
        let foreign: Vec<&String> = names.difference(&want).take(5).collect();
        let missing = want.difference(names).count();
        assert!(
            *status == 0 && err.is_empty() && foreign.is_empty() && missing == 0,
            "{what}, run {}: status {status} (137: out of time), stderr {err:?}, {} interfaces listed, \
             not the namespace's: {foreign:?}, {missing} of its 1001 missing\n{}",
            run + 1,
            names.len(),
            got.text
        );
    }
    // It sends only to ports /proc/net/netlink lists, so any count means it found one.
    assert!(got.sent + got.refused > 0, "{what}: the sender never found rlsns's socket\n{}", got.text);
    eprintln!("{what}: the sender's datagrams: {} taken, {} refused", got.sent, got.refused);
}

/// Six processes flooding every port they see with fake interfaces: rlsns lists the
/// namespace's interfaces only, within its time and memory limits.
#[test]
fn rlsns_withstands_a_netlink_flood_from_the_namespace() {
    let test = "rlsns_withstands_a_netlink_flood_from_the_namespace";
    if !privileged(test) || !python3(test) {
        return;
    }
    assert_only_the_kernel_answered("flood", &world("flood", 6));
}

/// An interface and an end of dump, spoofed: rlsns never shows SPOOFED0.
#[test]
fn rlsns_ignores_spoofed_netlink_answers() {
    let test = "rlsns_ignores_spoofed_netlink_answers";
    if !privileged(test) || !python3(test) {
        return;
    }
    assert_only_the_kernel_answered("spoof", &world("spoof", 1));
}
