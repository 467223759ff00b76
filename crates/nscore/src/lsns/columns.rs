//! lsns's 13 columns and rns's extras, declared once: name, help, width hint, flags, JSON type
//! and getter. `-o` (and its completions), `--output-all`, `-H`, the filter, the man page and
//! every output mode read this table.

use super::contents;
use super::model::{Namespace, Process};
use super::scan::Scan;
use crate::error::{Error, MsgArg, Result};
use crate::nstype::NsKind;
use crate::output::{ColumnSpec, JsonType};

/// A column's identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Col {
    Ns,
    Type,
    Path,
    Nprocs,
    Pid,
    Ppid,
    Command,
    Uid,
    User,
    Netnsid,
    Nsfs,
    Pns,
    Ons,
    /// rns extras (see [`EXTRA_COLUMNS`]).
    Id,
    Container,
    Holders,
    /// What only the namespace itself can tell, asked from inside it ([`super::inside`]).
    Hostname,
    Ifaces,
    Ipcobjs,
    Uidmap,
    Gidmap,
    Offsets,
    Mounts,
    Root,
    Level,
    Init,
    Summary,
}

/// What a getter reads: the scan, the line's namespace and its process (if any).
pub struct Cell<'a> {
    pub scan: &'a Scan,
    pub ns: &'a Namespace,
    pub proc: Option<&'a Process>,
    /// `-W`/`-r`: NSFS joined with `,` instead of newlines.
    pub no_wrap: bool,
    /// `-J`: a list cell (HOLDERS) keeps one item per line, the items of its JSON array.
    pub json: bool,
}

/// One row of the column table.
pub struct Column {
    pub id: Col,
    pub spec: ColumnSpec,
    pub get: fn(&Cell<'_>) -> Option<String>,
}

const fn spec(name: &'static str, width_hint: f64, right: bool, help: &'static str, json: JsonType) -> ColumnSpec {
    ColumnSpec { name, help, width_hint, right, truncate: false, wrap: false, json }
}

/// TYPE, which `--compare` shows too.
pub(crate) const TYPE: ColumnSpec = spec("TYPE", 5.0, false, "kind of namespace", JsonType::String);

/// The table, in lsns's order (`--output-all`, `-H`).
pub const COLUMNS: [Column; 13] = [
    Column {
        id: Col::Ns,
        spec: spec("NS", 10.0, true, "namespace identifier (inode number)", JsonType::Number),
        get: |c| Some(c.ns.ino.to_string()),
    },
    Column { id: Col::Type, spec: TYPE, get: |c| Some(c.ns.kind.name().to_string()) },
    Column {
        id: Col::Path,
        spec: spec("PATH", 0.0, false, "path to the namespace", JsonType::String),
        get: |c| c.proc.map(|p| format!("/proc/{}/ns/{}", p.pid, c.ns.kind.name())),
    },
    Column {
        id: Col::Nprocs,
        spec: spec("NPROCS", 5.0, true, "number of processes in the namespace", JsonType::Number),
        get: |c| Some(c.ns.nprocs().to_string()),
    },
    Column {
        id: Col::Pid,
        spec: spec("PID", 5.0, true, "lowest PID in the namespace", JsonType::Number),
        get: |c| c.proc.map(|p| p.pid.to_string()),
    },
    Column {
        id: Col::Ppid,
        spec: spec("PPID", 5.0, true, "PPID of the PID", JsonType::Number),
        get: |c| c.proc.map(|p| p.ppid.to_string()),
    },
    Column {
        id: Col::Command,
        spec: ColumnSpec { truncate: true, ..spec("COMMAND", 0.0, false, "command line of the PID", JsonType::String) },
        get: |c| c.proc.and_then(|p| c.scan.command(p.pid)),
    },
    Column {
        id: Col::Uid,
        spec: spec("UID", 0.0, true, "UID of the PID", JsonType::Number),
        get: |c| Some((uid_of(c) as i32).to_string()),
    },
    Column {
        id: Col::User,
        spec: spec("USER", 0.0, false, "username of the PID", JsonType::String),
        get: |c| Some(c.scan.user_name(uid_of(c))),
    },
    Column {
        id: Col::Netnsid,
        spec: spec("NETNSID", 0.0, true, "namespace ID as used by network subsystem", JsonType::String),
        get: |c| match (c.ns.kind, c.ns.netnsid) {
            (NsKind::Net, Some(id)) if id >= 0 => Some(id.to_string()),
            (NsKind::Net, Some(-1)) => Some("unassigned".to_string()),
            _ => None,
        },
    },
    Column {
        id: Col::Nsfs,
        spec: ColumnSpec {
            wrap: true,
            ..spec("NSFS", 0.0, false, "nsfs mountpoint (usually used network subsystem)", JsonType::String)
        },
        get: |c| c.scan.nsfs_paths(c.ns, if c.no_wrap { ',' } else { '\n' }),
    },
    Column {
        id: Col::Pns,
        spec: spec("PNS", 10.0, true, "parent namespace identifier (inode number)", JsonType::Number),
        get: |c| Some(c.ns.parent_ino.to_string()),
    },
    Column {
        id: Col::Ons,
        spec: spec("ONS", 10.0, true, "owner namespace identifier (inode number)", JsonType::Number),
        get: |c| Some(c.ns.owner_ino.to_string()),
    },
];

/// Columns util-linux does not have (README "Beyond util-linux"). Reachable by `-o` (and
/// usable in `-Q`), never part of `--output-all`; `-H` lists them only under the own name.
pub(crate) const EXTRA_COLUMNS: [Column; 14] = [
    Column {
        id: Col::Id,
        spec: spec("ID", 0.0, true, "namespace ID (NS_GET_ID), never reused while the system runs", JsonType::Number),
        get: |c| c.ns.ns_id.map(|id| id.to_string()),
    },
    Column {
        id: Col::Container,
        spec: spec("CONTAINER", 0.0, false, "container of the PID, as RUNTIME:ID (from its cgroups)", JsonType::String),
        get: |c| c.proc.and_then(|p| container_of(c.scan, p.pid)).map(|k| k.short()),
    },
    Column {
        id: Col::Holders,
        spec: ColumnSpec {
            wrap: true,
            ..spec("HOLDERS", 0.0, false, "what keeps the namespace alive", JsonType::ArrayString)
        },
        get: |c| {
            let sep = if c.no_wrap && !c.json { "," } else { "\n" };
            let items = super::holders::holders(c.scan, c.ns);
            (!items.is_empty()).then(|| items.join(sep))
        },
    },
    Column {
        id: Col::Hostname,
        spec: spec(
            "HOSTNAME",
            0.0,
            false,
            "node name of a uts namespace, with its NIS domain name if set",
            JsonType::String,
        ),
        get: |c| c.scan.inside.get(&c.ns.ino).and_then(super::inside::hostname_cell),
    },
    Column {
        id: Col::Ifaces,
        spec: ColumnSpec {
            wrap: true,
            ..spec("IFACES", 0.0, false, "interfaces of a network namespace: name, state, addresses", JsonType::Value)
        },
        get: |c| {
            let sep = if c.no_wrap { "," } else { "\n" };
            c.scan.inside.get(&c.ns.ino).and_then(|i| super::inside::ifaces_cell(i, sep, c.json))
        },
    },
    Column {
        id: Col::Ipcobjs,
        spec: spec("IPCOBJS", 0.0, false, "System V IPC objects of an ipc namespace", JsonType::Value),
        get: |c| c.scan.inside.get(&c.ns.ino).and_then(|i| super::inside::ipcobjs_cell(i, c.json)),
    },
    Column {
        id: Col::Uidmap,
        spec: ColumnSpec {
            wrap: true,
            ..spec("UIDMAP", 0.0, false, "uid map of a user namespace (inside outside count)", JsonType::Value)
        },
        get: |c| contents::id_map(&row(c), "uid_map"),
    },
    Column {
        id: Col::Gidmap,
        spec: ColumnSpec {
            wrap: true,
            ..spec("GIDMAP", 0.0, false, "gid map of a user namespace (inside outside count)", JsonType::Value)
        },
        get: |c| contents::id_map(&row(c), "gid_map"),
    },
    Column {
        id: Col::Offsets,
        spec: ColumnSpec {
            wrap: true,
            ..spec("OFFSETS", 0.0, false, "clock offsets of a time namespace (clock secs nsecs)", JsonType::Value)
        },
        get: |c| contents::offsets(&row(c)),
    },
    Column {
        id: Col::Mounts,
        spec: spec("MOUNTS", 0.0, true, "number of mounts in a mount namespace", JsonType::Number),
        get: |c| contents::mounts(&row(c)).map(|(n, _)| n.to_string()),
    },
    Column {
        id: Col::Root,
        spec: spec("ROOT", 0.0, false, "source and type of what a mount namespace has at /", JsonType::String),
        get: |c| contents::mounts(&row(c)).and_then(|(_, root)| root),
    },
    Column {
        id: Col::Level,
        spec: spec("LEVEL", 0.0, true, "nesting depth of a pid or user namespace below the reader's", JsonType::Number),
        get: |c| contents::level(&row(c)).map(|l| l.to_string()),
    },
    Column {
        id: Col::Init,
        spec: spec("INIT", 0.0, true, "PID of a pid namespace's init", JsonType::Number),
        get: |c| contents::init(&row(c)).map(|p| p.to_string()),
    },
    Column {
        id: Col::Summary,
        spec: spec("SUMMARY", 0.0, false, "what the namespace holds, in one line", JsonType::String),
        get: |c| contents::summary(&row(c)),
    },
];

/// Every column name with its help, util-linux's then rns's: the words `-o` accepts, as
/// completions offer and describe them.
pub const WORDS: [(&str, &str); COLUMNS.len() + EXTRA_COLUMNS.len()] = {
    let mut words = [("", ""); COLUMNS.len() + EXTRA_COLUMNS.len()];
    let mut i = 0;
    while i < words.len() {
        let spec = if i < COLUMNS.len() { COLUMNS[i].spec } else { EXTRA_COLUMNS[i - COLUMNS.len()].spec };
        words[i] = (spec.name, spec.help);
        i += 1;
    }
    words
};

/// Every column name, in the order of [`WORDS`].
pub const NAMES: [&str; WORDS.len()] = {
    let mut names = [""; WORDS.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = WORDS[i].0;
        i += 1;
    }
    names
};

/// How `-H` marks rns's own columns under the own name: after the description, in every mode.
pub(crate) const EXTRA_MARK: &str = " (rns extra)";

/// The columns `-H` lists: util-linux's 13; under the tool's own name (`own_name`) also
/// rns's own, each with [`EXTRA_MARK`].
pub(crate) fn listed(own_name: bool) -> Vec<(ColumnSpec, &'static str)> {
    let extras = if own_name { &EXTRA_COLUMNS[..] } else { &[] };
    COLUMNS.iter().map(|c| (c.spec, "")).chain(extras.iter().map(|c| (c.spec, EXTRA_MARK))).collect()
}

/// util-linux's columns with their `-H` help, as the man page lists them (rns's extras are
/// described in its notes).
pub(crate) const DOCS: &[(&str, &str)] = WORDS.split_at(COLUMNS.len()).0;

/// The container a process is in, from its `/proc/PID/cgroup`.
fn container_of(scan: &Scan, pid: i32) -> Option<crate::proc::container::Container> {
    let text = crate::proc::container::read_carried(&scan.procfs.root().join(format!("{pid}/cgroup")))?;
    crate::proc::container::from_cgroup(&text)
}

/// A cell as the contents getters read it: through the line's process, else the
/// namespace's representative.
fn row<'a>(c: &Cell<'a>) -> contents::Row<'a> {
    let proc = c.proc.or_else(|| c.ns.rep.map(|r| &c.scan.procs[r]));
    contents::Row { scan: c.scan, ns: c.ns, pid: proc.map(|p| p.pid), one_line: c.no_wrap && !c.json, json: c.json }
}

fn uid_of(c: &Cell<'_>) -> u32 {
    c.proc.map_or(c.ns.uid_fallback, |p| p.uid)
}

impl Col {
    // Cannot fail: COLUMNS and EXTRA_COLUMNS hold one row per Col variant (a unit test walks
    // every variant through this).
    #[allow(clippy::expect_used)]
    pub(crate) fn column(self) -> &'static Column {
        COLUMNS.iter().chain(&EXTRA_COLUMNS).find(|c| c.id == self).expect("every Col has a row")
    }

    /// Case-insensitive lookup of a column name, as `-o` and the filter accept them (rns's
    /// extra columns included).
    pub fn from_name(name: &str) -> Option<Col> {
        COLUMNS.iter().chain(&EXTRA_COLUMNS).find(|c| c.spec.name.eq_ignore_ascii_case(name)).map(|c| c.id)
    }
}

/// The most columns lsns takes (its `columns[]` array).
pub const MAX_COLUMNS: usize = COLUMNS.len() * 2;

/// `-o LIST` / `-o +LIST` applied to `current`, with util-linux's quirks: an unknown name is
/// reported with the rest of the list (`unknown column: FOO,TYPE`); an empty list, an empty
/// item (`NS,,TYPE`) or too many columns fail silently.
pub fn apply_output_list(list: &str, current: &mut Vec<Col>) -> Result<()> {
    let items = match list.strip_prefix('+') {
        Some(rest) => rest,
        None => {
            current.clear();
            list
        }
    };
    if items.is_empty() {
        return Err(Error::Silent(1));
    }
    let bytes = items.as_bytes();
    let mut begin: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        if current.len() >= MAX_COLUMNS {
            return Err(Error::Silent(1));
        }
        let start = *begin.get_or_insert(i);
        let mut end = None;
        if bytes[i] == b',' {
            end = Some(i);
        }
        if i + 1 == bytes.len() {
            end = Some(i + 1);
        }
        let Some(end) = end else {
            i += 1;
            continue;
        };
        if end <= start {
            return Err(Error::Silent(1));
        }
        match Col::from_name(&items[start..end]) {
            Some(col) => current.push(col),
            None => return Err(Error::tr("unknown column: %s", vec![MsgArg::str(&items[start..])])),
        }
        begin = None;
        if end == bytes.len() {
            break;
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(list: &str, start: &[Col]) -> Result<Vec<Col>> {
        let mut v = start.to_vec();
        apply_output_list(list, &mut v).map(|_| v)
    }

    /// Col::column finds a row for every variant (the match stops compiling when one is added).
    #[test]
    fn every_col_has_its_row() {
        use Col::*;
        let all = [
            Ns, Type, Path, Nprocs, Pid, Ppid, Command, Uid, User, Netnsid, Nsfs, Pns, Ons, Id, Container, Holders,
            Hostname, Ifaces, Ipcobjs, Uidmap, Gidmap, Offsets, Mounts, Root, Level, Init, Summary,
        ];
        for col in all {
            match col {
                Ns | Type | Path | Nprocs | Pid | Ppid | Command | Uid | User | Netnsid | Nsfs | Pns | Ons | Id
                | Container | Holders | Hostname | Ifaces | Ipcobjs | Uidmap | Gidmap | Offsets | Mounts | Root
                | Level | Init | Summary => {
                    assert_eq!(col.column().id, col)
                }
            }
        }
        assert_eq!(COLUMNS.len() + EXTRA_COLUMNS.len(), all.len());
    }

    #[test]
    fn output_lists() {
        assert_eq!(cols("ns,Type", &[Col::Pid]), Ok(vec![Col::Ns, Col::Type]));
        assert_eq!(cols("+NSFS", &[Col::Pid]), Ok(vec![Col::Pid, Col::Nsfs]));
        assert_eq!(cols("NS,FOO,TYPE", &[]), Err(Error::msg("unknown column: FOO,TYPE")));
        assert_eq!(cols("NS,", &[]), Err(Error::msg("unknown column: NS,")));
        assert_eq!(cols("NS,,TYPE", &[]), Err(Error::Silent(1)));
        assert_eq!(cols(",NS", &[]), Err(Error::Silent(1)));
        assert_eq!(cols("", &[]), Err(Error::Silent(1)));
        assert_eq!(cols("+", &[]), Err(Error::Silent(1)));
        let many = vec!["NS"; 27].join(",");
        assert_eq!(cols(&many, &[]), Err(Error::Silent(1)));
        assert_eq!(cols(&vec!["NS"; 26].join(","), &[]).map(|v| v.len()), Ok(26));
    }
}
