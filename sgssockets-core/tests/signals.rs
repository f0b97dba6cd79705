//! A signal that interrupts a blocking receive is retried (PEP 475) and the timeout still holds.
#![cfg(unix)]

mod common;

use std::time::Duration;

use sgssockets_core::MsgFlags;
use sgssockets_test_support::signals::{assert_timeout_kept, CountingHandler};

#[test]
fn interrupted_receive_resumes_and_times_out_on_schedule() {
    let handler = CountingHandler::install(libc::SIGUSR1);
    let socket = common::udp(false);
    let timeout = Duration::from_millis(400);
    socket.set_recv_timeout(Some(timeout)).unwrap();
    // Each signal makes recv(2) return EINTR.
    let (result, elapsed) = handler.run_interrupted(move |call| {
        let mut buf = [0u8; 8];
        call.time(|| socket.recv(&mut buf, MsgFlags::empty()))
    });
    let err = result.unwrap_err();
    assert!(err.is_would_block(), "{err}");
    assert!(
        handler.delivered() > 0,
        "the signal must have been delivered"
    );
    assert_timeout_kept(elapsed, timeout);
}

#[test]
fn interrupted_select_resumes_with_the_time_left() {
    let handler = CountingHandler::install(libc::SIGUSR1);
    let socket = common::udp(false);
    let timeout = Duration::from_millis(400);
    let (result, elapsed) = handler.run_interrupted(move |call| {
        let mut read = vec![&socket];
        call.time(|| sgssockets_core::select(&mut read, &mut vec![], &mut vec![], Some(timeout)))
    });
    assert_eq!(result.unwrap(), 0, "nothing arrived, so the wait timed out");
    assert_timeout_kept(elapsed, timeout);
}
