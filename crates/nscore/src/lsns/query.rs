//! `-Q EXPR`: lsns's use of the libsmartcols filter language.
//!
//! The expression language itself belongs to `crate::output::filter` (written on the
//! `output` branch). This adapter is the only place lsns touches it, and keeps lsns's own
//! part of `-Q`: syntax errors when the option is read, holder names as written (NETNSID is
//! asked for only when a holder is spelled `NETNSID`, as `scols_filter_has_holder` compares
//! exactly), and after the scan `unknown column: X` per unknown holder occurrence, then
//! `failed to initialize filter`, or `too many columns specified, the limit is 25 columns`
//! when hidden filter columns overflow lsns's column array.
//!
//! Until `output::filter` is merged, `compile` is a stand-in that refuses every expression.

use crate::error::{Error, Result};
use crate::output::ColumnSpec;

/// What `output::filter` compiled (stand-in: nothing).
#[derive(Debug)]
struct Compiled;

/// The expression API this adapter expects from `crate::output::filter`:
/// `Filter::parse(expr, lookup) -> Result<Filter>` (syntax errors already as
/// `failed to parse "EXPR": MSG`; `lookup` is called with every holder as written) and
/// `filter.matches(&|name| value) -> bool`.
fn compile(expr: &str, lookup: &dyn Fn(&str) -> Option<ColumnSpec>) -> Result<Compiled> {
    let _ = (expr, lookup);
    Err(Error::msg("-Q/--filter needs output::filter, which is not merged yet"))
}

fn evaluate(compiled: &Compiled, value: &dyn Fn(&str) -> Option<String>) -> bool {
    let _ = (compiled, value);
    true
}

/// A parsed `-Q` expression.
#[derive(Debug)]
pub struct Query {
    compiled: Compiled,
    /// Holder names in the order they occur, as written.
    holders: Vec<String>,
}

impl Query {
    /// Parses an expression (util-linux does it while reading options, so syntax errors
    /// come in option order). Every holder is accepted here; unknown ones are reported by
    /// [`Query::check_columns`] after the scan, as lsns does.
    pub fn parse(expr: &str, spec_of: &dyn Fn(&str) -> Option<ColumnSpec>) -> Result<Query> {
        let seen = std::cell::RefCell::new(Vec::new());
        let compiled = compile(expr, &|name| {
            seen.borrow_mut().push(name.to_string());
            // Unknown names still parse; a string column stands in until check_columns.
            Some(spec_of(name).unwrap_or(ColumnSpec {
                name: "",
                help: "",
                width_hint: 0.0,
                right: false,
                truncate: false,
                wrap: false,
                json: crate::output::JsonType::String,
            }))
        })?;
        Ok(Query { compiled, holders: seen.into_inner() })
    }

    /// A query with these holders whose expression accepts every line (for tests of the
    /// code around the filter).
    #[cfg(test)]
    pub(crate) fn accepting(holders: &[&str]) -> Query {
        Query { compiled: Compiled, holders: holders.iter().map(|h| h.to_string()).collect() }
    }

    /// Holder names as written, in order (duplicates kept).
    pub fn holders(&self) -> &[String] {
        &self.holders
    }

    /// Does a holder spelled exactly `name` occur?
    pub fn has_holder(&self, name: &str) -> bool {
        self.holders.iter().any(|h| h == name)
    }

    /// lsns's `init_scols_filter`: each holder must name a column; one that is not shown
    /// (compared exactly, as libsmartcols finds columns by name) becomes a hidden column,
    /// named canonically,
    /// counted against the limit of `max` columns. `shown` is the visible header list.
    pub fn check_columns(
        &self,
        shown: &[&str],
        canonical: &dyn Fn(&str) -> Option<&'static str>,
        max: usize,
    ) -> Result<()> {
        let mut names: Vec<String> = shown.iter().map(|s| s.to_string()).collect();
        let mut errors = Vec::new();
        for holder in &self.holders {
            let Some(name) = canonical(holder) else {
                errors.push(Error::msg(format!("unknown column: {holder}")));
                continue;
            };
            if names.iter().any(|n| n == holder) {
                continue;
            }
            if names.len() >= max {
                errors.push(Error::msg(format!("too many columns specified, the limit is {} columns", max - 1)));
                return Err(Error::Chain(errors));
            }
            // The hidden column is named as lsns's table names it, not as written.
            names.push(name.to_string());
        }
        if errors.is_empty() {
            return Ok(());
        }
        errors.push(Error::msg("failed to initialize filter"));
        Err(Error::Chain(errors))
    }

    /// Does the line whose column values `value` gives (by holder name) pass?
    pub fn matches(&self, value: &dyn Fn(&str) -> Option<String>) -> bool {
        evaluate(&self.compiled, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsns::columns::Col;

    fn query(holders: &[&str]) -> Query {
        Query::accepting(holders)
    }

    fn canonical(name: &str) -> Option<&'static str> {
        Col::from_name(name).map(|c| c.column().spec.name)
    }

    #[test]
    fn unknown_holders_are_each_reported() {
        let q = query(&["FOO", "NS", "FOO", "bar"]);
        assert_eq!(
            q.check_columns(&["NS"], &canonical, 26),
            Err(Error::Chain(vec![
                Error::msg("unknown column: FOO"),
                Error::msg("unknown column: FOO"),
                Error::msg("unknown column: bar"),
                Error::msg("failed to initialize filter"),
            ]))
        );
        assert!(q.has_holder("FOO") && !q.has_holder("foo"));
    }

    #[test]
    fn hidden_columns_count_against_the_limit() {
        // As seen with 2.42.2: 23 shown columns, then `ns`, `Ns` and `type` each add a hidden
        // column (names compare exactly), `Type` would be the 27th.
        let shown = ["NS"; 23];
        let q = query(&["NS", "ns", "Ns", "TYPE", "type", "Type"]);
        assert_eq!(
            q.check_columns(&shown, &canonical, 26),
            Err(Error::Chain(vec![Error::msg("too many columns specified, the limit is 25 columns")]))
        );
        assert_eq!(query(&["ns", "NS", "PID"]).check_columns(&["NS"; 20], &canonical, 26), Ok(()));
    }
}
