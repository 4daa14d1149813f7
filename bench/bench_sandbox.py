"""Sandbox capacity on loopback and history generation time.

    python3 bench/bench_sandbox.py [--seconds 3] [--pos 20000]

Prints the machine, a baseline (a bare stdlib HTTP server with TCP_NODELAY answering a fixed
JSON body, the ceiling for any ThreadingHTTPServer on this machine), then getPurchaseOrders pages,
submitAcknowledgement, and the time to generate a 20,000-PO history (about 10 lines each).
"""

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from acorn_vendor.core.sandbox import start_sandbox  # noqa: E402
from acorn_vendor.core.sandbox.testing import SandboxSession, acknowledgement_for  # noqa: E402
from bench.common import machine  # noqa: E402


def rate(fn, seconds, threads=1):
    """Calls per second of fn() over `seconds` with `threads` concurrent callers."""
    stop = time.perf_counter() + seconds
    counts = [0] * threads

    def worker(i):
        while time.perf_counter() < stop:
            fn(i)
            counts[i] += 1

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(counts) / (time.perf_counter() - started)


def baseline(seconds):
    body = json.dumps({"payload": {"orders": []}}).encode()

    class Echo(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/" % httpd.server_address[1]
    http = requests.Session()
    result = rate(lambda i: http.get(url, timeout=5), seconds)
    httpd.shutdown()
    httpd.server_close()
    return result


def bench_requests(seconds, tmp):
    sb = start_sandbox(
        db_path=Path(tmp) / "capacity.sqlite",
        seed=7,
        pos_per_day=200,
        history_days=10,
        lines_min=5,
        lines_max=15,
        start_time="2026-03-04T12:00:00Z",
        frozen_clock=True,
        throttle=False,
    )
    out = {}
    try:
        week = {"createdAfter": "2026-02-25T00:00:00Z", "createdBefore": "2026-03-04T00:00:00Z"}
        sessions = [SandboxSession(sb, validate=False) for _ in range(4)]
        full = dict(week, limit=100)
        compact = dict(week, limit=100, includeDetails="false")
        for name, params, threads in (
            ("getPurchaseOrders 100/page with details, 1 client", full, 1),
            ("getPurchaseOrders 100/page with details, 4 clients", full, 4),
            ("getPurchaseOrders 100/page includeDetails=false, 1 client", compact, 1),
        ):
            out[name] = rate(
                lambda i, p=params: sessions[i].ok("getPurchaseOrders", p), seconds, threads
            )
        new = sessions[0].ok(
            "getPurchaseOrders",
            {
                "createdAfter": "2026-02-26T00:00:00Z",
                "createdBefore": "2026-03-04T12:00:00Z",
                "limit": 100,
            },
        )["payload"]["orders"]
        body = acknowledgement_for(new[0], "2026-03-04T12:00:00Z")
        out["submitAcknowledgement (validated + queued), 1 client"] = rate(
            lambda i: sessions[0].ok("submitAcknowledgement", body=body), seconds
        )
        sb.cfg.strict = True
        out["getPurchaseOrders 100/page, strict mode, 1 client"] = rate(
            lambda i: sessions[0].ok("getPurchaseOrders", full), seconds
        )
    finally:
        sb.stop()
    return out


def bench_generation(target, tmp):
    days = 400
    started = time.perf_counter()
    sb = start_sandbox(
        db_path=Path(tmp) / "history.sqlite",
        seed=3,
        pos_per_day=target / days,
        history_days=days - 1,
        lines_min=1,
        lines_max=19,
        start_time="2026-03-04T12:00:00Z",
        frozen_clock=True,
    )
    elapsed = time.perf_counter() - started
    stats = sb.stats()
    size = os.path.getsize(sb.db_path)
    sb.stop()
    pos = sum(stats["purchaseOrders"].values())
    return elapsed, pos, stats["orderLines"], size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--pos", type=int, default=20000)
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="acorn-bench-") as tmp:
        print(
            f"baseline bare ThreadingHTTPServer GET, 1 client: {baseline(args.seconds):8.0f} req/s"
        )
        for name, value in bench_requests(args.seconds, tmp).items():
            print(f"{name}: {value:8.1f} req/s")
        elapsed, pos, lines, size = bench_generation(args.pos, tmp)
        print(
            f"history generation: {pos} POs, {lines} lines in {elapsed:.1f} s "
            f"({pos / elapsed:.0f} POs/s), SQLite file {size / 1e6:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
