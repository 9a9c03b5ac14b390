#!/usr/bin/python3
"""Write what this system's tshark and the built plugin print for every mode
and every 4o6top field on every capture, one file per capture and view, so
that the outputs of Wireshark 4.0, 4.4 and 4.6 can be compared file by file
(compare_versions.py). Time zone UTC, Wireshark's default profile.

  mode_outputs.py --plugins BUILD/plugins --captures DIR [--captures DIR] --out DIR

Each file holds tshark's stdout, then its stderr and exit code, so a message
or an exit status that changes between versions shows as a difference too.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

# Every mode, each output format where it has two; all instances in one run
# (tshark prints them in this order at the end).
MODES = ["sum,height=0", "stat", "log", "ce", "sess", "stat,format=json", "log,format=json",
         "ce,format=json", "sess,format=json"]
CAPTURE_SUFFIXES = (".pcap", ".pcapng")


def plugin_fields(env):
    r = env.run(["-G", "fields"])
    fields = [cols[2] for cols in (line.split("\t") for line in r.stdout.decode().splitlines())
              if len(cols) > 2 and cols[0] == "F" and cols[2].startswith("4o6top.")]
    if not fields:
        sys.exit("mode_outputs: tshark -G fields lists no 4o6top field: the plugin did not load")
    return fields


def record(path, result):
    with open(path, "wb") as f:
        f.write(result.stdout)
        f.write(b"--- stderr ---\n" + result.stderr)
        f.write(b"--- exit %d ---\n" % result.returncode)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", action="append", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    names = sorted({n for d in a.captures for n in os.listdir(d) if n.endswith(CAPTURE_SUFFIXES)})
    env = TsharkEnv(a.plugins, a.captures)
    try:
        os.makedirs(a.out, exist_ok=True)
        fields = plugin_fields(env)
        field_args = ["-T", "fields", "-E", "header=y", "-e", "frame.number"]
        for f in fields:
            field_args += ["-e", f]
        for name in names:
            cap = env.capture(name)
            zargs = [arg for mode in MODES for arg in ("-z", "4o6top," + mode)]
            record(os.path.join(a.out, name + ".modes"), env.run(["-r", cap, "-q"] + zargs))
            record(os.path.join(a.out, name + ".fields"), env.run(["-r", cap] + field_args))
        print(f"mode_outputs: {len(names)} captures x ({len(MODES)} modes, {len(fields)} fields) in {a.out}")
    finally:
        env.close()


if __name__ == "__main__":
    main()
