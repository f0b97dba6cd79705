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
    /// If the socket was closed with [`Socket::close`](crate::Socket::close).
    fn as_socket(&self) -> std::os::windows::io::BorrowedSocket<'_> {
        self.as_socket2()
            .expect("AsSocket on a closed sgssockets Socket")
            .as_socket()
    }
}

impl From<std::os::windows::io::OwnedSocket> for crate::Socket {
    /// Adopts an open socket handle, asking the OS for its family and type.
    ///
    /// # Panics
    ///
    /// If the handle is not a socket the OS can describe (use
    /// [`Socket::from_socket2`](crate::Socket::from_socket2) to get an error instead).
    fn from(socket: std::os::windows::io::OwnedSocket) -> Self {
        crate::Socket::from_socket2(socket2::Socket::from(socket)).expect("the handle is a socket")
    }
}

/// The poller's backend: the `polling` crate (IOCP/AFD).
#[path = "../poller/portable.rs"]
pub(crate) mod poller_backend;

/// The poller's completion port handle, for a host event loop.
impl std::os::windows::io::AsRawHandle for crate::Poller {
    fn as_raw_handle(&self) -> std::os::windows::io::RawHandle {
        self.backend().inner().as_raw_handle()
    }
}
