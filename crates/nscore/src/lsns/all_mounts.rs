//! `--all-mounts` (an rns extra): nsfs bind mounts in every mount namespace rlsns can reach,
//! not only in its own (all util-linux reads).
//!
//! A mount namespace is read through a window: a process in it, whose `PID/mountinfo` lists
//! its mounts and whose `PID/root/` opens their targets. A mount namespace with no process,
//! kept by a bind mount of its nsfs file (found in a mount table already read) or by an open
//! descriptor, gets a window of its own: a forked child that enters it with setns(2) (a child
//! shares neither the tool's filesystem context nor its threads, so the tool itself never
//! changes namespace) and waits until rlsns has read through it. A mount namespace that cannot
//! be reached (not root, gone) is skipped without a message.
//!
//! A mount found this way shows in NSFS and HOLDERS as `[mnt:INODE]TARGET`: the mount
//! namespace that holds it, then the mount point as that namespace sees it.

use super::model::{nsfs_root_ino, Holder, ScanOptions};
use super::scan::Scan;
use crate::lsns::kernel::NsidSource;
use crate::nstype::NsKind;
use crate::proc::{NsfsMount, ProcDir, ProcFs};
use crate::sys::pipe::pipe;
use crate::sys::process::{exit_now, fork, wait_child, Forked};
use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsFd;

/// A forked child inside a mount namespace, there until dropped.
struct Helper {
    pid: libc::pid_t,
    /// Closing it tells the child to exit.
    release: Option<File>,
}

impl Drop for Helper {
    fn drop(&mut self) {
        drop(self.release.take());
        let _ = wait_child(self.pid, false);
    }
}

/// Forks a child that enters the mount namespace of `nsfs` and stays until released;
/// `None` when it could not enter.
fn enter(nsfs: &File) -> Option<Helper> {
    let (ready_read, ready_write) = pipe().ok()?;
    let (release_read, release_write) = pipe().ok()?;
    match fork().ok()? {
        Forked::Child => {
            // Only system calls from here on: the child never allocates.
            drop(ready_read);
            drop(release_write);
            if crate::sys::ns::setns(nsfs.as_fd(), libc::CLONE_NEWNS).is_ok() {
                let _ = (&ready_write).write(b"1");
                let mut byte = [0u8; 1];
                let _ = (&release_read).read(&mut byte);
            }
            exit_now(0)
        }
        Forked::Parent { child } => {
            drop(ready_write);
            drop(release_read);
            let helper = Helper { pid: child, release: Some(release_write) };
            let mut byte = [0u8; 1];
            matches!((&ready_read).read(&mut byte), Ok(1)).then_some(helper)
        }
    }
}

/// A mount namespace, and the process (of `dir`) through which its mounts are read.
struct Window<'a> {
    mntns: u64,
    pid: libc::pid_t,
    procfs: &'a ProcFs,
}

impl Window<'_> {
    fn nsfs_mounts(&self) -> Vec<NsfsMount> {
        self.procfs.nsfs_mounts_of(&self.pid.to_string()).unwrap_or_default()
    }

    /// The namespace file bound at each mount's target (`None` where it is not there any
    /// more), resolved in the process's root: a container's paths never lead out of it, nor to
    /// anything but that file ([`crate::sys::at::open_nsfs_beneath`]). Resolving a path can
    /// still stall for good in a filesystem the container mounted (a FUSE server that never
    /// answers, over a directory on the way), so the opens run on a thread of their own, and
    /// past [`super::inside::DEADLINE`] the window is given up (`None`), that thread left behind.
    fn open_all(&self, dir: &ProcDir, mounts: &[(NsfsMount, u64)]) -> Option<Vec<Option<File>>> {
        let root = dir.root_of(self.pid).ok()?;
        let paths: Vec<(std::path::PathBuf, u64)> = mounts.iter().map(|(m, ino)| (m.target_path(), *ino)).collect();
        let (tx, rx) = std::sync::mpsc::channel();
        let opener = move || {
            let opened: Vec<Result<File, i32>> =
                paths.iter().map(|(path, ino)| crate::sys::at::open_nsfs_beneath(root.as_fd(), path, *ino)).collect();
            let _ = tx.send(opened);
        };
        std::thread::Builder::new()
            .spawn(opener)
            .map_err(|e| dir.note(e.raw_os_error().unwrap_or(libc::EAGAIN)))
            .ok()?;
        let opened = rx.recv_timeout(super::inside::DEADLINE).ok()?;
        Some(opened.into_iter().map(|r| r.map_err(|e| dir.note(e)).ok()).collect())
    }
}

impl Scan {
    /// Reads the nsfs mounts of every other mount namespace it can reach; each namespace
    /// they hold is added as [`Scan::read_persistent`] adds those of rlsns's own.
    pub(super) fn read_all_mounts(&mut self, dir: &ProcDir, opts: &ScanOptions, netlink: Option<&dyn NsidSource>) {
        let mut seen: HashSet<u64> = HashSet::new();
        seen.extend(dir.stat("self/ns/mnt").map(|f| f.ino));
        let procfs = self.procfs.clone();
        let mut pending: Vec<(u64, File)> = self.processless_mount_namespaces(dir);
        let mut stalled = 0;
        for (mntns, pid) in self.mount_namespace_members(dir) {
            if stalled < super::inside::MAX_STALLED && seen.insert(mntns) {
                let window = Window { mntns, pid, procfs: &procfs };
                stalled += usize::from(!self.read_window(dir, &window, opts, netlink, &mut pending));
            }
        }
        while let Some((mntns, nsfs)) = pending.pop() {
            if stalled >= super::inside::MAX_STALLED || !seen.insert(mntns) {
                continue;
            }
            if let Some(helper) = enter(&nsfs) {
                let window = Window { mntns, pid: helper.pid, procfs: &procfs };
                stalled += usize::from(!self.read_window(dir, &window, opts, netlink, &mut pending));
            }
        }
    }

    /// One process per mount namespace (the first scanned), in scan order.
    fn mount_namespace_members(&self, dir: &ProcDir) -> Vec<(u64, libc::pid_t)> {
        let mnt = NsKind::Mnt.index();
        let mut members = Vec::new();
        let mut found = HashSet::new();
        for proc in &self.procs {
            let ino = match proc.ns[mnt] {
                0 => dir.stat(&format!("{}/ns/mnt", proc.pid)).map_or(0, |f| f.ino),
                ino => ino,
            };
            if ino != 0 && found.insert(ino) {
                members.push((ino, proc.pid));
            }
        }
        members
    }

    /// Mount namespaces rlsns's own mount table binds, or a process holds open: an nsfs file
    /// of each.
    fn processless_mount_namespaces(&self, dir: &ProcDir) -> Vec<(u64, File)> {
        let mut found = Vec::new();
        let own_root = crate::sys::at::own_root().map_err(|e| dir.note(e)).ok();
        for m in self.mounts.iter().filter(|m| m.root.starts_with("mnt:")) {
            let (Some(ino), Some(root)) = (nsfs_root_ino(&m.root), own_root.as_ref()) else { continue };
            if let Ok(file) = crate::sys::at::open_nsfs_beneath(root.as_fd(), &m.target_path(), ino) {
                found.push((ino, file));
            }
        }
        for (&ino, holders) in &self.held {
            // With `-t` leaving mount namespaces out, the scan did not ask what this one is.
            if self.get(ino).is_some_and(|i| self.namespaces[i].kind != NsKind::Mnt) {
                continue;
            }
            let Some(Holder::Fd(pid, fd)) = holders.iter().find(|h| matches!(h, Holder::Fd(..))) else { continue };
            let Ok(file) = dir.open_nsfs(&format!("{pid}/fd/{fd}"), ino) else { continue };
            if self.kernel.nstype(file.as_fd()) == Ok(libc::CLONE_NEWNS) {
                found.push((ino, file));
            }
        }
        found
    }

    /// Adds what the nsfs mounts seen through `window` hold, and the mounts themselves
    /// (qualified); mount namespaces they bind go to `pending`. False when the window's
    /// paths did not open within the deadline.
    fn read_window(
        &mut self,
        dir: &ProcDir,
        window: &Window<'_>,
        opts: &ScanOptions,
        netlink: Option<&dyn NsidSource>,
        pending: &mut Vec<(u64, File)>,
    ) -> bool {
        // The pid must still be a process in that namespace: a member may have exited (its
        // pid reused), and a /proc of another pid namespace names our helper otherwise.
        if dir.stat(&format!("{}/ns/mnt", window.pid)).map(|f| f.ino) != Some(window.mntns) {
            return true;
        }
        let mounts: Vec<(NsfsMount, u64)> =
            window.nsfs_mounts().into_iter().filter_map(|m| nsfs_root_ino(&m.root).map(|ino| (m, ino))).collect();
        if mounts.is_empty() {
            return true;
        }
        let Some(files) = window.open_all(dir, &mounts) else { return false };
        for ((mount, ino), file) in mounts.into_iter().zip(files) {
            if let Some(file) = file {
                let added = if self.get(ino).is_none() {
                    self.add_from_fd(opts, netlink, file.as_fd(), ino, true)
                } else {
                    None
                };
                if mount.root.starts_with("mnt:") {
                    pending.push((ino, file));
                } else if added
                    .is_some_and(|i| matches!(self.namespaces[i].kind, NsKind::Uts | NsKind::Net | NsKind::Ipc))
                {
                    // Kept for the inside columns (these kinds only): no other way leads back.
                    self.found_through_windows.insert(ino, file);
                }
            }
            let target = format!("[mnt:{}]{}", window.mntns, mount.target);
            self.mounts.push(NsfsMount { root: mount.root, target });
        }
        true
    }
}
