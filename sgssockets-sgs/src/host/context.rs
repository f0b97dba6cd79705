//! A small safe layer over an SGScript context: read arguments, push results, report
//! argument errors and warnings in SGScript's normal form.
//!
//! A [`Ctx`] only exists inside a call from the VM (see [`crate::host::trampoline`]), so the
//! context pointer it wraps is live for its whole lifetime.

use std::ffi::{c_char, c_int, CStr, CString};
use std::marker::PhantomData;

use crate::host::raw::{self, sgs_Context, sgs_Variable};

/// The context of one call from the VM into this module.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'call> {
    raw: *mut sgs_Context,
    /// Whether the stack's item 0 is `this` (set by [`Ctx::enter_method`]).
    method: bool,
    /// Whether item 0 is the object a method works on (`this`, or the first argument when
    /// a method is called as a plain function); it is not counted as an argument.
    object_first: bool,
    _call: PhantomData<&'call sgs_Context>,
}

impl<'call> Ctx<'call> {
    /// Wraps the context the VM passed to a callback.
    ///
    /// # Safety
    /// `raw` is the live context of the current call from the VM, and the returned value is
    /// not used after that call returns.
    pub unsafe fn from_raw(raw: *mut sgs_Context) -> Self {
        Ctx {
            raw,
            method: false,
            object_first: false,
            _call: PhantomData,
        }
    }

    /// The raw context pointer, for the few places that call [`raw`] directly.
    pub fn as_raw(&self) -> *mut sgs_Context {
        self.raw
    }

    /// The engine's root context: the same for every thread (coroutine) of one engine.
    pub fn root(&self) -> usize {
        // SAFETY: the context is live for the call (type invariant).
        unsafe { raw::sgs_RootContext(self.raw) as usize }
    }

    /// Names the running native function in messages (`name(): ...`).
    pub fn set_function_name(&self, name: &'static CStr) {
        // SAFETY: live context; the name is a 'static NUL-terminated string, as the VM
        // keeps the pointer for the rest of the call.
        unsafe { raw::sgs_FuncName(self.raw, name.as_ptr()) }
    }

    /// Makes `this` item 0 when the function was called as a method (`obj.method()`), as
    /// `sgs_Method` does, and remembers it for argument messages. Returns whether it was.
    /// Item 0 is the object either way (a method called as `f(obj, ...)` works too), and is
    /// not counted as an argument (see [`crate::host::args`]).
    pub fn enter_method(&mut self) -> bool {
        // SAFETY: live context.
        self.method = unsafe { raw::sgs_Method(self.raw) } != 0;
        self.object_first = true;
        self.method
    }

    /// Number of items on the current call's stack (arguments, `this` included after
    /// [`enter_method`](Self::enter_method)).
    pub fn stack_size(&self) -> i32 {
        // SAFETY: live context.
        unsafe { raw::sgs_StackSize(self.raw) }
    }

    /// The variable type (`SGS_VT_*`) of a stack item; `SGS_VT_NULL` past the end.
    pub fn item_type(&self, item: i32) -> u32 {
        if item >= self.stack_size() {
            return raw::SGS_VT_NULL;
        }
        // SAFETY: live context, index checked above.
        unsafe { raw::sgs_ItemType(self.raw, item) }
    }

    /// Whether the item is missing or `null`.
    pub fn is_null(&self, item: i32) -> bool {
        self.item_type(item) == raw::SGS_VT_NULL
    }

    /// The item as an integer, converting as SGScript does (`sgs_ParseInt`).
    pub fn int_at(&self, item: i32) -> Option<i64> {
        let mut out = 0;
        // SAFETY: live context; `out` is a valid place for the result.
        (unsafe { raw::sgs_ParseInt(self.raw, item, &mut out) } != 0).then_some(out)
    }

    /// The item as a real (`sgs_ParseReal`).
    pub fn real_at(&self, item: i32) -> Option<f64> {
        let mut out = 0.0;
        // SAFETY: live context; `out` is a valid place for the result.
        (unsafe { raw::sgs_ParseReal(self.raw, item, &mut out) } != 0).then_some(out)
    }

    /// The item as a bool (`sgs_ParseBool`: strings and system types are refused).
    pub fn bool_at(&self, item: i32) -> Option<bool> {
        let mut out = 0;
        // SAFETY: live context; `out` is a valid place for the result.
        (unsafe { raw::sgs_ParseBool(self.raw, item, &mut out) } != 0).then_some(out != 0)
    }

    /// The item's bytes if it is a string (or converts to one, `sgs_ParseString`).
    ///
    /// The bytes stay valid while the item stays on the stack, which is the whole call
    /// because this module never pops its arguments.
    pub fn bytes_at(&self, item: i32) -> Option<&'call [u8]> {
        if item >= self.stack_size() {
            return None;
        }
        // SAFETY: live context, index checked.
        let var = unsafe { raw::sgs_StackItem(self.raw, item) };
        if var.type_ == raw::SGS_VT_STRING {
            // SAFETY: the item holds a reference to the string for the whole call (this
            // module never pops its arguments), so its bytes outlive `'call`.
            return Some(unsafe { string_bytes(&var) });
        }
        let mut ptr: *mut c_char = std::ptr::null_mut();
        let mut size: raw::sgs_SizeVal = 0;
        // SAFETY: live context; both out-pointers are valid places.
        let ok = unsafe { raw::sgs_ParseString(self.raw, item, &mut ptr, &mut size) } != 0;
        if !ok || ptr.is_null() {
            return None;
        }
        let len = usize::try_from(size).ok()?;
        // SAFETY: the VM returned a pointer to `size` bytes of the string held by the stack
        // item, which lives (unchanged) until the call returns.
        Some(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
    }

    /// The item as UTF-8 text, if it is a string that is valid UTF-8.
    pub fn str_at(&self, item: i32) -> Option<&'call str> {
        self.bytes_at(item)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
    }

    /// The item as a variable (no reference taken: valid while the item is on the stack).
    pub fn variable_at(&self, item: i32) -> sgs_Variable {
        if item >= self.stack_size() {
            return raw::sgs_MakeNull();
        }
        // SAFETY: live context, index checked.
        unsafe { raw::sgs_StackItem(self.raw, item) }
    }

    /// Reports a bad argument in SGScript's standard form
    /// (`name(): argument 2 - expected string, got int`).
    pub fn arg_error(&self, item: i32, expected: &CStr) {
        // SAFETY: live context; both strings are NUL-terminated.
        unsafe {
            raw::sgs_ArgErrorExt(
                self.raw,
                item,
                c_int::from(self.method),
                expected.as_ptr(),
                c"".as_ptr(),
            );
        }
    }

    /// Whether item 0 is the object a method works on (not counted as an argument).
    pub fn object_first(&self) -> bool {
        self.object_first
    }

    /// Sends a message of the given level; text is passed through `"%s"`, never as format.
    fn message(&self, level: c_int, text: &str) {
        let text = CString::new(text.replace('\0', "\\0")).unwrap_or_default();
        // SAFETY: live context; the format is "%s" with exactly one NUL-terminated string
        // argument, so the variadic call reads exactly what is passed.
        unsafe {
            raw::sgs_Msg(self.raw, level, c"%s".as_ptr(), text.as_ptr());
        }
    }

    /// A warning (`SGS_WARNING`), prefixed by the VM with the function name if one is set.
    pub fn warn(&self, text: &str) {
        self.message(raw::SGS_WARNING, text);
    }

    /// An error (`SGS_ERROR`): only for internal failures and the version check.
    pub fn error(&self, text: &str) {
        self.message(raw::SGS_ERROR, text);
    }

    /// Pushes `null`.
    pub fn push_null(&self) {
        // SAFETY: live context.
        unsafe { raw::sgs_PushNull(self.raw) };
    }

    /// Pushes a bool.
    pub fn push_bool(&self, value: bool) {
        // SAFETY: live context.
        unsafe { raw::sgs_PushBool(self.raw, raw::sgs_Bool::from(value)) };
    }

    /// Pushes an integer.
    pub fn push_int(&self, value: i64) {
        // SAFETY: live context.
        unsafe { raw::sgs_PushInt(self.raw, value) };
    }

    /// Pushes a real.
    pub fn push_real(&self, value: f64) {
        // SAFETY: live context.
        unsafe { raw::sgs_PushReal(self.raw, value) };
    }

    /// Pushes a byte string (SGScript strings are byte buffers). Strings longer than
    /// SGScript's 2 GiB limit are cut to it (never reached: receives are bounded by `max`).
    pub fn push_bytes(&self, bytes: &[u8]) {
        let len = raw::sgs_SizeVal::try_from(bytes.len()).unwrap_or(raw::sgs_SizeVal::MAX);
        // SAFETY: live context; `bytes` is valid for `len` bytes; the VM copies them.
        unsafe { raw::sgs_PushStringBuf(self.raw, bytes.as_ptr().cast(), len) };
    }

    /// Pushes a text string.
    pub fn push_str(&self, text: &str) {
        self.push_bytes(text.as_bytes());
    }

    /// Pushes a native function value.
    pub fn push_cfunc(&self, func: raw::sgs_CFunc) {
        // SAFETY: live context; `func` is a valid C function for the VM to call.
        unsafe { raw::sgs_PushCFunc(self.raw, Some(func)) };
    }

    /// Replaces the top `count` items with an array of them.
    pub fn make_array(&self, count: i32) {
        // SAFETY: live context; the caller pushed `count` items.
        unsafe { raw::sgs_CreateArray(self.raw, std::ptr::null_mut(), count) };
    }

    /// Replaces the top `2 * pairs` items (key, value, ...) with a dict of them.
    pub fn make_dict(&self, pairs: i32) {
        // SAFETY: live context; the caller pushed `2 * pairs` items.
        unsafe { raw::sgs_CreateDict(self.raw, std::ptr::null_mut(), pairs * 2) };
    }

    /// The integer parameter of the current object callback (`sgs_ObjectArg`): "is
    /// property access" for getindex/setindex, the operation for expr.
    pub fn object_arg(&self) -> c_int {
        // SAFETY: live context.
        unsafe { raw::sgs_ObjectArg(self.raw) }
    }
}

/// A variable this module holds a reference to; released when dropped.
#[derive(Debug)]
pub struct HeldVariable<'call> {
    ctx: Ctx<'call>,
    var: sgs_Variable,
}

impl HeldVariable<'_> {
    /// The variable (valid while `self` lives).
    pub fn variable(&self) -> &sgs_Variable {
        &self.var
    }

    /// The value if the variable is an integer.
    pub fn as_int(&self) -> Option<i64> {
        if self.var.type_ != raw::SGS_VT_INT {
            return None;
        }
        // SAFETY: the union is read as the member its type tag says it holds.
        Some(unsafe { self.var.data.I })
    }
}

impl Drop for HeldVariable<'_> {
    fn drop(&mut self) {
        // SAFETY: live context; `var` holds one reference taken by `sgs_GetIndex`.
        unsafe { raw::sgs_Release(self.ctx.raw, &mut self.var) };
    }
}

impl<'call> Ctx<'call> {
    /// The number of items if `var` is an array.
    pub fn array_len(&self, var: &sgs_Variable) -> Option<usize> {
        // SAFETY: `var` is a valid variable held by the caller.
        let size = unsafe { raw::sgs_ArraySize(*var) };
        usize::try_from(size).ok()
    }

    /// Item `index` of the array `var` (index checked by the caller against
    /// [`array_len`](Self::array_len)).
    pub fn array_item(&self, var: &sgs_Variable, index: usize) -> Option<HeldVariable<'call>> {
        let index = i64::try_from(index).ok()?;
        let mut out = raw::sgs_MakeNull();
        // SAFETY: live context; `var` is valid; `out` receives a new reference on success.
        let ok = unsafe { raw::sgs_GetIndex(self.raw, *var, raw::sgs_MakeInt(index), &mut out, 0) };
        (ok != 0).then_some(HeldVariable {
            ctx: *self,
            var: out,
        })
    }

    /// Stores `value` at `index` of the array `var`.
    pub fn set_array_item(&self, var: &sgs_Variable, index: usize, value: &sgs_Variable) {
        let index = i64::try_from(index).unwrap_or(i64::MAX);
        // SAFETY: live context; both variables are valid and held by the caller.
        unsafe { raw::sgs_SetNumIndex(self.raw, *var, index, *value) };
    }

    /// Removes items `from..len` of the array `var`.
    pub fn array_truncate(&self, var: &sgs_Variable, from: usize, len: usize) {
        if from >= len {
            return;
        }
        let (Ok(at), Ok(count)) = (i32::try_from(from), i32::try_from(len - from)) else {
            return;
        };
        // SAFETY: live context; `var` is a valid array of `len` items (caller's check).
        unsafe { raw::sgs_ArrayErase(self.raw, *var, at, count) };
    }
}

/// A reference to a script value that a native object keeps beyond one call (a poller's
/// registered sockets). It is released explicitly, with a context, by
/// [`Ctx::release_stored`]: never dropped silently (that would leak the value).
#[derive(Debug)]
#[must_use = "a stored variable holds a reference that must be released"]
pub struct StoredVariable {
    var: sgs_Variable,
}

impl StoredVariable {
    /// The variable (valid until released).
    pub fn variable(&self) -> sgs_Variable {
        self.var
    }
}

impl<'call> Ctx<'call> {
    /// Takes a reference to stack `item`'s value for a native object to keep.
    pub fn store_item(&self, item: i32) -> StoredVariable {
        let mut var = self.variable_at(item);
        // SAFETY: live context; `var` is a valid variable (from the stack).
        unsafe { raw::sgs_Acquire(self.raw, &mut var) };
        StoredVariable { var }
    }

    /// Gives back the reference `stored` held (the value may be freed now).
    pub fn release_stored(&self, stored: StoredVariable) {
        let mut var = stored.var;
        // SAFETY: live context; `var` holds the reference taken by `store_item`.
        unsafe { raw::sgs_Release(self.raw, &mut var) };
    }

    /// Marks a kept value as reachable, from an object's `gcmark` callback.
    pub fn gc_mark(&self, stored: &StoredVariable) {
        let mut var = stored.var;
        // SAFETY: live context; `var` is alive (referenced by `stored`).
        unsafe { raw::sgs_GCMark(self.raw, &mut var) };
    }

    /// Replaces the items of the array `array` with `values`, in order.
    pub fn refill_array(&self, array: &sgs_Variable, values: &[sgs_Variable]) {
        let len = self.array_len(array).unwrap_or(0);
        self.array_truncate(array, 0, len);
        if values.is_empty() {
            return;
        }
        for value in values {
            // SAFETY: live context; each value is alive (held by the caller).
            unsafe { raw::sgs_PushVariable(self.raw, *value) };
        }
        let count = i32::try_from(values.len()).unwrap_or(i32::MAX);
        // SAFETY: live context; `array` is an array (checked by the caller) and the top
        // `count` items are the values just pushed.
        unsafe { raw::sgs_ArrayPush(self.raw, *array, count) };
    }
}

impl Ctx<'_> {
    /// Whether `var` is a dict.
    pub fn is_dict(&self, var: &sgs_Variable) -> bool {
        // SAFETY: `var` is a valid variable held by the caller.
        unsafe { raw::sgs_IsDict(*var) != 0 }
    }

    /// Calls `visit` with each key of the dict `var` and the stack index of its value, in
    /// the dict's order, stopping at the first failure. The key and value are on the stack
    /// only during their visit: `visit` copies what it keeps (text read with
    /// [`str_at`](Ctx::str_at) must not outlive the visit).
    pub fn for_each_dict_entry<E>(
        &self,
        var: &sgs_Variable,
        mut visit: impl FnMut(&str, i32) -> Result<(), E>,
    ) -> Result<(), E> {
        let base = self.stack_size();
        // SAFETY: live context; `var` is a dict held by the caller. The iterator is pushed.
        if unsafe { raw::sgs_CreateIterator(self.raw, std::ptr::null_mut(), *var) } == 0 {
            self.pop_to(base);
            return Ok(());
        }
        let iterator = self.variable_at(base);
        let mut result = Ok(());
        // SAFETY: live context; the iterator stays on the stack (held) for the whole loop.
        while unsafe { raw::sgs_IterAdvance(self.raw, iterator) } > 0 {
            // SAFETY: as above; pushes the key, then the value.
            unsafe { raw::sgs_IterPushData(self.raw, iterator, 1, 1) };
            let key = self.bytes_at(base + 1).map(String::from_utf8_lossy);
            result = visit(key.as_deref().unwrap_or(""), base + 2);
            self.pop_to(base + 1);
            if result.is_err() {
                break;
            }
        }
        self.pop_to(base);
        result
    }

    /// Pops what was pushed above `size` items.
    pub fn pop_to(&self, size: i32) {
        let extra = self.stack_size() - size;
        if extra > 0 {
            // SAFETY: live context; only items this call pushed are popped.
            unsafe { raw::sgs_Pop(self.raw, extra) };
        }
    }

    /// A copy of the bytes of `var` if it is a string.
    pub fn variable_bytes(&self, var: &sgs_Variable) -> Option<Vec<u8>> {
        if var.type_ != raw::SGS_VT_STRING {
            return None;
        }
        // SAFETY: `var` is a string variable held by the caller for this call.
        Some(unsafe { string_bytes(var) }.to_vec())
    }

    /// The items `base..base + len` of the stack (all present: pushed by this call), read
    /// with one call into the VM each.
    pub fn stack_items(&self, base: i32, len: usize) -> impl Iterator<Item = sgs_Variable> + '_ {
        (base..).take(len).map(|item| {
            // SAFETY: live context; the caller pushed these items, so the index is valid.
            unsafe { raw::sgs_StackItem(self.raw, item) }
        })
    }

    /// Moves every item of the array `var` (`len` of them) onto the stack, in order, leaving
    /// the array empty: one call into the VM however long the array. Returns the stack
    /// index of the first. [`array_push_top`](Ctx::array_push_top) moves them back.
    pub fn array_take_all(&self, var: &sgs_Variable, len: usize) -> i32 {
        let base = self.stack_size();
        let count = i32::try_from(len).unwrap_or(i32::MAX);
        // SAFETY: live context; `var` is an array of `len` items (caller's check).
        unsafe { raw::sgs_ArrayPop(self.raw, *var, count, 1) };
        base
    }

    /// Moves the top `count` stack items to the end of the array `var`.
    pub fn array_push_top(&self, var: &sgs_Variable, count: usize) {
        if count == 0 {
            return;
        }
        let count = i32::try_from(count).unwrap_or(i32::MAX);
        // SAFETY: live context; `var` is an array and the top `count` items exist (caller).
        unsafe { raw::sgs_ArrayPush(self.raw, *var, count) };
    }

    /// Pushes `var` (taking a new reference for the stack).
    pub fn push_variable(&self, var: &sgs_Variable) {
        // SAFETY: live context; `var` is alive (held by the caller).
        unsafe { raw::sgs_PushVariable(self.raw, *var) };
    }
}

/// The bytes of a string variable, read from the public string header (`sgs_var_cstr` and
/// the header's `size`) without a call into the VM: the fast path for method names and
/// string arguments.
///
/// # Safety
/// `var` is a string variable (`SGS_VT_STRING`) whose string stays referenced for `'a`.
unsafe fn string_bytes<'a>(var: &sgs_Variable) -> &'a [u8] {
    // SAFETY: a string variable's `data.S` points at a live `sgs_iStr` header followed by
    // `size` bytes (the public layout, asserted in `raw`), kept alive by the reference the
    // caller holds for `'a`.
    unsafe {
        let header = var.data.S;
        let len = (*header).size as usize;
        std::slice::from_raw_parts(header.add(1).cast::<u8>(), len)
    }
}
