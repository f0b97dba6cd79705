//! `SocketAddress`: an IPv4, IPv6 or Unix-path address, or the raw bytes of any other family.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use socket2::SockAddr;

use crate::constants::{AF_INET, AF_INET6, AF_UNIX};
use crate::{Error, Result};

/// A socket address of any family, as a value.
///
/// IPv4, IPv6 and Unix-path addresses are understood in full; any other family is carried
/// as the raw bytes the OS gave, with its family number. Ports are in host order everywhere.
/// Ordering and equality compare the family, then the address bytes, then the port.
///
/// ```
/// use sgssockets_core::{SocketAddress, constants::AF_INET6};
///
/// let addr: SocketAddress = "[::1]:443".parse().unwrap();
/// assert_eq!(addr.to_string(), "[::1]:443");
/// assert_eq!(addr.family(), AF_INET6);
///
/// let mut v4 = SocketAddress::parse(sgssockets_core::constants::AF_INET, "127.0.0.1").unwrap();
/// v4.set_port(8080).unwrap();
/// assert_eq!(v4.to_string(), "127.0.0.1:8080");
/// assert_eq!(v4.addr_u32(), Some(0x7f00_0001));
/// ```
#[derive(Clone)]
pub struct SocketAddress {
    repr: Repr,
}

#[derive(Clone)]
enum Repr {
    V4(SocketAddrV4),
    V6(SocketAddrV6),
    Unix(PathBuf),
    Other(SockAddr),
}

/// The bytes of an IP address (4 for IPv4, 16 for IPv6), by value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddrBytes {
    buf: [u8; 16],
    len: u8,
}

impl Deref for AddrBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }
}

impl AddrBytes {
    fn new(bytes: &[u8]) -> Self {
        let mut buf = [0; 16];
        buf[..bytes.len()].copy_from_slice(bytes);
        AddrBytes {
            buf,
            len: bytes.len() as u8,
        }
    }
}

fn unsupported(operation: &'static str, what: &str, family: i32) -> Error {
    Error::invalid_input(
        operation,
        format!(
            "{what} is not available for address family {}",
            family_label(family)
        ),
    )
}

fn family_label(family: i32) -> String {
    match crate::constants::family_name(family) {
        Some(name) => name.to_owned(),
        None => family.to_string(),
    }
}

/// Parses IPv6 text in any RFC 4291 form, with or without `[ ]`, with an optional
/// numeric `%scope`.
fn parse_ipv6(text: &str) -> Option<(Ipv6Addr, u32)> {
    let inner = match text.strip_prefix('[') {
        Some(rest) => rest.strip_suffix(']')?,
        None => text,
    };
    let (addr, scope) = match inner.split_once('%') {
        Some((addr, scope)) => (addr, scope.parse().ok()?),
        None => (inner, 0),
    };
    Some((addr.parse().ok()?, scope))
}

impl SocketAddress {
    /// Parses address text of `family` without a port (the port is 0).
    ///
    /// `AF_INET`: a dotted quad. `AF_INET6`: any RFC 4291 form, with or without brackets.
    /// `AF_UNIX`: a path.
    pub fn parse(family: i32, text: &str) -> Result<Self> {
        const OP: &str = "SocketAddress::parse";
        match family {
            f if f == AF_INET => text
                .parse::<Ipv4Addr>()
                .map(|ip| SocketAddrV4::new(ip, 0).into())
                .map_err(|_| Error::invalid_input(OP, format!("{text:?} is not an IPv4 address"))),
            f if f == AF_INET6 => parse_ipv6(text)
                .map(|(ip, scope)| SocketAddrV6::new(ip, 0, 0, scope).into())
                .ok_or_else(|| {
                    Error::invalid_input(OP, format!("{text:?} is not an IPv6 address"))
                }),
            f if f == AF_UNIX => SocketAddress::unix(text),
            other => Err(unsupported(OP, "parsing text", other)),
        }
    }

    /// An IPv4 (4 bytes) or IPv6 (16 bytes) address from its bytes in network order.
    pub fn from_bytes(family: i32, bytes: &[u8], port: u16) -> Result<Self> {
        const OP: &str = "SocketAddress::from_bytes";
        match (family, bytes.len()) {
            (f, 4) if f == AF_INET => {
                let octets: [u8; 4] = bytes.try_into().expect("length checked");
                Ok(SocketAddrV4::new(octets.into(), port).into())
            }
            (f, 16) if f == AF_INET6 => {
                let octets: [u8; 16] = bytes.try_into().expect("length checked");
                Ok(SocketAddrV6::new(octets.into(), port, 0, 0).into())
            }
            (f, len) if f == AF_INET || f == AF_INET6 => Err(Error::invalid_input(
                OP,
                format!(
                    "{} needs {} bytes, got {len}",
                    family_label(f),
                    if f == AF_INET { 4 } else { 16 }
                ),
            )),
            (other, _) => Err(unsupported(OP, "an address from bytes", other)),
        }
    }

    /// An IPv4 address from its value as a host-order integer (`0x7f000001` is 127.0.0.1).
    pub fn from_u32(addr: u32, port: u16) -> Self {
        SocketAddrV4::new(Ipv4Addr::from(addr), port).into()
    }

    /// A Unix-domain address for `path`. Fails if the path does not fit `sun_path`.
    pub fn unix(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        // Check that the OS can represent it now, not at bind time.
        SockAddr::unix(path).map_err(|err| {
            Error::invalid_input(
                "SocketAddress::unix",
                format!("unix path {}: {err}", path.display()),
            )
        })?;
        Ok(SocketAddress {
            repr: Repr::Unix(path.to_path_buf()),
        })
    }

    /// The address family (`AF_INET`, `AF_INET6`, `AF_UNIX` or the raw family number).
    pub fn family(&self) -> i32 {
        match &self.repr {
            Repr::V4(_) => AF_INET,
            Repr::V6(_) => AF_INET6,
            Repr::Unix(_) => AF_UNIX,
            Repr::Other(raw) => i32::from(raw.family()),
        }
    }

    /// The port (IPv4 and IPv6 only).
    pub fn port(&self) -> Option<u16> {
        match &self.repr {
            Repr::V4(a) => Some(a.port()),
            Repr::V6(a) => Some(a.port()),
            _ => None,
        }
    }

    /// Sets the port (IPv4 and IPv6 only).
    pub fn set_port(&mut self, port: u16) -> Result<()> {
        match &mut self.repr {
            Repr::V4(a) => a.set_port(port),
            Repr::V6(a) => a.set_port(port),
            _ => {
                return Err(unsupported(
                    "SocketAddress::set_port",
                    "a port",
                    self.family(),
                ))
            }
        }
        Ok(())
    }

    /// The IP address (IPv4 and IPv6 only).
    pub fn ip(&self) -> Option<IpAddr> {
        match &self.repr {
            Repr::V4(a) => Some(IpAddr::V4(*a.ip())),
            Repr::V6(a) => Some(IpAddr::V6(*a.ip())),
            _ => None,
        }
    }

    /// The address bytes in network order: 4 for IPv4, 16 for IPv6.
    pub fn addr_bytes(&self) -> Option<AddrBytes> {
        match &self.repr {
            Repr::V4(a) => Some(AddrBytes::new(&a.ip().octets())),
            Repr::V6(a) => Some(AddrBytes::new(&a.ip().octets())),
            _ => None,
        }
    }

    /// Replaces the address bytes; the length must match the family (4 or 16).
    pub fn set_addr_bytes(&mut self, bytes: &[u8]) -> Result<()> {
        const OP: &str = "SocketAddress::set_addr_bytes";
        let family = self.family();
        let port = self
            .port()
            .ok_or_else(|| unsupported(OP, "address bytes", family))?;
        let mut replaced = SocketAddress::from_bytes(family, bytes, port)
            .map_err(|err| Error::invalid_input(OP, err.message()))?;
        if let (Repr::V6(old), Repr::V6(new)) = (&self.repr, &mut replaced.repr) {
            new.set_scope_id(old.scope_id());
            new.set_flowinfo(old.flowinfo());
        }
        *self = replaced;
        Ok(())
    }

    /// The IPv4 address as a host-order integer (IPv4 only).
    pub fn addr_u32(&self) -> Option<u32> {
        match &self.repr {
            Repr::V4(a) => Some(u32::from(*a.ip())),
            _ => None,
        }
    }

    /// Sets the IPv4 address from a host-order integer (IPv4 only).
    pub fn set_addr_u32(&mut self, addr: u32) -> Result<()> {
        match &mut self.repr {
            Repr::V4(a) => {
                a.set_ip(Ipv4Addr::from(addr));
                Ok(())
            }
            _ => Err(unsupported(
                "SocketAddress::set_addr_u32",
                "a 32-bit address",
                self.family(),
            )),
        }
    }

    /// The address text without the port (canonical RFC 5952 for IPv6); the path for Unix.
    pub fn addr_string(&self) -> Option<String> {
        match &self.repr {
            Repr::V4(a) => Some(a.ip().to_string()),
            Repr::V6(a) if a.scope_id() != 0 => Some(format!("{}%{}", a.ip(), a.scope_id())),
            Repr::V6(a) => Some(a.ip().to_string()),
            Repr::Unix(path) => Some(path.to_string_lossy().into_owned()),
            Repr::Other(_) => None,
        }
    }

    /// Replaces the address from text of the same family, keeping the port.
    pub fn set_addr_string(&mut self, text: &str) -> Result<()> {
        let port = self.port();
        let mut replaced = SocketAddress::parse(self.family(), text)
            .map_err(|err| Error::invalid_input("SocketAddress::set_addr_string", err.message()))?;
        if let Some(port) = port {
            replaced.set_port(port)?;
        }
        *self = replaced;
        Ok(())
    }

    /// The address text with the port: `127.0.0.1:8080`, `[::1]:443`; the path for Unix.
    pub fn full_addr_string(&self) -> Option<String> {
        match &self.repr {
            Repr::Other(_) => None,
            _ => Some(self.to_string()),
        }
    }

    /// Replaces address and port from `host:port` text of the same family (a path for Unix).
    pub fn set_full_addr_string(&mut self, text: &str) -> Result<()> {
        const OP: &str = "SocketAddress::set_full_addr_string";
        let family = self.family();
        let replaced = if family == AF_UNIX {
            SocketAddress::unix(text)?
        } else {
            let parsed: SocketAddress = text
                .parse()
                .map_err(|err: Error| Error::invalid_input(OP, err.message()))?;
            if parsed.family() != family {
                return Err(Error::invalid_input(
                    OP,
                    format!("{text:?} is not an {} address", family_label(family)),
                ));
            }
            parsed
        };
        *self = replaced;
        Ok(())
    }

    /// The Unix path (Unix addresses only).
    pub fn unix_path(&self) -> Option<&Path> {
        match &self.repr {
            Repr::Unix(path) => Some(path),
            _ => None,
        }
    }

    /// As a `std::net::SocketAddr` (IPv4 and IPv6 only).
    pub fn as_socket_addr(&self) -> Option<SocketAddr> {
        match &self.repr {
            Repr::V4(a) => Some(SocketAddr::V4(*a)),
            Repr::V6(a) => Some(SocketAddr::V6(*a)),
            _ => None,
        }
    }

    /// The OS form, with the exact length for the family (never `sizeof(sockaddr_storage)`).
    pub fn to_sockaddr(&self) -> SockAddr {
        match &self.repr {
            Repr::V4(a) => SockAddr::from(*a),
            Repr::V6(a) => SockAddr::from(*a),
            Repr::Unix(path) => SockAddr::unix(path).expect("checked when the address was made"),
            Repr::Other(raw) => raw.clone(),
        }
    }

    /// Reads an address the OS returned.
    pub fn from_sockaddr(raw: &SockAddr) -> Self {
        if let Some(addr) = raw.as_socket() {
            return addr.into();
        }
        if i32::from(raw.family()) == AF_UNIX {
            return SocketAddress {
                repr: Repr::Unix(unix_path_of(raw)),
            };
        }
        SocketAddress {
            repr: Repr::Other(raw.clone()),
        }
    }

    /// The bytes that identify the address within its family, for ordering and hashing.
    fn key_bytes(&self) -> KeyBytes<'_> {
        match &self.repr {
            Repr::V4(_) | Repr::V6(_) => {
                KeyBytes::Ip(self.addr_bytes().expect("IP addresses have bytes"))
            }
            Repr::Unix(path) => KeyBytes::Borrowed(path.as_os_str().as_encoded_bytes()),
            Repr::Other(raw) => KeyBytes::Borrowed(raw_bytes(raw)),
        }
    }

    fn scope_id(&self) -> u32 {
        match &self.repr {
            Repr::V6(a) => a.scope_id(),
            _ => 0,
        }
    }
}

enum KeyBytes<'a> {
    Ip(AddrBytes),
    Borrowed(&'a [u8]),
}

impl Deref for KeyBytes<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            KeyBytes::Ip(bytes) => bytes,
            KeyBytes::Borrowed(bytes) => bytes,
        }
    }
}

/// The raw bytes of an OS address, `len()` of them.
fn raw_bytes(raw: &SockAddr) -> &[u8] {
    // SAFETY: `as_ptr` points into `raw`'s sockaddr_storage, of which the first `len()`
    // bytes are initialised; the slice borrows `raw`, so it cannot outlive it.
    unsafe { std::slice::from_raw_parts(raw.as_ptr().cast::<u8>(), raw.len() as usize) }
}

/// The path of a Unix address the OS returned (empty for an unnamed socket).
fn unix_path_of(raw: &SockAddr) -> PathBuf {
    // sockaddr_un is the family field (2 bytes everywhere this builds), then the path.
    let bytes = raw_bytes(raw);
    let path = bytes.get(2..).unwrap_or(&[]);
    let path = match path.iter().position(|&b| b == 0) {
        Some(0) if path.len() > 1 => path, // Linux abstract name: keep the leading NUL
        Some(end) => &path[..end],
        None => path,
    };
    PathBuf::from(String::from_utf8_lossy(path).into_owned())
}

impl From<SocketAddrV4> for SocketAddress {
    fn from(addr: SocketAddrV4) -> Self {
        SocketAddress {
            repr: Repr::V4(addr),
        }
    }
}

impl From<SocketAddrV6> for SocketAddress {
    fn from(addr: SocketAddrV6) -> Self {
        SocketAddress {
            repr: Repr::V6(addr),
        }
    }
}

impl From<SocketAddr> for SocketAddress {
    fn from(addr: SocketAddr) -> Self {
        match addr {
            SocketAddr::V4(a) => a.into(),
            SocketAddr::V6(a) => a.into(),
        }
    }
}

impl From<&SocketAddress> for SockAddr {
    fn from(addr: &SocketAddress) -> Self {
        addr.to_sockaddr()
    }
}

impl From<SockAddr> for SocketAddress {
    fn from(raw: SockAddr) -> Self {
        SocketAddress::from_sockaddr(&raw)
    }
}

impl TryFrom<SocketAddress> for SocketAddr {
    type Error = Error;
    fn try_from(addr: SocketAddress) -> Result<SocketAddr> {
        addr.as_socket_addr().ok_or_else(|| {
            unsupported(
                "SocketAddr::try_from",
                "std::net::SocketAddr",
                addr.family(),
            )
        })
    }
}

impl FromStr for SocketAddress {
    type Err = Error;

    /// Parses `1.2.3.4:80`, `[::1]:443`, or a bare IPv4/IPv6 address (port 0, brackets optional).
    fn from_str(text: &str) -> Result<Self> {
        if let Ok(addr) = text.parse::<SocketAddr>() {
            return Ok(addr.into());
        }
        if let Ok(ip) = text.parse::<Ipv4Addr>() {
            return Ok(SocketAddrV4::new(ip, 0).into());
        }
        if let Some((ip, scope)) = parse_ipv6(text) {
            return Ok(SocketAddrV6::new(ip, 0, 0, scope).into());
        }
        // `[v6%scope]:port`, which std does not parse.
        if let Some((host, port)) = text.rsplit_once(':') {
            if host.starts_with('[') {
                if let (Some((ip, scope)), Ok(port)) = (parse_ipv6(host), port.parse::<u16>()) {
                    return Ok(SocketAddrV6::new(ip, port, 0, scope).into());
                }
            }
        }
        Err(Error::invalid_input(
            "SocketAddress::from_str",
            format!("{text:?} is not an IPv4 or IPv6 address with an optional port"),
        ))
    }
}

impl fmt::Display for SocketAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::V4(a) => a.fmt(f),
            Repr::V6(a) if a.scope_id() != 0 => {
                write!(f, "[{}%{}]:{}", a.ip(), a.scope_id(), a.port())
            }
            Repr::V6(a) => write!(f, "[{}]:{}", a.ip(), a.port()),
            Repr::Unix(path) => f.write_str(&path.to_string_lossy()),
            Repr::Other(raw) => write!(
                f,
                "<address of family {}>",
                family_label(raw.family().into())
            ),
        }
    }
}

impl fmt::Debug for SocketAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SocketAddress({} {})", family_label(self.family()), self)
    }
}

impl PartialEq for SocketAddress {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SocketAddress {}

impl PartialOrd for SocketAddress {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SocketAddress {
    /// Family, then address bytes, then port (then IPv6 scope).
    fn cmp(&self, other: &Self) -> Ordering {
        self.family()
            .cmp(&other.family())
            .then_with(|| self.key_bytes()[..].cmp(&other.key_bytes()[..]))
            .then_with(|| self.port().cmp(&other.port()))
            .then_with(|| self.scope_id().cmp(&other.scope_id()))
    }
}

impl Hash for SocketAddress {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.family().hash(state);
        self.key_bytes()[..].hash(state);
        self.port().hash(state);
        self.scope_id().hash(state);
    }
}
