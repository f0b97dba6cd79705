//! A descriptor number reused after a registered socket was closed never reports under the
//! old registration's key. Its own test binary (process), so that no other test takes the
//! freed descriptor number first.

mod common;

use std::time::Duration;

use sgssockets_core::{Interest, MsgFlags, PollEvents, Poller};
use sgssockets_test_support::WAIT;

#[test]
fn a_reused_descriptor_never_reports_under_the_old_key() {
    let poller = Poller::new().unwrap();
    let (client, mut old) = common::tcp_pair(false);
    let old_handle = old.raw_socket();
    poller.add(&old, 1, Interest::READ).unwrap();
    assert_eq!(client.send(b"pending", MsgFlags::empty()).unwrap(), 7);
    old.close().unwrap();
    // New sockets take the lowest free descriptors: one of the next few is the old number.
    let mut spare = Vec::new();
    let new = loop {
        let socket = common::udp(false);
        if socket.raw_socket() == old_handle {
            break socket;
        }
        spare.push(socket);
        assert!(
            spare.len() < 64,
            "the old descriptor number was never reused"
        );
    };
    poller.add(&new, 2, Interest::READ).unwrap();
    let sender = common::udp(false);
    sender
        .send_to(b"x", &new.local_addr().unwrap(), MsgFlags::empty())
        .unwrap();
    let mut events = PollEvents::new();
    assert_eq!(poller.wait(&mut events, Some(WAIT)).unwrap(), 1);
    let keys: Vec<_> = events.iter().map(|e| (e.key, e.readable)).collect();
    assert_eq!(keys, [(2, true)]);
    // Nothing is ever reported for the old key.
    assert_eq!(
        poller
            .wait(&mut events, Some(Duration::from_millis(20)))
            .unwrap(),
        1
    );
    assert!(events.iter().all(|e| e.key == 2));
}
