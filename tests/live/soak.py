#!/usr/bin/python3
"""Live soak: Wireshark capturing from loopback for MINUTES while tcpreplay plays
a tunnelled capture in a loop at a steady rate, Statistics > 4o6top open.

Two Wiresharks watch the same packets (root's tcpdump on lo, one per Wireshark,
feeds a FIFO that Wireshark, unprivileged, captures from): one with the plugin,
one with no plugin. Passes when neither crashes, the 4o6top window's clock line
moves on at every sample (it keeps refreshing), and the plugin's Wireshark grew
by at most what the other grew plus 40 bytes a frame (the post-dissector's kept
notes, docs/wireshark.md, "Fields on every tunnelled packet") plus SLACK_MIB (the window's
own engine and the session tables of the looped capture).

At the end, where gdb is installed, glibc's own heap figures of both
Wiresharks (malloc_stats, called through gdb: bytes in use, and what
malloc_trim gives back) tell memory that is held apart from freed memory the
allocator keeps (fragmentation).

Only this test's packets are watched: its capture's CE/B4s are in
2001:db8:200::/48 and 2001:db8:1000::/40 (tests/bench/make_bench_capture.c),
which no other test replays. Exit 77 (skipped) without root, tcpdump or tcpreplay.

  /usr/bin/python3 tests/live/soak.py --plugins build/plugins --minutes 20
"""
import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "gui"))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
sys.path.insert(0, os.path.join(HERE, ".."))
from gui_test import MAIN_GEOMETRY, Screen, open_top_window, process_mib, start_wireshark, write_prefs  # noqa: E402
from run_bench import build_generator  # noqa: E402
from tshark_env import TsharkEnv  # noqa: E402

SKIP = 77
PER_FRAME_BYTES = 40
SLACK_MIB = 16
FILTER = "ip6 and (net 2001:db8:200::/48 or net 2001:db8:1000::/40)"
CLOCK_RE = re.compile(r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d)  Total Sess:(\d+)", re.M)


def rss_mib(pid):
    return process_mib(pid, "VmRSS")


class Watcher:
    """tcpdump on lo into a FIFO, and a Wireshark capturing from it on its own display."""

    def __init__(self, name, plugin_tree):
        self.name = name
        self.env = TsharkEnv(plugin_tree)
        write_prefs(self.env, "statistics.update_interval: 1000\ngui.ask_unsaved: FALSE\n")
        self.screen = Screen()
        fifo = os.path.join(self.env.dir, "lo.fifo")
        os.mkfifo(fifo, 0o666)
        os.chmod(fifo, 0o666)
        self.tcpdump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", fifo, FILTER],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        extcap = os.path.join(self.env.dir, "extcap")  # no extcap helpers: a faster start
        os.makedirs(extcap)
        os.chmod(extcap, 0o755)
        self.stderr_path = os.path.join(self.env.dir, "wireshark.err")
        self.stderr = open(self.stderr_path, "w")
        self.ws = start_wireshark(self.env, self.screen, ["-k", "-i", fifo], {"WIRESHARK_EXTCAP_DIR": extcap},
                                  stderr=self.stderr)
        self.main = self.screen.wait_window("lo.fifo", 300)
        # Every main window at the size the 4o6top window's opener gives its own: the packet
        # list keeps the column text of each row it paints, so a taller list grows faster.
        self.screen.place(self.main, *MAIN_GEOMETRY)

    def alive(self):
        return self.ws.poll() is None

    def heap(self):
        """(MiB in use, MiB the heap holds from the system, MiB of RSS after malloc_trim), or None."""
        if not shutil.which("gdb"):
            return None
        mark = os.path.getsize(self.stderr_path)
        subprocess.run(["gdb", "-p", str(self.ws.pid), "-batch", "-ex", "call (void)malloc_stats()",
                        "-ex", "call (int)malloc_trim(0)"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)
        time.sleep(1)
        with open(self.stderr_path) as f:
            f.seek(mark)
            text = f.read()
        total = text.rsplit("Total (incl. mmap):", 1)[-1]
        system = re.search(r"system bytes\s*=\s*(\d+)", total)
        in_use = re.search(r"in use bytes\s*=\s*(\d+)", total)
        if not system or not in_use:
            return None
        return int(in_use.group(1)) / 1048576, int(system.group(1)) / 1048576, rss_mib(self.ws.pid)

    def stop(self):
        """Frames tcpdump passed on (its count when it stops)."""
        self.tcpdump.send_signal(signal.SIGINT)
        err = self.tcpdump.communicate(timeout=30)[1].decode()
        m = re.search(r"(\d+) packets? captured", err)
        self.ws.terminate()
        try:
            self.ws.wait(60)
        except subprocess.TimeoutExpired:
            self.ws.kill()
        self.screen.close()
        self.stderr.close()
        self.env.close()
        return int(m.group(1)) if m else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--minutes", type=float, default=2)
    ap.add_argument("--pps", type=int, default=500, help="tcpreplay's steady rate, packets a second")
    ap.add_argument("--packets", type=int, default=20000, help="size of the looped bench capture")
    ap.add_argument("--sample", type=float, default=20, help="seconds between samples")
    ap.add_argument("--no-window-too", action="store_true",
                    help="a third Wireshark with the plugin but no 4o6top window: what the window costs")
    a = ap.parse_args()
    if os.geteuid() != 0 or not shutil.which("tcpreplay") or not shutil.which("tcpdump"):
        print("soak skipped: needs root, tcpdump and tcpreplay (to put packets on lo)")
        return SKIP
    work = tempfile.mkdtemp(prefix="4o6top-soak-")
    capture = os.path.join(work, "loop.pcap")
    subprocess.run([build_generator(work), str(a.packets), capture], check=True, stderr=subprocess.DEVNULL)
    none_tree = os.path.join(work, "noplugin")
    os.makedirs(os.path.join(none_tree, "4.0", "epan"))
    watchers = []
    replay = None
    try:
        watchers = [Watcher("plugin", a.plugins), Watcher("none", none_tree)]
        if a.no_window_too:
            watchers.append(Watcher("nowin", a.plugins))
        plugin = watchers[0]
        top = open_top_window(plugin.screen, plugin.main)
        time.sleep(5)
        start_rss = {w.name: rss_mib(w.ws.pid) for w in watchers}
        replay = subprocess.Popen(["tcpreplay", "-i", "lo", "--loop=0", "--pps=%d" % a.pps, capture],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        start = time.time()
        clocks, problems = [], []
        while time.time() - start < a.minutes * 60:
            time.sleep(a.sample)
            for w in watchers:
                if not w.alive():
                    problems.append("%s Wireshark exited (status %s)" % (w.name, w.ws.returncode))
            if problems:
                break
            # A copy can miss (focus): read again, a few seconds apart, before calling it stuck.
            for _ in range(3):
                m = CLOCK_RE.search(plugin.screen.window_text(top))
                clock = m.group(1) if m else None
                if clock and (not clocks or clock > clocks[-1]):
                    break
                time.sleep(3)
            if clocks and (clock is None or clock <= clocks[-1]):
                problems.append("the 4o6top window did not refresh: clock %s after %s" % (clock, clocks[-1]))
            clocks.append(clock or "")
            print("  %4.0f s: %s; window: %s" %
                  (time.time() - start, ", ".join("%s %.0f MiB" % (w.name, rss_mib(w.ws.pid)) for w in watchers),
                   m.group(0) if m else "(no clock line)"), flush=True)
        end_rss = {w.name: rss_mib(w.ws.pid) for w in watchers if w.alive()}
        heaps = {w.name: w.heap() for w in watchers if w.alive()}
        replay.send_signal(signal.SIGINT)
        replay.wait(30)
        time.sleep(3)
        frames = {w.name: w.stop() for w in watchers}
        watchers = []
    finally:
        if replay and replay.poll() is None:
            replay.kill()
        for w in watchers:
            w.stop()
        shutil.rmtree(work, ignore_errors=True)
    if problems:
        print("FAIL: " + "; ".join(problems))
        return 1
    grow = {k: end_rss[k] - start_rss[k] for k in end_rss}
    n = max(frames.values())
    allowed = grow["none"] + (PER_FRAME_BYTES * n) / 1048576 + SLACK_MIB
    print("%.1f minutes at %d packets/s: %d frames (plugin's Wireshark) and %d (the other); %d window samples" %
          (a.minutes, a.pps, frames["plugin"], frames["none"], len(clocks)))
    for k in grow:
        print("  %-6s RSS %.0f -> %.0f MiB: +%.1f MiB, %.0f B per frame" %
              (k, start_rss[k], end_rss[k], grow[k], grow[k] * 1048576 / max(n, 1)))
    for k, h in heaps.items():
        if h:
            print("  %-6s heap at the end: %.1f MiB in use, %.1f MiB held from the system; RSS %.0f MiB after malloc_trim"
                  % (k, h[0], h[1], h[2]))
    print("  the plugin's extra: %.1f MiB (%.1f B per frame); allowed %.1f MiB (+%d B per frame + %d MiB)" %
          (grow["plugin"] - grow["none"], (grow["plugin"] - grow["none"]) * 1048576 / max(n, 1),
           allowed - grow["none"], PER_FRAME_BYTES, SLACK_MIB))
    if "nowin" in grow:
        print("  of which the 4o6top window: %.1f MiB; the plugin without it: %.1f MiB (%.1f B per frame)" %
              (grow["plugin"] - grow["nowin"], grow["nowin"] - grow["none"],
               (grow["nowin"] - grow["none"]) * 1048576 / max(n, 1)))
    if n == 0 or grow["plugin"] > allowed:
        print("FAIL: no frames" if n == 0 else "FAIL: the plugin's Wireshark grew more than allowed")
        return 1
    print("ok: no crash, the window refreshed at every sample, memory within bounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
