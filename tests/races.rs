//! The system moving under the tools: processes that exit, and pids that are reused, while
//! rnsenter reaches into them (and, with rlsns, while /proc is read). Everything happens in
//! a throwaway pid namespace, where root may also choose the next pid (`ns_last_pid`) to make
//! reuse happen on purpose.

use crate::common::*;

/// A bash script as root in a new mount and pid namespace with /tmp on a tmpfs; `rnsenter`,
/// `rlsns` and `runshare` run our binaries with util-linux's names.
fn world(script: &str) -> Outcome {
    let prelude =
        "rnsenter() { (exec -a nsenter \"$RNSENTER\" \"$@\"); }\nrlsns() { (exec -a lsns \"$RLSNS\" \"$@\"); }\n";
    throwaway_world("rns-race", prelude, script, &[("RNSENTER", ours("nsenter")), ("RLSNS", ours("lsns"))])
}

/// A pid that named one process and now names another: `-t PID:INODE` (the pidfd inode of
/// the process meant) refuses the newcomer; a bare `-t PID` means whoever has the pid now.
#[test]
fn reused_pid_is_refused_by_its_pidfd_inode() {
    if !privileged("reused_pid_is_refused_by_its_pidfd_inode") || !python3("reused_pid_is_refused_by_its_pidfd_inode") {
        return;
    }
    let script = r#"
named() { [ "$(/usr/bin/nsenter -t $1 -u hostname 2>/dev/null)" = $2 ]; }
up() { await "$1 to be named $2" named $1 $2; }
/usr/bin/unshare -u sh -c 'hostname aaa; exec sleep 1000' & A=$!
up $A aaa
INO=$(/usr/bin/python3 -c 'import os, sys; print(os.fstat(os.pidfd_open(int(sys.argv[1]))).st_ino)' $A)
kill $A; wait $A
echo $((A - 1)) >/proc/sys/kernel/ns_last_pid
/usr/bin/unshare -u sh -c 'hostname bbb; exec sleep 1000' & B=$!
[ $B = $A ] || echo "pid $A was not reused (got $B)"
up $B bbb
rnsenter -t $A:$INO -u hostname 2>&1 | sed "s/PID $A:/PID A:/"
rnsenter -t $A -u hostname
kill $B
"#;
    let out = world(script);
    assert_text(
        &format!("rnsenter on a reused pid (stderr: {})", out.stderr),
        "nsenter: failed to obtain a valid file descriptor for PID A: No such process\nbbb\n",
        &out.stdout,
    );
}

/// Targets that live a few milliseconds, each given the same pid as the one before (so the
/// pid is reused while rnsenter runs), entered in three modes at once. Whatever rnsenter
/// reports comes from one process: its UTS and network namespaces and its working directory
/// (opened through /proc/PID/cwd) always belong together, or rnsenter says why it failed.
#[test]
fn exiting_and_reused_targets_never_mix() {
    if !privileged("exiting_and_reused_targets_never_mix") {
        return;
    }
    let script = r#"
base=$(hostname); world_net=$(readlink /proc/self/ns/net)
P=0
for i in $(seq 1 120); do
  mkdir -p /tmp/d$i
  [ $P -gt 0 ] && echo $((P - 1)) >/proc/sys/kernel/ns_last_pid
  /usr/bin/unshare -u -n sh -c "echo t$i \$(readlink /proc/self/ns/net) >>/tmp/registry; hostname t$i; cd /tmp/d$i; [ $((RANDOM % 2)) = 0 ] && exec sleep 0.00$((RANDOM % 4))" &
  T=$!; [ $P -eq 0 ] && P=$T
  for mode in "-u -n -w" "-a -w" "-u -n -w -F" "-u -n -w -e"; do
    ( rnsenter -t $T $mode sh -c 'echo $(hostname) $(readlink /proc/self/ns/net) $(pwd -P)' >>/tmp/seen 2>>/tmp/errors
      echo $? >>/tmp/status ) &
  done
done
wait
echo "== $base $world_net"
cat /tmp/registry; echo "== seen"; cat /tmp/seen; echo "== errors"; cat /tmp/errors; echo "== status"; cat /tmp/status
"#;
    let out = world(script);
    assert_eq!(out.status, 0, "{out:?}");
    let text = out.stdout;
    let section = |name: &str| -> Vec<&str> {
        let start = text.find(&format!("== {name}\n")).map(|i| i + name.len() + 4).unwrap_or(text.len());
        text[start..].lines().take_while(|l| !l.starts_with("== ")).collect()
    };
    let head = text.lines().next().and_then(|l| l.strip_prefix("== ")).expect("first line");
    let (base, world_net) = head.split_once(' ').expect("base hostname and net namespace");
    // Each target's name and network namespace (inode numbers of dead namespaces are
    // reused, so the name is the identity).
    let registry: std::collections::HashMap<&str, &str> =
        text.lines().skip(1).take_while(|l| !l.starts_with("== ")).filter_map(|l| l.split_once(' ')).collect();
    assert_eq!(registry.len(), 120, "targets registered: {}", registry.len());
    let seen = section("seen");
    let mut mixed = Vec::new();
    for line in &seen {
        let fields: Vec<&str> = line.split(' ').collect();
        let [host, net, cwd] = fields[..] else {
            mixed.push(format!("unexpected output {line:?}"));
            continue;
        };
        let consistent = if host == base {
            // Entered before the target named itself (or even unshared): not in its directory.
            cwd == "/tmp" && (net == world_net || registry.values().any(|n| *n == net))
        } else {
            // Its own network namespace, and its own directory once it has changed there.
            let dir = format!("/tmp/d{}", host.trim_start_matches('t'));
            registry.get(host) == Some(&net) && (cwd == "/tmp" || cwd == dir)
        };
        if !consistent {
            mixed.push(format!("{line:?} mixes processes"));
        }
    }
    for line in section("errors") {
        if !line.starts_with("nsenter: ") || line.contains("panicked") {
            mixed.push(format!("unexplained error output {line:?}"));
        }
    }
    let statuses = section("status");
    assert_eq!(statuses.len(), 480, "runs that reported a status");
    for status in &statuses {
        if !matches!(*status, "0" | "1") {
            mixed.push(format!("exit status {status}"));
        }
    }
    let failed = statuses.iter().filter(|s| **s != "0").count();
    assert_eq!(seen.len(), 480 - failed, "every successful run printed one line");
    assert!(mixed.is_empty(), "{}", mixed.join("\n"));
    let errors = section("errors");
    let mut kinds: Vec<String> =
        errors.iter().map(|e| e.split(|c: char| c.is_ascii_digit()).next().unwrap_or("").to_string()).collect();
    kinds.sort();
    kinds.dedup();
    eprintln!("{} runs entered a target, {failed} failed, saying: {kinds:?}", seen.len());
}

/// rlsns in every output mode while thousands of short-lived processes in fresh namespaces
/// come and go: it must neither fail nor say anything on stderr (util-linux 2.42.2's lsns
/// exits 1 without a word in about one run in twenty under such churn: a vanished process
/// read as ESRCH). JSON output stays valid JSON.
#[test]
fn rlsns_under_churn() {
    if !privileged("rlsns_under_churn") {
        return;
    }
    let json_check = if python3("rlsns_under_churn (the JSON check)") {
        "/usr/bin/python3 -c 'import json, sys; json.load(open(sys.argv[1]))' /tmp/out || echo \"bad JSON from [$mode]\""
    } else {
        ":"
    };
    let script = format!(
        r#"
# each round of 4 processes adds a line to /tmp/spawned
churn() {{
  while [ ! -e /tmp/stop ]; do
    /usr/bin/unshare -u -i -n true &
    /usr/bin/unshare -U -m sh -c 'sleep 0.01' &
    /usr/bin/unshare -p -f -C sh -c 'exit 0' &
    /usr/bin/unshare -T -u true &
    wait
    echo >>/tmp/spawned
  done
}}
spawned() {{ echo $(( $(cat /tmp/spawned 2>/dev/null | wc -l) * 4 )); }}
# 12 s, and on a machine too busy to reach 20 runs and 300 processes by then, until it has
# (for 10 minutes at most)
more() {{
  local t=$((SECONDS - start))
  [ $t -lt 600 ] && {{ [ $t -lt 12 ] || [ $runs -lt 20 ] || [ "$(spawned)" -lt 300 ]; }}
}}
churn & churn &
sleep 0.2
runs=0
start=$SECONDS
while more; do
  for mode in "" "-l" "-J" "-r" "--output-all" "-T" "-Tparent" "-P" "-Tprocess" "-n -u -W" "-t net -t user -J" \
              "--threads" "-o +CONTAINER,HOLDERS" "--threads -J -o NS,TYPE,PID,PPID,CONTAINER,HOLDERS"; do
    rlsns $mode >/tmp/out 2>/tmp/err; rc=$?
    runs=$((runs + 1))
    if [ $rc != 0 ] || [ -s /tmp/err ]; then echo "rlsns $mode: exit $rc: $(head -c 300 /tmp/err)"; fi
    case "$mode" in *-J*) {json_check};; esac
  done
done
touch /tmp/stop; wait
echo "runs $runs spawned $(spawned)"
"#
    );
    let out = world(&script);
    let last = out.stdout.lines().last().unwrap_or_default().to_string();
    let failures: Vec<&str> = out.stdout.lines().filter(|l| !l.starts_with("runs ")).collect();
    assert!(failures.is_empty(), "{} failures under churn ({last}):\n{}", failures.len(), failures.join("\n"));
    let numbers: Vec<usize> = last.split(' ').filter_map(|w| w.parse().ok()).collect();
    // Typically ~800 runs and ~4500 processes in 12 s; a loaded machine takes longer for less.
    assert!(numbers.len() == 2 && numbers[0] >= 20 && numbers[1] >= 300, "too little happened: {last}");
    eprintln!("{last}");
}
