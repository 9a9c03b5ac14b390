#!/usr/bin/python3
"""A second, independent 4o6top: semantics.md in plain Python.

It reads packets through Wireshark's own TCP/UDP/ICMP fields (tshark -T
fields, no plugin) where the plugin reads header bytes itself, keeps
sessions in a dict it scans for expiry where the engine uses indexed lists,
and turns a tunnel's sessions round by scanning them all where the engine
keeps a list per tunnel.
Two implementations agreeing on thousands of packets is the check; it covers
unfragmented, well-formed captures (fragments and malformed packets have
hand-checked golden tests instead).

Usage: reference.py CAPTURE MODE [key=value...]   (MODE: sum, stat, log)
Prints what `tshark -r CAPTURE -q -z 4o6top,MODE,...` should print.
"""
import datetime
import subprocess
import sys
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

FIELDS = ["frame.time_epoch", "ipv6.src", "ipv6.dst", "ipv6.plen", "ipv6.nxt", "ip.src", "ip.dst",
          "ip.proto", "ip.len", "tcp.srcport", "tcp.dstport", "tcp.flags", "udp.srcport", "udp.dstport",
          "icmp.type", "icmp.ident"]
ICMP_SENDER_IS_CLIENT = {8, 13}
ICMP_RECEIVER_IS_CLIENT = {0, 14, 3, 4, 5, 11, 12}


def packets(capture):
    args = ["tshark", "-r", capture, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a"]
    for f in FIELDS:
        args += ["-e", f]
    out = subprocess.run(args, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
    for line in out.splitlines():
        v = dict(zip(FIELDS, line.split("\t")))
        first = lambda k: v[k].split(",")[0] if v.get(k) else ""
        last = lambda k: v[k].split(",")[-1] if v.get(k) else ""
        p = {"time": Decimal(v["frame.time_epoch"]), "tunnel": False}
        if v.get("ipv6.nxt", "").split(",")[-1:] == ["4"] and first("ip.src"):
            proto = int(first("ip.proto"))
            p.update(tunnel=True, src6=last("ipv6.src"), dst6=last("ipv6.dst"), len6=int(last("ipv6.plen")),
                     src=first("ip.src"), dst=first("ip.dst"), proto=proto, len4=int(first("ip.len")), flags=0)
            if proto == 6:
                p.update(sport=int(first("tcp.srcport")), dport=int(first("tcp.dstport")),
                         flags=int(first("tcp.flags"), 16))
            elif proto == 17:
                p.update(sport=int(first("udp.srcport")), dport=int(first("udp.dstport")))
            elif proto == 1:
                ident = int(first("icmp.ident")) if first("icmp.ident") else 0
                p.update(sport=ident, dport=ident, icmp_type=int(first("icmp.type")))
        yield p


FIRST, MARKERS, PEERS, SRC = 0, 1, 2, 4   # evidence for a tunnel's CE/B4 end, weakest first
BR_PEERS = 3                              # an end of this many tunnels is a BR/AFTR


class Model:
    """Sessions keyed by tunnel and inner 5-tuple, the same both ways; each
    tunnel decides which end is the CE/B4 from the strongest evidence."""

    def __init__(self, opts):
        self.o = opts
        self.sessions = {}      # (proto, side, side), sides sorted; side = (ipv6, ipv4, port)
        self.tunnels = {}       # (ipv6, ipv6) sorted -> tunnel
        self.peers = {}         # ipv6 -> the tunnels it is an end of, in order
        self.clock = None
        self.opened = 0
        self.other = 0

    def timeout(self, s):
        return self.o[s["class"]]

    def expire(self, now):
        for k in [k for k, s in self.sessions.items() if s["last"] + self.timeout(s) <= now]:
            del self.sessions[k]

    def advance(self, t):
        if self.clock is None or t > self.clock:
            self.clock = t
            self.expire(t)

    def marker(self, p):
        """+1: the sender opened the session; -1: the receiver; 0: no sign."""
        if p["proto"] == 6 and p["flags"] & 0x02 and not p["flags"] & 0x04:
            return -1 if p["flags"] & 0x10 else 1
        if p["proto"] == 1:
            return 1 if p["icmp_type"] in ICMP_SENDER_IS_CLIENT else -1 if p["icmp_type"] in ICMP_RECEIVER_IS_CLIENT else 0
        return 0

    def in_src(self, ip):
        if not self.o["src"]:
            return False
        net, _, plen = self.o["src"].partition("/")
        to_int = lambda a: int.from_bytes(bytes(int(x) for x in a.split(".")), "big")
        plen = int(plen or 32)
        mask = ((1 << plen) - 1) << (32 - plen) if plen else 0
        return to_int(ip) & mask == to_int(net) & mask

    def peers_evidence(self, t):
        """The end that is not a BR/AFTR when exactly one end has BR_PEERS tunnels or more."""
        a, b = t["ends"]
        ba, bb = len(self.peers[a]) >= BR_PEERS, len(self.peers[b]) >= BR_PEERS
        return (b if ba else a) if ba != bb else None

    def turn(self, t, ce):
        t["ce"] = ce
        for s in self.sessions.values():
            if s["tunnel"] is t and s["ce"] != ce:
                s.update(ce=ce, client=s["server"], server=s["client"], pkts=s["pkts"][::-1],
                         bytes=s["bytes"][::-1], inbound=not s["inbound"])

    def update(self, t, level, ce):
        if level > t["level"]:
            t["level"] = level
            if ce != t["ce"]:
                self.turn(t, ce)
        elif level == MARKERS == t["level"] and ce != t["ce"] and t["opened"][ce] > 2 * t["opened"][t["ce"]]:
            self.turn(t, ce)

    def tunnel(self, p):
        ends = tuple(sorted((p["src6"], p["dst6"])))
        t = self.tunnels.get(ends)
        if t:
            return t, False
        t = self.tunnels[ends] = {"ends": ends, "ce": None, "level": FIRST, "opened": {e: 0 for e in ends}}
        for e in set(ends):
            self.peers.setdefault(e, []).append(t)
            if len(self.peers[e]) == BR_PEERS:
                for old in self.peers[e][:2]:
                    ce = self.peers_evidence(old)
                    if ce:
                        self.update(old, PEERS, ce)
        return t, True

    def packet(self, p):
        self.advance(p["time"])
        if p["proto"] not in (1, 6, 17):
            self.other += 1
            return None
        src, dst = (p["src6"], p["src"], p["sport"]), (p["dst6"], p["dst"], p["dport"])
        key = (p["proto"],) + tuple(sorted((src, dst)))
        m = self.marker(p)
        s = self.sessions.get(key)
        if s is None:
            t, new = self.tunnel(p)
            opener = p["src6"] if m >= 0 else p["dst6"]
            if m:
                t["opened"][opener] += 1
            if self.in_src(p["src"]) or self.in_src(p["dst"]):
                level, ce = SRC, p["src6"] if self.in_src(p["src"]) else p["dst6"]
            elif self.peers_evidence(t):
                level, ce = PEERS, self.peers_evidence(t)
            else:
                level, ce = (MARKERS if m else FIRST), opener
            if new:
                t.update(level=level, ce=ce)
            else:
                self.update(t, level, ce)
            up = p["src6"] == t["ce"]
            cls = {6: "tcp", 1: "icmp"}.get(p["proto"]) or ("dns" if 53 in (p["sport"], p["dport"]) else "udp")
            self.opened += 1
            s = self.sessions[key] = {"tunnel": t, "ce": t["ce"], "client": src if up else dst,
                                      "server": dst if up else src, "proto": p["proto"], "class": cls,
                                      "marked": bool(m), "inbound": opener != t["ce"], "first": self.clock,
                                      "last": self.clock, "serial": self.opened, "pkts": [0, 0], "bytes": [0, 0]}
        elif m and not s["marked"]:
            t = s["tunnel"]
            opener = p["src6"] if m > 0 else p["dst6"]
            s.update(marked=True, inbound=opener != t["ce"])
            t["opened"][opener] += 1
            self.update(t, MARKERS, opener)
        up = p["src6"] == s["ce"] and (p["src"], p["sport"]) == s["client"][1:]
        d = 0 if up else 1
        s["pkts"][d] += 1
        s["bytes"][d] += p["len4"] if self.o["bytes"] == "ipv4" else p["len6"]
        s["last"] = self.clock
        if s["class"] == "tcp" and (p["flags"] & 0x04 or (p["flags"] & 0x01 and p["flags"] & 0x10)):
            s["class"] = "tcp_close"
        return s

    def counts(self):
        c = {}
        for proto in (6, 17, 1):
            ss = [s for s in self.sessions.values() if s["proto"] == proto]
            c[proto] = (len(ss), len({s["server"][1] for s in ss}), len({s["client"][2] for s in ss}),
                        len({s["server"][2] for s in ss}))
        return c


def local(t):
    return datetime.datetime.fromtimestamp(int(t.to_integral_value(ROUND_FLOOR))).astimezone()


def rfc3339(t, digits):
    d = local(t)
    s = d.strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        frac = (t - t.to_integral_value(ROUND_FLOOR)) * (10 ** digits)
        s += ".%0*d" % (digits, int(frac))
    off = d.utcoffset().total_seconds()
    if off == 0:
        return s + "Z"
    sign, off = ("-", -off) if off < 0 else ("+", off)
    return s + "%s%02d:%02d" % (sign, off // 3600, off // 60 % 60)


NAMES = {6: "TCP", 17: "UDP", 1: "ICMP"}


def main():
    capture, mode = sys.argv[1], sys.argv[2]
    o = {"tcp": 240, "tcp_close": 10, "udp": 60, "dns": 3, "icmp": 3, "interval": Decimal(1), "height": 30,
         "src": "", "bytes": "ipv6", "noheader": False, "delimiter": ","}
    names = {"tcp_timeout": "tcp", "tcp_close_timeout": "tcp_close", "udp_timeout": "udp",
             "dns_timeout": "dns", "icmp_timeout": "icmp"}
    for arg in sys.argv[3:]:
        k, _, v = arg.partition("=")
        if k == "noheader":
            o["noheader"] = True
        elif k in names:
            o[names[k]] = int(v)
        elif k == "interval":
            o["interval"] = Decimal(v)
        elif k == "height":
            o["height"] = int(v)
        elif k == "delimiter":
            o["delimiter"] = {"tab": "\t", "space": " ", "comma": ",", "semicolon": ";", "pipe": "|"}.get(v, v)
        else:
            o[k] = v
    m = Model(o)
    I = o["interval"]
    d = o["delimiter"]
    stat_digits = 0 if I == I.to_integral_value() else 3
    out = sys.stdout
    if mode == "stat" and not o["noheader"]:
        out.write(d.join(["time", "Session", "TCPSession", "UDPSession", "ICMPSession", "TCPSrcPort", "UDPSrcPort",
                          "ICMPID", "TCPDstIP", "UDPDstIP", "ICMPDstIP", "TCPDstPort", "UDPDstPort"]) + "\n")
    if mode == "log" and not o["noheader"]:
        out.write(d.join(["time", "Proto", "SrcIP", "SrcPort", "DstIP", "DstPort", "Length"]) + "\n")

    def stat_row(b):
        m.advance(b)
        c = m.counts()
        vals = [sum(c[p][0] for p in c), c[6][0], c[17][0], c[1][0], c[6][2], c[17][2], c[1][2], c[6][1],
                c[17][1], c[1][1], c[6][3], c[17][3]]
        out.write(d.join([rfc3339(b, stat_digits)] + [str(v) for v in vals]) + "\n")

    first_b = next_b = last_t = None
    for p in packets(capture):
        t = p["time"]
        if first_b is None:
            first_b = next_b = (t / I).to_integral_value(ROUND_FLOOR) * I + I
            last_t = t
        if t >= last_t:
            while mode == "stat" and next_b < t:
                stat_row(next_b)
                next_b += I
            last_t = t
        m.advance(t)
        if p["tunnel"]:
            s = m.packet(p)
            if s and mode == "log":
                proto, (_, cip, cport), (_, sip, sport) = s["proto"], s["client"], s["server"]
                length = p["len4"] if o["bytes"] == "ipv4" else p["len6"]
                out.write(d.join([rfc3339(t, 6), NAMES[proto], cip, str(cport), sip, str(sport), str(length)]) + "\n")
    if mode == "stat" and first_b is not None:
        end = max((last_t / I).to_integral_value(ROUND_CEILING) * I, first_b)
        while next_b <= end:
            stat_row(next_b)
            next_b += I
    if mode == "sum":
        c = m.counts()
        if not o["noheader"]:
            out.write("4o6top ver: @VERSION@\n Option interval:%s Timeout:%d/%d/%d/%d/%d Height:%d src ip:%s "
                      "sort:bytes bytes:%s\n\n" % (I.normalize(), o["tcp"], o["tcp_close"], o["udp"], o["dns"],
                                                    o["icmp"], o["height"], o["src"] or "-", o["bytes"]))
        out.write("%s  Total Sess:%d\n" % (local(m.clock).strftime("%Y/%m/%d %H:%M:%S"), len(m.sessions)))
        for p, name in ((6, "TCP "), (17, "UDP ")):
            out.write("  %s Sess:%6d DstIP:%6d SrcPort:%6d DstPort:%6d\n" % ((name,) + c[p]))
        out.write("  ICMP Sess:%6d DstIP:%6d ICMP ID:%6d\n" % c[1][:3])
        out.write("  Not sessions: other protocols %d, malformed 0, unreassembled fragments 0\n\n" % m.other)
        out.write("%6s %15s:%5s %15s:%5s %10s %10s %7s\n" % ("Proto", "Source IP", "Port", "Dest IP", "Port",
                                                              "Packets", "Bytes", "Timeout"))
        rows = sorted(m.sessions.values(), key=lambda s: (-sum(s["bytes"]), -sum(s["pkts"]), s["serial"]))
        for s in rows[:o["height"] or None]:
            proto, (_, cip, cport), (_, sip, sport) = s["proto"], s["client"], s["server"]
            left = (s["last"] + m.timeout(s) - m.clock).to_integral_value(ROUND_CEILING)
            out.write("%6s %15s:%5d %15s:%5d %10d %10d %7d\n" % (NAMES[proto], cip, cport, sip, sport,
                                                                 sum(s["pkts"]), sum(s["bytes"]), left))
        out.write("\n")


if __name__ == "__main__":
    main()
