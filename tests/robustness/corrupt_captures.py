#!/usr/bin/python3
"""Damaged captures through tshark with the AddressSanitizer + UBSan build of
the plugin.

From a few generated and real captures, and crafted.pcap (borderline packets
written here, rob_common.CRAFTED), this makes, deterministically:
  * bit rot:    editcap -E P --seed N [-o 54] (random bytes changed inside packets;
                -o 54 spares the Ethernet and IPv6 headers so the damage lands in
                the tunnelled IPv4 packet),
  * truncation: the file cut at chosen byte offsets: inside the file header, at a
                record boundary, inside a record header, inside the packet data
                (link, IPv6, inner IPv4, L4 header), in a pcapng block trailer,
  * snap length: editcap -s N (each packet cut to N bytes, its wire length kept).

Each damaged file (and each whole file) goes through tshark runs with the plugin:
  A  -q with six -z 4o6top instances at once: sum,height=0; log,tunnel (pipe
     delimited); ce; sess,ends; stat with evicted, ce_ports and max_sessions=5
     (semicolon delimited); log,format=json with a display filter (a filter builds
     a protocol tree, so the post-dissector computes too);
  B  -2 -T fields -e 4o6top.* (the post-dissector, two passes);
  C  -V with -o 4o6top.max_sessions:3 (the post-dissector, one pass, evicting;
     whole files and bit rot only),
and one without the plugin at all (-2 -T fields -e frame.number), the baseline
(bit rot and snap length keep the records whole: the whole file's baseline
serves). WIRESHARK_ABORT_ON_DISSECTOR_BUG=1 in all of them.

Failures:
  * a sanitizer report (ERROR: AddressSanitizer, runtime error:, ...), a signal
    (an abort on a dissector bug included), or a run longer than the timeout;
  * an exit status other than the baseline's (when it differs from the baseline
    above, the same arguments without the plugin are run to compare like with like);
  * a stderr line that neither starts with "4o6top: " nor is in the baseline's
    stderr (so every plugin message is one line);
  * the log (A) and the post-dissector (B) disagreeing on how many packets count;
  * truncation (of a file at least as long as its pcap header or pcapng section
    header, and read by tshark as the same file type):
    K = the number of complete packet records, counted here from the
    record headers, must be what tshark reads; B's lines must be the first K lines
    of B on the whole file; A's log rows must be exactly the first n rows of the
    whole file's log, n = the packets among the first K that count in the whole
    file ("every good packet still counts"); A's stat rows but the last must be a
    prefix of the whole file's;
  * snap length >= 128 on captures without fragments or long headers: the same log
    rows as the whole file (4o6top reads only the headers; Length is the IPv6
    payload length field).

Exit status: 0 all good, 1 a failure, 77 skipped (no libasan, or the plugin is
not a sanitizer build).

Usage: corrupt_captures.py --plugins ASAN_BUILD/plugins --captures DIR [--captures DIR]
                           [--jobs N] [--keep DIR] [--only NAME] [--scale N] [-v]
"""
import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from rob_common import (SANITIZER_RE, SKIP, TsharkEnv, complete_packets, needs_asan, records, run,
                        sanitizer_env, sanitizer_preload, write_crafted)  # noqa: E402

A_ARGS = ["-q",
          "-z", "4o6top,sum,height=0",
          "-z", "4o6top,log,tunnel,delimiter=pipe",
          "-z", "4o6top,ce",
          "-z", "4o6top,sess,ends",
          "-z", "4o6top,stat,evicted,ce_ports,max_sessions=5,interval=10,delimiter=semicolon",
          "-z", "4o6top,log,format=json,tcp"]
A_BASE = ["-q"]
B_FIELDS = ["frame.number", "4o6top.session", "4o6top.new_session", "4o6top.ce", "4o6top.client",
            "4o6top.client_port", "4o6top.server_port", "4o6top.session_packets", "4o6top.active_sessions"]
B_ARGS = ["-2", "-T", "fields"] + [x for f in B_FIELDS for x in ("-e", f)]
BASE_ARGS = ["-2", "-T", "fields", "-e", "frame.number"]
C_ARGS = ["-V", "-o", "4o6top.max_sessions:3"]
C_BASE = ["-V"]

LOG_ROW = re.compile(r"^\d{4}-\d\d-\d\dT[0-9:.]+Z\|")
STAT_ROW = re.compile(r"^\d{4}-\d\d-\d\dT[0-9:.]+Z;")

# name: ([(editcap -E probability, --seed, -o offset)...], truncation cuts, [snaplen...],
#        the log at snaplen >= 128 is the whole file's)
GENERATED = {
    "sample.pcapng": ([(0.01, 1, 54), (0.05, 2, 0), (0.3, 3, 54)], 11, [54, 58, 64, 74, 78, 128], True),
    "mixed.pcap": ([(0.005, 1, 54), (0.05, 2, 0)], 9, [80, 128], True),
    "dslite.pcapng": ([(0.05, 1, 54), (0.3, 2, 0)], 9, [128], True),
    "frag-inner.pcap": ([(0.02, 1, 54), (0.2, 2, 0)], 7, [74, 90, 600], False),
    "frag-outer.pcap": ([(0.02, 1, 54), (0.2, 2, 0)], 7, [62, 100, 600], False),
    "malformed.pcap": ([(0.1, 1, 54), (0.3, 2, 0)], 7, [64, 128], True),
    "exthdr.pcap": ([(0.1, 1, 54)], 4, [70, 100], False),
    "vlan.pcap": ([(0.1, 1, 58)], 3, [128], True),
    "sll.pcap": ([(0.1, 1, 56)], 3, [128], True),
}
# Hand-made borderline packets (rob_common.CRAFTED), written by this script.
CRAFTED = {"crafted.pcap": ([(0.1, 1, 54)], 6, [60, 70], False)}
REAL = {
    "ndpi-4in6tunnel.pcap": ([(0.02, 1, 54), (0.2, 2, 0)], 6, [78, 128], False),
    "zeek-mpls-6in6-6in6-4in6-trunc.pcap": ([(0.2, 1, 0)], 3, [100], False),
    "sv-flow-pkt-recursion-tunnel-pkt-flows.pcap": ([(0.1, 1, 54)], 4, [90], False),
    "sv-bug-7964-01-wrong-version-ipv4-ipv6.pcap": ([(0.3, 1, 0)], 3, [60], False),
}


class Tester:
    def __init__(self, env, san_env, verbose):
        self.env = env
        # A DISSECTOR_ASSERT (e.g. a field added with the wrong type) aborts instead of
        # becoming a quiet "Dissector bug" item; the same for tshark without the plugin.
        strict = {"WIRESHARK_ABORT_ON_DISSECTOR_BUG": "1"}
        self.san = dict(san_env, **strict)
        self.base_env = dict(strict, WIRESHARK_PLUGIN_DIR=os.path.join(env.dir, "noplugins"))
        self.verbose = verbose
        self.failures = []
        self.notes = []
        self.runs = Counter()
        self.lock = threading.Lock()
        self.plugin_lines = Counter()

    # -- running --

    def plugin_run(self, args, path, keep_stdout=True):
        with self.lock:
            self.runs["plugin"] += 1
        return run(self.env, args + ["-r", path], self.san, keep_stdout)

    def base_run(self, args, path, keep_stdout=True):
        with self.lock:
            self.runs["baseline"] += 1
        return run(self.env, args + ["-r", path], self.base_env, keep_stdout)

    def fail(self, what, msg):
        self.failures.append("%s: %s" % (what, msg))

    def check(self, what, res, base, exact_base_args, path):
        """Sanitizers, signals, exit status and stderr lines of a plugin run."""
        ok = True
        hit = SANITIZER_RE.search(res.err)
        if hit:
            self.fail(what, "sanitizer report:\n" + res.err[max(0, hit.start() - 200):hit.start() + 4000])
            return False
        if res.rc < 0:
            self.fail(what, "killed by signal %d; stderr:\n%s" % (-res.rc, res.err[-3000:]))
            return False
        with self.lock:
            for line in res.err.splitlines():
                if line.startswith("4o6top: "):
                    self.plugin_lines[re.sub(r"\b\d+\b", "N", line)] += 1
        stray = self.stray_lines(res, base)
        if res.rc != base.rc or stray:
            exact = self.base_run(exact_base_args, path, keep_stdout=False)
            if exact.rc < 0:
                self.notes.append("%s: tshark without the plugin dies by signal %d; not judged" % (what, -exact.rc))
                return False
            base = exact
            stray = self.stray_lines(res, base)
        if res.rc != base.rc:
            self.fail(what, "exit status %d, tshark without 4o6top: %d; stderr:\n%s" % (res.rc, base.rc, res.err))
            ok = False
        if stray:
            self.fail(what, "stderr lines neither \"4o6top: \" nor tshark's own: %r" % stray)
            ok = False
        return ok

    @staticmethod
    def stray_lines(res, base):
        own = Counter(base.err.splitlines())
        stray = []
        for line in res.err.splitlines():
            if line.startswith("4o6top: "):
                continue
            if own[line] > 0:
                own[line] -= 1
            else:
                stray.append(line)
        return stray

    def three_runs(self, what, path, want_c=True, base=None):
        """Baseline, A, B (and C); returns (base, A, B) after the generic checks.
        base given: the whole file's (bit rot and snap length keep the records whole);
        tshark without the plugin then runs only if a plugin run differs from it."""
        base = base or self.base_run(BASE_ARGS, path)
        if base.rc < 0:
            self.notes.append("%s: tshark without the plugin dies by signal %d; not judged" % (what, -base.rc))
            return None
        a = self.plugin_run(A_ARGS, path)
        b = self.plugin_run(B_ARGS, path)
        good = self.check(what + " [A: -z 4o6top x6]", a, base, A_BASE, path)
        good &= self.check(what + " [B: -2 -T fields]", b, base, BASE_ARGS, path)
        if want_c:
            c = self.plugin_run(C_ARGS, path, keep_stdout=False)
            good &= self.check(what + " [C: -V]", c, base, C_BASE, path)
        if not good:
            return None
        # The statistics and the post-dissector count the same packets.
        log = log_rows(a.out)
        counted = [line for line in b.out.splitlines() if line.split("\t")[1:2] != [""]]
        if len(log) != len(counted):
            self.fail(what, "log has %d rows, the post-dissector annotated %d packets" % (len(log), len(counted)))
        if self.verbose:
            print("  %-60s rc=%d frames=%d rows=%d" % (what, a.rc, len(b.out.splitlines()), len(log)), flush=True)
        return base, a, b


def file_type(path):
    p = subprocess.run(["capinfos", "-t", "-M", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    m = re.search(r"^File type:\s*(\S+)", p.stdout.decode("utf-8", "replace"), re.M)
    return m.group(1) if m else None


def log_rows(out):
    return [line for line in out.splitlines() if LOG_ROW.match(line)]


def stat_rows(out):
    return [line for line in out.splitlines() if STAT_ROW.match(line)]


# Where in a record a cut lands; one cut of each kind, then more picked at random.
CUT_KINDS = {
    "boundary": lambda st, hl, en: st,
    "record header": lambda st, hl, en: st + 1 + (hl - 2) // 2,
    "link header": lambda st, hl, en: st + hl + 7,
    "IPv6 header": lambda st, hl, en: st + hl + 30,
    "inner IPv4 header": lambda st, hl, en: st + hl + 62,
    "L4 header": lambda st, hl, en: st + hl + 78,
    "payload or trailer": lambda st, hl, en: en - 3,
}


def cut_points(name, data, budget):
    """budget byte offsets to cut the file at: mid file header (pcapng: and mid
    interface description), the last byte, then one cut of each kind in CUT_KINDS at
    a random record, then random (record, kind) pairs; seeded with the capture's name."""
    kind, first_block_end, recs = records(data)
    rnd = random.Random("4o6top-corrupt:" + name)
    cuts = {first_block_end // 2, len(data) - 1}
    if kind == "pcapng" and recs:
        cuts.add((first_block_end + recs[0][0]) // 2)
    pools = []
    for f in CUT_KINDS.values():
        offs = sorted({f(*r) for r in recs if r[0] <= f(*r) < r[2]} - cuts)
        if offs:
            pools.append(offs)
    rnd.shuffle(pools)
    for offs in pools:
        if len(cuts) < budget:
            cuts.add(rnd.choice(offs))
    rest = sorted(set(o for offs in pools for o in offs) - cuts)
    cuts |= set(rnd.sample(rest, min(len(rest), max(0, budget - len(cuts)))))
    return sorted(cuts)


class Whole:
    """The reference: A and B on the undamaged capture."""

    def __init__(self, t, name, path):
        self.ok = False
        got = t.three_runs(name + " (whole)", path)
        if not got:
            return
        base, a, b = got
        self.base = base
        self.type = file_type(path)
        self.data = open(path, "rb").read()
        self.kind, self.first_block_end, self.recs = records(self.data)
        if len(base.out.split()) != len(self.recs):
            t.fail(name, "tshark reads %d packets, the file has %d records" % (len(base.out.split()),
                                                                               len(self.recs)))
            return
        self.b = b.out.splitlines()
        self.log = log_rows(a.out)
        self.stat = stat_rows(a.out)
        counted = [int(x.split("\t")[0]) for x in self.b if x.split("\t")[1] != ""]
        # Which packets count, from the post-dissector; None when it and the log disagree
        # (already a failure): truncated logs are then only checked to be a prefix.
        self.counted = counted if len(counted) == len(self.log) else None
        self.ok = True


def editcap(args):
    # Quiet: -o longer than a short packet is said for each such packet.
    p = subprocess.run(["editcap"] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        raise RuntimeError("editcap %s: %s" % (" ".join(args), p.stdout.decode("utf-8", "replace")))


def editcap_variant(t, name, path, whole, p, seed, off):
    stem, ext = os.path.splitext(path)
    out = "%s.E%g-s%d-o%d%s" % (stem, p, seed, off, ext)
    editcap(["-E", str(p), "--seed", str(seed), "-o", str(off), path, out])
    os.chmod(out, 0o644)
    t.three_runs("%s editcap -E %g --seed %d -o %d" % (name, p, seed, off), out, base=whole.base)


def snaplen_variant(t, name, path, whole, n, same_rows):
    stem, ext = os.path.splitext(path)
    out = "%s.s%d%s" % (stem, n, ext)
    editcap(["-s", str(n), path, out])
    os.chmod(out, 0o644)
    what = "%s editcap -s %d" % (name, n)
    got = t.three_runs(what, out, want_c=False, base=whole.base)
    if got and same_rows and n >= 128 and log_rows(got[1].out) != whole.log:
        t.fail(what, "log rows differ from the whole file's (%d vs %d rows)" %
               (len(log_rows(got[1].out)), len(whole.log)))


def cut_variant(t, name, path, whole, cut):
    stem, ext = os.path.splitext(path)
    out = "%s.cut%d%s" % (stem, cut, ext)
    with open(out, "wb") as f:
        f.write(whole.data[:cut])
    os.chmod(out, 0o644)
    what = "%s cut at byte %d of %d" % (name, cut, len(whole.data))
    got = t.three_runs(what, out, want_c=False)
    if not got or cut < whole.first_block_end:
        return  # shorter than a pcap header or pcapng section header: tshark may take it for another format
    base, a, b = got
    if whole.kind == "pcap" and file_type(out) != whole.type:
        # Wireshark guesses among pcap variants from the first records; a cut in the
        # second record header can make it read e.g. RedHat 6.1 tcpdump records.
        t.notes.append("%s: read as %s, not %s; contents not compared" % (what, file_type(out), whole.type))
        return
    k = complete_packets(whole.recs, cut)
    read = len(base.out.split())
    if read != k:
        t.fail(what, "%d complete packet records, tshark read %d" % (k, read))
        return
    if b.out.splitlines() != whole.b[:k]:
        t.fail(what, "post-dissector fields of the first %d packets differ from the whole file's" % k)
    rows = log_rows(a.out)
    n = sum(1 for f in whole.counted if f <= k) if whole.counted is not None else len(rows)
    if rows != whole.log[:n]:
        diff = next((i for i, (x, y) in enumerate(zip(rows, whole.log[:n])) if x != y), min(len(rows), n))
        t.fail(what, "log: %d rows, expected the whole file's first %d (the packets that count among the "
               "first %d); first difference at row %d" % (len(rows), n, k, diff + 1))
    srows = stat_rows(a.out)
    if srows[:-1] != whole.stat[:max(0, len(srows) - 1)]:
        t.fail(what, "stat rows (all but the last) are not a prefix of the whole file's")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugins", required=True, help="plugins/ tree of a -DFOT_SANITIZE=ON build")
    ap.add_argument("--captures", action="append", required=True, help="folder of captures (repeatable)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", help="copy the damaged files of failing runs here")
    ap.add_argument("--only", action="append", help="only these capture names")
    ap.add_argument("--scale", type=int, default=1,
                    help="N times the editcap seeds and truncation cuts (CI: 1, 132 copies; "
                         "14: 1078)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    so = os.path.join(a.plugins, "4.0", "epan", "4o6top.so")
    so = so if os.path.exists(so) else next((os.path.join(r, f) for r, _, fs in os.walk(a.plugins)
                                             for f in fs if f == "4o6top.so"), None)
    preload = sanitizer_preload()
    if not preload:
        print("SKIP: gcc has no libasan.so/libubsan.so to preload into tshark")
        return SKIP
    if not so:
        print("SKIP: no 4o6top.so under %s (robustness/asan-plugin builds it)" % a.plugins)
        return SKIP
    if not needs_asan(so):
        print("SKIP: %s is not an AddressSanitizer build (configure with -DFOT_SANITIZE=ON)" % so)
        return SKIP

    want = dict(GENERATED)
    want.update(REAL)
    want.update(CRAFTED)
    if a.only:
        want = {k: v for k, v in want.items() if k in a.only}
    sources = {}
    for d in a.captures:
        for name in want:
            if os.path.exists(os.path.join(d, name)):
                sources.setdefault(name, os.path.join(d, name))
    missing = sorted(set(want) - set(sources) - set(CRAFTED))
    if missing:
        print("FAIL: captures not found: %s" % ", ".join(missing))
        return 1

    env = TsharkEnv(a.plugins, sorted(sources.values()))
    for name in CRAFTED:
        if name in want:
            write_crafted(os.path.join(env.captures, name))
            os.chmod(os.path.join(env.captures, name), 0o644)
    os.makedirs(os.path.join(env.dir, "noplugins", "4.0", "epan"))
    os.chmod(os.path.join(env.dir, "noplugins"), 0o755)
    t = Tester(env, sanitizer_env(preload), a.verbose)
    start = time.time()
    try:
        # The plugin really is instrumented, and the preload makes it load.
        probe = os.path.join(env.captures, "dslite.pcapng" if "dslite.pcapng" in sources else sorted(sources)[0])
        bare = run(env, ["-q", "-z", "4o6top,sum", "-r", probe])
        if "ASan runtime does not come first" not in bare.err:
            print("FAIL: the sanitizer plugin loaded without libasan preloaded (rc %d): %s" % (bare.rc, bare.err))
            return 1
        loaded = t.plugin_run(["-q", "-z", "4o6top,sum", "-r", probe], probe)
        if loaded.rc != 0 or "4o6top ver:" not in loaded.out:
            print("FAIL: tshark with %s preloaded and the sanitizer plugin: rc %d\n%s" % (preload, loaded.rc,
                                                                                      loaded.err))
            return 1
        print("sanitizer plugin %s loads with LD_PRELOAD=%s" % (so, preload), flush=True)

        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            paths = {name: os.path.join(env.captures, name) for name in want}
            wholes = dict(zip(want, pool.map(lambda n: Whole(t, n, paths[n]), want)))
            jobs = []
            for name, (edits, budget, snaplens, same_rows) in want.items():
                w = wholes[name]
                if not w.ok:
                    continue
                jobs += [(editcap_variant, name, paths[name], w, p, seed + 1000 * k, off)
                         for p, seed, off in edits for k in range(a.scale)]
                jobs += [(snaplen_variant, name, paths[name], w, n, same_rows) for n in snaplens]
                jobs += [(cut_variant, name, paths[name], w, c)
                         for c in cut_points(name, w.data, budget * a.scale)]
            print("%d captures, %d damaged copies" % (len(wholes), len(jobs)), flush=True)
            for fut in [pool.submit(j[0], t, *j[1:]) for j in jobs]:
                fut.result()
    finally:
        if a.keep and t.failures:
            os.makedirs(a.keep, exist_ok=True)
            for f in os.listdir(env.captures):
                shutil.copy(os.path.join(env.captures, f), a.keep)
        env.close()

    for n in t.notes:
        print("note: " + n)
    for line, n in t.plugin_lines.most_common():
        print("plugin stderr, %5d x %s" % (n, line))
    print("%d tshark runs with the sanitizer plugin, %d without, %.0f s" % (t.runs["plugin"], t.runs["baseline"],
                                                                          time.time() - start))
    if t.failures:
        for f in t.failures:
            print("FAIL " + f)
        print("%d failures" % len(t.failures))
        return 1
    print("ok: no sanitizer report, crash, stray stderr line or exit status change; truncation keeps every "
          "complete packet")
    return 0


if __name__ == "__main__":
    sys.exit(main())
