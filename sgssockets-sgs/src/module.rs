//! Registration: the function table, the constants and the two object types, and the
//! `sgscript_main` entry point's body.

use std::ffi::{c_int, CString};
use std::sync::OnceLock;

use sgssockets_core::constants;

use crate::address_object::ADDRESS_IFACE;
use crate::context::Ctx;
use crate::functions::{
    sgs_socket, sgs_socket_address, sgs_socket_address_frombytes, sgs_socket_error,
    sgs_socket_getaddrinfo, sgs_socket_geterrnobyname, sgs_socket_gethostname, sgs_socket_tcp,
    sgs_socket_udp,
};
use crate::last_error;
use crate::object::iface_ptr;
use crate::raw::{self, sgs_RegFuncConst, sgs_RegIntConst};
use crate::select::sgs_socket_select;
use crate::socket_object::SOCKET_IFACE;

/// The functions the module defines, by script name.
const FUNCTIONS: &[(&std::ffi::CStr, raw::sgs_CFunc)] = &[
    (c"socket_error", sgs_socket_error),
    (c"socket_geterrnobyname", sgs_socket_geterrnobyname),
    (c"socket_address", sgs_socket_address),
    (c"socket_address_frombytes", sgs_socket_address_frombytes),
    (c"socket_getaddrinfo", sgs_socket_getaddrinfo),
    (c"socket_gethostname", sgs_socket_gethostname),
    (c"socket", sgs_socket),
    (c"socket_tcp", sgs_socket_tcp),
    (c"socket_udp", sgs_socket_udp),
    (c"socket_select", sgs_socket_select),
];

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
        .map(|(name, func)| sgs_RegFuncConst {
            name: name.as_ptr(),
            value: Some(*func),
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
    // SAFETY: live context; the lists are valid for their lengths; interfaces and names
    // are 'static.
    unsafe {
        raw::sgs_RegisterType(ctx.as_raw(), c"socket".as_ptr(), iface_ptr(&SOCKET_IFACE));
        raw::sgs_RegisterType(
            ctx.as_raw(),
            c"socket_address".as_ptr(),
            iface_ptr(&ADDRESS_IFACE),
        );
        raw::sgs_RegFuncConsts(ctx.as_raw(), functions.as_ptr(), functions.len() as c_int);
        raw::sgs_RegIntConsts(ctx.as_raw(), ints.as_ptr(), ints.len() as c_int);
    }
    last_error::install(&ctx);
    raw::SGS_SUCCESS
}
