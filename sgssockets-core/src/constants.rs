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

/// Every constant by name, as SGScript scripts and C hosts see them.
///
/// ```
/// use sgssockets_core::constants;
/// let af_inet = constants::ALL.iter().find(|(name, _)| *name == "AF_INET").unwrap().1;
/// assert_eq!(af_inet, constants::AF_INET);
/// ```
pub const ALL: &[(&str, i32)] = &[
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
