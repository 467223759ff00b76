//! rnsenter: run a program in the namespaces of other processes, as util-linux nsenter(1).
//!
//! A binary is its argument vector handed to the library; everything else (parsing, the kernel,
//! output) is in [`nscore`], whose documentation is where to start reading: its crate page
//! draws the layers, and each module says which kernel interface it wraps.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(nscore::tool::run(std::env::args_os().collect(), "rnsenter", nscore::enter::main));
}
