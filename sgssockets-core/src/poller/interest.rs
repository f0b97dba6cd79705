//! What a registration asks for, how it reports, and what a wait reports.

/// Which readiness a registration asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Interest {
    /// Data (or a connection, or the peer's close) can be received.
    pub readable: bool,
    /// Data can be sent.
    pub writable: bool,
}

impl Interest {
    /// Nothing: the socket stays registered but reports nothing.
    pub const NONE: Interest = Interest {
        readable: false,
        writable: false,
    };
    /// Readable only.
    pub const READ: Interest = Interest {
        readable: true,
        writable: false,
    };
    /// Writable only.
    pub const WRITE: Interest = Interest {
        readable: false,
        writable: true,
    };
    /// Readable and writable.
    pub const BOTH: Interest = Interest {
        readable: true,
        writable: true,
    };

    /// Whether nothing is asked for.
    pub fn is_none(self) -> bool {
        !self.readable && !self.writable
    }
}

/// How a registration reports readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PollMode {
    /// Every wait reports the socket while it is ready (select(2)'s meaning).
    #[default]
    Level,
    /// A wait reports the socket once each time it becomes ready.
    Edge,
    /// The socket is reported once; [`Poller::modify`](crate::Poller::modify) arms it again.
    Oneshot,
}

/// One ready socket, as [`Poller::wait`](crate::Poller::wait) reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollEvent {
    /// The key the socket was registered with.
    pub key: u64,
    /// A receive (or accept) will not block. Errors and hang-ups count as readable, so the
    /// next receive reports them.
    pub readable: bool,
    /// A send will not block (errors and hang-ups too, when writes were asked for).
    pub writable: bool,
}

/// What a backend reported for one registration, as the poller reads it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawEvent {
    /// The registration's token (see `table::Token`).
    pub token: u64,
    /// Data (or a connection, or a close) can be received.
    pub readable: bool,
    /// Data can be sent.
    pub writable: bool,
    /// An error or hang-up: the next call on the socket reports it.
    pub hangup: bool,
}
