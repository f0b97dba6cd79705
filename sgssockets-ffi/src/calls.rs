//! The calls people reach for (SPEC §9) that send, connect or make sockets:
//! `sgss_socket_send_all`, `sgss_socket_connect_timeout`, `sgss_socket_connect_host`
//! (resolve, then RFC 8305 "Happy Eyeballs") and `sgss_socket_pair`.
//!
//! Each is one call into core (`Socket::send_all`, `Socket::connect_timeout`,
//! `Socket::connect_host`, `Socket::pair`); the timeouts of the calls that wait follow the
//! one rule of [`wait`](crate::wait).

use std::ffi::{c_char, c_void};

use sgssockets_core::{MsgFlags, Socket};

use crate::address::sgss_address;
use crate::boundary::{ffi_boundary, to_box, try_out, try_ref, try_slice, try_str};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;
use crate::wait::wait_from_secs;

/// Sends all `len` bytes from `buf` on a connected socket, calling send as often as it
/// takes (Python's `sendall`). `flags` are `MSG_*` values (0 for none); `SIGPIPE` is never
/// raised.
///
/// The send timeout (`sgss_socket_set_send_timeout`) bounds the whole call, not each send:
/// when it passes, the result is `SGSS_RESULT_WOULD_BLOCK` and the message says it timed
/// out. A non-blocking socket whose peer does not read gives `SGSS_RESULT_WOULD_BLOCK` as
/// soon as its buffer is full. As in Python, how much was sent before a failure is not
/// reported: treat the connection as unusable then. `len` 0 sends nothing and succeeds.
///
/// Ownership: `socket` and `buf` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `buf` with `len > 0`),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_WOULD_BLOCK` (send timeout passed, or non-blocking
/// and full), `SGSS_RESULT_OS_ERROR` (e.g. `EPIPE`, `ECONNRESET`, `ENOTCONN`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_send_all(
    socket: *const sgss_socket,
    buf: *const c_void,
    len: usize,
    flags: i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let data = try_slice!(buf, len);
        socket
            .send_all(data, MsgFlags::from_bits_retain(flags))
            .map(drop)
            .map_err(Failure::from)
    })
}

/// Connects to `addr`, waiting at most `timeout` seconds, by the rule of the calls that
/// wait: 0 does not wait (only a connection that completes at once succeeds),
/// `SGSS_WAIT_FOREVER` (or `INFINITY`, or any value too large for the OS) waits as long as
/// it takes, a negative value or NaN is `SGSS_RESULT_INVALID_ARGUMENT` and nothing is
/// tried.
///
/// Running out of time is `SGSS_RESULT_OS_ERROR` with code `ETIMEDOUT` (never
/// `EINPROGRESS`); the attempt is abandoned (close the socket, or try again). The socket's
/// blocking mode is the same afterwards as before, and its send timeout plays no part.
///
/// Ownership: `socket` and `addr` (owned or borrowed) are borrowed for the call only; the
/// caller may free `addr` right after.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `addr`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (the timeout), `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (`ETIMEDOUT`,
/// `ECONNREFUSED`, `EISCONN`, ...).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_connect_timeout(
    socket: *const sgss_socket,
    addr: *const sgss_address,
    timeout: f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let addr = try_ref!(addr);
        let timeout = wait_from_secs(timeout)?;
        socket.connect_timeout(addr, timeout).map_err(Failure::from)
    })
}

/// Resolves `host` (a name or address text) and connects a new TCP socket to `port` on the
/// first of its addresses that answers, RFC 8305 "Happy Eyeballs" style: IPv6 and IPv4
/// interleaved, the next attempt started 250 ms after the previous one (at once when that
/// one failed), the first success wins and the other attempts are closed.
///
/// `family` is `AF_UNSPEC` (both), `AF_INET` or `AF_INET6`. `timeout` bounds the whole
/// call, name resolution included, by the rule of the calls that wait (0 does not wait,
/// `SGSS_WAIT_FOREVER` has no bound of its own, negative or NaN is invalid); running out of
/// time is `ETIMEDOUT`. The new socket is blocking, close-on-exec, without timeouts.
///
/// Ownership: `host` is borrowed for the call only. On success the caller owns `*out` (an
/// owned socket, as from `sgss_socket_new`) and frees it with `sgss_socket_free`; on
/// failure `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`host`, `out`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (bad UTF-8, the family, the timeout), `SGSS_RESULT_RESOLVER_ERROR` (unknown name: the
/// `EAI_*` code), `SGSS_RESULT_OS_ERROR` (every address failed: the last error, e.g.
/// `ECONNREFUSED`, with a message naming the host and port; or `ETIMEDOUT`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_connect_host(
    host: *const c_char,
    port: u16,
    timeout: f64,
    family: i32,
    out: *mut *mut sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let host = try_str!(host);
        let out = try_out!(out);
        let timeout = wait_from_secs(timeout)?;
        let socket = Socket::connect_host(host, port, timeout, family)?;
        out.write(to_box(socket));
        Ok(())
    })
}

/// Makes two connected sockets of `type` (`SOCK_STREAM`, `SOCK_DGRAM`, or
/// `SOCK_SEQPACKET` on Unix): socketpair(2) with `AF_UNIX` on Unix, a loopback pair on
/// Windows. Both are blocking, close-on-exec, without timeouts.
///
/// Ownership: on success the caller owns `*out_a` and `*out_b`, two independent owned
/// sockets, each freed with `sgss_socket_free`; on failure neither is written.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out_a`, `out_b`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (another type), `SGSS_RESULT_OS_ERROR` (e.g. `EMFILE`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_pair(
    r#type: i32,
    out_a: *mut *mut sgss_socket,
    out_b: *mut *mut sgss_socket,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out_a = try_out!(out_a);
        let out_b = try_out!(out_b);
        let (a, b) = Socket::pair(r#type)?;
        out_a.write(to_box(a));
        out_b.write(to_box(b));
        Ok(())
    })
}
