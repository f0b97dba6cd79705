//! Shared helpers for the module's tests: an engine with the module loaded, and shortcuts.
#![allow(dead_code)]

use sgssockets_sgs_testhost::{Host, Value};

/// A test engine with `sgssockets` loaded.
pub fn loaded_host() -> Host {
    let host = Host::new();
    // SAFETY: the host passes its live context, as SGScript's include does.
    let code = host.load(|ctx| unsafe { sgssockets::sgscript_main(ctx.cast()) });
    assert_eq!(code, 0, "sgscript_main failed: {:?}", host.messages());
    assert!(host.take_messages().is_empty());
    host
}

/// `socket_address(AF_INET, text, port)`.
pub fn v4<'h>(host: &'h Host, text: &str, port: i64) -> Value<'h> {
    let af = host.int(host.constant("AF_INET"));
    let addr = host.call1("socket_address", &[&af, &host.str(text), &host.int(port)]);
    assert_eq!(
        addr.object_type().as_deref(),
        Some("socket_address"),
        "{:?}",
        host.messages()
    );
    addr
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

/// Bounds every blocking wait of a test socket.
pub fn set_timeout(host: &Host, socket: &Value<'_>) {
    assert!(host.set(socket, "recv_timeout", &host.real(5.0)));
    assert!(host.set(socket, "send_timeout", &host.real(5.0)));
}
