//! A test-only stand-in for the SGScript VM, so `cargo test` can run the `sgssockets`
//! module in-process where SGScript itself (in no package registry) cannot be built.
//!
//! It implements exactly the `sgs_*` functions the module imports (`src/api.rs`), with a real
//! value stack and native call frames, reference-counted strings and objects whose
//! destructors run on release, arrays and dicts, and object callbacks (getindex, setindex,
//! convert, dump, expr, destruct) invoked the way SGScript invokes them (`src/ops.rs`).
//! Messages, argument errors included, are recorded for tests to assert on ([`Host`]).
//!
//! Link it into a test by using it (`use sgssockets_sgs_testhost::Host;`).
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]

mod api;
mod containers;
mod context;
mod gc;
mod host;
mod ops;
mod types;

pub use context::Message;
pub use host::{Host, Value, SGS_VERSION_INT};
pub use types::Variable;
