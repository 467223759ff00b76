//! HOLDERS (an rns extra): why a namespace still exists. A namespace lives while something
//! refers to it; rlsns names what it saw do so, one item each:
//!
//! * `pid:PID` — a member process (at most [`MAX_PIDS`] listed, lowest first; then `pid:+N`
//!   for the N others),
//! * `fd:PID:FD` — an open descriptor of its nsfs file (`/proc/PID/fd/FD`),
//! * `socket:PID:FD` — a socket created in this network namespace, held by a process that
//!   is not in it,
//! * a path — a bind mount of its nsfs file (as NSFS shows it),
//! * `child:INODE` — a child pid or user namespace (each holds its parent),
//! * `owned:INODE` — a namespace this user namespace owns (each holds its owner).
//!
//! Only what the scan saw counts: processes rlsns may read, the namespace kinds selected
//! with `-t`, mounts in rlsns's own mount namespace (in every reachable one with
//! `--all-mounts`, qualified as `[mnt:INODE]PATH`).

use super::model::{Holder, Namespace};
use super::scan::Scan;
use crate::nstype::NsKind;
use std::collections::HashMap;

/// How many member pids are listed before the rest is counted.
pub(crate) const MAX_PIDS: usize = 5;

/// The items, in the order of the list above.
pub(crate) fn holders(scan: &Scan, ns: &Namespace) -> Vec<String> {
    let mut items = Vec::new();
    let mut pids: Vec<i32> = ns.procs.iter().map(|&p| scan.procs[p].pid).collect();
    pids.sort_unstable();
    items.extend(pids.iter().take(MAX_PIDS).map(|pid| format!("pid:{pid}")));
    if pids.len() > MAX_PIDS {
        items.push(format!("pid:+{}", pids.len() - MAX_PIDS));
    }
    for holder in scan.held.get(&ns.ino).into_iter().flatten() {
        items.push(match holder {
            Holder::Fd(pid, fd) => format!("fd:{pid}:{fd}"),
            Holder::Socket(pid, fd) => format!("socket:{pid}:{fd}"),
        });
    }
    if let Some(paths) = scan.nsfs_paths(ns, '\n') {
        items.extend(paths.split('\n').map(str::to_string));
    }
    items.extend(scan.relatives.get_or_init(|| relatives(scan)).get(&ns.ino).into_iter().flatten().cloned());
    items
}

/// Every namespace's nested children (same kind, pid and user namespaces) and, for a user
/// namespace, the namespaces of other kinds it owns: one pass in inode order.
fn relatives(scan: &Scan) -> HashMap<u64, Vec<String>> {
    let kind_of: HashMap<u64, NsKind> = scan.namespaces.iter().map(|n| (n.ino, n.kind)).collect();
    let mut map: HashMap<u64, Vec<String>> = HashMap::new();
    for i in scan.sorted() {
        let other = &scan.namespaces[i];
        let parent = (other.parent_ino != other.ino).then_some(other.parent_ino);
        let nested =
            parent.filter(|p| matches!(other.kind, NsKind::User | NsKind::Pid) && kind_of.get(p) == Some(&other.kind));
        if let Some(parent) = nested {
            map.entry(parent).or_default().push(format!("child:{}", other.ino));
        }
        if other.kind != NsKind::User
            && other.owner_ino != other.ino
            && kind_of.get(&other.owner_ino) == Some(&NsKind::User)
        {
            map.entry(other.owner_ino).or_default().push(format!("owned:{}", other.ino));
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsns::model::Process;
    use crate::proc::{NsfsMount, ProcFs};

    /// A user namespace 13 owning net 21 and holding child user namespace 30 (whose pid
    /// namespace 41 has a child 42); net 50 kept by a bind mount, a descriptor and a socket.
    fn world() -> Scan {
        let mounts = vec![NsfsMount { root: "net:[50]".into(), target: "/run/netns/x".into() }];
        let mut scan = Scan::new(ProcFs::new("/nonexistent"), mounts);
        // by NsKind::index: mnt net ipc user pid uts cgroup time
        let base = [10, 21, 16, 13, 14, 15, 17, 18];
        for pid in 1..=7 {
            scan.add_process(Process { pid, ppid: 0, uid: 0, ns: base, parent: None });
        }
        scan.add_process(Process { pid: 100, ppid: 1, uid: 0, ns: [10, 21, 16, 30, 41, 15, 17, 18], parent: None });
        scan.insert(42, NsKind::Pid);
        scan.insert(50, NsKind::Net);
        let set = |scan: &mut Scan, ino: u64, parent: u64, owner: u64| {
            let i = scan.get(ino).unwrap();
            scan.namespaces[i].parent_ino = parent;
            scan.namespaces[i].owner_ino = owner;
        };
        set(&mut scan, 21, 0, 13);
        set(&mut scan, 30, 13, 13);
        set(&mut scan, 41, 14, 30);
        set(&mut scan, 42, 41, 30);
        set(&mut scan, 50, 0, 13);
        scan.held.insert(50, vec![Holder::Fd(7, 3), Holder::Socket(100, 5)]);
        scan
    }

    fn of(scan: &Scan, ino: u64) -> Vec<String> {
        holders(scan, &scan.namespaces[scan.get(ino).unwrap()])
    }

    #[test]
    fn each_kind_of_holder() {
        let scan = world();
        assert_eq!(of(&scan, 50), ["fd:7:3", "socket:100:5", "/run/netns/x"]);
        assert_eq!(of(&scan, 30), ["pid:100", "owned:41", "owned:42"]);
        assert_eq!(of(&scan, 41), ["pid:100", "child:42"]);
        assert_eq!(of(&scan, 42), Vec::<String>::new());
        // the init user namespace: its processes (the first five, then a count), its child
        // user namespace and what it owns
        assert_eq!(
            of(&scan, 13),
            ["pid:1", "pid:2", "pid:3", "pid:4", "pid:5", "pid:+2", "owned:21", "child:30", "owned:50"]
        );
    }
}
