//! `socket_error()`'s state: the error code of the most recent socket call, one per script
//! engine (keyed by the engine's root context), invisible to scripts. When an error's own
//! text says more than the system's text for its code (a name-lookup failure, whose `EAI_*`
//! codes the OS table does not describe; a TLS failure with rustls's reason), it is kept too.
//!
//! An engine's entry is removed when the engine is destroyed, by the guard object that
//! [`crate::module`] keeps in the engine's registry.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use sgssockets_core::{errno, Error, ErrorCategory};

use crate::host::context::Ctx;

/// One engine's last outcome.
#[derive(Debug, Default)]
struct LastError {
    /// 0 for success, else the error code.
    code: i32,
    /// The error's own text when it says more than the system's text for `code`: the
    /// resolver's for an `EAI_*` code, rustls's reason for a TLS failure (`EPROTO`), the
    /// missing close_notify behind a TLS `ECONNRESET`.
    detail_text: Option<String>,
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
        entry.detail_text = None;
    });
}

/// Records a failed call's error: its code, and its own text if that is not just the
/// system's text for the code (a lookup failure, a TLS failure).
pub fn set_error(ctx: &Ctx<'_>, err: &Error) {
    let root = ctx.root();
    // No system text is looked up here: a failed call in a polling loop stays cheap.
    let specific = match err.category() {
        ErrorCategory::Resolver => true,
        ErrorCategory::Os => !err.has_system_text(),
        ErrorCategory::Closed | ErrorCategory::InvalidInput => false,
    };
    let detail_text = specific.then(|| err.message().to_owned());
    with_table(|table| {
        table.insert(
            root,
            LastError {
                code: err.code(),
                detail_text,
            },
        );
    });
}

/// The last recorded code for this engine (0 if none yet).
pub fn get(ctx: &Ctx<'_>) -> i32 {
    let root = ctx.root();
    with_table(|table| table.get(&root).map_or(0, |e| e.code))
}

/// The text for the last recorded code: the error's own when it said more (the
/// resolver's, rustls's reason), else the system's.
pub fn text(ctx: &Ctx<'_>) -> String {
    let root = ctx.root();
    let (code, detail_text) = with_table(|table| {
        table
            .get(&root)
            .map_or((0, None), |e| (e.code, e.detail_text.clone()))
    });
    detail_text.unwrap_or_else(|| errno::error_text(code))
}

/// Whether state is held for the engine whose root context is `root` (for tests: it is
/// dropped when the engine is destroyed).
pub fn is_tracked(root: usize) -> bool {
    with_table(|table| table.contains_key(&root))
}

/// Starts the state of the engine whose root context is `root` (code 0).
pub fn start(root: usize) {
    with_table(|table| {
        table.insert(root, LastError::default());
    });
}

/// Forgets the state of the engine whose root context is `root` (it is being destroyed);
/// frees the table with the last engine, so nothing outlives the engines.
pub fn forget(root: usize) {
    let mut guard = LAST_ERRORS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(table) = guard.as_mut() {
        table.remove(&root);
        if table.is_empty() {
            *guard = None;
        }
    }
}
