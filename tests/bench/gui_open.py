#!/usr/bin/python3
"""How long Wireshark takes to open a capture, with the plugin and with no
plugin, under Xvfb: the time from start until the packet list is ready, i.e.
the last moment Wireshark used CPU before it sat idle for IDLE_S seconds
(reading the file and the first pass are all CPU), then its peak RSS. The
status bar is read at the end (tesseract) to check it shows every packet.

  /usr/bin/python3 tests/bench/gui_open.py --plugins build/plugins --capture bench-1m.pcap --repeat 3
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "gui"))
sys.path.insert(0, os.path.join(HERE, ".."))
from gui_test import Screen, process_mib, start_wireshark, write_prefs  # noqa: E402
from tshark_env import TsharkEnv  # noqa: E402

IDLE_S = 3.0
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def open_once(env, screen, capture, timeout):
    ws = start_wireshark(env, screen, ["-r", capture])
    try:
        start = time.perf_counter()
        last_cpu, last_change = 0.0, start
        while True:
            time.sleep(0.1)
            now = time.perf_counter()
            cpu = cpu_seconds(ws.pid)
            if cpu > last_cpu + 0.02:
                last_cpu, last_change = cpu, now
            elif now - last_change >= IDLE_S and last_cpu > 0.5:
                break
            if now - start > timeout:
                raise AssertionError("Wireshark still busy after %d s" % timeout)
        ready, rss = last_change - start, process_mib(ws.pid, "VmHWM")
        bar = " ".join(t for t, _, _, _ in screen.lines() if "Packets" in t)
        return ready, last_cpu, rss, bar
    finally:
        ws.terminate()
        ws.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--timeout", type=int, default=1200)
    a = ap.parse_args()
    none_tree = tempfile.mkdtemp(prefix="4o6top-noplugin-")
    os.makedirs(os.path.join(none_tree, "4.0", "epan"))
    # The capture is read where it is (it must be readable by nobody when run as root): a
    # million packets are too big to stage twice.
    capture = os.path.abspath(a.capture)
    envs = {"none": TsharkEnv(none_tree), "plugin": TsharkEnv(a.plugins)}
    for env in envs.values():
        write_prefs(env, "gui.ask_unsaved: FALSE\n")
    screen = Screen()
    results = {k: [] for k in envs}
    try:
        for _ in range(a.repeat):
            for name, env in envs.items():
                ready, cpu, rss, bar = open_once(env, screen, capture, a.timeout)
                results[name].append((ready, cpu, rss))
                print("  %-6s ready after %.1f s (CPU %.1f s), peak RSS %.0f MiB; status bar: %s" %
                      (name, ready, cpu, rss, bar), flush=True)
    finally:
        screen.close()
        for env in envs.values():
            env.close()
    med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in results.items()}
    print("capture: %s; wireshark -r, under Xvfb, medians of %d, alternating" % (os.path.basename(a.capture), a.repeat))
    print("| run | packet list ready s | CPU s | peak RSS MiB |\n| --- | ---: | ---: | ---: |")
    for k in ("none", "plugin"):
        print("| %s | %.1f | %.1f | %.0f |" % (k, med[k][0], med[k][1], med[k][2]))
    print("ratio plugin/none: ready %.3f, CPU %.3f; extra memory %.0f MiB" %
          (med["plugin"][0] / med["none"][0], med["plugin"][1] / med["none"][1], med["plugin"][2] - med["none"][2]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
