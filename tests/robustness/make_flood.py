#!/usr/bin/python3
"""Write a DS-Lite SYN flood capture, deterministically (classic pcap, Ethernet,
microseconds; raw bytes with struct, no scapy: a million packets take seconds).

Flood: SYNS TCP SYNs without answer from 1 000 B4s (2001:db8:100:N::2) to the AFTR
2001:db8:ffff::1, RATE a second from 2024-05-01T00:00:00Z; inner source 10.x.y.z and
source port random, destination 203.0.113.1-254 port 80 or 443; every SYN opens its
own session (the generator skips a repeated 5-tuple behind one B4).

Real sessions: REAL of them, number i (0-based) spread evenly through the flood:
B4 2001:db8:beef::(i+1), client 192.168.77.(i+1) port 40000+i, server 198.51.100.(i+1)
port 443; 12 packets 2 ms apart: SYN, SYN-ACK, ACK, three rounds of 200 bytes up
and 1 200 bytes down, FIN-ACK up, FIN-ACK down, ACK up. Each is one session of 12
packets and 4 680 bytes of IPv6 payload (12 x 40 + 3 x 200 + 3 x 1 200).

IPv4 header checksums are computed; TCP checksums are zero (Wireshark does not
check them by default).

Usage: make_flood.py FILE [--syns N] [--rate R] [--real K] [--seed S]
Prints one JSON line describing the capture (counts, the real sessions).
"""
import argparse
import json
import random
import struct

T0 = 1714521600
AFTR = bytes.fromhex("20010db8ffff00000000000000000001")
MAC_B4, MAC_AFTR = bytes.fromhex("020000000001"), bytes.fromhex("020000000002")
SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01
REAL_PACKETS = 12
REAL_BYTES = 12 * 40 + 3 * 200 + 3 * 1200


def ipv4_checksum(h):
    s = sum(struct.unpack("!10H", h))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def frame(src6, dst6, src4, dst4, sport, dport, flags, payload=0, seq=1000):
    """Ethernet / IPv6 (next header 4) / IPv4 / TCP with payload zero bytes."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 0x50, flags, 65535, 0, 0) + b"\0" * payload
    ip4 = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, src4, dst4))
    struct.pack_into("!H", ip4, 10, ipv4_checksum(bytes(ip4)))
    ip6 = struct.pack("!IHBB", 0x60000000, 20 + len(tcp), 4, 64) + src6 + dst6
    up = dst6 == AFTR
    return (MAC_AFTR + MAC_B4 if up else MAC_B4 + MAC_AFTR) + b"\x86\xdd" + ip6 + bytes(ip4) + tcp


def real_session(i, start_us):
    """(time_us, frame) of real session i."""
    b4 = bytes.fromhex("20010db8beef%020x" % (i + 1))
    c, s = bytes([192, 168, 77, i + 1]), bytes([198, 51, 100, i + 1])
    cp, sp = 40000 + i, 443
    up = lambda flags, n=0: frame(b4, AFTR, c, s, cp, sp, flags, n)  # noqa: E731
    down = lambda flags, n=0: frame(AFTR, b4, s, c, sp, cp, flags, n)  # noqa: E731
    pkts = [up(SYN), down(SYN | ACK), up(ACK)]
    for _ in range(3):
        pkts += [up(PSH | ACK, 200), down(ACK, 1200)]
    pkts += [up(FIN | ACK), down(FIN | ACK), up(ACK)]
    assert len(pkts) == REAL_PACKETS
    return [(start_us + 2000 * k, p) for k, p in enumerate(pkts)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--syns", type=int, default=500000)
    ap.add_argument("--rate", type=int, default=20000, help="SYNs a second")
    ap.add_argument("--real", type=int, default=20)
    ap.add_argument("--seed", type=int, default=4606)
    a = ap.parse_args()
    assert 0 < a.real <= 250

    rnd = random.Random(a.seed)
    b4s = [bytes.fromhex("20010db80100%04x0000000000000002" % n) for n in range(1000)]
    step_us = 1000000 // a.rate
    duration = a.syns * step_us
    real = []
    for i in range(a.real):
        real += real_session(i, (2 * i + 1) * duration // (2 * a.real) + 7)
    real.sort(key=lambda x: x[0])

    # A template SYN; the loop patches addresses, ports, checksum.
    tmpl = bytearray(frame(b4s[0], AFTR, bytes(4), bytes(4), 0, 0, SYN))
    ip4_at, tcp_at = 14 + 40, 14 + 40 + 20
    seen = set()
    rec = struct.Struct("<IIII")
    written = 0
    with open(a.file, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        out = []
        r = 0

        def put(t_us, data):
            out.append(rec.pack(T0 + t_us // 1000000, t_us % 1000000, len(data), len(data)))
            out.append(data)

        for k in range(a.syns):
            t = k * step_us
            while r < len(real) and real[r][0] <= t:
                put(*real[r])
                r += 1
            while True:
                b = rnd.randrange(1000)
                src = rnd.getrandbits(24)
                sport = rnd.randrange(1024, 65536)
                dst = rnd.randrange(1, 255)
                dport = 443 if rnd.random() < 0.7 else 80
                key = (((b << 24 | src) << 16 | sport) << 8 | dst) << 1 | (dport == 443)
                if key not in seen:
                    seen.add(key)
                    break
            tmpl[22:38] = b4s[b]
            struct.pack_into("!BBBBBBBB", tmpl, ip4_at + 12, 10, src >> 16, (src >> 8) & 255, src & 255,
                             203, 0, 113, dst)
            struct.pack_into("!H", tmpl, ip4_at + 10, 0)
            struct.pack_into("!H", tmpl, ip4_at + 10, ipv4_checksum(bytes(tmpl[ip4_at:ip4_at + 20])))
            struct.pack_into("!HHI", tmpl, tcp_at, sport, dport, rnd.getrandbits(32))
            put(t, bytes(tmpl))
            if len(out) >= 20000:
                f.write(b"".join(out))
                written += len(out) // 2
                out = []
        while r < len(real):
            put(*real[r])
            r += 1
        f.write(b"".join(out))
        written += len(out) // 2

    print(json.dumps({
        "packets": written, "syns": a.syns, "rate": a.rate, "seconds": duration / 1e6,
        "sessions": a.syns + a.real,
        "real": [{"client": "192.168.77.%d" % (i + 1), "client_port": 40000 + i,
                  "server": "198.51.100.%d" % (i + 1), "server_port": 443, "b4": "2001:db8:beef::%x" % (i + 1),
                  "packets": REAL_PACKETS, "bytes": REAL_BYTES} for i in range(a.real)]}))


if __name__ == "__main__":
    main()
