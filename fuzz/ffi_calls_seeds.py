"""Writes the hand-made seeds of the ffi_calls fuzz target: a few op sequences (TCP echo,
UDP over ::1 with select, a Unix stream with a descriptor round trip, lookup and options,
the SPEC §9 calls)
encoded as `arbitrary` 1.5 decodes `Vec<Op>`: a continue-bool before each element,
little-endian integers, enum variants from a u32 scaled by the variant count.

The variant numbers follow the enums in fuzz_targets/ffi_calls.rs: after changing those,
regenerate and check the decoding:
    python3 ffi_calls_seeds.py corpus/ffi_calls
    cargo +nightly fuzz fmt -O ffi_calls corpus/ffi_calls/tcp_echo
    SGSS_FUZZ_TRACE=1 target/x86_64-unknown-linux-gnu/release/ffi_calls corpus/ffi_calls/tcp_echo
"""
import struct, sys, os
def tag(i, n): return struct.pack('<I', ((2 * i + 1) << 32) // (2 * n))
def b(x): return bytes([1 if x else 0])
def u8(x): return bytes([x])
def u16(x): return struct.pack('<H', x)
def i32(x): return struct.pack('<i', x)
def f64(x): return struct.pack('<d', x)
OPS = 36
def op(i, *fields): return tag(i, OPS) + b''.join(fields)
Null, = [tag(0, 2)]
def Slot(i): return tag(1, 2) + u8(i)
ANull = tag(0, 3)
def Owned(i): return tag(1, 3) + u8(i)
def Borrowed(l, i): return tag(2, 3) + u8(l) + u8(i)
def Pick(i): return tag(0, 2) + u8(i)   # Flags::Pick / Seconds::Pick
def Data(n, null=False): return b(null) + u16(n)
def Some(x): return b(True) + x
NoneV = b(False)
def vec(items): return b''.join(b(True) + x for x in items) + b(False)

def Tcp(ipv6, slot): return op(1, b(ipv6), u8(slot), b(False))
def Udp(ipv6, slot): return op(2, b(ipv6), u8(slot), b(False))
def NewUnix(kind, slot): return op(3, tag(2, 5), tag(kind, 4), tag(0, 4), u8(slot), b(False))
def Close(s): return op(4, s)
def Bind(s, a): return op(7, s, a)
def Listen(s, n): return op(9, s, i32(n))
def Accept(s, slot, peer): return op(10, s, u8(slot), b(False), Some(u8(peer)))
def Connect(s, a): return op(11, s, a)
def Send(s, n, flags=0): return op(12, s, Data(n), Pick(flags), b(False))
def SendTo(s, n, to): return op(13, s, Data(n), Pick(0), to, b(False))
def Recv(s, n, flags=0): return op(14, s, Data(n), Pick(flags), b(False))
def RecvFrom(s, n, frm): return op(15, s, Data(n), Pick(0), frm, b(False))
def Shutdown(s, how): return op(16, s, i32(how))
def Query(s, q): return op(19, s, q, b(False))
def SetSecs(s, which, secs_pick): return op(20, s, tag(4, 5), u8(which), Pick(secs_pick))
def Select(read, write, t): 
    lst = lambda e: b(False) + vec(e) + tag(0, 4)
    return op(21, lst(read), lst(write), lst([]), Pick(t), b(False))
def Loopback(ipv6, port_of, slot): return op(24, tag(4, 6), b(ipv6), port_of, u8(slot), b(False))
def UnixAddr(i, slot): return op(24, tag(5, 6), u8(i), u8(slot), b(False))
def ParseFull(text_pick, slot): return op(24, tag(0, 6), tag(1, 4), u8(text_pick), u8(slot), b(False))
def ReadText(a, n): return op(28, a, tag(5, 6), b(False), b(False), u8(n), b(False))
def Lookup(host_pick, slot): return op(30, tag(1, 4), u8(host_pick), tag(1, 3), u16(80), Some(i32(0) + tag(0,5) + tag(0,4) + tag(0,4)), u8(slot), b(False))
def IntoFd(s): return op(22, s, b(False))
def FromFd(i, slot): return op(23, tag(0, 4), u8(i), u8(slot), b(False))
def seq(*ops): return b''.join(b(True) + o for o in ops)

# Op::Calls (the last Op) and its CallsOp variants, in the order of fuzz_targets/ffi_calls.rs.
CALLS = 13
def Calls(i, *fields): return op(35, tag(i, CALLS), *fields)
def SendAll(s, n): return Calls(0, s, Data(n), Pick(0))
def ConnectTimeout(s, a, secs_pick): return Calls(1, s, a, Pick(secs_pick))
def ConnectHost(host_pick, port_of, secs_pick, family, slot):
    return Calls(2, tag(1, 3) + u8(host_pick), port_of, Pick(secs_pick), tag(family, 5), u8(slot), b(False))
def Pair(kind, slot): return Calls(3, tag(kind, 4), u8(slot), b(False), b(False))
def Group(s, group_pick, interface, join): return Calls(4, s, tag(1, 2) + u8(group_pick), tag(interface, 4), b(join))
def McGetTtl(s): return Calls(5, s, tag(0, 6), b(False))
def McSetTtl(s, ttl): return Calls(5, s, tag(3, 6) + struct.pack('<I', ttl), b(False))
def Known(i): return tag(0, 5) + u8(i)
def WideLevel(i, k): return tag(3, 5) + u8(i) + i32(k)
def GetInt(s, opt): return Calls(6, s, opt, b(False))
def SetInt(s, opt, value): return Calls(7, s, opt, struct.pack('<q', value))
def GetBytes(s, opt, n): return Calls(8, s, opt, b(False) + b(False) + u8(n))
def Detach(s): return Calls(10, s, b(False))
def DupKept(i, slot): return Calls(11, tag(0, 6) + u8(i), u8(slot), b(False))
def DupWrapped(i, slot): return Calls(11, tag(4, 6) + u8(i), u8(slot), b(False))
def DupNotASocket(slot): return Calls(11, tag(2, 6), u8(slot), b(False))
def Reverse(a, host_len, serv_len): return Calls(12, a, i32(0), b(False) + b(False) + u8(host_len), b(False) + b(False) + u8(serv_len))

seeds = {
 'tcp_echo': seq(Tcp(False, 0), Loopback(False, Null, 0), Bind(Slot(0), Owned(0)), Listen(Slot(0), 4),
                 Loopback(False, Slot(0), 1), Tcp(False, 1), Connect(Slot(1), Owned(1)),
                 Accept(Slot(0), 2, 2), Send(Slot(1), 5), Recv(Slot(2), 1), Recv(Slot(2), 16, 1),
                 Shutdown(Slot(1), 1), Recv(Slot(2), 16), Close(Slot(1)), Recv(Slot(1), 16), Send(Slot(1), 0),
                 Select([Slot(2), Slot(1)], [Slot(2)], 0)),
 'udp6_select': seq(Udp(True, 0), Loopback(True, Null, 0), Bind(Slot(0), Owned(0)), Udp(True, 1),
                 Bind(Slot(1), Owned(0)), Loopback(True, Slot(0), 1), SendTo(Slot(1), 9, Owned(1)),
                 Select([Slot(0), Slot(1)], [Slot(1)], 7), RecvFrom(Slot(0), 4, Owned(1)),
                 ReadText(Owned(1), 8), ReadText(Owned(1), 64), Close(Slot(0)), Select([Slot(0)], [], 7)),
 'unix_stream': seq(NewUnix(0, 0), UnixAddr(1, 0), Bind(Slot(0), Owned(0)), Listen(Slot(0), 1),
                 NewUnix(0, 1), Connect(Slot(1), Owned(0)), Accept(Slot(0), 2, 1), Send(Slot(2), 100),
                 Recv(Slot(1), 100), IntoFd(Slot(1)), FromFd(0, 3), Recv(Slot(3), 8), Close(Slot(0)),
                 Accept(Slot(0), 1, 1)),
 'calls': seq(Tcp(False, 0), Loopback(False, Null, 0), Bind(Slot(0), Owned(0)), Listen(Slot(0), 4),
                 Loopback(False, Slot(0), 1), Tcp(False, 1), ConnectTimeout(Slot(1), Owned(1), 8),
                 Accept(Slot(0), 2, 2), SendAll(Slot(1), 3000), Recv(Slot(2), 4096),
                 GetInt(Slot(1), Known(10)), SetInt(Slot(1), Known(0), 65536), SetInt(Slot(1), WideLevel(0, 1), 1),
                 GetBytes(Slot(1), Known(7), 16), Detach(Slot(1)), DupKept(0, 3), SendAll(Slot(3), 5),
                 Recv(Slot(2), 16), DupWrapped(0, 3), DupNotASocket(3), Reverse(Owned(1), 64, 2),
                 Pair(1, 0), SendAll(Slot(0), 10), Recv(Slot(1), 16), Udp(False, 2), McSetTtl(Slot(2), 300),
                 McGetTtl(Slot(2)), Group(Slot(2), 0, 0, True), Group(Slot(2), 0, 0, False),
                 ConnectHost(0, Null, 7, 0, 3)),
 'lookup_options': seq(Lookup(0, 0), Tcp(True, 0), op(18, Slot(0), Some(u8(0))), ReadText(Borrowed(0, 0), 3),
                 SetSecs(Slot(0), 0, 3), SetSecs(Slot(0), 2, 11), Query(Slot(0), tag(8, 9) + u8(0)),
                 Close(Slot(0)), Query(Slot(0), tag(0, 9)), SetSecs(Slot(0), 1, 8),
                 op(33, tag(7, 12) + i32(111) + b(False) + b(False) + u8(4))),
}
out = sys.argv[1]
for name, data in seeds.items():
    open(os.path.join(out, name), 'wb').write(data)
    print(name, len(data))
