//! C10k load generator: one thread, non-blocking sockets, its own raw epoll.
//!
//! `loadgen PORT [CONNECTIONS [INFLIGHT [SECONDS [WARMUP [SERVER_PID]]]]]` opens CONNECTIONS TCP
//! connections to 127.0.0.1:PORT, keeps INFLIGHT 64-byte requests outstanding, spread
//! round-robin over the connections (at most one per connection while INFLIGHT ≤
//! CONNECTIONS, so an echo server's Nagle never delays a reply), for SECONDS after WARMUP
//! seconds, and prints requests/s and latency percentiles; with SERVER_PID, also the CPU
//! time the server process spent per request while measuring (user + system, from
//! /proc/PID/stat: a figure that holds up when other work shares the CPUs). The last line is
//! `RESULT key=value ...` for scripts. Everything is bounded: connecting gives up after 60 s,
//! the final drain after 2 s.

use std::collections::VecDeque;
use std::io;
use std::os::fd::RawFd;
use std::process::exit;
use std::time::{Duration, Instant};

const MESSAGE: usize = 64;
/// How many connects are in progress at once while connecting.
const CONNECT_WAVE: usize = 256;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(60);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

fn fail(what: &str) -> ! {
    eprintln!("loadgen: {what}: {}", io::Error::last_os_error());
    exit(1)
}

struct Conn {
    fd: RawFd,
    /// Send times (ns since start) of the requests whose replies are still due, in order.
    sent: VecDeque<u64>,
    /// Bytes of the current reply received so far.
    partial: usize,
}

struct Epoll {
    fd: RawFd,
    events: Vec<libc::epoll_event>,
}

impl Epoll {
    fn new() -> Epoll {
        // SAFETY: no pointers.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            fail("epoll_create1");
        }
        Epoll {
            fd,
            events: vec![libc::epoll_event { events: 0, u64: 0 }; 1024],
        }
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd, events: libc::c_int, key: usize) {
        let mut event = libc::epoll_event {
            events: events as u32,
            u64: key as u64,
        };
        // SAFETY: `event` is a live epoll_event; both descriptors are ours.
        if unsafe { libc::epoll_ctl(self.fd, op, fd, &mut event) } != 0 {
            fail("epoll_ctl");
        }
    }

    /// Waits up to `timeout`; returns how many events are in `self.events`.
    fn wait(&mut self, timeout: Duration) -> usize {
        let ms = timeout.as_millis().min(1000) as libc::c_int;
        // SAFETY: the pointer and length describe the live event vector.
        let n = unsafe {
            libc::epoll_wait(
                self.fd,
                self.events.as_mut_ptr(),
                self.events.len() as libc::c_int,
                ms,
            )
        };
        if n < 0 {
            if io::Error::last_os_error().kind() == io::ErrorKind::Interrupted {
                return 0;
            }
            fail("epoll_wait");
        }
        n as usize
    }
}

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A non-blocking TCP socket with a connect to 127.0.0.1:`port` in progress.
fn start_connect(port: u16) -> RawFd {
    // SAFETY: no pointers.
    let fd = unsafe {
        libc::socket(
            libc::AF_INET,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        )
    };
    if fd < 0 {
        fail("socket (raise ulimit -n?)");
    }
    let one: libc::c_int = 1;
    // SAFETY: the option value points to a live c_int of the size given.
    unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    let addr = libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(std::net::Ipv4Addr::LOCALHOST).to_be(),
        },
        sin_zero: [0; 8],
    };
    // SAFETY: the address points to a live sockaddr_in of the size given.
    let rc = unsafe {
        libc::connect(
            fd,
            (&addr as *const libc::sockaddr_in).cast(),
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        )
    };
    if rc != 0 && errno() != libc::EINPROGRESS {
        fail("connect");
    }
    fd
}

fn socket_error(fd: RawFd) -> i32 {
    let mut err: libc::c_int = 0;
    let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: the value and length point to live locals of the right sizes.
    let rc = unsafe {
        libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_ERROR,
            (&mut err as *mut libc::c_int).cast(),
            &mut len,
        )
    };
    if rc != 0 {
        fail("getsockopt(SO_ERROR)");
    }
    err
}

/// Opens `count` connections, `CONNECT_WAVE` at a time; each ends up registered for reading
/// under its index.
fn connect_all(epoll: &mut Epoll, port: u16, count: usize) -> Vec<Conn> {
    let started = Instant::now();
    let mut conns: Vec<Conn> = Vec::with_capacity(count);
    let mut connecting = 0usize;
    let mut opened = 0usize;
    while opened < count || connecting > 0 {
        while opened < count && connecting < CONNECT_WAVE {
            let fd = start_connect(port);
            epoll.ctl(libc::EPOLL_CTL_ADD, fd, libc::EPOLLOUT, opened);
            conns.push(Conn {
                fd,
                sent: VecDeque::new(),
                partial: 0,
            });
            opened += 1;
            connecting += 1;
        }
        if started.elapsed() > CONNECT_TIMEOUT {
            eprintln!("loadgen: {opened} connects started, {connecting} still pending after 60 s");
            exit(1);
        }
        let n = epoll.wait(Duration::from_millis(100));
        for i in 0..n {
            let key = epoll.events[i].u64 as usize;
            let fd = conns[key].fd;
            let err = socket_error(fd);
            if err != 0 {
                eprintln!(
                    "loadgen: connection {key}: {}",
                    io::Error::from_raw_os_error(err)
                );
                exit(1);
            }
            epoll.ctl(libc::EPOLL_CTL_MOD, fd, libc::EPOLLIN, key);
            connecting -= 1;
        }
    }
    conns
}

/// User + system CPU seconds of process `pid` (0: none) from /proc/PID/stat.
fn cpu_seconds(pid: u32) -> Option<f64> {
    if pid == 0 {
        return None;
    }
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces: the fields we want follow its closing ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of stat (utime, stime) are 12 and 13 after the name.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // SAFETY: sysconf takes no pointers.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
    Some(ticks / per_second)
}

/// This process's user + system CPU seconds.
fn own_cpu_seconds() -> f64 {
    // SAFETY: getrusage writes one rusage into the zeroed struct we own.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

fn arg<T: std::str::FromStr>(args: &[String], index: usize, default: T, name: &str) -> T {
    match args.get(index) {
        None => default,
        Some(text) => text.parse().unwrap_or_else(|_| {
            eprintln!("loadgen: {name} must be a number, not {text:?}");
            exit(2)
        }),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 || args[1] == "-h" || args[1] == "--help" {
        eprintln!(
            "usage: loadgen PORT [CONNECTIONS=10000 [INFLIGHT=1000 [SECONDS=10 [WARMUP=1 [SERVER_PID]]]]]"
        );
        exit(2);
    }
    let port: u16 = arg(&args, 1, 0, "PORT");
    let connections: usize = arg(&args, 2, 10_000, "CONNECTIONS");
    let inflight: usize = arg(&args, 3, 1_000, "INFLIGHT");
    let seconds: f64 = arg(&args, 4, 10.0, "SECONDS");
    let warmup: f64 = arg(&args, 5, 1.0, "WARMUP");
    let server_pid: u32 = arg(&args, 6, 0, "SERVER_PID");
    if connections == 0 || inflight == 0 || !(seconds > 0.0 && seconds <= 3600.0) || warmup < 0.0 {
        eprintln!("loadgen: need CONNECTIONS > 0, INFLIGHT > 0, 0 < SECONDS <= 3600, WARMUP >= 0");
        exit(2);
    }
    // Requests per connection at once: 1 unless there are more requests than connections.
    let depth = inflight.div_ceil(connections);

    let mut epoll = Epoll::new();
    let connect_started = Instant::now();
    let mut conns = connect_all(&mut epoll, port, connections);
    eprintln!(
        "loadgen: {connections} connections open in {:.2} s; {inflight} requests in flight",
        connect_started.elapsed().as_secs_f64()
    );

    let request = [b'x'; MESSAGE];
    let start = Instant::now();
    let nanos = |at: Instant| at.duration_since(start).as_nanos() as u64;
    let measure_from = Duration::from_secs_f64(warmup);
    let stop_at = measure_from + Duration::from_secs_f64(seconds);
    let mut latencies: Vec<u64> = Vec::with_capacity(1 << 20);
    let mut cursor = 0usize;
    let mut outstanding = 0usize;
    let mut buf = vec![0u8; 64 * 1024];

    // Sends one request on the next connection (round-robin) that has room.
    let send_next = |conns: &mut [Conn], cursor: &mut usize, now_ns: u64| {
        loop {
            let count = conns.len();
            let conn = &mut conns[*cursor];
            *cursor = (*cursor + 1) % count;
            if conn.sent.len() >= depth {
                continue;
            }
            // SAFETY: the pointer and length describe the live request array.
            let n = unsafe { libc::write(conn.fd, request.as_ptr().cast(), MESSAGE) };
            if n != MESSAGE as isize {
                // 64 bytes with at most `depth` outstanding never fill a send buffer.
                fail("write of a request (short or failed)");
            }
            conn.sent.push_back(now_ns);
            return;
        }
    };

    let first = nanos(Instant::now());
    for _ in 0..inflight {
        send_next(&mut conns, &mut cursor, first);
        outstanding += 1;
    }

    let mut measured = 0u64;
    let mut measure_start_ns: Option<u64> = None;
    let (mut server_cpu_start, mut own_cpu_start) = (None, 0.0);
    let mut server_cpu_end = None;
    let mut own_cpu_end = 0.0;
    let mut stopping_since: Option<Instant> = None;
    loop {
        let elapsed = start.elapsed();
        if stopping_since.is_none() && elapsed >= stop_at {
            stopping_since = Some(Instant::now());
            server_cpu_end = cpu_seconds(server_pid);
            own_cpu_end = own_cpu_seconds();
        }
        if let Some(since) = stopping_since {
            if outstanding == 0 || since.elapsed() >= DRAIN_TIMEOUT {
                break;
            }
        }
        let n = epoll.wait(Duration::from_millis(100));
        for i in 0..n {
            let key = epoll.events[i].u64 as usize;
            let fd = conns[key].fd;
            // SAFETY: the pointer and length describe the live buffer.
            let got = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
            if got == 0 {
                eprintln!("loadgen: the server closed connection {key}");
                exit(1);
            }
            if got < 0 {
                if errno() == libc::EAGAIN || errno() == libc::EINTR {
                    continue;
                }
                fail("read");
            }
            let now = Instant::now();
            let now_ns = nanos(now);
            let measuring = now.duration_since(start) >= measure_from && stopping_since.is_none();
            if measuring && measure_start_ns.is_none() {
                measure_start_ns = Some(now_ns);
                server_cpu_start = cpu_seconds(server_pid);
                own_cpu_start = own_cpu_seconds();
            }
            let mut total = conns[key].partial + got as usize;
            while total >= MESSAGE {
                total -= MESSAGE;
                let Some(sent) = conns[key].sent.pop_front() else {
                    eprintln!("loadgen: connection {key} got a reply to nothing");
                    exit(1);
                };
                outstanding -= 1;
                if measuring {
                    latencies.push(now_ns - sent);
                    measured += 1;
                }
                if stopping_since.is_none() {
                    send_next(&mut conns, &mut cursor, now_ns);
                    outstanding += 1;
                }
            }
            conns[key].partial = total;
        }
    }
    let measure_end = stopping_since.unwrap_or_else(Instant::now);
    let window = (nanos(measure_end) - measure_start_ns.unwrap_or(nanos(measure_end))) as f64 / 1e9;
    for conn in &conns {
        // SAFETY: each descriptor is ours and closed once.
        unsafe { libc::close(conn.fd) };
    }
    latencies.sort_unstable();
    let rps = if window > 0.0 {
        measured as f64 / window
    } else {
        0.0
    };
    let (p50, p99, p999) = (
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 0.999),
    );
    let max = latencies.last().map_or(f64::NAN, |&l| l as f64 / 1000.0);
    println!(
        "{measured} requests in {window:.2} s: {rps:.0} req/s; latency p50 {p50:.0} µs, p99 {p99:.0} µs, p99.9 {p999:.0} µs, max {max:.0} µs; {outstanding} unanswered at the end"
    );
    let per_request = |cpu: f64| {
        if measured > 0 {
            cpu * 1e6 / measured as f64
        } else {
            f64::NAN
        }
    };
    let server_us = match (server_cpu_start, server_cpu_end) {
        (Some(a), Some(b)) => per_request(b - a),
        _ => f64::NAN,
    };
    let own_us = per_request(own_cpu_end - own_cpu_start);
    println!(
        "CPU per request while measuring: server {server_us:.1} µs, load generator {own_us:.1} µs"
    );
    println!(
        "RESULT connections={connections} inflight={inflight} seconds={window:.2} requests={measured} rps={rps:.0} p50_us={p50:.0} p99_us={p99:.0} p999_us={p999:.0} max_us={max:.0} unanswered={outstanding} server_cpu_us={server_us:.1} loadgen_cpu_us={own_us:.1}"
    );
}
