//! Hostile environments (docs/parity.md): odd /proc mounts (none, hidepid=, subset=pid,
//! another pid namespace's, no /proc/self, a tmpfs with junk), a small address space
//! (`ulimit -v`), a tiny stack (`ulimit -s`) and no processes left to fork (`ulimit -u`).
//! The tools answer as util-linux does, or, where util-linux has nothing to say, fail with a
//! message; never a panic (101) or an abort (134).

use crate::common::{self, Outcome};
use std::collections::BTreeMap;
use std::path::Path;

/// The records of a proc-worlds.sh run (or of its golden file): `env|user|invocation[|impl]`
/// to what the run printed.
fn records(text: &str) -> BTreeMap<String, String> {
    let mut recs = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.split_inclusive('\n') {
        if let Some(key) = line.strip_prefix("@@ ").filter(|k| k.contains('|')) {
            let key = key.trim_end_matches('\n').to_string();
            recs.insert(key.clone(), String::new());
            current = Some(key);
        } else if let Some(key) = &current {
            recs.get_mut(key).unwrap().push_str(line);
        }
    }
    recs
}

/// A new namespace's id (not one of the initial namespaces' fixed 40265318xx ids).
fn is_new_namespace_id(word: &str) -> bool {
    word.len() == 10 && word.starts_with("40265") && word.bytes().all(|b| b.is_ascii_digit()) && word > "4026531999"
}

/// The golden file's form of a run: stdout lines sorted, runs of blanks as one blank, new
/// namespace ids as N, the masked own pid as one X and a last sibling's tree glyph as any
/// other's (ids, pid widths and the order of new namespaces vary between runs).
fn normalised(body: &str) -> String {
    let (out, err) = body.split_once("@@ stderr\n").unwrap_or((body, ""));
    let mut lines: Vec<String> = out
        .split_inclusive('\n')
        .map(|line| {
            let mut text = String::new();
            let mut word = String::new();
            let flush = |word: &mut String, text: &mut String| {
                // Siblings follow inode order, and new namespaces' inodes vary between runs:
                // which sibling is last (`-) is no difference.
                let w = if is_new_namespace_id(word) {
                    "N".to_string()
                } else if let Some(rest) = word.strip_prefix("`-") {
                    format!("|-{}", collapse(rest, 'X'))
                } else {
                    collapse(word, 'X')
                };
                text.push_str(&w);
                word.clear();
            };
            for c in line.chars() {
                if c == ' ' || c == '\n' {
                    flush(&mut word, &mut text);
                    if !(c == ' ' && text.ends_with(' ')) {
                        text.push(c);
                    }
                } else {
                    word.push(c);
                }
            }
            flush(&mut word, &mut text);
            text
        })
        .collect();
    lines.sort();
    format!("{}@@ stderr\n{err}", lines.concat())
}

/// `text` with each run of `c` as one `c`.
fn collapse(text: &str, c: char) -> String {
    let mut out = String::new();
    for ch in text.chars() {
        if !(ch == c && out.ends_with(c)) {
            out.push(ch);
        }
    }
    out
}

/// Every invocation of fixtures/hostile/proc-worlds.sh, under ten /proc mounts, as root and as
/// uid 65534, gives what util-linux gives: /usr/bin's live answer where 2.38.1 agrees with
/// 2.42.2, else the recorded 2.42.2 answer (`lsns: failed to parse /proc/self/mountinfo`,
/// exit 32, without /proc; nsenter -a's `no namespace specified`; ...).
#[test]
fn odd_proc_mounts_answer_as_util_linux() {
    let test = "odd_proc_mounts_answer_as_util_linux";
    if !common::privileged(test) || !["lsns", "unshare", "nsenter", "setpriv"].iter().all(|u| common::oracle(u, test)) {
        return;
    }
    let script = format!(
        "THEIRS=/usr/bin RLSNS='{}' RUNSHARE='{}' RNSENTER='{}'\n{}",
        common::ours_in_world("lsns"),
        common::ours_in_world("unshare"),
        common::ours_in_world("nsenter"),
        include_str!("fixtures/hostile/proc-worlds.sh")
    );
    let run = common::throwaway_world("hostile-proc", "", &script, &[]);
    assert!(!run.stdout.contains("@@ setup of"), "an environment could not be set up:\n{}", run.stdout);
    let got = records(&run.stdout);
    let golden = records(include_str!("fixtures/hostile/proc-worlds.golden"));
    let invocations: Vec<&str> = got.keys().filter_map(|k| k.strip_suffix("|theirs")).collect();
    // 10 environments, 2 users, 13 to 17 invocations each.
    assert!(invocations.len() > 250, "only {} runs:\n{}\n{}", invocations.len(), run.stdout, run.stderr);
    let mut problems = Vec::new();
    for key in &invocations {
        let theirs = &got[&format!("{key}|theirs")];
        let Some(ours) = got.get(&format!("{key}|ours")) else {
            problems.push(format!("{key}: no run of ours"));
            continue;
        };
        let (expected, actual, what) = match golden.get(*key) {
            Some(g) => (normalised(g), normalised(ours), "util-linux 2.42.2 (recorded)"),
            None => (theirs.clone(), ours.clone(), "/usr/bin"),
        };
        // The own pid of each run is masked with as many X as it has digits: a width change
        // between the two runs (99 and 100) is no difference.
        let own_pid_width = |t: &str| t.split(' ').find(|w| !w.is_empty() && w.chars().all(|c| c == 'X')).map(str::len);
        let widths_only =
            own_pid_width(&expected) != own_pid_width(&actual) && normalised(&expected) == normalised(&actual);
        if expected != actual && !widths_only {
            problems.push(format!("{key}: differs from {what}:\n{}", common::diff(&expected, &actual)));
        }
    }
    for key in golden.keys() {
        if !got.contains_key(&format!("{key}|ours")) {
            problems.push(format!("{key}: recorded, but not run"));
        }
    }
    assert!(problems.is_empty(), "{} of {} runs differ:\n{}", problems.len(), invocations.len(), problems.join("\n"));
}

/// Runs `script` in a throwaway world with our binaries in RLSNS, RUNSHARE and RNSENTER.
fn world(name: &str, script: &str) -> Outcome {
    let prelude = format!(
        "export RLSNS='{}' RUNSHARE='{}' RNSENTER='{}'\n",
        common::ours_in_world("lsns"),
        common::ours_in_world("unshare"),
        common::ours_in_world("nsenter")
    );
    common::throwaway_world(name, &prelude, script, &[])
}

/// Under every `ulimit -v` from the smallest at which a tool starts its work down to where the
/// dynamic loader gives up, our tools either work or stop with util-linux's xalloc wording
/// (`lsns: cannot allocate 24 bytes: Cannot allocate memory`, exit 1), never with Rust's
/// `memory allocation of N bytes failed` abort, std's start-up panic (`failed to allocate an
/// alternative stack`) or a crash. util-linux 2.42.2 itself fails there with `failed to
/// allocate UID cache`, `cannot allocate string`, or the loader's messages.
///
/// Below some limit the dynamic loader itself fails, before any code of the tool runs: it
/// prints `error while loading shared libraries` or `cannot allocate TLS`, or, when an mmap(2)
/// of its own fails at the wrong moment, takes SIGSEGV with nothing on stderr. Where that
/// boundary falls depends on the environment's size and the address-space layout, so the
/// test does not guess it from the status: each run is made with the loader's own log
/// (`LD_DEBUG=files`), and a run counts only when every process's loader handed control to its
/// program (`transferring control: PROGRAM` after its last library line), the tool's included.
/// From there on any end but success or the clean message is the tool's, and fails the test.
#[test]
fn a_small_address_space_ends_with_a_message() {
    if !common::privileged("a_small_address_space_ends_with_a_message") {
        return;
    }
    // For each tool: find the smallest limit (KiB) that works by bisection, then walk down
    // from it in 8 KiB steps and print each run's limit, status, whether every loader handed
    // over, and the first stderr line.
    let script = r#"
/usr/bin/unshare -u -n sleep 1000 &
while [ "$(readlink /proc/$!/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do :; done
mkdir /tmp/ld
try() { rm -f /tmp/ld/*; ( ulimit -v $1; shift; LD_DEBUG=files LD_DEBUG_OUTPUT=/tmp/ld/log exec "$@" ) >/dev/null 2>/tmp/err </dev/null; }
# "ran" when the tool's loader handed control to it and no process's loader failed after it
# (a program the tool execs, in its own process or a child, logs into the same files).
loaders() { # tool
  grep -qF "transferring control: $1" /tmp/ld/log.* 2>/dev/null || { echo loader; return; }
  for f in /tmp/ld/log.*; do
    awk '/transferring control:/ {t = NR} /file=|calling init:/ {l = NR} END {exit !(t > l)}' "$f" || { echo loader; return; }
  done
  echo ran
}
probe() { # name argv...
  lo=256 hi=262144
  try $hi "$@" || { echo "$1 does not work at $hi KiB"; return; }
  while [ $((hi - lo)) -gt 8 ]; do mid=$(( (lo + hi) / 2 )); if try $mid "$@"; then hi=$mid; else lo=$mid; fi; done
  for v in $(seq $hi -8 $((hi - 512))); do
    try $v "$@"; rc=$?
    echo "$1 $v $rc $(loaders "$1") $(head -n1 /tmp/err)"
  done
}
probe "$RLSNS" -n -o NS,TYPE,PID
probe "$RLSNS" -J
probe "$RUNSHARE" -r -m -p -f --mount-proc true
probe "$RUNSHARE" -m --propagation private true
probe "$RNSENTER" -t 1 -a true
"#;
    let out = world("hostile-vm", script);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(lines.len() > 5 * 60, "too few runs:\n{}\n{}", out.stdout, out.stderr);
    let mut clean_messages = 0;
    for line in &lines {
        let mut parts = line.splitn(5, ' ');
        let (bin, limit, rc, loaders) = (parts.next(), parts.next(), parts.next(), parts.next());
        let err = parts.next().unwrap_or("");
        let name = Path::new(bin.unwrap_or("")).file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(rc.is_some() && limit.is_some() && loaders.is_some(), "{line}");
        if loaders == Some("loader") {
            // The tool never ran, or a program it started never did: not the tool's end.
            continue;
        }
        assert_eq!(loaders, Some("ran"), "{line}");
        match rc.unwrap() {
            "0" => {}
            "1" if err == format!("{name}: cannot allocate {} bytes: Cannot allocate memory", size_of(err)) => {
                clean_messages += 1
            }
            _ => panic!("at ulimit -v {}: {line}\n(all runs:\n{})", limit.unwrap(), out.stdout),
        }
    }
    assert!(clean_messages > 0, "no run reached the allocator's limit:\n{}", out.stdout);
}

/// The number in `... cannot allocate N bytes ...`.
fn size_of(message: &str) -> String {
    message.split(' ').skip_while(|w| *w != "allocate").nth(1).unwrap_or("").to_string()
}

/// No process left to fork (`ulimit -u` for an unprivileged uid): `runshare -f` and
/// `rnsenter -p` fail as util-linux does (`fork failed: Resource temporarily unavailable`,
/// exit 1), as does runshare's persisting helper (util-linux forks one process less there and
/// fails one step later, at the mount it may not make); rlsns lists on one thread.
#[test]
fn no_process_left_to_fork() {
    let test = "no_process_left_to_fork";
    if !common::privileged(test) || !["lsns", "unshare", "nsenter", "setpriv"].iter().all(|u| common::oracle(u, test)) {
        return;
    }
    // uid 54329 runs nothing else here, so its process count is what the script makes.
    let script = r#"
chmod 1777 /tmp; touch /tmp/mb; chown 54329 /tmp/mb
# as LIMIT NAME PROGRAM ARGS...: PROGRAM run as NAME by uid 54329 under ulimit -u LIMIT
as() { n=$1; shift; /usr/bin/setpriv --reuid 54329 --regid 54329 --clear-groups bash -c "ulimit -u $n; exec -a \"\$0\" \"\$@\"" "$@"; }
run() { out=$("$@" 2>&1 </dev/null); echo "$? $out"; }
for n in 0 1; do
  run as $n unshare /usr/bin/unshare -r -f true
  run as $n unshare "$RUNSHARE" -r -f true
  run as $n unshare /usr/bin/unshare -r -m -p -f --mount-proc true
  run as $n unshare "$RUNSHARE" -r -m -p -f --mount-proc true
  run as $n unshare /usr/bin/unshare -r --kill-child true
  run as $n unshare "$RUNSHARE" -r --kill-child true
  run as $n lsns /usr/bin/lsns -n -o TYPE -t pid
  run as $n lsns "$RLSNS" -n -o TYPE -t pid
done
for t in /usr/bin/unshare "$RUNSHARE"; do run as 2 unshare $t -U --mount=/tmp/mb true | sed -E 's#/proc/[0-9]+/#/proc/N/#'; done
# nsenter -p forks: 4 processes of the uid exist (unshare, the target's unshare and sleep,
# nsenter itself), so a limit of 4 leaves none for that fork.
for t in /usr/bin/nsenter "$RNSENTER"; do
  run /usr/bin/setpriv --reuid 54329 --regid 54329 --clear-groups /usr/bin/unshare -r -p -f --mount-proc bash -c '
    /usr/bin/unshare -p -f sleep 100 & until read -r -d "" c </proc/$!/task/$!/children; [ -n "$c" ]; do :; done
    ulimit -u 4; exec -a nsenter "$0" -t ${c// } -p -m true' $t
done
"#;
    let out = world("hostile-nproc", script);
    let fork_failed = |tool: &str| format!("1 {tool}: fork failed: Resource temporarily unavailable");
    let mut expected: Vec<String> = Vec::new();
    for _ in 0..2 {
        for _ in 0..3 {
            expected.extend([fork_failed("unshare"), fork_failed("unshare")]);
        }
        expected.extend(["0 pid".to_string(), "0 pid".to_string()]);
    }
    // The bind helper is one fork, as util-linux's (a keeper is forked only once it has
    // bound): the bind itself is refused, uid 54329 being no root outside.
    for _ in 0..2 {
        expected.push("1 unshare: mount /proc/N/ns/mnt on /tmp/mb failed: Operation not permitted".to_string());
    }
    expected.extend([fork_failed("nsenter"), fork_failed("nsenter")]);
    common::assert_text("statuses and messages under ulimit -u", &(expected.join("\n") + "\n"), &out.stdout);
}

/// A stack too small for the loader kills util-linux and rns alike with SIGSEGV (nothing can
/// print a message without a stack); a small one (256 KiB) is enough for every mode of ours.
/// Each runs with an environment of its own: the environment is copied onto the stack (and
/// execve(2) takes no more of it than a quarter of the limit), so a large one of whoever runs
/// the tests would leave the tools less than 256 KiB, or no exec at all.
#[test]
fn a_tiny_stack() {
    let test = "a_tiny_stack";
    if !common::privileged(test) || !["lsns", "unshare", "nsenter"].iter().all(|u| common::oracle(u, test)) {
        return;
    }
    let script = r#"
/usr/bin/unshare -u -n sleep 1000 &
await_comm sleep $!
run() { env -i PATH=/usr/bin:/bin LC_ALL=C bash -c 'ulimit -s $0; exec "$@"' "$@" >/dev/null 2>&1 </dev/null; echo $?; }
for b in /usr/bin/lsns "$RLSNS"; do run 1 $b; done
for b in /usr/bin/unshare "$RUNSHARE"; do run 1 $b -m true; done
for b in /usr/bin/nsenter "$RNSENTER"; do run 1 $b -t 1 -a true; done
for a in "" -J -T -l "-t net -o +NETNSID,NSFS"; do run 256 "$RLSNS" $a; done
run 256 "$RUNSHARE" -r -m -p -f --mount-proc true
run 256 "$RUNSHARE" -U --map-users=0:0:1 --map-groups=0:0:1 true
run 256 "$RNSENTER" -t 1 -a -r -w true
"#;
    let out = world("hostile-stack", script);
    let expected = "139\n".repeat(6) + &"0\n".repeat(8);
    common::assert_text("statuses under ulimit -s", &expected, &out.stdout);
}
