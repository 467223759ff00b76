//! Work on several threads over the parts of a slice, results in the order of the parts: for
//! system calls on separate `/proc` entries, which the kernel answers in parallel (the walk,
//! the kernel's answers about new namespaces, the late lookups).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The most threads a walk uses.
const MAX_THREADS: usize = 8;
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
