//! What runshare's option loop asks of the system while it parses ([`IdSource`]): our ids,
//! user and group names, id files and environment variables; and the `--map-user`/`--map-group`
//! argument, a number or a name.

use crate::byte_text::{carried_bytes, carry_bytes};
use crate::error::{Error, MsgArg, Result};
use crate::number::parse_unsigned;
use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

/// The ids and files the option loop consults (unshare resolves names and sub-id ranges while
/// it parses, so their errors come in option order).
pub trait IdSource {
    fn euid(&self) -> u32;
    fn egid(&self) -> u32;
    /// The contents of `/etc/subuid`, `/proc/self/uid_map`...
    fn read(&self, path: &str) -> std::io::Result<String>;
    /// The uid of a user name, as getpwnam(3) answers through NSS (so `root` and `nobody`
    /// exist even without a line in /etc/passwd where nss-systemd is configured).
    fn uid_of(&self, name: &str) -> Option<u32>;
    /// The gid of a group name, as getgrnam(3) answers.
    fn gid_of(&self, name: &str) -> Option<u32>;
    /// The name of a uid, as getpwuid(3) answers.
    fn user_name(&self, uid: u32) -> Option<String>;
    /// Our environment variable `name`, as getenv(3) finds it (`--whitelist-env`).
    fn var(&self, name: &OsStr) -> Option<OsString> {
        getenv(std::env::vars_os(), name)
    }
}

/// getenv(3) over `vars`: the value of the first entry that starts with `name=`. A name with
/// `=` in it can match too (`A=B` finds `A=B=C`), as in glibc; setting it later fails.
pub(crate) fn getenv(vars: impl IntoIterator<Item = (OsString, OsString)>, name: &OsStr) -> Option<OsString> {
    if name.is_empty() {
        return None;
    }
    vars.into_iter().find_map(|(key, value)| {
        let mut entry = key.into_vec();
        entry.push(b'=');
        entry.extend_from_slice(value.as_bytes());
        let rest = entry.strip_prefix(name.as_bytes())?.strip_prefix(b"=")?;
        Some(OsString::from_vec(rest.to_vec()))
    })
}

/// `--whitelist-env LIST`: the names between commas (empty ones skipped), each with its
/// current value if it is set.
pub(crate) fn whitelisted(ids: &dyn IdSource, list: &OsStr) -> Vec<(OsString, OsString)> {
    list.as_bytes()
        .split(|&b| b == b',')
        .filter(|name| !name.is_empty())
        .filter_map(|name| {
            let name = OsStr::from_bytes(name);
            ids.var(name).map(|value| (name.to_os_string(), value))
        })
        .collect()
}

/// The live system.
pub(crate) struct LiveIds;

impl IdSource for LiveIds {
    fn euid(&self) -> u32 {
        crate::sys::process::ids().0
    }

    fn egid(&self) -> u32 {
        crate::sys::process::ids().1
    }

    // Names and files travel as carried text (`byte_text::carry_bytes`): a name that is not
    // UTF-8 is looked up, and matched in /etc/subuid, byte for byte as util-linux does.
    fn read(&self, path: &str) -> std::io::Result<String> {
        std::fs::read(path).map(|b| carry_bytes(&b))
    }

    fn uid_of(&self, name: &str) -> Option<u32> {
        crate::sys::passwd::uid_of(&carried_bytes(name))
    }

    fn gid_of(&self, name: &str) -> Option<u32> {
        crate::sys::passwd::gid_of(&carried_bytes(name))
    }

    fn user_name(&self, uid: u32) -> Option<String> {
        crate::sys::passwd::user_name(uid).ok().flatten().map(|name| carry_bytes(&name))
    }
}

/// A fixed system for tests and fuzz targets that run the option loop: alice (uid 1000, gid 100)
/// runs it; the users are root and alice, the groups root and users; alice owns 100000-165535 in
/// /etc/subuid and /etc/subgid; our id maps are the initial namespace's; the environment holds
/// HOME, TERM, an empty EMPTY and `A=B` (a name with `=`, as glibc's getenv sees it).
#[cfg(any(test, feature = "testing"))]
pub struct FakeIds;

#[cfg(any(test, feature = "testing"))]
impl FakeIds {
    const USERS: [(&'static str, u32); 2] = [("root", 0), ("alice", 1000)];
    const GROUPS: [(&'static str, u32); 2] = [("root", 0), ("users", 100)];
}

#[cfg(any(test, feature = "testing"))]
impl IdSource for FakeIds {
    fn euid(&self) -> u32 {
        1000
    }

    fn egid(&self) -> u32 {
        100
    }

    fn read(&self, path: &str) -> std::io::Result<String> {
        match path {
            "/etc/subuid" | "/etc/subgid" => Ok("alice:100000:65536\n".into()),
            "/proc/self/uid_map" | "/proc/self/gid_map" => Ok("         0          0 4294967295\n".into()),
            _ => Err(std::io::Error::from_raw_os_error(libc::ENOENT)),
        }
    }

    fn uid_of(&self, name: &str) -> Option<u32> {
        Self::USERS.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
    }

    fn gid_of(&self, name: &str) -> Option<u32> {
        Self::GROUPS.iter().find(|(n, _)| *n == name).map(|(_, id)| *id)
    }

    fn user_name(&self, uid: u32) -> Option<String> {
        Self::USERS.iter().find(|(_, id)| *id == uid).map(|(n, _)| n.to_string())
    }

    fn var(&self, name: &OsStr) -> Option<OsString> {
        let env = [("HOME", "/home/alice"), ("TERM", "xterm"), ("A=B", "x"), ("EMPTY", "")];
        getenv(env.iter().map(|(k, v)| (OsString::from(k), OsString::from(v))), name)
    }
}

/// An option's value as carried text: its bytes kept even when they are not UTF-8.
pub(crate) fn carried_value(value: &Option<OsString>) -> String {
    carry_bytes(value.as_deref().map_or(&[][..], OsStr::as_bytes))
}

/// `--map-user`/`--map-group`: a number (even without an entry) or a name; 4294967295 is
/// util-linux's "unset" and never an id. `msgid` is util-linux's message when it is neither,
/// `_("failed to parse uid '%s'")` or the gid's.
pub(crate) fn user_or_group(s: &str, by_name: impl FnOnce() -> Option<u32>, msgid: &'static str) -> Result<u32> {
    let fail = || Error::tr(msgid, vec![MsgArg::str(s)]);
    match parse_unsigned(s, msgid) {
        Ok(n) if n < u64::from(u32::MAX) => return Ok(n as u32),
        Ok(_) | Err(Error::Msg { errno: Some(_), .. }) => return Err(fail()),
        Err(_) => {}
    }
    by_name().filter(|&id| id != u32::MAX).ok_or_else(fail)
}
