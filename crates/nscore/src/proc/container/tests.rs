//! The cgroup path shapes of each runtime (fixture files in tests/fixtures/cgroup/, one per
//! runtime, cgroup version and driver) and the choice of a container's init from a fixture
//! /proc tree (tests/fixtures/proc-containers/).

use super::*;

const D: &str = "3f2a9c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";
const POD: &str = "1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e";

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_str!(concat!("../../../../../tests/fixtures/cgroup/", $name, ".cgroup")))
    };
}

/// Every fixture with the container it shows: (runtime, id, in a pod).
#[test]
fn each_runtime_path_shape() {
    type Case<'a> = ((&'a str, &'a str), Option<(Runtime, &'a str, bool)>);
    let cases: &[Case] = &[
        (fixture!("docker-v1-cgroupfs"), Some((Runtime::Docker, D, false))),
        (fixture!("docker-v1-systemd"), Some((Runtime::Docker, D, false))),
        (fixture!("docker-v2-cgroupfs"), Some((Runtime::Docker, D, false))),
        (fixture!("docker-v2-systemd"), Some((Runtime::Docker, D, false))),
        (fixture!("docker-in-docker-v1"), Some((Runtime::Docker, D, false))),
        (fixture!("docker-hybrid-systemd"), Some((Runtime::Docker, D, false))),
        (fixture!("k8s-containerd-v2-systemd"), Some((Runtime::Containerd, D, true))),
        (fixture!("k8s-containerd-v1-systemd"), Some((Runtime::Containerd, D, true))),
        (fixture!("k8s-v1-cgroupfs"), Some((Runtime::Kubernetes, D, true))),
        (fixture!("k8s-v2-cgroupfs-guaranteed"), Some((Runtime::Kubernetes, D, true))),
        (fixture!("k8s-docker-v1-systemd"), Some((Runtime::Docker, D, true))),
        (fixture!("crio-v2-systemd"), Some((Runtime::Crio, D, true))),
        (fixture!("crio-v1-cgroupfs"), Some((Runtime::Crio, D, true))),
        (fixture!("crio-conmon-v2-systemd"), None),
        (fixture!("podman-v2-systemd"), Some((Runtime::Podman, D, false))),
        (fixture!("podman-v2-rootless"), Some((Runtime::Podman, D, false))),
        (fixture!("podman-v1-systemd"), Some((Runtime::Podman, D, false))),
        (fixture!("podman-v1-cgroupfs"), Some((Runtime::Podman, D, false))),
        (fixture!("podman-conmon-v2-systemd"), None),
        (fixture!("lxc-v1-cgroupfs"), Some((Runtime::Lxc, "web", false))),
        (fixture!("lxc-v1-payload"), Some((Runtime::Lxc, "web", false))),
        (fixture!("lxc-v2"), Some((Runtime::Lxc, "web", false))),
        (fixture!("lxd-v2-nested-systemd"), Some((Runtime::Lxc, "web", false))),
        (fixture!("lxc-monitor-v2"), None),
        (fixture!("nspawn-v2-scope"), Some((Runtime::Nspawn, "debian-bookworm", false))),
        (fixture!("nspawn-v2-supervisor"), None),
        (fixture!("nspawn-v1-service"), Some((Runtime::Nspawn, "web", false))),
        (fixture!("nspawn-v1-scope"), Some((Runtime::Nspawn, "web", false))),
        (fixture!("host-v1"), None),
        (fixture!("host-v1-odd-memory"), None),
        (fixture!("host-v2-session"), None),
        (fixture!("host-v2-service"), None),
        (fixture!("host-v2-init"), None),
    ];
    for ((name, text), want) in cases {
        let want =
            want.map(|(runtime, id, pod)| Container { runtime, id: id.to_string(), pod: pod.then(|| POD.to_string()) });
        assert_eq!(from_cgroup(text), want, "{name}");
    }
}

#[test]
fn short_and_full_names() {
    let docker = from_cgroup(&format!("0::/docker/{D}\n")).unwrap();
    assert_eq!(docker.short(), "docker:3f2a9c4b5d6e");
    assert_eq!(docker.to_string(), format!("docker:{D}"));
    let lxc = from_cgroup("0::/lxc.payload.a-very-long-container-name\n").unwrap();
    assert_eq!(lxc.short(), "lxc:a-very-long-container-name");
}

#[test]
fn ids_are_64_lowercase_hex_digits() {
    assert_eq!(from_path(&format!("/docker/{}", &D[..63])), None);
    assert_eq!(from_path(&format!("/docker/{}", D.to_uppercase())), None);
    assert_eq!(from_path(&format!("/system.slice/docker-{D}x.scope")), None);
    // a bare id needs a docker or pod parent
    assert_eq!(from_path(&format!("/elsewhere/{D}")), None);
    // malformed lines are skipped, not fatal
    assert_eq!(from_cgroup("garbage\n\n0:\n"), None);
}

#[test]
fn runtime_names_and_specs() {
    assert_eq!(Runtime::from_name("Docker"), Some(Runtime::Docker));
    assert_eq!(Runtime::from_name("cri-o"), Some(Runtime::Crio));
    assert_eq!(Runtime::from_name("libpod"), Some(Runtime::Podman));
    assert_eq!(Runtime::from_name("kubernetes"), Some(Runtime::Kubernetes));
    assert_eq!(Runtime::from_name("1234"), None);
    // numbers and unknown words keep util-linux's meaning of --target
    for arg in ["1234", "1234:4026531836", "abc", "foo:bar", ":x", "docker"] {
        assert_eq!(ContainerSpec::parse(arg), None, "{arg}");
    }
    let spec = ContainerSpec::parse("docker:3f2a").unwrap();
    assert_eq!((spec.runtime, spec.prefix.as_str()), (Runtime::Docker, "3f2a"));
    let in_pod = from_cgroup(&format!("0::/kubepods/pod{POD}/{D}\n")).unwrap();
    let docker_in_pod = from_cgroup(&format!("0::/kubepods.slice/kubepods-pod{POD}.slice/docker-{D}.scope\n")).unwrap();
    let k8s = ContainerSpec::parse("k8s:3f").unwrap();
    assert!(k8s.matches(&in_pod) && k8s.matches(&docker_in_pod));
    assert!(!spec.matches(&in_pod) && spec.matches(&docker_in_pod));
    assert!(!ContainerSpec::parse("docker:3f2b").unwrap().matches(&docker_in_pod));
}

#[test]
fn stat_fields_after_the_last_parenthesis() {
    let m = parse_member("200 (redis) (x) S 50 200 200 0 -1 4194560 0 0 0 0 0 0 0 0 0 0 0 0 2000 1000 100").unwrap();
    assert_eq!(m, Member { pid: 200, ppid: 50, start: 2000 });
    assert_eq!(parse_member("200 (short) S 1"), None);
}

fn fixture_proc() -> ProcFs {
    ProcFs::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/proc-containers"))
}

/// The init, or why there is none: the containers that matched, by their short names.
fn find(arg: &str) -> Result<i32, Vec<String>> {
    let spec = ContainerSpec::parse(arg).unwrap();
    find_init(&fixture_proc(), &spec).map_err(|e| match e {
        Unresolved::None => Vec::new(),
        Unresolved::Several(list) => list.iter().map(Container::short).collect(),
        Unresolved::Nested(c, _) => panic!("{arg}: {c} nested"),
    })
}

#[test]
fn init_is_the_oldest_process_whose_parent_is_outside() {
    // 120 started first; 101 is its child; 150 (an exec'd shell) is newer
    assert_eq!(find("docker:3f2a"), Ok(120));
    assert_eq!(find(&format!("docker:{D}")), Ok(120));
    assert_eq!(find("docker:e1"), Ok(200));
    // the pod's container, by runtime or as any k8s container
    assert_eq!(find("containerd:2110"), Ok(260));
    assert_eq!(find("k8s:"), Ok(260));
    // podman's conmon is beside the container, not its init
    assert_eq!(find("podman:3f"), Ok(401));
}

#[test]
fn an_exact_name_beats_longer_ones() {
    assert_eq!(find("lxc:web"), Ok(300));
    assert_eq!(find("lxc:web2"), Ok(301));
    assert_eq!(find("lxc:we"), Err(vec!["lxc:web".into(), "lxc:web2".into()]));
}

/// A cgroup path and a command name that are not UTF-8 (fixture 310, `lxc.payload.b\xffd`,
/// command `in\xfft`) still name their container: /proc text is read as bytes.
#[test]
fn bytes_that_are_not_utf8_name_their_container() {
    assert_eq!(find("lxc:b"), Ok(310));
}

#[test]
fn none_or_several() {
    assert_eq!(find("docker:3f"), Err(vec!["docker:3f2a9c4b5d6e".into(), "docker:3f9900001111".into()]));
    assert_eq!(find("docker:ab"), Err(Vec::new()));
    assert_eq!(find("nspawn:x"), Err(Vec::new()));
}
