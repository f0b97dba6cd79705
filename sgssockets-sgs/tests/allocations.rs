//! The hot paths allocate nothing but the SGScript string: `recv` of up to 64 KiB uses
//! core's stack buffer, `recv(2147483647)` allocates by what arrived, `send` allocates
//! nothing. Measured with a counting allocator (this thread only); the test host's own
//! small bookkeeping allocations (argument vectors, the function name) stay far below
//! the 1 KiB threshold used here.

mod common;
use common::*;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static LARGE: Cell<usize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

/// Allocations at least this big are counted.
const LARGE_ALLOCATION: usize = 1024;

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: forwarded contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

fn note(size: usize) {
    if size >= LARGE_ALLOCATION {
        let _ = LARGE.try_with(|c| c.set(c.get() + 1));
        let _ = LARGEST.try_with(|c| c.set(c.get().max(size)));
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the large allocations made meanwhile on this
/// thread (count, biggest size).
fn large_allocations<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    LARGE.with(|c| c.set(0));
    LARGEST.with(|c| c.set(0));
    let result = f();
    (result, LARGE.with(Cell::get), LARGEST.with(Cell::get))
}

#[test]
fn recv_and_send_allocate_only_the_string() {
    let host = loaded_host();
    let (client, server) = tcp_pair(&host);
    let block = host.bytes(&vec![1u8; 65_536]);
    let max = host.int(65_536);
    // Warm up the host's stack and frames.
    host.method1(&client, "send", &[&host.str("warm")]);
    host.method1(&server, "recv", &[&max]);

    let (sent, count, _) = large_allocations(|| host.method1(&client, "send", &[&block]));
    assert_eq!(sent.as_int(), Some(65_536));
    assert_eq!(count, 0, "send allocated");

    let mut got = 0;
    while got < 65_536 {
        let (data, count, largest) = large_allocations(|| host.method1(&server, "recv", &[&max]));
        let len = data.as_bytes().unwrap().len();
        got += len;
        assert!(len > 0);
        assert!(count <= 1, "recv made {count} large allocations");
        assert!(largest <= 65_536 + 64, "recv allocated {largest} bytes");
    }

    // A huge max with 5 bytes waiting: no large allocation at all.
    host.method1(&client, "send", &[&host.str("12345")]);
    let huge = host.int(2_147_483_647);
    let (data, count, _) = large_allocations(|| host.method1(&server, "recv", &[&huge]));
    assert_eq!(data.as_str().as_deref(), Some("12345"));
    assert_eq!(
        count, 0,
        "recv(2147483647) allocated by max, not by what arrived"
    );
}

#[test]
fn recvfrom_of_a_small_datagram_with_a_huge_max() {
    let host = loaded_host();
    let a = host.call1("socket_udp", &[]);
    let b = host.call1("socket_udp", &[]);
    set_timeout(&host, &b);
    let local = v4(&host, "127.0.0.1", 0);
    host.method1(&a, "bind", &[&local]);
    host.method1(&b, "bind", &[&local]);
    let to = host.method1(&b, "getsockname", &[]);
    host.method1(&a, "sendto", &[&host.str("tiny"), &to]);
    let huge = host.int(2_000_000_000);
    let (got, _, largest) = large_allocations(|| host.call_method(&b, "recvfrom", &[&huge]));
    assert_eq!(got[0].as_str().as_deref(), Some("tiny"));
    assert!(
        largest < 1 << 20,
        "recvfrom allocated {largest} bytes for a 4-byte datagram"
    );
}
