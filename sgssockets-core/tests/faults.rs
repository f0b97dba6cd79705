//! Fault injection: resets mid-transfer and descriptor reuse after close.

mod common;

use std::time::Duration;

use common::{code, tcp_pair, udp};
use sgssockets_core::{Incoming, MsgFlags, Socket};

#[test]
fn reset_in_the_middle_of_a_transfer_is_econnreset() {
    let (client, mut server) = tcp_pair(false);
    // Queue far more than the receiver will read, then abort the connection.
    let chunk = [9u8; 16 * 1024];
    for _ in 0..4 {
        server.send(&chunk, MsgFlags::empty()).unwrap();
    }
    let mut buf = [0u8; 1024];
    assert!(matches!(
        client.recv(&mut buf, MsgFlags::empty()).unwrap(),
        Incoming::Data(_)
    ));
    server.set_linger(Some(Duration::ZERO)).unwrap();
    server.close().unwrap();
    // Data already queued may still be read; the reset shows within the transfer.
    let err = loop {
        match client.recv(&mut buf, MsgFlags::empty()) {
            Ok(Incoming::Data(_)) => continue,
            Ok(Incoming::Closed) => panic!("a reset must not look like an orderly close"),
            Err(err) => break err,
        }
    };
    assert_eq!(err.code(), code("ECONNRESET"), "{err}");
    // The client can still be closed cleanly afterwards.
    let mut client = client;
    client.close().unwrap();
}

#[test]
fn a_closed_socket_never_touches_the_descriptor_the_os_reuses() {
    let mut old = udp(false);
    let old_fd = old.raw_socket().unwrap();
    old.close().unwrap();
    // The OS hands out the lowest free number: the new socket very likely gets old_fd.
    let new = udp(false);
    let reused = new.raw_socket() == Some(old_fd);
    let before = new.local_addr().unwrap();
    assert_eq!(old.bind_port(0).unwrap_err().code(), code("EBADF"));
    assert_eq!(old.set_broadcast(true).unwrap_err().code(), code("EBADF"));
    assert_eq!(old.close().unwrap_err().code(), code("EBADF"));
    drop(old);
    // The new socket is untouched: same address, option unchanged, still open.
    assert_eq!(new.local_addr().unwrap(), before);
    assert!(!new.broadcast().unwrap());
    assert!(!new.is_closed());
    if !reused {
        eprintln!("descriptor_reuse: the OS did not reuse the number this time; checked anyway");
    }
}

#[test]
fn dropping_a_socket_closes_its_descriptor() {
    let socket = Socket::udp(false).unwrap();
    socket.bind(&common::loopback(false)).unwrap();
    let addr = socket.local_addr().unwrap();
    drop(socket);
    // The port is free again: binding it succeeds (UDP has no TIME_WAIT).
    let again = Socket::udp(false).unwrap();
    again.bind(&addr).unwrap();
}
