//! TCP over loopback: the happy path and every error the issue names.

mod common;

use std::net::Shutdown;
use std::time::{Duration, Instant};

use common::{code, listener, loopback, tcp_pair, WAIT};
use sgssockets_core::{Incoming, MsgFlags, Socket};

fn recv_exact(socket: &Socket, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; len];
    while out.len() < len {
        match socket
            .recv(&mut buf[..len - out.len()], MsgFlags::empty())
            .unwrap()
        {
            Incoming::Data(n) => out.extend_from_slice(&buf[..n]),
            Incoming::Closed => panic!("peer closed after {} of {len} bytes", out.len()),
        }
    }
    out
}

#[test]
fn echo_over_ipv4_and_ipv6() {
    for ipv6 in [false, true] {
        if ipv6 && !common::ipv6_available("echo_over_ipv6") {
            continue;
        }
        let (client, server) = tcp_pair(ipv6);
        assert_eq!(client.send(b"hello", MsgFlags::empty()).unwrap(), 5);
        assert_eq!(recv_exact(&server, 5), b"hello");
        server.send(b"world", MsgFlags::empty()).unwrap();
        assert_eq!(recv_exact(&client, 5), b"world");
        assert_eq!(client.peer_addr().unwrap(), server.local_addr().unwrap());
        assert_eq!(server.peer_addr().unwrap(), client.local_addr().unwrap());
    }
}

#[test]
fn orderly_close_is_reported_as_closed() {
    let (client, server) = tcp_pair(false);
    client.shutdown(Shutdown::Write).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(
        server.recv(&mut buf, MsgFlags::empty()).unwrap(),
        Incoming::Closed
    );
    let seen = server
        .recv_bounded(100, MsgFlags::empty(), |i| i == Incoming::Closed)
        .unwrap();
    assert!(seen);
}

#[test]
fn bounded_receive_allocates_by_what_arrived() {
    let (client, server) = tcp_pair(false);
    client.send(b"12345", MsgFlags::empty()).unwrap();
    let got = server
        .recv_bounded(
            i32::MAX as usize,
            MsgFlags::empty(),
            |incoming| match incoming {
                Incoming::Data(bytes) => bytes.to_vec(),
                Incoming::Closed => panic!("not closed"),
            },
        )
        .unwrap();
    assert_eq!(got, b"12345");
    let err = server
        .recv_bounded(0, MsgFlags::empty(), |_| ())
        .unwrap_err();
    assert_eq!(err.code(), code("EINVAL"));
}

#[test]
fn peek_leaves_data_in_place() {
    let (client, server) = tcp_pair(false);
    client.send(b"abc", MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 3];
    let first = server
        .recv_bounded(3, MsgFlags::PEEK | MsgFlags::WAITALL, |i| format!("{i:?}"))
        .unwrap();
    assert!(first.contains("97, 98, 99"), "{first}");
    assert_eq!(
        server.recv(&mut buf, MsgFlags::WAITALL).unwrap(),
        Incoming::Data(3)
    );
}

#[test]
fn connection_refused() {
    let addr = {
        let gone = listener(false);
        gone.local_addr().unwrap()
    };
    let err = Socket::tcp(false).unwrap().connect(&addr).unwrap_err();
    assert_eq!(err.code(), code("ECONNREFUSED"));
    assert_eq!(err.operation(), "connect");
}

#[test]
fn address_in_use() {
    let first = listener(false);
    let second = Socket::tcp(false).unwrap();
    let err = second.bind(&first.local_addr().unwrap()).unwrap_err();
    assert_eq!(err.code(), code("EADDRINUSE"));
    assert_eq!(err.operation(), "bind");
}

#[test]
fn receive_timeout_gives_ewouldblock_after_the_timeout() {
    let (_client, server) = tcp_pair(false);
    server
        .set_recv_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 4];
    let err = server.recv(&mut buf, MsgFlags::empty()).unwrap_err();
    assert!(err.is_would_block(), "{err}");
    assert_eq!(err.code(), code("EWOULDBLOCK"));
    assert!(started.elapsed() >= Duration::from_millis(45));
}

#[test]
fn non_blocking_calls_return_ewouldblock() {
    let l = listener(false);
    l.set_blocking(false).unwrap();
    assert!(!l.is_blocking().unwrap());
    let err = l.accept().unwrap_err();
    assert_eq!(err.code(), code("EWOULDBLOCK"));

    let (client, _server) = tcp_pair(false);
    client.set_blocking(false).unwrap();
    let mut buf = [0u8; 4];
    assert_eq!(
        client.recv(&mut buf, MsgFlags::empty()).unwrap_err().code(),
        code("EAGAIN")
    );
    client.set_blocking(true).unwrap();
    assert!(client.is_blocking().unwrap());
}

#[test]
fn accepted_socket_is_blocking_on_linux_even_from_a_non_blocking_listener() {
    let l = listener(false);
    let client = Socket::tcp(false).unwrap();
    client.connect(&l.local_addr().unwrap()).unwrap();
    l.set_blocking(false).unwrap();
    let ready =
        sgssockets_core::select(&mut vec![&l], &mut vec![], &mut vec![], Some(WAIT)).unwrap();
    assert_eq!(ready, 1);
    let (accepted, _) = l.accept().unwrap();
    let expected = cfg!(any(target_os = "linux", target_os = "android"));
    assert_eq!(accepted.is_blocking().unwrap(), expected);
}

#[test]
fn broken_pipe_is_an_error_not_a_signal() {
    let (client, mut server) = tcp_pair(false);
    server.close().unwrap();
    // The first send may succeed (it reaches the peer's kernel, which answers RST);
    // within a few sends the error shows. SIGPIPE would have killed this test process.
    let mut last = None;
    for _ in 0..100 {
        match client.send(&[0u8; 1024], MsgFlags::empty()) {
            Ok(_) => continue,
            Err(err) => {
                last = Some(err);
                break;
            }
        }
    }
    let err = last.expect("sending to a closed peer must fail");
    assert!(
        [code("EPIPE"), code("ECONNRESET")].contains(&err.code()),
        "{err}"
    );
    assert_eq!(err.operation(), "send");
}

#[test]
fn peer_reset_is_reported_as_econnreset() {
    let (client, mut server) = tcp_pair(false);
    server.set_linger(Some(Duration::ZERO)).unwrap();
    server.close().unwrap();
    let mut buf = [0u8; 8];
    let err = client.recv(&mut buf, MsgFlags::empty()).unwrap_err();
    assert_eq!(err.code(), code("ECONNRESET"));
}

#[test]
fn every_call_after_close_is_ebadf() {
    let (mut client, _server) = tcp_pair(false);
    assert!(!client.is_closed());
    client.close().unwrap();
    assert!(client.is_closed());
    assert_eq!(client.raw_socket(), None);
    let ebadf = code("EBADF");
    let mut buf = [0u8; 4];
    let any: SocketAddress = loopback(false);
    let results = [
        client.send(b"x", MsgFlags::empty()).map(drop),
        client.send_to(b"x", &any, MsgFlags::empty()).map(drop),
        client.recv(&mut buf, MsgFlags::empty()).map(drop),
        client.recv_from(&mut buf, MsgFlags::empty()).map(drop),
        client.recv_bounded(4, MsgFlags::empty(), |_| ()),
        client.bind(&any),
        client.bind_port(0),
        client.listen(1),
        client.accept().map(drop),
        client.connect(&any),
        client.shutdown(Shutdown::Both),
        client.peer_addr().map(drop),
        client.local_addr().map(drop),
        client.take_error().map(drop),
        client.set_nodelay(true),
        client.is_blocking().map(drop),
        client.close(),
    ];
    for result in results {
        let err = result.unwrap_err();
        assert_eq!(err.code(), ebadf, "{err}");
        assert!(err.is_closed(), "{err}");
        assert_eq!(err.category(), sgssockets_core::ErrorCategory::Closed);
        assert!(err.message().contains("closed"), "{err}");
    }
}

use sgssockets_core::SocketAddress;

#[test]
fn bind_port_uses_the_wildcard_of_the_socket_family() {
    let v4 = Socket::tcp(false).unwrap();
    v4.bind_port(0).unwrap();
    assert_eq!(v4.local_addr().unwrap().addr_string().unwrap(), "0.0.0.0");
    if common::ipv6_available("bind_port_ipv6") {
        let v6 = Socket::tcp(true).unwrap();
        v6.bind_port(0).unwrap();
        assert_eq!(v6.local_addr().unwrap().addr_string().unwrap(), "::");
    }
    let unix = Socket::from_raw_parts(
        sgssockets_core::constants::AF_UNIX,
        sgssockets_core::constants::SOCK_STREAM,
        0,
    )
    .unwrap();
    assert!(unix.bind_port(0).is_err());
}

#[test]
fn pending_error_is_none_on_a_healthy_socket() {
    let (client, _server) = tcp_pair(false);
    assert!(client.take_error().unwrap().is_none());
}

#[test]
fn std_conversions_keep_the_socket_working() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = std_listener.local_addr().unwrap();
    let listener = Socket::from(std_listener);
    assert_eq!(listener.local_addr().unwrap(), addr.into());
    let client = std::net::TcpStream::connect(addr).unwrap();
    let (server, _) = listener.accept().unwrap();
    let mut server = std::net::TcpStream::try_from(server).unwrap();
    use std::io::{Read, Write};
    let mut client = Socket::from(client);
    client.send(b"ok", MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 2];
    server.set_read_timeout(Some(WAIT)).unwrap();
    server.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"ok");
    server.write_all(b"!").unwrap();
    client.close().unwrap();
    assert!(std::net::TcpStream::try_from(client).is_err());
}

#[cfg(unix)]
#[test]
fn sockets_are_close_on_exec() {
    let (client, _server) = tcp_pair(false);
    let fd = client.raw_socket().unwrap();
    // SAFETY: fcntl(F_GETFD) only reads the flags of a descriptor we own.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    assert!(flags & libc::FD_CLOEXEC != 0);
}

#[cfg(unix)]
#[test]
fn fd_interop_and_debug() {
    use std::os::fd::{AsFd, AsRawFd, OwnedFd};
    let (client, _server) = tcp_pair(false);
    assert_eq!(client.as_raw_fd(), client.raw_socket().unwrap());
    let dup: OwnedFd = client.as_fd().try_clone_to_owned().unwrap();
    let adopted = Socket::try_from(dup).unwrap();
    assert_eq!(adopted.family(), sgssockets_core::constants::AF_INET);
    assert_eq!(
        adopted.socket_type(),
        sgssockets_core::constants::SOCK_STREAM
    );
    assert_eq!(adopted.local_addr().unwrap(), client.local_addr().unwrap());
    let shown = format!("{client:?}");
    assert!(
        shown.contains("AF_INET") && shown.contains("SOCK_STREAM"),
        "{shown}"
    );
    let mut closed = adopted;
    closed.close().unwrap();
    assert_eq!(closed.as_raw_fd(), -1);
    assert!(format!("{closed:?}").contains("closed"));
}
