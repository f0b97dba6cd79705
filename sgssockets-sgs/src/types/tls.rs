//! The `socket_tls` object type (SPEC §8, §10): a TLS session over a `socket` object that
//! stays the script's own. `t.socket` is that very object every time: its blocking mode and
//! timeouts are the session's, and closing it ends the session's transport.
//!
//! The object holds a reference to the socket object (marked for the collector), and core's
//! [`TlsSession`], which every call drives over that socket. Methods keep the socket's
//! contracts: `false` and `socket_error()` for what the peer or the OS did (`EWOULDBLOCK`
//! with `t.want` saying which way; `EPROTO` with rustls's reason; `ECONNRESET` for a
//! connection ended without close_notify), a warning for a closed socket or a bad argument.

use std::cell::{Ref, RefCell};
use std::ffi::{c_int, CStr};

use sgssockets_core::tls::{TlsSession, Want};
use sgssockets_core::{Error, Incoming, Socket};

use crate::host::call::native_method;
use crate::host::context::{Ctx, StoredVariable};
use crate::host::object::NativeType;
use crate::host::object::{native_interface, object_at, object_of_variable, push_object};
use crate::host::raw::sgs_CFunc;
use crate::host::report::{Failure, Outcome, Push, Pushed, Value};
use crate::types::socket::{max_arg, socket_at, SocketObject};
use crate::types::tls_context::{tls_context_at, TlsContextObject};

/// The data of a `socket_tls` object.
#[derive(Debug)]
pub struct TlsObject {
    /// The socket object (`None` once this object is being destroyed).
    socket: RefCell<Option<StoredVariable>>,
    session: RefCell<TlsSession>,
}

impl Push for TlsObject {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        push_object(ctx, self);
        1
    }
}

/// The `socket_tls` object at stack `item`, if it is one.
pub fn tls_at<'call>(ctx: &Ctx<'call>, item: i32) -> Option<&'call TlsObject> {
    object_at::<TlsObject>(ctx, item)
}

impl TlsObject {
    /// The socket object the session runs over (`None` only while this object is destroyed).
    pub fn socket_object(&self) -> Option<&SocketObject> {
        let var = self.socket.borrow().as_ref()?.variable();
        // SAFETY: `self.socket` holds a reference to the variable, so the object lives at
        // least until `before_destroy` releases it, which runs only when `self` goes.
        unsafe { object_of_variable::<SocketObject>(&var) }
    }

    /// The socket, borrowed for one core call.
    pub fn socket(&self) -> Option<Ref<'_, Socket>> {
        self.socket_object().map(SocketObject::socket)
    }

    /// The session, for the poller's registration and `select`'s buffered input.
    pub fn session(&self) -> Ref<'_, TlsSession> {
        self.session.borrow()
    }

    /// Runs `call` with the session and the socket.
    fn with<T>(
        &self,
        operation: &'static str,
        call: impl FnOnce(&mut TlsSession, &Socket) -> sgssockets_core::Result<T>,
    ) -> Outcome<T> {
        let socket = self
            .socket()
            .ok_or_else(|| Failure::warn(Error::closed(operation)))?;
        Ok(call(&mut self.session.borrow_mut(), &socket)?)
    }
}

impl NativeType for TlsObject {
    const NAME: &'static CStr = c"socket_tls";
    const RECORDS_OUTCOME: bool = true;
    const HOLDS_VALUES: bool = true;
    native_interface!(TlsObject);

    fn method(name: &str) -> Option<sgs_CFunc> {
        type T = TlsObject;
        Some(match name {
            "handshake" => native_method!(T, c"socket_tls.handshake", 0..=0, False, handshake),
            "send" => native_method!(T, c"socket_tls.send", 1..=1, False, send),
            "recv" => native_method!(T, c"socket_tls.recv", 1..=1, False, recv),
            "close" => native_method!(T, c"socket_tls.close", 0..=0, False, close),
            _ => return None,
        })
    }

    fn get_property(&self, _ctx: &Ctx<'_>, name: &str) -> Option<Outcome<Value>> {
        let text = |value: Option<&str>| value.map_or(Value::Null, |v| Value::Text(v.to_owned()));
        let session = self.session.borrow();
        let value = match name {
            "version" => text(session.protocol_version()),
            "cipher" => text(session.cipher_suite()),
            "alpn" => session
                .alpn_protocol()
                .map_or(Value::Null, |p| Value::Bytes(p.to_vec())),
            "server_name" => text(session.server_name()),
            "pending" => Value::Int(i64::try_from(session.pending()).unwrap_or(i64::MAX)),
            "want" => match session.want() {
                Want::Nothing => Value::Null,
                want => Value::Text(want.as_str().to_owned()),
            },
            "is_client" => Value::Bool(session.is_client()),
            "peer_certificates" => Value::ByteStrings(session.peer_certificates()),
            "socket" => self
                .socket
                .borrow()
                .as_ref()
                .map_or(Value::Null, |stored| Value::Variable(stored.variable())),
            _ => return None,
        };
        Some(Ok(value))
    }

    fn set_property(&self, _ctx: &Ctx<'_>, name: &str, _item: i32) -> Option<Outcome<()>> {
        const READ_ONLY: [&str; 9] = [
            "version",
            "cipher",
            "alpn",
            "server_name",
            "pending",
            "want",
            "is_client",
            "peer_certificates",
            "socket",
        ];
        READ_ONLY
            .contains(&name)
            .then(|| Err(Failure::Warning("read-only property".to_owned())))
    }

    fn to_bool(&self) -> Option<bool> {
        Some(self.socket().is_some_and(|socket| !socket.is_closed()))
    }

    fn to_text(&self) -> Option<String> {
        Some("socket_tls".to_owned())
    }

    fn dump(&self) -> String {
        let session = self.session.borrow();
        let side = if session.is_client() {
            "client"
        } else {
            "server"
        };
        match (
            self.socket().and_then(|s| s.raw_socket()),
            session.protocol_version(),
        ) {
            (None, _) => format!("socket_tls ({side}, closed)"),
            (Some(_), None) => format!("socket_tls ({side}, handshaking)"),
            (Some(_), Some(version)) => format!("socket_tls ({side}, {version})"),
        }
    }

    fn gc_mark(&self, ctx: &Ctx<'_>) {
        if let Ok(socket) = self.socket.try_borrow() {
            if let Some(stored) = socket.as_ref() {
                ctx.gc_mark(stored);
            }
        }
    }

    fn before_destroy(&self, ctx: &Ctx<'_>) {
        let stored = self.socket.borrow_mut().take();
        if let Some(stored) = stored {
            ctx.release_stored(stored);
        }
    }
}

/// `socket_tls(sock, ctx[, server_name])`: a client session (the server name is required:
/// it is sent as SNI and verified) or a server session (no name). Nothing is sent yet.
pub fn socket_tls(ctx: &Ctx<'_>) -> Outcome<TlsObject> {
    const OP: &str = "socket_tls";
    let socket = socket_at(ctx, 0).ok_or(Failure::arg_type(0, c"socket"))?;
    let context = tls_context_at(ctx, 1).ok_or(Failure::arg_type(1, c"socket_tls_context"))?;
    let name = match ctx.is_null(2) {
        true => None,
        false => Some(
            ctx.str_at(2)
                .ok_or(Failure::arg_type(2, c"string (server name)"))?,
        ),
    };
    let session = match (context, name) {
        (TlsContextObject::Client(config), Some(name)) => {
            TlsSession::client(&socket.socket(), config, name)
        }
        (TlsContextObject::Client(_), None) => {
            return Err(Failure::invalid(
                OP,
                "a client context needs the server name (argument 3)",
            ))
        }
        (TlsContextObject::Server(config), None) => TlsSession::server(&socket.socket(), config),
        (TlsContextObject::Server(_), Some(_)) => {
            return Err(Failure::invalid(
                OP,
                "a server context takes no server name (argument 3)",
            ))
        }
    }
    .map_err(Failure::warn)?;
    Ok(TlsObject {
        socket: RefCell::new(Some(ctx.store_item(0))),
        session: RefCell::new(session),
    })
}

fn handshake(this: &TlsObject, _ctx: &Ctx<'_>) -> Outcome<()> {
    this.with("tls handshake", |session, socket| session.handshake(socket))
}

fn send(this: &TlsObject, ctx: &Ctx<'_>) -> Outcome<usize> {
    let data = ctx.arg_bytes(1)?;
    this.with("tls send", |session, socket| session.send(socket, data))
}

fn recv(this: &TlsObject, ctx: &Ctx<'_>) -> Outcome<Pushed> {
    let max = max_arg(ctx, "tls recv")?;
    // Pushed straight from rustls's buffer: the string is the only copy.
    this.with("tls recv", |session, socket| {
        session.recv_bounded(socket, max, |incoming| match incoming {
            Incoming::Data(bytes) => ctx.push_bytes(bytes),
            Incoming::Closed => ctx.push_bool(true),
        })
    })?;
    Ok(Pushed(1))
}

fn close(this: &TlsObject, _ctx: &Ctx<'_>) -> Outcome<()> {
    const OP: &str = "tls close";
    let socket = this
        .socket_object()
        .ok_or_else(|| Failure::warn(Error::closed(OP)))?;
    let mut session = this.session.borrow_mut();
    Ok(session.close(&mut socket.socket_mut())?)
}
