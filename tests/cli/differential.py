#!/usr/bin/python3
"""The command's own reader against tshark, capture by capture.

Every golden capture, the robustness suite's damaged copies of its captures
(tests/robustness/corrupt_captures.py's bit rot, truncation and snap length,
made the same way from the same seeds), the golden captures moved to other
link types (raw IP, null, loopback, Linux cooked v2, PPP, PPPoE without
Ethernet), and hand-made frames at the edges of the walk (edge-*.pcap, one
case per frame, written here) go through `4o6top` (native) and
`4o6top -engine tshark`, every golden capture in every mode, the softwire
captures also with the golden tests' MAP rules and LW4o6 bindings (ce
verdicts, JSON); stdout, stderr and the exit status must be the same. Each
run is made a third time with the capture's bytes in a pipe (`-r -`, as from
tcpdump -w -), which must match the native reader of the file (kinds
pipe:rc, pipe:stdout, pipe:stderr...; the pipe's "standard input" read as
the file's name).
A difference fails the test unless DIFFERENCES (here) names it: a line
`PATTERN KIND REASON...`, PATTERN an fnmatch pattern on the case's name
(printed on failure), KIND what differs (see classify()).

Usage: differential.py --plugins DIR --captures DIR [--captures DIR] --profiles DIR
                       --cli 4o6top [--jobs N] [--only SUBSTRING] [--keep DIR] [-v]
"""
import argparse
import concurrent.futures
import difflib
import fnmatch
import os
import re
import shutil
import struct
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "robustness"))
from tshark_env import TsharkEnv  # noqa: E402
import corrupt_captures  # noqa: E402
from rob_common import records, write_crafted  # noqa: E402
import walk_edges  # noqa: E402

# Each whole capture in every mode; each variant in the two that show every packet and tally.
# sum in the plugin's layout: the original's prints the wall clock before the first packet.
ALL_MODES = [["-m", "log", "-tunnel", "-d", "pipe"],
             ["-m", "sum", "-h", "0", "-layout", "plugin"],
             ["-m", "stat", "-i", "10", "-evicted", "-ce_ports", "-max_sessions", "5"],
             ["-m", "ce"],
             ["-m", "sess", "-ends", "-format", "json"]]
VARIANT_MODES = ALL_MODES[:2]
# Softwire verdicts, port sets and JSON with the golden tests' rules and bindings (@DIR@: the captures' folder).
MAPE_RFC = ["-map_rule", "2001:db8::/40;192.0.2.0/24;16", "-br", "2001:db8:ffff::1"]
MAPE_JP = ["-map_rule", "2001:db8:1000::/36;198.51.100.0/24;16;4", "-map_rule", "2001:db8:8000::/36;203.0.113.0/24;14;6"]
BINDINGS = ["-bindings", "@DIR@/lw4o6-verdicts.csv"]
SOFTWIRE_MODES = {
    "mape-verdicts.pcap": [["-m", "ce"] + MAPE_RFC, ["-m", "ce", "-format", "json"] + MAPE_RFC,
                           ["-m", "sess", "-ends", "-format", "json"] + MAPE_RFC],
    "mape-rfc.pcap": [["-m", "ce", "-format", "json"] + MAPE_RFC[:2]],
    "mape-jp.pcap": [["-m", "stat", "-ce_ports"] + MAPE_JP, ["-m", "ce", "-threshold", "50"] + MAPE_JP],
    "lw4o6-verdicts.pcap": [["-m", "ce"] + BINDINGS, ["-m", "sess", "-ends"] + BINDINGS,
                            ["-m", "log", "-format", "json", "-tunnel"] + BINDINGS],
}
# Golden captures moved to other link types.
RELINKED = ["dslite.pcapng", "frag-outer.pcap", "frag-inner.pcap", "malformed.pcap", "exthdr.pcap",
            "icmp-errors.pcap", "nanosecond.pcap"]


def relink(data, linktype, prefix):
    """The frames of an Ethernet capture whose type is IPv6 or IPv4, behind
    another link header: prefix(ethertype) gives it (None: leave the frame out)."""
    kind, _, recs = records(data)
    if kind != "pcap":
        data = pcapng_to_pcap(data)
        kind, _, recs = records(data)
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out = bytearray(data[:20] + struct.pack(endian + "I", linktype))
    for start, hl, end in recs:
        frame = data[start + hl:end]
        etype = struct.unpack("!H", frame[12:14])[0] if len(frame) >= 14 else 0
        head = prefix(etype)
        if head is None:
            continue
        new = head + frame[14:]
        ts = data[start:start + 8]
        wire = struct.unpack_from(endian + "I", data, start + 12)[0] - 14 + len(head)
        out += ts + struct.pack(endian + "II", len(new), wire) + new
    return bytes(out)


def pcapng_to_pcap(data):
    p = subprocess.run(["editcap", "-F", "pcap", "-", "-"], input=data, stdout=subprocess.PIPE, check=True)
    return p.stdout


def ip_only(v4, v6):
    return lambda etype: v6 if etype == 0x86dd else v4 if etype == 0x0800 else None


LINKS = {
    "raw": (101, ip_only(b"", b"")),
    "null": (0, ip_only(struct.pack("<I", 2), struct.pack("<I", 24))),
    "loop": (108, ip_only(struct.pack("!I", 2), struct.pack("!I", 30))),
    "sll2": (276, lambda e: struct.pack("!HHIHBB8s", e, 0, 1, 1, 0, 6, b"\0" * 8) if e in (0x86dd, 0x800) else None),
    "ppp": (9, ip_only(b"\xff\x03\x00\x21", b"\xff\x03\x00\x57")),
    "ppp-ether": (51, None),
}


def ppp_ether_frames(data):
    """PPPoE session frames without Ethernet (LINKTYPE_PPP_ETHER): the length needs the frame."""
    kind, _, recs = records(data)
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    out = bytearray(data[:20] + struct.pack(endian + "I", 51))
    for start, hl, end in recs:
        frame = data[start + hl:end]
        if len(frame) < 14 or frame[12:14] not in (b"\x86\xdd", b"\x08\x00"):
            continue
        ppp = b"\x00\x57" if frame[12:14] == b"\x86\xdd" else b"\x00\x21"
        body = ppp + frame[14:]
        new = struct.pack("!BBHH", 0x11, 0, 1, len(body)) + body
        out += data[start:start + 8] + struct.pack(endian + "II", len(new), len(new)) + new
    return bytes(out)


def handoff_cases(write, d):
    """Captures the native reader hands to tshark, or stops at: compressed, a
    record libpcap rejects, pcapng interfaces of two link types or two
    precisions, FCS bits in the link type, a link type it does not walk; and
    snap lengths in headers shorter than the records (libpcap would cut them)."""
    cases = []
    dslite = os.path.join(d, "dslite.pcapng")
    mixed = os.path.join(d, "mixed.pcap")
    if not (os.path.exists(dslite) and os.path.exists(mixed)):
        return cases
    import gzip
    ng = open(dslite, "rb").read()
    cases.append(("dslite.pcapng gzip", write("dslite.pcapng.gz", gzip.compress(ng, mtime=0)), VARIANT_MODES))
    pcap = open(mixed, "rb").read()[:20000]
    _, _, recs = records(pcap)
    start = recs[5][0]
    damaged = pcap[:start + 8] + struct.pack("<I", 0x7fffffff) + pcap[start + 12:]
    cases.append(("mixed.pcap record 6 of 2 GB", write("mixed.damaged.pcap", damaged), VARIANT_MODES))
    fcs = pcap[:20] + struct.pack("<I", 1 | 0x04000000 | (2 << 28)) + pcap[24:]
    cases.append(("mixed.pcap FCS bits", write("mixed.fcs.pcap", fcs), VARIANT_MODES))
    small = pcap[:16] + struct.pack("<I", 64) + pcap[20:]
    cases.append(("mixed.pcap header snap length 64", write("mixed.snap64.pcap", small), VARIANT_MODES))
    user = pcap[:20] + struct.pack("<I", 147) + pcap[24:]
    cases.append(("mixed.pcap as user link type 147", write("mixed.dlt147.pcap", user), VARIANT_MODES))
    shb_len = struct.unpack_from("<I", ng, 4)[0]
    idb_len = struct.unpack_from("<I", ng, shb_len + 4)[0]
    idb = ng[shb_len:shb_len + idb_len]
    sll_idb = idb[:8] + struct.pack("<H", 113) + idb[10:]
    two = ng[:shb_len + idb_len] + sll_idb + ng[shb_len + idb_len:]
    cases.append(("dslite.pcapng two link types", write("dslite.two-links.pcapng", two), VARIANT_MODES))
    small_idb = ng[:shb_len + 12] + struct.pack("<I", 60) + ng[shb_len + 16:]
    cases.append(("dslite.pcapng interface snap length 60", write("dslite.snap60.pcapng", small_idb),
                  VARIANT_MODES))
    ns_idb = struct.pack("<IIHHI", 1, 32, 1, 0, 0) + struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0) \
        + struct.pack("<I", 32)
    prec = ng[:shb_len + idb_len] + ns_idb + ng[shb_len + idb_len:]
    cases.append(("dslite.pcapng two precisions", write("dslite.two-precisions.pcapng", prec), VARIANT_MODES))
    return cases


class Differences:
    """DIFFERENCES: (pattern, kind, reason) lines."""

    def __init__(self, path):
        self.rules = []
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
                if not line:
                    continue
                pattern, kind, reason = re.split(r"\s{2,}", line, maxsplit=2)
                self.rules.append([pattern, kind, reason, 0])

    def named(self, case, kind):
        for rule in self.rules:
            if rule[1] == kind and fnmatch.fnmatchcase(case, rule[0]):
                rule[3] += 1
                return True
        return False


DAMAGED_LINE = re.compile(r"^(4o6top: .*: damaged or corrupt) \(.*\)$")
HANDOFF_LINE = re.compile(r"^4o6top: .* read by tshark: .*\n")


def classify(native, tshark):
    """What differs, as DIFFERENCES names it: each of rc, stdout, stderr;
    stderr:damaged-detail when only the detail of a "damaged or corrupt" line
    (libpcap's words or Wireshark's) differs; stderr:handoff when only the
    native reader's line saying it handed the capture to tshark differs."""
    kinds = []
    if native[0] != tshark[0]:
        kinds.append("rc")
    if native[1] != tshark[1]:
        kinds.append("stdout")
    if native[2] != tshark[2]:
        strip = lambda err: [DAMAGED_LINE.sub(r"\1", x) for x in err.splitlines()]
        if HANDOFF_LINE.sub("", native[2], count=1) == tshark[2]:
            kinds.append("stderr:handoff")
        elif strip(native[2]) == strip(tshark[2]):
            kinds.append("stderr:damaged-detail")
        else:
            kinds.append("stderr")
    return kinds


class Runner:
    def __init__(self, a):
        self.env = TsharkEnv(a.plugins, [], a.profiles)
        self.cli = self.env.stage(a.cli)
        self.verbose = a.verbose
        self.runs = 0

    def run(self, path, flags, engine):
        """engine: native, tshark, or pipe (native, the capture's bytes written into a pipe
        on stdin, -r -; its name in stderr turned back into the file's)."""
        pipe = engine == "pipe"
        args = (["-engine", "tshark"] if engine == "tshark" else []) + ["-r", "-" if pipe else path] + flags
        argv, e = self.env.command(args, None, self.cli)
        data = open(path, "rb").read() if pipe else None
        p = subprocess.run(argv, env=e, input=data, stdin=None if pipe else subprocess.DEVNULL,
                           capture_output=True, timeout=600, cwd=self.env.dir)
        self.runs += 1
        err = p.stderr.decode("utf-8", "backslashreplace").replace(self.env.captures + "/", "")
        if pipe:
            err = err.replace("4o6top: standard input", "4o6top: " + os.path.basename(path))
        return p.returncode, p.stdout.decode("utf-8", "backslashreplace"), err

    def compare(self, case, path, modes):
        """[(case, kind, diff text)] for each difference."""
        found = []
        for flags in modes:
            flags = [f.replace("@DIR@", self.env.captures) for f in flags]
            name = "%s [%s]" % (case, " ".join(flags))
            runs = {engine: self.run(path, flags, engine) for engine in ("native", "tshark", "pipe")}
            # (kind prefix, the run judged, the run it must match)
            for prefix, me, them in (("", "native", "tshark"), ("pipe:", "pipe", "native")):
                mine, theirs = runs[me], runs[them]
                for kind in classify(mine, theirs):
                    i = {"rc": 0, "stdout": 1}.get(kind, 2)
                    text = ("%s %d, %s %d" % (me, mine[0], them, theirs[0]) if i == 0 else
                            "".join(list(difflib.unified_diff(theirs[i].splitlines(True), mine[i].splitlines(True),
                                                              them, me))[:40]))
                    found.append((name, prefix + kind, text))
            if self.verbose:
                print("  %-70s %s" % (case, " ".join(flags)), flush=True)
        return found


def make_cases(env, sources):
    """(case name, path, modes) for every capture and variant, written into env's captures folder."""
    cases = []
    d = env.captures

    def write(name, data):
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, 0o644)
        return path

    for name, src in sorted(sources.items()):
        shutil.copy(src, d)
        os.chmod(os.path.join(d, name), 0o644)
        if name.endswith((".pcap", ".pcapng")):
            cases.append((name, os.path.join(d, name), ALL_MODES + SOFTWIRE_MODES.get(name, [])))
    crafted = os.path.join(d, "crafted.pcap")
    write_crafted(crafted)
    os.chmod(crafted, 0o644)
    cases.append(("crafted.pcap", crafted, ALL_MODES))
    for edge, (linktype, frames, times) in walk_edges.captures().items():
        cases.append((edge, write(edge, walk_edges.pcap(linktype, frames, times)), VARIANT_MODES))

    specs = dict(corrupt_captures.GENERATED, **corrupt_captures.REAL, **corrupt_captures.CRAFTED)
    for name, (edits, budget, snaplens, _) in sorted(specs.items()):
        path = os.path.join(d, name)
        if not os.path.exists(path):
            continue
        stem, ext = os.path.splitext(path)
        for p, seed, off in edits:
            out = "%s.E%g-s%d-o%d%s" % (stem, p, seed, off, ext)
            corrupt_captures.editcap(["-E", str(p), "--seed", str(seed), "-o", str(off), path, out])
            os.chmod(out, 0o644)
            cases.append(("%s editcap -E %g --seed %d -o %d" % (name, p, seed, off), out, VARIANT_MODES))
        for n in snaplens:
            out = "%s.s%d%s" % (stem, n, ext)
            corrupt_captures.editcap(["-s", str(n), path, out])
            os.chmod(out, 0o644)
            cases.append(("%s editcap -s %d" % (name, n), out, VARIANT_MODES))
        data = open(path, "rb").read()
        for cut in corrupt_captures.cut_points(name, data, budget):
            cases.append(("%s cut at byte %d of %d" % (name, cut, len(data)),
                          write("%s.cut%d%s" % (os.path.basename(stem), cut, ext), data[:cut]), VARIANT_MODES))

    cases += handoff_cases(write, d)
    for name in RELINKED:
        path = os.path.join(d, name)
        if not os.path.exists(path):
            continue
        data = open(path, "rb").read()
        for link, (linktype, prefix) in LINKS.items():
            out = ppp_ether_frames(pcapng_to_pcap(data) if data[:4] == b"\x0a\x0d\x0d\x0a" else data) \
                if prefix is None else relink(data, linktype, prefix)
            cases.append(("%s as %s" % (name, link), write("%s.%s.pcap" % (name, link), out), VARIANT_MODES))
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", action="append", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--differences", default=os.path.join(HERE, "DIFFERENCES"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", help="only cases whose name contains this")
    ap.add_argument("--keep", help="copy the captures of differing cases here")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    sources = {}
    for folder in a.captures:
        for name in sorted(os.listdir(folder)):
            if name.endswith((".pcap", ".pcapng", ".csv")):
                sources.setdefault(name, os.path.join(folder, name))
    allowed = Differences(a.differences)
    r = Runner(a)
    failures, named = [], []
    try:
        cases = make_cases(r.env, sources)
        if a.only:
            cases = [c for c in cases if a.only in c[0]]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            results = list(pool.map(lambda c: (c, r.compare(*c)), cases))
        for (case, path, _), found in results:
            for name, kind, text in found:
                if allowed.named(name, kind):
                    named.append((name, kind))
                else:
                    failures.append((name, kind, text, path))
        if a.keep and failures:
            os.makedirs(a.keep, exist_ok=True)
            for *_, path in failures:
                shutil.copy(path, a.keep)
    finally:
        r.env.close()
    for name, kind in named:
        print("named   %-14s %s" % (kind, name))
    for rule in allowed.rules:
        print("DIFFERENCES %4d x  %s  %s" % (rule[3], rule[0], rule[1]))
    print("%d cases, %d runs of the command" % (len(cases), r.runs))
    for name, kind, text, _ in failures:
        print("FAIL %s: %s differs\n%s" % (name, kind, text))
    if failures:
        print("%d differences not named in %s" % (len(failures), a.differences))
        return 1
    print("ok: the native reader and tshark agree, but for the differences named; a pipe reads what the file reads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
