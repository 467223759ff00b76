//! Property tests for every parser that reads text a caller or a container controls: random
//! inputs never panic, and the invariants each parser promises hold. Each fuzz target of
//! `nscore_fuzz` (which `cargo xtask fuzz` runs for longer) also runs here on proptest's
//! inputs, so `cargo test` keeps them honest; the properties below add structure (real option
//! names, grammatical filters, round trips) that blind byte mutation rarely reaches.

// Test code: a panic (unwrap, expect, assert, panic!) is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use nscore::cli::getopt::{Getopt, HasArg, Item, OptSpec, Ordering};
use nscore::number::{parse_signed, parse_unsigned};
use nscore::output::filter::Filter;
use nscore::unshare::idmap::{self, MapRange};
use nscore::unshare::signal_name::signal_by_name;
use nscore_fuzz::{self as fuzz, argv_bytes};
use proptest::prelude::*;
use std::collections::HashSet;
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;

fn run_target(name: &str, data: &[u8]) {
    let target = fuzz::target(name).unwrap_or_else(|| panic!("no fuzz target {name}"));
    (target.run)(data);
}

/// Every option spelling of the three tools: `-x`, `--long`, `--long=`.
fn option_spellings() -> Vec<String> {
    let mut out = Vec::new();
    let mut add = |short: Option<char>, long: Option<&str>| {
        if let Some(c) = short {
            out.push(format!("-{c}"));
        }
        if let Some(l) = long {
            out.push(format!("--{l}"));
            out.push(format!("--{l}="));
            out.push(format!("--{}", &l[..l.len().div_ceil(2)]));
        }
    };
    // Each tool's interface: util-linux's options and rns's own (--threads, --clear-env, ...).
    for tool in [nscore::lsns::args::interface(), nscore::unshare::args::interface(), nscore::enter::args::interface()]
    {
        for d in &tool.options {
            add(d.short, d.long);
        }
    }
    out
}

/// One argument: an option, a value, `--`, `=`, garbage bytes, any UTF-8, invalid UTF-8.
fn argument() -> impl Strategy<Value = Vec<u8>> {
    let options = option_spellings();
    let values = [
        "0",
        "1",
        "-1",
        "4294967295",
        "99999999999999999999",
        "net",
        "parent",
        "owner",
        "auto",
        "all",
        "subids",
        "0:100000:65536",
        "1,2,3",
        "NS,TYPE",
        "+PNS",
        "NS,,TYPE",
        "TYPE == \"net\"",
        "(",
        "deny",
        "slave",
        "kill",
        "rtmin+2",
        "/tmp/x",
        "",
        " ",
        "true",
    ];
    prop_oneof![
        4 => proptest::sample::select(options).prop_map(String::into_bytes),
        2 => proptest::sample::select(values.to_vec()).prop_map(|v| v.as_bytes().to_vec()),
        1 => Just(b"--".to_vec()),
        1 => Just(b"=".to_vec()),
        1 => Just(b"-".to_vec()),
        1 => "\\PC{0,8}".prop_map(|s| s.replace('\0', "").into_bytes()),
        1 => proptest::collection::vec(1u8..=255, 0..10),
        1 => (proptest::sample::select(vec!["-", "--", "--map-user=", "-p"]), proptest::collection::vec(0x80u8..=0xff, 1..4))
            .prop_map(|(head, tail)| [head.as_bytes(), &tail].concat()),
    ]
}

fn argv() -> impl Strategy<Value = Vec<OsString>> {
    proptest::collection::vec(argument(), 0..12).prop_map(|args| args.into_iter().map(OsString::from_vec).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn getopt_never_panics_and_keeps_operands(args in argv()) {
        run_target("getopt", &argv_bytes(&args));
    }

    #[test]
    fn unshare_option_loop_is_total(args in argv()) {
        run_target("unshare-argv", &argv_bytes(&args));
    }

    #[test]
    fn nsenter_option_loop_is_total(args in argv()) {
        run_target("nsenter-argv", &argv_bytes(&args));
    }

    #[test]
    fn lsns_option_loop_is_total(args in argv()) {
        run_target("lsns-argv", &argv_bytes(&args));
    }
}

/// The getopt table of unshare with plain numbers as ids.
fn unshare_specs() -> Vec<OptSpec<usize>> {
    nscore::cli::getopt_specs(nscore::unshare::args::OPTIONS)
        .into_iter()
        .enumerate()
        .map(|(i, s)| OptSpec { id: i, short: s.short, long: s.long, has_arg: s.has_arg })
        .collect()
}

fn first_item(specs: &[OptSpec<usize>], args: &[&[u8]]) -> Option<Item<usize>> {
    let argv: Vec<OsString> = std::iter::once(b"prog".as_slice())
        .chain(args.iter().copied())
        .map(|a| OsString::from_vec(a.to_vec()))
        .collect();
    Getopt::new(argv, specs, Ordering::RequireOrder).next()
}

proptest! {
    /// `--opt=value` and `--opt value` are the same for a required argument, whatever the
    /// value holds (a leading `-`, `=`, invalid UTF-8).
    #[test]
    fn required_values_attach_or_follow(index in 0usize..64, value in proptest::collection::vec(1u8..=255, 0..16)) {
        let specs = unshare_specs();
        let required: Vec<&OptSpec<usize>> =
            specs.iter().filter(|s| s.has_arg == HasArg::Required && s.long.is_some()).collect();
        let spec = required[index % required.len()];
        let long = spec.long.unwrap();
        let attached = [format!("--{long}=").as_bytes(), &value].concat();
        let a = first_item(&specs, &[&attached]);
        let b = first_item(&specs, &[format!("--{long}").as_bytes(), &value]);
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a, Some(Item::Opt(spec.id, Some(OsString::from_vec(value)))));
    }

    /// Any prefix of a long option that no other option shares selects it.
    #[test]
    fn unique_prefixes_select_their_option(index in 0usize..64, cut in 1usize..20) {
        let specs = unshare_specs();
        let longs: Vec<&OptSpec<usize>> = specs.iter().filter(|s| s.long.is_some()).collect();
        let spec = longs[index % longs.len()];
        let long = spec.long.unwrap();
        let prefix = &long[..cut.min(long.len())];
        let owners: Vec<&&OptSpec<usize>> =
            longs.iter().filter(|s| s.long.unwrap().starts_with(prefix)).collect();
        let exact = longs.iter().any(|s| s.long == Some(prefix));
        let item = first_item(&specs, &[format!("--{prefix}").as_bytes(), b"v"]);
        match &item {
            Some(Item::Opt(..)) => prop_assert!(exact || owners.len() == 1, "--{} was not unique", prefix),
            Some(Item::Error(msg)) => {
                prop_assert!(!exact && owners.len() > 1, "--{}: {}", prefix, msg);
                prop_assert!(msg.contains("is ambiguous"), "{}", msg);
            }
            None => prop_assert!(false, "no item for --{}", prefix),
        }
        if owners.len() == 1 {
            let selected = matches!(item, Some(Item::Opt(id, _)) if id == spec.id);
            prop_assert!(selected, "--{} selected {:?}", prefix, item);
        }
    }
}

/// C's isspace set, which strtoul skips in front of a number.
fn c_blanks() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(nscore::number::C_SPACE.to_vec()), 0..3)
        .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn unsigned_numbers_round_trip(n: u64, blanks in c_blanks(), plus: bool) {
        let text = format!("{blanks}{}{n}", if plus { "+" } else { "" });
        prop_assert_eq!(parse_unsigned(&text, "x"), Ok(n));
    }

    #[test]
    fn signed_numbers_round_trip(n: i64, blanks in c_blanks()) {
        prop_assert_eq!(parse_signed(&format!("{blanks}{n}"), "x"), Ok(n));
    }

    /// Number-like text against the strtoul/strtos64 model of the fuzz target.
    #[test]
    fn numbers_follow_the_c_model(text in "[ \t+-]{0,2}[0-9]{0,22}[xK \u{a0}]{0,1}") {
        run_target("numbers", text.as_bytes());
    }

    #[test]
    fn numbers_never_panic(text in "\\PC{0,24}") {
        run_target("numbers", text.as_bytes());
    }
}

/// Names util-linux knows, with their numbers.
const SIGNALS: &[(&str, libc::c_int)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("KILL", libc::SIGKILL),
    ("TERM", libc::SIGTERM),
    ("USR1", libc::SIGUSR1),
    ("CHLD", libc::SIGCHLD),
    ("CLD", libc::SIGCHLD),
    ("IOT", libc::SIGABRT),
    ("POLL", libc::SIGIO),
    ("SYS", libc::SIGSYS),
];

proptest! {
    #[test]
    fn signal_names_ignore_case_and_sig(index in 0usize..SIGNALS.len(), prefix: bool, case in any::<u64>()) {
        let (name, sig) = SIGNALS[index];
        let full = format!("{}{name}", if prefix { "SIG" } else { "" });
        let mixed: String = full
            .chars()
            .enumerate()
            .map(|(i, c)| if case >> (i % 64) & 1 == 1 { c.to_ascii_lowercase() } else { c })
            .collect();
        prop_assert_eq!(signal_by_name(&mixed), Some(sig));
    }

    #[test]
    fn realtime_signals_count_from_both_ends(n in 0i32..40, max: bool) {
        let (text, expected) = if max {
            (format!("rtmax-{n}"), libc::SIGRTMAX() - n)
        } else {
            (format!("SIGRTMIN+{n}"), libc::SIGRTMIN() + n)
        };
        let in_range = (libc::SIGRTMIN()..=libc::SIGRTMAX()).contains(&expected);
        prop_assert_eq!(signal_by_name(&text), in_range.then_some(expected));
    }

    #[test]
    fn numbers_are_never_signal_names(n: u32) {
        prop_assert_eq!(signal_by_name(&n.to_string()), None);
    }

    #[test]
    fn signal_text_is_total(text in "(SIG|sig)?(RT|rt)?(MIN|MAX|min|max)?[+-]?[0-9]{0,25}|\\PC{0,12}") {
        run_target("signal", text.as_bytes());
    }
}

/// Small ranges, so that they overlap each other and the single id often.
fn small_ranges() -> impl Strategy<Value = Vec<MapRange>> {
    proptest::collection::vec((0u32..200, 0u32..200, 1u32..30), 0..4)
        .prop_map(|v| v.into_iter().map(|(i, o, c)| MapRange::new(i, o, c)).collect())
}

/// The ids a list maps, as (inner, outer) pairs.
fn expand(ranges: &[MapRange]) -> Vec<(u64, u64)> {
    ranges
        .iter()
        .flat_map(|r| {
            let (inner, outer) = (u64::from(r.inner.unwrap_or(0)), u64::from(r.outer));
            (0..u64::from(r.count)).map(move |k| (inner + k, outer + k))
        })
        .collect()
}

fn disjoint(ranges: &[MapRange]) -> bool {
    let pairs = expand(ranges);
    let inner: HashSet<u64> = pairs.iter().map(|p| p.0).collect();
    let outer: HashSet<u64> = pairs.iter().map(|p| p.1).collect();
    inner.len() == pairs.len() && outer.len() == pairs.len()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn map_specs_round_trip(inner: u32, outer: u32, count: u32) {
        prop_assert_eq!(idmap::parse_range(&format!("{inner}:{outer}:{count}")), Ok(MapRange::new(inner, outer, count)));
        // The deprecated form puts the outer id first.
        prop_assert_eq!(idmap::parse_range(&format!("{outer},{inner},{count}")), Ok(MapRange::new(inner, outer, count)));
        let trailing = format!("{inner}:{outer}:{count}:");
        let short = format!("{inner}:{outer}");
        prop_assert!(idmap::parse_range(&trailing).is_err());
        prop_assert!(idmap::parse_range(&short).is_err());
    }

    /// The point of the hole cut: with the single id added, still no id is mapped twice on
    /// either side (the kernel would refuse the map), and the single id comes first.
    #[test]
    fn hole_cut_maps_each_id_once(ranges in small_ranges(), inner in 0u32..200, outer in 0u32..200) {
        prop_assume!(disjoint(&ranges));
        let cut = idmap::with_single_id(&ranges, outer, Some(inner));
        prop_assert_eq!(cut[0], MapRange::new(inner, outer, 1));
        prop_assert!(disjoint(&cut), "{:?} -> {:?}", ranges, cut);
        // The ranges keep their total size less at most one id each. (Which ids they map
        // may shift: `--map-user=16 --map-users=0:0:17` maps `16 0 1` then `0 1 16` in
        // util-linux 2.42.2 as here, not 0..15 onto 0..15.)
        let before: u64 = ranges.iter().map(|r| u64::from(r.count)).sum();
        let after: u64 = cut[1..].iter().map(|r| u64::from(r.count)).sum();
        prop_assert!(after <= before && after + ranges.len() as u64 >= before, "{:?} -> {:?}", ranges, cut);
    }

    #[test]
    fn map_text_is_total(text in "[0-9:, \n+-]{0,40}|\\PC{0,20}") {
        run_target("idmap", text.as_bytes());
    }
}

/// A grammatical `-Q` expression over lsns's columns.
fn filter_expression() -> impl Strategy<Value = String> {
    let holder = proptest::sample::select(vec!["NS", "TYPE", "PID", "COMMAND", "nprocs", "NETNSID", "PNS", "USER"]);
    let literal = prop_oneof![
        any::<u32>().prop_map(|n| n.to_string()),
        (1u32..999, proptest::sample::select(vec!["K", "M", "KiB", "G"])).prop_map(|(n, s)| format!("{n}{s}")),
        (0u32..100, 0u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        "[a-z ]{0,6}".prop_map(|s| format!("\"{s}\"")),
        "[a-z]{0,6}".prop_map(|s| format!("'{s}'")),
        Just("true".to_string()),
        Just("false".to_string()),
    ];
    let leaf = prop_oneof![holder.prop_map(str::to_string), literal];
    leaf.prop_recursive(6, 48, 2, |inner| {
        let op = proptest::sample::select(vec![
            "==", "!=", "<", "<=", ">", ">=", "eq", "ne", "lt", "le", "gt", "ge", "&&", "||", "and", "or",
        ]);
        prop_oneof![
            (inner.clone(), op, inner.clone()).prop_map(|(l, o, r)| format!("{l} {o} {r}")),
            inner.clone().prop_map(|e| format!("!{e}")),
            inner.clone().prop_map(|e| format!("not {e}")),
            inner.prop_map(|e| format!("({e})")),
        ]
    })
}

fn lsns_column(name: &str) -> Option<nscore::output::ColumnSpec> {
    nscore::lsns::columns::COLUMNS.iter().map(|c| c.spec).find(|spec| spec.name.eq_ignore_ascii_case(name))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Grammatical expressions parse, and evaluate on any row without panicking (a type
    /// mismatch is util-linux's `failed to apply filter: Invalid argument`, not a crash).
    #[test]
    fn grammatical_filters_parse_and_evaluate(expr in filter_expression(), cells in proptest::collection::vec("\\PC{0,6}|[0-9]{1,20}", 8)) {
        let filter = Filter::parse(&expr, &lsns_column);
        prop_assert!(filter.is_ok(), "{}: {:?}", expr, filter.err());
        let filter = filter.unwrap();
        let value = |name: &str| cells.get(name.len() % cells.len()).cloned().filter(|s| !s.is_empty());
        match filter.try_matches(&value) {
            Ok(m) => prop_assert_eq!(filter.matches(&value), m),
            Err(e) => prop_assert!(e.render("lsns").starts_with("lsns: failed to apply filter: "), "{:?}", e),
        }
    }

    /// Filter text from the language's own pieces, mostly not grammatical.
    #[test]
    fn filter_text_is_total(
        pieces in proptest::collection::vec(proptest::sample::select(vec![
            "NS", "TYPE", "(", ")", "!", "==", "=~", "!~", "&&", "||", "and", "\"", "'", "1K", "0.5", "1.5.5", "@",
            "=", " ", "\\", "\"(\"", "99999999999999999999K", "true",
        ]), 0..16),
        tail in "\\PC{0,4}",
    ) {
        let text = format!("{}{tail}", pieces.concat());
        run_target("filter", text.as_bytes());
    }

    #[test]
    fn rendering_hostile_cells_is_total(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        run_target("render", &bytes);
    }

    #[test]
    fn program_names_are_basenames(bytes in proptest::collection::vec(1u8..=255, 0..40)) {
        let name = nscore::cli::invocation::program_name(&OsString::from_vec(bytes));
        prop_assert!(!name.contains('/'));
    }
}

/// Every fuzz target accepts its own starting inputs (the corpus replayed on each test run).
#[test]
fn fuzz_targets_accept_their_seeds() {
    for target in fuzz::TARGETS {
        for seed in target.seeds {
            (target.run)(seed);
        }
        (target.run)(b"");
    }
}

// ---------------------------------------------------------------- /proc text and lsns arguments

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever a process calls itself (`comm` may hold `)`, blanks, newlines, invalid UTF-8),
    /// pid, state and ppid come out right: the comm ends at the *last* `)`.
    #[test]
    fn stat_lines_with_any_comm(pid in 1i32..i32::MAX, comm in proptest::collection::vec(1u8..=255, 0..64),
                                state in proptest::sample::select(vec!['R', 'S', 'D', 'Z', 'T', 'I']), ppid in 0i32..i32::MAX) {
        let line = [format!("{pid} (").as_bytes(), &comm, format!(") {state} {ppid} {pid} {pid} 0 -1 4194560 1 0").as_bytes()].concat();
        let line = String::from_utf8_lossy(&line);
        prop_assert_eq!(nscore::proc::parse_stat(&line), Some(nscore::proc::Stat { pid, state, ppid }));
    }

    /// A command line (arguments without NUL, each ended by NUL) reads as the arguments joined
    /// by blanks, as util-linux shows it.
    #[test]
    fn command_lines_read_as_joined_arguments(args in proptest::collection::vec(proptest::collection::vec(1u8..=255, 0..20), 1..8)) {
        let raw: Vec<u8> = args.iter().flat_map(|a| a.iter().copied().chain(std::iter::once(0))).collect();
        let shown = nscore::proc::procfs_text(&raw).unwrap();
        // Every byte is kept, UTF-8 or not, for the renderers to show as util-linux does.
        prop_assert_eq!(nscore::byte_text::carried_bytes(&shown), args.join(&b' '));
    }

    /// Any mount target, mangled as the kernel does (blank, tab, newline, backslash as octal
    /// escapes), comes back as it was: its bytes, from mountinfo's bytes carried as
    /// `ProcFs` reads them (a character of the carriers' plane, U+10FF00 on, included).
    #[test]
    fn mountinfo_targets_unmangle(target in "/[^\u{0}]{0,40}", ino in any::<u32>()) {
        let mangled: String = target
            .chars()
            .map(|c| match c {
                ' ' => "\\040".to_string(),
                '\t' => "\\011".to_string(),
                '\n' => "\\012".to_string(),
                '\\' => "\\134".to_string(),
                c => c.to_string(),
            })
            .collect();
        let line = format!("612 30 0:4 net:[{ino}] {mangled} rw,relatime shared:1 - nsfs nsfs rw\n");
        let mounts = nscore::proc::parse_mountinfo_nsfs(&nscore::byte_text::carry_bytes(line.as_bytes()));
        prop_assert_eq!(mounts.len(), 1);
        prop_assert_eq!(nscore::byte_text::carried_bytes(&mounts[0].target), target.as_bytes());
        prop_assert_eq!(nscore::lsns::model::nsfs_root_ino(&mounts[0].root), Some(u64::from(ino)));
    }

    #[test]
    fn proc_text_is_total(parts in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 0..6)) {
        run_target("proc", &parts.join(&0xffu8));
    }

    /// Any list of real column names, in any case, is taken in order; with `+` it is added.
    #[test]
    fn column_lists_take_real_names(picks in proptest::collection::vec((0..nscore::lsns::columns::NAMES.len(), any::<bool>()), 1..10), plus: bool) {
        use nscore::lsns::columns::{apply_output_list, Col};
        let names = nscore::lsns::columns::NAMES;
        let list: Vec<String> =
            picks.iter().map(|&(i, lower)| if lower { names[i].to_lowercase() } else { names[i].to_string() }).collect();
        let text = format!("{}{}", if plus { "+" } else { "" }, list.join(","));
        let mut current = vec![Col::from_name("NS").unwrap()];
        apply_output_list(&text, &mut current).unwrap();
        let expected: Vec<Col> = (if plus { vec![Col::from_name("NS").unwrap()] } else { vec![] })
            .into_iter()
            .chain(picks.iter().map(|&(i, _)| Col::from_name(names[i]).unwrap()))
            .collect();
        prop_assert_eq!(current, expected);
    }

    #[test]
    fn column_text_is_total(list in "[+,A-Za-z]{0,40}", id in "[ \t+-]{0,2}[0-9]{0,22}|\\PC{0,8}") {
        run_target("lsns-columns", &[list.as_bytes(), &[0xff], id.as_bytes()].concat());
    }

    #[test]
    fn namespace_ids_round_trip(n: u64) {
        prop_assert_eq!(nscore::lsns::parse_namespace_id(&n.to_string()).ok(), Some(n));
    }
}

proptest! {
    /// Container detection on cgroup paths built from the runtimes' own pieces, and on garbage.
    #[test]
    fn cgroup_paths_are_total(
        parts in proptest::collection::vec(proptest::sample::select(vec![
            "system.slice", "docker", "docker-3f2a9c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708.scope",
            "3f2a9c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708", "kubepods", "pod1b2c3d4e-5f6a-7b8c",
            "machine.slice", "machine-web\\x2d1.scope", "supervisor", "payload", "lxc.payload.web", "lxc", "conmon",
            "crio-conmon-x.scope", "libpod-", "", "..", "\u{1f600}",
        ]), 0..8),
        target in "(docker|k8s|lxc|nspawn|podman|crio|x)?:[0-9a-f]{0,12}|\\PC{0,10}",
    ) {
        let text = format!("0::/{}\n", parts.join("/"));
        run_target("cgroup", &[text.as_bytes(), &[0xff], target.as_bytes()].concat());
    }
}
