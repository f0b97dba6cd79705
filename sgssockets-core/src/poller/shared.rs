//! The part of a poller its sockets hold (weakly): closing a socket reaches its pollers
//! through it.

use std::sync::{Mutex, MutexGuard, PoisonError};

use super::table::{Table, Token};
use crate::sys::poller_backend as backend;

/// What the poller shares with the sockets registered in it.
#[derive(Debug)]
pub(crate) struct Shared {
    pub backend: backend::Backend,
    pub table: Mutex<Table>,
}

impl Shared {
    pub fn table(&self) -> MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets the registration `token` of a socket that is being closed: the kernel
    /// registration goes before the descriptor does.
    pub fn forget_closing(&self, socket: &socket2::Socket, token: Token) {
        let mut table = self.table();
        if let Some(entry) = table.remove(token) {
            if !entry.interest.is_none() {
                // A failure here means the kernel already forgot it; nothing to undo.
                let _ = self.backend.delete(socket);
            }
            table.note_closed(entry.key);
        }
    }
}
