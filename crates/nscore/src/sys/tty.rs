//! Whether standard output is a terminal and how wide it is (isatty(3), TIOCGWINSZ), for
//! libsmartcols-style output that fits the terminal.

/// The ioctl as nix generates it: an `unsafe fn` that writes through the pointer it is given.
mod request {
    nix::ioctl_read_bad!(tiocgwinsz, libc::TIOCGWINSZ, libc::winsize);
}

/// The terminal's column count from TIOCGWINSZ on standard output, if it reports one.
pub(crate) fn stdout_columns() -> Option<usize> {
    stdout_winsize().ok().map(|(columns, _)| usize::from(columns)).filter(|&columns| columns > 0)
}

/// isatty(3) on standard output.
pub(crate) fn stdout_is_terminal() -> bool {
    nix::unistd::isatty(libc::STDOUT_FILENO).unwrap_or(false)
}

/// TIOCGWINSZ on standard output: (columns, rows), or the errno it fails with (ENOTTY for
/// a file or pipe, EBADF when standard output is closed).
pub(crate) fn stdout_winsize() -> Result<(u16, u16), i32> {
    let mut size = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ writes one struct winsize through the valid pointer given.
    unsafe { request::tiocgwinsz(libc::STDOUT_FILENO, &mut size) }.map_err(super::errno)?;
    Ok((size.ws_col, size.ws_row))
}
