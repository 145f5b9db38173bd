#!/usr/bin/env python3
"""th3-server: the sample "translate API" that play deploys.

Python standard library only, so a stock image with python3 can run it.

  GET  /           {"hostname": ..., "version": ..., "address": "IP:PORT"}
  GET  /time       {"message": "Automation for the People", "timestamp": <unix int>}
  GET  /health     200 "ok" (or 500 when the build's config says health_check_fails)
  POST /translate  {"text": "..."} -> {"translation": "<leetspeak>"}

The version is read from the VERSION file next to this script; th3-server.conf (JSON, optional)
holds build settings. A SIGTERM stops accepting connections, lets in-flight requests finish
(bounded by drain_timeout), then exits 0.
"""

import argparse
import json
import os
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MESSAGE = "Automation for the People"
MAX_BODY = 64 * 1024

# Classic leetspeak: letters that have a well-known digit look-alike; everything else unchanged.
LEET = str.maketrans({
    "a": "4", "A": "4", "b": "8", "B": "8", "e": "3", "E": "3", "g": "9", "G": "9",
    "i": "1", "I": "1", "l": "1", "L": "1", "o": "0", "O": "0", "s": "5", "S": "5",
    "t": "7", "T": "7", "z": "2", "Z": "2",
})


def translate(text):
    """English to leetspeak."""
    return text.translate(LEET)


def load_build(directory):
    """Returns (version, config) of the build in `directory`."""
    version_path = os.path.join(directory, "VERSION")
    try:
        with open(version_path, encoding="utf-8") as f:
            version = f.read().strip()
    except FileNotFoundError:
        version = "dev"
    config = {}
    config_path = os.path.join(directory, "th3-server.conf")
    if os.path.exists(config_path):
        with open(config_path, encoding="utf-8") as f:
            config = json.load(f)
        if not isinstance(config, dict):
            raise ValueError(f"{config_path}: expected a JSON object")
    return version, config


class Handler(BaseHTTPRequestHandler):
    server_version = "th3-server"
    # HTTP/1.0: one request per connection, so a graceful stop never waits on idle keep-alives.
    protocol_version = "HTTP/1.0"

    def log_message(self, fmt, *args):
        if self.server.access_log:
            sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def send_json(self, status, payload):
        body = (json.dumps(payload) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_text(self, status, text):
        body = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        app = self.server
        if path == "/":
            self.send_json(200, {"hostname": socket.gethostname(), "version": app.version,
                                 "address": "%s:%d" % app.server_address[:2]})
        elif path == "/time":
            self.send_json(200, {"message": MESSAGE, "timestamp": int(time.time())})
        elif path == "/health":
            if app.config.get("health_check_fails"):
                self.send_text(500, "unhealthy: health_check_fails is set in th3-server.conf\n")
            else:
                self.send_text(200, "ok\n")
        else:
            self.send_json(404, {"error": "not found", "path": path})

    do_HEAD = do_GET

    def do_POST(self):
        path = self.path.split("?", 1)[0]
        if path != "/translate":
            self.send_json(404, {"error": "not found", "path": path})
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self.send_json(411, {"error": "Content-Length required"})
            return
        if length > MAX_BODY:
            self.send_json(413, {"error": "body larger than %d bytes" % MAX_BODY})
            return
        raw = self.rfile.read(length)
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            self.send_json(400, {"error": "body is not JSON: %s" % e})
            return
        if not isinstance(doc, dict) or not isinstance(doc.get("text"), str):
            self.send_json(400, {"error": 'expected {"text": "<string>"}'})
            return
        self.send_json(200, {"translation": translate(doc["text"])})


class Server(ThreadingHTTPServer):
    allow_reuse_address = True
    request_queue_size = 128
    daemon_threads = False   # server_close() joins handler threads: in-flight requests finish
    block_on_close = True

    def __init__(self, address, version, config, access_log):
        self.version = version
        self.config = config
        self.access_log = access_log
        super().__init__(address, Handler)


def parse_args(argv):
    p = argparse.ArgumentParser(description="th3-server sample app")
    p.add_argument("--bind", default=os.environ.get("TH3_BIND", "127.0.0.1"),
                   help="address to listen on (env TH3_BIND; default 127.0.0.1)")
    p.add_argument("--port", type=int, default=int(os.environ.get("TH3_PORT", "8080")),
                   help="port (env TH3_PORT; default 8080)")
    p.add_argument("--build-dir", default=os.path.dirname(os.path.abspath(__file__)),
                   help="directory holding VERSION and th3-server.conf")
    p.add_argument("--access-log", action="store_true",
                   default=os.environ.get("TH3_ACCESS_LOG") == "1", help="log every request")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    version, config = load_build(args.build_dir)
    server = Server((args.bind, args.port), version, config, args.access_log)
    drain_timeout = float(config.get("drain_timeout", 20))
    stopping = threading.Event()

    def on_term(signum, _frame):
        if stopping.is_set():
            return
        stopping.set()
        sys.stderr.write("th3-server: %s received, finishing in-flight requests\n"
                         % signal.Signals(signum).name)
        # shutdown() blocks until serve_forever returns, so it cannot run in the handler itself.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    sys.stderr.write("th3-server %s listening on %s:%d (pid %d)%s\n" % (
        version, args.bind, args.port, os.getpid(),
        " [health_check_fails]" if config.get("health_check_fails") else ""))
    sys.stderr.flush()
    server.serve_forever(poll_interval=0.2)
    # Stop accepting, then wait for handler threads, but never longer than drain_timeout.
    server.socket.close()
    closer = threading.Thread(target=server.server_close, daemon=True)
    closer.start()
    closer.join(drain_timeout)
    sys.stderr.write("th3-server: stopped%s\n" % ("" if not closer.is_alive()
                                                  else " (drain timeout, requests cut)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
