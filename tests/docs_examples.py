#!/usr/bin/python3
"""docs/examples: every example of README.md and docs/*.md runs and prints
what the page shows.

An example is a line "$ COMMAND" inside a ``` block (a line ending in a
backslash goes on to the next), followed by the lines it prints, up to the next
"$ " line or the end of the block. Each runs as an installed user runs it: on a
terminal (script(1)), as nobody when we are root, with TZ=UTC; the build's
plugin, command and profiles stand in for the installed ones
(tests/tshark_env.py); the example capture the package installs,
/usr/share/4o6top/examples/sample.pcapng, is the source tree's; captures/ holds
the generated test captures. The examples of one page run in order in one
scratch folder, their working directory.

Not run, and said so: examples that capture from an interface (-I: root and a
live link) or post to Elasticsearch (-m elastic: a server, and timing).

This keeps the pages true to the program; whether the program is right is the
golden tests' question, whose expected files are worked out by hand.

Usage: docs_examples.py --source TREE --plugins DIR --captures DIR --profiles DIR --cli 4o6top
"""
import argparse
import difflib
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__))))
from tshark_env import TsharkEnv  # noqa: E402

INSTALLED = "/usr/share/4o6top/examples/"
NOT_RUN = ((" -I ", "captures from an interface"), ("-m elastic", "posts to Elasticsearch"))
TERMINAL_CODES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # colours (jq), clearing the screen (sum)
AT_LEAST = 30  # examples run; fewer means the pages or this parser changed


def blocks(text):
    """(line number, lines) of each ``` block, its indentation taken off."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)```", lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        body = []
        j = i + 1
        while j < len(lines) and not re.match(r"^\s*```\s*$", lines[j]):
            body.append(lines[j][indent:] if not lines[j][:indent].strip() else lines[j])
            j += 1
        yield i + 1, body
        i = j + 1


def examples(body):
    """(command, lines it prints) of each "$ " line of a block."""
    k = 0
    while k < len(body):
        if not body[k].startswith("$ "):
            k += 1
            continue
        command = body[k][2:]
        while command.endswith("\\") and k + 1 < len(body):
            k += 1
            command = command[:-1] + " " + body[k].strip()
        k += 1
        shown = []
        while k < len(body) and not body[k].startswith("$ "):
            shown.append(body[k])
            k += 1
        while shown and not shown[-1]:
            shown.pop()
        yield command, shown


def stage(args):
    env = TsharkEnv(args.plugins, [args.captures], args.profiles)
    examples_dir = os.path.join(env.dir, "examples")
    os.makedirs(examples_dir)
    shutil.copy(os.path.join(args.source, "tests", "captures", "sample.pcapng"), examples_dir)
    bin_dir = os.path.join(env.dir, "bin")
    os.makedirs(bin_dir)
    shutil.copy(args.cli, os.path.join(bin_dir, "4o6top"))
    for path in (examples_dir, bin_dir):
        os.chmod(path, 0o755)
    os.chmod(os.path.join(examples_dir, "sample.pcapng"), 0o644)
    os.chmod(os.path.join(bin_dir, "4o6top"), 0o755)
    return env, examples_dir + "/", bin_dir


def run_page(env, page, examples_dir, bin_dir, problems, skipped):
    work = os.path.join(env.dir, "work-" + os.path.basename(page))
    os.makedirs(work)
    os.chmod(work, 0o777)
    os.symlink(env.captures, os.path.join(work, "captures"))
    ran = 0
    for line, body in blocks(open(page, encoding="utf-8").read()):
        for command, shown in examples(body):
            why = [w for needle, w in NOT_RUN if needle in command]
            if why:
                skipped.append("%s:%d (%s): %s" % (page, line, why[0], command))
                continue
            # SHELL: script(1) of util-linux 2.42 falls back to the user's login shell, which
            # for nobody is nologin (or, in a minimal root, missing).
            argv, e = env.command(["-qec", command.replace(INSTALLED, examples_dir), "/dev/null"],
                                  env={"PATH": bin_dir + ":/usr/bin:/bin", "SHELL": "/bin/sh"},
                                  program="/usr/bin/script")
            r = subprocess.run(argv, env=e, cwd=work, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=120)
            text = TERMINAL_CODES.sub("", r.stdout.decode("utf-8", "replace")).replace("\r", "")
            printed = text.replace(examples_dir, INSTALLED).rstrip("\n").split("\n")
            if printed == [""]:
                printed = []
            ran += 1
            if printed != shown:
                diff = "\n".join(difflib.unified_diff(shown, printed, "page", "printed", lineterm="", n=1))
                problems.append("%s:%d: $ %s\n%s" % (page, line, command, diff))
    return ran


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", required=True)
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("--cli", required=True)
    args = ap.parse_args()
    pages = [os.path.join(args.source, "README.md")] + sorted(glob.glob(os.path.join(args.source, "docs", "*.md")))
    env, examples_dir, bin_dir = stage(args)
    problems, skipped = [], []
    try:
        ran = sum(run_page(env, page, examples_dir, bin_dir, problems, skipped) for page in pages)
    finally:
        env.close()
    for s in skipped:
        print("not run: " + s)
    if ran < AT_LEAST:
        problems.append("only %d examples found (at least %d expected)" % (ran, AT_LEAST))
    print("\n\n".join(problems) or "docs examples: %d run, each printed what its page shows" % ran)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
