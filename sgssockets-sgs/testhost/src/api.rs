//! The `sgs_*` functions the module imports, exported with C linkage. Behaviour follows
//! SGScript 1.4.1's documented semantics closely enough that the module cannot tell.
#![allow(non_snake_case, clippy::missing_safety_doc)]

use std::ffi::{c_char, c_int, c_void, CStr};

use crate::containers::{self, array_of, iface_mut, ARRAY_IFACE, DICT_IFACE};
use crate::context::{
    acquire, iface_name, new_object, push_owned, release, string_bytes, string_ptr, truncate, with,
    Context,
};
use crate::gc;
use crate::ops;
use crate::types::{
    CFunc, ObjInterface, RegFuncConst, RegIntConst, VarData, Variable, APIERR, VT_BOOL, VT_CFUNC,
    VT_INT, VT_NULL, VT_OBJECT, VT_REAL, VT_STRING, WARNING,
};

/// Called by the C `sgs_Msg` with the formatted text.
#[no_mangle]
pub unsafe extern "C" fn sgs_testhost_message(
    ctx: *mut Context,
    level: c_int,
    text: *const c_char,
) {
    // SAFETY: the C side passes a NUL-terminated string.
    let text = unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.record_message(level, &text)) };
}

#[no_mangle]
pub unsafe extern "C" fn sgs_Stat(ctx: *mut Context, kind: c_int) -> isize {
    // SAFETY: live context.
    unsafe { with(ctx, |c| if kind == 0 { c.version } else { 0 }) }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_RootContext(ctx: *mut Context) -> *mut Context {
    ctx
}

#[no_mangle]
pub unsafe extern "C" fn sgs_Registry(ctx: *mut Context, subtype: c_int) -> Variable {
    if subtype != 0 {
        return Variable::NULL;
    }
    // SAFETY: live context.
    if let Some(reg) = unsafe { with(ctx, |c| c.registry) } {
        return reg;
    }
    let reg = new_object(
        ctx,
        containers::dict_data(Vec::new()),
        iface_mut(&DICT_IFACE),
    );
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.registry = Some(reg)) };
    reg
}

#[no_mangle]
pub unsafe extern "C" fn sgs_SetIndex(
    ctx: *mut Context,
    obj: Variable,
    idx: Variable,
    val: Variable,
    isprop: c_int,
) -> c_int {
    c_int::from(ops::set_index(ctx, obj, idx, val, isprop != 0))
}

#[no_mangle]
pub unsafe extern "C" fn sgs_GetIndex(
    ctx: *mut Context,
    obj: Variable,
    idx: Variable,
    out: *mut Variable,
    isprop: c_int,
) -> c_int {
    let found = ops::get_index(ctx, obj, idx, isprop != 0);
    // SAFETY: `out` is a valid place (API contract).
    unsafe { *out = found.unwrap_or(Variable::NULL) };
    c_int::from(found.is_some())
}

fn set_global(ctx: *mut Context, name: &[u8], value: Variable) {
    // SAFETY: live context.
    let old = unsafe { with(ctx, |c| c.globals.insert(name.to_vec(), value)) };
    if let Some(old) = old {
        release(ctx, &old);
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_RegFuncConstsExt(
    ctx: *mut Context,
    list: *const RegFuncConst,
    size: c_int,
    _prefix: *const c_char,
) {
    for i in 0..usize::try_from(size).unwrap_or(0) {
        // SAFETY: `list` has `size` entries (API contract).
        let entry = unsafe { &*list.add(i) };
        if entry.name.is_null() {
            break;
        }
        // SAFETY: names are NUL-terminated.
        let name = unsafe { CStr::from_ptr(entry.name) }.to_bytes();
        let value = Variable {
            type_: VT_CFUNC,
            data: VarData { c: entry.value },
        };
        set_global(ctx, name, value);
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_RegIntConsts(
    ctx: *mut Context,
    list: *const RegIntConst,
    size: c_int,
) {
    for i in 0..usize::try_from(size).unwrap_or(0) {
        // SAFETY: `list` has `size` entries (API contract).
        let entry = unsafe { &*list.add(i) };
        if entry.name.is_null() {
            break;
        }
        // SAFETY: names are NUL-terminated.
        let name = unsafe { CStr::from_ptr(entry.name) }.to_bytes();
        set_global(ctx, name, Variable::int(entry.value));
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_RegisterType(
    ctx: *mut Context,
    name: *const c_char,
    iface: *mut ObjInterface,
) -> c_int {
    // SAFETY: NUL-terminated name (API contract).
    let name = unsafe { CStr::from_ptr(name) }
        .to_string_lossy()
        .into_owned();
    // SAFETY: live context.
    unsafe {
        with(ctx, |c| match c.types.entry(name) {
            std::collections::hash_map::Entry::Occupied(_) => 0,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(iface as usize);
                1
            }
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_StackSize(ctx: *mut Context) -> i32 {
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.frame_size() as i32) }
}

fn item(ctx: *mut Context, index: i32) -> Option<Variable> {
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.item(index)) }
}

fn api_error(ctx: *mut Context, text: &str) {
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.record_message(APIERR, text)) };
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ItemType(ctx: *mut Context, index: i32) -> u32 {
    item(ctx, index).map_or(VT_NULL, |v| v.type_)
}

#[no_mangle]
pub unsafe extern "C" fn sgs_StackItem(ctx: *mut Context, index: i32) -> Variable {
    item(ctx, index).unwrap_or_else(|| {
        api_error(ctx, &format!("sgs_StackItem: invalid index - {index}"));
        Variable::NULL
    })
}

#[no_mangle]
pub unsafe extern "C" fn sgs_Pop(ctx: *mut Context, count: i32) {
    // SAFETY: live context.
    let (len, off) = unsafe { with(ctx, |c| (c.stack.len(), c.stack_off)) };
    let count = usize::try_from(count).unwrap_or(0);
    if len - off < count {
        api_error(ctx, "sgs_Pop: too many items");
        return;
    }
    truncate(ctx, len - count);
}

fn is_system_type(type_: u32) -> bool {
    !matches!(type_, VT_BOOL | VT_INT | VT_REAL | VT_STRING | VT_OBJECT)
}

fn number_of(ctx: *mut Context, var: Variable) -> Option<f64> {
    // SAFETY: each arm reads the member matching the type tag.
    unsafe {
        match var.type_ {
            VT_BOOL => Some(f64::from(var.data.b)),
            VT_INT => Some(var.data.i as f64),
            VT_REAL => Some(var.data.r),
            VT_STRING => std::str::from_utf8(string_bytes(&var))
                .ok()?
                .trim()
                .parse()
                .ok(),
            VT_OBJECT => {
                let _ = ctx;
                Some(0.0)
            }
            _ => None,
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ParseBool(ctx: *mut Context, index: i32, out: *mut i32) -> c_int {
    let var = item(ctx, index).unwrap_or(Variable::NULL);
    if is_system_type(var.type_) || var.type_ == VT_STRING {
        return 0;
    }
    let value = ops::to_bool(ctx, var);
    if !out.is_null() {
        // SAFETY: valid out-pointer (API contract).
        unsafe { *out = i32::from(value) };
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ParseInt(ctx: *mut Context, index: i32, out: *mut i64) -> c_int {
    let var = item(ctx, index).unwrap_or(Variable::NULL);
    let value = match var.type_ {
        // SAFETY: reads the member matching the tag.
        VT_INT => Some(unsafe { var.data.i }),
        VT_STRING => {
            // SAFETY: live string.
            let text = unsafe { string_bytes(&var) };
            let text = std::str::from_utf8(text).unwrap_or("").trim();
            text.parse::<i64>()
                .ok()
                .or_else(|| text.parse::<f64>().ok().map(|r| r as i64))
        }
        _ => number_of(ctx, var).map(|r| r as i64),
    };
    match value {
        Some(v) => {
            if !out.is_null() {
                // SAFETY: valid out-pointer (API contract).
                unsafe { *out = v };
            }
            1
        }
        None => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ParseReal(ctx: *mut Context, index: i32, out: *mut f64) -> c_int {
    let var = item(ctx, index).unwrap_or(Variable::NULL);
    match number_of(ctx, var) {
        Some(v) => {
            if !out.is_null() {
                // SAFETY: valid out-pointer (API contract).
                unsafe { *out = v };
            }
            1
        }
        None => 0,
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ParseString(
    ctx: *mut Context,
    index: i32,
    out: *mut *mut c_char,
    size: *mut i32,
) -> c_int {
    // SAFETY: live context.
    let Some(pos) = (unsafe { with(ctx, |c| c.position(index)) }) else {
        return 0;
    };
    let var = item(ctx, index).unwrap_or(Variable::NULL);
    if is_system_type(var.type_) {
        return 0;
    }
    let string = if var.type_ == VT_STRING {
        var
    } else {
        // Like the VM: the item is converted to a string in place.
        let converted = ops::string(&ops::to_string(ctx, var));
        // SAFETY: live context; the position was checked above.
        let old = unsafe { with(ctx, |c| std::mem::replace(&mut c.stack[pos], converted)) };
        release(ctx, &old);
        converted
    };
    // SAFETY: valid out-pointers (API contract); live string.
    unsafe {
        if !out.is_null() {
            *out = string_ptr(&string);
        }
        if !size.is_null() {
            *size = (*string.data.s).size as i32;
        }
    }
    1
}

fn is_object_of(var: &Variable, iface: *mut ObjInterface) -> bool {
    // SAFETY: object variables point to live objects.
    var.type_ == VT_OBJECT && std::ptr::eq(unsafe { (*var.data.o).iface }, iface)
}

#[no_mangle]
pub unsafe extern "C" fn sgs_IsObject(
    ctx: *mut Context,
    index: i32,
    iface: *mut ObjInterface,
) -> c_int {
    c_int::from(item(ctx, index).is_some_and(|v| is_object_of(&v, iface)))
}

#[no_mangle]
pub unsafe extern "C" fn sgs_IsObjectP(var: *mut Variable, iface: *mut ObjInterface) -> c_int {
    // SAFETY: valid variable pointer (API contract).
    c_int::from(is_object_of(unsafe { &*var }, iface))
}

#[no_mangle]
pub unsafe extern "C" fn sgs_GetObjectData(ctx: *mut Context, index: i32) -> *mut c_void {
    match item(ctx, index) {
        // SAFETY: live object.
        Some(v) if v.type_ == VT_OBJECT => unsafe { (*v.data.o).data },
        _ => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_GetObjectDataP(var: *mut Variable) -> *mut c_void {
    // SAFETY: valid variable pointer (API contract).
    let var = unsafe { &*var };
    if var.type_ == VT_OBJECT {
        // SAFETY: live object.
        unsafe { (*var.data.o).data }
    } else {
        std::ptr::null_mut()
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_Method(ctx: *mut Context) -> c_int {
    // SAFETY: live context.
    unsafe {
        with(ctx, |c| match c.frames.last_mut() {
            Some(frame) if frame.method && !frame.has_this => {
                frame.has_this = true;
                c.stack_off -= 1;
                1
            }
            _ => 0,
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_FuncName(ctx: *mut Context, name: *const c_char) {
    // SAFETY: live context; the literal is kept, not copied (no allocation, like the VM).
    unsafe {
        with(ctx, |c| {
            if let Some(frame) = c.frames.last_mut() {
                frame.name = Some(name);
            }
        })
    };
}

/// SGScript's name for a variable's type in argument errors.
fn type_name(var: Option<Variable>) -> String {
    match var {
        None => "nothing".to_owned(),
        Some(v) => match v.type_ {
            VT_NULL => "null".to_owned(),
            VT_BOOL => "bool".to_owned(),
            VT_INT => "int".to_owned(),
            VT_REAL => "real".to_owned(),
            VT_STRING => "string".to_owned(),
            VT_CFUNC => "C function".to_owned(),
            // SAFETY: live object.
            VT_OBJECT => iface_name(unsafe { (*v.data.o).iface }),
            _ => "other".to_owned(),
        },
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ArgErrorExt(
    ctx: *mut Context,
    argid: c_int,
    gotthis: c_int,
    expect: *const c_char,
    expfx: *const c_char,
) -> c_int {
    // SAFETY: NUL-terminated strings (API contract).
    let (expect, prefix) = unsafe {
        (
            CStr::from_ptr(expect).to_string_lossy(),
            CStr::from_ptr(expfx).to_string_lossy(),
        )
    };
    let got = type_name(item(ctx, argid));
    let text = if argid == 0 && gotthis != 0 {
        format!("'this' - expected {prefix}{expect}, got {got}")
    } else {
        format!(
            "argument {} - expected {prefix}{expect}, got {got}",
            argid + i32::from(gotthis == 0)
        )
    };
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.record_message(WARNING, &text)) };
    0
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ObjectArg(ctx: *mut Context) -> c_int {
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.object_arg) }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_PushNulls(ctx: *mut Context, count: c_int) -> c_int {
    for _ in 0..count {
        push_owned(ctx, Variable::NULL);
    }
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_PushBool(ctx: *mut Context, value: i32) -> c_int {
    push_owned(ctx, Variable::bool(value != 0));
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_PushInt(ctx: *mut Context, value: i64) -> c_int {
    push_owned(ctx, Variable::int(value));
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_PushReal(ctx: *mut Context, value: f64) -> c_int {
    push_owned(ctx, Variable::real(value));
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_PushStringBuf(
    ctx: *mut Context,
    text: *const c_char,
    size: i32,
) -> c_int {
    let len = usize::try_from(size).unwrap_or(0);
    let bytes = if len == 0 {
        &[][..]
    } else {
        // SAFETY: `text` has `size` bytes (API contract).
        unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len) }
    };
    push_owned(ctx, ops::string(bytes));
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_PushCFunc(ctx: *mut Context, func: Option<CFunc>) -> c_int {
    push_owned(
        ctx,
        Variable {
            type_: VT_CFUNC,
            data: VarData { c: func },
        },
    );
    1
}

fn store_or_push(ctx: *mut Context, out: *mut Variable, var: Variable) {
    if out.is_null() {
        push_owned(ctx, var);
    } else {
        // SAFETY: valid out-pointer (API contract); the caller now owns the reference.
        unsafe { *out = var };
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_CreateObject(
    ctx: *mut Context,
    out: *mut Variable,
    data: *mut c_void,
    iface: *mut ObjInterface,
) -> c_int {
    let var = new_object(ctx, data, iface);
    store_or_push(ctx, out, var);
    1
}

/// Takes the top `count` items off the stack (their references move to the caller).
fn take_top(ctx: *mut Context, count: usize) -> Vec<Variable> {
    // SAFETY: live context.
    unsafe {
        with(ctx, |c| {
            let count = count.min(c.frame_size());
            let at = c.stack.len() - count;
            c.stack.split_off(at)
        })
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_CreateArray(
    ctx: *mut Context,
    out: *mut Variable,
    numitems: i32,
) -> c_int {
    let items = take_top(ctx, usize::try_from(numitems).unwrap_or(0));
    let var = new_object(ctx, containers::array_data(items), iface_mut(&ARRAY_IFACE));
    store_or_push(ctx, out, var);
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_CreateDict(
    ctx: *mut Context,
    out: *mut Variable,
    numitems: i32,
) -> c_int {
    let items = take_top(ctx, usize::try_from(numitems).unwrap_or(0));
    let mut entries = Vec::new();
    for pair in items.chunks(2) {
        let key = ops::to_string(ctx, pair[0]);
        release(ctx, &pair[0]);
        let value = pair.get(1).copied().unwrap_or(Variable::NULL);
        entries.push((key, value));
    }
    let var = new_object(ctx, containers::dict_data(entries), iface_mut(&DICT_IFACE));
    store_or_push(ctx, out, var);
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ArraySize(var: Variable) -> i32 {
    if var.type_ != VT_OBJECT {
        return -1;
    }
    // SAFETY: live object; the reference is not kept.
    let items = unsafe { array_of(var.data.o) };
    items.map_or(-1, |items| items.len() as i32)
}

#[no_mangle]
pub unsafe extern "C" fn sgs_SetNumIndex(
    ctx: *mut Context,
    obj: Variable,
    idx: i64,
    val: Variable,
) -> c_int {
    c_int::from(ops::set_index(ctx, obj, Variable::int(idx), val, false))
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ArrayErase(ctx: *mut Context, var: Variable, at: i32, count: i32) {
    let items = if var.type_ == VT_OBJECT {
        // SAFETY: live object; the reference is dropped before releasing.
        unsafe { array_of(var.data.o) }
    } else {
        None
    };
    let removed = items.and_then(|items| {
        let at = usize::try_from(at).ok()?;
        let end = at.checked_add(usize::try_from(count).ok()?)?;
        (end <= items.len()).then(|| items.drain(at..end).collect::<Vec<_>>())
    });
    match removed {
        Some(removed) => {
            for item in removed {
                release(ctx, &item);
            }
        }
        None => api_error(
            ctx,
            "sgs_ArrayErase: variable is not an array or invalid range",
        ),
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_Release(ctx: *mut Context, var: *mut Variable) {
    // SAFETY: valid variable pointer holding a reference (API contract).
    let held = unsafe { std::mem::replace(&mut *var, Variable::NULL) };
    release(ctx, &held);
}

#[no_mangle]
pub unsafe extern "C" fn sgs_Acquire(_ctx: *mut Context, var: *mut Variable) {
    // SAFETY: valid variable pointer (API contract).
    acquire(unsafe { &*var });
}

#[no_mangle]
pub unsafe extern "C" fn sgs_GCMark(ctx: *mut Context, var: *mut Variable) {
    // SAFETY: valid variable pointer (API contract); copied out before marking calls into
    // the module.
    let var = unsafe { *var };
    gc::mark_variable(ctx, &var);
}

#[no_mangle]
pub unsafe extern "C" fn sgs_PushVariable(ctx: *mut Context, var: Variable) -> c_int {
    acquire(&var);
    push_owned(ctx, var);
    1
}

#[no_mangle]
pub unsafe extern "C" fn sgs_ArrayPush(ctx: *mut Context, var: Variable, count: i32) {
    if !is_object_of(&var, iface_mut(&ARRAY_IFACE)) {
        api_error(ctx, "sgs_ArrayPush: variable is not an array");
        return;
    }
    // SAFETY: live context.
    let size = unsafe { with(ctx, |c| c.frame_size()) };
    let Ok(count) = usize::try_from(count) else {
        api_error(ctx, &format!("sgs_ArrayPush: negative count ({count})"));
        return;
    };
    if count > size {
        api_error(
            ctx,
            &format!("sgs_ArrayPush: too few items on stack (need: {count}, got: {size})"),
        );
        return;
    }
    // The items' references move from the stack to the array (the array stays alive: it is
    // referenced by the caller, or by one of the moved items).
    let items = take_top(ctx, count);
    // SAFETY: `var` is a live array (checked above); the reference is not kept.
    if let Some(array) = unsafe { array_of(var.data.o) } {
        array.extend(items);
    }
}

/// Moves the last `count` items of an array onto the stack (`ret`) or drops them, as the VM
/// does: the references go from the array to the stack.
#[no_mangle]
pub unsafe extern "C" fn sgs_ArrayPop(ctx: *mut Context, var: Variable, count: i32, ret: c_int) {
    if !is_object_of(&var, iface_mut(&ARRAY_IFACE)) {
        api_error(ctx, "sgs_ArrayPop: variable is not an array");
        return;
    }
    // SAFETY: `var` is a live array (checked above); the reference is dropped before the
    // items are pushed or released.
    let taken = unsafe { array_of(var.data.o) }.and_then(|items| {
        let count = usize::try_from(count).ok().filter(|&n| n <= items.len())?;
        let at = items.len() - count;
        Some(items.split_off(at))
    });
    let Some(taken) = taken else {
        api_error(
            ctx,
            &format!("sgs_ArrayPop: too few items in the array (need: {count})"),
        );
        return;
    };
    for item in taken {
        if ret != 0 {
            push_owned(ctx, item);
        } else {
            release(ctx, &item);
        }
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_IsDict(var: Variable) -> c_int {
    c_int::from(is_object_of(&var, iface_mut(&DICT_IFACE)))
}

/// Dicts only (all the module iterates); anything else is an API error and `false`.
#[no_mangle]
pub unsafe extern "C" fn sgs_CreateIterator(
    ctx: *mut Context,
    out: *mut Variable,
    var: Variable,
) -> c_int {
    if !is_object_of(&var, iface_mut(&DICT_IFACE)) {
        api_error(ctx, "sgs_CreateIterator: the host iterates only dicts");
        store_or_push(ctx, out, Variable::NULL);
        return 0;
    }
    acquire(&var);
    let iterator = new_object(
        ctx,
        containers::iterator_data(var),
        iface_mut(&containers::ITERATOR_IFACE),
    );
    store_or_push(ctx, out, iterator);
    1
}

/// The dict entry an iterator stands on, if any (key bytes and value, not acquired).
fn iterator_entry(var: &Variable) -> Option<(Vec<u8>, Variable)> {
    if var.type_ != VT_OBJECT {
        return None;
    }
    // SAFETY: live objects; the references are not kept.
    unsafe {
        let iterator = containers::iterator_of(var.data.o)?;
        let entries = containers::dict_of(iterator.dict.data.o)?;
        entries
            .get(iterator.position?)
            .map(|(k, v)| (k.clone(), *v))
    }
}

#[no_mangle]
pub unsafe extern "C" fn sgs_IterAdvance(ctx: *mut Context, var: Variable) -> c_int {
    let advanced = if var.type_ == VT_OBJECT {
        // SAFETY: live object; the reference is not kept.
        unsafe { containers::iterator_of(var.data.o) }.map(|iterator| {
            iterator.position = Some(iterator.position.map_or(0, |at| at + 1));
        })
    } else {
        None
    };
    if advanced.is_none() {
        api_error(ctx, "sgs_IterAdvance: not an iterator");
        return -1;
    }
    c_int::from(iterator_entry(&var).is_some())
}

#[no_mangle]
pub unsafe extern "C" fn sgs_IterPushData(
    ctx: *mut Context,
    var: Variable,
    key: c_int,
    value: c_int,
) {
    let (key_bytes, item) = iterator_entry(&var).unwrap_or((Vec::new(), Variable::NULL));
    if key != 0 {
        push_owned(ctx, crate::context::new_string(&key_bytes));
    }
    if value != 0 {
        acquire(&item);
        push_owned(ctx, item);
    }
}
