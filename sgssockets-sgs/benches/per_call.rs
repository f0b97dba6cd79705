//! Per-call overhead of the module, measured through the test host: argument parsing,
//! the trampoline, `socket_error()` bookkeeping and result pushing, with and without I/O.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use sgssockets_sgs_testhost::Host;

fn per_call(c: &mut Criterion) {
    // SAFETY: `sgscript_main` is the module's SGScript entry point.
    let host = unsafe { Host::with_module(sgssockets::sgscript_main) };
    let inet = host.int(host.constant("AF_INET"));
    let text = host.str("127.0.0.1");
    let port = host.int(8080);

    c.bench_function("socket_error()", |b| {
        b.iter(|| black_box(host.call1("socket_error", &[])))
    });
    c.bench_function("socket_address(AF_INET, text, port)", |b| {
        b.iter(|| black_box(host.call1("socket_address", &[&inet, &text, &port])))
    });
    let addr = host.call1("socket_address", &[&inet, &text, &port]);
    c.bench_function("socket_address.port read", |b| {
        b.iter(|| black_box(host.get(&addr, "port")))
    });

    let a = host.call1("socket_udp", &[]);
    let bsock = host.call1("socket_udp", &[]);
    let local = host.call1("socket_address", &[&inet, &text, &host.int(0)]);
    host.method1(&a, "bind", &[&local]);
    host.method1(&bsock, "bind", &[&local]);
    host.set(&bsock, "recv_timeout", &host.real(5.0));
    let b_addr = host.method1(&bsock, "getsockname", &[]);
    host.method1(&a, "connect", &[&b_addr]);
    let payload = host.bytes(&[7u8; 64]);
    let max = host.int(64);
    c.bench_function("udp send+recv 64 B", |b| {
        b.iter(|| {
            host.method1(&a, "send", &[&payload]);
            black_box(host.method1(&bsock, "recv", &[&max]))
        })
    });
    c.bench_function("socket.blocking read", |b| {
        b.iter(|| black_box(host.get(&a, "blocking")))
    });

    host.method1(&a, "send", &[&payload]);
    let empty = host.array(&[]);
    let zero = host.int(0);
    c.bench_function("socket_select 1 ready socket", |b| {
        b.iter(|| {
            let read = host.array(&[&bsock]);
            black_box(host.call1("socket_select", &[&read, &empty, &empty, &zero]))
        })
    });
}

criterion_group!(benches, per_call);
criterion_main!(benches);
