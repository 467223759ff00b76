//! The two helper processes of unshare(1), forked before unshare(2) so they keep the original
//! namespaces and privileges: one bind-mounts the persistent namespace files, one writes range
//! id maps. The bind helper waits on close-on-exec pipes instead of util-linux's eventfd, so
//! it also learns when we die or give up (end of file) and never outlives a failed run; the
//! id-map helper waits on an eventfd as util-linux's does.

use super::steps;
use crate::error::{Error, Result};
use crate::exec;
use crate::sys::pipe::pipe;
use crate::sys::process::{self, ChildState, Forked};
use crate::sys::{signal, LiveKernel};
use crate::unshare::idmap::{self, MapRange};
use nix::sys::eventfd::{EfdFlags, EventFd};
use std::fs::File;
use std::io::{Read, Write};
use std::path::PathBuf;

fn fork_failed(e: i32) -> Error {
    Error::os("fork failed", e)
}

fn pipe_or_err() -> Result<(File, File)> {
    pipe().map_err(|e| Error::os("pipe failed", e))
}

/// One byte from `file`, or None at end of file.
fn read_byte(file: &mut File) -> Option<u8> {
    let mut b = [0u8; 1];
    loop {
        match file.read(&mut b) {
            Ok(1) => return Some(b[0]),
            Ok(_) => return None,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return None,
        }
    }
}

fn drain(file: &mut File) {
    while read_byte(file).is_some() {}
}

const GO: u8 = 1;
const ROLLBACK: u8 = 2;

/// The bind helper: a grandchild (so nobody has to reap it after we exec) that, on `GO`,
/// bind-mounts `/proc/<our pid>/ns/*` on the targets in the original mount namespace, reports
/// the outcome, and then waits: if the process that was to exec the program reports a failure
/// (`ROLLBACK`) it takes the mounts back; end of file (the program was exec'd) keeps them.
pub struct BindHelper {
    release: Option<File>,
    report: Option<File>,
}

impl BindHelper {
    pub fn spawn(binds: Vec<(PathBuf, PathBuf)>, prog: &str) -> Result<BindHelper> {
        let (mut release_r, release_w) = pipe_or_err()?;
        let (report_r, mut report_w) = pipe_or_err()?;
        match process::fork().map_err(fork_failed)? {
            Forked::Child => {
                drop(release_w);
                drop(report_r);
                // The helper's parent ends at once; its status tells whether the helper
                // itself could be forked (0) or not (the errno: RLIMIT_NPROC, pid exhaustion).
                match process::fork() {
                    Ok(Forked::Child) => {}
                    Ok(Forked::Parent { .. }) => process::exit_now(0),
                    Err(e) => process::exit_now(e),
                }
                if read_byte(&mut release_r) != Some(GO) {
                    process::exit_now(0);
                }
                match steps::bind_persistent(&mut LiveKernel, &binds) {
                    Err(e) => {
                        crate::tool::report(&e.render_bytes(prog));
                        let _ = report_w.write_all(&[e.status() as u8]);
                    }
                    Ok(()) => {
                        let _ = report_w.write_all(&[0]);
                        if read_byte(&mut release_r) == Some(ROLLBACK) {
                            steps::unbind(&binds);
                        }
                    }
                }
                process::exit_now(0);
            }
            Forked::Parent { child } => {
                drop(release_r);
                drop(report_w);
                if let Ok(ChildState::Exited(e)) = process::wait_child(child, false) {
                    if e != 0 {
                        return Err(fork_failed(e));
                    }
                }
                Ok(BindHelper { release: Some(release_w), report: Some(report_r) })
            }
        }
    }

    /// Lets the helper bind and waits for its answer; a failure it already reported exits
    /// with its status.
    pub fn bind(&mut self) -> Result<()> {
        let (Some(release), Some(report)) = (self.release.as_mut(), self.report.as_mut()) else {
            return Ok(());
        };
        write_quietly(release, GO);
        match read_byte(report) {
            Some(0) => Ok(()),
            Some(status) => Err(Error::Silent(i32::from(status))),
            None => Err(Error::Silent(1)),
        }
    }

    /// Closes our ends without a word: in a process that neither execs the program nor
    /// decides about the mounts (the waiting parent, the id-map helper).
    pub fn forget(mut self) {
        self.release.take();
        self.report.take();
    }
}

impl Drop for BindHelper {
    /// Giving up, before or after the binds (the program could not be started): the helper
    /// takes back what it bound; wait until it is gone. An exec'd program never runs this, and
    /// its close-on-exec end of file tells the helper to keep the mounts.
    fn drop(&mut self) {
        if let Some(mut release) = self.release.take() {
            write_quietly(&mut release, ROLLBACK);
        }
        if let Some(mut report) = self.report.take() {
            drain(&mut report);
        }
    }
}

/// Writes one byte to a pipe whose reader may be gone, without dying of SIGPIPE.
fn write_quietly(file: &mut File, byte: u8) {
    process::set_signal_default(libc::SIGPIPE, true);
    let _ = file.write_all(&[byte]);
    process::set_signal_default(libc::SIGPIPE, false);
}

/// The id-map helper: a child that, once we have unshared, writes our range maps (root) or
/// runs newuidmap/newgidmap. Like util-linux's, it blocks on one close-on-exec eventfd (a
/// single descriptor, so it works at `ulimit -n 4`); unlike it, it dies with us (parent-death
/// signal) and is killed if we give up before releasing it, so it never outlives a failed run.
pub struct IdmapHelper {
    pid: libc::pid_t,
    release: Option<EventFd>,
}

impl IdmapHelper {
    pub fn spawn(
        users: Vec<MapRange>,
        groups: Vec<MapRange>,
        bind: &mut Option<BindHelper>,
        prog: &str,
    ) -> Result<IdmapHelper> {
        let ppid = process::getpid();
        let release = EventFd::from_flags(EfdFlags::EFD_CLOEXEC).map_err(|e| Error::os("eventfd failed", e as i32))?;
        match process::fork().map_err(fork_failed)? {
            Forked::Child => {
                // Dies with us; a parent already gone before prctl(2) is seen by getppid().
                if signal::set_parent_death_signal(libc::SIGKILL).is_err() || process::getppid() != ppid {
                    process::exit_now(1);
                }
                if let Some(b) = bind.take() {
                    b.forget();
                }
                let released = loop {
                    match release.read() {
                        Err(nix::errno::Errno::EINTR) => continue,
                        other => break other == Ok(GO.into()),
                    }
                };
                drop(release);
                if !released {
                    process::exit_now(1);
                }
                let status = match map_ids(ppid, &users, &groups) {
                    Ok(()) => 0,
                    Err(e) => {
                        crate::tool::report(&e.render_bytes(prog));
                        e.status()
                    }
                };
                process::exit_now(status);
            }
            Forked::Parent { child } => Ok(IdmapHelper { pid: child, release: Some(release) }),
        }
    }

    /// We have unshared: let the helper write the maps and wait for it; its failure status
    /// becomes ours (it printed the message).
    pub fn finish(mut self) -> Result<()> {
        if let Some(release) = self.release.take() {
            let _ = release.write(GO.into());
        }
        match process::wait_child(self.pid, false) {
            Ok(ChildState::Exited(0)) | Err(_) => Ok(()),
            Ok(ChildState::Exited(status)) => Err(Error::Silent(status)),
            Ok(_) => Ok(()),
        }
    }
}

impl Drop for IdmapHelper {
    /// Giving up before the maps (a failed `--owner` or unshare(2)): the helper never runs.
    fn drop(&mut self) {
        if self.release.take().is_some() {
            let _ = process::kill(self.pid, libc::SIGKILL);
            let _ = process::wait_child(self.pid, false);
        }
    }
}

/// In the helper: root writes `/proc/<pid>/uid_map` and `gid_map` itself; anyone else execs
/// `newuidmap <pid> inner outer count...` and `newgidmap ...` (forking once when both are needed).
fn map_ids(ppid: libc::pid_t, users: &[MapRange], groups: &[MapRange]) -> Result<()> {
    if process::ids().0 == 0 {
        return steps::write_range_maps(&mut LiveKernel, ppid, users, groups);
    }
    if !users.is_empty() && !groups.is_empty() {
        match process::fork().map_err(fork_failed)? {
            Forked::Child => return Err(exec_idmapper("newuidmap", ppid, users)),
            Forked::Parent { child } => {
                if let Ok(ChildState::Exited(status)) = process::wait_child(child, false) {
                    if status != 0 {
                        return Err(Error::Silent(status));
                    }
                }
            }
        }
        return Err(exec_idmapper("newgidmap", ppid, groups));
    }
    if !users.is_empty() {
        return Err(exec_idmapper("newuidmap", ppid, users));
    }
    Err(exec_idmapper("newgidmap", ppid, groups))
}

fn exec_idmapper(tool: &str, ppid: libc::pid_t, ranges: &[MapRange]) -> Error {
    let argv: Vec<std::ffi::OsString> =
        std::iter::once(tool.to_string()).chain(idmap::newidmap_args(ppid, ranges)).map(Into::into).collect();
    exec::exec_program_or_shell(&argv)
}
