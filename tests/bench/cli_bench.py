#!/usr/bin/python3
"""Benchmark the 4o6top command, whole process, against tshark and tcpdump.

On the generated captures C and D (run_bench.py's generator), runs every command
once a round, each round in an order of its own (shuffled, seeded by the round),
--repeat rounds after one untimed warm-up round:

  native-stat    4o6top -r CAPTURE -m stat          (the command's default reader)
  native-sum     4o6top -r CAPTURE -m sum
  tshark-stat    4o6top -engine tshark -r CAPTURE -m stat
  tshark-sum     4o6top -engine tshark -r CAPTURE -m sum
  pipe-stat      cat CAPTURE | 4o6top -m stat
  pipe-own       cat CAPTURE | 4o6top -m stat        (the command's share alone: cat not counted)
  pipe-alone     cat CAPTURE | cat > /dev/null      (what the pipe itself costs: cat, and the copies)
  tcpdump        tcpdump -r CAPTURE -w /dev/null    (libpcap reads and copies every packet)
  tshark-read    tshark -r CAPTURE -q               (reads, dissects nothing)

and prints the medians of wall time, CPU time (user + system of every process
of the run) and peak RSS (the largest process of the run), then the ratios the
command is held to. A command without -engine runs tshark itself: its runs are
the tshark rows and the native rows are left out.

Not a test: ctest does not run it. See tests/bench/README.md.
"""
import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from run_bench import (PROFILE_NAMES, PROFILES_DIR, SIZES, build_generator, check_world_readable,  # noqa: E402
                       file_sha256, machine_description, make_capture, round_order)
from tshark_env import TsharkEnv  # noqa: E402

# (name, what it stands for, needs -engine, argv with CAPTURE and CLI in it)
VARIANTS = [
    ("native-stat", "4o6top -r C -m stat", True, ["CLI", "-r", "CAPTURE", "-m", "stat"]),
    ("native-sum", "4o6top -r C -m sum", True, ["CLI", "-r", "CAPTURE", "-m", "sum"]),
    ("tshark-stat", "4o6top -engine tshark -r C -m stat", None, ["CLI", "-engine", "tshark", "-r", "CAPTURE", "-m",
                                                                 "stat"]),
    ("tshark-sum", "4o6top -engine tshark -r C -m sum", None, ["CLI", "-engine", "tshark", "-r", "CAPTURE", "-m",
                                                               "sum"]),
    ("pipe-stat", "cat C | 4o6top -m stat", False, ["sh", "-c", 'cat "$1" | "$2" -m stat', "sh", "CAPTURE", "CLI"]),
    ("pipe-own", "cat C | 4o6top -m stat, the command alone", False, ["FED", "CAPTURE", "CLI", "-m", "stat"]),
    ("pipe-alone", "cat C | cat > /dev/null", False, ["sh", "-c", 'cat "$1" | cat > /dev/null', "sh", "CAPTURE"]),
    ("tcpdump", "tcpdump -r C -w /dev/null", False, ["tcpdump", "-r", "CAPTURE", "-w", "/dev/null"]),
    ("tshark-read", "tshark -r C -q", False, ["tshark", "-r", "CAPTURE", "-q"]),
]

# (what, numerator row, denominator row, measure index (1 CPU, 0 wall), goal text, goal test)
RATIOS = [
    ("native / tshark engine, CPU, stat", "native-stat", "tshark-stat", 1, "<= 0.15", lambda r: r <= 0.15),
    ("native / tshark engine, CPU, sum", "native-sum", "tshark-sum", 1, "<= 0.15", lambda r: r <= 0.15),
    ("native / tcpdump, CPU, stat", "native-stat", "tcpdump", 1, "< 1", lambda r: r < 1),
    ("native / tcpdump, CPU, sum", "native-sum", "tcpdump", 1, "< 1", lambda r: r < 1),
    # file-stat: the file read by the engine the pipe runs, the default one.
    ("pipe / file, wall, stat", "pipe-stat", "file-stat", 0, "<= 1.2", lambda r: r <= 1.2),
    ("pipe / file, CPU, stat", "pipe-stat", "file-stat", 1, "<= 1.2", lambda r: r <= 1.2),
    ("pipe / file, CPU of the command alone, stat", "pipe-own", "file-stat", 1, "<= 1.2", lambda r: r <= 1.2),
]
PACKETS_GOAL = 3e6  # packets a second on one core, native
RSS_GOAL = 64  # MiB, native


def has_engine_flag(env, cli):
    r = env.run(["-help"], program=cli)
    return b"-engine" in r.stdout


def argv_for(words, capture, cli):
    return [capture if w == "CAPTURE" else cli if w == "CLI" else w for w in words]


def split_fed(words):
    """FED CAPTURE ARGV...: (CAPTURE, ARGV); any other words: (None, words)."""
    return (words[1], words[2:]) if words[0] == "FED" else (None, words)


def run_measured(env, words, stdout_path):
    """One run as nobody when root: ((wall s, CPU s, peak RSS MiB), stderr, status). wait4's rusage
    counts the child and every descendant it waited for (sh's pipe, the command's tshark). FED
    CAPTURE ARGV: ARGV reads CAPTURE from a pipe that a cat of its own feeds, and only ARGV's
    share is counted."""
    fed, words = split_fed(words)
    feeder = None
    if fed:
        cat_argv, cat_e = env.command([fed], program="cat")
        feeder = subprocess.Popen(cat_argv, env=cat_e, stdout=subprocess.PIPE, cwd=env.dir)
    argv, e = env.command(words[1:], program=words[0])
    with open(stdout_path, "wb") as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=e, stdin=feeder.stdout if feeder else None, stdout=out, stderr=err,
                                cwd=env.dir)
        if feeder:
            feeder.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if feeder:
            feeder.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return (wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0), stderr, os.waitstatus_to_exitcode(status)


def measure(env, rows, words, repeat, outputs):
    """Round-robin runs of words[row] (argv); {row: [(wall, cpu, rss)...]}, {row: stderr texts},
    {row: output digests}."""
    for name in rows:  # untimed: the capture into the page cache, and every command checked once
        usage, stderr, status = run_measured(env, words[name], os.path.join(outputs, name))
        if status != 0:
            sys.exit("cli_bench: %s exited with %d:\n%s" % (shlex.join(words[name]), status, stderr))
    measurements = {name: [] for name in rows}
    stderr_seen = {name: set() for name in rows}
    digests = {name: set() for name in rows}
    for rep in range(repeat):
        for name in round_order(rows, rep):  # none always runs after tshark's exit
            out = os.path.join(outputs, name)
            usage, stderr, status = run_measured(env, words[name], out)
            if status != 0:
                sys.exit("cli_bench: %s exited with %d:\n%s" % (shlex.join(words[name]), status, stderr))
            measurements[name].append(usage)
            if stderr:
                stderr_seen[name].add(stderr)
            digests[name].add(file_sha256(out))
        print("round %d of %d done" % (rep + 1, repeat), file=sys.stderr)
    return measurements, stderr_seen, digests


def median_of(measurements, name, i):
    return statistics.median(m[i] for m in measurements[name])


def paired(measurements, top, bottom, i):
    """Median over the rounds of top's value over bottom's in the same round."""
    return statistics.median(a[i] / b[i] for a, b in zip(measurements[top], measurements[bottom]) if b[i])


def tables(measurements, rows, labels, packets, markdown):
    head = ["command", "wall s", "CPU s", "peak RSS MiB", "packets/s (CPU)", "wall spread %"]
    body = []
    for name in rows:
        wall, cpu, rss = (median_of(measurements, name, i) for i in range(3))
        walls = [m[0] for m in measurements[name]]
        body.append(["`%s`" % labels[name] if markdown else labels[name], "%.2f" % wall, "%.2f" % cpu, "%.0f" % rss,
                     "%.2f M" % (packets / cpu / 1e6) if cpu else "-",
                     "%.0f" % (100 * (max(walls) - min(walls)) / wall)])
    ratio_head = ["ratio", "of the medians", "paired", "goal", "met"]
    ratio_body = []
    for what, top, bottom, i, goal, ok in RATIOS:
        if bottom == "file-stat":
            bottom = "native-stat" if "native-stat" in rows else "tshark-stat"
        if top in rows and bottom in rows:
            r = median_of(measurements, top, i) / median_of(measurements, bottom, i)
            ratio_body.append([what, "%.3f" % r, "%.3f" % paired(measurements, top, bottom, i), goal,
                               "yes" if ok(r) else "NO"])
    if all(name in rows for name in ("pipe-stat", "pipe-alone", "native-stat")):
        # The pipe's own cost taken off: what reading from a pipe costs the command itself.
        cpu = {name: median_of(measurements, name, 1) for name in ("pipe-stat", "pipe-alone", "native-stat")}
        ratio_body.append(["(pipe - pipe alone) / file, CPU, stat",
                           "%.3f" % ((cpu["pipe-stat"] - cpu["pipe-alone"]) / cpu["native-stat"]), "-", "-", "-"])
    for name in ("native-stat", "native-sum"):
        if name in rows:
            cpu, rss = median_of(measurements, name, 1), median_of(measurements, name, 2)
            ratio_body.append(["%s packets/s on one core (CPU)" % name, "%.2f M" % (packets / cpu / 1e6), "-",
                               ">= 3 M", "yes" if packets / cpu >= PACKETS_GOAL else "NO"])
            ratio_body.append(["%s peak RSS MiB" % name, "%.0f" % rss, "-", "<= 64",
                               "yes" if rss <= RSS_GOAL else "NO"])
    return format_table(head, body, markdown) + "\n\n" + format_table(ratio_head, ratio_body, markdown)


def format_table(head, body, markdown):
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
        return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])
    widths = [max(len(r[i]) for r in [head] + body) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in [head] + body)


def bench_size(opts, env, generator, size, cli, native):
    capture, summary = make_capture(generator, opts.workdir, size)
    check_world_readable(capture)
    rows = [name for name, _, needs_engine, _ in VARIANTS if needs_engine is not True or native]
    words = {name: w for name, _, _, w in VARIANTS}
    labels = {name: text.replace(" C", " " + size) for name, text, _, _ in VARIANTS}
    if not native:  # the command runs tshark itself: that is the tshark engine
        for mode in ("stat", "sum"):
            words["tshark-" + mode] = ["CLI", "-r", "CAPTURE", "-m", mode]
            labels["tshark-" + mode] = "4o6top -r %s -m %s (runs tshark)" % (size, mode)
    words = {name: argv_for(w, capture, cli) for name, w in words.items()}
    print("\n## %s: %s (%s)" % (size, capture, summary))
    print("commands (as nobody when run as root; CLI is a copy of %s):" % opts.cli)
    for name in rows:
        fed, w = split_fed(words[name])
        argv, e = env.command(w[1:], program=w[0])
        print("  %s%s" % ("cat %s | " % shlex.quote(fed) if fed else "",
                          shlex.join(["env", "-i"] + ["%s=%s" % kv for kv in sorted(e.items())] + argv)))
    outputs = tempfile.mkdtemp(prefix="out-", dir=env.dir)
    measurements, stderr_seen, digests = measure(env, rows, words, opts.repeat, outputs)
    print("medians of %d runs each, each round in its own order, after one untimed round:" % opts.repeat)
    print(tables(measurements, rows, labels, SIZES[size][0], opts.markdown))
    for name, texts in stderr_seen.items():
        for text in texts:
            print("stderr of %s:\n  %s" % (name, text.rstrip("\n").replace("\n", "\n  ")))
    for name, d in digests.items():
        if len(d) > 1:
            print("%s: output differs between runs" % name)
    for a, b in (("native-stat", "tshark-stat"), ("native-sum", "tshark-sum"), ("pipe-stat", "native-stat"),
                 ("pipe-own", "native-stat"), ("pipe-stat", "tshark-stat")):
        if a in rows and b in rows:
            print("output of %s and %s: %s" % (a, b, "identical" if digests[a] == digests[b] else "DIFFERENT"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", default=os.path.join(REPO, "build", "cli", "4o6top"), help="the 4o6top command to time")
    ap.add_argument("--sizes", default="C,D", help="captures, comma-separated (default C,D)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs of each command (default 5)")
    ap.add_argument("--workdir", default="/tmp/4o6top-bench", help="where the captures are kept")
    ap.add_argument("--plugins", default=os.path.join(REPO, "build", "plugins"),
                    help="the build's plugins folder, for the command's tshark")
    ap.add_argument("--fast-profile", default=os.path.join(PROFILES_DIR, PROFILE_NAMES["fast"]),
                    help="the fast profile folder, staged as the user's (the command's tshark runs with it)")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    opts = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    sizes = opts.sizes.split(",")
    if opts.repeat < 1 or any(s not in SIZES for s in sizes):
        ap.error("--repeat must be at least 1, --sizes among %s" % ",".join(sorted(SIZES)))
    for tool in ("tshark", "tcpdump"):
        if not shutil.which(tool, path="/usr/bin:/bin:/usr/sbin:/sbin"):
            sys.exit("cli_bench: %s is not installed" % tool)
    if not os.path.isfile(opts.cli):
        sys.exit("cli_bench: no command %s: build first (cmake --build build)" % opts.cli)
    if not os.path.isdir(opts.workdir):
        os.makedirs(opts.workdir)
        os.chmod(opts.workdir, 0o755)

    scratch = tempfile.mkdtemp(prefix="4o6top-cli-bench-")
    env = None
    try:
        generator = build_generator(scratch)
        profiles = os.path.join(scratch, "profiles")
        shutil.copytree(opts.fast_profile, os.path.join(profiles, PROFILE_NAMES["fast"]))
        env = TsharkEnv(opts.plugins, profiles=profiles)
        cli = env.stage(opts.cli)
        native = has_engine_flag(env, cli)
        head = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL).stdout.decode().strip() or "unknown"
        print("machine: %s" % machine_description())
        print("command: %s (sha256 %s; checkout %s)" % (opts.cli, file_sha256(opts.cli)[:16], head))
        print("load before: %s" % open("/proc/loadavg").read().strip())
        if not native:
            print("note: this command has no -engine flag: it runs tshark, so its runs are the tshark rows and "
                  "the native rows are left out")
        for size in sizes:
            bench_size(opts, env, generator, size, cli, native)
        print("load after: %s" % open("/proc/loadavg").read().strip())
    finally:
        if env:
            env.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
