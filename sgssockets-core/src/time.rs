//! Timeouts given as real seconds, as scripts and C callers give them.

use std::time::Duration;

use crate::{Error, Result};

/// A timeout in seconds as an optional [`Duration`]: `0` means "no timeout" (`None`).
///
/// Negative, NaN or infinite values are rejected. A positive value too small for the OS to
/// represent is rounded up to one microsecond, so it never turns into "no timeout".
///
/// ```
/// use sgssockets_core::time::timeout_from_secs;
/// use std::time::Duration;
/// assert_eq!(timeout_from_secs(0.0).unwrap(), None);
/// assert_eq!(timeout_from_secs(1.5).unwrap(), Some(Duration::from_millis(1500)));
/// assert!(timeout_from_secs(-1.0).is_err());
/// ```
pub fn timeout_from_secs(secs: f64) -> Result<Option<Duration>> {
    if secs.is_nan() || secs < 0.0 {
        return Err(Error::invalid_input(
            "timeout",
            format!("a timeout must be 0 or more seconds, got {secs}"),
        ));
    }
    if secs == 0.0 {
        return Ok(None);
    }
    let duration = Duration::try_from_secs_f64(secs).map_err(|_| {
        Error::invalid_input("timeout", format!("timeout of {secs} seconds is too large"))
    })?;
    Ok(Some(duration.max(Duration::from_micros(1))))
}

/// The inverse of [`timeout_from_secs`]: `None` is `0.0`.
pub fn secs_from_timeout(timeout: Option<Duration>) -> f64 {
    timeout.map_or(0.0, |d| d.as_secs_f64())
}
