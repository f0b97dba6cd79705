//! `socket_select(read, write, error[, timeout])` (SPEC §2): reads each array item once,
//! waits with core's poll-based `select`, then filters each array in place to its ready
//! sockets (original order), writing back only the items that move.

use std::time::Duration;

use sgssockets_core::{select, Error, RawSocket, Selectable};

use crate::host::context::{Ctx, HeldVariable};
use crate::host::raw::{self, sgs_Variable};
use crate::host::report::{Failure, Outcome};
use crate::types::waitable::Waitable;

/// One array item being waited on.
struct Entry<'call> {
    /// The item (a reference is held until the array is written back).
    item: HeldVariable<'call>,
    /// Its position in the array.
    index: usize,
    /// The socket's handle.
    handle: RawSocket,
    /// A TLS object's plaintext already buffered: readable without the kernel.
    buffered: bool,
}

impl Selectable for Entry<'_> {
    fn raw_socket(&self) -> Option<RawSocket> {
        Some(self.handle)
    }

    fn has_buffered_input(&self) -> bool {
        self.buffered
    }
}

/// The names of the three lists, for messages.
const LIST_NAMES: [&str; 3] = ["read", "write", "error"];

const OP: &str = "socket_select";

/// Reads the sockets of one array.
fn collect<'call>(
    ctx: &Ctx<'call>,
    array: &sgs_Variable,
    len: usize,
    list: &str,
) -> Outcome<Vec<Entry<'call>>> {
    let mut entries = Vec::with_capacity(len);
    for index in 0..len {
        let not_socket = || {
            Failure::invalid(
                OP,
                format!("item #{} of '{list}' array is not a socket", index + 1),
            )
        };
        let item = ctx.array_item(array, index).ok_or_else(not_socket)?;
        // SAFETY: `item` holds a reference to the variable for as long as it is used here.
        let object = unsafe { Waitable::of_variable(item.variable()) }.ok_or_else(not_socket)?;
        let handle = object.socket().and_then(|s| s.raw_socket());
        let handle = handle.ok_or_else(|| {
            Failure::warn_with(
                Error::closed(OP),
                format!("item #{} of '{list}' array is a closed socket", index + 1),
            )
        })?;
        entries.push(Entry {
            buffered: object.has_buffered_input(),
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

/// The timeout argument: absent or `null` waits forever.
fn timeout_arg(ctx: &Ctx<'_>, item: i32) -> Outcome<Option<Duration>> {
    if ctx.is_null(item) {
        return Ok(None);
    }
    ctx.arg_wait_timeout(item, OP, "argument 4 (timeout)")
}

/// The body of `socket_select`: the total ready count.
pub fn socket_select(ctx: &Ctx<'_>) -> Outcome<usize> {
    let mut arrays = [raw::sgs_MakeNull(); 3];
    let mut lens = [0usize; 3];
    for (item, (array, len)) in (0..).zip(arrays.iter_mut().zip(lens.iter_mut())) {
        *array = ctx.variable_at(item);
        *len = ctx
            .array_len(array)
            .ok_or(Failure::arg_type(item, c"array"))?;
    }
    let timeout = timeout_arg(ctx, 3)?;
    let mut read = collect(ctx, &arrays[0], lens[0], LIST_NAMES[0])?;
    let mut write = collect(ctx, &arrays[1], lens[1], LIST_NAMES[1])?;
    let mut error = collect(ctx, &arrays[2], lens[2], LIST_NAMES[2])?;
    let ready = select(&mut read, &mut write, &mut error, timeout).map_err(|err| {
        let text = err.to_string();
        Failure::warn_with(err, text)
    })?;
    for (array, entries) in arrays.iter().zip([&read, &write, &error]) {
        write_back(ctx, array, entries);
    }
    Ok(ready)
}
