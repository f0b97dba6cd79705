//! The one way in: every call from the VM (the entry point, functions, methods and object
//! callbacks) runs its Rust body through [`enter`], which catches panics so that none
//! crosses into C, and turns one into an SGScript error message and a failure result.

use std::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::context::Ctx;
use crate::raw::sgs_Context;

/// Runs `body` with a [`Ctx`] for `raw`; on panic reports an internal error and returns
/// `on_panic` instead.
///
/// # Safety
/// `raw` is the live context the VM passed to the callback being run.
pub unsafe fn enter<R>(
    raw: *mut sgs_Context,
    on_panic: R,
    body: impl for<'call> FnOnce(Ctx<'call>) -> R,
) -> R {
    // SAFETY: forwarded contract: `raw` is live for this call and `ctx` does not outlive it.
    let ctx = unsafe { Ctx::from_raw(raw) };
    match catch_unwind(AssertUnwindSafe(|| body(ctx))) {
        Ok(result) => result,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            // Reporting must not panic again; if it does, stay silent.
            let _ = catch_unwind(AssertUnwindSafe(|| {
                ctx.error(&format!("sgssockets internal error: {what}"));
            }));
            on_panic
        }
    }
}

/// Defines `unsafe extern "C" fn $name(C) -> c_int` that runs the Rust function `$body`
/// (`fn(Ctx) -> c_int`, returning the number of results it pushed) through [`enter`].
/// A panic returns 0 results (`null`).
macro_rules! native_function {
    ($(#[$meta:meta])* $name:ident => $body:path) => {
        $(#[$meta])*
        pub(crate) unsafe extern "C" fn $name(
            raw: *mut $crate::raw::sgs_Context,
        ) -> ::std::ffi::c_int {
            // SAFETY: the VM calls native functions with its live context.
            unsafe { $crate::trampoline::enter(raw, 0, $body) }
        }
    };
}
pub(crate) use native_function;

/// The result code object callbacks return after a panic (`SGS_EINPROC`).
pub const CALLBACK_PANIC: c_int = crate::raw::SGS_EINPROC;
