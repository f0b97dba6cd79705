//! The part of a poller its sockets hold (weakly): closing a socket reaches its pollers
//! through it.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::interest::{Interest, PollMode};
use super::table::{Entry, Table, Token};
use crate::sys::poller_backend as backend;

/// What the poller shares with the sockets registered in it.
#[derive(Debug)]
pub(crate) struct Shared {
    pub backend: backend::Backend,
    pub table: Mutex<Table>,
    /// The table's length, readable without the lock (a wait sizes its buffer by it).
    registered: AtomicUsize,
    /// Whether the table noted closed keys not yet taken (so taking none needs no lock).
    closed_pending: AtomicBool,
}

impl Shared {
    pub fn new(backend: backend::Backend, table: Table) -> Shared {
        Shared {
            backend,
            table: Mutex::new(table),
            registered: AtomicUsize::new(0),
            closed_pending: AtomicBool::new(false),
        }
    }

    /// Adds a registration to `table` (this poller's, locked).
    pub fn insert(&self, table: &mut Table, key: u64, interest: Interest, mode: PollMode) -> Token {
        let token = table.insert(key, interest, mode);
        self.registered.store(table.len(), Ordering::Relaxed);
        token
    }

    /// Removes a registration from `table` (this poller's, locked).
    pub fn remove(&self, table: &mut Table, token: Token) -> Option<Entry> {
        let entry = table.remove(token);
        self.registered.store(table.len(), Ordering::Relaxed);
        entry
    }

    /// How many sockets are registered.
    pub fn len(&self) -> usize {
        self.registered.load(Ordering::Relaxed)
    }

    /// The keys of registrations removed because their socket closed, since the last call.
    pub fn take_closed(&self) -> Vec<u64> {
        // A plain load first: the usual case (nothing closed) costs no locked instruction.
        if !self.closed_pending.load(Ordering::Relaxed)
            || !self.closed_pending.swap(false, Ordering::Acquire)
        {
            return Vec::new();
        }
        self.table().take_closed()
    }

    pub fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets the registration `token` of a socket that is being closed: the kernel
    /// registration goes before the descriptor does.
    pub fn forget_closing(&self, socket: &socket2::Socket, token: Token) {
        let mut table = self.table();
        if let Some(entry) = self.remove(&mut table, token) {
            if !entry.interest.is_none() {
                // A failure here means the kernel already forgot it; nothing to undo.
                let _ = self.backend.delete(socket);
            }
            if table.note_closed(entry.key) {
                self.closed_pending.store(true, Ordering::Release);
            }
        }
    }
}
