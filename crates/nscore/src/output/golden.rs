//! Golden tests: each case under `tests/fixtures/output/cases/` is a table (column properties
//! and cells) whose `expected` output was printed by util-linux 2.42.2's libsmartcols
//! (`tests/fixtures/output/record.sh` runs its sample-scols-fromfile on the same files). Here
//! the same table is fed to our renderers.

use super::*;
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/output/cases")
}

/// `\xHH` escapes of the case files to bytes (what sample-scols-fromfile does).
fn unhex(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 4 <= b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 2..i + 4], 16) {
                out.push(v);
                i += 4;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).expect("case data is UTF-8")
}

fn column_from_properties(props: &str) -> (ColumnSpec, bool) {
    let mut spec = ColumnSpec {
        name: "",
        help: "",
        width_hint: 0.0,
        right: false,
        truncate: false,
        wrap: false,
        json: JsonType::String,
    };
    let mut tree = false;
    for prop in props.trim().split(',') {
        match prop.split_once('=') {
            Some(("name", v)) => spec.name = Box::leak(v.to_string().into_boxed_str()),
            Some(("width", v)) => spec.width_hint = v.parse().unwrap(),
            Some(("json", "number")) => spec.json = JsonType::Number,
            Some(("json", "boolean")) => spec.json = JsonType::Boolean,
            Some(("json", _)) => {}
            None if prop == "right" => spec.right = true,
            None if prop == "trunc" => spec.truncate = true,
            None if prop == "wrapnl" => spec.wrap = true,
            None if prop == "tree" => tree = true,
            _ => panic!("unknown column property {prop}"),
        }
    }
    (spec, tree)
}

struct Case {
    table: Table,
    format: Format,
    env: Env,
    expected: String,
}

fn load(dir: &Path) -> Case {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let mut columns = Vec::new();
    let mut data: Vec<Vec<String>> = Vec::new();
    let mut tree_column = None;
    for i in 1.. {
        let Some(props) = read(&format!("c{i}")) else { break };
        let (spec, tree) = column_from_properties(&props);
        if tree {
            tree_column = Some(i - 1);
        }
        columns.push(spec);
        data.push(read(&format!("d{i}")).unwrap().lines().map(String::from).collect());
    }
    let args = read("args").unwrap_or_default();
    let args: Vec<&str> = args.split_whitespace().collect();
    let mut format =
        Format { mode: Mode::Table, no_headings: false, no_trunc: false, no_wrap: false, term_width: None };
    let (mut parent_col, mut id_col) = (None, None);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match *arg {
            "-w" => format.term_width = Some(it.next().unwrap().parse().unwrap()),
            "-J" => format.mode = Mode::Json("testtable".into()),
            "-r" => format.mode = Mode::Raw,
            "-p" => parent_col = Some(it.next().unwrap().parse::<usize>().unwrap()),
            "-i" => id_col = Some(it.next().unwrap().parse::<usize>().unwrap()),
            other => panic!("unknown case option {other}"),
        }
    }
    let mut env = Env::default();
    for var in read("env").unwrap_or_default().split_whitespace() {
        match var.split_once('=') {
            Some(("LC_ALL", v)) => env.charset = if v.contains("UTF-8") { Charset::Utf8 } else { Charset::Ascii },
            Some(("LIBSMARTCOLS_JSON", v)) => {
                env.json_layout = match v {
                    "compact" => JsonLayout::Compact,
                    "lines" => JsonLayout::Lines,
                    _ => JsonLayout::Pretty,
                }
            }
            _ => panic!("unknown case variable {var}"),
        }
    }
    let nlines = data[0].len();
    let cell =
        |col: usize, line: usize| -> Option<String> { data[col].get(line).filter(|s| !s.is_empty()).map(|s| unhex(s)) };
    let mut table = Table::new(columns);
    table.tree_column = tree_column;
    for line in 0..nlines {
        let parent = match (parent_col, id_col) {
            (Some(p), Some(i)) => {
                cell(p, line).and_then(|want| (0..nlines).find(|&l| cell(i, l).as_deref() == Some(&want)))
            }
            _ => None,
        };
        let cells = (0..table.columns.len()).map(|c| cell(c, line)).collect();
        table.push(cells, parent);
    }
    Case { table, format, env, expected: read("expected").expect("recorded output") }
}

/// A readable failure: the case name and both outputs line by line.
fn assert_same(name: &str, expected: &str, actual: &str) {
    if expected != actual {
        let mut report = format!("case {name} differs from util-linux 2.42.2\n");
        let (e, a): (Vec<_>, Vec<_>) = (expected.split('\n').collect(), actual.split('\n').collect());
        for i in 0..e.len().max(a.len()) {
            let (el, al) = (e.get(i).copied(), a.get(i).copied());
            let mark = if el == al { ' ' } else { '!' };
            report += &format!(
                "{mark} expected {:?}\n{mark} actual   {:?}\n",
                el.unwrap_or("<none>"),
                al.unwrap_or("<none>")
            );
        }
        panic!("{report}");
    }
}

#[test]
fn renders_like_libsmartcols() {
    let mut names: Vec<_> = std::fs::read_dir(cases_dir())
        .expect("fixtures")
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() > 30, "golden cases missing");
    let mut failures = Vec::new();
    for name in &names {
        let case = load(&cases_dir().join(name));
        let mut out = Vec::new();
        render_with(&case.table, &case.format, &case.env, &mut out).unwrap();
        let actual = String::from_utf8(out).unwrap();
        if let Err(e) = std::panic::catch_unwind(|| assert_same(name, &case.expected, &actual)) {
            failures.push(e.downcast_ref::<String>().cloned().unwrap_or_default());
        }
    }
    assert!(failures.is_empty(), "{} of {} cases differ:\n{}", failures.len(), names.len(), failures.join("\n"));
}
