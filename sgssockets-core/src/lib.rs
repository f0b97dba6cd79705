//! Safe, portable sockets for Rust programs and for the SGScript and C bindings built on it.
//!
//! - [`SocketAddress`]: IPv4, IPv6 and Unix-path addresses as values (parse, format, compare).
//! - [`Socket`]: every socket call, with errors that name the call and carry the OS code,
//!   no `SIGPIPE`, close-on-exec, signal-safe retries, and receives bounded by what arrived.
//! - [`select`]: select(2)'s meaning on any number of sockets, built on poll.
//! - [`Poller`]: register sockets once and wait at a cost that does not grow with their
//!   number (epoll on Linux, kqueue/IOCP elsewhere), for servers with many connections.
//! - [`SOCKET_OPTIONS`]: every socket option by its script name, for the bindings
//!   ([`socket_option`]); [`convert`]: the value conversions and range checks they share.
//! - [`lookup`]: getaddrinfo and the host name; [`errno`]: the platform error table;
//!   [`constants`]: the platform's `AF_*`, `SOCK_*`, `MSG_*`, ... values.
//!
//! ```
//! use sgssockets_core::{Socket, MsgFlags, Incoming};
//!
//! let listener = Socket::tcp(false)?;
//! listener.bind(&"127.0.0.1:0".parse()?)?;
//! listener.listen(1)?;
//!
//! let client = Socket::tcp(false)?;
//! client.connect(&listener.local_addr()?)?;
//! let (server, _peer) = listener.accept()?;
//!
//! client.send(b"hi", MsgFlags::empty())?;
//! let mut buf = [0u8; 8];
//! assert_eq!(server.recv(&mut buf, MsgFlags::empty())?, Incoming::Data(2));
//! # Ok::<(), sgssockets_core::Error>(())
//! ```
#![deny(missing_docs, missing_debug_implementations)]
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod address;
pub mod connect;
pub mod constants;
pub mod convert;
pub mod errno;
mod error;
mod flags;
pub mod lookup;
mod multicast;
mod option_table;
mod options;
mod poller;
mod select;
mod socket;
mod sys;
#[cfg(feature = "tls")]
pub mod tls;

pub use address::{AddrBytes, SocketAddress};
pub use error::{Error, ErrorCategory, Result};
pub use flags::MsgFlags;
pub use multicast::MulticastInterface;
pub use option_table::{socket_option, OptionKind, OptionValue, SocketOption, SOCKET_OPTIONS};
pub use poller::{Interest, PollEvent, PollEvents, PollMode, Poller};
pub use select::{select, Selectable};
pub use socket::{Incoming, Socket, STACK_RECV_LIMIT};
pub use sys::RawSocket;

/// The socket2 crate this one is built on, for its typed `Domain`, `Type` and `Protocol`.
pub use socket2;
