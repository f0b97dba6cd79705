//! Collecting pollers leaks no descriptor and no object. Its own test binary (process), as
//! it counts the whole process's open descriptors.

mod common;

use common::{loaded_host, tcp_pair, udp_bound};
use sgssockets_test_support::fds;

#[test]
fn collecting_pollers_leaks_no_descriptor_and_no_object() {
    let host = loaded_host();
    let objects_before = host.live_objects();
    let fds_before = fds::count_open();
    for _ in 0..20 {
        let p = host.call_for_object("socket_poller", &[], "socket_poller");
        let (a, _) = udp_bound(&host);
        let (client, server) = tcp_pair(&host);
        host.method1(&p, "add", &[&a]);
        host.method1(&p, "add", &[&client]);
        host.method1(&p, "add", &[&server]);
        // Dropping the values drops the last references: poller and sockets go.
    }
    host.collect_garbage();
    assert_eq!(host.live_objects(), objects_before);
    assert_eq!(fds::count_open(), fds_before);
    assert!(host.take_messages().is_empty());
}
