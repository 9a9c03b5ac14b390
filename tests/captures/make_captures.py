#!/usr/bin/python3
"""Write the 4o6top test captures, deterministically (fixed times, no randomness
except seeded). Debian's python3-scapy; run as /usr/bin/python3.

Each capture's docstring says what is in it and what 4o6top must make of it;
the expected files in tests/golden/expected/ were written from these notes and
checked by hand (see tests/golden/README.md).

Usage: make_captures.py OUTDIR [NAME...]
"""
import os
import random
import struct
import sys
from decimal import Decimal

from scapy.all import (CookedLinux, Dot1AD, Dot1Q, Ether, GRE, ICMP, ICMPv6PacketTooBig, IP, IPOption, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment, IPv6ExtHdrHopByHop, PadN, PPP, PPPoE,
                       Raw, TCP, UDP, PcapNgWriter, fragment)
from scapy.layers.inet6 import HBHOptUnknown

T0 = 1714521600  # 2024-05-01T00:00:00Z

AFTR = "2001:db8:ffff::1"          # DS-Lite AFTR / MAP-E BR / lwAFTR
B4_1 = "2001:db8:1::2"
B4_2 = "2001:db8:2::2"
MAP_CE = "2001:db8:12:3400:0:c000:212:34"   # RFC 7597 Appendix A, example 2: 192.0.2.18, PSID 0x34
LW_B4_1 = "2001:db8:aaaa::5"
LW_B4_2 = "2001:db8:aaaa::6"
WEB = "203.0.113.10"
DNS = "203.0.113.53"
OTHER = "198.51.100.200"

MAC_CE = "02:00:00:00:00:01"
MAC_BR = "02:00:00:00:00:02"


class Capture:
    """Packets with exact times (Decimal); written as pcap (us or ns) or pcapng."""

    def __init__(self):
        self.packets = []

    def add(self, t, pkt, wirelen=None):
        t = t if isinstance(t, Decimal) else Decimal(str(t))
        self.packets.append((t, pkt, wirelen))
        return pkt

    def write(self, path, fmt="pcap", linktype=1):
        if fmt == "pcapng":
            w = PcapNgWriter(path)
            for t, pkt, _ in self.packets:
                pkt.time = t
                w.write(pkt)
            w.close()
            return
        # pcap written here: scapy rounds nanosecond times through a float.
        digits = 9 if fmt == "pcap-ns" else 6
        magic = 0xA1B23C4D if digits == 9 else 0xA1B2C3D4
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 262144, linktype))
            for t, pkt, wirelen in self.packets:
                data = bytes(pkt)
                secs = int(t)
                frac = int((t - secs) * 10 ** digits)
                f.write(struct.pack("<IIII", secs, frac, len(data), wirelen or len(data)))
                f.write(data)


def eth(up=True):
    return Ether(src=MAC_CE if up else MAC_BR, dst=MAC_BR if up else MAC_CE)


def tun(src6, dst6, inner, link=None):
    """inner IPv4 packet in IPv6 (next header 4), behind an Ethernet header."""
    return (link if link is not None else eth(src6 != AFTR)) / IPv6(src=src6, dst=dst6, nh=4, hlim=64) / inner


def tcp(src, sport, dst, dport, flags, payload=0, seq=1000, ack=0):
    p = IP(src=src, dst=dst, id=1, ttl=64) / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=8192)
    return p / Raw(b"\x00" * payload) if payload else p


def udp(src, sport, dst, dport, payload):
    return IP(src=src, dst=dst, id=1, ttl=64) / UDP(sport=sport, dport=dport) / Raw(b"\x00" * payload)


def icmp(src, dst, type_, ident=0, payload=56, code=0, seq=1):
    return IP(src=src, dst=dst, id=1, ttl=64) / ICMP(type=type_, code=code, id=ident, seq=seq) / Raw(b"\x00" * payload)


# ---- MAP arithmetic (RFC 7597 sections 5.1, 5.2, 6), written apart from the C code ----

def map_ce_address(rule6, rule4, ea_len, ipv4, psid, legacy=False):
    """The MAP CE IPv6 address of (ipv4, psid) under rule6 ("p/len"), rule4 ("a/len")."""
    import ipaddress
    net6, net4 = ipaddress.ip_network(rule6), ipaddress.ip_network(rule4)
    suffix_len = 32 - net4.prefixlen
    k = ea_len - suffix_len
    suffix = int(ipaddress.ip_address(ipv4)) & ((1 << suffix_len) - 1)
    ea = (suffix << k) | psid
    prefix = int(net6.network_address) | (ea << (128 - net6.prefixlen - ea_len))
    iid = (int(ipaddress.ip_address(ipv4)) << 16 | psid) << (8 if legacy else 0)
    return str(ipaddress.ip_address((prefix >> 64 << 64) | iid))


def map_ports(psid, psid_len, offset):
    """The ports of a PSID, in increasing order (A >= 1 when offset > 0)."""
    m = 16 - offset - psid_len
    first_a = 1 if offset else 0
    return [(a << (16 - offset)) | (psid << m) | j for a in range(first_a, 1 << offset) for j in range(1 << m)]


RFC_RULE = ("2001:db8::/40", "192.0.2.0/24", 16)          # RFC 7597 Appendix A, PSID offset 6
JP_RULE_8_4 = ("2001:db8:1000::/36", "198.51.100.0/24", 16)  # PSID length 8, offset 4: 240 ports
JP_RULE_6_6 = ("2001:db8:8000::/36", "203.0.113.0/24", 14)   # PSID length 6, offset 6: 1008 ports


def dslite(c):
    """DS-Lite: two B4s behind one AFTR; both use the inner 192.168.1.2.

    t+0.0..0.4  B4_1 TCP 192.168.1.2:40000 > WEB:443  SYN(40) SYN-ACK(40) ACK(40) 100B(140) 1000B(1040)
    t+1.0..1.1  B4_2 same inner 5-tuple: SYN(40) SYN-ACK(40)   -> a second session
    t+2.0..2.1  B4_1 UDP 192.168.1.2:5353 > DNS:53  query(58) answer(128)
    t+3.0..3.1  B4_2 ICMP echo id 0x1234 192.168.1.2 > WEB  request(84) reply(84)
    t+4.0..4.1  B4_1 TCP FIN+ACK both ways (40, 40): closing, 10 s
    """
    t = T0 + 0.0
    c.add(t + 0.0, tun(B4_1, AFTR, tcp("192.168.1.2", 40000, WEB, 443, "S")))
    c.add(t + 0.1, tun(AFTR, B4_1, tcp(WEB, 443, "192.168.1.2", 40000, "SA")))
    c.add(t + 0.2, tun(B4_1, AFTR, tcp("192.168.1.2", 40000, WEB, 443, "A")))
    c.add(t + 0.3, tun(B4_1, AFTR, tcp("192.168.1.2", 40000, WEB, 443, "PA", 100)))
    c.add(t + 0.4, tun(AFTR, B4_1, tcp(WEB, 443, "192.168.1.2", 40000, "A", 1000)))
    c.add(t + 1.0, tun(B4_2, AFTR, tcp("192.168.1.2", 40000, WEB, 443, "S")))
    c.add(t + 1.1, tun(AFTR, B4_2, tcp(WEB, 443, "192.168.1.2", 40000, "SA")))
    c.add(t + 2.0, tun(B4_1, AFTR, udp("192.168.1.2", 5353, DNS, 53, 30)))
    c.add(t + 2.1, tun(AFTR, B4_1, udp(DNS, 53, "192.168.1.2", 5353, 100)))
    c.add(t + 3.0, tun(B4_2, AFTR, icmp("192.168.1.2", WEB, 8, 0x1234)))
    c.add(t + 3.1, tun(AFTR, B4_2, icmp(WEB, "192.168.1.2", 0, 0x1234)))
    c.add(t + 4.0, tun(B4_1, AFTR, tcp("192.168.1.2", 40000, WEB, 443, "FA")))
    c.add(t + 4.1, tun(AFTR, B4_1, tcp(WEB, 443, "192.168.1.2", 40000, "FA")))


def mape(c):
    """MAP-E CE of RFC 7597 Appendix A (192.0.2.18, PSID 0x34, offset 6):
    its ports are A<<10 | 0x34<<2 | j, e.g. 1232-1235, 2256-2259.

    t+0.0..0.2  TCP 192.0.2.18:1232 > WEB:443  SYN(40) SYN-ACK(40) ACK(40)
    t+1.0..1.1  UDP 192.0.2.18:2256 > DNS:53   query(48) answer(80)
    t+2.0       UDP 192.0.2.18:1233 > OTHER:4500 (1028)
    t+5.0       UDP OTHER:4500 > 192.0.2.18:1233 (228)
    """
    t = T0
    c.add(t + 0.0, tun(MAP_CE, AFTR, tcp("192.0.2.18", 1232, WEB, 443, "S")))
    c.add(t + 0.1, tun(AFTR, MAP_CE, tcp(WEB, 443, "192.0.2.18", 1232, "SA")))
    c.add(t + 0.2, tun(MAP_CE, AFTR, tcp("192.0.2.18", 1232, WEB, 443, "A")))
    c.add(t + 1.0, tun(MAP_CE, AFTR, udp("192.0.2.18", 2256, DNS, 53, 20)))
    c.add(t + 1.1, tun(AFTR, MAP_CE, udp(DNS, 53, "192.0.2.18", 2256, 52)))
    c.add(t + 2.0, tun(MAP_CE, AFTR, udp("192.0.2.18", 1233, OTHER, 4500, 1000)))
    c.add(t + 5.0, tun(AFTR, MAP_CE, udp(OTHER, 4500, "192.0.2.18", 1233, 200)))


def lw4o6(c):
    """LW4o6: two B4s share 198.51.100.5 with different port ranges.

    t+0  LW_B4_1 TCP 198.51.100.5:20000 > WEB:80 SYN(40); t+0.1 SYN-ACK(40)
    t+1  LW_B4_2 TCP 198.51.100.5:24000 > WEB:80 SYN(40)
    t+2  LW_B4_2 UDP 198.51.100.5:24001 > OTHER:123 (76); t+2.05 answer (76)
    """
    t = T0
    c.add(t + 0.0, tun(LW_B4_1, AFTR, tcp("198.51.100.5", 20000, WEB, 80, "S")))
    c.add(t + 0.1, tun(AFTR, LW_B4_1, tcp(WEB, 80, "198.51.100.5", 20000, "SA")))
    c.add(t + 1.0, tun(LW_B4_2, AFTR, tcp("198.51.100.5", 24000, WEB, 80, "S")))
    c.add(t + 2.0, tun(LW_B4_2, AFTR, udp("198.51.100.5", 24001, OTHER, 123, 48)))
    c.add(t + 2.05, tun(AFTR, LW_B4_2, udp(OTHER, 123, "198.51.100.5", 24001, 48)))


def vlan(c):
    """802.1Q (VLAN 100) and QinQ (802.1ad 200 outside 802.1Q 300).

    t+0  802.1Q  B4_1 UDP 192.168.1.2:6000 > OTHER:7000 (128)
    t+1  QinQ    B4_2 UDP 192.168.1.3:6001 > OTHER:7000 (228)
    t+2  QinQ    answer to the second (68)
    """
    t = T0
    c.add(t + 0, tun(B4_1, AFTR, udp("192.168.1.2", 6000, OTHER, 7000, 100),
                     link=eth() / Dot1Q(vlan=100)))
    c.add(t + 1, tun(B4_2, AFTR, udp("192.168.1.3", 6001, OTHER, 7000, 200),
                     link=eth() / Dot1AD(vlan=200) / Dot1Q(vlan=300)))
    c.add(t + 2, tun(AFTR, B4_2, udp(OTHER, 7000, "192.168.1.3", 6001, 40),
                     link=eth(False) / Dot1AD(vlan=200) / Dot1Q(vlan=300)))


def pppoe(c):
    """PPPoE session (PPP protocol 0x0057, IPv6).

    t+0  B4_1 TCP 192.168.1.2:41000 > WEB:443 SYN (40); t+0.5 SYN-ACK (40)
    """
    t = T0
    link_up = eth() / PPPoE(sessionid=7) / PPP(proto=0x57)
    link_down = eth(False) / PPPoE(sessionid=7) / PPP(proto=0x57)
    c.add(t + 0.0, link_up / IPv6(src=B4_1, dst=AFTR, nh=4) / tcp("192.168.1.2", 41000, WEB, 443, "S"))
    c.add(t + 0.5, link_down / IPv6(src=AFTR, dst=B4_1, nh=4) / tcp(WEB, 443, "192.168.1.2", 41000, "SA"))


def sll(c):
    """Linux cooked capture (SLL, linktype 113), as `tcpdump -i any` writes.

    t+0  B4_1 UDP 192.168.1.2:40500 > DNS:53 (61); t+0.2 answer (141)
    """
    t = T0
    c.add(t + 0.0, CookedLinux(pkttype=4, lladdrtype=1, lladdrlen=6, src=b"\x02\0\0\0\0\x01\0\0", proto=0x86dd)
          / IPv6(src=B4_1, dst=AFTR, nh=4) / udp("192.168.1.2", 40500, DNS, 53, 33))
    c.add(t + 0.2, CookedLinux(pkttype=0, lladdrtype=1, lladdrlen=6, src=b"\x02\0\0\0\0\x02\0\0", proto=0x86dd)
          / IPv6(src=AFTR, dst=B4_1, nh=4) / udp(DNS, 53, "192.168.1.2", 40500, 113))


def nanosecond(c):
    """Nanosecond pcap; the DNS timeout (3 s) met to the nanosecond.

    t0                      query   192.168.1.2:40500 > DNS:53 (48)   opens session 1
    t0 + 2.999999999        answer  (48)   1 ns before session 1 ends: same session
    t0 + 5.999999999        query   (48)   exactly 3 s after: session 1 ended, session 2 opens
    """
    t = Decimal(T0)
    q = lambda: tun(B4_1, AFTR, udp("192.168.1.2", 40500, DNS, 53, 20))
    a = lambda: tun(AFTR, B4_1, udp(DNS, 53, "192.168.1.2", 40500, 20))
    c.add(t, q())
    c.add(t + Decimal("2.999999999"), a())
    c.add(t + Decimal("5.999999999"), q())


def exthdr(c):
    """IPv6 extension headers before the inner IPv4.

    t+0  Destination Options with Tunnel Encapsulation Limit (Linux ip6tnl default):
         B4_1 TCP 192.168.1.2:42000 > WEB:80 SYN; payload length 8 + 40 = 48
    t+1  Hop-by-Hop + Destination Options: SYN-ACK back; 8 + 8 + 40 = 56
    """
    t = T0
    encap_limit = HBHOptUnknown(otype=4, optlen=1, optdata=b"\x04")
    c.add(t + 0, eth() / IPv6(src=B4_1, dst=AFTR) / IPv6ExtHdrDestOpt(options=[encap_limit, PadN(optdata=b"\0")])
          / tcp("192.168.1.2", 42000, WEB, 80, "S"))
    c.add(t + 1, eth(False) / IPv6(src=AFTR, dst=B4_1) / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\0\0\0\0")])
          / IPv6ExtHdrDestOpt(options=[PadN(optdata=b"\0\0\0\0")]) / tcp(WEB, 80, "192.168.1.2", 42000, "SA"))


def frag_inner(c):
    """Inner IPv4 fragmented inside unfragmented IPv6.

    t+0, t+0.1, t+0.2  UDP 192.168.1.2:40500 > OTHER:6000, 3000 B of data = IPv4 3028 B,
                       fragments of 1400+1400+200 data: IPv6 payload 1420 + 1420 + 220 = 3060
    t+1, t+1.1         TCP 192.168.1.2:43000 > WEB:80, 2000 B of data, fragments sent LAST FIRST:
                       IPv4 fragments 1420 (offset 0) + 620 (offset 1400); counted at t+1.1: 2040
    t+2                only the first fragment of UDP 192.168.1.2:40501 > OTHER:6000 (id 99): never
                       completes -> 1 unreassembled fragment
    t+3                UDP 192.168.1.2:40502 > OTHER:6000 (128), unfragmented
    """
    t = T0
    big = IP(src="192.168.1.2", dst=OTHER, id=77) / UDP(sport=40500, dport=6000) / Raw(b"x" * 2992)
    for i, f in enumerate(fragment(big, fragsize=1400)):
        c.add(t + 0.1 * i, tun(B4_1, AFTR, f))
    tcpbig = IP(src="192.168.1.2", dst=WEB, id=78) / TCP(sport=43000, dport=80, flags="PA", seq=1, window=8192) \
        / Raw(b"y" * 1980)
    frags = fragment(tcpbig, fragsize=1400)
    c.add(t + 1.0, tun(B4_1, AFTR, frags[1]))
    c.add(t + 1.1, tun(B4_1, AFTR, frags[0]))
    lost = IP(src="192.168.1.2", dst=OTHER, id=99) / UDP(sport=40501, dport=6000) / Raw(b"z" * 2992)
    c.add(t + 2.0, tun(B4_1, AFTR, fragment(lost, fragsize=1400)[0]))
    c.add(t + 3.0, tun(B4_1, AFTR, udp("192.168.1.2", 40502, OTHER, 6000, 100)))


def outer_fragments(inner, ident, size):
    pkt = IPv6(src=B4_1, dst=AFTR) / IPv6ExtHdrFragment(id=ident, nh=4) / inner
    raw = bytes(inner)
    out, off = [], 0
    while off < len(raw):
        chunk = raw[off:off + size]
        more = off + size < len(raw)
        out.append(eth() / IPv6(src=B4_1, dst=AFTR, nh=44)
                   / IPv6ExtHdrFragment(nh=4, offset=off // 8, m=int(more), id=ident) / Raw(chunk))
        off += size
    del pkt
    return out


def frag_outer(c):
    """Outer IPv6 fragmented (the inner IPv4 is whole).

    t+0, 0.1, 0.2  UDP 192.168.1.2:40500 > OTHER:6000, IPv4 3028 B, split 1248+1248+532:
                   IPv6 payloads 1256 + 1256 + 540 = 3052, counted once at t+0.2
    t+1            first fragment only of id 0x99 (UDP 40501): 1 unreassembled
    t+2            UDP 192.168.1.2:40502 > OTHER:6000 (128), unfragmented
    """
    t = T0
    inner = udp("192.168.1.2", 40500, OTHER, 6000, 3000)
    for i, f in enumerate(outer_fragments(inner, 0x42, 1248)):
        c.add(t + 0.1 * i, f)
    lost = udp("192.168.1.2", 40501, OTHER, 6000, 3000)
    c.add(t + 1.0, outer_fragments(lost, 0x99, 1248)[0])
    c.add(t + 2.0, tun(B4_1, AFTR, udp("192.168.1.2", 40502, OTHER, 6000, 100)))


def fragment_at(inner, ident, start, end):
    """The outer IPv6 fragment of bytes [start, end) of inner."""
    raw = bytes(inner)
    return (eth() / IPv6(src=B4_1, dst=AFTR, nh=44)
            / IPv6ExtHdrFragment(nh=4, offset=start // 8, m=int(end < len(raw)), id=ident) / Raw(raw[start:end]))


def frag_outer_order(c):
    """Outer IPv6 fragments out of order, doubled, overlapping, never whole, or of an
    inner header with options; each series counts as Wireshark's own reassembly has it.
    Every inner packet is UDP 192.168.1.2 > OTHER:6000 of 3000 bytes (IPv4 3028 B).

    t+0, 0.1, 0.2       40600, id 0x51: fragments 3 (540 B IPv6 payload), 1 (1256), 2 (1256):
                        counted once at t+0.2, 3052 B
    t+1 .. 1.3          40601, id 0x52: fragment 1, fragment 1 again, 2, 3: counted at t+1.3 with
                        the doubled one's length too (1256 * 3 + 540 = 4308 B)
    t+2, 2.1            40602, id 0x53: fragments 2 and 3 only: 2 unreassembled
    t+3, 3.1, 3.2       40603, id 0x54: inner IPv4 header with 4 bytes of options (IPv4 3032 B),
                        fragments 1, 2, 3 (1256, 1256, 544): counted at t+3.2, 3056 B
    t+4, 4.1, 4.2       40604, id 0x55: bytes 0-1248, 1240-2488 (8 bytes again), 2488-3028:
                        counted at t+4.2, 1256 + 1256 + 548 = 3060 B
    t+5                 40605, unfragmented (IPv6 payload 3028 B)
    """
    t = T0
    a = udp("192.168.1.2", 40600, OTHER, 6000, 3000)
    for i, (start, end) in enumerate([(2496, 3028), (0, 1248), (1248, 2496)]):
        c.add(t + 0.1 * i, fragment_at(a, 0x51, start, end))
    b = udp("192.168.1.2", 40601, OTHER, 6000, 3000)
    for i, (start, end) in enumerate([(0, 1248), (0, 1248), (1248, 2496), (2496, 3028)]):
        c.add(t + 1 + 0.1 * i, fragment_at(b, 0x52, start, end))
    d = udp("192.168.1.2", 40602, OTHER, 6000, 3000)
    for i, (start, end) in enumerate([(1248, 2496), (2496, 3028)]):
        c.add(t + 2 + 0.1 * i, fragment_at(d, 0x53, start, end))
    e = IP(src="192.168.1.2", dst=OTHER, id=1, ttl=64, options=[IPOption(b"\x01\x01\x01\x00")]) \
        / UDP(sport=40603, dport=6000) / Raw(b"\x00" * 3000)
    for i, (start, end) in enumerate([(0, 1248), (1248, 2496), (2496, 3032)]):
        c.add(t + 3 + 0.1 * i, fragment_at(e, 0x54, start, end))
    f = udp("192.168.1.2", 40604, OTHER, 6000, 3000)
    for i, (start, end) in enumerate([(0, 1248), (1240, 2488), (2488, 3028)]):
        c.add(t + 4 + 0.1 * i, fragment_at(f, 0x55, start, end))
    c.add(t + 5, tun(B4_1, AFTR, udp("192.168.1.2", 40605, OTHER, 6000, 3000)))


def icmp_errors(c):
    """ICMP errors: their quoted headers open and refresh nothing.

    t+0   UDP 192.168.1.2:40500 > OTHER:9999 (58)                      UDP session, ends t+60
    t+30  ICMPv4 port unreachable OTHER > 192.168.1.2 quoting that UDP (IPv6 payload 20+8+28 = 56):
          an ICMP session, client 192.168.1.2 (the receiver), id 0; the UDP session is NOT refreshed
    t+30.5 ICMPv6 Packet Too Big from the AFTR quoting IPv6/IPv4/TCP 192.168.1.2:8080: no session
    t+31  ICMPv4 time exceeded from 198.51.100.1 to 192.168.1.2 quoting a TCP SYN to WEB:80
          (20+8+40 = 68): ICMP session client 192.168.1.2 > 198.51.100.1, id 0
    at the end (t+31): UDP 29 s left; ICMP port unreachable 2 s; time exceeded 3 s
    """
    t = T0
    c.add(t + 0, tun(B4_1, AFTR, udp("192.168.1.2", 40500, OTHER, 9999, 30)))
    quoted = IP(src="192.168.1.2", dst=OTHER, id=1) / UDP(sport=40500, dport=9999) / Raw(b"\0" * 30)
    c.add(t + 30, tun(AFTR, B4_1, IP(src=OTHER, dst="192.168.1.2", id=2) / ICMP(type=3, code=3)
                      / Raw(bytes(quoted)[:28])))
    ptb_quote = IPv6(src=B4_1, dst=AFTR, nh=4) / tcp("192.168.1.2", 8080, WEB, 80, "A", 1300)
    c.add(t + 30.5, eth(False) / IPv6(src=AFTR, dst=B4_1) / ICMPv6PacketTooBig(mtu=1280)
          / Raw(bytes(ptb_quote)[:1232]))
    syn = tcp("192.168.1.2", 44000, WEB, 80, "S")
    c.add(t + 31, tun(AFTR, B4_1, IP(src="198.51.100.1", dst="192.168.1.2", id=3) / ICMP(type=11, code=0)
                      / Raw(bytes(syn)[:40])))


def malformed(c):
    """Bad and odd packets between three good UDP packets (which all count).

    t+0  good   UDP 192.168.1.2:40500 > OTHER:6000 (48)
    t+1  inner IPv4 version 5                                -> malformed
    t+2  inner IPv4 header length 16 (IHL 4)                 -> malformed
    t+3  inner IPv4 total length 10                          -> malformed
    t+4  good   answer (48)
    t+5  TCP header cut to 10 bytes by the capture (snaplen) -> malformed
    t+6  IPv6 next header 4 with an empty payload            -> malformed
    t+7  inner IPv4 carrying GRE carrying UDP                -> other (no session for the UDP)
    t+8  good   UDP 192.168.1.2:40500 > OTHER:6000 (48)
    """
    t = T0
    good = udp("192.168.1.2", 40500, OTHER, 6000, 20)
    c.add(t + 0, tun(B4_1, AFTR, good))
    raw = bytearray(bytes(udp("192.168.1.2", 40501, OTHER, 6000, 20)))
    v5 = bytearray(raw); v5[0] = 0x55
    c.add(t + 1, eth() / IPv6(src=B4_1, dst=AFTR, nh=4) / Raw(bytes(v5)))
    ihl4 = bytearray(raw); ihl4[0] = 0x44
    c.add(t + 2, eth() / IPv6(src=B4_1, dst=AFTR, nh=4) / Raw(bytes(ihl4)))
    short = bytearray(raw); short[2:4] = struct.pack("!H", 10)
    c.add(t + 3, eth() / IPv6(src=B4_1, dst=AFTR, nh=4) / Raw(bytes(short)))
    c.add(t + 4, tun(AFTR, B4_1, udp(OTHER, 6000, "192.168.1.2", 40500, 20)))
    cut = tun(B4_1, AFTR, tcp("192.168.1.2", 45000, WEB, 80, "S"))
    c.add(t + 5, Ether(bytes(cut)[:14 + 40 + 20 + 10]), wirelen=len(cut))  # snaplen cut inside TCP
    c.add(t + 6, eth() / IPv6(src=B4_1, dst=AFTR, nh=4, plen=0))
    c.add(t + 7, tun(B4_1, AFTR, IP(src="192.168.1.2", dst=OTHER, id=1) / GRE() / IP(src="10.9.9.9", dst="10.8.8.8")
                     / UDP(sport=1111, dport=2222) / Raw(b"\0" * 10)))
    c.add(t + 8, tun(B4_1, AFTR, good))


def timeouts(c):
    """One session per timeout class, all opened at t+0.5 by the client:

      TCP ACK            192.168.1.2:1001 > WEB:80     240 s
      TCP RST            192.168.1.2:1002 > WEB:80      10 s
      TCP FIN+ACK        192.168.1.2:1003 > WEB:80      10 s
      UDP                192.168.1.2:1004 > OTHER:4500  60 s
      UDP DNS            192.168.1.2:1005 > DNS:53       3 s
      ICMP echo id 1006  192.168.1.2 > WEB               3 s
    then one more packet of the UDP session exactly when it ends (t+60.5):
    it opens a new session. The last frame is at t+250.5 (a plain IPv4 frame).
    """
    t = T0 + 0.5
    c.add(t, tun(B4_1, AFTR, tcp("192.168.1.2", 1001, WEB, 80, "A")))
    c.add(t, tun(B4_1, AFTR, tcp("192.168.1.2", 1002, WEB, 80, "R")))
    c.add(t, tun(B4_1, AFTR, tcp("192.168.1.2", 1003, WEB, 80, "FA")))
    c.add(t, tun(B4_1, AFTR, udp("192.168.1.2", 1004, OTHER, 4500, 20)))
    c.add(t, tun(B4_1, AFTR, udp("192.168.1.2", 1005, DNS, 53, 20)))
    c.add(t, tun(B4_1, AFTR, icmp("192.168.1.2", WEB, 8, 1006)))
    c.add(t + 60, tun(B4_1, AFTR, udp("192.168.1.2", 1004, OTHER, 4500, 20)))
    c.add(t + 250, eth() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1, dport=2))


def orientation(c):
    """Who is the client when the first packet is from the server.

    t+0  SYN-ACK WEB:443 > 192.168.1.2:46000 (capture began mid-handshake): the receiver is the
         client, so B4_1 is the tunnel's CE/B4 (by its markers)
    t+0.1 ACK back
    t+1  UDP OTHER:4500 > 192.168.1.2:4500 first, then the reply at t+1.1: the tunnel's CE/B4
         is B4_1, so 192.168.1.2 is the client (an inbound session: OTHER sent first); with
         src=192.168.1.0/24 or br=AFTR the same
    """
    t = T0
    c.add(t + 0, tun(AFTR, B4_1, tcp(WEB, 443, "192.168.1.2", 46000, "SA")))
    c.add(t + 0.1, tun(B4_1, AFTR, tcp("192.168.1.2", 46000, WEB, 443, "A")))
    c.add(t + 1, tun(AFTR, B4_1, udp(OTHER, 4500, "192.168.1.2", 4500, 20)))
    c.add(t + 1.1, tun(B4_1, AFTR, udp("192.168.1.2", 4500, OTHER, 4500, 20)))


def mape_rfc(c):
    """MAP-E rule of RFC 7597 Appendix A (2001:db8::/40, 192.0.2.0/24, 16 EA bits,
    offset 6): CE1 is Example 1's (192.0.2.18, PSID 0x34: ports 1232-1235,
    2256-2259, 3280-3283, ...); CE2 (PSID 0x35: 1236-1239, ...) is misconfigured and
    sends from CE1's ports; CE3 (PSID 0x36) sends from a wrong IPv4 address.

    t+0.0/0.1 CE1 TCP 192.0.2.18:1232 > WEB:443 SYN (40), SYN-ACK (40)
    t+0.2/0.3 CE1 UDP 192.0.2.18:2256 > DNS:53 (48), answer (80)
    t+1.0/1.1 CE2 TCP 192.0.2.18:2256 > WEB:443 SYN, SYN-ACK        out of set (2)
    t+1.2     CE2 UDP 192.0.2.18:3280 > OTHER:4500 (48)             out of set
    t+1.3     CE2 UDP 192.0.2.18:1236 > OTHER:4500 (48)             in its set
    t+2.0     CE3 UDP 192.0.2.99:1240 > OTHER:4500 (48)             out of set (address)
    t+2.1     CE1 ICMP echo id 1233 > WEB (84)                      in set
    t+2.2     CE2 ICMP echo id 7 > WEB (84)                         out of set (A = 0)
    """
    ce1 = map_ce_address(*RFC_RULE, "192.0.2.18", 0x34)
    ce2 = map_ce_address(*RFC_RULE, "192.0.2.18", 0x35)
    ce3 = map_ce_address(*RFC_RULE, "192.0.2.18", 0x36)
    assert ce1 == "2001:db8:12:3400:0:c000:212:34", ce1
    t = T0
    c.add(t + 0.0, tun(ce1, AFTR, tcp("192.0.2.18", 1232, WEB, 443, "S")))
    c.add(t + 0.1, tun(AFTR, ce1, tcp(WEB, 443, "192.0.2.18", 1232, "SA")))
    c.add(t + 0.2, tun(ce1, AFTR, udp("192.0.2.18", 2256, DNS, 53, 20)))
    c.add(t + 0.3, tun(AFTR, ce1, udp(DNS, 53, "192.0.2.18", 2256, 52)))
    c.add(t + 1.0, tun(ce2, AFTR, tcp("192.0.2.18", 2256, WEB, 443, "S")))
    c.add(t + 1.1, tun(AFTR, ce2, tcp(WEB, 443, "192.0.2.18", 2256, "SA")))
    c.add(t + 1.2, tun(ce2, AFTR, udp("192.0.2.18", 3280, OTHER, 4500, 20)))
    c.add(t + 1.3, tun(ce2, AFTR, udp("192.0.2.18", 1236, OTHER, 4500, 20)))
    c.add(t + 2.0, tun(ce3, AFTR, udp("192.0.2.99", 1240, OTHER, 4500, 20)))
    c.add(t + 2.1, tun(ce1, AFTR, icmp("192.0.2.18", WEB, 8, 1233)))
    c.add(t + 2.2, tun(ce2, AFTR, icmp("192.0.2.18", WEB, 8, 7)))


def mape_jp(c):
    """The two Japanese parameter sets, CE addresses in the legacy layout
    (IPv4 at byte 9). Every packet is a UDP datagram to OTHER:4500 (48 B) from a
    new port of the CE's set, in the set's order, 10 ms apart:

    CE A  PSID length 8, offset 4, 198.51.100.200 PSID 0x9a: 200 of 240 ports (83 %)  t+0.00 .. t+1.99
    CE B  same rule,               198.51.100.200 PSID 0x9b: 100 of 240 ports (41 %)  t+2.00 .. t+2.99
    CE C  PSID length 6, offset 6, 203.0.113.77   PSID 21:    50 of 1008 ports        t+3.00 .. t+3.49
    """
    plan = [(JP_RULE_8_4, "198.51.100.200", 0x9a, 8, 4, 200, Decimal(0)),
            (JP_RULE_8_4, "198.51.100.200", 0x9b, 8, 4, 100, Decimal(2)),
            (JP_RULE_6_6, "203.0.113.77", 21, 6, 6, 50, Decimal(3))]
    for rule, ipv4, psid, psid_len, offset, n, start in plan:
        ce = map_ce_address(*rule, ipv4, psid, legacy=True)
        for i, port in enumerate(map_ports(psid, psid_len, offset)[:n]):
            c.add(Decimal(T0) + start + Decimal(i) / 100, tun(ce, AFTR, udp(ipv4, port, OTHER, 4500, 20)))


def lw4o6_bind(c):
    """LW4o6: two B4s share 198.51.100.5; bindings give B4_1 PSID 3 and B4_2 PSID 4
    (length 6, offset 0: ports 3072-4095 and 4096-5119).

    t+0.0..0.4  LW_B4_1 UDP 198.51.100.5:3072..3076 > OTHER:4500 (48 each)
    t+1.0/1.1   LW_B4_2 TCP 198.51.100.5:4096 > WEB:443 SYN (40), SYN-ACK (40)
    t+2.0       LW_B4_2 UDP 198.51.100.5:3080 > OTHER:4500 (48): B4_1's port, out of set
    """
    t = T0
    for i in range(5):
        c.add(t + 0.1 * i, tun(LW_B4_1, AFTR, udp("198.51.100.5", 3072 + i, OTHER, 4500, 20)))
    c.add(t + 1.0, tun(LW_B4_2, AFTR, tcp("198.51.100.5", 4096, WEB, 443, "S")))
    c.add(t + 1.1, tun(AFTR, LW_B4_2, tcp(WEB, 443, "198.51.100.5", 4096, "SA")))
    c.add(t + 2.0, tun(LW_B4_2, AFTR, udp("198.51.100.5", 3080, OTHER, 4500, 20)))


# ---- softwire verdicts (issue 13): what a BR / lwAFTR would decide, packet by packet ----

BR_OTHER = "2001:db8:fffe::1"
ROUTER = "203.0.113.1"
LWV = {k: "2001:db8:aaaa::" + k for k in "abcdef"}

# The LW4o6 table of lw4o6-verdicts.pcap (b4, ipv4, psid, psid_len, offset, br):
LWV_TABLE = [
    (LWV["a"], "198.51.100.10", 1, 6, 0, AFTR),      # ports 1024-2047
    (LWV["a"], "198.51.100.10", 2, 6, 0, AFTR),      # ports 2048-3071
    (LWV["a"], "198.51.100.11", 1, 6, 0, AFTR),
    (LWV["b"], "198.51.100.10", 3, 6, 0, BR_OTHER),  # ports 3072-4095, served by another BR
    (LWV["c"], "198.51.100.12", 0, 0, 0, ""),        # PSID length 0: the whole address
    (LWV["e"], "198.51.100.13", 5, 6, 0, ""),        # E and F claim the same softwire
    (LWV["f"], "198.51.100.13", 5, 6, 0, ""),
]


def table_text(rows, comment):
    lines = ["# " + comment, "b4,ipv4,psid,psid_len,offset,br"]
    lines += [",".join(str(v) for v in row) for row in rows]
    return "\n".join(lines) + "\n"


def quoted_udp(src, sport, dst, dport):
    return bytes(IP(src=src, dst=dst, id=5, ttl=64) / UDP(sport=sport, dport=dport) / Raw(b"\0" * 20))[:28]


def lw4o6_verdicts(c):
    """LW4o6 verdicts against LWV_TABLE (B4s A..F = 2001:db8:aaaa::a..f; D is in no
    softwire). UDP to OTHER:4500 (payload 20) unless said; replies come back the same way.

    f1/f2   t+0.00  A  .10:1100 up, down                  bound (softwire .10 PSID 1)
    f3/f4   t+0.10  A  TCP .10:2100 > WEB:443 SYN, SYN-ACK bound (.10 PSID 2)
    f5      t+0.20  A  .11:1500                           bound (.11 PSID 1)
    f6/f7   t+0.30  A  .10:5000 up, down                  wrong-port (PSID 4 is no one's; A holds .10)
    f8/f9   t+0.40  B  .11:3500 up, down                  wrong-address (.11 PSID 3 no one's; B has none on .11)
    f10/f11 t+0.50  B  .10:1200 via BR_OTHER up, down     wrong-b4 (.10 PSID 1 is A's)
    f12/f13 t+0.60  B  .10:3100 via AFTR up, down         wrong-br (B's softwire is BR_OTHER's)
    f14     t+0.70  B  .10:3200 via BR_OTHER              bound
    f15/f16 t+0.80  D  192.168.7.2:4000 up, down          unbound
    f17     t+0.90  D  .10:1300                           wrong-b4
    f18/f19 t+1.00  E  .13:5200 up, down                  conflict
    f20     t+1.10  F  .13:5300                           conflict
    f21/f22 t+1.20  C  .12:80 up, down                    bound (PSID length 0: every port)
    f23/f24 t+1.30  A  ICMP echo request id 1300 up, reply down        bound (A chose 1300)
    f25/f26 t+1.40  A  ICMP echo request id 9999 from WEB down, reply up  wrong-port, both: WEB chose
                       the id; the request is judged by it (.10 PSID 9, no one's), the reply by port 0
                       (.10 PSID 0, no one's)
    f27/f28 t+1.50  A  ICMP echo request id 9000 up, reply down        wrong-port (9000: PSID 8)
    f29     t+1.60  ICMP port unreachable ROUTER > .10 (down) quoting UDP .10:1100 > OTHER:4500   bound
    f30     t+1.70  ICMP time exceeded ROUTER > .10 (down) quoting UDP .10:9100 > OTHER:4500     wrong-port
    f31     t+1.80  ICMP port unreachable .10 > OTHER (up) quoting UDP OTHER:4500 > .10:1150     bound
    f32-f34 t+1.90  A  .10:1700, 3000 B of data in three inner IPv4 fragments: one packet, bound
    f35     t+2.00  B  .10:1250 via BR_OTHER in VLAN 100   wrong-b4
    """
    t = Decimal(T0)
    A, B, C, D, E, F = (LWV[k] for k in "abcdef")

    def both(at, ce, ip, port, br=AFTR, reply=True, proto="udp"):
        if proto == "udp":
            c.add(at, tun(ce, br, udp(ip, port, OTHER, 4500, 20)))
            if reply:
                c.add(at + Decimal("0.01"), tun(br, ce, udp(OTHER, 4500, ip, port, 20)))
        else:
            c.add(at, tun(ce, br, tcp(ip, port, WEB, 443, "S")))
            c.add(at + Decimal("0.01"), tun(br, ce, tcp(WEB, 443, ip, port, "SA")))

    both(t + Decimal("0.00"), A, "198.51.100.10", 1100)
    both(t + Decimal("0.10"), A, "198.51.100.10", 2100, proto="tcp")
    both(t + Decimal("0.20"), A, "198.51.100.11", 1500, reply=False)
    both(t + Decimal("0.30"), A, "198.51.100.10", 5000)
    both(t + Decimal("0.40"), B, "198.51.100.11", 3500)
    both(t + Decimal("0.50"), B, "198.51.100.10", 1200, br=BR_OTHER)
    both(t + Decimal("0.60"), B, "198.51.100.10", 3100)
    both(t + Decimal("0.70"), B, "198.51.100.10", 3200, br=BR_OTHER, reply=False)
    both(t + Decimal("0.80"), D, "192.168.7.2", 4000)
    both(t + Decimal("0.90"), D, "198.51.100.10", 1300, reply=False)
    both(t + Decimal("1.00"), E, "198.51.100.13", 5200)
    both(t + Decimal("1.10"), F, "198.51.100.13", 5300, reply=False)
    both(t + Decimal("1.20"), C, "198.51.100.12", 80)
    a10 = "198.51.100.10"
    c.add(t + Decimal("1.30"), tun(A, AFTR, icmp(a10, WEB, 8, 1300)))
    c.add(t + Decimal("1.31"), tun(AFTR, A, icmp(WEB, a10, 0, 1300)))
    c.add(t + Decimal("1.40"), tun(AFTR, A, icmp(WEB, a10, 8, 9999)))
    c.add(t + Decimal("1.41"), tun(A, AFTR, icmp(a10, WEB, 0, 9999)))
    c.add(t + Decimal("1.50"), tun(A, AFTR, icmp(a10, WEB, 8, 9000)))
    c.add(t + Decimal("1.51"), tun(AFTR, A, icmp(WEB, a10, 0, 9000)))
    c.add(t + Decimal("1.60"), tun(AFTR, A, IP(src=ROUTER, dst=a10, id=2) / ICMP(type=3, code=3)
                                    / Raw(quoted_udp(a10, 1100, OTHER, 4500))))
    c.add(t + Decimal("1.70"), tun(AFTR, A, IP(src=ROUTER, dst=a10, id=3) / ICMP(type=11, code=0)
                                    / Raw(quoted_udp(a10, 9100, OTHER, 4500))))
    c.add(t + Decimal("1.80"), tun(A, AFTR, IP(src=a10, dst=OTHER, id=4) / ICMP(type=3, code=3)
                                    / Raw(quoted_udp(OTHER, 4500, a10, 1150))))
    big = IP(src=a10, dst=OTHER, id=80) / UDP(sport=1700, dport=4500) / Raw(b"x" * 2992)
    for i, f in enumerate(fragment(big, fragsize=1400)):
        c.add(t + Decimal("1.90") + Decimal(i) / 100, tun(A, AFTR, f))
    c.add(t + Decimal("2.00"), tun(B, BR_OTHER, udp(a10, 1250, OTHER, 4500, 20), link=eth() / Dot1Q(vlan=100)))


def lw4o6_verdicts_tables(outdir):
    """The table of lw4o6-verdicts.pcap as a bindings= file, in its order and reversed
    (the same verdicts must come out), and a file with every kind of bad line."""
    with open(os.path.join(outdir, "lw4o6-verdicts.csv"), "w") as f:
        f.write(table_text(LWV_TABLE, "LW4o6 softwires of lw4o6-verdicts.pcap"))
    with open(os.path.join(outdir, "lw4o6-verdicts-reversed.csv"), "w") as f:
        f.write(table_text(LWV_TABLE[::-1], "the same softwires, last first"))
    bad = [
        "# every kind of bad line, each after a good one's worth of context",
        "",
        "B4,IPv4,PSID,PSID_Len,Offset,BR",               # header: case-insensitive
        "2001:db8:aaaa::a,198.51.100.10,1,6,0,2001:db8:ffff::1",
        "not-an-address,198.51.100.10,2,6,0",             # line 5
        "2001:db8:aaaa::a,198.51.100.300,2,6,0",          # 6
        "2001:db8:aaaa::a,198.51.100.10,2,17,0",          # 7
        "2001:db8:aaaa::a,198.51.100.10,2,6,16",          # 8
        "2001:db8:aaaa::a,198.51.100.10,2,10,8",          # 9
        "2001:db8:aaaa::a,198.51.100.10,64,6,0",          # 10
        "2001:db8:aaaa::a,198.51.100.10,2,6,0,ffff::zz",  # 11
        "2001:db8:aaaa::a,198.51.100.10",                 # 12
        "2001:db8:aaaa::a,198.51.100.10,2,6,0,2001:db8:ffff::1,x",  # 13
        "   # an indented comment",
        "2001:db8:aaaa::a,198.51.100.10,1,6,0,2001:db8:ffff::1",   # 15: line 4 again
        "2001:db8:aaaa::b,198.51.100.10,1,6,0",                    # 16: line 4's IPv4 and PSID
        "2001:db8:aaaa::b,198.51.100.10,1,4,0",                    # 17: another PSID length on .10
        "2001:db8:aaaa::c,198.51.100.12, 0 , 0 ,\r",               # 18: spaces, CR, empty offset: good
    ]
    with open(os.path.join(outdir, "bad-table.csv"), "w") as f:
        f.write("\n".join(bad) + "\n")
    with open(os.path.join(outdir, "no-header-table.csv"), "w") as f:
        f.write("# no header line\n2001:db8:aaaa::a,198.51.100.10,1,6,0\n")


ECHO_P, ECHO_Q = "2001:db8:cccc::1", "2001:db8:cccc::2"
# The LW4o6 table of icmp-echo.pcap: P holds port 0 of .30, Q does not.
ECHO_TABLE = [
    (ECHO_P, "198.51.100.30", 0, 6, 0, AFTR),   # ports 0-1023
    (ECHO_Q, "198.51.100.30", 1, 6, 0, AFTR),   # ports 1024-2047
]


def icmp_echo(c):
    """Pings from the Internet to two B4s sharing 198.51.100.30 (ECHO_TABLE), as an lwAFTR
    judges them: the request coming down by its identifier (RFC 7596 section 8.1), the B4's
    reply going up by port 0 (Snabb's lwAFTR; RFC 7596 says nothing of it). Each 84 bytes.

    h1/h2 t+0  WEB > .30 echo request id 700 down to P, P's reply   bound (700: P's), bound (0: P's)
    h3/h4 t+1  WEB > .30 id 1500 down to Q, Q's reply               bound (1500: Q's), wrong-b4 (0: P's)
    h5/h6 t+2  WEB > .30 id 700 down to Q, Q's reply                wrong-b4 (700: P's), wrong-b4
    Three inbound ICMP sessions: id 700 in P's tunnel, 1500 and 700 in Q's.
    """
    t = Decimal(T0)
    for at, b4, ident in ((0, ECHO_P, 700), (1, ECHO_Q, 1500), (2, ECHO_Q, 700)):
        c.add(t + at, tun(AFTR, b4, icmp(WEB, "198.51.100.30", 8, ident)))
        c.add(t + at + Decimal("0.01"), tun(b4, AFTR, icmp("198.51.100.30", WEB, 0, ident)))


def icmp_echo_table(outdir):
    with open(os.path.join(outdir, "icmp-echo.csv"), "w") as f:
        f.write(table_text(ECHO_TABLE, "LW4o6 softwires of icmp-echo.pcap"))


MAP_V = {
    "M1": map_ce_address(*RFC_RULE, "192.0.2.18", 0x34),
    "M1L": map_ce_address(*RFC_RULE, "192.0.2.18", 0x34, legacy=True),
    "M2": map_ce_address(*RFC_RULE, "192.0.2.18", 0x35),
    "MP": "2001:db8:12:3400:0:c000:212:35",   # EA bits: PSID 0x34; interface identifier: 0x35
    "MI": "2001:db8:12:3400:0:c000:213:34",   # EA bits: 192.0.2.18; interface identifier: .19
    "MO": map_ce_address(*RFC_RULE, "192.0.2.18", 0x37),
    "MX": "2001:db9:12:3400:0:c000:212:34",   # outside the rule's 2001:db8::/40
}


def mape_verdicts(c):
    """MAP-E verdicts under the rule of RFC 7597 Appendix A (2001:db8::/40, 192.0.2.0/24,
    16 EA bits, offset 6: PSID length 8) and br=AFTR. UDP to OTHER (payload 20), each
    answered 10 ms later (down, judged by the destination):

    g1/g2   t+0.0  M1  (.18 PSID 0x34) .18:1232 > :4500        bound
    g3/g4   t+0.1  M2  (.18 PSID 0x35) .18:1233 > :4501        wrong-port (1233 is PSID 0x34's)
    g5/g6   t+0.2  M2  192.0.2.99:1236 > :4500                 wrong-address (M2 holds .18)
    g7/g8   t+0.3  MP  .18:1234 > :4502   wrong PSID in the IID   spoofed
    g9/g10  t+0.4  MI  .19:1232 > :4503   wrong IPv4 in the IID   spoofed
    g11/g12 t+0.5  MO  198.18.0.5:1244 > :4500  IPv4 outside the rule  unbound
    g13/g14 t+0.6  MX  .18:1235 > :4504   EA prefix outside the rule's prefix  spoofed
    g15/g16 t+0.7  M1L (M1's IPv4 + PSID, older IID layout) .18:2256 > :4505  conflict (M1 was first)
    g17/g18 t+0.8  M1 .18:2257 > :4500 via 2001:db8:fffe::1   wrong-br
    """
    t = Decimal(T0)
    plan = [("M1", "192.0.2.18", 1232, 4500, AFTR), ("M2", "192.0.2.18", 1233, 4501, AFTR),
            ("M2", "192.0.2.99", 1236, 4500, AFTR), ("MP", "192.0.2.18", 1234, 4502, AFTR),
            ("MI", "192.0.2.19", 1232, 4503, AFTR), ("MO", "198.18.0.5", 1244, 4500, AFTR),
            ("MX", "192.0.2.18", 1235, 4504, AFTR), ("M1L", "192.0.2.18", 2256, 4505, AFTR),
            ("M1", "192.0.2.18", 2257, 4500, BR_OTHER)]
    for i, (ce, ip, port, dport, br) in enumerate(plan):
        at = t + Decimal(i) / 10
        c.add(at, tun(MAP_V[ce], br, udp(ip, port, OTHER, dport, 20)))
        c.add(at + Decimal("0.01"), tun(br, MAP_V[ce], udp(OTHER, dport, ip, port, 20)))


PSID_B4 = {n: "2001:db8:bbbb::%d" % n for n in (4, 6, 8, 10, 16)}
PSID_BINDINGS = [  # b4, ipv4, psid, psid_len, offset
    (PSID_B4[10], "198.51.100.20", 0, 0, 0),      # every port
    (PSID_B4[4], "198.51.100.21", 5, 4, 0),       # 20480-24575
    (PSID_B4[6], "198.51.100.22", 9, 6, 6),       # A | 9 | j: 1168-1183, 2192-2207, ... (63 x 16)
    (PSID_B4[8], "198.51.100.23", 154, 8, 4),     # A | 154 | j: 6560-6575, ... (15 x 16)
    (PSID_B4[16], "198.51.100.24", 4000, 16, 0),  # port 4000 only
]


def psid_lengths(c):
    """LW4o6 softwires of PSID length 0, 4, 6, 8 and 16 (PSID_BINDINGS); UDP to OTHER:4500
    (payload 20), 0.1 s apart, in this order:

    ::10 .20:7, .20:65000                 bound, bound (PSID length 0)
    ::4  .21:20480, .21:24576             bound, wrong-port (PSID 6)
    ::6  .22:1168, .22:100, .22:1184      bound, wrong-port (A = 0), wrong-port (PSID 10)
    ::8  .23:6560, .23:6576               bound, wrong-port (PSID 155)
    ::16 .24:4000, .24:4000 > OTHER:4501, .24:4001   bound, bound, wrong-port
         (one port in use of one: the exhaustion warning once, from the first session)
    """
    plan = [(10, "198.51.100.20", 7, 4500), (10, "198.51.100.20", 65000, 4500),
            (4, "198.51.100.21", 20480, 4500), (4, "198.51.100.21", 24576, 4500),
            (6, "198.51.100.22", 1168, 4500), (6, "198.51.100.22", 100, 4500), (6, "198.51.100.22", 1184, 4500),
            (8, "198.51.100.23", 6560, 4500), (8, "198.51.100.23", 6576, 4500),
            (16, "198.51.100.24", 4000, 4500), (16, "198.51.100.24", 4000, 4501), (16, "198.51.100.24", 4001, 4500)]
    for i, (b4, ip, port, dport) in enumerate(plan):
        c.add(Decimal(T0) + Decimal(i) / 10, tun(PSID_B4[b4], AFTR, udp(ip, port, OTHER, dport, 20)))


def sample(c):
    """The README's sample: 3 DS-Lite B4s and a MAP-E CE over two minutes,
    web, DNS, NTP and ping traffic (seeded pseudo-random)."""
    rnd = random.Random(4606)
    ces = [(B4_1, "192.168.1.10"), (B4_2, "192.168.1.10"), ("2001:db8:3::2", "192.168.0.20"),
           (MAP_CE, "192.0.2.18")]
    servers = ["203.0.113.10", "203.0.113.11", "198.51.100.80", "198.51.100.81", "203.0.113.200"]
    events = []
    for n in range(60):
        ce, cip = ces[rnd.randrange(len(ces))]
        start = T0 + rnd.uniform(0, 110)
        kind = rnd.choice(["web", "web", "web", "dns", "ntp", "ping"])
        port = (1232 + (rnd.randrange(1, 60) << 10)) if ce == MAP_CE else rnd.randrange(32768, 60999)
        srv = rnd.choice(servers)
        if kind == "web":
            # Sequence numbers follow the bytes sent, so Wireshark's TCP analysis sees a
            # clean connection (initial numbers from the port: no extra random draws).
            n_data = rnd.randrange(2, 20)
            cseq, sseq = port * 1000, 7000000 + port
            events.append((start, ce, tcp(cip, port, srv, 443, "S", seq=cseq), True))
            events.append((start + 0.02, ce, tcp(srv, 443, cip, port, "SA", seq=sseq, ack=cseq + 1), False))
            cseq, sseq = cseq + 1, sseq + 1
            for k in range(n_data):
                up_len = rnd.randrange(50, 500)
                events.append((start + 0.03 + k * 0.05, ce, tcp(cip, port, srv, 443, "PA", up_len, cseq, sseq), True))
                cseq += up_len
                down_len = rnd.randrange(500, 1400)
                events.append((start + 0.05 + k * 0.05, ce, tcp(srv, 443, cip, port, "PA", down_len, sseq, cseq), False))
                sseq += down_len
            if rnd.random() < 0.5:
                end = start + 0.1 + n_data * 0.05
                events.append((end, ce, tcp(cip, port, srv, 443, "FA", seq=cseq, ack=sseq), True))
                events.append((end + 0.02, ce, tcp(srv, 443, cip, port, "FA", seq=sseq, ack=cseq + 1), False))
        elif kind == "dns":
            events.append((start, ce, udp(cip, port, DNS, 53, rnd.randrange(20, 60)), True))
            events.append((start + 0.01, ce, udp(DNS, 53, cip, port, rnd.randrange(60, 300)), False))
        elif kind == "ntp":
            events.append((start, ce, udp(cip, port, "198.51.100.123", 123, 48), True))
            events.append((start + 0.01, ce, udp("198.51.100.123", 123, cip, port, 48), False))
        else:
            ident = rnd.randrange(1, 65535)
            for k in range(3):
                events.append((start + k, ce, icmp(cip, srv, 8, ident, seq=k + 1), True))
                events.append((start + k + 0.01, ce, icmp(srv, cip, 0, ident, seq=k + 1), False))
    events.sort(key=lambda e: e[0])
    for t, ce, inner, up in events:
        c.add(round(t, 6), tun(ce, AFTR, inner) if up else tun(AFTR, ce, inner))


def mixed(c):
    """Seeded random traffic for the reference-model comparison (tests/oracle):
    12 CEs (several share inner addresses), 4000 packets over ~2 hours with idle
    gaps longer than every timeout, TCP (SYN, data, FIN, RST), DNS, other UDP,
    ICMP echo and errors, some replies first, a few timestamps out of order,
    and plain IPv4 frames that only move the clock."""
    rnd = random.Random(2024)
    ces = ["2001:db8:%x::2" % i for i in range(1, 11)] + [MAP_CE, LW_B4_1]
    inner = {ce: "192.168.%d.%d" % (i % 3, 10 + i % 2) for i, ce in enumerate(ces)}
    inner[MAP_CE], inner[LW_B4_1] = "192.0.2.18", "198.51.100.5"
    servers = ["203.0.113.%d" % i for i in range(1, 9)] + [DNS]
    t = Decimal(T0)
    flows = []
    for n in range(4000):
        r = rnd.random()
        gap_ms = 250000 if r < 0.003 else 70000 if r < 0.013 else rnd.choice([1, 2, 5, 10, 50, 200, 1000, 4000])
        t += Decimal(gap_ms) / 1000
        if rnd.random() < 0.03:
            c.add(t, eth() / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=9, dport=9))
            continue
        if flows and rnd.random() < 0.7:
            ce, cip, cp, srv, sp, kind = rnd.choice(flows)
        else:
            ce = rnd.choice(ces)
            kind = rnd.choice(["tcp", "tcp", "dns", "udp", "icmp"])
            srv = DNS if kind == "dns" else rnd.choice(servers)
            cp = rnd.randrange(1024, 1100)
            sp = {"tcp": rnd.choice([80, 443]), "dns": 53, "udp": rnd.choice([123, 4500, 3478])}.get(kind, cp)
            cip = inner[ce]
            flows.append((ce, cip, cp, srv, sp, kind))
        up = rnd.random() < 0.6
        when = t - Decimal(rnd.randrange(1, 50)) / 1000 if rnd.random() < 0.02 else t
        if kind == "tcp":
            flags = rnd.choice(["S", "SA", "A", "PA", "PA", "A", "FA", "R", "F"])
            pkt = tcp(cip, cp, srv, sp, flags, rnd.randrange(0, 600)) if up else \
                tcp(srv, sp, cip, cp, flags, rnd.randrange(0, 1400))
        elif kind in ("dns", "udp"):
            pkt = udp(cip, cp, srv, sp, rnd.randrange(10, 500)) if up else udp(srv, sp, cip, cp, rnd.randrange(10, 900))
        else:
            type_ = rnd.choice([8, 8, 0, 0, 3, 11])
            ident = cp if type_ in (0, 8) else 0
            pkt = icmp(cip, srv, type_, ident, 32) if up else icmp(srv, cip, type_, ident, 32)
        c.add(when, tun(ce, AFTR, pkt) if up else tun(AFTR, ce, pkt))


def tunnels(c):
    """Sessions belong to their tunnels: four B4s of one AFTR, all with the inner
    client 192.168.0.11, servers behind two of them reached from the Internet
    (inbound), and the same inner 5-tuple in two tunnels. No br=: which end is
    the CE/B4 comes from the capture alone. R2 = 198.51.100.7.

    f1-f3   t+0.00  AFTR>A  R2:50001 > .11:8080 SYN, A's SYN-ACK, ACK (40 each): S1. The
                            tunnel's only evidence is that the AFTR's side opened it: the
                            AFTR is taken for the CE (client R2:50001)
    f4/f5   t+1.00  AFTR>B  R2:50002 > .11:8080 SYN, SYN-ACK (40): S2, the same way
    f6/f7   t+2.00  C>AFTR  UDP .11:5353 > DNS:53 (58), answer (128): S3. The AFTR is now in
                            three tunnels: it is the BR, A and B are CEs; S1 and S2 turn round
                            (client .11:8080, inbound), C is a CE from the start
    f8/f9   t+3.00  AFTR>D  R2:50001 > .11:8080 SYN-ACK, D's ACK (40): S1's inner 5-tuple
                            in D's tunnel: S4, D's own session, opened by D's side
    f10/f11 t+4.00  A S1 continues: .11:8080 > R2 data (140), R2's ACK (40)
    f12/f13 t+5.00  B ICMP echo .11 > WEB id 34 (84), reply (84): S5, outbound
                    t+5.01  S3 times out (DNS, 3 s)
    f14/f15 t+6.00  AFTR>C ICMP echo WEB > .11 id 51 (84), C's reply (84): S6, inbound
    At the end (t+6.01) S1, S2, S4, S5, S6 are active; no session holds packets of two
    tunnels, and each tunnel's packets are its sessions' packets.
    """
    A, B, C, D = ("2001:db8:%s::2" % x for x in "abcd")
    R2 = "198.51.100.7"
    t = Decimal(T0)
    at = lambda s: t + Decimal(s)
    c.add(at("0.00"), tun(AFTR, A, tcp(R2, 50001, "192.168.0.11", 8080, "S")))
    c.add(at("0.01"), tun(A, AFTR, tcp("192.168.0.11", 8080, R2, 50001, "SA")))
    c.add(at("0.02"), tun(AFTR, A, tcp(R2, 50001, "192.168.0.11", 8080, "A")))
    c.add(at("1.00"), tun(AFTR, B, tcp(R2, 50002, "192.168.0.11", 8080, "S")))
    c.add(at("1.01"), tun(B, AFTR, tcp("192.168.0.11", 8080, R2, 50002, "SA")))
    c.add(at("2.00"), tun(C, AFTR, udp("192.168.0.11", 5353, DNS, 53, 30)))
    c.add(at("2.01"), tun(AFTR, C, udp(DNS, 53, "192.168.0.11", 5353, 100)))
    c.add(at("3.00"), tun(AFTR, D, tcp(R2, 50001, "192.168.0.11", 8080, "SA")))
    c.add(at("3.01"), tun(D, AFTR, tcp("192.168.0.11", 8080, R2, 50001, "A")))
    c.add(at("4.00"), tun(A, AFTR, tcp("192.168.0.11", 8080, R2, 50001, "PA", 100)))
    c.add(at("4.01"), tun(AFTR, A, tcp(R2, 50001, "192.168.0.11", 8080, "A")))
    c.add(at("5.00"), tun(B, AFTR, icmp("192.168.0.11", WEB, 8, 34)))
    c.add(at("5.01"), tun(AFTR, B, icmp(WEB, "192.168.0.11", 0, 34)))
    c.add(at("6.00"), tun(AFTR, C, icmp(WEB, "192.168.0.11", 8, 51)))
    c.add(at("6.01"), tun(C, AFTR, icmp("192.168.0.11", WEB, 0, 51)))


CAPTURES = {
    "dslite.pcapng": (dslite, "pcapng", 1),
    "mape.pcap": (mape, "pcap", 1),
    "lw4o6.pcap": (lw4o6, "pcap", 1),
    "vlan.pcap": (vlan, "pcap", 1),
    "pppoe.pcap": (pppoe, "pcap", 1),
    "sll.pcap": (sll, "pcap", 113),
    "nanosecond.pcap": (nanosecond, "pcap-ns", 1),
    "exthdr.pcap": (exthdr, "pcap", 1),
    "frag-inner.pcap": (frag_inner, "pcap", 1),
    "frag-outer.pcap": (frag_outer, "pcap", 1),
    "frag-outer-order.pcap": (frag_outer_order, "pcap", 1),
    "icmp-errors.pcap": (icmp_errors, "pcap", 1),
    "malformed.pcap": (malformed, "pcap", 1),
    "timeouts.pcap": (timeouts, "pcap", 1),
    "orientation.pcap": (orientation, "pcap", 1),
    "mape-rfc.pcap": (mape_rfc, "pcap", 1),
    "mape-jp.pcap": (mape_jp, "pcap", 1),
    "lw4o6-bind.pcap": (lw4o6_bind, "pcap", 1),
    "sample.pcapng": (sample, "pcapng", 1),
    "mixed.pcap": (mixed, "pcap", 1),
    "lw4o6-verdicts.pcap": (lw4o6_verdicts, "pcap", 1),
    "mape-verdicts.pcap": (mape_verdicts, "pcap", 1),
    "psid-lengths.pcap": (psid_lengths, "pcap", 1),
    "tunnels.pcap": (tunnels, "pcap", 1),
    "icmp-echo.pcap": (icmp_echo, "pcap", 1),
}

# Binding-table files, written with the captures (bindings= reads them).
TABLES = {"lw4o6-verdicts.csv": lw4o6_verdicts_tables, "icmp-echo.csv": icmp_echo_table}


def main():
    outdir = sys.argv[1]
    names = sys.argv[2:] or list(CAPTURES) + list(TABLES)
    os.makedirs(outdir, exist_ok=True)
    for name in names:
        if name in TABLES:
            TABLES[name](outdir)
            continue
        build, fmt, linktype = CAPTURES[name]
        c = Capture()
        build(c)
        c.write(os.path.join(outdir, name), fmt, linktype)


if __name__ == "__main__":
    main()
