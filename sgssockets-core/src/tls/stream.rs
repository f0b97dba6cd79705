//! [`TlsStream`]: a rustls connection over a [`Socket`] it owns.

use super::session::TlsSession;
use super::{ClientConfig, ServerConfig};
use crate::select::Selectable;
use crate::sys::RawSocket;
use crate::{Incoming, Result, Socket};

/// A TLS connection over a [`Socket`] it owns: client (with a server name) or server.
///
/// It follows the socket's mode: blocking calls wait (each wait bounded by the socket's
/// receive or send timeout, the handshake's too); non-blocking calls that cannot proceed
/// fail with `EWOULDBLOCK` and [`want`](TlsSession::want) says for which direction. The
/// handshake runs on the first `send`/`recv` if [`handshake`](TlsStream::handshake) was
/// not called. Change the mode and timeouts through [`socket`](TlsStream::socket).
///
/// A non-blocking [`send`](TlsStream::send) that fails with `EWOULDBLOCK` may already have
/// taken bytes (they are encrypted and queued): call `send` again with the same data once
/// the socket is writable; it finishes writing them and returns their count.
///
/// ```
/// use sgssockets_core::tls::{ClientConfig, ClientOptions, ServerConfig, ServerOptions, TlsStream};
/// use sgssockets_core::{Incoming, Socket};
/// // A certificate for 127.0.0.1 (made here with rcgen; load your own PEM text).
/// let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
/// let (cert, key) = (made.cert.pem(), made.signing_key.serialize_pem());
///
/// let server_config = ServerConfig::new(&ServerOptions {
///     cert: cert.clone(), key, ..Default::default()
/// })?;
/// let client_config = ClientConfig::new(&ClientOptions {
///     roots: sgssockets_core::tls::Roots::Pem(cert), ..Default::default()
/// })?;
///
/// let listener = Socket::tcp(false)?;
/// listener.bind(&"127.0.0.1:0".parse()?)?;
/// listener.listen(1)?;
/// let addr = listener.local_addr()?;
/// let server = std::thread::spawn(move || -> sgssockets_core::Result<Vec<u8>> {
///     let (socket, _) = listener.accept()?;
///     let mut tls = TlsStream::server(socket, &server_config)?;
///     let Incoming::Data(got) = tls.recv(100)? else { panic!("data") };
///     tls.send(b"pong")?;
///     tls.close()?;
///     Ok(got)
/// });
///
/// let socket = Socket::tcp(false)?;
/// socket.connect(&addr)?;
/// let mut tls = TlsStream::client(socket, &client_config, "127.0.0.1")?;
/// tls.send(b"ping")?;
/// assert_eq!(tls.recv(100)?, Incoming::Data(b"pong".to_vec()));
/// assert_eq!(tls.recv(100)?, Incoming::Closed); // the server's close_notify
/// assert_eq!(tls.protocol_version(), Some("TLSv1.3"));
/// tls.close()?;
/// assert_eq!(server.join().unwrap()?, b"ping");
/// # Ok::<(), sgssockets_core::Error>(())
/// ```
pub struct TlsStream {
    // The session first: it is dropped (and leaves its pollers) before the socket closes.
    session: TlsSession,
    socket: Socket,
}

impl std::fmt::Debug for TlsStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsStream")
            .field("socket", &self.socket)
            .field("session", &self.session)
            .finish()
    }
}

impl TlsStream {
    /// Starts a client session over a connected stream socket. `server_name` (a DNS name
    /// or an IP address) is sent as SNI and verified against the server's certificate; an
    /// IP address is checked against the certificate's IP entries and sends no SNI.
    ///
    /// Nothing is sent yet. Errors: `EINVAL` for a bad name or a socket that is not a
    /// stream (the socket is then dropped, closing it; see
    /// [`check_server_name`](super::check_server_name)), `EBADF` if it is closed.
    pub fn client(socket: Socket, config: &ClientConfig, server_name: &str) -> Result<TlsStream> {
        let session = TlsSession::client(&socket, config, server_name)?;
        Ok(TlsStream { session, socket })
    }

    /// Starts a server session over an accepted stream socket. Nothing is sent yet.
    pub fn server(socket: Socket, config: &ServerConfig) -> Result<TlsStream> {
        let session = TlsSession::server(&socket, config)?;
        Ok(TlsStream { session, socket })
    }

    /// The socket (for its mode, timeouts, addresses, and to wait on). Sending or
    /// receiving on it directly breaks the TLS session.
    pub fn socket(&self) -> &Socket {
        &self.socket
    }

    /// The session: version, cipher suite, ALPN, peer certificates and the other readers.
    /// (`TlsStream` dereferences to it, so `stream.protocol_version()` works too.)
    pub fn session(&self) -> &TlsSession {
        &self.session
    }

    /// Runs the handshake to its end (or until the socket would block: `EWOULDBLOCK`, see
    /// [`want`](TlsSession::want)). Calling it again after it finished does nothing.
    pub fn handshake(&mut self) -> Result<()> {
        self.session.handshake(&self.socket)
    }

    /// Encrypts and sends `buf`; returns how many bytes were taken. Blocking: everything,
    /// unless the send timeout expires. Non-blocking: as much as the socket takes now.
    /// When writing would block after bytes were taken, the call fails with `EWOULDBLOCK`
    /// (want write) and the next `send` writes them and returns their count first.
    pub fn send(&mut self, buf: &[u8]) -> Result<usize> {
        self.session.send(&self.socket, buf)
    }

    /// Receives up to `max` decrypted bytes and hands them to `consume` without copying:
    /// [`Incoming::Closed`] after the peer's close_notify. An end of the connection without
    /// close_notify is an error (`ECONNRESET`). `max` must be at least 1.
    pub fn recv_bounded<R>(
        &mut self,
        max: usize,
        consume: impl FnOnce(Incoming<&[u8]>) -> R,
    ) -> Result<R> {
        self.session.recv_bounded(&self.socket, max, consume)
    }

    /// Receives up to `max` decrypted bytes: the bytes, or [`Incoming::Closed`] after the
    /// peer's close_notify. See [`recv_bounded`](TlsStream::recv_bounded).
    pub fn recv(&mut self, max: usize) -> Result<Incoming<Vec<u8>>> {
        self.recv_bounded(max, |incoming| match incoming {
            Incoming::Data(bytes) => Incoming::Data(bytes.to_vec()),
            Incoming::Closed => Incoming::Closed,
        })
    }

    /// Receives into `buf`: the length, or [`Incoming::Closed`]. An empty `buf` receives
    /// nothing (`Data(0)`).
    pub fn recv_into(&mut self, buf: &mut [u8]) -> Result<Incoming<usize>> {
        if buf.is_empty() {
            return Ok(Incoming::Data(0));
        }
        let room = buf.len();
        self.recv_bounded(room, |incoming| match incoming {
            Incoming::Data(bytes) => {
                buf[..bytes.len()].copy_from_slice(bytes);
                Incoming::Data(bytes.len())
            }
            Incoming::Closed => Incoming::Closed,
        })
    }

    /// Ends the session: sends close_notify (after anything still queued; a blocking socket
    /// waits within its send timeout, a non-blocking one sends what fits now), then closes
    /// the socket. No close_notify is sent before the handshake finished or after it
    /// failed. Closing twice gives `EBADF`.
    pub fn close(&mut self) -> Result<()> {
        self.session.close(&mut self.socket)
    }
}

/// The session's readers (`protocol_version`, `cipher_suite`, `alpn_protocol`, `pending`, ...).
impl std::ops::Deref for TlsStream {
    type Target = TlsSession;

    fn deref(&self) -> &TlsSession {
        &self.session
    }
}

/// `select` waits on the socket, and counts buffered plaintext as readable at once.
impl Selectable for TlsStream {
    fn raw_socket(&self) -> Option<RawSocket> {
        self.socket.raw_socket()
    }

    fn has_buffered_input(&self) -> bool {
        self.session.has_buffered_input()
    }
}
