//! cargo xtask: project chores.
//! `gen [--check]` writes (or checks) man/ and completions/ from the option tables;
//! `install [--prefix DIR] [--as-util-linux]` builds and installs binaries, pages and completions;
//! `uninstall [--prefix DIR]` removes what install put there;
//! `bench` times rlsns against util-linux lsns in a world of many namespaces;
//! `fuzz [TARGET] [--seconds N]` runs the fuzz targets of crates/nscore-fuzz for a bounded time;
//! `flake N [-- ARGS]` runs every test N times and lists each test that failed at least once.
#![forbid(unsafe_code)]
// Build tooling, not product code: it runs at development time on inputs the repository
// holds, and a panic (with its message) is how it reports a broken invariant.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod bench;
mod flake;
mod fuzz;
mod install;

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};

const USAGE: &str = "usage: cargo xtask gen [--check]
       cargo xtask install [--prefix DIR] [--as-util-linux]
       cargo xtask uninstall [--prefix DIR]
       cargo xtask bench [--sizes 1000,4000,16000] [--runs N] [--json FILE] [--lsns PATH]
       cargo xtask fuzz [TARGET] [--seconds N] [--seed N] [--replay FILE] [--libfuzzer] [--list]
       cargo xtask flake N [-- CARGO-TEST-ARGS]";

/// What each task does, printed after [`USAGE`] by `cargo xtask --help`.
const TASKS: &str = "
  gen        write man/ and completions/ from the option tables (--check: fail if they are stale)
  install    build a release, install the binaries, man pages and completions under the prefix
             (default /usr/local); --as-util-linux also links unshare, nsenter and lsns to them
  uninstall  remove the files and links install put under the prefix
  bench      time rlsns against util-linux's lsns in a world of many namespaces (as root)
  fuzz       run the fuzz targets for a bounded time (--list names them)
  flake      run the whole test suite N times and list every test that failed at least once";

/// `--prefix DIR` or `--prefix=DIR` of an uninstall (default /usr/local, as install's).
fn prefix_of(args: &[&str]) -> anyhow::Result<PathBuf> {
    let mut prefix = PathBuf::from("/usr/local");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match *arg {
            "--prefix" => prefix = PathBuf::from(args.next().context("--prefix needs a directory")?),
            a if a.starts_with("--prefix=") => prefix = PathBuf::from(&a["--prefix=".len()..]),
            other => bail!("unknown uninstall option {other}\n{USAGE}"),
        }
    }
    Ok(prefix)
}

/// The repository root (xtask lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is inside the workspace").to_path_buf()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["gen"] => {
            for path in docgen::write(&root()).context("writing generated files")? {
                println!("wrote {}", path.display());
            }
            Ok(())
        }
        ["gen", "--check"] => {
            let problems = docgen::stale(&root());
            if problems.is_empty() {
                return Ok(());
            }
            for p in &problems {
                eprintln!("xtask: {p}");
            }
            eprintln!("xtask: generated docs are out of date: run `cargo xtask gen` and commit man/ and completions/");
            std::process::exit(1)
        }
        [] | ["help" | "-h" | "--help", ..] | [_, "-h" | "--help", ..] => {
            println!("{USAGE}\n{TASKS}");
            Ok(())
        }
        ["uninstall", rest @ ..] => install::uninstall(&prefix_of(rest)?),
        ["install", rest @ ..] => {
            let mut prefix = PathBuf::from("/usr/local");
            let mut as_util_linux = false;
            let mut rest = rest.iter();
            while let Some(arg) = rest.next() {
                match *arg {
                    "--prefix" => prefix = PathBuf::from(rest.next().context("--prefix needs a directory")?),
                    a if a.starts_with("--prefix=") => prefix = PathBuf::from(&a["--prefix=".len()..]),
                    "--as-util-linux" => as_util_linux = true,
                    other => bail!("unknown install option {other}\n{USAGE}"),
                }
            }
            install::install(&root(), &prefix, as_util_linux)
        }
        ["bench", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
            bench::run(&root(), &bench::BenchArgs::parse(&rest)?)
        }
        ["fuzz", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
            fuzz::run(&root(), &fuzz::FuzzArgs::parse(&rest)?)
        }
        ["flake", rest @ ..] => {
            let rest: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
            flake::run(&root(), &flake::FlakeArgs::parse(&rest)?)
        }
        // Internal: pid 1 of the benchmark's world (see bench.rs).
        ["bench-world", rest @ ..] => bench::world(&rest.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        _ => bail!("{USAGE}"),
    }
}
