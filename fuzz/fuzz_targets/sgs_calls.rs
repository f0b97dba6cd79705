//! The SGScript module under arbitrary call sequences, driven through the test host
//! (`sgssockets-sgs/testhost`) exactly as scripts drive it: every global function, every
//! `socket` method (called on sockets, on other values and detached), every property of
//! both object types read and written, conversions, comparisons and clones, with argument
//! values of every kind (null, bools, ints, reals with NaN/inf, empty, garbage and valid
//! address strings, arrays of anything including closed sockets and non-sockets, and
//! objects from a small pool holding sockets, addresses and earlier results). One step
//! makes a connected pair (TCP over IPv4 or IPv6, UDP, Unix stream) through the module, so
//! sequences reach the data paths quickly.
//!
//! It proves that no such sequence panics (the host records no internal error), that every
//! warning names what raised it (`name(): ...` for calls, `type.property: ...` for
//! properties), that the stack is balanced after each call, and that once the pool is
//! dropped every object the module made is released and every descriptor is closed.
//!
//! The calls of SPEC §9 are there too (`sendall`, `connect` with a timeout,
//! `socket_connect`, `socket_pair`, `join_group`/`leave_group`, `getsockopt`/`setsockopt`,
//! `fileno` and the multicast properties, `detach`, `socket_fromfd`, `socket_getnameinfo`),
//! on sockets and on other values as `this`. Descriptors that `detach` hands over are kept
//! (and offered to `socket_fromfd`) until the input ends, then closed.
//!
//! All traffic stays on this machine: `bind`, `connect` and `sendto` only ever get
//! addresses made by the target (127.0.0.1 or ::1 with port 0, 1 or a port of one of the
//! pool's own sockets, or a Unix path in a temporary folder of its own), while fuzzed text
//! still reaches `socket_address` and the address properties; `socket_getaddrinfo` gets
//! only numeric hosts (no DNS), and `socket()` no raw or packet sockets. Every socket gets
//! 10 ms send and receive timeouts and linger 0 as soon as it appears (restored after the
//! fuzzer writes those properties), and select waits at most 3 ms, so nothing blocks long.
//! For §9: `socket_connect` gets numeric loopback hosts only and always a bounded timeout
//! (as does `connect(addr, timeout)`, also through the generic method calls); memberships
//! name the loopback interface, one that does not exist, or a refused value, never the OS's
//! choice; raw options come from an allow-list of harmless (level, name) pairs and the
//! socket is tamed after each set; `socket_fromfd` only sees descriptors the target knows;
//! reverse lookups are always `NI_NUMERICHOST`.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sgssockets_sgs_testhost::{Host, Value};

// The module's names, shared with its tests (this target cannot depend on the workspace's
// test-support crate, so it includes the file).
#[path = "../../test-support/src/sgs_names.rs"]
#[allow(dead_code)] // the methods are picked through `Method` below
mod sgs_names;
use sgs_names::{ADDRESS_PROPERTIES, SOCKET_PROPERTIES};

/// Pool slots; a slot number from the fuzzer is taken modulo this.
const POOL: usize = 8;
/// Operations per input at most, so one input cannot run long.
const MAX_OPS: usize = 48;
/// Arguments per call at most (one more than any function takes).
const MAX_ARGS: usize = 5;
/// Send and receive timeout of every socket, in seconds.
const SHORT: f64 = 0.01;
/// Message level of the host's warnings; anything at or above `ERROR` is a failure.
const WARNING: i32 = 200;
const ERROR: i32 = 300;

/// Address text the fuzzer can pick (besides arbitrary bytes).
const TEXTS: &[&str] = &[
    "127.0.0.1",
    "::1",
    "[::1]:80",
    "127.0.0.1:8080",
    "0.0.0.0",
    "::ffff:127.0.0.1",
    "fe80::1%1",
    "fe80::1%lo",
    "255.255.255.255",
    "1.2.3.4:65535",
    "/tmp/sgss-none",
    "",
    "[::1]",
    "127.1",
    "::",
    "a",
];

/// Numeric hosts for `socket_getaddrinfo` (never a name: no DNS traffic).
const NUMERIC_HOSTS: &[&str] = &["127.0.0.1", "::1", "0", "127.1", "::ffff:127.0.0.1", "::"];

/// Module constants the fuzzer can pass by name.
const CONSTANTS: &[&str] = &[
    "AF_INET",
    "AF_INET6",
    "AF_UNIX",
    "AF_UNSPEC",
    "SOCK_STREAM",
    "SOCK_DGRAM",
    "SOCK_SEQPACKET",
    "IPPROTO_TCP",
    "IPPROTO_UDP",
    "MSG_PEEK",
    "MSG_OOB",
    "MSG_DONTWAIT",
    "MSG_WAITALL",
    "SHUT_RD",
    "SHUT_WR",
    "SHUT_RDWR",
    "AI_PASSIVE",
];

/// A property name by the fuzzer's number: one of `names`, or (one past the last) a name no
/// type has.
fn property_name(names: &[&'static str], n: u8) -> &'static str {
    names
        .get(usize::from(n) % (names.len() + 1))
        .copied()
        .unwrap_or("nonexistent")
}

/// An argument value.
#[derive(Arbitrary, Debug)]
enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Small(i8),
    Real(f64),
    Special(u8),
    Str(Vec<u8>),
    Text(u8),
    Const(u8),
    Array(Vec<Item>),
    Slot(u8),
    /// An address the target makes: loopback or a Unix path of its own.
    Net(u8),
    ClosedSocket,
}

/// An array item (not recursive, so inputs stay small).
#[derive(Arbitrary, Debug)]
enum Item {
    Null,
    Int(i8),
    Text(u8),
    Slot(u8),
    ClosedSocket,
    Net(u8),
}

/// The global functions with ordinary arguments.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Func {
    Address,
    AddressFromBytes,
    Gethostname,
    Error,
    Geterrnobyname,
    Tcp,
    Udp,
}

/// The `socket` methods.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Method {
    Bind,
    Listen,
    Accept,
    Connect,
    Send,
    Sendto,
    Recv,
    Recvfrom,
    Shutdown,
    Close,
    Getpeername,
    Getsockname,
}

/// `socket()`'s type and protocol arguments: never raw or packet sockets.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Num {
    Zero,
    Stream,
    Dgram,
    Seqpacket,
    Tcp,
    Udp,
    Icmp,
    Sctp,
    Negative,
    Big,
    Huge,
    Null,
    Garbage,
    Missing,
}

/// `socket()`'s family: no netlink or packet sockets.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Family {
    Inet,
    Inet6,
    Unix,
    Unspec,
    Negative,
    Big,
    Null,
    Garbage,
    Missing,
}

/// `socket_getaddrinfo`'s host: numeric or none.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum LookupHost {
    Null,
    Numeric(u8),
    Missing,
}

/// `socket_select`'s timeout: always bounded (null or infinity would wait forever).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Timeout {
    Millis(u8),
    Zero,
    Negative,
    Nan,
    Garbage,
    Object,
}

/// Conversions and comparisons a script can apply to any value.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Conv {
    ToString,
    ToBool,
    Dump,
    Clone,
    Compare(u8),
    Index,
}

/// A `socket` method with arguments of the right types.
#[derive(Arbitrary, Debug)]
enum Io {
    /// Sends that many bytes (their values do not matter to the module).
    Send(u16, Option<u8>),
    Sendto(u16, u8, Option<u8>),
    Recv(u16, Option<u8>),
    Recvfrom(u16, Option<u8>),
    Accept,
    Connect(u8),
    Bind(u8),
    Listen(i8),
    Shutdown(u8),
    Close,
    Getpeername,
    Getsockname,
}

/// `MSG_*` flags for [`Io`] (by index; the last ones are combinations and nonsense).
const FLAGS: &[&[&str]] = &[
    &[],
    &["MSG_PEEK"],
    &["MSG_DONTWAIT"],
    &["MSG_WAITALL"],
    &["MSG_OOB"],
    &["MSG_PEEK", "MSG_DONTWAIT"],
];

/// A `socket_poller` method with arguments from the pool.
#[derive(Arbitrary, Debug)]
enum PollerCall {
    Add(u8, Option<Val>, Option<Val>),
    Modify(u8, Val, Val),
    Remove(u8),
    /// Readable and writable output (pool values or fresh arrays) and a bounded timeout.
    Wait(Option<u8>, Option<u8>, Timeout),
    Close,
    Count,
}

/// One step.
#[derive(Arbitrary, Debug)]
enum Op {
    Call {
        func: Func,
        args: Vec<Val>,
        dst: u8,
    },
    Socket {
        family: Family,
        kind: Num,
        protocol: Num,
        dst: u8,
    },
    Lookup {
        host: LookupHost,
        service: Val,
        kind: Option<Val>,
        family: Option<Val>,
        dst: u8,
    },
    Select {
        read: Val,
        write: Val,
        error: Val,
        timeout: Timeout,
        extra: Option<Val>,
        dst: u8,
    },
    Method {
        target: u8,
        method: Method,
        args: Vec<Val>,
        dst: u8,
    },
    Detached {
        method: Method,
        args: Vec<Val>,
        dst: u8,
    },
    Get {
        target: u8,
        property: u8,
        dst: u8,
    },
    Set {
        target: u8,
        property: u8,
        value: Val,
    },
    Convert {
        target: u8,
        conv: Conv,
    },
    Drop(u8),
    /// A well-formed method call, so sequences go deep (`Method` covers odd arguments).
    Io {
        target: u8,
        io: Io,
        dst: u8,
    },
    /// `socket_poller()` into the pool.
    NewPoller {
        dst: u8,
    },
    /// A poller method on a pool value (any value: non-pollers give the argument warning).
    Poller {
        target: u8,
        call: PollerCall,
        dst: u8,
    },
    /// Collects garbage: pollers must keep (mark) what they hold.
    Collect,
    /// A connected pair made through the module (so data paths are reached quickly):
    /// TCP over 127.0.0.1 or ::1, connected UDP, or a Unix stream pair; both ends (and a
    /// listener) go to the pool from `dst` on.
    Pair {
        kind: u8,
        dst: u8,
    },
    /// A call of SPEC §9 (results to the pool from `dst` on).
    Calls {
        call: Calls,
        dst: u8,
    },
}

/// The §9 properties of `socket` objects (not in the shared name lists): `fileno` is
/// read-only.
const CALLS_PROPERTIES: &[&str] = &["fileno", "multicast_ttl", "multicast_loop", "multicast_if"];

/// Hosts for `socket_connect`: numeric loopback text only, so no name reaches a DNS server.
const CONNECT_HOSTS: &[&str] = &["127.0.0.1", "::1", "::ffff:127.0.0.1"];

/// Multicast groups and non-groups for `join_group`/`leave_group`.
const GROUP_TEXTS: &[&str] = &[
    "239.255.77.1",
    "224.0.0.251",
    "ff15::77",
    "ff02::fb",
    "127.0.0.1",
    "::1",
    "not an address",
];

/// Option (level, name) pairs the raw calls may touch: harmless ones only (never a
/// membership, whose bytes could name a real interface); the socket is tamed after a set.
const RAW_OPTIONS: &[(&str, &str)] = &[
    ("SOL_SOCKET", "SO_RCVBUF"),
    ("SOL_SOCKET", "SO_SNDBUF"),
    ("SOL_SOCKET", "SO_TYPE"),
    ("SOL_SOCKET", "SO_ERROR"),
    ("SOL_SOCKET", "SO_KEEPALIVE"),
    ("SOL_SOCKET", "SO_REUSEADDR"),
    ("SOL_SOCKET", "SO_LINGER"),
    ("SOL_SOCKET", "SO_RCVTIMEO"),
    ("IPPROTO_TCP", "TCP_NODELAY"),
    ("IPPROTO_IP", "IP_TTL"),
    ("IPPROTO_IP", "IP_MULTICAST_TTL"),
    ("IPPROTO_IPV6", "IPV6_V6ONLY"),
    ("IPPROTO_IPV6", "IPV6_MULTICAST_HOPS"),
];

/// A level and name: a known pair, a name the OS does not know, or a number beyond a C
/// `int` (refused, never truncated).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum RawOpt {
    Known(u8),
    UnknownName(u8),
    WideLevel(u8, i32),
    WideName(u8, i32),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum OptSize {
    Small(u8),
    Max,
    TooBig,
    Negative,
    Garbage,
}

#[derive(Arbitrary, Debug)]
enum OptValue {
    Int(i32),
    Wide(i32),
    Bytes(Vec<u8>),
    Bool(bool),
    Real(f64),
}

/// `socket_connect`'s host: numeric loopback, bad UTF-8, or not a string.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum ConnectHost {
    Pick(u8),
    BadUtf8,
    NotText,
}

/// A port: a pool socket's own (0 if none), or one that is refused as an argument.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Port {
    Own(u8),
    Zero,
    Negative,
    TooBig,
    Garbage,
}

/// A multicast group argument.
#[derive(Arbitrary, Debug)]
enum GroupArg {
    Text(u8),
    Address(u8),
    Val(Val),
}

/// The interface of a membership: the loopback interface (by address or index), one that
/// no machine has, or a refused value; never missing, null or 0 (the OS's choice, which
/// could be a real network), so no membership report leaves this machine.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum IfaceArg {
    LoopbackText,
    LoopbackAddress,
    LoopbackIndex,
    LoopbackV6Text,
    NoSuchText,
    NoSuchIndex,
    Negative,
    Huge,
    Garbage,
}

/// `socket_fromfd`'s descriptor: only numbers the target knows (never a descriptor of the
/// process it did not make, which could be connected elsewhere).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum FdArg {
    /// A descriptor the target holds from `detach`.
    Kept(u8),
    /// A pool socket's `fileno`.
    FilenoOf(u8),
    NotASocket,
    NotOpen,
    Negative,
    /// A kept descriptor plus 2^32: refused, never truncated.
    Wrapped(u8),
    Garbage,
}

/// The calls of SPEC §9, with arguments that keep everything on this machine and bounded
/// in time.
#[derive(Arbitrary, Debug)]
enum Calls {
    Sendall {
        target: u8,
        len: u16,
        flags: Option<u8>,
    },
    Connect {
        target: u8,
        to: u8,
        timeout: Timeout,
    },
    SocketConnect {
        host: ConnectHost,
        port: Port,
        timeout: Timeout,
        family: Option<Family>,
    },
    SocketPair {
        kind: Option<Num>,
    },
    Group {
        target: u8,
        join: bool,
        group: GroupArg,
        interface: IfaceArg,
    },
    Getsockopt {
        target: u8,
        opt: RawOpt,
        size: Option<OptSize>,
    },
    Setsockopt {
        target: u8,
        opt: RawOpt,
        value: OptValue,
    },
    GetProperty {
        target: u8,
        which: u8,
    },
    SetProperty {
        target: u8,
        which: u8,
        value: Val,
    },
    Detach {
        target: u8,
    },
    Fromfd {
        fd: FdArg,
    },
    Getnameinfo {
        addr: Val,
        flags: Option<i32>,
    },
}

/// The loopback interface's index (`/sys/class/net/lo/ifindex`; 1 where that is missing).
fn loopback_index() -> i64 {
    static INDEX: OnceLock<i64> = OnceLock::new();
    *INDEX.get_or_init(|| {
        std::fs::read_to_string("/sys/class/net/lo/ifindex")
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(1)
    })
}

/// The target's own folder for Unix socket paths.
fn unix_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sgss-fuzz-sgs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        dir
    })
}

/// Open descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// One input's engine, pool and the objects the target keeps for itself.
struct Run<'h> {
    host: &'h Host,
    pool: Vec<Value<'h>>,
    /// A socket whose methods are taken for detached calls (never in the pool).
    methods_of: Value<'h>,
    /// A poller whose methods are taken for calls with another `this` (never in the pool).
    poller_methods_of: Value<'h>,
    /// Descriptors `detach` gave the target, closed when the run ends.
    fds: Vec<std::os::fd::OwnedFd>,
}

impl<'h> Run<'h> {
    fn slot(&self, n: u8) -> &Value<'h> {
        &self.pool[usize::from(n) % POOL]
    }

    fn store(&mut self, dst: u8, results: Vec<Value<'h>>) {
        for (i, v) in results.into_iter().enumerate() {
            self.pool[(usize::from(dst) + i) % POOL] = v;
        }
    }

    /// A closed socket (made fresh).
    fn closed_socket(&self) -> Value<'h> {
        let s = self.host.call1("socket_udp", &[]);
        self.host.method1(&s, "close", &[]);
        self.discard();
        s
    }

    /// Drops the messages of the target's own setup calls, which may fail (a port of a
    /// closed socket, a timeout on a listener), but never with an internal error.
    fn discard(&self) {
        for m in self.host.take_messages() {
            assert!(m.level < ERROR, "{m:?}");
        }
    }

    /// The port of the pool socket in slot `n`, if it is a bound socket.
    fn port_of(&self, n: u8) -> Option<i64> {
        let s = self.slot(n);
        if s.object_type().as_deref() != Some("socket") {
            return None;
        }
        let name = self.host.method1(s, "getsockname", &[]);
        let port = self.host.get(&name, "port").and_then(|p| p.as_int());
        self.discard();
        port
    }

    /// An address the target makes itself: only ever this machine.
    fn net_address(&self, n: u8) -> Value<'h> {
        let host = self.host;
        let (family, text, port) = match n % 8 {
            0 => ("AF_INET", "127.0.0.1".to_owned(), 0),
            1 => ("AF_INET", "127.0.0.1".to_owned(), 1),
            2 | 3 => (
                "AF_INET",
                "127.0.0.1".to_owned(),
                self.port_of(n / 8).unwrap_or(0),
            ),
            4 => ("AF_INET6", "::1".to_owned(), 0),
            5 => (
                "AF_INET6",
                "::1".to_owned(),
                self.port_of(n / 8).unwrap_or(0),
            ),
            _ => (
                "AF_UNIX",
                unix_dir()
                    .join(format!("u{}", (n / 8) % 4))
                    .to_string_lossy()
                    .into_owned(),
                0,
            ),
        };
        let af = host.int(host.constant(family));
        let (text, port) = (host.str(&text), host.int(port));
        let args: &[&Value<'h>] = if family == "AF_UNIX" {
            &[&af, &text]
        } else {
            &[&af, &text, &port]
        };
        host.call_for_object("socket_address", args, "socket_address")
    }

    fn item(&self, item: &Item) -> Value<'h> {
        let host = self.host;
        match *item {
            Item::Null => host.null(),
            Item::Int(i) => host.int(i64::from(i)),
            Item::Text(t) => host.str(TEXTS[usize::from(t) % TEXTS.len()]),
            Item::Slot(n) => self.safe(self.slot(n).clone(), n),
            Item::ClosedSocket => self.closed_socket(),
            Item::Net(n) => self.net_address(n),
        }
    }

    /// Addresses from the pool may hold fuzzed text: where a value could reach the
    /// network, such an address is replaced by one the target made.
    fn safe(&self, v: Value<'h>, n: u8) -> Value<'h> {
        if v.object_type().as_deref() == Some("socket_address") {
            self.net_address(n)
        } else {
            v
        }
    }

    /// The value for `val`; `net`: it may reach the network (addresses are made safe).
    fn val(&self, val: &Val, net: bool) -> Value<'h> {
        let host = self.host;
        match val {
            Val::Null => host.null(),
            Val::Bool(b) => host.bool(*b),
            Val::Int(i) => host.int(*i),
            Val::Small(i) => host.int(i64::from(*i)),
            Val::Real(r) => host.real(*r),
            Val::Special(k) => host.real(match k % 8 {
                0 => f64::NAN,
                1 => f64::INFINITY,
                2 => f64::NEG_INFINITY,
                3 => -0.0,
                4 => 1e300,
                5 => -1.0,
                6 => 0.5,
                _ => f64::MIN_POSITIVE,
            }),
            Val::Str(bytes) => host.bytes(bytes),
            Val::Text(t) => host.str(TEXTS[usize::from(*t) % TEXTS.len()]),
            Val::Const(c) => host.int(host.constant(CONSTANTS[usize::from(*c) % CONSTANTS.len()])),
            Val::Array(items) => {
                let items: Vec<Value<'h>> = items.iter().take(8).map(|i| self.item(i)).collect();
                let refs: Vec<&Value<'h>> = items.iter().collect();
                host.array(&refs)
            }
            Val::Slot(n) => {
                let v = self.slot(*n).clone();
                if net {
                    self.safe(v, *n)
                } else {
                    v
                }
            }
            Val::Net(n) => self.net_address(*n),
            Val::ClosedSocket => self.closed_socket(),
        }
    }

    fn vals(&self, vals: &[Val], net: bool) -> Vec<Value<'h>> {
        vals.iter()
            .take(MAX_ARGS)
            .map(|v| self.val(v, net))
            .collect()
    }

    fn num(&self, n: Num) -> Option<Value<'h>> {
        let host = self.host;
        Some(match n {
            Num::Zero => host.int(0),
            Num::Stream => host.int(host.constant("SOCK_STREAM")),
            Num::Dgram => host.int(host.constant("SOCK_DGRAM")),
            Num::Seqpacket => host.int(host.constant("SOCK_SEQPACKET")),
            Num::Tcp => host.int(host.constant("IPPROTO_TCP")),
            Num::Udp => host.int(host.constant("IPPROTO_UDP")),
            Num::Icmp => host.int(1),
            Num::Sctp => host.int(132),
            Num::Negative => host.int(-1),
            Num::Big => host.int(99_999),
            Num::Huge => host.int(i64::MAX),
            Num::Null => host.null(),
            Num::Garbage => host.str("x"),
            Num::Missing => return None,
        })
    }

    fn family(&self, f: Family) -> Option<Value<'h>> {
        let host = self.host;
        Some(match f {
            Family::Inet => host.int(host.constant("AF_INET")),
            Family::Inet6 => host.int(host.constant("AF_INET6")),
            Family::Unix => host.int(host.constant("AF_UNIX")),
            Family::Unspec => host.int(0),
            Family::Negative => host.int(-1),
            Family::Big => host.int(i64::from(u32::MAX) + 7),
            Family::Null => host.null(),
            Family::Garbage => host.str("x"),
            Family::Missing => return None,
        })
    }

    /// Gives every socket among `values` (and in arrays among them) short timeouts and
    /// linger 0, so no later call can block for long.
    fn tame(&self, values: &[Value<'h>]) {
        let host = self.host;
        for v in values {
            match v.object_type().as_deref() {
                Some("socket") => {
                    host.set(v, "recv_timeout", &host.real(SHORT));
                    host.set(v, "send_timeout", &host.real(SHORT));
                    host.set(v, "linger", &host.real(0.0));
                }
                Some("array") => {
                    if let Some(items) = host.array_items(v) {
                        self.tame(&items);
                    }
                }
                _ => {}
            }
        }
        self.discard();
    }

    /// Checks the messages of one step: no internal error, every warning prefixed with
    /// one of `prefixes`.
    fn check(&self, what: &str, prefixes: &[String]) {
        for m in self.host.take_messages() {
            assert!(m.level < ERROR, "{what}: {m:?}");
            if m.level == WARNING {
                assert!(
                    prefixes.iter().any(|p| m.text.starts_with(p.as_str())),
                    "{what}: warning does not name it: {m:?} (expected {prefixes:?})"
                );
            }
        }
        assert_eq!(self.host.stack_len(), 0, "{what}: stack not balanced");
    }

    /// `s.name(args)` if `s` is a socket (a failed earlier step may have left `null`).
    fn call_method(&self, s: &Value<'h>, name: &str, args: &[&Value<'h>]) -> Vec<Value<'h>> {
        if s.object_type().as_deref() == Some("socket") {
            self.host.call_method(s, name, args)
        } else {
            Vec::new()
        }
    }

    /// The first result of [`Run::call_method`] (`null` if none).
    fn method1(&self, s: &Value<'h>, name: &str, args: &[&Value<'h>]) -> Value<'h> {
        self.call_method(s, name, args)
            .into_iter()
            .next()
            .unwrap_or_else(|| self.host.null())
    }

    /// A connected pair (and its listener, for TCP), made as a script would.
    fn pair(&self, kind: u8, dst: u8) -> Vec<Value<'h>> {
        let host = self.host;
        let make = |v6: bool, udp: bool| {
            let s = host.call1(
                if udp { "socket_udp" } else { "socket_tcp" },
                &[&host.bool(v6)],
            );
            self.tame(std::slice::from_ref(&s));
            s
        };
        let bind_any = |s: &Value<'h>, v6: bool| {
            self.method1(s, "bind", &[&self.net_address(if v6 { 4 } else { 0 })]);
            self.method1(s, "getsockname", &[])
        };
        match kind % 4 {
            0 | 1 => {
                let v6 = kind % 4 == 1;
                let listener = make(v6, false);
                let addr = bind_any(&listener, v6);
                self.method1(&listener, "listen", &[&host.int(4)]);
                let client = make(v6, false);
                self.method1(&client, "connect", &[&addr]);
                let mut accepted = self.call_method(&listener, "accept", &[]);
                self.tame(&accepted);
                let server = if accepted.is_empty() {
                    host.null()
                } else {
                    accepted.swap_remove(0)
                };
                vec![client, server, listener]
            }
            2 => {
                let a = make(false, true);
                let b = make(false, true);
                let a_addr = bind_any(&a, false);
                let b_addr = bind_any(&b, false);
                self.method1(&a, "connect", &[&b_addr]);
                self.method1(&b, "connect", &[&a_addr]);
                vec![a, b]
            }
            _ => {
                let unix = host.int(host.constant("AF_UNIX"));
                let stream = host.int(host.constant("SOCK_STREAM"));
                let new = || {
                    let s = host.call1("socket", &[&unix, &stream, &host.int(0)]);
                    self.tame(std::slice::from_ref(&s));
                    s
                };
                let listener = new();
                let path = self.net_address(6 + 8 * (dst % 4));
                self.method1(&listener, "bind", &[&path]);
                self.method1(&listener, "listen", &[&host.int(4)]);
                let client = new();
                self.method1(&client, "connect", &[&path]);
                let mut accepted = self.call_method(&listener, "accept", &[]);
                self.tame(&accepted);
                let server = if accepted.is_empty() {
                    host.null()
                } else {
                    accepted.swap_remove(0)
                };
                vec![client, server, listener]
            }
        }
    }

    /// With `SGS_CALLS_TRACE` set, prints each method's result types, to see how deep a
    /// corpus goes (`-runs=0 corpus 2>&1 | grep TRACE | sort | uniq -c`).
    fn trace(&self, name: &str, results: &[Value<'h>]) {
        static ON: OnceLock<bool> = OnceLock::new();
        if *ON.get_or_init(|| std::env::var_os("SGS_CALLS_TRACE").is_some()) {
            let types: Vec<String> = results.iter().map(|v| self.host.type_of(v)).collect();
            eprintln!("TRACE {name} -> {}", types.join(","));
        }
    }

    fn method_name(m: Method) -> &'static str {
        match m {
            Method::Bind => "bind",
            Method::Listen => "listen",
            Method::Accept => "accept",
            Method::Connect => "connect",
            Method::Send => "send",
            Method::Sendto => "sendto",
            Method::Recv => "recv",
            Method::Recvfrom => "recvfrom",
            Method::Shutdown => "shutdown",
            Method::Close => "close",
            Method::Getpeername => "getpeername",
            Method::Getsockname => "getsockname",
        }
    }

    /// The timeout argument of `connect(addr, timeout)` with every wait bounded: a value the
    /// module reads as a number (ints, reals, bools, numeric text) is capped to 3 ms unless
    /// it is negative or NaN (refused); `null` (a plain connect, bounded by the 10 ms send
    /// timeout) and values that are no number stay as they are.
    fn bounded_wait(&self, v: &Value<'h>) -> Value<'h> {
        let number = v
            .as_int()
            .map(|i| i as f64)
            .or_else(|| v.as_real())
            .or_else(|| v.as_bool().map(f64::from))
            .or_else(|| v.as_str().and_then(|t| t.trim().parse::<f64>().ok()));
        match number {
            Some(x) if x.is_nan() || x < 0.0 => self.host.real(x),
            Some(x) => self.host.real(x.min(0.003)),
            None => v.clone(),
        }
    }

    /// `this.name(args)`: on a socket, or (any other value) the method called with it as
    /// `this`, which must be refused with the argument warning.
    fn method_on(
        &self,
        this: Value<'h>,
        target: u8,
        name: &str,
        args: &[Value<'h>],
    ) -> Vec<Value<'h>> {
        let host = self.host;
        let refs: Vec<&Value<'h>> = args.iter().collect();
        if this.object_type().as_deref() == Some("socket") {
            host.call_method(&this, name, &refs)
        } else {
            let this = self.safe(this, target);
            let func = host.get(&self.methods_of, name).expect("method");
            let mut all: Vec<&Value<'h>> = vec![&this];
            all.extend(refs.iter().copied());
            host.call_detached(&func, &all)
        }
    }

    /// The raw option `(level, name)` for [`RawOpt`].
    fn raw_option(&self, opt: RawOpt) -> (Value<'h>, Value<'h>) {
        let host = self.host;
        let pair = |i: u8| {
            let (level, name) = RAW_OPTIONS[usize::from(i) % RAW_OPTIONS.len()];
            (host.constant(level), host.constant(name))
        };
        let wide = |k: i32| i64::from(if k == 0 { 1 } else { k }) << 32;
        let (level, name) = match opt {
            RawOpt::Known(i) => pair(i),
            RawOpt::UnknownName(i) => (pair(i).0, 99_999),
            RawOpt::WideLevel(i, k) => {
                let (level, name) = pair(i);
                (level + wide(k), name)
            }
            RawOpt::WideName(i, k) => {
                let (level, name) = pair(i);
                (level, name + wide(k))
            }
        };
        (host.int(level), host.int(name))
    }

    /// A kept descriptor by the fuzzer's number.
    fn kept_fd(&self, i: u8) -> Option<i64> {
        use std::os::fd::AsRawFd;
        self.fds
            .get(usize::from(i) % self.fds.len().max(1))
            .map(|fd| i64::from(fd.as_raw_fd()))
    }

    fn calls(&mut self, call: &Calls, dst: u8) {
        let host = self.host;
        let (name, prefix, results): (&str, String, Vec<Value<'h>>) = match call {
            Calls::Sendall { target, len, flags } => {
                // Bounded by the 10 ms send timeout of every socket (the whole call).
                let mut args = vec![host.bytes(&vec![b'x'; usize::from(*len)])];
                if let Some(f) = flags {
                    let f = usize::from(*f);
                    let value = FLAGS.get(f).map_or(f as i64 * 7919, |names| {
                        names.iter().map(|n| host.constant(n)).fold(0, |a, b| a | b)
                    });
                    args.push(host.int(value));
                }
                let this = self.slot(*target).clone();
                let results = self.method_on(this, *target, "sendall", &args);
                ("sendall", "socket.sendall(): ".to_owned(), results)
            }
            Calls::Connect {
                target,
                to,
                timeout,
            } => {
                let timeout = match timeout {
                    Timeout::Millis(ms) => host.real(f64::from(ms % 4) / 1000.0),
                    Timeout::Zero => host.int(0),
                    Timeout::Negative => host.real(-1.0),
                    Timeout::Nan => host.real(f64::NAN),
                    Timeout::Garbage => host.str("soon"),
                    Timeout::Object => host.array(&[]),
                };
                let args = vec![self.net_address(*to), timeout];
                let this = self.slot(*target).clone();
                let results = self.method_on(this, *target, "connect", &args);
                ("connect", "socket.connect(): ".to_owned(), results)
            }
            Calls::SocketConnect {
                host: connect_host,
                port,
                timeout,
                family,
            } => {
                let mut args = vec![match connect_host {
                    ConnectHost::Pick(i) => {
                        host.str(CONNECT_HOSTS[usize::from(*i) % CONNECT_HOSTS.len()])
                    }
                    ConnectHost::BadUtf8 => host.bytes(b"\xff\xfe"),
                    ConnectHost::NotText => host.int(127),
                }];
                args.push(match port {
                    Port::Own(n) => host.int(self.port_of(*n).unwrap_or(0)),
                    Port::Zero => host.int(0),
                    Port::Negative => host.int(-1),
                    Port::TooBig => host.int(65_536),
                    Port::Garbage => host.str("http"),
                });
                // Always a timeout, always bounded: without one a full backlog waits forever.
                args.push(match timeout {
                    Timeout::Millis(ms) => host.real(f64::from(ms % 4) / 1000.0),
                    Timeout::Zero => host.int(0),
                    Timeout::Negative => host.real(-1.0),
                    Timeout::Nan => host.real(f64::NAN),
                    Timeout::Garbage => host.str("soon"),
                    Timeout::Object => host.array(&[]),
                });
                if let Some(f) = family.and_then(|f| self.family(f)) {
                    args.push(f);
                }
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = host.call("socket_connect", &refs);
                ("socket_connect", "socket_connect(): ".to_owned(), results)
            }
            Calls::SocketPair { kind } => {
                let args: Vec<Value<'h>> = kind.and_then(|k| self.num(k)).into_iter().collect();
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = host.call("socket_pair", &refs);
                ("socket_pair", "socket_pair(): ".to_owned(), results)
            }
            Calls::Group {
                target,
                join,
                group,
                interface,
            } => {
                let group = match group {
                    GroupArg::Text(i) => host.str(GROUP_TEXTS[usize::from(*i) % GROUP_TEXTS.len()]),
                    GroupArg::Address(i) => {
                        let text = GROUP_TEXTS[usize::from(*i) % GROUP_TEXTS.len()];
                        let af = if text.contains(':') {
                            "AF_INET6"
                        } else {
                            "AF_INET"
                        };
                        let made = host.call1(
                            "socket_address",
                            &[&host.int(host.constant(af)), &host.str(text)],
                        );
                        self.discard();
                        made
                    }
                    GroupArg::Val(v) => self.val(v, true),
                };
                let interface = match interface {
                    IfaceArg::LoopbackText => host.str("127.0.0.1"),
                    IfaceArg::LoopbackAddress => {
                        let af = host.int(host.constant("AF_INET"));
                        host.call_for_object(
                            "socket_address",
                            &[&af, &host.str("127.0.0.1")],
                            "socket_address",
                        )
                    }
                    IfaceArg::LoopbackIndex => host.int(loopback_index()),
                    IfaceArg::LoopbackV6Text => host.str("::1"),
                    IfaceArg::NoSuchText => host.str("192.0.2.1"),
                    IfaceArg::NoSuchIndex => host.int(0x7fff_fff0),
                    IfaceArg::Negative => host.int(-1),
                    IfaceArg::Huge => host.int((1 << 32) + loopback_index()),
                    IfaceArg::Garbage => host.array(&[]),
                };
                let name = if *join { "join_group" } else { "leave_group" };
                let this = self.slot(*target).clone();
                let results = self.method_on(this, *target, name, &[group, interface]);
                (name, format!("socket.{name}(): "), results)
            }
            Calls::Getsockopt { target, opt, size } => {
                let (level, name) = self.raw_option(*opt);
                let mut args = vec![level, name];
                if let Some(size) = size {
                    args.push(match size {
                        OptSize::Small(n) => host.int(i64::from(*n)),
                        OptSize::Max => host.int(1024),
                        OptSize::TooBig => host.int(1025),
                        OptSize::Negative => host.int(-1),
                        OptSize::Garbage => host.str("x"),
                    });
                }
                let this = self.slot(*target).clone();
                let results = self.method_on(this, *target, "getsockopt", &args);
                ("getsockopt", "socket.getsockopt(): ".to_owned(), results)
            }
            Calls::Setsockopt { target, opt, value } => {
                let (level, name) = self.raw_option(*opt);
                let value = match value {
                    OptValue::Int(i) => host.int(i64::from(*i)),
                    OptValue::Wide(k) => host.int(i64::from(*k) << 32 | 1),
                    OptValue::Bytes(bytes) => host.bytes(&bytes[..bytes.len().min(64)]),
                    OptValue::Bool(b) => host.bool(*b),
                    OptValue::Real(r) => host.real(*r),
                };
                let this = self.slot(*target).clone();
                let results =
                    self.method_on(this.clone(), *target, "setsockopt", &[level, name, value]);
                // Timeouts and linger may have been set raw: back to the short ones.
                self.tame(&[this]);
                ("setsockopt", "socket.setsockopt(): ".to_owned(), results)
            }
            Calls::GetProperty { target, which } => {
                let obj = self.slot(*target).clone();
                if obj.object_type().as_deref() != Some("socket") {
                    return;
                }
                let name = CALLS_PROPERTIES[usize::from(*which) % CALLS_PROPERTIES.len()];
                let got = host.get(&obj, name);
                self.check(name, &[format!("socket.{name}: ")]);
                if name == "fileno" {
                    let closed = !host.to_bool(&obj);
                    let fd = got.as_ref().and_then(|v| v.as_int());
                    assert_eq!(
                        closed,
                        fd == Some(-1),
                        "fileno {fd:?} of a socket closed: {closed}"
                    );
                }
                self.store(dst, got.into_iter().collect());
                return;
            }
            Calls::SetProperty {
                target,
                which,
                value,
            } => {
                let obj = self.slot(*target).clone();
                if obj.object_type().as_deref() != Some("socket") {
                    return;
                }
                let name = CALLS_PROPERTIES[usize::from(*which) % CALLS_PROPERTIES.len()];
                let value = self.val(value, false);
                host.set(&obj, name, &value);
                self.check(name, &[format!("socket.{name}: ")]);
                return;
            }
            Calls::Detach { target } => {
                let this = self.slot(*target).clone();
                let was_open =
                    this.object_type().as_deref() == Some("socket") && host.to_bool(&this);
                let results = self.method_on(this.clone(), *target, "detach", &[]);
                if let Some(fd) = results.first().and_then(|v| v.as_int()) {
                    assert!(was_open && fd >= 0, "detach gave {fd}");
                    assert!(!host.to_bool(&this), "a detached socket is closed");
                    let fd = i32::try_from(fd).expect("a descriptor");
                    // SAFETY: detach handed this open descriptor to the caller, us.
                    self.fds
                        .push(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) });
                }
                ("detach", "socket.detach(): ".to_owned(), results)
            }
            Calls::Fromfd { fd } => {
                let _file;
                let arg = match fd {
                    FdArg::Kept(i) => match self.kept_fd(*i) {
                        Some(fd) => host.int(fd),
                        None => return,
                    },
                    FdArg::FilenoOf(n) => {
                        let s = self.slot(*n);
                        if s.object_type().as_deref() != Some("socket") {
                            return;
                        }
                        let fd = host.get(s, "fileno").and_then(|v| v.as_int()).unwrap_or(-1);
                        self.discard();
                        host.int(fd)
                    }
                    FdArg::NotASocket => {
                        let file = std::fs::File::open("/dev/null").expect("/dev/null");
                        let raw = std::os::fd::AsRawFd::as_raw_fd(&file);
                        _file = file;
                        host.int(i64::from(raw))
                    }
                    FdArg::NotOpen => host.int(i64::from(i32::MAX - 1)),
                    FdArg::Negative => host.int(-1),
                    FdArg::Wrapped(i) => host.int((1 << 32) + self.kept_fd(*i).unwrap_or(0)),
                    FdArg::Garbage => host.str("x"),
                };
                let results = host.call("socket_fromfd", &[&arg]);
                if matches!(
                    fd,
                    FdArg::NotASocket
                        | FdArg::NotOpen
                        | FdArg::Negative
                        | FdArg::Wrapped(_)
                        | FdArg::Garbage
                ) {
                    assert!(
                        results.iter().all(|v| v.object_type().is_none()),
                        "socket_fromfd({fd:?}) made a socket"
                    );
                }
                ("socket_fromfd", "socket_fromfd(): ".to_owned(), results)
            }
            Calls::Getnameinfo { addr, flags } => {
                let addr = self.val(addr, false);
                // Always numeric hosts: no name is ever asked of a DNS server.
                let numeric = host.constant("NI_NUMERICHOST");
                let flags = match flags {
                    Some(bits) => host.int(i64::from(*bits) | numeric),
                    None => host.int(numeric),
                };
                let results = host.call("socket_getnameinfo", &[&addr, &flags]);
                (
                    "socket_getnameinfo",
                    "socket_getnameinfo(): ".to_owned(),
                    results,
                )
            }
        };
        self.check(name, &[prefix]);
        self.trace(name, &results);
        self.tame(&results);
        self.store(dst, results);
    }

    fn step(&mut self, op: &Op) {
        let host = self.host;
        match op {
            Op::Call { func, args, dst } => {
                let name = match func {
                    Func::Address => "socket_address",
                    Func::AddressFromBytes => "socket_address_frombytes",
                    Func::Gethostname => "socket_gethostname",
                    Func::Error => "socket_error",
                    Func::Geterrnobyname => "socket_geterrnobyname",
                    Func::Tcp => "socket_tcp",
                    Func::Udp => "socket_udp",
                };
                let args = self.vals(args, false);
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = host.call(name, &refs);
                self.check(name, &[format!("{name}(): ")]);
                self.tame(&results);
                self.store(*dst, results);
            }
            Op::Socket {
                family,
                kind,
                protocol,
                dst,
            } => {
                let mut args = Vec::new();
                if let Some(f) = self.family(*family) {
                    args.push(f);
                    if let Some(k) = self.num(*kind) {
                        args.push(k);
                        if let Some(p) = self.num(*protocol) {
                            args.push(p);
                        }
                    }
                }
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = host.call("socket", &refs);
                self.check("socket", &["socket(): ".to_owned()]);
                self.tame(&results);
                self.store(*dst, results);
            }
            Op::Lookup {
                host: lookup_host,
                service,
                kind,
                family,
                dst,
            } => {
                let mut args = Vec::new();
                match lookup_host {
                    LookupHost::Null => args.push(host.null()),
                    LookupHost::Numeric(n) => {
                        args.push(host.str(NUMERIC_HOSTS[usize::from(*n) % NUMERIC_HOSTS.len()]))
                    }
                    LookupHost::Missing => {}
                }
                if !args.is_empty() {
                    // Service names are looked up in the local services database only.
                    args.push(self.val(service, true));
                    if let Some(kind) = kind {
                        args.push(self.val(kind, true));
                        if let Some(family) = family {
                            args.push(self.val(family, true));
                        }
                    }
                }
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = host.call("socket_getaddrinfo", &refs);
                self.check("socket_getaddrinfo", &["socket_getaddrinfo(): ".to_owned()]);
                self.store(*dst, results);
            }
            Op::Select {
                read,
                write,
                error,
                timeout,
                extra,
                dst,
            } => {
                let mut args = vec![
                    self.val(read, true),
                    self.val(write, true),
                    self.val(error, true),
                ];
                args.push(match timeout {
                    Timeout::Millis(ms) => host.real(f64::from(ms % 4) / 1000.0),
                    Timeout::Zero => host.int(0),
                    Timeout::Negative => host.real(-1.0),
                    Timeout::Nan => host.real(f64::NAN),
                    Timeout::Garbage => host.str("x"),
                    Timeout::Object => self.closed_socket(),
                });
                if let Some(extra) = extra {
                    args.push(self.val(extra, true));
                }
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = host.call("socket_select", &refs);
                self.check("socket_select", &["socket_select(): ".to_owned()]);
                self.store(*dst, results);
            }
            Op::Method {
                target,
                method,
                args,
                dst,
            } => {
                let name = Self::method_name(*method);
                let this = self.slot(*target).clone();
                let mut args = self.vals(args, true);
                if matches!(method, Method::Connect) && args.len() > 1 {
                    args[1] = self.bounded_wait(&args[1]);
                }
                let results = if this.object_type().as_deref() == Some("socket") {
                    let refs: Vec<&Value<'h>> = args.iter().collect();
                    host.call_method(&this, name, &refs)
                } else {
                    // Not a socket: the method called with it as `this`, as
                    // `socket_method.call(value, ...)` would.
                    let this = self.safe(this, *target);
                    let func = host.get(&self.methods_of, name).expect("method");
                    let mut refs: Vec<&Value<'h>> = vec![&this];
                    refs.extend(args.iter());
                    host.call_detached(&func, &refs)
                };
                self.check(name, &[format!("socket.{name}(): ")]);
                self.trace(name, &results);
                self.tame(&results);
                self.store(*dst, results);
            }
            Op::Detached { method, args, dst } => {
                let name = Self::method_name(*method);
                let func = host.get(&self.methods_of, name).expect("method");
                let mut args = self.vals(args, true);
                // `this` comes first here: the timeout is the third value.
                if matches!(method, Method::Connect) && args.len() > 2 {
                    args[2] = self.bounded_wait(&args[2]);
                }
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = host.call_detached(&func, &refs);
                self.check(name, &[format!("socket.{name}(): ")]);
                self.tame(&results);
                self.store(*dst, results);
            }
            Op::Get {
                target,
                property,
                dst,
            } => {
                let obj = self.slot(*target).clone();
                let (ty, name) = match obj.object_type().as_deref() {
                    Some("socket") => ("socket", property_name(&SOCKET_PROPERTIES, *property)),
                    Some("socket_address") => (
                        "socket_address",
                        property_name(&ADDRESS_PROPERTIES, *property),
                    ),
                    _ => ("", "family"),
                };
                let got = host.get(&obj, name);
                self.check(name, &[format!("{ty}.{name}: ")]);
                if let Some(got) = got {
                    self.store(*dst, vec![got]);
                }
            }
            Op::Set {
                target,
                property,
                value,
            } => {
                let obj = self.slot(*target).clone();
                let (ty, name) = match obj.object_type().as_deref() {
                    Some("socket") => ("socket", property_name(&SOCKET_PROPERTIES, *property)),
                    Some("socket_address") => (
                        "socket_address",
                        property_name(&ADDRESS_PROPERTIES, *property),
                    ),
                    _ => ("", "port"),
                };
                // Address properties take any text: they never reach the network, and
                // pool addresses are replaced before they could.
                let value = self.val(value, false);
                host.set(&obj, name, &value);
                self.check(name, &[format!("{ty}.{name}: ")]);
                self.tame(&[obj]);
            }
            Op::Convert { target, conv } => {
                let obj = self.slot(*target).clone();
                match conv {
                    Conv::ToString => drop(host.to_string(&obj)),
                    Conv::ToBool => drop(host.to_bool(&obj)),
                    Conv::Dump => drop(host.dump(&obj)),
                    Conv::Clone => {
                        let cloned = host.clone_object(&obj);
                        if let Some(cloned) = cloned {
                            self.tame(std::slice::from_ref(&cloned));
                            self.store(*target, vec![cloned]);
                        }
                    }
                    Conv::Compare(other) => drop(host.compare(&obj, self.slot(*other))),
                    Conv::Index => {
                        let key = host.int(0);
                        drop(host.get_index(&obj, &key));
                    }
                }
                self.check("conversion", &["socket".to_owned()]);
            }
            Op::Io { target, io, dst } => {
                let this = self.slot(*target).clone();
                let flags = |f: &Option<u8>| {
                    f.map(|f| {
                        let f = usize::from(f);
                        let value = FLAGS.get(f).map_or(f as i64 * 7919, |names| {
                            names.iter().map(|n| host.constant(n)).fold(0, |a, b| a | b)
                        });
                        host.int(value)
                    })
                };
                let (name, args): (&str, Vec<Value<'h>>) = match io {
                    Io::Send(len, f) => (
                        "send",
                        vec![host.bytes(&vec![b'x'; usize::from(*len)])]
                            .into_iter()
                            .chain(flags(f))
                            .collect(),
                    ),
                    Io::Sendto(len, to, f) => (
                        "sendto",
                        vec![
                            host.bytes(&vec![b'x'; usize::from(*len)]),
                            self.net_address(*to),
                        ]
                        .into_iter()
                        .chain(flags(f))
                        .collect(),
                    ),
                    Io::Recv(size, f) => (
                        "recv",
                        vec![host.int(i64::from(*size))]
                            .into_iter()
                            .chain(flags(f))
                            .collect(),
                    ),
                    Io::Recvfrom(size, f) => (
                        "recvfrom",
                        vec![host.int(i64::from(*size))]
                            .into_iter()
                            .chain(flags(f))
                            .collect(),
                    ),
                    Io::Accept => ("accept", Vec::new()),
                    Io::Connect(to) => ("connect", vec![self.net_address(*to)]),
                    Io::Bind(to) => ("bind", vec![self.net_address(*to)]),
                    Io::Listen(n) => ("listen", vec![host.int(i64::from(*n))]),
                    Io::Shutdown(how) => ("shutdown", vec![host.int(i64::from(how % 4))]),
                    Io::Close => ("close", Vec::new()),
                    Io::Getpeername => ("getpeername", Vec::new()),
                    Io::Getsockname => ("getsockname", Vec::new()),
                };
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = self.call_method(&this, name, &refs);
                self.check(name, &[format!("socket.{name}(): ")]);
                self.trace(name, &results);
                self.tame(&results);
                self.store(*dst, results);
            }
            Op::NewPoller { dst } => {
                let results = host.call("socket_poller", &[]);
                self.check("socket_poller", &["socket_poller(): ".to_owned()]);
                self.store(*dst, results);
            }
            Op::Poller { target, call, dst } => {
                let this = self.slot(*target).clone();
                let this = if this.object_type().as_deref() == Some("socket_poller") {
                    this
                } else {
                    self.safe(this, *target)
                };
                let (name, args): (&str, Vec<Value<'h>>) = match call {
                    PollerCall::Add(socket, read, write) => {
                        let mut args = vec![self.slot(*socket).clone()];
                        args.extend(read.iter().chain(write.iter()).map(|v| self.val(v, true)));
                        ("add", args)
                    }
                    PollerCall::Modify(socket, read, write) => (
                        "modify",
                        vec![
                            self.slot(*socket).clone(),
                            self.val(read, true),
                            self.val(write, true),
                        ],
                    ),
                    PollerCall::Remove(socket) => ("remove", vec![self.slot(*socket).clone()]),
                    PollerCall::Wait(readable, writable, timeout) => {
                        let out = |slot: &Option<u8>| match slot {
                            Some(n) => self.slot(*n).clone(),
                            None => host.array(&[]),
                        };
                        let timeout = match timeout {
                            Timeout::Millis(ms) => host.real(f64::from(*ms % 20) / 1000.0),
                            Timeout::Zero => host.int(0),
                            Timeout::Negative => host.int(-1),
                            Timeout::Nan => host.real(f64::NAN),
                            Timeout::Garbage => host.str("soon"),
                            Timeout::Object => host.array(&[]),
                        };
                        ("wait", vec![out(readable), out(writable), timeout])
                    }
                    PollerCall::Close => ("close", vec![]),
                    PollerCall::Count => {
                        let value = host.get(&this, "count");
                        self.check("count", &["socket_poller.count: ".to_owned()]);
                        self.store(*dst, value.into_iter().collect());
                        return;
                    }
                };
                let refs: Vec<&Value<'h>> = args.iter().collect();
                let results = if this.object_type().as_deref() == Some("socket_poller") {
                    host.call_method(&this, name, &refs)
                } else {
                    match host.get(&self.poller_methods_of, name) {
                        Some(func) => {
                            let mut all: Vec<&Value<'h>> = vec![&this];
                            all.extend(refs.iter().copied());
                            host.call_detached(&func, &all)
                        }
                        None => Vec::new(),
                    }
                };
                self.check(name, &[format!("socket_poller.{name}(): ")]);
                self.tame(&results);
                self.store(*dst, results);
            }
            Op::Collect => {
                host.collect_garbage();
                self.check("collect", &[]);
            }
            Op::Calls { call, dst } => self.calls(call, *dst),
            Op::Pair { kind, dst } => {
                let made = self.pair(*kind, *dst);
                self.discard();
                assert_eq!(host.stack_len(), 0, "pair: stack not balanced");
                self.store(*dst, made);
            }
            Op::Drop(n) => {
                self.pool[usize::from(*n) % POOL] = host.null();
                self.check("destructor", &[]);
            }
        }
    }
}

/// Clears the Unix socket paths left by the previous input.
fn clear_unix_dir() {
    if let Ok(entries) = std::fs::read_dir(unix_dir()) {
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fuzz_target!(|ops: Vec<Op>| {
    clear_unix_dir();
    static WARM: OnceLock<()> = OnceLock::new();
    WARM.get_or_init(|| {
        // The C library may keep descriptors open after its first lookups; open them now
        // so the descriptor count below compares like with like.
        // SAFETY: `sgscript_main` is the module's SGScript entry point.
        let host = unsafe { Host::with_module(sgssockets::sgscript_main) };
        let args = [&host.str("127.0.0.1"), &host.str("http")];
        drop(host.call("socket_getaddrinfo", &args));
        drop(host.call("socket_gethostname", &[]));
        drop(host.call("socket_geterrnobyname", &[&host.str("EBADF")]));
        // The services database, read by reverse lookups.
        let af = host.int(host.constant("AF_INET"));
        let addr = host.call1(
            "socket_address",
            &[&af, &host.str("127.0.0.1"), &host.int(80)],
        );
        let numeric = host.int(host.constant("NI_NUMERICHOST"));
        drop(host.call("socket_getnameinfo", &[&addr, &numeric]));
        host.take_messages();
    });
    let fds = open_fds();
    // SAFETY: `sgscript_main` is the module's SGScript entry point.
    let host = unsafe { Host::with_module(sgssockets::sgscript_main) };
    let baseline = host.live_objects();
    {
        let methods_of = host.call1("socket_udp", &[]);
        host.method1(&methods_of, "close", &[]);
        assert!(host.take_messages().is_empty());
        let poller_methods_of = host.call1("socket_poller", &[]);
        let mut run = Run {
            host: &host,
            pool: (0..POOL).map(|_| host.null()).collect(),
            methods_of,
            poller_methods_of,
            fds: Vec::new(),
        };
        for op in ops.iter().take(MAX_OPS) {
            run.step(op);
        }
        run.pool.clear();
        drop(run);
        run_check_clean(&host);
    }
    assert_eq!(
        host.live_objects(),
        baseline,
        "objects left alive after the pool was dropped"
    );
    assert_eq!(host.stack_len(), 0);
    drop(host);
    assert_eq!(open_fds(), fds, "descriptors left open");
});

/// Nothing the destructors said is an internal error or a warning.
fn run_check_clean(host: &Host) {
    for m in host.take_messages() {
        assert!(m.level < WARNING, "while releasing the pool: {m:?}");
    }
}
