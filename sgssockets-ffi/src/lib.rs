//! C ABI for `sgssockets-core`: the functions behind `include/sgssockets.h`.
//!
//! Every exported name starts with `sgss_`. The conventions (ownership, `const`,
//! out-parameters last, NULL, buffers, thread-safety) are in the crate's README.md under
//! "C API conventions"; each function's doc comment (copied into the header) says what it
//! returns, what the caller owns afterwards and which results it can give.
//!
//! Layout: `boundary` is where C pointers become Rust references and panics stop, and where
//! the handle kinds (owned `Box`, shared `Arc`, borrowed from a parent) and their cast
//! helpers live; each handle type declares its kind in one line next to its struct;
//! [`result`] defines `sgss_result` and `sgss_error`; the other modules convert values for
//! one area of core each (addresses, sockets, options, select, the poller, lookup, errno and
//! constants, descriptors); [`wait`] holds the one timeout rule of the calls that wait.
//! With the `tls` feature (on by default): `tls_config` (options and shared configurations),
//! `tls` (streams and their readers) and `tls_wait` (select over sockets and TLS streams,
//! TLS streams in the poller); the header declares them under `#if defined(SGSS_TLS)`.
//!
//! Names follow one scheme, `sgss_<object>_<verb>` (`sgss_socket_send_to`,
//! `sgss_addrinfo_list_new`, `sgss_host_name`); the few older names stay exported as
//! deprecated aliases next to the function they forward to.
//! No module here makes a socket system call: all of that is in core.
//!
//! # Safety
//!
//! Every exported function is `unsafe` to call from Rust for the same reason, stated here
//! once instead of on each: pointer arguments must be NULL or valid for the access the
//! documentation describes — handles live (made by this library and not yet freed), text
//! NUL-terminated, `(buf, len)` buffers holding `len` bytes, out-parameters writable — and
//! a handle passed as non-`const` must not be used by another thread during the call
//! (`const` in this API means "may be shared with other threads during the call").
//! Everything else (NULL, bad values, closed sockets, too-small buffers) is checked and
//! reported as an `sgss_result`.
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
#![deny(missing_docs)]
// The C names (`sgss_socket`, `sgss_result`) are the public interface.
#![allow(non_camel_case_types)]
// The one safety contract of all exported functions is in the crate docs above.
#![allow(clippy::missing_safety_doc)]

mod boundary;

pub mod address;
pub mod calls;
pub mod constants;
pub mod descriptor;
pub mod errno;
pub mod lookup;
pub mod multicast;
pub mod options;
pub mod poller;
pub mod rawopt;
pub mod result;
pub mod select;
pub mod socket;
#[cfg(feature = "tls")]
pub mod tls;
#[cfg(feature = "tls")]
pub mod tls_config;
#[cfg(feature = "tls")]
pub mod tls_wait;
pub mod wait;

pub use result::{sgss_error, sgss_result, SGSS_ERROR_MESSAGE_SIZE};
pub use wait::SGSS_WAIT_FOREVER;
