//! `socket_poller` (SPEC §7, §10) through the test host: the very objects back, level
//! readiness, modify/remove, closed sockets and pollers, bad arguments, references held and
//! marked for the collector, and no descriptor or object leak.

mod common;

use common::{descriptor, last_error, loaded_host, udp_bound, v4, WAIT};
use sgssockets_sgs_testhost::{Host, Value};
use sgssockets_test_support::fds;

fn poller(host: &Host) -> Value<'_> {
    host.call_for_object("socket_poller", &[], "socket_poller")
}

/// `p.wait(readable, writable, timeout)`: the count and the two arrays' items.
fn wait<'h>(
    host: &'h Host,
    poller: &Value<'h>,
    timeout: f64,
) -> (i64, Vec<Value<'h>>, Vec<Value<'h>>) {
    let readable = host.array(&[&host.int(1)]);
    let writable = host.array(&[]);
    let count = host
        .method1(poller, "wait", &[&readable, &writable, &host.real(timeout)])
        .as_int()
        .expect("wait returns an int");
    (
        count,
        host.array_items(&readable).unwrap(),
        host.array_items(&writable).unwrap(),
    )
}

/// Whether two values are the same open socket object (the dump names its descriptor).
fn same(host: &Host, a: &Value<'_>, b: &Value<'_>) -> bool {
    a.object_type().as_deref() == Some("socket") && host.dump(a) == host.dump(b)
}

fn sendto(host: &Host, from: &Value<'_>, to: &Value<'_>, data: &str) {
    let addr = host.method1(to, "getsockname", &[]);
    assert_eq!(
        host.method1(from, "sendto", &[&host.str(data), &addr])
            .as_int(),
        Some(data.len() as i64)
    );
}

#[test]
fn wait_reports_the_added_objects_level_triggered() {
    let host = loaded_host();
    let p = poller(&host);
    let (a, _) = udp_bound(&host);
    let (b, _) = udp_bound(&host);
    assert_eq!(host.method1(&p, "add", &[&a]).as_bool(), Some(true));
    assert_eq!(
        host.method1(&p, "add", &[&b, &host.bool(true), &host.bool(true)])
            .as_bool(),
        Some(true)
    );
    assert_eq!(host.get(&p, "count").unwrap().as_int(), Some(2));

    let (count, readable, writable) = wait(&host, &p, WAIT.as_secs_f64());
    assert_eq!((count, readable.len(), writable.len()), (1, 0, 1));
    assert!(same(&host, &writable[0], &b));

    sendto(&host, &b, &a, "hi");
    let (count, readable, _) = wait(&host, &p, WAIT.as_secs_f64());
    assert_eq!(count, 2);
    assert_eq!(readable.len(), 1);
    assert!(same(&host, &readable[0], &a));
    // Unread: reported again.
    let (_, readable, _) = wait(&host, &p, 0.0);
    assert_eq!(readable.len(), 1);
    assert!(host.take_warnings().is_empty());
    assert_eq!(last_error(&host), 0);
}

#[test]
fn modify_remove_and_unregistered_sockets() {
    let host = loaded_host();
    let p = poller(&host);
    let (a, _) = udp_bound(&host);
    let (b, _) = udp_bound(&host);
    host.method1(&p, "add", &[&a, &host.bool(false), &host.bool(true)]);
    assert_eq!(
        host.method1(&p, "modify", &[&a, &host.bool(false), &host.bool(false)])
            .as_bool(),
        Some(true)
    );
    assert_eq!(wait(&host, &p, 0.0).0, 0);
    // Not registered: false, no warning.
    assert_eq!(
        host.method1(&p, "modify", &[&b, &host.bool(true), &host.bool(true)])
            .as_bool(),
        Some(false)
    );
    assert_eq!(host.method1(&p, "remove", &[&b]).as_bool(), Some(false));
    assert!(host.take_warnings().is_empty());
    let refs_before = a.refcount();
    assert_eq!(host.method1(&p, "remove", &[&a]).as_bool(), Some(true));
    assert_eq!(a.refcount().unwrap(), refs_before.unwrap() - 1, "released");
    assert_eq!(host.get(&p, "count").unwrap().as_int(), Some(0));
}

#[test]
fn bad_arguments_warn_and_change_nothing() {
    let host = loaded_host();
    let p = poller(&host);
    let (a, _) = udp_bound(&host);
    host.method1(&p, "add", &[&a]);
    host.take_messages();

    assert_eq!(host.method1(&p, "add", &[&a]).as_bool(), Some(false));
    assert_eq!(
        host.take_warnings(),
        ["socket_poller.add(): the socket is already registered in this poller"]
    );
    for not_a_socket in [host.int(5), v4(&host, "127.0.0.1", 1), p.clone()] {
        assert_eq!(
            host.method1(&p, "add", &[&not_a_socket]).as_bool(),
            Some(false)
        );
        assert_eq!(
            host.take_warnings(),
            ["socket_poller.add(): argument 1 is not a socket or socket_tls object"]
        );
    }
    assert_eq!(
        host.method1(&p, "add", &[&a, &host.str("yes")]).as_bool(),
        None
    );
    assert_eq!(
        host.take_warnings(),
        ["socket_poller.add(): argument 2 - expected bool, got string"]
    );
    let (closed, _) = udp_bound(&host);
    host.method1(&closed, "close", &[]);
    assert_eq!(host.method1(&p, "add", &[&closed]).as_bool(), Some(false));
    assert_eq!(
        host.take_warnings(),
        ["socket_poller.add(): socket is closed"]
    );
    let readable = host.array(&[]);
    assert_eq!(
        host.method1(&p, "wait", &[&readable, &host.null(), &host.real(-1.0)])
            .as_int(),
        Some(-1)
    );
    assert_eq!(
        host.take_warnings(),
        ["socket_poller.wait(): argument 3 (timeout) must be 0 or more seconds, got -1"]
    );
    assert_eq!(
        host.method1(&p, "wait", &[&host.int(1), &host.null()])
            .as_int(),
        None
    );
    assert_eq!(
        host.take_warnings(),
        ["socket_poller.wait(): argument 1 - expected array or null, got int"]
    );
    assert!(!host.set(&p, "count", &host.int(3)) || !host.take_warnings().is_empty());
    assert_eq!(host.get(&p, "count").unwrap().as_int(), Some(1));
}

#[test]
fn closing_a_registered_socket_removes_it_and_releases_it() {
    let host = loaded_host();
    let p = poller(&host);
    let q = poller(&host);
    let (a, _) = udp_bound(&host);
    host.method1(&p, "add", &[&a]);
    host.method1(&q, "add", &[&a]);
    let refs = a.refcount().unwrap();
    assert_eq!(host.method1(&a, "close", &[]).as_bool(), Some(true));
    assert_eq!(host.get(&p, "count").unwrap().as_int(), Some(0));
    assert_eq!(host.get(&q, "count").unwrap().as_int(), Some(0));
    assert_eq!(a.refcount().unwrap(), refs - 2, "both pollers let go");
    assert_eq!(host.method1(&p, "remove", &[&a]).as_bool(), Some(false));
    assert!(host.take_warnings().is_empty());
}

#[test]
fn a_closed_poller_warns_and_fails_and_its_sockets_stay_open() {
    let host = loaded_host();
    let p = poller(&host);
    let (a, _) = udp_bound(&host);
    let fd = descriptor(&host, &a);
    host.method1(&p, "add", &[&a]);
    assert_eq!(host.method1(&p, "close", &[]).as_bool(), Some(true));
    assert!(!host.to_bool(&p));
    assert_eq!(host.get(&p, "count").unwrap().as_int(), Some(0));
    for (name, args) in [
        ("add", vec![a.clone()]),
        ("modify", vec![a.clone(), host.bool(true), host.bool(false)]),
        ("remove", vec![a.clone()]),
        ("close", vec![]),
    ] {
        let refs: Vec<_> = args.iter().collect();
        assert_eq!(
            host.method1(&p, name, &refs).as_bool(),
            Some(false),
            "{name}"
        );
        assert_eq!(
            host.take_warnings(),
            [format!("socket_poller.{name}(): poller is closed")]
        );
    }
    assert_eq!(
        host.method1(&p, "wait", &[&host.null(), &host.null()])
            .as_int(),
        Some(-1)
    );
    assert_eq!(host.take_warnings().len(), 1);
    assert!(fds::is_open(fd));
    assert!(host.to_bool(&a));
}

#[test]
fn a_poller_holding_the_only_reference_keeps_the_socket_through_a_collection() {
    let host = loaded_host();
    let p = poller(&host);
    let (sender, _) = udp_bound(&host);
    let addr = {
        let (only_in_poller, addr) = udp_bound(&host);
        host.method1(&p, "add", &[&only_in_poller]);
        addr
    };
    host.collect_garbage();
    host.method1(&sender, "sendto", &[&host.str("x"), &addr]);
    let (count, readable, _) = wait(&host, &p, WAIT.as_secs_f64());
    assert_eq!((count, readable.len()), (1, 1));
    assert_eq!(
        host.method1(&readable[0], "recv", &[&host.int(4)])
            .as_str()
            .as_deref(),
        Some("x")
    );
    assert!(host.gcmark_calls() > 0, "the poller marked what it holds");
}

#[test]
fn a_poller_in_a_reference_cycle_is_freed_by_the_collector() {
    let host = loaded_host();
    let (a, _) = udp_bound(&host);
    let refs = a.refcount().unwrap();
    {
        let p = poller(&host);
        host.method1(&p, "add", &[&a]);
        // An array holding the poller and itself.
        let cycle = host.array(&[&p, &host.null()]);
        assert!(host.set_index(&cycle, 1, &cycle));
    }
    assert_eq!(
        a.refcount().unwrap(),
        refs + 1,
        "the cycle keeps the poller"
    );
    host.collect_garbage();
    assert_eq!(
        a.refcount().unwrap(),
        refs,
        "collected: the socket is released"
    );
    assert!(host.to_bool(&a), "and still open");
}
