//! Shared test helpers: loopback listeners and connected pairs, bounded waits, temp paths.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use sgssockets_core::{Socket, SocketAddress};

pub use sgssockets_test_support::WAIT;

pub fn loopback(ipv6: bool) -> SocketAddress {
    if ipv6 { "[::1]:0" } else { "127.0.0.1:0" }
        .parse()
        .unwrap()
}

/// Whether ::1 can be bound here; prints why a test is skipped when not.
pub fn ipv6_available(test: &str) -> bool {
    let ok = Socket::udp(true)
        .and_then(|s| s.bind(&loopback(true)))
        .is_ok();
    if !ok {
        eprintln!("{test}: skipped, this machine has no IPv6 loopback (::1)");
    }
    ok
}

/// A bounded socket: receive and send time out after [`WAIT`].
pub fn bounded(socket: Socket) -> Socket {
    socket.set_recv_timeout(Some(WAIT)).unwrap();
    socket.set_send_timeout(Some(WAIT)).unwrap();
    socket
}

/// A TCP listener on loopback with a port from bind(0).
pub fn listener(ipv6: bool) -> Socket {
    let listener = bounded(Socket::tcp(ipv6).unwrap());
    listener.bind(&loopback(ipv6)).unwrap();
    listener.listen(16).unwrap();
    listener
}

/// A connected TCP pair: (client, server side).
pub fn tcp_pair(ipv6: bool) -> (Socket, Socket) {
    let listener = listener(ipv6);
    let client = bounded(Socket::tcp(ipv6).unwrap());
    client.connect(&listener.local_addr().unwrap()).unwrap();
    let (server, peer) = listener.accept().unwrap();
    assert_eq!(peer, client.local_addr().unwrap());
    (client, bounded(server))
}

/// A UDP socket bound to loopback.
pub fn udp(ipv6: bool) -> Socket {
    let socket = bounded(Socket::udp(ipv6).unwrap());
    socket.bind(&loopback(ipv6)).unwrap();
    socket
}

/// A fresh path in the temp dir for a Unix socket (nothing exists there yet).
pub fn temp_socket_path(tag: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("sgss-{}-{tag}-{n}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

pub fn code(name: &str) -> i32 {
    sgssockets_core::errno::errno_by_name(name).unwrap()
}
