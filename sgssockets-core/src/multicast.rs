//! Multicast: joining and leaving groups, and the `IP_MULTICAST_*`/`IPV6_MULTICAST_*`
//! options, for IPv4 and IPv6 sockets alike.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::constants::{AF_INET, AF_INET6};
use crate::convert;
use crate::error::Context;
use crate::{Error, Result, Socket};

/// The interface multicast traffic goes through.
///
/// IPv4 names an interface by one of its addresses, IPv6 by its index
/// (`if_nametoindex`). `Index(0)` means "the default interface" for both families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MulticastInterface {
    /// An IPv4 interface's address (`0.0.0.0`: the default).
    Addr(Ipv4Addr),
    /// An interface index (0: the default).
    Index(u32),
}

/// Which IP version a multicast call is for, from the socket's family.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Version {
    V4,
    V6,
}

impl Socket {
    /// The IP version of this socket, or an invalid-input error naming `op`.
    fn multicast_version(&self, op: &'static str) -> Result<Version> {
        match self.family() {
            AF_INET => Ok(Version::V4),
            AF_INET6 => Ok(Version::V6),
            other => Err(Error::invalid_input(
                op,
                format!(
                    "multicast needs an AF_INET or AF_INET6 socket, this one is {}",
                    crate::constants::family_name(other)
                        .map_or_else(|| format!("family {other}"), str::to_owned)
                ),
            )),
        }
    }

    /// Checks a group and interface against this socket: the group must be a multicast
    /// address of the socket's family, the interface of the matching kind.
    fn membership(
        &self,
        op: &'static str,
        group: IpAddr,
        interface: Option<MulticastInterface>,
    ) -> Result<Membership> {
        let version = self.multicast_version(op)?;
        if !group.is_multicast() {
            return Err(Error::invalid_input(
                op,
                format!("{group} is not a multicast group address"),
            ));
        }
        match (version, group, interface) {
            (Version::V4, IpAddr::V4(group), None | Some(MulticastInterface::Index(0))) => {
                Ok(Membership::V4(group, Ipv4Addr::UNSPECIFIED))
            }
            (Version::V4, IpAddr::V4(group), Some(MulticastInterface::Addr(addr))) => {
                Ok(Membership::V4(group, addr))
            }
            (Version::V4, IpAddr::V4(_), Some(MulticastInterface::Index(index))) => {
                Err(Error::invalid_input(
                    op,
                    format!("an IPv4 group takes the interface's IPv4 address, not index {index}"),
                ))
            }
            (Version::V6, IpAddr::V6(group), None) => Ok(Membership::V6(group, 0)),
            (Version::V6, IpAddr::V6(group), Some(MulticastInterface::Index(index))) => {
                Ok(Membership::V6(group, index))
            }
            (Version::V6, IpAddr::V6(_), Some(MulticastInterface::Addr(addr))) => {
                Err(Error::invalid_input(
                    op,
                    format!("an IPv6 group takes an interface index, not the address {addr}"),
                ))
            }
            (Version::V4, IpAddr::V6(group), _) => Err(Error::invalid_input(
                op,
                format!("{group} is an IPv6 group, this is an AF_INET socket"),
            )),
            (Version::V6, IpAddr::V4(group), _) => Err(Error::invalid_input(
                op,
                format!("{group} is an IPv4 group, this is an AF_INET6 socket"),
            )),
        }
    }

    /// Joins the multicast `group` (`IP_ADD_MEMBERSHIP` / `IPV6_JOIN_GROUP`) on `interface`
    /// (`None`: the default, `INADDR_ANY` or index 0).
    ///
    /// The group must be a multicast address of the socket's family, and the interface
    /// an IPv4 address for IPv4, an index for IPv6; anything else is an invalid-input error
    /// and changes nothing. Bind the socket to the group's port to receive.
    ///
    /// ```no_run
    /// use std::net::Ipv4Addr;
    /// use sgssockets_core::{MulticastInterface, Socket};
    ///
    /// let socket = Socket::udp(false)?;
    /// socket.bind_port(5353)?;
    /// socket.join_multicast(Ipv4Addr::new(224, 0, 0, 251).into(), None)?;
    /// socket.join_multicast(
    ///     Ipv4Addr::new(239, 1, 2, 3).into(),
    ///     Some(MulticastInterface::Addr(Ipv4Addr::LOCALHOST)),
    /// )?;
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn join_multicast(
        &self,
        group: IpAddr,
        interface: Option<MulticastInterface>,
    ) -> Result<()> {
        const OP: &str = "join_multicast";
        let membership = self.membership(OP, group, interface)?;
        let socket = self.open(OP)?;
        match membership {
            Membership::V4(group, addr) => socket.join_multicast_v4(&group, &addr),
            Membership::V6(group, index) => socket.join_multicast_v6(&group, index),
        }
        .during(OP)
    }

    /// Leaves a group joined with [`join_multicast`](Socket::join_multicast) (same
    /// arguments; `IP_DROP_MEMBERSHIP` / `IPV6_LEAVE_GROUP`).
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// let socket = sgssockets_core::Socket::udp(false)?;
    /// // Not a member: the OS refuses, with its own code.
    /// assert!(socket.leave_multicast(Ipv4Addr::new(239, 9, 9, 9).into(), None).is_err());
    /// // Not a multicast address: refused before any system call.
    /// let err = socket.leave_multicast(Ipv4Addr::LOCALHOST.into(), None).unwrap_err();
    /// assert!(err.message().contains("not a multicast"));
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn leave_multicast(
        &self,
        group: IpAddr,
        interface: Option<MulticastInterface>,
    ) -> Result<()> {
        const OP: &str = "leave_multicast";
        let membership = self.membership(OP, group, interface)?;
        let socket = self.open(OP)?;
        match membership {
            Membership::V4(group, addr) => socket.leave_multicast_v4(&group, &addr),
            Membership::V6(group, index) => socket.leave_multicast_v6(&group, index),
        }
        .during(OP)
    }

    /// `IP_MULTICAST_IF` (IPv4: an interface address) or `IPV6_MULTICAST_IF` (IPv6: an
    /// interface index): where outgoing multicast goes.
    ///
    /// ```
    /// use std::net::Ipv4Addr;
    /// use sgssockets_core::{MulticastInterface, Socket};
    ///
    /// let socket = Socket::udp(false)?;
    /// socket.set_multicast_if(MulticastInterface::Addr(Ipv4Addr::LOCALHOST))?;
    /// assert_eq!(socket.multicast_if()?, MulticastInterface::Addr(Ipv4Addr::LOCALHOST));
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn multicast_if(&self) -> Result<MulticastInterface> {
        const OP: &str = "getsockopt(IP_MULTICAST_IF)";
        const OP_V6: &str = "getsockopt(IPV6_MULTICAST_IF)";
        match self.multicast_version(OP)? {
            Version::V4 => {
                let addr = self.open(OP)?.multicast_if_v4().during(OP)?;
                Ok(MulticastInterface::Addr(addr))
            }
            Version::V6 => {
                let index = self.open(OP_V6)?.multicast_if_v6().during(OP_V6)?;
                Ok(MulticastInterface::Index(index))
            }
        }
    }

    /// Sets the interface outgoing multicast goes through (see
    /// [`multicast_if`](Socket::multicast_if)): an address on an IPv4 socket (or
    /// `Index(0)` for the default), an index on an IPv6 socket.
    pub fn set_multicast_if(&self, interface: MulticastInterface) -> Result<()> {
        const OP: &str = "setsockopt(IP_MULTICAST_IF)";
        const OP_V6: &str = "setsockopt(IPV6_MULTICAST_IF)";
        match (self.multicast_version(OP)?, interface) {
            (Version::V4, MulticastInterface::Addr(addr)) => {
                self.open(OP)?.set_multicast_if_v4(&addr).during(OP)
            }
            (Version::V4, MulticastInterface::Index(0)) => self
                .open(OP)?
                .set_multicast_if_v4(&Ipv4Addr::UNSPECIFIED)
                .during(OP),
            (Version::V4, MulticastInterface::Index(index)) => Err(Error::invalid_input(
                OP,
                format!("an IPv4 socket takes the interface's IPv4 address, not index {index}"),
            )),
            (Version::V6, MulticastInterface::Index(index)) => {
                self.open(OP_V6)?.set_multicast_if_v6(index).during(OP_V6)
            }
            (Version::V6, MulticastInterface::Addr(addr)) => Err(Error::invalid_input(
                OP_V6,
                format!("an IPv6 socket takes an interface index, not the address {addr}"),
            )),
        }
    }

    /// `IP_MULTICAST_LOOP` / `IPV6_MULTICAST_LOOP`: whether this host receives its own
    /// multicast (on by default).
    ///
    /// ```
    /// let socket = sgssockets_core::Socket::udp(false)?;
    /// socket.set_multicast_loop(false)?;
    /// assert!(!socket.multicast_loop()?);
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn multicast_loop(&self) -> Result<bool> {
        const OP: &str = "getsockopt(IP_MULTICAST_LOOP)";
        const OP_V6: &str = "getsockopt(IPV6_MULTICAST_LOOP)";
        match self.multicast_version(OP)? {
            Version::V4 => self.open(OP)?.multicast_loop_v4().during(OP),
            Version::V6 => self.open(OP_V6)?.multicast_loop_v6().during(OP_V6),
        }
    }

    /// Sets [`multicast_loop`](Socket::multicast_loop).
    pub fn set_multicast_loop(&self, on: bool) -> Result<()> {
        const OP: &str = "setsockopt(IP_MULTICAST_LOOP)";
        const OP_V6: &str = "setsockopt(IPV6_MULTICAST_LOOP)";
        match self.multicast_version(OP)? {
            Version::V4 => self.open(OP)?.set_multicast_loop_v4(on).during(OP),
            Version::V6 => self.open(OP_V6)?.set_multicast_loop_v6(on).during(OP_V6),
        }
    }

    /// `IP_MULTICAST_TTL` / `IPV6_MULTICAST_HOPS`: the hop limit of outgoing multicast
    /// (1 by default: the local network).
    ///
    /// ```
    /// let socket = sgssockets_core::Socket::udp(false)?;
    /// socket.set_multicast_ttl(4)?;
    /// assert_eq!(socket.multicast_ttl()?, 4);
    /// assert!(socket.set_multicast_ttl(256).is_err());
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn multicast_ttl(&self) -> Result<u32> {
        const OP: &str = "getsockopt(IP_MULTICAST_TTL)";
        const OP_V6: &str = "getsockopt(IPV6_MULTICAST_HOPS)";
        match self.multicast_version(OP)? {
            Version::V4 => self.open(OP)?.multicast_ttl_v4().during(OP),
            Version::V6 => self.open(OP_V6)?.multicast_hops_v6().during(OP_V6),
        }
    }

    /// Sets [`multicast_ttl`](Socket::multicast_ttl): 0 (this host only) to
    /// [`MAX_TTL`](crate::convert::MAX_TTL); anything else is an invalid-input error and
    /// changes nothing.
    pub fn set_multicast_ttl(&self, ttl: u32) -> Result<()> {
        const OP: &str = "setsockopt(IP_MULTICAST_TTL)";
        const OP_V6: &str = "setsockopt(IPV6_MULTICAST_HOPS)";
        let version = self.multicast_version(OP)?;
        let op = if version == Version::V6 { OP_V6 } else { OP };
        let socket = self.open(op)?;
        let ttl = convert::multicast_ttl_from_int(i64::from(ttl)).map_err(|err| err.renamed(op))?;
        match version {
            Version::V4 => socket.set_multicast_ttl_v4(ttl).during(OP),
            Version::V6 => socket.set_multicast_hops_v6(ttl).during(OP_V6),
        }
    }
}

/// A checked group membership.
enum Membership {
    V4(Ipv4Addr, Ipv4Addr),
    V6(Ipv6Addr, u32),
}
