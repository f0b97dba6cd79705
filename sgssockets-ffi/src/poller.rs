//! `sgss_poller`: register sockets once, then wait for the ready ones at a cost that does
//! not grow with how many are registered (core's [`Poller`]: epoll on Linux).
//!
//! A poller handle is owned by the caller and freed with `sgss_poller_free`. Its Rust value
//! is the core poller plus the buffer a wait fills, limited to the caller's array: the
//! kernel is asked for no more events than fit, so none is held back between calls and
//! none is lost (the others stay ready for the next wait).
//!
//! Thread-safety: every function except `sgss_poller_free` takes a `const sgss_poller *`
//! and may run on several threads at once: one thread waits while others add, modify or
//! remove sockets and `sgss_poller_notify` wakes it. Only one `sgss_poller_wait` runs at a
//! time on one poller (a second one fails at once): the waiting thread holds the buffer,
//! which no other call needs.

use std::mem::MaybeUninit;
use std::num::NonZeroUsize;
use std::sync::{Mutex, TryLockError};
use std::time::Duration;

use sgssockets_core::{Interest, PollEvents, PollMode, Poller, Socket};

use crate::boundary::{
    box_castable, ffi_boundary, ffi_boundary_void, free_box, to_box, try_out, try_ref,
};
use crate::result::{sgss_error, sgss_result, Failure};
use crate::socket::sgss_socket;
use crate::wait::wait_from_secs;

/// A poller: a set of registered sockets and a way to wait for the ready ones. Opaque: use
/// it through pointers and the `sgss_poller_*` functions.
///
/// An owned handle: owned by the caller from `sgss_poller_new` until `sgss_poller_free`,
/// exactly once. The other functions take `const sgss_poller *` and may be called from
/// several threads at once (one `sgss_poller_wait` at a time).
#[derive(Debug)]
pub struct sgss_poller {
    _private: [u8; 0],
}

// Owned: made by `sgss_poller_new`, ended by `sgss_poller_free`.
box_castable! { sgss_poller => PollerHandle }

/// The value behind an `sgss_poller`: the core poller and the buffer its waits fill.
#[derive(Debug)]
pub struct PollerHandle {
    poller: Poller,
    /// Held by the waiting thread for the whole wait (a second waiter finds it locked and
    /// fails at once).
    events: Mutex<PollEvents>,
}

impl PollerHandle {
    fn new(poller: Poller) -> PollerHandle {
        PollerHandle {
            poller,
            events: Mutex::new(PollEvents::new()),
        }
    }

    /// Waits and writes the ready sockets to `out`: at most `out.len()`, the most core asks
    /// the kernel for, so every event found fits.
    fn wait(
        &self,
        out: &mut [MaybeUninit<sgss_poll_event>],
        timeout: Option<Duration>,
    ) -> Result<usize, Failure> {
        let mut events = match self.events.try_lock() {
            Ok(events) => events,
            // A panic in an earlier wait left the buffer valid (a wait starts by emptying it).
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
            Err(TryLockError::WouldBlock) => {
                return Err(Failure::Invalid(
                    "another thread is already waiting on this poller".to_owned(),
                ))
            }
        };
        events.set_limit(NonZeroUsize::new(out.len()));
        let count = self.poller.wait(&mut events, timeout)?;
        for (slot, event) in out.iter_mut().zip(events.iter()) {
            slot.write(sgss_poll_event {
                key: event.key,
                readable: event.readable,
                writable: event.writable,
            });
        }
        Ok(count)
    }

    /// The core poller, for registrations made in other modules (`sgss_poller_add_tls`).
    #[cfg(feature = "tls")]
    pub(crate) fn core(&self) -> &Poller {
        &self.poller
    }
}

/// One ready socket, as `sgss_poller_wait` reports it.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct sgss_poll_event {
    /// The key the socket was registered with.
    pub key: u64,
    /// A receive (or accept) will not block. Errors and hang-ups (the peer closed, a
    /// reset) count as readable, so the next receive reports them.
    pub readable: bool,
    /// A send will not block (errors and hang-ups too, when writes were asked for).
    pub writable: bool,
}

/// How `sgss_poller_add_with_mode` registers a socket: one of the `SGSS_POLL_*` values.
pub type sgss_poll_mode = u32;

/// Level-triggered (the default of `sgss_poller_add`): every wait reports the socket while
/// it is ready, as `sgss_socket_select` does.
pub const SGSS_POLL_LEVEL: sgss_poll_mode = 0;
/// Edge-triggered: a wait reports the socket once each time it becomes ready; read or
/// write until `SGSS_RESULT_WOULD_BLOCK` before waiting again.
pub const SGSS_POLL_EDGE: sgss_poll_mode = 1;
/// Oneshot: the socket is reported once, then nothing until `sgss_poller_modify` arms it
/// again.
pub const SGSS_POLL_ONESHOT: sgss_poll_mode = 2;

/// A mode number from C, checked.
fn mode_from_c(mode: sgss_poll_mode) -> Result<PollMode, Failure> {
    match mode {
        SGSS_POLL_LEVEL => Ok(PollMode::Level),
        SGSS_POLL_EDGE => Ok(PollMode::Edge),
        SGSS_POLL_ONESHOT => Ok(PollMode::Oneshot),
        other => Err(Failure::Invalid(format!(
            "mode {other} is not SGSS_POLL_LEVEL, SGSS_POLL_EDGE or SGSS_POLL_ONESHOT"
        ))),
    }
}

/// A key from C, checked: `UINT64_MAX` is the poller's own wake-up.
pub(crate) fn key_from_c(key: u64) -> Result<u64, Failure> {
    if key == u64::MAX {
        return Err(Failure::Invalid(
            "key UINT64_MAX is reserved for the poller's wake-up".to_owned(),
        ));
    }
    Ok(key)
}

/// The caller's event array `(events, capacity)`, checked: not NULL, not empty, not larger
/// than memory can be.
///
/// # Safety
/// `events` is NULL or points at `capacity` writable `sgss_poll_event`s that nothing else
/// uses during the call.
unsafe fn events_arg<'a>(
    events: *mut sgss_poll_event,
    capacity: usize,
) -> Result<&'a mut [MaybeUninit<sgss_poll_event>], Failure> {
    if events.is_null() {
        return Err(Failure::Null("events"));
    }
    if capacity == 0 {
        return Err(Failure::Invalid(
            "capacity is 0: the array must hold at least one event".to_owned(),
        ));
    }
    if capacity > isize::MAX as usize / std::mem::size_of::<sgss_poll_event>() {
        return Err(Failure::Invalid(format!(
            "capacity {capacity} is too large"
        )));
    }
    // SAFETY: `events` is not NULL and points at `capacity` writable events that nothing
    // else uses during the call (this function's contract); their size fits `isize`
    // (checked above), and `MaybeUninit` allows memory C never initialised.
    Ok(unsafe { std::slice::from_raw_parts_mut(events.cast(), capacity) })
}

/// Creates a poller (an epoll instance on Linux, kqueue on BSD and macOS, an I/O completion
/// port on Windows).
///
/// Ownership: on success the caller owns `*out` until it passes it to `sgss_poller_free`;
/// on failure `*out` is unchanged.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`out`), `SGSS_RESULT_OS_ERROR` (e.g. `EMFILE`).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_new(
    out: *mut *mut sgss_poller,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let out = try_out!(out);
        let poller = Poller::new()?;
        out.write(to_box(PollerHandle::new(poller)));
        Ok(())
    })
}

/// Frees the poller. NULL is ignored. The sockets registered in it are only unregistered:
/// they stay open and usable. No other thread may use the poller during or after this call.
///
/// Ownership: ends the caller's ownership of `poller` (from `sgss_poller_new`): call it
/// once per poller. Descriptors lent by `sgss_poller_descriptor` are closed.
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_free(poller: *mut sgss_poller) {
    ffi_boundary_void!({
        // SAFETY: the caller passes NULL or a poller it owns and no longer uses.
        unsafe { free_box(poller) };
    })
}

/// Registers `socket` under `key` for readability (`readable`), writability (`writable`),
/// both or neither (it stays registered and reports nothing until `sgss_poller_modify`);
/// level-triggered: every wait reports it while it is ready. `key` is the caller's and comes
/// back in `sgss_poll_event.key` (e.g. an index or a pointer cast to `uint64_t`); give each
/// socket its own key.
///
/// Closing (`sgss_socket_close`) or freeing a registered socket unregisters it first: it is
/// never reported after that, even if a new socket reuses its descriptor number. Thread-safe.
///
/// Ownership: `poller` and `socket` are borrowed for the call only; the poller keeps no
/// pointer to the socket (either may be freed first).
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`poller`, `socket`), `SGSS_RESULT_INVALID_ARGUMENT`
/// (`key` is `UINT64_MAX`, which is reserved), `SGSS_RESULT_CLOSED`, `SGSS_RESULT_OS_ERROR`
/// (`EEXIST`: already registered in this poller; `EPERM`: a descriptor epoll cannot watch).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_add(
    poller: *const sgss_poller,
    socket: *const sgss_socket,
    key: u64,
    readable: bool,
    writable: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        let socket = try_ref!(socket);
        add(handle, socket, key, readable, writable, PollMode::Level)
    })
}

/// Like `sgss_poller_add`, with a mode: `SGSS_POLL_LEVEL`, `SGSS_POLL_EDGE` or
/// `SGSS_POLL_ONESHOT`. Linux has all three; a mode the platform lacks is refused.
/// Thread-safe.
///
/// Ownership: `poller` and `socket` are borrowed for the call only.
///
/// Errors: as `sgss_poller_add`, and `SGSS_RESULT_INVALID_ARGUMENT` for a number that is no
/// mode or a mode this platform does not support (the message says which).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_add_with_mode(
    poller: *const sgss_poller,
    socket: *const sgss_socket,
    key: u64,
    readable: bool,
    writable: bool,
    mode: sgss_poll_mode,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        let socket = try_ref!(socket);
        let mode = mode_from_c(mode)?;
        add(handle, socket, key, readable, writable, mode)
    })
}

/// The body of both add functions, after the pointers are checked.
fn add(
    handle: &PollerHandle,
    socket: &Socket,
    key: u64,
    readable: bool,
    writable: bool,
    mode: PollMode,
) -> Result<(), Failure> {
    let key = key_from_c(key)?;
    let interest = Interest { readable, writable };
    handle
        .poller
        .add_with_mode(socket, key, interest, mode)
        .map_err(Failure::from)
}

/// Changes what a registered socket reports: `readable`, `writable`, both, or neither (it
/// stays registered, reporting nothing). For a oneshot registration this arms it again.
/// Thread-safe.
///
/// Ownership: `poller` and `socket` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`poller`, `socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR` (`ENOENT`: not registered in this poller).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_modify(
    poller: *const sgss_poller,
    socket: *const sgss_socket,
    readable: bool,
    writable: bool,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        let socket = try_ref!(socket);
        let interest = Interest { readable, writable };
        handle
            .poller
            .modify(socket, interest)
            .map_err(Failure::from)
    })
}

/// Unregisters `socket`; when `out_key` is not NULL, `*out_key` receives the key it was
/// registered under; no later wait reports it. (A socket closed with `sgss_socket_close`
/// left every poller already: removing it gives `SGSS_RESULT_CLOSED`.) Thread-safe.
///
/// Ownership: `poller` and `socket` are borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`poller`, `socket`), `SGSS_RESULT_CLOSED`,
/// `SGSS_RESULT_OS_ERROR` (`ENOENT`: not registered in this poller).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_remove(
    poller: *const sgss_poller,
    socket: *const sgss_socket,
    out_key: *mut u64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        let socket = try_ref!(socket);
        // SAFETY: `out_key` is an optional out-parameter of this function: NULL or writable.
        let out_key = unsafe { out_key.cast::<MaybeUninit<u64>>().as_mut() };
        let key = handle.poller.remove(socket).map_err(Failure::from)?;
        if let Some(out_key) = out_key {
            out_key.write(key);
        }
        Ok(())
    })
}

/// Writes the number of registered sockets to `*out_count` (closed and freed sockets are no
/// longer counted). Thread-safe.
///
/// Ownership: `poller` is borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`poller`, `out_count`).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_count(
    poller: *const sgss_poller,
    out_count: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        try_out!(out_count).write(handle.poller.len());
        Ok(())
    })
}

/// Waits until a registered socket is ready, `timeout` seconds pass (the rule of every
/// call that waits, see `SGSS_WAIT_FOREVER`: 0 does not wait, `SGSS_WAIT_FOREVER` or
/// `INFINITY` waits forever, negative or NaN is invalid) or `sgss_poller_notify` is called; then writes up to `capacity` ready
/// sockets to `events[0..]` and their number to `*out_count` (0 on timeout or a
/// notification). A socket both readable and writable is one event. A signal does not end
/// the wait early.
///
/// One system call finds the ready sockets, however many are registered. The kernel is
/// asked for at most `capacity`: if more are ready, the others stay ready and a later wait
/// reports them, so nothing is lost. Level-triggered sockets take turns (those left out
/// come first next time), so one that stays ready cannot starve the others; edge and
/// oneshot events stay queued until a wait takes them. An array of `sgss_poller_count`
/// entries takes every ready socket in one call.
///
/// Thread-safe: other threads may add, modify, remove and notify meanwhile, but only one
/// thread waits on one poller at a time (a second wait fails with
/// `SGSS_RESULT_INVALID_ARGUMENT`).
///
/// Ownership: `poller` is borrowed for the call only; `events` is the caller's array,
/// written and not kept.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`poller`, `events`, `out_count`),
/// `SGSS_RESULT_INVALID_ARGUMENT` (`capacity` 0 or too large, negative or NaN timeout, another thread
/// waiting), `SGSS_RESULT_OS_ERROR`. On error `events` and `*out_count` are unchanged.
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_wait(
    poller: *const sgss_poller,
    events: *mut sgss_poll_event,
    capacity: usize,
    timeout: f64,
    out_count: *mut usize,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        let out_count = try_out!(out_count);
        // SAFETY: `(events, capacity)` is the array argument of this function: NULL or
        // `capacity` writable events nobody else uses during the call (the C contract).
        let events = unsafe { events_arg(events, capacity) }?;
        let timeout = wait_from_secs(timeout)?;
        out_count.write(handle.wait(events, timeout)?);
        Ok(())
    })
}

/// Wakes the `sgss_poller_wait` in progress on another thread (or, if none is, makes the
/// next one return at once), which then reports 0 events unless sockets are ready.
/// Thread-safe: this is the call for other threads.
///
/// Ownership: `poller` is borrowed for the call only.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`poller`), `SGSS_RESULT_OS_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_notify(
    poller: *const sgss_poller,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        handle.poller.notify().map_err(Failure::from)
    })
}

/// Writes the poller's own OS handle to `*out_fd`, for embedding it in a host event loop:
/// on Unix the epoll (or kqueue) descriptor, which is readable when `sgss_poller_wait` would
/// report something; on Windows the I/O completion port `HANDLE` as an integer. Thread-safe.
///
/// Ownership: `poller` is borrowed for the call. The handle is lent, not given: valid until
/// `sgss_poller_free`; never close it or change its registrations yourself.
///
/// Errors: `SGSS_RESULT_NULL_ARGUMENT` (`poller`, `out_fd`).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_descriptor(
    poller: *const sgss_poller,
    out_fd: *mut i64,
    err: *mut sgss_error,
) -> sgss_result {
    ffi_boundary!(err, {
        let handle = try_ref!(poller);
        let out = try_out!(out_fd);
        out.write(crate::descriptor::poller_handle(&handle.poller));
        Ok(())
    })
}

/// Deprecated: use `sgss_poller_descriptor` (the same function under the name that follows
/// `sgss_socket_descriptor`).
#[no_mangle]
pub unsafe extern "C" fn sgss_poller_fd(
    poller: *const sgss_poller,
    out_fd: *mut i64,
    err: *mut sgss_error,
) -> sgss_result {
    // SAFETY: the same arguments and contract as `sgss_poller_descriptor`.
    unsafe { sgss_poller_descriptor(poller, out_fd, err) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(key: u64) -> sgss_poll_event {
        sgss_poll_event {
            key,
            readable: false,
            writable: false,
        }
    }

    #[test]
    fn modes_and_keys_from_c_are_checked() {
        assert_eq!(mode_from_c(SGSS_POLL_LEVEL).unwrap(), PollMode::Level);
        assert_eq!(mode_from_c(SGSS_POLL_EDGE).unwrap(), PollMode::Edge);
        assert_eq!(mode_from_c(SGSS_POLL_ONESHOT).unwrap(), PollMode::Oneshot);
        assert!(matches!(mode_from_c(3), Err(Failure::Invalid(_))));
        assert!(matches!(key_from_c(u64::MAX), Err(Failure::Invalid(_))));
        assert_eq!(key_from_c(u64::MAX - 1).unwrap(), u64::MAX - 1);
    }

    #[test]
    fn the_event_array_is_checked() {
        let mut array = [event(0); 2];
        // SAFETY: NULL is checked before use; `array` holds 2 events.
        unsafe {
            assert!(matches!(
                events_arg(std::ptr::null_mut(), 2),
                Err(Failure::Null("events"))
            ));
            assert!(matches!(
                events_arg(array.as_mut_ptr(), 0),
                Err(Failure::Invalid(_))
            ));
            assert!(matches!(
                events_arg(array.as_mut_ptr(), usize::MAX),
                Err(Failure::Invalid(_))
            ));
            assert_eq!(events_arg(array.as_mut_ptr(), 2).unwrap().len(), 2);
        }
    }
}
