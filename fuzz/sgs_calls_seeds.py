"""Writes the hand-made seeds of the sgs_calls fuzz target: a connected pair of each kind
(TCP over 127.0.0.1 and ::1, UDP, a Unix stream), and the SPEC §9 calls on a TCP pair.
Encoded as `arbitrary` 1.5 decodes `Vec<Op>`: a continue-bool before each element,
little-endian integers, enum variants from a u32 scaled by the variant count.

The variant numbers follow the enums in fuzz_targets/sgs_calls.rs: after changing those,
regenerate and check the decoding:
    python3 sgs_calls_seeds.py corpus/sgs_calls
    cargo +nightly fuzz fmt sgs_calls corpus/sgs_calls/calls
"""
import struct, sys, os
def tag(i, n): return struct.pack('<I', ((2 * i + 1) << 32) // (2 * n))
def b(x): return bytes([1 if x else 0])
def u8(x): return bytes([x])
def u16(x): return struct.pack('<H', x)
def i32(x): return struct.pack('<i', x)
def seq(*ops): return b''.join(b(True) + o for o in ops)

OPS = 16  # Op: Call .. Pair, Calls
def op(i, *fields): return tag(i, OPS) + b''.join(fields)
def Collect(): return op(13)
def Pair(kind, dst): return op(14, u8(kind), u8(dst))
def Recv(target, n, dst): return op(10, u8(target), tag(2, 12) + u16(n) + b(False), u8(dst))

CALLS = 12  # Calls: Sendall .. Getnameinfo
def Calls(i, dst, *fields): return op(15, tag(i, CALLS), *fields, u8(dst))
def Sendall(target, n): return Calls(0, 7, u8(target), u16(n), b(False))
def Connect(target, to, dst): return Calls(1, dst, u8(target), u8(to), tag(1, 6))  # timeout 0
def SocketConnect(host, port_slot, dst):
    # host Pick, port Own(slot), timeout Millis(3), no family
    return Calls(2, dst, tag(0, 3) + u8(host), tag(0, 5) + u8(port_slot), tag(0, 6) + u8(3), b(False))
def SocketPair(dst): return Calls(3, dst, b(False))
def Group(target, join, group, dst): return Calls(4, dst, u8(target), b(join), tag(0, 3) + u8(group), tag(0, 9))
def Getsockopt(target, pair, dst): return Calls(5, dst, u8(target), tag(0, 4) + u8(pair), b(False))
def Setsockopt(target, pair, value): return Calls(6, 7, u8(target), tag(0, 4) + u8(pair), tag(0, 5) + i32(value))
def GetProperty(target, which, dst): return Calls(7, dst, u8(target), u8(which))
def SetTtl(target, value): return Calls(8, 7, u8(target), u8(1), tag(3, 13) + bytes([value & 0xff]))
def Detach(target, dst): return Calls(9, dst, u8(target))
def FromfdKept(i, dst): return Calls(10, dst, tag(0, 7) + u8(i))
def Getnameinfo(net, dst): return Calls(11, dst, tag(11, 13) + u8(net), b(False))

seeds = {
    'pair_tcp4': seq(Pair(0, 0), Collect()),
    'pair_tcp6': seq(Pair(1, 0), Collect()),
    'pair_udp': seq(Pair(2, 0), Collect()),
    'pair_unix': seq(Pair(3, 0), Collect()),
    # TCP client 0, server 1, listener 2; then a UDP pair at 5 and 6.
    'calls': seq(Pair(0, 0), Sendall(0, 1000), Recv(1, 2000, 7), Getsockopt(0, 8, 7),
                 Setsockopt(0, 0, 65536), GetProperty(0, 0, 7), SocketConnect(0, 2, 3),
                 Detach(0, 7), GetProperty(0, 0, 7), FromfdKept(0, 4), SocketPair(3),
                 Getnameinfo(0, 7), Pair(2, 5), Group(5, True, 0, 7), Group(5, False, 0, 7),
                 SetTtl(5, 3), Connect(6, 0, 7), Collect()),
}
out = sys.argv[1]
for name, data in seeds.items():
    open(os.path.join(out, name), 'wb').write(data)
    print(name, len(data))
