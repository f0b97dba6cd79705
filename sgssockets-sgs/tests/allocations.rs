//! The hot paths allocate nothing but the SGScript string: `recv` of up to 64 KiB pushes
//! straight from core's stack buffer (one allocation: the string the host makes), `send`
//! allocates nothing, and `recv(2147483647)` allocates by what arrived.
//!
//! A counting allocator counts only while a native function of the module runs (the test
//! host's call hook switches it on and off), on this thread; the host's functions the
//! module calls meanwhile allocate only the strings they are asked to push.

mod common;
use common::*;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

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
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        let _ = LARGEST.try_with(|c| c.set(c.get().max(size)));
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn count_while_native(running: bool) {
    COUNTING.with(|c| c.set(running));
}

/// Runs `f` and returns its result with the allocations (count, largest) that the module's
/// native functions made meanwhile.
fn module_allocations<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    ALLOCATIONS.with(|c| c.set(0));
    LARGEST.with(|c| c.set(0));
    let result = f();
    (result, ALLOCATIONS.with(Cell::get), LARGEST.with(Cell::get))
}

#[test]
fn recv_and_send_allocate_only_the_string() {
    let host = loaded_host();
    let (client, server) = tcp_pair(&host);
    let block = host.bytes(&vec![1u8; 65_536]);
    let max = host.int(65_536);
    // Warm up (the host's stack and frame vectors reach their size).
    host.method1(&client, "send", &[&host.str("warm")]);
    host.method1(&server, "recv", &[&max]);
    host.set_native_call_hook(Some(count_while_native));

    let (sent, count, _) = module_allocations(|| host.method1(&client, "send", &[&block]));
    assert_eq!(sent.as_int(), Some(65_536));
    assert_eq!(count, 0, "send allocated");

    let mut got = 0;
    while got < 65_536 {
        let (data, count, largest) = module_allocations(|| host.method1(&server, "recv", &[&max]));
        let len = data.as_bytes().unwrap().len();
        assert!(len > 0);
        got += len;
        assert_eq!(count, 1, "recv allocated more than the string");
        assert!(
            largest <= len + 64,
            "recv allocated {largest} bytes for {len}"
        );
    }

    // A huge max with 5 bytes waiting: only the 5-byte string.
    host.method1(&client, "send", &[&host.str("12345")]);
    let huge = host.int(2_147_483_647);
    let (data, count, largest) = module_allocations(|| host.method1(&server, "recv", &[&huge]));
    assert_eq!(data.as_str().as_deref(), Some("12345"));
    assert_eq!(count, 1);
    assert!(largest < 64, "recv(2147483647) allocated {largest} bytes");
    host.set_native_call_hook(None);
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
    host.set_native_call_hook(Some(count_while_native));
    let (got, _, largest) = module_allocations(|| host.call_method(&b, "recvfrom", &[&huge]));
    host.set_native_call_hook(None);
    assert_eq!(got[0].as_str().as_deref(), Some("tiny"));
    assert!(
        largest < 4096,
        "recvfrom allocated {largest} bytes for a 4-byte datagram"
    );
}
