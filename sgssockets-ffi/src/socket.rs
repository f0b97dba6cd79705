//! `sgss_socket`: creating, connecting, sending, receiving and closing sockets.
//!
//! A socket handle is owned by the caller and freed with `sgss_socket_free` (which closes
//! it if still open). `sgss_socket_close` closes the OS socket but keeps the handle valid:
//! every later call reports `SGSS_RESULT_CLOSED` (code `EBADF`) until it is freed.
//!
//! Thread-safety: any number of threads may use one socket at the same time (send on one,
//! recv on another, select on a third) through `const sgss_socket *` functions. Only
//! `sgss_socket_close` and `sgss_socket_free` need the socket to themselves.

use std::ffi::c_void;

use sgssockets_core::{constants, Error, Incoming, MsgFlags, Socket};

use crate::address::sgss_address;
use crate::boundary::{
    borrow_mut, box_castable, ffi_boundary, ffi_boundary_void, to_box, try_box_from_ptr, try_mut,
    try_out, try_ref, try_slice, try_slice_mut,
};
use crate::result::{sgss_error, sgss_result, Failure};

/// A socket. Opaque: use it through pointers and the `sgss_socket_*` functions.
///
/// An owned handle: owned by the caller from its creation until `sgss_socket_free` (or
/// `sgss_socket_into_descriptor`), exactly once; the other functions only borrow it for the
/// call. Several threads may use one socket at once through the functions taking
/// `const sgss_socket *`; `sgss_socket_close`, `sgss_socket_free` and
/// `sgss_socket_into_descriptor` need it to themselves.
#[derive(Debug)]
pub struct sgss_socket {
    _private: [u8; 0],
}

// Owned: made by the constructors, `sgss_socket_accept` and `sgss_socket_from_descriptor`.
box_castable! { sgss_socket => Socket }

/// Hands a new socket to C.
fn give(out: &mut std::mem::MaybeUninit<*mut sgss_socket>, socket: Socket) {
    out.write(to_box(socket));
}

/// Creates a socket from the C numbers: `family` (`AF_INET`, `AF_INET6`, `AF_UNIX`, ...),
/// `type` (`SOCK_STREAM`, `SOCK_DGRAM`, ...) and `protocol` (0 for the default).
///
/// The socket is blocking, close-on-exec and never raises `SIGPIPE`.
///
/// Ownership: on success the caller owns `*out` (an owned handle, independent of any other)
/// until it passes it to `sgss_socket_free` or `sgss_socket_into_descriptor`; on failure
/// `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`), `SGSS_RESULT_OS_ERROR` (e.g.
/// `EAFNOSUPPORT`, `EPROTONOSUPPORT`, `EMFILE`, `EACCES` for raw sockets).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_new(
    family: i32,
    r#type: i32,
    protocol: i32,
    out: *mut *mut sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        give(out, Socket::from_raw_parts(family, r#type, protocol)?);
        Ok(())
    })
}

/// Creates a TCP socket, IPv6 if `ipv6` is true, else IPv4.
///
/// Ownership: on success the caller owns `*out` (an owned handle, independent of any other)
/// until it passes it to `sgss_socket_free` or `sgss_socket_into_descriptor`; on failure
/// `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_tcp(
    ipv6: bool,
    out: *mut *mut sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        give(out, Socket::tcp(ipv6)?);
        Ok(())
    })
}

/// Creates a UDP socket, IPv6 if `ipv6` is true, else IPv4.
///
/// Ownership: on success the caller owns `*out` (an owned handle, independent of any other)
/// until it passes it to `sgss_socket_free` or `sgss_socket_into_descriptor`; on failure
/// `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_udp(
    ipv6: bool,
    out: *mut *mut sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        give(out, Socket::udp(ipv6)?);
        Ok(())
    })
}

/// Closes the socket and frees the handle. NULL is ignored. Errors from closing are not
/// reported: call `sgss_socket_close` first to see them. The handle must not be in use by
/// another thread, and must not be used afterwards.
///
/// Ownership: ends the caller's ownership of `socket` (from any socket constructor,
/// `sgss_socket_accept` or `sgss_socket_from_descriptor`): call it once per socket.
/// Addresses obtained from the socket are owned handles of their own and stay valid;
/// descriptors lent by `sgss_socket_descriptor` are closed.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_free(socket: *mut sgss_socket) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or a socket it owns and no longer uses.
        if let Ok(mut socket) = unsafe { try_box_from_ptr(socket, "socket") } {
            if !socket.is_closed() {
                let _ = socket.close();
            }
        }
    })
}

/// Closes the OS socket. The handle stays valid (free it with `sgss_socket_free`); every
/// later call on it gives `SGSS_RESULT_CLOSED`. No other thread may use the socket during
/// this call.
///
/// Ownership: the caller still owns `socket` afterwards and frees it with
/// `sgss_socket_free`; a descriptor lent by `sgss_socket_descriptor` is closed.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED` (already closed),
/// `SGSS_RESULT_OS_ERROR` (what close(2) reported; the socket is closed all the same).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_close(
    socket: *mut sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_mut!(socket);
        socket.close().map_err(Failure::from)
    })
}

/// Writes whether `sgss_socket_close` was called to `*out_closed`.
///
/// Ownership: `socket` is borrowed for the call only; the caller keeps owning it and
/// nothing is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_closed`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_is_closed(
    socket: *const sgss_socket,
    out_closed: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        try_out!(out_closed).write(socket.is_closed());
        Ok(())
    })
}

/// Writes the OS descriptor (a file descriptor; a `SOCKET` on Windows) to `*out_fd`, for
/// use with the host's own event loop. The socket still owns it: do not close it.
///
/// Ownership: `socket` is borrowed for the call. The descriptor is lent, not given: it is
/// valid until `sgss_socket_close`, `sgss_socket_free` or `sgss_socket_into_descriptor` on
/// `socket`; never close it yourself.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_descriptor(
    socket: *const sgss_socket,
    out_fd: *mut i64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_fd);
        let raw = socket
            .raw_socket()
            .ok_or_else(|| Failure::from(Error::closed("descriptor")))?;
        #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
        out.write(raw as i64);
        Ok(())
    })
}

/// Writes the family given at creation (`AF_INET`, ...) to `*out_family` and the type
/// (`SOCK_STREAM`, ...) to `*out_type`. Works on a closed socket too.
///
/// Ownership: `socket` is borrowed for the call only; the caller keeps owning it and
/// nothing is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_family`, `out_type`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_kind(
    socket: *const sgss_socket,
    out_family: *mut i32,
    out_type: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let family = try_out!(out_family);
        let kind = try_out!(out_type);
        family.write(socket.family());
        kind.write(socket.socket_type());
        Ok(())
    })
}

/// Binds the socket to `addr` (any family).
///
/// Ownership: `socket` and `addr` (owned or borrowed) are borrowed for the call only; the
/// socket keeps no pointer to `addr`, which the caller may free right after.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (e.g.
/// `EADDRINUSE`, `EACCES`, `EINVAL` when already bound).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_bind(
    socket: *const sgss_socket,
    addr: *const sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let addr = try_ref!(addr);
        socket.bind(addr).map_err(Failure::from)
    })
}

/// Binds the socket to `port` on the wildcard address of its own family (`0.0.0.0` or
/// `::`). Port 0 lets the OS choose; read it back with `sgss_socket_local_address`.
///
/// Ownership: `socket` is borrowed for the call only; the caller keeps owning it and
/// nothing is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED`, `SGSS_RESULT_INVALID_ARGUMENT`
/// (not an IPv4/IPv6 socket), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_bind_port(
    socket: *const sgss_socket,
    port: u16,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.bind_port(port).map_err(Failure::from)
    })
}

/// Starts listening for connections with a queue of `backlog`.
///
/// Ownership: `socket` is borrowed for the call only; the caller keeps owning it and
/// nothing is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (e.g.
/// `EOPNOTSUPP` on a datagram socket).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_listen(
    socket: *const sgss_socket,
    backlog: i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.listen(backlog).map_err(Failure::from)
    })
}

/// Accepts a connection. On success `*out_socket` is a new socket and, when `out_peer` is
/// not NULL, `*out_peer` a new address of the peer; the caller frees both. Waits up to the
/// receive timeout (or forever); a non-blocking listener reports `SGSS_RESULT_WOULD_BLOCK`
/// when nobody is waiting.
///
/// Ownership: `socket` is borrowed for the call. On success the caller owns `*out_socket`
/// (free with `sgss_socket_free`) and `*out_peer` (free with `sgss_address_free`); both are
/// independent of `socket`, which may be freed first. On failure neither is written.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_WOULD_BLOCK`, `SGSS_RESULT_OS_ERROR` (e.g. `EINVAL` when not listening).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_accept(
    socket: *const sgss_socket,
    out_socket: *mut *mut sgss_socket,
    out_peer: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out_socket = try_out!(out_socket);
        // SAFETY: `out_peer` is an out-parameter of this function: NULL or writable.
        let out_peer = unsafe { out_peer.cast::<std::mem::MaybeUninit<_>>().as_mut() };
        let (accepted, peer) = socket.accept().map_err(Failure::from)?;
        give(out_socket, accepted);
        if let Some(out_peer) = out_peer {
            out_peer.write(to_box::<sgss_address>(peer));
        }
        Ok(())
    })
}

/// Connects to `addr`. Waits up to the send timeout (or forever); a non-blocking socket
/// reports `SGSS_RESULT_OS_ERROR` with `EINPROGRESS` (WSAEWOULDBLOCK on Windows: then
/// `SGSS_RESULT_WOULD_BLOCK`) and completes in the background (see `sgss_socket_select` and
/// `sgss_socket_pending_error`).
///
/// Ownership: `socket` and `addr` (owned or borrowed) are borrowed for the call only; the
/// caller may free `addr` right after.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED`, `SGSS_RESULT_WOULD_BLOCK`,
/// `SGSS_RESULT_OS_ERROR` (e.g. `ECONNREFUSED`, `ETIMEDOUT`, `EINPROGRESS`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_connect(
    socket: *const sgss_socket,
    addr: *const sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let addr = try_ref!(addr);
        socket.connect(addr).map_err(Failure::from)
    })
}

/// Sends `len` bytes from `buf` on a connected socket; `*out_sent` receives how many were
/// sent (possibly fewer than `len`). `flags` are `MSG_*` values (0 for none); `SIGPIPE` is
/// never raised.
///
/// Ownership: `socket` and `buf` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_sent`, `buf` with `len > 0`),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_WOULD_BLOCK` (non-blocking or send timeout),
/// `SGSS_RESULT_OS_ERROR` (e.g. `EPIPE`, `ECONNRESET`, `ENOTCONN`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_send(
    socket: *const sgss_socket,
    buf: *const c_void,
    len: usize,
    flags: i32,
    out_sent: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let data = try_slice!(buf, len);
        let out = try_out!(out_sent);
        let sent = socket
            .send(data, MsgFlags::from_bits_retain(flags))
            .map_err(Failure::from)?;
        out.write(sent);
        Ok(())
    })
}

/// Sends `len` bytes from `buf` to `addr`; `*out_sent` receives how many were sent.
///
/// Ownership: `socket`, `buf` and `addr` (owned or borrowed) are borrowed for the call
/// only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `addr`, `out_sent`, `buf` with `len > 0`),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_WOULD_BLOCK`, `SGSS_RESULT_OS_ERROR` (e.g.
/// `EMSGSIZE`, `EACCES` for a broadcast address without `SO_BROADCAST`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_send_to(
    socket: *const sgss_socket,
    buf: *const c_void,
    len: usize,
    flags: i32,
    addr: *const sgss_address,
    out_sent: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let data = try_slice!(buf, len);
        let addr = try_ref!(addr);
        let out = try_out!(out_sent);
        let sent = socket
            .send_to(data, addr, MsgFlags::from_bits_retain(flags))
            .map_err(Failure::from)?;
        out.write(sent);
        Ok(())
    })
}

/// Receives up to `len` bytes into `buf`; `*out_received` receives the count.
///
/// When the peer of a connection closed it in order, the result is
/// `SGSS_RESULT_PEER_CLOSED` (not an error of the socket) and `*out_received` is 0. On a
/// datagram socket an empty datagram is `SGSS_RESULT_OK` with 0 bytes. Waits up to the
/// receive timeout (or forever).
///
/// Ownership: `socket` and `buf` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_received`, `buf` with `len > 0`),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_WOULD_BLOCK` (nothing arrived in time / non-blocking),
/// `SGSS_RESULT_OS_ERROR` (e.g. `ECONNRESET`, `ENOTCONN`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_recv(
    socket: *const sgss_socket,
    buf: *mut c_void,
    len: usize,
    flags: i32,
    out_received: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_received);
        let data = try_slice_mut!(buf, len);
        match socket
            .recv_uninit(data, MsgFlags::from_bits_retain(flags))
            .map_err(Failure::from)?
        {
            Incoming::Data(received) => {
                out.write(received);
                Ok(())
            }
            Incoming::Closed => {
                out.write(0);
                Err(Failure::PeerClosed)
            }
        }
    })
}

/// Receives a datagram of up to `len` bytes into `buf` (a longer one is cut to `len` on
/// every platform); `*out_received` receives the count and, when `from` is not NULL, the
/// sender's address overwrites `*from` (an address the caller made and owns, e.g. with
/// `sgss_address_from_u32(0, 0, ...)`; no allocation per datagram).
///
/// Ownership: `socket`, `buf` and `from` are borrowed for the call only: `from` stays the
/// caller's (never a list's borrowed `const` address), its value is overwritten, no pointer
/// to it is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_received`, `buf` with `len > 0`),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_WOULD_BLOCK`, `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_recv_from(
    socket: *const sgss_socket,
    buf: *mut c_void,
    len: usize,
    flags: i32,
    from: *mut sgss_address,
    out_received: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        // SAFETY: `from` is an optional address argument of this function: NULL or a live
        // address that no other call uses meanwhile.
        let from = unsafe { borrow_mut(from) };
        let out = try_out!(out_received);
        let data = try_slice_mut!(buf, len);
        let (received, sender) = socket
            .recv_from_uninit(data, MsgFlags::from_bits_retain(flags))
            .map_err(Failure::from)?;
        out.write(received);
        if let Some(from) = from {
            *from = sender;
        }
        Ok(())
    })
}

/// Shuts down receiving (`SHUT_RD`), sending (`SHUT_WR`) or both (`SHUT_RDWR`).
///
/// Ownership: `socket` is borrowed for the call only; the caller keeps owning it and
/// nothing is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_INVALID_ARGUMENT` (`how` is not a
/// `SHUT_*` value), `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (e.g. `ENOTCONN`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_shutdown(
    socket: *const sgss_socket,
    how: i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let how = constants::shutdown_from_raw(how)
            .ok_or_else(|| Failure::Invalid(format!("{how} is not a SHUT_* value")))?;
        socket.shutdown(how).map_err(Failure::from)
    })
}

/// Writes a new address of the connected peer to `*out`; the caller frees it.
///
/// Ownership: `socket` is borrowed for the call. On success the caller owns `*out`, an
/// address independent of `socket`, and frees it with `sgss_address_free`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR`
/// (`ENOTCONN` when not connected).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_peer_address(
    socket: *const sgss_socket,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out);
        let addr = socket.peer_addr().map_err(Failure::from)?;
        out.write(to_box(addr));
        Ok(())
    })
}

/// Writes a new address of the local end to `*out` (after binding port 0 it has the port
/// the OS chose); the caller frees it.
///
/// Ownership: `socket` is borrowed for the call. On success the caller owns `*out`, an
/// address independent of `socket`, and frees it with `sgss_address_free`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_local_address(
    socket: *const sgss_socket,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out);
        let addr = socket.local_addr().map_err(Failure::from)?;
        out.write(to_box(addr));
        Ok(())
    })
}

/// Deprecated: use `sgss_socket_send_to` (the same function under the name that follows
/// `sgss_socket_local_address`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_sendto(
    socket: *const sgss_socket,
    buf: *const c_void,
    len: usize,
    flags: i32,
    addr: *const sgss_address,
    out_sent: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    // SAFETY: the same arguments and contract as `sgss_socket_send_to`.
    unsafe { sgss_socket_send_to(socket, buf, len, flags, addr, out_sent, err) }
}

/// Deprecated: use `sgss_socket_recv_from` (the same function under the name that follows
/// `sgss_socket_local_address`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_recvfrom(
    socket: *const sgss_socket,
    buf: *mut c_void,
    len: usize,
    flags: i32,
    from: *mut sgss_address,
    out_received: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    // SAFETY: the same arguments and contract as `sgss_socket_recv_from`.
    unsafe { sgss_socket_recv_from(socket, buf, len, flags, from, out_received, err) }
}
