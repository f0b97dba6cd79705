//! The one way in: every call from the VM (the entry point, functions, methods and object
//! callbacks) runs its Rust body through [`enter`], which catches panics so that none
//! crosses into C, and turns one into an SGScript error message and a failure result.

use std::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::host::context::Ctx;
use crate::host::raw::sgs_Context;

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

/// The result code object callbacks return after a panic (`SGS_EINPROC`).
pub const CALLBACK_PANIC: c_int = crate::host::raw::SGS_EINPROC;
