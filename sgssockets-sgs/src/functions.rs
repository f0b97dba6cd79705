//! The module's global functions (SPEC §2), except `socket_select` (in [`crate::select`]).

use std::ffi::{c_int, CStr};

use sgssockets_core::{constants, errno, lookup, Error, Socket, SocketAddress};

use crate::address_object::push_address;
use crate::context::Ctx;
use crate::last_error;
use crate::socket_object::push_socket;
use crate::trampoline::native_function;

/// Names the function and checks the argument count; `false` after a warning.
fn begin(ctx: &Ctx<'_>, name: &'static CStr, min: i32, max: i32) -> bool {
    ctx.set_function_name(name);
    ctx.check_arg_count(min, max)
}

/// Warns about a bad argument value, records its code, and returns 0 results (`null`).
fn fail(ctx: &Ctx<'_>, code: i32, text: &str) -> c_int {
    last_error::set(ctx, code);
    ctx.warn(text);
    0
}

/// Reports a core error as a warning naming what it was about; returns 0 results.
fn fail_with(ctx: &Ctx<'_>, what: &str, err: &Error) -> c_int {
    last_error::set_error(ctx, err);
    ctx.warn(&format!("{what}: {}", err.message()));
    0
}

/// Checks the address family argument of the address constructors.
fn family_arg(ctx: &Ctx<'_>, item: i32) -> Result<i32, c_int> {
    let af = ctx.int_arg(item).ok_or(0)?;
    match i32::try_from(af) {
        Ok(af)
            if af == constants::AF_INET
                || af == constants::AF_INET6
                || af == constants::AF_UNIX =>
        {
            Ok(af)
        }
        _ => Err(fail(
            ctx,
            errno::EINVAL,
            &format!(
                "argument {} (address family) must be AF_INET, AF_INET6 or AF_UNIX, got {af}",
                item + 1
            ),
        )),
    }
}

/// The optional port argument of the address constructors.
fn port_arg(ctx: &Ctx<'_>, item: i32) -> Result<Option<u16>, c_int> {
    let port = ctx.optional_int_arg(item).ok_or(0)?;
    match port {
        None => Ok(None),
        Some(port) => u16::try_from(port).map(Some).map_err(|_| {
            fail(
                ctx,
                errno::EINVAL,
                &format!("argument {} (port) must be 0..65535, got {port}", item + 1),
            )
        }),
    }
}

/// Applies the optional port, then pushes the address.
fn finish_address(
    ctx: &Ctx<'_>,
    mut addr: SocketAddress,
    port: Option<u16>,
    port_item: i32,
) -> c_int {
    if let Some(port) = port {
        if let Err(err) = addr.set_port(port) {
            return fail_with(ctx, &format!("argument {} (port)", port_item + 1), &err);
        }
    }
    last_error::set(ctx, 0);
    push_address(ctx, addr);
    1
}

fn socket_address(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket_address", 2, 3) {
        return 0;
    }
    let af = match family_arg(&ctx, 0) {
        Ok(af) => af,
        Err(results) => return results,
    };
    let Some(text) = ctx.string_arg(1) else {
        return 0;
    };
    let port = match port_arg(&ctx, 2) {
        Ok(port) => port,
        Err(results) => return results,
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return fail(
            &ctx,
            errno::EINVAL,
            "argument 2 (address text) is not valid UTF-8",
        );
    };
    match SocketAddress::parse(af, text) {
        Ok(addr) => finish_address(&ctx, addr, port, 2),
        Err(err) => fail_with(&ctx, "argument 2 (address text)", &err),
    }
}
native_function!(sgs_socket_address => socket_address);

fn socket_address_frombytes(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket_address_frombytes", 2, 3) {
        return 0;
    }
    let af = match family_arg(&ctx, 0) {
        Ok(af) => af,
        Err(results) => return results,
    };
    let Some(bytes) = ctx.string_arg(1) else {
        return 0;
    };
    let port = match port_arg(&ctx, 2) {
        Ok(port) => port,
        Err(results) => return results,
    };
    match SocketAddress::from_bytes(af, bytes, port.unwrap_or(0)) {
        Ok(addr) => finish_address(&ctx, addr, None, 2),
        Err(err) => fail_with(&ctx, "argument 2 (address bytes)", &err),
    }
}
native_function!(sgs_socket_address_frombytes => socket_address_frombytes);

/// A host/service argument of getaddrinfo: a string, or `null` for none (but present).
fn optional_text_arg<'call>(ctx: &Ctx<'call>, item: i32) -> Result<Option<&'call str>, c_int> {
    if item >= ctx.stack_size() {
        return Err(ctx.arg_error(item, c"string"));
    }
    if ctx.is_null(item) {
        return Ok(None);
    }
    match ctx.str_at(item) {
        Some(text) => Ok(Some(text)),
        None => Err(ctx.arg_error(item, c"string")),
    }
}

fn socket_getaddrinfo(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket_getaddrinfo", 2, 4) {
        return 0;
    }
    let host = match optional_text_arg(&ctx, 0) {
        Ok(host) => host,
        Err(results) => return results,
    };
    let service = match optional_text_arg(&ctx, 1) {
        Ok(service) => service,
        Err(results) => return results,
    };
    let (Some(socktype), Some(family)) = (ctx.optional_int_arg(2), ctx.optional_int_arg(3)) else {
        return 0;
    };
    let hints = lookup::AddrInfoHints {
        // Like Python's socket.getaddrinfo: no hint means every socket type.
        socktype: socktype.map_or(0, |v| i32::try_from(v).unwrap_or(-1)),
        family: family.map_or(constants::AF_UNSPEC, |v| i32::try_from(v).unwrap_or(-1)),
        ..Default::default()
    };
    let found = match lookup::getaddrinfo(host, service, &hints) {
        Ok(found) => found,
        Err(err) => {
            let name = host.unwrap_or("(none)");
            return fail_with(&ctx, &format!("failed to resolve '{name}'"), &err);
        }
    };
    last_error::set(&ctx, 0);
    let count = found.len();
    for info in found {
        ctx.push_str("flags");
        ctx.push_int(i64::from(info.flags));
        ctx.push_str("family");
        ctx.push_int(i64::from(info.family));
        ctx.push_str("socktype");
        ctx.push_int(i64::from(info.socktype));
        ctx.push_str("protocol");
        ctx.push_int(i64::from(info.protocol));
        ctx.push_str("canonname");
        match &info.canonname {
            Some(name) => ctx.push_str(name),
            None => ctx.push_null(),
        }
        ctx.push_str("addr");
        push_address(&ctx, info.addr);
        ctx.make_dict(6);
    }
    ctx.make_array(i32::try_from(count).unwrap_or(i32::MAX));
    1
}
native_function!(sgs_socket_getaddrinfo => socket_getaddrinfo);

fn socket_gethostname(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket_gethostname", 0, 0) {
        return 0;
    }
    match lookup::hostname() {
        Ok(name) => {
            last_error::set(&ctx, 0);
            ctx.push_str(&name);
            1
        }
        Err(err) => fail_with(&ctx, "failed to get the host name", &err),
    }
}
native_function!(sgs_socket_gethostname => socket_gethostname);

fn socket_error(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket_error", 0, 1) {
        return 0;
    }
    let Some(as_text) = ctx.optional_bool_arg(0) else {
        return 0;
    };
    if as_text {
        ctx.push_str(&last_error::text(&ctx));
    } else {
        ctx.push_int(i64::from(last_error::get(&ctx)));
    }
    1
}
native_function!(sgs_socket_error => socket_error);

fn socket_geterrnobyname(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket_geterrnobyname", 1, 1) {
        return 0;
    }
    let Some(name) = ctx.string_arg(0) else {
        return 0;
    };
    let name = String::from_utf8_lossy(name);
    match errno::errno_by_name(&name) {
        Some(code) => {
            ctx.push_int(i64::from(code));
            1
        }
        None => {
            ctx.warn(&format!(
                "unknown error name '{name}' (not available on this platform)"
            ));
            0
        }
    }
}
native_function!(sgs_socket_geterrnobyname => socket_geterrnobyname);

/// Pushes a new socket object, or warns and returns `null`.
fn finish_socket(ctx: &Ctx<'_>, result: sgssockets_core::Result<Socket>) -> c_int {
    match result {
        Ok(socket) => {
            last_error::set(ctx, 0);
            push_socket(ctx, socket);
            1
        }
        Err(err) => fail_with(ctx, "failed to create socket", &err),
    }
}

fn socket(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket", 3, 3) {
        return 0;
    }
    let mut parts = [0i32; 3];
    for (item, part) in (0..).zip(parts.iter_mut()) {
        let Some(value) = ctx.int_arg(item) else {
            return 0;
        };
        let Ok(value) = i32::try_from(value) else {
            return fail(
                &ctx,
                errno::EINVAL,
                &format!("argument {} is out of range: {value}", item + 1),
            );
        };
        *part = value;
    }
    // Any family is passed on: the OS decides, and reports EAFNOSUPPORT.
    let [family, socktype, protocol] = parts;
    finish_socket(&ctx, Socket::from_raw_parts(family, socktype, protocol))
}
native_function!(sgs_socket => socket);

fn socket_tcp(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket_tcp", 0, 1) {
        return 0;
    }
    let Some(ipv6) = ctx.optional_bool_arg(0) else {
        return 0;
    };
    finish_socket(&ctx, Socket::tcp(ipv6))
}
native_function!(sgs_socket_tcp => socket_tcp);

fn socket_udp(ctx: Ctx<'_>) -> c_int {
    if !begin(&ctx, c"socket_udp", 0, 1) {
        return 0;
    }
    let Some(ipv6) = ctx.optional_bool_arg(0) else {
        return 0;
    };
    finish_socket(&ctx, Socket::udp(ipv6))
}
native_function!(sgs_socket_udp => socket_udp);
