//! Signals that interrupt blocking system calls, to test that a call retries after `EINTR`
//! and still keeps its timeout.

use std::ffi::c_int;
use std::os::unix::thread::JoinHandleExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Signals delivered so far, by signal number (numbers beyond the table are not counted).
static DELIVERED: [AtomicUsize; 65] = [const { AtomicUsize::new(0) }; 65];

/// How often [`CountingHandler::run_interrupted`] signals the thread, and how many times at most.
const INTERVAL: Duration = Duration::from_millis(20);
const MAX_SIGNALS: usize = 1000;

extern "C" fn count(signal: c_int) {
    // Only an atomic is touched: async-signal-safe.
    if let Some(counter) = usize::try_from(signal).ok().and_then(|n| DELIVERED.get(n)) {
        counter.fetch_add(1, Ordering::SeqCst);
    }
}

/// A process-wide handler for one signal that only counts deliveries. It is installed
/// without `SA_RESTART`, so each delivery makes a blocking system call of the signalled
/// thread fail with `EINTR`.
#[derive(Debug, Clone, Copy)]
pub struct CountingHandler {
    signal: c_int,
}

impl CountingHandler {
    /// Installs the handler for `signal` (e.g. `libc::SIGUSR1`); installing it again, from
    /// any test, is harmless. Panics if `sigaction` fails.
    pub fn install(signal: c_int) -> CountingHandler {
        // SAFETY: a zeroed sigaction with a plain handler, an empty mask and no flags (no
        // SA_RESTART) is valid; the handler only touches an atomic, which is
        // async-signal-safe.
        let rc = unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = count as extern "C" fn(c_int) as libc::sighandler_t;
            action.sa_flags = 0;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(signal, &action, std::ptr::null_mut())
        };
        assert_eq!(
            rc,
            0,
            "sigaction({signal}): {}",
            std::io::Error::last_os_error()
        );
        CountingHandler { signal }
    }

    /// Deliveries of the signal so far, to this process (from every test in it).
    pub fn delivered(&self) -> usize {
        usize::try_from(self.signal)
            .ok()
            .and_then(|n| DELIVERED.get(n))
            .map_or(0, |counter| counter.load(Ordering::SeqCst))
    }

    /// Runs `body` on a new thread and keeps sending the signal to that thread, every 20 ms
    /// (at most 1000 times), until the call `body` times with [`BlockingCall::time`] has
    /// returned (or `body` has); returns what `body` returns.
    ///
    /// This is a stream of interruptions, not synchronisation: a test's assertions must hold
    /// whenever the signals land (also during what `body` does before its blocking call).
    pub fn run_interrupted<T: Send + 'static>(
        &self,
        body: impl FnOnce(&BlockingCall) -> T + Send + 'static,
    ) -> T {
        let call = BlockingCall {
            returned: Arc::new(AtomicBool::new(false)),
        };
        let thread = {
            let call = call.clone();
            std::thread::spawn(move || {
                let result = body(&call);
                call.returned.store(true, Ordering::SeqCst);
                result
            })
        };
        let mut sent = 0;
        while !call.returned.load(Ordering::SeqCst) && sent < MAX_SIGNALS {
            // SAFETY: the thread is not joined before the loop ends, so its id stays valid
            // (also once it has finished), and the signal has a handler (this one), so it
            // cannot terminate the process.
            unsafe { libc::pthread_kill(thread.as_pthread_t(), self.signal) };
            sent += 1;
            std::thread::park_timeout(INTERVAL);
        }
        thread
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// The blocking call of a [`CountingHandler::run_interrupted`] body: signals stop once it has
/// returned.
#[derive(Debug, Clone)]
pub struct BlockingCall {
    returned: Arc<AtomicBool>,
}

impl BlockingCall {
    /// Runs `call`, returning its result and how long it took; no signal is sent after it
    /// has returned.
    pub fn time<R>(&self, call: impl FnOnce() -> R) -> (R, Duration) {
        let started = Instant::now();
        let result = call();
        let elapsed = started.elapsed();
        self.returned.store(true, Ordering::SeqCst);
        (result, elapsed)
    }
}

/// Asserts that a wait bounded by `timeout`, interrupted by signals, ran out on schedule: it
/// did not return early, and did not start its timeout over on each signal
/// (`timeout <= elapsed < 3 * timeout`).
pub fn assert_timeout_kept(elapsed: Duration, timeout: Duration) {
    assert!(elapsed >= timeout, "returned early after {elapsed:?}");
    assert!(
        elapsed < timeout * 3,
        "the timeout restarted on each signal: {elapsed:?}"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sleep_is_interrupted_and_deliveries_are_counted() {
        let handler = CountingHandler::install(libc::SIGUSR2);
        let before = handler.delivered();
        let (interrupted, elapsed) = handler.run_interrupted(|call| {
            call.time(|| {
                // nanosleep returns early with EINTR when the signal lands.
                (0..50).any(|_| {
                    let mut left = libc::timespec {
                        tv_sec: 0,
                        tv_nsec: 100_000_000,
                    };
                    // SAFETY: both pointers are to a timespec we own.
                    unsafe { libc::nanosleep(&left, &mut left) == -1 }
                })
            })
        });
        assert!(interrupted, "the sleep was interrupted");
        assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
        assert!(handler.delivered() > before);
    }

    #[test]
    fn a_timeout_kept_is_between_once_and_three_times() {
        let timeout = Duration::from_millis(100);
        assert_timeout_kept(Duration::from_millis(150), timeout);
        assert!(std::panic::catch_unwind(|| assert_timeout_kept(timeout / 2, timeout)).is_err());
        assert!(std::panic::catch_unwind(|| assert_timeout_kept(timeout * 3, timeout)).is_err());
    }
}
