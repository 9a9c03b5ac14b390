#!/usr/bin/python3
"""Golden tests: one TESTLIST line = one tshark run compared with expected files.

TESTLIST line:  NAME  CAPTURE  ZARGS  [TOKEN...]
  NAME      expected/NAME.out is the exact stdout; expected/NAME.err the exact
            stderr (no such file: stderr must be empty). @HOSTNAME@ stands for
            this machine's name (JSON documents' default observer.name), @VERSION@ for
            the plugin version, @CAPTURES@ in NAME.out for the folder of the
            staged captures (sum's original Option line names the file).
  CAPTURE   a file of the generated or real captures
  ZARGS     what follows "-z 4o6top," (quote it if it holds spaces); "-" runs no
            4o6top statistic and no -q (for -T fields, -Y and other -z tests)
  TOKEN     KEY=VALUE sets the environment (TZ=Asia/Tokyo), rc=N the expected
            exit status (default 0), anything else goes to tshark as is.
@CAPTURES@ in ZARGS or a TOKEN stands for the folder of the staged captures (where
the generated binding-table files are too).
Lines are split like a shell would (shlex); # starts a comment.
"""
import argparse
import difflib
import os
import shlex
import socket
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv  # noqa: E402


def parse_testlist(path):
    tests = []
    with open(path) as f:
        for line in f:
            words = shlex.split(line, comments=True)
            if words:
                tests.append(words)
    return tests


def run_one(env, expected_dir, version, words, profile=None):
    name, capture, zargs, *tokens = (w.replace("@CAPTURES@", env.captures) for w in words)
    extra, tenv, rc = [], {}, 0
    for tok in tokens:
        if tok.startswith("rc="):
            rc = int(tok[3:])
        elif "=" in tok and not tok.startswith("-") and tok.split("=")[0].isupper():
            k, v = tok.split("=", 1)
            tenv[k] = v
        else:
            extra.append(tok)
    stat = [] if zargs == "-" else ["-q", "-z", "4o6top," + zargs]
    args = ["-r", env.capture(capture)] + stat + (["-C", profile] if profile else []) + extra
    res = env.run(args, tenv)
    problems = []
    out = res.stdout.decode("utf-8", "replace")
    err = res.stderr.decode("utf-8", "replace").replace(env.dir + "/captures/", "")
    exp_out = open(os.path.join(expected_dir, name + ".out")).read().replace("@VERSION@", version)
    exp_out = exp_out.replace("@HOSTNAME@", socket.gethostname())
    exp_out = exp_out.replace("@CAPTURES@", env.captures)
    err_path = os.path.join(expected_dir, name + ".err")
    exp_err = open(err_path).read() if os.path.exists(err_path) else ""
    if res.returncode != rc:
        problems.append("exit status %d, expected %d" % (res.returncode, rc))
    for what, got, want in (("stdout", out, exp_out), ("stderr", err, exp_err)):
        if got != want:
            diff = difflib.unified_diff(want.splitlines(True), got.splitlines(True), "expected " + what,
                                        "actual " + what)
            problems.append("".join(diff))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True, help="the build's plugins/ folder")
    ap.add_argument("--captures", action="append", required=True)
    ap.add_argument("--testlist", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--version", required=True)
    ap.add_argument("--profiles", help="configuration profiles folder to stage (for --profile)")
    ap.add_argument("--profile", help="run with this configuration profile (-C NAME): 4o6top (lean), 4o6top-fast")
    ap.add_argument("names", nargs="*", help="run only these tests")
    a = ap.parse_args()

    tests = parse_testlist(a.testlist)
    if a.names:
        tests = [t for t in tests if t[0] in a.names]
        missing = set(a.names) - {t[0] for t in tests}
        if missing:
            sys.exit("no such test: " + ", ".join(sorted(missing)))
    env = TsharkEnv(a.plugins, a.captures, a.profiles)
    failed = 0
    try:
        for words in tests:
            problems = run_one(env, a.expected, a.version, words, a.profile)
            print("%s %s" % ("FAIL" if problems else "ok  ", " ".join(shlex.quote(w) for w in words)))
            for p in problems:
                print(p)
            failed += bool(problems)
    finally:
        env.close()
    print("%d of %d failed" % (failed, len(tests)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
