//! The `-Q` filter language of libsmartcols (scols-filter(5)): expressions over column values
//! such as `TYPE == "net" && NPROCS > 1`, parsed with util-linux 2.42's error messages and
//! evaluated with its type rules.
//!
//! Grammar, as util-linux's bison parser reads it: `and`/`or` (`&&`, `||`) bind weakest and
//! equally, left to right; comparisons (`eq ne lt le gt ge` or `== != < <= > >=`, `=~`, `!~`)
//! and `!`/`not` bind tighter, also left to right; parentheses group. Operands are column
//! names ("holders"), numbers (with `K`, `M`, ... `KiB` suffixes), floats, quoted strings and
//! `true`/`false`. Comparisons convert both sides to one type: the literal's type when one
//! side is a column, else the left side's; a column has the type of its JSON type.

mod expr;
mod lexer;
mod param;
mod parser;

use super::ColumnSpec;
use crate::error::{Error, MsgArg, Result};
use expr::{compare_values, Node, Op};
use lexer::Lexer;
use param::{kind_of_column, stored_string, Datum, Kind, Value};
use parser::{ParseError, Parser};

/// A parsed `-Q` expression.
#[derive(Debug)]
pub struct Filter {
    root: Option<Node>,
    /// Holder names in order of appearance, one per occurrence (util-linux reports an
    /// unknown column once per occurrence).
    occurrences: Vec<String>,
    /// Distinct names, first appearance first, and their columns once resolved.
    names: Vec<String>,
    columns: Vec<Option<ColumnSpec>>,
}

impl Filter {
    /// Parses `expr` and resolves its column names through `lookup` (which should match
    /// names case-insensitively). Errors are worded as lsns 2.42 prints them:
    /// `failed to parse "NS ==": syntax error, unexpected end of file`, or for unknown
    /// columns `unknown column: FOO` (once per occurrence) then `failed to initialize filter`.
    pub fn parse(expr: &str, lookup: &dyn Fn(&str) -> Option<ColumnSpec>) -> Result<Filter> {
        let mut filter = Filter::parse_unresolved(expr).0?;
        filter.resolve(lookup)?;
        Ok(filter)
    }

    /// Parses without resolving columns. The string is what util-linux's scanner copies to
    /// standard output for characters outside the language (`-Q 'NS = 1'` prints `=`), also
    /// when parsing fails; lsns prints it before anything else on stdout.
    pub fn parse_unresolved(expr: &str) -> (Result<Filter>, String) {
        let mut parser = Parser {
            lexer: Lexer::new(expr),
            lookahead: None,
            depth: 0,
            stack: 1,
            occurrences: Vec::new(),
            names: Vec::new(),
        };
        let root = if expr.is_empty() {
            // An empty expression is no filter at all.
            Ok(None)
        } else {
            parser.expression().map(Some)
        };
        let echo = std::mem::take(&mut parser.lexer.echo);
        let result = match root {
            Ok(root) => Ok(Filter {
                root,
                occurrences: parser.occurrences,
                columns: vec![None; parser.names.len()],
                names: parser.names,
            }),
            Err(ParseError::Syntax(msg) | ParseError::Other(msg)) => {
                Err(Error::tr("failed to parse \"%s\": %s", vec![MsgArg::str(expr), MsgArg::str(msg)]))
            }
        };
        (result, echo)
    }

    /// Looks the column names up; every unknown one is reported (per occurrence).
    pub(crate) fn resolve(&mut self, lookup: &dyn Fn(&str) -> Option<ColumnSpec>) -> Result<()> {
        let mut errors = Vec::new();
        for name in &self.occurrences {
            if lookup(name).is_none() {
                errors.push(Error::tr("unknown column: %s", vec![MsgArg::str(name)]));
            }
        }
        if !errors.is_empty() {
            errors.push(Error::tr("failed to initialize filter", vec![]));
            return Err(Error::Chain(errors));
        }
        self.columns = self.names.iter().map(|n| lookup(n)).collect();
        Ok(())
    }

    /// The distinct columns the expression uses, in order of first use (after [`resolve`]).
    ///
    /// [`resolve`]: Filter::resolve
    #[cfg(test)]
    pub(crate) fn holders(&self) -> Vec<ColumnSpec> {
        let mut out: Vec<ColumnSpec> = Vec::new();
        for spec in self.columns.iter().flatten() {
            if !out.iter().any(|c| c.name == spec.name) {
                out.push(*spec);
            }
        }
        out
    }

    /// Column names as written, one per occurrence, in order (lsns reports and counts each).
    pub(crate) fn holder_occurrences(&self) -> &[String] {
        &self.occurrences
    }

    /// Column names as written in the expression, distinct, in order of first use.
    #[cfg(any(test, feature = "testing"))]
    pub fn holder_names(&self) -> Vec<&str> {
        self.names.iter().map(String::as_str).collect()
    }

    /// Whether the current row passes; `value` gives a column's text by its name
    /// (`ColumnSpec::name`), `None` when the cell has no data. A row whose evaluation fails
    /// does not pass; see [`try_matches`](Filter::try_matches).
    pub fn matches(&self, value: &dyn Fn(&str) -> Option<String>) -> bool {
        self.try_matches(value).unwrap_or(false)
    }

    /// [`matches`](Filter::matches), reporting failures as lsns does: `failed to apply
    /// filter: Invalid argument` (e.g. `COMMAND > 5` on a non-numeric command), exit
    /// status 1. The reason is errno as the evaluation leaves it, starting from 0; see
    /// [`apply`](Filter::apply).
    pub fn try_matches(&self, value: &dyn Fn(&str) -> Option<String>) -> Result<bool> {
        self.apply(value, &mut 0)
    }

    /// Applies the filter to a row as `scols_line_apply_filter` does, with `errno` the value
    /// C's errno has when it starts. lsns reports a failure with err(3), so the reason it
    /// prints is errno, not the failure: a conversion of a string to a number sets errno
    /// (to 0 when it succeeds), other failures (a column that was never assigned, a regular
    /// expression matched against a number or a boolean) leave it as it was, possibly from
    /// an earlier row. `errno` is updated for the next row.
    pub(crate) fn apply(&self, value: &dyn Fn(&str) -> Option<String>, errno: &mut i32) -> Result<bool> {
        let Some(root) = &self.root else { return Ok(true) };
        self.truth(root, value, errno).map_err(|_| Error::tr_os("failed to apply filter", vec![], *errno))
    }

    fn node_kind(&self, node: &Node) -> Kind {
        match node {
            Node::Literal(v, _) => v.kind(),
            Node::Holder(i) => self.columns[*i].as_ref().map_or(Kind::Str, kind_of_column),
            Node::Not(_) | Node::Binary(..) => Kind::Bool,
        }
    }

    /// A holder's value for this row, in its column's type; a holder without a column (lsns
    /// never assigns them when it lists a namespace's processes) fails.
    fn fetch(
        &self,
        index: usize,
        value: &dyn Fn(&str) -> Option<String>,
        errno: &mut i32,
    ) -> std::result::Result<Datum, i32> {
        let spec = self.columns[index].as_ref().ok_or(libc::EINVAL)?;
        let data = value(spec.name);
        let empty = data.is_none();
        let text = data.map(|s| stored_string(&s));
        Datum { value: Value::Str(text), empty }.cast(kind_of_column(spec), errno)
    }

    /// A node's value converted to `kind`.
    ///
    /// `operand`, `truth` and `compare` recurse into each other once per nesting level of
    /// the expression (at most about 3300, see the parser): they keep their frames small,
    /// with the work on values in helpers that do not recurse.
    fn operand(
        &self,
        node: &Node,
        kind: Kind,
        value: &dyn Fn(&str) -> Option<String>,
        errno: &mut i32,
    ) -> std::result::Result<Datum, i32> {
        let datum = match node {
            Node::Not(_) | Node::Binary(..) => Datum::boolean(self.truth(node, value, errno)?),
            _ => self.leaf(node, value, errno)?,
        };
        datum.convert(kind, errno)
    }

    /// The value of a literal or a column.
    fn leaf(
        &self,
        node: &Node,
        value: &dyn Fn(&str) -> Option<String>,
        errno: &mut i32,
    ) -> std::result::Result<Datum, i32> {
        match node {
            Node::Literal(v, _) => Ok(Datum { value: v.clone(), empty: false }),
            Node::Holder(i) => self.fetch(*i, value, errno),
            Node::Not(_) | Node::Binary(..) => Err(libc::EINVAL),
        }
    }

    fn truth(
        &self,
        node: &Node,
        value: &dyn Fn(&str) -> Option<String>,
        errno: &mut i32,
    ) -> std::result::Result<bool, i32> {
        // A run of `!` is walked, not recursed into (9997 of them parse).
        let mut node = node;
        let mut negate = false;
        while let Node::Not(inner) = node {
            negate = !negate;
            node = inner;
        }
        let truth = match node {
            Node::Binary(Op::And, l, r) => self.truth(l, value, errno)? && self.truth(r, value, errno)?,
            Node::Binary(Op::Or, l, r) => self.truth(l, value, errno)? || self.truth(r, value, errno)?,
            Node::Binary(op, l, r) => self.compare(*op, l, r, value, errno)?,
            _ => self.leaf(node, value, errno)?.truth(),
        };
        Ok(truth != negate)
    }

    /// The type both sides of a comparison are converted to.
    fn common_kind(&self, l: &Node, r: &Node) -> Kind {
        let (lk, rk) = (self.node_kind(l), self.node_kind(r));
        if lk == rk {
            return lk;
        }
        let is_holder = |n: &Node| matches!(n, Node::Holder(_));
        let kind = if is_holder(l) && !is_holder(r) { rk } else { lk };
        if kind == Kind::U64 && (lk == Kind::Float || rk == Kind::Float) {
            Kind::Float
        } else {
            kind
        }
    }

    fn compare(
        &self,
        op: Op,
        l: &Node,
        r: &Node,
        value: &dyn Fn(&str) -> Option<String>,
        errno: &mut i32,
    ) -> std::result::Result<bool, i32> {
        let kind = self.common_kind(l, r);
        let left = self.operand(l, kind, value, errno)?;
        let right = self.operand(r, kind, value, errno)?;
        compare_values(op, r, &left, &right)
    }
}

#[cfg(test)]
mod tests;
