//! `socket_error()`'s state: the error code of the most recent socket call, one per script
//! engine (keyed by the engine's root context), invisible to scripts. When an error's own
//! text says more than the system's text for its code (a name-lookup failure, whose `EAI_*`
//! codes the OS table does not describe; a TLS failure with rustls's reason), it is kept too.
//!
//! An engine's entry is removed when the engine is destroyed, by the guard object that
//! [`crate::module`] keeps in the engine's registry.

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

/// Last outcome per engine root context. A list, not a hash map: a process runs few
/// engines, and scanning a few entries costs less than hashing the key on every call.
static LAST_ERRORS: Mutex<Table> = Mutex::new(Table(Vec::new()));

/// The engines' entries, by root context.
#[derive(Debug)]
struct Table(Vec<(usize, LastError)>);

impl Table {
    fn get(&self, root: usize) -> Option<&LastError> {
        self.0.iter().find(|(r, _)| *r == root).map(|(_, e)| e)
    }

    fn entry(&mut self, root: usize) -> &mut LastError {
        let at = match self.0.iter().position(|(r, _)| *r == root) {
            Some(at) => at,
            None => {
                self.0.push((root, LastError::default()));
                self.0.len() - 1
            }
        };
        &mut self.0[at].1
    }

    fn remove(&mut self, root: usize) {
        self.0.retain(|(r, _)| *r != root);
    }
}

fn with_table<R>(f: impl FnOnce(&mut Table) -> R) -> R {
    let mut guard = LAST_ERRORS.lock().unwrap_or_else(PoisonError::into_inner);
    f(&mut guard)
}

/// Records the outcome of a socket call: 0 for success, else the error code.
pub fn set(ctx: &Ctx<'_>, code: i32) {
    let root = ctx.root();
    with_table(|table| {
        let entry = table.entry(root);
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
        *table.entry(root) = LastError {
            code: err.code(),
            detail_text,
        };
    });
}

/// The last recorded code for this engine (0 if none yet).
pub fn get(ctx: &Ctx<'_>) -> i32 {
    let root = ctx.root();
    with_table(|table| table.get(root).map_or(0, |e| e.code))
}

/// The text for the last recorded code: the error's own when it said more (the
/// resolver's, rustls's reason), else the system's.
pub fn text(ctx: &Ctx<'_>) -> String {
    let root = ctx.root();
    let (code, detail_text) = with_table(|table| {
        table
            .get(root)
            .map_or((0, None), |e| (e.code, e.detail_text.clone()))
    });
    detail_text.unwrap_or_else(|| errno::error_text(code))
}

/// Whether state is held for the engine whose root context is `root` (for tests: it is
/// dropped when the engine is destroyed).
pub fn is_tracked(root: usize) -> bool {
    with_table(|table| table.get(root).is_some())
}

/// Starts the state of the engine whose root context is `root` (code 0).
pub fn start(root: usize) {
    with_table(|table| *table.entry(root) = LastError::default());
}

/// Forgets the state of the engine whose root context is `root` (it is being destroyed);
/// frees the table with the last engine, so nothing outlives the engines.
pub fn forget(root: usize) {
    with_table(|table| {
        table.remove(root);
        if table.0.is_empty() {
            table.0 = Vec::new();
        }
    });
}
