//! rlsns: list namespaces, as util-linux lsns(8).
//!
//! A binary is its argument vector handed to the library; everything else (parsing, the kernel,
//! output) is in [`nscore`], whose documentation is where to start reading: its crate page
//! draws the layers, and each module says which kernel interface it wraps.
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(nscore::tool::run(std::env::args_os().collect(), "rlsns", |inv, out| {
        nscore::lsns::main(inv, out, &nscore::proc::ProcFs::live(), &nscore::lsns::kernel::LIVE)
    }));
}
