//! Helpers for the module's tests: an engine with the module loaded, and shortcuts.
//! (Helpers shared with other crates' tests are in `sgssockets-test-support`.)
#![allow(dead_code)]

use sgssockets_sgs_testhost::{Host, Value};
pub use sgssockets_test_support::WAIT;

/// A test engine with `sgssockets` loaded.
pub fn loaded_host() -> Host {
    // SAFETY: `sgscript_main` is the module's SGScript entry point.
    unsafe { Host::with_module(sgssockets::sgscript_main) }
}

/// `socket_address(AF_INET, text, port)`.
pub fn v4<'h>(host: &'h Host, text: &str, port: i64) -> Value<'h> {
    let af = host.int(host.constant("AF_INET"));
    host.call_for_object(
        "socket_address",
        &[&af, &host.str(text), &host.int(port)],
        "socket_address",
    )
}

/// `socket_error()`.
pub fn last_error(host: &Host) -> i64 {
    host.call1("socket_error", &[])
        .as_int()
        .expect("socket_error() is an int")
}

/// The platform code for an errno name.
pub fn errno_named(host: &Host, name: &str) -> i64 {
    host.call1("socket_geterrnobyname", &[&host.str(name)])
        .as_int()
        .unwrap_or_else(|| panic!("{name} has no code"))
}

/// A TCP listener on 127.0.0.1 (port from bind(0)), and its address.
pub fn tcp_listener(host: &Host) -> (Value<'_>, Value<'_>) {
    let listener = host.call1("socket_tcp", &[]);
    assert_eq!(
        host.method1(&listener, "bind", &[&v4(host, "127.0.0.1", 0)])
            .as_bool(),
        Some(true)
    );
    assert_eq!(
        host.method1(&listener, "listen", &[&host.int(8)]).as_bool(),
        Some(true)
    );
    let addr = host.method1(&listener, "getsockname", &[]);
    (listener, addr)
}

/// A connected TCP pair over loopback: (client, server side), both with a 5 s receive timeout.
pub fn tcp_pair(host: &Host) -> (Value<'_>, Value<'_>) {
    let (listener, addr) = tcp_listener(host);
    let client = host.call1("socket_tcp", &[]);
    set_timeout(host, &client);
    assert_eq!(
        host.method1(&client, "connect", &[&addr]).as_bool(),
        Some(true)
    );
    let accepted = host.call_method(&listener, "accept", &[]);
    assert_eq!(accepted.len(), 2, "{:?}", host.messages());
    let server = accepted[0].clone();
    set_timeout(host, &server);
    (client, server)
}

/// Bounds every blocking wait of a test socket by [`WAIT`].
pub fn set_timeout(host: &Host, socket: &Value<'_>) {
    let wait = host.real(WAIT.as_secs_f64());
    assert!(host.set(socket, "recv_timeout", &wait));
    assert!(host.set(socket, "send_timeout", &wait));
}

/// A UDP socket bound to 127.0.0.1 (port from bind(0)) with bounded waits, and its address.
pub fn udp_bound(host: &Host) -> (Value<'_>, Value<'_>) {
    let s = host.call1("socket_udp", &[]);
    set_timeout(host, &s);
    assert_eq!(
        host.method1(&s, "bind", &[&v4(host, "127.0.0.1", 0)])
            .as_bool(),
        Some(true)
    );
    let addr = host.method1(&s, "getsockname", &[]);
    (s, addr)
}

/// The descriptor number an open socket object shows in its dump.
pub fn descriptor(host: &Host, socket: &Value<'_>) -> i32 {
    let dump = host.dump(socket);
    dump.strip_prefix("socket (descriptor ")
        .and_then(|rest| rest.strip_suffix(')'))
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("not an open socket: {dump:?}"))
}
