//! The filter grammar (libsmartcols's bison `filter-parser.y`): tokens from the lexer into an
//! expression tree, with bison's messages and its stack limit.

use super::expr::{Node, Op};
use super::lexer::{Lexer, Token};
use super::param::{stored_string, Value};
use crate::byte_text::carried_bytes;
use crate::sys::regex::PosixRegex;

/// A part of the expression waiting for its right-hand side, as bison would keep it on its stack.
pub(super) enum Pending {
    Not,
    Open,
    Compare(Node, Op),
    Logic(Node, Op),
}

/// Parsing state: the lexer, one token of lookahead, holder bookkeeping.
pub(super) struct Parser<'a> {
    pub(super) lexer: Lexer<'a>,
    pub(super) lookahead: Option<Token>,
    pub(super) depth: usize,
    /// How deep util-linux's bison stack would be here (see [`Parser::push`]).
    pub(super) stack: usize,
    pub(super) occurrences: Vec<String>,
    pub(super) names: Vec<String>,
}

pub(super) enum ParseError {
    /// bison's verbose syntax error.
    Syntax(String),
    /// A message from the scanner or the regex compiler, as is.
    Other(String),
}

/// bison's `YYMAXDEPTH`: a parse whose state stack reaches this many entries fails with
/// "memory exhausted" (`-Q` with 9997 nested parentheses around a column in 2.42.2, or
/// 9998 `!` before one). Bounding the depth also bounds our recursion, so a hostile
/// expression cannot overflow the stack.
pub(super) const BISON_MAX_DEPTH: usize = 10_000;

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
    pub(super) fn expression(&mut self) -> std::result::Result<Node, ParseError> {
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
