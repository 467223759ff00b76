//! rlsns's columns of what a namespace holds, read from /proc (UIDMAP, GIDMAP, OFFSETS,
//! MOUNTS, ROOT, LEVEL, INIT, SUMMARY), against namespaces built in a throwaway world, in
//! every output mode and in filters; and as an unprivileged user.

use crate::common::{assert_text, ours, privileged, python3, throwaway_world};

/// Shell helpers for the scripts: a namespace's inode, a comparison that prints `NAME-ok` or
/// what differs.
const PRELUDE: &str = r#"
ino() { stat -L -c %i "$1"; }
check() { if [ "$2" = "$3" ]; then echo "$1-ok"; else printf '%s: got [%s] want [%s]\n' "$1" "$2" "$3"; fi; }
"#;

/// Runs `script` in a throwaway world (new mount and pid namespaces, root) with `$LSNS` and
/// `$RS` our rlsns and runshare.
fn world(script: &str) -> crate::common::Outcome {
    throwaway_world("rns-contents", PRELUDE, script, &[("LSNS", ours("lsns")), ("RS", ours("unshare"))])
}

/// Id maps, time offsets and mounts of namespaces made for the purpose, in the list, raw,
/// `-W` table and JSON layouts, filtered on, and SUMMARY of each kind.
#[test]
fn rlsns_maps_offsets_and_mounts() {
    if !privileged("rlsns_maps_offsets_and_mounts") || !python3(module_path!()) {
        return;
    }
    let script = r#"
"$RS" --map-users 0:100000:10 --map-users 10:200000:5 --map-groups 0:300000:7 sleep 1000 & U=$!
"$RS" -T --monotonic 86400 --boottime 3600 -f sleep 1000 & T=$!
"$RS" -m --propagation private sh -c 'mount -t tmpfs rns-a /mnt && mkdir /mnt/b && mount -t tmpfs rns-b /mnt/b && exec sleep 1000' & M=$!
# each runs sleep once its namespaces are set up (maps written, offsets set, tmpfs mounted)
await_child sleep $T; T1=$child
await_comm sleep $U $M
UNS=$(ino /proc/$U/ns/user); TNS=$(ino /proc/$T1/ns/time); MNS=$(ino /proc/$M/ns/mnt)
check list-uidmap "$("$LSNS" -l -n -o UIDMAP -Q "NS == $UNS")" "0 100000 10
10 200000 5"
check raw-maps "$("$LSNS" -r -n -o NS,UIDMAP,GIDMAP -Q "NS == $UNS")" "$UNS 0\x20100000\x2010,10\x20200000\x205 0\x20300000\x207"
check nowrap-offsets "$("$LSNS" -W -n -o OFFSETS -Q "NS == $TNS")" "monotonic 86400 0,boottime 3600 0"
check list-offsets "$("$LSNS" -l -n -o OFFSETS -Q "NS == $TNS")" "monotonic 86400 0
boottime 3600 0"
BASE=$(wc -l < /proc/$$/mountinfo)
check base-mounts "$("$LSNS" -l -n -o MOUNTS -Q "NS == $(ino /proc/$$/ns/mnt)")" "$BASE"
check mounts "$("$LSNS" -l -n -o MOUNTS -Q "NS == $MNS")" "$((BASE + 2))"
ROOT=$(awk '$5 == "/" { for (i = 7; $i != "-"; i++); r = $(i + 2) " " $(i + 1) } END { print r }' /proc/$M/mountinfo)
check root "$("$LSNS" -l -n -o ROOT -Q "NS == $MNS")" "$ROOT"
check filter-mounts "$("$LSNS" -l -n -o NS -Q "MOUNTS == $((BASE + 2))")" "$MNS"
check filter-summary "$("$LSNS" -l -n -o NS -Q 'SUMMARY =~ "^uids 0-9 as 100000-100009, uids 10-14 as 200000-200004$"')" "$UNS"
# other kinds' rows are empty
check other-kinds "$("$LSNS" -r -n -o UIDMAP,OFFSETS,MOUNTS,ROOT -Q "NS == $(ino /proc/$$/ns/net)")" "   "
"$LSNS" -J -o NS,UIDMAP,GIDMAP,OFFSETS,MOUNTS,ROOT,SUMMARY | /usr/bin/python3 -c 'import json, sys
want = {
    int(sys.argv[1]): {"uidmap": [{"inside": 0, "outside": 100000, "count": 10}, {"inside": 10, "outside": 200000, "count": 5}],
                       "gidmap": [{"inside": 0, "outside": 300000, "count": 7}], "offsets": None, "mounts": None,
                       "summary": "uids 0-9 as 100000-100009, uids 10-14 as 200000-200004"},
    int(sys.argv[2]): {"offsets": [{"clock": "monotonic", "secs": 86400, "nsecs": 0}, {"clock": "boottime", "secs": 3600, "nsecs": 0}],
                       "uidmap": None, "summary": "monotonic +86400s, boottime +3600s"},
    int(sys.argv[3]): {"mounts": int(sys.argv[4]), "root": sys.argv[5], "uidmap": None,
                       "summary": "mounts %s, root %s (%s)" % (sys.argv[4], *sys.argv[5].rsplit(" ", 1))},
}
rows = {n["ns"]: n for n in json.load(sys.stdin)["namespaces"]}
bad = [(ns, k, rows.get(ns, {}).get(k), v) for ns, w in want.items() for k, v in w.items() if rows.get(ns, {}).get(k, "missing") != v]
print("json-ok" if not bad else bad)' $UNS $TNS $MNS $((BASE + 2)) "$ROOT"
kill $U $T $M
"#;
    let out = world(script);
    let want = "list-uidmap-ok\nraw-maps-ok\nnowrap-offsets-ok\nlist-offsets-ok\nbase-mounts-ok\nmounts-ok\nroot-ok\n\
                filter-mounts-ok\nfilter-summary-ok\nother-kinds-ok\njson-ok\n";
    assert_text(&format!("contents columns (stderr: {})", out.stderr), want, &out.stdout);
}

/// LEVEL and INIT of nested pid and user namespaces (`runshare -U -r -p -f runshare -U -r -p
/// -f sleep`): in the list, the process tree, the parent tree, JSON and filters.
#[test]
fn rlsns_levels_of_nested_namespaces() {
    if !privileged("rlsns_levels_of_nested_namespaces") || !python3(module_path!()) {
        return;
    }
    let script = r#"
"$RS" -U -r -p -f "$RS" -U -r -p -f sleep 1000 & N=$!
await_child runshare $N; N1=$child; await_child sleep $N1; N2=$child
U1=$(ino /proc/$N/ns/user); U2=$(ino /proc/$N1/ns/user); P0=$(ino /proc/$$/ns/pid); P1=$(ino /proc/$N1/ns/pid); P2=$(ino /proc/$N2/ns/pid)
# rows follow inode numbers, which new namespaces do not always take in order: compare sorted
check list "$("$LSNS" -l -n -o NS,TYPE,LEVEL,INIT,SUMMARY -t pid | tr -s ' ' | sort)" "$(sort <<EOF
$P0 pid 0 1 level 0, init 1
$P1 pid 1 $N1 level 1, init $N1
$P2 pid 2 $N2 level 2, init $N2
EOF
)"
check user-levels "$("$LSNS" -l -n -o NS,LEVEL -t user -Q "NS == $U1 || NS == $U2" | tr -s ' ' | sort)" "$(sort <<EOF
$U1 1
$U2 2
EOF
)"
check filter-level "$("$LSNS" -l -n -o NS -Q 'LEVEL == 2 && TYPE == "pid"')" "$P2"
check filter-init "$("$LSNS" -l -n -o NS -Q "INIT == $N1")" "$P1"
# the parent tree nests P2 under P1 under P0
"$LSNS" --tree=parent -n -o NS,LEVEL,INIT -t pid > /tmp/tree
check parent-tree "$(sed 's/  */ /g' /tmp/tree)" "$P0 0 1
\`-$P1 1 $N1
 \`-$P2 2 $N2"
# the process tree (COMMAND draws it) shows the columns on each line
check process-tree "$("$LSNS" -n -o NS,LEVEL,COMMAND -t pid -Q "NS == $P2" | tr -s ' ')" "$P2 2 sleep 1000"
"$LSNS" -J -o NS,TYPE,LEVEL,INIT -t pid -t user | /usr/bin/python3 -c 'import json, sys
a = [int(x) for x in sys.argv[1:]]
want = {a[0]: (1, None), a[1]: (2, None), a[2]: (0, 1), a[3]: (1, a[5]), a[4]: (2, a[6])}
rows = {n["ns"]: (n["level"], n["init"]) for n in json.load(sys.stdin)["namespaces"]}
bad = {ns: rows.get(ns) for ns, w in want.items() if rows.get(ns) != w}
print("json-ok" if not bad else bad)' $U1 $U2 $P0 $P1 $P2 $N1 $N2
kill $N
"#;
    let out = world(script);
    let want = "list-ok\nuser-levels-ok\nfilter-level-ok\nfilter-init-ok\nparent-tree-ok\nprocess-tree-ok\njson-ok\n";
    assert_text(&format!("LEVEL and INIT (stderr: {})", out.stderr), want, &out.stdout);
}

/// As nobody in a user namespace of its own, what the kernel does not let rlsns see stays
/// empty: the pid namespace's init (root's pid 1) is no member it can read, so INIT is empty;
/// no message, exit 0. Its own user namespace is level 0, with nobody mapped to root.
#[test]
fn rlsns_contents_unprivileged() {
    if !privileged("rlsns_contents_unprivileged") {
        return;
    }
    let script = r#"
OUT=$(setpriv --reuid 65534 --regid 65534 --clear-groups "$RS" -U -r sh -c '"$LSNS" -n -r -t user -t pid -o TYPE,UIDMAP,GIDMAP,OFFSETS,MOUNTS,ROOT,LEVEL,INIT,SUMMARY; echo "rc=$?"' 2>/tmp/err)
# rows follow inode numbers: compare them sorted
check unprivileged "$(printf '%s\n' "$OUT" | sort)" "$(sort <<'EOF'
pid      0  level\x200
user 0\x2065534\x201 0\x2065534\x201    0  uid\x200\x20as\x2065534
rc=0
EOF
)"
check no-message "$(cat /tmp/err)" ""
"#;
    let out = world(script);
    assert_text(&format!("unprivileged (stderr: {})", out.stderr), "unprivileged-ok\nno-message-ok\n", &out.stdout);
}

/// Contents that are true for any bytes and any namespace, each checked against what the
/// kernel shows otherwise (`nsenter ... cat`, `/proc/PID/mountinfo`):
/// - OFFSETS of a time namespace whose member unshared another one for its children (that
///   member's `timens_offsets` are its children's, not its own);
/// - LEVEL and INIT of a pid namespace whose init's command name has a `\377` byte;
/// - MOUNTS and ROOT of a mount namespace with a mount point that has a `\377` byte, and with
///   `top src` (mountinfo's `top\040src`) mounted on `/`;
/// - IPCOBJS' POSIX queues on an mqueue mount at a path with a `\377` byte;
/// - IFACES in JSON of an interface named `n\377`: the byte itself, as HOSTNAME and COMMAND.
#[test]
fn rlsns_contents_are_true_for_any_bytes() {
    if !privileged("rlsns_contents_are_true_for_any_bytes") {
        return;
    }
    let script = r#"
FF=$(printf '\377')
# time: T1 with its own offsets, whose second member unshares T2 for its children
"$RS" -T --monotonic=-5 --boottime=123 -f sh -c 'sleep 1000 & exec "$0" -T --monotonic=77 -f sleep 1000' "$RS" & T=$!
await_child runshare $T; T1=$child
# both sleeps, the inner runshare's in its own time namespace
two_sleeps() { [ "$(grep -lx sleep $(sed 's|[0-9]*|/proc/&/comm|g' /proc/$1/task/$1/children) 2>/dev/null | wc -l)" = 2 ]; }
await "two sleeping children of $T1" two_sleeps $T1
"$LSNS" -n -r -t time -o NS,PID,OFFSETS | while read -r ns pid offsets; do
    want=$(nsenter -t $pid -T cat /proc/self/timens_offsets | tr -s ' ' | sed 's/ /\\x20/g' | paste -sd,)
    [ "$offsets" = "$want" ] || echo "time $ns of pid $pid: got [$offsets] want [$want]"
done
check time-rows "$("$LSNS" -n -r -t time -o NS | wc -l)" 3
# pid: an init named s\377
cp /bin/sleep "/tmp/s$FF"
"$RS" -p -f "/tmp/s$FF" 1000 & P=$!
await_child "s$FF" $P; P1=$child
PNS=$(ino /proc/$P1/ns/pid)
check pid-level-init "$("$LSNS" -n -r -o LEVEL,INIT -Q "NS == $PNS")" "1 $P1"
# mnt: a mount point with \377, and "top src" on /
"$RS" -m --propagation private sh -c 'mkdir "/tmp/m$1" && mount -t tmpfs t "/tmp/m$1" && mount -t tmpfs "top src" / && exec sleep 1000' sh "$FF" & M=$!
await "top src on / in $M" grep -q "top.040src" /proc/$M/mountinfo
MNS=$(ino /proc/$M/ns/mnt)
check mnt-mounts-root "$("$LSNS" -n -r -o MOUNTS,ROOT -Q "NS == $MNS")" "$(wc -l < /proc/$M/mountinfo) top\x20src\x20tmpfs"
# ipc: a queue on an mqueue mount at /tmp/q\377
mkfifo /tmp/ipc-ready
"$RS" -m -i --propagation private sh -c 'mkdir "/tmp/q$1" && mount -t mqueue mq "/tmp/q$1" && touch "/tmp/q$1/a" "/tmp/q$1/b" && echo > /tmp/ipc-ready && exec sleep 1000' sh "$FF" & I=$!
read _ < /tmp/ipc-ready
INS=$(ino /proc/$I/ns/ipc)
check ipc-mqueue "$("$LSNS" -n -r -o IPCOBJS -Q "NS == $INS")" 'shm\x200,\x20sem\x200,\x20msg\x200,\x20mqueue\x202'
# net: an interface named n\377, in JSON
mkfifo /tmp/net-ready
"$RS" -n sh -c 'ip link add "n$1" type veth peer name p0 && echo > /tmp/net-ready && exec sleep 1000' sh "$FF" & N=$!
read _ < /tmp/net-ready
"$LSNS" -J -o IFACES -p $N -t net | grep -c "\"name\":\"n$FF\""
kill $T $P $M $I $N
"#;
    let out = world(script);
    assert_text(
        &format!("contents for any bytes (stderr: {})", out.stderr),
        "time-rows-ok\npid-level-init-ok\nmnt-mounts-root-ok\nipc-mqueue-ok\n1\n",
        &out.stdout,
    );
}

/// Short of descriptors, every cell is right or the shortage is said: ten namespaces with a
/// hostname and `lo` up, listed with SUMMARY (the inside columns' workers open sockets and
/// files) at every `ulimit -n` from 4 to 32, three times each, with and without
/// `--all-mounts`. A run either prints what an unlimited run prints, with status 0 and
/// nothing on stderr, or fails with a message; never a silent empty cell.
#[test]
fn rlsns_contents_short_of_descriptors_are_right_or_said() {
    if !privileged("rlsns_contents_short_of_descriptors_are_right_or_said") {
        return;
    }
    let script = r#"
# one FIFO per namespace: a FIFO's writers that meet one reader at once would be read as one
for i in $(seq 10); do
    mkfifo /tmp/up$i
    "$RS" -u -n -i sh -c "hostname box$i && ip link set lo up && echo > /tmp/up$i && exec sleep 1000" &
done
for i in $(seq 10); do read _ < /tmp/up$i; done
for opt in "" --all-mounts; do
    want=$("$LSNS" -n -o NS,SUMMARY $opt)
    # the reference itself is whole: ten hostnames, and lo up in (at least) the ten namespaces
    echo "$(echo "$want" | grep -c ' box[0-9]*$') $([ "$(echo "$want" | grep -c 'lo UNKNOWN')" -ge 10 ] && echo lo)" > /tmp/whole
    ok=0 said=0
    for lim in $(seq 4 32); do for run in 1 2 3; do
        got=$(sh -c "ulimit -n $lim; exec \"\$0\" -n -o NS,SUMMARY $opt" "$LSNS" 2>/tmp/err); rc=$?
        if [ $rc = 0 ] && [ "$got" = "$want" ] && [ ! -s /tmp/err ]; then ok=$((ok + 1))
        elif [ $rc != 0 ] && grep -q 'Too many open files' /tmp/err; then said=$((said + 1))
        else echo "ulimit -n $lim $opt: rc=$rc stderr=[$(cat /tmp/err)]"; diff <(echo "$want") <(echo "$got") | head -5
        fi
    done; done
    echo "[$opt] $(cat /tmp/whole); $((ok + said)) runs; right: $([ $ok -gt 0 ] && echo some); said: $([ $said -gt 0 ] && echo some)"
done
kill $(jobs -p)
"#;
    let out = world(script);
    assert_text(
        &format!("ulimit -n 4..32 (stderr: {})", out.stderr),
        "[] 10 lo; 87 runs; right: some; said: some\n[--all-mounts] 10 lo; 87 runs; right: some; said: some\n",
        &out.stdout,
    );
}

/// SUMMARY says every kind by one rule: items joined by `, `, each a label and its value
/// separated by one space, ASCII only in the C locale. One process in new namespaces of all
/// eight kinds (hostname `box`, `lo` up, clocks moved by -5 s and +123 s) shows each kind's
/// labels, in order, and the values this world makes certain.
#[test]
fn rlsns_summary_follows_one_rule_for_every_kind() {
    if !privileged("rlsns_summary_follows_one_rule_for_every_kind") {
        return;
    }
    let script = r#"
mkfifo /tmp/up
"$RS" -U -r -m -u -i -n -p -f -C -T --monotonic=-5 --boottime=123 --propagation private \
    sh -c 'hostname box && ip link set lo up && echo > /tmp/up && exec sleep 1000' & R=$!
read _ < /tmp/up
await_child sleep $R; S=$child
echo "init $S"
LC_ALL=C "$LSNS" -l -n -o TYPE,SUMMARY -p $S
kill $R
"#;
    let out = world(script);
    let mut lines = out.stdout.lines();
    let init = lines.next().and_then(|l| l.strip_prefix("init ")).unwrap_or_else(|| panic!("{out:?}")).to_string();
    let cells: std::collections::BTreeMap<&str, &str> =
        lines.filter_map(|l| l.split_once(' ')).map(|(kind, cell)| (kind, cell.trim_start())).collect();
    let labels: &[(&str, &[&str])] = &[
        ("user", &["uid"]),
        ("time", &["monotonic", "boottime"]),
        ("mnt", &["mounts", "root"]),
        ("pid", &["level", "init"]),
        ("cgroup", &["root"]),
        ("uts", &["hostname"]),
        ("net", &["lo"]),
        ("ipc", &["shm segments", "semaphore sets", "message queues"]),
    ];
    assert_eq!(cells.len(), labels.len(), "one row per kind: {out:?}");
    for (kind, want) in labels {
        let cell = cells.get(kind).unwrap_or_else(|| panic!("no {kind} row: {out:?}"));
        assert!(cell.bytes().all(|b| (0x20..0x7f).contains(&b)), "{kind}: not printable ASCII: {cell:?}");
        let items: Vec<&str> = cell.split(", ").collect();
        // ipc may add the POSIX queues when it finds its mqueue mount
        let extra = if *kind == "ipc" { &["posix queues"][..] } else { &[] };
        assert!(items.len() == want.len() || items.len() == want.len() + extra.len(), "{kind}: {cell:?}");
        for (item, label) in items.iter().zip(want.iter().chain(extra)) {
            let value = item.strip_prefix(label).and_then(|v| v.strip_prefix(' '));
            assert!(
                value.is_some_and(|v| !v.is_empty() && !v.starts_with(' ') && !v.ends_with(' ')),
                "{kind}: item {item:?} is not `{label} VALUE` in {cell:?}"
            );
        }
    }
    assert_eq!(cells["user"], "uid 0 as 0");
    assert_eq!(cells["time"], "monotonic -5s, boottime +123s");
    assert_eq!(cells["pid"], format!("level 1, init {init}"));
    assert_eq!(cells["uts"], "hostname box");
    assert!(cells["mnt"].ends_with(')') && cells["cgroup"].starts_with("root /"), "{cells:?}");
    assert!(cells["net"].starts_with("lo UNKNOWN 127.0.0.1/8"), "{cells:?}");
    assert!(cells["ipc"].starts_with("shm segments 0, semaphore sets 0, message queues 0"), "{cells:?}");
}
