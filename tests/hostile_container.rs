//! A hostile container's root: what it names (its cgroups, the mount points of its mount
//! namespace) reaches the terminal only escaped, and one value stays one value. Each test plays
//! the container for real: cgroups named with terminal escapes, a mount point with a newline
//! that, taken as a separator, would add a line to a table or an item to a JSON array.

use crate::common::*;
use crate::extras::{random_id, ContainerWorld};

/// Prints, for the namespace whose inode is `argv[1]` in rlsns's JSON on stdin (trees walked),
/// its NSFS and HOLDERS as Python reprs; fails, as `json.load` does, on JSON that does not parse.
const JSON_VALUES: &str = r#"json() { /usr/bin/python3 -c 'import json, sys
def walk(nodes):
    for n in nodes:
        yield n
        yield from walk(n.get("children", []))
for n in walk(json.load(sys.stdin)["namespaces"]):
    if n["ns"] == int(sys.argv[1]): print(repr(n.get("nsfs")), repr(n.get("holders")))' "$1" | show; }
"#;

/// A network namespace bound at a path whose newline is followed by what looks like another
/// row (`4026531999 net fakeline`), in rlsns's own mount namespace, with a process in it (so
/// lsns 2.38.1 lists it too). NSFS and HOLDERS show the path as one value in every mode: its
/// newline escaped `\x0a` where the cell would break a line, `\n` inside one JSON string.
/// util-linux takes that newline for its separator in tables (the path shows as two lines);
/// where it shows one line (`-r`, `-W`) rlsns's answer is its own.
#[test]
fn a_newline_in_a_mount_point_stays_in_its_value() {
    if !privileged("a_newline_in_a_mount_point_stays_in_its_value") || !python3(module_path!()) {
        return;
    }
    let script = format!(
        "{JSON_VALUES}{}",
        r#"
D=$'/tmp/nl/first\n4026531999 net fakeline'
mkdir -p "$D" && touch "$D/ns" && unshare --net="$D/ns" true || exit 99
mkfifo /tmp/ready
nsenter --net="$D/ns" sh -c 'echo > /tmp/ready; exec sleep 1000' & S=$!
read -r _ < /tmp/ready
NET=$(stat -L -c %i "$D/ns")
show() { sed "s/$NET/NET/g; s/\bpid:$S\b/pid:S/g"; }
for opts in "" -l -r -W; do
    echo "-- $opts"; "$LSNS" -n $opts -o NS,NSFS,HOLDERS $NET | show
    [ "$("$LSNS" $opts -o NS,NSFS $NET)" = "$(lsns $opts -o NS,NSFS $NET)" ] && echo "NSFS as lsns"
done
echo "-- -J"; "$LSNS" -J -o NS,NSFS,HOLDERS $NET | json $NET
echo "-- lsns -J"; lsns -J -o NS,NSFS $NET | json $NET
echo "-- -J -T"; "$LSNS" -J -T -o NS,NSFS,HOLDERS | json $NET
kill $S
"#
    );
    let out = throwaway_world("rns-nl-own", "", &script, &[("LSNS", ours("lsns"))]);
    let path = r"/tmp/nl/first\x0a4026531999 net fakeline/ns";
    let raw = r"/tmp/nl/first\x0a4026531999\x20net\x20fakeline/ns";
    let json = r"'/tmp/nl/first\n4026531999 net fakeline/ns'";
    let want = format!(
        "-- \nNET {path} pid:S\n{:w$}{path}\n\
         -- -l\nNET {path} pid:S\n{:w$}{path}\n\
         -- -r\nNET {raw} pid:S,{raw}\nNSFS as lsns\n\
         -- -W\nNET {path} pid:S,{path}\nNSFS as lsns\n\
         -- -J\n{json} ['pid:S', {json}]\n\
         -- lsns -J\n{json} None\n\
         -- -J -T\n{json} ['pid:S', {json}]\n",
        "",
        "",
        w = 11 + path.len() + 1,
    );
    assert_text(&format!("a newline in a mount point (stderr: {})", out.stderr), &want, &out.stdout);
}

/// The same path in two other mount namespaces (`--all-mounts`), each a process keeps, each
/// binding a network namespace without processes: `[mnt:INODE]PATH` stays one value in NSFS
/// and HOLDERS, and the JSON of every view parses (a value's newline used to leave half a tree
/// line in `-J -T`, after the first of the two).
#[test]
fn a_newline_in_another_mount_namespace_stays_in_its_value() {
    if !privileged("a_newline_in_another_mount_namespace_stays_in_its_value") || !python3(module_path!()) {
        return;
    }
    let script = format!(
        "{JSON_VALUES}{}",
        r#"
mkfifo /tmp/ready
for i in 1 2; do
    D="/tmp/nl$i/first"$'\n'"4026531999 net fakeline"
    mkdir -p "$D" && touch "$D/ns" || exit 99
    unshare -m --propagation private sh -c 'unshare --net="$1/ns" true; echo $? > /tmp/ready; exec sleep 1000' sh "$D" &
    eval "S$i=\$!"
    read -r rc < /tmp/ready; [ "$rc" = 0 ] || exit 99
done
D="/tmp/nl1/first"$'\n'"4026531999 net fakeline"
NET=$(nsenter -t $S1 -m stat -L -c %i "$D/ns"); M=$(stat -L -c %i /proc/$S1/ns/mnt)
show() { sed "s/$NET/NET/g; s/\[mnt:$M\]/[mnt:M]/g"; }
for opts in "" -l -r; do
    echo "-- $opts"; "$LSNS" --all-mounts -n $opts -o NS,NSFS,HOLDERS -Q "NS == $NET" | show
done
echo "-- -J"; "$LSNS" --all-mounts -J -o NS,NSFS,HOLDERS | json $NET
for tree in owner parent process; do
    echo "-- -J --tree=$tree"; "$LSNS" --all-mounts -J --tree=$tree -o NS,NSFS | json $NET
done
kill $S1 $S2
"#
    );
    let out = throwaway_world("rns-nl-all", "", &script, &[("LSNS", ours("lsns"))]);
    let path = r"[mnt:M]/tmp/nl1/first\x0a4026531999 net fakeline/ns";
    let raw = r"[mnt:M]/tmp/nl1/first\x0a4026531999\x20net\x20fakeline/ns";
    let json = r"'[mnt:M]/tmp/nl1/first\n4026531999 net fakeline/ns'";
    let want = format!(
        "-- \nNET {path} {path}\n-- -l\nNET {path} {path}\n-- -r\nNET {raw} {raw}\n\
         -- -J\n{json} [{json}]\n-- -J --tree=owner\n{json} None\n-- -J --tree=parent\n{json} None\n\
         -- -J --tree=process\n{json} None\n"
    );
    assert_text(&format!("a newline in another mount namespace (stderr: {})", out.stderr), &want, &out.stdout);
}

/// Two containers whose cgroups are named with a terminal escape (`ESC ]0;...BEL` sets a
/// terminal's title), a process in each: rnsenter's "matches several containers" shows both
/// names escaped (`\x1b`, `\x07`), as rlsns's CONTAINER column shows them, and the argument
/// as typed.
#[test]
fn cgroup_names_reach_the_several_containers_message_escaped() {
    let test = "cgroup_names_reach_the_several_containers_message_escaped";
    if !privileged(test) {
        return;
    }
    let name = format!("rns-{}", &random_id()[..8]);
    let mut world = ContainerWorld::new();
    world.start("ctr-cg1", &[&format!("unified/lxc.payload.{name}\x1b]0;CG1\x07")]);
    world.start("ctr-cg2", &[&format!("unified/lxc.payload.{name}\x1b]0;CG2\x07")]);
    let out = run_ours("nsenter", &["-t", &format!("lxc:{name}"), "-u", "true"]);
    let (cg1, cg2) = (format!(r"lxc:{name}\x1b]0;CG1\x07"), format!(r"lxc:{name}\x1b]0;CG2\x07"));
    let want = format!("nsenter: 'lxc:{name}' matches several containers: {cg1}, {cg2}\n");
    assert_text(&format!("stderr of `{}`", out.command), &want, &out.stderr);
    assert_eq!((out.stdout.as_str(), out.status), ("", 1), "{out:?}");
    let out = run_ours("lsns", &["-t", "pid", "-n", "-o", "CONTAINER"]);
    let lines: Vec<&str> = out.stdout.lines().map(str::trim_end).collect();
    assert!(lines.contains(&cg1.as_str()) && lines.contains(&cg2.as_str()), "{out:?}");
}

/// One name, with a terminal escape, in two places: on the host and inside another container
/// (a container that may create cgroups named one like its neighbour). rnsenter refuses it,
/// and its "different places" message shows both names escaped.
#[test]
fn cgroup_names_reach_the_nested_message_escaped() {
    let test = "cgroup_names_reach_the_nested_message_escaped";
    if !privileged(test) {
        return;
    }
    let (name, outer) = (format!("rns-{}", &random_id()[..8]), format!("rns-{}", &random_id()[..8]));
    let mut world = ContainerWorld::new();
    world.start("ctr-host", &[&format!("unified/lxc.payload.{name}\x1b]0;N\x07")]);
    world.start("ctr-nested", &[&format!("unified/lxc.payload.{outer}\x1b]2;O\x07/lxc.payload.{name}\x1b]0;N\x07")]);
    let out = run_ours("nsenter", &["-t", &format!("lxc:{name}"), "-u", "true"]);
    let want = format!(
        "nsenter: lxc:{name}\\x1b]0;N\\x07 is the name of containers in different places: \
         on the host, inside lxc:{outer}\\x1b]2;O\\x07\n"
    );
    assert_text(&format!("stderr of `{}`", out.command), &want, &out.stderr);
    assert_eq!((out.stdout.as_str(), out.status), ("", 1), "{out:?}");
}

/// Without a program rnsenter runs the login shell, and with `-e` that is the target's $SHELL:
/// a container that names it with a terminal escape and makes it fail sees the name escaped in
/// `failed to execute`. A program the user names is quoted as typed, as util-linux quotes it.
#[test]
fn a_shell_the_target_names_is_escaped_in_messages() {
    if !privileged("a_shell_the_target_names_is_escaped_in_messages") {
        return;
    }
    let script = r#"
mkfifo /tmp/ready
SHELL=$'/nonexistent/\e]0;x\a' sh -c 'echo > /tmp/ready; exec sleep 1000' & S=$!
read -r _ < /tmp/ready
"$NSENTER" -t $S -u -e 2>&1; echo "rc=$?"
"$NSENTER" -t $S -u $'/nonexistent/\e]0;y\a' 2>&1; echo "rc=$?"
kill $S
"#;
    let out = throwaway_world("rns-shell", "", script, &[("NSENTER", ours("nsenter"))]);
    let want = "rnsenter: failed to execute /nonexistent/\\x1b]0;x\\x07: No such file or directory\nrc=127\n\
                rnsenter: failed to execute /nonexistent/\x1b]0;y\x07: No such file or directory\nrc=127\n";
    assert_text(&format!("a shell named by the target (stderr: {})", out.stderr), want, &out.stdout);
}
