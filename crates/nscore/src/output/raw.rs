//! Raw output: cells separated by one blank, no alignment, blanks and special bytes escaped
//! as `\x??` so that every row splits on blanks; multi-line cells joined with `,`.

use super::text::{self, Charset};
use super::tree::{Forest, Glyphs};
use super::{Format, JsonType, Sink, Table};

pub(super) fn print(table: &Table, format: &Format, out: &mut Sink<'_>, charset: Charset) {
    if table.lines.is_empty() || table.columns.is_empty() {
        return;
    }
    let forest = Forest::new(table);
    let glyphs = Glyphs::of(charset);
    let last = table.columns.len() - 1;
    let mut row = |cells: &mut dyn Iterator<Item = String>| {
        for (col, cell) in cells.enumerate() {
            text::put_encoded(out, &text::raw_escape(&cell, charset), charset);
            if col != last {
                out.push(b' ');
            }
        }
        out.push(b'\n');
        out.line_end();
    };
    if !format.no_headings {
        row(&mut table.columns.iter().map(|c| c.name.to_string()));
    }
    for &id in &forest.order {
        let line = &table.lines[id];
        row(&mut table.columns.iter().enumerate().map(|(col, spec)| {
            let data = line.cells.get(col).and_then(|c| c.as_deref()).unwrap_or("");
            // An array column keeps its newlines (escaped `\x0a`), as libsmartcols prints it.
            let joined = spec.wrap && spec.json != JsonType::ArrayString;
            let data = if joined { data.replace('\n', ",") } else { data.to_string() };
            if table.is_tree_column(col) {
                format!("{}{data}", forest.branch_art(id, &glyphs))
            } else {
                data
            }
        }));
    }
}
