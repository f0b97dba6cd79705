//! The safe layer between SGScript's C API and the module, from the boundary inwards:
//! - [`raw`]: the `extern "C"` declarations and `#[repr(C)]` types of SGScript's API;
//! - [`trampoline`]: the one entry path from the VM into Rust, catching panics;
//! - [`context`]: a call's context (read items, push values, send messages);
//! - [`args`]: argument readers that return a [`report::Failure`] instead of reporting;
//! - [`report`]: the one place a result is pushed or a failure reported;
//! - [`object`]: the typed object layer ([`object::NativeType`]);
//! - [`call`]: native functions and methods.

pub mod args;
pub mod call;
pub mod context;
pub mod object;
pub mod raw;
pub mod report;
pub mod trampoline;
