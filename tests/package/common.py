"""What the package tests share: running tshark and the shell as nobody (with
tests/tshark_env.py), reading `tshark -G ...`, and the checks that an
installed plugin and profile work."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv, make_data_dir  # noqa: E402

SKIP = 77  # ctest SKIP_RETURN_CODE

# The README's sample: its sum table ends at this time with 20 sessions (UTC).
SAMPLE_TOTAL = "2024/05/01 00:01:49  Total Sess:20"


class Failure(Exception):
    pass


class Checks:
    """Counts checks; a failed one raises Failure with what was seen."""

    def __init__(self, name):
        self.name = name
        self.passed = 0

    def ok(self, cond, what, seen=None):
        if not cond:
            msg = "FAIL: " + what
            if seen is not None:
                msg += "\n--- seen:\n" + (seen if isinstance(seen, str) else repr(seen))
            raise Failure(msg)
        self.passed += 1
        print("ok: " + what, flush=True)

    def main(self, fn):
        try:
            fn(self)
        except Failure as e:
            print(str(e), flush=True)
            print("%s: %d passed, 1 failed" % (self.name, self.passed), flush=True)
            return 1
        print("%s: %d passed, 0 failed" % (self.name, self.passed), flush=True)
        return 0


def skip(why):
    print("SKIPPED: " + why, flush=True)
    sys.exit(SKIP)


def missing_tools(tools):
    """tools: {program: debian package}; the ones not on PATH, as 'prog (package)'."""
    return ["%s (Debian package %s)" % (t, p) for t, p in tools.items() if not shutil.which(t)]


def as_user(argv):
    """argv run as nobody when we are root, as tshark_env does for tshark."""
    if os.geteuid() == 0:
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + list(argv)
    return list(argv)


def text(r):
    return r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def tshark(env, args, extra_env=None):
    r = env.run(args, env=extra_env)
    out, err = text(r)
    return r.returncode, out, err


def system_folders(home):
    """`tshark -G folders` as nobody with HOME=home, in Wireshark's own
    environment (no WIRESHARK_* variables): where it looks when installed."""
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "LC_ALL": "C.UTF-8"}
    r = subprocess.run(as_user(["tshark", "-G", "folders"]), env=env, cwd=home, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    return parse_folders(text(r)[0])


def parse_folders(out):
    result = {}
    for line in out.splitlines():
        if ":" in line:
            name, value = line.split(":", 1)
            result.setdefault(name.strip(), value.strip())
    return result


def folders(env, extra_env=None):
    """`tshark -G folders` as a dict (first value of each name)."""
    rc, out, err = tshark(env, ["-G", "folders"], extra_env)
    return parse_folders(out)


def plugin_rows(env, extra_env=None):
    """`tshark -G plugins` rows of 4o6top: (version, type, path)."""
    rc, out, err = tshark(env, ["-G", "plugins"], extra_env)
    rows = []
    for line in out.splitlines():
        cols = [c.strip() for c in line.split("\t")]
        if cols and cols[0] == "4o6top.so" and len(cols) >= 4:
            rows.append((cols[1], cols[2], cols[3]))
    return rows, out + err


def world_readable(top):
    """Let nobody read top and everything under it."""
    for root, dirs, files in os.walk(top):
        os.chmod(root, 0o755)
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                os.chmod(p, 0o644)


def check_loaded(c, env, expected_path, version, extra_env=None):
    rows, seen = plugin_rows(env, extra_env)
    c.ok(len(rows) == 1, "tshark -G plugins lists 4o6top.so once", seen)
    c.ok(os.path.realpath(rows[0][2]) == os.path.realpath(expected_path),
         "4o6top.so is loaded from %s" % expected_path, seen)
    c.ok(rows[0][0] == version, "the loaded plugin is version %s" % version, seen)


def check_sample_sum(c, env, version, extra_args=(), extra_env=None, what="sum"):
    """-z 4o6top,sum on the sample: the README's header and total line. Returns stdout."""
    rc, out, err = tshark(env, list(extra_args) + ["-r", env.capture("sample.pcapng"), "-q", "-z", "4o6top,sum"],
                          extra_env)
    seen = "rc=%d\n%s\n%s" % (rc, out, err)
    c.ok(rc == 0 and err == "", "%s: tshark exits 0 with nothing on stderr" % what, seen)
    lines = out.splitlines()
    c.ok(lines[:1] == ["4o6top ver: " + version], "%s: first line is '4o6top ver: %s'" % (what, version), seen)
    c.ok(SAMPLE_TOTAL in lines, "%s: the sample's total line '%s'" % (what, SAMPLE_TOTAL), seen)
    return out


def check_profile_in_effect(c, env, extra_env=None, what="profile"):
    """-C 4o6top switches the TCP dissector off: `-Y tcp` matches nothing with it,
    something without it."""
    args = ["-r", env.capture("sample.pcapng"), "-Y", "tcp", "-T", "fields", "-e", "frame.number"]
    rc, plain, err = tshark(env, args, extra_env)
    c.ok(rc == 0 and plain.strip() != "", "%s: without -C, -Y tcp matches packets" % what, plain + err)
    rc, lean, err = tshark(env, ["-C", "4o6top"] + args, extra_env)
    c.ok(rc == 0 and lean.strip() == "" and err == "",
         "%s: with -C 4o6top, -Y tcp matches nothing (TCP dissector off)" % what, "rc=%d\n%s%s" % (rc, lean, err))


def help_options(env, extra_env=None):
    """Option names from `-z 4o6top,help`, and the mode names."""
    rc, out, err = tshark(env, ["-z", "4o6top,help"], extra_env)
    modes_text, _, options_text = out.partition("Options")
    options = re.findall(r"^  ([a-z_]+)\s", options_text, re.M)
    modes_text = modes_text.split("Modes:", 1)[1] if "Modes:" in modes_text else ""
    modes = re.findall(r"^  ([a-z]+)\s", modes_text, re.M)
    return options, modes, out + err


def field_names(env, extra_env=None):
    """Display filter fields of the 4o6top protocol, from `tshark -G fields`."""
    rc, out, err = tshark(env, ["-G", "fields"], extra_env)
    names = []
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) >= 5 and cols[0] == "F" and cols[4] == "4o6top":
            names.append(cols[2])
    return names


# A tagged paragraph's indent in man's output: 7 columns with groff 1.22 and
# 1.23, 5 with sid's groff 1.24 (tests/versions).
TAG_INDENT = r" {5,7}"


def section(man_text, title):
    m = re.search(r"^%s\n(.*?)(?=^[A-Z][A-Z ]+\n|\Z)" % re.escape(title), man_text, re.M | re.S)
    return m.group(1) if m else ""


def render_man(path):
    """man -l with warnings at 80 columns: (rc, text, stderr)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", "MANWIDTH": "80",
           "MANPAGER": "cat", "PAGER": "cat", "HOME": os.path.dirname(path)}
    r = subprocess.run(["man", "--warnings", "-l", path], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    out, err = text(r)
    return r.returncode, out, err


def check_man(c, env, path, extra_env=None):
    """The page renders without warnings and names every mode, option and field."""
    rc, page, err = render_man(path)
    c.ok(rc == 0 and err == "", "man --warnings -l %s: no warnings" % os.path.basename(path), err)
    c.ok(page.startswith("4O6TOP(7)") and "\nSYNOPSIS\n" in page, "the man page has its title and SYNOPSIS",
         page[:400])
    options, modes, seen = help_options(env, extra_env)
    c.ok(len(options) >= 10 and len(modes) >= 3, "-z 4o6top,help lists modes and options", seen)
    opts = section(page, "OPTIONS")
    missing = [o for o in options if not re.search(r"^%s%s(=| |$)" % (TAG_INDENT, re.escape(o)), opts, re.M)]
    c.ok(not missing, "the man page's OPTIONS has every option of -z 4o6top,help", missing)
    mode_text = section(page, "MODES")
    missing = [m for m in modes if not re.search(r"^%s%s(\s|$)" % (TAG_INDENT, re.escape(m)), mode_text, re.M)]
    c.ok(not missing, "the man page's MODES has every mode of -z 4o6top,help", missing)
    fields = field_names(env, extra_env)
    c.ok(len(fields) >= 10, "tshark -G fields lists the 4o6top.* fields", fields)
    # Fields are tags; expert infos (also in -G fields) may be named in the text.
    field_text = section(page, "FIELDS")
    flat = " ".join(re.sub("\u2010\n\\s*", "", field_text).split())
    missing = [f for f in fields if not re.search(r"^%s%s$" % (TAG_INDENT, re.escape(f)), field_text, re.M)
               and not re.search(r"(^|[ (,])%s([ ),.]|$)" % re.escape(f), flat)]
    c.ok(not missing, "the man page's FIELDS has every 4o6top.* field", missing)
