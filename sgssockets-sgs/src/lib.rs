//! `sgssockets`: the SGScript native module for sockets.
//!
//! Built as `libsgssockets.so` (`sgssockets.dll` on Windows), it is loaded by a script with
//! `include "sgssockets";` and registers the `socket_*` functions, the `socket` and
//! `socket_address` object types and the `AF_*`, `SOCK_*`, `IPPROTO_*`, `MSG_*`, `SHUT_*`
//! and `SD_*` constants, exactly as documented in the project's SPEC (§2–§5).
//!
//! Layout, from the C boundary inwards:
//! - [`raw`]: the `extern "C"` declarations and `#[repr(C)]` types of SGScript's API;
//! - [`trampoline`]: the one entry path from the VM into Rust, catching panics;
//! - [`context`] and [`object`]: a small safe layer over the context and native objects;
//! - the module itself: [`functions`], [`select`], [`address_object`], [`socket_object`],
//!   [`socket_methods`], [`last_error`] (`socket_error()`'s state) and [`module`].
//!
//! All socket logic lives in `sgssockets-core`; this crate only converts values.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

pub mod address_object;
pub mod context;
pub mod functions;
pub mod last_error;
pub mod module;
pub mod object;
pub mod raw;
pub mod select;
pub mod socket_methods;
pub mod socket_object;
pub mod trampoline;

use std::ffi::c_int;

/// The module entry point SGScript looks up after loading the library
/// (`SGS_LIB_ENTRY_POINT`): checks the host's API version and registers the module.
///
/// # Safety
/// Called by the VM with its live context.
#[no_mangle]
pub unsafe extern "C" fn sgscript_main(raw: *mut raw::sgs_Context) -> c_int {
    // SAFETY: the VM passes its live context (contract).
    unsafe { trampoline::enter(raw, raw::SGS_EINPROC, module::register) }
}
