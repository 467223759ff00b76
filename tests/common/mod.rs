//! Test harness: run a tool or its util-linux twin, compare outputs with a readable diff,
//! and decide whether a privileged test may run here.
#![allow(dead_code)]

pub mod locales;

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

/// Our binaries, by the util-linux name they replace.
pub fn ours(util: &str) -> &'static str {
    match util {
        "unshare" => env!("CARGO_BIN_EXE_runshare"),
        "nsenter" => env!("CARGO_BIN_EXE_rnsenter"),
        "lsns" => env!("CARGO_BIN_EXE_rlsns"),
        other => panic!("no rns tool replaces {other}"),
    }
}

/// What a finished command left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    /// Exit status, or 128 + signal as a shell reports it.
    pub status: i32,
}

fn describe(program: &str, args: &[&str]) -> String {
    std::iter::once(program).chain(args.iter().copied()).collect::<Vec<_>>().join(" ")
}

/// Takes out of `cmd`'s environment what the environment of whoever runs the tests may hold
/// and would change what util-linux and rns print, so that a test's expected text holds on
/// every machine: the terminal size libsmartcols falls back to (`COLUMNS`, `LINES`),
/// `POSIXLY_CORRECT` (no permuting), `LIBSMARTCOLS_*` (the JSON layout, debug padding),
/// util-linux's `*_DEBUG` switches, and the locale (`LANG`, `LANGUAGE`, `LC_*`: callers set
/// `LC_ALL` themselves). A test that means to set one of them sets it afterwards. It also
/// sees to it that `cmd` inherits no descriptor this test process inherited
/// ([`no_inherited_descriptors`]).
pub fn neutral_env(cmd: &mut Command) -> &mut Command {
    no_inherited_descriptors();
    for (name, _) in std::env::vars_os() {
        let n = name.as_encoded_bytes();
        let locale = n == b"LANG" || n == b"LANGUAGE" || n.starts_with(b"LC_");
        let table = [&b"COLUMNS"[..], b"LINES", b"POSIXLY_CORRECT"].contains(&n) || n.starts_with(b"LIBSMARTCOLS_");
        if locale || table || n.windows(6).any(|w| w == b"_DEBUG") {
            cmd.env_remove(&name);
        }
    }
    cmd
}

/// Marks every descriptor this test process inherited close-on-exec, once. Whoever runs the
/// tests may leave descriptors open (a CI agent, a terminal multiplexer, a shell's `3<`), and a
/// tool or world started with them sees other descriptor numbers in its messages, fewer free
/// under `ulimit -n` and more per process to count. Only inherited descriptors change: Rust
/// opens its own close-on-exec.
pub fn no_inherited_descriptors() {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        let fds: Vec<i32> = std::fs::read_dir("/proc/self/fd")
            .expect("/proc/self/fd")
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .filter(|&fd| fd > 2)
            .collect();
        for fd in fds {
            // The directory's own descriptor is gone by now: EBADF, nothing to do.
            let _ = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC));
        }
    });
}

/// Runs `program` with `argv[0]` set to `argv0`, in the C locale ([`neutral_env`] otherwise),
/// stdin closed.
pub fn run_as(program: &str, argv0: &str, args: &[&str]) -> Outcome {
    run_with(program, argv0, args, |_| {})
}

/// Like [`run_as`], with a hook to adjust the command (environment, stdin, ...).
pub fn run_with(program: &str, argv0: &str, args: &[&str], adjust: impl FnOnce(&mut Command)) -> Outcome {
    let mut cmd = Command::new(program);
    neutral_env(&mut cmd).arg0(argv0).args(args).env("LC_ALL", "C").stdin(Stdio::null());
    adjust(&mut cmd);
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    use std::os::unix::process::ExitStatusExt;
    let status = out.status.code().unwrap_or_else(|| 128 + out.status.signal().unwrap_or(0));
    Outcome {
        command: describe(argv0, args),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status,
    }
}

/// Runs our replacement of `util` as if it were called `util` (so messages name `util`).
pub fn run_ours(util: &str, args: &[&str]) -> Outcome {
    run_as(ours(util), util, args)
}

/// Runs util-linux's `/usr/bin/<util>`, if it is installed.
pub fn run_theirs(util: &str, args: &[&str]) -> Option<Outcome> {
    let path = format!("/usr/bin/{util}");
    Path::new(&path).exists().then(|| run_as(&path, util, args))
}

/// A line diff of two texts, `-` for expected and `+` for actual.
pub fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => out.push_str(&format!("  {x}\n")),
            (x, y) => {
                if let Some(x) = x {
                    out.push_str(&format!("- {x:?}\n"));
                }
                if let Some(y) = y {
                    out.push_str(&format!("+ {y:?}\n"));
                }
            }
        }
    }
    out
}

/// Asserts two texts are equal, printing a line diff and what produced them.
#[track_caller]
pub fn assert_text(what: &str, expected: &str, actual: &str) {
    if expected != actual {
        panic!("{what} differs (- expected, + actual):\n{}", diff(expected, actual));
    }
}

/// Asserts that our tool and util-linux's agree on stdout, stderr and exit status.
#[track_caller]
pub fn assert_same(theirs: &Outcome, ours: &Outcome) {
    assert_text(&format!("stdout of `{}`", ours.command), &theirs.stdout, &ours.stdout);
    assert_text(&format!("stderr of `{}`", ours.command), &theirs.stderr, &ours.stderr);
    assert_eq!(theirs.status, ours.status, "exit status of `{}`", ours.command);
}

/// Runs both and compares them; returns false where util-linux is missing (see [`oracle`]).
#[track_caller]
pub fn compare(util: &str, args: &[&str]) -> bool {
    if !oracle(util, &describe(util, args)) {
        return false;
    }
    let theirs = run_theirs(util, args).expect("util-linux is installed");
    assert_same(&theirs, &run_ours(util, args));
    true
}

/// Whether the suite runs as CI (`CI=true`), where no test may skip.
pub fn in_ci() -> bool {
    std::env::var_os("CI").is_some_and(|v| v == OsStr::new("true"))
}

/// Whether `program` (a path, or a name looked up on PATH) is there for `test`. Missing, the
/// test leaves out what needs it with a note outside CI, and fails under `CI=true`: ci-test.sh
/// installs every program the tests use.
#[track_caller]
pub fn installed(program: &str, test: &str) -> bool {
    let found = if program.contains('/') { Path::new(program).exists() } else { on_path(program) };
    if !found {
        if in_ci() {
            panic!("{test}: needs {program}, which ci-test.sh installs; under CI=true a test may not skip");
        }
        eprintln!("skip: {program} is not installed: {test} leaves out what needs it");
    }
    found
}

/// Whether util-linux's `/usr/bin/<util>` is there to compare with (see [`installed`]).
#[track_caller]
pub fn oracle(util: &str, test: &str) -> bool {
    installed(&format!("/usr/bin/{util}"), test)
}

/// True when privileged tests can run (root with CAP_SYS_ADMIN). Outside CI a non-root run
/// prints why it skips; under `CI=true` a privileged test that cannot run fails.
#[track_caller]
pub fn privileged(test: &str) -> bool {
    // SAFETY-free check: effective uid 0 through /proc, no libc call needed.
    let root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("Uid:")).map(|l| l.split_whitespace().nth(2) == Some("0")))
        .unwrap_or(false);
    if root {
        return true;
    }
    if in_ci() {
        panic!("{test}: needs root, and under CI=true a privileged test may not skip");
    }
    eprintln!("skip: {test} needs root (run the suite as root to exercise the kernel)");
    false
}

/// Shell lines mounting a private tmpfs named `source` on /tmp (in a mount namespace the script
/// made) without hiding this workspace or its build when they live under /tmp, as in a CI
/// clone there: each such directory is held open across the mount and bound back in place
/// (`--no-canonicalize`, or mount(8) would resolve the fd back to the now-hidden path). The
/// script makes its files with umask 022, whatever the caller's (a root with umask 077 made
/// the directories and files its tests give other users unreadable to them).
pub fn tmpfs_on_tmp(source: &str) -> String {
    let target = Path::new(ours("lsns")).parent().and_then(Path::parent).map(|p| p.to_string_lossy().into_owned());
    let mut keep: Vec<String> = vec![env!("CARGO_MANIFEST_DIR").to_string()];
    keep.extend(target.filter(|t| !t.starts_with(env!("CARGO_MANIFEST_DIR"))));
    keep.retain(|d| d.starts_with("/tmp/"));
    let mut open = String::new();
    let mut rebind = String::new();
    for (i, dir) in keep.iter().enumerate() {
        let fd = 8 - i;
        open.push_str(&format!("exec {fd}<'{dir}' || exit 99\n"));
        rebind.push_str(&format!(
            "mkdir -p '{dir}' && mount --no-canonicalize --bind /proc/self/fd/{fd} '{dir}' || exit 99\nexec {fd}<&-\n"
        ));
    }
    format!("umask 022\n{open}mount -t tmpfs {source} /tmp || exit 99\n{rebind}")
}

/// Shell functions every throwaway world has, to wait for what its script started rather than
/// sleep for a while and hope (a busy machine can take longer than any while): a process that
/// sets something up and then execs its program has done its setup once it runs that program.
/// Each gives up after 60 s, saying what it waited for (exit 97).
///
/// - `await WHAT CMD...`: until CMD succeeds.
/// - `await_comm NAME PID...`: until each PID runs NAME (its comm).
/// - `await_count NAME N`: until N processes run NAME.
/// - `await_child NAME PID`: until a child of PID runs NAME; its pid is then `$child`.
/// - `await_end PID`: until PID has ended (gone, or a zombie); `ended PID` asks once.
pub const AWAIT: &str = r#"
await() {
  local what=$1 i=0; shift
  until "$@"; do
    i=$((i + 1)); [ $i -le 6000 ] || { echo "world: gave up waiting for $what after 60 s" >&2; exit 97; }
    sleep 0.01
  done
}
runs() { local c; read -r c 2>/dev/null </proc/$2/comm && [ "$c" = "$1" ]; }
await_comm() {
  local name=$1 pid; shift
  for pid; do await "process $pid to run $name" runs_or_fail "$name" $pid; done
}
runs_or_fail() {
  runs "$1" $2 && return
  [ -d /proc/$2 ] || { echo "world: process $2 ended before it ran $1" >&2; exit 97; }
  return 1
}
counted() { [ "$(grep -slx "$1" /proc/[0-9]*/comm | wc -l)" -ge "$2" ]; }
await_count() { await "$2 processes to run $1" counted "$1" "$2"; }
child_running() {
  local c
  for c in $(cat /proc/$2/task/$2/children 2>/dev/null); do runs "$1" $c && { child=$c; return 0; }; done
  return 1
}
await_child() { child=; await "a child of $2 to run $1" child_running "$1" "$2"; }
ended() { local s; ! read -r _ _ s _ 2>/dev/null </proc/$1/stat || [ "$s" = Z ]; }
await_end() { await "process $1 to end" ended "$1"; }
"#;

/// Where a throwaway world has our binary for `util` ([`world_args`]): in a directory of its
/// /tmp, which every uid reaches. The build tree may not be (a clone under /root, mode 0700,
/// or built with umask 027), and tests run the tools as other users too, from shells that
/// run as them.
pub fn ours_in_world(util: &str) -> String {
    let name = Path::new(ours(util)).file_name().expect("a file name").to_string_lossy().into_owned();
    format!("/tmp/.rns-bin/{name}")
}

/// Shell lines putting our binaries at [`ours_in_world`]: each bound there, or copied where
/// others may not run the file itself.
fn binaries_in_world() -> String {
    use std::os::unix::fs::PermissionsExt;
    let mut lines = String::from("mkdir -m 755 /tmp/.rns-bin || exit 99\n");
    for util in ["unshare", "nsenter", "lsns"] {
        let (real, world) = (ours(util), ours_in_world(util));
        let runnable = std::fs::metadata(real).is_ok_and(|m| m.permissions().mode() & 0o001 != 0);
        lines.push_str(&if runnable {
            format!("touch '{world}' && mount --bind '{real}' '{world}' || exit 99\n")
        } else {
            format!("cp '{real}' '{world}' && chmod 755 '{world}' || exit 99\n")
        });
    }
    lines
}

/// `env` for a world: a value naming one of our binaries names it at [`ours_in_world`].
fn world_env(env: &[(&str, &str)]) -> Vec<(String, String)> {
    let in_world = |v: &str| {
        ["unshare", "nsenter", "lsns"].into_iter().find(|u| ours(u) == v).map_or(v.to_string(), ours_in_world)
    };
    env.iter().map(|(k, v)| (k.to_string(), in_world(v))).collect()
}

/// unshare(1)'s arguments for a throwaway world running a bash script: new mount (private
/// propagation) and pid namespaces with their own /proc, a tmpfs named `name` on /tmp as the
/// working directory with our binaries in it ([`ours_in_world`]), [`AWAIT`]'s functions and
/// `prelude` (shell functions) before `script`. Everything the script starts or mounts dies
/// with the world's pid 1.
pub fn world_args(name: &str, prelude: &str, script: &str) -> Vec<String> {
    let body = format!("{AWAIT}{prelude}{}{}cd /tmp\n{script}", tmpfs_on_tmp(name), binaries_in_world());
    let wrapper = ["-m", "--propagation", "private", "-p", "-f", "--mount-proc", "/bin/bash", "-c"];
    wrapper.iter().map(|a| a.to_string()).chain([body]).collect()
}

/// Runs [`world_args`]'s world as root through `/usr/bin/unshare`, with `env` added (our
/// binaries in it named by their place in the world, [`ours_in_world`]).
pub fn throwaway_world(name: &str, prelude: &str, script: &str, env: &[(&str, &str)]) -> Outcome {
    let args = world_args(name, prelude, script);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run_with("/usr/bin/unshare", "unshare", &args, |c| {
        c.envs(world_env(env));
    })
}

/// [`throwaway_world`] with every process of the world on one CPU, the first this process may
/// use (CPU 0 need not be one of them). Binding a mount namespace file is refused (EINVAL,
/// util-linux alike) unless the namespace is newer than the binder's by the kernel's namespace
/// id, and ids handed out on different CPUs are not ordered: namespaces made on one CPU are.
pub fn throwaway_world_on_one_cpu(name: &str, prelude: &str, script: &str, env: &[(&str, &str)]) -> Outcome {
    throwaway_world_on_one_cpu_with(&[], name, prelude, script, env)
}

/// [`throwaway_world_on_one_cpu`] with `unshare_options` before the world's own (`-u -i -n`:
/// new UTS, IPC and network namespaces too).
pub fn throwaway_world_on_one_cpu_with(
    unshare_options: &[&str],
    name: &str,
    prelude: &str,
    script: &str,
    env: &[(&str, &str)],
) -> Outcome {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let allowed = status.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).expect("Cpus_allowed_list");
    let cpu = allowed.trim().split([',', '-']).next().expect("an allowed CPU").to_string();
    let world = world_args(name, prelude, script);
    let args: Vec<&str> = ["-c", &cpu, "/usr/bin/unshare"]
        .into_iter()
        .chain(unshare_options.iter().copied())
        .chain(world.iter().map(String::as_str))
        .collect();
    run_with("/usr/bin/taskset", "taskset", &args, |c| {
        c.envs(world_env(env));
    })
}

/// Is `program` on PATH (as `sh` finds it)?
pub fn on_path(program: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Scenarios that need /usr/bin/python3 (raw execve, pidfd inodes, a socket held in a net
/// namespace): missing, the test skips with a note outside CI and fails under `CI=true`
/// (ci-test.sh installs it).
#[track_caller]
pub fn python3(test: &str) -> bool {
    installed("/usr/bin/python3", test)
}
