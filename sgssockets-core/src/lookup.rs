//! Name lookup (getaddrinfo) and the host name, through the `dns-lookup` crate.

use crate::{Error, Result, SocketAddress};

/// What getaddrinfo should look for. All zero (the default) means "anything".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddrInfoHints {
    /// `AI_*` flags, e.g. [`AI_PASSIVE`](crate::constants::AI_PASSIVE).
    pub flags: i32,
    /// Address family (`AF_INET`, `AF_INET6`) or 0 for any.
    pub family: i32,
    /// Socket type (`SOCK_STREAM`, `SOCK_DGRAM`) or 0 for any.
    pub socktype: i32,
    /// Protocol or 0 for any.
    pub protocol: i32,
}

/// One result of [`getaddrinfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrInfo {
    /// `ai_flags`.
    pub flags: i32,
    /// `ai_family`.
    pub family: i32,
    /// `ai_socktype`.
    pub socktype: i32,
    /// `ai_protocol`.
    pub protocol: i32,
    /// The canonical name, when `AI_CANONNAME` asked for it.
    pub canonname: Option<String>,
    /// The address, with the service's port.
    pub addr: SocketAddress,
}

/// Resolves `host` and `service` (a port number or a service name).
///
/// A failed lookup is an [`Error`] with category
/// [`Resolver`](crate::ErrorCategory::Resolver), the resolver's `EAI_*` code and its text.
///
/// ```
/// use sgssockets_core::lookup::{getaddrinfo, AddrInfoHints};
/// use sgssockets_core::constants::{AF_INET, SOCK_STREAM};
///
/// let hints = AddrInfoHints { family: AF_INET, socktype: SOCK_STREAM, ..Default::default() };
/// let found = getaddrinfo(Some("127.0.0.1"), Some("80"), &hints).unwrap();
/// assert_eq!(found[0].addr.to_string(), "127.0.0.1:80");
/// ```
pub fn getaddrinfo(
    host: Option<&str>,
    service: Option<&str>,
    hints: &AddrInfoHints,
) -> Result<Vec<AddrInfo>> {
    const OP: &str = "getaddrinfo";
    if host.is_none() && service.is_none() {
        return Err(Error::invalid_input(OP, "give a host, a service or both"));
    }
    for text in [host, service].into_iter().flatten() {
        if text.contains('\0') {
            return Err(Error::invalid_input(
                OP,
                format!("{text:?} contains a NUL byte"),
            ));
        }
    }
    let hints = dns_lookup::AddrInfoHints {
        flags: hints.flags,
        address: hints.family,
        socktype: hints.socktype,
        protocol: hints.protocol,
    };
    let found = dns_lookup::getaddrinfo(host, service, Some(hints)).map_err(|err| {
        let code = err.error_num();
        Error::resolver(OP, code, std::io::Error::from(err).to_string())
    })?;
    found
        .map(|entry| {
            let entry = entry.map_err(|err| Error::os(OP, err))?;
            Ok(AddrInfo {
                flags: entry.flags,
                family: entry.address,
                socktype: entry.socktype,
                protocol: entry.protocol,
                canonname: entry.canonname,
                addr: entry.sockaddr.into(),
            })
        })
        .collect()
}

/// This machine's host name.
pub fn hostname() -> Result<String> {
    dns_lookup::get_hostname().map_err(|err| Error::os("gethostname", err))
}

/// Reverse lookup: the host name and service name of an IPv4 or IPv6 address, as
/// getnameinfo(3) gives them. `flags` are `NI_*` values from
/// [`constants`](crate::constants) (`NI_NUMERICHOST`, `NI_NUMERICSERV`, `NI_NAMEREQD`,
/// `NI_DGRAM`, `NI_NOFQDN`), or 0.
///
/// Without `NI_NAMEREQD` an address with no name gives its numeric form; a failure is an
/// [`Error`] with category [`Resolver`](crate::ErrorCategory::Resolver) and the resolver's
/// `EAI_*` code. Another family (a Unix path) is an invalid-input error.
///
/// ```
/// use sgssockets_core::constants::{value, AF_INET};
/// use sgssockets_core::lookup::getnameinfo;
///
/// let numeric = value("NI_NUMERICHOST").unwrap() | value("NI_NUMERICSERV").unwrap();
/// let (host, service) = getnameinfo(&"127.0.0.1:80".parse()?, numeric)?;
/// assert_eq!((host.as_str(), service.as_str()), ("127.0.0.1", "80"));
/// # Ok::<(), sgssockets_core::Error>(())
/// ```
pub fn getnameinfo(addr: &SocketAddress, flags: i32) -> Result<(String, String)> {
    const OP: &str = "getnameinfo";
    let Some(socket_addr) = addr.as_socket_addr() else {
        return Err(Error::invalid_input(
            OP,
            format!("{addr} is not an IPv4 or IPv6 address"),
        ));
    };
    dns_lookup::getnameinfo(&socket_addr, flags).map_err(|err| {
        let code = err.error_num();
        Error::resolver(OP, code, std::io::Error::from(err).to_string())
    })
}
