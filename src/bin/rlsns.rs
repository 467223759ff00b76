//! rlsns: list namespaces, as util-linux lsns(8).
#![forbid(unsafe_code)]

fn main() {
    std::process::exit(nscore::tool::run(std::env::args_os().collect(), "rlsns", |inv, out| {
        nscore::lsns::main(inv, out, &nscore::proc::ProcFs::live(), &nscore::lsns::kernel::LIVE)
    }));
}
