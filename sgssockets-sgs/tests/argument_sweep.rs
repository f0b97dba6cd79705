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
