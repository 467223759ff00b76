//! A step that fails stops everything after it: for every state-changing call of runshare's
//! and rnsenter's sequences (util-linux 2.42's order of operations), the recording kernel fails that call, and the
//! run must report an error with that call as the last one made. So no mount, chroot,
//! setuid or exec ever follows a failure, whichever step it was; only a failed persistent bind
//! is followed by the unmounts that take back the binds made before it.

// Test code: a panic (unwrap, expect, assert, panic!) is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use nscore::sys::{Call, RecordingKernel};
use nscore::unshare::args::Parsed as UnshareParsed;
use nscore::unshare::id_source::IdSource;
use std::ffi::OsString;

struct Ids;

impl IdSource for Ids {
    fn euid(&self) -> u32 {
        0
    }
    fn egid(&self) -> u32 {
        0
    }
    fn read(&self, _: &str) -> std::io::Result<String> {
        Err(std::io::Error::from_raw_os_error(libc::ENOENT))
    }
    fn uid_of(&self, _: &str) -> Option<u32> {
        None
    }
    fn gid_of(&self, _: &str) -> Option<u32> {
        None
    }
    fn user_name(&self, _: u32) -> Option<String> {
        None
    }
}

fn argv(args: &[&str]) -> Vec<OsString> {
    args.iter().map(OsString::from).collect()
}

/// runshare's kernel calls for `args`: `--owner` and unshare(2), time offsets, then what the
/// exec'ing process does (single-id maps, setgroups, propagation, binfmt, root, directory,
/// proc, ids).
fn runshare_sequence(k: &mut RecordingKernel, args: &[&str]) -> nscore::Result<()> {
    let UnshareParsed::Run(a) = nscore::unshare::args::parse(&argv(args), &Ids).unwrap() else { panic!("{args:?}") };
    nscore::unshare::steps::owner_and_unshare(k, &a)?;
    nscore::unshare::steps::time_offsets(k, &a)?;
    let user = a.map_user.map(|inner| (inner, 0));
    let group = a.map_group.map(|inner| (inner, 0));
    nscore::unshare::steps::prepare_exec(k, &a, user, group)
}

/// Fails each call of the full sequence in turn; the run must stop right there.
fn each_failure_stops(full: &[Call], run: &mut dyn FnMut(&mut RecordingKernel) -> nscore::Result<()>) {
    assert!(full.len() >= 8, "a short sequence: {full:?}");
    for (i, call) in full.iter().enumerate() {
        let mut k = RecordingKernel::default();
        k.failures.push((call.clone(), libc::EPERM));
        let result = run(&mut k);
        assert!(result.is_err(), "failing {call:?} (call {i}) was not reported; calls: {:?}", k.calls);
        assert_eq!(k.calls.last(), Some(call), "after failing {call:?} the run went on: {:?}", k.calls);
        let message = result.unwrap_err().render("x");
        assert!(message.starts_with("x: ") && message.ends_with('\n'), "{message:?}");
    }
}

#[test]
fn runshare_stops_at_any_failing_step() {
    let args = [
        "unshare",
        "--owner",
        "1000:100",
        "-m",
        "-T",
        "--boottime",
        "2",
        "--monotonic",
        "-1",
        "--map-user=0",
        "--map-group=0",
        "--propagation=slave",
        "--mount-proc=/p",
        "--mount-binfmt=/b",
        "-l",
        ":x:M::ab::/i:",
        "-R",
        "/r",
        "-w",
        "/w",
        "-S",
        "5",
        "-G",
        "6",
        "true",
    ];
    let mut k = RecordingKernel::default();
    runshare_sequence(&mut k, &args).unwrap();
    let full = k.calls.clone();
    each_failure_stops(&full, &mut |k| runshare_sequence(k, &args));
}

/// A failing persistent bind stops the binds there and takes back those already made, newest
/// first: a failed run leaves no namespace pinned.
#[test]
fn runshare_takes_back_binds_at_any_failing_bind() {
    let args = ["unshare", "--user=/U", "--cgroup=/c", "--ipc=/i", "--uts=/u", "--net=/n", "--pid=/p", "--mount=/m"];
    let UnshareParsed::Run(a) = nscore::unshare::args::parse(&argv(&args), &Ids).unwrap() else { panic!("{args:?}") };
    let binds = nscore::unshare::steps::bind_list(&a, 7);
    let mut k = RecordingKernel::default();
    nscore::unshare::steps::bind_persistent(&mut k, &binds).unwrap();
    let full = k.calls.clone();
    assert_eq!(full.len(), binds.len(), "{full:?}");
    for (i, call) in full.iter().enumerate() {
        let mut k = RecordingKernel::default();
        k.failures.push((call.clone(), libc::EPERM));
        assert!(nscore::unshare::steps::bind_persistent(&mut k, &binds).is_err(), "failing {call:?}");
        let undo: Vec<Call> = binds[..i].iter().rev().map(|(_, target)| Call::UmountDetach(target.clone())).collect();
        assert_eq!(k.calls[..=i], full[..=i], "failing {call:?}");
        assert_eq!(k.calls[i + 1..], undo[..], "failing {call:?}");
    }
}

#[test]
fn rnsenter_stops_at_any_failing_step() {
    let args = [
        "nsenter",
        "-U/dev/null",
        "-n/dev/null",
        "-m/dev/null",
        "-r/",
        "-w/",
        "-S",
        "5",
        "-G",
        "6",
        "/nonexistent/rns",
    ];
    let parse = || {
        let mut open = |p: &std::ffi::OsStr| std::fs::File::open(p);
        match nscore::enter::args::parse(&argv(&args), &mut open, &mut nscore::sys::LiveHandles).unwrap() {
            nscore::enter::args::Parsed::Run(a) => *a,
            _ => panic!("{args:?}"),
        }
    };
    // Unfailed, the run ends in the exec of a program that does not exist.
    let mut k = RecordingKernel::default();
    let e = nscore::enter::run(parse(), &nscore::enter::Roots::live(), &mut k).unwrap_err();
    assert_eq!(e.status(), 127, "{e:?}");
    let full = k.calls.clone();
    each_failure_stops(&full, &mut |k| match nscore::enter::run(parse(), &nscore::enter::Roots::live(), k) {
        Err(e) if e.status() == 127 => Ok(()),
        other => other.map(drop),
    });
}
