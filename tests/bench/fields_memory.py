#!/usr/bin/python3
"""What the post-dissector's fields cost while a file is open, measured as
Wireshark keeps frames: `tshark -2 -r F -T fields -e frame.number`, whole
process, with the plugin and with no plugin, alternating, on a bench capture
(make_bench_capture.c). Prints peak RSS and wall time (medians), and the
plugin's extra memory per tunnelled packet after the engine's session table
(SESSION_BYTES a session opened, the issue's accounting) is taken off.

  /usr/bin/python3 tests/bench/fields_memory.py --plugins build/plugins --packets 600000
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from run_bench import build_generator, run_measured  # noqa: E402
from tshark_env import TsharkEnv  # noqa: E402

SESSION_BYTES = 128  # the engine's table, per session (docs/speed.md: about 125 bytes)

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--plugins", required=True, help="the build's plugins/ folder")
ap.add_argument("--packets", type=int, default=600000)
ap.add_argument("--repeat", type=int, default=3)
ap.add_argument("--workdir", default=tempfile.gettempdir())
a = ap.parse_args()

os.makedirs(a.workdir, exist_ok=True)
generator = build_generator(a.workdir)
capture = os.path.join(a.workdir, "fields-memory-%d.pcap" % a.packets)
if not os.path.exists(capture):
    subprocess.run([generator, str(a.packets), capture], check=True)

none_tree = tempfile.mkdtemp(prefix="4o6top-noplugin-")
os.makedirs(os.path.join(none_tree, "4.0", "epan"))
with_plugin = TsharkEnv(a.plugins, [capture])
without = TsharkEnv(none_tree, [capture])
try:
    cap = with_plugin.capture(os.path.basename(capture))
    # How many tunnelled packets and sessions (one pass: nothing kept).
    out = os.path.join(with_plugin.dir, "count.txt")
    run_measured(with_plugin, ["-r", cap, "-T", "fields", "-e", "4o6top.session", "-e", "4o6top.new_session"], out)
    tunnelled = sessions = 0
    with open(out) as f:
        for line in f:
            session, new = line.rstrip("\n").split("\t")
            tunnelled += bool(session)
            sessions += bool(new)
    args = ["-2", "-r", cap, "-T", "fields", "-e", "frame.number"]
    results = {"none": [], "plugin": []}
    for _ in range(a.repeat):
        for name, env in (("none", without), ("plugin", with_plugin)):
            (wall, cpu, rss), _ = run_measured(env, args, os.path.join(env.dir, "out.txt"))
            results[name].append((wall, cpu, rss))
            print("  %-6s wall %.2f s, CPU %.2f s, peak RSS %.1f MiB" % (name, wall, cpu, rss), flush=True)
    wall = {k: statistics.median(x[0] for x in v) for k, v in results.items()}
    cpu = {k: statistics.median(x[1] for x in v) for k, v in results.items()}
    rss = {k: statistics.median(x[2] for x in v) for k, v in results.items()}
    extra = (rss["plugin"] - rss["none"]) * 1024 * 1024
    per_packet = (extra - SESSION_BYTES * sessions) / tunnelled
    print("capture: %d packets, %d tunnelled, %d sessions (make_bench_capture %d)" %
          (a.packets, tunnelled, sessions, a.packets))
    print("command: tshark %s (medians of %d, alternating)" % (" ".join(args), a.repeat))
    print("| run | wall s | CPU s | peak RSS MiB |\n| --- | ---: | ---: | ---: |")
    for k in ("none", "plugin"):
        print("| %s | %.2f | %.2f | %.1f |" % (k, wall[k], cpu[k], rss[k]))
    print("ratio plugin/none: wall %.3f, CPU %.3f" % (wall["plugin"] / wall["none"], cpu["plugin"] / cpu["none"]))
    print("extra memory: %.1f MiB = %.1f B per tunnelled packet; minus %d B x %d sessions: %.1f B per tunnelled packet" %
          (extra / 1048576, extra / tunnelled, SESSION_BYTES, sessions, per_packet))
finally:
    with_plugin.close()
    without.close()
