#!/usr/bin/python3
"""The 4o6top command's layouts against the original Go tool's own format strings.

The original's main.go (MIT, github.com/skubota/4o6top; not part of this tree) is
read, not copied: every fmt.Printf and log.Printf of its sum, stat, log and sess
output is found, its format string and argument expressions taken as written.
The expected bytes are those format strings applied (Go's verbs used here, %s,
%d and their widths, mean the same to Python's %) to the values of each
argument expression, which come from the capture's notes in
tests/captures/make_captures.py, worked out by hand (the tables below). The
command must print exactly that, for each mode, with -d, -n and -s.

Where the command differs from the original on purpose (its -help lists it),
the test follows the command, and says so here:
  - Version is this 4o6top's version, not the original's "0.4";
  - sum rows are ordered by bytes (the original walked a Go map: any order);
  - times are capture times: stat rows stand at interval boundaries of capture
    time, and the Total Sess line's log prefix is the table's capture time;
  - both directions of a flow are one session, oriented client first.

Usage: original_formats.py --main-go main.go --plugins DIR --captures DIR --cli 4o6top --version V
"""
import argparse
import datetime
import difflib
import os
import re
import sys
import zoneinfo

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

T0 = 1714521600  # make_captures.py's T0: 2024-05-01T00:00:00Z
WEB, DNS, OTHER = "203.0.113.10", "203.0.113.53", "198.51.100.200"


# ---- reading main.go ----

def go_string(literal):
    """The value of a Go interpreted string literal ("\\n", "\\033", "\\t")."""
    return literal[1:-1].encode("latin-1").decode("unicode_escape")


def literal_end(text, i):
    """Index just past the Go string, raw string or rune literal at text[i], or i if none starts there."""
    quote = text[i]
    if quote not in "\"'`":
        return i
    j = i + 1
    while text[j] != quote:
        j += 2 if text[j] == "\\" and quote != "`" else 1
    return j + 1


def matching(text, start, open_char, close_char):
    """Index just past the bracket that closes the one at text[start], skipping literals."""
    depth, i = 0, start
    while i < len(text):
        end = literal_end(text, i)
        if end > i:
            i = end
            continue
        if text[i] == open_char:
            depth += 1
        elif text[i] == close_char:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced %s at %d" % (open_char, start))


def split_args(text):
    """Top-level comma-separated expressions of a call's argument list."""
    args, depth, begin, i = [], 0, 0, 0
    while i < len(text):
        end = literal_end(text, i)
        if end > i:
            i = end
            continue
        if text[i] in "([{":
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
        elif text[i] == "," and depth == 0:
            args.append(text[begin:i].strip())
            begin = i + 1
        i += 1
    args.append(text[begin:].strip())
    return [x for x in args if x]


def blocks(source, condition):
    """The bodies of every `if CONDITION {` block (also `else if`), in source order."""
    found = []
    for m in re.finditer(r"\bif %s \{" % re.escape(condition), source):
        brace = m.end() - 1
        found.append(source[brace + 1:matching(source, brace, "{", "}") - 1])
    if not found:
        raise ValueError("main.go has no `if %s {`" % condition)
    return found


def printfs(block):
    """(stream, format, [argument expressions]) of each fmt.Printf / log.Printf, in order."""
    calls = []
    for m in re.finditer(r"\b(fmt|log)\.Printf\(", block):
        paren = m.end() - 1
        args = split_args(block[paren + 1:matching(block, paren, "(", ")") - 1])
        calls.append(("stdout" if m.group(1) == "fmt" else "log", go_string(args[0]), args[1:]))
    return calls


class Original:
    def __init__(self, path):
        with open(path) as f:
            self.src = f.read()
        # Go's log package writes to stderr with the LstdFlags prefix unless told otherwise.
        if re.search(r"\blog\.(SetFlags|SetOutput|SetPrefix)\b", self.src):
            raise ValueError("main.go changes the log package's output: this test assumes the default")
        self.name = go_string(re.search(r'\bvar Name = ("[^"]*")', self.src).group(1))
        headers = blocks(self.src, "!*opt.noheader")[0]
        self.header = {mode: printfs(blocks(headers, '*opt.mode == "%s"' % mode)[0]) for mode in ("log", "stat", "sess")}
        sum_head, sum_row = blocks(self.src, 'm == "sum"')
        self.sum_head, self.sum_row = printfs(sum_head), printfs(sum_row)
        self.stat_row = printfs(blocks(self.src, 'm == "stat"')[0])
        self.log_row = printfs(blocks(self.src, 'm == "log"')[0])
        self.sess_row = printfs(blocks(self.src, 'm == "sess"')[0])
        for what, calls in (("sum row", self.sum_row), ("log row", self.log_row), ("sess row", self.sess_row)):
            if len(calls) != 1:
                raise ValueError("%s: %d Printf calls, expected 1" % (what, len(calls)))


def apply(calls, values):
    """The bytes the calls print: {"stdout": ..., "log": ...}, each argument from values."""
    out = {"stdout": "", "log": ""}
    for stream, fmt, args in calls:
        try:
            vals = tuple(go_string(a) if a.startswith('"') else values[a] for a in args)
        except KeyError as e:
            raise ValueError("no value for the argument %s of Printf(%r)" % (e, fmt))
        out[stream] += fmt % vals
    return out


# ---- times as the original printed them ----

def rfc3339(seconds, tz):
    """Go's time.RFC3339 ("2006-01-02T15:04:05Z07:00"): Z for a zero offset."""
    t = datetime.datetime.fromtimestamp(seconds, zoneinfo.ZoneInfo(tz))
    text = t.strftime("%Y-%m-%dT%H:%M:%S")
    off = int(t.utcoffset().total_seconds()) // 60
    return text + ("Z" if off == 0 else "%s%02d:%02d" % ("+" if off > 0 else "-", abs(off) // 60, abs(off) % 60))


def log_prefix(seconds, tz):
    """Go's log.LstdFlags prefix: "2009/01/23 01:23:23 "."""
    return datetime.datetime.fromtimestamp(seconds, zoneinfo.ZoneInfo(tz)).strftime("%Y/%m/%d %H:%M:%S ")


# ---- the captures' hand-known values (make_captures.py's notes) ----

def counts_values(c):
    """c: {proto: (sessions, dst ips, src ports, dst ports)}, as printSessionTable's maps count."""
    v = {"sessions": sum(x[0] for x in c.values())}
    for p, (sess, dip, sport, dport) in c.items():
        v['len(session["%s"])' % p], v['len(dstip["%s"])' % p] = sess, dip
        v['len(srcport["%s"])' % p], v['len(dstport["%s"])' % p] = sport, dport
    return v


# dslite.pcapng at each stat boundary t+1..t+5, and at its last packet t+4.1
DSLITE_STAT = [(1, {"TCP": (2, 1, 1, 1), "UDP": (0, 0, 0, 0), "ICMP": (0, 0, 0, 0)}),
               (2, {"TCP": (2, 1, 1, 1), "UDP": (1, 1, 1, 1), "ICMP": (0, 0, 0, 0)}),
               (3, {"TCP": (2, 1, 1, 1), "UDP": (1, 1, 1, 1), "ICMP": (1, 1, 1, 0)}),
               (4, {"TCP": (2, 1, 1, 1), "UDP": (1, 1, 1, 1), "ICMP": (1, 1, 1, 0)}),
               (5, {"TCP": (2, 1, 1, 1), "UDP": (1, 1, 1, 1), "ICMP": (1, 1, 1, 0)})]
DSLITE_END = (4.1, DSLITE_STAT[-1][1])
# (proto, src, sport, dst, dport, packets, bytes, seconds left at t+4.1), most bytes first
DSLITE_SESSIONS = [("TCP", "192.168.1.2", 40000, WEB, 443, 7, 1380, 10),
                   ("UDP", "192.168.1.2", 5353, DNS, 53, 2, 186, 1),
                   ("ICMP", "192.168.1.2", 4660, WEB, 4660, 2, 168, 2),
                   ("TCP", "192.168.1.2", 40000, WEB, 443, 2, 80, 237)]
# (t, proto, src, sport, dst, dport, IPv6 payload length): one per tunnelled packet
DSLITE_PACKETS = [(0.0, "TCP", 40000, WEB, 443, 40), (0.1, "TCP", 40000, WEB, 443, 40),
                  (0.2, "TCP", 40000, WEB, 443, 40), (0.3, "TCP", 40000, WEB, 443, 140),
                  (0.4, "TCP", 40000, WEB, 443, 1040), (1.0, "TCP", 40000, WEB, 443, 40),
                  (1.1, "TCP", 40000, WEB, 443, 40), (2.0, "UDP", 5353, DNS, 53, 58),
                  (2.1, "UDP", 5353, DNS, 53, 128), (3.0, "ICMP", 4660, WEB, 4660, 84),
                  (3.1, "ICMP", 4660, WEB, 4660, 84), (4.0, "TCP", 40000, WEB, 443, 40),
                  (4.1, "TCP", 40000, WEB, 443, 40)]
DSLITE = {"stat": DSLITE_STAT, "end": DSLITE_END, "sessions": DSLITE_SESSIONS,
          "packets": [(t, p, "192.168.1.2", sp, d, dp, n) for t, p, sp, d, dp, n in DSLITE_PACKETS],
          "new": [0, 5, 7, 9]}  # indexes of the packets that open a session
# orientation.pcap with -s 192.168.1.2: that address first in every row
ORIENT_COUNTS = {"TCP": (1, 1, 1, 1), "UDP": (1, 1, 1, 1), "ICMP": (0, 0, 0, 0)}
ORIENTATION_SRC = {
    "stat": [(1, ORIENT_COUNTS), (2, ORIENT_COUNTS)], "end": (1.1, ORIENT_COUNTS),
    "sessions": [("UDP", "192.168.1.2", 4500, OTHER, 4500, 2, 96, 60),
                 ("TCP", "192.168.1.2", 46000, WEB, 443, 2, 80, 239)],
    "packets": [(0.0, "TCP", "192.168.1.2", 46000, WEB, 443, 40), (0.1, "TCP", "192.168.1.2", 46000, WEB, 443, 40),
                (1.0, "UDP", "192.168.1.2", 4500, OTHER, 4500, 48), (1.1, "UDP", "192.168.1.2", 4500, OTHER, 4500, 48)],
    "new": [0, 2]}


class Case:
    def __init__(self, mode, capture, notes, flags=(), tz="UTC", delimiter=",", noheader=False, src=""):
        self.mode, self.capture, self.notes, self.flags = mode, capture, notes, list(flags)
        self.tz, self.d, self.noheader, self.src = tz, delimiter, noheader, src

    def name(self):
        return " ".join(["-m", self.mode, "-r", self.capture] + self.flags + (["TZ=" + self.tz] if self.tz != "UTC" else []))

    def expected(self, o, path, version):
        """(stdout, stderr) the original's format strings give for this case."""
        base = {"d": self.d, "Name": o.name, "Version": version, "*opt.pcapFile": path, "*opt.interval": 1,
                "*opt.timeOutTCP": 240, "*opt.timeOutTCPRst": 10, "*opt.timeOutUDP": 60, "*opt.timeOutUDPDns": 3,
                "*opt.timeOutICMP": 3, "*opt.height": 30, "*opt.srcIP": self.src}
        out = apply(o.header[self.mode], base)["stdout"] if self.mode != "sum" and not self.noheader else ""
        err = ""
        if self.mode == "sum":
            t, counts = self.notes["end"]
            head = apply(o.sum_head, dict(base, **counts_values(counts)))
            out += head["stdout"]
            err += "".join(log_prefix(T0 + t, self.tz) + line for line in head["log"].splitlines(True))
            for proto, s, sp, dst, dp, pkt, nbytes, ttl in self.notes["sessions"]:
                row = {"ss[0]": proto, "ss[1]": s, "ss[2]": str(sp), "ss[3]": dst, "ss[4]": str(dp),
                       "pkt": pkt, "byte": nbytes, "ttl": ttl}
                out += apply(o.sum_row, row)["stdout"]
        elif self.mode == "stat":
            for t, counts in self.notes["stat"]:
                out += apply(o.stat_row, dict(base, **counts_values(counts), **{
                    "t.Format(time.RFC3339)": rfc3339(T0 + t, self.tz)}))["stdout"]
        else:
            packets = self.notes["packets"]
            if self.mode == "sess":
                packets = [packets[i] for i in self.notes["new"]]
            for t, proto, s, sp, dst, dp, length in packets:
                row = dict(base, Proto=proto, SrcIP=s, SrcPort=sp, DstIP=dst, DstPort=dp, Length=length,
                           **{"t.Format(time.RFC3339)": rfc3339(T0 + t, self.tz)})
                out += apply(o.log_row if self.mode == "log" else o.sess_row, row)["stdout"]
        return out, err


CASES = [
    Case("sum", "dslite.pcapng", DSLITE),
    Case("sum", "dslite.pcapng", DSLITE, ["-n"], noheader=True),  # the original's -n leaves sum alone
    Case("stat", "dslite.pcapng", DSLITE, tz="Asia/Tokyo"),
    Case("stat", "dslite.pcapng", DSLITE, ["-d", ";", "-n"], delimiter=";", noheader=True),
    Case("log", "dslite.pcapng", DSLITE),
    Case("log", "dslite.pcapng", DSLITE, ["-d", ";"], delimiter=";"),
    Case("sess", "dslite.pcapng", DSLITE),
    Case("sess", "dslite.pcapng", DSLITE, ["-d", ";", "-n"], delimiter=";", noheader=True),
    Case("sum", "orientation.pcap", ORIENTATION_SRC, ["-s", "192.168.1.2"], src="192.168.1.2"),
    Case("stat", "orientation.pcap", ORIENTATION_SRC, ["-s", "192.168.1.2"], src="192.168.1.2"),
    Case("log", "orientation.pcap", ORIENTATION_SRC, ["-s", "192.168.1.2"], src="192.168.1.2"),
    Case("sess", "orientation.pcap", ORIENTATION_SRC, ["-s", "192.168.1.2"], src="192.168.1.2"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--main-go", required=True, help="the original's main.go")
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("--cli", required=True, help="the built 4o6top command")
    ap.add_argument("--version", required=True, help="this 4o6top's version")
    a = ap.parse_args()
    original = Original(a.main_go)
    env = TsharkEnv(a.plugins, [a.captures], a.profiles)
    failed = 0
    try:
        cli = env.stage(a.cli)
        for case in CASES:
            path = env.capture(case.capture)
            want_out, want_err = case.expected(original, path, a.version)
            r = env.run(["-r", path, "-m", case.mode] + case.flags, {"TZ": case.tz}, program=cli)
            got_out, got_err = r.stdout.decode(), r.stderr.decode()
            problems = [] if r.returncode == 0 else ["exit status %d" % r.returncode]
            for what, want, got in (("stdout", want_out, got_out), ("stderr", want_err, got_err)):
                if got != want:
                    problems.append("".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True),
                                                                 "original's formats " + what, "4o6top " + what)))
            if not want_out:
                problems.append("the formats give nothing: the case checks nothing")
            print("%s 4o6top %s" % ("FAIL" if problems else "ok  ", case.name()))
            for p in problems:
                print(p)
            failed += bool(problems)
    finally:
        env.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
