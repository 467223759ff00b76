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
use crate::proc::{FileId, ProcDir};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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
/// The most threads a walk uses.
const MAX_THREADS: usize = 8;
/// From this many namespace links a process's `ns` directory is opened to read them.
const NS_DIR_FROM: usize = 3;
/// Parts per thread at least: threads that finish early take over parts others have not begun.
const PARTS_PER_THREAD: usize = 4;
/// Items per part at most: the last part one thread takes is all the other may wait for
/// (64 processes of a walk are ~3 ms of system calls; 1,000 were ~50 ms).
const MAX_PART: usize = 64;

/// How many threads share `items` items when each should have at least `min_per_thread`
/// and holds up to `fds_per_thread` descriptors open at once: no more than the descriptors
/// this process may still open allow (`ulimit -n`), so a low limit makes a slower walk, not
/// failed opens.
pub(crate) fn threads_for(items: usize, min_per_thread: usize, fds_per_thread: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cpus.min(MAX_THREADS).min(items / min_per_thread.max(1)).max(1);
    if threads == 1 {
        return 1;
    }
    threads.min(crate::sys::fd::free_descriptors() / fds_per_thread.max(1)).max(1)
}

/// Calls `work` on consecutive parts of `items`, on up to `threads` threads (this one
/// included), and returns what it gave for each part in the order of the parts, so the
/// result is the one a single thread going through `items` in order would give.
pub fn in_parts<T: Send, R: Send>(items: &mut [T], threads: usize, work: impl Fn(&mut [T]) -> R + Sync) -> Vec<R> {
    let part_len = items.len().div_ceil(threads * PARTS_PER_THREAD).clamp(1, MAX_PART);
    let parts: Vec<Mutex<(&mut [T], Option<R>)>> = items.chunks_mut(part_len).map(|p| Mutex::new((p, None))).collect();
    let next = AtomicUsize::new(0);
    let take_parts = || {
        while let Some(part) = parts.get(next.fetch_add(1, Ordering::Relaxed)) {
            let mut part = part.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            part.1 = Some(work(part.0));
        }
    };
    std::thread::scope(|s| {
        for _ in 1..threads {
            // A thread that cannot be started leaves its share to the others.
            let _ = std::thread::Builder::new().spawn_scoped(s, take_parts);
        }
        take_parts();
    });
    parts.into_iter().filter_map(|p| p.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner()).1).collect()
}

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
        pids.iter().map(|&pid| Process { pid, ppid: 0, uid: 0, ns: [0; 8], parent: None }).collect();
    let fds = in_parts(&mut procs, threads, |slots| {
        let mut fds = Vec::new();
        for slot in slots {
            read_process(dir, opts, nsfs_dev, slot, &mut fds);
        }
        fds
    });
    procs.retain(|p| p.ns != [0; 8]);
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
    if slot.ns == [0; 8] {
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
    fn parts_come_back_in_order_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            for len in [0, 1, 7, 100, 1001] {
                let mut items: Vec<usize> = (0..len).collect();
                let sums = in_parts(&mut items, threads, |part| {
                    for item in part.iter_mut() {
                        *item *= 2;
                    }
                    part.to_vec()
                });
                // Every item visited once, the parts' results in item order.
                assert_eq!(items, (0..len).map(|i| i * 2).collect::<Vec<_>>());
                assert_eq!(sums.concat(), items);
                assert!(sums.len() <= (threads * PARTS_PER_THREAD).max(len.div_ceil(MAX_PART)));
                assert!(sums.iter().all(|part| part.len() <= MAX_PART));
            }
        }
        assert_eq!(threads_for(10, 256, 1), 1);
        assert!(threads_for(100_000, 256, 1) <= MAX_THREADS);
        // No more threads than descriptors to hold.
        assert_eq!(threads_for(100_000, 1, usize::MAX / 2), 1);
    }

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
        assert!(one.procs.iter().all(|p| p.pid == me && p.ppid > 0 && (0..8).all(|k| (p.ns[k] != 0) == kinds[k])));
        assert_eq!(format!("{:?}", one.procs), format!("{:?}", three.procs));
        // Other tests open and close descriptors meanwhile: only ours is sure to be there.
        let num = std::os::fd::AsRawFd::as_raw_fd(&ns);
        for walk in [one, three] {
            assert_eq!(walk.fds.iter().filter(|f| f.1 == num).count(), 1000);
        }
    }
}
