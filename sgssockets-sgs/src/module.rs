//! Registration: the functions, the constants and the object types, and the
//! `sgscript_main` entry point's body.

use std::ffi::{c_int, CStr, CString};
use std::sync::OnceLock;

use sgssockets_core::constants;

use crate::functions::FUNCTIONS;
use crate::host::context::Ctx;
use crate::host::object::{native_interface, push_object, register_type, NativeType};
use crate::host::raw::{self, sgs_RegFuncConst, sgs_RegIntConst};
use crate::last_error;
use crate::types::address::AddressObject;
use crate::types::poller::PollerObject;
use crate::types::socket::SocketObject;

/// The constant names as C strings, made once (the VM copies names, but keeping them
/// for the process lifetime costs nothing and is always safe).
fn constant_names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        constants::ALL
            .iter()
            .map(|(name, _)| CString::new(*name).unwrap_or_default())
            .collect()
    })
}

/// Registers everything in the engine of `ctx`. Returns `SGS_SUCCESS` or a failure code.
pub fn register(ctx: Ctx<'_>) -> c_int {
    if let Some(host) = {
        // SAFETY: live context.
        unsafe { raw::sgs_module_version_mismatch(ctx.as_raw()) }
    } {
        ctx.error(&format!(
            "SGScript version mismatch: module compiled for {:06X}, loaded in {host:06X}",
            raw::SGS_VERSION_INT
        ));
        return raw::SGS_ENOTSUP;
    }

    let functions: Vec<sgs_RegFuncConst> = FUNCTIONS
        .iter()
        .map(|function| sgs_RegFuncConst {
            name: function.name.as_ptr(),
            value: Some(function.func),
        })
        .collect();
    let ints: Vec<sgs_RegIntConst> = constant_names()
        .iter()
        .zip(constants::ALL)
        .map(|(name, (_, value))| sgs_RegIntConst {
            name: name.as_ptr(),
            value: i64::from(*value),
        })
        .collect();
    register_type::<SocketObject>(&ctx);
    register_type::<AddressObject>(&ctx);
    register_type::<PollerObject>(&ctx);
    #[cfg(feature = "tls")]
    {
        register_type::<crate::types::tls::TlsObject>(&ctx);
        register_type::<crate::types::tls_context::TlsContextObject>(&ctx);
    }
    // SAFETY: live context; the lists are valid for their lengths; names are 'static.
    unsafe {
        raw::sgs_RegFuncConsts(ctx.as_raw(), functions.as_ptr(), functions.len() as c_int);
        raw::sgs_RegIntConsts(ctx.as_raw(), ints.as_ptr(), ints.len() as c_int);
    }
    install_engine_state(&ctx);
    raw::SGS_SUCCESS
}

/// Kept in the engine's registry: when the engine is destroyed, so is this object, and
/// its drop forgets the engine's `socket_error()` state.
struct EngineGuard {
    root: usize,
}

impl Drop for EngineGuard {
    fn drop(&mut self) {
        last_error::forget(self.root);
    }
}

impl NativeType for EngineGuard {
    const NAME: &'static CStr = c"sgssockets_engine_state";
    native_interface!(EngineGuard);
}

/// Starts this engine's `socket_error()` state and stores its guard in the registry.
fn install_engine_state(ctx: &Ctx<'_>) {
    let root = ctx.root();
    last_error::start(root);
    ctx.push_str("sgssockets.engine_state");
    push_object(ctx, EngineGuard { root });
    let key = ctx.variable_at(ctx.stack_size() - 2);
    let guard = ctx.variable_at(ctx.stack_size() - 1);
    // SAFETY: live context; the registry, key and value are valid variables (the latter two
    // held by the stack until popped after the call, the registry by the engine).
    unsafe {
        let registry = raw::sgs_Registry(ctx.as_raw(), raw::SGS_REG_ROOT);
        raw::sgs_SetIndex(ctx.as_raw(), registry, key, guard, 0);
        raw::sgs_Pop(ctx.as_raw(), 2);
    }
}
