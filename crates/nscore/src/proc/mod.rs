//! `/proc` read through a root path ([`ProcFs`]), so fixture trees can stand in for the live
//! one; pure parsers beside the reader.
//!
//! A scan opens the root once ([`ProcDir`]) and resolves `PID/...` relative to it (openat(2),
//! fstatat(2)). Processes vanish while they are read: every reader answers `None` or `Err`
//! for a process that is gone, and callers skip it. A read that failed for want of
//! descriptors or memory also answers `None`, but is remembered ([`ProcDir::exhausted`]):
//! a scan that met one has no answer to give.

pub mod container;
pub(crate) mod contents;

use crate::byte_text::{carried_bytes, carry_bytes};
use crate::sys::at::{open_at, open_dir_path, read_link_at, stat_at};
use crate::sys::dir::Dir;
use std::fs::File;
use std::io::Read;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};

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

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    /// `self/mountinfo`'s nsfs mounts, in file order.
    pub(crate) fn nsfs_mounts(&self) -> std::io::Result<Vec<NsfsMount>> {
        self.nsfs_mounts_of("self")
    }

    /// The nsfs mounts of `PROCESS/mountinfo` (`self` or a pid), in file order.
    pub(crate) fn nsfs_mounts_of(&self, process: &str) -> std::io::Result<Vec<NsfsMount>> {
        let text = std::fs::read(self.root.join(process).join("mountinfo"))?;
        Ok(parse_mountinfo_nsfs(&carry_bytes(&text)))
    }

    /// Opens the root directory for a scan.
    /// The descriptor never takes the place of a closed standard stream: output meant for a
    /// closed stdout must fail as util-linux's does (EBADF), not go to `/proc`, and the
    /// errno of `-Q`'s `failed to apply filter:` comes from stdout's (EBADF) ioctl.
    pub(crate) fn open(&self) -> std::io::Result<ProcDir> {
        let mut dir = File::open(&self.root)?;
        if dir.as_raw_fd() <= 2 {
            // try_clone is F_DUPFD_CLOEXEC from 3; the low descriptor is closed on drop.
            dir = dir.try_clone()?;
        }
        Ok(ProcDir { dir, root: self.root.clone(), exhausted: AtomicI32::new(0) })
    }
}

/// An open procfs root; paths below are resolved relative to its descriptor.
#[derive(Debug)]
pub(crate) struct ProcDir {
    dir: File,
    root: PathBuf,
    /// The first EMFILE, ENFILE or ENOMEM a read met (0: none), on whichever thread.
    exhausted: AtomicI32,
}

/// What `PID/stat` says that lsns needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    pub pid: i32,
    pub state: char,
    pub ppid: i32,
}

/// The inode identity and type of a file (what fstatat(2) answers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileId {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub uid: u32,
}

impl FileId {
    fn of(st: &libc::stat) -> FileId {
        FileId { dev: st.st_dev, ino: st.st_ino, mode: st.st_mode, uid: st.st_uid }
    }

    pub(crate) fn is_socket(&self) -> bool {
        self.mode & libc::S_IFMT == libc::S_IFSOCK
    }
}

/// One nsfs mount from mountinfo: the namespace it shows (`net:[4026532469]`) and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsfsMount {
    pub root: String,
    /// The mount point as cell text (bytes that are not UTF-8 carried).
    pub target: String,
}

impl NsfsMount {
    /// The mount point as a path to open.
    pub(crate) fn target_path(&self) -> PathBuf {
        PathBuf::from(std::ffi::OsString::from_vec(carried_bytes(&self.target)))
    }
}

/// How much of `cmdline`/`comm` util-linux reads (BUFSIZ).
pub(crate) const CMDLINE_READ_MAX: usize = 8192;

impl ProcDir {
    /// The root's descriptor, to resolve `PID/...` paths against.
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.dir.as_fd()
    }

    /// Remembers `errno` if it says descriptors or memory ran out; passes it on.
    pub(crate) fn note(&self, errno: i32) -> i32 {
        if crate::sys::fd::is_exhaustion(errno) {
            let _ = self.exhausted.compare_exchange(0, errno, Ordering::Relaxed, Ordering::Relaxed);
        }
        errno
    }

    /// The first EMFILE, ENFILE or ENOMEM a read below this root met (or was [`noted`]
    /// with): the `None`s since may be files that exist.
    ///
    /// [`noted`]: ProcDir::note
    pub(crate) fn exhausted(&self) -> Option<i32> {
        Some(self.exhausted.load(Ordering::Relaxed)).filter(|&e| e != 0)
    }

    /// Numeric entries of the root that are (or may be) directories, in directory order:
    /// the processes (threads are not listed at the top level).
    pub(crate) fn pids(&self) -> std::io::Result<Vec<i32>> {
        let mut pids = Vec::new();
        for entry in std::fs::read_dir(&self.root)? {
            let Ok(entry) = entry else { continue };
            let name = entry.file_name();
            let name = name.as_encoded_bytes();
            if !name.first().is_some_and(u8::is_ascii_digit) {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => {}
                Ok(_) => continue,
                Err(_) => {}
            }
            if let Some(pid) = std::str::from_utf8(name).ok().and_then(|s| s.parse::<u64>().ok()) {
                pids.push(pid as i32);
            }
        }
        Ok(pids)
    }

    /// stat(2) of `path` below the root, following a final symlink.
    pub(crate) fn stat(&self, path: &str) -> Option<FileId> {
        self.stat_or_errno(path).ok()
    }

    /// [`Self::stat`], with the errno of a failure.
    pub(crate) fn stat_or_errno(&self, path: &str) -> Result<FileId, i32> {
        stat_at(self.fd(), Path::new(path)).map_err(|e| self.note(e)).map(|st| FileId::of(&st))
    }

    /// Opens `path` below the root read-only (following symlinks: `PID/ns/net`, `PID/fd/3`).
    pub(crate) fn open(&self, path: &str) -> Result<File, i32> {
        open_at(self.fd(), Path::new(path)).map_err(|e| self.note(e))
    }

    /// Opens the namespace file with inode `ino` that `path` below the root leads to
    /// (`PID/ns/net`, `PID/fd/3`), never anything else (a process may have put a FIFO at
    /// that descriptor since): [`crate::sys::at::open_nsfs_in_proc`].
    pub(crate) fn open_nsfs(&self, path: &str, ino: u64) -> Result<File, i32> {
        crate::sys::at::open_nsfs_in_proc(self.fd(), Path::new(path), ino).map_err(|e| self.note(e))
    }

    /// The root directory of process `pid` (`PID/root`, `O_PATH`), to resolve its paths in.
    pub(crate) fn root_of(&self, pid: i32) -> Result<std::os::fd::OwnedFd, i32> {
        crate::sys::at::open_dir_path(self.fd(), Path::new(&format!("{pid}/root"))).map_err(|e| self.note(e))
    }

    /// The first `max` bytes of a file below the root.
    pub(crate) fn read(&self, path: &str, max: usize) -> Option<Vec<u8>> {
        let file = self.open(path).ok()?;
        let mut buf = Vec::with_capacity(max.min(4096));
        if let Err(e) = file.take(max as u64).read_to_end(&mut buf) {
            self.note(e.raw_os_error().unwrap_or(0));
            return None;
        }
        Some(buf)
    }

    /// Owner of `/proc/PID` (the process's effective uid as procfs shows it).
    pub(crate) fn uid(&self, pid: i32) -> Option<u32> {
        self.stat(ShortPath::new(format_args!("{pid}"))?.as_str()).map(|f| f.uid)
    }

    /// `PID/stat`, parsed.
    pub(crate) fn stat_line(&self, pid: i32) -> Option<Stat> {
        let bytes = self.read(&format!("{pid}/stat"), CMDLINE_READ_MAX)?;
        parse_stat(&String::from_utf8_lossy(&bytes))
    }

    /// The inode of the namespace `PID/ns/<name>` shows.
    ///
    /// The link's text (`net:[4026531840]`) names the inode, and readlinkat(2) reads it
    /// without stat(2)'s cost: following the link makes the kernel build an nsfs dentry and
    /// inode that it frees again as soon as nothing holds the namespace open, for every process.
    /// An entry that is no link (a fixture tree's plain file) stands in with its own inode.
    pub(crate) fn ns(&self, pid: i32, name: &str) -> Option<u64> {
        link_inode(self.fd(), ShortPath::new(format_args!("{pid}/ns/{name}"))?.as_str()).map_err(|e| self.note(e)).ok()
    }

    /// `PID/ns`, open to read several of its links: each then resolves one name instead of
    /// three (`PID`, `ns`, the link), which is fewer dentry lookups (cache misses on a big
    /// host) than the open and close cost from a few links on: ~10% of a walk reading all
    /// eight at 16,000 processes. `None` when the process is gone.
    pub(crate) fn ns_dir(&self, pid: i32) -> Option<NsDir<'_>> {
        let path = ShortPath::new(format_args!("{pid}/ns"))?;
        open_dir_path(self.fd(), Path::new(path.as_str()))
            .map_err(|e| self.note(e))
            .ok()
            .map(|fd| NsDir { fd, root: self })
    }

    /// Calls `each` with the open descriptors of a process: (number, what it points to).
    /// Vanished ones are left out.
    pub(crate) fn for_each_fd(&self, pid: i32, mut each: impl FnMut(i32, FileId)) {
        let Some(path) = ShortPath::new(format_args!("{pid}/fd")) else { return };
        let Ok(dir) = Dir::open_at(self.fd(), Path::new(path.as_str())).map_err(|e| self.note(e)) else { return };
        let listed = dir.for_each_name(|name| {
            let Some(num) = std::str::from_utf8(name).ok().and_then(|n| n.parse::<u64>().ok()) else { return };
            match stat_at(dir.as_fd(), Path::new(std::ffi::OsStr::from_bytes(name))) {
                Ok(st) => each(num as i32, FileId::of(&st)),
                Err(e) => {
                    self.note(e);
                }
            }
        });
        if let Err(e) = listed {
            self.note(e);
        }
    }

    /// The command line as lsns shows it, or `None` when neither `cmdline` nor `comm` has text.
    pub(crate) fn command(&self, pid: i32) -> Option<String> {
        let read = |name: &str| self.read(&format!("{pid}/{name}"), CMDLINE_READ_MAX).and_then(|b| procfs_text(&b));
        read("cmdline").or_else(|| read("comm"))
    }
}

/// One process's `ns` directory, open to read its links ([`ProcDir::ns_dir`]). The links
/// of a process that exits meanwhile read as gone, not as another process's.
#[derive(Debug)]
pub(crate) struct NsDir<'a> {
    fd: OwnedFd,
    root: &'a ProcDir,
}

impl NsDir<'_> {
    /// The inode of the namespace the link `name` shows, as [`ProcDir::ns`].
    pub(crate) fn ns(&self, name: &str) -> Option<u64> {
        link_inode(self.fd.as_fd(), name).map_err(|e| self.root.note(e)).ok()
    }
}

/// The inode a namespace link names (its text, `net:[4026531840]`); an entry that is no
/// link (a fixture tree's plain file) stands in with its own inode. `Err(errno)` when it
/// could not be read (ENOENT: gone).
fn link_inode(dir: BorrowedFd<'_>, path: &str) -> Result<u64, i32> {
    let mut buf = [0u8; 64];
    match read_link_at(dir, Path::new(path), &mut buf) {
        Ok(len) => parse_ns_link(&buf[..len]).ok_or(libc::ENOENT),
        Err(libc::EINVAL) => stat_at(dir, Path::new(path)).map(|st| st.st_ino),
        Err(e) => Err(e),
    }
}

/// A path below the root formatted on the stack (`PID/ns/net`): a scan makes several per
/// process, on several threads, and none of them allocates.
struct ShortPath {
    buf: [u8; 48],
    len: usize,
}

impl ShortPath {
    /// `None` if longer than the buffer (no pid and namespace or descriptor name is).
    fn new(args: std::fmt::Arguments<'_>) -> Option<ShortPath> {
        let mut path = ShortPath { buf: [0; 48], len: 0 };
        std::fmt::write(&mut path, args).ok()?;
        Some(path)
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or_default()
    }
}

impl std::fmt::Write for ShortPath {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The inode in a namespace link's text, `<type>:[<inode>]`.
pub(crate) fn parse_ns_link(text: &[u8]) -> Option<u64> {
    let open = text.iter().position(|&b| b == b'[')?;
    let digits = text[open + 1..].strip_suffix(b"]")?;
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// `PID/stat`: pid, then the state and ppid after the *last* `)` (a comm may contain `)`).
pub fn parse_stat(line: &str) -> Option<Stat> {
    let open = line.find(" (")?;
    let pid = line[..open].trim_start().parse::<i32>().ok()?;
    let close = line.rfind(')')?;
    let mut rest = line[close + 1..].split_ascii_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse::<i32>().ok()?;
    Some(Stat { pid, state, ppid })
}

/// util-linux's reading of `cmdline`/`comm`: NULs become spaces and the last byte read is
/// dropped (the final NUL or newline, or the 8192nd byte of a longer command line).
/// Nothing read is `None`. Bytes that are not UTF-8 are carried (`byte_text::carry_bytes`).
pub fn procfs_text(bytes: &[u8]) -> Option<String> {
    if bytes.is_empty() {
        return None;
    }
    let text: Vec<u8> = bytes[..bytes.len() - 1].iter().map(|&b| if b == 0 { b' ' } else { b }).collect();
    Some(carry_bytes(&text))
}

/// Undoes mountinfo's octal escapes (`\040` for a blank), as libmount does.
pub fn unmangle(field: &str) -> String {
    let b = &carried_bytes(field)[..];
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 3 < b.len() && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c)) {
            // Three octal digits, wrapping above \377 as C's char arithmetic in libmount does.
            let value = u32::from(b[i + 1] - b'0') * 64 + u32::from(b[i + 2] - b'0') * 8 + u32::from(b[i + 3] - b'0');
            out.push(value as u8);
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    carry_bytes(&out)
}

/// The nsfs entries of a mountinfo text.
pub fn parse_mountinfo_nsfs(text: &str) -> Vec<NsfsMount> {
    mountinfo_of_type(text, "nsfs").map(|(root, target)| NsfsMount { root, target }).collect()
}

/// (root, mount point) of the mountinfo entries of filesystem type `fstype`, unescaped.
pub(crate) fn mountinfo_of_type<'a>(text: &'a str, fstype: &'a str) -> impl Iterator<Item = (String, String)> + 'a {
    text.lines().filter_map(move |line| {
        let fields: Vec<&str> = line.split(' ').collect();
        let sep = fields.iter().position(|f| *f == "-")?;
        (sep >= 6 && fields.get(sep + 1) == Some(&fstype)).then(|| (unmangle(fields[3]), unmangle(fields[4])))
    })
}

/// The mount points (mountinfo's unescaped field 5, as bytes) of the mounts of type `fstype`
/// that nothing is mounted over at that same path: no mount whose parent is that mount has
/// the same mount point (a FUSE or network filesystem mounted over `/dev/mqueue` is not
/// mqueue, and may never answer). A mount hidden by one over a directory above it is not
/// found this way; whoever reads through the path needs a deadline all the same.
pub(crate) fn visible_mounts_of_type(mountinfo: &[u8], fstype: &[u8]) -> Vec<Vec<u8>> {
    /// (mount id, parent id, mount point, of the type)
    type Entry<'a> = (&'a [u8], &'a [u8], Vec<u8>, bool);
    let mut mounts: Vec<Entry<'_>> = Vec::new();
    for line in mountinfo.split(|&b| b == b'\n') {
        let fields: Vec<&[u8]> = line.split(|&b| b == b' ').collect();
        let Some(sep) = fields.iter().position(|f| *f == b"-") else { continue };
        if sep < 6 {
            continue;
        }
        let point = carried_bytes(&unmangle(&carry_bytes(fields[4])));
        mounts.push((fields[0], fields[1], point, fields.get(sep + 1) == Some(&fstype)));
    }
    let covered = |id: &[u8], point: &[u8]| mounts.iter().any(|(_, parent, p, _)| *parent == id && p == point);
    mounts.iter().filter(|(id, _, point, of_type)| *of_type && !covered(id, point)).map(|m| m.2.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visible_mounts_are_the_ones_on_top() {
        let text = b"30 1 0:5 / /dev rw - tmpfs t rw\n\
                     31 30 0:6 / /dev/mqueue rw - mqueue mqueue rw\n\
                     32 31 0:7 / /dev/mqueue rw - fuse x rw\n\
                     33 1 0:8 / /m\\040q\xff rw - mqueue mqueue rw\n";
        assert_eq!(visible_mounts_of_type(text, b"mqueue"), [b"/m q\xff".to_vec()]);
        assert_eq!(visible_mounts_of_type(text, b"fuse"), [b"/dev/mqueue".to_vec()]);
        // Listed before the mount it covers: the parent decides, not the order.
        let text = b"32 31 0:7 / /q rw - fuse x rw\n31 30 0:6 / /q rw - mqueue mqueue rw\n";
        assert!(visible_mounts_of_type(text, b"mqueue").is_empty());
    }

    #[test]
    fn stat_with_parenthesis_in_comm() {
        let s = parse_stat("42 (a) b) (c) S 7 42 42 0 -1").unwrap();
        assert_eq!(s, Stat { pid: 42, state: 'S', ppid: 7 });
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn namespace_links() {
        assert_eq!(parse_ns_link(b"net:[4026531840]"), Some(4026531840));
        assert_eq!(parse_ns_link(b"time_for_children:[12]"), Some(12));
        assert_eq!(parse_ns_link(b"net:[]"), None);
        assert_eq!(parse_ns_link(b"net:[12"), None);
        assert_eq!(parse_ns_link(b"/dev/null"), None);
        // The live /proc answers with the inode stat(2) gives.
        let dir = ProcFs::live().open().unwrap();
        let me = std::process::id() as i32;
        assert_eq!(dir.ns(me, "net"), dir.stat(&format!("{me}/ns/net")).map(|f| f.ino));
        assert!(dir.ns(me, "net").is_some());
        let ns_dir = dir.ns_dir(me).unwrap();
        for name in crate::nstype::KINDS.map(|k| k.name) {
            assert_eq!(ns_dir.ns(name), dir.ns(me, name), "{name}");
        }
    }

    #[test]
    fn an_ns_directory_reads_as_gone_once_its_process_is() {
        let dir = ProcFs::live().open().unwrap();
        let mut child = std::process::Command::new("sleep").arg("60").spawn().unwrap();
        let pid = child.id() as i32;
        let ns_dir = dir.ns_dir(pid).unwrap();
        assert!(ns_dir.ns("net").is_some());
        child.kill().unwrap();
        child.wait().unwrap();
        // Whatever process gets the pid next, the links already open are not its links.
        assert_eq!(ns_dir.ns("net"), None);
        assert!(dir.ns_dir(pid).is_none() || dir.ns(pid, "net").is_some());
    }

    #[test]
    fn procfs_text_like_util_linux() {
        assert_eq!(procfs_text(b"sleep\x001000\x00").as_deref(), Some("sleep 1000"));
        assert_eq!(procfs_text(b"kthreadd\n").as_deref(), Some("kthreadd"));
        assert_eq!(procfs_text(b""), None);
        assert_eq!(procfs_text(b"x").as_deref(), Some(""));
    }

    #[test]
    fn unmangle_wraps_high_octal_escapes() {
        // Found by `cargo xtask fuzz proc`: `\\777` overflowed a u8 (a panic in debug builds).
        assert_eq!(unmangle("a\\040b\\134"), "a b\\");
        assert_eq!(unmangle("\\501"), "A");
        assert_eq!(unmangle("x\\77"), "x\\77");
    }

    #[test]
    fn mountinfo_nsfs_entries() {
        let text = "22 1 0:5 / /proc rw - proc proc rw\n\
                    600 30 0:4 net:[4026532469] /tmp/a\\040b rw,relatime shared:1 - nsfs nsfs rw\n\
                    601 30 0:4 net:[4026532538] /run/netns/demo rw - nsfs nsfs rw\n";
        assert_eq!(
            parse_mountinfo_nsfs(text),
            vec![
                NsfsMount { root: "net:[4026532469]".into(), target: "/tmp/a b".into() },
                NsfsMount { root: "net:[4026532538]".into(), target: "/run/netns/demo".into() },
            ]
        );
        let mqueue: Vec<_> = mountinfo_of_type("24 1 0:22 / /tmp/q\\040x rw - mqueue none rw\n", "mqueue").collect();
        assert_eq!(mqueue, [("/".to_string(), "/tmp/q x".to_string())]);
    }

    fn fixture() -> ProcDir {
        ProcFs::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/proc")).open().unwrap()
    }

    #[test]
    fn fixture_processes() {
        let dir = fixture();
        let mut pids = dir.pids().unwrap();
        pids.sort();
        // `uptime` is not a process; 6 is listed although it vanished before it was read.
        assert_eq!(pids, vec![1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(dir.stat_line(3), Some(Stat { pid: 3, state: 'S', ppid: 1 }));
        assert_eq!(dir.stat_line(6), None);
        // The comm ends at the last `)`, whatever it holds before.
        assert_eq!(dir.stat_line(7), Some(Stat { pid: 7, state: 'R', ppid: 3 }));
        assert_eq!(
            dir.uid(1),
            Some(
                std::fs::metadata(dir.root.join("1"))
                    .map(|m| {
                        use std::os::unix::fs::MetadataExt;
                        m.uid()
                    })
                    .unwrap()
            )
        );
    }

    #[test]
    fn fixture_command_lines() {
        let dir = fixture();
        assert_eq!(dir.command(1).as_deref(), Some("/sbin/init splash"));
        // A kernel thread has an empty cmdline: comm without its newline stands in.
        assert_eq!(dir.command(2).as_deref(), Some("kthreadd"));
        assert_eq!(dir.command(3).as_deref(), Some("sh -c echo \"a b\"\tc \u{fc}n\u{ef}"));
        // 8 KiB and more: the first 8192 bytes are read and the last of them dropped.
        let long = dir.command(4).unwrap();
        assert_eq!(long.len(), 8191);
        assert_eq!(long, format!("{} {}", "x".repeat(8190), ""));
        assert_eq!(dir.command(6), None);
        // Every byte is kept (not UTF-8, escapes, DEL); the renderers escape them.
        let hostile = dir.command(7).unwrap();
        assert_eq!(crate::byte_text::carried_bytes(&hostile), b"\xff\xfe\x1b[2Jevil --\x7f");
    }

    #[test]
    fn fixture_namespace_links() {
        let dir = fixture();
        assert!(dir.ns(1, "net").is_some());
        // A link that is gone reads as absent.
        assert_eq!(dir.ns(5, "net"), None);
        assert!(dir.ns(5, "uts").is_some());
        assert_eq!(dir.ns(6, "net"), None);
        let mut fds = 0;
        dir.for_each_fd(1, |_, _| fds += 1);
        assert_eq!(fds, 0);
    }

    #[test]
    fn fixture_mountinfo() {
        let mounts =
            ProcFs::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/proc")).nsfs_mounts().unwrap();
        assert_eq!(mounts.len(), 3);
        assert_eq!(mounts[1], NsfsMount { root: "net:[4026532538]".into(), target: "/run/netns/demo x".into() });
    }
}
