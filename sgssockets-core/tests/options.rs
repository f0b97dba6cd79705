//! Every option of SPEC §4, read back after setting, on IPv4 and IPv6.

mod common;

use std::time::Duration;

use sgssockets_core::{ErrorCategory, Socket};

macro_rules! bool_option {
    ($name:ident, $get:ident, $set:ident, $make:expr) => {
        #[test]
        fn $name() {
            for ipv6 in [false, true] {
                if ipv6 && !common::ipv6_available(stringify!($name)) {
                    continue;
                }
                let socket: Socket = $make(ipv6);
                for value in [true, false, true] {
                    socket.$set(value).unwrap();
                    assert_eq!(socket.$get().unwrap(), value);
                }
            }
        }
    };
}

fn tcp(ipv6: bool) -> Socket {
    Socket::tcp(ipv6).unwrap()
}
fn udp(ipv6: bool) -> Socket {
    Socket::udp(ipv6).unwrap()
}

bool_option!(broadcast, broadcast, set_broadcast, udp);
bool_option!(reuse_addr, reuse_addr, set_reuse_addr, tcp);
bool_option!(nodelay, nodelay, set_nodelay, tcp);
bool_option!(keepalive, keepalive, set_keepalive, tcp);
bool_option!(blocking, is_blocking, set_blocking, tcp);
#[cfg(unix)]
bool_option!(reuse_port, reuse_port, set_reuse_port, tcp);

#[test]
fn ipv6_only() {
    if !common::ipv6_available("ipv6_only") {
        return;
    }
    let socket = tcp(true);
    socket.set_ipv6_only(true).unwrap();
    assert!(socket.ipv6_only().unwrap());
    socket.set_ipv6_only(false).unwrap();
    assert!(!socket.ipv6_only().unwrap());
    assert!(
        tcp(false).set_ipv6_only(true).is_err(),
        "IPv6 option on an IPv4 socket"
    );
}

#[test]
fn ttl_uses_the_family_hop_limit() {
    for ipv6 in [false, true] {
        if ipv6 && !common::ipv6_available("ttl") {
            continue;
        }
        let socket = udp(ipv6);
        socket.set_ttl(7).unwrap();
        assert_eq!(socket.ttl().unwrap(), 7);
    }
    assert!(udp(false).set_ttl(100_000).is_err());
}

#[test]
fn timeouts_round_trip_and_reject_zero() {
    let socket = tcp(false);
    assert_eq!(socket.recv_timeout().unwrap(), None);
    socket
        .set_recv_timeout(Some(Duration::from_millis(1500)))
        .unwrap();
    socket
        .set_send_timeout(Some(Duration::from_millis(250)))
        .unwrap();
    assert_eq!(
        socket.recv_timeout().unwrap(),
        Some(Duration::from_millis(1500))
    );
    assert_eq!(
        socket.send_timeout().unwrap(),
        Some(Duration::from_millis(250))
    );
    assert!(socket.set_recv_timeout(Some(Duration::ZERO)).is_err());
    socket.set_recv_timeout(None).unwrap();
    assert_eq!(socket.recv_timeout().unwrap(), None);
}

#[test]
fn buffer_sizes_grow_when_asked() {
    let socket = tcp(false);
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    socket.set_send_buffer_size(64 * 1024).unwrap();
    assert!(socket.recv_buffer_size().unwrap() >= 64 * 1024);
    assert!(socket.send_buffer_size().unwrap() >= 64 * 1024);
}

#[test]
fn linger_on_and_off() {
    let socket = tcp(false);
    assert_eq!(socket.linger().unwrap(), None);
    socket.set_linger(Some(Duration::from_secs(3))).unwrap();
    assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(3)));
    socket.set_linger(None).unwrap();
    assert_eq!(socket.linger().unwrap(), None);
}

#[test]
fn option_of_the_wrong_level_is_an_os_error_naming_the_option() {
    let err = udp(false).set_nodelay(true).unwrap_err();
    assert!(err.operation().contains("TCP_NODELAY"), "{err}");
    assert_ne!(err.code(), 0);
}

#[test]
fn seconds_convert_to_timeouts_through_the_old_path() {
    use sgssockets_core::convert::{secs_from_timeout, timeout_from_secs};
    assert_eq!(timeout_from_secs(0.0).unwrap(), None);
    assert_eq!(
        timeout_from_secs(1e-9).unwrap(),
        Some(Duration::from_micros(1))
    );
    assert!(timeout_from_secs(-0.5).is_err());
    assert!(timeout_from_secs(f64::NAN).is_err());
    assert!(timeout_from_secs(f64::INFINITY).is_err());
    assert_eq!(secs_from_timeout(Some(Duration::from_millis(2500))), 2.5);
    assert_eq!(secs_from_timeout(None), 0.0);
}

#[test]
fn typed_setters_refuse_what_the_os_cannot_hold() {
    let socket = tcp(false);
    socket.set_recv_buffer_size(65536).unwrap();
    let before = socket.recv_buffer_size().unwrap();
    for size in [0, (1 << 32) + 100_000, 1 << 62, usize::MAX] {
        let err = socket.set_recv_buffer_size(size).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput, "{size}");
        assert_eq!(err.operation(), "setsockopt(SO_RCVBUF)");
        assert!(socket.set_send_buffer_size(size).is_err(), "{size}");
    }
    assert_eq!(socket.recv_buffer_size().unwrap(), before);

    socket.set_linger(Some(Duration::from_secs(3))).unwrap();
    let err = socket
        .set_linger(Some(Duration::from_secs(1 << 31)))
        .unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(3)));
    // A fraction rounds up: never an abortive close by conversion.
    socket.set_linger(Some(Duration::from_millis(500))).unwrap();
    assert_eq!(socket.linger().unwrap(), Some(Duration::from_secs(1)));

    let udp = udp(false);
    udp.set_ttl(9).unwrap();
    for ttl in [0, 256, u32::MAX] {
        let err = udp.set_ttl(ttl).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput, "{ttl}");
    }
    assert_eq!(udp.ttl().unwrap(), 9);
}
