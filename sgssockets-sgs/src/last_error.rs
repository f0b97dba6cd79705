//! `socket_error()`'s state: the error code of the most recent socket call, one per script
//! engine (keyed by the engine's root context), invisible to scripts. For name-lookup
//! failures, whose `EAI_*` codes the OS error table does not describe, the resolver's own
//! text is kept too.
//!
//! An engine's entry is removed when the engine is destroyed: [`install`] puts a small
//! guard object in the engine's registry whose destructor forgets the entry.

use std::collections::HashMap;
use std::ffi::c_int;
use std::sync::{Mutex, PoisonError};

use sgssockets_core::{errno, Error, ErrorCategory};

use crate::context::Ctx;
use crate::object;
use crate::raw::{self, sgs_Context, sgs_ObjInterface, sgs_VarObj};
use crate::trampoline;

/// One engine's last outcome.
#[derive(Debug, Default)]
struct LastError {
    /// 0 for success, else the error code.
    code: i32,
    /// The resolver's text when `code` is an `EAI_*` code.
    resolver_text: Option<String>,
}

/// Last outcome per engine root context.
static LAST_ERRORS: Mutex<Option<HashMap<usize, LastError>>> = Mutex::new(None);

fn with_table<R>(f: impl FnOnce(&mut HashMap<usize, LastError>) -> R) -> R {
    let mut guard = LAST_ERRORS.lock().unwrap_or_else(PoisonError::into_inner);
    f(guard.get_or_insert_with(HashMap::new))
}

/// Records the outcome of a socket call: 0 for success, else the error code.
pub fn set(ctx: &Ctx<'_>, code: i32) {
    let root = ctx.root();
    with_table(|table| {
        let entry = table.entry(root).or_default();
        entry.code = code;
        entry.resolver_text = None;
    });
}

/// Records a failed call's error (its code, and the resolver's text for lookup failures).
pub fn set_error(ctx: &Ctx<'_>, err: &Error) {
    let root = ctx.root();
    let resolver_text =
        (err.category() == ErrorCategory::Resolver).then(|| err.message().to_owned());
    with_table(|table| {
        table.insert(
            root,
            LastError {
                code: err.code(),
                resolver_text,
            },
        );
    });
}

/// The last recorded code for this engine (0 if none yet).
pub fn get(ctx: &Ctx<'_>) -> i32 {
    let root = ctx.root();
    with_table(|table| table.get(&root).map_or(0, |e| e.code))
}

/// The text for the last recorded code: the system's, or the resolver's after a failed
/// name lookup.
pub fn text(ctx: &Ctx<'_>) -> String {
    let root = ctx.root();
    let (code, resolver_text) = with_table(|table| {
        table
            .get(&root)
            .map_or((0, None), |e| (e.code, e.resolver_text.clone()))
    });
    resolver_text.unwrap_or_else(|| errno::error_text(code))
}

/// Whether state is held for the engine whose root context is `root` (for tests: it is
/// dropped when the engine is destroyed).
pub fn is_tracked(root: usize) -> bool {
    with_table(|table| table.contains_key(&root))
}

/// Data of the guard object: the root context whose entry it owns.
struct EngineGuard {
    root: usize,
}

impl Drop for EngineGuard {
    fn drop(&mut self) {
        let mut guard = LAST_ERRORS.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(table) = guard.as_mut() {
            table.remove(&self.root);
            if table.is_empty() {
                // The last engine is gone: free the table too (nothing outlives the engines).
                *guard = None;
            }
        }
    }
}

unsafe extern "C" fn guard_destruct(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    let body = |_ctx: Ctx<'_>| {
        // SAFETY: `obj` is the object the VM is destroying; its type is GUARD_IFACE.
        unsafe { object::drop_data::<EngineGuard>(obj, &GUARD_IFACE) };
        raw::SGS_SUCCESS
    };
    // SAFETY: the VM calls destructors with its live context.
    unsafe { trampoline::enter(raw, trampoline::CALLBACK_PANIC, body) }
}

static GUARD_IFACE: sgs_ObjInterface = sgs_ObjInterface {
    name: c"sgssockets_engine_state".as_ptr(),
    destruct: Some(guard_destruct),
    gcmark: None,
    getindex: None,
    setindex: None,
    convert: None,
    serialize: None,
    dump: None,
    getnext: None,
    call: None,
    expr: None,
    proplist: std::ptr::null(),
    parent: std::ptr::null(),
};

/// Starts this engine's state (code 0) and stores its guard in the engine's registry.
pub fn install(ctx: &Ctx<'_>) {
    let root = ctx.root();
    with_table(|table| {
        table.insert(root, LastError::default());
    });
    let raw_ctx = ctx.as_raw();
    ctx.push_str("sgssockets.engine_state");
    object::push_new(ctx, &GUARD_IFACE, EngineGuard { root });
    let key = ctx.variable_at(ctx.stack_size() - 2);
    let guard = ctx.variable_at(ctx.stack_size() - 1);
    // SAFETY: live context; the registry, key and value are valid variables (the latter two
    // held by the stack until popped after the call, the registry by the engine).
    unsafe {
        let registry = raw::sgs_Registry(raw_ctx, raw::SGS_REG_ROOT);
        raw::sgs_SetIndex(raw_ctx, registry, key, guard, 0);
        raw::sgs_Pop(raw_ctx, 2);
    }
}
