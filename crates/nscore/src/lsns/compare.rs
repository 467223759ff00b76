//! `rlsns --compare PID1 PID2` (an rns extra): do two processes share their namespaces? One
//! line per kind (`-t` selects kinds) with both identities, `DEV:INODE` of
//! `/proc/PID/ns/<kind>` (the inode alone is unique only on one nsfs device) each followed by
//! the namespace's ID (NS_GET_ID, Linux 6.18), and `same`, `differs` or `unknown` (a kind the
//! kernel lacks). Exit status 0 when every line is `same`, 1 otherwise, 2 with a message when
//! a process cannot be read: gone, a link that cannot be followed (EACCES for a process of
//! another user namespace, whatever the errno), or a link missing that our own process has (a
//! zombie).

use crate::error::{Error, Result};
use crate::lsns::args::LsnsArgs;
use crate::lsns::columns;
use crate::nstype::{NsId, NsKind};
use crate::output::{ColumnSpec, JsonType, Table};
use crate::proc::ProcFs;
use std::io::Write;
use std::os::fd::AsFd;

const fn text(name: &'static str, help: &'static str) -> ColumnSpec {
    ColumnSpec { name, help, width_hint: 0.0, right: false, truncate: false, wrap: false, json: JsonType::String }
}

const fn number(name: &'static str, help: &'static str) -> ColumnSpec {
    ColumnSpec { right: true, json: JsonType::Number, ..text(name, help) }
}

/// The columns of the comparison: each process's namespace as `DEV:INODE`, its ID beside it.
pub(crate) const COLUMNS: [ColumnSpec; 6] = [
    ColumnSpec { width_hint: 0.0, ..columns::TYPE },
    text("NS1", "namespace of the first PID (DEV:INODE)"),
    number("ID1", "namespace ID of the first PID (NS_GET_ID)"),
    text("NS2", "namespace of the second PID (DEV:INODE)"),
    number("ID2", "namespace ID of the second PID (NS_GET_ID)"),
    text("RESULT", "same, differs or unknown"),
];

/// A process's namespace of one kind: its identity, and its ID where the kernel tells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    pub ns: NsId,
    pub id: Option<u64>,
}

impl Seen {
    /// Whether both are the same namespace. The two links are read one after the other, and
    /// in between a namespace may end and its inode go to a new one; an ID is never given
    /// again, so where both have one it decides.
    fn same_as(&self, other: &Seen) -> bool {
        match (self.id, other.id) {
            (Some(a), Some(b)) => a == b,
            _ => self.ns == other.ns,
        }
    }
}

/// What one line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Same,
    Differs,
    /// Neither process has the link: a kind the kernel lacks.
    Unknown,
}

/// The comparison of each kind: both namespaces (`None` when that link cannot be read) and
/// the verdict.
pub(crate) fn compare(
    kinds: &[NsKind],
    first: impl Fn(NsKind) -> Option<Seen>,
    second: impl Fn(NsKind) -> Option<Seen>,
) -> Vec<(NsKind, Option<Seen>, Option<Seen>, Verdict)> {
    kinds
        .iter()
        .map(|&kind| {
            let (a, b) = (first(kind), second(kind));
            let verdict = match (a, b) {
                (Some(a), Some(b)) if a.same_as(&b) => Verdict::Same,
                (Some(_), Some(_)) => Verdict::Differs,
                _ => Verdict::Unknown,
            };
            (kind, a, b, verdict)
        })
        .collect()
}

/// The comparison as a table.
pub(crate) fn table(rows: &[(NsKind, Option<Seen>, Option<Seen>, Verdict)]) -> Table {
    let mut table = Table::new(COLUMNS.to_vec());
    let ns = |seen: &Option<Seen>| seen.map(|s| format!("{}:{}", s.ns.dev, s.ns.ino));
    let id = |seen: &Option<Seen>| seen.and_then(|s| s.id).map(|id| id.to_string());
    for (kind, a, b, verdict) in rows {
        let result = match verdict {
            Verdict::Same => "same",
            Verdict::Differs => "differs",
            Verdict::Unknown => "unknown",
        };
        table.push(vec![Some(kind.name().to_string()), ns(a), id(a), ns(b), id(b), Some(result.to_string())], None);
    }
    table
}

/// The kinds to compare: `-t`'s, else all, in lsns's order.
fn kinds_of(args: &LsnsArgs) -> Vec<NsKind> {
    NsKind::LSNS_ORDER.into_iter().filter(|k| args.types.is_empty() || args.types.contains(k)).collect()
}

/// Runs the comparison and prints it with `-J`, `-r`, `-n` as for the namespace list.
pub(crate) fn run(procfs: &ProcFs, (pid1, pid2): (i32, i32), args: &LsnsArgs, out: &mut dyn Write) -> Result<i32> {
    let dir = procfs.open().map_err(|e| Error::io(format!("cannot open {}", procfs.root().display()), &e))?;
    for pid in [pid1, pid2] {
        if let Err(e) = std::fs::read_dir(procfs.root().join(format!("{pid}/ns"))) {
            return Err(Error::io(format!("cannot read the namespaces of PID {pid}"), &e).with_status(2));
        }
    }
    let kinds = kinds_of(args);
    let mut ids: [Vec<Option<Seen>>; 2] = [Vec::new(), Vec::new()];
    for (pid, ids) in [pid1, pid2].into_iter().zip(&mut ids) {
        *ids = identities(&dir, pid, &kinds)
            .map_err(|errno| Error::os(format!("cannot read the namespaces of PID {pid}"), errno).with_status(2))?;
    }
    let at = |ids: &Vec<Option<Seen>>, kind: NsKind| kinds.iter().position(|&k| k == kind).and_then(|i| ids[i]);
    let rows = compare(&kinds, |k| at(&ids[0], k), |k| at(&ids[1], k));
    let format = args.format();
    crate::output::render(&table(&rows), &format, out).map_err(|e| Error::tr_io("write error", vec![], &e))?;
    Ok(if rows.iter().all(|r| r.3 == Verdict::Same) { 0 } else { 1 })
}

/// The namespace of each of `kinds` for `pid` (`None` where the kernel has no such kind: our
/// own process lacks it too), or the errno that keeps the process from being compared: any
/// failure to follow a link (EACCES for another user's process, whatever the errno), or a link
/// missing that our own process has (a zombie keeps only its pid and user links). The ID is
/// asked of the file with the inode just seen (a pid reused in between leads elsewhere, and
/// leaves the ID empty), and is empty on a kernel without NS_GET_ID.
fn identities(dir: &crate::proc::ProcDir, pid: i32, kinds: &[NsKind]) -> std::result::Result<Vec<Option<Seen>>, i32> {
    let mut ids = Vec::with_capacity(kinds.len());
    for kind in kinds {
        let path = format!("{pid}/ns/{}", kind.name());
        match dir.stat_or_errno(&path) {
            Ok(f) => {
                let id = dir.open_nsfs(&path, f.ino).ok().and_then(|file| crate::sys::ns::ns_get_id(file.as_fd()).ok());
                ids.push(Some(Seen { ns: NsId { dev: f.dev, ino: f.ino }, id }));
            }
            Err(libc::ENOENT) if dir.stat(&format!("self/ns/{}", kind.name())).is_none() => ids.push(None),
            Err(errno) => return Err(errno),
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_differs_and_unreadable() {
        let id = |ino| Some(Seen { ns: NsId { dev: 4, ino }, id: Some(ino + 100) });
        let first = |k: NsKind| match k {
            NsKind::Net => id(2),
            NsKind::Time => None,
            _ => id(1),
        };
        let second = |k: NsKind| match k {
            NsKind::Net => id(3),
            NsKind::Time => None,
            _ => id(1),
        };
        let rows = compare(&[NsKind::Mnt, NsKind::Net, NsKind::Time], first, second);
        let verdicts: Vec<Verdict> = rows.iter().map(|r| r.3).collect();
        assert_eq!(verdicts, [Verdict::Same, Verdict::Differs, Verdict::Unknown]);
        let t = table(&rows);
        assert_eq!(
            t.lines[1].cells,
            [
                Some("net".into()),
                Some("4:2".into()),
                Some("102".into()),
                Some("4:3".into()),
                Some("103".into()),
                Some("differs".into())
            ]
        );
        assert_eq!(t.lines[2].cells[1], None);
    }

    /// Where both have an ID it decides: an inode may have passed to a new namespace between
    /// the two reads. Without IDs (a kernel before 6.18) the inodes decide, and the ID cells
    /// stay empty.
    #[test]
    fn ids_decide_where_both_have_one() {
        let seen = |ino, id| Some(Seen { ns: NsId { dev: 4, ino }, id });
        let verdict = |a, b| compare(&[NsKind::Uts], |_| a, |_| b)[0].3;
        assert_eq!(verdict(seen(7, Some(20)), seen(7, Some(21))), Verdict::Differs);
        assert_eq!(verdict(seen(7, Some(20)), seen(7, Some(20))), Verdict::Same);
        assert_eq!(verdict(seen(7, None), seen(7, Some(20))), Verdict::Same);
        assert_eq!(verdict(seen(7, None), seen(8, None)), Verdict::Differs);
        let t = table(&compare(&[NsKind::Uts], |_| seen(7, None), |_| seen(7, None)));
        assert_eq!((t.lines[0].cells[2].clone(), t.lines[0].cells[4].clone()), (None, None));
    }
}
