//! rlsns against the real kernel and util-linux lsns.

use crate::common::*;

#[test]
fn getopt_errors_match_util_linux() {
    for args in [&["--bogus=1"][..], &["-x"], &["-p"], &["--task"], &["--js=1"], &["--out"], &["-Tx"], &["-t", "foo"]] {
        compare("lsns", args);
    }
}
