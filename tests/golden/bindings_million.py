#!/usr/bin/python3
"""A binding table of 1 000 000 softwires, generated here (not committed): the
seven softwires of lw4o6-verdicts.csv first, then 999 993 others on addresses
the capture never uses (100.64.0.0 up, 16 PSIDs of length 4 per address, one B4
each, a BR on every other line). The ce view of lw4o6-verdicts.pcap must be the
same as with the seven-line table (expected/lw4o6-verdicts-ce.out), and stderr
the same conflict line (expected/bindings-million.err). The load time is
printed for information only; tests/bench/bindings_bench measures it.

Usage: bindings_million.py --plugins DIR --captures DIR --expected DIR
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402

TOTAL = 1000000


def write_table(path, small):
    with open(small) as f:
        head = [line for line in f if line.strip() and not line.startswith("#")]
    with open(path, "w") as out:
        out.write("# 1 000 000 softwires\n")
        out.writelines(head)                       # header + the capture's seven softwires
        for i in range(TOTAL - (len(head) - 1)):
            ip = 0x64400000 + i // 16
            out.write("2001:db8:%x:%x::1,%d.%d.%d.%d,%d,4,0%s\n" % (
                0xf000 + (i >> 16), i & 0xffff, ip >> 24, ip >> 16 & 255, ip >> 8 & 255, ip & 255, i % 16,
                ",2001:db8:ffff::1" if i % 2 else ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", required=True)
    ap.add_argument("--expected", required=True)
    a = ap.parse_args()
    env = TsharkEnv(a.plugins, [os.path.join(a.captures, "lw4o6-verdicts.pcap")])
    try:
        table = env.capture("million.csv")
        write_table(table, os.path.join(a.captures, "lw4o6-verdicts.csv"))
        os.chmod(table, 0o644)
        with open(table) as f:
            lines = sum(1 for line in f if not line.startswith("#")) - 1
        assert lines == TOTAL, lines
        start = time.monotonic()
        res = env.run(["-r", env.capture("lw4o6-verdicts.pcap"), "-q", "-z", "4o6top,ce,bindings=" + table])
        took = time.monotonic() - start
        out = res.stdout.decode()
        err = res.stderr.decode().replace(env.captures + "/", "")
        want_out = open(os.path.join(a.expected, "lw4o6-verdicts-ce.out")).read()
        want_err = open(os.path.join(a.expected, "bindings-million.err")).read()
        print("tshark with a %d-softwire table: %.2f s (information, not a limit)" % (lines, took))
        ok = res.returncode == 0 and out == want_out and err == want_err
        if not ok:
            print("exit status %d\n--- stdout\n%s--- stderr\n%s" % (res.returncode, out, err))
        sys.exit(0 if ok else 1)
    finally:
        env.close()


if __name__ == "__main__":
    main()
