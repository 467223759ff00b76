//! rlsns against the real kernel and util-linux lsns.
//!
//! Most tests build a small world that dies with them: a shell script run as pid 1 of new
//! pid, mount (private propagation, /proc remounted) and net namespaces, which starts
//! sleepers in further namespaces and then runs, for each command line, our lsns and
//! /usr/bin/lsns (2.38.1) right after one another, both as `lsns` found through PATH (so
//! argv[0], messages and their own command lines are the same). Where 2.38.1 and 2.42.2
//! agree (raw and JSON output, messages; docs/parity.md says where they differ) the two are compared byte for byte;
//! table output on a pipe differs in column widths (2.38 pads to width hints), so tables are
//! compared cell by cell; behaviour 2.38.1 lacks (process-less namespaces, -P, -H, 2.42
//! messages) is asserted directly, with golden data recorded from the 2.42.2 oracle where the
//! test says so.

use crate::common::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn getopt_errors_match_util_linux() {
    // `--no`: the candidates in long_opts order.
    for args in [
        &["--bogus=1"][..],
        &["-x"],
        &["-p"],
        &["--task"],
        &["--js=1"],
        &["--out"],
        &["-Tx"],
        &["-t", "foo"],
        &["--no"],
    ] {
        compare("lsns", args);
    }
    // POSIXLY_CORRECT, read when the tool starts, stops the options at the first operand.
    let posix = |program: &str| {
        run_with(program, "lsns", &["abc", "-x"], |c| {
            c.env("POSIXLY_CORRECT", "1");
        })
    };
    let o = posix(ours("lsns"));
    assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.status), ("", "lsns: invalid namespace argument: 'abc'\n", 1));
    if oracle("lsns", "getopt_errors_match_util_linux") {
        assert_same(&posix("/usr/bin/lsns"), &o);
    }
}

/// Arguments that are not UTF-8 are quoted in messages as the bytes they are (getopt prints
/// the one byte of an unknown option character).
#[test]
fn messages_quote_argument_bytes() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    use std::os::unix::process::CommandExt;
    if !oracle("lsns", "messages_quote_argument_bytes") {
        return;
    }
    let ff = OsStr::from_bytes(b"\xff");
    let cases: [&[&OsStr]; 6] = [
        &[OsStr::new("-o"), ff],
        &[OsStr::new("-t"), ff],
        &[OsStr::new("-p"), ff],
        &[ff],
        &[OsStr::from_bytes(b"--\xff")],
        &[OsStr::new("-é")],
    ];
    let run = |program: &str, args: &[&OsStr]| {
        let mut cmd = Command::new(program);
        neutral_env(&mut cmd).arg0("lsns").args(args).env("LC_ALL", "C").stdin(Stdio::null());
        let out = cmd.output().unwrap();
        (out.stdout, out.stderr, out.status.code())
    };
    for args in cases {
        assert_eq!(run(ours("lsns"), args), run("/usr/bin/lsns", args), "lsns {args:?}");
    }
    // -Q (2.41+), as 2.42.2 answers `lsns -Q $'\xff'`: the scanner's echo, then the message.
    let want =
        (b"\xff".to_vec(), b"lsns: failed to parse \"\xff\": syntax error, unexpected end of file\n".to_vec(), Some(1));
    assert_eq!(run(ours("lsns"), &[OsStr::new("-Q"), ff]), want);
}

/// Messages 2.38.1 prints the same way, compared outside any world (they fail before or
/// without depending on what is scanned).
#[test]
fn argument_errors_match_util_linux() {
    if !privileged("argument_errors_match_util_linux") || !oracle("lsns", "argument_errors_match_util_linux") {
        return;
    }
    for args in [
        &["-o", "FOO"][..],
        &["-o", "NS,FOO,TYPE"],
        &["-o", "NS,"],
        &["-o", "NS,,TYPE"],
        &["-o", ",NS"],
        &["-o", ""],
        &["-o", "+"],
        &["-p", "abc"],
        &["-p", "99999999999"],
        &["-T", "parent"],
        &["--tree=bogus"],
        &["-tnet", "-t", "bogus"],
        &["abc"],
        &["--", "-1"],
        &["12abc"],
        &["99999999999999999999999"],
        &["4026531837", "-p", "1"],
        &["--task=1", "4026531837"],
        &["1"],
        &["-l", "12345"],
    ] {
        compare_in_quiet_world(args);
    }
    // More than 26 columns: silent failure.
    let many = vec!["NS"; 27].join(",");
    compare_in_quiet_world(&["-o", &many]);
}

/// Compares rlsns with /usr/bin/lsns, each in a fresh pid namespace of its own: the cases that
/// scan `/proc` then see no processes of other tests come and go (2.38.1 exits 1 silently when
/// a process vanishes between two of its reads).
fn compare_in_quiet_world(args: &[&str]) {
    let run = |program: &str| {
        let mut argv = vec!["-p", "-f", "--mount-proc", "-m", "--propagation", "private", "/bin/bash", "-c"];
        argv.extend(["exec -a lsns \"$0\" \"$@\"", program]);
        argv.extend(args);
        let mut out = crate::common::run_as("/usr/bin/unshare", "unshare", &argv);
        out.command = format!("lsns {}", args.join(" "));
        out
    };
    crate::common::assert_same(&run("/usr/bin/lsns"), &run(crate::common::ours("lsns")));
}

#[test]
fn messages_new_in_2_42() {
    let o = run_ours("lsns", &["-J", "-r"]);
    assert_eq!(
        (o.stdout.as_str(), o.stderr.as_str(), o.status),
        ("", "lsns: options --json and --raw cannot be combined\n", 1)
    );
    // 2.38.1 took `-p 0` as no filter at all.
    let o = run_ours("lsns", &["-p", "0"]);
    assert_eq!(
        (o.stdout.as_str(), o.stderr.as_str(), o.status),
        ("", "lsns: invalid PID argument: '0': Numerical result out of range\n", 1)
    );
    let o = run_ours("lsns", &["-P", "--task=1"]);
    assert_eq!(o.stderr, "lsns: options --persistent and --task cannot be combined\n");
    assert_eq!(o.status, 1);
}

/// A pid no process has: nothing at all, not even a header, or an empty JSON list (2.42.2;
/// 2.38.1 printed nothing for JSON either).
#[test]
fn nonexistent_task_prints_nothing() {
    let o = run_ours("lsns", &["-p", "999999999"]);
    assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.status), ("", "", 0));
    let o = run_ours("lsns", &["-J", "-p", "999999999"]);
    assert_eq!((o.stdout.as_str(), o.status), ("{\n   \"namespaces\": [\n\n   ]\n}\n", 0));
}

#[test]
fn version_and_help() {
    let o = run_ours("lsns", &["-V"]);
    assert_eq!(o.stdout, format!("lsns from util-linux 2.42.3\nrns {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(o.status, 0);
    let o = run_as(ours("lsns"), "/some/where/rlsns", &["--version"]);
    assert_eq!(o.stdout, format!("rlsns from util-linux 2.42.3\nrns {}\n", env!("CARGO_PKG_VERSION")));
    // Recorded from the 2.42.2 oracle: `lsns --help` (2.38.1 lacks -P, -Q and -H).
    let o = run_ours("lsns", &["-h", "--bogus"]);
    assert_text("lsns --help", include_str!("fixtures/lsns/help.golden"), &o.stdout);
    assert_eq!(o.status, 0);
}

#[test]
fn write_error_on_full_stdout() {
    let full = || Stdio::from(fs::OpenOptions::new().write(true).open("/dev/full").unwrap());
    let run_with = |program: &str, args: &[&str]| {
        let out = neutral_env(&mut Command::new(program))
            .args(args)
            .env("LC_ALL", "C")
            .stdout(full())
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        (String::from_utf8_lossy(&out.stderr).into_owned(), out.status.code())
    };
    let run = |program: &str| run_with(program, &["--help"]);
    assert_eq!(run(ours("lsns")), ("rlsns: write error: No space left on device\n".to_string(), Some(1)));
    // More than stdio's buffer (4096 bytes on /dev/full) fails while printing, and
    // close_stdout finds only the error flag: no errno (2.42.2, here with -Q's scanner echo
    // as the output). Exactly a bufferful fails at the final flush, with its errno.
    let echo = |n: usize| format!("{} NS", "@".repeat(n));
    let (over, full_buffer) = (echo(4097), echo(4096));
    let msg = |q: &str| run_with(ours("lsns"), &["-Q", q, "-p", "999999999"]);
    assert_eq!(msg(&over), ("rlsns: write error\n".to_string(), Some(1)));
    assert_eq!(msg(&full_buffer), ("rlsns: write error: No space left on device\n".to_string(), Some(1)));
    if oracle("lsns", "write_error_on_full_stdout") {
        assert_eq!(run("/usr/bin/lsns"), ("lsns: write error: No space left on device\n".to_string(), Some(1)));
    }
}

/// `-H`: the column list, in table, raw and JSON form. Golden files recorded from the 2.42.2
/// oracle (`lsns -H`, `lsns -H -r`, `lsns -H -J`); 2.38.1 has no -H.
#[test]
fn list_columns() {
    for (args, golden) in [
        (&["-H"][..], include_str!("fixtures/lsns/list-columns.golden")),
        (&["-H", "-r"], include_str!("fixtures/lsns/list-columns-raw.golden")),
        (&["--list-columns", "--json"], include_str!("fixtures/lsns/list-columns-json.golden")),
        // -n and -o change nothing; the list is always without a header.
        (&["-H", "-n", "-o", "NS"], include_str!("fixtures/lsns/list-columns.golden")),
    ] {
        let o = run_ours("lsns", args);
        assert_text(&format!("lsns {}", args.join(" ")), golden, &o.stdout);
        assert_eq!((o.stderr.as_str(), o.status), ("", 0));
    }
}

/// `-Q`: syntax errors while options are read, unknown holders after the scan. Messages from
/// the 2.42.2 oracle (2.38.1 has no -Q). Needs `output::filter` (merged from `output`).
#[test]
fn filter_errors() {
    if !privileged("filter_errors") {
        return;
    }
    let o = run_ours("lsns", &["-Q", "NS =="]);
    assert_eq!(o.stderr, "lsns: failed to parse \"NS ==\": syntax error, unexpected end of file\n");
    assert_eq!(o.status, 1);
    let o = run_ours("lsns", &["-Q", "FOO == 1 || FOO == 2 || bar"]);
    assert_eq!(
        o.stderr,
        "lsns: unknown column: FOO\nlsns: unknown column: FOO\nlsns: unknown column: bar\nlsns: failed to initialize filter\n"
    );
    assert_eq!((o.stdout.as_str(), o.status), ("", 1));
    // A syntax error comes before the errors of later options, after those of earlier ones.
    let o = run_ours("lsns", &["-Q", "NS ==", "-t", "bogus"]);
    assert_eq!(o.stderr, "lsns: failed to parse \"NS ==\": syntax error, unexpected end of file\n");
    let o = run_ours("lsns", &["-t", "bogus", "-Q", "NS =="]);
    assert_eq!(o.stderr, "lsns: unknown namespace type: bogus\n");
}

// ---------------------------------------------------------------------------------------
// Worlds

static WORLDS: AtomicUsize = AtomicUsize::new(0);

/// What one command gave with each tool.
struct Run {
    args: String,
    ours: Outcome,
    theirs: Outcome,
}

/// A world's results, and the values its setup recorded (`record NAME VALUE`).
struct World {
    dir: PathBuf,
    runs: Vec<Run>,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl World {
    fn value(&self, name: &str) -> String {
        fs::read_to_string(self.dir.join("res").join(name))
            .unwrap_or_else(|e| panic!("world value {name}: {e}"))
            .trim()
            .to_string()
    }

    fn run(&self, args: &str) -> &Run {
        self.runs.iter().find(|r| r.args == args).unwrap_or_else(|| panic!("no run of `lsns {args}`"))
    }
}

/// Shell functions every world script has: `record NAME VALUE`, `wait_sleepers N` (until N
/// processes named `sleep` exist), `wait_comm PID NAME`.
const PRELUDE: &str = r#"
record() { echo "$2" > "$D/res/$1"; }
sleepers() { n=0; for c in /proc/[0-9]*/comm; do [ "$(cat "$c" 2>/dev/null)" = sleep ] && n=$((n+1)); done; echo $n; }
wait_sleepers() { i=0; while [ "$(sleepers)" -lt "$1" ]; do i=$((i+1)); [ $i -gt 2000 ] && { echo "world: sleepers did not start" >&2; exit 99; }; sleep 0.01; done; }
wait_comm() { i=0; while [ "$(cat /proc/$1/comm 2>/dev/null)" != "$2" ]; do i=$((i+1)); [ $i -gt 2000 ] && exit 98; sleep 0.01; done; }
"#;

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Builds a world from `setup` (sh, `set -e`, `$D` is the world's directory, `/tmp` is a
/// fresh tmpfs, `/run/netns` too) and runs each of `commands` (lsns arguments as shell words,
/// `$VARS` from setup allowed) with both tools (ours alone where util-linux's lsns is missing
/// outside CI). Returns `None` where it cannot run here.
fn world(name: &str, setup: &str, commands: &[&str]) -> Option<World> {
    if !privileged(name) || !oracle("unshare", name) {
        return None;
    }
    let n = WORLDS.fetch_add(1, Ordering::SeqCst);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("lsns-world-{}-{n}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("res")).unwrap();
    fs::create_dir_all(dir.join("ours")).unwrap();
    std::os::unix::fs::symlink(ours("lsns"), dir.join("ours/lsns")).unwrap();
    let theirs = oracle("lsns", name);
    let mut script = format!("set -e\nD={}\n{PRELUDE}\n", quote(&dir.to_string_lossy()));
    script.push_str(&tmpfs_on_tmp("none"));
    script.push_str("mkdir -p /run/netns\nmount -t tmpfs none /run/netns\n");
    script.push_str(setup);
    script.push_str("\nset +e\n");
    for (i, args) in commands.iter().enumerate() {
        script.push_str(&format!(
            "PATH=\"$D/ours:$PATH\" lsns {args} >$D/res/{i}.ours.out 2>$D/res/{i}.ours.err; echo $? >$D/res/{i}.ours.rc\n"
        ));
        if theirs {
            script.push_str(&format!(
                "PATH=\"/usr/bin:$PATH\" lsns {args} >$D/res/{i}.theirs.out 2>$D/res/{i}.theirs.err; echo $? >$D/res/{i}.theirs.rc\n"
            ));
        }
    }
    script.push_str("echo done > $D/res/done\n");
    // Run from a file: pid 1's command line (shown by lsns) stays `sh DIR/world.sh`.
    let script_path = dir.join("world.sh");
    fs::write(&script_path, script).unwrap();
    let out = neutral_env(&mut Command::new("timeout"))
        .args(["-s", "KILL", "120", "/usr/bin/unshare", "--kill-child", "--fork", "--pid", "--mount-proc"])
        .args(["--mount", "--net", "--uts", "--ipc", "--propagation", "private", "sh"])
        .arg(&script_path)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .output()
        .expect("run the world");
    let mut w = World { dir, runs: Vec::new() };
    assert!(
        w.dir.join("res/done").exists(),
        "world {name} failed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let read = |dir: &Path, i: usize, who: &str, args: &str| -> Outcome {
        // Output that is not UTF-8 is compared byte for byte through its escaped form.
        let f = |ext: &str| {
            let bytes = fs::read(dir.join(format!("res/{i}.{who}.{ext}"))).unwrap_or_default();
            String::from_utf8(bytes).unwrap_or_else(|e| e.into_bytes().escape_ascii().to_string())
        };
        Outcome {
            command: format!("lsns {args}"),
            stdout: f("out"),
            stderr: f("err"),
            status: f("rc").trim().parse().unwrap_or(-1),
        }
    };
    for (i, args) in commands.iter().enumerate() {
        let ours = read(&w.dir, i, "ours", args);
        let theirs = if theirs { read(&w.dir, i, "theirs", args) } else { ours.clone() };
        w.runs.push(Run { args: args.to_string(), ours, theirs });
    }
    Some(w)
}

/// Sleepers in new uts+net, ipc, and user namespaces, a nested user namespace with a pid
/// namespace, a user namespace whose parent no process is in (a "ghost" in owner/parent
/// trees), and a shell whose command line has quotes, a tab and UTF-8. Without trees no
/// namespace lacks processes, so 2.38.1 sees the same namespaces.
const PROCESS_WORLD: &str = r#"
/usr/bin/unshare -u -n sleep 1000 &
record utsp $!
/usr/bin/unshare -i sh -c 'sleep 1000; : "a b"	tab ünï' &
/usr/bin/unshare -U -r --fork sh -c 'exec /usr/bin/unshare -U --map-user=5 -p --fork sleep 1000' &
/usr/bin/unshare -U -r sh -c 'exec /usr/bin/unshare -U sleep 1000' &
wait_sleepers 4
UTSP=$(cat $D/res/utsp)
UTS=$(stat -L -c %i /proc/$UTSP/ns/uts)
USERNS=$(for p in /proc/[0-9]*; do [ "$(cat $p/comm)" = sleep ] && stat -L -c %i $p/ns/user; done | sort -n | tail -1)
record uts $UTS
"#;

/// Raw and JSON output of every mode, compared with 2.38.1 byte for byte.
#[test]
fn process_world_matches_util_linux() {
    let commands = [
        "-r",
        "-J",
        "-r -l",
        "-J -l",
        "-r -n",
        "-r -u",
        "-r --tree=owner",
        "-J --tree=owner",
        "-r --tree=parent",
        "-r -n -o NS,TYPE,NPROCS,PNS,ONS -t user --tree=parent",
        "-J -Tparent",
        "-r -Tprocess",
        "-r -T=owner",
        "-r -l -T",
        "-r --output-all",
        "-J --output-all",
        "-J --output-all -l",
        "-r -o NS,TYPE,PATH,NPROCS,PID,PPID,UID,USER,PNS,ONS",
        "-r -o +PPID,PATH -t pid",
        "-r -t user -t pid -T",
        "-J -t user -t pid -T",
        "-J -t user -t pid -Tparent -o NS,TYPE,PNS,ONS",
        "-r -t uts -t ipc",
        "-r -t net",
        "-J -t net -o NS,NETNSID,NSFS",
        "-r -p $UTSP",
        "-J -p $UTSP -o NS,TYPE",
        "-r -p 99999",
        "-r $UTS",
        "-J $UTS",
        "-r -l $USERNS",
        "-J -Towner $USERNS",
        "-r $USERNS -o +NS,TYPE",
        "-r 0",
        "12345",
        "-o NS,COMMAND -r",
        "-o NS -r -n",
        // Every tree column draws the tree.
        "-r -o COMMAND,NS,COMMAND",
        "-r -T -o NS,TYPE,NS",
        "-r -n -o NS,TYPE,NPROCS,PID,PPID,UID,USER -t mnt -t net -t ipc -t user -t pid -t uts -t cgroup -t time",
    ];
    let Some(w) = world("process_world_matches_util_linux", PROCESS_WORLD, &commands) else { return };
    for r in &w.runs {
        assert_same(&r.theirs, &r.ours);
    }
    // The ghost: the parent of the last user namespace, found through NS_GET_PARENT.
    assert!(w.run("-r -n -o NS,TYPE,NPROCS,PNS,ONS -t user --tree=parent").ours.stdout.contains(" user 0 "));
    // The quoted/tabbed/UTF-8 command line came through.
    assert!(w.run("-r -t uts -t ipc").ours.stdout.contains("sh\\x20-c\\x20sleep\\x201000;"));
}

/// Table output on a pipe: the same cells and tree glyphs as 2.38.1, line by line (2.38.1
/// pads some columns to width hints, 2.42.2 does not, see the next test).
#[test]
fn process_world_tables_have_the_cells_of_util_linux() {
    let commands = ["", "-l", "--tree=owner", "-Tparent", "-t net", "-n", "$UTS", "-l $USERNS", "--output-all"];
    let Some(w) = world("process_world_tables_have_the_cells_of_util_linux", PROCESS_WORLD, &commands) else {
        return;
    };
    let cells =
        |s: &str| s.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n");
    for r in &w.runs {
        assert_text(&format!("cells of `{}`", r.ours.command), &cells(&r.theirs.stdout), &cells(&r.ours.stdout));
        assert_eq!((&r.theirs.stderr, r.theirs.status), (&r.ours.stderr, r.ours.status), "{}", r.ours.command);
    }
}

/// Namespaces no process is in (2.39+): a net namespace kept by a bind mount on /tmp/keep,
/// and one made by `ip netns add demo` with nsid 3, whose 2.42.2
/// output the expectations follow.
#[test]
fn persistent_namespaces() {
    let setup = r#"
touch /tmp/keep
/usr/bin/unshare --net=/tmp/keep true
record keep $(stat -L -c %i /tmp/keep)
ip netns add demo
ip netns set demo 3
record demo $(stat -L -c %i /run/netns/demo)
"#;
    let commands = [
        "-P -o NS,TYPE,NPROCS,PID,USER,NETNSID,NSFS",
        "-J -P -o NS,TYPE,NPROCS,PID,NETNSID,NSFS",
        "-P -r -n --output-all",
        "-r -n -t net -o NS,NPROCS",
        "-r -n -t user -P",
        "-p 1 -r -n -o NS -t net",
        "-P -l -n -o NS,UID,USER",
        "$(cat $D/res/demo) -r",
        "$(cat $D/res/demo) -J",
        "-J -P -o NS -Q 'NETNSID == \"3\"'",
    ];
    if !installed("ip", "persistent_namespaces") {
        return;
    }
    let Some(w) = world("persistent_namespaces", setup, &commands) else { return };
    let (keep, demo): (u64, u64) = (w.value("keep").parse().unwrap(), w.value("demo").parse().unwrap());
    let mut rows = [
        (keep, format!("{keep} net       0     root unassigned /tmp/keep\n"), "\"unassigned\"", "/tmp/keep"),
        (demo, format!("{demo} net       0     root          3 /run/netns/demo\n"), "\"3\"", "/run/netns/demo"),
    ];
    rows.sort();
    let table: String = rows.iter().map(|r| r.1.clone()).collect();
    let o = &w.run("-P -o NS,TYPE,NPROCS,PID,USER,NETNSID,NSFS").ours;
    assert_text(&o.command, &format!("        NS TYPE NPROCS PID USER    NETNSID NSFS\n{table}"), &o.stdout);
    assert_eq!(o.status, 0);

    let entries: Vec<String> = rows
        .iter()
        .map(|(ino, _, id, nsfs)| {
            format!(
                "{{\n         \"ns\": {ino},\n         \"type\": \"net\",\n         \"nprocs\": 0,\n         \"pid\": null,\n         \"netnsid\": {id},\n         \"nsfs\": \"{nsfs}\"\n      }}"
            )
        })
        .collect();
    // libsmartcols joins sibling objects as `},{`.
    let json = format!("{{\n   \"namespaces\": [\n      {}\n   ]\n}}\n", entries.join(","));
    assert_text("-J -P", &json, &w.run("-J -P -o NS,TYPE,NPROCS,PID,NETNSID,NSFS").ours.stdout);

    // --output-all, raw: PATH, PID, PPID and COMMAND empty; UID 0 (NS_GET_OWNER_UID answers
    // only for user namespaces); PNS 0; ONS the world's (the host's) user namespace.
    let all = &w.run("-P -r -n --output-all").ours.stdout;
    let userns = fs::metadata("/proc/self/ns/user").map(|m| std::os::unix::fs::MetadataExt::ino(&m)).unwrap();
    let want: String = rows
        .iter()
        .map(|(ino, _, id, nsfs)| format!("{ino} net  0    0 root {} {nsfs} 0 {userns}\n", id.trim_matches('"')))
        .collect();
    assert_text("-P -r -n --output-all", &want, all);
    // Plain listings include them with NPROCS 0; -t user has none; -p 1 leaves them out.
    let nets = &w.run("-r -n -t net -o NS,NPROCS").ours.stdout;
    assert!(nets.contains(&format!("{keep} 0\n")) && nets.contains(&format!("{demo} 0\n")), "{nets}");
    assert_eq!(w.run("-r -n -t user -P").ours.stdout, "");
    assert!(!w.run("-p 1 -r -n -o NS -t net").ours.stdout.contains(&keep.to_string()));
    assert_eq!(w.run("-P -l -n -o NS,UID,USER").ours.stdout, format!("{} 0 root\n{} 0 root\n", rows[0].0, rows[1].0));
    // The processes of a namespace without processes: an empty table (nothing; empty JSON).
    let o = &w.run("$(cat $D/res/demo) -r").ours;
    assert_eq!((o.stdout.as_str(), o.stderr.as_str(), o.status), ("", "", 0));
    assert_eq!(w.run("$(cat $D/res/demo) -J").ours.stdout, "{\n   \"namespaces\": [\n\n   ]\n}\n");
    // NETNSID used only by the filter is still asked for (needs output::filter).
    assert_eq!(
        w.run("-J -P -o NS -Q 'NETNSID == \"3\"'").ours.stdout,
        format!("{{\n   \"namespaces\": [\n      {{\n         \"ns\": {demo}\n      }}\n   ]\n}}\n")
    );
}

/// A namespace bound twice: NSFS lists both targets, one per line in a table, joined by `,`
/// with -W or -r. Expected output recorded from 2.42.2, including its JSON rendering of the
/// two-line cell (only the first line, then a line holding one blank).
#[test]
fn nsfs_bound_twice() {
    let setup = r#"
touch /tmp/keep /tmp/again
/usr/bin/unshare --net=/tmp/keep true
mount --bind /tmp/keep /tmp/again
record keep $(stat -L -c %i /tmp/keep)
"#;
    let commands = [
        "-P -o NS,TYPE,NPROCS,PID,USER,NETNSID,NSFS",
        "-P -W -n -o NS,NSFS",
        "-P -r -n -o NS,NSFS",
        "-J -P -o NS,NSFS",
        "-J -W -P -o NS,NSFS",
    ];
    let Some(w) = world("nsfs_bound_twice", setup, &commands) else { return };
    let keep = w.value("keep");
    assert_text(
        "table",
        &format!("        NS TYPE NPROCS PID USER    NETNSID NSFS\n{keep} net       0     root unassigned /tmp/keep\n{}/tmp/again\n", " ".repeat(43)),
        &w.run("-P -o NS,TYPE,NPROCS,PID,USER,NETNSID,NSFS").ours.stdout,
    );
    assert_eq!(w.run("-P -W -n -o NS,NSFS").ours.stdout, format!("{keep} /tmp/keep,/tmp/again\n"));
    assert_eq!(w.run("-P -r -n -o NS,NSFS").ours.stdout, format!("{keep} /tmp/keep,/tmp/again\n"));
    assert_eq!(
        w.run("-J -P -o NS,NSFS").ours.stdout,
        format!("{{\n   \"namespaces\": [\n      {{\n         \"ns\": {keep},\n         \"nsfs\": \"/tmp/keep\"\n \n      }}\n   ]\n}}\n")
    );
    assert_eq!(
        w.run("-J -W -P -o NS,NSFS").ours.stdout,
        format!("{{\n   \"namespaces\": [\n      {{\n         \"ns\": {keep},\n         \"nsfs\": \"/tmp/keep,/tmp/again\"\n      }}\n   ]\n}}\n")
    );
}

/// Bytes that are not UTF-8 in a command line and in a mount point: `\x??` in tables and raw
/// output, the bytes themselves in JSON (as 2.38.1 and 2.42.2 print them).
#[test]
fn bytes_that_are_not_utf8() {
    let setup = r#"
A="$(printf 'inv\377\376alid')"; B="$(printf '\303')"; M="/tmp/$(printf 'sp ace\377')"
/usr/bin/unshare -u sh -c 'sleep 1000; : "$0" "$1"' "$A" "$B" &
wait_sleepers 1
touch "$M"
mount --bind /proc/$!/ns/uts "$M"
"#;
    let commands = [
        "-r -t uts -o NS,NSFS,COMMAND",
        "-J -t uts -o NS,NSFS,COMMAND",
        "-n -t uts -o NSFS,COMMAND",
        "-n -W -t uts -o NS,NSFS,COMMAND",
        "-n -t uts -o NSFS -Q 'COMMAND =~ \"inv..alid\"'",
        "-n -t uts -o NSFS -Q 'COMMAND =~ \"inv.alid\"'",
    ];
    let Some(w) = world("bytes_that_are_not_utf8", setup, &commands) else { return };
    for r in w.runs.iter().filter(|r| !r.args.contains("-Q")) {
        assert_same(&r.theirs, &r.ours);
    }
    // -Q (2.41+) matches the bytes: in the C locale each is one character (as 2.42.2 does).
    assert_eq!(w.run("-n -t uts -o NSFS -Q 'COMMAND =~ \"inv..alid\"'").ours.stdout, "/tmp/sp ace\\xff\n");
    assert_eq!(w.run("-n -t uts -o NSFS -Q 'COMMAND =~ \"inv.alid\"'").ours.stdout, "");
    let raw = &w.run("-r -t uts -o NS,NSFS,COMMAND").ours.stdout;
    // (The sleeper's line hangs under pid 1's or not, as the inode numbers fall.)
    assert!(raw.lines().any(|l| l.contains(" /tmp/sp\\x20ace\\xff ") && l.contains("sh\\x20-c\\x20sleep")), "{raw}");
    assert!(raw.contains("inv\\xff\\xfealid\\x20\\xc3\n"), "{raw}");
    let json = &w.run("-J -t uts -o NS,NSFS,COMMAND").ours.stdout;
    assert!(json.contains("inv\\xff\\xfealid \\xc3\\\""), "{json}");
}

/// Namespaces held only by an open descriptor: an nsfs fd (`exec 3</proc/PID/ns/net`, then
/// PID killed), and a socket whose network namespace no process is in (2.41+), found through
/// pidfd_getfd(2) and SIOCGSKNS.
#[test]
fn descriptor_held_namespaces() {
    let python = python3("descriptor_held_namespaces");
    let mut setup = String::from(
        r#"
( /usr/bin/unshare -n sleep 1000 & P=$!; wait_comm $P sleep; record fdns $(stat -L -c %i /proc/$P/ns/net); exec 3</proc/$P/ns/net; kill $P; wait $P || true; exec sleep 1000 ) &
wait_sleepers 1
i=0; while [ ! -s $D/res/fdns ]; do sleep 0.01; done
"#,
    );
    if python {
        setup.push_str(
            r#"
/usr/bin/unshare -n /usr/bin/python3 -c 'import os, socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
os.set_inheritable(s.fileno(), True)
print(os.stat("/proc/self/ns/net").st_ino, flush=True)
os.execv("/usr/bin/nsenter", ["nsenter", "--net=/proc/1/ns/net", "sleep", "1000"])' > $D/res/sockns &
wait_sleepers 2
"#,
        );
    }
    let commands =
        ["-r -n -P -o NS,TYPE,NPROCS,PID,UID,USER,NETNSID,NSFS", "-r -n -t net -o NS,NPROCS", "-r -n -P -t user"];
    let Some(w) = world("descriptor_held_namespaces", &setup, &commands) else { return };
    let mut want = vec![w.value("fdns")];
    if python {
        want.push(w.value("sockns"));
    }
    want.sort();
    let rows: String = want.iter().map(|ino| format!("{ino} net 0  0 root unassigned \n")).collect();
    assert_text("-P", &rows, &w.run("-r -n -P -o NS,TYPE,NPROCS,PID,UID,USER,NETNSID,NSFS").ours.stdout);
    assert_eq!(w.run("-r -n -P -t user").ours.stdout, "");
}

/// Non-root: only the caller's own processes, PNS/ONS 0 for the initial user namespace.
#[test]
fn unprivileged_caller_matches_util_linux() {
    if !privileged("unprivileged_caller_matches_util_linux")
        || !installed("/usr/bin/setpriv", "unprivileged_caller_matches_util_linux")
        || !oracle("lsns", "unprivileged_caller_matches_util_linux")
    {
        return;
    }
    // Both run in one throwaway world (a fresh pid namespace with its own /proc), back to back:
    // other tests' processes of uid 65534 cannot come and go between the two. Ours is the
    // world's copy, which uid 65534 reaches wherever the build tree is. Each run ends with a
    // line `== <exit status>`.
    let script = format!(
        "setpriv {s} {ours} {args}; echo \"== $?\"; setpriv {s} /usr/bin/lsns {args}; echo \"== $?\"",
        s = "--reuid=65534 --regid=65534 --clear-groups",
        ours = ours_in_world("lsns"),
        args = "-r -n -o NS,TYPE,NPROCS,UID,USER,PNS",
    );
    let both = throwaway_world("rns-unprivileged", "", &script, &[]);
    let mut runs = both.stdout.split_inclusive('\n').fold(vec![String::new()], |mut runs, line| {
        runs.last_mut().unwrap().push_str(line);
        if line.starts_with("== ") {
            runs.push(String::new());
        }
        runs
    });
    runs.pop();
    assert_eq!(runs.len(), 2, "two runs expected: {both:?}");
    assert_text("rlsns as uid 65534", &runs[1], &runs[0]);
    assert!(runs[0].lines().count() > 1, "rlsns listed nothing as uid 65534: {both:?}");
}

/// On a terminal the width comes from the tty (TIOCGWINSZ) and COMMAND is truncated to fit;
/// `-u` turns that off. Run under script(1) with `stty cols 60`, in a throwaway pid namespace
/// holding a shell with a long command line in its own uts namespace.
#[test]
fn terminal_width_truncates_command() {
    if !privileged("terminal_width_truncates_command")
        || !installed("/usr/bin/script", "terminal_width_truncates_command")
    {
        return;
    }
    let n = WORLDS.fetch_add(1, Ordering::SeqCst);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("lsns-tty-{}-{n}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    struct Remove(PathBuf);
    impl Drop for Remove {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
    let _guard = Remove(dir.clone());
    let inner = dir.join("inner.sh");
    let long = "x".repeat(100);
    fs::write(
        &inner,
        format!(
            "/usr/bin/unshare -u sh -c 'sleep 1000; : {long}' &\n\
             while ! tr '\\0' ' ' </proc/$!/cmdline | grep -qs '^sh -c'; do sleep 0.01; done\n\
             {ours} -t uts -o NS,COMMAND\necho ====\n{ours} -t uts -o NS,COMMAND -u\n",
            ours = ours("lsns")
        ),
    )
    .unwrap();
    let cmd = format!(
        "stty cols 60; LC_ALL=C timeout -s KILL 60 /usr/bin/unshare --kill-child --fork --pid --mount-proc sh {}",
        inner.display()
    );
    let out = neutral_env(&mut Command::new("/usr/bin/script"))
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    let (cut, full) = text.split_once("====\n").unwrap_or_else(|| panic!("unexpected output:\n{text}"));
    let width = |l: &str| l.chars().count();
    assert!(cut.lines().all(|l| width(l) <= 60), "lines wider than 60:\n{cut}");
    assert!(cut.contains("sleep 1000; : xxx"), "{cut}");
    assert!(full.lines().any(|l| l.contains(&long)), "-u keeps the whole command:\n{full}");
}

/// A world of hundreds of namespaces (60 groups of fresh mnt/uts/ipc/net/pid/cgroup
/// namespaces, every fifth inside its own user namespace, two sleepers each): rlsns and
/// util-linux agree byte for byte on JSON and raw output in every mode that reaches the
/// kernel differently (flat, owner and parent trees, all columns, net ids).
#[test]
fn hundreds_of_namespaces_match_util_linux() {
    let setup = r#"
i=0
while [ $i -lt 60 ]; do
    if [ $((i % 5)) = 0 ]; then user="-U -r"; else user=""; fi
    /usr/bin/unshare $user -m -u -i -n -p -C --fork sh -c 'sleep 1000 & sleep 1000 & wait' &
    i=$((i+1))
done
wait_sleepers 120
record namespaces "$(lsns -n -l | wc -l)"
"#;
    let commands = [
        "-J",
        "-r",
        "-J --output-all",
        "-r --output-all",
        "-J -T",
        "-r -Tparent",
        "-J -t net -o +NETNSID",
        "-r -t pid",
    ];
    let Some(w) = world("hundreds_of_namespaces_match_util_linux", setup, &commands) else { return };
    let namespaces: usize = w.value("namespaces").parse().unwrap();
    assert!(namespaces >= 360, "the world has only {namespaces} namespaces");
    for args in commands {
        let run = w.run(args);
        assert_same(&run.theirs, &run.ours);
    }
}
