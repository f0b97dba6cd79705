//! The value conversions both bindings share (`convert`), at every edge, and the option
//! table (`SOCKET_OPTIONS`) on real loopback sockets.

mod common;

use std::time::Duration;

use sgssockets_core::convert::{
    buffer_size_from_int, int_from_buffer_size, linger_from_secs, secs_from_linger,
    secs_from_timeout, timeout_from_secs, ttl_from_int, wait_timeout_from_secs, MAX_LINGER_SECS,
};
use sgssockets_core::{
    socket_option, ErrorCategory, OptionKind, OptionValue, Socket, SOCKET_OPTIONS,
};

const TWO_31: f64 = 2147483648.0;
const TWO_32: f64 = 4294967296.0;
const TWO_62: f64 = 4611686018427387904.0;

/// Asserts `result` is an invalid-input error whose message contains `needle`.
fn invalid<T: std::fmt::Debug>(result: sgssockets_core::Result<T>, needle: &str) {
    let err = result.unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput, "{err}");
    assert_eq!(err.code(), sgssockets_core::errno::EINVAL);
    assert!(err.message().contains(needle), "{err} lacks {needle:?}");
}

#[test]
fn timeout_properties() {
    assert_eq!(timeout_from_secs(0.0).unwrap(), None);
    assert_eq!(timeout_from_secs(-0.0).unwrap(), None);
    assert_eq!(
        timeout_from_secs(0.5).unwrap(),
        Some(Duration::from_millis(500))
    );
    assert_eq!(
        timeout_from_secs(1e-12).unwrap(),
        Some(Duration::from_micros(1))
    );
    assert_eq!(
        timeout_from_secs(TWO_32).unwrap(),
        Some(Duration::from_secs(1 << 32))
    );
    invalid(timeout_from_secs(-1.0), "positive number of seconds");
    invalid(timeout_from_secs(f64::NEG_INFINITY), "positive");
    invalid(timeout_from_secs(f64::NAN), "NaN");
    invalid(timeout_from_secs(f64::INFINITY), "too large");
    invalid(timeout_from_secs(1e300), "too large");
    assert_eq!(secs_from_timeout(None), 0.0);
    assert_eq!(secs_from_timeout(Some(Duration::from_millis(1500))), 1.5);
}

#[test]
fn wait_timeouts() {
    assert_eq!(wait_timeout_from_secs(0.0).unwrap(), Some(Duration::ZERO));
    assert_eq!(wait_timeout_from_secs(-0.0).unwrap(), Some(Duration::ZERO));
    assert_eq!(
        wait_timeout_from_secs(0.5).unwrap(),
        Some(Duration::from_millis(500))
    );
    assert_eq!(
        wait_timeout_from_secs(TWO_62).unwrap(),
        Some(Duration::from_secs(1 << 62))
    );
    for forever in [f64::INFINITY, 1e20, 1e300, f64::MAX] {
        assert_eq!(wait_timeout_from_secs(forever).unwrap(), None, "{forever}");
    }
    invalid(wait_timeout_from_secs(-1.0), "got -1");
    invalid(wait_timeout_from_secs(f64::NEG_INFINITY), "positive");
    invalid(wait_timeout_from_secs(f64::NAN), "NaN");
}

#[test]
fn a_huge_wait_on_a_ready_socket_returns_at_once() {
    let socket = Socket::udp(false).unwrap();
    let mut write = vec![&socket];
    let timeout = wait_timeout_from_secs(1e300).unwrap();
    let ready = sgssockets_core::select(&mut vec![], &mut write, &mut vec![], timeout).unwrap();
    assert_eq!(ready, 1);
    // Fits a Duration but not the clock: still no wrap.
    let timeout = wait_timeout_from_secs(TWO_62).unwrap();
    let ready = sgssockets_core::select(&mut vec![], &mut write, &mut vec![], timeout).unwrap();
    assert_eq!(ready, 1);
}

#[test]
fn linger() {
    assert_eq!(linger_from_secs(-1.0).unwrap(), None);
    assert_eq!(linger_from_secs(-0.5).unwrap(), None);
    assert_eq!(linger_from_secs(f64::NEG_INFINITY).unwrap(), None);
    assert_eq!(linger_from_secs(0.0).unwrap(), Some(Duration::ZERO));
    assert_eq!(linger_from_secs(0.5).unwrap(), Some(Duration::from_secs(1)));
    assert_eq!(
        linger_from_secs(1e-9).unwrap(),
        Some(Duration::from_secs(1))
    );
    assert_eq!(linger_from_secs(2.0).unwrap(), Some(Duration::from_secs(2)));
    assert_eq!(linger_from_secs(2.1).unwrap(), Some(Duration::from_secs(3)));
    assert_eq!(
        linger_from_secs(MAX_LINGER_SECS as f64).unwrap(),
        Some(Duration::from_secs(MAX_LINGER_SECS))
    );
    invalid(linger_from_secs(f64::NAN), "NaN");
    let limit = MAX_LINGER_SECS.to_string();
    for huge in [
        MAX_LINGER_SECS as f64 + 0.5,
        TWO_31,
        TWO_32,
        TWO_62,
        i64::MAX as f64,
        f64::INFINITY,
    ] {
        invalid(linger_from_secs(huge), &limit);
    }
    assert_eq!(secs_from_linger(None), -1.0);
    assert_eq!(secs_from_linger(Some(Duration::from_secs(1))), 1.0);
}

#[test]
fn buffer_sizes() {
    assert_eq!(buffer_size_from_int(1).unwrap(), 1);
    assert_eq!(buffer_size_from_int(65536).unwrap(), 65536);
    assert_eq!(
        buffer_size_from_int(i32::MAX.into()).unwrap(),
        i32::MAX as usize
    );
    for bad in [
        0,
        -1,
        i64::MIN,
        1 << 31,
        1 << 32,
        (1 << 32) + 100_000,
        1 << 62,
        i64::MAX,
    ] {
        invalid(buffer_size_from_int(bad), "2147483647");
    }
    assert_eq!(int_from_buffer_size(4096), 4096);
    assert_eq!(int_from_buffer_size(usize::MAX), i64::MAX);
}

#[test]
fn ttls() {
    assert_eq!(ttl_from_int(1).unwrap(), 1);
    assert_eq!(ttl_from_int(255).unwrap(), 255);
    for bad in [0, -1, 256, 1 << 31, (1 << 32) + 3, i64::MAX, i64::MIN] {
        invalid(ttl_from_int(bad), "1 to 255");
    }
}

/// A socket suited to the option: UDP for `broadcast`, IPv6 TCP for `ipv6_only`, else TCP.
fn socket_for(name: &str) -> Option<Socket> {
    match name {
        "broadcast" | "multicast_ttl" | "multicast_loop" | "multicast_if" => {
            Some(Socket::udp(false).unwrap())
        }
        "ipv6_only" => common::ipv6_available("ipv6_only").then(|| Socket::tcp(true).unwrap()),
        #[cfg(not(unix))]
        "reuse_port" => None,
        _ => Some(Socket::tcp(false).unwrap()),
    }
}

/// Values to write and what each reads back as (`None`: at least what was written).
fn samples(name: &str, kind: OptionKind) -> Vec<(OptionValue, Option<OptionValue>)> {
    use OptionValue::{Bool, Int, Seconds};
    match (name, kind) {
        (_, OptionKind::Bool) => vec![
            (Bool(true), Some(Bool(true))),
            (Bool(false), Some(Bool(false))),
        ],
        ("ttl", _) => vec![(Int(42), Some(Int(42))), (Int(255), Some(Int(255)))],
        ("multicast_ttl", _) => vec![(Int(0), Some(Int(0))), (Int(255), Some(Int(255)))],
        ("multicast_if", _) => vec![
            (Int(0x7f00_0001), Some(Int(0x7f00_0001))),
            (Int(0), Some(Int(0))),
        ],
        (_, OptionKind::Int) => vec![(Int(65536), None)],
        ("linger", _) => vec![
            (Seconds(0.5), Some(Seconds(1.0))),
            (Seconds(0.0), Some(Seconds(0.0))),
            (Int(2), Some(Seconds(2.0))),
            (Seconds(-1.0), Some(Seconds(-1.0))),
        ],
        (_, OptionKind::Seconds) => vec![
            (Seconds(1.5), Some(Seconds(1.5))),
            (Int(2), Some(Seconds(2.0))),
            (Seconds(0.0), Some(Seconds(0.0))),
        ],
    }
}

#[test]
fn every_table_entry_round_trips() {
    let mut names: Vec<_> = SOCKET_OPTIONS.iter().map(|option| option.name).collect();
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(names.len(), before, "duplicate option names");
    assert_eq!(before, 17);

    for option in SOCKET_OPTIONS {
        assert!(std::ptr::eq(socket_option(option.name).unwrap(), option));
        let Some(socket) = socket_for(option.name) else {
            continue;
        };
        let value = option.get(&socket).unwrap();
        assert_eq!(value.kind(), option.kind, "{}", option.name);
        if option.is_read_only() {
            assert_eq!(option.name, "error");
            assert_eq!(value, OptionValue::Int(0));
            continue;
        }
        for (write, read) in samples(option.name, option.kind) {
            option.set(&socket, write).unwrap();
            let got = option.get(&socket).unwrap();
            match (read, got) {
                (Some(expected), got) => assert_eq!(got, expected, "{}", option.name),
                (None, OptionValue::Int(got)) => {
                    let OptionValue::Int(written) = write else {
                        unreachable!()
                    };
                    // Linux doubles the size; other systems keep it.
                    assert!(got >= written / 2, "{}: {got}", option.name);
                }
                (None, got) => panic!("{}: {got:?}", option.name),
            }
        }
    }
}

#[test]
fn the_table_refuses_and_changes_nothing() {
    let socket = Socket::tcp(false).unwrap();
    let option = socket_option("recv_buffer_size").unwrap();
    option.set(&socket, OptionValue::Int(65536)).unwrap();
    let before = option.get(&socket).unwrap();
    for bad in [(1i64 << 32) + 100_000, 1 << 62, 0, -1] {
        let err = option.set(&socket, OptionValue::Int(bad)).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput);
        assert_eq!(err.operation(), "setsockopt(SO_RCVBUF)", "{err}");
        assert!(err.message().contains("out of range"), "{err}");
    }
    assert_eq!(option.get(&socket).unwrap(), before);

    let linger = socket_option("linger").unwrap();
    linger.set(&socket, OptionValue::Seconds(3.0)).unwrap();
    for bad in [TWO_31, TWO_32, TWO_62, f64::NAN] {
        let err = linger.set(&socket, OptionValue::Seconds(bad)).unwrap_err();
        assert_eq!(err.operation(), "setsockopt(SO_LINGER)", "{err}");
    }
    assert!(linger.set(&socket, OptionValue::Int(i64::MAX)).is_err());
    assert_eq!(linger.get(&socket).unwrap(), OptionValue::Seconds(3.0));

    let ttl = socket_option("ttl").unwrap();
    ttl.set(&socket, OptionValue::Int(9)).unwrap();
    assert!(ttl.set(&socket, OptionValue::Int((1 << 32) + 3)).is_err());
    assert_eq!(ttl.get(&socket).unwrap(), OptionValue::Int(9));

    let timeout = socket_option("recv_timeout").unwrap();
    let err = timeout
        .set(&socket, OptionValue::Seconds(-1.0))
        .unwrap_err();
    assert_eq!(err.operation(), "setsockopt(SO_RCVTIMEO)", "{err}");
}

#[test]
fn read_only_and_kind_mismatch() {
    let socket = Socket::tcp(false).unwrap();
    let error = socket_option("error").unwrap();
    assert!(error.is_read_only());
    let err = error.set(&socket, OptionValue::Int(0)).unwrap_err();
    assert_eq!(err.category(), ErrorCategory::InvalidInput);
    assert!(err.message().contains("read-only"), "{err}");

    let nodelay = socket_option("nodelay").unwrap();
    for wrong in [OptionValue::Int(1), OptionValue::Seconds(1.0)] {
        let err = nodelay.set(&socket, wrong).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput);
        assert!(err.message().contains("takes a bool"), "{err}");
    }
    assert_eq!(nodelay.get(&socket).unwrap(), OptionValue::Bool(false));
    let ttl = socket_option("ttl").unwrap();
    assert!(ttl.set(&socket, OptionValue::Seconds(5.0)).is_err());
    assert!(ttl.set(&socket, OptionValue::Bool(true)).is_err());
    let linger = socket_option("linger").unwrap();
    assert!(linger.set(&socket, OptionValue::Bool(true)).is_err());

    assert!(socket_option("fileno").is_none());
    assert!(socket_option("").is_none());
}

#[test]
fn a_closed_socket_is_closed_for_every_entry() {
    let mut socket = Socket::tcp(false).unwrap();
    socket.close().unwrap();
    for option in SOCKET_OPTIONS {
        assert!(
            option.get(&socket).unwrap_err().is_closed(),
            "{}",
            option.name
        );
    }
}
