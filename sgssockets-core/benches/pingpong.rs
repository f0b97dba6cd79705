//! TCP over loopback through sgssockets-core, std::net and raw libc, side by side:
//! a 64-byte ping-pong round trip, and a 64 KiB bulk transfer acknowledged by one byte.
//!
//! Each variant runs its own echo thread written with the same API as the client, so a
//! variant pays its API's cost on both ends.

#[cfg(not(unix))]
fn main() {
    eprintln!("this benchmark compares against raw libc calls and runs on Unix only");
}

#[cfg(unix)]
mod unix_bench {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::{AsRawFd, RawFd};
    use std::thread::JoinHandle;

    use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
    use sgssockets_core::{Incoming, MsgFlags, Socket};

    const PING: usize = 64;
    const BULK: usize = 64 * 1024;

    /// The echo protocol: read `request` bytes, answer with `reply` bytes; until EOF.
    #[derive(Clone, Copy)]
    struct Exchange {
        request: usize,
        reply: usize,
    }

    fn core_server(exchange: Exchange) -> (Socket, JoinHandle<()>) {
        let listener = Socket::tcp(false).unwrap();
        listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
        listener.listen(1).unwrap();
        let client = Socket::tcp(false).unwrap();
        client.set_nodelay(true).unwrap();
        client.connect(&listener.local_addr().unwrap()).unwrap();
        let (conn, _) = listener.accept().unwrap();
        conn.set_nodelay(true).unwrap();
        let server = std::thread::spawn(move || {
            let reply = vec![1u8; exchange.reply];
            let mut buf = vec![0u8; BULK];
            loop {
                let mut got = 0;
                while got < exchange.request {
                    match conn.recv(&mut buf[..exchange.request - got], MsgFlags::empty()) {
                        Ok(Incoming::Data(n)) => got += n,
                        _ => return,
                    }
                }
                if conn.send(&reply, MsgFlags::empty()).is_err() {
                    return;
                }
            }
        });
        (client, server)
    }

    fn core_round(client: &Socket, request: &[u8], buf: &mut [u8], reply: usize) {
        let mut sent = 0;
        while sent < request.len() {
            sent += client.send(&request[sent..], MsgFlags::empty()).unwrap();
        }
        let mut got = 0;
        while got < reply {
            match client
                .recv(&mut buf[..reply - got], MsgFlags::empty())
                .unwrap()
            {
                Incoming::Data(n) => got += n,
                Incoming::Closed => panic!("server closed"),
            }
        }
    }

    fn std_server(exchange: Exchange) -> (TcpStream, JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.set_nodelay(true).unwrap();
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_nodelay(true).unwrap();
        let server = std::thread::spawn(move || {
            let reply = vec![1u8; exchange.reply];
            let mut buf = vec![0u8; exchange.request];
            while conn.read_exact(&mut buf).is_ok() {
                if conn.write_all(&reply).is_err() {
                    return;
                }
            }
        });
        (client, server)
    }

    fn std_round(client: &mut TcpStream, request: &[u8], buf: &mut [u8], reply: usize) {
        client.write_all(request).unwrap();
        client.read_exact(&mut buf[..reply]).unwrap();
    }

    fn raw_send_all(fd: RawFd, data: &[u8]) -> bool {
        let mut sent = 0;
        while sent < data.len() {
            // SAFETY: the pointer and length describe the live slice `data[sent..]`.
            let n = unsafe {
                libc::send(
                    fd,
                    data[sent..].as_ptr().cast(),
                    data.len() - sent,
                    libc::MSG_NOSIGNAL,
                )
            };
            if n <= 0 {
                return false;
            }
            sent += n as usize;
        }
        true
    }

    fn raw_recv_exact(fd: RawFd, buf: &mut [u8]) -> bool {
        let mut got = 0;
        while got < buf.len() {
            // SAFETY: the pointer and length describe the live, writable slice `buf[got..]`.
            let n = unsafe { libc::recv(fd, buf[got..].as_mut_ptr().cast(), buf.len() - got, 0) };
            if n <= 0 {
                return false;
            }
            got += n as usize;
        }
        true
    }

    /// Raw libc on both ends; the std types only own the descriptors.
    fn raw_server(exchange: Exchange) -> (TcpStream, JoinHandle<()>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        client.set_nodelay(true).unwrap();
        let (conn, _) = listener.accept().unwrap();
        conn.set_nodelay(true).unwrap();
        let server = std::thread::spawn(move || {
            let fd = conn.as_raw_fd();
            let reply = vec![1u8; exchange.reply];
            let mut buf = vec![0u8; exchange.request];
            while raw_recv_exact(fd, &mut buf) && raw_send_all(fd, &reply) {}
            drop(conn);
        });
        (client, server)
    }

    fn bench_exchange(c: &mut Criterion, name: &str, exchange: Exchange) {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(
            (exchange.request + exchange.reply) as u64,
        ));
        let request = vec![7u8; exchange.request];
        let mut buf = vec![0u8; exchange.reply.max(exchange.request)];

        {
            let (client, server) = core_server(exchange);
            group.bench_function(BenchmarkId::from_parameter("sgssockets-core"), |b| {
                b.iter(|| core_round(&client, &request, &mut buf, exchange.reply))
            });
            drop(client);
            server.join().unwrap();
        }
        {
            let (mut client, server) = std_server(exchange);
            group.bench_function(BenchmarkId::from_parameter("std::net"), |b| {
                b.iter(|| std_round(&mut client, &request, &mut buf, exchange.reply))
            });
            drop(client);
            server.join().unwrap();
        }
        {
            let (client, server) = raw_server(exchange);
            let fd = client.as_raw_fd();
            group.bench_function(BenchmarkId::from_parameter("raw libc"), |b| {
                b.iter(|| {
                    assert!(raw_send_all(fd, &request));
                    assert!(raw_recv_exact(fd, &mut buf[..exchange.reply]));
                })
            });
            drop(client);
            server.join().unwrap();
        }
        group.finish();
    }

    fn ping_pong(c: &mut Criterion) {
        bench_exchange(
            c,
            "tcp_pingpong_64B",
            Exchange {
                request: PING,
                reply: PING,
            },
        );
    }

    fn bulk(c: &mut Criterion) {
        bench_exchange(
            c,
            "tcp_bulk_64KiB",
            Exchange {
                request: BULK,
                reply: 1,
            },
        );
    }

    criterion_group! {
        name = benches;
        config = Criterion::default().sample_size(30).warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
        targets = ping_pong, bulk
    }
}

#[cfg(unix)]
use unix_bench::benches;
#[cfg(unix)]
criterion::criterion_main!(benches);
