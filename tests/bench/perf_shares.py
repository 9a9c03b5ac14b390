#!/usr/bin/python3
"""Share of a tshark run's samples in 4o6top.so, by what the code does.

    perf record -e cpu-clock -F 1999 -o run1.data -- tshark -r bench-C.pcap -q -C 4o6top -z 4o6top,sum
    /usr/bin/python3 tests/bench/perf_shares.py run1.data [run2.data ...]

Prints each group's share per file and their mean, and tshark's own tap dispatch. A share is
a ratio inside one process, which this VM's swings of speed move far less than wall time
(tests/bench/README.md). Not a test: ctest does not run it.
"""
import collections
import re
import subprocess
import sys

GROUPS = [
    ("session and node lookups (the batch's fetch steps, packet_ahead)",
     r"(fetch_|packet_ahead|fot_engine_packets?$|session_match|session_again|session_find|node_match|node_again|"
     r"node_find|fot_index_find|key_hash|fot_index_peek)"),
    ("opening and closing (index, per-CE ports, distinct counters, verdicts)",
     r"(session_open|session_close|session_flip|distinct_|find48|find_slot|fot_key48|fot_count_map|fot_index_insert|"
     r"fot_index_remove|ce_attach|ce_detach|ce_ports_changed|hist_changed|ce_classify|ce_init|node_get|node_known|"
     r"node_ref|node_unref|judge|fot_softwire|configured_ce|orient_new|marker|claim|account|pool_alloc|idle_|"
     r"fot_map_iid|fot_ipv4_is_private|set_ports_changed|initial_class|session_verdict|fot_bindings)"),
    ("expiry lists (relinks, expiry, sorts)",
     r"(list_|fot_engine_advance|due_head|sort_head_bucket|collect_run|compare_last|earliest_expiry|stays_in_place|"
     r"prefetch_neighbours|evict)"),
    ("frame path (the ip.proto hook and its record, tap callbacks, frame reader, run queue, clock)",
     r"(dissect_ipv4_hook|fot_tunnel_seen|on_frame|on_ipv6|on_ip$|on_tunnel|fot_frame|read_inner|take_inner|begin_frame|locate|"
     r"set_event|fill_event|ipv6_payload_left|hold_outer|inner_|fot_decode|fot_time|fot_run_frame|fot_run_packet|"
     r"sum_frame|stat_frame|cli_frame|cli_packet|count_queued|read_plain|frame_time|fot_ws)"),
    ("end of run (top of sum, counts, report)",
     r"(fot_report|top_|ranks_before|sift_|fot_engine_counts|fot_engine_foreach|count_bits|fot_records)"),
    ("in the floor too (the post-dissector)", r"(dissect_4o6top|computing|fot_annotate)"),
]
TAP_DISPATCH = {"have_tap_listener", "tap_queue_packet", "tap_push_tapped_queue", "tap_build_interesting",
                "epan_dissect_run_with_taps"}
LINE = re.compile(r"\s+([\d.]+)%\s+(\S+)\s+\[\.\]\s+(\S+)")


def shares(path):
    out = subprocess.run(["perf", "report", "-i", path, "--no-children", "--sort", "dso,sym", "--stdio", "-g", "none"],
                         capture_output=True, text=True, check=True).stdout
    got = collections.Counter()
    for line in out.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        pct, dso, sym = float(m.group(1)), m.group(2), re.sub(r"\.(isra|constprop|part|cold)\.\d+", "", m.group(3))
        if dso.startswith("libwireshark") and sym in TAP_DISPATCH:
            got["tshark's tap dispatch (libwireshark)"] += pct
        if dso != "4o6top.so":
            continue
        got["all of 4o6top.so"] += pct
        group = next((name for name, rx in GROUPS if re.match(rx, sym)), "other: " + sym)
        got[group] += pct
    return got


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    runs = [shares(p) for p in sys.argv[1:]]
    names = ["all of 4o6top.so"] + [g for g, _ in GROUPS] + ["tshark's tap dispatch (libwireshark)"]
    names += sorted({k for r in runs for k in r if k.startswith("other: ")})
    for name in names:
        values = [r.get(name, 0.0) for r in runs]
        print("%-75s %s  mean %.2f %%" % (name, " ".join("%5.2f" % v for v in values), sum(values) / len(values)))


if __name__ == "__main__":
    main()
