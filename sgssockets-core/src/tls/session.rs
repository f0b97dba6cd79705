//! [`TlsSession`]: the TLS state of one connection, driven over a [`Socket`] handed to each
//! call (the engine under [`TlsStream`](super::TlsStream)).

use std::io::{self, BufRead, Write};
use std::sync::{Mutex, PoisonError};

use rustls::pki_types::ServerName;

use super::config::parse_server_name;
use super::{protocol_error, truncated, ClientConfig, ServerConfig};
use crate::poller::TlsPollerLink;
use crate::{Error, Incoming, MsgFlags, Result, Socket};

/// What a non-blocking call that failed with `EWOULDBLOCK` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Want {
    /// Nothing: the last call did not fail with `EWOULDBLOCK`.
    #[default]
    Nothing,
    /// The socket must become readable (wait with `select` or a poller, then call again).
    Read,
    /// The socket must become writable.
    Write,
}

impl Want {
    /// `"read"`, `"write"` or `"nothing"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Want::Nothing => "nothing",
            Want::Read => "read",
            Want::Write => "write",
        }
    }
}

const HANDSHAKE: &str = "tls handshake";
const SEND: &str = "tls send";
const RECV: &str = "tls recv";
const CLOSE: &str = "tls close";

/// The socket as rustls's `Read`/`Write`, keeping the crate's error of the last call (the
/// socket's own contracts: EINTR retries, timeouts, no SIGPIPE).
struct SocketIo<'a> {
    socket: &'a Socket,
    flags: MsgFlags,
    error: Option<Error>,
}

impl<'a> SocketIo<'a> {
    fn new(socket: &'a Socket, flags: MsgFlags) -> SocketIo<'a> {
        SocketIo {
            socket,
            flags,
            error: None,
        }
    }

    fn keep(&mut self, err: Error) -> io::Error {
        let kind = err.kind();
        self.error = Some(err);
        io::Error::from(kind)
    }
}

impl io::Read for SocketIo<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.socket.recv(buf, self.flags) {
            Ok(Incoming::Data(len)) => Ok(len),
            Ok(Incoming::Closed) => Ok(0),
            Err(err) => Err(self.keep(err)),
        }
    }
}

impl io::Write for SocketIo<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.socket
            .send(buf, self.flags)
            .map_err(|err| self.keep(err))
    }

    /// Every queued record in one system call: a handshake flight is one segment, so
    /// Nagle's algorithm never holds its last record back for the peer's delayed ACK.
    /// (A signal restarts the call with the whole send timeout.)
    fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        let Some(socket) = self.socket.as_socket2() else {
            return Err(self.keep(Error::closed("send")));
        };
        let flags = self.flags.bits() | crate::sys::SEND_FLAGS;
        loop {
            match socket.send_vectored_with_flags(bufs, flags) {
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(self.keep(Error::os("send", err))),
                Ok(len) => return Ok(len),
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The TLS state of one connection (client or server), driven over a [`Socket`] that each
/// call is handed: what [`TlsStream`](super::TlsStream) is made of, for owners that keep the
/// socket elsewhere (a binding whose scripts hold the socket as an object of its own).
///
/// Hand every call the same socket, connected to the same peer; sending or receiving on it
/// directly breaks the session. [`TlsStream`](super::TlsStream) is the type to use otherwise:
/// it pairs the two and documents the calls.
pub struct TlsSession {
    conn: rustls::Connection,
    /// The name given to [`TlsSession::client`].
    client_server_name: Option<String>,
    want: Want,
    /// Once the session failed, every call reports this and nothing more is sent.
    failed: Option<Error>,
    /// Plaintext bytes taken by a `send` that then would block: the next `send` reports them.
    unreported: usize,
    /// Decrypted bytes buffered, not yet read.
    pending: usize,
    /// The peer's close_notify arrived.
    peer_closed: bool,
    /// The transport ended (recv got 0).
    saw_eof: bool,
    /// What the pollers were last told: whether a receive returns without the OS.
    reported_ready: bool,
    /// The pollers this session was added to ([`Poller::add_tls_session`](crate::Poller::add_tls_session)).
    pollers: Mutex<Vec<TlsPollerLink>>,
}

impl std::fmt::Debug for TlsSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSession")
            .field("side", &self.side())
            .field("handshaking", &self.conn.is_handshaking())
            .field("version", &self.protocol_version())
            .field("want", &self.want)
            .field("pending", &self.pending)
            .field("failed", &self.failed.as_ref().map(Error::message))
            .finish()
    }
}

impl Drop for TlsSession {
    /// Takes back what the pollers were told (the socket may live on, registered).
    fn drop(&mut self) {
        let links = self
            .pollers
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for link in links.drain(..) {
            link.unmark();
        }
    }
}

impl TlsSession {
    /// Starts a client session for `socket` (a connected stream socket, which is checked
    /// but not kept). See [`TlsStream::client`](super::TlsStream::client).
    pub fn client(socket: &Socket, config: &ClientConfig, server_name: &str) -> Result<TlsSession> {
        const OP: &str = "tls client";
        let name: ServerName<'static> = parse_server_name(OP, server_name)?;
        check_socket(OP, socket)?;
        let conn = rustls::ClientConnection::new(config.inner.clone(), name)
            .map_err(|err| protocol_error(OP, &err))?;
        Ok(TlsSession::with(conn.into(), Some(server_name.to_owned())))
    }

    /// Starts a server session for `socket` (an accepted stream socket, which is checked but
    /// not kept). Nothing is sent yet.
    pub fn server(socket: &Socket, config: &ServerConfig) -> Result<TlsSession> {
        const OP: &str = "tls server";
        check_socket(OP, socket)?;
        let conn = rustls::ServerConnection::new(config.inner.clone())
            .map_err(|err| protocol_error(OP, &err))?;
        Ok(TlsSession::with(conn.into(), None))
    }

    fn with(conn: rustls::Connection, name: Option<String>) -> TlsSession {
        TlsSession {
            conn,
            client_server_name: name,
            want: Want::Nothing,
            failed: None,
            unreported: 0,
            pending: 0,
            peer_closed: false,
            saw_eof: false,
            reported_ready: false,
            pollers: Mutex::new(Vec::new()),
        }
    }

    /// Whether this is the client side.
    pub fn is_client(&self) -> bool {
        matches!(self.conn, rustls::Connection::Client(_))
    }

    fn side(&self) -> &'static str {
        if self.is_client() {
            "client"
        } else {
            "server"
        }
    }

    /// Whether the handshake has not finished yet.
    pub fn is_handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// What the last call that failed with `EWOULDBLOCK` waits for ([`Want::Nothing`] after
    /// a call that succeeded).
    pub fn want(&self) -> Want {
        self.want
    }

    /// Decrypted bytes buffered and not yet read: a `recv` returns them without the OS.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// Whether a `recv` returns at once without asking the OS: plaintext is buffered, the
    /// peer's close_notify arrived, or the session failed. `select` and the poller report
    /// such a stream readable.
    pub fn has_buffered_input(&self) -> bool {
        self.pending > 0 || self.peer_closed || self.failed.is_some()
    }

    /// The negotiated version: `"TLSv1.3"` or `"TLSv1.2"` (`None` before the handshake).
    pub fn protocol_version(&self) -> Option<&'static str> {
        match self.conn.protocol_version()? {
            rustls::ProtocolVersion::TLSv1_3 => Some("TLSv1.3"),
            rustls::ProtocolVersion::TLSv1_2 => Some("TLSv1.2"),
            rustls::ProtocolVersion::TLSv1_1 => Some("TLSv1.1"),
            rustls::ProtocolVersion::TLSv1_0 => Some("TLSv1.0"),
            _ => None,
        }
    }

    /// The negotiated cipher suite's IANA name, e.g. `"TLS_AES_128_GCM_SHA256"` or
    /// `"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"` (`None` before the handshake).
    pub fn cipher_suite(&self) -> Option<&'static str> {
        super::iana_name(self.conn.negotiated_cipher_suite()?.suite())
    }

    /// The ALPN protocol both sides chose (`None` before the handshake, or when they have
    /// none in common).
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// The server name: the one given to [`client`](TlsSession::client), or on a server
    /// the SNI name the client sent (`None` before the handshake or without SNI).
    pub fn server_name(&self) -> Option<&str> {
        match &self.conn {
            rustls::Connection::Client(_) => self.client_server_name.as_deref(),
            rustls::Connection::Server(server) => server.server_name(),
        }
    }

    /// The peer's certificate chain (DER, leaf first); empty before the handshake or when
    /// the peer sent none.
    pub fn peer_certificates(&self) -> Vec<Vec<u8>> {
        self.conn
            .peer_certificates()
            .map(|chain| chain.iter().map(|cert| cert.to_vec()).collect())
            .unwrap_or_default()
    }

    /// The rustls connection, for what this type does not expose.
    pub fn connection(&self) -> &rustls::Connection {
        &self.conn
    }

    /// Runs the handshake to its end over `socket`. See
    /// [`TlsStream::handshake`](super::TlsStream::handshake).
    pub fn handshake(&mut self, socket: &Socket) -> Result<()> {
        self.check(socket, HANDSHAKE)?;
        self.run_handshake(socket, HANDSHAKE)?;
        // The last flight out too (a non-blocking call may have left it queued).
        self.flush(socket, HANDSHAKE)?;
        self.want = Want::Nothing;
        Ok(())
    }

    /// Encrypts and sends `buf` over `socket`. See [`TlsStream::send`](super::TlsStream::send).
    pub fn send(&mut self, socket: &Socket, buf: &[u8]) -> Result<usize> {
        self.check(socket, SEND)?;
        self.run_handshake(socket, SEND)?;
        self.flush(socket, SEND)?;
        if self.unreported > 0 {
            self.want = Want::Nothing;
            return Ok(std::mem::take(&mut self.unreported));
        }
        let mut taken = 0;
        while taken < buf.len() {
            let accepted = self
                .conn
                .writer()
                .write(&buf[taken..])
                .map_err(|err| Error::os(SEND, err))?;
            if accepted == 0 {
                break;
            }
            taken += accepted;
            if let Err(err) = self.flush(socket, SEND) {
                if err.is_would_block() {
                    self.unreported = taken;
                }
                return Err(err);
            }
        }
        self.want = Want::Nothing;
        Ok(taken)
    }

    /// Receives up to `max` decrypted bytes over `socket` and hands them to `consume`. See
    /// [`TlsStream::recv_bounded`](super::TlsStream::recv_bounded).
    pub fn recv_bounded<R>(
        &mut self,
        socket: &Socket,
        max: usize,
        consume: impl FnOnce(Incoming<&[u8]>) -> R,
    ) -> Result<R> {
        if max == 0 {
            return Err(Error::invalid_input(
                RECV,
                "the maximum length must be at least 1",
            ));
        }
        self.check(socket, RECV)?;
        self.run_handshake(socket, RECV)?;
        // Bytes queued earlier (a reply rustls owes the peer): out if they fit now.
        self.flush_opportunistic(socket);
        let closed = loop {
            match self.conn.reader().fill_buf() {
                Ok(chunk) => break chunk.is_empty(),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => return Err(truncated(RECV, false)),
            }
            self.read_records(socket, RECV)?;
        };
        self.want = Want::Nothing;
        if closed {
            return Ok(consume(Incoming::Closed));
        }
        let mut reader = self.conn.reader();
        let chunk = reader.fill_buf().map_err(|err| Error::os(RECV, err))?;
        let len = chunk.len().min(max);
        let result = consume(Incoming::Data(&chunk[..len]));
        reader.consume(len);
        self.pending = self.pending.saturating_sub(len);
        self.after_io(socket);
        Ok(result)
    }

    /// Ends the session and closes `socket`. See [`TlsStream::close`](super::TlsStream::close).
    pub fn close(&mut self, socket: &mut Socket) -> Result<()> {
        if socket.is_closed() {
            return Err(Error::closed(CLOSE));
        }
        if self.failed.is_none() && !self.conn.is_handshaking() {
            self.conn.send_close_notify();
            let _ = self.flush(socket, CLOSE);
        }
        self.push_ready(socket, false);
        self.want = Want::Nothing;
        socket.close().map_err(|err| err.renamed(CLOSE))
    }

    /// The error of a session that failed, or `EBADF` once closed.
    fn check(&self, socket: &Socket, operation: &'static str) -> Result<()> {
        if let Some(err) = &self.failed {
            return Err(err.clone().renamed(operation));
        }
        if socket.is_closed() {
            return Err(Error::closed(operation));
        }
        Ok(())
    }

    /// Drives the handshake while it runs (nothing at all once it is done: a `recv` must
    /// never wait for queued output to drain).
    fn run_handshake(&mut self, socket: &Socket, operation: &'static str) -> Result<()> {
        if !self.conn.is_handshaking() {
            return Ok(());
        }
        while self.conn.is_handshaking() {
            self.flush(socket, operation)?;
            if !self.conn.is_handshaking() {
                break;
            }
            if self.saw_eof {
                return Err(self.fail(socket, truncated(operation, true)));
            }
            self.read_records(socket, operation)?;
        }
        // The last flight (a client's Finished, a server's tickets) may still be queued.
        self.flush(socket, operation)
    }

    /// Writes everything rustls has queued. `EWOULDBLOCK` sets want write.
    fn flush(&mut self, socket: &Socket, operation: &'static str) -> Result<()> {
        while self.conn.wants_write() {
            let mut io = SocketIo::new(socket, MsgFlags::empty());
            match self.conn.write_tls(&mut io) {
                Ok(0) => {
                    return Err(Error::coded(
                        operation,
                        super::ECONNRESET,
                        "the socket accepted no more bytes",
                    ))
                }
                Ok(_) => {}
                Err(err) => {
                    let err = io.error.unwrap_or_else(|| Error::os(operation, err));
                    if err.is_would_block() {
                        self.want = Want::Write;
                    }
                    return Err(err.renamed(operation));
                }
            }
        }
        Ok(())
    }

    /// Writes what rustls has queued as far as the socket takes it without waiting.
    fn flush_opportunistic(&mut self, socket: &Socket) {
        while self.conn.wants_write() {
            let mut io = SocketIo::new(socket, MsgFlags::DONTWAIT);
            if !matches!(self.conn.write_tls(&mut io), Ok(n) if n > 0) {
                break;
            }
        }
    }

    /// One read from the socket, then decryption of every complete record.
    fn read_records(&mut self, socket: &Socket, operation: &'static str) -> Result<()> {
        let mut io = SocketIo::new(socket, MsgFlags::empty());
        match self.conn.read_tls(&mut io) {
            Ok(0) => self.saw_eof = true,
            Ok(_) => {}
            Err(err) => {
                return Err(match io.error {
                    Some(err) => {
                        if err.is_would_block() {
                            self.want = Want::Read;
                        }
                        err.renamed(operation)
                    }
                    // rustls's own refusal (a record too large to buffer): the peer's fault.
                    None => {
                        let err = Error::coded(operation, super::EPROTO, err.to_string());
                        self.fail(socket, err)
                    }
                });
            }
        }
        match self.conn.process_new_packets() {
            Ok(state) => {
                self.pending = state.plaintext_bytes_to_read();
                self.peer_closed = state.peer_has_closed();
                self.after_io(socket);
                Ok(())
            }
            Err(err) => Err(self.fail(socket, protocol_error(operation, &err))),
        }
    }

    /// Records a failure for good; the alert rustls queued goes out if it fits at once.
    /// No application data is ever sent after this.
    fn fail(&mut self, socket: &Socket, err: Error) -> Error {
        self.flush_opportunistic(socket);
        self.failed = Some(err.clone());
        self.want = Want::Nothing;
        self.after_io(socket);
        err
    }

    /// Tells the pollers when "a receive returns without the OS" changed.
    fn after_io(&mut self, socket: &Socket) {
        let ready = self.has_buffered_input();
        if ready != self.reported_ready {
            self.reported_ready = ready;
            self.push_ready(socket, ready);
        }
    }

    fn push_ready(&self, socket: &Socket, ready: bool) {
        let mut links = self.pollers.lock().unwrap_or_else(PoisonError::into_inner);
        if links.is_empty() {
            return;
        }
        links.retain_mut(|link| link.set_buffered(socket, ready));
    }

    /// Called by [`Poller::add_tls_session`](crate::Poller::add_tls_session) once `socket` is
    /// registered.
    pub(crate) fn link_poller(&self, socket: &Socket, mut link: TlsPollerLink) {
        if self.has_buffered_input() {
            link.set_buffered(socket, true);
        }
        let mut links = self.pollers.lock().unwrap_or_else(PoisonError::into_inner);
        links.push(link);
    }
}

fn check_socket(operation: &'static str, socket: &Socket) -> Result<()> {
    if socket.is_closed() {
        return Err(Error::closed(operation));
    }
    if socket.socket_type() != crate::constants::SOCK_STREAM {
        return Err(Error::invalid_input(
            operation,
            "TLS needs a stream (SOCK_STREAM) socket",
        ));
    }
    Ok(())
}
