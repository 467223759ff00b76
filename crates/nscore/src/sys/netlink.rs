//! rtnetlink(7) `RTM_GETNSID`: the id a network namespace has in ours (`ip netns set NAME ID`),
//! asked with the namespace's nsfs descriptor (`NETNSA_FD`); and the dumps (`RTM_GETLINK`,
//! `RTM_GETADDR`) of the calling thread's network namespace, as raw messages.

use super::errno;
use nix::sys::socket::{recv, send, socket, AddressFamily, MsgFlags, SockFlag, SockProtocol, SockType};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};

const RTM_NEWNSID: u16 = 88;
const RTM_GETNSID: u16 = 90;
const NLM_F_REQUEST: u16 = 1;
/// NLM_F_ROOT | NLM_F_MATCH.
const NLM_F_DUMP: u16 = 0x300;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
pub(crate) const RTM_GETLINK: u16 = 18;
pub(crate) const RTM_GETADDR: u16 = 22;
const NETNSA_NSID: u16 = 1;
const NETNSA_FD: u16 = 3;
/// NLMSG_SPACE(sizeof(struct rtgenmsg)): header (16) + rtgenmsg (1) padded to 4.
const HEADER_SPACE: usize = 20;

/// A `NETLINK_ROUTE` socket.
#[derive(Debug)]
pub(crate) struct RouteSocket {
    fd: OwnedFd,
}

impl RouteSocket {
    /// socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), close-on-exec.
    pub(crate) fn open() -> Result<RouteSocket, i32> {
        let fd = socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkRoute)
            .map_err(errno)?;
        Ok(RouteSocket { fd })
    }

    /// The nsid of the network namespace behind `ns` (`-1`: none assigned), or `None` when
    /// the kernel does not answer with an `RTM_NEWNSID` whose first attribute is `NETNSA_NSID`;
    /// `Err(errno)` when it could not be asked (send(2) or recv(2) failed).
    pub(crate) fn nsid(&self, ns: BorrowedFd<'_>) -> Result<Option<i32>, i32> {
        let mut req = [0u8; HEADER_SPACE + 8];
        let len = req.len() as u32;
        req[0..4].copy_from_slice(&len.to_ne_bytes());
        req[4..6].copy_from_slice(&RTM_GETNSID.to_ne_bytes());
        req[6..8].copy_from_slice(&NLM_F_REQUEST.to_ne_bytes());
        req[16] = libc::AF_UNSPEC as u8;
        req[HEADER_SPACE..HEADER_SPACE + 2].copy_from_slice(&8u16.to_ne_bytes());
        req[HEADER_SPACE + 2..HEADER_SPACE + 4].copy_from_slice(&NETNSA_FD.to_ne_bytes());
        req[HEADER_SPACE + 4..].copy_from_slice(&ns.as_raw_fd().to_ne_bytes());
        send(self.fd.as_raw_fd(), &req, MsgFlags::empty()).map_err(errno)?;
        // Room for the answer's first attribute or for an nlmsgerr, as util-linux reserves.
        let mut res = [0u8; HEADER_SPACE + 24];
        let got = recv(self.fd.as_raw_fd(), &mut res, MsgFlags::empty()).map_err(errno)?;
        Ok(parse_nsid_reply(&res[..got]))
    }
}

impl RouteSocket {
    /// A dump of every object of a kind (`RTM_GETLINK` with a zeroed `ifinfomsg` of 16 bytes,
    /// `RTM_GETADDR` with an `ifaddrmsg` of 8): the reply messages as the kernel sent them,
    /// up to (without) `NLMSG_DONE`. An `NLMSG_ERROR` answer is `Err` with its errno.
    pub(crate) fn dump(&self, request: u16, body_len: usize) -> Result<Vec<u8>, i32> {
        let mut req = vec![0u8; 16 + body_len];
        let len = req.len() as u32;
        req[0..4].copy_from_slice(&len.to_ne_bytes());
        req[4..6].copy_from_slice(&request.to_ne_bytes());
        req[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
        req[8..12].copy_from_slice(&1u32.to_ne_bytes());
        send(self.fd.as_raw_fd(), &req, MsgFlags::empty()).map_err(errno)?;
        let mut messages = Vec::new();
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            let got = recv(self.fd.as_raw_fd(), &mut buf, MsgFlags::empty()).map_err(errno)?;
            if got == 0 {
                return Ok(messages);
            }
            let mut at = 0;
            while at + 16 <= got {
                let Some((kind, len)) = header_at(&buf[..got], at) else { return Ok(messages) };
                match kind {
                    NLMSG_DONE => return Ok(messages),
                    NLMSG_ERROR => {
                        let code =
                            buf.get(at + 16..at + 20).map_or(0, |b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
                        return Err(if code < 0 { -code } else { libc::EIO });
                    }
                    _ => {
                        // Kept 4-aligned, as NLMSG_ALIGN walks them.
                        messages.extend_from_slice(&buf[at..at + len]);
                        messages.resize((messages.len() + 3) & !3, 0);
                    }
                }
                at += (len + 3) & !3;
            }
        }
    }
}

/// The type and length of the netlink message at `at` of `bytes`, when the whole message
/// (at least its 16-byte header) is there.
fn header_at(bytes: &[u8], at: usize) -> Option<(u16, usize)> {
    let head = bytes.get(at..at.checked_add(16)?)?;
    let len = u32::from_ne_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let kind = u16::from_ne_bytes([head[4], head[5]]);
    (len >= 16 && at.checked_add(len)? <= bytes.len()).then_some((kind, len))
}

/// The netlink messages of `bytes` (a [`RouteSocket::dump`]): each one's type and body (after
/// the 16-byte header), up to the first that is cut short.
pub(crate) fn messages(bytes: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let (kind, len) = header_at(bytes, at)?;
        let body = &bytes[at + 16..at + len];
        at += (len + 3) & !3;
        Some((kind, body))
    })
}

/// The route attributes (type, payload) that follow a message's fixed part.
pub(crate) fn attributes(bytes: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let head = bytes.get(at..at + 4)?;
        let len = u16::from_ne_bytes([head[0], head[1]]) as usize;
        let kind = u16::from_ne_bytes([head[2], head[3]]) & 0x3fff;
        let data = bytes.get(at + 4..at.checked_add(len)?).filter(|_| len >= 4)?;
        at += (len + 3) & !3;
        Some((kind, data))
    })
}

/// Reads the nsid out of an `RTM_NEWNSID` reply.
fn parse_nsid_reply(res: &[u8]) -> Option<i32> {
    let u32_at = |at: usize| res.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_ne_bytes);
    let u16_at = |at: usize| res.get(at..at + 2).and_then(|b| b.try_into().ok()).map(u16::from_ne_bytes);
    let msg_len = u32_at(0)? as usize;
    if msg_len < 16 || msg_len > res.len() || u16_at(4)? != RTM_NEWNSID {
        return None;
    }
    let attrs_len = msg_len.checked_sub(HEADER_SPACE)?;
    let rta_len = u16_at(HEADER_SPACE)? as usize;
    if attrs_len < 4 || rta_len < 4 || rta_len > attrs_len || u16_at(HEADER_SPACE + 2)? != NETNSA_NSID {
        return None;
    }
    res.get(HEADER_SPACE + 4..HEADER_SPACE + 8).and_then(|b| b.try_into().ok()).map(i32::from_ne_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_parsing() {
        let mut res = vec![0u8; 28];
        res[0..4].copy_from_slice(&28u32.to_ne_bytes());
        res[4..6].copy_from_slice(&RTM_NEWNSID.to_ne_bytes());
        res[20..22].copy_from_slice(&8u16.to_ne_bytes());
        res[22..24].copy_from_slice(&NETNSA_NSID.to_ne_bytes());
        res[24..28].copy_from_slice(&(-1i32).to_ne_bytes());
        assert_eq!(parse_nsid_reply(&res), Some(-1));
        res[4..6].copy_from_slice(&2u16.to_ne_bytes()); // NLMSG_ERROR
        assert_eq!(parse_nsid_reply(&res), None);
    }
}
