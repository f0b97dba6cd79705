//! The platform's values of the constants the SGScript module exposes.
//!
//! Names and meanings are the C ones; a flag the platform lacks is `0`.

use std::net::Shutdown;

use crate::sys;

/// Unspecified address family (any).
pub const AF_UNSPEC: i32 = sys::AF_UNSPEC;
/// IPv4.
pub const AF_INET: i32 = sys::AF_INET;
/// IPv6.
pub const AF_INET6: i32 = sys::AF_INET6;
/// Unix-domain (local) sockets, addressed by path.
pub const AF_UNIX: i32 = sys::AF_UNIX;
/// IPX (exposed for completeness; no address support).
pub const AF_IPX: i32 = sys::AF_IPX;
/// Connection-based byte stream (TCP).
pub const SOCK_STREAM: i32 = sys::SOCK_STREAM;
/// Connectionless datagrams (UDP).
pub const SOCK_DGRAM: i32 = sys::SOCK_DGRAM;
/// Raw network access.
pub const SOCK_RAW: i32 = sys::SOCK_RAW;
/// Connection-based, reliable, ordered datagrams.
pub const SOCK_SEQPACKET: i32 = sys::SOCK_SEQPACKET;
/// TCP.
pub const IPPROTO_TCP: i32 = sys::IPPROTO_TCP;
/// UDP.
pub const IPPROTO_UDP: i32 = sys::IPPROTO_UDP;
/// getaddrinfo hint: addresses for binding a listening socket.
pub const AI_PASSIVE: i32 = sys::AI_PASSIVE;
/// Shut down receiving.
pub const SHUT_RD: i32 = sys::SHUT_RD;
/// Shut down sending.
pub const SHUT_WR: i32 = sys::SHUT_WR;
/// Shut down both directions.
pub const SHUT_RDWR: i32 = sys::SHUT_RDWR;

/// The constants every platform has, then the option names of [`sys::OPTION_CONSTANTS`].
const BASE: &[(&str, i32)] = &[
    ("AF_UNSPEC", AF_UNSPEC),
    ("AF_INET", AF_INET),
    ("AF_INET6", AF_INET6),
    ("AF_UNIX", AF_UNIX),
    ("AF_IPX", AF_IPX),
    ("PF_UNSPEC", AF_UNSPEC),
    ("PF_INET", AF_INET),
    ("PF_INET6", AF_INET6),
    ("PF_UNIX", AF_UNIX),
    ("PF_IPX", AF_IPX),
    ("AI_PASSIVE", AI_PASSIVE),
    ("SOCK_STREAM", SOCK_STREAM),
    ("SOCK_DGRAM", SOCK_DGRAM),
    ("SOCK_RAW", SOCK_RAW),
    ("SOCK_SEQPACKET", SOCK_SEQPACKET),
    ("IPPROTO_TCP", IPPROTO_TCP),
    ("IPPROTO_UDP", IPPROTO_UDP),
    ("MSG_CONFIRM", sys::MSG_CONFIRM),
    ("MSG_DONTROUTE", sys::MSG_DONTROUTE),
    ("MSG_DONTWAIT", sys::MSG_DONTWAIT),
    ("MSG_EOR", sys::MSG_EOR),
    ("MSG_MORE", sys::MSG_MORE),
    ("MSG_NOSIGNAL", sys::MSG_NOSIGNAL),
    ("MSG_OOB", sys::MSG_OOB),
    ("MSG_PEEK", sys::MSG_PEEK),
    ("MSG_WAITALL", sys::MSG_WAITALL),
    ("SHUT_RD", SHUT_RD),
    ("SHUT_WR", SHUT_WR),
    ("SHUT_RDWR", SHUT_RDWR),
    ("SD_RECEIVE", SHUT_RD),
    ("SD_SEND", SHUT_WR),
    ("SD_BOTH", SHUT_RDWR),
];

/// How many entries `parts` hold together.
const fn total_len(parts: &[&[(&'static str, i32)]]) -> usize {
    let mut total = 0;
    let mut i = 0;
    while i < parts.len() {
        total += parts[i].len();
        i += 1;
    }
    total
}

/// `first`, then `parts` one after the other, as one array of `N` (their total length)
/// entries.
const fn concat<const N: usize>(
    first: &[(&'static str, i32)],
    parts: &[&[(&'static str, i32)]],
) -> [(&'static str, i32); N] {
    let mut out = [("", 0); N];
    let mut n = 0;
    while n < first.len() {
        out[n] = first[n];
        n += 1;
    }
    let mut i = 0;
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[n] = parts[i][j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

const ALL_ARRAY: [(&str, i32); BASE.len() + total_len(sys::OPTION_CONSTANTS)] =
    concat(BASE, sys::OPTION_CONSTANTS);

/// Every constant by name, as SGScript scripts and C hosts see them.
///
/// Option levels and names for [`Socket::getsockopt_int`](crate::Socket::getsockopt_int)
/// and friends (`SOL_SOCKET`, `SO_*`, `TCP_*`, `IP_*`, `IPV6_*`) and the `NI_*` flags of
/// [`getnameinfo`](crate::lookup::getnameinfo) are here with this platform's values; a name
/// the platform lacks (`SO_REUSEPORT` on Windows, `TCP_KEEPIDLE` on macOS) is left out
/// rather than given a number that means something else. Look one up with [`value`].
///
/// ```
/// use sgssockets_core::constants;
/// let af_inet = constants::ALL.iter().find(|(name, _)| *name == "AF_INET").unwrap().1;
/// assert_eq!(af_inet, constants::AF_INET);
/// assert_eq!(constants::value("SOL_SOCKET"), Some(constants::SOL_SOCKET));
/// ```
pub const ALL: &[(&str, i32)] = &ALL_ARRAY;

/// The value of the constant called `name` in [`ALL`], or `None` if this platform lacks it.
///
/// ```
/// use sgssockets_core::constants::{value, IPPROTO_TCP, TCP_NODELAY};
/// assert_eq!(value("TCP_NODELAY"), Some(TCP_NODELAY));
/// assert_eq!(value("IPPROTO_TCP"), Some(IPPROTO_TCP));
/// assert_eq!(value("SO_NO_SUCH_OPTION"), None);
/// ```
pub fn value(name: &str) -> Option<i32> {
    ALL.iter()
        .find(|(known, _)| *known == name)
        .map(|(_, v)| *v)
}

/// Looks `name` up in [`sys::OPTION_CONSTANTS`] at compile time (every platform has it).
const fn required(name: &str) -> i32 {
    let mut i = 0;
    while i < sys::OPTION_CONSTANTS.len() {
        let part = sys::OPTION_CONSTANTS[i];
        let mut j = 0;
        while j < part.len() {
            if str_eq(part[j].0, name) {
                return part[j].1;
            }
            j += 1;
        }
        i += 1;
    }
    panic!("an option constant every platform has is missing")
}

/// `a == b`, in a `const fn`.
const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Socket-level options: the `level` of `SO_*`.
pub const SOL_SOCKET: i32 = required("SOL_SOCKET");
/// IPv4 options: the `level` of `IP_*`.
pub const IPPROTO_IP: i32 = required("IPPROTO_IP");
/// IPv6 options: the `level` of `IPV6_*`.
pub const IPPROTO_IPV6: i32 = required("IPPROTO_IPV6");
/// `SO_BROADCAST`.
pub const SO_BROADCAST: i32 = required("SO_BROADCAST");
/// `SO_ERROR`.
pub const SO_ERROR: i32 = required("SO_ERROR");
/// `SO_KEEPALIVE`.
pub const SO_KEEPALIVE: i32 = required("SO_KEEPALIVE");
/// `SO_LINGER`.
pub const SO_LINGER: i32 = required("SO_LINGER");
/// `SO_RCVBUF`.
pub const SO_RCVBUF: i32 = required("SO_RCVBUF");
/// `SO_RCVTIMEO`.
pub const SO_RCVTIMEO: i32 = required("SO_RCVTIMEO");
/// `SO_REUSEADDR`.
pub const SO_REUSEADDR: i32 = required("SO_REUSEADDR");
/// `SO_SNDBUF`.
pub const SO_SNDBUF: i32 = required("SO_SNDBUF");
/// `SO_SNDTIMEO`.
pub const SO_SNDTIMEO: i32 = required("SO_SNDTIMEO");
/// `SO_TYPE`.
pub const SO_TYPE: i32 = required("SO_TYPE");
/// `TCP_NODELAY` (level [`IPPROTO_TCP`]).
pub const TCP_NODELAY: i32 = required("TCP_NODELAY");
/// `IP_TTL`.
pub const IP_TTL: i32 = required("IP_TTL");
/// `IP_MULTICAST_IF`.
pub const IP_MULTICAST_IF: i32 = required("IP_MULTICAST_IF");
/// `IP_MULTICAST_TTL`.
pub const IP_MULTICAST_TTL: i32 = required("IP_MULTICAST_TTL");
/// `IP_MULTICAST_LOOP`.
pub const IP_MULTICAST_LOOP: i32 = required("IP_MULTICAST_LOOP");
/// `IP_ADD_MEMBERSHIP`.
pub const IP_ADD_MEMBERSHIP: i32 = required("IP_ADD_MEMBERSHIP");
/// `IP_DROP_MEMBERSHIP`.
pub const IP_DROP_MEMBERSHIP: i32 = required("IP_DROP_MEMBERSHIP");
/// `IPV6_V6ONLY`.
pub const IPV6_V6ONLY: i32 = required("IPV6_V6ONLY");
/// `IPV6_UNICAST_HOPS`.
pub const IPV6_UNICAST_HOPS: i32 = required("IPV6_UNICAST_HOPS");
/// `IPV6_MULTICAST_IF`.
pub const IPV6_MULTICAST_IF: i32 = required("IPV6_MULTICAST_IF");
/// `IPV6_MULTICAST_HOPS`.
pub const IPV6_MULTICAST_HOPS: i32 = required("IPV6_MULTICAST_HOPS");
/// `IPV6_MULTICAST_LOOP`.
pub const IPV6_MULTICAST_LOOP: i32 = required("IPV6_MULTICAST_LOOP");

/// The [`Shutdown`] for a `SHUT_*`/`SD_*` value, or `None` for any other number.
///
/// ```
/// use sgssockets_core::constants::{shutdown_from_raw, SHUT_WR};
/// assert_eq!(shutdown_from_raw(SHUT_WR), Some(std::net::Shutdown::Write));
/// assert_eq!(shutdown_from_raw(42), None);
/// ```
pub fn shutdown_from_raw(how: i32) -> Option<Shutdown> {
    match how {
        SHUT_RD => Some(Shutdown::Read),
        SHUT_WR => Some(Shutdown::Write),
        SHUT_RDWR => Some(Shutdown::Both),
        _ => None,
    }
}

/// The C name of an address family (`"AF_INET"`), or `None` if it is not one of [`ALL`].
pub fn family_name(family: i32) -> Option<&'static str> {
    ALL.iter()
        .find(|(name, value)| name.starts_with("AF_") && *value == family)
        .map(|(name, _)| *name)
}
