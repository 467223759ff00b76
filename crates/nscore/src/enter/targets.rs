//! What rnsenter enters and opens: one slot per namespace kind with the nsfs file to enter it
//! through, and how the files the command line names are opened (in the tool, `File::open`).

use crate::error::{Error, MsgArg, Result};
use crate::nstype::NsKind;
use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::OwnedFd;

/// One namespace kind nsenter may enter: whether it was asked for, and the nsfs file to enter
/// it through (a file given on the command line, `-N`, `--user-parent`, or `/proc/PID/ns/*`
/// when no pidfd is available). Without a file it is entered through the target's pidfd.
#[derive(Debug)]
pub(crate) struct NsSlot {
    pub kind: NsKind,
    pub enabled: bool,
    pub fd: Option<OwnedFd>,
}

/// The namespaces in entering order: user, cgroup, ipc, uts, net, pid, mnt, time.
#[derive(Debug)]
pub struct NsTable {
    pub(super) slots: Vec<NsSlot>,
    /// What `--<kind>=:ID` opens namespaces through, once one was given; closed after entering.
    pub(super) door: Option<NsfsDoor>,
}

/// util-linux's `nsfs_fd` and handle template: a descriptor of our own mount namespace to
/// open handles against, and that namespace's own handle (its type is nsfs's). Made at the
/// first `:ID` (see [`super::nsid`], which opens through it) and kept in the table until the
/// namespaces are entered, as util-linux keeps it, so descriptor numbers (which some messages
/// print) come out the same.
#[derive(Debug)]
pub(crate) struct NsfsDoor {
    pub(super) mount: OwnedFd,
    pub(super) own: crate::sys::NsHandle,
}

impl Default for NsTable {
    fn default() -> Self {
        let slots = NsKind::ENTER_ORDER.iter().map(|&kind| NsSlot { kind, enabled: false, fd: None }).collect();
        NsTable { slots, door: None }
    }
}

impl NsTable {
    // Cannot fail: `default` makes one slot per kind of NsKind::ENTER_ORDER, which lists all
    // eight kinds (a unit test checks it), and slots are never added or removed.
    #[allow(clippy::expect_used)]
    pub(super) fn slot_mut(&mut self, kind: NsKind) -> &mut NsSlot {
        self.slots.iter_mut().find(|s| s.kind == kind).expect("every kind has a slot")
    }

    // Cannot fail, as for `slot_mut`.
    #[allow(clippy::expect_used)]
    pub(super) fn slot(&self, kind: NsKind) -> &NsSlot {
        self.slots.iter().find(|s| s.kind == kind).expect("every kind has a slot")
    }

    /// Asks for `kind`; with a path, opens it now (closing a file opened for it before).
    pub(crate) fn enable(&mut self, kind: NsKind, path: Option<&OsStr>, open: Opener<'_>) -> Result<()> {
        let slot = self.slot_mut(kind);
        if let Some(path) = path {
            let mut file = slot.fd.take().map(File::from);
            let opened = reopen(&mut file, path, open)?;
            slot.fd = Some(opened.into());
        }
        slot.enabled = true;
        Ok(())
    }

    /// Gives `kind` a file to be entered through (replacing any it had).
    pub(crate) fn set_fd(&mut self, kind: NsKind, fd: OwnedFd) {
        let slot = self.slot_mut(kind);
        slot.fd = Some(fd);
        slot.enabled = true;
    }

    pub(crate) fn is_enabled(&self, kind: NsKind) -> bool {
        self.slot(kind).enabled
    }

    /// `CLONE_NEW*` mask of the kinds still to enter.
    pub fn mask(&self) -> libc::c_int {
        self.slots.iter().filter(|s| s.enabled).fold(0, |m, s| m | s.kind.clone_flag())
    }

    /// Mask of the kinds still to enter that have no file (to enter through the pidfd).
    pub(crate) fn mask_without_fd(&self) -> libc::c_int {
        self.slots.iter().filter(|s| s.enabled && s.fd.is_none()).fold(0, |m, s| m | s.kind.clone_flag())
    }
}

/// How the parse loop opens a file it was given (`File::open` in the tool; a fake in tests).
pub(crate) type Opener<'a> = &'a mut dyn FnMut(&OsStr) -> std::io::Result<File>;

/// Closes the previous descriptor before opening the next, as util-linux does, so descriptor
/// numbers (which some messages print) come out the same.
pub(crate) fn reopen(slot: &mut Option<File>, path: &OsStr, open: Opener<'_>) -> Result<File> {
    *slot = None;
    open(path).map_err(|e| Error::tr_io("cannot open %s", vec![MsgArg::str(path)], &e))
}
