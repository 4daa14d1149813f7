"""Throttling and retries: token buckets with Amazon's documented rate/burst, the
x-amzn-RateLimit-Limit header, bounded exponential backoff with full jitter, Retry-After."""

import random
import re
import time

import pytest

from acorn_vendor.core.spapi import (
    MemoryJournal,
    MemoryTokenCache,
    NetworkError,
    ServerError,
    SpApiClient,
    ThrottledError,
)
from acorn_vendor.core.spapi.base import forget_pacing
from acorn_vendor.core.spapi.operations import RATE_LIMITS, REGISTRY
from acorn_vendor.core.spapi.throttle import TokenBucket, backoff_delay, parse_retry_after
from acorn_vendor.core.spapi_models import operations

from .test_spapi_fakes import FakeAmazon, FakeClock, Reply

QUOTA = {"errors": [{"code": "QuotaExceeded", "message": "You exceeded your quota."}]}


@pytest.fixture
def fake():
    amazon = FakeAmazon(orders=30)
    yield amazon
    amazon.stop()


def test_rate_table_matches_the_usage_plans_in_amazons_models():
    for op_id, (_f, _m, _p, op) in operations().items():
        m = re.search(r"\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|", op["description"])
        assert m, op_id
        assert RATE_LIMITS[op_id] == (float(m.group(1)), int(m.group(2))), op_id
    assert RATE_LIMITS["getTransaction"] == (10.0, 20)
    assert RATE_LIMITS["createReport"] == (0.0167, 15)
    assert REGISTRY["getReport"].rate == 2.0 and REGISTRY["getReport"].burst == 15


def test_bucket_allows_burst_then_paces_at_rate():
    clock = FakeClock()
    bucket = TokenBucket(10, 10, clock)
    assert [bucket.reserve() for _ in range(10)] == [0.0] * 10
    assert bucket.reserve() == pytest.approx(0.1)
    assert bucket.reserve() == pytest.approx(0.2)  # queued behind the previous caller
    clock.t += 1.0
    assert bucket.reserve() == 0.0 or bucket.tokens < 10


def test_create_report_burst_15_then_one_a_minute(fake):
    clock = FakeClock()
    fake.route("createReport", lambda seen: Reply(202, {"reportId": "R1"}))
    client = fake.client(clock=clock, sleep=clock.sleep)
    for _ in range(16):
        client.create_report(
            "GET_VENDOR_TRAFFIC_REPORT", "ATVPDKIKX0DER", report_options={"reportPeriod": "WEEK"}
        )
    assert len(clock.sleeps) == 1
    # ~60 s for the 16th, paced at 95 % of the documented rate (jitter margin)
    assert clock.sleeps[0] == pytest.approx(1 / (0.0167 * 0.95), rel=1e-3)


def test_rate_limit_header_adjusts_the_bucket(fake):
    clock = FakeClock()
    fake.ratelimit_header = "2.0"
    client = fake.client(clock=clock, sleep=clock.sleep, rate_safety=1.0)
    client.get_purchase_orders(limit=1)
    assert client.limiter.bucket("getPurchaseOrders", 10, 10).rate == 2.0
    for _ in range(9):
        client.get_purchase_orders(limit=1)
    assert not clock.sleeps  # burst still 10
    client.get_purchase_orders(limit=1)
    assert clock.sleeps == [pytest.approx(0.5)]  # paced at the announced 2/s, not 10/s


def test_429_honours_retry_after_then_succeeds(fake):
    clock = FakeClock()
    fake.script("getPurchaseOrders", Reply(429, QUOTA, {"Retry-After": "3"}))
    client = fake.client(clock=clock, sleep=clock.sleep)
    assert client.get_purchase_orders(limit=1)["orders"]
    assert 3.0 in clock.sleeps
    assert len(fake.calls("getPurchaseOrders")) == 2


def test_429_backoff_is_bounded_exponential_with_full_jitter(fake):
    clock = FakeClock()
    fake.script("getPurchaseOrders", *[Reply(429, QUOTA) for _ in range(10)])
    client = fake.client(
        clock=clock, sleep=clock.sleep, rng=random.Random(7), max_retries=4, backoff_base=0.5
    )
    with pytest.raises(ThrottledError) as info:
        client.get_purchase_orders(limit=1)
    assert len(fake.calls("getPurchaseOrders")) == 5  # 1 + max_retries
    assert info.value.status == 429 and info.value.code == "QuotaExceeded"
    assert info.value.retry_after > 0
    # every backoff lies in [0, base * 2**attempt]; bucket waits after the drain come extra
    backoffs = [backoff_delay(a, random.Random(7), 0.5) for a in range(4)]
    assert all(0 <= d <= 0.5 * 2**a for a, d in enumerate(backoffs))
    assert sum(clock.sleeps) >= 4 / 10  # the drained bucket refills at 10/s between tries


def test_full_jitter_spreads_delays():
    rng = random.Random(1)
    delays = [backoff_delay(5, rng, base=0.5, cap=30.0) for _ in range(2000)]
    assert 0 <= min(delays) < 1.0 and 15.0 < max(delays) <= 16.0
    assert 6.0 < sum(delays) / len(delays) < 10.0  # uniform(0, 16): mean 8
    assert backoff_delay(20, rng, cap=30.0) <= 30.0


def test_retry_after_too_long_raises_without_sleeping(fake):
    clock = FakeClock()
    fake.script("getPurchaseOrders", Reply(429, QUOTA, {"Retry-After": "600"}))
    client = fake.client(clock=clock, sleep=clock.sleep, max_retry_after=60)
    with pytest.raises(ThrottledError, match="try again in 600 s") as info:
        client.get_purchase_orders(limit=1)
    assert info.value.retry_after == 600
    assert clock.sleeps == []


def test_retry_after_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=lambda: 1445412480.0) == 30
    assert parse_retry_after("garbage") is None


def test_get_retried_on_500_and_503(fake):
    clock = FakeClock()
    fake.script(
        "getPurchaseOrders",
        Reply(500, {"errors": [{"code": "InternalFailure", "message": "x"}]}),
        Reply(503, {"errors": [{"code": "ServiceUnavailable", "message": "y"}]}),
    )
    client = fake.client(clock=clock, sleep=clock.sleep)
    assert client.get_purchase_orders(limit=1)["orders"]
    assert len(fake.calls("getPurchaseOrders")) == 3


def test_persistent_500_is_a_server_error(fake):
    clock = FakeClock()
    fake.script(
        "getPurchaseOrder",
        *[Reply(500, {"errors": [{"code": "InternalFailure", "message": "boom"}]})] * 3,
    )
    client = fake.client(clock=clock, sleep=clock.sleep, max_retries=2)
    with pytest.raises(ServerError, match="Amazon's side") as info:
        client.get_purchase_order("2JK3S9VC")
    assert info.value.status == 500 and info.value.code == "InternalFailure"
    assert info.value.request_id


def test_get_timeout_is_retried(fake):
    clock = FakeClock()
    fake.script("getPurchaseOrders", Reply(200, {"payload": {"orders": []}}, delay=1.0))
    client = fake.client(clock=clock, sleep=clock.sleep, timeout=(1, 0.3))
    assert client.get_purchase_orders(limit=1)["orders"]  # second answer: the real orders
    assert len(fake.calls("getPurchaseOrders")) == 2


def test_get_timeouts_exhausted_is_a_network_error(fake):
    clock = FakeClock()
    fake.script("getPurchaseOrders", *[Reply(200, {}, delay=1.0)] * 2)
    client = fake.client(clock=clock, sleep=clock.sleep, timeout=(1, 0.2), max_retries=1)
    with pytest.raises(NetworkError, match="no answer within 0.2 s") as info:
        client.get_purchase_orders(limit=1)
    assert info.value.sent is True


def test_backoff_on_429_never_exceeds_configured_rate(fake):
    """Real clock: the server saw every request; in every interval the count stays within
    burst + rate * duration (the token-bucket envelope), 429 storms included."""
    rate, burst = 40.0, 5
    fake.script("getPurchaseOrders", *[Reply(429, QUOTA) for _ in range(3)])
    slept = []

    def sleep(s):
        slept.append(s)
        time.sleep(s)

    client = fake.client(
        rate_overrides={"getPurchaseOrders": (rate, burst)}, sleep=sleep, backoff_base=0.02
    )
    start = time.monotonic()
    for _ in range(45):
        client.get_purchase_orders(limit=1, include_details=False)
    elapsed = time.monotonic() - start
    stamps = sorted(r.t for r in fake.calls("getPurchaseOrders"))
    assert len(stamps) == 48  # 45 answers + 3 throttled
    for i in range(len(stamps)):
        for j in range(i, len(stamps)):
            allowed = burst + rate * (stamps[j] - stamps[i]) + 1  # +1: clock granularity
            assert j - i + 1 <= allowed, (i, j)
    achieved = (len(stamps) - burst) / elapsed
    assert achieved <= rate * 1.05
    assert slept  # it did wait, both for backoff and for the bucket


def test_clients_of_one_account_share_their_pacing_until_it_is_forgotten(fake):
    # Odoo builds a client per job: the process-wide limiter keeps a burst spent by one job
    # spent for the next; forget_pacing (each Odoo test) starts the next one afresh.
    kw = {"token_cache": MemoryTokenCache(), "journal": MemoryJournal(), "timeout": (2, 5)}
    first = SpApiClient(fake.credentials, endpoint=fake.url, token_url=fake.token_url, **kw)
    second = SpApiClient(fake.credentials, endpoint=fake.url, token_url=fake.token_url, **kw)
    assert first.limiter is second.limiter
    forget_pacing()
    third = SpApiClient(fake.credentials, endpoint=fake.url, token_url=fake.token_url, **kw)
    assert third.limiter is not first.limiter
