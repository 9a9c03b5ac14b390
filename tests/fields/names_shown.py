#!/usr/bin/python3
"""The enumerated fields are shown by name in the packet details (the number
follows in brackets, as Wireshark shows ip.proto). dslite.pcapng frame 9 is
the DNS answer from 203.0.113.53:53 to B4 2001:db8:1::2's client
192.168.1.2:5353 (make_captures.py), the third session, seen a second time: opened by that client (not inbound),
and DS-Lite only by a guess (one private client IPv4 behind the B4)."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

EXPECTED = """[4o6top, Session 3, down, DS-Lite 2001:db8:1::2]
    [Session: 3]
    [CE/B4: 2001:db8:1::2]
    [BR/AFTR: 2001:db8:ffff::1]
    [Direction: down (1)]
    [Protocol: UDP (17)]
    [Client: 192.168.1.2]
    [Client port: 5353]
    [Server: 203.0.113.53]
    [Server port: 53]
    [Inbound: False]
    [Mechanism: DS-Lite (1)]
    [Mechanism evidence: guess:private-ipv4 (5)]
    [Timeout class: UDP DNS (3)]
"""

ap = argparse.ArgumentParser()
ap.add_argument("--plugins", required=True)
ap.add_argument("capture")
a = ap.parse_args()
env = TsharkEnv(a.plugins, [a.capture])
failed = False
try:
    for two_pass in ([], ["-2"]):
        r = env.run(two_pass + ["-r", env.capture(os.path.basename(a.capture)), "-Y", "frame.number == 9",
                                "-O", "4o6top", "-V"])
        text = r.stdout.decode()
        block = text[text.find("[4o6top,"):]
        block = block[:block.find("    [Session packets")]
        ok = r.returncode == 0 and block == EXPECTED
        print("%s %s" % ("ok  " if ok else "FAIL", " ".join(two_pass) or "one pass"))
        if not ok:
            print(text + r.stderr.decode())
        failed |= not ok
finally:
    env.close()
sys.exit(1 if failed else 0)
