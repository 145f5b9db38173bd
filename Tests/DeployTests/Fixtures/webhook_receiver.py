#!/usr/bin/env python3
"""A deployment-status webhook for the blue/green tests: binds a free port on 127.0.0.1, prints
it, and appends every POST as one JSON line {path, authorization, body} to the file given as
its argument. Answers 201 like GitHub's deployment status API. Stops on SIGTERM."""
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

LOG = sys.argv[1]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw)
        except ValueError:
            body = {"unparsed": raw.decode("utf-8", "replace")}
        with open(LOG, "a") as log:
            log.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization"),
                                  "content_type": self.headers.get("Content-Type"), "body": body}) + "\n")
        answer = json.dumps({"id": 1, "state": body.get("state") if isinstance(body, dict) else None}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Handler)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(server.server_address[1], flush=True)
server.serve_forever()
