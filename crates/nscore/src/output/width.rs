//! Column widths for the aligned table, as libsmartcols 2.42 computes them: each column starts
//! at the width of its widest cell (never less than its header), a width hint pads it only when
//! the data is wider than the header; on a terminal, truncatable columns give cells back when
//! the table is too wide, and columns with an absolute hint grow to it when there is room.

use super::ColumnSpec;

/// What the width calculation needs to know about one column.
#[derive(Debug, Clone)]
pub(super) struct ColumnStats<'a> {
    pub spec: &'a ColumnSpec,
    /// Width of the header text; `None` without headings.
    pub header: Option<usize>,
    /// Width of each line's cell (tree glyphs included, widest chunk of a multi-line cell),
    /// in the table's line order.
    pub cells: Vec<usize>,
    /// Widest tree-glyph prefix (tree column only).
    pub tree_art: usize,
    pub is_tree: bool,
    /// SCOLS_FL_TRUNC after `-u`.
    pub truncate: bool,
}

#[derive(Debug, Clone, Default)]
struct Column {
    width: usize,
    min: usize,
    max: usize,
    avg: f64,
    deviation: f64,
    hint: f64,
    is_trunc: bool,
    is_tree: bool,
    is_right: bool,
    tree_art: usize,
    hidden: bool,
}

/// libsmartcols's square root (Newton's method iterated to a fixed point); kept so that columns
/// with equal statistics sort the same way.
fn newton_sqrt(num: f64) -> f64 {
    let mut tmp = 0.0;
    let mut sq = num / 2.0;
    while sq != tmp {
        tmp = sq;
        sq = (num / tmp + tmp) / 2.0;
    }
    sq
}

fn initial_width(stats: &ColumnStats) -> Column {
    let spec = stats.spec;
    let mut min = stats.header.unwrap_or(0);
    if min == 0 {
        min = 1;
    }
    let max = stats.cells.iter().copied().max().unwrap_or(0);
    let hint = spec.width_hint;
    let mut width = max;
    if width <= min {
        width = min;
    } else if hint >= 1.0 && width < hint as usize && min < hint as usize {
        width = hint as usize;
    }
    if max == 0 && stats.header.is_none() && min == 1 && width <= 1 {
        width = 0;
        min = 0;
    }
    let n = stats.cells.len();
    let mut avg = 0.0;
    let mut deviation = 0.0;
    if n > 0 {
        avg = stats.cells.iter().sum::<usize>() as f64 / n as f64;
    }
    if n > 1 {
        let sqr_sum: f64 = stats.cells.iter().map(|&w| (w as f64 - avg) * (w as f64 - avg)).sum();
        deviation = newton_sqrt(sqr_sum / (n - 1) as f64);
    }
    Column {
        width,
        min,
        max,
        avg,
        deviation,
        hint,
        // A multi-line column wraps on its own newlines, so it is never cut to fit (and with
        // -W it is no multi-line column at all).
        is_trunc: stats.truncate,
        is_tree: stats.is_tree,
        is_right: spec.right && !stats.is_tree,
        tree_art: stats.tree_art,
        hidden: false,
    }
}

/// Brings one column closer to `avg + deviation` (the width that covers ~68% of its cells).
fn reduce_to_68(cl: &mut Column, wanted: usize) {
    if cl.deviation < 1.0 {
        return;
    }
    let mut new = (cl.avg + cl.deviation) as usize;
    if new < cl.min {
        new = cl.min;
    } else if new > cl.max {
        new = cl.max;
    }
    if new >= cl.width {
        return;
    }
    if cl.width - new > wanted {
        cl.width -= wanted;
    } else {
        cl.width = new;
    }
}

enum Reduced {
    Fits,
    Continue,
}

fn reduce_column(cl: &mut Column, total: &mut usize, outwidth: usize, stage: u32, nth: usize) -> Reduced {
    if outwidth >= *total {
        return Reduced::Fits;
    }
    if cl.hidden || cl.width == cl.min || cl.width == 0 || (cl.is_tree && *total <= cl.tree_art) {
        return Reduced::Continue;
    }
    let before = cl.width;
    let wanted = *total - outwidth;
    let large_deviation = |limit: f64| cl.deviation >= cl.avg / limit;
    match stage {
        0 => {
            if cl.is_trunc && nth == 0 {
                reduce_to_68(cl, wanted);
            }
        }
        // Stages 1 and 2 only touch "noextremes" columns, which no rns column is.
        1 | 2 => {}
        3 | 4 => {
            let relative_hint = cl.hint > 0.0 && cl.hint < 1.0;
            if (stage == 4 || large_deviation(2.0))
                && cl.is_trunc
                && relative_hint
                && cl.width >= (cl.hint * outwidth as f64) as usize
            {
                reduce_to_68(cl, wanted);
            }
        }
        _ => {
            if (stage == 6 || large_deviation(2.2)) && cl.is_trunc {
                let mut reduce = if nth == 0 { wanted.min(3) } else { 1 };
                reduce = reduce.min(cl.width);
                if cl.width - reduce > cl.min {
                    cl.width -= reduce;
                } else {
                    cl.width = cl.min;
                }
            }
        }
    }
    if cl.width == 0 {
        cl.hidden = true;
    }
    *total -= before - cl.width;
    Reduced::Continue
}

/// Final width of every column; `hidden[i]` tells the printer to skip a column that was
/// reduced to nothing. `term_width` is `None` on a pipe.
pub(super) fn column_widths(stats: &[ColumnStats], term_width: Option<usize>) -> (Vec<usize>, Vec<bool>) {
    const SEP: usize = 1;
    let mut cols: Vec<Column> = stats.iter().map(initial_width).collect();
    let n = cols.len();
    let mut total: usize = cols.iter().map(|c| c.width).sum::<usize>() + n.saturating_sub(1) * SEP;

    if let Some(outwidth) = term_width {
        // Worst (widest, most varying) columns are reduced first: sort ascending by
        // avg + 3 * deviation (stable) and walk the order backwards.
        let mut by_deviation: Vec<usize> = (0..n).collect();
        let score = |c: &Column| c.avg + 3.0 * c.deviation;
        by_deviation
            .sort_by(|&a, &b| score(&cols[a]).partial_cmp(&score(&cols[b])).unwrap_or(std::cmp::Ordering::Equal));

        let mut stage = 0;
        let sorted = total > outwidth;
        'reduce: while total > outwidth {
            if stage > 6 {
                break;
            }
            let before = total;
            for (nth, &i) in by_deviation.iter().rev().enumerate() {
                if total <= outwidth {
                    break;
                }
                if let Reduced::Fits = reduce_column(&mut cols[i], &mut total, outwidth, stage, nth) {
                    break 'reduce;
                }
            }
            if before == total {
                stage += 1;
            }
        }

        if total < outwidth {
            // Columns with an absolute hint grow back to it, one cell per round, walking the
            // columns backwards (in deviation order if the reduction sorted them).
            let order: Vec<usize> =
                if sorted { by_deviation.iter().rev().copied().collect() } else { (0..n).rev().collect() };
            'grow: while total < outwidth {
                let mut changed = false;
                for &i in &order {
                    let cl = &mut cols[i];
                    if cl.hidden || cl.hint < 1.0 || cl.width >= cl.hint as usize {
                        continue;
                    }
                    cl.width += 1;
                    total += 1;
                    changed = true;
                    if total == outwidth {
                        break 'grow;
                    }
                }
                if !changed {
                    break;
                }
            }
            // The last column takes the rest unless right-aligned; that is invisible, as the
            // last column is never padded on the right.
            if total < outwidth {
                if let Some(last) = cols.last_mut() {
                    if !last.is_right {
                        last.width += outwidth - total;
                    }
                }
            }
        }
    }
    (cols.iter().map(|c| c.width).collect(), cols.iter().map(|c| c.hidden).collect())
}
