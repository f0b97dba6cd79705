//! The `socket_address` object type (SPEC §3): a [`SocketAddress`] value with read-write
//! properties, `tostring`, dump, comparison and clone.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::ffi::c_int;

use sgssockets_core::{constants, SocketAddress};

use crate::context::Ctx;
use crate::object;
use crate::raw::{self, sgs_Context, sgs_ObjInterface, sgs_VarObj};
use crate::trampoline::{self, CALLBACK_PANIC};

/// The data of a `socket_address` object.
pub type AddressCell = RefCell<SocketAddress>;

/// `SGS_CONVOP_CLONE`: `clone(obj)`.
const CONVOP_CLONE: c_int = 0x10000;

/// The interface of `socket_address` objects.
pub static ADDRESS_IFACE: sgs_ObjInterface = sgs_ObjInterface {
    name: c"socket_address".as_ptr(),
    destruct: Some(address_destruct),
    gcmark: None,
    getindex: Some(address_getindex),
    setindex: Some(address_setindex),
    convert: Some(address_convert),
    serialize: None,
    dump: Some(address_dump),
    getnext: None,
    call: None,
    expr: Some(address_expr),
    proplist: std::ptr::null(),
    parent: std::ptr::null(),
};

/// Pushes a new `socket_address` object holding `addr`.
pub fn push_address(ctx: &Ctx<'_>, addr: SocketAddress) {
    object::push_new::<AddressCell>(ctx, &ADDRESS_IFACE, RefCell::new(addr));
}

/// The address held by the `socket_address` object at stack `item`, if it is one.
pub fn address_at<'call>(ctx: &Ctx<'call>, item: i32) -> Option<&'call AddressCell> {
    object::data_at::<AddressCell>(ctx, item, &ADDRESS_IFACE)
}

/// A family's name for messages (`AF_INET6`, or `family 42`).
pub fn family_text(family: i32) -> String {
    constants::family_name(family).map_or_else(|| format!("family {family}"), str::to_owned)
}

/// Runs an object callback body with the object's data after checking its type.
///
/// # Safety
/// `raw` and `obj` are what the VM passed to the callback.
unsafe fn with_address(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    body: impl FnOnce(&Ctx<'_>, &AddressCell) -> c_int,
) -> c_int {
    let run = |ctx: Ctx<'_>| {
        // SAFETY: `obj` is the object the VM called this callback for (contract).
        match unsafe { object::data_of_object::<AddressCell>(obj, &ADDRESS_IFACE) } {
            Some(cell) => body(&ctx, cell),
            None => raw::SGS_EINVAL,
        }
    };
    // SAFETY: `raw` is the VM's live context (contract).
    unsafe { trampoline::enter(raw, CALLBACK_PANIC, run) }
}

unsafe extern "C" fn address_destruct(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    let run = |_ctx: Ctx<'_>| {
        // SAFETY: the VM destroys `obj`, a `socket_address` object created by `push_address`.
        unsafe { object::drop_data::<AddressCell>(obj, &ADDRESS_IFACE) };
        raw::SGS_SUCCESS
    };
    // SAFETY: the VM's live context.
    unsafe { trampoline::enter(raw, CALLBACK_PANIC, run) }
}

unsafe extern "C" fn address_getindex(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe { with_address(raw, obj, get_property) }
}

unsafe extern "C" fn address_setindex(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe { with_address(raw, obj, set_property) }
}

unsafe extern "C" fn address_convert(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    kind: c_int,
) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe { with_address(raw, obj, |ctx, cell| convert(ctx, cell, kind)) }
}

unsafe extern "C" fn address_dump(
    raw: *mut sgs_Context,
    obj: *mut sgs_VarObj,
    _depth: c_int,
) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe {
        with_address(raw, obj, |ctx, cell| {
            let text = format!("socket_address ({})", cell.borrow());
            ctx.push_str(&text);
            raw::SGS_SUCCESS
        })
    }
}

unsafe extern "C" fn address_expr(raw: *mut sgs_Context, obj: *mut sgs_VarObj) -> c_int {
    // SAFETY: forwarded from the VM.
    unsafe { with_address(raw, obj, |ctx, _| expr(ctx)) }
}

/// What a property read produced, computed while the address is borrowed.
enum Reading {
    Int(i64),
    Bytes(Vec<u8>),
    ByteArray(Vec<u8>),
    Text(String),
    /// The property exists but not for this family.
    Unsupported(&'static str),
}

fn read(addr: &SocketAddress, name: &str) -> Option<Reading> {
    let bytes = || addr.addr_bytes().map(|b| b.to_vec());
    Some(match name {
        "family" => Reading::Int(i64::from(addr.family())),
        "port" => addr
            .port()
            .map_or(Reading::Unsupported("port"), |p| Reading::Int(i64::from(p))),
        "addr_u32" => addr
            .addr_u32()
            .map_or(Reading::Unsupported("addr_u32"), |v| {
                Reading::Int(i64::from(v))
            }),
        "addr_buf" => bytes().map_or(Reading::Unsupported("addr_buf"), Reading::Bytes),
        "addr_bytes" => bytes().map_or(Reading::Unsupported("addr_bytes"), Reading::ByteArray),
        "addr_string" => addr
            .addr_string()
            .map_or(Reading::Unsupported("addr_string"), Reading::Text),
        "full_addr_string" => addr
            .full_addr_string()
            .map_or(Reading::Unsupported("full_addr_string"), Reading::Text),
        _ => return None,
    })
}

fn get_property(ctx: &Ctx<'_>, cell: &AddressCell) -> c_int {
    let Some(name) = ctx.str_at(0) else {
        return raw::SGS_ENOTFND;
    };
    let (reading, family) = {
        let addr = cell.borrow();
        (read(&addr, name), addr.family())
    };
    match reading {
        None => return raw::SGS_ENOTFND,
        Some(Reading::Int(value)) => ctx.push_int(value),
        Some(Reading::Bytes(bytes)) => ctx.push_bytes(&bytes),
        Some(Reading::ByteArray(bytes)) => {
            for byte in &bytes {
                ctx.push_int(i64::from(*byte));
            }
            ctx.make_array(bytes.len() as i32);
        }
        Some(Reading::Text(text)) => ctx.push_str(&text),
        Some(Reading::Unsupported(property)) => {
            ctx.warn(&format!(
                "socket_address.{property}: not available for {} addresses",
                family_text(family)
            ));
            ctx.push_null();
        }
    }
    raw::SGS_SUCCESS
}

/// Parses the value being assigned to `name` and applies it; `Err` is the warning text.
fn write(ctx: &Ctx<'_>, cell: &AddressCell, name: &str) -> Result<(), String> {
    let value = 1;
    let apply = |result: sgssockets_core::Result<()>| result.map_err(|e| e.message().to_owned());
    match name {
        "family" => Err("read-only property".to_owned()),
        "port" => {
            let port = ctx.int_at(value).ok_or("expected an integer port")?;
            let port =
                u16::try_from(port).map_err(|_| format!("port must be 0..65535, got {port}"))?;
            apply(cell.borrow_mut().set_port(port))
        }
        "addr_u32" => {
            let v = ctx.int_at(value).ok_or("expected an integer")?;
            let v =
                u32::try_from(v).map_err(|_| format!("value must be 0..4294967295, got {v}"))?;
            apply(cell.borrow_mut().set_addr_u32(v))
        }
        "addr_buf" => {
            let bytes = ctx.bytes_at(value).ok_or("expected a string of bytes")?;
            apply(cell.borrow_mut().set_addr_bytes(bytes))
        }
        "addr_bytes" => {
            let bytes = byte_array_at(ctx, value)?;
            apply(cell.borrow_mut().set_addr_bytes(&bytes))
        }
        "addr_string" => {
            let text = ctx.str_at(value).ok_or("expected a string")?;
            apply(cell.borrow_mut().set_addr_string(text))
        }
        "full_addr_string" => {
            let text = ctx.str_at(value).ok_or("expected a string")?;
            apply(cell.borrow_mut().set_full_addr_string(text))
        }
        _ => Err(String::new()),
    }
}

/// Reads an array of byte integers (0..255) from stack `item`, at most 16 of them.
fn byte_array_at(ctx: &Ctx<'_>, item: i32) -> Result<Vec<u8>, String> {
    let var = ctx.variable_at(item);
    let len = ctx
        .array_len(&var)
        .ok_or("expected an array of byte integers")?;
    if len != 4 && len != 16 {
        return Err(format!("expected 4 or 16 byte integers, got {len}"));
    }
    let mut bytes = Vec::with_capacity(len);
    for index in 0..len {
        let value = ctx.array_item(&var, index).and_then(|held| held.as_int());
        match value.and_then(|v| u8::try_from(v).ok()) {
            Some(byte) => bytes.push(byte),
            None => return Err(format!("item {index} is not an integer 0..255")),
        }
    }
    Ok(bytes)
}

fn set_property(ctx: &Ctx<'_>, cell: &AddressCell) -> c_int {
    let Some(name) = ctx.str_at(0) else {
        return raw::SGS_ENOTFND;
    };
    match write(ctx, cell, name) {
        Ok(()) => raw::SGS_SUCCESS,
        Err(text) if text.is_empty() => raw::SGS_ENOTFND,
        Err(text) => {
            ctx.warn(&format!(
                "socket_address.{name}: {text}; address left unchanged"
            ));
            raw::SGS_SUCCESS
        }
    }
}

fn convert(ctx: &Ctx<'_>, cell: &AddressCell, kind: c_int) -> c_int {
    if kind == raw::SGS_VT_STRING as c_int {
        let text = cell.borrow().to_string();
        ctx.push_str(&text);
        raw::SGS_SUCCESS
    } else if kind == CONVOP_CLONE {
        let copy = cell.borrow().clone();
        push_address(ctx, copy);
        raw::SGS_SUCCESS
    } else {
        raw::SGS_ENOTSUP
    }
}

fn expr(ctx: &Ctx<'_>) -> c_int {
    if ctx.object_arg() != raw::SGS_EOP_COMPARE {
        return raw::SGS_ENOTSUP;
    }
    let (Some(a), Some(b)) = (address_at(ctx, 0), address_at(ctx, 1)) else {
        return raw::SGS_ENOTSUP;
    };
    let order = a.borrow().cmp(&b.borrow());
    ctx.push_int(match order {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    });
    raw::SGS_SUCCESS
}
