//! The two helper processes of unshare(1), forked before unshare(2) so they keep the original
//! namespaces and privileges: one bind-mounts the persistent namespace files, one writes range
//! id maps. Each costs us one descriptor at a time, as util-linux's eventfd: the id-map helper
//! waits on an eventfd, the bind helper on a pipe that we hold the write end of, so that it
//! also learns when the program was executed (end of file, close-on-exec) and never outlives
//! a failed run. Both stay our children until we reap them: no pidfd is needed to follow
//! them (a kernel before 5.3 or a seccomp profile may refuse pidfds), and no helper is left
//! for an init to reap unless the program was to be executed in place (see [`BindHelper`]).

use super::steps;
use crate::error::{Error, Result};
use crate::exec;
use crate::sys::pipe::{self, Gate};
use crate::sys::process::{self, ChildState, Forked};
use crate::sys::{signal, LiveKernel};
use crate::unshare::idmap::{self, MapRange};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::path::PathBuf;

fn fork_failed(e: i32) -> Error {
    Error::tr_os("fork failed", vec![], e)
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
const DETACH: u8 = 3;

/// How far the bind helper, our child, has gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for `GO`; nothing is bound.
    Ready,
    /// Bound, and reading the pipe for what to do with the mounts.
    Bound,
}

/// The bind helper: a child reading a pipe we hold the write end of (one descriptor of ours
/// when two are free; at `ulimit -n 4` the child makes the pipe on its stdin and stdout and we
/// take our end through `/proc/<pid>/fd` or pidfd_getfd(2)). It dies with us (parent-death
/// signal), and reads:
///
/// * `GO`, where util-linux binds (after unshare(2) and the id maps): it bind-mounts
///   `/proc/<our pid>/ns/*` on the targets in the original mount namespace. On failure it
///   reports and exits with its status; on success it stops (SIGSTOP), so that we learn it
///   from waitpid(2) (`WUNTRACED`) and continue it.
/// * Then `ROLLBACK` (we gave up) takes the mounts back and end of file (the program was
///   executed: our end is close-on-exec; or we died) keeps them; it exits and we reap it.
/// * Or `DETACH`, only from a runshare about to exec in place: it forks a keeper that alone
///   reads on (`ROLLBACK` or end of file as above) and exits, so that we reap it before
///   execve(2) and the program inherits no child. Only a failed exec needs the keeper; it
///   leaves as an orphan, for init to reap.
///
/// With `--fork` the program's process holds a copy of our end and we close ours once it is
/// released: the helper reads its end of file or `ROLLBACK` and we reap it, no keeper needed.
pub(crate) struct BindHelper {
    /// Our write end.
    release: Option<File>,
    /// Our child, until reaped; `None` in the forked program and once detached.
    child: Option<(libc::pid_t, Stage)>,
}

impl BindHelper {
    pub(crate) fn spawn(binds: Vec<(PathBuf, PathBuf)>, prog: &str) -> Result<BindHelper> {
        let ppid = process::getpid();
        // Two descriptors of ours while the child is forked, where they are free.
        let own_pipe = pipe::pipe().ok();
        match process::fork().map_err(fork_failed)? {
            Forked::Child => {
                if signal::set_parent_death_signal(libc::SIGKILL).is_err() || process::getppid() != ppid {
                    process::exit_now(1);
                }
                let reader = match own_pipe {
                    Some((reader, writer)) => {
                        drop(writer);
                        reader
                    }
                    None => pipe_for_parent(prog),
                };
                bind_and_wait(reader, &binds, prog)
            }
            Forked::Parent { child } => {
                let mut helper = BindHelper { release: None, child: Some((child, Stage::Ready)) };
                helper.release = Some(match own_pipe {
                    Some((reader, writer)) => {
                        drop(reader);
                        writer
                    }
                    None => take_writer(&mut helper, child)?,
                });
                Ok(helper)
            }
        }
    }

    /// Lets the helper bind and waits until it has (it stopped) or failed (it exited, after
    /// its message: its status becomes ours).
    pub(crate) fn bind(&mut self) -> Result<()> {
        let (Some(release), Some((child, Stage::Ready))) = (self.release.as_mut(), self.child) else {
            return Ok(());
        };
        write_quietly(release, GO);
        loop {
            match process::wait_child(child, true) {
                Ok(ChildState::Stopped(libc::SIGSTOP)) => {
                    self.child = Some((child, Stage::Bound));
                    let _ = process::kill(child, libc::SIGCONT);
                    return Ok(());
                }
                // Stopped by someone else (job control) before it was done: it goes on.
                Ok(ChildState::Stopped(_)) => {
                    let _ = process::kill(child, libc::SIGCONT);
                }
                other => {
                    self.child = None;
                    self.release = None;
                    let status = match other {
                        Ok(ChildState::Exited(status)) if status != 0 => status,
                        _ => 1,
                    };
                    return Err(Error::Silent(status));
                }
            }
        }
    }

    /// Last before execve(2) in place: hands the mounts to the helper's keeper and reaps the
    /// helper. A helper that could not fork its keeper took the mounts back and said why.
    pub(crate) fn detach(&mut self) -> Result<()> {
        let (Some(release), Some((child, Stage::Bound))) = (self.release.as_mut(), self.child) else {
            return Ok(());
        };
        write_quietly(release, DETACH);
        self.child = None;
        match process::wait_child(child, false) {
            Ok(ChildState::Exited(0)) => Ok(()),
            // Our end stays: a keeper forked before the helper died is told to take back.
            Ok(ChildState::Exited(status)) => Err(Error::Silent(status)),
            _ => Err(Error::Silent(1)),
        }
    }

    /// In the forked program, released by the parent once the helper has bound: the helper
    /// is no child of ours, and our end now decides about the mounts.
    pub(crate) fn bound_by_parent(&mut self) {
        self.child = None;
    }

    /// In the waiting parent, once the program is released: our end closes (the program's
    /// copy decides now), and the helper is reaped when it has read the program's end of file
    /// or `ROLLBACK`.
    pub(crate) fn reap_after_program(mut self) {
        self.release = None;
        if let Some((child, _)) = self.child.take() {
            let _ = process::wait_child(child, false);
        }
    }

    /// Closes our end without a word: in a process that neither execs the program nor
    /// decides about the mounts (the id-map helper).
    pub(crate) fn forget(mut self) {
        self.release.take();
        self.child.take();
    }
}

impl Drop for BindHelper {
    /// Giving up, before or after the binds (the program could not be started): the helper
    /// takes back what it bound; we wait until it is gone. An exec'd program never runs this,
    /// and its close-on-exec end of file tells the helper (or keeper) to keep the mounts.
    fn drop(&mut self) {
        let release = self.release.take();
        match (self.child.take(), release) {
            (Some((child, Stage::Ready)), _) => {
                // Nothing bound: it may go the short way (it may also be stopped).
                let _ = process::kill(child, libc::SIGKILL);
                let _ = process::wait_child(child, false);
            }
            (Some((child, Stage::Bound)), release) => {
                if let Some(mut release) = release {
                    write_quietly(&mut release, ROLLBACK);
                }
                let _ = process::kill(child, libc::SIGCONT);
                let _ = process::wait_child(child, false);
            }
            // The forked program, or a detached run whose exec failed: whoever reads (the
            // helper, the keeper) takes the mounts back and is gone when poll(2) says so.
            (None, Some(mut release)) => {
                write_quietly(&mut release, ROLLBACK);
                pipe::wait_readers_gone(&release);
            }
            (None, None) => {}
        }
    }
}

/// In the helper when we could not make the pipe ourselves (no two descriptors free): a pipe
/// on its stdin and stdout, and stopped until the parent has taken its write end; returns the
/// read end.
fn pipe_for_parent(prog: &str) -> File {
    let (reader, writer) = match pipe::pipe_on_stdin_stdout() {
        Ok((r, w)) if r.as_raw_fd() == 0 && w.as_raw_fd() == 1 => (r, w),
        Ok(_) => process::exit_now(1),
        Err(e) => {
            report(&Error::os("pipe failed", e), prog);
            process::exit_now(1);
        }
    };
    let _ = process::kill(process::getpid(), libc::SIGSTOP);
    drop(writer);
    reader
}

/// In the parent: waits for the helper of [`pipe_for_parent`] to stop, takes our write end
/// from its descriptor 1 and lets it go on.
fn take_writer(helper: &mut BindHelper, child: libc::pid_t) -> Result<File> {
    match process::wait_child(child, true) {
        Ok(ChildState::Stopped(_)) => {}
        other => {
            // Reaped (its message is out, if any).
            helper.child = None;
            return Err(Error::Silent(match other {
                Ok(ChildState::Exited(status)) if status != 0 => status,
                _ => 1,
            }));
        }
    }
    let opened = pipe::open_writer(child, 1);
    let _ = process::kill(child, libc::SIGCONT);
    opened.map_err(|e| Error::os("pipe failed", e))
}

/// The helper's life once it holds its read end: see [`BindHelper`].
fn bind_and_wait(mut reader: File, binds: &[(PathBuf, PathBuf)], prog: &str) -> ! {
    // End of file: the parent gave up before the binds.
    if read_byte(&mut reader) != Some(GO) {
        process::exit_now(0);
    }
    if let Err(e) = steps::bind_persistent(&mut LiveKernel, binds) {
        report(&e, prog);
        process::exit_now(e.status());
    }
    // Stopped until our parent has seen that we bound (waitpid(2) with WUNTRACED).
    let _ = process::kill(process::getpid(), libc::SIGSTOP);
    match read_byte(&mut reader) {
        Some(ROLLBACK) => steps::unbind(&mut LiveKernel, binds),
        Some(DETACH) => match process::fork() {
            // The keeper: no parent-death signal (fork(2) clears it), so it outlives us.
            Ok(Forked::Child) => {
                if read_byte(&mut reader) == Some(ROLLBACK) {
                    steps::unbind(&mut LiveKernel, binds);
                }
            }
            Ok(Forked::Parent { .. }) => {}
            Err(e) => {
                steps::unbind(&mut LiveKernel, binds);
                report(&fork_failed(e), prog);
                process::exit_now(1);
            }
        },
        _ => {}
    }
    process::exit_now(0)
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
    release: Option<Gate>,
}

impl IdmapHelper {
    pub(crate) fn spawn(
        users: Vec<MapRange>,
        groups: Vec<MapRange>,
        bind: &mut Option<BindHelper>,
        prog: &str,
    ) -> Result<IdmapHelper> {
        let ppid = process::getpid();
        let release = Gate::new().map_err(|e| Error::tr_os("eventfd failed", vec![], e))?;
        match process::fork().map_err(fork_failed)? {
            Forked::Child => {
                // Dies with us; a parent already gone before prctl(2) is seen by getppid().
                if signal::set_parent_death_signal(libc::SIGKILL).is_err() || process::getppid() != ppid {
                    process::exit_now(1);
                }
                if let Some(b) = bind.take() {
                    b.forget();
                }
                let released = release.wait_for(GO.into());
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
            release.open(GO.into());
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
