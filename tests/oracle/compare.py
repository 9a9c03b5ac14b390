#!/usr/bin/python3
"""Compare the plugin with the reference model on one capture and one set of
-z arguments: tshark's stdout must equal what reference.py prints."""
import argparse
import difflib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
from tshark_env import TsharkEnv  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--tz", default="UTC")
    ap.add_argument("zargs", help="MODE[,key=value...] as given to -z 4o6top,")
    a = ap.parse_args()
    mode, *opts = a.zargs.split(",")
    env_tz = dict(os.environ, TZ=a.tz)
    ref = subprocess.run([sys.executable, os.path.join(HERE, "reference.py"), a.capture, mode] + opts,
                         env=env_tz, check=True, stdout=subprocess.PIPE).stdout.decode()
    ref = ref.replace("@VERSION@", a.version)
    env = TsharkEnv(a.plugins, [a.capture])
    try:
        res = env.run(["-r", env.capture(os.path.basename(a.capture)), "-q", "-z", "4o6top," + a.zargs],
                      {"TZ": a.tz})
    finally:
        env.close()
    got = res.stdout.decode()
    if res.returncode != 0 or got != ref:
        sys.stdout.writelines(difflib.unified_diff(ref.splitlines(True), got.splitlines(True), "reference",
                                                   "plugin", n=2))
        print(res.stderr.decode())
        sys.exit(1)
    print("same: %d lines" % len(ref.splitlines()))


if __name__ == "__main__":
    main()
