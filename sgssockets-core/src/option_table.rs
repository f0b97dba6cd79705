//! The one table of socket options, by the names scripts use (the socket object's properties).
//!
//! Each binding reads and writes options through [`socket_option`] and
//! [`SocketOption::get`]/[`SocketOption::set`]; the value conversions and range checks
//! ([`convert`](crate::convert)) happen here, so the SGScript properties and the C API
//! accept and refuse exactly the same values. Adding an option is one line in
//! [`SOCKET_OPTIONS`].

use std::fmt;

use crate::convert;
use crate::{Error, MulticastInterface, Result, Socket};

/// How a binding converts an option's value to and from its own values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionKind {
    /// `true`/`false`.
    Bool,
    /// A whole number (bytes, a hop limit, an error code).
    Int,
    /// Real seconds (an [`OptionValue::Int`] is accepted too).
    Seconds,
}

/// An option's value as bindings pass it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionValue {
    /// For [`OptionKind::Bool`].
    Bool(bool),
    /// For [`OptionKind::Int`] (and accepted for [`OptionKind::Seconds`]).
    Int(i64),
    /// For [`OptionKind::Seconds`].
    Seconds(f64),
}

impl OptionValue {
    /// The kind of value this is.
    pub fn kind(&self) -> OptionKind {
        match self {
            OptionValue::Bool(_) => OptionKind::Bool,
            OptionValue::Int(_) => OptionKind::Int,
            OptionValue::Seconds(_) => OptionKind::Seconds,
        }
    }
}

/// The name of a kind in error messages.
fn kind_name(kind: OptionKind) -> &'static str {
    match kind {
        OptionKind::Bool => "a bool",
        OptionKind::Int => "an integer",
        OptionKind::Seconds => "a number of seconds",
    }
}

/// One socket option: its script name, its kind and how to read and write it.
///
/// ```
/// use sgssockets_core::{socket_option, OptionValue, Socket};
///
/// let socket = Socket::tcp(false)?;
/// let linger = socket_option("linger").unwrap();
/// linger.set(&socket, OptionValue::Seconds(0.5))?; // rounded up, never a reset
/// assert_eq!(linger.get(&socket)?, OptionValue::Seconds(1.0));
///
/// let size = socket_option("recv_buffer_size").unwrap();
/// assert!(size.set(&socket, OptionValue::Int((1 << 32) + 100_000)).is_err());
/// # Ok::<(), sgssockets_core::Error>(())
/// ```
pub struct SocketOption {
    /// The SGScript property name (`"linger"`, `"recv_buffer_size"`, ...).
    pub name: &'static str,
    /// How its value is converted.
    pub kind: OptionKind,
    /// The operation named by errors of `set` (e.g. `"setsockopt(SO_LINGER)"`).
    set_op: &'static str,
    get: fn(&Socket) -> Result<OptionValue>,
    set: Option<fn(&Socket, OptionValue) -> Result<()>>,
}

impl fmt::Debug for SocketOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SocketOption")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("read_only", &self.is_read_only())
            .finish()
    }
}

impl SocketOption {
    /// Reads the option from the OS (timeouts: the value last set).
    pub fn get(&self, socket: &Socket) -> Result<OptionValue> {
        (self.get)(socket)
    }

    /// Sets the option. Errors (with category
    /// [`InvalidInput`](crate::ErrorCategory::InvalidInput), nothing changed): the option
    /// is read-only, `value` is of another kind (an `Int` is accepted for `Seconds`), or the
    /// value is out of the option's range (see [`convert`](crate::convert)). A closed socket
    /// or the OS's refusal gives the error of the typed setter.
    pub fn set(&self, socket: &Socket, value: OptionValue) -> Result<()> {
        let Some(set) = self.set else {
            return Err(Error::invalid_input(
                self.set_op,
                format!("{} is read-only", self.name),
            ));
        };
        let value = match (self.kind, value) {
            (OptionKind::Seconds, OptionValue::Int(int)) => OptionValue::Seconds(int as f64),
            (kind, value) if kind == value.kind() => value,
            (kind, value) => {
                return Err(Error::invalid_input(
                    self.set_op,
                    format!(
                        "{} takes {}, got {}",
                        self.name,
                        kind_name(kind),
                        kind_name(value.kind())
                    ),
                ))
            }
        };
        set(socket, value).map_err(|err| {
            if err.category() == crate::ErrorCategory::InvalidInput {
                err.renamed(self.set_op)
            } else {
                err
            }
        })
    }

    /// Whether the option can only be read (`error`).
    pub fn is_read_only(&self) -> bool {
        self.set.is_none()
    }
}

/// The option called `name` (an SGScript property name), if there is one.
///
/// ```
/// use sgssockets_core::{socket_option, OptionKind};
///
/// assert_eq!(socket_option("ttl").unwrap().kind, OptionKind::Int);
/// assert!(socket_option("error").unwrap().is_read_only());
/// assert!(socket_option("no_such_option").is_none());
/// ```
pub fn socket_option(name: &str) -> Option<&'static SocketOption> {
    SOCKET_OPTIONS.iter().find(|option| option.name == name)
}

/// The value inside a `Bool` (the kind was checked by [`SocketOption::set`]).
fn bool_of(value: OptionValue) -> bool {
    match value {
        OptionValue::Bool(on) => on,
        OptionValue::Int(int) => int != 0,
        OptionValue::Seconds(secs) => secs != 0.0,
    }
}

/// The value inside an `Int` (the kind was checked by [`SocketOption::set`]).
fn int_of(value: OptionValue) -> i64 {
    match value {
        OptionValue::Int(int) => int,
        OptionValue::Bool(on) => i64::from(on),
        OptionValue::Seconds(secs) => secs as i64,
    }
}

/// The value inside a `Seconds` (the kind was checked by [`SocketOption::set`]).
fn secs_of(value: OptionValue) -> f64 {
    match value {
        OptionValue::Seconds(secs) => secs,
        OptionValue::Int(int) => int as f64,
        OptionValue::Bool(on) => f64::from(u8::from(on)),
    }
}

/// A boolean option: `name`, the operation its errors name, typed getter and setter.
macro_rules! bool_option {
    ($name:literal, $op:literal, $get:path, $set:path) => {
        SocketOption {
            name: $name,
            kind: OptionKind::Bool,
            set_op: $op,
            get: |socket| $get(socket).map(OptionValue::Bool),
            set: Some(|socket, value| $set(socket, bool_of(value))),
        }
    };
}

/// An integer option: `name`, the operation its errors name, typed getter and setter, and
/// the conversions between the typed value and `i64`.
macro_rules! int_option {
    ($name:literal, $op:literal, $get:path, $set:path, $to_int:path, $from_int:path) => {
        SocketOption {
            name: $name,
            kind: OptionKind::Int,
            set_op: $op,
            get: |socket| $get(socket).map(|value| OptionValue::Int($to_int(value))),
            set: Some(|socket, value| $set(socket, $from_int(int_of(value))?)),
        }
    };
}

/// A seconds option: `name`, the operation its errors name, typed getter and setter, and
/// the conversions between the typed value and seconds.
macro_rules! seconds_option {
    ($name:literal, $op:literal, $get:path, $set:path, $to_secs:path, $from_secs:path) => {
        SocketOption {
            name: $name,
            kind: OptionKind::Seconds,
            set_op: $op,
            get: |socket| $get(socket).map(|value| OptionValue::Seconds($to_secs(value))),
            set: Some(|socket, value| $set(socket, $from_secs(secs_of(value))?)),
        }
    };
}

/// The pending error code (`SO_ERROR`, 0 if none); reading it clears it.
fn pending_error(socket: &Socket) -> Result<OptionValue> {
    let pending = socket.take_error()?;
    Ok(OptionValue::Int(
        pending.map_or(0, |err| i64::from(err.code())),
    ))
}

/// A hop limit as an integer.
fn int_from_ttl(ttl: u32) -> i64 {
    i64::from(ttl)
}

/// `multicast_if` as an integer: an IPv4 interface address as its 32-bit number (host
/// order, like [`SocketAddress::addr_u32`](crate::SocketAddress::addr_u32)), an IPv6
/// interface index as itself.
fn multicast_if_value(socket: &Socket) -> Result<OptionValue> {
    Ok(OptionValue::Int(match socket.multicast_if()? {
        MulticastInterface::Addr(addr) => i64::from(u32::from(addr)),
        MulticastInterface::Index(index) => i64::from(index),
    }))
}

/// Sets `multicast_if` from an integer (see [`multicast_if_value`]), range-checked by
/// [`convert::interface_from_int`].
fn set_multicast_if_value(socket: &Socket, value: OptionValue) -> Result<()> {
    let number = convert::interface_from_int(int_of(value))?;
    let interface = if socket.family() == crate::constants::AF_INET {
        MulticastInterface::Addr(number.into())
    } else {
        MulticastInterface::Index(number)
    };
    socket.set_multicast_if(interface)
}

/// Every socket option the bindings expose as a property, one line each.
#[rustfmt::skip]
pub static SOCKET_OPTIONS: &[SocketOption] = &[
    SocketOption {
        name: "error",
        kind: OptionKind::Int,
        set_op: "setsockopt(SO_ERROR)",
        get: pending_error,
        set: None,
    },
    bool_option!("blocking", "set blocking mode", Socket::is_blocking, Socket::set_blocking),
    bool_option!("broadcast", "setsockopt(SO_BROADCAST)", Socket::broadcast, Socket::set_broadcast),
    bool_option!("reuse_addr", "setsockopt(SO_REUSEADDR)", Socket::reuse_addr, Socket::set_reuse_addr),
    bool_option!("reuse_port", "setsockopt(SO_REUSEPORT)", Socket::reuse_port, Socket::set_reuse_port),
    bool_option!("nodelay", "setsockopt(TCP_NODELAY)", Socket::nodelay, Socket::set_nodelay),
    bool_option!("keepalive", "setsockopt(SO_KEEPALIVE)", Socket::keepalive, Socket::set_keepalive),
    bool_option!("ipv6_only", "setsockopt(IPV6_V6ONLY)", Socket::ipv6_only, Socket::set_ipv6_only),
    int_option!("ttl", "setsockopt(IP_TTL)", Socket::ttl, Socket::set_ttl, int_from_ttl, convert::ttl_from_int),
    int_option!("recv_buffer_size", "setsockopt(SO_RCVBUF)", Socket::recv_buffer_size, Socket::set_recv_buffer_size, convert::int_from_buffer_size, convert::buffer_size_from_int),
    int_option!("send_buffer_size", "setsockopt(SO_SNDBUF)", Socket::send_buffer_size, Socket::set_send_buffer_size, convert::int_from_buffer_size, convert::buffer_size_from_int),
    seconds_option!("send_timeout", "setsockopt(SO_SNDTIMEO)", Socket::send_timeout, Socket::set_send_timeout, convert::secs_from_timeout, convert::timeout_from_secs),
    seconds_option!("recv_timeout", "setsockopt(SO_RCVTIMEO)", Socket::recv_timeout, Socket::set_recv_timeout, convert::secs_from_timeout, convert::timeout_from_secs),
    seconds_option!("linger", "setsockopt(SO_LINGER)", Socket::linger, Socket::set_linger, convert::secs_from_linger, convert::linger_from_secs),
    int_option!("multicast_ttl", "setsockopt(IP_MULTICAST_TTL)", Socket::multicast_ttl, Socket::set_multicast_ttl, int_from_ttl, convert::multicast_ttl_from_int),
    bool_option!("multicast_loop", "setsockopt(IP_MULTICAST_LOOP)", Socket::multicast_loop, Socket::set_multicast_loop),
    SocketOption {
        name: "multicast_if",
        kind: OptionKind::Int,
        set_op: "setsockopt(IP_MULTICAST_IF)",
        get: multicast_if_value,
        set: Some(set_multicast_if_value),
    },
];
