//! SocketAddress: parsing, formatting, fields, ordering, conversions.

use std::collections::HashSet;
use std::net::SocketAddr;

use sgssockets_core::constants::{AF_INET, AF_INET6, AF_IPX, AF_UNIX};
use sgssockets_core::{ErrorCategory, SocketAddress};

#[test]
fn ipv4_text_round_trips_with_port_in_host_order() {
    let mut addr = SocketAddress::parse(AF_INET, "127.0.0.1").unwrap();
    assert_eq!(addr.family(), AF_INET);
    assert_eq!(addr.port(), Some(0));
    addr.set_port(8080).unwrap();
    assert_eq!(addr.to_string(), "127.0.0.1:8080");
    assert_eq!(addr.full_addr_string().unwrap(), "127.0.0.1:8080");
    assert_eq!(addr.addr_string().unwrap(), "127.0.0.1");
    assert_eq!(addr.addr_u32(), Some(0x7f00_0001));
    assert_eq!(&addr.addr_bytes().unwrap()[..], &[127, 0, 0, 1]);
}

#[test]
fn ipv6_text_is_accepted_with_or_without_brackets_and_printed_canonically() {
    for text in ["::1", "[::1]", "0:0:0:0:0:0:0:1", "0000:0000::0001"] {
        let addr = SocketAddress::parse(AF_INET6, text).unwrap();
        assert_eq!(addr.addr_string().unwrap(), "::1", "{text}");
    }
    let addr = SocketAddress::parse(AF_INET6, "2001:DB8:0:0:1:0:0:1").unwrap();
    assert_eq!(addr.addr_string().unwrap(), "2001:db8::1:0:0:1");
    let mapped = SocketAddress::parse(AF_INET6, "::ffff:192.0.2.1").unwrap();
    assert_eq!(mapped.addr_string().unwrap(), "::ffff:192.0.2.1");
    let mut full = SocketAddress::parse(AF_INET6, "[::1]").unwrap();
    full.set_port(443).unwrap();
    assert_eq!(full.to_string(), "[::1]:443");
    assert_eq!(full.addr_bytes().unwrap().len(), 16);
    assert_eq!(full.addr_u32(), None);
}

#[test]
fn scoped_ipv6_keeps_its_scope() {
    let addr: SocketAddress = "[fe80::1%3]:80".parse().unwrap();
    assert_eq!(addr.to_string(), "[fe80::1%3]:80");
    assert_eq!(addr.addr_string().unwrap(), "fe80::1%3");
}

#[test]
fn bad_text_is_rejected_with_a_message_naming_the_call() {
    for (family, text) in [
        (AF_INET, "256.0.0.1"),
        (AF_INET, "1.2.3"),
        (AF_INET, "::1"),
        (AF_INET, ""),
        (AF_INET, "01.2.3.4"),
        (AF_INET6, "1.2.3.4"),
        (AF_INET6, "[::1"),
        (AF_INET6, ":::"),
    ] {
        let err = SocketAddress::parse(family, text).unwrap_err();
        assert_eq!(err.category(), ErrorCategory::InvalidInput, "{text}");
        assert_eq!(err.operation(), "SocketAddress::parse");
        assert!(
            err.to_string().starts_with("SocketAddress::parse: "),
            "{err}"
        );
        assert_eq!(err.code(), sgssockets_core::errno::EINVAL);
    }
    let err = SocketAddress::parse(AF_IPX, "x").unwrap_err();
    assert!(err.message().contains("AF_IPX"), "{err}");
}

#[test]
fn host_port_text_parses_both_families() {
    let v4: SocketAddress = "10.1.2.3:65535".parse().unwrap();
    assert_eq!(v4.port(), Some(65535));
    let v6: SocketAddress = "[2001:db8::7]:1".parse().unwrap();
    assert_eq!(v6.family(), AF_INET6);
    assert_eq!(v6.port(), Some(1));
    let bare: SocketAddress = "::1".parse().unwrap();
    assert_eq!(bare.port(), Some(0));
    assert!("127.0.0.1:65536".parse::<SocketAddress>().is_err());
    assert!("localhost:80".parse::<SocketAddress>().is_err());
}

#[test]
fn bytes_and_u32_constructors_check_lengths() {
    let v4 = SocketAddress::from_bytes(AF_INET, &[192, 168, 1, 200], 53).unwrap();
    assert_eq!(v4.to_string(), "192.168.1.200:53");
    let mut v6_bytes = [0u8; 16];
    v6_bytes[15] = 1;
    let v6 = SocketAddress::from_bytes(AF_INET6, &v6_bytes, 9).unwrap();
    assert_eq!(v6.to_string(), "[::1]:9");
    for (family, len) in [(AF_INET, 3), (AF_INET, 16), (AF_INET6, 4), (AF_INET6, 0)] {
        let err = SocketAddress::from_bytes(family, &vec![0; len], 0).unwrap_err();
        assert!(err.message().contains(&format!("got {len}")), "{err}");
    }
    assert!(SocketAddress::from_bytes(AF_UNIX, &[1, 2, 3, 4], 0).is_err());
    assert_eq!(
        SocketAddress::from_u32(0xC0A8_0001, 1).to_string(),
        "192.168.0.1:1"
    );
    assert_eq!(
        SocketAddress::from_u32(u32::MAX, 0).addr_u32(),
        Some(u32::MAX)
    );
}

#[test]
fn setters_that_do_not_fit_leave_the_address_unchanged() {
    let mut v4: SocketAddress = "127.0.0.1:80".parse().unwrap();
    let before = v4.clone();
    assert!(v4.set_addr_bytes(&[1, 2, 3]).is_err());
    assert!(v4.set_addr_string("::1").is_err());
    assert!(v4.set_addr_string("nonsense").is_err());
    assert!(v4.set_full_addr_string("[::1]:80").is_err());
    assert_eq!(v4, before);

    let mut v6: SocketAddress = "[::1]:80".parse().unwrap();
    let before = v6.clone();
    let err = v6.set_addr_u32(1).unwrap_err();
    assert!(err.message().contains("AF_INET6"), "{err}");
    assert!(v6.set_addr_bytes(&[1, 2, 3, 4]).is_err());
    assert_eq!(v6, before);

    let mut unix = SocketAddress::unix("/tmp/x.sock").unwrap();
    assert!(unix.set_port(1).is_err());
    assert_eq!(unix.port(), None);
    assert_eq!(unix.addr_u32(), None);
    assert!(unix.addr_bytes().is_none());
}

#[test]
fn setters_that_fit_change_only_their_part() {
    let mut addr: SocketAddress = "127.0.0.1:80".parse().unwrap();
    addr.set_addr_u32(0x0a00_0001).unwrap();
    assert_eq!(addr.to_string(), "10.0.0.1:80");
    addr.set_addr_bytes(&[1, 2, 3, 4]).unwrap();
    assert_eq!(addr.to_string(), "1.2.3.4:80");
    addr.set_addr_string("5.6.7.8").unwrap();
    assert_eq!(addr.to_string(), "5.6.7.8:80");
    addr.set_full_addr_string("9.9.9.9:99").unwrap();
    assert_eq!(addr.to_string(), "9.9.9.9:99");
}

#[test]
fn unix_addresses_are_paths() {
    let addr = SocketAddress::unix("/tmp/some.sock").unwrap();
    assert_eq!(addr.family(), AF_UNIX);
    assert_eq!(addr.to_string(), "/tmp/some.sock");
    assert_eq!(addr.addr_string().unwrap(), "/tmp/some.sock");
    assert_eq!(
        SocketAddress::parse(AF_UNIX, "/tmp/some.sock").unwrap(),
        addr
    );
    let too_long = "/".repeat(200);
    assert!(SocketAddress::unix(too_long).is_err());
}

#[test]
fn ordering_is_family_then_bytes_then_port() {
    let a: SocketAddress = "1.2.3.4:9".parse().unwrap();
    let b: SocketAddress = "1.2.3.5:1".parse().unwrap();
    let c: SocketAddress = "1.2.3.5:2".parse().unwrap();
    let v6: SocketAddress = "[::]:0".parse().unwrap();
    assert!(a < b && b < c);
    assert_eq!(
        a.clone().max(v6.clone()),
        if AF_INET < AF_INET6 {
            v6.clone()
        } else {
            a.clone()
        }
    );
    let set: HashSet<SocketAddress> = [a.clone(), a.clone(), b.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    assert_eq!(a, "1.2.3.4:9".parse().unwrap());
}

#[test]
fn converts_to_and_from_std_and_socket2() {
    let std_addr: SocketAddr = "[::1]:5000".parse().unwrap();
    let addr = SocketAddress::from(std_addr);
    assert_eq!(SocketAddr::try_from(addr.clone()).unwrap(), std_addr);
    let raw = sgssockets_core::socket2::SockAddr::from(&addr);
    assert_eq!(raw.len() as usize, 28 /* sizeof(sockaddr_in6) */);
    assert_eq!(SocketAddress::from(raw), addr);
    let v4 = SocketAddress::from_u32(0x7f00_0001, 1);
    assert_eq!(
        sgssockets_core::socket2::SockAddr::from(&v4).len() as usize,
        16, /* sizeof(sockaddr_in) */
        "the exact length goes to the OS, never sizeof(sockaddr_storage)"
    );
    assert!(SocketAddr::try_from(SocketAddress::unix("/x").unwrap()).is_err());
}

#[test]
fn debug_names_the_family() {
    let addr: SocketAddress = "127.0.0.1:1".parse().unwrap();
    assert_eq!(format!("{addr:?}"), "SocketAddress(AF_INET 127.0.0.1:1)");
}
