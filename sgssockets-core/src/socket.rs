//! `Socket`: a socket2 socket with an explicit closed state, errors that name the call,
//! no SIGPIPE, EINTR retries that keep timeouts counting down, and bounded receives.

use std::io;
use std::mem::MaybeUninit;
use std::net::Shutdown;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Type};

use crate::constants::{AF_INET, AF_INET6, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM};
use crate::error::Context;
use crate::poller::PollerLinks;
use crate::{sys, Error, MsgFlags, Result, SocketAddress};

/// Receives of up to this many bytes use a stack buffer: no heap allocation at all.
pub const STACK_RECV_LIMIT: usize = 64 * 1024;

/// What a receive got: data, or the orderly end of a stream.
///
/// `Closed` is only reported for connection-based sockets whose peer shut down sending;
/// an empty datagram is `Data` of length 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incoming<T> {
    /// Data arrived (a length, or the bytes themselves).
    Data(T),
    /// The peer closed the stream in order (recv returned 0).
    Closed,
}

/// Which of the socket's timeouts governs a call.
#[derive(Clone, Copy)]
enum Direction {
    Recv,
    Send,
}

/// A socket. Every method takes `&self` except [`close`](Socket::close); after `close`
/// every call fails with `EBADF` and never touches a descriptor that may have been reused.
///
/// ```
/// use sgssockets_core::{Socket, MsgFlags, Incoming};
///
/// let server = Socket::udp(false).unwrap();
/// server.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
/// let client = Socket::udp(false).unwrap();
/// client.send_to(b"ping", &server.local_addr().unwrap(), MsgFlags::empty()).unwrap();
///
/// let mut buf = [0u8; 16];
/// let (len, from) = server.recv_from(&mut buf, MsgFlags::empty()).unwrap();
/// assert_eq!(&buf[..len], b"ping");
/// assert_eq!(from.port(), client.local_addr().unwrap().port());
/// ```
pub struct Socket {
    inner: Option<socket2::Socket>,
    family: i32,
    socket_type: i32,
    /// Last blocking mode set (Windows cannot be asked).
    nonblocking: AtomicBool,
    /// Timeouts in nanoseconds, 0 for none: known without a syscall so the hot path
    /// reads the clock only when a timeout can expire.
    recv_timeout_ns: AtomicU64,
    send_timeout_ns: AtomicU64,
    /// The pollers the socket is registered in, left before the descriptor goes.
    pollers: PollerLinks,
}

impl std::fmt::Debug for Socket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let family = crate::constants::family_name(self.family);
        let socket_type = crate::constants::ALL
            .iter()
            .find(|(name, value)| name.starts_with("SOCK_") && *value == self.socket_type)
            .map(|(name, _)| *name);
        let mut out = f.debug_struct("Socket");
        match self.raw_socket() {
            Some(raw) => out.field("handle", &raw),
            None => out.field("handle", &"closed"),
        };
        match family {
            Some(name) => out.field("family", &format_args!("{name}")),
            None => out.field("family", &self.family),
        };
        match socket_type {
            Some(name) => out.field("type", &format_args!("{name}")),
            None => out.field("type", &self.socket_type),
        };
        out.finish()
    }
}

/// Dropping a socket closes it, after leaving every poller it is registered in.
impl Drop for Socket {
    fn drop(&mut self) {
        drop(self.release());
    }
}

fn nanos(timeout: Option<Duration>) -> u64 {
    timeout.map_or(0, |d| {
        u64::try_from(d.as_nanos()).unwrap_or(u64::MAX).max(1)
    })
}

fn from_nanos(ns: u64) -> Option<Duration> {
    (ns != 0).then(|| Duration::from_nanos(ns))
}

/// View an initialised buffer as one the OS may write into.
fn as_uninit(buf: &mut [u8]) -> &mut [MaybeUninit<u8>] {
    // SAFETY: MaybeUninit<u8> has u8's layout, and socket2 only writes initialised bytes
    // into the slice, so it stays initialised for the caller.
    unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) }
}

/// recv(2) into `buf`: how many bytes it wrote there. A caller's `MSG_TRUNC` makes Linux
/// report a datagram's real length, which can exceed `buf`; only `buf.len()` were written,
/// and a longer datagram is cut to `buf` on every platform.
fn recv_into(
    socket: &socket2::Socket,
    buf: &mut [MaybeUninit<u8>],
    flags: i32,
) -> io::Result<usize> {
    let room = buf.len();
    sys::recv(socket, buf, flags).map(|len| len.min(room))
}

/// recvfrom(2) into `buf`, with the count capped like [`recv_into`].
fn recv_from_into(
    socket: &socket2::Socket,
    buf: &mut [MaybeUninit<u8>],
    flags: i32,
) -> io::Result<(usize, socket2::SockAddr)> {
    let room = buf.len();
    sys::recv_from(socket, buf, flags).map(|(len, from)| (len.min(room), from))
}

/// The first `len` bytes, which the OS reported it wrote.
fn assume_init(buf: &[MaybeUninit<u8>], len: usize) -> &[u8] {
    let filled = &buf[..len];
    // SAFETY: recv/recvfrom returned `len`, so the kernel initialised these bytes.
    unsafe { &*(filled as *const [MaybeUninit<u8>] as *const [u8]) }
}

impl Socket {
    /// Creates a socket from typed values (`Domain::IPV4`, `Type::STREAM`, ...).
    pub fn new(domain: Domain, ty: Type, protocol: Option<Protocol>) -> Result<Socket> {
        let inner = socket2::Socket::new(domain, ty, protocol).during("socket")?;
        Socket::adopt_new(inner, domain.into(), ty.into())
    }

    /// Creates a socket from the C numbers (`AF_INET`, `SOCK_STREAM`, `IPPROTO_TCP` or 0).
    pub fn from_raw_parts(family: i32, socket_type: i32, protocol: i32) -> Result<Socket> {
        let protocol = (protocol != 0).then(|| Protocol::from(protocol));
        Socket::new(Domain::from(family), Type::from(socket_type), protocol)
    }

    /// A TCP socket, IPv6 if `ipv6`, else IPv4.
    pub fn tcp(ipv6: bool) -> Result<Socket> {
        let domain = if ipv6 { Domain::IPV6 } else { Domain::IPV4 };
        Socket::new(domain, Type::STREAM, Some(Protocol::TCP))
    }

    /// A UDP socket, IPv6 if `ipv6`, else IPv4.
    pub fn udp(ipv6: bool) -> Result<Socket> {
        let domain = if ipv6 { Domain::IPV6 } else { Domain::IPV4 };
        Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))
    }

    /// Wraps a socket this crate just created: blocking, no timeouts.
    fn adopt_new(inner: socket2::Socket, family: i32, socket_type: i32) -> Result<Socket> {
        sys::prepare_socket(&inner).during("socket")?;
        Ok(Socket::with_state(
            inner,
            family,
            socket_type,
            false,
            None,
            None,
        ))
    }

    /// Wraps a socket made elsewhere, asking the OS for its mode and timeouts.
    fn adopt_existing(
        inner: socket2::Socket,
        family: i32,
        socket_type: i32,
        nonblocking: bool,
    ) -> Result<Socket> {
        sys::prepare_socket(&inner).during("socket")?;
        let recv_timeout = inner.read_timeout().during("getsockopt(SO_RCVTIMEO)")?;
        let send_timeout = inner.write_timeout().during("getsockopt(SO_SNDTIMEO)")?;
        Ok(Socket::with_state(
            inner,
            family,
            socket_type,
            nonblocking,
            recv_timeout,
            send_timeout,
        ))
    }

    /// The one place a `Socket` is put together from an open socket and what is known of it.
    fn with_state(
        inner: socket2::Socket,
        family: i32,
        socket_type: i32,
        nonblocking: bool,
        recv_timeout: Option<Duration>,
        send_timeout: Option<Duration>,
    ) -> Socket {
        Socket {
            inner: Some(inner),
            family,
            socket_type,
            nonblocking: AtomicBool::new(nonblocking),
            recv_timeout_ns: AtomicU64::new(nanos(recv_timeout)),
            send_timeout_ns: AtomicU64::new(nanos(send_timeout)),
            pollers: PollerLinks::default(),
        }
    }

    /// Gives up the descriptor: leaves every poller first, so no poller ever holds a
    /// registration for a descriptor that is closed or owned elsewhere. `None` once closed.
    fn release(&mut self) -> Option<socket2::Socket> {
        let inner = self.inner.take()?;
        self.pollers.detach_all(&inner);
        Some(inner)
    }

    /// The pollers this socket is registered in.
    pub(crate) fn poller_links(&self) -> &PollerLinks {
        &self.pollers
    }

    /// Wraps any socket2 socket, asking the OS for its family and type.
    pub fn from_socket2(inner: socket2::Socket) -> Result<Socket> {
        Socket::try_from_socket2(inner).map_err(|(err, _)| err)
    }

    /// Like [`from_socket2`](Socket::from_socket2), but when the OS cannot describe the
    /// handle as a socket (`ENOTSOCK`, `EBADF`, ...) it is handed back unchanged with the
    /// error instead of being closed, so a caller adopting a descriptor it was lent can
    /// leave it with its owner. (A failure after that, reading the timeouts of a handle the
    /// OS just described, closes it and gives `None`.)
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use std::os::fd::{AsRawFd, FromRawFd};
    /// use sgssockets_core::{socket2, Socket};
    ///
    /// let file = std::fs::File::open("Cargo.toml").unwrap();
    /// // SAFETY (doc example): the view is handed back and forgotten, never closed.
    /// let view = unsafe { socket2::Socket::from_raw_fd(file.as_raw_fd()) };
    /// let (err, back) = Socket::try_from_socket2(view).unwrap_err();
    /// assert_eq!(Some(err.code()), sgssockets_core::errno::errno_by_name("ENOTSOCK"));
    /// std::mem::forget(back.unwrap()); // `file` still owns the descriptor
    ///
    /// let std_udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let udp = Socket::try_from_socket2(socket2::Socket::from(std_udp)).unwrap();
    /// assert_eq!(udp.socket_type(), sgssockets_core::constants::SOCK_DGRAM);
    /// # }
    /// ```
    pub fn try_from_socket2(
        inner: socket2::Socket,
    ) -> std::result::Result<Socket, (Error, Option<socket2::Socket>)> {
        let described = sys::socket_family(&inner).and_then(|family| {
            let socket_type = inner.r#type().during("getsockopt(SO_TYPE)")?;
            Ok((family, i32::from(socket_type)))
        });
        let (family, socket_type) = match described {
            Ok(described) => described,
            Err(err) => return Err((err, Some(inner))),
        };
        let nonblocking = sys::accepted_is_nonblocking(&inner, false);
        Socket::adopt_existing(inner, family, socket_type, nonblocking).map_err(|err| (err, None))
    }

    /// The open socket, or `EBADF` naming `operation`.
    pub(crate) fn open(&self, operation: &'static str) -> Result<&socket2::Socket> {
        self.inner.as_ref().ok_or_else(|| Error::closed(operation))
    }

    /// The socket2 socket, for options this crate does not wrap. `None` once closed.
    pub fn as_socket2(&self) -> Option<&socket2::Socket> {
        self.inner.as_ref()
    }

    /// The OS handle, or `None` once closed.
    pub fn raw_socket(&self) -> Option<sys::RawSocket> {
        self.inner.as_ref().map(sys::raw_socket)
    }

    /// Whether [`close`](Socket::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.is_none()
    }

    /// The address family given at creation (`AF_INET`, `AF_INET6`, `AF_UNIX`, ...).
    pub fn family(&self) -> i32 {
        self.family
    }

    /// The socket type given at creation (`SOCK_STREAM`, `SOCK_DGRAM`, ...).
    pub fn socket_type(&self) -> i32 {
        self.socket_type
    }

    /// Whether a 0-byte receive means the peer closed (connection-based sockets).
    fn zero_means_closed(&self) -> bool {
        self.socket_type != SOCK_DGRAM && self.socket_type != SOCK_RAW
    }

    /// Runs `call`, retrying it when a signal interrupts it (PEP 475). If the governing
    /// timeout is set, retries get only the time that is left, and running out of it
    /// reports `EWOULDBLOCK` as the timeout itself would have.
    fn retrying<T>(
        &self,
        operation: &'static str,
        direction: Direction,
        mut call: impl FnMut(&socket2::Socket) -> io::Result<T>,
    ) -> Result<T> {
        let socket = self.open(operation)?;
        let timeout = from_nanos(match direction {
            Direction::Recv => self.recv_timeout_ns.load(Ordering::Relaxed),
            Direction::Send => self.send_timeout_ns.load(Ordering::Relaxed),
        });
        let started = timeout.map(|_| Instant::now());
        let mut shortened = false;
        let result = loop {
            match call(socket) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {
                    let (Some(timeout), Some(started)) = (timeout, started) else {
                        continue;
                    };
                    let Some(left) = timeout
                        .checked_sub(started.elapsed())
                        .filter(|left| !left.is_zero())
                    else {
                        break Err(io::Error::from(io::ErrorKind::WouldBlock));
                    };
                    if let Err(err) = set_os_timeout(socket, direction, Some(left)) {
                        break Err(err);
                    }
                    shortened = true;
                }
                other => break other,
            }
        };
        if shortened {
            // Put back the timeout the caller set; the call's own result matters more.
            let _ = set_os_timeout(socket, direction, timeout);
        }
        result.map_err(|err| {
            let ran_out = match (timeout, started) {
                // A blocking call that waited (about) its timeout and got EWOULDBLOCK timed
                // out; one that failed at once was asked not to wait (MSG_DONTWAIT).
                (Some(timeout), Some(started)) => {
                    sys::is_timeout_error(&err)
                        && !self.remembered_nonblocking()
                        && started.elapsed() >= timeout / 2
                }
                _ => false,
            };
            if ran_out {
                timed_out(operation, direction, timeout.unwrap_or_default())
            } else {
                Error::os(operation, err)
            }
        })
    }

    /// Binds to `addr`.
    pub fn bind(&self, addr: &SocketAddress) -> Result<()> {
        self.open("bind")?.bind(&addr.to_sockaddr()).during("bind")
    }

    /// Binds to `port` on the wildcard address of the socket's own family (`0.0.0.0` or `::`).
    pub fn bind_port(&self, port: u16) -> Result<()> {
        let wildcard: SocketAddress = match self.family {
            f if f == AF_INET => {
                std::net::SocketAddr::from((std::net::Ipv4Addr::UNSPECIFIED, port)).into()
            }
            f if f == AF_INET6 => {
                std::net::SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, port)).into()
            }
            other => {
                return Err(Error::invalid_input(
                    "bind",
                    format!(
                        "binding a port needs an IPv4 or IPv6 socket, this one is family {other}"
                    ),
                ))
            }
        };
        self.bind(&wildcard)
    }

    /// Starts listening with a queue of `backlog` connections.
    pub fn listen(&self, backlog: i32) -> Result<()> {
        self.open("listen")?.listen(backlog).during("listen")
    }

    /// Accepts a connection: the new socket and the peer's address.
    pub fn accept(&self) -> Result<(Socket, SocketAddress)> {
        let (inner, peer) = self.retrying("accept", Direction::Recv, |s| s.accept())?;
        let listener_nonblocking = self.nonblocking.load(Ordering::Relaxed);
        let nonblocking = sys::accepted_is_nonblocking(&inner, listener_nonblocking);
        let socket = Socket::adopt_existing(inner, self.family, self.socket_type, nonblocking)?;
        Ok((socket, SocketAddress::from_sockaddr(&peer)))
    }

    /// Connects to `addr`. A connect interrupted by a signal is finished, not restarted.
    pub fn connect(&self, addr: &SocketAddress) -> Result<()> {
        let socket = self.open("connect")?;
        match socket.connect(&addr.to_sockaddr()) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {
                self.finish_interrupted_connect(socket)
            }
            Err(err) => Err(Error::os("connect", err)),
        }
    }

    /// After EINTR the connection attempt goes on in the kernel: wait for it to complete
    /// (within the send timeout, which governs connect) and report its outcome.
    fn finish_interrupted_connect(&self, socket: &socket2::Socket) -> Result<()> {
        let timeout = from_nanos(self.send_timeout_ns.load(Ordering::Relaxed));
        if !crate::select::wait_writable(sys::raw_socket(socket), timeout).during("connect")? {
            return Err(Error::os(
                "connect",
                io::Error::from(io::ErrorKind::WouldBlock),
            ));
        }
        match socket.take_error().during("connect")? {
            None => Ok(()),
            Some(err) => Err(Error::os("connect", err)),
        }
    }

    /// Connects to `addr`, waiting at most `timeout` (`None`: as long as it takes;
    /// `Some(Duration::ZERO)`: do not wait).
    ///
    /// Running out of time is an error with code `ETIMEDOUT` whose text says the connect
    /// timed out, never "in progress"; the attempt is abandoned (close the socket or try
    /// again). The socket's blocking mode is the same afterwards as before, and its send
    /// timeout plays no part. A signal during the wait resumes it with the time left.
    ///
    /// ```
    /// use std::time::Duration;
    /// use sgssockets_core::Socket;
    ///
    /// let listener = Socket::tcp(false)?;
    /// listener.bind(&"127.0.0.1:0".parse()?)?;
    /// listener.listen(1)?;
    /// let client = Socket::tcp(false)?;
    /// client.connect_timeout(&listener.local_addr()?, Some(Duration::from_secs(5)))?;
    /// assert!(client.is_blocking()?);
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn connect_timeout(&self, addr: &SocketAddress, timeout: Option<Duration>) -> Result<()> {
        const OP: &str = "connect_timeout";
        let socket = self.open(OP)?;
        let was_nonblocking =
            sys::is_nonblocking(socket, self.remembered_nonblocking()).during(OP)?;
        if !was_nonblocking {
            socket.set_nonblocking(true).during(OP)?;
        }
        let result = connect_and_wait(socket, addr, timeout, OP);
        if !was_nonblocking {
            let restored = socket.set_nonblocking(false).during(OP);
            result?;
            restored?;
            return Ok(());
        }
        result
    }

    /// Sends all of `buf`, calling send as often as it takes; returns `buf.len()`.
    ///
    /// The send timeout ([`set_send_timeout`](Socket::set_send_timeout)) bounds the whole
    /// call, not each send: when it passes, the error has the platform's `EWOULDBLOCK`
    /// code and a text saying it timed out. A non-blocking socket whose peer does not read
    /// fails with `EWOULDBLOCK` as soon as its buffer is full. As with Python's `sendall`,
    /// how much was sent before an error is not reported. Signals are retried.
    ///
    /// ```
    /// use sgssockets_core::{Incoming, MsgFlags, Socket};
    /// use sgssockets_core::constants::SOCK_STREAM;
    ///
    /// let (a, b) = Socket::pair(SOCK_STREAM)?;
    /// assert_eq!(a.send_all(b"hello", MsgFlags::empty())?, 5);
    /// let mut buf = [0u8; 5];
    /// assert_eq!(b.recv(&mut buf, MsgFlags::WAITALL)?, Incoming::Data(5));
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn send_all(&self, buf: &[u8], flags: MsgFlags) -> Result<usize> {
        const OP: &str = "send_all";
        let socket = self.open(OP)?;
        let flags = flags.bits() | sys::SEND_FLAGS;
        let timeout = from_nanos(self.send_timeout_ns.load(Ordering::Relaxed));
        let nonblocking = self.remembered_nonblocking();
        if buf.is_empty() {
            return Ok(0);
        }
        let started = Instant::now();
        let mut sent = 0;
        let mut again = false;
        let mut shortened = false;
        let result = loop {
            if let Some(timeout) = timeout {
                let left = timeout.saturating_sub(started.elapsed());
                if left.is_zero() {
                    break Err(timed_out(OP, Direction::Send, timeout));
                }
                if again {
                    // One deadline for the whole call: each send gets only what is left.
                    if let Err(err) = set_os_timeout(socket, Direction::Send, Some(left)) {
                        break Err(Error::os(OP, err));
                    }
                    shortened = true;
                }
            }
            again = true;
            match socket.send_with_flags(&buf[sent..], flags) {
                Ok(len) => {
                    sent += len;
                    if sent >= buf.len() {
                        break Ok(());
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) if sys::is_timeout_error(&err) && !nonblocking => match timeout {
                    Some(timeout) => break Err(timed_out(OP, Direction::Send, timeout)),
                    None => break Err(Error::os(OP, err)),
                },
                Err(err) => break Err(Error::os(OP, err)),
            }
        };
        if shortened {
            // Put back the timeout the caller set; the call's own result matters more.
            let _ = set_os_timeout(socket, Direction::Send, timeout);
        }
        result.map(|()| buf.len())
    }

    /// Reads what a receive would, without taking it from the queue (`MSG_PEEK`): how many
    /// bytes were copied into `buf`, 0 when a stream's peer closed.
    ///
    /// ```
    /// use sgssockets_core::{MsgFlags, Socket};
    /// let (a, b) = Socket::pair(sgssockets_core::constants::SOCK_DGRAM)?;
    /// a.send(b"ping", MsgFlags::empty())?;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(b.peek(&mut buf)?, 4);
    /// assert_eq!(b.peek(&mut buf)?, 4); // still there
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn peek(&self, buf: &mut [u8]) -> Result<usize> {
        let buf = as_uninit(buf);
        self.retrying("peek", Direction::Recv, |s| {
            recv_into(s, buf, MsgFlags::PEEK.bits())
        })
    }

    /// Two connected sockets of `socket_type` (`SOCK_STREAM`, `SOCK_DGRAM`, or
    /// `SOCK_SEQPACKET` on Unix): socketpair(2) with `AF_UNIX` on Unix; on Windows, which
    /// has no socketpair, an IPv4 loopback TCP (or UDP) pair. Both are blocking,
    /// close-on-exec, with no timeouts. Another type is an invalid-input error.
    ///
    /// ```
    /// use sgssockets_core::{Incoming, MsgFlags, Socket};
    /// use sgssockets_core::constants::SOCK_STREAM;
    ///
    /// let (a, b) = Socket::pair(SOCK_STREAM)?;
    /// a.send(b"hi", MsgFlags::empty())?;
    /// let mut buf = [0u8; 2];
    /// assert_eq!(b.recv(&mut buf, MsgFlags::empty())?, Incoming::Data(2));
    /// assert!(Socket::pair(12345).is_err());
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn pair(socket_type: i32) -> Result<(Socket, Socket)> {
        const OP: &str = "pair";
        if !sys::PAIR_TYPES.contains(&socket_type) {
            let names: Vec<&str> = sys::PAIR_TYPES
                .iter()
                .filter_map(|t| {
                    crate::constants::ALL
                        .iter()
                        .find(|(name, value)| name.starts_with("SOCK_") && value == t)
                        .map(|(name, _)| *name)
                })
                .collect();
            return Err(Error::invalid_input(
                OP,
                format!(
                    "socket type {socket_type} cannot make a pair: use {}",
                    names.join(" or ")
                ),
            ));
        }
        let (a, b, family) = sys::socket_pair(socket_type).during(OP)?;
        let a = Socket::adopt_new(a, family, socket_type).map_err(|err| err.renamed(OP))?;
        let b = Socket::adopt_new(b, family, socket_type).map_err(|err| err.renamed(OP))?;
        Ok((a, b))
    }

    /// A second `Socket` for the same open socket (dup(2), close-on-exec; `WSADuplicateSocket`
    /// on Windows), with this one's remembered timeouts and blocking mode. Closing one
    /// leaves the other open. The OS shares the mode and timeouts between the two, so
    /// setting them on one changes the other's behaviour too (but only the one set
    /// remembers the new value); the clone is in no poller.
    ///
    /// ```
    /// use sgssockets_core::{Incoming, MsgFlags, Socket};
    /// let (a, b) = Socket::pair(sgssockets_core::constants::SOCK_STREAM)?;
    /// let mut a2 = a.try_clone()?;
    /// a2.send(b"x", MsgFlags::empty())?;
    /// a2.close()?;
    /// a.send(b"y", MsgFlags::empty())?; // still open
    /// let mut buf = [0u8; 2];
    /// assert_eq!(b.recv(&mut buf, MsgFlags::WAITALL)?, Incoming::Data(2));
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn try_clone(&self) -> Result<Socket> {
        const OP: &str = "try_clone";
        let inner = self.open(OP)?.try_clone().during(OP)?;
        sys::prepare_socket(&inner).during(OP)?;
        Ok(Socket::with_state(
            inner,
            self.family,
            self.socket_type,
            self.remembered_nonblocking(),
            self.remembered_timeout(true),
            self.remembered_timeout(false),
        ))
    }

    /// The OS handle (file descriptor on Unix), or `None` once closed: the same as
    /// [`raw_socket`](Socket::raw_socket), under the name Python and SGScript use.
    ///
    /// ```
    /// let mut socket = sgssockets_core::Socket::udp(false).unwrap();
    /// assert!(socket.fileno().is_some());
    /// socket.close().unwrap();
    /// assert_eq!(socket.fileno(), None);
    /// ```
    pub fn fileno(&self) -> Option<sys::RawSocket> {
        self.raw_socket()
    }

    /// Gives up the descriptor without closing it: the `Socket` becomes closed (every call
    /// gives `EBADF`, dropping it does nothing) after leaving every poller it was
    /// registered in, and the caller now owns the returned descriptor and must close it.
    /// `EBADF` if the socket was already closed.
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use std::os::fd::{FromRawFd, OwnedFd};
    /// let mut socket = sgssockets_core::Socket::udp(false).unwrap();
    /// let fd = socket.detach().unwrap();
    /// assert!(socket.is_closed());
    /// // SAFETY (doc example): `detach` handed ownership of `fd` to us.
    /// drop(unsafe { OwnedFd::from_raw_fd(fd) }); // our close
    /// assert!(socket.detach().unwrap_err().is_closed());
    /// # }
    /// ```
    pub fn detach(&mut self) -> Result<sys::RawSocket> {
        let inner = self.release().ok_or_else(|| Error::closed("detach"))?;
        Ok(sys::into_raw(inner))
    }

    /// Adopts a *duplicate* of the open socket descriptor `fd` (close-on-exec; on Windows a
    /// `WSADuplicateSocket` handle), asking the OS for its family, type, mode and timeouts.
    /// The caller keeps `fd` and still closes it; closing the returned socket never
    /// touches it. A descriptor that is not open gives `EBADF`, one that is not a socket
    /// `ENOTSOCK`, each with a text naming the descriptor.
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use std::os::fd::AsRawFd;
    /// use sgssockets_core::Socket;
    ///
    /// let std_udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    /// let mut adopted = Socket::from_fd_dup(std_udp.as_raw_fd()).unwrap();
    /// assert_eq!(adopted.local_addr().unwrap(), std_udp.local_addr().unwrap().into());
    /// adopted.close().unwrap();
    /// assert!(std_udp.local_addr().is_ok()); // the original is still open
    ///
    /// let file = std::fs::File::open("Cargo.toml").unwrap();
    /// let err = Socket::from_fd_dup(file.as_raw_fd()).unwrap_err();
    /// assert_eq!(err.code(), sgssockets_core::errno::ENOTSOCK);
    /// # }
    /// ```
    pub fn from_fd_dup(fd: sys::RawSocket) -> Result<Socket> {
        const OP: &str = "from_fd_dup";
        let dup = sys::duplicate(fd).map_err(|err| {
            let code = err.raw_os_error().unwrap_or(crate::errno::EBADF);
            let what = if code == crate::errno::ENOTSOCK {
                "is not a socket"
            } else {
                "is not an open descriptor"
            };
            Error::coded(
                OP,
                code,
                format!(
                    "descriptor {fd} {what} ({})",
                    crate::errno::error_text(code)
                ),
            )
        })?;
        // On failure the duplicate (ours) is closed when `_dup` drops; `fd` stays open.
        Socket::try_from_socket2(dup).map_err(|(err, _dup)| {
            if err.code() == crate::errno::ENOTSOCK {
                Error::coded(
                    OP,
                    err.code(),
                    format!(
                        "descriptor {fd} is not a socket ({})",
                        crate::errno::error_text(err.code())
                    ),
                )
            } else {
                err.renamed(OP)
            }
        })
    }

    /// Sends `buf` on a connected socket; returns how many bytes were sent.
    /// A broken connection gives `EPIPE`/`ECONNRESET`, never `SIGPIPE`.
    pub fn send(&self, buf: &[u8], flags: MsgFlags) -> Result<usize> {
        let flags = flags.bits() | sys::SEND_FLAGS;
        self.retrying("send", Direction::Send, |s| s.send_with_flags(buf, flags))
    }

    /// Sends `buf` to `addr`; returns how many bytes were sent.
    pub fn send_to(&self, buf: &[u8], addr: &SocketAddress, flags: MsgFlags) -> Result<usize> {
        let flags = flags.bits() | sys::SEND_FLAGS;
        let addr = addr.to_sockaddr();
        self.retrying("sendto", Direction::Send, |s| {
            s.send_to_with_flags(buf, &addr, flags)
        })
    }

    /// Receives into `buf`: the length received, or [`Incoming::Closed`] when a stream's
    /// peer closed in order.
    pub fn recv(&self, buf: &mut [u8], flags: MsgFlags) -> Result<Incoming<usize>> {
        self.recv_uninit(as_uninit(buf), flags)
    }

    /// Like [`recv`](Socket::recv), into memory that need not be initialised (a buffer
    /// from C, a `Vec`'s spare capacity): after `Incoming::Data(n)` the first `n` bytes
    /// of `buf` are initialised. Nothing uninitialised is ever written into `buf`.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// use sgssockets_core::{Incoming, MsgFlags, Socket};
    ///
    /// let a = Socket::udp(false).unwrap();
    /// a.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    /// a.send_to(b"hey", &a.local_addr().unwrap(), MsgFlags::empty()).unwrap();
    /// let mut buf: Vec<u8> = Vec::with_capacity(16);
    /// let got = a.recv_uninit(buf.spare_capacity_mut(), MsgFlags::empty()).unwrap();
    /// let Incoming::Data(n) = got else { panic!("a datagram") };
    /// // SAFETY (doc example): recv_uninit initialised the first `n` bytes.
    /// unsafe { buf.set_len(n) };
    /// assert_eq!(buf, b"hey");
    /// ```
    pub fn recv_uninit(
        &self,
        buf: &mut [MaybeUninit<u8>],
        flags: MsgFlags,
    ) -> Result<Incoming<usize>> {
        let wants_data = !buf.is_empty();
        let len = self.retrying("recv", Direction::Recv, |s| recv_into(s, buf, flags.bits()))?;
        Ok(if len == 0 && wants_data && self.zero_means_closed() {
            Incoming::Closed
        } else {
            Incoming::Data(len)
        })
    }

    /// Receives a datagram into `buf` with the sender's address. A datagram longer than
    /// `buf` is truncated to it on every platform.
    pub fn recv_from(&self, buf: &mut [u8], flags: MsgFlags) -> Result<(usize, SocketAddress)> {
        self.recv_from_uninit(as_uninit(buf), flags)
    }

    /// Like [`recv_from`](Socket::recv_from), into memory that need not be initialised:
    /// the first `n` bytes of `buf` are initialised when `(n, sender)` is returned.
    pub fn recv_from_uninit(
        &self,
        buf: &mut [MaybeUninit<u8>],
        flags: MsgFlags,
    ) -> Result<(usize, SocketAddress)> {
        let (len, from) = self.retrying("recvfrom", Direction::Recv, |s| {
            recv_from_into(s, buf, flags.bits())
        })?;
        Ok((len, SocketAddress::from_sockaddr(&from)))
    }

    /// Receives at most `max` bytes and hands them to `consume` without copying them.
    ///
    /// Memory is bounded by what arrived, not by `max`, so a huge `max` costs nothing: up to
    /// [`STACK_RECV_LIMIT`] bytes are read into a stack buffer; a larger `max` reads a
    /// stream in chunks of that size, and a datagram into a buffer of its real length.
    ///
    /// ```
    /// use sgssockets_core::{Socket, MsgFlags, Incoming};
    /// let a = Socket::udp(false).unwrap();
    /// a.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    /// a.send_to(b"hello", &a.local_addr().unwrap(), MsgFlags::empty()).unwrap();
    /// let got = a.recv_bounded(i32::MAX as usize, MsgFlags::empty(), |incoming| match incoming {
    ///     Incoming::Data(bytes) => bytes.to_vec(),
    ///     Incoming::Closed => Vec::new(),
    /// }).unwrap();
    /// assert_eq!(got, b"hello");
    /// ```
    pub fn recv_bounded<R>(
        &self,
        max: usize,
        flags: MsgFlags,
        consume: impl FnOnce(Incoming<&[u8]>) -> R,
    ) -> Result<R> {
        let closed_on_zero = self.zero_means_closed();
        self.recv_with_buffer(
            "recv",
            max,
            flags,
            |socket, buf, flags| recv_into(socket, buf, flags).map(|len| (len, ())),
            |data, ()| consume(classify(data, closed_on_zero)),
        )
    }

    /// Like [`recv_bounded`](Socket::recv_bounded), with the sender's address. On a stream
    /// socket whose peer closed in order the data is [`Incoming::Closed`], as for `recv`.
    pub fn recv_from_bounded<R>(
        &self,
        max: usize,
        flags: MsgFlags,
        consume: impl FnOnce(Incoming<&[u8]>, SocketAddress) -> R,
    ) -> Result<R> {
        let closed_on_zero = self.zero_means_closed();
        self.recv_with_buffer("recvfrom", max, flags, recv_from_into, |data, from| {
            consume(
                classify(data, closed_on_zero),
                SocketAddress::from_sockaddr(&from),
            )
        })
    }

    /// The buffer policy of the bounded receives: at most `max` bytes into a stack buffer
    /// of [`STACK_RECV_LIMIT`] bytes, or, for a datagram longer than that, into a heap
    /// buffer of the datagram's real size. `receive` fills the buffer (retried on EINTR),
    /// `finish` gets the bytes it wrote and whatever else it returned.
    fn recv_with_buffer<T, R>(
        &self,
        operation: &'static str,
        max: usize,
        flags: MsgFlags,
        mut receive: impl FnMut(&socket2::Socket, &mut [MaybeUninit<u8>], i32) -> io::Result<(usize, T)>,
        finish: impl FnOnce(&[u8], T) -> R,
    ) -> Result<R> {
        check_max(operation, max)?;
        let mut stack = [MaybeUninit::<u8>::uninit(); STACK_RECV_LIMIT];
        let mut heap = Vec::new();
        let buf = if max <= STACK_RECV_LIMIT || self.zero_means_closed() {
            &mut stack[..max.min(STACK_RECV_LIMIT)]
        } else {
            let size = self.retrying(operation, Direction::Recv, |s| {
                sys::next_datagram_len(s, flags.bits())
            })?;
            heap.reserve_exact(size.min(max));
            &mut heap.spare_capacity_mut()[..size.min(max)]
        };
        let (len, extra) = self.retrying(operation, Direction::Recv, |s| {
            receive(s, buf, flags.bits())
        })?;
        Ok(finish(assume_init(buf, len), extra))
    }

    /// Shuts down one or both directions.
    pub fn shutdown(&self, how: Shutdown) -> Result<()> {
        self.open("shutdown")?.shutdown(how).during("shutdown")
    }

    /// Closes the socket and reports what the OS said. Closing twice gives `EBADF`.
    pub fn close(&mut self) -> Result<()> {
        let inner = self.release().ok_or_else(|| Error::closed("close"))?;
        sys::close(inner).during("close")
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> Result<SocketAddress> {
        let raw = self
            .open("getpeername")?
            .peer_addr()
            .during("getpeername")?;
        Ok(SocketAddress::from_sockaddr(&raw))
    }

    /// The local address (after `bind(0)`, this has the port the OS chose).
    pub fn local_addr(&self) -> Result<SocketAddress> {
        let raw = self
            .open("getsockname")?
            .local_addr()
            .during("getsockname")?;
        Ok(SocketAddress::from_sockaddr(&raw))
    }

    /// Takes the pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> Result<Option<Error>> {
        let pending = self
            .open("getsockopt(SO_ERROR)")?
            .take_error()
            .during("getsockopt(SO_ERROR)")?;
        Ok(pending.map(|err| Error::os("SO_ERROR", err)))
    }

    pub(crate) fn remember_nonblocking(&self, nonblocking: bool) {
        self.nonblocking.store(nonblocking, Ordering::Relaxed);
    }

    pub(crate) fn remembered_nonblocking(&self) -> bool {
        self.nonblocking.load(Ordering::Relaxed)
    }

    pub(crate) fn remembered_timeout(&self, recv: bool) -> Option<Duration> {
        let cache = if recv {
            &self.recv_timeout_ns
        } else {
            &self.send_timeout_ns
        };
        from_nanos(cache.load(Ordering::Relaxed))
    }

    pub(crate) fn set_timeout(&self, recv: bool, timeout: Option<Duration>) -> Result<()> {
        let (operation, direction, cache) = if recv {
            (
                "setsockopt(SO_RCVTIMEO)",
                Direction::Recv,
                &self.recv_timeout_ns,
            )
        } else {
            (
                "setsockopt(SO_SNDTIMEO)",
                Direction::Send,
                &self.send_timeout_ns,
            )
        };
        if timeout == Some(Duration::ZERO) {
            return Err(Error::invalid_input(
                operation,
                "a zero timeout would mean 'wait forever'; pass None for no timeout",
            ));
        }
        set_os_timeout(self.open(operation)?, direction, timeout).during(operation)?;
        cache.store(nanos(timeout), Ordering::Relaxed);
        Ok(())
    }
}

/// The error of a call that ran into the socket's timeout: `EWOULDBLOCK` on every
/// platform (`EAGAIN` is the same code on Unix; Winsock's `WSAETIMEDOUT` for it becomes
/// `WSAEWOULDBLOCK`), and a text that says it timed out.
fn timed_out(operation: &'static str, direction: Direction, timeout: Duration) -> Error {
    let which = match direction {
        Direction::Recv => "receive",
        Direction::Send => "send",
    };
    let code = crate::errno::EWOULDBLOCK;
    Error::coded(
        operation,
        code,
        format!(
            "timed out: the {which} timeout of {} s passed ({})",
            timeout.as_secs_f64(),
            crate::errno::error_text(code)
        ),
    )
}

fn set_os_timeout(
    socket: &socket2::Socket,
    direction: Direction,
    timeout: Option<Duration>,
) -> io::Result<()> {
    match direction {
        Direction::Recv => socket.set_read_timeout(timeout),
        Direction::Send => socket.set_write_timeout(timeout),
    }
}

/// A received chunk, or the end of a stream when nothing arrived on a connection.
fn classify(data: &[u8], closed_on_zero: bool) -> Incoming<&[u8]> {
    if data.is_empty() && closed_on_zero {
        Incoming::Closed
    } else {
        Incoming::Data(data)
    }
}

fn check_max(operation: &'static str, max: usize) -> Result<()> {
    if max == 0 {
        Err(Error::invalid_input(
            operation,
            "the maximum length must be at least 1",
        ))
    } else {
        Ok(())
    }
}

/// The family of a std socket from its local address (IPv4 if the OS cannot say).
fn std_family(local: std::io::Result<std::net::SocketAddr>) -> i32 {
    match local {
        Ok(std::net::SocketAddr::V6(_)) => AF_INET6,
        _ => AF_INET,
    }
}

/// Adopts a std socket; if the OS cannot report its timeouts, they count as unset.
fn from_std(inner: socket2::Socket, family: i32, socket_type: i32) -> Socket {
    let nonblocking = sys::accepted_is_nonblocking(&inner, false);
    let recv = inner.read_timeout().ok().flatten();
    let send = inner.write_timeout().ok().flatten();
    let _ = sys::prepare_socket(&inner);
    Socket::with_state(inner, family, socket_type, nonblocking, recv, send)
}

macro_rules! from_std {
    ($std:ty, $socket_type:expr) => {
        impl From<$std> for Socket {
            fn from(socket: $std) -> Socket {
                let family = std_family(socket.local_addr());
                from_std(socket2::Socket::from(socket), family, $socket_type)
            }
        }
    };
}

from_std!(std::net::TcpStream, SOCK_STREAM);
from_std!(std::net::TcpListener, SOCK_STREAM);
from_std!(std::net::UdpSocket, SOCK_DGRAM);

macro_rules! into_std {
    ($std:ty) => {
        impl TryFrom<Socket> for $std {
            type Error = Error;
            /// Hands the open socket to std; fails with `EBADF` if it was closed.
            fn try_from(mut socket: Socket) -> Result<$std> {
                let inner = socket.release().ok_or_else(|| Error::closed("into std"))?;
                Ok(<$std>::from(inner))
            }
        }
    };
}

into_std!(std::net::TcpStream);
into_std!(std::net::TcpListener);
into_std!(std::net::UdpSocket);

impl TryFrom<Socket> for socket2::Socket {
    type Error = Error;
    /// Hands the open socket to socket2; fails with `EBADF` if it was closed.
    fn try_from(mut socket: Socket) -> Result<socket2::Socket> {
        socket
            .release()
            .ok_or_else(|| Error::closed("into socket2"))
    }
}

/// connect(2) on a socket that is already non-blocking, then a wait of at most `timeout`
/// for the outcome: `ETIMEDOUT` when it does not come in time.
fn connect_and_wait(
    socket: &socket2::Socket,
    addr: &SocketAddress,
    timeout: Option<Duration>,
    operation: &'static str,
) -> Result<()> {
    match socket.connect(&addr.to_sockaddr()) {
        Ok(()) => return Ok(()),
        Err(err) if sys::connect_in_progress(&err) => {}
        Err(err) => return Err(Error::os(operation, err)),
    }
    if !crate::select::wait_writable(sys::raw_socket(socket), timeout).during(operation)? {
        return Err(connect_timed_out(
            operation,
            &addr.to_string(),
            timeout.unwrap_or_default(),
        ));
    }
    match socket.take_error().during(operation)? {
        Some(err) => Err(Error::os(operation, err)),
        None => Ok(()),
    }
}

/// The error of a connect that ran out of time: `ETIMEDOUT`, naming where it went.
pub(crate) fn connect_timed_out(operation: &'static str, target: &str, timeout: Duration) -> Error {
    Error::coded(
        operation,
        crate::errno::ETIMEDOUT,
        format!(
            "timed out after {} s connecting to {target} ({})",
            timeout.as_secs_f64(),
            crate::errno::error_text(crate::errno::ETIMEDOUT)
        ),
    )
}

/// `read` is [`Socket::recv`]: 0 when a stream's peer closed (end of file). Errors carry the
/// OS code ([`Error`] converts to [`io::Error`]); signals are retried.
///
/// ```
/// use std::io::{Read, Write};
/// use sgssockets_core::Socket;
///
/// let (a, b) = Socket::pair(sgssockets_core::constants::SOCK_STREAM)?;
/// (&a).write_all(b"hello")?;
/// drop(a);
/// let mut text = String::new();
/// (&b).read_to_string(&mut text)?;
/// assert_eq!(text, "hello");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl io::Read for &Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.recv(buf, MsgFlags::empty())? {
            Incoming::Data(len) => Ok(len),
            Incoming::Closed => Ok(0),
        }
    }
}

/// `write` is [`Socket::send`] (no `SIGPIPE`); `flush` does nothing (sockets do not
/// buffer in user space).
impl io::Write for &Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        Ok(self.send(buf, MsgFlags::empty())?)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The same as `io::Read for &Socket`.
impl io::Read for Socket {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

/// The same as `io::Write for &Socket`.
impl io::Write for Socket {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
