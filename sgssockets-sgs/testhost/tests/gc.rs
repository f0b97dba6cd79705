//! The host's tracing collector and the API functions that go with it (`sgs_Acquire`,
//! `sgs_GCMark`, `sgs_PushVariable`, `sgs_ArrayPush`), tested with a small native "module"
//! written here the way the real module is: two object types, a `holder` that keeps one
//! acquired variable and marks it from `gcmark` or not (switchable), and a plain `victim`
//! whose destructions are counted.
#![allow(non_snake_case)]

use std::cell::Cell;
use std::ffi::{c_char, c_int, c_void};

use sgssockets_sgs_testhost::{Host, Value, Variable};

// ---- the module's view of the API (as a module declares it) ----

/// `sgs_VarObj`, as a module sees it.
#[repr(C)]
struct Obj {
    refcount: i32,
    appsize: u32,
    redblue: u8,
    mm_enable: u8,
    is_iface: u8,
    in_setindex: u8,
    data: *mut c_void,
    iface: *mut c_void,
    prev: *mut Obj,
    next: *mut Obj,
    metaobj: *mut Obj,
}

type Ctx = c_void;
type ObjCb = unsafe extern "C" fn(*mut Ctx, *mut Obj) -> c_int;
type CFunc = unsafe extern "C" fn(*mut Ctx) -> c_int;

/// `sgs_ObjInterface`: name, destruct, gcmark, then eight callbacks, proplist and parent
/// this module does not use.
#[repr(C)]
struct Iface {
    name: *const c_char,
    destruct: Option<ObjCb>,
    gcmark: Option<ObjCb>,
    unused: [*const c_void; 10],
}

// SAFETY: immutable statics of a literal and function pointers.
unsafe impl Sync for Iface {}

#[repr(C)]
struct RegFunc {
    name: *const c_char,
    func: Option<CFunc>,
}

extern "C" {
    fn sgs_Acquire(C: *mut Ctx, var: *mut Variable);
    fn sgs_Release(C: *mut Ctx, var: *mut Variable);
    fn sgs_GCMark(C: *mut Ctx, var: *mut Variable);
    fn sgs_PushVariable(C: *mut Ctx, var: Variable) -> c_int;
    fn sgs_ArrayPush(C: *mut Ctx, var: Variable, count: i32);
    fn sgs_StackItem(C: *mut Ctx, item: i32) -> Variable;
    fn sgs_StackSize(C: *mut Ctx) -> i32;
    fn sgs_ParseInt(C: *mut Ctx, item: i32, out: *mut i64) -> c_int;
    fn sgs_ParseBool(C: *mut Ctx, item: i32, out: *mut i32) -> c_int;
    fn sgs_PushInt(C: *mut Ctx, value: i64) -> c_int;
    fn sgs_PushBool(C: *mut Ctx, value: i32) -> c_int;
    fn sgs_CreateObject(
        C: *mut Ctx,
        out: *mut Variable,
        data: *mut c_void,
        iface: *const Iface,
    ) -> c_int;
    fn sgs_CreateDict(C: *mut Ctx, out: *mut Variable, numitems: i32) -> c_int;
    fn sgs_GetObjectDataP(var: *mut Variable) -> *mut c_void;
    fn sgs_Registry(C: *mut Ctx, subtype: c_int) -> Variable;
    fn sgs_SetIndex(
        C: *mut Ctx,
        obj: Variable,
        idx: Variable,
        val: Variable,
        isprop: c_int,
    ) -> c_int;
    fn sgs_PushStringBuf(C: *mut Ctx, text: *const c_char, size: i32) -> c_int;
    fn sgs_Pop(C: *mut Ctx, count: i32);
    fn sgs_RegFuncConstsExt(C: *mut Ctx, list: *const RegFunc, size: c_int, prefix: *const c_char);
}

// ---- the test module ----

/// A holder's data: one held variable (with a reference), and switches.
struct Holder {
    held: Variable,
    marks: bool,
    fail_mark: bool,
}

thread_local! {
    static VICTIMS_DESTRUCTED: Cell<usize> = const { Cell::new(0) };
    static HOLDERS_DESTRUCTED: Cell<usize> = const { Cell::new(0) };
    static HOST: Cell<*const Host> = const { Cell::new(std::ptr::null()) };
}

static HOLDER_IFACE: Iface = Iface {
    name: c"holder".as_ptr(),
    destruct: Some(holder_destruct),
    gcmark: Some(holder_gcmark),
    unused: [std::ptr::null(); 10],
};

static VICTIM_IFACE: Iface = Iface {
    name: c"victim".as_ptr(),
    destruct: Some(victim_destruct),
    gcmark: None,
    unused: [std::ptr::null(); 10],
};

unsafe extern "C" fn holder_destruct(C: *mut Ctx, obj: *mut Obj) -> c_int {
    // SAFETY: a holder's data is a `Box<Holder>`, taken back once here; its variable holds a
    // reference (released here, as a module's destructor does).
    unsafe {
        let mut holder = Box::from_raw((*obj).data.cast::<Holder>());
        sgs_Release(C, &mut holder.held);
    }
    HOLDERS_DESTRUCTED.with(|n| n.set(n.get() + 1));
    0
}

unsafe extern "C" fn holder_gcmark(C: *mut Ctx, obj: *mut Obj) -> c_int {
    // SAFETY: a live holder's data is a `Holder`.
    let holder = unsafe { &mut *(*obj).data.cast::<Holder>() };
    if holder.fail_mark {
        return -1;
    }
    if holder.marks {
        // SAFETY: the held variable is live (it holds a reference).
        unsafe { sgs_GCMark(C, &mut holder.held) };
    }
    0
}

unsafe extern "C" fn victim_destruct(_C: *mut Ctx, _obj: *mut Obj) -> c_int {
    VICTIMS_DESTRUCTED.with(|n| n.set(n.get() + 1));
    0
}

/// `make_holder(held, marks)`: a holder of `held` that marks it if `marks`.
unsafe extern "C" fn make_holder(C: *mut Ctx) -> c_int {
    let mut marks = 0;
    // SAFETY: the API is called with the live context of this call; the held variable gets
    // its own reference.
    unsafe {
        sgs_ParseBool(C, 1, &mut marks);
        let mut held = sgs_StackItem(C, 0);
        sgs_Acquire(C, &mut held);
        let data = Box::into_raw(Box::new(Holder {
            held,
            marks: marks != 0,
            fail_mark: false,
        }));
        sgs_CreateObject(C, std::ptr::null_mut(), data.cast(), &HOLDER_IFACE)
    }
}

/// `set_held(holder, value)`: the holder holds `value` instead.
unsafe extern "C" fn set_held(C: *mut Ctx) -> c_int {
    // SAFETY: item 0 is a holder (the tests say so); the new value gets a reference before
    // the old one is released.
    unsafe {
        let mut this = sgs_StackItem(C, 0);
        let holder = &mut *sgs_GetObjectDataP(&mut this).cast::<Holder>();
        let mut new = sgs_StackItem(C, 1);
        sgs_Acquire(C, &mut new);
        let mut old = std::mem::replace(&mut holder.held, new);
        sgs_Release(C, &mut old);
    }
    0
}

/// `make_victim()`.
unsafe extern "C" fn make_victim(C: *mut Ctx) -> c_int {
    // SAFETY: live context.
    unsafe { sgs_CreateObject(C, std::ptr::null_mut(), std::ptr::null_mut(), &VICTIM_IFACE) }
}

/// `stash(value)`: stores `value` in the registry (`registry.stash`).
unsafe extern "C" fn stash(C: *mut Ctx) -> c_int {
    // SAFETY: live context; the key string stays on the stack while it is used.
    unsafe {
        sgs_PushStringBuf(C, c"stash".as_ptr(), 5);
        let key = sgs_StackItem(C, -1);
        sgs_SetIndex(C, sgs_Registry(C, 0), key, sgs_StackItem(C, 0), 0);
        sgs_Pop(C, 1);
    }
    0
}

/// `collect_with_temporaries()`: makes a dict and a victim that only the stack holds, runs a
/// collection, and returns whether it freed nothing and called the victim's destructor never.
unsafe extern "C" fn collect_with_temporaries(C: *mut Ctx) -> c_int {
    // SAFETY: live context; `HOST` is the host running this call (set by the test).
    unsafe {
        sgs_CreateDict(C, std::ptr::null_mut(), 0);
        sgs_CreateObject(C, std::ptr::null_mut(), std::ptr::null_mut(), &VICTIM_IFACE);
        let host = &*HOST.with(Cell::get);
        let before = VICTIMS_DESTRUCTED.with(Cell::get);
        let freed = host.collect_garbage();
        let kept = freed == 0 && VICTIMS_DESTRUCTED.with(Cell::get) == before;
        sgs_PushBool(C, i32::from(kept))
    }
}

/// `mark_now(value)`: `sgs_GCMark` outside a collection.
unsafe extern "C" fn mark_now(C: *mut Ctx) -> c_int {
    // SAFETY: live context and item.
    unsafe {
        let mut var = sgs_StackItem(C, 0);
        sgs_GCMark(C, &mut var);
    }
    0
}

/// `push_var(value)`: returns `value` (pushed with `sgs_PushVariable`) and what that returned.
unsafe extern "C" fn push_var(C: *mut Ctx) -> c_int {
    // SAFETY: live context and item.
    unsafe {
        let ret = sgs_PushVariable(C, sgs_StackItem(C, 0));
        sgs_PushInt(C, i64::from(ret));
    }
    2
}

/// `acquire(value)`: takes one more reference to `value` and keeps it (a leak on purpose).
unsafe extern "C" fn acquire(C: *mut Ctx) -> c_int {
    // SAFETY: live context and item.
    unsafe {
        let mut var = sgs_StackItem(C, 0);
        sgs_Acquire(C, &mut var);
    }
    0
}

/// `release(value)`: drops one reference to `value` (undoing `acquire`).
unsafe extern "C" fn release(C: *mut Ctx) -> c_int {
    // SAFETY: live context and item; the caller took the reference with `acquire`.
    unsafe {
        let mut var = sgs_StackItem(C, 0);
        sgs_Release(C, &mut var);
    }
    0
}

/// `array_push(array, count, items...)`: `sgs_ArrayPush(array, count)`; returns the stack
/// size after it.
unsafe extern "C" fn array_push(C: *mut Ctx) -> c_int {
    let mut count = 0;
    // SAFETY: live context and items.
    unsafe {
        sgs_ParseInt(C, 1, &mut count);
        sgs_ArrayPush(C, sgs_StackItem(C, 0), count as i32);
        sgs_PushInt(C, i64::from(sgs_StackSize(C)))
    }
}

fn host() -> Host {
    let host = Host::new();
    let funcs: [(&std::ffi::CStr, CFunc); 10] = [
        (c"make_holder", make_holder),
        (c"set_held", set_held),
        (c"make_victim", make_victim),
        (c"stash", stash),
        (c"collect_with_temporaries", collect_with_temporaries),
        (c"mark_now", mark_now),
        (c"push_var", push_var),
        (c"acquire", acquire),
        (c"release", release),
        (c"array_push", array_push),
    ];
    let list: Vec<RegFunc> = funcs
        .iter()
        .map(|(name, func)| RegFunc {
            name: name.as_ptr(),
            func: Some(*func),
        })
        .collect();
    let code = host.load(|ctx| {
        // SAFETY: the host's live context; `list` has `len` entries.
        unsafe { sgs_RegFuncConstsExt(ctx, list.as_ptr(), list.len() as c_int, c"".as_ptr()) };
        0
    });
    assert_eq!(code, 0);
    host
}

fn holder_data(value: &Value<'_>) -> *mut Holder {
    assert_eq!(value.object_type().as_deref(), Some("holder"));
    let mut var = value.variable();
    // SAFETY: a holder object's data is its `Holder`.
    unsafe { sgs_GetObjectDataP(&mut var) }.cast()
}

fn victims_destructed() -> usize {
    VICTIMS_DESTRUCTED.with(Cell::get)
}

fn holders_destructed() -> usize {
    HOLDERS_DESTRUCTED.with(Cell::get)
}

// ---- tests ----

#[test]
fn an_object_held_only_by_a_marking_native_object_survives() {
    let host = host();
    let victim = host.call1("make_victim", &[]);
    let holder = host.call1("make_holder", &[&victim, &host.bool(true)]);
    drop(victim);
    let (live, marks, victims) = (
        host.live_objects(),
        host.gcmark_calls(),
        victims_destructed(),
    );

    assert_eq!(host.collect_garbage(), 0);
    assert_eq!(host.live_objects(), live);
    assert_eq!(victims_destructed(), victims);
    assert_eq!(host.gcmark_calls(), marks + 1);
    // And again: the colour flips back and forth.
    assert_eq!(host.collect_garbage(), 0);
    assert_eq!(host.gcmark_calls(), marks + 2);

    // Reference counting still frees both when the holder goes.
    drop(holder);
    assert_eq!(host.live_objects(), live - 2);
    assert_eq!(victims_destructed(), victims + 1);
    assert!(host.messages().is_empty(), "{:?}", host.messages());
}

#[test]
fn an_object_held_by_a_non_marking_native_object_is_destroyed_under_it() {
    let host = host();
    let victim = host.call1("make_victim", &[]);
    let holder = host.call1("make_holder", &[&victim, &host.bool(true)]);
    let held = victim.variable().data_ptr();
    drop(victim);
    let (live, destructors, victims) = (
        host.live_objects(),
        host.destructor_calls(),
        victims_destructed(),
    );

    // Marking: it survives.
    assert_eq!(host.collect_garbage(), 0);
    assert_eq!(victims_destructed(), victims);

    // The same holder, no longer marking: the collector destroys what it holds, although its
    // reference count is 1 — the property the module's tests rely on.
    let data = holder_data(&holder);
    // SAFETY: the holder is alive; its data is not otherwise in use.
    unsafe {
        assert_eq!((*data).held.data_ptr(), held);
        (*data).marks = false;
    }
    assert_eq!(host.collect_garbage(), 1);
    assert_eq!(victims_destructed(), victims + 1);
    assert_eq!(host.destructor_calls(), destructors + 1);
    assert_eq!(host.live_objects(), live - 1);
    assert_eq!(holder.object_type().as_deref(), Some("holder"));

    // The holder now holds a dangling pointer (the bug this models); forget it so that
    // dropping the holder does not release freed memory.
    // SAFETY: as above.
    unsafe { (*data).held = Variable::NULL };
    drop(holder);
    assert_eq!(host.live_objects(), live - 2);
    assert_eq!(host.destructor_calls(), destructors + 2);
}

#[test]
fn an_unreachable_cycle_of_two_dicts_is_freed() {
    let host = host();
    let live = host.live_objects();
    let victim = host.call1("make_victim", &[]);
    let a = host.dict(&[("victim", &victim)]);
    let b = host.dict(&[("a", &a)]);
    assert!(host.set(&a, "b", &b));
    drop((a, b, victim));
    // Reference counting cannot free the cycle...
    assert_eq!(host.live_objects(), live + 3);
    let victims = victims_destructed();
    // ...the collector does, with what only the cycle holds.
    assert_eq!(host.collect_garbage(), 3);
    assert_eq!(host.live_objects(), live);
    assert_eq!(victims_destructed(), victims + 1);
    assert_eq!(host.collect_garbage(), 0);
}

#[test]
fn reachable_objects_are_untouched() {
    let host = host();
    let live = host.live_objects();
    let victims = victims_destructed();

    // A value the test holds, and what it holds through containers and marking natives.
    let inner = host.call1("make_victim", &[]);
    let holder = host.call1("make_holder", &[&inner, &host.bool(true)]);
    let array = host.array(&[&holder]);
    let dict = host.dict(&[("array", &array), ("s", &host.str("text"))]);
    drop((inner, holder, array));

    // A global.
    let global = host.call1("make_victim", &[]);
    host.set_global("g", &global);
    drop(global);

    // The registry.
    let stashed = host.call1("make_victim", &[]);
    host.call("stash", &[&stashed]);
    drop(stashed);

    let refcounts = |host: &Host| {
        let array = host.dict_get(&dict, "array").unwrap();
        let items = host.array_items(&array).unwrap();
        (array.refcount(), items[0].refcount())
    };
    let before = refcounts(&host);
    // The six, and the registry.
    assert_eq!(host.live_objects(), live + 7);
    assert_eq!(host.collect_garbage(), 0);
    assert_eq!(host.live_objects(), live + 7);
    assert_eq!(victims_destructed(), victims);
    assert_eq!(refcounts(&host), before);
    assert_eq!(
        host.global("g").unwrap().object_type().as_deref(),
        Some("victim")
    );
    assert_eq!(host.to_string(&host.dict_get(&dict, "s").unwrap()), "text");

    // The stack, in the middle of a native call.
    HOST.with(|h| h.set(&host));
    let kept = host.call1("collect_with_temporaries", &[]);
    HOST.with(|h| h.set(std::ptr::null()));
    assert_eq!(kept.as_bool(), Some(true));
    assert_eq!(host.live_objects(), live + 7);

    drop(dict);
    assert_eq!(host.collect_garbage(), 0, "nothing unreachable was left");
    assert_eq!(host.live_objects(), live + 3);
    assert!(host.messages().is_empty(), "{:?}", host.messages());
}

#[test]
fn releases_during_the_sweep_do_not_destroy_twice() {
    let host = host();
    let live = host.live_objects();
    let (destructors, holders) = (host.destructor_calls(), holders_destructed());

    // Two marking holders holding each other.
    let a = host.call1("make_holder", &[&host.null(), &host.bool(true)]);
    let b = host.call1("make_holder", &[&a, &host.bool(true)]);
    host.call("set_held", &[&a, &b]);
    // A dict and a marking holder holding each other; the dict also holds a non-marking
    // holder of a reachable dict.
    let kept = host.dict(&[("k", &host.int(7))]);
    let c = host.call1("make_holder", &[&kept, &host.bool(false)]);
    let d = host.dict(&[("c", &c)]);
    let e = host.call1("make_holder", &[&d, &host.bool(true)]);
    assert!(host.set(&d, "e", &e));
    drop((a, b, c, d, e));
    assert_eq!(kept.refcount(), Some(2));
    assert_eq!(host.live_objects(), live + 6);

    // Each destructor releases an object that is also being destroyed: that only decrements.
    assert_eq!(host.collect_garbage(), 5);
    assert_eq!(host.destructor_calls(), destructors + 4);
    assert_eq!(holders_destructed(), holders + 4);
    assert_eq!(host.live_objects(), live + 1);
    // The reachable dict lost the reference the destroyed holder had, and nothing else.
    assert_eq!(kept.refcount(), Some(1));
    assert_eq!(host.dict_get(&kept, "k").unwrap().as_int(), Some(7));
    assert!(host.messages().is_empty(), "{:?}", host.messages());
}

#[test]
fn a_failing_gcmark_is_reported() {
    let host = host();
    let victim = host.call1("make_victim", &[]);
    let holder = host.call1("make_holder", &[&victim, &host.bool(true)]);
    // SAFETY: the holder is alive; its data is not otherwise in use.
    unsafe { (*holder_data(&holder)).fail_mark = true };
    assert_eq!(host.collect_garbage(), 0);
    let messages = host.take_messages();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0].level, 300);
    assert_eq!(messages[0].text, "failed to call the gcmark callback");
}

#[test]
fn gcmark_outside_a_collection_does_nothing() {
    let host = host();
    let victim = host.call1("make_victim", &[]);
    let holder = host.call1("make_holder", &[&victim, &host.bool(true)]);
    let marks = host.gcmark_calls();
    host.call("mark_now", &[&holder]);
    host.call("mark_now", &[&host.int(3)]);
    assert_eq!(host.gcmark_calls(), marks);
    // A following collection still marks (and so still calls) the holder.
    assert_eq!(host.collect_garbage(), 0);
    assert_eq!(host.gcmark_calls(), marks + 1);
    assert!(host.messages().is_empty(), "{:?}", host.messages());
}

#[test]
fn objects_the_host_drops_with_are_collected() {
    let victims = victims_destructed();
    {
        let host = host();
        let a = host.dict(&[]);
        let victim = host.call1("make_victim", &[]);
        let b = host.array(&[&a, &victim]);
        assert!(host.set(&a, "b", &b));
    }
    // `sgs_DestroyEngine` collects the cycles reference counting left behind.
    assert_eq!(victims_destructed(), victims + 1);
}

#[test]
fn push_variable_takes_a_reference_and_returns_one() {
    let host = host();
    let dict = host.dict(&[]);
    let results = host.call("push_var", &[&dict]);
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].variable().data_ptr(), dict.variable().data_ptr());
    assert_eq!(results[1].as_int(), Some(1));
    assert_eq!(dict.refcount(), Some(2));
    let text = host.call("push_var", &[&host.str("s")]);
    assert_eq!(text[0].as_str().as_deref(), Some("s"));
    assert_eq!(host.stack_len(), 0);
}

#[test]
fn acquire_takes_one_more_reference() {
    let host = host();
    let dict = host.dict(&[]);
    host.call("acquire", &[&dict]);
    assert_eq!(dict.refcount(), Some(2));
    host.call("release", &[&dict]);
    assert_eq!(dict.refcount(), Some(1));
    let text = host.str("x");
    host.call("acquire", &[&text]);
    host.call("release", &[&text]);
    assert_eq!(text.as_str().as_deref(), Some("x"));
    host.call("acquire", &[&host.int(1)]);
    assert!(host.messages().is_empty());
}

#[test]
fn array_push_moves_the_top_items_to_the_array_end() {
    let host = host();
    let array = host.array(&[&host.int(1)]);
    let item = host.dict(&[]);
    // Stack: array, count, a, b, item; pushes the top 3 in stack order.
    let size = host.call1(
        "array_push",
        &[&array, &host.int(3), &host.str("a"), &host.int(2), &item],
    );
    assert_eq!(size.as_int(), Some(2), "the pushed items left the stack");
    let items = host.array_items(&array).unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].as_int(), Some(1));
    assert_eq!(items[1].as_str().as_deref(), Some("a"));
    assert_eq!(items[2].as_int(), Some(2));
    assert_eq!(items[3].variable().data_ptr(), item.variable().data_ptr());
    drop(items);
    assert_eq!(item.refcount(), Some(2), "the test's and the array's");

    let size = host.call1("array_push", &[&array, &host.int(0)]);
    assert_eq!(size.as_int(), Some(2));
    assert_eq!(host.array_items(&array).unwrap().len(), 4);
    assert!(host.messages().is_empty(), "{:?}", host.messages());
}

#[test]
fn array_push_reports_misuse() {
    let host = host();
    let array = host.array(&[]);
    let dict = host.dict(&[]);
    let cases: [(&Value<'_>, i64, &str); 3] = [
        (&dict, 1, "sgs_ArrayPush: variable is not an array"),
        (
            &array,
            3,
            "sgs_ArrayPush: too few items on stack (need: 3, got: 2)",
        ),
        (&array, -1, "sgs_ArrayPush: negative count (-1)"),
    ];
    for (target, count, text) in cases {
        let size = host.call1("array_push", &[target, &host.int(count)]);
        assert_eq!(size.as_int(), Some(2), "nothing was popped");
        let messages = host.take_messages();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert_eq!(messages[0].level, 330);
        assert_eq!(messages[0].text, text);
    }
    assert!(host.array_items(&array).unwrap().is_empty());
}

#[test]
fn an_array_pushed_into_itself_is_collected() {
    let host = host();
    let live = host.live_objects();
    let array = host.array(&[]);
    host.call("array_push", &[&array, &host.int(1), &array]);
    let items = host.array_items(&array).unwrap();
    assert_eq!(items[0].variable().data_ptr(), array.variable().data_ptr());
    drop((items, array));
    assert_eq!(host.live_objects(), live + 1);
    assert_eq!(host.collect_garbage(), 1);
    assert_eq!(host.live_objects(), live);
}

#[test]
fn set_index_writes_an_array_item_in_bounds() {
    let host = host();
    let live = host.live_objects();
    let array = host.array(&[&host.int(1), &host.null()]);
    assert!(host.set_index(&array, 1, &array));
    assert!(!host.set_index(&array, 2, &host.int(3)), "out of bounds");
    assert!(
        !host.set_index(&host.int(0), 0, &host.int(3)),
        "not an object"
    );
    let items = host.array_items(&array).unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].variable().data_ptr(), array.variable().data_ptr());
    drop((items, array));
    assert_eq!(host.collect_garbage(), 1);
    assert_eq!(host.live_objects(), live);
}
