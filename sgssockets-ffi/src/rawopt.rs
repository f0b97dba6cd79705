//! Any socket option by its C level and name (SPEC §9): `sgss_socket_getsockopt_int` /
//! `_setsockopt_int` for `int` options, `sgss_socket_getsockopt_bytes` /
//! `_setsockopt_bytes` for structs, for the options that have no function of their own.
//!
//! Levels, names and integer values arrive as `int64_t` and must fit the C `int` the OS
//! takes: anything else is `SGSS_RESULT_INVALID_ARGUMENT`, never truncated (`2^32 + 6` is
//! not 6; SPEC §10), with core's [`convert::c_int_from_int`], the rule SGScript uses too.
//! Find the numbers in the system headers or through `sgss_constant_by_name`
//! (`SOL_SOCKET`, `IPPROTO_TCP`, `SO_RCVBUF`, `TCP_NODELAY`, ...). An option the OS does
//! not know is its error (`ENOPROTOOPT`, `EINVAL`).

use std::ffi::c_void;

use sgssockets_core::convert;

use crate::boundary::{ffi_boundary, try_bytes_out, try_out, try_ref, try_slice};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;

/// A level, name or value from C as the OS's `int`, or `Failure::Invalid` naming it.
fn c_int(value: i64, what: &str) -> Result<i32, Failure> {
    convert::c_int_from_int(value).map_err(|_| {
        Failure::Invalid(format!(
            "argument {what} is {value}, out of range for a C int ({} to {})",
            i32::MIN,
            i32::MAX
        ))
    })
}

/// getsockopt(2) of an integer option: writes the `int` the OS stores to `*out_value` (a
/// one-byte answer, as some systems give for `IP_MULTICAST_TTL`, is widened).
///
/// Timeouts and the blocking mode have their own functions, which the socket remembers;
/// read structs (`SO_LINGER`, `SO_RCVTIMEO`) with `sgss_socket_getsockopt_bytes`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (`level` or `name` not a C `int`; an option whose value
/// is not an `int`), `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (`ENOPROTOOPT`, `EINVAL`:
/// an option the OS does not know).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_getsockopt_int(
    socket: *const sgss_socket,
    level: i64,
    name: i64,
    out_value: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let out = try_out!(out_value);
        let level = c_int(level, "level")?;
        let name = c_int(name, "name")?;
        out.write(socket.getsockopt_int(level, name)?);
        Ok(())
    })
}

/// setsockopt(2) of an integer option: passes `value` as a C `int`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT` (`level`,
/// `name` or `value` not a C `int`: nothing is set), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR` (`ENOPROTOOPT`, `EINVAL`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_setsockopt_int(
    socket: *const sgss_socket,
    level: i64,
    name: i64,
    value: i64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let level = c_int(level, "level")?;
        let name = c_int(name, "name")?;
        let value = c_int(value, "value")?;
        socket
            .setsockopt_int(level, name, value)
            .map_err(Failure::from)
    })
}

/// getsockopt(2) into `buf`: asks for `len` bytes (1 to 1024) and writes how many the OS
/// gave to `*out_len` (possibly fewer; the OS cuts a longer value to `len`). The bytes are
/// the option's C value in the platform's layout (`struct linger`, `struct timeval`, ...).
///
/// Ownership: `socket` and `buf` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (`len` 0 or more than 1024; `level` or `name` not a C
/// `int`), `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (`ENOPROTOOPT`, `EINVAL`).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_getsockopt_bytes(
    socket: *const sgss_socket,
    level: i64,
    name: i64,
    buf: *mut c_void,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let buf = buf.cast::<u8>();
        let out = try_bytes_out!(buf, len, out_len);
        let level = c_int(level, "level")?;
        let name = c_int(name, "name")?;
        // Never larger than `len`: the OS writes at most the size it is given.
        out.write(&socket.getsockopt_bytes(level, name, len)?)
    })
}

/// setsockopt(2) with the `len` bytes at `buf` as the option's value (a C struct in the
/// platform's layout, e.g. `struct ip_mreq`, or an `int`).
///
/// Ownership: `socket` and `buf` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `buf` with `len > 0`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (`level` or `name` not a C `int`; nothing is set),
/// `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (`ENOPROTOOPT`, `EINVAL` for a value of
/// the wrong size).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_setsockopt_bytes(
    socket: *const sgss_socket,
    level: i64,
    name: i64,
    buf: *const c_void,
    len: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let value = try_slice!(buf, len);
        let level = c_int(level, "level")?;
        let name = c_int(name, "name")?;
        socket
            .setsockopt_bytes(level, name, value)
            .map_err(Failure::from)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_never_truncated() {
        assert_eq!(c_int(-1, "level").unwrap(), -1);
        assert_eq!(c_int(i64::from(i32::MAX), "name").unwrap(), i32::MAX);
        for bad in [(1i64 << 32) + 6, i64::from(i32::MAX) + 1, i64::MIN] {
            match c_int(bad, "level") {
                Err(Failure::Invalid(why)) => {
                    assert!(why.starts_with("argument level is"), "{why}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
