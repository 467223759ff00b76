//! The eight Linux namespace kinds (namespaces(7)): one table from a kind to its `CLONE_NEW*`
//! flag, its `/proc/PID/ns/` entries, its option letter and long option.

use std::fmt;

/// A kind of namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NsKind {
    Mnt,
    Net,
    Ipc,
    User,
    Pid,
    Uts,
    Cgroup,
    Time,
}

/// One row of the kind table.
#[derive(Debug)]
pub struct NsKindInfo {
    pub kind: NsKind,
    /// The name lsns prints in TYPE and accepts with `-t`; also the `/proc/PID/ns/` entry.
    pub name: &'static str,
    /// `CLONE_NEW*`, also the `nstype` of setns(2) and the answer of `NS_GET_NSTYPE`.
    pub clone_flag: libc::c_int,
    /// The entry a new child of this process lands in (`pid_for_children`, `time_for_children`);
    /// the same as `name` for the other kinds.
    pub for_children: &'static str,
    /// Short option letter of unshare(1) and nsenter(1).
    pub letter: char,
    /// Long option of unshare(1) and nsenter(1).
    pub long: &'static str,
}

/// The table, in lsns's column order of `-t` names: mnt net ipc user pid uts cgroup time.
#[rustfmt::skip]
pub const KINDS: [NsKindInfo; NsKind::COUNT] = [
    NsKindInfo { kind: NsKind::Mnt, name: "mnt", clone_flag: libc::CLONE_NEWNS, for_children: "mnt", letter: 'm', long: "mount" },
    NsKindInfo { kind: NsKind::Net, name: "net", clone_flag: libc::CLONE_NEWNET, for_children: "net", letter: 'n', long: "net" },
    NsKindInfo { kind: NsKind::Ipc, name: "ipc", clone_flag: libc::CLONE_NEWIPC, for_children: "ipc", letter: 'i', long: "ipc" },
    NsKindInfo { kind: NsKind::User, name: "user", clone_flag: libc::CLONE_NEWUSER, for_children: "user", letter: 'U', long: "user" },
    NsKindInfo { kind: NsKind::Pid, name: "pid", clone_flag: libc::CLONE_NEWPID, for_children: "pid_for_children", letter: 'p', long: "pid" },
    NsKindInfo { kind: NsKind::Uts, name: "uts", clone_flag: libc::CLONE_NEWUTS, for_children: "uts", letter: 'u', long: "uts" },
    NsKindInfo { kind: NsKind::Cgroup, name: "cgroup", clone_flag: libc::CLONE_NEWCGROUP, for_children: "cgroup", letter: 'C', long: "cgroup" },
    NsKindInfo { kind: NsKind::Time, name: "time", clone_flag: libc::CLONE_NEWTIME, for_children: "time_for_children", letter: 'T', long: "time" },
];

impl NsKind {
    /// How many kinds there are: the length of every per-kind array.
    pub const COUNT: usize = NsKind::Time as usize + 1;

    /// Every kind, in table order.
    #[cfg(test)]
    pub(crate) const ALL: [NsKind; NsKind::COUNT] =
        [NsKind::Mnt, NsKind::Net, NsKind::Ipc, NsKind::User, NsKind::Pid, NsKind::Uts, NsKind::Cgroup, NsKind::Time];

    /// The order in which nsenter(1) enters namespaces and unshare(1) persists them:
    /// user first (it grants the rights for the rest), mnt late (it changes what paths mean).
    pub(crate) const ENTER_ORDER: [NsKind; NsKind::COUNT] =
        [NsKind::User, NsKind::Cgroup, NsKind::Ipc, NsKind::Uts, NsKind::Net, NsKind::Pid, NsKind::Mnt, NsKind::Time];

    /// The order in which lsns(8) visits the kinds of a process (util-linux's `ns_names[]`),
    /// which decides the order namespaces are met, asked about and warned of.
    pub(crate) const LSNS_ORDER: [NsKind; NsKind::COUNT] =
        [NsKind::Mnt, NsKind::Net, NsKind::Pid, NsKind::Uts, NsKind::Ipc, NsKind::User, NsKind::Cgroup, NsKind::Time];

    pub(crate) fn info(self) -> &'static NsKindInfo {
        &KINDS[self.index()]
    }

    /// Position in [`KINDS`], usable as an array index.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn name(self) -> &'static str {
        self.info().name
    }

    pub(crate) fn clone_flag(self) -> libc::c_int {
        self.info().clone_flag
    }

    /// Parses a `-t` type name (exact, lower case, as lsns accepts it).
    pub(crate) fn from_name(name: &str) -> Option<NsKind> {
        KINDS.iter().find(|k| k.name == name).map(|k| k.kind)
    }

    /// Maps a `CLONE_NEW*` value (as `NS_GET_NSTYPE` answers) back to its kind.
    pub(crate) fn from_clone_flag(flag: libc::c_int) -> Option<NsKind> {
        KINDS.iter().find(|k| k.clone_flag == flag).map(|k| k.kind)
    }
}

impl fmt::Display for NsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A namespace's identity: the device and inode of its nsfs file. The inode alone is what
/// users see (`NS`), but only the pair is unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct NsId {
    pub dev: u64,
    pub ino: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_indexed_by_kind() {
        for (i, row) in KINDS.iter().enumerate() {
            assert_eq!(row.kind.index(), i);
            assert_eq!(NsKind::from_name(row.name), Some(row.kind));
            assert_eq!(NsKind::from_clone_flag(row.clone_flag), Some(row.kind));
        }
        assert_eq!(NsKind::from_name("mount"), None);
    }

    /// enter::NsTable keeps one slot per kind of ENTER_ORDER and looks every kind up in it;
    /// lsns reads every kind in LSNS_ORDER.
    #[test]
    fn enter_order_lists_every_kind_once() {
        for order in [NsKind::ENTER_ORDER, NsKind::LSNS_ORDER] {
            let mut order: Vec<usize> = order.iter().map(|k| k.index()).collect();
            order.sort_unstable();
            assert_eq!(order, (0..KINDS.len()).collect::<Vec<_>>());
        }
    }
}
