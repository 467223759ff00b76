//! One libFuzzer binary for every target of `nscore_fuzz::TARGETS`: the target is chosen by
//! the environment variable `RNS_FUZZ_TARGET` (`cargo xtask fuzz --libfuzzer TARGET` sets it).
#![no_main]
#![forbid(unsafe_code)]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn chosen() -> &'static nscore_fuzz::Target {
    static TARGET: OnceLock<&'static nscore_fuzz::Target> = OnceLock::new();
    TARGET.get_or_init(|| {
        let name = std::env::var("RNS_FUZZ_TARGET").unwrap_or_else(|_| "getopt".to_string());
        nscore_fuzz::target(&name).unwrap_or_else(|| panic!("no fuzz target {name}"))
    })
}

fuzz_target!(|data: &[u8]| {
    (chosen().run)(data);
});
