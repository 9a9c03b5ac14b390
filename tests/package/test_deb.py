#!/usr/bin/env python3
"""package/deb: build the Debian package from a copy of the source tree and
check it without installing it.

1. Copy the tree (without build folders and VCS data) to a temporary folder,
   copy packaging/debian to ./debian there, run `dpkg-buildpackage -us -uc -b`.
2. `dpkg-deb -c`: exactly the plugin (in the folder this system's tshark reads
   global plugins from), the lean profile in the global profiles folder, the
   man pages, the command, the index template, the example capture and the docs.
3. `dpkg-deb -f`: name, version (the project's), architecture, the range of
   the plugin ABI on this system's libwireshark package (libwireshark16 for
   4.0, 18 for 4.4, 19 for 4.6: named after the library's soname), Enhances.
4. `dpkg-deb -x` into a scratch root; tshark as nobody with
   WIRESHARK_PLUGIN_DIR at the extracted plugins folder: -G plugins lists it,
   -z 4o6top,sum on the packaged example capture prints its total line; with
   WIRESHARK_DATA_DIR at a copy of the global data folder that holds the
   extracted profile, -C 4o6top copies that profile to the user's profiles and
   switches the TCP dissector off, with the same sum output.
5. The extracted man page renders without warnings and names every mode,
   option and field the plugin has; apt-get's simulation can install the
   package here; lintian (when installed) finds no error or warning.

Nothing is installed on the system. Exit 77 (skipped) when the Debian
packaging tools are missing.
"""
import argparse
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PACKAGE = "4o6top"
TOOLS = {"dpkg-buildpackage": "dpkg-dev", "dpkg-deb": "dpkg", "dpkg-architecture": "dpkg-dev",
         "dh": "debhelper", "man": "man-db", "tshark": "tshark", "setpriv": "util-linux"}
# Top-level names left out of the copy, and names left out anywhere.
SKIP_TOP = re.compile(r"^(build|build-.*|obj-.*|debian|\.git|.*\.deb)$")
SKIP_ANY = {"__pycache__", ".pytest_cache"}


def copy_tree(source, dest):
    def ignore(folder, names):
        top = os.path.abspath(folder) == os.path.abspath(source)
        return [n for n in names if n in SKIP_ANY or (top and SKIP_TOP.match(n))]
    shutil.copytree(source, dest, ignore=ignore, symlinks=True)
    shutil.copytree(os.path.join(dest, "packaging", "debian"), os.path.join(dest, "debian"))


def query(*argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True,
                          timeout=120).stdout.decode().strip()


def build(c, src, work):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "LC_ALL": "C.UTF-8",
           "DEB_BUILD_OPTIONS": "parallel=%d" % (os.cpu_count() or 1)}
    log = os.path.join(work, "dpkg-buildpackage.log")
    start = time.time()
    with open(log, "wb") as f:
        r = subprocess.run(["dpkg-buildpackage", "-us", "-uc", "-b"], cwd=src, env=env, stdout=f,
                           stderr=subprocess.STDOUT, timeout=900)
    with open(log, encoding="utf-8", errors="replace") as f:
        tail = "".join(f.readlines()[-60:])
    c.ok(r.returncode == 0, "dpkg-buildpackage -us -uc -b (%.0f s)" % (time.time() - start), tail)


def contents(deb):
    """Files (not folders) of a .deb, as paths without the leading './'."""
    out = query("dpkg-deb", "-c", deb)
    files = []
    for line in out.splitlines():
        cols = line.split(None, 5)
        if len(cols) == 6 and not cols[0].startswith("d"):
            files.append(cols[5].split(" -> ")[0].lstrip("./"))
    return sorted(files)


def check_contents(c, deb, source, plugin_dir, data_dir):
    files = contents(deb)
    seen = "\n".join(files)
    plugin = plugin_dir.lstrip("/") + "/epan/4o6top.so"
    profile = sorted(data_dir.lstrip("/") + "/profiles/%s/%s" % (name, n) for name in ("4o6top", "4o6top-fast")
                     for n in os.listdir(os.path.join(source, "packaging", "profiles", name)))
    man = "usr/share/man/man7/4o6top.7.gz"
    doc = "usr/share/doc/%s/" % PACKAGE
    c.ok(plugin in files, "the plugin is at /%s" % plugin, seen)
    c.ok(all(p in files for p in profile), "the profiles are in /%s/profiles/4o6top{,-fast}/" % data_dir.lstrip("/"),
         seen)
    c.ok(man in files, "the man page is /%s" % man, seen)
    for name in ("copyright", "changelog.gz", "README.md", "docs/semantics.md", "docs/gui-top.png"):
        c.ok(doc + name in files or doc + name + ".gz" in files, "the docs have %s" % name, seen)
    command = ["usr/bin/4o6top", "usr/share/man/man1/4o6top.1.gz",
               "usr/share/4o6top/elasticsearch/4o6top-template.json", "usr/share/4o6top/examples/sample.pcapng"]
    for f in command:
        c.ok(f in files, "the package has /%s" % f, seen)
    expected = {plugin, man, *profile, *command}
    extra = [f for f in files if f not in expected and not f.startswith(doc)]
    c.ok(not extra, "nothing else is in the package", extra)


def dpkg_lt(a, b):
    return subprocess.run(["dpkg", "--compare-versions", a, "lt", b]).returncode == 0


def wireshark_library(multiarch):
    """The Debian package name of the libwireshark this system has: by
    Debian's library naming, libwireshark plus its soname's number."""
    real = os.path.basename(os.path.realpath("/usr/lib/%s/libwireshark.so" % multiarch))
    m = re.match(r"libwireshark\.so\.(\d+)", real)
    return "libwireshark" + m.group(1) if m else "libwireshark.so? (%s)" % real


def pcap_package(multiarch):
    """The Debian package of the libpcap the command is built against (libpcap-dev's link)."""
    real = os.path.realpath("/usr/lib/%s/libpcap.so" % multiarch)
    return query("dpkg", "-S", real).split(":", 1)[0]


def check_pcap(c, deb, package):
    """The command reads captures with libpcap: the package depends on the one it was built against."""
    depends = query("dpkg-deb", "-f", deb, "Depends")
    c.ok(re.search(r"(^|, )%s \(>= [^)]+\)" % re.escape(package), depends) is not None,
         "Depends: %s (>= ...), the libpcap the command links" % package, depends)


def check_fields(c, deb, version, abi, library):
    fields = {}
    for name in ("Package", "Version", "Architecture", "Depends", "Enhances"):
        fields[name] = query("dpkg-deb", "-f", deb, name)
    seen = "\n".join("%s: %s" % kv for kv in fields.items())
    c.ok(fields["Package"] == PACKAGE and fields["Version"] == version,
         "Package %s, Version %s (the project's)" % (PACKAGE, version), seen)
    c.ok(fields["Architecture"] == query("dpkg-architecture", "-qDEB_HOST_ARCH"), "Architecture is the host's", seen)
    major, minor = abi.split(".")
    upper = "%s.%d" % (major, int(minor) + 1)
    bounds = re.findall(re.escape(library) + r" \(([<>=]+) ([^)]+)\)", fields["Depends"])
    lower = [v for op, v in bounds if op == ">="]
    c.ok(("<<", upper) in bounds, "Depends: %s (<< %s)" % (library, upper), seen)
    c.ok(lower and all(not dpkg_lt(v, abi) and dpkg_lt(v, upper) for v in lower),
         "Depends: %s (>= %s...), within the %s ABI" % (library, abi, abi), seen)
    enhances = {e.strip() for e in fields["Enhances"].split(",")}
    c.ok({"tshark", "wireshark"} <= enhances, "Enhances: tshark, wireshark", seen)


def data_farm(env, extracted_profiles):
    """A Wireshark data folder: the system's without 4o6top's profiles, with the extracted lean profile."""
    farm = common.make_data_dir(os.path.join(env.dir, "deb-data"))
    os.symlink(os.path.join(extracted_profiles, "4o6top"), os.path.join(farm, "profiles", "4o6top"))
    common.world_readable(farm)
    return farm


def check_runtime(c, args, root, plugin_dir, data_dir):
    # plugin_dir is .../plugins/ABI; WIRESHARK_PLUGIN_DIR names .../plugins.
    versioned = os.path.join(root, plugin_dir.lstrip("/"))
    plugins = os.path.dirname(versioned)
    # The sample the package ships, as an installed user runs the examples on it.
    env = common.TsharkEnv(plugins, [os.path.join(root, "usr", "share", "4o6top", "examples", "sample.pcapng")])
    try:
        ours = {"WIRESHARK_PLUGIN_DIR": plugins}
        common.check_loaded(c, env, os.path.join(versioned, "epan", "4o6top.so"), args.version, ours)
        plain = common.check_sample_sum(c, env, args.version, extra_env=ours, what="sum")

        profiles = os.path.join(root, data_dir.lstrip("/"), "profiles")
        farm = data_farm(env, profiles)
        both = dict(ours, WIRESHARK_DATA_DIR=farm)
        c.ok(common.folders(env, both).get("Global configuration") == farm,
             "WIRESHARK_DATA_DIR makes tshark read global profiles from the extracted package")
        lean = common.check_sample_sum(c, env, args.version, ["-C", "4o6top"], both, what="sum -C 4o6top")
        c.ok(lean == plain, "sum: the same output with and without the lean profile", lean)
        copied = os.path.join(env.home, ".config", "wireshark", "profiles", "4o6top")
        src = os.path.join(profiles, "4o6top")
        same = os.path.isdir(copied) and sorted(os.listdir(copied)) == sorted(os.listdir(src)) and all(
            open(os.path.join(copied, n), "rb").read() == open(os.path.join(src, n), "rb").read()
            for n in os.listdir(src))
        c.ok(same, "tshark -C 4o6top copied the package's global profile to the user's profiles")
        common.check_profile_in_effect(c, env, both, what="packaged profile")

        man = os.path.join(root, "usr", "share", "man", "man7", "4o6top.7.gz")
        with gzip.open(man, "rb") as f, open(os.path.join(args.source, "packaging", "man", "4o6top.7"), "rb") as g:
            c.ok(f.read() == g.read(), "the packaged man page is packaging/man/4o6top.7")
        common.check_man(c, env, man, ours)
        rc, page, err = common.render_man(man)
        c.ok("4o6top %s" % args.version in page.strip().splitlines()[-1],
             "the man page's footer names version %s" % args.version, page.strip().splitlines()[-1])
    finally:
        env.close()


def check_installable(c, deb):
    """apt-get's simulation: the dependencies can be met here (nothing is installed)."""
    if not shutil.which("apt-get"):
        print("note: apt-get is not here: the install simulation is not run", flush=True)
        return
    r = subprocess.run(["apt-get", "-s", "-q", "install", deb], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=300, env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8"})
    out = r.stdout.decode("utf-8", "replace")
    c.ok(r.returncode == 0 and re.search(r"^Inst %s " % PACKAGE, out, re.M) is not None,
         "apt-get -s install ./%s: installable here (simulated)" % os.path.basename(deb), out)


def check_lintian(c, work):
    if not shutil.which("lintian"):
        print("note: lintian is not installed (Debian package lintian): not run", flush=True)
        return
    changes = [f for f in os.listdir(work) if f.endswith(".changes")]
    r = subprocess.run(["lintian", "--fail-on", "error,warning", "--tag-display-limit", "0", "-I"] +
                       [os.path.join(work, f) for f in changes],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    out = r.stdout.decode("utf-8", "replace")
    print(out, end="", flush=True)
    c.ok(r.returncode == 0, "lintian: no error or warning", out)


def run(c, args):
    work = tempfile.mkdtemp(prefix="4o6top-deb-")
    os.chmod(work, 0o755)
    try:
        src = os.path.join(work, "4o6top-%s" % args.version)
        copy_tree(args.source, src)
        build(c, src, work)
        arch = query("dpkg-architecture", "-qDEB_HOST_ARCH")
        deb = os.path.join(work, "%s_%s_%s.deb" % (PACKAGE, args.version, arch))
        c.ok(os.path.isfile(deb), "built %s" % os.path.basename(deb), "\n".join(os.listdir(work)))

        # Where this system's tshark looks (as nobody, without WIRESHARK_PLUGIN_DIR).
        home = os.path.join(work, "home")
        os.makedirs(home)
        common.world_readable(home)
        f = common.system_folders(home)
        plugin_dir, data_dir = f.get("Global Plugins", ""), f.get("Global configuration", "")
        multiarch = query("dpkg-architecture", "-qDEB_HOST_MULTIARCH")
        abi = os.path.basename(plugin_dir)
        c.ok(re.fullmatch(r"\d+\.\d+", abi) is not None and
             plugin_dir == "/usr/lib/%s/wireshark/plugins/%s" % (multiarch, abi),
             "tshark's global plugin folder is /usr/lib/%s/wireshark/plugins/ABI" % multiarch, repr(f))

        check_contents(c, deb, args.source, plugin_dir, data_dir)
        check_fields(c, deb, args.version, abi, wireshark_library(multiarch))
        check_pcap(c, deb, pcap_package(multiarch))
        if args.keep_deb:
            os.makedirs(args.keep_deb, exist_ok=True)
            shutil.copy(deb, args.keep_deb)
        root = os.path.join(work, "root")
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True, timeout=120)
        common.world_readable(root)
        check_runtime(c, args, root, plugin_dir, data_dir)
        check_installable(c, deb)
        check_lintian(c, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", required=True, help="the source tree")
    p.add_argument("--version", required=True, help="the project version (CMake's PROJECT_VERSION)")
    p.add_argument("--keep-deb", help="copy the built package to this folder (for tests/versions)")
    args = p.parse_args()
    missing = common.missing_tools(TOOLS)
    if missing:
        common.skip("package/deb needs " + ", ".join(missing))
    return common.Checks("package/deb").main(lambda c: run(c, args))


if __name__ == "__main__":
    sys.exit(main())
