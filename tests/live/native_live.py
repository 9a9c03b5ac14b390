#!/usr/bin/python3
"""The 4o6top command's own live input: wall-clock ticks, -I, drops.

pipe:      a pipe whose packets are stamped with the wall clock (as from
           `tcpdump -w -`) sends a few packets, then nothing for 3.5 s, then
           ends: -m stat -i 1 prints a row for every second, the quiet ones
           too, in order and none twice; -m sum redraws every second while
           quiet. The same packets stamped in 2024 (an old capture piped in)
           give one sum table.
interface: -I lo as nobody without capabilities: one line saying CAP_NET_RAW
           is needed, exit 1. With them: -m sum -i 1 on a quiet loopback
           redraws every second, its header says what the capture dropped, and
           SIGINT brings the final table and one stderr line on drops; -m log
           (once a probe packet shows the capture is on) logs the capture
           replayed onto lo (lo_replay.py), row for row as reading the file does;
           -m stat -drops -B 1, stopped (SIGSTOP) while tcpreplay replays the capture
           3000 times at top speed, counts the packets the kernel dropped in its last row and
           says so on stderr.
Exit 77 (ctest: skipped) for the interface part when not root or without tcpreplay.

Usage: native_live.py --cli 4o6top --capture dslite.pcapng (pipe|interface)
"""
import argparse
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
import walk_edges  # noqa: E402
import lo_replay  # noqa: E402

SKIP = 77
PROBE_ADDR = "203.0.113.254"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def frame(port, src4="192.168.1.2"):
    return walk_edges.eth(walk_edges.ipv6(4, walk_edges.ipv4(17, walk_edges.udp(port, 53, b"q" * 10), src=src4)))


def feed(pipe, stamps_now, quiet_s):
    """A pcap header, 4 packets 0.25 s apart, quiet_s of nothing, one more packet; then the end."""
    out = os.fdopen(pipe, "wb", buffering=0)
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    base = time.time() if stamps_now else walk_edges.T0

    def send(i, port):
        t = time.time() if stamps_now else base + 0.25 * i
        fr = frame(port)
        out.write(struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(fr), len(fr)) + fr)

    for i in range(4):
        send(i, 4000 + i)
        if stamps_now:
            time.sleep(0.25)
    if stamps_now:
        time.sleep(quiet_s)
    send(20, 4099)
    if stamps_now:
        time.sleep(0.3)
    out.close()


def run_piped(cli, flags, stamps_now, quiet_s=3.5):
    """The command's stdout lines, each with the wall clock time it came at."""
    r, w = os.pipe()
    p = subprocess.Popen([cli] + flags, stdin=r, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(r)
    feeder = threading.Thread(target=feed, args=(w, stamps_now, quiet_s))
    feeder.start()
    lines = [(time.time(), line.decode()) for line in p.stdout]
    feeder.join()
    err = p.stderr.read().decode()
    if p.wait(timeout=30) != 0 or err:
        fail("%s: exit %s, stderr %r" % (" ".join(flags), p.returncode, err))
    return lines


def check_pipe(cli):
    stat = run_piped(cli, ["-m", "stat", "-i", "1"], True)
    rows = [line for _, line in stat if line[:1].isdigit()]
    seconds = [int(row[17:19]) for row in rows]
    if len(rows) < 5 or any((b - a) % 60 != 1 for a, b in zip(seconds, seconds[1:])):
        fail("live pipe, stat: want a row for each second, quiet ones too, got:\n" + "".join(rows))
    quiet = [t for t, line in stat if line[:1].isdigit()]
    gaps = [b - a for a, b in zip(quiet, quiet[1:])]
    if max(gaps) > 2.0:
        fail("live pipe, stat: rows came %.1f s apart while the pipe was quiet" % max(gaps))
    print("live pipe, stat: %d rows, one a second, %.2f s apart at most" % (len(rows), max(gaps)))

    tables = [t for t, line in run_piped(cli, ["-m", "sum", "-i", "1", "-layout", "plugin"], True) if "Total Sess:" in line]
    if len(tables) < 4:
        fail("live pipe, sum: %d tables in about 5 s, want one a second" % len(tables))
    print("live pipe, sum: %d tables" % len(tables))

    old = [line for _, line in run_piped(cli, ["-m", "sum", "-i", "1", "-layout", "plugin"], False) if "Total Sess:" in line]
    if len(old) != 1:
        fail("an old capture piped in: %d sum tables, want 1" % len(old))
    print("old capture piped in: one sum table")
    return 0


def with_caps(argv):
    """argv as nobody, with capture capabilities passed through setpriv."""
    return ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            "--inh-caps=+net_raw,+net_admin", "--ambient-caps=+net_raw,+net_admin"] + argv


def check_no_capability(cli):
    p = subprocess.run(["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", cli, "-I", "lo"],
                       capture_output=True, text=True, timeout=30)
    if p.returncode != 1 or p.stdout or p.stderr.count("\n") != 1 or "needs CAP_NET_RAW" not in p.stderr:
        fail("-I lo without CAP_NET_RAW: rc %d, stdout %r, stderr %r" % (p.returncode, p.stdout, p.stderr))
    print("-I lo without CAP_NET_RAW: " + p.stderr.strip())


def check_quiet_interface(cli, work):
    out_path = os.path.join(work, "sum.out")
    with open(out_path, "wb") as out:
        p = subprocess.Popen(with_caps([cli, "-I", "lo", "-f", "host 2001:db8::dead", "-m", "sum", "-i", "1", "-layout", "plugin"]),
                             stdout=out, stderr=subprocess.PIPE)
        time.sleep(4.5)
        p.send_signal(signal.SIGINT)
        err = p.stderr.read().decode()
        rc = p.wait(timeout=30)
    text = open(out_path).read()
    tables = text.count("Total Sess:")
    if rc != 0 or tables < 4:
        fail("-I lo, quiet: exit %d, %d sum tables in 4.5 s (want one a second and the final one); %s"
             % (rc, tables, err))
    if text.count("Dropped by the capture: 0 packets") != tables:
        fail("-I lo: not every sum header says what the capture dropped")
    if err != "4o6top: -I lo: 0 packets captured, 0 dropped by the kernel, 0 by the interface\n":
        fail("-I lo: stderr %r" % err)
    print("-I lo, quiet: %d sum tables in 4.5 s, drops in each header and on stderr" % tables)


def check_drops(cli, capture, work):
    """A stopped command and a 1 MiB buffer: the kernel drops, and the command says so."""
    out_path = os.path.join(work, "stat.out")
    with open(out_path, "wb") as out:
        p = subprocess.Popen(with_caps([cli, "-I", "lo", "-B", "1", "-m", "stat", "-drops", "-i", "1", "-layout", "plugin"]), stdout=out,
                             stderr=subprocess.PIPE)
        time.sleep(1.5)
        p.send_signal(signal.SIGSTOP)
        subprocess.run(["tcpreplay", "-i", "lo", "--topspeed", "--loop", "3000", capture], check=True,
                       capture_output=True)
        p.send_signal(signal.SIGCONT)
        time.sleep(2.5)
        p.send_signal(signal.SIGINT)
        err = p.stderr.read().decode()
        rc = p.wait(timeout=30)
    rows = open(out_path).read().splitlines()
    dropped = int(rows[-1].rsplit(",", 1)[1]) if len(rows) > 1 else 0
    if rc != 0 or not rows[0].endswith(",Dropped") or dropped == 0 or ", 0 dropped by the kernel" in err:
        fail("-I lo -B 1 while stopped: exit %d, last row %r, stderr %r" % (rc, rows[-1], err))
    print("-I lo -B 1, stopped while %s was replayed 3000 times: Dropped %d; %s"
          % (os.path.basename(capture), dropped, err.strip()))


def write_probe(path):
    with open(path, "wb") as f:
        f.write(walk_edges.pcap(1, [frame(9, PROBE_ADDR)]))


def check_replay(cli, capture, work):
    file_log = subprocess.run([cli, "-r", capture, "-m", "log"], capture_output=True, text=True).stdout
    want = [line.split(",", 1)[1] for line in file_log.splitlines()[1:]]
    probe = os.path.join(work, "probe.pcap")
    write_probe(probe)
    out_path = os.path.join(work, "log.out")
    with open(out_path, "wb") as out:
        p = subprocess.Popen(with_caps([cli, "-I", "lo", "-m", "log"]), stdout=out, stderr=subprocess.PIPE)
        deadline = time.time() + 30
        while PROBE_ADDR not in open(out_path).read():
            if time.time() > deadline or p.poll() is not None:
                p.kill()
                fail("-I lo did not start capturing: the probe packet never came through")
            lo_replay.replay(probe)
            time.sleep(0.3)
        lo_replay.replay(capture)
        deadline = time.time() + 10
        while time.time() < deadline and len(open(out_path).read().splitlines()) < len(want) + 2:
            time.sleep(0.2)
        p.send_signal(signal.SIGINT)
        err = p.stderr.read().decode()
        rc = p.wait(timeout=30)
    got = [line.split(",", 1)[1] for line in open(out_path).read().splitlines()[1:] if PROBE_ADDR not in line]
    if rc != 0 or got != want:
        fail("-I lo, replayed: exit %d, %d rows, want the file's %d:\n%s" % (rc, len(got), len(want),
                                                                           "\n".join(got[:20])))
    if not err.startswith("4o6top: -I lo: ") or err.count("\n") != 1:
        fail("-I lo, replayed: stderr %r" % err)
    print("-I lo, replayed: the file's %d log rows; %s" % (len(want), err.strip()))


def check_interface(cli, capture):
    if os.geteuid() != 0 or not shutil.which("tcpreplay"):
        print("interface part skipped: needs root (to give the command capture rights) and tcpreplay")
        return SKIP
    work = tempfile.mkdtemp(prefix="4o6top-live-")
    os.chmod(work, 0o777)
    try:
        staged = os.path.join(work, "4o6top")
        shutil.copy(cli, staged)
        os.chmod(staged, 0o755)
        check_no_capability(staged)
        copy = os.path.join(work, os.path.basename(capture))
        shutil.copy(capture, copy)
        os.chmod(copy, 0o644)
        check_quiet_interface(staged, work)
        check_replay(staged, copy, work)
        check_drops(staged, copy, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("part", choices=["pipe", "interface"])
    a = ap.parse_args()
    sys.exit(check_pipe(a.cli) if a.part == "pipe" else check_interface(a.cli, a.capture))


if __name__ == "__main__":
    main()
