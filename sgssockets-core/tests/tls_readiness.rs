//! TLS streams with `select` and the poller: non-blocking handshakes driven by each, and
//! decrypted plaintext that is already buffered reported readable without new data.
#![cfg(feature = "tls")]

mod tls_common;

use std::num::NonZeroUsize;
use std::time::{Duration, Instant};

use sgssockets_core::tls::{TlsSession, TlsStream, Want};
use sgssockets_core::{select, Incoming, Interest, MsgFlags, PollEvents, Poller};
use tls_common::*;

/// A connected client/server pair of non-blocking TLS streams, not yet handshaken.
fn nonblocking_pair() -> (TlsStream, TlsStream) {
    let ca = Ca::new("test CA");
    let config = client_config(&ca);
    let server_config = server_config(&ca.server(&["localhost"]));
    let (client_socket, server_socket) = tcp_pair();
    client_socket.set_blocking(false).unwrap();
    server_socket.set_blocking(false).unwrap();
    let client = TlsStream::client(client_socket, &config, "localhost").unwrap();
    let server = TlsStream::server(server_socket, &server_config).unwrap();
    (client, server)
}

/// One handshake step: `Ok(true)` when done, `Ok(false)` when it waits.
fn step(tls: &mut TlsStream) -> bool {
    match tls.handshake() {
        Ok(()) => true,
        Err(err) if err.is_would_block() => {
            assert_ne!(tls.want(), Want::Nothing);
            false
        }
        Err(err) => panic!("handshake: {err}"),
    }
}

#[test]
fn nonblocking_handshake_driven_by_select() {
    let (mut client, mut server) = nonblocking_pair();
    let deadline = Instant::now() + WAIT;
    let (mut client_done, mut server_done) = (false, false);
    let mut waits = 0;
    while !(client_done && server_done) {
        assert!(Instant::now() < deadline, "handshake did not finish");
        client_done = client_done || step(&mut client);
        server_done = server_done || step(&mut server);
        if client_done && server_done {
            break;
        }
        let mut read = Vec::new();
        let mut write = Vec::new();
        for (tls, done) in [(&client, client_done), (&server, server_done)] {
            match (done, tls.want()) {
                (false, Want::Read) => read.push(tls),
                (false, Want::Write) => write.push(tls),
                _ => {}
            }
        }
        let ready = select(&mut read, &mut write, &mut Vec::new(), Some(WAIT)).unwrap();
        assert!(ready > 0, "select timed out during the handshake");
        waits += 1;
    }
    assert!(waits >= 1, "a non-blocking handshake waits at least once");
    assert_eq!(client.protocol_version(), Some("TLSv1.3"));
    assert_eq!(server.protocol_version(), Some("TLSv1.3"));
}

#[test]
fn nonblocking_handshake_driven_by_the_poller() {
    let (mut client, mut server) = nonblocking_pair();
    let poller = Poller::new().unwrap();
    poller.add_tls(&client, 1, Interest::NONE).unwrap();
    poller.add_tls(&server, 2, Interest::NONE).unwrap();
    let mut events = PollEvents::new();
    let deadline = Instant::now() + WAIT;
    let (mut client_done, mut server_done) = (false, false);
    loop {
        assert!(Instant::now() < deadline, "handshake did not finish");
        client_done = client_done || step(&mut client);
        server_done = server_done || step(&mut server);
        if client_done && server_done {
            break;
        }
        for (tls, done) in [(&client, client_done), (&server, server_done)] {
            let interest = match (done, tls.want()) {
                (false, Want::Read) => Interest::READ,
                (false, Want::Write) => Interest::WRITE,
                _ => Interest::NONE,
            };
            poller.modify(tls.socket(), interest).unwrap();
        }
        let ready = poller.wait(&mut events, Some(WAIT)).unwrap();
        assert!(ready > 0, "the poller timed out during the handshake");
    }
    assert!(!client.is_handshaking() && !server.is_handshaking());
}

/// A handshaken pair where the server sent one 100-byte message and the client holds it
/// all decrypted after reading 1 byte.
fn partly_read() -> (TlsStream, TlsStream) {
    let (mut client, mut server) = nonblocking_pair();
    let deadline = Instant::now() + WAIT;
    while !(step(&mut client) & step(&mut server)) {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    let message = pattern(100, 9);
    assert_eq!(server.send(&message).unwrap(), 100);
    // Wait (bounded) until the record is here, then read one byte of it.
    let mut read = vec![&client];
    assert_eq!(
        select(&mut read, &mut Vec::new(), &mut Vec::new(), Some(WAIT)).unwrap(),
        1
    );
    let first = loop {
        match client.recv(1) {
            Ok(Incoming::Data(bytes)) => break bytes,
            // The session ticket came first: the message is on its way.
            Err(err) if err.is_would_block() => {
                assert!(Instant::now() < deadline);
                std::thread::sleep(Duration::from_millis(1));
            }
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(first, message[..1]);
    assert_eq!(client.pending(), 99);
    (client, server)
}

#[test]
fn buffered_plaintext_is_readable_for_select() {
    let (mut client, _server) = partly_read();
    let mut peek = [0u8; 16];
    assert!(
        client
            .socket()
            .recv(
                &mut peek,
                sgssockets_core::MsgFlags::PEEK | sgssockets_core::MsgFlags::DONTWAIT
            )
            .unwrap_err()
            .is_would_block(),
        "the kernel has nothing more: only the buffer makes it readable"
    );
    let started = Instant::now();
    let mut read = vec![&client];
    let ready = select(&mut read, &mut Vec::new(), &mut Vec::new(), Some(WAIT)).unwrap();
    assert_eq!(ready, 1);
    assert_eq!(read.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(1), "select waited");

    // A plain socket with nothing in the same call still waits for nothing.
    let (idle, _idle_peer) = tcp_pair();
    let idle_tls = TlsStream::client(idle, &client_config(&Ca::new("x")), "localhost").unwrap();
    let mut read = vec![&idle_tls, &client];
    assert_eq!(
        select(&mut read, &mut Vec::new(), &mut Vec::new(), Some(WAIT)).unwrap(),
        1
    );
    assert!(std::ptr::eq(read[0], &client));

    assert_eq!(
        client.recv(1000).unwrap(),
        Incoming::Data(pattern(100, 9)[1..].to_vec())
    );
    assert_eq!(client.pending(), 0);
    let mut read = vec![&client];
    let ready = select(
        &mut read,
        &mut Vec::new(),
        &mut Vec::new(),
        Some(Duration::from_millis(100)),
    )
    .unwrap();
    assert_eq!(ready, 0, "nothing buffered, nothing new");
}

#[test]
fn buffered_plaintext_is_readable_for_the_poller() {
    let (mut client, mut server) = partly_read();
    let poller = Poller::new().unwrap();
    // Added while it holds plaintext: readable at once.
    poller.add_tls(&client, 5, Interest::READ).unwrap();
    let mut events = PollEvents::new();
    let started = Instant::now();
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
    assert!(started.elapsed() < Duration::from_secs(1), "wait waited");
    let event = *events.iter().next().unwrap();
    assert_eq!(
        (event.key, event.readable, event.writable),
        (5, true, false)
    );
    // Level-triggered: again, while it is still there.
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);

    // Read and writable interest: one event for both.
    poller.modify(client.socket(), Interest::BOTH).unwrap();
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
    let event = *events.iter().next().unwrap();
    assert_eq!((event.key, event.readable, event.writable), (5, true, true));
    // Write interest only: buffered input does not count.
    poller.modify(client.socket(), Interest::WRITE).unwrap();
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
    let event = *events.iter().next().unwrap();
    assert_eq!((event.readable, event.writable), (false, true));
    poller.modify(client.socket(), Interest::READ).unwrap();

    // Drained: the poller waits again...
    assert_eq!(
        client.recv(1000).unwrap().clone(),
        Incoming::Data(pattern(100, 9)[1..].to_vec())
    );
    assert_eq!(
        poller
            .wait(&mut events, Some(Duration::from_millis(100)))
            .unwrap(),
        0
    );
    // ...until new data leaves plaintext behind once more (stream updates the poller).
    server.send(b"0123456789").unwrap();
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
    let deadline = Instant::now() + WAIT;
    let got = loop {
        match client.recv(1) {
            Ok(Incoming::Data(bytes)) => break bytes,
            Err(err) if err.is_would_block() => assert!(Instant::now() < deadline),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(got, b"0");
    let started = Instant::now();
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));

    // Removed: no longer reported, buffered or not.
    poller.remove(client.socket()).unwrap();
    assert_eq!(
        poller
            .wait(&mut events, Some(Duration::from_millis(50)))
            .unwrap(),
        0
    );
    // Closed while registered and buffered: gone from the poller too.
    poller.add_tls(&client, 6, Interest::READ).unwrap();
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
    client.close().unwrap();
    assert_eq!(
        poller
            .wait(&mut events, Some(Duration::from_millis(50)))
            .unwrap(),
        0
    );
    assert!(poller.is_empty());
}

/// With a limit on the events of a wait, buffered TLS input and the kernel's readiness
/// share the room: neither starves the other, even with room for one event.
#[test]
fn buffered_plaintext_and_kernel_readiness_share_a_limit() {
    let (client, _server) = partly_read();
    let (plain, plain_peer) = tcp_pair();
    assert_eq!(plain_peer.send(b"x", MsgFlags::empty()).unwrap(), 1);
    let poller = Poller::new().unwrap();
    poller.add_tls(&client, 1, Interest::READ).unwrap();
    poller.add(&plain, 2, Interest::READ).unwrap();
    let mut all = PollEvents::new();
    let deadline = Instant::now() + WAIT;
    while poller.wait(&mut all, Some(WAIT)).unwrap() < 2 {
        assert!(
            Instant::now() < deadline,
            "the plain socket never became readable"
        );
    }
    let mut events = PollEvents::with_limit(NonZeroUsize::MIN);
    let mut keys = Vec::new();
    for _ in 0..4 {
        assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
        keys.extend(events.iter().map(|e| e.key));
    }
    keys.sort_unstable();
    assert_eq!(keys, [1, 1, 2, 2], "they take turns");
    events.set_limit(NonZeroUsize::new(2));
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 2);
}

#[test]
fn a_close_notify_already_read_counts_as_readable() {
    let (mut client, mut server) = nonblocking_pair();
    let deadline = Instant::now() + WAIT;
    while !(step(&mut client) & step(&mut server)) {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    // Data and close_notify in one go; the client reads the data only.
    server.send(b"last words").unwrap();
    server.close().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let got = loop {
        match client.recv(100) {
            Ok(Incoming::Data(bytes)) => break bytes,
            Err(err) if err.is_would_block() => assert!(Instant::now() < deadline),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(got, b"last words");
    let mut read = vec![&client];
    assert_eq!(
        select(&mut read, &mut Vec::new(), &mut Vec::new(), Some(WAIT)).unwrap(),
        1
    );
    assert_eq!(client.recv(100).unwrap(), Incoming::Closed);
}

/// A session kept apart from its socket (as the SGScript binding keeps them): registered
/// with `add_tls_session`, its buffered plaintext is readable; dropping the session while
/// the socket stays registered takes that back, so the poller waits on the kernel again.
#[test]
fn a_dropped_session_stops_marking_its_socket_readable() {
    let ca = Ca::new("test CA");
    let (client_socket, server_socket) = tcp_pair();
    client_socket.set_blocking(false).unwrap();
    server_socket.set_blocking(false).unwrap();
    let mut client = TlsSession::client(&client_socket, &client_config(&ca), "localhost").unwrap();
    let server_config = server_config(&ca.server(&["localhost"]));
    let mut server = TlsSession::server(&server_socket, &server_config).unwrap();
    let deadline = Instant::now() + WAIT;
    loop {
        let client_done = settled(client.handshake(&client_socket));
        let server_done = settled(server.handshake(&server_socket));
        if client_done && server_done {
            break;
        }
        assert!(Instant::now() < deadline, "handshake did not finish");
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(server.send(&server_socket, b"hello").unwrap(), 5);
    let first = loop {
        match client.recv_bounded(&client_socket, 1, |got| format!("{got:?}")) {
            Ok(text) => break text,
            Err(err) if err.is_would_block() => assert!(Instant::now() < deadline),
            Err(err) => panic!("{err}"),
        }
    };
    assert_eq!(first, format!("{:?}", Incoming::Data(&b"h"[..])));
    assert_eq!(client.pending(), 4);

    let poller = Poller::new().unwrap();
    poller
        .add_tls_session(&client_socket, &client, 3, Interest::READ)
        .unwrap();
    let mut events = PollEvents::new();
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
    drop(client);
    assert!(poller.contains(&client_socket));
    assert_eq!(
        poller
            .wait(&mut events, Some(Duration::from_millis(50)))
            .unwrap(),
        0,
        "the session's mark went with it"
    );
}

/// `true` when a handshake step finished, `false` when it waits for the socket.
fn settled(result: sgssockets_core::Result<()>) -> bool {
    match result {
        Ok(()) => true,
        Err(err) if err.is_would_block() => false,
        Err(err) => panic!("handshake: {err}"),
    }
}
