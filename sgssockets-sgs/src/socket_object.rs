//! The `socket` object type (SPEC §4): the type's callbacks and its properties. The
//! methods are in [`crate::socket_methods`].

use std::cell::RefCell;
use std::ffi::c_int;
use std::time::Duration;

use sgssockets_core::{errno, time, Error, Result, Socket};

use crate::context::Ctx;
use crate::last_error;
use crate::object;
use crate::raw::{self, sgs_Context, sgs_ObjInterface, sgs_VarObj};
use crate::socket_methods;
use crate::trampoline::{self, CALLBACK_PANIC};

/// The data of a `socket` object.
pub type SocketCell = RefCell<Socket>;

/// The interface of `socket` objects.
pub static SOCKET_IFACE: sgs_ObjInterface = sgs_ObjInterface {
    name: c"socket".as_ptr(),
    destruct: Some(socket_destruct),
    gcmark: None,
    getindex: Some(socket_getindex),
    setindex: Some(socket_setindex),
    convert: Some(socket_convert),
    serialize: None,
    dump: Some(socket_dump),
    getnext: None,
    call: None,
    expr: None,
    proplist: std::ptr::null(),
    parent: std::ptr::null(),
};

/// Pushes a new `socket` object owning `socket`.
pub fn push_socket(ctx: &Ctx<'_>, socket: Socket) {
    object::push_new::<SocketCell>(ctx, &SOCKET_IFACE, RefCell::new(socket));
}

/// The socket held by the `socket` object at stack `item`, if it is one.
pub fn socket_at<'call>(ctx: &Ctx<'call>, item: i32) -> Option<&'call SocketCell> {
    object::data_at::<SocketCell>(ctx, item, &SOCKET_IFACE)
}

/// Records a closed socket's use (EBADF) and warns; for the caller to return its failure.
/// `what` names the property for messages the VM does not prefix (empty in methods).
pub fn report_closed(ctx: &Ctx<'_>, what: &str) {
    last_error::set(ctx, errno::EBADF);
    if what.is_empty() {
        ctx.warn("socket is closed");
    } else {
        ctx.warn(&format!("{what}: socket is closed"));
    }
}

/// Runs an object callback body with the object's data after checking its type.
///
/// # Safety
/// `raw` and `obj` are what the VM passed to the callback.
unsafe fn with_socket(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    body: impl FnOnce(&Ctx<'_>, &SocketCell) -> c_int,
) -> c_int {
    let run = |ctx: Ctx<'_>| {
        // SAFETY: `obj` is the object the VM called this callback for (contract).
        match unsafe { object::data_of_object::<SocketCell>(obj, &SOCKET_IFACE) } {
            Some(cell) => body(&ctx, cell),
            None => raw::SGS_EINVAL,
        }
    };
    // SAFETY: `raw` is the VM's live context (contract).
    unsafe { trampoline::enter(raw, CALLBACK_PANIC, run) }
}

unsafe extern "C" fn socket_destruct(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    let run = |_ctx: Ctx<'_>| {
        // SAFETY: the VM destroys `obj`, a `socket` object created by `push_socket`; dropping
        // its `Socket` closes the descriptor.
        unsafe { object::drop_data::<SocketCell>(obj, &SOCKET_IFACE) };
        raw::SGS_SUCCESS
    };
    // SAFETY: the VM's live context.
    unsafe { trampoline::enter(raw, CALLBACK_PANIC, run) }
}

unsafe extern "C" fn socket_getindex(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe { with_socket(raw, obj, get_index) }
}

unsafe extern "C" fn socket_setindex(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe { with_socket(raw, obj, set_index) }
}

unsafe extern "C" fn socket_convert(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    kind: c_int,
) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_socket(raw, obj, |ctx, cell| {
            if kind == raw::SGS_VT_BOOL as c_int {
                let open = !cell.borrow().is_closed();
                ctx.push_bool(open);
            } else if kind == raw::SGS_VT_STRING as c_int {
                ctx.push_str("socket");
            } else {
                return raw::SGS_ENOTSUP;
            }
            raw::SGS_SUCCESS
        })
    }
}

unsafe extern "C" fn socket_dump(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    _depth: c_int,
) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_socket(raw, obj, |ctx, cell| {
            let text = match cell.borrow().raw_socket() {
                Some(handle) => format!("socket (descriptor {handle})"),
                None => "socket (closed)".to_owned(),
            };
            ctx.push_str(&text);
            raw::SGS_SUCCESS
        })
    }
}

/// How a property converts between the socket option and an SGScript value.
#[derive(Clone, Copy)]
enum Property {
    /// `error`: pending SO_ERROR code, read-only.
    Error,
    /// A bool option.
    Flag(fn(&Socket) -> Result<bool>, fn(&Socket, bool) -> Result<()>),
    /// An integer option.
    Int(fn(&Socket) -> Result<i64>, fn(&Socket, i64) -> Result<()>),
    /// A real (seconds) option.
    Real(fn(&Socket) -> Result<f64>, fn(&Socket, f64) -> Result<()>),
}

fn int_in_range<T: TryFrom<i64>>(what: &'static str, value: i64) -> Result<T> {
    T::try_from(value)
        .map_err(|_| Error::invalid_input(what, format!("value {value} is out of range")))
}

fn linger_secs(linger: Option<Duration>) -> f64 {
    linger.map_or(-1.0, |d| d.as_secs_f64())
}

fn linger_from_secs(secs: f64) -> Result<Option<Duration>> {
    if secs < 0.0 {
        return Ok(None);
    }
    Duration::try_from_secs_f64(secs).map(Some).map_err(|_| {
        Error::invalid_input(
            "linger",
            format!("{secs} seconds is not a valid linger time"),
        )
    })
}

fn property(name: &str) -> Option<Property> {
    use Property::{Flag, Int, Real};
    Some(match name {
        "error" => Property::Error,
        "blocking" => Flag(Socket::is_blocking, Socket::set_blocking),
        "broadcast" => Flag(Socket::broadcast, Socket::set_broadcast),
        "reuse_addr" => Flag(Socket::reuse_addr, Socket::set_reuse_addr),
        "reuse_port" => Flag(Socket::reuse_port, Socket::set_reuse_port),
        "nodelay" => Flag(Socket::nodelay, Socket::set_nodelay),
        "keepalive" => Flag(Socket::keepalive, Socket::set_keepalive),
        "ipv6_only" => Flag(Socket::ipv6_only, Socket::set_ipv6_only),
        "ttl" => Int(
            |s| s.ttl().map(i64::from),
            |s, v| s.set_ttl(int_in_range("ttl", v)?),
        ),
        "recv_buffer_size" => Int(
            |s| {
                s.recv_buffer_size()
                    .map(|v| i64::try_from(v).unwrap_or(i64::MAX))
            },
            |s, v| s.set_recv_buffer_size(int_in_range("recv_buffer_size", v)?),
        ),
        "send_buffer_size" => Int(
            |s| {
                s.send_buffer_size()
                    .map(|v| i64::try_from(v).unwrap_or(i64::MAX))
            },
            |s, v| s.set_send_buffer_size(int_in_range("send_buffer_size", v)?),
        ),
        "send_timeout" => Real(
            |s| s.send_timeout().map(time::secs_from_timeout),
            |s, v| s.set_send_timeout(time::timeout_from_secs(v)?),
        ),
        "recv_timeout" => Real(
            |s| s.recv_timeout().map(time::secs_from_timeout),
            |s, v| s.set_recv_timeout(time::timeout_from_secs(v)?),
        ),
        "linger" => Real(
            |s| s.linger().map(linger_secs),
            |s, v| s.set_linger(linger_from_secs(v)?),
        ),
        _ => return None,
    })
}

/// A property's value read from the socket.
enum Value {
    Bool(bool),
    Int(i64),
    Real(f64),
}

fn read_property(socket: &Socket, prop: Property) -> Result<Value> {
    Ok(match prop {
        Property::Error => Value::Int(socket.take_error()?.map_or(0, |e| i64::from(e.code()))),
        Property::Flag(get, _) => Value::Bool(get(socket)?),
        Property::Int(get, _) => Value::Int(get(socket)?),
        Property::Real(get, _) => Value::Real(get(socket)?),
    })
}

fn get_index(ctx: &Ctx<'_>, cell: &SocketCell) -> c_int {
    let Some(name) = ctx.str_at(0) else {
        return raw::SGS_ENOTFND;
    };
    if let Some(method) = socket_methods::by_name(name) {
        ctx.push_cfunc(method);
        return raw::SGS_SUCCESS;
    }
    let Some(prop) = property(name) else {
        return raw::SGS_ENOTFND;
    };
    let result = {
        let socket = cell.borrow();
        if socket.is_closed() {
            None
        } else {
            Some(read_property(&socket, prop))
        }
    };
    match result {
        None => {
            report_closed(ctx, &format!("socket.{name}"));
            ctx.push_null();
        }
        Some(Ok(value)) => {
            last_error::set(ctx, 0);
            match value {
                Value::Bool(v) => ctx.push_bool(v),
                Value::Int(v) => ctx.push_int(v),
                Value::Real(v) => ctx.push_real(v),
            }
        }
        Some(Err(err)) => {
            last_error::set_error(ctx, &err);
            ctx.warn(&format!("socket.{name}: {err}"));
            ctx.push_null();
        }
    }
    raw::SGS_SUCCESS
}

/// Parses the assigned value and writes the option; `Err` is the warning text.
fn write_property(
    ctx: &Ctx<'_>,
    cell: &SocketCell,
    prop: Property,
) -> std::result::Result<(), String> {
    let value = 1;
    match prop {
        Property::Error => Err("read-only property".to_owned()),
        Property::Flag(_, set) => {
            let v = ctx.bool_at(value).ok_or("expected a bool")?;
            apply_to_open_socket(ctx, cell, |socket| set(socket, v))
        }
        Property::Int(_, set) => {
            let v = ctx.int_at(value).ok_or("expected an int")?;
            apply_to_open_socket(ctx, cell, |socket| set(socket, v))
        }
        Property::Real(_, set) => {
            let v = ctx.real_at(value).ok_or("expected a real (seconds)")?;
            apply_to_open_socket(ctx, cell, |socket| set(socket, v))
        }
    }
}

/// Runs an option write on the socket if it is open, recording the outcome.
fn apply_to_open_socket(
    ctx: &Ctx<'_>,
    cell: &SocketCell,
    apply: impl FnOnce(&Socket) -> Result<()>,
) -> std::result::Result<(), String> {
    let outcome = {
        let socket = cell.borrow();
        if socket.is_closed() {
            None
        } else {
            Some(apply(&socket))
        }
    };
    match outcome {
        None => {
            last_error::set(ctx, errno::EBADF);
            Err("socket is closed".to_owned())
        }
        Some(Ok(())) => {
            last_error::set(ctx, 0);
            Ok(())
        }
        Some(Err(err)) => {
            last_error::set_error(ctx, &err);
            Err(err.to_string())
        }
    }
}

fn set_index(ctx: &Ctx<'_>, cell: &SocketCell) -> c_int {
    let Some(name) = ctx.str_at(0) else {
        return raw::SGS_ENOTFND;
    };
    let Some(prop) = property(name) else {
        return raw::SGS_ENOTFND;
    };
    if let Err(text) = write_property(ctx, cell, prop) {
        ctx.warn(&format!("socket.{name}: {text}"));
    }
    raw::SGS_SUCCESS
}
