//! The parameters of a filter (libsmartcols's `filter-param.c`): values of four types, how a
//! column's text is stored, and the conversions between the types.

use crate::number::{format_g, parse_float, strtou64, C_SPACE};
use crate::output::{ColumnSpec, JsonType};

/// The data types libsmartcols converts between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Str,
    U64,
    Float,
    Bool,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    /// `None`: a column without data.
    Str(Option<String>),
    U64(u64),
    Float(f64),
    Bool(bool),
}

impl Value {
    pub(super) fn kind(&self) -> Kind {
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
pub(super) struct Datum {
    pub(super) value: Value,
    pub(super) empty: bool,
}

pub(super) fn kind_of_column(spec: &ColumnSpec) -> Kind {
    match spec.json {
        JsonType::Number => Kind::U64,
        JsonType::Boolean => Kind::Bool,
        JsonType::String | JsonType::ArrayString | JsonType::Value => Kind::Str,
    }
}

/// A conversion's result, with errno set as `ul_strtou64`/`ul_strtold` leave it.
pub(super) fn set_errno<T>(r: std::result::Result<T, i32>, errno: &mut i32) -> std::result::Result<T, i32> {
    *errno = r.as_ref().err().copied().unwrap_or(0);
    r
}

/// rpmatch(3) in the C locale: an answer starting with `y`/`Y` is yes.
pub(super) fn is_yes(s: &str) -> bool {
    s == "1" || s.eq_ignore_ascii_case("true") || s.starts_with(['y', 'Y'])
}

impl Datum {
    /// Converts to `kind` as libsmartcols casts parameters; errors carry errno. Converting a
    /// string to a number goes through `ul_strtou64`/`ul_strtold`, which set errno: 0 when
    /// the string is a number, the error otherwise; no other conversion touches it.
    pub(super) fn cast(self, kind: Kind, errno: &mut i32) -> std::result::Result<Datum, i32> {
        let empty = self.empty;
        let value = match (self.value, kind) {
            (v, k) if v.kind() == k => v,
            (Value::Str(None), Kind::U64) => Value::U64(0),
            (Value::Str(None), Kind::Float) => Value::Float(0.0),
            (Value::Str(Some(s)), Kind::U64) => Value::U64(set_errno(strtou64(s.as_bytes()).0, errno)?),
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
    pub(super) fn boolean(b: bool) -> Datum {
        Datum { value: Value::Bool(b), empty: false }
    }

    /// The value as `kind`: itself, or a copy converted.
    pub(super) fn convert(self, kind: Kind, errno: &mut i32) -> std::result::Result<Datum, i32> {
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

    pub(super) fn truth(&self) -> bool {
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

/// A string as libsmartcols stores it in a parameter (a literal, a column's data, a copy
/// made to convert): one leading quote (`"` or `'`) goes, with the same quote at the end
/// if there is one, then surrounding whitespace. So a cell `"x"` compares as `x`.
pub(super) fn stored_string(s: &str) -> String {
    let inner = match s.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let rest = &s[1..];
            // A lone quote is both the first and the last character: nothing remains.
            rest.strip_suffix(q).unwrap_or(rest)
        }
        _ => s,
    };
    inner.trim_matches(C_SPACE).to_string()
}
