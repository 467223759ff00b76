//! What rlsns shows, decided from its options as lsns's main() decides it: the columns, the
//! tree, the namespace or process asked for, and which facts a scan must gather for them.

use super::args::{LsnsArgs, TreeKind};
use super::columns::{apply_output_list, Col, COLUMNS};
use super::inside;
use super::model::ScanOptions;
use super::query::Query;
use crate::error::{Error, Result};
use crate::nstype::NsKind;
use crate::output::{ColumnSpec, Format};
use std::os::unix::ffi::OsStrExt;

/// What to show, decided from the options as lsns's main() decides it.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub kinds: [bool; NsKind::COUNT],
    pub columns: Vec<Col>,
    pub tree: Option<TreeKind>,
    /// `<namespace ID>` (0 means none was usable, and lsns lists namespaces).
    pub namespace: Option<u64>,
    pub task: Option<i32>,
    pub persistent: bool,
    /// How the table is printed (`-J`, `-r`, `-n`, `-u`, `-W`).
    pub format: Format,
}

impl Plan {
    pub(crate) fn new(args: &LsnsArgs) -> Result<Plan> {
        let mut kinds = [args.types.is_empty(); NsKind::COUNT];
        for k in &args.types {
            kinds[k.index()] = true;
        }
        let mut columns: Vec<Col> = if args.output_all { COLUMNS.iter().map(|c| c.id).collect() } else { Vec::new() };
        let mut tree = args.tree;
        let mut namespace = None;
        if let Some(operand) = &args.namespace {
            if args.task.is_some() {
                return Err(Error::tr("--task is mutually exclusive with <namespace>", vec![]));
            }
            namespace = Some(parse_namespace_id(&crate::byte_text::carry_bytes(operand.as_bytes()))?);
            if tree.is_none() && !args.force_list {
                tree = Some(TreeKind::Process);
            }
            if columns.is_empty() {
                columns = vec![Col::Pid, Col::Ppid, Col::User, Col::Command];
            }
        }
        if columns.is_empty() {
            columns = vec![Col::Ns, Col::Type, Col::Nprocs, Col::Pid, Col::User];
            if args.types.contains(&NsKind::Net) {
                columns.extend([Col::Netnsid, Col::Nsfs]);
            }
            columns.push(Col::Command);
            if tree.is_none() && !args.force_list {
                tree = Some(TreeKind::Process);
            }
        }
        if let Some(list) = &args.output {
            apply_output_list(list, &mut columns)?;
        }
        Ok(Plan {
            kinds,
            columns,
            tree,
            namespace,
            task: args.task,
            persistent: args.persistent,
            format: args.format(),
        })
    }

    /// The column specs as this run's flags adjust them, and the tree columns.
    pub(crate) fn column_specs(&self) -> (Vec<ColumnSpec>, Vec<usize>) {
        let mut tree_columns = Vec::new();
        let specs = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let mut spec = col.column().spec;
                if self.format.no_trunc {
                    spec.truncate = false;
                }
                if self.format.no_wrap {
                    spec.wrap = false;
                }
                let is_tree = match self.tree {
                    Some(TreeKind::Process) => *col == Col::Command,
                    Some(TreeKind::Owner | TreeKind::Parent) => *col == Col::Ns,
                    None => false,
                };
                if is_tree {
                    if *col == Col::Ns {
                        spec.right = false;
                    }
                    tree_columns.push(i);
                }
                spec
            })
            .collect();
        (specs, tree_columns)
    }

    /// What the scan has to find out for this plan (and the filter's columns): the kernel is
    /// asked only what some column, filter or tree shows.
    pub(crate) fn scan_options(&self, query: Option<&Query>) -> ScanOptions {
        let filtered_on = |cols: &[Col]| {
            query.is_some_and(|q| q.holders().iter().any(|h| Col::from_name(h).is_some_and(|c| cols.contains(&c))))
        };
        let connect = matches!(self.tree, Some(TreeKind::Owner | TreeKind::Parent));
        ScanOptions {
            kinds: self.kinds,
            netnsid: self.columns.contains(&Col::Netnsid) || query.is_some_and(|q| q.has_holder("NETNSID")),
            ids: self.columns.contains(&Col::Id) || filtered_on(&[Col::Id]),
            connect,
            // HOLDERS names child and owned namespaces: it needs the relations too.
            relations: connect
                || self.columns.iter().any(|c| matches!(c, Col::Pns | Col::Ons | Col::Holders))
                || filtered_on(&[Col::Pns, Col::Ons, Col::Holders]),
            every_process: self.namespace.is_some_and(|ns| ns != 0),
            threads: false,
            all_mounts: false,
            // With -p most representatives are not shown: their commands are read as needed.
            commands: self.task.is_none()
                && (self.columns.contains(&Col::Command) || query.is_some_and(|q| q.has_holder("COMMAND"))),
        }
    }

    /// The kinds whose namespaces are asked from inside: those HOSTNAME, IFACES or IPCOBJS
    /// shows or the filter names.
    pub(crate) fn inside_wanted(&self, query: Option<&Query>) -> inside::Wanted {
        let asked = |col: Col| {
            self.columns.contains(&col)
                || query.is_some_and(|q| q.holders().iter().any(|h| Col::from_name(h) == Some(col)))
        };
        // SUMMARY says for uts, net and ipc rows what their own columns say.
        let summary = asked(Col::Summary);
        inside::Wanted {
            uts: summary || asked(Col::Hostname),
            net: summary || asked(Col::Ifaces),
            ipc: summary || asked(Col::Ipcobjs),
        }
    }
}

/// `strtou64_or_err(arg, "invalid namespace argument")`.
pub fn parse_namespace_id(arg: &str) -> Result<u64> {
    crate::number::parse_unsigned(arg, "invalid namespace argument")
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::lsns::args::{parse, Parsed};

    pub(in crate::lsns) fn plan(args: &[&str]) -> Result<Plan> {
        let argv: Vec<std::ffi::OsString> =
            std::iter::once("lsns").chain(args.iter().copied()).map(Into::into).collect();
        match parse(&argv, &mut std::io::sink())? {
            Parsed::Run(a) => Plan::new(&a),
            other => panic!("{other:?}"),
        }
    }

    fn names(p: &Plan) -> Vec<&'static str> {
        p.columns.iter().map(|c| c.column().spec.name).collect()
    }

    #[test]
    fn default_columns_and_trees() {
        let p = plan(&[]).unwrap();
        assert_eq!(names(&p), ["NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND"]);
        assert_eq!(p.tree, Some(TreeKind::Process));
        let p = plan(&["-t", "net"]).unwrap();
        assert_eq!(names(&p), ["NS", "TYPE", "NPROCS", "PID", "USER", "NETNSID", "NSFS", "COMMAND"]);
        assert_eq!(plan(&["-l"]).unwrap().tree, None);
        // -o alone keeps the process tree; --output-all does not.
        let p = plan(&["-o", "ns,pid"]).unwrap();
        assert_eq!((names(&p), p.tree), (vec!["NS", "PID"], Some(TreeKind::Process)));
        let p = plan(&["--output-all"]).unwrap();
        assert_eq!((p.columns.len(), p.tree), (13, None));
        let p = plan(&["--output-all", "-o", "+NS"]).unwrap();
        assert_eq!(p.columns.len(), 14);
        // -l and -T together: the tree wins (lsns's exclusion table never fires).
        assert_eq!(plan(&["-l", "-T"]).unwrap().tree, Some(TreeKind::Owner));
        let p = plan(&["4026531837"]).unwrap();
        assert_eq!(
            (names(&p), p.tree, p.namespace),
            (vec!["PID", "PPID", "USER", "COMMAND"], Some(TreeKind::Process), Some(4026531837))
        );
        assert_eq!(plan(&["-l", "4026531837", "-o", "+NS"]).unwrap().tree, None);
        assert_eq!(plan(&["0"]).unwrap().namespace, Some(0));
    }

    #[test]
    fn the_kernel_is_asked_only_what_is_shown() {
        let opts = |args: &[&str], filter: Option<&[&str]>| {
            let q = filter.map(Query::accepting);
            plan(args).unwrap().scan_options(q.as_ref())
        };
        let o = opts(&[], None);
        assert!(!o.relations && !o.netnsid && !o.ids && !o.connect && !o.every_process);
        // ID is an extra: never in --output-all, asked for only when named.
        assert!(!opts(&["--output-all"], None).ids);
        assert!(opts(&["-o", "NS,TYPE,ID"], None).ids && !opts(&["-o", "NS,TYPE,ID"], None).relations);
        assert!(opts(&["-l"], Some(&["id"])).ids);
        assert!(opts(&["-o", "+PNS"], None).relations);
        assert!(opts(&["--output-all"], None).relations && opts(&["--output-all"], None).netnsid);
        assert!(opts(&["-l"], Some(&["ons"])).relations);
        assert!(!opts(&["-l"], Some(&["netnsid"])).netnsid, "util-linux matches NETNSID by its spelling");
        assert!(opts(&["-l"], Some(&["NETNSID"])).netnsid);
        let o = opts(&["-Tparent"], None);
        assert!(o.relations && o.connect);
        assert!(opts(&["4026531837"], None).every_process);
        assert!(!opts(&["0"], None).every_process);
    }

    /// Namespaces are entered only for the inside columns shown or filtered on.
    #[test]
    fn namespaces_are_asked_from_inside_only_for_their_columns() {
        let wanted = |args: &[&str], filter: Option<&[&str]>| {
            let q = filter.map(Query::accepting);
            plan(args).unwrap().inside_wanted(q.as_ref())
        };
        assert!(!wanted(&[], None).any());
        assert!(!wanted(&["--output-all"], None).any());
        assert!(!wanted(&["-o", "NS,HOLDERS,CONTAINER"], Some(&["NS"])).any());
        let w = wanted(&["-o", "+IFACES"], None);
        assert!(w.net && !w.uts && !w.ipc);
        let w = wanted(&["-o", "NS"], Some(&["hostname", "IPCOBJS"]));
        assert!(w.uts && w.ipc && !w.net);
        // SUMMARY shows the inside columns' answers for uts, net and ipc rows.
        let w = wanted(&["-o", "NS,TYPE,SUMMARY"], None);
        assert!(w.uts && w.net && w.ipc);
    }

    #[test]
    fn tree_columns_and_flags() {
        let p = plan(&["-T", "-u", "-W", "-o", "NS,COMMAND,NSFS"]).unwrap();
        let (specs, tree) = p.column_specs();
        assert_eq!(tree, [0]);
        assert!(!specs[0].right && !specs[1].truncate && !specs[2].wrap);
        let (specs, tree) = plan(&["-o", "NS,COMMAND,NSFS"]).unwrap().column_specs();
        assert_eq!(tree, [1]);
        assert!(specs[0].right && specs[1].truncate && specs[2].wrap);
        assert!(plan(&["-o", "NS"]).unwrap().column_specs().1.is_empty());
        // Every column flagged as a tree column draws the tree (2.42.2: `lsns -o COMMAND,COMMAND`).
        assert_eq!(plan(&["-o", "COMMAND,NS,COMMAND"]).unwrap().column_specs().1, [0, 2]);
    }

    #[test]
    fn operand_errors() {
        assert_eq!(
            plan(&["-p", "1", "4026531837"]).unwrap_err(),
            Error::msg("--task is mutually exclusive with <namespace>")
        );
        assert_eq!(parse_namespace_id("abc"), Err(Error::msg("invalid namespace argument: 'abc'")));
        assert_eq!(parse_namespace_id(""), Err(Error::msg("invalid namespace argument: ''")));
        assert_eq!(parse_namespace_id("-1"), Err(Error::os("invalid namespace argument: '-1'", libc::ERANGE)));
        assert_eq!(
            parse_namespace_id("99999999999999999999999"),
            Err(Error::os("invalid namespace argument: '99999999999999999999999'", libc::ERANGE))
        );
        assert_eq!(parse_namespace_id(" +12"), Ok(12));
        assert_eq!(parse_namespace_id("12abc"), Err(Error::msg("invalid namespace argument: '12abc'")));
        assert_eq!(plan(&["-o", "NS,,TYPE"]).unwrap_err(), Error::Silent(1));
        assert_eq!(plan(&["-o", "FOO"]).unwrap_err(), Error::msg("unknown column: FOO"));
    }
}
