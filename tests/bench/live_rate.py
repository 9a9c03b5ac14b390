#!/usr/bin/python3
"""The highest packet rate a live reader keeps up with, without a drop the kernel reports.

Makes a veth pair whose receiving end sits in a network namespace of its own
(IPv6 off on both ends, so nothing but the replay crosses it), starts the
reader on that end inside the namespace, replays the capture into the other
end with tcpreplay at one rate, stops the reader with SIGINT once it has gone
idle, and reads the drops it reports (pcap_stats: tcpdump's "dropped by
kernel"). Then again at the next rate, with a new reader. Prints one row a
rate and the highest rate with no reported drop.

  live_rate.py                                    tcpdump -i IFACE -w /dev/null as the reader
  live_rate.py --reader '4o6top -I {iface} -m stat' --drops-regex '...' --reader-filter ip6

As root (namespaces, veth, capture). Not a test: ctest does not run it. See
tests/bench/README.md.
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from run_bench import SIZES, build_generator, make_capture  # noqa: E402

TX, RX = "fotlr-tx%d" % (os.getpid() % 10000), "fotlr-rx%d" % (os.getpid() % 10000)
NETNS = "fotlr%d" % os.getpid()


def sh(*argv, netns=None):
    prefix = ["ip", "netns", "exec", netns] if netns else []
    subprocess.run(prefix + list(argv), check=True, stdout=subprocess.DEVNULL)


def make_link():
    """TX in this namespace, RX in NETNS; MTU 9000: the capture's frames exceed 1514 bytes."""
    sh("ip", "netns", "add", NETNS)
    sh("ip", "link", "add", TX, "type", "veth", "peer", "name", RX)
    sh("ip", "link", "set", RX, "netns", NETNS)
    sh("sysctl", "-q", "-w", "net.ipv6.conf.%s.disable_ipv6=1" % TX)
    sh("sysctl", "-q", "-w", "net.ipv6.conf.%s.disable_ipv6=1" % RX, netns=NETNS)
    sh("ip", "link", "set", TX, "mtu", "9000", "up")
    sh("ip", "link", "set", RX, "mtu", "9000", "up", netns=NETNS)


def remove_link():
    subprocess.run(["ip", "netns", "del", NETNS], stderr=subprocess.DEVNULL)  # takes the pair with it
    subprocess.run(["ip", "link", "del", TX], stderr=subprocess.DEVNULL)


def link_counter(name, netns=None):
    """rx_packets and rx_dropped of RX; the kernel's count of what reached the reader's end."""
    prefix = ["ip", "netns", "exec", netns] if netns else []
    out = subprocess.run(prefix + ["cat", "/sys/class/net/%s/statistics/%s" % (RX, name)],
                         stdout=subprocess.PIPE, check=True).stdout
    return int(out)


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


def wait_idle(pid, quiet=0.5, longest=60):
    """Until the reader has used no CPU for `quiet` seconds: it has read what was queued for it."""
    last, since, start = cpu_seconds(pid), time.monotonic(), time.monotonic()
    while time.monotonic() - start < longest:
        time.sleep(0.1)
        now = cpu_seconds(pid)
        if now is None:
            return
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return


def replay(capture, rate, limit):
    """tcpreplay into TX; (packets sent, packets failed, pps achieved, its output)."""
    argv = ["tcpreplay", "-i", TX, "-K", "--limit=%d" % limit] + (["-t"] if rate == "top" else ["--pps=%d" % rate])
    r = subprocess.run(argv + [capture], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = r.stdout.decode("utf-8", "replace")
    if r.returncode != 0:
        sys.exit("live_rate: %s failed:\n%s" % (shlex.join(argv + [capture]), out))
    sent = re.search(r"Successful packets:\s+(\d+)", out)
    failed = re.search(r"Failed packets:\s+(\d+)", out)
    pps = re.search(r"Rated: .*?([\d.]+) pps", out)
    return (int(sent.group(1)) if sent else None, int(failed.group(1)) if failed else None,
            float(pps.group(1)) if pps else None, out)


def matching(capture, limit, expr):
    """How many of the capture's first limit packets match the BPF filter expr (tcpdump counts)."""
    with tempfile.TemporaryDirectory(prefix="4o6top-live-rate-") as scratch:
        first = os.path.join(scratch, "first.pcap")
        subprocess.run(["tcpdump", "-r", capture, "-c", str(limit), "-w", first], check=True,
                       stderr=subprocess.DEVNULL)
        out = subprocess.run(["tcpdump", "-r", first, "-q", "-n", expr], check=True, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL).stdout
        return out.count(b"\n")


def one_rate(opts, capture, rate):
    """One reader, one replay; a dict of what was seen."""
    argv = ["ip", "netns", "exec", NETNS] + shlex.split(opts.reader.format(iface=RX))
    rx_before, rx_dropped_before = link_counter("rx_packets", NETNS), link_counter("rx_dropped", NETNS)
    with tempfile.TemporaryFile() as err:
        # ip netns exec execs the reader: SIGINT reaches it, and wait4 gives its own usage.
        reader = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        time.sleep(opts.settle)
        if reader.poll() is not None:
            err.seek(0)
            sys.exit("live_rate: the reader ended before the replay:\n%s" % err.read().decode("utf-8", "replace"))
        sent, failed, pps, out = replay(capture, rate, opts.limit)
        wait_idle(reader.pid)
        reader.send_signal(signal.SIGINT)
        timer = threading.Timer(60, reader.kill)
        timer.start()
        _, status, usage = os.wait4(reader.pid, 0)
        timer.cancel()
        reader.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    drops = re.search(opts.drops_regex, text)
    captured = re.search(opts.captured_regex, text) if opts.captured_regex else None
    return {"rate": rate, "pps": pps, "sent": sent, "failed": failed,
            "at_rx": link_counter("rx_packets", NETNS) - rx_before,
            "rx_dropped": link_counter("rx_dropped", NETNS) - rx_dropped_before,
            "drops": int(drops.group(1)) if drops else None,
            "captured": int(captured.group(1)) if captured else None,
            "cpu": usage.ru_utime + usage.ru_stime, "status": reader.returncode, "stderr": text}


def show(rows, markdown):
    head = ["asked pps", "sent pps (tcpreplay)", "sent", "reached RX", "RX dropped", "reader got",
            "kernel drops (reader)", "reader CPU s"]
    body = [["top speed" if r["rate"] == "top" else str(r["rate"]), "%.0f" % r["pps"] if r["pps"] else "?",
             str(r["sent"]), str(r["at_rx"]), str(r["rx_dropped"]), "?" if r["captured"] is None else str(r["captured"]),
             "NOT REPORTED" if r["drops"] is None else str(r["drops"]), "%.2f" % r["cpu"]] for r in rows]
    if markdown:
        return "\n".join(["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)] +
                         ["| " + " | ".join(b) + " |" for b in body])
    widths = [max(len(x[i]) for x in [head] + body) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(x, widths)) for x in [head] + body)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--capture", help="capture to replay (default: run_bench.py's capture of --size)")
    ap.add_argument("--size", default="C", choices=sorted(SIZES), help="generated capture to replay (default C)")
    ap.add_argument("--workdir", default="/tmp/4o6top-bench", help="where the generated captures are kept")
    ap.add_argument("--reader", default="tcpdump -i {iface} -w /dev/null",
                    help="the reader's command line, {iface} for the interface (default: %(default)s)")
    ap.add_argument("--drops-regex", default=r"(\d+) packets? dropped by kernel",
                    help="what the reader prints at the end; group 1 is the kernel's drop count "
                         "(default: tcpdump's, %(default)s)")
    ap.add_argument("--captured-regex", default=r"(\d+) packets? captured",
                    help="group 1: packets the reader got (default: tcpdump's, %(default)s); '' for none")
    ap.add_argument("--rates", default="50000,100000,200000,300000,400000,600000,800000,1200000",
                    help="packets a second, comma-separated, rising; then top speed unless --no-top")
    ap.add_argument("--no-top", action="store_true", help="no last run at tcpreplay's top speed")
    ap.add_argument("--limit", type=int, default=1000000, help="packets replayed at each rate (default 1000000)")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds the reader gets to start (default 2)")
    ap.add_argument("--reader-filter", default="",
                    help="a BPF filter the reader applies itself (4o6top -I: ip6): the packets it should get "
                         "are those of the replayed ones that match it, counted by tcpdump")
    ap.add_argument("--markdown", action="store_true", help="the table in Markdown")
    opts = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if os.geteuid() != 0:
        sys.exit("live_rate: run as root (network namespace, veth, capture)")
    for tool in ("ip", "tcpreplay"):
        if not shutil.which(tool):
            sys.exit("live_rate: %s is not installed" % tool)
    rates = [int(r) for r in opts.rates.split(",") if r] + ([] if opts.no_top else ["top"])

    capture = opts.capture
    if not capture:
        scratch = tempfile.mkdtemp(prefix="4o6top-live-rate-")
        try:
            os.makedirs(opts.workdir, exist_ok=True)
            capture, summary = make_capture(build_generator(scratch), opts.workdir, opts.size)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        print("capture: %s (%s)" % (capture, summary))
    print("reader: ip netns exec NETNS %s" % opts.reader.format(iface="RX"))
    wanted = matching(capture, opts.limit, opts.reader_filter) if opts.reader_filter else None
    if wanted is not None:
        print("of the first %d packets, %d match the reader's filter %r" % (opts.limit, wanted, opts.reader_filter))
    print("load before: %s" % open("/proc/loadavg").read().strip())
    rows = []
    try:
        make_link()
        for rate in rates:
            row = one_rate(opts, capture, rate)
            rows.append(row)
            print("%s pps: sent %s at %s pps, reader: %s" % (rate, row["sent"], row["pps"],
                                                            " / ".join(row["stderr"].strip().splitlines()[-3:])),
                  file=sys.stderr)
    finally:
        remove_link()
    print("load after: %s" % open("/proc/loadavg").read().strip())
    print(show(rows, opts.markdown))
    clean = [r for r in rows if r["drops"] == 0 and r["pps"]]
    whole = [r for r in clean if r["captured"] is not None and r["at_rx"] == r["sent"] and
             r["captured"] == (r["sent"] if wanted is None else wanted)]
    print("highest rate without a drop the kernel reported: %s" %
          ("%.0f pps" % max(r["pps"] for r in clean) if clean else "none"))
    if opts.captured_regex:
        print("highest rate at which the reader got every packet sent: %s" %
              ("%.0f pps" % max(r["pps"] for r in whole) if whole else "none"))
    if any(r["drops"] is None for r in rows):
        print("note: the reader's drop count was not found in its stderr (--drops-regex)")


if __name__ == "__main__":
    main()
