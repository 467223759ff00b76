//! The end of runshare and rnsenter: exec the program through `PATH`, or the user's login
//! shell when none is given; and, when they forked, wait for the child and leave the way it
//! left (its exit status, or its fatal signal re-raised on ourselves).

use crate::byte_text::carry_bytes;
use crate::error::{Error, MsgArg};
use crate::output::safe_encode;
use crate::sys::process::{self, ChildState};
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// The shell to run when no program is given: `$SHELL` if set and not empty, else the passwd
/// shell of the real uid, else `/bin/sh`.
pub(crate) fn login_shell() -> OsString {
    if let Some(shell) = std::env::var_os("SHELL").filter(|s| !s.is_empty()) {
        return shell;
    }
    let (_, _, uid, _) = process::ids();
    passwd_shell(uid).unwrap_or_else(|| OsString::from("/bin/sh"))
}

/// The shell of `uid` as getpwuid(3) answers (through NSS, like util-linux), if not empty.
fn passwd_shell(uid: libc::uid_t) -> Option<OsString> {
    let shell = crate::sys::passwd::user_shell(uid).ok().flatten()?;
    Some(OsString::from_vec(shell)).filter(|shell| !shell.is_empty())
}

/// Executes `program` (`argv[0]` first) or, when it is empty, the login shell as `-<basename>`.
/// Returns only on failure: `failed to execute <name>`, exit 127 for ENOENT, else 126 (a
/// program named as given, a shell escaped).
pub(crate) fn exec_program_or_shell(program: &[OsString]) -> Error {
    Execution::of(program).run()
}

/// What execvp(3) will be given, decided before the exec itself so that a caller can do its
/// last step between the two (runshare lets its bind helper go only then).
pub(crate) struct Execution {
    file: OsString,
    argv: Vec<OsString>,
    /// The name in the failure message.
    name: OsString,
}

impl Execution {
    /// `program` (`argv[0]` first) or, when it is empty, the login shell as `-<basename>`.
    pub(crate) fn of(program: &[OsString]) -> Execution {
        if let Some(file) = program.first() {
            return Execution { file: file.clone(), argv: program.to_vec(), name: file.clone() };
        }
        let shell = login_shell();
        let base = shell.as_bytes().rsplit(|&b| b == b'/').next().unwrap_or(b"sh");
        let mut arg0 = b"-".to_vec();
        arg0.extend_from_slice(base);
        // util-linux runs the shell with execl(3), which searches no PATH: `SHELL=sh` is ./sh.
        let file = if shell.as_bytes().contains(&b'/') {
            shell.clone()
        } else {
            let mut relative = OsString::from("./");
            relative.push(&shell);
            relative
        };
        // The shell is no argument the user typed: $SHELL and the password database are the
        // target's after `rnsenter -e` or once in its mount namespace, so a message shows its
        // name escaped, as a table cell would show it.
        let name = OsString::from(safe_encode(&carry_bytes(shell.as_bytes())));
        Execution { file, argv: vec![OsString::from_vec(arg0)], name }
    }

    /// execvp(3). Returns only on failure: `failed to execute <name>`, exit 127 for ENOENT,
    /// else 126.
    pub(crate) fn run(self) -> Error {
        let errno = process::execvp(&self.file, &self.argv);
        let status = if errno == libc::ENOENT { 127 } else { 126 };
        Error::tr_os("failed to execute %s", vec![MsgArg::str(&self.name)], errno).with_status(status)
    }
}

/// What a forking parent does once its child is gone: its exit status, or its fatal signal
/// sent to ourselves so our caller sees the same death. Returns the status to exit with if
/// we survive the signal.
pub(crate) fn leave_like(state: ChildState, reset_handler: bool) -> i32 {
    match state {
        ChildState::Exited(code) => code,
        ChildState::Signaled(sig) | ChildState::Stopped(sig) => {
            process::reraise(sig, reset_handler);
            1
        }
    }
}
