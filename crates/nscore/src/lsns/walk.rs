//! The `/proc` walk: what a scan reads of every process (its namespace links and the
//! descriptors that may hold a namespace; its owner and parent only when every process is
//! shown), on several threads when there are many.
//!
//! Reading is nearly all system calls on separate `/proc` entries, which the kernel answers
//! in parallel, so the walk over thousands of processes takes about 1/N of the time on N
//! CPUs. The scan then takes the processes in on one thread, in `/proc` order, and its result
//! is the one reading and taking in one process after the other would give.

use super::scan::{Process, ScanOptions, LSNS_ORDER};
use crate::nstype::NsKind;
use crate::proc::{FileId, ProcDir};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The processes read, in the order of the pids given, and their descriptors of interest.
#[derive(Debug, Default)]
pub struct Walk {
    pub procs: Vec<Process>,
    /// Grouped by process in `procs` order: nsfs files, and sockets when network namespaces
    /// are listed.
    pub fds: Vec<HeldFd>,
}

/// A descriptor that may hold a namespace: (pid, descriptor number, what it is).
pub type HeldFd = (i32, i32, FileId);

/// A share of the walk: its pids, their slots, the descriptors found.
struct Part<'a> {
    pids: &'a [i32],
    slots: &'a mut [Process],
    fds: Vec<HeldFd>,
}

/// Below this many processes per thread another thread does not pay for itself.
const MIN_PER_THREAD: usize = 256;
/// The most threads a walk uses.
const MAX_THREADS: usize = 8;
/// Parts per thread: threads that finish early take over parts others have not begun.
const PARTS_PER_THREAD: usize = 4;

/// Reads the processes `pids`; those gone by then are left out.
pub fn walk(dir: &ProcDir, opts: &ScanOptions, nsfs_dev: Option<u64>, pids: &[i32]) -> Walk {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    walk_on(cpus.min(MAX_THREADS).min(pids.len() / MIN_PER_THREAD).max(1), dir, opts, nsfs_dev, pids)
}

/// [`walk`] on up to this many threads (this one included).
fn walk_on(threads: usize, dir: &ProcDir, opts: &ScanOptions, nsfs_dev: Option<u64>, pids: &[i32]) -> Walk {
    // Every process is read into its slot of one vector (no copies, no per-thread heaps to
    // merge); a slot whose process is gone keeps pid 0 and is dropped at the end.
    let gone = Process { pid: 0, ppid: 0, uid: 0, ns: [0; 8], parent: None };
    let mut procs = vec![gone; pids.len()];
    let part_len = pids.len().div_ceil(threads * PARTS_PER_THREAD).max(1);
    let parts: Vec<Mutex<Part>> = pids
        .chunks(part_len)
        .zip(procs.chunks_mut(part_len))
        .map(|(pids, slots)| Mutex::new(Part { pids, slots, fds: Vec::new() }))
        .collect();
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some(part) = parts.get(next.fetch_add(1, Ordering::Relaxed)) {
            let mut part = part.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let Part { pids, slots, fds } = &mut *part;
            for (&pid, slot) in pids.iter().zip(slots.iter_mut()) {
                read_process(dir, opts, nsfs_dev, pid, slot, fds);
            }
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            // A thread that cannot be started leaves its share to the others.
            let _ = std::thread::Builder::new().spawn_scoped(s, work);
        }
        work();
    });
    let mut fds = Vec::new();
    for part in parts {
        fds.append(&mut part.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()).fds);
    }
    procs.retain(|p| p.pid != 0);
    Walk { procs, fds }
}

/// Reads one process into its slot (left alone when the process is gone) and its
/// descriptors of interest into `fds`.
fn read_process(
    dir: &ProcDir,
    opts: &ScanOptions,
    nsfs_dev: Option<u64>,
    pid: i32,
    slot: &mut Process,
    fds: &mut Vec<HeldFd>,
) {
    let mut proc = Process { pid, ppid: 0, uid: 0, ns: [0; 8], parent: None };
    if opts.every_process {
        let (Some(uid), Some(stat)) = (dir.uid(pid), dir.stat_line(pid)) else { return };
        (proc.uid, proc.ppid) = (uid, stat.ppid);
    }
    let mut read = false;
    for kind in LSNS_ORDER.iter().filter(|k| opts.kinds[k.index()]) {
        proc.ns[kind.index()] = dir.ns(pid, kind.name()).unwrap_or(0);
        read |= proc.ns[kind.index()] != 0;
    }
    // No link could be read: the process is gone.
    if !read {
        return;
    }
    *slot = proc;
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
        let mut kinds = [true; 8];
        kinds[NsKind::Net.index()] = false;
        let opts = ScanOptions {
            kinds,
            netnsid: false,
            connect: false,
            relations: false,
            every_process: true,
            threads: false,
        };
        let me = std::process::id() as i32;
        let pids = vec![me; 1000];
        let one = walk_on(1, &dir, &opts, nsfs_dev, &pids);
        let three = walk_on(3, &dir, &opts, nsfs_dev, &pids);
        assert_eq!(one.procs.len(), 1000);
        assert!(one.procs.iter().all(|p| p.pid == me && p.ppid > 0 && (0..8).all(|k| (p.ns[k] != 0) == kinds[k])));
        assert_eq!(format!("{:?}", one.procs), format!("{:?}", three.procs));
        // Other tests open and close descriptors meanwhile: only ours is sure to be there.
        let num = std::os::fd::AsRawFd::as_raw_fd(&ns);
        for walk in [one, three] {
            assert_eq!(walk.fds.iter().filter(|f| f.1 == num).count(), 1000);
        }
    }
}
