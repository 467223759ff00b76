//! nscore: the one library behind runshare, rnsenter and rlsns. It names the namespace kinds,
//! reads `/proc` through a root path, asks the kernel about namespaces (ioctl_ns(2)), performs
//! unshare(2)/setns(2), id maps and mounts, and prints util-linux compatible output.
//!
//! Every `unsafe` block and raw system call is in [`sys`].
//!
//! The layers, each using only those below it (docs/design.md has the whole picture):
//!
//! ```text
//! tool                         the app layer: argv -> a tool's main -> stdout/stderr, exit status
//! unshare  enter  lsns         the three tools: their arguments, steps and scans
//! cli  output  catalog         getopt and option tables; the column model and renderers; messages
//! proc  nstype  number  ...    /proc through a root path; the kind table; C number parsing
//! sys                          the one door to the kernel and libc
//! ```
// The API docs are built with private items (`.ci/run`): they are for who works on rns, and
// public items may point at the private ones that explain them.
#![allow(rustdoc::private_intra_doc_links)]

pub mod byte_text;
pub(crate) mod catalog;
pub mod cli;
pub mod enter;
pub(crate) mod error;
pub(crate) mod exec;
pub mod lsns;
pub mod nstype;
pub mod number;
pub mod output;
pub mod parallel;
pub mod proc;
pub(crate) mod stderr;
#[allow(unsafe_code)]
pub mod sys;
pub mod tool;
pub mod unshare;

pub use error::{Error, Result};
