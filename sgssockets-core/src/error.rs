//! The one error type of the crate: an error code, the operation that failed and why.

use std::io;

use crate::sys;

/// Where an [`Error`]'s code comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCategory {
    /// The operating system refused the call; the code is an errno (or WSA) value.
    Os,
    /// Name lookup failed; the code is the resolver's `EAI_*` value.
    Resolver,
    /// An argument was rejected before any system call; the code is `EINVAL`.
    InvalidInput,
    /// The socket was closed by its owner (with `close`); the code is `EBADF`.
    Closed,
}

/// An error from a socket operation.
///
/// It always names the operation (`"connect"`, `"SocketAddress::parse"`, ...) and the cause, and
/// carries the code a C program would see in `errno` (or from `WSAGetLastError`).
///
/// ```
/// use sgssockets_core::{Socket, SocketAddress};
///
/// let listener = Socket::tcp(false).unwrap();
/// listener.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
/// let addr = listener.local_addr().unwrap();
/// drop(listener); // nobody listens there any more
///
/// let err = Socket::tcp(false).unwrap().connect(&addr).unwrap_err();
/// assert_eq!(err.operation(), "connect");
/// assert_eq!(Some(err.code()), sgssockets_core::errno::errno_by_name("ECONNREFUSED"));
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[error("{operation}: {message}")]
pub struct Error {
    operation: &'static str,
    code: i32,
    category: ErrorCategory,
    message: String,
    /// Whether `message` is the system's own text for `code` (an OS code through [`Error::os`]).
    system_text: bool,
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// An error the OS reported for `operation`.
    pub fn os(operation: &'static str, err: io::Error) -> Self {
        let raw = err.raw_os_error();
        let code = raw.unwrap_or_else(|| sys::code_for_kind(err.kind()));
        Error {
            operation,
            code,
            category: ErrorCategory::Os,
            message: err.to_string(),
            // Without a raw code the text is the io::Error's own, not the system's.
            system_text: raw.is_some(),
        }
    }

    /// An error built from a raw OS code (errno or WSA value).
    pub fn from_code(operation: &'static str, code: i32) -> Self {
        Error::os(operation, io::Error::from_raw_os_error(code))
    }

    /// An error with a platform code and this crate's own text for it.
    pub(crate) fn coded(operation: &'static str, code: i32, message: impl Into<String>) -> Self {
        Error {
            operation,
            code,
            category: ErrorCategory::Os,
            message: message.into(),
            system_text: false,
        }
    }

    /// A rejected argument: code `EINVAL`, `message` says what was wrong.
    pub fn invalid_input(operation: &'static str, message: impl Into<String>) -> Self {
        Error {
            operation,
            code: sys::errno::EINVAL,
            category: ErrorCategory::InvalidInput,
            message: message.into(),
            system_text: false,
        }
    }

    /// A name lookup failure with the resolver's code and text.
    pub(crate) fn resolver(operation: &'static str, code: i32, message: String) -> Self {
        Error {
            operation,
            code,
            category: ErrorCategory::Resolver,
            message,
            system_text: false,
        }
    }

    /// The error every operation on a closed [`Socket`](crate::Socket) gives: `EBADF`,
    /// category [`ErrorCategory::Closed`].
    pub fn closed(operation: &'static str) -> Self {
        Error {
            operation,
            code: sys::errno::EBADF,
            category: ErrorCategory::Closed,
            message: "the socket is closed".to_owned(),
            system_text: false,
        }
    }

    /// The same error, reported for `operation` instead (a check shared by several
    /// operations names the one that was called).
    pub(crate) fn renamed(self, operation: &'static str) -> Self {
        Error { operation, ..self }
    }

    /// The operation that failed, e.g. `"recv"`.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The platform error code (errno, WSA code, or `EAI_*` for [`ErrorCategory::Resolver`]).
    pub fn code(&self) -> i32 {
        self.code
    }

    /// Where the code comes from.
    pub fn category(&self) -> ErrorCategory {
        self.category
    }

    /// The cause, without the operation name.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether [`message`](Error::message) is only the system's text for the code (the
    /// OS reported it), as opposed to a text that says more: the resolver's, or this
    /// crate's (a TLS failure's reason, a timed-out receive, a truncated TLS session).
    pub fn has_system_text(&self) -> bool {
        self.system_text
    }

    /// The closest [`io::ErrorKind`].
    pub fn kind(&self) -> io::ErrorKind {
        match self.category {
            ErrorCategory::Os | ErrorCategory::Closed => {
                io::Error::from_raw_os_error(self.code).kind()
            }
            ErrorCategory::Resolver => io::ErrorKind::NotFound,
            ErrorCategory::InvalidInput => io::ErrorKind::InvalidInput,
        }
    }

    /// Whether the socket had been closed by its owner (the call did nothing).
    pub fn is_closed(&self) -> bool {
        self.category == ErrorCategory::Closed
    }

    /// Whether the operation would have blocked (non-blocking socket) or timed out
    /// (`recv_timeout`/`send_timeout`): `EWOULDBLOCK`/`EAGAIN`.
    pub fn is_would_block(&self) -> bool {
        self.category == ErrorCategory::Os && self.kind() == io::ErrorKind::WouldBlock
    }
}

impl From<Error> for io::Error {
    fn from(err: Error) -> io::Error {
        io::Error::new(err.kind(), err)
    }
}

/// Turns an `io::Result` into this crate's `Result`, naming the operation.
pub(crate) trait Context<T> {
    fn during(self, operation: &'static str) -> Result<T>;
}

impl<T> Context<T> for io::Result<T> {
    fn during(self, operation: &'static str) -> Result<T> {
        self.map_err(|err| Error::os(operation, err))
    }
}
