//! `Poller::wait` over N registered idle sockets plus exactly one ready one, against a raw
//! `epoll_wait` loop on an epoll descriptor holding the same sockets, in the same run.
//! The cost should not depend on N (epoll is O(ready)), and core should stay within 1.2× raw.
//!
//! `cargo bench -p sgssockets-core --bench poller` runs criterion, then a paired run
//! (blocks of core and raw waits interleaved, the median of the per-block ratios).
//!
//! `SGSS_POLLER_WAITS=N` instead does N core waits over 10,000 sockets and exits, for
//! counting system calls: run it under `strace -c -f` with two values of N; the difference
//! between the two runs is all `epoll_pwait`, one per wait.

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    eprintln!("this benchmark compares against raw epoll and runs on Linux only");
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux_bench {
    use std::hint::black_box;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
    use std::time::{Duration, Instant};

    use criterion::{BenchmarkId, Criterion};
    use sgssockets_core::{Interest, MsgFlags, PollEvents, Poller, Socket};
    use sgssockets_test_support::fd_limit::SoftFdLimit;

    /// Registered idle sockets, besides the one ready socket.
    pub const SIZES: [usize; 2] = [100, 10_000];

    /// The same sockets registered in a core poller and in a raw epoll descriptor.
    pub struct Setup {
        // Field order is drop order: the poller and the epoll descriptor go first.
        pub poller: Poller,
        pub epoll: OwnedFd,
        pub raw_events: Vec<libc::epoll_event>,
        pub events: PollEvents,
        pub registered: usize,
        _sockets: Vec<Socket>,
        _sender: Socket,
    }

    impl Setup {
        /// `idle` UDP sockets that never receive anything, plus one bound UDP socket with
        /// one datagram queued that is never read (so it stays level-triggered readable).
        pub fn new(idle: usize) -> Setup {
            let mut sockets: Vec<Socket> = (0..idle).map(|_| Socket::udp(false).unwrap()).collect();
            let ready = Socket::udp(false).unwrap();
            ready.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
            let sender = Socket::udp(false).unwrap();
            sender
                .send_to(b"x", &ready.local_addr().unwrap(), MsgFlags::empty())
                .unwrap();
            sockets.push(ready);

            let poller = Poller::new().unwrap();
            // SAFETY: epoll_create1 takes no pointers; the result is checked below.
            let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
            assert!(
                epfd >= 0,
                "epoll_create1: {}",
                std::io::Error::last_os_error()
            );
            // SAFETY: `epfd` is a descriptor we just created and own nowhere else.
            let epoll = unsafe { OwnedFd::from_raw_fd(epfd) };
            for (key, socket) in sockets.iter().enumerate() {
                poller.add(socket, key as u64, Interest::READ).unwrap();
                let mut event = libc::epoll_event {
                    events: (libc::EPOLLIN | libc::EPOLLRDHUP) as u32,
                    u64: key as u64,
                };
                let fd: RawFd = socket.raw_socket().unwrap();
                // SAFETY: both descriptors are open; `event` is a live epoll_event.
                let rc = unsafe {
                    libc::epoll_ctl(epoll.as_raw_fd(), libc::EPOLL_CTL_ADD, fd, &mut event)
                };
                assert_eq!(rc, 0, "epoll_ctl: {}", std::io::Error::last_os_error());
            }
            let registered = sockets.len();
            let mut setup = Setup {
                poller,
                epoll,
                // The same room the core poller gives itself: one per registered + 1.
                raw_events: vec![libc::epoll_event { events: 0, u64: 0 }; registered + 1],
                events: PollEvents::new(),
                registered,
                _sockets: sockets,
                _sender: sender,
            };
            // The datagram has arrived (loopback delivers at once, but do not rely on it).
            let got = setup
                .poller
                .wait(&mut setup.events, Some(Duration::from_secs(5)))
                .unwrap();
            assert_eq!(got, 1);
            assert_eq!(setup.raw_wait(), 1);
            assert_eq!(setup.core_wait(), 1);
            setup
        }

        /// One core wait that does not block; returns how many are ready.
        #[inline]
        pub fn core_wait(&mut self) -> usize {
            self.poller
                .wait(&mut self.events, Some(Duration::ZERO))
                .unwrap()
        }

        /// One raw epoll_wait that does not block; returns how many are ready.
        #[inline]
        pub fn raw_wait(&mut self) -> usize {
            // SAFETY: the pointer and length describe the live event vector.
            let n = unsafe {
                libc::epoll_wait(
                    self.epoll.as_raw_fd(),
                    self.raw_events.as_mut_ptr(),
                    self.raw_events.len() as libc::c_int,
                    0,
                )
            };
            assert!(n >= 0, "epoll_wait: {}", std::io::Error::last_os_error());
            // Read what was reported, as a real loop would.
            let n = n as usize;
            let mut ready = 0;
            for event in &self.raw_events[..n] {
                if event.events & libc::EPOLLIN as u32 != 0 {
                    black_box(event.u64);
                    ready += 1;
                }
            }
            ready
        }
    }

    /// Descriptors a setup of `idle` sockets needs besides them: the ready socket, the
    /// sender, the pollers and criterion's own files.
    const SPARE: usize = 300;

    /// Raises the soft descriptor limit as far as allowed (up to 16,384); returns the guard
    /// and how many descriptors may be open.
    pub fn raise_fd_limit() -> (SoftFdLimit, usize) {
        let (guard, now) = SoftFdLimit::raise_up_to(16_384);
        (guard, usize::try_from(now).unwrap_or(usize::MAX))
    }

    /// Whether `idle` sockets fit under `limit` descriptors (all setups are open at once).
    pub fn fits(idle: usize, already: usize, limit: usize) -> bool {
        already + idle + SPARE <= limit
    }

    pub fn bench_wait(c: &mut Criterion, setups: &mut [(usize, Setup)]) {
        let mut group = c.benchmark_group("poller_wait_one_ready");
        for (idle, setup) in setups.iter_mut() {
            group.bench_with_input(BenchmarkId::new("raw epoll", *idle), idle, |b, _| {
                b.iter(|| assert_eq!(setup.raw_wait(), 1))
            });
            group.bench_with_input(BenchmarkId::new("sgssockets-core", *idle), idle, |b, _| {
                b.iter(|| assert_eq!(setup.core_wait(), 1))
            });
        }
        group.finish();
    }

    /// This thread's CPU time in ns: unlike the wall clock, it leaves out the time the
    /// thread was preempted, so it holds up when other work shares the CPUs.
    fn thread_cpu_ns() -> f64 {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes one timespec into the local we own.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0);
        ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
    }

    /// `iterations` calls of `f`: (wall ns, thread CPU ns) per call.
    fn time_block(iterations: u32, mut f: impl FnMut() -> usize) -> (f64, f64) {
        let started = Instant::now();
        let cpu_started = thread_cpu_ns();
        for _ in 0..iterations {
            assert_eq!(f(), 1);
        }
        let cpu = thread_cpu_ns() - cpu_started;
        let wall = started.elapsed().as_nanos() as f64;
        (wall / f64::from(iterations), cpu / f64::from(iterations))
    }

    fn median(values: &mut [f64]) -> f64 {
        values.sort_by(|a, b| a.total_cmp(b));
        values[values.len() / 2]
    }

    /// Interleaved blocks of raw and core waits over each setup: medians per wait (wall
    /// clock and thread CPU time) and the median of the per-pair CPU-time ratios (robust to
    /// the machine's other load drifting).
    pub fn paired(setups: &mut [(usize, Setup)]) {
        const BLOCK: u32 = 20_000;
        const PAIRS: usize = 40;
        println!();
        println!("paired run: {PAIRS} pairs of {BLOCK} waits each, raw and core interleaved");
        println!("(ns per wait; cpu = this thread's CPU time, wall = elapsed; median of pairs)");
        println!(
            "{:>8}  {:>10} {:>10}  {:>10} {:>10}  {:>15}",
            "idle", "raw cpu", "raw wall", "core cpu", "core wall", "core/raw (cpu)"
        );
        let mut core_medians = Vec::new();
        for (idle, setup) in setups.iter_mut() {
            let (mut raw, mut raw_wall) = (Vec::new(), Vec::new());
            let (mut core, mut core_wall) = (Vec::new(), Vec::new());
            let mut ratios = Vec::new();
            // Warm up both paths.
            time_block(BLOCK, || setup.raw_wait());
            time_block(BLOCK, || setup.core_wait());
            for pair in 0..PAIRS {
                // Alternate which goes first, so neither always follows the other.
                let (r, c) = if pair % 2 == 0 {
                    let r = time_block(BLOCK, || setup.raw_wait());
                    (r, time_block(BLOCK, || setup.core_wait()))
                } else {
                    let c = time_block(BLOCK, || setup.core_wait());
                    (time_block(BLOCK, || setup.raw_wait()), c)
                };
                raw_wall.push(r.0);
                raw.push(r.1);
                core_wall.push(c.0);
                core.push(c.1);
                ratios.push(c.1 / r.1);
            }
            let core_median = median(&mut core);
            core_medians.push((*idle, core_median));
            println!(
                "{:>8}  {:>10.1} {:>10.1}  {:>10.1} {:>10.1}  {:>14.3}x",
                idle,
                median(&mut raw),
                median(&mut raw_wall),
                core_median,
                median(&mut core_wall),
                median(&mut ratios)
            );
        }
        if let [(small, a), .., (large, b)] = core_medians[..] {
            println!("core cpu at {large} idle / at {small} idle: {:.3}", b / a);
        }
    }

    /// `SGSS_POLLER_WAITS=N`: N core waits over 10,000 idle sockets + 1 ready, nothing else.
    pub fn waits_only(waits: u64) {
        let (_limit, limit) = raise_fd_limit();
        assert!(
            fits(10_000, 0, limit),
            "RLIMIT_NOFILE allows {limit} descriptors; this needs about 10,300"
        );
        let mut setup = Setup::new(10_000);
        eprintln!(
            "setup done ({} registered); now {waits} core waits",
            setup.registered
        );
        for _ in 0..waits {
            assert_eq!(setup.core_wait(), 1);
        }
        eprintln!("done");
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main() {
    use criterion::Criterion;
    use std::time::Duration;

    if let Ok(waits) = std::env::var("SGSS_POLLER_WAITS") {
        linux_bench::waits_only(waits.parse().expect("SGSS_POLLER_WAITS is a count"));
        return;
    }
    let (_limit, limit) = linux_bench::raise_fd_limit();
    let mut setups: Vec<(usize, linux_bench::Setup)> = Vec::new();
    let mut open = 0;
    for idle in linux_bench::SIZES {
        if !linux_bench::fits(idle, open, limit) {
            eprintln!("skipping {idle} sockets: RLIMIT_NOFILE allows only {limit} descriptors");
            continue;
        }
        open += idle + 2;
        setups.push((idle, linux_bench::Setup::new(idle)));
    }
    let mut criterion = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    linux_bench::bench_wait(&mut criterion, &mut setups);
    criterion.final_summary();
    // Only when really benchmarking (`cargo bench`), not under `cargo test --benches`.
    if std::env::args().any(|arg| arg == "--bench") {
        linux_bench::paired(&mut setups);
    }
}
