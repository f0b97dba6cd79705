//! The process's soft descriptor limit (`RLIMIT_NOFILE`), changed for the length of a test
//! or bench and restored afterwards.
//!
//! The limit is process-wide: a test that lowers it should be alone in its test binary, or
//! other tests running in parallel fail to open descriptors.

/// `getrlimit(RLIMIT_NOFILE)`; panics if it fails (it does not on a supported system).
fn get() -> libc::rlimit {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into the struct we own.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    assert_eq!(
        rc,
        0,
        "getrlimit(RLIMIT_NOFILE): {}",
        std::io::Error::last_os_error()
    );
    limit
}

/// `setrlimit(RLIMIT_NOFILE)`.
fn set(limit: &libc::rlimit) -> std::io::Result<()> {
    // SAFETY: setrlimit reads the struct we own.
    if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, limit) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The current soft descriptor limit.
pub fn soft_limit() -> libc::rlim_t {
    get().rlim_cur
}

/// A changed soft descriptor limit; the limit it replaced comes back when this is dropped.
///
/// Declare it before the descriptors opened under it, so they are closed first.
#[derive(Debug)]
#[must_use = "the original limit is restored as soon as this is dropped"]
pub struct SoftFdLimit {
    original: libc::rlimit,
}

impl SoftFdLimit {
    /// Sets the soft limit to `soft` (the hard limit is kept).
    fn set_soft(soft: libc::rlim_t) -> std::io::Result<SoftFdLimit> {
        let original = get();
        set(&libc::rlimit {
            rlim_cur: soft,
            rlim_max: original.rlim_max,
        })?;
        Ok(SoftFdLimit { original })
    }

    /// Lowers the soft limit to `limit` descriptors, to run a process out of them.
    ///
    /// Panics if the limit cannot be set (lowering the soft limit is always allowed).
    pub fn lower_to(limit: libc::rlim_t) -> SoftFdLimit {
        Self::set_soft(limit)
            .unwrap_or_else(|err| panic!("setrlimit(RLIMIT_NOFILE, {limit}): {err}"))
    }

    /// Raises the soft limit to at least `wanted`; `None` (nothing changed) when the hard
    /// limit is lower, so the caller can skip what needs that many descriptors. A soft limit
    /// already at or above `wanted` is kept as it is.
    pub fn raise_to(wanted: libc::rlim_t) -> Option<SoftFdLimit> {
        let current = get();
        if current.rlim_cur >= wanted {
            return Some(SoftFdLimit { original: current });
        }
        if current.rlim_max < wanted {
            return None;
        }
        Self::set_soft(wanted).ok()
    }

    /// Raises the soft limit as far as the hard limit allows, but not above `cap`; never
    /// lowers it. Returns the guard and the soft limit now in force.
    pub fn raise_up_to(cap: libc::rlim_t) -> (SoftFdLimit, libc::rlim_t) {
        let current = get();
        let wanted = current.rlim_max.min(cap).max(current.rlim_cur);
        match Self::set_soft(wanted) {
            Ok(guard) => (guard, wanted),
            Err(_) => (SoftFdLimit { original: current }, current.rlim_cur),
        }
    }
}

impl Drop for SoftFdLimit {
    fn drop(&mut self) {
        if let Err(err) = set(&self.original) {
            if !std::thread::panicking() {
                panic!("restoring RLIMIT_NOFILE: {err}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test only: the limit is process-wide, and the test binary runs tests in parallel.
    #[test]
    fn lowering_and_raising_are_undone_on_drop() {
        let before = soft_limit();
        {
            let _lowered = SoftFdLimit::lower_to(before.min(64));
            assert_eq!(soft_limit(), before.min(64));
        }
        assert_eq!(soft_limit(), before);
        let (raised, now) = SoftFdLimit::raise_up_to(before.saturating_add(16));
        assert!(now >= before);
        assert_eq!(soft_limit(), now);
        drop(raised);
        assert_eq!(soft_limit(), before);
        let kept = SoftFdLimit::raise_to(before).expect("the limit in force is reachable");
        assert_eq!(soft_limit(), before);
        drop(kept);
        assert!(
            SoftFdLimit::raise_to(libc::rlim_t::MAX).is_none() || before == libc::RLIM_INFINITY
        );
        assert_eq!(soft_limit(), before);
    }
}
