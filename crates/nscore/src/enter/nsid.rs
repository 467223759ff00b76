//! `--<kind>=:ID` (nsenter 2.42): a namespace named by its 64-bit ID (NS_GET_ID, Linux 6.18),
//! opened with open_by_handle_at(2) on an nsfs file handle, as util-linux opens it.
//!
//! util-linux fills the handle with the ID alone. Linux 6.19 finds a namespace by its ID;
//! 6.18 finds one only by ID, kind and inode number together, and answers ESTALE to a handle
//! without them (`nsenter: cannot open namespace of id N: Stale file handle`). There rns looks
//! for the namespace with that ID where rlsns finds namespaces (asking each nsfs file its ID
//! with name_to_handle_at(2), which opens nothing) and opens the file that has it: the user
//! gets the namespace 6.19 would give. Not its full handle: 6.18 decodes, for a caller in a
//! pid namespace other than the initial one, the handles of the caller's own namespaces
//! only, and a container is such a caller. rns looks only once the kernel has shown that it
//! refuses an ID alone (with the ID of our own mount namespace, which exists), so on 6.19 an
//! ID that names nothing fails as util-linux's does, without a search.

use super::targets::{NsTable, NsfsDoor};
use crate::error::{Error, MsgArg, Result};
use crate::nstype::NsKind;
use crate::proc::{parse_ns_link, FileId, ProcDir, ProcFs};
use crate::sys::{ns, NsHandle, NsfsHandles};
use std::collections::HashSet;
use std::ffi::OsStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// The argument of `--<kind>=:ID` after the colon, when the argument has that form (a file
/// whose name starts with a colon is given as `./:name`).
pub(crate) fn id_text(arg: &OsStr) -> Option<&OsStr> {
    arg.as_bytes().strip_prefix(b":").map(OsStr::from_bytes)
}

/// util-linux's `ul_strtou64(idstr, &id, 10)`: decimal digits after blanks and a `+`; anything
/// else, an empty string or a negative number is `failed to parse nsid: <text>`, exit 1.
pub(crate) fn parse_nsid(text: &OsStr) -> Result<u64> {
    crate::number::strtou64(text.as_bytes())
        .0
        .map_err(|_| Error::tr("failed to parse nsid: %s", vec![MsgArg::str(text)]))
}

/// `--<kind>=:ID`: opens the namespace with ID `text` for `kind`, in util-linux's order: the
/// ID parsed, the handle template filled (once), the descriptor given for `kind` before
/// closed, the namespace opened.
pub(crate) fn enable_by_id(
    table: &mut NsTable,
    kind: NsKind,
    text: &OsStr,
    handles: &mut dyn NsfsHandles,
    proc: &ProcFs,
) -> Result<()> {
    let id = parse_nsid(text)?;
    let door = match table.door.take() {
        Some(door) => door,
        None => {
            NsfsDoor::open(handles).map_err(|e| Error::tr_os("failed to fill namespace file handle", Vec::new(), e))?
        }
    };
    table.slot_mut(kind).fd = None;
    let opened = door.open_id(handles, proc, kind, id);
    table.door = Some(door);
    table.set_fd(kind, opened.map_err(|e| Error::tr_os("cannot open namespace of id %lu", vec![MsgArg::Uint(id)], e))?);
    Ok(())
}

impl NsfsDoor {
    /// util-linux's `fill_nsfs_file_handle` the first time: our mount namespace through a pidfd
    /// of ourselves, and its handle.
    fn open(handles: &mut dyn NsfsHandles) -> std::result::Result<NsfsDoor, i32> {
        let mount = handles.own_mnt_namespace()?;
        let own = handles.handle_at(mount.as_fd(), Path::new(""))?;
        Ok(NsfsDoor { mount, own })
    }

    /// The namespace with ID `id`: the handle of the ID alone, as util-linux opens it; where
    /// the kernel refuses that (6.18), the nsfs file with that ID that [`find_visible`] finds,
    /// at the descriptor number util-linux's open would have taken, or ESTALE as util-linux
    /// gets it when none is visible.
    fn open_id(
        &self,
        handles: &mut dyn NsfsHandles,
        proc: &ProcFs,
        kind: NsKind,
        id: u64,
    ) -> std::result::Result<OwnedFd, i32> {
        match handles.open_by_handle(self.mount.as_fd(), &NsHandle::id_only(self.own.handle_type, id)) {
            Err(libc::ESTALE) if !self.takes_id_only(handles) => {
                let found = find_visible(handles, proc, self.own.handle_type, kind, id).ok_or(libc::ESTALE)?;
                crate::sys::fd::to_lowest(found)
            }
            opened => opened,
        }
    }

    /// Whether this kernel opens a handle that holds only an ID (Linux 6.19), asked with the
    /// ID of our own mount namespace, which exists and which we may open.
    fn takes_id_only(&self, handles: &mut dyn NsfsHandles) -> bool {
        handles.open_by_handle(self.mount.as_fd(), &NsHandle::id_only(self.own.handle_type, self.own.ns_id)).is_ok()
    }
}

/// A search for the namespace with one ID: each namespace met (by inode) is asked for its
/// handle once, and a file is opened only when its handle names that ID on nsfs.
struct Search<'a> {
    handles: &'a mut dyn NsfsHandles,
    nsfs_type: i32,
    id: u64,
    asked: HashSet<u64>,
}

impl Search<'_> {
    /// Whether the namespace file with inode `ino` that `path` below `dir` leads to has the ID
    /// looked for (asked once per namespace).
    fn has_id(&mut self, dir: BorrowedFd<'_>, path: &Path, ino: u64) -> bool {
        if !self.asked.insert(ino) {
            return false;
        }
        self.handles.handle_at(dir, path).is_ok_and(|h| h.handle_type == self.nsfs_type && h.ns_id == self.id)
    }

    /// `file` if it is the namespace looked for: between the handle and the open a namespace
    /// may have ended and its inode gone to a new one, but never its ID.
    fn verified(&self, file: impl Into<OwnedFd>) -> Option<OwnedFd> {
        let fd = file.into();
        (ns::ns_get_id(fd.as_fd()) == Ok(self.id)).then_some(fd)
    }

    /// The namespace behind `PID/...` below the procfs root, when it has the ID: opened only
    /// if it still is the nsfs file with inode `ino` ([`ProcDir::open_nsfs`]).
    fn in_proc(&mut self, dir: &ProcDir, path: &str, ino: u64) -> Option<OwnedFd> {
        if !self.has_id(dir.fd(), Path::new(path), ino) {
            return None;
        }
        self.verified(dir.open_nsfs(path, ino).ok()?)
    }

    /// The `ns/<kind>` link of each process.
    fn links(&mut self, dir: &ProcDir, pids: &[i32], kind: NsKind) -> Option<OwnedFd> {
        pids.iter().find_map(|pid| {
            let ino = dir.ns(*pid, kind.name())?;
            self.in_proc(dir, &format!("{pid}/ns/{}", kind.name()), ino)
        })
    }

    /// The descriptors of each process that `keep` keeps, and what `ask` finds through them.
    fn descriptors(
        &mut self,
        dir: &ProcDir,
        pids: &[i32],
        keep: impl Fn(&FileId) -> bool,
        ask: &mut dyn FnMut(&mut Self, i32, i32, FileId) -> Option<OwnedFd>,
    ) -> Option<OwnedFd> {
        for &pid in pids {
            let mut kept = Vec::new();
            dir.for_each_fd(pid, |num, file| {
                if keep(&file) {
                    kept.push((num, file));
                }
            });
            if let Some(found) = kept.into_iter().find_map(|(num, file)| ask(self, pid, num, file)) {
                return Some(found);
            }
        }
        None
    }
}

/// The namespace with ID `id` among those rnsenter can see, looked for where rlsns finds
/// namespaces, cheapest first: the nsfs bind mounts of our mount table, the `ns/<kind>` link
/// of each process (`kind`: the option's), the nsfs files processes hold open, the links of
/// the other kinds, the network namespaces of the sockets processes hold (pidfd_getfd(2),
/// SIOCGSKNS). A namespace of another kind than `kind` is found too, as Linux 6.19 finds it
/// from the ID alone; setns(2) then refuses it, as it does there.
fn find_visible(
    handles: &mut dyn NsfsHandles,
    proc: &ProcFs,
    nsfs_type: i32,
    kind: NsKind,
    id: u64,
) -> Option<OwnedFd> {
    let mut search = Search { handles, nsfs_type, id, asked: HashSet::new() };
    if let (Ok(mounts), Ok(root)) = (proc.nsfs_mounts(), crate::sys::at::own_root()) {
        for m in &mounts {
            let Some(ino) = parse_ns_link(m.root.as_bytes()) else { continue };
            let path = m.target_path();
            if search.has_id(root.as_fd(), &path, ino) {
                // A path someone else may control: opened as rlsns opens bind mounts.
                let file = crate::sys::at::open_nsfs_beneath(root.as_fd(), &path, ino).ok();
                if let Some(found) = file.and_then(|f| search.verified(f)) {
                    return Some(found);
                }
            }
        }
    }
    let dir = proc.open().ok()?;
    let pids = dir.pids().ok()?;
    if let Some(found) = search.links(&dir, &pids, kind) {
        return Some(found);
    }
    let nsfs_dev = dir.stat(&format!("self/ns/{}", kind.name())).map(|f| f.dev);
    let held = |file: &FileId| Some(file.dev) == nsfs_dev;
    let mut ask_fd = |search: &mut Search<'_>, pid: i32, num: i32, file: FileId| {
        search.in_proc(&dir, &format!("{pid}/fd/{num}"), file.ino)
    };
    if let Some(found) = search.descriptors(&dir, &pids, held, &mut ask_fd) {
        return Some(found);
    }
    for other in NsKind::ENTER_ORDER.into_iter().filter(|&k| k != kind) {
        if let Some(found) = search.links(&dir, &pids, other) {
            return Some(found);
        }
    }
    let mut ask_socket = |search: &mut Search<'_>, pid: i32, num: i32, _: FileId| {
        let pidfd = ns::pidfd_open(pid).ok()?;
        let socket = ns::pidfd_getfd(pidfd.as_fd(), num).ok()?;
        let netns = ns::socket_netns(socket.as_fd()).ok()?;
        let ino = crate::sys::at::stat_fd(netns.as_fd()).ok()?.st_ino;
        if !search.has_id(netns.as_fd(), Path::new(""), ino) {
            return None;
        }
        search.verified(netns)
    };
    search.descriptors(&dir, &pids, FileId::is_socket, &mut ask_socket)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::LiveHandles;
    use std::fs::File;

    /// A kernel of either behaviour, made from the running one (6.18 or later): `takes_id_only`
    /// opens a handle of the ID alone as 6.19 does (the namespace with that ID among
    /// `known`), else it answers ESTALE to it as 6.18 does. Handles are asked of the
    /// running kernel, and counted.
    struct Kernel {
        takes_id_only: bool,
        known: Vec<NsHandle>,
        handles_asked: usize,
        fill_fails: Option<i32>,
    }

    impl Kernel {
        fn new(takes_id_only: bool) -> Option<Kernel> {
            let proc = File::open("/proc/self/ns").ok()?;
            let known = NsKind::ENTER_ORDER
                .iter()
                .filter_map(|k| LiveHandles.handle_at(proc.as_fd(), Path::new(k.name())).ok())
                .collect::<Vec<_>>();
            if known.is_empty() {
                eprintln!("skip: this kernel gives namespace files no handles (before Linux 6.18)");
                return None;
            }
            Some(Kernel { takes_id_only, known, handles_asked: 0, fill_fails: None })
        }

        fn own(&self, kind: NsKind) -> NsHandle {
            *self.known.iter().find(|h| h.ns_type == kind.clone_flag() as u32).unwrap()
        }
    }

    impl NsfsHandles for Kernel {
        fn own_mnt_namespace(&mut self) -> std::result::Result<OwnedFd, i32> {
            match self.fill_fails {
                Some(errno) => Err(errno),
                None => LiveHandles.own_mnt_namespace(),
            }
        }

        fn handle_at(&mut self, dir: BorrowedFd<'_>, path: &Path) -> std::result::Result<NsHandle, i32> {
            self.handles_asked += 1;
            LiveHandles.handle_at(dir, path)
        }

        fn open_by_handle(&mut self, mount: BorrowedFd<'_>, handle: &NsHandle) -> std::result::Result<OwnedFd, i32> {
            let id_only = handle.ns_type == 0 && handle.ns_inum == 0;
            match (id_only, self.takes_id_only) {
                (true, true) => {
                    let full = self.known.iter().find(|h| h.ns_id == handle.ns_id).ok_or(libc::ESTALE)?;
                    LiveHandles.open_by_handle(mount, full)
                }
                (true, false) => Err(libc::ESTALE),
                (false, _) => LiveHandles.open_by_handle(mount, handle),
            }
        }
    }

    fn enable(kernel: &mut Kernel, kind: NsKind, arg: &str) -> Result<NsTable> {
        let mut table = NsTable::default();
        let id = id_text(OsStr::new(arg)).expect("an :ID argument");
        enable_by_id(&mut table, kind, id, kernel, &ProcFs::live()).map(|()| table)
    }

    fn inode_of(table: &NsTable, kind: NsKind) -> u64 {
        let fd = table.slot(kind).fd.as_ref().expect("a descriptor");
        crate::sys::at::stat_fd(fd.as_fd()).unwrap().st_ino
    }

    /// On 6.19 the handle of the ID alone opens: nothing is looked for; an ID that names no
    /// namespace fails as util-linux's does.
    #[test]
    fn where_the_kernel_takes_an_id_alone_it_is_util_linux() {
        let Some(mut kernel) = Kernel::new(true) else { return };
        let net = kernel.own(NsKind::Net);
        let table = enable(&mut kernel, NsKind::Net, &format!(":{}", net.ns_id)).unwrap();
        assert!(table.is_enabled(NsKind::Net));
        assert_eq!(inode_of(&table, NsKind::Net), u64::from(net.ns_inum));
        // Only util-linux's own handle (of our mount namespace) was asked for.
        assert_eq!(kernel.handles_asked, 1);
        let e = enable(&mut kernel, NsKind::Net, &format!(":{}", u64::MAX)).unwrap_err();
        assert_eq!(e, Error::os(format!("cannot open namespace of id {}", u64::MAX), libc::ESTALE));
        assert_eq!(kernel.handles_asked, 2);
        // Of another kind, it opens; setns(2) refuses it later.
        let uts = kernel.own(NsKind::Uts);
        let table = enable(&mut kernel, NsKind::Net, &format!(":{}", uts.ns_id)).unwrap();
        assert_eq!(inode_of(&table, NsKind::Net), u64::from(uts.ns_inum));
    }

    /// On 6.18 the handle of the ID alone is refused: the namespace is found among those
    /// visible (here through our own /proc/PID/ns links) and opened by its full handle; an ID
    /// nothing visible has fails as util-linux's does there.
    #[test]
    fn where_the_kernel_wants_more_than_the_id_the_namespace_is_found() {
        let Some(mut kernel) = Kernel::new(false) else { return };
        for kind in [NsKind::Net, NsKind::Uts, NsKind::Mnt] {
            let own = kernel.own(kind);
            let table = enable(&mut kernel, kind, &format!(":{}", own.ns_id)).unwrap();
            assert_eq!(inode_of(&table, kind), u64::from(own.ns_inum), "{kind:?}");
        }
        let asked = kernel.handles_asked;
        let e = enable(&mut kernel, NsKind::Net, ":0").unwrap_err();
        assert_eq!(e, Error::os("cannot open namespace of id 0", libc::ESTALE));
        assert!(kernel.handles_asked > asked, "nothing was looked for");
        // Of another kind, it is found, as 6.19 finds it.
        let uts = kernel.own(NsKind::Uts);
        let table = enable(&mut kernel, NsKind::Net, &format!(":{}", uts.ns_id)).unwrap();
        assert_eq!(inode_of(&table, NsKind::Net), u64::from(uts.ns_inum));
    }

    #[test]
    fn ids_parse_as_util_linux_parses_them() {
        let Some(mut kernel) = Kernel::new(true) else { return };
        for bad in [":", ":abc", ":-1", ":12x", ":0x10", ": ", ":99999999999999999999"] {
            let e = enable(&mut kernel, NsKind::Net, bad).unwrap_err();
            assert_eq!(e, Error::msg(format!("failed to parse nsid: {}", &bad[1..])), "{bad}");
        }
        assert_eq!(kernel.handles_asked, 0, "the ID is parsed before anything is opened");
        assert_eq!(parse_nsid(OsStr::new(" +42")), Ok(42));
        assert_eq!(parse_nsid(OsStr::new("-0")), Ok(0));
        assert_eq!(parse_nsid(OsStr::new("18446744073709551615")), Ok(u64::MAX));
        assert_eq!(id_text(OsStr::new("./:5")), None);
        assert_eq!(id_text(OsStr::new(":5")), Some(OsStr::new("5")));
    }

    #[test]
    fn a_template_that_cannot_be_filled_is_util_linux_message() {
        let Some(mut kernel) = Kernel::new(true) else { return };
        kernel.fill_fails = Some(libc::ENOSYS);
        let e = enable(&mut kernel, NsKind::Net, ":5").unwrap_err();
        assert_eq!(e, Error::os("failed to fill namespace file handle", libc::ENOSYS));
    }
}
