//! Hostile environments (docs/parity.md): running out of descriptors is an error, never
//! a different answer. rlsns runs under `ulimit -n N` in throwaway worlds (a few namespaces
//! in every relation lsns shows: nested user and pid namespaces, a namespace held only by an
//! open descriptor, one held by a socket; then also hundreds of processes, so the walk runs
//! on threads) and must print what it prints without a limit, which is what util-linux 2.38.1
//! prints, or fail with a message, never print less.
//!
//! The limits, measured against util-linux 2.42.2: lsns prints a correct table from
//! `ulimit -n 9` with NETNSID shown (at 8 its net namespaces lose their owner, ONS 0), from 8
//! otherwise; at 6 and 7 it exits 1 with nothing on stderr, at 5 it prints a partial table
//! with status 0, at 4 it cannot parse mountinfo. rlsns needs 7 with NETNSID (0-2, /proc,
//! the netlink socket, a namespace and the relative asked for) and 6 without; below, it says
//! `lsns: failed to read namespaces: Too many open files` and exits 1.

use crate::common::{assert_text, oracle, ours, privileged, python3, throwaway_world};

/// The world: a user namespace inside another (with a pid namespace), a network namespace
/// whose only holder is a descriptor of a process in another one, one held by a socket, a
/// few more kinds, then `$SLEEPERS` sleepers in fresh uts and ipc namespaces. Then for each
/// mode in `$MODES` (`;`-separated) and limit in `$LIMITS`: `== mode limit` and rlsns's
/// output under that limit (stdout, stderr, `rc=`), and `== mode ref` / `== mode oracle`
/// with rlsns unlimited and /usr/bin/lsns.
const SCRIPT: &str = r#"
unshare -U -r --fork sh -c 'exec unshare -U -r -p --fork sleep 1000' &
unshare -u -n sleep 1000 &
unshare -n sh -c 'exec 5</proc/self/ns/net; unshare -n sleep 1000' &
[ -x /usr/bin/python3 ] && unshare -n /usr/bin/python3 -c 'import socket, os, time, ctypes
s = socket.socket()
ctypes.CDLL(None).setns(os.open("/proc/1/ns/net", os.O_RDONLY), 0)
open("/tmp/socket-held", "w").close()
time.sleep(1000)' &
(exec 7</proc/self/ns/net; unshare -i -C -T sleep 1000) &
i=0; while [ $i -lt "$SLEEPERS" ]; do unshare -u -i sleep 1000 & i=$((i+1)); done
# settled: every sleeper runs sleep (each process above execs it last), the socket is held
await_count sleep $((SLEEPERS + 4))
[ -x /usr/bin/python3 ] && await "the socket's holder" test -e /tmp/socket-held
IFS=';'
for mode in $MODES; do
    IFS=' '
    echo "== $mode ref"; "$LSNS" $mode 2>&1; echo "rc=$?"
    if [ -x /usr/bin/lsns ]; then echo "== $mode oracle"; /usr/bin/lsns $mode 2>&1; echo "rc=$?"; fi
    for lim in $LIMITS; do
        echo "== $mode $lim"; ( eval "$SETUP"; ulimit -S -n $lim; exec -a lsns "$LSNS" $mode ) 2>&1; echo "rc=$?"
    done
    IFS=';'
done
"#;

/// Runs the world; returns each section's text by its header (`mode limit`).
fn world(sleepers: usize, modes: &[&str], limits: &[u32], setup: &str) -> std::collections::HashMap<String, String> {
    let limits: Vec<String> = limits.iter().map(u32::to_string).collect();
    let sleepers = sleepers.to_string();
    let (modes, limits) = (modes.join(";"), limits.join(" "));
    let env =
        [("LSNS", ours("lsns")), ("SLEEPERS", &sleepers), ("MODES", &modes), ("LIMITS", &limits), ("SETUP", setup)];
    let out = throwaway_world("rns-fds", "", SCRIPT, &env);
    assert_eq!(out.status, 0, "world failed: {}", out.stderr);
    let mut sections = std::collections::HashMap::new();
    let mut current: Option<(String, String)> = None;
    for line in out.stdout.lines() {
        if let Some(head) = line.strip_prefix("== ") {
            sections.extend(current.take());
            current = Some((head.to_string(), String::new()));
        } else if let Some((_, text)) = current.as_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    sections.extend(current);
    sections
}

const FAILED: &str = "lsns: failed to read namespaces: Too many open files\nrc=1\n";

/// Every mode at every limit: the unlimited answer (checked against 2.38.1 where it has the
/// mode's columns and namespaces) from the lowest limit that fits, the message below it.
fn check(sleepers: usize, modes: &[(&str, u32, bool)], limits: &[u32], setup: &str, shift: u32) {
    // What needs them is left out where they are missing (outside CI): the socket's holder,
    // the comparison with util-linux.
    let (_, theirs) = (python3("the descriptor-limit world"), oracle("lsns", "the descriptor-limit world"));
    let names: Vec<&str> = modes.iter().map(|m| m.0).collect();
    let got = world(sleepers, &names, limits, setup);
    for &(mode, floor, oracle) in modes {
        let reference = &got[&format!("{mode} ref")];
        assert!(reference.ends_with("rc=0\n") && reference.lines().count() > 2, "{mode}: {reference}");
        if oracle && theirs {
            assert_text(&format!("rlsns {mode} against /usr/bin/lsns"), &got[&format!("{mode} oracle")], reference);
        }
        for &lim in limits {
            let at = &got[&format!("{mode} {lim}")];
            // `shift` descriptors are held open by the setup: the room left is lim - shift.
            if lim < 4 + shift {
                // Not even the dynamic loader finds room for the libraries (util-linux too).
                assert!(at.contains("error while loading shared libraries") && at.ends_with("rc=127\n"), "{at}");
                continue;
            }
            let expected = if lim >= floor + shift { reference.as_str() } else { FAILED };
            assert_text(&format!("rlsns {mode} under ulimit -n {lim} (setup: {setup:?})"), expected, at);
        }
    }
}

/// (mode, lowest limit, compare with 2.38.1). 2.38.1 lacks the namespaces no process is in
/// (where 2.38.1 differs from 2.42): it agrees on the trees and the ns-only columns of this world only where
/// such a namespace is not shown, so the owner/parent trees are compared with ours unlimited.
const MODES: &[(&str, u32, bool)] = &[
    ("-Towner", 6, false),
    ("-Tparent", 6, false),
    ("--output-all -Towner", 7, false),
    ("-o NS,TYPE,NPROCS,PNS,ONS", 6, false),
    ("-t net -o NS,NPROCS,NETNSID,NSFS,ONS", 7, false),
    ("-p 1 -o NS,TYPE,PID,PNS,ONS", 6, true),
    ("-t user -o NS,PNS,ONS,NPROCS", 6, true),
    ("-P -o NS,TYPE,NPROCS,ONS", 6, false),
];

#[test]
fn rlsns_answers_or_fails_at_every_descriptor_limit_in_a_small_world() {
    if !privileged("rlsns_answers_or_fails_at_every_descriptor_limit_in_a_small_world") {
        return;
    }
    check(3, MODES, &[3, 4, 5, 6, 7, 8, 9, 12, 16, 32, 64], "", 0);
}

#[test]
fn rlsns_answers_at_low_limits_with_hundreds_of_processes() {
    if !privileged("rlsns_answers_at_low_limits_with_hundreds_of_processes") {
        return;
    }
    // Enough processes for the walk and the kernel queries to run on several threads.
    let modes = &[MODES[0], MODES[2], MODES[4]];
    check(600, modes, &[5, 6, 7, 8, 9, 16, 32, 64], "", 0);
}

#[test]
fn rlsns_counts_inherited_descriptors_and_a_soft_limit() {
    if !privileged("rlsns_counts_inherited_descriptors_and_a_soft_limit") {
        return;
    }
    // Descriptors 3..12 inherited (the hard limit stays above the soft one, as everywhere
    // here): at `ulimit -n 16` as many free as `ulimit -n 6` leaves, fewer below.
    let setup = "for fd in 3 4 5 6 7 8 9 10 11 12; do eval \"exec $fd</dev/null\"; done";
    let modes = &[MODES[0], MODES[2], MODES[5]];
    check(3, modes, &[13, 14, 15, 16, 17, 20, 64], setup, 10);
}

/// runshare's helpers (the id-map helper of `--map-users`/`--map-groups` ranges, the bind
/// helper of `--net=FILE`) cost one descriptor each, as util-linux's eventfd: both work from
/// `ulimit -n 4`, with and without `-f`, as util-linux 2.42.2 does (measured: it prints the
/// maps below at 4, 5 and 8; ours needed 5 for the maps and 7 for the binds before). The
/// binds are compared with /usr/bin/unshare (2.38.1 binds from the parent, also at 4); 2.38.1
/// lacks the inner:outer:count ranges, so the maps are the 2.42.2 output, written literally.
#[test]
fn runshare_helpers_work_at_the_lowest_descriptor_limit() {
    if !privileged("runshare_helpers_work_at_the_lowest_descriptor_limit") {
        return;
    }
    let script = r#"
for f in "" -f; do for lim in 4 5 8; do
    echo "== maps $lim $f"
    ( ulimit -n $lim; exec -a unshare "$RUNSHARE" $f --map-users=0:100000:10 --map-groups=0:100000:10 -U \
        cat /proc/self/uid_map /proc/self/gid_map ) 2>&1; echo "rc=$?"
    for t in "$RUNSHARE" /usr/bin/unshare; do
        [ -x "$t" ] || continue
        [ "$t" = "$RUNSHARE" ] && echo "== net $lim $f" || echo "== oracle net $lim $f"
        touch /tmp/n
        ( ulimit -n $lim; exec -a unshare "$t" $f -n --net=/tmp/n true ) 2>&1; echo "rc=$?"
        /usr/bin/nsenter --net=/tmp/n true && echo entered
        [ "$(stat -L -c %i /tmp/n)" != "$(stat -L -c %i /proc/self/ns/net)" ] && echo new
        umount /tmp/n
    done
done; done
"#;
    let out = throwaway_world("rns-fdhelper", "", script, &[("RUNSHARE", ours("unshare"))]);
    assert_eq!(out.status, 0, "world failed: {}", out.stderr);
    let maps = "         0     100000         10\n         0     100000         10\nrc=0\n";
    let net = "rc=0\nentered\nnew\n";
    let mut expected = String::new();
    for f in ["", "-f"] {
        for lim in [4, 5, 8] {
            expected.push_str(&format!("== maps {lim} {f}\n{maps}== net {lim} {f}\n{net}"));
            if oracle("unshare", "runshare_helpers_work_at_the_lowest_descriptor_limit") {
                expected.push_str(&format!("== oracle net {lim} {f}\n{net}"));
            }
        }
    }
    assert_text("runshare's helpers under ulimit -n 4, 5, 8", &expected, &out.stdout);
}
