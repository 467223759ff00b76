//! rlsns `--all-mounts` (README "Beyond util-linux"): nsfs bind mounts in other mount
//! namespaces than rlsns's own, read through a process in the namespace or, for one without
//! processes, through a helper that enters it. Everything is built in a throwaway world (new
//! mount and pid namespaces, a private tmpfs on /tmp): its mounts and namespaces go with it,
//! also when the test fails.

use crate::common::*;

/// The world: mount namespace `$M1`, without processes, bound at /tmp/mntns, binds network
/// namespace `$NET1` at /tmp/x/netns of its own mount table (a tmpfs of its own on /tmp/x,
/// which rlsns's mount namespace does not have); a process `$W` in another mount namespace
/// binds `$NET2` at /tmp/y/n2 likewise; mount namespace `$M3`, kept only by descriptor 3 of
/// process `$F`, binds `$NET3` at /tmp/z/n3. The inodes go to files under /tmp, which all these
/// mount namespaces share.
///
/// `bind_mntns FILE SCRIPT` runs `runshare --mount=FILE -m sh -c SCRIPT`. The world runs on one
/// CPU: a kernel refuses (EINVAL, to util-linux's unshare as well) the bind of a mount namespace
/// whose id is not newer than the binder's, and only ids handed out on one CPU are ordered (on
/// several, the retries it took could run out on a machine with many CPUs). It still retries,
/// for a kernel that orders them otherwise; a mount namespace whose bind failed dies with its
/// process.
const WORLD: &str = r#"
ino() { stat -L -c %i "$1"; }
bind_mntns() {
    for _ in $(seq 50); do "$RUNSHARE" --mount="$1" -m sh -c "$2" 2>/dev/null && return; done
    echo "cannot bind a mount namespace at $1"; exit 98
}
mkdir /tmp/x /tmp/y; touch /tmp/mntns
bind_mntns /tmp/mntns '
    mount -t tmpfs t /tmp/x && touch /tmp/x/netns && "$RUNSHARE" --net=/tmp/x/netns true &&
    stat -L -c %i /tmp/x/netns > /tmp/net1'
"$RUNSHARE" -m sh -c '
    mount -t tmpfs t /tmp/y && touch /tmp/y/n2 && "$RUNSHARE" --net=/tmp/y/n2 true &&
    stat -L -c %i /tmp/y/n2 > /tmp/net2.new && mv /tmp/net2.new /tmp/net2 && exec sleep 1000' & W=$!
mkdir /tmp/z; touch /tmp/mntns3
bind_mntns /tmp/mntns3 '
    mount -t tmpfs t /tmp/z && touch /tmp/z/n3 && "$RUNSHARE" --net=/tmp/z/n3 true &&
    stat -L -c %i /tmp/z/n3 > /tmp/net3'
# the shell opens descriptor 3 before forking the holder, so umount cannot come first
exec 3</tmp/mntns3; sleep 1000 & F=$!; exec 3<&-; M3=$(ino /tmp/mntns3); umount -l /tmp/mntns3
await "$W's binding" test -e /tmp/net2
M1=$(ino /tmp/mntns); NET1=$(cat /tmp/net1); NET2=$(cat /tmp/net2); MW=$(ino /proc/$W/ns/mnt)
NET3=$(cat /tmp/net3)
"#;

#[test]
fn rlsns_all_mounts_finds_namespaces_bound_in_other_mount_namespaces() {
    if !privileged("rlsns_all_mounts") || !crate::common::python3(module_path!()) {
        return;
    }
    let script = format!(
        "{WORLD}{}",
        r#"
row() { awk -v ns="$1" '$1 == ns { $1 = ""; print substr($0, 2) }'; }
echo "plain: [$("$LSNS" -n -r -o NS,NSFS -t net | row $NET1)]"
echo "plain -P: [$("$LSNS" -n -r -P -o NS | row $NET1)]"
"$LSNS" --all-mounts -n -r -o NS,NSFS -t net | row $NET1 | sed "s/$M1/M1/"
"$LSNS" --all-mounts -n -r -o NS,NSFS -t net | row $NET2 | sed "s/$MW/MW/"
"$LSNS" --all-mounts -n -r -o NS,NSFS -t net | row $NET3 | sed "s/$M3/M3/"
"$LSNS" --all-mounts -n -r -o NS,TYPE,NPROCS,HOLDERS | row $NET1 | sed "s/$M1/M1/"
"$LSNS" --all-mounts -n -r -P -o NS,TYPE | row $NET1
"$LSNS" --all-mounts -n -r -P -o NS,TYPE,NSFS | row $M1
"$LSNS" --all-mounts -J -o NS,NSFS,HOLDERS | /usr/bin/python3 -c 'import json, sys
want = "[mnt:%s]/tmp/x/netns" % sys.argv[2]
for n in json.load(sys.stdin)["namespaces"]:
    if n["ns"] == int(sys.argv[1]): print(n["nsfs"] == want and n["holders"] == [want] and "json-ok" or n)' $NET1 $M1
# as nobody, the mount namespaces cannot be entered or read: the same listing, no message
nobody() { setpriv --reuid 65534 --regid 65534 --clear-groups "$LSNS" "$@" 2>&1; echo "rc=$?"; }
[ "$(nobody -n -r -o NS,TYPE,NSFS)" = "$(nobody --all-mounts -n -r -o NS,TYPE,NSFS)" ] && echo unprivileged-same
kill $W $F
"#
    );
    let env = [("LSNS", ours("lsns")), ("RUNSHARE", ours("unshare"))];
    let out = throwaway_world_on_one_cpu("rns-allmounts", "", &script, &env);
    let want = "plain: []\nplain -P: []\n[mnt:M1]/tmp/x/netns\n[mnt:MW]/tmp/y/n2\n[mnt:M3]/tmp/z/n3\nnet 0 [mnt:M1]/tmp/x/netns\n\
                net\nmnt /tmp/mntns\njson-ok\nunprivileged-same\n";
    assert_text(&format!("--all-mounts (stderr: {})", out.stderr), want, &out.stdout);
}

/// A namespace found only through another mount namespace's bind mount, with no process and
/// no bind in rlsns's own mount table, still gets its inside columns: rlsns enters it through
/// the descriptor `--all-mounts` opened, not through its `[mnt:INODE]PATH` label.
#[test]
fn rlsns_all_mounts_namespaces_have_their_inside_columns() {
    if !privileged("rlsns_all_mounts_namespaces_have_their_inside_columns") {
        return;
    }
    let script = format!(
        "{WORLD}{}",
        r#"
row() { awk -v ns="$1" '$1 == ns { $1 = ""; print substr($0, 2) }'; }
"$LSNS" -P --all-mounts -n -r -o NS,TYPE,IFACES | row $NET1
"$LSNS" -P --all-mounts -n -r -o NS,TYPE,IFACES | row $NET3
"$LSNS" --all-mounts -n -r -o NS,SUMMARY -t net | row $NET1
kill $W $F
"#
    );
    let env = [("LSNS", ours("lsns")), ("RUNSHARE", ours("unshare"))];
    let out = throwaway_world_on_one_cpu("rns-allmounts", "", &script, &env);
    assert_text(
        &format!("inside columns (stderr: {})", out.stderr),
        "net lo\\x20DOWN\nnet lo\\x20DOWN\nlo\\x20DOWN\n",
        &out.stdout,
    );
}

/// The container's part: a process in a mount namespace of its own binds a network namespace
/// at x/y/ns and a mount namespace at x/y/mnt, covers x with a tmpfs (the binds stay in its
/// mountinfo) and puts something else at both paths: a FIFO, a symlink to a namespace of the
/// host's pid 1 (absolute, so it would resolve from rlsns's root), a symlink to a host file, a
/// device node; or covers x with a FUSE filesystem whose server never answers. `rlsns
/// --all-mounts` finishes, lists nothing under another kind, opens no host file (no
/// `Unsupported ioctl` message) and no device.
#[test]
fn rlsns_all_mounts_opens_only_the_nsfs_file_mountinfo_names() {
    if !privileged("rlsns_all_mounts_opens_only_the_nsfs_file_mountinfo_names") {
        return;
    }
    let script = r#"
echo host > /tmp/hostfile
FUSE=/dev/fuse; [ -c $FUSE ] || { FUSE=/tmp/fuse; mknod $FUSE c 10 229; }; export FUSE
for what in fifo link-ns link-host device fuse; do
    mkdir /tmp/$what; mkfifo /tmp/$what/ready
    "$RUNSHARE" -m --propagation private sh -c '
        what=$1; c=/tmp/$what
        mkdir -p $c/x/y && touch $c/x/y/ns $c/x/y/mnt && "$RUNSHARE" --net=$c/x/y/ns true || exit 1
        for _ in $(seq 50); do "$RUNSHARE" --mount=$c/x/y/mnt true 2>/dev/null && break; done
        stat -L -c %i $c/x/y/ns > $c/net || exit 1
        if [ $what = fuse ]; then
            exec 3<>"$FUSE" && mount -t fuse -o fd=3,rootmode=40000,user_id=0,group_id=0 stall $c/x || exit 1
        else
            mount -t tmpfs cover $c/x && mkdir $c/x/y || exit 1
        fi
        case $what in
        fifo) mkfifo $c/x/y/ns $c/x/y/mnt ;;
        link-ns) ln -s /proc/1/ns/user $c/x/y/ns; ln -s /proc/1/ns/mnt $c/x/y/mnt ;;
        link-host) ln -s /tmp/hostfile $c/x/y/ns; ln -s /tmp/hostfile $c/x/y/mnt ;;
        device) mknod $c/x/y/ns c 1 3; mknod $c/x/y/mnt c 1 5 ;;
        esac
        echo ready > $c/ready
        exec sleep 1000' sh $what & C=$!
    read state < /tmp/$what/ready
    NET=$(cat /tmp/$what/net)
    timeout 20 "$LSNS" --all-mounts -n -r -o NS,TYPE > /tmp/$what/out 2> /tmp/$what/err; rc=$?
    echo "$what $state rc=$rc stderr=[$(cat /tmp/$what/err)] net-as=[$(awk -v ns=$NET '$1 == ns && $2 != "net"' /tmp/$what/out)]"
    kill $C; wait $C
done
"#;
    let env = [("LSNS", ours("lsns")), ("RUNSHARE", ours("unshare"))];
    let out = throwaway_world_on_one_cpu("rns-hostile-paths", "", script, &env);
    let want: String = ["fifo", "link-ns", "link-host", "device", "fuse"]
        .iter()
        .map(|what| format!("{what} ready rc=0 stderr=[] net-as=[]\n"))
        .collect();
    assert_text(&format!("hostile mount paths (stderr: {})", out.stderr), &want, &out.stdout);
}
