//! `socket_select(read, write, error[, timeout])` (SPEC §2): reads each array item once,
//! waits with core's poll-based `select`, then filters each array in place to its ready
//! sockets (original order), writing back only the items that move.

use std::ffi::c_int;
use std::time::Duration;

use sgssockets_core::{errno, select, RawSocket, Selectable};

use crate::context::{Ctx, HeldVariable};
use crate::last_error;
use crate::object;
use crate::raw::sgs_Variable;
use crate::socket_object::{SocketCell, SOCKET_IFACE};
use crate::trampoline::native_function;

/// One array item being waited on.
struct Entry<'call> {
    /// The item (a reference is held until the array is written back).
    item: HeldVariable<'call>,
    /// Its position in the array.
    index: usize,
    /// The socket's handle.
    handle: RawSocket,
}

impl Selectable for Entry<'_> {
    fn raw_socket(&self) -> Option<RawSocket> {
        Some(self.handle)
    }
}

/// The names of the three lists, for messages.
const LIST_NAMES: [&str; 3] = ["read", "write", "error"];

/// Reads the sockets of one array; `Err` is the warning text and error code.
fn collect<'call>(
    ctx: &Ctx<'call>,
    array: &sgs_Variable,
    len: usize,
    list: &str,
) -> Result<Vec<Entry<'call>>, (String, i32)> {
    let mut entries = Vec::with_capacity(len);
    for index in 0..len {
        let not_socket = || {
            (
                format!("item #{} of '{list}' array is not a socket", index + 1),
                errno::EINVAL,
            )
        };
        let item = ctx.array_item(array, index).ok_or_else(not_socket)?;
        // SAFETY: `item` holds a reference to the variable for as long as it is used here.
        let cell =
            unsafe { object::data_of_variable::<SocketCell>(item.variable(), &SOCKET_IFACE) }
                .ok_or_else(not_socket)?;
        let handle = cell.borrow().raw_socket().ok_or_else(|| {
            (
                format!("item #{} of '{list}' array is a closed socket", index + 1),
                errno::EBADF,
            )
        })?;
        entries.push(Entry {
            item,
            index,
            handle,
        });
    }
    Ok(entries)
}

/// Rewrites `array` to hold exactly the ready `entries`, in order.
fn write_back(ctx: &Ctx<'_>, array: &sgs_Variable, entries: &[Entry<'_>]) {
    for (position, entry) in entries.iter().enumerate() {
        if entry.index != position {
            ctx.set_array_item(array, position, entry.item.variable());
        }
    }
    let len = ctx.array_len(array).unwrap_or(0);
    ctx.array_truncate(array, entries.len(), len);
}

/// The timeout argument: `None` waits forever; negative or NaN is refused.
fn timeout_arg(ctx: &Ctx<'_>, item: i32) -> Result<Option<Duration>, c_int> {
    if ctx.is_null(item) {
        return Ok(None);
    }
    let Some(secs) = ctx.real_at(item) else {
        return Err(ctx.arg_error(item, c"real"));
    };
    if secs.is_nan() || secs < 0.0 {
        last_error::set(ctx, errno::EINVAL);
        ctx.warn(&format!(
            "argument 4 (timeout) must be 0 or more seconds, got {secs}"
        ));
        ctx.push_int(-1);
        return Err(1);
    }
    Ok(Duration::try_from_secs_f64(secs).ok())
}

fn socket_select(ctx: Ctx<'_>) -> c_int {
    ctx.set_function_name(c"socket_select");
    if !ctx.check_arg_count(3, 4) {
        return 0;
    }
    let mut arrays = [crate::raw::sgs_MakeNull(); 3];
    let mut lens = [0usize; 3];
    for (item, (array, len)) in (0..).zip(arrays.iter_mut().zip(lens.iter_mut())) {
        *array = ctx.variable_at(item);
        match ctx.array_len(array) {
            Some(n) => *len = n,
            None => return ctx.arg_error(item, c"array"),
        }
    }
    let timeout = match timeout_arg(&ctx, 3) {
        Ok(timeout) => timeout,
        Err(results) => return results,
    };
    let mut lists = Vec::with_capacity(3);
    for ((array, len), name) in arrays.iter().zip(lens).zip(LIST_NAMES) {
        match collect(&ctx, array, len, name) {
            Ok(entries) => lists.push(entries),
            Err((text, code)) => {
                last_error::set(&ctx, code);
                ctx.warn(&text);
                ctx.push_int(-1);
                return 1;
            }
        }
    }
    let [mut read, mut write, mut error]: [Vec<Entry<'_>>; 3] = match lists.try_into() {
        Ok(lists) => lists,
        Err(_) => unreachable!("three lists were collected"),
    };
    match select(&mut read, &mut write, &mut error, timeout) {
        Ok(ready) => {
            for (array, entries) in arrays.iter().zip([&read, &write, &error]) {
                write_back(&ctx, array, entries);
            }
            last_error::set(&ctx, 0);
            ctx.push_int(i64::try_from(ready).unwrap_or(i64::MAX));
        }
        Err(err) => {
            last_error::set_error(&ctx, &err);
            ctx.warn(&err.to_string());
            ctx.push_int(-1);
        }
    }
    1
}
native_function!(sgs_socket_select => socket_select);
