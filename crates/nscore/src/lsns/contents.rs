//! What a namespace holds, read from `/proc` without entering it (rns's UIDMAP, GIDMAP,
//! OFFSETS, MOUNTS, ROOT, LEVEL, INIT and SUMMARY columns). Each getter reads only when its
//! column is shown or filtered on, through a process in the namespace; a process gone or a
//! file the reader may not read gives an empty cell and no message.

use super::model::{Inside, Namespace};
use super::scan::Scan;
use crate::nstype::NsKind;
use crate::proc::contents::{mountinfo_summary, parse_id_map, parse_nspid, parse_time_offsets, ClockOffset, IdRange};
use crate::sys::ns::NsIoctl;
use std::os::fd::{AsFd, OwnedFd};

/// How much of a `/proc/PID` file is read (a mount table of tens of thousands of mounts).
const READ_MAX: usize = 64 << 20;

/// How deep pid and user namespaces nest at most (the kernel's limit is 32).
const MAX_DEPTH: usize = 33;

/// How many id-map ranges SUMMARY shows before it counts the rest (`other ranges N`).
pub(crate) const SUMMARY_RANGES: usize = 3;

/// What a contents getter reads: the scan, the row's namespace, the process read through
/// (the row's, else the namespace's representative) and how the cell is printed.
#[derive(Clone, Copy)]
pub(crate) struct Row<'a> {
    pub scan: &'a Scan,
    pub ns: &'a Namespace,
    pub pid: Option<i32>,
    /// `-W`/`-r` (not `-J`): lines joined with `,`.
    pub one_line: bool,
    /// `-J`: records as JSON values.
    pub json: bool,
}

/// `PID/<name>` of the row's process as text: its bytes carried as they are (a command name,
/// a mount point or a cgroup need not be UTF-8; the parsers split on ASCII only).
fn read(c: &Row<'_>, name: &str) -> Option<String> {
    read_of(c.scan, c.pid?, name)
}

fn read_of(scan: &Scan, pid: i32, name: &str) -> Option<String> {
    let bytes = scan.dir.as_ref()?.read(&format!("{pid}/{name}"), READ_MAX)?;
    Some(crate::byte_text::carry_bytes(&bytes))
}

/// A cell of records: with `-J` a JSON array of the records as objects (`as_json`), else
/// a line each (`as_text`), `,`-joined with `-W`/`-r`; empty when there are none.
fn records<T>(c: &Row<'_>, items: &[T], as_json: fn(&T) -> String, as_text: fn(&T) -> String) -> Option<String> {
    if c.json {
        return Some(format!("[{}]", items.iter().map(as_json).collect::<Vec<_>>().join(",")));
    }
    let lines: Vec<String> = items.iter().map(as_text).collect();
    (!lines.is_empty()).then(|| lines.join(if c.one_line { "," } else { "\n" }))
}

/// UIDMAP or GIDMAP (`file`: `uid_map` or `gid_map`) of a user namespace: `inside outside
/// count` per range; with `-J` an array of objects.
pub(crate) fn id_map(c: &Row<'_>, file: &str) -> Option<String> {
    if c.ns.kind != NsKind::User {
        return None;
    }
    let ranges = id_ranges(c, file)?;
    records(
        c,
        &ranges,
        |r| format!("{{\"inside\":{},\"outside\":{},\"count\":{}}}", r.inside, r.outside, r.count),
        range_text,
    )
}

/// The ranges of the row's `uid_map` or `gid_map` (UIDMAP, GIDMAP, SUMMARY).
fn id_ranges(c: &Row<'_>, file: &str) -> Option<Vec<IdRange>> {
    Some(parse_id_map(&read(c, file)?))
}

/// The clocks of the row's time namespace, from the member that gives it to its children
/// (OFFSETS, SUMMARY).
fn clock_offsets(c: &Row<'_>) -> Option<Vec<ClockOffset>> {
    Some(parse_time_offsets(&read_of(c.scan, offsets_reader(c)?, "timens_offsets")?))
}

/// How many mounts the row's mount namespace has, and the source and type at `/` (MOUNTS,
/// ROOT, SUMMARY).
fn mount_table(c: &Row<'_>) -> Option<(usize, Option<(String, String)>)> {
    Some(mountinfo_summary(&read(c, "mountinfo")?))
}

/// An id-map range as UIDMAP shows it: `inside outside count`.
fn range_text(r: &IdRange) -> String {
    format!("{} {} {}", r.inside, r.outside, r.count)
}

/// OFFSETS of a time namespace: `clock secs nsecs` per clock; with `-J` an array of objects.
pub(crate) fn offsets(c: &Row<'_>) -> Option<String> {
    if c.ns.kind != NsKind::Time {
        return None;
    }
    let clocks = clock_offsets(c)?;
    records(
        c,
        &clocks,
        |o| format!("{{\"clock\":\"{}\",\"secs\":{},\"nsecs\":{}}}", o.clock, o.secs, o.nsecs),
        |o| format!("{} {} {}", o.clock, o.secs, o.nsecs),
    )
}

/// The process whose `timens_offsets` are the namespace's own: that file shows the offsets
/// of the namespace a process's *children* get (`time_for_children`), which is not its own
/// after it unshared one (`unshare -T` runs in the old namespace, its children in the new).
/// The row's process first, then the other members; none when every member made children a
/// namespace of their own.
fn offsets_reader(c: &Row<'_>) -> Option<i32> {
    let dir = c.scan.dir.as_ref()?;
    let members = c.ns.procs.iter().map(|&p| c.scan.procs[p].pid);
    let gives_it_to_children = |pid: &i32| dir.ns(*pid, "time_for_children") == Some(c.ns.ino);
    c.pid.into_iter().chain(members).find(gives_it_to_children)
}

/// MOUNTS and ROOT of a mount namespace: the number of mounts and `source fstype` at `/`.
pub(crate) fn mounts(c: &Row<'_>) -> Option<(usize, Option<String>)> {
    if c.ns.kind != NsKind::Mnt {
        return None;
    }
    let (count, root) = mount_table(c)?;
    Some((count, root.map(|(source, fstype)| format!("{source} {fstype}"))))
}

/// LEVEL: how deep a pid or user namespace nests below the reader's own of that kind.
pub(crate) fn level(c: &Row<'_>) -> Option<usize> {
    match c.ns.kind {
        // NSpid lists the pid in the /proc's pid namespace and in each one below it.
        NsKind::Pid => Some(parse_nspid(&read(c, "status")?)?.len() - 1),
        NsKind::User => user_level(c.scan, c.pid?),
        _ => None,
    }
}

/// NS_GET_PARENT steps from `PID/ns/user` up to the reader's own user namespace
/// (`self/ns/user` of the /proc read); `None` when the walk ends above it or is refused.
fn user_level(scan: &Scan, pid: i32) -> Option<usize> {
    let dir = scan.dir.as_ref()?;
    let own = scan.kernel.inode(dir.open("self/ns/user").ok()?.as_fd()).ok()?;
    let mut ns: OwnedFd = dir.open(&format!("{pid}/ns/user")).ok()?.into();
    for depth in 0..MAX_DEPTH {
        if scan.kernel.inode(ns.as_fd()).ok()? == own {
            return Some(depth);
        }
        ns = scan.kernel.related(ns.as_fd(), NsIoctl::GetParent).ok()?;
    }
    None
}

/// INIT: the pid (in the /proc read) of a pid namespace's init, the member whose innermost
/// `NSpid:` field is 1. The lowest pid is asked first: it is usually the init.
pub(crate) fn init(c: &Row<'_>) -> Option<i32> {
    if c.ns.kind != NsKind::Pid {
        return None;
    }
    init_of(c.scan, c.ns)
}

fn init_of(scan: &Scan, ns: &Namespace) -> Option<i32> {
    let dir = scan.dir.as_ref()?;
    let mut pids: Vec<i32> = ns.procs.iter().map(|&p| scan.procs[p].pid).collect();
    pids.sort_unstable();
    pids.into_iter().find(|pid| {
        let status = dir.read(&format!("{pid}/status"), READ_MAX).map(|b| crate::byte_text::carry_bytes(&b));
        status.and_then(|s| parse_nspid(&s)).is_some_and(|nspid| nspid.last() == Some(&1))
    })
}

/// SUMMARY: what the row's namespace holds, on one line, by one rule for every kind: items
/// joined by `, `, each a label and its value separated by a space, in words (ASCII only, so
/// the cell reads the same in every locale; bytes from the kernel are carried and escaped by
/// the printer as in the other cells).
///
/// user: `uids 0-65535 as 100000-165535` per UIDMAP range (`uid 0 as 1000` for one id), the
/// first [`SUMMARY_RANGES`] and then `other ranges N`; time: `monotonic +86400s, boottime
/// -1.5s` (OFFSETS as signed seconds); mnt: `mounts 20, root /dev/vda (ext4)`; pid: `level 1,
/// init 4242`; cgroup: `root /PATH`, the cgroup (v2) path of the namespace's lowest pid as the
/// reader sees it (usually the process that made it, so the namespace's root); uts: `hostname
/// NODE` and `domain NIS-DOMAIN` when set; net: per interface `NAME STATE ADDRESS...`; ipc:
/// `shm segments N, semaphore sets N, message queues N` and `posix queues N` when counted.
pub(crate) fn summary(c: &Row<'_>) -> Option<String> {
    let one_line = Row { one_line: true, json: false, ..*c };
    let c = &one_line;
    let items: Vec<(String, String)> = match c.ns.kind {
        NsKind::User => {
            let ranges = id_ranges(c, "uid_map")?;
            let mut items: Vec<(String, String)> = ranges.iter().take(SUMMARY_RANGES).map(id_range_item).collect();
            if ranges.len() > SUMMARY_RANGES {
                items.push(("other ranges".into(), (ranges.len() - SUMMARY_RANGES).to_string()));
            }
            items
        }
        NsKind::Time => {
            let clocks = clock_offsets(c)?;
            clocks.iter().map(|o| (o.clock.clone(), signed_seconds(o.secs, o.nsecs))).collect()
        }
        NsKind::Mnt => {
            let (count, root) = mount_table(c)?;
            let root = root.map(|(source, fstype)| ("root".to_string(), format!("{source} ({fstype})")));
            std::iter::once(("mounts".to_string(), count.to_string())).chain(root).collect()
        }
        NsKind::Pid => [level(c).map(|l| ("level", l.to_string())), init(c).map(|p| ("init", p.to_string()))]
            .into_iter()
            .flatten()
            .map(|(label, value)| (label.to_string(), value))
            .collect(),
        NsKind::Cgroup => vec![("root".into(), cgroup_root(c)?)],
        NsKind::Uts | NsKind::Net | NsKind::Ipc => entered_summary(c)?,
    };
    summary_cell(&items)
}

/// The rule of SUMMARY: `label value` items joined by `, `; no cell without items.
fn summary_cell(items: &[(String, String)]) -> Option<String> {
    let items: Vec<String> = items.iter().map(|(label, value)| format!("{label} {value}")).collect();
    (!items.is_empty()).then(|| items.join(", "))
}

/// A UIDMAP range as a SUMMARY item: the ids inside and what they are outside, as ranges of
/// first-last (`uids 0-65535 as 100000-165535`), or one id (`uid 0 as 1000`).
fn id_range_item(r: &IdRange) -> (String, String) {
    let last = |first: u64| first.saturating_add(r.count.saturating_sub(1));
    if r.count == 1 {
        return ("uid".into(), format!("{} as {}", r.inside, r.outside));
    }
    ("uids".into(), format!("{}-{} as {}-{}", r.inside, last(r.inside), r.outside, last(r.outside)))
}

/// A clock offset (`timens_offsets`: seconds, and nanoseconds 0..1e9 added to them) as signed
/// seconds with the fraction it has: `+0s`, `-1.5s`, `+86400.000000001s`.
fn signed_seconds(secs: i64, nsecs: i64) -> String {
    let total = i128::from(secs) * 1_000_000_000 + i128::from(nsecs);
    let sign = if total < 0 { '-' } else { '+' };
    let (whole, fraction) = (total.unsigned_abs() / 1_000_000_000, total.unsigned_abs() % 1_000_000_000);
    if fraction == 0 {
        return format!("{sign}{whole}s");
    }
    let digits = format!("{fraction:09}");
    format!("{sign}{whole}.{}s", digits.trim_end_matches('0'))
}

/// SUMMARY items of the kinds only the namespace itself can answer (what HOSTNAME, IFACES and
/// IPCOBJS show): uts `hostname`, `domain`; net an interface each, labelled by its name; ipc
/// the System V objects and the POSIX queues.
fn entered_summary(c: &Row<'_>) -> Option<Vec<(String, String)>> {
    let item = |label: &str, value: String| (label.to_string(), value);
    Some(match c.scan.inside.get(&c.ns.ino)? {
        Inside::Names(node, domain) => {
            std::iter::once(item("hostname", node.clone())).chain(domain.clone().map(|d| item("domain", d))).collect()
        }
        Inside::Ifaces(ifaces) => ifaces
            .iter()
            .map(|i| {
                let words: Vec<&str> = std::iter::once(i.state).chain(i.addresses.iter().map(String::as_str)).collect();
                (i.name.clone(), words.join(" "))
            })
            .collect(),
        Inside::Ipc(n) => {
            let counts = [("shm segments", n.shm), ("semaphore sets", n.sem), ("message queues", n.msg)];
            let queues = n.mqueue.map(|q| ("posix queues", q));
            counts.into_iter().chain(queues).map(|(label, count)| item(label, count.to_string())).collect()
        }
    })
}

/// The cgroup v2 path (`0::PATH`) of the row's process as the reader sees it.
fn cgroup_root(c: &Row<'_>) -> Option<String> {
    let text = read(c, "cgroup")?;
    text.lines().find_map(|l| l.strip_prefix("0::")).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_signed_seconds() {
        // the kernel keeps nanoseconds in 0..1e9 added to the seconds: -1.5 s is -2 s + 0.5e9 ns
        assert_eq!(signed_seconds(0, 0), "+0s");
        assert_eq!(signed_seconds(86400, 0), "+86400s");
        assert_eq!(signed_seconds(-2, 500_000_000), "-1.5s");
        assert_eq!(signed_seconds(3, 1), "+3.000000001s");
        assert_eq!(signed_seconds(i64::MIN, 0), format!("{}s", i64::MIN));
    }

    #[test]
    fn id_ranges_read_as_first_last() {
        let item = |inside, outside, count| {
            let (label, value) = id_range_item(&IdRange { inside, outside, count });
            format!("{label} {value}")
        };
        assert_eq!(item(0, 1000, 1), "uid 0 as 1000");
        assert_eq!(item(0, 100000, 65536), "uids 0-65535 as 100000-165535");
        assert_eq!(item(0, 0, 4294967295), "uids 0-4294967294 as 0-4294967294");
    }
}
