//! SPEC §4 properties: every socket option read and written through the object, with the
//! right value types, and bad values warned about.

mod common;
use common::*;
use sgssockets_sgs_testhost::Host;

fn flag_round_trip(host: &Host, socket: &sgssockets_sgs_testhost::Value<'_>, name: &str) {
    for value in [true, false, true] {
        assert!(host.set(socket, name, &host.bool(value)), "{name}");
        assert_eq!(host.take_warnings(), Vec::<String>::new(), "{name}");
        assert_eq!(
            host.get(socket, name).unwrap().as_bool(),
            Some(value),
            "{name}"
        );
        assert_eq!(last_error(host), 0);
    }
}

#[test]
fn bool_options() {
    let host = loaded_host();
    let tcp = host.call1("socket_tcp", &[]);
    for name in ["blocking", "reuse_addr", "nodelay", "keepalive"] {
        flag_round_trip(&host, &tcp, name);
    }
    let udp = host.call1("socket_udp", &[]);
    flag_round_trip(&host, &udp, "broadcast");
    #[cfg(unix)]
    flag_round_trip(&host, &tcp, "reuse_port");
    if let Some(v6) = host.call("socket_tcp", &[&host.bool(true)]).first() {
        flag_round_trip(&host, v6, "ipv6_only");
    }
    // Ints are accepted as bools, strings are not.
    assert!(host.set(&tcp, "nodelay", &host.int(1)));
    assert_eq!(host.get(&tcp, "nodelay").unwrap().as_bool(), Some(true));
    assert!(host.set(&tcp, "nodelay", &host.str("yes")));
    assert_eq!(host.take_warnings(), ["socket.nodelay: expected a bool"]);
}

#[test]
fn timeouts_are_real_seconds() {
    let host = loaded_host();
    let s = host.call1("socket_udp", &[]);
    for name in ["send_timeout", "recv_timeout"] {
        assert_eq!(
            host.get(&s, name).unwrap().as_real(),
            Some(0.0),
            "none by default"
        );
        assert!(host.set(&s, name, &host.real(1.5)));
        assert_eq!(host.get(&s, name).unwrap().as_real(), Some(1.5), "{name}");
        assert!(host.set(&s, name, &host.int(2)));
        assert_eq!(host.get(&s, name).unwrap().as_real(), Some(2.0), "{name}");
        assert!(host.set(&s, name, &host.real(0.0)));
        assert_eq!(host.get(&s, name).unwrap().as_real(), Some(0.0), "{name}");
        assert!(host.take_warnings().is_empty());
        assert!(host.set(&s, name, &host.real(-1.0)));
        let warnings = host.take_warnings();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with(&format!("socket.{name}: ")),
            "{warnings:?}"
        );
        assert_eq!(last_error(&host), errno_named(&host, "EINVAL"));
        assert_eq!(
            host.get(&s, name).unwrap().as_real(),
            Some(0.0),
            "unchanged"
        );
    }
}

#[test]
fn recv_timeout_bounds_a_wait() {
    let host = loaded_host();
    let s = host.call1("socket_udp", &[]);
    host.method1(&s, "bind", &[&v4(&host, "127.0.0.1", 0)]);
    assert!(host.set(&s, "recv_timeout", &host.real(0.1)));
    let start = std::time::Instant::now();
    assert_eq!(
        host.method1(&s, "recv", &[&host.int(1)]).as_bool(),
        Some(false)
    );
    let waited = start.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(80)
            && waited < std::time::Duration::from_secs(3),
        "{waited:?}"
    );
}

#[test]
fn integer_options() {
    let host = loaded_host();
    let s = host.call1("socket_tcp", &[]);
    assert!(host.set(&s, "ttl", &host.int(42)));
    assert_eq!(host.get(&s, "ttl").unwrap().as_int(), Some(42));
    for name in ["recv_buffer_size", "send_buffer_size"] {
        assert!(host.set(&s, name, &host.int(65536)));
        let size = host.get(&s, name).unwrap().as_int().unwrap();
        assert!(size >= 65536 / 2, "{name} = {size}");
    }
    assert!(host.take_warnings().is_empty());
    assert!(host.set(&s, "ttl", &host.int(-1)));
    assert_eq!(host.take_warnings().len(), 1);
    assert!(host.set(&s, "recv_buffer_size", &host.int(-1)));
    assert_eq!(host.take_warnings().len(), 1);
    assert!(host.set(&s, "ttl", &host.str("many")));
    assert_eq!(host.take_warnings(), ["socket.ttl: expected an int"]);
}

#[test]
fn linger_negative_is_off() {
    let host = loaded_host();
    let s = host.call1("socket_tcp", &[]);
    assert!(
        host.get(&s, "linger").unwrap().as_real().unwrap() < 0.0,
        "off by default"
    );
    assert!(host.set(&s, "linger", &host.real(2.0)));
    assert_eq!(host.get(&s, "linger").unwrap().as_real(), Some(2.0));
    assert!(host.set(&s, "linger", &host.real(0.0)));
    assert_eq!(host.get(&s, "linger").unwrap().as_real(), Some(0.0));
    assert!(host.set(&s, "linger", &host.int(-1)));
    assert!(host.get(&s, "linger").unwrap().as_real().unwrap() < 0.0);
    assert!(host.take_warnings().is_empty());
}

#[test]
fn error_is_a_read_only_int() {
    let host = loaded_host();
    let s = host.call1("socket_tcp", &[]);
    assert_eq!(host.get(&s, "error").unwrap().as_int(), Some(0));
    assert!(host.set(&s, "error", &host.int(5)));
    assert_eq!(host.take_warnings(), ["socket.error: read-only property"]);
    // A refused non-blocking connect leaves its code pending.
    let (listener, addr) = tcp_listener(&host);
    host.method1(&listener, "close", &[]);
    let c = host.call1("socket_tcp", &[]);
    host.set(&c, "blocking", &host.bool(false));
    host.method1(&c, "connect", &[&addr]);
    let w = host.array(&[&c]);
    host.call1(
        "socket_select",
        &[&host.array(&[]), &w, &host.array(&[]), &host.real(5.0)],
    );
    let pending = host.get(&c, "error").unwrap().as_int().unwrap();
    assert!(
        pending == 0 || pending == errno_named(&host, "ECONNREFUSED"),
        "{pending}"
    );
}

#[test]
fn option_failure_warns_and_sets_error() {
    let host = loaded_host();
    let udp = host.call1("socket_udp", &[]);
    // TCP_NODELAY on a UDP socket is refused by the OS.
    let got = host.get(&udp, "nodelay").unwrap();
    if got.is_null() {
        let warnings = host.take_warnings();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].starts_with("socket.nodelay: "), "{warnings:?}");
        assert_ne!(last_error(&host), 0);
    }
}
