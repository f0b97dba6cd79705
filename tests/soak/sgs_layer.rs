//! Ping-pong through the SGScript module on both ends, driven by the test host as a script
//! would drive it. Client and server live in one engine on one thread and strictly take
//! turns (the client sends, the server receives and answers, the client receives), so no
//! blocking call ever waits for the other side.

use sgssockets_sgs_testhost::{Host, Value};

use crate::MESSAGE;

/// Panics with the engine's messages unless `value` is `true`.
fn expect_true(host: &Host, value: &Value<'_>, what: &str) {
    assert_eq!(value.as_bool(), Some(true), "{what}: {:?}", host.messages());
}

/// Bounds every wait and turns off Nagle, as the other layers do.
fn configure(host: &Host, socket: &Value<'_>) {
    assert!(host.set(socket, "recv_timeout", &host.real(10.0)));
    assert!(host.set(socket, "send_timeout", &host.real(10.0)));
    assert!(host.set(socket, "nodelay", &host.bool(true)));
}

/// Sends all of `message` (a 64-byte string value).
fn send_all(host: &Host, socket: &Value<'_>, message: &Value<'_>) {
    let sent = host.method1(socket, "send", &[message]);
    assert_eq!(
        sent.as_int(),
        Some(MESSAGE as i64),
        "send: {:?}",
        host.messages()
    );
}

/// Receives exactly `MESSAGE` bytes.
fn recv_exact(host: &Host, socket: &Value<'_>, size: &Value<'_>) {
    let mut got = 0;
    while got < MESSAGE {
        let data = host.method1(socket, "recv", &[size]);
        let bytes = data
            .as_bytes()
            .unwrap_or_else(|| panic!("recv gave {data:?}: {:?}", host.messages()));
        got += bytes.len();
    }
    assert_eq!(got, MESSAGE);
}

pub fn run(rounds: u64, checkpoint: &mut dyn FnMut(u64)) {
    // SAFETY: `sgscript_main` is the module's SGScript entry point.
    let host = unsafe { Host::with_module(sgssockets::sgscript_main) };
    let af = host.int(host.constant("AF_INET"));
    let any_port = host.call1(
        "socket_address",
        &[&af, &host.str("127.0.0.1"), &host.int(0)],
    );
    let listener = host.call1("socket_tcp", &[]);
    expect_true(
        &host,
        &host.method1(&listener, "bind", &[&any_port]),
        "bind",
    );
    expect_true(
        &host,
        &host.method1(&listener, "listen", &[&host.int(1)]),
        "listen",
    );
    let address = host.method1(&listener, "getsockname", &[]);
    let client = host.call1("socket_tcp", &[]);
    configure(&host, &client);
    expect_true(
        &host,
        &host.method1(&client, "connect", &[&address]),
        "connect",
    );
    let server = host
        .call_method(&listener, "accept", &[])
        .into_iter()
        .next()
        .expect("accept gives the socket");
    configure(&host, &server);
    let ping = host.bytes(&[1u8; MESSAGE]);
    let pong = host.bytes(&[2u8; MESSAGE]);
    let size = host.int(MESSAGE as i64);
    for done in 1..=rounds {
        send_all(&host, &client, &ping);
        recv_exact(&host, &server, &size);
        send_all(&host, &server, &pong);
        recv_exact(&host, &client, &size);
        checkpoint(done);
    }
    assert!(
        host.take_messages().is_empty(),
        "no warnings in a clean run"
    );
    assert_eq!(host.stack_len(), 0);
}
