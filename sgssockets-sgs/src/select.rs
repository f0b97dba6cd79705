//! `socket_select(read, write, error[, timeout])` (SPEC §2): reads each array item once,
//! waits with core's poll-based `select`, then filters each array in place to its ready
//! sockets (original order), writing back only the items that move.

use std::time::Duration;

use sgssockets_core::{select, Error, RawSocket, Selectable};

use crate::host::context::Ctx;
use crate::host::raw::{self, sgs_Variable};
use crate::host::report::{Failure, Outcome};
use crate::types::waitable::Waitable;

/// One array item being waited on.
struct Entry {
    /// The item (held by the stack while the call runs).
    item: sgs_Variable,
    /// The socket's handle.
    handle: RawSocket,
    /// A TLS object's plaintext already buffered: readable without the kernel.
    buffered: bool,
}

impl Selectable for Entry {
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

/// Where one list's items sit on the stack while the call runs (its array is empty then).
#[derive(Clone, Copy)]
struct List {
    array: sgs_Variable,
    base: i32,
    len: usize,
    /// Taken from this array here (not the same array as an earlier list).
    taken: bool,
}

/// Reads the sockets of one list from the stack.
fn collect(ctx: &Ctx<'_>, list: &List, name: &str) -> Outcome<Vec<Entry>> {
    let mut entries = Vec::with_capacity(list.len);
    for (index, item) in ctx.stack_items(list.base, list.len).enumerate() {
        let not_socket = || {
            Failure::invalid(
                OP,
                format!("item #{} of '{name}' array is not a socket", index + 1),
            )
        };
        // SAFETY: the stack holds the item for the whole call.
        let object = unsafe { Waitable::of_variable(&item) }.ok_or_else(not_socket)?;
        let handle = object.socket().and_then(|s| s.raw_socket());
        let handle = handle.ok_or_else(|| {
            Failure::warn_with(
                Error::closed(OP),
                format!("item #{} of '{name}' array is a closed socket", index + 1),
            )
        })?;
        entries.push(Entry {
            buffered: object.has_buffered_input(),
            item,
            handle,
        });
    }
    Ok(entries)
}

/// Puts the taken items back into their arrays, unchanged (the call failed).
fn restore(ctx: &Ctx<'_>, lists: &[List]) {
    for list in lists.iter().rev().filter(|list| list.taken) {
        ctx.array_push_top(&list.array, list.len);
    }
}

/// Refills `list`'s array with exactly the ready `entries`, in order.
fn write_back(ctx: &Ctx<'_>, list: &List, entries: &[Entry]) {
    // The same array given twice: the later list's result wins, as it always did.
    let len = ctx.array_len(&list.array).unwrap_or(0);
    ctx.array_truncate(&list.array, 0, len);
    for entry in entries {
        ctx.push_variable(&entry.item);
    }
    ctx.array_push_top(&list.array, entries.len());
}

/// The timeout argument: absent or `null` waits forever.
fn timeout_arg(ctx: &Ctx<'_>, item: i32) -> Outcome<Option<Duration>> {
    if ctx.is_null(item) {
        return Ok(None);
    }
    ctx.arg_wait_timeout(item, OP, "argument 4 (timeout)")
}

/// Whether two variables are the same object.
fn same_object(a: &sgs_Variable, b: &sgs_Variable) -> bool {
    // SAFETY: both are arrays (object variables): the union holds the object pointers.
    a.type_ == raw::SGS_VT_OBJECT
        && b.type_ == raw::SGS_VT_OBJECT
        && std::ptr::eq(unsafe { a.data.O }, unsafe { b.data.O })
}

/// The body of `socket_select`: the total ready count.
///
/// Each array's items are moved onto the stack in one call (`sgs_ArrayPop`), read there,
/// and the ready ones pushed back in one call (`sgs_ArrayPush`): a few calls into the VM per
/// list, not two per item. On any failure the arrays get their items back unchanged.
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
    let first = ctx.stack_size();
    let mut lists: Vec<List> = Vec::with_capacity(3);
    for (index, (array, len)) in arrays.iter().zip(lens).enumerate() {
        let list = match lists[..index].iter().find(|l| same_object(&l.array, array)) {
            Some(earlier) => List {
                taken: false,
                ..*earlier
            },
            None => List {
                array: *array,
                base: ctx.array_take_all(array, len),
                len,
                taken: true,
            },
        };
        lists.push(list);
    }
    let outcome = (|| {
        let mut read = collect(ctx, &lists[0], LIST_NAMES[0])?;
        let mut write = collect(ctx, &lists[1], LIST_NAMES[1])?;
        let mut error = collect(ctx, &lists[2], LIST_NAMES[2])?;
        let ready = select(&mut read, &mut write, &mut error, timeout).map_err(|err| {
            let text = err.to_string();
            Failure::warn_with(err, text)
        })?;
        Ok((ready, [read, write, error]))
    })();
    match outcome {
        Ok((ready, entries)) => {
            for (list, entries) in lists.iter().zip(&entries) {
                write_back(ctx, list, entries);
            }
            ctx.pop_to(first);
            Ok(ready)
        }
        Err(failure) => {
            restore(ctx, &lists);
            ctx.pop_to(first);
            Err(failure)
        }
    }
}
