//! The two helper processes of unshare(1), forked before unshare(2) so they keep the original
//! namespaces and privileges: one bind-mounts the persistent namespace files, one writes range
//! id maps. Each costs us one descriptor at a time, as util-linux's eventfd: the id-map helper
//! waits on an eventfd, the bind helper on a pipe of its own that we hold the write end of,
//! so it also learns when we die or give up (end of file) and never outlives a failed run.

use super::steps;
use crate::error::{Error, Result};
use crate::exec;
use crate::sys::pipe;
use crate::sys::process::{self, ChildState, Forked};
use crate::sys::{signal, LiveKernel};
use crate::unshare::idmap::{self, MapRange};
use nix::sys::eventfd::{EfdFlags, EventFd};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;

fn fork_failed(e: i32) -> Error {
    Error::os("fork failed", e)
}

/// A helper's message, written straight to descriptor 2: a helper leaves by _exit(2) with its
/// own status, so a failed write changes nothing it could report.
fn report(e: &Error, prog: &str) {
    let _ = crate::sys::fd::write_stderr(&e.render_bytes(prog));
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

const GO: u8 = 1;
const ROLLBACK: u8 = 2;

/// The bind helper, at one descriptor of ours as util-linux's eventfd (so it works at
/// `ulimit -n 4`): a child that makes a pipe on its stdin and stdout, forks the grandchild
/// that will keep or take back the mounts, and stops; we take our write end of the pipe and
/// let it go on. On `GO` it bind-mounts `/proc/<our pid>/ns/*` on the targets in the original
/// mount namespace and exits with the outcome. The grandchild (nobody has to reap it after
/// we exec) then reads: if the process that was to exec the program reports a failure
/// (`ROLLBACK`) it takes the mounts back; end of file (the program was exec'd, or the binds
/// failed) keeps them. The child dies with us (parent-death signal).
pub(crate) struct BindHelper {
    /// Our write end; the reader is the child until it has bound, then the grandchild.
    release: Option<File>,
    /// The child, until reaped.
    child: Option<libc::pid_t>,
}

impl BindHelper {
    pub(crate) fn spawn(binds: Vec<(PathBuf, PathBuf)>, prog: &str) -> Result<BindHelper> {
        let ppid = process::getpid();
        match process::fork().map_err(fork_failed)? {
            Forked::Child => {
                if signal::set_parent_death_signal(libc::SIGKILL).is_err() || process::getppid() != ppid {
                    process::exit_now(1);
                }
                let (mut release, writer) = match pipe::pipe_on_stdin_stdout() {
                    Ok((r, w)) if r.as_raw_fd() == 0 && w.as_raw_fd() == 1 => (r, w),
                    Ok(_) => process::exit_now(1),
                    Err(e) => {
                        report(&Error::os("pipe failed", e), prog);
                        process::exit_now(1);
                    }
                };
                // The grandchild that will keep or take back the mounts, forked first so a
                // fork failure comes before any mount; it reads only once we are gone.
                let me = process::getpid();
                match process::fork() {
                    Ok(Forked::Child) => {
                        drop(writer);
                        pipe::wait_exit(me);
                        if read_byte(&mut release) == Some(ROLLBACK) {
                            steps::unbind(&mut LiveKernel, &binds);
                        }
                        process::exit_now(0);
                    }
                    Ok(Forked::Parent { .. }) => {}
                    Err(e) => {
                        report(&fork_failed(e), prog);
                        process::exit_now(1);
                    }
                }
                // Stopped until our parent holds its write end (it sees us stop in waitpid).
                let _ = process::kill(me, libc::SIGSTOP);
                drop(writer);
                if read_byte(&mut release) != Some(GO) {
                    process::exit_now(0);
                }
                match steps::bind_persistent(&mut LiveKernel, &binds) {
                    Ok(()) => process::exit_now(0),
                    Err(e) => {
                        report(&e, prog);
                        process::exit_now(e.status());
                    }
                }
            }
            Forked::Parent { child } => {
                let mut helper = BindHelper { release: None, child: Some(child) };
                match process::wait_child(child, true) {
                    Ok(ChildState::Stopped(_)) => {}
                    Ok(ChildState::Exited(status)) if status != 0 => {
                        helper.child = None;
                        return Err(Error::Silent(status));
                    }
                    _ => {
                        helper.child = None;
                        return Err(Error::Silent(1));
                    }
                }
                let opened = pipe::open_writer(child, 1);
                let _ = process::kill(child, libc::SIGCONT);
                helper.release = Some(opened.map_err(|e| Error::os("pipe failed", e))?);
                Ok(helper)
            }
        }
    }

    /// Lets the helper bind and waits for it; a failure it reported exits with its status.
    pub(crate) fn bind(&mut self) -> Result<()> {
        let (Some(release), Some(child)) = (self.release.as_mut(), self.child.take()) else {
            return Ok(());
        };
        write_quietly(release, GO);
        match process::wait_child(child, false) {
            Ok(ChildState::Exited(0)) => Ok(()),
            Ok(ChildState::Exited(status)) => {
                self.release = None;
                Err(Error::Silent(status))
            }
            _ => {
                self.release = None;
                Err(Error::Silent(1))
            }
        }
    }

    /// In the forked program, continued by the parent once the helper has bound: the helper
    /// is no child of ours, and our end now decides about the mounts.
    pub(crate) fn bound_by_parent(&mut self) {
        self.child = None;
    }

    /// Closes our end without a word: in a process that neither execs the program nor
    /// decides about the mounts (the waiting parent, the id-map helper).
    pub(crate) fn forget(mut self) {
        self.release.take();
        self.child.take();
    }
}

impl Drop for BindHelper {
    /// Giving up, before or after the binds (the program could not be started): the helper
    /// takes back what it bound; wait until it is gone. An exec'd program never runs this, and
    /// its close-on-exec end of file tells the helper to keep the mounts.
    fn drop(&mut self) {
        if let Some(mut release) = self.release.take() {
            if self.child.is_none() {
                write_quietly(&mut release, ROLLBACK);
                pipe::wait_readers_gone(&release);
            }
        }
        if let Some(child) = self.child.take() {
            // Not released: end of file (above) sends it away; a stopped one is killed.
            let _ = process::kill(child, libc::SIGKILL);
            let _ = process::wait_child(child, false);
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
pub(crate) struct IdmapHelper {
    pid: libc::pid_t,
    release: Option<EventFd>,
}

impl IdmapHelper {
    pub(crate) fn spawn(
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
                        report(&e, prog);
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
    pub(crate) fn finish(mut self) -> Result<()> {
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
