//! SPEC §9 through the test host: sendall, socket_pair, fileno/detach/socket_fromfd, raw
//! options with out-of-range integers refused, socket_connect and its argument checks.

mod common;

use common::{errno_named, last_error, loaded_host, tcp_listener};
use sgssockets_test_support::fds;

#[test]
fn pair_sendall_and_descriptors() {
    let host = loaded_host();
    let pair = host.call("socket_pair", &[]);
    assert_eq!(pair.len(), 2, "{:?}", host.messages());
    let (a, b) = (&pair[0], &pair[1]);
    assert_eq!(
        host.method1(a, "sendall", &[&host.str("hello")]).as_int(),
        Some(5)
    );
    assert_eq!(
        host.method1(b, "recv", &[&host.int(10)])
            .as_str()
            .as_deref(),
        Some("hello")
    );
    let fd = host.get(a, "fileno").unwrap().as_int().unwrap();
    assert!(fd >= 0);
    let raw = host.method1(a, "detach", &[]).as_int().unwrap();
    assert_eq!(raw, fd);
    assert!(!host.to_bool(a), "closed after detach");
    assert_eq!(host.get(a, "fileno").unwrap().as_int(), Some(-1));
    assert!(
        fds::is_open(i32::try_from(raw).unwrap()),
        "detach does not close"
    );
    let adopted = host.call1("socket_fromfd", &[&host.int(raw)]);
    assert_eq!(adopted.object_type().as_deref(), Some("socket"));
    // SAFETY: `raw` was detached: this test owns it, and closes it once.
    unsafe { libc::close(i32::try_from(raw).unwrap()) };
    assert_eq!(
        host.method1(&adopted, "send", &[&host.str("x")]).as_int(),
        Some(1),
        "the duplicate outlives the original"
    );
    assert!(host.take_warnings().is_empty());
}

#[test]
fn out_of_range_integers_are_refused_not_truncated() {
    let host = loaded_host();
    let socket = host.call1("socket_udp", &[]);
    let sol = host.constant("SOL_SOCKET");
    let rcvbuf = host.constant("SO_RCVBUF");
    let huge = host.int((1 << 32) + sol);
    assert_eq!(
        host.method1(
            &socket,
            "setsockopt",
            &[&huge, &host.int(rcvbuf), &host.int(1)]
        )
        .as_bool(),
        Some(false)
    );
    assert_eq!(
        host.take_warnings(),
        [format!(
            "socket.setsockopt(): argument 1 (level) is out of range: {}",
            (1i64 << 32) + sol
        )]
    );
    assert_eq!(last_error(&host), errno_named(&host, "EINVAL"));
    assert!(host
        .call("socket_fromfd", &[&host.int((1 << 32) + 3)])
        .is_empty());
    assert_eq!(host.take_warnings().len(), 1);
}

#[test]
fn socket_connect_and_its_arguments() {
    let host = loaded_host();
    let (_listener, addr) = tcp_listener(&host);
    let port = host.get(&addr, "port").unwrap();
    let client = host.call1(
        "socket_connect",
        &[&host.str("127.0.0.1"), &port, &host.real(5.0)],
    );
    assert_eq!(
        client.object_type().as_deref(),
        Some("socket"),
        "{:?}",
        host.messages()
    );
    assert!(host
        .call(
            "socket_connect",
            &[&host.str("127.0.0.1"), &host.int(70000)]
        )
        .is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket_connect(): argument 2 (port) must be 0..65535, got 70000"]
    );
    assert!(host
        .call(
            "socket_connect",
            &[&host.str("127.0.0.1"), &port, &host.real(-1.0)]
        )
        .is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket_connect(): argument 3 (timeout) must be 0 or more seconds, got -1"]
    );
}

#[test]
fn recvfrom_on_a_stream_whose_peer_closed_is_true_like_recv() {
    let host = loaded_host();
    let (client, server) = common::tcp_pair(&host);
    host.method1(&client, "close", &[]);
    let results = host.call_method(&server, "recvfrom", &[&host.int(10)]);
    assert_eq!(results.len(), 1, "{results:?}");
    assert_eq!(results[0].as_bool(), Some(true));
    assert_eq!(last_error(&host), 0);
}

#[test]
fn an_out_of_range_flag_gives_one_warning_saying_so() {
    let host = loaded_host();
    let pair = host.call("socket_pair", &[]);
    let flags = host.int(1 << 40);
    assert_eq!(
        host.method1(&pair[0], "send", &[&host.str("x"), &flags])
            .as_bool(),
        Some(false)
    );
    assert_eq!(
        host.take_warnings(),
        ["socket.send(): argument 2 (MSG_* flags) is out of range: 1099511627776"]
    );
    assert_eq!(last_error(&host), errno_named(&host, "EINVAL"));
}
