#!/usr/bin/env python3
"""Continuous load through the sandbox's load balancer, with a JSON report of what it saw.

  loadgen.py [--url URL] [--concurrency 4] [--rate R] [--duration S] [--out FILE] ...

Runs until --duration elapses or SIGINT/SIGTERM, then prints (and with --out writes) a JSON
report: requests, failures (non-2xx, connection errors, bodies without a version) with counts
per reason and a sample, versions seen with counts and first/last times, the versions of the
last N requests, latency percentiles. --status-file rewrites the same report every second while
running, for tests that watch a deploy. Only loopback URLs (127.0.0.0/8, localhost) are accepted.

Each request opens a new connection by default (Connection: close): a reused connection that
nginx closes during a graceful reload would be a client-side artefact, not a failed request.
--keepalive reuses connections and retries a request once when a reused connection turns out
closed before any response byte, as HTTP clients do.
"""

import argparse
import http.client
import ipaddress
import json
import os
import signal
import sys
import threading
import time
from collections import deque
from urllib.parse import urlsplit

SAMPLE = 20


def default_url():
    if os.environ.get("SANDBOX_LB_URL"):
        return os.environ["SANDBOX_LB_URL"]
    state = os.environ.get("SANDBOX_DIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "run")
    try:
        with open(os.path.join(state, "env.json")) as f:
            return json.load(f)["lb_url"]
    except (OSError, ValueError, KeyError):
        return "http://127.0.0.1:8080"


def loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Stats:
    def __init__(self, last_n):
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.requests = 0
        self.failures = 0
        self.reasons = {}
        self.samples = []
        self.versions = {}
        self.first_seen = {}
        self.last_seen = {}
        self.last = deque(maxlen=last_n)
        self.latencies = []

    def add(self, ok, version, reason, latency):
        t = round(time.monotonic() - self.started, 3)
        with self.lock:
            self.requests += 1
            self.latencies.append(latency)
            if ok:
                self.versions[version] = self.versions.get(version, 0) + 1
                self.first_seen.setdefault(version, t)
                self.last_seen[version] = t
                self.last.append(version)
            else:
                self.failures += 1
                self.reasons[reason] = self.reasons.get(reason, 0) + 1
                if len(self.samples) < SAMPLE:
                    self.samples.append({"t": t, "reason": reason})
                self.last.append(None)

    def report(self, url):
        with self.lock:
            elapsed = time.monotonic() - self.started
            lat = sorted(self.latencies)

            def pct(p):
                return round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else None
            last = list(self.last)
            return {
                "url": url,
                "duration_s": round(elapsed, 3),
                "requests": self.requests,
                "failures": self.failures,
                "failure_rate": round(self.failures / self.requests, 6) if self.requests else 0.0,
                "rps": round(self.requests / elapsed, 1) if elapsed > 0 else 0.0,
                "failure_reasons": self.reasons,
                "failure_samples": self.samples,
                "versions": self.versions,
                "version_times": {v: {"first_s": self.first_seen[v], "last_s": self.last_seen[v]}
                                  for v in self.versions},
                "last_versions": last,
                "last_version": next((v for v in reversed(last) if v is not None), None),
                "latency_ms": {"p50": pct(0.5), "p90": pct(0.9), "p99": pct(0.99),
                               "max": round(1000 * lat[-1], 2) if lat else None},
            }


def one_request(conn_box, host, port, path, timeout, keepalive):
    """Returns (ok, version, reason). conn_box holds the worker's reusable connection."""
    for attempt in (1, 2):
        reused = conn_box[0] is not None
        if conn_box[0] is None:
            conn_box[0] = http.client.HTTPConnection(host, port, timeout=timeout)
        conn = conn_box[0]
        try:
            conn.request("GET", path, headers={} if keepalive else {"Connection": "close"})
            resp = conn.getresponse()
            body = resp.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as e:
            conn.close()
            conn_box[0] = None
            if keepalive and reused and attempt == 1:
                continue   # a stale kept-alive connection: retry once on a fresh one
            return False, None, f"connection: {type(e).__name__}"
        except TimeoutError:
            conn.close()
            conn_box[0] = None
            return False, None, "timeout"
        except (OSError, http.client.HTTPException) as e:
            conn.close()
            conn_box[0] = None
            return False, None, f"connection: {type(e).__name__}: {e}"
        if not keepalive or resp.will_close:
            conn.close()
            conn_box[0] = None
        if not 200 <= resp.status < 300:
            return False, None, f"http {resp.status}"
        try:
            version = json.loads(body).get("version")
        except (ValueError, AttributeError):
            version = None
        if version is None:
            return False, None, "body without a version"
        return True, str(version), None
    return False, None, "unreachable"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default=None, help="load balancer URL (default: the sandbox's lb_url)")
    p.add_argument("--concurrency", "-c", type=int, default=4, help="workers (default 4)")
    p.add_argument("--rate", type=float, default=0.0, help="total requests per second (default: as fast as possible)")
    p.add_argument("--duration", "-d", type=float, default=0.0, help="seconds to run (default: until SIGINT/SIGTERM)")
    p.add_argument("--timeout", type=float, default=5.0, help="per-request timeout in seconds (default 5)")
    p.add_argument("--last", type=int, default=20, help="how many of the last requests' versions to report")
    p.add_argument("--keepalive", action="store_true", help="reuse connections (see above)")
    p.add_argument("--out", help="also write the final report to this file")
    p.add_argument("--status-file", help="rewrite the report here every second while running")
    p.add_argument("--max-failures", type=int, default=None, help="exit 1 when failures exceed this")
    args = p.parse_args(argv)
    url = args.url or default_url()
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        p.error(f"--url {url!r}: expected http://HOST:PORT/PATH")
    if not loopback(parts.hostname):
        p.error(f"--url {url!r}: only loopback addresses (127.0.0.0/8, localhost) are allowed")
    if args.concurrency < 1:
        p.error("--concurrency must be at least 1")
    host, port = parts.hostname, parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    stats = Stats(args.last)
    stop = threading.Event()
    schedule = {"next": time.monotonic()}
    sched_lock = threading.Lock()

    def worker():
        box = [None]
        while not stop.is_set():
            if args.rate > 0:
                with sched_lock:
                    at = schedule["next"]
                    schedule["next"] = at + 1.0 / args.rate
                delay = at - time.monotonic()
                if delay > 0 and stop.wait(delay):
                    break
            t0 = time.monotonic()
            ok, version, reason = one_request(box, host, port, path, args.timeout, args.keepalive)
            stats.add(ok, version, reason, time.monotonic() - t0)
        if box[0] is not None:
            box[0].close()

    def on_signal(signum, _frame):
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    deadline = stats.started + args.duration if args.duration > 0 else None

    def write(path, report):
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(report, f, indent=2)
            f.write("\n")
        os.replace(tmp, path)

    while not stop.is_set():
        wait = 1.0 if deadline is None else max(0.0, min(1.0, deadline - time.monotonic()))
        stop.wait(wait)
        if deadline is not None and time.monotonic() >= deadline:
            stop.set()
        if args.status_file:
            write(args.status_file, stats.report(url))
    for t in threads:
        t.join(args.timeout + 1)
    report = stats.report(url)
    if args.out:
        write(args.out, report)
    if args.status_file:
        write(args.status_file, report)
    print(json.dumps(report, indent=2))
    if args.max_failures is not None and report["failures"] > args.max_failures:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
