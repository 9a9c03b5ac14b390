#!/usr/bin/python3
"""Wireshark's GUI with the build-tree plugin, driven as a user would, under Xvfb.

file: open a DS-Lite capture, choose Statistics > 4o6top, copy what the window
      shows, and check it is what `tshark -z 4o6top,sum` prints for the file
      (the window adds a session-number column and a CE section).
live: capture live from loopback (root's tcpdump on lo feeds a FIFO that
      Wireshark, unprivileged, captures from), open Statistics > 4o6top while it
      is empty, replay the capture onto lo, and check the window fills in
      without being reopened.

Menus are found by reading the screen (tesseract), clicked with xdotool; the
window's text is read through the clipboard. --shot saves a screenshot.
Exit 77 (skipped) when the live scenario cannot run (not root, no tcpdump).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "live"))
import lo_replay  # noqa: E402

SKIP = 77


def display_free(n):
    """No X server on display n: neither its socket file nor its abstract
    socket, which a chroot (tests/versions) shares with the host's network."""
    if os.path.exists("/tmp/.X11-unix/X%d" % n):
        return False
    with open("/proc/net/unix") as f:
        return "@/tmp/.X11-unix/X%d\n" % n not in f.read()


class Screen:
    """An Xvfb display and the X tools that act on it."""

    def __init__(self):
        self.number = next(n for n in range(90, 200) if display_free(n))
        self.display = ":%d" % self.number
        self.xvfb = subprocess.Popen(["Xvfb", self.display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait(lambda: os.path.exists("/tmp/.X11-unix/X%d" % self.number), 10, "Xvfb did not start")
        self.work = tempfile.mkdtemp(prefix="4o6top-gui-")

    def run(self, *argv, check=True):
        env = dict(os.environ, DISPLAY=self.display)
        return subprocess.run(argv, env=env, check=check, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=60)

    @staticmethod
    def wait(cond, seconds, why):
        end = time.time() + seconds
        while time.time() < end:
            if cond():
                return
            time.sleep(0.3)
        raise AssertionError(why)

    def windows(self, name):
        out = self.run("xdotool", "search", "--name", name, check=False).stdout.decode().split()
        return [w for w in out if w]

    def wait_window(self, name, seconds=30):
        self.wait(lambda: self.windows(name), seconds, "no window named %r" % name)
        return self.windows(name)[-1]

    def place(self, window, x, y, w, h):
        self.run("xdotool", "windowsize", window, str(w), str(h))
        self.run("xdotool", "windowmove", window, str(x), str(y))
        time.sleep(0.8)

    def click(self, x, y):
        self.run("xdotool", "mousemove", str(x), str(y), "click", "1")
        time.sleep(0.8)

    def shot(self, path):
        self.run("import", "-window", "root", path)

    def lines(self, crop=None):
        """Text lines on screen (or in crop=(x, y, w, h)): (text, centre x, centre
        y, [(word, centre x, centre y)...])."""
        png = os.path.join(self.work, "screen.png")
        self.shot(png)
        x0, y0 = 0, 0
        if crop:
            x0, y0, w, h = crop
            subprocess.run(["convert", png, "-crop", "%dx%d+%d+%d" % (w, h, x0, y0), "+repage", png], check=True)
        big = os.path.join(self.work, "big.png")
        subprocess.run(["convert", png, "-resize", "200%", big], check=True)
        tsv = subprocess.run(["tesseract", big, "-", "tsv"], check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout.decode().splitlines()[1:]
        found = {}
        for row in tsv:
            f = row.split("\t")
            if len(f) < 12 or not f[11].strip():
                continue
            key = (f[2], f[3], f[4])
            left, top, width, height = (int(v) // 2 for v in f[6:10])
            words, box = found.get(key, ([], None))
            words.append((f[11].strip(), x0 + left + width // 2, y0 + top + height // 2))
            box = (left, top, left + width, top + height) if box is None else \
                (min(box[0], left), min(box[1], top), max(box[2], left + width), max(box[3], top + height))
            found[key] = (words, box)
        return [(" ".join(w[0] for w in words), x0 + (b[0] + b[2]) // 2, y0 + (b[1] + b[3]) // 2, words)
                for words, b in found.values()]

    def click_text(self, text, crop=None, seconds=40):
        """Click the screen line that reads exactly `text`, or else such a word."""
        def find():
            lines = self.lines(crop)
            # Tesseract reads the o of "4o6top" as a zero in Wireshark 4.4's Qt 6 menu font.
            same = lambda seen: seen.replace("0", "o") == text.replace("0", "o")  # noqa: E731
            hits = [(x, y) for t, x, y, _ in lines if same(t)]
            hits += [(wx, wy) for _, _, _, words in lines for w, wx, wy in words if same(w)]
            return hits[0] if hits else None
        end = time.time() + seconds
        while time.time() < end:
            hit = find()
            if hit:
                self.click(*hit)
                return
            time.sleep(0.5)
        raise AssertionError("no %r on screen" % text)

    def window_text(self, window):
        """What a text window shows: select all and copy, then read the clipboard
        (emptied first, so that a copy that did not happen reads as nothing, not
        as the text of an earlier copy)."""
        subprocess.run(["xclip", "-selection", "clipboard", "/dev/null"], env=dict(os.environ, DISPLAY=self.display),
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        self.run("xdotool", "windowactivate", "--sync", window, check=False)
        geo = dict(line.split("=") for line in
                   self.run("xdotool", "getwindowgeometry", "--shell", window).stdout.decode().split())
        self.click(int(geo["X"]) + 60, int(geo["Y"]) + 60)
        self.run("xdotool", "key", "ctrl+a", "ctrl+c")
        time.sleep(0.5)
        return self.run("xclip", "-o", "-selection", "clipboard", check=False).stdout.decode()

    def close(self):
        self.xvfb.terminate()
        shutil.rmtree(self.work, ignore_errors=True)


def start_wireshark(env, screen, args, extra_env=None, stderr=subprocess.DEVNULL):
    xdg = os.path.join(env.dir, "xdg")
    os.makedirs(xdg, exist_ok=True)
    os.chmod(xdg, 0o700)
    argv, e = env.command([], dict({"DISPLAY": screen.display, "XDG_RUNTIME_DIR": xdg}, **(extra_env or {})))
    if os.geteuid() == 0:
        shutil.chown(xdg, "nobody", "nogroup")
    argv = [a if a != "tshark" else "wireshark" for a in argv] + args
    return subprocess.Popen(argv, env=e, stdout=subprocess.DEVNULL, stderr=stderr)


def process_mib(pid, field):
    """A memory figure of /proc/PID/status (VmRSS, VmHWM...), in MiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def write_prefs(env, text):
    """Wireshark preferences for the staged home, which Wireshark (as nobody) may write."""
    prefs = os.path.join(env.home, ".config", "wireshark")
    os.makedirs(prefs, exist_ok=True)
    with open(os.path.join(prefs, "preferences"), "w") as f:
        f.write(text)
    for root, dirs, files in os.walk(env.home):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o777)
        for name in files:
            os.chmod(os.path.join(root, name), 0o666)


MAIN_GEOMETRY = (0, 0, 1580, 980)  # x, y, width, height of Wireshark's main window in these tests


def open_stat(screen, main, item, window):
    """Statistics > item; the window it opens, at the size Wireshark gives it. A slow
    Wireshark (sanitizers, a loaded machine) may miss a click: up to three tries."""
    screen.place(main, *MAIN_GEOMETRY)
    known = set(screen.windows(window))
    for attempt in range(3):
        try:
            screen.click_text("Statistics", crop=(0, 0, 800, 30))
            time.sleep(1.5)
            screen.click_text(item, crop=(250, 20, 500, 700))
            screen.wait(lambda: set(screen.windows(window)) - known, 30, "no window named %r" % window)
            return sorted(set(screen.windows(window)) - known)[-1]
        except AssertionError:
            screen.run("xdotool", "key", "Escape")
            time.sleep(1)
            if attempt == 2:
                raise


def open_top_window(screen, main):
    return open_stat(screen, main, "4o6top", "4o6top")


WINDOW_COLUMNS = 72  # plugin/gui_top.c WINDOW_COLUMNS: what the window first shows without wrapping


def sum_rows(text):
    """(proto, client, server, packets, bytes) of each session row of a sum
    text, from tshark (Source IP:Port ... Timeout) or from the window (its
    narrower layout: number, proto, client, server, packets, bytes)."""
    rows, in_table = [], False
    for line in text.splitlines():
        if line.startswith(" Proto") or line.startswith(" Sess Proto"):
            in_table = True
            continue
        if in_table and not line.strip():
            break
        if in_table:
            f = re.sub(r":\s+", ":", line).split()
            rows.append(tuple(f[1:6] if f[0].isdigit() else f[0:5]))
    return rows


def counts(text):
    """The counts block: the time line and the per-protocol lines."""
    return [line for line in text.splitlines() if "Total Sess:" in line or " Sess:" in line]


def check_window(shown, expected):
    """The window shows tshark's sums: the same counts and the same session
    rows in the same order, and no line wider than the window."""
    wide = [line for line in shown.splitlines() if len(line) > WINDOW_COLUMNS]
    if wide:
        raise AssertionError("lines wider than %d characters:\n%s" % (WINDOW_COLUMNS, "\n".join(wide)))
    if counts(shown) != counts(expected) or not sum_rows(expected) or sum_rows(shown) != sum_rows(expected):
        print("--- tshark -z 4o6top,sum\n%s--- Statistics > 4o6top\n%s" % (expected, shown))
        raise AssertionError("the window differs from tshark's sum")


def file_scenario(env, screen, capture, shot):
    expected = env.run(["-r", env.capture(capture), "-q", "-z", "4o6top,sum"]).stdout.decode().rstrip("\n") + "\n"
    ws = start_wireshark(env, screen, ["-r", env.capture(capture)])
    try:
        top = open_top_window(screen, screen.wait_window(capture))
        screen.wait(lambda: "Total Sess" in screen.window_text(top), 20, "the 4o6top window stays empty")
        shown = screen.window_text(top)
        if shot:
            screen.click(400, 600)  # clears the selection the copy made
            screen.shot(shot)
        check_window(shown, expected)
        print("Statistics > 4o6top shows what tshark -z 4o6top,sum prints:\n" + shown)
    finally:
        ws.terminate()


def live_scenario(env, screen, capture, shot):
    if os.geteuid() != 0 or not shutil.which("tcpdump"):
        print("live scenario skipped: needs root (to put packets on lo) and tcpdump")
        return SKIP
    fifo = os.path.join(env.dir, "lo.fifo")
    os.mkfifo(fifo, 0o666)
    os.chmod(fifo, 0o666)
    # Only this capture's B4s: other tests (the soak) may replay on lo meanwhile.
    tcpdump = subprocess.Popen(["tcpdump", "-i", "lo", "-U", "-w", fifo,
                                "ip6 and (host 2001:db8:1::2 or host 2001:db8:2::2)"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ws = start_wireshark(env, screen, ["-k", "-i", fifo])
    try:
        main = screen.wait_window("lo.fifo")
        time.sleep(2)
        top = open_top_window(screen, main)
        before = screen.window_text(top)
        if "Total Sess:0" not in before and "no packets" not in before:
            raise AssertionError("the window should start empty:\n" + before)
        lo_replay.replay(env.capture(capture))
        wanted = (("TCP", "192.168.1.2:40000", "203.0.113.10:443", "7", "1380"),
                  ("UDP", "192.168.1.2:5353", "203.0.113.53:53", "2", "186"))
        # The window redraws at Wireshark's update interval: wait for the last packets to show.
        try:
            screen.wait(lambda: all(row in sum_rows(screen.window_text(top)) for row in wanted), 20, "")
        except AssertionError:
            pass
        after = screen.window_text(top)
        for row in wanted:
            if row not in sum_rows(after):
                raise AssertionError("missing after the live capture: %r\n%s" % (row, after))
        if shot:
            screen.click(400, 600)
            screen.shot(shot)
        print("before the traffic:\n%s\nafter it, without reopening:\n%s" % (before, after))
    finally:
        ws.terminate()
        tcpdump.terminate()
    return 0


def sanitizer_scenario(env, screen, capture, shot):
    """The AddressSanitizer + UBSan plugin (tests/robustness/build_asan_plugin.py) in
    Wireshark, libasan and libubsan preloaded: every window and button of the plugin,
    a reload, and a normal quit, with no sanitizer report and a clean exit."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "robustness"))
    from rob_common import SANITIZER_RE, needs_asan, sanitizer_env, sanitizer_preload
    so = os.path.join(env.dir, "plugins", "4.0", "epan", "4o6top.so")
    preload = sanitizer_preload()
    if not preload or not needs_asan(so):
        print("sanitizer scenario skipped: needs gcc's libasan/libubsan and the sanitizer plugin (%s)" % so)
        return SKIP
    log_path = os.path.join(env.dir, "wireshark.stderr")
    log = open(log_path, "wb")
    # No extcap helpers: they would inherit the preload (and hang starting up under it).
    extcap = os.path.join(env.dir, "extcap")
    os.makedirs(extcap, exist_ok=True)
    os.chmod(extcap, 0o755)
    ws = start_wireshark(env, screen, ["-r", env.capture(capture)],
                         dict(sanitizer_env(preload), WIRESHARK_EXTCAP_DIR=extcap), stderr=log)
    try:
        main = screen.wait_window(capture, 120)
        time.sleep(3)
        top = open_top_window(screen, main)
        screen.wait(lambda: "Total Sess" in screen.window_text(top), 60, "the 4o6top window stays empty")
        steps = []

        def step(text):
            steps.append(text)
            print(text, flush=True)
        # Filter for session: session 2 is TCP 192.168.1.2:40000 behind 2001:db8:2::2 (2 packets).
        screen.click_text("session", crop=window_box(screen, top))
        answer_dialog(screen, "apply the filter", "2")
        screen.wait(lambda: any("Displayed: 2" in t for t, _, _, _ in screen.lines()), 60,
                    "Filter for session 2 did not show its 2 packets")
        step("Filter for session 2: 2 packets displayed")
        screen.click_text("Copy", crop=window_box(screen, top))
        answer_dialog(screen, "copy the filter", "2")
        screen.wait(lambda: "Copied: ipv6.addr == 2001:db8:2::2" in screen.window_text(top), 30,
                    "Copy filter did not report the copied filter")
        step("Copy filter 2: " + screen.run("xclip", "-o", "-selection", "clipboard", check=False)
                     .stdout.decode())
        screen.click_text("Limit", crop=window_box(screen, top))
        screen.wait(lambda: "Total Sess:1" in screen.window_text(top), 60,
                    "Limit to display filter did not count only session 2")
        step("Limit to display filter: Total Sess:1")
        for item in ("4o6top Sessions", "4o6top CEs"):
            dialog = open_stat(screen, main, item, item)
            time.sleep(3)
            step("opened " + item)
            screen.run("xdotool", "windowfocus", dialog, check=False)
            screen.run("xdotool", "key", "Escape")
        screen.run("xdotool", "windowfocus", main, check=False)
        screen.run("xdotool", "key", "ctrl+r")  # View > Reload
        time.sleep(5)
        screen.wait(lambda: "Total Sess" in screen.window_text(top), 60, "the 4o6top window is empty after reload")
        step("reloaded: " + next(line for line in screen.window_text(top).splitlines() if "Total Sess" in line))
        screen.run("xdotool", "windowfocus", top, check=False)
        screen.run("xdotool", "key", "Escape")  # closes the 4o6top window
        time.sleep(2)
        screen.run("xdotool", "windowfocus", main, check=False)
        screen.run("xdotool", "key", "ctrl+q")
        rc = ws.wait(120)
    except AssertionError:
        if shot:
            screen.shot(shot)  # where it stopped
        raise
    finally:
        if ws.poll() is None:
            ws.kill()
            ws.wait()
        log.close()
    with open(log_path, "rb") as f:
        err = f.read().decode("utf-8", "replace")
    reports = [line for line in err.splitlines() if SANITIZER_RE.search(line)]
    if reports or rc != 0:
        print(err[-20000:])
        raise AssertionError("Wireshark exited with %d, %d sanitizer report lines" % (rc, len(reports)))
    print("Wireshark quit with status 0, no sanitizer report (stderr %d bytes)" % len(err))
    return 0


def answer_dialog(screen, title, text):
    """Type text into the one-field dialog whose title holds `title`, and press OK.
    Under Xvfb there is no window manager to give a new dialog the focus."""
    dialog = screen.wait_window(title, 60)
    screen.run("xdotool", "windowfocus", dialog, check=False)
    x, y, w, h = window_box(screen, dialog)
    screen.click(x + w * 2 // 3, y + 25)  # the field, right of its label
    screen.run("xdotool", "type", text)
    screen.run("xdotool", "key", "Return")


def window_box(screen, window):
    geo = dict(line.split("=") for line in
               screen.run("xdotool", "getwindowgeometry", "--shell", window).stdout.decode().split())
    return int(geo["X"]), int(geo["Y"]), int(geo["WIDTH"]), int(geo["HEIGHT"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--capture", required=True)
    ap.add_argument("--scenario", choices=["file", "live", "sanitizer"], required=True)
    ap.add_argument("--shot", help="save a screenshot of the window here")
    a = ap.parse_args()
    env = TsharkEnv(a.plugins, [a.capture])
    write_prefs(env, "statistics.update_interval: 500\ngui.ask_unsaved: FALSE\n")
    screen = Screen()
    try:
        capture = os.path.basename(a.capture)
        if a.scenario == "file":
            file_scenario(env, screen, capture, a.shot)
            return 0
        if a.scenario == "sanitizer":
            return sanitizer_scenario(env, screen, capture, a.shot)
        return live_scenario(env, screen, capture, a.shot)
    finally:
        screen.close()
        env.close()


if __name__ == "__main__":
    sys.exit(main())
