//! SPEC §5.5 in the binding: every function and method called with every kind of value in
//! every argument position (up to three arguments) only ever answers with results and
//! warnings: no internal error (a caught panic), no leaked stack item or object.

mod common;
use common::*;
use sgssockets_sgs_testhost::{Host, Value};
use sgssockets_test_support::sgs_names::{ADDRESS_PROPERTIES, SOCKET_METHODS, SOCKET_PROPERTIES};

/// One value of each kind a script can pass, including edge cases.
fn sample_values<'h>(host: &'h Host, socket: &Value<'h>) -> Vec<Value<'h>> {
    vec![
        host.null(),
        host.bool(true),
        host.int(0),
        host.int(-1),
        host.int(i64::MAX),
        host.int(2),
        host.real(f64::NAN),
        host.real(-1.5),
        host.real(1e300),
        host.str(""),
        host.str("127.0.0.1"),
        host.bytes(&[0xff, 0, 0xfe]),
        host.bytes(&[1, 2, 3, 4]),
        v4(host, "127.0.0.1", 1),
        socket.clone(),
        host.array(&[]),
    ]
}

/// Calls `f` with every combination of up to `max_args` sample values.
fn sweep(values: &[Value<'_>], max_args: usize, mut f: impl FnMut(&[&Value<'_>])) {
    f(&[]);
    for a in values {
        f(&[a]);
        if max_args < 2 {
            continue;
        }
        for b in values {
            f(&[a, b]);
            if max_args < 3 {
                continue;
            }
            for c in values {
                f(&[a, b, c]);
            }
        }
    }
}

fn assert_no_internal_error(host: &Host, what: &str) {
    for message in host.take_messages() {
        assert!(message.level < 300, "{what}: {message:?}");
    }
    assert_eq!(host.stack_len(), 0, "{what}: stack not balanced");
}

#[test]
fn functions_take_any_arguments() {
    let host = loaded_host();
    let socket = host.call1("socket_udp", &[]);
    let values = sample_values(&host, &socket);
    let objects = host.live_objects();
    for name in [
        "socket_error",
        "socket_geterrnobyname",
        "socket_address",
        "socket_address_frombytes",
        "socket_gethostname",
        "socket",
        "socket_tcp",
        "socket_udp",
    ] {
        sweep(&values, 3, |args| {
            drop(host.call(name, args));
            assert_no_internal_error(&host, name);
        });
    }
    assert_eq!(host.live_objects(), objects, "objects leaked");
}

#[test]
fn select_takes_any_arguments_but_always_a_timeout() {
    let host = loaded_host();
    let socket = host.call1("socket_udp", &[]);
    let values = sample_values(&host, &socket);
    let timeout = host.real(0.0);
    sweep(&values, 3, |args| {
        let mut with_timeout: Vec<&Value<'_>> = args.to_vec();
        while with_timeout.len() < 3 {
            with_timeout.push(&values[15]);
        }
        with_timeout.push(&timeout);
        drop(host.call("socket_select", &with_timeout));
        assert_no_internal_error(&host, "socket_select");
    });
}

#[test]
fn methods_take_any_arguments() {
    let host = loaded_host();
    let open = host.call1("socket_udp", &[]);
    assert!(host.set(&open, "blocking", &host.bool(false)));
    host.method1(&open, "bind", &[&v4(&host, "127.0.0.1", 0)]);
    let closed = host.call1("socket_tcp", &[]);
    host.method1(&closed, "close", &[]);
    host.take_messages();
    let values = sample_values(&host, &open);
    for target in [&open, &closed] {
        // Not `close`: it would change the target for the calls after it.
        for name in SOCKET_METHODS.into_iter().filter(|&name| name != "close") {
            sweep(&values, 3, |args| {
                drop(host.call_method(target, name, args));
                assert_no_internal_error(&host, name);
            });
        }
    }
}

#[test]
fn properties_take_any_values() {
    let host = loaded_host();
    let socket = host.call1("socket_tcp", &[]);
    let address = v4(&host, "127.0.0.1", 80);
    let values = sample_values(&host, &socket);
    for name in SOCKET_PROPERTIES {
        for value in &values {
            host.set(&socket, name, value);
            drop(host.get(&socket, name));
            assert_no_internal_error(&host, name);
        }
    }
    for name in ADDRESS_PROPERTIES {
        for value in &values {
            host.set(&address, name, value);
            drop(host.get(&address, name));
            assert_no_internal_error(&host, name);
        }
    }
    // Keys of other types are simply not found.
    for key in &values {
        drop(host.get_index(&socket, key));
        drop(host.get_index(&address, key));
        assert_no_internal_error(&host, "index");
    }
}

/// The TLS functions, methods and properties (SPEC §8) take anything too: on an open
/// non-blocking socket mid-handshake, and on a closed one.
#[cfg(feature = "tls")]
#[test]
fn tls_calls_take_any_arguments() {
    use sgssockets_test_support::certs::Ca;
    let host = loaded_host();
    let ca = Ca::new("sweep CA");
    let pem = ca.server(&["localhost"]);
    let (a, b) = tcp_pair(&host);
    let values = {
        let mut values = sample_values(&host, &a);
        values.push(host.dict(&[("roots", &host.str(&ca.pem.cert))]));
        values.push(host.dict(&[("cert", &host.str(&pem.cert)), ("key", &host.str(&pem.key))]));
        values.push(host.dict(&[("bogus", &host.int(1))]));
        values
    };
    let objects = host.live_objects();
    // One argument each (more is an argument-count warning): a context from the system's
    // roots is made only for `null`.
    for name in ["socket_tls_client_context", "socket_tls_server_context"] {
        sweep(&values, 1, |args| {
            drop(host.call(name, args));
            assert_no_internal_error(&host, name);
        });
    }
    assert_eq!(host.live_objects(), objects, "objects leaked");
    let client_ctx = host.call1("socket_tls_client_context", &[&values[16]]);
    let server_ctx = host.call1("socket_tls_server_context", &[&values[17]]);
    let mut values = values;
    values.truncate(16);
    values.push(client_ctx.clone());
    values.push(server_ctx.clone());
    let objects = host.live_objects();
    sweep(&values, 3, |args| {
        drop(host.call("socket_tls", args));
        assert_no_internal_error(&host, "socket_tls");
    });
    assert_eq!(host.live_objects(), objects, "objects leaked");

    assert!(host.set(&a, "blocking", &host.bool(false)));
    assert!(host.set(&b, "blocking", &host.bool(false)));
    let open = host.call1("socket_tls", &[&a, &client_ctx, &host.str("localhost")]);
    let server = host.call1("socket_tls", &[&b, &server_ctx]);
    let (c, _d) = tcp_pair(&host);
    let closed = host.call1("socket_tls", &[&c, &client_ctx, &host.str("localhost")]);
    host.method1(&closed, "close", &[]);
    host.take_messages();
    for target in [&open, &server, &closed] {
        for name in ["handshake", "send", "recv"] {
            sweep(&values, 2, |args| {
                drop(host.call_method(target, name, args));
                assert_no_internal_error(&host, name);
            });
        }
        for name in [
            "version",
            "cipher",
            "alpn",
            "server_name",
            "pending",
            "want",
            "is_client",
            "peer_certificates",
            "socket",
        ] {
            for value in &values {
                host.set(target, name, value);
                drop(host.get(target, name));
                assert_no_internal_error(&host, name);
            }
        }
        for key in &values {
            drop(host.get_index(target, key));
            assert_no_internal_error(&host, "index");
        }
    }
    for name in ["side"] {
        for value in &values {
            host.set(&client_ctx, name, value);
            drop(host.get(&client_ctx, name));
            assert_no_internal_error(&host, name);
        }
    }
}
