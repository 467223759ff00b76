//! What a scan looks up after the walk: the representatives' parents, owners and command
//! lines, the owners and parents no process shows (`--tree=owner|parent`), and, while
//! printing, command lines, user names and nsfs mount points.

use super::kernel::NsidSource;
use super::model::{path_included, Namespace, Rel, ScanOptions};
use super::scan::{Scan, MIN_READS_PER_THREAD};
use crate::nstype::NsKind;
use crate::parallel;
use crate::proc::ProcDir;
use std::os::fd::AsFd;

impl Scan {
    /// The command line of a process, read when first asked for (as lsns reads it while
    /// printing), once per process.
    pub(crate) fn command(&self, pid: i32) -> Option<String> {
        let dir = self.dir.as_ref()?;
        self.commands.borrow_mut().entry(pid).or_insert_with(|| dir.command(pid)).clone()
    }

    /// The name of a uid as util-linux's id cache shows it: the passwd name (bytes that are not
    /// UTF-8 carried as they are), or the number when there is no entry or the name has no
    /// printable width in the user's locale (empty, a tab or control character in it).
    pub(crate) fn user_name(&self, uid: u32) -> String {
        self.users
            .borrow_mut()
            .entry(uid)
            .or_insert_with(|| match crate::sys::passwd::user_name(uid) {
                Ok(Some(name)) if crate::sys::locale::id_name_is_shown(&name) => crate::byte_text::carry_bytes(&name),
                Ok(_) => uid.to_string(),
                Err(errno) => {
                    self.note(errno);
                    uid.to_string()
                }
            })
            .clone()
    }

    /// NSFS: the targets of nsfs mounts of this namespace, joined by `sep`, a target left out
    /// when util-linux's substring test finds it already in the list. A target's own control
    /// bytes are carried (`byte_text::carry_controls`): whoever may mount chooses the path,
    /// and a newline in it must not pass for a second target.
    pub(crate) fn nsfs_paths(&self, ns: &Namespace, sep: char) -> Option<String> {
        let root = format!("{}:[{}]", ns.kind.name(), ns.ino);
        let mut out: Option<String> = None;
        for m in self.mounts.iter().filter(|m| m.root == root) {
            let target = crate::byte_text::carry_controls(&m.target);
            match &mut out {
                None => out = Some(target),
                Some(set) if !path_included(set, &target, sep) => {
                    set.push(sep);
                    set.push_str(&target);
                }
                Some(_) => {}
            }
        }
        out
    }

    /// Links namespaces to their parents and owners; a missing one that a member process
    /// can reach through ioctl is added (a "ghost").
    pub(super) fn connect(&mut self, opts: &ScanOptions, netlink: Option<&dyn NsidSource>) {
        let mut orphans: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        for i in 0..self.namespaces.len() {
            let kind = self.namespaces[i].kind;
            for rel in [Rel::Parent, Rel::Owner] {
                if rel == Rel::Parent && !matches!(kind, NsKind::User | NsKind::Pid) {
                    continue;
                }
                let id = self.namespaces[i].related_ino(rel);
                if let Some(j) = self.get(id).filter(|_| id != 0) {
                    self.namespaces[i].related[rel as usize] = Some(j);
                }
            }
            for rel in [Rel::Parent, Rel::Owner] {
                if self.namespaces[i].related_ino(rel) != 0 && self.namespaces[i].related[rel as usize].is_none() {
                    orphans[rel as usize].push(i);
                }
            }
        }
        for rel in [Rel::Parent, Rel::Owner] {
            for &i in orphans[rel as usize].iter().rev() {
                self.read_ghost(opts, netlink, i, rel);
            }
        }
    }

    fn read_ghost(&mut self, opts: &ScanOptions, netlink: Option<&dyn NsidSource>, orphan: usize, rel: Rel) {
        let Some(rep) = self.namespaces[orphan].rep else { return };
        let want = self.namespaces[orphan].related_ino(rel);
        if let Some(j) = self.get(want) {
            self.namespaces[orphan].related[rel as usize] = Some(j);
            return;
        }
        let kind = self.namespaces[orphan].kind;
        let Some(Ok(fd)) =
            self.dir.as_ref().map(|dir| dir.open(&format!("{}/ns/{}", self.procs[rep].pid, kind.name())))
        else {
            return;
        };
        let Ok((ino, Some(missing))) = self.related(fd.as_fd(), kind, rel).map_err(|e| self.note(e)) else { return };
        if ino != want {
            return;
        }
        let added = self.add_from_fd(opts, netlink, missing.as_fd(), want, true);
        self.namespaces[orphan].related[rel as usize] = added;
    }

    /// Reads the parent pid and owner of every namespace's representative, once per
    /// process, and with `commands` its command line (which lsns reads while printing), on
    /// the walk's threads. One that exited after the walk keeps 0 and no command.
    pub(super) fn read_representatives(&mut self, dir: &ProcDir, commands: bool) {
        let mut reps: Vec<usize> = self.namespaces.iter().filter_map(|ns| ns.rep).collect();
        reps.sort_unstable();
        reps.dedup();
        // (pid, uid, ppid, command) of each representative.
        let mut read: Vec<(i32, u32, i32, Option<String>)> =
            reps.iter().map(|&r| (self.procs[r].pid, 0, self.procs[r].ppid, None)).collect();
        let threads = parallel::threads_for(read.len(), MIN_READS_PER_THREAD, 1);
        parallel::in_parts(&mut read, threads, |part| {
            for (pid, uid, ppid, command) in part {
                *uid = dir.uid(*pid).unwrap_or(0);
                // A thread line (`--threads`) keeps its process as parent.
                if *ppid == 0 {
                    *ppid = dir.stat_line(*pid).map_or(0, |stat| stat.ppid);
                }
                if commands {
                    *command = dir.command(*pid);
                }
            }
        });
        let mut cache = self.commands.borrow_mut();
        for (&rep, (pid, uid, ppid, command)) in reps.iter().zip(read) {
            (self.procs[rep].uid, self.procs[rep].ppid) = (uid, ppid);
            if commands {
                cache.insert(pid, command);
            }
        }
    }
}
