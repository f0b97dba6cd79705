//! Moving OS descriptors across the boundary: adopting a socket a C host already has (or a
//! duplicate of it, `sgss_socket_from_descriptor_dup`), and handing a socket's descriptor
//! back to the host (freeing the handle, `sgss_socket_into_descriptor`, or keeping it
//! closed, `sgss_socket_detach`). Its `os` module is the only platform-specific code of the
//! crate: the conversions between `int64_t` and the OS handle types, a socket's and the
//! poller's (no system calls: core describes the adopted socket and makes the duplicate).

use std::mem::ManuallyDrop;

use sgssockets_core::{convert, socket2, Error, RawSocket, Socket};

use crate::boundary::{ffi_boundary, to_box, try_box, try_mut, try_out, try_ref};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;

pub(crate) use os::poller_handle;

/// The OS handle for a number from C, rejecting numbers that cannot be one.
fn raw_from_c(fd: i64) -> Result<RawSocket, Failure> {
    let raw = if fd < 0 {
        None
    } else {
        RawSocket::try_from(fd).ok()
    };
    raw.ok_or_else(|| Failure::Invalid(format!("{fd} is not a socket descriptor")))
}

/// Unix: descriptors are C `int`s.
#[cfg(unix)]
mod os {
    use std::mem::ManuallyDrop;
    use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};

    use sgssockets_core::{socket2, Poller, RawSocket};

    /// A socket2 view of `raw` that does not own it: dropping it never closes the descriptor.
    ///
    /// # Safety
    /// `raw` is an open descriptor for as long as the view is used.
    pub(super) unsafe fn borrowed(raw: RawSocket) -> ManuallyDrop<socket2::Socket> {
        // SAFETY: `raw` is open (this function's contract) and not -1; `ManuallyDrop`
        // keeps the view from closing it, so ownership stays where it was.
        ManuallyDrop::new(unsafe { socket2::Socket::from_raw_fd(raw) })
    }

    /// The descriptor a socket2 socket owned, now owned by nobody in Rust.
    pub(super) fn into_raw(socket: socket2::Socket) -> i64 {
        i64::from(socket.into_raw_fd())
    }

    /// The poller's descriptor (epoll or kqueue) as a C integer.
    pub(crate) fn poller_handle(poller: &Poller) -> i64 {
        i64::from(poller.as_raw_fd())
    }
}

/// Windows: a `SOCKET` and the poller's completion port `HANDLE` are pointer-sized, but
/// only their low 32 bits are ever used (kernel handles stay below 2^32 so 32-bit processes
/// can share them), so they fit an `int64_t` exactly.
#[cfg(windows)]
mod os {
    use std::mem::ManuallyDrop;
    use std::os::windows::io::{AsRawHandle, FromRawSocket, IntoRawSocket};

    use sgssockets_core::{socket2, Poller, RawSocket};

    /// A socket2 view of `raw` that does not own it: dropping it never closes the handle.
    ///
    /// # Safety
    /// `raw` is an open socket handle for as long as the view is used.
    pub(super) unsafe fn borrowed(raw: RawSocket) -> ManuallyDrop<socket2::Socket> {
        // SAFETY: `raw` is open (this function's contract); `ManuallyDrop` keeps the view
        // from closing it, so ownership stays where it was.
        ManuallyDrop::new(unsafe { socket2::Socket::from_raw_socket(raw) })
    }

    /// The handle a socket2 socket owned, now owned by nobody in Rust.
    pub(super) fn into_raw(socket: socket2::Socket) -> i64 {
        socket.into_raw_socket() as i64
    }

    /// The poller's completion port handle as a C integer.
    pub(crate) fn poller_handle(poller: &Poller) -> i64 {
        poller.as_raw_handle() as usize as i64
    }
}

/// Adopts an open socket descriptor `fd` (a `SOCKET` on Windows) the host made elsewhere:
/// the library asks the OS for its family, type and blocking mode, and from then on owns it.
///
/// On success `*out` is a new socket the caller frees with `sgss_socket_free` (which closes
/// `fd`); the caller must no longer close or use `fd` itself. On failure nothing was taken:
/// `fd` is still the caller's and still open.
///
/// `fd` must be open; a descriptor that is open but not a socket is refused. (Should the OS
/// describe it as a socket and then fail to report its timeouts, the error is reported and
/// the descriptor has been closed.)
///
/// Ownership: on success the library owns `fd` and the caller owns `*out` (free with
/// `sgss_socket_free`); on failure `fd` is still the caller's and `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`), `SGSS_RESULT_INVALID_ARGUMENT` (a negative
/// number), `SGSS_RESULT_OS_ERROR` (`ENOTSOCK`: not a socket).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_from_descriptor(
    fd: i64,
    out: *mut *mut sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        let raw = raw_from_c(fd)?;
        // SAFETY: the caller promises `fd` is an open socket descriptor it owns (this
        // function's contract); the view does not close it.
        let view = unsafe { os::borrowed(raw) };
        // Core hands back a descriptor it cannot describe as a socket, still open: it stays
        // the caller's (forgetting the view leaves it untouched).
        let socket = match Socket::try_from_socket2(ManuallyDrop::into_inner(view)) {
            Ok(socket) => socket,
            Err((error, back)) => {
                if let Some(back) = back {
                    std::mem::forget(back);
                }
                return Err(error.into());
            }
        };
        out.write(to_box(socket));
        Ok(())
    })
}

/// Gives the socket's descriptor to the caller and frees the handle: `*out_fd` receives the
/// open descriptor, which the caller now owns (and closes with close(2)/closesocket).
///
/// On failure the handle is unchanged and still the caller's. No other thread may use the
/// socket during this call, and `socket` must not be used afterwards when it succeeds.
/// (`sgss_socket_detach` gives the descriptor away too but keeps the handle, closed.)
///
/// Ownership: on success the caller's ownership of `socket` ends (as with
/// `sgss_socket_free`, which must not follow) and the caller owns the descriptor `*out_fd`;
/// on failure the caller still owns `socket`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_fd`), `SGSS_RESULT_CLOSED`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_into_descriptor(
    socket: *mut sgss_socket,
    out_fd: *mut i64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let open = try_ref!(socket);
        let out = try_out!(out_fd);
        if open.is_closed() {
            return Err(Error::closed("into descriptor").into());
        }
        // Taken back only after the checks above, which leave the handle to the caller.
        let owned = try_box!(socket);
        let inner = socket2::Socket::try_from(*owned)?;
        out.write(os::into_raw(inner));
        Ok(())
    })
}

/// A descriptor as the C `int64_t` of this API (a Windows `SOCKET` fits: handles are small).
#[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
fn raw_to_c(raw: RawSocket) -> i64 {
    raw as i64
}

/// Gives up the socket's descriptor without closing it (Python's `detach`): `*out_fd`
/// receives the open descriptor, which the caller now owns (and closes with
/// close(2)/closesocket), and the socket becomes closed: every later call on it gives
/// `SGSS_RESULT_CLOSED`, as after `sgss_socket_close`. The socket first leaves every
/// poller it was registered in.
///
/// This is to `sgss_socket_into_descriptor` what `sgss_socket_close` is to
/// `sgss_socket_free`: the handle stays valid (other code holding it sees a closed socket,
/// never freed memory) and still needs `sgss_socket_free`, which then closes nothing. No
/// other thread may use the socket during this call.
///
/// Ownership: the caller still owns `socket` (free it with `sgss_socket_free`) and, on
/// success, owns the descriptor `*out_fd`; on failure nothing changed.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_fd`), `SGSS_RESULT_CLOSED` (already
/// closed or detached).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_detach(
    socket: *mut sgss_socket,
    out_fd: *mut i64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_mut!(socket);
        let out = try_out!(out_fd);
        out.write(raw_to_c(socket.detach()?));
        Ok(())
    })
}

/// Adopts a *duplicate* of the open socket descriptor `fd` (dup(2), close-on-exec; a
/// `WSADuplicateSocket` handle on Windows), asking the OS for its family, type, blocking
/// mode and timeouts (Python's `socket.fromfd`). The caller keeps `fd`, still uses and
/// closes it as before: freeing the new socket closes only the duplicate.
///
/// Compare `sgss_socket_from_descriptor`, which takes over `fd` itself.
///
/// Ownership: `fd` stays the caller's in every case. On success the caller owns `*out`
/// (free it with `sgss_socket_free`); on failure `*out` is unchanged and nothing was left
/// open.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`), `SGSS_RESULT_INVALID_ARGUMENT` (a negative
/// number or one too large for a descriptor: never truncated), `SGSS_RESULT_OS_ERROR`
/// (`EBADF`: not open; `ENOTSOCK`: not a socket; the message names the descriptor).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_from_descriptor_dup(
    fd: i64,
    out: *mut *mut sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        let raw =
            convert::descriptor_from_int(fd).map_err(|e| Failure::Invalid(e.message().into()))?;
        out.write(to_box(Socket::from_fd_dup(raw)?));
        Ok(())
    })
}
