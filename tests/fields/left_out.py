#!/usr/bin/python3
"""When tshark's -e names no 4o6top field, the plugin adds no items to the
visible tree (plugin/host.c reads -e from tshark's arguments, as tshark marks
nothing for -e). What must still hold, for each capture given, against a run
whose -e names every field used here:
- a display filter on a 4o6top field picks the same frames (one pass and -2);
- 4o6top's expert infos are printed for -e _ws.expert.message (one pass, -2);
- -e written as "-eF" or after value-less flags ("-qe F") still names 4o6top."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--plugins", required=True)
ap.add_argument("--option", action="append", default=[], help="-o value for every run (e.g. a MAP rule table)")
ap.add_argument("captures", nargs="+")
a = ap.parse_args()
env = TsharkEnv(a.plugins, a.captures)
options = [x for o in a.option for x in ("-o", o)]
failed = False


def rows(cap, args):
    """tshark -T fields with these arguments (its -e among them): each line's columns."""
    r = env.run(["-r", cap] + options + ["-T", "fields"] + args)
    if r.returncode != 0 or r.stderr:
        raise SystemExit("tshark failed: %s" % r.stderr.decode())
    return [line.split("\t") for line in r.stdout.decode().splitlines()]


def fields(cap, names, extra=()):
    return rows(cap, list(extra) + [x for f in names for x in ("-e", f)])


def check(name, got, want):
    global failed
    ok = got == want
    print("%s %s" % ("ok  " if ok else "FAIL", name))
    if not ok:
        print("  got:  %s\n  want: %s" % (got[:8], want[:8]))
    failed |= not ok


try:
    for path in a.captures:
        base = os.path.basename(path)
        cap = env.capture(base)
        sessions = None
        for two_pass in ([], ["-2"]):
            label = "%s %s" % (base, " ".join(two_pass) or "one pass")
            # Wireshark's own TCP expert infos differ between one pass and -2: compare like with like.
            full = fields(cap, ["frame.number", "4o6top.direction", "4o6top.session", "_ws.expert.message"], two_pass)
            up = [row[0] for row in full if row[1] == "0"]
            sessions = sessions or [[row[0], row[2]] for row in full]
            if not up or not any("of CE/B4" in row[3] for row in full):
                print("FAIL %s: no upstream 4o6top packet or no 4o6top expert info to check" % label)
                failed = True
            picked = [row[0] for row in fields(cap, ["frame.number"], two_pass + ["-Y", "4o6top.direction == \"up\""])]
            check(label + ": -Y on 4o6top, -e frame.number only", picked, up)
            check(label + ": -e _ws.expert.message without 4o6top fields",
                  fields(cap, ["frame.number", "_ws.expert.message"], two_pass), [[row[0], row[3]] for row in full])
        check(base + ": -qe 4o6top.session", rows(cap, ["-e", "frame.number", "-qe", "4o6top.session"]), sessions)
        check(base + ": -e4o6top.session", rows(cap, ["-e", "frame.number", "-e4o6top.session"]), sessions)
finally:
    env.close()
sys.exit(1 if failed else 0)
