//! Every example the documentation shows, run: the command lines of README.md's shell blocks
//! and of each man page's EXAMPLES (from the same `ToolDoc` data `cargo xtask gen` renders), each
//! in a throwaway world of its own (new mount, UTS, IPC, network and PID namespaces, tmpfs on
//! /tmp, /run and /root) with the tools built by cargo on PATH under their names. Each must exit
//! as its text says and print what the text says it prints. An example that cannot run here is
//! in [`NOT_RUN`] with the reason; the examples that name a container run on the host against
//! containers the test makes ([`ON_CONTAINERS`]); an example that is in no list fails the test,
//! so a new one is run or explained. The developer's commands (cargo, the CI scripts) of the README,
//! CONTRIBUTING.md and docs/ are not run, but must name tasks, options and files that exist.

use crate::common::*;
use crate::extras::{random_id, ContainerWorld};
use std::path::Path;

/// One example as the documentation shows it.
#[derive(Debug, Clone)]
struct Example {
    /// Where: `README.md` or the man page.
    source: String,
    /// The command line (a script block's first line stands for the whole block).
    command: String,
    /// What the text says of it (the comment beside it, or the man page's description).
    says: String,
    /// A README block that is one script (state kept from line to line): all of it.
    script: Option<String>,
}

/// Examples that are not run, with the reason.
const NOT_RUN: &[(&str, &str)] = &[
    ("cargo run --release --bin rlsns", "builds a release of the workspace; the test runs the build under test"),
    ("./ci-test.sh", "runs this very suite (and installs packages)"),
    ("cargo xtask install --prefix ~/.local", "installs into the system or the home directory"),
    ("cargo xtask install --prefix /usr/local --as-util-linux", "installs into the system"),
    ("cargo xtask gen", "rewrites man/ and completions/; docs::generated_docs_are_fresh checks what it writes"),
    ("cargo xtask gen --check", "docs::generated_docs_are_fresh makes the same comparison in-process"),
    ("cargo test --test tests docs", "runs a module of this suite"),
];

/// The examples that name a container, run on the host against the containers
/// [`container_examples_do_what_their_text_says`] makes, what they read on stdin, and what
/// their output must show.
#[allow(clippy::type_complexity)]
const ON_CONTAINERS: &[(&str, &str, fn(&Outcome) -> Result<(), String>)] = &[
    ("rnsenter -t docker:3f2a -a ps -ef", "", sees_only_the_container),
    ("rnsenter -t docker:3f2a -n ss -tlnp", "", |out| {
        some_line(out, "the container's listener on 127.0.0.1:7777", |l| l.contains("127.0.0.1:7777"))
    }),
    ("rnsenter -t lxc:web -a", "hostname\n", |out| {
        (out.stdout == "web\n").then_some(()).ok_or("the shell in the container names its host `web`".into())
    }),
];

/// `ps -ef` in the docker container: its init as PID 1, its sleeper and listener, ps, and
/// nothing else.
fn sees_only_the_container(out: &Outcome) -> Result<(), String> {
    header(out, "UID PID PPID C STIME TTY TIME CMD")?;
    some_line(out, "the container's init as PID 1", |l| cells(l).get(1) == Some(&"1"))?;
    some_line(out, "the container's sleeper", |l| l.ends_with("sleep 1000"))?;
    some_line(out, "ps itself", |l| l.ends_with("ps -ef"))?;
    let processes = rows(out).len();
    (processes == 4)
        .then_some(())
        .ok_or(format!("{processes} processes, not the container's 4 (init, sleeper, listener, ps)"))
}

/// How an example is run and what it must show.
struct Case {
    /// The example's command line, as the documentation shows it.
    command: &'static str,
    /// Shell lines run before it in the world ([`setup`]'s pieces).
    setup: &'static [&'static str],
    /// Placeholders of the text and what stands for them in the world (`PID` -> `$PID`).
    replace: &'static [(&'static str, &'static str)],
    /// What the example reads on its standard input (a shell's commands).
    stdin: &'static str,
    /// Shell lines run after it (a script block's second command).
    then: &'static str,
    /// The exit status the text promises.
    status: i32,
    /// What its output must show; the error names what is missing.
    shows: fn(&Outcome) -> Result<(), String>,
}

/// Setup: a process `$S` that shares every namespace with the shell.
const SIBLING: &str = "sleep infinity & S=$!; await_comm sleep $S\n";
/// Setup: a process in a network namespace of its own, child of the shell.
const NET_CHILD: &str = "runshare -n sleep infinity & await_comm sleep $!\n";
/// Setup: a process in new user and network namespaces (the network one owned by the user one).
const USER_NET_CHILD: &str = "runshare -U -r -n sleep infinity & await_comm sleep $!\n";
/// Setup: `$PID`, the init of a container-like process (new mount, UTS, IPC, network and PID
/// namespaces; host name rns-target, a veth pair rnsdemo/rnsdemo1 in its network namespace).
const TARGET: &str = r#"runshare -m -u -i -n -p -f --mount-proc sh -c 'hostname rns-target && ip link add rnsdemo type veth peer name rnsdemo1 && exec sleep infinity' & T=$!
await_child sleep $T; PID=$child
"#;
/// Setup: `$U`, a process in a user namespace where root outside is 1000 inside.
const USERNS_1000: &str = "runshare -U --map-user=1000 --map-group=1000 sleep infinity & U=$!; await_comm sleep $U\n";
/// Setup: root has the subordinate ranges 100000-165535 (files bound over /etc/subuid, /etc/subgid).
const SUBIDS: &str =
    "for f in subuid subgid; do echo root:100000:65536 > /tmp/$f && mount --bind /tmp/$f /etc/$f || exit 99; done\n";
/// Setup: network namespace blue of ip-netns(8), with a TCP listener on port 7777.
const BLUE: &str = r#"ip netns add blue || exit 99
ip netns exec blue /usr/bin/python3 -c 'import socket, time
s = socket.socket(); s.bind(("0.0.0.0", 7777)); s.listen(); time.sleep(1000)' &
listening() { ip netns exec blue ss -Htln | grep -q ':7777 '; }
await "the listener in blue" listening
"#;
/// Setup: a mount namespace without processes bound at /run/ctr/mntns, whose own mount table
/// binds a network namespace at /run/netns/x (a tmpfs of its own there). The world runs on one
/// CPU, where namespace ids are ordered, and retries as tests/all_mounts.rs does.
const CNI_LEAK: &str = r#"mkdir -p /run/ctr; touch /run/ctr/mntns
for _ in $(seq 50); do
    runshare --mount=/run/ctr/mntns -m sh -c 'mkdir -p /run/netns && mount -t tmpfs t /run/netns && touch /run/netns/x && runshare --net=/run/netns/x true' 2>/dev/null && break
done
mountpoint -q /run/ctr/mntns || { echo "cannot bind a mount namespace" >&2; exit 99; }
# The inner runshare's bind helper (forked before unshare(2), so in this mount namespace) learns
# that the program was executed from end of file and leaves a moment later, after the program
# may have ended: until then the namespace has a process, and -P leaves it out.
M=$(stat -L -c %i /run/ctr/mntns)
left() { ! readlink /proc/[0-9]*/ns/mnt 2>/dev/null | grep -qx "mnt:\[$M\]"; }
await "every process to leave mount namespace $M" left
"#;

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// The first line's words are `header`'s.
fn header(out: &Outcome, header: &str) -> Result<(), String> {
    let first = out.stdout.lines().next().unwrap_or("");
    if words(first) != words(header) {
        return Err(format!("the header is {first:?}, the text shows {header:?}"));
    }
    Ok(())
}

/// Some line satisfies `pred`.
fn some_line(out: &Outcome, what: &str, pred: impl Fn(&str) -> bool) -> Result<(), String> {
    if out.stdout.lines().any(pred) {
        Ok(())
    } else {
        Err(format!("no line shows {what}"))
    }
}

/// The rows below the header.
fn rows(out: &Outcome) -> Vec<&str> {
    out.stdout.lines().skip(1).collect()
}

/// A tree row's words without the glyphs before the first cell (`|`, `` `- ``, `|-`).
fn cells(line: &str) -> Vec<&str> {
    words(line).into_iter().map(|w| w.trim_start_matches(['|', '`', '-'])).filter(|w| !w.is_empty()).collect()
}

fn net_tree_under_user(out: &Outcome) -> Result<(), String> {
    header(out, "NS TYPE NPROCS PID USER COMMAND")?;
    let rows = rows(out);
    let nested = rows.windows(2).any(|w| {
        let (parent, child) = (cells(w[0]), cells(w[1]));
        parent.get(1) == Some(&"user") && child.get(1) == Some(&"net") && w[1].contains('-')
    });
    nested.then_some(()).ok_or_else(|| "no network namespace is drawn under its user namespace".to_string())
}

fn ps_sees_itself_as_pid_1(out: &Outcome) -> Result<(), String> {
    let rows = rows(out);
    let ok = rows.len() == 1 && words(rows[0]).get(1) == Some(&"1") && rows[0].ends_with("ps -ef");
    ok.then_some(()).ok_or_else(|| "ps -ef is not alone, as PID 1".to_string())
}

fn shows_rnsdemo(out: &Outcome) -> Result<(), String> {
    some_line(out, "the target's interface rnsdemo", |l| l.contains("rnsdemo"))?;
    some_line(out, "its loopback device", |l| l.contains("lo:"))
}

fn compares_same(out: &Outcome, kinds: usize) -> Result<(), String> {
    header(out, "TYPE NS1 ID1 NS2 ID2 RESULT")?;
    let results: Vec<&str> = out.stdout.lines().skip(1).take(kinds).filter_map(|l| words(l).last().copied()).collect();
    (results.len() == kinds && results.iter().all(|r| *r == "same"))
        .then_some(())
        .ok_or_else(|| format!("not {kinds} kinds, all the same"))
}

fn leaked_netns(out: &Outcome) -> Result<(), String> {
    let mnt = rows(out).iter().find(|l| words(l).get(1) == Some(&"mnt")).map(|l| words(l)[0].to_string());
    let mnt = mnt.ok_or("no mount namespace row")?;
    some_line(out, "the mount namespace at /run/ctr/mntns", |l| words(l).get(2) == Some(&"/run/ctr/mntns"))?;
    let nsfs = format!("[mnt:{mnt}]/run/netns/x");
    some_line(out, &format!("the network namespace at {nsfs}"), |l| {
        words(l).get(1) == Some(&"net") && words(l).get(2) == Some(&nsfs.as_str())
    })
}

/// Digits runs of nine and more (namespace inodes and ids) as `N`, and link-local addresses
/// (made from random MAC addresses) as `fe80::X`: what differs from run to run.
fn normalize(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c.is_ascii_digit() {
            let n = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            out.push_str(if n >= 9 { "N" } else { &rest[..n] });
            rest = &rest[n..];
        } else if let Some(tail) = rest.strip_prefix("fe80::") {
            let n = tail.find(|c: char| !c.is_ascii_hexdigit() && c != ':').unwrap_or(tail.len());
            out.push_str("fe80::X");
            rest = &tail[n..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The README's veth pair: its table shows what the sample shows, apart from the host's own
/// namespace (first, with whatever interfaces the host has), and its JSON is the sample's.
fn veth_pair_as_the_readme_shows(out: &Outcome) -> Result<(), String> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let blocks = fenced_blocks(&readme);
    let at = blocks
        .iter()
        .position(|(lang, text)| lang == "sh" && text.contains("veth0 type veth"))
        .ok_or("no veth block in README.md")?;
    let (table, json) = match (blocks.get(at + 1), blocks.get(at + 2)) {
        (Some((t, table)), Some((j, json))) if t.is_empty() && j == "json" => (table, json),
        _ => return Err("the veth block is not followed by its table and its JSON".into()),
    };
    // The table: the header and the rows of the two namespaces with a veth end (a row and
    // the lines continuing it), in either order (inode numbers come in no order); the host's
    // namespace has whatever interfaces the host has.
    let veth_rows = |text: &str| -> String {
        let mut lines = text.lines();
        let head = format!("{}\n", lines.next().unwrap_or(""));
        let (mut rows, mut row) = (Vec::new(), String::new());
        for line in lines.chain([""]) {
            if !line.starts_with(' ') {
                if row.contains("veth") {
                    rows.push(normalize(&row));
                }
                row.clear();
            }
            row.push_str(line);
            row.push('\n');
        }
        rows.sort();
        normalize(&head) + &rows.concat()
    };
    let (shown, printed) = out.stdout.split_once("{\n").ok_or("no JSON after the table")?;
    if veth_rows(table) != veth_rows(shown) {
        return Err(format!("the table differs from README.md's:\n{}", diff(&veth_rows(table), &veth_rows(shown))));
    }
    let printed = format!("{{\n{printed}");
    if normalize(json) != normalize(&printed) {
        return Err(format!("the JSON differs from README.md's:\n{}", diff(&normalize(json), &normalize(&printed))));
    }
    Ok(())
}

const NONE: &[&str] = &[];

/// How each example is run; see [`Case`].
const CASES: &[Case] = &[
    Case {
        command: "rlsns",
        setup: &[NET_CHILD],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE NPROCS PID USER COMMAND")?;
            some_line(o, "a process drawn as a child (`-)", |l| l.contains("`-sleep infinity"))
        },
    },
    Case {
        command: "rlsns -l -t net",
        setup: &[NET_CHILD],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE NPROCS PID USER NETNSID NSFS COMMAND")?;
            let rows = rows(o);
            (rows.len() == 2 && rows.iter().all(|l| words(l)[1] == "net" && !l.contains("`-")))
                .then_some(())
                .ok_or_else(|| "not the two network namespaces as a plain list".into())
        },
    },
    Case {
        command: "rlsns --tree=owner",
        setup: &[USER_NET_CHILD],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: net_tree_under_user,
    },
    Case {
        command: "rlsns --tree",
        setup: &[USER_NET_CHILD],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: net_tree_under_user,
    },
    Case {
        command: "rlsns -p $$ -o NS,TYPE,PATH",
        setup: NONE,
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE PATH")?;
            let rows = rows(o);
            let ok = rows.len() == 8
                && rows.iter().all(|l| {
                    let w = words(l);
                    w.len() == 3 && w[2] == format!("/proc/1/ns/{}", w[1])
                });
            ok.then_some(()).ok_or_else(|| "not the shell's eight namespaces with their /proc paths".into())
        },
    },
    Case {
        command: "rlsns -J -l | jq '.namespaces[] | select(.type == \"user\")'",
        setup: &[USER_NET_CHILD],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            let types: Vec<&str> = o.stdout.lines().filter_map(|l| l.trim().strip_prefix("\"type\": ")).collect();
            (types == ["\"user\",", "\"user\","])
                .then_some(())
                .ok_or_else(|| format!("both user namespaces, and only them, should be picked: {types:?}"))
        },
    },
    Case {
        command: "rlsns 4026531836",
        setup: NONE,
        // 4026531836 is the initial PID namespace (its inode number is fixed); in the world,
        // whose processes are all in a PID namespace of their own, the world's stands for it.
        replace: &[("4026531836", "$(stat -L -c %i /proc/self/ns/pid)")],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "PID PPID USER COMMAND")?;
            some_line(o, "the world's init", |l| words(l).first() == Some(&"1"))
        },
    },
    Case {
        command: "rlsns -P -o NS,TYPE,HOLDERS",
        setup: &["touch /run/n && runshare --net=/run/n true || exit 99\n"],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE HOLDERS")?;
            some_line(o, "the network namespace bound at /run/n", |l| words(l)[1..] == ["net", "/run/n"])
        },
    },
    Case {
        command: "rlsns -t net -o NS,TYPE,NPROCS,IFACES",
        setup: &["ip link set lo up || exit 99\n", NET_CHILD],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE NPROCS IFACES")?;
            some_line(o, "lo with its addresses", |l| l.ends_with(" lo UNKNOWN 127.0.0.1/8 ::1/128"))?;
            some_line(o, "a loopback device that is down", |l| l.ends_with(" lo DOWN"))
        },
    },
    Case {
        command: "rlsns -t uts -t ipc -o NS,TYPE,HOSTNAME,IPCOBJS",
        setup: &["hostname rns-demo\n"],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE HOSTNAME IPCOBJS")?;
            some_line(o, "the host name", |l| words(l)[1..] == ["uts", "rns-demo"])?;
            some_line(o, "the IPC objects", |l| l.ends_with(" ipc           shm 0, sem 0, msg 0"))
        },
    },
    Case {
        command: "rlsns -t pid -o NS,PID,CONTAINER,COMMAND",
        setup: &["runshare -p -f sleep infinity & await_child sleep $!\n"],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS PID CONTAINER COMMAND")?;
            (rows(o).len() == 2).then_some(()).ok_or_else(|| "not the two PID namespaces".into())
        },
    },
    Case {
        command: "rlsns -t user -o NS,PID,LEVEL,UIDMAP,GIDMAP",
        setup: &["runshare -r sleep infinity & await_comm sleep $!\n"],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS PID LEVEL UIDMAP GIDMAP")?;
            // (the world's own user namespace maps what the machine's does: level 0 here)
            some_line(o, "the world's user namespace, level 0", |l| words(l).get(2) == Some(&"0"))?;
            some_line(o, "the new one, level 1, root mapped to root", |l| {
                words(l)[2..] == ["1", "0", "0", "1", "0", "0", "1"]
            })
        },
    },
    Case {
        command: "rlsns -P --all-mounts -o NS,TYPE,NSFS",
        setup: &[CNI_LEAK],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE NSFS")?;
            leaked_netns(o)
        },
    },
    Case {
        command: "rlsns -P --all-mounts -o NS,TYPE,NSFS,HOLDERS",
        setup: &[CNI_LEAK],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE NSFS HOLDERS")?;
            leaked_netns(o)?;
            some_line(o, "HOLDERS as NSFS", |l| words(l).len() == 4 && words(l)[2] == words(l)[3])
        },
    },
    Case {
        command: "rlsns -l -o NS,TYPE,ID",
        setup: NONE,
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "NS TYPE ID")?;
            let ids: Vec<u64> = rows(o).iter().filter_map(|l| words(l).get(2)?.parse().ok()).collect();
            let mut distinct = ids.clone();
            distinct.sort_unstable();
            distinct.dedup();
            (ids.len() == 8 && distinct.len() == 8)
                .then_some(())
                .ok_or_else(|| format!("not eight namespaces with distinct IDs: {ids:?}"))
        },
    },
    Case {
        command: "rlsns --compare $$ 1234",
        setup: &[SIBLING],
        replace: &[("1234", "$S")],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| compares_same(o, 8),
    },
    Case {
        command: "rlsns --compare $$ 1234 -t net && echo same network",
        setup: &[SIBLING],
        replace: &[("1234", "$S")],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            compares_same(o, 1)?;
            o.stdout.ends_with("\nsame network\n").then_some(()).ok_or_else(|| "no `same network`".into())
        },
    },
    Case {
        command: "rlsns -o +PATH,ONS",
        setup: NONE,
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| header(o, "NS TYPE NPROCS PID USER COMMAND PATH ONS"),
    },
    Case {
        command: "runshare -r -n sh",
        setup: NONE,
        replace: &[],
        stdin: "id -u\nip -br link\n",
        then: "",
        status: 0,
        shows: |o| {
            let lines: Vec<Vec<&str>> = o.stdout.lines().map(words).collect();
            (lines.len() == 2 && lines[0] == ["0"] && lines[1][..2] == ["lo", "DOWN"])
                .then_some(())
                .ok_or_else(|| "not root, with only a loopback device that is down".into())
        },
    },
    Case {
        command: "runshare --fork --pid --mount-proc ps -ef",
        setup: NONE,
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: ps_sees_itself_as_pid_1,
    },
    Case {
        command: "runshare --fork --pid --mount-proc -r ps -ef",
        setup: NONE,
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: ps_sees_itself_as_pid_1,
    },
    Case {
        command: "touch /root/uts-ns\nrunshare --uts=/root/uts-ns hostname demo\nrnsenter --uts=/root/uts-ns hostname\numount /root/uts-ns",
        setup: NONE,
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| (o.stdout == "demo\n").then_some(()).ok_or_else(|| "the host name demo is not kept".into()),
    },
    Case {
        command: "runshare -r --map-users=auto --map-groups=auto id",
        setup: &[SUBIDS],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            o.stdout.starts_with("uid=0(root) gid=0(root)").then_some(()).ok_or_else(|| "not root inside".into())
        },
    },
    Case {
        command: "runshare -T --boottime 86400 --fork cat /proc/uptime",
        setup: &["echo \"before $(cut -d' ' -f1 /proc/uptime)\" >&2\n"],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            let seconds = |s: Option<&str>| s.and_then(|s| s.parse::<f64>().ok()).ok_or("no uptime");
            let before = seconds(o.stderr.lines().find_map(|l| l.strip_prefix("before ")))?;
            let after = seconds(o.stdout.split_whitespace().next())?;
            let ahead = after - before;
            ((86400.0..86400.0 + 60.0).contains(&ahead))
                .then_some(())
                .ok_or_else(|| format!("the uptime is {ahead} s ahead, not a day"))
        },
    },
    Case {
        command: "runshare -r -n --whitelist-env=PATH,TERM,HOME sh",
        setup: &["export TERM=dumb HOME=/root RNS_OTHER=1\n"],
        replace: &[],
        stdin: "env\n",
        then: "",
        status: 0,
        shows: |o| {
            let mut names: Vec<&str> = o.stdout.lines().filter_map(|l| l.split_once('=').map(|(n, _)| n)).collect();
            // what a shell sets itself
            names.retain(|n| !["PWD", "OLDPWD", "SHLVL", "_"].contains(n));
            names.sort_unstable();
            (names == ["HOME", "PATH", "TERM"]).then_some(()).ok_or_else(|| format!("the environment has {names:?}"))
        },
    },
    Case {
        command: "rnsenter -t PID -a",
        setup: &[TARGET],
        replace: &[("PID", "$PID")],
        stdin: "hostname\nip -br link\n",
        then: "",
        status: 0,
        shows: |o| {
            some_line(o, "the target's host name", |l| l == "rns-target")?;
            some_line(o, "the target's interface", |l| l.starts_with("rnsdemo"))
        },
    },
    Case {
        command: "rnsenter -t PID -n ip address",
        setup: &[TARGET],
        replace: &[("PID", "$PID")],
        stdin: "",
        then: "",
        status: 0,
        shows: shows_rnsdemo,
    },
    Case {
        command: "rnsenter -t PID -n ip addr",
        setup: &[TARGET],
        replace: &[("PID", "$PID")],
        stdin: "",
        then: "",
        status: 0,
        shows: shows_rnsdemo,
    },
    Case {
        command: "rnsenter --net=:$(rlsns -n -o ID -t net -p PID) ip link",
        setup: &[TARGET],
        replace: &[("-p PID", "-p $PID")],
        stdin: "",
        then: "",
        status: 0,
        shows: shows_rnsdemo,
    },
    Case {
        command: "rnsenter --net=:$(rlsns -n -o ID -t net -p 1234) ip link",
        setup: &[TARGET],
        replace: &[("1234", "$PID")],
        stdin: "",
        then: "",
        status: 0,
        shows: shows_rnsdemo,
    },
    Case {
        command: "rnsenter --net=/run/netns/blue ss -tln",
        setup: &[BLUE],
        replace: &[],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            header(o, "State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess")?;
            some_line(o, "the listener on port 7777", |l| l.starts_with("LISTEN") && l.contains(":7777 "))
        },
    },
    Case {
        command: "rnsenter -t PID -m -u -i -n -p -r -w ps -ef",
        setup: &[TARGET],
        replace: &[("PID", "$PID")],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            let rows = rows(o);
            let ok = rows.len() == 2
                && words(rows[0]).get(1) == Some(&"1")
                && rows[0].ends_with("sleep infinity")
                && rows[1].ends_with("ps -ef");
            ok.then_some(()).ok_or_else(|| "not the container's init as PID 1, and ps".into())
        },
    },
    Case {
        command: "rnsenter -t PID -U --preserve-credentials id",
        setup: &[USERNS_1000],
        replace: &[("PID", "$U")],
        stdin: "",
        then: "",
        status: 0,
        shows: |o| {
            o.stdout.starts_with("uid=1000(").then_some(()).ok_or_else(|| "root is not uid 1000 in there".into())
        },
    },
    Case {
        command: "runshare -n sleep infinity & A=$!",
        setup: NONE,
        replace: &[],
        stdin: "",
        // The sentence after the block: "`rlsns -t net -J -o NS,IFACES -p $B` gives the same as data".
        then: "rlsns -t net -J -o NS,IFACES -p $B\n",
        status: 0,
        shows: veth_pair_as_the_readme_shows,
    },
];

/// The fenced blocks of a Markdown text: (language, text).
fn fenced_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut open: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (open.take(), line.strip_prefix("```")) {
            (None, Some(lang)) => open = Some((lang.trim().to_string(), String::new())),
            (Some(block), Some(_)) => blocks.push(block),
            (Some((lang, mut text)), None) => {
                text.push_str(line);
                text.push('\n');
                open = Some((lang, text));
            }
            (None, None) => {}
        }
    }
    blocks
}

/// Where a shell comment starts in `line` (a `#` after a blank, outside quotes).
fn comment_at(line: &str) -> Option<usize> {
    let (mut single, mut double) = (false, false);
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\'' if !double => single = !single,
            b'"' if !single => double = !double,
            b'#' if !single && !double && (i == 0 || bytes[i - 1].is_ascii_whitespace()) => return Some(i),
            _ => {}
        }
    }
    None
}

/// Whether a block keeps state from line to line (variables, background jobs, loops): then it
/// is one script.
fn is_script(block: &str) -> bool {
    let assignment = |w: &str| {
        w.split_once('=')
            .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    };
    block.lines().any(|l| {
        let w = words(l);
        w.iter().any(|w| *w == "&" || assignment(w))
            || ["for", "while", "until", "if"].iter().any(|k| w.first() == Some(k))
    })
}

/// The examples of README.md's shell blocks.
fn readme_examples() -> Vec<Example> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let mut examples = Vec::new();
    for (lang, text) in fenced_blocks(&readme) {
        if !["sh", "bash", "shell", "console"].contains(&lang.as_str()) {
            continue;
        }
        let commands = text.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        if is_script(&text) {
            let first = commands.clone().next().unwrap_or("").trim().to_string();
            examples.push(Example {
                source: "README.md".into(),
                command: first,
                says: String::new(),
                script: Some(text),
            });
            continue;
        }
        for line in commands {
            let (command, says) = match comment_at(line) {
                Some(at) => (&line[..at], line[at + 1..].trim()),
                None => (line, ""),
            };
            examples.push(Example {
                source: "README.md".into(),
                command: command.trim().to_string(),
                says: says.to_string(),
                script: None,
            });
        }
    }
    examples
}

/// The EXAMPLES of every man page, from the data they are generated from.
fn man_examples() -> Vec<Example> {
    let mut examples = Vec::new();
    for doc in docgen::tool_docs() {
        for (command, says) in doc.examples {
            examples.push(Example {
                source: format!("man/{}.{}", doc.name, doc.section),
                command: command.to_string(),
                says: says.to_string(),
                script: None,
            });
        }
    }
    examples
}

/// The shell lines of `case` for `example`: setup, stdin, the example with its placeholders
/// replaced, then what follows it.
fn script_of(case: &Case, example: &Example) -> String {
    let mut command = example.script.clone().unwrap_or_else(|| example.command.clone());
    for (from, to) in case.replace {
        assert!(command.contains(from), "{}: `{}` has no {from}", example.source, example.command);
        command = command.replace(from, to);
    }
    let mut script = String::from(
        "mount -t tmpfs rns-examples /run && mount -t tmpfs rns-examples /root || exit 99\n\
         export PATH=/tmp/.rns-bin:$PATH:/usr/sbin:/sbin SHELL=/bin/sh\n",
    );
    script.extend(case.setup.iter().copied());
    if !case.stdin.is_empty() {
        script.push_str(&format!("exec 0<<'RNS_STDIN'\n{}RNS_STDIN\n", case.stdin));
    }
    script.push_str(&command);
    script.push('\n');
    if !case.then.is_empty() {
        script.push_str("[ $? = 0 ] || exit $?\n");
        script.push_str(case.then);
    }
    // not the last command, so that bash does not exec it as the world's pid 1
    script.push_str("status=$?\nexit $status\n");
    script
}

/// Runs `script` in a world of its own: new mount (private), UTS, IPC, network and PID
/// namespaces, on one CPU (see [`throwaway_world_on_one_cpu`]).
fn run_in_world(script: &str) -> Outcome {
    throwaway_world_on_one_cpu_with(&["-u", "-i", "-n"], "rns-examples", "", script, &[])
}

#[test]
fn every_example_is_run_or_said_why_not() {
    let examples: Vec<Example> = readme_examples().into_iter().chain(man_examples()).collect();
    let mut problems = Vec::new();
    for e in &examples {
        let run = CASES.iter().filter(|c| c.command == e.command).count()
            + ON_CONTAINERS.iter().filter(|(c, _, _)| *c == e.command).count();
        let listed = NOT_RUN.iter().filter(|(c, _)| *c == e.command).count();
        if run + listed != 1 {
            problems.push(format!(
                "{}: `{}` ({}) must be run (CASES) or listed with the reason (NOT_RUN), once",
                e.source, e.command, e.says
            ));
        }
    }
    let shown = |command: &str| examples.iter().any(|e| e.command == command);
    let on_containers = ON_CONTAINERS.iter().map(|(c, _, _)| *c);
    for command in CASES.iter().map(|c| c.command).chain(NOT_RUN.iter().map(|(c, _)| *c)).chain(on_containers) {
        if !shown(command) {
            problems.push(format!("`{command}` is no example of the documentation any more: take it out"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_example_does_what_its_text_says() {
    if !privileged("every_example_does_what_its_text_says")
        || !installed("/usr/bin/taskset", "every_example_does_what_its_text_says")
        || !python3("every_example_does_what_its_text_says")
    {
        return;
    }
    for tool in ["jq", "ip", "ss", "ps"] {
        if !installed(tool, "every_example_does_what_its_text_says") {
            return;
        }
    }
    let examples: Vec<Example> = readme_examples().into_iter().chain(man_examples()).collect();
    let mut problems = Vec::new();
    let mut done: Vec<&str> = Vec::new();
    for e in &examples {
        let Some(case) = CASES.iter().find(|c| c.command == e.command) else { continue };
        // An example in both the README and a man page runs once.
        if done.contains(&case.command) {
            continue;
        }
        done.push(case.command);
        let out = run_in_world(&script_of(case, e));
        let verdict = if out.status != case.status {
            Err(format!("exit status {}, the text promises {}", out.status, case.status))
        } else {
            (case.shows)(&out)
        };
        if let Err(why) = verdict {
            problems.push(format!(
                "{}: `{}` ({}): {why}\n--- stdout\n{}--- stderr\n{}",
                e.source, e.command, e.says, out.stdout, out.stderr
            ));
        }
    }
    assert!(problems.is_empty(), "{} examples do not do what they say:\n\n{}", problems.len(), problems.join("\n"));
}

/// The examples that name a container (`docker:3f2a`, `lxc:web`), as typed, on the host:
/// the containers are real processes in cgroups shaped as docker's and LXC's, in namespaces of
/// their own ([`ContainerWorld`], which removes them when the test ends).
#[test]
fn container_examples_do_what_their_text_says() {
    let test = "container_examples_do_what_their_text_says";
    if !privileged(test) || !python3(test) || !installed("ps", test) || !installed("ss", test) || !installed("ip", test)
    {
        return;
    }
    let mut world = ContainerWorld::new();
    let listener = "ip link set lo up || exit 1\n\
        /usr/bin/python3 -c 'import os, socket, time\n\
        s = socket.socket(); s.bind((\"127.0.0.1\", 7777)); s.listen(); os.write(1, b\"ready\\n\"); time.sleep(1000)' &";
    let docker = format!("3f2a{}", &random_id()[4..]);
    world.start_with(
        "docker-ctr",
        &[&format!("unified/system.slice/docker-{docker}.scope")],
        &["-m", "--mount-proc", "-n"],
        listener,
    );
    world.start_with("web", &["unified/lxc.payload.web"], &["-m", "--mount-proc"], "echo ready");
    let tools = Path::new(ours("nsenter")).parent().expect("the tools' directory").display().to_string();
    let path = format!("{tools}:/usr/bin:/bin:/usr/sbin:/sbin");
    let mut problems = Vec::new();
    for (command, stdin, shows) in ON_CONTAINERS {
        let script = format!("exec 0<<'RNS_STDIN'\n{stdin}RNS_STDIN\nexec {command}\n");
        let out = run_with("/bin/sh", "sh", &["-c", &script], |c| {
            c.env("PATH", &path).env("SHELL", "/bin/sh");
        });
        let verdict = if out.status != 0 { Err(format!("exit status {}", out.status)) } else { shows(&out) };
        if let Err(why) = verdict {
            problems.push(format!("`{command}`: {why}\n--- stdout\n{}--- stderr\n{}", out.stdout, out.stderr));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn normalize_hides_what_changes_from_run_to_run() {
    assert_eq!(
        normalize("4026532176 net 1 veth0 UP 192.168.77.1/24 fe80::7011:46ff:feda:953f/64\n"),
        "N net 1 veth0 UP 192.168.77.1/24 fe80::X/64\n"
    );
}

/// The usage of `cargo xtask` (its `USAGE`, as `cargo xtask --help` prints it): one line per
/// task, `cargo xtask TASK [OPTIONS]`.
fn xtask_usage() -> Vec<String> {
    let main = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/xtask/src/main.rs")).expect("xtask");
    let usage = main.split("const USAGE: &str = \"").nth(1).and_then(|u| u.split("\";").next()).expect("xtask's USAGE");
    usage.lines().map(|l| l.trim().trim_start_matches("usage:").trim().to_string()).collect()
}

/// Why the developer's command `command` (a line of a shell block) names what is there, or
/// what it names that is not.
fn developer_command(command: &str, usage: &[String]) -> Result<(), String> {
    let w = words(command);
    let file = |path: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(path)
            .is_file()
            .then_some(())
            .ok_or(format!("no file {path}"))
    };
    match w.as_slice() {
        ["./ci-test.sh", ..] => file("ci-test.sh"),
        ["bash", script, ..] => file(script),
        ["cargo", "xtask", task, rest @ ..] => {
            let line = usage
                .iter()
                .find(|l| l.split_whitespace().nth(2) == Some(task))
                .ok_or(format!("cargo xtask has no task {task}"))?;
            for word in rest {
                if let Some(option) = word.strip_prefix("--") {
                    let name = option.split('=').next().unwrap_or(option);
                    if !line.contains(&format!("[--{name}]")) && !line.contains(&format!("[--{name} ")) {
                        return Err(format!("`cargo xtask {task}` has no --{name}"));
                    }
                }
            }
            // fuzz's TARGET
            if *task == "fuzz" {
                if let Some(target) = rest.first().filter(|t| !t.starts_with('-')) {
                    nscore_fuzz::TARGETS
                        .iter()
                        .any(|t| t.name == *target)
                        .then_some(())
                        .ok_or(format!("no fuzz target {target}"))?;
                }
            }
            Ok(())
        }
        ["cargo", "build" | "test" | "run" | "install", rest @ ..] => {
            for pair in rest.windows(2) {
                match pair {
                    ["--bin", bin] if !["runshare", "rnsenter", "rlsns"].contains(bin) => {
                        return Err(format!("no binary {bin}"))
                    }
                    ["--test", test] => file(&format!("tests/{test}.rs"))?,
                    _ => {}
                }
            }
            Ok(())
        }
        _ => Err("a command this test does not know: run it in CASES, or teach developer_command what it names".into()),
    }
}

/// The developer's commands (README's cargo lines that are not run, CONTRIBUTING.md and
/// docs/*.md) stay within the workspace or a prefix they name, and name tasks, options, fuzz
/// targets, binaries, tests and scripts that exist.
#[test]
fn developer_commands_name_what_exists() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    let mut docs: Vec<_> = std::fs::read_dir(root.join("docs"))
        .expect("docs/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    files.extend(docs);
    let usage = xtask_usage();
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a Markdown file");
        for (lang, block) in fenced_blocks(&text) {
            // a block without a language is output, or a cargo command to paste
            let shell = ["sh", "bash", "shell", "console"].contains(&lang.as_str());
            let pasted = lang.is_empty() && block.starts_with("cargo ");
            if !(shell || pasted) {
                continue;
            }
            for line in block.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')) {
                let command = comment_at(line).map_or(line, |at| &line[..at]).trim();
                let ours = ["rlsns", "runshare", "rnsenter"].iter().any(|t| command.starts_with(t));
                // the tools' own examples are run by every_example_does_what_its_text_says
                if file.ends_with("README.md") && (ours || is_script(&block)) {
                    continue;
                }
                checked += 1;
                if let Err(why) = developer_command(command, &usage) {
                    problems.push(format!("{}: `{command}`: {why}", file.display()));
                }
            }
        }
    }
    assert!(checked >= 15, "only {checked} developer commands found");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
