//! Error codes and their text: the platform errno table (names to codes and back), the
//! system's text for a code, the text of an `sgss_result` or an `sgss_error`, and the
//! library version.

use std::ffi::c_char;

use sgssockets_core::errno;

use crate::boundary::{ffi_boundary, try_out, try_str, try_text_out};
use crate::result::{sgss_error, sgss_result, Failure, SGSS_ERROR_MESSAGE_SIZE};

/// Writes the platform code for an errno name such as `"ECONNREFUSED"` to `*out_code`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`name`, `out_code`), `SGSS_RESULT_NOT_FOUND`
/// (not a name in the table), `SGSS_RESULT_INVALID_ARGUMENT` (bad UTF-8).
#[no_mangle]
pub unsafe extern "C" fn sgss_errno_by_name(
    name: *const c_char,
    out_code: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let name = try_str!(name);
        let out = try_out!(out_code);
        let code = errno::errno_by_name(name)
            .ok_or_else(|| Failure::NotFound(format!("errno name {name:?}")))?;
        out.write(code);
        Ok(())
    })
}

/// Writes the errno name of `code` into `buf` (same buffer rules as
/// `sgss_address_host_text`). Where two names share a value (`EAGAIN`/`EWOULDBLOCK`) the
/// alphabetically first is given.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_NOT_FOUND` (no name for the code),
/// `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_errno_name(
    code: i32,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_text_out!(buf, len, out_len);
        let name = errno::errno_name(code)
            .ok_or_else(|| Failure::NotFound(format!("an errno name for code {code}")))?;
        out.write(name)
    })
}

/// Writes the number of entries in the errno table to `*out_count`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out_count`).
#[no_mangle]
pub unsafe extern "C" fn sgss_errno_count(
    out_count: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        try_out!(out_count).write(errno::all().len());
        Ok(())
    })
}

/// Writes entry `index` of the errno table: its name into `buf` (same buffer rules as
/// `sgss_address_host_text`) and its code to `*out_code`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_INVALID_ARGUMENT` (`index` past the end),
/// `SGSS_RESULT_BUFFER_TOO_SMALL` (`*out_code` is still written).
#[no_mangle]
pub unsafe extern "C" fn sgss_errno_at(
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    out_code: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_text_out!(buf, len, out_len);
        let out_code = try_out!(out_code);
        let (name, code) = errno::all().get(index).ok_or_else(|| {
            Failure::Invalid(format!("index {index} is past the end of the errno table"))
        })?;
        out_code.write(*code);
        out.write(name)
    })
}

/// Writes the system's text for an error code (`"Connection refused"`; `"Success"` for 0)
/// into `buf` (same buffer rules as `sgss_address_host_text`).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_errno_text(
    code: i32,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_text_out!(buf, len, out_len);
        out.write(&errno::error_text(code))
    })
}

/// Writes a short description of result code `result` (`"success"`, `"the socket is
/// closed"`, ...) into `buf` (same buffer rules as `sgss_address_host_text`). Takes the
/// number, so any value is safe to pass.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_NOT_FOUND` (not a result code),
/// `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_result_text(
    result: u32,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_text_out!(buf, len, out_len);
        let known = sgss_result::from_u32(result)
            .ok_or_else(|| Failure::NotFound(format!("result code {result}")))?;
        out.write(known.description())
    })
}

/// The name of result code `result` as the header spells it (`"SGSS_RESULT_OK"`,
/// `"SGSS_RESULT_WOULD_BLOCK"`, ...), or `"SGSS_RESULT_UNKNOWN"` for a number that is no
/// result. Takes the number, so any value is safe to pass; never fails.
///
/// Ownership: the text is static, NUL-terminated and never freed: keep the pointer as long
/// as you like.
#[no_mangle]
pub extern "C" fn sgss_result_name(result: u32) -> *const c_char {
    // No panic boundary needed: a lookup in a fixed table cannot panic.
    sgss_result::from_u32(result)
        .map_or(c"SGSS_RESULT_UNKNOWN", sgss_result::name)
        .as_ptr()
}

/// Copies the message of a filled-in `sgss_error` into `buf` (same buffer rules as
/// `sgss_address_host_text`). The message is read up to its NUL or the end of the array,
/// so a struct with garbage in it is still safe to pass. `err` here reports about this call.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`error`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_error_text(
    error: *const sgss_error,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        // SAFETY: `error` is NULL or points at a readable `sgss_error` (plain integers and
        // bytes, so any bits are a valid value). It is copied at once: `err` may be the same
        // struct, and it is written after this body.
        let error = unsafe { error.as_ref() }
            .copied()
            .ok_or(Failure::Null("error"))?;
        let out = try_text_out!(buf, len, out_len);
        let bytes: [u8; SGSS_ERROR_MESSAGE_SIZE] = error.message.map(|c| c as u8);
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let text = String::from_utf8_lossy(&bytes[..end]);
        out.write(&text)
    })
}

/// Writes the library's version (`"0.1.0"`) into `buf` (same buffer rules as
/// `sgss_address_host_text`).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_version(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_text_out!(buf, len, out_len);
        out.write(env!("CARGO_PKG_VERSION"))
    })
}
