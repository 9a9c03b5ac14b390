#!/usr/bin/python3
"""Tests of the 4o6top command (cli/), run as tests/tshark_env.py runs tshark.

  golden NAME...  CLILIST cases: the command against the tshark -z it stands for,
                  with its own reader (--engine native) or -engine tshark
  bad             BADFLAGS: one line, exit 2, and tshark never needed
  setup           a missing tshark, plugin or profile said in one line (-engine
                  tshark); the native reader needs none of them; -help lists
                  every option of -z 4o6top,help and both differences; a -r
                  name with a comma reaches sum's Option line
  sigint          SIGINT to the command mid-pipe (--engine native or tshark):
                  the reading ends, the final rows are printed, exit 0
  progress        a big capture read with stderr on a terminal shows its progress
                  there, and only then
  changing        a capture cut or grown while the command reads it: read as a
                  capture cut there, or to its new end
  errors          a directory, an empty file, a text file, a cut capture, a
                  missing file: one line naming it, exit 1 (--engine native or
                  tshark); a bad -f: exit 2
"""
import argparse
import difflib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tshark_env import TsharkEnv, make_data_dir  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILE = "4o6top-fast"  # the command's profile: FOT_CLI_PROFILE in cli/tshark_run.h


def read_list(name):
    """CLILIST lines as shell words; BADFLAGS lines as shell words, "=>", and the message as written."""
    cases = []
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            if name == "BADFLAGS" and "=>" in line and not line.startswith("#"):
                flags, message = line.split("=>", 1)
                cases.append(shlex.split(flags) + ["=>", message.strip()])
                continue
            words = shlex.split(line, comments=True)
            if words:
                cases.append(words)
    return cases


def diff(what, want, got):
    return "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "tshark " + what,
                                        "4o6top " + what))


class Runner:
    def __init__(self, a):
        self.env = TsharkEnv(a.plugins, a.captures, a.profiles)
        self.cli = self.env.stage(a.cli)

    def popen(self, program, args, stdin, extra_env=None):
        argv, e = self.env.command(args, extra_env, program)
        # Found in the system's PATH, whatever PATH the case gives the command.
        return subprocess.Popen(argv, executable=shutil.which(argv[0], path="/usr/bin:/bin") or argv[0], env=e,
                                cwd=self.env.dir, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def run(self, program, args, how, capture, extra_env=None):
        """Runs program with the capture given as `how` says; (rc, stdout, stderr)."""
        path = self.env.capture(capture)
        feeder = None
        stdin = subprocess.DEVNULL
        if how == "stdin":
            stdin = open(path, "rb")
        elif how == "tcpdump":
            feeder = subprocess.Popen(["tcpdump", "-r", path, "-l", "-w", "-", "ip6"], stdout=subprocess.PIPE,
                                      stderr=subprocess.DEVNULL)
            stdin = feeder.stdout
        p = self.popen(program, args, stdin, extra_env)
        if how != "file":
            stdin.close()
        out, err = p.communicate(timeout=300)
        if feeder:
            feeder.wait()
        return p.returncode, out.decode(), err.decode("utf-8", "backslashreplace").replace(self.env.dir + "/captures/", "")

    def golden(self, words, engine):
        name, capture, how, *rest = words
        sep = rest.index("=>")
        flags = [w.replace("@CAPTURE@", self.env.capture(capture)) for w in rest[:sep]]
        tshark_args = rest[sep + 1:]
        want_rc = None
        if tshark_args and tshark_args[0].startswith("rc="):
            want_rc = int(tshark_args.pop(0)[3:])
        source = self.env.capture(capture) if how == "file" else "-"
        if "/nonexistent.pcap" in flags:
            source = "/nonexistent.pcap"
        want = self.run("tshark", ["-r", source, "-q", "-C", PROFILE] + tshark_args, how, capture)
        if want_rc is not None:
            want = (want_rc,) + want[1:]
        if engine == "tshark":
            flags = ["-engine", "tshark"] + flags
        elif "-filter" in flags:
            # The native reader hands a display filter to tshark, and says so.
            named = capture if how == "file" else "standard input"
            want = want[:2] + ("4o6top: %s read by tshark: -filter is a Wireshark display filter\n" % named
                               + want[2],)
        got = self.run(self.cli, flags, how, capture)
        problems = []
        if got[0] != want[0]:
            problems.append("exit status %d, expected %d" % (got[0], want[0]))
        for i, what in ((1, "stdout"), (2, "stderr")):
            if got[i] != want[i]:
                problems.append(diff(what, want[i], got[i]))
        if not want[1] and not want[2]:
            problems.append("tshark printed nothing: the case checks nothing")
        return problems

    def bad(self, words):
        sep = words.index("=>")
        flags, message = words[:sep], " ".join(words[sep + 1:])
        # No tshark in PATH: a message about flags proves they were checked first.
        rc, out, err = self.run(self.cli, flags, "file", "sample.pcapng", {"PATH": "/nonexistent"})
        problems = []
        if rc != 2:
            problems.append("exit status %d, expected 2" % rc)
        if out:
            problems.append("stdout not empty: " + out)
        if err != message + "\n":
            problems.append("stderr:\n  got:  %s  want: %s" % (err, message))
        return problems


def check_setup(r):
    problems = []
    sample = r.env.capture("sample.pcapng")
    tshark = ["-engine", "tshark"]
    rc, out, err = r.run(r.cli, tshark + ["-r", sample], "file", "sample.pcapng", {"PATH": "/nonexistent"})
    want = "4o6top: tshark not found in PATH: install it (Debian, Ubuntu: apt install tshark)\n"
    if rc != 127 or err != want or out:
        problems.append("no tshark: rc=%d out=%r err=%r" % (rc, out, err))

    # The native reader needs neither tshark, nor the plugin, nor the profile.
    _, want_out, want_err = r.run("tshark", ["-r", sample, "-q", "-C", PROFILE, "-z", "4o6top,sum,layout=original"],
                                  "file", "sample.pcapng")
    empty_home = os.path.join(r.env.dir, "native-home")
    os.makedirs(empty_home, exist_ok=True)
    os.chmod(empty_home, 0o777)
    rc, out, err = r.run(r.cli, ["-r", sample], "file", "sample.pcapng",
                         {"PATH": "/nonexistent", "WIRESHARK_PLUGIN_DIR": "/nonexistent", "HOME": empty_home})
    if rc != 0 or err != want_err or out != want_out:
        problems.append("native without tshark, plugin or profile: rc=%d err=%r, stdout %s tshark's"
                        % (rc, err, "is" if out == want_out else "is not"))

    rc, out, err = r.run(r.cli, ["-r", "/nonexistent.pcap"], "file", "sample.pcapng")
    if rc != 1 or out or err != "4o6top: cannot read /nonexistent.pcap: No such file or directory\n":
        problems.append("missing capture: rc=%d out=%r err=%r" % (rc, out, err))

    empty = os.path.join(r.env.dir, "no-plugins")
    os.makedirs(empty, mode=0o777, exist_ok=True)
    os.chmod(empty, 0o777)
    rc, out, err = r.run(r.cli, tshark + ["-r", sample], "file", "sample.pcapng", {"WIRESHARK_PLUGIN_DIR": empty})
    want = ("4o6top: tshark did not load the 4o6top plugin: install the 4o6top package (or build it and run "
            "cmake --install); tshark -G plugins lists what tshark loads\n")
    lines = [line for line in err.splitlines(True) if not line.startswith("Running as user")]
    if rc != 1 or "".join(lines) != want or out:
        problems.append("no plugin: rc=%d out=%r err=%r" % (rc, out, err))

    bare_home = os.path.join(r.env.dir, "bare-home")
    os.makedirs(bare_home, exist_ok=True)
    os.chmod(bare_home, 0o777)
    rc, out, err = r.run(r.cli, tshark + ["-r", sample, "-m", "stat"], "file", "sample.pcapng", {"HOME": bare_home})
    want_rc, want_out, _ = r.run("tshark", ["-r", sample, "-q", "-z", "4o6top,stat,layout=original"], "file",
                                 "sample.pcapng", {"HOME": bare_home})
    want = ('4o6top: the configuration profile "%s" is not installed (the 4o6top package has it); running with '
            "Wireshark's defaults, slower\n" % PROFILE)
    if rc != 0 or err != want or out != want_out:
        problems.append("no profile: rc=%d err=%r, stdout %s tshark's" % (rc, err, "is" if out == want_out else "is not"))
    problems += check_global_profile(r, sample)

    rc, out, err = r.run(r.cli, ["-help"], "file", "sample.pcapng")
    _, zhelp, _ = r.run("tshark", ["-z", "4o6top,help"], "file", "sample.pcapng")
    options = re.findall(r"^  ([a-z_]+)\s", zhelp.partition("Options")[2], re.M)
    flags = set(re.findall(r"^  (-[A-Za-z_]+)", out, re.M))
    original = ["-m", "-r", "-s", "-h", "-i", "-d", "-n", "-Tt", "-Ttr", "-Tu", "-Tud", "-Ti", "-E"]
    missing = [f for f in original if f not in flags]
    # Each plugin option is a flag, by its original spelling or by its name (output and file are the
    # command's own: -m elastic's documents, -r's name).
    named = {"interval": "-i", "height": "-h", "src": "-s", "delimiter": "-d", "noheader": "-n",
             "tcp_timeout": "-Tt", "tcp_close_timeout": "-Ttr", "udp_timeout": "-Tu", "dns_timeout": "-Tud",
             "icmp_timeout": "-Ti", "filter": "-filter"}
    missing += [o for o in options if o not in ("output", "file") and named.get(o, "-" + o) not in flags]
    if rc != 0 or err or missing or len(options) < 20:
        problems.append("-help: rc=%d err=%r missing=%s options=%d" % (rc, err, missing, len(options)))
    for line in ("Both directions are always one session", "Sessions age by capture time"):
        if line not in out:
            problems.append("-help does not say: " + line)
    page = subprocess.run(["man", "--warnings", "-l", os.path.join(HERE, "..", "..", "packaging", "man", "4o6top.1")],
                          env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
                          capture_output=True, text=True)
    man_flags = page.stdout.partition("\nFLAGS\n")[2].partition("\nEXIT STATUS\n")[0]
    # A tag's indent: 7 columns with groff 1.22/1.23, 5 with sid's groff 1.24 (tests/versions).
    missing = [f for f in sorted(flags) if not re.search(r"^ {5,7}%s( |$)" % re.escape(f), man_flags, re.M)]
    if page.returncode or page.stderr or missing:
        problems.append("man page 4o6top.1: rc=%d warnings=%r flags not under FLAGS: %s"
                        % (page.returncode, page.stderr, missing))
    modes = re.findall(r"^      ([a-z]+) ", out, re.M)
    if modes != ["sum", "stat", "log", "ce", "sess", "elastic"]:
        problems.append("-help modes: %s" % modes)
    return problems + check_file_name(r)


def check_file_name(r):
    """-r FILE with a comma and a percent sign in its name (file= carries them as %2C, %25):
    sum's Option line names it as tshark names its own -r."""
    odd = r.env.capture("odd,name%2C.pcapng")
    shutil.copy(r.env.capture("dslite.pcapng"), odd)
    os.chmod(odd, 0o644)
    want = r.run("tshark", ["-r", odd, "-q", "-C", PROFILE, "-z", "4o6top,sum,layout=original"], "file", odd)
    got = r.run(r.cli, ["-r", odd], "file", odd)
    if got != want or " Option file:%s interval:" % odd not in want[1]:
        return ["-r with a comma in the name:\n" + diff("stdout", want[1], got[1])]
    return []


def check_global_profile(r, sample):
    """The profile in the global folder that WIRESHARK_DATA_DIR names, none in the user's: the
    command finds it where tshark does, says nothing, and prints what tshark -C prints."""
    data = os.path.join(r.env.dir, "data-with-profile")
    make_data_dir(data)
    os.symlink(os.path.join(HERE, "..", "..", "packaging", "profiles", PROFILE), os.path.join(data, "profiles", PROFILE))
    homes = [os.path.join(r.env.dir, name) for name in ("global-home-cli", "global-home-tshark")]
    for d in [data, os.path.join(data, "profiles")] + homes:
        os.makedirs(d, exist_ok=True)
        os.chmod(d, 0o777)
    rc, out, err = r.run(r.cli, ["-engine", "tshark", "-r", sample, "-m", "stat"], "file", "sample.pcapng",
                         {"HOME": homes[0], "WIRESHARK_DATA_DIR": data})
    want_rc, want_out, _ = r.run("tshark", ["-r", sample, "-q", "-C", PROFILE, "-z", "4o6top,stat,layout=original"], "file",
                                 "sample.pcapng", {"HOME": homes[1], "WIRESHARK_DATA_DIR": data})
    copied = os.path.isdir(os.path.join(homes[0], ".config", "wireshark", "profiles", PROFILE))
    if rc != 0 or err or want_rc != 0 or out != want_out or not want_out or not copied:
        return ["global profile: rc=%d err=%r, stdout %s tshark -C's (rc %d); tshark %s it to the user's profiles"
                % (rc, err, "is" if out == want_out else "is not", want_rc, "copied" if copied else "did not copy")]
    return []


def write_readable(path, data):
    """Writes a capture the command, run as nobody, can read."""
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o644)


def check_errors(r, engine):
    """Captures that cannot be read, or not to their end: one line naming the
    capture, exit 1; a cut capture still prints what was read (tshark's stdout
    on the same bytes). A bad -f is a bad flag value: exit 2."""
    problems = []
    d = os.path.join(r.env.dir, "bad-captures")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o777)
    sample = open(r.env.capture("dslite.pcapng"), "rb").read()
    files = {"empty.pcap": b"", "notes.txt": b"not a capture, just text\n", "cut.pcapng": sample[:3000],
             "header-cut.pcap": b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00"}
    for name, data in files.items():
        write_readable(os.path.join(d, name), data)
    path = lambda name: os.path.join(d, name)
    _, cut_out, _ = r.run("tshark", ["-r", path("cut.pcapng"), "-q", "-C", PROFILE, "-z", "4o6top,log,layout=original"],
                          "file", "dslite.pcapng")
    # Neither pcap nor pcapng: the command hands the text file to tshark through a pipe and
    # says again what tshark concludes. 4.0 and 4.4 find no format in it; 4.6 takes its 25
    # bytes for a record of some other format, cut short.
    with open(path("notes.txt"), "rb") as f:
        p = r.popen("tshark", ["-r", "-", "-q"], subprocess.PIPE)
        _, tshark_err = p.communicate(f.read(), timeout=60)
    notes_err = ("4o6top: NAME: cut short in the middle of a packet\n" if b"cut short" in tshark_err else
                 "4o6top: NAME: not a capture file (neither pcap nor pcapng, nor a format tshark reads)\n")
    cases = [  # flags, exit status, stderr (NAME: the capture as given), stdout
        (["-r", d], 1, "4o6top: NAME: a directory, not a capture file\n", ""),
        (["-r", path("empty.pcap")], 1, "4o6top: NAME: empty, not a capture file\n", ""),
        (["-r", path("notes.txt")], 1, notes_err, ""),
        (["-r", path("header-cut.pcap")], 1, "4o6top: NAME: cut short in its header\n", ""),
        (["-r", path("cut.pcapng"), "-m", "log"], 1, "4o6top: NAME: cut short in the middle of a packet\n", cut_out),
        (["-r", path("nowhere.pcap")], 1, "4o6top: cannot read NAME: No such file or directory\n", ""),
    ]
    if engine == "native":
        cases.append((["-r", r.env.capture("dslite.pcapng"), "-f", "ip6 and"], 2, None, ""))
    for flags, want_rc, want_err, want_out in cases:
        rc, out, err = r.run(r.cli, ["-engine", engine] + flags if engine == "tshark" else flags, "file",
                             "dslite.pcapng")
        if want_err is None:  # libpcap's own words follow
            ok = err.startswith('4o6top: invalid value "ip6 and" for flag -f: ') and err.count("\n") == 1
        else:
            ok = err == want_err.replace("NAME", flags[1])
        if rc != want_rc or not ok or out != want_out:
            problems.append("%s: rc=%d (want %d) err=%r out %s" % (" ".join(flags), rc, want_rc, err,
                                                                   "as expected" if out == want_out else "differs"))
    if not cut_out.count("\n") > 1:
        problems.append("the cut capture's log has no row: the case checks nothing")
    return problems


def long_capture(r, name, size):
    """mixed.pcap again and again, each copy 10 000 s later, to size bytes or a little more."""
    import struct
    mixed = open(r.env.capture("mixed.pcap"), "rb").read()
    path = os.path.join(r.env.dir, name)
    with open(path, "wb") as f:
        f.write(mixed[:24])
        shift = 0
        while f.tell() < size:
            off = 24
            while off < len(mixed):
                sec, usec, incl, orig = struct.unpack_from("<IIII", mixed, off)
                f.write(struct.pack("<IIII", sec + shift, usec, incl, orig) + mixed[off + 16:off + 16 + incl])
                off += 16 + incl
            shift += 10000
    os.chmod(path, 0o644)
    return path


def check_progress(r):
    """A capture over 16 MiB read with stderr on a terminal: a progress line there,
    redrawn in place and wiped at the end; none when stderr is no terminal, none
    for a small capture."""
    import pty
    big = long_capture(r, "big.pcap", 17 << 20)
    problems = []
    for path, want in ((big, True), (r.env.capture("mixed.pcap"), False)):
        master, slave = pty.openpty()
        argv, e = r.env.command(["-r", path, "-m", "stat"], None, r.cli)
        p = subprocess.Popen(argv, env=e, stdout=subprocess.DEVNULL, stderr=slave, cwd=r.env.dir)
        os.close(slave)
        got = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            got += chunk
        p.wait(timeout=120)
        os.close(master)
        text = got.decode("utf-8", "replace")
        first = "\r\x1b[K4o6top: 0 % of " + path + ", 0 packets, 0.00 M packets/s"
        if want and not (text.startswith(first) and text.endswith("\r\x1b[K")):
            problems.append("progress on a terminal: %r" % text[:300])
        if not want and text:
            problems.append("a small capture printed on the terminal: %r" % text[:300])
    rc, _, err = r.run(r.cli, ["-r", big, "-m", "stat"], "file", "mixed.pcap")
    if rc or err:
        problems.append("stderr no terminal: rc=%d err=%r" % (rc, err[:300]))
    return problems


def wait_on_stdout(p):
    """True once the pipe of the command's stdout, which nobody reads yet, is full
    (the next write does not fit in what is left): the command waits there."""
    import array
    import fcntl
    import termios
    capacity = fcntl.fcntl(p.stdout.fileno(), 1032)  # F_GETPIPE_SZ
    held, before = array.array("i", [0]), -1
    for _ in range(200):
        fcntl.ioctl(p.stdout.fileno(), termios.FIONREAD, held)
        if held[0] == before and held[0] > capacity // 2:
            return True
        before = held[0]
        time.sleep(0.02)
    return False


def check_changing(r):
    """A capture file that changes while the command reads it. Cut (a tcpdump -W
    ring overwriting its oldest file): read as the capture cut there, one line and
    exit 1, every packet before the cut counted. Grown (tcpdump -w still writing it):
    read to its new end. The command's stdout is left unread until the change, so
    that it waits early in the file. The reader maps a regular file: a page past the
    new end is a SIGBUS to survive, and the page the cut falls in reads as zeros past
    it; 17 cuts a page and 3 bytes apart span more than the 64 KiB it copies at a
    time, so that some copy ends in the page the cut falls in."""
    big = long_capture(r, "changing.pcap", 24 << 20)
    whole = open(big, "rb").read()
    cut_copy = os.path.join(r.env.dir, "cut-there.pcap")
    problems = []

    def read_while(change, want, what):
        p = r.popen(r.cli, ["-r", big, "-m", "log"], subprocess.DEVNULL)
        if not wait_on_stdout(p):
            problems.append("%s: the command never waited on its stdout: the case checks nothing" % what)
        change()
        out, err = p.communicate(timeout=120)
        got = (p.returncode, out.decode(), err.decode("utf-8", "backslashreplace").replace(big, cut_copy))
        if got != want:
            problems.append("%s: rc %d (want %d), stderr %r (want %r), stdout %s" % (
                what, got[0], want[0], got[2], want[2], "the same" if got[1] == want[1] else "differs"))

    for step in range(17):
        cut = len(whole) // 2 + step * 4099
        write_readable(big, whole)
        write_readable(cut_copy, whole[:cut])
        want = r.run(r.cli, ["-r", cut_copy, "-m", "log"], "file", "mixed.pcap")
        if want[0] != 1 or not want[1]:
            problems.append("cut at %d: the cut copy read without a complaint or a row: %r" % (cut, want[2]))
        read_while(lambda: os.truncate(big, cut), want, "cut at %d" % cut)

    def grow():
        with open(big, "ab") as f:
            f.write(whole[len(whole) // 2:])

    write_readable(cut_copy, whole)
    want = r.run(r.cli, ["-r", cut_copy, "-m", "log"], "file", "mixed.pcap")
    write_readable(big, whole[:len(whole) // 2])
    read_while(grow, want, "grown from half")
    if want[0] != 0 or want[2]:
        problems.append("the whole capture read with a complaint: %r" % want[2])
    return problems


def check_sigint(r, engine):
    """The capture, then a pipe left open: only SIGINT can end the run. sess with
    ends prints a row per session as it opens (or times out), and the rows of
    the sessions still open only at the end of the capture: once every earlier
    row is out, SIGINT must bring exactly those final rows and exit status 0."""
    sample = r.env.capture("sample.pcapng")
    _, want, _ = r.run("tshark", ["-r", sample, "-q", "-C", PROFILE, "-z", "4o6top,sess,ends,layout=original"], "file",
                       "sample.pcapng")
    want_lines = want.splitlines(True)
    before_end = len([x for x in want_lines if ",end," not in x])
    read_fd, write_fd = os.pipe()
    p = r.popen(r.cli, ["-engine", engine, "-m", "sess", "-ends"], read_fd)
    os.close(read_fd)
    got = []
    reader = threading.Thread(target=lambda: got.extend(p.stdout), daemon=True)
    reader.start()
    with open(sample, "rb") as f:
        os.write(write_fd, f.read())
    deadline = time.time() + 120
    while len(got) < before_end and time.time() < deadline and p.poll() is None:
        time.sleep(0.2)
    problems = []
    if len(got) != before_end:
        problems.append("before SIGINT: %d rows, expected %d" % (len(got), before_end))
    p.send_signal(signal.SIGINT)
    try:
        p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        p.kill()
        problems.append("no end within 60 s of SIGINT")
    reader.join(timeout=10)
    os.close(write_fd)
    err = p.stderr.read().decode()
    out = b"".join(got).decode()
    if p.returncode != 0:
        problems.append("exit status %s after SIGINT: %s" % (p.returncode, err))
    if out != want:
        problems.append("the rows with SIGINT are not the file's:\n" + diff("stdout", want, out))
    if len(want_lines) == before_end:
        problems.append("the file has no end-of-capture rows: the case checks nothing")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", action="append", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("--cli", required=True, help="the built 4o6top command")
    ap.add_argument("--engine", choices=["native", "tshark"], default="native",
                    help="golden: the command's own reader, or -engine tshark")
    ap.add_argument("what", choices=["golden", "bad", "setup", "sigint", "errors", "progress", "changing"])
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    r = Runner(a)
    failed = 0
    try:
        if a.what in ("golden", "bad"):
            cases = read_list("CLILIST" if a.what == "golden" else "BADFLAGS")
            if a.names:
                cases = [c for c in cases if c[0] in a.names]
                if len(cases) != len(a.names):
                    sys.exit("no such case among: " + " ".join(a.names))
            for words in cases:
                problems = r.golden(words, a.engine) if a.what == "golden" else r.bad(words)
                print("%s %s" % ("FAIL" if problems else "ok  ", " ".join(shlex.quote(w) for w in words)))
                for p in problems:
                    print(p)
                failed += bool(problems)
        else:
            check = {"setup": check_setup, "sigint": check_sigint, "errors": check_errors,
                     "progress": check_progress, "changing": check_changing}[a.what]
            problems = check(r) if a.what in ("setup", "progress", "changing") else check(r, a.engine)
            print("\n".join(problems) or a.what + ": ok")
            failed = len(problems)
    finally:
        r.env.close()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
