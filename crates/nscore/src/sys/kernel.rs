//! The calls whose order is part of util-linux's contract (unshare(2), setns(2), mount(2),
//! id-map writes, setgroups(2)/setgid(2)/setuid(2), chroot(2)/chdir(2)) behind one trait:
//! [`LiveKernel`] makes them, [`RecordingKernel`] only writes them down, so tests can assert
//! "user namespace first; setgroups, setgid, setuid" without root.

use super::errno;
use nix::mount::MsFlags;
use nix::unistd::{Gid, Uid};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::{Path, PathBuf};

/// One recorded call, with the arguments that matter for ordering and content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    Unshare(libc::c_int),
    Setns { fd: i32, nstype: libc::c_int },
    Mount { source: Option<String>, target: PathBuf, fstype: Option<String>, flags: libc::c_ulong },
    UmountDetach(PathBuf),
    WriteFile { path: PathBuf, data: Vec<u8> },
    SetgroupsEmpty,
    Setgid(libc::gid_t),
    Setuid(libc::uid_t),
    Chroot(PathBuf),
    Chdir(PathBuf),
    Fchdir(i32),
}

/// The state-changing calls of runshare and rnsenter. Errors are errnos.
pub trait Kernel {
    fn unshare(&mut self, flags: libc::c_int) -> Result<(), i32>;
    fn setns(&mut self, fd: BorrowedFd<'_>, nstype: libc::c_int) -> Result<(), i32>;
    fn mount(
        &mut self,
        source: Option<&str>,
        target: &Path,
        fstype: Option<&str>,
        flags: libc::c_ulong,
    ) -> Result<(), i32>;
    /// `umount2(target, MNT_DETACH)`: how runshare takes back its persistent bind mounts.
    fn umount_detach(&mut self, target: &Path) -> Result<(), i32>;
    /// open(O_WRONLY) + one write(2) + close: how id maps, setgroups and timens offsets
    /// must be written (the kernel accepts a map in a single write only).
    fn write_file(&mut self, path: &Path, data: &[u8]) -> Result<(), WriteFileError>;
    fn setgroups_empty(&mut self) -> Result<(), i32>;
    fn setgid(&mut self, gid: libc::gid_t) -> Result<(), i32>;
    fn setuid(&mut self, uid: libc::uid_t) -> Result<(), i32>;
    fn chroot(&mut self, path: &Path) -> Result<(), i32>;
    fn chdir(&mut self, path: &Path) -> Result<(), i32>;
    fn fchdir(&mut self, fd: BorrowedFd<'_>) -> Result<(), i32>;
}

/// Which step of [`Kernel::write_file`] failed (util-linux words them differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteFileError {
    Open(i32),
    Write(i32),
}

/// The real kernel.
#[derive(Debug, Default)]
pub(crate) struct LiveKernel;

impl Kernel for LiveKernel {
    fn unshare(&mut self, flags: libc::c_int) -> Result<(), i32> {
        super::ns::unshare(flags)
    }

    fn setns(&mut self, fd: BorrowedFd<'_>, nstype: libc::c_int) -> Result<(), i32> {
        super::ns::setns(fd, nstype)
    }

    fn mount(
        &mut self,
        source: Option<&str>,
        target: &Path,
        fstype: Option<&str>,
        flags: libc::c_ulong,
    ) -> Result<(), i32> {
        // No data argument, as util-linux passes none.
        let flags = MsFlags::from_bits_retain(flags);
        nix::mount::mount(source, target, fstype, flags, None::<&str>).map_err(errno)
    }

    fn umount_detach(&mut self, target: &Path) -> Result<(), i32> {
        super::mount::umount_detach(target)
    }

    fn write_file(&mut self, path: &Path, data: &[u8]) -> Result<(), WriteFileError> {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| WriteFileError::Open(e.raw_os_error().unwrap_or(libc::EIO)))?;
        // Nothing to write is no write(2) at all, as util-linux's write_all: `unshare -l ''`
        // opens binfmt_misc's register and succeeds (a 0-byte write there is EINVAL).
        if data.is_empty() {
            return Ok(());
        }
        // One write(2) call: a short write of an id map is an error, not something to retry.
        match file.write(data) {
            Ok(n) if n == data.len() => Ok(()),
            Ok(_) => Err(WriteFileError::Write(libc::EIO)),
            Err(e) => Err(WriteFileError::Write(e.raw_os_error().unwrap_or(libc::EIO))),
        }
    }

    fn setgroups_empty(&mut self) -> Result<(), i32> {
        nix::unistd::setgroups(&[]).map_err(errno)
    }

    fn setgid(&mut self, gid: libc::gid_t) -> Result<(), i32> {
        // glibc's wrapper applies it to all threads (we have one).
        nix::unistd::setgid(Gid::from_raw(gid)).map_err(errno)
    }

    fn setuid(&mut self, uid: libc::uid_t) -> Result<(), i32> {
        nix::unistd::setuid(Uid::from_raw(uid)).map_err(errno)
    }

    fn chroot(&mut self, path: &Path) -> Result<(), i32> {
        nix::unistd::chroot(path).map_err(errno)
    }

    fn chdir(&mut self, path: &Path) -> Result<(), i32> {
        nix::unistd::chdir(path).map_err(errno)
    }

    fn fchdir(&mut self, fd: BorrowedFd<'_>) -> Result<(), i32> {
        nix::unistd::fchdir(fd.as_raw_fd()).map_err(errno)
    }
}

/// A kernel that records every call and fails those it was told to fail.
#[derive(Debug, Default)]
pub struct RecordingKernel {
    pub calls: Vec<Call>,
    /// Calls (compared by variant and arguments) that return this errno instead of success.
    pub failures: Vec<(Call, i32)>,
}

impl RecordingKernel {
    fn record(&mut self, call: Call) -> Result<(), i32> {
        let failure = self.failures.iter().find(|(c, _)| *c == call).map(|(_, e)| *e);
        self.calls.push(call);
        failure.map_or(Ok(()), Err)
    }
}

impl Kernel for RecordingKernel {
    fn unshare(&mut self, flags: libc::c_int) -> Result<(), i32> {
        self.record(Call::Unshare(flags))
    }

    fn setns(&mut self, fd: BorrowedFd<'_>, nstype: libc::c_int) -> Result<(), i32> {
        self.record(Call::Setns { fd: fd.as_raw_fd(), nstype })
    }

    fn mount(
        &mut self,
        source: Option<&str>,
        target: &Path,
        fstype: Option<&str>,
        flags: libc::c_ulong,
    ) -> Result<(), i32> {
        self.record(Call::Mount {
            source: source.map(str::to_string),
            target: target.to_path_buf(),
            fstype: fstype.map(str::to_string),
            flags,
        })
    }

    fn umount_detach(&mut self, target: &Path) -> Result<(), i32> {
        self.record(Call::UmountDetach(target.to_path_buf()))
    }

    fn write_file(&mut self, path: &Path, data: &[u8]) -> Result<(), WriteFileError> {
        self.record(Call::WriteFile { path: path.to_path_buf(), data: data.to_vec() }).map_err(WriteFileError::Write)
    }

    fn setgroups_empty(&mut self) -> Result<(), i32> {
        self.record(Call::SetgroupsEmpty)
    }

    fn setgid(&mut self, gid: libc::gid_t) -> Result<(), i32> {
        self.record(Call::Setgid(gid))
    }

    fn setuid(&mut self, uid: libc::uid_t) -> Result<(), i32> {
        self.record(Call::Setuid(uid))
    }

    fn chroot(&mut self, path: &Path) -> Result<(), i32> {
        self.record(Call::Chroot(path.to_path_buf()))
    }

    fn chdir(&mut self, path: &Path) -> Result<(), i32> {
        self.record(Call::Chdir(path.to_path_buf()))
    }

    fn fchdir(&mut self, fd: BorrowedFd<'_>) -> Result<(), i32> {
        self.record(Call::Fchdir(fd.as_raw_fd()))
    }
}
