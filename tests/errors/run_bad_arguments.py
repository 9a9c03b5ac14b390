#!/usr/bin/python3
"""Every line of BADLIST: tshark with those arguments exits 1, prints nothing on
stdout and exactly the expected line on stderr (see BADLIST for the format).
Text that Wireshark owns (a display filter's error) changes between releases:
a MESSAGE ending in WIRESHARK_TEXT is matched by our prefix, then one line."""
import argparse
import os
import shlex
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

WIRESHARK_TEXT = "<Wireshark's message>"


def matches(err, message):
    if not message.endswith(WIRESHARK_TEXT):
        return err == message + "\n"
    prefix = message[:-len(WIRESHARK_TEXT)]
    rest = err[len(prefix):]
    return err.startswith(prefix) and rest.endswith("\n") and "\n" not in rest[:-1] and rest.strip() != ""


def cases(path):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            args, sep, message = line.partition(" => ")
            if not sep:
                sys.exit(f"{path}:{n}: no ' => ' in the line")
            yield n, shlex.split(args), message.strip()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--capture", required=True, help="a capture with tunnelled packets")
    ap.add_argument("--list", required=True)
    opts = ap.parse_args()
    env = TsharkEnv(opts.plugins, [opts.capture])
    capture = env.capture(os.path.basename(opts.capture))
    failures = total = 0
    try:
        for n, args, message in cases(opts.list):
            total += 1
            res = env.run(["-r", capture, "-q"] + args)
            err = res.stderr.decode("utf-8", "replace")
            problems = []
            if res.returncode != 1:
                problems.append(f"exit status {res.returncode}, want 1")
            if res.stdout:
                problems.append(f"stdout not empty: {res.stdout[:200]!r}")
            if not matches(err, message):
                problems.append(f"stderr:\n  got  {err!r}\n  want {message + chr(10)!r}")
            if problems:
                failures += 1
                print(f"FAIL line {n}: {shlex.join(args)}")
                for p in problems:
                    print("  " + p)
    finally:
        env.close()
    print(f"{total - failures}/{total} bad arguments rejected with the expected line")
    return 1 if failures or not total else 0


if __name__ == "__main__":
    sys.exit(main())
