//! The order-sensitive system calls of nsenter(1), as functions of a [`Kernel`]: the two
//! passes of setns(2), then once inside root and working directory, environment, cgroup and
//! credentials. The live run passes [`crate::sys::LiveKernel`]; the tests below pass the
//! recording fake and read back the order.

use super::args::NsenterArgs;
use super::target_files::TargetFiles;
use super::targets::NsTable;
use crate::error::{Error, MsgArg, Result};
use crate::sys::process;
use crate::sys::Kernel;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

/// Enters the kinds of `mask` still pending: first every one without a file in a single
/// setns(2) on the pidfd, then each file in entering order. Entered kinds are dropped from the
/// table. With `ignore_errors` (the first pass) failures leave the kind pending. As in
/// util-linux, an empty `mask` selects every pending kind: a first pass meant to leave out the
/// user namespace enters it when it is the only one asked for.
pub(crate) fn enter_namespaces(
    kernel: &mut dyn Kernel,
    table: &mut NsTable,
    pidfd: Option<BorrowedFd<'_>>,
    mask: libc::c_int,
    ignore_errors: bool,
) -> Result<()> {
    let mask = if mask == 0 { !0 } else { mask };
    if let Some(pidfd) = pidfd {
        let wanted = table.mask_without_fd() & mask;
        if wanted != 0 {
            match kernel.setns(pidfd, wanted) {
                Ok(()) => {
                    for slot in table.slots.iter_mut().filter(|s| s.kind.clone_flag() & wanted != 0) {
                        slot.enabled = false;
                        slot.fd = None;
                    }
                }
                Err(e) if !ignore_errors => return Err(Error::tr_os("reassociate to namespaces failed", vec![], e)),
                Err(_) => {}
            }
        }
    }
    for slot in table.slots.iter_mut().filter(|s| s.enabled && s.kind.clone_flag() & mask != 0) {
        let Some(fd) = slot.fd.as_ref() else { continue };
        match kernel.setns(fd.as_fd(), slot.kind.clone_flag()) {
            Ok(()) => {
                slot.enabled = false;
                slot.fd = None;
            }
            Err(e) if !ignore_errors => {
                return Err(Error::tr_os(
                    "reassociate to namespace '%s' failed",
                    vec![MsgArg::str(format!("ns/{}", slot.kind.name()))],
                    e,
                ))
            }
            Err(_) => {}
        }
    }
    Ok(())
}

/// Both passes: everything but the user namespace first, ignoring failures (entering it last
/// works when the user namespace lowers our privileges), then whatever is left, user namespace
/// included, reporting failures (entering it first works when it grants them). Returns what
/// was left for the second pass: util-linux raises `--keep-caps` only when that includes the
/// user namespace.
pub(crate) fn enter_all(
    kernel: &mut dyn Kernel,
    table: &mut NsTable,
    pidfd: Option<BorrowedFd<'_>>,
) -> Result<libc::c_int> {
    let mask = table.mask();
    enter_namespaces(kernel, table, pidfd, mask & !libc::CLONE_NEWUSER, true)?;
    let left = table.mask();
    if left != 0 {
        enter_namespaces(kernel, table, pidfd, left, false)?;
    }
    Ok(left)
}

/// `-r`, `-w`, `-W` once inside: chroot to the root opened earlier (keeping the working
/// directory unless another is asked for), then the working directory, `-W`'s resolved in the
/// new root and mount namespace.
pub(crate) fn change_root_and_wd(
    kernel: &mut dyn Kernel,
    root: Option<File>,
    mut wd: Option<File>,
    wdns: Option<&OsStr>,
) -> Result<()> {
    let cwd_error = |e: std::io::Error| Error::tr_io("cannot open current working directory", vec![], &e);
    if root.is_some() && wd.is_none() && wdns.is_none() {
        wd = Some(File::open(".").map_err(cwd_error)?);
    }
    if let Some(root) = root {
        kernel
            .fchdir(root.as_fd())
            .map_err(|e| Error::tr_os("change directory by root file descriptor failed", vec![], e))?;
        kernel.chroot(Path::new(".")).map_err(|e| Error::tr_os("chroot failed", vec![], e))?;
        kernel
            .chdir(Path::new("/"))
            .map_err(|e| Error::tr_os("cannot change directory to %s", vec![MsgArg::str("/")], e))?;
    }
    if let Some(dir) = wdns {
        wd = Some(File::open(dir).map_err(cwd_error)?);
    }
    if let Some(wd) = wd {
        kernel
            .fchdir(wd.as_fd())
            .map_err(|e| Error::tr_os("change directory by working directory file descriptor failed", vec![], e))?;
    }
    Ok(())
}

/// The last step before exec: supplementary groups dropped and the gid set (when a gid is
/// forced), then the uid. A setgroups(2) failure counts only if the early attempt (made before
/// entering a user namespace) failed too.
pub(crate) fn set_credentials(
    kernel: &mut dyn Kernel,
    uid: Option<libc::uid_t>,
    gid: Option<libc::gid_t>,
    setgroups_failed_before: bool,
) -> Result<()> {
    if let Some(gid) = gid {
        if let Err(e) = kernel.setgroups_empty() {
            if setgroups_failed_before {
                return Err(Error::tr_os("setgroups failed", vec![], e));
            }
        }
        kernel.setgid(gid).map_err(|e| Error::tr_os("setgid() failed", vec![], e))?;
    }
    if let Some(uid) = uid {
        kernel.setuid(uid).map_err(|e| Error::tr_os("setuid() failed", vec![], e))?;
    }
    Ok(())
}

/// `-e`: the environment becomes the target's. util-linux collects `/proc/PID/environ` into a
/// list built backwards and sets each entry without overwriting, so the last of duplicate
/// names wins and the program sees the variables in reverse order.
fn take_target_environ(mut environ: File) -> Result<()> {
    let mut data = Vec::new();
    environ.read_to_end(&mut data).map_err(|e| Error::tr_io("failed to get environment variables", vec![], &e))?;
    // clearenv(3), as util-linux: it also drops what remove_var cannot name (`=x=y`, `NOEQ`).
    crate::sys::environ::clear();
    let mut set: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
    for entry in data.split(|&b| b == 0).rev() {
        let Some(eq) = entry.iter().position(|&b| b == b'=') else { continue };
        let (name, value) = (&entry[..eq], &entry[eq + 1..]);
        if name.is_empty() {
            return Err(Error::tr_os("failed to set environment variables", vec![], libc::EINVAL));
        }
        if set.insert(name) {
            std::env::set_var(OsStr::from_bytes(name), OsStr::from_bytes(value));
        }
    }
    Ok(())
}

/// Once inside: root and working directory, the target's environment and cgroup, and the ids
/// that `-S follow`/`-G follow` take from the owner of the target's `/proc/PID`.
pub(super) fn settle_inside(kernel: &mut dyn Kernel, args: &mut NsenterArgs, files: TargetFiles) -> Result<()> {
    change_root_and_wd(kernel, args.root.take(), args.wd.take(), args.wdns.as_deref())?;
    if let Some(environ) = files.environ {
        take_target_environ(environ)?;
    }
    if let Some(mut procs) = files.cgroup_procs {
        procs
            .write_all(process::getpid().to_string().as_bytes())
            .map_err(|e| Error::tr_io("write cgroup.procs failed", vec![], &e))?;
    }
    if let Some(dir) = files.process_dir {
        let meta = dir.metadata().map_err(|e| Error::tr_io("can not get process stat", vec![], &e))?;
        if args.uid.follow {
            args.uid.value = meta.uid();
        }
        if args.gid.follow {
            args.gid.value = meta.gid();
        }
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::nstype::NsKind;
    use crate::sys::{Call, RecordingKernel};
    use std::os::fd::{AsRawFd, OwnedFd};

    pub(in crate::enter) fn devnull() -> OwnedFd {
        File::open("/dev/null").expect("/dev/null").into()
    }

    pub(in crate::enter) fn table(kinds: &[(NsKind, bool)]) -> NsTable {
        let mut t = NsTable::default();
        for &(kind, with_file) in kinds {
            let slot = t.slot_mut(kind);
            slot.enabled = true;
            if with_file {
                slot.fd = Some(devnull());
            }
        }
        t
    }

    fn setns_kinds(calls: &[Call]) -> Vec<libc::c_int> {
        calls.iter().filter_map(|c| if let Call::Setns { nstype, .. } = c { Some(*nstype) } else { None }).collect()
    }

    #[test]
    fn files_are_entered_in_util_linux_order_user_last_when_it_is_not_needed_first() {
        let mut k = RecordingKernel::default();
        let all = NsKind::ALL.map(|k| (k, true));
        let mut t = table(&all);
        enter_all(&mut k, &mut t, None).unwrap();
        use libc::*;
        assert_eq!(
            setns_kinds(&k.calls),
            [
                CLONE_NEWCGROUP,
                CLONE_NEWIPC,
                CLONE_NEWUTS,
                CLONE_NEWNET,
                CLONE_NEWPID,
                CLONE_NEWNS,
                CLONE_NEWTIME,
                CLONE_NEWUSER
            ]
        );
        assert_eq!(t.mask(), 0);
    }

    #[test]
    fn user_first_in_pass_two_when_pass_one_was_refused() {
        let mut t = table(&[(NsKind::User, true), (NsKind::Net, true), (NsKind::Uts, true)]);
        let net_fd = t.slot(NsKind::Net).fd.as_ref().unwrap().as_raw_fd();
        let mut k = RecordingKernel {
            failures: vec![(Call::Setns { fd: net_fd, nstype: libc::CLONE_NEWNET }, libc::EPERM)],
            ..Default::default()
        };
        // The failure list is fixed, so the retry fails too: it is reported with its file's name.
        let e = enter_all(&mut k, &mut t, None).unwrap_err();
        assert_eq!(e, Error::os("reassociate to namespace 'ns/net' failed", libc::EPERM));
        use libc::*;
        assert_eq!(setns_kinds(&k.calls), [CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWUSER, CLONE_NEWNET]);
    }

    #[test]
    fn pidfd_takes_one_mask_and_files_follow() {
        let pidfd = devnull();
        let mut t = table(&[(NsKind::Uts, false), (NsKind::Net, true), (NsKind::Mnt, false), (NsKind::User, false)]);
        let mut k = RecordingKernel::default();
        enter_all(&mut k, &mut t, Some(pidfd.as_fd())).unwrap();
        use libc::*;
        assert_eq!(setns_kinds(&k.calls), [CLONE_NEWUTS | CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER]);
        assert!(matches!(k.calls[0], Call::Setns { fd, .. } if fd == pidfd.as_raw_fd()));
    }

    #[test]
    fn a_user_namespace_alone_is_entered_in_the_first_pass() {
        let pidfd = devnull();
        let mut t = table(&[(NsKind::User, false)]);
        let mut k = RecordingKernel::default();
        assert_eq!(enter_all(&mut k, &mut t, Some(pidfd.as_fd())), Ok(0));
        assert_eq!(setns_kinds(&k.calls), [libc::CLONE_NEWUSER]);
        let mut t = table(&[(NsKind::User, false), (NsKind::Net, false)]);
        let mut k = RecordingKernel::default();
        assert_eq!(enter_all(&mut k, &mut t, Some(pidfd.as_fd())), Ok(libc::CLONE_NEWUSER));
        assert_eq!(setns_kinds(&k.calls), [libc::CLONE_NEWNET, libc::CLONE_NEWUSER]);
    }

    #[test]
    fn pidfd_mask_retried_with_user_and_reported() {
        let pidfd = devnull();
        let mut t = table(&[(NsKind::Uts, false), (NsKind::User, false)]);
        let fd = pidfd.as_raw_fd();
        let mut k = RecordingKernel {
            failures: vec![
                (Call::Setns { fd, nstype: libc::CLONE_NEWUTS }, libc::EPERM),
                (Call::Setns { fd, nstype: libc::CLONE_NEWUTS | libc::CLONE_NEWUSER }, libc::EINVAL),
            ],
            ..Default::default()
        };
        let e = enter_all(&mut k, &mut t, Some(pidfd.as_fd())).unwrap_err();
        assert_eq!(e, Error::os("reassociate to namespaces failed", libc::EINVAL));
        assert_eq!(setns_kinds(&k.calls), [libc::CLONE_NEWUTS, libc::CLONE_NEWUTS | libc::CLONE_NEWUSER]);
    }

    #[test]
    fn setgroups_before_setgid_before_setuid() {
        let mut k = RecordingKernel::default();
        set_credentials(&mut k, Some(5), Some(7), false).unwrap();
        assert_eq!(k.calls, [Call::SetgroupsEmpty, Call::Setgid(7), Call::Setuid(5)]);
        let mut k = RecordingKernel::default();
        set_credentials(&mut k, Some(5), None, false).unwrap();
        assert_eq!(k.calls, [Call::Setuid(5)]);
    }

    #[test]
    fn setgroups_failure_counts_only_when_it_failed_before() {
        let failing = || RecordingKernel { failures: vec![(Call::SetgroupsEmpty, libc::EPERM)], ..Default::default() };
        let mut k = failing();
        set_credentials(&mut k, None, Some(0), false).unwrap();
        let mut k = failing();
        assert_eq!(set_credentials(&mut k, None, Some(0), true), Err(Error::os("setgroups failed", libc::EPERM)));
        let mut k = RecordingKernel { failures: vec![(Call::Setgid(3), libc::EINVAL)], ..Default::default() };
        assert_eq!(set_credentials(&mut k, Some(1), Some(3), false), Err(Error::os("setgid() failed", libc::EINVAL)));
        assert_eq!(k.calls, [Call::SetgroupsEmpty, Call::Setgid(3)]);
    }

    #[test]
    fn root_then_working_directory() {
        let root = File::open("/").unwrap();
        let root_fd = root.as_raw_fd();
        let mut k = RecordingKernel::default();
        change_root_and_wd(&mut k, Some(root), None, None).unwrap();
        assert!(matches!(k.calls[0], Call::Fchdir(fd) if fd == root_fd));
        assert_eq!(k.calls[1..3], [Call::Chroot(".".into()), Call::Chdir("/".into())]);
        // The remembered working directory comes back last.
        assert!(matches!(k.calls[3], Call::Fchdir(fd) if fd != root_fd));
        assert_eq!(k.calls.len(), 4);

        let (root, wd) = (File::open("/").unwrap(), File::open("/tmp").unwrap());
        let wd_fd = wd.as_raw_fd();
        let mut k = RecordingKernel::default();
        change_root_and_wd(&mut k, Some(root), Some(wd), None).unwrap();
        assert_eq!(k.calls.last(), Some(&Call::Fchdir(wd_fd)));

        let mut k = RecordingKernel::default();
        let e = change_root_and_wd(&mut k, None, None, Some(OsStr::new("/nonexistent/dir"))).unwrap_err();
        assert_eq!(e, Error::os("cannot open current working directory", libc::ENOENT));
    }
}
