//! `rnsenter -t RUNTIME:ID` must not be led into the wrong container. A container that may
//! create cgroups inside its own (delegation, systemd in a container) can name one like
//! another container (`docker-<victim id>.scope`); its processes then look like the victim's.
//! Found under two names' worth of places, the name resolves to nothing.

// Test code: a panic (unwrap, expect, assert, panic!) is how a test reports its failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use nscore::enter::args::unresolved_message;
use nscore::proc::container::{find_init, ContainerSpec, Runtime, Unresolved};
use nscore::proc::ProcFs;
use std::path::{Path, PathBuf};

const VICTIM: &str = "3f2a9c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";
const ATTACKER: &str = "e1d2c3b4a5968778695a4b3c2d1e0f1e2d3c4b5a69788796a5b4c3d2e1f00112";

/// A fake /proc (removed when dropped) with processes given as (pid, ppid, start, cgroup path).
struct FakeProc(PathBuf);

impl FakeProc {
    fn new(name: &str, procs: &[(i32, i32, u64, String)]) -> FakeProc {
        let root = std::env::temp_dir().join(format!("rns-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (pid, ppid, start, cgroup) in procs {
            let dir = root.join(pid.to_string());
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("cgroup"), format!("0::{cgroup}\n")).unwrap();
            // Field 22 (the 20th after the command) is the start time.
            let zeros = vec!["0"; 17].join(" ");
            std::fs::write(dir.join("stat"), format!("{pid} (sh) S {ppid} {zeros} {start} 0 0\n")).unwrap();
        }
        FakeProc(root)
    }

    fn root(&self) -> &Path {
        &self.0
    }
}

impl Drop for FakeProc {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn spec(text: &str) -> ContainerSpec {
    ContainerSpec::parse(text).unwrap()
}

#[test]
fn a_name_made_inside_another_container_is_refused() {
    let victim = format!("/system.slice/docker-{VICTIM}.scope");
    // The attacker's cgroup holds one named like the victim; its process started earlier, so
    // by start time it would pass for the victim's init.
    let fake = format!("/system.slice/docker-{ATTACKER}.scope/docker-{VICTIM}.scope");
    let procs = FakeProc::new("impersonation", &[(100, 1, 500, victim), (200, 150, 10, fake)]);
    let result = find_init(&ProcFs::new(procs.root()), &spec("docker:3f2a"));
    let Err(Unresolved::Nested(container, places)) = &result else { panic!("{result:?}") };
    assert_eq!(container.runtime, Runtime::Docker);
    assert_eq!(places.len(), 2);
    assert_eq!(
        unresolved_message(&result.unwrap_err(), &spec("docker:3f2a")),
        "docker:3f2a9c4b5d6e is the name of containers in different places: on the host, inside docker:e1d2c3b4a596"
    );
}

#[test]
fn docker_in_docker_still_resolves() {
    // Every process of the inner container sits in the same outer one.
    let inner = format!("/docker/{ATTACKER}/docker/{VICTIM}");
    let procs = FakeProc::new("dind", &[(300, 290, 50, inner.clone()), (301, 300, 60, inner)]);
    assert_eq!(find_init(&ProcFs::new(procs.root()), &spec("docker:3f2a")), Ok(300));
}

#[test]
fn a_container_alone_resolves_to_its_init() {
    let victim = format!("/system.slice/docker-{VICTIM}.scope");
    let procs = FakeProc::new("plain", &[(100, 1, 500, victim.clone()), (101, 100, 600, victim)]);
    assert_eq!(find_init(&ProcFs::new(procs.root()), &spec("docker:3f2a")), Ok(100));
}
