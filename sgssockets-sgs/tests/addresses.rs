//! SPEC §2 (`socket_address`, `socket_address_frombytes`) and §3 (the `socket_address`
//! object) through the test host.

mod common;
use common::*;
use sgssockets_sgs_testhost::{Host, Value};

fn af(host: &Host, name: &str) -> i64 {
    host.constant(name)
}

/// An address's `addr_bytes` array, as ints.
fn addr_bytes(host: &Host, address: &Value<'_>) -> Vec<i64> {
    let bytes = host.get(address, "addr_bytes").expect("addr_bytes");
    host.array_items(&bytes)
        .expect("addr_bytes is an array")
        .iter()
        .map(|v| v.as_int().expect("an int"))
        .collect()
}

#[test]
fn ipv4_from_text_with_port() {
    let host = loaded_host();
    let a = v4(&host, "127.0.0.1", 8080);
    assert_eq!(host.type_of(&a), "socket_address");
    assert_eq!(
        host.get(&a, "family").unwrap().as_int(),
        Some(af(&host, "AF_INET"))
    );
    assert_eq!(host.get(&a, "port").unwrap().as_int(), Some(8080));
    assert_eq!(
        host.get(&a, "addr_u32").unwrap().as_int(),
        Some(0x7f00_0001)
    );
    assert_eq!(
        host.get(&a, "addr_buf").unwrap().as_bytes(),
        Some(vec![127, 0, 0, 1])
    );
    let items = addr_bytes(&host, &a);
    assert_eq!(items, [127, 0, 0, 1]);
    assert_eq!(
        host.get(&a, "addr_string").unwrap().as_str().as_deref(),
        Some("127.0.0.1")
    );
    assert_eq!(
        host.get(&a, "full_addr_string")
            .unwrap()
            .as_str()
            .as_deref(),
        Some("127.0.0.1:8080")
    );
    assert_eq!(host.to_string(&a), "127.0.0.1:8080");
    assert_eq!(host.dump(&a), "socket_address (127.0.0.1:8080)");
    assert_eq!(last_error(&host), 0);
    assert!(host.take_warnings().is_empty());
}

#[test]
fn addr_bytes_are_unsigned() {
    let host = loaded_host();
    let a = v4(&host, "200.201.255.128", 1);
    let items = addr_bytes(&host, &a);
    assert_eq!(items, [200, 201, 255, 128]);
    assert_eq!(
        host.get(&a, "addr_u32").unwrap().as_int(),
        Some(0xC8C9_FF80)
    );
}

#[test]
fn ipv6_forms_are_canonical() {
    let host = loaded_host();
    let f = host.int(af(&host, "AF_INET6"));
    for text in [
        "::1",
        "[::1]",
        "0:0:0:0:0:0:0:1",
        "0000:0000:0000:0000:0000:0000:0000:0001",
    ] {
        let a = host.call1("socket_address", &[&f, &host.str(text), &host.int(443)]);
        assert_eq!(host.to_string(&a), "[::1]:443", "{text}");
        assert_eq!(
            host.get(&a, "addr_string").unwrap().as_str().as_deref(),
            Some("::1")
        );
    }
    let a = host.call1("socket_address", &[&f, &host.str("2001:DB8:0:0:1:0:0:1")]);
    assert_eq!(
        host.get(&a, "addr_string").unwrap().as_str().as_deref(),
        Some("2001:db8::1:0:0:1")
    );
    assert_eq!(host.get(&a, "port").unwrap().as_int(), Some(0));
    assert_eq!(
        host.get(&a, "addr_buf").unwrap().as_bytes().unwrap().len(),
        16
    );
    let mapped = host.call1(
        "socket_address",
        &[&f, &host.str("::ffff:1.2.3.4"), &host.int(5)],
    );
    assert_eq!(host.to_string(&mapped), "[::ffff:1.2.3.4]:5");
    assert!(host.take_warnings().is_empty());
}

#[test]
fn unix_paths() {
    let host = loaded_host();
    let f = host.int(af(&host, "AF_UNIX"));
    let a = host.call1("socket_address", &[&f, &host.str("/tmp/some.sock")]);
    assert_eq!(host.type_of(&a), "socket_address");
    assert_eq!(host.to_string(&a), "/tmp/some.sock");
    assert_eq!(
        host.get(&a, "addr_string").unwrap().as_str().as_deref(),
        Some("/tmp/some.sock")
    );
    assert_eq!(
        host.get(&a, "full_addr_string")
            .unwrap()
            .as_str()
            .as_deref(),
        Some("/tmp/some.sock")
    );
    assert!(host.dump(&a).contains("/tmp/some.sock"));
    // Unsupported reads: warning + null.
    assert!(host.get(&a, "port").unwrap().is_null());
    assert!(host.get(&a, "addr_u32").unwrap().is_null());
    let warnings = host.take_warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("port") && warnings[0].contains("AF_UNIX"),
        "{warnings:?}"
    );
}

#[test]
fn bad_text_family_or_port_warn_and_return_null() {
    let host = loaded_host();
    let inet = host.int(af(&host, "AF_INET"));
    let cases = [
        (vec![inet.clone(), host.str("256.1.1.1")], "argument 2"),
        (vec![inet.clone(), host.str("localhost")], "argument 2"),
        (
            vec![host.int(af(&host, "AF_INET6")), host.str("1.2.3.4")],
            "argument 2",
        ),
        (vec![host.int(12345), host.str("1.2.3.4")], "argument 1"),
        (
            vec![inet.clone(), host.str("1.2.3.4"), host.int(65536)],
            "argument 3",
        ),
        (
            vec![inet.clone(), host.str("1.2.3.4"), host.int(-1)],
            "argument 3",
        ),
    ];
    for (args, which) in cases {
        let refs: Vec<_> = args.iter().collect();
        let result = host.call("socket_address", &refs);
        assert!(result.is_empty() || result[0].is_null());
        let warnings = host.take_warnings();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("socket_address(): "),
            "{warnings:?}"
        );
        assert!(
            warnings[0].contains(which),
            "{warnings:?} should name {which}"
        );
        assert_eq!(last_error(&host), errno_named(&host, "EINVAL"));
    }
    // Port bounds are inclusive.
    let a = host.call1(
        "socket_address",
        &[&inet, &host.str("1.2.3.4"), &host.int(65535)],
    );
    assert_eq!(host.to_string(&a), "1.2.3.4:65535");
}

#[test]
fn wrong_argument_types_give_the_standard_warning_only() {
    let host = loaded_host();
    // Make socket_error() non-zero first: argument errors must not touch it.
    host.call(
        "socket_address",
        &[&host.int(host.constant("AF_INET")), &host.str("x")],
    );
    host.take_messages();
    let before = last_error(&host);
    assert_ne!(before, 0);
    let r = host.call(
        "socket_address",
        &[&host.str("AF_INET"), &host.str("1.2.3.4")],
    );
    assert!(r.is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket_address(): argument 1 - expected int, got string"]
    );
    let r = host.call("socket_address", &[&host.int(host.constant("AF_INET"))]);
    assert!(r.is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket_address(): argument 2 - expected string, got nothing"]
    );
    let too_many: Vec<_> = (0..4).map(|_| host.int(1)).collect();
    let refs: Vec<_> = too_many.iter().collect();
    assert!(host.call("socket_address", &refs).is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket_address(): function expects 2 to 3 arguments, 4 given"]
    );
    assert_eq!(last_error(&host), before);
}

#[test]
fn from_bytes() {
    let host = loaded_host();
    let inet = host.int(af(&host, "AF_INET"));
    let inet6 = host.int(af(&host, "AF_INET6"));
    let a = host.call1(
        "socket_address_frombytes",
        &[&inet, &host.bytes(&[10, 0, 0, 200]), &host.int(53)],
    );
    assert_eq!(host.to_string(&a), "10.0.0.200:53");
    let mut six = [0u8; 16];
    six[15] = 1;
    let b = host.call1("socket_address_frombytes", &[&inet6, &host.bytes(&six)]);
    assert_eq!(host.to_string(&b), "[::1]:0");
    for (f, len) in [(&inet, 3usize), (&inet, 16), (&inet6, 4), (&inet6, 15)] {
        let r = host.call(
            "socket_address_frombytes",
            &[f, &host.bytes(&vec![1u8; len])],
        );
        assert!(r.is_empty(), "{len}");
        let warnings = host.take_warnings();
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with("socket_address_frombytes(): argument 2"),
            "{warnings:?}"
        );
    }
    let r = host.call(
        "socket_address_frombytes",
        &[&host.int(af(&host, "AF_UNIX")), &host.bytes(b"abcd")],
    );
    assert!(r.is_empty());
    assert_eq!(host.take_warnings().len(), 1);
}

#[test]
fn properties_are_writable() {
    let host = loaded_host();
    let a = v4(&host, "127.0.0.1", 1);
    assert!(host.set(&a, "port", &host.int(65535)));
    assert_eq!(host.to_string(&a), "127.0.0.1:65535");
    assert!(host.set(&a, "addr_u32", &host.int(0x0A00_0001)));
    assert_eq!(host.to_string(&a), "10.0.0.1:65535");
    assert!(host.set(&a, "addr_buf", &host.bytes(&[192, 168, 1, 2])));
    assert_eq!(host.to_string(&a), "192.168.1.2:65535");
    let bytes = host.array(&[&host.int(8), &host.int(8), &host.int(4), &host.int(4)]);
    assert!(host.set(&a, "addr_bytes", &bytes));
    assert_eq!(host.to_string(&a), "8.8.4.4:65535");
    assert!(host.set(&a, "addr_string", &host.str("1.1.1.1")));
    assert_eq!(host.to_string(&a), "1.1.1.1:65535");
    assert!(host.set(&a, "full_addr_string", &host.str("9.9.9.9:53")));
    assert_eq!(host.to_string(&a), "9.9.9.9:53");
    assert!(host.take_warnings().is_empty());

    let b = host.call1(
        "socket_address",
        &[&host.int(af(&host, "AF_INET6")), &host.str("::1")],
    );
    assert!(host.set(&b, "full_addr_string", &host.str("[2001:db8::7]:8443")));
    assert_eq!(host.get(&b, "port").unwrap().as_int(), Some(8443));
    assert_eq!(host.to_string(&b), "[2001:db8::7]:8443");
    let mut sixteen = [0u8; 16];
    sixteen[0] = 0xfe;
    sixteen[1] = 0x80;
    assert!(host.set(&b, "addr_buf", &host.bytes(&sixteen)));
    assert_eq!(
        host.get(&b, "addr_string").unwrap().as_str().as_deref(),
        Some("fe80::")
    );
    assert!(host.take_warnings().is_empty());
}

#[test]
fn writes_that_do_not_fit_leave_the_address_unchanged_and_warn() {
    let host = loaded_host();
    let a = v4(&host, "127.0.0.1", 80);
    let six = host.call1(
        "socket_address",
        &[
            &host.int(af(&host, "AF_INET6")),
            &host.str("::1"),
            &host.int(80),
        ],
    );
    let bad_bytes = host.array(&[&host.int(1), &host.int(256), &host.int(3), &host.int(4)]);
    let short_bytes = host.array(&[&host.int(1), &host.int(2)]);
    let cases = [
        (&a, "port", host.int(70000)),
        (&a, "port", host.int(-5)),
        (&a, "port", host.str("http")),
        (&a, "addr_u32", host.int(1 << 32)),
        (&a, "addr_u32", host.int(-1)),
        (&a, "addr_buf", host.bytes(&[1, 2, 3])),
        (&a, "addr_bytes", bad_bytes),
        (&a, "addr_bytes", short_bytes),
        (&a, "addr_string", host.str("::1")),
        (&a, "full_addr_string", host.str("1.2.3:4")),
        (&a, "family", host.int(10)),
        (&six, "addr_u32", host.int(1)),
        (&six, "addr_buf", host.bytes(&[1, 2, 3, 4])),
    ];
    for (target, prop, value) in cases {
        let before = host.to_string(target);
        assert!(host.set(target, prop, &value), "{prop} is a known property");
        assert_eq!(host.to_string(target), before, "{prop} changed the address");
        let warnings = host.take_warnings();
        assert_eq!(warnings.len(), 1, "{prop}: {warnings:?}");
        assert!(
            warnings[0].starts_with(&format!("socket_address.{prop}: ")),
            "{warnings:?}"
        );
    }
    // Reads that do not apply to the family: warning + null.
    assert!(host.get(&six, "addr_u32").unwrap().is_null());
    assert_eq!(host.take_warnings().len(), 1);
    // Unknown properties are simply not found.
    assert!(host.get(&a, "nonsense").is_none());
    assert!(!host.set(&a, "nonsense", &host.int(1)));
    assert!(host.take_warnings().is_empty());
}

#[test]
fn comparison_by_family_bytes_port() {
    let host = loaded_host();
    let a = v4(&host, "10.0.0.1", 80);
    let a2 = v4(&host, "10.0.0.1", 80);
    let b = v4(&host, "10.0.0.1", 81);
    let c = v4(&host, "10.0.0.2", 1);
    let six = host.call1(
        "socket_address",
        &[&host.int(af(&host, "AF_INET6")), &host.str("::")],
    );
    assert_eq!(host.compare(&a, &a2), Some(0.0));
    assert!(host.compare(&a, &b).unwrap() < 0.0);
    assert!(host.compare(&b, &a).unwrap() > 0.0);
    assert!(host.compare(&b, &c).unwrap() < 0.0, "bytes before port");
    let inet_first = af(&host, "AF_INET") < af(&host, "AF_INET6");
    assert_eq!(
        host.compare(&a, &six).unwrap() < 0.0,
        inet_first,
        "family first"
    );
    // Not comparable with other types (the VM falls back to identity).
    assert_eq!(host.compare(&a, &host.int(5)), None);
}

#[test]
fn clone_is_an_independent_value() {
    let host = loaded_host();
    let a = v4(&host, "127.0.0.1", 80);
    let b = host.clone_object(&a).expect("clone");
    assert_eq!(host.type_of(&b), "socket_address");
    assert!(host.set(&b, "port", &host.int(81)));
    assert_eq!(host.to_string(&a), "127.0.0.1:80");
    assert_eq!(host.to_string(&b), "127.0.0.1:81");
}

#[test]
fn addresses_are_freed_with_their_last_reference() {
    let host = loaded_host();
    let before = host.live_objects();
    {
        let _a = v4(&host, "127.0.0.1", 80);
        let _b = host.call1(
            "socket_address",
            &[&host.int(af(&host, "AF_INET6")), &host.str("::1")],
        );
        assert_eq!(host.live_objects(), before + 2);
    }
    assert_eq!(host.live_objects(), before);
    assert_eq!(host.stack_len(), 0);
}
