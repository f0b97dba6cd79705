//! Every value conversion the bindings need, written once: seconds as `f64` to and from
//! [`Duration`], linger, buffer sizes and hop limits.
//!
//! SGScript and C callers give numbers (real seconds, integers); the OS wants durations and
//! C `int`s. Each function here checks the range, says in its error what was wrong and what
//! is accepted, and never truncates or wraps a value into a different valid one. Both
//! bindings (and the option table, [`SOCKET_OPTIONS`](crate::SOCKET_OPTIONS)) go through
//! these functions, so a value means the same from every language.
//!
//! | value | function | `0` means | negative | NaN | too large |
//! |---|---|---|---|---|---|
//! | timeout property | [`timeout_from_secs`] | no timeout | error | error | error |
//! | timeout of a call that waits | [`wait_timeout_from_secs`] | do not wait | error | error | wait forever |
//! | linger | [`linger_from_secs`] | reset on close | off | error | error |
//! | buffer size | [`buffer_size_from_int`] | error | error | – | error |
//! | hop limit (TTL) | [`ttl_from_int`] | error | error | – | error |
//! | multicast TTL | [`multicast_ttl_from_int`] | this host only | error | – | error |
//! | multicast interface | [`interface_from_int`] | default | error | – | error |
//! | option level, name, int value | [`c_int_from_int`] | 0 | allowed | – | error |
//! | getsockopt buffer size | [`option_size_from_int`] | error | error | – | error |
//! | descriptor | [`descriptor_from_int`] | 0 | error | – | error |
//!
//! Every error has category [`InvalidInput`](crate::ErrorCategory::InvalidInput) (code
//! `EINVAL`).

use std::time::Duration;

use crate::{sys, Error, Result};

/// The operation named by errors of [`timeout_from_secs`].
const TIMEOUT_OP: &str = "setsockopt(SO_RCVTIMEO/SO_SNDTIMEO)";
/// The operation named by errors of [`wait_timeout_from_secs`].
const WAIT_OP: &str = "timeout";
/// The operation named by errors of [`linger_from_secs`].
const LINGER_OP: &str = "setsockopt(SO_LINGER)";
/// The operation named by errors of [`buffer_size_from_int`].
const BUFFER_OP: &str = "setsockopt(SO_RCVBUF/SO_SNDBUF)";
/// The operation named by errors of [`ttl_from_int`].
const TTL_OP: &str = "setsockopt(IP_TTL)";
/// The operation named by errors of [`multicast_ttl_from_int`].
const MULTICAST_TTL_OP: &str = "setsockopt(IP_MULTICAST_TTL)";
/// The operation named by errors of [`interface_from_int`].
const INTERFACE_OP: &str = "setsockopt(IP_MULTICAST_IF)";

/// The largest buffer [`Socket::getsockopt_bytes`](crate::Socket::getsockopt_bytes) reads
/// an option into (Python's limit too).
pub const MAX_OPTION_SIZE: usize = 1024;

/// The largest buffer size the OS can store: `SO_RCVBUF` and `SO_SNDBUF` are C `int`s.
pub const MAX_BUFFER_SIZE: usize = i32::MAX as usize;

/// The largest hop limit (`IP_TTL`, `IPV6_UNICAST_HOPS`): the IP header field is one byte.
pub const MAX_TTL: u32 = 255;

/// The largest linger time in whole seconds the platform's `SO_LINGER` can hold
/// (`l_linger` is a C `int` on Unix, an unsigned 16-bit value on Windows).
pub const MAX_LINGER_SECS: u64 = sys::MAX_LINGER_SECS;

/// A timeout *property* (`SO_RCVTIMEO`, `SO_SNDTIMEO`) from seconds: `0` means "no timeout"
/// (`None`, calls wait forever).
///
/// Negative or NaN values are errors. So are infinity and values too large for a
/// [`Duration`] (about 1.8e19 seconds): for a property, "forever" is spelled `0`, and a
/// value that cannot be stored is refused rather than guessed. A positive value below one
/// microsecond is rounded up to one microsecond, so it never turns into "no timeout".
///
/// ```
/// use sgssockets_core::convert::timeout_from_secs;
/// use std::time::Duration;
///
/// assert_eq!(timeout_from_secs(0.0).unwrap(), None);
/// assert_eq!(timeout_from_secs(1.5).unwrap(), Some(Duration::from_millis(1500)));
/// assert_eq!(timeout_from_secs(1e-9).unwrap(), Some(Duration::from_micros(1)));
/// assert!(timeout_from_secs(-1.0).is_err());
/// assert!(timeout_from_secs(f64::NAN).is_err());
/// assert!(timeout_from_secs(f64::INFINITY).is_err());
/// ```
pub fn timeout_from_secs(secs: f64) -> Result<Option<Duration>> {
    if secs.is_nan() || secs < 0.0 {
        return Err(Error::invalid_input(
            TIMEOUT_OP,
            format!("a timeout must be 0 (none) or a positive number of seconds, got {secs}"),
        ));
    }
    if secs == 0.0 {
        return Ok(None);
    }
    let duration = Duration::try_from_secs_f64(secs).map_err(|_| {
        Error::invalid_input(
            TIMEOUT_OP,
            format!(
                "a timeout of {secs} seconds is too large (at most {:e}; 0 means no timeout)",
                Duration::MAX.as_secs_f64()
            ),
        )
    })?;
    Ok(Some(duration.max(Duration::from_micros(1))))
}

/// The inverse of [`timeout_from_secs`]: `None` (no timeout) is `0.0`.
///
/// ```
/// use sgssockets_core::convert::secs_from_timeout;
/// use std::time::Duration;
///
/// assert_eq!(secs_from_timeout(None), 0.0);
/// assert_eq!(secs_from_timeout(Some(Duration::from_millis(2500))), 2.5);
/// ```
pub fn secs_from_timeout(timeout: Option<Duration>) -> f64 {
    timeout.map_or(0.0, |d| d.as_secs_f64())
}

/// The timeout of a call that *waits* (select, a poller's wait, connect) from seconds:
/// `0` means "do not wait" (`Some(Duration::ZERO)`), `None` means "wait forever".
///
/// Negative or NaN values are errors. Infinity and any value too large to represent mean
/// "wait forever" (`None`): a long wait never wraps into a short one. Values that fit a
/// [`Duration`] but lie beyond what the clock can reach also wait forever, in
/// [`select`](crate::select).
///
/// ```
/// use sgssockets_core::convert::wait_timeout_from_secs;
/// use std::time::Duration;
///
/// assert_eq!(wait_timeout_from_secs(0.0).unwrap(), Some(Duration::ZERO));
/// assert_eq!(wait_timeout_from_secs(0.25).unwrap(), Some(Duration::from_millis(250)));
/// assert_eq!(wait_timeout_from_secs(f64::INFINITY).unwrap(), None);
/// assert_eq!(wait_timeout_from_secs(1e300).unwrap(), None);
/// assert!(wait_timeout_from_secs(-1.0).is_err());
/// assert!(wait_timeout_from_secs(f64::NAN).is_err());
/// ```
pub fn wait_timeout_from_secs(secs: f64) -> Result<Option<Duration>> {
    if secs == 0.0 {
        return Ok(Some(Duration::ZERO)); // the polling loops' case, without the float work
    }
    if secs.is_nan() || secs < 0.0 {
        return Err(Error::invalid_input(
            WAIT_OP,
            format!(
                "a timeout must be 0 (do not wait) or a positive number of seconds, got {secs}"
            ),
        ));
    }
    Ok(Duration::try_from_secs_f64(secs).ok())
}

/// `SO_LINGER` from seconds: negative means off (`None`, the default background close);
/// `0` means close resets the connection (`Some(Duration::ZERO)`); a positive value makes
/// close wait up to that long for unsent data.
///
/// The OS keeps whole seconds, so a positive fraction is rounded *up* (`0.5` is one
/// second): a conversion never turns a lingering close into an abortive one. NaN, infinity
/// and values above [`MAX_LINGER_SECS`] are errors, never truncated.
///
/// ```
/// use sgssockets_core::convert::{linger_from_secs, MAX_LINGER_SECS};
/// use std::time::Duration;
///
/// assert_eq!(linger_from_secs(-1.0).unwrap(), None);
/// assert_eq!(linger_from_secs(0.0).unwrap(), Some(Duration::ZERO));
/// assert_eq!(linger_from_secs(0.5).unwrap(), Some(Duration::from_secs(1)));
/// assert_eq!(linger_from_secs(3.0).unwrap(), Some(Duration::from_secs(3)));
/// assert!(linger_from_secs(f64::NAN).is_err());
/// assert!(linger_from_secs(MAX_LINGER_SECS as f64 + 1.0).is_err());
/// ```
pub fn linger_from_secs(secs: f64) -> Result<Option<Duration>> {
    if secs.is_nan() {
        return Err(Error::invalid_input(
            LINGER_OP,
            "linger must be a number of seconds (negative for off), got NaN",
        ));
    }
    if secs < 0.0 {
        return Ok(None);
    }
    let whole = secs.ceil();
    if whole > MAX_LINGER_SECS as f64 {
        return Err(Error::invalid_input(
            LINGER_OP,
            format!(
                "linger of {secs} seconds is too large: at most {MAX_LINGER_SECS} seconds \
                 (negative for off)"
            ),
        ));
    }
    // `whole` is a whole number in 0..=MAX_LINGER_SECS, so the cast is exact.
    Ok(Some(Duration::from_secs(whole as u64)))
}

/// The inverse of [`linger_from_secs`]: `None` (off) is `-1.0`.
///
/// ```
/// use sgssockets_core::convert::secs_from_linger;
/// use std::time::Duration;
///
/// assert_eq!(secs_from_linger(None), -1.0);
/// assert_eq!(secs_from_linger(Some(Duration::from_secs(1))), 1.0);
/// ```
pub fn secs_from_linger(linger: Option<Duration>) -> f64 {
    linger.map_or(-1.0, |d| d.as_secs_f64())
}

/// A linger duration the OS can hold: whole seconds, rounded up, at most
/// [`MAX_LINGER_SECS`]. Used by [`Socket::set_linger`](crate::Socket::set_linger).
pub(crate) fn checked_linger(linger: Option<Duration>) -> Result<Option<Duration>> {
    let Some(linger) = linger else {
        return Ok(None);
    };
    let secs = linger.as_secs() + u64::from(linger.subsec_nanos() > 0);
    if secs > MAX_LINGER_SECS {
        return Err(Error::invalid_input(
            LINGER_OP,
            format!(
                "linger of {} seconds is too large: at most {MAX_LINGER_SECS} seconds",
                linger.as_secs_f64()
            ),
        ));
    }
    Ok(Some(Duration::from_secs(secs)))
}

/// A buffer size (`SO_RCVBUF`, `SO_SNDBUF`) from an integer: 1 to [`MAX_BUFFER_SIZE`]
/// (2147483647, the OS stores a C `int`) bytes. Anything else is an error, never wrapped
/// (`2^32 + 100000` is not 100000).
///
/// ```
/// use sgssockets_core::convert::buffer_size_from_int;
///
/// assert_eq!(buffer_size_from_int(65536).unwrap(), 65536);
/// assert!(buffer_size_from_int(0).is_err());
/// assert!(buffer_size_from_int(-1).is_err());
/// assert!(buffer_size_from_int((1 << 32) + 100_000).is_err());
/// ```
pub fn buffer_size_from_int(value: i64) -> Result<usize> {
    match usize::try_from(value) {
        Ok(size) if (1..=MAX_BUFFER_SIZE).contains(&size) => Ok(size),
        _ => Err(Error::invalid_input(
            BUFFER_OP,
            format!("buffer size {value} is out of range: it must be 1 to {MAX_BUFFER_SIZE} bytes"),
        )),
    }
}

/// The inverse of [`buffer_size_from_int`] (saturating, though the OS never reports more
/// than `i32::MAX`).
///
/// ```
/// assert_eq!(sgssockets_core::convert::int_from_buffer_size(4096), 4096);
/// ```
pub fn int_from_buffer_size(size: usize) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}

/// A hop limit (`IP_TTL`, `IPV6_UNICAST_HOPS`) from an integer: 1 to [`MAX_TTL`] (255).
///
/// 0 is refused for both families: Linux rejects an IPv4 TTL of 0 (`EINVAL`) and a packet
/// with no hops left never leaves the host, so one rule serves IPv4 and IPv6.
///
/// ```
/// use sgssockets_core::convert::ttl_from_int;
///
/// assert_eq!(ttl_from_int(64).unwrap(), 64);
/// assert!(ttl_from_int(0).is_err());
/// assert!(ttl_from_int(256).is_err());
/// assert!(ttl_from_int((1 << 32) + 3).is_err());
/// ```
pub fn ttl_from_int(value: i64) -> Result<u32> {
    match u32::try_from(value) {
        Ok(ttl) if (1..=MAX_TTL).contains(&ttl) => Ok(ttl),
        _ => Err(Error::invalid_input(
            TTL_OP,
            format!("TTL {value} is out of range: it must be 1 to {MAX_TTL}"),
        )),
    }
}

/// A multicast hop limit (`IP_MULTICAST_TTL`, `IPV6_MULTICAST_HOPS`) from an integer: 0 to
/// [`MAX_TTL`] (255). Unlike the unicast [`ttl_from_int`], 0 is allowed: it keeps
/// multicast on this host.
///
/// ```
/// use sgssockets_core::convert::multicast_ttl_from_int;
///
/// assert_eq!(multicast_ttl_from_int(0).unwrap(), 0);
/// assert_eq!(multicast_ttl_from_int(255).unwrap(), 255);
/// assert!(multicast_ttl_from_int(-1).is_err());
/// assert!(multicast_ttl_from_int(256).is_err());
/// ```
pub fn multicast_ttl_from_int(value: i64) -> Result<u32> {
    match u32::try_from(value) {
        Ok(ttl) if ttl <= MAX_TTL => Ok(ttl),
        _ => Err(Error::invalid_input(
            MULTICAST_TTL_OP,
            format!("multicast TTL {value} is out of range: it must be 0 to {MAX_TTL}"),
        )),
    }
}

/// A multicast interface (`multicast_if`) from an integer: an IPv6 interface index, or an
/// IPv4 interface address as the 32-bit number of
/// [`SocketAddress::addr_u32`](crate::SocketAddress::addr_u32) (host order). 0 is the
/// default interface. Anything outside 0 to `u32::MAX` is an error, never wrapped.
///
/// ```
/// use sgssockets_core::convert::interface_from_int;
///
/// assert_eq!(interface_from_int(0).unwrap(), 0);
/// assert_eq!(interface_from_int(0x7f00_0001).unwrap(), 0x7f00_0001);
/// assert!(interface_from_int(-1).is_err());
/// assert!(interface_from_int(1 << 32).is_err());
/// ```
pub fn interface_from_int(value: i64) -> Result<u32> {
    u32::try_from(value).map_err(|_| {
        Error::invalid_input(
            INTERFACE_OP,
            format!(
                "interface {value} is out of range: it must be an index or an IPv4 address \
                 as a number, 0 to {}",
                u32::MAX
            ),
        )
    })
}

/// An option level, option name or integer option value from an integer: a C `int`
/// (`i32::MIN` to `i32::MAX`). Anything else is an error, never truncated.
///
/// ```
/// use sgssockets_core::convert::c_int_from_int;
///
/// assert_eq!(c_int_from_int(-1).unwrap(), -1);
/// assert!(c_int_from_int((1 << 32) + 1).is_err());
/// ```
pub fn c_int_from_int(value: i64) -> Result<i32> {
    i32::try_from(value).map_err(|_| {
        Error::invalid_input(
            "setsockopt",
            format!(
                "{value} is out of range for a C int ({} to {})",
                i32::MIN,
                i32::MAX
            ),
        )
    })
}

/// The buffer size of [`Socket::getsockopt_bytes`](crate::Socket::getsockopt_bytes): 1 to
/// [`MAX_OPTION_SIZE`] bytes.
///
/// ```
/// use sgssockets_core::convert::option_size_from_int;
///
/// assert_eq!(option_size_from_int(16).unwrap(), 16);
/// assert!(option_size_from_int(0).is_err());
/// assert!(option_size_from_int(1025).is_err());
/// ```
pub fn option_size_from_int(value: i64) -> Result<usize> {
    match usize::try_from(value) {
        Ok(size) if (1..=MAX_OPTION_SIZE).contains(&size) => Ok(size),
        _ => Err(Error::invalid_input(
            "getsockopt",
            format!("option size {value} is out of range: it must be 1 to {MAX_OPTION_SIZE} bytes"),
        )),
    }
}

/// A descriptor number (for [`Socket::from_fd_dup`](crate::Socket::from_fd_dup)) from an
/// integer: 0 to `i32::MAX` on Unix (a C `int`), any non-negative value for a Windows
/// `SOCKET`.
/// Anything else is an error: `2^32 + 3` is not descriptor 3.
///
/// ```
/// use sgssockets_core::convert::descriptor_from_int;
///
/// assert_eq!(descriptor_from_int(3).unwrap(), 3);
/// assert!(descriptor_from_int(-1).is_err());
/// # #[cfg(unix)]
/// assert!(descriptor_from_int((1 << 32) + 3).is_err());
/// ```
pub fn descriptor_from_int(value: i64) -> Result<sys::RawSocket> {
    match sys::RawSocket::try_from(value) {
        Ok(fd) if value >= 0 => Ok(fd),
        _ => Err(Error::invalid_input(
            "from_fd_dup",
            format!(
                "descriptor {value} is out of range: it must be 0 to {}",
                sys::RawSocket::MAX
            ),
        )),
    }
}
