//! The one integration-test binary: every tool run as a child process against the real
//! kernel (a test process has threads, and unshare(2) of a user namespace or setns(2) into
//! one refuses threaded callers), compared with util-linux where it is installed.

// Test code: a panic (unwrap, expect, assert, panic!) is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

mod all_mounts;
mod contents;
mod docs;
mod examples;
mod extras;
mod hostile_container;
mod hostile_env;
mod hostile_fds;
mod hostile_filter;
mod hostile_locale;
mod hostile_netlink;
mod hostile_proc;
mod hostile_stdio;
mod inside;
mod l10n;
mod lsns;
mod no_pidfd;
mod nsenter;
mod own_name;
mod races;
mod reaping;
mod reliability;
mod scale;
mod unshare;
