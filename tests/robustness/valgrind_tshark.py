#!/usr/bin/python3
"""tshark with the (normal, not sanitizer) plugin under valgrind memcheck.

Runs on one capture (sample.pcapng), each under
  valgrind --leak-check=full --keep-debuginfo=yes --xml=yes ...:
  plugin runs   -z 4o6top,sum | stat,evicted,ce_ports,max_sessions=5 | log,tunnel | ce |
                sess,ends; the post-dissector with -V, and with -2 -T fields;
  baselines     -z io,stat,0 (plugin loaded, unused); -V and -2 -T fields -e frame.number
                without the plugin.

Fails on
  * any memory error (invalid read/write/free, uninitialised value, overlapping
    copy, bad syscall parameter...) in a plugin run, unless the same error (kind
    and top stack frames) shows in a baseline: then it is Wireshark's own;
  * any "definitely lost" or "indirectly lost" block whose allocation stack holds a
    frame of 4o6top.so or a fot_ function, in any run (the baseline io,stat run
    too: the plugin is loaded there);
  * a run that ends by a signal, or a plugin run whose exit status is neither 0
    nor 42 (valgrind's --error-exitcode: Wireshark's own leaks always set it).

Why frames, not a suppressions file: Debian's libwireshark has no debug symbols
here, so its own leaks (29-30 definitely lost records, 3 248 bytes with what
they hold, in every run, -z io,stat,0 and runs without the plugin included; a
GVariant per thread of a GLib thread pool and a few others) show as "???"
frames that a suppression could only match by object name; a suppression of
"anything in libwireshark.so" would also hide a leak the plugin causes through
a Wireshark call. The opposite filter is exact: a block leaks because of
the plugin when the plugin is on its allocation stack. --keep-debuginfo=yes
keeps the plugin's symbols after Wireshark unloads it at exit (without it the
plugin's frames are "???" too).

Exit status: 0 good, 1 failure, 77 valgrind missing.
Usage: valgrind_tshark.py --plugins BUILD/plugins --capture sample.pcapng [--jobs N] [--keep DIR]
"""
import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from rob_common import SKIP, TsharkEnv  # noqa: E402

LEAKS = ("Leak_DefinitelyLost", "Leak_IndirectlyLost")

PLUGIN_RUNS = {
    "sum": ["-q", "-z", "4o6top,sum"],
    "stat": ["-q", "-z", "4o6top,stat,evicted,ce_ports,max_sessions=5"],
    "log": ["-q", "-z", "4o6top,log,tunnel"],
    "ce": ["-q", "-z", "4o6top,ce"],
    "sess": ["-q", "-z", "4o6top,sess,ends"],
    "postdissector -V": ["-V"],
    "postdissector -2 fields": ["-2", "-T", "fields", "-e", "4o6top.session", "-e", "4o6top.active_sessions"],
}
BASELINES = {
    "io,stat (plugin loaded)": (["-q", "-z", "io,stat,0"], True),
    "-V (no plugin)": (["-V"], False),
    "-2 fields (no plugin)": (["-2", "-T", "fields", "-e", "frame.number"], False),
}


class Frame:
    def __init__(self, el):
        self.obj = el.findtext("obj") or ""
        self.fn = el.findtext("fn") or ""
        self.file = el.findtext("file") or ""
        self.line = el.findtext("line") or ""

    def plugin(self):
        return self.obj.endswith("/4o6top.so") or self.fn.startswith("fot_")

    def __str__(self):
        where = "%s:%s" % (self.file, self.line) if self.file else os.path.basename(self.obj)
        return "%s (%s)" % (self.fn or "???", where)


class Error:
    def __init__(self, el):
        self.kind = el.findtext("kind")
        what = el.find("xwhat")
        self.what = what.findtext("text") if what is not None else el.findtext("what")
        self.leaked = int(what.findtext("leakedbytes") or 0) if what is not None else 0
        stack = el.find("stack")
        self.frames = [Frame(f) for f in stack.findall("frame")] if stack is not None else []

    def signature(self):
        return (self.kind,) + tuple(f.fn or os.path.basename(f.obj) for f in self.frames[:4])

    def plugin(self):
        return any(f.plugin() for f in self.frames)

    def __str__(self):
        return "%s: %s\n" % (self.kind, self.what) + "".join("      %s\n" % f for f in self.frames[:16])


def valgrind_run(env, name, args, with_plugin, capture, outdir):
    xml = os.path.join(outdir, name.replace(" ", "_").replace(",", "_") + ".xml")
    argv, e = env.command(args + ["-r", capture])
    if not with_plugin:
        e["WIRESHARK_PLUGIN_DIR"] = os.path.join(env.dir, "noplugins")
    i = argv.index("tshark")
    argv[i:i + 1] = ["valgrind", "--tool=memcheck", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
                     "--errors-for-leak-kinds=definite,indirect", "--keep-debuginfo=yes",
                     "--num-callers=40", "--track-origins=yes", "--error-exitcode=42", "--xml=yes",
                     "--xml-file=" + xml, "tshark"]
    start = time.time()
    p = subprocess.run(argv, env=e, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=env.dir, timeout=900)
    errors = [Error(el) for el in ET.parse(xml).getroot().findall("error")] if os.path.exists(xml) else None
    return {"name": name, "rc": p.returncode, "out": p.stdout.decode("utf-8", "replace"),
            "err": p.stderr.decode("utf-8", "replace"), "errors": errors, "seconds": time.time() - start,
            "plugin": with_plugin, "xml": xml}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plugins", required=True, help="plugins/ tree of the normal build")
    ap.add_argument("--capture", required=True)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", help="copy valgrind's XML files here")
    a = ap.parse_args()
    if not shutil.which("valgrind"):
        print("SKIP: valgrind is not installed")
        return SKIP

    env = TsharkEnv(a.plugins, [a.capture])
    os.makedirs(os.path.join(env.dir, "noplugins", "4.0", "epan"))
    outdir = os.path.join(env.dir, "valgrind")
    os.makedirs(outdir)
    os.chmod(outdir, 0o777)
    for root, dirs, _ in os.walk(os.path.join(env.dir, "noplugins")):
        os.chmod(root, 0o755)
    capture = env.capture(os.path.basename(a.capture))
    failures = []
    try:
        jobs = [(n, args, True) for n, args in PLUGIN_RUNS.items()] + \
               [(n, args, plug) for n, (args, plug) in BASELINES.items()]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
            results = list(pool.map(lambda j: valgrind_run(env, j[0], j[1], j[2], capture, outdir), jobs))
        if a.keep:
            os.makedirs(a.keep, exist_ok=True)
            for r in results:
                if os.path.exists(r["xml"]):
                    shutil.copy(r["xml"], a.keep)
        byname = {r["name"]: r for r in results}
        known = set()
        for n in BASELINES:
            r = byname[n]
            if r["errors"] is None:
                failures.append("%s: valgrind wrote no XML; stderr:\n%s" % (n, r["err"][-2000:]))
                continue
            known |= {e.signature() for e in r["errors"] if e.kind not in LEAKS}

        print("%-26s %5s %7s %8s %8s %9s %s" % ("run", "rc", "seconds", "errors", "leaks", "plugin", "definitely "
                                               "lost bytes, with indirect (Wireshark's / the plugin's)"))
        for r in results:
            n = r["name"]
            errs = r["errors"]
            if errs is None:
                failures.append("%s: valgrind wrote no XML (rc %d); stderr:\n%s" % (n, r["rc"], r["err"][-2000:]))
                continue
            mem = [e for e in errs if e.kind not in LEAKS]
            leaks = [e for e in errs if e.kind in LEAKS]
            mine = [e for e in leaks if e.plugin()]
            lost = [e for e in leaks if e.kind == "Leak_DefinitelyLost"]
            print("%-26s %5d %7.1f %8d %8d %9d %d / %d" % (n, r["rc"], r["seconds"], len(mem), len(leaks), len(mine),
                                                         sum(e.leaked for e in lost if not e.plugin()),
                                                         sum(e.leaked for e in lost if e.plugin())))
            if r["rc"] < 0:
                failures.append("%s: killed by signal %d" % (n, -r["rc"]))
            if r["plugin"] and n in PLUGIN_RUNS and r["rc"] not in (0, 42):
                failures.append("%s: exit status %d; stderr:\n%s" % (n, r["rc"], r["err"][-2000:]))
            if n in PLUGIN_RUNS:
                if "-z" in PLUGIN_RUNS[n] and not r["out"].strip():
                    failures.append("%s: no output" % n)
                if "fields" in n and not any(line.strip() for line in r["out"].splitlines()):
                    failures.append("%s: the post-dissector annotated nothing (is -2 seen under valgrind?)" % n)
                for e in mem:
                    if e.signature() not in known:
                        failures.append("%s: %s" % (n, e))
            if mine:
                definite = [e for e in mine if e.kind == "Leak_DefinitelyLost"]
                indirect = [e for e in mine if e.kind == "Leak_IndirectlyLost"]
                where = sorted({next(str(f) for f in e.frames if f.plugin()) for e in indirect})
                failures.append("%s: leaks with the plugin on the allocation stack: %d definitely lost record(s), "
                                "%d indirectly lost (%d bytes), allocated in %s%s" % (
                                    n, len(definite), len(indirect), sum(e.leaked for e in indirect),
                                    ", ".join(where[:8]) or "-", "".join("\n    " + str(e) for e in definite)))
    finally:
        env.close()
    if failures:
        for f in failures:
            print("FAIL " + f)
        print("%d failures" % len(failures))
        return 1
    print("ok: no memory error in the plugin runs beyond the baselines', no leak from the plugin")
    return 0


if __name__ == "__main__":
    sys.exit(main())
