//! Address text parsing: any input is either rejected with an error or parsed into an
//! address whose printed form parses back to the same address.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sgssockets_core::constants::{AF_INET, AF_INET6, AF_UNIX};
use sgssockets_core::SocketAddress;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for family in [AF_INET, AF_INET6, AF_UNIX, 0, -1, i32::MAX] {
        if let Ok(mut addr) = SocketAddress::parse(family, text) {
            assert_eq!(addr.family(), family);
            if let Some(host) = addr.addr_string() {
                let again = SocketAddress::parse(family, &host).expect("printed text parses");
                assert_eq!(again, addr);
            }
            let before = addr.clone();
            if addr.set_addr_string(text).is_err() {
                assert_eq!(addr, before, "a failed write leaves the address unchanged");
            }
            if addr.set_full_addr_string(text).is_err() {
                assert_eq!(addr, before);
            }
        }
    }
    if let Ok(addr) = text.parse::<SocketAddress>() {
        let printed = addr.to_string();
        assert_eq!(printed.parse::<SocketAddress>().expect("Display parses back"), addr);
        let raw = addr.to_sockaddr();
        assert_eq!(SocketAddress::from_sockaddr(&raw), addr);
    }
});
