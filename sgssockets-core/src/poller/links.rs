//! The pollers a socket is registered in, kept by the socket so that closing or dropping
//! it removes every registration before the descriptor goes (a reused descriptor number
//! can then never report under an old key).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use super::shared::Shared;
use super::table::Token;

/// One registration of the socket: the poller (weakly: a dropped poller simply fails to
/// upgrade) and the registration's token there.
#[derive(Debug)]
struct Link {
    poller: Weak<Shared>,
    token: Token,
}

/// A socket's registrations. Empty (no allocation) for a socket in no poller.
#[derive(Debug, Default)]
pub(crate) struct PollerLinks {
    links: Mutex<Vec<Link>>,
}

/// The locked list of a socket's registrations.
pub(crate) struct LockedLinks<'a>(MutexGuard<'a, Vec<Link>>);

impl PollerLinks {
    /// Locks the list (held while a poller adds or removes the socket, so two threads
    /// cannot register it twice).
    pub fn lock(&self) -> LockedLinks<'_> {
        LockedLinks(self.links.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Removes the socket from every poller it is in; called before its descriptor is
    /// closed or handed away.
    pub fn detach_all(&self, socket: &socket2::Socket) {
        let links = std::mem::take(&mut *self.lock().0);
        for link in links {
            if let Some(poller) = link.poller.upgrade() {
                poller.forget_closing(socket, link.token);
            }
        }
    }
}

impl LockedLinks<'_> {
    /// The token of the socket's registration in `poller`, if it has one.
    pub fn find(&self, poller: &Arc<Shared>) -> Option<Token> {
        self.0
            .iter()
            .find(|link| std::ptr::eq(link.poller.as_ptr(), Arc::as_ptr(poller)))
            .map(|link| link.token)
    }

    /// Takes the socket's registration in `poller` out of the list.
    pub fn take(&mut self, poller: &Arc<Shared>) -> Option<Token> {
        let at = self
            .0
            .iter()
            .position(|link| std::ptr::eq(link.poller.as_ptr(), Arc::as_ptr(poller)))?;
        Some(self.0.swap_remove(at).token)
    }

    /// Records a new registration (and forgets those of pollers that are gone).
    pub fn push(&mut self, poller: Weak<Shared>, token: Token) {
        self.0.retain(|link| link.poller.strong_count() > 0);
        self.0.push(Link { poller, token });
    }
}
