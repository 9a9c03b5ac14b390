#!/usr/bin/python3
"""The post-dissector and the statistics count the same sessions: one
4o6top.new_session packet per session instance, numbered 1..N in order, and
sess prints N rows, for each capture given."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--plugins", required=True)
ap.add_argument("captures", nargs="+")
a = ap.parse_args()
env = TsharkEnv(a.plugins, a.captures)
failed = False
try:
    for path in a.captures:
        cap = env.capture(os.path.basename(path))
        fields = env.run(["-r", cap, "-Y", "4o6top.new_session", "-T", "fields", "-e", "4o6top.session"])
        sess = env.run(["-r", cap, "-q", "-z", "4o6top,sess,noheader"])
        numbers = [int(x) for x in fields.stdout.decode().split()]
        rows = sess.stdout.decode().splitlines()
        ok = numbers == list(range(1, len(numbers) + 1)) and len(numbers) == len(rows) and len(rows) > 0
        print("%s %s: %d new_session packets, %d sess rows" % ("ok  " if ok else "FAIL", os.path.basename(path),
                                                               len(numbers), len(rows)))
        failed |= not ok
finally:
    env.close()
sys.exit(1 if failed else 0)
