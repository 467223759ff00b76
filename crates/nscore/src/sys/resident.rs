//! fork(2) of a child that joins a namespace with setns(2) and stays in it until released:
//! a process through which `/proc/CHILD/...` shows what only a member of that namespace shows
//! (rlsns's `--all-mounts` reads the mount table of a mount namespace no process is in). The
//! child shares neither the caller's filesystem context nor its threads, so the caller itself
//! never changes namespace.

use super::pipe::pipe;
use super::process::{exit_now, fork, wait_child, Forked};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::BorrowedFd;

/// A forked child inside a namespace, there until dropped (then released and reaped).
#[derive(Debug)]
pub struct Resident {
    pid: libc::pid_t,
    /// Closing it tells the child to exit.
    release: Option<File>,
}

impl Resident {
    /// The child's pid.
    pub(crate) fn pid(&self) -> libc::pid_t {
        self.pid
    }
}

impl Drop for Resident {
    fn drop(&mut self) {
        drop(self.release.take());
        let _ = wait_child(self.pid, false);
    }
}

/// Forks a child that enters the namespace of `ns` (`nstype`: its `CLONE_NEW*` flag) and stays
/// until the [`Resident`] is dropped. The errno of a failed pipe(2), fork(2) or the child's
/// setns(2) (the child is reaped then).
pub(crate) fn fork_into(ns: BorrowedFd<'_>, nstype: libc::c_int) -> Result<Resident, i32> {
    let (ready_read, ready_write) = pipe()?;
    let (release_read, release_write) = pipe()?;
    match fork()? {
        Forked::Child => {
            // Only system calls from here on: the child never allocates.
            drop(ready_read);
            drop(release_write);
            let entered = super::ns::setns(ns, nstype);
            let _ = (&ready_write).write(&entered.err().unwrap_or(0).to_ne_bytes());
            if entered.is_ok() {
                let mut byte = [0u8; 1];
                let _ = (&release_read).read(&mut byte);
            }
            exit_now(0)
        }
        Forked::Parent { child } => {
            drop(ready_write);
            drop(release_read);
            let resident = Resident { pid: child, release: Some(release_write) };
            let mut answer = [0u8; 4];
            match (&ready_read).read(&mut answer) {
                Ok(4) if answer == [0; 4] => Ok(resident),
                Ok(4) => Err(i32::from_ne_bytes(answer)),
                Ok(_) => Err(libc::EIO),
                Err(e) => Err(e.raw_os_error().unwrap_or(libc::EIO)),
            }
        }
    }
}
