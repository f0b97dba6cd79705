//! The platform's values of `AF_*`, `SOCK_*`, `MSG_*`, `SHUT_*`, ... by name.
//!
//! They are the values of the system headers (`AF_INET` from `<sys/socket.h>` is the same
//! number), so C code may use those directly; these functions serve hosts that pass names
//! through (scripts, configuration) and platforms where a flag is missing (its value is 0).

use std::ffi::c_char;

use sgssockets_core::constants::ALL;

use crate::boundary::{ffi_boundary, try_out, try_str, try_text_out};
use crate::result::{sgss_error, sgss_result, Failure};

/// Writes the value of the constant `name` (`"AF_INET"`, `"MSG_PEEK"`, `"SHUT_WR"`, ...) to
/// `*out_value`. Flags the platform lacks are 0.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`name`, `out_value`), `SGSS_RESULT_NOT_FOUND`,
/// `SGSS_RESULT_INVALID_ARGUMENT` (bad UTF-8).
#[no_mangle]
pub unsafe extern "C" fn sgss_constant_by_name(
    name: *const c_char,
    out_value: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let name = try_str!(name);
        let out = try_out!(out_value);
        let (_, value) = ALL
            .iter()
            .find(|(known, _)| *known == name)
            .ok_or_else(|| Failure::NotFound(format!("constant {name:?}")))?;
        out.write(*value);
        Ok(())
    })
}

/// Writes the number of named constants to `*out_count`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out_count`).
#[no_mangle]
pub unsafe extern "C" fn sgss_constant_count(
    out_count: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        try_out!(out_count).write(ALL.len());
        Ok(())
    })
}

/// Writes constant `index`: its name into `buf` (same buffer rules as
/// `sgss_address_host_text`) and its value to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_INVALID_ARGUMENT` (`index` past the end),
/// `SGSS_RESULT_BUFFER_TOO_SMALL` (`*out_value` is still written).
#[no_mangle]
pub unsafe extern "C" fn sgss_constant_at(
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    out_value: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_text_out!(buf, len, out_len);
        let out_value = try_out!(out_value);
        let (name, value) = ALL.get(index).ok_or_else(|| {
            Failure::Invalid(format!("index {index} is past the end of the constants"))
        })?;
        out_value.write(*value);
        out.write(name)
    })
}
