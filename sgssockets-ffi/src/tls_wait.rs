//! Waiting on TLS streams: `sgss_tls_select` (select over sockets and TLS streams together)
//! and `sgss_poller_add_tls`. Both count plaintext a stream has already decrypted and
//! buffered as readable, although its socket has nothing new for the OS to report (the
//! classic TLS-behind-select bug): core's `select` and `Poller::add_tls` do that work.

use sgssockets_core::tls::TlsStream;
use sgssockets_core::{select, Interest, RawSocket, Selectable, Socket};

use crate::boundary::{ffi_boundary, try_out, try_ref, Castable};
use crate::poller::{key_from_c, sgss_poller};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;
use crate::tls::sgss_tls;
use crate::wait::wait_from_secs;

/// One socket or TLS stream for `sgss_tls_select`: set exactly one of `socket` and `tls`,
/// and what to wait for; the call sets `readable` and `writable`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct sgss_select_item {
    /// In: a plain socket (borrowed for the call), or NULL when `tls` is set.
    pub socket: *const sgss_socket,
    /// In: a TLS stream (borrowed for the call), or NULL when `socket` is set.
    pub tls: *const sgss_tls,
    /// In: wait until it is readable (for a TLS stream: `sgss_tls_want` said
    /// `SGSS_WANT_READ`, or plaintext is wanted).
    pub want_read: bool,
    /// In: wait until it is writable.
    pub want_write: bool,
    /// Out: a receive will not block: data, a connection to accept, the end of the stream
    /// or an error; for a TLS stream also decrypted plaintext already buffered.
    pub readable: bool,
    /// Out: a send will not block.
    pub writable: bool,
}

/// What one item waits on.
#[derive(Clone, Copy)]
enum Target<'a> {
    Socket(&'a Socket),
    Tls(&'a TlsStream),
}

/// An item of the select lists, with its index in the caller's array.
struct Entry<'a> {
    index: usize,
    target: Target<'a>,
}

impl Selectable for Entry<'_> {
    fn raw_socket(&self) -> Option<RawSocket> {
        match self.target {
            Target::Socket(socket) => socket.raw_socket(),
            Target::Tls(stream) => stream.socket().raw_socket(),
        }
    }

    fn has_buffered_input(&self) -> bool {
        match self.target {
            Target::Socket(_) => false,
            Target::Tls(stream) => stream.has_buffered_input(),
        }
    }
}

/// The caller's item array `(items, count)`, checked: not NULL unless empty, not larger
/// than memory can be.
///
/// # Safety
/// `items` is NULL or points at `count` writable items that nothing else uses during the
/// call.
unsafe fn items_arg<'a>(
    items: *mut sgss_select_item,
    count: usize,
) -> Result<&'a mut [sgss_select_item], Failure> {
    if count == 0 {
        return Ok(&mut []);
    }
    if items.is_null() {
        return Err(Failure::Null("items"));
    }
    if count > isize::MAX as usize / std::mem::size_of::<sgss_select_item>() {
        return Err(Failure::Invalid(format!("count {count} is too large")));
    }
    // SAFETY: `items` is not NULL and points at `count` writable items nobody else uses
    // during the call (this function's contract); their size fits `isize` (checked above).
    Ok(unsafe { std::slice::from_raw_parts_mut(items, count) })
}

/// Borrows what item `index` waits on.
///
/// # Safety
/// The item's `socket` and `tls` are each NULL or a live handle of their type that no call
/// taking it non-`const` uses during `'a`.
unsafe fn target<'a>(item: &sgss_select_item, index: usize) -> Result<Target<'a>, Failure> {
    // SAFETY: each pointer is NULL or a live handle (this function's contract).
    let (socket, tls) = unsafe { (sgss_socket::borrow(item.socket), sgss_tls::borrow(item.tls)) };
    match (socket, tls) {
        (Some(socket), None) => Ok(Target::Socket(socket)),
        (None, Some(stream)) => Ok(Target::Tls(stream)),
        (None, None) => Err(Failure::Invalid(format!(
            "items[{index}] has neither a socket nor a tls stream"
        ))),
        (Some(_), Some(_)) => Err(Failure::Invalid(format!(
            "items[{index}] has both a socket and a tls stream; set exactly one"
        ))),
    }
}

/// Waits until an item is ready or `timeout` seconds pass (the rule of every call that
/// waits, see `SGSS_WAIT_FOREVER`: 0 polls once, `SGSS_WAIT_FOREVER` or `INFINITY` waits
/// forever, negative or NaN is `SGSS_RESULT_INVALID_ARGUMENT`): `sgss_socket_select` for
/// plain sockets and TLS streams together, with no limit on descriptor numbers or counts.
///
/// Each of the `count` entries of `items` names one socket or TLS stream and whether to wait
/// for it to be readable (`want_read`) and/or writable (`want_write`); an item wanting
/// neither is never ready. A TLS stream holding decrypted plaintext not yet received
/// (`sgss_tls_pending` > 0, or the peer's close_notify or a failure waiting to be reported)
/// is readable at once, without waiting, though its socket has nothing new. On success
/// every item's `readable` and `writable` are set (both false on timeout) and
/// `*out_ready` receives how many items are ready (one readable and writable counts once).
///
/// Ownership: `items` is the caller's array, read and rewritten, not kept; the sockets and
/// streams it names are borrowed for the call only (none of them may be in a call taking it
/// non-`const` meanwhile).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out_ready`, `items` with `count > 0`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (an item with neither or both of `socket` and `tls`, an
/// impossible count, a negative or NaN timeout), `SGSS_RESULT_CLOSED` (a closed socket or
/// stream), `SGSS_RESULT_OS_ERROR`. On error the items and `*out_ready` are unchanged.
#[no_mangle]
pub unsafe extern "C" fn sgss_tls_select(
    items: *mut sgss_select_item,
    count: usize,
    timeout: f64,
    out_ready: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out_ready);
        // SAFETY: `(items, count)` is the array argument of this function, whose caller
        // promises what `items_arg` needs.
        let items = unsafe { items_arg(items, count) }?;
        let mut read = Vec::new();
        let mut write = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if !item.want_read && !item.want_write {
                continue;
            }
            // SAFETY: the handles in `items` are live and not used non-`const` elsewhere
            // during the call (this function's contract).
            let target = unsafe { target(item, index) }?;
            if item.want_read {
                read.push(Entry { index, target });
            }
            if item.want_write {
                write.push(Entry { index, target });
            }
        }
        let wait = wait_from_secs(timeout)?;
        select(&mut read, &mut write, &mut Vec::new(), wait)?;
        let mut readable = vec![false; items.len()];
        let mut writable = vec![false; items.len()];
        for entry in &read {
            readable[entry.index] = true;
        }
        for entry in &write {
            writable[entry.index] = true;
        }
        let mut ready = 0;
        for (index, item) in items.iter_mut().enumerate() {
            item.readable = readable[index];
            item.writable = writable[index];
            ready += usize::from(item.readable || item.writable);
        }
        out.write(ready);
        Ok(())
    })
}

/// Registers a TLS stream in the poller under `key`, like `sgss_poller_add` for its socket
/// (level-triggered), and more: while the stream holds decrypted plaintext not yet received
/// (`sgss_tls_pending` > 0; also the peer's close_notify or a failure not yet reported),
/// every wait reports it readable at once, although the socket has nothing new for the OS.
///
/// Change or end the registration with `sgss_poller_modify` / `sgss_poller_remove` on the
/// stream's socket (`sgss_tls_socket`). `sgss_tls_close` and `sgss_tls_free` take the
/// stream out of every poller. Thread-safe for the poller; the stream must not be in a call
/// taking `sgss_tls *` meanwhile.
///
/// Ownership: `poller` and `tls` are borrowed for the call only; the poller keeps no pointer
/// to the stream (either may be freed first).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`poller`, `tls`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (`key` is `UINT64_MAX`, which is reserved), `SGSS_RESULT_CLOSED` (after
/// `sgss_tls_close`), `SGSS_RESULT_OS_ERROR` (`EEXIST`: its socket is already registered in
/// this poller).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_add_tls(
    poller: *const sgss_poller,
    tls: *const sgss_tls,
    key: u64,
    readable: bool,
    writable: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        let stream = try_ref!(tls);
        let key = key_from_c(key)?;
        let interest = Interest { readable, writable };
        handle
            .core()
            .add_tls(stream, key, interest)
            .map_err(Failure::from)
    })
}
