//! Discovering namespaces: one pass over `/proc` (processes, their `ns/*` links and open
//! descriptors), then nsfs bind mounts from mountinfo; what is looked up after that (the
//! representatives, the owners and parents no process shows) is in `lookups.rs`.
//!
//! The pass is linear: `/proc` is opened once and every `PID/ns/<name>` is read relative to
//! it (by [`walk`], on several threads); namespaces are indexed by inode, and the kernel is
//! asked about a namespace (NS_GET_PARENT, NS_GET_USERNS, RTM_GETNSID, NS_GET_ID, through
//! [`NsQueries`]) once, when it is first seen, and only when a column, filter or tree needs
//! the answer.
//!
//! Which namespaces appear follows util-linux 2.42: a namespace held by a descriptor, a
//! socket or a bind mount brings its owner and parent along (of the selected types), and
//! while /proc is walked only namespaces found that way count as known.

use super::kernel::{NsQueries, NsidSource, LIVE};
use super::model::{nsfs_root_ino, Holder, Namespace, Process, Rel, ScanError, ScanOptions};
use super::walk::{self, HeldFd};
use crate::nstype::NsKind;
use crate::parallel;
use crate::proc::{NsfsMount, ProcDir, ProcFs};
use crate::sys::ns::{self as nsio, NsIoctl};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// Everything found.
#[derive(Debug)]
pub struct Scan {
    pub procfs: ProcFs,
    /// The open root, kept for reading command lines while printing.
    pub(super) dir: Option<ProcDir>,
    pub procs: Vec<Process>,
    pub namespaces: Vec<Namespace>,
    by_ino: HashMap<u64, usize>,
    pub mounts: Vec<NsfsMount>,
    pub nsfs_dev: Option<u64>,
    /// Descriptors and foreign sockets holding each namespace, by inode.
    pub held: HashMap<u64, Vec<Holder>>,
    /// Messages util-linux prints with warnx while scanning (`Unsupported ioctl ...`).
    pub warnings: Vec<String>,
    pub(super) users: RefCell<HashMap<u32, String>>,
    /// HOLDERS's `child:`/`owned:` items of every namespace, built once when first asked for
    /// (asking each namespace about every other one is quadratic: minutes for 16 000).
    pub(crate) relatives: std::cell::OnceCell<HashMap<u64, Vec<String>>>,
    /// Command lines read so far: a process shows on the line of each namespace it represents.
    pub(super) commands: RefCell<HashMap<i32, Option<String>>>,
    /// What the kernel said, asked ahead on several threads, by inode: the task directory
    /// asked through and the answer.
    answers: HashMap<u64, (String, Answer)>,
    /// What HOSTNAME, IFACES and IPCOBJS show, asked from inside each namespace after the walk.
    pub(crate) inside: HashMap<u64, super::model::Inside>,
    /// Namespaces found only through another mount namespace's bind mounts (`--all-mounts`),
    /// held open by inode: the window they were seen through is gone by the time the inside
    /// columns ask them, and this is the way back in.
    pub(crate) found_through_windows: HashMap<u64, File>,
    /// The first EMFILE, ENFILE or ENOMEM met outside the `/proc` readers (which remember
    /// their own, [`ProcDir::exhausted`]): an ioctl, a socket, a bind mount opened.
    exhausted: std::cell::Cell<Option<i32>>,
    /// What answers the scan's questions about namespaces.
    pub(super) kernel: &'static dyn NsQueries,
}

/// Representatives read per thread at least: each costs a few system calls (~15 us).
pub(super) const MIN_READS_PER_THREAD: usize = 64;

fn is_gone(errno: i32) -> bool {
    matches!(errno, libc::ENOENT | libc::ESRCH | libc::EACCES)
}

/// NS_GET_PARENT (pid and user only) or NS_GET_USERNS: the related namespace's inode and
/// descriptor; EPERM and ENOSYS mean none; other errors are returned. A request the kernel
/// does not know is added to `unsupported` (util-linux warns about it).
fn related_of(
    kernel: &dyn NsQueries,
    fd: BorrowedFd<'_>,
    kind: NsKind,
    rel: Rel,
    unsupported: &mut Vec<&'static str>,
) -> Result<(u64, Option<OwnedFd>), i32> {
    let which = match rel {
        Rel::Parent if matches!(kind, NsKind::Pid | NsKind::User) => NsIoctl::GetParent,
        Rel::Parent => return Ok((0, None)),
        Rel::Owner => NsIoctl::GetUserns,
    };
    match kernel.related(fd, which) {
        Ok(other) => Ok((kernel.inode(other.as_fd())?, Some(other))),
        Err(e) => {
            if e == libc::ENOTTY || e == libc::ENOSYS {
                unsupported.push(which.name());
            }
            if e == libc::EPERM || e == libc::ENOSYS {
                Ok((0, None))
            } else {
                Err(e)
            }
        }
    }
}

/// What the kernel said about a namespace a process showed ([`ask_about`]).
#[derive(Debug, PartialEq)]
struct Answer {
    /// Requests the kernel did not know, in the order they were made.
    unsupported: Vec<&'static str>,
    /// `None` when the process was gone or its pid had passed to another process;
    /// `Err(errno)` ends the scan, as it ends util-linux's.
    outcome: Result<Option<Facts>, i32>,
}

/// What was asked about a namespace, as far as the scan wanted it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Facts {
    /// Parent and owner inodes (0: none or not asked).
    parent: u64,
    owner: u64,
    netnsid: Option<i32>,
    id: Option<u64>,
}

/// Whether the scan asks the kernel about a namespace of `kind` that a process shows.
fn wanted(opts: &ScanOptions, kind: NsKind) -> bool {
    opts.relations || opts.ids || (kind == NsKind::Net && opts.netnsid)
}

/// NS_GET_ID when the scan wants it; a kernel without it (ENOTTY) or any failure leaves the
/// cell empty, as a failed RTM_GETNSID does.
fn id_of(kernel: &dyn NsQueries, opts: &ScanOptions, fd: BorrowedFd<'_>) -> Option<u64> {
    opts.ids.then(|| kernel.ns_id(fd).ok()).flatten()
}

/// Asks the kernel, through `<task_dir>/ns/<kind>`, about the namespace `ino` for what the
/// columns, filter and tree need. Touches nothing but the kernel, so the scan asks about the
/// namespaces of many processes on several threads ([`ask_ahead`]).
fn ask_about(
    kernel: &dyn NsQueries,
    dir: &ProcDir,
    opts: &ScanOptions,
    netlink: Option<&dyn NsidSource>,
    task_dir: &str,
    kind: NsKind,
    ino: u64,
) -> Answer {
    let mut unsupported = Vec::new();
    let outcome = (|| {
        let fd: File = match dir.open(&format!("{task_dir}/ns/{}", kind.name())) {
            Ok(fd) => fd,
            Err(e) if is_gone(e) => return Ok(None),
            Err(e) => return Err(e),
        };
        // The pid may have passed to another process between the walk and the open: then
        // this descriptor is another namespace, whose relatives must not be taken for these.
        if kernel.inode(fd.as_fd()) != Ok(ino) {
            return Ok(None);
        }
        // A namespace or process that vanished in between reads as unrelated; any other
        // failure ends the scan.
        let mut ask = |rel| match related_of(kernel, fd.as_fd(), kind, rel, &mut unsupported) {
            Ok((ino, _)) => Ok(ino),
            Err(e) if is_gone(e) => Ok(0),
            Err(e) => Err(e),
        };
        let (parent, owner) = if opts.relations { (ask(Rel::Parent)?, ask(Rel::Owner)?) } else { (0, 0) };
        let netnsid = match netlink.filter(|_| kind == NsKind::Net).map(|nl| nl.nsid(fd.as_fd())) {
            Some(Err(e)) if crate::sys::fd::is_exhaustion(e) => return Err(e),
            Some(answer) => answer.ok().flatten(),
            None => None,
        };
        Ok(Some(Facts { parent, owner, netnsid, id: id_of(kernel, opts, fd.as_fd()) }))
    })();
    Answer { unsupported, outcome }
}

/// Asks the kernel about every namespace the walk found, through the first process that
/// showed it (the one [`Scan::take_in`] would ask through), on several threads: each is an
/// open, two ioctls and a netlink round trip, thousands on a big host. The answers are
/// taken in process order by `take_in`, so warnings and failures come as they would from
/// asking one by one; one whose namespace a descriptor made known first is not used.
/// On one thread (few namespaces, or few descriptors left) `netlink` is used for all.
fn ask_ahead(
    kernel: &dyn NsQueries,
    dir: &ProcDir,
    opts: &ScanOptions,
    netlink: Option<&dyn NsidSource>,
    procs: &[Process],
) -> HashMap<u64, (String, Answer)> {
    let mut seen = std::collections::HashSet::new();
    let mut asks: Vec<(i32, NsKind, u64, Option<Answer>)> = Vec::new();
    for proc in procs {
        for kind in NsKind::LSNS_ORDER {
            let ino = proc.ns[kind.index()];
            if ino != 0 && wanted(opts, kind) && seen.insert(ino) {
                asks.push((proc.pid, kind, ino, None));
            }
        }
    }
    // Each thread holds a namespace, the relative asked for and a netlink socket.
    let threads = parallel::threads_for(asks.len(), MIN_READS_PER_THREAD, 3);
    parallel::in_parts(&mut asks, threads, |part| {
        // A netlink socket per part: answers on a shared one could cross.
        let own = if opts.netnsid && threads > 1 { kernel.nsid_source().map_err(|e| dir.note(e)).ok() } else { None };
        let netlink = if threads > 1 { own.as_deref() } else { netlink };
        for (pid, kind, ino, answer) in part {
            *answer = Some(ask_about(kernel, dir, opts, netlink, &pid.to_string(), *kind, *ino));
        }
    });
    asks.into_iter().filter_map(|(pid, _, ino, answer)| Some((ino, (pid.to_string(), answer?)))).collect()
}

impl Scan {
    /// An empty scan over `procfs` with these nsfs mounts.
    #[cfg(test)]
    pub(crate) fn new(procfs: ProcFs, mounts: Vec<NsfsMount>) -> Scan {
        Scan::with_dir(procfs.open().ok(), procfs, mounts)
    }

    /// An empty scan that reads command lines through `dir`.
    pub(super) fn with_dir(dir: Option<ProcDir>, procfs: ProcFs, mounts: Vec<NsfsMount>) -> Scan {
        Scan {
            dir,
            procfs,
            procs: Vec::new(),
            namespaces: Vec::new(),
            by_ino: HashMap::new(),
            mounts,
            nsfs_dev: None,
            held: HashMap::new(),
            warnings: Vec::new(),
            users: RefCell::new(HashMap::new()),
            relatives: std::cell::OnceCell::new(),
            commands: RefCell::new(HashMap::new()),
            answers: HashMap::new(),
            inside: HashMap::new(),
            found_through_windows: HashMap::new(),
            exhausted: std::cell::Cell::new(None),
            kernel: &LIVE,
        }
    }

    /// Remembers `errno` if it says descriptors or memory ran out.
    pub(super) fn note(&self, errno: i32) {
        if crate::sys::fd::is_exhaustion(errno) && self.exhausted.get().is_none() {
            self.exhausted.set(Some(errno));
        }
    }

    /// Whether anything read so far through `dir` or otherwise failed for want of
    /// descriptors or memory.
    fn check(&self, dir: &ProcDir) -> Result<(), ScanError> {
        match dir.exhausted().or(self.exhausted.get()) {
            Some(errno) => Err(ScanError::Exhausted(errno)),
            None => Ok(()),
        }
    }

    /// Whether a read since the scan (a command line, a user name) failed for want of
    /// descriptors or memory: what it gave is then no answer.
    pub(crate) fn exhausted(&self) -> Option<ScanError> {
        self.dir.as_ref().and_then(ProcDir::exhausted).or(self.exhausted.get()).map(ScanError::Exhausted)
    }

    pub(crate) fn get(&self, ino: u64) -> Option<usize> {
        self.by_ino.get(&ino).copied()
    }

    /// Namespace indices sorted by inode (the order lsns prints).
    pub(crate) fn sorted(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.namespaces.len()).collect();
        order.sort_by_key(|&i| self.namespaces[i].ino);
        order
    }

    fn warn_unsupported(&mut self, errno: i32, request: &str) {
        if errno == libc::ENOTTY || errno == libc::ENOSYS {
            self.unsupported(request);
        }
    }

    /// util-linux's warning for an ioctl request the kernel does not know.
    fn unsupported(&mut self, request: &str) {
        self.warnings.push(format!("Unsupported ioctl {request}"));
    }

    /// [`related_of`], its `Unsupported ioctl` warning kept.
    pub(super) fn related(
        &mut self,
        fd: BorrowedFd<'_>,
        kind: NsKind,
        rel: Rel,
    ) -> Result<(u64, Option<OwnedFd>), i32> {
        let mut unsupported = Vec::new();
        let related = related_of(self.kernel, fd, kind, rel, &mut unsupported);
        for request in unsupported {
            self.unsupported(request);
        }
        related
    }

    /// [`Scan::related`]'s inode alone (0: none or failed, a shortage remembered).
    fn related_ino(&mut self, fd: BorrowedFd<'_>, kind: NsKind, rel: Rel) -> u64 {
        match self.related(fd, kind, rel) {
            Ok((ino, _)) => ino,
            Err(e) => {
                self.note(e);
                0
            }
        }
    }

    /// A descriptor of the relative [`Scan::related_ino`] found to be `ino`.
    fn related_fd(&mut self, fd: BorrowedFd<'_>, kind: NsKind, rel: Rel, ino: u64) -> Option<OwnedFd> {
        match self.related(fd, kind, rel) {
            Ok((got, other)) if got == ino => other,
            Ok(_) => None,
            Err(e) => {
                self.note(e);
                None
            }
        }
    }

    fn netnsid(&self, netlink: Option<&dyn NsidSource>, fd: BorrowedFd<'_>) -> Option<i32> {
        netlink.and_then(|nl| nl.nsid(fd).map_err(|e| self.note(e)).ok().flatten())
    }

    /// Adds a process and counts it in each of its namespaces (entries made as needed); the
    /// lowest pid becomes a namespace's representative.
    pub(crate) fn add_process(&mut self, proc: Process) -> usize {
        self.procs.push(proc);
        let pidx = self.procs.len() - 1;
        self.count_in(pidx);
        pidx
    }

    /// Counts process `pidx` in each of its namespaces.
    fn count_in(&mut self, pidx: usize) {
        let (pid, inos) = (self.procs[pidx].pid, self.procs[pidx].ns);
        for kind in NsKind::LSNS_ORDER {
            let ino = inos[kind.index()];
            if ino == 0 {
                continue;
            }
            let idx = self.insert(ino, kind);
            let ns = &mut self.namespaces[idx];
            ns.procs.push(pidx);
            if ns.rep.map_or(true, |r| self.procs[r].pid > pid) {
                ns.rep = Some(pidx);
            }
        }
    }

    /// The entry of a namespace, made if new.
    pub(crate) fn insert(&mut self, ino: u64, kind: NsKind) -> usize {
        if let Some(i) = self.get(ino) {
            return i;
        }
        self.namespaces.push(Namespace {
            ino,
            kind,
            procs: Vec::new(),
            rep: None,
            parent_ino: 0,
            owner_ino: 0,
            netnsid: None,
            ns_id: None,
            uid_fallback: 0,
            related: [None, None],
            from_fd: false,
            queried: false,
        });
        self.by_ino.insert(ino, self.namespaces.len() - 1);
        self.namespaces.len() - 1
    }

    /// util-linux's `add_namespace_for_nsfd`: a namespace known by a descriptor, and (if not
    /// known yet) its parent and owner. `all_known`: every entry counts as known (after the
    /// /proc walk); else only those added from descriptors.
    pub(super) fn add_from_fd(
        &mut self,
        opts: &ScanOptions,
        netlink: Option<&dyn NsidSource>,
        fd: BorrowedFd<'_>,
        ino: u64,
        all_known: bool,
    ) -> Option<usize> {
        let flag = match self.kernel.nstype(fd) {
            Ok(flag) => flag,
            Err(e) => {
                self.note(e);
                self.warn_unsupported(e, "NS_GET_NSTYPE");
                return None;
            }
        };
        let kind = NsKind::from_clone_flag(flag)?;
        if !opts.kinds[kind.index()] {
            return None;
        }
        // Only the inodes are kept: the descriptors are asked for again when a relative is
        // added, so a chain of namespaces holds one descriptor per level, not three.
        let pino = self.related_ino(fd, kind, Rel::Parent);
        let oino = self.related_ino(fd, kind, Rel::Owner);
        let netnsid = match kind {
            NsKind::Net => match self.get(ino).filter(|&i| self.namespaces[i].queried) {
                Some(i) => self.namespaces[i].netnsid,
                None => self.netnsid(netlink, fd),
            },
            _ => None,
        };
        let id = id_of(self.kernel, opts, fd);
        let uid = match self.kernel.owner_uid(fd) {
            Ok(uid) => uid,
            Err(e) => {
                self.note(e);
                self.warn_unsupported(e, "NS_GET_OWNER_UID");
                0
            }
        };
        let idx = self.insert(ino, kind);
        {
            let ns = &mut self.namespaces[idx];
            ns.parent_ino = pino;
            ns.owner_ino = oino;
            ns.netnsid = netnsid;
            ns.ns_id = id;
            ns.uid_fallback = uid;
            ns.from_fd = true;
            ns.queried = true;
        }
        let known = |scan: &Scan, ino: u64| scan.get(ino).filter(|&i| all_known || scan.namespaces[i].from_fd);
        if matches!(kind, NsKind::User | NsKind::Pid) && pino != ino && pino != 0 {
            let parent = match known(self, pino) {
                Some(p) => Some(p),
                None => {
                    let pfd = self.related_fd(fd, kind, Rel::Parent, pino);
                    let p = pfd.and_then(|pfd| self.add_from_fd(opts, netlink, pfd.as_fd(), pino, all_known));
                    if pino == oino {
                        self.namespaces[idx].related[Rel::Owner as usize] = p;
                    }
                    p
                }
            };
            self.namespaces[idx].related[Rel::Parent as usize] = parent;
        }
        if self.namespaces[idx].related[Rel::Owner as usize].is_none() && oino != 0 {
            let owner = match known(self, oino) {
                Some(o) => Some(o),
                None => {
                    let ofd = self.related_fd(fd, kind, Rel::Owner, oino);
                    ofd.and_then(|ofd| self.add_from_fd(opts, netlink, ofd.as_fd(), oino, all_known))
                }
            };
            self.namespaces[idx].related[Rel::Owner as usize] = owner;
        }
        Some(idx)
    }

    /// Takes in a process the walk read: its namespaces (asking the kernel about new ones),
    /// then the namespaces its descriptors hold. `Err(errno)` when an NS ioctl fails in a way
    /// util-linux does not tolerate.
    fn take_in(
        &mut self,
        dir: &ProcDir,
        opts: &ScanOptions,
        netlink: Option<&dyn NsidSource>,
        pidx: usize,
        fds: &[HeldFd],
    ) -> Result<(), i32> {
        let (pid, inos) = (self.procs[pidx].pid, self.procs[pidx].ns);
        self.query_new(dir, opts, netlink, &pid.to_string(), inos)?;
        self.count_in(pidx);
        let own_net = inos[NsKind::Net.index()];
        self.read_open_namespaces(dir, opts, netlink, pid, fds, own_net);
        if opts.threads {
            let leader = self.procs[pidx].clone();
            self.read_threads(dir, opts, netlink, &leader)?;
        }
        Ok(())
    }

    /// Asks the kernel, through `<task_dir>/ns/<kind>`, about each namespace of `inos` seen
    /// for the first time, for what the columns, filter and tree need.
    fn query_new(
        &mut self,
        dir: &ProcDir,
        opts: &ScanOptions,
        netlink: Option<&dyn NsidSource>,
        task_dir: &str,
        inos: [u64; NsKind::COUNT],
    ) -> Result<(), i32> {
        for kind in NsKind::LSNS_ORDER {
            let ino = inos[kind.index()];
            if ino == 0 {
                continue;
            }
            let idx = self.insert(ino, kind);
            if self.namespaces[idx].queried || !wanted(opts, kind) {
                continue;
            }
            // Asked already, on the walk's threads, through this process.
            let answer = match self.answers.remove(&ino) {
                Some((asked_through, answer)) if asked_through == task_dir => answer,
                _ => ask_about(self.kernel, dir, opts, netlink, task_dir, kind, ino),
            };
            for request in answer.unsupported {
                self.unsupported(request);
            }
            let Some(facts) = answer.outcome? else { continue };
            let ns = &mut self.namespaces[idx];
            ns.parent_ino = facts.parent;
            ns.owner_ino = facts.owner;
            ns.netnsid = facts.netnsid;
            ns.ns_id = facts.id;
            ns.queried = true;
        }
        Ok(())
    }

    /// `--threads`: the other threads of `leader` (`PID/task/TID`); one whose namespaces differ
    /// from the process's (it called unshare(2) or setns(2)) is added for those namespaces,
    /// with its process as parent.
    fn read_threads(
        &mut self,
        dir: &ProcDir,
        opts: &ScanOptions,
        netlink: Option<&dyn NsidSource>,
        leader: &Process,
    ) -> Result<(), i32> {
        let entries = match std::fs::read_dir(self.procfs.root().join(format!("{}/task", leader.pid))) {
            Ok(entries) => entries,
            Err(e) => {
                self.note(e.raw_os_error().unwrap_or(0));
                return Ok(());
            }
        };
        let mut tids: Vec<i32> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse().ok()))
            .filter(|&tid| tid != leader.pid)
            .collect();
        tids.sort_unstable();
        for tid in tids {
            let task_dir = format!("{}/task/{tid}", leader.pid);
            let mut inodes = [0; NsKind::COUNT];
            for kind in NsKind::LSNS_ORDER.into_iter().filter(|k| opts.kinds[k.index()]) {
                if let Some(file) = dir.stat(&format!("{task_dir}/ns/{}", kind.name())) {
                    inodes[kind.index()] = file.ino;
                }
            }
            self.query_new(dir, opts, netlink, &task_dir, inodes)?;
            let mut own = [0; NsKind::COUNT];
            for (i, &ino) in inodes.iter().enumerate() {
                if ino != 0 && ino != leader.ns[i] {
                    own[i] = ino;
                }
            }
            if own != [0; NsKind::COUNT] {
                self.add_process(Process { pid: tid, ppid: leader.pid, uid: leader.uid, ns: own, parent: None });
            }
        }
        Ok(())
    }

    /// Namespaces a process holds open: nsfs descriptors, and the network namespaces of its
    /// sockets (pidfd_getfd(2) + SIOCGSKNS). Failures are ignored, as in util-linux, but for
    /// a shortage of descriptors or memory, which is remembered.
    /// Each is also remembered as a [`Holder`] (a socket only when it is not in `own_net`,
    /// the process's own network namespace).
    fn read_open_namespaces(
        &mut self,
        dir: &ProcDir,
        opts: &ScanOptions,
        netlink: Option<&dyn NsidSource>,
        pid: i32,
        fds: &[HeldFd],
        own_net: u64,
    ) {
        // One pidfd per process, opened at its first socket.
        let mut pidfd: Option<OwnedFd> = None;
        for &(_, num, file) in fds {
            if Some(file.dev) == self.nsfs_dev {
                self.held.entry(file.ino).or_default().push(Holder::Fd(pid, num));
                if self.get(file.ino).is_some_and(|i| self.namespaces[i].from_fd) {
                    continue;
                }
                // The process may have put anything at that number since it was stat'ed (a
                // FIFO would block an open, another file would answer ENOTTY): only the nsfs
                // file with that inode is taken.
                if let Ok(fd) = dir.open_nsfs(&format!("{pid}/fd/{num}"), file.ino) {
                    self.add_from_fd(opts, netlink, fd.as_fd(), file.ino, false);
                }
            } else if file.is_socket() && opts.kinds[NsKind::Net.index()] {
                if pidfd.is_none() {
                    pidfd = nsio::pidfd_open(pid).map_err(|e| self.note(e)).ok();
                }
                let Some(held) = pidfd.as_ref() else { continue };
                let Ok(sock) = nsio::pidfd_getfd(held.as_fd(), num).map_err(|e| self.note(e)) else { continue };
                let mut netns = nsio::socket_netns(sock.as_fd());
                if netns.as_ref().is_err_and(|&e| e == libc::EMFILE) {
                    // The table is nearly full: the pidfd makes room, reopened at the next socket.
                    pidfd = None;
                    netns = nsio::socket_netns(sock.as_fd());
                }
                let netns = netns.map_err(|e| self.note(e));
                // The socket itself is not needed past this point.
                drop(sock);
                let Ok(netns) = netns else { continue };
                let Ok(st) = crate::sys::at::stat_fd(netns.as_fd()).map_err(|e| self.note(e)) else { continue };
                if st.st_ino != own_net {
                    self.held.entry(st.st_ino).or_default().push(Holder::Socket(pid, num));
                }
                if self.get(st.st_ino).is_some_and(|i| self.namespaces[i].from_fd) {
                    continue;
                }
                self.add_from_fd(opts, netlink, netns.as_fd(), st.st_ino, false);
            }
        }
    }

    /// Namespaces bind-mounted somewhere (`unshare --net=FILE`, `ip netns add`).
    fn read_persistent(&mut self, opts: &ScanOptions, netlink: Option<&dyn NsidSource>) {
        let mounts = self.mounts.clone();
        let mut root: Option<OwnedFd> = None;
        for m in &mounts {
            let Some(ino) = nsfs_root_ino(&m.root) else { continue };
            if self.get(ino).is_some() {
                continue;
            }
            if root.is_none() {
                root = crate::sys::at::own_root().map_err(|e| self.note(e)).ok();
            }
            let Some(root) = &root else { continue };
            let fd = match crate::sys::at::open_nsfs_beneath(root.as_fd(), &m.target_path(), ino) {
                Ok(fd) => fd,
                Err(e) => {
                    self.note(e);
                    continue;
                }
            };
            self.add_from_fd(opts, netlink, fd.as_fd(), ino, true);
        }
    }

    /// Sets each process's parent (the scanned process whose pid is its ppid).
    pub(crate) fn link_parents(&mut self) {
        let by_pid: HashMap<i32, usize> = self.procs.iter().enumerate().map(|(i, p)| (p.pid, i)).collect();
        for p in &mut self.procs {
            p.parent = by_pid.get(&p.ppid).copied();
        }
    }
}

/// Scans `procfs` for namespaces.
pub(crate) fn scan(procfs: &ProcFs, kernel: &'static dyn NsQueries, opts: &ScanOptions) -> Result<Scan, ScanError> {
    // lsns parses mountinfo before it walks /proc.
    let mounts = procfs.nsfs_mounts().map_err(|e| ScanError::Mountinfo(e.raw_os_error().unwrap_or(libc::EIO)))?;
    let dir = procfs.open().map_err(|e| ScanError::Io(e.raw_os_error().unwrap_or(libc::EIO)))?;
    // `dir` goes into the scan (for command lines) once the scan is done with it.
    let mut scan = Scan::with_dir(None, procfs.clone(), mounts);
    scan.kernel = kernel;
    scan.nsfs_dev = NsKind::LSNS_ORDER.iter().find_map(|k| dir.stat(&format!("self/ns/{}", k.name()))).map(|f| f.dev);
    let netlink = if opts.netnsid { kernel.nsid_source().map_err(|e| scan.note(e)).ok() } else { None };
    let pids = dir.pids().map_err(|e| ScanError::Io(e.raw_os_error().unwrap_or(libc::EIO)))?;
    let walk = walk::walk(&dir, opts, scan.nsfs_dev, &pids);
    drop(pids);
    scan.check(&dir)?;
    if opts.relations || opts.netnsid || opts.ids {
        scan.answers = ask_ahead(kernel, &dir, opts, netlink.as_deref(), &walk.procs);
    }
    scan.procs = walk.procs;
    let mut fds: &[HeldFd] = &walk.fds;
    for pidx in 0..scan.procs.len() {
        let held = fds.iter().take_while(|f| f.0 == scan.procs[pidx].pid).count();
        if let Err(errno) = scan.take_in(&dir, opts, netlink.as_deref(), pidx, &fds[..held]) {
            return Err(ScanError::Ioctl { errno, warnings: std::mem::take(&mut scan.warnings) });
        }
        fds = &fds[held..];
    }
    scan.check(&dir)?;
    scan.answers = HashMap::new();
    // Entries made for a process that vanished before its ioctls could be asked are kept,
    // as util-linux keeps the inode it had read.
    if !opts.every_process {
        scan.read_representatives(&dir, opts.commands);
    }
    scan.link_parents();
    scan.read_persistent(opts, netlink.as_deref());
    if opts.all_mounts {
        scan.read_all_mounts(&dir, opts, netlink.as_deref());
    }
    scan.dir = Some(dir);
    if opts.connect {
        scan.connect(opts, netlink.as_deref());
    }
    match scan.exhausted() {
        Some(e) => Err(e),
        None => Ok(scan),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_asked_ahead_are_those_asked_one_by_one() {
        let dir = ProcFs::live().open().unwrap();
        let opts = ScanOptions {
            kinds: [true; NsKind::COUNT],
            relations: true,
            netnsid: true,
            ids: true,
            ..Default::default()
        };
        let walk = walk::walk(&dir, &opts, None, &dir.pids().unwrap());
        let shared = LIVE.nsid_source().ok();
        let ahead = ask_ahead(&LIVE, &dir, &opts, shared.as_deref(), &walk.procs);
        // Every namespace a process showed was asked about, through the first process.
        let mut firsts = HashMap::new();
        for proc in &walk.procs {
            for kind in NsKind::LSNS_ORDER {
                firsts.entry(proc.ns[kind.index()]).or_insert((proc.pid, kind));
            }
        }
        firsts.remove(&0);
        assert_eq!(ahead.len(), firsts.len());
        let netlink = LIVE.nsid_source().ok();
        let mut compared = 0;
        for (ino, (task_dir, answer)) in &ahead {
            let (pid, kind) = firsts[ino];
            assert_eq!(task_dir, &pid.to_string());
            let again = ask_about(&LIVE, &dir, &opts, netlink.as_deref(), task_dir, kind, *ino);
            // Other tests' processes come and go meanwhile.
            if matches!(answer.outcome, Ok(Some(_))) && matches!(again.outcome, Ok(Some(_))) {
                assert_eq!(answer, &again, "namespace {ino} through {task_dir}");
                compared += 1;
            }
        }
        assert!(compared > 0);
    }
}
