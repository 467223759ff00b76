//! Directories read with getdents64(2), opened relative to a directory descriptor: a scan
//! lists `/proc/PID/fd` for every process, and opendir(3) would add an fstat(2) and a
//! path walk from `/` each time. getdents64 is a raw call: nix's `Dir` reads through
//! fdopendir(3)/readdir(3), which allocate a buffer per directory that the walk does not.

use super::check;
use nix::fcntl::OFlag;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::path::Path;

/// An open directory.
#[derive(Debug)]
pub struct Dir {
    fd: OwnedFd,
}

/// `struct linux_dirent64`: d_ino (8), d_off (8), d_reclen (2), d_type (1), then the name.
const NAME_OFFSET: usize = 19;

impl Dir {
    /// openat(2) of `path` below `parent`, read-only, close-on-exec, failing unless a directory.
    pub fn open_at(parent: BorrowedFd<'_>, path: &Path) -> Result<Dir, i32> {
        let fd = super::at::open_raw(parent, path, OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC)?;
        // SAFETY: openat returned a fresh descriptor that nobody else owns.
        Ok(Dir { fd: unsafe { OwnedFd::from_raw_fd(fd) } })
    }

    /// A directory already open for reading.
    pub(crate) fn from_fd(fd: OwnedFd) -> Dir {
        Dir { fd }
    }

    /// Calls `each` with the name of every entry but `.` and `..`, in directory order.
    pub fn for_each_name(&self, mut each: impl FnMut(&[u8])) -> Result<(), i32> {
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: buf is writable for its whole length; the kernel fills at most that much.
            let len = unsafe { libc::syscall(libc::SYS_getdents64, self.fd.as_raw_fd(), buf.as_mut_ptr(), buf.len()) };
            let len = check(len)? as usize;
            if len == 0 {
                return Ok(());
            }
            let mut records = &buf[..len];
            while records.len() > NAME_OFFSET {
                let reclen = u16::from_ne_bytes([records[16], records[17]]) as usize;
                let Some(record) = records.get(NAME_OFFSET..reclen) else { break };
                let name = &record[..record.iter().position(|&b| b == 0).unwrap_or(record.len())];
                if name != b"." && name != b".." {
                    each(name);
                }
                records = &records[reclen..];
            }
        }
    }
}

impl AsFd for Dir {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_names_without_dots() {
        let tmp = std::env::temp_dir().join(format!("rns-dir-test-{}", std::process::id()));
        std::fs::create_dir_all(&tmp).unwrap();
        // Enough entries to need several getdents64 calls.
        let want: Vec<String> = (0..300).map(|i| format!("entry-with-a-longish-name-{i}")).collect();
        for name in &want {
            std::fs::write(tmp.join(name), b"").unwrap();
        }
        let root = std::fs::File::open("/").unwrap();
        let dir = Dir::open_at(root.as_fd(), &tmp);
        let mut got = Vec::new();
        dir.unwrap().for_each_name(|n| got.push(String::from_utf8(n.to_vec()).unwrap())).unwrap();
        std::fs::remove_dir_all(&tmp).unwrap();
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want);
        let file = Dir::open_at(root.as_fd(), Path::new("/proc/self/stat"));
        assert_eq!(file.unwrap_err(), libc::ENOTDIR);
    }
}
