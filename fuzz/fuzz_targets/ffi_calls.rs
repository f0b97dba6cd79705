//! The C ABI under arbitrary call sequences: `sgss_*` functions called exactly as a C caller
//! would (raw pointers, NULL anywhere, buffers of 0, 1 or too few bytes, invalid numbers,
//! NaN/negative/huge seconds, sockets closed but not freed, select lists with NULL entries
//! and closed sockets, pollers with sockets registered, removed, closed and freed under
//! them) over small pools of sockets, addresses, lookup lists and pollers.
//!
//! It proves that no such sequence crashes, hangs, panics or leaks, and that every call
//! keeps the documented contract: a known `sgss_result` number, mirrored in `sgss_error`;
//! on failure a NUL-terminated UTF-8 message `"<call>: <cause>"` (the C function's own name
//! for the checks of the C layer: NULL arguments, buffers, lookups by name); out-parameters
//! written on success and untouched on failure; `BUFFER_TOO_SMALL` reporting a length
//! larger than the buffer; `CLOSED` (with `EBADF`) from every call on a closed socket and
//! from nothing else. The pollers are checked against a model of their registrations:
//! count, `EEXIST`/`ENOENT` exactly when the model says so, the key given back by remove,
//! and every waited event carrying the key of a socket registered at that moment (kept
//! events of removed or closed sockets never come back).
//!
//! The calls of SPEC §9 run under the same rules: `send_all` is bounded by the sockets' 10 ms
//! send timeout, `connect_timeout` and `connect_host` by the capped wait timeouts and only to
//! loopback (`connect_host` gets numeric loopback text only, so no name reaches a DNS
//! server), multicast memberships only on the loopback interface or one that does not
//! exist (never the OS's choice), raw options only from an allow-list of harmless (level,
//! name) pairs with timeouts and linger restored after each set, and reverse lookups always
//! numeric. Detached descriptors are kept and adopted as duplicates later.
//!
//! Every handle is freed exactly once (double frees and use after free are undefined by
//! contract, not bugs). All traffic stays on this machine: sockets bind, connect and send
//! only to 127.0.0.1 or ::1 with port 0 or a port of one of the target's own sockets, or to
//! Unix paths in a temporary folder of its own; name lookups are numeric. Every socket gets
//! 10 ms send and receive timeouts and linger 0 (no TIME_WAIT) when it is made, and both
//! are restored after the fuzzer sets them, so no call can block for long.
#![no_main]

use std::ffi::c_char;
use std::mem::{size_of, MaybeUninit};
use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
use std::path::PathBuf;
use std::ptr::{null, null_mut};
use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use sgssockets_core::constants::value as constant;
use sgssockets_core::constants::{
    AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, IPPROTO_TCP, IPPROTO_UDP, SOCK_DGRAM, SOCK_SEQPACKET,
    SOCK_STREAM,
};
use sgssockets_core::errno::{EBADF, EINVAL};
use sgssockets_ffi::address::*;
use sgssockets_ffi::calls::*;
use sgssockets_ffi::constants::*;
use sgssockets_ffi::descriptor::*;
use sgssockets_ffi::errno::*;
use sgssockets_ffi::lookup::*;
use sgssockets_ffi::multicast::*;
use sgssockets_ffi::options::*;
use sgssockets_ffi::poller::*;
use sgssockets_ffi::rawopt::*;
use sgssockets_ffi::select::*;
use sgssockets_ffi::socket::*;
use sgssockets_ffi::{sgss_error, sgss_result, SGSS_ERROR_MESSAGE_SIZE};

/// Handles per pool; a slot number from the fuzzer is taken modulo this.
const POOL: usize = 4;
/// Operations per input at most, so one input cannot run long.
const MAX_OPS: usize = 64;
/// The send/receive timeout every socket gets, in seconds.
const SHORT: f64 = 0.01;
/// `AI_NUMERICHOST` on Linux (glibc and musl): no name is ever sent to a DNS server.
const AI_NUMERICHOST: i32 = 4;
/// The byte that fills out-parameters before a call, to see whether the call wrote them.
const MARK: u8 = 0xA5;

/// A socket argument: NULL, or the handle in a pool slot (NULL when the slot is empty).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum S {
    Null,
    Slot(u8),
}

/// An address argument: NULL, an owned address from the pool, or one borrowed from a list.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum A {
    Null,
    Owned(u8),
    Borrowed { list: u8, index: u8 },
}

/// Text from C: NULL, one of a few useful strings, or arbitrary bytes (cut at a NUL).
#[derive(Arbitrary, Debug)]
enum Text {
    Null,
    Pick(u8),
    UnixPath(u8),
    Bytes(Vec<u8>),
}

const TEXTS: &[&[u8]] = &[
    b"127.0.0.1",
    b"::1",
    b"127.0.0.1:0",
    b"[::1]:0",
    b"[::1",
    b"0.0.0.0",
    b"::ffff:127.0.0.1",
    b"fe80::1%1",
    b"1.2.3.4:99999",
    b"",
    b"\xff\xfe",
    b"AF_INET",
    b"MSG_PEEK",
    b"SHUT_WR",
    b"ECONNREFUSED",
    b"EWOULDBLOCK",
    b"nonsense",
    b"0",
    b"80",
];

/// A `(buf, len, out_len)` text or byte buffer: NULL or `len` real bytes.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct OutBuf {
    null_buf: bool,
    null_len: bool,
    len: u8,
}

/// A `(buf, len)` data buffer for send and receive.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct DataBuf {
    null: bool,
    len: u16,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Family {
    Inet,
    Inet6,
    Unix,
    Unspec,
    Other(i32),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Kind {
    Stream,
    Dgram,
    Seqpacket,
    Other(i32),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Protocol {
    Default,
    Tcp,
    Udp,
    Other(i32),
}

/// Seconds: one of the edge cases or any `f64`.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Seconds {
    Pick(u8),
    Raw(f64),
}

const SECONDS: &[f64] = &[
    0.0,
    -0.0,
    -1.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    1e-9,
    0.004,
    1.5,
    2147483648.0,
    1.8446744073709552e19,
    1e300,
    f64::MAX,
    f64::MIN_POSITIVE,
];

/// The timeout to give a call that waits (`sgss_socket_select`, `sgss_poller_wait`) and
/// whether the library must refuse it. One rule (SGSS_WAIT_FOREVER's doc): negative and NaN
/// are invalid, so they are passed as they are (refused before any wait); every other value
/// is capped to 4 ms, so a run never waits long: "forever" (infinity, huge values) is only
/// tested where something is certainly ready, in the C tests.
fn wait_timeout(timeout: Seconds) -> (f64, bool) {
    let t = timeout.value();
    if t.is_nan() || t < 0.0 {
        (t, true)
    } else {
        (t.min(0.004), false)
    }
}

/// An index: small, or `SIZE_MAX`.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Index {
    Small(u8),
    Max,
}

/// `MSG_*` flags: one known flag or any number.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Flags {
    Pick(u8),
    Raw(i32),
}

#[derive(Arbitrary, Debug)]
enum NewAddress {
    ParseFull(Text),
    Parse {
        family: Family,
        text: Text,
        port: u16,
    },
    FromBytes {
        family: Family,
        bytes: Vec<u8>,
        null_ptr: bool,
    },
    FromU32 {
        value: u32,
        port: u16,
    },
    /// 127.0.0.1 or ::1 with the local port of a pool socket (0 if it has none).
    Loopback {
        ipv6: bool,
        port_of: S,
    },
    Unix(u8),
}

#[derive(Arbitrary, Debug)]
enum SetAddress {
    Port(u16),
    U32(u32),
    Bytes { bytes: Vec<u8>, null_ptr: bool },
    HostText(Text),
    Text(Text),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum ReadAddress {
    Family,
    Port,
    U32,
    Bytes(OutBuf),
    HostText(OutBuf),
    Text(OutBuf),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Query {
    IsClosed,
    Descriptor,
    Kind { null_type: bool },
    PendingError,
    Bool(u8),
    Ttl,
    RecvBuffer,
    SendBuffer,
    Seconds(u8),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum SetOption {
    Bool(u8, bool),
    Ttl(u32),
    RecvBuffer(usize),
    SendBuffer(usize),
    Seconds(u8, Seconds),
}

#[derive(Arbitrary, Debug)]
struct List {
    null_array: bool,
    entries: Vec<S>,
    count: Count,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Count {
    All,
    Fewer(u8),
    Null,
    Max,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Fd {
    Kept(u8),
    NotASocket,
    Negative(u32),
    TooLarge,
}

#[derive(Arbitrary, Debug)]
enum Service {
    Null,
    Port(u16),
    Text(Text),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct Hints {
    flags: i32,
    family: Family,
    socktype: Kind,
    protocol: Protocol,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum ListRead {
    Count,
    Get,
    Canonname(OutBuf),
}

/// Where `sgss_error_text` reads from.
#[derive(Arbitrary, Debug)]
enum ErrorSource {
    Null,
    Last,
    Garbage(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Table {
    ConstantByName(Text),
    ConstantCount,
    ConstantAt(Index, OutBuf),
    ErrnoByName(Text),
    ErrnoName(i32, OutBuf),
    ErrnoCount,
    ErrnoAt(Index, OutBuf),
    ErrnoText(i32, OutBuf),
    ResultText(u32, OutBuf),
    ErrorText(ErrorSource, OutBuf),
    Version(OutBuf),
    Hostname(OutBuf),
}

#[derive(Arbitrary, Debug)]
enum Op {
    /// From now on pass NULL (or a real struct) as `err`.
    NullErr(bool),
    Tcp {
        ipv6: bool,
        slot: u8,
        null_out: bool,
    },
    Udp {
        ipv6: bool,
        slot: u8,
        null_out: bool,
    },
    New {
        family: Family,
        kind: Kind,
        protocol: Protocol,
        slot: u8,
        null_out: bool,
    },
    Close(S),
    Free(u8),
    FreeNull,
    Bind(S, A),
    BindPort(S, u16),
    Listen(S, i32),
    Accept {
        s: S,
        slot: u8,
        null_out: bool,
        peer: Option<u8>,
    },
    Connect(S, A),
    Send {
        s: S,
        buf: DataBuf,
        flags: Flags,
        null_out: bool,
    },
    SendTo {
        s: S,
        buf: DataBuf,
        flags: Flags,
        to: A,
        null_out: bool,
    },
    Recv {
        s: S,
        buf: DataBuf,
        flags: Flags,
        null_out: bool,
    },
    RecvFrom {
        s: S,
        buf: DataBuf,
        flags: Flags,
        from: A,
        null_out: bool,
    },
    Shutdown(S, i32),
    PeerAddress {
        s: S,
        slot: Option<u8>,
    },
    LocalAddress {
        s: S,
        slot: Option<u8>,
    },
    Query {
        s: S,
        what: Query,
        null_out: bool,
    },
    Set(S, SetOption),
    Select {
        read: List,
        write: List,
        except: List,
        timeout: Seconds,
        null_ready: bool,
    },
    IntoDescriptor {
        s: S,
        null_out: bool,
    },
    FromDescriptor {
        fd: Fd,
        slot: u8,
        null_out: bool,
    },
    NewAddress {
        how: NewAddress,
        slot: u8,
        null_out: bool,
    },
    CloneAddress {
        a: A,
        slot: u8,
        null_out: bool,
    },
    FreeAddress(u8),
    SetAddress(A, SetAddress),
    ReadAddress {
        a: A,
        what: ReadAddress,
        null_out: bool,
    },
    Compare {
        a: A,
        b: A,
        null_out: bool,
    },
    Lookup {
        host: Text,
        service: Service,
        hints: Option<Hints>,
        slot: u8,
        null_out: bool,
    },
    ReadList {
        list: Option<u8>,
        index: Index,
        what: ListRead,
        null_out: bool,
    },
    FreeList(u8),
    Table(Table),
    Poller(PollerOp),
    /// The calls people reach for (SPEC §9).
    Calls(CallsOp),
}

/// A poller argument: NULL, or the poller in a pool slot (NULL when the slot is empty).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum P {
    Null,
    Slot(u8),
}

/// A registration key: small (so keys repeat), the reserved `UINT64_MAX`, or any.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Key {
    Small(u8),
    Max,
    Raw(u64),
}

/// A registration mode: one of the three, or any number.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Mode {
    Pick(u8),
    Raw(u32),
}

/// The event array of a wait: a real array of 0 to 8 entries, or `SIZE_MAX` entries claimed
/// (refused before any use).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Capacity {
    Small(u8),
    Max,
}

#[derive(Arbitrary, Debug)]
enum PollerOp {
    New {
        slot: u8,
        null_out: bool,
    },
    Free(u8),
    Add {
        p: P,
        s: S,
        key: Key,
        readable: bool,
        writable: bool,
        mode: Option<Mode>,
    },
    Modify {
        p: P,
        s: S,
        readable: bool,
        writable: bool,
    },
    Remove {
        p: P,
        s: S,
        null_key: bool,
    },
    Count {
        p: P,
        null_out: bool,
    },
    Wait {
        p: P,
        null_events: bool,
        capacity: Capacity,
        timeout: Seconds,
        null_out: bool,
    },
    Notify(P),
    Fd {
        p: P,
        null_out: bool,
    },
}

/// A host for `sgss_socket_connect_host`: numeric loopback text only (never a name, so no
/// lookup leaves the machine), or text refused before any lookup (NULL, bad UTF-8).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum HostName {
    Null,
    Pick(u8),
    BadUtf8,
}

const HOSTS: &[&[u8]] = &[b"127.0.0.1\0", b"::1\0", b"::ffff:127.0.0.1\0"];

/// A multicast group: an address from the pools (any: the interface keeps memberships on
/// this machine), or one of a few groups and non-groups.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Group {
    Addr(A),
    Pick(u8),
}

const GROUPS: &[&[u8]] = &[
    b"239.255.77.1:0\0",
    b"224.0.0.251:5353\0",
    b"[ff15::77]:0\0",
    b"[ff02::fb]:5353\0",
    b"127.0.0.1:0\0",
    b"[::1]:0\0",
];

/// The interface of a membership: the loopback interface (its IPv4 address or its index)
/// or one no machine has. Never 0, the OS's choice, which could be a real network: no
/// membership report ever leaves this machine.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Interface {
    LoopbackAddr,
    LoopbackIndex,
    /// 192.0.2.1 (TEST-NET-1, documentation only).
    NoSuchAddr,
    NoSuchIndex,
}

/// The loopback interface's index (`/sys/class/net/lo/ifindex`; 1 where that is missing).
fn loopback_index() -> u32 {
    static INDEX: OnceLock<u32> = OnceLock::new();
    *INDEX.get_or_init(|| {
        std::fs::read_to_string("/sys/class/net/lo/ifindex")
            .ok()
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(1)
    })
}

impl Interface {
    fn value(self) -> u32 {
        match self {
            Interface::LoopbackAddr => 0x7f00_0001,
            Interface::LoopbackIndex => loopback_index(),
            Interface::NoSuchAddr => 0xc000_0201,
            Interface::NoSuchIndex => 0x7fff_fff0,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Multicast {
    GetTtl,
    GetLoop,
    GetIf,
    SetTtl(u32),
    SetLoop(bool),
    SetIf(u32),
}

/// Options the raw calls may touch, as (level, name) pairs: harmless ones only (never a
/// membership, whose bytes could name a real interface), all restored after a set.
const RAW_OPTIONS: &[(&str, &str)] = &[
    ("SOL_SOCKET", "SO_RCVBUF"),
    ("SOL_SOCKET", "SO_SNDBUF"),
    ("SOL_SOCKET", "SO_TYPE"),
    ("SOL_SOCKET", "SO_ERROR"),
    ("SOL_SOCKET", "SO_KEEPALIVE"),
    ("SOL_SOCKET", "SO_REUSEADDR"),
    ("SOL_SOCKET", "SO_BROADCAST"),
    ("SOL_SOCKET", "SO_LINGER"),
    ("SOL_SOCKET", "SO_RCVTIMEO"),
    ("SOL_SOCKET", "SO_SNDTIMEO"),
    ("IPPROTO_TCP", "TCP_NODELAY"),
    ("IPPROTO_IP", "IP_TTL"),
    ("IPPROTO_IP", "IP_MULTICAST_TTL"),
    ("IPPROTO_IP", "IP_MULTICAST_LOOP"),
    ("IPPROTO_IPV6", "IPV6_V6ONLY"),
    ("IPPROTO_IPV6", "IPV6_UNICAST_HOPS"),
    ("IPPROTO_IPV6", "IPV6_MULTICAST_HOPS"),
];

/// A level and name for the raw option calls: a known pair, a name or level the OS does not
/// know, or a number beyond a C `int` (refused before any system call, never truncated).
#[derive(Arbitrary, Debug, Clone, Copy)]
enum RawOpt {
    Known(u8),
    UnknownName(u8),
    UnknownLevel(u8),
    WideLevel(u8, i32),
    WideName(u8, i32),
}

impl RawOpt {
    /// `(level, name, refused before the OS)`.
    fn value(self) -> (i64, i64, bool) {
        let pair = |i: u8| {
            let (level, name) = RAW_OPTIONS[usize::from(i) % RAW_OPTIONS.len()];
            let get = |n: &str| i64::from(constant(n).unwrap_or_else(|| panic!("no {n}")));
            (get(level), get(name))
        };
        let wide = |k: i32| i64::from(if k == 0 { 1 } else { k }) << 32;
        match self {
            RawOpt::Known(i) => {
                let (level, name) = pair(i);
                (level, name, false)
            }
            RawOpt::UnknownName(i) => (pair(i).0, 99_999, false),
            RawOpt::UnknownLevel(i) => (12_345, pair(i).1, false),
            RawOpt::WideLevel(i, k) => {
                let (level, name) = pair(i);
                (level + wide(k), name, true)
            }
            RawOpt::WideName(i, k) => {
                let (level, name) = pair(i);
                (level, name + wide(k), true)
            }
        }
    }
}

/// Where `sgss_socket_from_descriptor_dup` gets its number.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum DupSource {
    /// A descriptor the target holds (from `into_descriptor` or `detach`).
    Kept(u8),
    /// The descriptor a pool socket lends.
    Socket(S),
    NotASocket,
    Negative(u32),
    /// A kept descriptor plus 2^32: refused, never truncated to the descriptor.
    Wrapped(u8),
    TooLarge,
}

/// The calls of SPEC §9.
#[derive(Arbitrary, Debug)]
enum CallsOp {
    SendAll {
        s: S,
        buf: DataBuf,
        flags: Flags,
    },
    ConnectTimeout {
        s: S,
        to: A,
        timeout: Seconds,
    },
    ConnectHost {
        host: HostName,
        port_of: S,
        timeout: Seconds,
        family: Family,
        slot: u8,
        null_out: bool,
    },
    Pair {
        kind: Kind,
        slot: u8,
        null_a: bool,
        null_b: bool,
    },
    Group {
        s: S,
        group: Group,
        interface: Interface,
        join: bool,
    },
    Multicast {
        s: S,
        what: Multicast,
        null_out: bool,
    },
    GetsockoptInt {
        s: S,
        opt: RawOpt,
        null_out: bool,
    },
    SetsockoptInt {
        s: S,
        opt: RawOpt,
        value: i64,
    },
    GetsockoptBytes {
        s: S,
        opt: RawOpt,
        buf: OutBuf,
    },
    SetsockoptBytes {
        s: S,
        opt: RawOpt,
        bytes: Vec<u8>,
        null_ptr: bool,
    },
    Detach {
        s: S,
        null_out: bool,
    },
    FromDescriptorDup {
        src: DupSource,
        slot: u8,
        null_out: bool,
    },
    ReverseLookup {
        a: A,
        flags: i32,
        host: OutBuf,
        serv: OutBuf,
    },
}

/// Pollers per pool.
const POLLERS: usize = 2;

/// A pool poller and the model of its registrations: the key of each socket slot in it.
struct PollerSlot {
    ptr: *mut sgss_poller,
    keys: [Option<u64>; POOL],
}

/// Storage for an out-parameter, filled with `MARK` bytes so the check can tell whether the
/// call wrote it; `null` passes NULL instead.
struct Out<T> {
    slot: MaybeUninit<T>,
    null: bool,
}

impl<T: Copy> Out<T> {
    fn new(null: bool) -> Self {
        let mut slot = MaybeUninit::<T>::uninit();
        // SAFETY: `slot` is our own storage of `size_of::<T>()` bytes.
        unsafe {
            slot.as_mut_ptr()
                .cast::<u8>()
                .write_bytes(MARK, size_of::<T>())
        };
        Out { slot, null }
    }

    fn ptr(&mut self) -> *mut T {
        if self.null {
            null_mut()
        } else {
            self.slot.as_mut_ptr()
        }
    }

    fn untouched(&self) -> bool {
        // SAFETY: every byte of `slot` was initialised in `new` (and by the call after it).
        let bytes =
            unsafe { std::slice::from_raw_parts(self.slot.as_ptr().cast::<u8>(), size_of::<T>()) };
        bytes.iter().all(|&b| b == MARK)
    }

    /// The value when the call succeeded. Checks the contract: written on success (unless
    /// the value may happen to look like the marker), untouched on failure.
    fn check(&self, name: &str, r: sgss_result, may_look_unwritten: bool) -> Option<T> {
        if r != sgss_result::Ok {
            assert!(
                self.untouched(),
                "{name}: out-parameter written on failure {r:?}"
            );
            return None;
        }
        assert!(!self.null, "{name}: succeeded with a NULL out-parameter");
        assert!(
            may_look_unwritten || !self.untouched(),
            "{name}: out-parameter not written"
        );
        // SAFETY: initialised in `new` and, on success, written with a `T` by the call.
        Some(unsafe { self.slot.assume_init() })
    }
}

/// Calls one exported function with `err` NULL or a garbage-filled `sgss_error` and checks
/// what every call promises. Returns the result.
fn call(name: &str, null_err: bool, f: impl FnOnce(*mut sgss_error) -> sgss_result) -> sgss_result {
    let mut err = sgss_error {
        result: 0xAAAA_AAAA,
        code: 0x5555_5555,
        message: [0x55; SGSS_ERROR_MESSAGE_SIZE],
    };
    let r = f(if null_err { null_mut() } else { &mut err });
    if *TRACE.get_or_init(|| std::env::var_os("SGSS_FUZZ_TRACE").is_some()) {
        eprintln!("{name} -> {r:?}");
    }
    assert_ne!(r, sgss_result::Panic, "{name}: panicked");
    if null_err {
        return r;
    }
    assert_eq!(err.result, r as u32, "{name}: err.result");
    assert!(sgss_result::from_u32(err.result).is_some());
    let bytes: Vec<u8> = err.message.iter().map(|&c| c as u8).collect();
    let end = bytes.iter().position(|&b| b == 0);
    let end = end.unwrap_or_else(|| panic!("{name}: message not NUL-terminated"));
    let message = std::str::from_utf8(&bytes[..end]).expect("message is UTF-8");
    LAST_ERROR.with(|last| last.set(Some(err)));
    if r == sgss_result::Ok {
        assert_eq!(
            (err.code, message),
            (0, ""),
            "{name}: success leaves a clear error"
        );
        return r;
    }
    let (who, cause) = message.split_once(": ").unwrap_or(("", message));
    assert!(
        !who.is_empty() && !cause.is_empty(),
        "{name}: {r:?} with message {message:?} does not name the call"
    );
    match r {
        sgss_result::NullArgument => assert_eq!((who, err.code), (name, EINVAL), "{message}"),
        sgss_result::BufferTooSmall | sgss_result::NotFound | sgss_result::PeerClosed => {
            assert_eq!(who, name, "{message}")
        }
        sgss_result::Closed => assert_eq!(err.code, EBADF, "{name}: {message}"),
        _ => {}
    }
    r
}

/// Whether to print every call and its result (`SGSS_FUZZ_TRACE=1`, for reading seeds).
static TRACE: OnceLock<bool> = OnceLock::new();

thread_local! {
    /// The last `sgss_error` a call filled in, for `sgss_error_text`.
    static LAST_ERROR: std::cell::Cell<Option<sgss_error>> = const { std::cell::Cell::new(None) };
}

/// Calls `$f` through [`call`], appending the `err` argument.
macro_rules! ffi {
    ($null_err:expr, $f:ident($($arg:expr),* $(,)?)) => {
        call(stringify!($f), $null_err, |err| {
            // SAFETY: every pointer argument is NULL, a live handle from the pools (never a
            // freed one), a NUL-terminated string, a buffer holding the stated length or a
            // local out-parameter, as the C contract asks; `err` is NULL or a local.
            unsafe { $f($($arg,)* err) }
        })
    };
}

/// Calls a text getter `$f(args..., buf, len, out_len, [tail,] err)` through [`text_out`].
macro_rules! text {
    ($null_err:expr, $b:expr, $f:ident($($arg:expr),*) $(, $tail:expr)?) => {
        text_out(stringify!($f), $null_err, $b, |buf, len, out_len, err| {
            // SAFETY: as in `ffi!`; `(buf, len, out_len)` come from `text_out`: NULL or
            // storage of the stated length.
            unsafe { $f($($arg,)* buf, len, out_len, $($tail,)? err) }
        })
    };
}

/// Calls a text getter `(buf, len, out_len)` and checks the buffer rules; gives the text.
fn text_out(
    name: &str,
    null_err: bool,
    b: OutBuf,
    f: impl FnOnce(*mut c_char, usize, *mut usize, *mut sgss_error) -> sgss_result,
) -> (sgss_result, Option<String>) {
    let mut buf = vec![0x55 as c_char; if b.null_buf { 0 } else { usize::from(b.len) }];
    let (ptr, len) = match (b.null_buf, b.len) {
        (true, 255) => (null_mut(), usize::MAX),
        (true, len) => (null_mut(), usize::from(len)),
        (false, _) => (buf.as_mut_ptr(), buf.len()),
    };
    let mut out_len = Out::<usize>::new(b.null_len);
    let r = call(name, null_err, |err| f(ptr, len, out_len.ptr(), err));
    if b.null_len || (ptr.is_null() && len > 0) {
        refused(name, r);
    }
    if r == sgss_result::BufferTooSmall {
        assert!(
            !out_len.untouched(),
            "{name}: no length for BUFFER_TOO_SMALL"
        );
        // SAFETY: written (checked just above).
        let needed = unsafe { out_len.slot.assume_init() } + 1;
        assert!(
            needed > len,
            "{name}: BUFFER_TOO_SMALL needs {needed}, has {len}"
        );
        assert!(
            buf.first().is_none_or(|&c| c == 0),
            "{name}: buffer not emptied"
        );
        return (r, None);
    }
    let Some(n) = out_len.check(name, r, false) else {
        return (r, None);
    };
    assert!(n < len && buf[n] == 0, "{name}: text of {n} bytes in {len}");
    let bytes: Vec<u8> = buf[..n].iter().map(|&c| c as u8).collect();
    assert!(!bytes.contains(&0), "{name}: NUL inside the text");
    (r, Some(String::from_utf8(bytes).expect("text is UTF-8")))
}

/// Bytes ending in one NUL, for a `const char *` argument (NULL for `Text::Null`).
fn c_text(text: &Text) -> Option<Vec<u8>> {
    let mut bytes = match text {
        Text::Null => return None,
        Text::Pick(i) => TEXTS[usize::from(*i) % TEXTS.len()].to_vec(),
        Text::UnixPath(i) => unix_path(*i).into_os_string().into_encoded_bytes(),
        Text::Bytes(bytes) => bytes.clone(),
    };
    bytes.truncate(bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len()));
    bytes.push(0);
    Some(bytes)
}

fn text_ptr(bytes: &Option<Vec<u8>>) -> *const c_char {
    bytes.as_ref().map_or(null(), |b| b.as_ptr().cast())
}

/// This process's folder for Unix socket paths.
fn unix_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sgss-ffi-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        dir
    })
}

fn unix_path(i: u8) -> PathBuf {
    unix_dir().join(format!("s{}", usize::from(i) % POOL))
}

impl Family {
    fn value(self) -> i32 {
        match self {
            Family::Inet => AF_INET,
            Family::Inet6 => AF_INET6,
            Family::Unix => AF_UNIX,
            Family::Unspec => AF_UNSPEC,
            // Only numbers that are no family: no netlink or packet sockets.
            Family::Other(n) if (0..64).contains(&n) => n + 1000,
            Family::Other(n) => n,
        }
    }
}

impl Kind {
    fn value(self) -> i32 {
        match self {
            Kind::Stream => SOCK_STREAM,
            Kind::Dgram => SOCK_DGRAM,
            Kind::Seqpacket => SOCK_SEQPACKET,
            // Never SOCK_RAW (3) or SOCK_PACKET (10): no hand-made packets.
            Kind::Other(n) if matches!(n & 0xf, 3 | 10) => n ^ 1,
            Kind::Other(n) => n,
        }
    }
}

impl Protocol {
    fn value(self) -> i32 {
        match self {
            Protocol::Default => 0,
            Protocol::Tcp => IPPROTO_TCP,
            Protocol::Udp => IPPROTO_UDP,
            // Only numbers that are no protocol (no ICMP, SCTP, ...).
            Protocol::Other(n) if (0..=300).contains(&n) => n + 1000,
            Protocol::Other(n) => n,
        }
    }
}

impl Seconds {
    fn value(self) -> f64 {
        match self {
            Seconds::Pick(i) => SECONDS[usize::from(i) % SECONDS.len()],
            Seconds::Raw(x) => x,
        }
    }
}

impl Index {
    fn value(self) -> usize {
        match self {
            Index::Small(i) => usize::from(i),
            Index::Max => usize::MAX,
        }
    }
}

impl Flags {
    fn value(self) -> i32 {
        const MSG: &[i32] = &[0, 0x1, 0x2, 0x20, 0x40, 0x100, 0x2000, 0x4000, 0x8000];
        match self {
            Flags::Pick(i) => MSG[usize::from(i) % MSG.len()],
            Flags::Raw(n) => n,
        }
    }
}

type GetBool = unsafe extern "C" fn(*const sgss_socket, *mut bool, *mut sgss_error) -> sgss_result;
type SetBool = unsafe extern "C" fn(*const sgss_socket, bool, *mut sgss_error) -> sgss_result;
type GetSecs = unsafe extern "C" fn(*const sgss_socket, *mut f64, *mut sgss_error) -> sgss_result;
type SetSecs = unsafe extern "C" fn(*const sgss_socket, f64, *mut sgss_error) -> sgss_result;

const BOOL_OPTIONS: &[(&str, GetBool, SetBool)] = &[
    (
        "blocking",
        sgss_socket_get_blocking,
        sgss_socket_set_blocking,
    ),
    (
        "broadcast",
        sgss_socket_get_broadcast,
        sgss_socket_set_broadcast,
    ),
    (
        "reuse_addr",
        sgss_socket_get_reuse_addr,
        sgss_socket_set_reuse_addr,
    ),
    (
        "reuse_port",
        sgss_socket_get_reuse_port,
        sgss_socket_set_reuse_port,
    ),
    ("nodelay", sgss_socket_get_nodelay, sgss_socket_set_nodelay),
    (
        "keepalive",
        sgss_socket_get_keepalive,
        sgss_socket_set_keepalive,
    ),
    (
        "ipv6_only",
        sgss_socket_get_ipv6_only,
        sgss_socket_set_ipv6_only,
    ),
];

/// The seconds options with the value restored after the fuzzer sets one.
const SECONDS_OPTIONS: &[(&str, GetSecs, SetSecs, f64)] = &[
    (
        "recv_timeout",
        sgss_socket_get_recv_timeout,
        sgss_socket_set_recv_timeout,
        SHORT,
    ),
    (
        "send_timeout",
        sgss_socket_get_send_timeout,
        sgss_socket_set_send_timeout,
        SHORT,
    ),
    (
        "linger",
        sgss_socket_get_linger,
        sgss_socket_set_linger,
        0.0,
    ),
];

/// A pool socket and whether the target closed it.
struct Sock {
    ptr: *mut sgss_socket,
    closed: bool,
}

/// Where a socket or address is: family, host text (a path for Unix) and port.
#[derive(PartialEq)]
struct Place {
    family: i32,
    host: String,
    port: u16,
}

/// The pools and the calls on them.
struct State {
    null_err: bool,
    sockets: [Option<Sock>; POOL],
    addrs: [*mut sgss_address; POOL],
    lists: [*mut sgss_addrinfo_list; 2],
    fds: Vec<OwnedFd>,
    pollers: [Option<PollerSlot>; POLLERS],
}

impl State {
    fn new() -> Self {
        State {
            null_err: false,
            sockets: Default::default(),
            addrs: [null_mut(); POOL],
            lists: [null_mut(); 2],
            fds: Vec::new(),
            pollers: Default::default(),
        }
    }

    /// The handle for `s` and whether it is closed (`None`: NULL is passed).
    fn sock(&self, s: S) -> (*mut sgss_socket, Option<bool>) {
        match s {
            S::Slot(i) => match &self.sockets[usize::from(i) % POOL] {
                Some(sock) => (sock.ptr, Some(sock.closed)),
                None => (null_mut(), None),
            },
            S::Null => (null_mut(), None),
        }
    }

    /// A readable address: NULL, an owned one, or one borrowed from a live list.
    fn addr(&self, a: A) -> *const sgss_address {
        match a {
            A::Null => null(),
            A::Owned(i) => self.addrs[usize::from(i) % POOL],
            A::Borrowed { list, index } => {
                let list = self.lists[usize::from(list) % self.lists.len()];
                let mut count = 0usize;
                let mut info = MaybeUninit::<sgss_addrinfo>::uninit();
                // SAFETY: `list` is NULL or live; the outs are locals.
                unsafe {
                    if list.is_null()
                        || sgss_addrinfo_list_count(list, &mut count, null_mut()) != sgss_result::Ok
                    {
                        return null();
                    }
                    let index = usize::from(index) % count.max(1);
                    if sgss_addrinfo_list_get(list, index, info.as_mut_ptr(), null_mut())
                        != sgss_result::Ok
                    {
                        return null();
                    }
                    info.assume_init().addr
                }
            }
        }
    }

    /// A writable address: NULL or an owned one (borrowed ones are read-only by contract).
    fn addr_mut(&self, a: A) -> *mut sgss_address {
        match a {
            A::Owned(i) => self.addrs[usize::from(i) % POOL],
            _ => null_mut(),
        }
    }

    /// Stores a new address in slot `i`, freeing the one there.
    fn put_addr(&mut self, i: u8, addr: *mut sgss_address) {
        let slot = &mut self.addrs[usize::from(i) % POOL];
        // SAFETY: the slot holds NULL or a live address that nothing else refers to.
        unsafe { sgss_address_free(*slot) };
        *slot = addr;
    }

    /// Stores a new socket in slot `i` (freeing the one there) with short timeouts and
    /// linger 0, so nothing it does can block for long or leave TIME_WAIT behind.
    fn put_socket(&mut self, i: u8, ptr: *mut sgss_socket) {
        self.free_socket(i);
        for (name, _, set, value) in SECONDS_OPTIONS {
            // SAFETY: `ptr` is a new live socket.
            let r = unsafe { set(ptr, *value, null_mut()) };
            assert_eq!(r, sgss_result::Ok, "set {name} on a new socket");
        }
        self.sockets[usize::from(i) % POOL] = Some(Sock { ptr, closed: false });
    }

    /// The socket in slot `i` is closed, freed or handed away: it leaves every poller.
    fn unregister(&mut self, i: u8) {
        for poller in self.pollers.iter_mut().flatten() {
            poller.keys[usize::from(i) % POOL] = None;
        }
    }

    fn free_socket(&mut self, i: u8) {
        self.unregister(i);
        if let Some(sock) = self.sockets[usize::from(i) % POOL].take() {
            // SAFETY: a live socket, never used again after this.
            unsafe {
                sgss_socket_set_linger(sock.ptr, 0.0, null_mut());
                sgss_socket_free(sock.ptr);
            }
        }
    }

    /// Family, type and local place of an open socket.
    fn local(&self, ptr: *const sgss_socket) -> Option<(i32, i32, Place)> {
        let (mut family, mut kind) = (0, 0);
        let mut addr = null_mut();
        // SAFETY: `ptr` is a live socket; the outs are locals.
        unsafe {
            if sgss_socket_kind(ptr, &mut family, &mut kind, null_mut()) != sgss_result::Ok
                || sgss_socket_local_address(ptr, &mut addr, null_mut()) != sgss_result::Ok
            {
                return None;
            }
        }
        let place = describe(addr);
        // SAFETY: `addr` was just made for us.
        unsafe { sgss_address_free(addr) };
        Some((family, kind, place?))
    }

    /// Whether `s` may bind, connect or send to `addr` (`None` for "bind"): only loopback
    /// with port 0 or the port of one of our own sockets of the same type, or our Unix
    /// paths. A NULL or closed socket or a NULL address may always be tried: it fails.
    fn may_reach(&self, s: S, addr: *const sgss_address) -> bool {
        let (ptr, closed) = self.sock(s);
        if closed != Some(false) || addr.is_null() {
            return true;
        }
        let Some(target) = describe(addr) else {
            return false;
        };
        let Some((_, kind, _)) = self.local(ptr) else {
            return false;
        };
        match target.family {
            AF_UNIX => (0..POOL as u8).any(|i| unix_path(i).to_str() == Some(&target.host)),
            AF_INET | AF_INET6 if target.host == "127.0.0.1" || target.host == "::1" => {
                target.port == 0
                    || self
                        .sockets
                        .iter()
                        .flatten()
                        .filter(|o| !o.closed)
                        .any(|o| {
                            self.local(o.ptr)
                                .is_some_and(|(_, k, place)| k == kind && place == target)
                        })
            }
            _ => false,
        }
    }

    /// Whether an open IP socket has a local port (listen and sendto would otherwise bind
    /// it to the wildcard address).
    fn is_bound(&self, s: S) -> bool {
        let (ptr, closed) = self.sock(s);
        closed != Some(false)
            || self
                .local(ptr)
                .is_some_and(|(family, _, place)| family == AF_UNIX || place.port != 0)
    }

    fn run(&mut self, op: Op) {
        let ne = self.null_err;
        match op {
            Op::NullErr(null_err) => self.null_err = null_err,
            Op::Tcp {
                ipv6,
                slot,
                null_out,
            } => {
                let mut out = Out::new(null_out);
                let r = ffi!(ne, sgss_socket_tcp(ipv6, out.ptr()));
                self.new_socket("sgss_socket_tcp", r, &out, slot);
            }
            Op::Udp {
                ipv6,
                slot,
                null_out,
            } => {
                let mut out = Out::new(null_out);
                let r = ffi!(ne, sgss_socket_udp(ipv6, out.ptr()));
                self.new_socket("sgss_socket_udp", r, &out, slot);
            }
            Op::New {
                family,
                kind,
                protocol,
                slot,
                null_out,
            } => {
                let mut out = Out::new(null_out);
                let (f, k, p) = (family.value(), kind.value(), protocol.value());
                let r = ffi!(ne, sgss_socket_new(f, k, p, out.ptr()));
                self.new_socket("sgss_socket_new", r, &out, slot);
            }
            Op::Close(s) => {
                let (ptr, closed) = self.sock(s);
                if closed == Some(false) {
                    // SAFETY: a live socket: abort on close, no TIME_WAIT.
                    unsafe { sgss_socket_set_linger(ptr, 0.0, null_mut()) };
                }
                let r = ffi!(ne, sgss_socket_close(ptr));
                expect_socket("sgss_socket_close", r, closed);
                if let (S::Slot(i), Some(_)) = (s, closed) {
                    assert!(matches!(
                        r,
                        sgss_result::Ok | sgss_result::OsError | sgss_result::Closed
                    ));
                    self.sockets[usize::from(i) % POOL].as_mut().unwrap().closed = true;
                    self.unregister(i);
                }
            }
            Op::Free(i) => self.free_socket(i),
            Op::FreeNull => {
                // SAFETY: NULL is documented to be ignored.
                unsafe {
                    sgss_socket_free(null_mut());
                    sgss_address_free(null_mut());
                    sgss_addrinfo_list_free(null_mut());
                }
            }
            Op::Bind(s, a) => {
                let (ptr, closed) = self.sock(s);
                let addr = self.addr(a);
                if self.may_reach(s, addr) {
                    let r = ffi!(ne, sgss_socket_bind(ptr, addr));
                    expect_socket("sgss_socket_bind", r, closed);
                }
            }
            Op::BindPort(s, port) => {
                // Binds the wildcard address: only where it must fail (NULL, closed, Unix).
                let (ptr, closed) = self.sock(s);
                let unix =
                    closed == Some(false) && self.local(ptr).is_some_and(|(f, _, _)| f == AF_UNIX);
                if closed != Some(false) || unix {
                    let r = ffi!(ne, sgss_socket_bind_port(ptr, port));
                    expect_socket("sgss_socket_bind_port", r, closed);
                    assert!(
                        !unix || r == sgss_result::InvalidArgument,
                        "bind_port on Unix: {r:?}"
                    );
                }
            }
            Op::Listen(s, backlog) => {
                let (ptr, closed) = self.sock(s);
                if self.is_bound(s) {
                    let r = ffi!(ne, sgss_socket_listen(ptr, backlog));
                    expect_socket("sgss_socket_listen", r, closed);
                }
            }
            Op::Accept {
                s,
                slot,
                null_out,
                peer,
            } => {
                let (ptr, closed) = self.sock(s);
                let mut out = Out::new(null_out);
                let mut out_peer = Out::<*mut sgss_address>::new(false);
                let peer_ptr = if peer.is_some() {
                    out_peer.ptr()
                } else {
                    null_mut()
                };
                let r = ffi!(ne, sgss_socket_accept(ptr, out.ptr(), peer_ptr));
                expect_socket("sgss_socket_accept", r, closed);
                if let Some(i) = peer {
                    if let Some(addr) = out_peer.check("sgss_socket_accept", r, false) {
                        assert!(!addr.is_null());
                        self.put_addr(i, addr);
                    }
                }
                self.new_socket("sgss_socket_accept", r, &out, slot);
            }
            Op::Connect(s, a) => {
                let (ptr, closed) = self.sock(s);
                let addr = self.addr(a);
                if self.may_reach(s, addr) {
                    let r = ffi!(ne, sgss_socket_connect(ptr, addr));
                    expect_socket("sgss_socket_connect", r, closed);
                }
            }
            Op::Send {
                s,
                buf,
                flags,
                null_out,
            } => {
                let (ptr, closed) = self.sock(s);
                let (data, len) = data_buf(buf);
                let data_ptr = if buf.null {
                    null()
                } else {
                    data.as_ptr().cast()
                };
                let mut out = Out::<usize>::new(null_out);
                let r = ffi!(
                    ne,
                    sgss_socket_send(ptr, data_ptr, len, flags.value(), out.ptr())
                );
                expect_socket("sgss_socket_send", r, closed);
                if let Some(sent) = out.check("sgss_socket_send", r, false) {
                    assert!(sent <= len, "sent {sent} of {len}");
                }
            }
            Op::SendTo {
                s,
                buf,
                flags,
                to,
                null_out,
            } => {
                let (ptr, closed) = self.sock(s);
                let addr = self.addr(to);
                if !self.may_reach(s, addr) || !self.is_bound(s) {
                    return;
                }
                let (data, len) = data_buf(buf);
                let data_ptr = if buf.null {
                    null()
                } else {
                    data.as_ptr().cast()
                };
                let mut out = Out::<usize>::new(null_out);
                let f = flags.value();
                let r = ffi!(
                    ne,
                    sgss_socket_send_to(ptr, data_ptr, len, f, addr, out.ptr())
                );
                expect_socket("sgss_socket_send_to", r, closed);
                if let Some(sent) = out.check("sgss_socket_send_to", r, false) {
                    assert!(sent <= len, "sent {sent} of {len}");
                }
            }
            Op::Recv {
                s,
                buf,
                flags,
                null_out,
            } => {
                let (ptr, closed) = self.sock(s);
                let (mut data, len) = data_buf(buf);
                let data_ptr = if buf.null {
                    null_mut()
                } else {
                    data.as_mut_ptr().cast()
                };
                let mut out = Out::<usize>::new(null_out);
                let r = ffi!(
                    ne,
                    sgss_socket_recv(ptr, data_ptr, len, flags.value(), out.ptr())
                );
                expect_socket("sgss_socket_recv", r, closed);
                check_received("sgss_socket_recv", r, &out, len);
            }
            Op::RecvFrom {
                s,
                buf,
                flags,
                from,
                null_out,
            } => {
                let (ptr, closed) = self.sock(s);
                let (mut data, len) = data_buf(buf);
                let data_ptr = if buf.null {
                    null_mut()
                } else {
                    data.as_mut_ptr().cast()
                };
                let from = self.addr_mut(from);
                let mut out = Out::<usize>::new(null_out);
                let f = flags.value();
                let r = ffi!(
                    ne,
                    sgss_socket_recv_from(ptr, data_ptr, len, f, from, out.ptr())
                );
                expect_socket("sgss_socket_recv_from", r, closed);
                check_received("sgss_socket_recv_from", r, &out, len);
            }
            Op::Shutdown(s, how) => {
                let (ptr, closed) = self.sock(s);
                let r = ffi!(ne, sgss_socket_shutdown(ptr, how));
                expect_socket("sgss_socket_shutdown", r, closed);
            }
            Op::PeerAddress { s, slot } => {
                let (ptr, closed) = self.sock(s);
                let mut out = Out::new(slot.is_none());
                let r = ffi!(ne, sgss_socket_peer_address(ptr, out.ptr()));
                expect_socket("sgss_socket_peer_address", r, closed);
                if let Some(addr) = out.check("sgss_socket_peer_address", r, false) {
                    self.put_addr(slot.unwrap(), addr);
                }
            }
            Op::LocalAddress { s, slot } => {
                let (ptr, closed) = self.sock(s);
                let mut out = Out::new(slot.is_none());
                let r = ffi!(ne, sgss_socket_local_address(ptr, out.ptr()));
                expect_socket("sgss_socket_local_address", r, closed);
                if let Some(addr) = out.check("sgss_socket_local_address", r, false) {
                    self.put_addr(slot.unwrap(), addr);
                }
            }
            Op::Query { s, what, null_out } => self.query(s, what, null_out),
            Op::Set(s, what) => self.set(s, what),
            Op::Select {
                read,
                write,
                except,
                timeout,
                null_ready,
            } => self.select([read, write, except], timeout, null_ready),
            Op::IntoDescriptor { s, null_out } => {
                let (ptr, closed) = self.sock(s);
                let mut out = Out::<i64>::new(null_out);
                let r = ffi!(ne, sgss_socket_into_descriptor(ptr, out.ptr()));
                expect_socket("sgss_socket_into_descriptor", r, closed);
                if let Some(fd) = out.check("sgss_socket_into_descriptor", r, false) {
                    let S::Slot(i) = s else { unreachable!() };
                    // The handle is gone; the descriptor is ours now.
                    self.sockets[usize::from(i) % POOL] = None;
                    self.unregister(i);
                    let fd = i32::try_from(fd).expect("a descriptor");
                    // SAFETY: the call handed us this open descriptor; nobody else owns it.
                    self.fds.push(unsafe { OwnedFd::from_raw_fd(fd) });
                }
            }
            Op::FromDescriptor { fd, slot, null_out } => self.adopt_descriptor(fd, slot, null_out),
            Op::NewAddress {
                how,
                slot,
                null_out,
            } => self.new_address(how, slot, null_out),
            Op::CloneAddress { a, slot, null_out } => {
                let addr = self.addr(a);
                let mut out = Out::new(null_out);
                let r = ffi!(ne, sgss_address_clone(addr, out.ptr()));
                if let Some(copy) = out.check("sgss_address_clone", r, false) {
                    let mut order = 7;
                    // SAFETY: both live; `order` is a local.
                    unsafe { sgss_address_compare(addr, copy, &mut order, null_mut()) };
                    assert_eq!(order, 0, "a clone compares equal");
                    self.put_addr(slot, copy);
                }
                assert_eq!(addr.is_null() || null_out, r == sgss_result::NullArgument);
            }
            Op::FreeAddress(i) => self.put_addr(i, null_mut()),
            Op::SetAddress(a, how) => self.set_address(a, how),
            Op::ReadAddress { a, what, null_out } => self.read_address(a, what, null_out),
            Op::Compare { a, b, null_out } => {
                let (pa, pb) = (self.addr(a), self.addr(b));
                let mut out = Out::<i32>::new(null_out);
                let r = ffi!(ne, sgss_address_compare(pa, pb, out.ptr()));
                if let Some(order) = out.check("sgss_address_compare", r, false) {
                    assert!((-1..=1).contains(&order));
                    assert!(pa != pb || order == 0);
                }
            }
            Op::Lookup {
                host,
                service,
                hints,
                slot,
                null_out,
            } => self.lookup(host, service, hints, slot, null_out),
            Op::ReadList {
                list,
                index,
                what,
                null_out,
            } => self.read_list(list, index, what, null_out),
            Op::FreeList(i) => {
                let slot = &mut self.lists[usize::from(i) % 2];
                // SAFETY: NULL or a live list; addresses borrowed from it are looked up
                // afresh for each call, so none outlives it.
                unsafe { sgss_addrinfo_list_free(*slot) };
                *slot = null_mut();
            }
            Op::Table(table) => table_call(ne, table),
            Op::Poller(op) => self.poller(op),
            Op::Calls(op) => self.calls(op),
        }
    }

    /// The handle for `p` (NULL for `P::Null` or an empty slot) and its slot number.
    fn poller_of(&self, p: P) -> (*mut sgss_poller, Option<usize>) {
        match p {
            P::Slot(i) => {
                let i = usize::from(i) % POLLERS;
                match &self.pollers[i] {
                    Some(poller) => (poller.ptr, Some(i)),
                    None => (null_mut(), None),
                }
            }
            P::Null => (null_mut(), None),
        }
    }

    fn free_poller(&mut self, i: u8) {
        if let Some(poller) = self.pollers[usize::from(i) % POLLERS].take() {
            // SAFETY: a live poller, never used again after this.
            unsafe { sgss_poller_free(poller.ptr) };
        }
    }

    fn poller(&mut self, op: PollerOp) {
        let ne = self.null_err;
        match op {
            PollerOp::New { slot, null_out } => {
                let mut out = Out::<*mut sgss_poller>::new(null_out);
                let r = ffi!(ne, sgss_poller_new(out.ptr()));
                if null_out {
                    refused("sgss_poller_new", r);
                }
                if let Some(ptr) = out.check("sgss_poller_new", r, false) {
                    assert!(!ptr.is_null());
                    self.free_poller(slot);
                    self.pollers[usize::from(slot) % POLLERS] = Some(PollerSlot {
                        ptr,
                        keys: [None; POOL],
                    });
                }
            }
            PollerOp::Free(i) => self.free_poller(i),
            PollerOp::Add {
                p,
                s,
                key,
                readable,
                writable,
                mode,
            } => {
                let (pp, pi) = self.poller_of(p);
                let (sp, closed) = self.sock(s);
                let key = match key {
                    Key::Small(k) => u64::from(k),
                    Key::Max => u64::MAX,
                    Key::Raw(k) => k,
                };
                let mode = mode.map(|mode| match mode {
                    Mode::Pick(i) => u32::from(i) % 3,
                    Mode::Raw(n) => n,
                });
                let (name, r) = match mode {
                    None => (
                        "sgss_poller_add",
                        ffi!(ne, sgss_poller_add(pp, sp, key, readable, writable)),
                    ),
                    Some(m) => (
                        "sgss_poller_add_with_mode",
                        ffi!(
                            ne,
                            sgss_poller_add_with_mode(pp, sp, key, readable, writable, m)
                        ),
                    ),
                };
                let bad_value = key == u64::MAX || mode.is_some_and(|m| m > 2);
                let Some(pi) = pi else {
                    refused(name, r);
                    return;
                };
                if bad_value && closed.is_some() {
                    assert!(
                        matches!(r, sgss_result::InvalidArgument | sgss_result::Closed),
                        "{name} with key {key:#x}, mode {mode:?}: {r:?}"
                    );
                    return;
                }
                expect_socket(name, r, closed);
                let (S::Slot(i), Some(false)) = (s, closed) else {
                    return;
                };
                let slot = &mut self.pollers[pi].as_mut().unwrap().keys[usize::from(i) % POOL];
                if slot.is_some() {
                    assert_eq!(r, sgss_result::OsError, "{name}: added twice");
                } else {
                    assert_eq!(r, sgss_result::Ok, "{name} of an open socket");
                    *slot = Some(key);
                }
            }
            PollerOp::Modify {
                p,
                s,
                readable,
                writable,
            } => {
                let (pp, pi) = self.poller_of(p);
                let (sp, closed) = self.sock(s);
                let r = ffi!(ne, sgss_poller_modify(pp, sp, readable, writable));
                let Some(pi) = pi else {
                    refused("sgss_poller_modify", r);
                    return;
                };
                expect_socket("sgss_poller_modify", r, closed);
                if let (S::Slot(i), Some(false)) = (s, closed) {
                    let registered =
                        self.pollers[pi].as_ref().unwrap().keys[usize::from(i) % POOL].is_some();
                    let expected = if registered {
                        sgss_result::Ok
                    } else {
                        sgss_result::OsError
                    };
                    assert_eq!(r, expected, "sgss_poller_modify");
                }
            }
            PollerOp::Remove { p, s, null_key } => {
                let (pp, pi) = self.poller_of(p);
                let (sp, closed) = self.sock(s);
                let mut out = Out::<u64>::new(null_key);
                let r = ffi!(ne, sgss_poller_remove(pp, sp, out.ptr()));
                let Some(pi) = pi else {
                    refused("sgss_poller_remove", r);
                    return;
                };
                expect_socket("sgss_poller_remove", r, closed);
                if r != sgss_result::Ok {
                    assert!(
                        out.untouched(),
                        "sgss_poller_remove: key written on failure"
                    );
                }
                if let (S::Slot(i), Some(false)) = (s, closed) {
                    let slot = &mut self.pollers[pi].as_mut().unwrap().keys[usize::from(i) % POOL];
                    match slot.take() {
                        Some(key) => {
                            assert_eq!(r, sgss_result::Ok, "sgss_poller_remove");
                            if !null_key {
                                // SAFETY: written by the successful call.
                                assert_eq!(unsafe { out.slot.assume_init() }, key);
                            }
                        }
                        None => assert_eq!(r, sgss_result::OsError, "sgss_poller_remove"),
                    }
                }
            }
            PollerOp::Count { p, null_out } => {
                let (pp, pi) = self.poller_of(p);
                let mut out = Out::<usize>::new(null_out);
                let r = ffi!(ne, sgss_poller_count(pp, out.ptr()));
                if pi.is_none() || null_out {
                    refused("sgss_poller_count", r);
                }
                if let Some(n) = out.check("sgss_poller_count", r, false) {
                    let model = self.pollers[pi.unwrap()].as_ref().unwrap();
                    let expected = model.keys.iter().flatten().count();
                    assert_eq!(n, expected, "sgss_poller_count");
                }
            }
            PollerOp::Wait {
                p,
                null_events,
                capacity,
                timeout,
                null_out,
            } => {
                let (pp, pi) = self.poller_of(p);
                let blank = sgss_poll_event {
                    key: 0xA5A5_A5A5_A5A5_A5A5,
                    readable: false,
                    writable: false,
                };
                let mut events = [blank; 8];
                let capacity = match capacity {
                    Capacity::Small(n) => usize::from(n) % (events.len() + 1),
                    Capacity::Max => usize::MAX,
                };
                let events_ptr = if null_events {
                    null_mut()
                } else {
                    events.as_mut_ptr()
                };
                let (t, invalid_timeout) = wait_timeout(timeout);
                let mut out = Out::<usize>::new(null_out);
                let r = ffi!(ne, sgss_poller_wait(pp, events_ptr, capacity, t, out.ptr()));
                if pi.is_none() || null_events || null_out {
                    refused("sgss_poller_wait", r);
                }
                if capacity == 0 || capacity == usize::MAX || invalid_timeout {
                    assert_ne!(r, sgss_result::Ok, "sgss_poller_wait: bad arguments taken");
                }
                if let Some(n) = out.check("sgss_poller_wait", r, false) {
                    assert!(n <= capacity, "sgss_poller_wait: {n} events in {capacity}");
                    let model = self.pollers[pi.unwrap()].as_ref().unwrap();
                    for event in &events[..n] {
                        assert!(event.readable || event.writable, "an event of nothing");
                        assert!(
                            model.keys.iter().flatten().any(|k| *k == event.key),
                            "sgss_poller_wait: key {:#x} is not registered",
                            event.key
                        );
                    }
                    assert!(events[n..].iter().all(|e| *e == blank), "written past n");
                } else {
                    assert!(
                        events.iter().all(|e| *e == blank),
                        "events written on failure"
                    );
                }
            }
            PollerOp::Notify(p) => {
                let (pp, pi) = self.poller_of(p);
                let r = ffi!(ne, sgss_poller_notify(pp));
                match pi {
                    None => refused("sgss_poller_notify", r),
                    Some(_) => assert_eq!(r, sgss_result::Ok, "sgss_poller_notify"),
                }
            }
            PollerOp::Fd { p, null_out } => {
                let (pp, pi) = self.poller_of(p);
                let mut out = Out::<i64>::new(null_out);
                let r = ffi!(ne, sgss_poller_descriptor(pp, out.ptr()));
                if pi.is_none() || null_out {
                    refused("sgss_poller_descriptor", r);
                }
                if let Some(fd) = out.check("sgss_poller_descriptor", r, false) {
                    assert!(fd >= 0, "sgss_poller_descriptor: {fd}");
                }
            }
        }
    }

    /// Checks a call that makes a socket and keeps the socket.
    fn new_socket(&mut self, name: &str, r: sgss_result, out: &Out<*mut sgss_socket>, slot: u8) {
        if out.null {
            refused(name, r);
        }
        if let Some(ptr) = out.check(name, r, false) {
            assert!(!ptr.is_null(), "{name}: NULL socket");
            self.put_socket(slot, ptr);
        }
    }

    fn query(&mut self, s: S, what: Query, null_out: bool) {
        let ne = self.null_err;
        let (ptr, closed) = self.sock(s);
        let r = match what {
            Query::IsClosed => {
                let mut out = Out::<u8>::new(null_out);
                let r = ffi!(ne, sgss_socket_is_closed(ptr, out.ptr().cast()));
                if let Some(value) = out.check("sgss_socket_is_closed", r, false) {
                    assert_eq!(Some(value == 1), closed, "is_closed");
                }
                assert_eq!(r == sgss_result::Ok, closed.is_some() && !null_out);
                return;
            }
            Query::Kind { null_type } => {
                let (mut family, mut kind) =
                    (Out::<i32>::new(null_out), Out::<i32>::new(null_type));
                let r = ffi!(ne, sgss_socket_kind(ptr, family.ptr(), kind.ptr()));
                family.check("sgss_socket_kind", r, false);
                kind.check("sgss_socket_kind", r, false);
                assert_eq!(
                    r == sgss_result::Ok,
                    closed.is_some() && !null_out && !null_type
                );
                return;
            }
            Query::Descriptor => {
                let mut out = Out::<i64>::new(null_out);
                let r = ffi!(ne, sgss_socket_descriptor(ptr, out.ptr()));
                if let Some(fd) = out.check("sgss_socket_descriptor", r, false) {
                    assert!(fd >= 0);
                }
                r
            }
            Query::PendingError => {
                let mut out = Out::<i32>::new(null_out);
                let r = ffi!(ne, sgss_socket_pending_error(ptr, out.ptr()));
                out.check("sgss_socket_pending_error", r, false);
                r
            }
            Query::Bool(i) => {
                let (name, get, _) = BOOL_OPTIONS[usize::from(i) % BOOL_OPTIONS.len()];
                let name = format!("sgss_socket_get_{name}");
                let mut out = Out::<u8>::new(null_out);
                let out_ptr = out.ptr().cast::<bool>();
                let r = call(&name, ne, |err| {
                    // SAFETY: as in `ffi!`: a pool socket or NULL, and a local out-parameter.
                    unsafe { get(ptr, out_ptr, err) }
                });
                if let Some(value) = out.check(&name, r, false) {
                    assert!(value <= 1, "{name}: a bool of {value}");
                }
                r
            }
            Query::Ttl => {
                let mut out = Out::<u32>::new(null_out);
                let r = ffi!(ne, sgss_socket_get_ttl(ptr, out.ptr()));
                out.check("sgss_socket_get_ttl", r, false);
                r
            }
            Query::RecvBuffer => {
                let mut out = Out::<usize>::new(null_out);
                let r = ffi!(ne, sgss_socket_get_recv_buffer_size(ptr, out.ptr()));
                out.check("sgss_socket_get_recv_buffer_size", r, false);
                r
            }
            Query::SendBuffer => {
                let mut out = Out::<usize>::new(null_out);
                let r = ffi!(ne, sgss_socket_get_send_buffer_size(ptr, out.ptr()));
                out.check("sgss_socket_get_send_buffer_size", r, false);
                r
            }
            Query::Seconds(i) => {
                let (name, get, _, _) = SECONDS_OPTIONS[usize::from(i) % SECONDS_OPTIONS.len()];
                let name = format!("sgss_socket_get_{name}");
                let mut out = Out::<f64>::new(null_out);
                let out_ptr = out.ptr();
                let r = call(&name, ne, |err| {
                    // SAFETY: as in `ffi!`: a pool socket or NULL, and a local out-parameter.
                    unsafe { get(ptr, out_ptr, err) }
                });
                if let Some(value) = out.check(&name, r, false) {
                    assert!(!value.is_nan(), "{name}: NaN");
                }
                r
            }
        };
        expect_socket("a getter", r, closed);
        if null_out && closed.is_some() {
            refused("a NULL argument", r);
        }
    }

    fn set(&mut self, s: S, what: SetOption) {
        let ne = self.null_err;
        let (ptr, closed) = self.sock(s);
        let r = match what {
            SetOption::Bool(i, value) => {
                let (name, _, set) = BOOL_OPTIONS[usize::from(i) % BOOL_OPTIONS.len()];
                call(&format!("sgss_socket_set_{name}"), ne, |err| {
                    // SAFETY: as in `ffi!`: a pool socket or NULL.
                    unsafe { set(ptr, value, err) }
                })
            }
            SetOption::Ttl(value) => ffi!(ne, sgss_socket_set_ttl(ptr, value)),
            SetOption::RecvBuffer(value) => ffi!(ne, sgss_socket_set_recv_buffer_size(ptr, value)),
            SetOption::SendBuffer(value) => ffi!(ne, sgss_socket_set_send_buffer_size(ptr, value)),
            SetOption::Seconds(i, value) => {
                let (name, get, set, restore) =
                    SECONDS_OPTIONS[usize::from(i) % SECONDS_OPTIONS.len()];
                let name = format!("sgss_socket_set_{name}");
                let value = value.value();
                let r = call(&name, ne, |err| {
                    // SAFETY: as in `ffi!`: a pool socket or NULL.
                    unsafe { set(ptr, value, err) }
                });
                if value.is_nan() && closed.is_some() {
                    assert!(
                        matches!(r, sgss_result::InvalidArgument | sgss_result::Closed),
                        "{name}({value}): {r:?}"
                    );
                }
                if r == sgss_result::Ok {
                    let mut back = f64::NAN;
                    // SAFETY: a live socket (the set succeeded) and a local out-parameter.
                    let got = unsafe { get(ptr, &mut back, null_mut()) };
                    assert_eq!(got, sgss_result::Ok);
                    assert!(!back.is_nan(), "{name}({value}) reads back NaN");
                    // Back to a value that cannot block for long.
                    // SAFETY: as above.
                    assert_eq!(unsafe { set(ptr, restore, null_mut()) }, sgss_result::Ok);
                }
                r
            }
        };
        expect_socket("a setter", r, closed);
    }

    fn select(&mut self, lists: [List; 3], timeout: Seconds, null_ready: bool) {
        let mut arrays: Vec<Vec<*mut sgss_socket>> = Vec::new();
        let mut counts = [0usize; 3];
        let mut any_closed = false;
        for (k, list) in lists.iter().enumerate() {
            let entries: Vec<_> = list.entries.iter().take(8).map(|&s| self.sock(s)).collect();
            counts[k] = match list.count {
                Count::All | Count::Null => entries.len(),
                Count::Fewer(n) => usize::from(n) % (entries.len() + 1),
                Count::Max => usize::MAX,
            };
            if !matches!(list.count, Count::Null) && counts[k] <= entries.len() {
                any_closed |= entries[..counts[k]].iter().any(|e| e.1 == Some(true));
            }
            arrays.push(entries.iter().map(|e| e.0).collect());
        }
        let before = (arrays.clone(), counts);
        let mut ptrs = [null_mut(); 3];
        let mut count_ptrs = [null_mut(); 3];
        for k in 0..3 {
            if !lists[k].null_array {
                ptrs[k] = arrays[k].as_mut_ptr();
            }
            if !matches!(lists[k].count, Count::Null) {
                count_ptrs[k] = &mut counts[k] as *mut usize;
            }
        }
        let (t, invalid_timeout) = wait_timeout(timeout);
        let mut ready = Out::<usize>::new(null_ready);
        let r = ffi!(
            self.null_err,
            sgss_socket_select(
                ptrs[0],
                count_ptrs[0],
                ptrs[1],
                count_ptrs[1],
                ptrs[2],
                count_ptrs[2],
                t,
                ready.ptr()
            )
        );
        assert!(
            r != sgss_result::Closed || any_closed,
            "select: CLOSED without a closed socket"
        );
        if invalid_timeout {
            assert_ne!(
                r,
                sgss_result::Ok,
                "select: a negative or NaN timeout taken"
            );
        }
        if let Some(n) = ready.check("sgss_socket_select", r, false) {
            assert!(!any_closed, "select succeeded with a closed socket");
            let mut total = 0;
            for k in 0..3 {
                if count_ptrs[k].is_null() {
                    continue;
                }
                assert!(counts[k] <= before.1[k]);
                total += counts[k];
                // The ready ones, in their original order.
                let mut rest = before.0[k][..before.1[k]].iter();
                for p in &arrays[k][..counts[k]] {
                    assert!(
                        rest.any(|q| q == p),
                        "select: an entry that was not in the list"
                    );
                }
            }
            assert_eq!(n, total);
        } else {
            assert_eq!(
                (&arrays, counts),
                (&before.0, before.1),
                "select changed lists on error"
            );
        }
    }

    /// Puts back the timeouts and linger every socket keeps (after a raw option call that
    /// may have changed them: SO_RCVTIMEO, SO_SNDTIMEO, SO_LINGER).
    fn restore_options(ptr: *const sgss_socket) {
        for (_, _, set, value) in SECONDS_OPTIONS {
            // SAFETY: `ptr` is a live pool socket; a closed one just fails.
            unsafe { set(ptr, *value, null_mut()) };
        }
    }

    fn calls(&mut self, op: CallsOp) {
        let ne = self.null_err;
        match op {
            CallsOp::SendAll { s, buf, flags } => {
                // Bounded: every socket's send timeout is 10 ms and bounds the whole call;
                // only sockets connected by the target (to itself) can send at all.
                let (ptr, closed) = self.sock(s);
                let (data, len) = data_buf(buf);
                let data_ptr = if buf.null {
                    null()
                } else {
                    data.as_ptr().cast()
                };
                let r = ffi!(ne, sgss_socket_send_all(ptr, data_ptr, len, flags.value()));
                expect_socket("sgss_socket_send_all", r, closed);
                if buf.null && len > 0 {
                    refused("sgss_socket_send_all", r);
                }
            }
            CallsOp::ConnectTimeout { s, to, timeout } => {
                let (ptr, closed) = self.sock(s);
                let addr = self.addr(to);
                if !self.may_reach(s, addr) {
                    return;
                }
                let (t, invalid) = wait_timeout(timeout);
                let r = ffi!(ne, sgss_socket_connect_timeout(ptr, addr, t));
                expect_socket("sgss_socket_connect_timeout", r, closed);
                if invalid || addr.is_null() {
                    assert_ne!(r, sgss_result::Ok, "connect_timeout({t}) succeeded");
                }
                if invalid && closed.is_some() && !addr.is_null() {
                    assert_eq!(r, sgss_result::InvalidArgument, "connect_timeout({t})");
                }
            }
            CallsOp::ConnectHost {
                host,
                port_of,
                timeout,
                family,
                slot,
                null_out,
            } => {
                let text: Option<Vec<u8>> = match host {
                    HostName::Null => None,
                    HostName::Pick(i) => Some(HOSTS[usize::from(i) % HOSTS.len()].to_vec()),
                    HostName::BadUtf8 => Some(b"\xff\xfe\0".to_vec()),
                };
                // Our own socket's port (only loopback is ever named), or 0 (refused).
                let (p, closed) = self.sock(port_of);
                let port = match closed {
                    Some(false) => self.local(p).map_or(0, |(_, _, place)| place.port),
                    _ => 0,
                };
                let (t, invalid) = wait_timeout(timeout);
                let f = family.value();
                let mut out = Out::new(null_out);
                let r = ffi!(
                    ne,
                    sgss_socket_connect_host(text_ptr(&text), port, t, f, out.ptr())
                );
                let bad_family = ![AF_UNSPEC, AF_INET, AF_INET6].contains(&f);
                if invalid || bad_family || !matches!(host, HostName::Pick(_)) {
                    assert!(
                        matches!(r, sgss_result::InvalidArgument | sgss_result::NullArgument),
                        "connect_host({host:?}, {t}, {f}): {r:?}"
                    );
                }
                self.new_socket("sgss_socket_connect_host", r, &out, slot);
            }
            CallsOp::Pair {
                kind,
                slot,
                null_a,
                null_b,
            } => {
                let (mut a, mut b) = (Out::new(null_a), Out::new(null_b));
                let k = kind.value();
                let r = ffi!(ne, sgss_socket_pair(k, a.ptr(), b.ptr()));
                if null_a || null_b {
                    refused("sgss_socket_pair", r);
                }
                if ![SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET].contains(&k) {
                    assert_ne!(r, sgss_result::Ok, "a pair of type {k}");
                }
                let first = a.check("sgss_socket_pair", r, false);
                let second = b.check("sgss_socket_pair", r, false);
                if let (Some(first), Some(second)) = (first, second) {
                    assert!(!first.is_null() && !second.is_null() && first != second);
                    self.put_socket(slot, first);
                    self.put_socket(slot.wrapping_add(1), second);
                }
            }
            CallsOp::Group {
                s,
                group,
                interface,
                join,
            } => {
                let (ptr, closed) = self.sock(s);
                let mut made = null_mut();
                let addr = match group {
                    Group::Addr(a) => self.addr(a),
                    Group::Pick(i) => {
                        let text = GROUPS[usize::from(i) % GROUPS.len()];
                        // SAFETY: NUL-terminated text and a local out-parameter.
                        let r = unsafe {
                            sgss_address_from_text(text.as_ptr().cast(), &mut made, null_mut())
                        };
                        assert_eq!(r, sgss_result::Ok);
                        made.cast_const()
                    }
                };
                let index = interface.value();
                let (name, r) = if join {
                    (
                        "sgss_socket_join_group",
                        ffi!(ne, sgss_socket_join_group(ptr, addr, index)),
                    )
                } else {
                    (
                        "sgss_socket_leave_group",
                        ffi!(ne, sgss_socket_leave_group(ptr, addr, index)),
                    )
                };
                expect_socket(name, r, closed);
                let is_group = describe(addr).is_some_and(|place| {
                    place
                        .host
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_multicast())
                });
                if closed == Some(false) && !addr.is_null() && !is_group {
                    assert_eq!(r, sgss_result::InvalidArgument, "{name}: not a group");
                }
                // SAFETY: NULL or the address made above, freed once.
                unsafe { sgss_address_free(made) };
            }
            CallsOp::Multicast { s, what, null_out } => {
                let (ptr, closed) = self.sock(s);
                let ip = closed == Some(false)
                    && self
                        .local(ptr)
                        .is_some_and(|(family, _, _)| family == AF_INET || family == AF_INET6);
                let r = match what {
                    Multicast::GetTtl => {
                        let mut out = Out::<u32>::new(null_out);
                        let r = ffi!(ne, sgss_socket_get_multicast_ttl(ptr, out.ptr()));
                        if let Some(ttl) = out.check("sgss_socket_get_multicast_ttl", r, true) {
                            assert!(ttl <= 255, "multicast TTL {ttl}");
                        }
                        r
                    }
                    Multicast::GetLoop => {
                        let mut out = Out::<u8>::new(null_out);
                        let r = ffi!(
                            ne,
                            sgss_socket_get_multicast_loop(ptr, out.ptr().cast::<bool>())
                        );
                        if let Some(on) = out.check("sgss_socket_get_multicast_loop", r, false) {
                            assert!(on <= 1, "a bool of {on}");
                        }
                        r
                    }
                    Multicast::GetIf => {
                        let mut out = Out::<u32>::new(null_out);
                        let r = ffi!(ne, sgss_socket_get_multicast_if(ptr, out.ptr()));
                        out.check("sgss_socket_get_multicast_if", r, true);
                        r
                    }
                    Multicast::SetTtl(ttl) => {
                        let r = ffi!(ne, sgss_socket_set_multicast_ttl(ptr, ttl));
                        if ip && ttl > 255 {
                            assert_eq!(r, sgss_result::InvalidArgument, "multicast TTL {ttl}");
                        }
                        r
                    }
                    Multicast::SetLoop(on) => ffi!(ne, sgss_socket_set_multicast_loop(ptr, on)),
                    Multicast::SetIf(value) => ffi!(ne, sgss_socket_set_multicast_if(ptr, value)),
                };
                expect_socket("a multicast option", r, closed);
            }
            CallsOp::GetsockoptInt { s, opt, null_out } => {
                let (ptr, closed) = self.sock(s);
                let (level, name, wide) = opt.value();
                let mut out = Out::<i32>::new(null_out);
                let r = ffi!(ne, sgss_socket_getsockopt_int(ptr, level, name, out.ptr()));
                expect_socket("sgss_socket_getsockopt_int", r, closed);
                out.check("sgss_socket_getsockopt_int", r, true);
                if wide && closed.is_some() && !null_out {
                    assert_eq!(
                        r,
                        sgss_result::InvalidArgument,
                        "level {level}, name {name}"
                    );
                }
            }
            CallsOp::SetsockoptInt { s, opt, value } => {
                let (ptr, closed) = self.sock(s);
                let (level, name, wide) = opt.value();
                let r = ffi!(ne, sgss_socket_setsockopt_int(ptr, level, name, value));
                expect_socket("sgss_socket_setsockopt_int", r, closed);
                let out_of_range = i32::try_from(value).is_err();
                if (wide || out_of_range) && closed.is_some() {
                    assert_eq!(r, sgss_result::InvalidArgument, "{level}/{name} = {value}");
                }
                Self::restore_options(ptr);
            }
            CallsOp::GetsockoptBytes { s, opt, buf } => {
                let (ptr, closed) = self.sock(s);
                let (level, name, wide) = opt.value();
                let mut bytes = vec![
                    0x55u8;
                    if buf.null_buf {
                        0
                    } else {
                        usize::from(buf.len)
                    }
                ];
                let (p, len) = if buf.null_buf {
                    (null_mut(), usize::from(buf.len))
                } else {
                    (bytes.as_mut_ptr(), bytes.len())
                };
                let mut out_len = Out::<usize>::new(buf.null_len);
                let r = ffi!(
                    ne,
                    sgss_socket_getsockopt_bytes(ptr, level, name, p.cast(), len, out_len.ptr())
                );
                expect_socket("sgss_socket_getsockopt_bytes", r, closed);
                if let Some(n) = out_len.check("sgss_socket_getsockopt_bytes", r, false) {
                    assert!(n <= len && len > 0, "{n} option bytes in {len}");
                }
                if (wide || len == 0) && closed == Some(false) {
                    assert_ne!(
                        r,
                        sgss_result::Ok,
                        "getsockopt_bytes({level}, {name}, {len})"
                    );
                }
            }
            CallsOp::SetsockoptBytes {
                s,
                opt,
                bytes,
                null_ptr,
            } => {
                let (ptr, closed) = self.sock(s);
                let (level, name, wide) = opt.value();
                let len = if null_ptr {
                    bytes.len()
                } else {
                    bytes.len().min(64)
                };
                let p = if null_ptr { null() } else { bytes.as_ptr() };
                let r = ffi!(
                    ne,
                    sgss_socket_setsockopt_bytes(ptr, level, name, p.cast(), len)
                );
                expect_socket("sgss_socket_setsockopt_bytes", r, closed);
                if wide && closed.is_some() && !(null_ptr && len > 0) {
                    assert_eq!(
                        r,
                        sgss_result::InvalidArgument,
                        "level {level}, name {name}"
                    );
                }
                Self::restore_options(ptr);
            }
            CallsOp::Detach { s, null_out } => {
                let (ptr, closed) = self.sock(s);
                let mut out = Out::<i64>::new(null_out);
                let r = ffi!(ne, sgss_socket_detach(ptr, out.ptr()));
                expect_socket("sgss_socket_detach", r, closed);
                if closed == Some(true) && !null_out {
                    assert_eq!(r, sgss_result::Closed, "detach of a closed socket");
                }
                if let Some(fd) = out.check("sgss_socket_detach", r, false) {
                    let S::Slot(i) = s else { unreachable!() };
                    // The handle stays, closed; the descriptor is ours now.
                    self.sockets[usize::from(i) % POOL].as_mut().unwrap().closed = true;
                    self.unregister(i);
                    let fd = i32::try_from(fd).expect("a descriptor");
                    // SAFETY: the call handed us this open descriptor; nobody else owns it.
                    self.fds.push(unsafe { OwnedFd::from_raw_fd(fd) });
                    let mut closed_now = 0u8;
                    // SAFETY: the handle is still live; `closed_now` is a local.
                    unsafe {
                        sgss_socket_is_closed(ptr, (&mut closed_now as *mut u8).cast(), null_mut())
                    };
                    assert_eq!(closed_now, 1, "a detached socket is closed");
                }
            }
            CallsOp::FromDescriptorDup {
                src,
                slot,
                null_out,
            } => self.adopt_duplicate(src, slot, null_out),
            CallsOp::ReverseLookup {
                a,
                flags,
                host,
                serv,
            } => self.reverse_lookup(a, flags, host, serv),
        }
    }

    fn adopt_duplicate(&mut self, src: DupSource, slot: u8, null_out: bool) {
        let ne = self.null_err;
        let kept = |fds: &[OwnedFd], i: u8| {
            fds.get(usize::from(i) % fds.len().max(1))
                .map(|fd| std::os::fd::AsRawFd::as_raw_fd(fd))
        };
        let _file;
        let (fd, valid): (i64, bool) = match src {
            DupSource::Kept(i) => match kept(&self.fds, i) {
                Some(raw) => (i64::from(raw), true),
                None => return,
            },
            DupSource::Socket(s) => {
                let (ptr, closed) = self.sock(s);
                if closed != Some(false) {
                    return;
                }
                let mut fd = -1i64;
                // SAFETY: a live open socket and a local out-parameter.
                let r = unsafe { sgss_socket_descriptor(ptr, &mut fd, null_mut()) };
                assert_eq!(r, sgss_result::Ok);
                (fd, true)
            }
            DupSource::NotASocket => {
                let file = std::fs::File::open("/dev/null").expect("/dev/null");
                let raw = std::os::fd::AsRawFd::as_raw_fd(&file);
                _file = file;
                (i64::from(raw), false)
            }
            DupSource::Negative(n) => (-1 - i64::from(n), false),
            DupSource::Wrapped(i) => (
                (1i64 << 32) + kept(&self.fds, i).map_or(0, i64::from),
                false,
            ),
            DupSource::TooLarge => (i64::MAX, false),
        };
        let mut out = Out::new(null_out);
        let r = ffi!(ne, sgss_socket_from_descriptor_dup(fd, out.ptr()));
        if !valid {
            assert_ne!(r, sgss_result::Ok, "adopted a duplicate of {fd} ({src:?})");
        }
        if matches!(
            src,
            DupSource::Negative(_) | DupSource::Wrapped(_) | DupSource::TooLarge
        ) {
            refused("sgss_socket_from_descriptor_dup", r);
        }
        self.new_socket("sgss_socket_from_descriptor_dup", r, &out, slot);
        // (A pool socket's own descriptor may have been closed by the new socket taking its
        // slot; a kept one is ours alone.)
        if r == sgss_result::Ok && matches!(src, DupSource::Kept(_)) {
            // A new descriptor: the original stays where it was, open.
            let ptr = self.sockets[usize::from(slot) % POOL].as_ref().unwrap().ptr;
            let mut dup = -1i64;
            // SAFETY: the socket just made and a local out-parameter.
            unsafe { sgss_socket_descriptor(ptr, &mut dup, null_mut()) };
            assert_ne!(dup, fd, "the duplicate is the original");
            assert!(
                std::path::Path::new(&format!("/proc/self/fd/{fd}")).exists(),
                "the original descriptor {fd} was closed"
            );
        }
    }

    fn reverse_lookup(&mut self, a: A, flags: i32, host: OutBuf, serv: OutBuf) {
        // Always numeric hosts: no name is ever asked of a DNS server.
        let numeric = constant("NI_NUMERICHOST").expect("NI_NUMERICHOST");
        let flags = flags | numeric;
        let addr = self.addr(a);
        let mut bufs = [host, serv].map(|b| {
            let storage = vec![0x55 as c_char; if b.null_buf { 0 } else { usize::from(b.len) }];
            (b, storage)
        });
        let mut ptrs = [(null_mut(), 0usize); 2];
        for (k, (b, storage)) in bufs.iter_mut().enumerate() {
            ptrs[k] = if b.null_buf {
                (null_mut(), usize::from(b.len))
            } else {
                (storage.as_mut_ptr(), storage.len())
            };
        }
        let mut lens = [
            Out::<usize>::new(host.null_len),
            Out::<usize>::new(serv.null_len),
        ];
        let (host_ptr, host_len) = ptrs[0];
        let (serv_ptr, serv_len) = ptrs[1];
        let host_out = lens[0].ptr();
        let serv_out = lens[1].ptr();
        let r = ffi!(
            self.null_err,
            sgss_address_reverse_lookup(
                addr, flags, host_ptr, host_len, host_out, serv_ptr, serv_len, serv_out
            )
        );
        let null_arg = addr.is_null()
            || host.null_len
            || serv.null_len
            || ptrs.iter().any(|(p, len)| p.is_null() && *len > 0);
        if null_arg {
            refused("sgss_address_reverse_lookup", r);
        }
        match r {
            sgss_result::Ok | sgss_result::BufferTooSmall => {
                for (k, out) in lens.iter().enumerate() {
                    assert!(!out.untouched(), "reverse lookup: length {k} not written");
                    // SAFETY: written (checked just above).
                    let n = unsafe { out.slot.assume_init() };
                    let (_, len) = ptrs[k];
                    let storage = &bufs[k].1;
                    if n < len {
                        assert_eq!(storage[n], 0, "reverse lookup: text {k} not terminated");
                    } else {
                        assert_eq!(r, sgss_result::BufferTooSmall, "text {k} of {n} in {len}");
                        assert!(
                            storage.first().is_none_or(|&c| c == 0),
                            "buffer {k} not emptied"
                        );
                    }
                }
            }
            _ => assert!(
                lens.iter().all(|out| out.untouched()),
                "lengths written on {r:?}"
            ),
        }
    }

    fn adopt_descriptor(&mut self, fd: Fd, slot: u8, null_out: bool) {
        let mut out = Out::new(null_out);
        let name = "sgss_socket_from_descriptor";
        match fd {
            Fd::Kept(i) if !self.fds.is_empty() => {
                let owned = self.fds.swap_remove(usize::from(i) % self.fds.len());
                let raw = owned.into_raw_fd();
                let r = ffi!(
                    self.null_err,
                    sgss_socket_from_descriptor(i64::from(raw), out.ptr())
                );
                if r != sgss_result::Ok {
                    // SAFETY: on failure the descriptor is still ours and open.
                    self.fds.push(unsafe { OwnedFd::from_raw_fd(raw) });
                }
                self.new_socket(name, r, &out, slot);
            }
            Fd::Kept(_) => {}
            Fd::NotASocket => {
                let file = std::fs::File::open("/dev/null").expect("/dev/null");
                let raw = std::os::fd::AsRawFd::as_raw_fd(&file);
                let r = ffi!(
                    self.null_err,
                    sgss_socket_from_descriptor(i64::from(raw), out.ptr())
                );
                assert_ne!(r, sgss_result::Ok, "adopted /dev/null");
                out.check(name, r, false);
            }
            Fd::Negative(n) => {
                let r = ffi!(
                    self.null_err,
                    sgss_socket_from_descriptor(-1 - i64::from(n), out.ptr())
                );
                assert!(
                    matches!(r, sgss_result::InvalidArgument | sgss_result::NullArgument),
                    "{r:?}"
                );
                out.check(name, r, false);
            }
            Fd::TooLarge => {
                let r = ffi!(
                    self.null_err,
                    sgss_socket_from_descriptor(i64::MAX, out.ptr())
                );
                assert!(
                    matches!(r, sgss_result::InvalidArgument | sgss_result::NullArgument),
                    "{r:?}"
                );
                out.check(name, r, false);
            }
        }
    }

    fn new_address(&mut self, how: NewAddress, slot: u8, null_out: bool) {
        let ne = self.null_err;
        let mut out = Out::new(null_out);
        let (name, r) = match how {
            NewAddress::ParseFull(text) => {
                let text = c_text(&text);
                (
                    "sgss_address_from_text",
                    ffi!(ne, sgss_address_from_text(text_ptr(&text), out.ptr())),
                )
            }
            NewAddress::Parse { family, text, port } => {
                let text = c_text(&text);
                let f = family.value();
                (
                    "sgss_address_from_host_text",
                    ffi!(
                        ne,
                        sgss_address_from_host_text(f, text_ptr(&text), port, out.ptr())
                    ),
                )
            }
            NewAddress::FromBytes {
                family,
                bytes,
                null_ptr,
            } => {
                let p = if null_ptr { null() } else { bytes.as_ptr() };
                let len = if null_ptr {
                    bytes.len()
                } else {
                    bytes.len().min(32)
                };
                let f = family.value();
                let r = ffi!(ne, sgss_address_from_bytes(f, p, len, 0, out.ptr()));
                ("sgss_address_from_bytes", r)
            }
            NewAddress::FromU32 { value, port } => (
                "sgss_address_from_u32",
                ffi!(ne, sgss_address_from_u32(value, port, out.ptr())),
            ),
            NewAddress::Loopback { ipv6, port_of } => {
                let (ptr, closed) = self.sock(port_of);
                let port = match closed {
                    Some(false) => self.local(ptr).map_or(0, |(_, _, place)| place.port),
                    _ => 0,
                };
                let (family, host) = if ipv6 {
                    (AF_INET6, &b"::1\0"[..])
                } else {
                    (AF_INET, &b"127.0.0.1\0"[..])
                };
                let r = ffi!(
                    ne,
                    sgss_address_from_host_text(family, host.as_ptr().cast(), port, out.ptr())
                );
                assert!(null_out || r == sgss_result::Ok, "parse {host:?}: {r:?}");
                ("sgss_address_from_host_text", r)
            }
            NewAddress::Unix(i) => {
                let path = c_text(&Text::UnixPath(i));
                let r = ffi!(
                    ne,
                    sgss_address_from_host_text(AF_UNIX, text_ptr(&path), 0, out.ptr())
                );
                assert!(null_out || r == sgss_result::Ok, "parse a Unix path: {r:?}");
                ("sgss_address_from_host_text", r)
            }
        };
        if null_out {
            refused(name, r);
        }
        if let Some(addr) = out.check(name, r, false) {
            assert!(!addr.is_null());
            self.put_addr(slot, addr);
        }
    }

    fn set_address(&mut self, a: A, how: SetAddress) {
        let ne = self.null_err;
        let addr = self.addr_mut(a);
        let before = describe(addr);
        let r = match how {
            SetAddress::Port(port) => ffi!(ne, sgss_address_set_port(addr, port)),
            SetAddress::U32(value) => ffi!(ne, sgss_address_set_u32(addr, value)),
            SetAddress::Bytes { bytes, null_ptr } => {
                let p = if null_ptr { null() } else { bytes.as_ptr() };
                let len = if null_ptr {
                    bytes.len()
                } else {
                    bytes.len().min(32)
                };
                ffi!(ne, sgss_address_set_bytes(addr, p, len))
            }
            SetAddress::HostText(text) => {
                let text = c_text(&text);
                ffi!(ne, sgss_address_set_host_text(addr, text_ptr(&text)))
            }
            SetAddress::Text(text) => {
                let text = c_text(&text);
                ffi!(ne, sgss_address_set_text(addr, text_ptr(&text)))
            }
        };
        if addr.is_null() {
            refused("a NULL argument", r);
        }
        if r != sgss_result::Ok {
            assert!(
                describe(addr) == before,
                "a failed setter changed the address"
            );
        }
    }

    fn read_address(&mut self, a: A, what: ReadAddress, null_out: bool) {
        let ne = self.null_err;
        let addr = self.addr(a);
        let r = match what {
            ReadAddress::Family => {
                let mut out = Out::<i32>::new(null_out);
                let r = ffi!(ne, sgss_address_family(addr, out.ptr()));
                out.check("sgss_address_family", r, false);
                r
            }
            ReadAddress::Port => {
                let mut out = Out::<u16>::new(null_out);
                let r = ffi!(ne, sgss_address_port(addr, out.ptr()));
                out.check("sgss_address_port", r, true);
                r
            }
            ReadAddress::U32 => {
                let mut out = Out::<u32>::new(null_out);
                let r = ffi!(ne, sgss_address_u32(addr, out.ptr()));
                out.check("sgss_address_u32", r, true);
                r
            }
            ReadAddress::Bytes(b) => {
                let mut buf = vec![0x55u8; if b.null_buf { 0 } else { usize::from(b.len) }];
                let (ptr, len) = if b.null_buf {
                    (null_mut(), usize::from(b.len))
                } else {
                    (buf.as_mut_ptr(), buf.len())
                };
                let mut out_len = Out::<usize>::new(b.null_len);
                let r = ffi!(ne, sgss_address_bytes(addr, ptr, len, out_len.ptr()));
                if r == sgss_result::BufferTooSmall {
                    // SAFETY: BUFFER_TOO_SMALL writes the needed length.
                    let needed = unsafe { out_len.slot.assume_init() };
                    assert!(needed > len && needed != usize::from_ne_bytes([MARK; 8]));
                } else if let Some(n) = out_len.check("sgss_address_bytes", r, false) {
                    assert!(n <= len && (n == 4 || n == 16), "{n} address bytes");
                }
                r
            }
            ReadAddress::HostText(b) => text!(ne, b, sgss_address_host_text(addr)).0,
            ReadAddress::Text(b) => text!(ne, b, sgss_address_text(addr)).0,
        };
        if addr.is_null() {
            refused("a NULL argument", r);
        }
    }

    fn lookup(
        &mut self,
        host: Text,
        service: Service,
        hints: Option<Hints>,
        slot: u8,
        null_out: bool,
    ) {
        let ne = self.null_err;
        let mut host = c_text(&host);
        let service = match service {
            Service::Null => None,
            Service::Port(port) => Some(format!("{port}\0").into_bytes()),
            Service::Text(text) => c_text(&text),
        };
        let hints = hints.map(|h| sgss_addrinfo_hints {
            // Always numeric: the host is never looked up in DNS.
            flags: h.flags | AI_NUMERICHOST,
            family: h.family.value(),
            socktype: h.socktype.value(),
            protocol: h.protocol.value(),
        });
        if hints.is_none()
            && !matches!(
                host.as_deref(),
                None | Some(b"127.0.0.1\0") | Some(b"::1\0")
            )
        {
            host = Some(b"127.0.0.1\0".to_vec());
        }
        let hints_ptr = hints
            .as_ref()
            .map_or(null(), |h| h as *const sgss_addrinfo_hints);
        let mut out = Out::new(null_out);
        let r = ffi!(
            ne,
            sgss_addrinfo_list_new(text_ptr(&host), text_ptr(&service), hints_ptr, out.ptr())
        );
        if host.is_none() && service.is_none() && !null_out {
            assert_eq!(r, sgss_result::InvalidArgument);
        }
        if let Some(list) = out.check("sgss_addrinfo_list_new", r, false) {
            let mut count = 0;
            // SAFETY: a new live list; `count` is a local.
            unsafe { sgss_addrinfo_list_count(list, &mut count, null_mut()) };
            assert!(count > 0, "an empty list");
            let slot = &mut self.lists[usize::from(slot) % 2];
            // SAFETY: NULL or a live list, replaced by the new one.
            unsafe { sgss_addrinfo_list_free(*slot) };
            *slot = list;
        }
    }

    fn read_list(&mut self, list: Option<u8>, index: Index, what: ListRead, null_out: bool) {
        let ne = self.null_err;
        let list = list
            .map_or(null_mut(), |i| self.lists[usize::from(i) % 2])
            .cast_const();
        let index = index.value();
        let r = match what {
            ListRead::Count => {
                let mut out = Out::<usize>::new(null_out);
                let r = ffi!(ne, sgss_addrinfo_list_count(list, out.ptr()));
                out.check("sgss_addrinfo_list_count", r, false);
                r
            }
            ListRead::Get => {
                let mut out = Out::<sgss_addrinfo>::new(null_out);
                let r = ffi!(ne, sgss_addrinfo_list_get(list, index, out.ptr()));
                if let Some(info) = out.check("sgss_addrinfo_list_get", r, false) {
                    assert!(describe(info.addr).is_some_and(|place| place.family == info.family));
                }
                r
            }
            ListRead::Canonname(b) => text!(ne, b, sgss_addrinfo_list_canonname(list, index)).0,
        };
        if list.is_null() {
            refused("a NULL argument", r);
        }
    }

    /// Frees everything still held, each handle once.
    fn finish(mut self) {
        // Half the time the pollers go first, half the time the sockets do.
        let pollers_first = self.sockets.iter().flatten().count() % 2 == 0;
        if pollers_first {
            for i in 0..POLLERS as u8 {
                self.free_poller(i);
            }
        }
        for i in 0..POOL as u8 {
            self.free_socket(i);
            self.put_addr(i, null_mut());
        }
        for list in self.lists {
            // SAFETY: NULL or a live list, freed once.
            unsafe { sgss_addrinfo_list_free(list) };
        }
        self.fds.clear();
        for i in 0..POLLERS as u8 {
            self.free_poller(i);
        }
        for i in 0..POOL as u8 {
            let _ = std::fs::remove_file(unix_path(i));
        }
    }
}

/// The result for a NULL argument: `NULL_ARGUMENT`, or `INVALID_ARGUMENT` when another
/// argument is bad too (which one is reported first is not part of the contract).
fn refused(name: &str, r: sgss_result) {
    assert!(
        matches!(r, sgss_result::NullArgument | sgss_result::InvalidArgument),
        "{name}: {r:?} with a NULL argument"
    );
}

/// `CLOSED` exactly for a closed socket, `NULL_ARGUMENT` for a NULL one.
fn expect_socket(name: &str, r: sgss_result, closed: Option<bool>) {
    match closed {
        None => assert_eq!(r, sgss_result::NullArgument, "{name} on NULL"),
        Some(true) => assert!(
            matches!(
                r,
                sgss_result::Closed | sgss_result::NullArgument | sgss_result::InvalidArgument
            ),
            "{name} on a closed socket gave {r:?}"
        ),
        Some(false) => assert_ne!(r, sgss_result::Closed, "{name} on an open socket"),
    }
}

/// A data buffer of the length the fuzzer chose (at most 4 KiB; any length with NULL).
fn data_buf(b: DataBuf) -> (Vec<u8>, usize) {
    if b.null {
        let len = if b.len == u16::MAX {
            usize::MAX
        } else {
            usize::from(b.len)
        };
        return (Vec::new(), len);
    }
    let len = usize::from(b.len) % 4097;
    ((0..len).map(|i| i as u8).collect(), len)
}

fn check_received(name: &str, r: sgss_result, out: &Out<usize>, len: usize) {
    if r == sgss_result::PeerClosed {
        assert!(!out.null, "{name}: PEER_CLOSED with a NULL count");
        // SAFETY: every byte of the slot is initialised (the marker, or the call's write).
        let n = unsafe { out.slot.assume_init() };
        assert_eq!(n, 0, "{name}: PEER_CLOSED writes a count of 0");
    } else if let Some(n) = out.check(name, r, false) {
        assert!(n <= len, "{name}: received {n} into {len} bytes");
    }
}

/// Where an address is, read through the C API (`None` for NULL or a family without text).
fn describe(addr: *const sgss_address) -> Option<Place> {
    if addr.is_null() {
        return None;
    }
    let (mut family, mut port) = (0, 0u16);
    let mut buf = [0 as c_char; 256];
    let mut len = 0usize;
    // SAFETY: `addr` is a live address; the outs are locals of the stated sizes.
    unsafe {
        if sgss_address_family(addr, &mut family, null_mut()) != sgss_result::Ok
            || sgss_address_host_text(addr, buf.as_mut_ptr(), buf.len(), &mut len, null_mut())
                != sgss_result::Ok
        {
            return None;
        }
        sgss_address_port(addr, &mut port, null_mut());
    }
    let host = String::from_utf8(buf[..len].iter().map(|&c| c as u8).collect()).ok()?;
    Some(Place { family, host, port })
}

/// The tables: constants, errno names and texts, result texts, version, host name.
fn table_call(ne: bool, table: Table) {
    match table {
        Table::ConstantByName(name) => {
            let name = c_text(&name);
            let mut out = Out::<i32>::new(false);
            let r = ffi!(ne, sgss_constant_by_name(text_ptr(&name), out.ptr()));
            out.check("sgss_constant_by_name", r, true);
        }
        Table::ConstantCount => {
            let mut out = Out::<usize>::new(false);
            let r = ffi!(ne, sgss_constant_count(out.ptr()));
            assert!(out
                .check("sgss_constant_count", r, false)
                .is_some_and(|n| n > 0));
        }
        Table::ConstantAt(index, b) => {
            let mut value = 0;
            let i = index.value();
            text!(ne, b, sgss_constant_at(i), &mut value);
        }
        Table::ErrnoByName(name) => {
            let name = c_text(&name);
            let mut out = Out::<i32>::new(false);
            let r = ffi!(ne, sgss_errno_by_name(text_ptr(&name), out.ptr()));
            out.check("sgss_errno_by_name", r, false);
        }
        Table::ErrnoName(code, b) => {
            text!(ne, b, sgss_errno_name(code));
        }
        Table::ErrnoCount => {
            let mut out = Out::<usize>::new(false);
            let r = ffi!(ne, sgss_errno_count(out.ptr()));
            assert!(out
                .check("sgss_errno_count", r, false)
                .is_some_and(|n| n > 0));
        }
        Table::ErrnoAt(index, b) => {
            let mut code = 0;
            let i = index.value();
            text!(ne, b, sgss_errno_at(i), &mut code);
        }
        Table::ErrnoText(code, b) => {
            text!(ne, b, sgss_errno_text(code));
        }
        Table::ResultText(result, b) => {
            let (r, _) = text!(ne, b, sgss_result_text(result));
            if result > 10 && !b.null_len && !(b.null_buf && b.len > 0) {
                assert_eq!(r, sgss_result::NotFound);
            }
        }
        Table::ErrorText(source, b) => {
            let error = match source {
                ErrorSource::Null => None,
                ErrorSource::Last => LAST_ERROR.with(|last| last.get()),
                ErrorSource::Garbage(bytes) => {
                    let mut error = sgss_error {
                        result: 0,
                        code: 0,
                        message: [0x41; SGSS_ERROR_MESSAGE_SIZE],
                    };
                    for (slot, byte) in error.message.iter_mut().zip(bytes) {
                        *slot = byte as c_char;
                    }
                    Some(error)
                }
            };
            let ptr = error.as_ref().map_or(null(), |e| e as *const sgss_error);
            text!(ne, b, sgss_error_text(ptr));
        }
        Table::Version(b) => {
            text!(ne, b, sgss_version());
        }
        Table::Hostname(b) => {
            text!(ne, b, sgss_host_name());
        }
    }
}

fuzz_target!(|ops: Vec<Op>| {
    let mut state = State::new();
    for op in ops.into_iter().take(MAX_OPS) {
        state.run(op);
    }
    state.finish();
});
