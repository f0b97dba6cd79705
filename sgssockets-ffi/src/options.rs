//! Socket options of SPEC §4: one `sgss_socket_get_*` / `sgss_socket_set_*` pair each.
//!
//! Every pair is a one-line call through core's option table
//! ([`sgssockets_core::SOCKET_OPTIONS`]), so C accepts and refuses exactly the values the
//! SGScript properties do: the conversions and range checks (timeouts, linger, buffer
//! sizes, hop limits) live in core's `convert` only. Every getter asks the OS and writes
//! the value to its out-parameter; every setter reports what the OS said, and an
//! out-of-range value is `SGSS_RESULT_INVALID_ARGUMENT` and changes nothing. Timeouts and
//! linger are real seconds, as in the SGScript module. Setters take `const sgss_socket *`
//! like the I/O calls (the README's `const` rule: the call may share the handle): the
//! option lives in the kernel, so one thread may set it while others use the socket.

use std::mem::MaybeUninit;

use sgssockets_core::{convert, socket_option, OptionValue, Socket, SocketOption};

use crate::boundary::{ffi_boundary, try_out, try_ref};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;

/// The entry of core's option table called `name` (a script property name).
fn option(name: &'static str) -> Result<&'static SocketOption, Failure> {
    socket_option(name).ok_or_else(|| Failure::NotFound(format!("socket option {name:?}")))
}

/// Sets option `name` of `socket` to `value` through core's table (range checks there).
pub(crate) fn set(socket: &Socket, name: &'static str, value: OptionValue) -> Result<(), Failure> {
    option(name)?.set(socket, value).map_err(Failure::from)
}

/// Reads option `name` of `socket` through core's table.
fn get(socket: &Socket, name: &'static str) -> Result<OptionValue, Failure> {
    option(name)?.get(socket).map_err(Failure::from)
}

/// The failure for a table entry whose value is not of the kind its C function expects
/// (a bug: `options_match_core_table` checks every name and kind).
fn wrong_kind(name: &'static str, value: OptionValue) -> Failure {
    Failure::Invalid(format!("socket option {name:?} gave {value:?}"))
}

/// Reads boolean option `name` into `out`.
pub(crate) fn get_bool(
    socket: &Socket,
    name: &'static str,
    out: &mut MaybeUninit<bool>,
) -> Result<(), Failure> {
    match get(socket, name)? {
        OptionValue::Bool(on) => {
            out.write(on);
            Ok(())
        }
        other => Err(wrong_kind(name, other)),
    }
}

/// Reads integer option `name` into `out` (a C integer type that holds every value the
/// option can have).
pub(crate) fn get_int<T: TryFrom<i64>>(
    socket: &Socket,
    name: &'static str,
    out: &mut MaybeUninit<T>,
) -> Result<(), Failure> {
    match get(socket, name)? {
        OptionValue::Int(int) => {
            let value = T::try_from(int).map_err(|_| {
                Failure::Invalid(format!(
                    "socket option {name:?} is {int}, out of range here"
                ))
            })?;
            out.write(value);
            Ok(())
        }
        other => Err(wrong_kind(name, other)),
    }
}

/// Reads seconds option `name` into `out`.
fn get_seconds(
    socket: &Socket,
    name: &'static str,
    out: &mut MaybeUninit<f64>,
) -> Result<(), Failure> {
    match get(socket, name)? {
        OptionValue::Seconds(secs) => {
            out.write(secs);
            Ok(())
        }
        other => Err(wrong_kind(name, other)),
    }
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
        get_int(try_ref!(socket), "error", try_out!(out_code))
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
        get_bool(try_ref!(socket), "blocking", try_out!(out_value))
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
        set(try_ref!(socket), "blocking", OptionValue::Bool(value))
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
        get_bool(try_ref!(socket), "broadcast", try_out!(out_value))
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
        set(try_ref!(socket), "broadcast", OptionValue::Bool(value))
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
        get_bool(try_ref!(socket), "reuse_addr", try_out!(out_value))
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
        set(try_ref!(socket), "reuse_addr", OptionValue::Bool(value))
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
        get_bool(try_ref!(socket), "reuse_port", try_out!(out_value))
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
        set(try_ref!(socket), "reuse_port", OptionValue::Bool(value))
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
        get_bool(try_ref!(socket), "nodelay", try_out!(out_value))
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
        set(try_ref!(socket), "nodelay", OptionValue::Bool(value))
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
        get_bool(try_ref!(socket), "keepalive", try_out!(out_value))
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
        set(try_ref!(socket), "keepalive", OptionValue::Bool(value))
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
        get_bool(try_ref!(socket), "ipv6_only", try_out!(out_value))
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
        set(try_ref!(socket), "ipv6_only", OptionValue::Bool(value))
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
        get_int(try_ref!(socket), "ttl", try_out!(out_value))
    })
}

/// Sets the hop limit of outgoing packets (`IP_TTL`, or `IPV6_UNICAST_HOPS` on IPv6 sockets):
/// 1 to 255.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT` (0 or more
/// than 255; nothing changes), `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_ttl(
    socket: *const sgss_socket,
    value: u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(try_ref!(socket), "ttl", OptionValue::Int(value.into()))
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
        get_int(try_ref!(socket), "recv_buffer_size", try_out!(out_value))
    })
}

/// Sets `SO_RCVBUF`: the receive buffer size in bytes, 1 to `INT_MAX` (Linux reports double
/// the size set).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT` (0 or more
/// than `INT_MAX`, never wrapped; nothing changes), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_recv_buffer_size(
    socket: *const sgss_socket,
    value: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(
            try_ref!(socket),
            "recv_buffer_size",
            OptionValue::Int(convert::int_from_buffer_size(value)),
        )
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
        get_int(try_ref!(socket), "send_buffer_size", try_out!(out_value))
    })
}

/// Sets `SO_SNDBUF`: the send buffer size in bytes, 1 to `INT_MAX` (Linux reports double the
/// size set).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT` (0 or more
/// than `INT_MAX`, never wrapped; nothing changes), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_send_buffer_size(
    socket: *const sgss_socket,
    value: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(
            try_ref!(socket),
            "send_buffer_size",
            OptionValue::Int(convert::int_from_buffer_size(value)),
        )
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
        get_seconds(try_ref!(socket), "recv_timeout", try_out!(out_value))
    })
}

/// Sets `SO_RCVTIMEO`: how long a receive or accept may wait, in seconds; 0 means no
/// timeout (wait forever). A receive that times out gives `SGSS_RESULT_WOULD_BLOCK`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (negative, NaN, infinite or too large; nothing changes), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_recv_timeout(
    socket: *const sgss_socket,
    value: f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(
            try_ref!(socket),
            "recv_timeout",
            OptionValue::Seconds(value),
        )
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
        get_seconds(try_ref!(socket), "send_timeout", try_out!(out_value))
    })
}

/// Sets `SO_SNDTIMEO`: how long a send or connect may wait, in seconds; 0 means no timeout
/// (wait forever).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (negative, NaN, infinite or too large; nothing changes), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_send_timeout(
    socket: *const sgss_socket,
    value: f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(
            try_ref!(socket),
            "send_timeout",
            OptionValue::Seconds(value),
        )
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
        get_seconds(try_ref!(socket), "linger", try_out!(out_value))
    })
}

/// Sets `SO_LINGER`: how long close waits for unsent data, in seconds; a negative value
/// means off (the default background close), 0 resets the connection on close. The OS keeps
/// whole seconds: a positive fraction is rounded up (0.5 is 1 second), so a lingering close
/// never becomes a reset.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT` (NaN, or
/// more than the OS holds: `INT_MAX` seconds, 65535 on Windows; nothing changes),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_linger(
    socket: *const sgss_socket,
    value: f64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(try_ref!(socket), "linger", OptionValue::Seconds(value))
    })
}

#[cfg(test)]
mod tests {
    use sgssockets_core::{socket_option, OptionKind};

    /// Every name the functions above use is in core's table, with the kind they read.
    #[test]
    fn options_match_core_table() {
        use OptionKind::{Bool, Int, Seconds};
        for (name, kind) in [
            ("error", Int),
            ("blocking", Bool),
            ("broadcast", Bool),
            ("reuse_addr", Bool),
            ("reuse_port", Bool),
            ("nodelay", Bool),
            ("keepalive", Bool),
            ("ipv6_only", Bool),
            ("ttl", Int),
            ("recv_buffer_size", Int),
            ("send_buffer_size", Int),
            ("recv_timeout", Seconds),
            ("send_timeout", Seconds),
            ("linger", Seconds),
        ] {
            let option = socket_option(name).unwrap_or_else(|| panic!("no option {name}"));
            assert_eq!(option.kind, kind, "{name}");
        }
    }
}
