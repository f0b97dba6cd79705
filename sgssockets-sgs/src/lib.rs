//! `sgssockets`: the SGScript native module for sockets.
//!
//! Built as `libsgssockets.so` (`sgssockets.dll` on Windows), it is loaded by a script with
//! `include "sgssockets";` and registers the `socket_*` functions, the `socket` and
//! `socket_address` object types and the `AF_*`, `SOCK_*`, `IPPROTO_*`, `MSG_*`, `SHUT_*`
//! and `SD_*` constants, exactly as documented in the project's SPEC (§2–§5).
//!
//! Layout, from the C boundary inwards:
//! - [`host`]: the safe layer over SGScript's C API: raw declarations, the panic-catching
//!   trampoline, the call context, argument readers, the typed object layer
//!   ([`host::object::NativeType`]) and the one place results and failures are reported;
//! - [`types`]: the object types, one file each (`socket`, `socket_address`);
//! - [`functions`] and [`select`]: the global functions;
//! - [`last_error`]: `socket_error()`'s state; [`module`]: registration.
//!
//! All socket logic lives in `sgssockets-core`; this crate only converts values.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![warn(missing_docs)]

pub mod functions;
pub mod host;
pub mod last_error;
pub mod module;
pub mod select;
pub mod types;

use std::ffi::c_int;

/// The module entry point SGScript looks up after loading the library
/// (`SGS_LIB_ENTRY_POINT`): checks the host's API version and registers the module.
///
/// # Safety
/// Called by the VM with its live context.
#[no_mangle]
pub unsafe extern "C" fn sgscript_main(raw: *mut host::raw::sgs_Context) -> c_int {
    // SAFETY: the VM passes its live context (contract).
    unsafe { host::trampoline::enter(raw, host::raw::SGS_EINPROC, module::register) }
}
