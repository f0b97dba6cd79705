//! The `socket` object type (SPEC §4): a core [`Socket`], its methods, and its
//! properties, which are core's option table ([`sgssockets_core::socket_option`]).
//!
//! Each method body converts its arguments, calls core and returns what it got; the layer
//! in [`crate::host`] pushes the result, or reports the failure (a closed socket or a bad
//! value warns; what the OS said is left to `socket_error()` and the `false` result).

use std::cell::{Ref, RefCell, RefMut};
use std::ffi::c_int;
use std::net::IpAddr;

use sgssockets_core::{
    constants, convert, socket_option, Error, ErrorCategory, Incoming, MulticastInterface,
    OptionKind, OptionValue, Socket, SocketAddress,
};

use crate::host::call::native_method;
use crate::host::context::Ctx;
use crate::host::object::{native_interface, object_at, push_object, NativeType};
use crate::host::raw::{self, sgs_CFunc};
use crate::host::report::{Failure, Outcome, Push, Pushed, Value};
use crate::types::address::{address_at, AddressObject};

/// The data of a `socket` object.
#[derive(Debug)]
pub struct SocketObject {
    socket: RefCell<Socket>,
}

impl SocketObject {
    /// The socket, borrowed for the length of one core call.
    pub fn socket(&self) -> Ref<'_, Socket> {
        self.socket.borrow()
    }

    /// The socket, mutably (to close or detach it), for the length of one core call.
    pub fn socket_mut(&self) -> RefMut<'_, Socket> {
        self.socket.borrow_mut()
    }
}

/// A new `socket` object owning the socket.
impl Push for Socket {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        push_object(
            ctx,
            SocketObject {
                socket: RefCell::new(self),
            },
        );
        1
    }
}

/// The `socket` object at stack `item`, if it is one.
pub fn socket_at<'call>(ctx: &Ctx<'call>, item: i32) -> Option<&'call SocketObject> {
    object_at::<SocketObject>(ctx, item)
}

impl NativeType for SocketObject {
    const NAME: &'static std::ffi::CStr = c"socket";
    const RECORDS_OUTCOME: bool = true;
    native_interface!(SocketObject);

    fn method(name: &str) -> Option<sgs_CFunc> {
        method(name)
    }

    fn get_property(&self, _ctx: &Ctx<'_>, name: &str) -> Option<Outcome<Value>> {
        if name == "fileno" {
            let fd = self.socket().fileno().map_or(-1, descriptor_value);
            return Some(Ok(Value::Int(fd)));
        }
        let option = socket_option(name)?;
        let value = option.get(&self.socket()).map_err(option_failure);
        Some(value.map(|value| match value {
            OptionValue::Bool(v) => Value::Bool(v),
            OptionValue::Int(v) => Value::Int(v),
            OptionValue::Seconds(v) => Value::Real(v),
        }))
    }

    fn set_property(&self, ctx: &Ctx<'_>, name: &str, item: i32) -> Option<Outcome<()>> {
        if name == "fileno" {
            return Some(Err(Failure::Warning("read-only property".to_owned())));
        }
        let option = socket_option(name)?;
        if option.is_read_only() {
            return Some(Err(Failure::Warning("read-only property".to_owned())));
        }
        let value = match option.kind {
            OptionKind::Bool => ctx.bool_at(item).map(OptionValue::Bool).ok_or("a bool"),
            OptionKind::Int => ctx.int_at(item).map(OptionValue::Int).ok_or("an int"),
            OptionKind::Seconds => ctx
                .real_at(item)
                .map(OptionValue::Seconds)
                .ok_or("a real (seconds)"),
        };
        Some(match value {
            Ok(value) => option.set(&self.socket(), value).map_err(option_failure),
            Err(expected) => Err(Failure::Warning(format!("expected {expected}"))),
        })
    }

    fn to_bool(&self) -> Option<bool> {
        Some(!self.socket().is_closed())
    }

    fn to_text(&self) -> Option<String> {
        Some("socket".to_owned())
    }

    fn dump(&self) -> String {
        match self.socket().raw_socket() {
            Some(handle) => format!("socket (descriptor {handle})"),
            None => "socket (closed)".to_owned(),
        }
    }
}

/// A property's failure always warns: with the cause for a closed socket or a refused
/// value, with the system call and cause for what the OS said.
fn option_failure(error: Error) -> Failure {
    match error.category() {
        ErrorCategory::Os | ErrorCategory::Resolver => {
            let text = error.to_string();
            Failure::warn_with(error, text)
        }
        ErrorCategory::Closed | ErrorCategory::InvalidInput => Failure::warn(error),
    }
}

/// The native function of method `name`.
fn method(name: &str) -> Option<sgs_CFunc> {
    type S = SocketObject;
    Some(match name {
        "bind" => native_method!(S, c"socket.bind", 1..=1, False, bind),
        "listen" => native_method!(S, c"socket.listen", 1..=1, False, listen),
        "accept" => native_method!(S, c"socket.accept", 0..=0, False, accept),
        "connect" => native_method!(S, c"socket.connect", 1..=2, False, connect),
        "send" => native_method!(S, c"socket.send", 1..=2, False, send),
        "sendto" => native_method!(S, c"socket.sendto", 2..=3, False, sendto),
        "recv" => native_method!(S, c"socket.recv", 1..=2, False, recv),
        "recvfrom" => native_method!(S, c"socket.recvfrom", 1..=2, False, recvfrom),
        "shutdown" => native_method!(S, c"socket.shutdown", 1..=1, False, shutdown),
        "close" => native_method!(S, c"socket.close", 0..=0, False, close),
        "getpeername" => native_method!(S, c"socket.getpeername", 0..=0, Null, getpeername),
        "getsockname" => native_method!(S, c"socket.getsockname", 0..=0, Null, getsockname),
        "sendall" => native_method!(S, c"socket.sendall", 1..=2, False, sendall),
        "join_group" => native_method!(S, c"socket.join_group", 1..=2, False, join_group),
        "leave_group" => native_method!(S, c"socket.leave_group", 1..=2, False, leave_group),
        "getsockopt" => native_method!(S, c"socket.getsockopt", 2..=3, False, getsockopt),
        "setsockopt" => native_method!(S, c"socket.setsockopt", 3..=3, False, setsockopt),
        "detach" => native_method!(S, c"socket.detach", 0..=0, False, detach),
        _ => return None,
    })
}

/// The address argument at `item` of a method that needs one.
fn address_arg<'call>(ctx: &Ctx<'call>, item: i32) -> Outcome<&'call AddressObject> {
    address_at(ctx, item).ok_or(Failure::arg_type(item, c"socket_address"))
}

fn bind(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<()> {
    if let Some(addr) = address_at(ctx, 1) {
        return Ok(this.socket().bind(&addr.get())?);
    }
    // Objects of other types would parse as an int (SGScript converts them): refuse them.
    let port = match ctx.item_type(1) {
        raw::SGS_VT_OBJECT => None,
        _ => ctx.int_at(1),
    };
    let Some(port) = port else {
        return Err(Failure::arg_type(1, c"int (port) or socket_address"));
    };
    let port = u16::try_from(port).map_err(|_| {
        Failure::invalid(
            "bind",
            format!("argument 1 (port) must be 0..65535, got {port}"),
        )
    })?;
    Ok(this.socket().bind_port(port)?)
}

fn listen(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<()> {
    let backlog = ctx.arg_int(1)?;
    let backlog = i32::try_from(backlog.clamp(0, i64::from(i32::MAX))).unwrap_or(i32::MAX);
    Ok(this.socket().listen(backlog)?)
}

fn accept(this: &SocketObject, _ctx: &Ctx<'_>) -> Outcome<(Socket, SocketAddress)> {
    Ok(this.socket().accept()?)
}

fn connect(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<()> {
    let addr = address_arg(ctx, 1)?;
    if ctx.is_null(2) {
        return Ok(this.socket().connect(&addr.get())?);
    }
    let timeout = ctx.arg_wait_timeout(2, "connect", "argument 2 (timeout)")?;
    Ok(this.socket().connect_timeout(&addr.get(), timeout)?)
}

fn sendall(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<usize> {
    let data = ctx.arg_bytes(1)?;
    let flags = ctx.arg_msg_flags(2, "sendall")?;
    Ok(this.socket().send_all(data, flags)?)
}

/// A multicast group: a `socket_address` or address text.
fn group_arg(ctx: &Ctx<'_>, item: i32, operation: &'static str) -> Outcome<IpAddr> {
    let ip: Option<IpAddr> = match address_at(ctx, item) {
        Some(addr) => addr.get().ip(),
        None => match ctx.item_type(item) {
            raw::SGS_VT_STRING => ctx.str_at(item).and_then(|text| text.parse().ok()),
            _ => return Err(Failure::arg_type(item, c"socket_address or string")),
        },
    };
    ip.ok_or_else(|| {
        Failure::invalid(
            operation,
            "argument 1 (group) is not an IPv4 or IPv6 address",
        )
    })
}

/// The optional multicast interface: an IPv4 address (object or text) or an interface
/// index (int).
fn interface_arg(
    ctx: &Ctx<'_>,
    item: i32,
    operation: &'static str,
) -> Outcome<Option<MulticastInterface>> {
    if ctx.is_null(item) {
        return Ok(None);
    }
    if ctx.item_type(item) == raw::SGS_VT_INT {
        let index = convert::interface_from_int(ctx.arg_int(item)?).map_err(Failure::warn)?;
        return Ok(Some(MulticastInterface::Index(index)));
    }
    match group_arg(ctx, item, operation)? {
        IpAddr::V4(v4) => Ok(Some(MulticastInterface::Addr(v4))),
        IpAddr::V6(_) => Err(Failure::invalid(
            operation,
            "argument 2 (interface) of an IPv6 group is an interface index",
        )),
    }
}

fn join_group(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<()> {
    let group = group_arg(ctx, 1, "join_group")?;
    let interface = interface_arg(ctx, 2, "join_group")?;
    Ok(this.socket().join_multicast(group, interface)?)
}

fn leave_group(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<()> {
    let group = group_arg(ctx, 1, "leave_group")?;
    let interface = interface_arg(ctx, 2, "leave_group")?;
    Ok(this.socket().leave_multicast(group, interface)?)
}

/// An option level or name: an OS `int`, never truncated (SPEC §10).
fn c_int_arg(ctx: &Ctx<'_>, item: i32, operation: &'static str, what: &str) -> Outcome<i32> {
    let value = ctx.arg_int(item)?;
    convert::c_int_from_int(value).map_err(|_| {
        Failure::invalid(
            operation,
            format!("argument {item} ({what}) is out of range: {value}"),
        )
    })
}

/// `getsockopt(level, name[, size])`: an int, or a string of `size` bytes.
fn getsockopt(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<Value> {
    const OP: &str = "getsockopt";
    let level = c_int_arg(ctx, 1, OP, "level")?;
    let name = c_int_arg(ctx, 2, OP, "name")?;
    if ctx.is_null(3) {
        return Ok(Value::Int(i64::from(
            this.socket().getsockopt_int(level, name)?,
        )));
    }
    let size = convert::option_size_from_int(ctx.arg_int(3)?).map_err(Failure::warn)?;
    Ok(Value::Bytes(
        this.socket().getsockopt_bytes(level, name, size)?,
    ))
}

/// `setsockopt(level, name, int_or_string)`.
fn setsockopt(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<()> {
    const OP: &str = "setsockopt";
    let level = c_int_arg(ctx, 1, OP, "level")?;
    let name = c_int_arg(ctx, 2, OP, "name")?;
    match ctx.item_type(3) {
        raw::SGS_VT_STRING => {
            let bytes = ctx.arg_bytes(3)?;
            Ok(this.socket().setsockopt_bytes(level, name, bytes)?)
        }
        raw::SGS_VT_INT | raw::SGS_VT_BOOL => {
            let value = c_int_arg(ctx, 3, OP, "value")?;
            Ok(this.socket().setsockopt_int(level, name, value)?)
        }
        _ => Err(Failure::arg_type(3, c"int or string")),
    }
}

/// `detach()`: the descriptor, which the caller now owns; the object becomes closed.
fn detach(this: &SocketObject, _ctx: &Ctx<'_>) -> Outcome<i64> {
    let fd = this.socket_mut().detach()?;
    Ok(descriptor_value(fd))
}

/// A descriptor as a script integer (-1 for a Windows handle beyond `i64`, which never
/// happens in practice).
#[allow(clippy::unnecessary_fallible_conversions)] // `RawSocket` is `u64` on Windows
fn descriptor_value(fd: sgssockets_core::RawSocket) -> i64 {
    i64::try_from(fd).unwrap_or(-1)
}

fn send(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<usize> {
    let data = ctx.arg_bytes(1)?;
    let flags = ctx.arg_msg_flags(2, "send")?;
    Ok(this.socket().send(data, flags)?)
}

fn sendto(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<usize> {
    let data = ctx.arg_bytes(1)?;
    let addr = address_arg(ctx, 2)?;
    let flags = ctx.arg_msg_flags(3, "sendto")?;
    Ok(this.socket().send_to(data, &addr.get(), flags)?)
}

/// The `max` argument of recv/recvfrom: a positive length (SPEC §5.3).
pub(crate) fn max_arg(ctx: &Ctx<'_>, operation: &'static str) -> Outcome<usize> {
    let max = ctx.arg_int(1)?;
    if max <= 0 {
        return Err(Failure::invalid(
            operation,
            format!("argument 1 (max. length) must be positive, got {max}"),
        ));
    }
    Ok(usize::try_from(max.min(i64::from(i32::MAX))).unwrap_or(usize::MAX))
}

fn recv(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<Pushed> {
    let max = max_arg(ctx, "recv")?;
    let flags = ctx.arg_msg_flags(2, "recv")?;
    // The received bytes are pushed straight from core's buffer: the string is the only
    // allocation.
    this.socket()
        .recv_bounded(max, flags, |incoming| match incoming {
            Incoming::Data(bytes) => ctx.push_bytes(bytes),
            Incoming::Closed => ctx.push_bool(true),
        })?;
    Ok(Pushed(1))
}

fn recvfrom(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<Pushed> {
    let max = max_arg(ctx, "recvfrom")?;
    let flags = ctx.arg_msg_flags(2, "recvfrom")?;
    // Data and the sender; `true` alone when a stream's peer closed, as `recv` says it.
    let pushed = this
        .socket()
        .recv_from_bounded(max, flags, |incoming, from| match incoming {
            Incoming::Data(bytes) => {
                ctx.push_bytes(bytes);
                from.push_to(ctx);
                2
            }
            Incoming::Closed => {
                ctx.push_bool(true);
                1
            }
        })?;
    Ok(Pushed(pushed))
}

fn shutdown(this: &SocketObject, ctx: &Ctx<'_>) -> Outcome<()> {
    let how = ctx.arg_int(1)?;
    let how = i32::try_from(how)
        .ok()
        .and_then(constants::shutdown_from_raw)
        .ok_or_else(|| {
            Failure::invalid(
                "shutdown",
                format!("argument 1 (how) must be SHUT_RD, SHUT_WR or SHUT_RDWR, got {how}"),
            )
        })?;
    Ok(this.socket().shutdown(how)?)
}

fn close(this: &SocketObject, _ctx: &Ctx<'_>) -> Outcome<()> {
    Ok(this.socket_mut().close()?)
}

fn getpeername(this: &SocketObject, _ctx: &Ctx<'_>) -> Outcome<SocketAddress> {
    Ok(this.socket().peer_addr()?)
}

fn getsockname(this: &SocketObject, _ctx: &Ctx<'_>) -> Outcome<SocketAddress> {
    Ok(this.socket().local_addr()?)
}
