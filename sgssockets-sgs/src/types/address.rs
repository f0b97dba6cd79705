//! The `socket_address` object type (SPEC §3): a [`SocketAddress`] value with read-write
//! properties, `tostring`, dump, comparison and clone.

use std::cell::{Ref, RefCell};
use std::cmp::Ordering;
use std::ffi::{c_int, CStr};

use sgssockets_core::{constants, SocketAddress};

use crate::host::context::Ctx;
use crate::host::object::{native_interface, object_at, push_object, NativeType};
use crate::host::report::{Failure, Outcome, Push, Value};

/// The data of a `socket_address` object.
#[derive(Debug)]
pub struct AddressObject {
    addr: RefCell<SocketAddress>,
}

impl AddressObject {
    /// The address, borrowed for the length of one call.
    pub fn get(&self) -> Ref<'_, SocketAddress> {
        self.addr.borrow()
    }
}

/// A new `socket_address` object holding the address.
impl Push for SocketAddress {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        push_object(
            ctx,
            AddressObject {
                addr: RefCell::new(self),
            },
        );
        1
    }
}

/// The `socket_address` object at stack `item`, if it is one.
pub fn address_at<'call>(ctx: &Ctx<'call>, item: i32) -> Option<&'call AddressObject> {
    object_at::<AddressObject>(ctx, item)
}

/// A family's name for messages (`AF_INET6`, or `family 42`).
pub fn family_text(family: i32) -> String {
    constants::family_name(family).map_or_else(|| format!("family {family}"), str::to_owned)
}

impl NativeType for AddressObject {
    const NAME: &'static CStr = c"socket_address";
    const COMPARABLE: bool = true;
    native_interface!(AddressObject);

    fn get_property(&self, _ctx: &Ctx<'_>, name: &str) -> Option<Outcome<Value>> {
        let addr = self.get();
        let value = match name {
            "family" => Some(Value::Int(i64::from(addr.family()))),
            "port" => addr.port().map(|p| Value::Int(i64::from(p))),
            "addr_u32" => addr.addr_u32().map(|v| Value::Int(i64::from(v))),
            "addr_buf" => addr.addr_bytes().map(|b| Value::Bytes(b.to_vec())),
            "addr_bytes" => addr
                .addr_bytes()
                .map(|b| Value::Ints(b.iter().map(|&byte| i64::from(byte)).collect())),
            "addr_string" => addr.addr_string().map(Value::Text),
            "full_addr_string" => addr.full_addr_string().map(Value::Text),
            _ => return None,
        };
        Some(value.ok_or_else(|| {
            Failure::Warning(format!(
                "not available for {} addresses",
                family_text(addr.family())
            ))
        }))
    }

    fn set_property(&self, ctx: &Ctx<'_>, name: &str, item: i32) -> Option<Outcome<()>> {
        let outcome = match write(self, ctx, name, item)? {
            Ok(()) => Ok(()),
            Err(text) => Err(Failure::Warning(format!("{text}; address left unchanged"))),
        };
        Some(outcome)
    }

    fn to_text(&self) -> Option<String> {
        Some(self.get().to_string())
    }

    fn clone_value(&self) -> Option<Self> {
        Some(AddressObject {
            addr: RefCell::new(self.get().clone()),
        })
    }

    fn compare(&self, other: &Self) -> Option<Ordering> {
        Some(self.get().cmp(&other.get()))
    }

    fn dump(&self) -> String {
        format!("socket_address ({})", self.get())
    }
}

/// A property write, parsed from the script's value.
enum Change<'call> {
    Port(u16),
    U32(u32),
    Bytes(std::borrow::Cow<'call, [u8]>),
    AddrString(&'call str),
    FullString(&'call str),
}

impl Change<'_> {
    fn apply(self, addr: &mut SocketAddress) -> sgssockets_core::Result<()> {
        match self {
            Change::Port(port) => addr.set_port(port),
            Change::U32(value) => addr.set_addr_u32(value),
            Change::Bytes(bytes) => addr.set_addr_bytes(&bytes),
            Change::AddrString(text) => addr.set_addr_string(text),
            Change::FullString(text) => addr.set_full_addr_string(text),
        }
    }
}

/// Parses the value at `item` for property `name`, then applies it: `None` for no such
/// property, `Err` with the warning's text when the value does not fit. The value is read
/// before the address is borrowed, as reading it may call back into this module.
fn write(this: &AddressObject, ctx: &Ctx<'_>, name: &str, item: i32) -> Option<Result<(), String>> {
    let text = || {
        ctx.str_at(item)
            .ok_or_else(|| "expected a string".to_owned())
    };
    let change = match name {
        "family" => Err("read-only property".to_owned()),
        "port" => ctx
            .int_at(item)
            .ok_or_else(|| "expected an integer port".to_owned())
            .and_then(|port| {
                u16::try_from(port).map_err(|_| format!("port must be 0..65535, got {port}"))
            })
            .map(Change::Port),
        "addr_u32" => ctx
            .int_at(item)
            .ok_or_else(|| "expected an integer".to_owned())
            .and_then(|v| {
                u32::try_from(v).map_err(|_| format!("value must be 0..4294967295, got {v}"))
            })
            .map(Change::U32),
        "addr_buf" => ctx
            .bytes_at(item)
            .ok_or_else(|| "expected a string of bytes".to_owned())
            .map(|bytes| Change::Bytes(bytes.into())),
        "addr_bytes" => byte_array_at(ctx, item).map(|bytes| Change::Bytes(bytes.into())),
        "addr_string" => text().map(Change::AddrString),
        "full_addr_string" => text().map(Change::FullString),
        _ => return None,
    };
    Some(change.and_then(|change| {
        change
            .apply(&mut this.addr.borrow_mut())
            .map_err(|e| e.message().to_owned())
    }))
}

/// Reads an array of byte integers (0..255) from stack `item`, 4 or 16 of them.
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
