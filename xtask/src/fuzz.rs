//! `cargo xtask fuzz [TARGET] [--seconds N]`: runs the fuzz targets of `nscore_fuzz` for a
//! bounded time with a mutational driver that needs nothing beyond the stable toolchain.
//!
//! It is blind to code coverage (that needs the `-Z` instrumentation of cargo-fuzz, which
//! `--libfuzzer` runs when cargo-fuzz is installed): it keeps an input when the target reports a way of handling it that it had
//! not seen (a new error shape, a new option combination), and mutates from those. Mutations
//! flip bits, overwrite bytes with boundary values, splice in each target's words (option names,
//! operators), insert multibyte and invalid UTF-8, duplicate, cut and cross inputs.
//!
//! A panic is a finding: the input is written to `target/fuzz-crashes/<target>/<hash>`, shown,
//! and the run exits 1. `--replay FILE` runs one input under a target.
//! Starting inputs: the target's seeds plus every file in `fuzz/corpus/<target>/`.

use anyhow::{bail, Context};
use nscore_fuzz::Rng;
use nscore_fuzz::{Target, TARGETS};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const USAGE: &str = "cargo xtask fuzz [TARGET] [--seconds N] [--seed N] [--replay FILE] [--libfuzzer] [--list]";

#[derive(Debug, Clone, PartialEq)]
pub struct FuzzArgs {
    pub target: Option<String>,
    /// Total time, shared by the targets run.
    pub seconds: f64,
    pub seed: u64,
    pub replay: Option<PathBuf>,
    pub libfuzzer: bool,
    pub list: bool,
}

impl FuzzArgs {
    pub fn parse(args: &[String]) -> anyhow::Result<FuzzArgs> {
        let mut a = FuzzArgs { target: None, seconds: 10.0, seed: 0x5eed, replay: None, libfuzzer: false, list: false };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
                _ => (arg.as_str(), None),
            };
            let mut value =
                || inline.clone().or_else(|| it.next().cloned()).with_context(|| format!("{name} needs a value"));
            match name {
                "--seconds" => a.seconds = value()?.parse().context("--seconds takes a number")?,
                "--seed" => a.seed = value()?.parse().context("--seed takes a number")?,
                "--replay" => a.replay = Some(PathBuf::from(value()?)),
                "--libfuzzer" => a.libfuzzer = true,
                "--list" => a.list = true,
                n if n.starts_with('-') => bail!("unknown fuzz option {n}\nusage: {USAGE}"),
                n => a.target = Some(n.to_string()),
            }
        }
        if !(a.seconds > 0.0 && a.seconds.is_finite()) {
            bail!("--seconds must be positive");
        }
        Ok(a)
    }
}

const MAX_LEN: usize = 4096;

/// Bytes parsers trip over: separators of every format here, boundaries, UTF-8 lead bytes.
const INTERESTING: &[u8] = b"\0\xff\n\t -=:,()\"'\\+/0123456789\x7f\x80\xc3\xe2\xf0";

/// Multibyte, combining, wide, invalid: text a container can put in a command line.
const ODD_TEXT: &[&[u8]] = &[
    "é".as_bytes(),
    "─".as_bytes(),
    "\u{301}".as_bytes(),
    "\u{1f600}".as_bytes(),
    "\u{200b}".as_bytes(),
    "\u{fffd}".as_bytes(),
    b"\xc3",
    b"\xe2\x94",
    b"\xed\xa0\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\x1b[2J",
];

fn mutate(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], words: &[&str]) -> Vec<u8> {
    let mut data = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(10) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = INTERESTING[rng.below(INTERESTING.len())];
            }
            2 => {
                let i = rng.below(len + 1);
                data.insert(i, INTERESTING[rng.below(INTERESTING.len())]);
            }
            3 | 4 if !words.is_empty() => {
                let i = rng.below(len + 1);
                let word = words[rng.below(words.len())].as_bytes();
                // Often as an argument of its own (NUL-separated argv).
                let sep: &[u8] = if rng.below(2) == 0 { b"\0" } else { b"" };
                data.splice(i..i, sep.iter().chain(word).copied());
            }
            5 => {
                let i = rng.below(len + 1);
                data.splice(i..i, ODD_TEXT[rng.below(ODD_TEXT.len())].iter().copied());
            }
            6 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(16)).min(len);
                data.drain(a..b);
            }
            7 if len > 0 => {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(32)).min(len);
                let chunk = data[a..b].to_vec();
                let at = rng.below(len + 1);
                let most = if rng.below(8) == 0 { 200 } else { 3 };
                let times = 1 + rng.below(most);
                for _ in 0..times {
                    data.splice(at..at, chunk.iter().copied());
                }
            }
            8 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            _ if len > 0 => data.truncate(rng.below(len)),
            _ => data.push(INTERESTING[rng.below(INTERESTING.len())]),
        }
    }
    data.truncate(MAX_LEN);
    data
}

/// What one target's run found.
struct Report {
    execs: u64,
    corpus: usize,
    classes: usize,
    crashes: Vec<PathBuf>,
}

/// The bytes shown as a Rust byte-string literal, so a finding can be pasted into a test.
fn escaped(data: &[u8]) -> String {
    data.iter().flat_map(|&b| std::ascii::escape_default(b)).map(char::from).collect()
}

fn run_one(target: &Target, data: &[u8]) -> Result<u64, String> {
    std::panic::catch_unwind(|| (target.run)(data)).map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panic".into())
    })
}

fn fuzz_target(root: &Path, target: &Target, budget: Duration, seed: u64) -> anyhow::Result<Report> {
    let mut corpus: Vec<Vec<u8>> = target.seeds.iter().map(|s| s.to_vec()).collect();
    corpus.push(Vec::new());
    let dir = root.join("fuzz/corpus").join(target.name);
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            if let Ok(data) = std::fs::read(entry.path()) {
                corpus.push(data);
            }
        }
    }
    let words = target.splice_words();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut rng = Rng(seed ^ (target.name.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut classes = HashSet::new();
    let mut seen_crashes = HashSet::new();
    let mut report = Report { execs: 0, corpus: 0, classes: 0, crashes: Vec::new() };
    let start = Instant::now();
    let mut pending: Vec<Vec<u8>> = corpus.clone();
    while start.elapsed() < budget {
        // Starting inputs run as they are first, then mutants of the kept ones.
        let data = match pending.pop() {
            Some(d) => d,
            None => {
                let base = &corpus[rng.below(corpus.len())];
                mutate(&mut rng, base, &corpus, &words)
            }
        };
        report.execs += 1;
        match run_one(target, &data) {
            Ok(class) => {
                if classes.insert(class) && corpus.len() < 8192 {
                    corpus.push(data);
                }
            }
            Err(message) => {
                let key: String = message.chars().take(48).collect();
                if !seen_crashes.insert(key) {
                    continue;
                }
                let dir = root.join("target/fuzz-crashes").join(target.name);
                std::fs::create_dir_all(&dir)?;
                let name = format!(
                    "{:016x}",
                    data.iter()
                        .fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
                );
                let path = dir.join(name);
                std::fs::write(&path, &data)?;
                eprintln!(
                    "fuzz: {}: panic: {message}\n  input: b\"{}\"\n  saved: {}",
                    target.name,
                    escaped(&data),
                    path.display()
                );
                report.crashes.push(path);
            }
        }
    }
    report.corpus = corpus.len();
    report.classes = classes.len();
    Ok(report)
}

/// `--libfuzzer`: the same target under cargo-fuzz (coverage-guided, AddressSanitizer for the
/// FFI in `sys`), with `RUSTC_BOOTSTRAP=1` so the stable toolchain accepts cargo-fuzz's `-Z`
/// flags (tried with rustc 1.95 and cargo-fuzz 0.13: it builds and runs).
fn libfuzzer(root: &Path, targets: &[&Target], seconds: f64) -> anyhow::Result<()> {
    let per = (seconds / targets.len() as f64).ceil().max(1.0) as u64;
    for target in targets {
        let corpus = root.join("fuzz/corpus").join(target.name);
        std::fs::create_dir_all(&corpus)?;
        let status = std::process::Command::new("cargo")
            .current_dir(root.join("fuzz"))
            .env("RUSTC_BOOTSTRAP", "1")
            .env("RNS_FUZZ_TARGET", target.name)
            .args(["fuzz", "run", "nscore", "--sanitizer", "address"])
            .arg(&corpus)
            .args(["--", &format!("-max_total_time={per}"), "-max_len=4096"])
            .status()
            .context("running cargo fuzz (install it with `cargo install cargo-fuzz`)")?;
        if !status.success() {
            bail!("cargo fuzz found a failure in {} ({status})", target.name);
        }
    }
    Ok(())
}

pub fn run(root: &Path, args: &FuzzArgs) -> anyhow::Result<()> {
    if args.list {
        for t in TARGETS {
            println!("{:14} {}", t.name, t.what);
        }
        return Ok(());
    }
    let targets: Vec<&Target> = match &args.target {
        Some(name) => vec![nscore_fuzz::target(name).with_context(|| {
            let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
            format!("no fuzz target {name}; targets: {}", names.join(", "))
        })?],
        None => TARGETS.iter().collect(),
    };
    if let Some(file) = &args.replay {
        let data = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
        for t in &targets {
            match run_one(t, &data) {
                Ok(class) => println!("{}: ok (class {class:016x})", t.name),
                Err(message) => bail!("{}: panic: {message}", t.name),
            }
        }
        return Ok(());
    }
    if args.libfuzzer {
        return libfuzzer(root, &targets, args.seconds);
    }
    // The targets' panics are findings, reported once each with their input: keep the
    // default hook from printing every one of them.
    std::panic::set_hook(Box::new(|_| {}));
    let budget = Duration::from_secs_f64(args.seconds / targets.len() as f64);
    let mut crashes = 0;
    for t in &targets {
        let r = fuzz_target(root, t, budget, args.seed)?;
        println!(
            "{:14} {:>9} runs {:>8.0}/s  {:>5} inputs kept  {:>5} behaviours  {} panics",
            t.name,
            r.execs,
            r.execs as f64 / budget.as_secs_f64(),
            r.corpus,
            r.classes,
            r.crashes.len()
        );
        crashes += r.crashes.len();
    }
    let _ = std::panic::take_hook();
    if crashes > 0 {
        bail!("{crashes} failing input(s), saved under target/fuzz-crashes/");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments() {
        let a = FuzzArgs::parse(&["filter".into(), "--seconds=2.5".into()]).unwrap();
        assert_eq!((a.target.as_deref(), a.seconds), (Some("filter"), 2.5));
        assert!(FuzzArgs::parse(&["--seconds".into(), "0".into()]).is_err());
        assert!(FuzzArgs::parse(&["--bogus".into()]).is_err());
    }

    #[test]
    fn mutants_stay_bounded() {
        let mut rng = Rng(7);
        let corpus = vec![vec![b'a'; 4000]];
        let mut data = b"-p\x001".to_vec();
        for _ in 0..2000 {
            data = mutate(&mut rng, &data, &corpus, &["--tree"]);
            assert!(data.len() <= MAX_LEN);
        }
    }
}
