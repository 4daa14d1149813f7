"""Fewer garbage-collector passes while a file is read.

Reading EDI allocates millions of short-lived objects (segments, lists, domain objects) that
reference counting frees at once; none of them form cycles. CPython's cyclic collector still
runs every 700 allocations and walks every object of the message in hand each time, which
cost about a fifth of the reader's time. While at least one reader runs, the first generation
threshold is raised so the collector runs ~100 times less often; cyclic garbage (there is
none of ours) is still collected, only later. Memory stays flat: objects are freed by their
reference count, not by the collector. Thread-safe: the first reader in raises it, the last
one out restores it unless someone else changed it meanwhile.
"""

import gc
import threading
from contextlib import contextmanager

READER_GEN0_THRESHOLD = 100_000

_lock = threading.Lock()
_state = {"readers": 0, "saved": None}


def _enter():
    with _lock:
        _state["readers"] += 1
        if _state["readers"] == 1:
            threshold = gc.get_threshold()
            if 0 < threshold[0] < READER_GEN0_THRESHOLD:
                _state["saved"] = threshold
                gc.set_threshold(READER_GEN0_THRESHOLD, *threshold[1:])


def _leave():
    with _lock:
        _state["readers"] -= 1
        if _state["readers"] == 0 and _state["saved"] is not None:
            saved, _state["saved"] = _state["saved"], None
            if gc.get_threshold()[0] == READER_GEN0_THRESHOLD:
                gc.set_threshold(*saved)


@contextmanager
def fewer_collections():
    """Raise the collector's first threshold for the duration of the block (see module)."""
    _enter()
    try:
        yield
    finally:
        _leave()
