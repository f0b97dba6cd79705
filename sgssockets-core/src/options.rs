//! Socket options, one `impl` block per option level, sorted by name.
//! Getters ask the OS; setters report what the OS said.

use std::time::Duration;

use crate::constants::AF_INET6;
use crate::convert;
use crate::error::Context;
use crate::{sys, Result, Socket};

/// `size` if the OS can store it as a buffer size (1 to `i32::MAX`), else an error for `op`.
fn checked_buffer_size(op: &'static str, size: usize) -> Result<usize> {
    convert::buffer_size_from_int(i64::try_from(size).unwrap_or(i64::MAX))
        .map_err(|err| err.renamed(op))
}

/// Socket-level options (`SOL_SOCKET`) and the blocking mode.
impl Socket {
    /// Whether calls block (the default). See fcntl(2) `O_NONBLOCK`.
    pub fn is_blocking(&self) -> Result<bool> {
        let socket = self.open("blocking")?;
        let nonblocking =
            sys::is_nonblocking(socket, self.remembered_nonblocking()).during("fcntl(F_GETFL)")?;
        Ok(!nonblocking)
    }

    /// `set_blocking(true)` makes calls block (the default); `set_blocking(false)` makes
    /// them return `EWOULDBLOCK` at once when they cannot proceed.
    ///
    /// This is the opposite of [`set_nonblocking`](Socket::set_nonblocking):
    /// `set_blocking(b)` is `set_nonblocking(!b)`. (SGScript's `blocking` property and the
    /// seed doc use this form; Rust's std uses the other.)
    ///
    /// ```
    /// let socket = sgssockets_core::Socket::tcp(false)?;
    /// socket.set_blocking(false)?;
    /// assert!(!socket.is_blocking()?);
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn set_blocking(&self, blocking: bool) -> Result<()> {
        self.open("blocking")?
            .set_nonblocking(!blocking)
            .during("set blocking mode")?;
        self.remember_nonblocking(!blocking);
        Ok(())
    }

    /// `set_nonblocking(true)` makes calls return `EWOULDBLOCK` at once when they cannot
    /// proceed; `set_nonblocking(false)` makes them block again (the default), as in std's
    /// `TcpStream::set_nonblocking`.
    ///
    /// This is the opposite of [`set_blocking`](Socket::set_blocking):
    /// `set_nonblocking(n)` is `set_blocking(!n)`.
    ///
    /// ```
    /// let socket = sgssockets_core::Socket::tcp(false)?;
    /// socket.set_nonblocking(true)?;
    /// assert!(!socket.is_blocking()?);
    /// socket.set_nonblocking(false)?;
    /// assert!(socket.is_blocking()?);
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn set_nonblocking(&self, nonblocking: bool) -> Result<()> {
        self.open("set_nonblocking")?
            .set_nonblocking(nonblocking)
            .during("set_nonblocking")?;
        self.remember_nonblocking(nonblocking);
        Ok(())
    }

    /// `SO_BROADCAST`: may datagrams go to broadcast addresses.
    pub fn broadcast(&self) -> Result<bool> {
        const OP: &str = "getsockopt(SO_BROADCAST)";
        self.open(OP)?.broadcast().during(OP)
    }

    /// Sets `SO_BROADCAST`.
    pub fn set_broadcast(&self, on: bool) -> Result<()> {
        const OP: &str = "setsockopt(SO_BROADCAST)";
        self.open(OP)?.set_broadcast(on).during(OP)
    }

    /// `SO_KEEPALIVE`: send keep-alive probes on an idle connection.
    pub fn keepalive(&self) -> Result<bool> {
        const OP: &str = "getsockopt(SO_KEEPALIVE)";
        self.open(OP)?.keepalive().during(OP)
    }

    /// Sets `SO_KEEPALIVE`.
    pub fn set_keepalive(&self, on: bool) -> Result<()> {
        const OP: &str = "setsockopt(SO_KEEPALIVE)";
        self.open(OP)?.set_keepalive(on).during(OP)
    }

    /// `SO_LINGER`: `Some(t)` makes close wait up to `t` for unsent data
    /// (`Some(0)` resets the connection), `None` is the default background close.
    pub fn linger(&self) -> Result<Option<Duration>> {
        const OP: &str = "getsockopt(SO_LINGER)";
        self.open(OP)?.linger().during(OP)
    }

    /// Sets `SO_LINGER`. The OS keeps whole seconds: a fraction is rounded *up* (so a
    /// lingering close never becomes a reset), and more than
    /// [`MAX_LINGER_SECS`](crate::convert::MAX_LINGER_SECS) is an invalid-input error.
    pub fn set_linger(&self, linger: Option<Duration>) -> Result<()> {
        const OP: &str = "setsockopt(SO_LINGER)";
        let socket = self.open(OP)?;
        socket
            .set_linger(convert::checked_linger(linger)?)
            .during(OP)
    }

    /// `SO_RCVBUF`: the receive buffer size in bytes (Linux reports double what was set).
    pub fn recv_buffer_size(&self) -> Result<usize> {
        const OP: &str = "getsockopt(SO_RCVBUF)";
        self.open(OP)?.recv_buffer_size().during(OP)
    }

    /// Sets `SO_RCVBUF`: 1 to [`MAX_BUFFER_SIZE`](crate::convert::MAX_BUFFER_SIZE)
    /// bytes, anything else is an invalid-input error and changes nothing.
    pub fn set_recv_buffer_size(&self, size: usize) -> Result<()> {
        const OP: &str = "setsockopt(SO_RCVBUF)";
        let socket = self.open(OP)?;
        let size = checked_buffer_size(OP, size)?;
        socket.set_recv_buffer_size(size).during(OP)
    }

    /// `SO_RCVTIMEO`: how long a receive or accept may block; `None` is forever.
    ///
    /// This is the value last set (the kernel may round what it stores to its clock tick).
    pub fn recv_timeout(&self) -> Result<Option<Duration>> {
        self.open("getsockopt(SO_RCVTIMEO)")?;
        Ok(self.remembered_timeout(true))
    }

    /// Sets `SO_RCVTIMEO`. `Some(Duration::ZERO)` is rejected: use `None` for no timeout.
    pub fn set_recv_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        self.set_timeout(true, timeout)
    }

    /// `SO_REUSEADDR`: allow binding an address in `TIME_WAIT`.
    pub fn reuse_addr(&self) -> Result<bool> {
        const OP: &str = "getsockopt(SO_REUSEADDR)";
        self.open(OP)?.reuse_address().during(OP)
    }

    /// Sets `SO_REUSEADDR`.
    pub fn set_reuse_addr(&self, on: bool) -> Result<()> {
        const OP: &str = "setsockopt(SO_REUSEADDR)";
        self.open(OP)?.set_reuse_address(on).during(OP)
    }

    /// `SO_REUSEPORT`: let several sockets bind the same port. An error where the
    /// platform has no such option (Windows, Solaris).
    pub fn reuse_port(&self) -> Result<bool> {
        const OP: &str = "getsockopt(SO_REUSEPORT)";
        sys::reuse_port(self.open(OP)?).during(OP)
    }

    /// Sets `SO_REUSEPORT` where the platform has it.
    pub fn set_reuse_port(&self, on: bool) -> Result<()> {
        const OP: &str = "setsockopt(SO_REUSEPORT)";
        sys::set_reuse_port(self.open(OP)?, on).during(OP)
    }

    /// `SO_SNDBUF`: the send buffer size in bytes (Linux reports double what was set).
    pub fn send_buffer_size(&self) -> Result<usize> {
        const OP: &str = "getsockopt(SO_SNDBUF)";
        self.open(OP)?.send_buffer_size().during(OP)
    }

    /// Sets `SO_SNDBUF`: 1 to [`MAX_BUFFER_SIZE`](crate::convert::MAX_BUFFER_SIZE)
    /// bytes, anything else is an invalid-input error and changes nothing.
    pub fn set_send_buffer_size(&self, size: usize) -> Result<()> {
        const OP: &str = "setsockopt(SO_SNDBUF)";
        let socket = self.open(OP)?;
        let size = checked_buffer_size(OP, size)?;
        socket.set_send_buffer_size(size).during(OP)
    }

    /// `SO_SNDTIMEO`: how long a send or connect may block; `None` is forever.
    ///
    /// This is the value last set (the kernel may round what it stores to its clock tick).
    pub fn send_timeout(&self) -> Result<Option<Duration>> {
        self.open("getsockopt(SO_SNDTIMEO)")?;
        Ok(self.remembered_timeout(false))
    }

    /// Sets `SO_SNDTIMEO`. `Some(Duration::ZERO)` is rejected: use `None` for no timeout.
    pub fn set_send_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        self.set_timeout(false, timeout)
    }
}

/// IP-level options (`IPPROTO_IP` / `IPPROTO_IPV6`).
impl Socket {
    /// `IPV6_V6ONLY`: an IPv6 socket refuses IPv4-mapped traffic.
    pub fn ipv6_only(&self) -> Result<bool> {
        const OP: &str = "getsockopt(IPV6_V6ONLY)";
        self.open(OP)?.only_v6().during(OP)
    }

    /// Sets `IPV6_V6ONLY` (before `bind`).
    pub fn set_ipv6_only(&self, on: bool) -> Result<()> {
        const OP: &str = "setsockopt(IPV6_V6ONLY)";
        self.open(OP)?.set_only_v6(on).during(OP)
    }

    /// `IP_TTL` (IPv4) or `IPV6_UNICAST_HOPS` (IPv6): the hop limit of outgoing packets.
    pub fn ttl(&self) -> Result<u32> {
        const OP: &str = "getsockopt(IP_TTL)";
        let socket = self.open(OP)?;
        if self.family() == AF_INET6 {
            socket
                .unicast_hops_v6()
                .during("getsockopt(IPV6_UNICAST_HOPS)")
        } else {
            socket.ttl_v4().during(OP)
        }
    }

    /// Sets the hop limit (see [`ttl`](Socket::ttl)): 1 to
    /// [`MAX_TTL`](crate::convert::MAX_TTL), anything else is an invalid-input error.
    pub fn set_ttl(&self, ttl: u32) -> Result<()> {
        const OP: &str = "setsockopt(IP_TTL)";
        const OP_V6: &str = "setsockopt(IPV6_UNICAST_HOPS)";
        let socket = self.open(OP)?;
        let op = if self.family() == AF_INET6 { OP_V6 } else { OP };
        let ttl = convert::ttl_from_int(i64::from(ttl)).map_err(|err| err.renamed(op))?;
        if self.family() == AF_INET6 {
            socket.set_unicast_hops_v6(ttl).during(OP_V6)
        } else {
            socket.set_ttl_v4(ttl).during(OP)
        }
    }
}

/// TCP-level options (`IPPROTO_TCP`).
impl Socket {
    /// `TCP_NODELAY`: send small segments at once (no Nagle delay).
    pub fn nodelay(&self) -> Result<bool> {
        const OP: &str = "getsockopt(TCP_NODELAY)";
        self.open(OP)?.tcp_nodelay().during(OP)
    }

    /// Sets `TCP_NODELAY`.
    pub fn set_nodelay(&self, on: bool) -> Result<()> {
        const OP: &str = "setsockopt(TCP_NODELAY)";
        self.open(OP)?.set_tcp_nodelay(on).during(OP)
    }
}

/// Any option by its C level and name (`SOL_SOCKET`/`SO_*`, `IPPROTO_IP`/`IP_*`, ... from
/// [`constants`](crate::constants)), for the options this crate has no method for.
///
/// These reach the OS directly: an option the OS does not know is its error
/// (`ENOPROTOOPT`, `EINVAL`). Set timeouts and the blocking mode with their own methods,
/// so the socket remembers them (`SO_RCVTIMEO`/`SO_SNDTIMEO` set here are not seen by
/// [`recv_timeout`](Socket::recv_timeout) and are not C `int`s anyway).
impl Socket {
    /// getsockopt(2) of an integer option: the `int` the OS stores (a 1-byte answer,
    /// as some systems give for `IP_MULTICAST_TTL`, is widened).
    ///
    /// ```
    /// use sgssockets_core::constants::{SOL_SOCKET, SO_REUSEADDR, SO_TYPE, SOCK_DGRAM};
    /// let socket = sgssockets_core::Socket::udp(false)?;
    /// assert_eq!(socket.getsockopt_int(SOL_SOCKET, SO_TYPE)?, SOCK_DGRAM);
    /// socket.setsockopt_int(SOL_SOCKET, SO_REUSEADDR, 1)?;
    /// assert_ne!(socket.getsockopt_int(SOL_SOCKET, SO_REUSEADDR)?, 0);
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn getsockopt_int(&self, level: i32, name: i32) -> Result<i32> {
        const OP: &str = "getsockopt";
        let mut buf = [0u8; 4];
        let len = sys::getsockopt_raw(self.open(OP)?, level, name, &mut buf).during(OP)?;
        match len {
            4 => Ok(i32::from_ne_bytes(buf)),
            1 => Ok(i32::from(buf[0])),
            other => Err(crate::Error::invalid_input(
                OP,
                format!(
                    "option (level {level}, name {name}) gave {other} bytes, not an integer: \
                     read it with getsockopt_bytes"
                ),
            )),
        }
    }

    /// getsockopt(2) into a buffer of `size` bytes (1 to
    /// [`MAX_OPTION_SIZE`](crate::convert::MAX_OPTION_SIZE)): the bytes the OS wrote,
    /// which may be fewer.
    ///
    /// ```
    /// use sgssockets_core::constants::{SOL_SOCKET, SO_LINGER};
    /// let socket = sgssockets_core::Socket::tcp(false)?;
    /// socket.set_linger(Some(std::time::Duration::from_secs(3)))?;
    /// let linger = socket.getsockopt_bytes(SOL_SOCKET, SO_LINGER, 64)?;
    /// assert!(linger.len() >= 4); // struct linger, in the platform's layout
    /// assert!(socket.getsockopt_bytes(SOL_SOCKET, SO_LINGER, 0).is_err());
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn getsockopt_bytes(&self, level: i32, name: i32, size: usize) -> Result<Vec<u8>> {
        const OP: &str = "getsockopt";
        let socket = self.open(OP)?;
        let size = convert::option_size_from_int(i64::try_from(size).unwrap_or(i64::MAX))
            .map_err(|err| err.renamed(OP))?;
        let mut buf = vec![0u8; size];
        let len = sys::getsockopt_raw(socket, level, name, &mut buf).during(OP)?;
        buf.truncate(len);
        Ok(buf)
    }

    /// setsockopt(2) of an integer option (passed as a C `int`).
    ///
    /// ```
    /// use sgssockets_core::constants::{IPPROTO_TCP, TCP_NODELAY};
    /// let socket = sgssockets_core::Socket::tcp(false)?;
    /// socket.setsockopt_int(IPPROTO_TCP, TCP_NODELAY, 1)?;
    /// assert!(socket.nodelay()?);
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn setsockopt_int(&self, level: i32, name: i32, value: i32) -> Result<()> {
        const OP: &str = "setsockopt";
        sys::setsockopt_raw(self.open(OP)?, level, name, &value.to_ne_bytes()).during(OP)
    }

    /// setsockopt(2) with `value` as the option's bytes (a C struct in the platform's
    /// layout, e.g. `struct ip_mreq`).
    ///
    /// ```
    /// use sgssockets_core::constants::{SOL_SOCKET, SO_KEEPALIVE};
    /// let socket = sgssockets_core::Socket::tcp(false)?;
    /// socket.setsockopt_bytes(SOL_SOCKET, SO_KEEPALIVE, &1i32.to_ne_bytes())?;
    /// assert!(socket.keepalive()?);
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn setsockopt_bytes(&self, level: i32, name: i32, value: &[u8]) -> Result<()> {
        const OP: &str = "setsockopt";
        sys::setsockopt_raw(self.open(OP)?, level, name, value).during(OP)
    }
}
