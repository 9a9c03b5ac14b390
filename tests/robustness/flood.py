#!/usr/bin/python3
"""A SYN flood through a DS-Lite AFTR, with and without max_sessions.

make_flood.py writes SYNS unanswered SYNs (1 000 B4s, random inner addresses and
ports, each its own session) with REAL ordinary sessions spread through them.
tshark (TCP, UDP and ICMP dissectors off, as 4o6top does not need them, so that
Wireshark's own per-connection state does not drown the plugin's) runs:

  capped      -z 4o6top,stat,evicted,max_sessions=CAP,interval=5   peak RSS
  uncapped    -z 4o6top,stat,evicted,max_sessions=0,interval=5     peak RSS
  early       the capped run on the first 10 % of the packets (-c)  peak RSS
  tshark      -z io,stat,0 (tshark, dissecting, 4o6top off), whole and first 10 %  peak RSS
  sess        -z 4o6top,sess,ends,max_sessions=CAP   rows streamed, not stored
  ce          -z 4o6top,ce,max_sessions=CAP

and checks:
  * memory stays bounded under the cap: capped - early <= 10 % of (uncapped - early)
    + 4 MB, while the uncapped run grows by at least 30 MB (the flood does load it),
    each growth net of tshark's own (Wireshark 4.4 and 4.6 keep a conversation per
    inner IPv4 address pair);
  * stat (capped): Session never above CAP; Evicted grows, and ends equal to the
    sess run's evicted rows; uncapped: Evicted stays 0 and Session reaches SYNS+REAL;
  * sess: SYNS+REAL open rows, every session opened once and ended once
    (evicted + timeout + end of capture = opened), at most CAP at the end;
  * every real session: one open row oriented client first, one end row with its 12
    packets and 4 680 bytes (it was never evicted while alive), and Sessions 1 on its
    B4's ce row;
  * exit status 0 and no stderr line other than "4o6top: " ones.

Usage: flood.py --plugins BUILD/plugins [--syns N] [--cap N] [--real K] [--workdir DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from rob_common import HERE, TsharkEnv  # noqa: E402

LEAN = ["--disable-protocol", "tcp", "--disable-protocol", "udp", "--disable-protocol", "icmp"]


def measured(env, args, on_line=None):
    """Run tshark; stream stdout lines to on_line (or keep them); return
    (rc, stdout lines kept, stderr, peak RSS in kB, seconds)."""
    argv, e = env.command(args)
    start = time.time()
    errpath = os.path.join(env.dir, "stderr.txt")
    with open(errpath, "wb") as err:
        p = subprocess.Popen(argv, env=e, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err,
                             cwd=env.dir)
        kept = []
        for raw in p.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if on_line:
                on_line(line)
            else:
                kept.append(line)
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    with open(errpath, encoding="utf-8", errors="replace") as f:
        stderr = f.read()
    return p.returncode, kept, stderr, usage.ru_maxrss, time.time() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--syns", type=int, default=1000000)
    ap.add_argument("--cap", type=int, default=10000)
    ap.add_argument("--real", type=int, default=20)
    ap.add_argument("--workdir", help="keep the capture here (default: a temporary folder)")
    a = ap.parse_args()

    env = TsharkEnv(a.plugins)
    failures = []

    def check(ok, msg):
        if not ok:
            failures.append(msg)
        return ok

    try:
        path = os.path.join(a.workdir or env.captures, "flood.pcap")
        t0 = time.time()
        gen = subprocess.run([sys.executable, os.path.join(HERE, "make_flood.py"), path, "--syns", str(a.syns),
                              "--real", str(a.real)], stdout=subprocess.PIPE, check=True)
        info = json.loads(gen.stdout)
        os.chmod(path, 0o644)
        print("capture: %d packets (%d SYNs, %d real sessions), %.1f s of capture time, %.0f MB, written in %.1f s"
              % (info["packets"], info["syns"], len(info["real"]), info["seconds"], os.path.getsize(path) / 1e6,
                 time.time() - t0), flush=True)
        sessions = info["sessions"]
        cap = a.cap
        runs = {}

        def stat_run(name, zargs, extra=()):
            rc, out, err, rss, secs = measured(env, ["-r", path, "-q"] + LEAN + list(extra) + ["-z", zargs])
            runs[name] = (rss, secs)
            check(rc == 0, "%s: exit status %d" % (name, rc))
            stray = [x for x in err.splitlines() if not x.startswith("4o6top: ")]
            check(not stray, "%s: stderr %r" % (name, stray))
            header = out[0].split(",") if out else []
            rows = [dict(zip(header, x.split(","))) for x in out[1:]]
            print("%-9s peak RSS %7.1f MB  %5.1f s  %s" % (name, rss / 1024, secs,
                                                          "rows %d, last: %s" % (len(rows), out[-1] if out else "-")),
                  flush=True)
            return rows

        capped = stat_run("capped", "4o6top,stat,evicted,max_sessions=%d,interval=5" % cap)
        uncapped = stat_run("uncapped", "4o6top,stat,evicted,max_sessions=0,interval=5")
        stat_run("early", "4o6top,stat,evicted,max_sessions=%d,interval=5" % cap,
                         ["-c", str(info["packets"] // 10)])

        # sess: streamed, counted; the real sessions' rows kept.
        real = {(r["client"], str(r["client_port"]), r["server"], str(r["server_port"])): r for r in info["real"]}
        events = {}
        real_rows = {}

        def on_sess(line):
            f = line.split(",")
            if len(f) < 10 or f[0] == "time":
                return
            events[f[6]] = events.get(f[6], 0) + 1
            for key in ((f[2], f[3], f[4], f[5]), (f[4], f[5], f[2], f[3])):
                if key in real:
                    real_rows.setdefault(key, []).append(f)

        rc, _, err, rss, secs = measured(env, ["-r", path, "-q"] + LEAN +
                                         ["-z", "4o6top,sess,ends,max_sessions=%d" % cap], on_sess)
        runs["sess"] = (rss, secs)
        print("%-9s peak RSS %7.1f MB  %5.1f s  events %s" % ("sess", rss / 1024, secs, json.dumps(events)), flush=True)
        check(rc == 0, "sess: exit status %d" % rc)
        check(all(x.startswith("4o6top: ") for x in err.splitlines()), "sess: stderr %r" % err)

        rc, ce_out, err, rss, secs = measured(env, ["-r", path, "-q"] + LEAN +
                                              ["-z", "4o6top,ce,max_sessions=%d" % cap])
        runs["ce"] = (rss, secs)
        check(rc == 0, "ce: exit status %d" % rc)
        ce = {x.split(",")[0]: dict(zip(ce_out[0].split(","), x.split(","))) for x in ce_out[1:]}
        print("%-9s peak RSS %7.1f MB  %5.1f s  %d CE/B4 rows" % ("ce", rss / 1024, secs, len(ce)), flush=True)

        # Memory: the plugin's growth, net of tshark's own under the same flags with 4o6top off
        # (io,stat makes it dissect every packet). In Wireshark 4.4 and 4.6 (not 4.0) the IPv4
        # dissector keeps a conversation per address pair (ip.stream), about 470 bytes each: a
        # flood of new inner pairs grows tshark whatever the plugin does.
        alone = ["--disable-protocol", "4o6top"]
        stat_run("tshark", "io,stat,0", alone)
        stat_run("tshark-e", "io,stat,0", alone + ["-c", str(info["packets"] // 10)])
        own = runs["tshark"][0] - runs["tshark-e"][0]
        grow_capped = runs["capped"][0] - runs["early"][0] - own
        grow_uncapped = runs["uncapped"][0] - runs["early"][0] - own
        print("peak RSS growth past the first 10 %% of the packets, tshark's own (%+.1f MB) taken off: capped "
              "%+.1f MB, uncapped %+.1f MB (%.0f bytes per session)" %
              (own / 1024, grow_capped / 1024, grow_uncapped / 1024, grow_uncapped * 1024 / max(1, sessions * 0.9)))
        check(grow_uncapped >= 30 * 1024, "the uncapped run grew only %.1f MB: the flood does not load the "
              "session table" % (grow_uncapped / 1024))
        check(grow_capped <= 0.1 * grow_uncapped + 4 * 1024,
              "capped run's memory grows with the flood: %+.1f MB (uncapped %+.1f MB)" %
              (grow_capped / 1024, grow_uncapped / 1024))

        # stat.
        if check(capped and uncapped, "stat printed no rows"):
            check(all(int(r["Session"]) <= cap for r in capped), "capped: Session above %d" % cap)
            ev = [int(r["Evicted"]) for r in capped]
            check(ev == sorted(ev) and ev[-1] > 0, "capped: Evicted does not grow: %s" % ev)
            check(ev[-1] == events.get("evicted", -1), "capped stat Evicted %d, sess evicted rows %d" %
                  (ev[-1], events.get("evicted", -1)))
            check(all(int(r["Evicted"]) == 0 for r in uncapped), "uncapped: evictions")
            peak = max(int(r["Session"]) for r in uncapped)
            check(peak >= info["syns"], "uncapped: at most %d sessions at once, the flood has %d SYNs" %
                  (peak, info["syns"]))

        # sess.
        opened = events.get("open", 0)
        ended = sum(v for k, v in events.items() if k != "open")
        check(opened == sessions, "sess: %d sessions opened, the capture has %d" % (opened, sessions))
        check(ended == opened, "sess: %d opened, %d ended" % (opened, ended))
        check(events.get("end", 0) <= cap, "sess: %d active at the end, cap %d" % (events.get("end", 0), cap))

        # The real sessions.
        for key, r in sorted(real.items()):
            rows = real_rows.get(key, [])
            opens = [f for f in rows if f[6] == "open"]
            ends = [f for f in rows if f[6] != "open"]
            name = "real session %s:%s > %s:%s" % key
            if not check(len(opens) == 1 and len(ends) == 1, "%s: rows %s" % (name, rows)):
                continue
            check((opens[0][2], opens[0][3]) == (r["client"], str(r["client_port"])),
                  "%s: oriented %s:%s first" % (name, opens[0][2], opens[0][3]))
            check(ends[0][7:9] == [str(r["packets"]), str(r["bytes"])],
                  "%s: ended (%s) with %s packets, %s bytes; expected %d, %d" %
                  (name, ends[0][6], ends[0][7], ends[0][8], r["packets"], r["bytes"]))
            row = ce.get(r["b4"])
            check(row is not None and row["Sessions"] == "1", "%s: ce row of %s: %s" % (name, r["b4"], row))
        print("real sessions: %d of %d with one open row (client first) and one end row of 12 packets, 4 680 bytes"
              % (sum(1 for k in real if len(real_rows.get(k, [])) == 2), len(real)))
    finally:
        env.close()

    if failures:
        for f in failures:
            print("FAIL " + f)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
