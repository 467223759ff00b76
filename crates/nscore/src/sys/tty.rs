//! Whether standard output is a terminal and how wide it is (isatty(3), TIOCGWINSZ), for
//! libsmartcols-style output that fits the terminal.

/// The terminal's column count from TIOCGWINSZ on standard output, if it reports one.
pub fn stdout_columns() -> Option<usize> {
    let mut size = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ writes one struct winsize through the valid pointer given.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    (rc == 0 && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

/// isatty(3) on standard output.
pub fn stdout_is_terminal() -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(libc::STDOUT_FILENO) == 1 }
}

/// TIOCGWINSZ on standard output: (columns, rows), or the errno it fails with (ENOTTY for
/// a file or pipe, EBADF when standard output is closed).
pub fn stdout_winsize() -> Result<(u16, u16), i32> {
    let mut size = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ writes one struct winsize through the valid pointer given.
    let rc = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    if rc == 0 {
        Ok((size.ws_col, size.ws_row))
    } else {
        Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO))
    }
}
