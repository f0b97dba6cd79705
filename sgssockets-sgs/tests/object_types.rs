//! The typed object layer: an object of one native type given where another is expected is
//! an argument error (SGScript's standard warning, `null`, nothing else), for every object
//! type the module has, as `this` of every method and as every object argument. Data is
//! never read as the wrong type.

mod common;

use common::{last_error, loaded_host, v4};
use sgssockets_sgs_testhost::{Host, Value};
use sgssockets_test_support::sgs_names::SOCKET_METHODS;

/// One object of every script-visible native type but `socket`.
fn objects_other_than_socket(host: &Host) -> Vec<(&'static str, Value<'_>)> {
    vec![("socket_address", v4(host, "127.0.0.1", 9))]
}

/// One object of every script-visible native type but `socket_address`.
fn objects_other_than_address(host: &Host) -> Vec<(&'static str, Value<'_>)> {
    vec![("socket", host.call1("socket_udp", &[]))]
}

#[test]
fn a_socket_method_on_another_object_type_is_an_argument_error() {
    let host = loaded_host();
    let socket = host.call1("socket_udp", &[]);
    for (type_name, other) in objects_other_than_socket(&host) {
        for name in SOCKET_METHODS {
            let method = host.get(&socket, name).expect("a method");
            // Force socket_error() to a known non-zero value: the argument error must not
            // change it.
            host.call1("socket_address", &[&host.int(-1), &host.str("x")]);
            host.take_messages();
            let before = last_error(&host);
            assert_ne!(before, 0);

            // As a plain function with the wrong object first, and as a method of it.
            let results = host.call_detached(&method, &[&other]);
            assert!(results.is_empty(), "{name} on {type_name}: {results:?}");
            assert_eq!(
                host.take_warnings(),
                [format!(
                    "socket.{name}(): argument 1 - expected socket, got {type_name}"
                )],
                "{name} on {type_name}"
            );
            assert_eq!(last_error(&host), before, "{name} on {type_name}");
        }
    }
    // The socket itself was never touched.
    assert!(host.to_bool(&socket));
}

#[test]
fn an_address_argument_of_another_object_type_is_an_argument_error() {
    let host = loaded_host();
    let socket = host.call1("socket_udp", &[]);
    for (type_name, other) in objects_other_than_address(&host) {
        for (name, args, item, expected) in [
            ("connect", vec![&other], 1, "socket_address"),
            (
                "sendto",
                vec![&host.str("x") as &Value<'_>, &other],
                2,
                "socket_address",
            ),
            ("bind", vec![&other], 1, "int (port) or socket_address"),
        ] {
            let results = host.call_method(&socket, name, &args);
            assert!(results.is_empty(), "{name} with {type_name}: {results:?}");
            assert_eq!(
                host.take_warnings(),
                [format!(
                    "socket.{name}(): argument {item} - expected {expected}, got {type_name}"
                )],
            );
        }
    }
    assert_eq!(
        host.method1(&socket, "getsockname", &[])
            .object_type()
            .as_deref(),
        Some("socket_address"),
        "the socket is still unbound and usable"
    );
}

#[test]
fn select_refuses_other_object_types_in_its_lists() {
    let host = loaded_host();
    for (type_name, other) in objects_other_than_socket(&host) {
        let list = host.array(&[&other]);
        let empty = host.array(&[]);
        let result = host.call1("socket_select", &[&list, &empty, &empty, &host.real(0.0)]);
        assert_eq!(result.as_int(), Some(-1), "{type_name}");
        assert_eq!(
            host.take_warnings(),
            ["socket_select(): item #1 of 'read' array is not a socket"]
        );
        assert_eq!(host.array_items(&list).map(|items| items.len()), Some(1));
    }
}

#[test]
fn comparing_objects_of_different_types_reads_neither_as_the_other() {
    let host = loaded_host();
    let socket = host.call1("socket_udp", &[]);
    let addr = v4(&host, "127.0.0.1", 9);
    // Either order: the address's comparison callback is asked, sees a socket, and refuses.
    host.compare(&addr, &socket);
    host.compare(&socket, &addr);
    assert!(host
        .take_messages()
        .iter()
        .all(|m| !m.text.contains("internal error")));
    assert_eq!(host.to_string(&addr), "127.0.0.1:9");
    assert!(host.to_bool(&socket));
}
