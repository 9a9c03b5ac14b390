"""Hand-made frames at the edges of the capture walk, for the differential
test: IPv6 payload lengths against the frame, extension headers, tunnels in
tunnels, outer and inner fragments (whole, reordered, cut by the capture,
never completed, swept after 60 s), and every link layer the native reader
walks (and a few it must not take for IPv6). What tshark with the plugin
counts for each is what the native reader must count; no expected output is
kept here.

captures() -> {name: (linktype, [frame or (frame, wire length)], [seconds] or None)};
pcap() writes one (a frame a second unless the times are given).
"""
import ipaddress
import struct

T0 = 1714521600
CE, BR = "2001:db8:1::2", "2001:db8:ffff::1"


def ip6a(s):
    return ipaddress.IPv6Address(s).packed


def ip4a(s):
    return ipaddress.IPv4Address(s).packed


def udp(sp, dp, payload=b""):
    return struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload


def tcp(sp, dp, flags=0x02):
    return struct.pack("!HHIIBBHHH", sp, dp, 1, 0, 5 << 4, flags, 8192, 0, 0)


def ipv4(proto, l4, src="192.168.1.2", dst="198.51.100.1", total=None, ihl=5, opts=b"", ident=1, frag=0):
    tl = total if total is not None else 20 + len(opts) + len(l4)
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, tl, ident, frag, 64, proto, 0, ip4a(src), ip4a(dst)) + opts + l4


def ipv6(nh, payload, src=CE, dst=BR, plen=None, ver=6):
    pl = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", ver << 28, pl, nh, 64, ip6a(src), ip6a(dst)) + payload


def eth(payload, etype=0x86dd):
    return bytes.fromhex("000000000002000000000001") + struct.pack("!H", etype) + payload


def frag6(nh, data, off, more, ident):
    return bytes([nh, 0]) + struct.pack("!HI", (off & 0xfff8) | (1 if more else 0), ident) + data


def cut(frame, keep):
    """The frame with only its first keep bytes captured."""
    return (frame[:keep], len(frame))


def flow(n):
    """A UDP packet of its own 5-tuple (client port 2000 + n)."""
    return ipv4(17, udp(2000 + n, 53, b"q" * 10))


def ipv6_cases():
    good = flow(0)
    hbh_dst = bytes([60, 0, 1, 4, 0, 0, 0, 0]) + bytes([4, 0, 1, 4, 0, 0, 0, 0])
    rt0 = bytes([4, 2, 0, 1]) + b"\0" * 4 + ip6a("2001:db8::9")
    rt2 = bytes([4, 2, 2, 1]) + b"\0" * 4 + ip6a("2001:db8::9")
    srh = bytes([4, 4, 4, 1, 1, 0, 0, 0]) + ip6a("2001:db8::9") + ip6a(BR)
    ah = bytes([4, 4, 0, 0]) + struct.pack("!II", 0x100, 1) + b"\0" * 12
    jumbo = bytes([4, 0, 0xc2, 4]) + struct.pack("!I", 8 + len(good))
    return [
        eth(ipv6(4, good)),
        cut(eth(ipv6(4, flow(1))), 14 + 40 + 24),            # payload cut by the capture
        eth(ipv6(4, flow(2), plen=len(good) + 20)),          # payload length past the frame
        eth(ipv6(4, flow(3)) + b"\xaa" * 10),                # Ethernet trailer
        eth(ipv6(4, flow(4), plen=20)),                      # payload length short of the IPv4 packet
        eth(ipv6(4, flow(5), plen=0)),
        eth(ipv6(4, b"", plen=0)),
        eth(ipv6(4, flow(6), ver=5)),
        eth(flow(7)),                                        # IPv4 behind the IPv6 type
        eth(ipv6(0, hbh_dst + flow(8))),
        eth(ipv6(60, bytes([0, 0, 1, 4, 0, 0, 0, 0]) + bytes([4, 0, 1, 4, 0, 0, 0, 0]) + flow(9))),
        eth(ipv6(43, rt0 + flow(10))),
        eth(ipv6(43, rt2 + flow(11))),
        eth(ipv6(43, srh + flow(12))),
        eth(ipv6(51, ah + flow(13))),
        eth(ipv6(253, bytes([4, 0]) + b"\0" * 6 + flow(14))),  # an unknown header
        eth(ipv6(60, bytes([4, 10, 1, 4, 0, 0, 0, 0]) + flow(15))),  # header past the payload
        eth(ipv6(0, jumbo + flow(16), plen=0)),
        eth(ipv6(41, ipv6(4, flow(17), src="2001:db8:2::2", dst="2001:db8:fffe::1"))),
        eth(ipv4(41, ipv6(4, flow(18)), src="10.0.0.1", dst="10.0.0.2"), 0x0800),
        eth(ipv4(47, b"\x00\x00\x86\xdd" + ipv6(4, flow(19)), src="10.0.0.1", dst="10.0.0.2"), 0x0800),
        eth(ipv6(47, b"\x00\x00\x86\xdd" + ipv6(4, flow(20), src="2001:db8:3::3"))),
        eth(ipv4(4, ipv4(41, ipv6(4, flow(21)), src="10.0.0.3", dst="10.0.0.4"), src="10.0.0.1", dst="10.0.0.2"),
            0x0800),
        eth(ipv4(41, ipv6(4, flow(22)), src="10.0.0.1", dst="10.0.0.2", frag=0x2000), 0x0800),
        eth(ipv4(41, ipv6(4, flow(23)), src="10.0.0.1", dst="10.0.0.2", total=10), 0x0800),
        eth(ipv6(44, bytes([4, 0, 0, 0]) + struct.pack("!I", 77) + flow(24))),  # atomic fragment
        eth(ipv6(4, ipv4(17, udp(1, 2), total=22))),         # L4 header cut by the total length
        cut(eth(ipv6(4, ipv4(6, tcp(2025, 443)))), 14 + 40 + 30),
        cut(eth(ipv6(4, good)), 14 + 40 + 10),               # IPv4 header cut
        cut(eth(ipv6(4, good)), 14 + 30),                    # IPv6 header cut
        eth(ipv6(4, ipv4(4, ipv4(17, udp(1, 2))))),          # IP in IP inside: other
        eth(ipv6(4, ipv4(17, flow(26)[20:], ihl=6, opts=b"\x01\x01\x01\x00"))),
    ]


def fragment_cases():
    frames = []
    big = lambda n: ipv4(17, udp(3000 + n, 9000, b"z" * 2972))  # 3000 bytes
    scenarios = [
        ("whole", [0, 1, 2], {}),
        ("last first", [2, 0, 1], {}),
        ("first cut", [0, 1, 2], {0: 100}),
        ("middle cut", [0, 1, 2], {1: 100}),
        ("first only", [0], {}),
        ("second only", [1], {}),
        ("first twice", [0, 0, 1, 2], {}),
    ]
    for n, (_, order, cuts) in enumerate(scenarios):
        pkt = big(n)
        parts = [(0, pkt[0:1248], True), (1248, pkt[1248:2496], True), (2496, pkt[2496:], False)]
        for i in order:
            off, data, more = parts[i]
            frame = eth(ipv6(44, frag6(4, data, off, more, 500 + n)))
            frames.append(cut(frame, cuts[i]) if i in cuts else frame)
    # A fragmented non-tunnel UDP datagram: no tunnelled packet's fragments.
    plain = udp(1, 2, b"x" * 2000)
    frames += [eth(ipv6(44, frag6(17, plain[:1200], 0, True, 600))),
               eth(ipv6(44, frag6(17, plain[1200:], 1200, False, 600)))]
    # Inner IPv4 fragments.
    u = udp(4000, 53, b"d" * 2000)
    ip = lambda data, off, mf, ident: ipv4(17, data, frag=(0x2000 if mf else 0) | (off // 8), ident=ident)
    frames += [eth(ipv6(4, ip(u[:1200], 0, True, 700))), eth(ipv6(4, ip(u[1200:], 1200, False, 700)))]
    frames += [eth(ipv6(4, ip(u[1200:], 1200, False, 701))), eth(ipv6(4, ip(u[:1200], 0, True, 701)))]
    frames += [cut(eth(ipv6(4, ip(u[:1200], 0, True, 702))), 120), eth(ipv6(4, ip(u[1200:], 1200, False, 702)))]
    frames += [eth(ipv6(4, ip(u[:8], 0, True, 703))), eth(ipv6(4, ip(u[8:], 8, False, 703)))]
    frames += [eth(ipv6(4, ip(u[:2], 0, True, 704))), eth(ipv6(4, ip(u[8:], 8, False, 704)))]
    frames += [eth(ipv6(4, ip(u[:1200], 0, True, 705)))]
    return frames


def link_cases():
    pkt6 = ipv6(4, flow(0))
    pkt4 = ipv4(41, ipv6(4, flow(1)), src="10.0.0.1", dst="10.0.0.2")
    pppoe = lambda body, length=None: struct.pack("!BBHH", 0x11, 0, 1, len(body) if length is None else length) + body
    vlan = lambda vid, etype: struct.pack("!HH", vid, etype)
    ethernet = [
        eth(vlan(5, 0x86dd) + pkt6, 0x8100),
        eth(vlan(5, 0x8100) + vlan(6, 0x86dd) + pkt6, 0x88a8),
        eth(vlan(5, 0x8100) + vlan(6, 0x86dd) + pkt6, 0x9100),
        eth(vlan(5, 0x8100) + vlan(6, 0x86dd) + pkt6, 0x9200),
        eth(pppoe(b"\x00\x57" + pkt6), 0x8864),
        eth(pppoe(b"\xff\x03\x00\x57" + pkt6), 0x8864),
        eth(pppoe(b"\x00\x57" + pkt6, 20), 0x8864),
        eth(pppoe(b"\x00\x57" + pkt6, len(pkt6) + 52), 0x8864),
        eth(pppoe(b"\x00\x57" + pkt6) + b"\xbb" * 8, 0x8864),
        eth(pppoe(b"\x00\x21" + pkt4), 0x8864),
        eth(pppoe(b"\x57" + pkt6), 0x8864),
        eth(struct.pack("!I", (100 << 12) | (1 << 8) | 64) + pkt6, 0x8847),
        eth(struct.pack("!II", (100 << 12) | 64, (200 << 12) | (1 << 8) | 64) + pkt6, 0x8847),
        eth(struct.pack("!I", (100 << 12) | (1 << 8) | 64) + b"\0\0\0\0" + pkt6, 0x8847),
        eth(struct.pack("!I", (2 << 12) | (1 << 8) | 64) + pkt6, 0x8848),
        eth(struct.pack("!I", (0 << 12) | (1 << 8) | 64) + pkt4, 0x8847),
        bytes.fromhex("000000000002000000000001") + struct.pack("!H", 8 + len(pkt6)) +
        bytes.fromhex("aaaa03000000") + b"\x86\xdd" + pkt6,
        bytes.fromhex("000000000002000000000001") + struct.pack("!H", 8 + 40 + 22) +
        bytes.fromhex("aaaa03000000") + b"\x86\xdd" + pkt6,
        eth(pkt4, 0x0800),
        eth(b"")[:10],
    ]
    sll = lambda arphrd, proto: struct.pack("!HHH8sH", 0, arphrd, 6, b"\0" * 8, proto)
    return {
        "edge-links-ethernet.pcap": (1, ethernet, None),
        "edge-links-sll.pcap": (113, [sll(1, 0x86dd) + pkt6, sll(1, 0x8100) + vlan(5, 0x86dd) + pkt6,
                                      sll(778, 0x86dd) + pkt6, sll(772, 0x86dd) + pkt6, sll(824, 0x86dd) + pkt6,
                                      sll(1, 0x0800) + pkt4, sll(1, 4) + pkt6], None),
        "edge-links-raw.pcap": (101, [pkt6, pkt4, b"\x50" + pkt6[1:], b"\xff\x03\x00\x57" + pkt6], None),
        "edge-links-raw12.pcap": (12, [pkt6, pkt4], None),
        "edge-links-raw14.pcap": (14, [pkt6, pkt4], None),
        "edge-links-ipv4.pcap": (228, [pkt4, pkt6], None),
        "edge-links-ipv6.pcap": (229, [pkt6, pkt4], None),
        "edge-links-null.pcap": (0, [struct.pack("<I", af) + pkt6 for af in (10, 24, 28, 30)] +
                                 [struct.pack("<I", 2) + pkt4, struct.pack("!I", 24) + pkt6,
                                  struct.pack("<I", 0x86dd) + pkt6, b"\xff\x03\x00\x57" + pkt6], None),
        "edge-links-loop.pcap": (108, [struct.pack("!I", af) + pkt6 for af in (10, 24, 28, 30)] +
                                 [struct.pack("!I", 2) + pkt4], None),
        "edge-links-ppp.pcap": (9, [b"\xff\x03\x00\x57" + pkt6, b"\x00\x57" + pkt6, b"\x00\x21" + pkt4,
                                    b"\x57" + pkt6], None),
        "edge-links-ppp-ether.pcap": (51, [pppoe(b"\x00\x57" + pkt6), pppoe(b"\x00\x57" + pkt6, 10)], None),
    }


def sweep_case():
    """Fragments left waiting, the fast path's (800) and Wireshark's (801), then a
    plain packet 61 s later and a fragment of a new series of Wireshark's (802)
    whose arrival sweeps both old series: swept as unreassembled then, not at the end."""
    big = ipv4(17, udp(5000, 9000, b"z" * 2972))
    return [eth(ipv6(44, frag6(4, big[:1248], 0, True, 800))),
            eth(ipv6(44, frag6(4, big[1248:2496], 1248, True, 801))),
            eth(ipv6(4, flow(30))),
            eth(ipv6(44, frag6(4, big[1248:2496], 1248, True, 802)))]


def captures():
    out = {"edge-ipv6.pcap": (1, ipv6_cases(), None), "edge-fragments.pcap": (1, fragment_cases(), None),
           "edge-sweep.pcap": (1, sweep_case(), [0, 1, 62, 63])}
    out.update(link_cases())
    return out


def pcap(linktype, frames, times=None):
    """A microsecond pcap: frame i at T0 + times[i] seconds (default: i)."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
    for i, fr in enumerate(frames):
        data, wire = fr if isinstance(fr, tuple) else (fr, len(fr))
        out += struct.pack("<IIII", T0 + (times[i] if times else i), 0, len(data), wire) + data
    return bytes(out)
