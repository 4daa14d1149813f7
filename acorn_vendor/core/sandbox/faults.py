"""Rate limits (the client's token bucket at Amazon's documented rate/burst) and faults on
demand."""

import threading
import time

from ..spapi.throttle import TokenBucket
from ..spapi_models import RATE_LIMITS


class TokenBuckets:
    """One bucket per operation. Time is real time plus every clock advance, so tests can
    refill a bucket by advancing the sandbox clock instead of sleeping; with a frozen clock
    only advances count, which keeps throttling tests deterministic."""

    def __init__(self, overrides=None, enabled=True, frozen=False):
        self.frozen = frozen
        self.limits = dict(RATE_LIMITS)
        for op, (rate, burst) in (overrides or {}).items():
            self.limits[op] = (float(rate), int(burst))
        self.enabled = enabled
        self.skew = 0.0
        self._state = {}
        self._lock = threading.Lock()

    def _now(self):
        return (0.0 if self.frozen else time.monotonic()) + self.skew

    def rate_header(self, op):
        rate = self.limits.get(op, (10.0, 10))[0]
        return repr(float(rate))

    def _bucket(self, op):
        if op not in self._state:
            rate, burst = self.limits[op]
            self._state[op] = TokenBucket(rate, burst, clock=self._now)
        return self._state[op]

    def take(self, op):
        if not self.enabled or op not in self.limits:
            return True
        with self._lock:
            return self._bucket(op).try_take() == 0.0

    def drain(self, op="*"):
        with self._lock:
            for name in self.limits if op == "*" else [op]:
                if name in self.limits:
                    self._bucket(name).drain()

    def advance(self, seconds):
        with self._lock:
            self.skew += seconds

    def reset(self):
        with self._lock:
            self._state.clear()


class FaultBook:
    """Active faults with remaining counts; consumed by the request pipeline."""

    def __init__(self):
        self._faults = []
        self._lock = threading.Lock()
        self.fired = {}

    def set(self, faults, replace=True):
        with self._lock:
            if replace:
                self._faults = []
            self._faults.extend(dict(f) for f in faults)

    def clear(self):
        self.set([], replace=True)

    def active(self):
        with self._lock:
            return [dict(f) for f in self._faults]

    def take(self, kinds, op):
        """The first active fault of one of `kinds` matching `op`, consuming one use."""
        with self._lock:
            for fault in self._faults:
                if fault["kind"] not in kinds or fault["operation"] not in ("*", op):
                    continue
                if fault["count"] is not None:
                    if fault["count"] <= 0:
                        continue
                    fault["count"] -= 1
                self.fired[fault["kind"]] = self.fired.get(fault["kind"], 0) + 1
                self._faults = [f for f in self._faults if f["count"] is None or f["count"] > 0]
                return dict(fault)
        return None
