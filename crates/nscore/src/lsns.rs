//! lsns(8): discover namespaces from `/proc` and nsfs mounts, and print them.

use crate::cli::lsns::{parse, Parsed, USAGE};
use crate::error::Result;
use crate::tool::{version_line, Invocation};
use std::io::Write;

/// rlsns's main: parse, then list.
pub fn main(inv: &Invocation, out: &mut dyn Write) -> Result<i32> {
    let args = match parse(&inv.argv)? {
        Parsed::Help => {
            write_out(out, USAGE.replace("%s", &inv.prog).as_bytes())?;
            return Ok(0);
        }
        Parsed::Version => {
            write_out(out, version_line(&inv.prog).as_bytes())?;
            return Ok(0);
        }
        Parsed::Run(args) => args,
    };
    let _ = args;
    Err(crate::Error::msg("not implemented yet"))
}

/// Writes to stdout, turning a failure into util-linux's `write error` exit.
pub(crate) fn write_out(out: &mut dyn Write, bytes: &[u8]) -> Result<()> {
    out.write_all(bytes).map_err(|e| crate::Error::io("write error", &e))
}
