//! What `socket_select` and `socket_poller` wait on: a `socket` object, or a `socket_tls`
//! object (its socket, plus the plaintext it has already decrypted, which counts as
//! readable without the kernel). The one place that knows both types.

use std::cell::Ref;

use sgssockets_core::Socket;

use crate::host::context::Ctx;
use crate::host::object::object_of_variable;
use crate::host::raw::sgs_Variable;
use crate::types::socket::{socket_at, SocketObject};

/// A `socket` or `socket_tls` object.
#[derive(Debug, Clone, Copy)]
pub enum Waitable<'a> {
    /// A plain socket.
    Socket(&'a SocketObject),
    /// A TLS object.
    #[cfg(feature = "tls")]
    Tls(&'a crate::types::tls::TlsObject),
}

impl<'a> Waitable<'a> {
    /// The object at stack `item`, if it is a socket or a TLS object.
    pub fn at(ctx: &Ctx<'a>, item: i32) -> Option<Waitable<'a>> {
        if let Some(socket) = socket_at(ctx, item) {
            return Some(Waitable::Socket(socket));
        }
        #[cfg(feature = "tls")]
        if let Some(tls) = crate::types::tls::tls_at(ctx, item) {
            return Some(Waitable::Tls(tls));
        }
        None
    }

    /// The object `var` holds, if it is a socket or a TLS object.
    ///
    /// # Safety
    /// `var` must stay alive (referenced) for `'a`.
    pub unsafe fn of_variable(var: &sgs_Variable) -> Option<Waitable<'a>> {
        // SAFETY: forwarded contract.
        if let Some(socket) = unsafe { object_of_variable::<SocketObject>(var) } {
            return Some(Waitable::Socket(socket));
        }
        #[cfg(feature = "tls")]
        // SAFETY: forwarded contract.
        if let Some(tls) = unsafe { object_of_variable::<crate::types::tls::TlsObject>(var) } {
            return Some(Waitable::Tls(tls));
        }
        None
    }

    /// The socket waited on, borrowed for one core call (`None` only for a TLS object
    /// being destroyed).
    pub fn socket(self) -> Option<Ref<'a, Socket>> {
        match self {
            Waitable::Socket(socket) => Some(socket.socket()),
            #[cfg(feature = "tls")]
            Waitable::Tls(tls) => tls.socket(),
        }
    }

    /// Whether a receive returns at once without the kernel (TLS plaintext buffered).
    pub fn has_buffered_input(self) -> bool {
        match self {
            Waitable::Socket(_) => false,
            #[cfg(feature = "tls")]
            Waitable::Tls(tls) => tls.session().has_buffered_input(),
        }
    }

    /// Registers the object in `poller` under `key`: a TLS object so that its buffered
    /// plaintext is reported readable.
    pub fn add_to(
        self,
        poller: &sgssockets_core::Poller,
        key: u64,
        interest: sgssockets_core::Interest,
    ) -> sgssockets_core::Result<()> {
        const OP: &str = "poller add";
        let socket = self
            .socket()
            .ok_or_else(|| sgssockets_core::Error::closed(OP))?;
        match self {
            Waitable::Socket(_) => poller.add(&socket, key, interest),
            #[cfg(feature = "tls")]
            Waitable::Tls(tls) => poller.add_tls_session(&socket, &tls.session(), key, interest),
        }
    }
}
