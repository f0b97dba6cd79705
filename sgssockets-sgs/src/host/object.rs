//! The typed object layer: a Rust type becomes an SGScript object type by implementing
//! [`NativeType`], whose interface is made by `native_interface!` from the type itself.
//! One generic set of callbacks serves every type, and an object's data is read back only
//! as the type whose interface it has, so a wrong cast cannot be written.
//!
//! ```ignore
//! struct Counter { hits: Cell<i64> }
//! impl NativeType for Counter {
//!     const NAME: &'static CStr = c"counter";
//!     native_interface!(Counter);
//!     fn dump(&self) -> String { format!("counter ({})", self.hits.get()) }
//! }
//! push_object(ctx, Counter { hits: Cell::new(0) });
//! ```

use std::cmp::Ordering;
use std::ffi::{c_int, c_void, CStr};

use crate::host::context::Ctx;
use crate::host::raw::{self, sgs_CFunc, sgs_Context, sgs_ObjInterface, sgs_VarObj, sgs_Variable};
use crate::host::report::{Outcome, Push, Value};
use crate::host::trampoline::{self, CALLBACK_PANIC};
use crate::last_error;

/// A Rust type that scripts see as an object type.
///
/// Every callback has a default, so a type states only what it has: methods, properties,
/// conversions, a dump text, comparison.
pub trait NativeType: Sized + 'static {
    /// The type's name: `typeof`, dumps and the argument warning ("expected socket").
    const NAME: &'static CStr;

    /// Whether a property access that succeeds sets `socket_error()` to 0 (a socket's
    /// options are socket calls; an address's fields are not).
    const RECORDS_OUTCOME: bool = false;

    /// Whether objects of the type compare with `==`/`<` (through [`compare`](Self::compare)).
    const COMPARABLE: bool = false;

    /// Whether objects of the type keep references to script values, which they then mark
    /// in [`gc_mark`](Self::gc_mark) (SGScript's collector frees whatever is not marked).
    const HOLDS_VALUES: bool = false;

    /// The type's interface, unique to it. Write `native_interface!(ThisType);`.
    fn interface() -> &'static sgs_ObjInterface;

    /// The native function of method `name`, if the type has one.
    fn method(_name: &str) -> Option<sgs_CFunc> {
        None
    }

    /// Reads property `name`: `None` if there is no such property (SGScript's "not found").
    fn get_property(&self, _ctx: &Ctx<'_>, _name: &str) -> Option<Outcome<Value>> {
        None
    }

    /// Writes property `name` from the value at stack item `value`: `None` if there is no
    /// such property.
    fn set_property(&self, _ctx: &Ctx<'_>, _name: &str, _value: i32) -> Option<Outcome<()>> {
        None
    }

    /// `tobool`, if the type converts to bool.
    fn to_bool(&self) -> Option<bool> {
        None
    }

    /// `tostring`, if the type converts to a string.
    fn to_text(&self) -> Option<String> {
        None
    }

    /// A copy for `clone(obj)`, if the type is a value that can be copied.
    fn clone_value(&self) -> Option<Self> {
        None
    }

    /// The order of two objects of the type (used when [`COMPARABLE`](Self::COMPARABLE)).
    fn compare(&self, _other: &Self) -> Option<Ordering> {
        None
    }

    /// Marks every script value the object keeps ([`Ctx::gc_mark`]).
    fn gc_mark(&self, _ctx: &Ctx<'_>) {}

    /// Runs before the object's data is dropped: give back kept script values here
    /// ([`Ctx::release_stored`]).
    fn before_destroy(&self, _ctx: &Ctx<'_>) {}

    /// The text of `printvar`/dump.
    fn dump(&self) -> String {
        Self::NAME.to_string_lossy().into_owned()
    }
}

/// Defines [`NativeType::interface`] for the type named, inside its `impl NativeType`.
/// The type must be `Self` (checked at compile time), so an interface always belongs to
/// the data type its callbacks read.
macro_rules! native_interface {
    ($ty:ty) => {
        fn interface() -> &'static $crate::host::raw::sgs_ObjInterface {
            fn same_type<A>(_: ::std::marker::PhantomData<A>, _: ::std::marker::PhantomData<A>) {}
            same_type(
                ::std::marker::PhantomData::<Self>,
                ::std::marker::PhantomData::<$ty>,
            );
            static INTERFACE: $crate::host::raw::sgs_ObjInterface =
                $crate::host::object::interface_for::<$ty>();
            &INTERFACE
        }
    };
}
pub(crate) use native_interface;

/// The interface of `T`: its name and the generic callbacks instantiated for it.
pub const fn interface_for<T: NativeType>() -> sgs_ObjInterface {
    sgs_ObjInterface {
        name: T::NAME.as_ptr(),
        destruct: Some(destruct::<T>),
        gcmark: if T::HOLDS_VALUES {
            Some(gcmark::<T>)
        } else {
            None
        },
        getindex: Some(getindex::<T>),
        setindex: Some(setindex::<T>),
        convert: Some(convert::<T>),
        serialize: None,
        dump: Some(dump::<T>),
        getnext: None,
        call: None,
        expr: if T::COMPARABLE { Some(expr::<T>) } else { None },
        proplist: std::ptr::null(),
        parent: std::ptr::null(),
    }
}

/// The interface pointer the VM identifies a type by. The VM never writes through it.
pub fn interface_ptr<T: NativeType>() -> *mut sgs_ObjInterface {
    std::ptr::from_ref(T::interface()).cast_mut()
}

/// Registers `T` under its name, so scripts can refer to the type.
pub fn register_type<T: NativeType>(ctx: &Ctx<'_>) {
    // SAFETY: live context; the name and the interface are 'static.
    unsafe { raw::sgs_RegisterType(ctx.as_raw(), T::NAME.as_ptr(), interface_ptr::<T>()) };
}

/// Pushes a new object of type `T` owning `value`; its destructor drops `value` once.
pub fn push_object<T: NativeType>(ctx: &Ctx<'_>, value: T) {
    let data = Box::into_raw(Box::new(value));
    // SAFETY: live context; the interface is 'static; the object takes ownership of `data`,
    // which only `destruct::<T>` frees.
    unsafe {
        raw::sgs_CreateObject(
            ctx.as_raw(),
            std::ptr::null_mut(),
            data.cast::<c_void>(),
            interface_ptr::<T>(),
        );
    }
}

/// The `T` of the object at stack `item`, if it is an object of type `T`.
pub fn object_at<'call, T: NativeType>(ctx: &Ctx<'call>, item: i32) -> Option<&'call T> {
    if item >= ctx.stack_size() {
        return None;
    }
    // SAFETY: live context, valid index, 'static interface.
    if unsafe { raw::sgs_IsObject(ctx.as_raw(), item, interface_ptr::<T>()) } == 0 {
        return None;
    }
    // SAFETY: the item is an object with `T`'s interface, whose data is a `Box<T>` made by
    // `push_object::<T>` (or null after destruction); the stack item keeps it alive.
    let data = unsafe { raw::sgs_GetObjectData(ctx.as_raw(), item) }.cast::<T>();
    // SAFETY: non-null data of this type points to a live `T` (see above).
    unsafe { data.as_ref() }
}

/// The `T` of `var`, if it is an object of type `T`.
///
/// # Safety
/// `var` is a valid variable that stays referenced for `'a`.
pub unsafe fn object_of_variable<'a, T: NativeType>(var: &sgs_Variable) -> Option<&'a T> {
    // Read straight from the public object header (what `sgs_IsObjectP` and
    // `sgs_GetObjectDataP` do), without two calls into the VM per item of a select list.
    if var.type_ != raw::SGS_VT_OBJECT {
        return None;
    }
    // SAFETY: the type tag says the union holds the object pointer.
    let obj = unsafe { var.data.O };
    // SAFETY: an object variable points to a live object header (contract).
    let (iface, data) = unsafe { ((*obj).iface, (*obj).data) };
    if !std::ptr::eq(iface, interface_ptr::<T>()) {
        return None;
    }
    // SAFETY: an object with `T`'s interface holds a `Box<T>` or null; non-null data is a
    // live `T`, kept alive by the reference (contract).
    unsafe { data.cast::<T>().as_ref() }
}

/// The `T` of the object a callback was called for, after checking its interface.
///
/// # Safety
/// `obj` is the live object the VM passed to a callback, used only during that callback.
unsafe fn callback_data<'a, T: NativeType>(obj: *mut sgs_VarObj) -> Option<&'a T> {
    // SAFETY: `obj` is live (contract).
    let obj = unsafe { obj.as_ref() }?;
    if !std::ptr::eq(obj.iface, T::interface()) {
        return None;
    }
    // SAFETY: an object with `T`'s interface holds a `Box<T>` or null; live during the
    // callback.
    unsafe { obj.data.cast::<T>().as_ref() }
}

/// Runs a callback body with the object's `T` after checking its type.
///
/// # Safety
/// `raw` and `obj` are what the VM passed to the callback.
unsafe fn with_data<T: NativeType>(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    body: impl FnOnce(&Ctx<'_>, &T) -> c_int,
) -> c_int {
    let run = |ctx: Ctx<'_>| {
        // SAFETY: `obj` is the object the VM called this callback for (contract).
        match unsafe { callback_data::<T>(obj) } {
            Some(data) => body(&ctx, data),
            None => raw::SGS_EINVAL,
        }
    };
    // SAFETY: `raw` is the VM's live context (contract).
    unsafe { trampoline::enter(raw, CALLBACK_PANIC, run) }
}

unsafe extern "C" fn destruct<T: NativeType>(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    let run = |ctx: Ctx<'_>| {
        // SAFETY: the VM destroys `obj` and it is exclusively ours meanwhile.
        let Some(obj) = (unsafe { obj.as_mut() }) else {
            return raw::SGS_EINVAL;
        };
        if !std::ptr::eq(obj.iface, T::interface()) {
            return raw::SGS_EINVAL;
        }
        let data = std::mem::replace(&mut obj.data, std::ptr::null_mut()).cast::<T>();
        // SAFETY: non-null data is the live `T` of this object (made by `push_object::<T>`).
        if let Some(value) = unsafe { data.as_ref() } {
            value.before_destroy(&ctx);
        }
        if !data.is_null() {
            // SAFETY: non-null data came from `Box::into_raw` in `push_object::<T>` and,
            // having been cleared above, is dropped only here.
            drop(unsafe { Box::from_raw(data) });
        }
        raw::SGS_SUCCESS
    };
    // SAFETY: the VM's live context.
    unsafe { trampoline::enter(raw, CALLBACK_PANIC, run) }
}

unsafe extern "C" fn gcmark<T: NativeType>(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_data::<T>(raw, obj, |ctx, this| {
            this.gc_mark(ctx);
            raw::SGS_SUCCESS
        })
    }
}

unsafe extern "C" fn getindex<T: NativeType>(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_data::<T>(raw, obj, |ctx, this| {
            let Some(name) = ctx.str_at(0) else {
                return raw::SGS_ENOTFND;
            };
            if let Some(method) = T::method(name) {
                ctx.push_cfunc(method);
                return raw::SGS_SUCCESS;
            }
            match this.get_property(ctx, name) {
                None => raw::SGS_ENOTFND,
                Some(Ok(value)) => {
                    record_success::<T>(ctx);
                    value.push_to(ctx);
                    raw::SGS_SUCCESS
                }
                Some(Err(failure)) => {
                    failure.prefixed(&property_name::<T>(name)).report(ctx);
                    ctx.push_null();
                    raw::SGS_SUCCESS
                }
            }
        })
    }
}

unsafe extern "C" fn setindex<T: NativeType>(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_data::<T>(raw, obj, |ctx, this| {
            let Some(name) = ctx.str_at(0) else {
                return raw::SGS_ENOTFND;
            };
            match this.set_property(ctx, name, 1) {
                None => raw::SGS_ENOTFND,
                Some(Ok(())) => {
                    record_success::<T>(ctx);
                    raw::SGS_SUCCESS
                }
                Some(Err(failure)) => {
                    failure.prefixed(&property_name::<T>(name)).report(ctx);
                    raw::SGS_SUCCESS
                }
            }
        })
    }
}

/// Sets `socket_error()` to 0 after a property access of a type that records outcomes.
fn record_success<T: NativeType>(ctx: &Ctx<'_>) {
    if T::RECORDS_OUTCOME {
        last_error::set(ctx, 0);
    }
}

/// `type.name`, how messages name a property (the VM names only functions).
fn property_name<T: NativeType>(name: &str) -> String {
    format!("{}.{name}", T::NAME.to_string_lossy())
}

/// `SGS_CONVOP_CLONE`: `clone(obj)`.
const CONVOP_CLONE: c_int = 0x10000;

unsafe extern "C" fn convert<T: NativeType>(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    kind: c_int,
) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_data::<T>(raw, obj, |ctx, this| {
            if kind == raw::SGS_VT_BOOL as c_int {
                if let Some(value) = this.to_bool() {
                    ctx.push_bool(value);
                    return raw::SGS_SUCCESS;
                }
            } else if kind == raw::SGS_VT_STRING as c_int {
                if let Some(text) = this.to_text() {
                    ctx.push_str(&text);
                    return raw::SGS_SUCCESS;
                }
            } else if kind == CONVOP_CLONE {
                if let Some(copy) = this.clone_value() {
                    push_object(ctx, copy);
                    return raw::SGS_SUCCESS;
                }
            }
            raw::SGS_ENOTSUP
        })
    }
}

unsafe extern "C" fn dump<T: NativeType>(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    _depth: c_int,
) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_data::<T>(raw, obj, |ctx, this| {
            ctx.push_str(&this.dump());
            raw::SGS_SUCCESS
        })
    }
}

unsafe extern "C" fn expr<T: NativeType>(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_data::<T>(raw, obj, |ctx, _| {
            if ctx.object_arg() != raw::SGS_EOP_COMPARE {
                return raw::SGS_ENOTSUP;
            }
            let (Some(a), Some(b)) = (object_at::<T>(ctx, 0), object_at::<T>(ctx, 1)) else {
                return raw::SGS_ENOTSUP;
            };
            let Some(order) = a.compare(b) else {
                return raw::SGS_ENOTSUP;
            };
            ctx.push_int(match order {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            });
            raw::SGS_SUCCESS
        })
    }
}
