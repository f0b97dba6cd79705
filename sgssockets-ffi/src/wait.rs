//! The one timeout rule of the calls that wait (`sgss_socket_select`, `sgss_poller_wait`).
//!
//! Seconds as a `double`: `0` does not wait (poll once), a positive value waits at most
//! that long, `INFINITY` (or [`SGSS_WAIT_FOREVER`], or any value too large for the OS)
//! waits forever, and a negative value or NaN is `SGSS_RESULT_INVALID_ARGUMENT`. The
//! conversion is core's [`convert::wait_timeout_from_secs`], the same the SGScript module
//! uses. Timeout *properties* (`sgss_socket_set_recv_timeout`/`_send_timeout`) follow
//! another rule: there 0 means "no timeout".

use std::time::Duration;

use sgssockets_core::convert;

use crate::result::Failure;

/// A timeout that waits forever, for the calls that wait (`sgss_socket_select`,
/// `sgss_poller_wait`); `INFINITY` from `<math.h>` works the same.
///
/// The timeout rule of every call that waits: seconds; 0 does not wait (poll once); a
/// positive value waits at most that long; `SGSS_WAIT_FOREVER`, `INFINITY` or any value
/// too large for the OS waits forever; a negative value or NaN is
/// `SGSS_RESULT_INVALID_ARGUMENT` (nothing is waited for). Timeout properties
/// (`sgss_socket_set_recv_timeout`/`_send_timeout`) differ: there 0 means no timeout.
pub const SGSS_WAIT_FOREVER: f64 = 1e300;

/// The wait of a call that waits, from C seconds, by the rule above.
pub(crate) fn wait_from_secs(timeout: f64) -> Result<Option<Duration>, Failure> {
    convert::wait_timeout_from_secs(timeout).map_err(Failure::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_every_wait() {
        assert_eq!(wait_from_secs(0.0).unwrap(), Some(Duration::ZERO));
        assert_eq!(
            wait_from_secs(0.25).unwrap(),
            Some(Duration::from_millis(250))
        );
        assert_eq!(wait_from_secs(f64::INFINITY).unwrap(), None);
        assert_eq!(wait_from_secs(SGSS_WAIT_FOREVER).unwrap(), None);
        for bad in [-1.0, -0.001, f64::NEG_INFINITY, f64::NAN] {
            assert!(
                matches!(wait_from_secs(bad), Err(failure) if failure.result() == crate::sgss_result::InvalidArgument),
                "{bad} must be an invalid argument"
            );
        }
    }
}
