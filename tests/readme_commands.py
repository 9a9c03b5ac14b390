#!/usr/bin/python3
"""The README's two commands stay true: CI runs both verbatim, the setup
command first, and the setup command names files that exist."""
import os
import re
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
readme = open(os.path.join(top, "README.md")).read()
ci = open(os.path.join(top, ".ci", "run")).read()
setup = re.search(r"\*\*Set up[^\n]*\n\n    (.+)\n", readme)
test = re.search(r"\*\*Run all tests[^\n]*\n\n    (.+)\n", readme)
problems = []
if not setup or not test:
    sys.exit("README: the two commands are not where expected (indented lines after the bold lines)")
ci_lines = ci.splitlines()
for what, command in (("setup", setup.group(1)), ("test", test.group(1))):
    if command not in ci_lines:
        problems.append(".ci/run does not run the README's %s command: %s" % (what, command))
if not problems and ci_lines.index(setup.group(1)) > ci_lines.index(test.group(1)):
    problems.append(".ci/run runs the README's test command before its setup command")
for path in re.findall(r"(?:bash |-r )(\S+)", setup.group(1)):
    if not os.path.exists(os.path.join(top, path)):
        problems.append("the setup command names a missing file: " + path)
if readme.index(test.group(0)) > 2500:
    problems.append("the commands are not on the README's first screen")
print("\n".join(problems) or "README commands: ok")
sys.exit(1 if problems else 0)
