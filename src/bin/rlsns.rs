//! rlsns: list namespaces, as util-linux lsns(8).
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(nscore::tool::run(std::env::args_os().collect(), "rlsns", nscore::lsns::main));
}
