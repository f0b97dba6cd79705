//! VM operations that invoke the module's object callbacks the way SGScript does:
//! getindex/setindex with the key (and value) as items 0 (and 1) of a protected stack
//! region and "is property" as the object argument; convert with the target type; dump
//! with the depth; expr with both operands and the operation; native calls with a frame.

use std::ffi::c_int;

use crate::containers::{array_of, dict_of};
use crate::context::{
    acquire, as_raw, iface_name, new_string, pop_owned, protect, push_owned, release, string_bytes,
    truncate, unprotect, with, Context, Frame,
};
use crate::types::{
    CFunc, Variable, VT_BOOL, VT_INT, VT_NULL, VT_OBJECT, VT_REAL, VT_STRING, WARNING,
};

/// Reads `obj[key]` (`isprop`: `obj.key`). Returns a variable holding a reference.
pub fn get_index(
    ctx: *mut Context,
    obj: Variable,
    key: Variable,
    isprop: bool,
) -> Option<Variable> {
    if obj.type_ != VT_OBJECT {
        return None;
    }
    // SAFETY: referenced object.
    let o = unsafe { obj.data.o };
    // SAFETY: live object; the reference is dropped before any module call.
    if let Some(items) = unsafe { array_of(o) } {
        let index = integer_of(&key)?;
        let found = usize::try_from(index)
            .ok()
            .and_then(|i| items.get(i).copied());
        return match found {
            Some(item) => {
                acquire(&item);
                Some(item)
            }
            None => {
                // SAFETY: live context.
                unsafe {
                    with(ctx, |c| {
                        c.record_message(WARNING, "array index out of bounds")
                    })
                };
                None
            }
        };
    }
    // SAFETY: as above.
    if let Some(entries) = unsafe { dict_of(o) } {
        let name = key_bytes(&key)?;
        let found = entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)?;
        acquire(&found);
        return Some(found);
    }
    // SAFETY: live object and interface.
    let getindex = unsafe { (*(*o).iface).getindex }?;
    let saved = protect(ctx);
    acquire(&key);
    push_owned(ctx, key);
    // SAFETY: live context.
    let prev_arg = unsafe {
        with(ctx, |c| {
            std::mem::replace(&mut c.object_arg, c_int::from(isprop))
        })
    };
    // SAFETY: the module's callback gets the live context and object.
    let result = unsafe { getindex(as_raw(ctx), o) };
    // SAFETY: live context.
    let has_value = unsafe {
        with(ctx, |c| {
            c.object_arg = prev_arg;
            c.frame_size() >= 1
        })
    };
    let value = if result >= 0 && has_value {
        pop_owned(ctx)
    } else {
        None
    };
    unprotect(ctx, saved);
    value
}

/// Writes `obj[key] = value`. Returns whether it was handled.
pub fn set_index(
    ctx: *mut Context,
    obj: Variable,
    key: Variable,
    value: Variable,
    isprop: bool,
) -> bool {
    if obj.type_ != VT_OBJECT {
        return false;
    }
    // SAFETY: referenced object.
    let o = unsafe { obj.data.o };
    // SAFETY: live object; the reference is dropped before any module call.
    if let Some(items) = unsafe { array_of(o) } {
        let Some(index) = integer_of(&key).and_then(|i| usize::try_from(i).ok()) else {
            return false;
        };
        if index >= items.len() {
            return false;
        }
        acquire(&value);
        let old = std::mem::replace(&mut items[index], value);
        release(ctx, &old);
        return true;
    }
    // SAFETY: as above.
    if let Some(entries) = unsafe { dict_of(o) } {
        let Some(name) = key_bytes(&key) else {
            return false;
        };
        acquire(&value);
        let old = match entries.iter_mut().find(|(k, _)| *k == name) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                entries.push((name, value));
                None
            }
        };
        if let Some(old) = old {
            release(ctx, &old);
        }
        return true;
    }
    // SAFETY: live object and interface.
    let Some(setindex) = (unsafe { (*(*o).iface).setindex }) else {
        return false;
    };
    let saved = protect(ctx);
    acquire(&key);
    push_owned(ctx, key);
    acquire(&value);
    push_owned(ctx, value);
    // SAFETY: live context.
    let prev_arg = unsafe {
        with(ctx, |c| {
            std::mem::replace(&mut c.object_arg, c_int::from(isprop))
        })
    };
    // SAFETY: the module's callback gets the live context and object.
    let result = unsafe { setindex(as_raw(ctx), o) };
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.object_arg = prev_arg) };
    unprotect(ctx, saved);
    result >= 0
}

/// Calls an object's `convert` callback; returns its result if it is of type `want`.
pub fn convert(ctx: *mut Context, var: Variable, kind: c_int, want: u32) -> Option<Variable> {
    if var.type_ != VT_OBJECT {
        return None;
    }
    // SAFETY: referenced object and its interface.
    let o = unsafe { var.data.o };
    // SAFETY: as above.
    let convert = unsafe { (*(*o).iface).convert }?;
    let saved = protect(ctx);
    // SAFETY: the module's callback gets the live context and object.
    let result = unsafe { convert(as_raw(ctx), o, kind) };
    let out = if result >= 0 { pop_owned(ctx) } else { None };
    unprotect(ctx, saved);
    match out {
        Some(v) if v.type_ == want => Some(v),
        Some(v) => {
            release(ctx, &v);
            None
        }
        None => None,
    }
}

/// `tostring(var)` as bytes.
pub fn to_string(ctx: *mut Context, var: Variable) -> Vec<u8> {
    // SAFETY: every arm reads the union member matching the type tag.
    unsafe {
        match var.type_ {
            VT_NULL => b"null".to_vec(),
            VT_BOOL => {
                if var.data.b != 0 {
                    b"true".to_vec()
                } else {
                    b"false".to_vec()
                }
            }
            VT_INT => var.data.i.to_string().into_bytes(),
            VT_REAL => var.data.r.to_string().into_bytes(),
            VT_STRING => string_bytes(&var).to_vec(),
            VT_OBJECT => match convert(ctx, var, VT_STRING as c_int, VT_STRING) {
                Some(s) => {
                    let bytes = string_bytes(&s).to_vec();
                    release(ctx, &s);
                    bytes
                }
                None => iface_name((*var.data.o).iface).into_bytes(),
            },
            _ => b"function".to_vec(),
        }
    }
}

/// `tobool(var)`.
pub fn to_bool(ctx: *mut Context, var: Variable) -> bool {
    // SAFETY: every arm reads the union member matching the type tag.
    unsafe {
        match var.type_ {
            VT_NULL => false,
            VT_BOOL => var.data.b != 0,
            VT_INT => var.data.i != 0,
            VT_REAL => var.data.r != 0.0,
            VT_STRING => (*var.data.s).size != 0,
            VT_OBJECT => match convert(ctx, var, VT_BOOL as c_int, VT_BOOL) {
                Some(b) => b.data.b != 0,
                None => true,
            },
            _ => true,
        }
    }
}

/// `dump(var)` text for objects (their dump callback), else `tostring`.
pub fn dump(ctx: *mut Context, var: Variable) -> String {
    if var.type_ == VT_OBJECT {
        // SAFETY: referenced object and interface.
        let o = unsafe { var.data.o };
        // SAFETY: as above.
        if let Some(dump) = unsafe { (*(*o).iface).dump } {
            let saved = protect(ctx);
            // SAFETY: the module's callback gets the live context and object.
            let result = unsafe { dump(as_raw(ctx), o, 5) };
            let out = if result >= 0 { pop_owned(ctx) } else { None };
            unprotect(ctx, saved);
            if let Some(out) = out {
                let text = String::from_utf8_lossy(&to_string(ctx, out)).into_owned();
                release(ctx, &out);
                return text;
            }
        }
    }
    String::from_utf8_lossy(&to_string(ctx, var)).into_owned()
}

/// Runs an object's `expr` callback with two operands and an operation, as the VM does
/// for comparisons (trying the left operand's type, then the right's).
pub fn expr(ctx: *mut Context, a: Variable, b: Variable, op: c_int) -> Option<Variable> {
    for owner in [a, b] {
        if owner.type_ != VT_OBJECT {
            continue;
        }
        // SAFETY: referenced object and interface.
        let o = unsafe { owner.data.o };
        // SAFETY: as above.
        let Some(expr) = (unsafe { (*(*o).iface).expr }) else {
            continue;
        };
        let saved = protect(ctx);
        for operand in [a, b] {
            acquire(&operand);
            push_owned(ctx, operand);
        }
        // SAFETY: live context.
        let prev = unsafe { with(ctx, |c| std::mem::replace(&mut c.object_arg, op)) };
        // SAFETY: the module's callback gets the live context and object.
        let result = unsafe { expr(as_raw(ctx), o) };
        // SAFETY: live context.
        let has_value = unsafe {
            with(ctx, |c| {
                c.object_arg = prev;
                c.frame_size() >= 3
            })
        };
        let out = if result >= 0 && has_value {
            pop_owned(ctx)
        } else {
            None
        };
        unprotect(ctx, saved);
        if out.is_some() {
            return out;
        }
    }
    None
}

/// Calls a native function with an optional `this` and arguments, in a new frame.
/// Returns the results it reported (each holding a reference).
pub fn call(
    ctx: *mut Context,
    func: CFunc,
    this: Option<Variable>,
    args: &[Variable],
) -> Vec<Variable> {
    // SAFETY: live context.
    let (base, saved_off) = unsafe { with(ctx, |c| (c.stack.len(), c.stack_off)) };
    if let Some(this) = this {
        acquire(&this);
        push_owned(ctx, this);
    }
    for arg in args {
        acquire(arg);
        push_owned(ctx, *arg);
    }
    // SAFETY: live context.
    unsafe {
        with(ctx, |c| {
            c.stack_off = base + usize::from(this.is_some());
            c.frames.push(Frame {
                name: None,
                method: this.is_some(),
                has_this: false,
            });
        })
    };
    // SAFETY: live context.
    let hook = unsafe { with(ctx, |c| c.native_call_hook) };
    if let Some(hook) = hook {
        hook(true);
    }
    // SAFETY: the module's function gets the live context.
    let returned = unsafe { func(as_raw(ctx)) };
    if let Some(hook) = hook {
        hook(false);
    }
    // SAFETY: live context.
    let results = unsafe {
        with(ctx, |c| {
            let count = usize::try_from(returned)
                .unwrap_or(0)
                .min(c.stack.len() - base);
            c.stack.split_off(c.stack.len() - count)
        })
    };
    truncate(ctx, base);
    // SAFETY: live context.
    unsafe {
        with(ctx, |c| {
            c.frames.pop();
            c.stack_off = saved_off;
        })
    };
    results
}

/// The integer value of an int (or real) variable.
pub fn integer_of(var: &Variable) -> Option<i64> {
    // SAFETY: the union member read matches the type tag.
    unsafe {
        match var.type_ {
            VT_INT => Some(var.data.i),
            VT_REAL => Some(var.data.r as i64),
            _ => None,
        }
    }
}

/// The bytes of a string key.
pub fn key_bytes(var: &Variable) -> Option<Vec<u8>> {
    // SAFETY: string variables in use are live.
    (var.type_ == VT_STRING).then(|| unsafe { string_bytes(var) }.to_vec())
}

/// A new string variable (one reference), re-exported for the API module.
pub fn string(bytes: &[u8]) -> Variable {
    new_string(bytes)
}

/// Runs a module entry point in a fresh native frame, like `include` does.
pub fn call_entry(ctx: *mut Context, entry: impl FnOnce(*mut std::ffi::c_void) -> c_int) -> c_int {
    // SAFETY: live context.
    let (base, saved_off) = unsafe {
        with(ctx, |c| {
            let saved = (c.stack.len(), c.stack_off);
            c.stack_off = c.stack.len();
            c.frames.push(Frame::default());
            saved
        })
    };
    let result = entry(ctx.cast());
    truncate(ctx, base);
    // SAFETY: live context.
    unsafe {
        with(ctx, |c| {
            c.frames.pop();
            c.stack_off = saved_off;
        })
    };
    result
}
