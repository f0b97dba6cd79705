//! Native functions and methods: `native_function!` and `native_method!` make the
//! `extern "C"` entry of a Rust body, and [`call_function`]/[`call_method`] run it: name
//! the call for messages, check `this` and the argument count, run the body, and push its
//! result or report its failure through [`report::finish`].

use std::ffi::{c_int, CStr};

use crate::host::context::Ctx;
use crate::host::object::{object_at, NativeType};
use crate::host::raw::{sgs_CFunc, sgs_Context};
use crate::host::report::{self, FailValue, Failure, Outcome, Push};
use crate::host::trampoline;

/// What the layer needs to know about a call besides its body.
#[derive(Debug, Clone, Copy)]
pub struct CallSpec {
    /// The name messages give it (`socket.recv`, `socket_select`).
    pub name: &'static CStr,
    /// The fewest arguments (without a method's object).
    pub min: i32,
    /// The most arguments.
    pub max: i32,
    /// What a failure returns.
    pub fail: FailValue,
    /// Whether success sets `socket_error()` to 0 (every socket call; not `socket_error`
    /// itself).
    pub records: bool,
}

/// Runs a native function's body.
///
/// # Safety
/// `raw` is the live context the VM passed to the native function.
pub unsafe fn call_function<R: Push>(
    raw: *mut sgs_Context,
    spec: &CallSpec,
    body: fn(&Ctx<'_>) -> Outcome<R>,
) -> c_int {
    let run = |ctx: Ctx<'_>| {
        ctx.set_function_name(spec.name);
        let outcome = ctx
            .check_arg_count(spec.min, spec.max)
            .and_then(|()| body(&ctx));
        report::finish(&ctx, outcome, spec.fail, spec.records)
    };
    // SAFETY: forwarded contract.
    unsafe { trampoline::enter(raw, 0, run) }
}

/// Runs a method's body with its object, `this` (or the first argument when the method is
/// called as a plain function). Anything else there is an argument error naming `T`.
///
/// # Safety
/// `raw` is the live context the VM passed to the native function.
pub unsafe fn call_method<T: NativeType, R: Push>(
    raw: *mut sgs_Context,
    spec: &CallSpec,
    body: fn(&T, &Ctx<'_>) -> Outcome<R>,
) -> c_int {
    let run = |mut ctx: Ctx<'_>| {
        ctx.set_function_name(spec.name);
        ctx.enter_method();
        let outcome = match object_at::<T>(&ctx, 0) {
            None => Err(Failure::arg_type(0, T::NAME)),
            Some(this) => ctx
                .check_arg_count(spec.min, spec.max)
                .and_then(|()| body(this, &ctx)),
        };
        report::finish(&ctx, outcome, spec.fail, spec.records)
    };
    // SAFETY: forwarded contract.
    unsafe { trampoline::enter(raw, 0, run) }
}

/// The [`CallSpec`] of a native function or method, from the macros' arguments.
macro_rules! call_spec {
    ($name:literal, $min:literal, $max:literal, $fail:ident, $records:literal) => {
        $crate::host::call::CallSpec {
            name: $name,
            min: $min,
            max: $max,
            fail: $crate::host::report::FailValue::$fail,
            records: $records,
        }
    };
}
pub(crate) use call_spec;

/// A global function: its script name and native entry.
#[derive(Debug, Clone, Copy)]
pub struct NativeFunction {
    /// The name scripts call it by.
    pub name: &'static CStr,
    /// The entry the VM calls.
    pub func: sgs_CFunc,
}

/// `native_function!(c"name", min..=max, FailValue, body)`: the [`NativeFunction`] of a
/// global function whose body is `fn(&Ctx) -> Outcome<impl Push>`. Success sets
/// `socket_error()` to 0; write `, records: false` after the body for functions that
/// must not.
macro_rules! native_function {
    ($name:literal, $min:literal ..= $max:literal, $fail:ident, $body:path) => {
        $crate::host::call::native_function!(@make $name, $min, $max, $fail, true, $body)
    };
    ($name:literal, $min:literal ..= $max:literal, $fail:ident, $body:path, records: false) => {
        $crate::host::call::native_function!(@make $name, $min, $max, $fail, false, $body)
    };
    (@make $name:literal, $min:literal, $max:literal, $fail:ident, $records:literal, $body:path) => {{
        unsafe extern "C" fn entry(raw: *mut $crate::host::raw::sgs_Context) -> ::std::ffi::c_int {
            const SPEC: $crate::host::call::CallSpec =
                $crate::host::call::call_spec!($name, $min, $max, $fail, $records);
            // SAFETY: the VM calls native functions with its live context.
            unsafe { $crate::host::call::call_function(raw, &SPEC, $body) }
        }
        $crate::host::call::NativeFunction {
            name: $name,
            func: entry,
        }
    }};
}
pub(crate) use native_function;

/// `native_method!(Type, c"type.name", min..=max, FailValue, body)`: the `sgs_CFunc` of a
/// method whose body is `fn(&Type, &Ctx) -> Outcome<impl Push>`; argument items start at 1.
macro_rules! native_method {
    ($ty:ty, $name:literal, $min:literal ..= $max:literal, $fail:ident, $body:path) => {{
        unsafe extern "C" fn entry(raw: *mut $crate::host::raw::sgs_Context) -> ::std::ffi::c_int {
            const SPEC: $crate::host::call::CallSpec =
                $crate::host::call::call_spec!($name, $min, $max, $fail, true);
            // SAFETY: the VM calls native functions with its live context.
            unsafe { $crate::host::call::call_method::<$ty, _>(raw, &SPEC, $body) }
        }
        entry as $crate::host::raw::sgs_CFunc
    }};
}
pub(crate) use native_method;
