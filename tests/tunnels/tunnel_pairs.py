#!/usr/bin/python3
"""Each session belongs to one tunnel, and each tunnel's packets are its
sessions' packets.

For each capture:
  * every 4o6top.session number (tshark -T fields, the post-dissector) is
    seen with one pair of outer IPv6 addresses only, whichever way round;
  * the packets of the sessions of -z 4o6top,sess,ends,tunnel (their end
    rows), added up per (CE/B4, BR/AFTR) pair, equal the tunnelled TCP, UDP
    and ICMP packets tshark counts per pair of outer addresses without the
    plugin (an independent count: Wireshark's own IPv6 and IPv4 fields).
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402


def fields(env, capture, names, extra=(), plugin=True):
    args = ["-r", env.capture(capture), "-T", "fields", "-E", "separator=\t"] + list(extra)
    for n in names:
        args += ["-e", n]
    r = env.run(args, None if plugin else {"WIRESHARK_PLUGIN_DIR": env.dir + "/no-plugins"})
    if r.returncode:
        sys.exit("tshark failed: " + r.stderr.decode())
    return [line.split("\t") for line in r.stdout.decode().splitlines()]


def check(env, capture):
    problems = []
    pairs = collections.defaultdict(set)
    for session, src, dst in fields(env, capture, ["4o6top.session", "ipv6.src", "ipv6.dst"], ["-Y", "4o6top"]):
        pairs[session].add(frozenset((src, dst)))
    two = sorted(s for s, p in pairs.items() if len(p) != 1)
    if two:
        problems.append("%s: sessions with packets of several tunnels: %s" % (capture, two[:10]))
    want = collections.Counter()
    for src, dst in fields(env, capture, ["ipv6.src", "ipv6.dst"],
                           ["-Y", "ipv6.nxt == 4 && (ip.proto == 1 || ip.proto == 6 || ip.proto == 17) && ip.flags.mf == 0 && ip.frag_offset == 0"],
                           plugin=False):
        want[frozenset((src, dst))] += 1
    r = env.run(["-r", env.capture(capture), "-q", "-z", "4o6top,sess,ends,tunnel,format=json"])
    got = collections.Counter()
    for line in r.stdout.decode().splitlines():
        d = json.loads(line)
        if d["event"] != "open":
            got[frozenset((d["ce"], d["br"]))] += d["packets"]
    if got != want or not want:
        problems.append("%s: packets per tunnel differ:\n  sessions %s\n  outer pairs %s"
                        % (capture, sorted((sorted(k), v) for k, v in got.items()),
                           sorted((sorted(k), v) for k, v in want.items())))
    print("%s %s: %d sessions, %d tunnels" % ("FAIL" if problems else "ok  ", capture, len(pairs), len(want)))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("captures", nargs="+")
    a = ap.parse_args()
    env = TsharkEnv(a.plugins, a.captures)
    os.makedirs(env.dir + "/no-plugins", mode=0o777)
    os.chmod(env.dir + "/no-plugins", 0o777)
    try:
        problems = [p for c in a.captures for p in check(env, os.path.basename(c))]
    finally:
        env.close()
    print("\n".join(problems))
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
