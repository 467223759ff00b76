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
            Some(("json", "array-string")) => spec.json = JsonType::ArrayString,
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
    let mut tree_columns = Vec::new();
    for i in 1.. {
        let Some(props) = read(&format!("c{i}")) else { break };
        let (spec, tree) = column_from_properties(&props);
        if tree {
            tree_columns.push(i - 1);
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
    table.tree_columns = tree_columns;
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

/// lsns's columns as rlsns declares them (the goldens show they are util-linux 2.42.2's).
fn lsns_columns() -> Vec<ColumnSpec> {
    crate::lsns::columns::COLUMNS.iter().map(|c| c.spec).collect()
}

fn lsns_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/output/lsns")
}

/// The world of `record-world.sh` in one lsns mode, as a table.
fn lsns_world(mode: &str) -> Table {
    let all = lsns_columns();
    let pick = |names: &[&str]| names.iter().map(|n| *all.iter().find(|c| c.name == *n).unwrap()).collect::<Vec<_>>();
    let default = ["NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND"];
    let (columns, tree_columns) = match mode {
        "process" => (pick(&default), vec![5]),
        "list" => (pick(&default), vec![]),
        "owner" | "parent" => (pick(&default), vec![0]),
        "all" => (all.clone(), vec![]),
        _ => unreachable!(),
    };
    let mut table = Table::new(columns);
    table.tree_columns = tree_columns;
    let tsv = std::fs::read_to_string(lsns_dir().join(format!("world-{mode}.tsv"))).unwrap();
    // The last line seen at each depth, for parent links.
    let mut stack: Vec<LineId> = Vec::new();
    for row in tsv.lines() {
        let mut fields = row.split('\t');
        let depth: usize = fields.next().unwrap().parse().unwrap();
        let cells: Vec<Option<String>> = fields
            .zip(&table.columns)
            .map(|(f, spec)| {
                // lsns fills NSFS with one path per line unless -W; the data was recorded with -W.
                (f != "-").then(|| if spec.wrap { unhex(f).replace(',', "\n") } else { unhex(f) })
            })
            .collect();
        assert_eq!(cells.len(), table.columns.len(), "{mode}: {row}");
        stack.truncate(depth);
        let id = table.push(cells, stack.last().copied());
        stack.push(id);
    }
    table
}

#[test]
fn renders_lsns_like_lsns() {
    let mut checked = 0;
    for mode in ["process", "list", "owner", "parent", "all"] {
        let table = lsns_world(mode);
        let json = || Mode::Json("namespaces".into());
        // (file suffix, mode, -n, -u, -W, terminal width, environment)
        let (c, utf8) = (Env::default(), Env { charset: Charset::Utf8, ..Env::default() });
        let layout = |json_layout| Env { json_layout, ..Env::default() };
        type Variant<'a> = (&'a str, Mode, bool, bool, bool, Option<usize>, Env);
        let variants: Vec<Variant> = vec![
            ("pipe", Mode::Table, false, false, false, None, c),
            ("noheadings", Mode::Table, true, false, false, None, c),
            ("raw", Mode::Raw, false, false, true, None, c),
            ("tty40", Mode::Table, false, false, false, Some(40), c),
            ("tty60", Mode::Table, false, false, false, Some(60), c),
            ("tty80", Mode::Table, false, false, false, Some(80), c),
            ("tty120", Mode::Table, false, false, false, Some(120), c),
            ("tty200", Mode::Table, false, false, false, Some(200), c),
            ("tty40u", Mode::Table, false, true, false, Some(40), c),
            ("tty40W", Mode::Table, false, false, true, Some(40), c),
            ("tty40n", Mode::Table, true, false, false, Some(40), c),
            ("tty80n", Mode::Table, true, false, false, Some(80), c),
            ("json", json(), false, false, false, None, c),
            ("json-compact", json(), false, false, false, None, layout(JsonLayout::Compact)),
            ("json-lines", json(), false, false, false, None, layout(JsonLayout::Lines)),
            ("utf8-pipe", Mode::Table, false, false, false, None, utf8),
            ("utf8-raw", Mode::Raw, false, false, true, None, utf8),
            ("utf8-tty40", Mode::Table, false, false, false, Some(40), utf8),
        ];
        for (suffix, mode_, no_headings, no_trunc, no_wrap, term_width, env) in variants {
            let name = format!("world-{mode}.{suffix}");
            let expected = std::fs::read_to_string(lsns_dir().join(&name)).unwrap();
            let format = Format { mode: mode_, no_headings, no_trunc, no_wrap, term_width };
            let mut out = Vec::new();
            render_with(&table, &format, &env, &mut out).unwrap();
            assert_same(&name, &expected, &String::from_utf8(out).unwrap());
            checked += 1;
        }
    }
    assert_eq!(checked, 90);
}

#[test]
fn lists_columns_like_lsns() {
    let files = [
        ("list-columns.golden", Mode::Table, JsonLayout::Pretty, None),
        ("list-columns-tty40.golden", Mode::Table, JsonLayout::Pretty, Some(40)),
        ("list-columns-raw.golden", Mode::Raw, JsonLayout::Pretty, None),
        ("list-columns-json.golden", Mode::Json("namespaces".into()), JsonLayout::Pretty, None),
        ("list-columns-json-compact.golden", Mode::Json("namespaces".into()), JsonLayout::Compact, None),
        ("list-columns-json-lines.golden", Mode::Json("namespaces".into()), JsonLayout::Lines, None),
    ];
    // The same goldens as tests/lsns.rs checks the binary against.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/lsns");
    for (name, mode, json_layout, term_width) in files {
        let expected = std::fs::read_to_string(dir.join(name)).unwrap();
        let format = Format { mode, no_headings: false, no_trunc: false, no_wrap: false, term_width };
        let env = Env { json_layout, ..Env::default() };
        let mut out = Vec::new();
        list_columns_with(&crate::lsns::columns::listed(false), "lsns-columns", &format, &env, &mut out).unwrap();
        assert_same(name, &expected, &String::from_utf8(out).unwrap());
    }
}

/// `lsns -J -p <no such pid>` and the same with LIBSMARTCOLS_JSON=compact|lines, 2.42.2:
/// an empty table still prints its frame, except one object per line prints nothing.
#[test]
fn empty_json() {
    let table = Table::new(lsns_columns());
    let format = Format {
        mode: Mode::Json("namespaces".into()),
        no_headings: false,
        no_trunc: false,
        no_wrap: false,
        term_width: None,
    };
    for (layout, expected) in [
        (JsonLayout::Pretty, "{\n   \"namespaces\": [\n\n   ]\n}\n"),
        (JsonLayout::Compact, "{\"namespaces\":[\n]}\n"),
        (JsonLayout::Lines, ""),
    ] {
        let mut out = Vec::new();
        render_with(&table, &format, &Env { json_layout: layout, ..Env::default() }, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), expected, "{layout:?}");
    }
    for mode in [Mode::Table, Mode::Raw] {
        let mut out = Vec::new();
        render_with(&table, &Format { mode, ..format.clone() }, &Env::default(), &mut out).unwrap();
        assert!(out.is_empty());
    }
}

/// `-Q` on lsns's own columns: `world-filter.expected` holds, for each query of
/// `filter-queries`, the NS of the lines `lsns --output-all -n -r -Q <query>` printed in the
/// world of `record-world.sh` (or its error), util-linux 2.42.2.
#[test]
fn filters_lsns_columns_like_lsns() {
    let table = lsns_world("all");
    let lookup = |name: &str| lsns_columns().into_iter().find(|c| c.name.eq_ignore_ascii_case(name));
    let expected = std::fs::read_to_string(lsns_dir().join("world-filter.expected")).unwrap();
    let mut checked = 0;
    for block in expected.split("Q ").filter(|b| !b.is_empty()) {
        let mut lines = block.lines();
        let query = lines.next().unwrap();
        let want: Vec<String> = lines.map(|l| l.trim().trim_start_matches("error: ").to_string()).collect();
        let filter = super::filter::Filter::parse(query, &lookup).unwrap();
        let mut got = Vec::new();
        for line in &table.lines {
            // With -r, lsns fills NSFS with the paths joined by commas.
            let value = |name: &str| {
                let col = table.columns.iter().position(|c| c.name == name).unwrap();
                line.cells[col].as_ref().map(|v| v.replace('\n', ","))
            };
            match filter.try_matches(&value) {
                Ok(true) => got.push(line.cells[0].clone().unwrap()),
                Ok(false) => {}
                Err(e) => {
                    got = vec![e.render("lsns").trim_end().to_string()];
                    break;
                }
            }
        }
        assert_eq!(got, want, "lsns -Q '{query}'");
        checked += 1;
    }
    assert_eq!(checked, 23);
}

/// A column of JSON values (rns's record columns): the cell goes out as it is, an empty cell
/// as `null`, in every layout; table mode shows the text unchanged.
#[test]
fn json_value_cells_go_out_as_they_are() {
    let spec = ColumnSpec {
        name: "MAPS",
        help: "",
        width_hint: 0.0,
        right: false,
        truncate: false,
        wrap: false,
        json: JsonType::Value,
    };
    let mut table = Table::new(vec![spec]);
    table.push(vec![Some(r#"[{"inside":0,"outside":1000,"count":1}]"#.into())], None);
    table.push(vec![None], None);
    let json = |layout| {
        let format = Format {
            mode: Mode::Json("namespaces".into()),
            no_headings: false,
            no_trunc: false,
            no_wrap: false,
            term_width: None,
        };
        let mut out = Vec::new();
        render_with(&table, &format, &Env { json_layout: layout, ..Env::default() }, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert_eq!(
        json(JsonLayout::Pretty),
        "{\n   \"namespaces\": [\n      {\n         \"maps\": [{\"inside\":0,\"outside\":1000,\"count\":1}]\n      },{\n         \"maps\": null\n      }\n   ]\n}\n"
    );
    assert_eq!(json(JsonLayout::Lines), "{\"maps\":[{\"inside\":0,\"outside\":1000,\"count\":1}]}\n{\"maps\":null}\n");
}
