#!/usr/bin/python3
"""What Wireshark shows of a frame it dissects again equals what the one pass
computed: every 4o6top field and expert info of every frame, from tshark in
one pass (values straight from the engine) and with -2 (the second pass reads
the kept notes), must be the same, for each capture given."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

FIELDS = ["frame.number", "4o6top.session", "4o6top.new_session", "4o6top.reopened", "4o6top.ce", "4o6top.br",
          "4o6top.direction", "4o6top.proto", "4o6top.client", "4o6top.client_port", "4o6top.server",
          "4o6top.server_port", "4o6top.mechanism", "4o6top.psid", "4o6top.timeout_class",
          "4o6top.session_packets", "4o6top.session_bytes", "4o6top.gap", "4o6top.active_sessions",
          "4o6top.ce_ports_in_use", "4o6top.out_of_set", "_ws.expert.message"]

ap = argparse.ArgumentParser()
ap.add_argument("--plugins", required=True)
ap.add_argument("--option", action="append", default=[], help="-o value for every run (e.g. a MAP rule table)")
ap.add_argument("captures", nargs="+")
a = ap.parse_args()
env = TsharkEnv(a.plugins, a.captures)
failed = False
try:
    # Wireshark's own TCP and ICMP experts differ between one and two passes; 4o6top reads
    # the headers itself, so those dissectors are off and the expert infos left are 4o6top's.
    args = ["--disable-protocol", "tcp", "--disable-protocol", "udp", "--disable-protocol", "icmp", "-T", "fields"] + [x for f in FIELDS for x in ("-e", f)]
    for o in a.option:
        args += ["-o", o]
    for path in a.captures:
        cap = env.capture(os.path.basename(path))
        one = env.run(["-r", cap] + args)
        two = env.run(["-2", "-r", cap] + args)
        lines = one.stdout.decode().splitlines()
        tunnelled = sum(1 for line in lines if line.split("\t")[1])
        ok = (one.returncode == two.returncode == 0 and one.stdout == two.stdout and tunnelled > 0)
        print("%s %s: %d frames, %d with 4o6top fields, one pass %s -2" %
              ("ok  " if ok else "FAIL", os.path.basename(path), len(lines), tunnelled,
               "==" if one.stdout == two.stdout else "!="))
        if not ok:
            for x, y in zip(lines, two.stdout.decode().splitlines()):
                if x != y:
                    print("  one pass: %s\n  -2:       %s" % (x, y))
                    break
            sys.stdout.write(one.stderr.decode() + two.stderr.decode())
        failed |= not ok
finally:
    env.close()
sys.exit(1 if failed else 0)
