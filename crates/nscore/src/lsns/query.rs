//! `-Q EXPR`: lsns's use of the libsmartcols filter language.
//!
//! The expression language itself belongs to `crate::output::filter`. This adapter is the
//! only place lsns touches it, and keeps lsns's own
//! part of `-Q`: syntax errors when the option is read, holder names as written (NETNSID is
//! asked for only when a holder is spelled `NETNSID`, as `scols_filter_has_holder` compares
//! exactly), and after the scan `unknown column: X` per unknown holder occurrence, then
//! `failed to initialize filter`, or `too many columns specified, the limit is 25 columns`
//! when hidden filter columns overflow lsns's column array.
//!

use crate::error::{Error, MsgArg, Result};
use crate::lsns::columns::Col;
use crate::output::filter::Filter;

/// A parsed `-Q` expression.
#[derive(Debug)]
pub(crate) struct Query {
    filter: Filter,
    /// Holder names in the order they occur, as written.
    holders: Vec<String>,
}

impl Query {
    /// Parses an expression (util-linux does it while reading options, so syntax errors
    /// come in option order). Every holder is accepted here; unknown ones are reported by
    /// [`Query::check_columns`] after the scan, as lsns does. The string is what the
    /// filter's scanner echoes to stdout (characters outside the language), also on failure.
    pub(crate) fn parse(expr: &str) -> (Result<Query>, String) {
        let (filter, echo) = Filter::parse_unresolved(expr);
        let query = filter.map(|filter| Query { holders: filter.holder_occurrences().to_vec(), filter });
        (query, echo)
    }

    /// A query with these holders whose expression accepts every line (for tests of the
    /// code around the filter).
    #[cfg(test)]
    pub(crate) fn accepting(holders: &[&str]) -> Query {
        Query {
            filter: Filter::parse_unresolved("").0.expect("empty filter"),
            holders: holders.iter().map(|h| h.to_string()).collect(),
        }
    }

    /// Holder names as written, in order (duplicates kept).
    pub(crate) fn holders(&self) -> &[String] {
        &self.holders
    }

    /// Does a holder spelled exactly `name` occur?
    pub(crate) fn has_holder(&self, name: &str) -> bool {
        self.holders.iter().any(|h| h == name)
    }

    /// lsns's `init_scols_filter`: each holder must name a column; one that is not shown
    /// (compared exactly, as libsmartcols finds columns by name) becomes a hidden column,
    /// named canonically,
    /// counted against the limit of `max` columns. `shown` is the visible header list.
    pub(crate) fn check_columns(
        &mut self,
        shown: &[&str],
        canonical: &dyn Fn(&str) -> Option<&'static str>,
        max: usize,
    ) -> Result<()> {
        let mut names: Vec<String> = shown.iter().map(|s| s.to_string()).collect();
        let mut errors = Vec::new();
        for holder in &self.holders {
            let Some(name) = canonical(holder) else {
                errors.push(Error::tr("unknown column: %s", vec![MsgArg::str(holder)]));
                continue;
            };
            if names.iter().any(|n| n == holder) {
                continue;
            }
            if names.len() >= max {
                errors.push(Error::tr(
                    "too many columns specified, the limit is %zu columns",
                    vec![MsgArg::Uint((max - 1) as u64)],
                ));
                return Err(Error::Chain(errors));
            }
            // The hidden column is named as lsns's table names it, not as written.
            names.push(name.to_string());
        }
        if errors.is_empty() {
            return self.filter.resolve(&|name| Col::from_name(name).map(|c| c.column().spec));
        }
        errors.push(Error::tr("failed to initialize filter", vec![]));
        Err(Error::Chain(errors))
    }

    /// Does the line whose column values `value` gives (by column name) pass? A value the
    /// expression cannot compare is `failed to apply filter: <errno>`; `errno` is C's errno
    /// as lsns would have it when the filter is applied (see [`Filter::apply`]).
    ///
    /// Before [`Query::check_columns`] no holder has a column: lsns lists a namespace's
    /// processes so, and an expression that names no column still works there.
    pub(crate) fn matches(&self, value: &dyn Fn(&str) -> Option<String>, errno: &mut i32) -> Result<bool> {
        self.filter.apply(value, errno)
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
        let mut q = query(&["FOO", "NS", "FOO", "bar"]);
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
        let mut q = query(&["NS", "ns", "Ns", "TYPE", "type", "Type"]);
        assert_eq!(
            q.check_columns(&shown, &canonical, 26),
            Err(Error::Chain(vec![Error::msg("too many columns specified, the limit is 25 columns")]))
        );
        assert_eq!(query(&["ns", "NS", "PID"]).check_columns(&["NS"; 20], &canonical, 26), Ok(()));
    }
}
