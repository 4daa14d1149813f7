#!/usr/bin/env python3
"""SP-API client throughput against Amazon's documented limits, on a loopback fake Amazon.

Prints the machine, a baseline (bare requests.Session on the same server), the client's
own overhead with throttling lifted, and pages/s achieved under the documented token
buckets (getPurchaseOrders 10/10, getTransaction 10/20, getReport 2/15 in real time;
createReport 0.0167/15 on a simulated clock). Run: python3 bench/bench_spapi_client.py
"""

import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from acorn_vendor.core.spapi import MemoryJournal, MemoryTokenCache  # noqa: E402
from acorn_vendor.core.spapi.operations import RATE_LIMITS  # noqa: E402
from bench.common import machine  # noqa: E402
from tests.test_spapi_fakes import T0, FakeAmazon, FakeClock, Reply  # noqa: E402

QUICK = "--quick" in sys.argv


def client(fake, **kw):
    kw.setdefault("token_cache", MemoryTokenCache())
    kw.setdefault("journal", MemoryJournal())
    return fake.client(**kw)


def baseline(fake, pages):
    """Bare requests.Session: same server, same page, no client logic."""
    c = client(fake)
    token = c.auth.access_token()
    session = requests.Session()
    url = fake.url + "/vendor/orders/v1/purchaseOrders"
    start = time.perf_counter()
    for _ in range(pages):
        resp = session.get(url, params={"limit": 100}, headers={"x-amz-access-token": token})
        resp.json()
    return pages / (time.perf_counter() - start)


def unthrottled(fake, pages, validate):
    c = client(
        fake, rate_overrides={"getPurchaseOrders": (1e9, 10**9)}, validate_responses=validate
    )
    c.auth.access_token()
    start = time.perf_counter()
    for _ in range(pages):
        c.get_purchase_orders(limit=100)
    return pages / (time.perf_counter() - start)


def paced(fake, operation, calls, call):
    """Real clock and sleep, documented rate/burst; returns (calls/s after the burst, 429s)."""
    rate, burst = RATE_LIMITS[operation]
    fake.rate_limit = None
    before = len(fake.calls(operation))
    start = time.perf_counter()
    stamps = []
    for _ in range(calls):
        call()
        stamps.append(time.perf_counter())
    total = time.perf_counter() - start
    steady = (calls - burst) / (stamps[-1] - stamps[burst - 1]) if calls > burst else float("nan")
    sent = len(fake.calls(operation)) - before
    return rate, burst, calls, total, steady, sent - calls


def main():
    print("SP-API client benchmark (loopback fake Amazon, real HTTP)")
    print(machine())
    fake = FakeAmazon(orders=100, spacing=timedelta(minutes=5))
    try:
        n = 100 if QUICK else 300
        # Alternate the runs and keep medians: the machine may be busy with other work.
        rounds = {"base": [], "raw": [], "strict": []}
        for _ in range(3):
            rounds["base"].append(baseline(fake, n))
            rounds["raw"].append(unthrottled(fake, n, None))
            rounds["strict"].append(unthrottled(fake, max(10, n // 20), "strict"))
        base, raw, strict = (statistics.median(rounds[k]) for k in ("base", "raw", "strict"))
        spread = ", ".join(f"{v:.0f}" for v in rounds["base"])
        print(
            f"\nbaseline  bare requests.Session, 100 detailed POs/page: {base:8.1f} pages/s"
            f"  (median of {spread})"
        )
        print(
            f"client    throttling lifted, no response validation:   {raw:8.1f} pages/s"
            f"  ({raw / base:.0%} of baseline)"
        )
        print(
            f"client    throttling lifted, strict model validation:  {strict:8.1f} pages/s"
            f"  ({strict / base:.0%} of baseline; jsonschema on every order)"
        )

        print("\nunder Amazon's documented limits (real clock):")
        print(
            f"{'operation':<20}{'rate/s':>8}{'burst':>7}{'calls':>7}{'total s':>9}"
            f"{'steady/s':>10}{'429s':>6}"
        )
        c = client(fake)
        fake.route(
            "getTransaction",
            lambda seen: Reply(
                200, {"payload": {"transactionStatus": {"transactionId": "T", "status": "Success"}}}
            ),
        )
        fake.route(
            "getReport",
            lambda seen: Reply(
                200,
                {
                    "reportId": "R",
                    "reportType": "GET_VENDOR_SALES_REPORT",
                    "createdTime": "2026-01-01T00:00:00Z",
                    "processingStatus": "IN_QUEUE",
                },
            ),
        )
        scale = 1 if QUICK else 2
        runs = [
            ("getPurchaseOrders", 20 + 20 * scale, lambda: c.get_purchase_orders(limit=100)),
            ("getTransaction", 30 + 20 * scale, lambda: c.get_transaction("T")),
            ("getReport", 17 + 4 * scale, lambda: c.get_report("R")),
        ]
        for op, calls, call in runs:
            rate, burst, calls, total, steady, throttled = paced(fake, op, calls, call)
            print(
                f"{op:<20}{rate:>8g}{burst:>7}{calls:>7}{total:>9.2f}{steady:>10.2f}{throttled:>6}"
            )

        # The same, with the server enforcing the same buckets: 429s show clock jitter.
        fake.rate_limit = RATE_LIMITS["getPurchaseOrders"]
        c2 = client(fake)
        start = time.perf_counter()
        before = len(fake.calls("getPurchaseOrders"))
        calls = 20 + 20 * scale
        for _ in range(calls):
            c2.get_purchase_orders(limit=100)
        total = time.perf_counter() - start
        sent = len(fake.calls("getPurchaseOrders")) - before
        fake.rate_limit = None
        print(
            f"{'getPurchaseOrders*':<20}{10:>8g}{10:>7}{calls:>7}{total:>9.2f}"
            f"{(calls - 10) / total:>10.2f}{sent - calls:>6}  (*server enforces 10/10 too)"
        )

        # createReport: 1 per minute after a burst of 15, on a simulated clock.
        clock = FakeClock()
        fake.route("createReport", lambda seen: Reply(202, {"reportId": "R"}))
        c3 = client(fake, clock=clock, sleep=clock.sleep)
        calls = 45
        for _ in range(calls):
            c3.create_report(
                "GET_VENDOR_TRAFFIC_REPORT", "ATVPDKIKX0DER", report_options={"reportPeriod": "DAY"}
            )
        simulated = clock.t - 1000.0
        print(
            f"{'createReport (sim)':<20}{0.0167:>8g}{15:>7}{calls:>7}{simulated:>9.0f}"
            f"{(calls - 15) / simulated:>10.4f}{0:>6}  (simulated seconds)"
        )
        before = len(fake.calls("getPurchaseOrders"))
        lister = client(fake, clock=clock, sleep=clock.sleep)
        listed = lister.iter_purchase_orders(
            createdAfter=T0, createdBefore=T0 + timedelta(days=60), includeDetails=False
        )
        count = len(list(listed))
        calls = len(fake.calls("getPurchaseOrders")) - before
        print(f"\nwindowed listing: 60 days -> {count} POs in {calls} getPurchaseOrders calls")
    finally:
        fake.stop()


if __name__ == "__main__":
    main()
