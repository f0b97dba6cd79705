//! select: readiness meaning, in-place filtering, timeouts, no descriptor limit.

mod common;

use std::time::{Duration, Instant};

use common::{code, tcp_pair, udp, WAIT};
use sgssockets_core::{select, MsgFlags, Socket};
#[cfg(unix)]
use sgssockets_test_support::fd_limit::SoftFdLimit;

#[test]
fn filters_each_list_in_place_keeping_order() {
    let sockets: Vec<Socket> = (0..6).map(|_| udp(false)).collect();
    let sender = udp(false);
    for i in [1, 4, 5] {
        sender
            .send_to(b"x", &sockets[i].local_addr().unwrap(), MsgFlags::empty())
            .unwrap();
    }
    // Readiness of all three is certain once a select with all six has seen them.
    let mut read: Vec<&Socket> = sockets.iter().collect();
    let mut seen = 0;
    while seen < 3 {
        read = sockets.iter().collect();
        seen = select(&mut read, &mut vec![], &mut vec![], Some(WAIT)).unwrap();
    }
    let positions: Vec<usize> = read
        .iter()
        .map(|r| sockets.iter().position(|s| std::ptr::eq(s, *r)).unwrap())
        .collect();
    assert_eq!(positions, vec![1, 4, 5]);

    let mut write: Vec<&Socket> = sockets.iter().rev().collect();
    let mut read: Vec<&Socket> = vec![&sockets[0], &sockets[1]];
    let ready = select(&mut read, &mut write, &mut vec![], Some(WAIT)).unwrap();
    assert_eq!(ready, 1 + 6, "sockets[1] readable, all six writable");
    assert!(std::ptr::eq(read[0], &sockets[1]));
    assert!(std::ptr::eq(write[0], &sockets[5]));
}

#[test]
fn timeout_empties_the_lists_and_returns_zero() {
    let quiet = udp(false);
    let mut read = vec![&quiet];
    let started = Instant::now();
    let ready = select(
        &mut read,
        &mut vec![],
        &mut vec![],
        Some(Duration::from_millis(30)),
    )
    .unwrap();
    assert_eq!(ready, 0);
    assert!(read.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(30));
    // Sub-millisecond timeouts still wait rather than spin or fail.
    let ready = select(
        &mut vec![&quiet],
        &mut vec![],
        &mut vec![],
        Some(Duration::from_micros(10)),
    )
    .unwrap();
    assert_eq!(ready, 0);
}

#[test]
fn closed_socket_in_a_list_is_ebadf_and_lists_are_untouched() {
    let open = udp(false);
    let mut closed = udp(false);
    closed.close().unwrap();
    let mut read = vec![&open, &closed];
    let err = select(&mut read, &mut vec![], &mut vec![], Some(WAIT)).unwrap_err();
    assert_eq!(err.code(), code("EBADF"));
    assert_eq!(err.operation(), "select");
    assert_eq!(read.len(), 2);
}

#[test]
fn peer_close_makes_a_stream_readable() {
    let (client, server) = tcp_pair(false);
    drop(client);
    let mut read = vec![&server];
    assert_eq!(
        select(&mut read, &mut vec![], &mut vec![], Some(WAIT)).unwrap(),
        1
    );
}

#[test]
fn out_of_band_data_is_an_exceptional_condition() {
    let (client, server) = tcp_pair(false);
    client.send(b"!", MsgFlags::OOB).unwrap();
    let mut error = vec![&server];
    assert_eq!(
        select(&mut vec![], &mut vec![], &mut error, Some(WAIT)).unwrap(),
        1
    );
}

#[cfg(unix)]
#[test]
fn more_than_1024_sockets_and_descriptors_above_1023() {
    let Some(_limit) = SoftFdLimit::raise_to(4096) else {
        eprintln!("select_above_1024: skipped, RLIMIT_NOFILE cannot reach 4096 here");
        return;
    };
    let sockets: Vec<Socket> = (0..1500).map(|_| Socket::udp(false).unwrap()).collect();
    for s in &sockets {
        s.bind(&common::loopback(false)).unwrap();
    }
    assert!(sockets.last().unwrap().raw_socket().unwrap() > 1023);
    let last = sockets.last().unwrap();
    let sender = udp(false);
    sender
        .send_to(b"hi", &last.local_addr().unwrap(), MsgFlags::empty())
        .unwrap();
    let mut read: Vec<&Socket> = sockets.iter().collect();
    let ready = select(&mut read, &mut vec![], &mut vec![], Some(WAIT)).unwrap();
    assert_eq!(ready, 1);
    assert!(std::ptr::eq(read[0], last));
    let mut write: Vec<&Socket> = sockets.iter().collect();
    assert_eq!(
        select(&mut vec![], &mut write, &mut vec![], Some(WAIT)).unwrap(),
        1500
    );
}
