//! `select`: select(2)'s meaning on lists of sockets, built on poll(2) (WSAPoll on
//! Windows), so there is no limit on descriptor numbers or on how many sockets are waited on.

use std::io;
use std::time::{Duration, Instant};

use crate::error::Context;
use crate::sys::{self, poll_bits, RawSocket};
use crate::{Error, Result, Socket};

/// Something `select` can wait on: an open socket's handle, or `None` if it is closed.
pub trait Selectable {
    /// The OS handle, or `None` when closed (select then fails with `EBADF`).
    fn raw_socket(&self) -> Option<RawSocket>;

    /// Whether a receive returns at once without asking the OS (a TLS stream's decrypted,
    /// buffered plaintext). In the read list such an item is ready whatever poll says, and
    /// `select` does not wait while there is one. `false` for plain sockets.
    fn has_buffered_input(&self) -> bool {
        false
    }
}

impl Selectable for Socket {
    fn raw_socket(&self) -> Option<RawSocket> {
        Socket::raw_socket(self)
    }
}

impl<T: Selectable + ?Sized> Selectable for &T {
    fn raw_socket(&self) -> Option<RawSocket> {
        (**self).raw_socket()
    }

    fn has_buffered_input(&self) -> bool {
        (**self).has_buffered_input()
    }
}

/// What counts as "ready" for each list, in select(2)'s terms.
const READ_READY: i16 = poll_bits::READ | poll_bits::ERROR | poll_bits::HANGUP;
const WRITE_READY: i16 = poll_bits::WRITE | poll_bits::ERROR;
const EXCEPT_READY: i16 = poll_bits::EXCEPT;

/// Waits until a socket in `read` is readable, one in `write` writable or one in `error`
/// has an exceptional condition (out-of-band data), or until `timeout` passes
/// (`None` waits forever).
///
/// Each list is then filtered in place to its ready sockets, in their original order,
/// and the total number of ready entries is returned (0 on timeout: all lists emptied).
/// A closed socket in any list is an error (`EBADF`) and leaves the lists as they were.
/// An item of the read list with buffered input ([`Selectable::has_buffered_input`]: a
/// TLS stream holding decrypted plaintext) is ready without waiting.
/// A wait interrupted by a signal resumes with the time that is left.
///
/// ```
/// use sgssockets_core::{select, Socket, MsgFlags};
/// use std::time::Duration;
///
/// let a = Socket::udp(false).unwrap();
/// a.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
/// let b = Socket::udp(false).unwrap();
/// b.bind(&"127.0.0.1:0".parse().unwrap()).unwrap();
/// b.send_to(b"x", &a.local_addr().unwrap(), MsgFlags::empty()).unwrap();
///
/// let mut read = vec![&b, &a];
/// let ready = select(&mut read, &mut vec![], &mut vec![], Some(Duration::from_secs(5))).unwrap();
/// assert_eq!(ready, 1);
/// assert!(std::ptr::eq(read[0], &a));
/// ```
pub fn select<T: Selectable>(
    read: &mut Vec<T>,
    write: &mut Vec<T>,
    error: &mut Vec<T>,
    timeout: Option<Duration>,
) -> Result<usize> {
    let mut entries = Vec::with_capacity(read.len() + write.len() + error.len());
    for (list, events) in [
        (&*read, poll_bits::READ),
        (&*write, poll_bits::WRITE),
        (&*error, poll_bits::EXCEPT),
    ] {
        for item in list {
            let raw = item.raw_socket().ok_or_else(|| Error::closed("select"))?;
            entries.push(sys::poll_fd(raw, events));
        }
    }

    // Buffered input (TLS plaintext) is readable now: poll only to see what else is.
    let timeout = if read.iter().any(|item| item.has_buffered_input()) {
        Some(Duration::ZERO)
    } else {
        timeout
    };
    poll_until(&mut entries, timeout).during("select")?;
    if entries
        .iter()
        .any(|entry| sys::poll_revents(entry) & poll_bits::INVALID != 0)
    {
        return Err(Error::closed("select"));
    }

    let mut revents = entries.iter().map(sys::poll_revents);
    let mut ready = 0;
    for (list, mask, reading) in [
        (read, READ_READY, true),
        (write, WRITE_READY, false),
        (error, EXCEPT_READY, false),
    ] {
        list.retain(|item| {
            let polled = revents.next().is_some_and(|bits| bits & mask != 0);
            let is_ready = polled || (reading && item.has_buffered_input());
            ready += usize::from(is_ready);
            is_ready
        });
    }
    Ok(ready)
}

/// Waits until `raw` is writable or `timeout` passes; `false` on timeout.
pub(crate) fn wait_writable(raw: RawSocket, timeout: Option<Duration>) -> io::Result<bool> {
    let mut entry = [sys::poll_fd(raw, poll_bits::WRITE)];
    Ok(poll_until(&mut entry, timeout)? > 0)
}

/// poll until something is ready or the deadline passes, resuming after signals with
/// the time that is left. Sub-millisecond remainders round up so a short timeout never
/// becomes a busy loop.
fn poll_until(entries: &mut [sys::PollFd], timeout: Option<Duration>) -> io::Result<usize> {
    let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
    loop {
        let timeout_ms = match deadline {
            None => -1,
            Some(deadline) => {
                let left = deadline.saturating_duration_since(Instant::now());
                let ms = left.as_nanos().div_ceil(1_000_000);
                i32::try_from(ms).unwrap_or(i32::MAX)
            }
        };
        match sys::poll(entries, timeout_ms) {
            Ok(0) if deadline.is_some_and(|d| Instant::now() < d) => continue,
            Ok(ready) => return Ok(ready),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
    }
}
