//! What only a namespace itself can tell (HOSTNAME, IFACES, IPCOBJS): asked by short-lived
//! worker threads that setns(2) into a uts, net or ipc namespace (per-thread for these
//! kinds) and end afterwards, so the main thread never changes namespace and a user or mount
//! namespace is never entered. Every call a worker makes of the kernel goes through the
//! scan's [`NsQueries`] (a recording fake in the tests); its `/proc` reads go below the scan's
//! root. Parsers of the answers (netlink dumps, `/proc/sysvipc` text, mountinfo) are pure.

use super::kernel::NsQueries;
use super::model::{Holder, Iface, Inside, IpcCounts};
use super::scan::Scan;
use crate::nstype::NsKind;
use crate::sys::netlink::{attributes, messages};
use std::collections::HashMap;
use std::ffi::OsStr;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// At most this many workers ask at once.
const WORKERS: usize = 4;

/// Which kinds to ask about (the columns or filter name them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Wanted {
    pub uts: bool,
    pub net: bool,
    pub ipc: bool,
}

impl Wanted {
    fn wants(self, kind: NsKind) -> bool {
        match kind {
            NsKind::Uts => self.uts,
            NsKind::Net => self.net,
            NsKind::Ipc => self.ipc,
            _ => false,
        }
    }

    pub(crate) fn any(self) -> bool {
        self.uts || self.net || self.ipc
    }
}

/// Where a namespace is opened from: a path below the `/proc` root (`PID/ns/<kind>` of a
/// member, `PID/fd/FD` of a holder), the path of a bind mount of its nsfs file in rlsns's own
/// mount namespace, or the descriptor `--all-mounts` keeps for one bound in another.
enum Door<'a> {
    Proc(String),
    Mount(PathBuf),
    Held(&'a std::fs::File),
}

/// The doors to every wanted namespace of the scan, in order of preference: a member process,
/// a bind mount, an open descriptor; with the member's pid when there is one. A namespace
/// with none of them is not asked.
fn doors(scan: &Scan, wanted: Wanted) -> Vec<(u64, NsKind, Door<'_>, Option<i32>)> {
    let door = |ns: &super::model::Namespace| {
        if let Some(p) = ns.rep {
            return Some(Door::Proc(format!("{}/ns/{}", scan.procs[p].pid, ns.kind.name())));
        }
        let root = format!("{}:[{}]", ns.kind.name(), ns.ino);
        // Mounts of other mount namespaces (`[mnt:INODE]PATH`) are labels, not paths here.
        if let Some(m) = scan.mounts.iter().find(|m| m.root == root && !m.target.starts_with("[mnt:")) {
            return Some(Door::Mount(m.target_path()));
        }
        if let Some(file) = scan.found_through_windows.get(&ns.ino) {
            return Some(Door::Held(file));
        }
        scan.held.get(&ns.ino)?.iter().find_map(|h| match h {
            Holder::Fd(pid, fd) => Some(Door::Proc(format!("{pid}/fd/{fd}"))),
            Holder::Socket(..) => None,
        })
    };
    scan.namespaces
        .iter()
        .filter(|ns| wanted.wants(ns.kind))
        .filter_map(|ns| door(ns).map(|d| (ns.ino, ns.kind, d, ns.rep.map(|p| scan.procs[p].pid))))
        .collect()
}

/// Opens the namespace behind `door`: the nsfs file with inode `ino` and nothing else (a pid
/// reused, a mount replaced or a descriptor swapped since the scan leads elsewhere).
fn open_door(dir: &crate::proc::ProcDir, door: &Door<'_>, ino: u64) -> Option<std::fs::File> {
    match door {
        Door::Proc(path) => dir.open_nsfs(path, ino).ok(),
        Door::Mount(path) => {
            let root = crate::sys::at::own_root().map_err(|e| dir.note(e)).ok()?;
            crate::sys::at::open_nsfs_beneath(root.as_fd(), path, ino).map_err(|e| dir.note(e)).ok()
        }
        Door::Held(file) => file.try_clone().map_err(|e| dir.note(e.raw_os_error().unwrap_or(libc::EIO))).ok(),
    }
}

/// How long one namespace may take to answer. What a container controls can stall the worker
/// that asks it for good (a FUSE server that never answers, mounted over its mqueue
/// directory; a network filesystem): past this its cells stay empty and the listing goes on
/// without that worker, which is left behind (it ends with the process).
pub(super) const DEADLINE: Duration = Duration::from_secs(5);

/// Workers left behind before no more namespaces are asked: a host of many stalling
/// namespaces costs at most this many deadlines, not one each.
pub(super) const MAX_STALLED: usize = 8;

/// A namespace handed to a worker: its door already opened (on the main thread, which never
/// blocks on one: [`open_door`]).
struct Job {
    id: usize,
    kind: NsKind,
    file: std::fs::File,
    member: Option<i32>,
}

/// A worker's answer to job `id`, and the first shortage of descriptors or memory it met (an
/// answer it then lacks is no answer: the tool says so).
struct Done {
    worker: usize,
    id: usize,
    answer: Option<Inside>,
    exhausted: Option<i32>,
}

/// A worker thread: where its jobs go, and the job it has (since when).
struct Worker {
    id: usize,
    jobs: mpsc::SyncSender<Job>,
    busy: Option<(usize, Instant)>,
}

impl Worker {
    /// A thread that asks each job's namespace from inside it (setns(2) of the thread alone)
    /// until its job channel closes.
    fn spawn(id: usize, kernel: &'static dyn NsQueries, proc_root: &Path, done: &mpsc::Sender<Done>) -> Option<Worker> {
        let (jobs, inbox) = mpsc::sync_channel::<Job>(1);
        let (proc_root, done) = (proc_root.to_path_buf(), done.clone());
        let body = move || {
            for job in inbox {
                let noted = Noted::default();
                let answer = ask_inside(kernel, job.file.as_fd(), job.kind, &proc_root, job.member, &noted);
                drop(job.file);
                if done.send(Done { worker: id, id: job.id, answer, exhausted: noted.0.get() }).is_err() {
                    return;
                }
            }
        };
        std::thread::Builder::new().spawn(body).ok()?;
        Some(Worker { id, jobs, busy: None })
    }
}

/// The first shortage of descriptors or memory a worker's reads met.
#[derive(Default)]
struct Noted(std::cell::Cell<Option<i32>>);

impl Noted {
    fn note(&self, errno: i32) -> i32 {
        if crate::sys::fd::is_exhaustion(errno) && self.0.get().is_none() {
            self.0.set(Some(errno));
        }
        errno
    }

    fn note_io(&self, e: std::io::Error) -> i32 {
        self.note(e.raw_os_error().unwrap_or(libc::EIO))
    }
}

/// Asks every wanted namespace of the scan that has a door ([`doors`]), on a few worker
/// threads: answers by inode. A namespace that cannot be asked (setns refused, process or
/// mount gone, the door now leads to another namespace) or does not answer within
/// [`DEADLINE`] has no answer.
pub(crate) fn ask(scan: &Scan, wanted: Wanted) -> HashMap<u64, Inside> {
    let mut answers = HashMap::new();
    let Some(dir) = scan.dir.as_ref() else { return answers };
    let jobs = doors(scan, wanted);
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let mut workers: Vec<Worker> = Vec::new();
    let (mut next, mut stalled, mut spawned) = (0, 0, 0);
    loop {
        // Every idle worker (up to WORKERS of them) gets the next namespace that opens.
        while next < jobs.len() && stalled < MAX_STALLED {
            let idle = match workers.iter().position(|w| w.busy.is_none()) {
                Some(w) => w,
                None if workers.len() < WORKERS => {
                    spawned += 1;
                    let Some(worker) = Worker::spawn(spawned, scan.kernel, scan.procfs.root(), &done_tx) else { break };
                    workers.push(worker);
                    workers.len() - 1
                }
                None => break,
            };
            let (ino, kind, door, member) = &jobs[next];
            let id = next;
            next += 1;
            let Some(file) = open_door(dir, door, *ino) else { continue };
            if workers[idle].jobs.send(Job { id, kind: *kind, file, member: *member }).is_ok() {
                workers[idle].busy = Some((id, Instant::now()));
            }
        }
        let Some(oldest) = workers.iter().filter_map(|w| w.busy.map(|(_, since)| since)).min() else { break };
        match done_rx.recv_timeout((oldest + DEADLINE).saturating_duration_since(Instant::now())) {
            Ok(done) => {
                let Some(worker) = workers.iter_mut().find(|w| w.id == done.worker) else { continue };
                worker.busy = None;
                if let Some(errno) = done.exhausted {
                    dir.note(errno);
                }
                if let Some(answer) = done.answer {
                    answers.insert(jobs[done.id].0, answer);
                }
            }
            Err(_) => {
                // Whoever is past the deadline is left behind: its channel closes, and an
                // answer it may still send finds no worker to belong to.
                let now = Instant::now();
                let before = workers.len();
                workers.retain(|w| !w.busy.is_some_and(|(_, since)| now >= since + DEADLINE));
                stalled += before - workers.len();
            }
        }
    }
    answers
}

/// Moves the calling thread into the namespace `ns` of `kind` and asks it ([`ask_here`]). A
/// refused setns leaves the thread where it was: it must not answer then.
fn ask_inside(
    kernel: &dyn NsQueries,
    ns: BorrowedFd<'_>,
    kind: NsKind,
    proc_root: &Path,
    member: Option<i32>,
    noted: &Noted,
) -> Option<Inside> {
    kernel.enter_thread(ns, kind.clone_flag()).ok()?;
    ask_here(kernel, kind, proc_root, member, noted)
}

/// Asks the calling thread's namespace of `kind`; `member` is a process in it. Shortages of
/// descriptors or memory go to `noted`.
fn ask_here(
    kernel: &dyn NsQueries,
    kind: NsKind,
    proc_root: &Path,
    member: Option<i32>,
    noted: &Noted,
) -> Option<Inside> {
    match kind {
        NsKind::Uts => {
            let (node, domain) = kernel.uname().ok()?;
            let text = |b: Vec<u8>| crate::byte_text::carry_bytes(&b);
            let domain = Some(text(domain)).filter(|d| !d.is_empty() && d != "(none)");
            Some(Inside::Names(text(node), domain))
        }
        NsKind::Net => {
            let (links, addrs) = kernel.route_dumps().map_err(|e| noted.note(e)).ok()?;
            Some(Inside::Ifaces(interfaces(&links, &addrs)))
        }
        NsKind::Ipc => {
            // /proc/sysvipc shows the ipc namespace of the task that opens it.
            let count = |name: &str| {
                let text = std::fs::read(proc_root.join("sysvipc").join(name)).map_err(|e| noted.note_io(e)).ok()?;
                Some(count_sysvipc(&text))
            };
            let mqueue = member.and_then(|pid| mqueue_count(kernel, proc_root, pid, noted));
            Some(Inside::Ipc(IpcCounts { shm: count("shm")?, sem: count("sem")?, msg: count("msg")?, mqueue }))
        }
        _ => None,
    }
}

/// The POSIX message queues of the calling thread's ipc namespace, read from an mqueue mount
/// in `pid`'s mount table that is verified to be this namespace's own instance (an mqueue
/// mount shows the instance of the ipc namespace that mounted it, whichever namespace the
/// mount table belongs to). `None` when no mount of it can be verified. The mount points are
/// the container's: only mounts on top at their path are tried, each resolved inside the
/// process's root and checked to be mqueue before anything in it is read.
fn mqueue_count(kernel: &dyn NsQueries, proc_root: &Path, pid: i32, noted: &Noted) -> Option<usize> {
    let mountinfo = std::fs::read(proc_root.join(format!("{pid}/mountinfo"))).map_err(|e| noted.note_io(e)).ok()?;
    let root = std::fs::File::open(proc_root.join(format!("{pid}/root"))).map_err(|e| noted.note_io(e)).ok()?;
    let points = crate::proc::visible_mounts_of_type(&mountinfo, b"mqueue");
    points
        .iter()
        .find_map(|point| verified_queue_count(kernel, root.as_fd(), Path::new(OsStr::from_bytes(point)), noted))
}

/// The number of entries of the mqueue mount at `point` below `root` when one of them,
/// opened by name with mq_open(3) in the calling thread's ipc namespace, lies on the mount's
/// device. An empty mount cannot be verified.
fn verified_queue_count(kernel: &dyn NsQueries, root: BorrowedFd<'_>, point: &Path, noted: &Noted) -> Option<usize> {
    let dir = kernel.mqueue_dir(root, point).map_err(|e| noted.note(e)).ok()??;
    let verified = |name: &Vec<u8>| kernel.queue_device(name).map_err(|e| noted.note(e)).ok();
    let same = dir.names.iter().find_map(|name| Some(verified(name)? == dir.dev))?;
    same.then_some(dir.names.len())
}

/// Objects listed in a `/proc/sysvipc/{shm,sem,msg}` file: its lines after the header.
pub(crate) fn count_sysvipc(text: &[u8]) -> usize {
    text.split(|&b| b == b'\n').filter(|l| !l.is_empty()).count().saturating_sub(1)
}

const RTM_NEWLINK: u16 = 16;
const RTM_NEWADDR: u16 = 20;
const IFLA_IFNAME: u16 = 3;
const IFLA_OPERSTATE: u16 = 16;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFF_UP: u32 = 1;

/// The interfaces of an `RTM_GETLINK` dump, by index, with the addresses of an
/// `RTM_GETADDR` dump.
pub(crate) fn interfaces(links: &[u8], addrs: &[u8]) -> Vec<Iface> {
    let mut ifaces: Vec<Iface> = messages(links)
        .filter(|&(kind, body)| kind == RTM_NEWLINK && body.len() >= 16)
        .map(|(_, body)| {
            let index = i32::from_ne_bytes([body[4], body[5], body[6], body[7]]);
            let flags = u32::from_ne_bytes([body[8], body[9], body[10], body[11]]);
            let mut name = String::new();
            let mut oper = None;
            for (kind, data) in attributes(&body[16..]) {
                match kind {
                    IFLA_IFNAME => {
                        let end = data.iter().position(|&b| b == 0).unwrap_or(data.len());
                        // One interface a line of IFACES: the kernel refuses a blank in a
                        // name, and should a newline pass, it must not start another line.
                        name = crate::byte_text::carry_controls(&crate::byte_text::carry_bytes(&data[..end]));
                    }
                    IFLA_OPERSTATE => oper = data.first().copied(),
                    _ => {}
                }
            }
            Iface { index, name, state: state(flags, oper), addresses: Vec::new() }
        })
        .collect();
    ifaces.sort_by_key(|i| i.index);
    for (index, address) in addresses(addrs) {
        if let Some(iface) = ifaces.iter_mut().find(|i| i.index == index) {
            iface.addresses.push(address);
        }
    }
    ifaces
}

/// `ip -br link`'s state word: the operstate, or without one UP/DOWN by `IFF_UP`.
fn state(flags: u32, operstate: Option<u8>) -> &'static str {
    match operstate {
        Some(0) => "UNKNOWN",
        Some(1) => "NOTPRESENT",
        Some(2) => "DOWN",
        Some(3) => "LOWERLAYERDOWN",
        Some(4) => "TESTING",
        Some(5) => "DORMANT",
        Some(6) => "UP",
        _ if flags & IFF_UP != 0 => "UP",
        _ => "DOWN",
    }
}

/// (interface index, `ADDRESS/PREFIX`) of an `RTM_GETADDR` dump: the local address
/// (`IFA_LOCAL`, else `IFA_ADDRESS`), as `ip` shows it.
fn addresses(bytes: &[u8]) -> Vec<(i32, String)> {
    messages(bytes)
        .filter(|&(kind, body)| kind == RTM_NEWADDR && body.len() >= 8)
        .filter_map(|(_, body)| {
            let prefix = body[1];
            let index = i32::from_ne_bytes([body[4], body[5], body[6], body[7]]);
            let (mut local, mut address) = (None, None);
            for (kind, data) in attributes(&body[8..]) {
                match kind {
                    IFA_LOCAL => local = Some(data),
                    IFA_ADDRESS => address = Some(data),
                    _ => {}
                }
            }
            let ip = match local.or(address)? {
                d if d.len() == 4 => Ipv4Addr::new(d[0], d[1], d[2], d[3]).to_string(),
                d => Ipv6Addr::from(<[u8; 16]>::try_from(d).ok()?).to_string(),
            };
            Some((index, format!("{ip}/{prefix}")))
        })
        .collect()
}

/// HOSTNAME's cell: `node` or `node (domain)`.
pub(crate) fn hostname_cell(inside: &Inside) -> Option<String> {
    match inside {
        Inside::Names(node, None) => Some(node.clone()),
        Inside::Names(node, Some(domain)) => Some(format!("{node} ({domain})")),
        _ => None,
    }
}

/// IFACES's cell: one interface a line (`veth1 UP 10.0.0.1/24`), joined by `sep`; in JSON
/// an array of `{"name","state","addresses"}` objects.
pub(crate) fn ifaces_cell(inside: &Inside, sep: &str, json: bool) -> Option<String> {
    let Inside::Ifaces(ifaces) = inside else { return None };
    if json {
        // The quoted bytes stay carried: a name that is not UTF-8 reaches the output as it
        // is, as COMMAND and HOSTNAME do in JSON.
        let quote = |s: &str| crate::byte_text::carry_bytes(&crate::output::json_quote(s, false));
        let items: Vec<String> = ifaces
            .iter()
            .map(|i| {
                let addrs: Vec<String> = i.addresses.iter().map(|a| quote(a)).collect();
                format!(
                    "{{\"name\":{},\"state\":{},\"addresses\":[{}]}}",
                    quote(&i.name),
                    quote(i.state),
                    addrs.join(",")
                )
            })
            .collect();
        return Some(format!("[{}]", items.join(",")));
    }
    let lines: Vec<String> = ifaces
        .iter()
        .map(|i| {
            std::iter::once(i.name.as_str())
                .chain([i.state])
                .chain(i.addresses.iter().map(String::as_str))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    (!lines.is_empty()).then(|| lines.join(sep))
}

/// IPCOBJS's cell: `shm 1, sem 0, msg 2` (`, mqueue 3` when the POSIX queues are known); in
/// JSON `{"shm":1,"sem":0,"msg":2}` (with `"mqueue":3`).
pub(crate) fn ipcobjs_cell(inside: &Inside, json: bool) -> Option<String> {
    let Inside::Ipc(c) = inside else { return None };
    Some(match (json, c.mqueue) {
        (true, None) => format!("{{\"shm\":{},\"sem\":{},\"msg\":{}}}", c.shm, c.sem, c.msg),
        (true, Some(q)) => format!("{{\"shm\":{},\"sem\":{},\"msg\":{},\"mqueue\":{q}}}", c.shm, c.sem, c.msg),
        (false, None) => format!("shm {}, sem {}, msg {}", c.shm, c.sem, c.msg),
        (false, Some(q)) => format!("shm {}, sem {}, msg {}, mqueue {q}", c.shm, c.sem, c.msg),
    })
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::lsns::kernel::{InNamespace, NsidSource};
    use crate::sys::mqueue::MqueueDir;
    use crate::sys::ns::NsIoctl;
    use std::os::fd::OwnedFd;
    use std::sync::Mutex;

    /// An RTM_GETLINK and an RTM_GETADDR dump.
    type Dumps = (Vec<u8>, Vec<u8>);

    /// A call of the inside columns or `--all-mounts` to the kernel, as [`Recording`] notes it.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(in crate::lsns) enum Asked {
        Nstype,
        EnterThread(libc::c_int),
        Uname,
        RouteDumps,
        MqueueDir(PathBuf),
        QueueDevice(Vec<u8>),
        Resident(libc::c_int),
        Released(libc::pid_t),
    }

    /// A kernel that notes every call and answers as told: what `enter_thread` and
    /// `resident` fail with, uname's names, route dumps, one mqueue directory and the device
    /// every queue is on.
    #[derive(Debug, Default)]
    pub(in crate::lsns) struct Recording {
        pub asked: Mutex<Vec<Asked>>,
        pub refuse: Option<i32>,
        pub names: (Vec<u8>, Vec<u8>),
        pub routes: Option<Result<Dumps, i32>>,
        pub mqueue: Option<MqueueDir>,
        pub queue_dev: u64,
        pub nstype: libc::c_int,
        pub resident_pid: libc::pid_t,
    }

    impl Recording {
        fn note(&self, call: Asked) {
            self.asked.lock().unwrap().push(call);
        }

        pub(in crate::lsns) fn asked(&self) -> Vec<Asked> {
            self.asked.lock().unwrap().clone()
        }
    }

    /// The fake child of [`Recording::resident`]: notes its release.
    struct FakeResident(&'static Recording, libc::pid_t);

    impl InNamespace for FakeResident {
        fn pid(&self) -> libc::pid_t {
            self.1
        }
    }

    impl Drop for FakeResident {
        fn drop(&mut self) {
            self.0.note(Asked::Released(self.1));
        }
    }

    impl NsQueries for &'static Recording {
        fn inode(&self, ns: BorrowedFd<'_>) -> Result<u64, i32> {
            crate::sys::at::stat_fd(ns).map(|st| st.st_ino)
        }
        fn related(&self, _: BorrowedFd<'_>, _: NsIoctl) -> Result<OwnedFd, i32> {
            Err(libc::ENOTTY)
        }
        fn nstype(&self, _: BorrowedFd<'_>) -> Result<libc::c_int, i32> {
            self.note(Asked::Nstype);
            Ok(self.nstype)
        }
        fn owner_uid(&self, _: BorrowedFd<'_>) -> Result<libc::uid_t, i32> {
            Err(libc::ENOTTY)
        }
        fn ns_id(&self, _: BorrowedFd<'_>) -> Result<u64, i32> {
            Err(libc::ENOTTY)
        }
        fn nsid_source(&self) -> Result<Box<dyn NsidSource>, i32> {
            Err(libc::EPROTONOSUPPORT)
        }
        fn enter_thread(&self, _: BorrowedFd<'_>, nstype: libc::c_int) -> Result<(), i32> {
            self.note(Asked::EnterThread(nstype));
            self.refuse.map_or(Ok(()), Err)
        }
        fn uname(&self) -> Result<(Vec<u8>, Vec<u8>), i32> {
            self.note(Asked::Uname);
            Ok(self.names.clone())
        }
        fn route_dumps(&self) -> Result<(Vec<u8>, Vec<u8>), i32> {
            self.note(Asked::RouteDumps);
            self.routes.clone().unwrap_or(Ok((Vec::new(), Vec::new())))
        }
        fn mqueue_dir(&self, _: BorrowedFd<'_>, point: &Path) -> Result<Option<MqueueDir>, i32> {
            self.note(Asked::MqueueDir(point.to_path_buf()));
            Ok(self.mqueue.clone())
        }
        fn queue_device(&self, name: &[u8]) -> Result<u64, i32> {
            self.note(Asked::QueueDevice(name.to_vec()));
            Ok(self.queue_dev)
        }
        fn resident(&self, _: BorrowedFd<'_>, nstype: libc::c_int) -> Result<Box<dyn InNamespace>, i32> {
            self.note(Asked::Resident(nstype));
            match self.refuse {
                Some(e) => Err(e),
                None => Ok(Box::new(FakeResident(self, self.resident_pid))),
            }
        }
    }

    /// Asks a `kind` namespace with the fake kernel `k` (any file stands for the namespace);
    /// the answer and the shortage noted.
    fn ask_with(
        k: Recording,
        kind: NsKind,
        proc_root: &Path,
        member: Option<i32>,
    ) -> (&'static Recording, Option<Inside>, Option<i32>) {
        let k: &'static Recording = Box::leak(Box::new(k));
        let ns = std::fs::File::open("/dev/null").unwrap();
        let noted = Noted::default();
        let answer = ask_inside(&k, ns.as_fd(), kind, proc_root, member, &noted);
        (k, answer, noted.0.get())
    }

    /// A worker joins the namespace (its own thread, the namespace's flag) before it asks
    /// anything, and then asks through the same kernel.
    #[test]
    fn a_worker_asks_after_it_joined() {
        let k = Recording { names: (b"box".to_vec(), b"lab".to_vec()), ..Default::default() };
        let (k, answer, noted) = ask_with(k, NsKind::Uts, Path::new("/nonexistent"), None);
        assert_eq!(k.asked(), [Asked::EnterThread(libc::CLONE_NEWUTS), Asked::Uname]);
        assert_eq!(answer.as_ref().and_then(hostname_cell).as_deref(), Some("box (lab)"));
        assert_eq!(noted, None);
        let k = Recording { names: (b"box".to_vec(), b"(none)".to_vec()), ..Default::default() };
        let (_, answer, _) = ask_with(k, NsKind::Uts, Path::new("/nonexistent"), None);
        assert_eq!(answer.as_ref().and_then(hostname_cell).as_deref(), Some("box"));
    }

    /// A refused setns leaves the worker in the namespace it was in: it asks nothing there.
    #[test]
    fn a_refused_setns_asks_nothing() {
        for kind in [NsKind::Uts, NsKind::Net, NsKind::Ipc] {
            let k = Recording { refuse: Some(libc::EPERM), ..Default::default() };
            let (k, answer, noted) = ask_with(k, kind, Path::new("/nonexistent"), Some(1));
            assert_eq!(k.asked(), [Asked::EnterThread(kind.clone_flag())]);
            assert_eq!((answer, noted), (None, None));
        }
    }

    /// Running out of descriptors on the route socket is no answer, and noted (the tool says
    /// so); another failure is no answer only.
    #[test]
    fn route_failures_are_mapped() {
        let k = Recording { routes: Some(Err(libc::EMFILE)), ..Default::default() };
        let (k, answer, noted) = ask_with(k, NsKind::Net, Path::new("/nonexistent"), None);
        assert_eq!(k.asked(), [Asked::EnterThread(libc::CLONE_NEWNET), Asked::RouteDumps]);
        assert_eq!((answer, noted), (None, Some(libc::EMFILE)));
        let k = Recording { routes: Some(Err(libc::EPROTONOSUPPORT)), ..Default::default() };
        let (_, answer, noted) = ask_with(k, NsKind::Net, Path::new("/nonexistent"), None);
        assert_eq!((answer, noted), (None, None));
        let links = link(1, 1, "lo", Some(0));
        let k = Recording { routes: Some(Ok((links, Vec::new()))), ..Default::default() };
        let (_, answer, _) = ask_with(k, NsKind::Net, Path::new("/nonexistent"), None);
        assert_eq!(ifaces_cell(&answer.unwrap(), ",", false).as_deref(), Some("lo UNKNOWN"));
    }

    /// POSIX queues count only when a queue, opened by name in the joined ipc namespace, lies
    /// on the mqueue mount the member's mount table shows.
    #[test]
    fn message_queues_are_counted_on_a_verified_mount() {
        let root = std::env::temp_dir().join(format!("rns-inside-mqueue-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("sysvipc")).unwrap();
        std::fs::create_dir_all(root.join("7/root")).unwrap();
        for name in ["shm", "sem", "msg"] {
            std::fs::write(root.join("sysvipc").join(name), "       key\n").unwrap();
        }
        std::fs::write(root.join("sysvipc/msg"), "       key\n         1\n").unwrap();
        std::fs::write(
            root.join("7/mountinfo"),
            "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n30 22 0:40 / /dev/mqueue rw - mqueue mqueue rw\n",
        )
        .unwrap();
        let dir = MqueueDir { dev: 40, names: vec![b"a".to_vec(), b"b".to_vec()] };
        let k = Recording { mqueue: Some(dir.clone()), queue_dev: 40, ..Default::default() };
        let (k, answer, _) = ask_with(k, NsKind::Ipc, &root, Some(7));
        assert_eq!(
            k.asked(),
            [
                Asked::EnterThread(libc::CLONE_NEWIPC),
                Asked::MqueueDir("/dev/mqueue".into()),
                Asked::QueueDevice(b"a".to_vec())
            ]
        );
        assert_eq!(ipcobjs_cell(&answer.unwrap(), false).as_deref(), Some("shm 0, sem 0, msg 1, mqueue 2"));
        // A queue on another instance: the mount is not this namespace's.
        let k = Recording { mqueue: Some(dir), queue_dev: 41, ..Default::default() };
        let (_, answer, _) = ask_with(k, NsKind::Ipc, &root, Some(7));
        assert_eq!(ipcobjs_cell(&answer.unwrap(), false).as_deref(), Some("shm 0, sem 0, msg 1"));
        std::fs::remove_dir_all(&root).unwrap();
    }

    fn attr(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut a = Vec::new();
        a.extend_from_slice(&((4 + data.len()) as u16).to_ne_bytes());
        a.extend_from_slice(&kind.to_ne_bytes());
        a.extend_from_slice(data);
        a.resize((a.len() + 3) & !3, 0);
        a
    }

    fn message(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&[0; 10]);
        m.extend_from_slice(body);
        m.resize((m.len() + 3) & !3, 0);
        m
    }

    fn link(index: i32, flags: u32, name: &str, oper: Option<u8>) -> Vec<u8> {
        let mut body = vec![0u8; 16];
        body[4..8].copy_from_slice(&index.to_ne_bytes());
        body[8..12].copy_from_slice(&flags.to_ne_bytes());
        body.extend(attr(IFLA_IFNAME, format!("{name}\0").as_bytes()));
        if let Some(o) = oper {
            body.extend(attr(IFLA_OPERSTATE, &[o]));
        }
        message(RTM_NEWLINK, &body)
    }

    fn addr(index: i32, prefix: u8, attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut body = vec![0u8; 8];
        body[1] = prefix;
        body[4..8].copy_from_slice(&index.to_ne_bytes());
        for (k, d) in attrs {
            body.extend(attr(*k, d));
        }
        message(RTM_NEWADDR, &body)
    }

    #[test]
    fn interfaces_from_dumps() {
        let links = [link(3, 1, "veth1", Some(6)), link(1, 0, "lo", Some(2)), link(2, 1, "dummy0", None)].concat();
        let v6: [u8; 16] = "fe80::4c3a:7bff:fe01:2".parse::<Ipv6Addr>().unwrap().octets();
        let addrs = [
            addr(3, 24, &[(IFA_ADDRESS, &[192, 168, 77, 9]), (IFA_LOCAL, &[192, 168, 77, 2])]),
            addr(3, 64, &[(IFA_ADDRESS, &v6)]),
            addr(9, 8, &[(IFA_ADDRESS, &[10, 0, 0, 1])]),
        ]
        .concat();
        let got = interfaces(&links, &addrs);
        let one = |i: &Iface| format!("{} {} {} {:?}", i.index, i.name, i.state, i.addresses);
        assert_eq!(
            got.iter().map(one).collect::<Vec<_>>(),
            ["1 lo DOWN []", "2 dummy0 UP []", "3 veth1 UP [\"192.168.77.2/24\", \"fe80::4c3a:7bff:fe01:2/64\"]"]
        );
        let inside = Inside::Ifaces(got);
        assert_eq!(
            ifaces_cell(&inside, ",", false).unwrap(),
            "lo DOWN,dummy0 UP,veth1 UP 192.168.77.2/24 fe80::4c3a:7bff:fe01:2/64"
        );
        assert_eq!(
            ifaces_cell(&inside, "\n", true).unwrap(),
            r#"[{"name":"lo","state":"DOWN","addresses":[]},{"name":"dummy0","state":"UP","addresses":[]},{"name":"veth1","state":"UP","addresses":["192.168.77.2/24","fe80::4c3a:7bff:fe01:2/64"]}]"#
        );
    }

    #[test]
    fn truncated_messages_stop_the_walk() {
        let mut links = link(1, 0, "lo", Some(0));
        links.extend(&link(2, 0, "eth0", Some(2))[..20]);
        let got = interfaces(&links, &[]);
        assert_eq!(got.iter().map(|i| (i.name.as_str(), i.state)).collect::<Vec<_>>(), [("lo", "UNKNOWN")]);
        assert_eq!(ifaces_cell(&Inside::Ifaces(Vec::new()), "\n", false), None);
    }

    // The kernel refuses such a name; were one to come, it stays on its interface's line.
    #[test]
    fn a_newline_in_a_name_stays_on_its_line() {
        let inside =
            Inside::Ifaces(interfaces(&[link(1, 1, "a\nb\u{1b}", Some(6)), link(2, 1, "c", Some(6))].concat(), &[]));
        let cell = ifaces_cell(&inside, "\n", false).unwrap();
        let lines: Vec<Vec<u8>> = cell.split('\n').map(crate::byte_text::carried_bytes).collect();
        assert_eq!(lines, [&b"a\nb\x1b UP"[..], b"c UP"]);
        assert!(ifaces_cell(&inside, "\n", true).unwrap().starts_with(r#"[{"name":"a\nb\u001b","#));
    }

    #[test]
    fn sysvipc_counts() {
        let shm = b"       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime        rss       swap\n         0          0   644       4096   100     0      0     0     0     0     0          0          0 1700000000       0       0\n";
        assert_eq!(count_sysvipc(shm), 1);
        assert_eq!(count_sysvipc(b"       key      semid perms      nsems\n"), 0);
        assert_eq!(count_sysvipc(b""), 0);
        let c = IpcCounts { shm: 1, sem: 0, msg: 2, mqueue: None };
        assert_eq!(ipcobjs_cell(&Inside::Ipc(c), false).unwrap(), "shm 1, sem 0, msg 2");
        assert_eq!(ipcobjs_cell(&Inside::Ipc(c), true).unwrap(), r#"{"shm":1,"sem":0,"msg":2}"#);
        let c = Inside::Ipc(IpcCounts { mqueue: Some(3), ..c });
        assert_eq!(ipcobjs_cell(&c, false).unwrap(), "shm 1, sem 0, msg 2, mqueue 3");
        assert_eq!(ipcobjs_cell(&c, true).unwrap(), r#"{"shm":1,"sem":0,"msg":2,"mqueue":3}"#);
    }

    #[test]
    fn hostnames() {
        assert_eq!(hostname_cell(&Inside::Names("box".into(), None)).unwrap(), "box");
        assert_eq!(hostname_cell(&Inside::Names("box".into(), Some("lab".into()))).unwrap(), "box (lab)");
    }
}
