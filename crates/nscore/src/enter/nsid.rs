//! `--<kind>=:ID` (nsenter 2.42): a namespace named by its 64-bit ID (NS_GET_ID, Linux 6.18),
//! opened with open_by_handle_at(2) on an nsfs file handle, as util-linux opens it.
//!
//! util-linux fills the handle with the ID alone. Linux 6.19 finds a namespace by its ID;
//! 6.18 finds one only by ID, kind and inode number together, and answers ESTALE to a handle
//! without them (`nsenter: cannot open namespace of id N: Stale file handle`).

use super::targets::NsTable;
use crate::error::{text_with, Error, Result};
use crate::nstype::NsKind;
use crate::sys::{NsHandle, NsfsHandles};
use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// util-linux's `nsfs_fd` and handle template: a descriptor of our own mount namespace to
/// open handles against, and that namespace's own handle (its type is nsfs's). Made at the
/// first `:ID` and kept until the namespaces are entered, as util-linux keeps it, so
/// descriptor numbers (which some messages print) come out the same.
#[derive(Debug)]
pub(crate) struct NsfsDoor {
    mount: OwnedFd,
    own: NsHandle,
}

/// The argument of `--<kind>=:ID` after the colon, when the argument has that form (a file
/// whose name starts with a colon is given as `./:name`).
pub(crate) fn id_text(arg: &OsStr) -> Option<&OsStr> {
    arg.as_bytes().strip_prefix(b":").map(OsStr::from_bytes)
}

/// util-linux's `ul_strtou64(idstr, &id, 10)`: decimal digits after blanks and a `+`; anything
/// else, an empty string or a negative number is `failed to parse nsid: <text>`, exit 1.
pub(crate) fn parse_nsid(text: &OsStr) -> Result<u64> {
    crate::number::strtou64(text.as_bytes()).0.map_err(|_| Error::msg(text_with("failed to parse nsid: {}", &[text])))
}

/// `--<kind>=:ID`: opens the namespace with ID `text` for `kind`, in util-linux's order: the
/// ID parsed, the handle template filled (once), the descriptor given for `kind` before
/// closed, the namespace opened.
pub(crate) fn enable_by_id(
    table: &mut NsTable,
    kind: NsKind,
    text: &OsStr,
    handles: &mut dyn NsfsHandles,
) -> Result<()> {
    let id = parse_nsid(text)?;
    let door = match table.door.take() {
        Some(door) => door,
        None => NsfsDoor::open(handles).map_err(|e| Error::os("failed to fill namespace file handle", e))?,
    };
    table.slot_mut(kind).fd = None;
    let opened = door.open_id(handles, id);
    table.door = Some(door);
    table.set_fd(kind, opened.map_err(|e| Error::os(format!("cannot open namespace of id {id}"), e))?);
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

    /// The namespace with ID `id`, through the handle of the ID alone, as util-linux opens it.
    fn open_id(&self, handles: &mut dyn NsfsHandles, id: u64) -> std::result::Result<OwnedFd, i32> {
        handles.open_by_handle(self.mount.as_fd(), &NsHandle::id_only(self.own.handle_type, id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::LiveHandles;
    use std::fs::File;
    use std::os::fd::BorrowedFd;

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
        enable_by_id(&mut table, kind, id, kernel).map(|()| table)
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

    /// On 6.18 the handle of the ID alone is refused, and so is the ID: util-linux's answer.
    #[test]
    fn where_the_kernel_wants_more_than_the_id_it_is_util_linux() {
        let Some(mut kernel) = Kernel::new(false) else { return };
        let net = kernel.own(NsKind::Net);
        let e = enable(&mut kernel, NsKind::Net, &format!(":{}", net.ns_id)).unwrap_err();
        assert_eq!(e, Error::os(format!("cannot open namespace of id {}", net.ns_id), libc::ESTALE));
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
