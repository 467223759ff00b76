//! Hostile environments (docs/parity.md): the locale as glibc's
//! `setlocale(LC_ALL, "")` resolves it (one category naming a locale that is not installed
//! leaves the whole process in the C locale), and user names as util-linux's id cache shows
//! them (the number for a name with no printable width), in every output mode.
//!
//! Each test builds a throwaway world (private mount and pid namespaces, a private
//! /etc/passwd bound in it) and runs rlsns and util-linux 2.38.1's lsns side by side there
//! with a cleared environment; where 2.38.1 has no such view (`-Q`) or its answer is
//! undefined, the expected text is what util-linux 2.42.2 printed, recorded here.

use crate::common::{ours, privileged, throwaway_world};

/// Processes with odd command lines, each in a namespace of its own: UTF-8, bytes that are
/// not UTF-8, a tab, a control character, a `\x` and a zero-width space.
const ODD_COMMANDS: &str = r#"
unshare -u bash -c 'exec -a "héllo wörld 日本" sleep 1000' &
unshare -i bash -c "exec -a \"\$(printf 'bad\xff\xfe byte')\" sleep 1000" &
unshare -n bash -c "exec -a \"\$(printf 'tab\there\x01 \\\\x41 \xe2\x80\x8b')\" sleep 1000" &
await_count sleep 3
"#;

/// Shell functions for the worlds: `both ENV -- ARGS` prints, for util-linux's lsns then ours,
/// a marker line, output and the exit status, both run as `env -i PATH=... ENV lsns ARGS`.
const PRELUDE: &str = r#"
run() { local bin=$1; shift; local envs=(); while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  env -i PATH=/usr/bin:/bin "${envs[@]}" "$bin" "$@" 2>&1; echo "rc=$?"; }
mark() { printf '\036%s\n' "$1"; }
both() { mark theirs; run /usr/bin/lsns "$@"; mark ours; run "$RLSNS" "$@"; mark end; }
ours() { mark ours; run "$RLSNS" "$@"; mark end; }
"#;

/// The sections of a world's output, each opened by a line of RS (`\x1e`) and its label (a
/// byte no command line in the world holds, so lsns output cannot fake one), in order: (label, text) pairs.
fn sections(stdout: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in stdout.split('\x1e').skip(1) {
        let (label, body) = part.split_once('\n').unwrap_or((part, ""));
        if label != "end" {
            out.push((label.to_string(), body.to_string()));
        }
    }
    out
}

/// Runs `script` in a throwaway world; the script travels in the environment, not on the
/// world's command line, which lsns lists with the others.
fn world(name: &str, script: &str) -> Vec<(String, String)> {
    let out =
        throwaway_world(name, PRELUDE, "eval \"$WORLD_SCRIPT\"", &[("RLSNS", ours("lsns")), ("WORLD_SCRIPT", script)]);
    assert_eq!(out.status, 0, "the world failed: {out:?}");
    sections(&out.stdout)
}

/// Environments whose locale glibc resolves to C.UTF-8, or to C because one category names
/// a locale that cannot be loaded (not installed, a path, a bad LOCPATH).
const ENVIRONMENTS: &[&str] = &[
    "LANG=C.UTF-8",
    "LC_ALL=C.UTF-8",
    "LANG=C.UTF-8 LC_TIME=xx_YY.UTF-8",
    "LC_ALL=C.UTF-8 LC_TIME=xx_YY.UTF-8",
    "LANG=xx_YY.UTF-8 LC_CTYPE=C.UTF-8",
    "LC_CTYPE=C.UTF-8 LC_COLLATE=bogus",
    "LANG=C.UTF-8 LC_MESSAGES=/etc/passwd",
    "LANG=C.UTF-8 LC_NUMERIC=../C.UTF-8",
    "LANG=C.UTF-8 LC_IDENTIFICATION=xx",
    "LANG=C.UTF-8 LC_ADDRESS=",
    "LC_ALL= LANG=C.UTF-8",
    "LC_CTYPE=C LANG=C.UTF-8",
    "LC_ALL=POSIX LANG=C.UTF-8",
    "LANG=C.UTF-8 LANGUAGE=xx_YY",
    "LANG=C.UTF-8 LOCPATH=/nonexistent",
    "LANG=C.UTF-8 LC_ALL=xx",
];

/// Table (pipe), raw, JSON, no headings, tree by process and owner, `-u -W`: the same bytes as
/// util-linux in every environment (2.38.1 agrees with 2.42.2 where no namespace is held
/// without a process).
#[test]
fn locale_is_resolved_as_glibc_does_in_every_mode() {
    if !privileged("locale_is_resolved_as_glibc_does_in_every_mode") {
        return;
    }
    let modes = [
        "-o NS,TYPE,NPROCS,USER,COMMAND",
        "-r",
        "-J",
        "-n -o NS,COMMAND",
        "-u -W -o NS,COMMAND",
        "-t uts -o NS,COMMAND --tree=process",
        "-l -o NS,COMMAND",
    ];
    let mut script = String::from(ODD_COMMANDS);
    for env in ENVIRONMENTS {
        for mode in modes {
            script.push_str(&format!("both {env} -- {mode}\n"));
        }
    }
    // A terminal: lsns sizes its table to the terminal and may cut the COMMAND column.
    let have_script = crate::common::on_path("script");
    if have_script {
        for env in ["LANG=C.UTF-8", "LANG=C.UTF-8 LC_TIME=xx_YY.UTF-8", "LC_ALL=C"] {
            for bin in ["/usr/bin/lsns", "\"$RLSNS\""] {
                let who = if bin.contains("RLSNS") { "ours" } else { "theirs" };
                script.push_str(&format!(
                    "mark {who}; script -qec \"stty cols 60; env -i PATH=/usr/bin:/bin {env} {bin} -o NS,TYPE,USER,COMMAND\" /dev/null </dev/null | tr -d '\\r'\n"
                ));
            }
        }
    }
    let found = world("rns-locale", &script);
    let expected_cases = ENVIRONMENTS.len() * modes.len() + if have_script { 3 } else { 0 };
    assert_eq!(found.len(), 2 * expected_cases, "{found:#?}");
    let mut utf8 = 0;
    for pair in found.chunks(2) {
        let [(a, theirs), (b, ours)] = pair else { unreachable!() };
        assert_eq!((a.as_str(), b.as_str()), ("theirs", "ours"));
        crate::common::assert_text("rlsns vs /usr/bin/lsns", theirs, ours);
        utf8 += usize::from(theirs.contains('├') || theirs.contains("héllo"));
    }
    // Both kinds of result occur: the environments do not all resolve alike.
    assert!(utf8 > 0 && utf8 < expected_cases, "{utf8} of {expected_cases} cases in UTF-8");
}

/// `-Q` (newer than 2.38.1): its regular expressions and string comparisons run in the locale
/// glibc resolved; expected texts recorded from util-linux 2.42.2.
#[test]
fn filters_follow_the_resolved_locale() {
    if !privileged("filters_follow_the_resolved_locale") {
        return;
    }
    let queries = [
        r#"'COMMAND =~ "^h.llo"'"#,
        r#"'COMMAND =~ "^h[[:alpha:]]llo"'"#,
        r#"'COMMAND == "héllo wörld 日本 1000"'"#,
        r#"'COMMAND =~ "é"'"#,
    ];
    let mut script = String::from(ODD_COMMANDS);
    for env in ["LANG=C.UTF-8", "LANG=C.UTF-8 LC_TIME=xx_YY.UTF-8", "LC_CTYPE=C.UTF-8 LC_COLLATE=bogus"] {
        for q in queries {
            script.push_str(&format!("ours {env} -- -n -o COMMAND -Q {q}\n"));
            script.push_str(&format!("ours {env} -- -n -r -o COMMAND -Q {q}\n"));
        }
    }
    let found = world("rns-locale-q", &script);
    assert_eq!(found.len(), 24, "{found:#?}");
    for (i, (_, ours)) in found.iter().enumerate() {
        // util-linux 2.42.2: in C.UTF-8 every query finds the one process; when the locale
        // falls back to C, `.` and `[[:alpha:]]` match one byte of `é` and no line is shown.
        let expected = match (i / 8, i % 2, i % 8 / 2) {
            (0, 0, _) => "héllo wörld 日本 1000\nrc=0\n",
            (0, _, _) => "h\\xc3\\xa9llo\\x20w\\xc3\\xb6rld\\x20\\xe6\\x97\\xa5\\xe6\\x9c\\xac\\x201000\nrc=0\n",
            (_, _, 0 | 1) => "rc=0\n",
            (_, 0, _) => "h\\xc3\\xa9llo w\\xc3\\xb6rld \\xe6\\x97\\xa5\\xe6\\x9c\\xac 1000\nrc=0\n",
            (_, _, _) => "h\\xc3\\xa9llo\\x20w\\xc3\\xb6rld\\x20\\xe6\\x97\\xa5\\xe6\\x9c\\xac\\x201000\nrc=0\n",
        };
        crate::common::assert_text(&format!("query {i}"), expected, ours);
    }
}

/// A private /etc/passwd (bound in the world only) with odd names, and one `sleep` per uid in
/// a namespace of its own: `-t uts` holds names util-linux measures the same way in every
/// locale, `-t ipc` valid UTF-8 names that are not ASCII, `-t net` names that are not UTF-8.
const ODD_USERS: &str = r#"
{ echo 'root:x:0:0:root:/root:/bin/bash'
  printf ':x:2001:2001::/:/bin/sh\ntab\there:x:2002:2002::/:/bin/sh\nctl\001x:x:2003:2003::/:/bin/sh\n'
  printf 'del\177:x:2009:2009::/:/bin/sh\n\\x41:x:2014:2014::/:/bin/sh\n sp ace:x:2015:2015::/:/bin/sh\n'
  printf '%s:x:2006:2006::/:/bin/sh\n' "$(printf 'L%.0s' $(seq 300))"
  printf '%s\t:x:2016:2016::/:/bin/sh\n' "$(printf 'a%.0s' $(seq 255))"
  printf '%s\t:x:2022:2022::/:/bin/sh\n' "$(printf 'f%.0s' $(seq 256))"
  printf 'first:x:2007:2007::/:/bin/sh\nsecond:x:2007:2007::/:/bin/sh\n'
  printf 'héllo:x:3005:3005::/:/bin/sh\n日本語:x:3010:3010::/:/bin/sh\n\xe2\x80\x8b:x:3008:3008::/:/bin/sh\n'
  printf 'a\xe2\x80\x8b:x:3011:3011::/:/bin/sh\n\xcc\x81:x:3013:3013::/:/bin/sh\n\xc2\xad:x:3028:3028::/:/bin/sh\n'
  printf 'bad\xffname:x:4004:4004::/:/bin/sh\n\xff:x:4017:4017::/:/bin/sh\n'
} > /tmp/passwd
mount --bind /tmp/passwd /etc/passwd || exit 99
spawn() { local kind=$1; shift; for u; do unshare $kind setpriv --reuid=$u --regid=$u --clear-groups sleep 1000 & done; }
spawn -u 2001 2002 2003 2009 2014 2015 2006 2016 2022 2007
spawn -i 3005 3010 3008 3011 3013 3028
spawn -n 4004 4017
await_count sleep 18
"#;

/// The USER column, its width, raw and JSON output, compared with 2.38.1's id cache (the same
/// as 2.42.2's): a name that is empty, has a tab or a control character, or is all zero-width,
/// shows as the number; a duplicate uid shows its first name; only the first 256 characters
/// of a long name are measured.
#[test]
fn user_names_are_shown_as_the_id_cache_shows_them() {
    if !privileged("user_names_are_shown_as_the_id_cache_shows_them") {
        return;
    }
    let mut script = String::from(ODD_USERS);
    for env in ["LANG=C.UTF-8", "LC_ALL=C", "LANG=C.UTF-8 LC_TIME=xx_YY.UTF-8"] {
        for mode in ["-o NS,UID,USER,COMMAND", "-r -o NS,UID,USER", "-J -o NS,UID,USER"] {
            script.push_str(&format!("both {env} -- -t uts {mode}\n"));
        }
    }
    for mode in ["-o NS,UID,USER,COMMAND", "-r -o NS,UID,USER", "-J -o NS,UID,USER"] {
        script.push_str(&format!("both LANG=C.UTF-8 -- -t ipc {mode}\n"));
    }
    // A name util-linux cannot decode is measured by what it decoded before the bad byte
    // (the rest of its buffer is undefined, in practice zeros): not compared with 2.38.1, whose
    // answer changes from run to run with its stack.
    for env in ["LC_ALL=C", "LANG=C.UTF-8 LC_TIME=xx_YY.UTF-8"] {
        script.push_str(&format!("ours {env} -- -t ipc -n -r -o UID,USER\n"));
    }
    script.push_str("ours LANG=C.UTF-8 -- -t net -n -r -o UID,USER\n");
    script.push_str("ours LC_ALL=C -- -t ipc -J -o UID,USER\n");
    script.push_str("ours LANG=C.UTF-8 -- -t uts -n -r -o USER -Q 'USER == \"first\" || USER == \"2002\"'\n");
    // Raw output escapes what is not ASCII (recorded from 2.42.2).
    script.push_str("ours LANG=C.UTF-8 -- -t ipc -n -r -o USER -Q 'USER =~ \"^h.llo$\"'\n");
    let found = world("rns-users", &script);
    assert_eq!(found.len(), 2 * 12 + 6, "{found:#?}");
    let (pairs, alone) = found.split_at(24);
    for pair in pairs.chunks(2) {
        let [(a, theirs), (b, ours)] = pair else { unreachable!() };
        assert_eq!((a.as_str(), b.as_str()), ("theirs", "ours"));
        crate::common::assert_text("rlsns vs /usr/bin/lsns", theirs, ours);
    }
    // The comparisons saw both kinds of result.
    let utf8_table = &pairs[1].1;
    for shown in ["first", "2001", "2002", "2003", "2009", "2016", "\\x5cx41", "sp ace", "LLLL"] {
        assert!(utf8_table.contains(shown), "{shown} missing in\n{utf8_table}");
    }
    let ipc_table = &pairs[19].1;
    for shown in ["héllo", "日本語", "3008", "a\u{200b}", "3013", "3028"] {
        assert!(ipc_table.contains(shown), "{shown} missing in\n{ipc_table}");
    }
    let sorted = |s: &str| {
        let mut lines: Vec<&str> = s.lines().collect();
        lines.sort();
        lines.join("\n")
    };
    // héllo and a<ZWSP> decode to `h` and `a` before the bad byte: shown, escaped; the others
    // decode to nothing: numbers.
    let c_locale =
        "0 root\n3005 h\\xc3\\xa9llo\n3008 3008\n3010 3010\n3011 a\\xe2\\x80\\x8b\n3013 3013\n3028 3028\nrc=0";
    crate::common::assert_text("C locale, ipc", c_locale, &sorted(&alone[0].1));
    crate::common::assert_text("bad LC_TIME, ipc", c_locale, &sorted(&alone[1].1));
    crate::common::assert_text("not UTF-8", "0 root\n4004 bad\\xffname\n4017 4017\nrc=0", &sorted(&alone[2].1));
    // JSON carries the name's bytes.
    assert!(alone[3].1.contains("\"uid\": 3005,\n") && alone[3].1.contains("\"user\": \"héllo\""), "{}", alone[3].1);
    crate::common::assert_text("-Q USER", "2002\nfirst\nrc=0", &sorted(&alone[4].1));
    crate::common::assert_text("-Q USER =~", "h\\xc3\\xa9llo\nrc=0", &sorted(&alone[5].1));
}

/// runshare looks names up as bytes, as unshare does: `--map-user=<name>` for names with a tab,
/// an empty name, a name that is not UTF-8; `--map-users=auto` matches /etc/subuid byte for
/// byte (a different invalid byte is another name).
#[test]
fn runshare_looks_names_up_byte_for_byte() {
    if !privileged("runshare_looks_names_up_byte_for_byte") {
        return;
    }
    let script = r#"
{ echo 'root:x:0:0:root:/root:/bin/bash'
  printf ':x:2001:2001::/:/bin/sh\ntab\there:x:2002:2002::/:/bin/sh\nbad\xffname:x:2004:2004::/:/bin/sh\n'
  printf 'first:x:2007:2007::/:/bin/sh\nsecond:x:2007:2007::/:/bin/sh\n'
} > /tmp/passwd
printf 'bad\xfename:100000:65536\n' > /tmp/subuid
mount --bind /tmp/passwd /etc/passwd && mount --bind /tmp/subuid /etc/subuid || exit 99
for name in '' "$(printf 'tab\there')" "$(printf 'bad\xffname')" second; do
  for bin in /usr/bin/unshare "$RUNSHARE"; do
    printf '\036%s\n' "$bin"; env -i LC_ALL=C "$bin" --map-user="$name" cat /proc/self/uid_map 2>&1 | sed "s|^runshare:|unshare:|"
  done
done
printf '\036subuid\n'; env -i LC_ALL=C setpriv --reuid=2004 --regid=2004 --clear-groups "$RUNSHARE" --map-users=auto true 2>&1
exit 0
"#;
    let out = throwaway_world(
        "rns-names",
        "",
        "eval \"$WORLD_SCRIPT\"",
        &[("RUNSHARE", ours("unshare")), ("WORLD_SCRIPT", script)],
    );
    assert_eq!(out.status, 0, "{out:?}");
    let found = sections(&out.stdout);
    assert_eq!(found.len(), 9, "{found:#?}");
    for pair in found[..8].chunks(2) {
        crate::common::assert_text("runshare vs /usr/bin/unshare", &pair[0].1, &pair[1].1);
    }
    assert!(found[4].1.contains(" 2004 "), "{}", found[4].1);
    // 2.42.2's message (2.38.1 adds ": Success"), the name's bytes as they are.
    let expected = "runshare: no line matching user \"bad\u{fffd}name\" in /etc/subuid\n";
    crate::common::assert_text("subuid", expected, &found[8].1);
}
