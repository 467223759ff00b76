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
pub(crate) mod plan;
pub(crate) mod query;
pub(crate) mod scan;
mod table;
pub mod walk;

#[cfg(test)]
mod fixture;

use crate::cli::invocation::Invocation;
use crate::error::{Error, MsgArg, Result};
use crate::output::{self, Format, Table};
use crate::proc::ProcFs;
use args::{parse, USAGE};
use columns::{Col, MAX_COLUMNS};
use kernel::NsQueries;
use model::ScanError;
use std::io::Write;

pub use plan::parse_namespace_id;
use plan::Plan;
use table::{namespace_processes, namespaces_table};

/// rlsns's main: parse, then list what `procfs` and `kernel` show.
pub fn main(inv: &Invocation, out: &mut dyn Write, procfs: &ProcFs, kernel: &'static dyn NsQueries) -> Result<i32> {
    let parsed = parse(&inv.argv, out)?;
    let Some(mut args) = crate::cli::invocation::arguments(inv, out, parsed, USAGE, &args::OWN_HELP)? else {
        return Ok(0);
    };
    // Parsed (and its echo printed) while the options were read.
    let mut query = args.filter.take();
    if args.list_columns {
        output::list_columns(&columns::listed(inv.own_name), "lsns-columns", &args.format(), out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nstype::NsKind;
    use model::ScanOptions;

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
}
