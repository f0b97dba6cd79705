//! `sgss_address`: a socket address value (IPv4, IPv6, Unix path or another family).
//!
//! An `sgss_address *` is owned by the caller and freed with `sgss_address_free`. A
//! `const sgss_address *` handed out by a list (`sgss_addrinfo`) is borrowed from it.
//! Several threads may read one address at once; a setter needs it to themselves.

use std::cmp::Ordering;
use std::ffi::c_char;

use sgssockets_core::SocketAddress;

use crate::boundary::{
    box_castable, ffi_boundary, ffi_boundary_void, free_box, to_box, try_bytes_out, try_mut,
    try_out, try_ref, try_slice, try_str, try_text_out,
};
use crate::result::{sgss_error, sgss_result, Failure};

/// An address value. Opaque: use it through pointers and the `sgss_address_*` functions.
///
/// An owned handle: owned by the caller from its creation until `sgss_address_free`, exactly
/// once — except the `const sgss_address *` in an `sgss_addrinfo`, which is borrowed from
/// its list (valid until the list is freed, never freed by itself). The other functions
/// only borrow an address for the call. Several threads may read one address at
/// once; the setters need it to themselves.
#[derive(Debug)]
pub struct sgss_address {
    _private: [u8; 0],
}

// Owned; also lent (`lend`) from an `sgss_addrinfo_list` as a `const` pointer.
box_castable! { sgss_address => SocketAddress }

/// The failure for a property the address's family does not have.
fn not_for_family(what: &str, addr: &SocketAddress) -> Failure {
    Failure::Invalid(format!(
        "{what} is not available for an address of family {}",
        addr.family()
    ))
}

/// Creates an address of `family` from text without a port, then sets `port`.
///
/// `AF_INET`: dotted quad (`"127.0.0.1"`). `AF_INET6`: any RFC 4291 form, with or without
/// `[ ]`, with an optional numeric `%scope`. `AF_UNIX`: a path (`port` must be 0).
///
/// Ownership: on success the caller owns `*out` until it passes it to `sgss_address_free`;
/// on failure `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`text`, `out`), `SGSS_RESULT_INVALID_ARGUMENT` (bad
/// text or UTF-8, unsupported family, a port for a Unix path).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_from_host_text(
    family: i32,
    text: *const c_char,
    port: u16,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let text = try_str!(text);
        let out = try_out!(out);
        let mut addr = SocketAddress::parse(family, text)?;
        if port != 0 || addr.port().is_some() {
            addr.set_port(port)?;
        }
        out.write(to_box(addr));
        Ok(())
    })
}

/// Creates an IPv4 or IPv6 address from `"host:port"` text: `"127.0.0.1:80"`,
/// `"[::1]:443"`, or a bare address (port 0).
///
/// Ownership: on success the caller owns `*out` until it passes it to `sgss_address_free`;
/// on failure `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`text`, `out`), `SGSS_RESULT_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn sgss_address_from_text(
    text: *const c_char,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let text = try_str!(text);
        let out = try_out!(out);
        let addr: SocketAddress = text.parse()?;
        out.write(to_box(addr));
        Ok(())
    })
}

/// Creates an address from its bytes in network order: 4 for `AF_INET`, 16 for `AF_INET6`.
///
/// Ownership: on success the caller owns `*out` until it passes it to `sgss_address_free`;
/// on failure `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`bytes` with `len > 0`, `out`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (wrong length for the family, other family).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_from_bytes(
    family: i32,
    bytes: *const u8,
    len: usize,
    port: u16,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let bytes = try_slice!(bytes, len);
        let out = try_out!(out);
        let addr = SocketAddress::from_bytes(family, bytes, port)?;
        out.write(to_box(addr));
        Ok(())
    })
}

/// Creates an IPv4 address from a host-order integer (`0x7f000001` is 127.0.0.1).
///
/// Ownership: on success the caller owns `*out` until it passes it to `sgss_address_free`;
/// on failure `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_from_u32(
    addr: u32,
    port: u16,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        out.write(to_box(SocketAddress::from_u32(addr, port)));
        Ok(())
    })
}

/// Copies an address.
///
/// Ownership: `addr` (owned, or borrowed from an `sgss_addrinfo_list`) is borrowed for the
/// call. On success the caller owns `*out`, a copy independent of `addr` and of any list,
/// and frees it with `sgss_address_free`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `out`).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_clone(
    addr: *const sgss_address,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_ref!(addr);
        let out = try_out!(out);
        out.write(to_box(addr.clone()));
        Ok(())
    })
}

/// Frees an address made by this library. NULL is ignored. Never pass an address
/// borrowed from a list, and never use `addr` afterwards.
///
/// Ownership: ends the caller's ownership of an address it got from `sgss_address_from_host_text*`,
/// `sgss_address_from_*`, `sgss_address_clone`, `sgss_socket_accept` or
/// `sgss_socket_*_address`: call it once per address. A `const sgss_address *` borrowed
/// from an `sgss_addrinfo` is not the caller's: it is freed with its list.
#[no_mangle]
pub unsafe extern "C" fn sgss_address_free(addr: *mut sgss_address) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or an address it owns and no longer uses.
        unsafe { free_box(addr) };
    })
}

/// Writes the address family (`AF_INET`, `AF_INET6`, `AF_UNIX` or the OS's number) to
/// `*out_family`.
///
/// Ownership: `addr` is borrowed for the call only; the caller keeps owning it and nothing
/// is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `out_family`).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_family(
    addr: *const sgss_address,
    out_family: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_ref!(addr);
        try_out!(out_family).write(addr.family());
        Ok(())
    })
}

/// Writes the port (host order) to `*out_port`.
///
/// Ownership: `addr` is borrowed for the call only; the caller keeps owning it and nothing
/// is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `out_port`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (not an IPv4 or IPv6 address).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_port(
    addr: *const sgss_address,
    out_port: *mut u16,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_ref!(addr);
        let out = try_out!(out_port);
        let port = addr.port().ok_or_else(|| not_for_family("a port", addr))?;
        out.write(port);
        Ok(())
    })
}

/// Sets the port (host order).
///
/// Ownership: `addr` must be an address the caller owns (not one borrowed from a list); it
/// is borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`), `SGSS_RESULT_INVALID_ARGUMENT` (not an
/// IPv4 or IPv6 address; the address is unchanged).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_set_port(
    addr: *mut sgss_address,
    port: u16,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        try_mut!(addr).set_port(port)?;
        Ok(())
    })
}

/// Writes the IPv4 address as a host-order integer to `*out_value`.
///
/// Ownership: `addr` is borrowed for the call only; the caller keeps owning it and nothing
/// is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `out_value`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (not IPv4).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_u32(
    addr: *const sgss_address,
    out_value: *mut u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_ref!(addr);
        let out = try_out!(out_value);
        let value = addr
            .addr_u32()
            .ok_or_else(|| not_for_family("a 32-bit address", addr))?;
        out.write(value);
        Ok(())
    })
}

/// Sets the IPv4 address from a host-order integer, keeping the port.
///
/// Ownership: `addr` must be an address the caller owns (not one borrowed from a list); it
/// is borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`), `SGSS_RESULT_INVALID_ARGUMENT` (not IPv4;
/// unchanged).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_set_u32(
    addr: *mut sgss_address,
    value: u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        try_mut!(addr).set_addr_u32(value)?;
        Ok(())
    })
}

/// Copies the address bytes in network order (4 for IPv4, 16 for IPv6) into `buf`, and
/// writes their count to `*out_len`.
///
/// `buf` may be NULL when `len` is 0, to ask for the count.
///
/// Ownership: `addr` is borrowed for the call only; the caller keeps owning it and nothing
/// is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_BUFFER_TOO_SMALL` (`*out_len` is the count needed),
/// `SGSS_RESULT_INVALID_ARGUMENT` (not IPv4 or IPv6).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_bytes(
    addr: *const sgss_address,
    buf: *mut u8,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_ref!(addr);
        let out = try_bytes_out!(buf, len, out_len);
        let bytes = addr
            .addr_bytes()
            .ok_or_else(|| not_for_family("address bytes", addr))?;
        out.write(&bytes)
    })
}

/// Replaces the address bytes (network order; 4 for IPv4, 16 for IPv6), keeping the port.
///
/// Ownership: `addr` must be an address the caller owns (not one borrowed from a list); it
/// and `bytes` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `bytes` with `len > 0`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (wrong length or family; unchanged).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_set_bytes(
    addr: *mut sgss_address,
    bytes: *const u8,
    len: usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_mut!(addr);
        let bytes = try_slice!(bytes, len);
        addr.set_addr_bytes(bytes)?;
        Ok(())
    })
}

/// Writes the host part as NUL-terminated text into `buf`: `"127.0.0.1"`, `"::1"`
/// (canonical RFC 5952), or the path of a Unix address. `*out_len` receives the text's
/// length without the NUL; the buffer needs `*out_len + 1` bytes.
///
/// `buf` may be NULL when `len` is 0, to ask for the length.
///
/// Ownership: `addr` is borrowed for the call only; the caller keeps owning it and nothing
/// is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `out_len`, `buf` with `len > 0`),
/// `SGSS_RESULT_BUFFER_TOO_SMALL` (`buf` holds an empty string), `SGSS_RESULT_INVALID_ARGUMENT`
/// (a family without text form).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_host_text(
    addr: *const sgss_address,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_ref!(addr);
        let out = try_text_out!(buf, len, out_len);
        let text = addr
            .addr_string()
            .ok_or_else(|| not_for_family("text", addr))?;
        out.write(&text)
    })
}

/// Replaces the host part from text of the address's own family, keeping the port.
///
/// Ownership: `addr` must be an address the caller owns (not one borrowed from a list); it
/// and `text` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `text`), `SGSS_RESULT_INVALID_ARGUMENT` (bad
/// text for the family; unchanged).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_set_host_text(
    addr: *mut sgss_address,
    text: *const c_char,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_mut!(addr);
        let text = try_str!(text);
        addr.set_addr_string(text)?;
        Ok(())
    })
}

/// Writes the full text with the port into `buf`: `"127.0.0.1:8080"`, `"[::1]:443"`, or
/// the path of a Unix address. Same buffer rules as `sgss_address_host_text`.
///
/// Ownership: `addr` is borrowed for the call only; the caller keeps owning it and nothing
/// is kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT`, `SGSS_RESULT_BUFFER_TOO_SMALL`,
/// `SGSS_RESULT_INVALID_ARGUMENT` (a family without text form).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_text(
    addr: *const sgss_address,
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_ref!(addr);
        let out = try_text_out!(buf, len, out_len);
        let text = addr
            .full_addr_string()
            .ok_or_else(|| not_for_family("text", addr))?;
        out.write(&text)
    })
}

/// Replaces address and port from `"host:port"` text of the address's own family (a path
/// for Unix addresses).
///
/// Ownership: `addr` must be an address the caller owns (not one borrowed from a list); it
/// and `text` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`addr`, `text`), `SGSS_RESULT_INVALID_ARGUMENT` (bad
/// text or another family; unchanged).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_set_text(
    addr: *mut sgss_address,
    text: *const c_char,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let addr = try_mut!(addr);
        let text = try_str!(text);
        addr.set_full_addr_string(text)?;
        Ok(())
    })
}

/// Compares two addresses by family, then address bytes, then port: `*out_order` is -1,
/// 0 or 1 as `a` is less than, equal to or greater than `b`.
///
/// Ownership: `a` and `b` (owned or borrowed) are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`a`, `b`, `out_order`).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_compare(
    a: *const sgss_address,
    b: *const sgss_address,
    out_order: *mut i32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let a = try_ref!(a);
        let b = try_ref!(b);
        let order = match a.cmp(b) {
            Ordering::Less => -1,
            Ordering::Equal => 0,
            Ordering::Greater => 1,
        };
        try_out!(out_order).write(order);
        Ok(())
    })
}

/// Deprecated: use `sgss_address_from_host_text` (the same function, named after
/// `sgss_address_host_text`, which it reads back).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_parse(
    family: i32,
    text: *const c_char,
    port: u16,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    // SAFETY: the same arguments and contract as `sgss_address_from_host_text`.
    unsafe { sgss_address_from_host_text(family, text, port, out, err) }
}

/// Deprecated: use `sgss_address_from_text` (the same function, named after
/// `sgss_address_text`, which it reads back).
#[no_mangle]
pub unsafe extern "C" fn sgss_address_parse_full(
    text: *const c_char,
    out: *mut *mut sgss_address,
    err: *mut sgss_error,
) -> sgss_result {
    // SAFETY: the same arguments and contract as `sgss_address_from_text`.
    unsafe { sgss_address_from_text(text, out, err) }
}
