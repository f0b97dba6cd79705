//! Fault injection through the module (SPEC §5), driven by the test host as a script would
//! drive it: a peer that resets the connection mid-transfer, a signal arriving during a
//! blocking receive with a timeout, a socket closed while it is in a select list, and a
//! closed socket object whose old descriptor number now belongs to a new socket.
//! (Descriptor exhaustion is in `fault_emfile.rs`: the limit is process-wide.)
#![cfg(unix)]

mod common;
use common::*;

use std::time::Duration;

use sgssockets_core::errno;
use sgssockets_sgs_testhost::Value;
use sgssockets_test_support::signals::{assert_timeout_kept, CountingHandler};

#[test]
fn peer_reset_mid_transfer_is_false_with_econnreset() {
    let host = loaded_host();
    let (client, server) = tcp_pair(&host);
    // Data in flight both ways when the peer resets: the client has some unread, the
    // server has some unread (which alone makes a close send RST).
    assert_eq!(
        host.method1(&server, "send", &[&host.str("partial")])
            .as_int(),
        Some(7)
    );
    assert_eq!(
        host.method1(&client, "send", &[&host.str("unread")])
            .as_int(),
        Some(6)
    );
    assert!(host.set(&server, "linger", &host.real(0.0)));
    assert_eq!(host.method1(&server, "close", &[]).as_bool(), Some(true));
    // What had arrived may still be read; then the reset shows: `false`, not `true` (an
    // orderly close) and not a string.
    let mut outcome = None;
    for _ in 0..10 {
        let got = host.method1(&client, "recv", &[&host.int(100)]);
        if got.as_bytes().is_none() {
            outcome = Some(got);
            break;
        }
    }
    let outcome = outcome.expect("the reset is reported");
    assert_eq!(outcome.as_bool(), Some(false), "{outcome:?}");
    let reset = errno_named(&host, "ECONNRESET");
    assert_eq!(last_error(&host), reset);
    assert!(
        host.take_warnings().is_empty(),
        "an OS failure is no warning"
    );
    assert_eq!(
        host.call1("socket_error", &[&host.bool(true)]).as_str(),
        Some(errno::error_text(reset as i32))
    );
}

#[test]
fn signal_during_recv_with_timeout_keeps_the_timeout() {
    // Without SA_RESTART, each signal makes recv(2) fail with EINTR.
    let handler = CountingHandler::install(libc::SIGUSR1);
    let timeout = Duration::from_millis(400);
    let (result, code, ewouldblock, eagain, warnings, elapsed) =
        handler.run_interrupted(move |call| {
            // The engine lives in this thread, as a script's would.
            let host = loaded_host();
            let (socket, _) = udp_bound(&host);
            assert!(host.set(&socket, "recv_timeout", &host.real(timeout.as_secs_f64())));
            let (got, elapsed) = call.time(|| host.method1(&socket, "recv", &[&host.int(8)]));
            (
                got.as_bool(),
                last_error(&host),
                errno_named(&host, "EWOULDBLOCK"),
                errno_named(&host, "EAGAIN"),
                host.take_warnings(),
                elapsed,
            )
        });
    assert_eq!(result, Some(false), "a timeout is `false`");
    assert!(
        code == ewouldblock || code == eagain,
        "socket_error() = {code}"
    );
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(handler.delivered() > 0, "signals were delivered");
    assert_timeout_kept(elapsed, timeout);
}

#[test]
fn socket_closed_while_in_a_select_list() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    let (b, b_addr) = udp_bound(&host);
    let (sender, _) = udp_bound(&host);
    assert_eq!(
        host.method1(&sender, "sendto", &[&host.str("x"), &b_addr])
            .as_int(),
        Some(1)
    );
    // The list is made while both are open; then one is closed through its method.
    let read = host.array(&[&a, &b]);
    assert_eq!(host.method1(&a, "close", &[]).as_bool(), Some(true));
    let r = host.call1(
        "socket_select",
        &[&read, &host.array(&[]), &host.array(&[]), &host.real(1.0)],
    );
    assert_eq!(r.as_int(), Some(-1));
    assert_eq!(
        host.take_warnings(),
        ["socket_select(): item #1 of 'read' array is a closed socket"]
    );
    assert_eq!(last_error(&host), i64::from(errno::EBADF));
    assert_eq!(
        host.array_items(&read).unwrap().len(),
        2,
        "list left as it was"
    );
    // The open one is unharmed and its datagram still waits.
    let read = host.array(&[&b]);
    let r = host.call1(
        "socket_select",
        &[&read, &host.array(&[]), &host.array(&[]), &host.real(5.0)],
    );
    assert_eq!(r.as_int(), Some(1));
    assert_eq!(
        host.method1(&b, "recv", &[&host.int(8)])
            .as_str()
            .as_deref(),
        Some("x")
    );
    assert!(host.take_warnings().is_empty());
}

#[test]
fn closed_object_never_touches_the_socket_that_reuses_its_descriptor() {
    let host = loaded_host();
    // Other tests run in parallel threads and may take the freed number first: try until
    // the new socket gets the old one's descriptor (almost always at once).
    let mut reused = None;
    for _ in 0..50 {
        let old = host.call1("socket_tcp", &[]);
        let number = descriptor(&host, &old);
        assert_eq!(host.method1(&old, "close", &[]).as_bool(), Some(true));
        let (new, new_addr) = udp_bound(&host);
        if descriptor(&host, &new) == number {
            reused = Some((old, new, new_addr));
            break;
        }
    }
    let (old, new, new_addr) = reused.expect("a freed descriptor number is reused");
    host.take_messages();
    let (peer, peer_addr) = udp_bound(&host);

    // Every use of the old object fails with EBADF and touches nothing.
    let calls: Vec<(&str, Vec<Value<'_>>)> = vec![
        ("bind", vec![v4(&host, "127.0.0.1", 0)]),
        ("listen", vec![host.int(1)]),
        ("accept", vec![]),
        ("connect", vec![peer_addr.clone()]),
        ("send", vec![host.str("old")]),
        ("sendto", vec![host.str("old"), peer_addr.clone()]),
        ("recv", vec![host.int(8)]),
        ("recvfrom", vec![host.int(8)]),
        ("shutdown", vec![host.int(host.constant("SHUT_RDWR"))]),
        ("getpeername", vec![]),
        ("getsockname", vec![]),
        ("close", vec![]),
    ];
    for (name, args) in &calls {
        let refs: Vec<&Value<'_>> = args.iter().collect();
        let result = host.call_method(&old, name, &refs);
        assert!(
            result[0].is_null() || result[0].as_bool() == Some(false),
            "{name}: {result:?}"
        );
        assert_eq!(last_error(&host), i64::from(errno::EBADF), "{name}");
        assert_eq!(
            host.take_warnings(),
            [format!("socket.{name}(): socket is closed")]
        );
    }
    for (property, value) in [
        ("blocking", host.bool(false)),
        ("recv_timeout", host.real(0.001)),
        ("linger", host.real(0.0)),
        ("broadcast", host.bool(true)),
    ] {
        assert!(host.set(&old, property, &value));
        assert_eq!(last_error(&host), i64::from(errno::EBADF), "{property}");
        assert_eq!(
            host.take_warnings(),
            [format!("socket.{property}: socket is closed")]
        );
    }
    // Collecting the old object does not close the descriptor either.
    drop(old);

    // The new socket is as it was: same name, same options, and it works.
    let name = host.method1(&new, "getsockname", &[]);
    assert_eq!(host.compare(&name, &new_addr), Some(0.0));
    assert_eq!(host.get(&new, "blocking").unwrap().as_bool(), Some(true));
    assert_eq!(host.get(&new, "broadcast").unwrap().as_bool(), Some(false));
    assert_eq!(host.get(&new, "recv_timeout").unwrap().as_real(), Some(5.0));
    assert_eq!(
        host.method1(&peer, "sendto", &[&host.str("new"), &new_addr])
            .as_int(),
        Some(3)
    );
    let got = host.call_method(&new, "recvfrom", &[&host.int(8)]);
    assert_eq!(got[0].as_str().as_deref(), Some("new"));
    assert_eq!(
        host.method1(&new, "sendto", &[&host.str("back"), &peer_addr])
            .as_int(),
        Some(4)
    );
    assert_eq!(
        host.method1(&peer, "recv", &[&host.int(8)])
            .as_str()
            .as_deref(),
        Some("back")
    );
    assert!(host.take_warnings().is_empty());
}
