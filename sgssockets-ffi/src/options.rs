//! Socket options of SPEC §4: one `sgss_socket_get_*` / `sgss_socket_set_*` pair each.
//!
//! Every getter asks the OS and writes the value to its out-parameter; every setter reports
//! what the OS said. Timeouts and linger are real seconds, as in the SGScript module.

use std::time::Duration;

use sgssockets_core::{time, Socket};

use crate::boundary::{ffi_boundary, try_out, try_ref};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;

/// `SO_LINGER` as seconds: negative (-1) when off.
fn linger_secs(linger: Option<Duration>) -> f64 {
    linger.map_or(-1.0, |d| d.as_secs_f64())
}

/// Seconds from C as a linger setting: negative is off, NaN and huge values are rejected.
fn linger_from_secs(secs: f64) -> Result<Option<Duration>, Failure> {
    if secs.is_nan() {
        return Err(Failure::Invalid(
            "NaN is not a number of seconds".to_owned(),
        ));
    }
    if secs < 0.0 {
        return Ok(None);
    }
    Duration::try_from_secs_f64(secs)
        .map(Some)
        .map_err(|_| Failure::Invalid(format!("{secs} seconds is too large")))
}

/// Pending error (`SO_ERROR`) of `socket` as a code, 0 when there is none.
fn pending_code(socket: &Socket) -> Result<i32, Failure> {
    let pending = socket.take_error().map_err(Failure::from)?;
    Ok(pending.map_or(0, |error| error.code()))
}

/// Takes the pending error of the socket (`SO_ERROR`, e.g. the outcome of a non-blocking
/// connect) and writes its code to `*out_code`: 0 when there is none. Reading clears it.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_code`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_pending_error(
    socket: *const sgss_socket,
    out_code: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_code);
        out.write(pending_code(socket)?);
        Ok(())
    })
}

/// Reads whether calls block (the default) or report `SGSS_RESULT_WOULD_BLOCK` at once when
/// they cannot proceed (`O_NONBLOCK`); writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_blocking(
    socket: *const sgss_socket,
    out_value: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.is_blocking().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets whether calls block (the default) or report `SGSS_RESULT_WOULD_BLOCK` at once when
/// they cannot proceed (`O_NONBLOCK`).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_blocking(
    socket: *const sgss_socket,
    value: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_blocking(value).map_err(Failure::from)
    })
}

/// Reads `SO_BROADCAST`: whether datagrams may go to broadcast addresses; writes it to
/// `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_broadcast(
    socket: *const sgss_socket,
    out_value: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.broadcast().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `SO_BROADCAST`: whether datagrams may go to broadcast addresses.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_broadcast(
    socket: *const sgss_socket,
    value: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_broadcast(value).map_err(Failure::from)
    })
}

/// Reads `SO_REUSEADDR`: whether binding an address in `TIME_WAIT` is allowed (set before
/// bind); writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_reuse_addr(
    socket: *const sgss_socket,
    out_value: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.reuse_addr().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `SO_REUSEADDR`: whether binding an address in `TIME_WAIT` is allowed (set before bind).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_reuse_addr(
    socket: *const sgss_socket,
    value: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_reuse_addr(value).map_err(Failure::from)
    })
}

/// Reads `SO_REUSEPORT`: whether several sockets may bind the same port (an OS error where
/// the platform lacks it); writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_reuse_port(
    socket: *const sgss_socket,
    out_value: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.reuse_port().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `SO_REUSEPORT`: whether several sockets may bind the same port (an OS error where
/// the platform lacks it).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_reuse_port(
    socket: *const sgss_socket,
    value: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_reuse_port(value).map_err(Failure::from)
    })
}

/// Reads `TCP_NODELAY`: whether small segments are sent at once (no Nagle delay); TCP only;
/// writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_nodelay(
    socket: *const sgss_socket,
    out_value: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.nodelay().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `TCP_NODELAY`: whether small segments are sent at once (no Nagle delay); TCP only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_nodelay(
    socket: *const sgss_socket,
    value: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_nodelay(value).map_err(Failure::from)
    })
}

/// Reads `SO_KEEPALIVE`: whether keep-alive probes are sent on an idle connection; writes
/// it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_keepalive(
    socket: *const sgss_socket,
    out_value: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.keepalive().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `SO_KEEPALIVE`: whether keep-alive probes are sent on an idle connection.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_keepalive(
    socket: *const sgss_socket,
    value: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_keepalive(value).map_err(Failure::from)
    })
}

/// Reads `IPV6_V6ONLY`: whether an IPv6 socket refuses IPv4-mapped traffic (set before
/// bind); IPv6 only; writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_ipv6_only(
    socket: *const sgss_socket,
    out_value: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.ipv6_only().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `IPV6_V6ONLY`: whether an IPv6 socket refuses IPv4-mapped traffic (set before
/// bind); IPv6 only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_ipv6_only(
    socket: *const sgss_socket,
    value: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_ipv6_only(value).map_err(Failure::from)
    })
}

/// Reads the hop limit of outgoing packets (`IP_TTL`, or `IPV6_UNICAST_HOPS` on IPv6
/// sockets); writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_ttl(
    socket: *const sgss_socket,
    out_value: *mut u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.ttl().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets the hop limit of outgoing packets (`IP_TTL`, or `IPV6_UNICAST_HOPS` on IPv6 sockets).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_ttl(
    socket: *const sgss_socket,
    value: u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_ttl(value).map_err(Failure::from)
    })
}

/// Reads `SO_RCVBUF`: the receive buffer size in bytes (Linux reports double the size set);
/// writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_recv_buffer_size(
    socket: *const sgss_socket,
    out_value: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.recv_buffer_size().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `SO_RCVBUF`: the receive buffer size in bytes (Linux reports double the size set).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_recv_buffer_size(
    socket: *const sgss_socket,
    value: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_recv_buffer_size(value).map_err(Failure::from)
    })
}

/// Reads `SO_SNDBUF`: the send buffer size in bytes (Linux reports double the size set);
/// writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_send_buffer_size(
    socket: *const sgss_socket,
    out_value: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.send_buffer_size().map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `SO_SNDBUF`: the send buffer size in bytes (Linux reports double the size set).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_send_buffer_size(
    socket: *const sgss_socket,
    value: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket.set_send_buffer_size(value).map_err(Failure::from)
    })
}

/// Reads `SO_RCVTIMEO`: how long a receive or accept may wait, in seconds; 0 means no
/// timeout (wait forever). A receive that times out gives `SGSS_RESULT_WOULD_BLOCK`; writes
/// it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_recv_timeout(
    socket: *const sgss_socket,
    out_value: *mut f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(
            socket
                .recv_timeout()
                .map(time::secs_from_timeout)
                .map_err(Failure::from)?,
        );
        Ok(())
    })
}

/// Sets `SO_RCVTIMEO`: how long a receive or accept may wait, in seconds; 0 means no
/// timeout (wait forever). A receive that times out gives `SGSS_RESULT_WOULD_BLOCK`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (negative, NaN or too large), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_recv_timeout(
    socket: *const sgss_socket,
    value: f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket
            .set_recv_timeout(time::timeout_from_secs(value)?)
            .map_err(Failure::from)
    })
}

/// Reads `SO_SNDTIMEO`: how long a send or connect may wait, in seconds; 0 means no timeout
/// (wait forever); writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_send_timeout(
    socket: *const sgss_socket,
    out_value: *mut f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(
            socket
                .send_timeout()
                .map(time::secs_from_timeout)
                .map_err(Failure::from)?,
        );
        Ok(())
    })
}

/// Sets `SO_SNDTIMEO`: how long a send or connect may wait, in seconds; 0 means no timeout
/// (wait forever).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (negative, NaN or too large), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_send_timeout(
    socket: *const sgss_socket,
    value: f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket
            .set_send_timeout(time::timeout_from_secs(value)?)
            .map_err(Failure::from)
    })
}

/// Reads `SO_LINGER`: how long close waits for unsent data, in seconds; a negative value
/// means off (the default background close), 0 resets the connection on close; writes it to
/// `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_linger(
    socket: *const sgss_socket,
    out_value: *mut f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        out.write(socket.linger().map(linger_secs).map_err(Failure::from)?);
        Ok(())
    })
}

/// Sets `SO_LINGER`: how long close waits for unsent data, in seconds; a negative value
/// means off (the default background close), 0 resets the connection on close.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT` (NaN or
/// too large), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_linger(
    socket: *const sgss_socket,
    value: f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        socket
            .set_linger(linger_from_secs(value)?)
            .map_err(Failure::from)
    })
}
