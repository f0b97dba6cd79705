//! select over N sockets (one of them ready) through sgssockets-core vs raw poll(2),
//! and raw select(2) where N fits FD_SETSIZE. Cost should grow linearly with N.

#[cfg(not(unix))]
fn main() {
    eprintln!("this benchmark compares against raw libc calls and runs on Unix only");
}

#[cfg(unix)]
mod unix_bench {
    use std::os::fd::RawFd;
    use std::time::Duration;

    use criterion::{criterion_group, BenchmarkId, Criterion};
    use sgssockets_core::{select, MsgFlags, Socket};
    use sgssockets_test_support::fd_limit::SoftFdLimit;

    const SIZES: [usize; 4] = [10, 100, 1000, 5000];

    /// `n` bound UDP sockets; the last one has a datagram waiting, so it stays readable.
    fn sockets(n: usize) -> Vec<Socket> {
        let all: Vec<Socket> = (0..n).map(|_| Socket::udp(false).unwrap()).collect();
        for s in &all {
            s.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
        }
        let sender = Socket::udp(false).unwrap();
        let last = all.last().unwrap();
        sender
            .send_to(b"x", &last.local_addr().unwrap(), MsgFlags::empty())
            .unwrap();
        let mut read = vec![last];
        assert_eq!(
            select(
                &mut read,
                &mut vec![],
                &mut vec![],
                Some(Duration::from_secs(5))
            )
            .unwrap(),
            1
        );
        all
    }

    fn raw_poll(fds: &[RawFd]) -> usize {
        let mut entries: Vec<libc::pollfd> = fds
            .iter()
            .map(|&fd| libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        // SAFETY: the pointer and length describe the live vector of pollfd.
        let ready = unsafe { libc::poll(entries.as_mut_ptr(), entries.len() as libc::nfds_t, 0) };
        assert_eq!(ready, 1);
        entries
            .iter()
            .filter(|e| e.revents & libc::POLLIN != 0)
            .count()
    }

    fn raw_select(fds: &[RawFd]) -> usize {
        // SAFETY: fd_set is plain data; FD_ZERO/FD_SET/FD_ISSET get descriptors below
        // FD_SETSIZE (checked by the caller) and a pointer to the live set.
        unsafe {
            let mut set: libc::fd_set = std::mem::zeroed();
            libc::FD_ZERO(&mut set);
            let mut max = 0;
            for &fd in fds {
                libc::FD_SET(fd, &mut set);
                max = max.max(fd);
            }
            let mut timeout = libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            };
            let ready = libc::select(
                max + 1,
                &mut set,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut timeout,
            );
            assert_eq!(ready, 1);
            fds.iter().filter(|&&fd| libc::FD_ISSET(fd, &set)).count()
        }
    }

    fn bench_select(c: &mut Criterion) {
        // Room for the largest size (its sockets, the sender and criterion's own files).
        let (_limit, _) = SoftFdLimit::raise_up_to(16384);
        let mut group = c.benchmark_group("select_one_ready");
        for n in SIZES {
            let all = sockets(n);
            let fds: Vec<RawFd> = all.iter().map(|s| s.raw_socket().unwrap()).collect();
            group.bench_with_input(BenchmarkId::new("sgssockets-core", n), &n, |b, _| {
                b.iter(|| {
                    let mut read: Vec<&Socket> = all.iter().collect();
                    let ready =
                        select(&mut read, &mut vec![], &mut vec![], Some(Duration::ZERO)).unwrap();
                    assert_eq!(ready, 1);
                })
            });
            group.bench_with_input(BenchmarkId::new("raw poll", n), &n, |b, _| {
                b.iter(|| raw_poll(&fds))
            });
            if fds.iter().all(|&fd| (fd as usize) < libc::FD_SETSIZE) {
                group.bench_with_input(BenchmarkId::new("raw select", n), &n, |b, _| {
                    b.iter(|| raw_select(&fds))
                });
            }
        }
        group.finish();
    }

    criterion_group! {
        name = benches;
        config = Criterion::default().sample_size(30).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(2));
        targets = bench_select
    }
}

#[cfg(unix)]
use unix_bench::benches;
#[cfg(unix)]
criterion::criterion_main!(benches);
