#!/usr/bin/python3
"""tshark -M N resets dissection state every N packets of one capture: 4o6top
keeps counting across it. Every statistic prints what it prints without -M,
and the post-dissector's fields are the same packet by packet (those runs are
checked against the reference model and golden files elsewhere)."""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

FIELDS = ["-T", "fields", "-e", "4o6top.session", "-e", "4o6top.new_session", "-e", "4o6top.active_sessions",
          "-e", "4o6top.ce_ports_in_use", "-e", "4o6top.session_packets", "-e", "4o6top.gap"]


def run(env, args):
    res = env.run(args)
    err = [line for line in res.stderr.decode().splitlines() if line != "resetting session."]
    if res.returncode or err:
        sys.exit(f"FAIL: tshark {' '.join(args)}: rc {res.returncode}, stderr {err}")
    return res.stdout.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--every", type=int, default=37, help="-M value")
    a = ap.parse_args()
    env = TsharkEnv(a.plugins, [a.capture])
    cap = env.capture(os.path.basename(a.capture))
    reset = ["-M", str(a.every)]
    try:
        for z in ("sum,height=0", "stat", "log", "ce", "sess,ends"):
            want = run(env, ["-r", cap, "-q", "-z", "4o6top," + z])
            got = run(env, ["-r", cap, "-q", "-z", "4o6top," + z] + reset)
            if got != want:
                sys.exit(f"FAIL: -z 4o6top,{z} differs with -M {a.every}")
            print(f"-z 4o6top,{z}: same {len(want.splitlines())} lines with -M {a.every}")
        want = run(env, ["-r", cap] + FIELDS)
        got = run(env, ["-r", cap] + FIELDS + reset)
        if got != want or not want.strip():
            sys.exit(f"FAIL: the 4o6top fields differ with -M {a.every}")
        print(f"fields: same {len(want.splitlines())} lines with -M {a.every}")
    finally:
        env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
