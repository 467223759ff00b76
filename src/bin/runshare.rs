//! runshare: run a program in new namespaces, as util-linux unshare(1).
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(nscore::tool::run(std::env::args_os().collect(), "runshare", nscore::unshare::main));
}
