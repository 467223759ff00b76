//! The shape of a table's lines as libsmartcols walks them: roots in insertion order, each
//! followed depth-first by its children in insertion order; and the tree glyphs drawn in front
//! of a tree column's cells.

use super::{Charset, Table};

/// Parent/children links of a table's lines. Without a tree column every line is a root and
/// the walk is the insertion order.
#[derive(Debug, Clone)]
pub(super) struct Forest {
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    /// Lines in print order.
    pub order: Vec<usize>,
}

impl Forest {
    pub(crate) fn new(table: &Table) -> Forest {
        let n = table.lines.len();
        let is_tree = table.is_tree();
        let mut parent = vec![None; n];
        let mut children = vec![Vec::new(); n];
        for (id, line) in table.lines.iter().enumerate() {
            // A parent has to exist before its children, as in libsmartcols.
            if let Some(p) = line.parent.filter(|&p| is_tree && p < id) {
                parent[id] = Some(p);
                children[p].push(id);
            }
        }
        let mut order = Vec::with_capacity(n);
        let mut stack: Vec<usize> = (0..n).filter(|&id| parent[id].is_none()).rev().collect();
        while let Some(id) = stack.pop() {
            order.push(id);
            stack.extend(children[id].iter().rev());
        }
        Forest { parent, children, order }
    }

    pub(crate) fn parent(&self, id: usize) -> Option<usize> {
        self.parent[id]
    }

    pub(crate) fn has_children(&self, id: usize) -> bool {
        !self.children[id].is_empty()
    }

    pub(crate) fn is_last_child(&self, id: usize) -> bool {
        self.parent[id].is_some_and(|p| self.children[p].last() == Some(&id))
    }

    /// The last line without a parent, in insertion order.
    pub(crate) fn last_root(&self) -> Option<usize> {
        (0..self.parent.len()).rev().find(|&id| self.parent[id].is_none())
    }

    /// Glyphs for the ancestors of `id` below the roots, outermost first: `│ ` where an
    /// ancestor has later siblings, blanks where it was the last child.
    fn ancestors_art(&self, id: usize, glyphs: &Glyphs, out: &mut String) {
        if let Some(p) = self.parent[id] {
            self.ancestors_art(p, glyphs, out);
            out.push_str(if self.is_last_child(id) { "  " } else { glyphs.vertical });
        }
    }

    /// What precedes the cell of `id` in the tree column: `├─`/`└─` after its ancestors' art.
    pub(crate) fn branch_art(&self, id: usize, glyphs: &Glyphs) -> String {
        let mut art = String::new();
        if let Some(p) = self.parent[id] {
            self.ancestors_art(p, glyphs, &mut art);
            art.push_str(if self.is_last_child(id) { glyphs.last } else { glyphs.branch });
        }
        art
    }

    /// The tree column on a continuation row of a multi-line line: the line's own level
    /// continues, and a `│ ` leads to its children.
    pub(crate) fn continuation_art(&self, id: usize, glyphs: &Glyphs) -> String {
        let mut art = String::new();
        self.ancestors_art(id, glyphs, &mut art);
        if self.has_children(id) {
            art.push_str(glyphs.vertical);
        }
        art
    }
}

/// Tree glyphs of a character set.
pub(super) struct Glyphs {
    pub branch: &'static str,
    pub vertical: &'static str,
    pub last: &'static str,
}

impl Glyphs {
    pub(crate) fn of(charset: Charset) -> Glyphs {
        match charset {
            Charset::Utf8 => Glyphs { branch: "\u{251c}\u{2500}", vertical: "\u{2502} ", last: "\u{2514}\u{2500}" },
            Charset::Ascii | Charset::Locale => Glyphs { branch: "|-", vertical: "| ", last: "`-" },
        }
    }
}
