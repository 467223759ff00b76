//! What a scan finds, without I/O: processes, namespaces and how they relate, what holds a
//! namespace, what to look for and why a scan stops; and the pure readers of nsfs mount roots.

use crate::nstype::NsKind;

/// A process as the scan saw it.
#[derive(Debug, Clone)]
pub struct Process {
    pub pid: i32,
    /// From `PID/stat`; 0 when not read (see [`ScanOptions::every_process`]).
    pub ppid: i32,
    /// Owner of `/proc/PID`; 0 when not read (see [`ScanOptions::every_process`]).
    pub uid: u32,
    /// Namespace inode per kind (index [`NsKind::index`]); 0 when not read.
    pub ns: [u64; NsKind::COUNT],
    /// The scanned process whose pid is our ppid.
    pub parent: Option<usize>,
}

/// The two relations a namespace has to another (util-linux's `RELA_PARENT`, `RELA_OWNER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rel {
    Parent = 0,
    Owner = 1,
}

/// A namespace.
#[derive(Debug, Clone)]
pub struct Namespace {
    pub ino: u64,
    pub kind: NsKind,
    /// Member processes (indices into the scan's `procs`) in scan order.
    pub procs: Vec<usize>,
    /// The member with the lowest pid.
    pub rep: Option<usize>,
    /// NS_GET_PARENT's inode (pid and user namespaces), 0 if none or not allowed.
    pub parent_ino: u64,
    /// NS_GET_USERNS's inode, 0 if none or not allowed.
    pub owner_ino: u64,
    /// RTM_GETNSID's answer (`-1`: unassigned); `None` when not asked or no answer.
    pub netnsid: Option<i32>,
    /// NS_GET_ID's answer (Linux 6.18); `None` when not asked or no answer.
    pub ns_id: Option<u64>,
    /// NS_GET_OWNER_UID, the UID shown when no process is a member.
    pub uid_fallback: u32,
    /// Entries of parent and owner, once connected.
    pub related: [Option<usize>; 2],
    /// Added from a descriptor (fd, socket, mount or ghost); while /proc is walked only these
    /// count as known, as in util-linux.
    pub(super) from_fd: bool,
    /// The kernel has been asked about this namespace.
    pub(super) queried: bool,
}

impl Namespace {
    pub(crate) fn nprocs(&self) -> usize {
        self.procs.len()
    }

    pub(crate) fn related_ino(&self, rel: Rel) -> u64 {
        match rel {
            Rel::Parent => self.parent_ino,
            Rel::Owner => self.owner_ino,
        }
    }
}

/// Something other than a member process that holds a namespace (rns's HOLDERS column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    /// An open nsfs descriptor: pid, descriptor number.
    Fd(i32, i32),
    /// A socket of a process that is not in the socket's network namespace: pid, descriptor.
    Socket(i32, i32),
}

/// What a uts, net or ipc namespace answers when asked from inside (HOSTNAME, IFACES, IPCOBJS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Inside {
    /// uts: node name and NIS domain name (`None` when unset, `(none)`).
    Names(String, Option<String>),
    /// net: interfaces by index.
    Ifaces(Vec<Iface>),
    /// ipc: System V shared memory segments, semaphore sets, message queues; POSIX queues.
    Ipc(IpcCounts),
}

/// One network interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Iface {
    pub index: i32,
    pub name: String,
    /// `ip -br link`'s state: the operstate (`UP`, `DOWN`, `UNKNOWN`, `LOWERLAYERDOWN`, ...).
    pub state: &'static str,
    /// `ADDRESS/PREFIX`, in the kernel's dump order.
    pub addresses: Vec<String>,
}

/// System V IPC objects, by kind, and POSIX message queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct IpcCounts {
    pub shm: usize,
    pub sem: usize,
    pub msg: usize,
    /// The queues of the namespace's mqueue instance, when a mount of it could be verified.
    pub mqueue: Option<usize>,
}

/// What to look for.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScanOptions {
    /// Kinds to read (`-t`; all when none given).
    pub kinds: [bool; NsKind::COUNT],
    /// Ask RTM_GETNSID (only when NETNSID is shown or filtered on).
    pub netnsid: bool,
    /// Ask NS_GET_ID (only when ID is shown or filtered on).
    pub ids: bool,
    /// Ask NS_GET_PARENT and NS_GET_USERNS about the namespaces processes show (PNS, ONS and
    /// the owner and parent trees need them). Namespaces found through descriptors and mounts
    /// are always asked: that is how util-linux finds their owners and parents.
    pub relations: bool,
    /// Read every process's parent pid and owner (`lsns <namespace ID>` shows them all);
    /// else only those of namespace representatives, the processes the other tables show.
    pub every_process: bool,
    /// Connect owners/parents and add the missing ones (`--tree=owner|parent`).
    pub connect: bool,
    /// `--threads` (an rns extra): also read `PID/task/TID/ns`; a thread whose namespaces
    /// differ from its process's is added as a process of its own (its ppid: the process).
    pub threads: bool,
    /// `--all-mounts` (an rns extra): read the nsfs mounts of every mount namespace reachable
    /// through a process in it or through an nsfs file of it (see `all_mounts`).
    pub all_mounts: bool,
    /// Read the command lines of namespace representatives during the scan, on several
    /// threads (COMMAND is shown or filtered on, and every namespace may be listed).
    pub commands: bool,
}

/// Why a scan stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ScanError {
    /// An NS ioctl failed with this errno (ENOTTY: lsns exits 2; others 1), after these
    /// warnings.
    Ioctl { errno: i32, warnings: Vec<String> },
    /// `self/mountinfo` could not be read.
    Mountinfo(i32),
    /// Reading the root failed.
    Io(i32),
    /// Descriptors or memory ran out (EMFILE, ENFILE, ENOMEM) while reading: what was read
    /// may lack namespaces, owners or parents, so there is no answer.
    Exhausted(i32),
}

/// The inode of an nsfs mount root such as `net:[4026532469]`.
pub fn nsfs_root_ino(root: &str) -> Option<u64> {
    let rest = &root[root.find('[')? + 1..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || rest.as_bytes().get(digits) != Some(&b']') {
        return None;
    }
    rest[..digits].parse().ok()
}

/// util-linux's `is_path_included`: is `elt` an element of the `sep`-joined `set`? Only the
/// first occurrence of `elt` as a substring is looked at.
pub fn path_included(set: &str, elt: &str, sep: char) -> bool {
    let Some(at) = set.find(elt) else { return false };
    let (sb, end) = (set.as_bytes(), at + elt.len());
    let sep = sep as u8;
    if at == 0 && (set.len() == elt.len() || sb[elt.len()] == sep) {
        return true;
    }
    at > 0 && sb[at - 1] == sep && (end == sb.len() || sb[end] == sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nsfs_roots() {
        assert_eq!(nsfs_root_ino("net:[4026532469]"), Some(4026532469));
        assert_eq!(nsfs_root_ino("net:[12x]"), None);
        assert_eq!(nsfs_root_ino("/"), None);
    }

    #[test]
    fn path_inclusion_like_util_linux() {
        assert!(path_included("/a", "/a", ','));
        assert!(path_included("/a,/b", "/b", ','));
        assert!(path_included("/a,/b,/c", "/b", ','));
        assert!(!path_included("/ab", "/a", ','));
        // Only the first occurrence counts: "/b" is found inside "/a/b" first.
        assert!(!path_included("/a/b,/b", "/b", ','));
    }
}
