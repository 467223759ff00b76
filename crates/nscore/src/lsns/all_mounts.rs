//! `--all-mounts` (an rns extra): nsfs bind mounts in every mount namespace rlsns can reach,
//! not only in its own (all util-linux reads).
//!
//! A mount namespace is read through a window: a process in it, whose `PID/mountinfo` lists
//! its mounts and whose `PID/root/` opens their targets. A mount namespace with no process,
//! kept by a bind mount of its nsfs file (found in a mount table already read) or by an open
//! descriptor, gets a window of its own: a forked child that enters it with setns(2) (a child
//! shares neither the tool's filesystem context nor its threads, so the tool itself never
//! changes namespace) and waits until rlsns has read through it. A mount namespace that cannot
//! be reached (not root, gone) is skipped without a message. The child is the scan's
//! [`NsQueries::resident`](super::kernel::NsQueries::resident).
//!
//! A mount found this way shows in NSFS and HOLDERS as `[mnt:INODE]TARGET`: the mount
//! namespace that holds it, then the mount point as that namespace sees it.

use super::model::{nsfs_root_ino, Holder, ScanOptions};
use super::scan::Scan;
use crate::lsns::kernel::NsidSource;
use crate::nstype::NsKind;
use crate::proc::{NsfsMount, ProcDir, ProcFs};
use std::collections::HashSet;
use std::fs::File;
use std::os::fd::AsFd;

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
            // A child in that namespace, until `helper` is dropped; none when it could not enter.
            if let Ok(helper) = self.kernel.resident(nsfs.as_fd(), libc::CLONE_NEWNS) {
                let window = Window { mntns, pid: helper.pid(), procfs: &procfs };
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsns::inside::tests::{Asked, Recording};
    use std::os::fd::AsRawFd;

    /// What `--all-mounts` asks the kernel of `k` about a namespace only a descriptor of ours
    /// holds: an nsfs file of our own (our uts namespace), which `k` calls a mount namespace.
    fn read_held(k: Recording) -> Vec<Asked> {
        let pid = std::process::id() as i32;
        let k: &'static Recording =
            Box::leak(Box::new(Recording { nstype: libc::CLONE_NEWNS, resident_pid: pid, ..k }));
        let procfs = ProcFs::new("/proc");
        let dir = procfs.open().unwrap();
        let held = File::open("/proc/self/ns/uts").unwrap();
        let ino = crate::sys::at::stat_fd(held.as_fd()).unwrap().st_ino;
        let mut scan = Scan::with_dir(None, procfs.clone(), Vec::new());
        scan.kernel = Box::leak(Box::new(k));
        scan.held.insert(ino, vec![Holder::Fd(pid, held.as_raw_fd())]);
        scan.read_all_mounts(&dir, &ScanOptions::default(), None);
        k.asked()
    }

    /// A mount namespace no process is in is read through a child the scan's kernel puts into
    /// it, released once read; one the child cannot enter is skipped.
    #[test]
    fn a_processless_mount_namespace_is_read_through_the_kernels_child() {
        let pid = std::process::id() as i32;
        let asked = read_held(Recording::default());
        assert_eq!(asked, [Asked::Nstype, Asked::Resident(libc::CLONE_NEWNS), Asked::Released(pid)]);
        let asked = read_held(Recording { refuse: Some(libc::EPERM), ..Default::default() });
        assert_eq!(asked, [Asked::Nstype, Asked::Resident(libc::CLONE_NEWNS)]);
    }
}
