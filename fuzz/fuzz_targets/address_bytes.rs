//! Address construction from bytes, integers and ports: never a panic, and every write that
//! fails leaves the address as it was.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sgssockets_core::constants::{AF_INET, AF_INET6};
use sgssockets_core::SocketAddress;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let family = if selector & 1 == 0 { AF_INET } else { AF_INET6 };
    let port = u16::from(selector) << 8 | u16::from(selector);
    let Ok(mut addr) = SocketAddress::from_bytes(family, rest, port) else {
        assert!(rest.len() != 4 || family != AF_INET);
        return;
    };
    assert_eq!(&addr.addr_bytes().unwrap()[..], rest);
    assert_eq!(addr.port(), Some(port));
    for chunk in rest.chunks(3) {
        let before = addr.clone();
        if addr.set_addr_bytes(chunk).is_err() {
            assert_eq!(addr, before);
        }
        let value = chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b));
        if addr.set_addr_u32(value).is_err() {
            assert_eq!(addr.family(), AF_INET6);
        }
    }
    let printed = addr.to_string();
    assert_eq!(printed.parse::<SocketAddress>().unwrap(), addr);
});
