//! The poller elsewhere: the `polling` crate (kqueue, event ports, IOCP/AFD on Windows).

use std::io;
use std::num::NonZeroUsize;
use std::time::Duration;

use crate::poller::interest::{Interest, PollMode, RawEvent};
use crate::poller::table::Token;

/// Tokens carry the generation only where `polling`'s `usize` key holds 64 bits.
pub(crate) const GENERATIONS: bool = usize::BITS >= 64;

/// `polling` filters its own wake-ups out; no event carries this token.
pub(crate) const WAKE_TOKEN: Token = u64::MAX;

/// A `polling` poller.
#[derive(Debug)]
pub(crate) struct Backend {
    poller: polling::Poller,
}

/// The buffer `polling` writes into.
#[derive(Debug)]
pub(crate) struct RawEvents {
    events: polling::Events,
}

impl Default for RawEvents {
    fn default() -> Self {
        RawEvents {
            events: polling::Events::new(),
        }
    }
}

impl RawEvents {
    /// Empties the buffer and makes room for `max` events (at least one) in the next wait.
    /// `polling` returns as many as the buffer holds, so with `exact` (a caller's limit)
    /// the buffer is made exactly that large; without, a larger one is kept.
    pub fn prepare(&mut self, max: usize, exact: bool) {
        self.events.clear();
        let max = NonZeroUsize::new(max).unwrap_or(NonZeroUsize::MIN);
        let capacity = self.events.capacity();
        if capacity < max || (exact && capacity != max) {
            self.events = polling::Events::with_capacity(max);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = RawEvent> + '_ {
        self.events.iter().map(|event| RawEvent {
            token: event.key as u64,
            readable: event.readable,
            writable: event.writable,
            hangup: event.is_interrupt() || event.is_err() == Some(true),
        })
    }
}

fn event(token: Token, interest: Interest) -> polling::Event {
    // A token that does not fit `usize` only arises without generations, where it is the
    // slot alone.
    let key = usize::try_from(token).unwrap_or((token & 0xFFFF_FFFF) as usize);
    polling::Event::new(key, interest.readable, interest.writable)
}

fn mode_of(mode: PollMode) -> polling::PollMode {
    match mode {
        PollMode::Level => polling::PollMode::Level,
        PollMode::Edge => polling::PollMode::Edge,
        PollMode::Oneshot => polling::PollMode::Oneshot,
    }
}

impl Backend {
    pub fn new() -> io::Result<Backend> {
        Ok(Backend {
            poller: polling::Poller::new()?,
        })
    }

    pub fn supports(&self, mode: PollMode) -> bool {
        match mode {
            PollMode::Level => self.poller.supports_level(),
            PollMode::Edge => self.poller.supports_edge(),
            PollMode::Oneshot => true,
        }
    }

    pub fn add(
        &self,
        socket: &socket2::Socket,
        token: Token,
        interest: Interest,
        mode: PollMode,
    ) -> io::Result<()> {
        // SAFETY: the socket is deleted from this poller before its descriptor is closed
        // or handed away (`PollerLinks::detach_all` runs in `Socket::close`, its drop and
        // every conversion that gives the descriptor up), which is `polling`'s contract.
        unsafe {
            self.poller
                .add_with_mode(socket, event(token, interest), mode_of(mode))
        }
    }

    pub fn modify(
        &self,
        socket: &socket2::Socket,
        token: Token,
        interest: Interest,
        mode: PollMode,
    ) -> io::Result<()> {
        self.poller
            .modify_with_mode(socket, event(token, interest), mode_of(mode))
    }

    pub fn delete(&self, socket: &socket2::Socket) -> io::Result<()> {
        self.poller.delete(socket)
    }

    /// One wait. `polling` returns without an event after a notify (it filters its own
    /// wake-up out), so an empty return is final: a notify or the timeout.
    pub fn wait(&self, events: &mut RawEvents, timeout: Option<Duration>) -> io::Result<bool> {
        self.poller.wait(&mut events.events, timeout)?;
        Ok(events.events.is_empty())
    }

    pub fn notify(&self) -> io::Result<()> {
        self.poller.notify()
    }

    /// `polling` consumes its own wake-ups.
    pub fn drain_wake(&self) {}

    /// The `polling` poller, for the OS handle accessors in `sys`.
    pub fn inner(&self) -> &polling::Poller {
        &self.poller
    }
}
