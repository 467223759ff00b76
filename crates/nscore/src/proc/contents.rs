//! Pure parsers of the `/proc/PID` files that show what a namespace holds without entering
//! it: `uid_map`/`gid_map`, `timens_offsets`, `mountinfo` (count and root) and the `NSpid:`
//! line of `status` (rlsns's UIDMAP, GIDMAP, OFFSETS, MOUNTS, ROOT, LEVEL and INIT).

/// One range of an id map: `inside` ids map to `outside` ids, `count` of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdRange {
    pub inside: u64,
    pub outside: u64,
    pub count: u64,
}

/// The ranges of a `uid_map` or `gid_map` (the kernel pads its columns with spaces); lines
/// that are not three numbers are left out.
pub(crate) fn parse_id_map(text: &str) -> Vec<IdRange> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_ascii_whitespace().map(|w| w.parse::<u64>().ok());
            let (inside, outside, count) = (f.next()??, f.next()??, f.next()??);
            f.next().is_none().then_some(IdRange { inside, outside, count })
        })
        .collect()
}

/// One clock's offset from `timens_offsets`: `monotonic 86400 0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClockOffset {
    pub clock: String,
    pub secs: i64,
    pub nsecs: i64,
}

/// The offsets of `timens_offsets` (one clock per line: name, seconds, nanoseconds). A clock
/// name is a word of lower-case letters, digits and `_` (so it needs no quoting anywhere).
pub(crate) fn parse_time_offsets(text: &str) -> Vec<ClockOffset> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_ascii_whitespace();
            let clock =
                f.next().filter(|w| w.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))?;
            let clock = clock.to_string();
            let secs = f.next()?.parse().ok()?;
            let nsecs = f.next()?.parse().ok()?;
            f.next().is_none().then_some(ClockOffset { clock, secs, nsecs })
        })
        .collect()
}

/// What a mount table says: how many mounts, and what is mounted at `/` (source and
/// filesystem type, their octal escapes decoded as findmnt shows them), from the mount at `/`
/// that no other mount at `/` stacks on (the top of the stack there).
pub(crate) fn mountinfo_summary(text: &str) -> (usize, Option<(String, String)>) {
    let mut count = 0;
    // (mount id, parent id, fstype, source) of each mount at `/`
    let mut at_root: Vec<(&str, &str, &str, &str)> = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        count += 1;
        let fields: Vec<&str> = line.split(' ').collect();
        if fields.get(4) != Some(&"/") {
            continue;
        }
        // After the optional fields: `- fstype source superoptions`.
        if let Some(dash) = fields.iter().skip(6).position(|&f| f == "-") {
            let rest = &fields[6 + dash + 1..];
            if let (Some(fstype), Some(source)) = (rest.first(), rest.get(1)) {
                at_root.push((fields[0], fields[1], fstype, source));
            }
        }
    }
    let on_top = at_root.iter().rev().find(|(id, ..)| !at_root.iter().any(|(_, parent, ..)| parent == id));
    (count, on_top.map(|(_, _, fstype, source)| (super::unmangle(source), super::unmangle(fstype))))
}

/// The `NSpid:` fields of a `status` file: the process's pid in the pid namespace of the
/// `/proc` read, then in each nested one down to its own.
pub(crate) fn parse_nspid(status: &str) -> Option<Vec<i32>> {
    let line = status.lines().find_map(|l| l.strip_prefix("NSpid:"))?;
    let pids: Option<Vec<i32>> = line.split_ascii_whitespace().map(|w| w.parse().ok()).collect();
    pids.filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_maps_as_the_kernel_pads_them() {
        let text = "         0       1000          1\n         1     100000      65536\n";
        assert_eq!(
            parse_id_map(text),
            [IdRange { inside: 0, outside: 1000, count: 1 }, IdRange { inside: 1, outside: 100000, count: 65536 }]
        );
        assert_eq!(parse_id_map("0 4294967295 4294967295\n")[0].count, 4294967295);
        assert!(parse_id_map("").is_empty());
        assert!(parse_id_map("0 1\nx y z\n0 1 2 3\n").is_empty());
    }

    #[test]
    fn time_offsets() {
        let text = "monotonic      86400         0\nboottime        -3600 5\n";
        assert_eq!(
            parse_time_offsets(text),
            [
                ClockOffset { clock: "monotonic".into(), secs: 86400, nsecs: 0 },
                ClockOffset { clock: "boottime".into(), secs: -3600, nsecs: 5 },
            ]
        );
        assert!(parse_time_offsets("monotonic x 0\n").is_empty());
        assert!(parse_time_offsets("mono\"tonic 1 0\n").is_empty());
    }

    #[test]
    fn mount_count_and_root() {
        let text = "\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
23 22 0:5 / /proc rw - proc proc rw
40 22 0:40 / / rw master:2 shared:9 - tmpfs none rw
41 23 0:41 / /tmp/a\\040b rw - tmpfs tmpfs rw
";
        assert_eq!(mountinfo_summary(text), (4, Some(("none".into(), "tmpfs".into()))));
        assert_eq!(mountinfo_summary("23 22 0:5 / /proc rw - proc proc rw\n"), (1, None));
        assert_eq!(mountinfo_summary(""), (0, None));
        // A root below the filesystem's (a bind mount) still names its source and type.
        assert_eq!(
            mountinfo_summary("1 0 8:1 /srv/root / rw - btrfs /dev/vda2 rw\n").1,
            Some(("/dev/vda2".into(), "btrfs".into()))
        );
    }

    #[test]
    fn nspid_fields() {
        let status = "Name:\tsleep\nPid:\t4242\nNSpid:\t4242\t7\t1\nPPid:\t1\n";
        assert_eq!(parse_nspid(status), Some(vec![4242, 7, 1]));
        assert_eq!(parse_nspid("NSpid:\t1\n"), Some(vec![1]));
        assert_eq!(parse_nspid("Pid:\t1\n"), None);
        assert_eq!(parse_nspid("NSpid:\n"), None);
    }
}
