#!/usr/bin/python3
"""sharkd (Wireshark's back-end for web front-ends) serves the 4o6top Sessions
and CEs tables, with tshark's numbers.

Drives `sharkd -` with JSON-RPC, as a front-end does: load the capture, info
(both tables listed under nstat), tap nstat:4o6top-sessions and
nstat:4o6top-ces. Then checks the rows against tshark on the same file:
  Sessions: one row per session of -z 4o6top,sess,ends,tunnel,format=json
    (protocol, CE, client and server address and port, inbound), with that
    session's packets and bytes (up + down) from its end row;
  CEs: the rows of -z 4o6top,ce,format=json (CE, mechanism, evidence, IPv4, PSID,
    port set size, ports in use, peak, sessions, out of set).
mixed.pcap holds sessions whose first packet came from the server and that a
later SYN turns around: their rows must follow, as -z 4o6top,sess does;
tunnels.pcap sessions opened from the Internet side (Inbound yes).
"""
import argparse
import collections
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402


def sharkd(env, capture):
    requests = [
        {"jsonrpc": "2.0", "id": 1, "method": "load", "params": {"file": capture}},
        {"jsonrpc": "2.0", "id": 2, "method": "info"},
        {"jsonrpc": "2.0", "id": 3, "method": "tap", "params": {"tap0": "nstat:4o6top-sessions"}},
        {"jsonrpc": "2.0", "id": 4, "method": "tap", "params": {"tap0": "nstat:4o6top-ces"}},
    ]
    argv, e = env.command(["-"], program="sharkd")
    r = subprocess.run(argv, env=e, cwd=env.dir, input="".join(json.dumps(q) + "\n" for q in requests).encode(),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    answers = {}
    for line in r.stdout.decode().splitlines():
        if line.startswith("{"):
            a = json.loads(line)
            answers[a.get("id")] = a
    return answers, r.stderr.decode()


def table(answer, title):
    taps = answer.get("result", {}).get("taps", [])
    for tap in taps:
        columns = [f["c"] for f in tap["fields"]]
        for t in tap["tables"]:
            if t["t"] == title:
                return [dict(zip(columns, row)) for row in t["i"]]
    return None


def tshark_json(env, capture, zarg):
    r = env.run(["-r", capture, "-q", "-z", "4o6top," + zarg])
    return [json.loads(line) for line in r.stdout.decode().splitlines()]


def check(env, name):
    capture = env.capture(name)
    problems = []
    answers, err = sharkd(env, capture)
    if set(answers) != {1, 2, 3, 4}:
        return ["%s: sharkd answered %s; stderr %s" % (name, sorted(answers), err)]
    nstat = {x["tap"]: x["name"] for x in answers[2].get("result", {}).get("nstat", [])}
    for tap, title in (("nstat:4o6top-sessions", "4o6top Sessions"), ("nstat:4o6top-ces", "4o6top CEs")):
        if nstat.get(tap) != title:
            problems.append("%s: info does not list %s as %r" % (name, tap, title))

    sessions = table(answers[3], "4o6top Sessions")
    docs = tshark_json(env, capture, "sess,ends,tunnel,format=json")
    ends = [d for d in docs if d["event"] != "open"]
    want = collections.Counter((d["protocol"], d["ce"], d["source_ip_address"], d["source_port"],
                                d["destination_ip_address"], d["destination_port"], "yes" if d["inbound"] else "no",
                                d["packets"], d["bytes"])
                               for d in ends)
    if sessions is None:
        problems.append("%s: no Sessions table: %s" % (name, json.dumps(answers[3])[:300]))
    else:
        got = collections.Counter((s["Protocol"], s["CE/B4"], s["Client"], s["Client port"], s["Server"],
                                   s["Server port"], s["Inbound"], s["Packets up"] + s["Packets down"],
                                   s["Bytes up"] + s["Bytes down"]) for s in sessions)
        if got != want or not want:
            problems.append("%s: Sessions rows differ from -z 4o6top,sess (sharkd only: %s; tshark only: %s)"
                            % (name, dict(got - want), dict(want - got)))

    ces = table(answers[4], "4o6top CEs")
    want_ces = sorted((d["ce"], d["mechanism"], d["evidence"], d["ipv4"] or "", "" if d["psid"] is None else str(d["psid"]),
                       d["port_set_size"] or 0, d["ports_in_use"], d["peak_ports_in_use"], d["sessions"],
                       d["out_of_set"]) for d in tshark_json(env, capture, "ce,format=json"))
    if ces is None:
        problems.append("%s: no CEs table: %s" % (name, json.dumps(answers[4])[:300]))
    else:
        got_ces = sorted((c["CE/B4"], c["Mechanism"], c["Evidence"], c["IPv4"], c["PSID"], c["Port set size"], c["Ports in use"],
                          c["Peak ports in use"], c["Sessions"], c["Out of set"]) for c in ces)
        uses = [(int(c["Peak use %"]), int(c["Ports in use"])) for c in ces]
        if uses != sorted(uses, reverse=True):
            problems.append("%s: CEs rows not busiest first: %s" % (name, uses))
        if got_ces != want_ces or not want_ces:
            problems.append("%s: CEs rows differ from -z 4o6top,ce:\n  sharkd %s\n  tshark %s"
                            % (name, got_ces, want_ces))
    print("%s: %d session rows, %d CE rows" % (name, len(sessions or []), len(ces or [])))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", action="append", required=True)
    ap.add_argument("names", nargs="+", help="capture file names")
    a = ap.parse_args()
    env = TsharkEnv(a.plugins, a.captures)
    try:
        problems = [p for name in a.names for p in check(env, name)]
    finally:
        env.close()
    print("\n".join(problems) or "sharkd tables: ok")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
