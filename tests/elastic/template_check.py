#!/usr/bin/python3
"""format=json documents against the shipped index template, as Elasticsearch
would map them (no server here: a schema-style check of each value).

Checked, per document of every mode (stat, log, sess with ends and tunnel,
ce with MAP-E rules) on the sample and generated captures:
  - every field is in the template's mappings (none would be mapped by guess);
  - every value fits its mapping: date = RFC 3339 text, ip = an IPv4 or IPv6
    address, long = a JSON integer in the signed 64-bit range, double = a JSON
    number, keyword = text; null is allowed (Elasticsearch indexes no value);
  - stat and sess documents carry every field the original 4o6top indexed,
    with its name and JSON type (the issue lists them), and mode is the mode.
And the template itself: index pattern 4o6top-*, the original's fields mapped
as dates, ip and long.
Also used by the elastic bulk test (validate()).
"""
import argparse
import datetime
import ipaddress
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

TEMPLATE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "elasticsearch",
                        "4o6top-template.json")

# The original tool's documents (issue 14): field -> JSON type.
ORIGINAL = {
    "stat": {"mode": str, "timestamp": "date", **{k: int for k in (
        "total_session", "tcp_session", "udp_session", "icmp_session", "tcp_src_port", "udp_src_port", "icmp_id",
        "tcp_dst_ip", "udp_dst_ip", "icmp_dst_ip", "tcp_dst_port", "udp_dst_port")}},
    "sess": {"mode": str, "timestamp": "date", "protocol": str, "source_ip_address": str, "source_port": int,
             "destination_ip_address": str, "destination_port": int},
}
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$")


def flatten(properties, prefix=""):
    """Object fields as Elasticsearch reads dotted names: observer.name."""
    flat = {}
    for k, v in properties.items():
        if "properties" in v:
            flat.update(flatten(v["properties"], prefix + k + "."))
        else:
            flat[prefix + k] = v
    return flat


def load_properties(path=TEMPLATE):
    with open(path) as f:
        template = json.load(f)
    return template, flatten(template["template"]["mappings"]["properties"])


def fits(kind, value):
    if value is None:
        return True
    if kind == "date":
        if not isinstance(value, str) or not RFC3339.match(value):
            return False
        # Python takes at most 6 fraction digits; the pattern checked the rest.
        datetime.datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", value).replace("Z", "+00:00"))
        return True
    if kind == "ip":
        try:
            ipaddress.ip_address(value)
            return isinstance(value, str)
        except ValueError:
            return False
    if kind == "long":
        return isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63
    if kind == "double":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "keyword":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    return False


def validate(doc, properties):
    """Problems of one document (a dict) against the template's properties."""
    problems = []
    for key, value in doc.items():
        if key not in properties:
            problems.append("field %s is not in the template" % key)
        elif not fits(properties[key]["type"], value):
            problems.append("%s=%r is not a %s" % (key, value, properties[key]["type"]))
    mode = doc.get("mode")
    for key, kind in ORIGINAL.get(mode, {}).items():
        if key not in doc:
            problems.append("%s document without the original's field %s" % (mode, key))
        elif kind == "date":
            if not fits("date", doc[key]):
                problems.append("%s=%r is not a date" % (key, doc[key]))
        elif not isinstance(doc[key], kind) or isinstance(doc[key], bool):
            problems.append("%s=%r is not a JSON %s" % (key, doc[key], "string" if kind is str else "integer"))
    return problems


def check_template(template, properties):
    problems = []
    if template.get("index_patterns") != ["4o6top-*"]:
        problems.append("index_patterns is not [\"4o6top-*\"]")
    want = {"timestamp": "date", "@timestamp": "date", "mode": "keyword", "source_ip_address": "ip",
            "destination_ip_address": "ip", "ce": "ip", "br": "ip", "protocol": "keyword",
            "observer.name": "keyword"}
    for k, v in ORIGINAL["stat"].items():
        if v is int:
            want[k] = "long"
    for k in ("source_port", "destination_port", "packets", "bytes", "ports_in_use", "sessions"):
        want[k] = "long"
    for k, v in want.items():
        if properties.get(k, {}).get("type") != v:
            problems.append("template maps %s as %s, not %s" % (k, properties.get(k), v))
    return problems


CASES = [  # capture, -z argument; each must give documents of its mode
    ("sample.pcapng", "stat,format=json"),
    ("sample.pcapng", "stat,format=json,ce_ports,evicted"),
    ("sample.pcapng", "log,format=json,tunnel"),
    ("sample.pcapng", "sess,format=json"),
    ("sample.pcapng", "sess,format=json,ends,tunnel"),
    ("sample.pcapng", "ce,format=json"),
    ("dslite.pcapng", "sess,format=json,ends,tunnel"),
    ("mape-rfc.pcap", "ce,format=json,map_rule=2001:db8::/40;192.0.2.0/24;16"),
    ("mape-jp.pcap", "ce,format=json,map_rule=2001:db8:1000::/36;198.51.100.0/24;16;4,"
                     "map_rule=2001:db8:8000::/36;203.0.113.0/24;14;6"),
    ("lw4o6-bind.pcap", "ce,format=json,lw_binding=2001:db8:aaaa::5;198.51.100.5;3;6"),
    ("mape-jp.pcap", "ce,format=json,events,observer=br-7,map_rule=2001:db8:1000::/36;198.51.100.0/24;16;4"),
    ("mixed.pcap", "stat,format=json,interval=5"),
    ("mixed.pcap", "sess,format=json,ends"),
]


def main():
    from tshark_env import TsharkEnv
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", required=True)
    a = ap.parse_args()
    template, properties = load_properties()
    problems = check_template(template, properties)
    # The check itself can fail: a document as the 0.1.0 plugin wrote it, and wrong types.
    for bad in ({"@timestamp": "2024-05-01T00:00:01Z", "session": 1},
                {"mode": "sess", "timestamp": "2024-05-01 00:00:01", "protocol": "TCP", "source_ip_address": "x",
                 "source_port": "80", "destination_ip_address": "192.0.2.1", "destination_port": True}):
        if not validate(bad, properties):
            problems.append("validate() passes a bad document: %s" % bad)
    env = TsharkEnv(a.plugins, [a.captures])
    try:
        for capture, zarg in CASES:
            res = env.run(["-r", env.capture(capture), "-q", "-z", "4o6top," + zarg])
            lines = res.stdout.decode().splitlines()
            mode = zarg.split(",")[0]
            if res.returncode or not lines:
                problems.append("%s %s: rc=%d, %d lines: %s" % (capture, zarg, res.returncode, len(lines),
                                                                  res.stderr.decode()))
            for n, line in enumerate(lines, 1):
                doc = json.loads(line)
                if doc.get("mode") != mode:
                    problems.append("%s %s line %d: mode %r" % (capture, zarg, n, doc.get("mode")))
                problems += ["%s %s line %d: %s" % (capture, zarg, n, p) for p in validate(doc, properties)]
            print("%s %s: %d documents" % (capture, zarg, len(lines)))
    finally:
        env.close()
    print("\n".join(problems) or "every document fits the template")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
