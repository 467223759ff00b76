//! Signal names as `--kill-child` takes them (util-linux's lib/signames.c).

/// `--kill-child` names: case-insensitive, `SIG` optional, `RTMIN+n`/`RTMAX-n`; numbers are
/// not names.
pub fn signal_by_name(name: &str) -> Option<libc::c_int> {
    let upper = name.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    if let Some(rt) = bare.strip_prefix("RT") {
        let (max, n) = if let Some(n) = rt.strip_prefix("MIN+") {
            (false, n)
        } else if let Some(n) = rt.strip_prefix("MAX-") {
            (true, n)
        } else {
            (false, rt)
        };
        if !n.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
        let n: i64 = digits.parse().ok()?;
        let (min, maxsig) = (i64::from(libc::SIGRTMIN()), i64::from(libc::SIGRTMAX()));
        let sig = if max { maxsig - n } else { min + n };
        return (min..=maxsig).contains(&sig).then_some(sig as libc::c_int);
    }
    SIGNAL_NAMES.iter().find(|(n, _)| *n == bare).map(|(_, s)| *s)
}

/// util-linux's signal name table (lib/signames.c).
const SIGNAL_NAMES: &[(&str, libc::c_int)] = &[
    ("HUP", libc::SIGHUP),
    ("INT", libc::SIGINT),
    ("QUIT", libc::SIGQUIT),
    ("ILL", libc::SIGILL),
    ("TRAP", libc::SIGTRAP),
    ("ABRT", libc::SIGABRT),
    ("IOT", libc::SIGIOT),
    ("BUS", libc::SIGBUS),
    ("FPE", libc::SIGFPE),
    ("KILL", libc::SIGKILL),
    ("USR1", libc::SIGUSR1),
    ("SEGV", libc::SIGSEGV),
    ("USR2", libc::SIGUSR2),
    ("PIPE", libc::SIGPIPE),
    ("ALRM", libc::SIGALRM),
    ("TERM", libc::SIGTERM),
    ("STKFLT", libc::SIGSTKFLT),
    ("CHLD", libc::SIGCHLD),
    ("CLD", libc::SIGCHLD),
    ("CONT", libc::SIGCONT),
    ("STOP", libc::SIGSTOP),
    ("TSTP", libc::SIGTSTP),
    ("TTIN", libc::SIGTTIN),
    ("TTOU", libc::SIGTTOU),
    ("URG", libc::SIGURG),
    ("XCPU", libc::SIGXCPU),
    ("XFSZ", libc::SIGXFSZ),
    ("VTALRM", libc::SIGVTALRM),
    ("PROF", libc::SIGPROF),
    ("WINCH", libc::SIGWINCH),
    ("IO", libc::SIGIO),
    ("POLL", libc::SIGPOLL),
    ("PWR", libc::SIGPWR),
    ("SYS", libc::SIGSYS),
];
