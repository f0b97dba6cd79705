//! The platform errno table: names to codes and back, and the system's text for a code.
//!
//! On Windows the codes are Winsock's `WSAE*` values, which is what socket calls report there.

use crate::sys;

/// `EBADF` here: what every call on a closed socket reports.
pub const EBADF: i32 = sys::errno::EBADF;
/// `EINVAL` here: what a rejected argument reports.
pub const EINVAL: i32 = sys::errno::EINVAL;
/// `EINTR` here.
pub const EINTR: i32 = sys::errno::EINTR;
/// `ETIMEDOUT` here (`WSAETIMEDOUT` on Windows): what a connect that ran out of time reports.
pub const ETIMEDOUT: i32 = sys::errno::ETIMEDOUT;
/// `ENOTSOCK` here (`WSAENOTSOCK` on Windows): a descriptor that is not a socket.
pub const ENOTSOCK: i32 = sys::errno::ENOTSOCK;
/// `EWOULDBLOCK` here (`EAGAIN` on Linux, `WSAEWOULDBLOCK` on Windows): a call on a
/// non-blocking socket that could not proceed, or one that ran into the socket's timeout.
pub const EWOULDBLOCK: i32 = sys::errno::EWOULDBLOCK;

/// Every name [`errno_by_name`] knows, with this platform's value.
pub fn all() -> &'static [(&'static str, i32)] {
    sys::errno::TABLE
}

/// The platform code for an errno name such as `"EWOULDBLOCK"`.
///
/// ```
/// use sgssockets_core::errno::errno_by_name;
/// assert!(errno_by_name("ECONNREFUSED").is_some());
/// assert_eq!(errno_by_name("ENOTANERROR"), None);
/// ```
pub fn errno_by_name(name: &str) -> Option<i32> {
    sys::errno::TABLE
        .iter()
        .find(|(known, _)| *known == name)
        .map(|(_, code)| *code)
}

/// The name of a platform code. Where two names share a value (`EAGAIN`/`EWOULDBLOCK`),
/// the alphabetically first is returned.
pub fn errno_name(code: i32) -> Option<&'static str> {
    sys::errno::TABLE
        .iter()
        .find(|(_, value)| *value == code)
        .map(|(name, _)| *name)
}

/// The system's text for a code, e.g. `"Connection refused"`. Code 0 gives `"Success"`.
pub fn error_text(code: i32) -> String {
    if code == 0 {
        return "Success".to_owned();
    }
    if let Some((_, text)) = crate::sys::errno::TEXTS.iter().find(|(c, _)| *c == code) {
        return (*text).to_owned();
    }
    let text = std::io::Error::from_raw_os_error(code).to_string();
    // std appends " (os error N)"; the caller wants the system's words alone.
    match text.rfind(" (os error ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}
