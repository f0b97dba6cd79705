//! A signal that interrupts a blocking receive is retried (PEP 475) and the timeout still holds.
#![cfg(unix)]

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::os::unix::thread::JoinHandleExt;

use sgssockets_core::MsgFlags;

static HANDLED: AtomicUsize = AtomicUsize::new(0);

extern "C" fn count_signal(_: libc::c_int) {
    HANDLED.fetch_add(1, Ordering::SeqCst);
}

fn install_handler_without_restart() {
    // SAFETY: a zeroed sigaction with a plain handler and no SA_RESTART is valid; the
    // handler only touches an atomic, which is async-signal-safe.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = count_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR1, &action, std::ptr::null_mut()),
            0
        );
    }
}

#[test]
fn interrupted_receive_resumes_and_times_out_on_schedule() {
    install_handler_without_restart();
    let socket = Arc::new(common::udp(false));
    let timeout = Duration::from_millis(400);
    socket.set_recv_timeout(Some(timeout)).unwrap();
    let done = Arc::new(AtomicBool::new(false));

    let receiver = {
        let socket = Arc::clone(&socket);
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut buf = [0u8; 8];
            let result = socket.recv(&mut buf, MsgFlags::empty());
            done.store(true, Ordering::SeqCst);
            (result, started.elapsed())
        })
    };
    // Keep interrupting until the receive gives up: each signal makes recv(2) return EINTR.
    // This is a stream of interruptions, not synchronisation: the assertions hold whenever
    // the signals land.
    let mut sent = 0;
    while !done.load(Ordering::SeqCst) && sent < 1000 {
        // SAFETY: the thread is alive until joined below (a finished but unjoined thread's
        // id stays valid), and SIGUSR1 has a handler installed above.
        unsafe { libc::pthread_kill(receiver.as_pthread_t(), libc::SIGUSR1) };
        sent += 1;
        std::thread::park_timeout(Duration::from_millis(20));
    }
    let (result, elapsed) = receiver.join().unwrap();
    let err = result.unwrap_err();
    assert!(err.is_would_block(), "{err}");
    assert!(
        HANDLED.load(Ordering::SeqCst) > 0,
        "the signal must have been delivered"
    );
    assert!(elapsed >= timeout, "returned early after {elapsed:?}");
    assert!(
        elapsed < timeout * 3,
        "timeout restarted on each signal: {elapsed:?}"
    );
}

#[test]
fn interrupted_select_resumes_with_the_time_left() {
    install_handler_without_restart();
    let socket = Arc::new(common::udp(false));
    let timeout = Duration::from_millis(400);
    let done = Arc::new(AtomicBool::new(false));
    let waiter = {
        let socket = Arc::clone(&socket);
        let done = Arc::clone(&done);
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut read = vec![&*socket];
            let result =
                sgssockets_core::select(&mut read, &mut vec![], &mut vec![], Some(timeout));
            done.store(true, Ordering::SeqCst);
            (result, started.elapsed())
        })
    };
    let mut sent = 0;
    while !done.load(Ordering::SeqCst) && sent < 1000 {
        // SAFETY: the thread's id stays valid until it is joined below, and SIGUSR1 has
        // a handler installed above.
        unsafe { libc::pthread_kill(waiter.as_pthread_t(), libc::SIGUSR1) };
        sent += 1;
        std::thread::park_timeout(Duration::from_millis(20));
    }
    let (result, elapsed) = waiter.join().unwrap();
    assert_eq!(result.unwrap(), 0, "nothing arrived, so the wait timed out");
    assert!(elapsed >= timeout, "returned early after {elapsed:?}");
    assert!(
        elapsed < timeout * 3,
        "the wait restarted on each signal: {elapsed:?}"
    );
}
