#!/usr/bin/env python3
"""SP-API client throughput against Amazon's documented limits, on a loopback fake Amazon.

Prints the machine, a baseline (bare requests.Session on the same server), the client's
own overhead with throttling lifted, and calls/s achieved under the documented token buckets
(getPurchaseOrders 10/10, getTransaction 10/20, getReport 2/15 in real time) with the server
enforcing the same bucket and answering 429 when it is empty. A control run fires the same
calls with a bare requests.Session at the same enforcing server, to show that it does answer
429 to a caller that does not pace itself. createReport (0.0167/15) runs on a simulated clock,
which the server cannot enforce. Run: python3 bench/bench_spapi_client.py [--quick]
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


class EnforcingAmazon(FakeAmazon):
    """The fake Amazon enforcing one operation's documented bucket, counting its 429s."""

    def __init__(self, operation, **kw):
        super().__init__(**kw)
        self.rate_limit = RATE_LIMITS[operation]
        self.throttled = 0

    def dispatch(self, method, raw_path, headers, raw):
        reply = super().dispatch(method, raw_path, headers, raw)
        if reply.status == 429:
            with self.lock:
                self.throttled += 1
        return reply


REPLIES = {
    "getTransaction": lambda seen: Reply(
        200, {"payload": {"transactionStatus": {"transactionId": "T", "status": "Success"}}}
    ),
    "getReport": lambda seen: Reply(
        200,
        {
            "reportId": "R",
            "reportType": "GET_VENDOR_SALES_REPORT",
            "createdTime": "2026-01-01T00:00:00Z",
            "processingStatus": "IN_QUEUE",
        },
    ),
}
PATHS = {
    "getPurchaseOrders": ("/vendor/orders/v1/purchaseOrders", {"limit": 100}),
    "getTransaction": ("/vendor/transactions/v1/transactions/T", {}),
    "getReport": ("/reports/2021-06-30/reports/R", {}),
}


def enforcing_fake(operation):
    fake = EnforcingAmazon(operation, orders=100, spacing=timedelta(minutes=5))
    if operation in REPLIES:
        fake.route(operation, REPLIES[operation])
    return fake


def unpaced(operation, calls):
    """Control: a bare requests.Session firing ``calls`` at a server enforcing the bucket;
    returns the 429s it got (more than 0, or the paced figure proves nothing)."""
    fake = enforcing_fake(operation)
    try:
        token = client(fake).auth.access_token()
        path, params = PATHS[operation]
        session = requests.Session()
        for _ in range(calls):
            session.get(fake.url + path, params=params, headers={"x-amz-access-token": token})
        return fake.throttled
    finally:
        fake.stop()


def paced(operation, calls, call):
    """Real clock and sleep, documented rate/burst, the server enforcing the same bucket:
    (rate, burst, calls, total s, calls/s after the burst, 429s the server answered)."""
    rate, burst = RATE_LIMITS[operation]
    fake = enforcing_fake(operation)
    try:
        c = client(fake)
        c.auth.access_token()
        start = time.perf_counter()
        stamps = []
        for _ in range(calls):
            call(c)
            stamps.append(time.perf_counter())
        total = time.perf_counter() - start
        steady = (calls - burst) / (stamps[-1] - stamps[burst - 1]) if calls > burst else None
        assert len(fake.calls(operation)) == calls + fake.throttled
        return rate, burst, calls, total, steady, fake.throttled
    finally:
        fake.stop()


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

        print("\nunder Amazon's documented limits (real clock), the server enforcing them:")
        print(
            f"{'operation':<20}{'rate/s':>8}{'burst':>7}{'calls':>7}{'total s':>9}"
            f"{'steady/s':>10}{'429s':>6}{'429s unpaced':>14}"
        )
        scale = 1 if QUICK else 2
        runs = [
            ("getPurchaseOrders", 20 + 20 * scale, lambda c: c.get_purchase_orders(limit=100)),
            ("getTransaction", 30 + 20 * scale, lambda c: c.get_transaction("T")),
            ("getReport", 17 + 4 * scale, lambda c: c.get_report("R")),
        ]
        for op, calls, call in runs:
            control = unpaced(op, calls)
            assert control > 0, f"the server did not enforce {op}'s bucket"
            rate, burst, calls, total, steady, throttled = paced(op, calls, call)
            print(
                f"{op:<20}{rate:>8g}{burst:>7}{calls:>7}{total:>9.2f}{steady:>10.2f}"
                f"{throttled:>6}{control:>14}"
            )
        print("(429s unpaced: the same calls from a bare requests.Session, same server)")

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
            f"{(calls - 15) / simulated:>10.4f}{'n/a':>6}  (simulated seconds; the server "
            "does not enforce this bucket)"
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
