//! Descriptor exhaustion: a clear EMFILE error, then normal service once descriptors free up.
//! Alone in its binary because the descriptor limit is process-wide.
#![cfg(unix)]

use sgssockets_core::{errno::errno_by_name, Socket};
use sgssockets_test_support::fd_limit::SoftFdLimit;

#[test]
fn emfile_is_reported_and_service_resumes() {
    let _limit = SoftFdLimit::lower_to(64);

    let mut held = Vec::new();
    let err = loop {
        match Socket::udp(false) {
            Ok(socket) => held.push(socket),
            Err(err) => break err,
        }
        assert!(held.len() < 64, "the limit of 64 descriptors was never hit");
    };
    assert_eq!(Some(err.code()), errno_by_name("EMFILE"));
    assert_eq!(err.operation(), "socket");
    assert!(err.to_string().starts_with("socket: "), "{err}");

    held.truncate(held.len() - 4);
    let socket = Socket::udp(false).expect("service resumes once descriptors are free");
    socket.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
    drop(held);
}
