//! Which container is a process in? Read from `/proc/PID/cgroup` (cgroups(7)): container
//! runtimes put each container in a cgroup whose path names the runtime and the container
//! (`/docker/<id>`, `docker-<id>.scope`, `lxc.payload.<name>`, ...). No runtime socket or
//! command is asked, so the answer is what the kernel shows, for any runtime that names its
//! cgroups the usual way.
//!
//! The path shapes recognised (v1 lines and the v2 `0::` line alike; the deepest matching
//! component wins, so a container nested in another is reported as the inner one):
//!
//! | runtime | cgroupfs driver | systemd driver |
//! |---|---|---|
//! | docker | `/docker/<id>` | `docker-<id>.scope` |
//! | containerd (CRI) | `/kubepods/<qos>/pod<uid>/<id>` (as `k8s`) | `cri-containerd-<id>.scope` |
//! | CRI-O | `crio-<id>` | `crio-<id>.scope` (`crio-conmon-<id>.scope` is its monitor) |
//! | podman | `/libpod_parent/libpod-<id>` | `libpod-<id>.scope[/container]` (`libpod-conmon-<id>.scope` is its monitor) |
//! | LXC, LXD | `/lxc/<name>`, `/lxc.payload/<name>` | `lxc.payload.<name>` (`lxc.monitor.<name>` is its monitor) |
//! | systemd-nspawn | | `machine.slice/machine-<name>.scope`, `systemd-nspawn@<name>.service` (`…/supervisor` is nspawn itself) |
//!
//! A Kubernetes pod (a `kubepods` path with `pod<uid>` or `kubepods-…-pod<uid>.slice`) adds its
//! pod uid; a container in a pod whose runtime the path does not name is reported as `k8s`.
//! Ids are 64 lowercase hex digits. Monitors (conmon, lxc monitor, the nspawn supervisor) run
//! beside a container, not in it, and are reported as no container.

use super::ProcFs;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// A container runtime, as named by its cgroups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Runtime {
    Docker,
    Containerd,
    Crio,
    Podman,
    Lxc,
    Nspawn,
    /// A Kubernetes pod's container whose runtime the cgroup path does not name.
    Kubernetes,
}

impl Runtime {
    pub(crate) const ALL: [Runtime; 7] = [
        Runtime::Docker,
        Runtime::Containerd,
        Runtime::Crio,
        Runtime::Podman,
        Runtime::Lxc,
        Runtime::Nspawn,
        Runtime::Kubernetes,
    ];

    /// The name printed and accepted in `RUNTIME:ID`.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Runtime::Docker => "docker",
            Runtime::Containerd => "containerd",
            Runtime::Crio => "crio",
            Runtime::Podman => "podman",
            Runtime::Lxc => "lxc",
            Runtime::Nspawn => "nspawn",
            Runtime::Kubernetes => "k8s",
        }
    }

    /// [`Runtime::name`] or one of its other common names (`cri-o`, `libpod`, `lxd`,
    /// `systemd-nspawn`, `machine`, `kubernetes`), case-insensitively.
    pub(crate) fn from_name(name: &str) -> Option<Runtime> {
        let name = name.to_ascii_lowercase();
        let alias = match name.as_str() {
            "cri-containerd" => Some(Runtime::Containerd),
            "cri-o" => Some(Runtime::Crio),
            "libpod" => Some(Runtime::Podman),
            "lxd" => Some(Runtime::Lxc),
            "systemd-nspawn" | "machine" => Some(Runtime::Nspawn),
            "kubernetes" | "kube" => Some(Runtime::Kubernetes),
            _ => None,
        };
        alias.or_else(|| Runtime::ALL.into_iter().find(|r| r.name() == name))
    }

    /// Whether its containers are named by 64-hex-digit ids (shown shortened) rather than names.
    fn has_hex_ids(self) -> bool {
        !matches!(self, Runtime::Lxc | Runtime::Nspawn)
    }
}

/// The names of [`Runtime::ALL`], as `RUNTIME:ID` spells them (what completion scripts offer
/// before a container's id).
pub const RUNTIME_NAMES: [&str; Runtime::ALL.len()] = {
    let mut names = [""; Runtime::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = Runtime::ALL[i].name();
        i += 1;
    }
    names
};

/// A container a process is in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Container {
    pub runtime: Runtime,
    /// The 64-hex-digit id, or the name (LXC, nspawn).
    pub id: String,
    /// The Kubernetes pod uid (with dashes), when the container is in a pod.
    pub pod: Option<String>,
}

/// How many hex digits of an id are shown, as `docker ps` does.
pub(crate) const SHORT_ID_LEN: usize = 12;

impl Container {
    /// `RUNTIME:ID` with a hex id shortened to 12 digits (`docker:3f2a9c4b5d6e`), a name in full.
    pub fn short(&self) -> String {
        let id = if self.runtime.has_hex_ids() { self.id.get(..SHORT_ID_LEN).unwrap_or(&self.id) } else { &self.id };
        format!("{}:{id}", self.runtime.name())
    }
}

impl fmt::Display for Container {
    /// `RUNTIME:ID` in full.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.runtime.name(), self.id)
    }
}

/// The container of the process whose `/proc/PID/cgroup` is `text`, or `None` on the host
/// (or in a monitor beside a container). The first line (hierarchy) that names a container
/// decides.
pub fn from_cgroup(text: &str) -> Option<Container> {
    text.lines().find_map(|line| {
        let mut fields = line.splitn(3, ':');
        let (_id, _controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
        from_path(path)
    })
}

/// What one path component says.
enum Component {
    Container(Runtime, String),
    /// A runtime's monitor process, beside the container: not in it.
    Monitor,
    Other,
}

/// The container a cgroup path names: the deepest component that names one.
pub fn from_path(path: &str) -> Option<Container> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let pod = pod_uid(&parts);
    for i in (0..parts.len()).rev() {
        let parent = i.checked_sub(1).map(|p| parts[p]);
        match component(parts[i], parent, parts.get(i + 1).copied(), pod.is_some()) {
            Component::Container(runtime, id) => return Some(Container { runtime, id, pod }),
            Component::Monitor => return None,
            Component::Other => {}
        }
    }
    None
}

/// Every container a cgroup path names, outermost first: the last is [`from_path`]'s, the ones
/// before it hold it (docker in docker). A container may create cgroups inside its own and
/// name them like any other container: only the outer ones say where a process really is.
pub fn chain_of_path(path: &str) -> Vec<Container> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let pod = pod_uid(&parts);
    let mut chain = Vec::new();
    for i in 0..parts.len() {
        let parent = i.checked_sub(1).map(|p| parts[p]);
        if let Component::Container(runtime, id) = component(parts[i], parent, parts.get(i + 1).copied(), pod.is_some())
        {
            chain.push(Container { runtime, id, pod: pod.clone() });
        }
    }
    chain
}

/// The containers around the one a process's `/proc/PID/cgroup` names (see [`chain_of_path`]).
fn outer_containers(text: &str) -> Option<Vec<Container>> {
    text.lines().find_map(|line| {
        let mut fields = line.splitn(3, ':');
        let (_id, _controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
        from_path(path)?;
        let mut chain = chain_of_path(path);
        chain.pop();
        Some(chain)
    })
}

fn component(part: &str, parent: Option<&str>, child: Option<&str>, in_pod: bool) -> Component {
    use Component::{Container as C, Monitor, Other};
    let hex = |id: &str| is_container_id(id).then(|| id.to_string());
    if let Some(unit) = part.strip_suffix(".scope") {
        if unit.starts_with("crio-conmon-") || unit.starts_with("libpod-conmon-") {
            return Monitor;
        }
        let prefixed = [
            ("docker-", Runtime::Docker),
            ("cri-containerd-", Runtime::Containerd),
            ("crio-", Runtime::Crio),
            ("libpod-", Runtime::Podman),
        ];
        for (prefix, runtime) in prefixed {
            if let Some(id) = unit.strip_prefix(prefix).and_then(hex) {
                return C(runtime, id);
            }
        }
        if let (Some(name), Some("machine.slice")) = (unit.strip_prefix("machine-"), parent) {
            return nspawn(name, child);
        }
        return Other;
    }
    if let Some(name) = part.strip_prefix("systemd-nspawn@").and_then(|n| n.strip_suffix(".service")) {
        return nspawn(name, child);
    }
    if part == "conmon" || part.starts_with("lxc.monitor") {
        return Monitor;
    }
    if let Some(name) = part.strip_prefix("lxc.payload.").filter(|n| !n.is_empty()) {
        return C(Runtime::Lxc, name.to_string());
    }
    if matches!(parent, Some("lxc" | "lxc.payload")) {
        return C(Runtime::Lxc, part.to_string());
    }
    if let Some(id) = part.strip_prefix("libpod-").and_then(hex) {
        return C(Runtime::Podman, id);
    }
    if let Some(id) = part.strip_prefix("crio-").and_then(hex) {
        return C(Runtime::Crio, id);
    }
    if let Some(id) = hex(part) {
        if parent == Some("docker") {
            return C(Runtime::Docker, id);
        }
        if in_pod && parent.is_some_and(|p| pod_of_component(p).is_some()) {
            return C(Runtime::Kubernetes, id);
        }
    }
    Other
}

/// An nspawn machine, unless this is its supervisor's cgroup.
fn nspawn(escaped: &str, child: Option<&str>) -> Component {
    if child == Some("supervisor") {
        return Component::Monitor;
    }
    let name = unescape_unit(escaped);
    if name.is_empty() {
        return Component::Other;
    }
    Component::Container(Runtime::Nspawn, name)
}

/// 64 lowercase hex digits, as docker, containerd, CRI-O and podman name containers.
pub(crate) fn is_container_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The pod uid of a path under `kubepods`: `pod<uid>` (cgroupfs) or
/// `kubepods-<qos>-pod<uid_with_underscores>.slice` (systemd), with dashes.
fn pod_uid(parts: &[&str]) -> Option<String> {
    if !parts.iter().any(|p| p.starts_with("kubepods")) {
        return None;
    }
    parts.iter().rev().find_map(|p| pod_of_component(p))
}

fn pod_of_component(part: &str) -> Option<String> {
    let uid = match part.strip_suffix(".slice") {
        Some(slice) => slice.rsplit_once("-pod").filter(|(head, _)| head.starts_with("kubepods"))?.1,
        None => part.strip_prefix("pod")?,
    };
    let uid = uid.replace('_', "-");
    (uid.len() >= 8 && uid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')).then_some(uid)
}

/// systemd's unit name escaping undone: `\x2d` is `-`.
fn unescape_unit(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex =
            b.get(i + 2..i + 4).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b[i], b.get(i + 1), hex) {
            (b'\\', Some(b'x'), Some(byte)) => {
                out.push(byte);
                i += 4;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `RUNTIME:ID-PREFIX` as rnsenter's `--target` takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerSpec {
    pub runtime: Runtime,
    pub prefix: String,
    /// The argument as given, for messages.
    pub text: String,
}

impl ContainerSpec {
    /// `Some` when the part before the first `:` is a runtime name ([`Runtime::from_name`]);
    /// anything else (`1234`, `1234:4026531836`, `abc`) is not a container and keeps
    /// util-linux's meaning.
    pub fn parse(arg: &str) -> Option<ContainerSpec> {
        let (runtime, prefix) = arg.split_once(':')?;
        let runtime = Runtime::from_name(runtime)?;
        Some(ContainerSpec { runtime, prefix: prefix.to_string(), text: arg.to_string() })
    }

    /// Whether `c` is meant: same runtime (`k8s` means any container in a pod) and an id that
    /// starts with the prefix.
    pub fn matches(&self, c: &Container) -> bool {
        let runtime = match self.runtime {
            Runtime::Kubernetes => c.pod.is_some(),
            r => c.runtime == r,
        };
        runtime && c.id.starts_with(&self.prefix)
    }
}

/// A process seen in a container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member {
    pub pid: i32,
    pub ppid: i32,
    /// Start time in clock ticks after boot (`/proc/PID/stat` field 22).
    pub start: u64,
}

/// Why a [`ContainerSpec`] found no single container (rnsenter words it:
/// [`crate::enter::args::unresolved_message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    None,
    /// The containers that matched, sorted.
    Several(Vec<Container>),
    /// Processes under one name sit inside different containers (or some on the host): a
    /// container gave cgroups of its own another container's name. Each place is the list of
    /// containers around (empty: the host).
    Nested(Container, Vec<Vec<Container>>),
}

/// The processes of every container that `spec` matches, by container.
pub(crate) fn members(procfs: &ProcFs, spec: &ContainerSpec) -> BTreeMap<Container, Vec<Member>> {
    let mut found: BTreeMap<Container, Vec<Member>> = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(procfs.root()) else { return found };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.parse::<i32>().ok()) else { continue };
        // A process gone while we read is simply not a member.
        let Some(cgroup) = read_carried(&entry.path().join("cgroup")) else { continue };
        let Some(container) = from_cgroup(&cgroup).filter(|c| spec.matches(c)) else { continue };
        let Some(member) = read_carried(&entry.path().join("stat")).and_then(|s| parse_member(&s)) else {
            continue;
        };
        if member.pid == pid {
            found.entry(container).or_default().push(member);
        }
    }
    found
}

/// A `/proc/PID` file as text, its bytes carried as they are: a cgroup path or a command name
/// that is not UTF-8 still names its container (a process is not skipped for it).
pub(crate) fn read_carried(path: &std::path::Path) -> Option<String> {
    std::fs::read(path).ok().map(|bytes| crate::byte_text::carry_bytes(&bytes))
}

/// pid, ppid and start time from a `/proc/PID/stat` line (the command, in parentheses, may
/// hold anything: the fields are counted after its last `)`).
pub(crate) fn parse_member(stat: &str) -> Option<Member> {
    let open = stat.find(" (")?;
    let pid = stat[..open].trim().parse().ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_ascii_whitespace().collect();
    Some(Member { pid, ppid: fields.get(1)?.parse().ok()?, start: fields.get(19)?.parse().ok()? })
}

/// The one container `spec` names (an id equal to the prefix beats longer ones) and its init:
/// the oldest of its processes whose parent is outside it (the lowest pid on a tie).
pub(crate) fn resolve(
    found: BTreeMap<Container, Vec<Member>>,
    spec: &ContainerSpec,
) -> Result<(Container, i32), Unresolved> {
    let mut found: Vec<(Container, Vec<Member>)> = found.into_iter().collect();
    if let Some(exact) = found.iter().position(|(c, _)| c.id == spec.prefix) {
        found = vec![found.swap_remove(exact)];
    }
    if found.len() > 1 {
        return Err(Unresolved::Several(found.into_iter().map(|(c, _)| c).collect()));
    }
    match found.pop() {
        None => Err(Unresolved::None),
        Some((container, members)) => {
            let inside = |pid: i32| members.iter().any(|m| m.pid == pid);
            let init = members
                .iter()
                .filter(|m| !inside(m.ppid))
                .min_by_key(|m| (m.start, m.pid))
                .or_else(|| members.iter().min_by_key(|m| m.pid))
                .map(|m| m.pid)
                .ok_or(Unresolved::None)?;
            Ok((container, init))
        }
    }
}

/// The init process of the container `spec` names, from the processes of `procfs`.
pub fn find_init(procfs: &ProcFs, spec: &ContainerSpec) -> Result<i32, Unresolved> {
    let found = members(procfs, spec);
    let places_of = |container: &Container| -> BTreeSet<Vec<Container>> {
        let pids = found.get(container).map(Vec::as_slice).unwrap_or_default();
        pids.iter()
            .filter_map(|m| read_carried(&procfs.root().join(format!("{}/cgroup", m.pid))))
            .filter_map(|text| outer_containers(&text))
            .collect()
    };
    let (container, pid) = resolve(found.clone(), spec)?;
    // One name in two places is one container impersonating another: enter neither.
    let places = places_of(&container);
    if places.len() > 1 {
        return Err(Unresolved::Nested(container, places.into_iter().collect()));
    }
    Ok(pid)
}

#[cfg(test)]
mod tests;
