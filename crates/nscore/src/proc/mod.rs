//! `/proc` read through a root path ([`ProcFs`]), so fixture trees can stand in for the live
//! one; pure parsers beside the reader.

use std::path::{Path, PathBuf};

/// A procfs mount, by its root path (`/proc` on a live system).
#[derive(Debug, Clone)]
pub struct ProcFs {
    root: PathBuf,
}

impl ProcFs {
    pub fn new(root: impl Into<PathBuf>) -> ProcFs {
        ProcFs { root: root.into() }
    }

    /// The live `/proc`.
    pub fn live() -> ProcFs {
        ProcFs::new("/proc")
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
}
