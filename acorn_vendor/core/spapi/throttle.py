"""Client-side throttling: one token bucket per operation, with Amazon's rate and burst.

Staying under the documented limits avoids most 429s; the ``x-amzn-RateLimit-Limit``
header Amazon returns (the plan actually applied to this app) adjusts the rate. Clock and
sleep are injectable so tests and benchmarks can measure without waiting.
"""

import email.utils
import threading
import time


class TokenBucket:
    """``rate`` tokens per second, at most ``burst`` banked; thread-safe.

    The one token bucket of Acorn: the SP-API client paces its calls with ``reserve``, the
    report jobs share a persisted one through ``state``/``restore`` and ``try_take``, and the
    sandbox enforces Amazon's limits with ``try_take``.
    """

    def __init__(self, rate, burst, clock=time.monotonic, tokens=None, stamp=None):
        if rate <= 0 or burst < 1:
            raise ValueError(f"A token bucket needs rate > 0 and burst >= 1, got {rate}/{burst}")
        self.rate = float(rate)
        self.burst = float(burst)
        self.clock = clock
        self.tokens = float(burst if tokens is None else tokens)
        self.stamp = clock() if stamp is None else float(stamp)
        self._lock = threading.Lock()

    @classmethod
    def restore(cls, rate, burst, state, clock=time.monotonic):
        """A bucket from ``state()`` saved earlier (e.g. in a database row)."""
        return cls(rate, burst, clock, state.get("tokens"), state.get("stamp", 0.0))

    def state(self):
        return {"tokens": self.tokens, "stamp": self.stamp}

    def _refill(self, now):
        if now > self.stamp:
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def try_take(self):
        """Take one token if there is one: 0.0, else the seconds until there is one (and
        nothing is taken: the caller asks again later, as a server refuses with 429)."""
        with self._lock:
            self._refill(self.clock())
            if self.tokens >= 1.0 - 1e-6:  # a stored state loses the last bits of a float
                self.tokens -= 1.0
                return 0.0
            return (1.0 - self.tokens) / self.rate

    def reserve(self):
        """Take one token now and return how long the caller must wait before using it.

        Tokens may go negative: concurrent callers then queue in order, each waiting for
        its own token, without holding the lock while they sleep.
        """
        with self._lock:
            self._refill(self.clock())
            self.tokens -= 1.0
            return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def drain(self):
        """Amazon said 429: whatever we thought was left is not."""
        with self._lock:
            self._refill(self.clock())
            self.tokens = min(self.tokens, 0.0)

    def set_rate(self, rate):
        with self._lock:
            self._refill(self.clock())
            self.rate = float(rate)


class RateLimiter:
    """The buckets of one account, one per operation and nominal (rate, burst).

    Keying by the nominal limits too keeps a client with ``rate_overrides`` from
    reshaping the bucket that other clients of the same account share.
    """

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self.clock = clock
        self.sleep = sleep
        self._buckets = {}
        self._lock = threading.Lock()

    def bucket(self, key, rate, burst):
        nominal = (key, float(rate), int(burst))
        with self._lock:
            bucket = self._buckets.get(nominal)
            if bucket is None:
                bucket = self._buckets[nominal] = TokenBucket(rate, burst, self.clock)
            return bucket

    def acquire(self, key, rate, burst):
        """Block until the operation may be called; returns the time waited."""
        wait = self.bucket(key, rate, burst).reserve()
        if wait > 0:
            self.sleep(wait)
        return wait

    def drain(self, key, rate, burst):
        self.bucket(key, rate, burst).drain()

    def observe_limit(self, key, rate, burst, header_value, safety=1.0):
        """Apply the rate Amazon announced in ``x-amzn-RateLimit-Limit``, if it is sane."""
        try:
            announced = float(header_value) * safety
        except (TypeError, ValueError):
            return
        if announced > 0:
            bucket = self.bucket(key, rate, burst)
            if abs(bucket.rate - announced) > 1e-9:
                bucket.set_rate(announced)


def backoff_delay(attempt, rng, base=0.5, cap=30.0):
    """Exponential backoff with full jitter: uniform(0, min(cap, base * 2**attempt))."""
    return rng.uniform(0.0, min(cap, base * (2**attempt)))


def parse_retry_after(value, now=time.time):
    """Seconds to wait from a Retry-After header (seconds or HTTP date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now())
