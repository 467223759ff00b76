//! What a tool shows under its own name (`rlsns`, `rnsenter`, `runshare`) and what it shows
//! under util-linux's (`lsns`, `nsenter`, `unshare`, as `cargo xtask install --as-util-linux`
//! links them) or any other: `--help` is util-linux's text either way, followed under the own
//! name by rns's extras and the own manual page; `rlsns -H` lists every column it accepts
//! under the own name, util-linux's 13 under any other.

use crate::common::{assert_text, ours, privileged, run_as, run_ours, throwaway_world};

/// (util-linux's name, rns's name, util-linux's page, rns's page).
const TOOLS: [(&str, &str, &str, &str); 3] = [
    ("lsns", "rlsns", "lsns(8)", "rlsns(8)"),
    ("nsenter", "rnsenter", "nsenter(1)", "rnsenter(1)"),
    ("unshare", "runshare", "unshare(1)", "runshare(1)"),
];

/// The options of `util`'s table that util-linux does not have: the man page's and the
/// completions' view of them, where such an option's help is its bare description.
fn extensions(util: &str) -> Vec<(String, String)> {
    let interface = match util {
        "lsns" => nscore::lsns::args::interface(),
        "nsenter" => nscore::enter::args::interface(),
        _ => nscore::unshare::args::interface(),
    };
    interface
        .options
        .iter()
        .filter(|o| !o.help.starts_with(' ') && !matches!(o.long, Some("help" | "version" | "list-columns")))
        .map(|o| (o.long.unwrap_or_default().to_string(), o.help.to_string()))
        .collect()
}

/// util-linux's `--help` as the tool prints it under `util`'s name, with the program name and
/// page of the own name: what the own name's `--help` must start and end with.
fn util_linux_parts(util: &str, own: &str, util_page: &str) -> (String, String) {
    let theirs = run_ours(util, &["--help"]);
    assert_eq!((theirs.stderr.as_str(), theirs.status), ("", 0), "{util} --help");
    let tail = format!("\nFor more details see {util_page}.\n");
    let body = theirs.stdout.strip_suffix(&tail).unwrap_or_else(|| panic!("{util} --help ends with {tail:?}"));
    (body.replacen(&format!("\n {util} ["), &format!("\n {own} ["), 1), tail)
}

#[test]
fn own_name_help_is_util_linux_text_then_the_extras_and_the_own_page() {
    for (util, own, util_page, own_page) in TOOLS {
        let (body, _) = util_linux_parts(util, own, util_page);
        let help = run_as(ours(util), &format!("/usr/local/bin/{own}"), &["--help"]);
        assert_eq!((help.stderr.as_str(), help.status), ("", 0), "{own} --help");
        let extras = help.stdout.strip_prefix(&body).unwrap_or_else(|| {
            panic!("{own} --help does not start with util-linux's text:\n{}", crate::common::diff(&body, &help.stdout))
        });
        let extras = extras.strip_prefix("\nrns extras (not in util-linux):\n").expect("the extras' heading");
        let extras = extras
            .strip_suffix(&format!("\nFor more details see {own_page}.\n"))
            .unwrap_or_else(|| panic!("{own} --help names {own_page}: {extras}"));
        // Each extra of the option table on a line of its own, laid out as util-linux's lines:
        // the description where util-linux's `-h` line has its own.
        let width = body
            .lines()
            .find_map(|l| l.strip_prefix(" -h, --help"))
            .map(|rest| " -h, --help".len() + rest.len() - rest.trim_start().len());
        let width = width.expect("a -h line");
        for (long, description) in extensions(util) {
            let line = extras.lines().find(|l| l.contains(&format!("--{long}"))).unwrap_or_else(|| {
                panic!("{own} --help lacks --{long}:\n{extras}");
            });
            assert_eq!(line.get(width..), Some(description.as_str()), "{own} --help: {line:?}");
        }
        assert!(!extras.contains("For more details"), "{extras}");
        match own {
            "rlsns" => {
                assert!(extras.contains("-H (--list-columns) lists") && extras.contains("\"(rns extra)\""));
                assert_eq!(extensions(util).len(), 3, "--threads, --compare, --all-mounts");
            }
            "rnsenter" => assert!(
                extras.lines().any(|l| l.starts_with(" -t, --target <runtime:id>     a container's")),
                "{extras}"
            ),
            _ => assert_eq!(extensions(util).len(), 2, "--clear-env, --whitelist-env"),
        }
        // -h acts as --help does.
        assert_eq!(run_as(ours(util), own, &["-h"]).stdout, help.stdout);
    }
}

/// The own name is the name alone: any other name than rns's own gets util-linux's bytes.
#[test]
fn any_other_name_gets_util_linux_help() {
    for (util, _, util_page, _) in TOOLS {
        let (body, tail) = util_linux_parts(util, &format!("{util}-2.42"), util_page);
        let other = run_as(ours(util), &format!("/opt/{util}-2.42"), &["--help"]);
        assert_text(&format!("{util}-2.42 --help"), &format!("{body}{tail}"), &other.stdout);
        assert!(!other.stdout.contains("rns extras"));
    }
}

#[test]
fn own_name_list_columns_show_every_column_with_the_extras_marked() {
    let util_linux = run_ours("lsns", &["-H"]);
    let own = run_as(ours("lsns"), "rlsns", &["-H"]);
    assert_eq!((own.stderr.as_str(), own.status), ("", 0));
    let names = nscore::lsns::columns::NAMES;
    let listed: Vec<&str> = own.stdout.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(listed, names, "{}", own.stdout);
    let lines: Vec<&str> = own.stdout.lines().collect();
    // util-linux's 13 first, as util-linux lists them (only the name column is wider)
    assert_eq!(util_linux.stdout.lines().count(), 13);
    for (ours, theirs) in lines.iter().zip(util_linux.stdout.lines()) {
        assert_eq!(ours.trim_start(), theirs.trim_start());
    }
    for line in &lines[13..] {
        assert!(line.ends_with(" (rns extra)"), "{line:?}");
    }
    for (name, ty) in [("ID", "<integer>"), ("HOLDERS", "<string>"), ("IFACES", "<json>"), ("SUMMARY", "<string>")] {
        assert!(lines.iter().any(|l| l.split_whitespace().take(2).eq([name, ty])), "{name} {ty}");
    }
    // Raw and JSON list the same columns, marked the same way.
    let raw = run_as(ours("lsns"), "rlsns", &["-H", "-r"]);
    assert_eq!(raw.stdout.lines().count(), names.len());
    assert_eq!(raw.stdout.matches("\\x20(rns\\x20extra)\n").count(), names.len() - 13, "{}", raw.stdout);
    let json = run_as(ours("lsns"), "rlsns", &["-H", "-J"]);
    assert_eq!(json.status, 0);
    assert!(json.stdout.starts_with("{\n   \"lsns-columns\": [\n"), "{}", json.stdout);
    assert_eq!(json.stdout.matches("\"holder\": ").count(), names.len());
    assert_eq!(json.stdout.matches(" (rns extra)\"\n").count(), names.len() - 13);
    let theirs_json = run_ours("lsns", &["-H", "-J"]);
    let shared = theirs_json.stdout.strip_suffix("      }\n   ]\n}\n").expect("util-linux's JSON ends a list");
    assert!(json.stdout.starts_with(shared), "{}", json.stdout);
}

/// Through links, as `cargo xtask install --as-util-linux` makes them (in a throwaway world's
/// /tmp): the util-linux name prints util-linux's recorded text, the own name the extras.
#[test]
fn links_named_like_util_linux_print_util_linux_bytes() {
    if !privileged("links_named_like_util_linux_print_util_linux_bytes") {
        return;
    }
    let script = "set -e\nmkdir bin\n\
                  ln -s \"$rlsns\" bin/lsns; ln -s \"$rnsenter\" bin/nsenter; ln -s \"$runshare\" bin/unshare\n\
                  ln -s \"$rlsns\" bin/rlsns\nexport PATH=/tmp/bin\n\
                  lsns --help; echo @; lsns -H; echo @; nsenter --help; echo @; unshare --help; echo @\n\
                  rlsns --help; echo @; rlsns -H\n";
    let env = [("rlsns", ours("lsns")), ("rnsenter", ours("nsenter")), ("runshare", ours("unshare"))];
    let out = throwaway_world("rns-test", "", script, &env);
    assert_eq!((out.stderr.as_str(), out.status), ("", 0), "{}", out.stdout);
    let parts: Vec<&str> = out.stdout.split("@\n").collect();
    let expected = [
        run_ours("lsns", &["--help"]).stdout,
        include_str!("fixtures/lsns/list-columns.golden").to_string(),
        run_ours("nsenter", &["--help"]).stdout,
        run_ours("unshare", &["--help"]).stdout,
        run_as(ours("lsns"), "rlsns", &["--help"]).stdout,
        run_as(ours("lsns"), "rlsns", &["-H"]).stdout,
    ];
    assert_eq!(parts.len(), expected.len(), "{}", out.stdout);
    for (part, expected) in parts.iter().zip(&expected) {
        assert_text("through a link", expected, part);
    }
    assert_text("lsns --help", include_str!("fixtures/lsns/help.golden"), parts[0]);
}
