//! The `/proc` walk: what a scan reads of every process (its namespace links and the
//! descriptors that may hold a namespace; its owner and parent only when every process is
//! shown), on several threads when there are many.
//!
//! Reading is nearly all system calls on separate `/proc` entries, which the kernel answers
//! in parallel, so the walk over thousands of processes takes about 1/N of the time on N
//! CPUs. The scan then takes the processes in on one thread, in `/proc` order, and its result
//! is the one reading and taking in one process after the other would give.

use super::model::{Process, ScanOptions};
use crate::nstype::NsKind;
use crate::parallel::{in_parts, threads_for};
use crate::proc::{FileId, ProcDir};

/// The processes read, in the order of the pids given, and their descriptors of interest.
#[derive(Debug, Default)]
pub(crate) struct Walk {
    pub procs: Vec<Process>,
    /// Grouped by process in `procs` order: nsfs files, and sockets when network namespaces
    /// are listed.
    pub fds: Vec<HeldFd>,
}

/// A descriptor that may hold a namespace: (pid, descriptor number, what it is).
pub(crate) type HeldFd = (i32, i32, FileId);

/// Below this many processes per thread another thread does not pay for itself.
const MIN_PER_THREAD: usize = 256;
/// From this many namespace links a process's `ns` directory is opened to read them.
const NS_DIR_FROM: usize = 3;

/// Reads the processes `pids`; those gone by then are left out.
pub(crate) fn walk(dir: &ProcDir, opts: &ScanOptions, nsfs_dev: Option<u64>, pids: &[i32]) -> Walk {
    walk_on(walk_threads(pids.len()), dir, opts, nsfs_dev, pids)
}

/// The threads a walk over this many processes takes (`cargo xtask bench` walks its floor
/// on as many).
pub fn walk_threads(processes: usize) -> usize {
    // A thread holds one descriptor at a time (`PID/ns`, then `PID/fd`).
    threads_for(processes, MIN_PER_THREAD, 1)
}

/// [`walk`] on up to this many threads (this one included).
fn walk_on(threads: usize, dir: &ProcDir, opts: &ScanOptions, nsfs_dev: Option<u64>, pids: &[i32]) -> Walk {
    // Every process is read into its slot of one vector (no copies, no per-thread heaps to
    // merge); a slot whose process is gone keeps no namespace and is dropped at the end.
    let mut procs: Vec<Process> =
        pids.iter().map(|&pid| Process { pid, ppid: 0, uid: 0, ns: [0; NsKind::COUNT], parent: None }).collect();
    let fds = in_parts(&mut procs, threads, |slots| {
        let mut fds = Vec::new();
        for slot in slots {
            read_process(dir, opts, nsfs_dev, slot, &mut fds);
        }
        fds
    });
    procs.retain(|p| p.ns != [0; NsKind::COUNT]);
    Walk { procs, fds: fds.concat() }
}

/// Reads the process of `slot.pid` into its slot (left without namespaces when the process
/// is gone) and its descriptors of interest into `fds`.
fn read_process(dir: &ProcDir, opts: &ScanOptions, nsfs_dev: Option<u64>, slot: &mut Process, fds: &mut Vec<HeldFd>) {
    let pid = slot.pid;
    if opts.every_process {
        let (Some(uid), Some(stat)) = (dir.uid(pid), dir.stat_line(pid)) else { return };
        (slot.uid, slot.ppid) = (uid, stat.ppid);
    }
    let kinds = NsKind::LSNS_ORDER.iter().filter(|k| opts.kinds[k.index()]);
    if kinds.clone().count() >= NS_DIR_FROM {
        let Some(ns_dir) = dir.ns_dir(pid) else { return };
        for kind in kinds {
            slot.ns[kind.index()] = ns_dir.ns(kind.name()).unwrap_or(0);
        }
    } else {
        for kind in kinds {
            slot.ns[kind.index()] = dir.ns(pid, kind.name()).unwrap_or(0);
        }
    }
    // No link could be read: the process is gone.
    if slot.ns == [0; NsKind::COUNT] {
        return;
    }
    let sockets = opts.kinds[NsKind::Net.index()];
    dir.for_each_fd(pid, |num, file| {
        if Some(file.dev) == nsfs_dev || (sockets && file.is_socket()) {
            fds.push((pid, num, file));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proc::ProcFs;

    #[test]
    fn threads_read_what_one_thread_reads() {
        // This process many times over, with a namespace descriptor of interest open.
        let ns = std::fs::File::open("/proc/self/ns/net").unwrap();
        let dir = ProcFs::live().open().unwrap();
        let nsfs_dev = dir.stat("self/ns/net").map(|f| f.dev);
        let mut kinds = [true; NsKind::COUNT];
        kinds[NsKind::Net.index()] = false;
        let opts = ScanOptions {
            kinds,
            netnsid: false,
            ids: false,
            connect: false,
            relations: false,
            every_process: true,
            threads: false,
            all_mounts: false,
            commands: false,
        };
        let me = std::process::id() as i32;
        let pids = vec![me; 1000];
        let one = walk_on(1, &dir, &opts, nsfs_dev, &pids);
        let three = walk_on(3, &dir, &opts, nsfs_dev, &pids);
        assert_eq!(one.procs.len(), 1000);
        assert!(one
            .procs
            .iter()
            .all(|p| p.pid == me && p.ppid > 0 && (0..NsKind::COUNT).all(|k| (p.ns[k] != 0) == kinds[k])));
        assert_eq!(format!("{:?}", one.procs), format!("{:?}", three.procs));
        // Other tests open and close descriptors meanwhile: only ours is sure to be there.
        let num = std::os::fd::AsRawFd::as_raw_fd(&ns);
        for walk in [one, three] {
            assert_eq!(walk.fds.iter().filter(|f| f.1 == num).count(), 1000);
        }
    }
}
