//! The generated documentation: man pages and completions are fresh, name every option each
//! parser accepts, render without warnings, and complete what they claim to in real shells.

use docgen::clap_view::{commands, completion_of, Completion};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A documentation tool (groff, mandoc, zsh, fish) may be missing on a developer's machine;
/// ci-test.sh installs them, so under CI=true a missing one fails.
fn have(tool: &str, test: &str) -> bool {
    let found =
        std::env::var_os("PATH").is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()));
    if !found {
        if std::env::var_os("CI").is_some_and(|v| v == OsStr::new("true")) {
            panic!("{test}: needs {tool}, which ci-test.sh installs; under CI=true this test may not skip");
        }
        eprintln!("skip: {test} needs {tool}");
    }
    found
}

fn generated(path: &str) -> String {
    let files = docgen::generate();
    let file = files.iter().find(|f| f.path == Path::new(path)).unwrap_or_else(|| panic!("{path} is not generated"));
    String::from_utf8(file.contents.clone()).expect("generated text is UTF-8")
}

fn man_path(cmd: &clap::Command) -> String {
    let section = docgen::tool_doc(cmd.get_name()).map_or("1", |d| d.section);
    format!("man/{}.{section}", cmd.get_name())
}

#[test]
fn generated_docs_are_fresh() {
    let problems = docgen::stale(root());
    assert!(
        problems.is_empty(),
        "generated docs differ from the option tables:\n  {}\nrun `cargo xtask gen` and commit man/ and completions/",
        problems.join("\n  ")
    );
}

#[test]
fn every_command_has_manual_prose() {
    for cmd in commands() {
        let doc = docgen::tool_doc(cmd.get_name())
            .unwrap_or_else(|| panic!("{} has no ToolDoc (docgen::tool_docs)", cmd.get_name()));
        assert!(doc.examples.len() >= 3, "{}: at least three examples", doc.name);
        for (long, _) in doc.option_details {
            assert!(
                cmd.get_arguments().any(|a| a.get_long() == Some(long)),
                "{}: option_details names --{long}, which the option table does not have",
                doc.name
            );
        }
    }
}

#[test]
fn every_option_is_in_the_man_page_with_its_argument_form() {
    for mut cmd in commands() {
        cmd.build();
        let page = generated(&man_path(&cmd));
        for arg in cmd.get_arguments().filter(|a| !a.is_positional()) {
            let range = arg.get_num_args().expect("built");
            let value = arg.get_value_names().and_then(|v| v.first()).map(|v| v.to_string()).unwrap_or_default();
            let form = match (range.takes_values(), range.min_values()) {
                (false, _) => String::new(),
                (true, 0) => format!("[=\\fI<{value}>\\fR]"),
                (true, _) => format!(" \\fI<{value}>\\fR"),
            };
            let long = arg.get_long().map(|l| format!("\\fB\\-\\-{}\\fR{form}", l.replace('-', "\\-")));
            let short = arg.get_short().map(|s| format!("\\fB\\-{s}\\fR"));
            for wanted in long.iter().chain(&short) {
                assert!(page.contains(wanted.as_str()), "{}: the man page lacks {wanted}", man_path(&cmd));
            }
        }
    }
}

/// The man page's OUTPUT COLUMNS are the columns `rlsns -H` lists, with the same descriptions.
#[test]
fn rlsns_man_page_columns_match_list_columns() {
    let page = generated("man/rlsns.8");
    let section = page.split(".SH \"OUTPUT COLUMNS\"").nth(1).expect("an OUTPUT COLUMNS section");
    let section = section.split("\n.SH ").next().unwrap_or_default();
    // `.TP`, `\fBNAME\fR`, the description (roff's `\-` is a plain hyphen)
    let documented: Vec<(String, String)> = section
        .split(".TP\n")
        .skip(1)
        .filter_map(|item| {
            let (name, help) = item.split_once('\n')?;
            let name = name.strip_prefix("\\fB")?.strip_suffix("\\fR")?;
            Some((name.to_string(), help.split_whitespace().collect::<Vec<_>>().join(" ").replace("\\-", "-")))
        })
        .collect();
    let out = crate::common::run_ours("lsns", &["-H"]);
    assert_eq!(out.status, 0, "rlsns -H: {}", out.stderr);
    // `-H` lines: right-aligned NAME, <type>, help
    let listed: Vec<(String, String)> = out
        .stdout
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let name = words.next()?.to_string();
            let _type = words.next()?;
            Some((name, words.collect::<Vec<_>>().join(" ")))
        })
        .collect();
    assert_eq!(listed.len(), 13, "{}", out.stdout);
    assert_eq!(documented, listed, "man/rlsns.8's OUTPUT COLUMNS differ from `rlsns -H`");
}

#[test]
fn every_option_is_in_each_completion_script() {
    for cmd in commands() {
        let name = cmd.get_name();
        let bash = generated(&format!("completions/{name}.bash"));
        let zsh = generated(&format!("completions/_{name}"));
        let fish = generated(&format!("completions/{name}.fish"));
        for arg in cmd.get_arguments().filter(|a| !a.is_positional()) {
            if let Some(long) = arg.get_long() {
                assert!(
                    bash.contains(&format!(" --{long} ")) || bash.contains(&format!(" --{long}'")),
                    "bash: --{long}"
                );
                assert!(zsh.contains(&format!("--{long}[")) || zsh.contains(&format!("--{long}=")), "zsh: --{long}");
                assert!(fish.contains(&format!(" -l {long} ")), "fish: --{long}");
            }
            if let Some(short) = arg.get_short() {
                assert!(
                    bash.contains(&format!(" -{short} ")) || bash.contains(&format!("'-{short} ")),
                    "bash: -{short}"
                );
                assert!(
                    zsh.contains(&format!("-{short}["))
                        || zsh.contains(&format!("-{short}+["))
                        || zsh.contains(&format!("-{short}-[")),
                    "zsh: -{short}"
                );
                assert!(fish.contains(&format!(" -s {short} ")), "fish: -{short}");
            }
        }
    }
}

/// What the committed bash completion of `cmd` offers for the words `line` (the last one is
/// being completed), with the words split as the test gives them.
fn bash_complete(cmd: &str, words: &[&str]) -> Vec<String> {
    bash_complete_with_path(cmd, words, &std::env::var("PATH").unwrap_or_default())
}

/// [`bash_complete`] with `path` as $PATH (where the script finds rlsns).
fn bash_complete_with_path(cmd: &str, words: &[&str], path: &str) -> Vec<String> {
    bash_complete_in(cmd, words, path, Path::new("."))
}

/// [`bash_complete_with_path`] with `dir` as bash's working directory.
fn bash_complete_in(cmd: &str, words: &[&str], path: &str, dir: &Path) -> Vec<String> {
    let script = root().join(format!("completions/{cmd}.bash"));
    let quoted: Vec<String> = words.iter().map(|w| format!("'{}'", w.replace('\'', "'\\''"))).collect();
    let function = format!("_{}", cmd.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    let program = format!(
        "source '{}' || exit 9; COMP_WORDS=({}); COMP_CWORD={}; {function}; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display(),
        quoted.join(" "),
        words.len() - 1
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &program])
        .env("PATH", path)
        .current_dir(dir)
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "bash completion failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "bash completion wrote to stderr: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

fn assert_offers(cmd: &str, words: &[&str], expected: &[&str]) {
    let got = bash_complete(cmd, words);
    for e in expected {
        assert!(got.iter().any(|g| g == e), "bash: completing {words:?} should offer {e:?}, got {got:?}");
    }
}

#[test]
fn bash_completes_tree_relations_columns_and_types() {
    if !have("bash", "bash_completes_tree_relations_columns_and_types") {
        return;
    }
    // the whole word, as when = is not a word break, and the split form readline hands over
    assert_offers("rlsns", &["rlsns", "--tree="], &["--tree=owner", "--tree=parent", "--tree=process"]);
    assert_offers("rlsns", &["rlsns", "--tree", "="], &["owner", "parent", "process"]);
    assert_offers("rlsns", &["rlsns", "--tree", "=", "pa"], &["parent"]);
    assert_offers("rlsns", &["rlsns", "-Tp"], &["-Tparent", "-Tprocess"]);
    assert_offers("rlsns", &["rlsns", "-o", ""], &nscore::lsns::columns::NAMES);
    assert_offers("rlsns", &["rlsns", "-o", "NS,TY"], &["NS,TYPE"]);
    assert_offers("rlsns", &["rlsns", "-o", "+NS,n"], &["+NS,NPROCS", "+NS,NETNSID", "+NS,NSFS"]);
    assert_offers("rlsns", &["rlsns", "--output=PID,U"], &["--output=PID,UID", "--output=PID,USER"]);
    assert_offers("rlsns", &["rlsns", "-t", ""], &["mnt", "net", "ipc", "user", "pid", "uts", "cgroup", "time"]);
    assert_offers("rlsns", &["rlsns", "--no"], &["--noheadings", "--notruncate", "--nowrap"]);
    // `-T parent` is the namespace operand, not a relation: nothing to offer
    assert_eq!(bash_complete("rlsns", &["rlsns", "-T", "pa"]), Vec::<String>::new());
}

#[test]
fn bash_completes_every_option_and_listed_value() {
    if !have("bash", "bash_completes_every_option_and_listed_value") {
        return;
    }
    for mut cmd in commands() {
        cmd.build();
        let name = cmd.get_name().to_string();
        let options = bash_complete(&name, &[&name, "-"]);
        for spelling in docgen::option_spellings(&cmd) {
            assert!(options.contains(&spelling), "bash: `{name} -` should offer {spelling}, got {options:?}");
        }
        for arg in cmd.get_arguments().filter(|a| !a.is_positional()) {
            let Some(long) = arg.get_long() else { continue };
            let attached = arg.get_num_args().expect("built").min_values() == 0;
            match completion_of(arg) {
                Completion::Words(words) => {
                    let word = format!("--{long}=");
                    let expected: Vec<String> = words.iter().map(|w| format!("--{long}={w}")).collect();
                    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
                    assert_offers(&name, &[&name, &word], &expected);
                    if !attached {
                        let expected: Vec<&str> = words.iter().map(String::as_str).collect();
                        assert_offers(&name, &[&name, &format!("--{long}"), ""], &expected);
                    }
                }
                Completion::WordList(words) => {
                    let first = format!("{},", words[0].name);
                    let expected: Vec<String> = words.iter().map(|w| format!("{first}{}", w.name)).collect();
                    let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
                    assert_offers(&name, &[&name, &format!("--{long}"), &first], &expected);
                }
                _ => {}
            }
        }
    }
}

#[test]
fn bash_completes_pids_from_proc() {
    if !have("bash", "bash_completes_pids_from_proc") {
        return;
    }
    for mut cmd in commands() {
        cmd.build();
        let name = cmd.get_name().to_string();
        for arg in cmd.get_arguments().filter(|a| matches!(completion_of(a), Completion::Pid | Completion::Target)) {
            let long = format!("--{}", arg.get_long().expect("pid options have a long name"));
            // pid 1 always exists; "1" offers it among the pids starting with 1
            assert_offers(&name, &[&name, &long, "1"], &["1"]);
            let got = bash_complete(&name, &[&name, &long, "1"]);
            assert!(got.iter().all(|p| p.starts_with('1') && p.bytes().all(|b| b.is_ascii_digit())), "{got:?}");
        }
    }
}

#[test]
fn man_pages_render_without_warnings() {
    if !have("groff", "man_pages_render_without_warnings") {
        return;
    }
    let mandoc = have("mandoc", "man_pages_render_without_warnings (mandoc -T lint)");
    let pages: Vec<PathBuf> = commands().iter().map(|cmd| root().join(man_path(cmd))).collect();
    for page in &pages {
        let out = Command::new("groff").args(["-ww", "-man", "-Tutf8", "-z"]).arg(page).output().unwrap();
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "groff -ww {}: {}",
            page.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        if mandoc {
            let out = Command::new("mandoc").args(["-T", "lint", "-W", "style"]).arg(page).output().unwrap();
            assert!(
                out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
                "mandoc -T lint {}:\n{}{}",
                page.display(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn zsh_and_fish_scripts_parse() {
    for cmd in commands() {
        let name = cmd.get_name();
        if have("zsh", "zsh_and_fish_scripts_parse") {
            let out = Command::new("zsh").arg("-n").arg(root().join(format!("completions/_{name}"))).output().unwrap();
            assert!(out.status.success(), "zsh -n _{name}: {}", String::from_utf8_lossy(&out.stderr));
        }
        if have("fish", "zsh_and_fish_scripts_parse") {
            let out =
                Command::new("fish").arg("-n").arg(root().join(format!("completions/{name}.fish"))).output().unwrap();
            assert!(out.status.success(), "fish -n {name}.fish: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

#[test]
fn fish_completes_tree_relations_and_columns() {
    if !have("fish", "fish_completes_tree_relations_and_columns") {
        return;
    }
    let home = scratch("fish-home");
    let complete = |line: &str| -> Vec<String> {
        let script = root().join("completions/rlsns.fish");
        let program = format!("source '{}'; complete -C '{line}'", script.display());
        let out = Command::new("fish").args(["--no-config", "-c", &program]).env("HOME", &home).output().unwrap();
        assert!(out.status.success(), "fish: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split('\t').next().unwrap_or("").to_string()).collect()
    };
    let got = complete("rlsns --tree=");
    assert_eq!(got, ["--tree=owner", "--tree=parent", "--tree=process"], "fish: rlsns --tree=");
    let got = complete("rlsns -o NS,TY");
    assert_eq!(got, ["NS,TYPE"], "fish: rlsns -o NS,TY");
    let _ = std::fs::remove_dir_all(&home);
}

/// What zsh lists when Tab is pressed after `line`, with the committed completions in $fpath:
/// a real interactive zsh on a pseudo-terminal (zsh/zpty), read up to markers it echoes and
/// the prompt of its line editor (typeahead sent earlier may be flushed), so nothing depends
/// on timing. Escape sequences are removed.
fn zsh_complete(line: &str) -> String {
    zsh_complete_with_path(line, "/usr/bin:/bin")
}

/// [`zsh_complete`] with `path` as the $PATH of the interactive zsh.
fn zsh_complete_with_path(line: &str, path: &str) -> String {
    let script = r#"
zmodload zsh/zpty
zpty z "env -i HOME=/nonexistent TERM=dumb PATH=$3 zsh -f -i"
zpty -w z "PS1='> '; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D; LISTMAX=1000; echo READY''1"
zpty -r z out '*READY1*> *'
zpty -w -n z "$2"$'\t'
zpty -w -n z $'\x15'
zpty -w z "echo DONE''2"
zpty -r z out '*DONE2*'
print -r -- "$out"
zpty -d z
"#;
    let out = Command::new("timeout")
        .args(["60", "zsh", "-f", "-c", script, "zsh"])
        .arg(root().join("completions"))
        .arg(line)
        .arg(path)
        .output()
        .expect("zsh runs");
    assert!(out.status.success(), "zsh completion of {line:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
    let mut clean = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI: ESC [ parameters final-byte
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        clean.push(c);
    }
    clean
}

#[test]
fn zsh_completes_tree_relations_columns_and_types() {
    if !have("zsh", "zsh_completes_tree_relations_columns_and_types") {
        return;
    }
    let listed = |line: &str, words: &[&str]| {
        let out = zsh_complete(line);
        for w in words {
            assert!(out.split_whitespace().any(|x| x == *w), "zsh: {line}<Tab> should list {w}; got\n{out}");
        }
    };
    listed("rlsns --tree=", &["owner", "parent", "process"]);
    listed("rlsns -t ", &["mnt", "net", "ipc", "user", "pid", "uts", "cgroup", "time"]);
    listed("rlsns --no", &["--noheadings", "--notruncate", "--nowrap"]);
    // a single candidate is inserted: the comma list grows by the completed column
    let out = zsh_complete("rlsns -o NS,TY");
    assert!(out.contains("rlsns -o NS,TYPE"), "zsh: rlsns -o NS,TY<Tab>; got\n{out}");
    let out = zsh_complete("rlsns -o +NS,NP");
    assert!(out.contains("rlsns -o +NS,NPROCS"), "zsh: rlsns -o +NS,NP<Tab>; got\n{out}");
}

/// zsh and fish describe each column `-o` offers with its own help, the text `-H` prints
/// (the column table's), not with the option's: a colon and an apostrophe in a help
/// (IFACES, INIT) come through as written.
#[test]
fn zsh_and_fish_describe_each_column() {
    let columns = nscore::lsns::columns::WORDS;
    if have("fish", "zsh_and_fish_describe_each_column") {
        let home = scratch("fish-home-columns");
        let script = root().join("completions/rlsns.fish");
        let program = format!("source '{}'; complete -C 'rlsns -o NS,'", script.display());
        let out = Command::new("fish").args(["--no-config", "-c", &program]).env("HOME", &home).output().unwrap();
        assert!(out.status.success(), "fish: {}", String::from_utf8_lossy(&out.stderr));
        let mut got: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
        got.sort();
        let mut expected: Vec<String> = columns.iter().map(|(name, help)| format!("NS,{name}\t{help}")).collect();
        expected.sort();
        assert_eq!(got, expected, "fish: rlsns -o NS,<Tab>");
        assert!(got.contains(&"NS,TYPE\tkind of namespace".to_string()), "fish: {got:?}");
        let _ = std::fs::remove_dir_all(&home);
    }
    if have("zsh", "zsh_and_fish_describe_each_column") {
        let out = zsh_complete("rlsns -o NS,");
        // `NAME -- help` a line; zsh may cut a description at the terminal's width
        let described = |name: &str| -> Option<String> {
            out.lines().find_map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                match words.as_slice() {
                    [n, "--", help @ ..] if *n == name => Some(help.join(" ")),
                    _ => None,
                }
            })
        };
        // NS is on the line already: _values offers the others
        for (name, help) in columns.iter().filter(|(name, _)| *name != "NS") {
            let shown =
                described(name).unwrap_or_else(|| panic!("zsh: rlsns -o NS,<Tab> should describe {name}; got\n{out}"));
            assert!(!shown.is_empty() && help.starts_with(&shown), "zsh: {name} shown as {shown:?}, not {help:?}");
        }
        for name in ["TYPE", "IFACES", "INIT"] {
            let help = columns.iter().find(|(n, _)| *n == name).unwrap().1;
            assert_eq!(described(name).as_deref(), Some(help), "zsh: rlsns -o NS,<Tab>; got\n{out}");
        }
    }
}

/// rnsenter's `--target` completes pids, the runtimes' `RUNTIME:` and the running containers as
/// rlsns finds them, in bash (the word forms readline hands over, split at `:` and `=`), zsh and
/// fish: a container made for the test (a docker-shaped cgroup) is offered by its short id.
#[test]
fn target_completion_offers_pids_and_running_containers() {
    if !crate::common::privileged("target_completion_offers_pids_and_running_containers") {
        return;
    }
    let id = crate::extras::random_id();
    let mut world = crate::extras::ContainerWorld::new();
    world.start("ctr-complete", &[&format!("unified/system.slice/docker-{id}.scope")]);
    let (short, target) = (&id[..12], format!("docker:{}", &id[..12]));
    let bin = Path::new(crate::common::ours("lsns")).parent().expect("a directory").display().to_string();
    let path = format!("{bin}:/usr/bin:/bin");
    if have("bash", "target_completion_offers_pids_and_running_containers") {
        let got = |words: &[&str]| bash_complete_with_path("rnsenter", words, &path);
        let all = got(&["rnsenter", "-t", ""]);
        for wanted in ["1", "docker:", "podman:", "k8s:", target.as_str()] {
            assert!(all.iter().any(|c| c == wanted), "bash: rnsenter -t <Tab> should offer {wanted}: {all:?}");
        }
        // readline splits at ':' and '=' and replaces only what follows the last break
        for words in [
            &["rnsenter", "-t", "docker", ":", &id[..4]][..],
            &["rnsenter", "-t", "docker", ":"],
            &["rnsenter", "--target", "=", "docker", ":", &id[..4]],
            &["rnsenter", "-tdocker", ":"],
        ] {
            assert_eq!(got(words), [short], "bash: {words:?}");
        }
        // the whole word, as when ':' and '=' are no word breaks
        assert_eq!(got(&["rnsenter", "--target=dock"]), ["--target=docker:".to_string(), format!("--target={target}")]);
        let me = std::process::id().to_string();
        assert!(got(&["rnsenter", "-t", &me]).contains(&me), "bash: rnsenter -t {me}<Tab>");
    }
    if have("zsh", "target_completion_offers_pids_and_running_containers") {
        let out = zsh_complete_with_path(&format!("rnsenter -t docker:{}", &id[..6]), &path);
        assert!(
            out.contains(&format!("rnsenter -t {target}")),
            "zsh: rnsenter -t docker:{}<Tab>; got\n{out}",
            &id[..6]
        );
        let out = zsh_complete_with_path("rnsenter --target=", &path);
        let words: Vec<&str> = out.split_whitespace().collect();
        for wanted in ["docker", "k8s", target.as_str()] {
            assert!(words.contains(&wanted), "zsh: rnsenter --target=<Tab> should list {wanted}; got\n{out}");
        }
        // _pids lists the terminal's processes by pid, as ps shows them
        assert!(out.lines().any(|l| l.split_whitespace().next().is_some_and(|w| w.parse::<u32>().is_ok())), "{out}");
    }
    if have("fish", "target_completion_offers_pids_and_running_containers") {
        let home = scratch("fish-target");
        let complete = |line: &str| -> Vec<String> {
            let script = root().join("completions/rnsenter.fish");
            let program = format!("source '{}'; complete -C '{line}'", script.display());
            let out = Command::new("fish")
                .args(["--no-config", "-c", &program])
                .env("HOME", &home)
                .env("PATH", &path)
                .output()
                .unwrap();
            assert!(out.status.success(), "fish: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .map(|l| l.split('\t').next().unwrap_or("").to_string())
                .collect()
        };
        let all = complete("rnsenter -t ");
        for wanted in ["1", "docker:", target.as_str()] {
            assert!(all.iter().any(|c| c == wanted), "fish: rnsenter -t <Tab> should offer {wanted}: {all:?}");
        }
        let got = complete("rnsenter --target=docker:");
        assert!(got.contains(&format!("--target={target}")), "fish: rnsenter --target=docker:<Tab>: {got:?}");
        let _ = std::fs::remove_dir_all(&home);
    }
    drop(world);
}

/// A fresh directory for this test process.
fn scratch(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rns-docs-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A container's name is a cgroup's, chosen by whoever may make that cgroup (the container's
/// root, or any user with a delegated cgroup and a namespace of its own): completing
/// `rnsenter -t` offers it quoted and never runs what it holds (bash's `compgen -W` expands
/// its word list, so a `$(...)` in a name would run as the user pressing Tab).
#[test]
fn target_completion_never_runs_a_container_name() {
    let test = "target_completion_never_runs_a_container_name";
    if !crate::common::privileged(test) || !have("bash", test) {
        return;
    }
    let mut world = crate::extras::ContainerWorld::new();
    world.start("ctr-hostile", &["unified/lxc.payload.rns$(touch${IFS}rns-pwned)x"]);
    let bin = Path::new(crate::common::ours("lsns")).parent().expect("a directory").display().to_string();
    let path = format!("{bin}:/usr/bin:/bin");
    let dir = scratch("hostile-name");
    let got = bash_complete_in("rnsenter", &["rnsenter", "-t", "lxc", ":"], &path, &dir);
    let ran = dir.join("rns-pwned").exists();
    let _ = std::fs::remove_dir_all(&dir);
    drop(world);
    assert!(!ran, "completing rnsenter -t lxc:<Tab> ran the $(...) in a container's name");
    assert!(
        got.iter().any(|c| c == r"rns\$\(touch\$\{IFS\}rns-pwned\)x"),
        "bash: rnsenter -t lxc:<Tab> should offer the hostile container's name quoted: {got:?}"
    );
}

/// The long names of the options a `--help` text lists, in its order (an option line starts
/// with its names: ` -J, --json`, ` --mount-proc[=<dir>]`, `     --user-parent`).
fn help_order(help: &str) -> Vec<String> {
    help.lines()
        .filter(|l| l.starts_with(' ') && l.trim_start().starts_with('-'))
        .filter_map(|l| {
            let long = l.split_whitespace().take_while(|w| w.starts_with('-')).find(|w| w.starts_with("--"))?;
            Some(long.split(['[', '=']).next().unwrap_or(long).to_string())
        })
        .collect()
}

/// The long names of the options a man page's OPTIONS section lists, in its order.
fn man_order(page: &str) -> Vec<String> {
    let section = page.split(".SH OPTIONS\n").nth(1).expect("an OPTIONS section");
    let section = section.split("\n.SH ").next().unwrap_or_default();
    section
        .split(".TP\n")
        .skip(1)
        .filter_map(|item| {
            let tag = item.lines().next()?.replace("\\-", "-");
            let at = tag.find("--")?;
            let long: String = tag[at..].chars().take_while(|c| *c == '-' || c.is_ascii_alphanumeric()).collect();
            Some(long)
        })
        .collect()
}

/// Each man page lists its options in the order of the tool's `--help`; the options `--help`
/// leaves out (rns's own) come after them.
#[test]
fn man_page_options_follow_the_help_order() {
    for mut cmd in commands() {
        cmd.build();
        let name = cmd.get_name().to_string();
        let util = docgen::tool_doc(&name).expect("a ToolDoc").replaces;
        let out = crate::common::run_ours(util, &["--help"]);
        assert_eq!(out.status, 0, "{util} --help: {}", out.stderr);
        let help = help_order(&out.stdout);
        assert!(help.len() >= 16, "{util} --help lists too few options: {help:?}");
        let man = man_order(&generated(&man_path(&cmd)));
        let (listed, extras) = man.split_at(help.len().min(man.len()));
        assert_eq!(listed, help, "{}: OPTIONS are not in the order of `{util} --help`", man_path(&cmd));
        for extra in extras {
            assert!(!help.contains(extra), "{}: {extra} twice", man_path(&cmd));
        }
        assert_eq!(man.len(), cmd.get_arguments().filter(|a| !a.is_positional()).count(), "{}", man_path(&cmd));
    }
}

/// Each man page's EXAMPLES show every command line whole, on a line of its own, as it is
/// typed: not broken at the margin, and not run on into its description.
#[test]
fn man_page_examples_render_as_typed() {
    if !have("groff", "man_page_examples_render_as_typed") {
        return;
    }
    for doc in docgen::tool_docs() {
        let page = root().join(format!("man/{}.{}", doc.name, doc.section));
        let out = Command::new("groff").args(["-man", "-Tutf8", "-P-cbou"]).arg(&page).output().unwrap();
        assert!(out.status.success(), "groff {}", page.display());
        let text = String::from_utf8_lossy(&out.stdout);
        let examples = text.split("\nEXAMPLES\n").nth(1).expect("an EXAMPLES section");
        let lines: Vec<&str> = examples.lines().map(str::trim).collect();
        for (command, _) in doc.examples {
            for line in command.lines() {
                assert!(lines.contains(&line), "{}: `{line}` is not a line of its own:\n{examples}", page.display());
            }
        }
    }
}
