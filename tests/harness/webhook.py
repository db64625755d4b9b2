#!/usr/bin/env python3
"""A local HTTP(S) server standing for a webhook receiver (Teams, Slack, a ticketing
tool...), on 127.0.0.1 only, for the alert tests. Standard library only.

Started by tests/harness/webhook.sh; by hand:  webhook.py --dir DIR [--cert C --key K]

Every request (any method) is recorded, once fully read and before any answer, as one
JSON line in DIR/requests.jsonl:
  {"n", "time", "listener": "http"|"https", "method", "path", "query", "headers": [[name,
   value], ...] (as sent, in order), "body" (text) or "body_base64" (not UTF-8), "status"}
"status" is what the server is about to answer, null for /hang.

Behaviour by the first path segment; what follows it is free, so that each test can use
paths of its own (and /fail-twice counters of its own), e.g. /fail-twice/expiry-test:
  /ok/...          200 {"ok": true}
  /fail-twice/...  500 the first two times this exact path is called, then 200
  /hang/...        reads the request, never answers, keeps the connection open
  /slow/...        200 after ?seconds=N (default --slow-seconds, 3)
  /status/NNN/...  answers NNN (429 and 503 with "Retry-After: 1")
  anything else    404
The ports bound are written to DIR/ready.json once both listeners are up.
"""
import argparse
import base64
import datetime
import itertools
import json
import os
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Recorder:
    """Appends JSON lines, one writer at a time, flushed at once (tests read the file)."""

    def __init__(self, path):
        self.lock = threading.Lock()
        existing = 0
        if os.path.exists(path):
            with open(path, "rb") as f:
                existing = sum(1 for _ in f)
        self.counter = itertools.count(existing + 1)
        self.file = open(path, "a", encoding="utf-8")
        self.calls = {}

    def record(self, entry):
        with self.lock:
            entry = {"n": next(self.counter), **entry}
            self.file.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.file.flush()

    def call_count(self, path):
        """How many times this exact path was called, this one included."""
        with self.lock:
            self.calls[path] = self.calls.get(path, 0) + 1
            return self.calls[path]


def make_handler(recorder, listener, slow_seconds):
    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1: keep-alive, as real receivers; every answer carries Content-Length.
        protocol_version = "HTTP/1.1"
        server_version = "CertiSanteTestWebhook/1"

        def log_message(self, format, *args):
            sys.stdout.write("%s %s %s\n" % (self.log_date_time_string(), listener, format % args))
            sys.stdout.flush()

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def answer(self, status, body=b"", extra=()):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in extra:
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def handle_any(self):
            url = urllib.parse.urlsplit(self.path)
            segments = [s for s in url.path.split("/") if s]
            kind = segments[0] if segments else ""
            query = urllib.parse.parse_qs(url.query)
            body = self.read_body()
            status, delay, extra = 404, 0.0, ()
            if kind == "ok":
                status = 200
            elif kind == "fail-twice":
                status = 500 if recorder.call_count(url.path) <= 2 else 200
            elif kind == "hang":
                status = None
            elif kind == "slow":
                status, delay = 200, float(query.get("seconds", [slow_seconds])[0])
            elif kind == "status" and len(segments) > 1 and segments[1].isdigit():
                status = int(segments[1])
                if status in (429, 503):
                    extra = (("Retry-After", "1"),)
            entry = {
                "time": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "listener": listener,
                "method": self.command,
                "path": url.path,
                "query": url.query,
                "headers": [[k, v] for k, v in self.headers.items()],
                "status": status,
            }
            try:
                entry["body"] = body.decode("utf-8")
            except UnicodeDecodeError:
                entry["body_base64"] = base64.b64encode(body).decode()
            recorder.record(entry)
            if status is None:
                # Never answer; the connection stays open until the client gives up
                # (or the server stops: these threads are daemons).
                threading.Event().wait()
            if delay:
                time.sleep(delay)
            payload = {"ok": status < 400, "status": status} if status != 404 else {"error": "unknown path"}
            self.answer(status, json.dumps(payload).encode(), extra)

        do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = do_HEAD = handle_any

    return Handler


def main():
    parser = argparse.ArgumentParser(description="webhook test server")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--https-port", type=int, default=0)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--slow-seconds", type=float, default=3.0)
    args = parser.parse_args()

    recorder = Recorder(os.path.join(args.dir, "requests.jsonl"))
    servers = {}
    try:
        servers["http"] = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(recorder, "http", args.slow_seconds))
        if args.cert:
            https = ThreadingHTTPServer(("127.0.0.1", args.https_port), make_handler(recorder, "https", args.slow_seconds))
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(args.cert, args.key)
            # The handshake happens at the first read, in the request's thread: a client
            # that connects and stays silent must not block the accepting thread.
            https.socket = context.wrap_socket(https.socket, server_side=True, do_handshake_on_connect=False)
            servers["https"] = https
    except OSError as e:
        sys.exit(f"webhook.py: {e}")
    for server in servers.values():
        server.daemon_threads = True  # a /hang request must not keep the process alive at stop
        threading.Thread(target=server.serve_forever, daemon=True).start()

    ports = {name: server.server_address[1] for name, server in servers.items()}
    temporary = os.path.join(args.dir, ".ready.json.tmp")
    with open(temporary, "w") as f:
        json.dump(ports, f)
    os.replace(temporary, os.path.join(args.dir, "ready.json"))
    print(f"listening on 127.0.0.1: {ports}", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
