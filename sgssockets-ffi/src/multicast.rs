//! Multicast (SPEC §9): joining and leaving groups, and the `multicast_ttl`,
//! `multicast_loop` and `multicast_if` options, for IPv4 and IPv6 sockets alike.
//!
//! An interface is one `uint32_t` everywhere, as in core's option table: on IPv4 the
//! interface's address as a host-order number (as `sgss_address_u32` gives it), on IPv6
//! the interface index (`if_nametoindex`); 0 is the default interface for both. The
//! options go through core's table like those of [`options`](crate::options), so C accepts
//! and refuses exactly the values SGScript does.

use std::net::{IpAddr, Ipv4Addr};

use sgssockets_core::{MulticastInterface, OptionValue, SocketAddress};

use crate::address::sgss_address;
use crate::boundary::{ffi_boundary, try_out, try_ref};
use crate::options::{get_bool, get_int, set};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;

/// The group's IP address and the interface in the form its family takes.
fn membership(
    group: &SocketAddress,
    interface: u32,
) -> Result<(IpAddr, MulticastInterface), Failure> {
    match group.ip() {
        Some(ip @ IpAddr::V4(_)) => Ok((ip, MulticastInterface::Addr(Ipv4Addr::from(interface)))),
        Some(ip @ IpAddr::V6(_)) => Ok((ip, MulticastInterface::Index(interface))),
        None => Err(Failure::Invalid(format!(
            "argument group is not an IPv4 or IPv6 address (family {})",
            group.family()
        ))),
    }
}

/// Joins the multicast `group` (`IP_ADD_MEMBERSHIP` / `IPV6_JOIN_GROUP`; the address's port
/// is ignored) on `interface`: for an IPv4 group the interface's IPv4 address as a
/// host-order number (`0x7f000001` for 127.0.0.1, as `sgss_address_u32` gives it), for an
/// IPv6 group the interface index; 0 lets the OS choose. Bind the socket to the group's
/// port to receive its traffic.
///
/// The group must be a multicast address of the socket's family; anything else is refused
/// before any system call and changes nothing.
///
/// Ownership: `socket` and `group` (owned or borrowed) are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `group`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (not a multicast address, another family than the socket's, a socket that is not IPv4
/// or IPv6), `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (e.g. `EADDRINUSE` when already
/// a member, `ENODEV` for an unknown interface).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_join_group(
    socket: *const sgss_socket,
    group: *const sgss_address,
    interface: u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let (group, interface) = membership(try_ref!(group), interface)?;
        socket
            .join_multicast(group, Some(interface))
            .map_err(Failure::from)
    })
}

/// Leaves a group joined with `sgss_socket_join_group` (the same `group` and `interface`;
/// `IP_DROP_MEMBERSHIP` / `IPV6_LEAVE_GROUP`).
///
/// Ownership: `socket` and `group` (owned or borrowed) are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `group`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (as for `sgss_socket_join_group`), `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR` (e.g.
/// `EADDRNOTAVAIL` when not a member).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_leave_group(
    socket: *const sgss_socket,
    group: *const sgss_address,
    interface: u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let socket = try_ref!(socket);
        let (group, interface) = membership(try_ref!(group), interface)?;
        socket
            .leave_multicast(group, Some(interface))
            .map_err(Failure::from)
    })
}

/// Reads the hop limit of outgoing multicast (`IP_MULTICAST_TTL`, or `IPV6_MULTICAST_HOPS`
/// on IPv6 sockets; 1 by default: the local network); writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_INVALID_ARGUMENT` (not an IPv4 or IPv6 socket), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_multicast_ttl(
    socket: *const sgss_socket,
    out_value: *mut u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        get_int(try_ref!(socket), "multicast_ttl", try_out!(out_value))
    })
}

/// Sets the hop limit of outgoing multicast (`IP_MULTICAST_TTL`, or `IPV6_MULTICAST_HOPS`
/// on IPv6 sockets): 0 (this host only) to 255.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_INVALID_ARGUMENT` (more than
/// 255, never wrapped; not an IPv4 or IPv6 socket; nothing changes), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_multicast_ttl(
    socket: *const sgss_socket,
    value: u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(
            try_ref!(socket),
            "multicast_ttl",
            OptionValue::Int(value.into()),
        )
    })
}

/// Reads whether this host receives its own multicast (`IP_MULTICAST_LOOP` /
/// `IPV6_MULTICAST_LOOP`; on by default); writes it to `*out_value`.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_INVALID_ARGUMENT` (not an IPv4 or IPv6 socket), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_multicast_loop(
    socket: *const sgss_socket,
    out_value: *mut bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        get_bool(try_ref!(socket), "multicast_loop", try_out!(out_value))
    })
}

/// Sets whether this host receives its own multicast (`IP_MULTICAST_LOOP` /
/// `IPV6_MULTICAST_LOOP`).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_INVALID_ARGUMENT` (not an IPv4 or IPv6 socket), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_multicast_loop(
    socket: *const sgss_socket,
    value: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(try_ref!(socket), "multicast_loop", OptionValue::Bool(value))
    })
}

/// Reads the interface outgoing multicast goes through (`IP_MULTICAST_IF` /
/// `IPV6_MULTICAST_IF`) and writes it to `*out_value`: on an IPv4 socket the interface's
/// address as a host-order number (0 for the default), on an IPv6 socket its index (0 for
/// the default).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`, `out_value`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_INVALID_ARGUMENT` (not an IPv4 or IPv6 socket), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_get_multicast_if(
    socket: *const sgss_socket,
    out_value: *mut u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        get_int(try_ref!(socket), "multicast_if", try_out!(out_value))
    })
}

/// Sets the interface outgoing multicast goes through (`IP_MULTICAST_IF` /
/// `IPV6_MULTICAST_IF`): on an IPv4 socket the interface's address as a host-order number
/// (`0x7f000001` for 127.0.0.1), on an IPv6 socket its index; 0 is the default.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_INVALID_ARGUMENT` (not an IPv4 or IPv6 socket), `SGSS_RESULT_OS_ERROR`
/// (e.g. `EADDRNOTAVAIL` for an address no interface has, `ENXIO`/`EINVAL` for an unknown
/// index).
#[no_mangle]
pub unsafe extern "C" fn sgss_socket_set_multicast_if(
    socket: *const sgss_socket,
    value: u32,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        set(
            try_ref!(socket),
            "multicast_if",
            OptionValue::Int(value.into()),
        )
    })
}

#[cfg(test)]
mod tests {
    use sgssockets_core::{socket_option, OptionKind};

    /// Every name the functions above use is in core's table, with the kind they read.
    #[test]
    fn options_match_core_table() {
        for (name, kind) in [
            ("multicast_ttl", OptionKind::Int),
            ("multicast_loop", OptionKind::Bool),
            ("multicast_if", OptionKind::Int),
        ] {
            let option = socket_option(name).unwrap_or_else(|| panic!("no option {name}"));
            assert_eq!(option.kind, kind, "{name}");
        }
    }
}
