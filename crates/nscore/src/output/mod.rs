//! Table output compatible with util-linux's libsmartcols: one column model drives the table,
//! raw, JSON and tree renderers, all writing into `impl Write`.
//!
//! A tool declares its columns once ([`ColumnSpec`]: header, help, alignment, truncation,
//! wrapping, JSON type, width hint), fills a [`Table`] of lines (optionally nested, for trees)
//! and calls [`render`] with a [`Format`].

use std::io::{self, Write};

/// How a column's cells are typed in JSON output (and in `-H`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Boolean,
}

impl JsonType {
    /// The name `--list-columns` prints (`<integer>`, `<string>`, `<boolean>`).
    pub fn label(self) -> &'static str {
        match self {
            JsonType::String => "<string>",
            JsonType::Number => "<integer>",
            JsonType::Boolean => "<boolean>",
        }
    }
}

/// One column, declared once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnSpec {
    /// Header, also the `-o` name (matched case-insensitively) and, lower-cased, the JSON key.
    pub name: &'static str,
    /// Description for `--help`, `-H` and the man page.
    pub help: &'static str,
    /// libsmartcols width hint: below 1 a fraction of the terminal width, else columns.
    pub width_hint: f64,
    pub right: bool,
    /// SCOLS_FL_TRUNC: may be cut to fit the terminal.
    pub truncate: bool,
    /// SCOLS_FL_WRAP: a cell may hold several lines (`\n`-separated) printed one per row.
    pub wrap: bool,
    pub json: JsonType,
}

/// Index of a line in a [`Table`].
pub type LineId = usize;

/// One output line: a cell per column (`None` is empty: blank in a table, `null` in JSON)
/// and, for trees, its parent line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub cells: Vec<Option<String>>,
    pub parent: Option<LineId>,
}

/// Columns and lines to print. Lines print in insertion order; in a tree, each line's
/// children (in insertion order) follow it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<ColumnSpec>,
    pub lines: Vec<Line>,
    /// The column that carries tree glyphs (`├─`, `└─`, `│`), if this is a tree.
    pub tree_column: Option<usize>,
}

impl Table {
    pub fn new(columns: Vec<ColumnSpec>) -> Table {
        Table { columns, lines: Vec::new(), tree_column: None }
    }

    /// Adds a line and returns its id.
    pub fn push(&mut self, cells: Vec<Option<String>>, parent: Option<LineId>) -> LineId {
        self.lines.push(Line { cells, parent });
        self.lines.len() - 1
    }
}

/// Which renderer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Aligned columns.
    Table,
    /// Space-separated, unaligned, blanks and specials hex-escaped.
    Raw,
    /// JSON, the lines under a key of this name (`namespaces`).
    Json(String),
}

/// How to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Format {
    pub mode: Mode,
    pub no_headings: bool,
    /// `-u`: never truncate.
    pub no_trunc: bool,
    /// `-W`: multi-line cells joined on one line with `,`.
    pub no_wrap: bool,
    /// Terminal width when stdout is a terminal (`COLUMNS` or the tty's size); `None` on a pipe.
    pub term_width: Option<usize>,
}

/// Prints `table` as libsmartcols would.
pub fn render(table: &Table, format: &Format, out: &mut dyn Write) -> io::Result<()> {
    // Placeholder until the libsmartcols-compatible renderers land: plain space-joined cells.
    if !format.no_headings {
        let header: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        writeln!(out, "{}", header.join(" "))?;
    }
    for line in &table.lines {
        let cells: Vec<&str> = line.cells.iter().map(|c| c.as_deref().unwrap_or("")).collect();
        writeln!(out, "{}", cells.join(" "))?;
    }
    Ok(())
}
