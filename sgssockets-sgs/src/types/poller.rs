//! The `socket_poller` object type (SPEC §7, §10): core's [`Poller`] plus the socket (and
//! `socket_tls`) objects registered in it, held (and marked for the collector) so that a socket that is
//! only in a poller stays open, and reported back as the very objects that were added.
//!
//! The key of a registration is the index of its slot here. A socket closed while
//! registered leaves core's poller at once; its slot is released at the poller's next call.

use std::cell::RefCell;
use std::ffi::{c_int, CStr};
use std::time::Duration;

use sgssockets_core::{Error, Interest, PollEvents, Poller};

use crate::host::call::native_method;
use crate::host::context::{Ctx, StoredVariable};
use crate::host::object::{native_interface, push_object, NativeType};
use crate::host::raw::{sgs_CFunc, sgs_Variable};
use crate::host::report::{Failure, Outcome, Push, Value};
use crate::types::waitable::Waitable;

/// The data of a `socket_poller` object.
#[derive(Debug)]
pub struct PollerObject {
    /// `None` once closed.
    state: RefCell<Option<Registry>>,
}

/// An open poller and what it holds.
#[derive(Debug)]
struct Registry {
    poller: Poller,
    /// Registered objects by key (slot index).
    slots: Vec<Option<StoredVariable>>,
    free: Vec<usize>,
    events: PollEvents,
    /// The ready objects of a wait, kept between waits so a wait allocates nothing.
    scratch: ReadyObjects,
}

/// The objects a wait found readable and writable (not referenced: the poller holds them).
#[derive(Debug, Default)]
struct ReadyObjects {
    readable: Vec<sgs_Variable>,
    writable: Vec<sgs_Variable>,
}

impl Registry {
    /// Releases the objects of sockets that were closed while registered.
    fn release_closed(&mut self, ctx: &Ctx<'_>) {
        for key in self.poller.take_closed_keys() {
            if let Some(stored) = self.take_slot(key) {
                ctx.release_stored(stored);
            }
        }
    }

    fn take_slot(&mut self, key: u64) -> Option<StoredVariable> {
        let index = usize::try_from(key).ok()?;
        let stored = self.slots.get_mut(index)?.take()?;
        self.free.push(index);
        Some(stored)
    }

    fn new_slot(&mut self, stored: StoredVariable) -> usize {
        match self.free.pop() {
            Some(index) => {
                self.slots[index] = Some(stored);
                index
            }
            None => {
                self.slots.push(Some(stored));
                self.slots.len() - 1
            }
        }
    }

    /// Releases every held object (the poller is closing or being destroyed).
    fn release_all(self, ctx: &Ctx<'_>) {
        drop(self.poller);
        for stored in self.slots.into_iter().flatten() {
            ctx.release_stored(stored);
        }
    }
}

/// A new `socket_poller` object.
impl Push for PollerObject {
    fn push_to(self, ctx: &Ctx<'_>) -> c_int {
        push_object(ctx, self);
        1
    }
}

/// A poller's data, open and empty.
pub fn new_poller() -> sgssockets_core::Result<PollerObject> {
    Ok(PollerObject {
        state: RefCell::new(Some(Registry {
            poller: Poller::with_closed_keys()?,
            slots: Vec::new(),
            free: Vec::new(),
            events: PollEvents::new(),
            scratch: ReadyObjects::default(),
        })),
    })
}

impl NativeType for PollerObject {
    const NAME: &'static CStr = c"socket_poller";
    const HOLDS_VALUES: bool = true;
    native_interface!(PollerObject);

    fn method(name: &str) -> Option<sgs_CFunc> {
        type P = PollerObject;
        Some(match name {
            "add" => native_method!(P, c"socket_poller.add", 1..=3, False, add),
            "modify" => native_method!(P, c"socket_poller.modify", 3..=3, False, modify),
            "remove" => native_method!(P, c"socket_poller.remove", 1..=1, False, remove),
            "wait" => native_method!(P, c"socket_poller.wait", 2..=3, MinusOne, wait),
            "close" => native_method!(P, c"socket_poller.close", 0..=0, False, close),
            _ => return None,
        })
    }

    fn get_property(&self, ctx: &Ctx<'_>, name: &str) -> Option<Outcome<Value>> {
        (name == "count").then(|| {
            let mut state = self.state.borrow_mut();
            let count = state.as_mut().map_or(0, |registry| {
                registry.release_closed(ctx);
                registry.poller.len()
            });
            Ok(Value::Int(i64::try_from(count).unwrap_or(i64::MAX)))
        })
    }

    fn set_property(&self, _ctx: &Ctx<'_>, name: &str, _item: i32) -> Option<Outcome<()>> {
        (name == "count").then(|| Err(Failure::Warning("read-only property".to_owned())))
    }

    fn to_bool(&self) -> Option<bool> {
        Some(self.state.borrow().is_some())
    }

    fn to_text(&self) -> Option<String> {
        Some("socket_poller".to_owned())
    }

    fn dump(&self) -> String {
        match &*self.state.borrow() {
            Some(registry) => format!("socket_poller ({} registered)", registry.poller.len()),
            None => "socket_poller (closed)".to_owned(),
        }
    }

    fn gc_mark(&self, ctx: &Ctx<'_>) {
        // Never borrowed mutably across a call that could run the collector (only a
        // script's gc_collect() does, and no script code runs inside this type's calls).
        if let Ok(state) = self.state.try_borrow() {
            for stored in state
                .iter()
                .flat_map(|registry| registry.slots.iter().flatten())
            {
                ctx.gc_mark(stored);
            }
        }
    }

    fn before_destroy(&self, ctx: &Ctx<'_>) {
        let registry = self.state.borrow_mut().take();
        if let Some(registry) = registry {
            registry.release_all(ctx);
        }
    }
}

/// The failure of a call on a closed poller.
fn closed(operation: &'static str) -> Failure {
    Failure::warn_with(Error::closed(operation), "poller is closed")
}

/// The socket argument of add/modify/remove (a socket or TLS object): anything else is a
/// warning and `false` (SPEC §10), not an argument-type error.
fn socket_arg<'call>(ctx: &Ctx<'call>, operation: &'static str) -> Outcome<Waitable<'call>> {
    Waitable::at(ctx, 1).ok_or_else(|| {
        Failure::invalid(operation, "argument 1 is not a socket or socket_tls object")
    })
}

/// The socket of a waitable argument (a TLS object always has one during a call).
fn socket_of<'a>(
    waitable: Waitable<'a>,
    operation: &'static str,
) -> Outcome<std::cell::Ref<'a, sgssockets_core::Socket>> {
    waitable
        .socket()
        .ok_or_else(|| Failure::warn(Error::closed(operation)))
}

/// An interest flag: a bool, or (for add) absent.
fn flag_arg(ctx: &Ctx<'_>, item: i32, default: Option<bool>) -> Outcome<bool> {
    match default {
        Some(default) if ctx.is_null(item) => Ok(default),
        _ => ctx.bool_at(item).ok_or(Failure::arg_type(item, c"bool")),
    }
}

fn add(this: &PollerObject, ctx: &Ctx<'_>) -> Outcome<bool> {
    const OP: &str = "socket_poller.add";
    let socket = socket_arg(ctx, OP)?;
    let interest = Interest {
        readable: flag_arg(ctx, 2, Some(true))?,
        writable: flag_arg(ctx, 3, Some(false))?,
    };
    let mut state = this.state.borrow_mut();
    let registry = state.as_mut().ok_or_else(|| closed(OP))?;
    registry.release_closed(ctx);
    let stored = ctx.store_item(1);
    let key = registry.new_slot(stored);
    let added = socket.add_to(&registry.poller, key as u64, interest);
    if let Err(error) = added {
        if let Some(stored) = registry.take_slot(key as u64) {
            ctx.release_stored(stored);
        }
        return Err(Failure::warn(error));
    }
    Ok(true)
}

fn modify(this: &PollerObject, ctx: &Ctx<'_>) -> Outcome<bool> {
    const OP: &str = "socket_poller.modify";
    let socket = socket_arg(ctx, OP)?;
    let interest = Interest {
        readable: flag_arg(ctx, 2, None)?,
        writable: flag_arg(ctx, 3, None)?,
    };
    let mut state = this.state.borrow_mut();
    let registry = state.as_mut().ok_or_else(|| closed(OP))?;
    registry.release_closed(ctx);
    let modified = registry.poller.modify(&*socket_of(socket, OP)?, interest);
    // Not registered here: `false` without a warning (SPEC §10); a closed socket warns.
    modified.map(|()| true).map_err(Failure::from)
}

fn remove(this: &PollerObject, ctx: &Ctx<'_>) -> Outcome<bool> {
    const OP: &str = "socket_poller.remove";
    let socket = socket_arg(ctx, OP)?;
    let mut state = this.state.borrow_mut();
    let registry = state.as_mut().ok_or_else(|| closed(OP))?;
    registry.release_closed(ctx);
    // A closed socket already left every poller: not registered, no warning.
    let key = registry
        .poller
        .remove(&*socket_of(socket, OP)?)
        .map_err(Failure::quiet)?;
    if let Some(stored) = registry.take_slot(key) {
        ctx.release_stored(stored);
    }
    Ok(true)
}

/// An output array argument: an array, or `null` for none.
fn array_arg(ctx: &Ctx<'_>, item: i32) -> Outcome<Option<sgs_Variable>> {
    if ctx.is_null(item) {
        return Ok(None);
    }
    let array = ctx.variable_at(item);
    ctx.array_len(&array)
        .map(|_| Some(array))
        .ok_or(Failure::arg_type(item, c"array or null"))
}

/// The timeout argument: absent or `null` waits forever.
fn timeout_arg(ctx: &Ctx<'_>, item: i32) -> Outcome<Option<Duration>> {
    if ctx.is_null(item) {
        return Ok(None);
    }
    ctx.arg_wait_timeout(item, "socket_poller.wait", "argument 3 (timeout)")
}

fn wait(this: &PollerObject, ctx: &Ctx<'_>) -> Outcome<usize> {
    const OP: &str = "socket_poller.wait";
    let readable_out = array_arg(ctx, 1)?;
    let writable_out = array_arg(ctx, 2)?;
    let timeout = timeout_arg(ctx, 3)?;
    let (ready, mut found) = {
        let mut state = this.state.borrow_mut();
        let registry = state.as_mut().ok_or_else(|| closed(OP))?;
        registry.release_closed(ctx);
        let Registry {
            poller,
            slots,
            events,
            scratch,
            ..
        } = registry;
        // Empty: cleared before it was put back (and a fresh one after an error).
        let mut found = std::mem::take(scratch);
        let ready = poller.wait(events, timeout).map_err(|error| {
            let text = error.to_string();
            Failure::warn_with(error, text)
        })?;
        for event in events.iter() {
            let slot = usize::try_from(event.key).ok().and_then(|i| slots.get(i));
            let Some(Some(stored)) = slot else {
                continue;
            };
            if event.readable {
                found.readable.push(stored.variable());
            }
            if event.writable {
                found.writable.push(stored.variable());
            }
        }
        (ready, found)
    };
    // The objects stay referenced by the poller while the arrays are rewritten (which
    // runs no script code).
    if let Some(array) = readable_out {
        ctx.refill_array(&array, &found.readable);
    }
    if let Some(array) = writable_out {
        ctx.refill_array(&array, &found.writable);
    }
    // Back for the next wait, without the variables (they may not outlive their objects).
    found.readable.clear();
    found.writable.clear();
    if let Ok(mut state) = this.state.try_borrow_mut() {
        if let Some(registry) = state.as_mut() {
            registry.scratch = found;
        }
    }
    Ok(ready)
}

fn close(this: &PollerObject, ctx: &Ctx<'_>) -> Outcome<bool> {
    let registry = this
        .state
        .borrow_mut()
        .take()
        .ok_or_else(|| closed("socket_poller.close"))?;
    registry.release_all(ctx);
    Ok(true)
}
