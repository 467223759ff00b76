//! lsns(8): discover namespaces from `/proc`, open descriptors and nsfs mounts, and print
//! them as util-linux 2.42 does (list, process/owner/parent trees, a namespace's processes).

pub mod columns;
pub mod query;
pub mod scan;

use crate::cli::lsns::{parse, LsnsArgs, Parsed, TreeKind, USAGE};
use crate::error::{Error, Result};
use crate::nstype::NsKind;
use crate::output::{self, ColumnSpec, Format, JsonType, LineId, Mode, Table};
use crate::proc::ProcFs;
use crate::tool::{version_line, Invocation};
use columns::{apply_output_list, Cell, Col, COLUMNS, MAX_COLUMNS};
use query::Query;
use scan::{Rel, Scan, ScanError, ScanOptions};
use std::io::Write;

/// rlsns's main: parse, then list.
pub fn main(inv: &Invocation, out: &mut dyn Write) -> Result<i32> {
    let args = match parse(&inv.argv)? {
        Parsed::Help => {
            write_out(out, USAGE.replace("%s", &inv.prog).as_bytes())?;
            return Ok(0);
        }
        Parsed::Version => {
            write_out(out, version_line(&inv.prog).as_bytes())?;
            return Ok(0);
        }
        Parsed::Run(args) => args,
    };
    let query = match &args.filter {
        Some(expr) => Some(Query::parse(expr, &spec_by_name)?),
        None => None,
    };
    if args.list_columns {
        render(&list_columns_table(), &list_columns_format(&args), out)?;
        return Ok(0);
    }
    let plan = Plan::new(&args)?;
    let opts = ScanOptions {
        kinds: plan.kinds,
        netnsid: plan.columns.contains(&Col::Netnsid) || query.as_ref().is_some_and(|q| q.has_holder("NETNSID")),
        connect: matches!(plan.tree, Some(TreeKind::Owner | TreeKind::Parent)),
    };
    let result = scan::scan(&ProcFs::live(), &opts);
    let scan = match result {
        Ok(scan) => scan,
        Err(ScanError::Mountinfo(errno)) => {
            return Err(Error::os("failed to parse /proc/self/mountinfo", errno).with_status(32));
        }
        Err(ScanError::Ioctl { errno, warnings }) => {
            print_warnings(&inv.prog, &warnings);
            return Err(Error::Silent(if errno == libc::ENOTTY { 2 } else { 1 }));
        }
        Err(ScanError::Io(_)) => return Err(Error::Silent(1)),
    };
    print_warnings(&inv.prog, &scan.warnings);
    let table = match plan.namespace.filter(|&ino| ino != 0) {
        Some(ino) => {
            let Some(ns) = scan.get(ino) else {
                return Err(Error::msg(format!("not found namespace: {ino}")));
            };
            namespace_processes(&scan, &plan, ns, query.as_ref())?
        }
        None => {
            if let Some(q) = &query {
                let shown: Vec<&str> = plan.columns.iter().map(|c| c.column().spec.name).collect();
                q.check_columns(&shown, &|name| Col::from_name(name).map(|c| c.column().spec.name), MAX_COLUMNS)?;
            }
            namespaces_table(&scan, &plan, query.as_ref())
        }
    };
    render(&table, &plan.format(), out)?;
    Ok(0)
}

fn print_warnings(prog: &str, warnings: &[String]) {
    for w in warnings {
        eprintln!("{prog}: {w}");
    }
}

fn spec_by_name(name: &str) -> Option<ColumnSpec> {
    Col::from_name(name).map(|c| c.column().spec)
}

fn render(table: &Table, format: &Format, out: &mut dyn Write) -> Result<()> {
    output::render(table, format, out).map_err(|e| Error::io("write error", &e))
}

/// Writes to stdout, turning a failure into util-linux's `write error` exit.
pub(crate) fn write_out(out: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes).map_err(|e| Error::io("write error", &e))
}

/// The terminal width libsmartcols uses when stdout is a terminal: the tty's size, else a
/// valid `COLUMNS`, else 80. `None` on a pipe or file.
pub fn term_width() -> Option<usize> {
    if !crate::sys::term::stdout_is_tty() {
        return None;
    }
    let columns = || {
        let v = std::env::var("COLUMNS").ok()?;
        let n: i64 = v.parse().ok()?;
        (n > 0 && n <= i32::MAX as i64).then_some(n as usize)
    };
    Some(crate::sys::term::stdout_columns().or_else(columns).unwrap_or(80))
}

/// What to show, decided from the options as lsns's main() decides it.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kinds: [bool; 8],
    pub columns: Vec<Col>,
    pub tree: Option<TreeKind>,
    /// `<namespace ID>` (0 means none was usable, and lsns lists namespaces).
    pub namespace: Option<u64>,
    pub task: Option<i32>,
    pub persistent: bool,
    pub json: bool,
    pub raw: bool,
    pub no_headings: bool,
    pub no_trunc: bool,
    pub no_wrap: bool,
}

impl Plan {
    pub fn new(args: &LsnsArgs) -> Result<Plan> {
        let mut kinds = [args.types.is_empty(); 8];
        for k in &args.types {
            kinds[k.index()] = true;
        }
        let mut columns: Vec<Col> = if args.output_all { COLUMNS.iter().map(|c| c.id).collect() } else { Vec::new() };
        let mut tree = args.tree;
        let mut namespace = None;
        if let Some(operand) = &args.namespace {
            if args.task.is_some() {
                return Err(Error::msg("--task is mutually exclusive with <namespace>"));
            }
            namespace = Some(parse_namespace_id(&operand.to_string_lossy())?);
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
            json: args.json,
            raw: args.raw,
            no_headings: args.no_headings,
            no_trunc: args.no_trunc,
            no_wrap: args.no_wrap,
        })
    }

    /// The column specs as this run's flags adjust them, and the tree column.
    pub fn column_specs(&self) -> (Vec<ColumnSpec>, Option<usize>) {
        let mut tree_column = None;
        let specs = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, col)| {
                let mut spec = col.column().spec;
                if self.no_trunc {
                    spec.truncate = false;
                }
                if self.no_wrap {
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
                    // libsmartcols draws the tree in the first tree column.
                    tree_column.get_or_insert(i);
                }
                spec
            })
            .collect();
        (specs, tree_column)
    }

    pub fn format(&self) -> Format {
        Format {
            mode: if self.json {
                Mode::Json("namespaces".to_string())
            } else if self.raw {
                Mode::Raw
            } else {
                Mode::Table
            },
            no_headings: self.no_headings,
            no_trunc: self.no_trunc,
            no_wrap: self.no_wrap,
            term_width: term_width(),
        }
    }
}

/// `strtou64_or_err(arg, "invalid namespace argument")`.
pub fn parse_namespace_id(arg: &str) -> Result<u64> {
    let what = format!("invalid namespace argument: '{arg}'");
    let t = arg.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::msg(what));
    }
    match digits.parse::<u64>() {
        Ok(0) => Ok(0),
        Ok(_) if neg => Err(Error::os(what, libc::ERANGE)),
        Ok(n) => Ok(n),
        Err(_) => Err(Error::os(what, libc::ERANGE)),
    }
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
}

impl<'a> Builder<'a> {
    fn new(scan: &'a Scan, plan: &'a Plan, query: Option<&'a Query>) -> Builder<'a> {
        let (specs, tree_column) = plan.column_specs();
        let mut table = Table::new(specs);
        table.tree_column = tree_column;
        Builder {
            scan,
            plan,
            query,
            table,
            proc_line: vec![None; scan.procs.len()],
            ns_line: vec![None; scan.namespaces.len()],
        }
    }

    fn value(&self, col: Col, ns: usize, proc: Option<usize>) -> Option<String> {
        let cell = Cell {
            scan: self.scan,
            ns: &self.scan.namespaces[ns],
            proc: proc.map(|p| &self.scan.procs[p]),
            no_wrap: self.plan.no_wrap,
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
            if self.plan.namespace.is_some_and(|n| n != 0) {
                // lsns never binds the filter to the table of a namespace's processes, and
                // applying it fails with whatever errno isatty(3) left behind.
                let errno = if crate::sys::term::stdout_is_tty() { 0 } else { libc::ENOTTY };
                return Err(Error::os("failed to apply filter", errno));
            }
            if !q.matches(&|name| Col::from_name(name).and_then(|c| self.value(c, ns, proc))) {
                return Ok(());
            }
        }
        let cells = self.plan.columns.iter().map(|&c| self.value(c, ns, proc)).collect();
        let parent = if self.table.tree_column.is_some() { parent } else { None };
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
pub fn namespaces_table(scan: &Scan, plan: &Plan, query: Option<&Query>) -> Table {
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
            // Only `<namespace ID>` tables can fail to apply a filter.
            let _ = b.show_namespace(ns);
        }
    }
    b.table
}

/// The processes of one namespace (`lsns <namespace ID>`).
pub fn namespace_processes(scan: &Scan, plan: &Plan, ns: usize, query: Option<&Query>) -> Result<Table> {
    let mut b = Builder::new(scan, plan, query);
    for &p in &scan.namespaces[ns].procs {
        if b.proc_line[p].is_none() {
            b.show_process(p, ns)?;
        }
    }
    Ok(b.table)
}

/// `-H`: lsns's columns as the `lsns-columns` table (holder, type, description).
pub fn list_columns_table() -> Table {
    let col = |name, right| ColumnSpec {
        name,
        help: "",
        width_hint: 0.0,
        right,
        truncate: false,
        wrap: false,
        json: JsonType::String,
    };
    let mut table = Table::new(vec![col("HOLDER", true), col("TYPE", false), col("DESCRIPTION", false)]);
    for c in &COLUMNS {
        let cells =
            vec![Some(c.spec.name.to_string()), Some(c.spec.json.label().to_string()), Some(c.spec.help.to_string())];
        table.push(cells, None);
    }
    table
}

fn list_columns_format(args: &LsnsArgs) -> Format {
    Format {
        mode: if args.json {
            Mode::Json("lsns-columns".to_string())
        } else if args.raw {
            Mode::Raw
        } else {
            Mode::Table
        },
        no_headings: true,
        no_trunc: false,
        no_wrap: false,
        term_width: term_width(),
    }
}
