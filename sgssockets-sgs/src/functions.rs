//! The module's global functions (SPEC §2), and the table [`FUNCTIONS`] that registers
//! them (with `socket_select`, from [`crate::select`]).

use std::ffi::c_int;

use sgssockets_core::lookup::{self, AddrInfo};
use sgssockets_core::{constants, convert, errno, Error, Socket, SocketAddress};

use crate::host::call::{native_function, NativeFunction};
use crate::host::context::Ctx;
use crate::host::report::{Failure, Outcome, Push};
use crate::last_error;
use crate::select::socket_select;
use crate::types::address::address_at;
use crate::types::poller::{new_poller, PollerObject};

/// Every global function of the module.
pub const FUNCTIONS: &[NativeFunction] = &[
    native_function!(c"socket_error", 0..=1, Nothing, socket_error, records: false),
    native_function!(c"socket_geterrnobyname", 1..=1, Nothing, socket_geterrnobyname, records: false),
    native_function!(c"socket_address", 2..=3, Nothing, socket_address),
    native_function!(
        c"socket_address_frombytes",
        2..=3,
        Nothing,
        socket_address_frombytes
    ),
    native_function!(c"socket_getaddrinfo", 2..=4, Nothing, socket_getaddrinfo),
    native_function!(c"socket_gethostname", 0..=0, Nothing, socket_gethostname),
    native_function!(c"socket", 3..=3, Nothing, socket),
    native_function!(c"socket_tcp", 0..=1, Nothing, socket_tcp),
    native_function!(c"socket_udp", 0..=1, Nothing, socket_udp),
    native_function!(c"socket_select", 3..=4, MinusOne, socket_select),
    native_function!(c"socket_poller", 0..=0, Nothing, socket_poller),
    native_function!(c"socket_connect", 2..=4, Nothing, socket_connect),
    native_function!(c"socket_pair", 0..=1, Nothing, socket_pair),
    native_function!(c"socket_fromfd", 1..=1, Nothing, socket_fromfd),
    native_function!(c"socket_getnameinfo", 1..=2, Nothing, socket_getnameinfo),
    #[cfg(feature = "tls")]
    native_function!(
        c"socket_tls_client_context",
        0..=1,
        Nothing,
        crate::types::tls_context::socket_tls_client_context
    ),
    #[cfg(feature = "tls")]
    native_function!(
        c"socket_tls_server_context",
        1..=1,
        Nothing,
        crate::types::tls_context::socket_tls_server_context
    ),
    #[cfg(feature = "tls")]
    native_function!(c"socket_tls", 2..=3, Nothing, crate::types::tls::socket_tls),
];

/// A core error as a warning naming what it was about.
fn failed(what: &str, err: Error) -> Failure {
    let text = format!("{what}: {}", err.message());
    Failure::warn_with(err, text)
}

/// The address family argument of the address constructors.
fn family_arg(ctx: &Ctx<'_>, item: i32, operation: &'static str) -> Outcome<i32> {
    let af = ctx.arg_int(item)?;
    match i32::try_from(af) {
        Ok(af)
            if af == constants::AF_INET
                || af == constants::AF_INET6
                || af == constants::AF_UNIX =>
        {
            Ok(af)
        }
        _ => Err(Failure::invalid(
            operation,
            format!(
                "argument {} (address family) must be AF_INET, AF_INET6 or AF_UNIX, got {af}",
                item + 1
            ),
        )),
    }
}

/// The optional port argument of the address constructors.
fn port_arg(ctx: &Ctx<'_>, item: i32, operation: &'static str) -> Outcome<Option<u16>> {
    let Some(port) = ctx.arg_optional_int(item)? else {
        return Ok(None);
    };
    u16::try_from(port).map(Some).map_err(|_| {
        Failure::invalid(
            operation,
            format!("argument {} (port) must be 0..65535, got {port}", item + 1),
        )
    })
}

fn socket_address(ctx: &Ctx<'_>) -> Outcome<SocketAddress> {
    const OP: &str = "socket_address";
    let af = family_arg(ctx, 0, OP)?;
    let text = ctx.arg_bytes(1)?;
    let port = port_arg(ctx, 2, OP)?;
    let text = std::str::from_utf8(text)
        .map_err(|_| Failure::invalid(OP, "argument 2 (address text) is not valid UTF-8"))?;
    let mut addr =
        SocketAddress::parse(af, text).map_err(|e| failed("argument 2 (address text)", e))?;
    if let Some(port) = port {
        addr.set_port(port)
            .map_err(|e| failed("argument 3 (port)", e))?;
    }
    Ok(addr)
}

fn socket_address_frombytes(ctx: &Ctx<'_>) -> Outcome<SocketAddress> {
    const OP: &str = "socket_address_frombytes";
    let af = family_arg(ctx, 0, OP)?;
    let bytes = ctx.arg_bytes(1)?;
    let port = port_arg(ctx, 2, OP)?;
    SocketAddress::from_bytes(af, bytes, port.unwrap_or(0))
        .map_err(|e| failed("argument 2 (address bytes)", e))
}

/// `socket_getaddrinfo`'s result: an array of dicts.
struct AddrInfoList(Vec<AddrInfo>);

impl Push for AddrInfoList {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        let count = self.0.len();
        for info in self.0 {
            ctx.push_str("flags");
            ctx.push_int(i64::from(info.flags));
            ctx.push_str("family");
            ctx.push_int(i64::from(info.family));
            ctx.push_str("socktype");
            ctx.push_int(i64::from(info.socktype));
            ctx.push_str("protocol");
            ctx.push_int(i64::from(info.protocol));
            ctx.push_str("canonname");
            info.canonname.as_deref().push_to(ctx);
            ctx.push_str("addr");
            info.addr.push_to(ctx);
            ctx.make_dict(6);
        }
        ctx.make_array(i32::try_from(count).unwrap_or(i32::MAX));
        1
    }
}

fn socket_getaddrinfo(ctx: &Ctx<'_>) -> Outcome<AddrInfoList> {
    let host = ctx.arg_optional_text(0)?;
    let service = ctx.arg_optional_text(1)?;
    let socktype = ctx.arg_optional_int(2)?;
    let family = ctx.arg_optional_int(3)?;
    let hints = lookup::AddrInfoHints {
        // Like Python's socket.getaddrinfo: no hint means every socket type.
        socktype: socktype.map_or(0, |v| i32::try_from(v).unwrap_or(-1)),
        family: family.map_or(constants::AF_UNSPEC, |v| i32::try_from(v).unwrap_or(-1)),
        ..Default::default()
    };
    lookup::getaddrinfo(host, service, &hints)
        .map(AddrInfoList)
        .map_err(|e| {
            let name = host.unwrap_or("(none)");
            failed(&format!("failed to resolve '{name}'"), e)
        })
}

fn socket_gethostname(_ctx: &Ctx<'_>) -> Outcome<String> {
    lookup::hostname().map_err(|e| failed("failed to get the host name", e))
}

/// `socket_error([as_text])`: reads the state, so it does not record an outcome itself.
fn socket_error(ctx: &Ctx<'_>) -> Outcome<ErrorReading> {
    Ok(if ctx.arg_optional_bool(0)? {
        ErrorReading::Text(last_error::text(ctx))
    } else {
        ErrorReading::Code(last_error::get(ctx))
    })
}

/// `socket_error()`'s result.
enum ErrorReading {
    Code(i32),
    Text(String),
}

impl Push for ErrorReading {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        match self {
            ErrorReading::Code(code) => i64::from(code).push_to(ctx),
            ErrorReading::Text(text) => text.push_to(ctx),
        }
    }
}

fn socket_geterrnobyname(ctx: &Ctx<'_>) -> Outcome<i64> {
    let name = String::from_utf8_lossy(ctx.arg_bytes(0)?);
    errno::errno_by_name(&name).map(i64::from).ok_or_else(|| {
        Failure::Warning(format!(
            "unknown error name '{name}' (not available on this platform)"
        ))
    })
}

/// A new socket, or a warning.
fn created(result: sgssockets_core::Result<Socket>) -> Outcome<Socket> {
    result.map_err(|e| failed("failed to create socket", e))
}

fn socket(ctx: &Ctx<'_>) -> Outcome<Socket> {
    let mut parts = [0i32; 3];
    for (item, part) in (0..).zip(parts.iter_mut()) {
        let value = ctx.arg_int(item)?;
        *part = i32::try_from(value).map_err(|_| {
            Failure::invalid(
                "socket",
                format!("argument {} is out of range: {value}", item + 1),
            )
        })?;
    }
    // Any family is passed on: the OS decides, and reports EAFNOSUPPORT.
    let [family, socktype, protocol] = parts;
    created(Socket::from_raw_parts(family, socktype, protocol))
}

fn socket_tcp(ctx: &Ctx<'_>) -> Outcome<Socket> {
    created(Socket::tcp(ctx.arg_optional_bool(0)?))
}

fn socket_udp(ctx: &Ctx<'_>) -> Outcome<Socket> {
    created(Socket::udp(ctx.arg_optional_bool(0)?))
}

fn socket_poller(_ctx: &Ctx<'_>) -> Outcome<PollerObject> {
    new_poller().map_err(|e| failed("failed to create a poller", e))
}

/// `socket_connect(host, port[, timeout[, family]])`: resolve, then happy eyeballs.
fn socket_connect(ctx: &Ctx<'_>) -> Outcome<Socket> {
    const OP: &str = "socket_connect";
    let host = ctx.arg_bytes(0)?;
    let host = std::str::from_utf8(host)
        .map_err(|_| Failure::invalid(OP, "argument 1 (host) is not valid UTF-8"))?;
    let port = ctx.arg_int(1)?;
    let port = u16::try_from(port).map_err(|_| {
        Failure::invalid(
            OP,
            format!("argument 2 (port) must be 0..65535, got {port}"),
        )
    })?;
    let timeout = if ctx.is_null(2) {
        None
    } else {
        ctx.arg_wait_timeout(2, OP, "argument 3 (timeout)")?
    };
    let family = match ctx.arg_optional_int(3)? {
        None => constants::AF_UNSPEC,
        Some(af) => match i32::try_from(af) {
            Ok(af)
                if af == constants::AF_UNSPEC
                    || af == constants::AF_INET
                    || af == constants::AF_INET6 =>
            {
                af
            }
            _ => {
                return Err(Failure::invalid(
                    OP,
                    format!("argument 4 (family) must be AF_UNSPEC, AF_INET or AF_INET6, got {af}"),
                ))
            }
        },
    };
    Socket::connect_host(host, port, timeout, family).map_err(|e| {
        let text = e.message().to_owned();
        Failure::warn_with(e, text)
    })
}

/// `socket_pair([type])`: two connected sockets (SOCK_STREAM by default).
fn socket_pair(ctx: &Ctx<'_>) -> Outcome<(Socket, Socket)> {
    let kind = match ctx.arg_optional_int(0)? {
        None => constants::SOCK_STREAM,
        Some(kind) => i32::try_from(kind).map_err(|_| {
            Failure::invalid(
                "socket_pair",
                format!("argument 1 (type) is out of range: {kind}"),
            )
        })?,
    };
    Socket::pair(kind).map_err(|e| failed("failed to create a socket pair", e))
}

/// `socket_fromfd(fd)`: a socket object for a duplicate of `fd` (the caller keeps `fd`).
fn socket_fromfd(ctx: &Ctx<'_>) -> Outcome<Socket> {
    let fd = convert::descriptor_from_int(ctx.arg_int(0)?).map_err(Failure::warn)?;
    Socket::from_fd_dup(fd).map_err(|e| {
        let text = e.message().to_owned();
        Failure::warn_with(e, text)
    })
}

/// `socket_getnameinfo(addr[, flags])`: host and service text.
fn socket_getnameinfo(ctx: &Ctx<'_>) -> Outcome<(String, String)> {
    let addr = address_at(ctx, 0).ok_or(Failure::arg_type(0, c"socket_address"))?;
    let flags = match ctx.arg_optional_int(1)? {
        None => 0,
        Some(flags) => i32::try_from(flags).map_err(|_| {
            Failure::invalid(
                "socket_getnameinfo",
                format!("argument 2 (flags) is out of range: {flags}"),
            )
        })?,
    };
    let addr = addr.get().clone();
    lookup::getnameinfo(&addr, flags).map_err(|e| failed("reverse lookup failed", e))
}
