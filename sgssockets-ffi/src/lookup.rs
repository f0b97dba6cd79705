//! Name lookup (`sgss_addrinfo_list_new`, returning a list freed with one call), reverse
//! lookup (`sgss_address_reverse_lookup`) and the host name.

use std::ffi::c_char;

use sgssockets_core::lookup::{self, AddrInfo, AddrInfoHints};

use crate::address::sgss_address;
use crate::boundary::{
    box_castable, ffi_boundary, ffi_boundary_void, free_box, lend, to_box, try_out, try_ref,
    try_text_out,
};
use crate::result::{sgss_error, sgss_result, Failure};

/// What `sgss_addrinfo_list_new` should look for; all zero means "anything".
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct sgss_addrinfo_hints {
    /// `AI_*` flags, e.g. `AI_PASSIVE`.
    pub flags: i32,
    /// `AF_INET`, `AF_INET6`, or 0 for any.
    pub family: i32,
    /// `SOCK_STREAM`, `SOCK_DGRAM`, or 0 for any.
    pub socktype: i32,
    /// A protocol number, or 0 for any.
    pub protocol: i32,
}

/// One result of a lookup, as `sgss_addrinfo_list_get` gives it: a plain struct the caller
/// owns (nothing in it needs freeing), whose `addr` is borrowed from the list.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sgss_addrinfo {
    /// `ai_flags`.
    pub flags: i32,
    /// `ai_family`.
    pub family: i32,
    /// `ai_socktype`.
    pub socktype: i32,
    /// `ai_protocol`.
    pub protocol: i32,
    /// The address with the service's port. Borrowed from the list: valid until
    /// `sgss_addrinfo_list_free`; never pass it to `sgss_address_free` or a setter (copy it
    /// with `sgss_address_clone` to keep it).
    pub addr: *const sgss_address,
}

/// The results of one lookup. Opaque.
///
/// An owned handle: owned by the caller from `sgss_addrinfo_list_new` until
/// `sgss_addrinfo_list_free`, exactly once. The list owns its addresses and lends them
/// through `sgss_addrinfo_list_get`. Several threads may read one list at once.
#[derive(Debug)]
pub struct sgss_addrinfo_list {
    _private: [u8; 0],
}

// Owned; lends its entries' addresses as `const sgss_address *`.
box_castable! { sgss_addrinfo_list => Vec<AddrInfo> }

/// Optional NUL-terminated text from C.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string left unchanged during the call.
unsafe fn optional_text<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, Failure> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: not NULL, so a NUL-terminated string (this function's contract).
    unsafe { crate::boundary::text_arg(ptr, name) }.map(Some)
}

/// The entry at `index`, or `Failure::Invalid`.
fn entry(list: &[AddrInfo], index: usize) -> Result<&AddrInfo, Failure> {
    list.get(index).ok_or_else(|| {
        Failure::Invalid(format!(
            "index {index} is past the end of a list of {}",
            list.len()
        ))
    })
}

/// Resolves `host` (a name or address text) and `service` (a port number or service name);
/// either may be NULL, not both. `hints` may be NULL for "anything".
///
/// On success `*out` is a new list (possibly long; never empty) that the caller frees with
/// `sgss_addrinfo_list_free`, which also frees every address in it.
///
/// Ownership: `host`, `service` and `hints` are borrowed for the call only. On success the
/// caller owns `*out` until it passes it to `sgss_addrinfo_list_free`; the list owns its
/// addresses.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`), `SGSS_RESULT_INVALID_ARGUMENT` (both names
/// NULL, bad UTF-8), `SGSS_RESULT_RESOLVER_ERROR` (unknown host and the like: the error code
/// is the `EAI_*` value and the message the resolver's text), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_addrinfo_list_new(
    host: *const c_char,
    service: *const c_char,
    hints: *const sgss_addrinfo_hints,
    out: *mut *mut sgss_addrinfo_list,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        // SAFETY: `host` and `service` are text arguments of this function: NULL or
        // NUL-terminated.
        let (host, service) = unsafe {
            (
                optional_text(host, "host")?,
                optional_text(service, "service")?,
            )
        };
        // SAFETY: `hints` is NULL or points at a readable `sgss_addrinfo_hints` (plain
        // integers, so any bits are a valid value).
        let hints = unsafe { hints.as_ref() }.copied().unwrap_or_default();
        let out = try_out!(out);
        let hints = AddrInfoHints {
            flags: hints.flags,
            family: hints.family,
            socktype: hints.socktype,
            protocol: hints.protocol,
        };
        let found = lookup::getaddrinfo(host, service, &hints)?;
        out.write(to_box(found));
        Ok(())
    })
}

/// Writes the number of entries in `list` to `*out_count`.
///
/// Ownership: `list` is borrowed for the call only; the caller keeps owning it and nothing
/// is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`list`, `out_count`).
#[no_mangle]
pub unsafe extern "C" fn sgss_addrinfo_list_count(
    list: *const sgss_addrinfo_list,
    out_count: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let list = try_ref!(list);
        try_out!(out_count).write(list.len());
        Ok(())
    })
}

/// Writes entry `index` of `list` to `*out_info`. Its `addr` is borrowed from the list.
///
/// Ownership: `*out_info` is the caller's copy, but its `addr` is borrowed from `list`:
/// valid until `sgss_addrinfo_list_free(list)`, never passed to `sgss_address_free` (nor to
/// a setter); copy it with `sgss_address_clone` to keep it longer.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`list`, `out_info`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (`index` past the end).
#[no_mangle]
pub unsafe extern "C" fn sgss_addrinfo_list_get(
    list: *const sgss_addrinfo_list,
    index: usize,
    out_info: *mut sgss_addrinfo,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let list = try_ref!(list);
        let out = try_out!(out_info);
        let found = entry(list, index)?;
        out.write(sgss_addrinfo {
            flags: found.flags,
            family: found.family,
            socktype: found.socktype,
            protocol: found.protocol,
            addr: lend::<sgss_address>(&found.addr),
        });
        Ok(())
    })
}

/// Writes the canonical name of entry `index` into `buf` (same buffer rules as
/// `sgss_address_host_text`). Only present when the hints asked for `AI_CANONNAME`.
///
/// Ownership: `list` is borrowed for the call; the name is copied into the caller's `buf`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_INVALID_ARGUMENT` (`index` past the
/// end), `SGSS_RESULT_NOT_FOUND` (no canonical name), `SGSS_RESULT_BUFFER_TOO_SMALL`.
#[no_mangle]
pub unsafe extern "C" fn sgss_addrinfo_list_canonname(
    list: *const sgss_addrinfo_list,
    index: usize,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let list = try_ref!(list);
        let out = try_text_out!(buf, len, out_len);
        let name = entry(list, index)?
            .canonname
            .as_deref()
            .ok_or_else(|| Failure::NotFound(format!("a canonical name for entry {index}")))?;
        out.write(name)
    })
}

/// Frees a list and every address in it. NULL is ignored; never use `list` afterwards.
///
/// Ownership: ends the caller's ownership of a list from `sgss_addrinfo_list_new`: call it once
/// per list. Every `addr` borrowed from it through `sgss_addrinfo_list_get` is freed with
/// it and must no longer be used; copies made with `sgss_address_clone` stay valid.
#[no_mangle]
pub unsafe extern "C" fn sgss_addrinfo_list_free(list: *mut sgss_addrinfo_list) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or a list it owns and no longer uses.
        unsafe { free_box(list) };
    })
}

/// Writes this machine's host name into `buf` (same buffer rules as
/// `sgss_address_host_text`).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_BUFFER_TOO_SMALL`, `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_host_name(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_text_out!(buf, len, out_len);
        out.write(&lookup::hostname()?)
    })
}

/// Reverse lookup (getnameinfo(3)): writes the host name of the IPv4 or IPv6 address
/// `addr` into `host_buf` and the service name of its port into `serv_buf`, each with the
/// buffer rules of `sgss_address_host_text` (`*out_host_len` / `*out_serv_len` receive the
/// lengths without the NUL).
///
/// `flags` are `NI_*` values (`NI_NUMERICHOST`, `NI_NUMERICSERV`, `NI_NAMEREQD`,
/// `NI_DGRAM`, `NI_NOFQDN`, from `<netdb.h>` or `sgss_constant_by_name`), or 0. Without
/// `NI_NAMEREQD` an address with no name gives its numeric form. A name may take the
/// resolver's time to find: pass `NI_NUMERICHOST` for text only.
///
/// Both lengths are written whenever the lookup succeeds; if either buffer is too small the
/// result is `SGSS_RESULT_BUFFER_TOO_SMALL` and that buffer holds an empty string, so
/// `sgss_address_reverse_lookup(addr, flags, NULL, 0, &h, NULL, 0, &s, NULL)` asks for both
/// sizes.
///
/// Ownership: `addr` (owned or borrowed) and the buffers are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `out_host_len`, `out_serv_len`, a buffer
/// with a length > 0), `SGSS_RESULT_INVALID_ARGUMENT` (not an IPv4 or IPv6 address),
/// `SGSS_RESULT_RESOLVER_ERROR` (e.g. `EAI_NONAME` with `NI_NAMEREQD` and no name; the code
/// is the `EAI_*` value), `SGSS_RESULT_BUFFER_TOO_SMALL`.
// The C signature is getnameinfo's: an address, flags and two text buffers.
#[allow(clippy::too_many_arguments)]
#[no_mangle]
pub unsafe extern "C" fn sgss_address_reverse_lookup(
    addr: *const sgss_address,
    flags: i32,
    host_buf: *mut c_char,
    host_len: usize,
    out_host_len: *mut usize,
    serv_buf: *mut c_char,
    serv_len: usize,
    out_serv_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_ref!(addr);
        // Named here: the buffer helper would call either pair plain `buf` / `out_len`.
        for (ptr, len, name) in [
            (host_buf, host_len, "host_buf"),
            (serv_buf, serv_len, "serv_buf"),
        ] {
            if ptr.is_null() && len != 0 {
                return Err(Failure::Null(name));
            }
        }
        for (ptr, name) in [
            (out_host_len, "out_host_len"),
            (out_serv_len, "out_serv_len"),
        ] {
            if ptr.is_null() {
                return Err(Failure::Null(name));
            }
        }
        let host_out = try_text_out!(host_buf, host_len, out_host_len);
        let serv_out = try_text_out!(serv_buf, serv_len, out_serv_len);
        let (host, service) = lookup::getnameinfo(addr, flags)?;
        let host_written = host_out.write(&host);
        let serv_written = serv_out.write(&service);
        host_written.and(serv_written)
    })
}

/// Deprecated: use `sgss_addrinfo_list_new` (the same function under the
/// `sgss_<object>_<verb>` name).
#[no_mangle]
pub unsafe extern "C" fn sgss_getaddrinfo(
    host: *const c_char,
    service: *const c_char,
    hints: *const sgss_addrinfo_hints,
    out: *mut *mut sgss_addrinfo_list,
    err: *mut sgss_error,
) -> sgss_result {
    // SAFETY: the same arguments and contract as `sgss_addrinfo_list_new`.
    unsafe { sgss_addrinfo_list_new(host, service, hints, out, err) }
}

/// Deprecated: use `sgss_host_name` (the same function under the `sgss_<object>_<verb>`
/// name).
#[no_mangle]
pub unsafe extern "C" fn sgss_gethostname(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    // SAFETY: the same arguments and contract as `sgss_host_name`.
    unsafe { sgss_host_name(buf, len, out_len, err) }
}
