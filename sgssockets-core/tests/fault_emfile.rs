//! Descriptor exhaustion: a clear EMFILE error, then normal service once descriptors free up.
//! Alone in its binary because the descriptor limit is process-wide.
#![cfg(unix)]

use sgssockets_core::{errno::errno_by_name, Socket};

#[test]
fn emfile_is_reported_and_service_resumes() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct we own.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(rc, 0);
    let original = limit;
    limit.rlim_cur = 64;
    // SAFETY: setrlimit reads the struct we own; lowering the soft limit is always allowed.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) };
    assert_eq!(rc, 0);

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
    // SAFETY: setrlimit reads the struct we own; restoring the original soft limit.
    let rc = unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &original) };
    assert_eq!(rc, 0);
}
