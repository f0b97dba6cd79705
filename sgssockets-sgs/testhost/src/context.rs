//! The host's engine state: a value stack with call frames, reference-counted strings and
//! objects (destructors run when the last reference goes), arrays and dicts, globals, the
//! registry, registered types and the message log; and what the tracing collector (`gc`)
//! needs: the list of every live object, the current mark colour and the collection phase.
//!
//! The module calls back into the host while a host function is running (callbacks call
//! `sgs_Push*`, ...), so no `&mut Context` is held across a call into the module: every
//! access re-derives a short-lived reference from the raw pointer ([`with`]).

use std::alloc::{alloc, dealloc, Layout};
use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_void, CStr};

use crate::containers::{
    ArrayData, DictData, IteratorData, ARRAY_IFACE, DICT_IFACE, ITERATOR_IFACE,
};
use crate::types::{
    IStr, ObjInterface, RawContext, VarData, VarObj, Variable, VT_OBJECT, VT_STRING,
};

/// One native call frame.
#[derive(Debug, Default)]
pub struct Frame {
    /// Set by `sgs_FuncName` (a literal kept by the module, like the VM keeps it):
    /// prefixes messages as `name(): `.
    pub name: Option<*const c_char>,
    /// Called as a method (`this` below the arguments).
    pub method: bool,
    /// `sgs_Method` moved `this` into the frame.
    pub has_this: bool,
}

/// A message sent with `sgs_Msg` (or produced by the host, like argument errors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// `SGS_WARNING`, `SGS_ERROR`, ...
    pub level: c_int,
    /// The full text, with the `name(): ` prefix the VM adds.
    pub text: String,
}

/// The engine (its address is the `sgs_Context*` the module sees).
#[derive(Debug, Default)]
pub struct Context {
    /// The whole value stack; each item holds one reference.
    pub stack: Vec<Variable>,
    /// Index of item 0 of the current native call or callback.
    pub stack_off: usize,
    /// Native call frames.
    pub frames: Vec<Frame>,
    /// `sgs_ObjectArg`.
    pub object_arg: c_int,
    /// The message log.
    pub messages: Vec<Message>,
    /// Global variables (functions and constants registered by the module).
    pub globals: HashMap<Vec<u8>, Variable>,
    /// Registered types.
    pub types: HashMap<String, usize>,
    /// The root registry dict (a variable holding one reference), once created.
    pub registry: Option<Variable>,
    /// What `sgs_Stat(SGS_STAT_VERSION)` answers.
    pub version: isize,
    /// Objects alive now.
    pub live_objects: usize,
    /// Destructor calls so far.
    pub destructed: usize,
    /// Called with `true` just before a native function runs and `false` just after (tests
    /// use it to measure what the module itself does).
    pub native_call_hook: Option<fn(bool)>,
    /// Every live object, newest first (the VM's `S->objs`, linked through `prev`/`next`).
    pub objects: ObjectList,
    /// The current mark colour (the VM's `S->redblue`): new objects get it, a collection
    /// flips it and marks what it reaches by giving it the new colour.
    pub redblue: u8,
    /// Where the collector is.
    pub gc_phase: GcPhase,
    /// References held by the test's `Value`s, per object: they model a script's local
    /// variables, so the collector treats them as roots.
    pub host_refs: HashMap<*mut VarObj, usize>,
    /// `gcmark` callbacks called so far.
    pub gcmark_calls: usize,
}

/// The intrusive list of every live object (through `VarObj::prev`/`next`, like the VM's).
#[derive(Debug)]
pub struct ObjectList {
    /// The newest object, or null.
    pub head: *mut VarObj,
}

impl Default for ObjectList {
    fn default() -> Self {
        ObjectList {
            head: std::ptr::null_mut(),
        }
    }
}

/// The collector's phase (`Idle` outside a collection).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum GcPhase {
    /// No collection running.
    #[default]
    Idle,
    /// Marking from the roots: `sgs_GCMark` marks.
    Marking,
    /// Destroying unmarked objects: releasing an object never destroys it (the VM's
    /// `gcrun`), the sweep frees every unmarked object itself.
    Sweeping,
}

/// The `sgs_Context*` the module sees for the engine at `ctx` (what its functions and
/// callbacks are called with).
pub fn as_raw(ctx: *mut Context) -> *mut RawContext {
    ctx.cast()
}

/// Runs `f` with a short-lived `&mut Context`.
///
/// # Safety
/// `ctx` is a live host context, and `f` does not call into the module.
pub unsafe fn with<R>(ctx: *mut Context, f: impl FnOnce(&mut Context) -> R) -> R {
    // SAFETY: live context (contract); no other reference to it is active because host
    // code never holds one across a call into the module.
    f(unsafe { &mut *ctx })
}

impl Context {
    /// The absolute stack position of `item` (negative counts from the top).
    pub fn position(&self, item: i32) -> Option<usize> {
        let pos = if item < 0 {
            self.stack.len().checked_sub(item.unsigned_abs() as usize)?
        } else {
            self.stack_off + item as usize
        };
        (pos >= self.stack_off && pos < self.stack.len()).then_some(pos)
    }

    /// The item, if valid.
    pub fn item(&self, item: i32) -> Option<Variable> {
        self.position(item).map(|pos| self.stack[pos])
    }

    /// Items in the current frame.
    pub fn frame_size(&self) -> usize {
        self.stack.len() - self.stack_off
    }

    /// Whether a collection is running (the VM's `gcrun`): releases then only decrement.
    pub fn gcrun(&self) -> bool {
        self.gc_phase != GcPhase::Idle
    }

    /// Records a message, prefixed like the VM does with the current function's name.
    pub fn record_message(&mut self, level: c_int, text: &str) {
        let text = match self.frames.last().and_then(|f| f.name) {
            Some(name) => {
                // SAFETY: `sgs_FuncName` requires a NUL-terminated literal that outlives the call.
                let name = unsafe { CStr::from_ptr(name) }.to_string_lossy();
                format!("{name}(): {text}")
            }
            None => text.to_owned(),
        };
        self.messages.push(Message { level, text });
    }
}

// ---- strings ----

fn string_layout(len: usize) -> Layout {
    Layout::from_size_align(std::mem::size_of::<IStr>() + len + 1, 8).expect("string size")
}

/// A new string variable holding one reference.
pub fn new_string(bytes: &[u8]) -> Variable {
    let layout = string_layout(bytes.len());
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { alloc(layout) }.cast::<IStr>();
    assert!(!ptr.is_null(), "out of memory");
    // SAFETY: `ptr` is a fresh allocation big enough for the header, bytes and NUL.
    unsafe {
        ptr.write(IStr {
            refcount: 1,
            size: u32::try_from(bytes.len()).expect("string too long"),
            hash: 0,
        });
        let data = ptr.add(1).cast::<u8>();
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
        data.add(bytes.len()).write(0);
    }
    Variable {
        type_: VT_STRING,
        data: VarData { s: ptr },
    }
}

/// The bytes of a string variable (valid while it is referenced).
///
/// # Safety
/// `var` is a live string variable.
pub unsafe fn string_bytes<'a>(var: &Variable) -> &'a [u8] {
    // SAFETY: a live string's header is followed by `size` bytes (contract).
    unsafe {
        let header = var.data.s;
        std::slice::from_raw_parts(header.add(1).cast::<u8>(), (*header).size as usize)
    }
}

/// The NUL-terminated data pointer of a string variable.
///
/// # Safety
/// `var` is a live string variable.
pub unsafe fn string_ptr(var: &Variable) -> *mut c_char {
    // SAFETY: the bytes follow the header (contract).
    unsafe { var.data.s.add(1).cast::<c_char>() }
}

// ---- objects ----

/// A new object variable holding one reference, linked first into the object list with the
/// current colour (so a collection running now keeps it, as the VM does).
pub fn new_object(ctx: *mut Context, data: *mut c_void, iface: *mut ObjInterface) -> Variable {
    let obj = Box::into_raw(Box::new(VarObj {
        refcount: 1,
        appsize: 0,
        redblue: 0,
        mm_enable: 0,
        is_iface: 0,
        in_setindex: 0,
        data,
        iface,
        prev: std::ptr::null_mut(),
        next: std::ptr::null_mut(),
        metaobj: std::ptr::null_mut(),
    }));
    // SAFETY: live context; no module call inside. `obj` is fresh and the list head, if
    // any, is a live object.
    unsafe {
        with(ctx, |c| {
            (*obj).redblue = c.redblue;
            (*obj).next = c.objects.head;
            if !c.objects.head.is_null() {
                (*c.objects.head).prev = obj;
            }
            c.objects.head = obj;
            c.live_objects += 1;
        })
    };
    Variable {
        type_: VT_OBJECT,
        data: VarData { o: obj },
    }
}

/// The type name of an object's interface.
pub fn iface_name(iface: *mut ObjInterface) -> String {
    // SAFETY: interfaces are live statics with a NUL-terminated name or null.
    unsafe {
        let name = (*iface).name;
        if name.is_null() {
            "<unnamed>".to_owned()
        } else {
            CStr::from_ptr(name).to_string_lossy().into_owned()
        }
    }
}

/// Takes one more reference.
pub fn acquire(var: &Variable) {
    // SAFETY: referenced strings and objects are live; the counts are plain ints.
    unsafe {
        match var.type_ {
            VT_STRING => (*var.data.s).refcount += 1,
            VT_OBJECT => (*var.data.o).refcount += 1,
            _ => {}
        }
    }
}

/// Drops one reference; the last one frees the value, running an object's destructor
/// (except during a collection, like the VM: the sweep frees unmarked objects itself).
pub fn release(ctx: *mut Context, var: &Variable) {
    match var.type_ {
        VT_STRING => {
            // SAFETY: a referenced string is live; freed with its allocation layout.
            unsafe {
                let s = var.data.s;
                (*s).refcount -= 1;
                if (*s).refcount == 0 {
                    dealloc(s.cast::<u8>(), string_layout((*s).size as usize));
                }
            }
        }
        VT_OBJECT => {
            // SAFETY: a referenced object is live.
            let obj = unsafe { var.data.o };
            // SAFETY: as above.
            let last = unsafe {
                (*obj).refcount -= 1;
                (*obj).refcount == 0
            };
            // SAFETY: live context.
            if last && !unsafe { with(ctx, |c| c.gcrun()) } {
                destroy_object(ctx, obj);
            }
        }
        _ => {}
    }
}

/// Runs the destructor (as the VM does: in a protected stack region) and frees the object.
fn destroy_object(ctx: *mut Context, obj: *mut VarObj) {
    destruct_object(ctx, obj);
    free_object(ctx, obj);
}

/// Runs an object's destructor in a protected stack region (counting it, and recording a
/// failure as the VM does), or releases an array's or dict's items. The object stays
/// allocated and listed.
///
/// `obj` must be live and not destructed yet.
pub fn destruct_object(ctx: *mut Context, obj: *mut VarObj) {
    // SAFETY: `obj` is live (contract).
    let iface = unsafe { (*obj).iface };
    if std::ptr::eq(iface, &ARRAY_IFACE)
        || std::ptr::eq(iface, &DICT_IFACE)
        || std::ptr::eq(iface, &ITERATOR_IFACE)
    {
        free_container(ctx, obj);
    // SAFETY: interfaces are live statics.
    } else if let Some(destruct) = unsafe { (*iface).destruct } {
        let saved = protect(ctx);
        // SAFETY: the module's destructor gets the live context and object.
        let result = unsafe { destruct(as_raw(ctx), obj) };
        unprotect(ctx, saved);
        // SAFETY: live context.
        unsafe {
            with(ctx, |c| {
                c.destructed += 1;
                if result < 0 {
                    c.record_message(300, "failed to call the destructor");
                }
            });
        }
    }
}

/// Unlinks a destructed object from the object list and frees its memory.
///
/// `obj` must be live, listed, destructed ([`destruct_object`]) and no longer used.
pub fn free_object(ctx: *mut Context, obj: *mut VarObj) {
    // SAFETY: live context; `obj` and its list neighbours are live objects.
    unsafe {
        with(ctx, |c| {
            let (prev, next) = ((*obj).prev, (*obj).next);
            if !prev.is_null() {
                (*prev).next = next;
            }
            if !next.is_null() {
                (*next).prev = prev;
            }
            if std::ptr::eq(c.objects.head, obj) {
                c.objects.head = next;
            }
            c.live_objects -= 1;
        })
    };
    // SAFETY: allocated by `new_object` with `Box`; unlinked, and no references are used
    // any more (contract).
    drop(unsafe { Box::from_raw(obj) });
}

/// Frees an array's, dict's or iterator's data, releasing what it holds.
fn free_container(ctx: *mut Context, obj: *mut VarObj) {
    // SAFETY: `obj` is being destroyed; its data box is taken out exactly once.
    unsafe {
        let data = std::mem::replace(&mut (*obj).data, std::ptr::null_mut());
        if data.is_null() {
            return;
        }
        if std::ptr::eq((*obj).iface, &ARRAY_IFACE) {
            for item in *Box::from_raw(data.cast::<ArrayData>()) {
                release(ctx, &item);
            }
        } else if std::ptr::eq((*obj).iface, &DICT_IFACE) {
            for (_, item) in *Box::from_raw(data.cast::<DictData>()) {
                release(ctx, &item);
            }
        } else {
            let iterator = *Box::from_raw(data.cast::<IteratorData>());
            release(ctx, &iterator.dict);
        }
    }
}

/// Starts a protected stack region (callbacks see only what is pushed after this).
pub fn protect(ctx: *mut Context) -> usize {
    // SAFETY: live context.
    unsafe {
        with(ctx, |c| {
            let saved = c.stack_off;
            c.stack_off = c.stack.len();
            saved
        })
    }
}

/// Ends a protected region: pops what is left in it and restores the frame.
pub fn unprotect(ctx: *mut Context, saved: usize) {
    // SAFETY: live context.
    let base = unsafe { with(ctx, |c| c.stack_off) };
    truncate(ctx, base);
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.stack_off = saved) };
}

/// Pops the stack down to `len` items, releasing them (top first).
pub fn truncate(ctx: *mut Context, len: usize) {
    loop {
        // SAFETY: live context.
        let top = unsafe {
            with(ctx, |c| {
                if c.stack.len() > len {
                    c.stack.pop()
                } else {
                    None
                }
            })
        };
        match top {
            Some(var) => release(ctx, &var),
            None => break,
        }
    }
}

/// Pushes a variable that already holds a reference for the stack.
pub fn push_owned(ctx: *mut Context, var: Variable) {
    // SAFETY: live context.
    unsafe { with(ctx, |c| c.stack.push(var)) };
}

/// Takes the top item off the stack, keeping its reference for the caller.
pub fn pop_owned(ctx: *mut Context) -> Option<Variable> {
    // SAFETY: live context.
    unsafe {
        with(ctx, |c| {
            if c.stack.len() > c.stack_off {
                c.stack.pop()
            } else {
                None
            }
        })
    }
}
