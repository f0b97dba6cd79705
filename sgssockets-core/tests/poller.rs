//! The poller (SPEC §7) on loopback: level, edge and oneshot semantics, interest changes,
//! hang-ups, listeners, timeouts, signals, notify, closing registered sockets (one and two
//! pollers), descriptor reuse, thousands of sockets above descriptor 1023, and bad calls.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use sgssockets_core::{Interest, MsgFlags, PollEvents, PollMode, Poller, Socket};
use sgssockets_test_support::WAIT;

/// The events of one wait, as sorted (key, readable, writable).
fn wait(poller: &Poller, timeout: Option<Duration>) -> Vec<(u64, bool, bool)> {
    let mut events = PollEvents::new();
    let count = poller.wait(&mut events, timeout).expect("wait");
    assert_eq!(count, events.len());
    let mut ready: Vec<_> = events
        .iter()
        .map(|e| (e.key, e.readable, e.writable))
        .collect();
    ready.sort_unstable();
    ready
}

/// Waits (bounded) until something is ready.
fn wait_ready(poller: &Poller) -> Vec<(u64, bool, bool)> {
    wait(poller, Some(WAIT))
}

/// Waits without waiting.
fn poll_now(poller: &Poller) -> Vec<(u64, bool, bool)> {
    wait(poller, Some(Duration::ZERO))
}

fn send(socket: &Socket, data: &[u8]) {
    assert_eq!(socket.send(data, MsgFlags::empty()).unwrap(), data.len());
}

fn drain(socket: &Socket) {
    let mut buf = [0u8; 4096];
    socket.recv(&mut buf, MsgFlags::empty()).unwrap();
}

/// Four connected pairs registered in `mode` (keys 0..4), each server end with data to read.
fn four_readable(poller: &Poller, mode: PollMode) -> Vec<(Socket, Socket)> {
    let pairs: Vec<_> = (0..4u64)
        .map(|key| {
            let (client, server) = common::tcp_pair(false);
            poller
                .add_with_mode(&server, key, Interest::READ, mode)
                .unwrap();
            send(&client, b"x");
            (client, server)
        })
        .collect();
    // Loopback data is there once send returns; wait until the poller agrees, to be sure.
    let mut events = PollEvents::new();
    let deadline = Instant::now() + WAIT;
    if mode == PollMode::Level {
        while poller.wait(&mut events, Some(WAIT)).unwrap() < 4 {
            assert!(Instant::now() < deadline, "the four never became readable");
        }
    }
    pairs
}

/// The keys of `waits` waits that take at most `limit` events each.
fn limited_keys(poller: &Poller, limit: usize, waits: usize) -> Vec<u64> {
    let mut events = PollEvents::with_limit(std::num::NonZeroUsize::new(limit).unwrap());
    let mut keys = Vec::new();
    for _ in 0..waits {
        let count = poller.wait(&mut events, Some(Duration::ZERO)).unwrap();
        assert!(count <= limit, "{count} events with a limit of {limit}");
        keys.extend(events.iter().map(|e| e.key));
    }
    keys
}

#[test]
fn a_limit_takes_turns_among_level_triggered_sockets() {
    let poller = Poller::new().unwrap();
    let _pairs = four_readable(&poller, PollMode::Level);
    let mut keys = limited_keys(&poller, 1, 4);
    keys.sort_unstable();
    assert_eq!(
        keys,
        [0, 1, 2, 3],
        "four waits of one give each socket once"
    );
    assert_eq!(limited_keys(&poller, 3, 1).len(), 3);
    let mut events = PollEvents::with_limit(std::num::NonZeroUsize::MIN);
    events.set_limit(None);
    assert_eq!(poller.wait(&mut events, Some(Duration::ZERO)).unwrap(), 4);
}

#[test]
fn edge_events_beyond_a_limit_stay_queued() {
    let poller = Poller::new().unwrap();
    let pairs = four_readable(&poller, PollMode::Edge);
    for (_, server) in &pairs {
        let mut byte = [0u8; 1];
        server.set_nonblocking(false).unwrap();
        server.recv(&mut byte, MsgFlags::PEEK).unwrap(); // the data is there
    }
    let mut keys = limited_keys(&poller, 3, 1);
    assert_eq!(keys.len(), 3);
    keys.extend(limited_keys(&poller, 3, 1));
    keys.sort_unstable();
    assert_eq!(keys, [0, 1, 2, 3], "the fourth edge waited in the kernel");
    assert_eq!(limited_keys(&poller, 3, 1), [0u64; 0], "each edge once");
}

#[test]
fn level_triggered_reports_while_ready() {
    let (client, server) = common::tcp_pair(false);
    let poller = Poller::new().unwrap();
    poller.add(&server, 1, Interest::READ).unwrap();
    assert_eq!(poll_now(&poller), []);
    send(&client, b"abc");
    assert_eq!(wait_ready(&poller), [(1, true, false)]);
    // Still unread: reported again, and again.
    assert_eq!(poll_now(&poller), [(1, true, false)]);
    assert_eq!(poll_now(&poller), [(1, true, false)]);
    drain(&server);
    assert_eq!(poll_now(&poller), []);
}

#[test]
fn read_write_and_both_interest() {
    let (client, server) = common::tcp_pair(false);
    let poller = Poller::new().unwrap();
    poller.add(&client, 1, Interest::WRITE).unwrap();
    poller.add(&server, 2, Interest::BOTH).unwrap();
    send(&client, b"x");
    assert_eq!(wait_ready(&poller), [(1, false, true), (2, true, true)]);
    poller.modify(&server, Interest::READ).unwrap();
    assert_eq!(poll_now(&poller), [(1, false, true), (2, true, false)]);
    poller.modify(&client, Interest::READ).unwrap();
    assert_eq!(poll_now(&poller), [(2, true, false)]);
}

#[test]
fn modify_to_none_reports_nothing_even_on_hang_up() {
    let (client, server) = common::tcp_pair(false);
    let poller = Poller::new().unwrap();
    poller.add(&server, 1, Interest::READ).unwrap();
    poller.modify(&server, Interest::NONE).unwrap();
    assert_eq!(poller.len(), 1, "still registered");
    send(&client, b"x");
    drop(client);
    assert_eq!(wait(&poller, Some(Duration::from_millis(50))), []);
    poller.modify(&server, Interest::READ).unwrap();
    assert_eq!(wait_ready(&poller), [(1, true, false)]);
}

#[test]
fn peer_close_and_reset_are_readable() {
    let (client, server) = common::tcp_pair(false);
    let poller = Poller::new().unwrap();
    poller.add(&server, 1, Interest::READ).unwrap();
    drop(client);
    assert_eq!(wait_ready(&poller), [(1, true, false)]);

    // A reset (linger 0) is readable too, and writable when writes were asked for.
    let (client, server) = common::tcp_pair(false);
    let poller = Poller::new().unwrap();
    poller.add(&server, 2, Interest::WRITE).unwrap();
    assert_eq!(wait_ready(&poller), [(2, false, true)]);
    client.set_linger(Some(Duration::ZERO)).unwrap();
    drop(client);
    let deadline = Instant::now() + WAIT;
    loop {
        let ready = wait_ready(&poller);
        if ready == [(2, true, true)] {
            break;
        }
        assert!(Instant::now() < deadline, "no hang-up reported: {ready:?}");
    }
    let mut buf = [0u8; 8];
    let err = server.recv(&mut buf, MsgFlags::empty()).unwrap_err();
    assert_eq!(err.code(), common::code("ECONNRESET"));
}

#[test]
fn a_listener_is_readable_when_a_connection_waits() {
    let listener = common::listener(false);
    let poller = Poller::new().unwrap();
    poller.add(&listener, 9, Interest::READ).unwrap();
    assert_eq!(poll_now(&poller), []);
    let client = Socket::tcp(false).unwrap();
    client.connect(&listener.local_addr().unwrap()).unwrap();
    assert_eq!(wait_ready(&poller), [(9, true, false)]);
    let (_accepted, _) = listener.accept().unwrap();
    assert_eq!(poll_now(&poller), []);
}

#[test]
fn a_timeout_is_never_cut_short() {
    let socket = common::udp(false);
    let poller = Poller::new().unwrap();
    poller.add(&socket, 1, Interest::READ).unwrap();
    for millis in [1, 7, 30] {
        let timeout = Duration::from_millis(millis);
        let started = Instant::now();
        assert_eq!(wait(&poller, Some(timeout)), []);
        assert!(started.elapsed() >= timeout, "{millis} ms");
    }
    let started = Instant::now();
    assert_eq!(wait(&poller, Some(Duration::from_micros(300))), []);
    assert!(started.elapsed() >= Duration::from_micros(300));
}

#[cfg(unix)]
#[test]
fn a_signal_does_not_end_the_wait_early() {
    use sgssockets_test_support::signals::{assert_timeout_kept, CountingHandler};
    let handler = CountingHandler::install(libc::SIGUSR1);
    let socket = common::udp(false);
    let timeout = Duration::from_millis(400);
    let (result, elapsed) = handler.run_interrupted(move |call| {
        let poller = Poller::new().unwrap();
        poller.add(&socket, 1, Interest::READ).unwrap();
        let mut events = PollEvents::new();
        call.time(|| poller.wait(&mut events, Some(timeout)))
    });
    assert_eq!(result.unwrap(), 0);
    assert!(handler.delivered() > 0);
    assert_timeout_kept(elapsed, timeout);
}

#[test]
fn notify_wakes_a_wait_on_another_thread() {
    let poller = std::sync::Arc::new(Poller::new().unwrap());
    let waiter = {
        let poller = poller.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            let mut events = PollEvents::new();
            let count = poller.wait(&mut events, Some(WAIT)).unwrap();
            (count, started.elapsed())
        })
    };
    poller.notify().unwrap();
    let (count, elapsed) = waiter.join().unwrap();
    assert_eq!(count, 0, "a wake-up is not an event");
    assert!(elapsed < WAIT, "woken before the timeout");
    // The wake-up was consumed: the next wait times out.
    assert_eq!(wait(&poller, Some(Duration::from_millis(20))), []);
}

#[test]
fn closing_a_registered_socket_removes_it_from_every_poller() {
    let (client, mut server) = common::tcp_pair(false);
    let first = Poller::with_closed_keys().unwrap();
    let second = Poller::with_closed_keys().unwrap();
    first.add(&server, 1, Interest::READ).unwrap();
    second.add(&server, 2, Interest::BOTH).unwrap();
    second.add(&client, 3, Interest::WRITE).unwrap();
    server.close().unwrap();
    assert_eq!((first.len(), second.len()), (0, 1));
    assert_eq!(first.take_closed_keys(), [1]);
    assert_eq!(second.take_closed_keys(), [2]);
    assert_eq!(second.take_closed_keys(), Vec::<u64>::new());
    assert_eq!(poll_now(&first), []);
    assert_eq!(
        wait_ready(&second),
        [(3, false, true)],
        "the other poller still works"
    );

    // Dropping does the same.
    let first = Poller::with_closed_keys().unwrap();
    first.add(&client, 4, Interest::READ).unwrap();
    let plain = Poller::new().unwrap();
    plain.add(&client, 5, Interest::READ).unwrap();
    drop(client);
    assert_eq!((first.len(), plain.len()), (0, 0));
    assert_eq!(first.take_closed_keys(), [4]);
    assert_eq!(
        plain.take_closed_keys(),
        [0u64; 0],
        "a plain poller keeps no list"
    );
}

#[test]
fn edge_mode_reports_each_change_once() {
    let (client, server) = common::tcp_pair(false);
    let poller = Poller::new().unwrap();
    poller
        .add_with_mode(&server, 1, Interest::READ, PollMode::Edge)
        .unwrap();
    send(&client, b"a");
    assert_eq!(wait_ready(&poller), [(1, true, false)]);
    assert_eq!(poll_now(&poller), [], "not again until new data");
    send(&client, b"b");
    assert_eq!(wait_ready(&poller), [(1, true, false)]);
}

#[test]
fn oneshot_mode_reports_once_until_modified() {
    let (client, server) = common::tcp_pair(false);
    let poller = Poller::new().unwrap();
    poller
        .add_with_mode(&server, 1, Interest::READ, PollMode::Oneshot)
        .unwrap();
    send(&client, b"a");
    assert_eq!(wait_ready(&poller), [(1, true, false)]);
    send(&client, b"b");
    assert_eq!(poll_now(&poller), []);
    poller.modify(&server, Interest::READ).unwrap();
    assert_eq!(wait_ready(&poller), [(1, true, false)]);
}

#[test]
fn bad_calls_are_clear_errors_and_change_nothing() {
    let poller = Poller::new().unwrap();
    let socket = common::udp(false);
    poller.add(&socket, 1, Interest::READ).unwrap();

    let err = poller.add(&socket, 2, Interest::READ).unwrap_err();
    #[cfg(unix)]
    assert_eq!(err.code(), libc::EEXIST);
    assert_eq!(err.operation(), "poller add");

    let other = common::udp(false);
    let err = poller.remove(&other).unwrap_err();
    assert_eq!(err.operation(), "poller remove");
    let err = poller.modify(&other, Interest::READ).unwrap_err();
    assert_eq!(err.operation(), "poller modify");

    let err = poller.add(&other, u64::MAX, Interest::READ).unwrap_err();
    assert!(err.message().contains("reserved"), "{err}");

    let mut closed = common::udp(false);
    closed.close().unwrap();
    let err = poller.add(&closed, 3, Interest::READ).unwrap_err();
    assert!(err.is_closed());

    assert_eq!(poller.len(), 1);
    assert!(poller.contains(&socket));
    assert!(!poller.contains(&other));
    assert_eq!(
        poller.remove(&socket).unwrap(),
        1,
        "remove gives the key back"
    );
    assert!(poller.is_empty());
    assert!(poller.remove(&socket).is_err(), "removed once only");
}

#[test]
fn a_poller_dropped_first_leaves_its_sockets_working() {
    let (client, server) = common::tcp_pair(false);
    let poller = Poller::new().unwrap();
    poller.add(&server, 1, Interest::READ).unwrap();
    drop(poller);
    send(&client, b"ok");
    let mut buf = [0u8; 4];
    assert_eq!(
        server.recv(&mut buf, MsgFlags::empty()).unwrap(),
        sgssockets_core::Incoming::Data(2)
    );
    // And it can join a new poller.
    let poller = Poller::new().unwrap();
    poller.add(&server, 2, Interest::READ).unwrap();
    assert_eq!(poller.len(), 1);
}

#[cfg(unix)]
#[test]
fn three_thousand_sockets_above_1023_and_exactly_the_ready_ones() {
    use sgssockets_test_support::fd_limit::SoftFdLimit;
    let Some(_limit) = SoftFdLimit::raise_to(8192) else {
        println!("skipped: the hard descriptor limit is below 8192");
        return;
    };
    // Keep the low descriptors busy so every registered one is above 1023.
    let mut low = Vec::new();
    let mut sockets = Vec::new();
    while sockets.len() < 3000 {
        let socket = common::udp(false);
        if socket.raw_socket().unwrap() > 1023 {
            sockets.push(socket);
        } else {
            low.push(socket);
        }
    }
    let poller = Poller::new().unwrap();
    for (key, socket) in (0u64..).zip(&sockets) {
        poller.add(socket, key, Interest::READ).unwrap();
    }
    assert_eq!(poller.len(), 3000);
    let sender = common::udp(false);
    let ready: BTreeSet<u64> = [3, 1024, 1999, 2999].into();
    for &key in &ready {
        let to = sockets[key as usize].local_addr().unwrap();
        sender.send_to(b"x", &to, MsgFlags::empty()).unwrap();
    }
    let mut seen = BTreeSet::new();
    let deadline = Instant::now() + WAIT;
    while seen.len() < ready.len() && Instant::now() < deadline {
        for (key, readable, writable) in wait_ready(&poller) {
            assert!(readable && !writable);
            seen.insert(key);
        }
    }
    assert_eq!(seen, ready);
    // Every registered socket ready at once is reported in one wait.
    let poller = Poller::new().unwrap();
    for (key, socket) in (0u64..).zip(&sockets) {
        poller.add(socket, key, Interest::WRITE).unwrap();
    }
    assert_eq!(wait_ready(&poller).len(), 3000);
}
