#!/usr/bin/env python3
"""Write the seed corpus: tests/fuzz/corpus/fuzz_{engine,args,packet}/.

Each seed is a small, meaningful input; the fuzzers mutate copies of them
(run.sh), never these files. The engine seeds are programs in the format
fuzz_engine.c reads: keep the pools and bit layout here in step with it.

    python3 tests/fuzz/make_seeds.py
"""
import os
import shutil
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- fuzz_engine programs (see fuzz_engine.c) ----

MODES = ["sum", "stat", "log", "ce", "sess"]
INTERVALS = ["1", "0.5", "2.5", "7", "60", "0.75", "1.000000001", "10"]
TIMEOUTS = [None, "1", "2", "3", "10", "60", "240", "5"]
MAX_SESSIONS = ["0", "1", "3", None]
# Outer IPv6 pool: BR, two DS-Lite B4s, two MAP-E CEs, two LW4o6 B4s, a BR inside a rule.
OUTER = ["br", "b4a", "b4b", "map0", "map1", "lw5", "lw6", "br2"]
# Inner IPv4 pool: private client, 10/8 client, the MAP CEs' and the bindings' IPv4, servers.
INNER = ["192.168.1.10", "10.0.0.1", "192.0.2.18", "198.51.100.200", "198.51.100.5", "203.0.113.10",
         "203.0.113.53", "8.8.8.8"]
PORTS = [53, 80, 443, 1408, 6560, 40000, 0]
SYN, ACK, FIN, RST = 0x02, 0x10, 0x01, 0x04
ECHO_REQUEST, ECHO_REPLY, UNREACHABLE = 8, 0, 3


def header(mode="sum", interval="1", timeouts=(None,) * 5, sort=0, height=0, refresh=0, delimiter=0, src=0,
           threshold=0, max_sessions=None, bytes_ipv4=0, json=0, tunnel=0, ce_ports=0, evicted=0, ends=0,
           noheader=0, rules=0, bindings=0, brs=0, filter=0, engine=0, flush=0, live=0, clear=0,
           nanoseconds=0, start=0):
    """The 8 header bytes: fields from the least significant bit up."""
    fields = [(3, MODES.index(mode)), (3, INTERVALS.index(interval))]
    fields += [(3, TIMEOUTS.index(t)) for t in timeouts]
    fields += [(2, sort), (2, height), (2, refresh), (2, delimiter), (2, src), (2, threshold),
               (2, MAX_SESSIONS.index(max_sessions))]
    fields += [(1, v) for v in (bytes_ipv4, json, tunnel, ce_ports, evicted, ends, noheader)]
    fields += [(4, rules), (3, bindings), (2, brs), (1, filter), (1, engine), (1, flush), (1, live),
               (1, clear), (1, nanoseconds), (2, start)]
    word, shift = 0, 0
    for width, value in fields:
        assert 0 <= value < 1 << width
        word |= value << shift
        shift += width
    return word.to_bytes(8, "big")


def packet(proto, outer_src, outer_dst, inner_src, sport, inner_dst, dport, marks=0, length=100):
    """A tunnelled packet; a port outside the pool is read as 16 bits."""
    raw = b""

    def port_index(port):
        nonlocal raw
        if port in PORTS:
            return PORTS.index(port)
        raw += struct.pack(">H", port)
        return 7

    op = ["TCP", "UDP", "ICMP"].index(proto) << 3
    outer = OUTER.index(outer_src) | OUTER.index(outer_dst) << 3
    inner = INNER.index(inner_src) | INNER.index(inner_dst) << 3
    s = port_index(sport)
    d = s if proto == "ICMP" else port_index(dport)
    return bytes([op, outer, inner, s | d << 3, marks]) + raw + struct.pack(">H", length)


def step(quarters, jitter=0):
    """Forward by quarters of the interval, plus jitter nanoseconds."""
    return bytes([3 | quarters << 3, jitter & 0xff])


def back(power):
    """Back by 2^(30 + power) ns."""
    return bytes([4 | power << 3])


def expire(timeout_class, jitter=0, from_last=False):
    """Just past a timeout class (0 TCP .. 4 ICMP) after the latest frame, or after the last one."""
    return bytes([5 | from_last << 3 | timeout_class << 5, jitter & 0xff])


def boundary(n=1, offset=1):
    """Onto the n-th interval boundary after the latest frame, offset -1, 0 or +1 ns."""
    return bytes([5 | 2 << 3 | (n - 1) << 5, offset + 1])


def gap(extra_rows=0):
    """Past more stat rows than FOT_MAX_GAP_ROWS."""
    return bytes([5 | 3 << 3]) + struct.pack(">H", extra_rows)


def tally(which, n):
    return bytes([6 | which << 3, n])


CHECK, RENDER, RESET = bytes([7]), bytes([7 | 2 << 3]), bytes([7 | 3 << 3])


def top(sort, limit):
    return bytes([7 | 1 << 3 | sort << 5, limit])


def tcp_session(ce, br, client, cport, server, sport):
    """Handshake, data both ways, FIN/ACK: the client behind ce."""
    return (packet("TCP", ce, br, client, cport, server, sport, SYN, 60) + step(1) +
            packet("TCP", br, ce, server, sport, client, cport, SYN | ACK, 60) + step(1) +
            packet("TCP", ce, br, client, cport, server, sport, ACK, 52) +
            packet("TCP", ce, br, client, cport, server, sport, ACK, 500) + step(2) +
            packet("TCP", br, ce, server, sport, client, cport, ACK, 1400) + step(4) +
            packet("TCP", ce, br, client, cport, server, sport, FIN | ACK, 52))


def dns(ce, client, cport):
    return (packet("UDP", ce, "br", client, cport, "203.0.113.53", 53, 0, 60) + step(1) +
            packet("UDP", "br", ce, "203.0.113.53", 53, client, cport, 0, 120))


def ping(ce, client, ident):
    return (packet("ICMP", ce, "br", client, ident, "8.8.8.8", ident, ECHO_REQUEST, 84) + step(1) +
            packet("ICMP", "br", ce, "8.8.8.8", ident, client, ident, ECHO_REPLY, 84))


ENGINE_SEEDS = {
    # sum: a DS-Lite TCP session, DNS and ping, with tallies.
    "sum-dslite": header("sum") + tcp_session("b4a", "br", "192.168.1.10", 40000, "203.0.113.10", 443) +
                  dns("b4a", "192.168.1.10", 40000) + ping("b4b", "10.0.0.1", 1408) +
                  tally(0, 2) + tally(1, 1) + tally(2, 3) + step(8),
    # Two B4s share one inner 5-tuple: two sessions.
    "sum-two-b4s": header("sum", tunnel=1, height=1) +
                   packet("UDP", "b4a", "br", "192.168.1.10", 40000, "203.0.113.10", 443) +
                   packet("UDP", "b4b", "br", "192.168.1.10", 40000, "203.0.113.10", 443) + step(4) +
                   packet("UDP", "br", "b4a", "203.0.113.10", 443, "192.168.1.10", 40000) + CHECK,
    # stat rows across boundaries, sessions timing out class by class.
    "stat-expiry": header("stat", interval="0.5", timeouts=("10", "2", "5", "1", "1")) +
                   tcp_session("b4a", "br", "192.168.1.10", 40000, "203.0.113.10", 80) +
                   dns("b4a", "192.168.1.10", 1408) + ping("b4a", "192.168.1.10", 7) +
                   expire(4) + expire(3) + back(0) + expire(1, from_last=True) + boundary(2, 0) + expire(0, 1),
    # stat through an idle gap longer than FOT_MAX_GAP_ROWS rows.
    "stat-gap": header("stat", interval="7", timeouts=("60", None, "60", None, None), ce_ports=1, evicted=1) +
                packet("TCP", "b4a", "br", "192.168.1.10", 40000, "203.0.113.10", 443, SYN) + step(3) +
                gap(5) + packet("UDP", "b4a", "br", "192.168.1.10", 40000, "203.0.113.10", 443) + step(1),
    # stat with the Japanese MAP-E rules: ports in and out of the CE's set.
    "stat-mape-jp": header("stat", rules=0b0010, ce_ports=1, delimiter=3) +
                    packet("TCP", "map1", "br", "198.51.100.200", 6560, "203.0.113.10", 443, SYN) + step(2) +
                    packet("TCP", "map1", "br", "198.51.100.200", 6561, "203.0.113.10", 443, SYN) + step(2) +
                    packet("TCP", "map1", "br", "198.51.100.200", 40000, "203.0.113.10", 443, SYN) +
                    packet("UDP", "br", "map1", "203.0.113.10", 443, "198.51.100.200", 6560) + step(8),
    # log with tunnel columns and a nanosecond capture; frames out of order.
    "log-tunnel": header("log", tunnel=1, delimiter=1, nanoseconds=1, start=1) +
                  dns("b4b", "192.168.1.10", 40000) + back(0) +
                  packet("UDP", "b4b", "br", "192.168.1.10", 40000, "203.0.113.53", 53) + step(2, 7) +
                  ping("b4b", "192.168.1.10", 9),
    # log as JSON, before the epoch, ipv4 byte counts.
    "log-json": header("log", json=1, bytes_ipv4=1, start=2) +
                tcp_session("b4a", "br", "10.0.0.1", 40000, "8.8.8.8", 80),
    # ce: RFC 7597 rule, LW4o6 bindings, BR, a CE from its interface identifier only.
    "ce-softwire": header("ce", rules=0b0001, bindings=0b011, brs=0b01, threshold=1) +
                   # 1232: A = 1, PSID 0x34 of map0 (offset 6, 8 PSID bits)
                   packet("TCP", "map0", "br", "192.0.2.18", 1232, "203.0.113.10", 443, SYN) +
                   packet("TCP", "lw5", "br", "198.51.100.5", 1408, "203.0.113.10", 443, SYN) +
                   packet("TCP", "lw5", "br", "198.51.100.5", 1409, "203.0.113.10", 443, SYN) +
                   packet("TCP", "lw6", "br", "198.51.100.5", 40000, "203.0.113.10", 443, SYN) +
                   packet("ICMP", "lw6", "br", "198.51.100.5", 1408, "8.8.8.8", 1408, ECHO_REQUEST) +
                   packet("UDP", "map1", "br", "198.51.100.200", 6560, "203.0.113.53", 53) + step(4),
    # ce without configuration: DS-Lite and the port-range heuristic.
    "ce-heuristic": header("ce", noheader=1) +
                    b"".join(packet("UDP", "lw6", "br", "198.51.100.5", 1408 + i, "203.0.113.10", 443)
                             for i in range(5)) +
                    packet("TCP", "b4a", "br", "192.168.1.10", 40000, "203.0.113.10", 443, SYN) + step(2),
    # sess with ends: opens, timeouts, evictions at a cap of one session.
    "sess-ends-cap": header("sess", ends=1, max_sessions="1", timeouts=(None, None, "2", "1", "1")) +
                     dns("b4a", "192.168.1.10", 40000) + ping("b4b", "10.0.0.1", 3) +
                     packet("UDP", "map0", "br2", "192.0.2.18", 1408, "203.0.113.10", 80) + expire(2) +
                     packet("UDP", "lw5", "br", "198.51.100.5", 1408, "203.0.113.10", 80) + step(1),
    # The first packet guessed wrong: a SYN/ACK turns the session around.
    "engine-flip": header("sum", engine=1) +
                   packet("TCP", "br", "b4a", "203.0.113.10", 443, "192.168.1.10", 40000, ACK) + step(1) +
                   packet("TCP", "br", "b4a", "203.0.113.10", 443, "192.168.1.10", 40000, SYN | ACK) +
                   packet("ICMP", "br", "b4b", "8.8.8.8", 5, "10.0.0.1", 5, UNREACHABLE) + CHECK +
                   top(0, 1) + top(2, 0) + RENDER,
    # src= and br= orient sessions; a reset starts the engine over.
    "engine-orient-reset": header("sum", engine=1, src=1, brs=0b11, sort=3, height=1) +
                           packet("UDP", "br", "b4a", "203.0.113.10", 443, "192.168.1.10", 40000) +
                           packet("UDP", "br2", "map0", "203.0.113.10", 80, "192.0.2.18", 1408) + step(2) +
                           CHECK + RESET + packet("TCP", "b4b", "br", "10.0.0.1", 40000, "8.8.8.8", 80, SYN) +
                           top(1, 3),
    # sum redraws every interval (live), clearing the screen.
    "sum-live": header("sum", live=1, clear=1, flush=1, interval="0.75", sort=2, height=1) +
                tcp_session("b4a", "br", "192.168.1.10", 40000, "203.0.113.10", 443) + boundary(3, -1) +
                ping("b4a", "192.168.1.10", 1),
}

# ---- fuzz_args strings ----

ARGS_SEEDS = {
    # -z arguments from tests/golden/TESTLIST
    "sum-height": "sum,height=8",
    "stat-options": "stat,interval=2,dns_timeout=1,icmp_timeout=1,noheader,delimiter=;",
    "timeouts": "sum,tcp_timeout=100,tcp_close_timeout=5,udp_timeout=30,dns_timeout=2,icmp_timeout=1",
    "log-src": "log,noheader,src=192.168.1.0/24",
    "filter": "sum,noheader,ip.addr in {203.0.113.53,198.51.100.99} and ip.proto==17",
    "ce-map-rules": "ce,map_rule=2001:db8:1000::/36;198.51.100.0/24;16;4,"
                    "map_rule=2001:db8:8000::/36;203.0.113.0/24;14;6",
    "ce-bindings": "ce,lw_binding=2001:db8:aaaa::5;198.51.100.5;3;6,lw_binding=2001:db8:aaaa::6;198.51.100.5;4;6",
    "stat-ce-ports": "stat,ce_ports,map_rule=2001:db8:1000::/36;198.51.100.0/24;16;4",
    "log-tunnel": "log,tunnel,delimiter=tab,br=2001:db8:ffff::1",
    "error-key": "sum,intervall=5",
    "error-range": "stat,interval=0",
    "sess": "sess,ends,format=json,max_sessions=1000,evicted,sort=recent,bytes=ipv4,refresh=on,threshold=90",
    "filter-explicit": "sum,filter=ip.src==192.0.2.1,height=3",
    # Preference values (fot_config_set_text), each also tried as a rule and a binding.
    "interval-ns": "0.000000001",
    "src-prefix": "198.51.100.0/22",
    "rules-list": "2001:db8::/40;192.0.2.0/24;16;6 2001:db8:1000::/36;198.51.100.0/24;16;4",
    "binding-offset0": "2001:db8:2::1;192.0.2.1;255;8",
    "br-prefix": "2001:db8:ffff::/48",
}

# A MAP rule and, after a NUL, the CE address its port set is worked out for.
ARGS_BINARY_SEEDS = {
    "rule-with-ce": b"2001:db8::/40;192.0.2.0/24;16;6\0" +
                    bytes.fromhex("20010db8001234000000c00002120034"),
}

# ---- fuzz_packet data ----


def ipv4(proto, payload, ihl=5, flags_frag=0, total=None):
    options = b"\x01" * (4 * (ihl - 5))
    length = total if total is not None else 4 * ihl + len(payload)
    return (struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, length, 0x1234, flags_frag, 64, proto, 0,
                        bytes([192, 168, 1, 10]), bytes([203, 0, 113, 10])) + options + payload)


TCP_SYN = struct.pack(">HHIIBBHHH", 40000, 443, 1, 0, 0x50, SYN, 65535, 0, 0)
UDP_DNS = struct.pack(">HHHH", 40000, 53, 20, 0) + b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
ICMP_ECHO = struct.pack(">BBHHH", ECHO_REQUEST, 0, 0, 0x0bad, 1) + b"ping"
B4 = bytes.fromhex("20010db8000100000000000000000001")
AFTR = bytes.fromhex("20010db8ffff00000000000000000001")
ETHERNET = bytes(12) + b"\x86\xdd"


def ipv6(next_header, payload):
    return struct.pack(">IHBB", 0x60000000, len(payload), next_header, 64) + B4 + AFTR + payload


def extension(next_header, length_units=0):
    """Hop-by-Hop, Routing or Destination Options: 8 * (1 + length_units) bytes."""
    return bytes([next_header, length_units]) + bytes(6 + 8 * length_units)


def fragment(next_header, offset, more):
    return struct.pack(">BBHI", next_header, 0, offset | more, 0xcafe)


def in_frame(frame):
    """First byte even: the addresses are read from the frame, here its IPv6 header's."""
    at = frame.index(B4 + AFTR)
    return bytes([(at - 8) << 1]) + frame


def addresses_first(frame):
    """First byte odd: the 32 bytes after it are the addresses."""
    return b"\x01" + B4 + AFTR + frame


PACKET_SEEDS = {
    "ipv4-tcp-syn": b"\x00" + ipv4(6, TCP_SYN),
    "ipv4-udp-dns": b"\x00" + ipv4(17, UDP_DNS),
    "ipv4-icmp-echo": b"\x00" + ipv4(1, ICMP_ECHO),
    "ipv4-options-cut": b"\x00" + ipv4(6, TCP_SYN, ihl=15)[:50],
    "ipv4-fragment": b"\x00" + ipv4(17, UDP_DNS[:8], flags_frag=0x2000),
    "ipv4-bad-total": b"\x00" + ipv4(6, TCP_SYN, total=19),
    "ipv6-ipv4-tcp": in_frame(ETHERNET + ipv6(4, ipv4(6, TCP_SYN))),
    "ipv6-hop-dst-ipv4-udp": in_frame(ETHERNET + ipv6(0, extension(60, 1) + extension(4) + ipv4(17, UDP_DNS))),
    "ipv6-routing-ipv4-icmp": addresses_first(ipv6(43, extension(4, 2) + ipv4(1, ICMP_ECHO))),
    "ipv6-first-fragment": in_frame(ETHERNET + ipv6(44, fragment(4, 0, 1) + ipv4(6, TCP_SYN))),
    "ipv6-later-fragment": addresses_first(ETHERNET + ipv6(44, fragment(4, 1448, 0) + bytes(24))),
    "fast-ipv6-atomic-fragment": b"\x00" + ipv6(44, fragment(4, 0, 0) + ipv4(17, UDP_DNS)),
    "fast-ipv6-ipv4-tcp": b"\x00" + ipv6(4, ipv4(6, TCP_SYN)),
    "fast-ipv6-hop-dst-ipv4-icmp": b"\x00" + ipv6(0, extension(60, 1) + extension(4) + ipv4(1, ICMP_ECHO)),
    "fast-ipv6-ipv4-udp-trailer": in_frame(ETHERNET + ipv6(4, ipv4(17, UDP_DNS)) + bytes(4)),
    "ipv6-vlan-pppoe": in_frame(bytes(12) + b"\x81\x00\x00\x64\x88\x64" + bytes.fromhex("1100000100420057") +
                                ipv6(4, ipv4(17, UDP_DNS))),
}


# ---- fuzz_walk data: the differential test's edge frames (tests/cli/walk_edges.py) ----

# fuzz_walk.c's LINKTYPES, in its order.
WALK_LINKTYPES = [1, 113, 276, 101, 12, 14, 228, 229, 0, 108, 9, 51]


def walk_seed(linktype, frames):
    """A link type, then per frame: a one-second step, its length, its bytes (cut frames as captured)."""
    out = bytes([WALK_LINKTYPES.index(linktype)])
    for frame in frames:
        data = frame[0] if isinstance(frame, tuple) else frame
        out += bytes([3]) + struct.pack(">H", len(data)) + data
    return out


def walk_seeds():
    sys.path.insert(0, os.path.join(HERE, "..", "cli"))
    import walk_edges
    return {name[:-len(".pcap")]: walk_seed(linktype, frames)
            for name, (linktype, frames, _) in walk_edges.captures().items()}


def write(target, seeds):
    folder = os.path.join(HERE, "corpus", target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, data in seeds.items():
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def main():
    write("fuzz_engine", ENGINE_SEEDS)
    write("fuzz_args", {**ARGS_SEEDS, **ARGS_BINARY_SEEDS})
    write("fuzz_packet", PACKET_SEEDS)
    write("fuzz_walk", walk_seeds())
    return 0


if __name__ == "__main__":
    sys.exit(main())
