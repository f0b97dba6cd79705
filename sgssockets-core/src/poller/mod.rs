//! [`Poller`]: register sockets once, then wait for the ready ones at a cost that does not
//! grow with how many are registered (epoll on Linux and Android, the `polling` crate's
//! kqueue, event ports or IOCP elsewhere).
//!
//! Registrations are tied to the [`Socket`]: closing or dropping a registered socket
//! removes it from every poller first, so a descriptor number reused by a new socket never
//! reports under the old registration's key.
//!
//! ```
//! use std::time::Duration;
//! use sgssockets_core::{Interest, MsgFlags, Poller, PollEvents, Socket};
//!
//! let server = Socket::udp(false)?;
//! server.bind(&"127.0.0.1:0".parse()?)?;
//! let poller = Poller::new()?;
//! poller.add(&server, 7, Interest::READ)?;
//!
//! let client = Socket::udp(false)?;
//! client.send_to(b"ping", &server.local_addr()?, MsgFlags::empty())?;
//!
//! let mut events = PollEvents::new();
//! assert_eq!(poller.wait(&mut events, Some(Duration::from_secs(5)))?, 1);
//! let event = events.iter().next().unwrap();
//! assert_eq!((event.key, event.readable, event.writable), (7, true, false));
//! # Ok::<(), sgssockets_core::Error>(())
//! ```

pub(crate) mod interest;
mod links;
mod shared;
pub(crate) mod table;

use std::io;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::error::Context;
use crate::sys::poller_backend as backend;
use crate::{Error, Result, Socket};

pub use interest::{Interest, PollEvent, PollMode};
pub(crate) use links::PollerLinks;
use shared::Shared;
use table::{Table, Token};

/// The buffer [`Poller::wait`] fills; reuse one across waits. By default it grows to the
/// number of registered sockets, so one wait reports every ready socket; with a
/// [limit](PollEvents::with_limit) a wait reports at most that many.
#[derive(Debug, Default)]
pub struct PollEvents {
    raw: backend::RawEvents,
    ready: Vec<PollEvent>,
    /// TLS hook: the registrations with buffered input at the start of the wait.
    buffered: Vec<Token>,
    /// The most events one wait reports (`None`: every ready socket).
    limit: Option<NonZeroUsize>,
    /// With a limit of one: whether buffered TLS input had the last turn.
    buffered_turn: bool,
}

impl PollEvents {
    /// An empty buffer; each wait reports every ready socket.
    pub fn new() -> PollEvents {
        PollEvents::default()
    }

    /// An empty buffer; each wait reports at most `limit` ready sockets. The kernel is asked
    /// for no more, so nothing is lost: the others stay ready and a later wait reports them.
    /// Level-triggered sockets take turns (the kernel reports those left out first next
    /// time), so one that stays ready cannot starve the rest.
    ///
    /// ```
    /// # use std::num::NonZeroUsize;
    /// # use sgssockets_core::PollEvents;
    /// let events = PollEvents::with_limit(NonZeroUsize::new(64).unwrap());
    /// assert_eq!(events.limit().map(NonZeroUsize::get), Some(64));
    /// ```
    pub fn with_limit(limit: NonZeroUsize) -> PollEvents {
        PollEvents {
            limit: Some(limit),
            ..PollEvents::default()
        }
    }

    /// Changes the limit of [`with_limit`](PollEvents::with_limit) (`None`: every ready
    /// socket) for the next waits.
    pub fn set_limit(&mut self, limit: Option<NonZeroUsize>) {
        self.limit = limit;
    }

    /// The most events one wait reports (`None`: every ready socket).
    pub fn limit(&self) -> Option<NonZeroUsize> {
        self.limit
    }

    /// Under a limit, the room kept for TLS registrations with buffered input: at most half,
    /// so neither they nor the kernel's events crowd the others out; with a limit of one,
    /// every other wait.
    fn buffered_share(&mut self, limit: usize) -> usize {
        if self.buffered.is_empty() {
            return 0;
        }
        let share = if limit > 1 {
            limit / 2
        } else {
            self.buffered_turn = !self.buffered_turn;
            usize::from(self.buffered_turn)
        };
        share.min(self.buffered.len())
    }

    /// The events of the last wait.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &PollEvent> {
        self.ready.iter()
    }

    /// How many events the last wait reported.
    pub fn len(&self) -> usize {
        self.ready.len()
    }

    /// Whether the last wait reported nothing.
    pub fn is_empty(&self) -> bool {
        self.ready.is_empty()
    }
}

/// A set of registered sockets and a way to wait for the ready ones.
///
/// `Poller` is `Send + Sync`: [`notify`](Poller::notify) wakes a [`wait`](Poller::wait)
/// running on another thread.
#[derive(Debug)]
pub struct Poller {
    shared: Arc<Shared>,
    /// TLS hook: registrations with input buffered above the kernel.
    buffered: Arc<Buffered>,
}

/// TLS hook: the tokens of registrations whose TLS stream holds input a receive returns
/// without the kernel (decrypted plaintext, a close_notify). The stream adds and removes
/// its token when that changes (not on every receive); `wait` reports them readable and
/// does not block while there is one. Empty and never locked without TLS streams.
#[derive(Debug, Default)]
struct Buffered {
    any: AtomicBool,
    tokens: Mutex<Vec<Token>>,
}

impl Buffered {
    fn set(&self, token: Token, on: bool) {
        if !on && !self.any.load(Ordering::Acquire) {
            return;
        }
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let at = tokens.iter().position(|&t| t == token);
        match (on, at) {
            (true, None) => tokens.push(token),
            (false, Some(at)) => {
                tokens.swap_remove(at);
            }
            _ => {}
        }
        self.any.store(!tokens.is_empty(), Ordering::Release);
    }

    /// The tokens now, sorted (empty without a lock when there are none).
    fn snapshot(&self, out: &mut Vec<Token>) {
        out.clear();
        if self.any.load(Ordering::Acquire) {
            let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
            out.extend_from_slice(&tokens);
            out.sort_unstable();
        }
    }
}

/// What a TLS stream keeps of a poller it was added to (weakly: a dropped poller is
/// simply gone).
#[cfg(feature = "tls")]
#[derive(Debug)]
pub(crate) struct TlsPollerLink {
    shared: std::sync::Weak<Shared>,
    buffered: std::sync::Weak<Buffered>,
    /// The registration last marked as having buffered input, to unmark when the session
    /// goes (its socket may stay registered).
    marked: Option<Token>,
}

#[cfg(feature = "tls")]
impl TlsPollerLink {
    /// Marks `socket`'s registration in this poller as having buffered input or not. The
    /// token is looked up through the socket's own registrations, so a removed and re-added
    /// socket is found under its new token. `false` when the poller is gone or the socket
    /// is no longer registered there (the link can be dropped).
    pub(crate) fn set_buffered(&mut self, socket: &Socket, on: bool) -> bool {
        let (Some(shared), Some(buffered)) = (self.shared.upgrade(), self.buffered.upgrade())
        else {
            return false;
        };
        let Some(token) = socket.poller_links().lock().find(&shared) else {
            return false;
        };
        buffered.set(token, on);
        self.marked = on.then_some(token);
        true
    }

    /// Takes back the mark this link set, if any (a registration gone since is no longer
    /// matched: its token's generation changed).
    pub(crate) fn unmark(self) {
        if let (Some(token), Some(buffered)) = (self.marked, self.buffered.upgrade()) {
            buffered.set(token, false);
        }
    }
}

/// `EEXIST`: the socket is in this poller already.
fn already_registered(operation: &'static str) -> Error {
    let text = "the socket is already registered in this poller";
    Error::coded(operation, crate::sys::errno::EEXIST, text)
}

/// `ENOENT`: the socket is not in this poller.
fn not_registered(operation: &'static str) -> Error {
    let text = "the socket is not registered in this poller";
    Error::coded(operation, crate::sys::errno::ENOENT, text)
}

/// The key the backend reports for [`Poller::notify`]'s wake-up.
const WAKE_KEY_MESSAGE: &str = "key u64::MAX is reserved";

impl Poller {
    /// A new poller (an epoll instance and its wake-up eventfd on Linux).
    pub fn new() -> Result<Poller> {
        Poller::create(false)
    }

    /// A new poller that remembers the key of each socket closed (or dropped) while
    /// registered, for [`take_closed_keys`](Poller::take_closed_keys): for callers that hold
    /// something per key, as the SGScript binding holds the socket object. A poller from
    /// [`new`](Poller::new) keeps no such list, so nothing grows when nobody takes it.
    ///
    /// ```
    /// # use sgssockets_core::{Interest, Poller, Socket};
    /// let poller = Poller::with_closed_keys()?;
    /// let socket = Socket::udp(false)?;
    /// poller.add(&socket, 9, Interest::READ)?;
    /// drop(socket);
    /// assert_eq!(poller.take_closed_keys(), [9]);
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    pub fn with_closed_keys() -> Result<Poller> {
        Poller::create(true)
    }

    fn create(keep_closed_keys: bool) -> Result<Poller> {
        let backend = backend::Backend::new().during("poller create")?;
        let table = Table::new(backend::GENERATIONS, keep_closed_keys);
        Ok(Poller {
            shared: Arc::new(Shared::new(backend, table)),
            buffered: Arc::default(),
        })
    }

    /// Registers `socket` under `key` (level-triggered).
    ///
    /// Fails with `EEXIST` if it is already registered here, `EBADF` if it is closed.
    pub fn add(&self, socket: &Socket, key: u64, interest: Interest) -> Result<()> {
        self.add_with_mode(socket, key, interest, PollMode::Level)
    }

    /// Registers `socket` under `key` with a [`PollMode`]; a mode the platform lacks is
    /// an error (`EINVAL`) that says so.
    pub fn add_with_mode(
        &self,
        socket: &Socket,
        key: u64,
        interest: Interest,
        mode: PollMode,
    ) -> Result<()> {
        const OP: &str = "poller add";
        if key == u64::MAX {
            return Err(Error::invalid_input(OP, WAKE_KEY_MESSAGE));
        }
        self.check_mode(OP, mode)?;
        let inner = socket.open(OP)?;
        let mut links = socket.poller_links().lock();
        if links.find(&self.shared).is_some() {
            return Err(already_registered(OP));
        }
        let mut table = self.shared.table();
        let token = self.shared.insert(&mut table, key, interest, mode);
        if !interest.is_none() {
            if let Err(err) = self.shared.backend.add(inner, token, interest, mode) {
                self.shared.remove(&mut table, token);
                return Err(Error::os(OP, err));
            }
        }
        drop(table);
        links.push(Arc::downgrade(&self.shared), token);
        // A slot reused without a new generation must not inherit a stale TLS mark.
        self.buffered.set(token, false);
        Ok(())
    }

    /// Registers a TLS stream's socket under `key` (level-triggered), so that input the
    /// stream has already decrypted and buffered is reported readable although the kernel
    /// has nothing new. [`modify`](Poller::modify), [`remove`](Poller::remove) and
    /// [`contains`](Poller::contains) take [`stream.socket()`](crate::tls::TlsStream::socket).
    ///
    /// ```
    /// # use sgssockets_core::{Poller, Interest, Socket};
    /// # use sgssockets_core::tls::{ClientConfig, ClientOptions, TlsStream};
    /// let config = ClientConfig::new(&ClientOptions { insecure_skip_verify: true, ..Default::default() })?;
    /// let stream = TlsStream::client(Socket::tcp(false)?, &config, "example.com")?;
    /// let poller = Poller::new()?;
    /// poller.add_tls(&stream, 1, Interest::READ)?;
    /// assert!(poller.contains(stream.socket()));
    /// # Ok::<(), sgssockets_core::Error>(())
    /// ```
    #[cfg(feature = "tls")]
    pub fn add_tls(
        &self,
        stream: &crate::tls::TlsStream,
        key: u64,
        interest: Interest,
    ) -> Result<()> {
        self.add_tls_session(stream.socket(), stream.session(), key, interest)
    }

    /// [`add_tls`](Poller::add_tls) for a [`TlsSession`](crate::tls::TlsSession) whose socket
    /// is kept apart from it: registers `socket`, the one the session runs over.
    #[cfg(feature = "tls")]
    pub fn add_tls_session(
        &self,
        socket: &Socket,
        session: &crate::tls::TlsSession,
        key: u64,
        interest: Interest,
    ) -> Result<()> {
        self.add(socket, key, interest)?;
        let link = TlsPollerLink {
            shared: Arc::downgrade(&self.shared),
            buffered: Arc::downgrade(&self.buffered),
            marked: None,
        };
        session.link_poller(socket, link);
        Ok(())
    }

    /// Changes what a registered socket reports (and, for oneshot, arms it again).
    /// `ENOENT` if it is not registered here.
    pub fn modify(&self, socket: &Socket, interest: Interest) -> Result<()> {
        const OP: &str = "poller modify";
        let inner = socket.open(OP)?;
        let links = socket.poller_links().lock();
        let Some(token) = links.find(&self.shared) else {
            return Err(not_registered(OP));
        };
        let mut table = self.shared.table();
        let Some(entry) = table.get_mut(token) else {
            return Err(not_registered(OP));
        };
        let backend = &self.shared.backend;
        let result = match (entry.interest.is_none(), interest.is_none()) {
            (true, true) => Ok(()),
            (true, false) => backend.add(inner, token, interest, entry.mode),
            (false, true) => backend.delete(inner),
            (false, false) => backend.modify(inner, token, interest, entry.mode),
        };
        result.during(OP)?;
        entry.interest = interest;
        Ok(())
    }

    /// Unregisters `socket`; returns the key it was registered under. `ENOENT` if it is
    /// not registered here.
    pub fn remove(&self, socket: &Socket) -> Result<u64> {
        const OP: &str = "poller remove";
        let inner = socket.open(OP)?;
        let mut links = socket.poller_links().lock();
        let Some(token) = links.take(&self.shared) else {
            return Err(not_registered(OP));
        };
        drop(links);
        self.buffered.set(token, false);
        let mut table = self.shared.table();
        let entry = self
            .shared
            .remove(&mut table, token)
            .ok_or_else(|| not_registered(OP))?;
        if !entry.interest.is_none() {
            self.shared.backend.delete(inner).during(OP)?;
        }
        Ok(entry.key)
    }

    /// Whether `socket` is registered here.
    pub fn contains(&self, socket: &Socket) -> bool {
        socket.poller_links().lock().find(&self.shared).is_some()
    }

    /// How many sockets are registered.
    pub fn len(&self) -> usize {
        self.shared.len()
    }

    /// Whether no socket is registered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The keys of sockets that were closed (or dropped) while registered, since the last
    /// call: they are no longer registered. Bindings use this to release what they held
    /// for those keys. Always empty for a poller made by [`new`](Poller::new): see
    /// [`with_closed_keys`](Poller::with_closed_keys).
    pub fn take_closed_keys(&self) -> Vec<u64> {
        self.shared.take_closed()
    }

    /// Waits until a registered socket is ready, the timeout expires (`Some(ZERO)` does not
    /// wait; `None` waits forever) or [`notify`](Poller::notify) is called; fills `events`
    /// with every ready socket and returns how many. A signal does not end the wait early:
    /// it resumes with the time left. A TLS stream added with [`add_tls`](Poller::add_tls)
    /// that holds buffered input is readable at once (no wait, no system call for it).
    pub fn wait(&self, events: &mut PollEvents, timeout: Option<Duration>) -> Result<usize> {
        events.ready.clear();
        self.buffered.snapshot(&mut events.buffered);
        if !events.buffered.is_empty() {
            // Only those that ask for readability make the wait return at once.
            let table = self.shared.table();
            events
                .buffered
                .retain(|&token| table.get(token).is_some_and(|e| e.interest.readable));
        }
        let (limit, kernel_max) = match events.limit {
            // Room for every registration and the wake-up.
            None => (usize::MAX, self.len().saturating_add(1)),
            Some(limit) => (
                limit.get(),
                limit.get() - events.buffered_share(limit.get()),
            ),
        };
        events.raw.prepare(kernel_max, events.limit.is_some());
        if kernel_max > 0 {
            let timeout = if events.buffered.is_empty() {
                timeout
            } else {
                Some(Duration::ZERO)
            };
            self.wait_kernel(&mut events.raw, timeout)?;
        }
        let table = self.shared.table();
        let buffered = &mut events.buffered;
        for raw in events.raw.iter() {
            if raw.token == backend::WAKE_TOKEN {
                self.shared.backend.drain_wake();
                continue;
            }
            let Some(entry) = table.get(raw.token) else {
                continue; // removed after the kernel queued it
            };
            // A TLS registration with buffered input: readable, reported once (here).
            let has_buffered = !buffered.is_empty()
                && match buffered.binary_search(&raw.token) {
                    Ok(at) => {
                        buffered.remove(at);
                        entry.interest.readable
                    }
                    Err(_) => false,
                };
            let readable = raw.readable || raw.hangup;
            let writable = raw.writable || (raw.hangup && entry.interest.writable);
            if readable || writable || has_buffered {
                events.ready.push(PollEvent {
                    key: entry.key,
                    readable: (readable && (entry.interest.readable || raw.hangup)) || has_buffered,
                    writable,
                });
            }
        }
        // The other TLS registrations with buffered input, which the kernel did not report
        // (those beyond the limit stay marked, for a later wait).
        for &token in buffered.iter() {
            match table.get(token) {
                Some(entry) if entry.interest.readable && events.ready.len() < limit => {
                    events.ready.push(PollEvent {
                        key: entry.key,
                        readable: true,
                        writable: false,
                    })
                }
                Some(_) => {}
                None => self.buffered.set(token, false), // unregistered since
            }
        }
        Ok(events.ready.len())
    }

    /// Waits in the kernel until `raw` holds events, the timeout expires or a notify
    /// arrives; a signal resumes the wait with the time left.
    fn wait_kernel(&self, raw: &mut backend::RawEvents, timeout: Option<Duration>) -> Result<()> {
        let deadline = match timeout {
            Some(timeout) if !timeout.is_zero() => Instant::now().checked_add(timeout),
            _ => None,
        };
        let mut remaining = timeout;
        loop {
            match self.shared.backend.wait(raw, remaining) {
                Ok(true) => return Ok(()), // woken by notify without an event
                Ok(false) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(Error::os("poller wait", err)),
            }
            if !raw.is_empty() {
                return Ok(());
            }
            // Nothing yet: done if the time is up (or there was none), else wait the rest
            // (a signal, or a wake-up from a previous notify).
            match (timeout, deadline) {
                (None, _) => continue,
                (Some(_), None) => return Ok(()),
                (Some(_), Some(deadline)) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Ok(());
                    }
                    remaining = Some(deadline - now);
                }
            }
        }
    }

    /// Wakes a [`wait`](Poller::wait) in progress (or the next one) on any thread.
    pub fn notify(&self) -> Result<()> {
        self.shared.backend.notify().during("poller notify")
    }

    fn check_mode(&self, operation: &'static str, mode: PollMode) -> Result<()> {
        if self.shared.backend.supports(mode) {
            Ok(())
        } else {
            Err(Error::invalid_input(
                operation,
                format!("{mode:?} mode is not supported on this platform"),
            ))
        }
    }
}

impl Poller {
    /// The platform backend, for the OS handle accessors in `sys`.
    pub(crate) fn backend(&self) -> &backend::Backend {
        &self.shared.backend
    }
}
