//! The host's arrays and dicts: objects with host interfaces, like SGScript's own.
//! Only their layout lives here (it depends on `types` alone); making and freeing them, which
//! needs the engine, is in `context`.

use std::ffi::c_void;

use crate::types::{ObjInterface, VarObj, Variable};

/// Interface of host arrays (`typeof` "array").
pub static ARRAY_IFACE: ObjInterface = plain_iface(c"array");
/// Interface of host dicts (`typeof` "dict").
pub static DICT_IFACE: ObjInterface = plain_iface(c"dict");
/// Interface of host dict iterators (`sgs_PushIterator` of a dict).
pub static ITERATOR_IFACE: ObjInterface = plain_iface(c"dict_iterator");

const fn plain_iface(name: &'static std::ffi::CStr) -> ObjInterface {
    ObjInterface {
        name: name.as_ptr(),
        destruct: None,
        gcmark: None,
        getindex: None,
        setindex: None,
        convert: None,
        serialize: None,
        dump: None,
        getnext: None,
        call: None,
        expr: None,
        proplist: std::ptr::null(),
        parent: std::ptr::null(),
    }
}

/// The items of an array.
pub type ArrayData = Vec<Variable>;
/// The entries of a dict, in insertion order.
pub type DictData = Vec<(Vec<u8>, Variable)>;

/// Where an iterator stands in the dict it holds a reference to: `None` before the first
/// `sgs_IterAdvance`, then the entry index (entries are read live, as the VM does).
#[derive(Debug)]
pub struct IteratorData {
    pub dict: Variable,
    pub position: Option<usize>,
}

/// A host interface pointer, as stored in objects.
pub fn iface_mut(iface: &'static ObjInterface) -> *mut ObjInterface {
    std::ptr::from_ref(iface).cast_mut()
}

/// New array data owning `items` (each holding a reference).
pub fn array_data(items: ArrayData) -> *mut c_void {
    Box::into_raw(Box::new(items)).cast()
}

/// New dict data owning `entries`.
pub fn dict_data(entries: DictData) -> *mut c_void {
    Box::into_raw(Box::new(entries)).cast()
}

/// The array behind an object, if it is a host array.
///
/// # Safety
/// `obj` is live; the returned reference is not held across a call into the module.
pub unsafe fn array_of<'a>(obj: *mut VarObj) -> Option<&'a mut ArrayData> {
    // SAFETY: live object (contract); array data is a `Box<ArrayData>`.
    unsafe {
        if std::ptr::eq((*obj).iface, &ARRAY_IFACE) {
            Some(&mut *(*obj).data.cast::<ArrayData>())
        } else {
            None
        }
    }
}

/// The dict behind an object, if it is a host dict.
///
/// # Safety
/// As [`array_of`].
pub unsafe fn dict_of<'a>(obj: *mut VarObj) -> Option<&'a mut DictData> {
    // SAFETY: live object (contract); dict data is a `Box<DictData>`.
    unsafe {
        if std::ptr::eq((*obj).iface, &DICT_IFACE) {
            Some(&mut *(*obj).data.cast::<DictData>())
        } else {
            None
        }
    }
}

/// New iterator data over `dict` (holding a reference to it).
pub fn iterator_data(dict: Variable) -> *mut c_void {
    Box::into_raw(Box::new(IteratorData {
        dict,
        position: None,
    }))
    .cast()
}

/// The iterator behind an object, if it is a host dict iterator.
///
/// # Safety
/// As [`array_of`].
pub unsafe fn iterator_of<'a>(obj: *mut VarObj) -> Option<&'a mut IteratorData> {
    // SAFETY: live object (contract); iterator data is a `Box<IteratorData>`.
    unsafe {
        if std::ptr::eq((*obj).iface, &ITERATOR_IFACE) {
            Some(&mut *(*obj).data.cast::<IteratorData>())
        } else {
            None
        }
    }
}
