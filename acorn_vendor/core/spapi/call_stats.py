"""Counts of what one piece of work asked of Amazon: HTTP calls and 429 answers.

A sync run hands a CallStats to the client it builds; the run record then shows how many
calls the run cost and how often Amazon throttled it, without parsing logs.
"""

import threading


class CallStats:
    """Thread-safe counters; ``calls`` counts every HTTP request sent to an SP-API operation
    (retries included, the LWA token exchange excluded), ``throttled`` every 429 answer."""

    def __init__(self):
        self.calls = 0
        self.throttled = 0
        self._lock = threading.Lock()

    def count_call(self, status):
        with self._lock:
            self.calls += 1
            if status == 429:
                self.throttled += 1

    def __repr__(self):
        return f"CallStats(calls={self.calls}, throttled={self.throttled})"
