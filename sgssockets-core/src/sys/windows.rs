//! The Windows backend: Winsock values and the few calls socket2 does not wrap.
//!
//! Winsock's numbers are part of its ABI, so they are written out here rather than
//! converted from the several integer types windows-sys gives them.

use std::io;
use std::mem::MaybeUninit;
use std::os::windows::io::{AsRawSocket, IntoRawSocket};

use socket2::SockAddr;
use windows_sys::Win32::Networking::WinSock;

/// The OS handle of a socket: a Winsock `SOCKET`.
pub type RawSocket = std::os::windows::io::RawSocket;

/// The raw handle of an open socket.
pub(crate) fn raw_socket(socket: &socket2::Socket) -> RawSocket {
    socket.as_raw_socket()
}

/// The largest `SO_LINGER` time in seconds: `l_linger` is a `u_short` in Winsock.
pub(crate) const MAX_LINGER_SECS: u64 = u16::MAX as u64;

pub(crate) const AF_UNSPEC: i32 = 0;
pub(crate) const AF_INET: i32 = 2;
pub(crate) const AF_INET6: i32 = 23;
pub(crate) const AF_UNIX: i32 = 1;
pub(crate) const AF_IPX: i32 = 6;
pub(crate) const SOCK_STREAM: i32 = 1;
pub(crate) const SOCK_DGRAM: i32 = 2;
pub(crate) const SOCK_RAW: i32 = 3;
pub(crate) const SOCK_SEQPACKET: i32 = 5;
pub(crate) const IPPROTO_TCP: i32 = 6;
pub(crate) const IPPROTO_UDP: i32 = 17;
pub(crate) const AI_PASSIVE: i32 = 1;
pub(crate) const SHUT_RD: i32 = 0;
pub(crate) const SHUT_WR: i32 = 1;
pub(crate) const SHUT_RDWR: i32 = 2;

pub(crate) const MSG_OOB: i32 = 1;
pub(crate) const MSG_PEEK: i32 = 2;
pub(crate) const MSG_DONTROUTE: i32 = 4;
pub(crate) const MSG_WAITALL: i32 = 8;
pub(crate) const MSG_DONTWAIT: i32 = 0;
pub(crate) const MSG_EOR: i32 = 0;
pub(crate) const MSG_CONFIRM: i32 = 0;
pub(crate) const MSG_MORE: i32 = 0;
pub(crate) const MSG_NOSIGNAL: i32 = 0;

/// Windows never raises SIGPIPE, so sends need no extra flag.
pub(crate) const SEND_FLAGS: i32 = 0;

/// Readiness bits for WSAPoll.
pub(crate) mod poll_bits {
    pub(crate) const READ: i16 = 0x0100; // POLLRDNORM
    pub(crate) const WRITE: i16 = 0x0010; // POLLWRNORM
    /// WSAPoll rejects POLLPRI; out-of-band data shows as POLLRDBAND.
    pub(crate) const EXCEPT: i16 = 0x0200; // POLLRDBAND
    pub(crate) const ERROR: i16 = 0x0001; // POLLERR
    pub(crate) const HANGUP: i16 = 0x0002; // POLLHUP
    pub(crate) const INVALID: i16 = 0x0004; // POLLNVAL
}

/// One entry of a poll set.
pub(crate) type PollFd = WinSock::WSAPOLLFD;

/// A poll entry asking for `events` on `socket`.
pub(crate) fn poll_fd(socket: RawSocket, events: i16) -> PollFd {
    WinSock::WSAPOLLFD {
        fd: socket as WinSock::SOCKET,
        events,
        revents: 0,
    }
}

/// The events poll reported for an entry.
pub(crate) fn poll_revents(entry: &PollFd) -> i16 {
    entry.revents
}

/// WSAPoll once: `timeout_ms` of -1 waits forever. Returns the number of ready entries.
pub(crate) fn poll(entries: &mut [PollFd], timeout_ms: i32) -> io::Result<usize> {
    if entries.is_empty() {
        // WSAPoll rejects an empty set; select(2) semantics say: just wait.
        if timeout_ms >= 0 {
            std::thread::sleep(std::time::Duration::from_millis(timeout_ms as u64));
        }
        return Ok(0);
    }
    // SAFETY: the pointer and length describe a live, exclusively borrowed slice of WSAPOLLFD.
    let ready = unsafe { WinSock::WSAPoll(entries.as_mut_ptr(), entries.len() as u32, timeout_ms) };
    if ready < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ready as usize)
    }
}

/// Sockets need nothing extra on Windows: socket2 makes them non-inheritable.
pub(crate) fn prepare_socket(_socket: &socket2::Socket) -> io::Result<()> {
    Ok(())
}

/// Closes the socket and reports what closesocket said.
pub(crate) fn close(socket: socket2::Socket) -> io::Result<()> {
    let raw = socket.into_raw_socket();
    // SAFETY: `raw` was just released by its owner, so this is its only close.
    let rc = unsafe { WinSock::closesocket(raw as WinSock::SOCKET) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Windows cannot be asked whether a socket is non-blocking: the last value set is the answer.
pub(crate) fn is_nonblocking(_socket: &socket2::Socket, remembered: bool) -> io::Result<bool> {
    Ok(remembered)
}

/// An accepted socket inherits the listener's blocking mode on Windows.
pub(crate) fn accepted_is_nonblocking(_accepted: &socket2::Socket, listener: bool) -> bool {
    listener
}

/// How many bytes can be read at once without blocking (FIONREAD).
pub(crate) fn bytes_available(socket: &socket2::Socket) -> io::Result<usize> {
    let mut available: u32 = 0;
    // SAFETY: FIONREAD writes one u32 through the pointer, which points to a live u32.
    let rc = unsafe {
        WinSock::ioctlsocket(
            socket.as_raw_socket() as WinSock::SOCKET,
            WinSock::FIONREAD,
            &mut available,
        )
    };
    if rc != 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(available as usize)
    }
}

/// The length of the next datagram, waiting for one like recv would (honouring the timeout).
pub(crate) fn next_datagram_len(socket: &socket2::Socket, flags: i32) -> io::Result<usize> {
    let mut probe = [MaybeUninit::<u8>::uninit(); 1];
    match socket.recv_with_flags(&mut probe, flags | MSG_PEEK) {
        Ok(_) => {}
        Err(err) if err.raw_os_error() == Some(WinSock::WSAEMSGSIZE) => {}
        Err(err) => return Err(err),
    }
    // On a datagram socket FIONREAD is the size of the first queued datagram.
    bytes_available(socket)
}

/// recvfrom: a datagram longer than `buf` is truncated to it (WSAEMSGSIZE is not an error here).
pub(crate) fn recv_from(
    socket: &socket2::Socket,
    buf: &mut [MaybeUninit<u8>],
    flags: i32,
) -> io::Result<(usize, SockAddr)> {
    let mut bufs = [socket2::MaybeUninitSlice::new(buf)];
    let (len, _flags, addr) = socket.recv_from_vectored_with_flags(&mut bufs, flags)?;
    Ok((len, addr))
}

/// The WSA code closest to an `io::ErrorKind`, for errors that carry no OS code.
pub(crate) fn code_for_kind(kind: io::ErrorKind) -> i32 {
    match kind {
        io::ErrorKind::WouldBlock => WinSock::WSAEWOULDBLOCK,
        io::ErrorKind::TimedOut => WinSock::WSAETIMEDOUT,
        io::ErrorKind::Interrupted => WinSock::WSAEINTR,
        io::ErrorKind::Unsupported => WinSock::WSAEOPNOTSUPP,
        _ => WinSock::WSAEINVAL,
    }
}

/// The platform's error codes by name: Winsock's `WSAE*` values for the POSIX names.
pub(crate) mod errno {
    pub(crate) const EBADF: i32 = 10009;
    pub(crate) const EINVAL: i32 = 10022;
    pub(crate) const EINTR: i32 = 10004;
    /// `ERROR_ALREADY_EXISTS`: Winsock has no `EEXIST`.
    pub(crate) const EEXIST: i32 = 183;
    /// `ERROR_NOT_FOUND`: Winsock has no `ENOENT`.
    pub(crate) const ENOENT: i32 = 1168;
    pub(crate) const ETIMEDOUT: i32 = 10060;
    pub(crate) const ENOTSOCK: i32 = 10038;
    pub(crate) const EWOULDBLOCK: i32 = 10035;

    /// Every name `errno_by_name` knows, with its value here. Winsock has no `ENFILE`
    /// (its nearest is `WSAEMFILE`) and reports a broken pipe as `WSAESHUTDOWN`.
    pub(crate) const TABLE: &[(&str, i32)] = &[
        ("EACCES", 10013),
        ("EADDRINUSE", 10048),
        ("EADDRNOTAVAIL", 10049),
        ("EAFNOSUPPORT", 10047),
        ("EAGAIN", 10035),
        ("EALREADY", 10037),
        ("EBADF", 10009),
        ("ECONNABORTED", 10053),
        ("ECONNREFUSED", 10061),
        ("ECONNRESET", 10054),
        ("EDESTADDRREQ", 10039),
        ("EHOSTUNREACH", 10065),
        ("EINPROGRESS", 10036),
        ("EINTR", 10004),
        ("EINVAL", 10022),
        ("EISCONN", 10056),
        ("ELOOP", 10062),
        ("EMFILE", 10024),
        ("EMSGSIZE", 10040),
        ("ENETDOWN", 10050),
        ("ENETRESET", 10052),
        ("ENETUNREACH", 10051),
        ("ENFILE", 10024),
        ("ENOBUFS", 10055),
        ("ENOPROTOOPT", 10042),
        ("ENOTCONN", 10057),
        ("ENOTSOCK", 10038),
        ("EOPNOTSUPP", 10045),
        ("EPIPE", 10058),
        ("EPROTONOSUPPORT", 10043),
        ("EPROTOTYPE", 10041),
        ("ETIMEDOUT", 10060),
        ("EWOULDBLOCK", 10035),
    ];
}

/// Windows has no `SO_REUSEPORT`.
pub(crate) fn reuse_port(_socket: &socket2::Socket) -> io::Result<bool> {
    Err(io::Error::from_raw_os_error(WinSock::WSAENOPROTOOPT))
}

/// Windows has no `SO_REUSEPORT`.
pub(crate) fn set_reuse_port(_socket: &socket2::Socket, _on: bool) -> io::Result<()> {
    Err(io::Error::from_raw_os_error(WinSock::WSAENOPROTOOPT))
}

impl std::os::windows::io::AsRawSocket for crate::Socket {
    /// The handle, or `INVALID_SOCKET` once the socket is closed.
    fn as_raw_socket(&self) -> RawSocket {
        self.raw_socket()
            .unwrap_or(WinSock::INVALID_SOCKET as RawSocket)
    }
}

impl std::os::windows::io::AsSocket for crate::Socket {
    /// Borrows the handle.
    ///
    /// # Panics
    ///
    /// If the socket was closed with [`Socket::close`](crate::Socket::close) or given up with
    /// [`Socket::detach`](crate::Socket::detach).
    /// [`Socket::try_as_socket`](crate::Socket::try_as_socket) is the form that never panics.
    fn as_socket(&self) -> std::os::windows::io::BorrowedSocket<'_> {
        self.as_socket2()
            .expect("AsSocket on a closed sgssockets Socket (use Socket::try_as_socket)")
            .as_socket()
    }
}

impl TryFrom<std::os::windows::io::OwnedSocket> for crate::Socket {
    type Error = crate::Error;

    /// Adopts an open socket handle, asking the OS for its family and type. A handle the
    /// OS cannot describe as a socket is an error (and is closed with the `OwnedSocket`).
    fn try_from(socket: std::os::windows::io::OwnedSocket) -> crate::Result<Self> {
        crate::Socket::from_socket2(socket2::Socket::from(socket))
    }
}

impl crate::Socket {
    /// Borrows the handle, or `EBADF` once the socket is closed: the non-panicking form
    /// of [`AsSocket::as_socket`](std::os::windows::io::AsSocket::as_socket).
    ///
    /// ```
    /// let mut socket = sgssockets_core::Socket::tcp(false).unwrap();
    /// assert!(socket.try_as_socket().is_ok());
    /// socket.close().unwrap();
    /// assert!(socket.try_as_socket().unwrap_err().is_closed());
    /// ```
    pub fn try_as_socket(&self) -> crate::Result<std::os::windows::io::BorrowedSocket<'_>> {
        use std::os::windows::io::AsSocket;
        Ok(self.open("as_socket")?.as_socket())
    }
}

// Option levels and names for the generic getsockopt/setsockopt calls, with Winsock's
// values (ws2def.h, ws2ipdef.h). Windows has no SO_REUSEPORT.
const OPTION_CONSTANTS_ALL: &[(&str, i32)] = &[
    ("SOL_SOCKET", 0xffff),
    ("IPPROTO_IP", 0),
    ("IPPROTO_IPV6", 41),
    ("SO_BROADCAST", 0x0020),
    ("SO_ERROR", 0x1007),
    ("SO_KEEPALIVE", 0x0008),
    ("SO_LINGER", 0x0080),
    ("SO_RCVBUF", 0x1002),
    ("SO_RCVTIMEO", 0x1006),
    ("SO_REUSEADDR", 0x0004),
    ("SO_SNDBUF", 0x1001),
    ("SO_SNDTIMEO", 0x1005),
    ("SO_TYPE", 0x1008),
    ("TCP_NODELAY", 1),
    ("TCP_KEEPIDLE", 3),
    ("TCP_KEEPINTVL", 17),
    ("TCP_KEEPCNT", 16),
    ("IP_TTL", 4),
    ("IP_MULTICAST_IF", 9),
    ("IP_MULTICAST_TTL", 10),
    ("IP_MULTICAST_LOOP", 11),
    ("IP_ADD_MEMBERSHIP", 12),
    ("IP_DROP_MEMBERSHIP", 13),
    ("IPV6_V6ONLY", 27),
    ("IPV6_UNICAST_HOPS", 4),
    ("IPV6_MULTICAST_IF", 9),
    ("IPV6_MULTICAST_HOPS", 10),
    ("IPV6_MULTICAST_LOOP", 11),
    ("IPV6_JOIN_GROUP", 12),
    ("IPV6_LEAVE_GROUP", 13),
    ("NI_NOFQDN", 0x01),
    ("NI_NUMERICHOST", 0x02),
    ("NI_NAMEREQD", 0x04),
    ("NI_NUMERICSERV", 0x08),
    ("NI_DGRAM", 0x10),
];

/// Every option level and name this platform has.
pub(crate) const OPTION_CONSTANTS: &[&[(&str, i32)]] = &[OPTION_CONSTANTS_ALL];

/// getsockopt into `buf`: how many bytes Winsock wrote.
pub(crate) fn getsockopt_raw(
    socket: &socket2::Socket,
    level: i32,
    name: i32,
    buf: &mut [u8],
) -> io::Result<usize> {
    let mut len =
        i32::try_from(buf.len()).map_err(|_| io::Error::from_raw_os_error(WinSock::WSAEINVAL))?;
    // SAFETY: `buf` is a live, exclusively borrowed buffer of `len` bytes, and `len` is a
    // live i32 Winsock updates to the length it wrote (never more than given).
    let rc = unsafe {
        WinSock::getsockopt(
            socket.as_raw_socket() as WinSock::SOCKET,
            level,
            name,
            buf.as_mut_ptr(),
            &mut len,
        )
    };
    if rc != 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(usize::try_from(len).unwrap_or(0).min(buf.len()))
    }
}

/// setsockopt with the bytes of `value`.
pub(crate) fn setsockopt_raw(
    socket: &socket2::Socket,
    level: i32,
    name: i32,
    value: &[u8],
) -> io::Result<()> {
    let len =
        i32::try_from(value.len()).map_err(|_| io::Error::from_raw_os_error(WinSock::WSAEINVAL))?;
    // SAFETY: `value` is a live buffer of `len` bytes that Winsock only reads.
    let rc = unsafe {
        WinSock::setsockopt(
            socket.as_raw_socket() as WinSock::SOCKET,
            level,
            name,
            value.as_ptr(),
            len,
        )
    };
    if rc != 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Whether a non-blocking connect error only means "started, not finished yet".
pub(crate) fn connect_in_progress(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(WinSock::WSAEWOULDBLOCK | WinSock::WSAEINPROGRESS | WinSock::WSAEINTR)
    )
}

/// A duplicate of handle `raw` (WSADuplicateSocketW, not inheritable); the caller keeps
/// `raw`. `WSAENOTSOCK` if `raw` is not an open socket.
pub(crate) fn duplicate(raw: RawSocket) -> io::Result<socket2::Socket> {
    if raw == WinSock::INVALID_SOCKET as RawSocket {
        return Err(io::Error::from_raw_os_error(WinSock::WSAENOTSOCK));
    }
    // SAFETY: the borrow lives only for the duplicate call below, which hands the handle
    // to WSADuplicateSocketW: that validates it (WSAENOTSOCK for anything that is not an
    // open socket) and neither changes nor closes it.
    let borrowed = unsafe { std::os::windows::io::BorrowedSocket::borrow_raw(raw) };
    Ok(socket2::Socket::from(borrowed.try_clone_to_owned()?))
}

/// Gives up ownership of the handle without closing it.
pub(crate) fn into_raw(socket: socket2::Socket) -> RawSocket {
    socket.into_raw_socket()
}

/// Two connected sockets of `socket_type` and their family. Windows has no socketpair:
/// a TCP pair is made through a loopback listener (the accepted side is checked to be the
/// connecting socket), a UDP pair by connecting two loopback sockets to each other.
pub(crate) fn socket_pair(socket_type: i32) -> io::Result<(socket2::Socket, socket2::Socket, i32)> {
    use socket2::{Domain, Protocol, Type};
    let loopback: SockAddr = std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 0)).into();
    if socket_type == SOCK_DGRAM {
        let a = socket2::Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
        let b = socket2::Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))?;
        a.bind(&loopback)?;
        b.bind(&loopback)?;
        a.connect(&b.local_addr()?)?;
        b.connect(&a.local_addr()?)?;
        return Ok((a, b, AF_INET));
    }
    let listener = socket2::Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    listener.bind(&loopback)?;
    listener.listen(1)?;
    let client = socket2::Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    client.connect(&listener.local_addr()?)?;
    let expected = client.local_addr()?.as_socket();
    loop {
        let (server, peer) = listener.accept()?;
        // Another local program may have connected first: only our own client will do.
        if peer.as_socket() == expected {
            return Ok((client, server, AF_INET));
        }
    }
}

/// The socket types [`socket_pair`] accepts.
pub(crate) const PAIR_TYPES: &[i32] = &[SOCK_STREAM, SOCK_DGRAM];

/// The poller's backend: the `polling` crate (IOCP/AFD).
#[path = "../poller/portable.rs"]
pub(crate) mod poller_backend;

/// The poller's completion port handle, for a host event loop.
impl std::os::windows::io::AsRawHandle for crate::Poller {
    fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
        self.backend().inner().as_raw_handle()
    }
}
