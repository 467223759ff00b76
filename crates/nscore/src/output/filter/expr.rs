//! The expression tree of a filter (libsmartcols's `filter-expr.c`): operators, nodes, and
//! a comparison of two values of one type.

use super::param::{Datum, Value};
use crate::byte_text::carried_bytes;
use crate::sys::regex::PosixRegex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
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

#[derive(Debug)]
pub(super) enum Node {
    Literal(Value, Option<PosixRegex>),
    /// A column, by its index in `Filter::holders`, as written in the expression.
    Holder(usize),
    Not(Box<Node>),
    Binary(Op, Box<Node>, Box<Node>),
}

/// `left <op> right`, both of one type; `r` is the right-hand node (a regular expression
/// is compiled into it).
pub(super) fn compare_values(op: Op, r: &Node, left: &Datum, right: &Datum) -> std::result::Result<bool, i32> {
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

pub(super) fn ordering_holds(op: Op, ord: std::cmp::Ordering) -> bool {
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
