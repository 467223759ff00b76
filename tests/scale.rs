//! rlsns at scale: a world of ~500 processes grown to ~2000, and rlsns's system calls and
//! time per process at both sizes. Catches a return of per-process work that grows with the
//! number of processes (util-linux's lsns is quadratic) or of per-process system calls the
//! walk does not need; docs/performance.md has the numbers behind the bounds.

use crate::common::{installed, neutral_env, ours, privileged};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The world: groups of 8 sleepers (and their `unshare` and `sh`) in fresh uts and ipc
/// namespaces, 50 groups first, then 200. At each size rlsns runs once under `strace -c -f`
/// (its system calls) and five times under bash's `time` (the CPU time it used, user and
/// system, its threads included: unlike the time that passes, not stretched by whatever else
/// the machine runs meanwhile, which can change between the two sizes).
const SCRIPT: &str = r#"
set -e
TIMEFORMAT='%3U %3S'
procs() { ls -d /proc/[0-9]* | wc -l; }
grow() {
    while [ $g -lt $1 ]; do
        /usr/bin/unshare -u -i --fork sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 1000 & done; wait' </dev/null >/dev/null 2>&1 &
        g=$((g+1))
    done
    i=0
    while [ "$(procs)" -lt $(($1 * 10)) ]; do i=$((i+1)); [ $i -gt 3000 ] && exit 99; sleep 0.02; done
}
measure() {
    procs > "$D/$1.procs"
    strace -c -f -o "$D/$1.strace" "$RLSNS" > /dev/null
    for run in 1 2 3 4 5; do
        { time "$RLSNS" > /dev/null; } 2>> "$D/$1.cpu"
    done
}
g=0
grow 50
"$RLSNS" > /dev/null
measure small
grow 200
"$RLSNS" > /dev/null
measure large
echo done > "$D/done"
"#;

struct Size {
    procs: f64,
    syscalls: f64,
    /// The least CPU time (user and system) of the runs, in seconds.
    fastest: f64,
}

impl Size {
    fn read(dir: &Path, name: &str) -> Size {
        let text = |ext: &str| fs::read_to_string(dir.join(format!("{name}.{ext}"))).unwrap();
        // strace -c's last line: "100.00    0.012345           1     12345       123 total".
        let strace = text("strace");
        let total = strace.lines().rev().find(|l| l.trim_end().ends_with("total")).expect("strace -c total");
        let syscalls = total.split_whitespace().nth(3).and_then(|n| n.parse().ok()).expect("calls column");
        // bash's `time` with TIMEFORMAT='%3U %3S': "0.012 0.034", user then system seconds.
        let cpu = |l: &str| l.split_whitespace().map(|s| s.parse::<f64>().expect("a time")).sum::<f64>();
        let fastest = text("cpu").lines().map(cpu).fold(f64::MAX, f64::min);
        Size { procs: text("procs").trim().parse().unwrap(), syscalls, fastest }
    }

    fn syscalls_per_process(&self) -> f64 {
        self.syscalls / self.procs
    }

    fn micros_per_process(&self) -> f64 {
        self.fastest * 1e6 / self.procs
    }
}

#[test]
fn rlsns_work_per_process_does_not_grow_with_the_processes() {
    if !privileged("rlsns_work_per_process_does_not_grow_with_the_processes") {
        return;
    }
    if !installed("strace", "rlsns_work_per_process_does_not_grow_with_the_processes") {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("scale-world-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let out = neutral_env(&mut Command::new("timeout"))
        .args(["-s", "KILL", "300", "/usr/bin/unshare", "--kill-child", "--fork", "--pid", "--mount-proc"])
        .args(["--mount", "--propagation", "private", "bash", "-c", SCRIPT])
        .env("D", &dir)
        .env("RLSNS", ours("lsns"))
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run the world");
    let done = dir.join("done").exists();
    let (small, large) = done.then(|| (Size::read(&dir, "small"), Size::read(&dir, "large"))).unzip();
    let _ = fs::remove_dir_all(&dir);
    assert!(done, "the world failed ({:?}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    let (small, large) = (small.unwrap(), large.unwrap());
    eprintln!(
        "rlsns: {} processes: {:.1} syscalls, {:.1} µs CPU per process; {} processes: {:.1} syscalls, {:.1} µs CPU per process",
        small.procs,
        small.syscalls_per_process(),
        small.micros_per_process(),
        large.procs,
        large.syscalls_per_process(),
        large.micros_per_process()
    );
    assert!(large.procs >= 1900.0 && small.procs <= 600.0, "world sizes {} and {}", small.procs, large.procs);
    // The walk's floor for a sleeper: `PID/ns` opened (O_PATH) and closed, 8 namespace links
    // read through it, the fd directory (openat, 2 getdents64, close) and a fstatat per
    // descriptor (5: 0-2 and two that dash keeps), 19 in all; a debug build checks each
    // descriptor it closes with fcntl(F_GETFD) (21); the representatives' owners, parents and
    // command lines add little. rlsns made 29 before it was tuned, util-linux 2.38.1 makes ~60.
    assert!(large.syscalls_per_process() <= 23.0, "{:.1} syscalls per process", large.syscalls_per_process());
    assert!(
        large.syscalls_per_process() <= small.syscalls_per_process() * 1.1 + 0.5,
        "system calls per process grow: {:.1} at {} processes, {:.1} at {}",
        small.syscalls_per_process(),
        small.procs,
        large.syscalls_per_process(),
        large.procs
    );
    // Linear time: CPU time per process at ~2000 within 3× that at ~500 (quadratic work would
    // make it 4×); the slack is for caches a loaded machine shares, the least of five runs for
    // its bursts.
    assert!(
        large.micros_per_process() <= small.micros_per_process() * 3.0,
        "CPU time per process grows: {:.1} µs at {} processes, {:.1} µs at {}",
        small.micros_per_process(),
        small.procs,
        large.micros_per_process(),
        large.procs
    );
}
