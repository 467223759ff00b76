//! rtnetlink(7) `RTM_GETNSID`: the id a network namespace has in ours (`ip netns set NAME ID`),
//! asked with the namespace's nsfs descriptor (`NETNSA_FD`); and the dumps (`RTM_GETLINK`,
//! `RTM_GETADDR`) of the calling thread's network namespace, as raw messages.
//!
//! Only the kernel answers. Root in a container (CAP_NET_ADMIN in its own network namespace)
//! sees the port of a socket rlsns opened there in `/proc/net/netlink` and may unicast to it:
//! fake interfaces, a fake end of the dump, or a flood that keeps the receive queue full so
//! the kernel's dump stalls and never ends. So each socket is connected to the kernel (port
//! 0), which makes the kernel refuse datagrams from any other port; a datagram is read only
//! when its sender is the kernel, a message only when it answers this socket's request (its
//! port and sequence number); and one answer may read at most [`ANSWER_BYTES`] for at most
//! [`ANSWER_TIME`].

use super::errno;
use nix::errno::Errno;
use nix::sys::socket::{
    connect, getsockname, recvfrom, send, setsockopt, socket, sockopt, AddressFamily, MsgFlags, NetlinkAddr, SockFlag,
    SockProtocol, SockType,
};
use nix::sys::time::{TimeVal, TimeValLike};
use std::os::fd::{AsRawFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

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

/// The most one answer may read, every datagram counted: the link dump of 10,001 veth
/// interfaces is 15 MB (1.5 KB a message) and that of 18,400 addresses on them 1.5 MB, so
/// this is over four times the largest dump of such a host. It bounds the memory one
/// namespace's answer takes (a dump is kept whole until it is parsed).
const ANSWER_BYTES: usize = 64 << 20;

/// The longest one answer may take: the kernel dumps the links of 10,001 veth interfaces in
/// 1.1 s on an idle machine with 2 cores (rlsns lists them and 10,000 addresses in 1.2 to
/// 2.3 s, a debug build), so this leaves room for a loaded one. Once the socket is connected,
/// only the kernel can make an answer slow (RTNL held long by others).
const ANSWER_TIME: Duration = Duration::from_secs(10);

/// A `NETLINK_ROUTE` socket connected to the kernel.
#[derive(Debug)]
pub(crate) struct RouteSocket {
    fd: OwnedFd,
    /// The port the kernel bound the socket to: its answers carry it as `nlmsg_pid`.
    port: u32,
    /// The last request's sequence number.
    seq: AtomicU32,
}

impl RouteSocket {
    /// socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), close-on-exec, connected to the kernel.
    pub(crate) fn open() -> Result<RouteSocket, i32> {
        let fd = socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkRoute)
            .map_err(errno)?;
        // A connected netlink socket takes datagrams from its peer only (the kernel answers
        // any other sender ECONNREFUSED); connect(2) also binds it, so its port is known.
        connect(fd.as_raw_fd(), &NetlinkAddr::new(0, 0)).map_err(errno)?;
        let port = getsockname::<NetlinkAddr>(fd.as_raw_fd()).map_err(errno)?.pid();
        Ok(RouteSocket { fd, port, seq: AtomicU32::new(0) })
    }

    /// The nsid of the network namespace behind `ns` (`-1`: none assigned), or `None` when
    /// the kernel does not answer with an `RTM_NEWNSID` whose first attribute is `NETNSA_NSID`;
    /// `Err(errno)` when it could not be asked (send(2) or recv(2) failed, or no answer came
    /// within the bounds: ETIMEDOUT, EMSGSIZE).
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
        let seq = self.request(&mut req)?;
        // The answer is one message: an RTM_NEWNSID, or an nlmsgerr echoing the request.
        self.answer(seq, 1024, |_, message| Some(Ok(parse_nsid_reply(message))))
    }

    /// A dump of every object of a kind (`RTM_GETLINK` with a zeroed `ifinfomsg` of 16 bytes,
    /// `RTM_GETADDR` with an `ifaddrmsg` of 8): the reply messages as the kernel sent them,
    /// up to (without) `NLMSG_DONE`. An `NLMSG_ERROR` answer is `Err` with its errno; so is
    /// a dump that does not end within the bounds (ETIMEDOUT, EMSGSIZE).
    pub(crate) fn dump(&self, request: u16, body_len: usize) -> Result<Vec<u8>, i32> {
        let mut req = vec![0u8; 16 + body_len];
        let len = req.len() as u32;
        req[0..4].copy_from_slice(&len.to_ne_bytes());
        req[4..6].copy_from_slice(&request.to_ne_bytes());
        req[6..8].copy_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
        let seq = self.request(&mut req)?;
        let mut messages = Vec::new();
        self.answer(seq, 32 * 1024, |kind, message| collect(&mut messages, kind, message))?;
        Ok(messages)
    }

    /// Sends `req` with the next sequence number, which it returns.
    fn request(&self, req: &mut [u8]) -> Result<u32, i32> {
        let seq = self.seq.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        req[8..12].copy_from_slice(&seq.to_ne_bytes());
        send(self.fd.as_raw_fd(), req, MsgFlags::empty()).map_err(errno)?;
        Ok(seq)
    }

    /// Reads the kernel's answer to request `seq` in datagrams of up to `buf_len` bytes,
    /// handing each of its messages (header included) to `take` until `take` gives the
    /// result. Whatever else arrives is skipped (see [`accepted`]), within the [`Budget`].
    fn answer<T>(
        &self,
        seq: u32,
        buf_len: usize,
        mut take: impl FnMut(u16, &[u8]) -> Option<Result<T, i32>>,
    ) -> Result<T, i32> {
        let mut budget = Budget::new(Instant::now());
        let mut buf = vec![0u8; buf_len];
        loop {
            // A recv waits at most until the deadline (SO_RCVTIMEO; 0 would mean forever).
            let left = budget.time_left(Instant::now())?;
            let micros = i64::try_from(left.as_micros()).unwrap_or(i64::MAX).max(1);
            setsockopt(&self.fd, sockopt::ReceiveTimeout, &TimeVal::microseconds(micros)).map_err(errno)?;
            let (got, sender) = recvfrom::<NetlinkAddr>(self.fd.as_raw_fd(), &mut buf).map_err(|e| match e {
                Errno::EAGAIN => libc::ETIMEDOUT,
                e => errno(e),
            })?;
            budget.spend(got)?;
            for (kind, message) in accepted(sender.map(|a| a.pid()), &buf[..got], self.port, seq) {
                if let Some(result) = take(kind, message) {
                    return result;
                }
            }
        }
    }
}

/// [`RouteSocket::dump`]'s step: `NLMSG_DONE` ends the dump, `NLMSG_ERROR` fails it with its
/// errno, any other message is kept, 4-aligned as `NLMSG_ALIGN` walks them.
fn collect(messages: &mut Vec<u8>, kind: u16, message: &[u8]) -> Option<Result<(), i32>> {
    match kind {
        NLMSG_DONE => Some(Ok(())),
        NLMSG_ERROR => {
            let code = message.get(16..20).map_or(0, |b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
            Some(Err(if code < 0 { -code } else { libc::EIO }))
        }
        _ => {
            messages.extend_from_slice(message);
            messages.resize((messages.len() + 3) & !3, 0);
            None
        }
    }
}

/// What one answer may still read and how long it may still wait.
#[derive(Debug)]
struct Budget {
    read: usize,
    deadline: Instant,
}

impl Budget {
    fn new(now: Instant) -> Budget {
        Budget { read: 0, deadline: now + ANSWER_TIME }
    }

    /// The time left to wait, or ETIMEDOUT when it is spent.
    fn time_left(&self, now: Instant) -> Result<Duration, i32> {
        Some(self.deadline.saturating_duration_since(now)).filter(|left| !left.is_zero()).ok_or(libc::ETIMEDOUT)
    }

    /// Counts a datagram of `bytes`: EMSGSIZE once the answer has read more than [`ANSWER_BYTES`].
    fn spend(&mut self, bytes: usize) -> Result<(), i32> {
        self.read = self.read.saturating_add(bytes);
        if self.read > ANSWER_BYTES {
            return Err(libc::EMSGSIZE);
        }
        Ok(())
    }
}

/// The messages of `datagram` (type, whole message) that answer request `seq` of the socket
/// bound to `port`. None unless the kernel sent the datagram: `sender` (the port recvfrom(2)
/// gives, which the kernel sets) is 0. A message's own `nlmsg_pid` is whatever its sender
/// wrote, so it only tells which of the kernel's answers are this socket's: they carry its
/// port (not 0) and the request's sequence number. The walk ends at a message cut short.
fn accepted(sender: Option<u32>, datagram: &[u8], port: u32, seq: u32) -> impl Iterator<Item = (u16, &[u8])> {
    let from_kernel = sender == Some(0);
    let mut at = 0;
    std::iter::from_fn(move || {
        let head = header_at(datagram, at).filter(|_| from_kernel)?;
        let message = &datagram[at..at + head.len];
        at += (head.len + 3) & !3;
        Some((head, message))
    })
    .filter(move |(head, _)| head.port == port && head.seq == seq)
    .map(|(head, message)| (head.kind, message))
}

/// A netlink message header (`struct nlmsghdr`).
#[derive(Debug, Clone, Copy)]
struct Header {
    len: usize,
    kind: u16,
    seq: u32,
    port: u32,
}

/// The header of the netlink message at `at` of `bytes`, when the whole message (at least
/// its 16-byte header) is there.
fn header_at(bytes: &[u8], at: usize) -> Option<Header> {
    let head = bytes.get(at..at.checked_add(16)?)?;
    let u32_at = |i: usize| u32::from_ne_bytes([head[i], head[i + 1], head[i + 2], head[i + 3]]);
    let len = u32_at(0) as usize;
    let kind = u16::from_ne_bytes([head[4], head[5]]);
    (len >= 16 && at.checked_add(len)? <= bytes.len()).then_some(Header { len, kind, seq: u32_at(8), port: u32_at(12) })
}

/// The netlink messages of `bytes` (a [`RouteSocket::dump`]): each one's type and body (after
/// the 16-byte header), up to the first that is cut short.
pub(crate) fn messages(bytes: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let head = header_at(bytes, at)?;
        let body = &bytes[at + 16..at + head.len];
        at += (head.len + 3) & !3;
        Some((head.kind, body))
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

    const RTM_NEWLINK: u16 = 16;

    /// A message of `kind` with `body`, as a sender wrote it: `seq` and `port` in its header.
    fn message(kind: u16, seq: u32, port: u32, body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&((16 + body.len()) as u32).to_ne_bytes());
        m.extend_from_slice(&kind.to_ne_bytes());
        m.extend_from_slice(&2u16.to_ne_bytes()); // NLM_F_MULTI
        m.extend_from_slice(&seq.to_ne_bytes());
        m.extend_from_slice(&port.to_ne_bytes());
        m.extend_from_slice(body);
        m.resize((m.len() + 3) & !3, 0);
        m
    }

    fn kinds<'a>(it: impl Iterator<Item = (u16, &'a [u8])>) -> Vec<(u16, usize)> {
        it.map(|(kind, m)| (kind, m.len())).collect()
    }

    #[test]
    fn only_the_kernels_answers_to_this_request_are_read() {
        let (port, seq) = (4711, 7);
        let answer = [message(RTM_NEWLINK, seq, port, &[0; 17]), message(NLMSG_DONE, seq, port, &[0; 4])].concat();
        // The kernel's datagram: every message, whole, header included.
        assert_eq!(kinds(accepted(Some(0), &answer, port, seq)), [(RTM_NEWLINK, 33), (NLMSG_DONE, 20)]);
        // The same bytes from any other port (root in the container wrote the headers it
        // expected us to check), or from no address at all: nothing.
        assert!(kinds(accepted(Some(4242), &answer, port, seq)).is_empty());
        assert!(kinds(accepted(Some(port), &answer, port, seq)).is_empty());
        assert!(kinds(accepted(None, &answer, port, seq)).is_empty());
        // From the kernel, a message of another request (an earlier one that timed out) or
        // of another socket is skipped; nlmsg_pid 0 is not ours either.
        let mixed = [
            message(RTM_NEWLINK, seq - 1, port, &[1; 16]),
            message(RTM_NEWLINK, seq, port + 1, &[2; 16]),
            message(RTM_NEWLINK, seq, 0, &[3; 16]),
            message(RTM_NEWLINK, seq, port, &[4; 16]),
        ]
        .concat();
        let got: Vec<&[u8]> = accepted(Some(0), &mixed, port, seq).map(|(_, m)| m).collect();
        assert_eq!(got, [&mixed[96..]]);
        // A message cut short ends the walk.
        let mut cut = answer.clone();
        cut.truncate(40);
        assert_eq!(kinds(accepted(Some(0), &cut, port, seq)), [(RTM_NEWLINK, 33)]);
    }

    #[test]
    fn a_dump_ends_at_done_or_error() {
        let mut kept = Vec::new();
        let link = message(RTM_NEWLINK, 1, 1, &[9; 17]);
        assert_eq!(collect(&mut kept, RTM_NEWLINK, &link[..33]), None);
        assert_eq!(kept, link, "kept 4-aligned");
        assert_eq!(collect(&mut kept, NLMSG_DONE, &message(NLMSG_DONE, 1, 1, &[0; 4])), Some(Ok(())));
        let refused = message(NLMSG_ERROR, 1, 1, &(-libc::EPERM).to_ne_bytes());
        assert_eq!(collect(&mut kept, NLMSG_ERROR, &refused), Some(Err(libc::EPERM)));
        let odd = message(NLMSG_ERROR, 1, 1, &0i32.to_ne_bytes());
        assert_eq!(collect(&mut kept, NLMSG_ERROR, &odd), Some(Err(libc::EIO)));
        assert_eq!(kept, link);
    }

    #[test]
    fn an_answer_is_bounded_in_bytes_and_time() {
        let start = Instant::now();
        let mut budget = Budget::new(start);
        assert_eq!(budget.time_left(start), Ok(ANSWER_TIME));
        assert_eq!(budget.time_left(start + ANSWER_TIME - Duration::from_millis(1)), Ok(Duration::from_millis(1)));
        assert_eq!(budget.time_left(start + ANSWER_TIME), Err(libc::ETIMEDOUT));
        assert_eq!(budget.time_left(start + ANSWER_TIME * 2), Err(libc::ETIMEDOUT));
        assert_eq!(budget.spend(ANSWER_BYTES - 1), Ok(()));
        assert_eq!(budget.spend(1), Ok(()));
        assert_eq!(budget.spend(1), Err(libc::EMSGSIZE));
        assert_eq!(budget.spend(usize::MAX), Err(libc::EMSGSIZE));
    }

    /// The kernel itself refuses another socket's datagrams to ours (it is connected), and
    /// still answers a dump: the test process's own network namespace, read only.
    #[test]
    fn a_route_socket_takes_datagrams_from_the_kernel_only() {
        let ours = RouteSocket::open().unwrap();
        let other =
            socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkRoute).unwrap();
        let fake = message(NLMSG_DONE, 1, ours.port, &[0; 4]);
        let sent =
            nix::sys::socket::sendto(other.as_raw_fd(), &fake, &NetlinkAddr::new(ours.port, 0), MsgFlags::empty());
        assert_eq!(sent, Err(nix::errno::Errno::ECONNREFUSED));
        let links = ours.dump(RTM_GETLINK, 16).unwrap();
        assert!(messages(&links).any(|(kind, _)| kind == RTM_NEWLINK), "no link in the dump");
        // Sequence numbers go on: the next answer is told from this one's.
        assert_eq!(ours.seq.load(Ordering::Relaxed), 1);
        assert!(ours.dump(RTM_GETADDR, 8).is_ok());
        assert_eq!(ours.seq.load(Ordering::Relaxed), 2);
    }
}
