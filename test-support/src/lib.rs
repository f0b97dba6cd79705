//! Helpers shared by the tests and benches of the `sgssockets` workspace, in one place
//! instead of a copy per crate. Dev-only: no published crate depends on it at run time.
//!
//! - [`WAIT`]: how long any blocking call in a test may wait before the test fails.
//! - [`fd_limit::SoftFdLimit`]: lowers or raises `RLIMIT_NOFILE` and restores it on drop.
//! - [`fds`]: whether a descriptor is open, how many this process has open.
//! - [`signals::CountingHandler`]: a signal handler without `SA_RESTART`, and a way to keep
//!   interrupting a thread blocked in a system call.
//! - [`sgs_names`]: the method and property names of the SGScript module's object types.
//! - [`certs`]: a test PKI (CA, server and client certificates as PEM) made at run time.
//!
//! The helper that loads the SGScript module into a test engine is
//! `sgssockets_sgs_testhost::Host::with_module` (it belongs to the test host, which the
//! module's own tests already depend on).

use std::time::Duration;

pub mod certs;
#[cfg(unix)]
pub mod fd_limit;
#[cfg(unix)]
pub mod fds;
pub mod sgs_names;
#[cfg(unix)]
pub mod signals;

/// Every blocking call in a test gives up after this long, so a bug fails instead of hanging.
pub const WAIT: Duration = Duration::from_secs(5);
