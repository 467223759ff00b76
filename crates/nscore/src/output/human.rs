//! The aligned table: header, one row per line (more for multi-line cells), columns separated
//! by one blank, right-aligned columns padded on the left, the last column never padded on
//! the right; tree glyphs in front of the tree column; on a terminal, widths fitted to it.

use super::text::{self, Charset};
use super::tree::{Forest, Glyphs};
use super::width::{column_widths, ColumnStats};
use super::{Env, Format, Sink, Table};

/// How the columns of one table print.
struct Layout {
    widths: Vec<usize>,
    hidden: Vec<bool>,
    right: Vec<bool>,
    trunc: Vec<bool>,
    /// Cells split into one row per `\n`.
    multiline: Vec<bool>,
    /// Per column: draws tree glyphs.
    tree: Vec<bool>,
}

impl Layout {
    /// libsmartcols's "last column": nothing but hidden columns follows it.
    fn is_last(&self, col: usize) -> bool {
        (col + 1..self.widths.len()).all(|c| self.hidden[c])
    }
}

/// The pieces a cell prints as, one per row.
fn cell_chunks<'a>(table: &'a Table, line: usize, col: usize, multiline: bool) -> Vec<std::borrow::Cow<'a, str>> {
    let Some(data) = table.lines[line].cells.get(col).and_then(|c| c.as_deref()) else {
        return Vec::new();
    };
    if multiline {
        data.split('\n').map(Into::into).collect()
    } else if table.columns[col].wrap {
        vec![data.replace('\n', ",").into()]
    } else {
        vec![data.into()]
    }
}

/// Index of the chunk libsmartcols measures a multi-line cell by: the longest in bytes, the
/// later one on ties.
fn widest_chunk(chunks: &[std::borrow::Cow<str>]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, chunk) in chunks.iter().enumerate() {
        if best.map_or(true, |b| chunk.len() >= chunks[b].len()) {
            best = Some(i);
        }
    }
    best
}

pub(super) fn print(table: &Table, format: &Format, env: &Env, out: &mut Sink<'_>) {
    if table.lines.is_empty() || table.columns.is_empty() {
        return;
    }
    let charset = env.charset;
    let glyphs = Glyphs::of(charset);
    let forest = Forest::new(table);
    let ncols = table.columns.len();
    let multiline: Vec<bool> = table.columns.iter().map(|c| c.wrap && !format.no_wrap).collect();
    let tree: Vec<bool> = (0..ncols).map(|c| table.is_tree_column(c)).collect();

    let stats: Vec<ColumnStats> = (0..ncols)
        .map(|col| {
            let spec = &table.columns[col];
            let is_tree = tree[col];
            let mut tree_art = 0;
            let cells = table
                .lines
                .iter()
                .enumerate()
                .map(|(id, _)| {
                    let chunks = cell_chunks(table, id, col, multiline[col]);
                    let data = widest_chunk(&chunks).map_or("", |i| &chunks[i]);
                    if is_tree {
                        let art = forest.branch_art(id, &glyphs);
                        let art_width = text::width(&art, charset);
                        tree_art = tree_art.max(art_width);
                        text::width(&format!("{art}{data}"), charset)
                    } else {
                        text::width(data, charset)
                    }
                })
                .collect();
            ColumnStats {
                spec,
                header: (!format.no_headings).then(|| text::width(spec.name, charset)),
                cells,
                tree_art,
                is_tree,
                truncate: spec.truncate && !format.no_trunc,
            }
        })
        .collect();
    let (widths, hidden) = column_widths(&stats, format.term_width);
    let layout = Layout {
        widths,
        hidden,
        right: (0..ncols).map(|c| table.columns[c].right && !tree[c]).collect(),
        trunc: table.columns.iter().map(|c| c.truncate && !format.no_trunc).collect(),
        multiline,
        tree,
    };

    let mut printer = Printer { out, layout: &layout, forest: &forest, glyphs, charset };
    if !format.no_headings {
        for col in 0..ncols {
            if !layout.hidden[col] {
                printer.cell(None, col, table.columns[col].name);
            }
        }
        printer.out.push(b'\n');
    }
    for &id in &forest.order {
        printer.line(table, id);
        printer.out.push(b'\n');
        printer.out.line_end();
    }
}

struct Printer<'a, 'b> {
    out: &'a mut Sink<'b>,
    layout: &'a Layout,
    forest: &'a Forest,
    glyphs: Glyphs,
    charset: Charset,
}

impl Printer<'_, '_> {
    fn put(&mut self, s: &str) {
        text::put_encoded(self.out, s, self.charset);
    }

    fn pad(&mut self, from: usize, to: usize) {
        for _ in from..to {
            self.out.push(b' ');
        }
    }

    fn line(&mut self, table: &Table, id: usize) {
        let ncols = table.columns.len();
        let chunks: Vec<_> = (0..ncols).map(|c| cell_chunks(table, id, c, self.layout.multiline[c])).collect();
        for (col, pieces) in chunks.iter().enumerate() {
            if self.layout.hidden[col] {
                continue;
            }
            let first = pieces.first().map_or("", |c| c);
            let data = if self.layout.tree[col] {
                format!("{}{first}", self.forest.branch_art(id, &self.glyphs))
            } else {
                first.to_string()
            };
            self.cell(Some(id), col, &data);
        }
        // Continuation rows of multi-line cells; the other columns are blank there.
        let mut row = 1;
        while (0..ncols).any(|c| !self.layout.hidden[c] && chunks[c].len() > row) {
            self.out.push(b'\n');
            for (col, pieces) in chunks.iter().enumerate() {
                if self.layout.hidden[col] {
                    continue;
                }
                match pieces.get(row) {
                    Some(chunk) => self.pending_chunk(col, chunk),
                    None => self.empty_cell(Some(id), col),
                }
            }
            row += 1;
        }
    }

    /// One cell of a header (`line` None) or of the first row of a line.
    fn cell(&mut self, line: Option<usize>, col: usize, data: &str) {
        let layout = self.layout;
        let (encoded, mut len) = text::encode(data, self.charset, layout.multiline[col]);
        let mut data = encoded.as_str();
        let is_last = layout.is_last(col);
        let mut width = layout.widths[col];
        if is_last && len < width && !layout.right[col] {
            width = len;
        }
        if len > width && layout.trunc[col] {
            (data, len) = text::truncate(data, width, self.charset);
        }
        if !data.is_empty() {
            if layout.right[col] {
                self.pad(len, width);
                len = width;
            }
            self.put(data);
        }
        if is_last {
            return;
        }
        self.pad(len, width);
        if len > width && !layout.trunc[col] {
            // Too wide and not truncatable: the next column starts on a new row.
            self.out.push(b'\n');
            for c in 0..=col {
                self.empty_cell(line, c);
            }
        } else {
            self.out.push(b' ');
        }
    }

    /// A later piece of a multi-line cell.
    fn pending_chunk(&mut self, col: usize, chunk: &str) {
        let (encoded, len) = text::encode(chunk, self.charset, true);
        if len == 0 {
            return;
        }
        self.put(&encoded);
        if self.layout.is_last(col) {
            return;
        }
        self.pad(len, self.layout.widths[col]);
        self.out.push(b' ');
    }

    /// A blank cell on a continuation row; the tree column keeps its vertical lines.
    fn empty_cell(&mut self, line: Option<usize>, col: usize) {
        let mut len = 0;
        if let Some(id) = line {
            if self.layout.tree[col] {
                let art = self.forest.continuation_art(id, &self.glyphs);
                let (encoded, width) = text::encode(&art, self.charset, false);
                self.put(&encoded);
                len = width;
            }
        }
        if self.layout.is_last(col) {
            return;
        }
        self.pad(len, self.layout.widths[col]);
        self.out.push(b' ');
    }
}
