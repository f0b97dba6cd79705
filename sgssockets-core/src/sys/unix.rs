//! The Unix backend: libc values and the few calls socket2 does not wrap.

use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsRawFd, IntoRawFd};

use socket2::SockAddr;

/// The OS handle of a socket: a file descriptor.
pub type RawSocket = std::os::fd::RawFd;

/// The raw handle of an open socket.
pub(crate) fn raw_socket(socket: &socket2::Socket) -> RawSocket {
    socket.as_raw_fd()
}

/// The largest `SO_LINGER` time in seconds: `l_linger` is a C `int` here.
pub(crate) const MAX_LINGER_SECS: u64 = libc::c_int::MAX as u64;

// Address and protocol families, socket types, protocols.
pub(crate) const AF_UNSPEC: i32 = libc::AF_UNSPEC;
pub(crate) const AF_INET: i32 = libc::AF_INET;
pub(crate) const AF_INET6: i32 = libc::AF_INET6;
pub(crate) const AF_UNIX: i32 = libc::AF_UNIX;
pub(crate) const SOCK_STREAM: i32 = libc::SOCK_STREAM;
pub(crate) const SOCK_DGRAM: i32 = libc::SOCK_DGRAM;
pub(crate) const SOCK_RAW: i32 = libc::SOCK_RAW;
pub(crate) const SOCK_SEQPACKET: i32 = libc::SOCK_SEQPACKET;
pub(crate) const IPPROTO_TCP: i32 = libc::IPPROTO_TCP;
pub(crate) const IPPROTO_UDP: i32 = libc::IPPROTO_UDP;
pub(crate) const AI_PASSIVE: i32 = libc::AI_PASSIVE;
pub(crate) const SHUT_RD: i32 = libc::SHUT_RD;
pub(crate) const SHUT_WR: i32 = libc::SHUT_WR;
pub(crate) const SHUT_RDWR: i32 = libc::SHUT_RDWR;

// Message flags every Unix has.
pub(crate) const MSG_OOB: i32 = libc::MSG_OOB;
pub(crate) const MSG_PEEK: i32 = libc::MSG_PEEK;
pub(crate) const MSG_DONTROUTE: i32 = libc::MSG_DONTROUTE;
pub(crate) const MSG_DONTWAIT: i32 = libc::MSG_DONTWAIT;
pub(crate) const MSG_WAITALL: i32 = libc::MSG_WAITALL;
pub(crate) const MSG_EOR: i32 = libc::MSG_EOR;

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        pub(crate) const AF_IPX: i32 = libc::AF_IPX;
        pub(crate) const MSG_CONFIRM: i32 = libc::MSG_CONFIRM;
        pub(crate) const MSG_MORE: i32 = libc::MSG_MORE;
        pub(crate) const MSG_NOSIGNAL: i32 = libc::MSG_NOSIGNAL;
    } else if #[cfg(any(target_os = "freebsd", target_os = "netbsd", target_os = "openbsd", target_os = "dragonfly"))] {
        pub(crate) const AF_IPX: i32 = 23;
        pub(crate) const MSG_CONFIRM: i32 = 0;
        pub(crate) const MSG_MORE: i32 = 0;
        pub(crate) const MSG_NOSIGNAL: i32 = libc::MSG_NOSIGNAL;
    } else {
        // Apple and the rest: AF_IPX is 23 in the BSD family, no MSG_NOSIGNAL (SO_NOSIGPIPE instead).
        pub(crate) const AF_IPX: i32 = 23;
        pub(crate) const MSG_CONFIRM: i32 = 0;
        pub(crate) const MSG_MORE: i32 = 0;
        pub(crate) const MSG_NOSIGNAL: i32 = 0;
    }
}

/// Flags added to every send so a broken connection gives `EPIPE` instead of `SIGPIPE`.
pub(crate) const SEND_FLAGS: i32 = MSG_NOSIGNAL;

/// Readiness bits for poll(2).
pub(crate) mod poll_bits {
    pub(crate) const READ: i16 = libc::POLLIN;
    pub(crate) const WRITE: i16 = libc::POLLOUT;
    /// What select(2) calls an "exceptional condition": urgent (out-of-band) data.
    pub(crate) const EXCEPT: i16 = libc::POLLPRI;
    pub(crate) const ERROR: i16 = libc::POLLERR;
    pub(crate) const HANGUP: i16 = libc::POLLHUP;
    pub(crate) const INVALID: i16 = libc::POLLNVAL;
}

/// One entry of a poll set.
pub(crate) type PollFd = libc::pollfd;

/// A poll entry asking for `events` on `socket`.
pub(crate) fn poll_fd(socket: RawSocket, events: i16) -> PollFd {
    libc::pollfd {
        fd: socket,
        events,
        revents: 0,
    }
}

/// The events poll reported for an entry.
pub(crate) fn poll_revents(entry: &PollFd) -> i16 {
    entry.revents
}

/// poll(2) once: `timeout_ms` of -1 waits forever. Returns the number of ready entries.
pub(crate) fn poll(entries: &mut [PollFd], timeout_ms: i32) -> io::Result<usize> {
    // SAFETY: the pointer and length describe a live, exclusively borrowed slice of pollfd.
    let ready = unsafe {
        libc::poll(
            entries.as_mut_ptr(),
            entries.len() as libc::nfds_t,
            timeout_ms,
        )
    };
    if ready < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ready as usize)
    }
}

/// Applies what every socket this crate creates or accepts needs.
///
/// Close-on-exec comes from socket2 (`SOCK_CLOEXEC`/`FD_CLOEXEC`); on Apple systems,
/// which lack `MSG_NOSIGNAL`, `SO_NOSIGPIPE` keeps a broken connection from raising `SIGPIPE`.
pub(crate) fn prepare_socket(socket: &socket2::Socket) -> io::Result<()> {
    cfg_if::cfg_if! {
        if #[cfg(any(target_os = "macos", target_os = "ios", target_os = "tvos", target_os = "watchos", target_os = "visionos"))] {
            socket.set_nosigpipe(true)
        } else {
            let _ = socket;
            Ok(())
        }
    }
}

/// Closes the socket and reports what close(2) said.
pub(crate) fn close(socket: socket2::Socket) -> io::Result<()> {
    let fd = socket.into_raw_fd();
    // SAFETY: `fd` was just released by its owner, so this is its only close.
    // EINTR is not retried: on Linux the descriptor is gone after any close(2) return.
    let rc = unsafe { libc::close(fd) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Whether `O_NONBLOCK` is set. `_remembered` is the last value set through this crate
/// (needed where the OS cannot be asked).
pub(crate) fn is_nonblocking(socket: &socket2::Socket, _remembered: bool) -> io::Result<bool> {
    socket.nonblocking()
}

/// Whether a socket returned by accept(2) starts non-blocking.
pub(crate) fn accepted_is_nonblocking(accepted: &socket2::Socket, _listener: bool) -> bool {
    accepted.nonblocking().unwrap_or(false)
}

/// The length of the next datagram, waiting for one like recv(2) would (honouring the timeout).
pub(crate) fn next_datagram_len(socket: &socket2::Socket, flags: i32) -> io::Result<usize> {
    let mut probe = [MaybeUninit::<u8>::uninit(); 1];
    cfg_if::cfg_if! {
        if #[cfg(any(target_os = "linux", target_os = "android"))] {
            // MSG_TRUNC makes Linux return the datagram's real length.
            socket.recv_with_flags(&mut probe, flags | libc::MSG_PEEK | libc::MSG_TRUNC)
        } else {
            socket.recv_with_flags(&mut probe, flags | libc::MSG_PEEK)?;
            // FIONREAD: the bytes queued, at least the first datagram's length.
            let mut available: libc::c_int = 0;
            // SAFETY: FIONREAD writes one c_int through the pointer, which points to a live c_int.
            let rc = unsafe { libc::ioctl(socket.as_raw_fd(), libc::FIONREAD, &mut available) };
            if rc < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(available.max(0) as usize)
            }
        }
    }
}

/// recv(2): a datagram longer than `buf` is truncated to it, never an error.
pub(crate) fn recv(
    socket: &socket2::Socket,
    buf: &mut [MaybeUninit<u8>],
    flags: i32,
) -> io::Result<usize> {
    socket.recv_with_flags(buf, flags)
}

/// recvfrom(2): a datagram longer than `buf` is truncated to it, never an error.
pub(crate) fn recv_from(
    socket: &socket2::Socket,
    buf: &mut [MaybeUninit<u8>],
    flags: i32,
) -> io::Result<(usize, SockAddr)> {
    socket.recv_from_with_flags(buf, flags)
}

/// The address family of an open socket, from getsockname(2), which answers for an
/// unbound socket too; a descriptor that is not a socket gives `ENOTSOCK`.
pub(crate) fn socket_family(socket: &socket2::Socket) -> crate::Result<i32> {
    use crate::error::Context;
    socket
        .local_addr()
        .map(|addr| i32::from(addr.family()))
        .during("getsockname")
}

/// The errno closest to an `io::ErrorKind`, for errors that carry no OS code.
pub(crate) fn code_for_kind(kind: io::ErrorKind) -> i32 {
    match kind {
        io::ErrorKind::WouldBlock => libc::EWOULDBLOCK,
        io::ErrorKind::TimedOut => libc::ETIMEDOUT,
        io::ErrorKind::Interrupted => libc::EINTR,
        io::ErrorKind::OutOfMemory => libc::ENOMEM,
        io::ErrorKind::Unsupported => libc::EOPNOTSUPP,
        _ => libc::EINVAL,
    }
}

/// The platform's error codes by name.
pub(crate) mod errno {
    pub(crate) const EBADF: i32 = libc::EBADF;
    pub(crate) const EINVAL: i32 = libc::EINVAL;
    pub(crate) const EINTR: i32 = libc::EINTR;
    pub(crate) const EEXIST: i32 = libc::EEXIST;
    pub(crate) const ENOENT: i32 = libc::ENOENT;
    pub(crate) const ETIMEDOUT: i32 = libc::ETIMEDOUT;
    pub(crate) const ENOTSOCK: i32 = libc::ENOTSOCK;
    pub(crate) const EWOULDBLOCK: i32 = libc::EWOULDBLOCK;
    pub(crate) const ECONNRESET: i32 = libc::ECONNRESET;
    pub(crate) const EPROTO: i32 = libc::EPROTO;
    /// The words for codes the system's message table does not have (none here).
    pub(crate) const TEXTS: &[(i32, &str)] = &[];

    /// Every name `errno_by_name` knows, with its value here.
    pub(crate) const TABLE: &[(&str, i32)] = &[
        ("EACCES", libc::EACCES),
        ("EADDRINUSE", libc::EADDRINUSE),
        ("EADDRNOTAVAIL", libc::EADDRNOTAVAIL),
        ("EAFNOSUPPORT", libc::EAFNOSUPPORT),
        ("EAGAIN", libc::EAGAIN),
        ("EALREADY", libc::EALREADY),
        ("EBADF", libc::EBADF),
        ("EBADMSG", libc::EBADMSG),
        ("ECANCELED", libc::ECANCELED),
        ("ECONNABORTED", libc::ECONNABORTED),
        ("ECONNREFUSED", libc::ECONNREFUSED),
        ("ECONNRESET", libc::ECONNRESET),
        ("EDESTADDRREQ", libc::EDESTADDRREQ),
        ("EHOSTUNREACH", libc::EHOSTUNREACH),
        ("EIDRM", libc::EIDRM),
        ("EINPROGRESS", libc::EINPROGRESS),
        ("EINTR", libc::EINTR),
        ("EINVAL", libc::EINVAL),
        ("EISCONN", libc::EISCONN),
        ("ELOOP", libc::ELOOP),
        ("EMFILE", libc::EMFILE),
        ("EMSGSIZE", libc::EMSGSIZE),
        ("ENETDOWN", libc::ENETDOWN),
        ("ENETRESET", libc::ENETRESET),
        ("ENETUNREACH", libc::ENETUNREACH),
        ("ENFILE", libc::ENFILE),
        ("ENOBUFS", libc::ENOBUFS),
        ("ENODATA", libc::ENODATA),
        ("ENOLINK", libc::ENOLINK),
        ("ENOMSG", libc::ENOMSG),
        ("ENOPROTOOPT", libc::ENOPROTOOPT),
        ("ENOSR", libc::ENOSR),
        ("ENOSTR", libc::ENOSTR),
        ("ENOTCONN", libc::ENOTCONN),
        ("ENOTRECOVERABLE", libc::ENOTRECOVERABLE),
        ("ENOTSOCK", libc::ENOTSOCK),
        ("ENOTSUP", libc::ENOTSUP),
        ("EOPNOTSUPP", libc::EOPNOTSUPP),
        ("EOVERFLOW", libc::EOVERFLOW),
        ("EOWNERDEAD", libc::EOWNERDEAD),
        ("EPIPE", libc::EPIPE),
        ("EPROTO", libc::EPROTO),
        ("EPROTONOSUPPORT", libc::EPROTONOSUPPORT),
        ("EPROTOTYPE", libc::EPROTOTYPE),
        ("ETIME", libc::ETIME),
        ("ETIMEDOUT", libc::ETIMEDOUT),
        ("ETXTBSY", libc::ETXTBSY),
        ("EWOULDBLOCK", libc::EWOULDBLOCK),
    ];
}

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "solaris", target_os = "illumos", target_os = "cygwin", target_os = "nuttx"))] {
        /// This platform has no `SO_REUSEPORT`.
        pub(crate) fn reuse_port(_socket: &socket2::Socket) -> io::Result<bool> {
            Err(io::Error::from_raw_os_error(libc::ENOPROTOOPT))
        }

        /// This platform has no `SO_REUSEPORT`.
        pub(crate) fn set_reuse_port(_socket: &socket2::Socket, _on: bool) -> io::Result<()> {
            Err(io::Error::from_raw_os_error(libc::ENOPROTOOPT))
        }
    } else {
        /// `SO_REUSEPORT`.
        pub(crate) fn reuse_port(socket: &socket2::Socket) -> io::Result<bool> {
            socket.reuse_port()
        }

        /// Sets `SO_REUSEPORT`.
        pub(crate) fn set_reuse_port(socket: &socket2::Socket, on: bool) -> io::Result<()> {
            socket.set_reuse_port(on)
        }
    }
}

impl std::os::fd::AsRawFd for crate::Socket {
    /// The descriptor, or -1 once the socket is closed.
    fn as_raw_fd(&self) -> RawSocket {
        self.raw_socket().unwrap_or(-1)
    }
}

impl std::os::fd::AsFd for crate::Socket {
    /// Borrows the descriptor.
    ///
    /// # Panics
    ///
    /// If the socket was closed with [`Socket::close`](crate::Socket::close) or given up with
    /// [`Socket::detach`](crate::Socket::detach): a closed socket has no descriptor to lend.
    /// [`Socket::try_as_fd`](crate::Socket::try_as_fd) is the form that never panics.
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.as_socket2()
            .expect("AsFd on a closed sgssockets Socket (use Socket::try_as_fd)")
            .as_fd()
    }
}

impl TryFrom<std::os::fd::OwnedFd> for crate::Socket {
    type Error = crate::Error;

    /// Adopts an open socket descriptor, asking the OS for its family, type and mode.
    /// A descriptor that is not a socket is an error (`ENOTSOCK`) and is closed with the
    /// `OwnedFd` that owned it; nothing panics.
    ///
    /// ```
    /// use std::os::fd::OwnedFd;
    /// use sgssockets_core::Socket;
    ///
    /// let file = OwnedFd::from(std::fs::File::open("Cargo.toml").unwrap());
    /// let err = Socket::try_from(file).unwrap_err();
    /// assert_eq!(err.code(), sgssockets_core::errno::ENOTSOCK);
    ///
    /// let udp = OwnedFd::from(std::net::UdpSocket::bind("127.0.0.1:0").unwrap());
    /// assert!(Socket::try_from(udp).is_ok());
    /// ```
    fn try_from(fd: std::os::fd::OwnedFd) -> crate::Result<Self> {
        crate::Socket::from_socket2(socket2::Socket::from(fd))
    }
}

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        /// The poller's backend: epoll, one system call per wait.
        #[path = "../poller/epoll.rs"]
        pub(crate) mod poller_backend;
    } else {
        /// The poller's backend: the `polling` crate (kqueue, event ports).
        #[path = "../poller/portable.rs"]
        pub(crate) mod poller_backend;

        impl std::os::fd::AsFd for poller_backend::Backend {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                self.inner().as_fd()
            }
        }
    }
}

/// The poller's descriptor (epoll or kqueue), for a host event loop to wait on: it is
/// readable when a wait would report something.
impl std::os::fd::AsFd for crate::Poller {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.backend().as_fd()
    }
}

impl AsRawFd for crate::Poller {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        std::os::fd::AsFd::as_fd(self).as_raw_fd()
    }
}

// Option levels and names for the generic getsockopt/setsockopt calls. Names every
// Unix has come first; the ones only some systems have are added per platform below.
const OPTION_CONSTANTS_COMMON: &[(&str, i32)] = &[
    ("SOL_SOCKET", libc::SOL_SOCKET),
    ("IPPROTO_IP", libc::IPPROTO_IP),
    ("IPPROTO_IPV6", libc::IPPROTO_IPV6),
    ("SO_BROADCAST", libc::SO_BROADCAST),
    ("SO_ERROR", libc::SO_ERROR),
    ("SO_KEEPALIVE", libc::SO_KEEPALIVE),
    ("SO_LINGER", libc::SO_LINGER),
    ("SO_RCVBUF", libc::SO_RCVBUF),
    ("SO_RCVTIMEO", libc::SO_RCVTIMEO),
    ("SO_REUSEADDR", libc::SO_REUSEADDR),
    ("SO_SNDBUF", libc::SO_SNDBUF),
    ("SO_SNDTIMEO", libc::SO_SNDTIMEO),
    ("SO_TYPE", libc::SO_TYPE),
    ("TCP_NODELAY", libc::TCP_NODELAY),
    ("IP_TTL", libc::IP_TTL),
    ("IP_MULTICAST_IF", libc::IP_MULTICAST_IF),
    ("IP_MULTICAST_TTL", libc::IP_MULTICAST_TTL),
    ("IP_MULTICAST_LOOP", libc::IP_MULTICAST_LOOP),
    ("IP_ADD_MEMBERSHIP", libc::IP_ADD_MEMBERSHIP),
    ("IP_DROP_MEMBERSHIP", libc::IP_DROP_MEMBERSHIP),
    ("IPV6_V6ONLY", libc::IPV6_V6ONLY),
    ("IPV6_UNICAST_HOPS", libc::IPV6_UNICAST_HOPS),
    ("IPV6_MULTICAST_IF", libc::IPV6_MULTICAST_IF),
    ("IPV6_MULTICAST_HOPS", libc::IPV6_MULTICAST_HOPS),
    ("IPV6_MULTICAST_LOOP", libc::IPV6_MULTICAST_LOOP),
];

cfg_if::cfg_if! {
    if #[cfg(any(target_os = "linux", target_os = "android"))] {
        const OPTION_CONSTANTS_PLATFORM: &[(&str, i32)] = &[
            ("SO_REUSEPORT", libc::SO_REUSEPORT),
            ("TCP_KEEPIDLE", libc::TCP_KEEPIDLE),
            ("TCP_KEEPINTVL", libc::TCP_KEEPINTVL),
            ("TCP_KEEPCNT", libc::TCP_KEEPCNT),
            // Linux's names for RFC 3493's IPV6_JOIN_GROUP/IPV6_LEAVE_GROUP (same values).
            ("IPV6_JOIN_GROUP", libc::IPV6_ADD_MEMBERSHIP),
            ("IPV6_LEAVE_GROUP", libc::IPV6_DROP_MEMBERSHIP),
        ];
    } else if #[cfg(any(target_os = "macos", target_os = "ios", target_os = "tvos", target_os = "watchos", target_os = "visionos"))] {
        const OPTION_CONSTANTS_PLATFORM: &[(&str, i32)] = &[
            ("SO_REUSEPORT", libc::SO_REUSEPORT),
            ("TCP_KEEPINTVL", libc::TCP_KEEPINTVL),
            ("TCP_KEEPCNT", libc::TCP_KEEPCNT),
            ("IPV6_JOIN_GROUP", libc::IPV6_JOIN_GROUP),
            ("IPV6_LEAVE_GROUP", libc::IPV6_LEAVE_GROUP),
        ];
    } else if #[cfg(any(target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd"))] {
        const OPTION_CONSTANTS_PLATFORM: &[(&str, i32)] = &[
            ("SO_REUSEPORT", libc::SO_REUSEPORT),
            ("TCP_KEEPIDLE", libc::TCP_KEEPIDLE),
            ("TCP_KEEPINTVL", libc::TCP_KEEPINTVL),
            ("TCP_KEEPCNT", libc::TCP_KEEPCNT),
            ("IPV6_JOIN_GROUP", libc::IPV6_JOIN_GROUP),
            ("IPV6_LEAVE_GROUP", libc::IPV6_LEAVE_GROUP),
        ];
    } else {
        // Other Unix systems: only the names every one of them has.
        const OPTION_CONSTANTS_PLATFORM: &[(&str, i32)] = &[];
    }
}

cfg_if::cfg_if! {
    if #[cfg(any(
        target_os = "linux", target_os = "android",
        target_os = "macos", target_os = "ios", target_os = "tvos", target_os = "watchos",
        target_os = "visionos",
        target_os = "freebsd", target_os = "dragonfly", target_os = "netbsd"
    ))] {
        /// getnameinfo's `NI_*` flags, where the table above knows the platform.
        const NAME_INFO_CONSTANTS: &[(&str, i32)] = &[
            ("NI_NUMERICHOST", libc::NI_NUMERICHOST),
            ("NI_NUMERICSERV", libc::NI_NUMERICSERV),
            ("NI_NOFQDN", libc::NI_NOFQDN),
            ("NI_NAMEREQD", libc::NI_NAMEREQD),
            ("NI_DGRAM", libc::NI_DGRAM),
        ];
    } else {
        const NAME_INFO_CONSTANTS: &[(&str, i32)] = &[];
    }
}

/// Every option level and name this platform has (absent ones are left out, never 0).
pub(crate) const OPTION_CONSTANTS: &[&[(&str, i32)]] = &[
    OPTION_CONSTANTS_COMMON,
    OPTION_CONSTANTS_PLATFORM,
    NAME_INFO_CONSTANTS,
];

/// getsockopt(2) into `buf`: how many bytes the OS wrote.
pub(crate) fn getsockopt_raw(
    socket: &socket2::Socket,
    level: i32,
    name: i32,
    buf: &mut [u8],
) -> io::Result<usize> {
    let mut len = libc::socklen_t::try_from(buf.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `buf` is a live, exclusively borrowed buffer of `len` bytes, and `len` is a
    // live socklen_t the kernel updates to the length it wrote (never more than given).
    let rc = unsafe {
        libc::getsockopt(
            socket.as_raw_fd(),
            level,
            name,
            buf.as_mut_ptr().cast(),
            &mut len,
        )
    };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok((len as usize).min(buf.len()))
    }
}

/// setsockopt(2) with the bytes of `value`.
pub(crate) fn setsockopt_raw(
    socket: &socket2::Socket,
    level: i32,
    name: i32,
    value: &[u8],
) -> io::Result<()> {
    let len = libc::socklen_t::try_from(value.len())
        .map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: `value` is a live buffer of `len` bytes that the kernel only reads.
    let rc =
        unsafe { libc::setsockopt(socket.as_raw_fd(), level, name, value.as_ptr().cast(), len) };
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Whether a blocking send or receive that failed may have run into the socket's own
/// timeout (`SO_SNDTIMEO`/`SO_RCVTIMEO`): Unix reports that as `EAGAIN`/`EWOULDBLOCK`.
pub(crate) fn is_timeout_error(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::WouldBlock
}

/// Whether a non-blocking connect(2) error only means "started, not finished yet".
pub(crate) fn connect_in_progress(err: &io::Error) -> bool {
    matches!(err.raw_os_error(), Some(libc::EINPROGRESS | libc::EINTR))
}

/// A duplicate of descriptor `raw` with close-on-exec set; the caller keeps `raw`.
/// `EBADF` if `raw` is not an open descriptor.
pub(crate) fn duplicate(raw: RawSocket) -> io::Result<socket2::Socket> {
    // SAFETY: F_DUPFD_CLOEXEC only reads the descriptor table: an fd that is not open
    // gives EBADF, and `raw` itself is neither changed nor closed.
    let fd = unsafe { libc::fcntl(raw, libc::F_DUPFD_CLOEXEC, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fd` was just created by fcntl and is owned by nobody else.
    Ok(unsafe { <socket2::Socket as std::os::fd::FromRawFd>::from_raw_fd(fd) })
}

/// Gives up ownership of the descriptor without closing it.
pub(crate) fn into_raw(socket: socket2::Socket) -> RawSocket {
    socket.into_raw_fd()
}

/// Two connected sockets of `socket_type` (socketpair(2), `AF_UNIX`, close-on-exec) and
/// their family.
pub(crate) fn socket_pair(socket_type: i32) -> io::Result<(socket2::Socket, socket2::Socket, i32)> {
    let (a, b) = socket2::Socket::pair(
        socket2::Domain::UNIX,
        socket2::Type::from(socket_type),
        None,
    )?;
    Ok((a, b, libc::AF_UNIX))
}

/// The socket types [`socket_pair`] accepts.
pub(crate) const PAIR_TYPES: &[i32] = &[libc::SOCK_STREAM, libc::SOCK_DGRAM, libc::SOCK_SEQPACKET];

impl crate::Socket {
    /// Borrows the descriptor, or `EBADF` once the socket is closed: the non-panicking
    /// form of [`AsFd::as_fd`](std::os::fd::AsFd::as_fd).
    ///
    /// ```
    /// let mut socket = sgssockets_core::Socket::tcp(false).unwrap();
    /// assert!(socket.try_as_fd().is_ok());
    /// socket.close().unwrap();
    /// assert!(socket.try_as_fd().unwrap_err().is_closed());
    /// ```
    pub fn try_as_fd(&self) -> crate::Result<std::os::fd::BorrowedFd<'_>> {
        use std::os::fd::AsFd;
        Ok(self.open("as_fd")?.as_fd())
    }
}
