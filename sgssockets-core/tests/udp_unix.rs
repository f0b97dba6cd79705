//! Datagrams (UDP and Unix) and Unix streams.

mod common;

use common::{bounded, temp_socket_path, udp};
use sgssockets_core::constants::{AF_UNIX, SOCK_DGRAM, SOCK_STREAM};
use sgssockets_core::{Incoming, MsgFlags, Socket, SocketAddress};

#[test]
fn udp_exchange_reports_the_sender_on_both_families() {
    for ipv6 in [false, true] {
        if ipv6 && !common::ipv6_available("udp_ipv6") {
            continue;
        }
        let a = udp(ipv6);
        let b = udp(ipv6);
        let sent = a
            .send_to(b"ping", &b.local_addr().unwrap(), MsgFlags::empty())
            .unwrap();
        assert_eq!(sent, 4);
        let mut buf = [0u8; 64];
        let (len, from) = b.recv_from(&mut buf, MsgFlags::empty()).unwrap();
        assert_eq!(&buf[..len], b"ping");
        assert_eq!(from, a.local_addr().unwrap());
    }
}

#[test]
fn empty_datagram_is_data_not_closed() {
    let a = udp(false);
    let b = udp(false);
    a.send_to(b"", &b.local_addr().unwrap(), MsgFlags::empty())
        .unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(
        b.recv(&mut buf, MsgFlags::empty()).unwrap(),
        Incoming::Data(0)
    );
    a.send_to(b"", &b.local_addr().unwrap(), MsgFlags::empty())
        .unwrap();
    let got = b
        .recv_bounded(8, MsgFlags::empty(), |i| i == Incoming::Data(&[][..]))
        .unwrap();
    assert!(got);
    a.send_to(b"", &b.local_addr().unwrap(), MsgFlags::empty())
        .unwrap();
    let (len, from) = b
        .recv_from_bounded(8, MsgFlags::empty(), |d, f| (data(d).len(), f))
        .unwrap();
    assert_eq!((len, from), (0, a.local_addr().unwrap()));
}

#[test]
fn long_datagrams_are_truncated_to_the_buffer() {
    let a = udp(false);
    let b = udp(false);
    let to = b.local_addr().unwrap();
    a.send_to(&[7u8; 1000], &to, MsgFlags::empty()).unwrap();
    let mut small = [0u8; 10];
    let (len, _) = b.recv_from(&mut small, MsgFlags::empty()).unwrap();
    assert_eq!(len, 10);
    a.send_to(&[8u8; 1000], &to, MsgFlags::empty()).unwrap();
    let len = b
        .recv_from_bounded(3, MsgFlags::empty(), |d, _| data(d).len())
        .unwrap();
    assert_eq!(len, 3);
    // The rest of each datagram is gone: the next one is whole.
    a.send_to(b"next", &to, MsgFlags::empty()).unwrap();
    let (len, _) = b.recv_from(&mut small, MsgFlags::empty()).unwrap();
    assert_eq!(&small[..len], b"next");
}

/// Found by the ffi_calls fuzz target: with a caller's `MSG_TRUNC`, Linux returns a
/// datagram's real length, so `recv_from` reported 9 bytes in a 4-byte buffer (a C caller
/// would read past it) and `recv_bounded` panicked slicing its buffer.
#[cfg(any(target_os = "linux", target_os = "android"))]
#[test]
fn msg_trunc_never_reports_more_than_the_buffer_holds() {
    let trunc = MsgFlags::from_bits_retain(0x20); // MSG_TRUNC on Linux
    let a = udp(false);
    let b = udp(false);
    let to = b.local_addr().unwrap();
    let mut small = [0u8; 4];
    a.send_to(b"123456789", &to, MsgFlags::empty()).unwrap();
    let (len, _) = b.recv_from(&mut small, trunc).unwrap();
    assert_eq!((len, &small), (4, b"1234"));
    a.send_to(b"123456789", &to, MsgFlags::empty()).unwrap();
    assert_eq!(b.recv(&mut small, trunc).unwrap(), Incoming::Data(4));
    a.send_to(b"123456789", &to, MsgFlags::empty()).unwrap();
    assert_eq!(b.recv(&mut [], trunc).unwrap(), Incoming::Data(0));
    a.send_to(b"123456789", &to, MsgFlags::empty()).unwrap();
    let got = b.recv_bounded(3, trunc, |incoming| match incoming {
        Incoming::Data(data) => data.to_vec(),
        Incoming::Closed => Vec::new(),
    });
    assert_eq!(got.unwrap(), b"123");
    a.send_to(b"123456789", &to, MsgFlags::empty()).unwrap();
    let got = b.recv_from_bounded(5, trunc, |d, _| data(d).to_vec());
    assert_eq!(got.unwrap(), b"12345");
}

#[test]
fn huge_maximum_reads_a_datagram_of_its_real_size() {
    let a = udp(false);
    let b = udp(false);
    let to = b.local_addr().unwrap();
    let payload: Vec<u8> = (0..60_000u32).map(|i| i as u8).collect();
    a.send_to(&payload, &to, MsgFlags::empty()).unwrap();
    let got = b
        .recv_bounded(usize::MAX / 2, MsgFlags::empty(), |i| match i {
            Incoming::Data(d) => d.to_vec(),
            Incoming::Closed => panic!("datagrams never close"),
        })
        .unwrap();
    assert_eq!(got, payload);
    a.send_to(&payload[..70], &to, MsgFlags::empty()).unwrap();
    let (got, from) = b
        .recv_from_bounded(1 << 30, MsgFlags::empty(), |d, f| (data(d).to_vec(), f))
        .unwrap();
    assert_eq!(
        (got.as_slice(), from),
        (&payload[..70], a.local_addr().unwrap())
    );
}

#[test]
fn unix_datagrams_larger_than_the_stack_buffer_arrive_whole() {
    let path = temp_socket_path("bigdgram");
    let server = bounded(Socket::from_raw_parts(AF_UNIX, SOCK_DGRAM, 0).unwrap());
    server.bind(&SocketAddress::unix(&path).unwrap()).unwrap();
    let client = bounded(Socket::from_raw_parts(AF_UNIX, SOCK_DGRAM, 0).unwrap());
    let _ = client.set_send_buffer_size(1 << 20);
    let _ = server.set_recv_buffer_size(1 << 20);
    let payload = vec![0x5au8; 100_000];
    client
        .send_to(
            &payload,
            &SocketAddress::unix(&path).unwrap(),
            MsgFlags::empty(),
        )
        .unwrap();
    let len = server.recv_bounded(1 << 20, MsgFlags::empty(), |i| match i {
        Incoming::Data(d) => d.len(),
        Incoming::Closed => 0,
    });
    assert_eq!(len.unwrap(), 100_000);
    let _ = std::fs::remove_file(path);
}

#[test]
fn unix_stream_echo_and_addresses() {
    let path = temp_socket_path("stream");
    let addr = SocketAddress::unix(&path).unwrap();
    let listener = bounded(Socket::from_raw_parts(AF_UNIX, SOCK_STREAM, 0).unwrap());
    listener.bind(&addr).unwrap();
    listener.listen(4).unwrap();
    assert_eq!(listener.local_addr().unwrap(), addr);
    let client = bounded(Socket::from_raw_parts(AF_UNIX, SOCK_STREAM, 0).unwrap());
    client.connect(&addr).unwrap();
    let (server, peer) = listener.accept().unwrap();
    assert_eq!(peer.family(), AF_UNIX);
    assert_eq!(peer.to_string(), "", "an unbound client has no path");
    assert_eq!(client.peer_addr().unwrap(), addr);
    client.send(b"over unix", MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 32];
    assert_eq!(
        server.recv(&mut buf, MsgFlags::empty()).unwrap(),
        Incoming::Data(9)
    );
    drop(client);
    assert_eq!(
        server.recv(&mut buf, MsgFlags::empty()).unwrap(),
        Incoming::Closed
    );
    let _ = std::fs::remove_file(path);
}

#[test]
fn unix_datagram_reports_the_sender_path() {
    let server_path = temp_socket_path("dgram-server");
    let client_path = temp_socket_path("dgram-client");
    let server = bounded(Socket::from_raw_parts(AF_UNIX, SOCK_DGRAM, 0).unwrap());
    server
        .bind(&SocketAddress::unix(&server_path).unwrap())
        .unwrap();
    let client = bounded(Socket::from_raw_parts(AF_UNIX, SOCK_DGRAM, 0).unwrap());
    client
        .bind(&SocketAddress::unix(&client_path).unwrap())
        .unwrap();
    client
        .send_to(
            b"",
            &SocketAddress::unix(&server_path).unwrap(),
            MsgFlags::empty(),
        )
        .unwrap();
    let mut buf = [0u8; 4];
    let (len, from) = server.recv_from(&mut buf, MsgFlags::empty()).unwrap();
    assert_eq!(len, 0);
    assert_eq!(from.unix_path().unwrap(), client_path.as_path());
    let _ = std::fs::remove_file(server_path);
    let _ = std::fs::remove_file(client_path);
}

/// A datagram's bytes (datagram sockets never report a closed peer).
fn data(incoming: Incoming<&[u8]>) -> &[u8] {
    match incoming {
        Incoming::Data(bytes) => bytes,
        Incoming::Closed => panic!("a datagram socket reported a closed peer"),
    }
}
