//! The Windows backend: Winsock values and the few calls socket2 does not wrap.
//!
//! Every number comes from windows-sys by its Winsock name; the ones windows-sys types as
//! `u16` (`ADDRESS_FAMILY`) or `u32` (flags) are small and widened to the `i32` the rest of
//! the crate uses.

use std::io;
use std::mem::MaybeUninit;
use std::os::windows::io::{AsRawSocket, FromRawSocket, IntoRawSocket};

use socket2::SockAddr;
use windows_sys::Win32::Networking::WinSock;

use crate::error::Context;

/// The OS handle of a socket: a Winsock `SOCKET`.
pub type RawSocket = std::os::windows::io::RawSocket;

/// The raw handle of an open socket.
pub(crate) fn raw_socket(socket: &socket2::Socket) -> RawSocket {
    socket.as_raw_socket()
}

/// The largest `SO_LINGER` time in seconds: `l_linger` is a `u_short` in Winsock.
pub(crate) const MAX_LINGER_SECS: u64 = u16::MAX as u64;

pub(crate) const AF_UNSPEC: i32 = WinSock::AF_UNSPEC as i32;
pub(crate) const AF_INET: i32 = WinSock::AF_INET as i32;
pub(crate) const AF_INET6: i32 = WinSock::AF_INET6 as i32;
pub(crate) const AF_UNIX: i32 = WinSock::AF_UNIX as i32;
pub(crate) const AF_IPX: i32 = WinSock::AF_IPX as i32;
pub(crate) const SOCK_STREAM: i32 = WinSock::SOCK_STREAM;
pub(crate) const SOCK_DGRAM: i32 = WinSock::SOCK_DGRAM;
pub(crate) const SOCK_RAW: i32 = WinSock::SOCK_RAW;
pub(crate) const SOCK_SEQPACKET: i32 = WinSock::SOCK_SEQPACKET;
pub(crate) const IPPROTO_TCP: i32 = WinSock::IPPROTO_TCP;
pub(crate) const IPPROTO_UDP: i32 = WinSock::IPPROTO_UDP;
pub(crate) const AI_PASSIVE: i32 = WinSock::AI_PASSIVE as i32;
// Winsock calls them SD_RECEIVE, SD_SEND and SD_BOTH; the values are POSIX's.
pub(crate) const SHUT_RD: i32 = WinSock::SD_RECEIVE;
pub(crate) const SHUT_WR: i32 = WinSock::SD_SEND;
pub(crate) const SHUT_RDWR: i32 = WinSock::SD_BOTH;

pub(crate) const MSG_OOB: i32 = WinSock::MSG_OOB;
pub(crate) const MSG_PEEK: i32 = WinSock::MSG_PEEK;
pub(crate) const MSG_DONTROUTE: i32 = WinSock::MSG_DONTROUTE;
pub(crate) const MSG_WAITALL: i32 = WinSock::MSG_WAITALL;
// Flags Winsock lacks are 0, so passing one changes nothing.
pub(crate) const MSG_DONTWAIT: i32 = 0;
pub(crate) const MSG_EOR: i32 = 0;
pub(crate) const MSG_CONFIRM: i32 = 0;
pub(crate) const MSG_MORE: i32 = 0;
pub(crate) const MSG_NOSIGNAL: i32 = 0;

/// Windows never raises SIGPIPE, so sends need no extra flag.
pub(crate) const SEND_FLAGS: i32 = 0;

/// Readiness bits for WSAPoll.
pub(crate) mod poll_bits {
    use windows_sys::Win32::Networking::WinSock;

    pub(crate) const READ: i16 = WinSock::POLLRDNORM;
    pub(crate) const WRITE: i16 = WinSock::POLLWRNORM;
    /// WSAPoll rejects POLLPRI; out-of-band data shows as POLLRDBAND.
    pub(crate) const EXCEPT: i16 = WinSock::POLLRDBAND;
    pub(crate) const ERROR: i16 = WinSock::POLLERR;
    pub(crate) const HANGUP: i16 = WinSock::POLLHUP;
    pub(crate) const INVALID: i16 = WinSock::POLLNVAL;
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
    // On a datagram socket FIONREAD is every queued datagram's bytes together: at least
    // the first one's length, which is what the caller needs room for.
    bytes_available(socket)
}

/// recv: a datagram longer than `buf` is truncated to it, as on Unix (Winsock's
/// `WSAEMSGSIZE` for it is not an error here).
pub(crate) fn recv(
    socket: &socket2::Socket,
    buf: &mut [MaybeUninit<u8>],
    flags: i32,
) -> io::Result<usize> {
    let room = buf.len();
    let mut bufs = [socket2::MaybeUninitSlice::new(buf)];
    let (len, recv_flags) = socket.recv_vectored_with_flags(&mut bufs, flags)?;
    Ok(received(len, recv_flags, room))
}

/// recvfrom: a datagram longer than `buf` is truncated to it (WSAEMSGSIZE is not an error here).
pub(crate) fn recv_from(
    socket: &socket2::Socket,
    buf: &mut [MaybeUninit<u8>],
    flags: i32,
) -> io::Result<(usize, SockAddr)> {
    let room = buf.len();
    let mut bufs = [socket2::MaybeUninitSlice::new(buf)];
    let (len, recv_flags, addr) = socket.recv_from_vectored_with_flags(&mut bufs, flags)?;
    Ok((received(len, recv_flags, room), addr))
}

/// The bytes a receive wrote: a truncated datagram filled the whole buffer (Winsock
/// documents that, not the count it reports with `WSAEMSGSIZE`).
fn received(len: usize, recv_flags: socket2::RecvFlags, room: usize) -> usize {
    if recv_flags.is_truncated() {
        room
    } else {
        len
    }
}

/// The address family of an open socket. Winsock's getsockname fails on a socket that is
/// not bound yet (`WSAEINVAL`), so the protocol information is asked instead
/// (`SO_PROTOCOL_INFOW`); a handle that is not a socket gives `WSAENOTSOCK`.
pub(crate) fn socket_family(socket: &socket2::Socket) -> crate::Result<i32> {
    const OP: &str = "getsockopt(SO_PROTOCOL_INFOW)";
    let mut info = WinSock::WSAPROTOCOL_INFOW::default();
    // 628 bytes: the cast cannot truncate.
    let mut len = std::mem::size_of::<WinSock::WSAPROTOCOL_INFOW>() as i32;
    // SAFETY: `info` is a live, exclusively borrowed WSAPROTOCOL_INFOW of `len` bytes, and
    // `len` is a live i32 Winsock updates to the length it wrote (never more than given).
    let rc = unsafe {
        WinSock::getsockopt(
            socket.as_raw_socket() as WinSock::SOCKET,
            WinSock::SOL_SOCKET,
            WinSock::SO_PROTOCOL_INFOW,
            std::ptr::from_mut(&mut info).cast::<u8>(),
            &mut len,
        )
    };
    if rc != 0 {
        return Err(io::Error::last_os_error()).during(OP);
    }
    Ok(info.iAddressFamily)
}

/// The WSA code closest to an `io::ErrorKind`, for errors that carry no OS code.
pub(crate) fn code_for_kind(kind: io::ErrorKind) -> i32 {
    match kind {
        io::ErrorKind::WouldBlock => WinSock::WSAEWOULDBLOCK,
        io::ErrorKind::TimedOut => WinSock::WSAETIMEDOUT,
        io::ErrorKind::Interrupted => WinSock::WSAEINTR,
        io::ErrorKind::OutOfMemory => WinSock::WSA_NOT_ENOUGH_MEMORY,
        io::ErrorKind::Unsupported => WinSock::WSAEOPNOTSUPP,
        _ => WinSock::WSAEINVAL,
    }
}

/// The platform's error codes by name: Winsock's `WSAE*` values for the POSIX names.
pub(crate) mod errno {
    use windows_sys::Win32::Foundation;
    use windows_sys::Win32::Networking::WinSock;

    pub(crate) const EBADF: i32 = WinSock::WSAEBADF;
    pub(crate) const EINVAL: i32 = WinSock::WSAEINVAL;
    pub(crate) const EINTR: i32 = WinSock::WSAEINTR;
    /// `ERROR_ALREADY_EXISTS`: Winsock has no `EEXIST`.
    pub(crate) const EEXIST: i32 = Foundation::ERROR_ALREADY_EXISTS as i32;
    /// `ERROR_NOT_FOUND`: Winsock has no `ENOENT`.
    pub(crate) const ENOENT: i32 = Foundation::ERROR_NOT_FOUND as i32;
    pub(crate) const ETIMEDOUT: i32 = WinSock::WSAETIMEDOUT;
    pub(crate) const ENOTSOCK: i32 = WinSock::WSAENOTSOCK;
    pub(crate) const EWOULDBLOCK: i32 = WinSock::WSAEWOULDBLOCK;
    pub(crate) const ECONNRESET: i32 = WinSock::WSAECONNRESET;
    /// The C runtime's `EPROTO` (Winsock has none): what a TLS failure reports.
    pub(crate) const EPROTO: i32 = 134;
    /// The words for codes the system's message table does not have.
    pub(crate) const TEXTS: &[(i32, &str)] = &[(EPROTO, "Protocol error")];

    /// Every name `errno_by_name` knows, with its value here. Winsock has no `EAGAIN`
    /// (`WSAEWOULDBLOCK` is both) and no `ENFILE` (its nearest is `WSAEMFILE`), and it
    /// reports a broken pipe as `WSAESHUTDOWN`.
    pub(crate) const TABLE: &[(&str, i32)] = &[
        ("EACCES", WinSock::WSAEACCES),
        ("EADDRINUSE", WinSock::WSAEADDRINUSE),
        ("EADDRNOTAVAIL", WinSock::WSAEADDRNOTAVAIL),
        ("EAFNOSUPPORT", WinSock::WSAEAFNOSUPPORT),
        ("EAGAIN", WinSock::WSAEWOULDBLOCK),
        ("EALREADY", WinSock::WSAEALREADY),
        ("EBADF", WinSock::WSAEBADF),
        ("ECONNABORTED", WinSock::WSAECONNABORTED),
        ("ECONNREFUSED", WinSock::WSAECONNREFUSED),
        ("ECONNRESET", WinSock::WSAECONNRESET),
        ("EDESTADDRREQ", WinSock::WSAEDESTADDRREQ),
        ("EHOSTUNREACH", WinSock::WSAEHOSTUNREACH),
        ("EINPROGRESS", WinSock::WSAEINPROGRESS),
        ("EINTR", WinSock::WSAEINTR),
        ("EINVAL", WinSock::WSAEINVAL),
        ("EISCONN", WinSock::WSAEISCONN),
        ("ELOOP", WinSock::WSAELOOP),
        ("EMFILE", WinSock::WSAEMFILE),
        ("EMSGSIZE", WinSock::WSAEMSGSIZE),
        ("ENETDOWN", WinSock::WSAENETDOWN),
        ("ENETRESET", WinSock::WSAENETRESET),
        ("ENETUNREACH", WinSock::WSAENETUNREACH),
        ("ENFILE", WinSock::WSAEMFILE),
        ("ENOBUFS", WinSock::WSAENOBUFS),
        ("ENOPROTOOPT", WinSock::WSAENOPROTOOPT),
        ("ENOTCONN", WinSock::WSAENOTCONN),
        ("ENOTSOCK", WinSock::WSAENOTSOCK),
        ("EOPNOTSUPP", WinSock::WSAEOPNOTSUPP),
        ("EPIPE", WinSock::WSAESHUTDOWN),
        ("EPROTO", EPROTO),
        ("EPROTONOSUPPORT", WinSock::WSAEPROTONOSUPPORT),
        ("EPROTOTYPE", WinSock::WSAEPROTOTYPE),
        ("ETIMEDOUT", WinSock::WSAETIMEDOUT),
        ("EWOULDBLOCK", WinSock::WSAEWOULDBLOCK),
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

// Option levels and names for the generic getsockopt/setsockopt calls, and getnameinfo's
// flags, with Winsock's values (ws2def.h, ws2ipdef.h, ws2tcpip.h). Windows has no
// SO_REUSEPORT.
const OPTION_CONSTANTS_ALL: &[(&str, i32)] = &[
    ("SOL_SOCKET", WinSock::SOL_SOCKET),
    ("IPPROTO_IP", WinSock::IPPROTO_IP),
    ("IPPROTO_IPV6", WinSock::IPPROTO_IPV6),
    ("SO_BROADCAST", WinSock::SO_BROADCAST),
    ("SO_ERROR", WinSock::SO_ERROR),
    ("SO_KEEPALIVE", WinSock::SO_KEEPALIVE),
    ("SO_LINGER", WinSock::SO_LINGER),
    ("SO_RCVBUF", WinSock::SO_RCVBUF),
    ("SO_RCVTIMEO", WinSock::SO_RCVTIMEO),
    ("SO_REUSEADDR", WinSock::SO_REUSEADDR),
    ("SO_SNDBUF", WinSock::SO_SNDBUF),
    ("SO_SNDTIMEO", WinSock::SO_SNDTIMEO),
    ("SO_TYPE", WinSock::SO_TYPE),
    ("TCP_NODELAY", WinSock::TCP_NODELAY),
    ("TCP_KEEPIDLE", WinSock::TCP_KEEPIDLE),
    ("TCP_KEEPINTVL", WinSock::TCP_KEEPINTVL),
    ("TCP_KEEPCNT", WinSock::TCP_KEEPCNT),
    ("IP_TTL", WinSock::IP_TTL),
    ("IP_MULTICAST_IF", WinSock::IP_MULTICAST_IF),
    ("IP_MULTICAST_TTL", WinSock::IP_MULTICAST_TTL),
    ("IP_MULTICAST_LOOP", WinSock::IP_MULTICAST_LOOP),
    ("IP_ADD_MEMBERSHIP", WinSock::IP_ADD_MEMBERSHIP),
    ("IP_DROP_MEMBERSHIP", WinSock::IP_DROP_MEMBERSHIP),
    ("IPV6_V6ONLY", WinSock::IPV6_V6ONLY),
    ("IPV6_UNICAST_HOPS", WinSock::IPV6_UNICAST_HOPS),
    ("IPV6_MULTICAST_IF", WinSock::IPV6_MULTICAST_IF),
    ("IPV6_MULTICAST_HOPS", WinSock::IPV6_MULTICAST_HOPS),
    ("IPV6_MULTICAST_LOOP", WinSock::IPV6_MULTICAST_LOOP),
    ("IPV6_JOIN_GROUP", WinSock::IPV6_JOIN_GROUP),
    ("IPV6_LEAVE_GROUP", WinSock::IPV6_LEAVE_GROUP),
    ("NI_NOFQDN", WinSock::NI_NOFQDN as i32),
    ("NI_NUMERICHOST", WinSock::NI_NUMERICHOST as i32),
    ("NI_NAMEREQD", WinSock::NI_NAMEREQD as i32),
    ("NI_NUMERICSERV", WinSock::NI_NUMERICSERV as i32),
    ("NI_DGRAM", WinSock::NI_DGRAM as i32),
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

/// Whether a blocking send or receive that failed may have run into the socket's own
/// timeout (`SO_SNDTIMEO`/`SO_RCVTIMEO`): Winsock reports that as `WSAETIMEDOUT`, and a
/// non-blocking call that cannot proceed as `WSAEWOULDBLOCK`. (After a timed-out call
/// Winsock leaves the connection in an indeterminate state: closing it is the safe course.)
pub(crate) fn is_timeout_error(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::WouldBlock || err.raw_os_error() == Some(WinSock::WSAETIMEDOUT)
}

/// Whether a non-blocking connect error only means "started, not finished yet".
pub(crate) fn connect_in_progress(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(WinSock::WSAEWOULDBLOCK | WinSock::WSAEINPROGRESS | WinSock::WSAEINTR)
    )
}

/// A duplicate of handle `raw` (WSADuplicateSocketW for this process, then WSASocketW,
/// overlapped and not inheritable, as socket2 and std make sockets); the caller keeps
/// `raw`. `WSAENOTSOCK` if `raw` is not an open socket.
pub(crate) fn duplicate(raw: RawSocket) -> io::Result<socket2::Socket> {
    let mut info = WinSock::WSAPROTOCOL_INFOW::default();
    // SAFETY: `raw` is only a number to WSADuplicateSocketW, which checks it (WSAENOTSOCK
    // for anything that is not an open socket) and neither changes nor closes it; it
    // writes one WSAPROTOCOL_INFOW into `info`, which is live and exclusively borrowed.
    let rc = unsafe {
        WinSock::WSADuplicateSocketW(raw as WinSock::SOCKET, std::process::id(), &mut info)
    };
    if rc != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `info` is the description WSADuplicateSocketW just wrote, read-only here.
    let dup = unsafe {
        WinSock::WSASocketW(
            info.iAddressFamily,
            info.iSocketType,
            info.iProtocol,
            &info,
            0,
            WinSock::WSA_FLAG_OVERLAPPED | WinSock::WSA_FLAG_NO_HANDLE_INHERIT,
        )
    };
    if dup == WinSock::INVALID_SOCKET {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `dup` was just created by WSASocketW and is owned by nobody else.
    Ok(unsafe { socket2::Socket::from_raw_socket(dup as RawSocket) })
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
