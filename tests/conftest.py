"""Pure-Python suite: runs without Odoo, from the repository root."""

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The official models are vendored under acorn_vendor/core/spapi_models; ../shared holds the
# upstream copy the vendored files are checked against when it is present.
SHARED = Path(os.environ.get("ACORN_SHARED", ROOT.parent / "shared"))


def pytest_runtest_logreport(report):
    """Name every skipped test in ACORN_SKIPS_FILE (set by `./acorn test`), which counts skips
    apart from passes and, under CI, fails on one that tests/allowed_skips.txt does not list."""
    _name_skip(report)


def pytest_collectreport(report):
    """A module skipped as a whole (``importorskip`` at its top) is a skip too."""
    _name_skip(report)


def _name_skip(report):
    path = os.environ.get("ACORN_SKIPS_FILE")
    if not path or not report.skipped or hasattr(report, "wasxfail"):
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps({"test": report.nodeid, "reason": reason.removeprefix("Skipped: ")}))
        out.write("\n")


# ---- Acorn sandbox (acorn_vendor/core/sandbox) ---------------------------------------------
SANDBOX_TEST_CONFIG = {
    "seed": 1,
    "pos_per_day": 6,
    "history_days": 21,
    "lines_max": 5,
    "start_time": "2026-03-04T12:00:00Z",
    "frozen_clock": True,
    "transaction_delay": 60,
    "report_queue_seconds": 30,
    "report_processing_seconds": 60,
    "throttle": False,
    "strict": True,
}


@pytest.fixture
def sandbox_factory(tmp_path):
    """Start sandboxes with SANDBOX_TEST_CONFIG overridden by keyword arguments; all stopped
    at teardown. Each call gets its own SQLite file unless db_path is given."""
    from acorn_vendor.core.sandbox import start_sandbox

    started = []

    def make(**overrides):
        config = {**SANDBOX_TEST_CONFIG, **overrides}
        config.setdefault("db_path", tmp_path / f"sandbox-{len(started)}.sqlite")
        sb = start_sandbox(**config)
        started.append(sb)
        return sb

    yield make
    for sb in started:
        sb.stop()  # idempotent: tests may have stopped it already


@pytest.fixture
def sandbox(sandbox_factory):
    """A running sandbox (loopback, free port, tmp SQLite, frozen clock, strict mode)."""
    return sandbox_factory()
