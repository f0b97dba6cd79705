//! Connecting by host name: resolve, then race the addresses "Happy Eyeballs" style
//! (RFC 8305) and keep the first connection that succeeds.
//!
//! [`connect_host`] backs the bindings' `socket_connect( host, port[, timeout[, family]] )`;
//! [`connect_addrs`] does the racing for addresses the caller already has.

use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, Type};

use crate::constants::{AF_INET, AF_INET6, AF_UNSPEC, SOCK_STREAM};
use crate::lookup::{getaddrinfo, AddrInfoHints};
use crate::socket::connect_timed_out;
use crate::sys::{self, poll_bits};
use crate::{Error, ErrorCategory, Result, Socket, SocketAddress};

/// How long an attempt runs alone before the next address is tried as well (RFC 8305's
/// recommended "Connection Attempt Delay").
pub const ATTEMPT_DELAY: Duration = Duration::from_millis(250);

/// Resolves `host` (getaddrinfo, `SOCK_STREAM`) and connects to `port` on the first of
/// its addresses that answers, RFC 8305 style; returns the connected TCP socket, blocking,
/// close-on-exec and with no timeouts, as a fresh socket is.
///
/// - `family` is `AF_UNSPEC` (IPv6 and IPv4), `AF_INET` or `AF_INET6`; another value is an
///   invalid-input error.
/// - The addresses are tried IPv6 and IPv4 interleaved, starting with the family of the
///   resolver's first answer ([`interleave_families`]); a new attempt starts
///   [`ATTEMPT_DELAY`] after the previous one if that has not finished yet (at once if it
///   failed). The first to succeed wins; the others are closed.
/// - `timeout` bounds the whole call, name resolution included (`None`: no bound of its
///   own; `Some(Duration::ZERO)`: do not wait). Running out of time is `ETIMEDOUT`.
/// - An unknown name is the resolver's error (category
///   [`Resolver`](crate::ErrorCategory::Resolver), an `EAI_*` code). When every address
///   fails, the error is the last one (`ECONNREFUSED`, `ETIMEDOUT`, ...), with a text
///   naming the host and port.
///
/// ```
/// use std::time::Duration;
/// use sgssockets_core::{connect::connect_host, constants::AF_INET, Socket};
///
/// let listener = Socket::tcp(false)?;
/// listener.bind(&"127.0.0.1:0".parse()?)?;
/// listener.listen(1)?;
/// let port = listener.local_addr()?.port().unwrap();
///
/// let client = connect_host("127.0.0.1", port, Some(Duration::from_secs(5)), AF_INET)?;
/// assert_eq!(client.peer_addr()?, listener.local_addr()?);
/// assert!(client.is_blocking()?);
/// # Ok::<(), sgssockets_core::Error>(())
/// ```
pub fn connect_host(
    host: &str,
    port: u16,
    timeout: Option<Duration>,
    family: i32,
) -> Result<Socket> {
    const OP: &str = "connect_host";
    let started = Instant::now();
    if ![AF_UNSPEC, AF_INET, AF_INET6].contains(&family) {
        return Err(Error::invalid_input(
            OP,
            format!("family must be AF_UNSPEC, AF_INET or AF_INET6, got {family}"),
        ));
    }
    let hints = AddrInfoHints {
        family,
        socktype: SOCK_STREAM,
        ..Default::default()
    };
    let found = getaddrinfo(Some(host), Some(&port.to_string()), &hints).map_err(|err| {
        if err.category() == ErrorCategory::Resolver {
            Error::resolver(OP, err.code(), format!("{host}: {}", err.message()))
        } else {
            err.renamed(OP)
        }
    })?;
    let mut addrs: Vec<SocketAddress> = Vec::with_capacity(found.len());
    for entry in found {
        let is_ip = entry.addr.family() == AF_INET || entry.addr.family() == AF_INET6;
        if is_ip && !addrs.contains(&entry.addr) {
            addrs.push(entry.addr);
        }
    }
    race(OP, &format!("{host} port {port}"), &addrs, started, timeout)
}

/// The same as [`connect_host`], as a constructor.
///
/// ```
/// use sgssockets_core::{constants::AF_UNSPEC, Socket};
/// let err = Socket::connect_host("nonexistent.invalid", 80, None, AF_UNSPEC).unwrap_err();
/// assert_eq!(err.category(), sgssockets_core::ErrorCategory::Resolver);
/// ```
impl Socket {
    /// See [`connect_host`].
    pub fn connect_host(
        host: &str,
        port: u16,
        timeout: Option<Duration>,
        family: i32,
    ) -> Result<Socket> {
        connect_host(host, port, timeout, family)
    }
}

/// Connects to the first of `addrs` (IPv4 or IPv6 addresses with ports) that answers, the
/// way [`connect_host`] does after resolving: interleaved by family
/// ([`interleave_families`]), staggered by [`ATTEMPT_DELAY`], first success wins, the
/// others are closed, everything bounded by `timeout`. An empty list or an address of
/// another family is an invalid-input error.
///
/// ```
/// use std::time::Duration;
/// use sgssockets_core::{connect::connect_addrs, Socket};
///
/// let listener = Socket::tcp(false)?;
/// listener.bind(&"127.0.0.1:0".parse()?)?;
/// listener.listen(1)?;
/// let client = connect_addrs(&[listener.local_addr()?], Some(Duration::from_secs(5)))?;
/// assert_eq!(client.peer_addr()?, listener.local_addr()?);
/// # Ok::<(), sgssockets_core::Error>(())
/// ```
pub fn connect_addrs(addrs: &[SocketAddress], timeout: Option<Duration>) -> Result<Socket> {
    const OP: &str = "connect_addrs";
    let label = match addrs {
        [one] => one.to_string(),
        _ => format!(
            "[{}]",
            addrs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    race(OP, &label, addrs, Instant::now(), timeout)
}

/// `addrs` in RFC 8305 order: the families alternate, starting with the family of the
/// first address; within a family the order is kept.
///
/// ```
/// use sgssockets_core::{connect::interleave_families, SocketAddress};
///
/// let addrs: Vec<SocketAddress> = ["[::1]:1", "[::2]:1", "127.0.0.1:1", "10.0.0.1:1"]
///     .iter()
///     .map(|a| a.parse().unwrap())
///     .collect();
/// let order: Vec<String> = interleave_families(&addrs).iter().map(|a| a.to_string()).collect();
/// assert_eq!(order, ["[::1]:1", "127.0.0.1:1", "[::2]:1", "10.0.0.1:1"]);
/// ```
pub fn interleave_families(addrs: &[SocketAddress]) -> Vec<SocketAddress> {
    let Some(first) = addrs.first() else {
        return Vec::new();
    };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for addr in addrs {
        if addr.family() == first.family() {
            ours.push(addr);
        } else {
            theirs.push(addr);
        }
    }
    let (mut ours, mut theirs) = (ours.into_iter(), theirs.into_iter());
    let mut order = Vec::with_capacity(addrs.len());
    loop {
        match (ours.next(), theirs.next()) {
            (None, None) => return order,
            (a, b) => order.extend(a.into_iter().chain(b).cloned()),
        }
    }
}

/// A connection attempt under way.
struct Attempt {
    socket: Socket,
}

/// How starting an attempt went.
enum Started {
    /// connect(2) finished at once (it can, on loopback).
    Connected(Socket),
    /// The attempt is under way.
    Pending(Attempt),
}

/// Starts a non-blocking connect to `addr`.
fn start_attempt(op: &'static str, addr: &SocketAddress) -> Result<Started> {
    let domain = if addr.family() == AF_INET6 {
        Domain::IPV6
    } else {
        Domain::IPV4
    };
    let socket =
        Socket::new(domain, Type::STREAM, Some(Protocol::TCP)).map_err(|err| err.renamed(op))?;
    socket
        .set_nonblocking(true)
        .map_err(|err| err.renamed(op))?;
    match socket.open(op)?.connect(&addr.to_sockaddr()) {
        Ok(()) => Ok(Started::Connected(socket)),
        Err(err) if sys::connect_in_progress(&err) => Ok(Started::Pending(Attempt { socket })),
        Err(err) => Err(Error::os(op, err)),
    }
}

/// The outcome of an attempt poll reported as done: connected, or why not.
fn outcome(op: &'static str, attempt: &Attempt) -> Result<()> {
    if let Some(err) = attempt.socket.take_error().map_err(|err| err.renamed(op))? {
        return Err(err.renamed(op));
    }
    // No pending error: connected, unless the OS only reported a hang-up.
    attempt
        .socket
        .peer_addr()
        .map(drop)
        .map_err(|err| err.renamed(op))
}

/// The winner, made blocking as a fresh socket is.
fn finish(op: &'static str, socket: Socket) -> Result<Socket> {
    socket
        .set_nonblocking(false)
        .map_err(|err| err.renamed(op))?;
    Ok(socket)
}

/// The race itself: see [`connect_host`]. `label` names the target in errors.
fn race(
    op: &'static str,
    label: &str,
    addrs: &[SocketAddress],
    started: Instant,
    timeout: Option<Duration>,
) -> Result<Socket> {
    if addrs.is_empty() {
        return Err(Error::invalid_input(
            op,
            format!("{label}: no address to connect to"),
        ));
    }
    if let Some(other) = addrs
        .iter()
        .find(|a| a.family() != AF_INET && a.family() != AF_INET6)
    {
        return Err(Error::invalid_input(
            op,
            format!("{other} is not an IPv4 or IPv6 address"),
        ));
    }
    let order = interleave_families(addrs);
    let deadline = timeout.and_then(|t| started.checked_add(t));
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut next = 0;
    let mut next_start = Instant::now();
    let mut last_error: Option<Error> = None;
    let mut entries = Vec::new();
    loop {
        let now = Instant::now();
        let out_of_time = deadline.is_some_and(|d| now >= d);
        // Start the next attempt when it is due, or when nothing else is under way.
        if next < order.len() && !out_of_time && (attempts.is_empty() || now >= next_start) {
            let addr = &order[next];
            next += 1;
            match start_attempt(op, addr) {
                Ok(Started::Connected(socket)) => return finish(op, socket),
                Ok(Started::Pending(attempt)) => {
                    attempts.push(attempt);
                    next_start = now + ATTEMPT_DELAY;
                }
                Err(err) => {
                    last_error = Some(err);
                    next_start = now;
                }
            }
            continue;
        }
        if attempts.is_empty() && next >= order.len() {
            let last = last_error.unwrap_or_else(|| Error::closed(op));
            return Err(Error::coded(
                op,
                last.code(),
                format!("could not connect to {label}: {}", last.message()),
            ));
        }
        if out_of_time {
            // Dropping the attempts closes them.
            return Err(connect_timed_out(op, label, timeout.unwrap_or_default()));
        }

        // Wait for an attempt to finish, the deadline, or the time to start the next one.
        let wake = match (deadline, next < order.len()) {
            (Some(deadline), true) => Some(deadline.min(next_start)),
            (Some(deadline), false) => Some(deadline),
            (None, true) => Some(next_start),
            (None, false) => None,
        };
        let timeout_ms = wake.map_or(-1, |wake| {
            let left = wake.saturating_duration_since(now);
            i32::try_from(left.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX)
        });
        entries.clear();
        for attempt in &attempts {
            let raw = attempt
                .socket
                .raw_socket()
                .ok_or_else(|| Error::closed(op))?;
            entries.push(sys::poll_fd(raw, poll_bits::WRITE));
        }
        match sys::poll(&mut entries, timeout_ms) {
            Ok(_) => {}
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Error::os(op, err)),
        }
        // Newest first, so removing an entry leaves the indexes still to visit valid.
        for index in (0..attempts.len()).rev() {
            if sys::poll_revents(&entries[index]) == 0 {
                continue;
            }
            let attempt = attempts.remove(index);
            match outcome(op, &attempt) {
                Ok(()) => return finish(op, attempt.socket),
                Err(err) => {
                    last_error = Some(err);
                    // A failed attempt lets the next one start at once (RFC 8305, section 5).
                    next_start = Instant::now();
                }
            }
        }
    }
}
