//! lsns(8): discover namespaces from `/proc`, open descriptors and nsfs mounts, and print
//! them as util-linux 2.42 does (list, process/owner/parent trees, a namespace's processes).

mod all_mounts;
pub mod args;
pub mod columns;
pub(crate) mod compare;
pub(crate) mod contents;
pub(crate) mod holders;
mod inside;
pub mod kernel;
pub(crate) mod lookups;
pub mod model;
pub(crate) mod query;
pub(crate) mod scan;
pub mod walk;

#[cfg(test)]
mod fixture;

use crate::cli::invocation::Invocation;
use crate::error::{Error, MsgArg, Result};
use crate::nstype::NsKind;
use crate::output::{self, ColumnSpec, Format, LineId, Mode, Table};
use crate::proc::ProcFs;
use args::{parse, LsnsArgs, TreeKind, USAGE};
use columns::{apply_output_list, Cell, Col, COLUMNS, MAX_COLUMNS};
use kernel::NsQueries;
use model::{Rel, ScanError, ScanOptions};
use query::Query;
use scan::Scan;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;

/// rlsns's main: parse, then list what `procfs` and `kernel` show.
pub fn main(inv: &Invocation, out: &mut dyn Write, procfs: &ProcFs, kernel: &'static dyn NsQueries) -> Result<i32> {
    let parsed = parse(&inv.argv, out)?;
    let Some(mut args) = crate::cli::invocation::arguments(inv, out, parsed, USAGE)? else { return Ok(0) };
    // Parsed (and its echo printed) while the options were read.
    let mut query = args.filter.take();
    if args.list_columns {
        let specs: Vec<ColumnSpec> = COLUMNS.iter().map(|c| c.spec).collect();
        output::list_columns(&specs, "lsns-columns", &args.format(), out)
            .map_err(|e| Error::tr_io("write error", vec![], &e))?;
        return Ok(0);
    }
    if let Some(pids) = args.compare {
        return compare::run(procfs, pids, &args, out);
    }
    let plan = Plan::new(&args)?;
    let mut opts = plan.scan_options(query.as_ref());
    opts.threads = args.threads;
    opts.all_mounts = args.all_mounts;
    let mut scan = match scan::scan(procfs, kernel, &opts) {
        Ok(scan) => scan,
        Err(e) => {
            if let ScanError::Ioctl { warnings, .. } = &e {
                print_warnings(&inv.prog, warnings);
            }
            return Err(scan_failure(&e));
        }
    };
    print_warnings(&inv.prog, &scan.warnings);
    let wanted = plan.inside_wanted(query.as_ref());
    if wanted.any() {
        scan.inside = inside::ask(&scan, wanted);
    }
    let table = match plan.namespace.filter(|&ino| ino != 0) {
        Some(ino) => {
            let Some(ns) = scan.get(ino) else {
                return Err(Error::tr("not found namespace: %ju", vec![MsgArg::Uint(ino)]));
            };
            namespace_processes(&scan, &plan, ns, query.as_ref())?
        }
        None => {
            if let Some(q) = &mut query {
                let shown: Vec<&str> = plan.columns.iter().map(|c| c.column().spec.name).collect();
                q.check_columns(&shown, &|name| Col::from_name(name).map(|c| c.column().spec.name), MAX_COLUMNS)?;
            }
            namespaces_table(&scan, &plan, query.as_ref())?
        }
    };
    if let Some(e) = scan.exhausted() {
        return Err(scan_failure(&e));
    }
    // The table holds everything it shows: the scan's memory goes back before rendering.
    drop(scan);
    render(&table, &plan.format, out)?;
    Ok(0)
}

/// How lsns ends when the scan fails: silently, with 2 for an unsupported NS ioctl (ENOTTY),
/// else 1; an unreadable mountinfo is libmount's failure (32). A shortage of descriptors or
/// memory is said (util-linux exits 1 silently or prints a partial table): the answer would
/// lack what could not be opened.
pub(crate) fn scan_failure(e: &ScanError) -> Error {
    let exhausted = match e {
        ScanError::Exhausted(errno) | ScanError::Ioctl { errno, .. } | ScanError::Io(errno) => {
            Some(*errno).filter(|&e| crate::sys::fd::is_exhaustion(e))
        }
        ScanError::Mountinfo(_) => None,
    };
    if let Some(errno) = exhausted {
        return Error::os("failed to read namespaces", errno);
    }
    match e {
        ScanError::Exhausted(_) => Error::Silent(1),
        ScanError::Mountinfo(errno) => {
            Error::tr_os("failed to parse %s", vec![MsgArg::str("/proc/self/mountinfo")], *errno).with_status(32)
        }
        ScanError::Ioctl { errno, .. } if *errno == libc::ENOTTY => Error::Silent(2),
        ScanError::Ioctl { .. } | ScanError::Io(_) => Error::Silent(1),
    }
}

fn print_warnings(prog: &str, warnings: &[String]) {
    for w in warnings {
        crate::stderr::report(&crate::byte_text::carried_bytes(&format!("{prog}: {w}\n")));
    }
}

fn render(table: &Table, format: &Format, out: &mut dyn Write) -> Result<()> {
    output::render(table, format, out).map_err(|e| Error::tr_io("write error", vec![], &e))
}

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

/// Builds lsns's table line by line, remembering which line shows which namespace and
/// process so later lines can hang under them.
struct Builder<'a> {
    scan: &'a Scan,
    plan: &'a Plan,
    query: Option<&'a Query>,
    table: Table,
    proc_line: Vec<Option<LineId>>,
    ns_line: Vec<Option<LineId>>,
    /// C's errno as lsns has it while it fills the table (what `failed to apply filter:`
    /// prints when the failure did not set it).
    errno: i32,
}

impl<'a> Builder<'a> {
    fn new(scan: &'a Scan, plan: &'a Plan, query: Option<&'a Query>) -> Builder<'a> {
        let (specs, tree_columns) = plan.column_specs();
        let mut table = Table::new(specs);
        table.tree_columns = tree_columns;
        Builder {
            scan,
            plan,
            query,
            table,
            proc_line: vec![None; scan.procs.len()],
            ns_line: vec![None; scan.namespaces.len()],
            // After the scan (whose leftover errno is taken as 0), libsmartcols's new table.
            errno: if query.is_some() { output::new_table_errno(0) } else { 0 },
        }
    }

    fn value(&self, col: Col, ns: usize, proc: Option<usize>) -> Option<String> {
        let cell = Cell {
            scan: self.scan,
            ns: &self.scan.namespaces[ns],
            proc: proc.map(|p| &self.scan.procs[p]),
            no_wrap: self.plan.format.no_wrap,
            json: matches!(self.plan.format.mode, Mode::Json(_)),
        };
        (col.column().get)(&cell)
    }

    /// util-linux's `add_scols_line`: the parent line by the tree relation, the filter, the cells.
    fn add_line(&mut self, ns: usize, proc: Option<usize>) -> Result<()> {
        let n = &self.scan.namespaces[ns];
        let parent = match self.plan.tree {
            Some(TreeKind::Process) => proc.and_then(|p| self.scan.procs[p].parent).and_then(|pp| self.proc_line[pp]),
            Some(TreeKind::Parent) => n.related[Rel::Parent as usize].and_then(|r| self.ns_line[r]),
            Some(TreeKind::Owner) => n.related[Rel::Owner as usize].and_then(|r| self.ns_line[r]),
            None => None,
        };
        if let Some(q) = self.query {
            // In the processes of a namespace lsns never assigns the filter's columns: an
            // expression that names none works, evaluating a column fails.
            let mut errno = self.errno;
            let pass = q.matches(&|name| Col::from_name(name).and_then(|c| self.value(c, ns, proc)), &mut errno);
            self.errno = errno;
            if !pass? {
                return Ok(());
            }
        }
        let cells = self.plan.columns.iter().map(|&c| self.value(c, ns, proc)).collect();
        let parent = if self.table.is_tree() { parent } else { None };
        let line = self.table.push(cells, parent);
        match self.plan.tree {
            Some(TreeKind::Owner | TreeKind::Parent) => self.ns_line[ns] = Some(line),
            _ => {
                if let Some(p) = proc {
                    self.proc_line[p] = Some(line);
                }
            }
        }
        Ok(())
    }

    /// util-linux's `show_namespace`: in owner/parent trees the owner or parent goes first.
    fn show_namespace(&mut self, ns: usize) -> Result<()> {
        let n = &self.scan.namespaces[ns];
        let unshown = |r: Option<usize>, b: &Builder<'_>| r.filter(|&r| b.ns_line[r].is_none());
        match self.plan.tree {
            Some(TreeKind::Owner) => {
                if let Some(owner) = unshown(n.related[Rel::Owner as usize], self) {
                    self.show_namespace(owner)?;
                }
            }
            Some(TreeKind::Parent) => match n.related[Rel::Parent as usize] {
                Some(parent) => {
                    if self.ns_line[parent].is_none() {
                        self.show_namespace(parent)?;
                    }
                }
                None => {
                    if let Some(owner) = unshown(n.related[Rel::Owner as usize], self) {
                        self.show_namespace(owner)?;
                    }
                }
            },
            _ => {}
        }
        self.add_line(ns, self.scan.namespaces[ns].rep)
    }

    /// util-linux's `show_process`: in the process tree a parent in the same namespace goes first.
    fn show_process(&mut self, proc: usize, ns: usize) -> Result<()> {
        let kind = self.scan.namespaces[ns].kind.index();
        let p = &self.scan.procs[proc];
        if self.plan.tree == Some(TreeKind::Process) {
            if let Some(parent) = p.parent {
                if self.proc_line[parent].is_none() && self.scan.procs[parent].ns[kind] == p.ns[kind] {
                    self.show_process(parent, ns)?;
                }
            }
        }
        self.add_line(ns, Some(proc))
    }
}

/// The namespaces view (everything but `<namespace ID>`).
pub(crate) fn namespaces_table(scan: &Scan, plan: &Plan, query: Option<&Query>) -> Result<Table> {
    let mut b = Builder::new(scan, plan, query);
    for ns in scan.sorted() {
        let n = &scan.namespaces[ns];
        if plan.task.is_some_and(|pid| !n.procs.iter().any(|&p| scan.procs[p].pid == pid)) {
            continue;
        }
        if plan.persistent && n.nprocs() != 0 {
            continue;
        }
        if b.ns_line[ns].is_none() {
            b.show_namespace(ns)?;
        }
    }
    Ok(b.table)
}

/// The processes of one namespace (`lsns <namespace ID>`).
pub(crate) fn namespace_processes(scan: &Scan, plan: &Plan, ns: usize, query: Option<&Query>) -> Result<Table> {
    let mut b = Builder::new(scan, plan, query);
    for &p in &scan.namespaces[ns].procs {
        if b.proc_line[p].is_none() {
            b.show_process(p, ns)?;
        }
    }
    Ok(b.table)
}

/// `-H`: lsns's columns as the `lsns-columns` table (holder, type, description).
#[cfg(test)]
fn list_columns_table() -> Table {
    output::list_columns_table(&COLUMNS.iter().map(|c| c.spec).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsns::args::Parsed;
    use model::Process;

    fn plan(args: &[&str]) -> Result<Plan> {
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

    /// The Appendix world: sh (1) in the initial namespaces, a user namespace made by 200, a
    /// nested user+pid namespace (302, 303), uts+net of 300, a net namespace without processes.
    fn world() -> Scan {
        let mut scan = Scan::new(ProcFs::new("/nonexistent"), Vec::new());
        let init = [10, 11, 12, 13, 14, 15, 16, 17];
        let with = |base: [u64; NsKind::COUNT], kind: NsKind, ino: u64| {
            let mut ns = base;
            ns[kind.index()] = ino;
            ns
        };
        let u1 = with(init, NsKind::User, 30);
        let u2 = with(u1, NsKind::User, 40);
        let p = |pid, ppid, ns| Process { pid, ppid, uid: 0, ns, parent: None };
        scan.add_process(p(1, 0, init));
        scan.add_process(p(200, 1, u1));
        scan.add_process(p(300, 1, with(with(init, NsKind::Uts, 20), NsKind::Net, 21)));
        scan.add_process(p(302, 200, u2));
        scan.add_process(p(303, 302, with(u2, NsKind::Pid, 41)));
        scan.insert(50, NsKind::Net);
        scan.link_parents();
        for ns in &mut scan.namespaces {
            ns.owner_ino = match ns.ino {
                13 => 0,
                40 => 30,
                41 => 40,
                _ => 13,
            };
        }
        let set = |scan: &mut Scan, ino: u64, rel: Rel, to: u64| {
            let (i, j) = (scan.get(ino).unwrap(), scan.get(to).unwrap());
            scan.namespaces[i].related[rel as usize] = Some(j);
        };
        for ino in [10, 11, 12, 14, 15, 16, 17, 20, 21, 30, 50] {
            set(&mut scan, ino, Rel::Owner, 13);
        }
        set(&mut scan, 30, Rel::Parent, 13);
        set(&mut scan, 40, Rel::Owner, 30);
        set(&mut scan, 40, Rel::Parent, 30);
        set(&mut scan, 41, Rel::Owner, 40);
        set(&mut scan, 41, Rel::Parent, 14);
        scan
    }

    /// (NS, depth) per line in print order.
    fn tree_of(table: &Table) -> Vec<(String, usize)> {
        fn walk(t: &Table, id: usize, depth: usize, out: &mut Vec<(String, usize)>) {
            out.push((t.lines[id].cells[0].clone().unwrap_or_default(), depth));
            for (k, l) in t.lines.iter().enumerate() {
                if l.parent == Some(id) {
                    walk(t, k, depth + 1, out);
                }
            }
        }
        let mut out = Vec::new();
        for (id, l) in table.lines.iter().enumerate() {
            if l.parent.is_none() {
                walk(table, id, 0, &mut out);
            }
        }
        out
    }

    fn ns_tree(args: &[&str]) -> Vec<(String, usize)> {
        let scan = world();
        tree_of(&namespaces_table(&scan, &plan(args).unwrap(), None).unwrap())
    }

    fn t(v: &[(u64, usize)]) -> Vec<(String, usize)> {
        v.iter().map(|(n, d)| (n.to_string(), *d)).collect()
    }

    #[test]
    fn process_tree_hangs_under_the_last_line_of_the_parent_process() {
        // 200 and 300 are children of 1, whose last line (inode order) is 17; 302 under 200's.
        let got = ns_tree(&["-o", "NS,COMMAND"]);
        let want = [
            (10, 0),
            (11, 0),
            (12, 0),
            (13, 0),
            (14, 0),
            (15, 0),
            (16, 0),
            (17, 0),
            (20, 1),
            (21, 1),
            (30, 1),
            (40, 2),
            (41, 3),
            (50, 0),
        ];
        assert_eq!(got, t(&want));
        // Without COMMAND there is no tree column: a flat list in inode order.
        let flat: Vec<(u64, usize)> =
            [10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 30, 40, 41, 50].iter().map(|&n| (n, 0)).collect();
        assert_eq!(ns_tree(&["-o", "NS"]), t(&flat));
        assert_eq!(ns_tree(&["-l", "-o", "NS,COMMAND"]), t(&flat));
    }

    #[test]
    fn owner_and_parent_trees() {
        let owner = [
            (13, 0),
            (10, 1),
            (11, 1),
            (12, 1),
            (14, 1),
            (15, 1),
            (16, 1),
            (17, 1),
            (20, 1),
            (21, 1),
            (30, 1),
            (40, 2),
            (41, 3),
            (50, 1),
        ];
        assert_eq!(ns_tree(&["--tree=owner", "-o", "NS"]), t(&owner));
        // Parent: only user and pid nest; others stay top-level, after their owner printed first.
        let parent = [
            (13, 0),
            (30, 1),
            (40, 2),
            (10, 0),
            (11, 0),
            (12, 0),
            (14, 0),
            (41, 1),
            (15, 0),
            (16, 0),
            (17, 0),
            (20, 0),
            (21, 0),
            (50, 0),
        ];
        assert_eq!(ns_tree(&["--tree=parent", "-o", "NS"]), t(&parent));
    }

    #[test]
    fn persistent_and_task_filters() {
        assert_eq!(ns_tree(&["-P", "-o", "NS,COMMAND"]), t(&[(50, 0)]));
        // The owner tree still prints the (process-holding) owner first.
        assert_eq!(ns_tree(&["-P", "-T", "-o", "NS"]), t(&[(13, 0), (50, 1)]));
        assert_eq!(
            ns_tree(&["-p", "300", "-l", "-o", "NS"]),
            t(&[(10, 0), (12, 0), (13, 0), (14, 0), (16, 0), (17, 0), (20, 0), (21, 0)])
        );
        assert_eq!(ns_tree(&["-p", "4242", "-o", "NS"]), t(&[]));
    }

    #[test]
    fn cells_of_a_process_less_namespace() {
        let scan = world();
        let table = namespaces_table(&scan, &plan(&["-P", "--output-all"]).unwrap(), None).unwrap();
        let want = ["50", "net", "", "0", "", "", "", "0", "root", "", "", "0", "13"];
        let got: Vec<String> = table.lines[0].cells.iter().map(|c| c.clone().unwrap_or_default()).collect();
        assert_eq!(got, want);
        assert_eq!(table.lines[0].cells[2], None);
    }

    #[test]
    fn processes_of_a_namespace() {
        let scan = world();
        let ns = scan.get(40).unwrap();
        let table = namespace_processes(&scan, &plan(&["40", "-o", "PID,COMMAND"]).unwrap(), ns, None).unwrap();
        assert_eq!(tree_of(&table), vec![("302".to_string(), 0), ("303".to_string(), 1)]);
        let table = namespace_processes(&scan, &plan(&["40", "-l"]).unwrap(), ns, None).unwrap();
        assert_eq!(tree_of(&table), vec![("302".to_string(), 0), ("303".to_string(), 0)]);
    }

    #[test]
    fn a_filter_on_the_processes_of_a_namespace_has_no_columns() {
        // lsns never assigns the filter's columns in that table: an expression naming none
        // applies (2.42.2: `lsns -Q 1 <ns>` lists, `-Q 0` prints nothing), evaluating a
        // column fails with the errno the new table left (ENOTTY off a terminal).
        let scan = world();
        let table = |expr: &str, ns: u64| {
            let q = Query::parse(expr).0.unwrap();
            namespace_processes(&scan, &plan(&[&ns.to_string()]).unwrap(), scan.get(ns).unwrap(), Some(&q))
        };
        assert_eq!(table("1", 40).unwrap().lines.len(), 2);
        assert_eq!(table("\"x\" == \"x\"", 40).unwrap().lines.len(), 2);
        assert!(table("false", 40).unwrap().lines.is_empty());
        assert_eq!(table("1 || PID", 40).unwrap().lines.len(), 2);
        let err = table("PID == 302", 40).unwrap_err();
        assert_eq!(err, Error::os("failed to apply filter", output::new_table_errno(0)));
        // A conversion sets errno: "5" is a number, then the column fails.
        assert_eq!(table("5 == \"5\" && PID", 40).unwrap_err(), Error::os("failed to apply filter", 0));
        // A namespace without processes has no line to fail on.
        assert!(table("PID", 50).unwrap().lines.is_empty());
        // Listing namespaces assigns the columns.
        let q = Query::parse("PID").0.unwrap();
        let mut q = q;
        q.check_columns(&["NS"], &|n| Col::from_name(n).map(|c| c.column().spec.name), MAX_COLUMNS).unwrap();
        assert_eq!(namespaces_table(&scan, &plan(&["-l"]).unwrap(), Some(&q)).unwrap().lines.len(), 13);
    }

    #[test]
    fn unsupported_ioctl_ends_with_status_2() {
        // A fixture tree's ns files are regular files: NS_GET_USERNS answers ENOTTY.
        let procfs = ProcFs::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/proc"));
        let opts = ScanOptions { kinds: [true; NsKind::COUNT], relations: true, ..ScanOptions::default() };
        let err = scan::scan(&procfs, &kernel::LIVE, &opts).unwrap_err();
        assert_eq!(
            err,
            ScanError::Ioctl { errno: libc::ENOTTY, warnings: vec!["Unsupported ioctl NS_GET_USERNS".into()] }
        );
        assert_eq!(scan_failure(&err), Error::Silent(2));
        assert_eq!(scan_failure(&ScanError::Ioctl { errno: libc::EIO, warnings: vec![] }).status(), 1);
    }

    #[test]
    fn list_columns_rows() {
        let table = list_columns_table();
        assert_eq!(table.lines.len(), 13);
        let row = |i: usize| table.lines[i].cells.iter().map(|c| c.clone().unwrap()).collect::<Vec<_>>();
        assert_eq!(row(0), ["NS", "<integer>", "namespace identifier (inode number)"]);
        assert_eq!(row(9), ["NETNSID", "<string>", "namespace ID as used by network subsystem"]);
    }
}
