//! Table output compatible with util-linux's libsmartcols: one column model drives the table,
//! raw, JSON and tree renderers, all writing into `impl Write`.
//!
//! A tool declares its columns once ([`ColumnSpec`]: header, help, alignment, truncation,
//! wrapping, JSON type, width hint), fills a [`Table`] of lines (optionally nested, for trees)
//! and calls [`render`] with a [`Format`]; [`list_columns`] prints `--list-columns`, and
//! [`filter::Filter`] is the `-Q` language.
//!
//! The output is byte-for-byte what util-linux 2.42's libsmartcols prints: `human` (aligned
//! table, multi-line cells, tree glyphs) over `width` (column widths, fitting a terminal),
//! `raw`, `json` (three layouts), `text` (escaping and display widths per locale charset).
//! Golden tests recorded from 2.42.2 are in `golden` and `tests/fixtures/output/`.

use std::io::{self, Write};

pub mod filter;
mod human;
mod json;
mod raw;
mod text;
mod tree;
mod width;

pub use json::JsonLayout;
pub(crate) use text::json_quote;
pub(crate) use text::safe_encode;
pub use text::Charset;

/// How a column's cells are typed in JSON output (and in `-H`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonType {
    String,
    Number,
    Boolean,
    /// The cell's lines (`\n`-separated) as an array of strings, `[]` when empty
    /// (libsmartcols's SCOLS_JSON_ARRAY_STRING on a column that wraps at newlines).
    ArrayString,
    /// The cell holds a JSON value (an array or an object) that is written as it is; an empty
    /// cell is `null`. rns's columns that hold records (interfaces, id maps) use it.
    Value,
}

impl JsonType {
    /// The name `--list-columns` prints (`<integer>`, `<string>`, `<boolean>`).
    pub(crate) fn label(self) -> &'static str {
        match self {
            JsonType::String | JsonType::ArrayString => "<string>",
            JsonType::Number => "<integer>",
            JsonType::Boolean => "<boolean>",
            JsonType::Value => "<json>",
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
pub(crate) type LineId = usize;

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
    /// The columns that carry tree glyphs (`├─`, `└─`, `│`); none unless this is a tree.
    /// libsmartcols draws the glyphs in every column flagged as a tree column.
    pub tree_columns: Vec<usize>,
}

impl Table {
    pub fn new(columns: Vec<ColumnSpec>) -> Table {
        Table { columns, lines: Vec::new(), tree_columns: Vec::new() }
    }

    /// Lines nest (in JSON too) when some column is a tree column.
    pub(crate) fn is_tree(&self) -> bool {
        !self.tree_columns.is_empty()
    }

    pub(crate) fn is_tree_column(&self, col: usize) -> bool {
        self.tree_columns.contains(&col)
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

/// [`Format::term_width`] as libsmartcols decides it: `None` unless standard output is a
/// terminal; then the terminal's width, else `COLUMNS` (a positive integer), else 80.
pub(crate) fn terminal_width() -> Option<usize> {
    if !crate::sys::tty::stdout_is_terminal() {
        return None;
    }
    let from_env = || {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|v| v.trim_start().parse::<i32>().ok())
            .filter(|&c| c > 0)
            .map(|c| c as usize)
    };
    Some(crate::sys::tty::stdout_columns().or_else(from_env).unwrap_or(80))
}

/// The errno a new libsmartcols table leaves behind: `scols_new_table` asks for the
/// terminal's size (TIOCGWINSZ on standard output, which fails with ENOTTY off a terminal),
/// and for a dimension it did not get reads `COLUMNS` or `LINES` with `errno = 0; strtol`,
/// which leaves 0, or ERANGE for a number out of `long`'s range. Tools that print errno
/// after applying a filter (lsns's `failed to apply filter: ...`) print this when nothing
/// set errno since. `before` is errno before the table was made.
pub(crate) fn table_errno(
    winsize: std::result::Result<(u16, u16), i32>,
    columns: Option<&[u8]>,
    lines: Option<&[u8]>,
    before: i32,
) -> i32 {
    let (errno, cols, rows) = match winsize {
        Ok((cols, rows)) => (before, cols, rows),
        Err(errno) => (errno, 0, 0),
    };
    let mut errno = errno;
    for (size, var) in [(cols, columns), (rows, lines)] {
        if let (0, Some(var)) = (size, var) {
            errno = if strtol_overflows(var) { libc::ERANGE } else { 0 };
        }
    }
    errno
}

/// Whether strtol(3) (base 10) sets ERANGE on `s`: after blanks and a sign, its digits make
/// a number out of `long`'s range (`intmax_t`'s on Linux's 64-bit ABIs).
fn strtol_overflows(s: &[u8]) -> bool {
    crate::number::strtoimax(s).is_some_and(|(_, overflow, _)| overflow)
}

/// [`table_errno`] for this process: its standard output and environment.
pub(crate) fn new_table_errno(before: i32) -> i32 {
    use std::os::unix::ffi::OsStrExt;
    let columns = std::env::var_os("COLUMNS");
    let lines = std::env::var_os("LINES");
    table_errno(
        crate::sys::tty::stdout_winsize(),
        columns.as_deref().map(|v| v.as_bytes()),
        lines.as_deref().map(|v| v.as_bytes()),
        before,
    )
}

/// What libsmartcols takes from the process environment rather than from the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Env {
    /// The locale's character set (tree glyphs, which bytes are printable).
    pub charset: Charset,
    /// `LIBSMARTCOLS_JSON`: `compact`, `lines`, anything else pretty.
    pub json_layout: JsonLayout,
}

impl Env {
    /// Reads `LC_ALL`/`LC_CTYPE`/`LANG` and `LIBSMARTCOLS_JSON`.
    pub(crate) fn from_process() -> Env {
        Env { charset: Charset::from_env(), json_layout: JsonLayout::from_env() }
    }
}

impl Default for Env {
    /// The C locale, pretty JSON.
    fn default() -> Env {
        Env { charset: Charset::Ascii, json_layout: JsonLayout::Pretty }
    }
}

/// Prints `table` as libsmartcols would, with the locale and `LIBSMARTCOLS_JSON` of this
/// process. An empty table prints nothing in table and raw modes (not even the header).
pub(crate) fn render(table: &Table, format: &Format, out: &mut dyn Write) -> io::Result<()> {
    render_with(table, format, &Env::from_process(), out)
}

/// [`render`] with an explicit environment.
pub fn render_with(table: &Table, format: &Format, env: &Env, out: &mut dyn Write) -> io::Result<()> {
    let mut sink = Sink { buf: Vec::new(), out, error: None };
    match &format.mode {
        Mode::Table => human::print(table, format, env, &mut sink),
        Mode::Raw => raw::print(table, format, &mut sink, env.charset),
        Mode::Json(name) => json::print(table, name, format, env, &mut sink),
    }
    sink.finish()
}

/// Where a renderer writes: a buffer passed on to the output at line ends once it holds
/// [`Sink::SPILL_AT`] bytes, so a big table's text is never held whole beside its lines.
pub(crate) struct Sink<'a> {
    buf: Vec<u8>,
    out: &'a mut dyn Write,
    /// The first write error; later writes are skipped.
    error: Option<io::Error>,
}

impl Sink<'_> {
    /// At least a buffered stdout's capacity, so chunks go past its buffer untouched.
    const SPILL_AT: usize = 64 * 1024;

    /// A line is complete: pass the buffer on if it is full enough.
    pub(crate) fn line_end(&mut self) {
        if self.buf.len() >= Self::SPILL_AT {
            self.spill();
        }
    }

    fn spill(&mut self) {
        if self.error.is_none() {
            self.error = self.out.write_all(&self.buf).err();
        }
        self.buf.clear();
    }

    fn finish(mut self) -> io::Result<()> {
        self.spill();
        self.error.map_or(Ok(()), Err)
    }
}

impl std::ops::Deref for Sink<'_> {
    type Target = Vec<u8>;
    fn deref(&self) -> &Vec<u8> {
        &self.buf
    }
}

impl std::ops::DerefMut for Sink<'_> {
    fn deref_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }
}

/// Prints the `--list-columns` table: one line per column with its name, its JSON type label
/// and its description (then the column's mark, untranslated: "" for none); no header; the
/// name right-aligned; in JSON under `table_name` (`lsns-columns`) with the keys `holder`,
/// `type`, `description`. Of `format` only the mode and the terminal width count.
pub(crate) fn list_columns(
    columns: &[(ColumnSpec, &str)],
    table_name: &str,
    format: &Format,
    out: &mut dyn Write,
) -> io::Result<()> {
    list_columns_with(columns, table_name, format, &Env::from_process(), out)
}

/// The `--list-columns` table of `columns`: name (right-aligned), JSON type label, description.
/// A description is util-linux's msgid, looked up as lsns looks it up when it prints the list
/// (`_(infos[i].help)`); names and types are never translated.
pub(crate) fn list_columns_table(columns: &[(ColumnSpec, &str)]) -> Table {
    let text = |name: &'static str, right: bool| ColumnSpec {
        name,
        help: "",
        width_hint: 0.0,
        right,
        truncate: false,
        wrap: false,
        json: JsonType::String,
    };
    let mut table = Table::new(vec![text("HOLDER", true), text("TYPE", false), text("DESCRIPTION", false)]);
    for (col, mark) in columns {
        let mut help = crate::catalog::tr(col.help);
        help.extend_from_slice(mark.as_bytes());
        table.push(
            vec![
                Some(col.name.to_string()),
                Some(col.json.label().to_string()),
                Some(crate::byte_text::carry_bytes(&help)),
            ],
            None,
        );
    }
    table
}

/// [`list_columns`] with an explicit environment.
pub(crate) fn list_columns_with(
    columns: &[(ColumnSpec, &str)],
    table_name: &str,
    format: &Format,
    env: &Env,
    out: &mut dyn Write,
) -> io::Result<()> {
    let table = list_columns_table(columns);
    let mode = match &format.mode {
        Mode::Json(_) => Mode::Json(table_name.to_string()),
        other => other.clone(),
    };
    // util-linux's column list takes only -J and -r (xcolumn_list_table_new).
    let format = Format { mode, no_headings: true, no_trunc: false, no_wrap: false, term_width: format.term_width };
    render_with(&table, &format, env, out)
}

#[cfg(test)]
mod golden;

#[cfg(test)]
mod table_errno_tests {
    use super::table_errno;

    // As seen with lsns 2.42.2 (`lsns -Q 'true =~ "x"'`, whose failure prints errno as the
    // new table left it): ENOTTY off a terminal, Bad file descriptor with standard output
    // closed, Success once COLUMNS or LINES is read, ERANGE for a number out of range.
    #[test]
    fn what_a_new_table_leaves_in_errno() {
        let off = Err(libc::ENOTTY);
        assert_eq!(table_errno(off, None, None, 7), libc::ENOTTY);
        assert_eq!(table_errno(Err(libc::EBADF), None, None, 0), libc::EBADF);
        assert_eq!(table_errno(off, Some(b"80"), None, 0), 0);
        assert_eq!(table_errno(off, None, Some(b"x"), 0), 0);
        assert_eq!(table_errno(off, Some(b""), None, 0), 0);
        assert_eq!(table_errno(off, None, Some(b"99999999999999999999999"), 0), libc::ERANGE);
        assert_eq!(table_errno(off, Some(b" -9223372036854775808"), None, 0), 0);
        assert_eq!(table_errno(off, Some(b"-9223372036854775809"), None, 0), libc::ERANGE);
        assert_eq!(table_errno(off, Some(b"9223372036854775807x"), None, 0), 0);
        assert_eq!(table_errno(off, Some(b"9223372036854775808x"), None, 0), libc::ERANGE);
        // LINES is read after COLUMNS.
        assert_eq!(table_errno(off, Some(b"99999999999999999999999"), Some(b"4"), 0), 0);
        // A terminal that reports its size: nothing is read, errno stays.
        assert_eq!(table_errno(Ok((80, 24)), Some(b"99999999999999999999999"), None, 5), 5);
        assert_eq!(table_errno(Ok((0, 24)), Some(b"99999999999999999999999"), None, 5), libc::ERANGE);
        assert_eq!(table_errno(Ok((80, 0)), None, Some(b"1"), 5), 0);
    }
}
