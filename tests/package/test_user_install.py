#!/usr/bin/env python3
"""package/user-install: the per-user install recipe of packaging/README.md,
run as nobody with a temporary HOME.

The recipe (the sh block after the `test: user-install` marker) runs from a
staged copy of the tree that holds the built plugin and the profile. Then, as
nobody and with WIRESHARK_PLUGIN_DIR at an empty folder (so that a copy
installed system-wide cannot stand in for it), tshark must report the recipe's
folder as its Personal Plugins folder, list 4o6top.so there, print the README
sample's total line, and use the copied lean profile with -C 4o6top.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def recipe(readme):
    with open(readme, encoding="utf-8") as f:
        m = re.search(r"<!-- test: user-install[^>]*-->\s*```sh\n(.*?)```", f.read(), re.S)
    return m.group(1) if m else None


def run(c, args):
    script = recipe(os.path.join(args.source, "packaging", "README.md"))
    c.ok(script is not None, "packaging/README.md has the user-install recipe")
    built = glob.glob(os.path.join(args.plugins, "*", "epan", "4o6top.so"))
    c.ok(len(built) == 1, "the build has one plugins/ABI/epan/4o6top.so", built)
    abi = os.path.basename(os.path.dirname(os.path.dirname(built[0])))

    # An empty global plugin folder (WIRESHARK_PLUGIN_DIR): tshark_env copies it.
    empty = tempfile.mkdtemp(prefix="4o6top-empty-")
    try:
        env = common.TsharkEnv(empty, [os.path.join(args.source, "tests", "captures", "sample.pcapng")])
    finally:
        os.rmdir(empty)
    try:
        # The tree as the recipe expects it: build/plugins/ABI/epan/4o6top.so, packaging/profiles/.
        tree = os.path.join(env.dir, "tree")
        os.makedirs(os.path.join(tree, "build", "plugins", abi, "epan"))
        shutil.copy(built[0], os.path.join(tree, "build", "plugins", abi, "epan"))
        shutil.copytree(os.path.join(args.source, "packaging", "profiles"), os.path.join(tree, "packaging", "profiles"))
        common.world_readable(tree)
        os.chmod(env.home, 0o777)

        personal = common.folders(env).get("Personal Plugins")
        expected = os.path.join(env.home, ".local", "lib", "wireshark", "plugins", abi)
        c.ok(personal == expected, "tshark's Personal Plugins folder is ~/.local/lib/wireshark/plugins/%s" % abi,
             personal)

        sh_env = {"PATH": "/usr/bin:/bin", "HOME": env.home, "LC_ALL": "C.UTF-8"}
        r = subprocess.run(common.as_user(["sh", "-ec", script]), cwd=tree, env=sh_env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
        out, err = common.text(r)
        c.ok(r.returncode == 0, "the recipe runs as nobody", out + err)

        # Personal plugins only: the global plugin folder is the empty staged one.
        common.check_loaded(c, env, os.path.join(expected, "epan", "4o6top.so"), args.version)
        common.check_sample_sum(c, env, args.version, what="sum")
        common.check_sample_sum(c, env, args.version, ["-C", "4o6top"], what="sum -C 4o6top")
        common.check_profile_in_effect(c, env, what="copied profile")
    finally:
        env.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--plugins", required=True, help="the build's plugins folder (ABI/epan/4o6top.so)")
    p.add_argument("--source", required=True, help="the source tree")
    p.add_argument("--version", required=True, help="the project version")
    args = p.parse_args()
    missing = common.missing_tools({"tshark": "tshark", "setpriv": "util-linux"})
    if missing:
        common.skip("package/user-install needs " + ", ".join(missing))
    return common.Checks("package/user-install").main(lambda c: run(c, args))


if __name__ == "__main__":
    sys.exit(main())
