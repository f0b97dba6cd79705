//! SPEC §4 over TCP and Unix streams: every method's result convention, closed sockets,
//! argument errors, the object protocol (typeof/tostring/tobool/dump) and GC closing.

mod common;
use common::*;
use sgssockets_core::errno;
use sgssockets_sgs_testhost::Value;
#[cfg(unix)]
use sgssockets_test_support::fds;

#[test]
fn bind_listen_accept_connect_send_recv() {
    let host = loaded_host();
    let (listener, addr) = tcp_listener(&host);
    assert_eq!(host.type_of(&addr), "socket_address");
    assert_ne!(host.get(&addr, "port").unwrap().as_int(), Some(0));
    let client = host.call1("socket_tcp", &[]);
    set_timeout(&host, &client);
    assert_eq!(
        host.method1(&client, "connect", &[&addr]).as_bool(),
        Some(true)
    );
    assert_eq!(last_error(&host), 0);
    let accepted = host.call_method(&listener, "accept", &[]);
    assert_eq!(accepted.len(), 2);
    let (server, peer) = (&accepted[0], &accepted[1]);
    assert_eq!(host.type_of(server), "socket");
    assert_eq!(host.type_of(peer), "socket_address");
    let client_local = host.method1(&client, "getsockname", &[]);
    assert_eq!(host.compare(peer, &client_local), Some(0.0));
    let server_peer = host.method1(server, "getpeername", &[]);
    assert_eq!(host.to_string(&server_peer), host.to_string(&client_local));
    let client_peer = host.method1(&client, "getpeername", &[]);
    assert_eq!(host.to_string(&client_peer), host.to_string(&addr));

    assert_eq!(
        host.method1(&client, "send", &[&host.str("ping")]).as_int(),
        Some(4)
    );
    let flags = host.int(0);
    let got = host.method1(server, "recv", &[&host.int(64), &flags]);
    assert_eq!(got.as_bytes().as_deref(), Some(&b"ping"[..]));
    assert!(host.take_warnings().is_empty());
}

#[test]
fn bind_port_and_address_of_own_family() {
    let host = loaded_host();
    let s = host.call1("socket_tcp", &[]);
    assert_eq!(
        host.method1(&s, "bind", &[&host.int(0)]).as_bool(),
        Some(true)
    );
    let local = host.method1(&s, "getsockname", &[]);
    assert_eq!(
        host.get(&local, "addr_string").unwrap().as_str().as_deref(),
        Some("0.0.0.0")
    );
    // Binding again fails with EINVAL (already bound).
    assert_eq!(
        host.method1(&s, "bind", &[&host.int(0)]).as_bool(),
        Some(false)
    );
    assert_eq!(last_error(&host), errno_named(&host, "EINVAL"));
    // Port out of range.
    let t = host.call1("socket_tcp", &[]);
    assert_eq!(
        host.method1(&t, "bind", &[&host.int(65536)]).as_bool(),
        Some(false)
    );
    assert_eq!(host.take_warnings().len(), 1);
    assert!(host.method1(&t, "bind", &[&host.str("x")]).is_null());
    assert_eq!(
        host.take_warnings(),
        ["socket.bind(): argument 1 - expected int (port) or socket_address, got string"]
    );

    let v6 = host.call("socket_tcp", &[&host.bool(true)]);
    if let Some(v6) = v6.first() {
        assert_eq!(
            host.method1(v6, "bind", &[&host.int(0)]).as_bool(),
            Some(true)
        );
        let local = host.method1(v6, "getsockname", &[]);
        assert_eq!(
            host.get(&local, "addr_string").unwrap().as_str().as_deref(),
            Some("::")
        );
    } else {
        eprintln!("skipped: no IPv6");
    }
}

#[test]
fn address_in_use_is_reported() {
    let host = loaded_host();
    let (_listener, addr) = tcp_listener(&host);
    let other = host.call1("socket_tcp", &[]);
    assert_eq!(
        host.method1(&other, "bind", &[&addr]).as_bool(),
        Some(false)
    );
    assert_eq!(last_error(&host), errno_named(&host, "EADDRINUSE"));
    assert!(
        host.take_warnings().is_empty(),
        "OS failures are results, not warnings"
    );
}

#[test]
fn connect_refused_is_false_with_the_code() {
    let host = loaded_host();
    let (listener, addr) = tcp_listener(&host);
    host.method1(&listener, "close", &[]);
    let client = host.call1("socket_tcp", &[]);
    assert_eq!(
        host.method1(&client, "connect", &[&addr]).as_bool(),
        Some(false)
    );
    assert_eq!(last_error(&host), errno_named(&host, "ECONNREFUSED"));
    assert!(host.method1(&client, "connect", &[&host.int(80)]).is_null());
    assert_eq!(
        host.take_warnings(),
        ["socket.connect(): argument 1 - expected socket_address, got int"]
    );
}

#[test]
fn recv_results_data_true_false() {
    let host = loaded_host();
    let (client, server) = tcp_pair(&host);
    // Timeout: false and EAGAIN/EWOULDBLOCK.
    assert!(host.set(&server, "recv_timeout", &host.real(0.05)));
    assert_eq!(
        host.method1(&server, "recv", &[&host.int(10)]).as_bool(),
        Some(false)
    );
    let code = last_error(&host);
    assert!(
        code == errno_named(&host, "EAGAIN") || code == errno_named(&host, "EWOULDBLOCK"),
        "{code}"
    );
    // Huge max with 5 bytes waiting: exactly those bytes.
    host.method1(&client, "send", &[&host.str("12345")]);
    set_timeout(&host, &server);
    let got = host.method1(&server, "recv", &[&host.int(2_147_483_647)]);
    assert_eq!(got.as_str().as_deref(), Some("12345"));
    // Partial reads are bounded by max.
    host.method1(&client, "send", &[&host.str("abcdef")]);
    assert_eq!(
        host.method1(&server, "recv", &[&host.int(2)])
            .as_str()
            .as_deref(),
        Some("ab")
    );
    assert_eq!(
        host.method1(&server, "recv", &[&host.int(100)])
            .as_str()
            .as_deref(),
        Some("cdef")
    );
    // Orderly close: true.
    assert_eq!(
        host.method1(&client, "shutdown", &[&host.int(host.constant("SHUT_WR"))])
            .as_bool(),
        Some(true)
    );
    assert_eq!(
        host.method1(&server, "recv", &[&host.int(100)]).as_bool(),
        Some(true)
    );
    assert_eq!(last_error(&host), 0);
    assert!(host.take_warnings().is_empty());
}

#[test]
fn recv_max_must_be_positive() {
    let host = loaded_host();
    let (_client, server) = tcp_pair(&host);
    for max in [0, -1, i64::MIN] {
        assert_eq!(
            host.method1(&server, "recv", &[&host.int(max)]).as_bool(),
            Some(false)
        );
        let warnings = host.take_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("socket.recv(): argument 1 (max. length) must be positive"));
        assert_eq!(
            host.method1(&server, "recvfrom", &[&host.int(max)])
                .as_bool(),
            Some(false)
        );
        assert_eq!(host.take_warnings().len(), 1);
    }
    assert!(host.method1(&server, "recv", &[]).is_null());
    assert_eq!(
        host.take_warnings(),
        ["socket.recv(): argument 1 - expected int, got nothing"]
    );
    assert!(host
        .method1(&server, "recv", &[&host.int(1), &host.str("x")])
        .is_null());
    assert_eq!(
        host.take_warnings(),
        ["socket.recv(): argument 2 - expected int, got string"]
    );
    assert!(host
        .method1(&server, "recv", &[&host.int(1), &host.int(0), &host.int(0)])
        .is_null());
    assert_eq!(
        host.take_warnings(),
        ["socket.recv(): function expects 1 to 2 arguments, 3 given"]
    );
}

#[test]
fn large_transfers() {
    let host = loaded_host();
    let (client, server) = tcp_pair(&host);
    let block: Vec<u8> = (0..65_536u32).map(|i| (i % 251) as u8).collect();
    let sent = host
        .method1(&client, "send", &[&host.bytes(&block)])
        .as_int()
        .unwrap();
    assert!(sent > 0);
    let mut got = Vec::new();
    while (got.len() as i64) < sent {
        let part = host.method1(&server, "recv", &[&host.int(65_536)]);
        got.extend(part.as_bytes().expect("data"));
    }
    assert_eq!(&got[..], &block[..sent as usize]);
}

#[test]
fn send_to_broken_connection_is_false_not_sigpipe() {
    let host = loaded_host();
    let (client, server) = tcp_pair(&host);
    host.method1(&server, "close", &[]);
    let mut result = None;
    for _ in 0..100 {
        let r = host.method1(&client, "send", &[&host.bytes(&[0u8; 4096])]);
        if r.as_bool() == Some(false) {
            result = Some(last_error(&host));
            break;
        }
    }
    let code = result.expect("send eventually fails");
    assert!(
        code == errno_named(&host, "EPIPE") || code == errno_named(&host, "ECONNRESET"),
        "{code}"
    );
}

#[test]
fn shutdown_how_is_checked() {
    let host = loaded_host();
    let (client, _server) = tcp_pair(&host);
    assert_eq!(
        host.method1(&client, "shutdown", &[&host.int(99)])
            .as_bool(),
        Some(false)
    );
    let warnings = host.take_warnings();
    assert!(
        warnings[0].starts_with("socket.shutdown(): argument 1 (how)"),
        "{warnings:?}"
    );
    assert_eq!(last_error(&host), i64::from(errno::EINVAL));
    assert_eq!(
        host.method1(&client, "shutdown", &[&host.int(host.constant("SD_BOTH"))])
            .as_bool(),
        Some(true)
    );
    let lone = host.call1("socket_tcp", &[]);
    assert_eq!(
        host.method1(&lone, "shutdown", &[&host.int(host.constant("SHUT_RDWR"))])
            .as_bool(),
        Some(false)
    );
    assert_eq!(last_error(&host), errno_named(&host, "ENOTCONN"));
}

#[test]
fn getpeername_unconnected_is_null_with_code() {
    let host = loaded_host();
    let s = host.call1("socket_tcp", &[]);
    assert!(host.method1(&s, "getpeername", &[]).is_null());
    assert_eq!(last_error(&host), errno_named(&host, "ENOTCONN"));
}

#[test]
fn closed_socket_methods_fail_with_ebadf_and_one_warning_each() {
    let host = loaded_host();
    let s = host.call1("socket_tcp", &[]);
    assert!(host.to_bool(&s));
    assert_eq!(host.method1(&s, "close", &[]).as_bool(), Some(true));
    assert!(!host.to_bool(&s));
    assert_eq!(host.dump(&s), "socket (closed)");
    assert_eq!(host.to_string(&s), "socket");
    let addr = v4(&host, "127.0.0.1", 9);
    let calls: Vec<(&str, Vec<Value<'_>>, bool)> = vec![
        ("bind", vec![host.int(0)], false),
        ("listen", vec![host.int(1)], false),
        ("accept", vec![], false),
        ("connect", vec![addr.clone()], false),
        ("send", vec![host.str("x")], false),
        ("sendto", vec![host.str("x"), addr.clone()], false),
        ("recv", vec![host.int(1)], false),
        ("recvfrom", vec![host.int(1)], false),
        ("shutdown", vec![host.int(host.constant("SHUT_RD"))], false),
        ("close", vec![], false),
        ("getpeername", vec![], true),
        ("getsockname", vec![], true),
    ];
    for (name, args, null) in calls {
        host.take_messages();
        let refs: Vec<_> = args.iter().collect();
        let result = host.call_method(&s, name, &refs);
        assert_eq!(result.len(), 1, "{name}");
        if null {
            assert!(result[0].is_null(), "{name}");
        } else {
            assert_eq!(result[0].as_bool(), Some(false), "{name}");
        }
        assert_eq!(
            host.take_warnings(),
            [format!("socket.{name}(): socket is closed")]
        );
        assert_eq!(last_error(&host), i64::from(errno::EBADF), "{name}");
    }
    // Properties too.
    assert!(host.get(&s, "broadcast").unwrap().is_null());
    assert_eq!(host.take_warnings(), ["socket.broadcast: socket is closed"]);
    assert!(host.set(&s, "broadcast", &host.bool(true)));
    assert_eq!(host.take_warnings(), ["socket.broadcast: socket is closed"]);
    assert_eq!(last_error(&host), i64::from(errno::EBADF));
}

#[test]
fn methods_check_this() {
    let host = loaded_host();
    let s = host.call1("socket_tcp", &[]);
    let close = host.get(&s, "close").unwrap();
    // Called as a plain function with the socket first: works like a method.
    let r = host.call_detached(&close, &[&s]);
    assert_eq!(r[0].as_bool(), Some(true));
    // With a wrong object: the standard warning.
    let r = host.call_detached(&close, &[&host.int(1)]);
    assert!(r.is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket.close(): argument 1 - expected socket, got int"]
    );
    // Unknown members are simply not found.
    assert!(host.get(&s, "nothing").is_none());
    assert!(!host.set(&s, "nothing", &host.int(1)));
    assert!(host.take_warnings().is_empty());
}

#[test]
fn dropping_a_socket_closes_its_descriptor() {
    let host = loaded_host();
    let before = host.live_objects();
    let s = host.call1("socket_tcp", &[]);
    let fd = descriptor(&host, &s);
    #[cfg(unix)]
    assert!(fds::is_open(fd));
    let destructors = host.destructor_calls();
    drop(s);
    assert_eq!(host.destructor_calls(), destructors + 1);
    assert_eq!(host.live_objects(), before);
    #[cfg(unix)]
    assert!(
        !fds::is_open(fd),
        "descriptor {fd} still open after the object was freed"
    );
    // An accepted socket too.
    let (client, server) = tcp_pair(&host);
    let fd = descriptor(&host, &server);
    drop(server);
    #[cfg(unix)]
    assert!(!fds::is_open(fd));
    // The peer sees the close.
    assert_eq!(
        host.method1(&client, "recv", &[&host.int(1)]).as_bool(),
        Some(true)
    );
}

#[test]
fn ipv6_loopback_stream() {
    let host = loaded_host();
    let Some(listener) = host
        .call("socket_tcp", &[&host.bool(true)])
        .into_iter()
        .next()
    else {
        eprintln!("skipped: no IPv6 sockets");
        return;
    };
    let f = host.int(host.constant("AF_INET6"));
    let any = host.call1("socket_address", &[&f, &host.str("::1"), &host.int(0)]);
    if host.method1(&listener, "bind", &[&any]).as_bool() != Some(true) {
        eprintln!("skipped: ::1 unavailable");
        return;
    }
    host.method1(&listener, "listen", &[&host.int(1)]);
    let addr = host.method1(&listener, "getsockname", &[]);
    assert!(host.to_string(&addr).starts_with("[::1]:"));
    let client = host.call1("socket_tcp", &[&host.bool(true)]);
    set_timeout(&host, &client);
    assert_eq!(
        host.method1(&client, "connect", &[&addr]).as_bool(),
        Some(true)
    );
    let accepted = host.call_method(&listener, "accept", &[]);
    set_timeout(&host, &accepted[0]);
    host.method1(&client, "send", &[&host.str("six")]);
    assert_eq!(
        host.method1(&accepted[0], "recv", &[&host.int(9)])
            .as_str()
            .as_deref(),
        Some("six")
    );
}

#[cfg(unix)]
#[test]
fn unix_stream_sockets() {
    let host = loaded_host();
    let dir = std::env::temp_dir().join(format!("sgssockets-sgs-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("s.sock");
    let _ = std::fs::remove_file(&path);
    let unix = host.int(host.constant("AF_UNIX"));
    let stream = host.int(host.constant("SOCK_STREAM"));
    let addr = host.call1(
        "socket_address",
        &[&unix, &host.str(path.to_str().unwrap())],
    );
    let listener = host.call1("socket", &[&unix, &stream, &host.int(0)]);
    assert_eq!(
        host.method1(&listener, "bind", &[&addr]).as_bool(),
        Some(true)
    );
    assert_eq!(
        host.method1(&listener, "listen", &[&host.int(1)]).as_bool(),
        Some(true)
    );
    let client = host.call1("socket", &[&unix, &stream, &host.int(0)]);
    set_timeout(&host, &client);
    assert_eq!(
        host.method1(&client, "connect", &[&addr]).as_bool(),
        Some(true)
    );
    let accepted = host.call_method(&listener, "accept", &[]);
    assert_eq!(accepted.len(), 2);
    set_timeout(&host, &accepted[0]);
    host.method1(&client, "send", &[&host.str("unix")]);
    assert_eq!(
        host.method1(&accepted[0], "recv", &[&host.int(9)])
            .as_str()
            .as_deref(),
        Some("unix")
    );
    let local = host.method1(&listener, "getsockname", &[]);
    assert_eq!(host.to_string(&local), path.to_str().unwrap());
    drop(accepted);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn nonblocking_recv_would_block() {
    let host = loaded_host();
    let (_client, server) = tcp_pair(&host);
    assert!(host.set(&server, "blocking", &host.bool(false)));
    assert_eq!(
        host.get(&server, "blocking").unwrap().as_bool(),
        Some(false)
    );
    assert_eq!(
        host.method1(&server, "recv", &[&host.int(4)]).as_bool(),
        Some(false)
    );
    let code = last_error(&host);
    assert!(code == errno_named(&host, "EWOULDBLOCK") || code == errno_named(&host, "EAGAIN"));
    let dontwait = host.int(host.constant("MSG_DONTWAIT"));
    assert!(host.set(&server, "blocking", &host.bool(true)));
    if host.constant("MSG_DONTWAIT") != 0 {
        assert_eq!(
            host.method1(&server, "recv", &[&host.int(4), &dontwait])
                .as_bool(),
            Some(false)
        );
    }
}
