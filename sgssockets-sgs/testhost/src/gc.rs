//! The tracing collector, modelled on SGScript's `sgsVM_GCExecute` (`src/sgs_proc.c`):
//! mark-and-sweep over every live object, independent of reference counts.
//!
//! A collection flips the context's colour, then marks everything reachable from the roots:
//! every stack item, the globals, the registry, and every object a test `Value` holds (they
//! stand for a script's local variables). Marking an object gives it the new colour; an
//! array's or dict's items are marked in turn, and a native object's `gcmark` callback is
//! called (in a protected stack region) to mark what it holds with `sgs_GCMark`. Then every
//! object without the new colour is destroyed regardless of its reference count: first all
//! their destructors run (arrays and dicts release their items) while releases only
//! decrement, then all of them are freed.

use std::ffi::c_int;

use crate::containers::{array_of, dict_of, iterator_of};
use crate::context::{
    as_raw, destruct_object, free_object, protect, unprotect, with, Context, GcPhase,
};
use crate::types::{VarObj, Variable, VT_OBJECT};

/// `SGS_ERROR`, the level the VM reports callback failures at.
const ERROR: c_int = 300;

/// Runs a full collection; returns how many objects it freed.
///
/// Must not run during a collection (the host never starts one from a callback).
pub fn collect(ctx: *mut Context) -> usize {
    // SAFETY: live context; no module call inside.
    let roots = unsafe {
        with(ctx, |c| {
            assert!(!c.gcrun(), "collection started during a collection");
            c.redblue = u8::from(c.redblue == 0);
            c.gc_phase = GcPhase::Marking;
            let mut roots: Vec<*mut VarObj> = Vec::new();
            let vars = c.stack.iter().chain(c.globals.values()).chain(&c.registry);
            for var in vars {
                if var.type_ == VT_OBJECT {
                    // The union member matches the tag.
                    roots.push(var.data.o);
                }
            }
            roots.extend(c.host_refs.keys().copied());
            roots
        })
    };
    for obj in roots {
        mark_object(ctx, obj);
    }

    // SAFETY: live context; every listed object is live. No module call inside.
    let unmarked = unsafe {
        with(ctx, |c| {
            c.gc_phase = GcPhase::Sweeping;
            let mut unmarked = Vec::new();
            let mut obj = c.objects.head;
            while !obj.is_null() {
                if (*obj).redblue != c.redblue {
                    unmarked.push(obj);
                }
                obj = (*obj).next;
            }
            unmarked
        })
    };
    // Destructors may release other unmarked objects: during the sweep that only decrements,
    // so each is destructed once here and freed once below.
    for &obj in &unmarked {
        destruct_object(ctx, obj);
    }
    for &obj in &unmarked {
        free_object(ctx, obj);
    }
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.gc_phase = GcPhase::Idle) };
    unmarked.len()
}

/// `sgs_GCMark` on a variable: marks the object it refers to (if any) during the marking
/// phase of a collection; does nothing otherwise.
pub fn mark_variable(ctx: *mut Context, var: &Variable) {
    // SAFETY: live context.
    let marking = unsafe { with(ctx, |c| c.gc_phase == GcPhase::Marking) };
    if marking && var.type_ == VT_OBJECT {
        // SAFETY: the union member matches the tag.
        mark_object(ctx, unsafe { var.data.o });
    }
}

/// Marks a live object with the current colour and, if it was not marked yet, what it
/// holds: an array's or dict's items, a native object's `gcmark` callback, its meta-object.
fn mark_object(ctx: *mut Context, obj: *mut VarObj) {
    // SAFETY: live context and object; no module call inside.
    let first = unsafe {
        with(ctx, |c| {
            let first = (*obj).redblue != c.redblue;
            (*obj).redblue = c.redblue;
            first
        })
    };
    if !first {
        return;
    }
    // SAFETY: live object; the items are copied out before marking them (which may call
    // into the module).
    let items: Option<Vec<Variable>> = unsafe {
        array_of(obj)
            .map(|items| items.clone())
            .or_else(|| dict_of(obj).map(|entries| entries.iter().map(|(_, v)| *v).collect()))
            .or_else(|| iterator_of(obj).map(|iterator| vec![iterator.dict]))
    };
    if let Some(items) = items {
        for item in &items {
            mark_variable(ctx, item);
        }
    // SAFETY: live object and interface.
    } else if let Some(gcmark) = unsafe { (*(*obj).iface).gcmark } {
        let saved = protect(ctx);
        // SAFETY: the module's callback gets the live context and object.
        let result = unsafe { gcmark(as_raw(ctx), obj) };
        unprotect(ctx, saved);
        // SAFETY: live context.
        unsafe {
            with(ctx, |c| {
                c.gcmark_calls += 1;
                if result < 0 {
                    c.record_message(ERROR, "failed to call the gcmark callback");
                }
            })
        };
    }
    // SAFETY: live object.
    let meta = unsafe { (*obj).metaobj };
    if !meta.is_null() {
        mark_object(ctx, meta);
    }
}
