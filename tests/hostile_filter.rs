//! Hostile environments (docs/parity.md): lsns's `-Q` filter in every mode. In `lsns <namespace>` util-linux
//! never assigns the filter's columns, so an expression naming none (`-Q 1`) works there and
//! one that evaluates a column fails; `failed to apply filter:` is followed by errno as
//! util-linux leaves it (set by string-to-number conversions, else what libsmartcols's new
//! table left: ENOTTY off a terminal, EBADF with stdout closed, Success or ERANGE once
//! COLUMNS/LINES is read).
//!
//! The world and its cases are `tests/fixtures/lsns/filter-world.sh`; `filter-world.golden`
//! is what util-linux 2.42.2's lsns printed there (-Q is 2.41+, so /usr/bin/lsns 2.38.1
//! cannot be compared with).

use crate::common::{self, ours, privileged, run_ours, run_with, throwaway_world};

const WORLD: &str = include_str!("fixtures/lsns/filter-world.sh");
const GOLDEN: &str = include_str!("fixtures/lsns/filter-world.golden");

/// The blocks of a world's output, one per case ("$ args" and what it printed).
fn cases(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("$ ") || out.is_empty() {
            out.push(String::new());
        }
        let last = out.last_mut().expect("a block");
        last.push_str(line);
        last.push('\n');
    }
    out
}

#[test]
fn filters_in_every_mode_answer_as_util_linux() {
    if !privileged("filters_in_every_mode_answer_as_util_linux") {
        return;
    }
    let out = throwaway_world("rns-filter", "", WORLD, &[("LSNS", ours("lsns"))]);
    assert_eq!(out.status, 0, "{out:?}");
    let (want, got) = (cases(GOLDEN), cases(&out.stdout));
    for (w, g) in want.iter().zip(&got) {
        common::assert_text("lsns -Q case", w, g);
    }
    assert_eq!(want.len(), got.len(), "{}", out.stderr);
    assert!(want.len() > 50);
}

/// The case the issue names, in this process's own uts namespace (no privilege needed): a
/// filter naming no column lists the namespace's processes; evaluating a column fails with
/// the errno util-linux 2.42.2 prints (ENOTTY on a pipe, Success once COLUMNS is read).
#[test]
fn a_filter_naming_no_column_works_in_namespace_mode() {
    let uts = std::fs::metadata("/proc/self/ns/uts").expect("/proc/self/ns/uts");
    let ns = std::os::unix::fs::MetadataExt::ino(&uts).to_string();
    let listed = run_ours("lsns", &["-Q", "1", "-n", "-o", "PID", &ns]);
    assert_eq!((listed.stderr.as_str(), listed.status), ("", 0), "{listed:?}");
    let me = std::process::id().to_string();
    assert!(listed.stdout.lines().any(|l| l.trim() == me), "{listed:?}");
    for (expr, rows) in [("true", true), ("\"x\"==\"x\"", true), ("0", false), ("1 || PID", true), ("0 && PID", false)]
    {
        let out = run_ours("lsns", &["-Q", expr, "-n", "-o", "PID", &ns]);
        assert_eq!((out.status, out.stdout.is_empty()), (0, !rows), "{out:?}");
    }
    let last_wins = run_ours("lsns", &["-Q", "PID", "-Q", "1", "-n", "-o", "PID", &ns]);
    assert_eq!(last_wins.status, 0, "{last_wins:?}");
    let failed = run_with(ours("lsns"), "lsns", &["-Q", "PID", &ns], |c| {
        c.env_remove("COLUMNS").env_remove("LINES");
    });
    assert_eq!(
        (failed.stdout.as_str(), failed.stderr.as_str(), failed.status),
        ("", "lsns: failed to apply filter: Inappropriate ioctl for device\n", 1)
    );
    let failed = run_with(ours("lsns"), "lsns", &["-Q", "PID", &ns], |c| {
        c.env("COLUMNS", "80").env_remove("LINES");
    });
    assert_eq!((failed.stderr.as_str(), failed.status), ("lsns: failed to apply filter: Success\n", 1));
}
