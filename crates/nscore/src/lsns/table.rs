//! lsns's table: one line per namespace (or per process of one namespace), hung under its
//! parent line for `-T`, with the cells the plan's columns show.

use super::args::TreeKind;
use super::columns::{Cell, Col};
use super::model::Rel;
use super::plan::Plan;
use super::query::Query;
use super::scan::Scan;
use crate::error::Result;
use crate::output::{self, LineId, Mode, Table};

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
    output::list_columns_table(&super::columns::listed(false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use crate::lsns::columns::MAX_COLUMNS;
    use crate::lsns::model::Process;
    use crate::lsns::plan::tests::plan;
    use crate::nstype::NsKind;
    use crate::proc::ProcFs;

    /// A small world: sh (1) in the initial namespaces, a user namespace made by 200, a
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
    fn list_columns_rows() {
        let table = list_columns_table();
        assert_eq!(table.lines.len(), 13);
        let row = |i: usize| table.lines[i].cells.iter().map(|c| c.clone().unwrap()).collect::<Vec<_>>();
        assert_eq!(row(0), ["NS", "<integer>", "namespace identifier (inode number)"]);
        assert_eq!(row(9), ["NETNSID", "<string>", "namespace ID as used by network subsystem"]);
    }
}
