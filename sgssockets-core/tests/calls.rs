//! SPEC §9 calls on loopback: send_all, pairs, peek, io::Read/Write, try_clone, generic
//! options, multicast options, descriptors (detach / from_fd_dup), getnameinfo.

mod common;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{code, tcp_pair, WAIT};
use sgssockets_core::constants::{self, SOCK_DGRAM, SOCK_STREAM};
use sgssockets_core::{
    socket_option, ErrorCategory, Incoming, MsgFlags, MulticastInterface, OptionValue, Socket,
};

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

#[test]
fn send_all_64_mib_to_a_slow_reader_arrives_intact() {
    const LEN: usize = 64 << 20;
    let (client, server) = tcp_pair(false);
    client
        .set_send_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let data = pattern(LEN);
    let expected = data.clone();
    let reader = std::thread::spawn(move || {
        let mut got = Vec::with_capacity(LEN);
        let mut chunk = [0u8; 4096];
        loop {
            match server.recv(&mut chunk, MsgFlags::empty()).unwrap() {
                Incoming::Data(n) => got.extend_from_slice(&chunk[..n]),
                Incoming::Closed => return got,
            }
        }
    });
    assert_eq!(client.send_all(&data, MsgFlags::empty()).unwrap(), LEN);
    client.shutdown(std::net::Shutdown::Write).unwrap();
    let got = reader.join().unwrap();
    assert_eq!(got.len(), LEN);
    assert!(got == expected, "the bytes arrived changed");
}

#[test]
fn send_all_deadline_bounds_the_whole_call() {
    // A peer that never reads.
    let (client, _server) = tcp_pair(false);
    client
        .set_send_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let data = vec![7u8; 64 << 20];
    let started = Instant::now();
    let err = client.send_all(&data, MsgFlags::empty()).unwrap_err();
    let took = started.elapsed();
    assert!(err.is_would_block(), "{err}");
    assert_eq!(err.operation(), "send_all");
    assert!(err.message().contains("timed out"), "{err}");
    assert!(took >= Duration::from_millis(150), "{took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    // The caller's timeout is back in place.
    assert_eq!(
        client.send_timeout().unwrap(),
        Some(Duration::from_millis(200))
    );
}

#[test]
fn send_all_deadline_is_not_per_chunk() {
    // A peer that keeps reading a little: a per-send timeout would never expire.
    let (client, server) = tcp_pair(false);
    client
        .set_send_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let stop_reader = Arc::clone(&stop);
    let reader = std::thread::spawn(move || {
        let mut chunk = vec![0u8; 64 * 1024];
        while !stop_reader.load(Ordering::Relaxed) {
            let _ = server.recv(&mut chunk, MsgFlags::empty());
            // Pacing the reader (not synchronisation): ~1.3 MB/s.
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let data = vec![7u8; 64 << 20];
    let started = Instant::now();
    let err = client.send_all(&data, MsgFlags::empty()).unwrap_err();
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert!(err.is_would_block(), "{err}");
    assert!(err.message().contains("timed out"), "{err}");
    assert!(took >= Duration::from_millis(250), "{took:?}");
    assert!(took < Duration::from_millis(1500), "{took:?}");
}

#[test]
fn send_all_nonblocking_fails_at_once() {
    let (client, _server) = tcp_pair(false);
    client.set_nonblocking(true).unwrap();
    let data = vec![7u8; 64 << 20];
    let started = Instant::now();
    let err = client.send_all(&data, MsgFlags::empty()).unwrap_err();
    assert!(err.is_would_block(), "{err}");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(!client.is_blocking().unwrap());
}

#[test]
fn send_all_edge_cases() {
    let (a, b) = Socket::pair(SOCK_STREAM).unwrap();
    assert_eq!(a.send_all(b"", MsgFlags::empty()).unwrap(), 0);
    assert_eq!(a.send_all(b"abc", MsgFlags::empty()).unwrap(), 3);
    let mut buf = [0u8; 3];
    (&b).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"abc");
    let mut closed = a;
    closed.close().unwrap();
    assert!(closed
        .send_all(b"x", MsgFlags::empty())
        .unwrap_err()
        .is_closed());
}

#[test]
fn timed_out_receive_says_so() {
    let (client, _server) = tcp_pair(false);
    client
        .set_recv_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let mut buf = [0u8; 4];
    let err = client.recv(&mut buf, MsgFlags::empty()).unwrap_err();
    assert!(err.is_would_block(), "{err}");
    assert_eq!(err.operation(), "recv");
    assert!(err.message().contains("timed out"), "{err}");
    // A non-blocking socket that has nothing does not claim a timeout.
    client.set_nonblocking(true).unwrap();
    let err = client.recv(&mut buf, MsgFlags::empty()).unwrap_err();
    assert!(err.is_would_block(), "{err}");
    assert!(!err.message().contains("timed out"), "{err}");
}

#[test]
fn pairs_of_stream_and_datagram_type() {
    let (a, b) = Socket::pair(SOCK_STREAM).unwrap();
    assert_eq!(a.socket_type(), SOCK_STREAM);
    assert!(a.is_blocking().unwrap());
    a.send_all(b"ping", MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 4];
    (&b).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ping");
    b.send_all(b"pong", MsgFlags::empty()).unwrap();
    (&a).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"pong");

    let (a, b) = Socket::pair(SOCK_DGRAM).unwrap();
    assert_eq!(b.socket_type(), SOCK_DGRAM);
    a.send(b"one", MsgFlags::empty()).unwrap();
    a.send(b"three", MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(
        b.recv(&mut buf, MsgFlags::empty()).unwrap(),
        Incoming::Data(3)
    );
    assert_eq!(
        b.recv(&mut buf, MsgFlags::empty()).unwrap(),
        Incoming::Data(5)
    );
    assert_eq!(&buf[..5], b"three");
    b.send(b"back", MsgFlags::empty()).unwrap();
    assert_eq!(
        a.recv(&mut buf, MsgFlags::empty()).unwrap(),
        Incoming::Data(4)
    );

    let err = Socket::pair(12345).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    assert!(err.message().contains("SOCK_STREAM"), "{err}");
}

#[test]
fn peek_read_write_and_copy() {
    let (a, b) = Socket::pair(SOCK_STREAM).unwrap();
    (&a).write_all(b"hello world").unwrap();
    let mut buf = [0u8; 5];
    assert_eq!(b.peek(&mut buf).unwrap(), 5);
    assert_eq!(&buf, b"hello");
    let mut all = [0u8; 11];
    (&b).read_exact(&mut all).unwrap();
    assert_eq!(&all, b"hello world");

    let mut owned = a;
    owned.write_all(b"copied").unwrap();
    owned.flush().unwrap();
    drop(owned); // end of file for b
    let mut sink = Vec::new();
    assert_eq!(std::io::copy(&mut &b, &mut sink).unwrap(), 6);
    assert_eq!(sink, b"copied");
    assert_eq!((&b).read(&mut buf).unwrap(), 0, "0 at end of file");
    assert_eq!(b.peek(&mut buf).unwrap(), 0);
}

#[test]
fn try_clone_shares_the_socket_and_keeps_state() {
    let (a, b) = tcp_pair(false);
    a.set_recv_timeout(Some(Duration::from_millis(700)))
        .unwrap();
    let mut clone = a.try_clone().unwrap();
    assert_ne!(clone.fileno(), a.fileno());
    assert_eq!(
        clone.recv_timeout().unwrap(),
        Some(Duration::from_millis(700))
    );
    assert_eq!(clone.send_timeout().unwrap(), Some(WAIT));
    assert_eq!(clone.local_addr().unwrap(), a.local_addr().unwrap());
    clone.send_all(b"via clone", MsgFlags::empty()).unwrap();
    clone.close().unwrap();
    a.send_all(b"!", MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 10];
    (&b).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"via clone!");
}

#[test]
fn blocking_and_nonblocking_are_opposites() {
    let socket = Socket::tcp(false).unwrap();
    socket.set_nonblocking(true).unwrap();
    assert!(!socket.is_blocking().unwrap());
    socket.set_blocking(true).unwrap();
    assert!(socket.is_blocking().unwrap());
    socket.set_blocking(false).unwrap();
    assert!(!socket.is_blocking().unwrap());
    socket.set_nonblocking(false).unwrap();
    assert!(socket.is_blocking().unwrap());
}

#[test]
fn generic_options_read_back() {
    use constants::*;
    let tcp = Socket::tcp(false).unwrap();
    for (level, name) in [
        (SOL_SOCKET, SO_REUSEADDR),
        (SOL_SOCKET, SO_KEEPALIVE),
        (IPPROTO_TCP, TCP_NODELAY),
    ] {
        tcp.setsockopt_int(level, name, 1).unwrap();
        assert_ne!(
            tcp.getsockopt_int(level, name).unwrap(),
            0,
            "{level}/{name}"
        );
        tcp.setsockopt_int(level, name, 0).unwrap();
        assert_eq!(
            tcp.getsockopt_int(level, name).unwrap(),
            0,
            "{level}/{name}"
        );
    }
    tcp.setsockopt_int(IPPROTO_IP, IP_TTL, 33).unwrap();
    assert_eq!(tcp.ttl().unwrap(), 33);
    assert_eq!(tcp.getsockopt_int(IPPROTO_IP, IP_TTL).unwrap(), 33);
    assert_eq!(
        tcp.getsockopt_int(SOL_SOCKET, SO_TYPE).unwrap(),
        SOCK_STREAM
    );
    tcp.setsockopt_bytes(SOL_SOCKET, SO_KEEPALIVE, &1i32.to_ne_bytes())
        .unwrap();
    assert!(tcp.keepalive().unwrap());
    if let Some(idle) = value("TCP_KEEPIDLE") {
        tcp.setsockopt_int(IPPROTO_TCP, idle, 77).unwrap();
        assert_eq!(tcp.getsockopt_int(IPPROTO_TCP, idle).unwrap(), 77);
    }

    tcp.set_linger(Some(Duration::from_secs(3))).unwrap();
    let linger = tcp.getsockopt_bytes(SOL_SOCKET, SO_LINGER, 64).unwrap();
    assert_eq!(linger.len(), 8, "struct linger is two ints here");
    assert_eq!(i32::from_ne_bytes(linger[4..8].try_into().unwrap()), 3);

    let udp = Socket::udp(false).unwrap();
    udp.setsockopt_int(IPPROTO_IP, IP_MULTICAST_TTL, 9).unwrap();
    assert_eq!(udp.getsockopt_int(IPPROTO_IP, IP_MULTICAST_TTL).unwrap(), 9);
    assert_eq!(udp.multicast_ttl().unwrap(), 9);

    if common::ipv6_available("generic_options_read_back") {
        let v6 = Socket::udp(true).unwrap();
        v6.setsockopt_int(IPPROTO_IPV6, IPV6_V6ONLY, 1).unwrap();
        assert!(v6.ipv6_only().unwrap());
        v6.setsockopt_int(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 7)
            .unwrap();
        assert_eq!(v6.multicast_ttl().unwrap(), 7);
        v6.setsockopt_int(IPPROTO_IPV6, IPV6_UNICAST_HOPS, 17)
            .unwrap();
        assert_eq!(v6.ttl().unwrap(), 17);
    }
}

#[test]
fn generic_options_bad_arguments() {
    use constants::*;
    let tcp = Socket::tcp(false).unwrap();
    for size in [0, 1025] {
        let err = tcp.getsockopt_bytes(SOL_SOCKET, SO_TYPE, size).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput, "{err}");
        assert!(err.message().contains("1 to 1024"), "{err}");
    }
    let err = tcp.getsockopt_int(SOL_SOCKET, 987_654).unwrap_err();
    assert_eq!(err.code(), code("ENOPROTOOPT"), "{err}");
    assert_eq!(err.operation(), "getsockopt");
    let err = tcp.setsockopt_int(987_654, 1, 1).unwrap_err();
    assert_eq!(err.operation(), "setsockopt");
    let mut closed = Socket::tcp(false).unwrap();
    closed.close().unwrap();
    assert!(closed
        .getsockopt_int(SOL_SOCKET, SO_TYPE)
        .unwrap_err()
        .is_closed());
    assert!(closed
        .setsockopt_int(SOL_SOCKET, SO_REUSEADDR, 1)
        .unwrap_err()
        .is_closed());
}

#[test]
fn constants_have_the_platform_values() {
    use constants::*;
    let mut names: Vec<_> = ALL.iter().map(|(name, _)| *name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "a name appears twice in ALL");
    #[cfg(unix)]
    {
        for (name, expected) in [
            ("SOL_SOCKET", libc::SOL_SOCKET),
            ("IPPROTO_IP", libc::IPPROTO_IP),
            ("IPPROTO_IPV6", libc::IPPROTO_IPV6),
            ("SO_REUSEADDR", libc::SO_REUSEADDR),
            ("SO_RCVTIMEO", libc::SO_RCVTIMEO),
            ("SO_ERROR", libc::SO_ERROR),
            ("TCP_NODELAY", libc::TCP_NODELAY),
            ("IP_MULTICAST_TTL", libc::IP_MULTICAST_TTL),
            ("IP_ADD_MEMBERSHIP", libc::IP_ADD_MEMBERSHIP),
            ("IPV6_V6ONLY", libc::IPV6_V6ONLY),
            ("IPV6_MULTICAST_IF", libc::IPV6_MULTICAST_IF),
        ] {
            assert_eq!(value(name), Some(expected), "{name}");
        }
        assert_eq!(SO_LINGER, libc::SO_LINGER);
        assert_eq!(IP_DROP_MEMBERSHIP, libc::IP_DROP_MEMBERSHIP);
    }
    #[cfg(target_os = "linux")]
    {
        assert_eq!(value("SO_REUSEPORT"), Some(libc::SO_REUSEPORT));
        assert_eq!(value("IPV6_JOIN_GROUP"), Some(libc::IPV6_ADD_MEMBERSHIP));
        assert_eq!(value("TCP_KEEPCNT"), Some(libc::TCP_KEEPCNT));
    }
    assert!(ALL.iter().all(|(name, _)| !name.is_empty()));
}

#[test]
fn multicast_options_read_back_and_refuse_bad_values() {
    let udp = Socket::udp(false).unwrap();
    udp.set_multicast_ttl(0).unwrap();
    assert_eq!(udp.multicast_ttl().unwrap(), 0);
    udp.set_multicast_ttl(255).unwrap();
    assert_eq!(udp.multicast_ttl().unwrap(), 255);
    let err = udp.set_multicast_ttl(256).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    assert_eq!(err.operation(), "setsockopt(IP_MULTICAST_TTL)");
    assert_eq!(
        udp.multicast_ttl().unwrap(),
        255,
        "a refused value changes nothing"
    );

    udp.set_multicast_loop(false).unwrap();
    assert!(!udp.multicast_loop().unwrap());
    udp.set_multicast_loop(true).unwrap();
    assert!(udp.multicast_loop().unwrap());

    let lo = MulticastInterface::Addr(std::net::Ipv4Addr::LOCALHOST);
    udp.set_multicast_if(lo).unwrap();
    assert_eq!(udp.multicast_if().unwrap(), lo);
    let err = udp
        .set_multicast_if(MulticastInterface::Index(1))
        .unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    assert_eq!(udp.multicast_if().unwrap(), lo);

    // Through the option table, as the bindings use it.
    let ttl = socket_option("multicast_ttl").unwrap();
    ttl.set(&udp, OptionValue::Int(3)).unwrap();
    assert_eq!(ttl.get(&udp).unwrap(), OptionValue::Int(3));
    for bad in [-1, 256, (1 << 32) + 3] {
        assert!(ttl.set(&udp, OptionValue::Int(bad)).is_err(), "{bad}");
    }
    assert_eq!(ttl.get(&udp).unwrap(), OptionValue::Int(3));
    let interface = socket_option("multicast_if").unwrap();
    assert_eq!(interface.get(&udp).unwrap(), OptionValue::Int(0x7f00_0001));
    assert!(interface.set(&udp, OptionValue::Int(-1)).is_err());
    assert!(interface.set(&udp, OptionValue::Int(1 << 32)).is_err());
    let looped = socket_option("multicast_loop").unwrap();
    looped.set(&udp, OptionValue::Bool(false)).unwrap();
    assert_eq!(looped.get(&udp).unwrap(), OptionValue::Bool(false));
    assert!(looped.set(&udp, OptionValue::Int(1)).is_err());

    // Group arguments are checked before any system call.
    let group = std::net::Ipv4Addr::new(239, 1, 2, 3).into();
    let err = udp
        .join_multicast(std::net::Ipv4Addr::LOCALHOST.into(), None)
        .unwrap_err();
    assert!(err.message().contains("not a multicast"), "{err}");
    assert_eq!(err.operation(), "join_multicast");
    let err = udp
        .join_multicast(group, Some(MulticastInterface::Index(3)))
        .unwrap_err();
    assert!(err.message().contains("index"), "{err}");
    let err = udp
        .join_multicast("ff12::1".parse().unwrap(), None)
        .unwrap_err();
    assert!(err.message().contains("IPv6 group"), "{err}");
    let (pair, _) = Socket::pair(SOCK_DGRAM).unwrap();
    let err = pair.join_multicast(group, None).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    assert!(pair.multicast_ttl().is_err());

    if common::ipv6_available("multicast_options_read_back") {
        let v6 = Socket::udp(true).unwrap();
        v6.set_multicast_ttl(5).unwrap();
        assert_eq!(v6.multicast_ttl().unwrap(), 5);
        v6.set_multicast_loop(false).unwrap();
        assert!(!v6.multicast_loop().unwrap());
        v6.set_multicast_if(MulticastInterface::Index(1)).unwrap();
        assert_eq!(v6.multicast_if().unwrap(), MulticastInterface::Index(1));
        assert_eq!(interface.get(&v6).unwrap(), OptionValue::Int(1));
        let err = v6.set_multicast_if(lo).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput);
        let err = v6.join_multicast(group, None).unwrap_err();
        assert!(err.message().contains("IPv4 group"), "{err}");
    }
}

/// The inode of the file `fd` names (sockets have one each), or 0 if it is not open.
#[cfg(unix)]
fn inode(fd: i32) -> u64 {
    // SAFETY: fstat writes one `stat` into the zeroed struct we own; `fd` is only read.
    unsafe {
        let mut stat: libc::stat = std::mem::zeroed();
        if libc::fstat(fd, &mut stat) == 0 {
            stat.st_ino as u64
        } else {
            0
        }
    }
}

#[cfg(unix)]
fn fd_is_open(fd: i32) -> bool {
    // SAFETY: F_GETFD only reads the descriptor's flags; a closed one gives -1 (EBADF).
    unsafe { libc::fcntl(fd, libc::F_GETFD) != -1 }
}

#[cfg(unix)]
#[test]
fn from_fd_dup_leaves_the_original_with_its_owner() {
    use std::os::fd::AsRawFd;
    let std_udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let original = std_udp.as_raw_fd();
    let adopted = Socket::from_fd_dup(original).unwrap();
    let dup = adopted.fileno().unwrap();
    assert_ne!(dup, original);
    assert_eq!(adopted.socket_type(), SOCK_DGRAM);
    assert_eq!(adopted.family(), constants::AF_INET);
    // SAFETY: F_GETFD only reads the flags of the descriptor `adopted` owns.
    let flags = unsafe { libc::fcntl(dup, libc::F_GETFD) };
    assert!(
        flags & libc::FD_CLOEXEC != 0,
        "the duplicate is close-on-exec"
    );
    drop(adopted);
    // Closed: the number is free, or (another test thread was given it at once) it names
    // another file than the original's.
    assert!(!fd_is_open(dup) || inode(dup) != inode(original));
    assert!(
        fd_is_open(original),
        "dropping the duplicate left the original open"
    );
    assert!(std_udp.local_addr().is_ok());

    let file = std::fs::File::open("Cargo.toml").unwrap();
    let err = Socket::from_fd_dup(file.as_raw_fd()).unwrap_err();
    assert_eq!(err.code(), code("ENOTSOCK"), "{err}");
    assert!(err.message().contains("not a socket"), "{err}");
    assert_eq!(err.operation(), "from_fd_dup");
    assert!(fd_is_open(file.as_raw_fd()));
    for bad in [-1, 1_000_000] {
        let err = Socket::from_fd_dup(bad).unwrap_err();
        assert_eq!(err.code(), code("EBADF"), "{err}");
        assert!(err.message().contains(&bad.to_string()), "{err}");
    }
    assert!(sgssockets_core::convert::descriptor_from_int((1 << 32) + 3).is_err());
}

#[cfg(unix)]
#[test]
fn detach_gives_up_the_descriptor_without_closing_it() {
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut a, b) = Socket::pair(SOCK_STREAM).unwrap();
    let poller = sgssockets_core::Poller::new().unwrap();
    poller.add(&a, 1, sgssockets_core::Interest::READ).unwrap();
    let fd = a.detach().unwrap();
    assert!(a.is_closed());
    assert_eq!(a.fileno(), None);
    assert!(a.detach().unwrap_err().is_closed());
    assert!(a.try_as_fd().unwrap_err().is_closed());
    drop(a);
    assert!(fd_is_open(fd), "a detached descriptor stays open");
    assert_eq!(poller.len(), 0, "detach left the poller");
    // Still the same connection.
    // SAFETY: `detach` handed ownership of `fd` to this test.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let again = Socket::try_from(owned).unwrap();
    again.send_all(b"still here", MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 10];
    (&b).read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"still here");
    // Our close. The peer sees the end of the stream: the adopted descriptor was the
    // connection's only one, and closing it closed the connection. (Checking the number
    // itself races with other tests' threads, which may be given the freed number at once.)
    drop(again);
    b.set_recv_timeout(Some(WAIT)).unwrap();
    assert_eq!(
        b.recv(&mut buf, MsgFlags::empty()).unwrap(),
        sgssockets_core::Incoming::Closed
    );
}

#[cfg(unix)]
#[test]
fn owned_fd_conversion_and_try_as_fd_do_not_panic() {
    use std::os::fd::{AsRawFd, OwnedFd};
    let file = OwnedFd::from(std::fs::File::open("Cargo.toml").unwrap());
    let err = Socket::try_from(file).unwrap_err();
    assert_eq!(err.code(), code("ENOTSOCK"));
    let socket = Socket::tcp(false).unwrap();
    assert_eq!(
        socket.try_as_fd().unwrap().as_raw_fd(),
        socket.fileno().unwrap()
    );
}

#[test]
fn getnameinfo_numeric_and_named() {
    use sgssockets_core::constants::value;
    use sgssockets_core::lookup::getnameinfo;
    let numeric = value("NI_NUMERICHOST").unwrap() | value("NI_NUMERICSERV").unwrap();
    let (host, service) = getnameinfo(&"127.0.0.1:80".parse().unwrap(), numeric).unwrap();
    assert_eq!((host.as_str(), service.as_str()), ("127.0.0.1", "80"));
    let (host, _) = getnameinfo(&"127.0.0.1:80".parse().unwrap(), 0).unwrap();
    assert!(!host.is_empty());
    #[cfg(unix)]
    {
        let path = sgssockets_core::SocketAddress::unix("/tmp/x.sock").unwrap();
        let err = getnameinfo(&path, 0).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput);
    }
}

#[test]
fn recv_from_bounded_reports_a_closed_stream_like_recv_bounded() {
    let (client, server) = common::tcp_pair(false);
    drop(client);
    let got = server
        .recv_from_bounded(16, MsgFlags::empty(), |incoming, _| {
            matches!(incoming, sgssockets_core::Incoming::Closed)
        })
        .unwrap();
    assert!(got, "an orderly close is Closed, not empty data");
}
