//! The methods of `socket` objects (SPEC §4). Each converts its arguments, calls
//! `sgssockets-core`, records the outcome for `socket_error()` and pushes the result:
//! `true`/`false`, a count, a string, or objects.

use std::ffi::{c_int, CStr};

use sgssockets_core::{constants, errno, Incoming, MsgFlags, Result, Socket, SocketAddress};

use crate::address_object::{address_at, push_address};
use crate::context::Ctx;
use crate::last_error;
use crate::raw::sgs_CFunc;
use crate::socket_object::{push_socket, report_closed, socket_at, SocketCell};
use crate::trampoline::native_function;

/// The native function for method `name`, if `socket` has one.
pub fn by_name(name: &str) -> Option<sgs_CFunc> {
    Some(match name {
        "bind" => socket_bind,
        "listen" => socket_listen,
        "accept" => socket_accept,
        "connect" => socket_connect,
        "send" => socket_send,
        "sendto" => socket_sendto,
        "recv" => socket_recv,
        "recvfrom" => socket_recvfrom,
        "shutdown" => socket_shutdown,
        "close" => socket_close,
        "getpeername" => socket_getpeername,
        "getsockname" => socket_getsockname,
        _ => return None,
    })
}

/// A method call in progress: the context with `this` at item 0, and the socket.
struct Call<'call> {
    ctx: Ctx<'call>,
    cell: &'call SocketCell,
}

/// Common start of every method: name it for messages, make `this` item 0, check it is a
/// socket and the argument count (`min..=max`, without `this`).
fn begin<'call>(
    mut ctx: Ctx<'call>,
    name: &'static CStr,
    min: i32,
    max: i32,
) -> Option<Call<'call>> {
    ctx.set_function_name(name);
    ctx.enter_method();
    let Some(cell) = socket_at(&ctx, 0) else {
        ctx.arg_error(0, c"socket");
        return None;
    };
    if !ctx.check_arg_count(min, max) {
        return None;
    }
    Some(Call { ctx, cell })
}

impl<'call> Call<'call> {
    /// Runs `f` on the socket if it is open; if closed: EBADF, one warning, and `None`.
    /// The socket is borrowed only while `f` runs (which may push results, but never
    /// reports anything that could run script code).
    fn with_open<T>(&self, f: impl FnOnce(&Socket) -> T) -> Option<T> {
        let socket = self.cell.borrow();
        if socket.is_closed() {
            drop(socket);
            report_closed(&self.ctx, "");
            return None;
        }
        Some(f(&socket))
    }

    /// Pushes `false`, the failure result of most methods; returns the result count.
    fn push_false(&self) -> c_int {
        self.ctx.push_bool(false);
        1
    }

    /// Pushes `null`, the closed-socket result of methods returning an object.
    fn push_null(&self) -> c_int {
        self.ctx.push_null();
        1
    }

    /// The optional `flags` argument (0 when absent).
    fn flags_arg(&self, item: i32) -> Option<MsgFlags> {
        if self.ctx.is_null(item) {
            return Some(MsgFlags::empty());
        }
        let flags = self.ctx.int_arg(item)?;
        match i32::try_from(flags) {
            Ok(bits) => Some(MsgFlags::from_bits_retain(bits)),
            Err(_) => {
                self.ctx.arg_error(item, c"int (MSG_* flags)");
                None
            }
        }
    }

    /// Records `result` for `socket_error()`; returns the value on success.
    fn record<T>(&self, result: Result<T>) -> Option<T> {
        match result {
            Ok(value) => {
                last_error::set(&self.ctx, 0);
                Some(value)
            }
            Err(err) => {
                last_error::set_error(&self.ctx, &err);
                None
            }
        }
    }

    /// Pushes `true`/`false` for a call returning nothing on success.
    fn push_outcome(&self, result: Result<()>) -> c_int {
        let ok = self.record(result).is_some();
        self.ctx.push_bool(ok);
        1
    }

    /// Warns about a bad argument value (as opposed to a bad type), records EINVAL and
    /// pushes `false`.
    fn bad_value(&self, text: &str) -> c_int {
        last_error::set(&self.ctx, errno::EINVAL);
        self.ctx.warn(text);
        self.ctx.push_bool(false);
        1
    }
}

fn bind(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.bind", 1, 1) else {
        return 0;
    };
    let result = if let Some(addr) = address_at(&call.ctx, 1) {
        call.with_open(|socket| socket.bind(&addr.borrow()))
    } else if let Some(port) = call.ctx.int_at(1) {
        let Ok(port) = u16::try_from(port) else {
            return call.bad_value(&format!("argument 1 (port) must be 0..65535, got {port}"));
        };
        call.with_open(|socket| socket.bind_port(port))
    } else {
        return call.ctx.arg_error(1, c"int (port) or socket_address");
    };
    match result {
        Some(result) => call.push_outcome(result),
        None => call.push_false(),
    }
}
native_function!(socket_bind => bind);

fn listen(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.listen", 1, 1) else {
        return 0;
    };
    let Some(backlog) = call.ctx.int_arg(1) else {
        return 0;
    };
    let backlog = i32::try_from(backlog.clamp(0, i64::from(i32::MAX))).unwrap_or(i32::MAX);
    match call.with_open(|socket| socket.listen(backlog)) {
        Some(result) => call.push_outcome(result),
        None => call.push_false(),
    }
}
native_function!(socket_listen => listen);

fn accept(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.accept", 0, 0) else {
        return 0;
    };
    let Some(result) = call.with_open(Socket::accept) else {
        return call.push_false();
    };
    match call.record(result) {
        Some((accepted, peer)) => {
            push_socket(&call.ctx, accepted);
            push_address(&call.ctx, peer);
            2
        }
        None => call.push_false(),
    }
}
native_function!(socket_accept => accept);

fn connect(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.connect", 1, 1) else {
        return 0;
    };
    let Some(addr) = address_at(&call.ctx, 1) else {
        return call.ctx.arg_error(1, c"socket_address");
    };
    match call.with_open(|socket| socket.connect(&addr.borrow())) {
        Some(result) => call.push_outcome(result),
        None => call.push_false(),
    }
}
native_function!(socket_connect => connect);

/// Pushes the byte count of a send, or `false`.
fn push_sent(call: &Call<'_>, result: Option<Result<usize>>) -> c_int {
    match result.and_then(|result| call.record(result)) {
        Some(sent) => call.ctx.push_int(i64::try_from(sent).unwrap_or(i64::MAX)),
        None => call.ctx.push_bool(false),
    }
    1
}

fn send(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.send", 1, 2) else {
        return 0;
    };
    let (Some(data), Some(flags)) = (call.ctx.string_arg(1), call.flags_arg(2)) else {
        return 0;
    };
    push_sent(&call, call.with_open(|socket| socket.send(data, flags)))
}
native_function!(socket_send => send);

fn sendto(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.sendto", 2, 3) else {
        return 0;
    };
    let Some(data) = call.ctx.string_arg(1) else {
        return 0;
    };
    let Some(addr) = address_at(&call.ctx, 2) else {
        return call.ctx.arg_error(2, c"socket_address");
    };
    let Some(flags) = call.flags_arg(3) else {
        return 0;
    };
    push_sent(
        &call,
        call.with_open(|socket| socket.send_to(data, &addr.borrow(), flags)),
    )
}
native_function!(socket_sendto => sendto);

/// The `max` argument of recv/recvfrom: a positive length, else a warning.
fn max_arg(call: &Call<'_>) -> std::result::Result<usize, c_int> {
    let Some(max) = call.ctx.int_arg(1) else {
        return Err(0);
    };
    if max <= 0 {
        return Err(call.bad_value(&format!(
            "argument 1 (max. length) must be positive, got {max}"
        )));
    }
    Ok(usize::try_from(max.min(i64::from(i32::MAX))).unwrap_or(usize::MAX))
}

fn recv(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.recv", 1, 2) else {
        return 0;
    };
    let max = match max_arg(&call) {
        Ok(max) => max,
        Err(results) => return results,
    };
    let Some(flags) = call.flags_arg(2) else {
        return 0;
    };
    // The received bytes are pushed straight from core's buffer: the string is the only
    // allocation.
    let result = call.with_open(|socket| {
        socket.recv_bounded(max, flags, |incoming| match incoming {
            Incoming::Data(bytes) => call.ctx.push_bytes(bytes),
            Incoming::Closed => call.ctx.push_bool(true),
        })
    });
    match result.and_then(|result| call.record(result)) {
        Some(()) => 1,
        None => call.push_false(),
    }
}
native_function!(socket_recv => recv);

fn recvfrom(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.recvfrom", 1, 2) else {
        return 0;
    };
    let max = match max_arg(&call) {
        Ok(max) => max,
        Err(results) => return results,
    };
    let Some(flags) = call.flags_arg(2) else {
        return 0;
    };
    let result = call.with_open(|socket| {
        socket.recv_from_bounded(max, flags, |bytes, from| {
            call.ctx.push_bytes(bytes);
            push_address(&call.ctx, from);
        })
    });
    match result.and_then(|result| call.record(result)) {
        Some(()) => 2,
        None => call.push_false(),
    }
}
native_function!(socket_recvfrom => recvfrom);

fn shutdown(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.shutdown", 1, 1) else {
        return 0;
    };
    let Some(how) = call.ctx.int_arg(1) else {
        return 0;
    };
    let Some(how) = i32::try_from(how)
        .ok()
        .and_then(constants::shutdown_from_raw)
    else {
        return call.bad_value(&format!(
            "argument 1 (how) must be SHUT_RD, SHUT_WR or SHUT_RDWR, got {how}"
        ));
    };
    match call.with_open(|socket| socket.shutdown(how)) {
        Some(result) => call.push_outcome(result),
        None => call.push_false(),
    }
}
native_function!(socket_shutdown => shutdown);

fn close(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.close", 0, 0) else {
        return 0;
    };
    if call.with_open(|_| ()).is_none() {
        return call.push_false();
    }
    let result = call.cell.borrow_mut().close();
    call.push_outcome(result)
}
native_function!(socket_close => close);

/// getpeername/getsockname: an address, or `null` on failure.
fn push_address_result(call: &Call<'_>, result: Option<Result<SocketAddress>>) -> c_int {
    match result {
        None => call.push_null(),
        Some(result) => {
            match call.record(result) {
                Some(addr) => push_address(&call.ctx, addr),
                None => call.ctx.push_null(),
            }
            1
        }
    }
}

fn getpeername(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.getpeername", 0, 0) else {
        return 0;
    };
    push_address_result(&call, call.with_open(Socket::peer_addr))
}
native_function!(socket_getpeername => getpeername);

fn getsockname(ctx: Ctx<'_>) -> c_int {
    let Some(call) = begin(ctx, c"socket.getsockname", 0, 0) else {
        return 0;
    };
    push_address_result(&call, call.with_open(Socket::local_addr))
}
native_function!(socket_getsockname => getsockname);
