//! The order-sensitive system calls of unshare(1), as functions of a [`Kernel`]: what runs
//! before unshare(2) (`--owner`), the time offsets after it, the persistent bind mounts, and
//! everything the exec'ing process does before execve(2). The live run passes
//! [`crate::sys::LiveKernel`]; the tests below pass the recording fake and read back the order.

use crate::error::{Error, MsgArg, Result};
use crate::nstype::NsKind;
use crate::sys::kernel::WriteFileError;
use crate::sys::Kernel;
use crate::unshare::args::{SetgroupsWord, UnshareArgs, BINFMT_MISC};
use crate::unshare::idmap::{self, MapRange};
use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

const PROC_MOUNT_FLAGS: libc::c_ulong = libc::MS_NOSUID | libc::MS_NOEXEC | libc::MS_NODEV;

/// Whether an `--load-interp` definition has the `F` (fix binary) flag: util-linux then
/// registers it before `--root`, so the interpreter is opened from the old root.
pub(crate) fn interp_is_fixed(interp: &OsString) -> bool {
    let bytes = interp.as_bytes();
    bytes.iter().rposition(|&b| b == b':').is_some_and(|i| bytes[i..].contains(&b'F'))
}

/// A single-id map the exec'ing process writes itself: (inner, outer).
pub(crate) type SingleId = Option<(u32, u32)>;

/// Before anything else: become `--owner` (groups, gid, uid), then unshare(2).
pub fn owner_and_unshare(k: &mut dyn Kernel, a: &UnshareArgs) -> Result<()> {
    if let Some(gid) = a.owner_gid {
        k.setgroups_empty().map_err(|e| Error::tr_os("setgroups failed", vec![], e))?;
        k.setgid(gid).map_err(|e| Error::tr_os("setgid() failed", vec![], e))?;
    }
    if let Some(uid) = a.owner_uid {
        k.setuid(uid).map_err(|e| Error::tr_os("setuid() failed", vec![], e))?;
    }
    k.unshare(a.flags).map_err(|e| Error::tr_os("unshare failed", vec![], e))
}

/// After unshare(2): the boottime offset first, then the monotonic one, each in its own write.
pub fn time_offsets(k: &mut dyn Kernel, a: &UnshareArgs) -> Result<()> {
    let path = Path::new("/proc/self/timens_offsets");
    for (clock, offset) in [(libc::CLOCK_BOOTTIME, a.boottime), (libc::CLOCK_MONOTONIC, a.monotonic)] {
        let Some(offset) = offset else { continue };
        k.write_file(path, format!("{clock} {offset} 0").as_bytes()).map_err(|e| match e {
            WriteFileError::Open(e) => Error::tr_os("failed to open /proc/self/timens_offsets", vec![], e),
            WriteFileError::Write(e) => Error::tr_os("failed to write to /proc/self/timens_offsets", vec![], e),
        })?;
    }
    Ok(())
}

/// The persistent targets in util-linux's bind order (user, cgroup, ipc, uts, net,
/// pid_for_children, mnt, time_for_children), each with the nsfs file it receives.
pub fn bind_list(a: &UnshareArgs, pid: libc::pid_t) -> Vec<(PathBuf, PathBuf)> {
    NsKind::ENTER_ORDER
        .iter()
        .filter_map(|&kind| {
            let target = a.persist[kind.index()].clone()?;
            Some((PathBuf::from(format!("/proc/{pid}/ns/{}", kind.info().for_children)), target))
        })
        .collect()
}

/// In the bind helper: bind each nsfs file on its target. On failure the binds already made are
/// taken back (util-linux leaves them), so a failed run leaves no namespace pinned.
pub fn bind_persistent(k: &mut dyn Kernel, binds: &[(PathBuf, PathBuf)]) -> Result<()> {
    for (i, (source, target)) in binds.iter().enumerate() {
        if let Err(e) = k.mount(Some(&source.to_string_lossy()), target, None, libc::MS_BIND) {
            unbind(k, &binds[..i]);
            return Err(Error::tr_os("mount %s on %s failed", vec![MsgArg::str(source), MsgArg::str(target)], e));
        }
    }
    Ok(())
}

/// Takes back bind mounts, newest first.
pub(crate) fn unbind(k: &mut dyn Kernel, binds: &[(PathBuf, PathBuf)]) {
    for (_, target) in binds.iter().rev() {
        let _ = k.umount_detach(target);
    }
}

/// The helper's direct write of range maps as root: `uid_map` then `gid_map`, one write each.
pub(crate) fn write_range_maps(
    k: &mut dyn Kernel,
    pid: libc::pid_t,
    users: &[MapRange],
    groups: &[MapRange],
) -> Result<()> {
    for (file, ranges) in [("uid_map", users), ("gid_map", groups)] {
        if ranges.is_empty() {
            continue;
        }
        let path = format!("/proc/{pid}/{file}");
        let text = idmap::map_file_text(ranges, &path)?;
        k.write_file(Path::new(&path), text.as_bytes()).map_err(|e| match e {
            WriteFileError::Open(e) => Error::tr_os("failed to open %s", vec![MsgArg::str(&path)], e),
            WriteFileError::Write(e) => Error::tr_os("failed to write %s", vec![MsgArg::str(&path)], e),
        })?;
    }
    Ok(())
}

/// util-linux's words for a failed write of a `/proc/self` control file.
fn write_error(path: &str, e: WriteFileError) -> Error {
    match e {
        WriteFileError::Open(e) => Error::tr_os("cannot open %s", vec![MsgArg::str(path)], e),
        WriteFileError::Write(e) => Error::tr_os("write failed %s", vec![MsgArg::str(path)], e),
    }
}

fn write_or(k: &mut dyn Kernel, path: &str, data: &str) -> Result<()> {
    k.write_file(Path::new(path), data.as_bytes()).map_err(|e| write_error(path, e))
}

/// `/proc/self/setgroups`; a kernel without it (ENOENT on open) is not an error.
fn setgroups_control(k: &mut dyn Kernel, word: SetgroupsWord) -> Result<()> {
    const SETGROUPS: &str = "/proc/self/setgroups";
    match k.write_file(Path::new(SETGROUPS), word.word().as_bytes()) {
        Ok(()) | Err(WriteFileError::Open(libc::ENOENT)) => Ok(()),
        Err(e) => Err(write_error(SETGROUPS, e)),
    }
}

/// Writes a binfmt_misc definition to `<dir>/register`.
fn load_interp(k: &mut dyn Kernel, dir: &Path, interp: &std::ffi::OsStr) -> Result<()> {
    let register = dir.join("register");
    k.write_file(&register, interp.as_bytes()).map_err(|e| match e {
        // util-linux opens the directory first: a missing one is named as such.
        WriteFileError::Open(e) => match std::fs::metadata(dir) {
            Err(d) => Error::tr_io("cannot open %s", vec![MsgArg::str(dir)], &d),
            Ok(m) if !m.is_dir() => Error::tr_os("cannot open %s", vec![MsgArg::str(dir)], libc::ENOTDIR),
            Ok(_) => Error::tr_os("cannot open %s/register", vec![MsgArg::str(dir)], e),
        },
        WriteFileError::Write(e) => Error::tr_os("write failed %s/register", vec![MsgArg::str(dir)], e),
    })
}

fn mount_fs(k: &mut dyn Kernel, fstype: &str, dir: &Path) -> Result<()> {
    k.mount(Some(fstype), dir, Some(fstype), PROC_MOUNT_FLAGS)
        .map_err(|e| Error::tr_os("mount %s failed", vec![MsgArg::str(dir)], e))
}

/// In the process that will exec, in this order: single-id maps (uid_map, setgroups
/// deny, gid_map), `--setgroups`, propagation, binfmt before a chroot for fixed interpreters,
/// chroot, chdir, proc, binfmt_misc, the interpreter, then setgroups/setgid/setuid.
pub fn prepare_exec(k: &mut dyn Kernel, a: &UnshareArgs, user: SingleId, group: SingleId) -> Result<()> {
    if let Some((inner, outer)) = user {
        write_or(k, "/proc/self/uid_map", &format!("{inner} {outer} 1"))?;
    }
    if let Some((inner, outer)) = group {
        if a.setgroups == Some(SetgroupsWord::Allow) {
            return Err(Error::tr("options --setgroups=allow and --map-group are mutually exclusive", vec![]));
        }
        setgroups_control(k, SetgroupsWord::Deny)?;
        write_or(k, "/proc/self/gid_map", &format!("{inner} {outer} 1"))?;
    }
    if let Some(word) = a.setgroups {
        setgroups_control(k, word)?;
    }
    if a.has(libc::CLONE_NEWNS) && a.propagation != 0 {
        k.mount(Some("none"), Path::new("/"), None, a.propagation)
            .map_err(|e| Error::tr_os("cannot change root filesystem propagation", vec![], e))?;
    }
    let fixed_before_root = a.load_interp.as_ref().is_some_and(interp_is_fixed) && a.root.is_some();
    if let (true, Some(interp)) = (fixed_before_root, &a.load_interp) {
        mount_fs(k, "binfmt_misc", Path::new(BINFMT_MISC))?;
        load_interp(k, Path::new(BINFMT_MISC), interp)?;
    }
    let mut wd = a.wd.clone();
    if let Some(root) = &a.root {
        k.chroot(root).map_err(|e| Error::tr_os("cannot change root directory to '%s'", vec![MsgArg::str(root)], e))?;
        wd.get_or_insert_with(|| PathBuf::from("/"));
    }
    if let Some(dir) = &wd {
        k.chdir(dir).map_err(|e| Error::tr_os("cannot change directory to %s", vec![MsgArg::str(dir)], e))?;
    }
    if let Some(dir) = &a.mount_proc {
        // Without a new root and with a propagation other than the default, the existing
        // /proc would still share events with the parent namespace: make it private first.
        if a.root.is_none() && a.propagation != (libc::MS_PRIVATE | libc::MS_REC) {
            match k.mount(Some("none"), dir, None, libc::MS_PRIVATE | libc::MS_REC) {
                Ok(()) | Err(libc::EINVAL) => {}
                Err(e) => {
                    return Err(Error::tr_os("cannot change %s filesystem propagation", vec![MsgArg::str(dir)], e))
                }
            }
        }
        mount_fs(k, "proc", dir)?;
    }
    if let Some(dir) = &a.mount_binfmt {
        mount_fs(k, "binfmt_misc", dir)?;
    }
    if let (false, Some(interp), Some(dir)) = (fixed_before_root, &a.load_interp, &a.mount_binfmt) {
        load_interp(k, dir, interp)?;
    }
    if let Some(gid) = a.setgid {
        k.setgroups_empty().map_err(|e| Error::tr_os("setgroups failed", vec![], e))?;
        k.setgid(gid).map_err(|e| Error::tr_os("setgid() failed", vec![], e))?;
    }
    if let Some(uid) = a.setuid {
        k.setuid(uid).map_err(|e| Error::tr_os("setuid() failed", vec![], e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::{Call, RecordingKernel};
    use crate::unshare::args::{parse, Parsed};
    use crate::unshare::id_source::IdSource;
    use std::ffi::OsString;

    struct NoFiles;
    impl IdSource for NoFiles {
        fn euid(&self) -> u32 {
            1000
        }
        fn egid(&self) -> u32 {
            1000
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

    fn args(list: &[&str]) -> UnshareArgs {
        let argv: Vec<OsString> = std::iter::once("unshare").chain(list.iter().copied()).map(OsString::from).collect();
        match parse(&argv, &NoFiles).unwrap() {
            Parsed::Run(a) => *a,
            other => panic!("{other:?}"),
        }
    }

    fn write(path: &str, data: &str) -> Call {
        Call::WriteFile { path: PathBuf::from(path), data: data.as_bytes().to_vec() }
    }

    fn mount(source: &str, target: &str, fstype: Option<&str>, flags: libc::c_ulong) -> Call {
        Call::Mount {
            source: Some(source.to_string()),
            target: PathBuf::from(target),
            fstype: fstype.map(str::to_string),
            flags,
        }
    }

    #[test]
    fn map_root_user_order() {
        let a = args(&["-r", "--setgroups=deny"]);
        let mut k = RecordingKernel::default();
        prepare_exec(&mut k, &a, Some((0, 1000)), Some((0, 1000))).unwrap();
        assert_eq!(
            k.calls,
            [
                write("/proc/self/uid_map", "0 1000 1"),
                write("/proc/self/setgroups", "deny"),
                write("/proc/self/gid_map", "0 1000 1"),
                write("/proc/self/setgroups", "deny"),
            ]
        );
    }

    #[test]
    fn setgroups_allow_excludes_map_group() {
        let a = args(&["--map-group=0", "--setgroups=allow"]);
        let mut k = RecordingKernel::default();
        let e = prepare_exec(&mut k, &a, None, Some((0, 1000))).unwrap_err();
        assert_eq!(e, Error::msg("options --setgroups=allow and --map-group are mutually exclusive"));
        assert!(k.calls.is_empty());
    }

    #[test]
    fn privileges_dropped_last_groups_first() {
        let a = args(&["-S", "5", "-G", "6", "-R", "/new", "-w", "/w"]);
        let mut k = RecordingKernel::default();
        prepare_exec(&mut k, &a, None, None).unwrap();
        assert_eq!(
            k.calls,
            [
                Call::Chroot(PathBuf::from("/new")),
                Call::Chdir(PathBuf::from("/w")),
                Call::SetgroupsEmpty,
                Call::Setgid(6),
                Call::Setuid(5)
            ]
        );
    }

    #[test]
    fn root_defaults_wd_to_slash() {
        let a = args(&["-R", "/new"]);
        let mut k = RecordingKernel::default();
        prepare_exec(&mut k, &a, None, None).unwrap();
        assert_eq!(k.calls, [Call::Chroot(PathBuf::from("/new")), Call::Chdir(PathBuf::from("/"))]);
    }

    #[test]
    fn propagation_then_proc() {
        let a = args(&["-p", "-f", "--mount-proc"]);
        let mut k = RecordingKernel::default();
        prepare_exec(&mut k, &a, None, None).unwrap();
        assert_eq!(
            k.calls,
            [
                mount("none", "/", None, libc::MS_REC | libc::MS_PRIVATE),
                mount("proc", "/proc", Some("proc"), PROC_MOUNT_FLAGS)
            ]
        );
        let a = args(&["--propagation=slave", "--mount-proc=/p"]);
        let mut k = RecordingKernel::default();
        k.failures.push((mount("none", "/p", None, libc::MS_REC | libc::MS_PRIVATE), libc::EINVAL));
        prepare_exec(&mut k, &a, None, None).unwrap();
        assert_eq!(
            k.calls,
            [
                mount("none", "/", None, libc::MS_REC | libc::MS_SLAVE),
                mount("none", "/p", None, libc::MS_REC | libc::MS_PRIVATE),
                mount("proc", "/p", Some("proc"), PROC_MOUNT_FLAGS)
            ]
        );
        // Without a new mount namespace the propagation is left alone.
        let a = args(&["-u", "--propagation=shared"]);
        let mut k = RecordingKernel::default();
        prepare_exec(&mut k, &a, None, None).unwrap();
        assert!(k.calls.is_empty());
    }

    #[test]
    fn propagation_failure_message() {
        let a = args(&["-m"]);
        let mut k = RecordingKernel::default();
        k.failures.push((mount("none", "/", None, libc::MS_REC | libc::MS_PRIVATE), libc::EPERM));
        let e = prepare_exec(&mut k, &a, None, None).unwrap_err();
        assert_eq!(e, Error::os("cannot change root filesystem propagation", libc::EPERM));
    }

    #[test]
    fn fixed_interpreter_registered_before_chroot() {
        let a = args(&["-l", ":qemu:M::x::/q:F", "-R", "/r"]);
        let mut k = RecordingKernel::default();
        prepare_exec(&mut k, &a, None, None).unwrap();
        assert_eq!(
            k.calls[1..4],
            [
                mount("binfmt_misc", BINFMT_MISC, Some("binfmt_misc"), PROC_MOUNT_FLAGS),
                write("/proc/sys/fs/binfmt_misc/register", ":qemu:M::x::/q:F"),
                Call::Chroot(PathBuf::from("/r")),
            ]
        );
    }

    #[test]
    fn owner_before_unshare() {
        let a = args(&["--owner", "1000:100", "-n"]);
        let mut k = RecordingKernel::default();
        owner_and_unshare(&mut k, &a).unwrap();
        assert_eq!(
            k.calls,
            [
                Call::SetgroupsEmpty,
                Call::Setgid(100),
                Call::Setuid(1000),
                Call::Unshare(libc::CLONE_NEWUSER | libc::CLONE_NEWNET)
            ]
        );
        // 4294967295 is util-linux's "unset": that half of the owner is left alone.
        let a = args(&["--owner", "1000:-1"]);
        let mut k = RecordingKernel::default();
        owner_and_unshare(&mut k, &a).unwrap();
        assert_eq!(k.calls, [Call::Setuid(1000), Call::Unshare(libc::CLONE_NEWUSER)]);
        let a = args(&["--owner", "-1:100"]);
        let mut k = RecordingKernel::default();
        owner_and_unshare(&mut k, &a).unwrap();
        assert_eq!(k.calls, [Call::SetgroupsEmpty, Call::Setgid(100), Call::Unshare(libc::CLONE_NEWUSER)]);
    }

    #[test]
    fn boottime_written_first() {
        let a = args(&["-T", "--monotonic", "-3", "--boottime=7"]);
        let mut k = RecordingKernel::default();
        time_offsets(&mut k, &a).unwrap();
        assert_eq!(
            k.calls,
            [write("/proc/self/timens_offsets", "7 7 0"), write("/proc/self/timens_offsets", "1 -3 0")]
        );
    }

    #[test]
    fn persistent_bind_order() {
        let a = args(&[
            "--time=/t",
            "--mount=/m",
            "--pid=/p",
            "--net=/n",
            "--uts=/u",
            "--ipc=/i",
            "--cgroup=/c",
            "--user=/U",
        ]);
        let binds = bind_list(&a, 42);
        let mut k = RecordingKernel::default();
        bind_persistent(&mut k, &binds).unwrap();
        let expect: Vec<Call> = [
            ("user", "/U"),
            ("cgroup", "/c"),
            ("ipc", "/i"),
            ("uts", "/u"),
            ("net", "/n"),
            ("pid_for_children", "/p"),
            ("mnt", "/m"),
            ("time_for_children", "/t"),
        ]
        .iter()
        .map(|(ns, t)| Call::Mount {
            source: Some(format!("/proc/42/ns/{ns}")),
            target: PathBuf::from(t),
            fstype: None,
            flags: libc::MS_BIND,
        })
        .collect();
        assert_eq!(k.calls, expect);
    }

    /// A kernel whose files all fail to open with one errno; the steps under test make no
    /// other call.
    struct OpenFails(i32);

    impl Kernel for OpenFails {
        fn unshare(&mut self, _: libc::c_int) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn setns(&mut self, _: std::os::fd::BorrowedFd<'_>, _: libc::c_int) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn mount(
            &mut self,
            _: Option<&str>,
            _: &Path,
            _: Option<&str>,
            _: libc::c_ulong,
        ) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn umount_detach(&mut self, _: &Path) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn write_file(&mut self, _: &Path, _: &[u8]) -> std::result::Result<(), WriteFileError> {
            Err(WriteFileError::Open(self.0))
        }
        fn setgroups_empty(&mut self) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn setgid(&mut self, _: libc::gid_t) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn setuid(&mut self, _: libc::uid_t) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn chroot(&mut self, _: &Path) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn chdir(&mut self, _: &Path) -> std::result::Result<(), i32> {
            unreachable!()
        }
        fn fchdir(&mut self, _: std::os::fd::BorrowedFd<'_>) -> std::result::Result<(), i32> {
            unreachable!()
        }
    }

    #[test]
    fn missing_setgroups_file_is_no_error() {
        assert_eq!(setgroups_control(&mut OpenFails(libc::ENOENT), SetgroupsWord::Deny), Ok(()));
        assert_eq!(
            setgroups_control(&mut OpenFails(libc::EACCES), SetgroupsWord::Deny),
            Err(Error::os("cannot open /proc/self/setgroups", libc::EACCES))
        );
        // Only the setgroups file may be missing.
        assert_eq!(
            write_or(&mut OpenFails(libc::ENOENT), "/proc/self/uid_map", "0 0 1"),
            Err(Error::os("cannot open /proc/self/uid_map", libc::ENOENT))
        );
    }

    #[test]
    fn failed_bind_takes_back_earlier_binds_newest_first() {
        let a = args(&["--user=/U", "--ipc=/i", "--net=/n"]);
        let binds = bind_list(&a, 42);
        let mut k = RecordingKernel::default();
        let failing = mount("/proc/42/ns/net", "/n", None, libc::MS_BIND);
        k.failures.push((failing.clone(), libc::EPERM));
        let e = bind_persistent(&mut k, &binds).unwrap_err();
        assert_eq!(e, Error::os("mount /proc/42/ns/net on /n failed", libc::EPERM));
        assert_eq!(
            k.calls,
            [
                mount("/proc/42/ns/user", "/U", None, libc::MS_BIND),
                mount("/proc/42/ns/ipc", "/i", None, libc::MS_BIND),
                failing,
                Call::UmountDetach(PathBuf::from("/i")),
                Call::UmountDetach(PathBuf::from("/U")),
            ]
        );
    }

    #[test]
    fn root_writes_range_maps_in_one_write_each() {
        let mut k = RecordingKernel::default();
        let users = [MapRange::new(0, 0, 1), MapRange::new(1, 100000, 65535)];
        write_range_maps(&mut k, 9, &users, &[MapRange::new(0, 0, 1)]).unwrap();
        assert_eq!(k.calls, [write("/proc/9/uid_map", "0 0 1\n1 100000 65535\n"), write("/proc/9/gid_map", "0 0 1\n")]);
    }
}
