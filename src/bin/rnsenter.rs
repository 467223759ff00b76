//! rnsenter: run a program in the namespaces of other processes, as util-linux nsenter(1).
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(nscore::tool::run(std::env::args_os().collect(), "rnsenter", nscore::enter::main));
}
