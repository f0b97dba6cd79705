//! Descriptor exhaustion through the module: `socket_tcp()` gives `null` with a warning
//! naming it and `socket_error()` == EMFILE, then works again once descriptors are freed.
//! Alone in its binary because the descriptor limit is process-wide.
#![cfg(unix)]

mod common;
use common::*;
use sgssockets_test_support::fd_limit::SoftFdLimit;

/// The soft descriptor limit while exhausting it.
const LIMIT: libc::rlim_t = 64;

#[test]
fn emfile_is_reported_and_service_resumes() {
    let host = loaded_host();
    let _limit = SoftFdLimit::lower_to(LIMIT);

    let mut held = Vec::new();
    loop {
        let s = host.call1("socket_tcp", &[]);
        if s.is_null() {
            break;
        }
        held.push(s);
        assert!(
            held.len() < LIMIT as usize,
            "the limit of {LIMIT} descriptors was never hit"
        );
    }
    let warnings = host.take_warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].starts_with("socket_tcp(): "), "{warnings:?}");
    let emfile = errno_named(&host, "EMFILE");
    assert_eq!(last_error(&host), emfile);
    // Other calls that need a descriptor fail the same clear way.
    assert!(host.call1("socket_udp", &[]).is_null());
    assert_eq!(last_error(&host), emfile);
    assert_eq!(host.take_warnings().len(), 1);

    // Free a few: service resumes.
    held.truncate(held.len() - 4);
    let (listener, addr) = tcp_listener(&host);
    let client = host.call1("socket_tcp", &[]);
    set_timeout(&host, &client);
    assert_eq!(
        host.method1(&client, "connect", &[&addr]).as_bool(),
        Some(true)
    );
    let accepted = host.call_method(&listener, "accept", &[]);
    assert_eq!(accepted.len(), 2, "{:?}", host.messages());
    assert_eq!(last_error(&host), 0);
    assert!(host.take_warnings().is_empty());

    drop(held);
}
