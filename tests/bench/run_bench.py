#!/usr/bin/python3
"""Benchmark 4o6top against tshark's own statistics on generated captures.

Builds make_bench_capture.c, writes the capture of the size asked (S, M, C or D) into a work folder
(reused when already written by the same generator), then runs tshark on one of
them with each variant below, once a round in an order of its own (shuffled,
seeded by the round), --repeat rounds, with Wireshark's
defaults, with the lean 4o6top profile (-C 4o6top) and with the fast one
(-C 4o6top-fast) when their folders exist. Reports
the medians of wall time, CPU time and peak RSS of each tshark run.

Not a test: ctest does not run it. See tests/bench/README.md.
"""
import argparse
import hashlib
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from tshark_env import TsharkEnv  # noqa: E402

GENERATOR = os.path.join(HERE, "make_bench_capture.c")
# size: (packets, sessions at once or None: as many as arrive every 1.9 ms, a BR's diversity (-d))
SIZES = {"S": (200_000, None, False), "M": (2_000_000, None, False), "C": (2_000_000, 200_000, False),
         "D": (2_000_000, 200_000, True)}
# row label -> configuration profile name (tshark -C)
PROFILE_NAMES = {"lean": "4o6top", "fast": "4o6top-fast"}
PROFILES_DIR = os.path.join(REPO, "packaging", "profiles")

# (name, -z argument)
VARIANTS = [
    # io,stat registers with TL_REQUIRES_PROTO_TREE: dissection that builds the protocol tree.
    ("floor", "io,stat,0"),
    # A tap with next to nothing to do (one MAC pair) and no tree: dissection alone, as 4o6top needs it.
    ("floor-notree", "conv,eth"),
    ("conv", "conv,tcp"),
    ("4o6top-sum", "4o6top,sum"),
    ("4o6top-stat", "4o6top,stat"),
    ("4o6top-log", "4o6top,log"),
]
BASELINE = ("conv", "default")


def build_generator(build_dir):
    exe = os.path.join(build_dir, "make_bench_capture")
    subprocess.run(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe, GENERATOR], check=True)
    return exe


def round_order(rows, rep):
    """Round rep's order, shuffled with rep as the seed: no row always runs right
    after the same one (the exit of a big process before it). Turning the same
    order round by round would not do that: each row keeps its neighbour."""
    order = list(rows)
    random.Random(rep).shuffle(order)
    return order


def make_capture(generator, work_dir, size):
    """The capture of that size, written unless the same generator already wrote it."""
    path = os.path.join(work_dir, "bench-%s.pcap" % size)
    stamp_path = path + ".json"
    with open(GENERATOR, "rb") as f:
        source_sha256 = hashlib.sha256(f.read()).hexdigest()
    try:
        with open(stamp_path) as f:
            stamp = json.load(f)
        if (stamp["source_sha256"] == source_sha256 and stamp["size"] == list(SIZES[size])
                and os.path.getsize(path) == stamp["bytes"]):
            return path, stamp["summary"]
    except (OSError, ValueError, KeyError):
        pass
    packets, at_once, diverse = SIZES[size]
    argv = [generator] + (["-d"] if diverse else []) + [str(packets), path] + ([str(at_once)] if at_once else [])
    res = subprocess.run(argv, stderr=subprocess.PIPE)
    summary = res.stderr.decode().strip()
    if res.returncode != 0:
        sys.exit("run_bench: the capture generator failed:\n%s" % summary)
    os.chmod(path, 0o644)
    with open(stamp_path, "w") as f:
        json.dump({"source_sha256": source_sha256, "size": list(SIZES[size]), "bytes": os.path.getsize(path),
                   "summary": summary}, f)
    return path, summary


def check_world_readable(path):
    """tshark runs as nobody when we are root: every folder above the capture must let it through."""
    if os.geteuid() != 0:
        return
    d = os.path.dirname(os.path.abspath(path))
    while True:
        if not os.stat(d).st_mode & 0o001:
            sys.exit("run_bench: %s is not searchable by others; tshark runs as nobody: choose --workdir elsewhere"
                     % d)
        if d == "/":
            return
        d = os.path.dirname(d)


def stage_profiles(profile_dirs, staging_dir):
    """A profiles folder holding a copy of each profile folder under its tshark name, for TsharkEnv."""
    profiles = os.path.join(staging_dir, "profiles")
    for label, profile_dir in profile_dirs.items():
        shutil.copytree(profile_dir, os.path.join(profiles, PROFILE_NAMES[label]))
    return profiles


def tshark_args(capture, zarg, profile):
    return ["-r", capture, "-q", "-z", zarg] + (["-C", PROFILE_NAMES[profile]] if profile != "default" else [])


def run_measured(env, args, stdout_path):
    """One tshark run: ((wall s, CPU s, peak RSS MiB), stderr). The child is setpriv
    (as root), which execs tshark, so wait4's rusage is tshark's."""
    argv, e = env.command(args)
    with open(stdout_path, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=e, stdout=out, stderr=err, cwd=env.dir)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        sys.exit("run_bench: %s exited with %d:\n%s" % (shlex.join(argv), proc.returncode, stderr))
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0), stderr  # ru_maxrss: KiB on Linux


def file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def plugin_description(plugin_tree):
    """Which build was measured: the plugin changes while the sources do."""
    so = os.path.join(plugin_tree, "4.0", "epan", "4o6top.so")
    built = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(so)))
    head = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL).stdout.decode().strip() or "unknown"
    return "%s (sha256 %s, built %s; checkout %s)" % (so, file_sha256(so)[:16], built, head)


def machine_description():
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    tshark = subprocess.run(["tshark", "-v"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    return "nproc %d, %s, %s" % (os.cpu_count(), cpu, tshark.decode().splitlines()[0])


def summarize(measurements, rows):
    """Table rows: medians and ratios per (variant, profile)."""
    med = {row: [statistics.median(values) for values in zip(*measurements[row])] for row in rows}
    base_wall, base_cpu, base_rss = med[BASELINE]
    table = []
    for variant, profile in rows:
        wall, cpu, rss = med[(variant, profile)]
        walls = [m[0] for m in measurements[(variant, profile)]]
        def against(floor, i):  # this row's wall (i=0) or CPU (i=1) over the floor's, same profile
            return "%.2f" % (med[(floor, profile)][i] and (wall, cpu)[i] / med[(floor, profile)][i]) \
                if (floor, profile) in med else "-"

        def paired(floor, i):  # median of the rounds' own ratios: a slow minute hits both runs of a pair
            mine = [m[i] for m in measurements[(variant, profile)]]
            floors = [m[i] for m in measurements.get((floor, profile), [])]
            return "%.3f" % statistics.median(w / f for w, f in zip(mine, floors)) \
                if floors and all(floors) else "-"
        table.append([variant, profile, "%.2f" % wall, "%.2f" % cpu, "%.0f" % rss,
                      "%.2f" % (wall / base_wall), "%.2f" % (cpu / base_cpu), against("floor", 0),
                      against("floor-notree", 0), paired("floor-notree", 0), against("floor-notree", 1),
                      paired("floor-notree", 1),
                      "%.2f" % (rss / base_rss), "%.0f" % (100 * (max(walls) - min(walls)) / wall)])
    return table


HEADER = ["variant", "profile", "wall s", "CPU s", "peak RSS MiB", "wall / conv", "CPU / conv", "wall / floor",
          "wall / floor-notree", "paired / floor-notree", "CPU / floor-notree", "paired CPU / floor-notree",
          "RSS / conv", "wall spread %"]


def format_table(table, markdown):
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join(["---", "---"] + ["---:"] * (len(HEADER) - 2)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in table]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [HEADER] + table) for i in range(len(HEADER))]

    def line(cells):  # names to the left, numbers to the right
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join(line(r) for r in [HEADER] + table)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=sorted(SIZES), default="S", help="capture to benchmark (default S)")
    ap.add_argument("--repeat", type=int, default=5, help="runs of each variant (default 5)")
    ap.add_argument("--workdir", default="/tmp/4o6top-bench", help="where the captures are kept")
    ap.add_argument("--plugins", default=os.path.join(REPO, "build", "plugins"),
                    help="the build's plugins folder (holding 4.0/epan/4o6top.so)")
    ap.add_argument("--profile", default=os.path.join(PROFILES_DIR, PROFILE_NAMES["lean"]),
                    help="the lean configuration profile folder")
    ap.add_argument("--fast-profile", default=os.path.join(PROFILES_DIR, PROFILE_NAMES["fast"]),
                    help="the fast configuration profile folder")
    ap.add_argument("--variants", help="comma-separated variants to run with the profiles (default: all); "
                    "floor-notree and conv are always run, and with it the default profile runs conv only")
    ap.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    opts = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # in order with the progress lines on stderr
    if opts.repeat < 1:
        ap.error("--repeat must be at least 1")
    if not os.path.isfile(os.path.join(opts.plugins, "4.0", "epan", "4o6top.so")):
        sys.exit("run_bench: no 4.0/epan/4o6top.so under %s: build first (cmake --build build)" % opts.plugins)

    if not os.path.isdir(opts.workdir):
        os.makedirs(opts.workdir)
        os.chmod(opts.workdir, 0o755)  # whatever the umask: tshark may run as nobody
    scratch = tempfile.mkdtemp(prefix="4o6top-bench-")
    env = None
    try:
        generator = build_generator(scratch)
        capture, capture_summary = make_capture(generator, opts.workdir, opts.size)
        check_world_readable(capture)

        profile_dirs = {label: d for label, d in (("lean", opts.profile), ("fast", opts.fast_profile))
                        if os.path.isdir(d)}
        profiles = ["default"] + list(profile_dirs)
        env = TsharkEnv(opts.plugins, profiles=stage_profiles(profile_dirs, scratch) if profile_dirs else None)
        zargs = dict(VARIANTS)
        chosen = set(zargs) if not opts.variants else set(opts.variants.split(",")) | {"floor-notree", "conv"}
        if chosen - set(zargs):
            sys.exit("run_bench: unknown variant(s): %s" % ", ".join(sorted(chosen - set(zargs))))
        rows = [(variant, profile) for profile in profiles for variant, _ in VARIANTS
                if variant in chosen and (profile != "default" or not opts.variants or variant == "conv")]

        print("machine: %s" % machine_description())
        print("plugin: %s" % plugin_description(opts.plugins))
        print("capture: %s (%s)" % (capture, capture_summary))
        for label, d in (("lean", opts.profile), ("fast", opts.fast_profile)):
            if label not in profiles:
                print("note: no profile folder %s: %s rows skipped" % (d, label))
        outputs = os.path.join(scratch, "out")
        os.makedirs(outputs)
        print("commands (tshark runs as nobody when run as root; the temporary folders are removed at the end):")
        for variant, profile in rows:
            argv, e = env.command(tshark_args(capture, zargs[variant], profile))
            env_words = ["%s=%s" % kv for kv in sorted(e.items())]
            out_path = os.path.join(outputs, "%s-%s.out" % (variant, profile))
            print("  %s > %s" % (shlex.join(["env", "-i"] + env_words + argv), out_path))

        # Untimed: brings the capture into the page cache.
        run_measured(env, tshark_args(capture, zargs["floor-notree"], "default"), os.path.join(outputs, "warmup"))
        measurements = {row: [] for row in rows}
        stderr_seen = {row: set() for row in rows}
        sum_digests = {profile: set() for profile in profiles}
        for rep in range(opts.repeat):
            # Every variant once a round, drift hitting them alike; none always follows conv's 1.2 GiB exit.
            for variant, profile in round_order(rows, rep):
                out_path = os.path.join(outputs, "%s-%s.out" % (variant, profile))
                usage, stderr = run_measured(env, tshark_args(capture, zargs[variant], profile), out_path)
                measurements[(variant, profile)].append(usage)
                if stderr:
                    stderr_seen[(variant, profile)].add(stderr)
                if variant == "4o6top-sum":
                    sum_digests[profile].add(file_sha256(out_path))
            print("round %d of %d done" % (rep + 1, opts.repeat), file=sys.stderr)

        print("medians of %d runs each, each round in its own order, after one untimed warm-up run:" % opts.repeat)
        print(format_table(summarize(measurements, rows), opts.markdown))
        print("wall / conv, CPU / conv, RSS / conv: against conv with defaults; wall / floor, wall / floor-notree, "
              "CPU / floor-notree: against that row with the same profile; paired (CPU) / floor-notree: median over the "
              "rounds of this row's wall (CPU) over that round's floor-notree (same profile); "
              "wall spread: (max - min) / median")
        for (variant, profile), texts in stderr_seen.items():
            for text in texts:
                print("stderr of %s (%s):\n  %s" % (variant, profile, text.rstrip("\n").replace("\n", "\n  ")))
        if any(len(d) > 1 for d in sum_digests.values()):
            print("4o6top-sum: output differs between runs of the same profile")
        summed = [p for p in profiles if ("4o6top-sum", p) in measurements]
        for profile in summed[1:]:
            same = sum_digests[summed[0]] == sum_digests[profile]
            print("4o6top-sum output with the %s and the %s profile: %s"
                  % (summed[0], profile, "identical" if same else "DIFFERENT"))
            if not same:
                print("  compare %s and %s" % (os.path.join(outputs, "4o6top-sum-%s.out" % summed[0]),
                                               os.path.join(outputs, "4o6top-sum-%s.out" % profile)))
                scratch = None  # keep the outputs for comparison
    finally:
        if env:
            env.close()
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
