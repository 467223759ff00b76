//! JSON output in util-linux's three layouts: pretty (3-space indent, `},{` between objects),
//! compact and one object per line (`LIBSMARTCOLS_JSON=compact|lines`). Keys are lower-cased
//! column names, empty cells are `null`, number columns unquoted, trees nest `"children"`.

use super::text::{self, Charset};
use super::tree::{Forest, Glyphs};
use super::{Format, JsonType, Sink, Table};

/// `LIBSMARTCOLS_JSON`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonLayout {
    Pretty,
    Compact,
    Lines,
}

impl JsonLayout {
    pub(crate) fn from_env() -> JsonLayout {
        match std::env::var("LIBSMARTCOLS_JSON").as_deref() {
            Ok("compact") => JsonLayout::Compact,
            Ok("lines") => JsonLayout::Lines,
            _ => JsonLayout::Pretty,
        }
    }
}

/// A streaming writer that places commas, newlines and indentation the way util-linux's
/// JSON writer does (the layouts differ in more than whitespace, e.g. compact breaks lines
/// only around the objects of the top-level array).
struct Writer<'a, 'b> {
    out: &'a mut Sink<'b>,
    layout: JsonLayout,
    depth: usize,
    after_close: bool,
}

#[derive(Clone, Copy)]
enum Open {
    Object,
    Array,
    Value,
}

impl Writer<'_, '_> {
    fn put(&mut self, s: impl AsRef<[u8]>) {
        self.out.extend_from_slice(s.as_ref());
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.put("   ");
        }
    }

    fn name(&mut self, name: Option<&str>) {
        if self.after_close {
            let sep = match self.layout {
                JsonLayout::Lines if self.depth == 0 => "\n",
                JsonLayout::Lines | JsonLayout::Compact => ",",
                JsonLayout::Pretty if name.is_some() => ",\n",
                JsonLayout::Pretty => ",",
            };
            self.put(sep);
        }
        if self.layout == JsonLayout::Pretty && (name.is_some() || !self.after_close) {
            self.indent();
        }
        if let Some(name) = name {
            self.put(text::json_quote(name, true));
        }
    }

    fn open(&mut self, name: Option<&str>, what: Open) {
        self.name(name);
        let named = name.is_some();
        let s = match (what, self.layout) {
            (Open::Object, JsonLayout::Lines) => "{",
            (Open::Object, JsonLayout::Compact) if self.depth == 2 => {
                if named {
                    ":{"
                } else {
                    "\n{"
                }
            }
            (Open::Object, JsonLayout::Compact) => "{",
            (Open::Object, JsonLayout::Pretty) => {
                if named {
                    ": {\n"
                } else {
                    "{\n"
                }
            }
            (Open::Array, JsonLayout::Pretty) => {
                if named {
                    ": [\n"
                } else {
                    "[\n"
                }
            }
            (Open::Array, _) => {
                if named && self.layout == JsonLayout::Compact {
                    ":["
                } else {
                    "["
                }
            }
            (Open::Value, JsonLayout::Pretty) => {
                if named {
                    ": "
                } else {
                    " "
                }
            }
            (Open::Value, _) => {
                if named {
                    ":"
                } else {
                    ""
                }
            }
        };
        if !matches!(what, Open::Value) {
            self.depth += 1;
        }
        self.put(s);
        self.after_close = false;
    }

    fn close(&mut self, end: char) {
        self.depth -= 1;
        if self.layout == JsonLayout::Compact && self.depth == 1 {
            self.put("\n");
        }
        if self.layout == JsonLayout::Pretty {
            self.put("\n");
            self.indent();
        }
        self.out.push(end as u8);
        if self.layout != JsonLayout::Lines && self.depth == 0 {
            self.put("\n");
        }
        self.after_close = true;
    }

    /// `"name": []`, as util-linux writes an array without items.
    fn empty_array(&mut self, name: &str) {
        self.name(Some(name));
        self.put(if self.layout == JsonLayout::Pretty { ": []" } else { ":[]" });
        self.after_close = true;
    }

    /// `"name": [ "a", "b" ]`; no items is [`Writer::empty_array`].
    fn string_array(&mut self, name: &str, items: &[&str]) {
        if items.is_empty() {
            return self.empty_array(name);
        }
        self.open(Some(name), Open::Array);
        for item in items {
            self.open(None, Open::Value);
            self.put(text::json_quote(item, false));
            self.after_close = true;
        }
        self.close(']');
    }

    fn value(&mut self, name: &str, literal: &[u8]) {
        self.open(Some(name), Open::Value);
        self.put(literal);
        self.after_close = true;
    }
}

fn literal(json: JsonType, data: &str) -> Vec<u8> {
    match json {
        _ if data.is_empty() && json != JsonType::Boolean => b"null".to_vec(),
        JsonType::String => text::json_quote(data, false),
        JsonType::Number => data.as_bytes().to_vec(),
        JsonType::ArrayString => text::json_quote(data, false),
        // JSON text built by a column (an array, an object): the strings in it carry their
        // bytes (a name that is not UTF-8), written as they are, as a String cell's are.
        JsonType::Value => crate::byte_text::carried_bytes(data),
        JsonType::Boolean => {
            let falsy = data.is_empty() || data.starts_with(['0', 'N', 'n']);
            if falsy { "false" } else { "true" }.into()
        }
    }
}

pub(super) fn print(table: &Table, name: &str, format: &Format, env: &super::Env, out: &mut Sink<'_>) {
    let layout = env.json_layout;
    let mut w = Writer { out, layout, depth: 0, after_close: false };
    let framed = layout != JsonLayout::Lines;
    if framed {
        w.open(None, Open::Object);
        w.open(Some(name), Open::Array);
    }
    if !table.columns.is_empty() {
        let forest = Forest::new(table);
        let is_tree = table.is_tree();
        let last_root = forest.last_root();
        for &id in &forest.order {
            w.open(None, Open::Object);
            line_values(&mut w, table, format, &forest, id, env.charset);
            if is_tree && forest.has_children(id) {
                w.open(Some("children"), Open::Array);
                continue;
            }
            // Close this object and, going up, every object whose last child this was.
            let mut ln = Some(id);
            while let Some(cur) = ln {
                let is_child = forest.parent(cur).is_some();
                let last = if is_child { forest.is_last_child(cur) } else { is_tree && last_root == Some(cur) };
                w.close('}');
                if last && is_child {
                    w.close(']');
                }
                ln = if last { forest.parent(cur) } else { None };
            }
            w.out.line_end();
        }
    }
    if framed {
        w.close(']');
        w.close('}');
    } else if !table.lines.is_empty() {
        w.put("\n");
    }
}

fn line_values(w: &mut Writer, table: &Table, format: &Format, forest: &Forest, id: usize, charset: Charset) {
    let line = &table.lines[id];
    // An array column's lines are its items, not continuation rows.
    let multiline =
        |col: usize| table.columns[col].wrap && !format.no_wrap && table.columns[col].json != JsonType::ArrayString;
    for (col, spec) in table.columns.iter().enumerate() {
        let raw = line.cells.get(col).and_then(|c| c.as_deref()).unwrap_or("");
        if spec.json == JsonType::ArrayString {
            let items: Vec<&str> = raw.split('\n').filter(|item| !item.is_empty()).collect();
            w.string_array(spec.name, &items);
            continue;
        }
        let data: std::borrow::Cow<str> = if multiline(col) {
            // A multi-line cell shows only its first line in JSON.
            raw.split('\n').next().unwrap_or("").into()
        } else if spec.wrap {
            raw.replace('\n', ",").into()
        } else {
            raw.into()
        };
        w.value(spec.name, &literal(spec.json, &data));
    }
    // libsmartcols then tries to print the rest of a multi-line cell as a continuation row
    // and gives up at the first such column (JSON has no column widths): what reaches the
    // output is a newline and the separators of the columns before it.
    let pending = (0..table.columns.len())
        .find(|&c| multiline(c) && line.cells.get(c).and_then(|x| x.as_deref()).is_some_and(|d| d.contains('\n')));
    if let Some(stop) = pending {
        w.put("\n");
        let last = table.columns.len() - 1;
        for col in 0..stop {
            if table.is_tree_column(col) {
                let art = forest.continuation_art(id, &Glyphs::of(charset));
                w.put(&text::encode(&art, charset, false).0);
            }
            if col != last {
                w.put(" ");
            }
        }
    }
}
