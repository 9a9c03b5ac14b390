#!/usr/bin/python3
"""Live and piped input give what reading the file gives; SIGINT loses nothing.

piped: `tcpdump -r FILE -w - | tshark -r - -q -z 4o6top,MODE` for log, stat, sess, ce
       and sum: the same output as `tshark -r FILE` (sum: its last redraw is the
       final table of the file run).
live:  tshark -i lo (as nobody, with capture capabilities passed through setpriv)
       with log, stat and sum at once; once a probe packet (a tunnelled UDP packet
       of its own, sent again until its log row is out) shows the capture is
       really on, the capture is replayed onto lo at its own pace (lo_replay.py);
       then tshark gets SIGINT. The probe's rows are set aside before comparing. Checked: the log rows without
       their time column are the file's; stat has one row per interval from the
       first boundary after the first packet to the first at or after the last
       (computed here from the live log's own times), none lost; the final sum
       is printed after SIGINT and its session rows, without the seconds-left
       column, are the file's.
Exit 77 (ctest: skipped) for the live part when not root.
"""
import argparse
import difflib
import math
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402
import lo_replay  # noqa: E402

SKIP = 77


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def diff(got, want):
    lines = list(difflib.unified_diff(want, got, "file", "live", lineterm="", n=1))
    return "\n".join(lines[:40]) + ("\n..." if len(lines) > 40 else "")


def file_output(env, capture, zargs):
    res = env.run(["-r", capture, "-q", "-z", "4o6top," + zargs])
    if res.returncode or res.stderr:
        fail(f"reading the file with {zargs}: rc {res.returncode}, {res.stderr!r}")
    return res.stdout.decode()


def last_sum_table(text):
    """The last table of a sum output that may hold redraws (each starts with its time line)."""
    start = text.rfind("Total Sess:")
    start = text.rfind("\n", 0, start) + 1
    return text[start:]


def sum_sessions(text):
    """Session rows of a sum table without the seconds-left column, sorted."""
    # Other statistics' rows may be interleaved on the same stdout: keep session rows.
    return sorted(line.rsplit(None, 1)[0] for line in last_sum_table(text).splitlines()
                  if re.match(r" +(TCP|UDP|ICMP) +[0-9]", line))


def piped(env, capture):
    for zargs in ("log", "stat", "sess,ends", "ce", "sum,height=0"):
        want = file_output(env, capture, zargs)
        argv, e = env.command(["-r", "-", "-q", "-z", "4o6top," + zargs])
        tcpdump = subprocess.Popen(["tcpdump", "-r", capture, "-w", "-"], stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
        res = subprocess.run(argv, env=e, stdin=tcpdump.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             timeout=120, cwd=env.dir)
        tcpdump.wait()
        got = res.stdout.decode()
        if res.returncode or res.stderr:
            fail(f"piped {zargs}: rc {res.returncode}, stderr {res.stderr!r}")
        if zargs.startswith("sum"):
            if "\x1b[" in got:
                fail("piped sum cleared a screen that is not a terminal")
            if last_sum_table(got) != last_sum_table(want):
                fail(f"piped sum's final table differs:\n{last_sum_table(got)}\nfile:\n{last_sum_table(want)}")
            print(f"piped {zargs}: final table as from the file ({got.count('Total Sess:')} redraws)")
        else:
            if got != want:
                fail(f"piped {zargs} differs from the file:\n{got}\nfile:\n{want}")
            print(f"piped {zargs}: same {len(got.splitlines())} lines as from the file")


def is_log_row(line):
    return line.count(",") == 6 and line[:1].isdigit()


def capture_log_rows(text):
    return sum(1 for line in text.splitlines() if is_log_row(line) and PROBE_ADDR not in line)


# tshark prints "Capturing on" before it even starts dumpcap, and libpcap drops what
# came before its filter was set: only a packet seen to come through proves the
# capture is on. The probe is a DS-Lite UDP packet no test capture holds.
PROBE_ADDR = "203.0.113.254"


def write_probe(path):
    from scapy.all import IP, UDP, Ether, IPv6, wrpcap
    wrpcap(path, Ether() / IPv6(src="2001:db8:ffff::1", dst="2001:db8:ffff::2")
           / IP(src=PROBE_ADDR, dst="203.0.113.253") / UDP(sport=9, dport=9) / b"probe")


def wait_for_probe(probe, out_path, tshark):
    deadline = time.time() + 30
    while time.time() < deadline and tshark.poll() is None:
        lo_replay.replay(probe)
        for _ in range(5):
            time.sleep(0.1)
            if PROBE_ADDR in open(out_path).read():
                return
    fail("tshark -i lo did not start capturing: the probe packet never came through")


def live(env, capture):
    if os.geteuid() != 0:
        print("live part skipped: needs root (to give tshark capture rights and to put packets on lo)")
        return SKIP
    want_log = [line.split(",", 1)[1] for line in file_output(env, capture, "log").splitlines()[1:]]
    want_sum = sum_sessions(file_output(env, capture, "sum,height=0"))
    caps = ["--inh-caps=+net_raw,+net_admin", "--ambient-caps=+net_raw,+net_admin"]
    argv, e = env.command(["-i", "lo", "-f", "ip6", "-q", "-z", "4o6top,log", "-z", "4o6top,stat",
                           "-z", "4o6top,sum,height=0"])
    argv = argv[:4] + caps + argv[4:] if os.path.basename(argv[0]) == "setpriv" else argv
    out_path = os.path.join(env.dir, "live.out")
    probe = os.path.join(env.dir, "probe.pcap")
    write_probe(probe)
    with open(out_path, "wb") as out:
        tshark = subprocess.Popen(argv, env=e, stdout=out, stderr=subprocess.PIPE, cwd=env.dir)
        try:
            wait_for_probe(probe, out_path, tshark)
            lo_replay.replay(capture)
            # Rows are flushed one by one on live input: wait (up to 10 s) until every
            # replayed packet's row is out, so SIGINT does not race the last packets.
            deadline = time.time() + 10
            while time.time() < deadline and capture_log_rows(open(out_path).read()) < len(want_log):
                time.sleep(0.2)
            time.sleep(0.5)
            tshark.send_signal(signal.SIGINT)
            err = tshark.stderr.read().decode()
            rc = tshark.wait(timeout=60)
        finally:
            if tshark.poll() is None:
                tshark.kill()
    text = open(out_path).read()
    if rc != 0:
        fail(f"tshark -i lo ended with {rc} after SIGINT: {err}")
    # tshark's own capture chatter aside, the plugin has nothing to say here.
    plugin_lines = [line for line in err.splitlines() if line.startswith("4o6top")]
    if plugin_lines:
        fail(f"unexpected 4o6top messages: {plugin_lines}")

    log = [line for line in text.splitlines() if is_log_row(line)]
    got_log = [line.split(",", 1)[1] for line in log if PROBE_ADDR not in line]
    if got_log != want_log:
        fail("live log rows (without time) differ from the file's:\n" + diff(got_log, want_log))
    print(f"live log: the file's {len(want_log)} rows, in order")

    # stat: one row per second of capture time, from the first boundary after the
    # first packet (a probe) to the first at or after the last; times read from the live log.
    first, last = (log_time(log[0]), log_time(log[-1]))
    want_rows = max(1, math.ceil(last) - (math.floor(first) + 1) + 1)
    stat = [line for line in text.splitlines() if line.count(",") == 12 and line[:1].isdigit()]
    if len(stat) != want_rows:
        fail(f"live stat printed {len(stat)} rows, want {want_rows} (first packet {first}, last {last})")
    print(f"live stat: {len(stat)} rows, none lost")

    if "Total Sess:" not in text:
        fail("no sum table after SIGINT")
    got_sum = [row for row in sum_sessions(text) if PROBE_ADDR not in row]
    if got_sum != want_sum:
        fail("live sum's sessions differ from the file's:\n" + diff(got_sum, want_sum))
    print(f"live sum after SIGINT: the file's {len(want_sum)} sessions")
    return 0


def log_time(row):
    import datetime
    stamp = row.split(",", 1)[0]
    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--part", choices=["piped", "live"], required=True)
    a = ap.parse_args()
    env = TsharkEnv(a.plugins, [a.capture])
    try:
        capture = env.capture(os.path.basename(a.capture))
        if a.part == "piped":
            piped(env, capture)
            return 0
        return live(env, capture)
    finally:
        env.close()


if __name__ == "__main__":
    sys.exit(main())
