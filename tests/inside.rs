//! rlsns's columns that only a namespace itself can answer (HOSTNAME, IFACES, IPCOBJS), against
//! what a throwaway world builds: hostnames in new uts namespaces, a veth pair with addresses
//! between two new network namespaces, System V IPC objects in a new ipc namespace.

use crate::common::*;

/// Shell lines building the namespaces: `$U1` and `$U2` (uts), `$A` and `$B` (net, the veth
/// pair between them, made inside `$A` so the host's namespace never holds it), `$I` (ipc);
/// `x ARGS` runs rlsns with those pids and the inode numbers replaced by names. The pids are
/// 1001 to 1005 however many processes the world ran before (one more directory to keep, where
/// the clone or its target lives under /tmp, made them two digits): the tables' PID columns
/// keep their widths, and no count in a cell is taken for a pid.
const SETUP: &str = r#"
echo 1000 >/proc/sys/kernel/ns_last_pid
"$RUNSHARE" -u sh -c 'hostname box-one; exec sleep 1000' & U1=$!
"$RUNSHARE" -u sh -c 'hostname box-two; domainname lab; exec sleep 1000' & U2=$!
"$RUNSHARE" -n sleep 1000 & A=$!
"$RUNSHARE" -n sleep 1000 & B=$!
"$RUNSHARE" -i sh -c 'ipcmk -M 4096 >/dev/null; ipcmk -Q >/dev/null; ipcmk -Q >/dev/null; ipcmk -S 2 >/dev/null; exec sleep 1000' & I=$!
await_comm sleep $U1 $U2 $A $B $I
"$RNSENTER" -t $A -n ip link add veth0 address 4e:3a:7b:01:00:01 type veth peer name veth1 address 4e:3a:7b:01:00:02 netns $B
"$RNSENTER" -t $A -n sh -c 'ip link set veth0 addrgenmode none && ip addr add 192.168.77.1/24 dev veth0 && ip link set veth0 up'
"$RNSENTER" -t $B -n sh -c 'ip link set veth1 addrgenmode none && ip addr add 192.168.77.2/24 dev veth1 && ip addr add fd00:77::2/64 dev veth1 nodad && ip link set veth1 up'
# the operstate follows the carrier a moment later
both_up() { "$LSNS" -n -r -o IFACES -t net | grep -c 'veth.\\x20UP' | grep -qx 2; }
await "both ends of the veth pair to be up" both_up
x() { "$LSNS" "$@" | sed -E "s/\b$U1\b/U1/; s/\b$U2\b/U2/; s/\b$A\b/A/; s/\b$B\b/B/; s/\b$I\b/I/; s/[0-9]{10}/INODE/g"; }
"#;

fn world(script: &str) -> Outcome {
    let env = [("LSNS", ours("lsns")), ("RUNSHARE", ours("unshare")), ("RNSENTER", ours("nsenter"))];
    throwaway_world("rns-inside", "", &format!("{SETUP}{script}\nkill $U1 $U2 $A $B $I\n"), &env)
}

/// Every output mode, and the filter, show what each namespace holds.
#[test]
fn rlsns_asks_namespaces_from_inside() {
    if !privileged("rlsns_asks_namespaces_from_inside") {
        return;
    }
    let script = r#"
x -p $U1 -t uts -o TYPE,HOSTNAME
x -p $U2 -t uts -o PID,HOSTNAME -l
x -p $B -t net -o PID,IFACES
x -p $A -t net -o IFACES -r
x -p $B -t net -W -o TYPE,IFACES
x -p $I -t ipc -o TYPE,IPCOBJS -r
x -p $B -J -t net -o PID,IFACES
x -p $I -J -t ipc -o IPCOBJS,HOSTNAME,IFACES
x -p $B -t net -T -o NS,TYPE,IFACES
x -n -o TYPE,PID -Q 'HOSTNAME == "box-two (lab)" || IPCOBJS == "shm 1, sem 1, msg 2" || IFACES =~ ".*192.168.77.1/24.*"' | LC_ALL=C sort
"#;
    let want = r#"TYPE HOSTNAME
uts  box-one
  PID HOSTNAME
 U2 box-two (lab)
  PID IFACES
 B lo DOWN
      veth1 UP 192.168.77.2/24 fd00:77::2/64
IFACES
lo\x20DOWN,veth0\x20UP\x20192.168.77.1/24
TYPE IFACES
net  lo DOWN,veth1 UP 192.168.77.2/24 fd00:77::2/64
TYPE IPCOBJS
ipc shm\x201,\x20sem\x201,\x20msg\x202
{
   "namespaces": [
      {
         "pid": B,
         "ifaces": [{"name":"lo","state":"DOWN","addresses":[]},{"name":"veth1","state":"UP","addresses":["192.168.77.2/24","fd00:77::2/64"]}]
      }
   ]
}
{
   "namespaces": [
      {
         "ipcobjs": {"shm":1,"sem":1,"msg":2},
         "hostname": null,
         "ifaces": null
      }
   ]
}
NS         TYPE IFACES
INODE net  lo DOWN
                veth1 UP 192.168.77.2/24 fd00:77::2/64
ipc    I
net    A
uts    U2
"#;
    let out = world(script);
    assert_text(&format!("inside columns (stderr: {})", out.stderr), want, &out.stdout);
}

/// Without the privilege to enter, the cells are empty, with no message and status 0.
#[test]
fn rlsns_inside_columns_unprivileged_are_empty() {
    if !privileged("rlsns_inside_columns_unprivileged_are_empty") {
        return;
    }
    let script = r#"
setpriv --reuid 65534 --regid 65534 --clear-groups "$LSNS" -n -r -o TYPE,HOSTNAME,IFACES,IPCOBJS -t uts -t net -t ipc >/tmp/out 2>&1
echo "status $?"
LC_ALL=C sort /tmp/out
"#;
    let out = world(script);
    assert_text(&format!("unprivileged (stderr: {})", out.stderr), "status 0\nipc   \nnet   \nuts   \n", &out.stdout);
}

/// A namespace no process is in is asked through what holds it: a bind mount of its nsfs
/// file, or a descriptor another process has open.
#[test]
fn rlsns_asks_process_less_namespaces() {
    if !privileged("rlsns_asks_process_less_namespaces") {
        return;
    }
    let script = r#"
touch /tmp/netpin; "$RUNSHARE" --net=/tmp/netpin ip link set lo up
"$RUNSHARE" -i sh -c 'ipcmk -Q >/dev/null; exec sleep 1000' & X=$!; await_comm sleep $X
# opened before the holder starts, so it holds the namespace before X is killed
exec 3</proc/$X/ns/ipc; sleep 1000 & H=$!; exec 3<&-; kill $X; wait $X 2>/dev/null
x -P -o TYPE,NPROCS,NSFS,IFACES,IPCOBJS | LC_ALL=C sort -s -k1,1
kill $H
"#;
    // sorted by kind (inode numbers are reused, so their order is not the order made)
    let want = "\
TYPE NPROCS NSFS        IFACES                         IPCOBJS
ipc       0                                            shm 0, sem 0, msg 1
net       0 /tmp/netpin lo UNKNOWN 127.0.0.1/8 ::1/128 
";
    let out = world(script);
    assert_text(&format!("process-less (stderr: {})", out.stderr), want, &out.stdout);
}

/// POSIX message queues are counted where a mount of the ipc namespace's own mqueue instance
/// is in the mount table of a process in it; a mount of another instance is not counted.
#[test]
fn rlsns_counts_posix_message_queues() {
    if !privileged("rlsns_counts_posix_message_queues") {
        return;
    }
    let script = r#"
mkdir /tmp/mq
"$RUNSHARE" -i -m sh -c 'mount -t mqueue none /tmp/mq && touch /tmp/mq/q1 /tmp/mq/q2 && ipcmk -Q >/dev/null && exec sleep 1000' & Q=$!
await_comm sleep $Q
# a new ipc namespace in Q's mount namespace, where Q's queues are mounted
"$RNSENTER" -t $Q -m "$RUNSHARE" -i sleep 1000 & O=$!
await_comm sleep $O
x -p $Q -t ipc -o NS,IPCOBJS
x -p $Q -J -t ipc -o IPCOBJS
x -p $O -t ipc -o TYPE,IPCOBJS
x -p $O -J -t ipc -o IPCOBJS
x -p $I -t ipc -o IPCOBJS
x -n -o TYPE,NPROCS -Q 'IPCOBJS == "shm 0, sem 0, msg 1, mqueue 2"'
kill $Q $O
"#;
    let want = r#"        NS IPCOBJS
INODE shm 0, sem 0, msg 1, mqueue 2
{
   "namespaces": [
      {
         "ipcobjs": {"shm":0,"sem":0,"msg":1,"mqueue":2}
      }
   ]
}
TYPE IPCOBJS
ipc  shm 0, sem 0, msg 0
{
   "namespaces": [
      {
         "ipcobjs": {"shm":0,"sem":0,"msg":0}
      }
   ]
}
IPCOBJS
shm 1, sem 1, msg 2
ipc   1
"#;
    let out = world(script);
    assert_text(&format!("posix queues (stderr: {})", out.stderr), want, &out.stdout);
}

/// A container that stalls whoever reads its files: a FUSE filesystem whose server never
/// answers, mounted over its mqueue directory (that mount is not mqueue: IPCOBJS counts no
/// queues and asks nothing of it) or over the directory above it (the path leads into FUSE:
/// the worker asking that namespace stalls, and past its deadline the cell stays empty). The
/// listing completes either way, and the host's row is whole.
#[test]
fn rlsns_inside_columns_outlast_a_stalled_filesystem() {
    if !privileged("rlsns_inside_columns_outlast_a_stalled_filesystem") {
        return;
    }
    let script = r#"
[ -c /dev/fuse ] || mknod /tmp/fuse c 10 229
fuse=/dev/fuse; [ -c /dev/fuse ] || fuse=/tmp/fuse
for over in q/m q; do
    mkdir -p /tmp/$over.up; mkfifo /tmp/$over.up/ready
    "$RUNSHARE" -m -i --propagation private sh -c '
        mkdir -p /tmp/q/m && mount -t mqueue mq /tmp/q/m && touch /tmp/q/m/q1 || exit 1
        exec 3<>"$2" && mount -t fuse -o fd=3,rootmode=40000,user_id=0,group_id=0 stall /tmp/$1 || exit 1
        echo ready > /tmp/$1.up/ready
        exec sleep 1000' sh $over $fuse & C=$!
    read state < /tmp/$over.up/ready
    timeout 60 "$LSNS" -n -r -o NS,SUMMARY -t ipc > /tmp/out; rc=$?
    # the host's own objects are its business: only that its cell is there
    host=$(awk -v ns=$(stat -L -c %i /proc/self/ns/ipc) '$1 == ns { print $2 }' /tmp/out | grep -q '^shm\\x20segments\\x20[0-9]' && echo whole)
    echo "over /tmp/$over: $state rc=$rc host=[$host] container=[$(awk -v ns=$(stat -L -c %i /proc/$C/ns/ipc) '$1 == ns { print $2 }' /tmp/out)]"
    kill $C; wait $C
done
"#;
    let env = [("LSNS", ours("lsns")), ("RUNSHARE", ours("unshare"))];
    let out = throwaway_world("rns-stall", "", script, &env);
    let want = "over /tmp/q/m: ready rc=0 host=[whole] container=[shm\\x20segments\\x200,\\x20semaphore\\x20sets\\x200,\\x20message\\x20queues\\x200]\n\
                over /tmp/q: ready rc=0 host=[whole] container=[]\n";
    assert_text(&format!("stalled FUSE (stderr: {})", out.stderr), want, &out.stdout);
}
