//! SPEC §4 for datagrams (sendto/recvfrom, empty datagrams, truncation) and §2's
//! `socket_select` (filtering in place, order, timeouts, bad items, many sockets).

mod common;
use common::*;
use sgssockets_core::errno;
use sgssockets_sgs_testhost::Value;

#[test]
fn sendto_recvfrom() {
    let host = loaded_host();
    let (a, a_addr) = udp_bound(&host);
    let (b, b_addr) = udp_bound(&host);
    let sent = host.method1(&a, "sendto", &[&host.str("datagram"), &b_addr]);
    assert_eq!(sent.as_int(), Some(8));
    let got = host.call_method(&b, "recvfrom", &[&host.int(100)]);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].as_str().as_deref(), Some("datagram"));
    assert_eq!(host.compare(&got[1], &a_addr), Some(0.0));
    assert_eq!(last_error(&host), 0);
    // With flags.
    let flags = host.int(0);
    assert_eq!(
        host.method1(&b, "sendto", &[&host.str("x"), &a_addr, &flags])
            .as_int(),
        Some(1)
    );
    assert_eq!(
        host.method1(&a, "recv", &[&host.int(10), &flags])
            .as_str()
            .as_deref(),
        Some("x")
    );
    assert!(host.take_warnings().is_empty());
}

#[test]
fn empty_datagram_is_an_empty_string() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    let (b, b_addr) = udp_bound(&host);
    assert_eq!(
        host.method1(&a, "sendto", &[&host.str(""), &b_addr])
            .as_int(),
        Some(0)
    );
    let got = host.method1(&b, "recv", &[&host.int(10)]);
    assert_eq!(
        got.as_str().as_deref(),
        Some(""),
        "never true on a datagram socket"
    );
    host.method1(&a, "sendto", &[&host.str(""), &b_addr]);
    let got = host.call_method(&b, "recvfrom", &[&host.int(10)]);
    assert_eq!(got[0].as_str().as_deref(), Some(""));
    assert_eq!(got.len(), 2);
}

#[test]
fn long_datagrams_are_truncated_to_max() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    let (b, b_addr) = udp_bound(&host);
    host.method1(&a, "sendto", &[&host.str("0123456789"), &b_addr]);
    let got = host.call_method(&b, "recvfrom", &[&host.int(4)]);
    assert_eq!(got[0].as_str().as_deref(), Some("0123"));
    host.method1(&a, "sendto", &[&host.str("abcdefghij"), &b_addr]);
    assert_eq!(
        host.method1(&b, "recv", &[&host.int(3)])
            .as_str()
            .as_deref(),
        Some("abc")
    );
    // A big max with a small datagram allocates by what arrived.
    host.method1(&a, "sendto", &[&host.str("small"), &b_addr]);
    assert_eq!(
        host.method1(&b, "recv", &[&host.int(2_000_000_000)])
            .as_str()
            .as_deref(),
        Some("small")
    );
    host.method1(&a, "sendto", &[&host.str("small2"), &b_addr]);
    let got = host.call_method(&b, "recvfrom", &[&host.int(2_000_000_000)]);
    assert_eq!(got[0].as_str().as_deref(), Some("small2"));
}

#[test]
fn sendto_argument_errors() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    assert!(host
        .method1(&a, "sendto", &[&host.str("x"), &host.int(1)])
        .is_null());
    assert_eq!(
        host.take_warnings(),
        ["socket.sendto(): argument 2 - expected socket_address, got int"]
    );
    assert!(host
        .method1(&a, "sendto", &[&host.int(5), &v4(&host, "127.0.0.1", 9)])
        .is_null());
    assert_eq!(
        host.take_warnings(),
        ["socket.sendto(): argument 1 - expected string, got int"]
    );
    assert!(host.method1(&a, "send", &[]).is_null());
    assert_eq!(
        host.take_warnings(),
        ["socket.send(): argument 1 - expected string, got nothing"]
    );
    // send on an unconnected datagram socket: false with the OS code.
    assert_eq!(
        host.method1(&a, "send", &[&host.str("x")]).as_bool(),
        Some(false)
    );
    assert_eq!(last_error(&host), errno_named(&host, "EDESTADDRREQ"));
}

#[test]
fn select_filters_in_place_in_order() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    let (b, b_addr) = udp_bound(&host);
    let (c, c_addr) = udp_bound(&host);
    host.method1(&a, "sendto", &[&host.str("1"), &c_addr]);
    host.method1(&a, "sendto", &[&host.str("2"), &b_addr]);
    let read = host.array(&[&a, &b, &c]);
    let write = host.array(&[&c]);
    let error = host.array(&[]);
    let ready = host.call1("socket_select", &[&read, &write, &error, &host.real(5.0)]);
    let items = host.array_items(&read).unwrap();
    // Both datagrams have arrived once select returns (loopback delivers synchronously).
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].variable().data_ptr(), b.variable().data_ptr());
    assert_eq!(items[1].variable().data_ptr(), c.variable().data_ptr());
    assert_eq!(
        host.array_items(&write).unwrap().len(),
        1,
        "UDP sockets are writable"
    );
    assert_eq!(ready.as_int(), Some(3));
    assert_eq!(last_error(&host), 0);
}

#[test]
fn select_timeout_and_zero() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    let read = host.array(&[&a]);
    let start = std::time::Instant::now();
    let ready = host.call1(
        "socket_select",
        &[&read, &host.array(&[]), &host.array(&[]), &host.real(0.05)],
    );
    assert_eq!(ready.as_int(), Some(0));
    assert!(start.elapsed() >= std::time::Duration::from_millis(40));
    assert!(
        host.array_items(&read).unwrap().is_empty(),
        "emptied on timeout"
    );
    let read = host.array(&[&a]);
    let ready = host.call1(
        "socket_select",
        &[&read, &host.array(&[]), &host.array(&[]), &host.int(0)],
    );
    assert_eq!(ready.as_int(), Some(0));
}

#[test]
fn select_bad_input() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    let empty = || host.array(&[]);
    // Negative timeout.
    let r = host.call1(
        "socket_select",
        &[&host.array(&[&a]), &empty(), &empty(), &host.real(-1.0)],
    );
    assert_eq!(r.as_int(), Some(-1));
    assert_eq!(host.take_warnings().len(), 1);
    assert_eq!(last_error(&host), i64::from(errno::EINVAL));
    // A non-socket item: warning naming the list and the item, -1, array untouched.
    let read = host.array(&[&a, &host.int(5)]);
    let r = host.call1(
        "socket_select",
        &[&read, &empty(), &empty(), &host.real(1.0)],
    );
    assert_eq!(r.as_int(), Some(-1));
    assert_eq!(
        host.take_warnings(),
        ["socket_select(): item #2 of 'read' array is not a socket"]
    );
    assert_eq!(host.array_items(&read).unwrap().len(), 2);
    // A closed socket.
    let (closed, _) = udp_bound(&host);
    host.method1(&closed, "close", &[]);
    let write = host.array(&[&closed]);
    let r = host.call1("socket_select", &[&empty(), &write, &empty()]);
    assert_eq!(r.as_int(), Some(-1));
    assert_eq!(
        host.take_warnings(),
        ["socket_select(): item #1 of 'write' array is a closed socket"]
    );
    assert_eq!(last_error(&host), i64::from(errno::EBADF));
    // Not arrays: standard argument warning.
    assert!(host
        .call("socket_select", &[&empty(), &host.int(1), &empty()])
        .is_empty());
    assert_eq!(
        host.take_warnings(),
        ["socket_select(): argument 2 - expected array, got int"]
    );
    let addr = v4(&host, "1.2.3.4", 1);
    let r = host.call1(
        "socket_select",
        &[&host.array(&[&addr]), &empty(), &empty(), &host.int(0)],
    );
    assert_eq!(r.as_int(), Some(-1));
    assert_eq!(host.take_warnings().len(), 1);
}

#[test]
fn select_many_sockets_beyond_fd_setsize() {
    let host = loaded_host();
    // Push descriptor numbers past 1023 (select(2)'s FD_SETSIZE) where the limit allows.
    let mut sockets = Vec::new();
    for _ in 0..1100 {
        match host.call("socket_udp", &[]).into_iter().next() {
            Some(s) => sockets.push(s),
            None => break,
        }
    }
    host.take_messages();
    // Leave descriptors for the sender and the target if the limit was reached.
    sockets.truncate(sockets.len().saturating_sub(4));
    if sockets.len() < 1096 {
        eprintln!(
            "descriptor limit allows only {} sockets: tested with those",
            sockets.len()
        );
    }
    let (sender, _) = udp_bound(&host);
    let (target, target_addr) = udp_bound(&host);
    host.method1(&sender, "sendto", &[&host.str("x"), &target_addr]);
    let mut refs: Vec<&Value<'_>> = sockets.iter().collect();
    refs.push(&target);
    let read = host.array(&refs);
    let ready = host.call1(
        "socket_select",
        &[&read, &host.array(&[]), &host.array(&[]), &host.real(5.0)],
    );
    assert_eq!(ready.as_int(), Some(1), "{:?}", host.messages());
    let items = host.array_items(&read).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].variable().data_ptr(), target.variable().data_ptr());
}

#[test]
fn select_without_timeout_returns_when_ready() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    // A UDP socket is always writable, so waiting forever returns at once.
    let write = host.array(&[&a]);
    let ready = host.call1(
        "socket_select",
        &[&host.array(&[]), &write, &host.array(&[])],
    );
    assert_eq!(ready.as_int(), Some(1));
    let write = host.array(&[&a]);
    let ready = host.call1(
        "socket_select",
        &[&host.array(&[]), &write, &host.array(&[]), &host.null()],
    );
    assert_eq!(ready.as_int(), Some(1));
    assert!(host.take_warnings().is_empty());
}

/// A failure in a later list gives every array its items back, in order; the same array
/// given twice takes the later list's result.
#[test]
fn select_failure_restores_every_array_and_aliases_work() {
    let host = loaded_host();
    let (a, a_addr) = udp_bound(&host);
    let (b, _) = udp_bound(&host);
    let (c, _) = udp_bound(&host);
    let ids = |array: &Value<'_>| -> Vec<usize> {
        host.array_items(array)
            .unwrap()
            .iter()
            .map(|v| v.variable().data_ptr() as usize)
            .collect()
    };
    let read = host.array(&[&a, &b, &c]);
    let write = host.array(&[&c, &b]);
    let error = host.array(&[&a, &host.str("x")]);
    let (read_before, write_before, error_before) = (ids(&read), ids(&write), ids(&error));
    let stack = host.stack_len();
    let r = host.call1("socket_select", &[&read, &write, &error, &host.int(0)]);
    assert_eq!(r.as_int(), Some(-1));
    assert_eq!(
        host.take_warnings(),
        ["socket_select(): item #2 of 'error' array is not a socket"]
    );
    assert_eq!(ids(&read), read_before);
    assert_eq!(ids(&write), write_before);
    assert_eq!(ids(&error), error_before);
    assert_eq!(host.stack_len(), stack);

    // The same array as read and write list: UDP sockets are always writable, so the
    // write result (all of them) is what the array holds.
    host.method1(&b, "sendto", &[&host.str("x"), &a_addr]);
    let both = host.array(&[&b, &a, &c]);
    let order = ids(&both);
    let r = host.call1(
        "socket_select",
        &[&both, &both, &host.array(&[]), &host.int(5)],
    );
    // The count is per list, as select(2)'s: b readable, all three writable.
    assert_eq!(r.as_int(), Some(4), "{:?}", host.messages());
    assert_eq!(ids(&both), order);
    let read_only = host.array(&[&b, &a, &c]);
    let r = host.call1(
        "socket_select",
        &[&read_only, &host.array(&[]), &host.array(&[]), &host.int(5)],
    );
    assert_eq!(r.as_int(), Some(1));
    assert_eq!(ids(&read_only), [a.variable().data_ptr() as usize]);
    assert!(host.take_warnings().is_empty());
    assert_eq!(host.stack_len(), stack);
}
