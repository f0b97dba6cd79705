//! Native object types: each object's data is a `Box<T>` created here and dropped exactly
//! once by the type's destructor. Data is only ever read after checking the object's
//! interface pointer, so a pointer is never cast to the wrong type.

use std::ffi::c_void;

use crate::context::Ctx;
use crate::raw::{self, sgs_ObjInterface, sgs_VarObj, sgs_Variable};

/// The interface pointer the VM identifies a type by. The VM never writes through it.
pub fn iface_ptr(iface: &'static sgs_ObjInterface) -> *mut sgs_ObjInterface {
    std::ptr::from_ref(iface).cast_mut()
}

/// Pushes a new object of type `iface` owning `value`.
///
/// `T` must be the data type that `iface`'s callbacks expect.
pub fn push_new<T>(ctx: &Ctx<'_>, iface: &'static sgs_ObjInterface, value: T) {
    let data = Box::into_raw(Box::new(value));
    // SAFETY: live context; the interface is 'static; the object takes ownership of `data`,
    // which its destructor frees with `drop_data::<T>`.
    unsafe {
        raw::sgs_CreateObject(
            ctx.as_raw(),
            std::ptr::null_mut(),
            data.cast::<c_void>(),
            iface_ptr(iface),
        );
    }
}

/// The data of the object at stack `item`, if it is an object of type `iface`.
pub fn data_at<'call, T>(
    ctx: &Ctx<'call>,
    item: i32,
    iface: &'static sgs_ObjInterface,
) -> Option<&'call T> {
    if item >= ctx.stack_size() {
        return None;
    }
    // SAFETY: live context, valid index, 'static interface.
    if unsafe { raw::sgs_IsObject(ctx.as_raw(), item, iface_ptr(iface)) } == 0 {
        return None;
    }
    // SAFETY: the item is an object of type `iface`, whose data is a `Box<T>` (or null
    // after destruction); the stack item keeps the object alive for the call.
    let data = unsafe { raw::sgs_GetObjectData(ctx.as_raw(), item) }.cast::<T>();
    // SAFETY: non-null data of this type points to a live `T` (see above).
    unsafe { data.as_ref() }
}

/// The data of `var`, if it is an object of type `iface`.
///
/// # Safety
/// `var` is a valid variable that stays referenced for `'a`.
pub unsafe fn data_of_variable<'a, T>(
    var: &sgs_Variable,
    iface: &'static sgs_ObjInterface,
) -> Option<&'a T> {
    let mut var = *var;
    // SAFETY: `var` is a valid variable (contract); only read by the VM.
    if unsafe { raw::sgs_IsObjectP(&mut var, iface_ptr(iface)) } == 0 {
        return None;
    }
    // SAFETY: an object of type `iface` holds a `Box<T>` or null.
    let data = unsafe { raw::sgs_GetObjectDataP(&mut var) }.cast::<T>();
    // SAFETY: non-null data is a live `T`, kept alive by the reference (contract).
    unsafe { data.as_ref() }
}

/// The data of the object a callback was called for, after checking its interface.
///
/// # Safety
/// `obj` is the live object the VM passed to a callback, used only during that callback.
pub unsafe fn data_of_object<'a, T>(
    obj: *mut sgs_VarObj,
    iface: &'static sgs_ObjInterface,
) -> Option<&'a T> {
    // SAFETY: `obj` is live (contract).
    let obj = unsafe { obj.as_ref() }?;
    if !std::ptr::eq(obj.iface, iface) {
        return None;
    }
    // SAFETY: an object of type `iface` holds a `Box<T>` or null; live during the callback.
    unsafe { obj.data.cast::<T>().as_ref() }
}

/// Drops the object's data exactly once (the pointer is cleared first).
///
/// # Safety
/// `obj` is the live object the VM passed to the destructor, of a type whose data is a
/// `Box<T>` created by [`push_new`].
pub unsafe fn drop_data<T>(obj: *mut sgs_VarObj, iface: &'static sgs_ObjInterface) {
    // SAFETY: `obj` is live and exclusively ours during the destructor (contract).
    let Some(obj) = (unsafe { obj.as_mut() }) else {
        return;
    };
    if !std::ptr::eq(obj.iface, iface) {
        return;
    }
    let data = std::mem::replace(&mut obj.data, std::ptr::null_mut()).cast::<T>();
    if !data.is_null() {
        // SAFETY: non-null data came from `Box::into_raw` in `push_new::<T>` and, having
        // been cleared above, is dropped only here.
        drop(unsafe { Box::from_raw(data) });
    }
}
