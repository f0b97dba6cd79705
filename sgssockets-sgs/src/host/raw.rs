//! Raw SGScript C API: the `#[repr(C)]` types and `extern "C"` declarations of exactly the
//! `sgs_*` functions this module calls, written from `sgscript.h` (SGScript 1.4.1).
//!
//! Nothing here is safe to call directly from module code; [`crate::host::context`] wraps it.
//! The header's macros that the module needs (`sgs_RegFuncConsts`, `sgs_PushNull`,
//! `SGS_MODULE_CHECK_VERSION`'s version number, ...) are rewritten as small functions at the
//! bottom of this file, in one place.
#![allow(non_camel_case_types, non_snake_case, missing_docs)]

use std::ffi::{c_char, c_int, c_void};
use std::mem::{align_of, offset_of, size_of};

/// `sgs_Int`.
pub type sgs_Int = i64;
/// `sgs_Real`.
pub type sgs_Real = f64;
/// `sgs_Bool`.
pub type sgs_Bool = i32;
/// `sgs_SizeVal`.
pub type sgs_SizeVal = i32;
/// `sgs_StkIdx`.
pub type sgs_StkIdx = i32;

/// The engine context (`sgs_Context`): opaque, only ever used through a pointer.
#[repr(C)]
#[derive(Debug)]
pub struct sgs_Context {
    _private: [u8; 0],
}

/// `sgs_CFunc`: a native function called by the VM.
pub type sgs_CFunc = unsafe extern "C" fn(*mut sgs_Context) -> c_int;
/// `sgs_OC_Self`: an object callback taking only the object.
pub type sgs_OC_Self = unsafe extern "C" fn(*mut sgs_Context, *mut sgs_VarObj) -> c_int;
/// `sgs_OC_SlPr`: an object callback with one integer parameter (convert type, dump depth).
pub type sgs_OC_SlPr = unsafe extern "C" fn(*mut sgs_Context, *mut sgs_VarObj, c_int) -> c_int;

/// `sgs_iStr`: the header in front of every SGScript string's bytes.
#[repr(C)]
#[derive(Debug)]
pub struct sgs_iStr {
    pub refcount: sgs_SizeVal,
    pub size: u32,
    pub hash: u32,
}

/// `sgs_VarData`: the value part of a variable.
#[repr(C)]
#[derive(Clone, Copy)]
pub union sgs_VarData {
    pub pRC: *mut sgs_SizeVal,
    pub B: sgs_Bool,
    pub I: sgs_Int,
    pub R: sgs_Real,
    pub S: *mut sgs_iStr,
    pub F: *mut c_void,
    pub C: Option<sgs_CFunc>,
    pub D: *mut c_void,
    pub O: *mut sgs_VarObj,
    pub P: *mut c_void,
    pub T: *mut sgs_Context,
}

impl std::fmt::Debug for sgs_VarData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Which member is valid depends on the variable's type tag; print none.
        f.write_str("sgs_VarData(..)")
    }
}

/// `sgs_Variable`: a type tag and a value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct sgs_Variable {
    pub type_: u32,
    pub data: sgs_VarData,
}

/// `sgs_ObjInterface`: the callbacks and name of an object type.
#[repr(C)]
#[derive(Debug)]
pub struct sgs_ObjInterface {
    pub name: *const c_char,
    pub destruct: Option<sgs_OC_Self>,
    pub gcmark: Option<sgs_OC_Self>,
    pub getindex: Option<sgs_OC_Self>,
    pub setindex: Option<sgs_OC_Self>,
    pub convert: Option<sgs_OC_SlPr>,
    pub serialize: Option<sgs_OC_Self>,
    pub dump: Option<sgs_OC_SlPr>,
    pub getnext: Option<sgs_OC_SlPr>,
    pub call: Option<sgs_OC_Self>,
    pub expr: Option<sgs_OC_Self>,
    pub proplist: *const c_void,
    pub parent: *const sgs_ObjInterface,
}

// SAFETY: an interface is immutable data (a name literal and function pointers) that the
// VM only reads; sharing it between threads is what C modules do with their static ones.
unsafe impl Sync for sgs_ObjInterface {}

/// `sgs_VarObj` (`struct sgs_ObjData`): an object's header.
#[repr(C)]
#[derive(Debug)]
pub struct sgs_VarObj {
    pub refcount: sgs_SizeVal,
    pub appsize: u32,
    pub redblue: u8,
    pub mm_enable: u8,
    pub is_iface: u8,
    pub in_setindex: u8,
    pub data: *mut c_void,
    pub iface: *mut sgs_ObjInterface,
    pub prev: *mut sgs_VarObj,
    pub next: *mut sgs_VarObj,
    pub metaobj: *mut sgs_VarObj,
}

/// `sgs_RegFuncConst`: one entry of a function registration list.
#[repr(C)]
#[derive(Debug)]
pub struct sgs_RegFuncConst {
    pub name: *const c_char,
    pub value: Option<sgs_CFunc>,
}

/// `sgs_RegIntConst`: one entry of an integer constant registration list.
#[repr(C)]
#[derive(Debug)]
pub struct sgs_RegIntConst {
    pub name: *const c_char,
    pub value: sgs_Int,
}

// Layout checks against sgscript.h, in units that hold on every ABI SGScript builds for
// (the union is aligned like its widest member, which is 4 on i386 and 8 elsewhere).
const PTR: usize = size_of::<*const c_void>();
const VAR_DATA_ALIGN: usize = align_of::<sgs_VarData>();
const _: () = assert!(size_of::<sgs_iStr>() == 12);
const _: () = assert!(size_of::<sgs_VarData>() == 8);
const _: () = assert!(VAR_DATA_ALIGN == align_of::<i64>() || VAR_DATA_ALIGN == align_of::<f64>());
const _: () = assert!(offset_of!(sgs_Variable, data) == VAR_DATA_ALIGN);
const _: () = assert!(size_of::<sgs_Variable>() == VAR_DATA_ALIGN + 8);
const _: () = assert!(size_of::<sgs_ObjInterface>() == 13 * PTR);
const _: () = assert!(offset_of!(sgs_ObjInterface, destruct) == PTR);
const _: () = assert!(offset_of!(sgs_ObjInterface, getindex) == 3 * PTR);
const _: () = assert!(offset_of!(sgs_ObjInterface, convert) == 5 * PTR);
const _: () = assert!(offset_of!(sgs_ObjInterface, dump) == 7 * PTR);
const _: () = assert!(offset_of!(sgs_ObjInterface, expr) == 10 * PTR);
const _: () = assert!(offset_of!(sgs_ObjInterface, proplist) == 11 * PTR);
const _: () = assert!(offset_of!(sgs_ObjInterface, parent) == 12 * PTR);
const _: () = assert!(offset_of!(sgs_VarObj, appsize) == 4);
const _: () = assert!(offset_of!(sgs_VarObj, redblue) == 8);
const _: () = assert!(offset_of!(sgs_VarObj, in_setindex) == 11);
const _: () = assert!(offset_of!(sgs_VarObj, data) == if PTR == 8 { 16 } else { 12 });
const _: () = assert!(offset_of!(sgs_VarObj, iface) == offset_of!(sgs_VarObj, data) + PTR);
const _: () = assert!(offset_of!(sgs_VarObj, metaobj) == offset_of!(sgs_VarObj, data) + 4 * PTR);
const _: () = assert!(size_of::<sgs_VarObj>() == offset_of!(sgs_VarObj, data) + 5 * PTR);
const _: () = assert!(size_of::<sgs_RegFuncConst>() == 2 * PTR);
const _: () = assert!(
    offset_of!(sgs_RegIntConst, value)
        == if align_of::<i64>() > PTR {
            align_of::<i64>()
        } else {
            PTR
        }
);
const _: () = assert!(size_of::<Option<sgs_CFunc>>() == PTR);
const _: () = assert!(size_of::<Option<sgs_OC_Self>>() == PTR);

/// `SGS_VERSION_INT` for 1.4.1, the API these declarations were written from.
pub const SGS_VERSION_INT: isize = (((1 << 8) | 4) << 8) | 1;
/// `SGS_STAT_VERSION`.
pub const SGS_STAT_VERSION: c_int = 0;

/// `SGS_SUCCESS`.
pub const SGS_SUCCESS: c_int = 0;
/// `SGS_ENOTFND`.
pub const SGS_ENOTFND: c_int = -1;
/// `SGS_ENOTSUP`.
pub const SGS_ENOTSUP: c_int = -4;
/// `SGS_EINVAL`.
pub const SGS_EINVAL: c_int = -6;
/// `SGS_EINPROC`.
pub const SGS_EINPROC: c_int = -7;

/// `SGS_WARNING`.
pub const SGS_WARNING: c_int = 200;
/// `SGS_ERROR`.
pub const SGS_ERROR: c_int = 300;

/// `SGS_VT_*`: variable types.
pub const SGS_VT_NULL: u32 = 0;
pub const SGS_VT_BOOL: u32 = 1;
pub const SGS_VT_INT: u32 = 2;
pub const SGS_VT_REAL: u32 = 3;
pub const SGS_VT_STRING: u32 = 4;
pub const SGS_VT_OBJECT: u32 = 7;

/// `SGS_EOP_COMPARE`: the `expr` operation for comparisons.
pub const SGS_EOP_COMPARE: c_int = 5;

/// `SGS_REG_ROOT`: the root registry dictionary.
pub const SGS_REG_ROOT: c_int = 0;

extern "C" {
    pub fn sgs_Stat(C: *mut sgs_Context, type_: c_int) -> isize;
    /// Variadic; this crate only ever calls it as `sgs_Msg(C, type, "%s", text)`.
    pub fn sgs_Msg(C: *mut sgs_Context, type_: c_int, what: *const c_char, ...) -> c_int;
    pub fn sgs_RootContext(C: *mut sgs_Context) -> *mut sgs_Context;
    pub fn sgs_Registry(C: *mut sgs_Context, subtype: c_int) -> sgs_Variable;
    pub fn sgs_SetIndex(
        C: *mut sgs_Context,
        obj: sgs_Variable,
        idx: sgs_Variable,
        val: sgs_Variable,
        isprop: c_int,
    ) -> sgs_Bool;
    pub fn sgs_GetIndex(
        C: *mut sgs_Context,
        obj: sgs_Variable,
        idx: sgs_Variable,
        out: *mut sgs_Variable,
        isprop: c_int,
    ) -> sgs_Bool;
    pub fn sgs_RegFuncConstsExt(
        C: *mut sgs_Context,
        list: *const sgs_RegFuncConst,
        size: c_int,
        prefix: *const c_char,
    );
    pub fn sgs_RegIntConsts(C: *mut sgs_Context, list: *const sgs_RegIntConst, size: c_int);
    pub fn sgs_RegisterType(
        C: *mut sgs_Context,
        name: *const c_char,
        iface: *mut sgs_ObjInterface,
    ) -> sgs_Bool;

    pub fn sgs_StackSize(C: *mut sgs_Context) -> sgs_StkIdx;
    pub fn sgs_ItemType(C: *mut sgs_Context, item: sgs_StkIdx) -> u32;
    pub fn sgs_StackItem(C: *mut sgs_Context, item: sgs_StkIdx) -> sgs_Variable;
    pub fn sgs_Pop(C: *mut sgs_Context, count: sgs_StkIdx);
    pub fn sgs_ParseBool(C: *mut sgs_Context, item: sgs_StkIdx, out: *mut sgs_Bool) -> sgs_Bool;
    pub fn sgs_ParseInt(C: *mut sgs_Context, item: sgs_StkIdx, out: *mut sgs_Int) -> sgs_Bool;
    pub fn sgs_ParseReal(C: *mut sgs_Context, item: sgs_StkIdx, out: *mut sgs_Real) -> sgs_Bool;
    pub fn sgs_ParseString(
        C: *mut sgs_Context,
        item: sgs_StkIdx,
        out: *mut *mut c_char,
        size: *mut sgs_SizeVal,
    ) -> sgs_Bool;
    pub fn sgs_IsObject(
        C: *mut sgs_Context,
        item: sgs_StkIdx,
        iface: *mut sgs_ObjInterface,
    ) -> sgs_Bool;
    pub fn sgs_IsObjectP(var: *mut sgs_Variable, iface: *mut sgs_ObjInterface) -> sgs_Bool;
    pub fn sgs_GetObjectData(C: *mut sgs_Context, item: sgs_StkIdx) -> *mut c_void;
    pub fn sgs_GetObjectDataP(var: *mut sgs_Variable) -> *mut c_void;
    pub fn sgs_Method(C: *mut sgs_Context) -> sgs_Bool;
    pub fn sgs_FuncName(C: *mut sgs_Context, fnliteral: *const c_char);
    pub fn sgs_ArgErrorExt(
        C: *mut sgs_Context,
        argid: c_int,
        gotthis: c_int,
        expect: *const c_char,
        expfx: *const c_char,
    ) -> c_int;
    pub fn sgs_ObjectArg(C: *mut sgs_Context) -> c_int;

    pub fn sgs_PushNulls(C: *mut sgs_Context, count: c_int) -> c_int;
    pub fn sgs_PushBool(C: *mut sgs_Context, value: sgs_Bool) -> c_int;
    pub fn sgs_PushInt(C: *mut sgs_Context, value: sgs_Int) -> c_int;
    pub fn sgs_PushReal(C: *mut sgs_Context, value: sgs_Real) -> c_int;
    pub fn sgs_PushStringBuf(C: *mut sgs_Context, str: *const c_char, size: sgs_SizeVal) -> c_int;
    pub fn sgs_PushCFunc(C: *mut sgs_Context, func: Option<sgs_CFunc>) -> c_int;
    pub fn sgs_CreateObject(
        C: *mut sgs_Context,
        out: *mut sgs_Variable,
        data: *mut c_void,
        iface: *mut sgs_ObjInterface,
    ) -> c_int;
    pub fn sgs_CreateArray(
        C: *mut sgs_Context,
        out: *mut sgs_Variable,
        numitems: sgs_SizeVal,
    ) -> c_int;
    pub fn sgs_CreateDict(
        C: *mut sgs_Context,
        out: *mut sgs_Variable,
        numitems: sgs_SizeVal,
    ) -> c_int;
    pub fn sgs_ArraySize(var: sgs_Variable) -> sgs_SizeVal;
    pub fn sgs_SetNumIndex(
        C: *mut sgs_Context,
        obj: sgs_Variable,
        idx: sgs_Int,
        val: sgs_Variable,
    ) -> sgs_Bool;
    pub fn sgs_ArrayErase(
        C: *mut sgs_Context,
        var: sgs_Variable,
        at: sgs_StkIdx,
        count: sgs_StkIdx,
    );
    pub fn sgs_Release(C: *mut sgs_Context, var: *mut sgs_Variable);
    pub fn sgs_Acquire(C: *mut sgs_Context, var: *mut sgs_Variable);
    pub fn sgs_GCMark(C: *mut sgs_Context, var: *mut sgs_Variable);
    pub fn sgs_PushVariable(C: *mut sgs_Context, var: sgs_Variable) -> c_int;
    pub fn sgs_ArrayPush(C: *mut sgs_Context, var: sgs_Variable, count: sgs_StkIdx);
    pub fn sgs_ArrayPop(C: *mut sgs_Context, var: sgs_Variable, count: sgs_StkIdx, ret: sgs_Bool);
    pub fn sgs_IsDict(var: sgs_Variable) -> sgs_Bool;
    pub fn sgs_CreateIterator(
        C: *mut sgs_Context,
        out: *mut sgs_Variable,
        var: sgs_Variable,
    ) -> sgs_Bool;
    pub fn sgs_IterAdvance(C: *mut sgs_Context, var: sgs_Variable) -> sgs_Bool;
    pub fn sgs_IterPushData(C: *mut sgs_Context, var: sgs_Variable, key: c_int, value: c_int);
}

// ---- The header's macros and inline functions, rewritten as functions ----

/// `sgs_RegFuncConsts(C, list, size)`: `sgs_RegFuncConstsExt` with the empty prefix.
///
/// # Safety
/// `C` is a live context; `list` points to `size` valid entries.
pub unsafe fn sgs_RegFuncConsts(C: *mut sgs_Context, list: *const sgs_RegFuncConst, size: c_int) {
    // SAFETY: forwarded contract; the prefix is a NUL-terminated literal.
    unsafe { sgs_RegFuncConstsExt(C, list, size, c"".as_ptr()) }
}

/// `sgs_PushNull(C)`: `sgs_PushNulls(C, 1)`.
///
/// # Safety
/// `C` is a live context.
pub unsafe fn sgs_PushNull(C: *mut sgs_Context) -> c_int {
    // SAFETY: forwarded contract.
    unsafe { sgs_PushNulls(C, 1) }
}

/// `sgs_MakeInt(v)`.
pub fn sgs_MakeInt(value: sgs_Int) -> sgs_Variable {
    sgs_Variable {
        type_: SGS_VT_INT,
        data: sgs_VarData { I: value },
    }
}

/// `sgs_MakeNull()`.
pub fn sgs_MakeNull() -> sgs_Variable {
    sgs_Variable {
        type_: SGS_VT_NULL,
        data: sgs_VarData { I: 0 },
    }
}

/// The check of `SGS_MODULE_CHECK_VERSION`: does the host run the API version this module
/// was written for? Returns the host's version number when it does not.
///
/// # Safety
/// `C` is a live context.
pub unsafe fn sgs_module_version_mismatch(C: *mut sgs_Context) -> Option<isize> {
    // SAFETY: forwarded contract.
    let host = unsafe { sgs_Stat(C, SGS_STAT_VERSION) };
    (host != SGS_VERSION_INT).then_some(host)
}
