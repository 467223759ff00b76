//! User-namespace id maps (user_namespaces(7) `uid_map`/`gid_map`): the ranges of
//! `--map-users`/`--map-groups`/`--map-auto`/`--map-subids`, the sub-id files they come from,
//! the one-id hole cut around `--map-user`, and the text or newuidmap argv that carries them.

use crate::error::{Error, MsgArg, Result};
use crate::number::{parse_unsigned, scan_u32};

/// One line of an id map: `count` ids from `outer` (parent namespace) appear as `inner`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapRange {
    /// `None`: an `auto` range, whose inner ids start at 0 around the single id.
    pub inner: Option<u32>,
    pub outer: u32,
    pub count: u32,
}

impl MapRange {
    pub fn new(inner: u32, outer: u32, count: u32) -> MapRange {
        MapRange { inner: Some(inner), outer, count }
    }

    fn inner_or_zero(&self) -> u32 {
        self.inner.unwrap_or(0)
    }
}

/// Three `%u` separated by `sep`, nothing trailing.
fn scan_triple(s: &str, sep: char) -> Option<(u32, u32, u32)> {
    let (a, rest) = scan_u32(s)?;
    let (b, rest) = scan_u32(rest.strip_prefix(sep)?)?;
    let (c, rest) = scan_u32(rest.strip_prefix(sep)?)?;
    rest.is_empty().then_some((a, b, c))
}

/// `--map-users`/`--map-groups` `<inner>:<outer>:<count>`, or the old `<outer>,<inner>,<count>`.
pub fn parse_range(s: &str) -> Result<MapRange> {
    if let Some((inner, outer, count)) = scan_triple(s, ':') {
        return Ok(MapRange::new(inner, outer, count));
    }
    if let Some((outer, inner, count)) = scan_triple(s, ',') {
        return Ok(MapRange::new(inner, outer, count));
    }
    Err(Error::tr("invalid mapping '%s'", vec![MsgArg::str(s)]))
}

/// The first line of a subuid/subgid file (`name:start:count`) that belongs to `user`/`uid`:
/// `auto` maps it from inner 0, `subids` (`identity`) onto itself.
pub fn subid_range(text: &str, path: &str, user: &str, uid: u32, identity: bool) -> Result<MapRange> {
    for line in text.split_inclusive('\n') {
        let Some((owner, rest)) = line.split_once(':') else { continue };
        // util-linux compares the field's leading number with the uid (a name reads as 0).
        if owner != user && scan_u32(owner).map_or(0, |(id, _)| id) != uid {
            continue;
        }
        let Some((start, rest)) = rest.split_once(':') else { continue };
        let what = "failed to parse subid map";
        let outer = parse_unsigned(start, what)? as u32;
        let count_text = rest.split('\n').next().unwrap_or_default();
        let count = parse_unsigned(count_text, what)? as u32;
        return Ok(MapRange { inner: identity.then_some(outer), outer, count });
    }
    Err(Error::tr("no line matching user \"%s\" in %s", vec![MsgArg::str(user), MsgArg::str(path)]))
}

/// `--map-users=all`: one identity range per line of our own `uid_map`/`gid_map`.
pub fn kernel_map_ranges(text: &str) -> Vec<MapRange> {
    text.lines()
        .filter_map(|line| {
            let (start, rest) = scan_u32(line)?;
            let (_, rest) = scan_u32(rest)?;
            let (count, _) = scan_u32(rest)?;
            Some(MapRange::new(start, start, count))
        })
        .collect()
}

/// Puts the single id `inner` (seen from inside) for `outer` first and cuts a one-id hole in
/// every range that contains either, so no id is mapped twice; `inner` None (no single id)
/// only resolves `auto` ranges. An `auto` range never loses an id: it is shifted past the single
/// id instead (util-linux 2.42.3, stable/v2.42 commit 294f483, even when the outer id falls in it).
pub fn with_single_id(ranges: &[MapRange], outer: u32, inner: Option<u32>) -> Vec<MapRange> {
    // util-linux's arithmetic is unsigned 32-bit with "-1" for "no single id".
    let single_inner = inner.unwrap_or(u32::MAX);
    let outer = if inner.is_none() { u32::MAX } else { outer };
    let mut out = Vec::with_capacity(ranges.len() * 3 + 1);
    if let Some(inner) = inner {
        out.push(MapRange::new(inner, outer, 1));
    }
    for map in ranges {
        let auto = map.inner.is_none();
        let map_inner = map.inner_or_zero();
        let mut count = map.count;
        if inner.is_some() {
            let outer_hit = outer >= map.outer && outer <= map.outer.wrapping_add(count);
            let inner_hit = single_inner >= map_inner && single_inner <= map_inner.wrapping_add(count);
            if !auto && (outer_hit || inner_hit) {
                count = count.wrapping_sub(1);
            }
        }
        let outer_offset = outer.saturating_sub(map.outer).min(count);
        let inner_offset = single_inner.saturating_sub(map_inner).min(count);
        let lo = MapRange::new(map_inner, map.outer, inner_offset.min(outer_offset));
        let mut mid = MapRange::new(lo.inner_or_zero().wrapping_add(lo.count), map.outer.wrapping_add(lo.count), 0);
        mid.outer = mid.outer.wrapping_add(u32::from(mid.outer == outer));
        mid.inner = Some(mid.inner_or_zero().wrapping_add(u32::from(mid.inner_or_zero() == single_inner)));
        mid.count = outer_offset.abs_diff(inner_offset);
        let mut hi = MapRange::new(mid.inner_or_zero().wrapping_add(mid.count), mid.outer.wrapping_add(mid.count), 0);
        hi.outer = hi.outer.wrapping_add(u32::from(hi.outer == outer));
        hi.inner = Some(hi.inner_or_zero().wrapping_add(u32::from(hi.inner_or_zero() == single_inner)));
        hi.count = count.wrapping_sub(lo.count).wrapping_sub(mid.count);
        out.extend([lo, mid, hi].into_iter().filter(|r| r.count != 0));
    }
    out
}

/// The text written to `/proc/PID/uid_map` by root: one `inner outer count` line per range, in
/// one write no larger than the kernel's page.
pub fn map_file_text(ranges: &[MapRange], path: &str) -> Result<String> {
    let text: String = ranges.iter().map(|r| format!("{} {} {}\n", r.inner_or_zero(), r.outer, r.count)).collect();
    if text.len() > 4096 {
        return Err(Error::tr("%s too large for kernel 4k limit", vec![MsgArg::str(path)]));
    }
    Ok(text)
}

/// newuidmap/newgidmap's arguments after the tool name: `PID inner outer count ...`.
pub(crate) fn newidmap_args(pid: libc::pid_t, ranges: &[MapRange]) -> Vec<String> {
    let mut args = vec![pid.to_string()];
    for r in ranges {
        args.extend([r.inner_or_zero().to_string(), r.outer.to_string(), r.count.to_string()]);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(ranges: &[MapRange]) -> String {
        map_file_text(ranges, "x").unwrap()
    }

    #[test]
    fn range_syntax() {
        assert_eq!(parse_range("1:100000:10").unwrap(), MapRange::new(1, 100000, 10));
        assert_eq!(parse_range("100000,1,10").unwrap(), MapRange::new(1, 100000, 10));
        assert_eq!(parse_range("1,2"), Err(Error::msg("invalid mapping '1,2'")));
        assert_eq!(parse_range("1:2:3x"), Err(Error::msg("invalid mapping '1:2:3x'")));
        assert_eq!(parse_range("1:2,3"), Err(Error::msg("invalid mapping '1:2,3'")));
    }

    #[test]
    fn hole_around_single_id() {
        // Observed with 2.42.2.
        let r = [MapRange::new(0, 100000, 65536)];
        assert_eq!(lines(&with_single_id(&r, 0, Some(0))), "0 0 1\n1 100000 65535\n");
        let r = [MapRange::new(1, 100000, 100)];
        assert_eq!(lines(&with_single_id(&r, 0, Some(0))), "0 0 1\n1 100000 100\n");
        let r = [MapRange::new(5, 100000, 10)];
        assert_eq!(newidmap_args(7, &with_single_id(&r, 1000, Some(0))), ["7", "0", "1000", "1", "5", "100000", "10"]);
        let r = [MapRange::new(0, 100000, 65536)];
        assert_eq!(
            newidmap_args(7, &with_single_id(&r, 1000, Some(0))),
            ["7", "0", "1000", "1", "1", "100000", "65535"]
        );
        let r = [MapRange::new(0, 100000, 10)];
        assert_eq!(lines(&with_single_id(&r, 0, Some(5))), "5 0 1\n0 100000 5\n6 100005 4\n");
    }

    #[test]
    fn ranges_keep_command_line_order() {
        let r = [MapRange::new(0, 100000, 10), MapRange::new(10, 200000, 10)];
        assert_eq!(lines(&with_single_id(&r, 0, None)), "0 100000 10\n10 200000 10\n");
    }

    #[test]
    fn auto_range_loses_no_id() {
        // util-linux 2.42.3: `-r --map-auto` with root:200000:65536.
        let auto = [MapRange { inner: None, outer: 200000, count: 65536 }];
        assert_eq!(lines(&with_single_id(&auto, 0, Some(0))), "0 0 1\n1 200000 65536\n");
        assert_eq!(lines(&with_single_id(&auto, 0, None)), "0 200000 65536\n");
        // An auto range holding the outer id too (root:0:65536) keeps its count as well: observed
        // with util-linux stable/v2.42 (2.42.3), `-r --map-auto` and `--map-user=5 --map-auto`.
        let auto = [MapRange { inner: None, outer: 0, count: 65536 }];
        assert_eq!(lines(&with_single_id(&auto, 0, Some(0))), "0 0 1\n1 1 65536\n");
        assert_eq!(lines(&with_single_id(&auto, 0, Some(5))), "5 0 1\n0 1 5\n6 6 65531\n");
    }

    #[test]
    fn subid_files() {
        let text = "alice:100000:65536\nroot:200000:1000\n";
        assert_eq!(
            subid_range(text, "/etc/subuid", "bob", 1001, false),
            Err(Error::msg("no line matching user \"bob\" in /etc/subuid"))
        );
        // util-linux compares strtoul(first field) with the uid: a name reads as 0, root's.
        assert_eq!(subid_range(text, "/etc/subuid", "root", 0, true).unwrap(), MapRange::new(100000, 100000, 65536));
        assert_eq!(
            subid_range("1001:5:x\n", "/etc/subuid", "bob", 1001, false),
            Err(Error::msg("failed to parse subid map: 'x'"))
        );
        assert_eq!(kernel_map_ranges("         0          0 4294967295\n"), [MapRange::new(0, 0, u32::MAX)]);
    }
}
