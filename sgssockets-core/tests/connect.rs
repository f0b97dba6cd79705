//! connect_timeout, connect_host and the Happy Eyeballs race, on loopback.

mod common;

use std::time::{Duration, Instant};

use common::{code, ipv6_available};
use sgssockets_core::connect::{connect_addrs, connect_host, ATTEMPT_DELAY};
use sgssockets_core::constants::{AF_INET, AF_INET6, AF_UNSPEC};
use sgssockets_core::errno::ETIMEDOUT;
use sgssockets_core::{ErrorCategory, Socket, SocketAddress};

/// A listener whose accept queue is full, so a new connect is never answered (Linux drops
/// SYNs to a full backlog), and the connections that filled it (kept open).
struct FullBacklog {
    _listener: Socket,
    _queued: Vec<Socket>,
    addr: SocketAddress,
}

/// `None` (with a skip line) where the OS refuses connects to a full backlog instead of
/// ignoring them (Windows answers with a reset), so nothing can be made to hang.
fn full_backlog(test: &str) -> Option<FullBacklog> {
    let listener = Socket::tcp(false).unwrap();
    listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    listener.listen(0).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..64 {
        let client = Socket::tcp(false).unwrap();
        match client.connect_timeout(&addr, Some(Duration::from_millis(200))) {
            Ok(()) => queued.push(client),
            Err(err) if err.code() == ETIMEDOUT => {
                return Some(FullBacklog {
                    _listener: listener,
                    _queued: queued,
                    addr,
                })
            }
            Err(err) => {
                eprintln!(
                    "{test}: skipped, a full backlog refuses here instead of ignoring: {err}"
                );
                return None;
            }
        }
    }
    eprintln!("{test}: skipped, 64 connections did not fill a listen(0) backlog");
    None
}

/// A port nobody listens on (a listener's, after it closed).
fn refused_port() -> u16 {
    let listener = Socket::tcp(false).unwrap();
    listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    listener.local_addr().unwrap().port().unwrap()
}

fn listener_on(addr: &str, v6only: Option<bool>) -> Socket {
    let addr: SocketAddress = addr.parse().unwrap();
    let listener = Socket::tcp(addr.family() == AF_INET6).unwrap();
    if let Some(on) = v6only {
        listener.set_ipv6_only(on).unwrap();
    }
    listener.bind(&addr).unwrap();
    listener.listen(8).unwrap();
    listener
}

#[test]
fn connect_timeout_against_a_full_backlog_is_etimedout() {
    let Some(full) = full_backlog("connect_timeout_against_a_full_backlog_is_etimedout") else {
        return;
    };
    let client = Socket::tcp(false).unwrap();
    let started = Instant::now();
    let err = client
        .connect_timeout(&full.addr, Some(Duration::from_millis(300)))
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code(), ETIMEDOUT, "{err}");
    assert_eq!(err.operation(), "connect_timeout");
    assert!(err.message().contains("timed out"), "{err}");
    assert!(
        !err.message().to_lowercase().contains("in progress"),
        "{err}"
    );
    assert!(took >= Duration::from_millis(280), "{took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
    assert!(
        client.is_blocking().unwrap(),
        "the blocking mode is as it was"
    );

    let nonblocking = Socket::tcp(false).unwrap();
    nonblocking.set_nonblocking(true).unwrap();
    let err = nonblocking
        .connect_timeout(&full.addr, Some(Duration::ZERO))
        .unwrap_err();
    assert_eq!(err.code(), ETIMEDOUT, "{err}");
    assert!(!nonblocking.is_blocking().unwrap(), "still non-blocking");
}

#[test]
fn connect_timeout_success_and_refusal() {
    let listener = listener_on("127.0.0.1:0", None);
    let client = Socket::tcp(false).unwrap();
    client
        .connect_timeout(&listener.local_addr().unwrap(), Some(common::WAIT))
        .unwrap();
    assert_eq!(client.peer_addr().unwrap(), listener.local_addr().unwrap());
    assert!(client.is_blocking().unwrap());

    let port = refused_port();
    let addr: SocketAddress = format!("127.0.0.1:{port}").parse().unwrap();
    let err = Socket::tcp(false)
        .unwrap()
        .connect_timeout(&addr, Some(common::WAIT))
        .unwrap_err();
    assert_eq!(err.code(), code("ECONNREFUSED"), "{err}");
    let err = Socket::tcp(false)
        .unwrap()
        .connect_timeout(&addr, None)
        .unwrap_err();
    assert_eq!(err.code(), code("ECONNREFUSED"), "{err}");
}

#[test]
fn connect_host_localhost_dual_stack_listener() {
    if !ipv6_available("connect_host_localhost_dual_stack_listener") {
        return;
    }
    let listener = listener_on("[::]:0", Some(false));
    let port = listener.local_addr().unwrap().port().unwrap();
    let client = connect_host("localhost", port, Some(common::WAIT), AF_UNSPEC).unwrap();
    assert!(client.is_blocking().unwrap());
    let (server, _) = listener.accept().unwrap();
    assert_eq!(
        server.peer_addr().unwrap().port(),
        client.local_addr().unwrap().port()
    );
}

#[test]
fn connect_host_v4_only_listener() {
    let listener = listener_on("127.0.0.1:0", None);
    let port = listener.local_addr().unwrap().port().unwrap();
    for family in [AF_UNSPEC, AF_INET] {
        let client = connect_host("localhost", port, Some(common::WAIT), family).unwrap();
        assert_eq!(client.peer_addr().unwrap(), listener.local_addr().unwrap());
        assert_eq!(client.family(), AF_INET);
    }
    let via_ctor = Socket::connect_host("127.0.0.1", port, None, AF_INET).unwrap();
    assert_eq!(
        via_ctor.peer_addr().unwrap(),
        listener.local_addr().unwrap()
    );
}

#[test]
fn connect_host_v6_only_listener() {
    if !ipv6_available("connect_host_v6_only_listener") {
        return;
    }
    let listener = listener_on("[::1]:0", Some(true));
    let port = listener.local_addr().unwrap().port().unwrap();
    let client = connect_host("::1", port, Some(common::WAIT), AF_UNSPEC).unwrap();
    assert_eq!(client.peer_addr().unwrap(), listener.local_addr().unwrap());
    assert_eq!(client.family(), AF_INET6);
    let resolves_v6 = sgssockets_core::lookup::getaddrinfo(
        Some("localhost"),
        None,
        &sgssockets_core::lookup::AddrInfoHints {
            family: AF_INET6,
            ..Default::default()
        },
    )
    .is_ok_and(|found| !found.is_empty());
    if resolves_v6 {
        let client = connect_host("localhost", port, Some(common::WAIT), AF_UNSPEC).unwrap();
        assert_eq!(client.family(), AF_INET6);
    } else {
        eprintln!("connect_host_v6_only_listener: \"localhost\" has no IPv6 address here; tried \"::1\" only");
    }
}

#[test]
fn connect_host_refused_reports_the_last_error() {
    let port = refused_port();
    let err = connect_host("localhost", port, Some(common::WAIT), AF_UNSPEC).unwrap_err();
    assert_eq!(err.code(), code("ECONNREFUSED"), "{err}");
    assert_eq!(err.operation(), "connect_host");
    assert!(err.message().contains("localhost"), "{err}");
    assert!(err.message().contains(&port.to_string()), "{err}");
}

#[test]
fn connect_host_unknown_name_is_the_resolver_error() {
    let err = connect_host("nonexistent.invalid", 80, Some(common::WAIT), AF_UNSPEC).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::Resolver, "{err}");
    assert!(err.message().contains("nonexistent.invalid"), "{err}");
}

#[test]
fn connect_host_bad_arguments() {
    let err = connect_host("localhost", 80, None, 12345).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    assert!(err.message().contains("AF_UNSPEC"), "{err}");
    let err = connect_host("local\0host", 80, None, AF_UNSPEC).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput, "{err}");
    let err = connect_addrs(&[], None).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    #[cfg(unix)]
    {
        let path = SocketAddress::unix("/tmp/nowhere.sock").unwrap();
        let err = connect_addrs(&[path], None).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput);
    }
}

#[test]
fn connect_host_timeout_bounds_the_whole_call() {
    let Some(full) = full_backlog("connect_host_timeout_bounds_the_whole_call") else {
        return;
    };
    let started = Instant::now();
    let err = connect_addrs(
        std::slice::from_ref(&full.addr),
        Some(Duration::from_millis(400)),
    )
    .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.code(), ETIMEDOUT, "{err}");
    assert!(err.message().contains("timed out"), "{err}");
    assert!(took >= Duration::from_millis(380), "{took:?}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn happy_eyeballs_staggers_to_the_second_address() {
    let Some(full) = full_backlog("happy_eyeballs_staggers_to_the_second_address") else {
        return;
    };
    let listener = listener_on("127.0.0.1:0", None);
    let good = listener.local_addr().unwrap();
    let started = Instant::now();
    let client = connect_addrs(
        &[full.addr.clone(), good.clone()],
        Some(Duration::from_secs(10)),
    )
    .unwrap();
    let took = started.elapsed();
    assert_eq!(client.peer_addr().unwrap(), good);
    assert!(client.is_blocking().unwrap());
    assert!(
        took >= ATTEMPT_DELAY - Duration::from_millis(20),
        "{took:?}"
    );
    assert!(
        took < Duration::from_secs(2),
        "not the full timeout: {took:?}"
    );
}

#[test]
fn happy_eyeballs_moves_on_at_once_after_a_refusal() {
    let refused: SocketAddress = format!("127.0.0.1:{}", refused_port()).parse().unwrap();
    let listener = listener_on("127.0.0.1:0", None);
    let good = listener.local_addr().unwrap();
    let started = Instant::now();
    let client = connect_addrs(&[refused, good.clone()], Some(common::WAIT)).unwrap();
    assert_eq!(client.peer_addr().unwrap(), good);
    assert!(started.elapsed() < ATTEMPT_DELAY, "{:?}", started.elapsed());
}
