//! Fuzz targets: every parser that reads text a caller or a container controls (argument
//! vectors, `--map-users` specs, numbers, signal names, `-Q` expressions, cells printed from
//! `/proc`) as a function of raw bytes. A target panics only when the code under test panics
//! or breaks one of the invariants written beside it; otherwise it returns a small number that
//! says which way the input was handled, so a driver can keep inputs that reach new behaviour.
//!
//! One table serves three drivers: `cargo xtask fuzz` (a bounded mutational loop on the
//! stable toolchain), the property tests in `tests/parsers.rs` beside this file, and cargo-fuzz
//! (`fuzz/`, libFuzzer, where a toolchain that allows `-Z` flags is available).

// Test tooling, not product code: a target reports a finding by panicking (assert!, panic!,
// expect on what must hold), which is what its drivers catch.
#![allow(clippy::panic, clippy::expect_used)]

use nscore::cli::getopt::{Getopt, HasArg, Item, OptSpec, Ordering};
use nscore::cli::ValueHint;
use nscore::lsns::columns::{COLUMNS, NAMES};
use nscore::number::{parse_signed, parse_unsigned, C_SPACE};
use nscore::output::filter::Filter;
use nscore::output::{Charset, ColumnSpec, Env, Format, JsonLayout, JsonType, Mode, Table};
use nscore::unshare::args::Parsed as UnshareParsed;
use nscore::unshare::id_source::FakeIds;
use nscore::unshare::idmap::{self, MapRange};
use nscore::unshare::signal_name::signal_by_name;
use nscore::Error;
use std::ffi::OsString;
use std::hash::{Hash, Hasher};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// xorshift64*: a small, seedable generator, so a fuzz run or a random-argv test that fails
/// names its seed and repeats.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// One of `items` (which must not be empty).
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// One fuzz target.
#[derive(Clone, Copy)]
pub struct Target {
    pub name: &'static str,
    /// What it feeds and what it checks, for `cargo xtask fuzz --list`.
    pub what: &'static str,
    /// Runs one input; the result classifies how it was handled (not a verdict).
    pub run: fn(&[u8]) -> u64,
    /// Inputs to start from.
    pub seeds: &'static [&'static [u8]],
    /// Words worth splicing into inputs (keywords, separators, values); see [`Target::splice_words`].
    pub words: &'static [&'static str],
    /// The input is an argument vector: every option of the three tools is spliced in too.
    pub argv: bool,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// Every target, by name.
pub const TARGETS: &[Target] = &[
    Target {
        name: "getopt",
        what: "glibc getopt_long emulation over the three tools' option tables, both orderings",
        run: getopt,
        seeds: &[b"-abc\0--tree=parent\0x", b"-p\0\0--\0-l", b"--outp\0NS\0--map-u=1", b"-Tparent\0-n/x"],
        words: ARGV_WORDS,
        argv: true,
    },
    Target {
        name: "unshare-argv",
        what: "runshare's whole option loop (ids, ranges, signals, offsets, owner) with fixed id files",
        run: unshare_argv,
        seeds: &[
            b"-r\0--map-users=0:100000:65536\0--kill-child=rtmin+3\0ls",
            b"-T\0--monotonic=-5\0--boottime\0x",
            b"--owner\x001000:100\0-S\x007\0-G\0-1",
            b"--map-auto\0--map-subids\0--setgroups=deny\0--propagation\0slave",
        ],
        words: ARGV_WORDS,
        argv: true,
    },
    Target {
        name: "lsns-argv",
        what: "rlsns's option loop: exclusive options, -t, -T, -p",
        run: lsns_argv,
        seeds: &[b"-J\0-r", b"-Tparent\0-t\0net\0-o\0+NETNSID", b"-p\0\x30\0-P", b"--tree=\0-l\x00123"],
        words: ARGV_WORDS,
        argv: true,
    },
    Target {
        name: "nsenter-argv",
        what: "rnsenter's option loop: -t PID[:INODE], -N, -S/-G follow, attached optional arguments",
        run: nsenter_argv,
        seeds: &[
            b"-t\x001\0-a\0true",
            b"-t1:12x\0-u",
            b"-n=/\0-r=/\0-w/\0-W",
            b"-S\0follow\0-G\x00-0\0-N\0-1\0--user-parent",
            b"--target=99999999999999999999",
        ],
        words: ARGV_WORDS,
        argv: true,
    },
    Target {
        name: "proc",
        what: "/proc text a container controls: PID/stat (comm with ), blanks, newlines), cmdline, mountinfo, nsfs roots",
        run: proc_text,
        seeds: &[
            b"42 (a) b) (c) S 7 42 42 0 -1\xffsleep\x001000\x00\xff36 25 0:4 net:[4026532469] /tmp/k\\040x rw - nsfs nsfs rw\xffnet:[4026532469]",
            b"1 (\n)\n) R 0\xff\x00\xff\xff[]",
            b"\xff\xffa - nsfs\n1 2 3 4 5 6 - nsfs\n\\\\777",
        ],
        words: &["(", ")", " ", "\n", "\\040", "\\134", "\\", " - nsfs ", "net:[", "]", "S", "\0", "\u{fffd}"],
        argv: false,
    },
    Target {
        name: "cgroup",
        what: "container detection from /proc/PID/cgroup paths and rnsenter's -t RUNTIME:ID",
        run: cgroup,
        seeds: &[
            b"0::/system.slice/docker-3f2a9c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708.scope\xffdocker:3f",
            b"0::/machine.slice/machine-web\\x2d1.scope/payload\xffnspawn:web",
            b"0::/lxc.payload.web/system.slice\xfflxc:",
            b"1:name=systemd:/kubepods/burstable/pod1b2c3d4e-5f6a/abc\xffk8s:ab",
        ],
        words: &["/", ":", "0::", ".scope", "docker-", "crio-", "libpod-", "machine-", "lxc.payload.", "docker", "\\x2d", "pod", "kubepods", "3f2a9c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708"],
        argv: false,
    },
    Target {
        name: "lsns-columns",
        what: "-o lists (+LIST, case, empty items, too many) and <namespace ID> arguments",
        run: lsns_columns,
        seeds: &[b"NS,TYPE", b"+netnsid,PNS", b"NS,,TYPE", b",", b"+", b"FOO,TYPE\xff4026531835", b"\xff -0"],
        words: &COLUMN_WORDS,
        argv: false,
    },
    Target {
        name: "numbers",
        what: "strtoul/strtos64/strtopid-style parsers (-S, -G, --monotonic, --boottime, -p) against a model",
        run: numbers,
        seeds: &[b"0", b" +42", b"-0", b"-1", b"18446744073709551616", b"9223372036854775808", b"\t7x"],
        words: &["-", "+", " ", "\t", "0", "9", "4294967295", "18446744073709551615", "2147483647"],
        argv: false,
    },
    Target {
        name: "signal",
        what: "--kill-child signal names: case-insensitive, SIG prefix, RTMIN+n/RTMAX-n, no numbers",
        run: signal,
        seeds: &[b"term", b"SIGKILL", b"rtmin+1", b"SIGRTMAX-0", b"9", b"rt", b"RTMIN+99999999999999999999"],
        words: &["SIG", "RT", "MIN", "MAX", "+", "-", "KILL", "TERM", "CLD", "IOT"],
        argv: false,
    },
    Target {
        name: "idmap",
        what: "--map-users specs, subuid files, kernel map text, and the one-id hole cut",
        run: idmap_target,
        seeds: &[b"0:100000:65536", b"100000,0,10", b"1:2", b"root:200000:65536\n", b"4294967295:0:1"],
        words: &[":", ",", "\n", "-", "+", " ", "4294967295", "65536", "auto", "subids", "all"],
        argv: false,
    },
    Target {
        name: "filter",
        what: "-Q expressions: parse, resolve against lsns's columns, evaluate on hostile cells",
        run: filter,
        seeds: &[
            b"TYPE == \"net\" && NPROCS > 1",
            b"(((NS)))",
            b"COMMAND =~ \"(a|b)*\" || !PID",
            b"NS == 1Z",
            b"NETNSID eq 'unassigned' or PNS ge 0.5",
        ],
        words: &FILTER_WORDS,
        argv: false,
    },
    Target {
        name: "render",
        what: "table, raw and JSON renderers on cells from /proc (control bytes, wide characters, newlines)",
        run: render,
        seeds: &[b"a\xffb c\x01d\xff\xe2\x94\x9c\xe2\x94\x80x\xffline\nline", b"\xff\xff\xff", b"\x1b[31m\xff\"\\\xff"],
        words: &["\n", "\t", " ", "\"", "\\", "\x1b", "\u{7f}", "\u{200b}", "\u{1f600}", "\u{fffd}", "\u{301}"],
        argv: false,
    },
];

/// `-o` lists: every column name `-o` takes, and the list's own punctuation.
const COLUMN_WORDS: [&str; NAMES.len() + 2] = joined(&NAMES, &[",", "+"]);

/// `-Q` expressions: the filter language's operators and literals, and every column name.
const FILTER_WORDS: [&str; FILTER_SYNTAX.len() + NAMES.len()] = joined(&FILTER_SYNTAX, &NAMES);

const FILTER_SYNTAX: [&str; 29] = [
    "==", "!=", "<=", ">=", "<", ">", "=~", "!~", "&&", "||", "!", "and", "or", "not", "eq", "ne", "lt", "le", "gt",
    "ge", "(", ")", "\"", "'", "true", "false", "1K", "0.5", "\\",
];

/// `a` followed by `b`, as one array `N` long (the target table is a constant, so its word
/// lists are built at compile time).
const fn joined<const N: usize>(a: &[&'static str], b: &[&'static str]) -> [&'static str; N] {
    assert!(a.len() + b.len() == N, "joined: N is not the sum of the lengths");
    let mut out = [""; N];
    let mut i = 0;
    while i < a.len() {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - a.len()];
        i += 1;
    }
    out
}

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// What argument vectors hold besides the options and the words of their option tables
/// ([`Target::splice_words`] adds those): separators and values no table lists.
const ARGV_WORDS: &[&str] =
    &["-", "--", "=", "auto", "subids", "all", "0", "1000", "0:100000:65536", "4294967295", "NS,TYPE", "+PNS"];

impl Target {
    /// The words a driver splices into this target's inputs: its own, and for an argument
    /// vector every spelling of every option of runshare, rnsenter and rlsns (`-x`, `--long`,
    /// `--long=` when it takes an argument) and every word an option's value may be.
    pub fn splice_words(&self) -> Vec<String> {
        let mut out: Vec<String> = self.words.iter().map(|w| w.to_string()).collect();
        if self.argv {
            // Each tool's interface: util-linux's options and rns's own (--threads, --clear-env, ...).
            for tool in
                [nscore::unshare::args::interface(), nscore::enter::args::interface(), nscore::lsns::args::interface()]
            {
                add_options(&mut out, &tool.options);
            }
            out.sort();
            out.dedup();
        }
        out
    }
}

fn add_options<Id: Copy + 'static>(out: &mut Vec<String>, defs: &[nscore::cli::OptDef<Id>]) {
    for d in defs {
        out.extend(d.short.map(|c| format!("-{c}")));
        if let Some(long) = d.long {
            out.push(format!("--{long}"));
            if d.has_arg != HasArg::No {
                out.push(format!("--{long}="));
            }
        }
        match d.hint {
            ValueHint::Words(words) => out.extend(words.iter().map(|w| w.to_string())),
            ValueHint::WordList(words) => out.extend(words.iter().map(|(w, _)| w.to_string())),
            _ => {}
        }
    }
}

/// Splits bytes on NUL into an argument vector (the way argv arrives: any bytes but NUL).
pub fn argv_of(input: &[u8], argv0: &str) -> Vec<OsString> {
    std::iter::once(OsString::from(argv0))
        .chain(input.split(|&b| b == 0).map(|a| OsString::from_vec(a.to_vec())))
        .collect()
}

fn hash_of(value: impl Hash) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

/// How an error is shaped, without the text it echoes back from the input.
fn error_class(e: &Error) -> u64 {
    let shape = match e {
        Error::Msg { text, errno, status } => {
            let text = String::from_utf8_lossy(&text.english()).into_owned();
            let head: String = text.chars().take_while(|c| *c != '\'' && *c != ':' && *c != '"').take(24).collect();
            format!("msg {head} {errno:?} {status}")
        }
        Error::Usage(text) => {
            format!("usage {}", text.split(": ").nth(1).unwrap_or("").chars().take(20).collect::<String>())
        }
        Error::Silent(s) => format!("silent {s}"),
        Error::Chain(v) => format!("chain {}", v.len()),
    };
    hash_of(shape)
}

/// Every error a tool reports must say something (unless it is one of util-linux's
/// deliberate silences) and end its line.
fn check_error(e: &Error, prog: &str) {
    let text = e.render(prog);
    match e {
        Error::Silent(status) => assert!(*status != 0, "a silent error with status 0"),
        _ => {
            assert!(!text.is_empty() && text.ends_with('\n'), "error renders as {text:?}");
            assert!(e.status() != 0, "error {text:?} exits 0");
        }
    }
}

fn getopt(input: &[u8]) -> u64 {
    let tables: [(&str, Vec<OptSpec<u8>>); 3] = [
        ("lsns", specs_of(nscore::lsns::args::OPTIONS)),
        ("unshare", specs_of(nscore::unshare::args::OPTIONS)),
        ("nsenter", specs_of(nscore::enter::args::OPTIONS)),
    ];
    let mut class = 0u64;
    for (prog, specs) in &tables {
        for ordering in [Ordering::Permute, Ordering::RequireOrder] {
            let argv = argv_of(input, prog);
            let budget = argv.iter().map(|a| a.len() + 1).sum::<usize>() + 1;
            let mut parser = Getopt::new(argv.clone(), specs, ordering);
            let mut items = 0usize;
            let mut failed = false;
            for item in parser.by_ref() {
                items += 1;
                assert!(items <= budget, "getopt yields more items than the argument vector has bytes");
                match item {
                    Item::Opt(id, _) => class = class.wrapping_mul(31).wrapping_add(u64::from(id)),
                    Item::Error(msg) => {
                        assert!(msg.starts_with(&format!("{prog}: ")), "diagnostic without argv[0]: {msg:?}");
                        class = class.wrapping_mul(31).wrapping_add(hash_of(msg.split(" '").next()));
                        failed = true;
                        break;
                    }
                }
            }
            let operands = parser.operands().to_vec();
            for op in &operands {
                assert!(argv[1..].contains(op), "operand {op:?} is not an argument");
            }
            if ordering == Ordering::RequireOrder && !failed {
                // Operands are a tail of argv: options stop at the first one.
                let tail = &argv[argv.len() - operands.len()..];
                assert_eq!(tail, &operands[..], "require-order operands are not the tail of argv");
            }
            class = class.wrapping_add(operands.len() as u64);
        }
    }
    class
}

/// A getopt table of small ids, from a tool's option definitions.
fn specs_of<Id: Copy + 'static>(defs: &[nscore::cli::OptDef<Id>]) -> Vec<OptSpec<u8>> {
    nscore::cli::getopt_specs(defs)
        .into_iter()
        .enumerate()
        .map(|(i, s)| OptSpec { id: i as u8, short: s.short, long: s.long, has_arg: s.has_arg })
        .collect()
}

fn unshare_argv(input: &[u8]) -> u64 {
    let argv = argv_of(input, "unshare");
    match nscore::unshare::args::parse(&argv, &FakeIds) {
        Ok(UnshareParsed::Run(a)) => {
            // What an option implies is always there.
            if a.map_user.is_some() || a.map_group.is_some() || !a.user_ranges.is_empty() || a.owner_uid.is_some() {
                assert!(a.has(libc::CLONE_NEWUSER), "an id map without a user namespace");
            }
            if a.mount_proc.is_some() {
                assert!(a.has(libc::CLONE_NEWNS), "--mount-proc without a mount namespace");
            }
            if a.kill_child.is_some() || a.forward_signals {
                assert!(a.fork, "--kill-child/--forward-signals without --fork");
            }
            if a.monotonic.is_some() || a.boottime.is_some() {
                assert!(a.has(libc::CLONE_NEWTIME), "time offsets without a time namespace");
            }
            for (i, target) in a.persist.iter().enumerate() {
                if target.is_some() {
                    assert!(a.flags & nscore::nstype::KINDS[i].clone_flag != 0, "a persisted namespace not unshared");
                }
            }
            // The program is the tail of argv, untouched.
            assert_eq!(&argv[argv.len() - a.program.len()..], &a.program[..]);
            hash_of(("run", a.flags, a.fork, a.user_ranges.len(), a.program.is_empty()))
        }
        Ok(other) => hash_of(format!("{other:?}")),
        Err(e) => {
            check_error(&e, "unshare");
            error_class(&e)
        }
    }
}

fn nsenter_argv(input: &[u8]) -> u64 {
    let argv = argv_of(input, "nsenter");
    // Files named on the command line are not opened for real, except `/`.
    let mut open = |path: &std::ffi::OsStr| match path.as_bytes() {
        b"/" => std::fs::File::open("/"),
        _ => Err(std::io::Error::from_raw_os_error(libc::ENOENT)),
    };
    match nscore::enter::args::parse(&argv, &mut open, &mut nscore::sys::NoHandles) {
        Ok(nscore::enter::args::Parsed::Run(a)) => {
            assert!(a.target >= 0, "a negative target pid {}", a.target);
            assert_eq!(&argv[argv.len() - a.program.len()..], &a.program[..]);
            assert!(!(a.wd.is_some() && a.wdns.is_some()), "--wd and --wdns both accepted");
            hash_of(("run", a.all, a.target > 0, a.namespaces.mask(), a.program.is_empty()))
        }
        Ok(other) => hash_of(format!("{other:?}")),
        // `-Z` (SELinux, not built) is util-linux's bare "Try --help" line.
        Err(Error::Usage(text)) if text.is_empty() => hash_of("-Z"),
        Err(e) => {
            check_error(&e, "nsenter");
            error_class(&e)
        }
    }
}

fn lsns_argv(input: &[u8]) -> u64 {
    let argv = argv_of(input, "lsns");
    // The filter scanner's echo (characters outside the language) goes nowhere here.
    match nscore::lsns::args::parse(&argv, &mut std::io::sink()) {
        Ok(nscore::lsns::args::Parsed::Run(a)) => {
            assert!(!(a.json && a.raw), "--json and --raw both accepted");
            assert!(!(a.persistent && a.task.is_some()), "--persistent and --task both accepted");
            if let Some(pid) = a.task {
                assert!(pid > 0, "a task pid of {pid}");
            }
            if a.raw {
                assert!(a.no_wrap, "--raw must imply --nowrap");
            }
            hash_of(("run", a.json, a.raw, format!("{:?}", a.tree), a.types.len(), a.namespace.is_some()))
        }
        Ok(other) => hash_of(format!("{other:?}")),
        Err(e) => {
            check_error(&e, "lsns");
            error_class(&e)
        }
    }
}

fn proc_text(input: &[u8]) -> u64 {
    use nscore::proc::{parse_mountinfo_nsfs, parse_stat, procfs_text, unmangle};
    let parts: Vec<&[u8]> = input.split(|&b| b == 0xff).collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    let stat_line = String::from_utf8_lossy(part(0));
    let stat = parse_stat(&stat_line);
    if let Some(st) = stat {
        // The pid is what precedes the comm, the state is right after its last `)`.
        let head = stat_line.split(" (").next().unwrap_or_default();
        assert_eq!(head.trim_start().parse::<i32>().ok(), Some(st.pid), "{stat_line:?}");
        let tail = &stat_line[stat_line.rfind(')').unwrap_or(0) + 1..];
        assert_eq!(tail.split_ascii_whitespace().next().and_then(|w| w.chars().next()), Some(st.state));
    }
    let text = procfs_text(part(1));
    assert_eq!(text.is_none(), part(1).is_empty(), "procfs_text: None only for nothing read");
    if let Some(t) = &text {
        assert!(!t.contains('\0'), "a NUL survived in {t:?}");
    }
    let mountinfo = String::from_utf8_lossy(part(2));
    let mounts = parse_mountinfo_nsfs(&mountinfo);
    for m in &mounts {
        assert!(mountinfo.lines().any(|l| l.contains(" nsfs")), "an nsfs mount from no nsfs line: {m:?}");
    }
    if !mountinfo.contains('\\') {
        assert_eq!(unmangle(&mountinfo), mountinfo, "unmangle changed text without escapes");
    }
    let root = String::from_utf8_lossy(part(3));
    let ino = nscore::lsns::model::nsfs_root_ino(&root);
    if let Some(ino) = ino {
        assert!(root.contains('[') && root.contains(']'), "{root:?} gave {ino}");
    }
    let set = String::from_utf8_lossy(part(4));
    let included = nscore::lsns::model::path_included(&set, &root, ',');
    if included {
        assert!(set == root || set.split(',').any(|e| e == root), "{root:?} is not an element of {set:?}");
    }
    hash_of((stat.is_some(), text.is_some(), mounts.len().min(4), ino.is_some(), included))
}

fn cgroup(input: &[u8]) -> u64 {
    use nscore::proc::container::{chain_of_path, from_cgroup, from_path, ContainerSpec};
    let mut parts = input.split(|&b| b == 0xff);
    let text = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let target = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let found = from_cgroup(&text);
    for line in text.lines() {
        let Some(path) = line.splitn(3, ':').nth(2) else { continue };
        if let Some(c) = from_path(path) {
            // The container a path names is the innermost of the chain it holds.
            assert_eq!(chain_of_path(path).last(), Some(&c), "{path:?}");
            let _ = c.short();
        }
    }
    let spec = ContainerSpec::parse(&target);
    if let (Some(spec), Some(c)) = (&spec, &found) {
        let _ = spec.matches(c);
    }
    hash_of((found.map(|c| c.runtime), spec.is_some()))
}

fn lsns_columns(input: &[u8]) -> u64 {
    use nscore::lsns::columns::{apply_output_list, Col, MAX_COLUMNS};
    let mut parts = input.split(|&b| b == 0xff);
    let list = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let id = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let mut current = vec![Col::Ns, Col::Type];
    let before = current.len();
    let result = apply_output_list(&list, &mut current);
    match &result {
        Ok(()) => {
            assert!(!current.is_empty() && current.len() <= MAX_COLUMNS, "{list:?} gave {} columns", current.len());
            let added = if list.starts_with('+') { current.len() - before } else { current.len() };
            assert_eq!(added, list.trim_start_matches('+').split(',').count(), "{list:?}");
        }
        Err(Error::Silent(1)) => {}
        Err(e) => {
            check_error(e, "lsns");
            assert!(e.render("lsns").starts_with("lsns: unknown column: "), "{e:?}");
        }
    }
    let ns = nscore::lsns::parse_namespace_id(&id);
    match (model_number(&id), &ns) {
        (Some(v), Ok(got)) => assert_eq!(i128::from(*got), v, "namespace ID {id:?}"),
        (Some(v), Err(_)) => assert!(v < 0 || v > i128::from(u64::MAX), "namespace ID {id:?} refused"),
        (None, Ok(got)) => panic!("namespace ID {id:?} accepted as {got}"),
        (None, Err(e)) => check_error(e, "lsns"),
    }
    hash_of((result.is_ok(), current.len(), ns.is_ok()))
}

/// The model: C's blanks ([`C_SPACE`]), a sign, decimal digits and nothing else; the value exactly.
fn model_number(s: &str) -> Option<i128> {
    let t = s.trim_start_matches(C_SPACE);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.trim_start_matches('0');
    if magnitude.len() > 30 {
        return Some(if negative { i128::MIN } else { i128::MAX });
    }
    let v: i128 = if magnitude.is_empty() { 0 } else { magnitude.parse().ok()? };
    Some(if negative { -v } else { v })
}

fn numbers(input: &[u8]) -> u64 {
    let s = String::from_utf8_lossy(input);
    let model = model_number(&s);
    let what = "failed to parse uid";
    let unsigned = parse_unsigned(&s, what);
    match (model, &unsigned) {
        (Some(v), Ok(got)) => assert_eq!(i128::from(*got), v, "parse_unsigned({s:?})"),
        (Some(v), Err(e)) => {
            assert!(v < 0 || v > i128::from(u64::MAX), "parse_unsigned({s:?}) refused {v}: {e:?}");
            assert!(matches!(e, Error::Msg { errno: Some(libc::ERANGE), .. }), "out of range without ERANGE");
        }
        (None, Ok(got)) => panic!("parse_unsigned({s:?}) accepted {got}"),
        (None, Err(e)) => assert_eq!(e, &Error::msg(format!("{what}: '{s}'"))),
    }
    let what = "failed to parse monotonic offset";
    let signed = parse_signed(&s, what);
    match (model, &signed) {
        (Some(v), Ok(got)) => assert_eq!(i128::from(*got), v, "parse_signed({s:?})"),
        (Some(v), Err(e)) => {
            assert!(v < i128::from(i64::MIN) || v > i128::from(i64::MAX), "parse_signed({s:?}) refused {v}");
            assert!(matches!(e, Error::Msg { errno: Some(libc::ERANGE), .. }), "out of range without ERANGE");
        }
        (None, Ok(got)) => panic!("parse_signed({s:?}) accepted {got}"),
        (None, Err(e)) => assert_eq!(e, &Error::msg(format!("{what}: '{s}'"))),
    }
    let pid = nscore::number::parse_pid(&s, "invalid PID argument");
    if let Ok(pid) = pid {
        assert!(pid > 0, "parse_pid({s:?}) gave {pid}");
        assert_eq!(model, Some(i128::from(pid)), "parse_pid({s:?}) accepted what strtol would not");
    }
    hash_of((unsigned.is_ok(), signed.is_ok(), pid.is_ok(), model.map(|v| v.signum())))
}

fn signal(input: &[u8]) -> u64 {
    let s = String::from_utf8_lossy(input);
    let sig = signal_by_name(&s);
    if let Some(sig) = sig {
        assert!((1..=libc::SIGRTMAX()).contains(&sig), "signal_by_name({s:?}) = {sig}");
        assert!(!s.bytes().all(|b| b.is_ascii_digit()), "a number was taken as a name");
    }
    assert_eq!(signal_by_name(&s.to_ascii_lowercase()), sig, "names are case-insensitive");
    assert_eq!(signal_by_name(&s.to_ascii_uppercase()), sig, "names are case-insensitive");
    hash_of(sig)
}

fn idmap_target(input: &[u8]) -> u64 {
    let s = String::from_utf8_lossy(input);
    let parsed = idmap::parse_range(&s);
    match &parsed {
        // What parses prints back to a spec that parses to the same range.
        Ok(r) => {
            let again = idmap::parse_range(&format!("{}:{}:{}", r.inner.unwrap_or(0), r.outer, r.count));
            assert_eq!(again.as_ref(), Ok(r), "{s:?} does not survive a round trip");
        }
        Err(e) => assert_eq!(e, &Error::msg(format!("invalid mapping '{s}'"))),
    }
    for identity in [false, true] {
        if let Ok(r) = idmap::subid_range(&s, "/etc/subuid", "alice", 1000, identity) {
            assert_eq!(r.inner.is_some(), identity);
        }
    }
    let kernel = idmap::kernel_map_ranges(&s);
    // Ranges and single ids drawn from the bytes: the hole cut never panics, never emits an
    // empty range, and puts the single id first.
    let words: Vec<u32> = input.chunks(4).map(|c| c.iter().fold(0u32, |a, &b| (a << 8) | u32::from(b))).collect();
    let mut ranges: Vec<MapRange> = words
        .chunks_exact(3)
        .map(|w| MapRange { inner: (w[0] & 1 == 0).then_some(w[0] >> 1), outer: w[1], count: w[2] })
        .collect();
    ranges.extend(kernel.iter().copied());
    let single = words.first().map(|w| w % 70000);
    let outer = words.get(1).copied().unwrap_or(0);
    let cut = idmap::with_single_id(&ranges, outer, single);
    assert!(cut.iter().all(|r| r.count != 0), "an empty range in {cut:?}");
    if let Some(inner) = single {
        assert_eq!(cut.first(), Some(&MapRange::new(inner, outer, 1)));
    }
    if let Ok(text) = idmap::map_file_text(&cut, "/proc/1/uid_map") {
        assert!(text.len() <= 4096);
        assert_eq!(text.lines().count(), cut.len());
    }
    hash_of((parsed.is_ok(), kernel.len().min(4), cut.len().min(8)))
}

/// lsns's columns as the filter sees them (name and JSON type).
fn lsns_column(name: &str) -> Option<ColumnSpec> {
    COLUMNS.iter().map(|c| c.spec).find(|spec| spec.name.eq_ignore_ascii_case(name))
}

fn filter(input: &[u8]) -> u64 {
    // The expression is what precedes the first 0xff; the rest are cell values.
    let mut parts = input.split(|&b| b == 0xff);
    let expr = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let cells: Vec<String> = parts.map(|p| String::from_utf8_lossy(p).into_owned()).collect();
    let (first, echo) = Filter::parse_unresolved(&expr);
    let (second, echo_again) = Filter::parse_unresolved(&expr);
    assert_eq!(echo, echo_again, "the scanner's echo differs between two parses");
    assert_eq!(first.is_ok(), second.is_ok(), "parsing is not deterministic");
    if let Err(e) = &first {
        check_error(e, "lsns");
        return error_class(e);
    }
    match Filter::parse(&expr, &lsns_column) {
        Err(e) => {
            check_error(&e, "lsns");
            error_class(&e)
        }
        Ok(f) => {
            for name in f.holder_names() {
                assert!(lsns_column(name).is_some(), "an unknown column {name:?} resolved");
            }
            let numbers = ["0", "1", "4026531837", "18446744073709551615"];
            let mut outcome = Vec::new();
            for round in 0..3 {
                let value = |name: &str| -> Option<String> {
                    let i = name.len() + round;
                    match round {
                        0 => None,
                        1 => Some(numbers[i % numbers.len()].to_string()),
                        _ => cells.get(i % cells.len().max(1)).cloned(),
                    }
                };
                let r = f.try_matches(&value);
                if let Err(e) = &r {
                    check_error(e, "lsns");
                }
                assert_eq!(f.matches(&value), r.as_ref().is_ok_and(|m| *m));
                outcome.push(r.ok());
            }
            hash_of(outcome)
        }
    }
}

/// lsns's columns with every flag combination the renderers treat differently: a right-aligned
/// number with a width hint (NS), a left-aligned string with one (TYPE), a wrapping cell
/// (NSFS), the truncatable one (COMMAND), a right-aligned string (NETNSID).
fn render_columns() -> Vec<ColumnSpec> {
    ["NS", "TYPE", "NSFS", "COMMAND", "NETNSID"]
        .iter()
        .map(|name| lsns_column(name).expect("a column of lsns's table"))
        .collect()
}

fn render(input: &[u8]) -> u64 {
    let columns = render_columns();
    let ncol = columns.len();
    let flags = input.first().copied().unwrap_or(0);
    let body = input.get(1..).unwrap_or_default();
    let cells: Vec<Option<String>> =
        body.split(|&b| b == 0xff).map(|c| (!c.is_empty()).then(|| nscore::byte_text::carry_bytes(c))).collect();
    let numeric: Vec<bool> = columns.iter().map(|c| c.json == JsonType::Number).collect();
    let mut table = Table::new(columns);
    for (i, row) in cells.chunks(ncol).enumerate() {
        let mut row = row.to_vec();
        row.resize(ncol, None);
        // Number cells come from the kernel (inodes, pids), never from a container's text.
        for (cell, _) in row.iter_mut().zip(&numeric).filter(|(_, n)| **n) {
            *cell = cell.as_ref().map(|c| c.bytes().map(|b| char::from(b'0' + b % 10)).collect());
        }
        // A tree: each line hangs below an earlier one chosen by the bytes.
        let parent = (flags & 1 != 0 && i > 0).then(|| row[0].as_ref().map_or(0, |c| c.len()) % i);
        table.push(row, parent);
    }
    if flags & 1 != 0 {
        table.tree_columns = vec![3];
    }
    let charset = if flags & 2 != 0 { Charset::Utf8 } else { Charset::Ascii };
    let layouts = [JsonLayout::Pretty, JsonLayout::Compact, JsonLayout::Lines];
    let env = Env { charset, json_layout: layouts[usize::from(flags >> 6) % 3] };
    let term_width = (flags & 4 != 0).then_some(usize::from(flags >> 3));
    let mut shape = 0u64;
    for mode in [Mode::Table, Mode::Raw, Mode::Json("namespaces".into())] {
        let format = Format {
            mode: mode.clone(),
            no_headings: flags & 8 != 0,
            no_trunc: flags & 16 != 0,
            no_wrap: flags & 32 != 0,
            term_width,
        };
        let mut out = Vec::new();
        nscore::output::render_with(&table, &format, &env, &mut out).expect("rendering into a Vec cannot fail");
        // JSON copies bytes that were not UTF-8 as they are, as libsmartcols does.
        let is_json = matches!(mode, Mode::Json(_));
        if !is_json {
            assert!(std::str::from_utf8(&out).is_ok(), "{mode:?} output is not UTF-8");
        }
        let text = String::from_utf8_lossy(&out).into_owned();
        if charset == Charset::Ascii && !matches!(mode, Mode::Json(_)) {
            assert!(text.is_ascii(), "non-ASCII output in the C locale: {text:?}");
        }
        // Nothing from a cell may reach the terminal as a control character. JSON is data:
        // like libsmartcols it escapes what JSON requires (below U+0020) and passes DEL.
        let forbidden = |c: char| c != '\n' && if is_json { c < ' ' } else { c.is_control() };
        assert!(!text.chars().any(forbidden), "a control character in {mode:?} output: {text:?}");
        if mode == Mode::Raw && !table.lines.is_empty() {
            let expected = table.lines.len() + usize::from(!format.no_headings);
            assert_eq!(text.lines().count(), expected, "raw output is not one line per row: {text:?}");
        }
        shape = shape.wrapping_mul(31).wrapping_add(text.lines().count() as u64);
    }
    shape
}

/// Bytes of an `OsString` argument list, NUL-joined (the inverse of [`argv_of`]).
pub fn argv_bytes(args: &[OsString]) -> Vec<u8> {
    args.iter().map(|a| a.as_bytes()).collect::<Vec<_>>().join(&0u8)
}

#[cfg(test)]
mod tests {
    #[test]
    fn argv_targets_splice_every_option_of_the_three_tools() {
        for t in super::TARGETS.iter().filter(|t| t.argv) {
            let words = t.splice_words();
            // util-linux's options and rns's own, with the words of their values
            for w in ["-t", "--target=", "--tree=", "owner", "--propagation=", "slave"] {
                assert!(words.iter().any(|s| s == w), "{}: {w} is not spliced in", t.name);
            }
            for w in ["--threads", "--compare", "--all-mounts", "--clear-env", "--whitelist-env="] {
                assert!(words.iter().any(|s| s == w), "{}: {w} is not spliced in", t.name);
            }
        }
    }
}
