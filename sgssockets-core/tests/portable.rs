//! Behaviour every platform shares, written without platform code so that the same test
//! checks the Unix backend and the Windows one (where Winsock differs: getsockname on an
//! unbound socket, recv of a long datagram, the duplicate of a handle).

mod common;

use common::udp;
use sgssockets_core::constants::{AF_INET, AF_INET6, SOCK_DGRAM, SOCK_STREAM};
use sgssockets_core::{socket2, Incoming, MsgFlags, Socket};

/// Fresh sockets that were never bound, made outside this crate.
fn unbound(ipv6: bool) -> Vec<(socket2::Socket, i32, i32)> {
    let (domain, family) = if ipv6 {
        (socket2::Domain::IPV6, AF_INET6)
    } else {
        (socket2::Domain::IPV4, AF_INET)
    };
    [
        (socket2::Type::STREAM, SOCK_STREAM),
        (socket2::Type::DGRAM, SOCK_DGRAM),
    ]
    .into_iter()
    .map(|(ty, socket_type)| {
        let socket = socket2::Socket::new(domain, ty, None).unwrap();
        (socket, family, socket_type)
    })
    .collect()
}

#[test]
fn an_unbound_socket_is_adopted_with_its_family_and_type() {
    let mut cases = unbound(false);
    if common::ipv6_available("an_unbound_socket_is_adopted_with_its_family_and_type") {
        cases.extend(unbound(true));
    }
    for (socket, family, socket_type) in cases {
        let adopted = Socket::from_socket2(socket).unwrap();
        assert_eq!(
            (adopted.family(), adopted.socket_type()),
            (family, socket_type)
        );
        // Its duplicate is described the same way, and is another handle.
        let dup = Socket::from_fd_dup(adopted.fileno().unwrap()).unwrap();
        assert_eq!((dup.family(), dup.socket_type()), (family, socket_type));
        assert_ne!(dup.fileno(), adopted.fileno());
    }
}

#[test]
fn a_duplicate_closes_without_closing_the_original() {
    let original = udp(false);
    let mut dup = Socket::from_fd_dup(original.fileno().unwrap()).unwrap();
    assert_eq!(dup.local_addr().unwrap(), original.local_addr().unwrap());
    dup.close().unwrap();

    // The original still has its address and still receives.
    let sender = udp(false);
    let to = original.local_addr().unwrap();
    sender.send_to(b"still", &to, MsgFlags::empty()).unwrap();
    let mut buf = [0u8; 8];
    let (len, from) = original.recv_from(&mut buf, MsgFlags::empty()).unwrap();
    assert_eq!(
        (&buf[..len], from),
        (&b"still"[..], sender.local_addr().unwrap())
    );
}

#[test]
fn recv_truncates_a_long_datagram_like_recv_from() {
    let a = udp(false);
    let b = udp(false);
    let to = b.local_addr().unwrap();
    a.send_to(&[7u8; 1000], &to, MsgFlags::empty()).unwrap();
    let mut small = [0u8; 10];
    assert_eq!(
        b.recv(&mut small, MsgFlags::empty()).unwrap(),
        Incoming::Data(10)
    );
    assert_eq!(small, [7u8; 10]);

    a.send_to(&[8u8; 1000], &to, MsgFlags::empty()).unwrap();
    let got = b
        .recv_bounded(3, MsgFlags::empty(), |incoming| match incoming {
            Incoming::Data(data) => data.to_vec(),
            Incoming::Closed => panic!("a datagram socket never reports a close"),
        })
        .unwrap();
    assert_eq!(got, [8u8; 3]);

    // A peek of a long datagram is cut the same way and leaves it queued.
    a.send_to(&[9u8; 1000], &to, MsgFlags::empty()).unwrap();
    assert_eq!(b.peek(&mut small).unwrap(), 10);
    // The rest of each datagram is gone, the peeked one is still whole: the next one is it.
    let mut big = [0u8; 2000];
    assert_eq!(
        b.recv(&mut big, MsgFlags::empty()).unwrap(),
        Incoming::Data(1000)
    );
    assert_eq!(big[999], 9);
}
