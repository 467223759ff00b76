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

mod lexer;

use super::{ColumnSpec, JsonType};
use crate::byte_text::carried_bytes;
use crate::error::{Error, MsgArg, Result};
use crate::sys::regex::PosixRegex;
use lexer::{Lexer, Token};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Reg,
    NotReg,
}

/// The data types libsmartcols converts between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    U64,
    Float,
    Bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// `None`: a column without data.
    Str(Option<String>),
    U64(u64),
    Float(f64),
    Bool(bool),
}

impl Value {
    fn kind(&self) -> Kind {
        match self {
            Value::Str(_) => Kind::Str,
            Value::U64(_) => Kind::U64,
            Value::Float(_) => Kind::Float,
            Value::Bool(_) => Kind::Bool,
        }
    }
}

/// A value and whether it came from an empty cell (empty numbers never compare true).
#[derive(Debug, Clone, PartialEq)]
struct Datum {
    value: Value,
    empty: bool,
}

#[derive(Debug)]
enum Node {
    Literal(Value, Option<PosixRegex>),
    /// A column, by its index in `Filter::holders`, as written in the expression.
    Holder(usize),
    Not(Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
}

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

fn kind_of_column(spec: &ColumnSpec) -> Kind {
    match spec.json {
        JsonType::Number => Kind::U64,
        JsonType::Boolean => Kind::Bool,
        JsonType::String | JsonType::ArrayString | JsonType::Value => Kind::Str,
    }
}

/// `strtoimax`/`strtoumax` as `ul_strtou64` uses them: optional sign, decimal digits, the
/// whole string; negative numbers are out of range.
fn parse_u64(s: &str) -> std::result::Result<u64, i32> {
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(libc::EINVAL);
    }
    if negative && digits.bytes().any(|b| b != b'0') {
        return Err(libc::ERANGE);
    }
    digits.parse::<u64>().map_err(|_| libc::ERANGE)
}

/// `strtold` over the whole string, in f64. The range is long double's: a number beyond
/// f64's but within long double's (`1e309`, `1e-400`) is no error, and becomes an infinity
/// or zero here; one beyond long double's is ERANGE. Hexadecimal (`0x1.8p3`) is read too.
fn parse_float(s: &str) -> std::result::Result<f64, i32> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let magnitude = match body.get(..2) {
        Some("0x" | "0X") => parse_hex_float(&body[2..])?,
        _ => {
            let v: f64 = body.parse().map_err(|_| libc::EINVAL)?;
            if !v.is_finite() || v == 0.0 {
                if body.bytes().next().is_some_and(|b| b.is_ascii_alphabetic()) {
                    v // inf, infinity, nan
                } else if let Some((e, lead)) = decimal_exponent(body) {
                    // Long double's largest is 1.18973e4932, its smallest normal 3.3621e-4932.
                    if e > 4932 || (e == 4932 && lead > 1.189_731_495_357_231_8) {
                        return Err(libc::ERANGE);
                    }
                    if e < -4932 || (e == -4932 && lead < 3.362_103_143_112_093_5) {
                        return Err(libc::ERANGE);
                    }
                    v
                } else {
                    v
                }
            } else {
                v
            }
        }
    };
    Ok(if negative { -magnitude } else { magnitude })
}

/// A decimal number as `lead * 10^e` with `lead` in [1, 10): (e, lead), None for zero.
fn decimal_exponent(s: &str) -> Option<(i64, f64)> {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i64>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let int = int.trim_start_matches('0');
    let digits: String = int.chars().chain(frac.chars()).skip_while(|&c| c == '0').take(17).collect();
    let first = digits.chars().next().filter(|c| c.is_ascii_digit())?;
    let lead: f64 = format!("{first}.{}", &digits[1..]).parse().unwrap_or(1.0);
    let e = if int.is_empty() {
        exp.saturating_sub(frac.bytes().take_while(|&b| b == b'0').count() as i64 + 1)
    } else {
        exp.saturating_add(int.len() as i64 - 1)
    };
    Some((e, lead))
}

/// The digits of a hexadecimal float after `0x`: hex digits, a point, `p` and a power of two.
fn parse_hex_float(s: &str) -> std::result::Result<f64, i32> {
    let (mantissa, exp) = match s.find(['p', 'P']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().map_err(|_| libc::EINVAL)?),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return Err(libc::EINVAL);
    }
    let mut value = 0f64;
    for c in int.chars().chain(frac.chars()) {
        value = value * 16.0 + f64::from(c.to_digit(16).ok_or(libc::EINVAL)?);
    }
    let exp = exp.saturating_sub(4 * frac.len() as i32);
    Ok(value * 2f64.powi(exp))
}

/// printf's `%g`: six significant digits, trailing zeros dropped.
fn format_g(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let exp = v.abs().log10().floor() as i32;
    let sci = format!("{v:.5e}");
    let (mantissa, e) = sci.split_once('e').unwrap_or((&sci, "0"));
    let e: i32 = e.parse().unwrap_or(exp);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if !(-4..6).contains(&e) {
        format!("{}e{}{:02}", trim(mantissa), if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (5 - e).max(0) as usize;
        trim(&format!("{v:.decimals$}"))
    }
}

/// A conversion's result, with errno set as `ul_strtou64`/`ul_strtold` leave it.
fn set_errno<T>(r: std::result::Result<T, i32>, errno: &mut i32) -> std::result::Result<T, i32> {
    *errno = r.as_ref().err().copied().unwrap_or(0);
    r
}

/// rpmatch(3) in the C locale: an answer starting with `y`/`Y` is yes.
fn is_yes(s: &str) -> bool {
    s == "1" || s.eq_ignore_ascii_case("true") || s.starts_with(['y', 'Y'])
}

impl Datum {
    /// Converts to `kind` as libsmartcols casts parameters; errors carry errno. Converting a
    /// string to a number goes through `ul_strtou64`/`ul_strtold`, which set errno: 0 when
    /// the string is a number, the error otherwise; no other conversion touches it.
    fn cast(self, kind: Kind, errno: &mut i32) -> std::result::Result<Datum, i32> {
        let empty = self.empty;
        let value = match (self.value, kind) {
            (v, k) if v.kind() == k => v,
            (Value::Str(None), Kind::U64) => Value::U64(0),
            (Value::Str(None), Kind::Float) => Value::Float(0.0),
            (Value::Str(Some(s)), Kind::U64) => Value::U64(set_errno(parse_u64(&s), errno)?),
            (Value::Str(Some(s)), Kind::Float) => Value::Float(set_errno(parse_float(&s), errno)?),
            (Value::Str(s), _) => Value::Bool(s.as_deref().is_some_and(|s| !s.is_empty() && is_yes(s))),
            (Value::U64(n), Kind::Str) => Value::Str(Some(n.to_string())),
            (Value::U64(n), Kind::Float) => Value::Float(n as f64),
            (Value::U64(n), _) => Value::Bool(n > 0),
            (Value::Float(f), Kind::Str) => Value::Str(Some(format_g(f))),
            (Value::Float(f), Kind::U64) => Value::U64(f as u64),
            (Value::Float(f), _) => Value::Bool(f > 0.0),
            (Value::Bool(b), Kind::Str) => Value::Str(Some(b.to_string())),
            (Value::Bool(b), Kind::U64) => Value::U64(u64::from(b)),
            (Value::Bool(b), _) => Value::Float(if b { 1.0 } else { 0.0 }),
        };
        Ok(Datum { value, empty })
    }

    /// The copy libsmartcols makes before converting: only a string without data stays
    /// empty, an empty number becomes a plain 0.
    fn boolean(b: bool) -> Datum {
        Datum { value: Value::Bool(b), empty: false }
    }

    /// The value as `kind`: itself, or a copy converted.
    fn convert(self, kind: Kind, errno: &mut i32) -> std::result::Result<Datum, i32> {
        if self.value.kind() == kind {
            Ok(self)
        } else {
            self.copied().cast(kind, errno)
        }
    }

    /// A string is stored again as it is when set, so its quotes go once more.
    fn copied(self) -> Datum {
        let empty = matches!(self.value, Value::Str(None));
        let value = match self.value {
            Value::Str(Some(s)) => Value::Str(Some(stored_string(&s))),
            other => other,
        };
        Datum { value, empty }
    }

    fn truth(&self) -> bool {
        if self.empty {
            return false;
        }
        match &self.value {
            Value::Str(s) => s.as_deref().is_some_and(|s| !s.is_empty()),
            Value::U64(n) => *n != 0,
            Value::Float(f) => *f != 0.0,
            Value::Bool(b) => *b,
        }
    }
}

/// A part of the expression waiting for its right-hand side, as bison would keep it on its stack.
enum Pending {
    Not,
    Open,
    Compare(Node, Op),
    Logic(Node, Op),
}

/// Parsing state: the lexer, one token of lookahead, holder bookkeeping.
struct Parser<'a> {
    lexer: Lexer<'a>,
    lookahead: Option<Token>,
    depth: usize,
    /// How deep util-linux's bison stack would be here (see [`Parser::push`]).
    stack: usize,
    occurrences: Vec<String>,
    names: Vec<String>,
}

enum ParseError {
    /// bison's verbose syntax error.
    Syntax(String),
    /// A message from the scanner or the regex compiler, as is.
    Other(String),
}

/// bison's `YYMAXDEPTH`: a parse whose state stack reaches this many entries fails with
/// "memory exhausted" (`-Q` with 9997 nested parentheses around a column in 2.42.2, or
/// 9998 `!` before one). Bounding the depth also bounds our recursion, so a hostile
/// expression cannot overflow the stack.
const BISON_MAX_DEPTH: usize = 10_000;

impl Parser<'_> {
    /// Accounts for `n` more entries on bison's stack: one per `(` or `!` still open, one for
    /// each operand, two for a left operand and its pending operator, two for `expr )`.
    fn push(&mut self, n: usize) -> std::result::Result<(), ParseError> {
        self.stack += n;
        if self.stack >= BISON_MAX_DEPTH {
            return Err(ParseError::Other("memory exhausted".into()));
        }
        Ok(())
    }

    fn pop(&mut self, n: usize) {
        self.stack -= n;
    }

    fn peek(&mut self) -> &Token {
        if self.lookahead.is_none() {
            self.lookahead = Some(self.lexer.next_token());
        }
        self.lookahead.as_ref().unwrap_or(&Token::End)
    }

    fn take(&mut self) -> Token {
        self.peek();
        self.lookahead.take().unwrap_or(Token::End)
    }

    fn unexpected(token: &Token, expecting_end: bool) -> ParseError {
        let mut msg = format!("syntax error, unexpected {}", token.describe());
        if expecting_end {
            msg.push_str(", expecting end of file");
        }
        ParseError::Syntax(msg)
    }

    fn holder(&mut self, name: String) -> Node {
        let index = match self.names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                self.names.push(name.clone());
                self.names.len() - 1
            }
        };
        self.occurrences.push(name);
        Node::Holder(index)
    }

    /// A parameter: a literal or a column.
    fn parameter(&mut self, token: Token) -> std::result::Result<Node, ParseError> {
        match token {
            Token::Number(n) => Ok(Node::Literal(Value::U64(n), None)),
            Token::Float(f) => Ok(Node::Literal(Value::Float(f), None)),
            Token::True => Ok(Node::Literal(Value::Bool(true), None)),
            Token::False => Ok(Node::Literal(Value::Bool(false), None)),
            Token::Str(quoted) => Ok(Node::Literal(Value::Str(Some(stored_string(&quoted))), None)),
            Token::Holder(name) => Ok(self.holder(name)),
            Token::InvalidNumber(message) => Err(ParseError::Other(message)),
            other => Err(Self::unexpected(&other, false)),
        }
    }

    /// The comparison `left <op> right` once its right operand is complete. A regex is
    /// compiled right then, before the next token is read.
    fn comparison(op: Op, left: Node, right: Node) -> std::result::Result<Node, ParseError> {
        let right = match (op, right) {
            (Op::Reg | Op::NotReg, Node::Literal(Value::Str(Some(pattern)), None)) => {
                let re = PosixRegex::new(&carried_bytes(&pattern)).map_err(ParseError::Other)?;
                Node::Literal(Value::Str(Some(pattern)), Some(re))
            }
            // util-linux has no pattern text to compile here and reports no message.
            (Op::Reg | Op::NotReg, _) => return Err(ParseError::Other("(null)".into())),
            (_, right) => right,
        };
        Ok(Node::Binary(op, Box::new(left), Box::new(right)))
    }

    /// The whole expression. Operands are `!operand`, `( expression )` or a parameter;
    /// comparisons (and `!`) bind tighter than `and`/`or`; both are left-associative.
    ///
    /// The pending parts live on an explicit stack rather than the call stack, so the depth
    /// of an expression costs heap, not stack (and is bounded by [`BISON_MAX_DEPTH`]).
    fn expression(&mut self) -> std::result::Result<Node, ParseError> {
        let mut pending: Vec<Pending> = Vec::new();
        loop {
            // An operand: its prefixes, then a parameter.
            let mut node = loop {
                match self.take() {
                    Token::Neg => {
                        self.push(1)?;
                        pending.push(Pending::Not);
                    }
                    Token::Open => {
                        self.push(1)?;
                        self.depth += 1;
                        pending.push(Pending::Open);
                    }
                    other => {
                        let node = self.parameter(other)?;
                        self.push(1)?;
                        self.pop(1);
                        break node;
                    }
                }
            };
            // Reduce what the complete operand finishes, then read on.
            loop {
                while let Some(Pending::Not) = pending.last() {
                    pending.pop();
                    self.pop(1);
                    node = Node::Not(Box::new(node));
                }
                if let Some(Pending::Compare(..)) = pending.last() {
                    if let Some(Pending::Compare(left, op)) = pending.pop() {
                        self.pop(2);
                        node = Self::comparison(op, left, node)?;
                    }
                }
                let nested = self.depth > 0;
                let op = match self.peek() {
                    Token::Eq => Op::Eq,
                    Token::Ne => Op::Ne,
                    Token::Lt => Op::Lt,
                    Token::Le => Op::Le,
                    Token::Gt => Op::Gt,
                    Token::Ge => Op::Ge,
                    Token::Reg => Op::Reg,
                    Token::NotReg => Op::NotReg,
                    Token::And => Op::And,
                    Token::Or => Op::Or,
                    Token::Close if nested => {
                        node = self.reduce_logic(&mut pending, node);
                        // `( expr )`
                        self.push(2)?;
                        self.pop(3);
                        self.take();
                        self.depth -= 1;
                        pending.pop();
                        continue;
                    }
                    Token::End if !nested => return Ok(self.reduce_logic(&mut pending, node)),
                    other => return Err(Self::unexpected(other, !nested)),
                };
                self.take();
                if matches!(op, Op::And | Op::Or) {
                    node = self.reduce_logic(&mut pending, node);
                    self.push(2)?;
                    pending.push(Pending::Logic(node, op));
                } else {
                    self.push(2)?;
                    pending.push(Pending::Compare(node, op));
                }
                break;
            }
        }
    }

    /// `left and/or node`, if one is pending at this level (left-associative: it is reduced
    /// before the next `and`/`or`, `)` or the end).
    fn reduce_logic(&mut self, pending: &mut Vec<Pending>, node: Node) -> Node {
        if let Some(Pending::Logic(..)) = pending.last() {
            if let Some(Pending::Logic(left, op)) = pending.pop() {
                self.pop(2);
                return Node::Binary(op, Box::new(left), Box::new(node));
            }
        }
        node
    }
}

/// A string as libsmartcols stores it in a parameter (a literal, a column's data, a copy
/// made to convert): one leading quote (`"` or `'`) goes, with the same quote at the end
/// if there is one, then surrounding whitespace. So a cell `"x"` compares as `x`.
fn stored_string(s: &str) -> String {
    let inner = match s.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let rest = &s[1..];
            // A lone quote is both the first and the last character: nothing remains.
            rest.strip_suffix(q).unwrap_or(rest)
        }
        _ => s,
    };
    inner.trim_matches(is_c_space).to_string()
}

/// C's `isspace` in the C locale (util-linux trims string parameters with it).
fn is_c_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
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

/// `left <op> right`, both of one type; `r` is the right-hand node (a regular expression
/// is compiled into it).
fn compare_values(op: Op, r: &Node, left: &Datum, right: &Datum) -> std::result::Result<bool, i32> {
    {
        if let (Value::Str(a), Value::Str(b)) = (&left.value, &right.value) {
            if matches!(op, Op::Reg | Op::NotReg) {
                let Node::Literal(_, Some(re)) = r else { return Err(libc::EINVAL) };
                // Cells carry bytes that are not UTF-8; the regex sees the bytes.
                let found = re.is_match(&carried_bytes(a.as_deref().unwrap_or("")));
                return Ok(found == (op == Op::Reg));
            }
            // No data sorts before any string.
            let ord = a.as_deref().map(carried_bytes).cmp(&b.as_deref().map(carried_bytes));
            return Ok(ordering_holds(op, ord));
        }
        if matches!(op, Op::Reg | Op::NotReg) {
            return Err(libc::EINVAL);
        }
        if left.empty || right.empty {
            return Ok(false);
        }
        let ord = match (&left.value, &right.value) {
            (Value::U64(a), Value::U64(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::Float(a), Value::Float(b)) => match a.partial_cmp(b) {
                Some(ord) => ord,
                // NaN: every comparison but != is false.
                None => return Ok(op == Op::Ne),
            },
            _ => return Err(libc::EINVAL),
        };
        Ok(ordering_holds(op, ord))
    }
}

fn ordering_holds(op: Op, ord: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        Op::Eq => ord == Equal,
        Op::Ne => ord != Equal,
        Op::Lt => ord == Less,
        Op::Le => ord != Greater,
        Op::Gt => ord == Greater,
        Op::Ge => ord != Less,
        Op::And | Op::Or | Op::Reg | Op::NotReg => false,
    }
}

#[cfg(test)]
mod tests;
