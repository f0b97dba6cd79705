//! The names scripts use on the SGScript module's object types, for tests that go through
//! all of them (argument sweeps, the fuzz target).
//!
//! This file depends on nothing, so the fuzz target (outside the workspace, unable to
//! depend on this crate) includes it by path: `#[path = ".../sgs_names.rs"] mod sgs_names;`.

/// The methods of `socket` objects.
pub const SOCKET_METHODS: [&str; 12] = [
    "bind",
    "listen",
    "accept",
    "connect",
    "send",
    "sendto",
    "recv",
    "recvfrom",
    "shutdown",
    "close",
    "getpeername",
    "getsockname",
];

/// The properties of `socket` objects (`error` is read-only).
pub const SOCKET_PROPERTIES: [&str; 14] = [
    "error",
    "blocking",
    "broadcast",
    "reuse_addr",
    "reuse_port",
    "send_timeout",
    "recv_timeout",
    "nodelay",
    "keepalive",
    "ttl",
    "ipv6_only",
    "recv_buffer_size",
    "send_buffer_size",
    "linger",
];

/// The properties of `socket_address` objects.
pub const ADDRESS_PROPERTIES: [&str; 7] = [
    "family",
    "port",
    "addr_u32",
    "addr_buf",
    "addr_bytes",
    "addr_string",
    "full_addr_string",
];
