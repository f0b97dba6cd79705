//! TLS on [`Socket`](crate::Socket)s, with rustls (ring provider): verified by default, blocking
//! or non-blocking, and visible to [`select`](crate::select) and the [`Poller`](crate::Poller)
//! (decrypted plaintext already buffered counts as readable, without a system call).
//!
//! - [`ClientConfig`] / [`ServerConfig`]: built once from [`ClientOptions`] / [`ServerOptions`]
//!   and shared (cheap to clone). Bad PEM or an unusable key is an error (`EINVAL`) whose
//!   text starts with the option's name (`"key: ..."`).
//! - [`TlsStream`]: owns a `Socket` and a rustls connection; `handshake`, `send`, `recv`,
//!   `close` follow the socket's blocking mode and timeouts. A call that cannot proceed fails
//!   with `EWOULDBLOCK` and [`TlsSession::want`] says which direction it waits for.
//! - Errors: TLS failures (certificate, host name, alert, garbage) have code `EPROTO` and
//!   rustls's reason as text; an end of stream without `close_notify` is `ECONNRESET`.
//!
//! ```no_run
//! use sgssockets_core::tls::{ClientConfig, ClientOptions, TlsStream};
//! use sgssockets_core::{Incoming, Socket};
//!
//! let config = ClientConfig::new(&ClientOptions::default())?; // the system's roots
//! let socket = Socket::tcp(false)?;
//! socket.connect(&"93.184.215.14:443".parse()?)?;
//! let mut tls = TlsStream::client(socket, &config, "example.com")?;
//! tls.send(b"GET / HTTP/1.0\r\nHost: example.com\r\n\r\n")?;
//! while let Incoming::Data(bytes) = tls.recv(16384)? {
//!     print!("{}", String::from_utf8_lossy(&bytes));
//! }
//! tls.close()?;
//! # Ok::<(), sgssockets_core::Error>(())
//! ```

mod config;
mod session;
mod stream;

pub use config::{
    check_server_name, ClientConfig, ClientOptions, Roots, ServerConfig, ServerOptions,
};
pub use session::{TlsSession, Want};
pub use stream::TlsStream;

use crate::Error;

/// `EPROTO`: what a TLS failure reports (on Windows the C runtime's value: Winsock has none).
pub const EPROTO: i32 = crate::sys::errno::EPROTO;

/// `ECONNRESET`: what an end of stream without `close_notify` reports.
pub const ECONNRESET: i32 = crate::sys::errno::ECONNRESET;

/// A cipher suite's IANA name (rustls spells the TLS 1.3 suites `TLS13_...`; IANA, and
/// this crate, `TLS_...`).
pub(crate) fn iana_name(suite: rustls::CipherSuite) -> Option<&'static str> {
    Some(match suite.as_str()? {
        "TLS13_AES_128_GCM_SHA256" => "TLS_AES_128_GCM_SHA256",
        "TLS13_AES_256_GCM_SHA384" => "TLS_AES_256_GCM_SHA384",
        "TLS13_CHACHA20_POLY1305_SHA256" => "TLS_CHACHA20_POLY1305_SHA256",
        "TLS13_AES_128_CCM_SHA256" => "TLS_AES_128_CCM_SHA256",
        "TLS13_AES_128_CCM_8_SHA256" => "TLS_AES_128_CCM_8_SHA256",
        other => other,
    })
}

/// A TLS failure: `EPROTO` with rustls's reason.
pub(crate) fn protocol_error(operation: &'static str, err: &rustls::Error) -> Error {
    Error::coded(operation, EPROTO, err.to_string())
}

/// The peer ended the connection without `close_notify`.
pub(crate) fn truncated(operation: &'static str, during_handshake: bool) -> Error {
    let text = if during_handshake {
        "the peer closed the connection during the TLS handshake"
    } else {
        "the peer did not close the TLS session (the connection ended without close_notify; \
         data may be truncated)"
    };
    Error::coded(operation, ECONNRESET, text)
}
