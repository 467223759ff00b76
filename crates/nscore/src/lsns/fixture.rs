//! A made-up world for the scan: a `/proc` tree in a temporary directory whose `PID/ns/*`
//! links name made-up namespaces, and an [`NsQueries`] that answers ioctl_ns(2) for them, so
//! the owner and parent trees, PNS and ONS are checked without asking the kernel.

use super::args::{parse, Parsed};
use super::kernel::{InNamespace, NsQueries, NsidSource};
use super::model::ScanError;
use super::plan::Plan;
use super::scan;
use super::table::namespaces_table;
use crate::nstype::NsKind;
use crate::output::{render_with, Env};
use crate::proc::ProcFs;
use crate::sys::ns::NsIoctl;
use std::collections::HashMap;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// A namespace of the world: its inode, kind, parent and owner (inodes), and the uid
/// NS_GET_OWNER_UID gives for a user namespace.
struct FakeNs {
    ino: u64,
    kind: NsKind,
    parent: Option<u64>,
    owner: Option<u64>,
    uid: u32,
}

/// The kernel of the world: every namespace is a file under `ROOT/nsfs/`, told apart by the
/// file's real inode.
#[derive(Debug)]
struct FixtureKernel {
    root: PathBuf,
    /// Real inode of a namespace's file -> the namespace's inode.
    by_file: HashMap<u64, u64>,
    /// Namespace inode -> (kind, parent, owner, owner uid).
    spaces: HashMap<u64, (NsKind, Option<u64>, Option<u64>, u32)>,
    /// Whether NS_GET_ID is known (Linux 6.18); a namespace's ID is then its inode less
    /// [`ID_BASE`], so IDs and inodes are told apart in the tables.
    has_ns_get_id: AtomicBool,
}

/// What the world's kernel subtracts from an inode number to make a namespace's ID.
const ID_BASE: u64 = 4026531000;

impl FixtureKernel {
    fn file(&self, ino: u64) -> PathBuf {
        self.root.join(format!("nsfs/{ino}"))
    }

    fn space(&self, ns: BorrowedFd<'_>) -> Result<(NsKind, Option<u64>, Option<u64>, u32), i32> {
        let ino = self.inode(ns)?;
        self.spaces.get(&ino).copied().ok_or(libc::ENOTTY)
    }
}

impl NsQueries for FixtureKernel {
    fn inode(&self, ns: BorrowedFd<'_>) -> Result<u64, i32> {
        let st = crate::sys::at::stat_fd(ns)?;
        self.by_file.get(&st.st_ino).copied().ok_or(libc::ENOTTY)
    }

    fn related(&self, ns: BorrowedFd<'_>, which: NsIoctl) -> Result<OwnedFd, i32> {
        let (kind, parent, owner, _) = self.space(ns)?;
        let related = match which {
            NsIoctl::GetParent if !matches!(kind, NsKind::Pid | NsKind::User) => return Err(libc::EINVAL),
            NsIoctl::GetParent => parent,
            NsIoctl::GetUserns => owner,
        };
        // Above the top of the tree the kernel answers EPERM.
        let ino = related.ok_or(libc::EPERM)?;
        let file = std::fs::File::open(self.file(ino)).map_err(|e| e.raw_os_error().unwrap_or(libc::EIO))?;
        Ok(file.into())
    }

    fn nstype(&self, ns: BorrowedFd<'_>) -> Result<libc::c_int, i32> {
        Ok(self.space(ns)?.0.clone_flag())
    }

    fn owner_uid(&self, ns: BorrowedFd<'_>) -> Result<libc::uid_t, i32> {
        match self.space(ns)? {
            (NsKind::User, _, _, uid) => Ok(uid),
            _ => Err(libc::EINVAL),
        }
    }

    fn ns_id(&self, ns: BorrowedFd<'_>) -> Result<u64, i32> {
        if !self.has_ns_get_id.load(Ordering::Relaxed) {
            return Err(libc::ENOTTY);
        }
        Ok(self.inode(ns)? - ID_BASE)
    }

    fn nsid_source(&self) -> Result<Box<dyn NsidSource>, i32> {
        Err(libc::EPROTONOSUPPORT)
    }

    // The world's namespaces are files, not namespaces: nothing enters them (the inside
    // columns and `--all-mounts` have a recording fake of their own).
    fn enter_thread(&self, _: BorrowedFd<'_>, _: libc::c_int) -> Result<(), i32> {
        Err(libc::ENOSYS)
    }

    fn uname(&self) -> Result<(Vec<u8>, Vec<u8>), i32> {
        Err(libc::ENOSYS)
    }

    fn route_dumps(&self) -> Result<(Vec<u8>, Vec<u8>), i32> {
        Err(libc::ENOSYS)
    }

    fn mqueue_dir(&self, _: BorrowedFd<'_>, _: &Path) -> Result<Option<crate::sys::mqueue::MqueueDir>, i32> {
        Err(libc::ENOSYS)
    }

    fn queue_device(&self, _: &[u8]) -> Result<u64, i32> {
        Err(libc::ENOSYS)
    }

    fn resident(&self, _: BorrowedFd<'_>, _: libc::c_int) -> Result<Box<dyn InNamespace>, i32> {
        Err(libc::ENOSYS)
    }
}

/// A process of the world: pid, ppid, command, and the namespaces it is in.
struct FakeProc {
    pid: i32,
    ppid: i32,
    command: &'static str,
    ns: Vec<u64>,
}

/// A world written under a temporary directory, removed when dropped.
struct World {
    root: PathBuf,
    kernel: &'static FixtureKernel,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

impl World {
    /// Writes `procs` in `spaces` as a `/proc` tree: `PID/ns/<kind>` is a link whose text
    /// names the namespace (`user:[4026531837]`) and leads to a hard link of its file.
    fn new(name: &str, spaces: &[FakeNs], procs: &[FakeProc]) -> World {
        let root = std::env::temp_dir().join(format!("rns-lsns-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let mut by_file = HashMap::new();
        let mut kinds = HashMap::new();
        for ns in spaces {
            let file = root.join(format!("nsfs/{}", ns.ino));
            write(&file, "");
            by_file.insert(std::fs::metadata(&file).unwrap().ino(), ns.ino);
            kinds.insert(ns.ino, (ns.kind, ns.parent, ns.owner, ns.uid));
        }
        write(&root.join("self/mountinfo"), "");
        for p in procs {
            let dir = root.join(p.pid.to_string());
            write(&dir.join("stat"), &format!("{} ({}) S {} 1 1 0 -1\n", p.pid, p.command, p.ppid));
            write(&dir.join("cmdline"), &format!("{}\0", p.command));
            std::fs::create_dir_all(dir.join("ns")).unwrap();
            for &ino in &p.ns {
                let kind = kinds[&ino].0;
                let text = format!("{}:[{ino}]", kind.name());
                std::fs::hard_link(root.join(format!("nsfs/{ino}")), dir.join("ns").join(&text)).unwrap();
                std::os::unix::fs::symlink(&text, dir.join("ns").join(kind.name())).unwrap();
                // As the kernel does for a process that has not unshared since: its children
                // get its own time namespace.
                if kind == NsKind::Time {
                    std::os::unix::fs::symlink(&text, dir.join("ns/time_for_children")).unwrap();
                }
            }
        }
        let kernel = Box::leak(Box::new(FixtureKernel {
            root: root.clone(),
            by_file,
            spaces: kinds,
            has_ns_get_id: AtomicBool::new(true),
        }));
        World { root, kernel }
    }

    /// What `rlsns ARGS` prints of this world (in the C locale, on a pipe).
    fn lsns(&self, args: &[&str]) -> Result<String, ScanError> {
        let argv: Vec<std::ffi::OsString> =
            std::iter::once("lsns").chain(args.iter().copied()).map(Into::into).collect();
        let Ok(Parsed::Run(args)) = parse(&argv, &mut std::io::sink()) else { panic!("{argv:?}") };
        let plan = Plan::new(&args).unwrap();
        let found = scan::scan(&ProcFs::new(&self.root), self.kernel, &plan.scan_options(None))?;
        let table = namespaces_table(&found, &plan, None).unwrap();
        let mut out = Vec::new();
        render_with(&table, &plan.format, &Env::default(), &mut out).unwrap();
        Ok(String::from_utf8(out).unwrap())
    }
}

const INIT_USER: u64 = 4026531837;
const INIT_PID: u64 = 4026531836;
const USER1: u64 = 4026532200;
const PID1: u64 = 4026532201;
const NET1: u64 = 4026532202;
/// A user namespace no process is in: only the uts namespace it owns shows it.
const USER2: u64 = 4026532299;
const UTS2: u64 = 4026532300;

/// The initial namespaces (owned by the initial user namespace, which has no owner), a user
/// namespace made by uid 1000 with a pid and a net namespace in it, and a uts namespace
/// owned by a user namespace without processes.
/// Processes: 1 (init) in the initial ones; 200 (sh, child of 1) in USER1; 201 (server,
/// child of 200) in USER1, PID1, NET1; 300 (host, child of 1) in UTS2.
/// A real world of that shape (`unshare -U --map-root-user --fork sh -c 'unshare -p -n
/// --fork sleep 1000 & sleep 1000'`, and a `sleep` in the uts namespace of an `unshare -U -u`
/// that has exited) draws these trees line for line with util-linux 2.38.1 and 2.42.2.
fn world(name: &str) -> World {
    let init = |kind, ino| FakeNs { ino, kind, parent: None, owner: Some(INIT_USER), uid: 0 };
    let mut spaces = vec![
        init(NsKind::Time, 4026531834),
        init(NsKind::Cgroup, 4026531835),
        init(NsKind::Pid, INIT_PID),
        FakeNs { ino: INIT_USER, kind: NsKind::User, parent: None, owner: None, uid: 0 },
        init(NsKind::Uts, 4026531838),
        init(NsKind::Ipc, 4026531839),
        init(NsKind::Net, 4026531840),
        init(NsKind::Mnt, 4026531841),
    ];
    spaces.extend([
        FakeNs { ino: USER1, kind: NsKind::User, parent: Some(INIT_USER), owner: Some(INIT_USER), uid: 1000 },
        FakeNs { ino: PID1, kind: NsKind::Pid, parent: Some(INIT_PID), owner: Some(USER1), uid: 0 },
        FakeNs { ino: NET1, kind: NsKind::Net, parent: None, owner: Some(USER1), uid: 0 },
        FakeNs { ino: USER2, kind: NsKind::User, parent: Some(INIT_USER), owner: Some(INIT_USER), uid: 1001 },
        FakeNs { ino: UTS2, kind: NsKind::Uts, parent: None, owner: Some(USER2), uid: 0 },
    ]);
    let initial: Vec<u64> = spaces[..NsKind::COUNT].iter().map(|ns| ns.ino).collect();
    let with = |changes: &[(u64, u64)]| {
        initial.iter().map(|&ino| changes.iter().find(|c| c.0 == ino).map_or(ino, |c| c.1)).collect::<Vec<_>>()
    };
    let procs = [
        FakeProc { pid: 1, ppid: 0, command: "init", ns: initial.clone() },
        FakeProc { pid: 200, ppid: 1, command: "sh", ns: with(&[(INIT_USER, USER1)]) },
        FakeProc {
            pid: 201,
            ppid: 200,
            command: "server",
            ns: with(&[(INIT_USER, USER1), (INIT_PID, PID1), (4026531840, NET1)]),
        },
        FakeProc { pid: 300, ppid: 1, command: "host", ns: with(&[(4026531838, UTS2)]) },
    ];
    World::new(name, &spaces, &procs)
}

/// Each namespace under the user namespace that owns it; USER2, which no process is in,
/// is found from UTS2 (a ghost, with no process).
#[test]
fn owner_tree() {
    let got = world("owner").lsns(&["--tree=owner", "-o", "NS,TYPE,NPROCS,PID,COMMAND"]).unwrap();
    let want = "\
NS             TYPE   NPROCS PID COMMAND
4026531837     user        2   1 init
|-4026531834   time        4   1 init
|-4026531835   cgroup      4   1 init
|-4026531836   pid         3   1 init
|-4026531838   uts         3   1 init
|-4026531839   ipc         4   1 init
|-4026531840   net         3   1 init
|-4026531841   mnt         4   1 init
|-4026532200   user        2 200 sh
| |-4026532201 pid         1 201 server
| `-4026532202 net         1 201 server
`-4026532299   user        0     
  `-4026532300 uts         1 300 host
";
    assert_eq!(got, want, "\n{got}");
}

/// Pid and user namespaces under their parents; the other kinds (which have no parent) under
/// their owners, printed first when not shown yet.
#[test]
fn parent_tree() {
    let got = world("parent").lsns(&["--tree=parent", "-o", "NS,TYPE,PID"]).unwrap();
    let want = "\
NS           TYPE   PID
4026531837   user     1
|-4026532200 user   200
`-4026532299 user   
4026531834   time     1
4026531835   cgroup   1
4026531836   pid      1
`-4026532201 pid    201
4026531838   uts      1
4026531839   ipc      1
4026531840   net      1
4026531841   mnt      1
4026532202   net    201
4026532300   uts    300
";
    assert_eq!(got, want, "\n{got}");
}

/// PNS and ONS as the kernel answers NS_GET_PARENT and NS_GET_USERNS: 0 where it refuses
/// (above the initial namespaces) and for kinds without parents.
#[test]
fn parent_and_owner_columns() {
    let got = world("columns").lsns(&["-l", "-o", "NS,TYPE,PNS,ONS"]).unwrap();
    let want = "        NS TYPE          PNS        ONS
4026531834 time            0 4026531837
4026531835 cgroup          0 4026531837
4026531836 pid             0 4026531837
4026531837 user            0          0
4026531838 uts             0 4026531837
4026531839 ipc             0 4026531837
4026531840 net             0 4026531837
4026531841 mnt             0 4026531837
4026532200 user   4026531837 4026531837
4026532201 pid    4026531836 4026532200
4026532202 net             0 4026532200
4026532300 uts             0 4026532299
";
    assert_eq!(got, want, "\n{got}");
}

/// ID is NS_GET_ID's answer for every namespace, also one no process is in (USER2, reached
/// by ioctl from UTS2 in the owner tree), and an empty cell (null in JSON) on a kernel
/// without NS_GET_ID, with no message.
#[test]
fn id_column() {
    let world = world("ids");
    let got = world.lsns(&["-l", "-t", "user", "-t", "uts", "-o", "NS,TYPE,ID"]).unwrap();
    let want = "        NS TYPE   ID
4026531837 user  837
4026531838 uts   838
4026532200 user 1200
4026532300 uts  1300
";
    assert_eq!(got, want, "\n{got}");
    let got = world.lsns(&["--tree=owner", "-t", "user", "-t", "uts", "-o", "NS,ID"]).unwrap();
    let want = "\
NS               ID
4026531837      837
|-4026531838    838
|-4026532200   1200
`-4026532299   1299
  `-4026532300 1300
";
    assert_eq!(got, want, "\n{got}");
    let got = world.lsns(&["-J", "-t", "uts", "-o", "NS,ID"]).unwrap();
    assert!(got.contains("\"ns\": 4026531838,\n         \"id\": 838\n"), "{got}");
    world.kernel.has_ns_get_id.store(false, Ordering::Relaxed);
    let got = world.lsns(&["-J", "-t", "uts", "-o", "NS,ID"]).unwrap();
    assert!(got.contains("\"ns\": 4026531838,\n         \"id\": null\n"), "{got}");
}

/// LEVEL and INIT: user namespaces counted by NS_GET_PARENT steps up to the reader's own
/// (`self/ns/user`), pid namespaces by their `NSpid:` fields; INIT is the member whose last
/// `NSpid:` field is 1. Kinds without them, and processes without a `status`, stay empty.
#[test]
fn level_and_init_columns() {
    let world = world("level");
    std::fs::create_dir_all(world.root.join("self/ns")).unwrap();
    std::fs::hard_link(world.root.join(format!("nsfs/{INIT_USER}")), world.root.join("self/ns/user")).unwrap();
    write(&world.root.join("1/status"), "Name:\tinit\nNSpid:\t1\n");
    write(&world.root.join("201/status"), "Name:\tserver\nPid:\t201\nNSpid:\t201\t1\n");
    let got = world.lsns(&["-l", "-t", "user", "-t", "pid", "-o", "NS,TYPE,LEVEL,INIT,SUMMARY"]).unwrap();
    let want = "        NS TYPE LEVEL INIT SUMMARY
4026531836 pid      0    1 level 0, init 1
4026531837 user     0      
4026532200 user     1      
4026532201 pid      1  201 level 1, init 201
";
    assert_eq!(got, want, "\n{got}");
}

/// UIDMAP, GIDMAP, OFFSETS, MOUNTS, ROOT and SUMMARY read through the row's representative,
/// typed in JSON: records as arrays of objects, MOUNTS a number; a file that is missing (the
/// initial user namespace's `gid_map` here) is null.
#[test]
fn contents_columns_in_json() {
    let world = world("contents");
    write(&world.root.join("1/uid_map"), "         0          0 4294967295\n");
    write(&world.root.join("200/uid_map"), "         0       1000          1\n         1     100000      65536\n");
    write(&world.root.join("200/gid_map"), "         0       1000          1\n");
    write(&world.root.join("1/timens_offsets"), "monotonic      86400         0\nboottime           0         0\n");
    let mountinfo = "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n23 22 0:5 / /proc rw - proc proc rw\n";
    write(&world.root.join("1/mountinfo"), mountinfo);
    let got = world.lsns(&[
        "-J",
        "-t",
        "user",
        "-t",
        "time",
        "-t",
        "mnt",
        "-o",
        "NS,UIDMAP,GIDMAP,OFFSETS,MOUNTS,ROOT,SUMMARY",
    ]);
    let want = r#"{
   "namespaces": [
      {
         "ns": 4026531834,
         "uidmap": null,
         "gidmap": null,
         "offsets": [{"clock":"monotonic","secs":86400,"nsecs":0},{"clock":"boottime","secs":0,"nsecs":0}],
         "mounts": null,
         "root": null,
         "summary": "monotonic +86400s, boottime +0s"
      },{
         "ns": 4026531837,
         "uidmap": [{"inside":0,"outside":0,"count":4294967295}],
         "gidmap": null,
         "offsets": null,
         "mounts": null,
         "root": null,
         "summary": "uids 0-4294967294 as 0-4294967294"
      },{
         "ns": 4026531841,
         "uidmap": null,
         "gidmap": null,
         "offsets": null,
         "mounts": 2,
         "root": "/dev/sda1 ext4",
         "summary": "mounts 2, root /dev/sda1 (ext4)"
      },{
         "ns": 4026532200,
         "uidmap": [{"inside":0,"outside":1000,"count":1},{"inside":1,"outside":100000,"count":65536}],
         "gidmap": [{"inside":0,"outside":1000,"count":1}],
         "offsets": null,
         "mounts": null,
         "root": null,
         "summary": "uid 0 as 1000, uids 1-65536 as 100000-165535"
      }
   ]
}
"#;
    assert_eq!(got.as_deref(), Ok(want), "\n{got:?}");
    // -r joins a map's ranges with commas
    let got = world.lsns(&["-r", "-n", "-t", "user", "-o", "UIDMAP"]).unwrap();
    assert_eq!(got, "0\\x200\\x204294967295\n0\\x201000\\x201,1\\x20100000\\x2065536\n");
    // SUMMARY shows the first three ranges and counts the rest
    write(&world.root.join("200/uid_map"), "0 1000 1\n1 2000 1\n2 3000 1\n3 4000 1\n4 5000 1\n");
    let got = world.lsns(&["-l", "-n", "-t", "user", "-o", "SUMMARY"]).unwrap();
    assert_eq!(got, "uids 0-4294967294 as 0-4294967294\nuid 0 as 1000, uid 1 as 2000, uid 2 as 3000, other ranges 2\n");
}
