//! The tests' side of the host: create an engine, load the module, make values, call
//! functions and methods, read and write properties, convert, dump, compare, run the garbage
//! collector, and read the message log.

use std::ffi::{c_int, c_void};
use std::marker::PhantomData;

use crate::containers::{
    array_data, array_of, dict_data, dict_of, iface_mut, ARRAY_IFACE, DICT_IFACE,
};
use crate::context::{
    acquire, iface_name, new_object, new_string, release, string_bytes, truncate, with, Context,
    Message,
};
use crate::gc;
use crate::ops;
use crate::types::{
    Variable, CONVOP_CLONE, EOP_COMPARE, VT_BOOL, VT_CFUNC, VT_INT, VT_NULL, VT_OBJECT, VT_REAL,
    VT_STRING, WARNING,
};

/// SGScript 1.4.1's version number, what `sgs_Stat(C, SGS_STAT_VERSION)` answers.
pub const SGS_VERSION_INT: isize = 0x0001_0401;

/// A test engine. Values made from it borrow it, so they are released before it is.
#[derive(Debug)]
pub struct Host {
    ctx: *mut Context,
}

/// A value held by the test (one reference), released when dropped. Like a script's local
/// variable, it is a root for [`Host::collect_garbage`] while it exists.
#[derive(Debug)]
pub struct Value<'h> {
    ctx: *mut Context,
    var: Variable,
    _host: PhantomData<&'h Host>,
}

impl Clone for Value<'_> {
    fn clone(&self) -> Self {
        acquire(&self.var);
        hold(self.ctx, &self.var);
        Value {
            ctx: self.ctx,
            var: self.var,
            _host: PhantomData,
        }
    }
}

impl Drop for Value<'_> {
    fn drop(&mut self) {
        unhold(self.ctx, &self.var);
        release(self.ctx, &self.var);
    }
}

/// Counts a `Value`'s reference as held by the test (a collector root).
fn hold(ctx: *mut Context, var: &Variable) {
    if var.type_ == VT_OBJECT {
        // SAFETY: live context; the union member matches the tag.
        unsafe { with(ctx, |c| *c.host_refs.entry(var.data.o).or_insert(0) += 1) };
    }
}

/// Undoes [`hold`] when a `Value` goes.
fn unhold(ctx: *mut Context, var: &Variable) {
    if var.type_ == VT_OBJECT {
        // SAFETY: live context; the union member matches the tag.
        unsafe {
            with(ctx, |c| {
                let obj = var.data.o;
                let count = c.host_refs.get_mut(&obj).expect("a held object");
                *count -= 1;
                if *count == 0 {
                    c.host_refs.remove(&obj);
                }
            })
        };
    }
}

impl Value<'_> {
    /// The raw variable (no reference taken).
    pub fn variable(&self) -> Variable {
        self.var
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        self.var.type_ == VT_NULL
    }

    /// The int, if this is one.
    pub fn as_int(&self) -> Option<i64> {
        if self.var.type_ != VT_INT {
            return None;
        }
        // SAFETY: member matches the tag.
        Some(unsafe { self.var.data.i })
    }

    /// The real, if this is one.
    pub fn as_real(&self) -> Option<f64> {
        if self.var.type_ != VT_REAL {
            return None;
        }
        // SAFETY: member matches the tag.
        Some(unsafe { self.var.data.r })
    }

    /// The bool, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        if self.var.type_ != VT_BOOL {
            return None;
        }
        // SAFETY: member matches the tag.
        Some(unsafe { self.var.data.b != 0 })
    }

    /// The bytes, if this is a string.
    pub fn as_bytes(&self) -> Option<Vec<u8>> {
        // SAFETY: live string.
        (self.var.type_ == VT_STRING).then(|| unsafe { string_bytes(&self.var) }.to_vec())
    }

    /// The text, if this is a UTF-8 string.
    pub fn as_str(&self) -> Option<String> {
        self.as_bytes().and_then(|b| String::from_utf8(b).ok())
    }

    /// The object's type name, if this is an object.
    pub fn object_type(&self) -> Option<String> {
        // SAFETY: live object.
        (self.var.type_ == VT_OBJECT).then(|| iface_name(unsafe { (*self.var.data.o).iface }))
    }

    /// The object's current reference count, if this is an object.
    pub fn refcount(&self) -> Option<i32> {
        // SAFETY: live object.
        (self.var.type_ == VT_OBJECT).then(|| unsafe { (*self.var.data.o).refcount })
    }
}

impl Default for Host {
    fn default() -> Self {
        Self::new()
    }
}

impl Host {
    /// A new empty engine reporting SGScript 1.4.1.
    pub fn new() -> Host {
        Host::with_version(SGS_VERSION_INT)
    }

    /// A new empty engine reporting `version` (to test the module's version check).
    pub fn with_version(version: isize) -> Host {
        let ctx = Box::into_raw(Box::new(Context {
            version,
            ..Context::default()
        }));
        Host { ctx }
    }

    /// The `sgs_Context*` the module sees.
    pub fn raw_context(&self) -> *mut c_void {
        self.ctx.cast()
    }

    /// Runs a module entry point (`sgscript_main`) as `include` does; returns its code.
    pub fn load(&self, entry: impl FnOnce(*mut c_void) -> c_int) -> c_int {
        ops::call_entry(self.ctx, entry)
    }

    /// A new engine (SGScript 1.4.1) with a module loaded through its entry point, as
    /// `include` loads it; panics when the entry point fails or reports any message.
    ///
    /// `C` is the entry point's own declaration of `sgs_Context` (the host's layout stays
    /// independent of the module's), so this takes `sgssockets::sgscript_main` as it is:
    ///
    /// ```ignore
    /// // SAFETY: `sgscript_main` is the module's SGScript entry point.
    /// let host = unsafe { Host::with_module(sgssockets::sgscript_main) };
    /// ```
    ///
    /// # Safety
    /// `entry` is an SGScript module entry point (`int sgscript_main(sgs_Context*)`): it
    /// accepts the engine's `sgs_Context*` and uses it only through the `sgs_*` API.
    pub unsafe fn with_module<C>(entry: unsafe extern "C" fn(*mut C) -> c_int) -> Host {
        let host = Host::new();
        // SAFETY: the host passes its live context, the one argument `entry` expects
        // (this function's contract).
        let code = host.load(|ctx| unsafe { entry(ctx.cast()) });
        assert_eq!(code, 0, "module entry point failed: {:?}", host.messages());
        let messages = host.take_messages();
        assert!(messages.is_empty(), "loading the module said {messages:?}");
        host
    }

    fn own(&self, var: Variable) -> Value<'_> {
        hold(self.ctx, &var);
        Value {
            ctx: self.ctx,
            var,
            _host: PhantomData,
        }
    }

    /// `null`.
    pub fn null(&self) -> Value<'_> {
        self.own(Variable::NULL)
    }

    /// An int.
    pub fn int(&self, value: i64) -> Value<'_> {
        self.own(Variable::int(value))
    }

    /// A real.
    pub fn real(&self, value: f64) -> Value<'_> {
        self.own(Variable::real(value))
    }

    /// A bool.
    pub fn bool(&self, value: bool) -> Value<'_> {
        self.own(Variable::bool(value))
    }

    /// A string.
    pub fn str(&self, text: &str) -> Value<'_> {
        self.bytes(text.as_bytes())
    }

    /// A byte string.
    pub fn bytes(&self, bytes: &[u8]) -> Value<'_> {
        self.own(new_string(bytes))
    }

    /// An array of `items`.
    pub fn array(&self, items: &[&Value<'_>]) -> Value<'_> {
        let vars: Vec<Variable> = items
            .iter()
            .map(|v| {
                acquire(&v.var);
                v.var
            })
            .collect();
        self.own(new_object(
            self.ctx,
            array_data(vars),
            iface_mut(&ARRAY_IFACE),
        ))
    }

    /// A dict of `entries` (in order; a repeated key keeps its last value).
    pub fn dict(&self, entries: &[(&str, &Value<'_>)]) -> Value<'_> {
        let dict = self.own(new_object(
            self.ctx,
            dict_data(Vec::new()),
            iface_mut(&DICT_IFACE),
        ));
        for (key, value) in entries {
            self.set(&dict, key, value);
        }
        dict
    }

    /// The items of an array value.
    pub fn array_items(&self, array: &Value<'_>) -> Option<Vec<Value<'_>>> {
        if array.var.type_ != VT_OBJECT {
            return None;
        }
        // SAFETY: live object; items are copied out before any module call.
        let items = unsafe { array_of(array.var.data.o) }?.clone();
        Some(
            items
                .into_iter()
                .map(|v| {
                    acquire(&v);
                    self.own(v)
                })
                .collect(),
        )
    }

    /// A dict value's entry.
    pub fn dict_get(&self, dict: &Value<'_>, key: &str) -> Option<Value<'_>> {
        if dict.var.type_ != VT_OBJECT {
            return None;
        }
        // SAFETY: live object; the entry is copied out before any module call.
        let entries = unsafe { dict_of(dict.var.data.o) }?;
        let found = entries
            .iter()
            .find(|(k, _)| k == key.as_bytes())
            .map(|(_, v)| *v)?;
        acquire(&found);
        Some(self.own(found))
    }

    /// A global variable (functions and constants the module registered).
    pub fn global(&self, name: &str) -> Option<Value<'_>> {
        // SAFETY: live context.
        let var = unsafe { with(self.ctx, |c| c.globals.get(name.as_bytes()).copied()) }?;
        acquire(&var);
        Some(self.own(var))
    }

    /// Sets a global variable, as a script's assignment to a global does (it then holds a
    /// reference, and is a collector root).
    pub fn set_global(&self, name: &str, value: &Value<'_>) {
        acquire(&value.var);
        // SAFETY: live context.
        let old = unsafe { with(self.ctx, |c| c.globals.insert(name.into(), value.var)) };
        if let Some(old) = old {
            release(self.ctx, &old);
        }
    }

    /// An integer constant's value (panics if missing).
    pub fn constant(&self, name: &str) -> i64 {
        self.global(name)
            .and_then(|v| v.as_int())
            .unwrap_or_else(|| panic!("constant {name} is not registered"))
    }

    /// Whether a type of this name was registered.
    pub fn has_type(&self, name: &str) -> bool {
        // SAFETY: live context.
        unsafe { with(self.ctx, |c| c.types.contains_key(name)) }
    }

    fn call_var(
        &self,
        func: Variable,
        this: Option<&Value<'_>>,
        args: &[&Value<'_>],
    ) -> Vec<Value<'_>> {
        assert_eq!(func.type_, VT_CFUNC, "not a native function");
        // SAFETY: member matches the tag.
        let func = unsafe { func.data.c }.expect("non-null function");
        let args: Vec<Variable> = args.iter().map(|v| v.var).collect();
        ops::call(self.ctx, func, this.map(|t| t.var), &args)
            .into_iter()
            .map(|v| self.own(v))
            .collect()
    }

    /// Calls global function `name` with `args`; returns its results.
    pub fn call(&self, name: &str, args: &[&Value<'_>]) -> Vec<Value<'_>> {
        let func = self
            .global(name)
            .unwrap_or_else(|| panic!("no function {name}"));
        self.call_var(func.var, None, args)
    }

    /// Calls global function `name` and returns its first result (`null` if none).
    pub fn call1(&self, name: &str, args: &[&Value<'_>]) -> Value<'_> {
        self.call(name, args)
            .into_iter()
            .next()
            .unwrap_or_else(|| self.null())
    }

    /// Calls global function `name` with `args` and expects an object of type `type_name`
    /// (`typeof`) as its first result; panics with the message log otherwise.
    pub fn call_for_object(&self, name: &str, args: &[&Value<'_>], type_name: &str) -> Value<'_> {
        let result = self.call1(name, args);
        assert_eq!(
            result.object_type().as_deref(),
            Some(type_name),
            "{name}() gave {result:?}: {:?}",
            self.messages()
        );
        result
    }

    /// Calls `obj.name(args)` as a method; returns its results.
    pub fn call_method(&self, obj: &Value<'_>, name: &str, args: &[&Value<'_>]) -> Vec<Value<'_>> {
        let func = self
            .get(obj, name)
            .unwrap_or_else(|| panic!("no method {name}"));
        self.call_var(func.var, Some(obj), args)
    }

    /// Calls `obj.name(args)` and returns its first result (`null` if none).
    pub fn method1(&self, obj: &Value<'_>, name: &str, args: &[&Value<'_>]) -> Value<'_> {
        self.call_method(obj, name, args)
            .into_iter()
            .next()
            .unwrap_or_else(|| self.null())
    }

    /// Calls a method function value as a plain function (no `this`), e.g. `f(obj, ...)`.
    pub fn call_detached(&self, func: &Value<'_>, args: &[&Value<'_>]) -> Vec<Value<'_>> {
        self.call_var(func.var, None, args)
    }

    /// Reads `obj.name`; `None` when the object does not have it.
    pub fn get(&self, obj: &Value<'_>, name: &str) -> Option<Value<'_>> {
        let key = self.str(name);
        ops::get_index(self.ctx, obj.var, key.var, true).map(|v| self.own(v))
    }

    /// Reads `obj[key]` (index access, not property).
    pub fn get_index(&self, obj: &Value<'_>, key: &Value<'_>) -> Option<Value<'_>> {
        ops::get_index(self.ctx, obj.var, key.var, false).map(|v| self.own(v))
    }

    /// Writes `obj.name = value`; `false` when the object does not have it.
    pub fn set(&self, obj: &Value<'_>, name: &str, value: &Value<'_>) -> bool {
        let key = self.str(name);
        ops::set_index(self.ctx, obj.var, key.var, value.var, true)
    }

    /// Writes `obj[index] = value` (index access, like `sgs_SetNumIndex`); `false` when the
    /// object does not take it (e.g. an array index out of bounds).
    pub fn set_index(&self, obj: &Value<'_>, index: i64, value: &Value<'_>) -> bool {
        ops::set_index(self.ctx, obj.var, Variable::int(index), value.var, false)
    }

    /// `tostring(v)`.
    pub fn to_string(&self, v: &Value<'_>) -> String {
        String::from_utf8_lossy(&ops::to_string(self.ctx, v.var)).into_owned()
    }

    /// `tobool(v)`.
    pub fn to_bool(&self, v: &Value<'_>) -> bool {
        ops::to_bool(self.ctx, v.var)
    }

    /// `dump(v)`.
    pub fn dump(&self, v: &Value<'_>) -> String {
        ops::dump(self.ctx, v.var)
    }

    /// `typeof(v)`.
    pub fn type_of(&self, v: &Value<'_>) -> String {
        match v.var.type_ {
            VT_NULL => "null".into(),
            VT_BOOL => "bool".into(),
            VT_INT => "int".into(),
            VT_REAL => "real".into(),
            VT_STRING => "string".into(),
            VT_CFUNC => "cfunc".into(),
            _ => v.object_type().unwrap_or_else(|| "other".into()),
        }
    }

    /// Compares two values through their `expr` callback: negative, 0 or positive; `None`
    /// if neither type compares them (the VM then compares identities).
    pub fn compare(&self, a: &Value<'_>, b: &Value<'_>) -> Option<f64> {
        let out = ops::expr(self.ctx, a.var, b.var, EOP_COMPARE)?;
        let value = self.own(out);
        value.as_int().map(|i| i as f64).or(value.as_real())
    }

    /// `clone(v)` through the `convert` callback.
    pub fn clone_object(&self, v: &Value<'_>) -> Option<Value<'_>> {
        ops::convert(self.ctx, v.var, CONVOP_CLONE, VT_OBJECT).map(|v| self.own(v))
    }

    /// Every message so far.
    pub fn messages(&self) -> Vec<Message> {
        // SAFETY: live context.
        unsafe { with(self.ctx, |c| c.messages.clone()) }
    }

    /// Takes the messages so far, leaving the log empty.
    pub fn take_messages(&self) -> Vec<Message> {
        // SAFETY: live context.
        unsafe { with(self.ctx, |c| std::mem::take(&mut c.messages)) }
    }

    /// Takes the warnings' texts so far (other messages are dropped too).
    pub fn take_warnings(&self) -> Vec<String> {
        self.take_messages()
            .into_iter()
            .filter(|m| m.level == WARNING)
            .map(|m| m.text)
            .collect()
    }

    /// Objects alive in the engine.
    pub fn live_objects(&self) -> usize {
        // SAFETY: live context.
        unsafe { with(self.ctx, |c| c.live_objects) }
    }

    /// Destructor calls so far.
    pub fn destructor_calls(&self) -> usize {
        // SAFETY: live context.
        unsafe { with(self.ctx, |c| c.destructed) }
    }

    /// Runs SGScript's garbage collector (`sgs_GCExecute`): marks every object reachable
    /// from the roots — the stack, the globals, the registry and every [`Value`] the test
    /// holds — calling native objects' `gcmark` callbacks, then destroys every object it did
    /// not reach whatever its reference count (all their destructors first, during which
    /// releases only decrement, then freeing them). Returns how many objects it freed.
    pub fn collect_garbage(&self) -> usize {
        gc::collect(self.ctx)
    }

    /// `gcmark` callbacks called so far (by [`Host::collect_garbage`]).
    pub fn gcmark_calls(&self) -> usize {
        // SAFETY: live context.
        unsafe { with(self.ctx, |c| c.gcmark_calls) }
    }

    /// Sets a function called with `true` right before each native function runs and with
    /// `false` right after it returns (e.g. to count the module's own allocations).
    pub fn set_native_call_hook(&self, hook: Option<fn(bool)>) {
        // SAFETY: live context.
        unsafe { with(self.ctx, |c| c.native_call_hook = hook) };
    }

    /// Items on the stack (0 between calls: nothing leaks).
    pub fn stack_len(&self) -> usize {
        // SAFETY: live context.
        unsafe { with(self.ctx, |c| c.stack.len()) }
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        truncate(self.ctx, 0);
        // SAFETY: live context.
        let (globals, registry) = unsafe {
            with(self.ctx, |c| {
                (std::mem::take(&mut c.globals), c.registry.take())
            })
        };
        for var in globals.into_values() {
            release(self.ctx, &var);
        }
        if let Some(registry) = registry {
            release(self.ctx, &registry);
        }
        // Like `sgs_DestroyEngine`: with no roots left, a last collection frees the
        // unreachable cycles that reference counting cannot.
        gc::collect(self.ctx);
        // SAFETY: created by `Box::into_raw` in `with_version`; nothing refers to it now
        // (values borrow the host, so they are gone).
        drop(unsafe { Box::from_raw(self.ctx) });
    }
}
