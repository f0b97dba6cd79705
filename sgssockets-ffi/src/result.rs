//! What every call reports: the `sgss_result` code it returns and the optional
//! `sgss_error` details (OS code and message) it fills in.

use std::ffi::{c_char, CStr};

use sgssockets_core::{errno, Error, ErrorCategory};

/// The result of every fallible call. The numbers are fixed and never reused.
///
/// In C the type is `uint32_t`, so any number can arrive from C code; functions that take a
/// result code from C (`sgss_result_text`) take a plain `uint32_t` and check it.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum sgss_result {
    /// The call succeeded.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// An argument was rejected before any system call (bad text, family, length, value);
    /// the error code is `EINVAL`.
    InvalidArgument = 2,
    /// The caller's buffer is too small; the needed length was reported through `out_len`.
    BufferTooSmall = 3,
    /// The name, code or value asked for does not exist (errno name, constant, canonical name).
    NotFound = 4,
    /// The socket was closed with `sgss_socket_close`; the error code is `EBADF`.
    Closed = 5,
    /// A receive on a connection found that the peer closed it in order (end of stream).
    PeerClosed = 6,
    /// A non-blocking call would block, or a send/receive timeout expired
    /// (`EWOULDBLOCK`/`EAGAIN`).
    WouldBlock = 7,
    /// The operating system refused the call; the error code is its errno (or WSA) value.
    OsError = 8,
    /// Name lookup failed; the error code is the resolver's `EAI_*` value.
    ResolverError = 9,
    /// The library hit an internal bug (a Rust panic) and stopped it at the boundary.
    Panic = 10,
}

impl sgss_result {
    /// Every result, for converting numbers from C without transmuting.
    const ALL: [sgss_result; 11] = [
        sgss_result::Ok,
        sgss_result::NullArgument,
        sgss_result::InvalidArgument,
        sgss_result::BufferTooSmall,
        sgss_result::NotFound,
        sgss_result::Closed,
        sgss_result::PeerClosed,
        sgss_result::WouldBlock,
        sgss_result::OsError,
        sgss_result::ResolverError,
        sgss_result::Panic,
    ];

    /// The result with number `code`, or `None` for a number that is not one.
    pub fn from_u32(code: u32) -> Option<sgss_result> {
        Self::ALL
            .iter()
            .copied()
            .find(|result| *result as u32 == code)
    }

    /// The C name of the result (`"SGSS_RESULT_OK"`), as `sgss_result_name` gives it.
    pub fn name(self) -> &'static CStr {
        match self {
            sgss_result::Ok => c"SGSS_RESULT_OK",
            sgss_result::NullArgument => c"SGSS_RESULT_NULL_ARGUMENT",
            sgss_result::InvalidArgument => c"SGSS_RESULT_INVALID_ARGUMENT",
            sgss_result::BufferTooSmall => c"SGSS_RESULT_BUFFER_TOO_SMALL",
            sgss_result::NotFound => c"SGSS_RESULT_NOT_FOUND",
            sgss_result::Closed => c"SGSS_RESULT_CLOSED",
            sgss_result::PeerClosed => c"SGSS_RESULT_PEER_CLOSED",
            sgss_result::WouldBlock => c"SGSS_RESULT_WOULD_BLOCK",
            sgss_result::OsError => c"SGSS_RESULT_OS_ERROR",
            sgss_result::ResolverError => c"SGSS_RESULT_RESOLVER_ERROR",
            sgss_result::Panic => c"SGSS_RESULT_PANIC",
        }
    }

    /// A short description, as `sgss_result_text` gives it.
    pub fn description(self) -> &'static str {
        match self {
            sgss_result::Ok => "success",
            sgss_result::NullArgument => "a required pointer argument was NULL",
            sgss_result::InvalidArgument => "invalid argument",
            sgss_result::BufferTooSmall => "the buffer is too small",
            sgss_result::NotFound => "not found",
            sgss_result::Closed => "the socket is closed",
            sgss_result::PeerClosed => "the peer closed the connection",
            sgss_result::WouldBlock => "the operation would block or timed out",
            sgss_result::OsError => "the operating system reported an error",
            sgss_result::ResolverError => "name lookup failed",
            sgss_result::Panic => "internal error (panic caught at the C boundary)",
        }
    }
}

/// Size in bytes of `sgss_error.message`, terminating NUL included.
pub const SGSS_ERROR_MESSAGE_SIZE: usize = 256;

/// Details of a failed call, filled in by every function that takes an `sgss_error *err`.
///
/// Pass NULL when the result code is enough. The struct is plain data owned by the caller
/// (usually on the stack); nothing in it needs freeing. After a successful call it holds
/// `result = 0`, `code = 0` and an empty message.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sgss_error {
    /// The `sgss_result` the call returned.
    pub result: u32,
    /// The error code: errno (WSA code on Windows) for OS errors, `EBADF` for a closed
    /// socket, `EINVAL` for a rejected argument, the `EAI_*` value for resolver errors,
    /// 0 otherwise.
    pub code: i32,
    /// NUL-terminated UTF-8 text naming the call and the cause, e.g.
    /// `"connect: Connection refused (os error 111)"`, cut to fit (at a character boundary).
    pub message: [c_char; SGSS_ERROR_MESSAGE_SIZE],
}

/// Why a call failed, before it is turned into a result code and an `sgss_error`.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A required pointer argument was NULL: its name.
    Null(&'static str),
    /// A rejected argument: what was wrong.
    Invalid(String),
    /// The caller's buffer was too small (the needed length was already reported);
    /// `needed` counts the terminating NUL of text.
    TooSmall { needed: usize, given: usize },
    /// Nothing with that name or number.
    NotFound(String),
    /// The peer closed the stream in order.
    PeerClosed,
    /// An error from core. `closed` says whether it came from a socket closed by the caller.
    Core { error: Error },
    /// A panic was caught.
    Panic,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Failure::Core { error }
    }
}

impl Failure {
    /// The result code for this failure.
    pub(crate) fn result(&self) -> sgss_result {
        match self {
            Failure::Null(_) => sgss_result::NullArgument,
            Failure::Invalid(_) => sgss_result::InvalidArgument,
            Failure::TooSmall { .. } => sgss_result::BufferTooSmall,
            Failure::NotFound(_) => sgss_result::NotFound,
            Failure::PeerClosed => sgss_result::PeerClosed,
            Failure::Panic => sgss_result::Panic,
            Failure::Core { error } => match error.category() {
                ErrorCategory::Closed => sgss_result::Closed,
                ErrorCategory::InvalidInput => sgss_result::InvalidArgument,
                ErrorCategory::Resolver => sgss_result::ResolverError,
                ErrorCategory::Os if error.is_would_block() => sgss_result::WouldBlock,
                ErrorCategory::Os => sgss_result::OsError,
            },
        }
    }

    /// The error code for `sgss_error::code`.
    fn code(&self) -> i32 {
        match self {
            Failure::Null(_) | Failure::Invalid(_) => errno::EINVAL,
            Failure::Core { error, .. } => error.code(),
            _ => 0,
        }
    }

    /// The message for `sgss_error::message`: core's errors name their operation
    /// (`"connect: ..."`); the C layer's own start with the exported function's name.
    fn message(&self, function: &str) -> String {
        match self {
            Failure::Core { error, .. } => error.to_string(),
            other => format!("{function}: {}", other.cause()),
        }
    }

    /// The cause of a failure found in the C layer.
    fn cause(&self) -> String {
        match self {
            Failure::Null(name) => format!("argument {name} is NULL"),
            Failure::Invalid(why) => why.clone(),
            Failure::TooSmall { needed, given } => {
                format!("the buffer holds {given} bytes, {needed} are needed")
            }
            Failure::NotFound(what) => format!("{what} not found"),
            Failure::PeerClosed => sgss_result::PeerClosed.description().to_owned(),
            Failure::Core { error, .. } => error.message().to_owned(),
            Failure::Panic => sgss_result::Panic.description().to_owned(),
        }
    }
}

/// Copies `text` into `dest` as NUL-terminated UTF-8, cut at a character boundary to fit.
pub(crate) fn fill_message(dest: &mut [c_char; SGSS_ERROR_MESSAGE_SIZE], text: &str) {
    let mut end = text.len().min(SGSS_ERROR_MESSAGE_SIZE - 1);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    for (slot, byte) in dest.iter_mut().zip(text.as_bytes()[..end].iter()) {
        *slot = *byte as c_char;
    }
    dest[end] = 0;
}

/// Writes the outcome of exported function `function` into `*err` (when the caller gave
/// one) and returns the result code. Inlined, so a success costs a test and a store.
#[inline]
pub(crate) fn report(
    function: impl FnOnce() -> &'static str,
    err: *mut sgss_error,
    outcome: Result<(), Failure>,
) -> sgss_result {
    match outcome {
        Ok(()) => {
            // SAFETY: the caller passes NULL or a pointer to an `sgss_error` it owns and
            // that no other thread uses during the call (the contract of every `err`).
            if let Some(err) = unsafe { err.as_mut() } {
                err.result = sgss_result::Ok as u32;
                err.code = 0;
                err.message[0] = 0;
            }
            sgss_result::Ok
        }
        Err(failure) => report_failure(function(), err, failure),
    }
}

/// [`report`] of a failure, kept out of line (the rare path).
#[cold]
#[inline(never)]
fn report_failure(function: &'static str, err: *mut sgss_error, failure: Failure) -> sgss_result {
    let result = failure.result();
    // SAFETY: as in `report`: NULL or the caller's own `sgss_error`.
    if let Some(err) = unsafe { err.as_mut() } {
        err.result = result as u32;
        err.code = failure.code();
        fill_message(&mut err.message, &failure.message(function));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name is the enum's C name as cbindgen writes it into the header.
    #[test]
    fn names_are_the_header_names() {
        let header = include_str!("../include/sgssockets.h");
        for result in sgss_result::ALL {
            let name = result.name().to_str().unwrap();
            assert!(
                header.contains(&format!("  {name} = {},", result as u32)),
                "{name} = {} is not in the header",
                result as u32
            );
        }
    }
}
