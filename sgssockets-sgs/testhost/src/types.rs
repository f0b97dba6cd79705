//! The host's own `#[repr(C)]` view of SGScript's data types (from `sgscript.h`), written
//! independently of the module's, so a layout mistake in either shows up in tests.
#![allow(non_camel_case_types)]

use std::ffi::{c_char, c_int, c_void};

/// `sgs_Context`, as the module's functions and callbacks receive it: opaque here (this file
/// depends on nothing else of the host). The engine state behind the pointer is the host's
/// `context::Context`, which converts its pointer with `context::as_raw`.
#[repr(C)]
#[derive(Debug)]
pub struct RawContext {
    _opaque: [u8; 0],
}

/// `sgs_CFunc`.
pub type CFunc = unsafe extern "C" fn(*mut RawContext) -> c_int;
/// `sgs_OC_Self`.
pub type ObjCallback = unsafe extern "C" fn(*mut RawContext, *mut VarObj) -> c_int;
/// `sgs_OC_SlPr`.
pub type ObjCallbackWithArg = unsafe extern "C" fn(*mut RawContext, *mut VarObj, c_int) -> c_int;

/// `SGS_VT_*`.
pub const VT_NULL: u32 = 0;
/// Bool.
pub const VT_BOOL: u32 = 1;
/// Int.
pub const VT_INT: u32 = 2;
/// Real.
pub const VT_REAL: u32 = 3;
/// String.
pub const VT_STRING: u32 = 4;
/// C function.
pub const VT_CFUNC: u32 = 6;
/// Object.
pub const VT_OBJECT: u32 = 7;

/// `SGS_WARNING`.
pub const WARNING: c_int = 200;
/// `SGS_APIERR`.
pub const APIERR: c_int = 330;
/// `SGS_EOP_COMPARE`.
pub const EOP_COMPARE: c_int = 5;
/// `SGS_CONVOP_CLONE`.
pub const CONVOP_CLONE: c_int = 0x10000;

/// `sgs_iStr` header; the bytes and a NUL follow it.
#[repr(C)]
#[derive(Debug)]
pub struct IStr {
    /// References.
    pub refcount: i32,
    /// Byte length.
    pub size: u32,
    /// Unused by the host.
    pub hash: u32,
}

/// `sgs_VarData`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union VarData {
    /// Bool.
    pub b: i32,
    /// Int.
    pub i: i64,
    /// Real.
    pub r: f64,
    /// String.
    pub s: *mut IStr,
    /// C function.
    pub c: Option<CFunc>,
    /// Object.
    pub o: *mut VarObj,
    /// Any pointer.
    pub p: *mut c_void,
}

impl std::fmt::Debug for VarData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VarData(..)")
    }
}

/// `sgs_Variable`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Variable {
    /// `SGS_VT_*`.
    pub type_: u32,
    /// The value.
    pub data: VarData,
}

impl std::fmt::Debug for Variable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Variable(type {})", self.type_)
    }
}

impl Variable {
    /// `null`.
    pub const NULL: Variable = Variable {
        type_: VT_NULL,
        data: VarData { i: 0 },
    };

    /// An int.
    pub fn int(value: i64) -> Variable {
        Variable {
            type_: VT_INT,
            data: VarData { i: value },
        }
    }

    /// A bool.
    pub fn bool(value: bool) -> Variable {
        Variable {
            type_: VT_BOOL,
            data: VarData {
                b: i32::from(value),
            },
        }
    }

    /// The object (or string) pointer, to compare identities; null for other types.
    pub fn data_ptr(&self) -> *const c_void {
        match self.type_ {
            // SAFETY: the member read matches the type tag.
            VT_OBJECT | VT_STRING => unsafe { self.data.p },
            _ => std::ptr::null(),
        }
    }

    /// A real.
    pub fn real(value: f64) -> Variable {
        Variable {
            type_: VT_REAL,
            data: VarData { r: value },
        }
    }
}

/// `sgs_ObjInterface`.
#[repr(C)]
#[derive(Debug)]
pub struct ObjInterface {
    /// Type name (`typeof`).
    pub name: *const c_char,
    /// Destructor.
    pub destruct: Option<ObjCallback>,
    /// GC mark.
    pub gcmark: Option<ObjCallback>,
    /// Index/property read.
    pub getindex: Option<ObjCallback>,
    /// Index/property write.
    pub setindex: Option<ObjCallback>,
    /// Conversions.
    pub convert: Option<ObjCallbackWithArg>,
    /// Serialization.
    pub serialize: Option<ObjCallback>,
    /// Dump.
    pub dump: Option<ObjCallbackWithArg>,
    /// Iteration.
    pub getnext: Option<ObjCallbackWithArg>,
    /// Call.
    pub call: Option<ObjCallback>,
    /// Operators.
    pub expr: Option<ObjCallback>,
    /// Property list.
    pub proplist: *const c_void,
    /// Parent interface.
    pub parent: *const ObjInterface,
}

// SAFETY: interfaces are immutable statics (name literal, function pointers).
unsafe impl Sync for ObjInterface {}

/// `sgs_VarObj`.
#[repr(C)]
#[derive(Debug)]
pub struct VarObj {
    /// References.
    pub refcount: i32,
    /// Appended size (unused by the host).
    pub appsize: u32,
    /// GC colour.
    pub redblue: u8,
    /// Metamethods enabled.
    pub mm_enable: u8,
    /// In the interface table.
    pub is_iface: u8,
    /// Re-entrancy flag.
    pub in_setindex: u8,
    /// The type's data.
    pub data: *mut c_void,
    /// The type.
    pub iface: *mut ObjInterface,
    /// GC list.
    pub prev: *mut VarObj,
    /// GC list.
    pub next: *mut VarObj,
    /// Meta-object.
    pub metaobj: *mut VarObj,
}

/// `sgs_RegFuncConst`.
#[repr(C)]
#[derive(Debug)]
pub struct RegFuncConst {
    /// Name.
    pub name: *const c_char,
    /// Function.
    pub value: Option<CFunc>,
}

/// `sgs_RegIntConst`.
#[repr(C)]
#[derive(Debug)]
pub struct RegIntConst {
    /// Name.
    pub name: *const c_char,
    /// Value.
    pub value: i64,
}

const _: () = assert!(std::mem::size_of::<Variable>() == 16);
const _: () =
    assert!(std::mem::offset_of!(VarObj, data) == 16 || cfg!(target_pointer_width = "32"));
const _: () = assert!(std::mem::size_of::<ObjInterface>() == 13 * std::mem::size_of::<usize>());
