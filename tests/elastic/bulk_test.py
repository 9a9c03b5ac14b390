#!/usr/bin/python3
"""4o6top -m elastic against a small Elasticsearch stand-in on 127.0.0.1,
with the command's own reader or (--engine tshark) with tshark reading.

No Elasticsearch server can be installed here, so this HTTP endpoint checks
what a server would be sent, as its bulk API documents it:
  - POST /_bulk, Content-Type application/x-ndjson, a body of (action,
    document) line pairs ending in a newline;
  - action {"index":{"_index":"4o6top-YYYY-MM-DD","_id":"SENSOR:stat:TIME"}}
    where SENSOR is the document's "observer.name" (default the host name) and
    TIME its "timestamp" (the interval's RFC 3339 time), and the index date is
    its date; each document a stat document that fits the shipped template
    (template_check.validate);
  - basic auth from the URL's user:pass (an Authorization header);
  - it answers the first request 503: the command says so in one line, tries
    again, and in the end every stat row tshark prints with
    -z 4o6top,stat,format=json is stored exactly once, in order;
  - the local run is not lost: stdout is the sum table tshark prints (the
    original's layout, its Total Sess line on stderr);
  - a second run stores the same _ids (a re-run overwrites, not doubles);
  - the near-exhaustion capture's port-set crossings posted as mode ce
    documents, above and below, in order (not the ce rows of the end);
  - two sensors (-observer br-east, -observer br-west) posting the same
    capture to one endpoint: every document of both is stored under its own
    _id, none replaced;
  - an endpoint that refuses connections: one line per failed try, the
    number of documents not stored, exit status 1, and still the sum table;
  - HTTPS, with a self-signed certificate for 127.0.0.1 made here by openssl:
    trusted through CURL_CA_BUNDLE, every document is stored as over HTTP;
    not trusted, each try is one line naming the certificate problem and no
    request reaches the server.
"""
import argparse
import base64
import http.server
import json
import os
import re
import ssl
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
PROFILE = "4o6top-fast"  # the command's profile: FOT_CLI_PROFILE in cli/tshark_run.h
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)
from tshark_env import TsharkEnv  # noqa: E402
import template_check  # noqa: E402


class Bulk(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        server = self.server
        with server.lock:
            first = not server.requests
            server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body.decode(),
                                    "status": 503 if first else 200})
        if first:
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b'{"error":"unavailable"}')
            return
        lines = body.decode().split("\n")
        items = [{"index": {"status": 201}} for _ in lines[::2] if _]
        reply = json.dumps({"took": 1, "errors": False, "items": items}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def serve(tls=None):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Bulk)
    server.requests = []
    server.lock = threading.Lock()
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def check_requests(requests, want_docs, properties):
    """Problems, and the (index, _id) pairs stored."""
    problems = []
    stored = []
    auth = "Basic " + base64.b64encode(b"elastic:s3cret").decode()
    for n, req in enumerate(requests, 1):
        h = {k.lower(): v for k, v in req["headers"].items()}
        if req["path"] != "/_bulk":
            problems.append("request %d: path %s" % (n, req["path"]))
        if h.get("content-type") != "application/x-ndjson":
            problems.append("request %d: Content-Type %s" % (n, h.get("content-type")))
        if h.get("authorization") != auth:
            problems.append("request %d: Authorization %r, not %r" % (n, h.get("authorization"), auth))
        body = req["body"]
        if not body.endswith("\n"):
            problems.append("request %d: the body does not end with a newline" % n)
        lines = body[:-1].split("\n")
        if len(lines) % 2:
            problems.append("request %d: %d lines, not action/document pairs" % (n, len(lines)))
            continue
        for action_line, doc_line in zip(lines[::2], lines[1::2]):
            action, doc = json.loads(action_line), json.loads(doc_line)
            index = action.get("index", {})
            if set(action) != {"index"} or set(index) != {"_index", "_id"}:
                problems.append("request %d: action %s" % (n, action_line))
                continue
            want_id = "%s:stat:%s" % (doc.get("observer.name"), doc.get("timestamp"))
            if index["_id"] != want_id or index["_index"] != "4o6top-" + doc["timestamp"][:10]:
                problems.append("request %d: %s for a document of %s" % (n, action_line, doc.get("timestamp")))
            if doc.get("mode") != "stat":
                problems.append("request %d: mode %r" % (n, doc.get("mode")))
            problems += ["request %d: %s" % (n, p) for p in template_check.validate(doc, properties)]
            if req["status"] == 200:
                stored.append((index["_index"], index["_id"], doc_line))
    got = [d for _, _, d in stored]
    if got != want_docs:
        problems.append("stored %d documents, tshark's stat rows are %d (or differ, or came twice or out of order)"
                        % (len(got), len(want_docs)))
    if requests and requests[0]["status"] == 503 and len(requests) < 2:
        problems.append("no try after the 503")
    return problems, [(i, d) for i, d, _ in stored]


def check_two_sensors(run, cli, sample, want_docs, properties):
    """The same capture posted by two sensors to one endpoint: both sets stored, none replaced."""
    problems = []
    server = serve()
    url = "http://elastic:s3cret@127.0.0.1:%d" % server.server_address[1]
    for sensor in ("br-east", "br-west"):
        rc, _, err = run(cli, ["-r", sample, "-m", "elastic", "-E", url, "-observer", sensor])
        if rc != 0:
            problems.append("sensor %s: rc=%d, stderr %s" % (sensor, rc, err))
    server.shutdown()
    store = {}
    for (index, doc_id), doc in stored_documents(server.requests).items():
        store[(index, doc_id)] = doc
    by_sensor = {}
    for doc in store.values():
        by_sensor.setdefault(json.loads(doc)["observer.name"], []).append(doc)
    want = {s: [line.replace('"observer.name":"%s"' % json.loads(line)["observer.name"],
                             '"observer.name":"%s"' % s) for line in want_docs] for s in ("br-east", "br-west")}
    for sensor in ("br-east", "br-west"):
        if sorted(by_sensor.get(sensor, [])) != sorted(want[sensor]):
            problems.append("sensor %s: %d of its %d documents stored" % (sensor, len(by_sensor.get(sensor, [])),
                                                                          len(want_docs)))
    print("two sensors, one endpoint: %d documents stored, %d each sent" % (len(store), len(want_docs)))
    return problems


JP_RULES = ["-map_rule", "2001:db8:1000::/36;198.51.100.0/24;16;4", "-map_rule", "2001:db8:8000::/36;203.0.113.0/24;14;6"]


def check_exhaustion_events(env, cli, engine, properties):
    """The near-exhaustion capture (tests/golden: mape-jp-ce-events) through -m elastic: its
    port-set crossings are posted as mode ce documents, in order, each with its own _id; the
    ce rows of the end are not."""
    problems = []
    capture = env.capture("mape-jp.pcap")
    flags = ["-threshold", "40", "-Tu", "1", "-observer", "br-7"] + JP_RULES
    zargs = "4o6top,ce,events,format=json,threshold=40,udp_timeout=1,observer=br-7," + ",".join(
        "map_rule=" + r for r in JP_RULES[1::2])
    want = [line for line in env.run(["-r", capture, "-q", "-C", PROFILE, "-z", zargs]).stdout.decode().splitlines()
            if '"event":"end"' not in line]
    server = serve()
    url = "http://127.0.0.1:%d" % server.server_address[1]
    r = env.run((["-engine", "tshark"] if engine == "tshark" else []) + ["-r", capture, "-m", "elastic", "-E", url] +
                flags, program=cli, timeout=600)
    server.shutdown()
    ce_docs = [(i, d) for (_, i), d in stored_documents(server.requests).items() if json.loads(d)["mode"] == "ce"]
    got = [d for _, d in ce_docs]
    events = [json.loads(d)["event"] for d in got]
    if r.returncode or got != want or events != ["above", "below", "above", "below"]:
        problems.append("exhaustion events: rc=%d, stored %s, want the %d above/below rows of the capture"
                        % (r.returncode, events, len(want)))
    for doc_id, doc in ce_docs:
        d = json.loads(doc)
        if not doc_id.startswith("br-7:ce:%s:" % d["timestamp"]):
            problems.append("exhaustion event _id %s" % doc_id)
        problems += template_check.validate(d, properties)
    print("exhaustion events through -m elastic: %s" % events)
    return problems


def stored_documents(requests):
    """(index, _id) -> document of the requests answered 200, in order, as a server would keep them."""
    store = {}
    for req in requests:
        if req["status"] != 200:
            continue
        lines = req["body"][:-1].split("\n")
        for action_line, doc_line in zip(lines[::2], lines[1::2]):
            index = json.loads(action_line)["index"]
            store[(index["_index"], index["_id"])] = doc_line
    return store


def make_certificate(folder):
    """A self-signed certificate for 127.0.0.1; its file is also the CA to trust."""
    cert, key = os.path.join(folder, "es-cert.pem"), os.path.join(folder, "es-key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.chmod(cert, 0o644)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    return cert, tls


def check_https(env, run, cli, sample, want_sum, want_docs, properties):
    problems = []
    cert, tls = make_certificate(env.dir)
    server = serve(tls)
    port = server.server_address[1]
    url = "https://elastic:s3cret@127.0.0.1:%d" % port
    rc, out, err = run(cli, ["-r", sample, "-m", "elastic", "-E", url], {"CURL_CA_BUNDLE": cert})
    server.shutdown()
    if rc != 0 or out != want_sum:
        problems.append("https: rc=%d, stdout %s tshark's sum; stderr %s" % (rc, "is" if out == want_sum else "is not", err))
    p, stored = check_requests(server.requests, want_docs, properties)
    problems += ["https: %s" % x for x in p]
    print("https, CA trusted: %d requests, %d documents stored" % (len(server.requests), len(stored)))

    server = serve(tls)
    port = server.server_address[1]
    rc, out, err = run(cli, ["-r", sample, "-m", "elastic", "-E", "https://127.0.0.1:%d" % port])
    server.shutdown()
    lines = err.splitlines()
    tries = [x for x in lines if re.match(r"^4o6top: elastic: https://127\.0\.0\.1:%d/: .*certificate" % port, x)]
    if rc != 1 or out != want_sum or server.requests or len(tries) < 4 or len(tries) != len(lines) - 1:
        problems.append("https, CA not trusted: rc=%d, %d requests reached the server, stderr:\n%s"
                        % (rc, len(server.requests), err))
    print("https, CA not trusted: %d lines, the first: %s" % (len(lines), lines[0] if lines else ""))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugins", required=True)
    ap.add_argument("--captures", required=True)
    ap.add_argument("--profiles", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--engine", choices=["native", "tshark"], default="native",
                    help="the command's own reader, or -engine tshark")
    a = ap.parse_args()
    _, properties = template_check.load_properties()
    env = TsharkEnv(a.plugins, [a.captures], a.profiles)
    cli = env.stage(a.cli)
    sample = env.capture("sample.pcapng")
    problems = []

    want_total = None

    def run(program, args, extra_env=None):
        if program == cli and a.engine == "tshark":
            args = ["-engine", "tshark"] + args
        r = env.run(args, dict({"TZ": "Asia/Tokyo"}, **(extra_env or {})), program=program, timeout=600)
        out, err = r.stdout.decode(), r.stderr.decode()
        if program == cli:  # the sum table's Total Sess line is on stderr, as the original's log line
            if want_total not in err:
                problems.append("%s: stderr has not %r" % (" ".join(args), want_total))
            err = err.replace(want_total, "", 1)
        return r.returncode, out, err

    try:
        _, want_sum, want_total = run("tshark", ["-r", sample, "-q", "-C", PROFILE, "-z", "4o6top,sum,layout=original"])
        _, stat, _ = run("tshark", ["-r", sample, "-q", "-C", PROFILE, "-z", "4o6top,stat,format=json"])
        want_docs = stat.splitlines()
        runs = []
        for attempt in (1, 2):
            server = serve()
            url = "http://elastic:s3cret@127.0.0.1:%d" % server.server_address[1]
            rc, out, err = run(cli, ["-r", sample, "-m", "elastic", "-E", url])
            server.shutdown()
            if rc != 0 or out != want_sum:
                problems.append("run %d: rc=%d, stdout %s tshark's sum; stderr %s" % (
                    attempt, rc, "is" if out == want_sum else "is not", err))
            lines = err.splitlines()
            shown = "http://elastic@127.0.0.1:%d/" % server.server_address[1]
            want = r"^4o6top: elastic: %s: HTTP 503; \d+ documents? kept, next try in 0\.5 s$" % re.escape(shown)
            if len(lines) != 1 or not re.match(want, lines[0]):
                problems.append("run %d: stderr is not the one line about the 503 (password hidden): %r" % (attempt, err))
            p, stored = check_requests(server.requests, want_docs, properties)
            problems += ["run %d: %s" % (attempt, x) for x in p]
            runs.append(stored)
            print("run %d: %d requests, %d documents stored, stderr: %s" % (attempt, len(server.requests),
                                                                           len(stored), err.strip()))
        if runs[0] != runs[1]:
            problems.append("the second run's index and _id pairs are not the first's")
        problems += check_two_sensors(run, cli, sample, want_docs, properties)
        problems += check_exhaustion_events(env, cli, a.engine, properties)

        # Refused: a port nothing listens on (a server bound and closed at once).
        closed = serve()
        port = closed.server_address[1]
        closed.shutdown()
        closed.server_close()
        rc, out, err = run(cli, ["-r", sample, "-m", "elastic", "-E", "http://127.0.0.1:%d" % port])
        lines = err.splitlines()
        tries = [x for x in lines if re.match(r"^4o6top: elastic: http://127\.0\.0\.1:%d/: .*[Cc]onnect" % port, x)]
        if rc != 1 or out != want_sum or len(tries) < 4 or len(tries) != len(lines) - 1 or \
                lines[-1] != "4o6top: elastic: %d documents not stored" % len(want_docs):
            problems.append("refused: rc=%d, stdout %s the sum table, stderr:\n%s" % (
                rc, "is" if out == want_sum else "is not", err))
        print("refused endpoint: %d lines, the last: %s" % (len(lines), lines[-1] if lines else ""))
        problems += check_https(env, run, cli, sample, want_sum, want_docs, properties)
    finally:
        env.close()
    print("\n".join(problems) or "bulk requests: ok")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
