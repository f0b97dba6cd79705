//! SPEC §8 and §10 through the test host: TLS contexts from option dicts (strict options),
//! `socket_tls` objects over script sockets (`t.socket` the very object), blocking and
//! non-blocking handshakes, buffered plaintext readable for the poller and `select`,
//! failures as `false` + `socket_error()`, and the object's references under the collector.
#![cfg(feature = "tls")]

mod common;

use std::time::Instant;

use common::{errno_named, last_error, loaded_host, set_timeout, tcp_listener, tcp_pair, WAIT};
use sgssockets_core::tls::{ServerConfig, ServerOptions, TlsStream};
use sgssockets_core::{Incoming, Socket};
use sgssockets_sgs_testhost::{Host, Value};
use sgssockets_test_support::certs::{Ca, Pem};

/// A server context for `pem`.
fn server_context<'h>(host: &'h Host, pem: &Pem) -> Value<'h> {
    let options = host.dict(&[("cert", &host.str(&pem.cert)), ("key", &host.str(&pem.key))]);
    host.call_for_object(
        "socket_tls_server_context",
        &[&options],
        "socket_tls_context",
    )
}

/// A client context trusting `ca`, with more options.
fn client_context<'h>(host: &'h Host, ca: &Ca, more: &[(&str, &Value<'h>)]) -> Value<'h> {
    let roots = host.str(&ca.pem.cert);
    let mut entries = vec![("roots", &roots)];
    entries.extend_from_slice(more);
    let options = host.dict(&entries);
    host.call_for_object(
        "socket_tls_client_context",
        &[&options],
        "socket_tls_context",
    )
}

/// A core TLS server on a loopback listener, in a thread: echoes what it receives until the
/// client's close_notify, then closes. Returns the port and the thread.
fn echo_server(pem: &Pem) -> (u16, std::thread::JoinHandle<Vec<u8>>) {
    let config = ServerConfig::new(&ServerOptions {
        cert: pem.cert.clone(),
        key: pem.key.clone(),
        alpn: vec![b"echo/1".to_vec()],
        ..Default::default()
    })
    .unwrap();
    let listener = Socket::tcp(false).unwrap();
    listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    listener.listen(1).unwrap();
    let port = listener.local_addr().unwrap().port().unwrap();
    let thread = std::thread::spawn(move || {
        let (socket, _) = listener.accept().unwrap();
        socket.set_recv_timeout(Some(WAIT)).unwrap();
        let mut tls = TlsStream::server(socket, &config).unwrap();
        let mut got = Vec::new();
        while let Ok(Incoming::Data(bytes)) = tls.recv(65536) {
            got.extend_from_slice(&bytes);
            tls.send(&bytes).unwrap();
        }
        let _ = tls.close();
        got
    });
    (port, thread)
}

/// A blocking script socket connected to 127.0.0.1:`port`, waits bounded.
fn connected<'h>(host: &'h Host, port: u16) -> Value<'h> {
    let socket = host.call1("socket_tcp", &[]);
    set_timeout(host, &socket);
    let addr = common::v4(host, "127.0.0.1", i64::from(port));
    assert_eq!(
        host.method1(&socket, "connect", &[&addr]).as_bool(),
        Some(true)
    );
    socket
}

#[test]
fn blocking_client_against_a_core_server() {
    let host = loaded_host();
    let ca = Ca::new("test CA");
    let (port, server) = echo_server(&ca.server(&["localhost"]));
    let alpn = host.array(&[&host.str("h2"), &host.str("echo/1")]);
    let context = client_context(&host, &ca, &[("alpn", &alpn)]);
    let socket = connected(&host, port);
    let tls = host.call_for_object(
        "socket_tls",
        &[&socket, &context, &host.str("localhost")],
        "socket_tls",
    );
    assert!(
        host.get(&tls, "version").unwrap().is_null(),
        "no handshake yet"
    );
    assert_eq!(host.method1(&tls, "handshake", &[]).as_bool(), Some(true));
    assert_eq!(last_error(&host), 0);
    let text = |name: &str| host.get(&tls, name).unwrap().as_str();
    assert_eq!(text("version").as_deref(), Some("TLSv1.3"));
    assert!(
        text("cipher").unwrap().starts_with("TLS_"),
        "{:?}",
        text("cipher")
    );
    assert_eq!(text("alpn").as_deref(), Some("echo/1"));
    assert_eq!(text("server_name").as_deref(), Some("localhost"));
    assert!(host.get(&tls, "want").unwrap().is_null());
    assert_eq!(host.get(&tls, "is_client").unwrap().as_bool(), Some(true));
    let chain = host.get(&tls, "peer_certificates").unwrap();
    let chain = host.array_items(&chain).unwrap();
    assert_eq!(chain.len(), 1);
    assert_eq!(
        chain[0].as_bytes().unwrap()[0],
        0x30,
        "DER starts a SEQUENCE"
    );

    // `t.socket` is the script's socket object, every time.
    let first = host.get(&tls, "socket").unwrap();
    let second = host.get(&tls, "socket").unwrap();
    assert_eq!(first.variable().data_ptr(), socket.variable().data_ptr());
    assert_eq!(second.variable().data_ptr(), socket.variable().data_ptr());
    host.set(&tls, "socket", &host.int(1));
    assert_eq!(
        host.take_warnings(),
        ["socket_tls.socket: read-only property"]
    );

    assert_eq!(
        host.method1(&tls, "send", &[&host.str("hello tls")])
            .as_int(),
        Some(9)
    );
    let mut echoed = Vec::new();
    while echoed.len() < 9 {
        let got = host.method1(&tls, "recv", &[&host.int(100)]);
        echoed.extend(got.as_bytes().expect("echoed bytes"));
    }
    assert_eq!(echoed, b"hello tls");
    assert_eq!(host.method1(&tls, "close", &[]).as_bool(), Some(true));
    assert!(
        !host.to_bool(&socket),
        "closing the TLS object closes its socket"
    );
    assert_eq!(server.join().unwrap(), b"hello tls");
    // Closed: a warning and false, like the socket's own calls.
    assert_eq!(
        host.method1(&tls, "send", &[&host.str("x")]).as_bool(),
        Some(false)
    );
    assert_eq!(host.take_warnings().len(), 1);
}

#[test]
fn verification_failures_are_eproto_with_the_reason() {
    let host = loaded_host();
    let ca = Ca::new("test CA");
    let (port, server) = echo_server(&ca.server(&["localhost"]));
    let context = client_context(&host, &ca, &[]);
    let socket = connected(&host, port);
    let tls = host.call1("socket_tls", &[&socket, &context, &host.str("example.com")]);
    assert_eq!(host.method1(&tls, "handshake", &[]).as_bool(), Some(false));
    assert!(
        host.take_warnings().is_empty(),
        "the peer's doing: no warning"
    );
    assert_eq!(last_error(&host), errno_named(&host, "EPROTO"));
    let text = host
        .call1("socket_error", &[&host.bool(true)])
        .as_str()
        .unwrap();
    assert!(text.contains("not valid for name"), "{text}");
    // After a failed handshake nothing more is sent; every call reports the failure.
    assert_eq!(
        host.method1(&tls, "send", &[&host.str("secret")]).as_bool(),
        Some(false)
    );
    assert_eq!(last_error(&host), errno_named(&host, "EPROTO"));
    drop(tls);
    drop(socket);
    let _ = server.join();

    // Unknown issuer: a CA the client does not trust.
    let other = Ca::new("other CA");
    let (port, server) = echo_server(&other.server(&["localhost"]));
    let socket = connected(&host, port);
    let tls = host.call1("socket_tls", &[&socket, &context, &host.str("localhost")]);
    assert_eq!(host.method1(&tls, "handshake", &[]).as_bool(), Some(false));
    let text = host
        .call1("socket_error", &[&host.bool(true)])
        .as_str()
        .unwrap();
    assert!(text.contains("UnknownIssuer"), "{text}");
    drop(tls);
    drop(socket);
    let _ = server.join();

    // The explicitly insecure option accepts it.
    let insecure = client_context(&host, &other, &[("insecure_skip_verify", &host.bool(true))]);
    let (port, server) = echo_server(&Ca::new("third").server(&["localhost"]));
    let socket = connected(&host, port);
    let tls = host.call1("socket_tls", &[&socket, &insecure, &host.str("localhost")]);
    assert_eq!(host.method1(&tls, "handshake", &[]).as_bool(), Some(true));
    assert_eq!(host.method1(&tls, "close", &[]).as_bool(), Some(true));
    let _ = server.join();
}

#[test]
fn options_are_strict() {
    let host = loaded_host();
    let ca = Ca::new("test CA");
    let pem = ca.server(&["localhost"]);
    let einval = errno_named(&host, "EINVAL");
    let cases: Vec<(&str, Value<'_>, &str)> = vec![
        (
            "socket_tls_client_context",
            host.dict(&[("bogus", &host.int(1))]),
            "unknown option 'bogus'",
        ),
        (
            "socket_tls_client_context",
            host.dict(&[("insecure_skip_verify", &host.str("no"))]),
            "option 'insecure_skip_verify' must be true or false",
        ),
        (
            "socket_tls_client_context",
            host.dict(&[("roots", &host.str("-----BEGIN CERTIFICATE-----\nxx\n"))]),
            "roots:",
        ),
        (
            "socket_tls_client_context",
            host.dict(&[("roots", &host.str("everything"))]),
            "option 'roots' must be",
        ),
        (
            "socket_tls_client_context",
            host.dict(&[("alpn", &host.str("h2"))]),
            "option 'alpn' must be an array",
        ),
        (
            "socket_tls_client_context",
            host.dict(&[("alpn", &host.array(&[&host.str("")]))]),
            "alpn: each protocol name must be 1 to 255 bytes long",
        ),
        (
            "socket_tls_client_context",
            host.dict(&[("cipher_suites", &host.array(&[&host.str("TLS_NOPE")]))]),
            "cipher_suites: unknown or unsupported cipher suite 'TLS_NOPE'",
        ),
        (
            "socket_tls_server_context",
            host.dict(&[("cert", &host.str(&pem.cert))]),
            "key:",
        ),
        (
            "socket_tls_server_context",
            host.dict(&[
                ("cert", &host.str(&pem.cert)),
                ("key", &host.str(&pem.key)),
                ("roots", &host.str("system")),
            ]),
            "unknown option 'roots'",
        ),
        (
            "socket_tls_server_context",
            host.dict(&[("cert", &host.int(3)), ("key", &host.str(&pem.key))]),
            "option 'cert' must be a string",
        ),
    ];
    for (function, options, warning) in cases {
        let stack = host.stack_len();
        let results = host.call(function, &[&options]);
        assert!(
            results.iter().all(Value::is_null),
            "{function} {warning}: {results:?}"
        );
        let warnings = host.take_warnings();
        assert_eq!(warnings.len(), 1, "{function}: {warnings:?}");
        assert!(
            warnings[0].contains(warning),
            "{function}: {:?} should mention {warning:?}",
            warnings[0]
        );
        assert_eq!(last_error(&host), einval, "{function} {warning}");
        assert_eq!(
            host.stack_len(),
            stack,
            "the dict iteration leaves nothing behind"
        );
    }
    // Not a dict: an argument error.
    assert!(host
        .call1("socket_tls_client_context", &[&host.int(1)])
        .is_null());
    assert_eq!(host.take_warnings().len(), 1);
    // No options at all: system roots.
    let context = host.call1("socket_tls_client_context", &[]);
    assert_eq!(context.object_type().as_deref(), Some("socket_tls_context"));
    assert_eq!(
        host.get(&context, "side").unwrap().as_str().as_deref(),
        Some("client")
    );
    assert_eq!(host.dump(&context), "socket_tls_context (client)");
    assert!(host.take_warnings().is_empty());
}

#[test]
fn socket_tls_arguments() {
    let host = loaded_host();
    let ca = Ca::new("test CA");
    let client = client_context(&host, &ca, &[]);
    let server = server_context(&host, &ca.server(&["localhost"]));
    let (a, _b) = tcp_pair(&host);
    let einval = errno_named(&host, "EINVAL");

    let (localhost, bad_name) = (host.str("localhost"), host.str("bad name!"));
    let bad: Vec<(Vec<&Value<'_>>, &str)> = vec![
        (vec![&a, &client], "needs the server name"),
        (vec![&a, &server, &localhost], "takes no server name"),
        (vec![&a, &client, &bad_name], ""),
    ];
    for (args, text) in bad {
        assert!(host.call1("socket_tls", &args).is_null());
        let warnings = host.take_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains(text), "{warnings:?}");
        assert_eq!(last_error(&host), einval);
    }
    let udp = host.call1("socket_udp", &[]);
    assert!(host
        .call1("socket_tls", &[&udp, &client, &host.str("localhost")])
        .is_null());
    assert!(host.take_warnings()[0].contains("stream"));
    assert!(host.call1("socket_tls", &[&host.int(1), &client]).is_null());
    assert!(host.call1("socket_tls", &[&a, &host.int(1)]).is_null());
    assert_eq!(host.take_warnings().len(), 2);
    assert_eq!(host.method1(&a, "close", &[]).as_bool(), Some(true));
    assert!(host.call1("socket_tls", &[&a, &server]).is_null());
    assert_eq!(host.take_warnings(), ["socket_tls(): socket is closed"]);
}

/// Both ends in this thread, non-blocking, driven by the poller: the handshake, `want`,
/// then a record partly read whose rest the poller and `select` report readable at once.
#[test]
fn nonblocking_handshake_and_buffered_plaintext_with_the_poller_and_select() {
    let host = loaded_host();
    let ca = Ca::new("test CA");
    let client_ctx = client_context(&host, &ca, &[]);
    let server_ctx = server_context(&host, &ca.server(&["localhost"]));
    let (a, b) = tcp_pair(&host);
    for socket in [&a, &b] {
        assert!(host.set(socket, "blocking", &host.bool(false)));
    }
    let client = host.call1("socket_tls", &[&a, &client_ctx, &host.str("localhost")]);
    let server = host.call1("socket_tls", &[&b, &server_ctx]);
    let poller = host.call1("socket_poller", &[]);
    for tls in [&client, &server] {
        assert_eq!(
            host.method1(&poller, "add", &[tls, &host.bool(true), &host.bool(true)])
                .as_bool(),
            Some(true),
            "{:?}",
            host.messages()
        );
    }
    let ewouldblock = errno_named(&host, "EWOULDBLOCK");
    let mut done = [false, false];
    let mut saw_want = false;
    let deadline = Instant::now() + WAIT;
    while done != [true, true] {
        assert!(Instant::now() < deadline, "handshake did not finish");
        let readable = host.array(&[]);
        let writable = host.array(&[]);
        let ready = host.method1(&poller, "wait", &[&readable, &writable, &host.real(1.0)]);
        assert!(ready.as_int().unwrap() >= 1);
        for (index, tls) in [&client, &server].into_iter().enumerate() {
            if done[index] {
                continue;
            }
            match host.method1(tls, "handshake", &[]).as_bool() {
                Some(true) => done[index] = true,
                Some(false) => {
                    assert_eq!(last_error(&host), ewouldblock);
                    let want = host.get(tls, "want").unwrap().as_str().unwrap();
                    assert!(want == "read" || want == "write", "{want}");
                    saw_want = true;
                }
                other => panic!("handshake: {other:?} {:?}", host.messages()),
            }
        }
    }
    assert!(saw_want, "a non-blocking handshake waits at least once");
    assert!(host.take_warnings().is_empty());

    // Only read interest from here on (both sockets are writable all the time).
    for tls in [&client, &server] {
        assert_eq!(
            host.method1(
                &poller,
                "modify",
                &[tls, &host.bool(true), &host.bool(false)]
            )
            .as_bool(),
            Some(true)
        );
    }
    let message: Vec<u8> = (0..100u8).collect();
    assert_eq!(
        host.method1(&server, "send", &[&host.bytes(&message)])
            .as_int(),
        Some(100)
    );
    let first = loop {
        assert!(Instant::now() < deadline);
        let readable = host.array(&[]);
        host.method1(&poller, "wait", &[&readable, &host.null(), &host.real(1.0)]);
        let got = host.method1(&client, "recv", &[&host.int(1)]);
        if let Some(bytes) = got.as_bytes() {
            break bytes;
        }
        assert_eq!(last_error(&host), ewouldblock, "session tickets come first");
    };
    assert_eq!(first, [0]);
    assert_eq!(host.get(&client, "pending").unwrap().as_int(), Some(99));

    // The kernel has nothing more; the buffer alone makes the client readable, at once.
    let readable = host.array(&[]);
    let started = Instant::now();
    let ready = host.method1(&poller, "wait", &[&readable, &host.null(), &host.real(3.0)]);
    assert_eq!(ready.as_int(), Some(1));
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    let items = host.array_items(&readable).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].variable().data_ptr(),
        client.variable().data_ptr(),
        "the poller reports the TLS object that was added"
    );
    let read = host.array(&[&client, &server]);
    let ready = host.call1(
        "socket_select",
        &[&read, &host.array(&[]), &host.array(&[]), &host.real(3.0)],
    );
    assert_eq!(ready.as_int(), Some(1));
    let items = host.array_items(&read).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].variable().data_ptr(), client.variable().data_ptr());

    let rest = host.method1(&client, "recv", &[&host.int(1000)]);
    assert_eq!(rest.as_bytes().unwrap(), &message[1..]);
    assert_eq!(host.get(&client, "pending").unwrap().as_int(), Some(0));
    let readable = host.array(&[]);
    let ready = host.method1(
        &poller,
        "wait",
        &[&readable, &host.null(), &host.real(0.05)],
    );
    assert_eq!(ready.as_int(), Some(0), "drained: nothing readable");

    // Removing a TLS object from the poller takes it out.
    assert_eq!(
        host.method1(&poller, "remove", &[&client]).as_bool(),
        Some(true)
    );
    assert_eq!(host.get(&poller, "count").unwrap().as_int(), Some(1));
    assert!(host.take_warnings().is_empty());
}

#[test]
fn truncation_is_econnreset_and_close_notify_is_true() {
    let host = loaded_host();
    let ca = Ca::new("test CA");
    let pem = ca.server(&["localhost"]);
    let config = ServerConfig::new(&ServerOptions {
        cert: pem.cert.clone(),
        key: pem.key.clone(),
        ..Default::default()
    })
    .unwrap();
    let context = client_context(&host, &ca, &[]);
    for clean in [true, false] {
        let listener = Socket::tcp(false).unwrap();
        listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
        listener.listen(1).unwrap();
        let port = listener.local_addr().unwrap().port().unwrap();
        let config = config.clone();
        let server = std::thread::spawn(move || {
            let (socket, _) = listener.accept().unwrap();
            socket.set_recv_timeout(Some(WAIT)).unwrap();
            let mut tls = TlsStream::server(socket, &config).unwrap();
            tls.handshake().unwrap();
            tls.send(b"bye").unwrap();
            if clean {
                tls.close().unwrap();
            }
            // Otherwise dropped: the TCP connection ends without close_notify.
        });
        let socket = connected(&host, port);
        let tls = host.call1("socket_tls", &[&socket, &context, &host.str("localhost")]);
        let got = host.method1(&tls, "recv", &[&host.int(10)]);
        assert_eq!(
            got.as_str().as_deref(),
            Some("bye"),
            "{:?}",
            host.messages()
        );
        server.join().unwrap();
        let end = host.method1(&tls, "recv", &[&host.int(10)]);
        if clean {
            assert_eq!(end.as_bool(), Some(true), "close_notify: the peer closed");
        } else {
            assert_eq!(end.as_bool(), Some(false));
            assert_eq!(last_error(&host), errno_named(&host, "ECONNRESET"));
            let text = host
                .call1("socket_error", &[&host.bool(true)])
                .as_str()
                .unwrap();
            assert!(text.contains("close_notify"), "{text}");
        }
        assert!(host.take_warnings().is_empty());
    }
}

/// The TLS object keeps its socket object alive (and marks it); both go when the last
/// reference goes, or at the next collection when caught in a cycle.
#[test]
fn the_tls_object_holds_its_socket() {
    let host = loaded_host();
    let ca = Ca::new("test CA");
    let context = client_context(&host, &ca, &[]);
    let (listener, addr) = tcp_listener(&host);
    let socket = host.call1("socket_tcp", &[]);
    assert_eq!(
        host.method1(&socket, "connect", &[&addr]).as_bool(),
        Some(true)
    );
    let before = host.live_objects();
    let tls = host.call1("socket_tls", &[&socket, &context, &host.str("localhost")]);
    assert_eq!(host.live_objects(), before + 1);
    drop(socket);
    assert_eq!(
        host.live_objects(),
        before + 1,
        "the socket lives on in the TLS object"
    );
    host.collect_garbage();
    let socket = host.get(&tls, "socket").unwrap();
    assert!(host.to_bool(&socket), "still open after a collection");
    assert!(host
        .dump(&tls)
        .starts_with("socket_tls (client, handshaking)"));
    drop(socket);
    drop(tls);
    assert_eq!(
        host.live_objects(),
        before - 1,
        "TLS object and socket both gone"
    );
    drop(listener);
}
