#!/usr/bin/python3
"""Configure and build the plugin with AddressSanitizer and UBSan (FOT_SANITIZE=ON)
in its own build folder, with gcc: tshark is not instrumented, so the plugin is
loaded with gcc's libasan and libubsan preloaded (corrupt_captures.py does it),
and those must be the runtimes the plugin was built against.

Exit status 77 (skip) when gcc or its libasan/libubsan is missing.
Usage: build_asan_plugin.py --source SRC --build DIR [--cmake CMAKE] [--jobs N]
"""
import argparse
import os
import shutil
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from rob_common import SKIP, sanitizer_preload  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--cmake", default="cmake")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    gcc = shutil.which("gcc")
    if not gcc or not sanitizer_preload():
        print("SKIP: no gcc with libasan.so and libubsan.so (Debian: gcc, libasan8, libubsan1)")
        return SKIP
    configure = [a.cmake, "-S", a.source, "-B", a.build, "-DFOT_SANITIZE=ON", "-DCMAKE_BUILD_TYPE=Debug",
                 "-DCMAKE_C_COMPILER=" + gcc]
    build = [a.cmake, "--build", a.build, "--target", "4o6top", "-j", str(a.jobs)]
    for cmd in (configure, build):
        print("+ " + " ".join(cmd), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            print(p.stdout.decode("utf-8", "replace")[-6000:])
            return 1
    so = os.path.join(a.build, "plugins")
    print("sanitizer plugin tree: %s" % so)
    return 0


if __name__ == "__main__":
    sys.exit(main())
