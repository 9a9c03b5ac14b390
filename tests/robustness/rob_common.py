"""Shared pieces of the robustness tests: capture record layout, sanitizer
environment, and a tshark runner on top of tests/tshark_env.py."""
import os
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from tshark_env import TsharkEnv  # noqa: E402,F401

SKIP = 77  # ctest SKIP_RETURN_CODE

# What a sanitizer prints when it finds something (LeakSanitizer is off: Wireshark leaks at exit).
SANITIZER_RE = re.compile(r"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|"
                          r"AddressSanitizer:DEADLYSIGNAL|SUMMARY: (Address|UndefinedBehavior)Sanitizer")


# ---- capture files: where each packet record starts and ends ----

def records(data):
    """(kind, first_block_end, [(start, header_len, end), ...]) of the packet records
    of a pcap or pcapng file, read here without Wireshark. first_block_end: end of the
    pcap file header or of the pcapng section header block (a shorter file is not
    recognised as pcap/pcapng at all); header_len: record header bytes before the
    packet data."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        endian = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        endian = ">"
    elif magic == b"\x0a\x0d\x0d\x0a":
        return _pcapng_records(data)
    else:
        raise ValueError("not a pcap or pcapng file")
    out, off = [], 24
    while off + 16 <= len(data):
        incl = struct.unpack_from(endian + "I", data, off + 8)[0]
        out.append((off, 16, off + 16 + incl))
        off += 16 + incl
    return "pcap", 24, out


def _pcapng_records(data):
    bom = data[8:12]
    endian = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
    out, off = [], 0
    shb_end = struct.unpack_from(endian + "I", data, 4)[0]
    while off + 12 <= len(data):
        btype, blen = struct.unpack_from(endian + "II", data, off)
        if blen < 12:
            raise ValueError("bad pcapng block length at %d" % off)
        if btype in (6, 3, 2):  # enhanced, simple, obsolete packet block
            out.append((off, {6: 28, 3: 12, 2: 28}[btype], off + blen))
        off += blen
    return "pcapng", shb_end, out


def complete_packets(recs, size):
    """Packets whose whole record lies within the first size bytes."""
    return sum(1 for start, _, end in recs if end <= size)


# ---- sanitizers ----

def sanitizer_preload():
    """LD_PRELOAD value for gcc's libasan and libubsan, or None when gcc has none."""
    libs = []
    for name in ("libasan.so", "libubsan.so"):
        try:
            path = subprocess.run(["gcc", "-print-file-name=" + name], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, check=True).stdout.decode().strip()
        except (OSError, subprocess.CalledProcessError):
            return None
        if not os.path.isabs(path) or not os.path.exists(path):
            return None
        libs.append(os.path.realpath(path))
    return ":".join(libs)


def sanitizer_env(preload):
    # detect_leaks=0: Wireshark itself leaks at exit (tests/robustness/valgrind_tshark.py
    # looks for the plugin's own leaks). exitcode 99 makes a report stand out.
    return {"LD_PRELOAD": preload,
            "ASAN_OPTIONS": "detect_leaks=0:exitcode=99:abort_on_error=0:handle_abort=1:"
                            "allow_user_segv_handler=0:symbolize=1",
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:exitcode=98"}


def needs_asan(so_path):
    """True when the shared object was linked against libasan."""
    try:
        out = subprocess.run(["readelf", "-d", so_path], stdout=subprocess.PIPE, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return False
    return "libasan" in out


class Result:
    def __init__(self, args, rc, out, err):
        self.args, self.rc, self.out, self.err = args, rc, out, err


def run(env, args, extra_env=None, keep_stdout=True, timeout=300):
    """tshark args in a TsharkEnv; stdout kept (text) or thrown away."""
    argv, e = env.command(args, extra_env)
    p = subprocess.run(argv, env=e, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=timeout, cwd=env.dir)
    out = p.stdout.decode("utf-8", "replace") if keep_stdout else ""
    err = p.stderr.decode("utf-8", "replace").replace(env.dir, "<dir>")
    return Result(args, p.returncode, out, err)


# ---- a hand-made capture of borderline tunnelled packets ----

B4 = bytes.fromhex("20010db8000100000000000000000002")
AFTR = bytes.fromhex("20010db8ffff00000000000000000001")


def _csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def _ipv4(proto, total_len, l4, ihl=5, opts=b"", frag=0, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total_len, ident, frag, 64, proto, 0,
                    bytes([192, 168, 1, 2]), bytes([203, 0, 113, 10])) + opts
    n = 4 * ihl if len(h) >= 4 * ihl else len(h)
    return h[:10] + struct.pack("!H", _csum(h[:n])) + h[12:] + l4


def _tcp(sport, dport, flags):
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, 0x50, flags, 8192, 0, 0)


def _udp(sport, dport, n):
    return struct.pack("!HHHH", sport, dport, 8 + n, 0) + b"\0" * n


def _icmp(type_, ident, rest=b"\0" * 8):
    return struct.pack("!BBHHH", type_, 0, 0, ident, 1) + rest


def _frame(inner, plen=None, nh=4, ext=b"", pad=b""):
    payload = ext + inner
    ip6 = struct.pack("!IHBB", 0x60000000, len(payload) if plen is None else plen, nh, 64) + B4 + AFTR
    return bytes.fromhex("020000000002020000000001") + b"\x86\xdd" + ip6 + payload + pad


# (what, frame); each is either counted by both the statistics and the post-dissector or by neither.
CRAFTED = [
    ("good TCP SYN", _frame(_ipv4(6, 40, _tcp(40000, 443, 0x02)))),
    ("IPv4 total length 32: TCP header cut at 12 bytes, 20 present", _frame(_ipv4(6, 32, _tcp(40001, 443, 0x02)))),
    ("IPv4 total length 22: UDP header cut at 2 bytes, 8 present", _frame(_ipv4(17, 22, _udp(40002, 9, 0)))),
    ("IPv4 total length 24: ICMP echo cut at 4 bytes, 16 present", _frame(_ipv4(1, 24, _icmp(8, 77)))),
    ("IPv6 payload length 24 < inner IPv4 total length 40", _frame(_ipv4(6, 40, _tcp(40003, 443, 0x02)), plen=24)),
    ("IPv4 total length 1000, 40 bytes present", _frame(_ipv4(6, 1000, _tcp(40004, 443, 0x02)))),
    ("IHL 15, only 4 option bytes present", _frame(_ipv4(6, 60, b"", ihl=15, opts=b"\x01\x01\x01\x01"))),
    ("IHL 6 (one NOP option word), good TCP", _frame(_ipv4(6, 44, _tcp(40006, 443, 0x02), ihl=6,
                                                            opts=b"\x01\x01\x01\x00"))),
    ("good UDP with Ethernet padding after the IPv6 payload", _frame(_ipv4(17, 28, _udp(40007, 9, 0)),
                                                                     pad=b"\xaa" * 6)),
    ("hop-by-hop header, then IPv4 with IPv6 payload length short by 8",
     _frame(_ipv4(17, 28, _udp(40008, 9, 0)), nh=0, ext=b"\x04\x00" + b"\x01\x04\0\0\0\0", plen=28)),
    ("next header 4, empty payload", _frame(b"", plen=0)),
    ("inner non-first fragment only (offset 1400)", _frame(_ipv4(17, 28, b"\0" * 8, frag=175, ident=7))),
    ("ICMP destination unreachable quoting a TCP header",
     _frame(_ipv4(1, 56, _icmp(3, 0, _ipv4(6, 40, _tcp(443, 40000, 0x12))[:28])))),
    ("inner protocol 0 (other)", _frame(_ipv4(0, 28, b"\0" * 8))),
    ("good UDP", _frame(_ipv4(17, 28, _udp(40009, 9, 0)))),
]


def write_crafted(path):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for i, (_, d) in enumerate(CRAFTED):
            f.write(struct.pack("<IIII", 1714521600 + i, 0, len(d), len(d)))
            f.write(d)
