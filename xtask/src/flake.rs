//! `cargo xtask flake N [-- ARGS]`: runs the workspace's tests N times, as ci-test.sh runs
//! them, and reports every test that failed at least once. A test that passes on one run and
//! fails on the next is a defect (it will fail CI on some machine), so the report is the list
//! to fix, with how often each failed.

use anyhow::{bail, Context};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

pub struct FlakeArgs {
    runs: usize,
    /// Passed on to `cargo test` after `--workspace --all-targets --no-fail-fast`.
    cargo_args: Vec<String>,
}

impl FlakeArgs {
    pub fn parse(args: &[String]) -> anyhow::Result<FlakeArgs> {
        let (ours, theirs) = match args.iter().position(|a| a == "--") {
            Some(at) => (&args[..at], &args[at + 1..]),
            None => (args, &[][..]),
        };
        let runs = match ours {
            [n] => n.parse().ok().filter(|&n| n > 0).with_context(|| format!("flake: not a number of runs: {n}"))?,
            _ => bail!("usage: cargo xtask flake N [-- CARGO-TEST-ARGS]"),
        };
        Ok(FlakeArgs { runs, cargo_args: theirs.to_vec() })
    }
}

/// What one `cargo test` run said: the tests that failed, each as `BINARY::NAME`, and whether
/// a test binary ended without its summary (a crash, a failed build).
#[derive(Default)]
struct RunReport {
    failed: Vec<String>,
    passed: usize,
    broken: Vec<String>,
}

/// Reads cargo test's output (stderr and stdout in one stream): `Running X (path)` names the
/// binary, `test NAME ... FAILED` a failure, `test result:` closes a binary.
fn read_run(output: &str) -> RunReport {
    let mut report = RunReport::default();
    let mut binary: Option<String> = None;
    for line in output.lines() {
        let line = line.trim_start();
        if let Some(rest) = line.strip_prefix("Running ").or_else(|| line.strip_prefix("Doc-tests ")) {
            if let Some(open) = binary.take() {
                report.broken.push(open);
            }
            binary = Some(rest.split(" (").next().unwrap_or(rest).to_string());
        } else if let Some(name) = line.strip_prefix("test ").and_then(|l| l.strip_suffix(" ... FAILED")) {
            let bin = binary.as_deref().unwrap_or("?");
            report.failed.push(format!("{bin}::{name}"));
        } else if line.starts_with("test ") && line.ends_with(" ... ok") {
            report.passed += 1;
        } else if line.starts_with("test result:") {
            binary = None;
        }
    }
    report.broken.extend(binary);
    report
}

pub fn run(root: &Path, args: &FlakeArgs) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut test = vec!["test".to_string(), "--workspace".into(), "--all-targets".into(), "--no-fail-fast".into()];
    test.extend(args.cargo_args.iter().cloned());
    // Build once, so a run measures the tests only.
    let built = Command::new(&cargo).args(&test).arg("--no-run").current_dir(root).status()?;
    if !built.success() {
        bail!("flake: the tests do not build");
    }
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    for run in 1..=args.runs {
        let joined = test.iter().map(|a| shell_quote(a)).collect::<Vec<_>>().join(" ");
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("exec {} {joined} 2>&1", shell_quote(&cargo)))
            .current_dir(root)
            .stdin(Stdio::null())
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let report = read_run(&text);
        println!(
            "run {run}/{}: {} passed, {} failed{}",
            args.runs,
            report.passed,
            report.failed.len(),
            if report.broken.is_empty() {
                String::new()
            } else {
                format!(", {} binaries ended early", report.broken.len())
            }
        );
        for name in report.failed.iter().chain(&report.broken) {
            println!("  failed: {name}");
            *failures.entry(name.clone()).or_default() += 1;
        }
        if !out.status.success() && report.failed.is_empty() && report.broken.is_empty() {
            println!("  cargo test exited with {} and named no failed test; its output:\n{text}", out.status);
            *failures.entry("(cargo test itself)".into()).or_default() += 1;
        }
    }
    if failures.is_empty() {
        println!("no test failed in {} runs", args.runs);
        return Ok(());
    }
    println!("tests that failed at least once in {} runs:", args.runs);
    for (name, count) in &failures {
        println!("  {count}/{} {name}", args.runs);
    }
    std::process::exit(1)
}

fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_named_with_their_binary() {
        let out = "     Running unittests src/lib.rs (target/debug/deps/nscore-1)\n\
                   test a::b ... ok\ntest a::c ... FAILED\ntest result: FAILED. 1 passed; 1 failed\n\
                   \x20    Running tests/tests.rs (target/debug/deps/tests-2)\ntest x ... ok\n";
        let report = read_run(out);
        assert_eq!(report.failed, ["unittests src/lib.rs::a::c"]);
        assert_eq!(report.passed, 2);
        // The second binary printed no summary: it ended early.
        assert_eq!(report.broken, ["tests/tests.rs"]);
    }
}
