//! `cargo xtask bench`: builds a world of many processes in fresh namespaces inside a
//! throwaway pid + mount namespace, then times `rlsns` against util-linux `lsns` in the same
//! run (alternating, several runs each, medians, ratio), with CPU time and peak RSS (GNU
//! time), rlsns's system calls per process (strace), and a check that both print the same
//! number of lines (and, for `-J`, the same JSON): the run fails when they do not. Each time
//! is also given as a ratio to a floor, the walk's system calls alone ([`floor`]). rns's own
//! invocations (new columns) are timed against rlsns's default listing instead.
//!
//! The world: G groups, each a fresh mnt/uts/ipc/net/pid/cgroup namespace (made by
//! `/usr/bin/unshare`) holding a shell and P sleeping processes. Everything lives in a pid
//! namespace whose init is this program re-executed (`bench-world`), so it all dies with it.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Sleepers per group (each group also has the `unshare` and `sh` processes).
const PER_GROUP: usize = 8;

pub struct BenchArgs {
    pub sizes: Vec<usize>,
    pub runs: usize,
    pub json: Option<PathBuf>,
    pub lsns: PathBuf,
}

impl BenchArgs {
    pub fn parse(args: &[String]) -> Result<BenchArgs> {
        let mut bench = BenchArgs { sizes: vec![1000, 4000, 16000], runs: 5, json: None, lsns: "/usr/bin/lsns".into() };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
            match arg.as_str() {
                "--sizes" => {
                    bench.sizes =
                        value()?.split(',').map(|s| s.parse().context("--sizes: numbers")).collect::<Result<_>>()?
                }
                "--runs" => bench.runs = value()?.parse().context("--runs: a number")?,
                "--json" => bench.json = Some(value()?.into()),
                "--lsns" => bench.lsns = value()?.into(),
                other => bail!("unknown bench option {other} (--sizes N,N --runs N --json FILE --lsns PATH)"),
            }
        }
        Ok(bench)
    }
}

/// The invocations measured, as argument lists.
const INVOCATIONS: &[&[&str]] = &[&[], &["-J"], &["--output-all"], &["-t", "net"]];

/// rns's own invocations, which util-linux cannot run: each is timed against rlsns's default
/// listing in the same world (SUMMARY should stay within twice its time).
const RNS_ONLY: &[&[&str]] = &[&["-o", "NS,TYPE,NPROCS,SUMMARY"]];

pub fn run(workspace: &Path, args: &BenchArgs) -> Result<()> {
    let status = Command::new("cargo")
        .args(["build", "--release", "--quiet", "--bin", "rlsns"])
        .current_dir(workspace)
        .status()
        .context("cargo build")?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    let rlsns = workspace.join("target/release/rlsns");
    let exe = std::env::current_exe()?;
    let mut rows = Vec::new();
    for &size in &args.sizes {
        eprintln!("building a world of ~{size} processes ...");
        let out = Command::new("/usr/bin/unshare")
            .args(["--fork", "--pid", "--mount-proc", "--mount", "--propagation", "private", "--kill-child"])
            .arg(&exe)
            .arg("bench-world")
            .arg(size.to_string())
            .arg(args.runs.to_string())
            .arg(&rlsns)
            .arg(&args.lsns)
            .stderr(Stdio::inherit())
            .output()
            .context("running the world")?;
        if !out.status.success() {
            bail!("the benchmark world failed ({})", out.status);
        }
        rows.extend(String::from_utf8_lossy(&out.stdout).lines().map(str::to_string));
    }
    print_table(&rows);
    if let Some(path) = &args.json {
        std::fs::write(path, format!("[\n{}\n]\n", rows.join(",\n")))?;
        eprintln!("wrote {}", path.display());
    }
    // rns-only rows have no util-linux output to compare with.
    let compared = rows.iter().filter(|r| !r.contains("\"x_default\""));
    let differ: Vec<&String> =
        compared.filter(|r| field(r, "same_rows") != "true" || field(r, "same_json") == "false").collect();
    if !differ.is_empty() {
        for r in &differ {
            eprintln!("rlsns and lsns differ: {} processes, args '{}'", field(r, "processes"), field(r, "args"));
        }
        bail!("rlsns's output differs from lsns's in {} invocation(s)", differ.len());
    }
    Ok(())
}

/// One measured invocation, as a JSON object on one line.
struct Measure {
    procs: usize,
    namespaces: usize,
    args: String,
    rlsns: Duration,
    lsns: Duration,
    rlsns_cpu: Usage,
    lsns_cpu: Usage,
    same_rows: bool,
    same_json: Option<bool>,
    syscalls_per_proc: Option<f64>,
    /// The median time of [`floor`] in this world.
    floor: Duration,
}

impl Measure {
    fn json(&self) -> String {
        format!(
            "{{\"processes\": {}, \"namespaces\": {}, \"args\": \"{}\", \"rlsns_ms\": {:.2}, \"lsns_ms\": {:.2}, \"ratio\": {:.1}, \"rlsns_us_per_process\": {:.1}, \"rlsns_cpu_ms\": {}, \"lsns_cpu_ms\": {}, \"rlsns_rss_kib\": {}, \"lsns_rss_kib\": {}, \"same_rows\": {}, \"same_json\": {}, \"rlsns_syscalls_per_process\": {}, \"floor_ms\": {:.2}, \"floor_ratio\": {:.2}}}",
            self.procs,
            self.namespaces,
            self.args,
            ms(self.rlsns),
            ms(self.lsns),
            ms(self.lsns) / ms(self.rlsns).max(0.001),
            ms(self.rlsns) * 1000.0 / self.procs.max(1) as f64,
            self.rlsns_cpu.cpu_ms,
            self.lsns_cpu.cpu_ms,
            self.rlsns_cpu.rss_kib,
            self.lsns_cpu.rss_kib,
            self.same_rows,
            self.same_json.map_or("null".to_string(), |b| b.to_string()),
            self.syscalls_per_proc.map_or("null".to_string(), |v| format!("{v:.1}")),
            ms(self.floor),
            ms(self.rlsns) / ms(self.floor).max(0.001),
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn field<'a>(row: &'a str, key: &str) -> &'a str {
    let pat = format!("\"{key}\": ");
    let start = row.find(&pat).map(|i| i + pat.len()).unwrap_or(row.len());
    let rest = &row[start..];
    // A string value ends at its closing quote (args may hold commas), a number at `,` or `}`.
    if let Some(string) = rest.strip_prefix('"') {
        return &string[..string.find('"').unwrap_or(string.len())];
    }
    let end = rest.find([',', '}']).unwrap_or(rest.len());
    &rest[..end]
}

fn print_table(rows: &[String]) {
    let (rns_only, rows): (Vec<&String>, Vec<&String>) = rows.iter().partition(|r| r.contains("\"x_default\""));
    print_lsns_table(&rows);
    if !rns_only.is_empty() {
        println!("\nrns only, against rlsns's default listing in the same world:");
        println!(
            "{:>9} {:>6} {:<28} {:>10} {:>11} {:>9}",
            "processes", "ns", "args", "rlsns ms", "default ms", "x default"
        );
        for r in rns_only {
            println!(
                "{:>9} {:>6} {:<28} {:>10} {:>11} {:>9}",
                field(r, "processes"),
                field(r, "namespaces"),
                field(r, "args"),
                field(r, "rlsns_ms"),
                field(r, "rlsns_default_ms"),
                field(r, "x_default"),
            );
        }
    }
}

fn print_lsns_table(rows: &[&String]) {
    println!(
        "{:>9} {:>6} {:<14} {:>10} {:>10} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9} {:>5} {:>5} {:>9} {:>9} {:>7}",
        "processes",
        "ns",
        "args",
        "rlsns ms",
        "lsns ms",
        "ratio",
        "us/proc",
        "rlsns cpu",
        "lsns cpu",
        "rlsns KiB",
        "lsns KiB",
        "rows",
        "json",
        "sys/proc",
        "floor ms",
        "x floor"
    );
    for r in rows {
        println!(
            "{:>9} {:>6} {:<14} {:>10} {:>10} {:>7} {:>7} {:>9} {:>9} {:>9} {:>9} {:>5} {:>5} {:>9} {:>9} {:>7}",
            field(r, "processes"),
            field(r, "namespaces"),
            field(r, "args"),
            field(r, "rlsns_ms"),
            field(r, "lsns_ms"),
            field(r, "ratio"),
            field(r, "rlsns_us_per_process"),
            field(r, "rlsns_cpu_ms"),
            field(r, "lsns_cpu_ms"),
            field(r, "rlsns_rss_kib"),
            field(r, "lsns_rss_kib"),
            field(r, "same_rows"),
            field(r, "same_json"),
            field(r, "rlsns_syscalls_per_process"),
            field(r, "floor_ms"),
            field(r, "floor_ratio"),
        );
    }
}

/// Inside the world (pid 1 of a fresh pid namespace with its own /proc): build, measure, print
/// one JSON line per invocation on stdout.
pub fn world(args: &[String]) -> Result<()> {
    let size: usize = args.first().context("size")?.parse()?;
    let runs: usize = args.get(1).context("runs")?.parse()?;
    let rlsns = PathBuf::from(args.get(2).context("rlsns")?);
    let lsns = PathBuf::from(args.get(3).context("lsns")?);
    let groups = size.div_ceil(PER_GROUP + 2).max(1);
    let script = format!("for i in $(seq {PER_GROUP}); do sleep 1000000 & done; wait");
    for _ in 0..groups {
        Command::new("/usr/bin/unshare")
            .args(["-m", "-u", "-i", "-n", "-p", "-C", "--fork", "sh", "-c", &script])
            .stdin(Stdio::null())
            .spawn()
            .context("spawning a group")?;
    }
    let target = groups * (PER_GROUP + 2);
    let started = Instant::now();
    while count_processes() < target {
        if started.elapsed() > Duration::from_secs(300) {
            bail!("only {} of {target} processes started", count_processes());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let procs = count_processes();
    let namespaces = count_rows(&rlsns, &["-l", "-n"]);
    eprintln!("world: {procs} processes, {namespaces} namespaces; {runs} runs of each invocation");
    let floor = median((0..runs).map(|_| floor()).collect());
    for inv in INVOCATIONS {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            ours.push(time(&rlsns, inv));
            theirs.push(time(&lsns, inv));
        }
        let (our_out, their_out) = (output(&rlsns, inv), output(&lsns, inv));
        let same_json = (inv.first() == Some(&"-J")).then(|| our_out == their_out);
        let m = Measure {
            procs,
            namespaces,
            args: inv.join(" "),
            rlsns: median(ours),
            lsns: median(theirs),
            rlsns_cpu: usage(&rlsns, inv),
            lsns_cpu: usage(&lsns, inv),
            same_rows: our_out.lines().count() == their_out.lines().count(),
            same_json,
            syscalls_per_proc: inv.is_empty().then(|| syscalls(&rlsns, inv).map(|n| n as f64 / procs as f64)).flatten(),
            floor,
        };
        println!("{}", m.json());
    }
    for inv in RNS_ONLY {
        let (mut extra, mut default) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            extra.push(time(&rlsns, inv));
            default.push(time(&rlsns, &[]));
        }
        let (extra, default) = (ms(median(extra)), ms(median(default)));
        println!(
            "{{\"processes\": {procs}, \"namespaces\": {namespaces}, \"args\": \"{}\", \"rlsns_ms\": {extra:.2}, \"rlsns_default_ms\": {default:.2}, \"x_default\": {:.2}}}",
            inv.join(" "),
            extra / default.max(0.001)
        );
    }
    Ok(())
}

/// The floor under rlsns's time: only the system calls of its `/proc` walk (the pid list;
/// per process `PID/ns` opened `O_PATH` and its eight links read, `PID/fd` listed and each
/// descriptor stat'ed), on as many threads as the walk takes. rlsns's time over it is what
/// everything else costs: starting, mountinfo, the kernel's answers, the table, the output.
fn floor() -> Duration {
    use nscore::sys::at::{open_dir_path, read_link_at, stat_at};
    use nscore::sys::dir::Dir;
    use std::ffi::OsStr;
    use std::os::fd::AsFd;
    use std::os::unix::ffi::OsStrExt;
    let start = Instant::now();
    let Ok(proc) = std::fs::File::open("/proc") else { return start.elapsed() };
    let mut pids: Vec<u32> = std::fs::read_dir("/proc")
        .map(|d| d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok()).collect())
        .unwrap_or_default();
    let threads = nscore::lsns::walk::walk_threads(pids.len());
    nscore::parallel::in_parts(&mut pids, threads, |part| {
        let mut link = [0u8; 64];
        for pid in part.iter() {
            let Ok(ns) = open_dir_path(proc.as_fd(), Path::new(&format!("{pid}/ns"))) else { continue };
            for kind in &nscore::nstype::KINDS {
                let _ = read_link_at(ns.as_fd(), Path::new(kind.name), &mut link);
            }
            drop(ns);
            let Ok(fds) = Dir::open_at(proc.as_fd(), Path::new(&format!("{pid}/fd"))) else { continue };
            let _ = fds.for_each_name(|name| {
                let _ = stat_at(fds.as_fd(), Path::new(OsStr::from_bytes(name)));
            });
        }
    });
    start.elapsed()
}

fn count_processes() -> usize {
    std::fs::read_dir("/proc")
        .map(|d| d.filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok()).count())
        .unwrap_or(0)
}

fn count_rows(tool: &Path, args: &[&str]) -> usize {
    output(tool, args).lines().count()
}

fn output(tool: &Path, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).env("LC_ALL", "C").stdin(Stdio::null()).output();
    out.map(|o| String::from_utf8_lossy(&o.stdout).into_owned()).unwrap_or_default()
}

fn time(tool: &Path, args: &[&str]) -> Duration {
    let start = Instant::now();
    let _ = Command::new(tool).args(args).env("LC_ALL", "C").stdin(Stdio::null()).stdout(Stdio::null()).status();
    start.elapsed()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// CPU time (user + system, 10 ms resolution) and peak RSS of one run, through GNU time.
#[derive(Debug, Clone, Copy, Default)]
struct Usage {
    cpu_ms: u64,
    rss_kib: u64,
}

fn usage(tool: &Path, args: &[&str]) -> Usage {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%U %S %M"])
        .arg(tool)
        .args(args)
        .env("LC_ALL", "C")
        .stdout(Stdio::null())
        .output();
    let Ok(out) = out else { return Usage::default() };
    let text = String::from_utf8_lossy(&out.stderr);
    let fields: Vec<&str> = text.trim().lines().last().unwrap_or("").split_whitespace().collect();
    let secs = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    Usage {
        cpu_ms: ((secs(0) + secs(1)) * 1000.0).round() as u64,
        rss_kib: fields.get(2).and_then(|f| f.parse().ok()).unwrap_or(0),
    }
}

/// Total system calls of one run, through `strace -c -f`.
fn syscalls(tool: &Path, args: &[&str]) -> Option<u64> {
    let out = Command::new("strace")
        .args(["-c", "-f", "-o", "/dev/stderr"])
        .arg(tool)
        .args(args)
        .stdout(Stdio::null())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let total = text.lines().rev().find(|l| l.trim_end().ends_with("total"))?;
    // "100.00    0.012345           1     12345       123 total": calls is the 4th field.
    total.split_whitespace().nth(3)?.parse().ok()
}
