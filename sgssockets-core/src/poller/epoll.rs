//! The poller on Linux and Android: epoll directly (one system call per wait; the wake-up
//! eventfd is read only when it fired).

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::Duration;

use rustix::event::{epoll, eventfd, EventfdFlags, Timespec};

use crate::poller::interest::{Interest, PollMode, RawEvent};
use crate::poller::table::Token;

/// epoll carries a full 64-bit token: slot and generation.
pub(crate) const GENERATIONS: bool = true;

/// The token of the wake-up eventfd (callers' keys never reach the kernel).
pub(crate) const WAKE_TOKEN: Token = u64::MAX;

/// An epoll instance and its wake-up eventfd.
#[derive(Debug)]
pub(crate) struct Backend {
    epoll: OwnedFd,
    wake: OwnedFd,
}

/// The buffer epoll_wait writes into: kept initialised (events are plain data), so the
/// kernel is handed exactly the first `max` entries of it.
#[derive(Default)]
pub(crate) struct RawEvents {
    buf: Vec<epoll::Event>,
    /// How many events the next wait may return.
    max: usize,
    /// How many the last wait returned.
    len: usize,
}

impl std::fmt::Debug for RawEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawEvents")
            .field("len", &self.len)
            .field("max", &self.max)
            .finish()
    }
}

/// What the buffer holds before the kernel writes it.
const NO_EVENT: epoll::Event = epoll::Event {
    flags: epoll::EventFlags::empty(),
    data: epoll::EventData::new_u64(0),
};

impl RawEvents {
    /// Empties the buffer and makes room for at most `max` events (at least one) in the
    /// next wait: the kernel is asked for no more, and keeps the others ready for later.
    /// (`exact` matters only to the portable backend.)
    pub fn prepare(&mut self, max: usize, _exact: bool) {
        self.len = 0;
        self.max = max.max(1);
        if self.buf.len() < self.max {
            self.buf.resize(self.max, NO_EVENT);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn iter(&self) -> impl Iterator<Item = RawEvent> + '_ {
        self.buf[..self.len].iter().map(|event| {
            let flags = event.flags;
            RawEvent {
                token: event.data.u64(),
                readable: flags.intersects(
                    epoll::EventFlags::IN | epoll::EventFlags::RDHUP | epoll::EventFlags::PRI,
                ),
                writable: flags.contains(epoll::EventFlags::OUT),
                hangup: flags.intersects(epoll::EventFlags::ERR | epoll::EventFlags::HUP),
            }
        })
    }
}

fn flags(interest: Interest, mode: PollMode) -> epoll::EventFlags {
    let mut flags = epoll::EventFlags::empty();
    if interest.readable {
        flags |= epoll::EventFlags::IN | epoll::EventFlags::RDHUP;
    }
    if interest.writable {
        flags |= epoll::EventFlags::OUT;
    }
    match mode {
        PollMode::Level => {}
        PollMode::Edge => flags |= epoll::EventFlags::ET,
        PollMode::Oneshot => flags |= epoll::EventFlags::ONESHOT,
    }
    flags
}

impl Backend {
    pub fn new() -> io::Result<Backend> {
        let epoll = epoll::create(epoll::CreateFlags::CLOEXEC)?;
        let wake = eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?;
        epoll::add(
            &epoll,
            &wake,
            epoll::EventData::new_u64(WAKE_TOKEN),
            epoll::EventFlags::IN,
        )?;
        Ok(Backend { epoll, wake })
    }

    /// epoll has every mode.
    pub fn supports(&self, _mode: PollMode) -> bool {
        true
    }

    pub fn add(
        &self,
        socket: &socket2::Socket,
        token: Token,
        interest: Interest,
        mode: PollMode,
    ) -> io::Result<()> {
        epoll::add(
            &self.epoll,
            socket,
            epoll::EventData::new_u64(token),
            flags(interest, mode),
        )
        .map_err(io::Error::from)
    }

    pub fn modify(
        &self,
        socket: &socket2::Socket,
        token: Token,
        interest: Interest,
        mode: PollMode,
    ) -> io::Result<()> {
        epoll::modify(
            &self.epoll,
            socket,
            epoll::EventData::new_u64(token),
            flags(interest, mode),
        )
        .map_err(io::Error::from)
    }

    pub fn delete(&self, socket: &socket2::Socket) -> io::Result<()> {
        epoll::delete(&self.epoll, socket).map_err(io::Error::from)
    }

    /// One epoll_wait; `None` waits forever. The timeout is rounded up to the kernel's
    /// millisecond, so it never ends a wait early. Returns whether the wait ended for a
    /// reason that is not among the events: never here (the wake-up is an event).
    pub fn wait(&self, events: &mut RawEvents, timeout: Option<Duration>) -> io::Result<bool> {
        events.len = 0;
        let timeout = timeout.map(|t| Timespec {
            tv_sec: i64::try_from(t.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(t.subsec_nanos()),
        });
        // `prepare` made `buf` at least `max` (at least one) long.
        let buf = &mut events.buf[..events.max];
        events.len = epoll::wait(&self.epoll, buf, timeout.as_ref())?;
        Ok(false)
    }

    pub fn notify(&self) -> io::Result<()> {
        match rustix::io::write(&self.wake, &1u64.to_ne_bytes()) {
            // A full counter is already a pending wake-up.
            Ok(_) | Err(rustix::io::Errno::AGAIN) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    /// Resets the wake-up eventfd after it fired.
    pub fn drain_wake(&self) {
        let mut buf = [0u8; 8];
        let _ = rustix::io::read(&self.wake, &mut buf);
    }
}

/// The epoll descriptor, for a host event loop to wait on.
impl AsFd for Backend {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.epoll.as_fd()
    }
}
